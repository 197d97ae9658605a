//! The runner's forms, drawn from one state each: the task's form (new or edit) as one
//! `RwSignal<TaskForm>` of the core's type, its text controls from the core's table; the targets,
//! the start time and the deletion's confirmation.

use fuota_core::campaign::lists::MulticastGroup;
use fuota_core::run::actions::delete_confirmation;
use fuota_core::run::form::{descriptor_preview, DescriptorEncoding, TaskForm, TaskSpec, RF_REGIONS};
use fuota_core::run::targets::{group_fits_task, Batch, ItemState};
use fuota_core::wire::error::Field;
use fuota_core::wire::time::Timestamp;
use fuota_core::{ConsoleError, FuotaTask};
use leptos::prelude::*;

use crate::browser::clock;
use crate::ui::controls::{choice, control, no_hint, Bound, Described, Keyboard, Refusal};

/// One member of the task's form, as a control's value.
fn member(form: RwSignal<TaskForm>, field: Field) -> Bound {
    Bound {
        get: Signal::derive(move || form.with(|f| f.text(field).unwrap_or_default().to_owned())),
        set: Callback::new(move |v| form.update(|f| f.set_text(field, v))),
    }
}

fn options(list: &[(&'static str, &'static str)]) -> impl Fn() -> Vec<(String, String)> + Send + Sync + 'static {
    let list: Vec<(String, String)> = list.iter().map(|(v, t)| ((*v).to_owned(), (*t).to_owned())).collect();
    move || list.clone()
}

/// The new task's (or the edit's) form. `creating`: tags are the create's alone.
pub fn task_form(
    form: RwSignal<TaskForm>,
    refusal: Refusal,
    creating: Signal<bool>,
    spec: Memo<Result<TaskSpec, ConsoleError>>,
    warnings: Memo<Vec<fuota_core::radio::lorawan::Warning>>,
) -> AnyView {
    let regions: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose…".to_owned())).chain(RF_REGIONS.iter().map(|r| ((*r).to_owned(), (*r).to_owned()))).collect();
    let text = move |field: Field, label: &'static str| control(label, Keyboard::Text, member(form, field), no_hint(), refusal, field);
    let [name, description, image, role, fragment_size, interval, redundancy, descriptor] = TaskForm::TEXT_CONTROLS.map(|(field, label)| text(field, label));
    let encoding = Signal::derive(move || form.with(|f| f.descriptor_encoding.as_str().to_owned()));
    view! {
        <div class="run-form" data-view="new-task">
            {name}
            {description}
            {choice(Field::NewTaskRfRegion.name(), "RF region", member(form, Field::NewTaskRfRegion).get, move || regions.clone(),
                move |v| form.update(|f| f.rf_region = v), refusal, Field::NewTaskRfRegion)}
            {image}
            {role}
            {fragment_size}
            {interval}
            {redundancy}
            {choice("new-task-descriptor-encoding", "Descriptor typed as", encoding, options(&[("text", "text"), ("hex", "hex"), ("base64", "base64")]),
                move |v| form.update(|f| f.descriptor_encoding = DescriptorEncoding::parse(&v)), refusal, Field::NewTaskDescriptor)}
            {descriptor}
            {move || {
                let (count, shown) = form.with(|f| descriptor_preview(&f.descriptor, f.descriptor_encoding))?;
                Some(view! { <p class="hint" data-descriptor-bytes=count.to_string()>{shown}</p> })
            }}
            <Show when=move || creating.get()>
                {control("Tags (key=value, one per line; optional)", Keyboard::Lines, member(form, Field::NewTaskTags), no_hint(), refusal, Field::NewTaskTags)}
            </Show>
            {move || warnings.get().into_iter().map(|w| view! { <p class="warning" data-warning=w.code()>{w.sentence()}</p> }).collect_view()}
            {move || spec.with(|s| s.as_ref().err().map(|e| view! { <p class="hint" data-form-problem="">{e.sentence()}</p> }))}
        </div>
    }
    .into_any()
}

/// What the targets form is drawn from.
#[derive(Clone, Copy)]
pub struct Targets {
    pub kind: RwSignal<String>,
    pub ids: RwSignal<String>,
    pub groups: RwSignal<Vec<(String, Option<MulticastGroup>)>>,
    pub batch: RwSignal<Option<Batch>>,
}

/// Adds a picked group's id to the list, once.
fn pick(ids: RwSignal<String>, id: &str) {
    ids.update(|t| {
        if !t.lines().any(|l| l.trim() == id) {
            if !t.is_empty() && !t.ends_with('\n') {
                t.push('\n');
            }
            t.push_str(id);
        }
    })
}

/// The devices or groups to add, the account's groups of the task's region to pick from, and the
/// batch's progress once sent.
pub fn targets_form(t: Targets, task: Signal<Option<FuotaTask>>, refusal: Refusal, on_stop: Callback<()>, on_retry: Callback<()>) -> AnyView {
    let region = move || task.with(|t| t.as_ref().and_then(|t| t.rf_region.clone()));
    view! {
        <div class="run-form" data-view="add-targets">
            {choice("target-kind", "Add", t.kind.into(), options(&[("devices", "wireless devices"), ("groups", "multicast groups")]), move |v| t.kind.set(v), refusal, Field::TargetIds)}
            {control("Ids (devices: ids or DevEUIs), one per line or comma-separated", Keyboard::Lines, t.ids, no_hint(), refusal, Field::TargetIds)}
            <Show when=move || t.kind.with(|k| k == "groups")>
                <ul class="run-actions">
                    {move || {
                        let ours = region();
                        t.groups.get().into_iter().filter(|(_, g)| group_fits_task(g.as_ref().and_then(|g| g.rf_region.as_deref()), ours.as_deref())).map(|(id, g)| {
                            let label = g.as_ref().and_then(|g| g.name.clone()).unwrap_or_else(|| id.clone());
                            let region = g.as_ref().and_then(|g| g.rf_region.clone()).unwrap_or_default();
                            let picked = id.clone();
                            view! {
                                <li><button type="button" class="secondary" data-pick-group=id on:click=move |_| pick(t.ids, &picked)>
                                    {format!("{label} {region}")}
                                </button></li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </Show>
            {move || batch_view(t.batch, on_stop, on_retry)}
        </div>
    }
    .into_any()
}

/// A sent batch: *n of m*, its failures, *Stop* while it runs and *Retry the failed ones* after.
fn batch_view(batch: RwSignal<Option<Batch>>, on_stop: Callback<()>, on_retry: Callback<()>) -> Option<AnyView> {
    // Read in place: a batch of thousands is not copied at each item's answer.
    let (c, failures) = batch.with(|b| {
        b.as_ref().map(|b| {
            let failures: Vec<_> = b
                .items
                .iter()
                .filter_map(|i| match &i.state {
                    ItemState::Failed { code, sentence, .. } => Some((i.label.clone(), code.clone(), sentence.clone())),
                    _ => None,
                })
                .collect();
            (b.counts(), failures)
        })
    })?;
    let complete = c.done + c.failed == c.total;
    Some(
        view! {
            <div class="batch" data-write-progress="" data-done=c.done.to_string() data-failed=c.failed.to_string() data-total=c.total.to_string()>
                <p role="status">{format!("{} of {} done, {} failed{}", c.done, c.total, c.failed, if complete { "." } else { "…" })}</p>
                <progress max=c.total.to_string() value=(c.done + c.failed).to_string()></progress>
                {(!complete).then(|| view! { <button type="button" class="secondary" data-action="stop-batch" on:click=move |_| on_stop.run(())>"Stop"</button> })}
                {(!failures.is_empty()).then(|| view! {
                    <ul class="failures">
                        {failures.into_iter().map(|(label, code, sentence)| { let (item, error_code) = (label.clone(), code.clone()); view! {
                            <li data-failed-item=item data-error-code=error_code><code>{label}</code>" "<code>{code}</code>" "{sentence}</li>
                        }}).collect_view()}
                    </ul>
                })}
                {(complete && c.failed != 0).then(|| view! { <button type="button" data-action="retry-failed" on:click=move |_| on_retry.run(())>"Retry the failed ones"</button> })}
            </div>
        }
        .into_any(),
    )
}

/// The session's start, in the user's time zone, with its UTC time beside it.
pub fn start_form(start_time: RwSignal<String>, refusal: Refusal) -> AnyView {
    let d = Described::new("start-time", refusal, Field::StartTime);
    let described = d.described_by(Signal::derive(|| true));
    let Described { id, hint_id, problem_id, problem } = d;
    let utc = move || clock::local_input_ms(&start_time.get()).and_then(Timestamp::from_epoch_millis).map(|t| t.rfc3339());
    view! {
        <div class="run-form" data-view="start-task">
            <div class="control" class:invalid=move || problem.with(Option::is_some)>
                <label class="label" for=id.clone()>"Session starts (your time zone)"</label>
                <input type="datetime-local" name="start-time" id=id aria-describedby=described
                    aria-invalid=move || problem.with(Option::is_some).then_some("true")
                    prop:value=move || start_time.get() on:input=move |ev| start_time.set(event_target_value(&ev)) />
                <span class="hint" id=hint_id data-start-utc=utc>{move || utc().map(|u| format!("{u} in UTC. The service wants it at least 30 minutes ahead."))}</span>
                {move || problem.get().map(|p| view! { <span class="problem" id=problem_id.clone() data-input-error="start-time">{p}</span> })}
            </div>
        </div>
    }
    .into_any()
}

/// The deletion's confirmation: the task's name typed again (the core says which text).
pub fn delete_form(confirm_name: RwSignal<String>, task: Signal<Option<FuotaTask>>, refusal: Refusal) -> AnyView {
    let want = move || task.with(|t| delete_confirmation(t.as_ref()));
    view! {
        <div class="run-form" data-view="delete-task">
            <p>{move || format!("Deleting cannot be undone. Type {} to confirm.", want())}</p>
            {control("Task name", Keyboard::Text, confirm_name, no_hint(), refusal, Field::ConfirmName)}
        </div>
    }
    .into_any()
}
