//! GetFuotaTask the way an AWS SDK sends it: retries with backoff and jitter, one re-sign after a
//! clock-skew error, a timeout per attempt, and cancel through the caller's AbortController.

use std::time::Duration;

use fuota_core::clock_skew::learn_offset;
use fuota_core::response::TaskAnswer;
use fuota_core::retry::{Progress, RetryPolicy};
use fuota_core::{ConsoleError, TaskQuery};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::{clock, fetch};

/// How a request is sent.
#[derive(Clone, Copy, Debug)]
pub struct SendOptions {
    pub policy: RetryPolicy,
    pub attempt_timeout: Duration,
    /// The correction for the browser's clock, learned earlier (ms).
    pub clock_offset_ms: i64,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self { policy: RetryPolicy::default(), attempt_timeout: fetch::ATTEMPT_TIMEOUT, clock_offset_ms: 0 }
    }
}

/// Waits `ms`, or fails with `Cancelled` as soon as `signal` aborts.
async fn sleep(ms: u64, signal: &AbortSignal) -> Result<(), ConsoleError> {
    if signal.aborted() {
        return Err(ConsoleError::Cancelled);
    }
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let timer = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.min(i32::MAX as u64) as i32)
        });
        if !matches!(timer, Some(Ok(_))) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
        let _ = signal.add_event_listener_with_callback("abort", &reject);
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(|_| ConsoleError::Cancelled)
}

/// Sends the query until it succeeds, fails for good, or is cancelled. `on_progress` hears of
/// every retry and of a clock correction (keep the offset for later requests).
pub async fn send(
    query: &TaskQuery,
    controller: &AbortController,
    options: SendOptions,
    on_progress: impl Fn(Progress),
) -> Result<TaskAnswer, ConsoleError> {
    let signal = controller.signal();
    let mut offset = options.clock_offset_ms;
    let mut skew_corrected = false;
    let mut attempt = 1;
    loop {
        let error = match fetch::get_fuota_task(query, &signal, options.attempt_timeout, offset).await {
            Ok(answer) => return Ok(answer),
            Err(e) => e,
        };
        if !skew_corrected {
            if let Some(learned) = learn_offset(&error, clock::now_millis() as i64) {
                // A wrong clock is not a failed attempt: re-sign once with the service's time.
                skew_corrected = true;
                offset = learned;
                on_progress(Progress::ClockCorrected { offset_ms: learned });
                continue;
            }
        }
        let Some((reason, delay_ms)) = options.policy.next_delay(&error, attempt, js_sys::Math::random()) else {
            return Err(error);
        };
        attempt += 1;
        on_progress(Progress::Retrying { reason, code: error.code().to_owned(), delay_ms, next_attempt: attempt, of: options.policy.max_attempts });
        sleep(delay_ms, &signal).await?;
    }
}
