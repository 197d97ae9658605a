//! How a write is shown: its review (operation, host, IAM action, who signs it, the task it acts
//! on, what changes, the exact body) with *Send* and *Back*, and how it ended.

use fuota_core::run::actions::status_rule;
use fuota_core::run::flow::Reviewed;
use fuota_core::run::review::WriteOutcome;
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::{FuotaTask, Operation};
use leptos::prelude::*;

use super::send::Sendable;

/// How a write ended, as the page shows it.
#[derive(Clone)]
pub struct WriteResult {
    pub operation: Operation,
    pub outcome: WriteOutcome,
    pub code: Option<String>,
    pub sentence: String,
    /// What a read-back found, or what to do next.
    pub follow_up: Option<FollowUp>,
    /// The task written to, as reviewed (a new task's id once created).
    pub task_id: Option<String>,
}

#[derive(Clone)]
pub enum FollowUp {
    Text(String),
    /// What the task's status allows, as the task read again after the write says it.
    StatusRule,
}

/// The review of a write. `sending`: *Send* was pressed and calls are out.
pub fn review_view(r: Reviewed<Sendable>, sending: Signal<bool>, on_confirm: Callback<()>, on_back: Callback<()>) -> AnyView {
    let batch_note = match &r.send {
        Sendable::Batch { items, unknown, .. } => Some(format!(
            "One call per item: {} calls, at most {MAX_IN_FLIGHT} at a time{}.",
            items.len(),
            if unknown.is_empty() { String::new() } else { format!("; {} DevEUIs match no device and will not be sent", unknown.len()) }
        )),
        Sendable::One { .. } => None,
    };
    let Reviewed { review, binding, .. } = r;
    let task = binding.task.as_ref().map(|t| (t.id.clone(), t.shown()));
    view! {
        <div class="review" data-write-review="" data-operation=review.operation.name()>
            <h3>"Review before sending"</h3>
            <dl class="fields">
                <div class="field"><dt>"Operation"</dt><dd><code>{review.operation.name()}</code>" "<code>{review.method_and_path}</code></dd></div>
                <div class="field"><dt>"Sent to"</dt><dd><code data-write-host="">{review.host}</code></dd></div>
                <div class="field"><dt>"Signed as"</dt><dd><code data-write-principal="">{binding.principal_shown()}</code></dd></div>
                {task.map(|(id, shown)| view! { <div class="field"><dt>"Task"</dt><dd data-write-task=id>{shown}</dd></div> })}
                <div class="field"><dt>"IAM action"</dt><dd><code>{review.iam_action}</code></dd></div>
            </dl>
            {(!review.changes.is_empty()).then(|| view! {
                <table class="changes">
                    <thead><tr><th scope="col">"Member"</th><th scope="col">"Now"</th><th scope="col">"After"</th></tr></thead>
                    <tbody>{review.changes.into_iter().map(|c| view! {
                        <tr data-change=c.member><th scope="row">{c.member}</th><td>{c.old.unwrap_or_else(|| "—".to_owned())}</td><td>{c.new}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            })}
            {batch_note.map(|n| view! { <p>{n}</p> })}
            <p class="label">"Body, exactly as sent"</p>
            <pre data-write-body="" tabindex="0">{review.body}</pre>
            {review.caution.map(|c| view! { <p class="notice">{c}</p> })}
            <div class="actions">
                <button type="button" data-action="confirm-write" disabled=move || sending.get() on:click=move |ev| trusted(ev, on_confirm)>
                    {move || if sending.get() { "Sending…" } else { "Send" }}
                </button>
                <button type="button" class="secondary" data-action="back" disabled=move || sending.get() on:click=move |_| on_back.run(())>"Back"</button>
            </div>
        </div>
    }
    .into_any()
}

/// Runs `action` for a click the user made: a click a script dispatched (`isTrusted` false: a
/// portal's script driving a widget's shadow root) sends nothing.
pub fn trusted(ev: leptos::ev::MouseEvent, action: Callback<()>) {
    if ev.is_trusted() {
        action.run(());
    }
}

/// How the write ended, with what follows.
pub fn result_view(r: WriteResult, task: Signal<Option<FuotaTask>>) -> AnyView {
    view! {
        <div class="write-result" class:error=r.outcome != WriteOutcome::Succeeded role="status"
            data-write-result="" data-operation=r.operation.name() data-outcome=r.outcome.as_str() data-error-code=r.code.clone()>
            <p>{r.sentence}</p>
            {r.follow_up.map(|f| match f {
                FollowUp::Text(t) => view! { <p class="follow-up" data-follow-up="">{t}</p> }.into_any(),
                FollowUp::StatusRule => view! {
                    <p class="follow-up">{move || task.with(|t| format!("Read again: {}", status_rule(t.as_ref().and_then(|t| t.status.as_ref()))))}</p>
                }.into_any(),
            })}
        </div>
    }
    .into_any()
}
