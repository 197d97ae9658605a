//! The fragment planner: what the plan means on the air — limits, fit per data rate, time on the
//! network, loss tolerance — and pictures of it. Every number comes from `fuota_core`.

use fuota_core::fragments::{format_duration, FragmentPlan};
use fuota_core::lorawan::{self, REGIONS};
use fuota_core::{ConsoleError, FuotaTask};
use leptos::prelude::*;

use crate::browser::clock;

type PlanResult = Result<FragmentPlan, ConsoleError>;

fn warnings_view(plan: Memo<PlanResult>, rf_region: RwSignal<String>) -> impl IntoView {
    // A memo, so that keystrokes that leave the warnings as they are touch nothing.
    let warnings = Memo::new(move |_| {
        plan.with(|p| match p {
            Ok(p) => rf_region.with(|r| lorawan::warnings(p, Some(r))),
            Err(_) => Vec::new(),
        })
    });
    move || {
        warnings
            .get()
            .into_iter()
            .map(|w| view! { <p class="warning" role="status" data-warning=w.code()>{w.sentence()}</p> })
            .collect_view()
    }
}

fn fit_table(plan: Memo<PlanResult>, rf_region: RwSignal<String>, session_dr: RwSignal<Option<i64>>) -> impl IntoView {
    // The table depends on the fragment size alone: a firmware-size keystroke leaves it as it is.
    let fragment_bytes = Memo::new(move |_| plan.with(|p| p.as_ref().ok().map(|p| p.inputs.fragment_bytes)));
    move || {
        let fragment = fragment_bytes.get()?;
        let region = rf_region.with(|r| lorawan::region(r))?;
        let session = session_dr.get();
        let rows = lorawan::fragment_fits(region, fragment)
            .into_iter()
            .map(|f| {
                let fits = if f.fits { "fits" } else { "too large" };
                // The multicast session's own data rate, when the campaign view has read it.
                let chosen = session == Some(i64::from(f.data_rate.index));
                let label = if chosen { format!("DR{} (multicast session)", f.data_rate.index) } else { format!("DR{}", f.data_rate.index) };
                view! {
                    <tr class:fits=f.fits class:session-dr=chosen data-dr=f.data_rate.index.to_string() data-fits=f.fits.to_string()
                        data-session-dr=chosen.then_some("true")>
                        <td>{label}</td>
                        <td>{f.data_rate.modulation}</td>
                        <td>{f.data_rate.max_payload.to_string()}</td>
                        <td>{fits}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="fit">
                <caption>{format!("{} downlink: a data fragment is {} B + {} B of header (RP002-1.0.4, TS004)", region.name, fragment, lorawan::DATA_FRAGMENT_HEADER_BYTES)}</caption>
                <thead><tr><th>"Data rate"</th><th>"Modulation"</th><th>"Max payload (B)"</th><th>"Fragment"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        })
    }
}

/// Data, padding and redundancy drawn to scale, in bytes.
fn composition_bar(plan: Memo<PlanResult>) -> impl IntoView {
    move || {
        let c = plan.with(|p| p.as_ref().ok().and_then(FragmentPlan::composition))?;
        let [data, padding, redundant] = c.shares().map(|s| s * 1000.0);
        Some(view! {
            <figure class="bar">
                <svg viewBox="0 0 1000 28" preserveAspectRatio="none" role="img" aria-label="Bytes sent: firmware, padding, redundancy">
                    <rect class="seg-data" x="0" y="0" width=data height="28" />
                    <rect class="seg-padding" x=data y="0" width=padding height="28" />
                    <rect class="seg-redundant" x=data + padding y="0" width=redundant height="28" />
                </svg>
                <figcaption>
                    <span class="key seg-data">{format!("firmware {} B", c.firmware_bytes)}</span>
                    <span class="key seg-padding">{format!("padding {} B", c.padding_bytes)}</span>
                    <span class="key seg-redundant">{format!("redundancy {} B", c.redundant_bytes)}</span>
                </figcaption>
            </figure>
        })
    }
}

/// From the task's start time to the session's expected end, with "now" when it falls between.
fn timeline(plan: Memo<PlanResult>, task: Signal<Option<FuotaTask>>) -> impl IntoView {
    // The start and its local-time label change with the task, not with a keystroke.
    let start = Memo::new(move |_| {
        let start = task.with(|t| t.as_ref().and_then(|t| t.start_time))?.epoch_millis();
        Some((start, clock::local_time(start)))
    });
    move || {
        let (start, start_label) = start.get()?;
        let end = plan.with(|p| p.as_ref().ok().and_then(|p| lorawan::session_end(start, p)))?;
        let now = clock::now_millis() as i64;
        let span = end.saturating_sub(start).max(1) as f64;
        let now_x = (start..=end).contains(&now).then(|| 20.0 + 960.0 * now.saturating_sub(start) as f64 / span);
        Some(view! {
            <figure class="timeline" data-session-end=fuota_core::task::Timestamp::from_epoch_millis(end).map(|t| t.rfc3339())>
                <svg viewBox="0 0 1000 36" role="img" aria-label="Session timeline">
                    <line class="axis" x1="20" y1="18" x2="980" y2="18" />
                    <circle class="mark" cx="20" cy="18" r="6" />
                    <circle class="mark" cx="980" cy="18" r="6" />
                    {now_x.map(|x| view! { <line class="now" x1=x y1="2" x2=x y2="34" /> })}
                </svg>
                <figcaption>
                    <span>{format!("start {start_label}")}</span>
                    {now_x.map(|_| view! { <span class="now-key">"now"</span> })}
                    <span>{format!("expected end {}", clock::local_time(end))}</span>
                </figcaption>
            </figure>
        })
    }
}

#[component]
pub fn Planner(
    plan: Memo<PlanResult>,
    task: Signal<Option<FuotaTask>>,
    rf_region: RwSignal<String>,
    session_dr: RwSignal<Option<i64>>,
) -> impl IntoView {
    let facts = move || {
        plan.with(|p| {
            let p = p.as_ref().ok()?;
            let bytes = lorawan::bytes_on_air(p).map(|b| format!("{b} B")).unwrap_or_else(|| "more than the console counts".into());
            Some(view! {
                <ul class="facts">
                    <li>{format!("Time on the network: {} ({} fragments, one every {} s)", format_duration(p.session_seconds), p.total_fragments, p.interval_seconds)}</li>
                    <li data-bytes-on-air=lorawan::bytes_on_air(p).map(|b| b.to_string())>{format!("Sent in all: {bytes} of data-fragment payload")}</li>
                    <li class="loss" data-loss-tolerance=lorawan::loss_tolerance(p).lost_fragments.to_string()>{lorawan::loss_tolerance(p).sentence()}</li>
                </ul>
            })
        })
    };
    view! {
        <section class="planner" aria-label="Session plan">
            {warnings_view(plan, rf_region)}
            <label class="control region">
                <span class="label">"RF region"</span>
                <select name="rf-region" on:change=move |ev| rf_region.set(event_target_value(&ev))>
                    {REGIONS.iter().map(|r| view! { <option value=r.name selected=move || rf_region.with(|x| x.eq_ignore_ascii_case(r.name))>{r.name}</option> }).collect_view()}
                </select>
            </label>
            {facts}
            {composition_bar(plan)}
            {timeline(plan, task)}
            {fit_table(plan, rf_region, session_dr)}
        </section>
    }
}
