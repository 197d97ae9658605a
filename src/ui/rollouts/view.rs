//! The rollouts view: every rollout of the region with its state, its waves and its next step in
//! words; an open rollout offers what the core says it allows (the next wave when the gate holds
//! or a reason is typed, a follow-up of the retryable failures, a finished wave's clean-up).

use fuota_core::rollout::state::{NextStep, Rollout, RolloutState, WaveView};
use leptos::prelude::*;

use super::{RolloutHub, RolloutIntent};
use crate::ui::error_view::ErrorView;

fn number(n: usize) -> String {
    n.to_string()
}

pub fn rollouts_view(hub: RolloutHub) -> AnyView {
    let s = hub.state();
    let count = move || {
        let n = s.rollouts.with(Vec::len);
        match (n, s.complete.get()) {
            (_, false) => "Reading…".to_owned(),
            (0, true) => "No rollout in this region: tasks that carry no rollout tags are not rollouts.".to_owned(),
            (1, true) => "1 rollout".to_owned(),
            (n, true) => format!("{n} rollouts"),
        }
    };
    view! {
        <section class="rollouts" data-view="rollouts" aria-labelledby="rollouts-title" data-rollouts-complete=move || s.complete.get().to_string()>
            <h2 id="rollouts-title">"Rollouts"</h2>
            <div class="actions">
                {hub.writable().then(|| view! {
                    <button type="button" class="secondary" data-action="new-rollout" on:click=move |_| hub.new_rollout(super::starting_form(), Vec::new())>"New rollout"</button>
                })}
                <button type="button" class="secondary" data-action="refresh-rollouts" on:click=move |_| hub.reload()>"Read again"</button>
            </div>
            <p class="count" aria-live="polite">{count}</p>
            {move || s.progress.get().map(|p| view! { <p class="progress" data-rollouts-progress="">{p}</p> })}
            {move || s.live.get().then(|| view! {
                <p class="live" data-live="">{format!("Live: read again every {} s while a wave's session waits or runs.", hub.refresh_seconds)}</p>
            })}
            {move || s.error.get().map(|e| view! { <ErrorView error=e /> })}
            // Keyed by what a card shows: a live re-read redraws only the rollouts that moved (an
            // override reason being typed keeps its focus).
            <For each=move || s.rollouts.get() key=move |r| card_key(r, s) children=move |r| rollout_card(hub, r) />
        </section>
    }
    .into_any()
}

fn card_key(r: &Rollout, s: super::RolloutsState) -> String {
    let groups = |task: &str| s.groups.with_untracked(|g| g.get(task).map_or(0, Vec::len));
    let waves: Vec<String> = r
        .waves
        .iter()
        .map(|w| {
            let (label, status) = (w.label.tag_value(), w.status.as_str());
            format!("{label}:{}:{status}:{}:{}:{}:{}", w.task_id, w.devices.len(), w.tally.succeeded, w.tally.failed, groups(&w.task_id))
        })
        .collect();
    format!("{}|{}|{}|{}", r.id.as_ref().map_or("", |i| i.as_str()), r.state.as_str(), r.sentence, waves.join(","))
}

fn rollout_card(hub: RolloutHub, r: Rollout) -> impl IntoView {
    let s = hub.state();
    let id = r.id.as_ref().map(|i| i.as_str().to_owned()).unwrap_or_default();
    let name =
        r.plan.as_ref().map(|p| p.name.as_str().to_owned()).unwrap_or_else(|| if id.is_empty() { "(unreadable rollout)".to_owned() } else { id.clone() });
    let succeeded: usize = r.waves.iter().map(|w| w.tally.succeeded).sum();
    let failed: usize = r.waves.iter().map(|w| w.tally.failed).sum();
    let fleet = r.progress.fleet.map(|f| f.to_string());
    let open_id = id.clone();
    let is_open = Memo::new(move |_| s.opened.with(|o| o.as_deref() == Some(open_id.as_str())) && !open_id.is_empty());
    let toggle_id = id.clone();
    let toggle = move |_| s.opened.update(|o| *o = if o.as_deref() == Some(toggle_id.as_str()) { None } else { Some(toggle_id.clone()) });
    let waves = r.waves.clone();
    let rows_id = id.clone();
    let rows = waves.into_iter().map(|w| wave_row(hub, rows_id.clone(), w, is_open)).collect_view();
    let problems = (!r.problems.is_empty()).then(|| {
        view! { <ul class="problems" data-rollout-problems="">{r.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul> }
    });
    let for_actions = r.clone();
    let notes = r.notes.iter().map(|n| view! { <p class="notice">{n.clone()}</p> }).collect_view();
    view! {
        <article class="rollout" data-rollout="" data-rollout-id=id data-state=r.state.as_str()
            data-fleet=fleet data-succeeded=number(succeeded) data-failed=number(failed)>
            <h3>{name}" "<span class=format!("badge tone-{}", tone(r.state))>{r.state.as_str()}</span></h3>
            <p data-rollout-sentence="">{r.sentence.clone()}</p>
            <p class="hint" data-rollout-progress="">{r.progress.sentence()}</p>
            {problems}
            {notes}
            <div class="table-scroll" tabindex="0" role="region" aria-label="Waves">
                <table>
                    <thead><tr>
                        <th scope="col">"Wave"</th><th scope="col">"Task"</th><th scope="col">"Status"</th><th scope="col">"Devices"</th>
                        <th scope="col">"Succeeded"</th><th scope="col">"Failed"</th><th scope="col">"Success"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="next-step" data-next-step="">{r.next.sentence()}</p>
            <button type="button" class="secondary" data-action="open-rollout" aria-expanded=move || is_open.get().to_string() on:click=toggle>
                {move || if is_open.get() { "Close" } else { "Open" }}
            </button>
            <Show when=move || is_open.get()>{let r = for_actions.clone(); move || actions_view(hub, &r)}</Show>
        </article>
    }
}

fn tone(state: RolloutState) -> &'static str {
    match state {
        RolloutState::Running | RolloutState::Waiting => "pending",
        RolloutState::Done => "done",
        RolloutState::Held | RolloutState::Halted | RolloutState::Damaged => "failed",
    }
}

fn wave_row(hub: RolloutHub, rollout: String, w: WaveView, is_open: Memo<bool>) -> impl IntoView {
    let label = w.label.tag_value();
    let success = w.success_percent().map(|p| p.to_string());
    let group = hub.state().groups.with_untracked(|g| g.get(&w.task_id).and_then(|g| g.first().cloned()));
    let clean_up = (w.ended() && group.is_some() && hub.writable()).then(|| {
        let (rollout, wave, group_id) = (rollout.clone(), label.clone(), group.clone().unwrap_or_default());
        view! {
            <Show when=move || is_open.get()>
                <button type="button" class="secondary" data-action="clean-up-wave"
                    on:click={let (rollout, wave, group_id) = (rollout.clone(), wave.clone(), group_id.clone());
                        move |_| hub.intent.set(Some(RolloutIntent::CleanUp { rollout: rollout.clone(), wave: wave.clone(), group_id: group_id.clone() }))}>
                    "Clean up"
                </button>
            </Show>
        }
    });
    let starts = w.starts.as_ref().map(|s| format!(" · starts {}", s.local));
    view! {
        <tr data-wave="" data-wave-number=label.clone() data-task-id=w.task_id.clone() data-status=w.status.as_str().to_owned()
            data-devices=number(w.devices.len()) data-succeeded=number(w.tally.succeeded) data-failed=number(w.tally.failed) data-success-percent=success.clone()>
            <th scope="row">{w.label.words()}</th>
            <td><code>{w.task_id.clone()}</code></td>
            <td>{w.status.label().to_owned()}{starts}</td>
            <td>{w.devices.len()}</td>
            <td>{w.tally.succeeded}</td>
            <td>{w.tally.failed}</td>
            <td>{success.clone().map(|p| format!("{p} %")).unwrap_or_else(|| "—".to_owned())}
                {w.reason.clone().map(|r| view! { <p class="hint">"Override: "<q data-override-reason="">{r}</q></p> })}
            </td>
            <td>{clean_up}</td>
        </tr>
    }
}

/// What an open rollout offers, as its next step says.
fn actions_view(hub: RolloutHub, r: &Rollout) -> AnyView {
    let s = hub.state();
    if !hub.writable() {
        return view! { <div data-rollout-actions=""><p class="hint">"Shown only: this view was mounted without writes."</p></div> }.into_any();
    }
    let Some(id) = r.id.as_ref().map(|i| i.as_str().to_owned()) else {
        return view! { <div data-rollout-actions=""><p class="hint">"Nothing is offered on a rollout whose id cannot be read."</p></div> }.into_any();
    };
    let (passes, go_on_with_reason) = match r.next {
        NextStep::Review(_) => (true, false),
        NextStep::Decide { go_on: Some(_), .. } => (false, true),
        _ => (false, false),
    };
    let follow_up = matches!(r.next, NextStep::Review(_) | NextStep::Decide { .. } | NextStep::Finished { .. }) && !r.follow_up().devices.is_empty();
    let reason_id = id.clone();
    let reason = Memo::new(move |_| s.reasons.with(|m| m.get(&reason_id).cloned().unwrap_or_default()));
    let set_id = id.clone();
    let set_reason = move |ev| {
        let v = event_target_value(&ev);
        s.reasons.update(|m| {
            m.insert(set_id.clone(), v);
        })
    };
    let next_id = id.clone();
    let next = move |_| hub.intent.set(Some(RolloutIntent::Next { rollout: next_id.clone(), reason: reason.get_untracked() }));
    // A wave made and not started: its start, when it has devices to start for (a wave stopped
    // before its devices or group were given is not offered: its task would run for nobody).
    let start = match r.next {
        NextStep::Start(label) => r.waves.iter().find(|w| w.label == label && !w.devices.is_empty()).map(|w| (label.tag_value(), w.task_id.clone())),
        _ => None,
    };
    let start_id = id.clone();
    let start_button = start.map(|(wave, task_id)| {
        let open = move |_| hub.intent.set(Some(RolloutIntent::Start { rollout: start_id.clone(), wave: wave.clone(), task_id: task_id.clone() }));
        view! { <button type="button" data-action="start-wave" on:click=open>"Review the wave's start"</button> }
    });
    let follow_id = id.clone();
    let follow = move |_| hub.intent.set(Some(RolloutIntent::FollowUp { rollout: follow_id.clone() }));
    view! {
        <div class="rollout-actions" data-rollout-actions="">
            {go_on_with_reason.then(|| view! {
                <div class="control">
                    <label class="label">"Reason to go on past the gate (kept in the next wave's tags)"
                        <input type="text" name="override-reason" autocomplete="off" prop:value=move || reason.get() on:input=set_reason />
                    </label>
                </div>
            })}
            {start_button}
            <Show when=move || passes || (go_on_with_reason && !reason.with(|r| r.trim().is_empty()))>
                <button type="button" data-action="next-wave" on:click=next.clone()>"Next wave"</button>
            </Show>
            {follow_up.then(|| view! { <button type="button" class="secondary" data-action="follow-up-wave" on:click=follow.clone()>"Follow-up of the failed devices"</button> })}
        </div>
    }
    .into_any()
}
