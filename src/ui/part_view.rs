//! Where a part of the console that loads on demand (`crate::parts`) appears in the page.

use fuota_core::error::part_not_loaded;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::parts::NotLoaded;

/// Nothing while the part loads (the rest of the page stays usable), then the part, or the
/// sentence that says it did not arrive. That sentence is written here, not by the error view:
/// the error view may be in the part that failed.
pub fn part_view(load: impl std::future::Future<Output = Result<AnyView, NotLoaded>> + 'static) -> impl IntoView {
    // Suspense takes only `Send` futures; a wasm page has one thread, so this one never moves.
    let load = SendWrapper::new(load);
    view! {
        <Suspense>
            {Suspend::new(async move {
                match load.await {
                    Ok(part) => part,
                    Err(NotLoaded(part)) => view! {
                        <p class="error" role="alert" data-error-code="PartNotLoaded">{part_not_loaded(part)}</p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
