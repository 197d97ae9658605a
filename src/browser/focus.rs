//! Moving keyboard focus: after a refused submit, to the field that was refused, so that a
//! keyboard or screen-reader user lands where the fix is.

use wasm_bindgen::JsCast;

/// Focuses the control named `name` inside the page's query form, opening the `<details>` it
/// sits in (a closed one cannot take focus); nothing when there is none.
pub fn form_field(name: &str) {
    let field = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&format!("form.query [name=\"{name}\"]")).ok().flatten());
    let Some(field) = field else { return };
    if let Some(details) = field.closest("details").ok().flatten() {
        let _ = details.set_attribute("open", "");
    }
    if let Ok(field) = field.dyn_into::<web_sys::HtmlElement>() {
        let _ = field.focus();
    }
}
