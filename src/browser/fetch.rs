//! One signed GetFuotaTask over `fetch`: sign with the browser clock, send, read, classify.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use fuota_core::response::{read_get_fuota_task, too_large, HttpAnswer, TaskAnswer, MAX_BODY_BYTES};
use fuota_core::signing::{sign_get, time_from_epoch_millis};
use fuota_core::{ConsoleError, TaskQuery};
use gloo_net::http::{Headers, Request};
use web_sys::AbortController;

use super::clock;

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

/// Why a fetch stopped, seen from the outside.
fn failure(url: &str, detail: String, timed_out: bool, cancelled: bool) -> ConsoleError {
    if timed_out {
        ConsoleError::Timeout { seconds: ATTEMPT_TIMEOUT.as_secs() as u32 }
    } else if cancelled {
        ConsoleError::Cancelled
    } else {
        ConsoleError::Network { url: url.to_owned(), detail }
    }
}

/// Signs and sends `GET /fuota-tasks/{Id}`. `controller` lets the caller cancel; a timer aborts
/// the attempt after `timeout`.
pub async fn get_fuota_task(
    query: &TaskQuery,
    controller: &AbortController,
    timeout: Duration,
) -> Result<TaskAnswer, ConsoleError> {
    let time = time_from_epoch_millis(clock::now_millis())?;
    let signed = sign_get(&query.url, &query.credentials, &query.region, time)?;
    let raw_headers = web_sys::Headers::new().map_err(|_| ConsoleError::Signing { detail: "no Headers in this browser".into() })?;
    for h in &signed {
        raw_headers
            .set(&h.name, &h.value)
            .map_err(|_| ConsoleError::Signing { detail: format!("the browser refused the {} header", h.name) })?;
    }

    let timed_out = Rc::new(Cell::new(false));
    let _timer = TimerGuard(leptos::prelude::set_timeout_with_handle(
        {
            let timed_out = Rc::clone(&timed_out);
            let controller = controller.clone();
            move || {
                timed_out.set(true);
                controller.abort();
            }
        },
        timeout,
    )
    .ok());
    let signal = controller.signal();
    let sent = Request::get(&query.url)
        .headers(Headers::from_raw(raw_headers))
        .abort_signal(Some(&signal))
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => return Err(failure(&query.url, e.to_string(), timed_out.get(), signal.aborted())),
    };
    let headers = response.headers();
    let (error_type, request_id, content_type) =
        (headers.get("x-amzn-errortype"), headers.get("x-amzn-requestid"), headers.get("content-type"));
    let mut answer = HttpAnswer {
        status: response.status(),
        error_type: error_type.as_deref(),
        request_id: request_id.as_deref(),
        content_type: content_type.as_deref(),
        body: "",
    };
    let declared = headers.get("content-length").and_then(|l| l.parse::<usize>().ok());
    if let Some(length) = declared.filter(|l| *l > MAX_BODY_BYTES) {
        controller.abort();
        return Err(too_large(&answer, length));
    }
    let body = response.text().await.map_err(|e| failure(&query.url, e.to_string(), timed_out.get(), signal.aborted()))?;
    answer.body = &body;
    read_get_fuota_task(&answer)
}
