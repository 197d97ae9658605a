//! Form controls shared by the calculator and the radio planner: a label tied to its input, and
//! the hint and the problem linked by `aria-describedby` rather than inside the label, so that a
//! screen reader says the field's name alone and then what is wrong with it.

use std::cell::Cell;

use fuota_core::wire::error::Field;
use leptos::prelude::*;

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// An element id no other control of this page has, even with several consoles on it.
pub fn unique_id(name: &str) -> String {
    let n = NEXT_ID.with(|c| {
        let n = c.get();
        c.set(n.wrapping_add(1));
        n
    });
    format!("fc-{name}-{n}")
}

/// The input a plan or a submit refused and why, if any. Speed (a keystroke should touch as
/// little as it can): the controls read a memo of this, not the plan, so a keystroke that leaves
/// every input valid re-runs none of their effects.
pub type Refusal = Signal<Option<(Field, String)>>;

/// What every control says about itself besides its label, the one rule for all of them: its id,
/// its problem (the refusal when it names this control's field), and the ids that describe it —
/// the hint's when it has one, the problem's while there is one.
pub struct Described {
    pub id: String,
    pub hint_id: String,
    pub problem_id: String,
    pub problem: Memo<Option<String>>,
}

impl Described {
    pub fn new(name: &str, refusal: Refusal, field: Field) -> Self {
        let id = unique_id(name);
        let (hint_id, problem_id) = (format!("{id}-hint"), format!("{id}-problem"));
        let problem = Memo::new(move |_| refusal.with(|r| r.as_ref().filter(|(f, _)| *f == field).map(|(_, why)| why.clone())));
        Self { id, hint_id, problem_id, problem }
    }

    /// `aria-describedby`'s value, following the hint and the problem as they come and go.
    pub fn described_by(&self, hint: Signal<bool>) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let (hint_id, problem_id, problem) = (self.hint_id.clone(), self.problem_id.clone(), self.problem);
        move || {
            let ids: Vec<&str> = [hint.get().then_some(hint_id.as_str()), problem.with(Option::is_some).then_some(problem_id.as_str())]
                .into_iter()
                .flatten()
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }
}

/// A numeric text input: `inputmode="numeric"` brings the digit keyboard on phones, while the
/// text type lets people type `250,000` (the core reads grouping, see `fuota_core::input::numbers`).
pub fn number_control(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    hint: Signal<Option<String>>,
    refusal: Refusal,
    field: Field,
) -> impl IntoView {
    let d = Described::new(name, refusal, field);
    let described = d.described_by(Signal::derive(move || hint.with(Option::is_some)));
    let Described { id, hint_id, problem_id, problem } = d;
    view! {
        <div class="control" class:invalid=move || problem.with(Option::is_some)>
            <label class="label" for=id.clone()>{label}</label>
            <input type="text" inputmode="numeric" name=name id=id autocomplete="off"
                aria-invalid=move || problem.with(Option::is_some).then_some("true")
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
            {move || hint.get().map(|h| view! { <span class="task-value" id=hint_id.clone()>{h}</span> })}
            {move || problem.get().map(|p| view! { <span class="problem" id=problem_id.clone() data-input-error=name>{p}</span> })}
        </div>
    }
}
