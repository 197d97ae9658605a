//! The task list: every FUOTA task of the region (ListFuotaTasks to the last page), each row's
//! status filled in by GetFuotaTask, at most a few at a time; filter by text and status.

use std::collections::VecDeque;

use fuota_core::campaign::lists::{task_list_page, task_status_choices, TaskRow};
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::{Connection, ConsoleError, FuotaTask, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::error_view::ErrorView;
use super::part_view::PartView;
use super::reader::{self, FetchState, ReadSlot, Reader};
use crate::browser::fan_out::{self, Step};

/// The list's state: rows as they arrive, whether every page has been read, the error that
/// stopped it (the rows read before it stay).
#[derive(Clone, Copy)]
pub struct TaskListState {
    pub open: RwSignal<bool>,
    pub rows: RwSignal<Vec<TaskRow>>,
    pub complete: RwSignal<bool>,
    pub error: RwSignal<Option<ConsoleError>>,
    pub search: RwSignal<String>,
    pub status: RwSignal<String>,
    in_flight: ReadSlot,
}

impl TaskListState {
    pub fn new() -> Self {
        Self {
            open: RwSignal::new(false),
            rows: RwSignal::new(Vec::new()),
            complete: RwSignal::new(false),
            error: RwSignal::new(None),
            search: RwSignal::new(String::new()),
            status: RwSignal::new("all".to_owned()),
            in_flight: reader::read_slot(),
        }
    }

    /// Lists every task through `connection`, then fills in their statuses (in the task list's
    /// part: a visit that never lists tasks never loads it).
    pub fn load(self, connection: Connection, fetch: FetchState) {
        spawn_local(async move {
            if let Err(missing) = start_loading(self, connection, fetch).await {
                let _ = self.error.try_set(Some(missing.into()));
            }
        });
    }

    fn start(self, connection: Connection, fetch: FetchState) {
        let Ok(reader) = Reader::superseding(fetch, connection, self.in_flight) else { return };
        self.open.set(true);
        self.rows.set(Vec::new());
        self.complete.set(false);
        self.error.set(None);
        spawn_local(async move {
            let listed = reader
                .pages(&|p| Ok(Request::list_fuota_tasks(p)), task_list_page, &mut |page| {
                    self.rows.update(|rows| rows.extend(page.into_iter().map(TaskRow::new)))
                })
                .await;
            match listed {
                Ok(_) => self.complete.set(true),
                Err(ConsoleError::Cancelled) => return,
                Err(e) => self.error.set(Some(e)),
            }
            self.fill_statuses(reader);
        });
    }

    /// GetFuotaTask for every row, at most [`MAX_IN_FLIGHT`] at once, fewer while the service
    /// throttles (the one fan-out helper). Throttling is retried by the request path and only
    /// slows the fill; a row whose read fails shows the error's code and the list stands.
    fn fill_statuses(self, reader: Reader) {
        // Each queued id with its row's place: an answer updates its row directly, not by a scan
        // of every row (quadratic at thousands of tasks).
        let ids: VecDeque<(usize, String)> =
            self.rows.try_with_untracked(|rows| rows.iter().enumerate().filter_map(|(i, r)| Some((i, r.summary.id.clone()?))).collect()).unwrap_or_default();
        fan_out::spawn(ids, MAX_IN_FLIGHT, move |(index, id): (usize, String)| {
            let reader = reader.item();
            Box::pin(async move {
                let task = reader.read(Request::get_fuota_task(&id), FuotaTask::from_value).await;
                // Cancelled (a newer list), or the credentials forgotten: nothing more to read.
                if matches!(task, Err(ConsoleError::Cancelled | ConsoleError::CredentialsForgotten)) {
                    return Step::Stop;
                }
                let _ = self.rows.try_update(|rows| {
                    // The row is checked to still be this id's (a newer list may have replaced the rows).
                    if let Some(row) = rows.get_mut(index).filter(|r| r.summary.id.as_deref() == Some(id.as_str())) {
                        match &task {
                            Ok(t) => row.status = t.status.clone(),
                            Err(e) => row.status_error = Some(e.code().to_owned()),
                        }
                    }
                });
                Step::Done { throttled: reader.throttled() }
            })
        });
    }
}

impl Default for TaskListState {
    fn default() -> Self {
        Self::new()
    }
}

fn row_view(row: TaskRow, on_open: Callback<String>) -> impl IntoView {
    let id = row.summary.id.clone().unwrap_or_default();
    let status_value = row.status.as_ref().map(|s| s.as_str().to_owned());
    let badge = match (&row.status, &row.status_error) {
        (Some(s), _) => view! { <span class=format!("badge tone-{}", s.tone())>{s.label().to_owned()}</span> }.into_any(),
        (None, Some(code)) => view! { <span class="badge tone-unknown" title="GetFuotaTask failed">{format!("status unavailable ({code})")}</span> }.into_any(),
        (None, None) => view! { <span class="badge tone-pending">"…"</span> }.into_any(),
    };
    let open_id = id.clone();
    let name = row.summary.name.clone().unwrap_or_else(|| id.clone());
    let shown_id = id.clone();
    view! {
        <tr data-task-row="" data-task-id=id data-status=status_value>
            <td>
                <button type="button" class="link" data-action="open-task" on:click=move |_| on_open.run(open_id.clone())>
                    {name}
                </button>
            </td>
            <td><code>{shown_id}</code></td>
            <td>{badge}</td>
        </tr>
    }
}

crate::on_demand! {
    fn start_loading / start_loading_part [tasks, "task list"] (state: TaskListState, connection: Connection, fetch: FetchState) -> () {
        state.start(connection, fetch)
    }
}

crate::on_demand! {
    /// The task list as a part of its own: a first visit that never lists tasks never loads it.
    pub fn task_list / task_list_part [tasks, "task list"] (state: TaskListState, on_open: Callback<String>) -> PartView {
        Box::new(move || view! { <TaskList state=state on_open=on_open /> }.into_any())
    }
}

#[component]
pub fn TaskList(state: TaskListState, on_open: Callback<String>) -> impl IntoView {
    let shown = Memo::new(move |_| {
        let (text, status) = (state.search.get(), state.status.get());
        state.rows.with(|rows| rows.iter().filter(|r| r.matches(&text, &status)).cloned().collect::<Vec<_>>())
    });
    let counts = move || {
        let total = state.rows.with(Vec::len);
        let shown = shown.with(Vec::len);
        let more = if state.complete.get() { "" } else { " (reading more…)" };
        if shown == total {
            format!("{total} tasks{more}")
        } else {
            format!("{shown} of {total} tasks{more}")
        }
    };
    view! {
        <section class="tasks" data-view="tasks" aria-labelledby="tasks-title"
            data-tasks-complete=move || state.complete.get().to_string()>
            <h2 id="tasks-title">"FUOTA tasks"</h2>
            {super::rollouts::new_rollout_button(super::rollouts::starting_form)}
            <div class="filters">
                <label class="control">
                    <span class="label">"Search"</span>
                    <input type="search" name="task-search" autocomplete="off" placeholder="name, id or ARN"
                        prop:value=move || state.search.get() on:input=move |ev| state.search.set(event_target_value(&ev)) />
                </label>
                <label class="control">
                    <span class="label">"Status"</span>
                    <select name="task-status" on:change=move |ev| state.status.set(event_target_value(&ev))>
                        <option value="all">"All"</option>
                        {move || state.rows.with(|rows| task_status_choices(rows)).into_iter().map(|s| {
                            let selected = state.status.get_untracked() == s;
                            view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="count" aria-live="polite">{counts}</p>
            {move || state.error.get().map(|e| view! { <ErrorView error=e /> })}
            <div class="table-scroll" tabindex="0" role="region" aria-label="FUOTA tasks">
                <table>
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Id"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody>{move || shown.get().into_iter().map(|r| row_view(r, on_open)).collect_view()}</tbody>
                </table>
            </div>
        </section>
    }
}
