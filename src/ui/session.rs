//! The fetch machinery shared by the page and the widget: one request at a time (a new one
//! aborts the previous), retry progress, and the clock correction learned along the way.

use fuota_core::response::{JsonAnswer, TaskAnswer};
use fuota_core::retry::Progress;
use fuota_core::{Connection, ConsoleError, ReadRequest};
use leptos::prelude::*;
use web_sys::AbortController;

use crate::browser::request::{self, SendOptions};

/// What a fetch ends with.
pub type Outcome = Result<TaskAnswer, ConsoleError>;

#[derive(Clone, Copy)]
pub struct FetchState {
    /// Learned from a clock-skew answer, kept for every later request.
    clock_offset: RwSignal<i64>,
    pub clock_notice: RwSignal<Option<String>>,
    /// "throttled (…), retrying in 0.4 s, attempt 2 of 3" while a retry waits.
    pub progress: RwSignal<Option<String>>,
    in_flight: StoredValue<Option<AbortController>, LocalStorage>,
}

/// A request that has been started: its controller and how to send it.
pub struct Started {
    controller: AbortController,
    options: SendOptions,
}

impl FetchState {
    pub fn new() -> Self {
        Self {
            clock_offset: RwSignal::new(0),
            clock_notice: RwSignal::new(None),
            progress: RwSignal::new(None),
            in_flight: StoredValue::new_local(None),
        }
    }

    /// Aborts the request in flight, if any, and starts a new one. Call it synchronously in the
    /// action so that a new submit supersedes the previous one at once.
    pub fn begin(&self) -> Result<Started, ConsoleError> {
        let controller = supersede(self.in_flight)
            .ok_or_else(|| ConsoleError::Network { url: String::new(), detail: "this browser has no AbortController".into(), cors_ruled_out: false })?;
        self.progress.set(None);
        Ok(Started { controller, options: SendOptions { clock_offset_ms: self.clock_offset.get_untracked(), ..SendOptions::default() } })
    }

    /// Sends `request` for a started request, reporting progress into the signals.
    pub async fn send(self, connection: &Connection, request: &ReadRequest, started: &Started) -> Result<JsonAnswer, ConsoleError> {
        request::send(connection, request, &started.controller, started.options, &move |p| match p {
            Progress::ClockCorrected { offset_ms } => {
                self.clock_offset.set(offset_ms);
                self.clock_notice.set(Some(p.sentence()));
            }
            Progress::Retrying { .. } => self.progress.set(Some(p.sentence())),
        })
        .await
    }

    /// How a request beside the main one is sent (the campaign's lists, the task list's
    /// statuses): with the clock correction learned so far.
    pub fn options(&self) -> SendOptions {
        SendOptions { clock_offset_ms: self.clock_offset.try_get_untracked().unwrap_or(0), ..SendOptions::default() }
    }

    /// Hears such a request's progress: a clock correction is kept for every later request; its
    /// retries are its own (the main request's progress line is not theirs).
    pub fn hear(&self, progress: Progress) {
        if let Progress::ClockCorrected { offset_ms } = progress {
            let _ = self.clock_offset.try_set(offset_ms);
            let _ = self.clock_notice.try_set(Some(progress.sentence()));
        }
    }

    /// Cancels the request in flight.
    pub fn cancel(&self) {
        self.in_flight.try_with_value(|c| {
            if let Some(c) = c {
                c.abort();
            }
        });
    }
}

/// A read under way, as a part hands it back.
pub type Pending<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

crate::on_demand! {
    /// Reads a task through `fetch` and types the answer: in the console's part, with the rest of
    /// a request's machinery, so that the page's first part has none of it.
    pub fn read_task / read_task_part [console, "signer"] (fetch: FetchState, connection: Connection, request: ReadRequest, started: Started) -> Pending<Outcome> {
        Box::pin(async move { fetch.send(&connection, &request, &started).await.and_then(JsonAnswer::into_task) })
    }
}

/// Starts a new request in `slot`, aborting the one it replaces: each view reads one thing at a
/// time (a new submit, list or campaign read supersedes the last). None without AbortController.
pub fn supersede(slot: StoredValue<Option<AbortController>, LocalStorage>) -> Option<AbortController> {
    let controller = AbortController::new().ok()?;
    slot.try_update_value(|current| {
        if let Some(previous) = current.replace(controller.clone()) {
            previous.abort();
        }
    });
    Some(controller)
}

/// The outcome the view shows: set once per new answer (or form error), so that the view's
/// effects — the calculator taking the task's values, the events for host pages — run once per
/// answer, never again for an old one.
pub fn outcome_of(action: Action<impl Send + Sync + 'static, Outcome>) -> RwSignal<Option<Outcome>> {
    let outcome = RwSignal::new(None);
    Effect::new(move |_| {
        action.version().track();
        if let Some(latest) = action.value().get_untracked() {
            outcome.set(Some(latest));
        }
    });
    outcome
}

impl Default for FetchState {
    fn default() -> Self {
        Self::new()
    }
}
