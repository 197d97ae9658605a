//! Rollouts: a fleet updated in waves, each wave one reviewed sequence of writes, every rollout of
//! the region rebuilt from its tasks' tags. The rules (waves, gate, follow-ups, the tag record,
//! the order of a wave's writes) are the core's `rollout`; this draws them and sends what the user
//! confirmed. Its own part: a visit that never opens a rollout never loads it.
//!
//! The hub is what the rest of the page holds: whether the rollouts view is open, what it read,
//! and which rollout write is open. The planner, the task list and the rollouts view open a new
//! rollout through it.

mod read;
mod runner;
mod view;

use std::collections::HashMap;

use fuota_core::campaign::task::FuotaTask;
use fuota_core::rollout::state::Rollout;
use fuota_core::run::form::TaskForm;
use fuota_core::{Connection, ConsoleError};
use leptos::prelude::*;

use super::fields::QueryFields;
use super::part_view::PartView;
use super::reader::{self, FetchState, ReadSlot};

/// A rollout write the user asked for.
#[derive(Clone, Debug)]
pub enum RolloutIntent {
    /// A new rollout: its first wave, the task's form filled from the plan on screen (or the
    /// starting values), and the devices a pre-flight found unreachable (kept out of every wave).
    New(TaskForm, Vec<String>),
    /// The next planned wave of the rollout (by id), with the reason typed to go past its gate.
    Next { rollout: String, reason: String },
    /// A follow-up of the rollout's retryable failures.
    FollowUp { rollout: String },
    /// A wave whose task was made and not started (its sending stopped, or the tab closed before
    /// the start): its start, reviewed.
    Start { rollout: String, wave: String, task_id: String },
    /// A finished wave's multicast group deleted.
    CleanUp { rollout: String, wave: String, group_id: String },
}

/// What the rollouts view read: the rollouts, and per wave task its task and its groups. Made by
/// the rollouts' part when it first runs: the page's first part holds none of these types.
#[derive(Clone, Copy)]
pub struct RolloutsState {
    pub rollouts: RwSignal<Vec<Rollout>>,
    pub tasks: RwSignal<HashMap<String, FuotaTask>>,
    /// The multicast groups of each wave's task (a group per wave: its clean-up deletes it).
    pub groups: RwSignal<HashMap<String, Vec<String>>>,
    pub progress: RwSignal<Option<String>>,
    pub complete: RwSignal<bool>,
    pub error: RwSignal<Option<ConsoleError>>,
    /// The rollout whose actions are open.
    pub opened: RwSignal<Option<String>>,
    /// The override reason typed per rollout.
    pub reasons: RwSignal<HashMap<String, String>>,
    /// A wave's session is waiting or on the air: the view is read again on its own.
    pub live: RwSignal<bool>,
    /// What a live re-read need not read again.
    cache: StoredValue<read::Cache>,
    /// Each read's number: a live re-read armed by an older read does not run.
    generation: StoredValue<u32>,
    in_flight: ReadSlot,
}

impl RolloutsState {
    fn new() -> Self {
        Self {
            rollouts: RwSignal::new(Vec::new()),
            tasks: RwSignal::new(HashMap::new()),
            groups: RwSignal::new(HashMap::new()),
            progress: RwSignal::new(None),
            complete: RwSignal::new(false),
            error: RwSignal::new(None),
            opened: RwSignal::new(None),
            reasons: RwSignal::new(HashMap::new()),
            live: RwSignal::new(false),
            cache: StoredValue::new(read::Cache::default()),
            generation: StoredValue::new(0),
            in_flight: reader::read_slot(),
        }
    }
}

/// Where a rollout's writes get their connection: the page's form, checked as a submit's is (its
/// credentials' owner signs); or, in a widget (no form), the connection the rollouts were read
/// through, and only when the portal mounted it `writable`.
#[derive(Clone, Copy)]
pub struct WriteSource {
    form: Option<QueryFields>,
    writable: bool,
}

impl WriteSource {
    pub fn form(query: QueryFields) -> Self {
        Self { form: Some(query), writable: true }
    }

    pub fn widget(writable: bool) -> Self {
        Self { form: None, writable }
    }
}

/// The page's rollouts: the view's state, the open write, and where writes sign.
#[derive(Clone, Copy)]
pub struct RolloutHub {
    /// The rollouts view is open.
    pub open: RwSignal<bool>,
    state: StoredValue<Option<RolloutsState>>,
    pub intent: RwSignal<Option<RolloutIntent>>,
    source: WriteSource,
    pub fetch: FetchState,
    /// The connection the rollouts were last read through.
    connection: RwSignal<Option<Connection>>,
    /// How often a live view is read again.
    refresh_seconds: u32,
    /// A widget's way to new credentials when a read says they expired (its provider, asked once:
    /// the hub it reads with again has none).
    renew: Option<Callback<()>>,
}

impl RolloutHub {
    pub fn new(source: WriteSource, fetch: FetchState, refresh_seconds: u32) -> Self {
        Self {
            open: RwSignal::new(false),
            state: StoredValue::new(None),
            intent: RwSignal::new(None),
            source,
            fetch,
            connection: RwSignal::new(None),
            refresh_seconds,
            renew: None,
        }
    }

    /// This hub, asking `renew` for new credentials when a read says they expired.
    pub fn with_renew(self, renew: Callback<()>) -> Self {
        Self { renew: Some(renew), ..self }
    }

    /// May this hub write (a page; a widget mounted `writable`)?
    pub fn writable(self) -> bool {
        self.source.writable
    }

    /// The connection a write is reviewed and signed with.
    async fn write_connection(self) -> Result<Connection, ConsoleError> {
        match self.source {
            WriteSource { form: Some(query), .. } => {
                query.pastes_read().await;
                let c = query.checked_connection()?;
                query.remember_now();
                Ok(c)
            }
            WriteSource { form: None, writable: true } => self.connection.get_untracked().ok_or(ConsoleError::CredentialsForgotten),
            WriteSource { form: None, writable: false } => Err(ConsoleError::invalid(
                fuota_core::wire::error::Field::FleetSource,
                "This widget was mounted without writable: it shows rollouts and writes nothing.",
            )),
        }
    }

    /// A read that could not start (a widget without credentials): said in the view.
    pub fn fail(self, e: ConsoleError) {
        self.open.set(true);
        let _ = self.state().error.try_set(Some(e));
        let _ = self.state().complete.try_set(true);
    }

    /// The view's state, made at its first use (in the rollouts' part).
    fn state(self) -> RolloutsState {
        if let Some(s) = self.state.get_value() {
            return s;
        }
        let s = RolloutsState::new();
        self.state.set_value(Some(s));
        s
    }

    /// Opens the rollouts view and reads every rollout of the region through `connection`.
    pub fn load(self, connection: Connection) {
        self.open.set(true);
        self.connection.set(Some(connection.clone()));
        leptos::task::spawn_local(async move {
            // A part that did not arrive is said by the view's own place (`part_view`).
            let _ = read_rollouts(self, connection, true).await;
        });
    }

    /// Reads them again through the same connection.
    pub fn reload(self) {
        if let Some(c) = self.connection.get_untracked() {
            self.load(c);
        }
    }

    /// Opens a new rollout's form.
    pub fn new_rollout(self, form: TaskForm, kept_out: Vec<String>) {
        self.intent.set(Some(RolloutIntent::New(form, kept_out)));
    }
}

crate::on_demand! {
    fn read_rollouts / read_rollouts_part [rollouts, "rollouts"] (hub: RolloutHub, connection: Connection, fresh: bool) -> () {
        read::start(hub, connection, fresh)
    }
}

crate::on_demand! {
    /// The rollouts view, in the rollouts' part.
    pub fn rollouts_view / rollouts_view_part [rollouts, "rollouts"] (hub: RolloutHub) -> PartView {
        Box::new(move || view::rollouts_view(hub))
    }
}

crate::on_demand! {
    /// A rollout's write (a new rollout, a next wave, a follow-up, a clean-up), in the rollouts' part.
    pub fn rollout_runner / rollout_runner_part [rollouts, "rollouts"] (hub: RolloutHub) -> PartView {
        Box::new(move || runner::runner_view(hub))
    }
}

/// A new rollout's task form where no plan is on screen (the task list, the rollouts view): the
/// calculator's starting values (the published interoperability example), the band the user's.
pub fn starting_form() -> TaskForm {
    let mut form = TaskForm::default();
    if let Ok(inputs) = fuota_core::radio::fragments::FragmentTexts::starting().parse() {
        form.take_plan(&inputs, "");
    }
    form
}

/// The button that opens a new rollout, where the page has a hub.
pub fn new_rollout_button(form: impl Fn() -> TaskForm + 'static) -> Option<impl IntoView> {
    let hub = use_context::<RolloutHub>()?;
    // Where a pre-flight check ran (the console's), the devices it found unreachable are kept out.
    let preflight = use_context::<super::preflight::Preflight>();
    let kept_out = move || preflight.map(|p| p.not_reached()).unwrap_or_default();
    Some(view! {
        <button type="button" class="secondary" data-action="new-rollout" on:click=move |_| hub.new_rollout(form(), kept_out())>"Roll out this plan"</button>
    })
}
