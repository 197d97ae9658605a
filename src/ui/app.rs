//! The console page: the query form beside the task console.

use fuota_core::deeplink::DeepLink;
use fuota_core::response::JsonAnswer;
use fuota_core::{Connection, ConsoleError, ReadRequest};
use leptos::prelude::*;

use super::console_view::TaskConsole;
use super::fields::{CalcFields, QueryFields};
use super::query_form::QueryForm;
use super::session::{outcome_of, FetchState};
use crate::browser::location;

#[component]
pub fn App() -> impl IntoView {
    let query = QueryFields::from_link(&DeepLink::parse(&location::search()));
    let calc = CalcFields::new();
    let fetch = FetchState::new();

    let fetch_task = Action::new_unsync(move |(connection, request): &(Connection, ReadRequest)| {
        let (connection, request) = (connection.clone(), request.clone());
        let started = fetch.begin();
        async move { fetch.send(&connection, &request, &started?).await.and_then(JsonAnswer::into_task) }
    });
    let pending = fetch_task.pending();

    let outcome = outcome_of(fetch_task);
    let checked = move || -> Result<(Connection, ReadRequest), ConsoleError> {
        Ok((Connection::from_form(&query.connection())?, ReadRequest::get_fuota_task(&query.task_id.get_untracked())?))
    };
    let on_submit = Callback::new(move |()| match checked() {
        Ok(read) => {
            query.remember_now();
            fetch_task.dispatch(read);
        }
        // A form error shows until the next answer; nothing was sent.
        Err(e) => outcome.set(Some(Err(e))),
    });
    let on_cancel = Callback::new(move |()| fetch.cancel());

    view! {
        <TaskConsole outcome=outcome.into() pending=pending.into() fetch=fetch calc=calc class="fuota-console page">
            <header>
                <h1>"FUOTA task console"</h1>
                <p class="tagline">"AWS IoT Wireless · GetFuotaTask signed in your browser · fragment session planner"</p>
            </header>
            <QueryForm fields=query pending=pending.into() on_submit=on_submit on_cancel=on_cancel />
        </TaskConsole>
    }
}
