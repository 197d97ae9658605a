//! The browser shell: each piece small and replaceable; failures become typed errors, never panics.

#[cfg(fuota_bench)]
pub mod bench;
pub mod clock;
pub mod download;
pub mod events;
pub mod fan_out;
pub mod fetch;
pub mod file;
pub mod focus;
pub mod location;
pub mod memory;
pub mod request;
pub mod storage;
pub mod takeover;
