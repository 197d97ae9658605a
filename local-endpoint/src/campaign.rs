//! The endpoint's sample campaign: the devices of each sample task, the multicast groups and their
//! sessions, and `demo-live`, a task that runs through a whole session after the endpoint starts.
//!
//! Devices are made on demand from their index (`device_at`), so the 10,000-device task costs
//! nothing until a page of it is asked for.

use serde_json::{json, Value};

use crate::account::ACCOUNT;

/// Every `FuotaDeviceStatus` of botocore's model, and one the console does not know.
pub const DEVICE_STATUSES: &[&str] = &[
    "Initial",
    "Package_Not_Supported",
    "FragAlgo_unsupported",
    "Not_enough_memory",
    "FragIndex_unsupported",
    "Wrong_descriptor",
    "SessionCnt_replay",
    "MissingFrag",
    "MemoryError",
    "MICError",
    "Successful",
    "Device_exist_in_conflict_fuota_task",
    "Fragments_Deferred_ByGateway",
];

/// The Class C multicast group of `demo-in-session`, and the Class B one of `demo-10k`.
pub const CLASS_C_GROUP: &str = "mcg-sensors-eu868";
pub const CLASS_B_GROUP: &str = "mcg-meters-us915";

/// How many devices of `demo-10k`.
pub const BIG_TASK_DEVICES: usize = 10_000;

/// `demo-live`'s timeline, in seconds after the endpoint started (times `--live-speed`): pending,
/// then waiting, then in session while its devices answer one by one, then done.
pub const LIVE_WAITING_AT: f64 = 20.0;
pub const LIVE_SESSION_AT: f64 = 40.0;
pub const LIVE_DEVICES: usize = 10;
/// One device answers every this many seconds of the session.
pub const LIVE_DEVICE_EVERY: f64 = 12.0;
pub const LIVE_DONE_AT: f64 = LIVE_SESSION_AT + LIVE_DEVICE_EVERY * (LIVE_DEVICES as f64) + 10.0;
/// The live devices that miss fragments and fail.
const LIVE_FAILING: &[usize] = &[3, 7];

/// `demo-live`'s status at `elapsed` seconds.
pub fn live_status(elapsed: f64) -> &'static str {
    if elapsed < LIVE_WAITING_AT {
        "Pending"
    } else if elapsed < LIVE_SESSION_AT {
        "FuotaSession_Waiting"
    } else if elapsed < LIVE_DONE_AT {
        "In_FuotaSession"
    } else {
        "FuotaDone"
    }
}

fn live_device_status(n: usize, elapsed: f64) -> &'static str {
    let answers_at = LIVE_SESSION_AT + LIVE_DEVICE_EVERY * (n as f64 + 1.0);
    match elapsed >= answers_at {
        false => "Initial",
        true if LIVE_FAILING.contains(&n) => "MissingFrag",
        true => "Successful",
    }
}

/// How many devices a task has (by `fuotaTaskId`).
pub fn device_count(task_id: &str) -> usize {
    match task_id {
        "demo-in-session" => DEVICE_STATUSES.len() + 2,
        "demo-done" => 6,
        "demo-pending" | "demo-waiting" => 3,
        "demo-unknown-status" => 2,
        "demo-live" => LIVE_DEVICES,
        "demo-10k" => BIG_TASK_DEVICES,
        t if t.starts_with("fault-devices-") => 600,
        _ => 0,
    }
}

/// The multicast groups of a task.
pub fn groups_of_task(task_id: &str) -> &'static [&'static str] {
    match task_id {
        "demo-in-session" => &[CLASS_C_GROUP],
        "demo-10k" => &[CLASS_B_GROUP],
        _ => &[],
    }
}

/// The devices of a group, as (task, index) of the task's roster: a group lists some of its
/// task's devices again (with their group number), plus devices only the group has.
pub fn group_members(group_id: &str) -> Vec<(&'static str, usize)> {
    match group_id {
        // The first six devices of demo-in-session, and two that only the group lists.
        CLASS_C_GROUP => (0..6).chain(100..102).map(|n| ("demo-in-session", n)).collect(),
        CLASS_B_GROUP => (0..40).map(|n| ("demo-10k", n * 250)).collect(),
        _ => Vec::new(),
    }
}

/// The sample tasks whose devices are the account's, in the order the unfiltered
/// ListWirelessDevices lists them. The `fault-devices-*` tasks' devices are left out: they exist
/// to break their own task's list, not as devices of the account.
pub const DEVICE_TASKS: &[&str] = &["demo-in-session", "demo-done", "demo-pending", "demo-waiting", "demo-unknown-status", "demo-live", "demo-10k"];

/// Every multicast group of the account.
pub const GROUPS: &[&str] = &[CLASS_C_GROUP, CLASS_B_GROUP];

/// A WirelessDeviceId that names a device of the account whose first `THROTTLED_ASSOCIATES`
/// AssociateWirelessDeviceWithFuotaTask calls are throttled: a batch of associations must retry.
pub const THROTTLED_DEVICE_PREFIX: &str = "fault-throttled-";
pub const THROTTLED_ASSOCIATES: u32 = 3;

/// The id of device `n` of `task_id`: every list and every check of a device id goes through here.
pub fn device_id(task_id: &str, n: usize) -> String {
    format!("{task_id}-dev-{n:05}")
}

/// The devices a group lists beyond its task's roster (the group-only members), each once.
fn group_only() -> Vec<(&'static str, usize)> {
    let mut only: Vec<(&'static str, usize)> = Vec::new();
    for member in GROUPS.iter().flat_map(|g| group_members(g)) {
        if member.1 >= device_count(member.0) && !only.contains(&member) {
            only.push(member);
        }
    }
    only
}

/// Every device of the account, as (task, index) for `device_at`: each task's roster in
/// `DEVICE_TASKS` order, then the group-only members. A task's rosters do not overlap (the id
/// names the task), and the group-only ones are past every roster, so each device comes once.
pub fn account_devices() -> Vec<(&'static str, usize)> {
    let mut all: Vec<(&'static str, usize)> = DEVICE_TASKS.iter().flat_map(|t| (0..device_count(t)).map(move |n| (*t, n))).collect();
    all.extend(group_only());
    all
}

/// The (task, index) of a device of the account, read back from its id (`device_id`'s form, and
/// only that form: `demo-10k-dev-7` is not `demo-10k-dev-00007`), without listing 10,000 rows.
pub fn account_device(id: &str) -> Option<(&'static str, usize)> {
    let (task, n) = DEVICE_TASKS.iter().find_map(|t| {
        let digits = id.strip_prefix(t)?.strip_prefix("-dev-")?;
        let n: usize = digits.parse().ok()?;
        (device_id(t, n) == id).then_some((*t, n))
    })?;
    (n < device_count(task) || group_only().contains(&(task, n))).then_some((task, n))
}

/// Whether AssociateWirelessDeviceWithFuotaTask knows the device: one of the account's, or a
/// `fault-throttled-*` one.
pub fn is_known_device(id: &str) -> bool {
    id.starts_with(THROTTLED_DEVICE_PREFIX) || account_device(id).is_some()
}

/// Device `n` of `task_id` as the unfiltered list names it: without a task's or a group's view
/// of it (no FuotaDeviceStatus, McGroupId, MulticastDeviceStatus).
pub fn account_row(task_id: &str, n: usize, region: &str) -> Value {
    let mut device = device_at(task_id, n, region, 0.0, None);
    if let Some(d) = device.as_object_mut() {
        d.remove("FuotaDeviceStatus");
    }
    device
}

/// A device by its id, as `account_row` names it; only the id's basics when it is not a sample
/// device (a `fault-throttled-*` one).
pub fn device_row(id: &str, region: &str) -> Value {
    match account_device(id) {
        Some((task, n)) => account_row(task, n, region),
        None => json!({"Arn": format!("arn:aws:iotwireless:{region}:{ACCOUNT}:WirelessDevice/{id}"), "Id": id, "Type": "LoRaWAN"}),
    }
}

pub(crate) fn dev_eui(task_id: &str, n: usize) -> String {
    // A stable, distinct 64-bit EUI per device: FNV-1a of the task id, mixed with the index.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in task_id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:016X}", h ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn status_of(task_id: &str, n: usize, elapsed: f64) -> Option<&'static str> {
    match task_id {
        // Every status at least once, an unknown one included; a device or two with none yet.
        "demo-in-session" => DEVICE_STATUSES.get(n).copied().or(if n == DEVICE_STATUSES.len() { Some("Successful") } else { None }),
        "demo-done" => Some(if n < 4 { "Successful" } else { "MissingFrag" }),
        "demo-pending" | "demo-waiting" => Some("Initial"),
        "demo-unknown-status" => Some(if n == 0 { "Successful" } else { "Initial" }),
        "demo-live" => Some(live_device_status(n, elapsed)),
        "demo-10k" => Some(match n % 10 {
            0..=6 => "Successful",
            7 => "MissingFrag",
            8 => "Initial",
            _ => "MICError",
        }),
        _ => Some("Initial"),
    }
}

/// Device `n` of `task_id`, as ListWirelessDevices lists it; `group`: listed for that multicast group.
pub fn device_at(task_id: &str, n: usize, region: &str, elapsed: f64, group: Option<&str>) -> Value {
    let id = device_id(task_id, n);
    let mut device = json!({
        "Arn": format!("arn:aws:iotwireless:{region}:{ACCOUNT}:WirelessDevice/{id}"),
        "Id": id,
        "Type": "LoRaWAN",
        "Name": format!("{}-{n:05}", task_id.trim_start_matches("demo-")),
        "DestinationName": "fuota-demo-destination",
        "LoRaWAN": {"DevEui": dev_eui(task_id, n)},
    });
    if n % 4 != 3 {
        // The model's pattern is loose: the service has been seen writing a space for the `T`.
        let sep = if n % 4 == 2 { ' ' } else { 'T' };
        device["LastUplinkReceivedAt"] = json!(format!("2026-11-30{sep}{:02}:{:02}:{:02}Z", n / 3600 % 24, n / 60 % 60, n % 60));
    }
    if let Some(status) = status_of(task_id, n, elapsed) {
        device["FuotaDeviceStatus"] = json!(status);
    }
    if let Some(group) = group {
        device["McGroupId"] = json!(if group == CLASS_C_GROUP { 1 } else { 2 });
        device["MulticastDeviceStatus"] = json!("Joined");
    }
    device
}

/// The wireless gateways a group's downlinks go through (`LoRaWAN.ParticipatingGateways`): the
/// Class C group names two of EU868's four (`crate::links`), so that some of `demo-in-session`'s
/// devices are heard by none of them; the Class B group names none, and the service then uses the
/// gateways that heard each device last.
pub fn participating_gateways(group_id: &str) -> &'static [&'static str] {
    match group_id {
        CLASS_C_GROUP => &["gw-eu868-1", "gw-eu868-2"],
        _ => &[],
    }
}

/// GetMulticastGroup's answer.
pub fn multicast_group(id: &str, region: &str) -> Option<Value> {
    let (name, band, class, requested) = match id {
        CLASS_C_GROUP => ("sensors-eu868", "EU868", "ClassC", 8),
        CLASS_B_GROUP => ("meters-us915", "US915", "ClassB", 40),
        _ => return None,
    };
    let members = group_members(id).len();
    Some(json!({
        "Arn": format!("arn:aws:iotwireless:{region}:{ACCOUNT}:MulticastGroup/{id}"),
        "Id": id,
        "Name": name,
        "Description": format!("Sample {class} multicast group"),
        "Status": "Session_Started",
        "CreatedAt": 1.7639000005E9,
        "LoRaWAN": {
            "RfRegion": band,
            "DlClass": class,
            "NumberOfDevicesRequested": requested,
            "NumberOfDevicesInGroup": members,
            "ParticipatingGateways": {"GatewayList": participating_gateways(id), "TransmissionInterval": 1000},
        },
    }))
}

/// GetMulticastGroupSession's answer: EU868's Class C session at DR3 on the RX2 frequency
/// (RP002-1.0.4 §2.4.7: 869.525 MHz); US915's Class B one at DR8 on 923.3 MHz with ping slots.
pub fn multicast_session(id: &str) -> Option<Value> {
    match id {
        CLASS_C_GROUP => Some(json!({"LoRaWAN": {
            "DlDr": 3, "DlFreq": 869_525_000, "SessionStartTime": "2026-11-26T08:00:00Z", "SessionTimeout": 4096,
        }})),
        CLASS_B_GROUP => Some(json!({"LoRaWAN": {
            "DlDr": 8, "DlFreq": 923_300_000, "SessionStartTime": "2026-12-01T06:00:00Z", "SessionTimeout": 32768, "PingSlotPeriod": 128,
        }})),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_task_runs_through_every_status_and_ends_with_some_failures() {
        let statuses: Vec<&str> = [0.0, LIVE_WAITING_AT, LIVE_SESSION_AT, LIVE_DONE_AT].iter().map(|t| live_status(*t)).collect();
        assert_eq!(statuses, ["Pending", "FuotaSession_Waiting", "In_FuotaSession", "FuotaDone"]);
        let at_end: Vec<&str> = (0..LIVE_DEVICES).map(|n| live_device_status(n, LIVE_DONE_AT)).collect();
        assert_eq!(at_end.iter().filter(|s| **s == "MissingFrag").count(), 2);
        assert!(at_end.iter().all(|s| *s != "Initial"));
        let midway: Vec<&str> = (0..LIVE_DEVICES).map(|n| live_device_status(n, LIVE_SESSION_AT + 30.0)).collect();
        assert_eq!(midway.iter().filter(|s| **s == "Initial").count(), LIVE_DEVICES - 2);
    }

    #[test]
    fn demo_in_session_has_every_status_and_eui_are_distinct() {
        let statuses: std::collections::HashSet<_> = (0..device_count("demo-in-session")).filter_map(|n| status_of("demo-in-session", n, 0.0)).collect();
        assert!(DEVICE_STATUSES.iter().all(|s| statuses.contains(s)));
        let euis: std::collections::HashSet<_> = (0..BIG_TASK_DEVICES).map(|n| dev_eui("demo-10k", n)).collect();
        assert_eq!(euis.len(), BIG_TASK_DEVICES);
    }
}
