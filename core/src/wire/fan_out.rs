//! How many requests of one fan-out (the task list's statuses, and later a task's devices' reads or
//! associations) may be in flight: at most a fixed number, fewer while the service throttles.
//!
//! Additive increase, multiplicative decrease, as TCP and the AWS SDKs' adaptive retry mode do: a
//! throttled request halves the limit (never below one), and every few requests that go through
//! unthrottled give one slot back, up to the maximum. The browser shell drives it; time is not
//! needed.

/// The most requests of one fan-out in flight (a task list's statuses, a batch of associations,
/// the pre-flight's reads): a browser opens at most six HTTP/1.1 connections per host, and four
/// leave two for the page's other reads (the task, its live refresh) so they never queue behind it.
pub const MAX_IN_FLIGHT: usize = 4;

/// Requests that go through unthrottled before the limit grows by one.
const GROW_AFTER: u32 = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FanOut {
    max: usize,
    limit: usize,
    in_flight: usize,
    unthrottled: u32,
}

impl FanOut {
    /// A fan-out of at most `max` requests in flight (at least one).
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self { max, limit: max, in_flight: 0, unthrottled: 0 }
    }

    /// Whether one more request may start now.
    pub fn may_start(&self) -> bool {
        self.in_flight < self.limit
    }

    pub fn started(&mut self) {
        self.in_flight += 1;
    }

    /// A request ended; `throttled`: the service throttled it (even if a retry then went through).
    pub fn finished(&mut self, throttled: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if throttled {
            self.limit = (self.limit / 2).max(1);
            self.unthrottled = 0;
        } else {
            self.unthrottled += 1;
            if self.unthrottled >= GROW_AFTER {
                self.unthrottled = 0;
                self.limit = (self.limit + 1).min(self.max);
            }
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn throttling_halves_and_quiet_requests_give_slots_back() {
        let mut f = FanOut::new(4);
        for _ in 0..4 {
            assert!(f.may_start());
            f.started();
        }
        assert!(!f.may_start(), "at most 4 in flight");
        f.finished(true);
        assert_eq!(f.limit(), 2);
        assert!(!f.may_start(), "3 in flight, limit 2");
        f.finished(true);
        f.finished(false);
        f.finished(false);
        assert_eq!(f.limit(), 1);
        assert!(f.may_start());
        for _ in 0..GROW_AFTER {
            f.started();
            f.finished(false);
        }
        assert_eq!(f.limit(), 2);
        assert_eq!(FanOut::new(0).limit(), 1);
    }

    proptest! {
        /// Whatever happens, the limit stays between 1 and the maximum, and no more requests are
        /// in flight than the limit allowed when each started.
        #[test]
        fn the_limit_stays_in_bounds(max in 1usize..16, events in proptest::collection::vec(any::<(bool, bool)>(), 0..200)) {
            let mut f = FanOut::new(max);
            let mut in_flight = 0usize;
            for (start, throttled) in events {
                if start && f.may_start() {
                    f.started();
                    in_flight += 1;
                    prop_assert!(in_flight <= max);
                } else if in_flight > 0 {
                    f.finished(throttled);
                    in_flight -= 1;
                }
                prop_assert!((1..=max).contains(&f.limit()));
            }
        }
    }
}
