//! The account's rollouts, rebuilt from its FUOTA tasks alone (their tags, statuses and devices):
//! each rollout's waves in order, its state and next step in words, and its progress. Time is an
//! input; the page reads, this decides.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::controls::RolloutField;
use super::gate::{DeviceState, Gate, Tally};
use super::plan::Plan;
use super::retry::FollowUp;
use super::tags::{self, Damaged, OverrideReason, RolloutId, RolloutRecord, WaveLabel};
use crate::campaign::devices::FuotaDeviceStatus;
use crate::campaign::task::TaskStatus;
use crate::input::numbers::grouped;
use crate::sort::{sort, sort_by};
use crate::wire::error::ConsoleError;
use crate::wire::time::Timestamp;

/// When a wave's session starts: the time, and the same time as the page shows it in the user's
/// zone (the core has no clock and no zone: the page writes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartsAt {
    pub at: Timestamp,
    /// "14:05", "Mon 14:05": as the page writes local times.
    pub local: String,
}

/// One task as the page read it: ListFuotaTasks gives its id, ListTagsForResource its tags,
/// GetFuotaTask its status and start, ListWirelessDevices (by task) its devices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInput {
    pub id: String,
    pub tags: Vec<(String, String)>,
    pub status: TaskStatus,
    pub starts: Option<StartsAt>,
    pub devices: Vec<DeviceState>,
}

/// Where a rollout is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutState {
    /// A wave's session is on the air.
    Running,
    /// Nothing on the air: a wave is created and not started, scheduled, or ready to review.
    Waiting,
    /// A wave ended below the success threshold: no next wave is offered.
    Held,
    /// A wave reached the error threshold, while it ran or after: no next wave is offered.
    Halted,
    /// Every planned wave ran.
    Done,
    /// The tags cannot be read as the console wrote them: nothing is offered.
    Damaged,
}

impl RolloutState {
    /// As `data-state` carries it.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutState::Running => "running",
            RolloutState::Waiting => "waiting",
            RolloutState::Held => "held",
            RolloutState::Halted => "halted",
            RolloutState::Done => "done",
            RolloutState::Damaged => "damaged",
        }
    }
}

/// What the user can do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Nothing but wait: a wave's session runs or is scheduled.
    Wait,
    /// The wave's task is created and not started: review its start.
    Start(WaveLabel),
    /// The gate passed: review planned wave `n`.
    Review(u32),
    /// The gate held or halted: retry the `follow_up` devices that can be retried, or go on to
    /// planned wave `go_on` with a typed reason (None after the last planned wave).
    Decide { follow_up: usize, go_on: Option<u32> },
    /// Every planned wave ran; `follow_up` devices could still be retried.
    Finished { follow_up: usize },
    /// Damaged: nothing is offered until the tags named are repaired.
    Repair,
}

impl NextStep {
    pub fn sentence(self) -> String {
        let retry = |n: usize| match n {
            0 => "No failed device can be retried with the same plan".to_owned(),
            1 => "1 device can be retried in a follow-up".to_owned(),
            n => format!("{} devices can be retried in a follow-up", grouped(n as u64)),
        };
        match self {
            NextStep::Wait => "Nothing to do until the wave's session ends (no operation stops a FUOTA task).".into(),
            NextStep::Start(label) => format!("Review {}'s start.", label.words()),
            NextStep::Review(n) => format!("Review wave {n}."),
            NextStep::Decide { follow_up, go_on: Some(n) } => format!("{}; or go on to wave {n} with a reason, kept in its tags.", retry(follow_up)),
            NextStep::Decide { follow_up, go_on: None } | NextStep::Finished { follow_up } => format!("{}.", retry(follow_up)),
            NextStep::Repair => "Nothing is offered on a damaged rollout: repair or remove the tags named, in the AWS console or the CLI.".into(),
        }
    }
}

/// A wave as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaveView {
    pub label: WaveLabel,
    /// A follow-up's planned wave.
    pub after: Option<u32>,
    pub task_id: String,
    pub status: TaskStatus,
    pub starts: Option<StartsAt>,
    /// Each device once.
    pub devices: Vec<DeviceState>,
    /// Its own devices' statuses.
    pub tally: Tally,
    /// The override that let it through.
    pub reason: Option<String>,
}

impl WaveView {
    /// Has its task ended (done, or being deleted)?
    pub fn ended(&self) -> bool {
        ended(&self.status)
    }

    pub fn success_percent(&self) -> Option<u8> {
        self.tally.success_percent()
    }
}

fn ended(status: &TaskStatus) -> bool {
    matches!(status, TaskStatus::FuotaDone | TaskStatus::DeleteWaiting)
}

/// Devices updated of the fleet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Distinct devices `Successful` in any wave.
    pub updated: usize,
    /// The fleet's size when planned (None while the plan cannot be read).
    pub fleet: Option<u32>,
}

impl Progress {
    /// "1,480 of 1,500 devices updated".
    pub fn sentence(&self) -> String {
        match self.fleet {
            Some(fleet) => format!("{} of {} devices updated", grouped(self.updated as u64), grouped(u64::from(fleet))),
            None => format!("{} devices updated", grouped(self.updated as u64)),
        }
    }
}

/// A rollout as rebuilt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    /// None for a task whose rollout id cannot be read.
    pub id: Option<RolloutId>,
    pub plan: Option<Plan>,
    /// In order: planned waves by number, each followed by the follow-ups made after it.
    pub waves: Vec<WaveView>,
    pub state: RolloutState,
    /// "held: wave 1 reached 83 % of 95 %".
    pub sentence: String,
    pub next: NextStep,
    pub progress: Progress,
    /// What is damaged, in words (empty unless damaged).
    pub problems: Vec<String>,
    /// What is odd without being damage: a wave that went on past a gate without a reason.
    pub notes: Vec<String>,
}

/// The rollouts among `tasks`, by id; tasks without rollout tags are not rollouts, and a task
/// whose rollout cannot be told is a damaged rollout of its own (last).
pub fn reconstruct(tasks: &[TaskInput], now: Timestamp) -> Vec<Rollout> {
    type Entry<'a> = (&'a TaskInput, Result<RolloutRecord, Damaged>);
    let mut groups: BTreeMap<RolloutId, Vec<Entry>> = BTreeMap::new();
    let mut unplaced: Vec<Rollout> = Vec::new();
    for task in tasks {
        match tags::read(&task.tags) {
            Ok(None) => {}
            Ok(Some(record)) => groups.entry(record.rollout().clone()).or_default().push((task, Ok(record))),
            Err(damaged) => match damaged.rollout.clone() {
                Some(id) => groups.entry(id).or_default().push((task, Err(damaged))),
                None => {
                    let problems: Vec<String> = damaged.problems.iter().map(|p| format!("task {}: {p}", task.id)).collect();
                    unplaced.push(Rollout {
                        id: None,
                        plan: None,
                        waves: Vec::new(),
                        state: RolloutState::Damaged,
                        // `tags::read` names at least one problem; "unreadable" stands in if it ever did not.
                        sentence: format!("damaged: {}", problems.first().map_or("unreadable rollout tags", String::as_str)),
                        next: NextStep::Repair,
                        progress: Progress::default(),
                        problems,
                        notes: Vec::new(),
                    });
                }
            },
        }
    }
    let mut rollouts: Vec<Rollout> = groups.into_iter().map(|(id, entries)| rebuild(id, entries, now)).collect();
    rollouts.extend(unplaced);
    rollouts
}

/// Where a wave sorts: planned wave n, then the follow-ups made after it.
fn order_key(label: WaveLabel, after: Option<u32>) -> (u32, u32, u32) {
    match label {
        WaveLabel::Planned(n) => (n, 0, 0),
        WaveLabel::FollowUp(j) => (after.unwrap_or(0), 1, j),
    }
}

fn rebuild(id: RolloutId, entries: Vec<(&TaskInput, Result<RolloutRecord, Damaged>)>, now: Timestamp) -> Rollout {
    let mut problems: Vec<String> = Vec::new();
    let mut records: Vec<(&TaskInput, RolloutRecord)> = Vec::new();
    let mut damaged_first = false;
    for (task, read) in entries {
        match read {
            Ok(record) => records.push((task, record)),
            Err(d) => {
                damaged_first |= d.wave.as_deref() == Some("1");
                problems.extend(d.problems.iter().map(|p| format!("task {}: {p}", task.id)));
            }
        }
    }
    sort_by(&mut records, |(ta, a), (tb, b)| order_key(a.wave(), a.after()).cmp(&order_key(b.wave(), b.after())).then_with(|| ta.id.cmp(&tb.id)));

    // The waves must make one rollout: each once, planned ones from 1 without a gap, follow-ups
    // after waves that exist, in the order they were made.
    let mut on: BTreeMap<WaveLabel, Vec<&str>> = BTreeMap::new();
    for (task, r) in &records {
        on.entry(r.wave()).or_default().push(task.id.as_str());
    }
    for (label, tasks) in &on {
        if tasks.len() > 1 {
            problems.push(format!("{} is on {} tasks ({}): a wave is one task", label.words(), tasks.len(), tasks.join(", ")));
        }
    }
    let plan = records.iter().find_map(|(_, r)| r.plan().cloned());
    let planned: Vec<u32> = on.keys().filter_map(|l| if let WaveLabel::Planned(n) = l { Some(*n) } else { None }).collect();
    let last_planned = planned.last().copied().unwrap_or(0);
    if !on.contains_key(&WaveLabel::Planned(1)) && !damaged_first {
        problems.push("wave 1, which carries the plan, is gone: its task was deleted or its tags removed".into());
    }
    for n in 2..last_planned {
        if !on.contains_key(&WaveLabel::Planned(n)) {
            problems.push(format!("wave {n} is missing, though wave {last_planned} exists"));
        }
    }
    if let Some(plan) = &plan {
        if last_planned as usize > plan.sizes.len() {
            problems.push(format!("wave {last_planned} exists, but the plan has {} waves", plan.sizes.len()));
        }
    }
    let follow_ups: Vec<(u32, u32)> =
        records.iter().filter_map(|(_, r)| if let WaveLabel::FollowUp(j) = r.wave() { Some((j, r.after().unwrap_or(0))) } else { None }).collect();
    let mut by_number = follow_ups.clone();
    sort(&mut by_number);
    by_number.dedup_by_key(|(j, _)| *j);
    if let Some(&(most, _)) = by_number.last() {
        for j in 1..most {
            if !by_number.iter().any(|(n, _)| *n == j) {
                problems.push(format!("follow-up {j} is missing, though follow-up {most} exists"));
            }
        }
    }
    for &(j, after) in &by_number {
        if after > last_planned {
            problems.push(format!("follow-up {j} came after wave {after}, which does not exist"));
        }
    }
    for pair in by_number.windows(2) {
        if pair[1].1 < pair[0].1 {
            problems.push(format!("follow-up {} came after wave {}, before follow-up {} (after wave {})", pair[1].0, pair[1].1, pair[0].0, pair[0].1));
        }
    }

    let waves: Vec<WaveView> = records
        .iter()
        .map(|(task, r)| {
            let mut seen = HashSet::new();
            let devices: Vec<DeviceState> = task.devices.iter().filter(|d| seen.insert(d.id.as_str())).cloned().collect();
            let tally = Tally::of(&devices, ended(&task.status));
            WaveView {
                label: r.wave(),
                after: r.after(),
                task_id: task.id.clone(),
                status: task.status.clone(),
                starts: task.starts.clone(),
                devices,
                tally,
                reason: r.reason().map(|x| x.as_str().to_owned()),
            }
        })
        .collect();
    let updated: HashSet<&str> =
        waves.iter().flat_map(|w| w.devices.iter()).filter(|d| d.status == Some(FuotaDeviceStatus::Successful)).map(|d| d.id.as_str()).collect();
    let progress = Progress { updated: updated.len(), fleet: plan.as_ref().map(|p| p.fleet.devices()) };
    let mut rollout = Rollout {
        id: Some(id),
        plan,
        waves,
        state: RolloutState::Damaged,
        sentence: String::new(),
        next: NextStep::Repair,
        progress,
        problems,
        notes: Vec::new(),
    };
    match (&rollout.plan, rollout.problems.first()) {
        (Some(plan), None) => {
            let (state, sentence, next) = judge(plan, &rollout.waves, last_planned, now);
            rollout.notes = unreasoned_overrides(plan.gate, &rollout.waves);
            (rollout.state, rollout.sentence, rollout.next) = (state, sentence, next);
        }
        (_, first) => {
            let first = first.cloned().unwrap_or_else(|| "the plan cannot be read".into());
            rollout.sentence = format!("damaged: {first}");
        }
    }
    rollout
}

/// Each device's last status and whether its wave ended, over `waves` in order.
fn latest(waves: &[WaveView]) -> HashMap<&str, (Option<&FuotaDeviceStatus>, bool)> {
    let mut last = HashMap::new();
    for w in waves {
        for d in &w.devices {
            last.insert(d.id.as_str(), (d.status.as_ref(), w.ended()));
        }
    }
    last
}

/// The tally of `wave`'s devices by their last status (a follow-up's success counts for the wave
/// the device came from).
fn latest_tally(wave: &WaveView, last: &HashMap<&str, (Option<&FuotaDeviceStatus>, bool)>) -> Tally {
    let mut tally = Tally::default();
    for d in &wave.devices {
        let (status, ended) = last.get(d.id.as_str()).copied().unwrap_or((d.status.as_ref(), wave.ended()));
        tally.add(status, ended);
    }
    tally
}

/// The state, its sentence and the next step of a rollout whose tags are whole.
fn judge(plan: &Plan, waves: &[WaveView], k: u32, now: Timestamp) -> (RolloutState, String, NextStep) {
    let n = plan.sizes.len() as u32;
    let Some(last) = waves.last() else {
        return (RolloutState::Damaged, "damaged: no wave".into(), NextStep::Repair);
    };
    let Some(wave_k) = waves.iter().find(|w| w.label == WaveLabel::Planned(k)) else {
        return (RolloutState::Damaged, format!("damaged: wave {k} is missing"), NextStep::Repair);
    };
    let tally_k = latest_tally(wave_k, &latest(waves));
    let retryable = || FollowUp::of(waves.iter().map(|w| (w.ended(), &w.devices[..]))).devices.len();
    let of_n = |label: WaveLabel| match label {
        WaveLabel::Planned(_) => format!("{} of {n}", label.words()),
        WaveLabel::FollowUp(_) => label.words(),
    };
    let percent = |p: Option<u8>| p.unwrap_or(0);
    match &last.status {
        TaskStatus::Pending => (RolloutState::Waiting, format!("waiting: {} is created and not started yet", last.label.words()), NextStep::Start(last.label)),
        TaskStatus::FuotaSessionWaiting => (RolloutState::Waiting, starts_sentence(last, now), NextStep::Wait),
        TaskStatus::InFuotaSession if matches!(last.label, WaveLabel::Planned(_)) && plan.gate.halts(&tally_k) => {
            (RolloutState::Halted, format!("halted: {} % of wave {k} failed while it ran", percent(tally_k.failed_percent())), NextStep::Wait)
        }
        TaskStatus::InFuotaSession => (
            RolloutState::Running,
            format!("running: {}, {} of {} devices updated so far", of_n(last.label), grouped(last.tally.succeeded as u64), grouped(last.tally.devices as u64)),
            NextStep::Wait,
        ),
        TaskStatus::Unknown(s) => {
            (RolloutState::Running, format!("running: {} is {s}, a status the console does not know", last.label.words()), NextStep::Wait)
        }
        TaskStatus::FuotaDone | TaskStatus::DeleteWaiting => {
            let go_on = (k < n).then_some(k + 1);
            if plan.gate.halts(&tally_k) {
                (
                    RolloutState::Halted,
                    format!("halted: {} % of wave {k} failed", percent(tally_k.failed_percent())),
                    NextStep::Decide { follow_up: retryable(), go_on },
                )
            } else if k < n && !plan.gate.passes(&tally_k) {
                let sentence = match tally_k.success_percent() {
                    Some(p) => format!("held: wave {k} reached {p} % of {} %", plan.gate.success_percent()),
                    None => format!("held: wave {k} has no devices"),
                };
                (RolloutState::Held, sentence, NextStep::Decide { follow_up: retryable(), go_on })
            } else if k < n {
                (RolloutState::Waiting, format!("wave {} of {n} is ready to review", k + 1), NextStep::Review(k + 1))
            } else {
                (RolloutState::Done, "done".into(), NextStep::Finished { follow_up: retryable() })
            }
        }
    }
}

/// "waiting: wave 2 starts at 14:05 (UTC 13:05)"; the UTC date too when it is not today's.
fn starts_sentence(wave: &WaveView, now: Timestamp) -> String {
    let what = wave.label.words();
    let Some(starts) = &wave.starts else {
        return format!("waiting: {what} is scheduled; its start time is not known yet");
    };
    let utc = starts.at.rfc3339();
    let now_utc = now.rfc3339();
    let time = utc.get(11..16).unwrap_or(&utc);
    let utc_shown = match (utc.get(..10), now_utc.get(..10)) {
        (Some(day), Some(today)) if day == today => time.to_owned(),
        (Some(day), _) => format!("{day} {time}"),
        _ => utc.clone(),
    };
    if starts.at > now {
        format!("waiting: {what} starts at {} (UTC {utc_shown})", starts.local)
    } else {
        format!("waiting: {what} was to start at {} (UTC {utc_shown}); its session has not begun yet", starts.local)
    }
}

/// Planned waves started although the wave before them had not met the gate (by its devices'
/// statuses before them), with no reason recorded: another tool, or a colleague's hand.
fn unreasoned_overrides(gate: Gate, waves: &[WaveView]) -> Vec<String> {
    let mut notes = Vec::new();
    for (i, wave) in waves.iter().enumerate() {
        let WaveLabel::Planned(j) = wave.label else { continue };
        if j < 2 || wave.reason.is_some() {
            continue;
        }
        let before = &waves[..i];
        let Some(previous) = before.iter().find(|w| w.label == WaveLabel::Planned(j - 1)) else { continue };
        let tally = latest_tally(previous, &latest(before));
        if !gate.passes(&tally) || gate.halts(&tally) {
            notes.push(format!(
                "wave {j} was started with no reason recorded, though wave {} reached {} % of {} %",
                j - 1,
                tally.success_percent().unwrap_or(0),
                gate.success_percent()
            ));
        }
    }
    notes
}

impl Rollout {
    /// Is a wave's session waiting or on the air? Then the view is read again on its own, as a
    /// live task's is.
    pub fn live(&self) -> bool {
        self.waves.iter().any(|w| matches!(w.status, TaskStatus::FuotaSessionWaiting | TaskStatus::InFuotaSession))
    }

    /// The follow-up the rollout would make now: the retryable devices of its finished waves, and
    /// the failed ones left out with their reason.
    pub fn follow_up(&self) -> FollowUp {
        FollowUp::of(self.waves.iter().map(|w| (w.ended(), &w.devices[..])))
    }

    /// The record of the next planned wave: when the gate passed, or when it held or halted and
    /// the user typed a reason (kept in the wave's tags). Anything else is refused with the
    /// rollout's state in words.
    pub fn next_wave(&self, reason: &str) -> Result<RolloutRecord, ConsoleError> {
        let id = self.id.clone().ok_or_else(|| RolloutField::Reason.refuse(format!("No wave can be started: {}.", self.sentence)))?;
        let record = match self.next {
            NextStep::Review(n) => RolloutRecord::planned(id, n, None),
            NextStep::Decide { go_on: Some(n), .. } => RolloutRecord::planned(id, n, Some(OverrideReason::parse(reason)?)),
            _ => None,
        };
        record.ok_or_else(|| RolloutField::Reason.refuse(format!("No next wave can be started now ({}).", self.sentence)))
    }

    /// The record of a follow-up of [`Self::follow_up`]'s devices: offered when no wave runs and
    /// some device can be retried.
    pub fn next_follow_up(&self) -> Result<RolloutRecord, ConsoleError> {
        let refuse = |why: String| RolloutField::Fleet.refuse(why);
        let open = matches!(self.next, NextStep::Review(_) | NextStep::Decide { .. } | NextStep::Finished { .. });
        let (Some(id), true) = (self.id.clone(), open) else {
            return Err(refuse(format!("No follow-up can be made now ({}).", self.sentence)));
        };
        if self.follow_up().devices.is_empty() {
            return Err(refuse("No failed device can be retried with the same plan: the others are listed with why.".into()));
        }
        let number = self.waves.iter().filter_map(|w| if let WaveLabel::FollowUp(j) = w.label { Some(j) } else { None }).max().unwrap_or(0) + 1;
        let after = self.waves.iter().filter_map(|w| if let WaveLabel::Planned(n) = w.label { Some(n) } else { None }).max().unwrap_or(1);
        RolloutRecord::follow_up(id, number, after).ok_or_else(|| refuse(format!("A rollout has at most {} follow-ups.", tags::MAX_FOLLOW_UPS)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::plan::{Delivery, DlClass, Fleet, FleetSource, RolloutName};
    use crate::rollout::waves::WaveSizes;
    use proptest::prelude::*;

    fn plan(waves: &str, fleet: u32) -> Plan {
        plan_gated(waves, fleet, Gate::default())
    }

    fn plan_gated(waves: &str, fleet: u32, gate: Gate) -> Plan {
        Plan {
            name: RolloutName::parse("fw-2.5").unwrap(),
            sizes: WaveSizes::parse(waves).unwrap(),
            seed: 7,
            gate,
            fleet: Fleet::new(FleetSource::List, fleet, 0).unwrap(),
            delivery: Delivery::GroupPerWave(DlClass::ClassC),
        }
    }

    fn id() -> RolloutId {
        RolloutId::parse("r1").unwrap()
    }

    /// `ok` devices Successful, `bad` MissingFrag, `quiet` Initial, named from `from`.
    fn devices(from: usize, ok: usize, bad: usize, quiet: usize) -> Vec<DeviceState> {
        let status = |i: usize| {
            if i < ok {
                FuotaDeviceStatus::Successful
            } else if i < ok + bad {
                FuotaDeviceStatus::MissingFrag
            } else {
                FuotaDeviceStatus::Initial
            }
        };
        (0..ok + bad + quiet).map(|i| DeviceState { id: format!("d{}", from + i), status: Some(status(i)) }).collect()
    }

    fn task(id: &str, record: &RolloutRecord, status: TaskStatus, devices: Vec<DeviceState>) -> TaskInput {
        TaskInput { id: id.into(), tags: record.tags(), status, starts: None, devices }
    }

    fn now() -> Timestamp {
        Timestamp::parse_iso8601("2026-11-30T12:00:00Z").unwrap()
    }

    fn one(tasks: &[TaskInput]) -> Rollout {
        let mut all = reconstruct(tasks, now());
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    fn first(waves: &str, fleet: u32) -> RolloutRecord {
        RolloutRecord::first(id(), plan(waves, fleet))
    }

    #[test]
    fn a_passed_canary_offers_the_next_wave() {
        let r = one(&[task("t1", &first("1%, 10%, rest", 1000), TaskStatus::FuotaDone, devices(0, 10, 0, 0))]);
        assert_eq!(r.state, RolloutState::Waiting);
        assert_eq!(r.sentence, "wave 2 of 3 is ready to review");
        assert_eq!(r.next, NextStep::Review(2));
        assert_eq!(r.progress.sentence(), "10 of 1,000 devices updated");
        assert_eq!(r.next_wave("").unwrap(), RolloutRecord::planned(id(), 2, None).unwrap());
        assert_eq!(r.waves[0].success_percent(), Some(100));
    }

    #[test]
    fn done_is_not_success_the_devices_decide_and_the_gate_holds() {
        // 83 of 100 updated, 10 failed, 7 never answered: FuotaDone all the same. With an error
        // threshold of 20 % (17 % failed), the gate holds.
        let lenient = RolloutRecord::first(id(), plan_gated("10%, rest", 1000, Gate::new(95, 20).unwrap()));
        let r = one(&[task("t1", &lenient, TaskStatus::FuotaDone, devices(0, 83, 10, 7))]);
        assert_eq!(r.state, RolloutState::Held);
        assert_eq!(r.sentence, "held: wave 1 reached 83 % of 95 %");
        assert_eq!(r.next, NextStep::Decide { follow_up: 17, go_on: Some(2) });
        // With the default 10 %, the same wave halts.
        let r10 = one(&[task("t1", &first("10%, rest", 1000), TaskStatus::FuotaDone, devices(0, 83, 10, 7))]);
        assert_eq!((r10.state, r10.sentence.as_str()), (RolloutState::Halted, "halted: 17 % of wave 1 failed"));
        // 94 of 100 with 6 failed: held at the default thresholds.
        let r94 = one(&[task("t1", &first("10%, rest", 1000), TaskStatus::FuotaDone, devices(0, 94, 6, 0))]);
        assert_eq!((r94.state, r94.sentence.as_str()), (RolloutState::Held, "held: wave 1 reached 94 % of 95 %"));
        // Going on takes a reason, kept on the next wave.
        assert_eq!(r.next_wave(" ").unwrap_err().refusal().unwrap().0, RolloutField::Reason.field());
        let next = r.next_wave("lab says fine").unwrap();
        assert_eq!(next.reason().map(OverrideReason::as_str), Some("lab says fine"));
        assert_eq!(next.wave(), WaveLabel::Planned(2));
        // Or a follow-up of the retryable ones.
        assert_eq!(r.next_follow_up().unwrap(), RolloutRecord::follow_up(id(), 1, 1).unwrap());
        assert_eq!(r.follow_up().devices.len(), 17);
    }

    #[test]
    fn a_wave_that_fails_too_much_halts_while_it_runs_and_after() {
        let running = devices(100, 40, 12, 48);
        let w1 = task("t1", &first("1%, 10%, rest", 10_000), TaskStatus::FuotaDone, devices(0, 100, 0, 0));
        let w2 = RolloutRecord::planned(id(), 2, None).unwrap();
        let r = one(&[w1.clone(), task("t2", &w2, TaskStatus::InFuotaSession, running.clone())]);
        assert_eq!((r.state, r.sentence.as_str()), (RolloutState::Halted, "halted: 12 % of wave 2 failed while it ran"));
        assert_eq!(r.next, NextStep::Wait);
        assert!(r.next_wave("go").is_err() && r.next_follow_up().is_err(), "nothing while it runs");
        // Below the error share it is only running.
        let r = one(&[w1.clone(), task("t2", &w2, TaskStatus::InFuotaSession, devices(100, 40, 9, 51))]);
        assert_eq!((r.state, r.sentence.as_str()), (RolloutState::Running, "running: wave 2 of 3, 40 of 100 devices updated so far"));
        // Ended: those who never answered failed too.
        let r = one(&[w1, task("t2", &w2, TaskStatus::FuotaDone, devices(100, 88, 2, 10))]);
        assert_eq!((r.state, r.sentence.as_str()), (RolloutState::Halted, "halted: 12 % of wave 2 failed"));
        assert_eq!(r.next, NextStep::Decide { follow_up: 12, go_on: Some(3) });
    }

    #[test]
    fn a_follow_up_counts_for_the_wave_its_devices_came_from() {
        let lenient = RolloutRecord::first(id(), plan_gated("10%, rest", 200, Gate::new(95, 20).unwrap()));
        let w1 = task("t1", &lenient, TaskStatus::FuotaDone, devices(0, 18, 2, 0));
        assert_eq!(one(std::slice::from_ref(&w1)).state, RolloutState::Held, "18 of 20 is 90 %");
        let f1 = RolloutRecord::follow_up(id(), 1, 1).unwrap();
        let retried = vec![
            DeviceState { id: "d18".into(), status: Some(FuotaDeviceStatus::Successful) },
            DeviceState { id: "d19".into(), status: Some(FuotaDeviceStatus::Successful) },
        ];
        let running = one(&[w1.clone(), task("t9", &f1, TaskStatus::InFuotaSession, devices(18, 0, 2, 0))]);
        assert_eq!(running.state, RolloutState::Running, "a follow-up never halts: it retries failures");
        assert_eq!(running.sentence, "running: follow-up 1, 0 of 2 devices updated so far");
        let r = one(&[task("t9", &f1, TaskStatus::FuotaDone, retried), w1]);
        assert_eq!(r.waves.iter().map(|w| w.label).collect::<Vec<_>>(), [WaveLabel::Planned(1), WaveLabel::FollowUp(1)]);
        assert_eq!((r.state, r.sentence.as_str()), (RolloutState::Waiting, "wave 2 of 2 is ready to review"));
        assert_eq!(r.progress.updated, 20);
    }

    #[test]
    fn waiting_says_when_in_both_times_and_done_says_done() {
        let w1 = task("t1", &first("10%, rest", 100), TaskStatus::FuotaDone, devices(0, 10, 0, 0));
        let w2 = RolloutRecord::planned(id(), 2, None).unwrap();
        let mut scheduled = task("t2", &w2, TaskStatus::FuotaSessionWaiting, devices(10, 0, 0, 90));
        scheduled.starts = Some(StartsAt { at: Timestamp::parse_iso8601("2026-11-30T13:05:00Z").unwrap(), local: "14:05".into() });
        let r = one(&[w1.clone(), scheduled.clone()]);
        assert_eq!((r.state, r.sentence.as_str()), (RolloutState::Waiting, "waiting: wave 2 starts at 14:05 (UTC 13:05)"));
        assert!(r.live(), "a scheduled session is watched");
        scheduled.starts = Some(StartsAt { at: Timestamp::parse_iso8601("2026-12-01T13:05:00Z").unwrap(), local: "tomorrow 14:05".into() });
        assert_eq!(one(&[w1.clone(), scheduled.clone()]).sentence, "waiting: wave 2 starts at tomorrow 14:05 (UTC 2026-12-01 13:05)");
        scheduled.starts = Some(StartsAt { at: Timestamp::parse_iso8601("2026-11-30T11:00:00Z").unwrap(), local: "12:00".into() });
        assert!(one(&[w1.clone(), scheduled]).sentence.contains("was to start at 12:00 (UTC 11:00)"));
        let pending = one(&[w1.clone(), task("t2", &w2, TaskStatus::Pending, Vec::new())]);
        assert_eq!((pending.state, pending.next), (RolloutState::Waiting, NextStep::Start(WaveLabel::Planned(2))));
        assert!(!pending.live(), "nothing moves until the user starts it");
        let done = one(&[w1, task("t2", &w2, TaskStatus::FuotaDone, devices(10, 86, 4, 0))]);
        assert_eq!((done.state, done.sentence.as_str()), (RolloutState::Done, "done"));
        assert!(!done.live());
        assert_eq!(done.next, NextStep::Finished { follow_up: 4 });
        assert_eq!(done.progress.sentence(), "96 of 100 devices updated");
        assert!(done.next_wave("x").is_err());
        assert_eq!(done.next_follow_up().unwrap().after(), Some(2));
    }

    #[test]
    fn tasks_without_rollout_tags_are_not_rollouts_and_rollouts_are_told_apart() {
        let plain =
            TaskInput { id: "t0".into(), tags: vec![("team".into(), "field".into())], status: TaskStatus::FuotaDone, starts: None, devices: Vec::new() };
        let other = RolloutRecord::first(RolloutId::parse("r2").unwrap(), plan("rest", 5));
        let all =
            reconstruct(&[plain, task("t1", &first("rest", 5), TaskStatus::Pending, Vec::new()), task("t2", &other, TaskStatus::Pending, Vec::new())], now());
        assert_eq!(all.iter().map(|r| r.id.clone().unwrap().as_str().to_owned()).collect::<Vec<_>>(), ["r1", "r2"]);
    }

    #[test]
    fn a_rollout_whose_waves_do_not_fit_together_is_damaged_not_guessed() {
        let w2 = RolloutRecord::planned(id(), 2, None).unwrap();
        let w3 = RolloutRecord::planned(id(), 3, None).unwrap();
        let w1 = || task("t1", &first("10%, rest", 100), TaskStatus::FuotaDone, devices(0, 10, 0, 0));
        let cases: Vec<(Vec<TaskInput>, &str)> = vec![
            (vec![task("t2", &w2, TaskStatus::FuotaDone, Vec::new())], "wave 1, which carries the plan, is gone"),
            (vec![w1(), task("t2", &w2, TaskStatus::Pending, Vec::new()), task("t3", &w2, TaskStatus::Pending, Vec::new())], "wave 2 is on 2 tasks (t2, t3)"),
            (vec![w1(), task("t3", &w3, TaskStatus::Pending, Vec::new())], "wave 2 is missing"),
            (vec![w1(), task("t2", &w2, TaskStatus::FuotaDone, Vec::new()), task("t3", &w3, TaskStatus::Pending, Vec::new())], "the plan has 2 waves"),
            (vec![w1(), task("t4", &RolloutRecord::follow_up(id(), 2, 1).unwrap(), TaskStatus::Pending, Vec::new())], "follow-up 1 is missing"),
            (vec![w1(), task("t4", &RolloutRecord::follow_up(id(), 1, 2).unwrap(), TaskStatus::Pending, Vec::new())], "wave 2, which does not exist"),
        ];
        for (tasks, words) in cases {
            let r = one(&tasks);
            assert_eq!(r.state, RolloutState::Damaged, "{words}");
            assert!(r.problems.iter().any(|p| p.contains(words)), "{words}: {:?}", r.problems);
            assert!(r.sentence.starts_with("damaged: "));
            assert_eq!(r.next, NextStep::Repair);
            assert!(r.next_wave("x").is_err() && r.next_follow_up().is_err());
        }
        // A hand-edited value damages its rollout, named with the task.
        let mut edited = w1();
        edited.tags[6].1 = "80".into();
        let r = one(&[edited]);
        assert_eq!(r.state, RolloutState::Damaged);
        assert!(r.problems[0].starts_with("task t1: "), "{:?}", r.problems);
        // A task whose rollout cannot be told stands alone.
        let mut lost = w1();
        lost.tags.retain(|(k, _)| k != "fuota-rollout:id");
        let all = reconstruct(&[lost], now());
        assert_eq!((all[0].id.clone(), all[0].state), (None, RolloutState::Damaged));
    }

    #[test]
    fn a_wave_started_past_the_gate_without_a_reason_is_noted() {
        let w1 = task("t1", &first("10%, rest", 100), TaskStatus::FuotaDone, devices(0, 5, 5, 0));
        let w2 = task("t2", &RolloutRecord::planned(id(), 2, None).unwrap(), TaskStatus::InFuotaSession, devices(10, 0, 0, 90));
        let r = one(&[w1.clone(), w2]);
        assert_eq!(r.notes, ["wave 2 was started with no reason recorded, though wave 1 reached 50 % of 95 %"]);
        let reason = OverrideReason::parse("approved").unwrap();
        let w2 = task("t2", &RolloutRecord::planned(id(), 2, Some(reason)).unwrap(), TaskStatus::InFuotaSession, devices(10, 0, 0, 90));
        let r = one(&[w1, w2]);
        assert!(r.notes.is_empty());
        assert_eq!(r.waves[1].reason.as_deref(), Some("approved"));
    }

    proptest! {
        /// Whatever tags and statuses tasks have: no panic, every rollout task accounted for, and
        /// a damaged rollout offers nothing.
        #[test]
        fn any_tasks_are_rebuilt_without_panic(
            tasks in proptest::collection::vec((
                proptest::collection::vec(("fuota-rollout:(v|id|wave|after|check|seed)|[a-z]{1,4}", "[0-9a-f]{1,3}|r1|1|2|f1"), 0..8),
                proptest::sample::select(vec!["Pending", "FuotaSession_Waiting", "In_FuotaSession", "FuotaDone", "Delete_Waiting", "Odd"]),
                proptest::collection::vec(("d[0-9]{1,2}", proptest::option::of(proptest::sample::select(vec!["Successful", "MissingFrag", "Initial", "Wrong_descriptor", "New"]))), 0..6),
            ), 0..6),
            valid in proptest::collection::vec((0u32..4, proptest::sample::select(vec!["Pending", "In_FuotaSession", "FuotaDone"]), 0usize..5, 0usize..5), 0..5),
        ) {
            let mut inputs: Vec<TaskInput> = tasks.into_iter().enumerate().map(|(i, (tags, status, devices))| TaskInput {
                id: format!("x{i}"),
                tags: tags.into_iter().map(|(k, v)| (k, v.to_owned())).collect(),
                status: TaskStatus::parse(status),
                starts: None,
                devices: devices.into_iter().map(|(id, s)| DeviceState { id, status: s.map(FuotaDeviceStatus::parse) }).collect(),
            }).collect();
            for (i, (wave, status, ok, bad)) in valid.into_iter().enumerate() {
                let record = if wave == 0 { first("10%, 20%, rest", 100) } else { RolloutRecord::planned(id(), wave + 1, None).unwrap() };
                inputs.push(task(&format!("v{i}"), &record, TaskStatus::parse(status), devices(i * 10, ok, bad, 0)));
            }
            let rollouts = reconstruct(&inputs, now());
            for r in &rollouts {
                prop_assert!(!r.sentence.is_empty());
                prop_assert_eq!(r.state == RolloutState::Damaged, r.next == NextStep::Repair);
                if r.state == RolloutState::Damaged {
                    prop_assert!(!r.problems.is_empty() || r.plan.is_none());
                    prop_assert!(r.next_wave("reason").is_err());
                }
            }
        }
    }
}
