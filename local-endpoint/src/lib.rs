//! A local AWS IoT Wireless endpoint: the FUOTA task console's demo default and test ground truth.
//!
//! It behaves like the service on the wire: SigV4 is verified, answers are rest-json with
//! `x-amzn-RequestId` / `x-amzn-ErrorType`, CORS preflights are answered. Routing is a pure function
//! of the request and the server's clock so that it can be tested without sockets.

pub mod account;
pub mod campaign;
pub mod links;
pub mod rollouts;
pub mod server;
pub mod sigv4;
pub mod site;
pub mod tagging;
pub mod tasks;
pub mod writes;

use std::collections::HashMap;
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
    /// The origins whose pages may call this endpoint (CORS), exactly as a browser sends them
    /// (`http://127.0.0.1:8080`); `*` lets any origin in. Any other origin gets no CORS header, so
    /// a page the developer happens to visit cannot create or delete tasks here.
    pub cors_origins: Vec<String>,
    /// How long `fault-slow` waits.
    pub slow_delay: Duration,
    /// Expose `Date` to scripts (CORS); off, a page must learn the server's time from messages.
    pub expose_date: bool,
    /// How fast `demo-live` runs: 1 is its real timeline (about three minutes), 10 ten times faster.
    pub live_speed: f64,
    /// How much faster than the real clock a task scheduled here (StartFuotaTask) waits and runs:
    /// at 12, a start 35 minutes ahead comes in under 3 minutes, and the session ends half a
    /// minute later.
    pub schedule_speed: f64,
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
            cors_origins: site_origins(8080),
            slow_delay: Duration::from_secs(30),
            expose_date: true,
            live_speed: 1.0,
            schedule_speed: 12.0,
        }
    }
}

/// The origins of a site served on `port` of this machine: the ones the endpoint's own site
/// server (`--site`) has, and so its default CORS origins.
pub fn site_origins(port: u16) -> Vec<String> {
    vec![format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")]
}

/// A `--cors-origin`: `*`, or an origin as a browser sends it (`scheme://host[:port]`, no path, no
/// trailing slash; lowercase, as browsers serialise it).
pub fn parse_origin(origin: &str) -> Result<String, String> {
    if origin == "*" {
        return Ok(origin.to_owned());
    }
    let lower = origin.to_ascii_lowercase();
    let refused = || format!("{origin} is not scheme://host[:port] (http or https, no path, no trailing slash)");
    let (scheme, authority) = lower.split_once("://").ok_or_else(refused)?;
    let (host, port) = match authority.strip_prefix('[') {
        // An IPv6 literal: [::1] or [::1]:8080.
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or_else(refused)?;
            let port = if after.is_empty() { None } else { Some(after.strip_prefix(':').ok_or_else(refused)?) };
            (host, port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:".contains(c));
    let port_ok = port.is_none_or(|p| (1..=5).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    if matches!(scheme, "http" | "https") && host_ok && port_ok {
        Ok(lower)
    } else {
        Err(refused())
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
    /// Send without Content-Length (chunked), as a proxy streaming an answer does.
    pub chunked: bool,
    /// Close the connection without answering: the answer is lost on the way.
    pub dropped: bool,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Self {
        Self::raw(status, "application/json", body.to_string().into_bytes())
    }

    fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Reply { status, headers: vec![("Content-Type".into(), content_type.into())], body, delay: None, chunked: false, dropped: false }
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

/// The operations this endpoint serves: method, path template (labels in braces) and the API's
/// name. A test checks them against the console's operation table (`fuota_core::operation::TABLE`),
/// so that the endpoint serves exactly what the console calls.
pub const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/fuota-tasks", "ListFuotaTasks"),
    ("GET", "/fuota-tasks/{Id}", "GetFuotaTask"),
    ("GET", "/fuota-tasks/{Id}/multicast-groups", "ListMulticastGroupsByFuotaTask"),
    ("GET", "/wireless-devices", "ListWirelessDevices"),
    ("GET", "/multicast-groups/{Id}", "GetMulticastGroup"),
    ("GET", "/multicast-groups/{Id}/session", "GetMulticastGroupSession"),
    ("GET", "/multicast-groups", "ListMulticastGroups"),
    ("GET", "/wireless-devices/{Id}/statistics", "GetWirelessDeviceStatistics"),
    ("GET", "/wireless-gateways/{Identifier}", "GetWirelessGateway"),
    ("POST", "/fuota-tasks", "CreateFuotaTask"),
    ("PATCH", "/fuota-tasks/{Id}", "UpdateFuotaTask"),
    ("PUT", "/fuota-tasks/{Id}", "StartFuotaTask"),
    ("DELETE", "/fuota-tasks/{Id}", "DeleteFuotaTask"),
    ("PUT", "/fuota-tasks/{Id}/multicast-group", "AssociateMulticastGroupWithFuotaTask"),
    ("PUT", "/fuota-tasks/{Id}/wireless-device", "AssociateWirelessDeviceWithFuotaTask"),
    ("DELETE", "/fuota-tasks/{Id}/multicast-groups/{MulticastGroupId}", "DisassociateMulticastGroupFromFuotaTask"),
    ("DELETE", "/fuota-tasks/{Id}/wireless-devices/{WirelessDeviceId}", "DisassociateWirelessDeviceFromFuotaTask"),
    ("POST", "/multicast-groups", "CreateMulticastGroup"),
    ("PUT", "/multicast-groups/{Id}/wireless-device", "AssociateWirelessDeviceWithMulticastGroup"),
    ("DELETE", "/multicast-groups/{Id}/wireless-devices/{WirelessDeviceId}", "DisassociateWirelessDeviceFromMulticastGroup"),
    ("DELETE", "/multicast-groups/{Id}", "DeleteMulticastGroup"),
    ("POST", "/tags", "TagResource"),
    ("DELETE", "/tags", "UntagResource"),
    ("GET", "/tags", "ListTagsForResource"),
];

/// The operation a request names and its path labels (still percent-encoded), or None when no
/// route matches: a label matches one non-empty segment.
pub fn route<'p>(method: &str, raw_path: &'p str) -> Option<(&'static str, Vec<&'p str>)> {
    let segments: Vec<&str> = raw_path.trim_start_matches('/').split('/').collect();
    ROUTES.iter().find_map(|(m, template, name)| {
        let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        if *m != method || parts.len() != segments.len() {
            return None;
        }
        let mut labels = Vec::new();
        for (part, segment) in parts.iter().zip(&segments) {
            if part.starts_with('{') {
                if segment.is_empty() {
                    return None;
                }
                labels.push(*segment);
            } else if part != segment {
                return None;
            }
        }
        Some((*name, labels))
    })
}

/// The methods a CORS preflight allows: the routes' and OPTIONS.
fn allowed_methods() -> String {
    let mut methods: Vec<&str> = ROUTES.iter().map(|(m, _, _)| *m).collect();
    methods.sort_unstable();
    methods.dedup();
    methods.push("OPTIONS");
    methods.join(", ")
}

pub struct Endpoint {
    pub config: Config,
    /// When the endpoint started (real clock): `demo-live` runs from here.
    started: SystemTime,
    requests: AtomicU64,
    /// How many times each fault's key has been seen: once-only faults and counted ones
    /// (`fault-throttled-*` devices) fail by it.
    seen: Mutex<HashMap<String, u32>>,
    /// The tasks created here, and their lifecycle.
    pub created: writes::Store,
}

impl Endpoint {
    pub fn new(config: Config) -> Self {
        Self::started_at(config, SystemTime::now())
    }

    /// An endpoint whose `demo-live` started at `started`, with the demo rollouts written now
    /// (`rollouts::seed`; they cannot fail to be written but for a bug, which is reported here and
    /// the endpoint goes on without them: `with_store`, the binary's path, stops on it instead).
    pub fn started_at(config: Config, started: SystemTime) -> Self {
        let created = writes::Store::new(config.schedule_speed);
        let endpoint = Self { config, started, requests: AtomicU64::new(0), seen: Mutex::new(HashMap::new()), created };
        if let Err(e) = endpoint.seed_demo_rollouts(SystemTime::now()) {
            eprintln!("fuota-local: the demo rollouts were not written: {e}");
        }
        endpoint
    }

    /// An endpoint that answers the tasks of `created` (loaded from `--state`), started now, with
    /// the demo rollouts written unless `created` has them already; what stops them from being
    /// written is an error.
    pub fn with_store(config: Config, created: writes::Store) -> Result<Self, String> {
        let endpoint = Self { config, started: SystemTime::now(), requests: AtomicU64::new(0), seen: Mutex::new(HashMap::new()), created };
        endpoint.seed_demo_rollouts(SystemTime::now())?;
        Ok(endpoint)
    }

    /// Writes the demo rollouts (`rollouts::seed`) at `real_now` on the endpoint's clock.
    pub fn seed_demo_rollouts(&self, real_now: SystemTime) -> Result<(), String> {
        let region = self.config.regions.first().map_or("us-east-1", String::as_str);
        rollouts::seed(&self.created, region, self.server_time(real_now)).map_err(|e| format!("the demo rollouts: {e}"))
    }

    /// Seconds of `demo-live`'s timeline at `real_now`.
    fn live_elapsed(&self, real_now: SystemTime) -> f64 {
        real_now.duration_since(self.started).map(|d| d.as_secs_f64()).unwrap_or(0.0) * self.config.live_speed
    }

    /// How many times `key` has been seen, this time included. A poisoned lock counts as seen
    /// for ever: no fault rather than a fault that never stops.
    fn times_seen(&self, key: &str) -> u32 {
        match self.seen.lock() {
            Ok(mut seen) => {
                let count = seen.entry(key.to_owned()).or_insert(0);
                *count = count.saturating_add(1);
                *count
            }
            Err(_) => u32::MAX,
        }
    }

    /// True the first time `id` is seen.
    fn first_time(&self, id: &str) -> bool {
        self.times_seen(id) == 1
    }

    /// The server's clock: the real one, skewed as configured.
    pub fn server_time(&self, real_now: SystemTime) -> SystemTime {
        let skew = Duration::from_secs(self.config.clock_skew_seconds.unsigned_abs());
        if self.config.clock_skew_seconds >= 0 {
            real_now + skew
        } else {
            real_now - skew
        }
    }

    /// An id for a task or multicast group created here, unique for the endpoint's life (a UUID's
    /// form, as the service's ids have).
    fn new_id(&self, kind: &str) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let h = hex::encode(Sha256::digest(format!("{kind}-{n}-{:?}", SystemTime::now()).as_bytes()));
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let h = hex::encode(Sha256::digest(format!("{n}-{:?}", SystemTime::now()).as_bytes()));
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// Answers one request at `real_now`.
    pub fn handle(&self, req: &WireRequest, real_now: SystemTime) -> Reply {
        let now = self.server_time(real_now);
        let mut reply = if req.method == "OPTIONS" { self.preflight(req) } else { self.operation(req, now, self.live_elapsed(real_now)) };
        reply.headers.push(("x-amzn-RequestId".into(), self.request_id()));
        reply.headers.push(("Date".into(), httpdate::fmt_http_date(now)));
        if self.config.cors {
            // Only an allowed origin is named; the other headers grant nothing without it.
            if let Some(origin) = self.allowed_origin(req) {
                reply.headers.push(("Access-Control-Allow-Origin".into(), origin.to_owned()));
            }
            reply.headers.push(("Vary".into(), "Origin".into()));
            let exposed = if self.config.expose_date { "x-amzn-RequestId, x-amzn-ErrorType, Date" } else { "x-amzn-RequestId, x-amzn-ErrorType" };
            reply.headers.push(("Access-Control-Expose-Headers".into(), exposed.into()));
        }
        reply
    }

    /// The `Access-Control-Allow-Origin` for this request: its `Origin` when that is one of the
    /// configured origins, any origin (and `*` without one) when `*` is configured, else none.
    fn allowed_origin<'r>(&self, req: &'r WireRequest) -> Option<&'r str> {
        let any = self.config.cors_origins.iter().any(|o| o == "*");
        match req.header("origin") {
            Some(origin) if any || self.config.cors_origins.iter().any(|o| o == origin) => Some(origin),
            None if any => Some("*"),
            _ => None,
        }
    }

    fn preflight(&self, req: &WireRequest) -> Reply {
        if !self.config.cors {
            return Reply::raw(403, "text/plain", b"CORS is switched off on this endpoint".to_vec());
        }
        if self.allowed_origin(req).is_none() {
            let message = format!(
                "CORS: this endpoint does not answer pages from {}; it allows {} (start it with --cors-origin ORIGIN for more)",
                req.header("origin").unwrap_or("(no Origin)"),
                if self.config.cors_origins.is_empty() { "none".to_owned() } else { self.config.cors_origins.join(", ") }
            );
            return Reply::raw(403, "text/plain", message.into_bytes());
        }
        let mut reply = Reply::raw(200, "text/plain", Vec::new());
        let asked = req.header("access-control-request-headers").unwrap_or("").to_owned();
        reply.headers.push(("Access-Control-Allow-Methods".into(), allowed_methods()));
        reply.headers.push(("Access-Control-Allow-Headers".into(), asked));
        reply.headers.push(("Access-Control-Max-Age".into(), "600".into()));
        reply
    }

    fn operation(&self, req: &WireRequest, now: SystemTime, elapsed: f64) -> Reply {
        if let Err(e) = sigv4::verify(req, &self.config.identities, "iotwireless", &self.config.regions, now) {
            return aws_error(e.status, e.code, &e.message, json!({}));
        }
        let region = &self.config.regions[0];
        let query = match Query::parse(req.raw_query) {
            Ok(q) => q,
            Err(reply) => return reply,
        };
        let Some((operation, labels)) = route(req.method, req.raw_path) else {
            return aws_error(404, "UnknownOperationException", "The requested operation is not supported by this endpoint.", json!({}));
        };
        let decode = |label: &str| percent_encoding::percent_decode_str(label).decode_utf8_lossy().into_owned();
        let id = labels.first().map(|l| decode(l)).unwrap_or_default();
        let item = labels.get(1).map(|l| decode(l)).unwrap_or_default();
        let created = &self.created;
        let written = |outcome: Option<writes::Outcome>, id: &str| match outcome {
            Some(writes::Outcome::Done { status, body }) => match body {
                Some(body) => Reply::json(status, &body),
                None => Reply::raw(status, "application/json", Vec::new()),
            },
            Some(writes::Outcome::Refused { status, code, message, extra }) => aws_error(status, code, &message, extra),
            None => not_found(id, "FuotaTask"),
        };
        match operation {
            "CreateFuotaTask" => {
                let reply = written(Some(created.create(req.body, region, now, self.new_id("task"))), "");
                // The answer of a create that worked, lost on the way the first time: a client
                // must send it again with the same token and end with one task.
                let lost = std::str::from_utf8(req.body).is_ok_and(|b| b.contains("fault-drop-answer"));
                if lost && reply.status == 201 && self.first_time(&format!("drop:{}", String::from_utf8_lossy(req.body))) {
                    return Reply { dropped: true, ..reply };
                }
                reply
            }
            "UpdateFuotaTask" => written(created.update(&id, req.body, now), &id),
            "StartFuotaTask" => written(created.start(&id, req.body, now), &id),
            "DeleteFuotaTask" => written(created.delete(&id, now), &id),
            "AssociateMulticastGroupWithFuotaTask" => written(created.associate(&id, req.body, true, now), &id),
            "AssociateWirelessDeviceWithFuotaTask" => {
                // A `fault-throttled-*` device: its first calls are throttled, counted per device,
                // so that a client's batch must retry that one and carry on with the others.
                if let Some(device) = throttled_device(req.body) {
                    if self.times_seen(&format!("associate:{device}")) <= campaign::THROTTLED_ASSOCIATES {
                        return aws_error(429, "ThrottlingException", "Rate exceeded", json!({}));
                    }
                }
                written(created.associate(&id, req.body, false, now), &id)
            }
            "DisassociateMulticastGroupFromFuotaTask" => written(created.disassociate(&id, &item, true, now), &id),
            "DisassociateWirelessDeviceFromFuotaTask" => written(created.disassociate(&id, &item, false, now), &id),
            "CreateMulticastGroup" => written(Some(created.create_group(req.body, region, now, self.new_id("group"))), ""),
            "AssociateWirelessDeviceWithMulticastGroup" => match id_too_long(&id) {
                Some(refusal) => refusal,
                None => written(Some(created.join_group(&id, req.body)), &id),
            },
            "DisassociateWirelessDeviceFromMulticastGroup" => match id_too_long(&id) {
                Some(refusal) => refusal,
                None => written(Some(created.leave_group(&id, &item)), &id),
            },
            "DeleteMulticastGroup" => match id_too_long(&id) {
                Some(refusal) => refusal,
                None => written(Some(created.delete_group(&id, region, now)), &id),
            },
            "TagResource" | "UntagResource" | "ListTagsForResource" => {
                let Some(arn) = query.get("resourceArn") else {
                    return aws_error(
                        400,
                        "ValidationException",
                        "1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null",
                        json!({}),
                    );
                };
                let outcome = match operation {
                    "TagResource" => created.tag(arn, req.body, region, now),
                    // A query list: `tagKeys` once per key, as botocore sends it.
                    "UntagResource" => created.untag(arn, &query.all("tagKeys"), region, now),
                    _ => created.tags(arn, region, now),
                };
                written(Some(outcome), arn)
            }
            "ListMulticastGroups" => self.list_all_groups(&query, region),
            "ListFuotaTasks" => self.list_tasks(&query, region, now),
            "ListMulticastGroupsByFuotaTask" => self.list_groups_of_task(&id, &query, now),
            "ListWirelessDevices" => self.list_devices(&query, region, elapsed, now),
            "GetMulticastGroup" => match created.group(&id, region) {
                Some(group) => Reply::json(200, &group),
                None => not_found(&id, "MulticastGroup"),
            },
            "GetMulticastGroupSession" => match (created.group(&id, region), campaign::multicast_session(&id)) {
                (Some(_), Some(session)) => Reply::json(200, &session),
                (Some(_), None) => Reply::json(200, &json!({})),
                (None, _) => not_found(&id, "MulticastGroup"),
            },
            "GetWirelessDeviceStatistics" => match id_too_long(&id) {
                Some(refusal) => refusal,
                None => match links::statistics(&id, now) {
                    Some(statistics) => Reply::json(200, &statistics),
                    None => not_found(&id, "WirelessDevice"),
                },
            },
            "GetWirelessGateway" => get_gateway(&id, &query, region),
            "GetFuotaTask" if id == "fault-echo" => {
                // A debugging proxy that echoes the request: the page must not show what it sent.
                let echoed: Vec<String> = req.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
                aws_error(400, "ValidationException", &format!("Your request was: {}", echoed.join("; ")), json!({}))
            }
            "GetFuotaTask" => match created.task(&id, region, now) {
                Some(task) => Reply::json(200, &task),
                None => self.get_task(req, &id, region, elapsed),
            },
            _ => aws_error(404, "UnknownOperationException", "The requested operation is not supported by this endpoint.", json!({})),
        }
    }

    fn get_task(&self, req: &WireRequest, id: &str, region: &str, elapsed: f64) -> Reply {
        if id.chars().count() > 256 {
            return aws_error(
                400,
                "ValidationException",
                "1 validation error detected: Value at 'id' failed to satisfy constraint: Member must have length less than or equal to 256",
                json!({}),
            );
        }
        match id {
            "fault-throttle" => aws_error(429, "ThrottlingException", "Rate exceeded", json!({})),
            "fault-internal" => aws_error(500, "InternalServerException", "An internal error occurred.", json!({})),
            "fault-denied" => {
                aws_error(403, "AccessDeniedException", "User is not authorized to perform: iotwireless:GetFuotaTask on this resource", json!({}))
            }
            "fault-validation" => aws_error(400, "ValidationException", "The FUOTA task id is not valid.", json!({})),
            "fault-malformed" => Reply::raw(200, "application/json", br#"{"Id": "fault-malformed", "Status": "Pend"#.to_vec()),
            "fault-wrong-types" => Reply::json(200, &json!({"Id": "fault-wrong-types", "FragmentSizeBytes": "fifty", "CreatedAt": "yesterday"})),
            "fault-error-in-200" => {
                Reply::json(200, &json!({"__type": "com.amazonaws.iotwireless#InternalServerException", "message": "An error answered with status 200"}))
            }
            "fault-html" => {
                Reply::raw(502, "text/html", b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>".to_vec())
            }
            "fault-empty" => Reply::raw(503, "application/json", Vec::new()),
            "fault-huge" => Reply::json(200, &json!({"Id": "fault-huge", "Description": "x".repeat(1 << 20)})),
            "fault-huge-chunked" => Reply { chunked: true, ..Reply::json(200, &json!({"Id": "fault-huge-chunked", "Description": "x".repeat(4 << 20)})) },
            // A proxy that echoes the request's token into a header the console keeps.
            "fault-echo-header" => {
                let token = req.header("x-amz-security-token").unwrap_or_default();
                let mut reply = aws_error(400, "ValidationException", "The request id says it all.", json!({}));
                reply.headers.push(("x-amzn-RequestId".into(), format!("echo-{}", token.replace('-', "%2D"))));
                reply
            }
            // A proxy or load balancer that sends the client elsewhere: a browser that followed
            // it would carry the session token (it drops only Authorization) to that host.
            "fault-redirect" => {
                let mut reply = Reply::raw(307, "text/plain", b"Temporary Redirect".to_vec());
                reply.headers.push(("Location".into(), "http://127.0.0.1:9/collect-the-token".into()));
                reply
            }
            "fault-slow" => {
                let mut reply = self.get_task(req, "demo-in-session", region, elapsed);
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
            // A listed task whose status fill is throttled the first time it is asked for.
            "demo-busy" if self.first_time("get:demo-busy") => aws_error(429, "ThrottlingException", "Rate exceeded", json!({})),
            _ => match tasks::campaign_tasks(region, elapsed).into_iter().find(|t| t["Id"] == id) {
                Some(task) => Reply::json(200, &task),
                None => not_found(id, "FuotaTask"),
            },
        }
    }

    /// ListFuotaTasks: the listed sample tasks, at most five a page (the service may return fewer
    /// than `maxResults`, and a client must follow `NextToken` anyway).
    fn list_tasks(&self, query: &Query, region: &str, now: SystemTime) -> Reply {
        let mut all: Vec<Value> = tasks::campaign_tasks(region, 0.0)
            .into_iter()
            .filter(tasks::is_listed)
            .map(|t| json!({"Id": t["Id"], "Arn": t["Arn"], "Name": t["Name"]}))
            .collect();
        // The tasks created here come after the samples.
        all.extend(self.created.listed(region, now));
        let (start, take) = match query.page("tasks", 5) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let rows: Vec<Value> = all.iter().skip(start).take(take).cloned().collect();
        paged(json!({"FuotaTaskList": rows}), "tasks", start + take, all.len())
    }

    /// ListMulticastGroupsByFuotaTask.
    fn list_groups_of_task(&self, task_id: &str, query: &Query, now: SystemTime) -> Reply {
        let groups: Vec<String> = match self.created.groups_of(task_id, now) {
            Some(groups) => groups,
            None if tasks::campaign_tasks("-", 0.0).iter().any(|t| t["Id"] == task_id) => {
                campaign::groups_of_task(task_id).iter().map(|g| (*g).to_owned()).collect()
            }
            None => return not_found(task_id, "FuotaTask"),
        };
        let (start, take) = match query.page(&format!("groups:{task_id}"), usize::MAX) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let rows: Vec<Value> = groups.iter().skip(start).take(take).map(|g| json!({"Id": g})).collect();
        paged(json!({"MulticastGroupList": rows}), &format!("groups:{task_id}"), start + take, groups.len())
    }

    /// ListMulticastGroups: every group of the account (the samples, then those created here), to
    /// pick from.
    fn list_all_groups(&self, query: &Query, region: &str) -> Reply {
        let all: Vec<Value> = self.created.groups_listed(region);
        let (start, take) = match query.page("all-groups", usize::MAX) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let rows: Vec<Value> = all.iter().skip(start).take(take).cloned().collect();
        paged(json!({"MulticastGroupList": rows}), "all-groups", start + take, all.len())
    }

    /// ListWirelessDevices, by `fuotaTaskId`, `multicastGroupId` or `deviceProfileId`, or with
    /// none every device of the account (what a client maps DevEUIs to device ids with). Every
    /// third page is short, as the service's can be. The `fault-devices-*` tasks break on their
    /// second page.
    fn list_devices(&self, query: &Query, region: &str, elapsed: f64, now: SystemTime) -> Reply {
        let task = query.get("fuotaTaskId");
        let group = query.get("multicastGroupId");
        let profile = query.get("deviceProfileId");
        if [task, group, profile].iter().filter(|f| f.is_some()).count() > 1 {
            return aws_error(400, "ValidationException", "Specify one of fuotaTaskId, multicastGroupId and deviceProfileId, not several.", json!({}));
        }
        // A task created here lists the devices associated with it, each with its status now.
        if let Some(devices) = task.and_then(|t| self.created.devices_of(t, now)) {
            let kind = format!("devices:created:{}", task.unwrap_or_default());
            let (start, take) = match query.page(&kind, usize::MAX) {
                Ok(p) => p,
                Err(reply) => return reply,
            };
            let rows: Vec<Value> = devices
                .iter()
                .skip(start)
                .take(take)
                .map(|(id, status)| {
                    // The device as the account knows it (its DevEUI, when it is a sample one),
                    // with its status in this task.
                    let mut row = campaign::device_row(id, region);
                    row["FuotaDeviceStatus"] = json!(status);
                    row
                })
                .collect();
            return paged(json!({"WirelessDeviceList": rows}), &kind, start + take, devices.len());
        }
        let (kind, members): (String, Vec<(&str, usize)>) = match (task, group, profile) {
            (Some(t), _, _) => (format!("devices:task:{t}"), (0..campaign::device_count(t)).map(|n| (t, n)).collect()),
            // A group's devices as they are now (a group created here, or a sample one a device
            // joined or left). A `fault-throttled-*` device has no roster to list it from: it
            // exists to throttle a task's associations, and is left out here.
            (None, Some(g), _) => {
                (format!("devices:group:{g}"), self.created.group_devices(g).unwrap_or_default().iter().filter_map(|d| campaign::account_device(d)).collect())
            }
            (None, None, Some(p)) => (format!("devices:profile:{p}"), campaign::profile_members(p)),
            (None, None, None) => ("devices:all".to_owned(), campaign::account_devices()),
        };
        let (start, take) = match query.page(&kind, usize::MAX) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let page_index = start / query.max_results().max(1);
        let take = if page_index % 3 == 1 { take.saturating_sub(7).max(1) } else { take };
        let fault = task.filter(|t| t.starts_with("fault-devices-")).unwrap_or("");
        if start > 0 {
            match fault {
                "fault-devices-throttle-once" if self.first_time(&format!("{kind}:{start}")) => {
                    return aws_error(429, "ThrottlingException", "Rate exceeded", json!({}))
                }
                "fault-devices-malformed" => {
                    return Reply::raw(200, "application/json", br#"{"WirelessDeviceList": [{"Id": "fault-devices-malformed-dev-0"#.to_vec())
                }
                "fault-devices-denied" => {
                    return aws_error(
                        403,
                        "AccessDeniedException",
                        "User is not authorized to perform: iotwireless:ListWirelessDevices on this resource",
                        json!({}),
                    )
                }
                _ => {}
            }
        }
        let mut rows: Vec<Value> = members
            .iter()
            .skip(start)
            .take(take)
            .map(|(t, n)| match task.or(group) {
                Some(_) => campaign::device_at(t, *n, region, elapsed, group),
                // Unfiltered or by profile: the device without a task's status.
                None => campaign::account_row(t, *n, region),
            })
            .collect();
        if fault == "fault-devices-wrong-types" {
            if let Some(row) = rows.get_mut(1) {
                row["McGroupId"] = json!("seven");
            }
        }
        if fault == "fault-devices-endless" {
            // A list that never ends: every page is empty and names a new page after it.
            return paged(json!({"WirelessDeviceList": []}), &kind, start + 1, usize::MAX);
        }
        let mut reply = paged(json!({"WirelessDeviceList": rows}), &kind, start + take, members.len());
        if fault == "fault-devices-loop" && start > 0 {
            // The second page names the first page's token again: a client that follows it loops.
            reply = paged(json!({"WirelessDeviceList": []}), &kind, start, members.len());
        }
        reply
    }
}

/// The WirelessDeviceId of an Associate body when it names a `fault-throttled-*` device.
fn throttled_device(body: &[u8]) -> Option<String> {
    let body: Value = serde_json::from_slice(body).ok()?;
    let id = body.get("WirelessDeviceId")?.as_str()?;
    id.starts_with(campaign::THROTTLED_DEVICE_PREFIX).then(|| id.to_owned())
}

/// The service's refusal of a path id over the model's 256 characters.
fn id_too_long(id: &str) -> Option<Reply> {
    (id.chars().count() > 256).then(|| {
        aws_error(
            400,
            "ValidationException",
            "1 validation error detected: Value at 'id' failed to satisfy constraint: Member must have length less than or equal to 256",
            json!({}),
        )
    })
}

/// GetWirelessGateway: `identifierType` is required and one of the model's three; the sample
/// gateways are found by id or by EUI (in any spelling), none by thing name.
fn get_gateway(identifier: &str, query: &Query, region: &str) -> Reply {
    if let Some(refusal) = id_too_long(identifier) {
        return refusal;
    }
    let kind = match query.get("identifierType") {
        None => {
            return aws_error(400, "ValidationException", "1 validation error detected: Value null at 'identifierType' failed to satisfy constraint: Member must not be null", json!({}))
        }
        Some(kind @ ("WirelessGatewayId" | "GatewayEui" | "ThingName")) => kind,
        Some(other) => {
            return aws_error(
                400,
                "ValidationException",
                &format!("1 validation error detected: Value '{other}' at 'identifierType' failed to satisfy constraint: Member must satisfy enum value set: [GatewayEui, WirelessGatewayId, ThingName]"),
                json!({}),
            )
        }
    };
    match links::find_gateway(identifier, kind) {
        Some(gateway) => Reply::json(200, &links::gateway_answer(gateway, region)),
        None => not_found(identifier, "WirelessGateway"),
    }
}

fn not_found(id: &str, resource_type: &str) -> Reply {
    aws_error(404, "ResourceNotFoundException", &format!("Resource not found: {resource_type} {id}"), json!({"ResourceId": id, "ResourceType": resource_type}))
}

/// An opaque page token: the offset, checked against the list it belongs to. It holds `+`, `/`
/// and `=` on purpose, as real tokens (base64) do: a client must encode it in the query.
fn page_token(kind: &str, offset: usize) -> String {
    let check = Sha256::digest(format!("{kind}/{offset}").as_bytes());
    format!("{offset}+{}/=", hex::encode(&check[..6]))
}

fn read_page_token(kind: &str, token: &str) -> Option<usize> {
    let offset: usize = token.split('+').next()?.parse().ok()?;
    (page_token(kind, offset) == token).then_some(offset)
}

/// A list's page as JSON, with `NextToken` when items remain after `end`.
fn paged(mut body: Value, kind: &str, end: usize, total: usize) -> Reply {
    if end < total {
        body["NextToken"] = json!(page_token(kind, end));
    }
    Reply::json(200, &body)
}

/// The query string, decoded.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: &str) -> Result<Self, Reply> {
        let mut pairs = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().map(|c| c.into_owned());
            match (decode(k), decode(v)) {
                (Ok(k), Ok(v)) => pairs.push((k, v)),
                _ => return Err(aws_error(400, "ValidationException", "The query string is not valid UTF-8.", json!({}))),
            }
        }
        Ok(Self(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a query list (the name repeated, one value each), in the order sent.
    fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// `maxResults` (0..250 in the model; 0 or absent: the service's default of 10... here, 250).
    fn max_results(&self) -> usize {
        self.get("maxResults").and_then(|v| v.parse().ok()).filter(|n| (1..=250).contains(n)).unwrap_or(250)
    }

    /// Where the page starts and how many items it may hold, at most `cap`.
    fn page(&self, kind: &str, cap: usize) -> Result<(usize, usize), Reply> {
        if let Some(v) = self.get("maxResults") {
            if !matches!(v.parse::<usize>(), Ok(0..=250)) {
                return Err(aws_error(
                    400,
                    "ValidationException",
                    "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 250",
                    json!({}),
                ));
            }
        }
        let start = match self.get("nextToken").filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => match read_page_token(kind, token) {
                Some(offset) => offset,
                None => return Err(aws_error(400, "ValidationException", "The nextToken is not valid", json!({}))),
            },
        };
        Ok((start, self.max_results().min(cap)))
    }
}

#[cfg(test)]
mod tests;
