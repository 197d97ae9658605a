//! The GetFuotaTask request: what the user typed, checked, turned into a URL.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::credentials::TemporaryCredentials;
use crate::endpoint::{self, EndpointConfig};
use crate::error::{ConsoleError, Field};
use crate::task::Timestamp;

/// Everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded in a URI label.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The query form as typed, before any check. `Debug` never shows the secret or the token.
#[derive(Clone, Default, PartialEq)]
pub struct QueryForm {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub region: String,
    pub use_fips: bool,
    pub use_dual_stack: bool,
    pub endpoint: String,
    /// A relay that forwards to the endpoint with the signed Host (for services without CORS).
    pub relay: String,
    pub task_id: String,
    /// When the credentials expire, if known (pasted or given by a provider).
    pub expiration: Option<Timestamp>,
}

impl std::fmt::Debug for QueryForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryForm")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &"** redacted **")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("relay", &self.relay)
            .field("task_id", &self.task_id)
            .finish_non_exhaustive()
    }
}

/// A checked request for one FUOTA task.
#[derive(Clone, Debug)]
pub struct TaskQuery {
    pub credentials: TemporaryCredentials,
    /// The signing region (the custom endpoint does not change it).
    pub region: String,
    pub task_id: String,
    /// The URL that is signed: the service's.
    pub url: String,
    /// The URL that is fetched: the same, or the relay's with the same path.
    pub send_url: String,
}

/// Checks a task id: 1..=256 characters, as the service model says.
pub fn validate_task_id(id: &str) -> Result<&str, ConsoleError> {
    let id = id.trim();
    match id.chars().count() {
        0 => Err(ConsoleError::invalid(Field::TaskId, "Enter the id of a FUOTA task.")),
        // A browser's URL parser removes dot segments, even encoded ones: these ids cannot be sent.
        _ if id == "." || id == ".." => {
            Err(ConsoleError::invalid(Field::TaskId, "A task id of \".\" or \"..\" cannot be sent from a browser."))
        }
        1..=256 => Ok(id),
        _ => Err(ConsoleError::invalid(Field::TaskId, "A FUOTA task id is at most 256 characters.")),
    }
}

/// The request path of GetFuotaTask, with the id encoded as one path segment.
pub fn get_fuota_task_path(task_id: &str) -> String {
    format!("/fuota-tasks/{}", utf8_percent_encode(task_id, PATH_SEGMENT))
}

impl TaskQuery {
    pub fn from_form(form: &QueryForm) -> Result<Self, ConsoleError> {
        let credentials = TemporaryCredentials::new(&form.access_key_id, &form.secret_access_key, &form.session_token)?
            .with_expiration(form.expiration);
        // A custom endpoint still signs for a region: the signature names it.
        let region = endpoint::validate_region(&form.region)?.to_owned();
        let task_id = validate_task_id(&form.task_id)?.to_owned();
        let base = endpoint::resolve(&EndpointConfig {
            region: region.clone(),
            use_fips: form.use_fips,
            use_dual_stack: form.use_dual_stack,
            custom: Some(form.endpoint.clone()),
        })?;
        let path = get_fuota_task_path(&task_id);
        let url = format!("{base}{path}");
        let send_url = match form.relay.trim() {
            "" => url.clone(),
            relay => format!("{}{path}", endpoint::validate_custom_endpoint(relay).map_err(|_| {
                ConsoleError::invalid(Field::Relay, "A relay URL is http(s)://host[:port][/path], with no query.")
            })?),
        };
        Ok(Self { credentials, region, task_id, url, send_url })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_encoded_as_one_segment() {
        assert_eq!(get_fuota_task_path("abc-1._~"), "/fuota-tasks/abc-1._~");
        assert_eq!(get_fuota_task_path("a/b c"), "/fuota-tasks/a%2Fb%20c");
        assert_eq!(get_fuota_task_path("é"), "/fuota-tasks/%C3%A9");
        assert_eq!(get_fuota_task_path("a+b%"), "/fuota-tasks/a%2Bb%25");
    }

    #[test]
    fn id_length_is_counted_in_characters() {
        assert!(validate_task_id(&"é".repeat(256)).is_ok());
        assert!(validate_task_id(&"a".repeat(257)).is_err());
        assert!(validate_task_id("  ").is_err());
        assert!(validate_task_id("..").is_err());
    }

    #[test]
    fn debug_hides_the_secret_and_token() {
        let form = QueryForm { secret_access_key: "s3cr3t-x".into(), session_token: "t0k3n-y".into(), ..Default::default() };
        let printed = format!("{form:?}");
        assert!(!printed.contains("s3cr3t-x") && !printed.contains("t0k3n-y"));
    }

    #[test]
    fn form_becomes_a_url_on_the_regional_endpoint() {
        let form = QueryForm {
            access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            region: "eu-west-1".into(),
            task_id: "task/1".into(),
            ..Default::default()
        };
        let q = TaskQuery::from_form(&form).unwrap();
        assert_eq!(q.url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks/task%2F1");
        let custom = TaskQuery::from_form(&QueryForm { endpoint: "http://127.0.0.1:8081".into(), ..form.clone() }).unwrap();
        assert_eq!(custom.url, "http://127.0.0.1:8081/fuota-tasks/task%2F1");
        assert_eq!(custom.region, "eu-west-1");
        assert_eq!(custom.send_url, custom.url);
        let relayed = TaskQuery::from_form(&QueryForm { relay: "https://relay.example.com/iot/".into(), ..form }).unwrap();
        assert_eq!(relayed.url, "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks/task%2F1");
        assert_eq!(relayed.send_url, "https://relay.example.com/iot/fuota-tasks/task%2F1");
    }
}
