//! Where a part of the console that loads on demand (`crate::parts`) appears in the page.

use fuota_core::wire::error::part_not_loaded;
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;

use crate::browser::clock::next_task;
use crate::parts::NotLoaded;

/// What a view's part hands back: the view, built when the page calls it, under the owner of the
/// place that holds it (so the part's signals and effects go when that place goes).
pub type PartView = Box<dyn FnOnce() -> AnyView>;

/// What a part hands back to be run once, under the owner of the place that asked for it: effects
/// that follow state the part's own code reads.
pub type Setup = Box<dyn FnOnce()>;

/// The sentence in the place of a part that did not arrive. Written here, not by the error view:
/// the error view may be in the part that failed.
pub fn part_missing(NotLoaded(part): NotLoaded) -> AnyView {
    view! { <p class="error" role="alert" data-error-code="PartNotLoaded">{part_not_loaded(part)}</p> }.into_any()
}

/// Nothing while the part loads (the rest of the page stays usable), then the part, or the
/// sentence that says it did not arrive.
///
/// A signal and a slot rather than `<Suspense>`: a view that arrives once needs none of
/// Suspense's machinery, and this code is in the part every visit loads first.
pub fn part_view(load: impl std::future::Future<Output = Result<PartView, NotLoaded>> + 'static) -> impl IntoView {
    // The owner of the place that holds the part (weak: a part still loading keeps nothing alive).
    let owner = Owner::current().map(|o| o.downgrade());
    let arrived = RwSignal::new(false);
    let slot = StoredValue::new_local(None::<AnyView>);
    leptos::task::spawn_local(async move {
        // Asked for once the page that holds the part is up: the first part's form is usable
        // before any other part is fetched, and nothing competes with its bytes.
        next_task().await;
        let loaded = load.await;
        if arrived.is_disposed() {
            return; // the place that held the part is gone
        }
        let view = match loaded {
            Ok(build) => match owner.as_ref().and_then(WeakOwner::upgrade) {
                Some(owner) => owner.with(build),
                None => build(),
            },
            Err(not_loaded) => part_missing(not_loaded),
        };
        slot.set_value(Some(view));
        arrived.set(true);
    });
    move || {
        arrived.track();
        slot.try_update_value(Option::take).flatten()
    }
}
