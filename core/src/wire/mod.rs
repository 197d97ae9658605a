//! How the console talks to IoT Wireless: the operation table and requests, the connection and the
//! one owner of its credentials, SigV4 signing, answers and errors, retries, the clock, pages and
//! fan-outs. Depends on nothing else of the core.

pub mod clock;
pub mod connection;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod failure;
pub mod fan_out;
pub mod json;
pub mod members;
pub mod operation;
pub mod pages;
pub mod request;
pub mod response;
pub mod retry;
pub mod signing;
pub mod time;
