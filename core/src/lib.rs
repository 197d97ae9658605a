//! Pure core of the FUOTA task console: everything that can be decided without a browser.
//!
//! No `web-sys`, no `leptos`: it runs under native `cargo test` in milliseconds and property tests
//! can hammer it. Four domains, each a folder, imports flowing one way (`input` and `radio` may use
//! `campaign` and `wire`; `campaign` may use `wire`; `wire` uses none of them):
//! - [`wire`]: how the console talks to IoT Wireless — the operation table, requests, the
//!   connection and its credentials' owner, signing, answers, errors, retries, the clock, pages;
//! - [`campaign`]: what it reads — the task, its devices and their verdict, groups and sessions,
//!   the live refresh;
//! - [`radio`]: what the plan means on the air — fragments, regional tables, time on air, duty
//!   cycle, the planner;
//! - [`input`]: what the user types or pastes — credentials pasted, numbers, deep links, settings,
//!   firmware files.
//!
//! One seam reaches the browser: with the `browser-json` feature on wasm32, [`wire::json::parse`]
//! hands JSON text to `JSON.parse`.

pub mod campaign;
pub mod input;
pub mod radio;
pub mod preflight;
pub mod run;
pub mod wire;

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
