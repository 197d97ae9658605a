//! The task console without its query form: progress, the task or the error, the calculator.
//! The page puts the query form beside it; the widget shows it alone.

use leptos::html::Div;
use leptos::prelude::*;

use super::calculator::Calculator;
use super::error_view::ErrorView;
use super::fields::CalcFields;
use super::session::{FetchState, Outcome};
use super::task_view::TaskView;
use crate::browser::events;

#[component]
pub fn TaskConsole(
    outcome: Signal<Option<Outcome>>,
    pending: Signal<bool>,
    fetch: FetchState,
    calc: CalcFields,
    #[prop(optional)] children: Option<Children>,
    #[prop(default = "fuota-console")] class: &'static str,
) -> impl IntoView {
    let root = NodeRef::<Div>::new();
    let task = Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.as_ref().ok()).map(|a| a.task.clone())));

    // Each new outcome: the calculator takes the task's values; host pages get an event.
    Effect::new(move |_| {
        outcome.with(|o| {
            let Some(target) = root.get_untracked() else { return };
            match o {
                Some(Ok(answer)) => {
                    calc.take_task(&answer.task);
                    events::task_loaded(&target, &answer.raw_json);
                }
                Some(Err(e)) => events::task_error(&target, e),
                None => {}
            }
        })
    });

    view! {
        <div class=class node_ref=root>
            {children.map(|c| c())}
            <section class="result" aria-live="polite" aria-busy=move || if pending.get() { "true" } else { "false" }>
                <Show when=move || pending.get()>
                    <p class="progress" data-progress="">
                        {move || fetch.progress.get().unwrap_or_else(|| "Fetching the task…".to_owned())}
                    </p>
                </Show>
                {move || fetch.clock_notice.get().map(|n| view! { <p class="notice" data-notice="clock-skew">{n}</p> })}
                {move || outcome.get().map(|o| match o {
                    Ok(answer) => view! { <TaskView answer=answer /> }.into_any(),
                    Err(error) => view! { <ErrorView error=error /> }.into_any(),
                })}
            </section>
            <Calculator calc=calc task=task />
        </div>
    }
}
