//! The page's query form before the wasm: index.html carries it as plain HTML (`[data-static]`),
//! so that a visitor can read and type into it the moment the page arrives. When the console
//! mounts, it asks that form's script (`www/page.js`, `fuotaTaken`) what the visitor did with it
//! — the values they changed, whether *Endpoint* was open, a button press it kept — and removes
//! it. The console's own form (the same markup) is mounted in the same task, so the browser never
//! paints between the two; the focus and its caret are put back before any other task can run.
//!
//! The static form is read by its own script rather than from here: reading each DOM property
//! from Rust costs a binding apiece in the first part (2.5 KiB measured), a plain object costs one.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;
use zeroize::Zeroizing;

/// What the visitor did with the static form.
#[derive(Default)]
pub struct Taken {
    /// The text controls (and the region's select) whose value differs from the markup's: what
    /// the visitor typed or chose, which wins over a link's or storage's value.
    pub values: Vec<(String, Zeroizing<String>)>,
    /// The checkboxes the visitor changed.
    pub checks: Vec<(String, bool)>,
    /// *Endpoint* (the advanced settings) was open.
    pub advanced_open: bool,
    /// A button pressed before the console was there; it is carried out now.
    pub pending: Option<Pending>,
}

/// A button `page.js` kept while the console loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    Submit,
    ListTasks,
    ListRollouts,
}

/// Puts the focus and its caret back where they were, in the console's form.
pub struct Restore {
    snapshot: JsValue,
    restore: Function,
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// An object's own `[key, value]` pairs.
fn entries(object: &JsValue) -> impl Iterator<Item = (String, JsValue)> {
    let pairs = object.dyn_ref::<Object>().map(Object::entries).unwrap_or_else(Array::new);
    pairs.into_iter().filter_map(|pair| {
        let pair = pair.dyn_into::<Array>().ok()?;
        Some((pair.get(0).as_string()?, pair.get(1)))
    })
}

/// Reads the static form under `host` and removes it; nothing when there is none (a test's or a
/// portal's mount, a page without it), or when its script never ran.
pub fn take(host: &Element) -> (Taken, Option<Restore>) {
    let Some(page) = host.query_selector(".fuota-console[data-static]").ok().flatten() else { return (Taken::default(), None) };
    let snapshot = page
        .query_selector("form[data-static]")
        .ok()
        .flatten()
        .and_then(|form| get(&form, "fuotaTaken").dyn_into::<Function>().ok()?.call0(&form).ok())
        .filter(JsValue::is_object);
    page.remove();
    let Some(snapshot) = snapshot else { return (Taken::default(), None) };
    let taken = Taken {
        values: entries(&get(&snapshot, "values")).filter_map(|(name, value)| Some((name, Zeroizing::new(value.as_string()?)))).collect(),
        checks: entries(&get(&snapshot, "checks")).filter_map(|(name, value)| Some((name, value.as_bool()?))).collect(),
        advanced_open: get(&snapshot, "open").as_bool().unwrap_or(false),
        pending: match get(&snapshot, "pending").as_string().as_deref() {
            Some("submit") => Some(Pending::Submit),
            Some("list-tasks") => Some(Pending::ListTasks),
            Some("list-rollouts") => Some(Pending::ListRollouts),
            _ => None,
        },
    };
    let restore = get(&snapshot, "restore").dyn_into::<Function>().ok().map(|restore| Restore { snapshot, restore });
    (taken, restore)
}

impl Restore {
    /// Called right after the console's mount, in the same task; `page.js` puts the focus and
    /// caret back in a microtask, after Leptos has set the controls' values (see `restore` there).
    pub fn into(self, host: Element) {
        let _ = self.restore.call1(&self.snapshot, &host);
    }
}
