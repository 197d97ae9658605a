//! Running the campaign: the new task's form (and the edit form), the devices or groups it is
//! given, its start time, its deletion. Every write goes one way, the core's `Flow`: reviewed
//! (operation, host, IAM action, who signs, the task, the exact body), then sent on *Send* only
//! while the credentials and the shown task are still the ones it was reviewed for. A part that
//! loads on demand: the first click on one of these actions fetches it.
//!
//! `forms` draws the forms, `views` the review and the result, `send` sends and reads.

pub(crate) mod forms;
pub(crate) mod send;
pub(crate) mod views;

use fuota_core::campaign::lists::MulticastGroup;
use fuota_core::run::actions::delete_confirmed;
use fuota_core::run::flow::{Binding, BoundTask, CreateToken, Flow, Now, Reviewed};
use fuota_core::run::form::{Change, TaskForm, TaskSpec};
use fuota_core::run::review::{created_task_id, read_back_sentence, AfterFailure, WriteOutcome, WriteReview};
use fuota_core::run::schedule::{check_start, default_start_ms, start_request};
use fuota_core::run::targets::{check_not_both, parse_targets, resolve, Batch, TargetKind};
use fuota_core::wire::error::Field;
use fuota_core::wire::json::Value;
use fuota_core::{Connection, ConsoleError, FuotaTask, Operation, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;

use self::forms::Targets;
use self::send::Sendable;
use self::views::{FollowUp, WriteResult};
use super::campaign::CampaignState;
use super::controls::Refusal;
use super::fields::CalcFields;
use super::intent::{RunControl, RunView, WriteHost};
use super::part_view::PartView;
use super::reader::FetchState;
use crate::browser::clock;

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

/// A write reviewed, with the connection it goes through.
type Review = Reviewed<(Connection, Sendable)>;

/// The panel's state: one form of the core's type, and the one write flow.
#[derive(Clone, Copy)]
struct State {
    form: RwSignal<TaskForm>,
    refusal: RwSignal<Option<(Field, String)>>,
    flow: RwSignal<Flow<(Connection, Sendable)>>,
    result: RwSignal<Option<WriteResult>>,
    progress: RwSignal<Option<String>>,
    problem: RwSignal<Option<ConsoleError>>,
    targets: Targets,
    start_time: RwSignal<String>,
    confirm_name: RwSignal<String>,
    /// A create's token while its outcome is unknown, for the same members.
    token: StoredValue<CreateToken<TaskSpec>>,
    /// The batch's connection and binding, for *Retry the failed ones*.
    batch_review: StoredValue<Option<Review>>,
}

impl State {
    fn new() -> Self {
        Self {
            form: RwSignal::new(TaskForm::default()),
            refusal: RwSignal::new(None),
            flow: RwSignal::new(Flow::Editing),
            result: RwSignal::new(None),
            progress: RwSignal::new(None),
            problem: RwSignal::new(None),
            targets: Targets {
                kind: RwSignal::new("devices".to_owned()),
                ids: RwSignal::new(String::new()),
                groups: RwSignal::new(Vec::<(String, Option<MulticastGroup>)>::new()),
                batch: RwSignal::new(None::<Batch>),
            },
            start_time: RwSignal::new(String::new()),
            confirm_name: RwSignal::new(String::new()),
            token: StoredValue::new(CreateToken::default()),
            batch_review: StoredValue::new(None),
        }
    }

    fn fail(&self, e: ConsoleError) {
        if let Some(r) = e.refusal() {
            self.refusal.set(Some(r));
        }
        self.problem.set(Some(e));
    }

    fn clear(&self) {
        self.problem.set(None);
        self.refusal.set(None);
        self.result.set(None);
    }
}

/// The key id `connection` signs with now: the credentials' owner swaps them in place at the next
/// submit, so this is asked at review and again at *Send*.
fn key_id(connection: &Connection) -> Result<String, ConsoleError> {
    connection.credentials().map(|c| c.access_key_id.clone())
}

fn bound_task(task: Option<&FuotaTask>) -> Option<BoundTask> {
    let t = task?;
    Some(BoundTask { id: t.id.clone()?, name: t.name.clone() })
}

/// A review of `request`, bound to who signs it now and to `task` (None: a create).
fn reviewed(connection: Connection, request: &Request, changes: Vec<Change>, task: Option<BoundTask>, send: Sendable) -> Result<Review, ConsoleError> {
    let review = WriteReview::of(&connection, request, changes);
    let binding = Binding { key_id: key_id(&connection)?, task };
    let calls = send.calls();
    Ok(Reviewed { review, binding, send: (connection, send), calls })
}

/// The review on screen: while it waits for *Send*, and while its one call is out; a batch being
/// sent shows its form instead, with the batch's progress and *Stop*.
fn review_on_screen(f: &Flow<(Connection, Sendable)>) -> Option<&Review> {
    f.shown().filter(|r| !(f.is_sending() && matches!(r.send.1, Sendable::Batch { .. })))
}

fn run_panel_view(panel: RunPanel) -> AnyView {
    let RunPanel { host, control, task, connection, fetch, calc, campaign, refresh, root } = panel;
    let s = State::new();
    let refusal: Refusal = s.refusal.into();
    let view_kind = Signal::derive(move || control.view.get());
    let shown_task_id = move || task.with_untracked(|t| t.as_ref().and_then(|t| t.id.clone()));

    // Each time a view opens: its form starts from the task, the plan or the clock.
    Effect::new(move |_| {
        let Some(v) = control.view.get() else { return };
        s.flow.update(Flow::back);
        s.clear();
        match v {
            RunView::NewTask => {
                s.form.set(calc.task_form());
            }
            RunView::Edit => {
                if let Some(t) = task.get_untracked() {
                    s.form.set(TaskForm::from_task(&t));
                }
            }
            RunView::Start => s.start_time.set(clock::local_input_value(default_start_ms(fetch.now_ms(connection)))),
            RunView::Delete => s.confirm_name.set(String::new()),
            RunView::AddTargets => {
                s.targets.batch.set(None);
                if campaign.groups.with_untracked(|g| !g.is_empty()) {
                    s.targets.kind.set("groups".to_owned());
                }
                if let Some(c) = connection.get_untracked() {
                    spawn_local(async move {
                        if let Err(e) = send::account_groups(fetch, c, s.targets.groups).await {
                            let _ = s.problem.try_set(Some(e));
                        }
                    });
                }
            }
            RunView::Remove { .. } => {}
        }
    });

    // Another task shown (from the list, a widget's task-id): a review of the old one closes,
    // and so does a view of the old one (its form was the old task's). A create stays.
    Effect::new(move |previous: Option<Option<String>>| {
        let now = task.with(|t| t.as_ref().and_then(|t| t.id.clone()));
        if previous.is_some_and(|p| p != now) {
            s.flow.update(|f| {
                f.close_if_outlived(now.as_deref());
            });
            if control.view.with_untracked(|v| v.as_ref().is_some_and(|v| *v != RunView::NewTask)) && !s.flow.with_untracked(Flow::is_sending) {
                control.view.set(None);
            }
        }
        now
    });

    // The form's check, at every keystroke: the problem on its control, the planner's warnings.
    let spec = Memo::new(move |_| s.form.with(TaskForm::check));
    let firmware_bytes = Memo::new(move |_| calc.texts().parse().map(|i| i.firmware_bytes).ok());
    let warnings = Memo::new(move |_| {
        let radio = calc.radio_texts().parse().ok();
        spec.with(|spec| match (spec, firmware_bytes.get()) {
            (Ok(spec), Some(bytes)) => spec.warnings(bytes, radio.as_ref()),
            _ => Vec::new(),
        })
    });

    // Review: the request is built, bound and shown; nothing is sent.
    let review_new_task = move |c: Connection| -> Result<Review, ConsoleError> {
        let spec = s.form.with_untracked(TaskForm::check)?;
        // The same members after an unknown outcome keep their token; anything else gets a new one.
        let token = s.token.with_value(|t| t.for_members(&spec, send::random_token))?;
        let request = spec.create_request(&token)?;
        reviewed(c, &request, Vec::new(), None, Sendable::One { request: request.clone(), start_ms: None, create: Some((spec, token)) })
    };
    let review_task_write = move |v: &RunView, c: Connection| -> Result<Review, ConsoleError> {
        let t = task.get_untracked();
        let bound = bound_task(t.as_ref()).ok_or_else(|| ConsoleError::invalid(Field::TaskId, "Fetch the task first: its writes go where it was read."))?;
        let task_id = bound.id.clone();
        let mut start_ms = None;
        let (request, changes) = match v {
            RunView::NewTask | RunView::AddTargets => return Err(ConsoleError::Cancelled),
            RunView::Edit => {
                let spec = s.form.with_untracked(TaskForm::check)?;
                let t = t.ok_or(ConsoleError::Cancelled)?;
                let changes = spec.changes(&t)?;
                (spec.update_request(&task_id, &changes)?, changes)
            }
            RunView::Start => {
                let start = check_start(clock::local_input_ms(&s.start_time.get_untracked()), fetch.now_ms(connection))?;
                start_ms = Some(start.epoch_millis());
                (start_request(&task_id, start)?, Vec::new())
            }
            RunView::Delete => {
                if !delete_confirmed(t.as_ref(), &s.confirm_name.get_untracked()) {
                    return Err(ConsoleError::InvalidInput {
                        field: Field::ConfirmName,
                        reason: format!("Type the task's name, {}, to delete it.", fuota_core::run::actions::delete_confirmation(t.as_ref())),
                    });
                }
                (Request::write(Operation::DeleteFuotaTask, &[&task_id], None)?, Vec::new())
            }
            RunView::Remove { kind, id } => (kind.disassociate_request(&task_id, id)?, Vec::new()),
        };
        reviewed(c, &request, changes, Some(bound), Sendable::One { request: request.clone(), start_ms, create: None })
    };
    let show = move |r: Result<Review, ConsoleError>| match r {
        Ok(r) => s.flow.set(Flow::Reviewing(r)),
        Err(e) => s.fail(e),
    };
    let on_review = Callback::new(move |()| {
        s.clear();
        let Some(v) = control.view.get_untracked() else { return };
        match v {
            RunView::NewTask => {
                let Some(query) = host.form else { return };
                spawn_local(async move {
                    query.pastes_read().await;
                    let checked = query.checked_connection();
                    if checked.is_ok() {
                        query.remember_now();
                    }
                    show(checked.and_then(review_new_task));
                });
            }
            RunView::AddTargets => {
                let (Some(c), Some(bound)) = (connection.get_untracked(), task.with_untracked(|t| bound_task(t.as_ref()))) else {
                    return s.fail(ConsoleError::invalid(Field::TaskId, "Fetch the task first: its writes go where it was read."));
                };
                let kind = TargetKind::parse(&s.targets.kind.get_untracked());
                let list = match parse_targets(kind, &s.targets.ids.get_untracked()) {
                    Ok(l) => l,
                    Err(e) => return s.fail(e),
                };
                let has_groups = campaign.groups.with_untracked(|g| !g.is_empty());
                let has_devices = !has_groups && campaign.roster.with_untracked(|r| !r.devices().is_empty());
                if let Err(e) = check_not_both(kind, has_devices, has_groups) {
                    return s.fail(e);
                }
                spawn_local(async move {
                    let known = if list.dev_euis.is_empty() {
                        Vec::new()
                    } else {
                        s.progress.set(Some(format!("Looking up {} DevEUIs in the account's devices…", list.dev_euis.len())));
                        let read = send::device_euis(fetch, c.clone()).await;
                        let _ = s.progress.try_set(None);
                        match read {
                            Ok(k) => k,
                            Err(e) => return s.fail(e),
                        }
                    };
                    let (items, unknown) = resolve(&list, known.iter().map(|(e, i)| (e.as_str(), i.as_str())));
                    // The review shows the first call as it will be sent; with nothing to send there is no review.
                    let Some((first_id, _)) = items.first() else {
                        return s.fail(ConsoleError::InvalidInput {
                            field: Field::TargetIds,
                            reason: format!(
                                "No wireless device of this account and region has DevEUI {}: check them, or add the devices to IoT Wireless first.",
                                unknown.join(", ")
                            ),
                        });
                    };
                    let task_id = bound.id.clone();
                    let r = kind
                        .associate_request(&task_id, first_id)
                        .and_then(|first| reviewed(c, &first, Vec::new(), Some(bound), Sendable::Batch { kind, task_id, items, unknown }));
                    show(r);
                });
            }
            v => match connection.get_untracked() {
                Some(c) => show(review_task_write(&v, c)),
                None => s.fail(ConsoleError::invalid(Field::TaskId, "Fetch the task first: its writes go where it was read.")),
            },
        }
    });

    // Host pages hear of every write's end (a portal with a writable widget may refresh its own views).
    Effect::new(move |_| {
        s.result.with(|r| {
            if let (Some(r), Some(root)) = (r, root.get_untracked()) {
                crate::browser::events::write_done(&root, r.operation.name(), r.outcome.as_str(), r.code.as_deref(), r.task_id.as_deref());
            }
        })
    });

    // A create whose answer never arrived: the task list says whether it made its task.
    let read_back = move |c: Connection, name: String| {
        spawn_local(async move {
            let found = send::tasks_named(fetch, c, &name).await;
            let text = match found {
                Ok(ids) => read_back_sentence(&name, &ids),
                Err(e) => format!("The task list could not be read to see whether it was made ({}): list the tasks before sending again.", e.code()),
            };
            let _ = s.result.try_update(|r| {
                if let Some(r) = r.as_mut().filter(|r| r.operation == Operation::CreateFuotaTask && r.outcome == WriteOutcome::Unknown) {
                    r.follow_up = Some(FollowUp::Text(text));
                }
            });
        });
    };

    // One write's end: the flow ends, the page says how, and reads back what it can.
    let finish = move |reviewed: Review, answer: Result<Value, ConsoleError>| {
        let (connection, sendable) = reviewed.send.clone();
        let operation = reviewed.review.operation;
        let bound_id = reviewed.binding.task.as_ref().map(|t| t.id.clone());
        let outcome = WriteOutcome::of(&answer);
        let _ = s.flow.try_update(|f| f.end(outcome));
        if let Sendable::One { create: Some((spec, token)), .. } = &sendable {
            s.token.update_value(|t| t.ended(spec, token, outcome));
        }
        let code = answer.as_ref().err().map(|e| e.code().to_owned());
        let result = |sentence: String, follow_up: Option<FollowUp>, task_id: Option<String>| WriteResult {
            operation,
            outcome,
            code: code.clone(),
            sentence,
            follow_up,
            task_id,
        };
        match answer {
            Ok(value) if operation == Operation::CreateFuotaTask => match created_task_id(value) {
                Ok(id) => {
                    let _ = s.result.try_set(Some(result(format!("Created task {id}; it opens below (Pending)."), None, Some(id.clone()))));
                    control.view.set(None);
                    host.open.run(id);
                }
                Err(detail) => {
                    let text = format!("The answer did not name the new task ({detail}): list the tasks to find it.");
                    let _ = s.result.try_set(Some(result(format!("{} succeeded.", operation.name()), Some(FollowUp::Text(text)), None)));
                }
            },
            Ok(_) => {
                let _ = s.result.try_set(Some(result(format!("{} succeeded.", operation.name()), None, bound_id)));
                refresh.run(());
            }
            Err(e) => {
                let follow_up = match AfterFailure::of(operation, &e) {
                    AfterFailure::FindCreated => {
                        // The same create may go again on the user's word: its review stays, with its token.
                        let _ = s.flow.try_set(Flow::Reviewing(reviewed));
                        if let Sendable::One { create: Some((spec, _)), .. } = &sendable {
                            read_back(connection, spec.name.clone().unwrap_or_default());
                        }
                        Some(FollowUp::Text("Looking for it in the task list…".to_owned()))
                    }
                    AfterFailure::ReadTaskAgain => {
                        refresh.run(());
                        Some(FollowUp::StatusRule)
                    }
                    AfterFailure::Nothing => None,
                };
                let _ = s.result.try_set(Some(result(e.sentence(), follow_up, bound_id)));
            }
        }
    };

    // A batch's end: how many went, and the task read again.
    let batch_done = move || {
        let Some(r) = s.batch_review.get_value() else { return };
        if let Some((outcome, code)) = s.targets.batch.try_with_untracked(|b| b.as_ref().map(Batch::outcome)).flatten() {
            let _ = s.flow.try_update(|f| f.end(outcome));
            let counts = s.targets.batch.with_untracked(|b| b.as_ref().map(Batch::counts)).unwrap_or_default();
            let sentence = format!("{} of {} added; {} failed.", counts.done, counts.total, counts.failed);
            let task_id = r.binding.task.as_ref().map(|t| t.id.clone());
            let _ = s.result.try_set(Some(WriteResult { operation: r.review.operation, outcome, code, sentence, follow_up: None, task_id }));
            refresh.run(());
        }
    };
    let run_batch = move |r: &Review| {
        if let (c, Sendable::Batch { task_id, .. }) = &r.send {
            send::send_batch(fetch, c.clone(), task_id.clone(), s.targets.batch, batch_done);
        }
    };

    // Send: the one control that sends, and only what was reviewed, for whom and what it was reviewed.
    let now_check = move |r: &Review| -> Result<(), ConsoleError> {
        let key = key_id(&r.send.0);
        r.binding.check(Now { key_id: key.as_deref().map_err(Clone::clone), shown_task_id: shown_task_id().as_deref() })
    };
    let on_confirm = Callback::new(move |()| {
        let Some(r) = s.flow.with_untracked(|f| f.reviewing().cloned()) else { return };
        // A start time checked at review may have become too soon while the review was open.
        if let (_, Sendable::One { start_ms: Some(start), .. }) = &r.send {
            if let Err(e) = check_start(Some(*start), fetch.now_ms(connection)) {
                s.flow.set(Flow::Editing);
                return s.fail(e);
            }
        }
        let key = key_id(&r.send.0);
        let sent = s.flow.try_update(|f| f.confirm(Now { key_id: key.as_deref().map_err(Clone::clone), shown_task_id: shown_task_id().as_deref() }));
        let r = match sent {
            Some(Ok(r)) => r,
            Some(Err(e)) => return s.fail(e),
            None => return,
        };
        s.clear();
        match &r.send.1 {
            Sendable::One { request, .. } => {
                let request = request.clone();
                spawn_local(async move {
                    let answer = send::send_write(fetch, r.send.0.clone(), &request, s.progress).await;
                    finish(r, answer);
                });
            }
            Sendable::Batch { kind, items, unknown, .. } => {
                s.targets.batch.set(Some(Batch::new(*kind, items.clone(), unknown)));
                s.batch_review.set_value(Some(r.clone()));
                run_batch(&r);
            }
        }
    });
    let on_back = Callback::new(move |()| s.flow.update(Flow::back));
    let on_close = move |_| control.view.set(None);
    let on_stop = Callback::new(move |()| {
        s.targets.batch.update(|b| {
            if let Some(b) = b.as_mut() {
                b.stop()
            }
        })
    });
    let on_retry = Callback::new(move |()| {
        let Some(r) = s.batch_review.get_value() else { return };
        // A retry is sent as reviewed: for the same principal, to the same task.
        if let Err(e) = now_check(&r) {
            return s.fail(e);
        }
        s.result.set(None);
        s.flow.set(Flow::Sending { reviewed: r.clone(), done: 0 });
        s.targets.batch.update(|b| {
            if let Some(b) = b.as_mut() {
                b.retry_failed();
            }
        });
        run_batch(&r);
    });

    let title = move || match control.view.get() {
        Some(RunView::NewTask) => "New FUOTA task".to_owned(),
        Some(RunView::Edit) => "Edit the task".to_owned(),
        Some(RunView::AddTargets) => "Add devices or multicast groups".to_owned(),
        Some(RunView::Start) => "Schedule the session".to_owned(),
        Some(RunView::Delete) => "Delete the task".to_owned(),
        Some(RunView::Remove { kind, id }) => format!("Remove {} {id}", if kind == TargetKind::Groups { "multicast group" } else { "device" }),
        None => String::new(),
    };
    let creating = Signal::derive(move || control.view.get() == Some(RunView::NewTask));
    let editing = move || match view_kind.get() {
        Some(RunView::NewTask) | Some(RunView::Edit) => forms::task_form(s.form, refusal, creating, spec, warnings),
        Some(RunView::AddTargets) => forms::targets_form(s.targets, task, refusal, on_stop, on_retry),
        Some(RunView::Start) => forms::start_form(s.start_time, refusal),
        Some(RunView::Delete) => forms::delete_form(s.confirm_name, task, refusal),
        _ => ().into_any(),
    };
    let sending = Signal::derive(move || s.flow.with(Flow::is_sending));
    let can_review = move || match view_kind.get() {
        Some(RunView::Delete) => task.with(|t| s.confirm_name.with(|c| delete_confirmed(t.as_ref(), c))),
        _ => true,
    };
    let shown_review = move || s.flow.with(|f| review_on_screen(f).cloned());
    let reviewing = move || s.flow.with(|f| review_on_screen(f).is_some());
    let review_view = move || {
        shown_review().map(|r| {
            let (review, binding, calls, sendable) = (r.review, r.binding, r.calls, r.send.1);
            views::review_view(Reviewed { review, binding, send: sendable, calls }, sending, on_confirm, on_back)
        })
    };

    view! {
        <Show when=move || control.view.with(Option::is_some)>
            <section class="run" aria-labelledby="run-title" data-run-view=move || control.view.get().map(|v| v.name())>
                <h2 id="run-title">{title}</h2>
                <Show when=move || control.view.get().is_some_and(|v| v != RunView::NewTask)>
                    <p class="hint">{move || task.with(|t| fuota_core::run::actions::status_rule(t.as_ref().and_then(|t| t.status.as_ref())))}</p>
                </Show>
                <div class="editing" hidden=reviewing>
                    {editing}
                    <div class="actions">
                        <button type="button" data-action="review-write" disabled=move || !can_review() || sending.get()
                            on:click=move |ev| views::trusted(ev, on_review)>"Review"</button>
                        <button type="button" class="secondary" data-action="close-run" on:click=on_close>"Close"</button>
                    </div>
                </div>
                {move || s.progress.get().map(|p| view! { <p class="progress" data-progress="">{p}</p> })}
                {move || s.problem.get().filter(|e| e.refusal().is_none()).map(|e| view! { <super::error_view::ErrorView error=e /> })}
                {review_view}
                {move || s.result.get().map(|r| views::result_view(r, task))}
            </section>
        </Show>
        {move || s.result.get().filter(|_| control.view.with(Option::is_none)).map(|r| view! {
            <p class="write-result" data-write-result="" data-operation=r.operation.name() data-outcome=r.outcome.as_str() data-error-code=r.code.clone()>{r.sentence}</p>
        })}
    }
    .into_any()
}
