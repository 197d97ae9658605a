//! Moving keyboard focus: after a refused submit, to the field that was refused, so that a
//! keyboard or screen-reader user lands where the fix is.

use wasm_bindgen::JsCast;

/// Focuses the control named `name` inside the page's query form; nothing when there is none.
pub fn form_field(name: &str) {
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("form.query [name=\"{name}\"]")).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
    }
}
