//! Clock skew: learn how far the browser's clock is from the service's, from its answer.
//!
//! SigV4 refuses a signature more than 15 minutes from the server's time ("Signature expired" /
//! "not yet current"). The server's time comes from the `Date` header when CORS exposes it, else
//! from the message, which names it: "… (20231114T222920Z - 15 min.)".
//!
//! What a host says about the time is trusted only as far as needed: an offset is learned only from
//! an answer that carries a skew error code, it belongs to the host that said it (a request to
//! another host is signed with the browser's own clock), and it is never more than
//! [`MAX_OFFSET_MS`]: a relay or endpoint that claimed to be hours ahead would otherwise get every
//! later request signed for then, replayable then.

use aws_smithy_types::date_time::{DateTime, Format};

use crate::wire::error::{is_clock_skew_error, ConsoleError};

/// The largest correction of the browser's clock the console signs with: one hour. Real clocks
/// drift by minutes; a larger claim is told in words, never signed for.
pub const MAX_OFFSET_MS: i64 = 3_600_000;

/// The clock correction learned from one host, for requests to that host only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClockCorrection {
    host: Option<String>,
    offset_ms: i64,
}

impl ClockCorrection {
    /// `offset_ms` learned from `host`, within the bound (checked by [`learn_offset`]).
    pub fn learned(host: &str, offset_ms: i64) -> Self {
        Self { host: Some(host.to_owned()), offset_ms: offset_ms.clamp(-MAX_OFFSET_MS, MAX_OFFSET_MS) }
    }

    /// The offset to sign a request to `host` with: none when it was learned from another host.
    pub fn offset_for(&self, host: &str) -> i64 {
        if self.host.as_deref() == Some(host) {
            self.offset_ms
        } else {
            0
        }
    }
}

/// The server's time from an HTTP `Date` header (`Wed, 26 Nov 2026 03:10:24 GMT`), in ms.
pub fn from_http_date(date: &str) -> Option<i64> {
    let dt = DateTime::from_str(date.trim(), Format::HttpDate).ok()?;
    dt.secs().checked_mul(1000)
}

/// The server's time named in a skew message: the `(YYYYMMDDTHHMMSSZ ± 15 min.)` part, in ms.
pub fn from_message(message: &str) -> Option<i64> {
    let inside = message.rsplit_once('(')?.1;
    let stamp = inside.split_whitespace().next()?;
    let b = stamp.as_bytes();
    let basic_format = b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !basic_format {
        return None;
    }
    let extended = format!("{}-{}-{}T{}:{}:{}Z", &stamp[0..4], &stamp[4..6], &stamp[6..8], &stamp[9..11], &stamp[11..13], &stamp[13..15]);
    let dt = DateTime::from_str(&extended, Format::DateTime).ok()?;
    dt.secs().checked_mul(1000)
}

/// The offset to add to the browser's clock (ms), learned from a skew error sent by `host`: from
/// its `Date` header when CORS exposed it, else from its message. `local_now`: the browser's time at
/// the answer. None when the error is not a skew error or names no time; `ClockTooFar` when the
/// time it names is more than [`MAX_OFFSET_MS`] away.
pub fn learn_offset(error: &ConsoleError, local_now: i64, host: &str) -> Result<Option<i64>, ConsoleError> {
    let ConsoleError::Service(e) = error else { return Ok(None) };
    if !is_clock_skew_error(error) {
        return Ok(None);
    }
    let server_now = e.server_date.as_deref().and_then(from_http_date).or_else(|| e.message.as_deref().and_then(from_message));
    let Some(offset) = server_now.and_then(|s| s.checked_sub(local_now)) else { return Ok(None) };
    if offset.unsigned_abs() > MAX_OFFSET_MS.unsigned_abs() {
        return Err(ConsoleError::ClockTooFar { host: host.to_owned(), offset_ms: offset });
    }
    Ok(Some(offset))
}

/// "Your clock is 62 minutes behind": for the notice after a correction.
pub fn describe_offset(offset_ms: i64) -> String {
    let minutes = (offset_ms.unsigned_abs() + 30_000) / 60_000;
    let direction = if offset_ms > 0 { "behind" } else { "ahead of" };
    match minutes {
        0 => "Your computer's clock is a few seconds off the service's; the console corrected for it.".to_owned(),
        1 => format!("Your computer's clock is 1 minute {direction} the service's; the console corrects for it. Set your clock right."),
        n => format!("Your computer's clock is {n} minutes {direction} the service's; the console corrects for it. Set your clock right."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::error::{ErrorCode, KnownCode, ServiceError};
    use proptest::prelude::*;

    fn invalid_signature(message: &str) -> ConsoleError {
        invalid_signature_at(message, None)
    }

    fn invalid_signature_at(message: &str, date: Option<&str>) -> ConsoleError {
        ConsoleError::Service(ServiceError {
            message: Some(message.to_owned()),
            server_date: date.map(str::to_owned),
            ..ServiceError::for_test(crate::wire::operation::Operation::GetFuotaTask, ErrorCode::Known(KnownCode::InvalidSignatureException), 403)
        })
    }

    const EXPIRED: &str = "Signature expired: 20231114T221320Z is now earlier than 20231114T221420Z (20231114T222920Z - 15 min.)";

    #[test]
    fn server_time_from_the_message() {
        assert_eq!(from_message(EXPIRED), Some(1_700_000_960_000));
        assert_eq!(
            from_message("Signature not yet current: 20231114T224000Z is still later than 20231114T222920Z (20231114T221420Z + 15 min.)"),
            Some(1_700_000_060_000)
        );
        assert_eq!(from_message("The request signature we calculated does not match"), None);
    }

    #[test]
    fn server_time_from_the_date_header() {
        assert_eq!(from_http_date("Tue, 14 Nov 2023 22:13:20 GMT"), Some(1_700_000_000_000));
        assert_eq!(from_http_date("yesterday"), None);
    }

    #[test]
    fn offset_prefers_the_date_header_and_ignores_other_errors() {
        let with_date = invalid_signature_at(EXPIRED, Some("Tue, 14 Nov 2023 22:13:20 GMT"));
        assert_eq!(learn_offset(&with_date, 1_699_996_400_000, "h"), Ok(Some(3_600_000)));
        assert_eq!(learn_offset(&invalid_signature(EXPIRED), 1_700_000_960_000 - 1_800_000, "h"), Ok(Some(1_800_000)));
        let mismatch =
            invalid_signature_at("The request signature we calculated does not match the signature you provided.", Some("Tue, 14 Nov 2023 22:13:20 GMT"));
        assert_eq!(learn_offset(&mismatch, 0, "h"), Ok(None));
    }

    #[test]
    fn a_host_claiming_more_than_an_hour_is_told_not_believed() {
        // A relay that says it is 6 h ahead.
        let six_hours = invalid_signature_at(EXPIRED, Some("Tue, 14 Nov 2023 22:13:20 GMT"));
        let err = learn_offset(&six_hours, 1_700_000_000_000 - 6 * 3_600_000, "relay.example.com").unwrap_err();
        assert_eq!(err.code(), "ClockTooFar");
        assert!(err.sentence().contains("relay.example.com") && err.sentence().contains("6 hours ahead of"), "{}", err.sentence());
        assert!(err.sentence().contains("Nothing more was signed or sent"));
        let just_over = learn_offset(&six_hours, 1_700_000_000_000 - MAX_OFFSET_MS - 1000, "h");
        assert!(just_over.is_err());
        assert_eq!(learn_offset(&six_hours, 1_700_000_000_000 + MAX_OFFSET_MS, "h"), Ok(Some(-MAX_OFFSET_MS)));
    }

    #[test]
    fn a_correction_belongs_to_the_host_that_gave_it() {
        let learned = ClockCorrection::learned("api.iotwireless.eu-west-1.amazonaws.com", 120_000);
        assert_eq!(learned.offset_for("api.iotwireless.eu-west-1.amazonaws.com"), 120_000);
        assert_eq!(learned.offset_for("relay.example.com"), 0);
        assert_eq!(ClockCorrection::default().offset_for(""), 0);
        assert_eq!(ClockCorrection::learned("h", i64::MAX).offset_for("h"), MAX_OFFSET_MS, "never past the bound");
    }

    #[test]
    fn offset_in_words() {
        assert!(describe_offset(3_600_000).contains("60 minutes behind"));
        assert!(describe_offset(-120_000).contains("2 minutes ahead of"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn any_message_or_date_is_safe_and_bounded(s in "\\PC*", local in any::<i64>(), server in 0i64..4_000_000_000_000) {
            let _ = from_message(&s);
            let _ = from_http_date(&s);
            let _ = learn_offset(&invalid_signature_at(&format!("Signature expired: ({s}"), Some(&s)), local, "h");
            prop_assert!(!describe_offset(local).is_empty());
            // Whatever time a host claims, what is learned is within the bound, or an error.
            let date = aws_smithy_types::date_time::DateTime::from_secs(server / 1000).fmt(Format::HttpDate).unwrap();
            match learn_offset(&invalid_signature_at(EXPIRED, Some(&date)), local, "h") {
                Ok(Some(offset)) => prop_assert!(offset.abs() <= MAX_OFFSET_MS),
                Ok(None) => prop_assert!((server / 1000 * 1000).checked_sub(local).is_none()),
                Err(e) => prop_assert_eq!(e.code(), "ClockTooFar"),
            }
        }
    }
}
