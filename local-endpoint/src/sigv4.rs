//! SigV4 verification, written from the specification so that it is independent of the
//! `aws-sigv4` signer the console uses (botocore referees both in the tests).

use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Everything but `A-Z a-z 0-9 - . _ ~` is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How far a request's time may be from the server's.
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// A key the endpoint knows.
#[derive(Clone, Debug)]
pub struct Identity {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// A token that has expired: every request with it gets ExpiredTokenException.
    pub expired: bool,
}

/// A request as it arrived on the wire. Header names are lowercase.
pub struct WireRequest<'a> {
    pub method: &'a str,
    /// The path exactly as sent, still percent-encoded.
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl WireRequest<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Why a request was refused, with the code and message the service would send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> AuthError {
    AuthError { status, code, message: message.into() }
}

fn incomplete(message: impl Into<String>) -> AuthError {
    refuse(403, "IncompleteSignatureException", message)
}

fn invalid_signature(message: impl Into<String>) -> AuthError {
    refuse(403, "InvalidSignatureException", message)
}

fn amz_format(t: OffsetDateTime) -> String {
    t.format(format_description!("[year][month][day]T[hour][minute][second]Z")).unwrap_or_default()
}

fn parse_amz_date(s: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(s, format_description!("[year][month][day]T[hour][minute][second]Z")).ok().map(PrimitiveDateTime::assume_utc)
}

struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, AuthError> {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| incomplete(format!("Authorization header requires the AWS4-HMAC-SHA256 algorithm. Authorization={value:.40}")))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
        return Err(incomplete(format!("Credential should be of the form KEY/DATE/REGION/SERVICE/aws4_request, not {credential:.80}")));
    };
    Ok(Authorization { access_key_id, date, region, service, signed_headers: signed.split(';').collect(), signature })
}

/// The path as botocore signs it: dot segments and empty segments removed (RFC 3986 5.2.4, plus
/// the collapsing of `//` that AWS services expect), then every segment of the path as sent encoded
/// once more, as non-S3 services sign it: `/a%2Fb` → `/a%252Fb`.
fn canonical_uri(raw_path: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            s => kept.push(s),
        }
    }
    let first = if raw_path.starts_with('/') { "/" } else { "" };
    let last = if raw_path.ends_with('/') && !kept.is_empty() { "/" } else { "" };
    let path = format!("{first}{}{last}", kept.join("/"));
    if path.is_empty() {
        return "/".to_owned();
    }
    path.split('/').map(|s| utf8_percent_encode(s, UNRESERVED).to_string()).collect::<Vec<_>>().join("/")
}

/// The query as botocore signs a URL's query: split on `&`, each pair at its first `=`, sorted, and
/// joined again **as sent**: nothing is decoded or re-encoded, and an empty pair (a trailing or
/// doubled `&`) stays as `=`. A verifier that normalised here would accept a request whose
/// sender signed one query and sent another, which botocore (and perhaps the service) refuses.
fn canonical_query(raw_query: &str) -> String {
    if raw_query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(&str, &str)> = raw_query.split('&').map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The first segment of `raw_path` that normalisation would change: `.`, `..` or an empty one
/// (`//`; a trailing `/` is not a segment). Their percent-encoded spellings (`%2e`) are left as
/// they are, as botocore leaves them.
fn unnormalised_segment(raw_path: &str) -> Option<&str> {
    let inner = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return None;
    }
    inner.split('/').find(|s| matches!(*s, "" | "." | ".."))
}

/// Why a SignedHeaders list is not one a signer makes (lowercase names, each once, sorted), or
/// None when it is.
fn signed_headers_problem(names: &[&str]) -> Option<String> {
    if let Some(name) = names.iter().find(|n| n.is_empty() || n.bytes().any(|b| b.is_ascii_uppercase())) {
        return Some(format!("'{name}' is not a lowercase header name"));
    }
    names.windows(2).find(|w| w[0] >= w[1]).map(
        |w| {
            if w[0] == w[1] {
                format!("'{}' is named twice", w[0])
            } else {
                format!("'{}' comes before '{}'", w[0], w[1])
            }
        },
    )
}

/// The canonical request of `req` for the headers the signer named, as botocore builds it.
pub fn canonical_request(req: &WireRequest, signed_headers: &[&str]) -> String {
    let mut canonical_headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = req.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| collapse_spaces(v)).collect();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload_hash = match req.header("x-amz-content-sha256") {
        Some(h) => h.to_owned(),
        None => hex::encode(Sha256::digest(req.body)),
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        canonical_uri(req.raw_path),
        canonical_query(req.raw_query),
        canonical_headers,
        signed_headers.join(";"),
        payload_hash
    )
}

fn collapse_spaces(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Checks a request's signature; returns the identity that signed it.
pub fn verify<'i>(req: &WireRequest, identities: &'i [Identity], service: &str, regions: &[String], now: SystemTime) -> Result<&'i Identity, AuthError> {
    let Some(header) = req.header("authorization") else {
        return Err(refuse(403, "MissingAuthenticationTokenException", "Missing Authentication Token"));
    };
    let auth = parse_authorization(header)?;
    if !auth.signed_headers.contains(&"host") {
        return Err(incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization."));
    }
    let Some(identity) = identities.iter().find(|i| i.access_key_id == auth.access_key_id) else {
        return Err(refuse(403, "UnrecognizedClientException", "The security token included in the request is invalid."));
    };
    if identity.session_token.as_deref() != req.header("x-amz-security-token") {
        return Err(refuse(403, "UnrecognizedClientException", "The security token included in the request is invalid."));
    }
    if identity.expired {
        return Err(refuse(403, "ExpiredTokenException", "The security token included in the request is expired"));
    }
    let Some(amz_date) = req.header("x-amz-date") else {
        return Err(incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));
    };
    let Some(signed_at) = parse_amz_date(amz_date) else {
        return Err(incomplete(format!("Date must be in ISO-8601 'basic format'. Got '{amz_date:.40}'.")));
    };
    let now = OffsetDateTime::from(now);
    let skew = time::Duration::try_from(MAX_SKEW).unwrap_or(time::Duration::minutes(15));
    if signed_at < now - skew {
        return Err(invalid_signature(format!("Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)", amz_format(now - skew), amz_format(now))));
    }
    if signed_at > now + skew {
        return Err(invalid_signature(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
            amz_format(now + skew),
            amz_format(now)
        )));
    }
    if auth.date != &amz_date[..8] {
        return Err(invalid_signature(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            auth.date,
            &amz_date[..8]
        )));
    }
    if !regions.iter().any(|r| r == auth.region) {
        return Err(invalid_signature(format!("Credential should be scoped to a valid region. This endpoint serves {}.", regions.join(", "))));
    }
    if auth.service != service {
        return Err(invalid_signature(format!("Credential should be scoped to correct service: '{service}'. ")));
    }

    // What the service refuses though a signature over it could be made to match: a path that is
    // not the one it routes (this verifier signs the normalised path, as botocore does, but routes
    // the path as sent), and a SignedHeaders list that is not sorted or names a header twice.
    if let Some(segment) = unnormalised_segment(req.raw_path) {
        return Err(invalid_signature(format!(
            "The request path must be normalised: it has the segment '{segment}' ({:.200}). Remove '.', '..' and empty segments (//) before signing and sending.",
            req.raw_path
        )));
    }
    if let Some(problem) = signed_headers_problem(&auth.signed_headers) {
        return Err(invalid_signature(format!(
            "SignedHeaders must name each header once, in lowercase, sorted by name: {problem} in '{:.200}'.",
            auth.signed_headers.join(";")
        )));
    }

    // A body whose hash the client declared must be the body that arrived.
    if let Some(declared) = req.header("x-amz-content-sha256") {
        if declared != hex::encode(Sha256::digest(req.body)) {
            return Err(refuse(400, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed."));
        }
    }
    let canonical_request = canonical_request(req, &auth.signed_headers);
    let scope = format!("{}/{}/{}/aws4_request", auth.date, auth.region, auth.service);
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex::encode(Sha256::digest(canonical_request.as_bytes())));
    let mut key = hmac(format!("AWS4{}", identity.secret_access_key).as_bytes(), auth.date);
    for part in [auth.region, auth.service, "aws4_request"] {
        key = hmac(&key, part);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    let provided = hex::decode(auth.signature).unwrap_or_default();
    mac.verify_slice(&provided).map_err(|_| {
        invalid_signature(
            "The request signature we calculated does not match the signature you provided. Check your AWS \
             Secret Access Key and signing method. Consult the service documentation for details.",
        )
    })?;
    Ok(identity)
}

/// The server's time in the form of x-amz-date, for messages.
pub fn format_amz_date(t: SystemTime) -> String {
    amz_format(OffsetDateTime::from(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_encoded_once_more() {
        assert_eq!(canonical_uri("/fuota-tasks/a%2Fb"), "/fuota-tasks/a%252Fb");
        assert_eq!(canonical_uri("/fuota-tasks/abc"), "/fuota-tasks/abc");
    }

    #[test]
    fn query_is_sorted_and_kept_as_sent() {
        assert_eq!(canonical_query("nextToken=a%2Bb&maxResults=10"), "maxResults=10&nextToken=a%2Bb");
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=1&a=2&"), "=&a=2&b=1", "a trailing & is an empty parameter, as botocore reads it");
        assert_eq!(canonical_query("t=a+b"), "t=a+b", "nothing is re-encoded");
    }

    const CANONICAL: &str = include_str!("../../tests/vectors/canonical.json");

    /// Every request botocore signed (tests/vectors/canonical.json) has botocore's canonical
    /// request here, and passes verification at the time it was signed.
    #[test]
    fn canonical_requests_are_botocores() {
        let file: serde_json::Value = serde_json::from_str(CANONICAL).unwrap();
        let host = file["host"].as_str().unwrap().trim_start_matches("http://").to_owned();
        let vectors = file["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 15, "the vector file lost its cases");
        let identity = Identity {
            access_key_id: crate::DEMO_ACCESS_KEY_ID.into(),
            secret_access_key: crate::DEMO_SECRET_ACCESS_KEY.into(),
            session_token: Some(crate::DEMO_SESSION_TOKEN.into()),
            expired: false,
        };
        let signed_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_126_624);
        for v in vectors {
            let name = v["name"].as_str().unwrap();
            let mut headers: Vec<(String, String)> =
                v["headers"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect();
            headers.push(("host".into(), host.clone()));
            let target = v["path_and_query"].as_str().unwrap();
            let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
            let body = v["body"].as_str().unwrap().as_bytes();
            let req = WireRequest { method: v["method"].as_str().unwrap(), raw_path, raw_query, headers: &headers, body };
            let authorization = parse_authorization(req.header("authorization").unwrap()).unwrap();
            assert_eq!(canonical_request(&req, &authorization.signed_headers), v["canonical_request"].as_str().unwrap(), "{name}");
            let ids = [identity.clone()];
            assert!(verify(&req, &ids, "iotwireless", &["us-east-1".to_owned()], signed_at).is_ok(), "{name}: botocore's signature is refused");
            // The same signature over a query with one more `&` (or without the one it had) is refused.
            let other_query = match raw_query.strip_suffix('&') {
                Some(without) => without.to_owned(),
                None if raw_query.is_empty() => continue,
                None => format!("{raw_query}&"),
            };
            let tampered = WireRequest { raw_query: &other_query, ..req };
            assert!(verify(&tampered, &ids, "iotwireless", &["us-east-1".to_owned()], signed_at).is_err(), "{name}: a changed query must be refused");
        }
    }
}
