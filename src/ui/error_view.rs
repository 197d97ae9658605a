//! An error: one sentence that says what to do, its code, the service's message and the request id
//! in sight, the rest of the details one click away.

use fuota_core::ConsoleError;
use leptos::prelude::*;

#[component]
pub fn ErrorView(error: ConsoleError) -> impl IntoView {
    let code = error.code().to_owned();
    let shown_code = code.clone();
    let request_id = error.request_id().map(str::to_owned);
    // A refused input is the console's own finding: its code (InvalidInput) means nothing to the
    // user, and the field it names is marked at the field.
    let is_input = matches!(error, ConsoleError::InvalidInput { .. });
    // The code and the request id are in sight already.
    let details: Vec<_> = error.details().into_iter().filter(|(label, _)| *label != "Code").collect();
    view! {
        // An error announces itself once (role=alert); a refused input does not, because the focus
        // moves to the field, whose description is the same sentence.
        <div class="error" role=(!is_input).then_some("alert") data-error-code=code>
            <p class="sentence">{error.sentence()}</p>
            {error.service_message().map(|m| view! { <p class="service-message">"The service said: " <q>{m.to_owned()}</q></p> })}
            <p class="ids" hidden=is_input>
                <code class="code">{shown_code}</code>
                {request_id.map(|id| {
                    let shown = id.clone();
                    view! { " · request id " <code data-request-id=id>{shown}</code> }
                })}
            </p>
            <details>
                <summary>"Details"</summary>
                <dl class="details">
                    {details.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd><code>{value}</code></dd> }).collect_view()}
                </dl>
            </details>
        </div>
    }
}
