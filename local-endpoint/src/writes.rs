//! The writes of the FUOTA task lifecycle, with the service's status rules (AWS IoT Wireless
//! developer guide, "FUOTA task status"; botocore's model for members and codes):
//! - a created task is Pending; only a Pending task is updated, or gets devices or groups added or
//!   removed (else ConflictException);
//! - a task takes devices or multicast groups, not both (ConflictException);
//! - StartFuotaTask wants a start time at least 30 minutes ahead (ValidationException); the task
//!   then waits (FuotaSession_Waiting), runs (In_FuotaSession, its devices succeeding one by one)
//!   and ends (FuotaDone). The waits run `speed` times faster than the real clock, so that a task
//!   scheduled 35 minutes ahead finishes in a few minutes of a demo;
//! - DeleteFuotaTask: Delete_Waiting, then gone;
//! - CreateFuotaTask's `ClientRequestToken`: the same token with the same members answers the same
//!   task; with other members, ConflictException.
//!
//! State is in memory, for the endpoint's life; with `--state FILE` it is also saved to FILE
//! after every write that changed it, and loaded from there at start (see `Store::open`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde_json::{json, Map, Value};

use crate::account::ACCOUNT;
use crate::campaign;

/// How long a scheduled task's session runs (on the scheduling clock).
pub const SESSION: Duration = Duration::from_secs(5 * 60);
/// The service's lead time for StartFuotaTask.
pub const MIN_LEAD: Duration = Duration::from_secs(30 * 60);
/// How long a deleted task stays listed as Delete_Waiting (real time).
pub const DELETE_WAITING: Duration = Duration::from_secs(60);

/// A write's outcome: the status, the AWS error code (when refused), and the body.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Done { status: u16, body: Option<Value> },
    Refused { status: u16, code: &'static str, message: String, extra: Value },
}

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

fn conflict(id: &str, message: impl Into<String>) -> Outcome {
    Outcome::Refused { status: 409, code: "ConflictException", message: message.into(), extra: json!({"ResourceId": id, "ResourceType": "FuotaTask"}) }
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
}

/// The tasks created through this endpoint.
pub struct Store {
    tasks: Mutex<Vec<Created>>,
    /// How much faster than the real clock a scheduled task's waits run.
    speed: f64,
    /// Where the tasks are saved (`--state`), if anywhere.
    file: Option<StateFile>,
}

/// The state file and what was last written there: a write that changed nothing (an item
/// associated again, a delete repeated) leaves the file alone.
struct StateFile {
    path: PathBuf,
    saved: Mutex<String>,
}

/// The state file's format, checked when it is read: a file written by another format is refused
/// rather than half read.
const STATE_VERSION: u64 = 1;

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

/// The model's constraints on a create's or an update's members.
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
    if let Some(tags) = m.get("Tags") {
        let fine = tags.as_array().is_some_and(|tags| {
            tags.len() <= 200
                && tags.iter().all(|t| {
                    t["Key"].as_str().is_some_and(|k| (1..=128).contains(&k.chars().count())) && t["Value"].as_str().is_some_and(|v| v.chars().count() <= 256)
                })
        });
        if !fine {
            return Err(invalid("Tags: at most 200, each a Key of 1 to 128 characters and a Value of at most 256"));
        }
    }
    Ok(())
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
fn iso8601(t: SystemTime) -> String {
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
        format!("arn:aws:iotwireless:{region}:{ACCOUNT}:FuotaTask/{}", self.id)
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

impl Store {
    pub fn new(speed: f64) -> Self {
        Self { tasks: Mutex::new(Vec::new()), speed, file: None }
    }

    /// A store saved to `path` after every write that changed it, starting with the tasks saved
    /// there (none when the file does not exist yet). A file that cannot be read or is not a state
    /// file is an error naming it: starting empty would lose the tasks at the next save.
    pub fn open(path: &Path, speed: f64) -> Result<Self, String> {
        let tasks = match std::fs::read(path) {
            Ok(bytes) => from_state(&bytes).map_err(|e| format!("{}: not a state file of fuota-local: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(format!("cannot read the state file {}: {e}", path.display())),
        };
        let saved = if tasks.is_empty() { String::new() } else { to_state(&tasks) };
        Ok(Self { tasks: Mutex::new(tasks), speed, file: Some(StateFile { path: path.to_owned(), saved: Mutex::new(saved) }) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vec<Created>) -> T) -> T {
        let mut tasks = self.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut tasks)
    }

    /// `with` for a write: the tasks are saved afterwards if they changed, still under the lock,
    /// so that two writes cannot save out of order or share the temporary file.
    fn change<T>(&self, f: impl FnOnce(&mut Vec<Created>) -> T) -> T {
        self.with(|tasks| {
            let out = f(tasks);
            self.save(tasks);
            out
        })
    }

    /// Writes the tasks to the state file if they differ from what it holds: to `FILE.tmp`, then
    /// renamed over FILE, so that a crash mid-write leaves the old file whole. A failed save is
    /// reported and the write stands: the client's change was made, only its survival is lost.
    fn save(&self, tasks: &[Created]) {
        let Some(file) = &self.file else { return };
        let state = to_state(tasks);
        let mut saved = file.saved.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *saved == state {
            return;
        }
        match write_atomically(&file.path, state.as_bytes()) {
            Ok(()) => *saved = state,
            Err(e) => eprintln!("cannot save the created tasks to {}: {e}", file.path.display()),
        }
    }

    /// The task `id` as GetFuotaTask answers it, if this endpoint created it (and it is not gone).
    pub fn task(&self, id: &str, region: &str, now: SystemTime) -> Option<Value> {
        self.with(|tasks| tasks.iter().find(|t| t.id == id && !gone(t, now)).map(|t| t.as_task(region, now, self.speed)))
    }

    /// Every task this endpoint created and still lists: `{Id, Arn, Name}`.
    pub fn listed(&self, region: &str, now: SystemTime) -> Vec<Value> {
        self.with(|tasks| {
            tasks
                .iter()
                .filter(|t| !gone(t, now))
                .map(|t| json!({"Id": t.id, "Arn": t.arn(region), "Name": t.members.get("Name").cloned().unwrap_or(Value::Null)}))
                .collect()
        })
    }

    /// The multicast groups of a created task, if it is one.
    pub fn groups_of(&self, id: &str, now: SystemTime) -> Option<Vec<String>> {
        self.with(|tasks| tasks.iter().find(|t| t.id == id && !gone(t, now)).map(|t| t.groups.clone()))
    }

    /// The devices of a created task with their FUOTA status at `now`: Initial until the session,
    /// then each succeeds in turn as the session goes by. A task given multicast groups has their
    /// members as its devices: the session reaches them through the groups.
    pub fn devices_of(&self, id: &str, now: SystemTime) -> Option<Vec<(String, &'static str)>> {
        self.with(|tasks| {
            let t = tasks.iter().find(|t| t.id == id && !gone(t, now))?;
            let mut devices = t.devices.clone();
            for (task, n) in t.groups.iter().flat_map(|g| campaign::group_members(g)) {
                let device = campaign::device_id(task, n);
                if !devices.contains(&device) {
                    devices.push(device);
                }
            }
            let progress = t.progress(now, self.speed);
            let n = devices.len().max(1) as f64;
            Some(devices.into_iter().enumerate().map(|(i, d)| (d, if progress >= (i as f64 + 1.0) / n { "Successful" } else { "Initial" })).collect())
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
        let token = match members.remove("ClientRequestToken") {
            None => None,
            Some(Value::String(t)) if (1..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => Some(t),
            Some(_) => return invalid("ClientRequestToken: 1 to 64 letters, digits, - and _"),
        };
        self.change(|tasks| {
            if let Some(token) = &token {
                if let Some(earlier) = tasks.iter().find(|t| t.token.as_ref() == Some(token)) {
                    return if earlier.members == members {
                        Outcome::Done { status: 201, body: Some(json!({"Arn": earlier.arn(region), "Id": earlier.id})) }
                    } else {
                        conflict(&earlier.id, "The ClientRequestToken was already used with other parameters.")
                    };
                }
            }
            let task = Created { id: new_id, members, token, created_at: now, schedule: None, deleted_at: None, devices: Vec::new(), groups: Vec::new() };
            let answer = json!({"Arn": task.arn(region), "Id": task.id});
            tasks.push(task);
            Outcome::Done { status: 201, body: Some(answer) }
        })
    }

    /// Runs `change` on created task `id` if it is Pending; the service's refusals otherwise.
    fn while_pending(&self, id: &str, now: SystemTime, what: &str, change: impl FnOnce(&mut Created) -> Outcome) -> Option<Outcome> {
        self.change(|tasks| {
            let t = tasks.iter_mut().find(|t| t.id == id && !gone(t, now))?;
            let status = t.status(now, self.speed);
            Some(if status == "Pending" { change(t) } else { conflict(id, format!("The FUOTA task is {status}: only a Pending task can {what}.")) })
        })
    }

    /// UpdateFuotaTask: `204`, only while Pending. None: no such task here.
    pub fn update(&self, id: &str, body: &[u8], now: SystemTime) -> Option<Outcome> {
        let members = match body_object(body).and_then(|m| check_members(&m).map(|()| m)) {
            Ok(m) => m,
            Err(e) => return Some(e),
        };
        self.while_pending(id, now, "be updated", |t| {
            for (name, value) in members {
                if matches!(name.as_str(), "ClientRequestToken" | "Tags") {
                    continue;
                }
                t.members.insert(name, value);
            }
            Outcome::Done { status: 204, body: None }
        })
    }

    /// StartFuotaTask: `204`; the start time must be at least 30 minutes ahead.
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
        self.while_pending(id, now, "be started", |t| {
            t.schedule = Some(Schedule { start_time, asked_at: now });
            Outcome::Done { status: 204, body: None }
        })
    }

    /// DeleteFuotaTask: `204`, in any status; the task shows Delete_Waiting, then is gone.
    pub fn delete(&self, id: &str, now: SystemTime) -> Option<Outcome> {
        self.change(|tasks| {
            let t = tasks.iter_mut().find(|t| t.id == id && !gone(t, now))?;
            t.deleted_at.get_or_insert(now);
            Some(Outcome::Done { status: 204, body: None })
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
        if group && campaign::multicast_group(&item, "-").is_none() {
            return Some(not_found(&item, "MulticastGroup"));
        }
        // A device the account does not have, as the service answers it (checked by its id's
        // form: the account has 10,000 devices and more).
        if !group && !campaign::is_known_device(&item) {
            return Some(not_found(&item, "WirelessDevice"));
        }
        self.while_pending(id, now, "take devices or groups", |t| {
            let (mine, other) = if group { (&mut t.groups, &t.devices) } else { (&mut t.devices, &t.groups) };
            if !other.is_empty() {
                return conflict(id, "A FUOTA task takes wireless devices or multicast groups, not both.");
            }
            if !mine.contains(&item) {
                mine.push(item);
            }
            Outcome::Done { status: 204, body: None }
        })
    }

    /// DisassociateMulticastGroupFromFuotaTask or DisassociateWirelessDeviceFromFuotaTask: `204`,
    /// only while Pending; an item that is not there is not found.
    pub fn disassociate(&self, id: &str, item: &str, group: bool, now: SystemTime) -> Option<Outcome> {
        self.while_pending(id, now, "lose devices or groups", |t| {
            let mine = if group { &mut t.groups } else { &mut t.devices };
            match mine.iter().position(|i| i == item) {
                Some(at) => {
                    mine.remove(at);
                    Outcome::Done { status: 204, body: None }
                }
                None => not_found(item, if group { "MulticastGroup" } else { "WirelessDevice" }),
            }
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

/// The tasks as the state file holds them: JSON, times in RFC 3339 with nanoseconds.
fn to_state(tasks: &[Created]) -> String {
    let time = |t: &Option<SystemTime>| t.map_or(Value::Null, |t| json!(rfc3339_exact(t)));
    let tasks: Vec<Value> = tasks
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
            })
        })
        .collect();
    let state = json!({"version": STATE_VERSION, "tasks": tasks});
    serde_json::to_string_pretty(&state).unwrap_or_else(|_| state.to_string())
}

/// The tasks of a state file, or what is wrong with it.
fn from_state(bytes: &[u8]) -> Result<Vec<Created>, String> {
    let state: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON ({e})"))?;
    match state.get("version").and_then(Value::as_u64) {
        Some(STATE_VERSION) => {}
        Some(v) => return Err(format!("version {v}, this endpoint reads version {STATE_VERSION}")),
        None => return Err("no version".into()),
    }
    let tasks = state.get("tasks").and_then(Value::as_array).ok_or("no tasks array")?;
    tasks.iter().enumerate().map(|(i, t)| task_of_state(t).map_err(|e| format!("task {i}: {e}"))).collect()
}

fn task_of_state(t: &Value) -> Result<Created, String> {
    let time = |name: &str, v: Option<&Value>| -> Result<SystemTime, String> {
        v.and_then(Value::as_str).and_then(parse_iso8601).ok_or_else(|| format!("{name} is not an RFC 3339 time"))
    };
    let optional_time = |name: &str| match t.get(name) {
        None | Some(Value::Null) => Ok(None),
        v => time(name, v).map(Some),
    };
    let strings = |name: &str| -> Result<Vec<String>, String> {
        let list = t.get(name).and_then(Value::as_array).ok_or_else(|| format!("{name} is not a list"))?;
        list.iter().map(|v| v.as_str().map(str::to_owned).ok_or_else(|| format!("{name} holds a non-string"))).collect()
    };
    let schedule = match t.get("schedule") {
        None | Some(Value::Null) => None,
        Some(s) => Some(Schedule { start_time: time("schedule.start_time", s.get("start_time"))?, asked_at: time("schedule.asked_at", s.get("asked_at"))? }),
    };
    Ok(Created {
        id: t.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()).ok_or("no id")?.to_owned(),
        members: t.get("members").and_then(Value::as_object).cloned().ok_or("members is not an object")?,
        token: match t.get("token") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_str().ok_or("token is not a string")?.to_owned()),
        },
        created_at: time("created_at", t.get("created_at"))?,
        schedule,
        deleted_at: optional_time("deleted_at")?,
        devices: strings("devices")?,
        groups: strings("groups")?,
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
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_state_file_that_does_not_parse_is_refused_by_name() {
        let path = temp_state("broken");
        for broken in ["{not json", r#"{"version":2,"tasks":[]}"#, r#"{"version":1,"tasks":[{"id":"x"}]}"#] {
            std::fs::write(&path, broken).unwrap();
            let e = Store::open(&path, 1.0).err().expect(broken);
            assert!(e.contains(&path.display().to_string()), "{e}");
        }
        let _ = std::fs::remove_file(&path);
        assert!(Store::open(&path, 1.0).unwrap().listed("us-east-1", SystemTime::now()).is_empty(), "missing: empty");
    }
}
