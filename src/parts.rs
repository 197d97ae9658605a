//! The console in parts. The page's form is HTML (index.html), usable before any wasm; the first
//! wasm part is the console a task on screen needs: the form's controls and notices, the signer,
//! the task view and the calculator's fragment counts. The rest is cut into wasm files:
//! - `campaign`: the task's actions, its devices and groups (their reads and views) and the
//!   session planner (the what-ifs, the fit table, the pictures), asked for ahead of its use once
//!   the page has been up a second with no task read in flight (`fuota_core::parts`), so that it
//!   is there when the user looks below the task, without the takeover or a task asked for at once
//!   waiting for it; a task on screen asks for it at once, for its devices;
//! - `tasks`: the task list, when the user lists tasks;
//! - `paste`: the readers of pasted credentials, at the first paste;
//! - `widget`: the widget, which only portals mount;
//! - `run`: the campaign runner (every write), at the first write asked for;
//! - `preflight`: the pre-flight check's reads, summary and report, at the first check;
//! - `rollouts`: the rollouts, at the first *Rollouts* or *Roll out this plan*.
//!
//! Every part costs more bytes in all than the same code in the first part (the code it shares
//! with other parts goes to a file per set of parts that use it, each compressed alone, each with
//! its own imports), so what is a part is measured (tests/e2e/journeys.test.mjs,
//! docs/performance-history.md). The task's console itself was a part until it came to the first
//! part (a task on screen 402 → 336 KiB, every file 650 → 584); the campaign and the planner left
//! it again (a task on screen 336 → 249 KiB; the page once idle 336 → 376, every file 584 → 624).
//!
//! How: with the `split` feature, each `on_demand!` function is a split point of Leptos's
//! `wasm_split` (the same machinery as its `#[lazy]`); the build hook
//! (`scripts/trunk_post_build.py`) runs `wasm-split-cli` on the linked wasm, which moves every
//! function (and constant) reachable only from one part into that part's file, and what several
//! parts share into a `chunk_*.wasm` they load with them. Without the feature (the `wasm-pack
//! test` build, native tests) the same functions are called directly, so both builds run the
//! same code.
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

/// A part that did not arrive, by the name the user reads ("task list", "pre-flight check").
#[derive(Clone, Copy, Debug)]
pub struct NotLoaded(pub &'static str);

impl From<NotLoaded> for ConsoleError {
    fn from(NotLoaded(part): NotLoaded) -> Self {
        ConsoleError::PartNotLoaded { part: part.to_owned() }
    }
}

/// `on_demand! { /// docs  pub fn name / inner [part, "what the user reads"] (args) -> T { body } }`
/// declares `inner`, the split point holding `body`, and `name`, an async fn that loads its part
/// (once; later calls find it loaded) and runs it. Arguments are passed by value: a split point
/// is called like an `extern` function, with no borrowed or generic parameters.
#[macro_export]
macro_rules! on_demand {
    ($(#[$doc:meta])* $vis:vis fn $name:ident / $inner:ident [$split:ident, $label:literal] ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg_attr(feature = "split", ::leptos::wasm_split::wasm_split($split, wasm_split_path = ::leptos::wasm_split, fallible))]
        fn $inner($($arg: $ty),*) -> Result<$ret, $crate::parts::Missing> {
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
    };
}
