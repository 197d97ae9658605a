//! Web storage: localStorage for non-secret settings, sessionStorage for credentials the user
//! asked to remember for this tab. A browser that refuses storage (private mode, policy) just
//! remembers nothing.
//!
//! Records (`fuota_core::input::settings`) are written with the browser's `JSON.stringify` and read with
//! its `JSON.parse`: the wasm part that loads first has no JSON code of its own.

use fuota_core::input::settings::Stored;
use wasm_bindgen::JsValue;

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn local_get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(key, value);
    }
}

pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok()?
}

pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(key, value);
    }
}

pub fn session_remove(key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(key);
    }
}

/// A record as text for storage.
pub fn record_json(fields: &[(&str, Stored)]) -> Option<String> {
    let object = js_sys::Object::new();
    for (name, value) in fields {
        let value = match value {
            Stored::Text(t) => JsValue::from_str(t),
            Stored::Number(n) => JsValue::from_f64(*n),
        };
        js_sys::Reflect::set(&object, &JsValue::from_str(name), &value).ok()?;
    }
    js_sys::JSON::stringify(&object).ok()?.as_string()
}

/// Reads a stored record's fields; text that is not a JSON object has none.
pub fn record_reader(json: &str) -> impl Fn(&str) -> Option<Stored> {
    let object = js_sys::JSON::parse(json).ok().filter(JsValue::is_object);
    move |name| {
        let value = js_sys::Reflect::get(object.as_ref()?, &JsValue::from_str(name)).ok()?;
        match value.as_string() {
            Some(text) => Some(Stored::Text(text.into())),
            None => value.as_f64().filter(|n| n.is_finite()).map(Stored::Number),
        }
    }
}
