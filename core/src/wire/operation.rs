//! The IoT Wireless operations the console calls: one table, reads and the writes of the FUOTA
//! task's lifecycle.
//!
//! Every operation is rest-json (botocore's `iotwireless/2020-11-22/service-2.json`): labels in the
//! path, members in the query string, an optional JSON body. The `operations!` list below is the
//! one place an operation is named and described: it makes the [`Operation`] enum and its
//! [`TABLE`] together, in one order, so every operation has exactly its spec (a missing one does
//! not compile). The relay's allow-list, the local endpoint's routes and the README's IAM actions
//! are checked against the table by tests; `wire::request` builds one call of an operation from
//! it. GetWirelessDevice is deliberately absent: it returns the device's root and session keys. The
//! pre-flight check reads a device's link with GetWirelessDeviceStatistics (no secret in it) and a
//! multicast group's participating gateways with GetWirelessGateway instead. A rollout's writes
//! (a multicast group per wave, its devices, the tags that record the rollout) are here too.

/// An HTTP method of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Whether sending a request twice can do anything twice: what decides if it may be re-sent after
/// it may have reached the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// A read: re-sending it changes nothing.
    Read,
    /// A write that carries a `ClientRequestToken`: the service answers a repeat with the first
    /// call's result.
    TokenWrite,
    /// A write the model does not mark idempotent: once it may have reached the service, it is
    /// never re-sent (its outcome is unknown until read back).
    Write,
}

impl Idempotency {
    /// May a request whose outcome is unknown (timeout, network failure, 5xx) be sent again?
    pub fn may_resend(self) -> bool {
        !matches!(self, Idempotency::Write)
    }
}

/// The resource an operation names by id in its path: what its `{Id}` label is, and what a "not
/// found" or "invalid" sentence names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    FuotaTask,
    MulticastGroup,
    WirelessDevice,
    WirelessGateway,
    /// A FUOTA task or multicast group named by its ARN in the query (`/tags?resourceArn=`): what
    /// the console tags.
    Tagged,
    /// A list of the account's: no id to check.
    Account,
}

impl Resource {
    /// In people's words: "FUOTA task".
    pub fn noun(self) -> &'static str {
        match self {
            Resource::FuotaTask => "FUOTA task",
            Resource::MulticastGroup => "multicast group",
            Resource::WirelessDevice => "wireless device",
            Resource::WirelessGateway => "wireless gateway",
            Resource::Tagged => "FUOTA task or multicast group",
            Resource::Account => "resource",
        }
    }

    /// What the user should check when the service refuses the id ("task id").
    pub fn id_name(self) -> &'static str {
        match self {
            Resource::FuotaTask => "task id",
            Resource::MulticastGroup => "multicast group id",
            Resource::WirelessDevice => "wireless device id",
            Resource::WirelessGateway => "wireless gateway id",
            Resource::Tagged => "resource ARN",
            Resource::Account => "request",
        }
    }
}

/// One operation as the API defines it (the model's `http` trait and members) and as the console
/// speaks of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationSpec {
    pub operation: Operation,
    /// The operation's name, as in the API reference and in IAM.
    pub name: &'static str,
    pub method: Method,
    /// The path with its labels in braces: `/fuota-tasks/{Id}`.
    pub path: &'static str,
    /// The query members, by their wire names.
    pub query: &'static [&'static str],
    /// The body members (empty: the request has no body).
    pub body: &'static [&'static str],
    /// The body members the model requires.
    pub required: &'static [&'static str],
    /// The status of a successful answer (the model's `responseCode`): any other is not the
    /// service's success, even another 2xx.
    pub success: u16,
    /// Whether a successful answer carries a JSON body (the model's output has members): a `204`
    /// has none, a `200` read and a `201` create have one.
    pub answers_json: bool,
    pub idempotency: Idempotency,
    /// What a successful answer holds, in people's words ("a FUOTA task").
    pub answer_noun: &'static str,
    /// The resource the request names by id (its path's `{Id}` / `{Identifier}`), for a "not
    /// found" sentence.
    pub resource: Resource,
}

const PAGE: &[&str] = &["maxResults", "nextToken"];

/// One `1` per operation, to count them in a constant.
macro_rules! one {
    ($op:ident) => {
        1
    };
}

/// Makes the [`Operation`] enum and the [`TABLE`] of their specs from one list, in one order, so
/// that `TABLE[op as usize]` is `op`'s spec by construction.
macro_rules! operations {
    ($($(#[$doc:meta])* $op:ident { $($field:ident: $value:expr),* $(,)? })*) => {
        /// An operation of IoT Wireless, named as the API and IAM name it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($(#[$doc])* $op,)*
        }

        /// Every operation the console calls, in the enum's order. Adding one is one entry in the
        /// list below (and its answer's type).
        pub static TABLE: [OperationSpec; 0 $(+ one!($op))*] = [
            $(OperationSpec { operation: Operation::$op, name: stringify!($op), $($field: $value),* },)*
        ];

        impl Operation {
            pub const ALL: [Operation; 0 $(+ one!($op))*] = [$(Operation::$op,)*];
        }
    };
}

operations! {
    GetFuotaTask {
        method: Method::Get, path: "/fuota-tasks/{Id}", query: &[], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a FUOTA task", resource: Resource::FuotaTask,
    }
    ListFuotaTasks {
        method: Method::Get, path: "/fuota-tasks", query: PAGE, body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a page of FUOTA tasks", resource: Resource::Account,
    }
    ListWirelessDevices {
        method: Method::Get, path: "/wireless-devices", query: &["deviceProfileId", "fuotaTaskId", "maxResults", "multicastGroupId", "nextToken"], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        // Read by task (or by group): a "not found" names the task unless the service says otherwise.
        answer_noun: "a page of wireless devices", resource: Resource::FuotaTask,
    }
    ListMulticastGroupsByFuotaTask {
        method: Method::Get, path: "/fuota-tasks/{Id}/multicast-groups", query: PAGE, body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a page of multicast groups", resource: Resource::FuotaTask,
    }
    GetMulticastGroup {
        method: Method::Get, path: "/multicast-groups/{Id}", query: &[], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a multicast group", resource: Resource::MulticastGroup,
    }
    GetMulticastGroupSession {
        method: Method::Get, path: "/multicast-groups/{Id}/session", query: &[], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a multicast session", resource: Resource::MulticastGroup,
    }
    ListMulticastGroups {
        method: Method::Get, path: "/multicast-groups", query: PAGE, body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a page of multicast groups", resource: Resource::Account,
    }
    GetWirelessDeviceStatistics {
        method: Method::Get, path: "/wireless-devices/{Id}/statistics", query: &[], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a wireless device's statistics", resource: Resource::WirelessDevice,
    }
    GetWirelessGateway {
        method: Method::Get, path: "/wireless-gateways/{Identifier}", query: &["identifierType"], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a wireless gateway", resource: Resource::WirelessGateway,
    }
    CreateFuotaTask {
        method: Method::Post, path: "/fuota-tasks", query: &[],
        body: &[
            "ClientRequestToken", "Description", "Descriptor", "FirmwareUpdateImage", "FirmwareUpdateRole",
            "FragmentIntervalMS", "FragmentSizeBytes", "LoRaWAN", "Name", "RedundancyPercent", "Tags",
        ],
        required: &["FirmwareUpdateImage", "FirmwareUpdateRole"],
        success: 201, answers_json: true, idempotency: Idempotency::TokenWrite,
        answer_noun: "the new FUOTA task's id", resource: Resource::FuotaTask,
    }
    UpdateFuotaTask {
        method: Method::Patch, path: "/fuota-tasks/{Id}", query: &[],
        body: &[
            "Description", "Descriptor", "FirmwareUpdateImage", "FirmwareUpdateRole", "FragmentIntervalMS",
            "FragmentSizeBytes", "LoRaWAN", "Name", "RedundancyPercent",
        ],
        required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    StartFuotaTask {
        method: Method::Put, path: "/fuota-tasks/{Id}", query: &[], body: &["LoRaWAN"], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    DeleteFuotaTask {
        method: Method::Delete, path: "/fuota-tasks/{Id}", query: &[], body: &[], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    AssociateMulticastGroupWithFuotaTask {
        method: Method::Put, path: "/fuota-tasks/{Id}/multicast-group", query: &[], body: &["MulticastGroupId"], required: &["MulticastGroupId"],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    AssociateWirelessDeviceWithFuotaTask {
        method: Method::Put, path: "/fuota-tasks/{Id}/wireless-device", query: &[], body: &["WirelessDeviceId"], required: &["WirelessDeviceId"],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    DisassociateMulticastGroupFromFuotaTask {
        method: Method::Delete, path: "/fuota-tasks/{Id}/multicast-groups/{MulticastGroupId}", query: &[], body: &[], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    DisassociateWirelessDeviceFromFuotaTask {
        method: Method::Delete, path: "/fuota-tasks/{Id}/wireless-devices/{WirelessDeviceId}", query: &[], body: &[], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::FuotaTask,
    }
    CreateMulticastGroup {
        method: Method::Post, path: "/multicast-groups", query: &[],
        body: &["ClientRequestToken", "Description", "LoRaWAN", "Name", "Tags"],
        required: &["LoRaWAN"],
        success: 201, answers_json: true, idempotency: Idempotency::TokenWrite,
        answer_noun: "the new multicast group's id", resource: Resource::MulticastGroup,
    }
    AssociateWirelessDeviceWithMulticastGroup {
        method: Method::Put, path: "/multicast-groups/{Id}/wireless-device", query: &[], body: &["WirelessDeviceId"], required: &["WirelessDeviceId"],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::MulticastGroup,
    }
    DisassociateWirelessDeviceFromMulticastGroup {
        method: Method::Delete, path: "/multicast-groups/{Id}/wireless-devices/{WirelessDeviceId}", query: &[], body: &[], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::MulticastGroup,
    }
    DeleteMulticastGroup {
        method: Method::Delete, path: "/multicast-groups/{Id}", query: &[], body: &[], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::MulticastGroup,
    }
    TagResource {
        method: Method::Post, path: "/tags", query: &["resourceArn"], body: &["Tags"], required: &["Tags"],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::Tagged,
    }
    UntagResource {
        method: Method::Delete, path: "/tags", query: &["resourceArn", "tagKeys"], body: &[], required: &[],
        success: 204, answers_json: false, idempotency: Idempotency::Write,
        answer_noun: "nothing", resource: Resource::Tagged,
    }
    ListTagsForResource {
        method: Method::Get, path: "/tags", query: &["resourceArn"], body: &[], required: &[],
        success: 200, answers_json: true, idempotency: Idempotency::Read,
        answer_noun: "a resource's tags", resource: Resource::Tagged,
    }
}

impl Operation {
    /// The operation's entry in [`TABLE`]: the macro above puts it at the operation's index.
    pub fn spec(self) -> &'static OperationSpec {
        &TABLE[self as usize]
    }

    /// The operation's name, as in the API reference and in IAM.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The IAM action a policy must allow: IoT Wireless names its actions after its operations.
    pub fn iam_action(self) -> String {
        format!("iotwireless:{}", self.name())
    }

    /// What a successful answer holds, in people's words ("a FUOTA task").
    pub fn answer_noun(self) -> &'static str {
        self.spec().answer_noun
    }

    /// What the user should check when the service refuses the id ("the task id").
    pub fn id_name(self) -> &'static str {
        self.spec().resource.id_name()
    }

    /// The resource the request names by id, for a "not found" sentence.
    pub fn resource_noun(self) -> &'static str {
        self.spec().resource.noun()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_writes_without_a_token_are_never_resent() {
        assert!(Idempotency::Read.may_resend());
        assert!(Idempotency::TokenWrite.may_resend());
        assert!(!Idempotency::Write.may_resend());
        assert!(TABLE.iter().all(|s| (s.method == Method::Get) == (s.idempotency == Idempotency::Read)));
    }

    /// A "not found" or "invalid" sentence tells what to check: every resource an operation names
    /// by id has its id's name.
    #[test]
    fn every_resource_named_by_id_has_an_id_to_check() {
        for op in Operation::ALL {
            if op.resource_noun() != "resource" {
                assert_ne!(op.id_name(), "request", "{op:?}");
            }
        }
        assert_eq!(Operation::GetWirelessDeviceStatistics.id_name(), "wireless device id");
        assert_eq!(Operation::GetWirelessGateway.id_name(), "wireless gateway id");
    }

    /// The enum and the table are one list: each operation's spec is its own, at its index, and
    /// names it as the enum does.
    #[test]
    fn each_operation_has_its_own_spec() {
        assert_eq!(TABLE.len(), Operation::ALL.len());
        for (i, op) in Operation::ALL.into_iter().enumerate() {
            assert_eq!(op as usize, i);
            assert_eq!(op.spec().operation, op);
            assert_eq!(op.name(), format!("{op:?}"));
        }
        // What a success carries follows from its status: JSON with a 200 or 201, nothing with a 204.
        for spec in &TABLE {
            assert_eq!(spec.answers_json, spec.success != 204, "{}", spec.name);
        }
    }

    #[test]
    fn iam_actions_are_named_after_the_operations() {
        assert_eq!(Operation::ListWirelessDevices.iam_action(), "iotwireless:ListWirelessDevices");
        let names: std::collections::HashSet<_> = Operation::ALL.iter().map(|o| o.name()).collect();
        assert_eq!(names.len(), Operation::ALL.len());
    }
}
