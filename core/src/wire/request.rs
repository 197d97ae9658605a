//! One call of an operation of the table, before it has a host: its path with the labels encoded,
//! its query members and its JSON body; [`crate::wire::connection::Connection::prepare`] gives it
//! one. Ids are checked here, before anything is signed.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::sort::sort_by_cached_key;
use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::{Method, Operation, Resource};

/// Everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded, in a path label
/// and in a query value alike: SigV4's canonical form encodes the same set, so the URL that is
/// fetched is the URL that is signed, and a `+` in a page token is never read as a space.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The most items a list operation returns in one page (`MaxResults`: 0..250 in the model).
pub const MAX_RESULTS: u32 = 250;

/// The RF regions a FUOTA task or a multicast group accepts (the model's `SupportedRfRegion`).
pub const RF_REGIONS: [&str; 13] =
    ["EU868", "US915", "AU915", "AS923-1", "AS923-2", "AS923-3", "AS923-4", "EU433", "CN470", "CN779", "RU864", "KR920", "IN865"];

/// A tag's key and value, in characters (the model's `TagKey` 1..128 and `TagValue` 0..256).
pub const MAX_TAG_KEY_CHARS: usize = 128;
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// AWS's limit of tags per resource (the model's `TagList` says 200; the tagging guide, 50): a
/// request that would carry more can only fail.
pub const MAX_TAGS_PER_RESOURCE: usize = 50;
/// The model's `AmazonResourceName`: 1..1011 characters.
pub const MAX_ARN_CHARS: usize = 1011;

/// Which page of a list to read: the first (no token), or the one a `NextToken` named.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    pub next_token: Option<String>,
    /// 1..=[`MAX_RESULTS`]; the service may return fewer.
    pub max_results: u32,
}

impl PageRequest {
    /// The first page, as large as the service allows.
    pub fn first() -> Self {
        Self { next_token: None, max_results: MAX_RESULTS }
    }

    /// The page a `NextToken` names.
    pub fn after(token: &str) -> Self {
        Self { next_token: Some(token.to_owned()), max_results: MAX_RESULTS }
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![("maxResults", self.max_results.clamp(1, MAX_RESULTS).to_string())];
        if let Some(token) = self.next_token.as_deref().filter(|t| !t.is_empty()) {
            query.push(("nextToken", token.to_owned()));
        }
        query
    }
}

/// Which devices ListWirelessDevices should return: those of a FUOTA task, of a multicast group,
/// or of a device profile (a fleet: the devices made alike).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceSource {
    FuotaTask(String),
    MulticastGroup(String),
    DeviceProfile(String),
}

/// A multicast group to create (CreateMulticastGroup): a rollout's group for one wave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMulticastGroup {
    /// ≤ 256 characters; empty: no name is sent.
    pub name: String,
    /// ≤ 2048 characters; empty: none is sent.
    pub description: String,
    /// One of [`RF_REGIONS`].
    pub rf_region: String,
    /// `ClassB` or `ClassC`.
    pub dl_class: String,
    pub tags: Vec<(String, String)>,
}

/// One call of an operation: its path with labels encoded, its query members and its JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub operation: Operation,
    path: String,
    /// Sorted by name, values not yet encoded.
    query: Vec<(&'static str, String)>,
    /// The exact JSON text that is signed and sent, when the operation has a body.
    body: Option<String>,
}

/// A create's idempotency token from 16 random bytes (the browser's `crypto.getRandomValues`):
/// 32 hex digits, within the model's `^[a-zA-Z0-9-_]+$` of 1 to 64. Made once per user action and
/// sent with every retry of it, so that a retried create never makes two tasks.
pub fn client_request_token(random: &[u8; 16]) -> String {
    hex::encode(random)
}

/// Checks an id that goes into the path as a label: 1..=256 characters, as the model's id shapes
/// say, and not "." or "..", which a browser's URL parser removes even when percent-encoded.
pub fn validate_label<'a>(id: &'a str, field: Field, what: &str) -> Result<&'a str, ConsoleError> {
    let id = id.trim();
    match id.chars().count() {
        0 => Err(ConsoleError::InvalidInput { field, reason: format!("Enter the id of a {what}.") }),
        _ if id == "." || id == ".." => {
            Err(ConsoleError::InvalidInput { field, reason: format!("A {what} id of \".\" or \"..\" cannot be sent from a browser.") })
        }
        1..=256 => Ok(id),
        _ => Err(ConsoleError::InvalidInput { field, reason: format!("A {what} id is at most 256 characters.") }),
    }
}

/// Checks a FUOTA task id as the user typed it.
pub fn validate_task_id(id: &str) -> Result<&str, ConsoleError> {
    validate_label(id, Field::TaskId, "FUOTA task")
}

fn segment(label: &str) -> String {
    utf8_percent_encode(label, STRICT).to_string()
}

/// The id kind a path label takes, and its name in a refusal: `{MulticastGroupId}` and
/// `{WirelessDeviceId}` say so; `{Id}` and `{Identifier}` are the operation's own resource.
fn label_kind(label: &str, own: Resource) -> (Field, &'static str) {
    let resource = match label {
        "MulticastGroupId" => Resource::MulticastGroup,
        "WirelessDeviceId" => Resource::WirelessDevice,
        _ => own,
    };
    let field = match resource {
        Resource::MulticastGroup => Field::MulticastGroupId,
        Resource::WirelessDevice => Field::WirelessDeviceId,
        Resource::WirelessGateway => Field::WirelessGatewayId,
        Resource::Tagged => Field::ResourceArn,
        Resource::FuotaTask | Resource::Account => Field::TaskId,
    };
    (field, resource.noun())
}

/// Checks a resource's ARN as the query carries it: 1..1011 characters (the model's
/// `AmazonResourceName`), starting `arn:`, no spaces or control characters (none is in an ARN, and
/// a pasted one may carry a newline).
pub fn validate_arn(arn: &str) -> Result<&str, ConsoleError> {
    let arn = arn.trim();
    let refuse = |reason: &str| Err(ConsoleError::InvalidInput { field: Field::ResourceArn, reason: reason.to_owned() });
    if arn.is_empty() {
        return refuse("Enter the ARN of a FUOTA task or multicast group.");
    }
    if arn.chars().count() > MAX_ARN_CHARS {
        return refuse("An ARN is at most 1011 characters.");
    }
    if !arn.starts_with("arn:") || arn.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("An ARN starts with arn: and has no spaces (arn:aws:iotwireless:REGION:ACCOUNT:FuotaTask/ID).");
    }
    Ok(arn)
}

/// Checks a tag key: 1..128 characters, not starting with `aws:` in any case (AWS keeps that
/// prefix for its own tags and refuses it).
fn check_tag_key(key: &str) -> Result<(), ConsoleError> {
    let refuse = |reason: String| Err(ConsoleError::InvalidInput { field: Field::Tags, reason });
    if !(1..=MAX_TAG_KEY_CHARS).contains(&key.chars().count()) {
        return refuse(format!("A tag key is 1 to {MAX_TAG_KEY_CHARS} characters."));
    }
    if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return refuse(format!("The tag key {key:.40} starts with aws:, which AWS keeps for its own tags."));
    }
    Ok(())
}

/// Checks tags to write on one resource and gives them as the model's `TagList` (`[{Key, Value}]`):
/// each key once, within AWS's limits.
fn tag_list(tags: &[(String, String)]) -> Result<serde_json::Value, ConsoleError> {
    let refuse = |reason: String| Err(ConsoleError::InvalidInput { field: Field::Tags, reason });
    if tags.len() > MAX_TAGS_PER_RESOURCE {
        return refuse(format!("{} tags: a resource takes at most {MAX_TAGS_PER_RESOURCE}.", tags.len()));
    }
    for (i, (key, value)) in tags.iter().enumerate() {
        check_tag_key(key)?;
        if value.chars().count() > MAX_TAG_VALUE_CHARS {
            return refuse(format!("The tag {key:.40}: a value is at most {MAX_TAG_VALUE_CHARS} characters."));
        }
        if tags[..i].iter().any(|(k, _)| k == key) {
            return refuse(format!("The tag {key:.40} is given twice."));
        }
    }
    Ok(serde_json::Value::Array(tags.iter().map(|(k, v)| serde_json::json!({"Key": k, "Value": v})).collect()))
}

impl Request {
    /// A call of an operation whose path has no label (a list of the account's): its path is the
    /// table's as it stands.
    fn unlabelled(operation: Operation, query: Vec<(&'static str, String)>) -> Self {
        Self::new(operation, operation.spec().path.to_owned(), query)
    }

    /// The query is kept in the order SigV4's canonical request has it, the order botocore signs:
    /// sorted by name, then by the **encoded** value (a list member such as `tagKeys` repeats its
    /// name, one value each). Sorting the plain values would put `a.b` before `a/b`, while their
    /// encodings sort `a%2Fb` first; the URL that is fetched is then the canonical query itself.
    fn new(operation: Operation, path: String, mut query: Vec<(&'static str, String)>) -> Self {
        sort_by_cached_key(&mut query, |(name, value)| (*name, segment(value)));
        Self { operation, path, query, body: None }
    }

    /// One call of `operation`, built from its entry in the table: `labels` fill the path's labels
    /// in order (each checked as an id is), `query` names only the operation's query members, and
    /// `body` only its body members, every required one among them. The body goes out as this
    /// exact JSON text, the bytes that are signed.
    fn call(operation: Operation, labels: &[&str], query: Vec<(&'static str, String)>, body: Option<&serde_json::Value>) -> Result<Self, ConsoleError> {
        let spec = operation.spec();
        let unfit = |detail: String| ConsoleError::Signing { detail };
        let mut path = String::new();
        let mut given = labels.iter();
        for part in spec.path.split('/').skip(1) {
            path.push('/');
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(label) => {
                    let (field, what) = label_kind(label, spec.resource);
                    let value = given.next().copied().unwrap_or_default();
                    path.push_str(&segment(validate_label(value, field, what)?));
                }
                None => path.push_str(part),
            }
        }
        if given.next().is_some() {
            return Err(unfit(format!("{} takes {} ids", operation.name(), spec.path.matches('{').count())));
        }
        if let Some((name, _)) = query.iter().find(|(name, _)| !spec.query.contains(name)) {
            return Err(unfit(format!("{} has no query member {name}", operation.name())));
        }
        let body = match body {
            None if spec.body.is_empty() => None,
            None => Some("{}".to_owned()).filter(|_| spec.required.is_empty()).ok_or_else(|| unfit(format!("{} needs a body", operation.name())))?.into(),
            Some(value) => {
                let serde_json::Value::Object(members) = value else { return Err(unfit(format!("{}'s body is not a JSON object", operation.name()))) };
                if let Some(name) = members.keys().find(|k| !spec.body.contains(&k.as_str())) {
                    return Err(unfit(format!("{} has no member {name}", operation.name())));
                }
                if let Some(name) = spec.required.iter().find(|r| !members.contains_key(**r)) {
                    return Err(unfit(format!("{} needs {name}", operation.name())));
                }
                Some(value.to_string())
            }
        };
        Ok(Self { body, ..Self::new(operation, path, query) })
    }

    /// The method the table gives the operation.
    pub fn method(&self) -> Method {
        self.operation.spec().method
    }

    /// The JSON body, exactly as it will be signed and sent.
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// `GET /fuota-tasks/{Id}`.
    pub fn get_fuota_task(task_id: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::GetFuotaTask, &[task_id], Vec::new(), None)
    }

    /// `GET /fuota-tasks?maxResults=&nextToken=`.
    pub fn list_fuota_tasks(page: &PageRequest) -> Self {
        Self::unlabelled(Operation::ListFuotaTasks, page.query())
    }

    /// `GET /wireless-devices?fuotaTaskId=` (or `multicastGroupId=`) `&maxResults=&nextToken=`.
    pub fn list_wireless_devices(source: &DeviceSource, page: &PageRequest) -> Result<Self, ConsoleError> {
        let mut query = page.query();
        match source {
            DeviceSource::FuotaTask(id) => query.push(("fuotaTaskId", validate_task_id(id)?.to_owned())),
            DeviceSource::MulticastGroup(id) => query.push(("multicastGroupId", validate_label(id, Field::MulticastGroupId, "multicast group")?.to_owned())),
            DeviceSource::DeviceProfile(id) => query.push(("deviceProfileId", validate_label(id, Field::DeviceProfileId, "device profile")?.to_owned())),
        }
        Self::call(Operation::ListWirelessDevices, &[], query, None)
    }

    /// `GET /wireless-devices?maxResults=&nextToken=`: every wireless device of the account, to
    /// map DevEUIs to device ids (GetWirelessDevice is never called: it returns the device's keys).
    pub fn list_wireless_devices_all(page: &PageRequest) -> Result<Self, ConsoleError> {
        Self::call(Operation::ListWirelessDevices, &[], page.query(), None)
    }

    /// `GET /fuota-tasks/{Id}/multicast-groups?maxResults=&nextToken=`.
    pub fn list_multicast_groups_by_fuota_task(task_id: &str, page: &PageRequest) -> Result<Self, ConsoleError> {
        Self::call(Operation::ListMulticastGroupsByFuotaTask, &[task_id], page.query(), None)
    }

    /// `GET /multicast-groups/{Id}`.
    pub fn get_multicast_group(group_id: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::GetMulticastGroup, &[group_id], Vec::new(), None)
    }

    /// `GET /multicast-groups/{Id}/session`.
    pub fn get_multicast_group_session(group_id: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::GetMulticastGroupSession, &[group_id], Vec::new(), None)
    }

    /// `GET /wireless-devices/{Id}/statistics`: the device's last uplink and the gateways that heard
    /// it, for the pre-flight check (no key in it, unlike GetWirelessDevice's answer).
    pub fn get_wireless_device_statistics(device_id: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::GetWirelessDeviceStatistics, &[device_id], Vec::new(), None)
    }

    /// `GET /wireless-gateways/{Identifier}?identifierType=WirelessGatewayId`: a gateway a multicast
    /// group's `ParticipatingGateways` names by id, for its EUI and RF region.
    pub fn get_wireless_gateway(gateway_id: &str) -> Result<Self, ConsoleError> {
        let query = vec![("identifierType", "WirelessGatewayId".to_owned())];
        Self::call(Operation::GetWirelessGateway, &[gateway_id], query, None)
    }

    /// `GET /multicast-groups?maxResults=&nextToken=`: every multicast group, to pick from.
    pub fn list_multicast_groups(page: &PageRequest) -> Self {
        Self::unlabelled(Operation::ListMulticastGroups, page.query())
    }

    /// `POST /multicast-groups`: a multicast group with `token` as its `ClientRequestToken` (made
    /// with [`client_request_token`] once per user action, sent again with every retry of it, so
    /// that a retried create never makes two groups). The band, the class and the tags are checked
    /// here; the body is the exact JSON text that is signed.
    pub fn create_multicast_group(group: &NewMulticastGroup, token: &str) -> Result<Self, ConsoleError> {
        let unfit = |detail: &str| ConsoleError::Signing { detail: detail.to_owned() };
        if !(1..=64).contains(&token.len()) || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(unfit("a ClientRequestToken is 1 to 64 letters, digits, - and _"));
        }
        let refuse = |field: Field, reason: String| Err(ConsoleError::InvalidInput { field, reason });
        if !RF_REGIONS.contains(&group.rf_region.as_str()) {
            return refuse(Field::NewTaskRfRegion, format!("Choose the multicast group's RF region, one of {}.", RF_REGIONS.join(", ")));
        }
        if !matches!(group.dl_class.as_str(), "ClassB" | "ClassC") {
            return refuse(Field::MulticastClass, "A multicast group is ClassB or ClassC.".to_owned());
        }
        if group.name.chars().count() > 256 {
            return refuse(Field::NewTaskName, "A multicast group's name is at most 256 characters.".to_owned());
        }
        if group.description.chars().count() > 2048 {
            return refuse(Field::NewTaskDescription, "A multicast group's description is at most 2048 characters.".to_owned());
        }
        let mut body = serde_json::json!({
            "ClientRequestToken": token,
            "LoRaWAN": {"RfRegion": group.rf_region, "DlClass": group.dl_class},
        });
        if !group.name.is_empty() {
            body["Name"] = serde_json::json!(group.name);
        }
        if !group.description.is_empty() {
            body["Description"] = serde_json::json!(group.description);
        }
        if !group.tags.is_empty() {
            body["Tags"] = tag_list(&group.tags)?;
        }
        Self::call(Operation::CreateMulticastGroup, &[], Vec::new(), Some(&body))
    }

    /// `PUT /multicast-groups/{Id}/wireless-device`: one device joins the group.
    pub fn associate_wireless_device_with_multicast_group(group_id: &str, device_id: &str) -> Result<Self, ConsoleError> {
        let device = validate_label(device_id, Field::WirelessDeviceId, "wireless device")?;
        Self::call(Operation::AssociateWirelessDeviceWithMulticastGroup, &[group_id], Vec::new(), Some(&serde_json::json!({"WirelessDeviceId": device})))
    }

    /// `DELETE /multicast-groups/{Id}/wireless-devices/{WirelessDeviceId}`.
    pub fn disassociate_wireless_device_from_multicast_group(group_id: &str, device_id: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::DisassociateWirelessDeviceFromMulticastGroup, &[group_id, device_id], Vec::new(), None)
    }

    /// `DELETE /multicast-groups/{Id}`.
    pub fn delete_multicast_group(group_id: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::DeleteMulticastGroup, &[group_id], Vec::new(), None)
    }

    /// `POST /tags?resourceArn=`: adds `tags` to the resource, or changes the values of its keys.
    pub fn tag_resource(arn: &str, tags: &[(String, String)]) -> Result<Self, ConsoleError> {
        if tags.is_empty() {
            return Err(ConsoleError::InvalidInput { field: Field::Tags, reason: "Give at least one tag to write.".to_owned() });
        }
        let query = vec![("resourceArn", validate_arn(arn)?.to_owned())];
        Self::call(Operation::TagResource, &[], query, Some(&serde_json::json!({"Tags": tag_list(tags)?})))
    }

    /// `DELETE /tags?resourceArn=&tagKeys=…&tagKeys=…`: the model's `TagKeys` is a query list, sent
    /// as the name repeated, one key each (as botocore sends it); a key given twice is sent once.
    pub fn untag_resource(arn: &str, keys: &[&str]) -> Result<Self, ConsoleError> {
        if keys.is_empty() {
            return Err(ConsoleError::InvalidInput { field: Field::Tags, reason: "Give at least one tag key to remove.".to_owned() });
        }
        let mut query = vec![("resourceArn", validate_arn(arn)?.to_owned())];
        for key in keys {
            check_tag_key(key)?;
            if !query.iter().any(|(name, k)| *name == "tagKeys" && k == key) {
                query.push(("tagKeys", (*key).to_owned()));
            }
        }
        Self::call(Operation::UntagResource, &[], query, None)
    }

    /// `GET /tags?resourceArn=`: every tag of a FUOTA task or multicast group.
    pub fn list_tags_for_resource(arn: &str) -> Result<Self, ConsoleError> {
        Self::call(Operation::ListTagsForResource, &[], vec![("resourceArn", validate_arn(arn)?.to_owned())], None)
    }

    /// One write of the table: `labels` fill the path's labels in order (each checked as an id is),
    /// and `body` names only the operation's body members, every required one among them. The body
    /// goes out as this exact JSON text, the bytes that are signed.
    pub fn write(operation: Operation, labels: &[&str], body: Option<&serde_json::Value>) -> Result<Self, ConsoleError> {
        Self::call(operation, labels, Vec::new(), body)
    }

    /// The path and query as they are signed and sent: `/fuota-tasks?maxResults=250&nextToken=a%2Bb`.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(&segment(value));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::operation::TABLE;
    use proptest::prelude::*;

    #[test]
    fn each_operation_has_its_path_and_query() {
        let task = Request::get_fuota_task("a/b c").unwrap();
        assert_eq!(task.path_and_query(), "/fuota-tasks/a%2Fb%20c");
        assert_eq!(Request::list_fuota_tasks(&PageRequest::first()).path_and_query(), "/fuota-tasks?maxResults=250");
        assert_eq!(Request::list_fuota_tasks(&PageRequest::after("x+y/z=")).path_and_query(), "/fuota-tasks?maxResults=250&nextToken=x%2By%2Fz%3D");
        let devices = Request::list_wireless_devices(&DeviceSource::FuotaTask("t 1".into()), &PageRequest::first()).unwrap();
        assert_eq!(devices.path_and_query(), "/wireless-devices?fuotaTaskId=t%201&maxResults=250");
        let by_group = Request::list_wireless_devices(&DeviceSource::MulticastGroup("g1".into()), &PageRequest::after("p2")).unwrap();
        assert_eq!(by_group.path_and_query(), "/wireless-devices?maxResults=250&multicastGroupId=g1&nextToken=p2");
        let by_profile = Request::list_wireless_devices(&DeviceSource::DeviceProfile("dp/1".into()), &PageRequest::first()).unwrap();
        assert_eq!(by_profile.path_and_query(), "/wireless-devices?deviceProfileId=dp%2F1&maxResults=250");
        let refused = Request::list_wireless_devices(&DeviceSource::DeviceProfile(" ".into()), &PageRequest::first()).unwrap_err();
        assert_eq!(refused.refusal().map(|(f, _)| f.name()), Some("device-profile-id"));
        let groups = Request::list_multicast_groups_by_fuota_task("t1", &PageRequest::first()).unwrap();
        assert_eq!(groups.path_and_query(), "/fuota-tasks/t1/multicast-groups?maxResults=250");
        assert_eq!(Request::get_multicast_group("g/1").unwrap().path_and_query(), "/multicast-groups/g%2F1");
        assert_eq!(Request::get_multicast_group_session("g1").unwrap().path_and_query(), "/multicast-groups/g1/session");
        assert_eq!(Request::get_wireless_device_statistics("d/1 2").unwrap().path_and_query(), "/wireless-devices/d%2F1%202/statistics");
        assert_eq!(Request::get_wireless_gateway("gw eu/1").unwrap().path_and_query(), "/wireless-gateways/gw%20eu%2F1?identifierType=WirelessGatewayId");
    }

    #[test]
    fn writes_fill_their_labels_and_carry_exactly_their_members() {
        use serde_json::json;
        let create = Request::write(
            Operation::CreateFuotaTask,
            &[],
            Some(&json!({"ClientRequestToken": "t-1", "FirmwareUpdateImage": "s3://b/k", "FirmwareUpdateRole": "arn:aws:iam::1:role/r", "LoRaWAN": {"RfRegion": "EU868"}})),
        )
        .unwrap();
        assert_eq!((create.method(), create.path_and_query().as_str()), (Method::Post, "/fuota-tasks"));
        assert_eq!(
            create.body(),
            Some(
                r#"{"ClientRequestToken":"t-1","FirmwareUpdateImage":"s3://b/k","FirmwareUpdateRole":"arn:aws:iam::1:role/r","LoRaWAN":{"RfRegion":"EU868"}}"#
            )
        );
        let remove = Request::write(Operation::DisassociateWirelessDeviceFromFuotaTask, &["t/1", "d 1"], None).unwrap();
        assert_eq!(remove.path_and_query(), "/fuota-tasks/t%2F1/wireless-devices/d%201");
        assert_eq!((remove.method(), remove.body()), (Method::Delete, None));
        let start = Request::write(Operation::StartFuotaTask, &["t1"], Some(&json!({"LoRaWAN": {"StartTime": "2026-12-03T10:00:00Z"}}))).unwrap();
        assert_eq!(start.method(), Method::Put);
        // A member the model does not have, a missing required one, a missing or extra id: refused before signing.
        assert!(Request::write(Operation::UpdateFuotaTask, &["t1"], Some(&json!({"Tags": []}))).is_err());
        assert!(Request::write(Operation::CreateFuotaTask, &[], Some(&json!({"Name": "x"}))).is_err());
        assert!(Request::write(Operation::AssociateMulticastGroupWithFuotaTask, &["t1"], None).is_err());
        assert!(Request::write(Operation::DeleteFuotaTask, &[], None).is_err());
        assert!(Request::write(Operation::DeleteFuotaTask, &["t1", "extra"], None).is_err());
        assert!(Request::write(Operation::DeleteFuotaTask, &[".."], None).is_err());
    }

    #[test]
    fn a_token_is_32_hex_digits_within_the_models_pattern() {
        let token = client_request_token(&[0xab; 16]);
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(client_request_token(&[1; 16]), client_request_token(&[2; 16]));
    }

    #[test]
    fn an_empty_token_asks_for_the_first_page() {
        let page = PageRequest { next_token: Some(String::new()), max_results: 0 };
        assert_eq!(Request::list_fuota_tasks(&page).path_and_query(), "/fuota-tasks?maxResults=1");
    }

    #[test]
    fn ids_a_browser_cannot_send_are_refused_before_signing() {
        for bad in [".", "..", "", "  "] {
            assert!(Request::get_fuota_task(bad).is_err(), "{bad:?}");
            assert!(Request::get_multicast_group(bad).is_err(), "{bad:?}");
            assert!(Request::get_wireless_device_statistics(bad).is_err(), "{bad:?}");
            assert!(Request::get_wireless_gateway(bad).is_err(), "{bad:?}");
        }
        let device = Request::get_wireless_device_statistics(&"d".repeat(257)).unwrap_err();
        assert_eq!(device.refusal().map(|(f, _)| f.name()), Some("wireless-device-id"));
        assert!(device.sentence().contains("wireless device"), "{}", device.sentence());
        let gateway = Request::get_wireless_gateway("..").unwrap_err();
        assert_eq!(gateway.refusal().map(|(f, _)| f.name()), Some("wireless-gateway-id"));
        assert!(gateway.sentence().contains("wireless gateway"), "{}", gateway.sentence());
        assert!(validate_task_id(&"é".repeat(256)).is_ok());
        assert!(validate_task_id(&"a".repeat(257)).is_err());
        let err = Request::get_multicast_group("..").unwrap_err();
        assert!(err.sentence().contains("multicast group"), "{}", err.sentence());
    }

    #[test]
    fn the_table_has_one_entry_per_operation_and_its_paths_are_the_requests() {
        assert_eq!(TABLE.len(), Operation::ALL.len());
        let page = PageRequest::after("t");
        let built = [
            Request::get_fuota_task("x").unwrap(),
            Request::list_fuota_tasks(&page),
            Request::list_wireless_devices(&DeviceSource::FuotaTask("x".into()), &page).unwrap(),
            Request::list_multicast_groups_by_fuota_task("x", &page).unwrap(),
            Request::get_multicast_group("x").unwrap(),
            Request::get_multicast_group_session("x").unwrap(),
            Request::list_multicast_groups(&page),
            Request::get_wireless_device_statistics("x").unwrap(),
            Request::get_wireless_gateway("x").unwrap(),
            Request::list_tags_for_resource("arn:x").unwrap(),
        ];
        // Every read of the table has its builder here.
        assert_eq!(built.len(), TABLE.iter().filter(|s| s.method == Method::Get).count());
        for request in built {
            let spec = request.operation.spec();
            assert_eq!(request.path, spec.path.replace("{Id}", "x").replace("{Identifier}", "x"), "{:?}", spec.operation);
            assert!(request.query.iter().all(|(name, _)| spec.query.contains(name)), "{:?}", spec.operation);
            // A query member the table gives a read without paging (identifierType) is always sent.
            if !spec.query.contains(&"nextToken") {
                assert!(spec.query.iter().all(|q| request.query.iter().any(|(name, _)| name == q)), "{:?}", spec.operation);
            }
            assert_eq!(request.body.is_some(), !spec.body.is_empty());
            assert_eq!(request.method(), spec.method);
        }
        // A label names the operation's own resource in a refusal.
        let refused = |r: Result<Request, ConsoleError>| r.unwrap_err().refusal().map(|(f, _)| f);
        assert_eq!(refused(Request::get_multicast_group_session("")), Some(Field::MulticastGroupId));
        assert_eq!(refused(Request::list_multicast_groups_by_fuota_task("", &page)), Some(Field::TaskId));
        assert_eq!(refused(Request::write(Operation::DisassociateMulticastGroupFromFuotaTask, &["t", ""], None)), Some(Field::MulticastGroupId));
        assert_eq!(refused(Request::write(Operation::DisassociateWirelessDeviceFromFuotaTask, &["t", ".."], None)), Some(Field::WirelessDeviceId));
    }

    const ARN: &str = "arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/t+1";
    const ARN_ENCODED: &str = "arn%3Aaws%3Aiotwireless%3Aeu-west-1%3A123456789012%3AFuotaTask%2Ft%2B1";

    fn pairs(tags: &[(&str, &str)]) -> Vec<(String, String)> {
        tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// A rollout's writes: the group with its token, band, class and tags; its devices; the tags
    /// by ARN, `tagKeys` repeated in the order botocore signs (by the encoded key).
    #[test]
    fn a_rollouts_writes_have_their_exact_bodies_and_queries() {
        let group = NewMulticastGroup {
            name: "wave-1".into(),
            description: String::new(),
            rf_region: "EU868".into(),
            dl_class: "ClassC".into(),
            tags: pairs(&[("fuota-rollout:wave", "1"), ("team", "")]),
        };
        let create = Request::create_multicast_group(&group, "0123abcd").unwrap();
        assert_eq!((create.method(), create.path_and_query().as_str()), (Method::Post, "/multicast-groups"));
        assert_eq!(
            create.body(),
            Some(
                r#"{"ClientRequestToken":"0123abcd","LoRaWAN":{"DlClass":"ClassC","RfRegion":"EU868"},"Name":"wave-1","Tags":[{"Key":"fuota-rollout:wave","Value":"1"},{"Key":"team","Value":""}]}"#
            )
        );
        let bare = Request::create_multicast_group(&NewMulticastGroup { name: String::new(), tags: Vec::new(), ..group.clone() }, "t").unwrap();
        assert_eq!(bare.body(), Some(r#"{"ClientRequestToken":"t","LoRaWAN":{"DlClass":"ClassC","RfRegion":"EU868"}}"#));
        let field = |r: Result<Request, ConsoleError>| r.unwrap_err().refusal().map(|(f, _)| f);
        assert_eq!(
            field(Request::create_multicast_group(&NewMulticastGroup { rf_region: "EU869".into(), ..group.clone() }, "t")),
            Some(Field::NewTaskRfRegion)
        );
        assert_eq!(field(Request::create_multicast_group(&NewMulticastGroup { dl_class: "ClassA".into(), ..group.clone() }, "t")), Some(Field::MulticastClass));
        assert_eq!(field(Request::create_multicast_group(&NewMulticastGroup { name: "n".repeat(257), ..group.clone() }, "t")), Some(Field::NewTaskName));
        assert!(matches!(Request::create_multicast_group(&group, "a b"), Err(ConsoleError::Signing { .. })), "a token the model refuses");
        assert!(matches!(Request::create_multicast_group(&group, ""), Err(ConsoleError::Signing { .. })));

        let join = Request::associate_wireless_device_with_multicast_group("g/1", "d 1").unwrap();
        assert_eq!(
            (join.method(), join.path_and_query().as_str(), join.body()),
            (Method::Put, "/multicast-groups/g%2F1/wireless-device", Some(r#"{"WirelessDeviceId":"d 1"}"#))
        );
        assert_eq!(field(Request::associate_wireless_device_with_multicast_group("g1", "..")), Some(Field::WirelessDeviceId));
        assert_eq!(field(Request::associate_wireless_device_with_multicast_group("", "d1")), Some(Field::MulticastGroupId));
        let leave = Request::disassociate_wireless_device_from_multicast_group("g1", "d/1").unwrap();
        assert_eq!((leave.method(), leave.path_and_query().as_str(), leave.body()), (Method::Delete, "/multicast-groups/g1/wireless-devices/d%2F1", None));
        let delete = Request::delete_multicast_group("g1").unwrap();
        assert_eq!((delete.method(), delete.path_and_query().as_str(), delete.body()), (Method::Delete, "/multicast-groups/g1", None));

        let tag = Request::tag_resource(ARN, &pairs(&[("fuota-rollout:id", "r-1"), ("a b", "x/y")])).unwrap();
        assert_eq!((tag.method(), tag.path_and_query()), (Method::Post, format!("/tags?resourceArn={ARN_ENCODED}")));
        assert_eq!(tag.body(), Some(r#"{"Tags":[{"Key":"fuota-rollout:id","Value":"r-1"},{"Key":"a b","Value":"x/y"}]}"#));
        let list = Request::list_tags_for_resource(&format!(" {ARN}\n")).unwrap();
        assert_eq!((list.method(), list.path_and_query()), (Method::Get, format!("/tags?resourceArn={ARN_ENCODED}")));
        // `a.b` sorts before `a/b` as text, after it encoded (`a%2Fb`): the encoded order is SigV4's.
        let untag = Request::untag_resource(ARN, &["b", "a.b", "a/b", "fuota-rollout:v", "b"]).unwrap();
        assert_eq!(
            untag.path_and_query(),
            format!("/tags?resourceArn={ARN_ENCODED}&tagKeys=a%2Fb&tagKeys=a.b&tagKeys=b&tagKeys=fuota-rollout%3Av"),
            "repeated, sorted by the encoded key, each key once"
        );
        assert_eq!((untag.method(), untag.body()), (Method::Delete, None));
    }

    #[test]
    fn tags_and_arns_the_service_would_refuse_are_refused_before_signing() {
        let field = |r: Result<Request, ConsoleError>| r.unwrap_err().refusal().map(|(f, _)| f);
        for arn in ["", "  ", "FuotaTask/t1", "arn:aws:iotwireless:eu-west-1:1:FuotaTask/a b"] {
            assert_eq!(field(Request::list_tags_for_resource(arn)), Some(Field::ResourceArn), "{arn:?}");
        }
        assert_eq!(field(Request::list_tags_for_resource(&format!("arn:{}", "x".repeat(1008)))), Some(Field::ResourceArn));
        assert!(Request::list_tags_for_resource(&format!("arn:{}", "x".repeat(1007))).is_ok(), "1011 characters");
        for bad in [
            pairs(&[("", "v")]),
            pairs(&[(&"k".repeat(129), "v")]),
            pairs(&[("k", &"v".repeat(257))]),
            pairs(&[("aws:created", "x")]),
            pairs(&[("AWS:x", "x")]),
            pairs(&[("k", "1"), ("k", "2")]),
            Vec::new(),
        ] {
            assert_eq!(field(Request::tag_resource(ARN, &bad)), Some(Field::Tags), "{bad:?}");
        }
        let fifty: Vec<(String, String)> = (0..50).map(|n| (format!("k{n}"), String::new())).collect();
        assert!(Request::tag_resource(ARN, &fifty).is_ok());
        let fifty_one: Vec<(String, String)> = (0..51).map(|n| (format!("k{n}"), String::new())).collect();
        assert_eq!(field(Request::tag_resource(ARN, &fifty_one)), Some(Field::Tags));
        assert!(Request::tag_resource(ARN, &pairs(&[(&"k".repeat(128), &"v".repeat(256))])).is_ok());
        for keys in [&[][..], &[""][..], &["aws:x"][..]] {
            assert_eq!(field(Request::untag_resource(ARN, keys)), Some(Field::Tags), "{keys:?}");
        }
        assert_eq!(field(Request::untag_resource("x", &["k"])), Some(Field::ResourceArn));
    }

    proptest! {
        /// Whatever the keys, UntagResource's query is SigV4's canonical query: sorted by name and
        /// encoded value, every key once, each decoding back to what was given.
        #[test]
        fn any_tag_keys_make_a_canonical_query(keys in proptest::collection::vec("[a-zA-Z0-9 _.:/=+@-]{1,12}", 1..8)) {
            let keys: Vec<&str> = keys.iter().map(String::as_str).filter(|k| !k.to_ascii_lowercase().starts_with("aws:")).collect();
            prop_assume!(!keys.is_empty());
            let r = Request::untag_resource(ARN, &keys).unwrap();
            let pq = r.path_and_query();
            let query = pq.split_once('?').unwrap().1;
            let sent: Vec<&str> = query.split('&').collect();
            let mut sorted = sent.clone();
            sorted.sort_by(|a, b| a.split_once('=').cmp(&b.split_once('=')));
            prop_assert_eq!(&sent, &sorted);
            let decoded: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let mut given: Vec<&str> = keys.clone();
            given.sort_unstable();
            given.dedup();
            let mut got: Vec<&str> = decoded.iter().filter(|(n, _)| n == "tagKeys").map(|(_, v)| v.as_str()).collect();
            got.sort_unstable();
            prop_assert_eq!(got, given);
        }

        /// Whatever the id or token, the path holds one segment per label and the query has only
        /// unreserved characters and escapes: nothing a URL parser or the signer could read differently.
        #[test]
        fn any_id_and_token_stay_in_their_place(id in "\\PC{1,40}", token in "\\PC{1,60}") {
            prop_assume!(id.trim() != "." && id.trim() != ".." && !id.trim().is_empty());
            let r = Request::list_multicast_groups_by_fuota_task(&id, &PageRequest::after(&token)).unwrap();
            let pq = r.path_and_query();
            let (path, query) = pq.split_once('?').unwrap();
            prop_assert_eq!(path.split('/').count(), 4);
            prop_assert!(query.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%=&".contains(&b)), "{}", query);
            let decoded: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            prop_assert!(decoded.contains(&("nextToken".to_owned(), token.clone())));
        }
    }
}
