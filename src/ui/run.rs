//! Running the campaign: the new task's form (and the edit form), the devices or groups it is
//! given, its start time, its deletion; every write reviewed (operation, host, IAM action, the
//! exact body) and sent only on the user's word. A part that loads on demand: the first click on
//! one of these actions fetches it. Every rule is the core's (`fuota_core::run`).

use std::collections::VecDeque;

use fuota_core::campaign::devices::device_page;
use fuota_core::campaign::lists::MulticastGroup;
use fuota_core::run::actions::status_rule;
use fuota_core::run::form::{Change, DescriptorEncoding, TaskForm, TaskSpec, RF_REGIONS};
use fuota_core::run::review::{created_task_id, WriteOutcome, WriteReview};
use fuota_core::run::schedule::{check_start, default_start_ms, start_request};
use fuota_core::run::targets::{check_not_both, parse_targets, resolve, Batch, ItemState, TargetKind};
use fuota_core::wire::error::Field;
use fuota_core::wire::request::{client_request_token, PageRequest};
use fuota_core::{Connection, ConsoleError, FuotaTask, Operation, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use super::campaign::CampaignState;
use super::console_view::{RunControl, RunView, WriteHost};
use super::controls::{Described, Refusal};
use super::fields::CalcFields;
use super::part_view::PartView;
use super::session::FetchState;
use crate::browser::fan_out::{self, Step};
use crate::browser::{clock, request};

/// What the run panel is drawn from.
pub struct RunPanel {
    pub host: WriteHost,
    pub control: RunControl,
    pub task: Signal<Option<FuotaTask>>,
    /// The connection the shown task was read through: its writes go there.
    pub connection: Signal<Option<Connection>>,
    pub fetch: FetchState,
    pub calc: CalcFields,
    pub campaign: CampaignState,
    /// Reads the task (and its campaign) again.
    pub refresh: Callback<()>,
    /// The console's root: events for the host page are dispatched on it.
    pub root: NodeRef<leptos::html::Div>,
}

crate::on_demand! {
    pub fn run_panel / run_panel_part [run, "campaign runner"] (panel: RunPanel) -> PartView {
        Box::new(move || run_panel_view(panel))
    }
}

/// A write ready to go, as the user reviews it.
#[derive(Clone)]
struct Prepared {
    connection: Connection,
    review: WriteReview,
    send: Sendable,
    /// A start's time (ms): checked again at Send, since a review left open can make it too soon.
    start_ms: Option<i64>,
}

#[derive(Clone)]
enum Sendable {
    One(Request),
    /// One Associate per item (id, label); DevEUIs no device has fail at once.
    Batch { kind: TargetKind, task_id: String, items: Vec<(String, String)>, unknown: Vec<String> },
}

/// How a write ended, as the page shows it.
#[derive(Clone)]
struct WriteResult {
    operation: Operation,
    outcome: WriteOutcome,
    code: Option<String>,
    sentence: String,
    /// What a read-back found, or what to do next.
    follow_up: Option<FollowUp>,
    /// The task written to (a new task's id once created).
    task_id: Option<String>,
}

#[derive(Clone)]
enum FollowUp {
    Text(String),
    /// What the task's status allows, as the task read again after the write says it.
    StatusRule,
}

/// The form's texts, kept while the panel is open: going back from a review keeps what was typed.
#[derive(Clone, Copy)]
struct FormFields {
    name: RwSignal<String>,
    description: RwSignal<String>,
    rf_region: RwSignal<String>,
    image: RwSignal<String>,
    role: RwSignal<String>,
    fragment_size: RwSignal<String>,
    fragment_interval_ms: RwSignal<String>,
    redundancy_percent: RwSignal<String>,
    descriptor: RwSignal<String>,
    descriptor_encoding: RwSignal<String>,
    tags: RwSignal<String>,
}

impl FormFields {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            rf_region: RwSignal::new(String::new()),
            image: RwSignal::new(String::new()),
            role: RwSignal::new(String::new()),
            fragment_size: RwSignal::new(String::new()),
            fragment_interval_ms: RwSignal::new(String::new()),
            redundancy_percent: RwSignal::new(String::new()),
            descriptor: RwSignal::new(String::new()),
            descriptor_encoding: RwSignal::new("text".to_owned()),
            tags: RwSignal::new(String::new()),
        }
    }

    fn fill(&self, f: TaskForm) {
        self.name.set(f.name);
        self.description.set(f.description);
        self.rf_region.set(f.rf_region);
        self.image.set(f.image);
        self.role.set(f.role);
        self.fragment_size.set(f.fragment_size);
        self.fragment_interval_ms.set(f.fragment_interval_ms);
        self.redundancy_percent.set(f.redundancy_percent);
        self.descriptor.set(f.descriptor);
        self.descriptor_encoding.set(f.descriptor_encoding.as_str().to_owned());
        self.tags.set(f.tags);
    }

    fn form(&self) -> TaskForm {
        TaskForm {
            name: self.name.get(),
            description: self.description.get(),
            rf_region: self.rf_region.get(),
            image: self.image.get(),
            role: self.role.get(),
            fragment_size: self.fragment_size.get(),
            fragment_interval_ms: self.fragment_interval_ms.get(),
            redundancy_percent: self.redundancy_percent.get(),
            descriptor: self.descriptor.get(),
            descriptor_encoding: DescriptorEncoding::parse(&self.descriptor_encoding.get()),
            tags: self.tags.get(),
        }
    }
}

/// A text control of the run forms: label, input (or textarea), and its problem.
fn text_control(name: &'static str, label: &'static str, value: RwSignal<String>, refusal: Refusal, field: Field, multiline: bool) -> impl IntoView {
    let d = Described::new(name, refusal, field);
    let described = d.described_by(Signal::derive(|| false));
    let Described { id, problem_id, problem, .. } = d;
    let invalid = move || problem.with(Option::is_some).then_some("true");
    let input = if multiline {
        view! {
            <textarea name=name id=id.clone() rows="4" aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input type="text" name=name id=id.clone() autocomplete="off" spellcheck="false" aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
        .into_any()
    };
    view! {
        <div class="control" class:invalid=move || problem.with(Option::is_some)>
            <label class="label" for=id>{label}</label>
            {input}
            {move || problem.get().map(|p| view! { <span class="problem" id=problem_id.clone() data-input-error=name>{p}</span> })}
        </div>
    }
}

fn select_control(name: &'static str, label: &'static str, value: RwSignal<String>, options: Vec<(&'static str, &'static str)>) -> impl IntoView {
    let id = super::controls::unique_id(name);
    view! {
        <div class="control">
            <label class="label" for=id.clone()>{label}</label>
            <select name=name id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {options.into_iter().map(|(v, text)| view! { <option value=v selected=move || value.with(|c| c == v)>{text}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// 16 random bytes from the browser's `crypto.getRandomValues`: a create's idempotency token.
fn random_token() -> Result<String, ConsoleError> {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    match crypto.map(|c| c.get_random_values_with_u8_array(&mut bytes)) {
        Some(Ok(_)) => Ok(client_request_token(&bytes)),
        _ => Err(ConsoleError::Signing { detail: "this browser gave no random numbers (crypto.getRandomValues) for the create's idempotency token".into() }),
    }
}

/// Sends one write. Its controller is never aborted: a write once sent is not cancelled (it may
/// already have acted).
async fn send_write(fetch: FetchState, connection: &Connection, request: &Request, progress: RwSignal<Option<String>>) -> Result<fuota_core::wire::json::Value, ConsoleError> {
    let controller = AbortController::new().map_err(|_| ConsoleError::Network { url: String::new(), detail: "this browser has no AbortController".into(), cors_ruled_out: false })?;
    let answer = request::send(connection, request, &controller, fetch.options(connection), &move |p| {
        if let fuota_core::wire::retry::Progress::Retrying { .. } = &p {
            let _ = progress.try_set(Some(p.sentence()));
        }
        fetch.hear(p);
    })
    .await;
    let _ = progress.try_set(None);
    answer.map(|a| a.value)
}

/// Every DevEUI → id of the account (ListWirelessDevices without a filter; GetWirelessDevice is
/// never called: it returns the device's keys).
async fn device_euis(fetch: FetchState, connection: &Connection) -> Result<Vec<(String, String)>, ConsoleError> {
    let controller = AbortController::new().map_err(|_| ConsoleError::Cancelled)?;
    let mut pairs = Vec::new();
    request::read_pages(
        connection,
        &|p: &PageRequest| Request::list_wireless_devices_all(p),
        device_page,
        &controller,
        fetch.options(connection),
        &mut |page| pairs.extend(page.into_iter().filter_map(|d| Some((d.dev_eui?, d.id?)))),
        &|p| fetch.hear(p),
    )
    .await?;
    Ok(pairs)
}

/// Every multicast group of the account with its RF region (ListMulticastGroups, then
/// GetMulticastGroup for each, at most 4 in flight): the groups a task can be given.
async fn account_groups(fetch: FetchState, connection: Connection, found: RwSignal<Vec<(String, Option<MulticastGroup>)>>) -> Result<(), ConsoleError> {
    let controller = AbortController::new().map_err(|_| ConsoleError::Cancelled)?;
    let mut ids: Vec<String> = Vec::new();
    request::read_pages(
        &connection,
        &|p: &PageRequest| Ok(Request::list_multicast_groups(p)),
        fuota_core::campaign::lists::multicast_group_ids_page,
        &controller,
        fetch.options(&connection),
        &mut |page| ids.extend(page),
        &|p| fetch.hear(p),
    )
    .await?;
    found.set(ids.iter().map(|id| (id.clone(), None)).collect());
    let items: VecDeque<(usize, String)> = ids.into_iter().enumerate().collect();
    fan_out::spawn(items, 4, move |(i, id)| {
        let connection = connection.clone();
        Box::pin(async move {
            let Ok(request) = Request::get_multicast_group(&id) else { return Step::Done { throttled: false } };
            let controller = match AbortController::new() {
                Ok(c) => c,
                Err(_) => return Step::Stop,
            };
            let read = request::send(&connection, &request, &controller, fetch.options(&connection), &|p| fetch.hear(p)).await;
            if let Ok(group) = read.and_then(|a| a.parse(MulticastGroup::from_value)) {
                if found.try_update(|all| if let Some(slot) = all.get_mut(i) { slot.1 = Some(group.value) }).is_none() {
                    return Step::Stop;
                }
            }
            Step::Done { throttled: false }
        })
    });
    Ok(())
}

fn run_panel_view(panel: RunPanel) -> AnyView {
    let RunPanel { host, control, task, connection, fetch, calc, campaign, refresh, root } = panel;
    let fields = FormFields::new();
    let refusal_signal = RwSignal::new(None::<(Field, String)>);
    let refusal: Refusal = refusal_signal.into();
    let prepared = RwSignal::new(None::<Prepared>);
    let result = RwSignal::new(None::<WriteResult>);
    let sending = RwSignal::new(false);
    let progress = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<ConsoleError>);
    let batch = RwSignal::new(None::<Batch>);
    let target_kind = RwSignal::new("devices".to_owned());
    let target_ids = RwSignal::new(String::new());
    let start_time = RwSignal::new(String::new());
    let confirm_name = RwSignal::new(String::new());
    let groups = RwSignal::new(Vec::<(String, Option<MulticastGroup>)>::new());
    let view_kind = Signal::derive(move || control.view.get());

    // Each time a view opens: its form starts from the task, the plan or the clock.
    Effect::new(move |_| {
        let Some(v) = control.view.get() else { return };
        prepared.set(None);
        result.set(None);
        problem.set(None);
        refusal_signal.set(None);
        match v {
            RunView::NewTask => {
                let mut form = TaskForm { rf_region: calc.rf_region.get_untracked(), ..TaskForm::default() };
                if let Ok(inputs) = calc.texts().parse() {
                    form.take_plan(&inputs, &calc.rf_region.get_untracked());
                }
                fields.fill(form);
            }
            RunView::Edit => {
                if let Some(t) = task.get_untracked() {
                    fields.fill(TaskForm::from_task(&t));
                }
            }
            RunView::Start => start_time.set(clock::local_input_value(default_start_ms(fetch.now_ms(connection)))),
            RunView::Delete => confirm_name.set(String::new()),
            RunView::AddTargets => {
                batch.set(None);
                let has_groups = campaign.groups.with_untracked(|g| !g.is_empty());
                if has_groups {
                    target_kind.set("groups".to_owned());
                }
                if let Some(c) = connection.get_untracked() {
                    spawn_local(async move {
                        if let Err(e) = account_groups(fetch, c, groups).await {
                            let _ = problem.try_set(Some(e));
                        }
                    });
                }
            }
            RunView::Remove { .. } => {}
        }
    });

    // The form's check, at every keystroke: the problem on its control, the planner's warnings.
    let spec = Memo::new(move |_| fields.form().check());
    let firmware_bytes = Memo::new(move |_| calc.texts().parse().map(|i| i.firmware_bytes).ok());
    let warnings = Memo::new(move |_| {
        let radio = calc.radio_texts().parse().ok();
        spec.with(|s| match (s, firmware_bytes.get()) {
            (Ok(spec), Some(bytes)) => spec.warnings(bytes, radio.as_ref()),
            _ => Vec::new(),
        })
    });

    let fail = move |e: ConsoleError| {
        if let Some(r) = e.refusal() {
            refusal_signal.set(Some(r));
        }
        problem.set(Some(e));
    };

    // Review: the request is built and shown; nothing is sent.
    let on_review = move |_| {
        problem.set(None);
        refusal_signal.set(None);
        result.set(None);
        let Some(v) = control.view.get_untracked() else { return };
        let task_now = task.get_untracked();
        let task_id = task_now.as_ref().and_then(|t| t.id.clone()).unwrap_or_default();
        let new_task = move |c: Connection| -> Result<(), ConsoleError> {
            let spec = fields.form().check()?;
            // A new token for each reviewed create: the same token with other members would be
            // refused, and a retry of this one reuses it.
            let request = spec.create_request(&random_token()?)?;
            let review = WriteReview::of(&c, &request, Vec::new());
            prepared.set(Some(Prepared { connection: c, review, send: Sendable::One(request), start_ms: None }));
            Ok(())
        };
        let (view_now, id_now) = (v.clone(), task_id.clone());
        let build = move |c: Connection| -> Result<(), ConsoleError> {
            let task_id = id_now;
            let mut start_ms = None;
            let (request, changes) = match &view_now {
                RunView::NewTask | RunView::AddTargets => return Err(ConsoleError::Cancelled),
                RunView::Edit => {
                    let spec: TaskSpec = fields.form().check()?;
                    let t = task_now.clone().ok_or(ConsoleError::Cancelled)?;
                    let changes: Vec<Change> = spec.changes(&t)?;
                    (spec.update_request(&task_id, &changes)?, changes)
                }
                RunView::Start => {
                    let start = check_start(clock::local_input_ms(&start_time.get_untracked()), fetch.now_ms(connection))?;
                    start_ms = Some(start.epoch_millis());
                    (start_request(&task_id, start)?, Vec::new())
                }
                RunView::Delete => {
                    let want = task_now.as_ref().and_then(|t| t.name.clone().or_else(|| t.id.clone())).unwrap_or_default();
                    if confirm_name.get_untracked().trim() != want {
                        return Err(ConsoleError::InvalidInput { field: Field::ConfirmName, reason: format!("Type the task's name, {want}, to delete it.") });
                    }
                    (Request::write(Operation::DeleteFuotaTask, &[&task_id], None)?, Vec::new())
                }
                RunView::Remove { kind, id } => (kind.disassociate_request(&task_id, id)?, Vec::new()),
            };
            let review = WriteReview::of(&c, &request, changes);
            prepared.set(Some(Prepared { connection: c, review, send: Sendable::One(request), start_ms }));
            Ok(())
        };
        match v {
            RunView::NewTask => {
                let Some(query) = host.form else { return };
                spawn_local(async move {
                    query.pastes_read().await;
                    let checked = crate::parts::settle(super::fields::checked_connection(query).await);
                    if checked.is_ok() {
                        query.remember_now();
                    }
                    if let Err(e) = checked.and_then(new_task) {
                        fail(e);
                    }
                });
            }
            RunView::AddTargets => {
                let Some(c) = connection.get_untracked() else {
                    return fail(ConsoleError::invalid(Field::TaskId, "Fetch the task first: its writes go where it was read."));
                };
                let kind = TargetKind::parse(&target_kind.get_untracked());
                let list = match parse_targets(kind, &target_ids.get_untracked()) {
                    Ok(l) => l,
                    Err(e) => return fail(e),
                };
                let has_groups = campaign.groups.with_untracked(|g| !g.is_empty());
                let has_devices = !has_groups && campaign.roster.with_untracked(|r| !r.devices().is_empty());
                if let Err(e) = check_not_both(kind, has_devices, has_groups) {
                    return fail(e);
                }
                spawn_local(async move {
                    let known = if list.dev_euis.is_empty() {
                        Vec::new()
                    } else {
                        progress.set(Some(format!("Looking up {} DevEUIs in the account's devices…", list.dev_euis.len())));
                        let read = device_euis(fetch, &c).await;
                        progress.set(None);
                        match read {
                            Ok(k) => k,
                            Err(e) => return fail(e),
                        }
                    };
                    let (items, unknown) = resolve(&list, known.iter().map(|(e, i)| (e.as_str(), i.as_str())));
                    // The review shows the first call as it will be sent; with nothing to send there is no review.
                    let first = match items.first() {
                        Some((id, _)) => kind.associate_request(&task_id, id),
                        None => Err(ConsoleError::InvalidInput {
                            field: Field::TargetIds,
                            reason: format!("No wireless device of this account and region has DevEUI {}: check them, or add the devices to IoT Wireless first.", unknown.join(", ")),
                        }),
                    };
                    match first {
                        Ok(first) => {
                            let review = WriteReview::of(&c, &first, Vec::new());
                            prepared.set(Some(Prepared { connection: c, review, send: Sendable::Batch { kind, task_id, items, unknown }, start_ms: None }));
                        }
                        Err(e) => fail(e),
                    }
                });
            }
            _ => match connection.get_untracked() {
                Some(c) => {
                    if let Err(e) = build(c) {
                        fail(e);
                    }
                }
                None => fail(ConsoleError::invalid(Field::TaskId, "Fetch the task first: its writes go where it was read.")),
            },
        }
    };

    let task_id_now = move || task.with_untracked(|t| t.as_ref().and_then(|t| t.id.clone()));
    // Host pages hear of every write's end (a portal with a writable widget may refresh its own views).
    Effect::new(move |_| {
        result.with(|r| {
            if let (Some(r), Some(root)) = (r, root.get_untracked()) {
                crate::browser::events::write_done(&root, r.operation.name(), r.outcome.as_str(), r.code.as_deref(), r.task_id.as_deref());
            }
        })
    });
    let finish = move |operation: Operation, r: Result<fuota_core::wire::json::Value, ConsoleError>| {
        let outcome = WriteOutcome::of(&r);
        let code = r.as_ref().err().map(|e| e.code().to_owned());
        match r {
            Ok(value) => {
                let sentence = format!("{} succeeded.", operation.name());
                if operation == Operation::CreateFuotaTask {
                    match created_task_id(value) {
                        Ok(id) => {
                            result.set(Some(WriteResult { operation, outcome, code, sentence: format!("Created task {id}; it opens below (Pending)."), follow_up: None, task_id: Some(id.clone()) }));
                            control.view.set(None);
                            host.open.run(id);
                        }
                        Err(detail) => {
                            result.set(Some(WriteResult { operation, outcome, code, sentence, follow_up: Some(FollowUp::Text(format!("The answer did not name the new task ({detail}): list the tasks to find it."))), task_id: None }));
                        }
                    }
                } else {
                    result.set(Some(WriteResult { operation, outcome, code, sentence, follow_up: None, task_id: task_id_now() }));
                    refresh.run(());
                }
            }
            Err(e) => {
                let follow_up = match &e {
                    ConsoleError::OutcomeUnknown { .. } if operation == Operation::CreateFuotaTask => Some(FollowUp::Text(
                        "Send it again: it carries the same token, so the service answers with the task it made, if it made one.".to_owned(),
                    )),
                    ConsoleError::OutcomeUnknown { .. } | ConsoleError::Service(_) if operation != Operation::CreateFuotaTask => {
                        // The task as it is now: what the write did, or why it was refused.
                        refresh.run(());
                        Some(FollowUp::StatusRule)
                    }
                    _ => None,
                };
                result.set(Some(WriteResult { operation, outcome, code, sentence: e.sentence(), follow_up, task_id: (operation != Operation::CreateFuotaTask).then(task_id_now).flatten() }));
            }
        }
    };

    // The batch goes to the task and through the connection it was reviewed for, retries too.
    let batch_target = StoredValue::new(None::<(Connection, String)>);
    let run_batch = move || {
        let Some(b) = batch.get_untracked() else { return };
        let Some((c, task_id)) = batch_target.get_value() else { return };
        let kind = b.kind;
        let waiting: VecDeque<usize> = b.waiting().into();
        sending.set(true);
        let remaining = std::rc::Rc::new(std::cell::Cell::new(waiting.len()));
        let done = move || {
            let _ = sending.try_set(false);
            if let Some((outcome, code)) = batch.try_with_untracked(|b| b.as_ref().map(Batch::outcome)).flatten() {
                let counts = batch.with_untracked(|b| b.as_ref().map(Batch::counts)).unwrap_or_default();
                let sentence = format!("{} of {} added; {} failed.", counts.done, counts.total, counts.failed);
                let _ = result.try_set(Some(WriteResult { operation: kind.associate(), outcome, code, sentence, follow_up: None, task_id: batch_target.with_value(|t| t.as_ref().map(|(_, id)| id.clone())) }));
                refresh.run(());
            }
        };
        if waiting.is_empty() {
            done();
            return;
        }
        fan_out::spawn(waiting, 4, move |i| {
            let (c, task_id, remaining) = (c.clone(), task_id.clone(), remaining.clone());
            Box::pin(async move {
                let Some(Some(id)) = batch.try_update(|b| b.as_mut().and_then(|b| if b.start(i) { b.items.get(i).map(|item| item.id.clone()) } else { None })) else {
                    remaining.set(remaining.get().saturating_sub(1));
                    if remaining.get() == 0 {
                        done();
                    }
                    return Step::Done { throttled: false };
                };
                let throttled = std::cell::Cell::new(false);
                let sent = match kind.associate_request(&task_id, &id) {
                    Ok(r) => {
                        let controller = AbortController::new().ok();
                        match controller {
                            Some(ctl) => request::send(&c, &r, &ctl, fetch.options(&c), &|p| {
                                if let fuota_core::wire::retry::Progress::Retrying { reason: fuota_core::wire::retry::RetryReason::Throttled, .. } = &p {
                                    throttled.set(true);
                                }
                                fetch.hear(p);
                            })
                            .await
                            .map(|_| ()),
                            None => Err(ConsoleError::Cancelled),
                        }
                    }
                    Err(e) => Err(e),
                };
                let gone = batch.try_update(|b| if let Some(b) = b.as_mut() { b.finish(i, sent) }).is_none();
                remaining.set(remaining.get().saturating_sub(1));
                if remaining.get() == 0 {
                    done();
                }
                if gone { Step::Stop } else { Step::Done { throttled: throttled.get() } }
            })
        });
    };

    // Confirm: the one control that sends.
    let on_confirm = move |_| {
        let Some(p) = prepared.get_untracked() else { return };
        if sending.get_untracked() {
            return;
        }
        match p.send {
            Sendable::One(request) => {
                // A start time checked at review may have become too soon while the review was open.
                if let Some(start) = p.start_ms {
                    if let Err(e) = check_start(Some(start), fetch.now_ms(connection)) {
                        prepared.set(None);
                        return fail(e);
                    }
                }
                sending.set(true);
                result.set(None);
                let operation = request.operation;
                // A create whose outcome stays unknown may be sent again as it is (same token).
                let keep = matches!(operation, Operation::CreateFuotaTask);
                if !keep {
                    prepared.set(None);
                }
                spawn_local(async move {
                    let answer = send_write(fetch, &p.connection, &request, progress).await;
                    let _ = sending.try_set(false);
                    if keep && answer.as_ref().is_ok_and(|_| true) {
                        let _ = prepared.try_set(None);
                    }
                    finish(operation, answer);
                });
            }
            Sendable::Batch { kind, task_id, items, unknown } => {
                prepared.set(None);
                result.set(None);
                batch.set(Some(Batch::new(kind, items, &unknown)));
                batch_target.set_value(Some((p.connection, task_id)));
                run_batch();
            }
        }
    };

    let on_back = move |_| prepared.set(None);
    let on_close = move |_| control.view.set(None);
    let on_stop = move |_| batch.update(|b| if let Some(b) = b.as_mut() { b.stop() });
    let on_retry = move |_| {
        result.set(None);
        batch.update(|b| if let Some(b) = b.as_mut() { b.retry_failed(); });
        run_batch();
    };

    let title = move || match control.view.get() {
        Some(RunView::NewTask) => "New FUOTA task".to_owned(),
        Some(RunView::Edit) => "Edit the task".to_owned(),
        Some(RunView::AddTargets) => "Add devices or multicast groups".to_owned(),
        Some(RunView::Start) => "Schedule the session".to_owned(),
        Some(RunView::Delete) => "Delete the task".to_owned(),
        Some(RunView::Remove { kind, id }) => format!("Remove {} {id}", if kind == TargetKind::Groups { "multicast group" } else { "device" }),
        None => String::new(),
    };

    let task_form = move || {
        let regions: Vec<(&'static str, &'static str)> = std::iter::once(("", "Choose…")).chain(RF_REGIONS.iter().map(|r| (*r, *r))).collect();
        view! {
            <div class="run-form" data-view="new-task">
                {text_control("new-task-name", "Name", fields.name, refusal, Field::NewTaskName, false)}
                {text_control("new-task-description", "Description", fields.description, refusal, Field::NewTaskDescription, false)}
                {select_control("new-task-rf-region", "RF region", fields.rf_region, regions)}
                {move || refusal.with(|r| r.as_ref().filter(|(f, _)| *f == Field::NewTaskRfRegion).map(|(_, why)| view! { <p class="problem" data-input-error="new-task-rf-region">{why.clone()}</p> }))}
                {text_control("new-task-image", "Firmware image (s3://bucket/key)", fields.image, refusal, Field::NewTaskImage, false)}
                {text_control("new-task-role", "Role ARN (the service reads the image with it)", fields.role, refusal, Field::NewTaskRole, false)}
                {text_control("new-task-fragment-size", "Fragment size (bytes)", fields.fragment_size, refusal, Field::NewTaskFragmentSize, false)}
                {text_control("new-task-fragment-interval-ms", "Fragment interval (ms)", fields.fragment_interval_ms, refusal, Field::NewTaskFragmentInterval, false)}
                {text_control("new-task-redundancy-percent", "Redundancy (%)", fields.redundancy_percent, refusal, Field::NewTaskRedundancy, false)}
                {select_control("new-task-descriptor-encoding", "Descriptor typed as", fields.descriptor_encoding, vec![("text", "text"), ("hex", "hex"), ("base64", "base64")])}
                {text_control("new-task-descriptor", "Descriptor (optional)", fields.descriptor, refusal, Field::NewTaskDescriptor, false)}
                {move || {
                    let (count, shown) = fuota_core::run::form::descriptor_preview(&fields.descriptor.get(), DescriptorEncoding::parse(&fields.descriptor_encoding.get()))?;
                    Some(view! { <p class="hint" data-descriptor-bytes=count.to_string()>{shown}</p> })
                }}
                <Show when=move || control.view.get() == Some(RunView::NewTask)>
                    {text_control("new-task-tags", "Tags (key=value, one per line; optional)", fields.tags, refusal, Field::NewTaskTags, true)}
                </Show>
                {move || warnings.get().into_iter().map(|w| view! { <p class="warning" data-warning=w.code()>{w.sentence()}</p> }).collect_view()}
                {move || spec.with(|s| s.as_ref().err().map(|e| view! { <p class="hint" data-form-problem="">{e.sentence()}</p> }))}
            </div>
        }
    };

    let targets_form = move || {
        let region = task.with(|t| t.as_ref().and_then(|t| t.rf_region.clone()));
        view! {
            <div class="run-form" data-view="add-targets">
                {select_control("target-kind", "Add", target_kind, vec![("devices", "wireless devices"), ("groups", "multicast groups")])}
                {text_control("target-ids", "Ids (devices: ids or DevEUIs), one per line or comma-separated", target_ids, refusal, Field::TargetIds, true)}
                <Show when=move || target_kind.with(|k| k == "groups")>
                    <ul class="run-actions">
                        {
                            let region = region.clone();
                            move || groups.get().into_iter().filter(|(_, g)| {
                                // Only the groups of the task's region, once their region is known.
                                match (g.as_ref().and_then(|g| g.rf_region.as_deref()), region.as_deref()) {
                                    (Some(theirs), Some(ours)) => theirs == ours,
                                    _ => true,
                                }
                            }).map(|(id, g)| {
                                let label = g.as_ref().and_then(|g| g.name.clone()).unwrap_or_else(|| id.clone());
                                let region = g.as_ref().and_then(|g| g.rf_region.clone()).unwrap_or_default();
                                let pick = id.clone();
                                view! {
                                    <li><button type="button" class="secondary" data-pick-group=id.clone()
                                        on:click=move |_| target_ids.update(|t| { if !t.lines().any(|l| l.trim() == pick) { if !t.is_empty() && !t.ends_with('\n') { t.push('\n'); } t.push_str(&pick); } })>
                                        {format!("{label} {region}")}
                                    </button></li>
                                }
                            }).collect_view()
                        }
                    </ul>
                </Show>
                {move || batch.with(|b| b.as_ref().map(|b| {
                    // Read in place: a batch of thousands is not copied at each item's answer.
                    let c = b.counts();
                    let failures: Vec<_> = b.items.iter().filter_map(|i| match &i.state {
                        ItemState::Failed { code, sentence, .. } => Some((i.label.clone(), code.clone(), sentence.clone())),
                        _ => None,
                    }).collect();
                    (c, failures)
                })).map(|(c, failures)| {
                    let complete = c.done + c.failed == c.total;
                    view! {
                        <div class="batch" data-write-progress="" data-done=c.done.to_string() data-failed=c.failed.to_string() data-total=c.total.to_string()>
                            <p role="status">{format!("{} of {} done, {} failed{}", c.done, c.total, c.failed, if complete { "." } else { "…" })}</p>
                            <progress max=c.total.to_string() value=(c.done + c.failed).to_string()></progress>
                            <Show when=move || !complete>
                                <button type="button" class="secondary" data-action="stop-batch" on:click=on_stop>"Stop"</button>
                            </Show>
                            {(!failures.is_empty()).then(|| view! {
                                <ul class="failures">
                                    {failures.into_iter().map(|(label, code, sentence)| { let (item, error_code) = (label.clone(), code.clone()); view! {
                                        <li data-failed-item=item data-error-code=error_code><code>{label}</code>" "<code>{code}</code>" "{sentence}</li>
                                    }}).collect_view()}
                                </ul>
                            })}
                            <Show when=move || complete && c.failed != 0>
                                <button type="button" data-action="retry-failed" on:click=on_retry>"Retry the failed ones"</button>
                            </Show>
                        </div>
                    }
                })}
            </div>
        }
    };

    let start_form = move || {
        let d = Described::new("start-time", refusal, Field::StartTime);
        let described = d.described_by(Signal::derive(|| true));
        let Described { id, hint_id, problem_id, problem } = d;
        let utc = move || clock::local_input_ms(&start_time.get()).and_then(fuota_core::wire::time::Timestamp::from_epoch_millis).map(|t| t.rfc3339());
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
    };

    let delete_form = move || {
        let want = task.with(|t| t.as_ref().and_then(|t| t.name.clone().or_else(|| t.id.clone())).unwrap_or_default());
        view! {
            <div class="run-form" data-view="delete-task">
                <p>{format!("Deleting cannot be undone. Type {want} to confirm.")}</p>
                {text_control("confirm-name", "Task name", confirm_name, refusal, Field::ConfirmName, false)}
            </div>
        }
    };

    let editing = move || match view_kind.get() {
        Some(RunView::NewTask) | Some(RunView::Edit) => task_form().into_any(),
        Some(RunView::AddTargets) => targets_form().into_any(),
        Some(RunView::Start) => start_form().into_any(),
        Some(RunView::Delete) => delete_form().into_any(),
        _ => ().into_any(),
    };
    let can_review = move || match view_kind.get() {
        Some(RunView::Delete) => {
            let want = task.with(|t| t.as_ref().and_then(|t| t.name.clone().or_else(|| t.id.clone())).unwrap_or_default());
            confirm_name.with(|c| c.trim() == want)
        }
        _ => true,
    };

    let review_view = move || {
        prepared.get().map(|p| {
            let r = p.review;
            let batch_note = match &p.send {
                Sendable::Batch { items, unknown, .. } => Some(format!(
                    "One call per item: {} calls, at most 4 at a time{}.",
                    items.len(),
                    if unknown.is_empty() { String::new() } else { format!("; {} DevEUIs match no device and will not be sent", unknown.len()) }
                )),
                Sendable::One(_) => None,
            };
            let changes = r.changes.clone();
            view! {
                <div class="review" data-write-review="" data-operation=r.operation.name()>
                    <h3>"Review before sending"</h3>
                    <dl class="fields">
                        <div class="field"><dt>"Operation"</dt><dd><code>{r.operation.name()}</code>" "<code>{r.method_and_path.clone()}</code></dd></div>
                        <div class="field"><dt>"Sent to"</dt><dd><code data-write-host="">{r.host.clone()}</code></dd></div>
                        <div class="field"><dt>"IAM action"</dt><dd><code>{r.iam_action.clone()}</code></dd></div>
                    </dl>
                    {(!changes.is_empty()).then(|| view! {
                        <table class="changes">
                            <thead><tr><th scope="col">"Member"</th><th scope="col">"Now"</th><th scope="col">"After"</th></tr></thead>
                            <tbody>{changes.into_iter().map(|c| view! {
                                <tr data-change=c.member><th scope="row">{c.member}</th><td>{c.old.unwrap_or_else(|| "—".to_owned())}</td><td>{c.new}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    })}
                    {batch_note.map(|n| view! { <p>{n}</p> })}
                    <p class="label">"Body, exactly as sent"</p>
                    <pre data-write-body="" tabindex="0">{r.body.clone()}</pre>
                    {r.caution.map(|c| view! { <p class="notice">{c}</p> })}
                    <div class="actions">
                        <button type="button" data-action="confirm-write" disabled=move || sending.get() on:click=on_confirm>
                            {move || if sending.get() { "Sending…" } else { "Send" }}
                        </button>
                        <button type="button" class="secondary" data-action="back" disabled=move || sending.get() on:click=on_back>"Back"</button>
                    </div>
                </div>
            }
        })
    };

    let result_view = move || {
        result.get().map(|r| view! {
            <div class="write-result" class:error=r.outcome != WriteOutcome::Succeeded role="status"
                data-write-result="" data-operation=r.operation.name() data-outcome=r.outcome.as_str() data-error-code=r.code.clone()>
                <p>{r.sentence}</p>
                {r.follow_up.map(|f| match f {
                    FollowUp::Text(t) => view! { <p class="follow-up">{t}</p> }.into_any(),
                    FollowUp::StatusRule => view! {
                        <p class="follow-up">{move || task.with(|t| format!("Read again: {}", status_rule(t.as_ref().and_then(|t| t.status.as_ref()))))}</p>
                    }.into_any(),
                })}
            </div>
        })
    };

    view! {
        <Show when=move || control.view.with(Option::is_some)>
            <section class="run" aria-labelledby="run-title" data-run-view=move || control.view.get().map(|v| v.name())>
                <h2 id="run-title">{title}</h2>
                <Show when=move || control.view.get().is_some_and(|v| v != RunView::NewTask)>
                    <p class="hint">{move || task.with(|t| status_rule(t.as_ref().and_then(|t| t.status.as_ref())))}</p>
                </Show>
                <div class="editing" hidden=move || prepared.with(Option::is_some)>
                    {editing}
                    <div class="actions">
                        <button type="button" data-action="review-write" disabled=move || !can_review() || sending.get() on:click=on_review>"Review"</button>
                        <button type="button" class="secondary" data-action="close-run" on:click=on_close>"Close"</button>
                    </div>
                </div>
                {move || progress.get().map(|p| view! { <p class="progress" data-progress="">{p}</p> })}
                {move || problem.get().filter(|e| e.refusal().is_none()).map(|e| view! { <super::error_view::ErrorView error=e /> })}
                {review_view}
                {result_view}
            </section>
        </Show>
        {move || result.get().filter(|_| control.view.with(Option::is_none)).map(|r| view! {
            <p class="write-result" data-write-result="" data-operation=r.operation.name() data-outcome=r.outcome.as_str() data-error-code=r.code.clone()>{r.sentence}</p>
        })}
    }
    .into_any()
}

