//! Events for scripts and host pages: the task as the API returned it, or the error.

use fuota_core::ConsoleError;
use serde::Serialize as _;
use wasm_bindgen::JsValue;

fn dispatch(target: &web_sys::EventTarget, name: &str, detail: &JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

fn to_js(value: &serde_json::Value) -> JsValue {
    // json_compatible: objects become plain JS objects, as JSON.parse would give.
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// `fuota-task-loaded`, detail: the task as the API returns it.
pub fn task_loaded(target: &web_sys::EventTarget, raw_json: &str) {
    let value = serde_json::from_str(raw_json).unwrap_or(serde_json::Value::Null);
    dispatch(target, "fuota-task-loaded", &to_js(&value));
}

/// `fuota-task-error`, detail: code, message, request id. Never a secret: errors carry none.
pub fn task_error(target: &web_sys::EventTarget, error: &ConsoleError) {
    let detail = serde_json::json!({
        "code": error.code(),
        "message": error.sentence(),
        "serviceMessage": error.service_message(),
        "requestId": error.request_id(),
    });
    dispatch(target, "fuota-task-error", &to_js(&detail));
}
