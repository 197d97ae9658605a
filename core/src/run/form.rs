//! The new task's form (the edit form is the same form): every member checked against botocore's
//! model (`iotwireless/2020-11-22`, CreateFuotaTask and UpdateFuotaTask) before anything is sent,
//! and the requests built from it: CreateFuotaTask with its idempotency token, UpdateFuotaTask
//! with only the members that changed.

use aws_smithy_types::base64;
use serde_json::{json, Map, Value};

use crate::campaign::descriptor::Descriptor;
use crate::campaign::task::FuotaTask;
use crate::input::numbers::NumberRule;
use crate::radio::fragments::{FragmentInputs, FragmentPlan, FRAGMENT_INTERVAL_MS, FRAGMENT_SIZE, REDUNDANCY_PERCENT};
use crate::radio::lorawan::Warning;
use crate::radio::planner::{self, RadioInputs};
use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::Operation;
use crate::wire::request::Request;

/// The RF regions a FUOTA task accepts (the model's `SupportedRfRegion`): the table's, one list
/// for tasks and multicast groups.
pub use crate::wire::request::RF_REGIONS;

/// The model's `FileDescriptor`: base64 of at most 332 characters, so at most 249 bytes.
pub const MAX_DESCRIPTOR_BASE64: usize = 332;
pub const MAX_DESCRIPTOR_BYTES: usize = MAX_DESCRIPTOR_BASE64 / 4 * 3;

/// The model's `TagList` (≤ 200), `TagKey` (1..128) and `TagValue` (0..256).
const MAX_TAGS: usize = 200;

/// How the descriptor was typed: its bytes are what is sent (as base64).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DescriptorEncoding {
    /// UTF-8 text, e.g. a version string "v2.4.1".
    #[default]
    Text,
    Hex,
    Base64,
}

impl DescriptorEncoding {
    pub fn parse(s: &str) -> Self {
        match s {
            "hex" => DescriptorEncoding::Hex,
            "base64" => DescriptorEncoding::Base64,
            _ => DescriptorEncoding::Text,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DescriptorEncoding::Text => "text",
            DescriptorEncoding::Hex => "hex",
            DescriptorEncoding::Base64 => "base64",
        }
    }
}

/// The descriptor's bytes as typed; empty text is no descriptor.
pub fn descriptor_bytes(text: &str, encoding: DescriptorEncoding) -> Result<Option<Vec<u8>>, ConsoleError> {
    let refuse = |why: &str| Err(ConsoleError::invalid(Field::NewTaskDescriptor, why));
    let bytes = match encoding {
        DescriptorEncoding::Text if text.is_empty() => return Ok(None),
        DescriptorEncoding::Text => text.as_bytes().to_vec(),
        DescriptorEncoding::Hex | DescriptorEncoding::Base64 if text.trim().is_empty() => return Ok(None),
        DescriptorEncoding::Hex => {
            // People paste hex with spaces, colons or a 0x prefix: only the digits count.
            let digits: String = text.trim().trim_start_matches("0x").chars().filter(|c| !matches!(c, ' ' | ':' | '-' | '\n' | '\r' | '\t')).collect();
            match hex::decode(&digits) {
                Ok(b) => b,
                Err(_) => return refuse("The descriptor in hex is pairs of digits 0-9 and a-f (spaces and colons between bytes are fine)."),
            }
        }
        DescriptorEncoding::Base64 => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            match base64::decode(&compact) {
                Ok(b) if base64::encode(&b) == compact => b,
                _ => return refuse("The descriptor in base64 is groups of four characters A-Z, a-z, 0-9, + and /, padded with ="),
            }
        }
    };
    if bytes.len() > MAX_DESCRIPTOR_BYTES {
        return Err(ConsoleError::InvalidInput {
            field: Field::NewTaskDescriptor,
            reason: format!(
                "The descriptor is {} bytes; the service takes at most {MAX_DESCRIPTOR_BYTES} ({MAX_DESCRIPTOR_BASE64} characters of base64).",
                bytes.len()
            ),
        });
    }
    Ok(Some(bytes))
}

/// The descriptor's bytes as the form shows them while typing: their count and "6 bytes: 76 31 …"
/// (hex, then base64 as sent). None while empty or not yet valid.
pub fn descriptor_preview(text: &str, encoding: DescriptorEncoding) -> Option<(usize, String)> {
    let bytes = descriptor_bytes(text, encoding).ok().flatten()?;
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some((bytes.len(), format!("{} bytes: {} · sent as base64 {}", bytes.len(), hex.join(" "), base64::encode(&bytes))))
}

/// The form as typed: text per control, nothing checked yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskForm {
    pub name: String,
    pub description: String,
    pub rf_region: String,
    /// `s3://bucket/key`.
    pub image: String,
    /// The role's ARN.
    pub role: String,
    pub fragment_size: String,
    pub fragment_interval_ms: String,
    pub redundancy_percent: String,
    pub descriptor: String,
    pub descriptor_encoding: DescriptorEncoding,
    /// `key=value`, one per line (create only: UpdateFuotaTask takes no tags).
    pub tags: String,
}

/// The form, checked: what CreateFuotaTask or UpdateFuotaTask will carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub rf_region: String,
    pub image: String,
    pub role: String,
    pub fragment_bytes: u64,
    pub interval_ms: u64,
    pub redundancy_percent: u64,
    /// Base64, as sent.
    pub descriptor: Option<String>,
    pub tags: Vec<(String, String)>,
}

fn in_field(rule: NumberRule, field: Field) -> NumberRule {
    NumberRule { field, ..rule }
}

fn optional_text(text: &str, field: Field, what: &str, max: usize) -> Result<Option<String>, ConsoleError> {
    let t = text.trim();
    match t.chars().count() {
        0 => Ok(None),
        n if n > max => Err(ConsoleError::InvalidInput { field, reason: format!("The {what} is {n} characters; the service takes at most {max}.") }),
        _ => Ok(Some(t.to_owned())),
    }
}

/// `s3://bucket/key`: the service reads the image from S3 (the model's FirmwareUpdateImage, 1..4096).
fn check_image(text: &str) -> Result<String, ConsoleError> {
    let t = text.trim();
    let refuse = |why: String| Err(ConsoleError::InvalidInput { field: Field::NewTaskImage, reason: why });
    if t.is_empty() {
        return refuse("Enter the firmware image's S3 URI, s3://bucket/key.".into());
    }
    if t.chars().count() > 4096 {
        return refuse("The image's S3 URI is at most 4,096 characters.".into());
    }
    let Some((bucket, key)) = t.strip_prefix("s3://").and_then(|rest| rest.split_once('/')) else {
        return refuse(format!("The image is an S3 URI, s3://bucket/key (the service reads it from S3), not {}.", first_chars(t)));
    };
    // S3's bucket names: 3 to 63 lowercase letters, digits, dots and hyphens.
    let bucket_ok = (3..=63).contains(&bucket.len()) && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if !bucket_ok {
        return refuse(format!("\"{}\" is not an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens.", first_chars(bucket)));
    }
    if key.is_empty() {
        return refuse("The S3 URI names a bucket but no object: add the image's key after the bucket.".into());
    }
    Ok(t.to_owned())
}

/// A role's ARN, `arn:aws:iam::123456789012:role/name` (any partition; the model's FirmwareUpdateRole, 1..2048).
fn check_role(text: &str) -> Result<String, ConsoleError> {
    let t = text.trim();
    let refuse = |why: String| Err(ConsoleError::InvalidInput { field: Field::NewTaskRole, reason: why });
    if t.is_empty() {
        return refuse("Enter the ARN of the role the service reads the image with (arn:aws:iam::123456789012:role/name).".into());
    }
    if t.chars().count() > 2048 {
        return refuse("The role's ARN is at most 2,048 characters.".into());
    }
    let parts: Vec<&str> = t.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].strip_prefix("role/").is_some_and(|n| !n.is_empty());
    if !ok {
        return refuse(format!("\"{}\" is not a role's ARN: arn:aws:iam::<12-digit account>:role/<name>.", first_chars(t)));
    }
    Ok(t.to_owned())
}

fn first_chars(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn check_tags(text: &str) -> Result<Vec<(String, String)>, ConsoleError> {
    let refuse = |why: String| Err(ConsoleError::InvalidInput { field: Field::NewTaskTags, reason: why });
    let mut tags: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let (key, value) = (key.trim(), value.trim());
        if !(1..=128).contains(&key.chars().count()) {
            return refuse(format!("Tag on line {}: a key is 1 to 128 characters, written key=value.", n + 1));
        }
        if value.chars().count() > 256 {
            return refuse(format!("Tag {key}: a value is at most 256 characters."));
        }
        if tags.iter().any(|(k, _)| k == key) {
            return refuse(format!("Tag {key} is given twice."));
        }
        tags.push((key.to_owned(), value.to_owned()));
    }
    if tags.len() > MAX_TAGS {
        return refuse(format!("{} tags: a task takes at most {MAX_TAGS}.", tags.len()));
    }
    Ok(tags)
}

impl TaskForm {
    /// The form's text controls in the order the page shows them, each with its label: one table
    /// for the view, which draws one control per row (the region and the descriptor's encoding
    /// are choices, drawn apart).
    pub const TEXT_CONTROLS: [(Field, &'static str); 8] = [
        (Field::NewTaskName, "Name"),
        (Field::NewTaskDescription, "Description"),
        (Field::NewTaskImage, "Firmware image (s3://bucket/key)"),
        (Field::NewTaskRole, "Role ARN (the service reads the image with it)"),
        (Field::NewTaskFragmentSize, "Fragment size (bytes)"),
        (Field::NewTaskFragmentInterval, "Fragment interval (ms)"),
        (Field::NewTaskRedundancy, "Redundancy (%)"),
        (Field::NewTaskDescriptor, "Descriptor (optional)"),
    ];

    /// The text typed for `field`; None for a field that is not the form's.
    pub fn text(&self, field: Field) -> Option<&str> {
        Some(match field {
            Field::NewTaskName => &self.name,
            Field::NewTaskDescription => &self.description,
            Field::NewTaskRfRegion => &self.rf_region,
            Field::NewTaskImage => &self.image,
            Field::NewTaskRole => &self.role,
            Field::NewTaskFragmentSize => &self.fragment_size,
            Field::NewTaskFragmentInterval => &self.fragment_interval_ms,
            Field::NewTaskRedundancy => &self.redundancy_percent,
            Field::NewTaskDescriptor => &self.descriptor,
            Field::NewTaskTags => &self.tags,
            _ => return None,
        })
    }

    /// Sets the text of `field` (a field that is not the form's is ignored).
    pub fn set_text(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::NewTaskName => &mut self.name,
            Field::NewTaskDescription => &mut self.description,
            Field::NewTaskRfRegion => &mut self.rf_region,
            Field::NewTaskImage => &mut self.image,
            Field::NewTaskRole => &mut self.role,
            Field::NewTaskFragmentSize => &mut self.fragment_size,
            Field::NewTaskFragmentInterval => &mut self.fragment_interval_ms,
            Field::NewTaskRedundancy => &mut self.redundancy_percent,
            Field::NewTaskDescriptor => &mut self.descriptor,
            Field::NewTaskTags => &mut self.tags,
            _ => return,
        };
        *slot = value;
    }

    /// The form filled from a task, to edit it.
    pub fn from_task(task: &FuotaTask) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        Self {
            name: text(&task.name),
            description: text(&task.description),
            rf_region: text(&task.rf_region),
            image: text(&task.firmware_update_image),
            role: text(&task.firmware_update_role),
            fragment_size: number(task.fragment_size_bytes),
            fragment_interval_ms: number(task.fragment_interval_ms),
            redundancy_percent: number(task.redundancy_percent),
            // The task's descriptor as it came: base64, which edits as base64.
            descriptor: task.descriptor.as_ref().map(|d| d.raw().to_owned()).unwrap_or_default(),
            descriptor_encoding: DescriptorEncoding::Base64,
            tags: String::new(),
        }
    }

    /// Takes the plan's fragment size, interval and redundancy and its region: the planner's
    /// values (the proposal's, once the user applied it) go into the form unchanged.
    pub fn take_plan(&mut self, inputs: &FragmentInputs, rf_region: &str) {
        self.fragment_size = inputs.fragment_bytes.to_string();
        self.fragment_interval_ms = inputs.interval_ms.to_string();
        self.redundancy_percent = inputs.redundancy_percent.to_string();
        if RF_REGIONS.contains(&rf_region) {
            self.rf_region = rf_region.to_owned();
        }
    }

    /// Every member checked; the first problem is reported, on its control.
    pub fn check(&self) -> Result<TaskSpec, ConsoleError> {
        let name = optional_text(&self.name, Field::NewTaskName, "name", 256)?;
        let description = optional_text(&self.description, Field::NewTaskDescription, "description", 2048)?;
        let rf_region = self.rf_region.trim();
        if !RF_REGIONS.contains(&rf_region) {
            return Err(ConsoleError::InvalidInput {
                field: Field::NewTaskRfRegion,
                reason: format!("Choose the task's RF region, one of {}.", RF_REGIONS.join(", ")),
            });
        }
        let image = check_image(&self.image)?;
        let role = check_role(&self.role)?;
        let fragment_bytes = in_field(FRAGMENT_SIZE, Field::NewTaskFragmentSize).parse(&self.fragment_size)?;
        let interval_ms = in_field(FRAGMENT_INTERVAL_MS, Field::NewTaskFragmentInterval).parse(&self.fragment_interval_ms)?;
        let redundancy_percent = in_field(REDUNDANCY_PERCENT, Field::NewTaskRedundancy).parse(&self.redundancy_percent)?;
        let descriptor = descriptor_bytes(&self.descriptor, self.descriptor_encoding)?.map(|b| base64::encode(&b));
        let tags = check_tags(&self.tags)?;
        Ok(TaskSpec { name, description, rf_region: rf_region.to_owned(), image, role, fragment_bytes, interval_ms, redundancy_percent, descriptor, tags })
    }
}

/// One member an edit changes, as the review shows it: old → new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The member's name in the API (`FragmentSizeBytes`, `LoRaWAN.RfRegion`).
    pub member: &'static str,
    /// None: the task had no value.
    pub old: Option<String>,
    pub new: String,
}

impl TaskSpec {
    /// The members both Create and Update carry, by the model's names.
    fn members(&self) -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(name) = &self.name {
            m.insert("Name".into(), json!(name));
        }
        if let Some(description) = &self.description {
            m.insert("Description".into(), json!(description));
        }
        m.insert("LoRaWAN".into(), json!({"RfRegion": self.rf_region}));
        m.insert("FirmwareUpdateImage".into(), json!(self.image));
        m.insert("FirmwareUpdateRole".into(), json!(self.role));
        m.insert("FragmentSizeBytes".into(), json!(self.fragment_bytes));
        m.insert("FragmentIntervalMS".into(), json!(self.interval_ms));
        m.insert("RedundancyPercent".into(), json!(self.redundancy_percent));
        if let Some(d) = &self.descriptor {
            m.insert("Descriptor".into(), json!(d));
        }
        m
    }

    /// CreateFuotaTask with `token` (made once per "create" the user confirms, sent with every
    /// retry of it, so that a retried create never makes two tasks).
    pub fn create_request(&self, token: &str) -> Result<Request, ConsoleError> {
        let mut body = self.members();
        body.insert("ClientRequestToken".into(), json!(token));
        if !self.tags.is_empty() {
            let tags: Vec<Value> = self.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
            body.insert("Tags".into(), Value::Array(tags));
        }
        Request::write(Operation::CreateFuotaTask, &[], Some(&Value::Object(body)))
    }

    /// What an edit changes against the task as last read: only those members are sent. A member
    /// left empty that the task has keeps its value (an update cannot remove a member), and the
    /// user is told so rather than surprised.
    pub fn changes(&self, task: &FuotaTask) -> Result<Vec<Change>, ConsoleError> {
        let cleared = |typed: &Option<String>, had: &Option<String>, field: Field, what: &str| match (typed, had) {
            (None, Some(_)) => {
                Err(ConsoleError::InvalidInput { field, reason: format!("An update cannot remove the task's {what}: type a new one, or leave the old one.") })
            }
            _ => Ok(()),
        };
        cleared(&self.name, &task.name, Field::NewTaskName, "name")?;
        cleared(&self.description, &task.description, Field::NewTaskDescription, "description")?;
        cleared(&self.descriptor, &task.descriptor.as_ref().map(|d| d.raw().to_owned()), Field::NewTaskDescriptor, "descriptor")?;
        let mut changes = Vec::new();
        let mut differs = |member: &'static str, old: Option<String>, new: Option<String>| {
            if let Some(new) = new.filter(|n| old.as_ref() != Some(n)) {
                changes.push(Change { member, old, new });
            }
        };
        differs("Name", task.name.clone(), self.name.clone());
        differs("Description", task.description.clone(), self.description.clone());
        differs("LoRaWAN.RfRegion", task.rf_region.clone(), Some(self.rf_region.clone()));
        differs("FirmwareUpdateImage", task.firmware_update_image.clone(), Some(self.image.clone()));
        differs("FirmwareUpdateRole", task.firmware_update_role.clone(), Some(self.role.clone()));
        let number = |n: Option<i64>| n.map(|n| n.to_string());
        differs("FragmentSizeBytes", number(task.fragment_size_bytes), Some(self.fragment_bytes.to_string()));
        differs("FragmentIntervalMS", number(task.fragment_interval_ms), Some(self.interval_ms.to_string()));
        differs("RedundancyPercent", number(task.redundancy_percent), Some(self.redundancy_percent.to_string()));
        // Descriptors compare by their bytes: "djE=" typed again as text "v1" is no change.
        let old_bytes = task.descriptor.as_ref().and_then(|d| match d {
            Descriptor::Decoded { base64, .. } => base64::decode(base64).ok(),
            Descriptor::Undecodable { .. } => None,
        });
        let new_bytes = self.descriptor.as_deref().and_then(|d| base64::decode(d).ok());
        if new_bytes.is_some() && new_bytes != old_bytes {
            changes.push(Change {
                member: "Descriptor",
                old: task.descriptor.as_ref().map(|d| d.raw().to_owned()),
                new: self.descriptor.clone().unwrap_or_default(),
            });
        }
        if !self.tags.is_empty() {
            return Err(ConsoleError::invalid(
                Field::NewTaskTags,
                "UpdateFuotaTask takes no tags: tag an existing task with TagResource (not part of this console).",
            ));
        }
        Ok(changes)
    }

    /// UpdateFuotaTask with only `changes` (from [`TaskSpec::changes`]); none is refused.
    pub fn update_request(&self, task_id: &str, changes: &[Change]) -> Result<Request, ConsoleError> {
        if changes.is_empty() {
            return Err(ConsoleError::invalid(Field::NewTaskName, "Nothing changed: edit a value before reviewing the update."));
        }
        let all = self.members();
        let mut body = Map::new();
        for change in changes {
            let key = change.member.split('.').next().unwrap_or(change.member);
            if let Some(value) = all.get(key) {
                body.insert(key.to_owned(), value.clone());
            }
        }
        Request::write(Operation::UpdateFuotaTask, &[task_id], Some(&Value::Object(body)))
    }

    /// The planner's warnings for this task's fragments, for an image of `firmware_bytes` (the
    /// planner's firmware size) sent with `radio` (the planner's radio values, when valid): the
    /// same sentences the planner shows, so the form never disagrees with it.
    pub fn warnings(&self, firmware_bytes: u64, radio: Option<&RadioInputs>) -> Vec<Warning> {
        let inputs =
            FragmentInputs { firmware_bytes, fragment_bytes: self.fragment_bytes, redundancy_percent: self.redundancy_percent, interval_ms: self.interval_ms };
        match inputs.plan() {
            Ok(plan) => planner::warnings(&plan, &self.rf_region, radio),
            Err(_) => Vec::new(),
        }
    }

    /// The fragment plan of the form for an image of `firmware_bytes`.
    pub fn plan(&self, firmware_bytes: u64) -> Option<FragmentPlan> {
        FragmentInputs { firmware_bytes, fragment_bytes: self.fragment_bytes, redundancy_percent: self.redundancy_percent, interval_ms: self.interval_ms }
            .plan()
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_control_reads_and_writes_its_own_member() {
        let mut form = TaskForm::default();
        for (i, (field, _)) in TaskForm::TEXT_CONTROLS.iter().enumerate() {
            form.set_text(*field, format!("v{i}"));
        }
        for (i, (field, _)) in TaskForm::TEXT_CONTROLS.iter().enumerate() {
            assert_eq!(form.text(*field), Some(format!("v{i}").as_str()), "{field:?}");
        }
        form.set_text(Field::NewTaskTags, "a=b".into());
        assert_eq!(form.tags, "a=b");
        assert_eq!(form.text(Field::StartTime), None);
    }
    use proptest::prelude::*;

    fn form() -> TaskForm {
        TaskForm {
            name: "sensor-fw-2.5.0".into(),
            description: "Sensors, EU868".into(),
            rf_region: "EU868".into(),
            image: "s3://fw-bucket/sensor/2.5.0.bin".into(),
            role: "arn:aws:iam::123456789012:role/IoTWirelessFuota".into(),
            fragment_size: "48".into(),
            fragment_interval_ms: "2,000".into(),
            redundancy_percent: "10".into(),
            descriptor: "v2.5.0".into(),
            descriptor_encoding: DescriptorEncoding::Text,
            tags: "team=field\nstage = pilot".into(),
        }
    }

    #[test]
    fn a_create_carries_every_member_by_the_models_names() {
        let request = form().check().unwrap().create_request("0123456789abcdef0123456789abcdef").unwrap();
        let body: Value = serde_json::from_str(request.body().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "ClientRequestToken": "0123456789abcdef0123456789abcdef",
                "Name": "sensor-fw-2.5.0",
                "Description": "Sensors, EU868",
                "LoRaWAN": {"RfRegion": "EU868"},
                "FirmwareUpdateImage": "s3://fw-bucket/sensor/2.5.0.bin",
                "FirmwareUpdateRole": "arn:aws:iam::123456789012:role/IoTWirelessFuota",
                "FragmentSizeBytes": 48,
                "FragmentIntervalMS": 2000,
                "RedundancyPercent": 10,
                "Descriptor": "djIuNS4w",
                "Tags": [{"Key": "team", "Value": "field"}, {"Key": "stage", "Value": "pilot"}],
            })
        );
        assert_eq!(request.path_and_query(), "/fuota-tasks");
    }

    #[test]
    fn optional_members_are_left_out_when_empty() {
        let f = TaskForm { name: " ".into(), description: String::new(), descriptor: String::new(), tags: String::new(), ..form() };
        let body: Value = serde_json::from_str(f.check().unwrap().create_request("t").unwrap().body().unwrap()).unwrap();
        for absent in ["Name", "Description", "Descriptor", "Tags"] {
            assert!(body.get(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn each_member_is_refused_on_its_control_with_the_reason() {
        let cases: Vec<(TaskForm, Field, &str)> = vec![
            (TaskForm { name: "n".repeat(257), ..form() }, Field::NewTaskName, "at most 256"),
            (TaskForm { description: "d".repeat(2049), ..form() }, Field::NewTaskDescription, "at most 2048"),
            (TaskForm { rf_region: "EU869".into(), ..form() }, Field::NewTaskRfRegion, "EU868"),
            (TaskForm { image: "https://bucket/key".into(), ..form() }, Field::NewTaskImage, "s3://bucket/key"),
            (TaskForm { image: "s3://Bucket_X/key".into(), ..form() }, Field::NewTaskImage, "bucket name"),
            (TaskForm { image: "s3://bucket/".into(), ..form() }, Field::NewTaskImage, "no object"),
            (TaskForm { role: "arn:aws:iam::1234:role/x".into(), ..form() }, Field::NewTaskRole, "12-digit"),
            (TaskForm { role: "arn:aws:iam::123456789012:user/x".into(), ..form() }, Field::NewTaskRole, "role/"),
            (TaskForm { fragment_size: "0".into(), ..form() }, Field::NewTaskFragmentSize, "at least 1"),
            (TaskForm { fragment_interval_ms: "1.5".into(), ..form() }, Field::NewTaskFragmentInterval, "whole number"),
            (TaskForm { redundancy_percent: "101".into(), ..form() }, Field::NewTaskRedundancy, "at most 100"),
            (TaskForm { descriptor: "é".repeat(125), ..form() }, Field::NewTaskDescriptor, "at most 249"),
            (TaskForm { descriptor: "abc".into(), descriptor_encoding: DescriptorEncoding::Hex, ..form() }, Field::NewTaskDescriptor, "pairs"),
            (TaskForm { descriptor: "djE".into(), descriptor_encoding: DescriptorEncoding::Base64, ..form() }, Field::NewTaskDescriptor, "padded"),
            (TaskForm { tags: "=x".into(), ..form() }, Field::NewTaskTags, "1 to 128"),
            (TaskForm { tags: "a=1\na=2".into(), ..form() }, Field::NewTaskTags, "twice"),
        ];
        for (f, field, words) in cases {
            match f.check() {
                Err(ConsoleError::InvalidInput { field: got, reason }) => {
                    assert_eq!(got, field, "{reason}");
                    assert!(reason.contains(words), "{reason:?} should say {words:?}");
                }
                other => panic!("{field:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn descriptors_typed_three_ways_give_the_same_bytes() {
        let text = descriptor_bytes("v1.2.3", DescriptorEncoding::Text).unwrap();
        assert_eq!(descriptor_bytes("76 31 2e 32 2e 33", DescriptorEncoding::Hex).unwrap(), text);
        assert_eq!(descriptor_bytes("0x76312E322E33", DescriptorEncoding::Hex).unwrap(), text);
        assert_eq!(descriptor_bytes("djEuMi4z", DescriptorEncoding::Base64).unwrap(), text);
        assert_eq!(descriptor_bytes("", DescriptorEncoding::Hex).unwrap(), None);
        // 249 bytes is 332 characters of base64: the model's limit exactly.
        let most = descriptor_bytes(&"a".repeat(MAX_DESCRIPTOR_BYTES), DescriptorEncoding::Text).unwrap().unwrap();
        assert_eq!(base64::encode(&most).len(), MAX_DESCRIPTOR_BASE64);
        assert!(descriptor_bytes(&"a".repeat(MAX_DESCRIPTOR_BYTES + 1), DescriptorEncoding::Text).is_err());
    }

    fn task() -> FuotaTask {
        FuotaTask::from_value(json!({
            "Id": "t1", "Name": "sensor-fw-2.5.0", "Description": "Sensors, EU868", "LoRaWAN": {"RfRegion": "EU868"},
            "FirmwareUpdateImage": "s3://fw-bucket/sensor/2.5.0.bin", "FirmwareUpdateRole": "arn:aws:iam::123456789012:role/IoTWirelessFuota",
            "FragmentSizeBytes": 48, "FragmentIntervalMS": 2000, "RedundancyPercent": 10, "Descriptor": "djIuNS4w", "Status": "Pending"
        }))
        .unwrap()
    }

    #[test]
    fn an_edit_sends_only_what_changed_and_shows_old_and_new() {
        let mut f = TaskForm::from_task(&task());
        let unchanged = f.check().unwrap();
        assert_eq!(unchanged.changes(&task()).unwrap(), vec![]);
        assert!(unchanged.update_request("t1", &[]).is_err(), "nothing to send");
        f.fragment_size = "64".into();
        f.descriptor = "v2.5.0".into();
        f.descriptor_encoding = DescriptorEncoding::Text; // the same bytes as before: no change
        let spec = f.check().unwrap();
        let changes = spec.changes(&task()).unwrap();
        assert_eq!(changes, vec![Change { member: "FragmentSizeBytes", old: Some("48".into()), new: "64".into() }]);
        let request = spec.update_request("t1", &changes).unwrap();
        assert_eq!(request.body(), Some(r#"{"FragmentSizeBytes":64}"#));
        assert_eq!(request.path_and_query(), "/fuota-tasks/t1");
        // A region change is sent as the whole LoRaWAN member.
        let spec = TaskForm { rf_region: "US915".into(), ..TaskForm::from_task(&task()) }.check().unwrap();
        let changes = spec.changes(&task()).unwrap();
        assert_eq!(spec.update_request("t1", &changes).unwrap().body(), Some(r#"{"LoRaWAN":{"RfRegion":"US915"}}"#));
        // Clearing a member cannot be sent; the user is told.
        let cleared = TaskForm { name: String::new(), ..TaskForm::from_task(&task()) }.check().unwrap();
        assert!(matches!(cleared.changes(&task()), Err(ConsoleError::InvalidInput { field: Field::NewTaskName, .. })));
    }

    #[test]
    fn the_form_warns_as_the_planner_does() {
        // 250 B fragments do not fit any EU868 downlink data rate with their header.
        let spec = TaskForm { fragment_size: "250".into(), ..form() }.check().unwrap();
        let codes: Vec<_> = spec.warnings(100_000, None).iter().map(|w| w.code()).collect();
        assert!(codes.contains(&"payload-too-large"), "{codes:?}");
        // An image above AWS's 1 MB.
        let spec = form().check().unwrap();
        assert!(spec.warnings(2_000_000, None).iter().any(|w| w.code() == "image-too-large"));
        assert!(spec.warnings(100_000, None).is_empty());
    }

    #[test]
    fn a_plan_fills_the_form_unchanged() {
        let mut f = TaskForm::default();
        f.take_plan(&FragmentInputs { firmware_bytes: 1, fragment_bytes: 222, redundancy_percent: 15, interval_ms: 1500 }, "US915");
        assert_eq!(
            (f.fragment_size.as_str(), f.fragment_interval_ms.as_str(), f.redundancy_percent.as_str(), f.rf_region.as_str()),
            ("222", "1500", "15", "US915")
        );
    }

    proptest! {
        /// Whatever is typed, checking never panics, and what passes builds a create whose body
        /// has only the model's members, the required ones among them.
        #[test]
        fn any_form_is_checked_without_panic(name in "\\PC{0,300}", image in "\\PC{0,60}", size in "\\PC{0,8}", descriptor in "\\PC{0,400}", enc in 0u8..3) {
            let f = TaskForm {
                name, image, fragment_size: size, descriptor,
                descriptor_encoding: [DescriptorEncoding::Text, DescriptorEncoding::Hex, DescriptorEncoding::Base64][enc as usize],
                ..form()
            };
            if let Ok(spec) = f.check() {
                let request = spec.create_request("tok").unwrap();
                let body: Value = serde_json::from_str(request.body().unwrap()).unwrap();
                let d = body.get("Descriptor").and_then(Value::as_str).unwrap_or("");
                prop_assert!(d.len() <= MAX_DESCRIPTOR_BASE64);
            }
        }
    }
}
