//! Errors as values: a kind the UI can match on, a sentence that says what to do next, details.

use std::fmt;

use crate::wire::operation::{Operation, Resource};

/// A form control, named as in the automation contract (`name=` of the control).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
    Region,
    Endpoint,
    Relay,
    TaskId,
    FirmwareSize,
    FragmentSize,
    RedundancyPercent,
    FragmentInterval,
    DataRate,
    DownlinkFrequency,
    MulticastClass,
    SessionTimeout,
    PingSlotPeriod,
    DeviceMaxFragment,
    /// Not a control: a multicast group id the service named, checked before it is sent.
    MulticastGroupId,
    /// Not a control: a wireless device id, checked before it is sent.
    WirelessDeviceId,
    /// Not a control: a wireless gateway id a multicast group named, checked before it is sent.
    WirelessGatewayId,
    /// Not a control: a device profile id (a fleet), checked before it is sent.
    DeviceProfileId,
    /// Not a control: the ARN of a resource whose tags are read or written.
    ResourceArn,
    /// Not a control: tags written on a resource (a rollout's record).
    Tags,
    // The new task's form (and the edit form, which is the same form).
    NewTaskName,
    NewTaskDescription,
    NewTaskRfRegion,
    NewTaskImage,
    NewTaskRole,
    NewTaskFragmentSize,
    NewTaskFragmentInterval,
    NewTaskRedundancy,
    NewTaskDescriptor,
    NewTaskTags,
    /// The devices or multicast groups to add to a task, one per line.
    TargetIds,
    /// When a task's session starts.
    StartTime,
    /// The task's name, typed to confirm its deletion.
    ConfirmName,
    // The pre-flight check's what-if values.
    SilentAfterHours,
    ReachMarginDb,
    ReachTargetPercent,
    // The rollout's form (its task's controls are the new task's).
    RolloutName,
    /// Where the fleet's devices come from: a group id, a device profile id, or ids pasted.
    FleetSource,
    WaveSizes,
    SuccessThreshold,
    ErrorThreshold,
    RolloutSeed,
    /// The reason typed to go on past a gate that held or halted.
    OverrideReason,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::AccessKeyId => "access-key-id",
            Field::SecretAccessKey => "secret-access-key",
            Field::SessionToken => "session-token",
            Field::Region => "region",
            Field::Endpoint => "endpoint",
            Field::Relay => "relay",
            Field::TaskId => "task-id",
            Field::FirmwareSize => "firmware-size",
            Field::FragmentSize => "fragment-size",
            Field::RedundancyPercent => "redundancy-percent",
            Field::FragmentInterval => "fragment-interval-ms",
            Field::DataRate => "data-rate",
            Field::DownlinkFrequency => "downlink-frequency-hz",
            Field::MulticastClass => "multicast-class",
            Field::SessionTimeout => "session-timeout-s",
            Field::PingSlotPeriod => "ping-slot-period",
            Field::DeviceMaxFragment => "device-max-fragment-bytes",
            Field::MulticastGroupId => "multicast-group-id",
            Field::WirelessDeviceId => "wireless-device-id",
            Field::WirelessGatewayId => "wireless-gateway-id",
            Field::DeviceProfileId => "device-profile-id",
            Field::ResourceArn => "resource-arn",
            Field::Tags => "tags",
            Field::NewTaskName => "new-task-name",
            Field::NewTaskDescription => "new-task-description",
            Field::NewTaskRfRegion => "new-task-rf-region",
            Field::NewTaskImage => "new-task-image",
            Field::NewTaskRole => "new-task-role",
            Field::NewTaskFragmentSize => "new-task-fragment-size",
            Field::NewTaskFragmentInterval => "new-task-fragment-interval-ms",
            Field::NewTaskRedundancy => "new-task-redundancy-percent",
            Field::NewTaskDescriptor => "new-task-descriptor",
            Field::NewTaskTags => "new-task-tags",
            Field::TargetIds => "target-ids",
            Field::StartTime => "start-time",
            Field::ConfirmName => "confirm-name",
            Field::SilentAfterHours => "silent-after-hours",
            Field::ReachMarginDb => "reach-margin-db",
            Field::ReachTargetPercent => "reach-target-percent",
            Field::RolloutName => "rollout-name",
            Field::FleetSource => "fleet-source",
            Field::WaveSizes => "wave-sizes",
            Field::SuccessThreshold => "success-threshold-percent",
            Field::ErrorThreshold => "error-threshold-percent",
            Field::RolloutSeed => "rollout-seed",
            Field::OverrideReason => "override-reason",
        }
    }
}

/// The error codes IoT Wireless (and SigV4 in front of it) is known to return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnownCode {
    ValidationException,
    ResourceNotFoundException,
    AccessDeniedException,
    InternalServerException,
    ThrottlingException,
    UnrecognizedClientException,
    InvalidSignatureException,
    ExpiredTokenException,
    IncompleteSignatureException,
    MissingAuthenticationTokenException,
    ConflictException,
    /// TagResource: the resource would carry more tags than AWS allows (50).
    TooManyTagsException,
}

impl KnownCode {
    pub const ALL: [KnownCode; 12] = [
        KnownCode::ValidationException,
        KnownCode::ResourceNotFoundException,
        KnownCode::AccessDeniedException,
        KnownCode::InternalServerException,
        KnownCode::ThrottlingException,
        KnownCode::UnrecognizedClientException,
        KnownCode::InvalidSignatureException,
        KnownCode::ExpiredTokenException,
        KnownCode::IncompleteSignatureException,
        KnownCode::MissingAuthenticationTokenException,
        KnownCode::ConflictException,
        KnownCode::TooManyTagsException,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KnownCode::ValidationException => "ValidationException",
            KnownCode::ResourceNotFoundException => "ResourceNotFoundException",
            KnownCode::AccessDeniedException => "AccessDeniedException",
            KnownCode::InternalServerException => "InternalServerException",
            KnownCode::ThrottlingException => "ThrottlingException",
            KnownCode::UnrecognizedClientException => "UnrecognizedClientException",
            KnownCode::InvalidSignatureException => "InvalidSignatureException",
            KnownCode::ExpiredTokenException => "ExpiredTokenException",
            KnownCode::IncompleteSignatureException => "IncompleteSignatureException",
            KnownCode::MissingAuthenticationTokenException => "MissingAuthenticationTokenException",
            KnownCode::ConflictException => "ConflictException",
            KnownCode::TooManyTagsException => "TooManyTagsException",
        }
    }
}

/// A service error code: a new code from the service never breaks parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Known(KnownCode),
    Unknown(String),
}

impl ErrorCode {
    pub fn parse(code: &str) -> Self {
        KnownCode::ALL.into_iter().find(|k| k.as_str() == code).map(ErrorCode::Known).unwrap_or_else(|| ErrorCode::Unknown(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Known(k) => k.as_str(),
            ErrorCode::Unknown(s) => s,
        }
    }
}

/// An error answer of the service, as an SDK would decode it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// The operation that was refused: the sentence names it and its IAM action.
    pub operation: Operation,
    pub code: ErrorCode,
    pub status: u16,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_type: Option<String>,
    /// The answer's `Date` header, when CORS exposed it (for clock-skew correction).
    pub server_date: Option<String>,
}

#[cfg(test)]
impl ServiceError {
    /// The tests' shorthand: an error of `operation` with `code` and `status`, nothing else set.
    pub(crate) fn for_test(operation: Operation, code: ErrorCode, status: u16) -> Self {
        Self { operation, code, status, message: None, request_id: None, resource_id: None, resource_type: None, server_date: None }
    }
}

/// Everything that can go wrong between the form and the rendered task.
#[derive(Clone, Debug, PartialEq)]
pub enum ConsoleError {
    /// A form value is wrong; nothing was sent.
    InvalidInput { field: Field, reason: String },
    /// The request could not be signed; nothing was sent.
    Signing { detail: String },
    /// The credentials' expiration has passed; nothing was sent.
    ExpiredCredentials { expired_at: String },
    /// The host page's credential provider failed or gave something unusable; nothing was sent.
    CredentialsUnavailable { detail: String },
    /// fetch() failed and nothing else explains it: offline, DNS, connection refused. When the
    /// page could not rule CORS out (a cross-origin isolated page cannot probe), it says so.
    Network { url: String, detail: String, cors_ruled_out: bool },
    /// The page's own Content-Security-Policy refused the URL; nothing was sent.
    BlockedByPolicy { url: String },
    /// The host answers, but not to this page: no CORS headers for it (IoT Wireless has none).
    BlockedByCors { url: String },
    /// Chromium's local network access: a page on a public origin may not call a private or
    /// loopback address.
    LocalNetworkBlocked { url: String, page_origin: String },
    /// The console's own rule, before anything is signed: a page not served from this computer
    /// never sends to it (a loopback host), whatever the browser would allow.
    LoopbackFromRemotePage { host: String, page_origin: String },
    /// The attempt took too long and was aborted.
    Timeout { seconds: u32 },
    /// The user cancelled, or a newer request replaced this one.
    Cancelled,
    /// The service answered with a modeled or SigV4 error.
    Service(ServiceError),
    /// Something answered that is not the service speaking JSON (a proxy's HTML page, an empty body).
    UnexpectedResponse { status: u16, content_type: Option<String>, excerpt: String, request_id: Option<String> },
    /// A success status, but not the one the service gives this operation (a `200` for a write
    /// that is answered `204`, a `203` or `206` for a read): something else answered in the
    /// service's place.
    UnexpectedStatus { operation: Operation, expected: u16, status: u16, content_type: Option<String>, excerpt: String, request_id: Option<String> },
    /// A success answer whose body is not what the operation returns.
    Parse { operation: Operation, detail: String, excerpt: String, request_id: Option<String> },
    /// A list gave back a page token it had already given: following it would never end.
    PageLoop { operation: Operation, pages_read: u32 },
    /// A link or storage chose where requests go, and the user has not confirmed it; nothing was sent.
    EndpointNotConfirmed { host: String },
    /// A host answered with a time more than an hour from the browser's clock: the console does
    /// not sign for such a time (a lying host could get requests signed for later replay).
    ClockTooFar { host: String, offset_ms: i64 },
    /// The endpoint or relay answered with a redirect, which is never followed (the browser would
    /// carry the session token to wherever it points).
    Redirected { host: String },
    /// A list went on past the console's cap; what was read is kept.
    ListTooLong { operation: Operation, pages_read: u32, items_read: usize },
    /// A write that may have reached the service failed in a way that does not say whether it
    /// acted (a timeout, a network failure, a 5xx); it was not re-sent.
    OutcomeUnknown { operation: Operation, cause: Box<ConsoleError> },
    /// The credentials were forgotten (or replaced) after this request was prepared: nothing was
    /// signed or sent.
    CredentialsForgotten,
    /// A part of the console that loads on demand (its signer, a view) did not arrive: the
    /// network or the server failed while fetching it; nothing was sent.
    PartNotLoaded { part: String },
    /// A reviewed write was not sent: who would sign it, or the task shown, changed since the
    /// review (`why` says which, in words). Nothing was sent.
    ReviewStale { why: String },
}

/// The sentence of `PartNotLoaded`, also for a page that shows it without the rest of the
/// error machinery (the part that failed to load may be the one that has it).
pub fn part_not_loaded(part: &str) -> String {
    format!(
        "The console could not load its {part} from the server it came from (the network or that server \
         failed): check your connection and reload the page. Nothing was sent."
    )
}

impl ConsoleError {
    /// The field a refused input names and why, for the control to mark itself; None for any
    /// other error.
    pub fn refusal(&self) -> Option<(Field, String)> {
        match self {
            ConsoleError::InvalidInput { field, reason } => Some((*field, reason.clone())),
            _ => None,
        }
    }

    pub fn invalid(field: Field, reason: &str) -> Self {
        ConsoleError::InvalidInput { field, reason: reason.to_owned() }
    }

    /// Will every other request through the same connection fail the same way? The credentials
    /// (expired, forgotten, refused by the service), the destination (unreachable, blocked,
    /// redirecting, unconfirmed, a lying clock) or the page. A resource's own error (not found,
    /// throttled, a bad answer) is that item's alone, and so may be an AccessDeniedException: a
    /// policy can allow some devices and not others (see [`Self::stops_a_fan_out`]).
    pub fn fails_every_request(&self) -> bool {
        match self {
            ConsoleError::Service(e) => matches!(
                e.code,
                ErrorCode::Known(
                    KnownCode::UnrecognizedClientException
                        | KnownCode::InvalidSignatureException
                        | KnownCode::ExpiredTokenException
                        | KnownCode::IncompleteSignatureException
                        | KnownCode::MissingAuthenticationTokenException
                )
            ),
            ConsoleError::OutcomeUnknown { cause, .. } => cause.fails_every_request(),
            ConsoleError::InvalidInput { .. }
            | ConsoleError::Timeout { .. }
            | ConsoleError::Cancelled
            | ConsoleError::UnexpectedResponse { .. }
            | ConsoleError::UnexpectedStatus { .. }
            | ConsoleError::Parse { .. }
            | ConsoleError::PageLoop { .. }
            | ConsoleError::ListTooLong { .. }
            | ConsoleError::ReviewStale { .. } => false,
            _ => true,
        }
    }

    /// Should a fan-out of reads stop at this error, rather than send hundreds that cannot
    /// succeed? When every request would fail the same way; and at an AccessDeniedException when
    /// no read of the fan-out has succeeded yet (the action itself is refused, not one device).
    pub fn stops_a_fan_out(&self, any_succeeded: bool) -> bool {
        match self {
            ConsoleError::Service(e) if e.code == ErrorCode::Known(KnownCode::AccessDeniedException) => !any_succeeded,
            _ => self.fails_every_request(),
        }
    }

    /// The code shown in `data-error-code`: the AWS code, or the console's own.
    pub fn code(&self) -> &str {
        match self {
            ConsoleError::InvalidInput { .. } => "InvalidInput",
            ConsoleError::Signing { .. } => "SigningError",
            ConsoleError::ExpiredCredentials { .. } => "ExpiredCredentials",
            ConsoleError::CredentialsUnavailable { .. } => "CredentialsUnavailable",
            ConsoleError::Network { .. } => "NetworkError",
            ConsoleError::BlockedByPolicy { .. } => "BlockedByContentSecurityPolicy",
            ConsoleError::BlockedByCors { .. } => "CorsBlocked",
            ConsoleError::LocalNetworkBlocked { .. } => "LocalNetworkBlocked",
            ConsoleError::LoopbackFromRemotePage { .. } => "LoopbackRefused",
            ConsoleError::Timeout { .. } => "Timeout",
            ConsoleError::Cancelled => "Cancelled",
            ConsoleError::Service(e) => e.code.as_str(),
            ConsoleError::UnexpectedResponse { .. } => "UnexpectedResponse",
            ConsoleError::UnexpectedStatus { .. } => "UnexpectedStatus",
            ConsoleError::Parse { .. } => "ParseError",
            ConsoleError::PageLoop { .. } => "PaginationError",
            ConsoleError::EndpointNotConfirmed { .. } => "EndpointNotConfirmed",
            ConsoleError::PartNotLoaded { .. } => "PartNotLoaded",
            ConsoleError::ClockTooFar { .. } => "ClockTooFar",
            ConsoleError::Redirected { .. } => "Redirected",
            ConsoleError::ListTooLong { .. } => "ListTooLong",
            ConsoleError::CredentialsForgotten => "CredentialsForgotten",
            ConsoleError::OutcomeUnknown { .. } => "OutcomeUnknown",
            ConsoleError::ReviewStale { .. } => "ReviewStale",
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            ConsoleError::Service(e) => e.request_id.as_deref(),
            ConsoleError::UnexpectedResponse { request_id, .. }
            | ConsoleError::UnexpectedStatus { request_id, .. }
            | ConsoleError::Parse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The service's own message, when there is one.
    pub fn service_message(&self) -> Option<&str> {
        match self {
            ConsoleError::Service(e) => e.message.as_deref(),
            _ => None,
        }
    }

    /// The details behind the sentence, label and value, for the "details" panel.
    pub fn details(&self) -> Vec<(&'static str, String)> {
        let mut rows = vec![("Code", self.code().to_owned())];
        match self {
            ConsoleError::InvalidInput { field, .. } => rows.push(("Field", field.name().to_owned())),
            ConsoleError::Signing { detail } | ConsoleError::CredentialsUnavailable { detail } => rows.push(("Detail", detail.clone())),
            ConsoleError::Network { url, detail, .. } => {
                rows.push(("URL", url.clone()));
                rows.push(("Browser said", detail.clone()));
            }
            ConsoleError::BlockedByPolicy { url } | ConsoleError::BlockedByCors { url } => rows.push(("URL", url.clone())),
            ConsoleError::LocalNetworkBlocked { url, page_origin } => {
                rows.push(("URL", url.clone()));
                rows.push(("This page", page_origin.clone()));
            }
            ConsoleError::LoopbackFromRemotePage { host, page_origin } => {
                rows.push(("Host", host.clone()));
                rows.push(("This page", page_origin.clone()));
            }
            ConsoleError::Timeout { seconds } => rows.push(("Waited", format!("{seconds} s"))),
            ConsoleError::ExpiredCredentials { expired_at } => rows.push(("Expired at", expired_at.clone())),
            ConsoleError::Cancelled => {}
            ConsoleError::Service(e) => {
                rows.push(("Operation", e.operation.name().to_owned()));
                rows.push(("HTTP status", e.status.to_string()));
                if let Some(m) = &e.message {
                    rows.push(("Message", m.clone()));
                }
                if let Some(r) = &e.resource_id {
                    rows.push(("Resource", format!("{} {r}", e.resource_type.as_deref().unwrap_or(""))));
                }
            }
            ConsoleError::UnexpectedResponse { status, content_type, excerpt, .. } => {
                rows.push(("HTTP status", status.to_string()));
                rows.push(("Content-Type", content_type.clone().unwrap_or_else(|| "(none)".to_owned())));
                rows.push(("Body", if excerpt.is_empty() { "(empty)".to_owned() } else { excerpt.clone() }));
            }
            ConsoleError::UnexpectedStatus { operation, expected, status, content_type, excerpt, .. } => {
                rows.push(("Operation", operation.name().to_owned()));
                rows.push(("HTTP status", format!("{status} (the service answers {expected})")));
                rows.push(("Content-Type", content_type.clone().unwrap_or_else(|| "(none)".to_owned())));
                rows.push(("Body", if excerpt.is_empty() { "(empty)".to_owned() } else { excerpt.clone() }));
            }
            ConsoleError::Parse { operation, detail, excerpt, .. } => {
                rows.push(("Operation", operation.name().to_owned()));
                rows.push(("Problem", detail.clone()));
                rows.push(("Body", excerpt.clone()));
            }
            ConsoleError::PageLoop { operation, pages_read } => {
                rows.push(("Operation", operation.name().to_owned()));
                rows.push(("Pages read", pages_read.to_string()));
            }
            ConsoleError::EndpointNotConfirmed { host } => rows.push(("Host", host.clone())),
            ConsoleError::PartNotLoaded { part } => rows.push(("Part", part.clone())),
            ConsoleError::ClockTooFar { host, offset_ms } => {
                rows.push(("Host", host.clone()));
                rows.push(("Its time minus this browser's", format!("{} s", offset_ms / 1000)));
            }
            ConsoleError::Redirected { host } => rows.push(("Host", host.clone())),
            ConsoleError::ListTooLong { operation, pages_read, items_read } => {
                rows.push(("Operation", operation.name().to_owned()));
                rows.push(("Pages read", pages_read.to_string()));
                rows.push(("Items read", items_read.to_string()));
            }
            ConsoleError::CredentialsForgotten | ConsoleError::ReviewStale { .. } => {}
            ConsoleError::OutcomeUnknown { operation, cause } => {
                rows.push(("Operation", operation.name().to_owned()));
                rows.push(("What failed", format!("{}: {}", cause.code(), cause.sentence())));
            }
        }
        rows
    }

    /// One sentence that says what happened and what to do next.
    pub fn sentence(&self) -> String {
        use KnownCode::*;
        match self {
            ConsoleError::InvalidInput { reason, .. } => reason.clone(),
            ConsoleError::Signing { detail } => {
                format!("The request could not be signed ({detail}); check the region and the credentials.")
            }
            ConsoleError::ExpiredCredentials { expired_at } => {
                format!("These temporary credentials expired at {expired_at}: get fresh ones and paste them in. Nothing was sent.")
            }
            ConsoleError::CredentialsUnavailable { detail } => {
                format!("The page hosting this console gave no usable credentials ({detail}): sign in again in the portal, then refresh.")
            }
            ConsoleError::Network { url, cors_ruled_out: true, .. } => format!(
                "The request to {url} got no answer: the host is not reachable from this browser (offline, \
                 a wrong endpoint, DNS, or a connection refused). Check the endpoint and your network, then try again."
            ),
            ConsoleError::Network { url, .. } => format!(
                "The request to {url} failed before any answer could be read: the host may not be reachable \
                 (check the endpoint and your network), or the browser blocked its answer (CORS): IoT Wireless \
                 does not allow calls from web pages on other origins, so send through a relay (see the README)."
            ),
            ConsoleError::BlockedByPolicy { url } => format!(
                "This page's Content-Security-Policy does not allow requests to {url}, so the browser sent \
                 nothing: it allows IoT Wireless's own hosts and loopback. To use a relay or a private endpoint, \
                 add its origin to connect-src where the page is hosted (see the README)."
            ),
            ConsoleError::BlockedByCors { url } => format!(
                "The host at {url} answers, but not to web pages on other origins (CORS), so the browser kept \
                 the answer from this page: IoT Wireless does not allow calls from web pages, so send through a \
                 relay (see the README)."
            ),
            ConsoleError::LocalNetworkBlocked { url, page_origin } => format!(
                "The browser does not let this page ({page_origin}) call the local or private address {url} \
                 (Chromium's local network access). Open the console from a local address too, or use a relay \
                 on a public address, or allow local network access for this site in the browser."
            ),
            ConsoleError::LoopbackFromRemotePage { host, page_origin } => format!(
                "{host} is this computer, and this page ({page_origin}) is not served from it: the console never \
                 sends from such a page to this computer, so that a link cannot make it talk to your own \
                 machine's services. To use a local endpoint, open the console from a local address too \
                 (http://127.0.0.1:…); otherwise use the region's endpoint or a relay. Nothing was sent."
            ),
            ConsoleError::Timeout { seconds } => {
                format!("No answer within {seconds} s: the endpoint may be down or unreachable; try again or check the endpoint.")
            }
            ConsoleError::Cancelled => "The request was cancelled before an answer came: submit again to fetch the task.".to_owned(),
            ConsoleError::UnexpectedResponse { status, .. } => format!(
                "HTTP {status} came back without an AWS error in it (a proxy, a load balancer or a wrong endpoint \
                 answered): check the endpoint or relay URL, then try again."
            ),
            ConsoleError::UnexpectedStatus { operation, expected, status, .. } => format!(
                "IoT Wireless answers {} with HTTP {expected}, but HTTP {status} came back: something else answered \
                 in its place (a proxy, a relay or a wrong endpoint). Check the endpoint or relay URL, then try again.",
                operation.name()
            ),
            ConsoleError::Parse { operation, .. } => format!(
                "The service answered {}, but not with {} the console can read: check that the endpoint is \
                 IoT Wireless; the raw answer is in the details.",
                operation.name(),
                operation.answer_noun()
            ),
            ConsoleError::EndpointNotConfirmed { host } => format!(
                "Requests would go to {host}, which came from the link or from this browser's storage, not from \
                 you: it would receive your access key id, your session token and a signature, and its answers \
                 would be shown as AWS's. If you trust it, press \u{201c}Use this endpoint\u{201d}; otherwise clear or \
                 change it. Nothing was sent."
            ),
            ConsoleError::PartNotLoaded { part } => part_not_loaded(part),
            ConsoleError::ClockTooFar { host, offset_ms } => format!(
                "{host} claims a time {} your computer's clock, more than the hour the console will ever \
                 correct by: either your clock is wrong (set it right, then try again) or that host is not \
                 telling the truth. Nothing more was signed or sent.",
                describe_distance(*offset_ms)
            ),
            ConsoleError::Redirected { host } => format!(
                "{host} answered with a redirect. The console never follows one: the browser would carry your \
                 session token to wherever it points. Check the endpoint or relay URL; nothing else was sent."
            ),
            ConsoleError::ListTooLong { operation, pages_read, items_read } => format!(
                "{} went on for {pages_read} pages ({items_read} items) without ending, past what the console \
                 reads of one list: it stopped there and keeps what it read. If the list is really that long, \
                 narrow it down.",
                operation.name()
            ),
            ConsoleError::OutcomeUnknown { operation, .. } => format!(
                "{} may or may not have been carried out: it was sent, and no answer of the service said whether it \
                 was. The console \
                 did not send it again (it could act twice); it reads the result back to tell you what happened.",
                operation.name()
            ),
            ConsoleError::ReviewStale { why } => format!("{why} Nothing was sent: review the write again."),
            ConsoleError::CredentialsForgotten => "The credentials were forgotten on this page, so nothing was \
                 signed or sent: paste credentials again to continue."
                .to_owned(),
            ConsoleError::PageLoop { operation, pages_read } => format!(
                "{} gave a page token it had already given, after {pages_read} pages: the list would never end, \
                 so the console stopped; the pages already read are kept.",
                operation.name()
            ),
            ConsoleError::Service(e) => match &e.code {
                ErrorCode::Known(ValidationException) => {
                    format!("The service rejected {} as invalid: check the {}; the service's message is below.", e.operation.name(), e.operation.id_name())
                }
                ErrorCode::Known(ResourceNotFoundException) => {
                    // The service names what it did not find: a device list by group misses a group.
                    let (noun, id_name) = match e.resource_type.as_deref() {
                        Some("MulticastGroup") => ("multicast group", "multicast group id"),
                        Some("FuotaTask") => ("FUOTA task", "task id"),
                        Some("WirelessDevice") => ("wireless device", "wireless device id"),
                        Some("WirelessGateway") => ("wireless gateway", "wireless gateway id"),
                        Some("DeviceProfile") => ("device profile", "device profile id"),
                        _ => (e.operation.resource_noun(), e.operation.id_name()),
                    };
                    format!("No {noun} with this id exists for these credentials in this region: check the {id_name} and the region.")
                }
                ErrorCode::Known(AccessDeniedException) => format!(
                    "These credentials may not call {}: ask for {} in the role's policy, or use another role.",
                    e.operation.name(),
                    e.operation.iam_action()
                ),
                ErrorCode::Known(InternalServerException) => "IoT Wireless had an internal error: try again in a moment.".to_owned(),
                ErrorCode::Known(ThrottlingException) => "The service is throttling requests: wait a few seconds and try again.".to_owned(),
                ErrorCode::Known(UnrecognizedClientException) => "AWS does not recognise this access key id: \
                     check it, and that the region belongs to the same partition."
                    .to_owned(),
                ErrorCode::Known(InvalidSignatureException) => {
                    // One rule for "the clock is off", the one the request path corrects by.
                    if is_clock_skew_error(self) {
                        "The signature's time is too far from the service's: set your computer's clock right, then try again.".to_owned()
                    } else {
                        "The signature did not match: check the secret access key and the session token.".to_owned()
                    }
                }
                ErrorCode::Known(ExpiredTokenException) => "These temporary credentials have expired: get fresh ones and paste them in.".to_owned(),
                ErrorCode::Known(IncompleteSignatureException) => {
                    "The request's signature was incomplete: check the access key id and the session token.".to_owned()
                }
                ErrorCode::Known(MissingAuthenticationTokenException) => "The endpoint did not take this as a \
                     signed IoT Wireless request: check the endpoint URL and the credentials."
                    .to_owned(),
                // What conflicts depends on what the operation acts on: a task's status, a group in
                // use or a device's multicast contexts, a resource's state.
                ErrorCode::Known(ConflictException) => match e.operation.spec().resource {
                    Resource::MulticastGroup => format!(
                        "IoT Wireless refused {}: the multicast group is in use by a FUOTA task in its session, \
                         or the device is already in as many multicast groups as a LoRaWAN device holds (4), \
                         or the same request token came with other values. Read the group again to see it.",
                        e.operation.name()
                    ),
                    Resource::Tagged => {
                        format!("IoT Wireless refused {}: the resource's state does not allow it now. Read the resource again to see it.", e.operation.name())
                    }
                    _ => format!(
                        "IoT Wireless refused {}: the FUOTA task's status does not allow it (only a Pending task takes \
                         changes, devices or groups, and a task takes devices or multicast groups, not both), or the \
                         same request token came with other values. Read the task again to see its status.",
                        e.operation.name()
                    ),
                },
                ErrorCode::Known(TooManyTagsException) => {
                    format!("IoT Wireless refused {}: the resource would have more tags than AWS allows (50); remove some first.", e.operation.name())
                }
                ErrorCode::Unknown(code) => {
                    format!("The service answered {} with HTTP {} and the error {code}: see the message below.", e.operation.name(), e.status)
                }
            },
        }
    }
}

/// Error codes by which AWS services report a request time too far from theirs.
const SKEW_CODES: &[&str] = &["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "AuthFailure"];

/// Is this the service refusing the request's time?
pub fn is_clock_skew_error(error: &ConsoleError) -> bool {
    let ConsoleError::Service(e) = error else { return false };
    match &e.code {
        ErrorCode::Known(KnownCode::InvalidSignatureException) => {
            e.message.as_deref().is_some_and(|m| m.contains("Signature expired") || m.contains("Signature not yet current"))
        }
        code => SKEW_CODES.contains(&code.as_str()),
    }
}

/// "6 hours ahead of", "3 minutes behind": how far a host's time is from the browser's.
pub fn describe_distance(offset_ms: i64) -> String {
    let minutes = (offset_ms.unsigned_abs() + 30_000) / 60_000;
    let direction = if offset_ms > 0 { "ahead of" } else { "behind" };
    match minutes {
        m if m >= 120 => format!("{} hours {direction}", m / 60),
        1 => format!("1 minute {direction}"),
        m => format!("{m} minutes {direction}"),
    }
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.sentence())
    }
}

impl std::error::Error for ConsoleError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fan_out_stops_on_what_every_request_would_meet_and_not_on_one_items_error() {
        let service = |code: KnownCode| ConsoleError::Service(ServiceError::for_test(Operation::GetWirelessDeviceStatistics, ErrorCode::Known(code), 400));
        for code in [KnownCode::ExpiredTokenException, KnownCode::InvalidSignatureException, KnownCode::UnrecognizedClientException] {
            assert!(service(code).fails_every_request(), "{code:?}");
            assert!(service(code).stops_a_fan_out(true), "{code:?}");
        }
        // A denial stops a fan-out only when nothing of it got through: a policy may be per device.
        assert!(service(KnownCode::AccessDeniedException).stops_a_fan_out(false));
        assert!(!service(KnownCode::AccessDeniedException).stops_a_fan_out(true));
        for code in [KnownCode::ResourceNotFoundException, KnownCode::ThrottlingException, KnownCode::ValidationException, KnownCode::InternalServerException] {
            assert!(!service(code).fails_every_request(), "{code:?}");
        }
        assert!(ConsoleError::CredentialsForgotten.fails_every_request());
        assert!(ConsoleError::Network { url: String::new(), detail: String::new(), cors_ruled_out: true }.fails_every_request());
        assert!(!ConsoleError::Timeout { seconds: 10 }.fails_every_request());
        assert!(!ConsoleError::Cancelled.fails_every_request());
    }

    #[test]
    fn known_codes_round_trip_and_unknown_ones_are_kept() {
        for k in KnownCode::ALL {
            assert_eq!(ErrorCode::parse(k.as_str()), ErrorCode::Known(k));
        }
        assert_eq!(ErrorCode::parse("BrandNewException"), ErrorCode::Unknown("BrandNewException".into()));
    }

    #[test]
    fn every_known_code_has_its_own_sentence() {
        let sentences: std::collections::HashSet<String> = KnownCode::ALL
            .into_iter()
            .map(|k| ConsoleError::Service(ServiceError::for_test(Operation::GetFuotaTask, ErrorCode::Known(k), 400)).sentence())
            .collect();
        assert_eq!(sentences.len(), KnownCode::ALL.len());
    }

    #[test]
    fn a_refusal_names_the_operation_and_its_iam_action() {
        for operation in Operation::ALL {
            let denied = ConsoleError::Service(ServiceError::for_test(operation, ErrorCode::Known(KnownCode::AccessDeniedException), 403));
            let sentence = denied.sentence();
            assert!(sentence.contains(&format!("iotwireless:{}", operation.name())), "{sentence}");
            assert!(denied.details().contains(&("Operation", operation.name().to_owned())));
        }
    }

    /// A device list read by multicast group that names a missing group says "multicast group",
    /// not "FUOTA task": the service's ResourceType decides.
    #[test]
    fn not_found_names_what_the_service_did_not_find() {
        let missing = |resource_type: &str| {
            ConsoleError::Service(ServiceError {
                resource_type: Some(resource_type.to_owned()),
                ..ServiceError::for_test(Operation::ListWirelessDevices, ErrorCode::Known(KnownCode::ResourceNotFoundException), 404)
            })
            .sentence()
        };
        assert!(missing("MulticastGroup").contains("No multicast group with this id"), "{}", missing("MulticastGroup"));
        assert!(missing("FuotaTask").contains("No FUOTA task with this id"));
        assert!(missing("WirelessDevice").contains("No wireless device with this id"), "{}", missing("WirelessDevice"));
        // Without a ResourceType, the operation's own resource.
        let unnamed =
            |operation| ConsoleError::Service(ServiceError::for_test(operation, ErrorCode::Known(KnownCode::ResourceNotFoundException), 404)).sentence();
        let device = unnamed(Operation::GetWirelessDeviceStatistics);
        assert!(device.contains("No wireless device with this id") && device.contains("check the wireless device id"), "{device}");
        let gateway = unnamed(Operation::GetWirelessGateway);
        assert!(gateway.contains("No wireless gateway with this id") && gateway.contains("check the wireless gateway id"), "{gateway}");
    }

    #[test]
    fn the_clock_sentence_follows_the_rule_the_request_path_corrects_by() {
        let signature = |message: &str| {
            ConsoleError::Service(ServiceError {
                message: Some(message.to_owned()),
                ..ServiceError::for_test(Operation::GetFuotaTask, ErrorCode::Known(KnownCode::InvalidSignatureException), 403)
            })
            .sentence()
        };
        assert!(signature("Signature expired: 20231114T221320Z is now earlier than 20231114T222920Z (20231114T224420Z - 15 min.)").contains("clock"));
        assert!(signature("Signature not yet current: 20231114T224000Z is still later than …").contains("clock"));
        // Where the two old copies disagreed: any "expired" read as a clock problem here, while
        // the request path did not correct it. Now both say it is not the clock.
        assert!(signature("The credentials in the signature have expired").contains("did not match"));
    }

    #[test]
    fn each_failure_kind_has_its_own_sentence() {
        let url = || "https://x".to_owned();
        let sentences: std::collections::HashSet<String> = [
            ConsoleError::Network { url: url(), detail: "TypeError".into(), cors_ruled_out: true },
            ConsoleError::Network { url: url(), detail: "TypeError".into(), cors_ruled_out: false },
            ConsoleError::BlockedByPolicy { url: url() },
            ConsoleError::BlockedByCors { url: url() },
            ConsoleError::LocalNetworkBlocked { url: url(), page_origin: "https://p".into() },
            ConsoleError::LoopbackFromRemotePage { host: "127.0.0.1:8081".into(), page_origin: "https://p".into() },
            ConsoleError::PartNotLoaded { part: "signer".into() },
        ]
        .iter()
        .map(ConsoleError::sentence)
        .collect();
        assert_eq!(sentences.len(), 7);
        assert!(ConsoleError::BlockedByCors { url: url() }.sentence().contains("relay"));
    }
}
