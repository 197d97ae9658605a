//! Pure core of the FUOTA task console: everything that can be decided without a browser.
//!
//! The read operations and the connection they go through, endpoint resolution, SigV4 signing
//! inputs, response parsing, error classification, pagination, the campaign's devices and
//! verdict, and fragment arithmetic. No `web-sys`, no `leptos`: it runs under native
//! `cargo test` in milliseconds and property tests can hammer it. One seam reaches the browser:
//! with the `browser-json` feature on wasm32, [`json::parse`] hands JSON text to `JSON.parse`.

pub mod campaign;
pub mod clock_skew;
pub mod connection;
pub mod credentials;
pub mod deeplink;
pub mod descriptor;
pub mod devices;
pub mod endpoint;
pub mod error;
pub mod failure;
pub mod firmware;
pub mod fragments;
pub mod json;
pub mod live;
pub mod lorawan;
pub mod members;
pub mod numbers;
pub mod operation;
pub mod pages;
pub mod radio;
pub mod paste;
pub mod response;
pub mod retry;
pub mod settings;
pub mod signing;
pub mod task;

pub use credentials::TemporaryCredentials;
pub use error::{ConsoleError, ErrorCode};
pub use fragments::{FragmentInputs, FragmentPlan};
pub use connection::{Connection, ConnectionForm};
pub use operation::{Operation, Request};
pub use task::{FuotaTask, TaskStatus};

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
