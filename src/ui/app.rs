//! The console page: the query form, the task list, and the task console with its campaign.

use fuota_core::campaign::live::refresh_seconds;
use fuota_core::input::deeplink::DeepLink;
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;

use super::console_view::{CampaignOptions, TaskConsole};
use super::fields::{QueryFields, OTHER_REGION};
use super::intent::WriteHost;
use super::part_view::part_view;
use super::query_form::{read_pasted, QueryForm};
use super::reader::FetchState;
use super::rollouts::{rollout_runner, rollouts_view, RolloutHub, WriteSource};
use super::session::{outcome_of, read_task};
use super::task_list::{task_list, TaskListState};
use crate::browser::takeover::{Pending, Taken};
use crate::browser::{focus, location};
use fuota_core::wire::error::Field;
use leptos::task::spawn_local;

#[component]
pub fn App(
    /// What the visitor did with the page's static form before the console arrived.
    #[prop(optional)]
    taken: Taken,
) -> impl IntoView {
    let link = DeepLink::parse(&location::search());
    let query = QueryFields::from_link(&link);
    let pasted = query.take_typed(&taken);
    let fetch = FetchState::new();
    let tasks = TaskListState::new();
    // The connection the shown task was read through, and that read, for the live refresh.
    let connection = RwSignal::new(None::<Connection>);
    let last_read = StoredValue::new(None::<(Connection, Request)>);

    let fetch_task = Action::new_unsync(move |(connection, request): &(Connection, Request)| {
        let (connection, request) = (connection.clone(), request.clone());
        let started = fetch.begin();
        async move { read_task(fetch, connection, request, started?).await }
    });
    let pending = fetch_task.pending();

    let outcome = outcome_of(fetch_task);
    let read = move |read: (Connection, Request)| {
        connection.set(Some(read.0.clone()));
        last_read.set_value(Some(read.clone()));
        fetch_task.dispatch(read);
    };
    let refuse = move |e: ConsoleError| {
        let field = match &e {
            // A refused region is the free-text one when "other…" is chosen.
            ConsoleError::InvalidInput { field: Field::Region, .. } if query.region_choice.with_untracked(|c| c == OTHER_REGION) => Some("region-other"),
            ConsoleError::InvalidInput { field, .. } => Some(field.name()),
            _ => None,
        };
        outcome.set(Some(Err(e)));
        if let Some(name) = field {
            // After the error view is in: the field's description names the problem.
            request_animation_frame(move || focus::form_field(name));
        }
    };
    let refusal = Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.as_ref().err()).and_then(ConsoleError::refusal)));
    let on_submit = Callback::new(move |()| {
        spawn_local(async move {
            query.pastes_read().await;
            match query.checked_task_read() {
                Ok(r) => {
                    query.remember_now();
                    read(r);
                }
                // A form error shows until the next answer; nothing was sent. Focus goes to the field.
                Err(e) => refuse(e),
            }
        })
    });
    let on_cancel = Callback::new(move |()| fetch.cancel());
    // A list (tasks, rollouts) is read through the form's connection, checked as a submit's is.
    let through_form = move |then: Callback<Connection>| {
        Callback::new(move |()| {
            spawn_local(async move {
                query.pastes_read().await;
                match query.checked_connection() {
                    Ok(c) => {
                        query.remember_now();
                        then.run(c);
                    }
                    Err(e) => refuse(e),
                }
            })
        })
    };
    let on_list = through_form(Callback::new(move |c| tasks.load(c, fetch)));
    let rollouts = RolloutHub::new(WriteSource::form(query), fetch, refresh_seconds(link.refresh.as_deref()));
    provide_context(rollouts);
    let on_rollouts = through_form(Callback::new(move |c| rollouts.load(c)));
    let on_open = Callback::new(move |id: String| {
        query.task_id.set(id);
        on_submit.run(());
    });
    // A live task is read again as it was first read, whatever the form holds now.
    let on_refresh = Callback::new(move |()| {
        if let Some(r) = last_read.get_value() {
            fetch_task.dispatch(r);
        }
    });
    if link.view_tasks {
        // With this tab's remembered or the demo's credentials the list loads at once (or as soon
        // as the user confirms a linked endpoint); without, it waits for "List tasks".
        tasks.open.set(true);
        let started = StoredValue::new(false);
        Effect::new(move |_| {
            let confirmed = query.unconfirmed.with(Option::is_none);
            if confirmed && !started.get_value() {
                started.set_value(true);
                spawn_local(async move {
                    match query.checked_connection() {
                        Ok(c) => tasks.load(c, fetch),
                        // Not yet: "List tasks" (or a confirmation) tries again.
                        Err(_) => started.set_value(false),
                    }
                });
            }
        });
    }
    // A paste made into the static form is read as the console's own paste area reads it; a
    // button pressed there is carried out now (after the paste: a submit waits for its reading).
    if let Some(pasted) = pasted {
        read_pasted(query, pasted);
    }
    match taken.pending {
        Some(Pending::Submit) => on_submit.run(()),
        Some(Pending::ListTasks) => on_list.run(()),
        Some(Pending::ListRollouts) => on_rollouts.run(()),
        None => {}
    }
    // Writes go through the form's connection (the credentials' owner); a new task opens as a
    // task read from the form does.
    let writes = WriteHost { form: Some(query), open: on_open };
    let campaign =
        CampaignOptions { connection: connection.into(), refresh: on_refresh, refresh_seconds: refresh_seconds(link.refresh.as_deref()), writes: Some(writes) };

    view! {
        <TaskConsole outcome=outcome.into() pending=pending.into() fetch=fetch campaign=Some(campaign) class="fuota-console page">
            <header>
                <h1>"FUOTA task console"</h1>
                <p class="tagline">"AWS IoT Wireless · signed in your browser · tasks, devices, multicast sessions · fragment session planner"</p>
            </header>
            <QueryForm fields=query pending=pending.into() on_submit=on_submit on_cancel=on_cancel on_list=on_list on_rollouts=on_rollouts refusal=refusal advanced_open=taken.advanced_open />
            <Show when=move || tasks.open.get()>
                {part_view(move || task_list(tasks, on_open))}
            </Show>
            <Show when=move || rollouts.intent.with(Option::is_some)>
                {part_view(move || rollout_runner(rollouts))}
            </Show>
            <Show when=move || rollouts.open.get()>
                {part_view(move || rollouts_view(rollouts))}
            </Show>
        </TaskConsole>
    }
}
