//! The writes, with the service's rules (AWS IoT Wireless developer guide, "FUOTA task status";
//! botocore's model for members and codes). The FUOTA task lifecycle:
//! - a created task is Pending; only a Pending task is updated, or gets devices or groups added or
//!   removed (else ConflictException);
//! - a task takes devices or multicast groups, not both (ConflictException);
//! - StartFuotaTask wants a start time at least 30 minutes ahead (ValidationException); the task
//!   then waits (FuotaSession_Waiting), runs (In_FuotaSession, its devices reached one by one, each
//!   ending as `campaign::session_outcome` says) and ends (FuotaDone). The waits run `speed` times
//!   faster than the real clock, so that a task scheduled 35 minutes ahead finishes in a few
//!   minutes of a demo. The devices a session reaches are the task's own and its groups' members
//!   when it was started;
//! - DeleteFuotaTask: Delete_Waiting, then gone.
//!
//! A rollout's multicast groups and tags:
//! - CreateMulticastGroup: `LoRaWAN.RfRegion` and `DlClass` of the model's enums; the sample groups
//!   (`campaign::GROUPS`) are there from the start, and take devices like a created one;
//! - a device joins a group of its own RF region only, and at most 4 groups (TS005);
//! - DeleteMulticastGroup: refused while a task in its session (FuotaSession_Waiting or
//!   In_FuotaSession) has the group; a Pending task loses it;
//! - TagResource / UntagResource / ListTagsForResource on FUOTA tasks and multicast groups, by ARN
//!   (`crate::tagging` has the tag rules).
//!
//! Every create's `ClientRequestToken` follows one rule (`create_once`): the same token with the
//! same members answers the first result; with other members, ConflictException.
//!
//! State is in memory, for the endpoint's life; with `--state FILE` it is also saved to FILE
//! after every write that changed it, and loaded from there at start (see `Store::open`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde_json::{json, Map, Value};

use crate::account;
use crate::campaign;
use crate::tagging::{self, Tag};
use crate::tasks;

/// How long a scheduled task's session runs (on the scheduling clock).
pub const SESSION: Duration = Duration::from_secs(5 * 60);
/// The service's lead time for StartFuotaTask.
pub const MIN_LEAD: Duration = Duration::from_secs(30 * 60);
/// How long a deleted task stays listed as Delete_Waiting (real time).
pub const DELETE_WAITING: Duration = Duration::from_secs(60);
/// How many multicast groups a device can be in: LoRaWAN's remote multicast setup (TS005-1.0.0,
/// McGroupSetupReq) gives each group one of four McGroupIDs, 0 to 3, so a device holds at most four
/// multicast contexts at once.
pub const MAX_GROUPS_PER_DEVICE: usize = 4;

/// A write's outcome: the status, the AWS error code (when refused), and the body.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Done { status: u16, body: Option<Value> },
    Refused { status: u16, code: &'static str, message: String, extra: Value },
}

const NO_CONTENT: Outcome = Outcome::Done { status: 204, body: None };

fn refused(status: u16, code: &'static str, message: impl Into<String>) -> Outcome {
    Outcome::Refused { status, code, message: message.into(), extra: json!({}) }
}

fn invalid(message: impl Into<String>) -> Outcome {
    refused(400, "ValidationException", message)
}

fn not_found(id: &str, resource_type: &str) -> Outcome {
    Outcome::Refused {
        status: 404,
        code: "ResourceNotFoundException",
        message: format!("Resource not found: {resource_type} {id}"),
        extra: json!({"ResourceId": id, "ResourceType": resource_type}),
    }
}

fn conflict(id: &str, resource_type: &str, message: impl Into<String>) -> Outcome {
    Outcome::Refused { status: 409, code: "ConflictException", message: message.into(), extra: json!({"ResourceId": id, "ResourceType": resource_type}) }
}

#[derive(Clone, Debug)]
struct Schedule {
    start_time: SystemTime,
    asked_at: SystemTime,
}

#[derive(Clone, Debug)]
struct Created {
    id: String,
    /// The create's members as given (without the token), then as updated.
    members: Map<String, Value>,
    token: Option<String>,
    created_at: SystemTime,
    schedule: Option<Schedule>,
    deleted_at: Option<SystemTime>,
    devices: Vec<String>,
    groups: Vec<String>,
    /// The devices its session reaches, fixed when it was started: its own and its groups' members
    /// then (a group changed or deleted later does not change a session under way or done).
    reached: Option<Vec<String>>,
    /// Its tags now: the create's, then as TagResource and UntagResource left them.
    tags: Vec<Tag>,
}

/// A multicast group: a sample one (there from the start) or one created here.
#[derive(Clone, Debug, PartialEq)]
struct Group {
    id: String,
    /// CreateMulticastGroup's members as given (without the token); empty for a sample group.
    members: Map<String, Value>,
    token: Option<String>,
    /// None: a sample group (`campaign::GROUPS`), whose answer is the campaign's.
    created_at: Option<SystemTime>,
    rf_region: String,
    devices: Vec<String>,
    tags: Vec<Tag>,
    deleted: bool,
}

/// What the writes change, under one lock: a rule may read two of them (a group's deletion asks
/// the tasks; a task's start reads its groups' members).
#[derive(Clone, Debug)]
struct State {
    tasks: Vec<Created>,
    groups: Vec<Group>,
    /// Tags on the sample tasks (`demo-in-session`, …), by task id; a created task and every group
    /// keep their own.
    sample_task_tags: Vec<(String, Vec<Tag>)>,
}

/// A create made once per `ClientRequestToken`: what the token rule reads of it.
trait Made {
    fn id(&self) -> &str;
    fn token(&self) -> Option<&str>;
    /// The create's members as given, without the token.
    fn given(&self) -> &Map<String, Value>;
}

impl Made for Created {
    fn id(&self) -> &str {
        &self.id
    }
    fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
    fn given(&self) -> &Map<String, Value> {
        &self.members
    }
}

impl Made for Group {
    fn id(&self) -> &str {
        &self.id
    }
    fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
    fn given(&self) -> &Map<String, Value> {
        &self.members
    }
}

/// A create's `ClientRequestToken`, taken out of its members: the model's 1 to 64 of
/// `[a-zA-Z0-9-_]`, or none.
fn take_token(members: &mut Map<String, Value>) -> Result<Option<String>, Outcome> {
    match members.remove("ClientRequestToken") {
        None => Ok(None),
        Some(Value::String(t)) if (1..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => Ok(Some(t)),
        Some(_) => Err(invalid("ClientRequestToken: 1 to 64 letters, digits, - and _")),
    }
}

/// The idempotency token's rule, for every create: a token seen before with the same members
/// answers the first result (201, the same resource), with other members ConflictException;
/// otherwise `make` makes the new resource. `answer` is the 201's body, `{Arn, Id}`.
fn create_once<T: Made>(
    made: &mut Vec<T>,
    token: Option<String>,
    members: Map<String, Value>,
    resource_type: &str,
    answer: impl Fn(&T) -> Value,
    make: impl FnOnce(Map<String, Value>, Option<String>) -> T,
) -> Outcome {
    if let Some(token) = &token {
        if let Some(earlier) = made.iter().find(|m| m.token() == Some(token)) {
            return if *earlier.given() == members {
                Outcome::Done { status: 201, body: Some(answer(earlier)) }
            } else {
                conflict(earlier.id(), resource_type, "The ClientRequestToken was already used with other parameters.")
            };
        }
    }
    let item = make(members, token);
    let body = answer(&item);
    made.push(item);
    Outcome::Done { status: 201, body: Some(body) }
}

/// The tasks and groups written through this endpoint.
pub struct Store {
    state: Mutex<State>,
    /// How much faster than the real clock a scheduled task's waits run.
    speed: f64,
    /// Where the state is saved (`--state`), if anywhere.
    file: Option<StateFile>,
}

/// The state file and what was last written there: a write that changed nothing (an item
/// associated again, a delete repeated) leaves the file alone.
struct StateFile {
    path: PathBuf,
    saved: Mutex<String>,
}

/// The state file's format, checked when it is read: a file written by another format is refused
/// rather than half read. Version 1 (tasks only) is read too.
const STATE_VERSION: u64 = 2;

fn text(m: &Map<String, Value>, name: &str, min: usize, max: usize) -> Result<(), Outcome> {
    match m.get(name) {
        None => Ok(()),
        Some(Value::String(s)) if (min..=max).contains(&s.chars().count()) => Ok(()),
        Some(_) => Err(invalid(format!(
            "1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must have length between {min} and {max}"
        ))),
    }
}

fn whole(m: &Map<String, Value>, name: &str, min: u64, max: u64) -> Result<(), Outcome> {
    match m.get(name) {
        None => Ok(()),
        Some(v) if v.as_u64().is_some_and(|n| (min..=max).contains(&n)) => Ok(()),
        Some(_) => Err(invalid(format!("1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must be between {min} and {max}"))),
    }
}

/// The model's constraints on a task's create or update members.
fn check_members(m: &Map<String, Value>) -> Result<(), Outcome> {
    text(m, "Name", 0, 256)?;
    text(m, "Description", 0, 2048)?;
    text(m, "FirmwareUpdateImage", 1, 4096)?;
    text(m, "FirmwareUpdateRole", 1, 2048)?;
    text(m, "Descriptor", 0, 332)?;
    whole(m, "RedundancyPercent", 0, 100)?;
    whole(m, "FragmentSizeBytes", 1, u64::MAX)?;
    whole(m, "FragmentIntervalMS", 1, u64::MAX)?;
    if let Some(lorawan) = m.get("LoRaWAN") {
        let region = lorawan.get("RfRegion");
        if !lorawan.is_object() || region.is_some_and(|r| r.as_str().is_none_or(|r| r.len() > 64)) {
            return Err(invalid("LoRaWAN.RfRegion must be a string of at most 64 characters"));
        }
    }
    Ok(())
}

/// The model's `SupportedRfRegion` and `DlClass`.
const RF_REGIONS: [&str; 13] = ["EU868", "US915", "AU915", "AS923-1", "AS923-2", "AS923-3", "AS923-4", "EU433", "CN470", "CN779", "RU864", "KR920", "IN865"];
const DL_CLASSES: [&str; 2] = ["ClassB", "ClassC"];

/// A member of one of the model's enums, as the service refuses another value.
fn one_of<'v>(value: Option<&'v Value>, at: &str, allowed: &[&str]) -> Result<&'v str, Outcome> {
    match value.and_then(Value::as_str) {
        Some(v) if allowed.contains(&v) => Ok(v),
        Some(v) => Err(invalid(format!(
            "1 validation error detected: Value '{v:.64}' at '{at}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        ))),
        None => Err(invalid(format!("1 validation error detected: Value null at '{at}' failed to satisfy constraint: Member must not be null"))),
    }
}

/// CreateMulticastGroup's members, checked as the model has them. `LoRaWAN` is required; within
/// it the model leaves `RfRegion` and `DlClass` optional, but a group without a band or a class
/// cannot be sent to, so they are required here too (a referee stricter than the service on this
/// point costs a client nothing: it sends both anyway). Gives the group's RF region.
fn check_group_members(m: &Map<String, Value>) -> Result<String, Outcome> {
    text(m, "Name", 0, 256)?;
    text(m, "Description", 0, 2048)?;
    let Some(lorawan) = m.get("LoRaWAN").filter(|l| l.is_object()) else {
        return Err(invalid("1 validation error detected: Value null at 'LoRaWAN' failed to satisfy constraint: Member must not be null"));
    };
    let rf_region = one_of(lorawan.get("RfRegion"), "LoRaWAN.RfRegion", &RF_REGIONS)?;
    one_of(lorawan.get("DlClass"), "LoRaWAN.DlClass", &DL_CLASSES)?;
    if let Some(gateways) = lorawan.get("ParticipatingGateways") {
        let list = gateways.get("GatewayList").map_or(Some(&[][..]), |l| l.as_array().map(Vec::as_slice));
        let fine = gateways.is_object()
            && list.is_some_and(|l| l.len() <= 20 && l.iter().all(|g| g.as_str().is_some_and(|g| g.chars().count() <= 256)))
            && gateways.get("TransmissionInterval").is_none_or(|t| t.as_u64().is_some_and(|t| t <= 60_000));
        if !fine {
            return Err(invalid("LoRaWAN.ParticipatingGateways: a GatewayList of at most 20 gateway ids and a TransmissionInterval of 0 to 60000 ms"));
        }
    }
    Ok(rf_region.to_owned())
}

fn body_object(body: &[u8]) -> Result<Map<String, Value>, Outcome> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(invalid("The request body is not a JSON object.")),
    }
}

fn epoch_seconds(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// `2026-12-03T10:00:00Z` for a time (whole seconds).
pub(crate) fn iso8601(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    time::OffsetDateTime::from_unix_timestamp(secs).ok().and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok()).unwrap_or_default()
}

/// The exact time in RFC 3339 (nanoseconds kept), for the state file: a task read back answers
/// the same `CreatedAt` as before.
fn rfc3339_exact(t: SystemTime) -> String {
    let nanos = t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    i128::try_from(nanos)
        .ok()
        .and_then(|n| time::OffsetDateTime::from_unix_timestamp_nanos(n).ok())
        .and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    let secs = u64::try_from(t.unix_timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_nanos(u64::from(t.nanosecond())))
}

impl Created {
    /// The scheduling clock at `now`: the time since the start was asked runs `speed` times faster.
    fn scheduled_now(&self, now: SystemTime, speed: f64) -> Option<SystemTime> {
        let s = self.schedule.as_ref()?;
        let real = now.duration_since(s.asked_at).unwrap_or_default();
        Some(s.asked_at + real.mul_f64(speed))
    }

    fn status(&self, now: SystemTime, speed: f64) -> &'static str {
        if self.deleted_at.is_some() {
            return "Delete_Waiting";
        }
        let (Some(s), Some(at)) = (&self.schedule, self.scheduled_now(now, speed)) else { return "Pending" };
        if at < s.start_time {
            "FuotaSession_Waiting"
        } else if at < s.start_time + SESSION {
            "In_FuotaSession"
        } else {
            "FuotaDone"
        }
    }

    fn arn(&self, region: &str) -> String {
        account::arn(region, "FuotaTask", &self.id)
    }

    /// The task as GetFuotaTask answers it.
    fn as_task(&self, region: &str, now: SystemTime, speed: f64) -> Value {
        let mut task = Value::Object(self.members.clone());
        if let Some(t) = task.as_object_mut() {
            t.remove("Tags");
        }
        task["Arn"] = json!(self.arn(region));
        task["Id"] = json!(self.id);
        task["Status"] = json!(self.status(now, speed));
        task["CreatedAt"] = json!(epoch_seconds(self.created_at));
        if let Some(s) = &self.schedule {
            if !task["LoRaWAN"].is_object() {
                task["LoRaWAN"] = json!({});
            }
            task["LoRaWAN"]["StartTime"] = json!(iso8601(s.start_time));
        }
        task
    }

    /// The share of the session gone by at `now` (0 before it starts, 1 once done).
    fn progress(&self, now: SystemTime, speed: f64) -> f64 {
        let (Some(s), Some(at)) = (&self.schedule, self.scheduled_now(now, speed)) else { return 0.0 };
        match at.duration_since(s.start_time) {
            Ok(d) => (d.as_secs_f64() / SESSION.as_secs_f64()).min(1.0),
            Err(_) => 0.0,
        }
    }
}

impl Group {
    /// The sample groups as the account starts with them.
    fn samples() -> Vec<Group> {
        campaign::GROUPS
            .iter()
            .map(|id| Group {
                id: (*id).to_owned(),
                members: Map::new(),
                token: None,
                created_at: None,
                rf_region: campaign::multicast_group(id, "-").and_then(|g| g["LoRaWAN"]["RfRegion"].as_str().map(str::to_owned)).unwrap_or_default(),
                devices: campaign::group_members(id).into_iter().map(|(roster, n)| campaign::device_id(roster, n)).collect(),
                tags: Vec::new(),
                deleted: false,
            })
            .collect()
    }

    fn arn(&self, region: &str) -> String {
        account::arn(region, "MulticastGroup", &self.id)
    }

    /// The group as GetMulticastGroup answers it: a sample one as the campaign has it, a created
    /// one from its create's members; either with the devices it has now.
    fn as_group(&self, region: &str) -> Value {
        let in_group = self.devices.len();
        let mut group = match self.created_at {
            None => campaign::multicast_group(&self.id, region).unwrap_or_else(|| json!({"LoRaWAN": {}})),
            Some(at) => {
                let mut group = json!({"Arn": self.arn(region), "Id": self.id, "Status": "Idle", "CreatedAt": epoch_seconds(at)});
                for name in ["Name", "Description"] {
                    if let Some(v) = self.members.get(name) {
                        group[name] = v.clone();
                    }
                }
                // An object, whatever a state file held: the counts are written into it.
                group["LoRaWAN"] = self.members.get("LoRaWAN").filter(|l| l.is_object()).cloned().unwrap_or_else(|| json!({}));
                group["LoRaWAN"]["NumberOfDevicesRequested"] = json!(in_group);
                group
            }
        };
        group["LoRaWAN"]["NumberOfDevicesInGroup"] = json!(in_group);
        group
    }
}

/// Which resource an ARN names here, for its tags.
enum Tagged {
    Task(usize),
    SampleTask(String),
    Group(usize),
}

impl State {
    fn new() -> Self {
        Self { tasks: Vec::new(), groups: Group::samples(), sample_task_tags: Vec::new() }
    }

    /// Nothing written yet: no state file is needed.
    fn is_untouched(&self) -> bool {
        self.tasks.is_empty() && self.sample_task_tags.is_empty() && self.groups == Group::samples()
    }

    /// The group `id`, unless deleted.
    fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id && !g.deleted)
    }

    fn group_mut(&mut self, id: &str) -> Option<&mut Group> {
        self.groups.iter_mut().find(|g| g.id == id && !g.deleted)
    }

    /// The devices a task's session reaches if it starts now: its own, then its groups' members,
    /// each once.
    fn reached_by(&self, task: &Created) -> Vec<String> {
        let mut devices = task.devices.clone();
        for device in task.groups.iter().filter_map(|g| self.group(g)).flat_map(|g| g.devices.iter()) {
            if !devices.contains(device) {
                devices.push(device.clone());
            }
        }
        devices
    }

    /// The created task `id` (not gone) if it is Pending, else the service's refusal saying what
    /// its status allows; None when no such task was created here.
    fn pending(&mut self, id: &str, now: SystemTime, speed: f64, what: &str) -> Option<Result<&mut Created, Outcome>> {
        let t = self.tasks.iter_mut().find(|t| t.id == id && !gone(t, now))?;
        let status = t.status(now, speed);
        Some(if status == "Pending" { Ok(t) } else { Err(conflict(id, "FuotaTask", format!("The FUOTA task is {status}: only a Pending task can {what}."))) })
    }

    /// The resource an ARN names, for its tags: a FUOTA task (created here or a sample one) or a
    /// multicast group of this endpoint's region. A string that is not an ARN is invalid; an ARN
    /// of another region, account or service, or of a resource that is not here, is not found; an
    /// ARN of another IoT Wireless resource type is refused (this endpoint tags only these two).
    fn tagged(&self, arn: &str, region: &str, now: SystemTime) -> Result<Tagged, Outcome> {
        if arn.is_empty() || arn.chars().count() > 1011 || !arn.starts_with("arn:") || arn.split(':').count() < 6 {
            return Err(invalid(format!(
                "1 validation error detected: Value '{arn:.128}' at 'resourceArn' failed to satisfy constraint: Member must be a valid ARN"
            )));
        }
        let Some((_, resource_type, id)) = account::parse_arn(arn).filter(|(r, _, _)| *r == region) else {
            return Err(not_found(arn, "Resource"));
        };
        match resource_type {
            "FuotaTask" => {
                if let Some(at) = self.tasks.iter().position(|t| t.id == id && !gone(t, now)) {
                    Ok(Tagged::Task(at))
                } else if tasks::campaign_tasks(region, 0.0).iter().any(|t| t["Id"] == id) {
                    Ok(Tagged::SampleTask(id.to_owned()))
                } else {
                    Err(not_found(id, "FuotaTask"))
                }
            }
            "MulticastGroup" => self.groups.iter().position(|g| g.id == id && !g.deleted).map(Tagged::Group).ok_or_else(|| not_found(id, "MulticastGroup")),
            other => Err(invalid(format!("This endpoint keeps tags on FuotaTask and MulticastGroup resources only, not on {other:.64}."))),
        }
    }

    /// The tags of what `tagged` names (found under the same lock, so it is there).
    fn tags_of(&self, tagged: &Tagged) -> Vec<Tag> {
        match tagged {
            Tagged::Task(at) => self.tasks.get(*at).map(|t| t.tags.clone()).unwrap_or_default(),
            Tagged::SampleTask(id) => self.sample_task_tags.iter().find(|(t, _)| t == id).map(|(_, tags)| tags.clone()).unwrap_or_default(),
            Tagged::Group(at) => self.groups.get(*at).map(|g| g.tags.clone()).unwrap_or_default(),
        }
    }

    fn set_tags(&mut self, tagged: &Tagged, tags: Vec<Tag>) {
        match tagged {
            Tagged::Task(at) => {
                if let Some(t) = self.tasks.get_mut(*at) {
                    t.tags = tags;
                }
            }
            Tagged::Group(at) => {
                if let Some(g) = self.groups.get_mut(*at) {
                    g.tags = tags;
                }
            }
            Tagged::SampleTask(id) => {
                self.sample_task_tags.retain(|(t, _)| t != id);
                if !tags.is_empty() {
                    self.sample_task_tags.push((id.clone(), tags));
                }
            }
        }
    }
}

impl Store {
    pub fn new(speed: f64) -> Self {
        Self { state: Mutex::new(State::new()), speed, file: None }
    }

    /// A store saved to `path` after every write that changed it, starting with what was saved
    /// there (nothing when the file does not exist yet). A file that cannot be read or is not a
    /// state file is an error naming it: starting empty would lose its tasks at the next save.
    pub fn open(path: &Path, speed: f64) -> Result<Self, String> {
        let state = match std::fs::read(path) {
            Ok(bytes) => from_state(&bytes).map_err(|e| format!("{}: not a state file of fuota-local: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::new(),
            Err(e) => return Err(format!("cannot read the state file {}: {e}", path.display())),
        };
        let saved = if state.is_untouched() { String::new() } else { to_state(&state) };
        Ok(Self { state: Mutex::new(state), speed, file: Some(StateFile { path: path.to_owned(), saved: Mutex::new(saved) }) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut state)
    }

    /// `with` for a write: the state is saved afterwards if it changed, still under the lock, so
    /// that two writes cannot save out of order or share the temporary file.
    fn change<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        self.with(|state| {
            let out = f(state);
            self.save(state);
            out
        })
    }

    /// Writes the state to the state file if it differs from what the file holds: to `FILE.tmp`,
    /// then renamed over FILE, so that a crash mid-write leaves the old file whole. A failed save
    /// is reported and the write stands: the client's change was made, only its survival is lost.
    fn save(&self, state: &State) {
        let Some(file) = &self.file else { return };
        let text = to_state(state);
        let mut saved = file.saved.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *saved == text {
            return;
        }
        match write_atomically(&file.path, text.as_bytes()) {
            Ok(()) => *saved = text,
            Err(e) => eprintln!("cannot save the endpoint's state to {}: {e}", file.path.display()),
        }
    }

    /// Whether a task `id` was ever created here (one deleted and gone included).
    pub fn knows_task(&self, id: &str) -> bool {
        self.with(|state| state.tasks.iter().any(|t| t.id == id))
    }

    /// The task `id` as GetFuotaTask answers it, if this endpoint created it (and it is not gone).
    pub fn task(&self, id: &str, region: &str, now: SystemTime) -> Option<Value> {
        self.with(|state| state.tasks.iter().find(|t| t.id == id && !gone(t, now)).map(|t| t.as_task(region, now, self.speed)))
    }

    /// Every task this endpoint created and still lists: `{Id, Arn, Name}`.
    pub fn listed(&self, region: &str, now: SystemTime) -> Vec<Value> {
        self.with(|state| {
            state
                .tasks
                .iter()
                .filter(|t| !gone(t, now))
                .map(|t| json!({"Id": t.id, "Arn": t.arn(region), "Name": t.members.get("Name").cloned().unwrap_or(Value::Null)}))
                .collect()
        })
    }

    /// The multicast groups of a created task, if it is one.
    pub fn groups_of(&self, id: &str, now: SystemTime) -> Option<Vec<String>> {
        self.with(|state| state.tasks.iter().find(|t| t.id == id && !gone(t, now)).map(|t| t.groups.clone()))
    }

    /// The devices of a created task with their FUOTA status at `now`: Initial until the session
    /// reaches them, one after the other as it goes by, then each as `campaign::session_outcome`
    /// says (the one rule for how a device ends a session). A task given multicast groups has
    /// their members as its devices: the session reaches them through the groups.
    pub fn devices_of(&self, id: &str, now: SystemTime) -> Option<Vec<(String, &'static str)>> {
        self.with(|state| {
            let t = state.tasks.iter().find(|t| t.id == id && !gone(t, now))?;
            let devices = t.reached.clone().unwrap_or_else(|| state.reached_by(t));
            let progress = t.progress(now, self.speed);
            let n = devices.len().max(1) as f64;
            Some(
                devices
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let status = if progress >= (i as f64 + 1.0) / n { campaign::session_outcome(&d) } else { "Initial" };
                        (d, status)
                    })
                    .collect(),
            )
        })
    }

    /// CreateFuotaTask: `201 {Arn, Id}`. `new_id` names a task this call makes.
    pub fn create(&self, body: &[u8], region: &str, now: SystemTime, new_id: String) -> Outcome {
        let mut members = match body_object(body) {
            Ok(m) => m,
            Err(e) => return e,
        };
        for required in ["FirmwareUpdateImage", "FirmwareUpdateRole"] {
            if !members.contains_key(required) {
                return invalid(format!("1 validation error detected: Value null at '{required}' failed to satisfy constraint: Member must not be null"));
            }
        }
        if let Err(e) = check_members(&members) {
            return e;
        }
        let tags = match tagging::for_create(members.get("Tags")) {
            Ok(tags) => tags,
            Err(message) => return invalid(message),
        };
        let token = match take_token(&mut members) {
            Ok(token) => token,
            Err(e) => return e,
        };
        self.change(|state| {
            create_once(
                &mut state.tasks,
                token,
                members,
                "FuotaTask",
                |t| json!({"Arn": t.arn(region), "Id": t.id}),
                |members, token| Created {
                    id: new_id,
                    members,
                    token,
                    created_at: now,
                    schedule: None,
                    deleted_at: None,
                    devices: Vec::new(),
                    groups: Vec::new(),
                    reached: None,
                    tags,
                },
            )
        })
    }

    /// UpdateFuotaTask: `204`, only while Pending. None: no such task here.
    pub fn update(&self, id: &str, body: &[u8], now: SystemTime) -> Option<Outcome> {
        let members = match body_object(body).and_then(|m| check_members(&m).map(|()| m)) {
            Ok(m) => m,
            Err(e) => return Some(e),
        };
        self.change(|state| {
            let t = match state.pending(id, now, self.speed, "be updated")? {
                Ok(t) => t,
                Err(refusal) => return Some(refusal),
            };
            for (name, value) in members {
                if matches!(name.as_str(), "ClientRequestToken" | "Tags") {
                    continue;
                }
                t.members.insert(name, value);
            }
            Some(NO_CONTENT)
        })
    }

    /// StartFuotaTask: `204`; the start time must be at least 30 minutes ahead. The devices the
    /// session will reach are fixed now: no device or group can be added to a started task.
    pub fn start(&self, id: &str, body: &[u8], now: SystemTime) -> Option<Outcome> {
        let members = match body_object(body) {
            Ok(m) => m,
            Err(e) => return Some(e),
        };
        let start_time = match members.get("LoRaWAN").and_then(|l| l.get("StartTime")).and_then(Value::as_str).and_then(parse_iso8601) {
            Some(t) => t,
            None => return Some(invalid("LoRaWAN.StartTime is required, as an ISO-8601 time.")),
        };
        if start_time < now + MIN_LEAD {
            return Some(invalid(format!("The start time must be at least 30 minutes from now ({}); it is {}.", iso8601(now), iso8601(start_time))));
        }
        self.change(|state| {
            let reached = state.tasks.iter().find(|t| t.id == id && !gone(t, now)).map(|t| state.reached_by(t));
            let t = match state.pending(id, now, self.speed, "be started")? {
                Ok(t) => t,
                Err(refusal) => return Some(refusal),
            };
            t.schedule = Some(Schedule { start_time, asked_at: now });
            t.reached = reached;
            Some(NO_CONTENT)
        })
    }

    /// DeleteFuotaTask: `204`, in any status; the task shows Delete_Waiting, then is gone.
    pub fn delete(&self, id: &str, now: SystemTime) -> Option<Outcome> {
        self.change(|state| {
            let t = state.tasks.iter_mut().find(|t| t.id == id && !gone(t, now))?;
            t.deleted_at.get_or_insert(now);
            Some(NO_CONTENT)
        })
    }

    /// AssociateMulticastGroupWithFuotaTask or AssociateWirelessDeviceWithFuotaTask: `204`, only
    /// while Pending, devices or groups but not both; an item already there is left as it is.
    pub fn associate(&self, id: &str, body: &[u8], group: bool, now: SystemTime) -> Option<Outcome> {
        let member = if group { "MulticastGroupId" } else { "WirelessDeviceId" };
        let item = match body_object(body).map(|m| m.get(member).and_then(Value::as_str).map(str::to_owned)) {
            Ok(Some(item)) if (1..=256).contains(&item.chars().count()) => item,
            Ok(_) => {
                return Some(invalid(format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null")))
            }
            Err(e) => return Some(e),
        };
        // A device the account does not have, as the service answers it (checked by its id's
        // form: the account has 10,000 devices and more).
        if !group && !campaign::is_known_device(&item) {
            return Some(not_found(&item, "WirelessDevice"));
        }
        self.change(|state| {
            if group && state.group(&item).is_none() {
                return Some(not_found(&item, "MulticastGroup"));
            }
            let t = match state.pending(id, now, self.speed, "take devices or groups")? {
                Ok(t) => t,
                Err(refusal) => return Some(refusal),
            };
            let (mine, other) = if group { (&mut t.groups, &t.devices) } else { (&mut t.devices, &t.groups) };
            if !other.is_empty() {
                return Some(conflict(id, "FuotaTask", "A FUOTA task takes wireless devices or multicast groups, not both."));
            }
            if !mine.contains(&item) {
                mine.push(item);
            }
            Some(NO_CONTENT)
        })
    }

    /// DisassociateMulticastGroupFromFuotaTask or DisassociateWirelessDeviceFromFuotaTask: `204`,
    /// only while Pending; an item that is not there is not found.
    pub fn disassociate(&self, id: &str, item: &str, group: bool, now: SystemTime) -> Option<Outcome> {
        self.change(|state| {
            let t = match state.pending(id, now, self.speed, "lose devices or groups")? {
                Ok(t) => t,
                Err(refusal) => return Some(refusal),
            };
            let mine = if group { &mut t.groups } else { &mut t.devices };
            Some(match mine.iter().position(|i| i == item) {
                Some(at) => {
                    mine.remove(at);
                    NO_CONTENT
                }
                None => not_found(item, if group { "MulticastGroup" } else { "WirelessDevice" }),
            })
        })
    }

    /// GetMulticastGroup's answer for a group of the account (not deleted).
    pub fn group(&self, id: &str, region: &str) -> Option<Value> {
        self.with(|state| state.group(id).map(|g| g.as_group(region)))
    }

    /// Every multicast group of the account, the sample ones first: `{Id, Arn, Name}`.
    pub fn groups_listed(&self, region: &str) -> Vec<Value> {
        self.with(|state| {
            state
                .groups
                .iter()
                .filter(|g| !g.deleted)
                .map(|g| {
                    let answer = g.as_group(region);
                    json!({"Id": g.id, "Arn": g.arn(region), "Name": answer.get("Name").cloned().unwrap_or(Value::Null)})
                })
                .collect()
        })
    }

    /// The devices of a multicast group of the account (not deleted), in the order they joined.
    pub fn group_devices(&self, id: &str) -> Option<Vec<String>> {
        self.with(|state| state.group(id).map(|g| g.devices.clone()))
    }

    /// CreateMulticastGroup: `201 {Arn, Id}`, a group without devices. `new_id` names a group this
    /// call makes.
    pub fn create_group(&self, body: &[u8], region: &str, now: SystemTime, new_id: String) -> Outcome {
        let mut members = match body_object(body) {
            Ok(m) => m,
            Err(e) => return e,
        };
        let rf_region = match check_group_members(&members) {
            Ok(rf_region) => rf_region,
            Err(e) => return e,
        };
        let tags = match tagging::for_create(members.get("Tags")) {
            Ok(tags) => tags,
            Err(message) => return invalid(message),
        };
        let token = match take_token(&mut members) {
            Ok(token) => token,
            Err(e) => return e,
        };
        self.change(|state| {
            create_once(
                &mut state.groups,
                token,
                members,
                "MulticastGroup",
                |g| json!({"Arn": g.arn(region), "Id": g.id}),
                |members, token| Group { id: new_id, members, token, created_at: Some(now), rf_region, devices: Vec::new(), tags, deleted: false },
            )
        })
    }

    /// AssociateWirelessDeviceWithMulticastGroup: `204`. The group and the device must exist
    /// (ResourceNotFoundException); the device must be of the group's RF region (a group's
    /// downlinks go out on one band's frequencies: ValidationException); a device already in the
    /// group is left as it is. A device in 4 groups already is refused with ConflictException: the
    /// request is valid and would succeed once the device leaves a group, which is a conflict with
    /// the device's state rather than invalid input (the service's own code for it is not
    /// documented; ValidationException would say the same request can never work).
    pub fn join_group(&self, group_id: &str, body: &[u8]) -> Outcome {
        let device = match body_object(body).map(|m| m.get("WirelessDeviceId").and_then(Value::as_str).map(str::to_owned)) {
            Ok(Some(device)) if (1..=256).contains(&device.chars().count()) => device,
            Ok(_) => return invalid("1 validation error detected: Value null at 'WirelessDeviceId' failed to satisfy constraint: Member must not be null"),
            Err(e) => return e,
        };
        self.change(|state| {
            let Some(group) = state.group(group_id) else { return not_found(group_id, "MulticastGroup") };
            if !campaign::is_known_device(&device) {
                return not_found(&device, "WirelessDevice");
            }
            if group.devices.contains(&device) {
                return NO_CONTENT;
            }
            if let Some(band) = campaign::device_band(&device).filter(|band| *band != group.rf_region) {
                return invalid(format!(
                    "The wireless device {device:.256} is in RF region {band}; the multicast group {group_id:.256} is in {}: a device joins a group of its own RF region.",
                    group.rf_region
                ));
            }
            let joined = state.groups.iter().filter(|g| !g.deleted && g.devices.contains(&device)).count();
            if joined >= MAX_GROUPS_PER_DEVICE {
                return conflict(
                    &device,
                    "WirelessDevice",
                    format!("The wireless device {device:.256} is already in {joined} multicast groups, as many as a LoRaWAN device holds (TS005: McGroupID 0 to 3)."),
                );
            }
            if let Some(group) = state.group_mut(group_id) {
                group.devices.push(device);
            }
            NO_CONTENT
        })
    }

    /// DisassociateWirelessDeviceFromMulticastGroup: `204`; a group that does not exist, or a
    /// device that is not in it, is not found.
    pub fn leave_group(&self, group_id: &str, device: &str) -> Outcome {
        self.change(|state| {
            let Some(group) = state.group_mut(group_id) else { return not_found(group_id, "MulticastGroup") };
            match group.devices.iter().position(|d| d == device) {
                Some(at) => {
                    group.devices.remove(at);
                    NO_CONTENT
                }
                None => not_found(device, "WirelessDevice"),
            }
        })
    }

    /// DeleteMulticastGroup: `204`. Refused with ConflictException while a FUOTA task that has the
    /// group is in its session (FuotaSession_Waiting or In_FuotaSession): the session's downlinks
    /// go through the group, and the status rules let nothing be taken from a task past Pending. A
    /// Pending task loses the group (as if disassociated); a task done or being deleted keeps the
    /// devices its session reached. A sample task in session counts too (`demo-in-session` and
    /// `demo-10k` hold the two sample groups).
    pub fn delete_group(&self, group_id: &str, region: &str, now: SystemTime) -> Outcome {
        let in_session = |status: &str| matches!(status, "FuotaSession_Waiting" | "In_FuotaSession");
        let sample_user = tasks::campaign_tasks(region, 0.0)
            .into_iter()
            .find(|t| t["Status"].as_str().is_some_and(in_session) && t["Id"].as_str().is_some_and(|id| campaign::groups_of_task(id).contains(&group_id)));
        self.change(|state| {
            if state.group(group_id).is_none() {
                return not_found(group_id, "MulticastGroup");
            }
            let created_user = state.tasks.iter().find(|t| !gone(t, now) && in_session(t.status(now, self.speed)) && t.groups.iter().any(|g| g == group_id));
            let user = created_user.map(|t| (t.id.clone(), t.status(now, self.speed).to_owned())).or_else(|| {
                sample_user.as_ref().map(|t| (t["Id"].as_str().unwrap_or_default().to_owned(), t["Status"].as_str().unwrap_or_default().to_owned()))
            });
            if let Some((task, status)) = user {
                return conflict(
                    group_id,
                    "MulticastGroup",
                    format!("The multicast group is used by the FUOTA task {task:.256}, which is {status}: delete the group once the task is done."),
                );
            }
            for t in state.tasks.iter_mut().filter(|t| t.status(now, self.speed) == "Pending") {
                t.groups.retain(|g| g != group_id);
            }
            if let Some(group) = state.group_mut(group_id) {
                group.deleted = true;
                group.devices.clear();
                group.tags.clear();
            }
            NO_CONTENT
        })
    }

    /// TagResource: `204`; each key given takes its value (a new key is added), within 50 tags a
    /// resource (TooManyTagsException past it, naming the resource).
    pub fn tag(&self, arn: &str, body: &[u8], region: &str, now: SystemTime) -> Outcome {
        let members = match body_object(body) {
            Ok(m) => m,
            Err(e) => return e,
        };
        let new = match members.get("Tags") {
            None | Some(Value::Null) => {
                return invalid("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
            }
            Some(list) => match tagging::read_list(list, "Tags") {
                Ok(tags) => tags,
                Err(message) => return invalid(message),
            },
        };
        self.change(|state| {
            let tagged = match state.tagged(arn, region, now) {
                Ok(tagged) => tagged,
                Err(refusal) => return refusal,
            };
            match tagging::merged(&state.tags_of(&tagged), &new) {
                Some(tags) => {
                    state.set_tags(&tagged, tags);
                    NO_CONTENT
                }
                None => Outcome::Refused {
                    status: 400,
                    code: "TooManyTagsException",
                    message: format!("A resource takes at most {} tags.", tagging::MAX_TAGS_PER_RESOURCE),
                    extra: json!({"ResourceName": arn}),
                },
            }
        })
    }

    /// UntagResource: `204`; the keys named go, a key the resource does not have is no error.
    pub fn untag(&self, arn: &str, keys: &[&str], region: &str, now: SystemTime) -> Outcome {
        if keys.is_empty() {
            return invalid("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
        }
        for (i, key) in keys.iter().enumerate() {
            if let Err(message) = tagging::check_key(key, &format!("tagKeys.{}.member", i + 1)) {
                return invalid(message);
            }
        }
        self.change(|state| {
            let tagged = match state.tagged(arn, region, now) {
                Ok(tagged) => tagged,
                Err(refusal) => return refusal,
            };
            let mut tags = state.tags_of(&tagged);
            tags.retain(|(k, _)| !keys.contains(&k.as_str()));
            state.set_tags(&tagged, tags);
            NO_CONTENT
        })
    }

    /// ListTagsForResource: `200 {Tags}`, in the order they were written.
    pub fn tags(&self, arn: &str, region: &str, now: SystemTime) -> Outcome {
        self.with(|state| match state.tagged(arn, region, now) {
            Ok(tagged) => Outcome::Done { status: 200, body: Some(tagging::answer(&state.tags_of(&tagged))) },
            Err(refusal) => refusal,
        })
    }
}

fn gone(t: &Created, now: SystemTime) -> bool {
    t.deleted_at.is_some_and(|at| now.duration_since(at).unwrap_or_default() >= DELETE_WAITING)
}

/// FILE.tmp, written and synced, then renamed over FILE.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

fn tags_to_state(tags: &[Tag]) -> Value {
    json!(tags.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>())
}

/// The state as the file holds it: JSON, times in RFC 3339 with nanoseconds. Groups only when
/// created here or changed from the sample: the samples are the endpoint's own.
fn to_state(state: &State) -> String {
    let time = |t: &Option<SystemTime>| t.map_or(Value::Null, |t| json!(rfc3339_exact(t)));
    let tasks: Vec<Value> = state
        .tasks
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "members": t.members,
                "token": t.token,
                "created_at": rfc3339_exact(t.created_at),
                "schedule": t.schedule.as_ref().map(|s| json!({
                    "start_time": rfc3339_exact(s.start_time),
                    "asked_at": rfc3339_exact(s.asked_at),
                })),
                "deleted_at": time(&t.deleted_at),
                "devices": t.devices,
                "groups": t.groups,
                "reached": t.reached,
                "tags": tags_to_state(&t.tags),
            })
        })
        .collect();
    let samples = Group::samples();
    let groups: Vec<Value> = state
        .groups
        .iter()
        .filter(|g| !samples.contains(g))
        .map(|g| {
            json!({
                "id": g.id,
                "members": g.members,
                "token": g.token,
                "created_at": time(&g.created_at),
                "rf_region": g.rf_region,
                "devices": g.devices,
                "tags": tags_to_state(&g.tags),
                "deleted": g.deleted,
            })
        })
        .collect();
    let sample_task_tags: Vec<Value> = state.sample_task_tags.iter().map(|(id, tags)| json!({"id": id, "tags": tags_to_state(tags)})).collect();
    let file = json!({"version": STATE_VERSION, "tasks": tasks, "groups": groups, "sample_task_tags": sample_task_tags});
    serde_json::to_string_pretty(&file).unwrap_or_else(|_| file.to_string())
}

/// The state of a state file, or what is wrong with it. Version 1 held tasks only (their tags in
/// their create's members).
fn from_state(bytes: &[u8]) -> Result<State, String> {
    let file: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON ({e})"))?;
    let version = match file.get("version").and_then(Value::as_u64) {
        Some(v @ (1 | STATE_VERSION)) => v,
        Some(v) => return Err(format!("version {v}, this endpoint reads versions 1 and {STATE_VERSION}")),
        None => return Err("no version".into()),
    };
    let mut state = State::new();
    let tasks = file.get("tasks").and_then(Value::as_array).ok_or("no tasks array")?;
    state.tasks = tasks.iter().enumerate().map(|(i, t)| task_of_state(t).map_err(|e| format!("task {i}: {e}"))).collect::<Result<_, _>>()?;
    if version == 1 {
        return Ok(state);
    }
    let groups = file.get("groups").and_then(Value::as_array).ok_or("no groups array")?;
    for (i, g) in groups.iter().enumerate() {
        let group = group_of_state(g).map_err(|e| format!("group {i}: {e}"))?;
        match state.groups.iter_mut().find(|s| s.id == group.id) {
            Some(sample) => *sample = group,
            None => state.groups.push(group),
        }
    }
    let sample_tags = file.get("sample_task_tags").and_then(Value::as_array).ok_or("no sample_task_tags array")?;
    for (i, t) in sample_tags.iter().enumerate() {
        let id = t.get("id").and_then(Value::as_str).ok_or_else(|| format!("sample_task_tags {i}: no id"))?;
        let tags = tags_of_state(t.get("tags")).map_err(|e| format!("sample_task_tags {i}: {e}"))?;
        state.sample_task_tags.push((id.to_owned(), tags));
    }
    Ok(state)
}

fn strings_of_state(v: Option<&Value>, name: &str) -> Result<Vec<String>, String> {
    let list = v.and_then(Value::as_array).ok_or_else(|| format!("{name} is not a list"))?;
    list.iter().map(|v| v.as_str().map(str::to_owned).ok_or_else(|| format!("{name} holds a non-string"))).collect()
}

fn tags_of_state(v: Option<&Value>) -> Result<Vec<Tag>, String> {
    let list = v.and_then(Value::as_array).ok_or("tags is not a list")?;
    list.iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(k), Value::String(v)]) => Ok((k.clone(), v.clone())),
            _ => Err("tags holds something other than [key, value]".to_owned()),
        })
        .collect()
}

fn time_of_state(name: &str, v: Option<&Value>) -> Result<SystemTime, String> {
    v.and_then(Value::as_str).and_then(parse_iso8601).ok_or_else(|| format!("{name} is not an RFC 3339 time"))
}

fn optional_time_of_state(name: &str, v: Option<&Value>) -> Result<Option<SystemTime>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        v => time_of_state(name, v).map(Some),
    }
}

fn token_of_state(v: Option<&Value>) -> Result<Option<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Ok(Some(v.as_str().ok_or("token is not a string")?.to_owned())),
    }
}

fn task_of_state(t: &Value) -> Result<Created, String> {
    let schedule = match t.get("schedule") {
        None | Some(Value::Null) => None,
        Some(s) => Some(Schedule {
            start_time: time_of_state("schedule.start_time", s.get("start_time"))?,
            asked_at: time_of_state("schedule.asked_at", s.get("asked_at"))?,
        }),
    };
    let members = t.get("members").and_then(Value::as_object).cloned().ok_or("members is not an object")?;
    // A version 1 file has no tags of its own: the create's are in its members.
    let tags = match t.get("tags") {
        Some(tags) => tags_of_state(Some(tags))?,
        None => tagging::for_create(members.get("Tags")).unwrap_or_default(),
    };
    Ok(Created {
        id: t.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()).ok_or("no id")?.to_owned(),
        members,
        token: token_of_state(t.get("token"))?,
        created_at: time_of_state("created_at", t.get("created_at"))?,
        schedule,
        deleted_at: optional_time_of_state("deleted_at", t.get("deleted_at"))?,
        devices: strings_of_state(t.get("devices"), "devices")?,
        groups: strings_of_state(t.get("groups"), "groups")?,
        reached: match t.get("reached") {
            None | Some(Value::Null) => None,
            v => Some(strings_of_state(v, "reached")?),
        },
        tags,
    })
}

fn group_of_state(g: &Value) -> Result<Group, String> {
    Ok(Group {
        id: g.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()).ok_or("no id")?.to_owned(),
        members: g.get("members").and_then(Value::as_object).cloned().ok_or("members is not an object")?,
        token: token_of_state(g.get("token"))?,
        created_at: optional_time_of_state("created_at", g.get("created_at"))?,
        rf_region: g.get("rf_region").and_then(Value::as_str).ok_or("no rf_region")?.to_owned(),
        devices: strings_of_state(g.get("devices"), "devices")?,
        tags: tags_of_state(g.get("tags"))?,
        deleted: g.get("deleted").and_then(Value::as_bool).ok_or("deleted is not a boolean")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: &str = r#""FirmwareUpdateImage":"s3://fw/v2.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota""#;

    fn created(store: &Store, now: SystemTime, extra: &str) -> String {
        let body = format!("{{{IMAGE}{extra}}}");
        match store.create(body.as_bytes(), "us-east-1", now, "t-1".into()) {
            Outcome::Done { status: 201, body: Some(b) } => b["Id"].as_str().unwrap().to_owned(),
            other => panic!("{other:?}"),
        }
    }

    fn code(o: Option<Outcome>) -> &'static str {
        match o {
            Some(Outcome::Refused { code, .. }) => code,
            Some(Outcome::Done { .. }) => "done",
            None => "no such task",
        }
    }

    #[test]
    fn a_task_runs_from_pending_to_done_and_only_pending_takes_changes() {
        let store = Store::new(12.0);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let id = created(&store, t0, r#","Name":"fw""#);
        assert_eq!(store.task(&id, "us-east-1", t0).unwrap()["Status"], "Pending");
        assert_eq!(code(store.associate(&id, br#"{"WirelessDeviceId":"demo-pending-dev-00001"}"#, false, t0)), "done");
        assert_eq!(code(store.associate(&id, br#"{"WirelessDeviceId":"demo-pending-dev-00001"}"#, false, t0)), "done", "already there: left as is");
        assert_eq!(code(store.associate(&id, br#"{"MulticastGroupId":"mcg-sensors-eu868"}"#, true, t0)), "ConflictException", "not both");
        assert_eq!(code(store.update(&id, br#"{"FragmentSizeBytes":0}"#, t0)), "ValidationException");
        assert_eq!(code(store.update(&id, br#"{"FragmentSizeBytes":50}"#, t0)), "done");
        let soon = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(29 * 60)));
        assert_eq!(code(store.start(&id, soon.as_bytes(), t0)), "ValidationException", "under 30 minutes ahead");
        let later = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(35 * 60)));
        assert_eq!(code(store.start(&id, later.as_bytes(), t0)), "done");
        assert_eq!(store.task(&id, "us-east-1", t0).unwrap()["Status"], "FuotaSession_Waiting");
        assert_eq!(code(store.update(&id, br#"{"Name":"x"}"#, t0)), "ConflictException");
        assert_eq!(code(store.disassociate(&id, "demo-pending-dev-00001", false, t0)), "ConflictException");
        // 35 minutes at 12× is 175 real seconds; the session's 5 minutes 25 s more.
        let status_at = |s: u64| store.task(&id, "us-east-1", t0 + Duration::from_secs(s)).unwrap()["Status"].clone();
        assert_eq!(status_at(174), "FuotaSession_Waiting");
        assert_eq!(status_at(180), "In_FuotaSession");
        assert_eq!(store.devices_of(&id, t0 + Duration::from_secs(180)).unwrap(), vec![("demo-pending-dev-00001".to_owned(), "Initial")]);
        assert_eq!(status_at(206), "FuotaDone");
        assert_eq!(store.devices_of(&id, t0 + Duration::from_secs(206)).unwrap(), vec![("demo-pending-dev-00001".to_owned(), "Successful")]);
        assert_eq!(code(store.delete(&id, t0 + Duration::from_secs(300))), "done");
        assert_eq!(status_at(300), "Delete_Waiting");
        assert!(store.task(&id, "us-east-1", t0 + Duration::from_secs(300) + DELETE_WAITING).is_none(), "then gone");
        assert!(store.listed("us-east-1", t0 + Duration::from_secs(300) + DELETE_WAITING).is_empty());
    }

    #[test]
    fn a_token_answers_the_same_task_or_a_conflict() {
        let store = Store::new(1.0);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let body = format!(r#"{{"ClientRequestToken":"abc-1",{IMAGE}}}"#);
        let first = store.create(body.as_bytes(), "us-east-1", now, "t-1".into());
        let again = store.create(body.as_bytes(), "us-east-1", now, "t-2".into());
        assert_eq!(first, again, "the same task, not a second one");
        assert_eq!(store.listed("us-east-1", now).len(), 1);
        let other = format!(r#"{{"ClientRequestToken":"abc-1",{IMAGE},"Name":"other"}}"#);
        assert!(matches!(store.create(other.as_bytes(), "us-east-1", now, "t-3".into()), Outcome::Refused { code: "ConflictException", .. }));
        assert!(matches!(store.create(br#"{"Name":"no image"}"#, "us-east-1", now, "t-4".into()), Outcome::Refused { code: "ValidationException", .. }));
        let bad_token = format!(r#"{{"ClientRequestToken":"a b",{IMAGE}}}"#);
        assert!(matches!(store.create(bad_token.as_bytes(), "us-east-1", now, "t-5".into()), Outcome::Refused { code: "ValidationException", .. }));
    }

    #[test]
    fn groups_are_checked_and_removed_only_when_there() {
        let store = Store::new(1.0);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let id = created(&store, now, "");
        assert_eq!(code(store.associate(&id, br#"{"MulticastGroupId":"no-such-group"}"#, true, now)), "ResourceNotFoundException");
        assert_eq!(code(store.associate(&id, br#"{"MulticastGroupId":"mcg-sensors-eu868"}"#, true, now)), "done");
        assert_eq!(store.groups_of(&id, now).unwrap(), vec!["mcg-sensors-eu868".to_owned()]);
        assert_eq!(code(store.disassociate(&id, "mcg-meters-us915", true, now)), "ResourceNotFoundException");
        assert_eq!(code(store.disassociate(&id, "mcg-sensors-eu868", true, now)), "done");
        assert_eq!(code(store.update("nope", b"{}", now)), "no such task");
    }

    #[test]
    fn a_device_the_account_does_not_have_is_not_found() {
        let store = Store::new(1.0);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let id = created(&store, now, "");
        for unknown in ["dev-1", "demo-10k-dev-10000", "demo-10k-dev-7", "demo-in-session-dev-00099", "fault-devices-loop-dev-00001", ""] {
            let body = serde_json::to_vec(&json!({"WirelessDeviceId": unknown})).unwrap();
            match store.associate(&id, &body, false, now) {
                Some(Outcome::Refused { status: 404, code: "ResourceNotFoundException", extra, .. }) => {
                    assert_eq!(extra, json!({"ResourceId": unknown, "ResourceType": "WirelessDevice"}), "{unknown}");
                }
                // The empty id is the model's length constraint, before any lookup.
                Some(Outcome::Refused { code: "ValidationException", .. }) if unknown.is_empty() => {}
                other => panic!("{unknown}: {other:?}"),
            }
        }
        // A group-only member, the last of the 10,000, and a throttling fault's device are known.
        for known in ["demo-in-session-dev-00101", "demo-10k-dev-09999", "fault-throttled-a"] {
            let body = serde_json::to_vec(&json!({"WirelessDeviceId": known})).unwrap();
            assert_eq!(code(store.associate(&id, &body, false, now)), "done", "{known}");
        }
        assert!(store.devices_of(&id, now).unwrap().iter().all(|(_, s)| *s == "Initial"));
        assert_eq!(code(store.associate(&id, br#"{"WirelessDeviceId":"demo-10k-dev-09999"}"#, false, now)), "done", "again: left as is");
        assert_eq!(store.devices_of(&id, now).unwrap().len(), 3);
    }

    #[test]
    fn a_task_given_a_group_has_its_members_succeed_one_by_one_and_ends_done() {
        let store = Store::new(12.0);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let id = created(&store, t0, "");
        assert_eq!(code(store.associate(&id, br#"{"MulticastGroupId":"mcg-sensors-eu868"}"#, true, t0)), "done");
        let members: Vec<String> = campaign::group_members(campaign::CLASS_C_GROUP).into_iter().map(|(t, n)| campaign::device_id(t, n)).collect();
        let devices = store.devices_of(&id, t0).unwrap();
        assert_eq!(devices.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>(), members);
        assert!(devices.iter().all(|(_, s)| *s == "Initial"));
        let later = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(35 * 60)));
        assert_eq!(code(store.start(&id, later.as_bytes(), t0)), "done");
        // The session is 25 real seconds at 12×, from 175 s: one more success every ~3 s.
        let successes = |s: f64| store.devices_of(&id, t0 + Duration::from_secs_f64(s)).unwrap().iter().filter(|(_, st)| *st == "Successful").count();
        let counts: Vec<usize> = (0..=30).map(|i| successes(174.0 + i as f64)).collect();
        assert_eq!(counts[0], 0, "none before the session");
        assert!(counts.windows(2).all(|w| w[1] >= w[0] && w[1] - w[0] <= 1), "one by one: {counts:?}");
        assert_eq!(*counts.last().unwrap(), members.len());
        assert_eq!(store.task(&id, "us-east-1", t0 + Duration::from_secs(204)).unwrap()["Status"], "FuotaDone");
    }

    const EU868_C: &str = r#""LoRaWAN":{"RfRegion":"EU868","DlClass":"ClassC"}"#;

    fn new_group(store: &Store, extra: &str, id: &str) -> Outcome {
        store.create_group(format!("{{{EU868_C}{extra}}}").as_bytes(), "us-east-1", SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000), id.into())
    }

    fn group_id(o: Outcome) -> String {
        match o {
            Outcome::Done { status: 201, body: Some(b) } => b["Id"].as_str().unwrap().to_owned(),
            other => panic!("{other:?}"),
        }
    }

    fn refusal(o: Outcome) -> (&'static str, String) {
        match o {
            Outcome::Refused { code, message, .. } => (code, message),
            Outcome::Done { status, .. } => ("done", status.to_string()),
        }
    }

    fn join(store: &Store, group: &str, device: &str) -> (&'static str, String) {
        refusal(store.join_group(group, format!(r#"{{"WirelessDeviceId":"{device}"}}"#).as_bytes()))
    }

    fn arn(kind: &str, id: &str) -> String {
        account::arn("us-east-1", kind, id)
    }

    #[test]
    fn a_multicast_group_is_created_once_per_token_with_its_band_class_and_tags() {
        let store = Store::new(1.0);
        let body = format!(r#"{{"ClientRequestToken":"wave-1",{EU868_C},"Name":"wave 1","Tags":[{{"Key":"fuota-rollout:wave","Value":"1"}}]}}"#);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let first = store.create_group(body.as_bytes(), "us-east-1", now, "g-1".into());
        assert_eq!(first, Outcome::Done { status: 201, body: Some(json!({"Arn": arn("MulticastGroup", "g-1"), "Id": "g-1"})) });
        assert_eq!(store.create_group(body.as_bytes(), "us-east-1", now, "g-2".into()), first, "the same token and members: the same group");
        let other = body.replace("wave 1", "wave one");
        let (code, _) = refusal(store.create_group(other.as_bytes(), "us-east-1", now, "g-3".into()));
        assert_eq!(code, "ConflictException");
        let group = store.group("g-1", "us-east-1").unwrap();
        assert_eq!(
            (group["Name"].as_str(), group["LoRaWAN"]["RfRegion"].as_str(), group["LoRaWAN"]["DlClass"].as_str()),
            (Some("wave 1"), Some("EU868"), Some("ClassC"))
        );
        assert_eq!(group["LoRaWAN"]["NumberOfDevicesInGroup"], 0);
        assert!(group["CreatedAt"].is_f64() && group["Arn"] == arn("MulticastGroup", "g-1"));
        assert_eq!(
            store.tags(&arn("MulticastGroup", "g-1"), "us-east-1", now),
            Outcome::Done { status: 200, body: Some(json!({"Tags": [{"Key": "fuota-rollout:wave", "Value": "1"}]})) }
        );
        assert!(store.groups_listed("us-east-1").iter().any(|g| g["Id"] == "g-1" && g["Name"] == "wave 1"));
        for (bad, says) in [
            (r#"{"Name":"no band"}"#.to_owned(), "'LoRaWAN'"),
            (r#"{"LoRaWAN":{"DlClass":"ClassC"}}"#.to_owned(), "Value null at 'LoRaWAN.RfRegion'"),
            (
                r#"{"LoRaWAN":{"RfRegion":"EU869","DlClass":"ClassC"}}"#.to_owned(),
                "Value 'EU869' at 'LoRaWAN.RfRegion' failed to satisfy constraint: Member must satisfy enum value set: [EU868, US915",
            ),
            (r#"{"LoRaWAN":{"RfRegion":"EU868","DlClass":"ClassA"}}"#.to_owned(), "enum value set: [ClassB, ClassC]"),
            (format!(r#"{{{EU868_C},"Tags":[{{"Key":"aws:x","Value":"1"}}]}}"#), "reserved for AWS"),
            (format!(r#"{{{EU868_C},"Name":"{}"}}"#, "n".repeat(257)), "'Name'"),
            (format!(r#"{{{EU868_C},"ClientRequestToken":"a b"}}"#), "ClientRequestToken"),
            (
                format!(r#"{{"LoRaWAN":{{"RfRegion":"EU868","DlClass":"ClassC","ParticipatingGateways":{{"GatewayList":{}}}}}}}"#, json!(vec!["gw"; 21])),
                "at most 20",
            ),
        ] {
            let (code, message) = refusal(store.create_group(bad.as_bytes(), "us-east-1", now, "g-bad".into()));
            assert_eq!(code, "ValidationException", "{bad}");
            assert!(message.contains(says), "{bad}: {message}");
        }
        let fifty_one: Vec<Value> = (0..51).map(|n| json!({"Key": format!("k{n}"), "Value": ""})).collect();
        let (code, _) = refusal(new_group(&store, &format!(r#","Tags":{}"#, json!(fifty_one)), "g-51"));
        assert_eq!(code, "ValidationException", "a create cannot carry more tags than a resource takes");
        assert!(store.group("g-bad", "us-east-1").is_none() && store.group("g-51", "us-east-1").is_none());
        let class_b_us = store.create_group(
            br#"{"LoRaWAN":{"RfRegion":"US915","DlClass":"ClassB","ParticipatingGateways":{"GatewayList":["gw-us915-1"],"TransmissionInterval":1000}}}"#,
            "us-east-1",
            now,
            "g-b".into(),
        );
        assert_eq!(group_id(class_b_us), "g-b");
        assert_eq!(store.group("g-b", "us-east-1").unwrap()["LoRaWAN"]["ParticipatingGateways"]["GatewayList"], json!(["gw-us915-1"]));
    }

    #[test]
    fn a_device_joins_groups_of_its_band_and_at_most_four() {
        let store = Store::new(1.0);
        let good = campaign::GOOD_FLEET.group;
        let device = campaign::device_id(campaign::GOOD_FLEET.roster, 7);
        assert_eq!(store.group_devices(good).unwrap().len(), campaign::GOOD_FLEET.devices);
        assert!(store.group_devices(good).unwrap().contains(&device), "in its fleet's group from the start");
        let waves: Vec<String> = (1..=4).map(|n| group_id(new_group(&store, "", &format!("wave-{n}")))).collect();
        assert_eq!(join(&store, "no-such-group", &device).0, "ResourceNotFoundException");
        assert_eq!(join(&store, &waves[0], "no-such-device").0, "ResourceNotFoundException");
        let (code, message) = join(&store, &waves[0], "demo-10k-dev-00001");
        assert_eq!(code, "ValidationException", "a US915 device in an EU868 group");
        assert!(message.contains("US915") && message.contains("EU868"), "{message}");
        let us = group_id(store.create_group(br#"{"LoRaWAN":{"RfRegion":"US915","DlClass":"ClassB"}}"#, "us-east-1", SystemTime::UNIX_EPOCH, "us-1".into()));
        assert_eq!(join(&store, &us, "demo-10k-dev-00001").0, "done");
        // The fleet's group and three waves: four multicast contexts, TS005's most.
        for wave in &waves[..3] {
            assert_eq!(join(&store, wave, &device).0, "done");
        }
        assert_eq!(join(&store, &waves[2], &device).0, "done", "already in it: left as it is");
        assert_eq!(store.group_devices(&waves[2]).unwrap(), std::slice::from_ref(&device));
        let (code, message) = join(&store, &waves[3], &device);
        assert_eq!(code, "ConflictException", "a fifth group");
        assert!(message.contains("4 multicast groups") && message.contains("TS005"), "{message}");
        match store.join_group(&waves[3], format!(r#"{{"WirelessDeviceId":"{device}"}}"#).as_bytes()) {
            Outcome::Refused { status: 409, extra, .. } => assert_eq!(extra, json!({"ResourceId": device, "ResourceType": "WirelessDevice"})),
            other => panic!("{other:?}"),
        }
        // Leaving one frees a context.
        assert_eq!(refusal(store.leave_group(&waves[0], &device)).0, "done");
        assert_eq!(refusal(store.leave_group(&waves[0], &device)).0, "ResourceNotFoundException", "no longer in it");
        assert_eq!(refusal(store.leave_group("no-such-group", &device)).0, "ResourceNotFoundException");
        assert_eq!(join(&store, &waves[3], &device).0, "done");
        let (code, _) = refusal(store.join_group(&waves[0], b"{}"));
        assert_eq!(code, "ValidationException");
    }

    #[test]
    fn a_group_in_a_session_cannot_be_deleted_and_a_done_task_keeps_its_devices() {
        let store = Store::new(12.0);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let wave = group_id(new_group(&store, "", "wave-1"));
        let members: Vec<String> = (0..5).map(|n| campaign::device_id(campaign::GOOD_FLEET.roster, n)).collect();
        for d in &members {
            assert_eq!(join(&store, &wave, d).0, "done");
        }
        let task = created(&store, t0, "");
        assert_eq!(code(store.associate(&task, format!(r#"{{"MulticastGroupId":"{wave}"}}"#).as_bytes(), true, t0)), "done", "a created group goes to a task");
        let start = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(35 * 60)));
        assert_eq!(code(store.start(&task, start.as_bytes(), t0)), "done");
        let (code_waiting, message) = refusal(store.delete_group(&wave, "us-east-1", t0));
        assert_eq!(code_waiting, "ConflictException", "FuotaSession_Waiting");
        assert!(message.contains(&task) && message.contains("FuotaSession_Waiting"), "{message}");
        assert_eq!(refusal(store.delete_group(&wave, "us-east-1", t0 + Duration::from_secs(190))).0, "ConflictException", "In_FuotaSession");
        // A device that leaves the group after the start is still reached: the session's devices were fixed then.
        assert_eq!(refusal(store.leave_group(&wave, &members[0])).0, "done");
        let done = t0 + Duration::from_secs(210);
        assert_eq!(store.task(&task, "us-east-1", done).unwrap()["Status"], "FuotaDone");
        assert_eq!(refusal(store.delete_group(&wave, "us-east-1", done)).0, "done", "the wave is done: its group goes");
        let devices = store.devices_of(&task, done).unwrap();
        assert_eq!(devices.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>(), members, "the done task keeps the devices its session reached");
        assert!(devices.iter().all(|(d, s)| *s == campaign::session_outcome(d)));
        assert!(store.group(&wave, "us-east-1").is_none() && store.group_devices(&wave).is_none());
        assert_eq!(refusal(store.delete_group(&wave, "us-east-1", done)).0, "ResourceNotFoundException", "deleted");
        assert_eq!(join(&store, &wave, &members[1]).0, "ResourceNotFoundException");
        assert!(!store.groups_listed("us-east-1").iter().any(|g| g["Id"] == wave.as_str()));
        // A Pending task loses a deleted group; the sample groups are held by sample tasks in session.
        let pending = store.create(format!("{{{IMAGE}}}").as_bytes(), "us-east-1", t0, "t-pending".into());
        assert!(matches!(pending, Outcome::Done { status: 201, .. }));
        let other = group_id(new_group(&store, "", "wave-2"));
        assert_eq!(code(store.associate("t-pending", format!(r#"{{"MulticastGroupId":"{other}"}}"#).as_bytes(), true, t0)), "done");
        assert_eq!(refusal(store.delete_group(&other, "us-east-1", t0)).0, "done");
        assert_eq!(store.groups_of("t-pending", t0).unwrap(), Vec::<String>::new());
        for sample in [campaign::CLASS_C_GROUP, campaign::CLASS_B_GROUP] {
            assert_eq!(refusal(store.delete_group(sample, "us-east-1", t0)).0, "ConflictException", "{sample}");
        }
        assert_eq!(refusal(store.delete_group(campaign::BAD_FLEET.group, "us-east-1", t0)).0, "done", "a fleet's group no task holds");
    }

    #[test]
    fn tags_are_kept_per_task_and_group_by_arn_within_the_services_rules() {
        let store = Store::new(1.0);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let task = created(&store, now, r#","Tags":[{"Key":"team","Value":"field"}]"#);
        let task_arn = arn("FuotaTask", &task);
        let listed = |arn: &str| match store.tags(arn, "us-east-1", now) {
            Outcome::Done { status: 200, body: Some(b) } => b["Tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t["Key"].as_str().unwrap().to_owned(), t["Value"].as_str().unwrap().to_owned()))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(listed(&task_arn), [pair("team", "field")], "the create's tags are stored");
        let tag = |arn: &str, body: &str| refusal(store.tag(arn, body.as_bytes(), "us-east-1", now));
        assert_eq!(tag(&task_arn, r#"{"Tags":[{"Key":"team","Value":"radio"},{"Key":"fuota-rollout:v","Value":"1"}]}"#).0, "done");
        assert_eq!(listed(&task_arn), [pair("team", "radio"), pair("fuota-rollout:v", "1")], "a key again takes its new value in place");
        assert_eq!(refusal(store.untag(&task_arn, &["team", "not-there"], "us-east-1", now)).0, "done");
        assert_eq!(listed(&task_arn), [pair("fuota-rollout:v", "1")]);
        assert_eq!(store.task(&task, "us-east-1", now).unwrap().get("Tags"), None, "GetFuotaTask has no tags");
        // 50 a resource: the 51st is TooManyTagsException, naming the resource.
        let forty_nine: Vec<Value> = (0..49).map(|n| json!({"Key": format!("k{n}"), "Value": ""})).collect();
        assert_eq!(tag(&task_arn, &json!({"Tags": forty_nine}).to_string()).0, "done");
        match store.tag(&task_arn, br#"{"Tags":[{"Key":"one-too-many","Value":""}]}"#, "us-east-1", now) {
            Outcome::Refused { status: 400, code: "TooManyTagsException", extra, .. } => assert_eq!(extra, json!({"ResourceName": task_arn})),
            other => panic!("{other:?}"),
        }
        assert_eq!(listed(&task_arn).len(), 50);
        // A sample task and a sample group take tags too; a rule broken is the service's refusal.
        let sample = arn("FuotaTask", "demo-in-session");
        assert_eq!(listed(&sample), []);
        assert_eq!(tag(&sample, r#"{"Tags":[{"Key":"k","Value":"v"}]}"#).0, "done");
        assert_eq!(listed(&sample), [pair("k", "v")]);
        assert_eq!(refusal(store.untag(&sample, &["k"], "us-east-1", now)).0, "done");
        assert_eq!(listed(&sample), []);
        let group = arn("MulticastGroup", campaign::GOOD_FLEET.group);
        assert_eq!(tag(&group, r#"{"Tags":[{"Key":"fleet","Value":"good"}]}"#).0, "done");
        assert_eq!(listed(&group), [pair("fleet", "good")]);
        for (arn, body, want) in [
            (task_arn.clone(), r#"{"Tags":[{"Key":"aws:x","Value":"v"}]}"#, "ValidationException"),
            (task_arn.clone(), r#"{"Tags":[{"Key":"k","Value":"{json}"}]}"#, "ValidationException"),
            (task_arn.clone(), r#"{}"#, "ValidationException"),
            ("not-an-arn".to_owned(), r#"{"Tags":[]}"#, "ValidationException"),
            (arn("WirelessDevice", "demo-in-session-dev-00000"), r#"{"Tags":[]}"#, "ValidationException"),
            (arn("FuotaTask", "no-such-task"), r#"{"Tags":[]}"#, "ResourceNotFoundException"),
            (arn("MulticastGroup", "no-such-group"), r#"{"Tags":[]}"#, "ResourceNotFoundException"),
            (account::arn("eu-west-1", "FuotaTask", &task), r#"{"Tags":[]}"#, "ResourceNotFoundException"),
            ("arn:aws:iotwireless:us-east-1:210987654321:FuotaTask/x".to_owned(), r#"{"Tags":[]}"#, "ResourceNotFoundException"),
        ] {
            assert_eq!(tag(&arn, body).0, want, "{arn} {body}");
        }
        assert_eq!(refusal(store.untag(&task_arn, &[], "us-east-1", now)).0, "ValidationException", "no tagKeys");
        assert_eq!(refusal(store.untag(&task_arn, &["aws:x"], "us-east-1", now)).0, "ValidationException");
        let not_found = store.tags(&arn("FuotaTask", "gone"), "us-east-1", now);
        assert!(matches!(not_found, Outcome::Refused { status: 404, ref extra, .. } if extra["ResourceType"] == "FuotaTask"), "{not_found:?}");
        // A deleted task's tags go with it.
        assert_eq!(code(store.delete(&task, now)), "done");
        assert_eq!(refusal(store.tags(&task_arn, "us-east-1", now + DELETE_WAITING)).0, "ResourceNotFoundException");
    }

    /// The demo fleets through a whole session: each device ends as its id says, the good fleet
    /// mostly well, the bad one a third with missing fragments.
    #[test]
    fn a_fleets_session_ends_each_device_by_its_id() {
        let store = Store::new(12.0);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let start = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(35 * 60)));
        let mut ends = Vec::new();
        for fleet in &campaign::FLEETS {
            let task = format!("t-{}", fleet.roster);
            assert!(matches!(store.create(format!("{{{IMAGE}}}").as_bytes(), "us-east-1", t0, task.clone()), Outcome::Done { status: 201, .. }));
            assert_eq!(code(store.associate(&task, format!(r#"{{"MulticastGroupId":"{}"}}"#, fleet.group).as_bytes(), true, t0)), "done");
            assert_eq!(code(store.start(&task, start.as_bytes(), t0)), "done");
            let during = store.devices_of(&task, t0 + Duration::from_secs(190)).unwrap();
            assert!(during.iter().any(|(_, s)| *s == "Initial") && during.iter().any(|(_, s)| *s != "Initial"), "reached one by one");
            let devices = store.devices_of(&task, t0 + Duration::from_secs(210)).unwrap();
            assert_eq!(devices.len(), fleet.devices);
            let share = |status: &str| devices.iter().filter(|(_, s)| *s == status).count() as f64 / devices.len() as f64;
            ends.push((share("Successful"), share("MissingFrag"), share("Package_Not_Supported")));
        }
        let (good, bad) = (ends[0], ends[1]);
        assert!((0.93..0.99).contains(&good.0) && (0.01..0.06).contains(&good.1) && (0.0025..0.03).contains(&good.2), "good fleet: {good:?}");
        assert!((0.2..0.45).contains(&bad.1) && (bad.0 + bad.1 - 1.0).abs() < 1e-9, "bad fleet: {bad:?}");
    }

    fn temp_state(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("fuota-local-{name}-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn a_saved_store_loads_with_the_same_tasks() {
        let path = temp_state("roundtrip");
        let store = Store::open(&path, 12.0).unwrap();
        assert!(!path.exists(), "nothing written before a write");
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_800_000_000_123_456_789);
        let body = format!(r#"{{"ClientRequestToken":"keep-1",{IMAGE},"Name":"kept","Tags":[{{"Key":"k","Value":"v"}}]}}"#);
        let Outcome::Done { body: Some(answer), .. } = store.create(body.as_bytes(), "us-east-1", t0, "t-kept".into()) else { panic!() };
        assert_eq!(code(store.associate("t-kept", br#"{"MulticastGroupId":"mcg-meters-us915"}"#, true, t0)), "done");
        let start = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(40 * 60)));
        assert_eq!(code(store.start("t-kept", start.as_bytes(), t0)), "done");
        let other = store.create(format!("{{{IMAGE}}}").as_bytes(), "us-east-1", t0, "t-deleted".into());
        assert!(matches!(other, Outcome::Done { status: 201, .. }));
        assert_eq!(code(store.delete("t-deleted", t0 + Duration::from_secs(1))), "done");
        assert!(!PathBuf::from(format!("{}.tmp", path.display())).exists(), "the temporary file is renamed");

        let loaded = Store::open(&path, 12.0).unwrap();
        for at in [0, 100, 190, 400] {
            let now = t0 + Duration::from_secs(at);
            assert_eq!(loaded.listed("us-east-1", now), store.listed("us-east-1", now), "at {at}");
            for id in ["t-kept", "t-deleted"] {
                assert_eq!(loaded.task(id, "us-east-1", now), store.task(id, "us-east-1", now), "{id} at {at}");
                assert_eq!(loaded.devices_of(id, now), store.devices_of(id, now), "{id} at {at}");
                assert_eq!(loaded.groups_of(id, now), store.groups_of(id, now), "{id} at {at}");
            }
        }
        // The token survives: the same create answers the same task, another is a conflict.
        let Outcome::Done { body: Some(again), .. } = loaded.create(body.as_bytes(), "us-east-1", t0, "t-new".into()) else { panic!() };
        assert_eq!(again, answer);
        assert_eq!(loaded.tags(&arn("FuotaTask", "t-kept"), "us-east-1", t0), store.tags(&arn("FuotaTask", "t-kept"), "us-east-1", t0));
        let _ = std::fs::remove_file(&path);
    }

    /// Groups (created, changed samples, deleted ones), every resource's tags and the devices a
    /// started task reaches survive a restart; the samples left as they are stay out of the file.
    #[test]
    fn groups_and_tags_are_saved_and_loaded() {
        let path = temp_state("groups");
        let store = Store::open(&path, 12.0).unwrap();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let wave = group_id(store.create_group(
            format!(r#"{{"ClientRequestToken":"wave-kept",{EU868_C},"Name":"kept","Tags":[{{"Key":"fuota-rollout:wave","Value":"1"}}]}}"#).as_bytes(),
            "us-east-1",
            t0,
            "g-kept".into(),
        ));
        let device = campaign::device_id(campaign::GOOD_FLEET.roster, 3);
        assert_eq!(join(&store, &wave, &device).0, "done");
        assert_eq!(refusal(store.leave_group(campaign::GOOD_FLEET.group, &device)).0, "done");
        assert_eq!(refusal(store.delete_group(campaign::BAD_FLEET.group, "us-east-1", t0)).0, "done");
        assert_eq!(refusal(store.tag(&arn("FuotaTask", "demo-done"), br#"{"Tags":[{"Key":"k","Value":"v"}]}"#, "us-east-1", t0)).0, "done");
        let task = created(&store, t0, "");
        assert_eq!(code(store.associate(&task, br#"{"MulticastGroupId":"g-kept"}"#, true, t0)), "done");
        let start = format!(r#"{{"LoRaWAN":{{"StartTime":"{}"}}}}"#, iso8601(t0 + Duration::from_secs(40 * 60)));
        assert_eq!(code(store.start(&task, start.as_bytes(), t0)), "done");
        assert_eq!(refusal(store.leave_group(&wave, &device)).0, "done", "after the start: the session still reaches it");
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(!saved.contains(campaign::CLASS_C_GROUP), "an unchanged sample group is not saved");

        let loaded = Store::open(&path, 12.0).unwrap();
        for id in [wave.as_str(), campaign::GOOD_FLEET.group, campaign::BAD_FLEET.group, campaign::CLASS_C_GROUP] {
            assert_eq!(loaded.group(id, "us-east-1"), store.group(id, "us-east-1"), "{id}");
            assert_eq!(loaded.group_devices(id), store.group_devices(id), "{id}");
        }
        assert!(loaded.group(campaign::BAD_FLEET.group, "us-east-1").is_none(), "deleted stays deleted");
        assert_eq!(loaded.group_devices(campaign::GOOD_FLEET.group).unwrap().len(), campaign::GOOD_FLEET.devices - 1);
        for tagged in [arn("MulticastGroup", &wave), arn("FuotaTask", "demo-done")] {
            assert_eq!(loaded.tags(&tagged, "us-east-1", t0), store.tags(&tagged, "us-east-1", t0), "{tagged}");
        }
        let done = t0 + Duration::from_secs(400);
        assert_eq!(loaded.devices_of(&task, done), store.devices_of(&task, done));
        assert_eq!(loaded.devices_of(&task, done).unwrap().len(), 1);
        assert_eq!(loaded.groups_listed("us-east-1"), store.groups_listed("us-east-1"));
        let again = format!(r#"{{"ClientRequestToken":"wave-kept",{EU868_C},"Name":"kept","Tags":[{{"Key":"fuota-rollout:wave","Value":"1"}}]}}"#);
        assert_eq!(group_id(loaded.create_group(again.as_bytes(), "us-east-1", t0, "g-new".into())), wave, "the group's token survives");
        let _ = std::fs::remove_file(&path);
    }

    /// A state file of the previous format (version 1: tasks only, their tags in their create's
    /// members) still loads.
    #[test]
    fn a_version_1_state_file_loads_with_its_tasks_tags() {
        let path = temp_state("v1");
        let v1 = json!({"version": 1, "tasks": [{
            "id": "t-old", "members": {"FirmwareUpdateImage": "s3://b/k", "FirmwareUpdateRole": "r", "Tags": [{"Key": "k", "Value": "v"}]},
            "token": null, "created_at": "2027-01-15T08:00:00Z", "schedule": null, "deleted_at": null, "devices": [], "groups": ["mcg-sensors-eu868"],
        }]});
        std::fs::write(&path, v1.to_string()).unwrap();
        let store = Store::open(&path, 1.0).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(store.task("t-old", "us-east-1", now).unwrap()["Status"], "Pending");
        assert_eq!(
            store.tags(&arn("FuotaTask", "t-old"), "us-east-1", now),
            Outcome::Done { status: 200, body: Some(json!({"Tags": [{"Key": "k", "Value": "v"}]})) }
        );
        assert_eq!(store.devices_of("t-old", now).unwrap().len(), campaign::group_members(campaign::CLASS_C_GROUP).len());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_state_file_that_does_not_parse_is_refused_by_name() {
        let path = temp_state("broken");
        for broken in ["{not json", r#"{"version":3,"tasks":[]}"#, r#"{"version":2,"tasks":[]}"#, r#"{"version":1,"tasks":[{"id":"x"}]}"#] {
            std::fs::write(&path, broken).unwrap();
            let e = Store::open(&path, 1.0).err().expect(broken);
            assert!(e.contains(&path.display().to_string()), "{e}");
        }
        let _ = std::fs::remove_file(&path);
        assert!(Store::open(&path, 1.0).unwrap().listed("us-east-1", SystemTime::now()).is_empty(), "missing: empty");
    }
}
