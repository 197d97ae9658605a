//! The browser's clock, behind one seam (`SystemTime::now()` panics on wasm32).

use wasm_bindgen::{JsCast, JsValue};

/// Resolves after `ms` milliseconds (at most a browser timer's 2^31 − 1).
pub async fn sleep_ms(ms: u64) {
    let ms = ms.min(fuota_core::campaign::live::MAX_TIMER_MS) as i32;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves after the tasks the browser has already queued (a policy violation's event, the
/// rest of a page's first render).
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// How long [`after_paint`] waits for a frame that does not come (a hidden tab draws none).
const PAINT_WAIT_MS: i32 = 100;

/// Resolves once the browser has drawn what the page holds now: a timer set from the next frame's
/// callback runs after that frame's paint. Where no frame comes within `PAINT_WAIT_MS`, it resolves
/// then.
pub async fn after_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(w) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::UNDEFINED);
            return;
        };
        let (window, again) = (w.clone(), resolve.clone());
        let painted = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&again, 0);
        });
        let _ = w.request_animation_frame(painted.unchecked_ref());
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, PAINT_WAIT_MS);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Milliseconds since the epoch, from `Date.now()`.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

thread_local! {
    /// One `Intl.DateTimeFormat` for the page's life, with the options `Date.toLocaleString` uses
    /// (so the same text). `toLocaleString` builds a formatter on every call: 25.7 µs a call against
    /// 1.7 µs for this one in Chromium 156, and the planner formats the session's expected end on
    /// every calculator keystroke (measured over 2,000 calls of each in a page). Unlike `toLocaleString`,
    /// it keeps the time zone and locale the page started with until the page is reloaded.
    static LOCAL_FORMAT: js_sys::Function = {
        let options = js_sys::Object::new();
        for part in ["year", "month", "day", "hour", "minute", "second"] {
            let _ = js_sys::Reflect::set(&options, &JsValue::from_str(part), &JsValue::from_str("numeric"));
        }
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format()
    };
}

/// A time in the user's local time zone, formatted by the browser.
pub fn local_time(epoch_millis: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(epoch_millis as f64));
    LOCAL_FORMAT
        .with(|format| format.call1(&JsValue::UNDEFINED, &date))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| String::from(date.to_locale_string("default", &JsValue::UNDEFINED)))
}

/// `datetime-local`'s text for `ms` in the browser's time zone: `2026-12-03T11:35`.
pub fn local_input_value(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", d.get_full_year(), d.get_month() + 1, d.get_date(), d.get_hours(), d.get_minutes())
}

/// A `datetime-local` value read in the browser's time zone (ECMAScript reads a date-time without
/// an offset as local time); None when it is not a time.
pub fn local_input_ms(value: &str) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    let t = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    t.is_finite().then_some(t as i64)
}
