//! The console in parts. A first visit waits only for what the query form needs; the rest (the
//! task console with its calculator and planner, the task list, the signer, the widget) is cut
//! into separate wasm files that load on demand, and the page asks for them as soon as the form
//! is up (`preload_after_first_paint`), while the user types.
//!
//! How: with the `split` feature, each `on_demand!` function is a split point of Leptos's
//! `wasm_split` (the same machinery as its `#[lazy]`); the build hook
//! (`scripts/trunk_post_build.py`) runs `wasm-split-cli` on the linked wasm, which moves every
//! function reachable only from a split point into that point's file. Without the feature (the
//! `wasm-pack test` build, native tests) the same functions are called directly, so both builds run
//! the same code.
//!
//! A part that fails to load is an error the user can act on (reload), never a panic: the split
//! points are `fallible`.

use fuota_core::ConsoleError;

/// A split point's load failure, before the caller names the part.
pub struct Missing;

impl From<leptos::wasm_split::SplitLoaderError> for Missing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Missing
    }
}

/// A part that did not arrive, by the name the user reads ("signer", "task list").
#[derive(Clone, Copy, Debug)]
pub struct NotLoaded(pub &'static str);

impl From<NotLoaded> for ConsoleError {
    fn from(NotLoaded(part): NotLoaded) -> Self {
        ConsoleError::PartNotLoaded { part: part.to_owned() }
    }
}

/// The answer of a part that answers with a result: a part that did not load is one more error.
pub fn settle<T>(answer: Result<Result<T, ConsoleError>, NotLoaded>) -> Result<T, ConsoleError> {
    answer?
}

/// `on_demand! { /// docs  pub fn name / inner [split, "part as the user reads it"] (args) -> T { body } }`
/// declares `inner`, the split point holding `body`, and `name`, an async fn that loads its part
/// (once; later calls find it loaded) and runs it. Arguments are passed by value: a split point
/// is called like an `extern` function, with no borrowed or generic parameters.
///
/// `[split, "part", preload]` also declares `preload`, an async fn that only loads the part: the
/// page calls it once the form is up, so that the first use does not wait for the network.
#[macro_export]
macro_rules! on_demand {
    ($(#[$doc:meta])* $vis:vis fn $name:ident / $inner:ident [$split:ident, $label:literal $(, $preload:ident)?] ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg_attr(feature = "split", ::leptos::wasm_split::wasm_split($split, wasm_split_path = ::leptos::wasm_split, fallible $(, preload($preload))?))]
        $vis fn $inner($($arg: $ty),*) -> Result<$ret, $crate::parts::Missing> {
            Ok($body)
        }

        $(#[$doc])*
        $vis async fn $name($($arg: $ty),*) -> Result<$ret, $crate::parts::NotLoaded> {
            #[cfg(feature = "split")]
            let part = $inner($($arg),*).await;
            #[cfg(not(feature = "split"))]
            let part = $inner($($arg),*);
            part.map_err(|_| $crate::parts::NotLoaded($label))
        }

        $(
            // Without the splitter every part is in the one wasm: nothing to load.
            #[cfg(not(feature = "split"))]
            $vis async fn $preload() -> Result<(), ::leptos::wasm_split::SplitLoaderError> {
                Ok(())
            }
        )?
    };
}
