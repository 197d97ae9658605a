//! A local AWS IoT Wireless endpoint: the FUOTA task console's demo default and test ground truth.
//!
//! It behaves like the service on the wire: SigV4 is verified, answers are rest-json with
//! `x-amzn-RequestId` / `x-amzn-ErrorType`, CORS preflights are answered. Routing is a pure function
//! of the request and the server's clock so that it can be tested without sockets.

pub mod sigv4;
pub mod site;
pub mod tasks;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use sigv4::{Identity, WireRequest};

/// The console's demo identity (public: it opens nothing but this endpoint).
pub const DEMO_ACCESS_KEY_ID: &str = "ASIADEMOLOCALENDPOINT";
pub const DEMO_SECRET_ACCESS_KEY: &str = "demo/local/endpoint/secret/key/not/a/real/one";
pub const DEMO_SESSION_TOKEN: &str = "demo-local-session-token";
/// An identity whose token has expired, to show ExpiredTokenException.
pub const EXPIRED_ACCESS_KEY_ID: &str = "ASIAEXPIREDDEMOTOKEN";
pub const EXPIRED_SESSION_TOKEN: &str = "expired-demo-session-token";

/// How the endpoint is set up.
#[derive(Clone, Debug)]
pub struct Config {
    pub regions: Vec<String>,
    pub identities: Vec<Identity>,
    /// Seconds added to the real clock: a server whose clock is off, as the user's may be.
    pub clock_skew_seconds: i64,
    /// Answer CORS preflights and expose headers; off shows what a browser does with a CORS-less service.
    pub cors: bool,
    /// How long `fault-slow` waits.
    pub slow_delay: Duration,
    /// Expose `Date` to scripts (CORS); off, a page must learn the server's time from messages.
    pub expose_date: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            regions: vec!["us-east-1".to_owned()],
            identities: vec![
                Identity {
                    access_key_id: DEMO_ACCESS_KEY_ID.to_owned(),
                    secret_access_key: DEMO_SECRET_ACCESS_KEY.to_owned(),
                    session_token: Some(DEMO_SESSION_TOKEN.to_owned()),
                    expired: false,
                },
                Identity {
                    access_key_id: EXPIRED_ACCESS_KEY_ID.to_owned(),
                    secret_access_key: DEMO_SECRET_ACCESS_KEY.to_owned(),
                    session_token: Some(EXPIRED_SESSION_TOKEN.to_owned()),
                    expired: true,
                },
            ],
            clock_skew_seconds: 0,
            cors: true,
            slow_delay: Duration::from_secs(30),
            expose_date: true,
        }
    }
}

/// An answer to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (the slow fault).
    pub delay: Option<Duration>,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Self {
        Self::raw(status, "application/json", body.to_string().into_bytes())
    }

    fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Reply { status, headers: vec![("Content-Type".into(), content_type.into())], body, delay: None }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// An AWS error answer: the code in `x-amzn-ErrorType` and in the body, as rest-json services do.
fn aws_error(status: u16, code: &str, message: &str, extra: Value) -> Reply {
    let mut body = json!({"message": message});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let mut reply = Reply::json(status, &body);
    reply.headers.push(("x-amzn-ErrorType".into(), format!("{code}:http://internal.amazon.com/coral/com.amazonaws.iotwireless/")));
    reply
}

pub struct Endpoint {
    pub config: Config,
    requests: AtomicU64,
    /// Ids of `fault-*-once-*` tasks already failed once.
    failed_once: Mutex<HashSet<String>>,
}

impl Endpoint {
    pub fn new(config: Config) -> Self {
        Self { config, requests: AtomicU64::new(0), failed_once: Mutex::new(HashSet::new()) }
    }

    /// True the first time `id` is seen.
    fn first_time(&self, id: &str) -> bool {
        self.failed_once.lock().map(|mut seen| seen.insert(id.to_owned())).unwrap_or(false)
    }

    /// The server's clock: the real one, skewed as configured.
    pub fn server_time(&self, real_now: SystemTime) -> SystemTime {
        let skew = Duration::from_secs(self.config.clock_skew_seconds.unsigned_abs());
        if self.config.clock_skew_seconds >= 0 { real_now + skew } else { real_now - skew }
    }

    fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let h = hex::encode(Sha256::digest(format!("{n}-{:?}", SystemTime::now()).as_bytes()));
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// Answers one request at `real_now`.
    pub fn handle(&self, req: &WireRequest, real_now: SystemTime) -> Reply {
        let now = self.server_time(real_now);
        let mut reply = if req.method == "OPTIONS" {
            self.preflight(req)
        } else {
            self.operation(req, now)
        };
        reply.headers.push(("x-amzn-RequestId".into(), self.request_id()));
        reply.headers.push(("Date".into(), httpdate::fmt_http_date(now)));
        if self.config.cors {
            let origin = req.header("origin").unwrap_or("*").to_owned();
            reply.headers.push(("Access-Control-Allow-Origin".into(), origin));
            reply.headers.push(("Vary".into(), "Origin".into()));
            let exposed = if self.config.expose_date { "x-amzn-RequestId, x-amzn-ErrorType, Date" } else { "x-amzn-RequestId, x-amzn-ErrorType" };
            reply.headers.push(("Access-Control-Expose-Headers".into(), exposed.into()));
        }
        reply
    }

    fn preflight(&self, req: &WireRequest) -> Reply {
        if !self.config.cors {
            return Reply::raw(403, "text/plain", b"CORS is switched off on this endpoint".to_vec());
        }
        let mut reply = Reply::raw(200, "text/plain", Vec::new());
        let asked = req.header("access-control-request-headers").unwrap_or("").to_owned();
        reply.headers.push(("Access-Control-Allow-Methods".into(), "GET, OPTIONS".into()));
        reply.headers.push(("Access-Control-Allow-Headers".into(), asked));
        reply.headers.push(("Access-Control-Max-Age".into(), "600".into()));
        reply
    }

    fn operation(&self, req: &WireRequest, now: SystemTime) -> Reply {
        if let Err(e) = sigv4::verify(req, &self.config.identities, "iotwireless", &self.config.regions, now) {
            return aws_error(e.status, e.code, &e.message, json!({}));
        }
        let region = &self.config.regions[0];
        let segments: Vec<&str> = req.raw_path.trim_start_matches('/').split('/').collect();
        match (req.method, segments.as_slice()) {
            ("GET", ["fuota-tasks"]) => self.list_tasks(req, region),
            ("GET", ["fuota-tasks", "fault-echo"]) => {
                // A debugging proxy that echoes the request: the page must not show what it sent.
                let echoed: Vec<String> = req.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
                aws_error(400, "ValidationException", &format!("Your request was: {}", echoed.join("; ")), json!({}))
            }
            ("GET", ["fuota-tasks", id]) => {
                let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy().into_owned();
                self.get_task(&id, region)
            }
            _ => aws_error(404, "UnknownOperationException", "The requested operation is not supported by this endpoint.", json!({})),
        }
    }

    fn get_task(&self, id: &str, region: &str) -> Reply {
        if id.chars().count() > 256 {
            return aws_error(400, "ValidationException", "1 validation error detected: Value at 'id' failed to satisfy constraint: Member must have length less than or equal to 256", json!({}));
        }
        match id {
            "fault-throttle" => aws_error(429, "ThrottlingException", "Rate exceeded", json!({})),
            "fault-internal" => aws_error(500, "InternalServerException", "An internal error occurred.", json!({})),
            "fault-denied" => aws_error(403, "AccessDeniedException", "User is not authorized to perform: iotwireless:GetFuotaTask on this resource", json!({})),
            "fault-validation" => aws_error(400, "ValidationException", "The FUOTA task id is not valid.", json!({})),
            "fault-malformed" => Reply::raw(200, "application/json", br#"{"Id": "fault-malformed", "Status": "Pend"#.to_vec()),
            "fault-wrong-types" => Reply::json(200, &json!({"Id": "fault-wrong-types", "FragmentSizeBytes": "fifty", "CreatedAt": "yesterday"})),
            "fault-error-in-200" => Reply::json(200, &json!({"__type": "com.amazonaws.iotwireless#InternalServerException", "message": "An error answered with status 200"})),
            "fault-html" => Reply::raw(502, "text/html", b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>".to_vec()),
            "fault-empty" => Reply::raw(503, "application/json", Vec::new()),
            "fault-huge" => Reply::json(200, &json!({"Id": "fault-huge", "Description": "x".repeat(1 << 20)})),
            "fault-slow" => {
                let mut reply = self.get_task("demo-in-session", region);
                reply.delay = Some(self.config.slow_delay);
                reply
            }
            _ if id.starts_with("fault-throttle-once-") || id.starts_with("fault-unavailable-once-") => {
                if self.first_time(id) {
                    return if id.starts_with("fault-throttle") {
                        aws_error(429, "ThrottlingException", "Rate exceeded", json!({}))
                    } else {
                        Reply::raw(503, "text/html", b"<html><body>503 Service Temporarily Unavailable</body></html>".to_vec())
                    };
                }
                let mut task = tasks::sample_tasks(region).into_iter().find(|t| t["Id"] == "demo-in-session").unwrap_or_default();
                task["Id"] = json!(id);
                Reply::json(200, &task)
            }
            _ => match tasks::sample_tasks(region).into_iter().find(|t| t["Id"] == id) {
                Some(task) => Reply::json(200, &task),
                None => aws_error(404, "ResourceNotFoundException", &format!("Resource not found: FuotaTask {id}"), json!({"ResourceId": id, "ResourceType": "FuotaTask"})),
            },
        }
    }

    fn list_tasks(&self, req: &WireRequest, region: &str) -> Reply {
        let mut max_results = 10usize;
        let mut start = 0usize;
        for pair in req.raw_query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "maxResults" => match v.parse::<usize>() {
                    Ok(n) if (1..=250).contains(&n) => max_results = n,
                    _ => return aws_error(400, "ValidationException", "maxResults must be between 1 and 250", json!({})),
                },
                "nextToken" => match v.strip_prefix("page-").and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) => start = n,
                    None => return aws_error(400, "ValidationException", "The nextToken is not valid", json!({})),
                },
                _ => {}
            }
        }
        let all = tasks::sample_tasks(region);
        let page: Vec<Value> = all
            .iter()
            .skip(start)
            .take(max_results)
            .map(|t| json!({"Id": t["Id"], "Arn": t["Arn"], "Name": t["Name"]}))
            .collect();
        let mut body = json!({"FuotaTaskList": page});
        if start + max_results < all.len() {
            body["NextToken"] = json!(format!("page-{}", start + max_results));
        }
        Reply::json(200, &body)
    }
}

#[cfg(test)]
mod tests;
