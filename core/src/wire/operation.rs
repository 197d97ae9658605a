//! The IoT Wireless operations the console calls: one table, reads and the writes of the FUOTA
//! task's lifecycle.
//!
//! Every operation is rest-json (botocore's `iotwireless/2020-11-22/service-2.json`): labels in the
//! path, members in the query string, an optional JSON body. The [`TABLE`] is the one list of them:
//! the relay's allow-list, the local endpoint's routes and the README's IAM actions are checked
//! against it by tests; `wire::request` builds one call of an operation. GetWirelessDevice is
//! deliberately absent: it returns the device's root and session keys. The pre-flight check reads
//! a device's link with GetWirelessDeviceStatistics (no secret in it) and a multicast group's
//! participating gateways with GetWirelessGateway instead.

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

/// One operation as the API defines it (the model's `http` trait and members) and as the console
/// speaks of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationSpec {
    pub operation: Operation,
    pub method: Method,
    /// The path with its labels in braces: `/fuota-tasks/{Id}`.
    pub path: &'static str,
    /// The query members, by their wire names.
    pub query: &'static [&'static str],
    /// The body members (empty: the request has no body).
    pub body: &'static [&'static str],
    /// The body members the model requires.
    pub required: &'static [&'static str],
    /// The status of a successful answer (`200` with JSON; `201`, `204` may come with none).
    pub success: u16,
    pub idempotency: Idempotency,
    /// What a successful answer holds, in people's words ("a FUOTA task").
    pub answer_noun: &'static str,
    /// The resource the request names by id, for a "not found" sentence.
    pub resource_noun: &'static str,
}

const PAGE: &[&str] = &["maxResults", "nextToken"];

/// Every operation the console calls. Adding one is one entry here and its answer's type.
pub const TABLE: &[OperationSpec] = &[
    OperationSpec {
        operation: Operation::GetFuotaTask,
        method: Method::Get,
        path: "/fuota-tasks/{Id}",
        query: &[],
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a FUOTA task",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::ListFuotaTasks,
        method: Method::Get,
        path: "/fuota-tasks",
        query: PAGE,
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a page of FUOTA tasks",
        resource_noun: "resource",
    },
    OperationSpec {
        operation: Operation::ListWirelessDevices,
        method: Method::Get,
        path: "/wireless-devices",
        query: &["fuotaTaskId", "maxResults", "multicastGroupId", "nextToken"],
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a page of wireless devices",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::ListMulticastGroupsByFuotaTask,
        method: Method::Get,
        path: "/fuota-tasks/{Id}/multicast-groups",
        query: PAGE,
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a page of multicast groups",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::GetMulticastGroup,
        method: Method::Get,
        path: "/multicast-groups/{Id}",
        query: &[],
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a multicast group",
        resource_noun: "multicast group",
    },
    OperationSpec {
        operation: Operation::GetMulticastGroupSession,
        method: Method::Get,
        path: "/multicast-groups/{Id}/session",
        query: &[],
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a multicast session",
        resource_noun: "multicast group",
    },
    OperationSpec {
        operation: Operation::ListMulticastGroups,
        method: Method::Get,
        path: "/multicast-groups",
        query: PAGE,
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a page of multicast groups",
        resource_noun: "resource",
    },
    OperationSpec {
        operation: Operation::GetWirelessDeviceStatistics,
        method: Method::Get,
        path: "/wireless-devices/{Id}/statistics",
        query: &[],
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a wireless device's statistics",
        resource_noun: "wireless device",
    },
    OperationSpec {
        operation: Operation::GetWirelessGateway,
        method: Method::Get,
        path: "/wireless-gateways/{Identifier}",
        query: &["identifierType"],
        body: &[],
        required: &[],
        success: 200,
        idempotency: Idempotency::Read,
        answer_noun: "a wireless gateway",
        resource_noun: "wireless gateway",
    },
    OperationSpec {
        operation: Operation::CreateFuotaTask,
        method: Method::Post,
        path: "/fuota-tasks",
        query: &[],
        body: &[
            "ClientRequestToken",
            "Description",
            "Descriptor",
            "FirmwareUpdateImage",
            "FirmwareUpdateRole",
            "FragmentIntervalMS",
            "FragmentSizeBytes",
            "LoRaWAN",
            "Name",
            "RedundancyPercent",
            "Tags",
        ],
        required: &["FirmwareUpdateImage", "FirmwareUpdateRole"],
        success: 201,
        idempotency: Idempotency::TokenWrite,
        answer_noun: "the new FUOTA task's id",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::UpdateFuotaTask,
        method: Method::Patch,
        path: "/fuota-tasks/{Id}",
        query: &[],
        body: &[
            "Description",
            "Descriptor",
            "FirmwareUpdateImage",
            "FirmwareUpdateRole",
            "FragmentIntervalMS",
            "FragmentSizeBytes",
            "LoRaWAN",
            "Name",
            "RedundancyPercent",
        ],
        required: &[],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::StartFuotaTask,
        method: Method::Put,
        path: "/fuota-tasks/{Id}",
        query: &[],
        body: &["LoRaWAN"],
        required: &[],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::DeleteFuotaTask,
        method: Method::Delete,
        path: "/fuota-tasks/{Id}",
        query: &[],
        body: &[],
        required: &[],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::AssociateMulticastGroupWithFuotaTask,
        method: Method::Put,
        path: "/fuota-tasks/{Id}/multicast-group",
        query: &[],
        body: &["MulticastGroupId"],
        required: &["MulticastGroupId"],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::AssociateWirelessDeviceWithFuotaTask,
        method: Method::Put,
        path: "/fuota-tasks/{Id}/wireless-device",
        query: &[],
        body: &["WirelessDeviceId"],
        required: &["WirelessDeviceId"],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::DisassociateMulticastGroupFromFuotaTask,
        method: Method::Delete,
        path: "/fuota-tasks/{Id}/multicast-groups/{MulticastGroupId}",
        query: &[],
        body: &[],
        required: &[],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
    OperationSpec {
        operation: Operation::DisassociateWirelessDeviceFromFuotaTask,
        method: Method::Delete,
        path: "/fuota-tasks/{Id}/wireless-devices/{WirelessDeviceId}",
        query: &[],
        body: &[],
        required: &[],
        success: 204,
        idempotency: Idempotency::Write,
        answer_noun: "nothing",
        resource_noun: "FUOTA task",
    },
];

/// An operation of IoT Wireless, named as the API and IAM name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    GetFuotaTask,
    ListFuotaTasks,
    ListWirelessDevices,
    ListMulticastGroupsByFuotaTask,
    GetMulticastGroup,
    GetMulticastGroupSession,
    ListMulticastGroups,
    GetWirelessDeviceStatistics,
    GetWirelessGateway,
    CreateFuotaTask,
    UpdateFuotaTask,
    StartFuotaTask,
    DeleteFuotaTask,
    AssociateMulticastGroupWithFuotaTask,
    AssociateWirelessDeviceWithFuotaTask,
    DisassociateMulticastGroupFromFuotaTask,
    DisassociateWirelessDeviceFromFuotaTask,
}

impl Operation {
    pub const ALL: [Operation; 17] = [
        Operation::GetFuotaTask,
        Operation::ListFuotaTasks,
        Operation::ListWirelessDevices,
        Operation::ListMulticastGroupsByFuotaTask,
        Operation::GetMulticastGroup,
        Operation::GetMulticastGroupSession,
        Operation::ListMulticastGroups,
        Operation::GetWirelessDeviceStatistics,
        Operation::GetWirelessGateway,
        Operation::CreateFuotaTask,
        Operation::UpdateFuotaTask,
        Operation::StartFuotaTask,
        Operation::DeleteFuotaTask,
        Operation::AssociateMulticastGroupWithFuotaTask,
        Operation::AssociateWirelessDeviceWithFuotaTask,
        Operation::DisassociateMulticastGroupFromFuotaTask,
        Operation::DisassociateWirelessDeviceFromFuotaTask,
    ];

    /// The operation's entry in [`TABLE`].
    pub fn spec(self) -> &'static OperationSpec {
        // Every operation has its entry: a native test checks it, so this never falls through.
        TABLE.iter().find(|s| s.operation == self).unwrap_or(&TABLE[0])
    }

    /// The operation's name, as in the API reference and in IAM.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetFuotaTask => "GetFuotaTask",
            Operation::ListFuotaTasks => "ListFuotaTasks",
            Operation::ListWirelessDevices => "ListWirelessDevices",
            Operation::ListMulticastGroupsByFuotaTask => "ListMulticastGroupsByFuotaTask",
            Operation::GetMulticastGroup => "GetMulticastGroup",
            Operation::GetMulticastGroupSession => "GetMulticastGroupSession",
            Operation::ListMulticastGroups => "ListMulticastGroups",
            Operation::GetWirelessDeviceStatistics => "GetWirelessDeviceStatistics",
            Operation::GetWirelessGateway => "GetWirelessGateway",
            Operation::CreateFuotaTask => "CreateFuotaTask",
            Operation::UpdateFuotaTask => "UpdateFuotaTask",
            Operation::StartFuotaTask => "StartFuotaTask",
            Operation::DeleteFuotaTask => "DeleteFuotaTask",
            Operation::AssociateMulticastGroupWithFuotaTask => "AssociateMulticastGroupWithFuotaTask",
            Operation::AssociateWirelessDeviceWithFuotaTask => "AssociateWirelessDeviceWithFuotaTask",
            Operation::DisassociateMulticastGroupFromFuotaTask => "DisassociateMulticastGroupFromFuotaTask",
            Operation::DisassociateWirelessDeviceFromFuotaTask => "DisassociateWirelessDeviceFromFuotaTask",
        }
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
        match self.resource_noun() {
            "FUOTA task" => "task id",
            "multicast group" => "multicast group id",
            "wireless device" => "wireless device id",
            "wireless gateway" => "wireless gateway id",
            _ => "request",
        }
    }

    /// The resource the request names by id, for a "not found" sentence.
    pub fn resource_noun(self) -> &'static str {
        self.spec().resource_noun
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

    #[test]
    fn iam_actions_are_named_after_the_operations() {
        assert_eq!(Operation::ListWirelessDevices.iam_action(), "iotwireless:ListWirelessDevices");
        let names: std::collections::HashSet<_> = Operation::ALL.iter().map(|o| o.name()).collect();
        assert_eq!(names.len(), Operation::ALL.len());
    }
}
