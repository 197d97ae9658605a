//! One wave's writes, in order, as one review and one *Send*: its multicast group made and filled
//! (with a group per wave), its task made, given its group or its devices, and started. Later
//! calls name what earlier ones made (the group's id, the task's id), so the sequence keeps what
//! each create answered; a failure stops it, and sending again sends only what is left, the
//! creates with the tokens they were first sent with (a create that reached the service answers
//! with what it made, rather than making a second).
//!
//! Time and the ids are inputs; the page sends the calls this hands out and reports each answer.

use serde_json::{json, Value};

use super::plan::Delivery;
use super::tags::{is_rollout_key, RolloutRecord};
use crate::run::form::TaskSpec;
use crate::run::schedule::start_request;
use crate::run::targets::TargetKind;
use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::Operation;
use crate::wire::request::{NewMulticastGroup, Request, MAX_TAGS_PER_RESOURCE};
use crate::wire::time::Timestamp;

/// What a review shows of an id that only an earlier step's answer gives.
pub const GROUP_PLACEHOLDER: &str = "(the id CreateMulticastGroup answers)";
pub const TASK_PLACEHOLDER: &str = "(the id CreateFuotaTask answers)";

/// A step of a wave: one operation, called once or once per device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    CreateGroup,
    AddDeviceToGroup,
    CreateTask,
    AddGroupToTask,
    AddDeviceToTask,
    Start,
}

impl StepKind {
    pub fn operation(self) -> Operation {
        match self {
            StepKind::CreateGroup => Operation::CreateMulticastGroup,
            StepKind::AddDeviceToGroup => Operation::AssociateWirelessDeviceWithMulticastGroup,
            StepKind::CreateTask => Operation::CreateFuotaTask,
            StepKind::AddGroupToTask => Operation::AssociateMulticastGroupWithFuotaTask,
            StepKind::AddDeviceToTask => Operation::AssociateWirelessDeviceWithFuotaTask,
            StepKind::Start => Operation::StartFuotaTask,
        }
    }

    /// One call per device, independent of each other: these may go several at a time.
    pub fn per_device(self) -> bool {
        matches!(self, StepKind::AddDeviceToGroup | StepKind::AddDeviceToTask)
    }
}

/// One call of the sequence: its step and, for a per-device step, the device's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub step: usize,
    pub item: usize,
}

/// A wave's writes and how far they went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaveWrites {
    steps: Vec<StepKind>,
    group: Option<NewMulticastGroup>,
    group_token: String,
    task: TaskSpec,
    task_token: String,
    devices: Vec<String>,
    start: Timestamp,
    /// What the creates answered.
    group_id: Option<String>,
    task_id: Option<String>,
    /// Per step, which calls have succeeded.
    done: Vec<Vec<bool>>,
}

/// What a wave is made of, before its writes are laid out.
#[derive(Clone, Debug)]
pub struct WaveOrder {
    /// The wave's record: its tags go on its task and its group.
    pub record: RolloutRecord,
    pub delivery: Delivery,
    /// The wave's task, as the form checked it (the user's own tags in it).
    pub task: TaskSpec,
    /// The group's name (with a group per wave).
    pub group_name: String,
    pub devices: Vec<String>,
    pub start: Timestamp,
    /// The creates' idempotency tokens, made once for this wave: group, task.
    pub tokens: (String, String),
}

impl WaveWrites {
    /// Lays out the wave's writes. Refused: no devices, a user's tag in the rollout's keys, or
    /// more tags than a resource takes.
    pub fn new(order: WaveOrder) -> Result<Self, ConsoleError> {
        let WaveOrder { record, delivery, mut task, group_name, devices, start, tokens } = order;
        if devices.is_empty() {
            return Err(ConsoleError::InvalidInput { field: Field::FleetSource, reason: "This wave has no devices: there is nothing to send.".into() });
        }
        if let Some((key, _)) = task.tags.iter().find(|(k, _)| is_rollout_key(k)) {
            return Err(ConsoleError::InvalidInput {
                field: Field::NewTaskTags,
                reason: format!("The tag {key} is the rollout's own: the console writes it. Remove it from the task's tags."),
            });
        }
        let record_tags = record.tags();
        task.tags.extend(record_tags.iter().cloned());
        if task.tags.len() > MAX_TAGS_PER_RESOURCE {
            return Err(ConsoleError::InvalidInput {
                field: Field::NewTaskTags,
                reason: format!(
                    "The wave's task would carry {} tags: the rollout's {} and yours; AWS takes at most {MAX_TAGS_PER_RESOURCE}.",
                    task.tags.len(),
                    record_tags.len()
                ),
            });
        }
        let (steps, group) = match delivery {
            Delivery::GroupPerWave(class) => {
                let group = NewMulticastGroup {
                    name: group_name,
                    description: format!("Wave {} of rollout {}", record.wave().tag_value(), record.rollout().as_str()),
                    rf_region: task.rf_region.clone(),
                    dl_class: class.as_str().to_owned(),
                    tags: record_tags,
                };
                let steps = vec![StepKind::CreateGroup, StepKind::AddDeviceToGroup, StepKind::CreateTask, StepKind::AddGroupToTask, StepKind::Start];
                (steps, Some(group))
            }
            Delivery::Devices => (vec![StepKind::CreateTask, StepKind::AddDeviceToTask, StepKind::Start], None),
        };
        let done = steps.iter().map(|s| vec![false; if s.per_device() { devices.len() } else { 1 }]).collect();
        let (group_token, task_token) = tokens;
        let writes = Self { steps, group, group_token, task, task_token, devices, start, group_id: None, task_id: None, done };
        // Every call is built once here, with placeholders for ids not made yet: a body the
        // service would refuse is refused now, before anything is sent.
        for step in 0..writes.steps.len() {
            writes.request_or_preview(Call { step, item: 0 }, true)?;
        }
        Ok(writes)
    }

    pub fn steps(&self) -> &[StepKind] {
        &self.steps
    }

    /// Calls of step `step` in all, and done.
    pub fn counts(&self, step: usize) -> (usize, usize) {
        self.done.get(step).map_or((0, 0), |d| (d.len(), d.iter().filter(|x| **x).count()))
    }

    /// Every call, and those done.
    pub fn progress(&self) -> (usize, usize) {
        (0..self.steps.len()).map(|s| self.counts(s)).fold((0, 0), |(t, d), (st, sd)| (t + st, d + sd))
    }

    pub fn finished(&self) -> bool {
        self.done.iter().all(|d| d.iter().all(|x| *x))
    }

    pub fn devices(&self) -> &[String] {
        &self.devices
    }

    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The wave's task, once made.
    pub fn task_id(&self) -> Option<&str> {
        self.task_id.as_deref()
    }

    /// The wave's group, once made.
    pub fn group_id(&self) -> Option<&str> {
        self.group_id.as_deref()
    }

    /// The calls to send now: the first unfinished step's calls not yet done (several only for a
    /// per-device step, whose calls do not depend on each other). Empty when finished.
    pub fn next_calls(&self) -> Vec<Call> {
        let Some(step) = self.done.iter().position(|d| d.iter().any(|x| !*x)) else { return Vec::new() };
        self.done[step].iter().enumerate().filter(|(_, x)| !**x).map(|(item, _)| Call { step, item }).collect()
    }

    /// The request of `call`, with the ids earlier calls made. Refused before those are known.
    pub fn request(&self, call: Call) -> Result<Request, ConsoleError> {
        self.request_or_preview(call, false)
    }

    /// The first call of each step as the review shows it (ids not made yet as placeholders).
    pub fn preview(&self, step: usize) -> Result<Request, ConsoleError> {
        self.request_or_preview(Call { step, item: 0 }, true)
    }

    fn request_or_preview(&self, call: Call, preview: bool) -> Result<Request, ConsoleError> {
        let unknown = |what: &str| ConsoleError::Signing { detail: format!("the wave's {what} is not made yet") };
        let group_id = match (&self.group_id, preview) {
            (Some(id), _) => Ok(id.as_str()),
            (None, true) => Ok(GROUP_PLACEHOLDER),
            (None, false) => Err(unknown("multicast group")),
        };
        let task_id = match (&self.task_id, preview) {
            (Some(id), _) => Ok(id.as_str()),
            (None, true) => Ok(TASK_PLACEHOLDER),
            (None, false) => Err(unknown("task")),
        };
        let device = || self.devices.get(call.item).map(String::as_str).ok_or_else(|| unknown("device"));
        let kind = self.steps.get(call.step).copied().ok_or_else(|| unknown("step"))?;
        match kind {
            StepKind::CreateGroup => {
                let group = self.group.as_ref().ok_or_else(|| unknown("multicast group"))?;
                Request::create_multicast_group(group, &self.group_token)
            }
            StepKind::AddDeviceToGroup => Request::associate_wireless_device_with_multicast_group(group_id?, device()?),
            StepKind::CreateTask => self.task.create_request(&self.task_token),
            StepKind::AddGroupToTask => TargetKind::Groups.associate_request(task_id?, group_id?),
            StepKind::AddDeviceToTask => TargetKind::Devices.associate_request(task_id?, device()?),
            StepKind::Start => start_request(task_id?, self.start),
        }
    }

    /// `call` succeeded with `answer`: a create's id is kept for the calls after it. An answer
    /// without the id is an error (the sequence cannot go on), and the call is not marked done.
    pub fn succeeded(&mut self, call: Call, answer: &Value) -> Result<(), String> {
        let id = || answer.get("Id").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(|| "the answer has no Id".to_owned());
        match self.steps.get(call.step) {
            Some(StepKind::CreateGroup) => self.group_id = Some(id()?),
            Some(StepKind::CreateTask) => self.task_id = Some(id()?),
            _ => {}
        }
        if let Some(flag) = self.done.get_mut(call.step).and_then(|d| d.get_mut(call.item)) {
            *flag = true;
        }
        Ok(())
    }

    /// A start time that was valid at review may be too soon at *Send*.
    pub fn set_start(&mut self, start: Timestamp) {
        self.start = start;
    }
}

/// The review's line for a step: "CreateMulticastGroup", "AssociateWirelessDeviceWithMulticastGroup ×
/// 40".
pub fn step_words(kind: StepKind, calls: usize) -> String {
    if kind.per_device() {
        format!("{} × {calls}", kind.operation().name())
    } else {
        kind.operation().name().to_owned()
    }
}

/// A finished wave's clean-up: its multicast group deleted (its task stays as the record).
pub fn clean_up_request(group_id: &str) -> Result<Request, ConsoleError> {
    Request::delete_multicast_group(group_id)
}

/// The body of CreateFuotaTask as the review shows it, parsed: for tests and the page alike.
pub fn body_json(request: &Request) -> Value {
    request.body().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(json!(null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::gate::Gate;
    use crate::rollout::plan::{DlClass, Fleet, FleetSource, Plan, ResourceId, RolloutName};
    use crate::rollout::tags::{self, RolloutId};
    use crate::rollout::waves::WaveSizes;
    use proptest::prelude::*;

    fn spec() -> TaskSpec {
        TaskSpec {
            name: Some("fw-2.6 wave 1".into()),
            description: None,
            rf_region: "EU868".into(),
            image: "s3://fw-bucket/fw.bin".into(),
            role: "arn:aws:iam::123456789012:role/R".into(),
            fragment_bytes: 200,
            interval_ms: 1000,
            redundancy_percent: 10,
            descriptor: None,
            tags: vec![("team".into(), "field".into())],
        }
    }

    fn plan(delivery: Delivery) -> Plan {
        Plan {
            name: RolloutName::parse("fw-2.6").unwrap(),
            sizes: WaveSizes::parse("1%, 10%, rest").unwrap(),
            seed: 7,
            gate: Gate::default(),
            fleet: Fleet::new(FleetSource::Group(ResourceId::parse("mcg-1").unwrap()), 400, 0).unwrap(),
            delivery,
        }
    }

    fn order(delivery: Delivery, devices: usize) -> WaveOrder {
        WaveOrder {
            record: RolloutRecord::first(RolloutId::from_bits(42), plan(delivery)),
            delivery,
            task: spec(),
            group_name: "fw-2.6 wave 1".into(),
            devices: (0..devices).map(|i| format!("dev-{i}")).collect(),
            start: Timestamp::from_epoch_millis(1_796_292_000_000).unwrap(),
            tokens: ("gtoken".into(), "ttoken".into()),
        }
    }

    fn kinds(w: &WaveWrites) -> Vec<Operation> {
        w.steps().iter().map(|s| s.operation()).collect()
    }

    #[test]
    fn a_group_per_wave_is_made_filled_given_and_started_in_that_order() {
        let mut w = WaveWrites::new(order(Delivery::GroupPerWave(DlClass::ClassC), 3)).unwrap();
        assert_eq!(
            kinds(&w),
            [
                Operation::CreateMulticastGroup,
                Operation::AssociateWirelessDeviceWithMulticastGroup,
                Operation::CreateFuotaTask,
                Operation::AssociateMulticastGroupWithFuotaTask,
                Operation::StartFuotaTask
            ]
        );
        assert_eq!(w.progress(), (7, 0));
        // The review shows placeholders where an id is not made yet; the real call waits for it.
        let preview = w.preview(3).unwrap();
        assert!(preview.body().unwrap().contains(GROUP_PLACEHOLDER));
        assert_eq!(w.next_calls(), [Call { step: 0, item: 0 }]);
        assert!(w.request(Call { step: 1, item: 0 }).is_err(), "no associate before the group exists");
        let group = body_json(&w.request(Call { step: 0, item: 0 }).unwrap());
        assert_eq!(group["ClientRequestToken"], "gtoken");
        assert_eq!(group["LoRaWAN"], json!({"RfRegion": "EU868", "DlClass": "ClassC"}));
        assert!(group["Tags"].as_array().unwrap().iter().any(|t| t["Key"] == "fuota-rollout:waves"));
        w.succeeded(Call { step: 0, item: 0 }, &json!({"Id": "g-1", "Arn": "a"})).unwrap();
        assert_eq!(w.next_calls().len(), 3, "the devices may go together");
        assert_eq!(w.request(Call { step: 1, item: 2 }).unwrap().path_and_query(), "/multicast-groups/g-1/wireless-device");
        for item in 0..3 {
            w.succeeded(Call { step: 1, item }, &json!({})).unwrap();
        }
        let task = body_json(&w.request(Call { step: 2, item: 0 }).unwrap());
        assert_eq!(task["ClientRequestToken"], "ttoken");
        let keys: Vec<&str> = task["Tags"].as_array().unwrap().iter().filter_map(|t| t["Key"].as_str()).collect();
        assert_eq!(keys[0], "team", "the user's tags first, then the rollout's");
        assert!(keys.contains(&"fuota-rollout:check"));
        assert!(w.succeeded(Call { step: 2, item: 0 }, &json!({"Arn": "a"})).is_err(), "no id, no going on");
        assert_eq!(w.next_calls(), [Call { step: 2, item: 0 }], "the create is sent again, with its token");
        w.succeeded(Call { step: 2, item: 0 }, &json!({"Id": "t-1"})).unwrap();
        assert_eq!(body_json(&w.request(Call { step: 3, item: 0 }).unwrap()), json!({"MulticastGroupId": "g-1"}));
        w.succeeded(Call { step: 3, item: 0 }, &json!({})).unwrap();
        assert_eq!(w.request(Call { step: 4, item: 0 }).unwrap().path_and_query(), "/fuota-tasks/t-1");
        w.succeeded(Call { step: 4, item: 0 }, &json!({})).unwrap();
        assert!(w.finished() && w.next_calls().is_empty());
        assert_eq!(w.progress(), (7, 7));
    }

    #[test]
    fn a_wave_of_devices_gives_the_task_each_device() {
        let w = WaveWrites::new(order(Delivery::Devices, 2)).unwrap();
        assert_eq!(kinds(&w), [Operation::CreateFuotaTask, Operation::AssociateWirelessDeviceWithFuotaTask, Operation::StartFuotaTask]);
        assert_eq!(w.counts(1), (2, 0));
        assert_eq!(body_json(&w.preview(1).unwrap()), json!({"WirelessDeviceId": "dev-0"}));
    }

    #[test]
    fn a_resumed_wave_sends_only_what_is_left() {
        let mut w = WaveWrites::new(order(Delivery::GroupPerWave(DlClass::ClassB), 5)).unwrap();
        w.succeeded(Call { step: 0, item: 0 }, &json!({"Id": "g"})).unwrap();
        for item in [0, 1, 3] {
            w.succeeded(Call { step: 1, item }, &json!({})).unwrap();
        }
        assert_eq!(w.next_calls(), [Call { step: 1, item: 2 }, Call { step: 1, item: 4 }]);
        assert_eq!(w.counts(1), (5, 3));
    }

    #[test]
    fn refusals_come_before_anything_is_sent() {
        assert!(WaveWrites::new(order(Delivery::Devices, 0)).is_err(), "no devices");
        let mut o = order(Delivery::Devices, 1);
        o.task.tags.push(("fuota-rollout:id".into(), "x".into()));
        assert!(WaveWrites::new(o).unwrap_err().sentence().contains("the rollout's own"));
        let mut o = order(Delivery::Devices, 1);
        o.task.tags = (0..40).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(WaveWrites::new(o).unwrap_err().sentence().contains("at most 50"));
    }

    proptest! {
        /// Whatever order the calls end in, the wave is finished exactly when every call was
        /// reported once, and the record on its task reads back as the wave's.
        #[test]
        fn every_call_is_handed_out_until_it_succeeds(devices in 1usize..30, per_device in any::<bool>()) {
            let delivery = if per_device { Delivery::Devices } else { Delivery::GroupPerWave(DlClass::ClassC) };
            let mut w = WaveWrites::new(order(delivery, devices)).unwrap();
            let total = w.progress().0;
            let mut sent = 0;
            while let Some(call) = w.next_calls().last().copied() {
                let request = w.request(call).unwrap();
                if request.operation == Operation::CreateFuotaTask {
                    let body = body_json(&request);
                    let tags: Vec<(String, String)> = body["Tags"].as_array().unwrap().iter()
                        .map(|t| (t["Key"].as_str().unwrap().to_owned(), t["Value"].as_str().unwrap().to_owned())).collect();
                    let record = tags::read(&tags).unwrap().unwrap();
                    prop_assert_eq!(record.wave(), tags::WaveLabel::Planned(1));
                }
                w.succeeded(call, &json!({"Id": "x"})).unwrap();
                sent += 1;
                prop_assert!(sent <= total);
            }
            prop_assert_eq!(sent, total);
            prop_assert!(w.finished());
        }
    }
}
