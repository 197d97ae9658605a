//! The connection: as whom and where the console reads (credentials, region, endpoint, relay),
//! kept apart from what is being looked at, so that every operation goes the same way.

use crate::wire::credentials::{CredentialSession, TemporaryCredentials};
use crate::wire::endpoint::{self, EndpointConfig};
use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::{Method, Operation};
use crate::wire::request::Request;
use crate::wire::time::Timestamp;

/// The connection as typed, before any check. `Debug` never shows the secret or the token.
#[derive(Clone, Default, PartialEq)]
pub struct ConnectionForm {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub region: String,
    pub use_fips: bool,
    pub use_dual_stack: bool,
    pub endpoint: String,
    /// A relay that forwards to the endpoint with the signed Host (for services without CORS).
    pub relay: String,
    /// When the credentials expire, if known (pasted or given by a provider).
    pub expiration: Option<Timestamp>,
}

impl std::fmt::Debug for ConnectionForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionForm")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &"** redacted **")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("relay", &self.relay)
            .finish_non_exhaustive()
    }
}

/// A checked connection: every request is signed with its session's current credentials (refused
/// once the session forgot them) for this region, for the service's URL, and sent there or to the
/// relay.
#[derive(Clone, Debug)]
pub struct Connection {
    session: CredentialSession,
    epoch: u64,
    /// The signing region (a custom endpoint does not change it).
    pub region: String,
    /// The endpoint that is signed for, without a trailing slash.
    base_url: String,
    /// Where requests are sent instead, keeping the signed Host: a relay.
    relay_url: Option<String>,
}

/// One request with its URLs: signed for `url`, fetched from `send_url` (the same path and query,
/// byte for byte), with the method and the exact body that are signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedRequest {
    pub operation: Operation,
    pub method: Method,
    /// The URL that is signed: the service's.
    pub url: String,
    /// The URL that is fetched: the same, or the relay's with the same path and query.
    pub send_url: String,
    /// The JSON text that is signed and sent, if the operation has a body.
    pub body: Option<String>,
}

impl PreparedRequest {
    /// The host the request is sent to (the relay's, behind a relay): what a learned clock
    /// offset belongs to.
    pub fn destination(&self) -> &str {
        host_of(&self.send_url)
    }
}

impl Connection {
    /// Checks the form and opens a connection through `session`: the form's credentials become the
    /// session's current ones (every connection of its epoch signs with them from now on).
    pub fn open(form: &ConnectionForm, session: &CredentialSession) -> Result<Self, ConsoleError> {
        let credentials = TemporaryCredentials::new(&form.access_key_id, &form.secret_access_key, &form.session_token)?
            .with_expiration(form.expiration);
        let region = endpoint::validate_region(&form.region)?.to_owned();
        let base_url = endpoint::resolve(&EndpointConfig {
            region: region.clone(),
            use_fips: form.use_fips,
            use_dual_stack: form.use_dual_stack,
            custom: Some(form.endpoint.clone()),
        })?;
        let relay_url = match form.relay.trim() {
            "" => None,
            relay => Some(endpoint::validate_custom_endpoint(relay).map_err(|_| {
                ConsoleError::invalid(Field::Relay, "A relay URL is http(s)://host[:port][/path], with no query.")
            })?),
        };
        let epoch = session.replace(credentials);
        Ok(Self { session: session.clone(), epoch, region, base_url, relay_url })
    }

    /// The host requests are sent to (the relay's, behind a relay): what a learned clock offset
    /// belongs to.
    pub fn destination(&self) -> &str {
        host_of(self.relay_url.as_deref().unwrap_or(&self.base_url))
    }

    /// The credentials to sign with now: refused once the session forgot them.
    pub fn credentials(&self) -> Result<std::sync::Arc<TemporaryCredentials>, ConsoleError> {
        self.session.current(self.epoch)
    }

    /// Gives `request` this connection's host (and relay).
    pub fn prepare(&self, request: &Request) -> PreparedRequest {
        let path = request.path_and_query();
        let url = format!("{}{path}", self.base_url);
        let send_url = match &self.relay_url {
            Some(relay) => format!("{relay}{path}"),
            None => url.clone(),
        };
        PreparedRequest { operation: request.operation, method: request.method(), url, send_url, body: request.body().map(str::to_owned) }
    }
}

/// The endpoint and relay as a link or this browser's storage filled them in: anyone can send a
/// link, and any script on this origin can write storage, so such a destination is not used until
/// the user confirms it once (values the user typed need no confirmation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutsideEndpoint {
    pub endpoint: String,
    pub relay: String,
}

impl OutsideEndpoint {
    /// What needs confirming, if a link or storage gave a non-empty endpoint or relay.
    pub fn of(endpoint: &str, relay: &str) -> Option<Self> {
        (!endpoint.trim().is_empty() || !relay.trim().is_empty())
            .then(|| Self { endpoint: endpoint.trim().to_owned(), relay: relay.trim().to_owned() })
    }

    /// What still waits once the user typed in `field` (the endpoint or the relay): that value is
    /// theirs now, the other still waits. None when nothing does.
    pub fn typed_in(&self, field: Field) -> Option<Self> {
        match field {
            Field::Endpoint => Self::of("", &self.relay),
            Field::Relay => Self::of(&self.endpoint, ""),
            _ => Some(self.clone()),
        }
    }
}

/// The host part of an `http(s)://host[:port]/…` URL.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Where requests go when that is not the region's own IoT Wireless endpoint (an override, a
/// relay, FIPS or dual-stack): the host, to name beside the submit control before anything is
/// sent. None for `https://api.iotwireless.{region}.{partition's suffix}`, or while the form does
/// not resolve (submitting then says why).
pub fn unusual_destination(form: &ConnectionForm) -> Option<String> {
    let config = |custom: Option<String>, fips, dual| EndpointConfig { region: form.region.trim().to_owned(), use_fips: fips, use_dual_stack: dual, custom };
    let chosen = endpoint::resolve(&config(Some(form.endpoint.clone()), form.use_fips, form.use_dual_stack)).ok()?;
    if !form.relay.trim().is_empty() {
        let relay = endpoint::validate_custom_endpoint(&form.relay).ok()?;
        return Some(host_of(&relay).to_owned());
    }
    let own = endpoint::resolve(&config(None, false, false)).ok();
    (own.as_deref() != Some(chosen.as_str())).then(|| host_of(&chosen).to_owned())
}

/// Refuses, before anything is signed, a destination that a link or storage chose and the user
/// has not confirmed. Each value stands on its own: the user changing the endpoint makes the
/// endpoint theirs, not a linked relay beside it (requests would still go to that relay), and the
/// other way round.
pub fn check_confirmed(form: &ConnectionForm, unconfirmed: Option<&OutsideEndpoint>) -> Result<(), ConsoleError> {
    let Some(outside) = unconfirmed else { return Ok(()) };
    let still = |typed: &str, linked: &str| !linked.is_empty() && typed.trim() == linked;
    if still(&form.relay, &outside.relay) {
        if let Ok(relay) = endpoint::validate_custom_endpoint(&form.relay) {
            return Err(ConsoleError::EndpointNotConfirmed { host: host_of(&relay).to_owned() });
        }
    }
    if still(&form.endpoint, &outside.endpoint) {
        // The endpoint alone (the host that is signed for, and sent to without a relay).
        let without_relay = ConnectionForm { relay: String::new(), ..form.clone() };
        if let Some(host) = unusual_destination(&without_relay) {
            return Err(ConsoleError::EndpointNotConfirmed { host });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::request::PageRequest;

    #[test]
    fn the_destination_is_named_unless_it_is_the_regions_own() {
        let aws = form();
        assert_eq!(unusual_destination(&aws), None);
        let gateway = ConnectionForm { endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/".into(), ..form() };
        assert_eq!(unusual_destination(&gateway).as_deref(), Some("abc123.execute-api.us-east-1.amazonaws.com"));
        let local = ConnectionForm { endpoint: "http://127.0.0.1:8081".into(), ..form() };
        assert_eq!(unusual_destination(&local).as_deref(), Some("127.0.0.1:8081"));
        let relayed = ConnectionForm { relay: "https://relay.example.com/iot".into(), ..form() };
        assert_eq!(unusual_destination(&relayed).as_deref(), Some("relay.example.com"));
        let fips = ConnectionForm { use_fips: true, ..form() };
        assert_eq!(unusual_destination(&fips).as_deref(), Some("api.iotwireless-fips.eu-west-1.amazonaws.com"));
        // The region's own endpoint typed in as an override is still the region's own.
        let explicit = ConnectionForm { endpoint: "https://api.iotwireless.eu-west-1.amazonaws.com".into(), ..form() };
        assert_eq!(unusual_destination(&explicit), None);
    }

    #[test]
    fn a_linked_destination_waits_for_the_users_word_a_typed_one_does_not() {
        let link = ConnectionForm { endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com".into(), ..form() };
        let outside = OutsideEndpoint::of(&link.endpoint, &link.relay).unwrap();
        let err = check_confirmed(&link, Some(&outside)).unwrap_err();
        assert_eq!(err.code(), "EndpointNotConfirmed");
        assert!(err.sentence().contains("abc123.execute-api.us-east-1.amazonaws.com") && err.sentence().contains("Nothing was sent"));
        assert!(check_confirmed(&link, None).is_ok(), "confirmed");
        let typed_over = ConnectionForm { endpoint: "http://127.0.0.1:8081".into(), ..link.clone() };
        assert!(check_confirmed(&typed_over, Some(&outside)).is_ok(), "changed by the user");
        let own = ConnectionForm { endpoint: "https://api.iotwireless.eu-west-1.amazonaws.com".into(), ..form() };
        assert!(check_confirmed(&own, OutsideEndpoint::of(&own.endpoint, "").as_ref()).is_ok(), "the region's own host needs no word");
        assert_eq!(OutsideEndpoint::of(" ", ""), None);
    }

    /// `?relay=…&endpoint=…`: one keystroke in Endpoint makes the endpoint the user's, not the
    /// linked relay, which still waits for their word (and the other way round).
    #[test]
    fn each_linked_value_waits_for_its_own_confirmation() {
        let linked = ConnectionForm {
            endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com".into(),
            relay: "https://relay.evil.example".into(),
            ..form()
        };
        let outside = OutsideEndpoint::of(&linked.endpoint, &linked.relay).unwrap();
        let typed_endpoint = ConnectionForm { endpoint: "https://abc123.execute-api.us-east-1.amazonaws.co".into(), ..linked.clone() };
        let err = check_confirmed(&typed_endpoint, Some(&outside)).unwrap_err();
        assert!(err.sentence().contains("relay.evil.example"), "{}", err.sentence());
        let typed_relay = ConnectionForm { relay: "https://relay.example.com".into(), ..linked.clone() };
        let err = check_confirmed(&typed_relay, Some(&outside)).unwrap_err();
        assert!(err.sentence().contains("abc123.execute-api"), "{}", err.sentence());
        // The form clears only what was typed in: the relay still waits after the endpoint is typed.
        let after_typing = outside.typed_in(Field::Endpoint).unwrap();
        assert!(check_confirmed(&typed_endpoint, Some(&after_typing)).is_err());
        assert_eq!(after_typing.typed_in(Field::Relay), None);
        let both = ConnectionForm { relay: String::new(), endpoint: String::new(), ..linked };
        assert!(check_confirmed(&both, Some(&outside)).is_ok());
        // A stored relay under ?demo (the endpoint is the console's own demo one).
        let demo = ConnectionForm { endpoint: "http://127.0.0.1:8081".into(), relay: "https://stored.example".into(), ..form() };
        assert!(check_confirmed(&demo, OutsideEndpoint::of("", &demo.relay).as_ref()).is_err());
    }

    fn form() -> ConnectionForm {
        ConnectionForm {
            access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            region: "eu-west-1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn debug_hides_the_secret_and_token() {
        let form = ConnectionForm { secret_access_key: "s3cr3t-x".into(), session_token: "t0k3n-y".into(), ..Default::default() };
        let printed = format!("{form:?}");
        assert!(!printed.contains("s3cr3t-x") && !printed.contains("t0k3n-y"));
    }

    #[test]
    fn every_read_goes_to_the_regional_endpoint_an_override_or_through_a_relay() {
        let task = Request::get_fuota_task("task/1").unwrap();
        let list = Request::list_fuota_tasks(&PageRequest::after("n+1"));
        let aws = Connection::open(&form(), &CredentialSession::new()).unwrap();
        assert_eq!(aws.prepare(&task).url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks/task%2F1");
        assert_eq!(aws.prepare(&list).send_url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks?maxResults=250&nextToken=n%2B1");

        let custom = Connection::open(&ConnectionForm { endpoint: "http://127.0.0.1:8081/".into(), ..form() }, &CredentialSession::new()).unwrap();
        assert_eq!(custom.prepare(&task).url, "http://127.0.0.1:8081/fuota-tasks/task%2F1");
        assert_eq!(custom.region, "eu-west-1");

        let relayed = Connection::open(&ConnectionForm { relay: "https://relay.example.com/iot/".into(), ..form() }, &CredentialSession::new()).unwrap();
        let read = relayed.prepare(&list);
        assert_eq!(read.url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks?maxResults=250&nextToken=n%2B1");
        assert_eq!(read.send_url, "https://relay.example.com/iot/fuota-tasks?maxResults=250&nextToken=n%2B1");
        assert_eq!(read.operation, Operation::ListFuotaTasks);
        assert_eq!((read.destination(), relayed.destination()), ("relay.example.com", "relay.example.com"));
        assert_eq!(aws.destination(), "api.iotwireless.eu-west-1.amazonaws.com");
    }

    #[test]
    fn a_bad_relay_names_the_relay_field() {
        let err = Connection::open(&ConnectionForm { relay: "ftp://x".into(), ..form() }, &CredentialSession::new()).unwrap_err();
        assert!(matches!(err, ConsoleError::InvalidInput { field: Field::Relay, .. }));
    }
}
