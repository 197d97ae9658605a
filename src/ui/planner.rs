//! The fragment planner: what the plan means on the air — limits, fit and time on air per data
//! rate, duty cycle, the multicast session, loss tolerance, the fastest sound plan — and pictures
//! of it. Every number, rule and warning comes from `fuota_core`; this file lays them out, with the
//! labels, hints and short lines that frame them.

use fuota_core::radio::fragments::{format_duration, FragmentPlan};
use fuota_core::radio::lorawan::{self, Warning, REGIONS};
use fuota_core::radio::planner::{self as radio, NoSoundPlan, Proposal, RadioAssessment, RadioInputs};
use fuota_core::radio::words;
use fuota_core::wire::error::Field;
use fuota_core::{ConsoleError, FuotaTask};
use leptos::prelude::*;

use super::controls::{choice, control, no_hint, Keyboard, Refusal};
use super::fields::CalcFields;
use crate::browser::clock;

type PlanResult = Result<FragmentPlan, ConsoleError>;
type RadioResult = Result<RadioInputs, ConsoleError>;

fn warnings_view(warnings: Memo<Vec<Warning>>) -> impl IntoView {
    move || warnings.get().into_iter().map(|w| view! { <p class="warning" data-warning=w.code()>{w.sentence()}</p> }).collect_view()
}

fn fit_table(plan: Memo<PlanResult>, calc: CalcFields, radio: Memo<RadioResult>) -> impl IntoView {
    // Once a pre-flight check is complete: how many devices each data rate reaches.
    let reach = use_context::<super::preflight::Preflight>().map(|p| p.reach);
    // The table depends on the fragment size, not the firmware size: a firmware-size keystroke
    // leaves it as it is.
    let fragment_bytes = Memo::new(move |_| plan.with(|p| p.as_ref().ok().map(|p| p.inputs.fragment_bytes)));
    let chosen = Memo::new(move |_| radio.with(|r| r.as_ref().ok().map(|r| (r.data_rate, r.frequency_hz))));
    move || {
        let fragment = fragment_bytes.get()?;
        let region = calc.rf_region.with(|r| lorawan::region(r))?;
        let (chosen_dr, frequency) = match chosen.get() {
            Some((dr, hz)) => (Some(dr), hz),
            None => (None, radio::region_radio(region).map_or(0, |r| r.rx2_frequency_hz)),
        };
        let session = calc.session_dr.get();
        let reach = reach.and_then(|r| r.get());
        let reach_column = reach.is_some();
        let sampled = reach.as_ref().is_some_and(|(_, sampled)| *sampled);
        let rows = radio::rate_rows(region, fragment, frequency)
            .into_iter()
            .map(|row| {
                let index = row.data_rate.index;
                let fits = if row.fits { "fits" } else { "too large" };
                let is_chosen = chosen_dr == Some(index);
                // The multicast session's own data rate, when the campaign view has read it.
                let is_session = session == Some(i64::from(index));
                let label = match (is_chosen, is_session) {
                    (true, true) => format!("DR{index} (multicast session, chosen)"),
                    (true, false) => format!("DR{index} (chosen)"),
                    (false, true) => format!("DR{index} (multicast session)"),
                    (false, false) => format!("DR{index}"),
                };
                let margin_met = reach.as_ref().and_then(|(r, _)| r.iter().find(|c| c.data_rate == index)).copied();
                let margin_met_text = margin_met.map(|c| fuota_core::preflight::check::reach_words(&c, sampled));
                view! {
                    <tr class:fits=row.fits class:chosen=is_chosen class:session-dr=is_session
                        data-dr=index.to_string() data-fits=row.fits.to_string()
                        data-chosen=is_chosen.then_some("true") data-session-dr=is_session.then_some("true")
                        data-airtime-us=row.airtime_us.map(|t| t.to_string())
                        data-min-interval-ms=row.min_interval_ms.map(|t| t.to_string())
                        data-margin-met=margin_met.map(|c| c.margin_met.to_string())>
                        <th scope="row">{label}</th>
                        <td>{row.data_rate.modulation.label()}</td>
                        <td>{row.data_rate.max_payload.to_string()}</td>
                        <td class="fit-cell">{fits}</td>
                        <td>{row.airtime_us.map(words::airtime_words).unwrap_or_else(|| "—".into())}</td>
                        <td>{row.min_interval_ms.map(fuota_core::words::seconds_words).unwrap_or_else(|| "none".into())}</td>
                        {margin_met_text.map(|t| view! { <td>{t}</td> })}
                    </tr>
                }
            })
            .collect_view();
        let caption = format!(
            "{} downlink on {}: a data fragment is {} B + {} B of header, {} B with its LoRaWAN frame (RP002-1.0.4, TS004)",
            region.name,
            words::megahertz(frequency),
            fragment,
            lorawan::DATA_FRAGMENT_HEADER_BYTES,
            radio::data_fragment_phy_bytes(fragment).map_or_else(|| "—".to_owned(), |b| b.to_string()),
        );
        Some(view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label="Data rates">
                <table class="fit">
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">"Data rate"</th><th scope="col">"Modulation"</th><th scope="col">"Max payload (B)"</th>
                        <th scope="col">"Fragment"</th><th scope="col">"On air"</th><th scope="col">"Duty-cycle spacing"</th>
                        {reach_column.then(|| view! { <th scope="col">"Margin met"</th> })}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })
    }
}

/// Data, padding and redundancy drawn to scale, in bytes.
fn composition_bar(plan: Memo<PlanResult>) -> impl IntoView {
    move || {
        let c = plan.with(|p| p.as_ref().ok().and_then(FragmentPlan::composition))?;
        let [data, padding, redundant] = c.thousandths();
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

/// From the task's start time to the fragments' expected end, with the multicast session's end
/// and "now" where they fall.
fn timeline(plan: Memo<PlanResult>, task: Signal<Option<FuotaTask>>, assessment: Memo<Option<RadioAssessment>>) -> impl IntoView {
    // The start and its local-time label change with the task, not with a keystroke.
    let start = Memo::new(move |_| {
        let start = task.with(|t| t.as_ref().and_then(|t| t.start_time))?.epoch_millis();
        Some((start, clock::local_time(start)))
    });
    // Whole units of the 1000-wide viewBox (a tenth of a per cent of the width: finer than a pixel
    // at the sizes the page draws it); as integers, their text needs no float formatting.
    let x = |at: i64, start: i64, span: i64| 20 + 960i64.saturating_mul(at.saturating_sub(start)) / span;
    move || {
        let (start, start_label) = start.get()?;
        // The last fragment as the radio sends it (Class B waits for ping slots), else as the
        // calculator counts it; the multicast session's end when the planner knows the session.
        let (radio_end, session_end) = assessment.with(|a| a.as_ref().map_or((None, None), |a| a.ends(start)));
        let end = radio_end.or_else(|| plan.with(|p| p.as_ref().ok().and_then(|p| lorawan::session_end(start, p))))?;
        let last = session_end.map_or(end, |s| s.max(end));
        let now = clock::now_millis() as i64;
        let span = last.saturating_sub(start).max(1);
        let now_x = (start..=last).contains(&now).then(|| x(now, start, span));
        let end_x = x(end, start, span);
        let session_x = session_end.map(|s| x(s, start, span));
        let stamp = |at: i64| fuota_core::wire::time::Timestamp::from_epoch_millis(at).map(|t| t.rfc3339());
        Some(view! {
            <figure class="timeline" data-session-end=stamp(end) data-multicast-end=session_end.and_then(stamp)>
                <svg viewBox="0 0 1000 36" role="img" aria-label="Session timeline">
                    <line class="axis" x1="20" y1="18" x2="980" y2="18" />
                    <circle class="mark" cx="20" cy="18" r="6" />
                    <circle class="mark" cx=end_x cy="18" r="6" />
                    {session_x.map(|sx| view! { <line class="session-end" x1=sx y1="2" x2=sx y2="34" /> })}
                    {now_x.map(|nx| view! { <line class="now" x1=nx y1="2" x2=nx y2="34" /> })}
                </svg>
                <figcaption>
                    <span>{format!("start {start_label}")}</span>
                    {now_x.map(|_| view! { <span class="now-key">"now"</span> })}
                    <span>{format!("last fragment {}", clock::local_time(end))}</span>
                    {session_end.map(|s| view! { <span class="session-end-key">{format!("multicast session ends {}", clock::local_time(s))}</span> })}
                </figcaption>
            </figure>
        })
    }
}

/// What the radio makes of the plan, in the core's sentences.
fn radio_facts(plan: &FragmentPlan, a: &RadioAssessment, class: radio::MulticastClass) -> impl IntoView {
    let [on_air, limit, session] = a.sentences(plan.total_fragments, class);
    view! {
        <li data-airtime-us=a.airtime_us.map(|t| t.to_string())>{on_air}</li>
        <li>{limit}</li>
        <li data-session-timeout-s=a.effective_timeout_s.to_string() data-needed-session-s=a.needed_session_s.map(|s| s.to_string())>{session}</li>
    }
}

/// Why no plan is proposed: the radio rules (`data-no-sound-plan`) or the reach target
/// (`data-no-reaching-plan`), in the core's sentence.
#[derive(Clone, Debug, PartialEq)]
enum NoProposal {
    Sound(NoSoundPlan),
    Reaching(String),
}

fn proposal_view(
    proposal: Memo<Option<Result<Proposal, NoProposal>>>,
    reach_target: Memo<Option<u8>>,
    plan: Memo<PlanResult>,
    radio_inputs: Memo<RadioResult>,
    calc: CalcFields,
) -> impl IntoView {
    let apply = move |p: Proposal| {
        calc.data_rate.set(p.data_rate.to_string());
        calc.fragment_size.set(p.plan.inputs.fragment_bytes.to_string());
        calc.fragment_interval_ms.set(p.plan.inputs.interval_ms.to_string());
    };
    move || match proposal.get()? {
        Err(NoProposal::Sound(none)) => Some(view! { <p class="warning" data-no-sound-plan="">{none.sentence()}</p> }.into_any()),
        Err(NoProposal::Reaching(sentence)) => Some(view! { <p class="warning" data-no-reaching-plan="">{sentence}</p> }.into_any()),
        Ok(p) => {
            let (sentence, same) = plan.with(|c| {
                let current = c.as_ref().ok()?;
                radio_inputs.with(|r| {
                    let r = r.as_ref().ok()?;
                    calc.rf_region.with(|region| Some((p.sentence(current, region, r), !p.improves_on(current, region, r))))
                })
            })?;
            let seconds = p.radio_session_ms.div_ceil(1000);
            Some(view! {
                <div class="recommendation" data-recommendation="" data-data-rate=p.data_rate.to_string()
                    data-fragment-size=p.plan.inputs.fragment_bytes.to_string() data-interval-ms=p.plan.inputs.interval_ms.to_string()
                    data-session-seconds=seconds.to_string() data-reach-target=move || reach_target.get().map(|t| t.to_string())>
                    <p>{sentence}</p>
                    {move || reach_target.get().map(|t| view! {
                        <p class="hint">{format!("Only data rates that reach at least {t} % of the checked devices with a known link were considered (pre-flight check).")}</p>
                    })}
                    <Show when=move || !same>
                        <button type="button" class="secondary" data-action="apply-recommendation" on:click=move |_| apply(p)>
                            "Use this plan"
                        </button>
                    </Show>
                </div>
            }.into_any())
        }
    }
}

/// Where writes are on: a new task from the plan on screen (the runner's form takes the
/// calculator's values, the proposal's once it was applied).
fn create_from_plan(plan: Memo<PlanResult>) -> impl IntoView {
    let control = use_context::<super::intent::RunControl>().filter(|c| c.create)?;
    Some(view! {
        <button type="button" class="secondary" data-action="create-from-plan" disabled=move || plan.with(Result::is_err)
            on:click=move |_| control.view.set(Some(super::intent::RunView::NewTask))>
            "Create a task with this plan"
        </button>
    })
}

/// Where the page has rollouts: a rollout of the plan on screen (its waves' task form takes the
/// calculator's values, as a new task's does).
fn roll_out_plan(calc: CalcFields) -> impl IntoView {
    super::rollouts::new_rollout_button(move || calc.task_form())
}

fn radio_controls(calc: CalcFields, refusal: Refusal) -> impl IntoView {
    let region_options = move || {
        let mut options: Vec<(String, String)> = REGIONS.iter().map(|r| (r.name.to_owned(), r.name.to_owned())).collect();
        // A task's region the console does not know stays visible (and is warned about).
        let current = calc.rf_region.get();
        if lorawan::region(&current).is_none() {
            options.push((current.clone(), format!("{current:.32} (unknown to the console)")));
        }
        options
    };
    let rate_options = move || {
        let mut options: Vec<(String, String)> = calc
            .rf_region
            .with(|r| lorawan::region(r))
            .map(|r| r.downlink.iter().map(|d| (d.index.to_string(), format!("DR{} · {}", d.index, d.modulation.label()))).collect())
            .unwrap_or_default();
        // A session's data rate the region does not have stays visible (and is warned about).
        let current = calc.data_rate.get();
        if !current.trim().is_empty() && !options.iter().any(|(v, _)| *v == current.trim()) {
            options.push((current.trim().to_owned(), format!("DR{} (not a downlink rate of the region)", current.trim())));
        }
        options
    };
    let class_options = || vec![("ClassC".to_owned(), "Class C".to_owned()), ("ClassB".to_owned(), "Class B".to_owned())];
    let class_b_hint = Signal::derive(|| Some("Class B: a ping slot every N × 30 ms (32 to 4096)".to_owned()));
    let device_hint = Signal::derive(|| Some("Optional: device firmware often caps fragments below the radio's limit".to_owned()));
    view! {
        <fieldset class="radio-controls">
            <legend>"Radio (what-if; a multicast session's values when the campaign view has read one)"</legend>
            <div class="inputs">
                {choice("rf-region", "RF region", calc.rf_region.into(), region_options, move |v| calc.take_region(&v), refusal, Field::Region)}
                {choice("data-rate", "Data rate", calc.data_rate.into(), rate_options, move |v| calc.data_rate.set(v), refusal, Field::DataRate)}
                {control("Downlink frequency (Hz)", Keyboard::Digits, calc.downlink_frequency_hz, no_hint(), refusal, Field::DownlinkFrequency)}
                {choice("multicast-class", "Multicast class", calc.multicast_class.into(), class_options, move |v| calc.multicast_class.set(v), refusal, Field::MulticastClass)}
                {control("Session timeout (s)", Keyboard::Digits, calc.session_timeout_s, no_hint(), refusal, Field::SessionTimeout)}
                {control("Ping slot period (slots)", Keyboard::Digits, calc.ping_slot_period, class_b_hint, refusal, Field::PingSlotPeriod)}
                {control("Largest fragment the devices accept (bytes)", Keyboard::Digits, calc.device_max_fragment_bytes, device_hint, refusal, Field::DeviceMaxFragment)}
            </div>
        </fieldset>
    }
}

#[component]
pub fn Planner(plan: Memo<PlanResult>, task: Signal<Option<FuotaTask>>, calc: CalcFields) -> impl IntoView {
    let radio_inputs: Memo<RadioResult> = Memo::new(move |_| calc.radio_texts().parse());
    let refusal: Refusal = Memo::new(move |_| radio_inputs.with(|r| r.as_ref().err().and_then(ConsoleError::refusal))).into();
    // Memos, so that keystrokes that leave an answer as it is touch nothing downstream.
    let warnings = Memo::new(move |_| {
        plan.with(|p| {
            let Ok(p) = p else { return Vec::new() };
            calc.rf_region.with(|region| radio_inputs.with(|r| radio::warnings(p, region, r.as_ref().ok())))
        })
    });
    let assessment = Memo::new(move |_| {
        let region = calc.rf_region.with(|r| lorawan::region(r))?;
        plan.with(|p| radio_inputs.with(|r| Some(radio::assess(p.as_ref().ok()?, region, r.as_ref().ok()?))))
    });
    // Once a pre-flight check is complete, the proposal is chosen only among the data rates that
    // reach the target share of the devices.
    let preflight = use_context::<super::preflight::Preflight>();
    // Some(Err) while a complete check's settings are refused: no proposal then, rather than the
    // unrestricted one appearing while the user types "-" on the way to "-2".
    let reaching = Memo::new(move |_| {
        let p = preflight?;
        if !p.check.with(|c| c.as_ref().is_some_and(fuota_core::preflight::check::Check::complete)) {
            return None;
        }
        Some(match p.settings.with(|s| s.as_ref().ok().map(|s| s.target_percent)) {
            Some(target) => p.reach.get().map(|(counts, _)| (counts, target)).ok_or(()),
            None => Err(()),
        })
    });
    let reach_target = Memo::new(move |_| reaching.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(|(_, t)| *t)));
    let proposal = Memo::new(move |_| {
        plan.with(|p| {
            let inputs = p.as_ref().ok()?.inputs;
            radio_inputs.with(|r| {
                let r = r.as_ref().ok()?;
                calc.rf_region.with(|region| {
                    Some(reaching.with(|reaching| {
                        match reaching {
                            Some(Ok((counts, target))) => {
                                fuota_core::preflight::reach::reaching_plan(inputs, region, r, counts, *target).map_err(|e| NoProposal::Reaching(e.sentence()))
                            }
                            Some(Err(())) => Err(NoProposal::Reaching(
                                "No proposal until the pre-flight check's settings are corrected: it is chosen among the data rates that reach the target."
                                    .to_owned(),
                            )),
                            None => radio::fastest_sound_plan(inputs, region, r).map_err(NoProposal::Sound),
                        }
                    }))
                })
            })
        })
    });
    let facts = move || {
        plan.with(|p| {
            let p = p.as_ref().ok()?;
            let bytes = lorawan::bytes_on_air(p).map(|b| format!("{b} B")).unwrap_or_else(|| "more than the console counts".into());
            let class = radio_inputs.with(|r| r.as_ref().map_or(radio::MulticastClass::ClassC, |r| r.class));
            let radio_lines = assessment.with(|a| a.as_ref().map(|a| radio_facts(p, a, class)));
            Some(view! {
                <ul class="facts">
                    <li>{format!("Time on the network: {} ({} fragments, one every {} s)", format_duration(p.session_seconds), p.total_fragments, p.interval_seconds)}</li>
                    <li data-bytes-on-air=lorawan::bytes_on_air(p).map(|b| b.to_string())>{format!("Sent in all: {bytes} of data-fragment payload")}</li>
                    {radio_lines}
                    <li class="loss" data-loss-tolerance=lorawan::loss_tolerance(p).lost_fragments.to_string()>{lorawan::loss_tolerance(p).sentence()}</li>
                </ul>
            })
        })
    };
    view! {
        <section class="planner" aria-label="Session plan">
            {radio_controls(calc, refusal)}
            {warnings_view(warnings)}
            {proposal_view(proposal, reach_target, plan, radio_inputs, calc)}
            {create_from_plan(plan)}
            {roll_out_plan(calc)}
            {facts}
            {composition_bar(plan)}
            {timeline(plan, task, assessment)}
            {fit_table(plan, calc, radio_inputs)}
        </section>
    }
}
