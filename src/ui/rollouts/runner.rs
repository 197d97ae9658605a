//! A rollout's writes: a new rollout's first wave, the next wave, a follow-up, a clean-up. Each is
//! one review listing every step in order (operation, calls, the first call's exact body), sent on
//! one *Send*: the calls of a step at most `MAX_IN_FLIGHT` at a time, in order from step to step,
//! stopping at the first failure. The review then stays: *Send* again sends only what is left, the
//! creates with their first tokens. Bound, as every write, to who signs it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use fuota_core::rollout::plan::{fleet_choice, Delivery, DlClass, FleetChoice, FleetSource, RolloutForm};
use fuota_core::rollout::retry::LeftOut;
use fuota_core::rollout::state::Rollout;
use fuota_core::rollout::tags::{RolloutId, RolloutRecord, WaveLabel};
use fuota_core::rollout::wave_writes::{clean_up_request, Call, WaveOrder, WaveWrites};
use fuota_core::run::flow::{Binding, Flow, Now, Reviewed};
use fuota_core::run::form::{TaskForm, TaskSpec};
use fuota_core::run::review::{WriteOutcome, WriteReview};
use fuota_core::run::schedule::{check_start, default_start_ms, start_request};
use fuota_core::run::targets::resolve;
use fuota_core::wire::error::Field;
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::{Connection, ConsoleError, Operation, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{read, RolloutHub, RolloutIntent};
use crate::browser::clock;
use crate::browser::fan_out::{self, Step};
use crate::ui::controls::{choice, control, no_hint, Bound, Keyboard, Refusal};
use crate::ui::error_view::ErrorView;
use crate::ui::reader::{Reader, Retries};
use crate::ui::run::forms::{start_form, task_form};
use crate::ui::run::send::{device_euis, random_token, send_write};
use crate::ui::run::views::trusted;

/// What a review sends: a wave's sequence, or one call (a clean-up).
#[derive(Clone, Debug)]
enum Writes {
    Wave(Box<WaveWrites>),
    One { request: Request, done: bool },
}

impl Writes {
    /// Per step: its operation, its calls, those done, and its first call's body.
    fn steps(&self) -> Vec<(Operation, usize, usize, String)> {
        match self {
            Writes::Wave(w) => (0..w.steps().len())
                .map(|i| {
                    let (total, done) = w.counts(i);
                    let body = w.preview(i).ok().and_then(|r| r.body().map(str::to_owned)).unwrap_or_default();
                    (w.steps()[i].operation(), total, done, body)
                })
                .collect(),
            Writes::One { request, done } => vec![(request.operation, 1, usize::from(*done), request.body().unwrap_or_default().to_owned())],
        }
    }

    fn progress(&self) -> (usize, usize) {
        match self {
            Writes::Wave(w) => w.progress(),
            Writes::One { done, .. } => (1, usize::from(*done)),
        }
    }

    fn first_request(&self) -> Result<Request, ConsoleError> {
        match self {
            Writes::Wave(w) => w.preview(0),
            Writes::One { request, .. } => Ok(request.clone()),
        }
    }
}

/// How the last *Send* ended.
#[derive(Clone)]
struct Ended {
    outcome: WriteOutcome,
    operation: Operation,
    code: Option<String>,
    sentence: String,
}

#[derive(Clone, Copy)]
struct State {
    form: RwSignal<TaskForm>,
    rollout: RwSignal<RolloutForm>,
    fleet_kind: RwSignal<String>,
    fleet_source: RwSignal<String>,
    start_time: RwSignal<String>,
    refusal: RwSignal<Option<(Field, String)>>,
    problem: RwSignal<Option<ConsoleError>>,
    flow: RwSignal<Flow<Connection>>,
    writes: RwSignal<Option<Writes>>,
    ended: RwSignal<Option<Ended>>,
    progress: RwSignal<Option<String>>,
    /// The devices a pre-flight found unreachable: kept out of a new rollout's waves.
    kept_out: RwSignal<Vec<String>>,
    /// A follow-up's devices left out, and those the user added back.
    left_out: RwSignal<Vec<LeftOut>>,
    added_back: RwSignal<Vec<String>>,
}

impl State {
    fn fail(&self, e: ConsoleError) {
        if let Some(r) = e.refusal() {
            let _ = self.refusal.try_set(Some(r));
        }
        let _ = self.problem.try_set(Some(e));
    }

    fn clear(&self) {
        self.problem.set(None);
        self.refusal.set(None);
        self.ended.set(None);
    }
}

fn key_id(connection: &Connection) -> Result<String, ConsoleError> {
    connection.credentials().map(|c| c.access_key_id.clone())
}

/// A rollout id from the browser's random numbers (the core has none).
fn random_rollout_id() -> Result<RolloutId, ConsoleError> {
    let token = random_token()?;
    let bits = token.get(..16).and_then(|h| u64::from_str_radix(h, 16).ok()).unwrap_or_default();
    Ok(RolloutId::from_bits(bits))
}

fn rollout_member(form: RwSignal<RolloutForm>, get: fn(&RolloutForm) -> &String, set: fn(&mut RolloutForm, String)) -> Bound {
    Bound { get: Signal::derive(move || form.with(|f| get(f).clone())), set: Callback::new(move |v| form.update(|f| set(f, v))) }
}

fn pairs(list: &[(&str, &str)]) -> impl Fn() -> Vec<(String, String)> + Send + Sync + 'static {
    let list: Vec<(String, String)> = list.iter().map(|(v, t)| ((*v).to_owned(), (*t).to_owned())).collect();
    move || list.clone()
}

fn find(hub: RolloutHub, id: &str) -> Result<Rollout, ConsoleError> {
    hub.state()
        .rollouts
        .with_untracked(|all| all.iter().find(|r| r.id.as_ref().is_some_and(|i| i.as_str() == id)).cloned())
        .ok_or_else(|| ConsoleError::invalid(Field::FleetSource, "This rollout is no longer listed: read the rollouts again."))
}

/// The devices of the fleet as the user chose it now: read from its list, or pasted (DevEUIs
/// looked up among the account's devices).
async fn fleet_now(hub: RolloutHub, c: &Connection, choice: FleetChoice) -> Result<(FleetSource, Vec<String>), ConsoleError> {
    match choice {
        FleetChoice::Read(source) => {
            let Some(list) = source.devices() else { return Err(ConsoleError::invalid(Field::FleetSource, "Paste the fleet's devices.")) };
            let reader = Reader::new(hub.fetch, c.clone())?;
            Ok((source, read::fleet_devices(&reader, list).await?))
        }
        FleetChoice::Pasted(list) => {
            let known = if list.dev_euis.is_empty() { Vec::new() } else { device_euis(hub.fetch, c.clone()).await? };
            let (items, unknown) = resolve(&list, known.iter().map(|(e, i)| (e.as_str(), i.as_str())));
            if !unknown.is_empty() {
                return Err(ConsoleError::InvalidInput {
                    field: Field::FleetSource,
                    reason: format!("No wireless device of this account and region has DevEUI {}.", unknown.join(", ")),
                });
            }
            Ok((FleetSource::List, items.into_iter().map(|(id, _)| id).collect()))
        }
    }
}

/// A later wave's task: the rollout's latest wave's task as read, renamed for this wave.
fn wave_task(hub: RolloutHub, rollout: &Rollout, label: WaveLabel) -> Result<TaskSpec, ConsoleError> {
    let task = hub.state().tasks.with_untracked(|tasks| rollout.waves.iter().rev().find_map(|w| tasks.get(&w.task_id).cloned()));
    let task = task.ok_or_else(|| ConsoleError::invalid(Field::FleetSource, "None of this rollout's tasks could be read: read the rollouts again."))?;
    let mut form = TaskForm::from_task(&task);
    let name = rollout.plan.as_ref().map(|p| p.name.as_str().to_owned()).unwrap_or_default();
    form.name = format!("{name} {}", label.words());
    form.check()
}

async fn build(hub: RolloutHub, s: State, c: &Connection, intent: RolloutIntent) -> Result<Writes, ConsoleError> {
    let now = hub.fetch.now_ms(Signal::stored(Some(c.clone())));
    let start = || check_start(clock::local_input_ms(&s.start_time.get_untracked()), now);
    let tokens = || Ok::<_, ConsoleError>((random_token()?, random_token()?));
    let order = match intent {
        RolloutIntent::New(..) => {
            let task = s.form.get_untracked().check()?;
            let choice = fleet_choice(&s.fleet_kind.get_untracked(), &s.fleet_source.get_untracked())?;
            let start = start()?;
            let (source, fleet) = fleet_now(hub, c, choice).await?;
            let (plan, assignment) = s.rollout.get_untracked().check(source, &fleet, &s.kept_out.get_untracked())?;
            let devices = assignment.waves.first().cloned().unwrap_or_default();
            let group_name = format!("{} wave 1", plan.name.as_str());
            let delivery = plan.delivery;
            WaveOrder { record: RolloutRecord::first(random_rollout_id()?, plan), delivery, task, group_name, devices, start, tokens: tokens()? }
        }
        RolloutIntent::Next { rollout, reason } => {
            let rollout = find(hub, &rollout)?;
            let record = rollout.next_wave(&reason)?;
            let plan = rollout.plan.clone().ok_or_else(|| ConsoleError::invalid(Field::FleetSource, "The rollout's plan cannot be read."))?;
            let WaveLabel::Planned(n) = record.wave() else { return Err(ConsoleError::Cancelled) };
            let start = start()?;
            let choice = match plan.fleet.source() {
                FleetSource::List => fleet_choice("devices", &s.fleet_source.get_untracked())?,
                source => FleetChoice::Read(source.clone()),
            };
            let (_, fleet) = fleet_now(hub, c, choice).await?;
            let taken: HashSet<String> = rollout.waves.iter().flat_map(|w| w.devices.iter().map(|d| d.id.clone())).collect();
            let devices = plan.wave_devices(n, &fleet, &[], &taken)?;
            let task = wave_task(hub, &rollout, record.wave())?;
            let group_name = format!("{} {}", plan.name.as_str(), record.wave().words());
            WaveOrder { record, delivery: plan.delivery, task, group_name, devices, start, tokens: tokens()? }
        }
        RolloutIntent::FollowUp { rollout } => {
            let rollout = find(hub, &rollout)?;
            let record = rollout.next_follow_up()?;
            let plan = rollout.plan.clone().ok_or_else(|| ConsoleError::invalid(Field::FleetSource, "The rollout's plan cannot be read."))?;
            let start = start()?;
            let mut devices = rollout.follow_up().devices;
            devices.extend(s.added_back.get_untracked());
            fuota_core::sort::sort(&mut devices);
            devices.dedup();
            let task = wave_task(hub, &rollout, record.wave())?;
            let group_name = format!("{} {}", plan.name.as_str(), record.wave().words());
            WaveOrder { record, delivery: plan.delivery, task, group_name, devices, start, tokens: tokens()? }
        }
        RolloutIntent::CleanUp { group_id, .. } => return Ok(Writes::One { request: clean_up_request(&group_id)?, done: false }),
        RolloutIntent::Start { task_id, .. } => return Ok(Writes::One { request: start_request(&task_id, start()?)?, done: false }),
    };
    Ok(Writes::Wave(Box::new(WaveWrites::new(order)?)))
}

/// Sends what is left, step after step; stops at the first failure, after the calls in flight
/// with it have ended (their outcomes are kept).
async fn send_rest(hub: RolloutHub, s: State, c: Connection) -> Result<Operation, ConsoleError> {
    let mut last = Operation::StartFuotaTask;
    loop {
        let Some(writes) = s.writes.get_untracked() else { return Ok(last) };
        match writes {
            Writes::One { request, done: false } => {
                send_write(hub.fetch, c.clone(), &request, s.progress).await?;
                s.writes.update(|w| {
                    if let Some(Writes::One { done, .. }) = w {
                        *done = true;
                    }
                });
                return Ok(request.operation);
            }
            Writes::One { request, .. } => return Ok(request.operation),
            Writes::Wave(w) => {
                let calls = w.next_calls();
                if calls.is_empty() {
                    return Ok(last);
                }
                let requests: Vec<(Call, Request)> = calls.iter().map(|call| w.request(*call).map(|r| (*call, r))).collect::<Result<_, _>>()?;
                last = requests.first().map_or(last, |(_, r)| r.operation);
                // A step's calls through the one fan-out (at most MAX_IN_FLIGHT, fewer while the
                // service throttles); the first failure starts nothing more, the calls in flight
                // with it end and are kept.
                let first_error: Rc<RefCell<Option<ConsoleError>>> = Rc::default();
                let error = Rc::clone(&first_error);
                let (fetch, progress, writes) = (hub.fetch, s.progress, s.writes);
                let connection = c.clone();
                fan_out::run(requests.into(), MAX_IN_FLIGHT, move |(call, request): (Call, Request)| {
                    let (error, connection) = (Rc::clone(&error), connection.clone());
                    Box::pin(async move {
                        let reader = match Reader::new(fetch, connection) {
                            Ok(r) => r.with_retries(Retries::Into(progress)),
                            Err(e) => {
                                error.borrow_mut().get_or_insert(e);
                                return Step::Stop;
                            }
                        };
                        let kept = reader.send(&request).await.and_then(|answer| {
                            let mut kept = Ok(());
                            let _ = writes.try_update(|w| {
                                if let Some(Writes::Wave(w)) = w {
                                    kept = w.succeeded(call, &answer.value);
                                }
                            });
                            kept.map_err(|detail| ConsoleError::Parse { operation: request.operation, detail, excerpt: String::new(), request_id: None })
                        });
                        match kept {
                            Ok(()) => Step::Done { throttled: reader.throttled() },
                            Err(e) => {
                                error.borrow_mut().get_or_insert(e);
                                Step::Stop
                            }
                        }
                    })
                })
                .await;
                if let Some(e) = first_error.take() {
                    return Err(e);
                }
            }
        }
    }
}

pub fn runner_view(hub: RolloutHub) -> AnyView {
    let s = State {
        form: RwSignal::new(TaskForm::default()),
        rollout: RwSignal::new(RolloutForm::new(0)),
        fleet_kind: RwSignal::new("group".to_owned()),
        fleet_source: RwSignal::new(String::new()),
        start_time: RwSignal::new(String::new()),
        refusal: RwSignal::new(None),
        problem: RwSignal::new(None),
        flow: RwSignal::new(Flow::Editing),
        writes: RwSignal::new(None),
        ended: RwSignal::new(None),
        progress: RwSignal::new(None),
        kept_out: RwSignal::new(Vec::new()),
        left_out: RwSignal::new(Vec::new()),
        added_back: RwSignal::new(Vec::new()),
    };
    let refusal: Refusal = s.refusal.into();
    let intent = hub.intent;

    let on_review = Callback::new(move |()| {
        s.clear();
        let Some(i) = intent.get_untracked() else { return };
        spawn_local(async move {
            let c = match hub.write_connection().await {
                Ok(c) => c,
                Err(e) => return s.fail(e),
            };
            let _ = s.progress.try_set(Some("Reading the fleet's devices…".to_owned()));
            let built = build(hub, s, &c, i).await;
            let _ = s.progress.try_set(None);
            let reviewed = built.and_then(|w| {
                let review = WriteReview::of(&c, &w.first_request()?, Vec::new());
                let binding = Binding { key_id: key_id(&c)?, task: None };
                let calls = w.progress().0;
                Ok((w, Reviewed { review, binding, send: c, calls }))
            });
            match reviewed {
                Ok((w, r)) => {
                    let _ = s.writes.try_set(Some(w));
                    let _ = s.flow.try_set(Flow::Reviewing(r));
                }
                Err(e) => s.fail(e),
            }
        });
    });

    // Each time a write opens: its form starts from the plan, the rollout or the clock.
    Effect::new(move |_| {
        let Some(i) = intent.get() else { return };
        s.flow.update(Flow::back);
        s.clear();
        s.writes.set(None);
        s.added_back.set(Vec::new());
        s.start_time.set(clock::local_input_value(default_start_ms(clock::now_millis() as i64)));
        match i {
            RolloutIntent::New(form, kept_out) => {
                s.form.set(form);
                s.kept_out.set(kept_out);
                let seed = random_token().ok().and_then(|t| u64::from_str_radix(t.get(..16)?, 16).ok()).unwrap_or_default();
                s.rollout.set(RolloutForm::new(seed));
            }
            RolloutIntent::FollowUp { rollout } => {
                let left = find(hub, &rollout).map(|r| r.follow_up().left_out).unwrap_or_default();
                s.left_out.set(left);
            }
            RolloutIntent::Next { .. } | RolloutIntent::Start { .. } => {}
            // A clean-up has nothing to fill in: its review opens at once.
            RolloutIntent::CleanUp { .. } => on_review.run(()),
        }
    });

    let on_confirm = Callback::new(move |()| {
        let Some(r) = s.flow.with_untracked(|f| f.reviewing().cloned()) else { return };
        // A start checked at review may have become too soon while the review was open.
        let start_left = s.writes.with_untracked(|w| match w {
            Some(Writes::Wave(w)) if !w.finished() => Some(w.start()),
            _ => None,
        });
        if let Some(start) = start_left {
            let now = hub.fetch.now_ms(Signal::stored(Some(r.send.clone())));
            if let Err(e) = check_start(Some(start.epoch_millis()), now) {
                return s.fail(e);
            }
        }
        let key = key_id(&r.send);
        let sent = s.flow.try_update(|f| f.confirm(Now { key_id: key.as_deref().map_err(Clone::clone), shown_task_id: None }));
        let r = match sent {
            Some(Ok(r)) => r,
            Some(Err(e)) => return s.fail(e),
            None => return,
        };
        s.clear();
        spawn_local(async move {
            let answer = send_rest(hub, s, r.send.clone()).await;
            let outcome = WriteOutcome::of(&answer);
            let _ = s.flow.try_update(|f| f.end(outcome));
            let (done, total) = s.writes.with_untracked(|w| w.as_ref().map(Writes::progress)).map(|(t, d)| (d, t)).unwrap_or_default();
            let ended = match answer {
                Ok(operation) => {
                    let task = s.writes.with_untracked(|w| match w {
                        Some(Writes::Wave(w)) => w.task_id().map(str::to_owned),
                        _ => None,
                    });
                    let sentence = match task {
                        Some(task) => format!("Sent: {done} of {total} calls. The wave's task {task} is scheduled; the rollouts below are read again."),
                        None => format!("Sent: {done} of {total} calls; the rollouts below are read again."),
                    };
                    hub.reload();
                    Ended { outcome, operation, code: None, sentence }
                }
                Err(e) => {
                    // The review stays: *Send* again sends only what is left.
                    let _ = s.flow.try_set(Flow::Reviewing(r));
                    let operation = match &e {
                        ConsoleError::OutcomeUnknown { operation, .. } | ConsoleError::Parse { operation, .. } => *operation,
                        _ => s
                            .writes
                            .with_untracked(|w| w.as_ref().and_then(|w| w.steps().into_iter().find(|(_, t, d, _)| d < t).map(|(o, ..)| o)))
                            .unwrap_or(Operation::StartFuotaTask),
                    };
                    Ended {
                        outcome,
                        operation,
                        code: Some(e.code().to_owned()),
                        sentence: format!("Stopped after {done} of {total} calls: {} Nothing done is sent again: Send sends only what is left.", e.sentence()),
                    }
                }
            };
            let _ = s.ended.try_set(Some(ended));
        });
    });
    let on_back = Callback::new(move |()| {
        // Back from a review whose sending began would lose where it stopped: it stays.
        if s.writes.with_untracked(|w| w.as_ref().is_some_and(|w| w.progress().1 > 0)) {
            return;
        }
        s.flow.update(Flow::back);
        s.writes.set(None);
    });
    let on_close = move |_| {
        if !s.flow.with_untracked(Flow::is_sending) {
            intent.set(None);
        }
    };

    let title = move || match intent.get() {
        Some(RolloutIntent::New(..)) => "New rollout".to_owned(),
        Some(RolloutIntent::Next { .. }) => "Next wave".to_owned(),
        Some(RolloutIntent::FollowUp { .. }) => "Follow-up of the failed devices".to_owned(),
        Some(RolloutIntent::CleanUp { wave, group_id, .. }) => format!("Clean up wave {wave}: delete multicast group {group_id}"),
        Some(RolloutIntent::Start { wave, task_id, .. }) => format!("Start wave {wave} (task {task_id})"),
        None => String::new(),
    };
    let view_name = move || {
        intent.with(|i| match i {
            Some(RolloutIntent::New(..)) => "new-rollout",
            Some(RolloutIntent::CleanUp { .. }) => "clean-up",
            Some(RolloutIntent::Start { .. }) => "start-wave",
            _ => "wave",
        })
    };
    let wave_kind = move || {
        intent.with(|i| match i {
            Some(RolloutIntent::Next { .. }) => Some("next"),
            Some(RolloutIntent::FollowUp { .. }) => Some("follow-up"),
            _ => None,
        })
    };
    let reviewing = move || s.flow.with(|f| f.shown().is_some());
    let sending = Signal::derive(move || s.flow.with(Flow::is_sending));
    let editing = move || match intent.get() {
        Some(RolloutIntent::New(..)) => new_rollout_form(s, refusal).into_any(),
        Some(RolloutIntent::Next { rollout, .. }) => wave_form(hub, s, refusal, "next", rollout).into_any(),
        Some(RolloutIntent::FollowUp { rollout }) => wave_form(hub, s, refusal, "follow-up", rollout).into_any(),
        Some(RolloutIntent::Start { .. }) => start_form(s.start_time, refusal).into_any(),
        Some(RolloutIntent::CleanUp { .. }) => view! { <p>"The wave's multicast group is deleted; its task stays as the rollout's record."</p> }.into_any(),
        None => ().into_any(),
    };
    let review = move || {
        let r = s.flow.with(|f| f.shown().cloned())?;
        Some(review_view(s, r, sending, on_confirm, on_back))
    };

    view! {
        <Show when=move || intent.with(Option::is_some)>
            <section class="run rollout-run" aria-labelledby="rollout-run-title" data-view=view_name data-wave-kind=wave_kind>
                <h2 id="rollout-run-title">{title}</h2>
                <div class="editing" hidden=reviewing>
                    {editing}
                    <div class="actions">
                        <button type="button" data-action="review-write" disabled=move || sending.get() on:click=move |ev| trusted(ev, on_review)>"Review"</button>
                        <button type="button" class="secondary" data-action="close-run" on:click=on_close>"Close"</button>
                    </div>
                </div>
                {move || s.progress.get().map(|p| view! { <p class="progress" data-progress="">{p}</p> })}
                {move || s.problem.get().filter(|e| e.refusal().is_none()).map(|e| view! { <ErrorView error=e /> })}
                {review}
                {move || {
                    let (total, done) = s.writes.with(|w| w.as_ref().map(Writes::progress))?;
                    (done > 0 || sending.get()).then(|| view! {
                        <p class="progress" data-write-progress="" data-done=done.to_string() data-total=total.to_string()>{format!("{done} of {total} calls")}</p>
                    })
                }}
                {move || s.ended.get().map(|e| view! {
                    <div class="write-result" class:error=e.outcome != WriteOutcome::Succeeded role="status"
                        data-write-result="" data-operation=e.operation.name() data-outcome=e.outcome.as_str() data-error-code=e.code.clone()>
                        <p>{e.sentence}</p>
                    </div>
                })}
            </section>
        </Show>
    }
    .into_any()
}

fn new_rollout_form(s: State, refusal: Refusal) -> impl IntoView {
    let spec = Memo::new(move |_| s.form.with(TaskForm::check));
    let warnings = Memo::new(|_| Vec::new());
    let text = |field: Field, label: &'static str, bound: Bound| control(label, Keyboard::Text, bound, no_hint(), refusal, field);
    let delivery = Signal::derive(move || s.rollout.with(|f| f.delivery.as_str().to_owned()));
    let class = Signal::derive(move || {
        s.rollout.with(|f| match f.delivery {
            Delivery::GroupPerWave(c) => c.as_str().to_owned(),
            Delivery::Devices => DlClass::ClassC.as_str().to_owned(),
        })
    });
    let set_delivery = move |v: String| {
        s.rollout.update(|f| {
            let class = match f.delivery {
                Delivery::GroupPerWave(c) => c,
                Delivery::Devices => DlClass::ClassC,
            };
            f.delivery = if v == "devices" { Delivery::Devices } else { Delivery::GroupPerWave(class) };
        })
    };
    let set_class = move |v: String| {
        s.rollout.update(|f| {
            if let (Delivery::GroupPerWave(_), Some(c)) = (f.delivery, DlClass::parse(&v)) {
                f.delivery = Delivery::GroupPerWave(c);
            }
        })
    };
    let source_label = move || match s.fleet_kind.get().as_str() {
        "device-profile" => "Device profile id",
        "devices" => "Wireless device ids or DevEUIs, one per line or comma-separated",
        _ => "Multicast group id",
    };
    view! {
        <div class="run-form">
            {task_form(s.form, refusal, Signal::stored(true), spec, warnings)}
            {text(Field::RolloutName, "Rollout name", rollout_member(s.rollout, |f| &f.name, |f, v| f.name = v))}
            {choice("fleet-kind", "Fleet", s.fleet_kind.into(),
                pairs(&[("group", "the members of a multicast group"), ("device-profile", "the devices of a device profile"), ("devices", "devices pasted")]),
                move |v| s.fleet_kind.set(v), refusal, Field::FleetSource)}
            {move || {
                let keyboard = if s.fleet_kind.with(|k| k == "devices") { Keyboard::Lines } else { Keyboard::Text };
                control(source_label(), keyboard, s.fleet_source, no_hint(), refusal, Field::FleetSource)
            }}
            {text(Field::WaveSizes, "Waves (shares or counts, in order; the last is the rest)", rollout_member(s.rollout, |f| &f.waves, |f, v| f.waves = v))}
            {text(Field::SuccessThreshold, "Success threshold (%): updated share before the next wave", rollout_member(s.rollout, |f| &f.success_percent, |f, v| f.success_percent = v))}
            {text(Field::ErrorThreshold, "Error threshold (%): failed share that halts a wave", rollout_member(s.rollout, |f| &f.error_percent, |f, v| f.error_percent = v))}
            {choice("delivery", "Delivery", delivery, pairs(&[("group-per-wave", "a group per wave"), ("devices", "each device")]), set_delivery, refusal, Field::MulticastClass)}
            <Show when=move || delivery.with(|d| d == "group-per-wave")>
                {choice("wave-dl-class", "Multicast class", class, pairs(&[("ClassC", "Class C"), ("ClassB", "Class B")]), set_class, refusal, Field::MulticastClass)}
            </Show>
            {text(Field::RolloutSeed, "Seed (the same seed and fleet give the same waves)", rollout_member(s.rollout, |f| &f.seed, |f, v| f.seed = v))}
            {move || {
                let kept = s.kept_out.get();
                (!kept.is_empty()).then(|| view! {
                    <div data-kept-out=kept.len().to_string()>
                        <p>{format!("The pre-flight check found {} devices unreachable: those in the fleet are kept out of every wave (the record counts them).", kept.len())}</p>
                        <ul class="kept-out">{kept.iter().map(|id| view! { <li data-kept-out-device=id.clone()><code>{id.clone()}</code></li> }).collect_view()}</ul>
                        <button type="button" class="link" data-action="keep-none-out" on:click=move |_| s.kept_out.set(Vec::new())>"Keep none out"</button>
                    </div>
                })
            }}
            {start_form(s.start_time, refusal)}
        </div>
    }
}

fn wave_form(hub: RolloutHub, s: State, refusal: Refusal, kind: &'static str, rollout: String) -> impl IntoView {
    let found = find(hub, &rollout).ok();
    let pasted = found.as_ref().and_then(|r| r.plan.as_ref()).is_some_and(|p| matches!(p.fleet.source(), FleetSource::List));
    let add_back = move |device: String| {
        s.left_out.update(|l| l.retain(|d| d.device != device));
        s.added_back.update(|a| a.push(device));
    };
    let follow_up = found.as_ref().filter(|_| kind == "follow-up").map(|r| r.follow_up().devices.len());
    view! {
        <div class="run-form">
            {follow_up.map(|n| view! { <p data-follow-up-devices=n.to_string()>{format!("{n} devices whose status says another attempt can work.")}</p> })}
            {move || {
                let left = s.left_out.get();
                (kind == "follow-up" && !left.is_empty()).then(|| view! {
                    <p>"Left out: the same plan cannot work for these (add one back to try anyway)."</p>
                    <ul class="left-out">
                        {left.into_iter().map(|d| {
                            let device = d.device.clone();
                            view! {
                                <li data-left-out="" data-device-id=d.device.clone()>
                                    <code>{d.device.clone()}</code>" "{d.status.clone()}": "{d.reason.clone()}" "
                                    <button type="button" class="link" data-action="add-back" on:click=move |_| add_back(device.clone())>"Add back"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            {move || (!s.added_back.with(Vec::is_empty)).then(|| view! { <p data-added-back=move || s.added_back.with(Vec::len).to_string()>{move || format!("Added back: {}", s.added_back.get().join(", "))}</p> })}
            {pasted.then(|| control("The fleet's device ids or DevEUIs, pasted again (a pasted fleet is in no tag)", Keyboard::Lines, s.fleet_source, no_hint(), refusal, Field::FleetSource))}
            {start_form(s.start_time, refusal)}
        </div>
    }
}

fn review_view(s: State, r: Reviewed<Connection>, sending: Signal<bool>, on_confirm: Callback<()>, on_back: Callback<()>) -> AnyView {
    let steps = move || s.writes.with(|w| w.as_ref().map(Writes::steps).unwrap_or_default());
    let progress = move || s.writes.with(|w| w.as_ref().map(Writes::progress).unwrap_or_default());
    let started = move || progress().1 > 0;
    view! {
        <div class="review" data-write-review="" data-operation=r.review.operation.name()>
            <h3>"Review before sending"</h3>
            <dl class="fields">
                <div class="field"><dt>"Sent to"</dt><dd><code data-write-host="">{r.review.host.clone()}</code></dd></div>
                <div class="field"><dt>"Signed as"</dt><dd><code data-write-principal="">{r.binding.principal_shown()}</code></dd></div>
            </dl>
            <p>{format!("In this order, each step after the one before; a step's calls at most {MAX_IN_FLIGHT} at a time. The first failure stops it.")}</p>
            <ol class="write-steps">
                {move || steps().into_iter().map(|(operation, total, done, body)| view! {
                    <li data-write-step="" data-operation=operation.name() data-count=total.to_string() data-done=done.to_string()>
                        <p><code>{operation.name()}</code>{format!(" · {total} call{} · {done} done · {}", if total == 1 { "" } else { "s" }, operation.iam_action())}</p>
                        <pre data-write-body="" tabindex="0">{body}</pre>
                    </li>
                }).collect_view()}
            </ol>
            <div class="actions">
                <button type="button" data-action="confirm-write" disabled=move || sending.get() on:click=move |ev| trusted(ev, on_confirm)>
                    {move || if sending.get() { "Sending…" } else if started() { "Send the rest" } else { "Send" }}
                </button>
                <button type="button" class="secondary" data-action="back" disabled=move || sending.get() || started() on:click=move |_| on_back.run(())>"Back"</button>
            </div>
        </div>
    }
    .into_any()
}
