//! Clock skew: learn how far the browser's clock is from the service's, from its answer.
//!
//! SigV4 refuses a signature more than 15 minutes from the server's time ("Signature expired" /
//! "not yet current"). The server's time comes from the `Date` header when CORS exposes it, else
//! from the message, which names it: "… (20231114T222920Z - 15 min.)".

use aws_smithy_types::date_time::{DateTime, Format};

use crate::error::{ConsoleError, ErrorCode, KnownCode};

/// Error codes by which AWS services report a request time too far from theirs.
const SKEW_CODES: &[&str] = &["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "AuthFailure"];

/// Is this the service refusing the request's time?
pub fn is_clock_skew_error(error: &ConsoleError) -> bool {
    let ConsoleError::Service(e) = error else { return false };
    match &e.code {
        ErrorCode::Known(KnownCode::InvalidSignatureException) => e
            .message
            .as_deref()
            .is_some_and(|m| m.contains("Signature expired") || m.contains("Signature not yet current")),
        code => SKEW_CODES.contains(&code.as_str()),
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
    let basic_format = b.len() == 16 && b[8] == b'T' && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !basic_format {
        return None;
    }
    let extended = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &stamp[0..4], &stamp[4..6], &stamp[6..8], &stamp[9..11], &stamp[11..13], &stamp[13..15]
    );
    let dt = DateTime::from_str(&extended, Format::DateTime).ok()?;
    dt.secs().checked_mul(1000)
}

/// The offset to add to the browser's clock (ms), learned from a skew error: from its `Date`
/// header when CORS exposed it, else from its message. `local_now`: the browser's time at the answer.
pub fn learn_offset(error: &ConsoleError, local_now: i64) -> Option<i64> {
    let ConsoleError::Service(e) = error else { return None };
    if !is_clock_skew_error(error) {
        return None;
    }
    let server_now = e.server_date.as_deref().and_then(from_http_date).or_else(|| e.message.as_deref().and_then(from_message))?;
    server_now.checked_sub(local_now)
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
    use crate::error::ServiceError;
    use proptest::prelude::*;

    fn invalid_signature(message: &str) -> ConsoleError {
        invalid_signature_at(message, None)
    }

    fn invalid_signature_at(message: &str, date: Option<&str>) -> ConsoleError {
        ConsoleError::Service(ServiceError {
            message: Some(message.to_owned()),
            server_date: date.map(str::to_owned),
            ..ServiceError::for_test(crate::operation::Operation::GetFuotaTask, ErrorCode::Known(KnownCode::InvalidSignatureException), 403)
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
        assert_eq!(learn_offset(&with_date, 1_699_996_400_000), Some(3_600_000));
        assert_eq!(learn_offset(&invalid_signature(EXPIRED), 1_700_000_960_000 - 7_200_000), Some(7_200_000));
        let mismatch = invalid_signature_at("The request signature we calculated does not match the signature you provided.", Some("Tue, 14 Nov 2023 22:13:20 GMT"));
        assert_eq!(learn_offset(&mismatch, 0), None);
    }

    #[test]
    fn offset_in_words() {
        assert!(describe_offset(3_600_000).contains("60 minutes behind"));
        assert!(describe_offset(-120_000).contains("2 minutes ahead of"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn any_message_or_date_is_safe(s in "\\PC*", local in any::<i64>()) {
            let _ = from_message(&s);
            let _ = from_http_date(&s);
            let _ = learn_offset(&invalid_signature_at(&format!("Signature expired: ({s}"), Some(&s)), local);
            let _ = describe_offset(local);
        }
    }
}
