//! The FUOTA task as GetFuotaTask returns it, parsed the way the rest-json protocol defines.

use crate::campaign::descriptor::Descriptor;
use crate::wire::error::ConsoleError;
use crate::wire::members::{self, within, Members};
use crate::wire::response::JsonAnswer;
use crate::wire::time::Timestamp;

/// The task's status. A status the console does not know yet is kept and shown as-is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    Pending,
    FuotaSessionWaiting,
    InFuotaSession,
    FuotaDone,
    DeleteWaiting,
    Unknown(String),
}

impl TaskStatus {
    /// The model's five values, in its order.
    pub const KNOWN: [TaskStatus; 5] =
        [TaskStatus::Pending, TaskStatus::FuotaSessionWaiting, TaskStatus::InFuotaSession, TaskStatus::FuotaDone, TaskStatus::DeleteWaiting];

    pub fn parse(s: &str) -> Self {
        match s {
            "Pending" => TaskStatus::Pending,
            "FuotaSession_Waiting" => TaskStatus::FuotaSessionWaiting,
            "In_FuotaSession" => TaskStatus::InFuotaSession,
            "FuotaDone" => TaskStatus::FuotaDone,
            "Delete_Waiting" => TaskStatus::DeleteWaiting,
            other => TaskStatus::Unknown(other.to_owned()),
        }
    }

    /// The value as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Pending => "Pending",
            TaskStatus::FuotaSessionWaiting => "FuotaSession_Waiting",
            TaskStatus::InFuotaSession => "In_FuotaSession",
            TaskStatus::FuotaDone => "FuotaDone",
            TaskStatus::DeleteWaiting => "Delete_Waiting",
            TaskStatus::Unknown(s) => s,
        }
    }

    /// The value in people's words.
    pub fn label(&self) -> &str {
        match self {
            TaskStatus::Pending => "Pending",
            TaskStatus::FuotaSessionWaiting => "Waiting for session",
            TaskStatus::InFuotaSession => "In session",
            TaskStatus::FuotaDone => "Done",
            TaskStatus::DeleteWaiting => "Waiting for deletion",
            TaskStatus::Unknown(s) => s,
        }
    }

    /// A CSS-friendly tone for the badge.
    pub fn tone(&self) -> &'static str {
        match self {
            TaskStatus::Pending | TaskStatus::FuotaSessionWaiting => "waiting",
            TaskStatus::InFuotaSession => "active",
            TaskStatus::FuotaDone => "done",
            TaskStatus::DeleteWaiting => "ending",
            TaskStatus::Unknown(_) => "unknown",
        }
    }
}

/// A body timestamp of rest-json: epoch seconds, possibly fractional, between the years 1 and 9999.
pub fn epoch_seconds(m: &Members<'_>, name: &str) -> Result<Option<Timestamp>, String> {
    match m.number(name)? {
        // The value is not repeated (it is in the answer as received): writing a float would bring
        // float formatting into the first wasm part for this sentence alone.
        Some(secs) => Timestamp::from_epoch_seconds(secs).map(Some).ok_or_else(|| format!("{name} is not a time between the years 1 and 9999")),
        None => Ok(None),
    }
}

/// The task as returned: every member optional, unknown members ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct FuotaTask {
    pub arn: Option<String>,
    pub id: Option<String>,
    pub status: Option<TaskStatus>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub rf_region: Option<String>,
    pub start_time: Option<Timestamp>,
    pub firmware_update_image: Option<String>,
    pub firmware_update_role: Option<String>,
    pub created_at: Option<Timestamp>,
    pub redundancy_percent: Option<i64>,
    pub fragment_size_bytes: Option<i64>,
    pub fragment_interval_ms: Option<i64>,
    pub descriptor: Option<Descriptor>,
}

impl FuotaTask {
    /// Parses a GetFuotaTask body (the tests' shorthand; the page reads through the response reader).
    #[cfg(test)]
    fn from_json(body: &str) -> Result<Self, String> {
        Self::from_value(serde_json::from_str(body).map_err(|e| e.to_string())?)
    }

    /// Parses a body already read as JSON, member by member as the model types them.
    pub fn from_value(value: serde_json::Value) -> Result<Self, String> {
        let m = members::object(&value)?;
        let lorawan = m.nested("LoRaWAN", "LoRaWAN.")?;
        let start_time = match within(lorawan, |l| l.string("StartTime"))? {
            Some(s) => Some(Timestamp::parse_iso8601(&s).ok_or_else(|| format!("LoRaWAN.StartTime is not an ISO-8601 time: {s:.64}"))?),
            None => None,
        };
        Ok(FuotaTask {
            arn: m.string("Arn")?,
            id: m.string("Id")?,
            status: m.string("Status")?.as_deref().map(TaskStatus::parse),
            name: m.string("Name")?,
            description: m.string("Description")?,
            rf_region: within(lorawan, |l| l.string("RfRegion"))?,
            start_time,
            firmware_update_image: m.string("FirmwareUpdateImage")?,
            firmware_update_role: m.string("FirmwareUpdateRole")?,
            created_at: epoch_seconds(&m, "CreatedAt")?,
            redundancy_percent: m.integer("RedundancyPercent")?,
            fragment_size_bytes: m.integer("FragmentSizeBytes")?,
            fragment_interval_ms: m.integer("FragmentIntervalMS")?,
            descriptor: m.string("Descriptor")?.as_deref().map(Descriptor::from_base64),
        })
    }

    /// What a screen reader hears when the task arrives, instead of the whole card: its name
    /// (or id) and status, e.g. "Loaded task sensor-fw-2.4.1, in session". Names are cut at 80
    /// characters: the card has the rest.
    pub fn loaded_status(&self) -> String {
        let name = self.name.as_deref().filter(|n| !n.trim().is_empty()).or(self.id.as_deref()).unwrap_or("without a name");
        let status = self.status.as_ref().map(|s| format!(", {:.40}", s.label().to_lowercase())).unwrap_or_default();
        format!("Loaded task {name:.80}{status}")
    }

    /// Every member, in the API's order, for a view to render.
    pub fn fields(&self) -> Vec<TaskField> {
        use FieldValue as V;
        let text = |s: &Option<String>| s.clone().map(V::Text);
        let int = |i: Option<i64>| i.map(V::Integer);
        let time = |t: Option<Timestamp>| t.map(V::Time);
        [
            ("Arn", "ARN", text(&self.arn)),
            ("Id", "Id", text(&self.id)),
            ("Status", "Status", self.status.clone().map(V::Status)),
            ("Name", "Name", text(&self.name)),
            ("Description", "Description", text(&self.description)),
            ("LoRaWAN.RfRegion", "RF region", text(&self.rf_region)),
            ("LoRaWAN.StartTime", "Start time", time(self.start_time)),
            ("FirmwareUpdateImage", "Firmware image", text(&self.firmware_update_image)),
            ("FirmwareUpdateRole", "Firmware update role", text(&self.firmware_update_role)),
            ("CreatedAt", "Created", time(self.created_at)),
            ("RedundancyPercent", "Redundancy (%)", int(self.redundancy_percent)),
            ("FragmentSizeBytes", "Fragment size (bytes)", int(self.fragment_size_bytes)),
            ("FragmentIntervalMS", "Fragment interval (ms)", int(self.fragment_interval_ms)),
            ("Descriptor", "Descriptor", self.descriptor.clone().map(V::Descriptor)),
        ]
        .into_iter()
        .map(|(name, label, value)| TaskField { name, label, value })
        .collect()
    }
}

/// One member of the task, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskField {
    /// The member's path, as in `data-field`.
    pub name: &'static str,
    pub label: &'static str,
    pub value: Option<FieldValue>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Text(String),
    Integer(i64),
    Time(Timestamp),
    Status(TaskStatus),
    Descriptor(Descriptor),
}

impl FieldValue {
    /// The machine value of `data-value`: strings as returned, integers in decimal, times in RFC 3339 UTC.
    pub fn data_value(&self) -> String {
        match self {
            FieldValue::Text(s) => s.clone(),
            FieldValue::Integer(i) => i.to_string(),
            FieldValue::Time(t) => t.rfc3339(),
            FieldValue::Status(s) => s.as_str().to_owned(),
            FieldValue::Descriptor(d) => d.raw().to_owned(),
        }
    }
}

/// A task read from a GetFuotaTask answer, with the JSON for the raw view and the event.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskAnswer {
    pub task: FuotaTask,
    pub raw_json: String,
    pub request_id: Option<String>,
}

impl TaskAnswer {
    /// GetFuotaTask's reading: the task, and its raw JSON; the error names the member that was wrong.
    pub fn read(answer: JsonAnswer) -> Result<Self, ConsoleError> {
        let read = answer.parse_keeping_raw(FuotaTask::from_value)?;
        Ok(Self { task: read.value, raw_json: read.raw_json, request_id: read.request_id })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_short_status_names_the_task() {
        let t = FuotaTask::from_json(r#"{"Id":"t1","Name":"sensor-fw-2.4.1","Status":"In_FuotaSession"}"#).unwrap();
        assert_eq!(t.loaded_status(), "Loaded task sensor-fw-2.4.1, in session");
        let t = FuotaTask::from_json(r#"{"Id":"t1","Name":" "}"#).unwrap();
        assert_eq!(t.loaded_status(), "Loaded task t1");
        let long = FuotaTask::from_json(&format!(r#"{{"Name":"{}"}}"#, "n".repeat(300))).unwrap();
        assert_eq!(long.loaded_status().len(), "Loaded task ".len() + 80);
    }

    use super::*;

    #[test]
    fn one_parser_for_every_timestamp_with_z_an_offset_or_a_space() {
        let z = Timestamp::parse_iso8601("2026-11-26T12:00:00Z").unwrap();
        // What the old copies disagreed on: the paste read this, the widget's expiration did not.
        for same in ["2026-11-26 12:00:00+00:00", "2026-11-26T13:00:00+01:00", " 2026-11-26 12:00:00Z "] {
            assert_eq!(Timestamp::parse_iso8601(same), Some(z), "{same}");
        }
        assert_eq!(Timestamp::parse_iso8601("2026-11-26 12:00:00.250Z").map(Timestamp::epoch_millis), Some(z.epoch_millis() + 250));
        for bad in ["2026-11-26", "2026-11-26  12:00:00Z", "yesterday", "2026-11-26é12:00:00Z", ""] {
            assert_eq!(Timestamp::parse_iso8601(bad), None, "{bad}");
        }
    }

    const FULL: &str = r#"{
        "Arn": "arn:aws:iotwireless:us-east-1:123456789012:FuotaTask/abc",
        "Id": "abc", "Status": "In_FuotaSession", "Name": "fw-2.1", "Description": "rollout",
        "LoRaWAN": {"RfRegion": "EU868", "StartTime": "2026-11-26T10:00:00Z"},
        "FirmwareUpdateImage": "s3://bucket/fw.bin", "FirmwareUpdateRole": "arn:aws:iam::123456789012:role/fuota",
        "CreatedAt": 1.700000000123E9, "RedundancyPercent": 25, "FragmentSizeBytes": 50,
        "FragmentIntervalMS": 1500, "Descriptor": "djEuMi4z", "SomethingNew": {"x": [1, 2]}
    }"#;

    #[test]
    fn every_member_is_parsed() {
        let t = FuotaTask::from_json(FULL).unwrap();
        assert_eq!(t.id.as_deref(), Some("abc"));
        assert_eq!(t.status, Some(TaskStatus::InFuotaSession));
        assert_eq!(t.rf_region.as_deref(), Some("EU868"));
        assert_eq!(t.start_time.unwrap().rfc3339(), "2026-11-26T10:00:00Z");
        assert_eq!(t.created_at.unwrap().rfc3339(), "2023-11-14T22:13:20.123Z");
        assert_eq!(t.redundancy_percent, Some(25));
        assert_eq!(t.fragment_size_bytes, Some(50));
        assert_eq!(t.fragment_interval_ms, Some(1500));
        assert_eq!(t.firmware_update_role.as_deref(), Some("arn:aws:iam::123456789012:role/fuota"));
        assert!(matches!(t.descriptor, Some(Descriptor::Decoded { ref text, .. }) if text.as_deref() == Some("v1.2.3")));
        let fields = t.fields();
        assert_eq!(fields.len(), 14);
        assert!(fields.iter().all(|f| f.value.is_some()));
    }

    #[test]
    fn both_timestamp_formats() {
        let t = FuotaTask::from_json(r#"{"CreatedAt": 1700000000, "LoRaWAN": {"StartTime": "2023-11-14T22:13:20.5Z"}}"#).unwrap();
        assert_eq!(t.created_at.unwrap().rfc3339(), "2023-11-14T22:13:20Z");
        assert_eq!(t.start_time.unwrap().epoch_millis(), 1_700_000_000_500);
        assert!(FuotaTask::from_json(r#"{"LoRaWAN": {"StartTime": "yesterday"}}"#).is_err());
        let far = FuotaTask::from_json(r#"{"CreatedAt": 1e300}"#).unwrap_err();
        assert!(far.contains("CreatedAt is not a time between the years 1 and 9999"), "{far}");
        assert!(FuotaTask::from_json(r#"{"CreatedAt": "1700000000"}"#).is_err());
    }

    #[test]
    fn unknown_status_is_kept_and_empty_object_is_a_task() {
        let t = FuotaTask::from_json(r#"{"Status": "Paused_Somehow"}"#).unwrap();
        assert_eq!(t.status, Some(TaskStatus::Unknown("Paused_Somehow".into())));
        assert_eq!(t.status.unwrap().as_str(), "Paused_Somehow");
        assert_eq!(FuotaTask::from_json("{}").unwrap().id, None);
    }

    #[test]
    fn wrong_types_name_the_member() {
        let e = FuotaTask::from_json(r#"{"RedundancyPercent": "50"}"#).unwrap_err();
        assert_eq!(e, "RedundancyPercent is not an integer: \"50\"");
        assert!(FuotaTask::from_json("[]").is_err());
        assert!(FuotaTask::from_json("").is_err());
    }

    #[test]
    fn fractional_seconds_never_round_into_a_bad_time() {
        let t = Timestamp::from_epoch_seconds(1.9999999999).unwrap();
        assert_eq!(t.rfc3339(), "1970-01-01T00:00:02Z");
        let before_epoch = Timestamp::from_epoch_seconds(-0.5).unwrap();
        assert_eq!(before_epoch.rfc3339(), "1969-12-31T23:59:59.500Z");
    }
}
