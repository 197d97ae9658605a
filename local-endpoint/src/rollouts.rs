//! The two demo rollouts the endpoint starts with, so that a rollouts view has something real to
//! read: their plans, waves and tags are the core's own (`fuota_core::rollout`: the plan's types,
//! the seeded wave assignment, `RolloutRecord`'s tags), written through the endpoint's own write
//! rules (`writes::Store`: a group per wave with its devices and tags, the wave's task with its
//! tags, started), with times on the endpoint's clock.
//!
//! - `demo-rollout-good`, over the good fleet (`mcg-fleet-good-eu868`, 400 devices): waves `1%,
//!   10%, rest` (4, 40 and 356 devices) from seed [`SEED`], gate 95 % / 10 %, a Class C group per
//!   wave. Wave 1, the canary, ran three days ago and is FuotaDone, its group deleted as the
//!   console deletes a finished wave's group; its 4 devices ended `Successful` (their ids say so:
//!   `campaign::session_outcome`), so the gate passed. Wave 2 is created, tagged and scheduled a
//!   day ahead (FuotaSession_Waiting) with its own group of its 40 devices.
//! - `demo-rollout-bad`, over the bad fleet (`mcg-fleet-bad-eu868`, 60 devices): waves `10%, 40%,
//!   rest` (6, 24 and 30) from the same seed, gate 95 % / 50 %. Wave 1 is FuotaDone with 2 of its 6
//!   devices `MissingFrag` (a third, the fleet's share): below 95 % updated and below 50 % failed,
//!   so the gate holds. No wave 2. (With the default 10 % error threshold a third failed would halt
//!   it instead: the threshold is raised so that the demo shows a held rollout.)
//!
//! The seed 20261207 is one for which the good canary's 4 devices all end `Successful` (some seeds
//! put one of the fleet's `MissingFrag` devices in it: 3 of 4 is 75 %, and the gate would hold) and
//! `fleet-good-dev-00000` is in neither of the good rollout's waves (the botocore write test puts
//! that device in four groups, TS005's most). The tests check both.
//!
//! The canaries ran on the scheduling clock (`--schedule-speed`) like any task started here: at a
//! speed below about 0.015 they would not be done three days later, their groups could not be
//! deleted, and the endpoint stops at start saying so.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use fuota_core::rollout::gate::Gate;
use fuota_core::rollout::plan::{Delivery, DlClass, Fleet, FleetSource, Plan, ResourceId, RolloutName};
use fuota_core::rollout::tags::{RolloutId, RolloutRecord};
use fuota_core::rollout::waves::{self, Assignment, WaveSizes};

use crate::account::ACCOUNT;
use crate::campaign::{self, BAD_FLEET, GOOD_FLEET};
use crate::writes::{iso8601, Outcome, Store, MIN_LEAD};

/// The seed of both demo plans (shown in their tags): see the module's notes for why this one.
pub const SEED: u64 = 20_261_207;

/// When the canaries were created and started, before the endpoint's start.
const CANARY_AGO: Duration = Duration::from_secs(3 * 24 * 3600);
/// How far ahead of its start time a canary was started (the service's lead time and a little).
const CANARY_LEAD: Duration = Duration::from_secs(60 * 60);
/// When the good rollout's wave 2 was created, before the endpoint's start.
const WAVE_2_AGO: Duration = Duration::from_secs(2 * 3600);
/// How far ahead of the endpoint's start wave 2's session starts (on the scheduling clock: at the
/// default `--schedule-speed` of 12 it comes two hours later).
pub const WAVE_2_AHEAD: Duration = Duration::from_secs(24 * 3600);

/// A demo rollout: its id, name, fleet, plan and how many planned waves it has made.
pub struct DemoRollout {
    pub id: &'static str,
    pub name: &'static str,
    pub fleet: campaign::Fleet,
    pub waves: &'static str,
    pub success_percent: u8,
    pub error_percent: u8,
    /// Planned waves made so far: wave 1 done; wave 2, when there, scheduled.
    pub made: u32,
}

pub const GOOD: DemoRollout = DemoRollout {
    id: "demo-rollout-good",
    name: "fleet-good-fw-2.6.0",
    fleet: GOOD_FLEET,
    waves: "1%, 10%, rest",
    success_percent: 95,
    error_percent: 10,
    made: 2,
};
pub const BAD: DemoRollout = DemoRollout {
    id: "demo-rollout-bad",
    name: "fleet-bad-fw-2.6.0",
    fleet: BAD_FLEET,
    waves: "10%, 40%, rest",
    success_percent: 95,
    error_percent: 50,
    made: 1,
};
pub const DEMOS: [DemoRollout; 2] = [GOOD, BAD];

/// The task of wave `n`: `demo-rollout-good-w1`.
pub fn task_id(rollout: &str, wave: u32) -> String {
    format!("{rollout}-w{wave}")
}

/// The multicast group of wave `n`: `demo-rollout-good-w1-group`.
pub fn group_id(rollout: &str, wave: u32) -> String {
    format!("{rollout}-w{wave}-group")
}

impl DemoRollout {
    /// The fleet's devices, as ListWirelessDevices by its group lists them.
    pub fn fleet_devices(&self) -> Vec<String> {
        campaign::group_members(self.fleet.group).into_iter().map(|(roster, n)| campaign::device_id(roster, n)).collect()
    }

    /// The plan, made from the core's checked types, and its waves from the core's assignment.
    pub fn plan(&self) -> Result<(Plan, Assignment), String> {
        let fleet = self.fleet_devices();
        let sizes = WaveSizes::parse(self.waves)?;
        let assignment = waves::assign(&fleet, &[], &sizes, SEED)?;
        let devices = u32::try_from(assignment.fleet_size()).map_err(|_| "the fleet is too large".to_owned())?;
        let plan = Plan {
            name: RolloutName::parse(self.name)?,
            sizes,
            seed: SEED,
            gate: Gate::new(self.success_percent, self.error_percent)?,
            fleet: Fleet::new(FleetSource::Group(ResourceId::parse(self.fleet.group)?), devices, 0).ok_or("the fleet has no devices")?,
            delivery: Delivery::GroupPerWave(DlClass::ClassC),
        };
        Ok((plan, assignment))
    }

    fn rollout_id(&self) -> Result<RolloutId, String> {
        RolloutId::parse(self.id).ok_or_else(|| format!("{} is not a rollout id", self.id))
    }

    /// Each wave made so far: its number, record and devices.
    pub fn waves_made(&self) -> Result<Vec<(u32, RolloutRecord, Vec<String>)>, String> {
        let (plan, assignment) = self.plan()?;
        let id = self.rollout_id()?;
        let mut made = vec![(1, RolloutRecord::first(id.clone(), plan), assignment.waves.first().cloned().unwrap_or_default())];
        for n in 2..=self.made {
            let record = RolloutRecord::planned(id.clone(), n, None).ok_or_else(|| format!("wave {n} is not a planned wave"))?;
            made.push((n, record, assignment.waves.get(n as usize - 1).cloned().unwrap_or_default()));
        }
        Ok(made)
    }
}

/// The tags as a create's `Tags` member carries them.
fn tags_member(record: &RolloutRecord) -> Value {
    json!(record.tags().iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>())
}

/// A write that must work: its refusal, in words, otherwise.
fn done(what: &str, outcome: Option<Outcome>) -> Result<(), String> {
    match outcome {
        Some(Outcome::Done { .. }) => Ok(()),
        Some(Outcome::Refused { code, message, .. }) => Err(format!("{what}: {code}: {message}")),
        None => Err(format!("{what}: no such task")),
    }
}

/// Writes the demo rollouts into `store` as the console would have, at `now` on the endpoint's
/// clock. A rollout whose wave 1 is already there (read from `--state`, deleted there included) is
/// left as it is.
pub fn seed(store: &Store, region: &str, now: SystemTime) -> Result<(), String> {
    let canary_at = now.checked_sub(CANARY_AGO).ok_or("the clock is too early")?;
    let wave_2_at = now.checked_sub(WAVE_2_AGO).ok_or("the clock is too early")?;
    let role = format!("arn:aws:iam::{ACCOUNT}:role/IoTWirelessFuotaRole");
    for demo in &DEMOS {
        if store.knows_task(&task_id(demo.id, 1)) {
            continue;
        }
        for (n, record, devices) in demo.waves_made()? {
            let (task, group) = (task_id(demo.id, n), group_id(demo.id, n));
            let (created, start, asked) = if n == 1 { (canary_at, canary_at + CANARY_LEAD, canary_at) } else { (wave_2_at, now + WAVE_2_AHEAD, now) };
            if start < asked + MIN_LEAD {
                return Err(format!("{task}: its start is under the service's lead time"));
            }
            let tags = tags_member(&record);
            let group_body = json!({
                "Name": format!("{}-wave-{n}", demo.name),
                "Description": format!("Wave {n} of rollout {}", demo.id),
                "LoRaWAN": {"RfRegion": "EU868", "DlClass": "ClassC"},
                "Tags": tags,
            });
            done(&format!("create {group}"), Some(store.create_group(group_body.to_string().as_bytes(), region, created, group.clone())))?;
            for device in &devices {
                done(&format!("{device} into {group}"), Some(store.join_group(&group, json!({"WirelessDeviceId": device}).to_string().as_bytes())))?;
            }
            let task_body = json!({
                "Name": format!("{} wave {n}", demo.name),
                "Description": format!("Wave {n} of rollout {}: {} devices", demo.id, devices.len()),
                "LoRaWAN": {"RfRegion": "EU868"},
                "FirmwareUpdateImage": format!("s3://fuota-demo-firmware/{}.bin", demo.name),
                "FirmwareUpdateRole": role,
                "RedundancyPercent": 25,
                "FragmentSizeBytes": 50,
                "FragmentIntervalMS": 1000,
                "Tags": tags,
            });
            done(&format!("create {task}"), Some(store.create(task_body.to_string().as_bytes(), region, created, task.clone())))?;
            done(&format!("{group} to {task}"), store.associate(&task, json!({"MulticastGroupId": group}).to_string().as_bytes(), true, created))?;
            done(&format!("start {task}"), store.start(&task, json!({"LoRaWAN": {"StartTime": iso8601(start)}}).to_string().as_bytes(), asked))?;
            if n == 1 {
                // The canary is done: its group goes, as the console deletes a finished wave's
                // group (a device holds four groups at most); the task keeps the devices its
                // session reached.
                done(&format!("delete {group}"), Some(store.delete_group(&group, region, now)))?;
            }
        }
    }
    Ok(())
}
