//! What the console may remember: non-secret settings always, credentials only when the user opts
//! in, and then only in this tab's sessionStorage. The stored shapes live here so they are tested.
//!
//! A record is a flat JSON object of text and number fields. The core names the fields and reads
//! them back ([`Stored`]); the page turns them into text with the browser's own `JSON.stringify`
//! and `JSON.parse`, so the wasm part that loads first carries no JSON reader or writer.

use zeroize::Zeroizing;

use crate::wire::time::Timestamp;

/// localStorage key of the non-secret settings.
pub const SETTINGS_KEY: &str = "fuota-console.settings";
/// sessionStorage key of the credentials, written only after "remember for this tab".
pub const CREDENTIALS_KEY: &str = "fuota-console.credentials";

/// One field's value in a stored record. A text may be a remembered secret on its way to or from
/// storage: it is wiped when dropped, like the secret itself (and `Debug` does not show it).
#[derive(Clone, Debug, PartialEq)]
pub enum Stored {
    Text(Zeroizing<String>),
    Number(f64),
}

/// Reads one field of a stored record: None when it is absent or not of the kind the record has.
pub type Field<'a> = &'a dyn Fn(&str) -> Option<Stored>;

fn text(get: Field, name: &str) -> Option<Zeroizing<String>> {
    match get(name)? {
        Stored::Text(t) => Some(t),
        Stored::Number(_) => None,
    }
}

/// Region, endpoint, relay and last task id: nothing secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub relay: Option<String>,
    pub task_id: Option<String>,
}

// The field names are those the console has always stored (serde's, from the struct's fields):
// what a browser remembered before still reads.
const SETTINGS_FIELDS: [&str; 4] = ["region", "endpoint", "relay", "task_id"];

impl Settings {
    /// The fields to store (absent ones are left out).
    pub fn fields(&self) -> Vec<(&'static str, Stored)> {
        let values = [&self.region, &self.endpoint, &self.relay, &self.task_id];
        SETTINGS_FIELDS.iter().zip(values).filter_map(|(name, v)| Some((*name, Stored::Text(v.clone()?.into())))).collect()
    }

    /// Whatever a field holds that is not text is no setting, never an error.
    pub fn from_fields(get: Field) -> Self {
        let [region, endpoint, relay, task_id] = SETTINGS_FIELDS.map(|name| text(get, name).map(|t| t.to_string()));
        Settings { region, endpoint, relay, task_id }
    }
}

/// Credentials remembered for this tab. The secret and the token are wiped from memory when
/// dropped or replaced.
#[derive(Clone, PartialEq, Eq)]
pub struct RememberedCredentials {
    pub access_key_id: String,
    pub secret_access_key: Zeroizing<String>,
    pub session_token: Zeroizing<String>,
    pub expiration_millis: Option<i64>,
}

impl std::fmt::Debug for RememberedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedCredentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

impl RememberedCredentials {
    pub fn fields(&self) -> Vec<(&'static str, Stored)> {
        let mut fields = vec![
            ("access_key_id", Stored::Text(self.access_key_id.clone().into())),
            ("secret_access_key", Stored::Text(self.secret_access_key.clone())),
            ("session_token", Stored::Text(self.session_token.clone())),
        ];
        if let Some(ms) = self.expiration_millis {
            fields.push(("expiration_millis", Stored::Number(ms as f64)));
        }
        fields
    }

    /// All three texts, or nothing remembered; an expiration that is not a whole number of
    /// milliseconds in range is no expiration.
    pub fn from_fields(get: Field) -> Option<Self> {
        let expiration_millis = match get("expiration_millis") {
            Some(Stored::Number(ms)) if ms.fract() == 0.0 && ms.abs() <= i64::MAX as f64 => Some(ms as i64),
            _ => None,
        };
        Some(RememberedCredentials {
            access_key_id: text(get, "access_key_id")?.to_string(),
            secret_access_key: text(get, "secret_access_key")?,
            session_token: text(get, "session_token")?,
            expiration_millis,
        })
    }

    pub fn expiration(&self) -> Option<Timestamp> {
        self.expiration_millis.and_then(Timestamp::from_epoch_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    /// What the page does with JSON.stringify and JSON.parse, done by serde_json.
    fn to_json(fields: Vec<(&'static str, Stored)>) -> String {
        let object: Map<String, Value> = fields
            .into_iter()
            .map(|(k, v)| {
                (
                    k.to_owned(),
                    match v {
                        Stored::Text(t) => Value::from(t.as_str()),
                        Stored::Number(n) => Value::from(n),
                    },
                )
            })
            .collect();
        Value::Object(object).to_string()
    }

    fn reader(json: &str) -> impl Fn(&str) -> Option<Stored> {
        let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        move |name| match value.get(name)? {
            Value::String(s) => Some(Stored::Text(s.clone().into())),
            Value::Number(n) => n.as_f64().map(Stored::Number),
            _ => None,
        }
    }

    #[test]
    fn settings_round_trip_and_garbage_is_empty() {
        let s = Settings { region: Some("eu-west-1".into()), task_id: Some("t".into()), ..Default::default() };
        assert_eq!(Settings::from_fields(&reader(&to_json(s.fields()))), s);
        assert_eq!(Settings::from_fields(&reader("{not json")), Settings::default());
        assert_eq!(Settings::from_fields(&reader("[1,2]")), Settings::default());
        assert_eq!(Settings::from_fields(&reader(r#"{"region":7,"relay":null}"#)), Settings::default());
    }

    #[test]
    fn what_earlier_versions_stored_still_reads() {
        // serde's output for the struct these fields come from.
        let old = r#"{"region":"eu-west-1","endpoint":null,"relay":"","task_id":"abc"}"#;
        let s = Settings::from_fields(&reader(old));
        assert_eq!(s, Settings { region: Some("eu-west-1".into()), endpoint: None, relay: Some(String::new()), task_id: Some("abc".into()) });
        let old = r#"{"access_key_id":"A","secret_access_key":"s","session_token":"t","expiration_millis":5}"#;
        assert_eq!(RememberedCredentials::from_fields(&reader(old)).and_then(|c| c.expiration_millis), Some(5));
    }

    #[test]
    fn settings_have_no_place_for_secrets() {
        let all = Settings { region: Some(String::new()), endpoint: Some(String::new()), relay: Some(String::new()), task_id: Some(String::new()) };
        let json = to_json(all.fields());
        assert!(!json.contains("secret") && !json.contains("token") && !json.contains("access"));
    }

    #[test]
    fn remembered_credentials_round_trip_and_hide_the_secret_in_debug() {
        let c = RememberedCredentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
            secret_access_key: "s3cr3t-z".to_owned().into(),
            session_token: "t0k3n-z".to_owned().into(),
            expiration_millis: Some(1_764_000_000_123),
        };
        assert_eq!(RememberedCredentials::from_fields(&reader(&to_json(c.fields()))), Some(c.clone()));
        assert!(!format!("{c:?}").contains("s3cr3t-z"));
        assert!(c.fields().iter().all(|(_, v)| !format!("{v:?}").contains("s3cr3t-z")), "a stored text's Debug");
        assert!(RememberedCredentials::from_fields(&reader("{}")).is_none());
        let fractional = r#"{"access_key_id":"A","secret_access_key":"s","session_token":"t","expiration_millis":5.5}"#;
        assert_eq!(RememberedCredentials::from_fields(&reader(fractional)).map(|c| c.expiration_millis), Some(None));
    }
}
