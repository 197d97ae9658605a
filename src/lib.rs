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

/// Mounts the console into `parent`. Keep the handle: dropping it unmounts the console.
pub fn mount_console(parent: web_sys::HtmlElement) -> leptos::mount::UnmountHandle<impl Mountable> {
    leptos::mount::mount_to(parent, App)
}
