//! The fragment calculator: usable before any task is fetched, follows every keystroke.

use fuota_core::radio::fragments::{format_duration, what_if_sentence, FragmentInputs, FragmentPlan, FragmentTexts};
use fuota_core::wire::error::Field;
use fuota_core::{ConsoleError, FuotaTask};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::controls::{control, no_hint, Keyboard, Refusal};
use super::fields::CalcFields;
use super::part_view::{part_view_ahead, PartView};
use crate::browser::file;
use fuota_core::input::firmware::FirmwareImage;

type PlanResult = Result<FragmentPlan, ConsoleError>;

/// How long the typing must pause before a problem is announced.
const ANNOUNCE_AFTER: std::time::Duration = std::time::Duration::from_millis(800);

/// The task's own value beside a control, as its hint.
fn task_hint(value: Signal<Option<i64>>) -> Signal<Option<String>> {
    Signal::derive(move || value.get().map(|v| format!("task: {v}")))
}

/// One count: its `data-value` and its text come from one effect (one effect a keystroke,
/// not two).
fn output(plan: Memo<PlanResult>, key: &'static str, label: &'static str, get: fn(&FragmentPlan) -> u64) -> impl IntoView {
    view! {
        <div class="out">
            <span class="label">{label}</span>
            {move || {
                let value = plan.with(|p| p.as_ref().ok().map(|p| get(p).to_string()));
                let text = value.clone().unwrap_or_else(|| "—".to_owned());
                view! { <output data-calc=key data-value=value>{text}</output> }
            }}
        </div>
    }
}

/// The file the user picked in the file input.
fn picked_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?.files()?.get(0)
}

/// The file the user dropped on the calculator.
fn dropped_file(ev: &leptos::ev::DragEvent) -> Option<web_sys::File> {
    ev.data_transfer()?.files()?.get(0)
}

crate::on_demand! {
    /// The session planner: loaded after the console, so that a task and its fragment counts
    /// are on screen without it.
    fn planner / planner_part [campaign, "session planner"] (plan: Memo<PlanResult>, task: Signal<Option<FuotaTask>>, calc: CalcFields) -> PartView {
        Box::new(move || view! { {what_if(plan, task, calc)} <super::planner::Planner plan=plan task=task calc=calc /> }.into_any())
    }
}

/// The what-if: the task's own plan for the same firmware beside the one typed, so that a change
/// shows its effect (with the planner, in its part).
fn what_if(plan: Memo<PlanResult>, task: Signal<Option<FuotaTask>>, calc: CalcFields) -> impl IntoView {
    let task_plan = Memo::new(move |_| {
        let firmware_size = calc.firmware_size.get();
        task.with(|t| FragmentTexts::from_task(t.as_ref()?, &firmware_size).parse().and_then(FragmentInputs::plan).ok())
    });
    move || {
        let theirs = task_plan.get()?;
        let sentence = plan.with(|ours| ours.as_ref().ok().and_then(|ours| what_if_sentence(&theirs, ours)))?;
        Some(view! { <p class="what-if" data-task-total=theirs.total_fragments.to_string()>{sentence}</p> })
    }
}

#[component]
pub fn Calculator(
    calc: CalcFields,
    task: Signal<Option<FuotaTask>>,
    /// A task read is in flight: the planner's part waits for it (it is asked for ahead of use).
    reading: Signal<bool>,
) -> impl IntoView {
    let plan = Memo::new(move |_| calc.texts().parse().and_then(FragmentInputs::plan));
    let refusal: Refusal = Memo::new(move |_| plan.with(|p| p.as_ref().err().and_then(ConsoleError::refusal))).into();
    // A problem is announced after a pause in the typing, not at every keystroke: "250," on the
    // way to "250,000" would otherwise talk over the user.
    let announced = RwSignal::new(None::<String>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let reason = refusal.with(|r| r.as_ref().map(|(_, why)| why.clone()));
        if let Some(pending) = timer.try_update_value(Option::take).flatten() {
            pending.clear();
        }
        match reason {
            None => announced.set(None),
            Some(why) => {
                if let Ok(handle) = set_timeout_with_handle(move || announced.set(Some(why)), ANNOUNCE_AFTER) {
                    timer.set_value(Some(handle));
                }
            }
        }
    });
    on_cleanup(move || {
        if let Some(pending) = timer.try_update_value(Option::take).flatten() {
            pending.clear();
        }
    });
    let image = RwSignal::new(None::<Result<FirmwareImage, ConsoleError>>);
    // Size and SHA-256 are computed here; the file never leaves the browser.
    let take_file = move |file: web_sys::File| {
        // The size comes from the File itself, whatever happens to the hashing.
        calc.firmware_size.set((file.size().max(0.0) as u64).to_string());
        leptos::task::spawn_local(async move {
            image.set(Some(file::read_image(&file).await));
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = picked_file(&ev) {
            take_file(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = dropped_file(&ev) {
            take_file(file);
        }
    };
    let task_value = move |get: fn(&FuotaTask) -> Option<i64>| task_hint(Signal::derive(move || task.with(|t| t.as_ref().and_then(get))));
    view! {
        <section class="calculator" aria-labelledby="calc-title" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <h2 id="calc-title">"Fragment session"</h2>
            <div class="inputs">
                {control("Firmware size (bytes)", Keyboard::Digits, calc.firmware_size, no_hint(), refusal, Field::FirmwareSize)}
                <label class="control file">
                    <span class="label">"…or pick the image"</span>
                    <input type="file" name="firmware-file" on:change=on_file />
                    {move || match image.get() {
                        None => view! { <span class="hint">"Or drop it here. It is read in this page and never leaves this computer."</span> }.into_any(),
                        Some(Ok(img)) => {
                            let digest = img.sha256_hex.clone();
                            view! {
                                <span class="hint image" data-firmware-sha256=img.sha256_hex>
                                    {format!("{}: {} B", img.name, img.size_bytes)}<br/>"SHA-256 "<code>{digest}</code>
                                </span>
                            }.into_any()
                        }
                        Some(Err(e)) => view! { <span class="problem">{e.sentence()}</span> }.into_any(),
                    }}
                </label>
                {control("Fragment size (bytes)", Keyboard::Digits, calc.fragment_size, task_value(|t| t.fragment_size_bytes), refusal, Field::FragmentSize)}
                {control("Redundancy (%)", Keyboard::Digits, calc.redundancy_percent, task_value(|t| t.redundancy_percent), refusal, Field::RedundancyPercent)}
                {control("Fragment interval (ms)", Keyboard::Digits, calc.fragment_interval_ms, task_value(|t| t.fragment_interval_ms), refusal, Field::FragmentInterval)}
                <Show when=move || task.with(Option::is_some)>
                    <button type="button" class="secondary" on:click=move |_| task.with_untracked(|t| if let Some(t) = t { calc.take_task(t) })>
                        "Use the task's values"
                    </button>
                </Show>
            </div>
            // A screen reader hears what is wrong once the typing pauses; the field itself carries
            // aria-invalid and is described by the same sentence.
            <p class="visually-hidden" role="status">{move || announced.get()}</p>
            <div class="outputs">
                {output(plan, "data-fragments", "Data fragments", |p| p.data_fragments)}
                {output(plan, "redundant-fragments", "Redundant fragments", |p| p.redundant_fragments)}
                {output(plan, "total-fragments", "Total fragments", |p| p.total_fragments)}
                {output(plan, "padding-bytes", "Padding (bytes)", |p| p.padding_bytes)}
                {output(plan, "session-seconds", "Session (s)", |p| p.session_seconds)}
                <p class="duration">{move || plan.with(|p| p.as_ref().ok().map(|p| format!("≈ {}", format_duration(p.session_seconds))))}</p>
            </div>
            {part_view_ahead(reading, move || planner(plan, task, calc))}
            <pre class="formula">{move || plan.with(|p| match p {
                Ok(p) => p.formula_lines().join("\n"),
                Err(e) => e.sentence(),
            })}</pre>
        </section>
    }
}
