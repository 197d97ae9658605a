//! The form controls of the console's parts (calculator, planner, pre-flight, runner): one text
//! control and one choice, each a label tied to its input, and the hint and the problem linked by
//! `aria-describedby` rather than inside the label, so that a screen reader says the field's name
//! alone and then what is wrong with it. (The query form, in the page's first part, has its own.)

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
            let ids: Vec<&str> =
                [hint.get().then_some(hint_id.as_str()), problem.with(Option::is_some).then_some(problem_id.as_str())].into_iter().flatten().collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }
}

/// How a text control is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyboard {
    /// Free text, no spelling help (ids, ARNs, names).
    Text,
    /// `inputmode="numeric"`: the digit keyboard on phones, while the text type lets people type
    /// `250,000` (the core reads grouping, see `fuota_core::input::numbers`).
    Digits,
    /// Text without `inputmode`: a signed decimal (the digit keyboards of some phones lack a minus).
    Signed,
    /// A textarea: one item per line.
    Lines,
}

/// A control's value: read from a signal, written through a callback (a whole signal, or one
/// member of a form's state).
#[derive(Clone, Copy)]
pub struct Bound {
    pub get: Signal<String>,
    pub set: Callback<String>,
}

impl From<RwSignal<String>> for Bound {
    fn from(value: RwSignal<String>) -> Self {
        Self { get: value.into(), set: Callback::new(move |v| value.set(v)) }
    }
}

/// One labelled text control: its input (or textarea), its hint, its problem. `name` is the
/// field's (the automation contract's `name=`), so the refusal that names the field is shown here.
pub fn control(label: &'static str, keyboard: Keyboard, value: impl Into<Bound>, hint: Signal<Option<String>>, refusal: Refusal, field: Field) -> AnyView {
    let name = field.name();
    let Bound { get, set } = value.into();
    let d = Described::new(name, refusal, field);
    let described = d.described_by(Signal::derive(move || hint.with(Option::is_some)));
    let Described { id, hint_id, problem_id, problem } = d;
    let invalid = move || problem.with(Option::is_some).then_some("true");
    let on_input = move |ev: leptos::ev::Event| set.run(event_target_value(&ev));
    let input = if keyboard == Keyboard::Lines {
        view! {
            <textarea name=name id=id.clone() rows="4" spellcheck="false" aria-invalid=invalid aria-describedby=described
                prop:value=move || get.get() on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input type="text" inputmode=(keyboard == Keyboard::Digits).then_some("numeric") name=name id=id.clone() autocomplete="off" spellcheck="false"
                aria-invalid=invalid aria-describedby=described prop:value=move || get.get() on:input=on_input />
        }
        .into_any()
    };
    view! {
        <div class="control" class:invalid=move || problem.with(Option::is_some)>
            <label class="label" for=id>{label}</label>
            {input}
            {move || hint.get().map(|h| view! { <span class="task-value" id=hint_id.clone()>{h}</span> })}
            {move || problem.get().map(|p| view! { <span class="problem" id=problem_id.clone() data-input-error=name>{p}</span> })}
        </div>
    }
    .into_any()
}

/// No hint.
pub fn no_hint() -> Signal<Option<String>> {
    Signal::stored(None)
}

/// A fixed hint.
pub fn hint(text: &'static str) -> Signal<Option<String>> {
    Signal::stored(Some(text.to_owned()))
}

/// A select with its label tied to it, and its problem (a session's value the console cannot
/// use) said at it like a text control's. `name` is given apart: some choices name no field.
pub fn choice(
    name: &'static str,
    label: &'static str,
    value: Signal<String>,
    options: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
    on_change: impl Fn(String) + 'static,
    refusal: Refusal,
    field: Field,
) -> AnyView {
    let d = Described::new(name, refusal, field);
    let described = d.described_by(Signal::stored(false));
    let Described { id, problem_id, problem, .. } = d;
    view! {
        <div class="control" class:invalid=move || problem.with(Option::is_some)>
            <label class="label" for=id.clone()>{label}</label>
            // `selected` sets the first choice; the value property follows later changes (once the
            // user has picked an option, the browser ignores changes to `selected` attributes).
            <select name=name id=id on:change=move |ev| on_change(event_target_value(&ev))
                prop:value=move || value.get()
                aria-invalid=move || problem.with(Option::is_some).then_some("true") aria-describedby=described>
                {move || options()
                    .into_iter()
                    .map(|(v, text)| {
                        let selected = value.with(|x| x.trim().eq_ignore_ascii_case(&v));
                        view! { <option value=v selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {move || problem.get().map(|p| view! { <span class="problem" id=problem_id.clone() data-input-error=name>{p}</span> })}
        </div>
    }
    .into_any()
}
