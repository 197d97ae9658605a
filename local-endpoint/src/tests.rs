//! The endpoint against botocore's signatures and the service's error shapes.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::*;

const VECTORS: &str = include_str!("../../tests/vectors/sigv4.json");

struct Signed {
    method: String,
    body: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    at: SystemTime,
}

fn from_vector(v: &Value) -> Signed {
    let url = v["url"].as_str().unwrap();
    let rest = url.split_once("://").unwrap().1;
    let (host, path_query) = rest.split_at(rest.find('/').unwrap());
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let mut headers = vec![("host".to_owned(), host.to_owned())];
    for (k, val) in v["headers"].as_object().unwrap() {
        headers.push((k.clone(), val.as_str().unwrap().to_owned()));
    }
    Signed {
        method: v["method"].as_str().unwrap_or("GET").to_owned(),
        body: v["body"].as_str().unwrap_or_default().to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        at: SystemTime::UNIX_EPOCH + Duration::from_secs(v["epoch_seconds"].as_u64().unwrap()),
    }
}

/// A request for the handlers that read nothing of it.
fn unsigned() -> WireRequest<'static> {
    WireRequest { method: "GET", raw_path: "/", raw_query: "", headers: &[], body: b"" }
}

fn vectors() -> Vec<Value> {
    let file: Value = serde_json::from_str(VECTORS).unwrap();
    file["vectors"].as_array().unwrap().clone()
}

fn identity_of(v: &Value) -> Identity {
    Identity {
        access_key_id: v["access_key_id"].as_str().unwrap().into(),
        secret_access_key: v["secret_access_key"].as_str().unwrap().into(),
        session_token: v["session_token"].as_str().map(Into::into),
        expired: false,
    }
}

fn check(s: &Signed, identity: &Identity, region: &str, now: SystemTime) -> Result<(), sigv4::AuthError> {
    let req = WireRequest { method: &s.method, raw_path: &s.path, raw_query: &s.query, headers: &s.headers, body: s.body.as_bytes() };
    sigv4::verify(&req, std::slice::from_ref(identity), "iotwireless", &[region.to_owned()], now).map(|_| ())
}

#[test]
fn botocore_signatures_verify() {
    for v in vectors() {
        let s = from_vector(&v);
        check(&s, &identity_of(&v), v["region"].as_str().unwrap(), s.at).unwrap_or_else(|e| panic!("{}: {e:?}", v["name"]));
    }
}

#[test]
fn tampering_is_an_invalid_signature() {
    for v in vectors() {
        let mut s = from_vector(&v);
        s.path.push('x');
        let e = check(&s, &identity_of(&v), v["region"].as_str().unwrap(), s.at).unwrap_err();
        assert_eq!(e.code, "InvalidSignatureException", "{}", v["name"]);
        assert!(e.message.contains("does not match"));
    }
    let v = &vectors()[0];
    let s = from_vector(v);
    let mut wrong_secret = identity_of(v);
    wrong_secret.secret_access_key.push('!');
    assert_eq!(check(&s, &wrong_secret, "us-east-1", s.at).unwrap_err().code, "InvalidSignatureException");
}

#[test]
fn skew_over_15_minutes_is_signature_expired_with_the_server_time() {
    let v = &vectors()[0];
    let s = from_vector(v);
    let late = s.at + Duration::from_secs(16 * 60);
    let e = check(&s, &identity_of(v), "us-east-1", late).unwrap_err();
    assert_eq!(e.code, "InvalidSignatureException");
    assert_eq!(e.message, "Signature expired: 20231114T221320Z is now earlier than 20231114T221420Z (20231114T222920Z - 15 min.)");
    let early = s.at - Duration::from_secs(16 * 60);
    let e = check(&s, &identity_of(v), "us-east-1", early).unwrap_err();
    assert!(e.message.starts_with("Signature not yet current: 20231114T221320Z is still later than"), "{}", e.message);
    assert!(check(&s, &identity_of(v), "us-east-1", s.at + Duration::from_secs(14 * 60)).is_ok());
}

#[test]
fn unknown_key_wrong_token_missing_auth_wrong_region() {
    let v = &vectors()[0];
    let s = from_vector(v);
    let mut other = identity_of(v);
    other.access_key_id = "ASIAOTHEROTHEROTHER1".into();
    assert_eq!(check(&s, &other, "us-east-1", s.at).unwrap_err().code, "UnrecognizedClientException");
    let mut other_token = identity_of(v);
    other_token.session_token = Some("another".into());
    assert_eq!(check(&s, &other_token, "us-east-1", s.at).unwrap_err().code, "UnrecognizedClientException");
    assert_eq!(check(&s, &identity_of(v), "eu-west-1", s.at).unwrap_err().code, "InvalidSignatureException");
    let mut unsigned = from_vector(v);
    unsigned.headers.retain(|(n, _)| n != "authorization");
    assert_eq!(check(&unsigned, &identity_of(v), "us-east-1", s.at).unwrap_err().code, "MissingAuthenticationTokenException");
    let mut mangled = from_vector(v);
    mangled.headers.iter_mut().filter(|(n, _)| n == "authorization").for_each(|(_, val)| *val = "AWS4-HMAC-SHA256 Credential=x".into());
    assert_eq!(check(&mangled, &identity_of(v), "us-east-1", s.at).unwrap_err().code, "IncompleteSignatureException");
}

fn demo_vector() -> Value {
    vectors().into_iter().find(|v| v["name"] == "local-endpoint-port").unwrap()
}

fn endpoint_reply(endpoint: &Endpoint, v: &Value, method: &str) -> Reply {
    let s = from_vector(v);
    let req = WireRequest { method, raw_path: &s.path, raw_query: &s.query, headers: &s.headers, body: b"" };
    endpoint.handle(&req, s.at)
}

#[test]
fn signed_request_gets_the_sample_task_with_aws_headers() {
    let endpoint = Endpoint::new(Config::default());
    let reply = endpoint_reply(&endpoint, &demo_vector(), "GET");
    assert_eq!(reply.status, 200);
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["Id"], "demo-in-session");
    assert_eq!(body["Status"], "In_FuotaSession");
    assert!(body["CreatedAt"].is_f64());
    assert!(reply.header("x-amzn-RequestId").is_some_and(|id| id.len() == 36));
    assert!(reply.header("Access-Control-Expose-Headers").unwrap().contains("x-amzn-ErrorType"));
}

#[test]
fn errors_carry_the_code_in_header_and_body() {
    let endpoint = Endpoint::new(Config { clock_skew_seconds: 3600, ..Config::default() });
    let reply = endpoint_reply(&endpoint, &demo_vector(), "GET");
    assert_eq!(reply.status, 403);
    assert!(reply.header("x-amzn-ErrorType").unwrap().starts_with("InvalidSignatureException:"));
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert!(body["message"].as_str().unwrap().starts_with("Signature expired"));
}

#[test]
fn a_signed_list_request_is_verified_and_a_foreign_token_refused() {
    let endpoint = Endpoint::new(Config::default());
    let v = vectors().into_iter().find(|v| v["name"] == "list-with-query").unwrap();
    let reply = endpoint_reply(&endpoint, &v, "GET");
    assert_eq!(reply.status, 400, "{}", String::from_utf8_lossy(&reply.body));
    assert!(reply.header("x-amzn-ErrorType").unwrap().starts_with("ValidationException:"));
}

fn body_of(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    serde_json::from_slice(&reply.body).unwrap()
}

/// Follows NextToken through a list, as a client must; returns every item and the page sizes.
fn walk(list: &str, mut page: impl FnMut(&Query) -> Reply, base_query: &str) -> (Vec<Value>, Vec<usize>) {
    let (mut items, mut sizes, mut token) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let raw = match &token {
            Some(t) => format!("{base_query}&nextToken={}", percent_encoding::utf8_percent_encode(t, percent_encoding::NON_ALPHANUMERIC)),
            None => base_query.to_owned(),
        };
        let body = body_of(&page(&Query::parse(&raw).unwrap()));
        let rows = body[list].as_array().unwrap().clone();
        sizes.push(rows.len());
        items.extend(rows);
        match body["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return (items, sizes),
        }
        assert!(sizes.len() < 100, "the list never ends");
    }
}

#[test]
fn the_task_list_pages_in_fives_and_leaves_out_the_fault_tasks() {
    let endpoint = Endpoint::new(Config::default());
    let (tasks, sizes) = walk("FuotaTaskList", |q| endpoint.list_tasks(q, "us-east-1", SystemTime::now()), "maxResults=250");
    assert!(sizes.iter().all(|n| *n <= 5) && sizes.len() >= 2, "{sizes:?}");
    let ids: Vec<&str> = tasks.iter().map(|t| t["Id"].as_str().unwrap()).collect();
    for id in ["demo-in-session", "demo-live", "demo-10k", "demo-minimal"] {
        assert!(ids.contains(&id), "{id} listed");
    }
    assert!(!ids.iter().any(|id| id.starts_with("fault-")));
    assert!(tasks.iter().all(|t| t.get("Status").is_none()), "the list carries no status");
}

#[test]
fn ten_thousand_devices_come_in_short_and_full_pages_with_tokens_that_need_encoding() {
    let endpoint = Endpoint::new(Config::default());
    let (devices, sizes) = walk("WirelessDeviceList", |q| endpoint.list_devices(q, "us-east-1", 0.0, SystemTime::now()), "fuotaTaskId=demo-10k&maxResults=250");
    assert_eq!(devices.len(), campaign::BIG_TASK_DEVICES);
    assert!(sizes.contains(&243) && sizes.contains(&250), "{sizes:?}");
    let ids: HashSet<&str> = devices.iter().map(|d| d["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), devices.len());
    let first = body_of(&endpoint.list_devices(&Query::parse("fuotaTaskId=demo-10k").unwrap(), "us-east-1", 0.0, SystemTime::now()));
    assert!(first["NextToken"].as_str().unwrap().contains('+'));
}

#[test]
fn demo_in_session_has_every_status_and_its_group_lists_some_devices_again() {
    let endpoint = Endpoint::new(Config::default());
    let (devices, _) = walk("WirelessDeviceList", |q| endpoint.list_devices(q, "us-east-1", 0.0, SystemTime::now()), "fuotaTaskId=demo-in-session");
    let statuses: HashSet<&str> = devices.iter().filter_map(|d| d["FuotaDeviceStatus"].as_str()).collect();
    assert!(campaign::DEVICE_STATUSES.iter().all(|s| statuses.contains(s)), "{statuses:?}");
    let (groups, _) = walk("MulticastGroupList", |q| endpoint.list_groups_of_task("demo-in-session", q, SystemTime::now()), "");
    assert_eq!(groups, vec![serde_json::json!({"Id": campaign::CLASS_C_GROUP})]);
    let (members, _) =
        walk("WirelessDeviceList", |q| endpoint.list_devices(q, "us-east-1", 0.0, SystemTime::now()), &format!("multicastGroupId={}", campaign::CLASS_C_GROUP));
    let task_ids: HashSet<&str> = devices.iter().map(|d| d["Id"].as_str().unwrap()).collect();
    assert!(members.iter().filter(|m| task_ids.contains(m["Id"].as_str().unwrap())).count() >= 2, "overlap to de-duplicate");
    assert!(members.iter().all(|m| m["McGroupId"] == 1));
    assert_eq!(endpoint.list_groups_of_task("nope", &Query::parse("").unwrap(), SystemTime::now()).status, 404);
}

#[test]
fn demo_live_moves_from_pending_to_done() {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let endpoint = Endpoint::started_at(Config::default(), start);
    let status_at = |secs: f64| {
        let elapsed = endpoint.live_elapsed(start + Duration::from_secs_f64(secs));
        body_of(&endpoint.get_task(&unsigned(), "demo-live", "us-east-1", elapsed))["Status"].as_str().unwrap().to_owned()
    };
    assert_eq!(status_at(0.0), "Pending");
    assert_eq!(status_at(campaign::LIVE_WAITING_AT), "FuotaSession_Waiting");
    assert_eq!(status_at(campaign::LIVE_SESSION_AT + 1.0), "In_FuotaSession");
    assert_eq!(status_at(campaign::LIVE_DONE_AT), "FuotaDone");
}

#[test]
fn device_list_faults_break_the_second_page() {
    let endpoint = Endpoint::new(Config::default());
    let page = |task: &str, token: Option<String>| {
        let raw = match token {
            Some(t) => format!("fuotaTaskId={task}&nextToken={}", percent_encoding::utf8_percent_encode(&t, percent_encoding::NON_ALPHANUMERIC)),
            None => format!("fuotaTaskId={task}"),
        };
        endpoint.list_devices(&Query::parse(&raw).unwrap(), "us-east-1", 0.0, SystemTime::now())
    };
    let token_of = |r: &Reply| body_of(r)["NextToken"].as_str().unwrap().to_owned();
    let first = page("fault-devices-throttle-once", None);
    assert_eq!(page("fault-devices-throttle-once", Some(token_of(&first))).status, 429);
    assert_eq!(page("fault-devices-throttle-once", Some(token_of(&first))).status, 200);
    let first = page("fault-devices-malformed", None);
    assert!(serde_json::from_slice::<Value>(&page("fault-devices-malformed", Some(token_of(&first))).body).is_err());
    let first = page("fault-devices-loop", None);
    let token = token_of(&first);
    assert_eq!(token_of(&page("fault-devices-loop", Some(token.clone()))), token);
    assert_eq!(page("fault-devices-denied", Some(token_of(&page("fault-devices-denied", None)))).status, 403);
    assert_eq!(body_of(&page("fault-devices-wrong-types", None))["WirelessDeviceList"][1]["McGroupId"], "seven");
    assert_eq!(page("demo-10k", Some("12+bogus/=".into())).status, 400);
}

#[test]
fn groups_and_sessions_answer_like_the_service() {
    let endpoint = Endpoint::new(Config::default());
    let group = campaign::multicast_group(campaign::CLASS_C_GROUP, "us-east-1").unwrap();
    assert_eq!(group["LoRaWAN"]["DlClass"], "ClassC");
    assert_eq!(campaign::multicast_session(campaign::CLASS_C_GROUP).unwrap()["LoRaWAN"]["DlDr"], 3);
    assert!(campaign::multicast_group("nope", "us-east-1").is_none());
    let _ = endpoint;
}

#[test]
fn preflight_is_answered_and_can_be_switched_off() {
    let headers = vec![
        ("origin".to_owned(), "http://127.0.0.1:8080".to_owned()),
        ("access-control-request-headers".to_owned(), "authorization,x-amz-date,x-amz-security-token".to_owned()),
    ];
    let req = WireRequest { method: "OPTIONS", raw_path: "/fuota-tasks/x", raw_query: "", headers: &headers, body: b"" };
    let on = Endpoint::new(Config::default()).handle(&req, SystemTime::now());
    assert_eq!(on.status, 200);
    assert_eq!(on.header("Access-Control-Allow-Origin"), Some("http://127.0.0.1:8080"));
    assert_eq!(on.header("Access-Control-Allow-Headers"), Some("authorization,x-amz-date,x-amz-security-token"));
    let off = Endpoint::new(Config { cors: false, ..Config::default() }).handle(&req, SystemTime::now());
    assert!(off.header("Access-Control-Allow-Origin").is_none());
}

#[test]
fn once_faults_fail_the_first_time_only() {
    let endpoint = Endpoint::new(Config::default());
    assert_eq!(endpoint.get_task(&unsigned(), "fault-throttle-once-a", "us-east-1", 0.0).status, 429);
    let second = endpoint.get_task(&unsigned(), "fault-throttle-once-a", "us-east-1", 0.0);
    assert_eq!(second.status, 200);
    let body: Value = serde_json::from_slice(&second.body).unwrap();
    assert_eq!(body["Id"], "fault-throttle-once-a");
    assert_eq!(endpoint.get_task(&unsigned(), "fault-unavailable-once-b", "us-east-1", 0.0).status, 503);
    assert_eq!(endpoint.get_task(&unsigned(), "fault-unavailable-once-b", "us-east-1", 0.0).status, 200);
}

/// The faults the console's request path must survive: a list that never ends, a redirect.
#[test]
fn an_endless_list_names_a_new_page_every_time_and_a_redirect_points_elsewhere() {
    let endpoint = Endpoint::new(Config::default());
    let mut token = None::<String>;
    let mut seen = HashSet::new();
    for _ in 0..50 {
        let raw = match &token {
            Some(t) => format!("fuotaTaskId=fault-devices-endless&nextToken={}", percent_encoding::utf8_percent_encode(t, percent_encoding::NON_ALPHANUMERIC)),
            None => "fuotaTaskId=fault-devices-endless".to_owned(),
        };
        let body = body_of(&endpoint.list_devices(&Query::parse(&raw).unwrap(), "us-east-1", 0.0, SystemTime::now()));
        assert_eq!(body["WirelessDeviceList"], serde_json::json!([]));
        let next = body["NextToken"].as_str().expect("always a next page").to_owned();
        assert!(seen.insert(next.clone()), "a new token every time");
        token = Some(next);
    }
    let redirect = endpoint.get_task(&unsigned(), "fault-redirect", "us-east-1", 0.0);
    assert_eq!(redirect.status, 307);
    assert!(redirect.header("location").is_some_and(|l| l.starts_with("http://127.0.0.1:9/")));
}

/// The endpoint serves exactly the operations of the console's table, at the table's method and
/// path, and refuses what the table does not list.
#[test]
fn the_routes_are_the_operation_table() {
    use fuota_core::wire::operation::TABLE;
    assert_eq!(ROUTES.len(), TABLE.len());
    for spec in TABLE {
        let entry = (spec.method.as_str(), spec.path, spec.operation.name());
        assert!(ROUTES.contains(&entry), "{entry:?} is in the console's table, not served here");
        let sample: Vec<String> = spec.path.split('/').map(|p| if p.starts_with('{') { "x%2Fy".to_owned() } else { p.to_owned() }).collect();
        let sample = sample.join("/");
        let (name, labels) = route(spec.method.as_str(), &sample).unwrap();
        assert_eq!(name, spec.operation.name());
        assert_eq!(labels.len(), spec.path.matches('{').count());
    }
    assert_eq!(route("GET", "/wireless-devices/d1"), None, "GetWirelessDevice (it returns the device's keys)");
    assert_eq!(route("PATCH", "/fuota-tasks"), None);
    assert_eq!(route("GET", "/fuota-tasks//multicast-groups"), None);
    assert_eq!(allowed_methods(), "DELETE, GET, PATCH, POST, PUT, OPTIONS");
}

/// A request signed as botocore signs it (host, x-amz-date, the session token), with the demo
/// identity, answered by the endpoint at `at`: the operations' dispatch, faults included.
fn signed_reply(endpoint: &Endpoint, method: &str, path: &str, query: &str, body: &[u8], at: SystemTime) -> Reply {
    let headers = signed_headers(method, path, query, body, at, &["host", "x-amz-date", "x-amz-security-token"]);
    endpoint.handle(&WireRequest { method, raw_path: path, raw_query: query, headers: &headers, body }, at)
}

/// The headers of a request signed with the demo identity at `at`, naming `signed` (in that
/// order, repeats included) in SignedHeaders, over the endpoint's own canonical request: what a
/// client that signs as this verifier canonicalises would send.
fn signed_headers(method: &str, path: &str, query: &str, body: &[u8], at: SystemTime, signed: &[&str]) -> Vec<(String, String)> {
    use hmac::{Hmac, Mac};
    let hmac = |key: &[u8], data: &str| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let amz_date = sigv4::format_amz_date(at);
    let mut headers = vec![
        ("host".to_owned(), "127.0.0.1:8081".to_owned()),
        ("x-amz-date".to_owned(), amz_date.clone()),
        ("x-amz-security-token".to_owned(), DEMO_SESSION_TOKEN.to_owned()),
    ];
    let canonical = sigv4::canonical_request(&WireRequest { method, raw_path: path, raw_query: query, headers: &headers, body }, signed);
    let scope = format!("{}/us-east-1/iotwireless/aws4_request", &amz_date[..8]);
    let to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{DEMO_SECRET_ACCESS_KEY}").as_bytes(), &amz_date[..8]);
    for part in ["us-east-1", "iotwireless", "aws4_request"] {
        key = hmac(&key, part);
    }
    let signature = hex::encode(hmac(&key, &to_sign));
    headers.push((
        "authorization".to_owned(),
        format!("AWS4-HMAC-SHA256 Credential={DEMO_ACCESS_KEY_ID}/{scope}, SignedHeaders={}, Signature={signature}", signed.join(";")),
    ));
    headers
}

#[test]
fn the_unfiltered_device_list_is_every_device_of_the_account_once() {
    let endpoint = Endpoint::new(Config::default());
    let (devices, sizes) = walk("WirelessDeviceList", |q| endpoint.list_devices(q, "us-east-1", 0.0, SystemTime::now()), "maxResults=250");
    let ids: Vec<&str> = devices.iter().map(|d| d["Id"].as_str().unwrap()).collect();
    let eui_of: std::collections::HashMap<&str, &str> = devices.iter().map(|d| (d["Id"].as_str().unwrap(), d["LoRaWAN"]["DevEui"].as_str().unwrap())).collect();
    assert_eq!(eui_of.len(), ids.len(), "each device once");
    let rosters: usize = campaign::rosters().map(campaign::roster_size).sum();
    assert_eq!(ids.len(), rosters + 2, "every task's and fleet's devices and the two group-only ones");
    assert_eq!(ids.len(), 10_501);
    assert!(sizes.len() > 40 && sizes.contains(&243), "paged like the other lists: {sizes:?}");
    let allowed: HashSet<&str> = ["Arn", "Id", "Type", "Name", "DestinationName", "LastUplinkReceivedAt", "LoRaWAN"].into();
    for d in &devices {
        assert_eq!(d["Type"], "LoRaWAN");
        assert!(d["Name"].is_string() && d["Arn"].as_str().unwrap().ends_with(d["Id"].as_str().unwrap()), "{d}");
        assert!(d.as_object().unwrap().keys().all(|k| allowed.contains(k.as_str())), "no task's or group's view: {d}");
    }
    // The same ids and DevEUIs as each task's and each group's list.
    let by_profile = campaign::device_profiles().into_iter().map(|p| format!("deviceProfileId={p}"));
    for query in campaign::DEVICE_TASKS
        .iter()
        .map(|t| format!("fuotaTaskId={t}"))
        .chain(campaign::GROUPS.iter().map(|g| format!("multicastGroupId={g}")))
        .chain(by_profile)
    {
        let (listed, _) = walk("WirelessDeviceList", |q| endpoint.list_devices(q, "us-east-1", 0.0, SystemTime::now()), &format!("{query}&maxResults=250"));
        for d in &listed {
            let id = d["Id"].as_str().unwrap();
            assert_eq!(eui_of.get(id).copied(), d["LoRaWAN"]["DevEui"].as_str(), "{query}: {id}");
        }
    }
    assert!(ids.iter().all(|id| campaign::is_known_device(id)), "every listed device can be associated");
    // A stable order: small pages give the same devices in the same order.
    let first = body_of(&endpoint.list_devices(&Query::parse("maxResults=5").unwrap(), "us-east-1", 0.0, SystemTime::now()));
    let token = first["NextToken"].as_str().unwrap();
    let raw = format!("maxResults=5&nextToken={}", percent_encoding::utf8_percent_encode(token, percent_encoding::NON_ALPHANUMERIC));
    let second = body_of(&endpoint.list_devices(&Query::parse(&raw).unwrap(), "us-east-1", 0.0, SystemTime::now()));
    let small: Vec<&str> = first["WirelessDeviceList"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["WirelessDeviceList"].as_array().unwrap())
        .map(|d| d["Id"].as_str().unwrap())
        .collect();
    assert_eq!(small, ids[..small.len()]);
    // Through the wire too (signed, routed).
    let reply = signed_reply(&endpoint, "GET", "/wireless-devices", "maxResults=3", b"", SystemTime::now());
    assert_eq!(body_of(&reply)["WirelessDeviceList"].as_array().unwrap().len(), 3);
}

#[test]
fn associating_an_unknown_device_is_not_found_and_a_throttled_one_retries() {
    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    let body = br#"{"FirmwareUpdateImage":"s3://fw/v2.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota"}"#;
    let made = signed_reply(&endpoint, "POST", "/fuota-tasks", "", body, now);
    assert_eq!(made.status, 201);
    // The task made here, after the demo rollouts' tasks.
    let id = serde_json::from_slice::<Value>(&made.body).unwrap()["Id"].as_str().unwrap().to_owned();
    assert_eq!(endpoint.created.listed("us-east-1", now).last().unwrap()["Id"], id.as_str());
    let path = format!("/fuota-tasks/{id}/wireless-device");
    let associate = |device: &str| signed_reply(&endpoint, "PUT", &path, "", format!(r#"{{"WirelessDeviceId":"{device}"}}"#).as_bytes(), now);

    let unknown = associate("dev-1");
    assert_eq!(unknown.status, 404);
    assert!(unknown.header("x-amzn-ErrorType").unwrap().starts_with("ResourceNotFoundException:"));
    let body: Value = serde_json::from_slice(&unknown.body).unwrap();
    assert_eq!((body["ResourceId"].as_str(), body["ResourceType"].as_str()), (Some("dev-1"), Some("WirelessDevice")));

    // Counted per device: three throttles each, then associated; the others go through meanwhile.
    for _ in 0..campaign::THROTTLED_ASSOCIATES {
        let reply = associate("fault-throttled-a");
        assert_eq!(reply.status, 429);
        assert!(reply.header("x-amzn-ErrorType").unwrap().starts_with("ThrottlingException:"));
        assert_eq!(serde_json::from_slice::<Value>(&reply.body).unwrap()["message"], "Rate exceeded");
        assert_eq!(associate("demo-done-dev-00001").status, 204);
    }
    assert_eq!(associate("fault-throttled-b").status, 429, "another device has its own count");
    assert_eq!(associate("fault-throttled-a").status, 204);
    assert_eq!(associate("fault-throttled-a").status, 204, "already there: left as it is");
    let devices: Vec<String> = endpoint.created.devices_of(&id, now).unwrap().into_iter().map(|(d, _)| d).collect();
    assert_eq!(devices, ["demo-done-dev-00001", "fault-throttled-a"]);
    let listed = body_of(&signed_reply(&endpoint, "GET", "/wireless-devices", &format!("fuotaTaskId={id}"), b"", now));
    assert_eq!(
        listed["WirelessDeviceList"][0]["LoRaWAN"]["DevEui"],
        body_of(&endpoint.list_devices(&Query::parse("fuotaTaskId=demo-done").unwrap(), "us-east-1", 0.0, now))["WirelessDeviceList"][1]["LoRaWAN"]["DevEui"]
    );
    assert_eq!(listed["WirelessDeviceList"][1]["FuotaDeviceStatus"], "Initial");
    let documented = tasks::FAULT_IDS.iter().find(|(id, _)| id.starts_with(campaign::THROTTLED_DEVICE_PREFIX)).unwrap().1;
    assert!(documented.contains(&format!("first {} ", campaign::THROTTLED_ASSOCIATES)), "{documented}");
}

/// The pre-flight check's reads, signed and routed: a device's statistics, the gateways the Class C
/// group names (each one found, some devices heard by none of them), and the service's errors.
#[test]
fn the_pre_flight_reads_answer_like_the_service() {
    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    let get = |path: &str, query: &str| signed_reply(&endpoint, "GET", path, query, b"", now);
    let error_of = |reply: &Reply| {
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        (reply.status, reply.header("x-amzn-ErrorType").unwrap().split(':').next().unwrap().to_owned(), body)
    };

    let stats = body_of(&get("/wireless-devices/demo-in-session-dev-00000/statistics", ""));
    assert_eq!(stats["WirelessDeviceId"], "demo-in-session-dev-00000");
    assert!(stats["LastUplinkReceivedAt"].is_string() && stats["LoRaWAN"]["DataRate"].is_u64(), "{stats}");
    let listed = body_of(&endpoint.list_devices(&Query::parse("fuotaTaskId=demo-in-session").unwrap(), "us-east-1", 0.0, now));
    assert_eq!(stats["LoRaWAN"]["DevEui"], listed["WirelessDeviceList"][0]["LoRaWAN"]["DevEui"], "the device's own DevEUI");
    let never = body_of(&get("/wireless-devices/demo-in-session-dev-00002/statistics", ""));
    assert_eq!(never, serde_json::json!({"WirelessDeviceId": "demo-in-session-dev-00002"}));
    assert_eq!(get("/wireless-devices/demo-10k-dev-09999/statistics", "").status, 200);
    let (status, code, body) = error_of(&get("/wireless-devices/no-such-device/statistics", ""));
    assert_eq!((status, code.as_str()), (404, "ResourceNotFoundException"));
    assert_eq!((body["ResourceId"].as_str(), body["ResourceType"].as_str()), (Some("no-such-device"), Some("WirelessDevice")));
    assert_eq!(error_of(&get(&format!("/wireless-devices/{}/statistics", "d".repeat(257)), "")).0, 400);
    assert_eq!(get("/wireless-devices/demo-in-session-dev-00000", "").status, 404, "GetWirelessDevice is not served");

    // The group's gateways: each one is found, in the group's band; one device heard by none.
    let group = body_of(&get("/multicast-groups/mcg-sensors-eu868", ""));
    let named: Vec<&str> = group["LoRaWAN"]["ParticipatingGateways"]["GatewayList"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert!(!named.is_empty() && named.len() <= 20);
    let mut euis = HashSet::new();
    for id in &named {
        let gateway = body_of(&get(&format!("/wireless-gateways/{id}"), "identifierType=WirelessGatewayId"));
        assert_eq!((gateway["Id"].as_str(), gateway["LoRaWAN"]["RfRegion"].as_str()), (Some(*id), Some("EU868")));
        assert!(gateway["Arn"].as_str().unwrap().ends_with(&format!(":WirelessGateway/{id}")) && gateway["Name"].is_string());
        euis.insert(links::normalise_eui(gateway["LoRaWAN"]["GatewayEui"].as_str().unwrap()).unwrap());
    }
    let heard_by_group = |n: usize| {
        let stats = body_of(&get(&format!("/wireless-devices/{}/statistics", campaign::device_id("demo-in-session", n)), ""));
        stats["LoRaWAN"]["Gateways"].as_array().map(|gs| gs.iter().any(|g| euis.contains(&links::normalise_eui(g["GatewayEui"].as_str().unwrap()).unwrap())))
    };
    assert_eq!(heard_by_group(0), Some(true));
    assert_eq!(heard_by_group(3), Some(false), "heard only by gateways the group does not name");
    assert_eq!(heard_by_group(2), None, "never joined");
    let class_b = body_of(&get("/multicast-groups/mcg-meters-us915", ""));
    assert_eq!(class_b["LoRaWAN"]["ParticipatingGateways"]["GatewayList"], serde_json::json!([]), "the service picks");

    // identifierType: required, one of the model's; by EUI in any spelling; unknown ids are 404.
    let by_eui = body_of(&get("/wireless-gateways/72%3A76%3Aff%3A00%3A0b%3A03%3A1f%3A52", "identifierType=GatewayEui"));
    assert_eq!(by_eui["Id"], "gw-eu868-2");
    let (status, code, body) = error_of(&get("/wireless-gateways/gw-eu868-1", ""));
    assert_eq!((status, code.as_str()), (400, "ValidationException"));
    assert!(body["message"].as_str().unwrap().contains("identifierType"), "{body}");
    let (status, code, _) = error_of(&get("/wireless-gateways/gw-eu868-1", "identifierType=Serial"));
    assert_eq!((status, code.as_str()), (400, "ValidationException"));
    for (id, kind) in [("gw-nowhere", "WirelessGatewayId"), ("gw-eu868-1", "ThingName"), ("gw-eu868-1", "GatewayEui")] {
        let (status, code, body) = error_of(&get(&format!("/wireless-gateways/{id}"), &format!("identifierType={kind}")));
        assert_eq!((status, code.as_str(), body["ResourceType"].as_str()), (404, "ResourceNotFoundException", Some("WirelessGateway")), "{id} {kind}");
    }
}

/// The message of an AWS error answer.
fn message_of(reply: &Reply) -> String {
    let body: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    body["message"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn paths_with_dot_or_empty_segments_are_refused_as_the_service_refuses_them() {
    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    // Signed over the normalised path (as botocore would sign it), sent as written: the verifier
    // must not accept a path it routes differently from the one it checked.
    for path in [
        "/fuota-tasks/./demo-in-session",
        "/fuota-tasks/x/../demo-in-session",
        "/fuota-tasks//demo-in-session",
        "//fuota-tasks/demo-in-session",
        "/fuota-tasks/demo-in-session/.",
        "/fuota-tasks/demo-in-session/..",
    ] {
        let reply = signed_reply(&endpoint, "GET", path, "", b"", now);
        assert_eq!(reply.status, 403, "{path}: {}", String::from_utf8_lossy(&reply.body));
        assert!(reply.header("x-amzn-ErrorType").unwrap().starts_with("InvalidSignatureException:"), "{path}");
        assert!(message_of(&reply).contains("normalised"), "{path}: {}", message_of(&reply));
    }
    // A write too: nothing is deleted through `..`.
    let reply = signed_reply(&endpoint, "DELETE", "/fuota-tasks/x/../../fuota-tasks/demo-pending", "", b"", now);
    assert_eq!(reply.status, 403);
    // The same requests, normalised, and a trailing slash (no empty segment), still verify.
    assert_eq!(signed_reply(&endpoint, "GET", "/fuota-tasks/demo-in-session", "", b"", now).status, 200);
    let trailing = signed_reply(&endpoint, "GET", "/fuota-tasks/", "", b"", now);
    assert_eq!(trailing.header("x-amzn-ErrorType").map(|t| t.split(':').next().unwrap()), Some("UnknownOperationException"));
    // Percent-encoded dots are data, as botocore signs them.
    assert_eq!(signed_reply(&endpoint, "GET", "/fuota-tasks/%2E%2E", "", b"", now).status, 404);
}

#[test]
fn signed_headers_out_of_order_or_twice_are_refused() {
    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    let path = "/fuota-tasks/demo-in-session";
    for (signed, problem) in [
        (&["x-amz-date", "host", "x-amz-security-token"][..], "'x-amz-date' comes before 'host'"),
        (&["host", "x-amz-security-token", "x-amz-date"][..], "'x-amz-security-token' comes before 'x-amz-date'"),
        (&["host", "host", "x-amz-date", "x-amz-security-token"][..], "'host' is named twice"),
        (&["host", "x-amz-date", "x-amz-date", "x-amz-security-token"][..], "'x-amz-date' is named twice"),
        (&["", "host", "x-amz-date", "x-amz-security-token"][..], "'' is not a lowercase header name"),
    ] {
        let headers = signed_headers("GET", path, "", b"", now, signed);
        let reply = endpoint.handle(&WireRequest { method: "GET", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now);
        assert_eq!(reply.status, 403, "{signed:?}");
        assert!(reply.header("x-amzn-ErrorType").unwrap().starts_with("InvalidSignatureException:"), "{signed:?}");
        assert!(message_of(&reply).contains(problem), "{signed:?}: {}", message_of(&reply));
    }
    // Sorted and each once: verified.
    let headers = signed_headers("GET", path, "", b"", now, &["host", "x-amz-date", "x-amz-security-token"]);
    assert_eq!(endpoint.handle(&WireRequest { method: "GET", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now).status, 200);
}

#[test]
fn cors_answers_the_sites_own_origins_and_the_configured_ones_only() {
    let now = SystemTime::now();
    let path = "/fuota-tasks/demo-in-session";
    let with_origin = |origin: Option<&str>| {
        let mut headers = signed_headers("GET", path, "", b"", now, &["host", "x-amz-date", "x-amz-security-token"]);
        headers.extend(origin.map(|o| ("origin".to_owned(), o.to_owned())));
        headers
    };
    let preflight_headers = |origin: &str| {
        vec![
            ("origin".to_owned(), origin.to_owned()),
            ("access-control-request-method".to_owned(), "DELETE".to_owned()),
            ("access-control-request-headers".to_owned(), "authorization,x-amz-date,x-amz-security-token".to_owned()),
        ]
    };
    let ask = |endpoint: &Endpoint, origin: &str| {
        let headers = with_origin(Some(origin));
        let get = endpoint.handle(&WireRequest { method: "GET", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now);
        let headers = preflight_headers(origin);
        let preflight = endpoint.handle(&WireRequest { method: "OPTIONS", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now);
        (get, preflight)
    };
    // The default: the site's own origins (the endpoint's --site on port 8080).
    let default = Endpoint::new(Config::default());
    for origin in ["http://127.0.0.1:8080", "http://localhost:8080"] {
        let (get, preflight) = ask(&default, origin);
        assert_eq!(get.status, 200);
        assert_eq!(get.header("Access-Control-Allow-Origin"), Some(origin));
        assert_eq!(preflight.status, 200);
        assert_eq!(preflight.header("Access-Control-Allow-Origin"), Some(origin));
        assert!(preflight.header("Access-Control-Allow-Methods").unwrap().contains("DELETE"));
    }
    // Any other page: the answer is the same, but a browser keeps it from the page, and the
    // preflight of a write fails, so no page the developer visits can change the tasks here.
    for origin in ["https://evil.example", "http://127.0.0.1:8081", "http://localhost:9999", "null", "http://127.0.0.1:80800"] {
        let (get, preflight) = ask(&default, origin);
        assert_eq!(get.status, 200, "{origin}");
        assert_eq!(get.header("Access-Control-Allow-Origin"), None, "{origin}");
        assert_eq!(preflight.status, 403, "{origin}");
        assert_eq!(preflight.header("Access-Control-Allow-Origin"), None, "{origin}");
        assert_eq!(preflight.header("Access-Control-Allow-Methods"), None, "{origin}");
        assert!(String::from_utf8_lossy(&preflight.body).contains("--cors-origin"), "{origin}");
    }
    // Without an Origin (botocore, curl): no CORS header at all.
    let headers = with_origin(None);
    assert_eq!(
        default.handle(&WireRequest { method: "GET", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now).header("Access-Control-Allow-Origin"),
        None
    );
    // --cors-origin adds origins; '*' lets every one in, as before.
    let portal = Endpoint::new(Config { cors_origins: vec!["http://127.0.0.1:4000".into()], ..Config::default() });
    assert_eq!(ask(&portal, "http://127.0.0.1:4000").1.header("Access-Control-Allow-Origin"), Some("http://127.0.0.1:4000"));
    assert_eq!(ask(&portal, "http://127.0.0.1:8080").1.header("Access-Control-Allow-Origin"), None, "configured origins replace the default");
    let any = Endpoint::new(Config { cors_origins: vec!["*".into()], ..Config::default() });
    assert_eq!(ask(&any, "https://evil.example").0.header("Access-Control-Allow-Origin"), Some("https://evil.example"));
    assert_eq!(
        any.handle(&WireRequest { method: "GET", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now).header("Access-Control-Allow-Origin"),
        Some("*")
    );
}

#[test]
fn cors_origins_are_checked_when_given() {
    assert_eq!(site_origins(4321), vec!["http://127.0.0.1:4321", "http://localhost:4321"]);
    for (given, kept) in [
        ("*", "*"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("HTTPS://Portal.Example", "https://portal.example"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ] {
        assert_eq!(parse_origin(given).as_deref(), Ok(kept), "{given}");
    }
    for bad in [
        "127.0.0.1:8080",
        "http://127.0.0.1:8080/",
        "http://127.0.0.1:8080/path",
        "ftp://x",
        "http://",
        "http://a:b",
        "http://a:123456",
        "http://[::1",
        "*.example",
    ] {
        assert!(parse_origin(bad).is_err(), "{bad}");
    }
}

/// The modules' `use` of one another (`crate::name` anywhere but in comments, test code
/// included), as a graph: it must have no cycle, so that each module can be read and changed
/// knowing only what it uses.
#[test]
fn the_modules_use_one_another_without_a_cycle() {
    let sources: &[(&str, &str)] = &[
        ("account", include_str!("account.rs")),
        ("campaign", include_str!("campaign.rs")),
        ("links", include_str!("links.rs")),
        ("rollouts", include_str!("rollouts.rs")),
        ("server", include_str!("server.rs")),
        ("sigv4", include_str!("sigv4.rs")),
        ("site", include_str!("site.rs")),
        ("tagging", include_str!("tagging.rs")),
        ("tasks", include_str!("tasks.rs")),
        ("writes", include_str!("writes.rs")),
    ];
    let modules: Vec<&str> = sources.iter().map(|(m, _)| *m).collect();
    let declared: Vec<&str> = include_str!("lib.rs").lines().filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
    assert_eq!(declared, modules, "every module of lib.rs is in this test");
    let uses = |source: &str| -> Vec<&str> {
        let code: String = source.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
        let mut used = Vec::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            // `crate::{a, b::c}` names several.
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').map(|n| n.trim().split("::").next().unwrap_or("")).collect(),
                None => vec![rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("")],
            };
            used.extend(names.into_iter().filter_map(|n| modules.iter().find(|m| **m == n).copied()));
        }
        used.sort_unstable();
        used.dedup();
        used
    };
    let graph: Vec<(&str, Vec<&str>)> = sources.iter().map(|(m, s)| (*m, uses(s).into_iter().filter(|u| u != m).collect())).collect();
    // Depth-first: a module met again while still open closes a cycle.
    fn visit<'a>(m: &'a str, graph: &[(&'a str, Vec<&'a str>)], path: &mut Vec<&'a str>, done: &mut Vec<&'a str>, cycles: &mut Vec<String>) {
        if let Some(at) = path.iter().position(|p| *p == m) {
            cycles.push(format!("{} -> {m}", path[at..].join(" -> ")));
            return;
        }
        if done.contains(&m) {
            return;
        }
        path.push(m);
        for next in &graph.iter().find(|(n, _)| *n == m).unwrap().1 {
            visit(next, graph, path, done, cycles);
        }
        path.pop();
        done.push(m);
    }
    let (mut done, mut cycles) = (Vec::new(), Vec::new());
    for (m, _) in &graph {
        visit(m, &graph, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "{cycles:?}; uses: {graph:?}");
    assert!(graph.iter().any(|(m, u)| *m == "tasks" && u.contains(&"campaign")), "the scan sees uses: {graph:?}");
}

/// A rollout's operations, signed and routed as any other: a group made with tags, a device in
/// it, the tags of a task written, read and removed by ARN (`tagKeys` repeated in the query), a
/// fleet read by device profile, the group deleted; AWS-shaped errors and CORS as elsewhere.
#[test]
fn a_rollouts_operations_answer_like_the_service() {
    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    let call = |method: &str, path: &str, query: &str, body: &[u8]| signed_reply(&endpoint, method, path, query, body, now);
    let error_of = |reply: &Reply| {
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert!(body["message"].is_string(), "{body}");
        (reply.status, reply.header("x-amzn-ErrorType").unwrap().split(':').next().unwrap().to_owned(), body)
    };
    let encode = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();

    let create = br#"{"ClientRequestToken":"wave-1-token","Name":"wave-1","LoRaWAN":{"RfRegion":"EU868","DlClass":"ClassC"},"Tags":[{"Key":"fuota-rollout:wave","Value":"1"}]}"#;
    let made = call("POST", "/multicast-groups", "", create);
    assert_eq!(made.status, 201, "{}", String::from_utf8_lossy(&made.body));
    assert!(made.header("x-amzn-RequestId").is_some());
    let made: Value = serde_json::from_slice(&made.body).unwrap();
    let group = made["Id"].as_str().unwrap().to_owned();
    assert_eq!(made["Arn"], account::arn("us-east-1", "MulticastGroup", &group));
    assert_eq!(serde_json::from_slice::<Value>(&call("POST", "/multicast-groups", "", create).body).unwrap()["Id"], group.as_str(), "the token's group again");
    let (status, code, _) = error_of(&call("POST", "/multicast-groups", "", br#"{"LoRaWAN":{"RfRegion":"EU868","DlClass":"ClassA"}}"#));
    assert_eq!((status, code.as_str()), (400, "ValidationException"));

    let device = campaign::device_id(campaign::GOOD_FLEET.roster, 0);
    let joined = call("PUT", &format!("/multicast-groups/{group}/wireless-device"), "", format!(r#"{{"WirelessDeviceId":"{device}"}}"#).as_bytes());
    assert_eq!((joined.status, joined.body.len()), (204, 0));
    let (status, code, body) =
        error_of(&call("PUT", "/multicast-groups/no-such-group/wireless-device", "", format!(r#"{{"WirelessDeviceId":"{device}"}}"#).as_bytes()));
    assert_eq!((status, code.as_str(), body["ResourceType"].as_str()), (404, "ResourceNotFoundException", Some("MulticastGroup")));
    let (status, code, _) = error_of(&call("PUT", &format!("/multicast-groups/{group}/wireless-device"), "", br#"{"WirelessDeviceId":"demo-10k-dev-00000"}"#));
    assert_eq!((status, code.as_str()), (400, "ValidationException"), "another RF region");
    let read = body_of(&call("GET", &format!("/multicast-groups/{group}"), "", b""));
    assert_eq!((read["Name"].as_str(), read["LoRaWAN"]["NumberOfDevicesInGroup"].as_u64()), (Some("wave-1"), Some(1)));
    let members = body_of(&call("GET", "/wireless-devices", &format!("multicastGroupId={group}"), b""));
    assert_eq!(members["WirelessDeviceList"].as_array().unwrap().iter().map(|d| d["Id"].as_str().unwrap()).collect::<Vec<_>>(), [device.as_str()]);
    let listed = body_of(&call("GET", "/multicast-groups", "maxResults=250", b""));
    let ids: Vec<&str> = listed["MulticastGroupList"].as_array().unwrap().iter().map(|g| g["Id"].as_str().unwrap()).collect();
    assert!(ids.contains(&group.as_str()) && ids.contains(&campaign::GOOD_FLEET.group) && ids.contains(&campaign::CLASS_C_GROUP), "{ids:?}");

    // Tags by ARN: the ARN percent-encoded in the query, `tagKeys` once per key.
    let task_arn = account::arn("us-east-1", "FuotaTask", "demo-done");
    let arn_query = format!("resourceArn={}", encode(&task_arn));
    let tagged = call("POST", "/tags", &arn_query, br#"{"Tags":[{"Key":"a/b","Value":"1"},{"Key":"a.b","Value":"2"},{"Key":"keep","Value":"3"}]}"#);
    assert_eq!((tagged.status, tagged.body.len()), (204, 0), "{}", String::from_utf8_lossy(&tagged.body));
    let untagged = call("DELETE", "/tags", &format!("{arn_query}&tagKeys=a%2Fb&tagKeys=a.b"), b"");
    assert_eq!(untagged.status, 204, "{}", String::from_utf8_lossy(&untagged.body));
    assert_eq!(body_of(&call("GET", "/tags", &arn_query, b"")), serde_json::json!({"Tags": [{"Key": "keep", "Value": "3"}]}));
    let group_tags = body_of(&call("GET", "/tags", &format!("resourceArn={}", encode(made["Arn"].as_str().unwrap())), b""));
    assert_eq!(group_tags, serde_json::json!({"Tags": [{"Key": "fuota-rollout:wave", "Value": "1"}]}));
    let (status, code, body) = error_of(&call("GET", "/tags", "", b""));
    assert_eq!((status, code.as_str()), (400, "ValidationException"));
    assert!(body["message"].as_str().unwrap().contains("resourceArn"));
    let (status, code, _) = error_of(&call("DELETE", "/tags", &arn_query, b""));
    assert_eq!((status, code.as_str()), (400, "ValidationException"), "no tagKeys");
    let too_many: Vec<Value> = (0..50).map(|n| serde_json::json!({"Key": format!("k{n}"), "Value": ""})).collect();
    let (status, code, body) = error_of(&call("POST", "/tags", &arn_query, serde_json::json!({"Tags": too_many}).to_string().as_bytes()));
    assert_eq!((status, code.as_str(), body["ResourceName"].as_str()), (400, "TooManyTagsException", Some(task_arn.as_str())));
    let (status, code, body) =
        error_of(&call("GET", "/tags", &format!("resourceArn={}", encode(&account::arn("us-east-1", "FuotaTask", "no-such-task"))), b""));
    assert_eq!((status, code.as_str(), body["ResourceType"].as_str()), (404, "ResourceNotFoundException", Some("FuotaTask")));

    // A fleet by its device profile, paged like the other lists; one filter at a time.
    let (fleet, sizes) = walk(
        "WirelessDeviceList",
        |q| endpoint.list_devices(q, "us-east-1", 0.0, now),
        &format!("deviceProfileId={}&maxResults=25", campaign::BAD_FLEET.device_profile),
    );
    assert_eq!(fleet.len(), campaign::BAD_FLEET.devices);
    assert!(sizes.len() > 2 && fleet.iter().all(|d| d["Id"].as_str().unwrap().starts_with("fleet-bad-dev-") && d.get("FuotaDeviceStatus").is_none()));
    let by_profile = body_of(&call("GET", "/wireless-devices", &format!("deviceProfileId={}&maxResults=250", campaign::GOOD_FLEET.device_profile), b""));
    assert_eq!(by_profile["WirelessDeviceList"].as_array().unwrap().len(), 250);
    assert!(body_of(&call("GET", "/wireless-devices", "deviceProfileId=dp-none", b""))["WirelessDeviceList"].as_array().unwrap().is_empty());
    let (status, code, _) = error_of(&call("GET", "/wireless-devices", "deviceProfileId=dp-eu868&fuotaTaskId=demo-live", b""));
    assert_eq!((status, code.as_str()), (400, "ValidationException"));

    let left = call("DELETE", &format!("/multicast-groups/{group}/wireless-devices/{device}"), "", b"");
    assert_eq!(left.status, 204);
    assert_eq!(call("DELETE", &format!("/multicast-groups/{group}"), "", b"").status, 204);
    let (status, code, body) = error_of(&call("GET", &format!("/multicast-groups/{group}"), "", b""));
    assert_eq!((status, code.as_str(), body["ResourceId"].as_str()), (404, "ResourceNotFoundException", Some(group.as_str())));
    let (status, code, body) = error_of(&call("DELETE", &format!("/multicast-groups/{}", campaign::CLASS_C_GROUP), "", b""));
    assert_eq!((status, code.as_str(), body["ResourceType"].as_str()), (409, "ConflictException", Some("MulticastGroup")), "demo-in-session holds it");
    assert_eq!(error_of(&call("DELETE", &format!("/multicast-groups/{}", "g".repeat(257)), "", b"")).0, 400);

    // CORS as the other routes: a preflight for each new method and path from the site's origin.
    for (method, path) in [("POST", "/multicast-groups"), ("DELETE", "/tags"), ("PUT", "/multicast-groups/g1/wireless-device")] {
        let headers = vec![
            ("origin".to_owned(), "http://127.0.0.1:8080".to_owned()),
            ("access-control-request-method".to_owned(), method.to_owned()),
            ("access-control-request-headers".to_owned(), "authorization,content-type,x-amz-date,x-amz-security-token".to_owned()),
        ];
        let preflight = endpoint.handle(&WireRequest { method: "OPTIONS", raw_path: path, raw_query: "", headers: &headers, body: b"" }, now);
        assert_eq!(preflight.status, 200, "{method} {path}");
        assert!(preflight.header("Access-Control-Allow-Methods").unwrap().contains(method), "{method} {path}");
    }
}

/// The demo fleets as a pre-flight and a rollout read them: every device with a link, its group's
/// gateways found.
#[test]
fn the_demo_fleets_are_read_like_the_other_sample_devices() {
    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    for fleet in &campaign::FLEETS {
        let group = body_of(&signed_reply(&endpoint, "GET", &format!("/multicast-groups/{}", fleet.group), "", b"", now));
        assert_eq!((group["LoRaWAN"]["RfRegion"].as_str(), group["LoRaWAN"]["DlClass"].as_str()), (Some("EU868"), Some("ClassC")));
        assert_eq!(group["LoRaWAN"]["NumberOfDevicesInGroup"].as_u64(), Some(fleet.devices as u64));
        for gateway in group["LoRaWAN"]["ParticipatingGateways"]["GatewayList"].as_array().unwrap() {
            let path = format!("/wireless-gateways/{}", gateway.as_str().unwrap());
            assert_eq!(signed_reply(&endpoint, "GET", &path, "identifierType=WirelessGatewayId", b"", now).status, 200);
        }
        let last = campaign::device_id(fleet.roster, fleet.devices - 1);
        let stats = body_of(&signed_reply(&endpoint, "GET", &format!("/wireless-devices/{last}/statistics"), "", b"", now));
        assert_eq!(stats["WirelessDeviceId"], last.as_str());
        let session = body_of(&signed_reply(&endpoint, "GET", &format!("/multicast-groups/{}/session", fleet.group), "", b"", now));
        assert_eq!(session, serde_json::json!({}), "no session until a task runs one");
    }
}

/// Follows NextToken through a list of signed requests to `path`, as a client must.
fn signed_walk(endpoint: &Endpoint, path: &str, base_query: &str, list: &str, now: SystemTime) -> Vec<Value> {
    let (mut items, mut token, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let query = match &token {
            Some(t) => format!("{base_query}&nextToken={}", percent_encoding::utf8_percent_encode(t, percent_encoding::NON_ALPHANUMERIC)),
            None => base_query.to_owned(),
        };
        let body = body_of(&signed_reply(endpoint, "GET", path, &query, b"", now));
        items.extend(body[list].as_array().unwrap().iter().cloned());
        pages += 1;
        match body["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return items,
        }
        assert!(pages < 100, "the list never ends");
    }
}

/// The demo rollouts as the console's rollouts view will read them: ListFuotaTasks, each task's
/// tags (ListTagsForResource by its ARN), then the rollout tasks' GetFuotaTask and devices
/// (ListWirelessDevices by task), all signed and routed; the core rebuilds the rollouts from that
/// alone. The good one waits for its scheduled wave 2 after a canary that met its gate; the bad
/// one is held by its canary; the tags read back as the records written; the other sample tasks
/// are no rollouts.
#[test]
fn the_demo_rollouts_are_rebuilt_by_the_core_from_the_endpoints_answers() {
    use fuota_core::campaign::devices::FuotaDeviceStatus;
    use fuota_core::rollout::gate::DeviceState;
    use fuota_core::rollout::state::{reconstruct, NextStep, RolloutState, StartsAt, TaskInput};
    use fuota_core::rollout::tags::{self as rollout_tags, WaveLabel};
    use fuota_core::wire::time::Timestamp;
    use fuota_core::TaskStatus;

    let endpoint = Endpoint::new(Config::default());
    let now = SystemTime::now();
    let encode = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    let tags_of = |arn: &str| -> Vec<(String, String)> {
        let body = body_of(&signed_reply(&endpoint, "GET", "/tags", &format!("resourceArn={}", encode(arn)), b"", now));
        body["Tags"].as_array().unwrap().iter().map(|t| (t["Key"].as_str().unwrap().to_owned(), t["Value"].as_str().unwrap().to_owned())).collect()
    };
    let timestamp = |t: SystemTime| Timestamp::from_epoch_millis(t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis() as i64).unwrap();

    let listed = signed_walk(&endpoint, "/fuota-tasks", "maxResults=250", "FuotaTaskList", now);
    let mut inputs: Vec<TaskInput> = Vec::new();
    let mut not_rollouts: Vec<String> = Vec::new();
    for task in &listed {
        let id = task["Id"].as_str().unwrap().to_owned();
        let tags = tags_of(task["Arn"].as_str().unwrap());
        if rollout_tags::read(&tags) == Ok(None) {
            not_rollouts.push(id);
            continue;
        }
        let full = body_of(&signed_reply(&endpoint, "GET", &format!("/fuota-tasks/{id}"), "", b"", now));
        let starts = full["LoRaWAN"]["StartTime"].as_str().map(|s| StartsAt { at: Timestamp::parse_iso8601(s).unwrap(), local: s.to_owned() });
        let devices = signed_walk(&endpoint, "/wireless-devices", &format!("fuotaTaskId={id}"), "WirelessDeviceList", now)
            .iter()
            .map(|d| DeviceState { id: d["Id"].as_str().unwrap().to_owned(), status: d["FuotaDeviceStatus"].as_str().map(FuotaDeviceStatus::parse) })
            .collect();
        inputs.push(TaskInput { id, tags, status: TaskStatus::parse(full["Status"].as_str().unwrap()), starts, devices });
    }
    let ids: Vec<&str> = inputs.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["demo-rollout-good-w1", "demo-rollout-good-w2", "demo-rollout-bad-w1"], "listed after the samples, in the order made");
    for sample in ["demo-in-session", "demo-done", "demo-live", "demo-10k", "demo-minimal"] {
        assert!(not_rollouts.iter().any(|t| t == sample), "{sample} is listed and no rollout: {not_rollouts:?}");
    }

    // The tags read back exactly: the records the core wrote, key for key, in its order.
    for demo in &rollouts::DEMOS {
        let (_, assignment) = demo.plan().unwrap();
        for (n, record, devices) in demo.waves_made().unwrap() {
            let input = inputs.iter().find(|t| t.id == rollouts::task_id(demo.id, n)).unwrap();
            assert_eq!(input.tags, record.tags(), "{}", input.id);
            assert_eq!(rollout_tags::read(&input.tags), Ok(Some(record.clone())), "{}", input.id);
            assert_eq!(devices, assignment.waves[n as usize - 1], "the core's assignment");
            let mut listed: Vec<String> = input.devices.iter().map(|d| d.id.clone()).collect();
            listed.sort();
            assert_eq!(listed, devices, "{}: its devices are its wave's", input.id);
            let group_arn = account::arn("us-east-1", "MulticastGroup", &rollouts::group_id(demo.id, n));
            if n == demo.made && n > 1 {
                // The scheduled wave's group: its tags, its devices.
                assert_eq!(tags_of(&group_arn), record.tags());
                let members =
                    signed_walk(&endpoint, "/wireless-devices", &format!("multicastGroupId={}", rollouts::group_id(demo.id, n)), "WirelessDeviceList", now);
                let mut members: Vec<String> = members.iter().map(|d| d["Id"].as_str().unwrap().to_owned()).collect();
                members.sort();
                assert_eq!(members, devices);
            } else {
                // A finished wave's group was deleted; its task keeps the devices it reached.
                let gone = signed_reply(&endpoint, "GET", "/tags", &format!("resourceArn={}", encode(&group_arn)), b"", now);
                assert_eq!(gone.status, 404, "{}", String::from_utf8_lossy(&gone.body));
            }
        }
    }

    let rebuilt = reconstruct(&inputs, timestamp(now));
    assert_eq!(rebuilt.len(), 2, "{rebuilt:?}");
    let of = |id: &str| rebuilt.iter().find(|r| r.id.as_ref().map(|i| i.as_str()) == Some(id)).unwrap();

    let good = of(rollouts::GOOD.id);
    assert!(good.problems.is_empty() && good.notes.is_empty(), "{good:?}");
    assert_eq!(good.state, RolloutState::Waiting, "{}", good.sentence);
    assert_eq!(good.next, NextStep::Wait);
    assert!(good.sentence.starts_with("waiting: wave 2 starts at"), "{}", good.sentence);
    let plan = good.plan.as_ref().unwrap();
    assert_eq!((plan.seed, plan.sizes.tag_value().as_str(), plan.gate.success_percent(), plan.gate.error_percent()), (rollouts::SEED, "1p/10p/rest", 95, 10));
    let [canary, second] = &good.waves[..] else { panic!("{:?}", good.waves) };
    assert_eq!((canary.label, &canary.status, canary.devices.len()), (WaveLabel::Planned(1), &TaskStatus::FuotaDone, 4));
    assert!(plan.gate.passes(&canary.tally) && canary.success_percent().unwrap() >= 95, "{:?}", canary.tally);
    assert_eq!((second.label, &second.status, second.devices.len(), second.tally.waiting), (WaveLabel::Planned(2), &TaskStatus::FuotaSessionWaiting, 40, 40));
    assert!(second.starts.as_ref().unwrap().at > timestamp(now), "scheduled ahead of the endpoint's clock");
    let first_device = campaign::device_id(campaign::GOOD_FLEET.roster, 0);
    assert!(good.waves.iter().flat_map(|w| &w.devices).all(|d| d.id != first_device), "the botocore write test's device is in no wave");

    let bad = of(rollouts::BAD.id);
    assert!(bad.problems.is_empty(), "{bad:?}");
    assert_eq!(bad.state, RolloutState::Held, "{}", bad.sentence);
    let [canary] = &bad.waves[..] else { panic!("{:?}", bad.waves) };
    assert_eq!(
        (canary.status.clone(), canary.tally.devices, canary.tally.succeeded, canary.tally.failed),
        (TaskStatus::FuotaDone, 6, 4, 2),
        "a third MissingFrag"
    );
    assert!(canary.devices.iter().all(|d| d.status == Some(FuotaDeviceStatus::Successful) || d.status == Some(FuotaDeviceStatus::MissingFrag)));
    assert_eq!(bad.sentence, "held: wave 1 reached 66 % of 95 %");
    assert!(matches!(bad.next, NextStep::Decide { follow_up: 2, go_on: Some(2) }), "{:?}", bad.next);

    // Written once: an endpoint started again on the same state leaves them as they are.
    endpoint.seed_demo_rollouts(now).unwrap();
    assert_eq!(signed_walk(&endpoint, "/fuota-tasks", "maxResults=250", "FuotaTaskList", now).len(), listed.len());
    assert!(Endpoint::with_store(Config::default(), writes::Store::new(12.0)).is_ok());
}
