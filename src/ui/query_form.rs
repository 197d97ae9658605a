//! The query form: credentials, region, endpoint and task id. Values are bound as properties,
//! never attributes, so that no secret ever shows in the DOM's markup.

use std::time::Duration;

use fuota_core::input::paste::{expiry_state, parse_pasted, ExpiryState};
use fuota_core::radio::fragments::format_duration;
use fuota_core::wire::connection::{check_confirmed, unusual_destination, OutsideEndpoint};
use fuota_core::wire::endpoint::SERVICE_REGIONS;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use zeroize::{Zeroize, Zeroizing};

use crate::browser::{clock, storage};

use super::controls::{unique_id, Described, Refusal};
use super::fields::{QueryFields, OTHER_REGION};
use fuota_core::wire::error::{part_not_loaded, Field};
use leptos::task::spawn_local;

use crate::parts::NotLoaded;

/// The field a submit refused and why, if any: the field says so itself (aria-invalid, and the
/// sentence linked by aria-describedby), next to the error shown in the result.
pub type FormRefusal = Refusal;

/// One labelled text control bound to a signal.
fn text_control(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
    refusal: (FormRefusal, Field),
) -> impl IntoView {
    typed_control(name, label, kind, hint, value, None, refusal)
}

/// The same, telling `typed` when the user types into it (the endpoint, the relay and the other
/// region: a value the user typed is theirs, and needs no confirmation). The hint and the problem sit outside the
/// label, linked by aria-describedby, so the field's name is its label alone.
fn typed_control(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
    typed: Option<RwSignal<Option<OutsideEndpoint>>>,
    (refusal, field): (FormRefusal, Field),
) -> impl IntoView {
    let d = Described::new(name, refusal, field);
    let described = d.described_by(Signal::stored(true));
    let Described { id, hint_id, problem_id, problem } = d;
    view! {
        <div class="control" class:invalid=move || problem.with(Option::is_some)>
            <label class="label" for=id.clone()>{label}</label>
            <input
                type=kind
                name=name
                id=id
                autocomplete="off"
                spellcheck="false"
                autocapitalize="off"
                aria-describedby=described
                aria-invalid=move || problem.with(Option::is_some).then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    // What the user types is theirs: that value needs no confirmation, the other
                    // linked one (endpoint or relay) still does.
                    if let Some(unconfirmed) = typed {
                        unconfirmed.update(|u| *u = u.as_ref().and_then(|o| o.typed_in(field)));
                    }
                }
            />
            <span class="hint" id=hint_id>{hint}</span>
            {move || problem.get().map(|p| view! { <span class="problem" id=problem_id.clone() data-input-error=name>{p}</span> })}
        </div>
    }
}

/// The text of the textarea an input event came from.
fn textarea_value(ev: &leptos::ev::Event) -> String {
    ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()).map(|t| t.value()).unwrap_or_default()
}

crate::on_demand! {
    /// Reads pasted credentials into the form. The readers of every format are a part of their
    /// own: most visits never paste, and the form is usable before they arrive.
    // `Zeroizing`: a paste that never reaches its reader (the part did not load) is wiped too.
    fn read_paste / read_paste_part [paste, "credentials reader"] (fields: QueryFields, pasted: Zeroizing<String>) -> () {
        take_paste(fields, pasted)
    }
}

/// All three fields from one paste, or none and a sentence of what was expected.
fn take_paste(fields: QueryFields, pasted: Zeroizing<String>) {
    let (text, message) = (fields.paste_text, fields.paste_message);
    match parse_pasted(&pasted) {
        Ok(credentials) => {
            fields.fill_from(&credentials);
            message.set(Some(Ok(format!("Filled from {}.", credentials.format.label()))));
            text.update(|t| t.zeroize());
        }
        Err(e) => {
            message.set(Some(Err(e.sentence())));
            text.set(pasted.to_string());
        }
    }
}

/// Reads a pasted text into the fields (its readers load on demand; a submit waits for it).
pub fn read_pasted(fields: QueryFields, pasted: Zeroizing<String>) {
    if pasted.trim().is_empty() {
        // White space alone (the tail of a paste that already filled the fields) changes nothing.
        fields.paste_text.set(pasted.to_string());
        return;
    }
    fields.pastes_reading.update(|n| *n += 1);
    spawn_local(async move {
        if let Err(NotLoaded(part)) = read_paste(fields, pasted).await {
            let _ = fields.paste_message.try_set(Some(Err(part_not_loaded(part))));
        }
        let _ = fields.pastes_reading.try_update(|n| *n -= 1);
    });
}

/// Paste-to-fill.
fn paste_control(fields: QueryFields) -> impl IntoView {
    let (text, message) = (fields.paste_text, fields.paste_message);
    let on_input = move |ev: leptos::ev::Event| read_pasted(fields, Zeroizing::new(textarea_value(&ev)));
    let id = unique_id("credentials-paste");
    let message_id = format!("{id}-message");
    let described = {
        let message_id = message_id.clone();
        move || message.with(Option::is_some).then(|| message_id.clone())
    };
    view! {
        <div class="control paste">
            <label class="label" for=id.clone()>"Paste credentials"</label>
            <textarea name="credentials-paste" id=id rows="2" spellcheck="false" autocomplete="off"
                placeholder="aws sts assume-role / export-credentials output, export lines, or a [profile] block"
                aria-describedby=described
                aria-invalid=move || message.with(|m| matches!(m, Some(Err(_)))).then_some("true")
                prop:value=move || text.get() on:input=on_input></textarea>
            // Said as it happens (filled, or what was expected), once.
            <span id=message_id role="status">
                {move || message.get().map(|m| match m {
                    Ok(done) => view! { <span class="hint ok" data-paste="filled">{done}</span> }.into_any(),
                    Err(why) => view! { <span class="problem" data-paste="unrecognised">{why}</span> }.into_any(),
                })}
            </span>
        </div>
    }
}

/// The credentials' countdown: shown when an expiration is known, a warning in the last 5 minutes.
fn expiry_notice(fields: QueryFields) -> impl IntoView {
    let now = RwSignal::new(clock::now_millis() as i64);
    if let Ok(handle) = set_interval_with_handle(move || now.set(clock::now_millis() as i64), Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    move || {
        match expiry_state(fields.expiration.get(), now.get()) {
        ExpiryState::Unknown => None,
        ExpiryState::Valid { remaining_seconds } => {
            Some(view! { <p class="expiry" data-expiry="valid">{format!("Expire in {}", format_duration(remaining_seconds))}</p> }.into_any())
        }
        ExpiryState::ExpiringSoon { remaining_seconds } => Some(view! {
            <p class="expiry warning" data-expiry="expiring">{format!("Expire in {}: get fresh credentials before a long session.", format_duration(remaining_seconds))}</p>
        }.into_any()),
        ExpiryState::Expired => Some(view! {
            <p class="expiry problem" data-expiry="expired">"Expired: the console will not sign with them. Paste fresh ones."</p>
        }.into_any()),
    }
    }
}

/// Where requests will go when that is not the region's own endpoint, named before anything is
/// sent; and, for a destination a link or storage chose, the control that confirms it.
fn destination_notice(fields: QueryFields) -> impl IntoView {
    let host = Memo::new(move |_| {
        let form = fuota_core::ConnectionForm {
            region: fields.region_choice.with(|c| if c == OTHER_REGION { fields.region_other.get() } else { c.clone() }),
            use_fips: fields.use_fips.get(),
            use_dual_stack: fields.use_dual_stack.get(),
            endpoint: fields.endpoint.get(),
            relay: fields.relay.get(),
            ..Default::default()
        };
        let host = unusual_destination(&form)?;
        let waiting = fields.unconfirmed.with(|u| check_confirmed(&form, u.as_ref()).is_err());
        Some((host, waiting))
    });
    // `data-destination-checked`: the check has run (this notice arrives with its part), so a
    // page without the warning is one where there is nothing to warn about.
    let notice = move || {
        host.get().map(|(host, waiting)| {
            view! {
                <p class="warning" data-warning="custom-endpoint">
                    {format!("Requests go to {host}, not to AWS's own IoT Wireless endpoint for this region.")}
                    {waiting.then(|| view! {
                        " " <span>"It came from the link or from this browser's storage: nothing is sent there until you confirm it."</span>
                        " " <button type="button" class="secondary" data-action="confirm-endpoint"
                            on:click=move |_| fields.unconfirmed.set(None)>"Use this endpoint"</button>
                    })}
                </p>
            }
        })
    };
    view! { <div class="destination" data-destination-checked="">{notice}</div> }
}

#[component]
pub fn QueryForm(
    fields: QueryFields,
    pending: Signal<bool>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
    /// Opens the task list with this form's connection.
    on_list: Callback<()>,
    /// Opens the rollouts view with this form's connection.
    on_rollouts: Callback<()>,
    refusal: FormRefusal,
    /// *Endpoint* starts open (it was open in the page's static form).
    #[prop(optional)]
    advanced_open: bool,
) -> impl IntoView {
    let region_id = unique_id("region");
    view! {
        <form class="query" on:submit=move |ev| { ev.prevent_default(); on_submit.run(()); }>
            <fieldset>
                <legend>"Temporary credentials"</legend>
                {text_control("access-key-id", "Access key id", "text", "ASIA… from STS, SSO or Cognito", fields.access_key_id, (refusal, Field::AccessKeyId))}
                {text_control("secret-access-key", "Secret access key", "password", "Stays in this page: it signs, it is never sent", fields.secret_access_key, (refusal, Field::SecretAccessKey))}
                {text_control("session-token", "Session token", "password", "Needed with ASIA… keys", fields.session_token, (refusal, Field::SessionToken))}
                {expiry_notice(fields)}
                {paste_control(fields)}
                <div class="credential-actions">
                    <label class="check">
                        <input type="checkbox" name="remember-credentials" prop:checked=move || fields.remember.get()
                            on:change=move |ev| {
                                fields.remember.set(event_target_checked(&ev));
                                if !fields.remember.get_untracked() {
                                    storage::session_remove(fuota_core::input::settings::CREDENTIALS_KEY);
                                }
                            } />
                        "Remember for this tab"
                    </label>
                    <button type="button" name="forget-credentials" class="secondary" on:click=move |_| fields.forget_credentials()>
                        "Forget credentials"
                    </button>
                </div>
            </fieldset>
            <fieldset>
                <legend>"Task"</legend>
                <div class="control">
                    <label class="label" for=region_id.clone()>"Region"</label>
                    <select name="region" id=region_id on:change=move |ev| {
                        fields.region_choice.set(event_target_value(&ev));
                        // The region the user picks is theirs: a linked one no longer waits.
                        fields.unconfirmed.update(|u| *u = u.as_ref().and_then(|o| o.typed_in(Field::Region)));
                    }>
                        {SERVICE_REGIONS
                            .iter()
                            .map(|r| view! { <option value=*r selected=move || fields.region_choice.get() == *r>{*r}</option> })
                            .collect_view()}
                        <option value=OTHER_REGION selected=move || fields.region_choice.get() == OTHER_REGION>"other…"</option>
                    </select>
                </div>
                <Show when=move || fields.region_choice.get() == OTHER_REGION>
                    {typed_control("region-other", "Other region", "text", "e.g. cn-north-1, us-gov-west-1", fields.region_other, Some(fields.unconfirmed), (refusal, Field::Region))}
                </Show>
                {text_control("task-id", "FUOTA task id", "text", "The Id of the task, up to 256 characters", fields.task_id, (refusal, Field::TaskId))}
                <details class="advanced" open=advanced_open>
                    <summary>"Endpoint"</summary>
                    {typed_control("endpoint", "Endpoint override", "url", "Empty: the region's AWS endpoint. A local or private endpoint wins.", fields.endpoint, Some(fields.unconfirmed), (refusal, Field::Endpoint))}
                    {typed_control("relay", "Relay URL", "url", "Signed for the endpoint, sent here: a proxy that forwards with the signed Host and adds CORS. It never sees the secret key.", fields.relay, Some(fields.unconfirmed), (refusal, Field::Relay))}
                    <label class="check">
                        <input type="checkbox" name="use-fips" prop:checked=move || fields.use_fips.get()
                            on:change=move |ev| fields.use_fips.set(event_target_checked(&ev)) />
                        "FIPS endpoint"
                    </label>
                    <label class="check">
                        <input type="checkbox" name="use-dual-stack" prop:checked=move || fields.use_dual_stack.get()
                            on:change=move |ev| fields.use_dual_stack.set(event_target_checked(&ev)) />
                        "Dual-stack endpoint"
                    </label>
                </details>
            </fieldset>
            {destination_notice(fields)}
            <div class="actions">
                <button type="submit">"Get FUOTA task"</button>
                <button type="button" class="secondary" data-action="list-tasks" on:click=move |_| on_list.run(())>"List tasks"</button>
                <button type="button" class="secondary" data-action="list-rollouts" on:click=move |_| on_rollouts.run(())>"Rollouts"</button>
                <Show when=move || pending.get()>
                    <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                </Show>
            </div>
        </form>
    }
}
