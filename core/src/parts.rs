//! When the page asks for a part of its code (the wasm files that load after the first), with the
//! time as input: ahead of its use, and again after a failure.
//!
//! **Ahead of use.** The planner and the task's actions are below the task, in a part the page asks
//! for before anyone looks there. Asked for at once after the form is taken over, that part (about
//! 130 KiB brotli with the chunks it needs) competes with a task the user asks for at once: on
//! loopback the task was seen 330 ms later than when the part was held until the task was on screen
//! (`scripts/bench.sh`, 2026-12-07, timed by Playwright's sighting; docs/performance-history.md
//! has the page's own timing, a smaller gap). Asked for only with the task, a
//! user who types first would wait for the part's round trips after the task. So a part asked for
//! ahead of its use waits until the page has been up [`AHEAD_AFTER_MS`] and no task read is in
//! flight: the typing user finds it there, the user who asks at once gets the task first. (A task
//! on screen asks for the same part at once for its devices: then it is in use, not ahead.)
//!
//! **After a failure.** A part that did not arrive (a network that dropped, a server that is down)
//! is asked for again, [`RETRY_FIRST_MS`] after the failure, then twice as long each time, at most
//! every [`RETRY_MAX_MS`]: a part is a few static files from the page's own server, so a network
//! that comes back brings it without a reload, and a server that is down is not asked more than
//! once a minute.

/// How long the page is up before it asks for a part ahead of its use: longer than the quickest
/// press of *Get FUOTA task* after the form is taken over (a user with the task id already filled
/// in), shorter than typing one.
pub const AHEAD_AFTER_MS: u64 = 1_000;

/// While a task read is in flight, how often a part that waits to be asked for ahead of its use
/// looks again.
pub const AHEAD_POLL_MS: u64 = 250;

/// How long a part asked for ahead of its use still waits, given how long its place has been up
/// and whether a task read is in flight: `None` to ask now.
pub fn ahead_wait_ms(up_ms: u64, reading: bool) -> Option<u64> {
    if up_ms < AHEAD_AFTER_MS {
        Some(AHEAD_AFTER_MS - up_ms)
    } else if reading {
        Some(AHEAD_POLL_MS)
    } else {
        None
    }
}

/// The wait before the first new try for a part that did not arrive.
pub const RETRY_FIRST_MS: u64 = 5_000;
/// The longest wait between two tries.
pub const RETRY_MAX_MS: u64 = 60_000;

/// The wait before the try after one that followed a wait of `wait_ms`.
pub fn next_retry_ms(wait_ms: u64) -> u64 {
    wait_ms.saturating_mul(2).clamp(RETRY_FIRST_MS, RETRY_MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ahead_waits_for_the_page_then_for_the_read() {
        assert_eq!(ahead_wait_ms(0, false), Some(AHEAD_AFTER_MS));
        assert_eq!(ahead_wait_ms(0, true), Some(AHEAD_AFTER_MS));
        assert_eq!(ahead_wait_ms(400, false), Some(600));
        assert_eq!(ahead_wait_ms(AHEAD_AFTER_MS, true), Some(AHEAD_POLL_MS));
        assert_eq!(ahead_wait_ms(AHEAD_AFTER_MS, false), None);
        assert_eq!(ahead_wait_ms(u64::MAX, false), None);
    }

    #[test]
    fn retries_double_from_five_seconds_to_a_minute() {
        let mut waits = vec![RETRY_FIRST_MS];
        for _ in 0..6 {
            waits.push(next_retry_ms(*waits.last().unwrap()));
        }
        assert_eq!(waits, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    }

    proptest! {
        /// Whatever the clock says, a wait ends: the page is never asked to wait longer than
        /// `AHEAD_AFTER_MS`, and a wait that ends with no read in flight asks.
        #[test]
        fn ahead_never_waits_past_the_page_time(up in any::<u64>(), reading in any::<bool>()) {
            match ahead_wait_ms(up, reading) {
                Some(ms) => prop_assert!(ms > 0 && ms <= AHEAD_AFTER_MS),
                None => prop_assert!(up >= AHEAD_AFTER_MS && !reading),
            }
            if let Some(ms) = ahead_wait_ms(up, false) {
                prop_assert_eq!(ahead_wait_ms(up.saturating_add(ms), false), None);
            }
        }

        #[test]
        fn retry_waits_stay_between_the_bounds(wait in any::<u64>()) {
            let next = next_retry_ms(wait);
            prop_assert!((RETRY_FIRST_MS..=RETRY_MAX_MS).contains(&next));
            prop_assert!(next >= wait.min(RETRY_MAX_MS));
        }
    }
}
