//! What the user types, pastes or links: pasted credentials, numbers, deep links, remembered
//! settings and firmware files. Uses `wire` (errors, credentials' rules, timestamps).

pub mod deeplink;
pub mod firmware;
pub mod numbers;
pub mod paste;
pub mod settings;
