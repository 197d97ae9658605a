//! The connection: as whom and where the console reads (credentials, region, endpoint, relay),
//! kept apart from what is being looked at, so that every operation goes the same way.

use zeroize::Zeroizing;

use crate::wire::credentials::{CredentialSession, TemporaryCredentials};
use crate::wire::endpoint::{self, EndpointConfig};
use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::{Method, Operation};
use crate::wire::request::Request;
use crate::wire::time::Timestamp;

/// The connection as typed, before any check. `Debug` never shows the secret or the token, and
/// both are wiped from memory when the form is dropped or they are replaced.
#[derive(Clone, Default, PartialEq)]
pub struct ConnectionForm {
    pub access_key_id: String,
    pub secret_access_key: Zeroizing<String>,
    pub session_token: Zeroizing<String>,
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
    /// `page_origin` is the origin the page is served from (`window.location.origin`): a page not
    /// served from this computer never sends to it (see [`check_page_may_send`]).
    pub fn open(form: &ConnectionForm, session: &CredentialSession, page_origin: &str) -> Result<Self, ConsoleError> {
        let credentials = TemporaryCredentials::new(&form.access_key_id, &form.secret_access_key, &form.session_token)?.with_expiration(form.expiration);
        let region = endpoint::validate_region(&form.region)?.to_owned();
        let base_url = endpoint::resolve(&EndpointConfig {
            region: region.clone(),
            use_fips: form.use_fips,
            use_dual_stack: form.use_dual_stack,
            custom: Some(form.endpoint.clone()),
        })?;
        let relay_url = match form.relay.trim() {
            "" => None,
            relay => Some(
                endpoint::validate_custom_endpoint(relay)
                    .map_err(|_| ConsoleError::invalid(Field::Relay, "A relay URL is http(s)://host[:port][/path], with no query."))?,
            ),
        };
        check_page_may_send(page_origin, relay_url.as_deref().unwrap_or(&base_url))?;
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

/// The endpoint and relay as a link or this browser's storage filled them in, and a region they
/// gave that botocore's partitions do not list: anyone can send a link, and any script on this
/// origin can write storage, so such a destination is not used until the user confirms it once
/// (values the user typed need no confirmation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutsideEndpoint {
    pub endpoint: String,
    pub relay: String,
    /// A region not listed in the partitions (`s3`): its host is not IoT Wireless's own.
    pub region: String,
}

impl OutsideEndpoint {
    /// What needs confirming, if a link or storage gave a non-empty endpoint or relay.
    pub fn of(endpoint: &str, relay: &str) -> Option<Self> {
        Self::with_region("", endpoint, relay)
    }

    /// The same, with the region a link or storage gave: it waits too when the partitions do not
    /// list it (a listed region's host is the region's own and needs no word).
    pub fn with_region(region: &str, endpoint: &str, relay: &str) -> Option<Self> {
        let region = if endpoint::is_listed_region(region) { "" } else { region.trim() };
        (!endpoint.trim().is_empty() || !relay.trim().is_empty() || !region.is_empty()).then(|| Self {
            endpoint: endpoint.trim().to_owned(),
            relay: relay.trim().to_owned(),
            region: region.to_owned(),
        })
    }

    /// What still waits once the user typed in `field` (the endpoint, the relay or the region):
    /// that value is theirs now, the others still wait. None when nothing does.
    pub fn typed_in(&self, field: Field) -> Option<Self> {
        match field {
            Field::Endpoint => Self::with_region(&self.region, "", &self.relay),
            Field::Relay => Self::with_region(&self.region, &self.endpoint, ""),
            Field::Region => Self::of(&self.endpoint, &self.relay),
            _ => Some(self.clone()),
        }
    }
}

/// The host part of an `http(s)://host[:port]/…` URL.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Refuses, before anything is signed, to send from a page served from elsewhere to this
/// computer (loopback: 127.0.0.0/8, `::1`, `localhost`, `*.localhost`, however the URL spells
/// them): a link or a stored value could otherwise make a public copy of the console talk to
/// services on the user's own machine, whatever the browser allows. A page served from this
/// computer (the demo, the tests) may. Private addresses are left to the browser (Chromium's
/// local network access): from its name alone, a page at `fuota.corp.example` may well be private
/// itself.
pub fn check_page_may_send(page_origin: &str, url: &str) -> Result<(), ConsoleError> {
    let destination = host_of(url);
    if endpoint::is_loopback(destination) && !endpoint::is_loopback(host_of(page_origin)) {
        return Err(ConsoleError::LoopbackFromRemotePage { host: destination.to_owned(), page_origin: page_origin.to_owned() });
    }
    Ok(())
}

/// Where requests go when that is not the region's own IoT Wireless endpoint (an override, a
/// relay, FIPS or dual-stack, or a region botocore's partitions do not list, whose host is not
/// IoT Wireless's): the host, to name beside the submit control before anything is sent. None
/// for `https://api.iotwireless.{region}.{partition's suffix}` of a listed region, or while the
/// form does not resolve (submitting then says why).
pub fn unusual_destination(form: &ConnectionForm) -> Option<String> {
    let config = |custom: Option<String>, fips, dual| EndpointConfig { region: form.region.trim().to_owned(), use_fips: fips, use_dual_stack: dual, custom };
    let chosen = endpoint::resolve(&config(Some(form.endpoint.clone()), form.use_fips, form.use_dual_stack)).ok()?;
    if !form.relay.trim().is_empty() {
        let relay = endpoint::validate_custom_endpoint(&form.relay).ok()?;
        return Some(host_of(&relay).to_owned());
    }
    let own = endpoint::resolve(&config(None, false, false)).ok().filter(|_| endpoint::is_listed_region(&form.region));
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
    // The endpoint alone (the host that is signed for, and sent to without a relay): a linked
    // override, or, with none, the host of a linked region the partitions do not list.
    let linked_region = still(&form.region, &outside.region) && form.endpoint.trim().is_empty();
    if still(&form.endpoint, &outside.endpoint) || linked_region {
        let without_relay = ConnectionForm { relay: String::new(), ..form.clone() };
        if let Some(host) = unusual_destination(&without_relay) {
            return Err(ConsoleError::EndpointNotConfirmed { host });
        }
    }
    Ok(())
}

/// The rule for a console embedded in someone else's page (the widget), on top of the page's:
/// its endpoint and relay come from attributes or a script, not from a user typing them, so
/// `http://` (readable and changeable by anyone on the way) is taken only for this computer; and a
/// portal may name the only hosts it may send to (`allowed`: the host, or `host:port`, as the
/// destination's URL spells it, letters in any case). Checked before the credentials are used.
pub fn check_embedded_destination(form: &ConnectionForm, allowed: Option<&[String]>) -> Result<(), ConsoleError> {
    for (typed, field) in [(form.endpoint.trim(), Field::Endpoint), (form.relay.trim(), Field::Relay)] {
        let plain = typed.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://"));
        if plain && !endpoint::is_loopback(host_of(typed)) {
            return Err(ConsoleError::InvalidInput {
                field,
                reason: format!("{} is http:// to another computer: the widget sends there only over https://.", host_of(typed)),
            });
        }
    }
    let Some(allowed) = allowed else { return Ok(()) };
    let destination = match form.relay.trim() {
        "" => endpoint::resolve(&EndpointConfig {
            region: form.region.trim().to_owned(),
            use_fips: form.use_fips,
            use_dual_stack: form.use_dual_stack,
            custom: Some(form.endpoint.clone()),
        })?,
        relay => relay.to_owned(),
    };
    let host = host_of(&destination);
    if allowed.iter().any(|a| a.trim().eq_ignore_ascii_case(host)) {
        Ok(())
    } else {
        Err(ConsoleError::InvalidInput {
            field: if form.relay.trim().is_empty() { Field::Endpoint } else { Field::Relay },
            reason: format!("The portal allows this widget to send to {} only; {host} is not among them.", allowed.join(", ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embedded_console_sends_plain_http_only_to_this_computer_and_only_where_allowed() {
        let form = |endpoint: &str, relay: &str| ConnectionForm {
            region: "eu-west-1".into(),
            endpoint: endpoint.into(),
            relay: relay.into(),
            ..ConnectionForm::default()
        };
        assert!(check_embedded_destination(&form("http://127.0.0.1:8081", ""), None).is_ok());
        assert!(check_embedded_destination(&form("http://localhost:8081", ""), None).is_ok());
        assert!(check_embedded_destination(&form("https://iot.example.com", ""), None).is_ok());
        assert!(check_embedded_destination(&form("", ""), None).is_ok(), "the region's own https endpoint");
        let e = check_embedded_destination(&form("http://iot.example.com", ""), None).unwrap_err();
        assert!(e.sentence().contains("iot.example.com"), "{}", e.sentence());
        assert!(check_embedded_destination(&form("", "HTTP://relay.example.com"), None).is_err());
        let allowed = ["api.iotwireless.eu-west-1.amazonaws.com".to_owned(), "127.0.0.1:8081".to_owned()];
        assert!(check_embedded_destination(&form("", ""), Some(&allowed)).is_ok());
        assert!(check_embedded_destination(&form("http://127.0.0.1:8081", ""), Some(&allowed)).is_ok());
        assert!(check_embedded_destination(&form("http://127.0.0.1:9999", ""), Some(&allowed)).is_err(), "another port, another host");
        assert!(check_embedded_destination(&form("https://iot.example.com", ""), Some(&allowed)).is_err());
        assert!(check_embedded_destination(&form("", "https://relay.example.com"), Some(&allowed)).is_err(), "the relay is where it goes");
        assert!(check_embedded_destination(&form("", ""), Some(&[])).is_err(), "an empty list allows nothing");
    }
    use crate::wire::request::PageRequest;

    /// The demo's and the tests' page, served from this computer.
    const LOCAL_PAGE: &str = "http://127.0.0.1:8080";
    const PUBLIC_PAGE: &str = "https://console.example.com";

    fn secret(s: &str) -> Zeroizing<String> {
        Zeroizing::new(s.to_owned())
    }

    /// A page served from elsewhere never sends to this computer, however the endpoint or relay
    /// spells it; a page served from this computer may, and any page may send elsewhere.
    #[test]
    fn a_remote_page_never_sends_to_this_computer() {
        let open = |page: &str, change: fn(&mut ConnectionForm)| {
            let mut f = form();
            change(&mut f);
            let session = CredentialSession::new();
            let opened = Connection::open(&f, &session, page);
            // Refused before the session took the credentials.
            if opened.is_err() {
                assert_eq!(session.current(0).unwrap_err().code(), "CredentialsForgotten");
            }
            opened
        };
        let loopbacks: [fn(&mut ConnectionForm); 6] = [
            |f| f.endpoint = "http://127.0.0.1:8081".into(),
            |f| f.endpoint = "http://localhost:8081/".into(),
            |f| f.endpoint = "http://0x7f.1:8081".into(),
            |f| f.endpoint = "http://[::1]:8081".into(),
            |f| f.endpoint = "http://api.localhost".into(),
            |f| f.relay = "http://127.0.0.2:8443/iot".into(),
        ];
        for change in loopbacks {
            let err = open(PUBLIC_PAGE, change).unwrap_err();
            assert_eq!(err.code(), "LoopbackRefused");
            assert!(err.sentence().contains("console.example.com") && err.sentence().contains("Nothing was sent"), "{}", err.sentence());
            assert_eq!(open("null", change).unwrap_err().code(), "LoopbackRefused", "an opaque origin is no local page");
            for page in [LOCAL_PAGE, "http://localhost:8080", "http://[::1]:8080", "http://demo.localhost"] {
                assert!(open(page, change).is_ok(), "{page}");
            }
        }
        // Elsewhere: the region's endpoint, a private endpoint (the browser's to judge), a relay.
        for page in [PUBLIC_PAGE, LOCAL_PAGE] {
            assert!(open(page, |_| {}).is_ok());
            assert!(open(page, |f| f.endpoint = "https://10.0.0.5".into()).is_ok());
            assert!(open(page, |f| f.relay = "https://relay.example.com".into()).is_ok());
        }
        // Behind a public relay, a loopback endpoint is only signed for, never sent to.
        assert!(open(PUBLIC_PAGE, |f| {
            f.endpoint = "http://127.0.0.1:8081".into();
            f.relay = "https://relay.example.com".into();
        })
        .is_ok());
    }

    /// A region botocore's partitions do not list resolves by the partition's pattern to a host
    /// that is not IoT Wireless's (`api.iotwireless.s3.amazonaws.com` is an S3 bucket's): it is
    /// named as any unusual host is, and one a link or storage gave waits for the user's word.
    #[test]
    fn an_unlisted_region_is_an_unusual_destination_and_a_linked_one_waits() {
        let s3 = ConnectionForm { region: "s3".into(), ..form() };
        assert_eq!(unusual_destination(&s3).as_deref(), Some("api.iotwireless.s3.amazonaws.com"));
        assert_eq!(
            unusual_destination(&ConnectionForm { region: "mars-east-1".into(), ..form() }).as_deref(),
            Some("api.iotwireless.mars-east-1.amazonaws.com")
        );
        assert_eq!(unusual_destination(&ConnectionForm { region: "cn-north-1".into(), ..form() }), None);
        let linked = OutsideEndpoint::with_region("s3", "", "").expect("an unlisted region waits");
        let err = check_confirmed(&s3, Some(&linked)).unwrap_err();
        assert_eq!(err.code(), "EndpointNotConfirmed");
        assert!(err.sentence().contains("api.iotwireless.s3.amazonaws.com"), "{}", err.sentence());
        assert!(check_confirmed(&s3, None).is_ok(), "confirmed, or typed by the user");
        // The user choosing a region makes it theirs; another region than the linked one is too.
        assert_eq!(linked.typed_in(Field::Region), None);
        assert!(check_confirmed(&ConnectionForm { region: "eu-west-1".into(), ..form() }, Some(&linked)).is_ok());
        // An override wins over the region: then the override is what needs (or not) a word.
        assert!(check_confirmed(&ConnectionForm { endpoint: "http://127.0.0.1:8081".into(), ..s3.clone() }, Some(&linked)).is_ok());
        // A listed region from a link needs no word; one of a partition's own is listed.
        assert_eq!(OutsideEndpoint::with_region("eu-west-1", "", ""), None);
        assert_eq!(OutsideEndpoint::with_region("us-gov-west-1", "", ""), None);
        let both = OutsideEndpoint::with_region("s3", "", "https://relay.example.com").unwrap();
        assert_eq!(both.typed_in(Field::Relay), OutsideEndpoint::with_region("s3", "", ""));
    }

    /// The secret and the token are held so that they are wiped when dropped or replaced.
    #[test]
    fn the_forms_secrets_are_wiped_on_drop() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
        let f = form();
        wiped_on_drop(&f.secret_access_key);
        wiped_on_drop(&f.session_token);
    }

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
        let linked =
            ConnectionForm { endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com".into(), relay: "https://relay.evil.example".into(), ..form() };
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
            secret_access_key: secret("secret"),
            session_token: secret("token"),
            region: "eu-west-1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn debug_hides_the_secret_and_token() {
        let form = ConnectionForm { secret_access_key: secret("s3cr3t-x"), session_token: secret("t0k3n-y"), ..Default::default() };
        let printed = format!("{form:?}");
        assert!(!printed.contains("s3cr3t-x") && !printed.contains("t0k3n-y"));
    }

    #[test]
    fn every_read_goes_to_the_regional_endpoint_an_override_or_through_a_relay() {
        let task = Request::get_fuota_task("task/1").unwrap();
        let list = Request::list_fuota_tasks(&PageRequest::after("n+1"));
        let aws = Connection::open(&form(), &CredentialSession::new(), LOCAL_PAGE).unwrap();
        assert_eq!(aws.prepare(&task).url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks/task%2F1");
        assert_eq!(aws.prepare(&list).send_url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks?maxResults=250&nextToken=n%2B1");

        let custom = Connection::open(&ConnectionForm { endpoint: "http://127.0.0.1:8081/".into(), ..form() }, &CredentialSession::new(), LOCAL_PAGE).unwrap();
        assert_eq!(custom.prepare(&task).url, "http://127.0.0.1:8081/fuota-tasks/task%2F1");
        assert_eq!(custom.region, "eu-west-1");

        let relayed =
            Connection::open(&ConnectionForm { relay: "https://relay.example.com/iot/".into(), ..form() }, &CredentialSession::new(), LOCAL_PAGE).unwrap();
        let read = relayed.prepare(&list);
        assert_eq!(read.url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks?maxResults=250&nextToken=n%2B1");
        assert_eq!(read.send_url, "https://relay.example.com/iot/fuota-tasks?maxResults=250&nextToken=n%2B1");
        assert_eq!(read.operation, Operation::ListFuotaTasks);
        assert_eq!((read.destination(), relayed.destination()), ("relay.example.com", "relay.example.com"));
        assert_eq!(aws.destination(), "api.iotwireless.eu-west-1.amazonaws.com");
    }

    #[test]
    fn a_bad_relay_names_the_relay_field() {
        let err = Connection::open(&ConnectionForm { relay: "ftp://x".into(), ..form() }, &CredentialSession::new(), LOCAL_PAGE).unwrap_err();
        assert!(matches!(err, ConsoleError::InvalidInput { field: Field::Relay, .. }));
    }
}
