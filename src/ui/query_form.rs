//! The query form: credentials, region, endpoint and task id. Values are bound as properties,
//! never attributes, so that no secret ever shows in the DOM's markup.

use fuota_core::endpoint::SERVICE_REGIONS;
use leptos::prelude::*;

use super::fields::{QueryFields, OTHER_REGION};

/// One labelled text control bound to a signal.
fn text_control(name: &'static str, label: &'static str, kind: &'static str, hint: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="control">
            <span class="label">{label}</span>
            <input
                type=kind
                name=name
                autocomplete="off"
                spellcheck="false"
                autocapitalize="off"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <span class="hint">{hint}</span>
        </label>
    }
}

#[component]
pub fn QueryForm(fields: QueryFields, pending: Signal<bool>, on_submit: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    view! {
        <form class="query" on:submit=move |ev| { ev.prevent_default(); on_submit.run(()); }>
            <fieldset>
                <legend>"Temporary credentials"</legend>
                {text_control("access-key-id", "Access key id", "text", "ASIA… from STS, SSO or Cognito", fields.access_key_id)}
                {text_control("secret-access-key", "Secret access key", "password", "Stays in this page: it signs, it is never sent", fields.secret_access_key)}
                {text_control("session-token", "Session token", "password", "Needed with ASIA… keys", fields.session_token)}
            </fieldset>
            <fieldset>
                <legend>"Task"</legend>
                <label class="control">
                    <span class="label">"Region"</span>
                    <select name="region" on:change=move |ev| fields.region_choice.set(event_target_value(&ev))>
                        {SERVICE_REGIONS
                            .iter()
                            .map(|r| view! { <option value=*r selected=move || fields.region_choice.get() == *r>{*r}</option> })
                            .collect_view()}
                        <option value=OTHER_REGION selected=move || fields.region_choice.get() == OTHER_REGION>"other…"</option>
                    </select>
                </label>
                <Show when=move || fields.region_choice.get() == OTHER_REGION>
                    {text_control("region-other", "Other region", "text", "e.g. cn-north-1, us-gov-west-1", fields.region_other)}
                </Show>
                {text_control("task-id", "FUOTA task id", "text", "The Id of the task, up to 256 characters", fields.task_id)}
                <details class="advanced">
                    <summary>"Endpoint"</summary>
                    {text_control("endpoint", "Endpoint override", "url", "Empty: the region's AWS endpoint. A local or private endpoint wins.", fields.endpoint)}
                    {text_control("relay", "Relay URL", "url", "Signed for the endpoint, sent here: a proxy that forwards with the signed Host and adds CORS. It never sees the secret key.", fields.relay)}
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
            <div class="actions">
                <button type="submit">"Get FUOTA task"</button>
                <Show when=move || pending.get()>
                    <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                </Show>
            </div>
        </form>
    }
}
