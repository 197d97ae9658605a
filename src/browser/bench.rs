//! A signing loop for the benchmark command: the same signer the page uses, timed in the browser.

use fuota_core::wire::signing::{sign_request, time_from_epoch_millis};
use fuota_core::{demo, TemporaryCredentials};

const URL: &str = "https://api.iotwireless.us-east-1.amazonaws.com/fuota-tasks/demo-in-session";

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// Signs `iterations` requests and returns the total time in milliseconds (NaN if signing fails).
pub fn sign_many(iterations: u32) -> f64 {
    let Ok(credentials) = TemporaryCredentials::new(demo::ACCESS_KEY_ID, demo::SECRET_ACCESS_KEY, demo::SESSION_TOKEN) else {
        return f64::NAN;
    };
    let Ok(time) = time_from_epoch_millis(1_764_126_624_000.0) else { return f64::NAN };
    let started = now();
    for _ in 0..iterations {
        if sign_request("GET", URL, None, &credentials, "us-east-1", time).is_err() {
            return f64::NAN;
        }
    }
    now() - started
}
