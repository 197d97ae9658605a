//! The endpoint's sample campaign: the devices of each sample task and of the two demo fleets, the
//! multicast groups and their sessions, the device profiles, `demo-live` (a task that runs through
//! a whole session after the endpoint starts), and how each device ends a session it takes part in.
//!
//! Devices are made on demand from their roster and index (`device_at`), so the 10,000-device task
//! costs nothing until a page of it is asked for.

use serde_json::{json, Value};

use crate::account;

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

/// A demo fleet, for rollouts: devices made alike (one device profile, read with
/// ListWirelessDevices `deviceProfileId`), all in one multicast group of their own, in EU868. Its
/// devices are `<roster>-dev-<nnnnn>`; how each ends a session is decided by its id
/// ([`session_outcome`]).
pub struct Fleet {
    pub roster: &'static str,
    pub devices: usize,
    pub device_profile: &'static str,
    pub group: &'static str,
}

/// A fleet whose update goes well (about 96 % succeed): a rollout's canary and waves pass its gate.
pub const GOOD_FLEET: Fleet = Fleet { roster: "fleet-good", devices: 400, device_profile: "dp-fleet-good-eu868", group: "mcg-fleet-good-eu868" };
/// A fleet whose update goes badly (about a third miss fragments): a rollout's canary halts it.
pub const BAD_FLEET: Fleet = Fleet { roster: "fleet-bad", devices: 60, device_profile: "dp-fleet-bad-eu868", group: "mcg-fleet-bad-eu868" };
pub const FLEETS: [Fleet; 2] = [GOOD_FLEET, BAD_FLEET];

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

/// The devices of a group, as (roster, index): a task's group lists some of its task's devices
/// again (with their group number), plus devices only the group has; a fleet's group, the fleet.
pub fn group_members(group_id: &str) -> Vec<(&'static str, usize)> {
    if let Some(fleet) = FLEETS.iter().find(|f| f.group == group_id) {
        let roster = fleet.roster;
        return (0..fleet.devices).map(|n| (roster, n)).collect();
    }
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

/// Every multicast group of the account: the sample tasks' two, then the fleets'.
pub const GROUPS: &[&str] = &[CLASS_C_GROUP, CLASS_B_GROUP, GOOD_FLEET.group, BAD_FLEET.group];

/// Every roster of devices of the account: the sample tasks' (`DEVICE_TASKS`), then the fleets'.
pub fn rosters() -> impl Iterator<Item = &'static str> {
    DEVICE_TASKS.iter().copied().chain(FLEETS.iter().map(|f| f.roster))
}

/// How many devices a roster has: a sample task's, or a fleet's.
pub fn roster_size(roster: &str) -> usize {
    FLEETS.iter().find(|f| f.roster == roster).map_or_else(|| device_count(roster), |f| f.devices)
}

/// The RF region of a roster's devices: its sample task's `LoRaWAN.RfRegion` (a test checks that
/// they agree); the fleets are in EU868.
pub fn band_of_roster(roster: &str) -> &'static str {
    match roster {
        "demo-in-session" | "demo-live" => "EU868",
        "demo-pending" | "demo-10k" => "US915",
        "demo-waiting" => "AU915",
        "demo-done" => "AS923-1",
        "demo-unknown-status" => "IN865",
        _ => "EU868",
    }
}

/// The device profile of a roster's devices: each fleet its own; the sample tasks' devices one
/// per band (`dp-eu868`, `dp-us915`, …).
pub fn device_profile(roster: &str) -> &'static str {
    if let Some(fleet) = FLEETS.iter().find(|f| f.roster == roster) {
        return fleet.device_profile;
    }
    match band_of_roster(roster) {
        "US915" => "dp-us915",
        "AU915" => "dp-au915",
        "AS923-1" => "dp-as923-1",
        "IN865" => "dp-in865",
        _ => "dp-eu868",
    }
}

/// Every device profile of the account.
pub fn device_profiles() -> Vec<&'static str> {
    let mut profiles: Vec<&'static str> = Vec::new();
    for profile in rosters().map(device_profile) {
        if !profiles.contains(&profile) {
            profiles.push(profile);
        }
    }
    profiles
}

/// The devices of a device profile, in the unfiltered list's order; none for an unknown profile.
pub fn profile_members(profile: &str) -> Vec<(&'static str, usize)> {
    account_devices().into_iter().filter(|(roster, _)| device_profile(roster) == profile).collect()
}

/// The RF region of a device of the account; None for one the account does not list (a
/// `fault-throttled-*` one).
pub fn device_band(id: &str) -> Option<&'static str> {
    account_device(id).map(|(roster, _)| band_of_roster(roster))
}

/// A device id's hash: FNV-1a, then SplitMix64's finaliser, so that ids a digit apart land far
/// apart. Deterministic: a device ends every session the same way.
fn id_hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// The FUOTA status a device ends a session with (the status of a created task's device once the
/// session has reached it): a good fleet's device by its id's hash, about 96 % `Successful`, 3 %
/// `MissingFrag` (a retry can work) and 1 % `Package_Not_Supported` (it cannot); a bad fleet's
/// about a third `MissingFrag`, the rest `Successful`; any other device `Successful`.
pub fn session_outcome(device_id: &str) -> &'static str {
    let h = id_hash(device_id);
    match account_device(device_id).map(|(roster, _)| roster) {
        Some(roster) if roster == GOOD_FLEET.roster => match h % 100 {
            0 => "Package_Not_Supported",
            1..=3 => "MissingFrag",
            _ => "Successful",
        },
        Some(roster) if roster == BAD_FLEET.roster && h.is_multiple_of(3) => "MissingFrag",
        _ => "Successful",
    }
}

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
        if member.1 >= roster_size(member.0) && !only.contains(&member) {
            only.push(member);
        }
    }
    only
}

/// Every device of the account, as (roster, index) for `device_at`: each roster in `rosters()`
/// order, then the group-only members. Rosters do not overlap (the id names the roster), and the
/// group-only ones are past every roster, so each device comes once.
pub fn account_devices() -> Vec<(&'static str, usize)> {
    let mut all: Vec<(&'static str, usize)> = rosters().flat_map(|r| (0..roster_size(r)).map(move |n| (r, n))).collect();
    all.extend(group_only());
    all
}

/// The (task, index) of a device of the account, read back from its id (`device_id`'s form, and
/// only that form: `demo-10k-dev-7` is not `demo-10k-dev-00007`), without listing 10,000 rows.
pub fn account_device(id: &str) -> Option<(&'static str, usize)> {
    let (roster, n) = rosters().find_map(|r| {
        let digits = id.strip_prefix(r)?.strip_prefix("-dev-")?;
        let n: usize = digits.parse().ok()?;
        (device_id(r, n) == id).then_some((r, n))
    })?;
    (n < roster_size(roster) || group_only().contains(&(roster, n))).then_some((roster, n))
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
        None => json!({"Arn": account::arn(region, "WirelessDevice", id), "Id": id, "Type": "LoRaWAN"}),
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
        "Arn": account::arn(region, "WirelessDevice", &id),
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
/// devices are heard by none of them; the fleets' groups name all four; the Class B group names
/// none, and the service then uses the gateways that heard each device last.
pub fn participating_gateways(group_id: &str) -> &'static [&'static str] {
    match group_id {
        CLASS_C_GROUP => &["gw-eu868-1", "gw-eu868-2"],
        g if FLEETS.iter().any(|f| f.group == g) => &["gw-eu868-1", "gw-eu868-2", "gw-eu868-3", "gw-eu868-4"],
        _ => &[],
    }
}

/// GetMulticastGroup's answer.
pub fn multicast_group(id: &str, region: &str) -> Option<Value> {
    let (name, band, class, requested, status) = match id {
        CLASS_C_GROUP => ("sensors-eu868", "EU868", "ClassC", 8, "Session_Started"),
        CLASS_B_GROUP => ("meters-us915", "US915", "ClassB", 40, "Session_Started"),
        g if g == GOOD_FLEET.group => ("fleet-good-eu868", "EU868", "ClassC", GOOD_FLEET.devices, "Idle"),
        g if g == BAD_FLEET.group => ("fleet-bad-eu868", "EU868", "ClassC", BAD_FLEET.devices, "Idle"),
        _ => return None,
    };
    let members = group_members(id).len();
    Some(json!({
        "Arn": account::arn(region, "MulticastGroup", id),
        "Id": id,
        "Name": name,
        "Description": format!("Sample {class} multicast group"),
        "Status": status,
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
    fn the_fleets_are_rosters_with_their_profile_group_and_band() {
        for fleet in &FLEETS {
            let members = group_members(fleet.group);
            assert_eq!(members.len(), fleet.devices);
            assert!(members.iter().all(|(r, _)| *r == fleet.roster));
            assert_eq!(profile_members(fleet.device_profile), members, "the profile is the fleet");
            assert_eq!(band_of_roster(fleet.roster), "EU868");
            let group = multicast_group(fleet.group, "us-east-1").unwrap();
            assert_eq!(
                (group["LoRaWAN"]["RfRegion"].as_str(), group["LoRaWAN"]["NumberOfDevicesInGroup"].as_u64()),
                (Some("EU868"), Some(fleet.devices as u64))
            );
            assert_eq!(participating_gateways(fleet.group).len(), 4);
            let last = device_id(fleet.roster, fleet.devices - 1);
            assert_eq!(account_device(&last), Some((fleet.roster, fleet.devices - 1)));
            assert_eq!(account_device(&device_id(fleet.roster, fleet.devices)), None);
            assert!(is_known_device(&last) && device_band(&last) == Some("EU868"));
            assert!(GROUPS.contains(&fleet.group));
        }
        // Every device of the account has one profile.
        let profiles = device_profiles();
        assert_eq!(profiles, ["dp-eu868", "dp-as923-1", "dp-us915", "dp-au915", "dp-in865", "dp-fleet-good-eu868", "dp-fleet-bad-eu868"]);
        assert_eq!(profiles.iter().map(|p| profile_members(p).len()).sum::<usize>(), account_devices().len());
        assert!(profile_members("dp-nope").is_empty());
        assert_eq!(device_band("demo-10k-dev-00001"), Some("US915"));
        assert_eq!(device_band("fault-throttled-x"), None);
    }

    #[test]
    fn the_fleets_end_their_sessions_by_their_ids() {
        let ends = |fleet: &Fleet| {
            let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
            for n in 0..fleet.devices {
                let id = device_id(fleet.roster, n);
                assert_eq!(session_outcome(&id), session_outcome(&id), "deterministic");
                *counts.entry(session_outcome(&id)).or_default() += 1;
            }
            counts
        };
        let good = ends(&GOOD_FLEET);
        let bad = ends(&BAD_FLEET);
        // About 96 / 3 / 1 % and a third: the exact counts are the README's.
        let counts = |c: &std::collections::BTreeMap<&str, usize>| c.iter().map(|(s, n)| (s.to_string(), *n)).collect::<Vec<_>>();
        assert_eq!(counts(&good), [("MissingFrag".to_owned(), 13), ("Package_Not_Supported".to_owned(), 2), ("Successful".to_owned(), 385)]);
        assert_eq!(counts(&bad), [("MissingFrag".to_owned(), 22), ("Successful".to_owned(), 38)]);
        for other in ["demo-in-session-dev-00000", "demo-10k-dev-00007", "fault-throttled-x", "no-such-device"] {
            assert_eq!(session_outcome(other), "Successful", "{other}");
        }
    }

    #[test]
    fn demo_in_session_has_every_status_and_eui_are_distinct() {
        let statuses: std::collections::HashSet<_> = (0..device_count("demo-in-session")).filter_map(|n| status_of("demo-in-session", n, 0.0)).collect();
        assert!(DEVICE_STATUSES.iter().all(|s| statuses.contains(s)));
        let euis: std::collections::HashSet<_> = (0..BIG_TASK_DEVICES).map(|n| dev_eui("demo-10k", n)).collect();
        assert_eq!(euis.len(), BIG_TASK_DEVICES);
    }
}
