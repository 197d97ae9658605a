//! One signed IoT Wireless request over `fetch`, for any operation: sign with the browser clock,
//! send exactly what was signed (method, URL byte for byte, body), read, classify.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use fuota_core::wire::connection::{Connection, PreparedRequest};
use fuota_core::wire::failure::{classify, FailedFetch};
use fuota_core::wire::operation::Idempotency;
use fuota_core::wire::response::{read_answer, too_large, HttpAnswer, JsonAnswer, MAX_BODY_BYTES};
use fuota_core::wire::signing::{sign_request, time_from_epoch_millis};
use fuota_core::ConsoleError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::clock::{self, next_task};

/// How long one attempt may take before it is aborted.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// Clears the attempt's timer however the attempt ends.
struct TimerGuard(Option<leptos::prelude::TimeoutHandle>);

impl Drop for TimerGuard {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            t.clear();
        }
    }
}

/// Forwards the caller's cancel to one attempt; the listener is removed when the attempt ends.
struct CancelForward {
    cancel: AbortSignal,
    listener: Closure<dyn FnMut()>,
}

impl CancelForward {
    fn new(cancel: &AbortSignal, attempt: &AbortController) -> Self {
        let attempt = attempt.clone();
        let listener = Closure::<dyn FnMut()>::new(move || attempt.abort());
        let _ = cancel.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        Self { cancel: cancel.clone(), listener }
    }
}

impl Drop for CancelForward {
    fn drop(&mut self) {
        let _ = self.cancel.remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}

/// Reads the body as a stream, at most [`MAX_BODY_BYTES`]: a body that did not declare its length
/// (chunked) is abandoned as soon as it passes the cap, not read whole and then refused. Ok(Err(n)):
/// over the cap after `n` bytes; Err: the browser's own failure, in its words.
async fn read_capped(response: &gloo_net::http::Response, controller: &AbortController) -> Result<Result<String, usize>, String> {
    let Some(stream) = response.body() else { return Ok(Ok(String::new())) };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().dyn_into().map_err(|_| "this browser gave no stream reader".to_owned())?;
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| js_sys::Error::from(e).message().as_string().unwrap_or_default())?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
            bytes.extend(js_sys::Uint8Array::new(&value).to_vec());
        }
        if bytes.len() > MAX_BODY_BYTES {
            let _ = reader.cancel();
            controller.abort();
            return Ok(Err(bytes.len()));
        }
    }
    Ok(Ok(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Why a fetch stopped, seen from the outside (the first look: see [`explain`]).
fn failure(url: &str, detail: String, timed_out: Option<Duration>, cancelled: bool) -> ConsoleError {
    if let Some(waited) = timed_out {
        ConsoleError::Timeout { seconds: waited.as_secs().max(1) as u32 }
    } else if cancelled {
        ConsoleError::Cancelled
    } else {
        ConsoleError::Network { url: url.to_owned(), detail, cors_ruled_out: false }
    }
}

/// Hears the page's Content-Security-Policy refusing `url` while an attempt runs; the listener is
/// removed with it.
struct PolicyWatch {
    document: Option<web_sys::Document>,
    listener: Closure<dyn FnMut(web_sys::Event)>,
    refused: Rc<Cell<bool>>,
}

impl PolicyWatch {
    fn new(url: &str) -> Self {
        let refused = Rc::new(Cell::new(false));
        let (seen, url) = (Rc::clone(&refused), url.to_owned());
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let blocked = js_sys::Reflect::get(&event, &"blockedURI".into()).ok().and_then(|b| b.as_string()).unwrap_or_default();
            if !blocked.is_empty() && url.starts_with(&blocked) {
                seen.set(true);
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback("securitypolicyviolation", listener.as_ref().unchecked_ref());
        }
        Self { document, listener, refused }
    }
}

impl Drop for PolicyWatch {
    fn drop(&mut self) {
        if let Some(d) = &self.document {
            let _ = d.remove_event_listener_with_callback("securitypolicyviolation", self.listener.as_ref().unchecked_ref());
        }
    }
}

/// Whether the host answers a plain `no-cors` GET of `url` (an opaque answer, never read).
async fn no_cors_answers(url: &str, signal: &AbortSignal) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::NoCors);
    init.set_signal(Some(signal));
    JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.is_ok()
}

/// A fetch that got no answer, looked at closer: a `no-cors` request to the same URL (unsigned:
/// nothing of the credentials) tells a host that answers from one that does not, the policy watch
/// tells a refusal by this page's own CSP, and the page's origin a local-network refusal; the
/// core decides which.
async fn explain(url: &str, detail: String, watch: &PolicyWatch, signal: &AbortSignal) -> ConsoleError {
    // A cross-origin isolated page (COEP) gets no opaque answers from hosts without a CORP
    // header: there the probe cannot tell, and is not made.
    let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    let answers = if isolated { None } else { Some(no_cors_answers(url, signal).await) };
    next_task().await;
    classify(FailedFetch {
        url: url.to_owned(),
        detail,
        refused_by_policy: watch.refused.get(),
        answers_without_cors: answers,
        page_origin: web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default(),
    })
}

/// One attempt under way. Boxed: the request loop's future holds a pointer to it rather than the
/// attempt's whole state (the signature's, the fetch's), in every future that awaits that loop.
pub type Attempt = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsonAnswer, ConsoleError>>>>;

/// Signs and sends one request once, with `connection`'s current credentials. `cancel` lets the
/// caller stop it (a read; a write once sent is not stopped); a timer aborts the attempt after
/// `timeout`; `clock_offset_ms` corrects a browser clock known to be off.
pub fn attempt(connection: Connection, read: PreparedRequest, cancel: AbortSignal, timeout: Duration, clock_offset_ms: i64) -> Attempt {
    Box::pin(async move { attempt_once(&connection, &read, &cancel, timeout, clock_offset_ms).await })
}

fn browser_refused(what: &str) -> ConsoleError {
    ConsoleError::Signing { detail: format!("this browser refused {what}") }
}

async fn attempt_once(
    connection: &Connection,
    read: &PreparedRequest,
    cancel: &AbortSignal,
    timeout: Duration,
    clock_offset_ms: i64,
) -> Result<JsonAnswer, ConsoleError> {
    if cancel.aborted() {
        return Err(ConsoleError::Cancelled);
    }
    let now = clock::now_millis() + clock_offset_ms as f64;
    // Asked at every attempt: after Forget, nothing signs, not even a retry already under way.
    let credentials = connection.credentials()?;
    credentials.check_current(now as i64)?;
    let time = time_from_epoch_millis(now)?;
    let signed = sign_request(read.method.as_str(), &read.url, read.body.as_deref(), &credentials, &connection.region, time)?;
    let raw_headers = web_sys::Headers::new().map_err(|_| browser_refused("to make headers"))?;
    for h in &signed.headers {
        raw_headers.set(&h.name, &h.value).map_err(|_| browser_refused(&format!("the {} header", h.name)))?;
    }

    // This attempt's own controller: the timer aborts it without cancelling the whole request,
    // and the caller's cancel reaches it through a listener that lives as long as the attempt.
    let controller = AbortController::new().map_err(|_| ConsoleError::Network {
        url: read.send_url.clone(),
        detail: "this browser has no AbortController".into(),
        cors_ruled_out: false,
    })?;
    // A read stops at once when the caller cancels. A write, once sent, is not aborted by a cancel
    // or a newer submit: it cannot be unsent, and an abort would only hide whether it acted (the
    // attempt's own timeout still ends the wait, as `OutcomeUnknown`).
    let _forward = (read.operation.spec().idempotency == Idempotency::Read).then(|| CancelForward::new(cancel, &controller));
    let timed_out = Rc::new(Cell::new(false));
    let _timer = TimerGuard(
        leptos::prelude::set_timeout_with_handle(
            {
                let timed_out = Rc::clone(&timed_out);
                let controller = controller.clone();
                move || {
                    timed_out.set(true);
                    controller.abort();
                }
            },
            timeout.min(Duration::from_millis(fuota_core::campaign::live::MAX_TIMER_MS)),
        )
        .ok(),
    );
    let waited = || timed_out.get().then_some(timeout);
    let signal = controller.signal();
    let watch = PolicyWatch::new(&read.send_url);
    // The request is built here, not with gloo-net's builder: that one appends `&` to a URL that
    // already has a query (a known gloo-net bug, fixed upstream after the 0.6.0 that Leptos pulls), so the URL
    // fetched would not be the URL signed, and botocore's canonical form (an empty parameter)
    // refuses it. Signed for `url`, sent to `send_url`: the same, or a relay's with the same path
    // and query. A redirect is never followed: the browser would carry the session token (it
    // drops only Authorization) to wherever it points.
    let init = web_sys::RequestInit::new();
    init.set_method(read.method.as_str());
    init.set_headers(&raw_headers);
    init.set_signal(Some(&signal));
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = &read.body {
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    let request = web_sys::Request::new_with_str_and_init(&read.send_url, &init).map_err(|_| browser_refused("the request's URL"))?;
    let sent = gloo_net::http::Request::from(request).send().await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            return Err(match failure(&read.send_url, e.to_string(), waited(), cancel.aborted()) {
                ConsoleError::Network { url, detail, .. } => explain(&url, detail, &watch, &signal).await,
                other => other,
            })
        }
    };
    if response.type_() == web_sys::ResponseType::Opaqueredirect {
        return Err(ConsoleError::Redirected { host: read.destination().to_owned() });
    }
    let headers = response.headers();
    let [error_type, request_id, content_type, date] = ["x-amzn-errortype", "x-amzn-requestid", "content-type", "date"].map(|name| headers.get(name));
    let mut answer = HttpAnswer {
        status: response.status(),
        error_type: error_type.as_deref(),
        request_id: request_id.as_deref(),
        content_type: content_type.as_deref(),
        date: date.as_deref(),
        body: "",
    };
    // What an echoing endpoint or proxy sends back of the request never reaches the page: not in
    // the body, not in a header value.
    let secrets: Vec<&str> = [credentials.session_token.as_deref().map(String::as_str), Some(credentials.secret_access_key()), Some(signed.signature.as_str())]
        .into_iter()
        .flatten()
        .collect();
    let declared = headers.get("content-length").and_then(|l| l.parse::<usize>().ok());
    if let Some(length) = declared.filter(|l| *l > MAX_BODY_BYTES) {
        controller.abort();
        return Err(redacted_too_large(&answer, length, &secrets));
    }
    let body = match read_capped(&response, &controller).await {
        Ok(Ok(body)) => body,
        Ok(Err(read_so_far)) => return Err(redacted_too_large(&answer, read_so_far, &secrets)),
        Err(e) => return Err(failure(&read.send_url, e, waited(), cancel.aborted())),
    };
    answer.body = &body;
    read_answer(read.operation, &answer, &secrets)
}

/// [`too_large`] with the header values it keeps redacted.
fn redacted_too_large(answer: &HttpAnswer, length: usize, secrets: &[&str]) -> ConsoleError {
    let request_id = answer.request_id.map(|r| fuota_core::wire::response::redact(r, secrets));
    let content_type = answer.content_type.map(|c| fuota_core::wire::response::redact(c, secrets));
    too_large(&HttpAnswer { request_id: request_id.as_deref(), content_type: content_type.as_deref(), ..*answer }, length)
}
