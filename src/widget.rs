//! The console as a widget for internal portals: `mount(element, options)` and its handle.
//!
//! Options (a plain JS object): `region`, `taskId`, `endpoint`, `relay`, `campaign` (true: the
//! task's devices and multicast groups too, read again while the task runs, every `refresh`
//! seconds), `writable` (with `campaign`: the task's writes, each reviewed and confirmed; read once,
//! at mount), `allowedHosts` (the only hosts the widget may send to), and credentials either as
//! `credentials: {accessKeyId, secretAccessKey, sessionToken, expiration}` or as
//! `credentialProvider: async () => ({…})`. The provider is called when credentials are needed,
//! again when they expire, and again once when the service says they did.
//!
//! What it isolates: its styles and DOM from the portal's CSS (a shadow root). Not scripts on the
//! same page: they share its memory and can drive the browser as the user does; the widget only
//! stops making it easy (see the README, "What the widget isolates, and what it does not").

use std::any::Any;

use fuota_core::wire::connection::{check_embedded_destination, ConnectionForm};
use fuota_core::wire::credentials::{is_expiry_error, provider_credentials_fresh, CredentialSession};
use fuota_core::wire::time::Timestamp;
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::clock;
use crate::ui::console_view::{CampaignOptions, TaskConsole};
use crate::ui::intent::WriteHost;
use crate::ui::part_view::part_view;
use crate::ui::reader::FetchState;
use crate::ui::rollouts::{rollout_runner, rollouts_view, RolloutHub, WriteSource};
use crate::ui::session::{outcome_of, read_task, Outcome};

#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainOptions {
    region: Option<String>,
    task_id: Option<String>,
    endpoint: Option<String>,
    relay: Option<String>,
    campaign: Option<bool>,
    /// The rollouts of the region instead of a task (writes only with `writable`).
    rollouts: Option<bool>,
    /// Writes on the shown task (edit, devices or groups, schedule, delete), each still reviewed
    /// and confirmed: off unless the portal turns them on. Needs `campaign`.
    writable: Option<bool>,
    /// The hosts the widget may send to (the endpoint's, or the relay's); none given: any the
    /// options name, `http://` only on this computer.
    allowed_hosts: Option<Vec<String>>,
    /// Seconds, as an attribute's text or a number (read by hand: serde takes one or the other).
    #[serde(skip)]
    refresh: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProvidedCredentials {
    access_key_id: String,
    secret_access_key: zeroize::Zeroizing<String>,
    session_token: Option<zeroize::Zeroizing<String>>,
}

/// Credentials as the widget holds them: the form strings, and when they expire.
#[derive(Clone)]
struct HeldCredentials {
    form: ConnectionForm,
    expires_at: Option<i64>,
}

/// Everything the widget knows about where its credentials and task come from.
#[derive(Clone, Default)]
struct WidgetSource {
    options: PlainOptions,
    fixed: Option<HeldCredentials>,
    provider: Option<js_sys::Function>,
    cached: Option<HeldCredentials>,
    /// The widget's one owner of the credentials: credentials asked for again serve every read
    /// after them (the campaign's included); unmounting ends it.
    session: CredentialSession,
}

fn unavailable(detail: impl Into<String>) -> ConsoleError {
    ConsoleError::CredentialsUnavailable { detail: detail.into() }
}

/// `expiration` as a Date, an ISO-8601 string or epoch milliseconds.
fn expiration_millis(value: &JsValue) -> Option<i64> {
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        let ms = date.get_time();
        return ms.is_finite().then_some(ms as i64);
    }
    if let Some(s) = value.as_string() {
        return Timestamp::parse_iso8601(&s).map(Timestamp::epoch_millis);
    }
    value.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)
}

fn held_from_js(value: &JsValue) -> Result<HeldCredentials, ConsoleError> {
    let provided: ProvidedCredentials =
        serde_wasm_bindgen::from_value(value.clone()).map_err(|_| unavailable("expected {accessKeyId, secretAccessKey, sessionToken, expiration}"))?;
    let expiration = js_sys::Reflect::get(value, &JsValue::from_str("expiration")).unwrap_or(JsValue::UNDEFINED);
    Ok(HeldCredentials {
        form: ConnectionForm {
            access_key_id: provided.access_key_id,
            secret_access_key: provided.secret_access_key,
            session_token: provided.session_token.unwrap_or_default(),
            expiration: expiration_millis(&expiration).and_then(Timestamp::from_epoch_millis),
            ..ConnectionForm::default()
        },
        // Through Timestamp: only a time between the years 1 and 9999 counts.
        expires_at: expiration_millis(&expiration).and_then(Timestamp::from_epoch_millis).map(Timestamp::epoch_millis),
    })
}

fn read_options(options: &JsValue) -> Result<WidgetSource, ConsoleError> {
    if options.is_undefined() || options.is_null() {
        return Ok(WidgetSource::default());
    }
    let get = |key: &str| js_sys::Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    // Read apart from the rest: an attribute gives text, a script may give a number.
    let refresh = get("refresh");
    let refresh = refresh.as_string().or_else(|| refresh.as_f64().map(|f| f.to_string()));
    let without_refresh = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
    let _ = js_sys::Reflect::delete_property(&without_refresh, &JsValue::from_str("refresh"));
    let mut plain: PlainOptions = serde_wasm_bindgen::from_value(without_refresh.into())
        .map_err(|e| ConsoleError::invalid(fuota_core::wire::error::Field::TaskId, &format!("The widget's options are not valid: {e}")))?;
    plain.refresh = refresh;
    let credentials = get("credentials");
    let fixed = if credentials.is_object() { Some(held_from_js(&credentials)?) } else { None };
    let provider = get("credentialProvider").dyn_into::<js_sys::Function>().ok();
    Ok(WidgetSource { options: plain, fixed, provider, cached: None, session: CredentialSession::new() })
}

impl WidgetSource {
    /// Region, task id and a way to get credentials: enough to load without a click.
    fn is_complete(&self) -> bool {
        let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        set(&self.options.region) && set(&self.options.task_id) && (self.fixed.is_some() || self.provider.is_some())
    }
}

async fn call_provider(provider: &js_sys::Function) -> Result<HeldCredentials, ConsoleError> {
    let returned = provider.call0(&JsValue::NULL).map_err(|_| unavailable("the credential provider threw"))?;
    let value = match returned.dyn_into::<js_sys::Promise>() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| unavailable("the credential provider's promise was rejected"))?,
        Err(value) => value,
    };
    held_from_js(&value)
}

/// Reads the widget's source; once the widget is unmounted (a request may outlive it) that is a
/// cancellation, never a panic.
fn read<T>(source: StoredValue<WidgetSource, LocalStorage>, f: impl FnOnce(&WidgetSource) -> T) -> Result<T, ConsoleError> {
    source.try_with_value(f).ok_or(ConsoleError::Cancelled)
}

/// Credentials for the next request: fixed ones, or the provider's (cached until they expire).
async fn credentials(source: StoredValue<WidgetSource, LocalStorage>, refresh: bool) -> Result<HeldCredentials, ConsoleError> {
    let (fixed, provider, cached) = read(source, |s| (s.fixed.clone(), s.provider.clone(), s.cached.clone()))?;
    let now = clock::now_millis() as i64;
    let fresh = |c: &HeldCredentials| provider_credentials_fresh(c.expires_at, now);
    match (provider, fixed) {
        (Some(provider), _) => {
            if let Some(c) = cached.filter(|c| !refresh && fresh(c)) {
                return Ok(c);
            }
            let held = call_provider(&provider).await?;
            source.update_value(|s| s.cached = Some(held.clone()));
            Ok(held)
        }
        (None, Some(fixed)) => Ok(fixed),
        (None, None) => Err(unavailable("neither credentials nor a credentialProvider was given")),
    }
}

/// The widget's connection (options and credentials) and the task it shows.
async fn task_read(source: StoredValue<WidgetSource, LocalStorage>, refresh: bool) -> Result<(Connection, Request), ConsoleError> {
    let connection = widget_connection(source, refresh).await?;
    let task_id = read(source, |s| s.options.task_id.clone())?.unwrap_or_default();
    Ok((connection, Request::get_fuota_task(&task_id)?))
}

/// The connection the options and credentials describe, its destination checked first.
async fn widget_connection(source: StoredValue<WidgetSource, LocalStorage>, refresh: bool) -> Result<Connection, ConsoleError> {
    let held = credentials(source, refresh).await?;
    let (options, session) = read(source, |s| (s.options.clone(), s.session.clone()))?;
    let form = ConnectionForm {
        region: options.region.unwrap_or_default(),
        endpoint: options.endpoint.unwrap_or_default(),
        relay: options.relay.unwrap_or_default(),
        ..held.form
    };
    // Before the credentials are handed to the connection: nothing is signed for a host refused.
    check_embedded_destination(&form, options.allowed_hosts.as_deref())?;
    Connection::open(&form, &session, &crate::browser::location::origin())
}

/// The reactive parts the handle drives, created inside the mounted view's owner.
#[derive(Clone, Copy)]
struct Controls {
    source: StoredValue<WidgetSource, LocalStorage>,
    load: Action<(), Outcome>,
    fetch: FetchState,
}

/// What `mount` returns to the host page. Its methods call into the widget's part through
/// `Mounted` (a trait object made there), so their code loads with the widget, not with the page.
#[wasm_bindgen]
pub struct WidgetHandle {
    mounted: Option<Box<dyn Mounted>>,
}

/// A mounted widget, as its handle drives it.
trait Mounted {
    fn refresh(&self);
    fn set_task_id(&self, task_id: String);
    fn set_options(&self, options: JsValue) -> Result<(), JsError>;
    /// Stops any request and lets go of what the widget holds.
    fn stop(&self);
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Stops any request, removes the widget and frees what it holds.
    pub fn unmount(&mut self) {
        if let Some(mounted) = self.mounted.take() {
            mounted.stop();
        }
    }

    /// Loads the task again.
    pub fn refresh(&self) {
        if let Some(mounted) = &self.mounted {
            mounted.refresh();
        }
    }

    /// Shows another task.
    #[wasm_bindgen(js_name = setTaskId)]
    pub fn set_task_id(&self, task_id: String) {
        if let Some(mounted) = &self.mounted {
            mounted.set_task_id(task_id);
        }
    }

    /// Replaces the options (region, task id, endpoint, relay, credentials, provider) and reloads.
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(&self, options: JsValue) -> Result<(), JsError> {
        match &self.mounted {
            Some(mounted) => mounted.set_options(options),
            None => Ok(()),
        }
    }
}

/// The mounted view (dropping it unmounts) and the reactive parts the handle drives, created
/// inside the mounted view's owner.
struct MountedWidget {
    _view: Box<dyn Any>,
    controls: Controls,
}

impl Mounted for MountedWidget {
    fn refresh(&self) {
        self.controls.load.dispatch(());
    }

    fn set_task_id(&self, task_id: String) {
        self.controls.source.update_value(|s| s.options.task_id = Some(task_id));
        self.controls.load_if_complete();
    }

    fn set_options(&self, options: JsValue) -> Result<(), JsError> {
        let source = read_options(&options).map_err(|e| JsError::new(&e.sentence()))?;
        // New options may name other credentials: nothing of the old ones signs again.
        self.controls.source.update_value(|s| {
            s.session.forget();
            *s = source;
        });
        self.controls.load_if_complete();
        Ok(())
    }

    fn stop(&self) {
        self.controls.fetch.cancel();
        self.controls.source.update_value(|s| {
            s.session.forget();
            *s = WidgetSource::default();
        });
    }
}

impl Controls {
    fn load_if_complete(&self) {
        if self.source.try_with_value(WidgetSource::is_complete).unwrap_or(false) {
            self.load.dispatch(());
        }
    }
}

/// The region's rollouts, read once at mount through the widget's connection (and again with the
/// view's *Read again*); a rollout's writes only when the portal mounted it `writable`.
fn rollouts_widget(source: StoredValue<WidgetSource, LocalStorage>, fetch: FetchState, writable: bool, refresh_seconds: u32) -> AnyView {
    let plain = RolloutHub::new(WriteSource::widget(writable), fetch, refresh_seconds);
    let read = move |through: RolloutHub, renewed: bool| {
        leptos::task::spawn_local(async move {
            match widget_connection(source, renewed).await {
                Ok(c) => through.load(c),
                Err(e) => through.fail(e),
            }
        })
    };
    // The service says the credentials expired: the provider is asked once more, and the
    // rollouts are read again with what it gives, through a hub that asks no more (a second
    // expiry in a row is shown).
    let hub = plain.with_renew(Callback::new(move |()| read(plain, true)));
    read(hub, false);
    view! {
        <div class="fuota-console widget">
            <Show when=move || hub.intent.with(Option::is_some)>{part_view(move || rollout_runner(hub))}</Show>
            {part_view(move || rollouts_view(hub))}
        </div>
    }
    .into_any()
}

/// Mounts the widget into `element` (a plain element or a shadow root's child). The widget is a
/// part of its own: the console page never loads it, and a portal loads it with its first mount.
pub async fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<WidgetHandle, JsError> {
    // The sentence alone: the rest of the error machinery stays out of the page's first part.
    mount_loaded(element, options).await.map_err(|_| JsError::new(&fuota_core::wire::error::part_not_loaded("widget")))?
}

crate::on_demand! {
    fn mount_loaded / mount_part [widget, "widget"] (element: web_sys::HtmlElement, options: JsValue) -> Result<WidgetHandle, JsError> {
        mount_now(element, options)
    }
}

fn mount_now(element: web_sys::HtmlElement, options: JsValue) -> Result<WidgetHandle, JsError> {
    let initial = read_options(&options).map_err(|e| JsError::new(&e.sentence()))?;
    let controls = std::rc::Rc::new(std::cell::Cell::new(None::<Controls>));
    let exported = std::rc::Rc::clone(&controls);
    let handle = leptos::mount::mount_to(element, move || {
        let fetch = FetchState::new();
        let with_campaign = initial.options.campaign.unwrap_or(false);
        let writable = initial.options.writable.unwrap_or(false);
        let rollouts = initial.options.rollouts.unwrap_or(false);
        let seconds = fuota_core::campaign::live::refresh_seconds(initial.options.refresh.as_deref());
        let source = StoredValue::new_local(initial);
        let connection = RwSignal::new(None::<Connection>);
        let load = Action::new_unsync(move |_: &()| {
            let started = fetch.begin();
            async move {
                let started = started?;
                let (read_through, request) = task_read(source, false).await?;
                let _ = connection.try_set(Some(read_through.clone()));
                let connection = read_through;
                let first = read_task(fetch, connection, request, started.clone()).await;
                match first {
                    // The service says the credentials expired: ask the provider once more. The
                    // credentials it gives serve every read after them (the campaign's too: its
                    // connection signs through the same owner).
                    Err(e) if is_expiry_error(&e) && read(source, |s| s.provider.is_some()).unwrap_or(false) => {
                        let (connection, request) = task_read(source, true).await?;
                        read_task(fetch, connection, request, started).await
                    }
                    other => other,
                }
            }
        });
        exported.set(Some(Controls { source, load, fetch }));
        if rollouts {
            return rollouts_widget(source, fetch, writable, seconds);
        }
        let outcome = outcome_of(load);
        let campaign = with_campaign.then(|| CampaignOptions {
            connection: connection.into(),
            refresh: Callback::new(move |()| {
                load.dispatch(());
            }),
            refresh_seconds: seconds,
            // A widget shows one task: it changes that task, and never creates one.
            writes: writable.then(|| WriteHost { form: None, open: Callback::new(|_: String| {}) }),
        });
        view! { <TaskConsole outcome=outcome.into() pending=load.pending().into() fetch=fetch campaign=campaign class="fuota-console widget" /> }.into_any()
    });
    let controls = controls.get().ok_or_else(|| JsError::new("the widget did not mount"))?;
    controls.load_if_complete();
    Ok(WidgetHandle { mounted: Some(Box::new(MountedWidget { _view: Box::new(handle), controls })) })
}
