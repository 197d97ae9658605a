//! The page's own URL: only its query string is read (deep links).

/// `window.location.search`, or empty when there is none.
pub fn search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}
