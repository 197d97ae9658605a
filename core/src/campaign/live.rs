//! When a task that is still running is read again on its own: the refresh schedule.
//!
//! ChirpStack refreshes its FUOTA job page every 10 s; IoT Wireless throttles, and a campaign
//! view reads several lists, so the default is 30 s with a 5 s floor. Throttling doubles the wait
//! (up to 8×) until a refresh goes through unthrottled; a finished task is not read again, and
//! while the tab is hidden a due refresh waits (the page looks again every second and sends
//! nothing until the tab is shown).

use crate::campaign::task::TaskStatus;

pub const DEFAULT_REFRESH_SECONDS: u32 = 30;
pub const MIN_REFRESH_SECONDS: u32 = 5;
/// An hour: a slower refresh is no live view, and a browser timer cannot wait past 2^31 ms
/// (Leptos throws on a longer delay, and the refresh would stop without a word).
pub const MAX_REFRESH_SECONDS: u32 = 3600;
/// The longest delay a browser timer takes (2^31 − 1 ms); every delay the console sets is at most this.
pub const MAX_TIMER_MS: u64 = i32::MAX as u64;
/// Throttling stretches the interval at most this many times.
const MAX_BACKOFF: u32 = 8;

/// Is the task still moving (so that its status and devices may change)?
pub fn is_live(status: Option<&TaskStatus>) -> bool {
    matches!(status, Some(TaskStatus::Pending | TaskStatus::FuotaSessionWaiting | TaskStatus::InFuotaSession))
}

/// The refresh interval a `?refresh=SECONDS` asks for, between the floor and an hour; unreadable
/// text or none gives the default.
pub fn refresh_seconds(asked: Option<&str>) -> u32 {
    match asked.and_then(|s| s.trim().parse::<u64>().ok()) {
        Some(s) => s.clamp(u64::from(MIN_REFRESH_SECONDS), u64::from(MAX_REFRESH_SECONDS)) as u32,
        None => DEFAULT_REFRESH_SECONDS,
    }
}

/// The live schedule of one task view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshSchedule {
    pub interval_seconds: u32,
    /// 1, doubled after each throttled refresh, back to 1 after one that was not.
    backoff: u32,
}

impl RefreshSchedule {
    pub fn new(interval_seconds: u32) -> Self {
        Self { interval_seconds: interval_seconds.clamp(MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS), backoff: 1 }
    }

    /// Records how the last refresh went.
    pub fn after_refresh(&mut self, throttled: bool) {
        self.backoff = if throttled { (self.backoff * 2).min(MAX_BACKOFF) } else { 1 };
    }

    /// How long to wait before the next refresh, or None when there should be none: the task is
    /// no longer live, or the tab is hidden (then the page checks again a second later).
    pub fn next_delay_ms(&self, status: Option<&TaskStatus>, tab_visible: bool) -> Option<u64> {
        (is_live(status) && tab_visible).then(|| (u64::from(self.interval_seconds) * 1000 * u64::from(self.backoff)).min(MAX_TIMER_MS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_while_pending_waiting_or_in_session() {
        for (status, live) in
            [("Pending", true), ("FuotaSession_Waiting", true), ("In_FuotaSession", true), ("FuotaDone", false), ("Delete_Waiting", false), ("Paused", false)]
        {
            assert_eq!(is_live(Some(&TaskStatus::parse(status))), live, "{status}");
        }
        assert!(!is_live(None));
    }

    #[test]
    fn the_interval_has_a_floor_and_a_default() {
        assert_eq!(refresh_seconds(None), 30);
        assert_eq!(refresh_seconds(Some("2")), 5);
        assert_eq!(refresh_seconds(Some(" 12 ")), 12);
        assert_eq!(refresh_seconds(Some("soon")), 30);
        assert_eq!(refresh_seconds(Some("2147484")), MAX_REFRESH_SECONDS, "past 2^31 ms: an hour, not a thrown timer");
        assert_eq!(refresh_seconds(Some("99999999999999")), MAX_REFRESH_SECONDS);
        let mut slowest = RefreshSchedule::new(u32::MAX);
        for _ in 0..10 {
            slowest.after_refresh(true);
        }
        let running = TaskStatus::parse("In_FuotaSession");
        assert!(slowest.next_delay_ms(Some(&running), true).unwrap() <= MAX_TIMER_MS);
        assert_eq!(RefreshSchedule::new(1).interval_seconds, 5);
    }

    #[test]
    fn throttling_slows_hidden_and_done_stop() {
        let running = TaskStatus::InFuotaSession;
        let mut s = RefreshSchedule::new(10);
        assert_eq!(s.next_delay_ms(Some(&running), true), Some(10_000));
        s.after_refresh(true);
        assert_eq!(s.next_delay_ms(Some(&running), true), Some(20_000));
        for _ in 0..10 {
            s.after_refresh(true);
        }
        assert_eq!(s.next_delay_ms(Some(&running), true), Some(80_000), "at most 8×");
        s.after_refresh(false);
        assert_eq!(s.next_delay_ms(Some(&running), true), Some(10_000));
        assert_eq!(s.next_delay_ms(Some(&running), false), None, "hidden tab");
        assert_eq!(s.next_delay_ms(Some(&TaskStatus::FuotaDone), true), None, "done");
    }
}
