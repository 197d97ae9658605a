//! Quantities in the words the sentences use, for every part of the core: a time in seconds
//! written from whole milliseconds, a dB figure to the tenth, a share to the whole per cent. Written
//! from integers, so that no sentence needs the standard library's float formatting: the page's
//! wasm carries it only where a part still formats a float (the widget's options' errors).

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

/// A figure to the tenth, as the sentences show dB: "3.5", "-0.4", "12.0". Rounded as
/// `format!("{x:.1}")` rounds, to the nearest tenth and a tie to even, except that the tie is
/// decided on `x × 10` (which can round a figure a hair from a tie onto it) and a figure that
/// rounds to zero shows no sign. A figure past ±9.2 × 10^17 shows the bound.
pub fn tenths(x: f64) -> String {
    let tenths = (x * 10.0).round_ties_even() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let size = tenths.unsigned_abs();
    format!("{sign}{}.{}", size / 10, size % 10)
}

/// A figure to the whole number, as the sentences show per cents and dBm: "94", "-97". Rounded as
/// `format!("{x:.0}")` rounds (a tie to even), without the sign of a figure that rounds to zero.
pub fn whole(x: f64) -> String {
    (x.round_ties_even() as i64).to_string()
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

    #[test]
    fn tenths_and_whole_read_like_the_sentences() {
        assert_eq!(tenths(3.5), "3.5");
        assert_eq!(tenths(-0.44), "-0.4");
        assert_eq!(tenths(-0.04), "0.0");
        assert_eq!(tenths(12.0), "12.0");
        assert_eq!(tenths(0.25), "0.2");
        assert_eq!(whole(93.75), "94");
        assert_eq!(whole(-97.2), "-97");
        assert_eq!(whole(2.5), "2");
    }

    proptest! {
        /// Away from a tie, the figures are the ones the standard library's formatting writes.
        #[test]
        fn tenths_and_whole_are_the_standard_formatting_away_from_ties(x in -100_000.0_f64..100_000.0) {
            let near_tie = |scaled: f64| (scaled - scaled.floor() - 0.5).abs() < 1e-6;
            let signless = |text: String| if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { text.trim_start_matches('-').to_owned() } else { text };
            if !near_tie(x * 10.0) {
                prop_assert_eq!(tenths(x), signless(format!("{x:.1}")));
            }
            if !near_tie(x) {
                prop_assert_eq!(whole(x), signless(format!("{x:.0}")));
            }
        }

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
