//! The devices of the task: the verdict, the count per status, and a table of at most a hundred
//! rows at a time that follows the search, the status filter and the order.

use fuota_core::campaign::devices::{table_page, DeviceQuery, DeviceSort, FuotaDeviceStatus, TaskVerdict, WirelessDevice, DEVICES_PER_PAGE};
use fuota_core::campaign::task::TaskStatus;
use leptos::prelude::*;

use fuota_core::run::actions::TaskAction;
use fuota_core::run::targets::TargetKind;

use super::campaign::CampaignState;
use super::error_view::ErrorView;
use super::intent::{RunControl, RunView};
use super::preflight::Preflight;
use super::preflight_panel::check_control;
use crate::browser::clock;
use fuota_core::preflight::check::{link_words, DeviceFilter};

fn status_badge(device: &WirelessDevice) -> AnyView {
    match &device.fuota_status {
        Some(status) => {
            let sentence = status.sentence();
            view! {
                <span class=format!("badge tone-{}", status.tone())>{status.as_str().to_owned()}</span>
                <span class="why">{sentence}</span>
            }
            .into_any()
        }
        None => view! { <span class="none">"no status"</span> }.into_any(),
    }
}

/// A Remove control for a device the task was given directly, while the task takes changes.
fn remove_control(control: Option<RunControl>, id: Option<String>) -> Option<impl IntoView> {
    let (control, id) = (control?, id?);
    Some(view! {
        <button type="button" class="secondary small" data-action="remove-target" data-target-id=id.clone()
            on:click=move |_| control.view.set(Some(RunView::Remove { kind: TargetKind::Devices, id: id.clone() }))>"Remove"</button>
    })
}

/// What the pre-flight check found for a row's device: its margin at the chosen data rate, silent,
/// not covered; nothing before the device is checked.
fn preflight_cell(preflight: Option<Preflight>, id: Option<String>) -> impl IntoView {
    let (preflight, id) = (preflight?, id?);
    let shown = move || preflight.check.with(Option::is_some);
    Some(view! {
        <Show when=shown>
            <td class="reach">{
                let id = id.clone();
                move || preflight.assessment(&id).map(|a| {
                    let margin = a.margin_db.map(|m| format!("{} dB", fuota_core::words::tenths(m))).unwrap_or_else(|| "margin unknown".to_owned());
                    view! {
                        <span class=format!("verdict-{}", a.verdict.as_str())>{margin}</span>
                        {(a.silent == Some(true)).then_some(view! { " " <span class="badge tone-failed">"silent"</span> })}
                        {(a.covered == Some(false)).then_some(view! { " " <span class="badge tone-failed">"not covered"</span> })}
                        <span class="why">{a.reason}</span>
                        <span class="why" data-link="">{preflight.check.with(|c| c.as_ref().and_then(|c| c.read(&id)).map(|r| link_words(r, preflight.now_ms.get())))}</span>
                    }
                })
            }</td>
        </Show>
    })
}

fn device_row(device: WirelessDevice, removable: Option<RunControl>, preflight: Option<Preflight>) -> impl IntoView {
    let id = device.id.clone();
    let assessed = move || {
        let (p, id) = (preflight?, id.as_deref()?);
        p.assessment(id)
    };
    let margin = {
        let assessed = assessed.clone();
        move || assessed().and_then(|a| a.margin_db).map(fuota_core::words::tenths)
    };
    let silent = move || assessed().and_then(|a| a.silent).filter(|s| *s).map(|_| "true");
    let uplink = device.last_uplink.clone().map(|u| match u.at {
        Some(t) => view! { <time datetime=t.rfc3339()>{clock::local_time(t.epoch_millis())}</time> }.into_any(),
        None => view! { <span>{u.text}</span> }.into_any(),
    });
    view! {
        <tr data-device-id=device.id.clone().unwrap_or_default() data-fuota-device-status=device.status_text().to_owned()
            data-dev-eui=device.dev_eui.clone().unwrap_or_default() data-margin-db=margin data-silent=silent>
            <td>{device.name.clone().unwrap_or_default()}<br /><code class="muted">{device.id.clone().unwrap_or_default()}</code>
                {remove_control(removable, device.id.clone())}</td>
            <td><code>{device.dev_eui.clone().unwrap_or_default()}</code></td>
            <td class="status">{status_badge(&device)}</td>
            <td>{device.mc_group_id.map(|g| g.to_string())}</td>
            <td>{uplink}</td>
            {preflight_cell(preflight, device.id.clone())}
        </tr>
    }
}

#[component]
pub fn DevicesView(campaign: CampaignState, task_status: Signal<Option<TaskStatus>>) -> impl IntoView {
    let control = use_context::<RunControl>();
    let preflight = use_context::<Preflight>();
    let query = RwSignal::new(DeviceQuery::default());
    let page = RwSignal::new(0usize);
    let selected = Memo::new(move |_| {
        let mut picked = query.with(|q| campaign.roster.with(|r| r.select(q)));
        // The pre-flight filter, while there is a check to filter by (it is reset with the check).
        let filter = preflight.filter(|p| p.check.with(Option::is_some)).map_or(DeviceFilter::All, |p| p.filter.get());
        if let (Some(p), false) = (preflight, filter == DeviceFilter::All) {
            campaign
                .roster
                .with(|r| picked.retain(|&i| r.devices().get(i).and_then(|d| d.id.as_deref()).is_some_and(|id| filter.admits(p.assessment(id).as_ref()))));
        }
        picked
    });
    let summary = Memo::new(move |_| campaign.roster.with(|r| r.summary()));
    let verdict = move || campaign.devices_complete.get().then(|| task_status.with(|s| TaskVerdict::of(s.as_ref(), &summary.get())));
    let verdict_status = Memo::new(move |previous: Option<&Option<String>>| match verdict() {
        Some(v) => Some(summary.with(|s| v.sentence(s))),
        None => previous.cloned().flatten(),
    });
    let set_query = move |change: fn(&mut DeviceQuery, String), value: String| {
        query.update(|q| change(q, value));
        page.set(0);
    };
    let rows = move || {
        let matching = selected.with(Vec::len);
        let range = table_page(matching, page.get());
        // Devices a group brought cannot be removed one by one: only a task's own devices.
        let removable = control.filter(|c| c.allows(TaskAction::RemoveTarget) && campaign.groups.with(Vec::is_empty));
        // `get`, not indexing: the selection is made from this same roster, but a page must never
        // stop on an out-of-range index.
        selected.with(|picked| {
            campaign.roster.with(|r| {
                let rows = picked.get(range).unwrap_or_default();
                rows.iter().filter_map(|&i| r.devices().get(i)).map(|d| device_row(d.clone(), removable, preflight)).collect_view()
            })
        })
    };
    let pages = move || selected.with(Vec::len).div_ceil(DEVICES_PER_PAGE).max(1);
    let range_text = move || {
        let matching = selected.with(Vec::len);
        let range = table_page(matching, page.get());
        let total = summary.with(|s| s.total);
        if matching == 0 {
            format!("No device matches, of {total}.")
        } else {
            format!("Devices {}–{} of {matching} matching ({total} in all)", range.start + 1, range.end)
        }
    };
    view! {
        <section class="devices" data-view="devices" aria-labelledby="devices-title"
            data-devices-complete=move || campaign.devices_complete.get().to_string()>
            <h2 id="devices-title">"Devices"</h2>
            {move || match verdict() {
                Some(v) => view! {
                    <p class=format!("verdict verdict-{}", v.as_str()) data-task-verdict="" data-value=v.as_str()>{summary.with(|s| v.sentence(s))}</p>
                }.into_any(),
                None => view! { <p class="verdict">{move || format!("Reading devices… {} so far.", summary.with(|s| s.total))}</p> }.into_any(),
            }}
            // Said once the devices are read, and again only when the verdict changes: a screen
            // reader does not hear every page of a long list, nor every live refresh.
            <p class="visually-hidden" role="status">{move || verdict_status.get()}</p>
            {move || campaign.devices_error.get().map(|e| view! { <ErrorView error=e /> })}
            <ul class="counts">
                <li data-device-count="total" data-value=move || summary.with(|s| s.total.to_string())>
                    "Total " <strong>{move || summary.with(|s| s.total.to_string())}</strong>
                </li>
                {move || summary.with(|s| s.by_status.iter().map(|(status, n)| {
                    let label = if status.is_empty() { "no status".to_owned() } else { status.clone() };
                    let tone = if status.is_empty() { "pending" } else { FuotaDeviceStatus::parse(status).tone() };
                    view! {
                        <li data-device-count=status.clone() data-value=n.to_string()>
                            <span class=format!("badge tone-{tone}")>{label}</span> " " <strong>{n.to_string()}</strong>
                        </li>
                    }
                }).collect_view())}
            </ul>
            {preflight.map(check_control)}
            <div class="filters">
                <label class="control">
                    <span class="label">"Search"</span>
                    <input type="search" name="device-search" autocomplete="off" placeholder="name, DevEui or id"
                        prop:value=move || query.with(|q| q.text.clone())
                        on:input=move |ev| set_query(|q, v| q.text = v, event_target_value(&ev)) />
                </label>
                <label class="control">
                    <span class="label">"Status"</span>
                    <select name="device-status" on:change=move |ev| set_query(|q, v| q.status = v, event_target_value(&ev))>
                        <option value="all">"All"</option>
                        {move || {
                            let current = query.with_untracked(|q| q.status.clone());
                            let mut statuses: Vec<String> = FuotaDeviceStatus::KNOWN.iter().map(|s| s.as_str().to_owned()).collect();
                            summary.with(|s| for (status, _) in &s.by_status {
                                if !statuses.contains(status) { statuses.push(status.clone()); }
                            });
                            statuses.into_iter().map(|s| {
                                let label = if s.is_empty() { "(no status)".to_owned() } else { s.clone() };
                                view! { <option value=s.clone() selected=current == s>{label}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label class="control">
                    <span class="label">"Order"</span>
                    <select name="device-sort" on:change=move |ev| set_query(|q, v| q.sort = DeviceSort::parse(&v), event_target_value(&ev))>
                        {DeviceSort::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
                {preflight.map(|p| view! {
                    <Show when=move || p.check.with(Option::is_some)>
                        <label class="control">
                            <span class="label">"Pre-flight"</span>
                            <select name="device-preflight" prop:value=move || p.filter.get().as_str()
                                on:change=move |ev| { p.filter.set(DeviceFilter::parse(&event_target_value(&ev))); page.set(0); }>
                                {DeviceFilter::ALL.iter().map(|f| view! { <option value=f.as_str()>{f.label()}</option> }).collect_view()}
                            </select>
                        </label>
                    </Show>
                })}
            </div>
            <p class="count">{range_text}</p>
            // No device, no table: headers without rows say nothing (the count above says why).
            <div class="table-scroll" tabindex="0" role="region" aria-label="Devices" hidden=move || selected.with(Vec::is_empty)>
                <table>
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"DevEui"</th><th scope="col">"FUOTA status"</th>
                        <th scope="col">"Group"</th><th scope="col">"Last uplink"</th>
                        {preflight.map(|p| view! { <Show when=move || p.check.with(Option::is_some)><th scope="col">"Pre-flight"</th></Show> })}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Show when=move || { pages() > 1 }>
                <div class="pager">
                    <button type="button" class="secondary" data-action="devices-previous"
                        disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                    <span>{move || format!("page {} of {}", page.get().min(pages() - 1) + 1, pages())}</span>
                    <button type="button" class="secondary" data-action="devices-next"
                        disabled=move || { page.get() + 1 >= pages() } on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                </div>
            </Show>
        </section>
    }
}
