//! Saving text the page made (a report) as a file: a Blob, a temporary object URL and a click on
//! a link with `download`. Nothing leaves the browser. The URL is revoked a minute later, not at
//! once: a browser may still be reading the Blob after the click returns.

use wasm_bindgen::JsCast;

/// Why a file could not be saved, in a sentence the user can act on.
const FAILED: &str = "The browser did not save the file: allow downloads for this page, or try another browser.";

/// Offers `text` as a file named `name` of type `mime`.
pub fn save(name: &str, mime: &str, text: &str) -> Result<(), &'static str> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or(FAILED)?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| FAILED)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| FAILED)?;
    let link = document.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()).ok_or(FAILED)?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}
