//! SigV4 signing of any IoT Wireless request with `aws-sigv4`: the method, the URL exactly as it will
//! be fetched, and the exact bytes of the body. Time is an input: the browser's clock is read by the
//! shell, never here (`SystemTime::now()` panics on wasm32).

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use crate::wire::credentials::TemporaryCredentials;
use crate::wire::error::ConsoleError;

/// The signing name of IoT Wireless.
pub const SERVICE: &str = "iotwireless";

/// A header to set on the request. The authorization and token headers are secrets-adjacent:
/// they go on the wire and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeader {
    pub name: String,
    pub value: String,
    /// aws-sigv4's own mark of a header whose value must not be logged (the session token).
    pub sensitive: bool,
}

impl std::fmt::Debug for SignedHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The authorization header is not marked sensitive by aws-sigv4, but it carries the
        // signature, replayable for minutes: only the date is shown.
        let shown = if self.name == "x-amz-date" && !self.sensitive { self.value.as_str() } else { "** redacted **" };
        write!(f, "{}: {}", self.name, shown)
    }
}

/// The media type of every request body (rest-json): signed, and sent as signed.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// A signed request: every header to set (the signer's and, with a body, its `Content-Type`), and
/// the signature as aws-sigv4 computed it (for redacting an answer that echoes it; never shown).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub headers: Vec<SignedHeader>,
    pub signature: String,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest").field("headers", &self.headers).field("signature", &"** redacted **").finish()
    }
}

/// Converts a browser timestamp (ms since the epoch, `Date.now()`) into a signing time.
pub fn time_from_epoch_millis(epoch_millis: f64) -> Result<SystemTime, ConsoleError> {
    if !epoch_millis.is_finite() || !(0.0..=253_402_300_799_000.0).contains(&epoch_millis) {
        // Said in words, not as the float read: no float formatting on the request path (it
        // would be in the first wasm part for this sentence alone).
        return Err(ConsoleError::Signing { detail: "the clock reads a time outside the years 1970 to 9999".to_owned() });
    }
    Ok(SystemTime::UNIX_EPOCH + Duration::from_millis(epoch_millis as u64))
}

/// Signs `method url` with `body` (None: no body, as a GET or DELETE has) for `region` at `time`.
/// The URL must be the one that is fetched, byte for byte: the query is signed as it stands (its
/// values already strictly encoded by [`crate::wire::operation`]). A body is hashed as the exact bytes
/// that will be sent and goes with `Content-Type: application/json`, which is signed too, as
/// botocore signs it. Returns every header to add (x-amz-date, authorization, with temporary
/// credentials x-amz-security-token, and content-type with a body); the Host header is signed from
/// the URL.
pub fn sign_request(
    method: &str,
    url: &str,
    body: Option<&str>,
    credentials: &TemporaryCredentials,
    region: &str,
    time: SystemTime,
) -> Result<SignedRequest, ConsoleError> {
    let failed = |e: &dyn std::fmt::Display| ConsoleError::Signing { detail: e.to_string() };
    let params = v4::SigningParams::builder()
        .identity(credentials.identity())
        .region(region)
        .name(SERVICE)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| failed(&e))?
        .into();
    let content_type = body.map(|_| ("content-type", JSON_CONTENT_TYPE));
    let bytes = body.unwrap_or_default().as_bytes();
    let request = SignableRequest::new(method, url, content_type.into_iter(), SignableBody::Bytes(bytes)).map_err(|e| failed(&e))?;
    let (instructions, signature) = sign(request, &params).map_err(|e| failed(&e))?.into_parts();
    let (headers, _query) = instructions.into_parts();
    let mut headers: Vec<SignedHeader> =
        headers.into_iter().map(|h| SignedHeader { name: h.name().to_owned(), value: h.value().to_owned(), sensitive: h.sensitive() }).collect();
    if let Some((name, value)) = content_type {
        headers.push(SignedHeader { name: name.to_owned(), value: value.to_owned(), sensitive: false });
    }
    Ok(SignedRequest { headers, signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_with_token_and_date() {
        let c = TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "secret-value-9", "tok-value-123").unwrap();
        let t = time_from_epoch_millis(1_700_000_000_000.0).unwrap();
        let signed = sign_request("GET", "https://api.iotwireless.us-east-1.amazonaws.com/fuota-tasks/x", None, &c, "us-east-1", t).unwrap();
        let h = &signed.headers;
        let names: Vec<&str> = h.iter().map(|h| h.name.as_str()).collect();
        assert!(names.contains(&"x-amz-date"));
        assert!(names.contains(&"authorization"));
        assert!(names.contains(&"x-amz-security-token"));
        let date = &h.iter().find(|h| h.name == "x-amz-date").unwrap().value;
        assert_eq!(date, "20231114T221320Z");
        let printed = format!("{signed:?}");
        assert!(!printed.contains("tok-value-123") && !printed.contains("Signature=") && !printed.contains(&signed.signature));
        // The signature is the one in the authorization header, as aws-sigv4 returned it.
        let authorization = &h.iter().find(|h| h.name == "authorization").unwrap().value;
        assert!(authorization.ends_with(&format!("Signature={}", signed.signature)));
        assert_eq!(signed.signature.len(), 64);
        assert!(h.iter().find(|h| h.name == "x-amz-security-token").unwrap().sensitive);
    }

    #[test]
    fn nonsense_clock_is_an_error_not_a_panic() {
        assert!(time_from_epoch_millis(f64::NAN).is_err());
        assert!(time_from_epoch_millis(-1.0).is_err());
        assert!(time_from_epoch_millis(1e300).is_err());
    }
}
