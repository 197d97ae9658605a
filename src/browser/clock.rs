//! The browser's clock, behind one seam (`SystemTime::now()` panics on wasm32).

/// Milliseconds since the epoch, from `Date.now()`.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

/// A time in the user's local time zone, formatted by the browser.
pub fn local_time(epoch_millis: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_millis as f64));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
