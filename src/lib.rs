//! The FUOTA task console: a Leptos (CSR) app over the pure core in `fuota-core`.
//!
//! `browser` is the thin shell (clock, fetch, location, events, the allocator); `ui` renders state
//! and dispatches intents; `widget` is the console as a portal's element. The rules are
//! `fuota_core`'s; what stays here decides when to ask and what to show.

pub mod browser;
pub mod parts;
pub mod ui;
pub mod widget;

pub use ui::app::App;

use leptos::prelude::*;

/// Mounts the console into `parent`, taking over the page's static form if it has one (what was
/// typed, the focus and its caret are kept: `browser::takeover`). Keep the handle: dropping it
/// unmounts the console.
pub fn mount_console(parent: web_sys::HtmlElement) -> leptos::mount::UnmountHandle<impl Mountable> {
    let (taken, restore) = browser::takeover::take(&parent);
    // The static form is gone and the console's is in before this task ends: nothing is painted between.
    let handle = leptos::mount::mount_to(parent.clone(), move || view! { <App taken=taken /> });
    if let Some(restore) = restore {
        restore.into(parent.into());
    }
    handle
}
