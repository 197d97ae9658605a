//! The devices of a FUOTA task: each one's outcome in words, the roster merged from every list
//! that names them, the count per status, and the task's verdict.
//!
//! AWS's FUOTA guide says a task can reach `FuotaDone` without any device being updated (a bad S3
//! link or role, no device answering, fragments that stopped arriving): the devices'
//! `FuotaDeviceStatus` is what tells, so the verdict is made from both.

use std::collections::HashMap;

use serde_json::Value;

use crate::campaign::task::TaskStatus;
use crate::sort::{sort_by, sort_by_cached_key};
use crate::wire::members::{object, within};
use crate::wire::pages::Page;
use crate::wire::time::Timestamp;

/// `FuotaDeviceStatus`: the twelve values of botocore's model. A value the console does not know
/// (the set has grown before: older SDKs lack the last one) is kept and shown as returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FuotaDeviceStatus {
    Initial,
    PackageNotSupported,
    FragAlgoUnsupported,
    NotEnoughMemory,
    FragIndexUnsupported,
    WrongDescriptor,
    SessionCntReplay,
    MissingFrag,
    MemoryError,
    MicError,
    Successful,
    DeviceExistInConflictFuotaTask,
    Unknown(String),
}

/// What a device's status says about the update, for the counts and the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceOutcome {
    /// Not answered yet: the update may still reach it.
    Waiting,
    Succeeded,
    Failed,
    /// A status the console does not know: neither success nor failure is claimed.
    Unknown,
}

impl FuotaDeviceStatus {
    /// Every known value, in the model's order.
    pub const KNOWN: [FuotaDeviceStatus; 12] = [
        FuotaDeviceStatus::Initial,
        FuotaDeviceStatus::PackageNotSupported,
        FuotaDeviceStatus::FragAlgoUnsupported,
        FuotaDeviceStatus::NotEnoughMemory,
        FuotaDeviceStatus::FragIndexUnsupported,
        FuotaDeviceStatus::WrongDescriptor,
        FuotaDeviceStatus::SessionCntReplay,
        FuotaDeviceStatus::MissingFrag,
        FuotaDeviceStatus::MemoryError,
        FuotaDeviceStatus::MicError,
        FuotaDeviceStatus::Successful,
        FuotaDeviceStatus::DeviceExistInConflictFuotaTask,
    ];

    pub fn parse(s: &str) -> Self {
        Self::KNOWN.into_iter().find(|k| k.as_str() == s).unwrap_or_else(|| FuotaDeviceStatus::Unknown(s.to_owned()))
    }

    /// The value as the API spells it.
    pub fn as_str(&self) -> &str {
        use FuotaDeviceStatus::*;
        match self {
            Initial => "Initial",
            PackageNotSupported => "Package_Not_Supported",
            FragAlgoUnsupported => "FragAlgo_unsupported",
            NotEnoughMemory => "Not_enough_memory",
            FragIndexUnsupported => "FragIndex_unsupported",
            WrongDescriptor => "Wrong_descriptor",
            SessionCntReplay => "SessionCnt_replay",
            MissingFrag => "MissingFrag",
            MemoryError => "MemoryError",
            MicError => "MICError",
            Successful => "Successful",
            DeviceExistInConflictFuotaTask => "Device_exist_in_conflict_fuota_task",
            Unknown(s) => s,
        }
    }

    pub fn outcome(&self) -> DeviceOutcome {
        match self {
            FuotaDeviceStatus::Initial => DeviceOutcome::Waiting,
            FuotaDeviceStatus::Successful => DeviceOutcome::Succeeded,
            FuotaDeviceStatus::Unknown(_) => DeviceOutcome::Unknown,
            _ => DeviceOutcome::Failed,
        }
    }

    /// One sentence: what the status means and what to do. The meanings follow the LoRa
    /// Alliance's Fragmented Data Block Transport (TS004: FragSessionSetupAns status bits, the
    /// data-block integrity check) and Multicast Setup (TS005: McGroupSetup, session counters).
    pub fn sentence(&self) -> String {
        use FuotaDeviceStatus::*;
        match self {
            Initial => "No answer from the device yet: wait for the session; if it stays here after the session, check that the device is online and near a gateway.",
            PackageNotSupported => "The device's firmware has no FUOTA support (fragmentation or multicast setup package): update it another way, or take it out of the task.",
            FragAlgoUnsupported => "The device refused the fragmentation algorithm of the session (TS004 FragSessionSetupAns): its firmware needs an update by another route.",
            NotEnoughMemory => "The device has no room for the image with its redundancy (TS004 FragSessionSetupAns): send a smaller image or free storage on the device.",
            FragIndexUnsupported => "The device cannot open this fragmentation session index (TS004 FragSessionSetupAns): it may be busy with another session; retry when that one ends.",
            WrongDescriptor => "The device refused the task's Descriptor (the file's metadata, TS004 FragSessionSetupAns): check the Descriptor the firmware expects, such as its version.",
            SessionCntReplay => "The device saw a session counter it had already used and refused it as a replay (TS005): start a new task for this device.",
            MissingFrag => "Too few fragments reached the device to rebuild the image: raise the redundancy, send at a more robust data rate or add a gateway near it, then retry in a new task.",
            MemoryError => "The device failed to write the image to its memory: check its storage, then retry in a new task.",
            MicError => "The rebuilt image failed its integrity check (MIC): check the image in S3 and retry in a new task.",
            Successful => "The device rebuilt the image: the update reached it.",
            DeviceExistInConflictFuotaTask => "The device belongs to another FUOTA task that conflicts with this one: finish or remove it from the other task first.",
            Unknown(s) => return format!("The service reports {s}, a status this console does not know yet: see the IoT Wireless documentation."),
        }
        .to_owned()
    }

    /// A CSS-friendly tone for the badge.
    pub fn tone(&self) -> &'static str {
        match self.outcome() {
            DeviceOutcome::Waiting => "waiting",
            DeviceOutcome::Succeeded => "done",
            DeviceOutcome::Failed => "failed",
            DeviceOutcome::Unknown => "unknown",
        }
    }
}

/// When the device was last heard, as returned and as a time when it reads as one. The model's
/// pattern is loose (a space may stand for `T`): text that does not read is shown, not refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastUplink {
    pub text: String,
    pub at: Option<Timestamp>,
}

impl LastUplink {
    fn read(text: String) -> Self {
        let at = Timestamp::parse_iso8601(&text);
        Self { text, at }
    }
}

/// A device as ListWirelessDevices returns it (`WirelessDeviceStatistics`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WirelessDevice {
    pub id: Option<String>,
    pub arn: Option<String>,
    pub name: Option<String>,
    /// `LoRaWAN` or `Sidewalk`.
    pub kind: Option<String>,
    pub destination_name: Option<String>,
    pub dev_eui: Option<String>,
    pub fuota_status: Option<FuotaDeviceStatus>,
    /// Free text in the model.
    pub multicast_status: Option<String>,
    /// The device's multicast group number (1..256).
    pub mc_group_id: Option<i64>,
    pub last_uplink: Option<LastUplink>,
}

impl WirelessDevice {
    pub fn from_value(value: Value) -> Result<Self, String> {
        let m = object(&value)?;
        Ok(Self {
            id: m.string("Id")?,
            arn: m.string("Arn")?,
            name: m.string("Name")?,
            kind: m.string("Type")?,
            destination_name: m.string("DestinationName")?,
            dev_eui: within(m.nested("LoRaWAN", "LoRaWAN.")?, |l| l.string("DevEui"))?,
            fuota_status: m.string("FuotaDeviceStatus")?.as_deref().map(FuotaDeviceStatus::parse),
            multicast_status: m.string("MulticastDeviceStatus")?,
            mc_group_id: m.integer("McGroupId")?,
            last_uplink: m.string("LastUplinkReceivedAt")?.map(LastUplink::read),
        })
    }

    /// The status as returned, empty when absent (as `data-fuota-device-status` carries it).
    pub fn status_text(&self) -> &str {
        self.fuota_status.as_ref().map(FuotaDeviceStatus::as_str).unwrap_or("")
    }

    /// The key a device is known by across lists: its id, else its ARN.
    fn key(&self) -> Option<&str> {
        self.id.as_deref().or(self.arn.as_deref())
    }
}

/// A page of ListWirelessDevices.
pub fn device_page(value: Value) -> Result<Page<WirelessDevice>, String> {
    Page::from_value(value, "WirelessDeviceList", WirelessDevice::from_value)
}

/// Every device of a task, from the task's own list and from each of its multicast groups' lists,
/// each device once. A device seen again fills what its first sighting lacked (a group list knows
/// the group number; the task's list knows the FUOTA status).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceRoster {
    devices: Vec<WirelessDevice>,
    index: HashMap<String, usize>,
    /// Each device's name, DevEui and id in lower case, made once: a search keystroke over
    /// 10,000 devices then compares, it does not allocate.
    search_keys: Vec<String>,
}

/// A new reading of a roster's lists (a live refresh), taken into the roster in place rather than
/// into a second roster swapped in at the end: with 10,000 devices a second roster is megabytes,
/// and wasm memory, once grown, never shrinks. The table keeps showing every device meanwhile
/// (each takes its new state as its page arrives).
#[derive(Debug, Default)]
pub struct Rereading {
    /// The roster's positions, in the order this reading first listed them.
    order: Vec<usize>,
    /// Whether this reading has listed the device at each position.
    seen: Vec<bool>,
}

impl DeviceRoster {
    pub fn add(&mut self, devices: impl IntoIterator<Item = WirelessDevice>) {
        for device in devices {
            let Some(key) = device.key().map(str::to_owned) else {
                // Nothing to match it by: kept, as the service listed it.
                self.search_keys.push(search_key(&device));
                self.devices.push(device);
                continue;
            };
            match self.index.get(&key) {
                Some(&i) => {
                    let known = &mut self.devices[i];
                    known.fuota_status = known.fuota_status.take().or(device.fuota_status);
                    known.mc_group_id = known.mc_group_id.or(device.mc_group_id);
                    known.multicast_status = known.multicast_status.take().or(device.multicast_status);
                    known.dev_eui = known.dev_eui.take().or(device.dev_eui);
                    known.name = known.name.take().or(device.name);
                    known.last_uplink = known.last_uplink.take().or(device.last_uplink);
                    self.search_keys[i] = search_key(&self.devices[i]);
                }
                None => {
                    self.index.insert(key, self.devices.len());
                    self.search_keys.push(search_key(&device));
                    self.devices.push(device);
                }
            }
        }
    }

    /// Takes a page of a new reading of the same lists into this roster, in place (see
    /// [`Rereading`]).
    pub fn reread(&mut self, reading: &mut Rereading, devices: impl IntoIterator<Item = WirelessDevice>) {
        reading.seen.resize(self.devices.len(), false);
        for device in devices {
            let known = device.key().and_then(|key| self.index.get(key).copied());
            match known {
                // Seen before in this reading: fills what that sighting lacked, as `add` does.
                Some(i) if reading.seen[i] => self.add([device]),
                // First seen in this reading: its new state replaces the last reading's.
                Some(i) => {
                    self.search_keys[i] = search_key(&device);
                    self.devices[i] = device;
                    reading.seen[i] = true;
                    reading.order.push(i);
                }
                None => {
                    reading.order.push(self.devices.len());
                    self.add([device]);
                    reading.seen.push(true);
                }
            }
        }
    }

    /// Ends a new reading: drops the devices it did not list and puts the rest in the order it
    /// listed them. The roster is then what a roster built from the new reading alone would be.
    pub fn finish_rereading(&mut self, reading: Rereading) {
        let Rereading { mut order, .. } = reading;
        // Only positions this roster has, each once: a reading taken over another roster (one
        // replaced meanwhile) leaves it consistent, never a panic.
        let mut seen = vec![false; self.devices.len()];
        order.retain(|&old| old < seen.len() && !std::mem::replace(&mut seen[old], true));
        // Where each listed device ends up, for the index.
        let mut moved_to = vec![None; seen.len()];
        for (new, &old) in order.iter().enumerate() {
            moved_to[old] = Some(new);
        }
        // First the devices the reading did not list go; the others keep their relative order.
        let mut compacted = vec![0; seen.len()];
        let mut kept = 0;
        for (old, &listed) in seen.iter().enumerate() {
            compacted[old] = kept;
            kept += usize::from(listed);
        }
        let mut flags = seen.iter();
        self.devices.retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = seen.iter();
        self.search_keys.retain(|_| flags.next().copied().unwrap_or(false));
        // Then each takes its place in the reading's order, in place, cycle by cycle: position
        // `j` takes the device now at `from[j]`. No second copy of the devices is ever held.
        let from: Vec<usize> = order.iter().map(|&old| compacted[old]).collect();
        let mut done = vec![false; from.len()];
        for start in 0..from.len() {
            let mut j = start;
            while !done[j] {
                done[j] = true;
                let k = from[j];
                if k == start {
                    break;
                }
                self.devices.swap(j, k);
                self.search_keys.swap(j, k);
                j = k;
            }
        }
        self.index.retain(|_, i| match moved_to.get(*i).copied().flatten() {
            Some(new) => {
                *i = new;
                true
            }
            None => false,
        });
    }

    pub fn devices(&self) -> &[WirelessDevice] {
        &self.devices
    }

    pub fn summary(&self) -> DeviceSummary {
        DeviceSummary::of(&self.devices)
    }

    /// The indexes of the devices that match `query`, in its order.
    pub fn select(&self, query: &DeviceQuery) -> Vec<usize> {
        let needle = query.text.trim().to_lowercase();
        let mut picked: Vec<usize> = (0..self.devices.len())
            .filter(|&i| query.status == "all" || self.devices[i].status_text() == query.status)
            .filter(|&i| needle.is_empty() || self.search_keys[i].contains(&needle))
            .collect();
        let d = &self.devices;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        match query.sort {
            // The service's order.
            DeviceSort::Listed => {}
            DeviceSort::Name => sort_by_cached_key(&mut picked, |&i| (text(&d[i].name).to_lowercase(), i)),
            DeviceSort::DevEui => sort_by_cached_key(&mut picked, |&i| (text(&d[i].dev_eui).to_lowercase(), i)),
            DeviceSort::Status => sort_by_cached_key(&mut picked, |&i| (status_rank(d[i].status_text()), d[i].status_text().to_owned(), i)),
            // Most recent first; never heard last.
            DeviceSort::LastUplink => {
                sort_by_cached_key(&mut picked, |&i| (std::cmp::Reverse(d[i].last_uplink.as_ref().and_then(|u| u.at).map(Timestamp::epoch_millis)), i))
            }
        }
        picked
    }
}

fn search_key(d: &WirelessDevice) -> String {
    [&d.name, &d.dev_eui, &d.id].iter().filter_map(|v| v.as_deref()).collect::<Vec<_>>().join("\u{1f}").to_lowercase()
}

/// Where a status sorts: the model's order, then the others.
fn status_rank(status: &str) -> usize {
    FuotaDeviceStatus::KNOWN.iter().position(|k| k.as_str() == status).unwrap_or(usize::MAX)
}

/// How the devices table is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceSort {
    #[default]
    Listed,
    Name,
    DevEui,
    Status,
    LastUplink,
}

impl DeviceSort {
    pub const ALL: [DeviceSort; 5] = [DeviceSort::Listed, DeviceSort::Name, DeviceSort::DevEui, DeviceSort::Status, DeviceSort::LastUplink];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceSort::Listed => "listed",
            DeviceSort::Name => "name",
            DeviceSort::DevEui => "dev-eui",
            DeviceSort::Status => "status",
            DeviceSort::LastUplink => "last-uplink",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeviceSort::Listed => "As listed",
            DeviceSort::Name => "Name",
            DeviceSort::DevEui => "DevEui",
            DeviceSort::Status => "Status",
            DeviceSort::LastUplink => "Last uplink",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or_default()
    }
}

/// What the devices table shows: a search (name, DevEui or id, any case), a status (`all`, or a
/// status as returned, empty for none) and an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceQuery {
    pub text: String,
    pub status: String,
    pub sort: DeviceSort,
}

impl Default for DeviceQuery {
    fn default() -> Self {
        Self { text: String::new(), status: "all".to_owned(), sort: DeviceSort::Listed }
    }
}

/// The table renders this many matching devices at a time: a filter that matches at most this
/// many shows them all, and 10,000 devices never become 10,000 rows.
pub const DEVICES_PER_PAGE: usize = 100;

/// The rows of table page `page` (0-based, clamped to the last) out of `matching` devices.
pub fn table_page(matching: usize, page: usize) -> std::ops::Range<usize> {
    let pages = matching.div_ceil(DEVICES_PER_PAGE).max(1);
    let start = page.min(pages - 1) * DEVICES_PER_PAGE;
    start..(start + DEVICES_PER_PAGE).min(matching)
}

/// How many devices are in each status, and in each outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceSummary {
    pub total: usize,
    /// Per status as returned ("" when absent): the known ones in the model's order, then the
    /// others by name. Statuses no device has are left out.
    pub by_status: Vec<(String, usize)>,
    pub waiting: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub unknown: usize,
}

impl DeviceSummary {
    pub fn of(devices: &[WirelessDevice]) -> Self {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut summary = DeviceSummary { total: devices.len(), ..Default::default() };
        for d in devices {
            *counts.entry(d.status_text()).or_default() += 1;
            // A device without a status has not answered yet.
            match d.fuota_status.as_ref().map_or(DeviceOutcome::Waiting, FuotaDeviceStatus::outcome) {
                DeviceOutcome::Waiting => summary.waiting += 1,
                DeviceOutcome::Succeeded => summary.succeeded += 1,
                DeviceOutcome::Failed => summary.failed += 1,
                DeviceOutcome::Unknown => summary.unknown += 1,
            }
        }
        let rank = |s: &str| FuotaDeviceStatus::KNOWN.iter().position(|k| k.as_str() == s).unwrap_or(usize::MAX);
        let mut by_status: Vec<(String, usize)> = counts.into_iter().map(|(s, n)| (s.to_owned(), n)).collect();
        sort_by(&mut by_status, |a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
        summary.by_status = by_status;
        summary
    }
}

/// The task's verdict, from its status and its devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskVerdict {
    NotStarted,
    InProgress,
    Succeeded,
    PartlyFailed,
    Failed,
    NoDevices,
}

impl TaskVerdict {
    /// The rule, in order: no devices is its own verdict; every device updated is a success
    /// whatever the task says; a task still pending or in session is not judged yet; otherwise
    /// (done, being deleted, or a status the console does not know) the devices decide, and a
    /// device still waiting then counts as not updated, since no more fragments will come.
    /// A task whose status is unknown or absent with devices still waiting is in progress.
    pub fn of(status: Option<&TaskStatus>, summary: &DeviceSummary) -> Self {
        if summary.total == 0 {
            return TaskVerdict::NoDevices;
        }
        if summary.succeeded == summary.total {
            return TaskVerdict::Succeeded;
        }
        match status {
            Some(TaskStatus::Pending | TaskStatus::FuotaSessionWaiting) if summary.failed == 0 => TaskVerdict::NotStarted,
            Some(TaskStatus::Pending | TaskStatus::FuotaSessionWaiting | TaskStatus::InFuotaSession) => TaskVerdict::InProgress,
            Some(TaskStatus::Unknown(_)) | None if summary.waiting > 0 => TaskVerdict::InProgress,
            _ if summary.succeeded == 0 => TaskVerdict::Failed,
            _ => TaskVerdict::PartlyFailed,
        }
    }

    /// As `data-value` carries it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskVerdict::NotStarted => "not-started",
            TaskVerdict::InProgress => "in-progress",
            TaskVerdict::Succeeded => "succeeded",
            TaskVerdict::PartlyFailed => "partly-failed",
            TaskVerdict::Failed => "failed",
            TaskVerdict::NoDevices => "no-devices",
        }
    }

    pub fn sentence(self, summary: &DeviceSummary) -> String {
        let (ok, total) = (summary.succeeded, summary.total);
        match self {
            TaskVerdict::NotStarted => format!("Not started: none of the {total} devices has been sent anything yet."),
            TaskVerdict::InProgress => format!("In progress: {ok} of {total} devices updated so far."),
            TaskVerdict::Succeeded => format!("Succeeded: all {total} devices have the new image."),
            TaskVerdict::PartlyFailed => format!(
                "Partly failed: {ok} of {total} devices updated; the others did not get the image (see each device's status for why)."
            ),
            TaskVerdict::Failed => format!(
                "Failed: none of the {total} devices got the image, and none is still waiting for it. Check the image's S3 link, the task's role and the devices' statuses."
            ),
            TaskVerdict::NoDevices => "No devices: the task has neither devices nor multicast groups with devices, so nothing can be updated.".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn device(id: &str, status: Option<&str>) -> WirelessDevice {
        WirelessDevice { id: Some(id.into()), fuota_status: status.map(FuotaDeviceStatus::parse), ..Default::default() }
    }

    fn summary(statuses: &[Option<&str>]) -> DeviceSummary {
        let devices: Vec<_> = statuses.iter().enumerate().map(|(i, s)| device(&i.to_string(), *s)).collect();
        DeviceSummary::of(&devices)
    }

    #[test]
    fn every_known_status_round_trips_and_has_its_own_sentence() {
        let sentences: std::collections::HashSet<String> = FuotaDeviceStatus::KNOWN.iter().map(|s| s.sentence()).collect();
        assert_eq!(sentences.len(), 12);
        for s in FuotaDeviceStatus::KNOWN {
            assert_eq!(FuotaDeviceStatus::parse(s.as_str()), s);
        }
        let new = FuotaDeviceStatus::parse("Firmware_Rejected_ByVendor");
        assert_eq!(new.as_str(), "Firmware_Rejected_ByVendor");
        assert_eq!(new.outcome(), DeviceOutcome::Unknown);
        assert!(new.sentence().contains("Firmware_Rejected_ByVendor"));
    }

    #[test]
    fn a_device_reads_every_member_and_a_loose_uplink_time() {
        let d = WirelessDevice::from_value(json!({
            "Arn": "arn:d", "Id": "d1", "Type": "LoRaWAN", "Name": "meter 1", "DestinationName": "dest",
            "LastUplinkReceivedAt": "2026-11-30 10:00:00Z", "LoRaWAN": {"DevEui": "0011223344556677"},
            "FuotaDeviceStatus": "MissingFrag", "MulticastDeviceStatus": "Joined", "McGroupId": 7, "Sidewalk": {"x": 1}
        }))
        .unwrap();
        assert_eq!(d.dev_eui.as_deref(), Some("0011223344556677"));
        assert_eq!(d.fuota_status, Some(FuotaDeviceStatus::MissingFrag));
        assert_eq!(d.mc_group_id, Some(7));
        let uplink = d.last_uplink.unwrap();
        assert_eq!(uplink.at.map(Timestamp::rfc3339).as_deref(), Some("2026-11-30T10:00:00Z"));
        let odd = WirelessDevice::from_value(json!({"LastUplinkReceivedAt": "yesterday"})).unwrap();
        assert_eq!(odd.last_uplink, Some(LastUplink { text: "yesterday".into(), at: None }));
        assert!(WirelessDevice::from_value(json!({"McGroupId": "seven"})).is_err());
        assert!(device_page(json!({"WirelessDeviceList": [{"Id": 1}]})).unwrap_err().starts_with("WirelessDeviceList[0]"));
    }

    #[test]
    fn the_roster_keeps_each_device_once_and_fills_in_what_a_list_lacked() {
        let mut roster = DeviceRoster::default();
        roster.add([device("a", Some("Initial")), device("b", None)]);
        let from_group = WirelessDevice { mc_group_id: Some(3), ..device("b", Some("Successful")) };
        roster.add([from_group, device("a", Some("MissingFrag")), device("c", None)]);
        roster.add([WirelessDevice::default(), WirelessDevice::default()]);
        let ids: Vec<_> = roster.devices().iter().map(|d| d.id.clone()).collect();
        assert_eq!(ids, [Some("a".into()), Some("b".into()), Some("c".into()), None, None]);
        assert_eq!(roster.devices()[0].fuota_status, Some(FuotaDeviceStatus::Initial), "the first sighting's status stays");
        assert_eq!(roster.devices()[1].fuota_status, Some(FuotaDeviceStatus::Successful), "a missing status is filled");
        assert_eq!(roster.devices()[1].mc_group_id, Some(3));
    }

    #[test]
    fn search_filter_and_sort_pick_the_right_devices() {
        let mut roster = DeviceRoster::default();
        let named = |id: &str, name: &str, eui: &str, status: &str, uplink: Option<&str>| WirelessDevice {
            name: Some(name.into()),
            dev_eui: Some(eui.into()),
            last_uplink: uplink.map(|u| LastUplink::read(u.to_owned())),
            ..device(id, (!status.is_empty()).then_some(status))
        };
        roster.add([
            named("d1", "Meter B", "00AA", "Successful", Some("2026-11-30T10:00:00Z")),
            named("d2", "meter a", "00BB", "MissingFrag", None),
            named("d3", "Sensor", "aa11", "", Some("2026-11-30T11:00:00Z")),
        ]);
        let q = |text: &str, status: &str, sort: DeviceSort| roster.select(&DeviceQuery { text: text.into(), status: status.into(), sort });
        assert_eq!(q("", "all", DeviceSort::Listed), [0, 1, 2]);
        assert_eq!(q("METER", "all", DeviceSort::Name), [1, 0]);
        assert_eq!(q("aa", "all", DeviceSort::Listed), [0, 2], "DevEui, any case");
        assert_eq!(q("d2", "all", DeviceSort::Listed), [1], "id");
        assert_eq!(q("", "", DeviceSort::Listed), [2], "no status");
        assert_eq!(q("", "all", DeviceSort::Status), [1, 0, 2]);
        assert_eq!(q("", "all", DeviceSort::LastUplink), [2, 0, 1]);
        assert_eq!(q("", "all", DeviceSort::DevEui), [0, 1, 2]);
        assert_eq!(DeviceSort::parse("dev-eui"), DeviceSort::DevEui);
        assert_eq!(DeviceSort::parse("nonsense"), DeviceSort::Listed);
    }

    #[test]
    fn table_pages_hold_at_most_a_hundred_and_clamp() {
        assert_eq!(table_page(0, 0), 0..0);
        assert_eq!(table_page(100, 0), 0..100);
        assert_eq!(table_page(10_000, 3), 300..400);
        assert_eq!(table_page(250, 7), 200..250);
    }

    /// Any JSON value, nested a little: the JSON a hostile or broken page might hold.
    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
            "[ -~]{0,12}".prop_map(Value::String),
            proptest::sample::select(vec!["Successful", "MissingFrag", "2026-11-30 10:00:00Z", "LoRaWAN", "x"]).prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            let names = proptest::sample::select(vec![
                "Id",
                "Arn",
                "Name",
                "Type",
                "LoRaWAN",
                "DevEui",
                "FuotaDeviceStatus",
                "McGroupId",
                "LastUplinkReceivedAt",
                "WirelessDeviceList",
                "NextToken",
                "FuotaTaskList",
                "MulticastGroupList",
                "DlDr",
                "SessionStartTime",
                "ParticipatingGateways",
                "GatewayList",
                "CreatedAt",
                "other",
            ]);
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((names, inner), 0..6)
                    .prop_map(|members| Value::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Whatever JSON an answer holds, every campaign reader gives a value or an error naming
        /// what was wrong: never a panic. A device page that reads has every device in the roster.
        #[test]
        fn any_answer_reads_or_names_its_problem(value in any_json()) {
            use crate::campaign::lists::{multicast_group_ids_page, task_list_page, MulticastGroup, MulticastSession};
            for result in [
                task_list_page(value.clone()).map(|_| ()),
                multicast_group_ids_page(value.clone()).map(|_| ()),
                MulticastGroup::from_value(value.clone()).map(|_| ()),
                MulticastSession::from_value(value.clone()).map(|_| ()),
                crate::campaign::task::FuotaTask::from_value(value.clone()).map(|_| ()),
            ] {
                if let Err(e) = result {
                    proptest::prop_assert!(!e.is_empty());
                }
            }
            if let Ok(page) = device_page(value) {
                let mut roster = DeviceRoster::default();
                let with_id: std::collections::HashSet<_> = page.items.iter().filter_map(|d| d.key().map(str::to_owned)).collect();
                let without = page.items.iter().filter(|d| d.key().is_none()).count();
                roster.add(page.items);
                proptest::prop_assert_eq!(roster.devices().len(), with_id.len() + without);
                let summary = roster.summary();
                proptest::prop_assert_eq!(summary.by_status.iter().map(|(_, n)| n).sum::<usize>(), summary.total);
                proptest::prop_assert_eq!(summary.waiting + summary.succeeded + summary.failed + summary.unknown, summary.total);
            }
        }
    }

    proptest::proptest! {
        /// A live refresh read in place leaves the roster exactly as a roster built from the new
        /// reading alone, whatever the last reading held: devices gone, new, moved, listed twice
        /// (by the task and by a group) or without an id.
        #[test]
        fn rereading_in_place_is_reading_afresh(
            before in proptest::collection::vec(proptest::collection::vec(any_device(), 0..12), 0..4),
            after in proptest::collection::vec(proptest::collection::vec(any_device(), 0..12), 0..4),
        ) {
            let mut roster = DeviceRoster::default();
            for page in &before {
                roster.add(page.clone());
            }
            let mut reading = Rereading::default();
            for page in &after {
                roster.reread(&mut reading, page.clone());
            }
            roster.finish_rereading(reading);
            let mut fresh = DeviceRoster::default();
            for page in &after {
                fresh.add(page.clone());
            }
            proptest::prop_assert_eq!(roster, fresh);
        }
    }

    #[test]
    fn a_reading_of_a_roster_replaced_meanwhile_does_no_harm() {
        let mut roster = DeviceRoster::default();
        roster.add((0..6).map(|i| device(&format!("d{i}"), None)));
        let mut reading = Rereading::default();
        roster.reread(&mut reading, (0..6).rev().map(|i| device(&format!("d{i}"), Some("Successful"))));
        let mut replaced = DeviceRoster::default();
        replaced.add([device("d9", None)]);
        replaced.finish_rereading(reading);
        // Whatever it kept, its index still matches its devices: a device seen again is not doubled.
        let kept = replaced.devices().len();
        assert!(kept <= 1);
        replaced.add([device("d9", None)]);
        assert_eq!(replaced.devices().len(), 1);
        replaced.add([device("d1", None)]);
        assert_eq!(replaced.devices().len(), 2);
    }

    /// A device of a few ids (so that readings overlap), or none; some fields set, some not.
    fn any_device() -> impl proptest::strategy::Strategy<Value = WirelessDevice> {
        use proptest::strategy::Strategy;
        (
            proptest::option::of(proptest::sample::select(vec!["a", "b", "c", "d", "e", "f"])),
            proptest::option::of("[a-c]{1,2}"),
            proptest::option::of(proptest::sample::select(vec!["Successful", "MissingFrag", "Initial"])),
            proptest::option::of(1i64..4),
        )
            .prop_map(|(id, name, status, group)| WirelessDevice {
                name,
                fuota_status: status.map(FuotaDeviceStatus::parse),
                mc_group_id: group,
                ..device(id.unwrap_or_default(), None)
            })
            .prop_map(|mut d| {
                if d.id.as_deref() == Some("") {
                    d.id = None;
                }
                d
            })
    }

    proptest::proptest! {
        /// Whatever the devices and the search, the picked ones match, none that match is left
        /// out, and each is picked once.
        #[test]
        fn selection_is_exactly_the_matching_devices(
            names in proptest::collection::vec("[a-cA-C]{0,3}", 0..30),
            needle in "[a-c]{0,2}",
            sort in proptest::sample::select(DeviceSort::ALL.to_vec()),
        ) {
            let mut roster = DeviceRoster::default();
            roster.add(names.iter().enumerate().map(|(i, n)| WirelessDevice { name: Some(n.clone()), ..device(&format!("id{i}"), None) }));
            let picked = roster.select(&DeviceQuery { text: needle.clone(), status: "all".into(), sort });
            let expected: Vec<usize> = (0..names.len())
                .filter(|&i| names[i].to_lowercase().contains(&needle) || format!("id{i}").contains(&needle))
                .collect();
            let mut sorted = picked.clone();
            sorted.sort();
            proptest::prop_assert_eq!(sorted, expected);
        }
    }

    #[test]
    fn the_summary_counts_per_status_in_the_models_order() {
        let s = summary(&[Some("Successful"), Some("MissingFrag"), Some("Successful"), None, Some("Zeta_New"), Some("Initial")]);
        assert_eq!(s.total, 6);
        assert_eq!(s.by_status, vec![("Initial".into(), 1), ("MissingFrag".into(), 1), ("Successful".into(), 2), ("".into(), 1), ("Zeta_New".into(), 1)]);
        assert_eq!((s.waiting, s.succeeded, s.failed, s.unknown), (2, 2, 1, 1));
        let count = |status: &str| s.by_status.iter().find(|(k, _)| k == status).map_or(0, |(_, n)| *n);
        assert_eq!(count("Successful"), 2);
        assert_eq!(count("MICError"), 0);
    }

    #[test]
    fn the_verdict_for_every_case_that_matters() {
        use TaskStatus::*;
        use TaskVerdict as V;
        type Case<'a> = (Option<TaskStatus>, &'a [Option<&'a str>], TaskVerdict);
        let cases: &[Case] = &[
            (Some(FuotaDone), &[], V::NoDevices),
            (Some(Pending), &[], V::NoDevices),
            (Some(Pending), &[Some("Initial"), None], V::NotStarted),
            (Some(FuotaSessionWaiting), &[Some("Initial")], V::NotStarted),
            (Some(FuotaSessionWaiting), &[Some("Initial"), Some("Device_exist_in_conflict_fuota_task")], V::InProgress),
            (Some(InFuotaSession), &[Some("Initial"), Some("Successful")], V::InProgress),
            (Some(InFuotaSession), &[Some("MissingFrag"), Some("Successful")], V::InProgress),
            (Some(InFuotaSession), &[Some("Successful"), Some("Successful")], V::Succeeded),
            (Some(FuotaDone), &[Some("Successful"), Some("Successful")], V::Succeeded),
            (Some(FuotaDone), &[Some("Successful"), Some("MissingFrag")], V::PartlyFailed),
            (Some(FuotaDone), &[Some("Successful"), Some("Initial")], V::PartlyFailed),
            (Some(FuotaDone), &[Some("Successful"), Some("Brand_New")], V::PartlyFailed),
            (Some(FuotaDone), &[Some("Initial"), Some("Initial")], V::Failed),
            (Some(FuotaDone), &[Some("MICError")], V::Failed),
            (Some(DeleteWaiting), &[Some("MissingFrag")], V::Failed),
            (Some(Unknown("Paused".into())), &[Some("Initial")], V::InProgress),
            (None, &[Some("Successful"), Some("MissingFrag")], V::PartlyFailed),
            (None, &[Some("Initial")], V::InProgress),
        ];
        for (status, devices, expected) in cases {
            let s = summary(devices);
            assert_eq!(TaskVerdict::of(status.as_ref(), &s), *expected, "{status:?} {devices:?}");
            assert!(!expected.sentence(&s).is_empty());
        }
    }
}
