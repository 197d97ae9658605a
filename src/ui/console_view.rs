//! The task console without its query form: progress, the task or the error, the campaign (the
//! task's devices and multicast groups, refreshed while the task runs), the calculator. The page
//! puts the query form beside it; the widget shows it alone.

use fuota_core::campaign::live::RefreshSchedule;
use fuota_core::campaign::task::TaskStatus;
use fuota_core::radio::planner::RadioTexts;
use fuota_core::run::actions::TaskAction;
use fuota_core::wire::time::Timestamp;
use fuota_core::Connection;
use futures::future::LocalBoxFuture;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use leptos::task::spawn_local;

use super::calculator::Calculator;
use super::campaign::CampaignState;
use super::devices_view::DevicesView;
use super::error_view::ErrorView;
use super::fields::CalcFields;
use super::groups_view::GroupsView;
use super::intent::{RunControl, RunView, WriteHost};
use super::part_view::{load_part, part_missing, part_view, part_view_ahead, PartView, Setup};
use super::reader::FetchState;
use super::session::Outcome;
use super::task_view::TaskView;
use crate::browser::{clock, events};
use crate::parts::NotLoaded;

/// The campaign sections and their live refresh, when the host wants them.
#[derive(Clone, Copy)]
pub struct CampaignOptions {
    /// The connection the shown task was read through.
    pub connection: Signal<Option<Connection>>,
    /// Reads the task again (the page's or the widget's own fetch).
    pub refresh: Callback<()>,
    pub refresh_seconds: u32,
    /// Writes, when the host turns them on (the page; a widget only with `writable`).
    pub writes: Option<WriteHost>,
}

/// The actions on the shown task (and a new task), each only in the statuses that allow it.
fn run_bar(control: RunControl, has_task: Signal<bool>) -> impl IntoView {
    let button = move |action: Option<TaskAction>, view: RunView, label: &'static str| {
        let name = view.name();
        let shown = move || match action {
            None => control.create,
            Some(a) => has_task.get() && control.allows(a),
        };
        view! {
            <Show when=shown>
                <button type="button" class="secondary" data-action=name
                    on:click={let view = view.clone(); move |_| control.view.set(Some(view.clone()))}>{label}</button>
            </Show>
        }
    };
    view! {
        <nav class="run-actions" aria-label="Run the campaign">
            {button(None, RunView::NewTask, "New task")}
            {button(Some(TaskAction::Edit), RunView::Edit, "Edit")}
            {button(Some(TaskAction::AddTargets), RunView::AddTargets, "Add devices or groups")}
            {button(Some(TaskAction::Start), RunView::Start, "Schedule")}
            {button(Some(TaskAction::Delete), RunView::Delete, "Delete")}
        </nav>
    }
}

crate::on_demand! {
    /// The action buttons, with the campaign's part: the task is on screen without them, and
    /// each of them opens a view of the runner's own part.
    fn run_actions / run_actions_part [campaign, "task actions"] (control: RunControl, has_task: Signal<bool>) -> PartView {
        Box::new(move || run_bar(control, has_task).into_any())
    }
}

/// While the tab is hidden, a due refresh looks again this often (no request is sent meanwhile).
const HIDDEN_POLL_MS: u64 = 1000;

fn clear_timer(timer: &mut Option<TimeoutHandle>) {
    if let Some(t) = timer.take() {
        t.clear();
    }
}

fn tab_visible() -> bool {
    web_sys::window().and_then(|w| w.document()).is_none_or(|d| !d.hidden())
}

/// The console's frame: its `children` (the page's query form), then progress, the task or the
/// error, the task's actions and campaign (in the campaign's part), and the calculator.
#[component]
pub fn TaskConsole(
    outcome: Signal<Option<Outcome>>,
    pending: Signal<bool>,
    fetch: FetchState,
    #[prop(optional_no_strip)] campaign: Option<CampaignOptions>,
    #[prop(optional)] children: Option<Children>,
    #[prop(default = "fuota-console")] class: &'static str,
) -> impl IntoView {
    let root = NodeRef::<Div>::new();
    let body = ConsoleBody { root, outcome, pending, fetch, campaign };
    view! {
        <div class=class node_ref=root>
            {children.map(|c| c())}
            {console_body_view(body)}
        </div>
    }
}

/// What the console's body is drawn from.
pub struct ConsoleBody {
    /// The frame: events for the host page are dispatched on it.
    root: NodeRef<Div>,
    outcome: Signal<Option<Outcome>>,
    pending: Signal<bool>,
    fetch: FetchState,
    campaign: Option<CampaignOptions>,
}

fn console_body_view(ConsoleBody { root, outcome, pending, fetch, campaign }: ConsoleBody) -> AnyView {
    // The calculator's fields are the body's own: the widget shows it too, and has no query form.
    let calc = CalcFields::new();
    let task = Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.as_ref().ok()).map(|a| a.task.clone())));
    let task_status = Signal::derive(move || task.with(|t| t.as_ref().and_then(|t| t.status.clone())));
    let state = CampaignState::new();
    // The task the calculator last took its values from: a refresh of the same task leaves the
    // user's what-if values alone.
    let taken = StoredValue::new(None::<Option<String>>);
    let updated_at = RwSignal::new(None::<i64>);
    let live = RwSignal::new(false);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let schedule = StoredValue::new(campaign.map(|c| RefreshSchedule::new(c.refresh_seconds)));
    // The pre-flight check, where the campaign is shown: the devices view, the planner and the
    // check's panel share it.
    if let Some(c) = campaign {
        provide_context(super::preflight::Preflight::new(state, c.connection, fetch, calc, task));
    }
    // Writes: the actions, and the runner's part once one is asked for (it stays, with its
    // last result, when its view closes).
    let run = campaign.and_then(|c| c.writes.map(|host| (c, host))).map(|(c, host)| {
        let control = RunControl { view: RwSignal::new(None), create: host.form.is_some(), status: task_status };
        provide_context(control);
        let asked = Memo::new(move |asked: Option<&bool>| asked.copied().unwrap_or(false) || control.view.with(Option::is_some));
        let panel = move || super::run::RunPanel { host, control, task, connection: c.connection, fetch, calc, campaign: state, refresh: c.refresh, root };
        let has_task = Signal::derive(move || task.with(|t| t.as_ref().is_some_and(|t| t.id.is_some())));
        view! {
            <div class="run-area">
                {part_view_ahead(pending, move || run_actions(control, has_task))}
                <Show when=move || asked.get()>{part_view(move || super::run::run_panel(panel()))}</Show>
            </div>
        }
    });

    // Each new outcome: the calculator takes a new task's values; host pages get an event; the
    // campaign is read, and a live task is read again when its time comes.
    Effect::new(move |_| {
        outcome.with(|o| {
            let Some(target) = root.get_untracked() else { return };
            match o {
                Some(Ok(answer)) => {
                    if taken.get_value().as_ref() != Some(&answer.task.id) {
                        // Another task: the previous one's session is not this one's.
                        calc.session_radio.set(None);
                        calc.take_task(&answer.task);
                        taken.set_value(Some(answer.task.id.clone()));
                    }
                    events::task_loaded(&target, &answer.raw_json);
                    updated_at.set(Some(clock::now_millis() as i64));
                }
                Some(Err(e)) => {
                    // A failed read (the credentials forgotten, the service refusing) ends the
                    // live refresh: nothing is read again on its own until the user asks.
                    live.set(false);
                    timer.update_value(clear_timer);
                    events::task_error(&target, e)
                }
                None => {}
            }
        })
    });
    // Why the campaign is not shown, when its part did not arrive.
    let missing = RwSignal::new(None::<NotLoaded>);
    let reads = StoredValue::new(0_u64);
    if let Some(options) = campaign {
        let watch = CampaignWatch { state, calc, root, task_status, uninstalled: StoredValue::new_local(Owner::current().map(|o| o.downgrade())) };
        Effect::new(move |_| {
            let Some(Ok(answer)) = outcome.get() else { return };
            let (Some(connection), Some(task_id)) = (options.connection.get_untracked(), answer.task.id.clone()) else { return };
            timer.update_value(clear_timer);
            let status = answer.task.status.clone();
            // This read, among the reads the answers start: a newer one ends its wait for the part.
            let this = reads.get_value().wrapping_add(1);
            reads.set_value(this);
            spawn_local(async move {
                // The task first: started with the answer, the part's compile and the campaign's
                // reads could come before the browser draws the task (a user sees the task, then
                // its devices; the page's own timing is in docs/performance-history.md).
                clock::after_paint().await;
                // Until the campaign's part arrives, its place says why; the task is still read
                // again while it runs (armed at the first failure), and the part is asked for
                // again on the places' schedule (`load_part`), so that a task that no longer runs
                // shows its devices too once the network is back, without a new *Get*. A newer
                // read, or the console gone, ends the wait.
                let connection = &connection;
                let task_id = &task_id;
                let load = move || Box::pin(campaign_read(watch, connection.clone(), task_id.clone(), fetch)) as LocalBoxFuture<'static, _>;
                let wanted = move || !state.task_id.is_disposed() && reads.try_get_value() == Some(this);
                let first_status = status.clone();
                let said = move |not_loaded| {
                    let _ = missing.try_set(Some(not_loaded));
                    arm_refresh(timer, schedule, live, options.refresh, first_status, false);
                };
                let Some((setup, read)) = load_part(&load, &wanted, said).await else { return };
                let _ = missing.try_set(None);
                watch.install(setup);
                // A read that a newer one replaced arms nothing: the newer one will.
                if let Some(throttled) = read.await {
                    arm_refresh(timer, schedule, live, options.refresh, status, throttled);
                }
            });
        });
        on_cleanup(move || {
            state.cancel();
            timer.update_value(clear_timer);
        });
    }
    // A memo: a live refresh of the same task says nothing new, so nothing is announced again.
    let status = Memo::new(move |_| {
        outcome.with(|o| match o {
            Some(Ok(answer)) => answer.task.loaded_status(),
            _ => String::new(),
        })
    });
    let live_line = move || {
        let at = updated_at.get().and_then(Timestamp::from_epoch_millis)?;
        let seconds = campaign.map(|c| c.refresh_seconds).unwrap_or_default();
        live.get().then(|| {
            view! {
                <p class="live" data-live="" data-updated-at=at.rfc3339()>
                    {format!("Live: read again every {seconds} s while the task runs · updated {}", clock::local_time(at.epoch_millis()))}
                </p>
            }
        })
    };

    view! {
        // The whole card is not a live region (a screen reader would read all of it on every
        // answer): a short status says what arrived, and an error announces itself (role=alert).
        <p class="visually-hidden" role="status" data-status="">{move || status.get()}</p>
        <section class="result" aria-busy=move || if pending.get() { "true" } else { "false" }>
            <Show when=move || pending.get()>
                <p class="progress" data-progress="">
                    {move || fetch.progress.get().unwrap_or_else(|| "Fetching the task…".to_owned())}
                </p>
            </Show>
            {move || fetch.clock_notice.get().map(|n| view! { <p class="notice" data-notice="clock-skew">{n}</p> })}
            {live_line}
            {move || outcome.get().map(|o| match o {
                Ok(answer) => view! { <TaskView answer=answer /> }.into_any(),
                Err(error) => view! { <ErrorView error=error /> }.into_any(),
            })}
        </section>
        {run}
        {campaign.map(|_| view! {
            <Show when=move || task.with(Option::is_some) && state.task_id.with(Option::is_some)>
                <div class="campaign">{part_view(move || campaign_views(state, task_status))}</div>
            </Show>
            {move || missing.get().filter(|_| task.with(Option::is_some)).map(part_missing)}
        })}
        <Calculator calc=calc task=task reading=pending />
    }
    .into_any()
}

crate::on_demand! {
    /// The task's devices and multicast groups, in the part that loads right after the console
    /// (with the session planner): a task is on screen without them.
    fn campaign_views / campaign_views_part [campaign, "devices and groups"] (state: CampaignState, task_status: Signal<Option<TaskStatus>>) -> PartView {
        Box::new(move || view! {
            <DevicesView campaign=state task_status=task_status />
            <GroupsView campaign=state />
        }.into_any())
    }
}

crate::on_demand! {
    /// The campaign's read of `task_id` (`CampaignState::load`), in the same part as its views,
    /// with what follows the reads, for the console to install once.
    fn campaign_read / campaign_read_part [campaign, "devices and groups"] (watch: CampaignWatch, connection: Connection, task_id: String, fetch: FetchState) -> (Setup, LocalBoxFuture<'static, Option<bool>>) {
        let CampaignWatch { state, calc, root, task_status, .. } = watch;
        (Box::new(move || watch_campaign(state, calc, root, task_status)), Box::pin(state.load(connection, task_id, fetch)))
    }
}

/// What the campaign's watch follows and updates, and the owner it is installed under: once,
/// under the console body's owner (so that it goes with the body), at the first campaign read
/// whose part arrived.
#[derive(Clone, Copy)]
struct CampaignWatch {
    state: CampaignState,
    calc: CalcFields,
    root: NodeRef<Div>,
    task_status: Signal<Option<TaskStatus>>,
    /// The body's owner until the watch is installed (weak: a part still loading keeps nothing alive).
    uninstalled: StoredValue<Option<WeakOwner>, LocalStorage>,
}

impl CampaignWatch {
    fn install(self, setup: Setup) {
        // `try_`: the body may be gone by the time its part arrived.
        if let Some(owner) = self.uninstalled.try_update_value(Option::take).flatten().and_then(|o| o.upgrade()) {
            owner.with(setup);
        }
    }
}

/// What follows the campaign's reads: the planner takes the radio values of the task's multicast
/// session, and the host hears when the devices are read to the end.
fn watch_campaign(state: CampaignState, calc: CalcFields, root: NodeRef<Div>, task_status: Signal<Option<TaskStatus>>) {
    // The planner takes the radio values of the task's multicast session once it is known,
    // and again only when they change: a live refresh leaves the user's what-if values alone.
    let session_radio = Memo::new(move |_| {
        state.groups.with(|groups| {
            groups.iter().find_map(|g| {
                let session = g.session.as_ref()?;
                let group = g.group.as_ref();
                let region = group.and_then(|g| g.rf_region.clone()).unwrap_or_else(|| calc.rf_region.get_untracked());
                let class = group.and_then(|g| g.dl_class.as_deref());
                Some((session.dl_dr, region.clone(), RadioTexts::from_session(&region, class, session)))
            })
        })
    });
    Effect::new(move |_| {
        if let Some((dr, region, radio)) = session_radio.get() {
            calc.session_dr.set(dr);
            calc.rf_region.set(region);
            calc.session_radio.set(Some(radio.clone()));
            calc.take_radio(radio);
        } else {
            calc.session_dr.set(None);
            calc.session_radio.set(None);
        }
    });
    // The host hears when the devices are read to the end, with their summary.
    Effect::new(move |_| {
        if state.devices_complete.get() {
            if let Some(target) = root.get_untracked() {
                let summary = state.roster.with_untracked(|r| r.summary());
                let verdict = task_status.with_untracked(|s| fuota_core::campaign::devices::TaskVerdict::of(s.as_ref(), &summary));
                events::devices_loaded(&target, &summary, verdict);
            }
        }
    });
}

/// After a read of the campaign: while the task is live, reads it again when the schedule says
/// (later after throttling; not while the tab is hidden); otherwise stops.
fn arm_refresh(
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    schedule: StoredValue<Option<RefreshSchedule>>,
    live: RwSignal<bool>,
    refresh: Callback<()>,
    status: Option<TaskStatus>,
    throttled: bool,
) {
    let Some(mut plan) = schedule.try_get_value().flatten() else { return };
    plan.after_refresh(throttled);
    schedule.set_value(Some(plan));
    let Some(delay) = plan.next_delay_ms(status.as_ref(), true) else {
        let _ = live.try_set(false);
        return;
    };
    let _ = live.try_set(true);
    wait_then_refresh(timer, refresh, delay);
}

fn wait_then_refresh(timer: StoredValue<Option<TimeoutHandle>, LocalStorage>, refresh: Callback<()>, delay_ms: u64) {
    let handle = set_timeout_with_handle(
        move || {
            if tab_visible() {
                refresh.run(());
            } else {
                wait_then_refresh(timer, refresh, HIDDEN_POLL_MS);
            }
        },
        std::time::Duration::from_millis(delay_ms.min(fuota_core::campaign::live::MAX_TIMER_MS)),
    );
    if let Ok(handle) = handle {
        let _ = timer.try_update_value(|t| {
            clear_timer(t);
            *t = Some(handle);
        });
    }
}
