//! The console page: the query form beside the task console.

use fuota_core::deeplink::DeepLink;
use fuota_core::TaskQuery;
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

    let fetch_task = Action::new_unsync(move |q: &TaskQuery| {
        let q = q.clone();
        let started = fetch.begin();
        async move {
            match started {
                Ok(started) => fetch.send(&q, &started).await,
                Err(e) => Err(e),
            }
        }
    });
    let pending = fetch_task.pending();

    let outcome = outcome_of(fetch_task);
    let on_submit = Callback::new(move |()| match TaskQuery::from_form(&query.form()) {
        Ok(q) => {
            query.remember_now();
            fetch_task.dispatch(q);
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
