//! The page's own URL: its query string (deep links) and its origin (where it is served from).

/// `window.location.origin` (`http://127.0.0.1:8080`), or empty when there is none: what the core
/// judges a destination against (a page not served from this computer never sends to it).
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// `window.location.search`, or empty when there is none.
pub fn search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}
