//! What the console may remember: non-secret settings always, credentials only when the user opts
//! in, and then only in this tab's sessionStorage. The JSON shapes live here so they are tested.

use serde::{Deserialize, Serialize};

use crate::task::Timestamp;

/// localStorage key of the non-secret settings.
pub const SETTINGS_KEY: &str = "fuota-console.settings";
/// sessionStorage key of the credentials, written only after "remember for this tab".
pub const CREDENTIALS_KEY: &str = "fuota-console.credentials";

/// Region, endpoint, relay and last task id: nothing secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub relay: Option<String>,
    pub task_id: Option<String>,
}

impl Settings {
    /// Unreadable or foreign JSON is no settings, never an error.
    pub fn from_json(json: &str) -> Self {
        crate::json::parse(json).ok().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Credentials remembered for this tab.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration_millis: Option<i64>,
}

impl std::fmt::Debug for RememberedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedCredentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

impl RememberedCredentials {
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_value(crate::json::parse(json).ok()?).ok()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn expiration(&self) -> Option<Timestamp> {
        self.expiration_millis.and_then(Timestamp::from_epoch_millis)
    }
}

impl Drop for RememberedCredentials {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret_access_key);
        zeroize::Zeroize::zeroize(&mut self.session_token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_garbage_is_empty() {
        let s = Settings { region: Some("eu-west-1".into()), task_id: Some("t".into()), ..Default::default() };
        assert_eq!(Settings::from_json(&s.to_json()), s);
        assert_eq!(Settings::from_json("{not json"), Settings::default());
        assert_eq!(Settings::from_json("[1,2]"), Settings::default());
    }

    #[test]
    fn settings_have_no_place_for_secrets() {
        let json = Settings::default().to_json();
        assert!(!json.contains("secret") && !json.contains("token") && !json.contains("access"));
    }

    #[test]
    fn remembered_credentials_round_trip_and_hide_the_secret_in_debug() {
        let c = RememberedCredentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
            secret_access_key: "s3cr3t-z".into(),
            session_token: "t0k3n-z".into(),
            expiration_millis: Some(5),
        };
        assert_eq!(RememberedCredentials::from_json(&c.to_json()), Some(c.clone()));
        assert!(!format!("{c:?}").contains("s3cr3t-z"));
        assert!(RememberedCredentials::from_json("{}").is_none());
    }
}
