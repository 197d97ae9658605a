//! Where a part of the console that loads on demand (`crate::parts`) appears in the page.

use fuota_core::ConsoleError;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use super::error_view::ErrorView;

/// Nothing while the part loads (the rest of the page stays usable), then the part, or the
/// sentence that says it did not arrive.
pub fn part_view(load: impl std::future::Future<Output = Result<AnyView, ConsoleError>> + 'static) -> impl IntoView {
    // Suspense takes only `Send` futures; a wasm page has one thread, so this one never moves.
    let load = SendWrapper::new(load);
    view! {
        <Suspense>
            {Suspend::new(async move {
                match load.await {
                    Ok(part) => part,
                    Err(error) => view! { <ErrorView error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
