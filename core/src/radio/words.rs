//! Radio quantities in the words the planner's sentences use: "869.525 MHz", "390 ms"; seconds
//! ("3.91 s") are `crate::words::seconds_words`, which the request path's sentences use too.

/// "869.525 MHz".
pub fn megahertz(hz: u64) -> String {
    let (whole, rest) = (hz / 1_000_000, hz % 1_000_000);
    if rest == 0 {
        return format!("{whole} MHz");
    }
    let decimals = format!("{rest:06}");
    format!("{whole}.{} MHz", decimals.trim_end_matches('0'))
}

/// A time in microseconds as the sentences show it: "390 ms", "2.47 s", "118 ms".
pub fn airtime_words(us: u64) -> String {
    if us < 1_000_000 {
        format!("{} ms", us.saturating_add(500) / 1000)
    } else {
        let centis = us.saturating_add(5_000) / 10_000;
        format!("{}.{:02} s", centis / 100, centis % 100)
    }
}
