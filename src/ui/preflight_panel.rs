//! The pre-flight check's control (*Check the devices*, in the devices view) and its panel, a part
//! of its own (`preflight`) loaded at the first check: it reads the multicast groups' participating gateways (GetWirelessGateway: each
//! one's EUI), then every chosen device's GetWirelessDeviceStatistics, at most `MAX_IN_FLIGHT` and
//! fewer while the service throttles (the one fan-out helper); it shows the what-if controls, the
//! progress, the counts and the findings worst first, and saves the report as CSV or JSON.

use std::collections::VecDeque;

use fuota_core::preflight::check::{report_json, report_rows, summarise, Check, Coverage, LinkRead, ReportTask, SAMPLE_SIZE};
use fuota_core::preflight::links::{gateway_eui, DeviceLink};
use fuota_core::preflight::report::to_csv;
use fuota_core::radio::fragments::FragmentInputs;
use fuota_core::wire::error::Field;
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::{ConsoleError, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::controls::{control, hint, no_hint, Keyboard, Refusal};
use super::part_view::PartView;
use super::preflight::Preflight;
use super::reader::Reader;
use crate::browser::download;
use crate::browser::fan_out::{self, Step};

/// The counts and findings are redrawn after this many reads at least (and at the end), not
/// after each: a redraw sums every read so far, so a check of 10,000 redraws every 250 reads
/// (40 redraws in all, whatever the count).
const REDRAW_EVERY: usize = 25;
const REDRAWS: usize = 40;

crate::on_demand! {
    pub fn preflight_panel / preflight_panel_part [preflight, "pre-flight check"] (p: Preflight) -> PartView {
        Box::new(move || panel_view(p))
    }
}

/// The devices view's control that starts (or repeats) the check; the panel appears under it.
pub fn check_control(preflight: Preflight) -> impl IntoView {
    view! {
        <button type="button" class="secondary" data-action="check-reach"
            // Not before the groups are read too: their gateways decide coverage.
            disabled=move || preflight.running.get() || preflight.campaign.loading.get() || !preflight.campaign.devices_complete.get()
            on:click=move |_| preflight.request()>
            {move || if preflight.check.with(Option::is_some) { "Check the devices again" } else { "Check the devices" }}
        </button>
        <Show when=move || { preflight.requested.get() > 0 }>
            {super::part_view::part_view(move || preflight_panel(preflight))}
        </Show>
    }
}

/// Starts a check of the task's devices as they are now (all, or a sample).
fn start(p: Preflight) {
    let Some(connection) = p.connection.get_untracked() else { return };
    p.stop();
    let generation = p.generation.get_value();
    let Ok(reader) = Reader::superseding(p.fetch, connection, p.reads) else { return };
    let ids: Vec<String> = p.campaign.roster.with_untracked(|r| r.devices().iter().filter_map(|d| d.id.clone()).collect());
    let check = Check::new(ids, p.sample.get_untracked(), js_sys::Math::random);
    let chosen: VecDeque<String> = check.chosen.iter().cloned().collect();
    let total = chosen.len();
    p.now_ms.set(p.fetch.now_ms(p.connection));
    p.check.set(Some(check));
    p.error.set(None);
    p.done.set(0);
    p.running.set(total > 0);
    // Which gateways decide coverage (the core's rule, from the groups as read).
    let coverage =
        Coverage::of(&p.campaign.groups.with_untracked(|g| g.iter().map(|g| (g.id.clone(), g.group.as_ref().map(|g| g.gateways.clone()))).collect::<Vec<_>>()));
    p.participating.set(Vec::new());
    p.gateways_note.set(coverage.note());
    let redraw_every = REDRAW_EVERY.max(total / REDRAWS);
    spawn_local(async move {
        if let Coverage::Judged(gateway_ids) = coverage {
            let mut euis = Vec::new();
            for id in &gateway_ids {
                match reader.read(Request::get_wireless_gateway(id), gateway_eui).await {
                    Ok(eui) => euis.extend(eui),
                    Err(ConsoleError::Cancelled) => return,
                    Err(e) => {
                        if p.generation.try_get_value() != Some(generation) {
                            return;
                        }
                        let _ = p.gateways_note.try_set(Some(format!("Coverage is not judged: gateway {id:.64} could not be read. {}", e.sentence())));
                        euis.clear();
                        break;
                    }
                }
            }
            // A newer check (or none: the view is gone) owns the values now.
            if p.generation.try_get_value() != Some(generation) || p.participating.try_set(euis).is_some() {
                return;
            }
        }
        fan_out::spawn(chosen, MAX_IN_FLIGHT, move |id| {
            let reader = reader.item();
            Box::pin(async move {
                if p.generation.try_get_value() != Some(generation) {
                    return Step::Stop;
                }
                let read = reader.read(Request::get_wireless_device_statistics(&id), DeviceLink::from_statistics).await;
                // A newer check, Stop, or the view gone while the read was out: nothing of this
                // one is kept (and no signal is touched: they may be disposed).
                if p.generation.try_get_value() != Some(generation) {
                    return Step::Stop;
                }
                let read = match read {
                    Ok(link) => LinkRead::Link(link),
                    // Stopped: the device stays unread, and nothing more starts.
                    Err(ConsoleError::Cancelled) => return Step::Stop,
                    // Every other read would fail the same way (the credentials, the host): the
                    // check stops here, says why, and keeps what was read.
                    Err(e) if e.stops_a_fan_out(p.check.with_untracked(|c| c.as_ref().is_some_and(|c| c.succeeded() > 0))) => {
                        p.stop();
                        p.error.set(Some(e));
                        return Step::Stop;
                    }
                    Err(e) => LinkRead::Failed { code: e.code().to_owned() },
                };
                p.check.update_untracked(|c| {
                    if let Some(c) = c {
                        c.record(id, read);
                    }
                });
                let done = p.done.get_untracked() + 1;
                p.done.set(done);
                if done == total {
                    p.running.set(false);
                }
                if done.is_multiple_of(redraw_every) || done == total {
                    p.now_ms.set(p.fetch.now_ms(p.connection));
                    p.check.notify();
                }
                Step::Done { throttled: reader.throttled() }
            })
        });
    });
}

/// A file name from the task's id: the characters a file system takes everywhere.
fn file_name(task_id: &str, extension: &str) -> String {
    let safe: String = task_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).take(64).collect();
    format!("preflight-{safe}.{extension}")
}

fn panel_view(p: Preflight) -> AnyView {
    let refusal: Refusal = Memo::new(move |_| p.settings.with(|s| s.as_ref().err().and_then(ConsoleError::refusal))).into();
    // Each click of *Check the devices* (the first one loaded this part) starts a check; a panel
    // shown again (the task view redrawn) starts none by itself.
    Effect::new(move |_| {
        let asked = p.requested.get();
        if asked > p.handled.get_value() {
            p.handled.set_value(asked);
            start(p);
        }
    });
    on_cleanup(move || p.stop());
    let summary = Memo::new(move |_| p.with_context(|ctx| p.check.with(|c| c.as_ref().map(|c| summarise(c, ctx)))).flatten());
    let chosen = move || p.check.with(|c| c.as_ref().map_or(0, |c| c.chosen.len()));
    let complete = move || p.check.with(|c| c.as_ref().is_some_and(Check::complete));
    let export_error = RwSignal::new(None::<String>);
    let export = move |json: bool| {
        let made = p.with_context(|ctx| {
            let summary = summary.get_untracked()?;
            let rows = p.campaign.roster.with_untracked(|r| p.check.with_untracked(|c| c.as_ref().map(|c| report_rows(r.devices(), c, ctx))))?;
            let task = p.task.with_untracked(|t| {
                t.as_ref().map(|t| ReportTask {
                    id: t.id.clone().unwrap_or_default(),
                    name: t.name.clone(),
                    status: t.status.as_ref().map(|s| s.as_str().to_owned()),
                    rf_region: ctx.region.name.to_owned(),
                })
            })?;
            let name = file_name(&task.id, if json { "json" } else { "csv" });
            let text = if json {
                let plan = p.calc.texts().parse().and_then(FragmentInputs::plan).ok();
                p.check
                    .with_untracked(|c| c.as_ref().map(|c| report_json(&task, plan.as_ref(), ctx, c, &summary, &rows, p.fetch.now_ms(p.connection))))
                    .unwrap_or_default()
            } else {
                to_csv(&rows)
            };
            Some((name, text))
        });
        let saved = match made.flatten() {
            // RFC 4180's registered type, and JSON's.
            Some((name, text)) => download::save(&name, if json { "application/json" } else { "text/csv" }, &text).err(),
            None => Some("Nothing to save yet: correct the settings above, or wait for the check."),
        };
        export_error.set(saved.map(str::to_owned));
    };
    let sample_control = move || {
        let total = p.campaign.roster.with(|r| r.devices().len());
        (total > SAMPLE_SIZE).then(|| {
            view! {
                <div class="control">
                    <label class="label" for="fc-preflight-sample">"Devices to check"</label>
                    <select name="preflight-sample" id="fc-preflight-sample" prop:value=move || if p.sample.get() { "sample" } else { "all" }
                        on:change=move |ev| p.sample.set(event_target_value(&ev) != "all")>
                        <option value="sample">{format!("A random {SAMPLE_SIZE} (shares shown with their 95 % interval)")}</option>
                        <option value="all">{format!("All {total} (one read each)")}</option>
                    </select>
                </div>
            }
        })
    };
    view! {
        <section class="preflight" data-preflight="" aria-labelledby="preflight-title"
            data-preflight-complete=move || complete().to_string()>
            <h3 id="preflight-title">"Pre-flight: will the session reach these devices?"</h3>
            <div class="inputs">
                {control("Silent after (hours)", Keyboard::Digits, p.silent_after_hours, no_hint(), refusal, Field::SilentAfterHours)}
                {control("Margin needed (dB)", Keyboard::Signed, p.margin_db,
                    hint("0 dB: the downlink's budget taken as the uplink's. Conservative: gateways usually send with more power than devices (27 against 14 dBm in EU868)."),
                    refusal, Field::ReachMarginDb)}
                {control("Reach target (%)", Keyboard::Digits, p.target_percent, hint("the proposal uses only data rates that reach this share"), refusal, Field::ReachTargetPercent)}
                {sample_control}
            </div>
            // Said to a screen reader once, when the check ends or stops: not at each of 1,000 reads.
            <p class="visually-hidden" role="status">
                {move || (!p.running.get()).then(|| summary.with(|s| s.as_ref().map(|s| format!("Pre-flight check: {}", s.headline)))).flatten()}
            </p>
            <p class="progress" data-preflight-progress="">
                {move || {
                    let (done, of) = (p.done.get(), chosen());
                    if p.running.get() { format!("Checking… {done} of {of}") } else { format!("Checked {done} of {of}") }
                }}
            </p>
            <Show when=move || p.running.get()>
                <button type="button" class="secondary" data-action="stop-preflight" on:click=move |_| p.stop()>"Stop"</button>
            </Show>
            {move || p.gateways_note.get().map(|n| view! { <p class="notice" data-gateways-note="">{n}</p> })}
            {move || p.error.get().map(|e| view! { <super::error_view::ErrorView error=e /> })}
            {move || summary.get().map(|s| view! {
                <ul class="counts">
                    {s.counts.named().into_iter().map(|(name, n)| view! {
                        <li data-preflight-count=name data-value=n.to_string()>{name.replace('-', " ")} " " <strong>{n.to_string()}</strong></li>
                    }).collect_view()}
                </ul>
                <div data-preflight-summary="">
                    <p>{s.headline}</p>
                    <ol class="findings">
                        {s.findings.into_iter().map(|f| view! {
                            <li data-finding=f.kind.as_str() data-value=f.count.to_string()>{f.sentence}</li>
                        }).collect_view()}
                    </ol>
                </div>
            })}
            <div class="exports">
                <button type="button" class="secondary" data-action="export-csv" disabled=move || summary.with(Option::is_none) on:click=move |_| export(false)>"Report as CSV"</button>
                <button type="button" class="secondary" data-action="export-json" disabled=move || summary.with(Option::is_none) on:click=move |_| export(true)>"Report as JSON"</button>
            </div>
            {move || export_error.get().map(|e| view! { <p class="error" role="alert" data-export-error="">{e}</p> })}
        </section>
    }
    .into_any()
}
