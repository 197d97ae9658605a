//! Events for scripts and host pages: the task as the API returned it, or the error; the
//! devices' summary once they are all read.

use fuota_core::campaign::devices::{DeviceSummary, TaskVerdict};
use fuota_core::ConsoleError;
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

/// `fuota-task-loaded`, detail: the task as the API returns it, parsed by the browser's own
/// `JSON.parse`: plain objects, as a script expects.
pub fn task_loaded(target: &web_sys::EventTarget, raw_json: &str) {
    let detail = js_sys::JSON::parse(raw_json).unwrap_or(JsValue::NULL);
    dispatch(target, "fuota-task-loaded", &detail);
}

/// `fuota-task-error`, detail: code, message, service message and request id (null when absent).
/// Never a secret: errors carry none.
pub fn task_error(target: &web_sys::EventTarget, error: &ConsoleError) {
    let detail = js_sys::Object::new();
    let text_or_null = |s: Option<&str>| s.map(JsValue::from_str).unwrap_or(JsValue::NULL);
    let members = [
        ("code", JsValue::from_str(error.code())),
        ("message", JsValue::from_str(&error.sentence())),
        ("serviceMessage", text_or_null(error.service_message())),
        ("requestId", text_or_null(error.request_id())),
    ];
    for (name, value) in members {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(name), &value);
    }
    dispatch(target, "fuota-task-error", &detail);
}

/// `fuota-devices-loaded`, once every device list has been read: detail `{total, byStatus,
/// verdict}`, byStatus keyed by the status as returned ("" for devices without one).
pub fn devices_loaded(target: &web_sys::EventTarget, summary: &DeviceSummary, verdict: TaskVerdict) {
    let detail = js_sys::Object::new();
    let by_status = js_sys::Object::new();
    for (status, count) in &summary.by_status {
        let _ = js_sys::Reflect::set(&by_status, &JsValue::from_str(status), &JsValue::from_f64(*count as f64));
    }
    let members = [("total", JsValue::from_f64(summary.total as f64)), ("byStatus", by_status.into()), ("verdict", JsValue::from_str(verdict.as_str()))];
    for (name, value) in members {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(name), &value);
    }
    dispatch(target, "fuota-devices-loaded", &detail);
}

/// `fuota-write`, when a write (or an Associate batch) has ended: detail `{operation, outcome,
/// errorCode, taskId}`, outcome `succeeded`, `failed` or `unknown`; null where there is none.
pub fn write_done(target: &web_sys::EventTarget, operation: &str, outcome: &str, error_code: Option<&str>, task_id: Option<&str>) {
    let detail = js_sys::Object::new();
    let text_or_null = |s: Option<&str>| s.map(JsValue::from_str).unwrap_or(JsValue::NULL);
    let members = [
        ("operation", JsValue::from_str(operation)),
        ("outcome", JsValue::from_str(outcome)),
        ("errorCode", text_or_null(error_code)),
        ("taskId", text_or_null(task_id)),
    ];
    for (name, value) in members {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(name), &value);
    }
    dispatch(target, "fuota-write", &detail);
}
