//! The wasm entry: mounts the full page where the document asks for it
//! (`data-fuota-console="page"`), and exports the widget's `mount` to the stable module
//! `fuota-console.js` (and, in the benchmark's build only, a signing loop). The allocator is the
//! library's (`browser::memory`), so that the browser tests run on it too.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    // Only the console page asks for the whole console, by an attribute of its own: a portal that
    // loads the module (and may well have some `#console` of its own) gets the widget alone.
    let page_host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-fuota-console=page]").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(host) = page_host {
        fuota_console::mount_console(host).forget();
    }
}

/// Mounts the task console widget into `element`; see `fuota_console::widget`.
#[wasm_bindgen(js_name = mount)]
pub async fn mount_widget(element: web_sys::HtmlElement, options: JsValue) -> Result<fuota_console::widget::WidgetHandle, JsError> {
    fuota_console::widget::mount(element, options).await
}

/// Only in the benchmark's build (`FUOTA_BENCH_BUILD=1`, build.rs). Signs `iterations` GetFuotaTask requests (fixed credentials, time and URL) and returns the
/// milliseconds it took, measured inside wasm: the benchmark's view of signing alone.
#[cfg(fuota_bench)]
#[wasm_bindgen(js_name = benchSign)]
pub fn bench_sign(iterations: u32) -> f64 {
    fuota_console::browser::bench::sign_many(iterations)
}
