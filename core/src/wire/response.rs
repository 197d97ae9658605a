//! Reading an answer of any operation: JSON (or a write's empty success), or an error classified
//! the way the AWS SDKs do it.

use serde_json::Value;

use crate::wire::error::{ConsoleError, ErrorCode, ServiceError};
use crate::wire::operation::{Idempotency, Operation};

/// Bodies larger than this are not read: a task is a few KiB, a page of 250 devices about 120 KiB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// How much of an unexpected body the details show.
const EXCERPT_CHARS: usize = 512;

/// What came back over HTTP, as far as the console needs it.
#[derive(Clone, Copy, Debug)]
pub struct HttpAnswer<'a> {
    pub status: u16,
    /// `x-amzn-ErrorType`, when CORS lets the page see it.
    pub error_type: Option<&'a str>,
    /// `x-amzn-RequestId`.
    pub request_id: Option<&'a str>,
    pub content_type: Option<&'a str>,
    /// `Date`, when CORS exposes it.
    pub date: Option<&'a str>,
    pub body: &'a str,
}

fn excerpt(body: &str) -> String {
    match body.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &body[..cut]),
        None => body.to_owned(),
    }
}

/// `x-amzn-ErrorType` or `__type` to a bare code: `aws.protocoltests#FooError:http://…` → `FooError`.
fn sanitize_code(raw: &str) -> Option<String> {
    let no_uri = raw.split(':').next().unwrap_or(raw);
    let bare = no_uri.rsplit('#').next().unwrap_or(no_uri).trim();
    (!bare.is_empty()).then(|| bare.to_owned())
}

fn string_member<'v>(body: &'v Value, names: &[&str]) -> Option<&'v str> {
    names.iter().find_map(|n| body.get(*n).and_then(Value::as_str))
}

/// The service error in an answer, found as SDKs find it: header, then `__type`, then `code`.
fn service_error(operation: Operation, answer: &HttpAnswer, json: Option<&Value>) -> Option<ServiceError> {
    let code = answer
        .error_type
        .and_then(sanitize_code)
        .or_else(|| json.and_then(|b| string_member(b, &["__type"])).and_then(sanitize_code))
        .or_else(|| json.and_then(|b| string_member(b, &["code", "Code"])).and_then(sanitize_code))?;
    let member = |names: &[&str]| json.and_then(|b| string_member(b, names)).map(str::to_owned);
    Some(ServiceError {
        operation,
        code: ErrorCode::parse(&code),
        status: answer.status,
        message: member(&["message", "Message"]),
        request_id: answer.request_id.map(str::to_owned),
        resource_id: member(&["ResourceId", "resourceId"]),
        resource_type: member(&["ResourceType", "resourceType"]),
        server_date: answer.date.map(str::to_owned),
    })
}

/// Replaces every occurrence of a secret (the session token, the signature) in text from the
/// network, however the text spells it: as is, percent-encoded (either case of hex, some or all of
/// its characters: an echoed query string or URL), or with JSON escapes (`\/`, `\u0041`: an echoed
/// body). An endpoint or a proxy that echoes the request must not put them on the page.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        if text.contains(secret) {
            text = text.replace(secret, REDACTED);
        }
        // Only text with an escape can spell a secret another way.
        if text.contains(['%', '\\']) {
            text = replace_spelled(&text, secret);
        }
    }
    text
}

const REDACTED: &str = "** redacted **";

/// The character one escape at the start of `rest` stands for, and its length: `%2F`, `\/`,
/// `\u002F`. None when `rest` does not start with an escape.
fn escaped_char(rest: &[u8]) -> Option<(char, usize)> {
    let hex = |b: &[u8]| std::str::from_utf8(b).ok().and_then(|h| u32::from_str_radix(h, 16).ok());
    match rest {
        [b'%', a, b, ..] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => hex(&rest[1..3]).and_then(char::from_u32).map(|c| (c, 3)),
        [b'\\', b'/', ..] => Some(('/', 2)),
        [b'\\', b'u', ..] if rest.len() >= 6 && rest[2..6].iter().all(u8::is_ascii_hexdigit) => hex(&rest[2..6]).and_then(char::from_u32).map(|c| (c, 6)),
        _ => None,
    }
}

/// Where `secret` (ASCII, as credentials are) is spelled at the start of `text`, each of its
/// characters as itself or as an escape: the length it takes there.
fn spelled_at(text: &[u8], secret: &str) -> Option<usize> {
    let mut at = 0;
    for wanted in secret.chars() {
        let rest = text.get(at..)?;
        match escaped_char(rest) {
            Some((c, len)) if c == wanted => at += len,
            _ if rest.first().is_some_and(|&b| b as char == wanted) => at += 1,
            _ => return None,
        }
    }
    Some(at)
}

fn replace_spelled(text: &str, secret: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        match spelled_at(&bytes[i..], secret) {
            // The secret's first character is ASCII, so `i` is a char boundary; so is its end.
            Some(len) if text.is_char_boundary(i) && text.is_char_boundary(i + len) => {
                out.push_str(&text[copied..i]);
                out.push_str(REDACTED);
                i += len;
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The error for a body over [`MAX_BODY_BYTES`], also used before reading when Content-Length says so.
pub fn too_large(answer: &HttpAnswer, body_bytes: usize) -> ConsoleError {
    ConsoleError::UnexpectedResponse {
        status: answer.status,
        content_type: answer.content_type.map(str::to_owned),
        excerpt: format!("(a body of {body_bytes} bytes, over the {MAX_BODY_BYTES}-byte limit; not read)"),
        request_id: answer.request_id.map(str::to_owned),
    }
}

/// Every string of a parsed body (member names too) with the secrets replaced. The text-level
/// [`redact`] cannot see a secret the body spells with JSON escapes (`\/`, `\u0074`); once parsed,
/// the escapes are gone and the secret is found.
fn redact_value(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::String(s) => *s = redact(s, secrets),
        Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, secrets)),
        Value::Object(members) => {
            members.values_mut().for_each(|v| redact_value(v, secrets));
            // A member name that echoes a secret (rare) is renamed in place.
            let echoing: Vec<String> = members.keys().filter(|k| redact(k, secrets) != **k).cloned().collect();
            for name in echoing {
                if let Some(v) = members.remove(&name) {
                    members.insert(redact(&name, secrets), v);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A success answer of any read, parsed as JSON with every echoed secret redacted: the one step
/// every operation shares before its own typed parse.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonAnswer {
    pub operation: Operation,
    pub value: Value,
    /// The body as received, secrets redacted as text (for an excerpt when the typed parse fails).
    body: String,
    pub request_id: Option<String>,
}

/// A typed answer of one read, with its request id.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<T> {
    pub value: T,
    pub request_id: Option<String>,
}

/// A typed answer with the JSON it was read from, for a raw view and the host page's events.
#[derive(Clone, Debug, PartialEq)]
pub struct RawAnswer<T> {
    pub value: T,
    pub raw_json: String,
    pub request_id: Option<String>,
}

impl JsonAnswer {
    fn parse_error(&self, detail: String) -> ConsoleError {
        ConsoleError::Parse { operation: self.operation, detail, excerpt: excerpt(&self.body), request_id: self.request_id.clone() }
    }

    /// The operation's own reading of the JSON; its error says which member was wrong.
    pub fn parse<T>(self, parse: impl FnOnce(Value) -> Result<T, String>) -> Result<Answer<T>, ConsoleError> {
        match parse(self.value.clone()) {
            Ok(value) => Ok(Answer { value, request_id: self.request_id }),
            Err(detail) => Err(self.parse_error(detail)),
        }
    }

    /// The JSON for the raw view: the body as received (key order and number text kept), secrets
    /// replaced. Only when the text spells a secret in a way text replacement cannot see (JSON
    /// escapes) is it shown re-serialised from the redacted value instead.
    pub fn raw_json(&self) -> String {
        let text_is_clean = crate::wire::json::parse(&self.body).is_ok_and(|v| v == self.value);
        if text_is_clean {
            self.body.clone()
        } else {
            serde_json::to_string_pretty(&self.value).unwrap_or_default()
        }
    }

    /// The operation's own reading, keeping the JSON for a raw view.
    pub fn parse_keeping_raw<T>(self, parse: impl FnOnce(Value) -> Result<T, String>) -> Result<RawAnswer<T>, ConsoleError> {
        let raw_json = self.raw_json();
        match parse(self.value.clone()) {
            Ok(value) => Ok(RawAnswer { value, raw_json, request_id: self.request_id }),
            Err(detail) => Err(self.parse_error(detail)),
        }
    }
}

/// Turns the HTTP answer to `operation` into JSON or a typed error, never a panic, whatever the
/// body. A success is the table's status exactly (`OperationSpec::success`) with a JSON body when
/// the table says it has one; any other 2xx is `UnexpectedStatus`, and for a write, which was sent
/// and may have acted, every such failure is `OutcomeUnknown`. `secrets` (the session token, the secret key, the signature) are replaced wherever the
/// answer echoes them: in the text, and in every string once parsed. Nothing this returns (value,
/// error message, excerpt) then holds one.
pub fn read_answer(operation: Operation, answer: &HttpAnswer, secrets: &[&str]) -> Result<JsonAnswer, ConsoleError> {
    let raw_body = answer.body;
    let body = redact(answer.body, secrets);
    // Every header value the console keeps is redacted like the body: an echoing proxy can put
    // anything in a request id or an error type.
    let [error_type, request_id, content_type, date] =
        [answer.error_type, answer.request_id, answer.content_type, answer.date].map(|h| h.map(|v| redact(v, secrets)));
    let answer = &HttpAnswer {
        body: &body,
        error_type: error_type.as_deref(),
        request_id: request_id.as_deref(),
        content_type: content_type.as_deref(),
        date: date.as_deref(),
        ..*answer
    };
    let request_id = answer.request_id.map(str::to_owned);
    let unexpected = || ConsoleError::UnexpectedResponse {
        status: answer.status,
        content_type: answer.content_type.map(str::to_owned),
        excerpt: excerpt(answer.body),
        request_id: request_id.clone(),
    };
    if answer.body.len() > MAX_BODY_BYTES {
        return Err(too_large(answer, answer.body.len()));
    }
    let looks_like_json = answer.body.trim_start().starts_with('{');
    // The body as received is parsed, and its strings redacted once parsed: replacing a secret in
    // the text first could cut through a JSON escape that spells it (`\u0030…`) and break a body
    // that was fine. When it does not parse, the error comes from the redacted text, since a
    // browser's message may quote the text.
    let parsed = looks_like_json.then(|| crate::wire::json::parse(raw_body).map_err(|_| crate::wire::json::parse(answer.body).err().unwrap_or_default()));
    let json: Option<Value> = parsed.as_ref().and_then(|p| p.as_ref().ok()).cloned().map(|mut v| {
        redact_value(&mut v, secrets);
        v
    });
    let success = (200..300).contains(&answer.status);
    let has_error_marker = answer.error_type.is_some() || json.as_ref().is_some_and(|b| b.get("__type").is_some());
    if !success || has_error_marker {
        return Err(service_error(operation, answer, json.as_ref()).map(ConsoleError::Service).unwrap_or_else(unexpected));
    }
    let spec = operation.spec();
    let read = if answer.status != spec.success {
        // Another 2xx than the table's: not the service's answer (a `200 {}` from a proxy for a
        // write the service answers `204`), whatever its body.
        Err(ConsoleError::UnexpectedStatus {
            operation,
            expected: spec.success,
            status: answer.status,
            content_type: answer.content_type.map(str::to_owned),
            excerpt: excerpt(answer.body),
            request_id: request_id.clone(),
        })
    } else if !spec.answers_json {
        // A `204`: its success has no body (and a browser gives none).
        Ok(JsonAnswer { operation, value: Value::Null, body: String::new(), request_id: request_id.clone() })
    } else if !looks_like_json {
        Err(unexpected())
    } else {
        match json {
            Some(value) => Ok(JsonAnswer { operation, value, body: body.clone(), request_id: request_id.clone() }),
            None => Err(ConsoleError::Parse {
                operation,
                detail: parsed.and_then(Result::err).unwrap_or_default(),
                excerpt: excerpt(answer.body),
                request_id: request_id.clone(),
            }),
        }
    };
    // A write that got a success status, but not the service's answer: it was sent and may have
    // acted, so what it did is unknown until it is read back.
    match read {
        Err(cause) if spec.idempotency != Idempotency::Read => Err(ConsoleError::OutcomeUnknown { operation, cause: Box::new(cause) }),
        read => read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::error::KnownCode;
    use proptest::strategy::Strategy;

    /// A stand-in for an operation's typed reading (the wire knows no task): members that must be
    /// a string or a number, as a task's are.
    fn typed(value: Value) -> Result<Value, String> {
        let Value::Object(members) = &value else { return Err("the answer is not a JSON object".to_owned()) };
        for (name, member) in members {
            let number = matches!(name.as_str(), "FragmentSizeBytes" | "RedundancyPercent" | "CreatedAt");
            let text = matches!(name.as_str(), "Id" | "Status" | "Name" | "Descriptor");
            if (number && !member.is_number()) || (text && !member.is_string()) {
                return Err(format!("{name} has the wrong type"));
            }
        }
        Ok(value)
    }

    fn read_get_fuota_task(answer: &HttpAnswer) -> Result<RawAnswer<Value>, ConsoleError> {
        read_get_fuota_task_redacting(answer, &[])
    }

    fn read_get_fuota_task_redacting(answer: &HttpAnswer, secrets: &[&str]) -> Result<RawAnswer<Value>, ConsoleError> {
        read_answer(Operation::GetFuotaTask, answer, secrets).and_then(|a| a.parse_keeping_raw(typed))
    }

    fn answer<'a>(status: u16, error_type: Option<&'a str>, body: &'a str) -> HttpAnswer<'a> {
        HttpAnswer { status, error_type, request_id: Some("req-1"), content_type: Some("application/json"), date: None, body }
    }

    fn code(a: HttpAnswer) -> String {
        read_get_fuota_task(&a).unwrap_err().code().to_owned()
    }

    #[test]
    fn header_wins_then_type_then_code() {
        let body = r#"{"__type":"com.amazonaws.iotwireless#AccessDeniedException","code":"ThrottlingException","message":"m"}"#;
        assert_eq!(code(answer(404, Some("ResourceNotFoundException:http://internal/"), body)), "ResourceNotFoundException");
        assert_eq!(code(answer(403, None, body)), "AccessDeniedException");
        assert_eq!(code(answer(429, None, r#"{"code":"ThrottlingException"}"#)), "ThrottlingException");
    }

    #[test]
    fn service_error_keeps_message_request_id_and_resource() {
        let body = r#"{"Message":"no such task","ResourceId":"abc","ResourceType":"FuotaTask"}"#;
        let err = read_get_fuota_task(&answer(404, Some("ResourceNotFoundException"), body)).unwrap_err();
        let ConsoleError::Service(e) = &err else { panic!("{err:?}") };
        assert_eq!(e.code, ErrorCode::Known(KnownCode::ResourceNotFoundException));
        assert_eq!(e.message.as_deref(), Some("no such task"));
        assert_eq!(e.resource_id.as_deref(), Some("abc"));
        assert_eq!(err.request_id(), Some("req-1"));
    }

    #[test]
    fn html_and_empty_bodies_are_unexpected_not_parse_errors() {
        assert_eq!(code(answer(502, None, "<html><body>Bad gateway</body></html>")), "UnexpectedResponse");
        assert_eq!(code(answer(503, None, "")), "UnexpectedResponse");
        assert_eq!(code(answer(200, None, "")), "UnexpectedResponse");
        assert_eq!(code(answer(200, None, "<!doctype html>")), "UnexpectedResponse");
    }

    #[test]
    fn truncated_or_mistyped_success_is_a_parse_error() {
        assert_eq!(code(answer(200, None, r#"{"Id": "abc", "Status": "Pen"#)), "ParseError");
        assert_eq!(code(answer(200, None, r#"{"FragmentSizeBytes": "big"}"#)), "ParseError");
    }

    #[test]
    fn a_200_with_an_error_body_is_an_error() {
        assert_eq!(code(answer(200, None, r#"{"__type":"InternalServerException","message":"x"}"#)), "InternalServerException");
    }

    #[test]
    fn enormous_bodies_are_refused() {
        let big = format!("{{\"Description\":\"{}\"}}", "x".repeat(MAX_BODY_BYTES));
        assert_eq!(code(answer(200, None, &big)), "UnexpectedResponse");
    }

    #[test]
    fn success_gives_task_and_the_raw_json_as_received() {
        // Key order and number text as the service wrote them, not sorted or rewritten.
        let body = r#"{"Status":"Pending","Id":"abc","CreatedAt":1.7000000001E9,"RedundancyPercent":50}"#;
        let ok = read_get_fuota_task(&answer(200, None, body)).unwrap();
        assert_eq!(ok.value["Id"], "abc");
        assert_eq!(ok.raw_json, body);
        assert_eq!(ok.request_id.as_deref(), Some("req-1"));
        // A secret the text spells with an escape cannot stay in it: then the redacted value is shown.
        let echoing = r#"{"Id":"abc","Name":"\u0074oken-123456"}"#;
        let ok = read_get_fuota_task_redacting(&answer(200, None, echoing), &["token-123456"]).unwrap();
        assert!(!ok.raw_json.contains("oken-123456") && ok.raw_json.contains("** redacted **"), "{}", ok.raw_json);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any status, headers and body (arbitrary bytes, read as the browser would) give a task or
        /// a typed error with a code and a sentence: never a panic.
        #[test]
        fn any_answer_is_read_without_panic(
            status in 0u16..1000,
            error_type in proptest::option::of(".{0,40}"),
            request_id in proptest::option::of("[ -~]{0,40}"),
            date in proptest::option::of(".{0,40}"),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let body = String::from_utf8_lossy(&body);
            let answer = HttpAnswer { status, error_type: error_type.as_deref(), request_id: request_id.as_deref(), content_type: None, date: date.as_deref(), body: &body };
            match read_get_fuota_task(&answer) {
                Ok(ok) => {
                    let is_object = ok.raw_json.starts_with('{');
                    proptest::prop_assert!((200..300).contains(&status) && is_object, "status {}", status);
                }
                Err(e) => proptest::prop_assert!(!e.code().is_empty() && !e.sentence().is_empty()),
            }
        }

        /// JSON-shaped bodies with members of every type reach the member parsers.
        #[test]
        fn any_json_task_is_read_without_panic(
            key in proptest::sample::select(vec!["Id", "Status", "CreatedAt", "LoRaWAN", "RedundancyPercent", "Descriptor", "__type", "code", "message"]),
            value in proptest::prop_oneof![
                proptest::prelude::any::<i64>().prop_map(|n| n.to_string()),
                proptest::prelude::any::<f64>().prop_map(|f| if f.is_finite() { format!("{f:e}") } else { "null".into() }),
                ".{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
                ".{0,20}".prop_map(|s| format!("{{\"StartTime\": {}}}", serde_json::to_string(&s).unwrap_or_default())),
                proptest::strategy::Just("[1, {}]".to_owned()),
            ],
            status in proptest::sample::select(vec![200u16, 400, 403, 404, 429, 500, 503]),
        ) {
            let body = format!("{{\"{key}\": {value}}}");
            let answer = HttpAnswer { status, error_type: None, request_id: None, content_type: None, date: None, body: &body };
            match read_get_fuota_task(&answer) {
                // A task only from a success without an error marker; anything else an error in words.
                Ok(ok) => proptest::prop_assert!(status == 200 && key != "__type" && ok.raw_json == body),
                Err(e) => proptest::prop_assert!(!e.code().is_empty() && !e.sentence().is_empty()),
            }
        }
    }

    /// Everything an answer puts on the page: error sentence, message, details; task, raw JSON.
    fn shown(result: &Result<RawAnswer<Value>, ConsoleError>) -> String {
        match result {
            Ok(ok) => format!("{} {:?}", ok.raw_json, ok.value),
            Err(e) => format!("{} {:?} {:?}", e.sentence(), e.service_message(), e.details()),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// However a JSON body spells an echoed secret (as is, `\/`, `\uXXXX` escapes), in a value or
        /// a member name, of a task or of an error, it does not reach the page.
        #[test]
        fn an_echoed_secret_is_redacted_however_json_spells_it(
            secret in "[A-Za-z0-9/+=]{8,40}",
            escapes in proptest::collection::vec(0u8..3, 40),
            status in proptest::sample::select(vec![200u16, 403]),
        ) {
            let spelled: String = secret.chars().zip(escapes.iter().cycle()).map(|(c, how)| match (how, c) {
                (1, '/') => "\\/".to_owned(),
                (2, c) => format!("\\u{:04x}", c as u32),
                (_, c) => c.to_string(),
            }).collect();
            let body = if status == 200 {
                format!(r#"{{"Id": "t-1", "Name": "fw {spelled}", "{spelled}": ["{spelled}"]}}"#)
            } else {
                format!(r#"{{"__type": "AccessDeniedException", "message": "you sent x-amz-security-token: {spelled}", "ResourceId": "{spelled}"}}"#)
            };
            let answer = HttpAnswer { status, error_type: None, request_id: None, content_type: None, date: None, body: &body };
            let result = read_get_fuota_task_redacting(&answer, &[secret.as_str()]);
            proptest::prop_assert_eq!(result.is_ok(), status == 200);
            let on_page = shown(&result);
            proptest::prop_assert!(!on_page.contains(&secret), "{}", on_page);
            proptest::prop_assert!(on_page.contains("** redacted **"));
        }
    }

    #[test]
    fn a_write_succeeds_with_no_body_a_read_does_not() {
        let empty = |status| HttpAnswer { status, error_type: None, request_id: Some("r"), content_type: None, date: None, body: "" };
        let deleted = read_answer(Operation::DeleteFuotaTask, &empty(204), &[]).unwrap();
        assert_eq!((deleted.value, deleted.request_id.as_deref()), (Value::Null, Some("r")));
        let created = HttpAnswer { body: r#"{"Arn":"a","Id":"t-9"}"#, ..empty(201) };
        assert_eq!(read_answer(Operation::CreateFuotaTask, &created, &[]).unwrap().value["Id"], "t-9");
        assert_eq!(read_answer(Operation::GetFuotaTask, &empty(200), &[]).unwrap_err().code(), "UnexpectedResponse");
        assert_eq!(read_answer(Operation::StartFuotaTask, &empty(409), &[]).unwrap_err().code(), "UnexpectedResponse");
    }

    /// Only the table's success status is the service's success: a `200 {}` for a write the
    /// service answers `204` (a proxy, a relay's own page), an empty `201` for a create, any other
    /// 2xx. A write that got one was sent and may have acted: its outcome is unknown, and the
    /// sentence names the status expected and the one that came.
    #[test]
    fn only_the_tables_success_status_and_body_are_a_success() {
        let at = |status, body| HttpAnswer { status, error_type: None, request_id: Some("r"), content_type: Some("application/json"), date: None, body };
        let unknown = |operation, answer: HttpAnswer| {
            let err = read_answer(operation, &answer, &[]).unwrap_err();
            assert_eq!(err.code(), "OutcomeUnknown", "{operation:?} {}: {err:?}", answer.status);
            let ConsoleError::OutcomeUnknown { cause, .. } = err else { unreachable!() };
            *cause
        };
        let cause = unknown(Operation::StartFuotaTask, at(200, "{}"));
        assert_eq!(cause.code(), "UnexpectedStatus");
        assert!(cause.sentence().contains("HTTP 204") && cause.sentence().contains("HTTP 200") && cause.sentence().contains("proxy"), "{}", cause.sentence());
        assert_eq!(cause.request_id(), Some("r"));
        for operation in [Operation::DeleteFuotaTask, Operation::AssociateWirelessDeviceWithFuotaTask, Operation::UpdateFuotaTask] {
            assert_eq!(unknown(operation, at(200, "")).code(), "UnexpectedStatus");
            assert_eq!(unknown(operation, at(201, "{}")).code(), "UnexpectedStatus");
        }
        // A create's 201 must carry the new task's id; a 200 or 204 is not the service's answer.
        assert_eq!(unknown(Operation::CreateFuotaTask, at(201, "")).code(), "UnexpectedResponse");
        assert_eq!(unknown(Operation::CreateFuotaTask, at(201, "<html></html>")).code(), "UnexpectedResponse");
        assert_eq!(unknown(Operation::CreateFuotaTask, at(200, r#"{"Arn":"a","Id":"t-9"}"#)).code(), "UnexpectedStatus");
        assert_eq!(unknown(Operation::CreateFuotaTask, at(204, "")).code(), "UnexpectedStatus");
        // A read: another 2xx is the same error, not wrapped (nothing was written); a 200 with JSON reads.
        assert_eq!(read_answer(Operation::GetFuotaTask, &at(203, r#"{"Id":"t"}"#), &[]).unwrap_err().code(), "UnexpectedStatus");
        assert_eq!(read_answer(Operation::GetFuotaTask, &at(204, ""), &[]).unwrap_err().code(), "UnexpectedStatus");
        assert_eq!(read_answer(Operation::ListFuotaTasks, &at(200, r#"{"FuotaTaskList":[]}"#), &[]).unwrap().value["FuotaTaskList"], serde_json::json!([]));
        // An error answer stays the service's error, write or not: it did not act.
        let conflict = HttpAnswer { error_type: Some("ConflictException"), ..at(409, r#"{"message":"m"}"#) };
        assert_eq!(read_answer(Operation::StartFuotaTask, &conflict, &[]).unwrap_err().code(), "ConflictException");
    }

    #[test]
    fn header_values_are_redacted_like_the_body() {
        let secret = "tok3n/abc+def=";
        let a = HttpAnswer {
            status: 400,
            error_type: Some("ValidationException:tok3n%2Fabc%2Bdef%3D"),
            request_id: Some("rid-tok3n/abc+def="),
            content_type: Some("application/json"),
            date: None,
            body: r#"{"message":"m"}"#,
        };
        let err = read_get_fuota_task_redacting(&a, &[secret]).unwrap_err();
        let shown = format!("{} {:?} {:?} {:?}", err.code(), err.request_id(), err.details(), err);
        assert!(!shown.contains("tok3n"), "{shown}");
        assert_eq!(err.request_id(), Some("rid-** redacted **"));
    }

    #[test]
    fn encoded_spellings_are_redacted() {
        let secret = "IQoJb3J/pZ2+luX2=";
        for spelled in [
            "IQoJb3J%2FpZ2%2BluX2%3D",
            "IQoJb3J%2fpZ2%2bluX2%3d",
            "IQoJb3J/pZ2%2BluX2=",
            r"IQoJb3J\/pZ2+luX2=",
            r"IQoJ\u0062\u0033J\/pZ2+luX2=",
            "%49%51oJb3J/pZ2+luX2=",
        ] {
            let text = format!("echo: x-amz-security-token={spelled}&more é");
            let clean = redact(&text, &[secret]);
            assert_eq!(clean, "echo: x-amz-security-token=** redacted **&more é", "{spelled}");
        }
        assert_eq!(redact("100% sure \\ é", &["IQoJb3J/pZ2+luX2="]), "100% sure \\ é");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// However each character of a secret is spelled (as is, %XX in either case, JSON escape),
        /// and whatever text surrounds it, the secret does not survive redaction.
        #[test]
        fn a_secret_spelled_any_way_is_redacted(
            secret in "[A-Za-z0-9/+=]{8,40}",
            how in proptest::collection::vec(0u8..5, 40),
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
        ) {
            let spelled: String = secret.chars().zip(how.iter().cycle()).map(|(c, how)| match how {
                1 => format!("%{:02X}", c as u32),
                2 => format!("%{:02x}", c as u32),
                3 => format!("\\u{:04x}", c as u32),
                4 if c == '/' => "\\/".to_owned(),
                _ => c.to_string(),
            }).collect();
            let clean = redact(&format!("{before}{spelled}{after}"), &[secret.as_str()]);
            proptest::prop_assert!(clean.contains(REDACTED), "{}", clean);
            proptest::prop_assert!(!clean.contains(&spelled), "{}", clean);
        }
    }

    #[test]
    fn echoed_secrets_are_redacted() {
        let body = r#"{"message":"headers: x-amz-security-token=tok3n-abcdef; Signature=0123456789abcdef"}"#;
        let clean = redact(body, &["tok3n-abcdef", "0123456789abcdef", ""]);
        assert!(!clean.contains("tok3n-abcdef") && !clean.contains("0123456789abcdef"));
        assert!(clean.contains("** redacted **"));
        assert_eq!(redact("short ab", &["ab"]), "short ab", "too short to be a secret: left alone");
    }

    #[test]
    fn unknown_code_is_kept() {
        assert_eq!(code(answer(400, Some("SomethingNewException"), "{}")), "SomethingNewException");
    }
}
