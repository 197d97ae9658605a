//! Temporary AWS credentials as the user typed them; the secret never prints.

use std::fmt;
use zeroize::Zeroizing;

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::wire::error::{ConsoleError, Field};
use crate::wire::time::Timestamp;

/// An `ASIA…` access key id is temporary (STS issues it) and does not sign without its session
/// token: one rule for the form and for the paste.
pub fn needs_session_token(access_key_id: &str) -> bool {
    access_key_id.trim().starts_with("ASIA")
}

/// Credentials for one signature. The secret and the token are wiped from memory when dropped.
#[derive(Clone)]
pub struct TemporaryCredentials {
    pub access_key_id: String,
    secret_access_key: Zeroizing<String>,
    /// Wiped from memory when dropped, like the secret: it opens the same doors until it expires.
    pub session_token: Option<Zeroizing<String>>,
    /// When they stop working, if known.
    pub expiration: Option<Timestamp>,
    /// The same, as aws-sigv4 takes them: built once, not at every signature.
    identity: Identity,
}

impl TemporaryCredentials {
    /// Checks the shape of what was typed before anything is signed.
    pub fn new(access_key_id: &str, secret_access_key: &str, session_token: &str) -> Result<Self, ConsoleError> {
        let access_key_id = access_key_id.trim();
        let secret = secret_access_key.trim();
        let token = session_token.trim();
        if access_key_id.is_empty() {
            return Err(ConsoleError::invalid(Field::AccessKeyId, "Enter an access key id."));
        }
        if !(16..=128).contains(&access_key_id.len()) || !access_key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ConsoleError::invalid(Field::AccessKeyId, "An access key id is 16 to 128 letters and digits, like ASIA… for temporary credentials."));
        }
        if secret.is_empty() {
            return Err(ConsoleError::invalid(Field::SecretAccessKey, "Enter the secret access key."));
        }
        // These go into HTTP headers: a stray character would make the browser refuse the request.
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConsoleError::invalid(Field::SecretAccessKey, "The secret access key has spaces or characters a key never has: paste it again."));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConsoleError::invalid(Field::SessionToken, "The session token has spaces or characters a token never has: paste it again."));
        }
        if needs_session_token(access_key_id) && token.is_empty() {
            return Err(ConsoleError::invalid(Field::SessionToken, "An ASIA… key is temporary and needs its session token."));
        }
        let session_token = (!token.is_empty()).then(|| token.to_owned());
        // aws-credential-types keeps its own copy of the secret zeroized on drop, as we do ours.
        let identity = Credentials::new(access_key_id, secret, session_token.clone(), None, "fuota-console").into();
        Ok(Self {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: Zeroizing::new(secret.to_owned()),
            session_token: session_token.map(Zeroizing::new),
            expiration: None,
            identity,
        })
    }

    pub fn with_expiration(mut self, expiration: Option<Timestamp>) -> Self {
        self.expiration = expiration;
        self
    }

    /// Refuses to sign with credentials known to have expired: nothing leaves the browser.
    pub fn check_current(&self, now_epoch_millis: i64) -> Result<(), ConsoleError> {
        match self.expiration {
            Some(at) if at.epoch_millis() <= now_epoch_millis => Err(ConsoleError::ExpiredCredentials { expired_at: at.rfc3339() }),
            _ => Ok(()),
        }
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The identity aws-sigv4 signs with.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }
}

impl fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporaryCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .field("expiration", &self.expiration.map(Timestamp::rfc3339))
            .finish()
    }
}

/// The one owner of a page's (or a widget's) credentials. Every signature asks it for them, through
/// a [`crate::wire::connection::Connection`] made in one of its *epochs*: new credentials (a submit, a
/// provider asked again) replace the current ones, and every connection of the epoch signs with
/// them from then on; *Forget* ends the epoch and drops them (the secret and token are zeroized
/// once the last request using them ends), and a connection made before can never sign again.
/// Time and the browser are not needed: native tests drive it.
#[derive(Clone, Default)]
pub struct CredentialSession {
    inner: std::sync::Arc<std::sync::Mutex<Held>>,
}

#[derive(Default)]
struct Held {
    epoch: u64,
    current: Option<std::sync::Arc<TemporaryCredentials>>,
}

impl CredentialSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `credentials` the ones every connection of the current epoch signs with; returns the
    /// epoch, for the connection that asked.
    pub fn replace(&self, credentials: TemporaryCredentials) -> u64 {
        match self.inner.lock() {
            Ok(mut held) => {
                held.current = Some(std::sync::Arc::new(credentials));
                held.epoch
            }
            // A lock that cannot be taken holds nothing usable: an epoch no connection matches.
            Err(_) => u64::MAX,
        }
    }

    /// *Forget credentials*: drops them and ends the epoch.
    pub fn forget(&self) {
        if let Ok(mut held) = self.inner.lock() {
            held.current = None;
            held.epoch = held.epoch.wrapping_add(1);
        }
    }

    /// The credentials to sign with, for a connection of `epoch`: refused (nothing is signed)
    /// once that epoch ended or when none are held.
    pub fn current(&self, epoch: u64) -> Result<std::sync::Arc<TemporaryCredentials>, ConsoleError> {
        let held = self.inner.lock().map_err(|_| ConsoleError::CredentialsForgotten)?;
        match &held.current {
            Some(credentials) if held.epoch == epoch => Ok(std::sync::Arc::clone(credentials)),
            _ => Err(ConsoleError::CredentialsForgotten),
        }
    }
}

impl fmt::Debug for CredentialSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialSession(** redacted **)")
    }
}

/// A credential provider's answer is used until this long before it expires, then asked for again:
/// a request signed in the last minute could arrive after the expiry.
pub const PROVIDER_REFRESH_MARGIN_MS: i64 = 60_000;

/// Whether credentials a provider gave, expiring at `expires_at` (ms; None: not known), may still
/// sign at `now` (ms), or the provider should be asked again.
pub fn provider_credentials_fresh(expires_at: Option<i64>, now: i64) -> bool {
    expires_at.is_none_or(|at| at.saturating_sub(PROVIDER_REFRESH_MARGIN_MS) > now)
}

/// Whether an error says the credentials expired (the console's own check before signing, or the
/// service's `ExpiredTokenException`): the provider is then asked once more.
pub fn is_expiry_error(error: &ConsoleError) -> bool {
    use crate::wire::error::{ErrorCode, KnownCode};
    matches!(error, ConsoleError::ExpiredCredentials { .. })
        || matches!(error, ConsoleError::Service(e) if e.code == ErrorCode::Known(KnownCode::ExpiredTokenException))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_credentials_are_asked_again_a_minute_before_they_expire_or_after_an_expiry_error() {
        let now = 1_764_000_000_000;
        assert!(provider_credentials_fresh(None, now), "no expiration known: used until the service says");
        assert!(provider_credentials_fresh(Some(now + 61_000), now));
        assert!(!provider_credentials_fresh(Some(now + 60_000), now), "the last minute: ask again");
        assert!(!provider_credentials_fresh(Some(now - 1), now));
        assert!(!provider_credentials_fresh(Some(i64::MIN), now), "no overflow");
        assert!(is_expiry_error(&ConsoleError::ExpiredCredentials { expired_at: String::new() }));
        assert!(!is_expiry_error(&ConsoleError::Cancelled));
    }

    fn creds(secret: &str) -> TemporaryCredentials {
        TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", secret, "tok3n-value").unwrap()
    }

    #[test]
    fn after_forget_no_connection_of_before_can_sign() {
        let session = CredentialSession::new();
        assert_eq!(session.current(0).unwrap_err().code(), "CredentialsForgotten", "none held yet");
        let epoch = session.replace(creds("first-secret"));
        assert_eq!(session.current(epoch).unwrap().secret_access_key(), "first-secret");
        session.forget();
        assert_eq!(session.current(epoch).unwrap_err().code(), "CredentialsForgotten");
        // New credentials open a new epoch; the old one stays closed.
        let next = session.replace(creds("second-secret"));
        assert_ne!(next, epoch);
        assert!(session.current(epoch).is_err());
        assert_eq!(session.current(next).unwrap().secret_access_key(), "second-secret");
    }

    #[test]
    fn credentials_asked_again_serve_every_connection_of_the_epoch() {
        let session = CredentialSession::new();
        let epoch = session.replace(creds("old-secret"));
        let same = session.replace(creds("new-secret"));
        assert_eq!(same, epoch);
        assert_eq!(session.current(epoch).unwrap().secret_access_key(), "new-secret");
        assert!(!format!("{session:?}").contains("secret"));
    }

    #[test]
    fn forgotten_credentials_are_dropped_when_the_last_user_lets_go() {
        let session = CredentialSession::new();
        let epoch = session.replace(creds("in-flight-secret"));
        let in_flight = session.current(epoch).unwrap();
        let weak = std::sync::Arc::downgrade(&in_flight);
        session.forget();
        assert!(weak.upgrade().is_some(), "the request in flight still holds them");
        drop(in_flight);
        assert!(weak.upgrade().is_none(), "dropped (and zeroized) with the last holder");
    }

    #[test]
    fn debug_never_shows_the_secret_or_token() {
        let c = TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "s3cr3t-value", "tok3n-value").unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("s3cr3t-value"));
        assert!(!printed.contains("tok3n-value"));
        assert!(printed.contains("ASIAEXAMPLEEXAMPLE12"));
    }

    #[test]
    fn expired_credentials_are_refused_before_signing() {
        let at = Timestamp::from_epoch_millis(1_000_000).unwrap();
        let c = TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "s", "t").unwrap().with_expiration(Some(at));
        assert!(c.check_current(999_999).is_ok());
        assert_eq!(c.check_current(1_000_000).unwrap_err().code(), "ExpiredCredentials");
        let unknown = TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "s", "t").unwrap();
        assert!(unknown.check_current(i64::MAX).is_ok());
    }

    #[test]
    fn temporary_key_needs_a_token() {
        let err = TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "s", "").unwrap_err();
        assert_eq!(err.code(), "InvalidInput");
        assert!(TemporaryCredentials::new("AKIAEXAMPLEEXAMPLE12", "s", "").is_ok());
    }

    #[test]
    fn key_id_shape_is_checked() {
        assert!(TemporaryCredentials::new("short", "s", "t").is_err());
        assert!(TemporaryCredentials::new("ASIA EXAMPLE EXAMPLE", "s", "t").is_err());
        assert!(TemporaryCredentials::new("", "s", "t").is_err());
        assert!(TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", " ", "t").is_err());
        assert!(TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "s", "tok én").is_err());
        assert!(TemporaryCredentials::new("ASIAEXAMPLEEXAMPLE12", "sé", "t").is_err());
    }
}
