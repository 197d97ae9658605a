//! Pure core of the FUOTA task console: everything that can be decided without a browser.
//!
//! No `web-sys`, no `leptos`: it runs under native `cargo test` in milliseconds and property tests
//! can hammer it. Seven domains, each a folder, imports flowing one way (`scripts/import_graph.py`
//! checks it: `wire` uses none of the others; `campaign` and `input` use `wire`; `radio` uses
//! `wire`, `campaign` and `input`; `run` and `preflight` use those four):
//! - [`wire`]: how the console talks to IoT Wireless — the operation table, requests, the
//!   connection and its credentials' owner, signing, answers, errors, retries, the clock, pages;
//! - [`campaign`]: what it reads — the task, its devices and their verdict, groups and sessions,
//!   the live refresh;
//! - [`input`]: what the user types or pastes — credentials pasted, numbers, deep links, settings,
//!   firmware files;
//! - [`radio`]: what the plan means on the air — fragments, regional tables, time on air, duty
//!   cycle, the planner;
//! - [`run`]: what it writes — the new task's form, targets, the start, the review and the one
//!   write flow bound to its principal and task;
//! - [`preflight`]: whether the devices can hear it — links, margins, coverage, the report;
//! - [`rollout`]: a fleet in waves (uses `wire`, `campaign`, `input`) — seeded waves, gate, follow-ups, tags.
//!
//! Under them all, [`sort`]: the one sort every domain orders its lists with (one copy in the wasm);
//! [`words`]: quantities in the sentences' words; [`parts`]: when the page asks for its parts.
//!
//! One seam reaches the browser: with the `browser-json` feature on wasm32, [`wire::json::parse`]
//! hands JSON text to `JSON.parse`.
//!
//! `ConsoleError` is returned by value although it is large (clippy's `result_large_err`): an
//! error is rare, is shown and kept in the page's state as it is, and boxing it would move every
//! error's fields behind a pointer for no measured gain.
#![allow(clippy::result_large_err)]

pub mod campaign;
pub mod input;
pub mod parts;
pub mod preflight;
pub mod radio;
pub mod rollout;
pub mod run;
pub mod sort;
pub mod wire;
pub mod words;

pub use campaign::task::{FuotaTask, TaskStatus};
pub use radio::fragments::{FragmentInputs, FragmentPlan};
pub use wire::connection::{Connection, ConnectionForm};
pub use wire::credentials::TemporaryCredentials;
pub use wire::error::{ConsoleError, ErrorCode};
pub use wire::operation::Operation;
pub use wire::request::Request;

/// The demo identity of the local IoT Wireless endpoint. Public on purpose: it only opens the
/// local endpoint, which prints it at start, and the demo page pre-fills it.
pub mod demo {
    pub const ACCESS_KEY_ID: &str = "ASIADEMOLOCALENDPOINT";
    pub const SECRET_ACCESS_KEY: &str = "demo/local/endpoint/secret/key/not/a/real/one";
    pub const SESSION_TOKEN: &str = "demo-local-session-token";
    pub const REGION: &str = "us-east-1";
    pub const ENDPOINT: &str = "http://127.0.0.1:8081";
    pub const TASK_ID: &str = "demo-in-session";
}
