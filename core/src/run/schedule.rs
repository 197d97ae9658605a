//! When a task's session starts: StartFuotaTask's `LoRaWAN.StartTime`. The service wants it at
//! least 30 minutes ahead (AWS IoT Wireless developer guide, "Schedule a FUOTA task"); the console
//! proposes 35, so that a few minutes of review still leave it valid. The time is an input: the
//! browser's clock, corrected by what the service said of it.

use serde_json::json;

use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::time::Timestamp;

const MINUTE_MS: i64 = 60_000;

/// The shortest lead the service accepts.
pub const MIN_LEAD_MINUTES: i64 = 30;
/// What the form proposes.
pub const DEFAULT_LEAD_MINUTES: i64 = 35;

/// The proposed start: now + 35 minutes, rounded up to the minute (a `datetime-local` control
/// shows minutes).
pub fn default_start_ms(now_ms: i64) -> i64 {
    now_ms.saturating_add(DEFAULT_LEAD_MINUTES * MINUTE_MS).div_euclid(MINUTE_MS).saturating_add(1) * MINUTE_MS
}

/// The start time the user chose (`None`: the control is empty or not a time), checked against
/// `now_ms`. Checked again when the user confirms: a review left open can make it too soon.
pub fn check_start(start_ms: Option<i64>, now_ms: i64) -> Result<Timestamp, ConsoleError> {
    let refuse = |why: String| ConsoleError::InvalidInput { field: Field::StartTime, reason: why };
    let start_ms = start_ms.ok_or_else(|| refuse("Choose the date and time the session starts.".into()))?;
    let lead_ms = start_ms.saturating_sub(now_ms);
    if lead_ms < MIN_LEAD_MINUTES * MINUTE_MS {
        let when = if lead_ms <= 0 { "already past".to_owned() } else { format!("{} minutes from now", lead_ms / MINUTE_MS) };
        return Err(refuse(format!(
            "The service starts a FUOTA session at least {MIN_LEAD_MINUTES} minutes ahead; this time is {when}. Choose {DEFAULT_LEAD_MINUTES} minutes or more."
        )));
    }
    Timestamp::from_epoch_millis(start_ms).ok_or_else(|| refuse("That time is out of range.".into()))
}

/// StartFuotaTask for `task_id` at `start` (ISO-8601 in UTC, as the model's `timestampFormat`).
pub fn start_request(task_id: &str, start: Timestamp) -> Result<Request, ConsoleError> {
    Request::write(Operation::StartFuotaTask, &[task_id], Some(&json!({"LoRaWAN": {"StartTime": start.rfc3339()}})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_796_292_000_000; // 2026-12-03T10:00:00Z

    #[test]
    fn the_start_is_at_least_thirty_minutes_ahead() {
        assert!(check_start(Some(NOW + 30 * MINUTE_MS), NOW).is_ok());
        let soon = check_start(Some(NOW + 29 * MINUTE_MS), NOW).unwrap_err();
        assert!(soon.sentence().contains("29 minutes from now"), "{}", soon.sentence());
        assert_eq!(soon.refusal().map(|(f, _)| f), Some(Field::StartTime));
        assert!(check_start(Some(NOW - 1), NOW).unwrap_err().sentence().contains("already past"));
        assert!(check_start(None, NOW).is_err());
    }

    #[test]
    fn the_proposal_is_thirty_five_minutes_ahead_on_a_whole_minute() {
        let d = default_start_ms(NOW + 12_345);
        assert_eq!(d % MINUTE_MS, 0);
        assert!(d - NOW >= 35 * MINUTE_MS && d - NOW <= 37 * MINUTE_MS);
        assert!(check_start(Some(d), NOW + 4 * MINUTE_MS).is_ok(), "still valid after a few minutes of review");
    }

    #[test]
    fn the_request_is_a_put_with_the_start_in_utc() {
        let r = start_request("t 1", Timestamp::from_epoch_millis(NOW + 35 * MINUTE_MS).unwrap()).unwrap();
        assert_eq!(r.path_and_query(), "/fuota-tasks/t%201");
        assert_eq!(r.body(), Some(r#"{"LoRaWAN":{"StartTime":"2026-12-03T10:35:00Z"}}"#));
    }

    proptest! {
        #[test]
        fn a_start_passes_exactly_when_it_is_thirty_minutes_ahead(now in 0i64..4_000_000_000_000, lead in -10_000_000i64..10_000_000) {
            prop_assert_eq!(check_start(Some(now + lead), now).is_ok(), lead >= 30 * MINUTE_MS);
        }
    }
}
