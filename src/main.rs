//! The console page: mounts the app into `#console` (or the body when the page has none).

use wasm_bindgen::JsCast;

fn main() {
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("console").or_else(|| d.body().map(Into::into)))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(host) = host {
        fuota_console::mount_console(host).forget();
    }
}
