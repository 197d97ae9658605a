//! The form's state as signals, and its conversion to the core's plain types.

use fuota_core::input::deeplink::DeepLink;
use fuota_core::input::paste::PastedCredentials;
use fuota_core::input::settings::{RememberedCredentials, Settings, CREDENTIALS_KEY, SETTINGS_KEY};
use fuota_core::radio::fragments::FragmentTexts;
use fuota_core::radio::planner::RadioTexts;
use fuota_core::run::form::TaskForm;
use fuota_core::wire::connection::{check_confirmed, Connection, ConnectionForm, OutsideEndpoint};
use fuota_core::wire::credentials::CredentialSession;
use fuota_core::wire::endpoint::SERVICE_REGIONS;
use fuota_core::wire::error::Field;
use fuota_core::wire::time::Timestamp;
use fuota_core::{demo, ConsoleError, FuotaTask, Request};
use leptos::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use crate::browser::storage;

/// The region select's value that shows the free-text region input.
pub const OTHER_REGION: &str = "other";

/// The query form's controls: the connection (credentials, region, endpoint, relay) and what
/// is being looked at (the task id).
#[derive(Clone, Copy)]
pub struct QueryFields {
    pub access_key_id: RwSignal<String>,
    pub secret_access_key: RwSignal<String>,
    pub session_token: RwSignal<String>,
    /// One of [`SERVICE_REGIONS`] or [`OTHER_REGION`].
    pub region_choice: RwSignal<String>,
    pub region_other: RwSignal<String>,
    pub use_fips: RwSignal<bool>,
    pub use_dual_stack: RwSignal<bool>,
    pub endpoint: RwSignal<String>,
    pub relay: RwSignal<String>,
    pub task_id: RwSignal<String>,
    /// When the credentials expire, if known.
    pub expiration: RwSignal<Option<Timestamp>>,
    /// "Remember for this tab": credentials go to sessionStorage only when this is on.
    pub remember: RwSignal<bool>,
    /// The paste area's text (it may hold a secret until it is recognised) and what came of it.
    pub paste_text: RwSignal<String>,
    pub paste_message: RwSignal<Option<Result<String, String>>>,
    /// Pastes whose reading has not finished (the readers load on demand): a submit waits for
    /// them, so that it never signs with the credentials a paste is replacing.
    pub pastes_reading: RwSignal<u32>,
    /// An endpoint or relay that a link or storage filled in (or a region the partitions do not
    /// list), until the user confirms it.
    pub unconfirmed: RwSignal<Option<OutsideEndpoint>>,
    /// The page's one owner of the credentials: every connection signs through it, and
    /// *Forget credentials* ends it, so that nothing made before signs again.
    pub session: StoredValue<CredentialSession>,
}

impl QueryFields {
    /// Pre-filled from remembered settings, then a deep link; `?demo` fills the local endpoint's
    /// public demo identity; credentials come back only from this tab's sessionStorage.
    pub fn from_link(link: &DeepLink) -> Self {
        let text = |s: &str| RwSignal::new(s.to_owned());
        let fields = Self {
            access_key_id: text(""),
            secret_access_key: text(""),
            session_token: text(""),
            region_choice: text(SERVICE_REGIONS[0]),
            region_other: text(""),
            use_fips: RwSignal::new(false),
            use_dual_stack: RwSignal::new(false),
            endpoint: text(""),
            relay: text(""),
            task_id: text(""),
            expiration: RwSignal::new(None),
            remember: RwSignal::new(false),
            paste_text: RwSignal::new(String::new()),
            paste_message: RwSignal::new(None),
            pastes_reading: RwSignal::new(0),
            unconfirmed: RwSignal::new(None),
            session: StoredValue::new(CredentialSession::new()),
        };
        let settings = storage::local_get(SETTINGS_KEY).map(|j| Settings::from_fields(&storage::record_reader(&j))).unwrap_or_default();
        if let Some(region) = &settings.region {
            fields.set_region(region);
        }
        for (signal, value) in [(fields.endpoint, settings.endpoint), (fields.relay, settings.relay), (fields.task_id, settings.task_id)] {
            if let Some(v) = value {
                signal.set(v);
            }
        }
        if let Some(remembered) = storage::session_get(CREDENTIALS_KEY).and_then(|j| RememberedCredentials::from_fields(&storage::record_reader(&j))) {
            fields.access_key_id.set(remembered.access_key_id.clone());
            fields.secret_access_key.set(remembered.secret_access_key.to_string());
            fields.session_token.set(remembered.session_token.to_string());
            fields.expiration.set(remembered.expiration());
            fields.remember.set(true);
        }
        if link.demo {
            fields.access_key_id.set(demo::ACCESS_KEY_ID.to_owned());
            fields.secret_access_key.set(demo::SECRET_ACCESS_KEY.to_owned());
            fields.session_token.set(demo::SESSION_TOKEN.to_owned());
            fields.set_region(demo::REGION);
            fields.endpoint.set(demo::ENDPOINT.to_owned());
            fields.task_id.set(demo::TASK_ID.to_owned());
        }
        if let Some(region) = &link.region {
            fields.set_region(region);
        }
        if let Some(endpoint) = &link.endpoint {
            fields.endpoint.set(endpoint.clone());
        }
        if let Some(relay) = &link.relay {
            fields.relay.set(relay.clone());
        }
        if let Some(task_id) = &link.task_id {
            fields.task_id.set(task_id.clone());
        }
        // `?demo` alone fills the console's own demo endpoint; anything else here came from the
        // link or from storage and waits for the user's word (a region too, when botocore's
        // partitions do not list it: its host is not IoT Wireless's).
        let (endpoint, relay, region) = (fields.endpoint.get_untracked(), fields.relay.get_untracked(), fields.region());
        let demo_default = link.demo && link.endpoint.is_none() && link.relay.is_none();
        // Under `?demo` the endpoint is the console's own, but a relay restored from storage is
        // not: it waits for the user's word like any other.
        let outside = if demo_default { OutsideEndpoint::with_region(&region, "", &relay) } else { OutsideEndpoint::with_region(&region, &endpoint, &relay) };
        fields.unconfirmed.set(outside);
        fields
    }

    /// What the visitor typed into the page's static form before the console arrived: it wins
    /// over storage and the link (and an endpoint, relay or region typed is the user's own, so it
    /// needs no confirmation, as in the console's form). Returns a pasted text, still to be read.
    pub fn take_typed(&self, taken: &crate::browser::takeover::Taken) -> Option<Zeroizing<String>> {
        let text_fields = [
            (Field::AccessKeyId, self.access_key_id),
            (Field::SecretAccessKey, self.secret_access_key),
            (Field::SessionToken, self.session_token),
            (Field::Endpoint, self.endpoint),
            (Field::Relay, self.relay),
            (Field::TaskId, self.task_id),
            (Field::Region, self.region_choice),
        ];
        let mut pasted = None;
        for (name, value) in &taken.values {
            if name == "credentials-paste" {
                pasted = Some(value.clone());
            } else if let Some((field, signal)) = text_fields.iter().find(|(field, _)| field.name() == name) {
                signal.set(value.to_string());
                self.unconfirmed.update(|u| *u = u.as_ref().and_then(|o| o.typed_in(*field)));
            }
        }
        for (name, checked) in &taken.checks {
            let signal = match name.as_str() {
                "remember-credentials" => self.remember,
                "use-fips" => self.use_fips,
                "use-dual-stack" => self.use_dual_stack,
                _ => continue,
            };
            signal.set(*checked);
        }
        pasted
    }

    /// Resolves once every paste has been read into the fields.
    pub async fn pastes_read(&self) {
        while self.pastes_reading.try_get_untracked().is_some_and(|n| n > 0) {
            crate::browser::clock::next_task().await;
        }
    }

    /// The connection, checked, if the destination is one the user chose or confirmed.
    pub fn checked_connection(&self) -> Result<Connection, ConsoleError> {
        let form = self.connection();
        self.unconfirmed.with_untracked(|u| check_confirmed(&form, u.as_ref()))?;
        Connection::open(&form, &self.session.get_value(), &crate::browser::location::origin())
    }

    /// The connection and the task read a submit asks for, checked.
    pub fn checked_task_read(&self) -> Result<(Connection, Request), ConsoleError> {
        Ok((self.checked_connection()?, Request::get_fuota_task(&self.task_id.get_untracked())?))
    }

    pub fn set_region(&self, region: &str) {
        if SERVICE_REGIONS.contains(&region) {
            self.region_choice.set(region.to_owned());
        } else {
            self.region_choice.set(OTHER_REGION.to_owned());
            self.region_other.set(region.to_owned());
        }
    }

    pub fn region(&self) -> String {
        let choice = self.region_choice.get_untracked();
        if choice == OTHER_REGION {
            self.region_other.get_untracked()
        } else {
            choice
        }
    }

    /// The connection as typed, read once at submit.
    pub fn connection(&self) -> ConnectionForm {
        ConnectionForm {
            access_key_id: self.access_key_id.get_untracked(),
            secret_access_key: self.secret_access_key.get_untracked().into(),
            session_token: self.session_token.get_untracked().into(),
            region: self.region(),
            use_fips: self.use_fips.get_untracked(),
            use_dual_stack: self.use_dual_stack.get_untracked(),
            endpoint: self.endpoint.get_untracked(),
            relay: self.relay.get_untracked(),
            expiration: self.expiration.get_untracked(),
        }
    }
}

impl QueryFields {
    /// Fills the three credential fields from a paste, all or nothing.
    pub fn fill_from(&self, pasted: &PastedCredentials) {
        self.access_key_id.set(pasted.access_key_id.clone());
        self.secret_access_key.set(pasted.secret_access_key.to_string());
        self.session_token.set(pasted.session_token.as_deref().map_or_else(String::new, String::clone));
        self.expiration.set(pasted.expiration);
    }

    /// After a submit: settings are remembered; credentials only if the user asked, in this tab.
    pub fn remember_now(&self) {
        let settings = Settings {
            region: Some(self.region()),
            endpoint: Some(self.endpoint.get_untracked()),
            relay: Some(self.relay.get_untracked()),
            task_id: Some(self.task_id.get_untracked()),
        };
        if let Some(json) = storage::record_json(&settings.fields()) {
            storage::local_set(SETTINGS_KEY, &json);
        }
        if self.remember.get_untracked() {
            let remembered = RememberedCredentials {
                access_key_id: self.access_key_id.get_untracked(),
                secret_access_key: self.secret_access_key.get_untracked().into(),
                session_token: self.session_token.get_untracked().into(),
                expiration_millis: self.expiration.get_untracked().map(Timestamp::epoch_millis),
            };
            match storage::record_json(&remembered.fields()) {
                Some(json) => storage::session_set(CREDENTIALS_KEY, &json),
                // Not remembered rather than an old copy kept.
                None => storage::session_remove(CREDENTIALS_KEY),
            }
        } else {
            storage::session_remove(CREDENTIALS_KEY);
        }
    }

    /// "Forget credentials": ends the credential session (no connection made before signs again:
    /// the live refresh, the task list and the campaign's reads stop at their next signature, with
    /// nothing sent), wipes the fields and the paste area (zeroizing the strings they held) and
    /// this tab's storage.
    pub fn forget_credentials(&self) {
        self.session.with_value(CredentialSession::forget);
        for field in [self.access_key_id, self.secret_access_key, self.session_token, self.paste_text] {
            field.update(|s| s.zeroize());
        }
        self.paste_message.set(None);
        self.expiration.set(None);
        self.remember.set(false);
        storage::session_remove(CREDENTIALS_KEY);
    }
}

/// The calculator's controls.
#[derive(Clone, Copy)]
pub struct CalcFields {
    pub firmware_size: RwSignal<String>,
    pub fragment_size: RwSignal<String>,
    pub redundancy_percent: RwSignal<String>,
    pub fragment_interval_ms: RwSignal<String>,
    /// The band whose data rates the fragment must fit (the task's `LoRaWAN.RfRegion`).
    pub rf_region: RwSignal<String>,
    /// The downlink data rate of the task's multicast session, when the campaign view has read it.
    pub session_dr: RwSignal<Option<i64>>,
    /// The radio values of the task's multicast session, once the campaign view has read it:
    /// what "Use the task's values" goes back to.
    pub session_radio: RwSignal<Option<RadioTexts>>,
    /// The radio planner's what-if values (`fuota_core::radio::planner::RadioTexts`).
    pub data_rate: RwSignal<String>,
    pub downlink_frequency_hz: RwSignal<String>,
    pub multicast_class: RwSignal<String>,
    pub session_timeout_s: RwSignal<String>,
    pub ping_slot_period: RwSignal<String>,
    pub device_max_fragment_bytes: RwSignal<String>,
}

impl CalcFields {
    /// Starts on the published interoperability example (`FragmentTexts::starting`).
    pub fn new() -> Self {
        let start = FragmentTexts::starting();
        let region = "EU868";
        let radio = RadioTexts::for_region(region);
        Self {
            firmware_size: RwSignal::new(start.firmware_size),
            fragment_size: RwSignal::new(start.fragment_size),
            redundancy_percent: RwSignal::new(start.redundancy_percent),
            fragment_interval_ms: RwSignal::new(start.fragment_interval_ms),
            rf_region: RwSignal::new(region.to_owned()),
            session_dr: RwSignal::new(None),
            session_radio: RwSignal::new(None),
            data_rate: RwSignal::new(radio.data_rate),
            downlink_frequency_hz: RwSignal::new(radio.downlink_frequency_hz),
            multicast_class: RwSignal::new(radio.multicast_class),
            session_timeout_s: RwSignal::new(radio.session_timeout_s),
            ping_slot_period: RwSignal::new(radio.ping_slot_period),
            device_max_fragment_bytes: RwSignal::new(radio.device_max_fragment_bytes),
        }
    }

    /// Read reactively, like `texts`.
    pub fn radio_texts(&self) -> RadioTexts {
        RadioTexts {
            data_rate: self.data_rate.get(),
            downlink_frequency_hz: self.downlink_frequency_hz.get(),
            multicast_class: self.multicast_class.get(),
            session_timeout_s: self.session_timeout_s.get(),
            ping_slot_period: self.ping_slot_period.get(),
            device_max_fragment_bytes: self.device_max_fragment_bytes.get(),
        }
    }

    /// Takes a region's or a session's radio values. The devices' largest fragment is the
    /// user's, not the session's: it stays.
    pub fn take_radio(&self, radio: RadioTexts) {
        self.data_rate.set(radio.data_rate);
        self.downlink_frequency_hz.set(radio.downlink_frequency_hz);
        self.multicast_class.set(radio.multicast_class);
        self.session_timeout_s.set(radio.session_timeout_s);
        self.ping_slot_period.set(radio.ping_slot_period);
    }

    /// Another region: its data rates and RX2 defaults.
    pub fn take_region(&self, rf_region: &str) {
        self.rf_region.set(rf_region.to_owned());
        self.take_radio(RadioTexts::for_region(rf_region));
    }

    /// Read reactively: the plan follows every keystroke.
    pub fn texts(&self) -> FragmentTexts {
        FragmentTexts {
            firmware_size: self.firmware_size.get(),
            fragment_size: self.fragment_size.get(),
            redundancy_percent: self.redundancy_percent.get(),
            fragment_interval_ms: self.fragment_interval_ms.get(),
        }
    }

    /// Takes the task's fragment size, redundancy, interval and band, as the core's
    /// `FragmentTexts::from_task` says (the firmware size is the user's), and its multicast
    /// session's radio values when they are known (else the band's defaults).
    pub fn take_task(&self, task: &FuotaTask) {
        if let Some(band) = &task.rf_region {
            self.take_region(band);
        }
        if let Some(radio) = self.session_radio.get_untracked() {
            self.take_radio(radio);
        }
        let texts = FragmentTexts::from_task(task, "");
        self.fragment_size.set(texts.fragment_size);
        self.redundancy_percent.set(texts.redundancy_percent);
        self.fragment_interval_ms.set(texts.fragment_interval_ms);
    }

    /// A new task's form from the plan on screen (its fragment size, interval, redundancy and
    /// band); the rest is the user's to fill.
    pub fn task_form(&self) -> TaskForm {
        let region = self.rf_region.get_untracked();
        let mut form = TaskForm { rf_region: region.clone(), ..TaskForm::default() };
        if let Ok(inputs) = untrack(|| self.texts()).parse() {
            form.take_plan(&inputs, &region);
        }
        form
    }
}

impl Default for CalcFields {
    fn default() -> Self {
        Self::new()
    }
}
