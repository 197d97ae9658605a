//! The console page: query form, result (task or error), fragment calculator.

use fuota_core::deeplink::DeepLink;
use fuota_core::response::TaskAnswer;
use fuota_core::{ConsoleError, TaskQuery};
use leptos::html::Div;
use leptos::prelude::*;
use web_sys::AbortController;

use super::calculator::Calculator;
use super::error_view::ErrorView;
use super::fields::{CalcFields, QueryFields};
use super::query_form::QueryForm;
use super::task_view::TaskView;
use crate::browser::request::{self, SendOptions};
use crate::browser::{events, location};
use fuota_core::retry::Progress;

type Outcome = Result<TaskAnswer, ConsoleError>;

#[component]
pub fn App() -> impl IntoView {
    let query = QueryFields::from_link(&DeepLink::parse(&location::search()));
    let calc = CalcFields::new();
    let input_error = RwSignal::new(None::<ConsoleError>);
    let root = NodeRef::<Div>::new();

    // Learned from a clock-skew answer, kept for every later request.
    let clock_offset = RwSignal::new(0_i64);
    let clock_notice = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<String>);

    // The request in flight, so that a new submit or Cancel can abort it.
    let in_flight = StoredValue::new_local(None::<AbortController>);
    let fetch_task = Action::new_unsync(move |q: &TaskQuery| {
        let q = q.clone();
        let controller = AbortController::new().ok();
        in_flight.update_value(|current| {
            if let Some(previous) = current.take() {
                previous.abort();
            }
            current.clone_from(&controller);
        });
        progress.set(None);
        let options = SendOptions { clock_offset_ms: clock_offset.get_untracked(), ..SendOptions::default() };
        async move {
            let Some(controller) = controller else {
                return Err(ConsoleError::Network { url: q.send_url, detail: "this browser has no AbortController".into() });
            };
            request::send(&q, &controller, options, move |p| match p {
                Progress::ClockCorrected { offset_ms } => {
                    clock_offset.set(offset_ms);
                    clock_notice.set(Some(p.sentence()));
                }
                Progress::Retrying { .. } => progress.set(Some(p.sentence())),
            })
            .await
        }
    });
    let pending = fetch_task.pending();

    let on_submit = Callback::new(move |()| match TaskQuery::from_form(&query.form()) {
        Ok(q) => {
            input_error.set(None);
            fetch_task.dispatch(q);
        }
        Err(e) => input_error.set(Some(e)),
    });
    let on_cancel = Callback::new(move |()| in_flight.with_value(|c| if let Some(c) = c { c.abort() }));

    let task = Signal::derive(move || fetch_task.value().with(|v| v.as_ref().and_then(|o| o.as_ref().ok()).map(|a| a.task.clone())));

    // Each new answer: the calculator takes the task's values; host pages get an event.
    Effect::new(move |_| {
        fetch_task.version().track();
        let Some(target) = root.get_untracked() else { return };
        fetch_task.value().with_untracked(|outcome| match outcome {
            Some(Ok(answer)) => {
                calc.take_task(&answer.task);
                events::task_loaded(&target, &answer.raw_json);
            }
            Some(Err(e)) => events::task_error(&target, e),
            None => {}
        });
    });

    let outcome = move || -> Option<Outcome> { input_error.get().map(Err).or_else(|| fetch_task.value().get()) };

    view! {
        <div class="fuota-console" node_ref=root>
            <header>
                <h1>"FUOTA task console"</h1>
                <p class="tagline">"AWS IoT Wireless · GetFuotaTask signed in your browser · fragment session planner"</p>
            </header>
            <QueryForm fields=query pending=pending.into() on_submit=on_submit on_cancel=on_cancel />
            <section class="result" aria-live="polite" aria-busy=move || if pending.get() { "true" } else { "false" }>
                <Show when=move || pending.get()>
                    <p class="progress" data-progress="">{move || progress.get().unwrap_or_else(|| "Fetching the task…".to_owned())}</p>
                </Show>
                {move || clock_notice.get().map(|n| view! { <p class="notice" data-notice="clock-skew">{n}</p> })}
                {move || outcome().map(|o| match o {
                    Ok(answer) => view! { <TaskView answer=answer /> }.into_any(),
                    Err(error) => view! { <ErrorView error=error /> }.into_any(),
                })}
            </section>
            <Calculator calc=calc task=task />
        </div>
    }
}
