//! Browser tests (`wasm-pack test --headless --chrome`): the real browser clock, real fetches to
//! the real local endpoint, and the mounted app driven through its form.
//!
//! The endpoint's URL is baked in at compile time by `scripts/test.sh` (FUOTA_TEST_ENDPOINT).
#![cfg(target_arch = "wasm32")]
// The endpoints' URLs come from scripts/test.sh at compile time; a build without them (clippy,
// `cargo check`) must still compile, and a run without them says which is missing.
#![allow(clippy::option_env_unwrap)]

use fuota_console::browser::request::{self, SendOptions};
use fuota_console::browser::{clock, fetch, location};
use fuota_core::campaign::task::TaskAnswer;
use fuota_core::wire::connection::ConnectionForm;
use fuota_core::wire::credentials::CredentialSession;
use fuota_core::wire::response::{read_answer, HttpAnswer, JsonAnswer};
use fuota_core::wire::retry::{Progress, RetryPolicy};
use fuota_core::wire::signing::{sign_request, time_from_epoch_millis};
use fuota_core::{demo, Connection, ConsoleError, Operation, Request, TemporaryCredentials};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

fn endpoint() -> &'static str {
    // Every test asks for the endpoint before its first request: the browser keeps every request's
    // timing from then on, whichever test runs first (its default buffer stops at 250 entries).
    keep_every_resource_timing();
    option_env!("FUOTA_TEST_ENDPOINT").expect("FUOTA_TEST_ENDPOINT: run the browser tests through scripts/test.sh")
}

fn performance_call(name: &str, arg: &wasm_bindgen::JsValue) -> Option<wasm_bindgen::JsValue> {
    let performance = web_sys::window().and_then(|w| w.performance())?;
    js_sys::Reflect::get(&performance, &name.into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()).and_then(|f| f.call1(&performance, arg).ok())
}

fn keep_every_resource_timing() {
    performance_call("setResourceTimingBufferSize", &100_000.into());
}

/// The same endpoint with CORS switched off, as IoT Wireless is for pages on other origins.
fn no_cors_endpoint() -> &'static str {
    option_env!("FUOTA_TEST_NO_CORS_ENDPOINT").expect("FUOTA_TEST_NO_CORS_ENDPOINT: run through scripts/test.sh")
}

/// An endpoint whose clock is 30 minutes ahead and that does not expose `Date` to scripts.
fn skewed_endpoint() -> &'static str {
    option_env!("FUOTA_TEST_SKEWED_ENDPOINT").expect("FUOTA_TEST_SKEWED_ENDPOINT: run through scripts/test.sh")
}

/// An endpoint that claims to be 6 hours ahead: a host whose time the console must not sign for.
fn lying_endpoint() -> &'static str {
    option_env!("FUOTA_TEST_LYING_ENDPOINT").expect("FUOTA_TEST_LYING_ENDPOINT: run through scripts/test.sh")
}

/// The URLs this page has fetched so far (the browser's resource timing: what really went out).
/// The browser adds a fetch's entry in a task it queues after the response has ended, so a
/// fetch just awaited may not be listed yet: the callers wait through `settled_fetched_urls`.
fn fetched_urls() -> Vec<String> {
    keep_every_resource_timing();
    let entries = performance_call("getEntriesByType", &"resource".into()).map(|a| js_sys::Array::from(&a)).unwrap_or_default();
    entries.iter().filter_map(|e| js_sys::Reflect::get(&e, &"name".into()).ok()?.as_string()).collect()
}

/// The fetched URLs once `url` is among them, or after 3 s if it never is (a check that a URL
/// did not go out passes a URL that stands for "everything before now has been recorded": the
/// marker fetched last).
async fn fetched_urls_including(url: &str) -> Vec<String> {
    for _ in 0..60 {
        let fetched = fetched_urls();
        if fetched.iter().any(|u| u == url) {
            return fetched;
        }
        sleep(50).await;
    }
    fetched_urls()
}

/// The fetched URLs once everything fetched so far has been recorded: a marker URL is fetched
/// last and waited for (entries are queued in the order responses end, so the requests awaited
/// before it are listed by the time it is).
async fn settled_fetched_urls() -> Vec<String> {
    let marker = format!("{}/settled-{}", endpoint(), unique(""));
    // Unsigned, so the endpoint answers 403; the entry is recorded all the same.
    let promise = web_sys::window().expect("a window").fetch_with_str(&marker);
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    fetched_urls_including(&marker).await
}

/// The demo connection to the local endpoint, and the task to read.
#[derive(Clone)]
struct TaskRead {
    form: ConnectionForm,
    task_id: String,
}

fn demo_query(task_id: &str) -> TaskRead {
    demo_query_with(task_id, |_| {})
}

fn demo_query_with(task_id: &str, change: impl FnOnce(&mut ConnectionForm)) -> TaskRead {
    let mut form = ConnectionForm {
        access_key_id: demo::ACCESS_KEY_ID.into(),
        secret_access_key: demo::SECRET_ACCESS_KEY.to_owned().into(),
        session_token: demo::SESSION_TOKEN.to_owned().into(),
        region: demo::REGION.into(),
        endpoint: endpoint().into(),
        ..ConnectionForm::default()
    };
    change(&mut form);
    TaskRead { form, task_id: task_id.into() }
}

fn demo_connection() -> Connection {
    Connection::open(&demo_query("unused").form, &CredentialSession::new(), &location::origin()).expect("the demo connection")
}

/// One attempt of any read, no retries.
async fn read_once(connection: &Connection, request: &Request, offset: i64) -> Result<JsonAnswer, ConsoleError> {
    let controller = AbortController::new().expect("AbortController");
    let read = connection.prepare(request);
    fetch::attempt(connection.clone(), read, controller.signal(), fetch::ATTEMPT_TIMEOUT, offset).await
}

/// One attempt of GetFuotaTask, no retries.
async fn get(q: TaskRead) -> Result<TaskAnswer, ConsoleError> {
    get_with_offset(q, 0).await
}

async fn get_with_offset(q: TaskRead, offset: i64) -> Result<TaskAnswer, ConsoleError> {
    let connection = Connection::open(&q.form, &CredentialSession::new(), &location::origin()).expect("a valid connection");
    let request = Request::get_fuota_task(&q.task_id).expect("a valid task id");
    read_once(&connection, &request, offset).await.and_then(TaskAnswer::read)
}

/// The whole request path (retries, skew, cancel), recording the progress it reports.
async fn send(q: TaskRead, options: SendOptions, controller: &AbortController) -> (Result<TaskAnswer, ConsoleError>, Vec<Progress>) {
    let connection = Connection::open(&q.form, &CredentialSession::new(), &location::origin()).expect("a valid connection");
    let request = Request::get_fuota_task(&q.task_id).expect("a valid task id");
    let heard = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&heard);
    let result = request::send(&connection, &request, controller, options, &move |p| log.borrow_mut().push(p)).await;
    let heard = heard.borrow().clone();
    (result.and_then(TaskAnswer::read), heard)
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", (js_sys::Math::random() * 1e12) as u64)
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
fn signs_with_the_browser_clock() {
    let now = clock::now_millis();
    let creds = TemporaryCredentials::new(demo::ACCESS_KEY_ID, demo::SECRET_ACCESS_KEY, demo::SESSION_TOKEN).unwrap();
    let headers =
        sign_request("GET", "https://api.iotwireless.us-east-1.amazonaws.com/fuota-tasks/x", None, &creds, "us-east-1", time_from_epoch_millis(now).unwrap())
            .unwrap()
            .headers;
    let date = &headers.iter().find(|h| h.name == "x-amz-date").unwrap().value;
    // x-amz-date is the browser's current UTC time.
    let iso = js_sys::Date::new(&now.into()).to_iso_string().as_string().unwrap();
    let expected: String = iso.chars().filter(|c| c.is_ascii_digit() || *c == 'T').take(15).collect();
    assert_eq!(&date[..15], expected);
}

#[wasm_bindgen_test]
async fn fetches_a_task_from_the_local_endpoint() {
    let answer = get(demo_query("demo-in-session")).await.expect("the demo task");
    assert_eq!(answer.task.id.as_deref(), Some("demo-in-session"));
    assert_eq!(answer.task.status.as_ref().map(|s| s.as_str()), Some("In_FuotaSession"));
    assert!(answer.request_id.is_some_and(|id| id.len() == 36), "x-amzn-RequestId is exposed by CORS");
}

#[wasm_bindgen_test]
async fn service_errors_are_classified_with_request_id() {
    for (id, code) in [
        ("fault-throttle", "ThrottlingException"),
        ("fault-denied", "AccessDeniedException"),
        ("no-such-task", "ResourceNotFoundException"),
        ("fault-html", "UnexpectedResponse"),
        ("fault-malformed", "ParseError"),
        ("fault-error-in-200", "InternalServerException"),
    ] {
        let err = get(demo_query(id)).await.expect_err(id);
        assert_eq!(err.code(), code, "{id}");
        assert!(err.request_id().is_some(), "{id}: request id");
    }
}

#[wasm_bindgen_test]
async fn an_endpoint_that_echoes_the_request_shows_no_secret() {
    let err = get(demo_query("fault-echo")).await.expect_err("an error that echoes");
    let shown = format!("{} {} {:?}", err.sentence(), err.service_message().unwrap_or(""), err.details());
    assert!(shown.contains("x-amz-security-token"), "the echo arrived: {shown}");
    assert!(!shown.contains(demo::SESSION_TOKEN), "the session token was echoed onto the page: {shown}");
    assert!(shown.contains("Signature=** redacted **"), "the signature was echoed onto the page: {shown}");
}

#[wasm_bindgen_test]
async fn a_wrong_secret_is_an_invalid_signature() {
    let form = demo_query_with("demo-done", |f| f.secret_access_key = "not-the-secret".to_owned().into());
    let err = get(form).await.expect_err("wrong secret");
    assert_eq!(err.code(), "InvalidSignatureException");
    let unknown = demo_query_with("demo-done", |f| f.access_key_id = "ASIAUNKNOWNUNKNOWN12".into());
    assert_eq!(get(unknown).await.expect_err("unknown key").code(), "UnrecognizedClientException");
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_network_error() {
    // Port 9 (discard) has no listener here. This test page is cross-origin isolated (the test
    // runner sends COEP), so the console cannot probe for CORS and says both causes; the
    // end-to-end tests, on a page that is not isolated, see each told apart.
    let form = demo_query_with("demo-done", |f| f.endpoint = "http://127.0.0.1:9".into());
    let err = get(form).await.expect_err("nothing listens");
    assert_eq!(err.code(), "NetworkError");
    let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    assert_eq!(err.sentence().contains("CORS"), isolated, "{}", err.sentence());
}

// ---- the request path: retries, timeouts, clock skew, cancel ----

#[wasm_bindgen_test]
async fn throttling_is_retried_with_backoff_and_then_succeeds() {
    let id = unique("fault-throttle-once-");
    let (result, heard) = send(demo_query(&id), SendOptions::default(), &AbortController::new().unwrap()).await;
    assert_eq!(result.expect("the second attempt succeeds").task.id.as_deref(), Some(id.as_str()));
    assert!(matches!(&heard[..], [Progress::Retrying { next_attempt: 2, of: 3, .. }]), "{heard:?}");
    assert!(heard[0].sentence().starts_with("throttled (ThrottlingException), retrying in"));
}

#[wasm_bindgen_test]
async fn a_proxy_503_is_retried_too() {
    let (result, heard) = send(demo_query(&unique("fault-unavailable-once-")), SendOptions::default(), &AbortController::new().unwrap()).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(heard.len(), 1);
}

#[wasm_bindgen_test]
async fn persistent_throttling_stops_after_three_attempts() {
    let fast = SendOptions { policy: RetryPolicy { base_ms: 50, ..RetryPolicy::default() }, ..SendOptions::default() };
    let (result, heard) = send(demo_query("fault-throttle"), fast, &AbortController::new().unwrap()).await;
    assert_eq!(result.unwrap_err().code(), "ThrottlingException");
    assert_eq!(heard.len(), 2, "attempts 2 and 3 were announced: {heard:?}");
}

#[wasm_bindgen_test]
async fn client_errors_are_not_retried() {
    let (result, heard) = send(demo_query("no-such-task"), SendOptions::default(), &AbortController::new().unwrap()).await;
    assert_eq!(result.unwrap_err().code(), "ResourceNotFoundException");
    assert!(heard.is_empty());
}

#[wasm_bindgen_test]
async fn a_hung_endpoint_ends_in_a_timeout() {
    // The endpoint answers fault-slow after 3 s; each attempt may take 1 s.
    let options = SendOptions {
        policy: RetryPolicy { max_attempts: 2, base_ms: 10, ..RetryPolicy::default() },
        attempt_timeout: Duration::from_secs(1),
        ..SendOptions::default()
    };
    let started = clock::now_millis();
    let (result, heard) = send(demo_query("fault-slow"), options, &AbortController::new().unwrap()).await;
    let err = result.unwrap_err();
    assert_eq!(err, ConsoleError::Timeout { seconds: 1 }, "the sentence says the time it waited, not a fixed 20 s");
    assert!(err.sentence().contains("within 1 s"), "{}", err.sentence());
    assert_eq!(heard.len(), 1, "a timeout is retried once: {heard:?}");
    assert!(clock::now_millis() - started < 2900.0, "both attempts were cut at 1 s");
}

#[wasm_bindgen_test]
async fn cancel_stops_the_request_at_once() {
    let controller = AbortController::new().unwrap();
    let canceller = controller.clone();
    let _ = leptos::prelude::set_timeout_with_handle(move || canceller.abort(), Duration::from_millis(200));
    let started = clock::now_millis();
    let (result, _) = send(demo_query("fault-slow"), SendOptions::default(), &controller).await;
    assert_eq!(result.unwrap_err().code(), "Cancelled");
    assert!(clock::now_millis() - started < 1500.0);
}

#[wasm_bindgen_test]
async fn a_clock_two_hours_slow_is_corrected_from_the_service_and_kept() {
    let two_hours = 2 * 3600 * 1000;
    let wrong_clock = SendOptions { clock_offset_ms: -two_hours, ..SendOptions::default() };
    let (result, heard) = send(demo_query("demo-pending"), wrong_clock, &AbortController::new().unwrap()).await;
    assert!(result.is_ok(), "re-signed with the service's time: {result:?}");
    let [Progress::ClockCorrected { offset_ms, .. }] = heard[..] else { panic!("{heard:?}") };
    // The learned offset undoes the wrong one, to within the second the Date header carries.
    assert!(offset_ms.abs() < 5_000, "offset {offset_ms}");
    // Without correction the same clock fails with the service's skew error.
    let err = get_with_offset(demo_query("demo-pending"), -two_hours).await.unwrap_err();
    assert_eq!(err.code(), "InvalidSignatureException");
    assert!(
        err.service_message().unwrap_or("").starts_with("Signature not yet current") || err.service_message().unwrap_or("").starts_with("Signature expired")
    );
}

#[wasm_bindgen_test]
async fn a_server_half_an_hour_ahead_is_learned_from_the_message_when_date_is_hidden() {
    let form = demo_query_with("demo-done", |f| f.endpoint = skewed_endpoint().into());
    let (result, heard) = send(form, SendOptions::default(), &AbortController::new().unwrap()).await;
    assert!(result.is_ok(), "{result:?}");
    let [Progress::ClockCorrected { offset_ms, .. }] = heard[..] else { panic!("{heard:?}") };
    assert!((offset_ms - 1_800_000).abs() < 5_000, "offset {offset_ms}");
    assert!(heard[0].sentence().contains("30 minutes behind"), "{}", heard[0].sentence());
}

#[wasm_bindgen_test]
async fn a_cors_block_is_reported_as_such() {
    let form = demo_query_with("demo-done", |f| f.endpoint = no_cors_endpoint().into());
    let err = get(form).await.expect_err("the browser blocks it");
    // On a page that is not cross-origin isolated the host answers a no-cors request: only CORS
    // kept the answer (CorsBlocked); on an isolated one (this test runner's) the console cannot tell.
    let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    assert_eq!(err.code(), if isolated { "NetworkError" } else { "CorsBlocked" });
    assert!(err.sentence().contains("CORS") && err.sentence().contains("relay"), "{}", err.sentence());
}

#[wasm_bindgen_test]
async fn hostile_answers_become_typed_errors_and_the_next_request_works() {
    for (id, code) in [
        ("fault-empty", "UnexpectedResponse"),
        ("fault-wrong-types", "ParseError"),
        ("fault-huge", "UnexpectedResponse"),
        // 4 MiB without Content-Length: read as a stream and abandoned past the cap.
        ("fault-huge-chunked", "UnexpectedResponse"),
        ("fault-validation", "ValidationException"),
    ] {
        assert_eq!(get(demo_query(id)).await.unwrap_err().code(), code, "{id}");
    }
    assert!(get(demo_query("demo-waiting")).await.is_ok());
    let ConsoleError::UnexpectedResponse { excerpt, .. } = get(demo_query("fault-huge-chunked")).await.unwrap_err() else { panic!("not UnexpectedResponse") };
    let read: usize = excerpt.trim_start_matches("(a body of ").split(' ').next().unwrap_or("").parse().expect("a byte count");
    // How much past the cap depends on how large a chunk the browser hands over (under load, up to
    // a few hundred KiB more than usual): the point is that the 4 MiB body was not read to its end.
    assert!(read > 256 * 1024 && read < 3 * 1024 * 1024, "stopped after the cap, long before 4 MiB: {excerpt}");
}

// ---- the mounted app ----

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn set_control(root: &web_sys::Element, name: &str, value: &str) {
    let el = root.query_selector(&format!("[name='{name}']")).unwrap().unwrap_or_else(|| panic!("control {name}"));
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.set_value(value);
    }
    for kind in ["input", "change"] {
        el.dispatch_event(
            &web_sys::Event::new_with_event_init_dict(kind, &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
    }
}

fn attr(root: &web_sys::Element, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector).ok().flatten().and_then(|e| e.get_attribute(name))
}

async fn wait_for(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    for _ in 0..200 {
        if let Some(e) = root.query_selector(selector).ok().flatten() {
            return e;
        }
        sleep(25).await;
    }
    panic!("{selector} never appeared; page: {}", root.inner_html());
}

fn fresh_root() -> web_sys::HtmlElement {
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// The page mounted into a fresh element, with `?demo` and this suite's endpoint in its link.
async fn mount_demo_page() -> (web_sys::HtmlElement, leptos::mount::UnmountHandle<impl leptos::prelude::Mountable>) {
    let link = format!("?demo&endpoint={}", js_sys::encode_uri_component(endpoint()));
    web_sys::window().unwrap().history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&link)).unwrap();
    let root = fresh_root();
    let handle = fuota_console::mount_console(root.clone());
    wait_for(&root, "form.query button[type=submit]").await;
    (root, handle)
}

/// Submits `task_id`, confirming the linked endpoint first (a link's endpoint waits for the
/// user's word).
async fn submit_confirming_the_endpoint(root: &web_sys::Element, task_id: &str) {
    set_control(root, "task-id", task_id);
    let submit = root.query_selector("button[type=submit]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>();
    submit.click();
    wait_for(root, "[data-action='confirm-endpoint']").await.unchecked_into::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    submit.click();
}

#[wasm_bindgen_test]
async fn the_app_fetches_and_renders_a_task_and_its_fragment_counts() {
    let (root, _handle) = mount_demo_page().await;
    // The form first, then the task console with its calculator (it follows the first render).
    wait_for(&root, "[data-calc='total-fragments'][data-value]").await;

    // The calculator works before any fetch, and follows keystrokes.
    assert_eq!(attr(&root, "[data-calc='total-fragments']", "data-value").as_deref(), Some("25"));
    set_control(&root, "firmware-size", "100");
    set_control(&root, "fragment-size", "10");
    set_control(&root, "redundancy-percent", "50");
    leptos::task::tick().await;
    assert_eq!(attr(&root, "[data-calc='data-fragments']", "data-value").as_deref(), Some("10"));
    assert_eq!(attr(&root, "[data-calc='redundant-fragments']", "data-value").as_deref(), Some("5"));
    assert_eq!(attr(&root, "[data-calc='total-fragments']", "data-value").as_deref(), Some("15"));

    // Submit the demo query: refused until the linked endpoint is confirmed, then the task renders
    // and the calculator takes its values.
    set_control(&root, "task-id", "demo-done");
    root.query_selector("button[type=submit]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    wait_for(&root, "[data-error-code='EndpointNotConfirmed']").await;
    submit_confirming_the_endpoint(&root, "demo-done").await;
    wait_for(&root, "[data-field='Id'][data-value='demo-done']").await;
    assert_eq!(attr(&root, "[data-field='Status']", "data-value").as_deref(), Some("FuotaDone"));
    assert_eq!(attr(&root, "[data-field='CreatedAt']", "data-value").as_deref(), Some("2025-09-27T19:06:40Z"));
    assert_eq!(attr(&root, "[data-field='LoRaWAN.RfRegion']", "data-value").as_deref(), Some("AS923-1"));
    assert_eq!(attr(&root, "[data-field='Descriptor']", "data-value").as_deref(), Some("AAEC/w=="));
    assert_eq!(attr(&root, ".result", "aria-busy").as_deref(), Some("false"));
    leptos::task::tick().await;
    // demo-done: 10-byte fragments, 50 %, 3000 ms; firmware 100 B → 10 + 5 = 15, 45 s.
    assert_eq!(attr(&root, "[data-calc='session-seconds']", "data-value").as_deref(), Some("45"));

    // No secret in the markup: values are properties, not attributes.
    let html = root.outer_html();
    assert!(!html.contains(demo::SECRET_ACCESS_KEY) && !html.contains(demo::SESSION_TOKEN));

    // An error path: the code and the request id are in the contract's attributes.
    set_control(&root, "task-id", "fault-throttle");
    root.query_selector("button[type=submit]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    wait_for(&root, "[data-error-code='ThrottlingException']").await;
    assert!(root.query_selector("[data-request-id]").unwrap().is_some());

    // Bad input never leaves the page.
    set_control(&root, "task-id", "");
    root.query_selector("button[type=submit]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    wait_for(&root, "[data-error-code='InvalidInput']").await;
    root.remove();
}

#[wasm_bindgen_test]
fn local_time_reads_like_the_browsers_own_to_locale_string() {
    // The cached formatter must give the very text `Date.toLocaleString()` gives.
    for millis in [0_i64, 1_795_680_000_000, 1_795_680_025_250, 4_102_444_799_000] {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
        let expected = String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED));
        assert_eq!(clock::local_time(millis), expected, "at {millis} ms");
    }
}

#[wasm_bindgen_test]
fn events_carry_plain_objects_and_nulls_for_what_is_absent() {
    use fuota_console::browser::events;
    let target = web_sys::window().unwrap().document().unwrap().create_element("div").unwrap();
    let heard: Rc<RefCell<Vec<wasm_bindgen::JsValue>>> = Rc::default();
    let listener = {
        let heard = heard.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| heard.borrow_mut().push(e.detail()))
    };
    for name in ["fuota-task-loaded", "fuota-task-error"] {
        target.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref()).unwrap();
    }
    let get = |v: &wasm_bindgen::JsValue, key: &str| js_sys::Reflect::get(v, &key.into()).unwrap();

    events::task_loaded(&target, r#"{"Id": "t-1", "LoRaWAN": {"RfRegion": "EU868"}, "FragmentSizeBytes": 50}"#);
    let error = ConsoleError::Timeout { seconds: 20 };
    events::task_error(&target, &error);

    let heard = heard.borrow();
    assert_eq!(heard.len(), 2);
    assert_eq!(get(&heard[0], "Id").as_string().as_deref(), Some("t-1"));
    assert_eq!(get(&get(&heard[0], "LoRaWAN"), "RfRegion").as_string().as_deref(), Some("EU868"));
    assert_eq!(get(&heard[0], "FragmentSizeBytes").as_f64(), Some(50.0));
    assert_eq!(get(&heard[1], "code").as_string().as_deref(), Some(error.code()));
    assert_eq!(get(&heard[1], "message").as_string(), Some(error.sentence()));
    assert!(get(&heard[1], "serviceMessage").is_null() && get(&heard[1], "requestId").is_null());
}

/// A JSON document from `seed` (xorshift): every kind of value, nested a few levels.
fn random_json(seed: &mut u64, depth: usize) -> String {
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    let kind = next() % if depth > 3 { 5 } else { 7 };
    match kind {
        0 => "null".to_owned(),
        1 => if next() % 2 == 0 { "true" } else { "false" }.to_owned(),
        2 => ((next() >> 11) as i64 - (1 << 52)).to_string(),
        3 => format!("{}.{}", (next() % 100_000) as i64 - 50_000, ["5", "25", "125", "75"][(next() % 4) as usize]),
        4 => format!("\"{}\"", ["", "EU868", "é \\\" \\n", "\\u00e9", "😀", "a/b"][(next() % 6) as usize]),
        5 => format!("[{}]", (0..next() % 4).map(|_| random_json(seed, depth + 1)).collect::<Vec<_>>().join(",")),
        _ => format!("{{{}}}", (0..next() % 4).map(|i| format!("\"k{i}\": {}", random_json(seed, depth + 1))).collect::<Vec<_>>().join(", ")),
    }
}

#[wasm_bindgen_test]
fn the_browser_parses_json_into_the_same_values_and_refuses_deep_nesting() {
    use fuota_core::wire::json;
    let read_task = |a: &HttpAnswer| read_answer(Operation::GetFuotaTask, a, &[]).and_then(TaskAnswer::read);
    let body = r#"{"Id": "t-1", "FragmentSizeBytes": 50, "CreatedAt": 1759100300.5, "LoRaWAN": {"RfRegion": "EU868"}, "List": [true, null, "x", -3]}"#;
    assert_eq!(json::parse(body).unwrap(), serde_json::from_str::<serde_json::Value>(body).unwrap());
    // JSON.parse reads numbers as doubles: a whole one comes over as an integer, as long as it is
    // a safe integer (|n| < 2^53); past that, and for fractions, a float.
    assert_eq!(json::parse("50.0").unwrap(), serde_json::json!(50));
    assert_eq!(json::parse("-7").unwrap(), serde_json::json!(-7));
    assert_eq!(json::parse("-0").unwrap(), serde_json::json!(0));
    assert_eq!(json::parse("9007199254740991").unwrap(), serde_json::json!(9_007_199_254_740_991_u64));
    assert_eq!(json::parse("9007199254740993").unwrap(), serde_json::json!(9_007_199_254_740_992.0_f64));
    assert_eq!(json::parse("-9007199254740992").unwrap(), serde_json::json!(-9_007_199_254_740_992.0_f64));
    // Past a double's range JSON.parse reads Infinity, which JSON has no value for: null (as
    // serde_json's own Value makes of a float it cannot hold).
    assert_eq!(json::parse("1e400").unwrap(), serde_json::Value::Null);
    assert_eq!(json::parse(r#"{"a":{},"b":[],"c":"\u00e9\ud83d\ude00","a":2}"#).unwrap(), serde_json::json!({"a": 2, "b": [], "c": "é😀"}));
    // Documents made from a seed, read by the browser and by serde_json alike (numbers that both
    // read exactly: safe integers and halves, quarters, eighths).
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..200 {
        let text = random_json(&mut seed, 0);
        assert_eq!(json::parse(&text).unwrap(), serde_json::from_str::<serde_json::Value>(&text).unwrap(), "{text}");
    }
    assert!(!json::parse(r#"{"Id": "#).unwrap_err().is_empty());
    // Deeper than serde_json reads is refused before anything recurses over it: the page lives on.
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert!(json::parse(&deep).unwrap_err().contains("nested deeper"));
    let at_limit = "[".repeat(json::MAX_DEPTH) + &"]".repeat(json::MAX_DEPTH);
    assert!(json::parse(&at_limit).is_ok());
    // The same through the response reader: a hostile 200 is a ParseError, and the next one reads.
    let hostile = "{\"a\":".repeat(40_000) + "1" + &"}".repeat(40_000); // under the 256 KiB cap
    let answer = |body| HttpAnswer { status: 200, error_type: None, request_id: Some("req-1"), content_type: Some("application/json"), date: None, body };
    let err = read_task(&answer(&hostile)).unwrap_err();
    assert_eq!(err.code(), "ParseError");
    let ok = read_task(&answer(body)).expect("a plain task reads");
    assert_eq!(ok.task.id.as_deref(), Some("t-1"));
    assert_eq!(ok.task.fragment_size_bytes, Some(50));
    // Objects at the limit read (an unknown member is kept out of the way); one level more does not.
    let objects = |depth: usize| format!(r#"{{"Id": "t-2", "Extra": {}1{}}}"#, "{\"a\":".repeat(depth - 1), "}".repeat(depth - 1));
    let (limit_body, over_body) = (objects(json::MAX_DEPTH), objects(json::MAX_DEPTH + 1));
    let at_limit = read_task(&answer(&limit_body)).expect("127 levels read");
    assert_eq!(at_limit.task.id.as_deref(), Some("t-2"));
    let over = read_task(&answer(&over_body)).unwrap_err();
    assert_eq!(over.code(), "ParseError");
}

// ---- the campaign operations, each read from the local endpoint ----

/// Every page of a list through the whole request path; the items, and how many pages.
async fn all_pages<T>(
    request_for: impl Fn(&fuota_core::wire::request::PageRequest) -> Result<Request, ConsoleError>,
    parse: fn(serde_json::Value) -> Result<fuota_core::wire::pages::Page<T>, String>,
) -> (Result<u32, ConsoleError>, Vec<T>) {
    let controller = AbortController::new().expect("AbortController");
    let mut items = Vec::new();
    let result =
        request::read_pages(&demo_connection(), &request_for, parse, &controller, SendOptions::default(), &mut |page| items.extend(page), &|_| {}).await;
    (result, items)
}

#[wasm_bindgen_test]
async fn every_campaign_operation_is_read_from_the_local_endpoint() {
    use fuota_core::campaign::devices::{device_page, FuotaDeviceStatus};
    use fuota_core::campaign::lists::{multicast_group_ids_page, task_list_page, MulticastGroup, MulticastSession};
    use fuota_core::wire::request::DeviceSource;

    let (pages, tasks) = all_pages(|p| Ok(Request::list_fuota_tasks(p)), task_list_page).await;
    assert!(pages.expect("ListFuotaTasks") >= 2, "short pages followed to the end");
    let ids: Vec<String> = tasks.iter().filter_map(|t| t.id.clone()).collect();
    assert!(ids.contains(&"demo-10k".to_owned()) && ids.contains(&"demo-live".to_owned()), "{ids:?}");

    let (_, devices) = all_pages(|p| Request::list_wireless_devices(&DeviceSource::FuotaTask("demo-in-session".into()), p), device_page).await;
    let statuses: Vec<_> = devices.iter().filter_map(|d| d.fuota_status.clone()).collect();
    assert!(FuotaDeviceStatus::KNOWN.iter().all(|s| statuses.contains(s)), "{statuses:?}");
    assert!(statuses.iter().any(|s| matches!(s, FuotaDeviceStatus::Unknown(_))));

    // 10,000 devices: tokens with `+`, `/` and `=` are encoded so that the signature still matches.
    let (pages, big) = all_pages(|p| Request::list_wireless_devices(&DeviceSource::FuotaTask("demo-10k".into()), p), device_page).await;
    assert!(pages.expect("ListWirelessDevices") >= 40);
    assert_eq!(big.len(), 10_000);

    let (_, groups) = all_pages(|p| Request::list_multicast_groups_by_fuota_task("demo-in-session", p), multicast_group_ids_page).await;
    assert_eq!(groups, vec!["mcg-sensors-eu868".to_owned()]);
    let c = demo_connection();
    let group = read_once(&c, &Request::get_multicast_group(&groups[0]).unwrap(), 0).await.unwrap().parse(MulticastGroup::from_value).unwrap();
    assert_eq!(group.value.dl_class.as_deref(), Some("ClassC"));
    assert!(group.request_id.is_some());
    let session = read_once(&c, &Request::get_multicast_group_session(&groups[0]).unwrap(), 0).await.unwrap().parse(MulticastSession::from_value).unwrap();
    assert_eq!(session.value.dl_dr, Some(3));
    assert_eq!(session.value.dl_freq_hz, Some(869_525_000));
}

#[wasm_bindgen_test]
async fn a_list_that_fails_on_page_two_keeps_page_one_and_names_the_operation() {
    use fuota_core::campaign::devices::device_page;
    use fuota_core::wire::request::DeviceSource;
    let devices_of =
        |task: &'static str| move |p: &fuota_core::wire::request::PageRequest| Request::list_wireless_devices(&DeviceSource::FuotaTask(task.into()), p);

    let (result, kept) = all_pages(devices_of("fault-devices-denied"), device_page).await;
    let err = result.expect_err("page 2 is refused");
    assert_eq!(err.code(), "AccessDeniedException");
    assert!(err.sentence().contains("iotwireless:ListWirelessDevices"), "{}", err.sentence());
    assert_eq!(kept.len(), 250, "the first page stays");

    let (result, _) = all_pages(devices_of("fault-devices-malformed"), device_page).await;
    assert_eq!(result.unwrap_err().code(), "ParseError");
    let (result, _) = all_pages(devices_of("fault-devices-loop"), device_page).await;
    assert_eq!(result.unwrap_err().code(), "PaginationError");
    let (result, _) = all_pages(devices_of("fault-devices-wrong-types"), device_page).await;
    let err = result.unwrap_err();
    assert!(matches!(&err, ConsoleError::Parse { detail, .. } if detail.starts_with("WirelessDeviceList[1]")), "{err:?}");
    // Throttled once on page 2: retried, and the whole list arrives.
    let (result, devices) = all_pages(devices_of("fault-devices-throttle-once"), device_page).await;
    assert!(result.is_ok());
    assert_eq!(devices.len(), 600);
}

// ---- the request path: exactly what was signed goes out, and nothing more ----

/// Every operation, lists included: the URL the browser fetched is, byte for byte, the URL that
/// was signed (gloo-net's request builder used to append `&` to a URL with a query, which botocore,
/// and so the local endpoint, refuses).
#[wasm_bindgen_test]
async fn every_url_fetched_is_the_url_signed() {
    use fuota_core::wire::request::{DeviceSource, PageRequest};
    let c = demo_connection();
    let token = "5+a1/b=";
    let requests = [
        Request::get_fuota_task("demo-in-session").unwrap(),
        Request::list_fuota_tasks(&PageRequest::first()),
        Request::list_wireless_devices(&DeviceSource::FuotaTask("demo-in-session".into()), &PageRequest::first()).unwrap(),
        Request::list_wireless_devices(&DeviceSource::MulticastGroup("mcg-sensors-eu868".into()), &PageRequest::first()).unwrap(),
        Request::list_multicast_groups_by_fuota_task("demo-in-session", &PageRequest::first()).unwrap(),
        Request::get_multicast_group("mcg-sensors-eu868").unwrap(),
        Request::get_multicast_group_session("mcg-sensors-eu868").unwrap(),
        // A token with + / = (refused by the endpoint as foreign, but signed and sent as it is).
        Request::list_fuota_tasks(&PageRequest::after(token)),
    ];
    for request in &requests {
        let result = read_once(&c, request, 0).await;
        let signed = c.prepare(request).url;
        if signed.contains("nextToken") {
            assert_eq!(result.unwrap_err().code(), "ValidationException", "the token is checked, so the signature was accepted");
        } else {
            assert!(result.is_ok(), "{:?}: {result:?}", request.operation);
        }
        let fetched = fetched_urls_including(&signed).await;
        assert!(fetched.contains(&signed), "{signed} was signed; fetched: {:?}", fetched.iter().filter(|u| u.starts_with(endpoint())).collect::<Vec<_>>());
    }
    assert!(!settled_fetched_urls().await.iter().any(|u| u.ends_with('&')), "a URL with a trailing & went out");
}

/// After Forget, a connection made before cannot sign: nothing goes out, whatever holds it (the
/// live refresh, the campaign's reads, the task list's status fill).
#[wasm_bindgen_test]
async fn after_forget_nothing_made_before_signs() {
    let session = CredentialSession::new();
    let connection = Connection::open(&demo_query("unused").form, &session, &location::origin()).unwrap();
    let before = Request::get_fuota_task("demo-done").unwrap();
    assert!(read_once(&connection, &before, 0).await.is_ok());
    session.forget();
    let id = unique("forgotten-");
    let request = Request::get_fuota_task(&id).unwrap();
    let err = read_once(&connection, &request, 0).await.unwrap_err();
    assert_eq!(err.code(), "CredentialsForgotten");
    assert!(err.sentence().contains("nothing was"), "{}", err.sentence());
    let (result, _) = {
        let heard = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&heard);
        let r = request::send(&connection, &request, &AbortController::new().unwrap(), SendOptions::default(), &move |p| log.borrow_mut().push(p)).await;
        (r, heard)
    };
    assert_eq!(result.unwrap_err().code(), "CredentialsForgotten", "the whole request path, retries included");
    assert!(!settled_fetched_urls().await.iter().any(|u| u.contains(&id)), "a request went out after Forget");
}

/// A relay or endpoint that claims to be 6 hours ahead is told about in words; nothing is signed
/// for its time (one request went out: the one it refused).
#[wasm_bindgen_test]
async fn a_host_claiming_six_hours_ahead_is_not_believed() {
    let id = unique("lying-clock-");
    let form = demo_query_with(&id, |f| f.endpoint = lying_endpoint().into());
    let (result, heard) = send(form, SendOptions::default(), &AbortController::new().unwrap()).await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), "ClockTooFar");
    assert!(err.sentence().contains("6 hours ahead of"), "{}", err.sentence());
    assert!(heard.is_empty(), "no correction learned: {heard:?}");
    assert_eq!(settled_fetched_urls().await.iter().filter(|u| u.contains(&id)).count(), 1, "not re-signed");
}

/// A redirect is an error naming the host that sent it; the browser does not follow it.
#[wasm_bindgen_test]
async fn a_redirect_is_not_followed() {
    let err = get(demo_query("fault-redirect")).await.unwrap_err();
    assert_eq!(err.code(), "Redirected");
    assert!(err.sentence().contains("127.0.0.1") && err.sentence().contains("never follows"), "{}", err.sentence());
    assert!(!settled_fetched_urls().await.iter().any(|u| u.contains("collect-the-token")), "the redirect was followed");
}

/// A list that names a new page every time stops at the cap, keeping what it read.
#[wasm_bindgen_test]
async fn an_endless_list_stops_at_the_cap() {
    use fuota_core::campaign::devices::device_page;
    use fuota_core::wire::request::DeviceSource;
    let controller = AbortController::new().unwrap();
    let options = SendOptions { max_pages: 12, ..SendOptions::default() };
    let mut pages = 0;
    let request_for = |p: &fuota_core::wire::request::PageRequest| Request::list_wireless_devices(&DeviceSource::FuotaTask("fault-devices-endless".into()), p);
    let result = request::read_pages(&demo_connection(), &request_for, device_page, &controller, options, &mut |_| pages += 1, &|_| {}).await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), "ListTooLong");
    assert_eq!(pages, 12, "every page read is handed over");
}

/// An answer whose header values echo the session token shows none of it.
#[wasm_bindgen_test]
async fn header_values_that_echo_a_secret_are_redacted() {
    let err = get(demo_query("fault-echo-header")).await.unwrap_err();
    let shown = format!("{} {:?} {:?} {:?}", err.sentence(), err.request_id(), err.details(), err);
    assert!(shown.contains("** redacted **"), "the echo arrived: {shown}");
    assert!(!shown.contains(demo::SESSION_TOKEN), "{shown}");
    assert!(!shown.contains(&demo::SESSION_TOKEN.replace('-', "%2D")), "{shown}");
}

/// The request path carries writes: a create (201 with its id), its answer lost once and sent
/// again with the same token (one task), an update and a delete (204, no body), and a write the
/// service refuses, each signed over its exact body and checked by the local endpoint.
#[wasm_bindgen_test]
async fn writes_go_through_the_same_request_path() {
    use fuota_core::wire::request::client_request_token;
    let c = demo_connection();
    let token = client_request_token(&[(js_sys::Math::random() * 255.0) as u8; 16]);
    let create = serde_json::json!({
        "ClientRequestToken": token,
        "Name": "fault-drop-answer",
        "FirmwareUpdateImage": "s3://fuota-demo-firmware/web.bin",
        "FirmwareUpdateRole": "arn:aws:iam::123456789012:role/IoTWirelessFuotaRole",
        "LoRaWAN": {"RfRegion": "EU868"},
    });
    let request = Request::write(Operation::CreateFuotaTask, &[], Some(&create)).unwrap();
    let heard = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&heard);
    let fast = SendOptions { policy: RetryPolicy { base_ms: 10, ..RetryPolicy::default() }, ..SendOptions::default() };
    let created = request::send(&c, &request, &AbortController::new().unwrap(), fast, &move |p| log.borrow_mut().push(p)).await;
    let id = created.expect("created, its lost answer asked again").value["Id"].as_str().unwrap().to_owned();
    assert_eq!(heard.borrow().len(), 1, "the lost answer was asked again once: {:?}", heard.borrow());
    let again = read_once(&c, &request, 0).await.unwrap();
    assert_eq!(again.value["Id"], id, "the same token gives the same task, not a second one");

    let update = Request::write(Operation::UpdateFuotaTask, &[&id], Some(&serde_json::json!({"FragmentSizeBytes": 40}))).unwrap();
    assert_eq!(read_once(&c, &update, 0).await.unwrap().value, serde_json::Value::Null, "204, no body");
    let task = read_once(&c, &Request::get_fuota_task(&id).unwrap(), 0).await.unwrap().parse(fuota_core::FuotaTask::from_value).unwrap();
    assert_eq!(task.value.fragment_size_bytes, Some(40));
    let too_soon = serde_json::json!({"LoRaWAN": {"StartTime": "2001-01-01T00:00:00Z"}});
    let err = read_once(&c, &Request::write(Operation::StartFuotaTask, &[&id], Some(&too_soon)).unwrap(), 0).await.unwrap_err();
    assert_eq!(err.code(), "ValidationException");
    let delete = Request::write(Operation::DeleteFuotaTask, &[&id], None).unwrap();
    assert!(read_once(&c, &delete, 0).await.is_ok());
    let err = read_once(&c, &update, 0).await.unwrap_err();
    assert_eq!(err.code(), "ConflictException");
    assert!(err.sentence().contains("UpdateFuotaTask"), "{}", err.sentence());
}

/// The runner's requests, built by the core from what a user types, go through the request path
/// and the local endpoint applies them: a task created from its form, devices (one found by its
/// DevEUI in the unfiltered device list) added and one removed, a group refused while it has
/// devices, an unknown device not found, the start time the schedule proposes accepted.
#[wasm_bindgen_test]
async fn the_runners_writes_reach_the_local_endpoint() {
    use fuota_core::run::form::{DescriptorEncoding, TaskForm};
    use fuota_core::run::schedule::{check_start, default_start_ms, start_request};
    use fuota_core::run::targets::{parse_targets, resolve, TargetKind};
    use fuota_core::wire::request::{client_request_token, PageRequest};
    let c = demo_connection();
    let form = TaskForm {
        name: unique("web-runner"),
        rf_region: "EU868".into(),
        image: "s3://fuota-demo-firmware/web.bin".into(),
        role: "arn:aws:iam::123456789012:role/IoTWirelessFuotaRole".into(),
        fragment_size: "48".into(),
        fragment_interval_ms: "2,000".into(),
        redundancy_percent: "10".into(),
        descriptor: "76 31".into(),
        descriptor_encoding: DescriptorEncoding::Hex,
        ..TaskForm::default()
    };
    let spec = form.check().unwrap();
    let create = spec.create_request(&client_request_token(&[7; 16])).unwrap();
    let id = read_once(&c, &create, 0).await.unwrap().value["Id"].as_str().unwrap().to_owned();
    let task = read_once(&c, &Request::get_fuota_task(&id).unwrap(), 0).await.unwrap().parse(fuota_core::FuotaTask::from_value).unwrap().value;
    assert_eq!((task.fragment_size_bytes, task.fragment_interval_ms, task.redundancy_percent), (Some(48), Some(2000), Some(10)));
    assert_eq!(task.descriptor.map(|d| d.raw().to_owned()).as_deref(), Some("djE="));
    // An edit sends what changed, and the task has it.
    let edited = TaskForm { fragment_size: "40".into(), ..TaskForm::from_task(&task_for(&c, &id).await) }.check().unwrap();
    let changes = edited.changes(&task_for(&c, &id).await).unwrap();
    assert_eq!(changes.len(), 1);
    read_once(&c, &edited.update_request(&id, &changes).unwrap(), 0).await.unwrap();
    assert_eq!(task_for(&c, &id).await.fragment_size_bytes, Some(40));

    // A DevEUI, found in the account's devices (the first page is enough here).
    let page = read_once(&c, &Request::list_wireless_devices_all(&PageRequest::first()).unwrap(), 0).await.unwrap();
    let devices = fuota_core::campaign::devices::device_page(page.value).unwrap().items;
    let (eui, device) = devices.iter().find_map(|d| Some((d.dev_eui.clone()?, d.id.clone()?))).unwrap();
    let list = parse_targets(TargetKind::Devices, &format!("{}\nno-such-device", eui.to_lowercase())).unwrap();
    let (items, unknown) = resolve(&list, devices.iter().filter_map(|d| Some((d.dev_eui.as_deref()?, d.id.as_deref()?))));
    assert!(unknown.is_empty());
    let ids: Vec<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, vec!["no-such-device", device.as_str()]);
    let err = read_once(&c, &TargetKind::Devices.associate_request(&id, "no-such-device").unwrap(), 0).await.unwrap_err();
    assert_eq!(err.code(), "ResourceNotFoundException");
    read_once(&c, &TargetKind::Devices.associate_request(&id, &device).unwrap(), 0).await.unwrap();
    // Again: a device the task has is left as it is (204).
    read_once(&c, &TargetKind::Devices.associate_request(&id, &device).unwrap(), 0).await.unwrap();
    let err = read_once(&c, &TargetKind::Groups.associate_request(&id, "mcg-sensors-eu868").unwrap(), 0).await.unwrap_err();
    assert_eq!(err.code(), "ConflictException", "devices or groups, not both");
    read_once(&c, &TargetKind::Devices.disassociate_request(&id, &device).unwrap(), 0).await.unwrap();
    read_once(&c, &TargetKind::Groups.associate_request(&id, "mcg-sensors-eu868").unwrap(), 0).await.unwrap();

    // The proposed start, checked against the browser's clock, is one the service takes.
    let now = clock::now_millis() as i64;
    let proposed = clock::local_input_value(default_start_ms(now));
    let start = check_start(clock::local_input_ms(&proposed), now).unwrap();
    assert_eq!(start.epoch_millis(), default_start_ms(now), "datetime-local round-trips in the browser's time zone");
    read_once(&c, &start_request(&id, start).unwrap(), 0).await.unwrap();
    assert_eq!(task_for(&c, &id).await.status.map(|s| s.as_str().to_owned()).as_deref(), Some("FuotaSession_Waiting"));
}

async fn task_for(c: &Connection, id: &str) -> fuota_core::FuotaTask {
    read_once(c, &Request::get_fuota_task(id).unwrap(), 0).await.unwrap().parse(fuota_core::FuotaTask::from_value).unwrap().value
}

#[wasm_bindgen_test]
async fn the_pre_flight_reads_come_back_from_the_local_endpoint_as_links_and_gateway_euis() {
    use fuota_core::campaign::lists::MulticastGroup;
    use fuota_core::preflight::check::{summarise, Check, Context, LinkRead, Settings};
    use fuota_core::preflight::links::{gateway_eui, DeviceLink};

    let c = demo_connection();
    // The group's participating gateways, by id, to their EUIs through GetWirelessGateway.
    let group = read_once(&c, &Request::get_multicast_group("mcg-sensors-eu868").unwrap(), 0).await.unwrap().parse(MulticastGroup::from_value).unwrap();
    assert!(!group.value.gateways.is_empty(), "the sensors group names its gateways");
    let mut participating = Vec::new();
    for id in &group.value.gateways {
        let eui = read_once(&c, &Request::get_wireless_gateway(id).unwrap(), 0).await.unwrap().parse(gateway_eui).unwrap();
        participating.push(eui.value.expect("a GatewayEui"));
    }
    assert!(participating.iter().all(|e| e.len() == 16 && e.chars().all(|c| c.is_ascii_hexdigit())), "{participating:?}");

    // Each demo-in-session device's statistics, through the same request path as the page's.
    let ids: Vec<String> = (0..15).map(|n| format!("demo-in-session-dev-{n:05}")).collect();
    let mut check = Check::new(ids.clone(), false, || 0.5);
    for id in &ids {
        let link = read_once(&c, &Request::get_wireless_device_statistics(id).unwrap(), 0).await.unwrap().parse(DeviceLink::from_statistics).unwrap();
        check.record(id.clone(), LinkRead::Link(link.value));
    }
    assert!(check.complete());
    let ctx = Context {
        region: fuota_core::radio::lorawan::region("EU868").unwrap(),
        uplink_region: "EU868",
        data_rate: Some(3),
        participating: &participating,
        now_ms: clock::now_millis() as i64,
        settings: Settings::default(),
    };
    let s = summarise(&check, &ctx);
    // The endpoint's spread, by hand: one never joined, two silent, two heard only by gateways
    // the group does not send through (so their margin through its gateways is unknown too).
    assert_eq!((s.counts.checked, s.counts.silent, s.counts.not_covered, s.counts.margin_unknown), (15, 2, 2, 3), "{s:?}");

    // A device the account does not have is a typed not-found, not a panic.
    let missing = read_once(&c, &Request::get_wireless_device_statistics("no-such-device").unwrap(), 0).await;
    assert_eq!(missing.err().map(|e| e.code().to_owned()).as_deref(), Some("ResourceNotFoundException"));
}

#[wasm_bindgen_test]
fn a_report_is_saved_through_a_blob_link_without_error() {
    fuota_console::browser::download::save("preflight-test.csv", "text/csv", "device id\r\nd-1\r\n").expect("saved");
}

/// Random letters and digits from the browser's `crypto.getRandomValues`: a secret no part of the
/// wasm (its data section included) can hold before the test types it.
fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    web_sys::window().unwrap().crypto().unwrap().get_random_values_with_u8_array(&mut bytes).unwrap();
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// Where the wasm memory holds `needle`, given shifted by one (each byte + 1), so that the needle
/// itself is never in the memory searched. The memory is copied out in chunks that overlap by the
/// needle's length.
fn memory_holds(shifted: &[u8]) -> Option<u32> {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer = memory.buffer();
    let total = js_sys::ArrayBuffer::from(buffer.clone()).byte_length();
    let mut chunk = vec![0u8; 1 << 16];
    let mut at = 0u32;
    while at < total {
        let len = (total - at).min(chunk.len() as u32);
        let view = js_sys::Uint8Array::new_with_byte_offset_and_length(&buffer, at, len);
        view.copy_to(&mut chunk[..len as usize]);
        let window = &chunk[..len as usize];
        if let Some(i) = window.windows(shifted.len()).position(|w| w.iter().zip(shifted).all(|(m, s)| m.wrapping_add(1) == *s)) {
            return Some(at + i as u32);
        }
        if at + len >= total {
            break;
        }
        at += len - shifted.len() as u32;
    }
    None
}

/// After *Forget credentials*, the wasm memory holds neither the secret key nor the session token:
/// not in the form, not in the connection, not in what signing or sending left behind (aws-sigv4's
/// `AWS4{secret}`, the token's header value, the strings the page handed over).
#[wasm_bindgen_test]
async fn after_forget_the_memory_holds_neither_the_secret_nor_the_token() {
    let (root, handle) = mount_demo_page().await;
    let (shifted_secret, shifted_token) = {
        let (secret, token) = (random_alnum(40), random_alnum(120));
        set_control(&root, "access-key-id", &format!("ASIA{}", random_alnum(16).to_uppercase()));
        set_control(&root, "secret-access-key", &secret);
        set_control(&root, "session-token", &token);
        let shift = |s: &str| s.bytes().map(|b| b.wrapping_add(1)).collect::<Vec<u8>>();
        (shift(&secret), shift(&token))
    };
    submit_confirming_the_endpoint(&root, "demo-done").await;
    // Signed with the secret and sent with the token: the endpoint does not know the key.
    wait_for(&root, "[data-error-code='UnrecognizedClientException'], [data-error-code='InvalidSignatureException']").await;
    assert!(memory_holds(&shifted_secret).is_some(), "the test finds the secret while it is held");
    root.query_selector("[name='forget-credentials']").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    sleep(100).await;
    assert_eq!(memory_holds(&shifted_secret), None, "the secret is still in the wasm memory after Forget");
    assert_eq!(memory_holds(&shifted_token), None, "the session token is still in the wasm memory after Forget");
    drop(handle);
    root.remove();
}
