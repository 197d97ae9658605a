//! The task's read, shared by the page and the widget (one request at a time: a new one aborts the
//! previous), and the outcome a view shows of it.

use fuota_core::campaign::task::TaskAnswer;
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;

use super::reader::{FetchState, Retries, Started};

/// What a fetch ends with.
pub type Outcome = Result<TaskAnswer, ConsoleError>;

/// A read under way. Boxed: a future that awaits it holds a pointer, not the whole request's state.
pub type Pending<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// Reads a task through `fetch` and types the answer: the one task read of the page and the
/// widget.
pub fn read_task(fetch: FetchState, connection: Connection, request: Request, started: Started) -> Pending<Outcome> {
    let reader = started.reader(fetch, connection).with_retries(Retries::Shown);
    Box::pin(async move { reader.send(&request).await.and_then(TaskAnswer::read) })
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
