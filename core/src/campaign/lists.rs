//! What the campaign operations return: the task list, the multicast groups of a task and their
//! sessions, a created multicast group and a resource's tags, as botocore's service model
//! (`iotwireless/2020-11-22`) shapes them. Every member is optional and unknown members are
//! ignored, as for the task itself.

use serde_json::Value;

use crate::campaign::task::{epoch_seconds, TaskStatus};
use crate::wire::members::{object, within};
use crate::wire::pages::Page;
use crate::wire::time::Timestamp;

/// A row of ListFuotaTasks (`FuotaTask`: Id, Arn, Name). The list carries no status: one
/// GetFuotaTask per task gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuotaTaskSummary {
    pub id: Option<String>,
    pub arn: Option<String>,
    pub name: Option<String>,
}

/// A page of ListFuotaTasks.
pub fn task_list_page(value: Value) -> Result<Page<FuotaTaskSummary>, String> {
    Page::from_value(value, "FuotaTaskList", |v| {
        let m = object(&v)?;
        Ok(FuotaTaskSummary { id: m.string("Id")?, arn: m.string("Arn")?, name: m.string("Name")? })
    })
}

/// A page of ListMulticastGroupsByFuotaTask: the ids of the task's groups.
pub fn multicast_group_ids_page(value: Value) -> Result<Page<String>, String> {
    let page = Page::from_value(value, "MulticastGroupList", |v| object(&v)?.string("Id"))?;
    Ok(Page { items: page.items.into_iter().flatten().collect(), next_token: page.next_token })
}

/// GetMulticastGroup's answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MulticastGroup {
    pub arn: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Free text in the model (≤256), shown as returned.
    pub status: Option<String>,
    pub created_at: Option<Timestamp>,
    pub rf_region: Option<String>,
    /// `ClassB` or `ClassC`; another value is kept as returned.
    pub dl_class: Option<String>,
    pub devices_requested: Option<i64>,
    pub devices_in_group: Option<i64>,
    pub gateways: Vec<String>,
    /// Milliseconds between the copies sent through each gateway of the list.
    pub transmission_interval_ms: Option<i64>,
}

impl MulticastGroup {
    pub fn from_value(value: Value) -> Result<Self, String> {
        let m = object(&value)?;
        let lorawan = m.nested("LoRaWAN", "LoRaWAN.")?;
        let gateways = within(lorawan, |l| l.nested("ParticipatingGateways", "LoRaWAN.ParticipatingGateways."))?;
        Ok(Self {
            arn: m.string("Arn")?,
            id: m.string("Id")?,
            name: m.string("Name")?,
            description: m.string("Description")?,
            status: m.string("Status")?,
            created_at: epoch_seconds(&m, "CreatedAt")?,
            rf_region: within(lorawan, |l| l.string("RfRegion"))?,
            dl_class: within(lorawan, |l| l.string("DlClass"))?,
            devices_requested: within(lorawan, |l| l.integer("NumberOfDevicesRequested"))?,
            devices_in_group: within(lorawan, |l| l.integer("NumberOfDevicesInGroup"))?,
            gateways: gateways.map(|g| g.strings("GatewayList")).transpose()?.unwrap_or_default(),
            transmission_interval_ms: within(gateways, |g| g.integer("TransmissionInterval"))?,
        })
    }
}

/// GetMulticastGroupSession's answer (`LoRaWAN`), the radio parameters of the group's session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MulticastSession {
    /// The downlink data rate index (0..15).
    pub dl_dr: Option<i64>,
    /// The downlink frequency in Hz.
    pub dl_freq_hz: Option<i64>,
    pub start_time: Option<Timestamp>,
    /// Seconds; the service rounds it up to a power of two.
    pub timeout_s: Option<i64>,
    /// Class B: the ping-slot period, in 30 ms slots (32..4096).
    pub ping_slot_period: Option<i64>,
}

impl MulticastSession {
    pub fn from_value(value: Value) -> Result<Self, String> {
        let Some(s) = object(&value)?.nested("LoRaWAN", "LoRaWAN.")? else { return Ok(Self::default()) };
        let start_time = match s.string("SessionStartTime")? {
            Some(t) => Some(Timestamp::parse_iso8601(&t).ok_or_else(|| format!("LoRaWAN.SessionStartTime is not an ISO-8601 time: {t:.64}"))?),
            None => None,
        };
        Ok(Self {
            dl_dr: s.integer("DlDr")?,
            dl_freq_hz: s.integer("DlFreq")?,
            start_time,
            timeout_s: s.integer("SessionTimeout")?,
            ping_slot_period: s.integer("PingSlotPeriod")?,
        })
    }

    /// Each member with its name in the automation contract and its machine value.
    pub fn fields(&self) -> [(&'static str, Option<String>); 5] {
        let int = |v: Option<i64>| v.map(|v| v.to_string());
        [
            ("DlDr", int(self.dl_dr)),
            ("DlFreq", int(self.dl_freq_hz)),
            ("SessionStartTime", self.start_time.map(Timestamp::rfc3339)),
            ("SessionTimeout", int(self.timeout_s)),
            ("PingSlotPeriod", int(self.ping_slot_period)),
        ]
    }
}

/// CreateMulticastGroup's answer: the new group's id (what every later call names it by) and ARN
/// (what its tags are read by).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreatedGroup {
    pub id: String,
    pub arn: Option<String>,
}

impl CreatedGroup {
    /// An answer without an `Id` is an error: the group was made, but nothing could name it.
    pub fn from_value(value: Value) -> Result<Self, String> {
        let m = object(&value)?;
        let id = m.string("Id")?.filter(|id| !id.is_empty()).ok_or("the answer has no Id")?;
        Ok(Self { id, arn: m.string("Arn")? })
    }
}

/// ListTagsForResource's answer: every tag as `(key, value)`, in the answer's order, as
/// `rollout::tags::read` takes them. No `Tags`: none. A tag without a `Key` is an error; one without
/// a `Value` has the empty value (the model's `TagValue` may be empty).
pub fn resource_tags(value: Value) -> Result<Vec<(String, String)>, String> {
    object(&value)?
        .objects("Tags", "Tags[].")?
        .into_iter()
        .map(|tag| Ok((tag.string("Key")?.ok_or("a tag has no Key")?, tag.string("Value")?.unwrap_or_default())))
        .collect()
}

/// A row of the task list: the listed task, and its status once GetFuotaTask has answered.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRow {
    pub summary: FuotaTaskSummary,
    pub status: Option<TaskStatus>,
    /// GetFuotaTask failed for this row: the error's code (the list itself still stands).
    pub status_error: Option<String>,
}

impl TaskRow {
    pub fn new(summary: FuotaTaskSummary) -> Self {
        Self { summary, status: None, status_error: None }
    }

    /// Does the row match the search text (name, id or ARN, any case) and the status filter
    /// (`all`, or a status as the API spells it)?
    pub fn matches(&self, text: &str, status: &str) -> bool {
        let status_ok = status == "all" || self.status.as_ref().is_some_and(|s| s.as_str() == status);
        let needle = text.trim().to_lowercase();
        let text_ok = needle.is_empty()
            || [&self.summary.name, &self.summary.id, &self.summary.arn].iter().any(|v| v.as_deref().is_some_and(|v| v.to_lowercase().contains(&needle)));
        status_ok && text_ok
    }
}

/// The statuses a task-list filter offers: the five known ones, then any other the rows have.
pub fn task_status_choices(rows: &[TaskRow]) -> Vec<String> {
    let mut choices: Vec<String> = TaskStatus::KNOWN.iter().map(|s| s.as_str().to_owned()).collect();
    for status in rows.iter().filter_map(|r| r.status.as_ref()) {
        if !choices.iter().any(|c| c == status.as_str()) {
            choices.push(status.as_str().to_owned());
        }
    }
    choices
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_created_group_has_its_id_and_a_resources_tags_read_as_pairs() {
        let arn = "arn:aws:iotwireless:eu-west-1:123456789012:MulticastGroup/g1";
        assert_eq!(CreatedGroup::from_value(json!({"Arn": arn, "Id": "g1", "New": 1})).unwrap(), CreatedGroup { id: "g1".into(), arn: Some(arn.into()) });
        assert_eq!(CreatedGroup::from_value(json!({"Arn": arn})).unwrap_err(), "the answer has no Id");
        assert!(CreatedGroup::from_value(json!({"Id": 7})).is_err());
        let tags = resource_tags(json!({"Tags": [{"Key": "fuota-rollout:v", "Value": "1"}, {"Key": "team", "Value": ""}, {"Key": "empty"}]})).unwrap();
        assert_eq!(tags, [("fuota-rollout:v".to_owned(), "1".to_owned()), ("team".into(), String::new()), ("empty".into(), String::new())]);
        assert_eq!(resource_tags(json!({})).unwrap(), []);
        assert_eq!(resource_tags(json!({"Tags": [{"Value": "x"}]})).unwrap_err(), "a tag has no Key");
        assert!(resource_tags(json!({"Tags": [{"Key": 1, "Value": "x"}]})).unwrap_err().contains("Tags[].Key"));
        assert!(resource_tags(json!({"Tags": {"Key": "k"}})).is_err());
    }

    #[test]
    fn a_task_list_page_reads_rows_and_the_token() {
        let page = task_list_page(json!({
            "FuotaTaskList": [{"Id": "t1", "Arn": "arn:1", "Name": "one", "Extra": 1}, {"Id": "t2"}],
            "NextToken": "n1"
        }))
        .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[0].name.as_deref(), Some("one"));
        assert_eq!(page.items[1], FuotaTaskSummary { id: Some("t2".into()), ..Default::default() });
        assert_eq!(page.next_token.as_deref(), Some("n1"));
        assert!(task_list_page(json!({"FuotaTaskList": [{"Id": 5}]})).unwrap_err().starts_with("FuotaTaskList[0]"));
    }

    #[test]
    fn task_rows_filter_by_text_and_status() {
        let mut row = TaskRow::new(FuotaTaskSummary { id: Some("t-77".into()), name: Some("Sensor FW".into()), arn: None });
        assert!(row.matches("", "all") && row.matches("sensor", "all") && row.matches(" T-7 ", "all"));
        assert!(!row.matches("meter", "all"));
        assert!(!row.matches("", "Pending"), "no status yet: only `all` shows it");
        row.status = Some(TaskStatus::parse("Pending"));
        assert!(row.matches("fw", "Pending") && !row.matches("fw", "FuotaDone"));
        row.status = Some(TaskStatus::parse("Paused_New"));
        let choices = task_status_choices(&[row]);
        assert_eq!(choices.len(), 6);
        assert_eq!(choices.last().map(String::as_str), Some("Paused_New"));
    }

    #[test]
    fn group_ids_skip_rows_without_an_id() {
        let page = multicast_group_ids_page(json!({"MulticastGroupList": [{"Id": "g1"}, {}]})).unwrap();
        assert_eq!(page.items, vec!["g1".to_owned()]);
    }

    #[test]
    fn a_group_and_its_session_read_every_member() {
        let group = MulticastGroup::from_value(json!({
            "Arn": "arn:g", "Id": "g1", "Name": "north", "Status": "Session_Started", "CreatedAt": 1.7639712005E9,
            "LoRaWAN": {"RfRegion": "EU868", "DlClass": "ClassC", "NumberOfDevicesRequested": 12, "NumberOfDevicesInGroup": 11,
                        "ParticipatingGateways": {"GatewayList": ["gw1", "gw2"], "TransmissionInterval": 500}}
        }))
        .unwrap();
        assert_eq!(group.dl_class.as_deref(), Some("ClassC"));
        assert_eq!(group.devices_in_group, Some(11));
        assert_eq!(group.gateways, vec!["gw1", "gw2"]);
        assert_eq!(group.created_at.map(Timestamp::rfc3339).as_deref(), Some("2025-11-24T08:00:00.500Z"));

        let session = MulticastSession::from_value(json!({"LoRaWAN": {
            "DlDr": 3, "DlFreq": 869525000, "SessionStartTime": "2026-11-26T08:00:00Z", "SessionTimeout": 4096, "PingSlotPeriod": 64
        }}))
        .unwrap();
        let fields = session.fields();
        assert_eq!(fields[0], ("DlDr", Some("3".to_owned())));
        assert_eq!(fields[2], ("SessionStartTime", Some("2026-11-26T08:00:00Z".to_owned())));
        assert_eq!(MulticastSession::from_value(json!({})).unwrap(), MulticastSession::default());
        assert!(MulticastSession::from_value(json!({"LoRaWAN": {"SessionStartTime": "soon"}})).is_err());
        assert!(MulticastGroup::from_value(json!({"LoRaWAN": {"NumberOfDevicesInGroup": "11"}})).is_err());
    }
}
