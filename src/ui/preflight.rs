//! The pre-flight check's state, shared through context by the views that show it: the devices
//! view (each row's margin and silence, the filter), the planner (the fit table's reach column,
//! the proposal under the reach target) and `preflight_panel` (the *Check the devices* control
//! and the panel, a part of its own loaded at the first check). The rules are the core's
//! (`fuota_core::preflight`); this holds the signals, and decides only when to ask.

use fuota_core::preflight::check::{assess, Assessment, Check, Context, DeviceFilter, Settings, SettingsTexts};
use fuota_core::preflight::reach::ReachCount;
use fuota_core::radio::lorawan;
use fuota_core::radio::planner::DATA_RATE;
use fuota_core::{Connection, ConsoleError, FuotaTask};
use leptos::prelude::*;

use super::campaign::CampaignState;
use super::fields::CalcFields;
use super::reader::{self, FetchState, ReadSlot};

#[derive(Clone, Copy)]
pub struct Preflight {
    /// None until a check is started.
    pub check: RwSignal<Option<Check>>,
    /// Devices read so far (the progress line follows every read; `check` is told in batches).
    pub done: RwSignal<usize>,
    pub running: RwSignal<bool>,
    pub silent_after_hours: RwSignal<String>,
    pub margin_db: RwSignal<String>,
    pub target_percent: RwSignal<String>,
    /// Above 1,000 devices: read a random 1,000 (`preflight-sample` = `sample`).
    pub sample: RwSignal<bool>,
    /// The EUIs of the multicast groups' participating gateways; empty when a group names none
    /// (the service then picks) or they could not be read.
    pub participating: RwSignal<Vec<String>>,
    /// Why coverage is not judged, when it is not.
    pub gateways_note: RwSignal<Option<String>>,
    /// What stopped the check, when every further read would have failed the same way.
    pub error: RwSignal<Option<ConsoleError>>,
    /// The service's time the verdicts are judged at (the time as an input of the rules).
    pub now_ms: RwSignal<i64>,
    /// Asked for with each *Check the devices*; the panel starts a check when it passes `handled`
    /// (so that a panel shown again, after the task view was redrawn, starts nothing by itself).
    pub requested: RwSignal<u32>,
    pub handled: StoredValue<u32>,
    /// The device table's pre-flight filter.
    pub filter: RwSignal<DeviceFilter>,
    /// A check's workers stop when this moves on (a new check, *Stop*, the view gone).
    pub generation: StoredValue<u32>,
    pub reads: ReadSlot,
    pub settings: Memo<Result<Settings, ConsoleError>>,
    /// The planner's data rate, when it is a whole number.
    pub data_rate: Memo<Option<u8>>,
    /// Reached and known per downlink data rate, once every chosen device is read, and whether
    /// they are of a sample.
    pub reach: Memo<Option<(Vec<ReachCount>, bool)>>,
    // What the check reads through and of.
    pub campaign: CampaignState,
    pub connection: Signal<Option<Connection>>,
    pub fetch: FetchState,
    pub calc: CalcFields,
    pub task: Signal<Option<FuotaTask>>,
}

impl Preflight {
    pub fn new(campaign: CampaignState, connection: Signal<Option<Connection>>, fetch: FetchState, calc: CalcFields, task: Signal<Option<FuotaTask>>) -> Self {
        let defaults = SettingsTexts::default();
        let silent_after_hours = RwSignal::new(defaults.silent_after_hours);
        let margin_db = RwSignal::new(defaults.margin_db);
        let target_percent = RwSignal::new(defaults.target_percent);
        let settings = Memo::new(move |_| {
            SettingsTexts { silent_after_hours: silent_after_hours.get(), margin_db: margin_db.get(), target_percent: target_percent.get() }.parse()
        });
        // The planner's data rate, read by the planner's own rule.
        let data_rate = Memo::new(move |_| calc.data_rate.with(|d| DATA_RATE.parse(d).ok().and_then(|n| u8::try_from(n).ok())));
        let check = RwSignal::new(None::<Check>);
        let mut preflight = Self {
            check,
            done: RwSignal::new(0),
            running: RwSignal::new(false),
            silent_after_hours,
            margin_db,
            target_percent,
            sample: RwSignal::new(true),
            participating: RwSignal::new(Vec::new()),
            gateways_note: RwSignal::new(None),
            error: RwSignal::new(None),
            now_ms: RwSignal::new(0),
            requested: RwSignal::new(0),
            handled: StoredValue::new(0),
            filter: RwSignal::new(DeviceFilter::All),
            generation: StoredValue::new(0),
            reads: reader::read_slot(),
            settings,
            data_rate,
            reach: Memo::new(|_| None),
            campaign,
            connection,
            fetch,
            calc,
            task,
        };
        // The reach figures only once every chosen device is read: a share of a check cut short
        // would steer the proposal by whichever devices answered first.
        let p = preflight;
        preflight.reach =
            Memo::new(move |_| p.with_context(|ctx| p.check.with(|c| c.as_ref().filter(|c| c.complete()).map(|c| (c.reach(ctx), c.sampled)))).flatten());
        // Another task: the check was of the previous one's devices. It stops, and its panel goes
        // until the user checks again.
        Effect::new(move |previous: Option<Option<String>>| {
            let now = campaign.task_id.get();
            if previous.is_some_and(|p| p != now) {
                preflight.reset();
            }
            now
        });
        preflight
    }

    fn reset(&self) {
        self.stop();
        self.check.set(None);
        self.done.set(0);
        self.participating.set(Vec::new());
        self.gateways_note.set(None);
        self.error.set(None);
        self.filter.set(DeviceFilter::All);
        self.requested.set(0);
        self.handled.set_value(0);
    }

    /// Runs `f` with what a verdict is judged against (reactive); None while a setting is refused
    /// or the region is unknown to the console.
    pub fn with_context<R>(&self, f: impl FnOnce(&Context) -> R) -> Option<R> {
        let settings = self.settings.get().ok()?;
        let region = self.calc.rf_region.with(|r| lorawan::region(r))?;
        // The devices' uplink rates are read in the task's region, whatever the planner is asked.
        let uplink_region = self.task.with(|t| t.as_ref().and_then(|t| t.rf_region.clone())).unwrap_or_else(|| region.name.to_owned());
        let now_ms = self.now_ms.get();
        let data_rate = self.data_rate.get();
        self.participating.with(|participating| Some(f(&Context { region, uplink_region: &uplink_region, data_rate, participating, now_ms, settings })))
    }

    /// One device's outcome, once it is read.
    pub fn assessment(&self, id: &str) -> Option<Assessment> {
        self.with_context(|ctx| self.check.with(|c| c.as_ref().and_then(|c| c.read(id)).map(|read| assess(read, ctx)))).flatten()
    }

    /// The devices the last check found not reached (none before a check).
    pub fn not_reached(&self) -> Vec<String> {
        untrack(|| self.with_context(|ctx| self.check.with(|c| c.as_ref().map(|c| c.not_reached(ctx)))).flatten()).unwrap_or_default()
    }

    /// Asks for a check (the panel, once loaded, runs it).
    pub fn request(&self) {
        self.requested.update(|n| *n += 1);
    }

    /// Stops the check in flight: what was read stays.
    /// `try_` throughout: it also runs while the views that own these signals are going away.
    pub fn stop(&self) {
        self.generation.try_update_value(|g| *g += 1);
        reader::cancel(self.reads);
        self.running.try_set(false);
        if !self.check.is_disposed() {
            self.check.notify();
        }
    }
}
