//! Quantities in the words the sentences use, for every part of the core: a time in seconds
//! written from whole milliseconds, so that no sentence needs float formatting (and the first
//! wasm part carries none: the request path's retry sentence is in it).

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_like_the_sentences() {
        assert_eq!(seconds_words(0), "0 s");
        assert_eq!(seconds_words(400), "0.4 s");
        assert_eq!(seconds_words(1_250), "1.25 s");
        assert_eq!(seconds_words(20_000), "20 s");
    }

    proptest! {
        /// Read back, the words are the time rounded up to the hundredth: never less, never a
        /// hundredth more.
        #[test]
        fn rounds_up_to_the_hundredth(ms in 0_u64..10_000_000_000) {
            let words = seconds_words(ms);
            let number = words.strip_suffix(" s").expect("ends in seconds");
            let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
            prop_assert!(fraction.len() <= 2 && !fraction.ends_with('0'));
            let centis = whole.parse::<u64>().unwrap() * 100 + format!("{fraction:0<2}").parse::<u64>().unwrap();
            prop_assert!(centis * 10 >= ms && centis * 10 < ms + 10);
        }
    }
}
