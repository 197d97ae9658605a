//! One call of an operation of the table, before it has a host: its path with the labels encoded,
//! its query members and its JSON body; [`crate::wire::connection::Connection::prepare`] gives it
//! one. Ids are checked here, before anything is signed.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::{Method, Operation, Resource};

/// Everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded, in a path label
/// and in a query value alike: SigV4's canonical form encodes the same set, so the URL that is
/// fetched is the URL that is signed, and a `+` in a page token is never read as a space.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The most items a list operation returns in one page (`MaxResults`: 0..250 in the model).
pub const MAX_RESULTS: u32 = 250;

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

/// Which devices ListWirelessDevices should return: those of a FUOTA task, or of a multicast group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceSource {
    FuotaTask(String),
    MulticastGroup(String),
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
        Resource::FuotaTask | Resource::Account => Field::TaskId,
    };
    (field, resource.noun())
}

impl Request {
    /// A call of an operation whose path has no label (a list of the account's): its path is the
    /// table's as it stands.
    fn unlabelled(operation: Operation, query: Vec<(&'static str, String)>) -> Self {
        Self::new(operation, operation.spec().path.to_owned(), query)
    }

    fn new(operation: Operation, path: String, mut query: Vec<(&'static str, String)>) -> Self {
        query.sort();
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

    proptest! {
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
