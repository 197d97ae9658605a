//! The fetch machinery shared by the page and the widget: one request at a time (a new one
//! aborts the previous), retry progress, and the clock correction learned along the way.

use fuota_core::wire::response::JsonAnswer;

use fuota_core::campaign::task::TaskAnswer;
use fuota_core::wire::clock::ClockCorrection;
use fuota_core::wire::retry::Progress;
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;
use web_sys::AbortController;

use crate::browser::request::{self, SendOptions};

/// What a fetch ends with.
pub type Outcome = Result<TaskAnswer, ConsoleError>;

#[derive(Clone, Copy)]
pub struct FetchState {
    /// Learned from a clock-skew answer, kept for every later request to the same host.
    clock: RwSignal<ClockCorrection>,
    pub clock_notice: RwSignal<Option<String>>,
    /// "throttled (…), retrying in 0.4 s, attempt 2 of 3" while a retry waits.
    pub progress: RwSignal<Option<String>>,
    in_flight: StoredValue<Option<AbortController>, LocalStorage>,
}

/// A request that has been started: its controller (a retry of the same read shares it).
#[derive(Clone)]
pub struct Started {
    controller: AbortController,
}

impl FetchState {
    pub fn new() -> Self {
        Self {
            clock: RwSignal::new(ClockCorrection::default()),
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
        Ok(Started { controller })
    }

    /// Sends `request` for a started request, reporting progress into the signals.
    pub async fn send(self, connection: &Connection, request: &Request, started: &Started) -> Result<JsonAnswer, ConsoleError> {
        request::send(connection, request, &started.controller, self.options(connection), &move |p| match p {
            Progress::ClockCorrected { .. } => self.hear(p),
            Progress::Retrying { .. } => self.progress.set(Some(p.sentence())),
        })
        .await
    }

    /// How a request through `connection` is sent: with the clock correction learned so far from
    /// its destination (none when it was learned from another host).
    pub fn options(&self, connection: &Connection) -> SendOptions {
        let offset = self.clock.try_with_untracked(|c| c.offset_for(connection.destination())).unwrap_or(0);
        SendOptions { clock_offset_ms: offset, ..SendOptions::default() }
    }

    /// The service's time now, as best known: the browser's clock corrected by what the service
    /// said of it (the start-time rule and "silent since" are the service's time).
    pub fn now_ms(&self, connection: Signal<Option<Connection>>) -> i64 {
        let offset = connection.with_untracked(|c| c.as_ref().map(|c| self.options(c).clock_offset_ms)).unwrap_or(0);
        crate::browser::clock::now_millis() as i64 + offset
    }

    /// Hears such a request's progress: a clock correction is kept for every later request; its
    /// retries are its own (the main request's progress line is not theirs).
    pub fn hear(&self, progress: Progress) {
        if let Progress::ClockCorrected { host, offset_ms } = &progress {
            let _ = self.clock.try_set(ClockCorrection::learned(host, *offset_ms));
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
    /// Reads a task through `fetch` and types the answer: the one task read of the page and the
    /// widget. In the console's part, with the rest of a request's machinery, so that the page's
    /// first part has none of it.
    pub fn read_task / read_task_part [console, "signer"] (fetch: FetchState, connection: Connection, request: Request, started: Started) -> Pending<Outcome> {
        Box::pin(async move { fetch.send(&connection, &request, &started).await.and_then(TaskAnswer::read) })
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
