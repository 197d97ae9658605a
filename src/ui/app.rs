//! The console page: the query form beside the task console.

use fuota_core::deeplink::DeepLink;
use fuota_core::{ConsoleError, TaskQuery};
use leptos::prelude::*;

use super::console_view::TaskConsole;
use super::fields::{CalcFields, QueryFields};
use super::query_form::QueryForm;
use super::session::{FetchState, Outcome};
use crate::browser::location;

#[component]
pub fn App() -> impl IntoView {
    let query = QueryFields::from_link(&DeepLink::parse(&location::search()));
    let calc = CalcFields::new();
    let fetch = FetchState::new();
    let input_error = RwSignal::new(None::<ConsoleError>);

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

    let on_submit = Callback::new(move |()| match TaskQuery::from_form(&query.form()) {
        Ok(q) => {
            input_error.set(None);
            query.remember_now();
            fetch_task.dispatch(q);
        }
        Err(e) => input_error.set(Some(e)),
    });
    let on_cancel = Callback::new(move |()| fetch.cancel());

    // A form error is newer than any answer: it shows until the next submit.
    let outcome = Signal::derive(move || -> Option<Outcome> { input_error.get().map(Err).or_else(|| fetch_task.value().get()) });

    view! {
        <TaskConsole outcome=outcome pending=pending.into() fetch=fetch calc=calc class="fuota-console page">
            <header>
                <h1>"FUOTA task console"</h1>
                <p class="tagline">"AWS IoT Wireless · GetFuotaTask signed in your browser · fragment session planner"</p>
            </header>
            <QueryForm fields=query pending=pending.into() on_submit=on_submit on_cancel=on_cancel />
        </TaskConsole>
    }
}
