//! An error: one sentence that says what to do, the details one click away.

use fuota_core::ConsoleError;
use leptos::prelude::*;

#[component]
pub fn ErrorView(error: ConsoleError) -> impl IntoView {
    let request_id = error.request_id().map(str::to_owned);
    let details = error.details();
    view! {
        <div class="error" role="alert" data-error-code=error.code().to_owned()>
            <p class="sentence">{error.sentence()}</p>
            {error.service_message().map(|m| view! { <p class="service-message">"The service said: " <q>{m.to_owned()}</q></p> })}
            <details>
                <summary>"Details"</summary>
                <dl class="details">
                    {details.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd><code>{value}</code></dd> }).collect_view()}
                    {request_id.map(|id| {
                        let shown = id.clone();
                        view! {
                            <dt>"Request id"</dt>
                            <dd><code data-request-id=id>{shown}</code></dd>
                        }
                    })}
                </dl>
            </details>
        </div>
    }
}
