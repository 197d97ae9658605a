//! Where a part of the console that loads on demand (`crate::parts`) appears in the page.

use fuota_core::parts;
use fuota_core::wire::error::part_not_loaded;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;

use crate::browser::clock::{self, next_task, sleep_ms};
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

/// How a place loads its part; called again while the part does not arrive.
type Load = Box<dyn Fn() -> LocalBoxFuture<'static, Result<PartView, NotLoaded>>>;

/// Loads a part, and while it does not arrive asks again on the core's schedule
/// (`fuota_core::parts::next_retry_ms`): the part, or `None` once `wanted` says that nobody waits
/// for it any more. `said` hears the first failure only: a sentence (an alert)
/// written again at each try would be read out again.
pub async fn load_part<T>(
    load: &dyn Fn() -> LocalBoxFuture<'static, Result<T, NotLoaded>>,
    wanted: &dyn Fn() -> bool,
    said: impl FnOnce(NotLoaded),
) -> Option<T> {
    let mut said = Some(said);
    let mut wait_ms = parts::RETRY_FIRST_MS;
    loop {
        let loaded = load().await;
        if !wanted() {
            return None;
        }
        match loaded {
            Ok(part) => return Some(part),
            Err(not_loaded) => {
                if let Some(said) = said.take() {
                    said(not_loaded);
                }
            }
        }
        sleep_ms(wait_ms).await;
        if !wanted() {
            return None;
        }
        wait_ms = parts::next_retry_ms(wait_ms);
    }
}

/// Nothing while the part loads (the rest of the page stays usable), then the part; if it did not
/// arrive, the sentence that says so, until a later try brings it.
///
/// A signal and a slot rather than `<Suspense>`: a view that arrives once needs none of
/// Suspense's machinery, and this code is in the part every visit loads first. `load` is boxed
/// at once, so that the waiting and the retries are compiled once, not once per place.
pub fn part_view<F>(load: impl Fn() -> F + 'static) -> impl IntoView
where
    F: std::future::Future<Output = Result<PartView, NotLoaded>> + 'static,
{
    placed(Box::new(move || Box::pin(load())), None)
}

/// The same for a part asked for ahead of its use (the planner, the task's actions): it is asked
/// for once the page has been up a while and no task read is in flight (`reading`), on the core's
/// rule (`fuota_core::parts::ahead_wait_ms`), so that its bytes never hold up a task asked for at
/// once.
pub fn part_view_ahead<F>(reading: Signal<bool>, load: impl Fn() -> F + 'static) -> impl IntoView
where
    F: std::future::Future<Output = Result<PartView, NotLoaded>> + 'static,
{
    placed(Box::new(move || Box::pin(load())), Some(reading))
}

fn placed(load: Load, ahead: Option<Signal<bool>>) -> impl IntoView {
    // The owner of the place that holds the part (weak: a part still loading keeps nothing alive).
    let owner = Owner::current().map(|o| o.downgrade());
    let arrived = RwSignal::new(false);
    let slot = StoredValue::new_local(None::<AnyView>);
    leptos::task::spawn_local(async move {
        // Asked for once the page that holds the part is up: the first part's form is usable
        // before any other part is fetched, and nothing competes with its bytes.
        next_task().await;
        if let Some(reading) = ahead {
            let up = clock::now_millis();
            // A place that is gone reads as no read in flight: the check below ends the wait.
            while let Some(ms) = parts::ahead_wait_ms((clock::now_millis() - up).max(0.0) as u64, reading.try_get_untracked().unwrap_or(false)) {
                sleep_ms(ms).await;
                if arrived.is_disposed() {
                    return;
                }
            }
        }
        let said = move |not_loaded| {
            slot.set_value(Some(part_missing(not_loaded)));
            arrived.set(true);
        };
        // `None`: the place that held the part is gone.
        let Some(build) = load_part(&*load, &|| !arrived.is_disposed(), said).await else { return };
        let view = match owner.as_ref().and_then(WeakOwner::upgrade) {
            Some(owner) => owner.with(build),
            None => build(),
        };
        slot.set_value(Some(view));
        arrived.set(true);
    });
    move || {
        arrived.track();
        slot.try_update_value(Option::take).flatten()
    }
}
