//! When to try again, and how long to wait: the AWS SDKs' "standard" retry mode.
//!
//! At most 3 attempts; throttling errors, transient errors (HTTP 500/502/503/504, timeouts,
//! connection failures) are retried after `random(0..1) × 2^(attempt-1)` seconds, capped at 20 s
//! (exponential backoff with full jitter). Client errors (4xx) never are.
//!
//! A write the model does not mark idempotent is different: once it may have reached the service
//! (a timeout, a network failure after sending, a 5xx) it is never re-sent, since it may have acted
//! already; its outcome is [`ConsoleError::OutcomeUnknown`] until it is read back. Throttling is
//! the one failure it may be retried after: the service refused it before acting.

use crate::wire::error::{ConsoleError, ErrorCode, KnownCode};
use crate::wire::operation::{Idempotency, Operation};

/// The throttling codes the SDKs' standard retry mode knows.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Transient error codes of the standard retry mode.
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException", "InternalError"];

const TRANSIENT_STATUS: &[u16] = &[500, 502, 503, 504];

/// Why an attempt may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    Throttled,
    Transient,
}

impl RetryReason {
    pub fn label(self) -> &'static str {
        match self {
            RetryReason::Throttled => "throttled",
            RetryReason::Transient => "the service or the network failed",
        }
    }
}

/// The standard retry mode's classification of an error.
pub fn retry_reason(error: &ConsoleError) -> Option<RetryReason> {
    match error {
        ConsoleError::Service(e) => {
            let code = e.code.as_str();
            if THROTTLING_CODES.contains(&code) || e.status == 429 {
                Some(RetryReason::Throttled)
            } else if TRANSIENT_CODES.contains(&code) || TRANSIENT_STATUS.contains(&e.status) || e.code == ErrorCode::Known(KnownCode::InternalServerException)
            {
                Some(RetryReason::Transient)
            } else {
                None
            }
        }
        ConsoleError::UnexpectedResponse { status: 429, .. } => Some(RetryReason::Throttled),
        ConsoleError::UnexpectedResponse { status, .. } if TRANSIENT_STATUS.contains(status) => Some(RetryReason::Transient),
        ConsoleError::Network { .. } | ConsoleError::Timeout { .. } => Some(RetryReason::Transient),
        _ => None,
    }
}

/// How many attempts, and the backoff between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_ms: u64,
    pub cap_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 3, base_ms: 1000, cap_ms: 20_000 }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed.
    /// `random` is uniform in [0, 1): full jitter.
    pub fn delay_ms(&self, attempt: u32, random: f64) -> u64 {
        let exp = self.base_ms.saturating_mul(1u64.checked_shl(attempt.saturating_sub(1)).unwrap_or(u64::MAX));
        let ceiling = exp.min(self.cap_ms) as f64;
        let r = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
        (r * ceiling) as u64
    }

    /// The wait before the next attempt of a request of `kind`, or None when the error is final
    /// or attempts are used up.
    pub fn next_delay(&self, error: &ConsoleError, kind: Idempotency, attempt: u32, random: f64) -> Option<(RetryReason, u64)> {
        let reason = retry_reason_for(error, kind)?;
        if reason == RetryReason::Transient && !kind.may_resend() {
            return None;
        }
        (attempt < self.max_attempts).then(|| (reason, self.delay_ms(attempt, random)))
    }
}

/// [`retry_reason`] for a request of `kind`. A write whose answer the browser kept from the page
/// (`CorsBlocked`: the preflight passed, or the probe cannot tell, and the service may have acted
/// before its answer was refused, or a connection dropped after sending looks the same) is
/// unsure, like a network failure: a token write may go again, a plain write may not.
fn retry_reason_for(error: &ConsoleError, kind: Idempotency) -> Option<RetryReason> {
    match error {
        ConsoleError::BlockedByCors { .. } if kind != Idempotency::Read => Some(RetryReason::Transient),
        _ => retry_reason(error),
    }
}

/// The error a request of `operation` ends with: a write whose last attempt may have reached the
/// service without its answer reaching the page (a timeout, a network failure, an answer the
/// browser hid, a 5xx) ends `OutcomeUnknown`, whatever failed: a plain write because it was not
/// re-sent, a token write because every attempt, the same create, went unanswered. Only a
/// read-back says whether it acted. Anything else ends as it failed.
pub fn final_error(operation: Operation, error: ConsoleError) -> ConsoleError {
    let kind = operation.spec().idempotency;
    let unsure = retry_reason_for(&error, kind) == Some(RetryReason::Transient);
    if unsure && kind != Idempotency::Read {
        ConsoleError::OutcomeUnknown { operation, cause: Box::new(error) }
    } else {
        error
    }
}

/// What the request is doing, for the page to show while it waits.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    Retrying {
        reason: RetryReason,
        code: String,
        delay_ms: u64,
        next_attempt: u32,
        of: u32,
    },
    /// The browser's clock was corrected for requests to `host`.
    ClockCorrected {
        host: String,
        offset_ms: i64,
    },
}

impl Progress {
    /// "throttled (ThrottlingException), retrying in 0.4 s, attempt 2 of 3"
    pub fn sentence(&self) -> String {
        match self {
            Progress::Retrying { reason, code, delay_ms, next_attempt, of } => {
                format!("{} ({code}), retrying in {}, attempt {next_attempt} of {of}", reason.label(), crate::words::seconds_words(*delay_ms))
            }
            Progress::ClockCorrected { offset_ms, .. } => crate::wire::clock::describe_offset(*offset_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::error::ServiceError;
    use proptest::prelude::*;

    fn service(code: &str, status: u16) -> ConsoleError {
        ConsoleError::Service(ServiceError::for_test(crate::wire::operation::Operation::GetFuotaTask, ErrorCode::parse(code), status))
    }

    #[test]
    fn throttling_and_transient_errors_are_retried() {
        assert_eq!(retry_reason(&service("ThrottlingException", 429)), Some(RetryReason::Throttled));
        assert_eq!(retry_reason(&service("SlowDown", 503)), Some(RetryReason::Throttled));
        assert_eq!(retry_reason(&service("InternalServerException", 500)), Some(RetryReason::Transient));
        assert_eq!(retry_reason(&service("SomethingNew", 503)), Some(RetryReason::Transient));
        let html = ConsoleError::UnexpectedResponse { status: 502, content_type: None, excerpt: String::new(), request_id: None };
        assert_eq!(retry_reason(&html), Some(RetryReason::Transient));
        assert_eq!(retry_reason(&ConsoleError::Timeout { seconds: 20 }), Some(RetryReason::Transient));
        assert_eq!(retry_reason(&ConsoleError::Network { url: String::new(), detail: String::new(), cors_ruled_out: false }), Some(RetryReason::Transient));
    }

    #[test]
    fn client_errors_are_never_retried() {
        for code in [
            "ValidationException",
            "ResourceNotFoundException",
            "AccessDeniedException",
            "InvalidSignatureException",
            "ExpiredTokenException",
            "UnrecognizedClientException",
        ] {
            assert_eq!(retry_reason(&service(code, 400)), None, "{code}");
        }
        assert_eq!(retry_reason(&ConsoleError::Cancelled), None);
        assert_eq!(
            retry_reason(&ConsoleError::Parse {
                operation: crate::wire::operation::Operation::GetFuotaTask,
                detail: String::new(),
                excerpt: String::new(),
                request_id: None
            }),
            None
        );
    }

    #[test]
    fn three_attempts_then_stop() {
        let p = RetryPolicy::default();
        let e = service("ThrottlingException", 429);
        for kind in [Idempotency::Read, Idempotency::TokenWrite, Idempotency::Write] {
            assert!(p.next_delay(&e, kind, 1, 0.5).is_some(), "throttled before acting: {kind:?}");
            assert!(p.next_delay(&e, kind, 2, 0.5).is_some());
            assert!(p.next_delay(&e, kind, 3, 0.5).is_none());
        }
    }

    /// A write without a token is sent once whatever fails after it may have reached the service;
    /// reads and token writes retry as the SDKs do.
    #[test]
    fn a_write_without_a_token_is_never_resent_after_it_may_have_arrived() {
        let p = RetryPolicy::default();
        let unsure = [
            service("InternalServerException", 500),
            service("SomethingNew", 503),
            ConsoleError::Timeout { seconds: 20 },
            ConsoleError::Network { url: String::new(), detail: String::new(), cors_ruled_out: true },
            ConsoleError::UnexpectedResponse { status: 502, content_type: None, excerpt: String::new(), request_id: None },
        ];
        for e in &unsure {
            assert_eq!(p.next_delay(e, Idempotency::Write, 1, 0.5), None, "{e:?}");
            assert!(p.next_delay(e, Idempotency::TokenWrite, 1, 0.5).is_some(), "{e:?}");
            assert!(p.next_delay(e, Idempotency::Read, 1, 0.5).is_some(), "{e:?}");
        }
    }

    /// A lost answer to a write looks like a CORS refusal on a page that can probe: a token write
    /// is sent again (the token makes it one task), a plain write ends OutcomeUnknown, a read is
    /// told CorsBlocked.
    #[test]
    fn a_write_whose_answer_the_browser_kept_is_unsure() {
        let cors = ConsoleError::BlockedByCors { url: "http://127.0.0.1:8081/fuota-tasks".into() };
        let p = RetryPolicy::default();
        assert!(p.next_delay(&cors, Idempotency::TokenWrite, 1, 0.5).is_some());
        assert_eq!(p.next_delay(&cors, Idempotency::Write, 1, 0.5), None);
        assert_eq!(p.next_delay(&cors, Idempotency::Read, 1, 0.5), None);
        assert_eq!(final_error(Operation::StartFuotaTask, cors.clone()).code(), "OutcomeUnknown");
        assert_eq!(final_error(Operation::GetFuotaTask, cors.clone()).code(), "CorsBlocked");
        // A create re-sent with its token until attempts ran out, never answered: it may exist.
        assert_eq!(final_error(Operation::CreateFuotaTask, cors.clone()).code(), "OutcomeUnknown");
        let dropped = ConsoleError::Network { url: String::new(), detail: String::new(), cors_ruled_out: true };
        assert_eq!(final_error(Operation::CreateFuotaTask, dropped).code(), "OutcomeUnknown");
        assert_eq!(final_error(Operation::CreateFuotaTask, ConsoleError::Timeout { seconds: 20 }).code(), "OutcomeUnknown");
        // A refusal is an answer: the service did not act.
        assert_eq!(final_error(Operation::CreateFuotaTask, service("ValidationException", 400)).code(), "ValidationException");
    }

    #[test]
    fn reads_end_with_their_own_error() {
        let e = ConsoleError::Timeout { seconds: 20 };
        assert_eq!(final_error(Operation::GetFuotaTask, e.clone()), e);
    }

    #[test]
    fn backoff_doubles_with_full_jitter_and_a_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(1, 0.5), 500);
        assert_eq!(p.delay_ms(2, 0.5), 1000);
        assert_eq!(p.delay_ms(3, 0.999), 3996);
        assert_eq!(p.delay_ms(30, 1.0), 20_000);
        assert_eq!(p.delay_ms(1, 0.0), 0);
    }

    #[test]
    fn progress_reads_like_the_issue_says() {
        let p = Progress::Retrying { reason: RetryReason::Throttled, code: "ThrottlingException".into(), delay_ms: 400, next_attempt: 2, of: 3 };
        assert_eq!(p.sentence(), "throttled (ThrottlingException), retrying in 0.4 s, attempt 2 of 3");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn delay_is_bounded_for_any_input(attempt in any::<u32>(), random in any::<f64>()) {
            let p = RetryPolicy::default();
            prop_assert!(p.delay_ms(attempt, random) <= p.cap_ms);
        }

        /// However many attempts, a write without a token is only ever retried after throttling.
        #[test]
        fn a_plain_write_retries_only_after_throttling(status in 0u16..1000, attempt in 0u32..10, random in 0.0f64..1.0) {
            let e = service("SomeCode", status);
            if let Some((reason, _)) = RetryPolicy::default().next_delay(&e, Idempotency::Write, attempt, random) {
                prop_assert_eq!(reason, RetryReason::Throttled);
                prop_assert_eq!(status, 429);
            }
        }
    }
}
