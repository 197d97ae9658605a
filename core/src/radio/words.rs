//! Radio quantities in the words the planner's sentences use: "869.525 MHz", "390 ms", "3.91 s".

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

/// Milliseconds as seconds, to the hundredth, rounded up and without trailing zeros: "3.91 s",
/// "1 s", "0.6 s". Up, because the sentences use it for the shortest allowed interval.
pub fn seconds_words(ms: u64) -> String {
    let centis = ms.div_ceil(10);
    let (whole, rest) = (centis / 100, centis % 100);
    match rest {
        0 => format!("{whole} s"),
        r if r % 10 == 0 => format!("{whole}.{} s", r / 10),
        r => format!("{whole}.{r:02} s"),
    }
}
