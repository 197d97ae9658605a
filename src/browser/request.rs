//! Any request the way an AWS SDK sends it: retries with backoff and jitter (a write without an
//! idempotency token is never re-sent once it may have arrived), one re-sign after a clock-skew
//! error, a timeout per attempt, and cancel through the caller's AbortController.

use std::time::Duration;

use fuota_core::wire::clock::learn_offset;
use fuota_core::wire::pages::{Page, PageCursor};
use fuota_core::wire::request::PageRequest;
use fuota_core::wire::response::JsonAnswer;
use fuota_core::wire::retry::final_error;
use fuota_core::wire::retry::{Progress, RetryPolicy};
use fuota_core::{Connection, ConsoleError, Request};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::{clock, fetch};

/// How a request is sent.
#[derive(Clone, Copy, Debug)]
pub struct SendOptions {
    pub policy: RetryPolicy,
    pub attempt_timeout: Duration,
    /// The correction for the browser's clock learned earlier from the request's destination (ms).
    pub clock_offset_ms: i64,
    /// The most pages of one list that are read (`fuota_core::wire::pages::MAX_PAGES`).
    pub max_pages: u32,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self { policy: RetryPolicy::default(), attempt_timeout: fetch::ATTEMPT_TIMEOUT, clock_offset_ms: 0, max_pages: fuota_core::wire::pages::MAX_PAGES }
    }
}

/// Waits `ms`, or fails with `Cancelled` as soon as `signal` aborts. The abort listener is removed
/// when the wait ends, so that a request retried many times does not pile listeners on the
/// caller's signal.
async fn sleep(ms: u64, signal: &AbortSignal) -> Result<(), ConsoleError> {
    if signal.aborted() {
        return Err(ConsoleError::Cancelled);
    }
    let mut listener = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let timer = web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.min(i32::MAX as u64) as i32));
        if !matches!(timer, Some(Ok(_))) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
        let _ = signal.add_event_listener_with_callback("abort", &reject);
        listener = Some(reject);
    });
    let waited = JsFuture::from(promise).await.map(|_| ()).map_err(|_| ConsoleError::Cancelled);
    if let Some(reject) = listener {
        let _ = signal.remove_event_listener_with_callback("abort", &reject);
    }
    waited
}

/// Sends `request` through `connection` until it succeeds, fails for good, or is cancelled.
/// `on_progress` hears of every retry and of a clock correction (keep it for later requests to the
/// same host). The answer is JSON: the operation's own parse (`JsonAnswer::parse`) types it.
pub async fn send(
    connection: &Connection,
    request: &Request,
    controller: &AbortController,
    options: SendOptions,
    // `dyn`: one copy of this loop in the wasm for every caller (measured: each generic copy cost KBs).
    on_progress: &dyn Fn(Progress),
) -> Result<JsonAnswer, ConsoleError> {
    let signal = controller.signal();
    let prepared = connection.prepare(request);
    let kind = request.operation.spec().idempotency;
    let mut offset = options.clock_offset_ms;
    let mut skew_corrected = false;
    let mut attempt = 1;
    loop {
        let sent = fetch::attempt(connection.clone(), prepared.clone(), signal.clone(), options.attempt_timeout, offset).await;
        let error = match sent {
            Ok(answer) => return Ok(answer),
            Err(e) => e,
        };
        if !skew_corrected {
            // A host that names a time more than an hour away is told about, never signed for.
            if let Some(learned) = learn_offset(&error, clock::now_millis() as i64, prepared.destination())? {
                // A wrong clock is not a failed attempt: re-sign once with the service's time. The
                // service refused the request's time before acting, so even a write may go again.
                skew_corrected = true;
                offset = learned;
                on_progress(Progress::ClockCorrected { host: prepared.destination().to_owned(), offset_ms: learned });
                continue;
            }
        }
        let Some((reason, delay_ms)) = options.policy.next_delay(&error, kind, attempt, js_sys::Math::random()) else {
            return Err(final_error(request.operation, error));
        };
        attempt += 1;
        on_progress(Progress::Retrying { reason, code: error.code().to_owned(), delay_ms, next_attempt: attempt, of: options.policy.max_attempts });
        sleep(delay_ms, &signal).await?;
    }
}

/// Reads every page of a list: asks for the first, then follows `NextToken` until it ends (each
/// page through [`send`], with its retries). `on_page` gets each page's items as they arrive, so
/// that what was read stays shown when a later page fails. A token given twice is a
/// `PaginationError`, a list past the cap `ListTooLong`: neither reads forever.
pub async fn read_pages<T>(
    connection: &Connection,
    request_for: &dyn Fn(&PageRequest) -> Result<Request, ConsoleError>,
    parse: fn(fuota_core::wire::json::Value) -> Result<Page<T>, String>,
    controller: &AbortController,
    options: SendOptions,
    on_page: &mut dyn FnMut(Vec<T>),
    on_progress: &dyn Fn(Progress),
) -> Result<u32, ConsoleError> {
    // What depends on the kind of item is only this: parse a page and hand its items over. The
    // paging itself is compiled once (`page_through`), not once per kind of list.
    let mut take = |value| {
        parse(value).map(|page| {
            let count = page.items.len();
            // The page's items are kept even when it is the one past the cap.
            on_page(page.items);
            (page.next_token, count)
        })
    };
    page_through(connection, request_for, &mut take, controller, options, on_progress).await
}

/// A page's next token and how many items it held, once `take` has parsed it and handed them over.
type Taken = Result<(Option<String>, usize), String>;

async fn page_through(
    connection: &Connection,
    request_for: &dyn Fn(&PageRequest) -> Result<Request, ConsoleError>,
    take: &mut dyn FnMut(fuota_core::wire::json::Value) -> Taken,
    controller: &AbortController,
    options: SendOptions,
    on_progress: &dyn Fn(Progress),
) -> Result<u32, ConsoleError> {
    let request = request_for(&PageRequest::first())?;
    let mut cursor = PageCursor::with_cap(request.operation, options.max_pages);
    // A clock correction learned on one page is used for the next ones.
    let offset = std::cell::Cell::new(options.clock_offset_ms);
    let progress = |p: Progress| {
        if let Progress::ClockCorrected { offset_ms, .. } = &p {
            offset.set(*offset_ms);
        }
        on_progress(p)
    };
    while let Some(page) = cursor.next_page() {
        let options = SendOptions { clock_offset_ms: offset.get(), ..options };
        let (next_token, count) = send(connection, &request_for(&page)?, controller, options, &progress).await?.parse(&mut *take)?.value;
        cursor.advance(next_token.as_deref(), count)?;
    }
    Ok(cursor.pages_read())
}
