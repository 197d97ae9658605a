//! Credentials pasted from the AWS CLI, SSO portals and Cognito, recognised and split into fields.

use std::fmt;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::wire::credentials::TemporaryCredentials;
use crate::wire::error::{ConsoleError, Field};
use crate::wire::time::Timestamp;

/// What the console can read, in a few words, for the placeholder and the error sentences.
pub const ACCEPTED_FORMATS: &str = "the JSON of aws sts assume-role or get-session-token, of aws configure \
     export-credentials or of Cognito GetCredentialsForIdentity; export, PowerShell $Env: or cmd set lines; \
     or a [profile] block of the credentials file";

/// Within this many seconds of the expiration, credentials are "expiring soon".
pub const EXPIRING_SOON_SECONDS: u64 = 5 * 60;

/// Where the pasted text came from, as far as its shape tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasteFormat {
    /// `aws sts assume-role`, `get-session-token`, `assume-role-with-web-identity`: `{"Credentials": {…}}`.
    StsJson,
    /// Cognito's GetCredentialsForIdentity: `{"IdentityId", "Credentials": {"SecretKey", …}}`.
    CognitoJson,
    /// IAM Identity Center's GetRoleCredentials (`aws sso get-role-credentials`): `{"roleCredentials": {…}}`.
    SsoRoleJson,
    /// `aws configure export-credentials --format process`, the `credential_process` schema.
    ProcessJson,
    /// The container or instance metadata endpoint's JSON, where the session token is `Token`.
    MetadataJson,
    /// `export AWS_ACCESS_KEY_ID=…`: `--format env`, and the SSO portal's macOS and Linux tab.
    Env,
    /// `AWS_ACCESS_KEY_ID=…`: `--format env-no-export`.
    EnvNoExport,
    /// `$Env:AWS_ACCESS_KEY_ID="…"`: `--format powershell`, and the SSO portal's PowerShell tab.
    PowerShell,
    /// `set AWS_ACCESS_KEY_ID=…`: `--format windows-cmd`, and the SSO portal's Windows tab.
    WindowsCmd,
    /// `set -gx AWS_ACCESS_KEY_ID "…"`: `--format fish`.
    Fish,
    /// A block of the shared credentials file; `name` is its `[section]`, when there was one.
    IniProfile { name: Option<String> },
}

impl PasteFormat {
    /// The format in people's words, for "Read from …" and the error sentences.
    pub fn label(&self) -> String {
        match self {
            PasteFormat::StsJson => "AWS STS JSON".to_owned(),
            PasteFormat::CognitoJson => "Cognito credentials JSON".to_owned(),
            PasteFormat::SsoRoleJson => "IAM Identity Center role credentials JSON".to_owned(),
            PasteFormat::ProcessJson => "credential_process JSON".to_owned(),
            PasteFormat::MetadataJson => "container or instance metadata JSON".to_owned(),
            PasteFormat::Env => "shell export lines".to_owned(),
            PasteFormat::EnvNoExport => "shell variable lines".to_owned(),
            PasteFormat::PowerShell => "PowerShell $Env: lines".to_owned(),
            PasteFormat::WindowsCmd => "Windows cmd set lines".to_owned(),
            PasteFormat::Fish => "fish set lines".to_owned(),
            PasteFormat::IniProfile { name: Some(name) } => format!("profile [{name}]"),
            PasteFormat::IniProfile { name: None } => "credentials file block".to_owned(),
        }
    }
}

/// Credentials read out of a paste. The secret and the token are wiped from memory when dropped
/// (or replaced).
#[derive(Clone)]
pub struct PastedCredentials {
    pub access_key_id: String,
    pub secret_access_key: Zeroizing<String>,
    pub session_token: Option<Zeroizing<String>>,
    pub expiration: Option<Timestamp>,
    pub format: PasteFormat,
}

impl PastedCredentials {
    /// The same checks as typed credentials get, so a paste is never trusted more than typing.
    pub fn to_temporary_credentials(&self) -> Result<TemporaryCredentials, ConsoleError> {
        TemporaryCredentials::new(&self.access_key_id, &self.secret_access_key, self.session_token.as_deref().map_or("", String::as_str))
    }

    pub fn expiry_state(&self, now_epoch_millis: i64) -> ExpiryState {
        expiry_state(self.expiration, now_epoch_millis)
    }
}

impl fmt::Debug for PastedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PastedCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .field("expiration", &self.expiration.map(Timestamp::rfc3339))
            .field("format", &self.format)
            .finish()
    }
}

/// Why a paste gave no credentials. It holds no pasted value, so neither `Debug` nor the
/// sentence can ever show a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasteError {
    /// Nothing but whitespace.
    Empty,
    /// Not a shape the console knows.
    Unrecognised,
    /// Starts like JSON but does not parse: usually a copy that stopped short.
    BrokenJson,
    /// A known shape without the access key id, the secret, or an `ASIA…` key's session token.
    Missing { format: PasteFormat, missing: Vec<Field> },
    /// The expiration is there but is not a time: better to say so than to show no countdown.
    BadExpiration { format: PasteFormat },
}

impl PasteError {
    /// One sentence that says what was expected and what to do next.
    pub fn sentence(&self) -> String {
        match self {
            PasteError::Empty => format!("Nothing to read: paste {ACCEPTED_FORMATS}."),
            PasteError::Unrecognised => format!("These are not credentials the console can read: paste {ACCEPTED_FORMATS}; or type the fields in by hand."),
            PasteError::BrokenJson => "The pasted JSON is cut off or damaged: copy the command's whole output again, from { to }.".to_owned(),
            PasteError::Missing { format, missing } => {
                let words: Vec<&str> = missing.iter().map(|f| field_words(*f)).collect();
                format!(
                    "No {} in the pasted {}: copy all of it again (an access key id, its secret access key and, \
                     for an ASIA… key, the session token), or type the fields in by hand.",
                    words.join(" or "),
                    format.label()
                )
            }
            PasteError::BadExpiration { format } => format!(
                "The expiration in the pasted {} is not a time the console can read (like 2026-11-26T12:00:00Z): \
                 paste the output unchanged, or type the fields in by hand.",
                format.label()
            ),
        }
    }
}

fn field_words(field: Field) -> &'static str {
    match field {
        Field::AccessKeyId => "access key id",
        Field::SecretAccessKey => "secret access key",
        Field::SessionToken => "session token",
        _ => "value",
    }
}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

impl std::error::Error for PasteError {}

/// Reads credentials out of whatever the user pasted.
///
/// Text that starts with `{` is read as one of the AWS JSON shapes; anything else line by line, as
/// shell assignments or a credentials-file block, ignoring lines that set nothing it knows (a
/// region, a prompt, a comment). With several `[profile]` blocks the **first complete one** wins
/// (access key id, secret and, for an `ASIA…` key, the session token), so a `[default]` that only
/// sets a region does not get in the way; when none is complete, the error names what the first
/// block with credentials in it lacks. Within one block a repeated key keeps its last value, as a
/// shell would.
pub fn parse_pasted(text: &str) -> Result<PastedCredentials, PasteError> {
    // A byte-order mark comes along when the text was copied out of some Windows editors.
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return Err(PasteError::Empty);
    }
    if text.starts_with('{') {
        return parse_json(text);
    }
    match parse_lines(text) {
        Err(PasteError::Unrecognised) => parse_embedded_json(text),
        other => other,
    }
}

/// JSON copied together with the command or a prompt: try what lies between the outermost braces.
fn parse_embedded_json(text: &str) -> Result<PastedCredentials, PasteError> {
    match (text.find('{'), text.rfind('}')) {
        (Some(start), Some(end)) if start < end => match parse_json(&text[start..=end]) {
            // It was a guess: braces in other text do not make it broken JSON.
            Err(PasteError::BrokenJson) => Err(PasteError::Unrecognised),
            other => other,
        },
        _ => Err(PasteError::Unrecognised),
    }
}

/// Credentials as found, before the checks that nothing is half-filled.
struct Found {
    format: PasteFormat,
    access_key_id: Option<String>,
    secret_access_key: Option<Zeroizing<String>>,
    session_token: Option<Zeroizing<String>>,
    expiration: RawExpiration,
}

/// An expiration as written: each shape has its own unit.
enum RawExpiration {
    Absent,
    Text(String),
    EpochSeconds(f64),
    EpochMillis(f64),
    /// Neither a string nor a number (`true`, an object).
    Unreadable,
}

impl Found {
    fn missing(&self) -> Vec<Field> {
        let mut missing = Vec::new();
        if self.access_key_id.is_none() {
            missing.push(Field::AccessKeyId);
        }
        if self.secret_access_key.is_none() {
            missing.push(Field::SecretAccessKey);
        }
        // ASIA… keys come from STS and do not sign without their token.
        let temporary = self.access_key_id.as_deref().is_some_and(crate::wire::credentials::needs_session_token);
        if temporary && self.session_token.is_none() {
            missing.push(Field::SessionToken);
        }
        missing
    }

    fn finish(self) -> Result<PastedCredentials, PasteError> {
        let missing = self.missing();
        let (Some(access_key_id), Some(secret_access_key), true) = (self.access_key_id, self.secret_access_key, missing.is_empty()) else {
            return Err(PasteError::Missing { format: self.format, missing });
        };
        let Ok(expiration) = self.expiration.read() else {
            return Err(PasteError::BadExpiration { format: self.format });
        };
        Ok(PastedCredentials { access_key_id, secret_access_key, session_token: self.session_token, expiration, format: self.format })
    }
}

impl RawExpiration {
    /// `Ok(None)` when there is none, `Err` when there is one that is not a time.
    fn read(&self) -> Result<Option<Timestamp>, ()> {
        let time = match self {
            RawExpiration::Absent => return Ok(None),
            RawExpiration::Text(s) if s.trim().is_empty() => return Ok(None),
            RawExpiration::Text(s) => parse_time_text(s),
            RawExpiration::EpochSeconds(seconds) => Timestamp::from_epoch_seconds(*seconds),
            RawExpiration::EpochMillis(millis) => Timestamp::from_epoch_seconds(*millis / 1000.0),
            RawExpiration::Unreadable => None,
        };
        time.map(Some).ok_or(())
    }
}

/// ISO 8601 with `Z` or an offset (`aws` prints Python's `isoformat()`, `+00:00`): the console's one
/// timestamp parser.
fn parse_time_text(s: &str) -> Option<Timestamp> {
    Timestamp::parse_iso8601(s)
}

// ---------------------------------------------------------------------------------------------
// JSON shapes

fn parse_json(text: &str) -> Result<PastedCredentials, PasteError> {
    // The parser's message may quote the text (the browser's does), and the text holds secrets:
    // it is not passed on.
    let value: Value = crate::wire::json::parse(text).map_err(|_| PasteError::BrokenJson)?;
    let Value::Object(mut top) = value else {
        return Err(PasteError::Unrecognised);
    };
    if let Some(Value::Object(mut inner)) = top.remove("Credentials") {
        // Cognito names the secret `SecretKey`; STS names it `SecretAccessKey`.
        let cognito = inner.contains_key("SecretKey") || top.contains_key("IdentityId");
        let (format, secret_member) = if cognito { (PasteFormat::CognitoJson, "SecretKey") } else { (PasteFormat::StsJson, "SecretAccessKey") };
        return Found {
            format,
            access_key_id: take_text(&mut inner, "AccessKeyId"),
            secret_access_key: take_secret(&mut inner, secret_member),
            session_token: take_secret(&mut inner, "SessionToken"),
            // The CLI prints ISO 8601; Cognito's own JSON protocol sends epoch seconds.
            expiration: take_expiration(&mut inner, "Expiration", RawExpiration::EpochSeconds),
        }
        .finish();
    }
    if let Some(Value::Object(mut inner)) = top.remove("roleCredentials") {
        return Found {
            format: PasteFormat::SsoRoleJson,
            access_key_id: take_text(&mut inner, "accessKeyId"),
            secret_access_key: take_secret(&mut inner, "secretAccessKey"),
            session_token: take_secret(&mut inner, "sessionToken"),
            // GetRoleCredentials' expiration is a Long in epoch milliseconds.
            expiration: take_expiration(&mut inner, "expiration", RawExpiration::EpochMillis),
        }
        .finish();
    }
    let flat = ["AccessKeyId", "SecretAccessKey", "SessionToken", "Token", "Version"];
    if flat.iter().any(|member| top.contains_key(*member)) {
        let metadata = top.contains_key("Token") && !top.contains_key("SessionToken");
        let token_member = if metadata { "Token" } else { "SessionToken" };
        return Found {
            format: if metadata { PasteFormat::MetadataJson } else { PasteFormat::ProcessJson },
            access_key_id: take_text(&mut top, "AccessKeyId"),
            secret_access_key: take_secret(&mut top, "SecretAccessKey"),
            session_token: take_secret(&mut top, token_member),
            expiration: take_expiration(&mut top, "Expiration", RawExpiration::EpochSeconds),
        }
        .finish();
    }
    Err(PasteError::Unrecognised)
}

/// A string member, trimmed; empty counts as absent.
fn take_text(object: &mut Map<String, Value>, member: &str) -> Option<String> {
    match object.remove(member) {
        Some(Value::String(s)) => non_empty(s.trim()).map(str::to_owned),
        _ => None,
    }
}

/// Like `take_text`, but the string is moved (not copied) into wiped-on-drop storage first.
fn take_secret(object: &mut Map<String, Value>, member: &str) -> Option<Zeroizing<String>> {
    match object.remove(member) {
        Some(Value::String(s)) => {
            let s = Zeroizing::new(s);
            non_empty(s.trim()).map(|t| Zeroizing::new(t.to_owned()))
        }
        _ => None,
    }
}

fn take_expiration(object: &mut Map<String, Value>, member: &str, number: fn(f64) -> RawExpiration) -> RawExpiration {
    match object.remove(member) {
        None | Some(Value::Null) => RawExpiration::Absent,
        Some(Value::String(s)) => RawExpiration::Text(s),
        Some(Value::Number(n)) => n.as_f64().map(number).unwrap_or(RawExpiration::Unreadable),
        Some(_) => RawExpiration::Unreadable,
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

// ---------------------------------------------------------------------------------------------
// Line shapes: shell assignments and credentials-file blocks

/// How one assignment line was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineStyle {
    Export,
    NoExport,
    PowerShell,
    WindowsCmd,
    Fish,
    Ini,
}

enum Line<'a> {
    Header(&'a str),
    Assignment { style: LineStyle, key: &'a str, value: &'a str },
    Other,
}

#[derive(Clone, Copy)]
enum Slot {
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
    Expiration,
}

/// One `[section]`, or the lines before any. Values borrow the pasted text; every copy of the
/// secret made from it is wiped on drop.
#[derive(Default)]
struct Block<'a> {
    header: Option<&'a str>,
    first_style: Option<LineStyle>,
    key_style: Option<LineStyle>,
    access_key_id: Option<&'a str>,
    secret_access_key: Option<&'a str>,
    session_token: Option<&'a str>,
    expiration: Option<&'a str>,
}

impl<'a> Block<'a> {
    fn has_credentials(&self) -> bool {
        self.access_key_id.is_some() || self.secret_access_key.is_some() || self.session_token.is_some()
    }

    /// The format, without the profile's name: errors carry no pasted text at all.
    fn format(&self) -> PasteFormat {
        if self.header.is_some() {
            return PasteFormat::IniProfile { name: None };
        }
        match self.key_style.or(self.first_style) {
            Some(LineStyle::Export) => PasteFormat::Env,
            Some(LineStyle::NoExport) => PasteFormat::EnvNoExport,
            Some(LineStyle::PowerShell) => PasteFormat::PowerShell,
            Some(LineStyle::WindowsCmd) => PasteFormat::WindowsCmd,
            Some(LineStyle::Fish) => PasteFormat::Fish,
            Some(LineStyle::Ini) | None => PasteFormat::IniProfile { name: None },
        }
    }

    /// The `[section]` name, unless it is long or holds the secret or token (pasted in the wrong place),
    /// since it is shown.
    fn profile_name(&self) -> Option<String> {
        let name = self.header?;
        let secrets = [self.secret_access_key, self.session_token];
        let leaks = secrets.into_iter().flatten().any(|s| name.contains(s) || s.contains(name));
        (!name.is_empty() && name.chars().count() <= 64 && !leaks).then(|| name.to_owned())
    }

    fn found(&self) -> Found {
        Found {
            format: self.format(),
            access_key_id: self.access_key_id.map(str::to_owned),
            secret_access_key: self.secret_access_key.map(|s| Zeroizing::new(s.to_owned())),
            session_token: self.session_token.map(|s| Zeroizing::new(s.to_owned())),
            expiration: self.expiration.map_or(RawExpiration::Absent, |s| RawExpiration::Text(s.to_owned())),
        }
    }
}

fn parse_lines(text: &str) -> Result<PastedCredentials, PasteError> {
    let mut blocks: Vec<Block<'_>> = vec![Block::default()];
    // `\r` alone too: CRLF and old Mac line ends both leave no `\r` in a value.
    for line in text.split(['\n', '\r']) {
        match read_line(line.trim()) {
            Line::Header(name) => blocks.push(Block { header: Some(name), ..Block::default() }),
            Line::Assignment { style, key, value } => {
                let Some(slot) = slot_of(key) else { continue };
                // There is always a block (the vector starts with one); no panic path either way.
                let Some(block) = blocks.last_mut() else { continue };
                block.first_style.get_or_insert(style);
                let value = non_empty(unquote(value));
                match slot {
                    Slot::AccessKeyId => {
                        block.access_key_id = value;
                        block.key_style = Some(style);
                    }
                    Slot::SecretAccessKey => block.secret_access_key = value,
                    Slot::SessionToken => block.session_token = value,
                    Slot::Expiration => block.expiration = value,
                }
            }
            Line::Other => {}
        }
    }
    let mut with_credentials = blocks.iter().filter(|b| b.has_credentials());
    let Some(first) = with_credentials.clone().next() else {
        return Err(PasteError::Unrecognised);
    };
    if let Some(complete) = with_credentials.find(|b| b.found().missing().is_empty()) {
        let mut credentials = complete.found().finish()?;
        if let PasteFormat::IniProfile { name } = &mut credentials.format {
            *name = complete.profile_name();
        }
        return Ok(credentials);
    }
    Err(PasteError::Missing { format: first.format(), missing: first.found().missing() })
}

/// The credential a key sets, whatever the case: env variables and credentials-file keys share names.
fn slot_of(key: &str) -> Option<Slot> {
    match key.to_ascii_lowercase().as_str() {
        "aws_access_key_id" => Some(Slot::AccessKeyId),
        "aws_secret_access_key" => Some(Slot::SecretAccessKey),
        // aws_security_token is the older name boto2 and saml2aws still write.
        "aws_session_token" | "aws_security_token" => Some(Slot::SessionToken),
        "aws_credential_expiration" | "aws_session_expiration" | "x_security_token_expires" | "expiration" => Some(Slot::Expiration),
        _ => None,
    }
}

fn read_line(line: &str) -> Line<'_> {
    if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
        return Line::Other;
    }
    if line.len() >= 2 && line.starts_with('[') && line.ends_with(']') {
        return Line::Header(line[1..line.len() - 1].trim());
    }
    if let Some(rest) = strip_prefix_ignore_case(line, "$env:") {
        return assignment(LineStyle::PowerShell, rest);
    }
    if let Some(rest) = strip_word(line, "export") {
        return assignment(LineStyle::Export, rest);
    }
    if let Some(rest) = strip_word(line, "set") {
        if rest.starts_with('-') {
            // fish: set -gx KEY "value"; the flags vary (-x, -gx, -Ux).
            let mut rest = rest;
            while rest.starts_with('-') {
                rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r.trim_start());
            }
            return match rest.split_once(char::is_whitespace) {
                Some((key, value)) if is_name(key) => Line::Assignment { style: LineStyle::Fish, key, value },
                _ => Line::Other,
            };
        }
        // cmd also takes the whole assignment in quotes: set "KEY=value".
        let rest = match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) if inner.contains('=') => inner,
            _ => rest,
        };
        return assignment(LineStyle::WindowsCmd, rest);
    }
    match assignment(LineStyle::NoExport, line) {
        // Upper case is how shells name variables; the credentials file writes its keys in lower case.
        Line::Assignment { key, value, .. } if key.bytes().any(|b| b.is_ascii_lowercase()) => Line::Assignment { style: LineStyle::Ini, key, value },
        other => other,
    }
}

fn assignment(style: LineStyle, text: &str) -> Line<'_> {
    match text.split_once('=') {
        Some((key, value)) if is_name(key.trim()) => Line::Assignment { style, key: key.trim(), value },
        _ => Line::Other,
    }
}

fn is_name(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn strip_prefix_ignore_case<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &line[prefix.len()..])
}

/// `word` followed by whitespace, case aside (cmd's SET is as good as set); the rest, trimmed.
fn strip_word<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    let rest = strip_prefix_ignore_case(line, word)?;
    rest.starts_with(char::is_whitespace).then(|| rest.trim_start())
}

/// The value inside '…' or "…"; AWS keys, tokens and times never hold a quote themselves.
fn unquote(value: &str) -> &str {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote) {
            // A missing closing quote is a slip of the mouse, not a different value.
            return inner.find(quote).map_or(inner, |end| &inner[..end]).trim();
        }
    }
    value
}

// ---------------------------------------------------------------------------------------------
// Expiry

/// How long the credentials have left, for the countdown beside the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryState {
    /// The paste carried no expiration (long-term keys, or typed by hand).
    Unknown,
    Valid {
        remaining_seconds: u64,
    },
    /// At most [`EXPIRING_SOON_SECONDS`] left: a long session might not finish in time.
    ExpiringSoon {
        remaining_seconds: u64,
    },
    Expired,
}

impl ExpiryState {
    pub fn remaining_seconds(self) -> Option<u64> {
        match self {
            ExpiryState::Valid { remaining_seconds } | ExpiryState::ExpiringSoon { remaining_seconds } => Some(remaining_seconds),
            ExpiryState::Unknown | ExpiryState::Expired => None,
        }
    }
}

/// Where the credentials stand at `now_epoch_millis` (the shell's clock, passed in to keep this testable).
///
/// Remaining seconds round up, so credentials that still work never read "0 s"; exactly five
/// minutes left is already "expiring soon", and the expiration instant itself is expired.
pub fn expiry_state(expiration: Option<Timestamp>, now_epoch_millis: i64) -> ExpiryState {
    let Some(expiration) = expiration else {
        return ExpiryState::Unknown;
    };
    let remaining_millis = i128::from(expiration.epoch_millis()) - i128::from(now_epoch_millis);
    if remaining_millis <= 0 {
        return ExpiryState::Expired;
    }
    let remaining_seconds = u64::try_from((remaining_millis + 999) / 1000).unwrap_or(u64::MAX);
    if remaining_seconds <= EXPIRING_SOON_SECONDS {
        ExpiryState::ExpiringSoon { remaining_seconds }
    } else {
        ExpiryState::Valid { remaining_seconds }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &str = "ASIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEtokenAAAAAAAAAAAAAAA//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
    /// 2026-11-26T12:00:00Z
    const EXPIRES_SECS: i64 = 1_795_694_400;

    fn noon() -> Timestamp {
        Timestamp::parse_iso8601("2026-11-26T12:00:00Z").unwrap()
    }

    fn parsed(text: &str) -> PastedCredentials {
        parse_pasted(text).unwrap_or_else(|e| panic!("{e:?} for {text}"))
    }

    fn assert_all_four(c: &PastedCredentials, format: PasteFormat) {
        assert_eq!(c.access_key_id, KEY);
        assert_eq!(c.secret_access_key.as_str(), SECRET);
        assert_eq!(c.session_token.as_deref().map(String::as_str), Some(TOKEN));
        assert_eq!(c.expiration, Some(noon()));
        assert_eq!(c.format, format);
    }

    #[test]
    fn reference_time_is_what_the_constant_says() {
        assert_eq!(noon().epoch_millis(), EXPIRES_SECS * 1000);
    }

    #[test]
    fn sts_assume_role_json_with_offset_expiration() {
        let text = format!(
            r#"{{
    "Credentials": {{
        "AccessKeyId": "{KEY}",
        "SecretAccessKey": "{SECRET}",
        "SessionToken": "{TOKEN}",
        "Expiration": "2026-11-26T12:00:00+00:00"
    }},
    "AssumedRoleUser": {{
        "AssumedRoleId": "AROA3XFRBF535PLBIFPI4:fuota-session",
        "Arn": "arn:aws:sts::123456789012:assumed-role/fuota-operator/fuota-session"
    }}
}}"#
        );
        assert_all_four(&parsed(&text), PasteFormat::StsJson);
    }

    #[test]
    fn sts_get_session_token_json_with_z_and_another_offset() {
        let text =
            format!(r#"{{"Credentials":{{"AccessKeyId":"{KEY}","SecretAccessKey":"{SECRET}","SessionToken":"{TOKEN}","Expiration":"2026-11-26T12:00:00Z"}}}}"#);
        assert_all_four(&parsed(&text), PasteFormat::StsJson);
        let shifted = text.replace("12:00:00Z", "13:00:00+01:00");
        assert_eq!(parsed(&shifted).expiration, Some(noon()));
    }

    #[test]
    fn sts_assume_role_with_web_identity_json() {
        let text = format!(
            r#"{{
    "Credentials": {{"AccessKeyId": "{KEY}", "SecretAccessKey": "{SECRET}", "SessionToken": "{TOKEN}",
                     "Expiration": "2026-11-26T12:00:00.000000+00:00"}},
    "SubjectFromWebIdentityToken": "amzn1.account.AF6RHO7KZU5XRVQJGXK6HEXAMPLE",
    "AssumedRoleUser": {{"Arn": "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1", "AssumedRoleId": "AROACLKWSDQRAOEXAMPLE:app1"}},
    "Provider": "www.amazon.com",
    "Audience": "client.5498841531868486423.1548@apps.example.com"
}}"#
        );
        assert_all_four(&parsed(&text), PasteFormat::StsJson);
    }

    #[test]
    fn export_credentials_process_json() {
        let text = format!(
            "{{\n  \"Version\": 1,\n  \"AccessKeyId\": \"{KEY}\",\n  \"SecretAccessKey\": \"{SECRET}\",\n  \"SessionToken\": \"{TOKEN}\",\n  \"Expiration\": \"2026-11-26T12:00:00+00:00\"\n}}\n"
        );
        assert_all_four(&parsed(&text), PasteFormat::ProcessJson);
    }

    #[test]
    fn long_term_keys_need_no_token_and_have_no_expiration() {
        let text = format!(r#"{{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{SECRET}"}}"#);
        let c = parsed(&text);
        assert_eq!((c.session_token.as_deref().map(String::as_str), c.expiration), (None, None));
        assert_eq!(c.expiry_state(0), ExpiryState::Unknown);
    }

    #[test]
    fn cognito_get_credentials_for_identity_json_with_epoch_seconds() {
        // Cognito Identity speaks awsJson1.1: Expiration is epoch seconds, as a number.
        let text = format!(
            r#"{{"IdentityId":"us-east-1:12345678-1234-1234-1234-123456789012","Credentials":{{"AccessKeyId":"{KEY}","SecretKey":"{SECRET}","SessionToken":"{TOKEN}","Expiration":{EXPIRES_SECS}}}}}"#
        );
        assert_all_four(&parsed(&text), PasteFormat::CognitoJson);
        let fractional = text.replace(&EXPIRES_SECS.to_string(), "1.7956944E9");
        assert_eq!(parsed(&fractional).expiration, Some(noon()));
        // The CLI prints the same response with an ISO 8601 expiration.
        let from_cli = text.replace(&EXPIRES_SECS.to_string(), "\"2026-11-26T12:00:00+00:00\"");
        assert_all_four(&parsed(&from_cli), PasteFormat::CognitoJson);
    }

    #[test]
    fn sso_get_role_credentials_json_with_epoch_millis() {
        let text = format!(
            r#"{{"roleCredentials":{{"accessKeyId":"{KEY}","secretAccessKey":"{SECRET}","sessionToken":"{TOKEN}","expiration":{}}}}}"#,
            EXPIRES_SECS * 1000
        );
        assert_all_four(&parsed(&text), PasteFormat::SsoRoleJson);
    }

    #[test]
    fn container_metadata_json_names_the_token_token() {
        let text = format!(
            r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{KEY}","SecretAccessKey":"{SECRET}","Token":"{TOKEN}","Expiration":"2026-11-26T12:00:00Z"}}"#
        );
        assert_all_four(&parsed(&text), PasteFormat::MetadataJson);
    }

    #[test]
    fn json_copied_with_the_command_line_around_it() {
        let text = format!(
            "$ aws sts get-session-token\n{{\"Credentials\":{{\"AccessKeyId\":\"{KEY}\",\"SecretAccessKey\":\"{SECRET}\",\"SessionToken\":\"{TOKEN}\",\"Expiration\":\"2026-11-26T12:00:00Z\"}}}}\n$ "
        );
        assert_all_four(&parsed(&text), PasteFormat::StsJson);
    }

    #[test]
    fn env_export_lines_with_crlf_and_quotes() {
        let text = format!(
            "export AWS_ACCESS_KEY_ID={KEY}\r\nexport AWS_SECRET_ACCESS_KEY=\"{SECRET}\"\r\nexport AWS_SESSION_TOKEN='{TOKEN}'\r\nexport AWS_CREDENTIAL_EXPIRATION=2026-11-26T12:00:00+00:00\r\n"
        );
        assert_all_four(&parsed(&text), PasteFormat::Env);
    }

    #[test]
    fn env_no_export_lines() {
        let text =
            format!("  AWS_ACCESS_KEY_ID={KEY}\nAWS_SECRET_ACCESS_KEY={SECRET}\nAWS_SESSION_TOKEN={TOKEN}\nAWS_CREDENTIAL_EXPIRATION=2026-11-26T12:00:00Z  \n");
        assert_all_four(&parsed(&text), PasteFormat::EnvNoExport);
    }

    #[test]
    fn powershell_lines() {
        let text = format!(
            "$Env:AWS_ACCESS_KEY_ID=\"{KEY}\"\r\n$Env:AWS_SECRET_ACCESS_KEY=\"{SECRET}\"\r\n$env:AWS_SESSION_TOKEN = \"{TOKEN}\"\r\n$Env:AWS_CREDENTIAL_EXPIRATION=\"2026-11-26T12:00:00+00:00\"\r\n"
        );
        assert_all_four(&parsed(&text), PasteFormat::PowerShell);
    }

    #[test]
    fn windows_cmd_set_lines_plain_and_quoted() {
        let text = format!(
            "set AWS_ACCESS_KEY_ID={KEY}\r\nSET AWS_SECRET_ACCESS_KEY={SECRET}\r\nset \"AWS_SESSION_TOKEN={TOKEN}\"\r\nset AWS_CREDENTIAL_EXPIRATION=2026-11-26T12:00:00+00:00\r\n"
        );
        assert_all_four(&parsed(&text), PasteFormat::WindowsCmd);
    }

    #[test]
    fn fish_set_lines() {
        let text = format!(
            "set -gx AWS_ACCESS_KEY_ID \"{KEY}\"\nset -gx AWS_SECRET_ACCESS_KEY \"{SECRET}\"\nset -gx AWS_SESSION_TOKEN \"{TOKEN}\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"2026-11-26T12:00:00+00:00\"\n"
        );
        assert_all_four(&parsed(&text), PasteFormat::Fish);
    }

    #[test]
    fn ini_profile_block_as_the_sso_portal_shows_it() {
        let text = format!("[123456789012_FuotaOperator]\naws_access_key_id={KEY}\naws_secret_access_key={SECRET}\naws_session_token={TOKEN}\n");
        let c = parsed(&text);
        assert_eq!(c.format, PasteFormat::IniProfile { name: Some("123456789012_FuotaOperator".into()) });
        assert_eq!((c.access_key_id.as_str(), c.secret_access_key.as_str()), (KEY, SECRET));
        assert_eq!((c.session_token.as_deref().map(String::as_str), c.expiration), (Some(TOKEN), None));
    }

    #[test]
    fn ini_profile_with_spaces_comments_and_expiration() {
        let text = format!(
            "# written by saml2aws\r\n[fuota-dev]\r\naws_access_key_id     = {KEY}\r\naws_secret_access_key = {SECRET}\r\n; a comment\r\naws_session_token     = {TOKEN}\r\nx_security_token_expires = 2026-11-26T13:00:00+01:00\r\nregion = eu-west-1\r\n"
        );
        assert_all_four(&parsed(&text), PasteFormat::IniProfile { name: Some("fuota-dev".into()) });
    }

    #[test]
    fn of_several_profiles_the_first_complete_one_wins() {
        let text = format!(
            "[default]\nregion = us-east-1\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n\n[fuota]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n\n[later]\naws_access_key_id = AKIAOTHERKEYEXAMPLE1\naws_secret_access_key = other\n"
        );
        let c = parsed(&text);
        assert_eq!(c.access_key_id, KEY);
        assert_eq!(c.format, PasteFormat::IniProfile { name: Some("fuota".into()) });
        // And when none is complete, the first block with credentials is the one described.
        let err = parse_pasted("[a]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n[b]\naws_session_token = t\n").unwrap_err();
        assert_eq!(err, PasteError::Missing { format: PasteFormat::IniProfile { name: None }, missing: vec![Field::SecretAccessKey] });
    }

    #[test]
    fn pasted_credentials_become_temporary_credentials() {
        let text = format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\n");
        let t = parsed(&text).to_temporary_credentials().unwrap();
        assert_eq!((t.access_key_id.as_str(), t.secret_access_key()), (KEY, SECRET));
        // A shape the form would refuse is refused here too.
        let odd = parsed("AWS_ACCESS_KEY_ID=short\nAWS_SECRET_ACCESS_KEY=s");
        assert_eq!(odd.to_temporary_credentials().unwrap_err().code(), "InvalidInput");
    }

    #[test]
    fn half_filled_pastes_are_rejected_and_say_what_is_missing() {
        let no_secret = format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SESSION_TOKEN={TOKEN}\n");
        assert_eq!(parse_pasted(&no_secret).unwrap_err(), PasteError::Missing { format: PasteFormat::Env, missing: vec![Field::SecretAccessKey] });
        let no_key = format!(r#"{{"Credentials":{{"SecretAccessKey":"{SECRET}","SessionToken":"{TOKEN}"}}}}"#);
        let err = parse_pasted(&no_key).unwrap_err();
        assert_eq!(err, PasteError::Missing { format: PasteFormat::StsJson, missing: vec![Field::AccessKeyId] });
        assert!(err.sentence().starts_with("No access key id in the pasted AWS STS JSON"), "{}", err.sentence());
        let no_token = format!("$Env:AWS_ACCESS_KEY_ID=\"{KEY}\"\n$Env:AWS_SECRET_ACCESS_KEY=\"{SECRET}\"\n");
        assert_eq!(parse_pasted(&no_token).unwrap_err(), PasteError::Missing { format: PasteFormat::PowerShell, missing: vec![Field::SessionToken] });
        let empty_value = format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY=\"\"\nexport AWS_SESSION_TOKEN={TOKEN}\n");
        assert!(matches!(parse_pasted(&empty_value), Err(PasteError::Missing { .. })));
        let wrong_type = format!(r#"{{"Version":1,"AccessKeyId":"{KEY}","SecretAccessKey":42,"SessionToken":"{TOKEN}"}}"#);
        assert!(matches!(parse_pasted(&wrong_type), Err(PasteError::Missing { .. })));
        assert!(matches!(parse_pasted(r#"{"Credentials":{}}"#), Err(PasteError::Missing { .. })));
    }

    #[test]
    fn unknown_empty_and_broken_text_each_get_their_error() {
        assert_eq!(parse_pasted("").unwrap_err(), PasteError::Empty);
        assert_eq!(parse_pasted(" \r\n\t\u{feff}").unwrap_err(), PasteError::Empty);
        for text in [
            "hello world",
            KEY,
            "region = eu-west-1\noutput = json",
            r#"{"Arn":"arn:aws:iotwireless:us-east-1:123456789012:FuotaTask/abc","Id":"abc"}"#,
            "[1, 2, 3]",
            "see {this} and that",
        ] {
            let err = parse_pasted(text).unwrap_err();
            assert_eq!(err, PasteError::Unrecognised, "{text}");
            assert!(err.sentence().contains("assume-role") && err.sentence().contains("[profile]"));
        }
        let cut_off = format!(r#"{{"Credentials":{{"AccessKeyId":"{KEY}","SecretAccessKey":"{SECRET}""#);
        assert_eq!(parse_pasted(&cut_off).unwrap_err(), PasteError::BrokenJson);
    }

    #[test]
    fn an_unreadable_expiration_is_an_error_not_a_silent_unknown() {
        let text = format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\nexport AWS_CREDENTIAL_EXPIRATION=tomorrow\n");
        assert_eq!(parse_pasted(&text).unwrap_err(), PasteError::BadExpiration { format: PasteFormat::Env });
        let odd_type = format!(r#"{{"Version":1,"AccessKeyId":"{KEY}","SecretAccessKey":"{SECRET}","SessionToken":"{TOKEN}","Expiration":true}}"#);
        assert!(matches!(parse_pasted(&odd_type), Err(PasteError::BadExpiration { .. })));
        // Python's str(datetime) has a space for the T; that is still readable.
        let spaced = text.replace("tomorrow", "2026-11-26 12:00:00+00:00");
        assert_eq!(parsed(&spaced).expiration, Some(noon()));
    }

    #[test]
    fn the_secret_never_shows_in_debug_or_error_text() {
        let text = format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\n");
        let printed = format!("{:?}", parsed(&text));
        assert!(!printed.contains(SECRET) && !printed.contains(TOKEN), "{printed}");
        assert!(printed.contains(KEY));
        // Even the secret pasted as a profile's name stays out of sight.
        let misplaced = format!("[{SECRET}]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n");
        let c = parsed(&misplaced);
        assert_eq!(c.format, PasteFormat::IniProfile { name: None });
        assert!(!format!("{c:?}").contains(SECRET));
        let failures = [
            format!("export AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\n"),
            format!(r#"{{"Credentials":{{"SecretAccessKey":"{SECRET}""#),
            format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\nexport AWS_CREDENTIAL_EXPIRATION={SECRET}\n"),
            format!("[{SECRET}]\naws_secret_access_key = {SECRET}\n"),
            SECRET.to_owned(),
        ];
        for text in failures {
            let err = parse_pasted(&text).unwrap_err();
            for shown in [err.sentence(), format!("{err:?}"), err.to_string()] {
                assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
            }
        }
    }

    #[test]
    fn expiry_boundaries() {
        let exp = noon();
        let at = |millis_before: i64| expiry_state(Some(exp), exp.epoch_millis() - millis_before);
        assert_eq!(expiry_state(None, 0), ExpiryState::Unknown);
        assert_eq!(at(300_000), ExpiryState::ExpiringSoon { remaining_seconds: 300 });
        assert_eq!(at(300_001), ExpiryState::Valid { remaining_seconds: 301 });
        assert_eq!(at(3_600_000), ExpiryState::Valid { remaining_seconds: 3600 });
        assert_eq!(at(1), ExpiryState::ExpiringSoon { remaining_seconds: 1 });
        assert_eq!(at(0), ExpiryState::Expired);
        assert_eq!(at(-1), ExpiryState::Expired);
        assert_eq!(expiry_state(Some(exp), i64::MIN), ExpiryState::Valid { remaining_seconds: 9_223_372_036_854_776 + 1_795_694_400 });
        assert_eq!(expiry_state(Some(exp), i64::MAX), ExpiryState::Expired);
        assert_eq!(at(90_500).remaining_seconds(), Some(91));
        assert_eq!(ExpiryState::Expired.remaining_seconds(), None);
    }

    /// Pieces of every shape, so random pastes get deep into the parsers, not just past the first check.
    fn credential_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("export ".to_owned()),
            Just("$Env:".to_owned()),
            Just("set -gx ".to_owned()),
            Just("set \"".to_owned()),
            Just("AWS_ACCESS_KEY_ID=".to_owned()),
            Just("aws_secret_access_key = ".to_owned()),
            Just("AWS_SESSION_TOKEN".to_owned()),
            Just("AWS_CREDENTIAL_EXPIRATION=".to_owned()),
            Just("{\"Credentials\":{".to_owned()),
            Just("\"Expiration\":".to_owned()),
            Just("\"SecretKey\":\"".to_owned()),
            Just("[profile]".to_owned()),
            Just("2026-11-26T12:00:00+00:00".to_owned()),
            Just("ASIAIOSFODNN7EXAMPLE".to_owned()),
            "[\"'={}\\[\\]:, \r\n\t]".prop_map(String::from),
            "[0-9eE.+-]{1,30}",
            "\\PC{0,12}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        // 250 cases each, 1000 in all: enough to reach every branch, quick enough for every run.
        #![proptest_config(ProptestConfig::with_cases(250))]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = parse_pasted(&text);
        }

        #[test]
        fn credential_like_text_never_panics_and_never_half_fills(text in credential_soup()) {
            match parse_pasted(&text) {
                Ok(c) => {
                    prop_assert!(!c.access_key_id.is_empty() && !c.secret_access_key.is_empty());
                    prop_assert!(!c.access_key_id.starts_with("ASIA") || c.session_token.is_some());
                }
                Err(e) => prop_assert!(!e.sentence().is_empty()),
            }
        }

        #[test]
        fn any_secret_round_trips_and_stays_hidden(
            secret in "[A-Za-z0-9/+]{30,40}",
            token in "[A-Za-z0-9/+=]{40,80}",
            shape in 0usize..5,
        ) {
            let text = match shape {
                0 => format!(r#"{{"Credentials":{{"AccessKeyId":"{KEY}","SecretAccessKey":"{secret}","SessionToken":"{token}"}}}}"#),
                1 => format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY={secret}\nexport AWS_SESSION_TOKEN={token}\n"),
                2 => format!("$Env:AWS_ACCESS_KEY_ID=\"{KEY}\"\r\n$Env:AWS_SECRET_ACCESS_KEY=\"{secret}\"\r\n$Env:AWS_SESSION_TOKEN=\"{token}\"\r\n"),
                3 => format!("[p]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"),
                _ => format!(r#"{{"IdentityId":"us-east-1:x","Credentials":{{"AccessKeyId":"{KEY}","SecretKey":"{secret}","SessionToken":"{token}"}}}}"#),
            };
            let c = parse_pasted(&text).unwrap();
            prop_assert_eq!(c.secret_access_key.as_str(), secret.as_str());
            prop_assert_eq!(c.session_token.as_deref().map(String::as_str), Some(token.as_str()));
            let printed = format!("{c:?}");
            prop_assert!(!printed.contains(&secret) && !printed.contains(&token));
            // The same paste without its key id fails without repeating what it held.
            let err = parse_pasted(&text.replace(KEY, "")).unwrap_err();
            for shown in [err.sentence(), format!("{err:?}")] {
                prop_assert!(!shown.contains(&secret) && !shown.contains(&token));
            }
        }

        #[test]
        fn expiry_state_never_panics_and_agrees_with_the_clock(
            expiration in -62_135_596_800_000i64..=253_402_300_799_999, now in any::<i64>()
        ) {
            let state = expiry_state(Timestamp::from_epoch_millis(expiration), now);
            match state {
                ExpiryState::Expired => prop_assert!(i128::from(expiration) <= i128::from(now)),
                ExpiryState::ExpiringSoon { remaining_seconds } => prop_assert!((1..=EXPIRING_SOON_SECONDS).contains(&remaining_seconds)),
                ExpiryState::Valid { remaining_seconds } => prop_assert!(remaining_seconds > EXPIRING_SOON_SECONDS),
                ExpiryState::Unknown => prop_assert!(false, "a given expiration is never unknown"),
            }
            if let Some(seconds) = state.remaining_seconds() {
                prop_assert!(seconds >= 1, "a time left is at least a second: {}", seconds);
            }
        }
    }
}
