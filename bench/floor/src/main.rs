//! The floor page (see Cargo.toml): one count that follows a keystroke, and one signed fetch.
//! Loading its module runs `main`, which mounts this page into `<body>`, wherever it is loaded.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

// The benchmark's fixed request, as in the console's `benchSign`.
const URL: &str = "https://api.iotwireless.us-east-1.amazonaws.com/fuota-tasks/demo-in-session";

fn identity(key: &str, secret: &str, token: &str) -> Identity {
    Credentials::new(key, secret, Some(token.to_owned()), None, "floor").into()
}

/// The signed headers of `GET url`, or None.
fn signed(url: &str, identity: &Identity, region: &str, time: SystemTime) -> Option<Vec<(String, String)>> {
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name("iotwireless")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .ok()?
        .into();
    let request = SignableRequest::new("GET", url, std::iter::empty(), SignableBody::Bytes(&[])).ok()?;
    let (instructions, _) = sign(request, &params).ok()?.into_parts();
    Some(instructions.headers().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
}

fn bench_identity() -> Identity {
    identity("ASIADEMOLOCALENDPOINT", "demo/local/endpoint/secret/key/not/a/real/one", "demo-local-session-token")
}

/// The JS signers' fixed time, 2026-11-26T08:00:00Z, so that the signatures can be compared.
fn bench_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_680_000_000)
}

/// Signs `iterations` requests with aws-sigv4 alone; total milliseconds (NaN on failure).
#[wasm_bindgen(js_name = benchSign)]
pub fn bench_sign(iterations: u32) -> f64 {
    let now = || web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(f64::NAN);
    let (identity, time) = (bench_identity(), bench_time());
    let started = now();
    for _ in 0..iterations {
        if signed(URL, &identity, "us-east-1", time).is_none() {
            return f64::NAN;
        }
    }
    now() - started
}

/// The Authorization header of the benchmark's request, checked against the reference signature.
#[wasm_bindgen(js_name = benchAuthorization)]
pub fn bench_authorization() -> Option<String> {
    let headers = signed(URL, &bench_identity(), "us-east-1", bench_time())?;
    headers.into_iter().find(|(k, _)| k == "authorization").map(|(_, v)| v)
}

/// Fetches `GET {endpoint}/fuota-tasks/{id}` signed with the given credentials; the task's Name.
async fn fetch_name(endpoint: String, id: String, key: String, secret: String, token: String) -> String {
    let url = format!("{endpoint}/fuota-tasks/{id}");
    let time = SystemTime::UNIX_EPOCH + Duration::from_millis(js_sys::Date::now() as u64);
    let Some(headers) = signed(&url, &identity(&key, &secret, &token), "us-east-1", time) else {
        return "cannot sign".into();
    };
    let mut request = gloo_net::http::Request::get(&url);
    for (k, v) in &headers {
        request = request.header(k, v);
    }
    let body = match request.send().await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(e) => return e.to_string(),
    };
    // Parsed by the browser, as the console does (core/src/json.rs): no JSON parser in the wasm.
    match js_sys::JSON::parse(&body) {
        Ok(v) => js_sys::Reflect::get(&v, &JsValue::from_str("Name")).ok().and_then(|n| n.as_string()).unwrap_or_else(|| "(no Name)".into()),
        Err(_) => "not JSON".into(),
    }
}

#[component]
fn Floor() -> impl IntoView {
    let size = RwSignal::new(String::from("995"));
    let total = move || size.with(|s| s.trim().parse::<u64>().ok()).map(|n| n.div_ceil(50).to_string());
    let field = |name: &'static str| {
        let value = RwSignal::new(String::new());
        (value, view! { <input name=name prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) /> })
    };
    let (endpoint, endpoint_input) = field("endpoint");
    let (id, id_input) = field("task-id");
    let (key, key_input) = field("access-key-id");
    let (secret, secret_input) = field("secret-access-key");
    let (token, token_input) = field("session-token");
    let name = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let args = (endpoint.get(), id.get(), key.get(), secret.get(), token.get());
        leptos::task::spawn_local(async move { name.set(fetch_name(args.0, args.1, args.2, args.3, args.4).await) });
    };
    view! {
        <form on:submit=submit>
            {endpoint_input}{id_input}{key_input}{secret_input}{token_input}
            <button type="submit">"Get task"</button>
        </form>
        <output class="name">{move || name.get()}</output>
        <input name="firmware-size" prop:value=move || size.get() on:input=move |e| size.set(event_target_value(&e)) />
        <output data-calc="total-fragments" data-value=total>{move || total().unwrap_or_default()}</output>
    }
}

fn main() {
    mount_to_body(Floor);
}
