//! Fragment arithmetic of a FUOTA session: how many fragments, how much padding, how long.
//!
//! Rounding, stated once:
//! - data fragments = ceil(firmware / fragment size): the last fragment is padded to full size;
//! - redundant fragments = ceil(data fragments × redundancy % / 100): never less redundancy than
//!   asked for (the seed's 100 B / 10 B / 50 % gives 10 + 5 = 15; 995 B / 50 B / 25 % gives 20 + 5);
//! - the interval is rounded half-up to whole seconds, as the service does, and the session lasts
//!   total fragments × that interval.

use crate::input::numbers::NumberRule;
use crate::wire::error::{ConsoleError, Field};

/// The calculator's inputs as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FragmentTexts {
    pub firmware_size: String,
    pub fragment_size: String,
    pub redundancy_percent: String,
    pub fragment_interval_ms: String,
}

impl FragmentTexts {
    /// Where the calculator starts: the published interoperability test's 995 B in 50 B fragments
    /// with 25 % redundancy, one fragment a second.
    pub fn starting() -> Self {
        Self { firmware_size: "995".to_owned(), fragment_size: "50".to_owned(), redundancy_percent: "25".to_owned(), fragment_interval_ms: "1000".to_owned() }
    }

    /// What the calculator takes from a task, the one rule for the controls and for the task's own
    /// plan beside the what-if: each of the task's fragment members as returned, and for a member
    /// the service did not return, the starting value (never the previous task's). The firmware
    /// size is the user's: GetFuotaTask does not return it.
    pub fn from_task(task: &crate::campaign::task::FuotaTask, firmware_size: &str) -> Self {
        let start = Self::starting();
        let or_start = |value: Option<i64>, start: String| value.map_or(start, |v| v.to_string());
        Self {
            firmware_size: firmware_size.to_owned(),
            fragment_size: or_start(task.fragment_size_bytes, start.fragment_size),
            redundancy_percent: or_start(task.redundancy_percent, start.redundancy_percent),
            fragment_interval_ms: or_start(task.fragment_interval_ms, start.fragment_interval_ms),
        }
    }
}

/// The calculator's inputs, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragmentInputs {
    pub firmware_bytes: u64,
    pub fragment_bytes: u64,
    pub redundancy_percent: u64,
    pub interval_ms: u64,
}

/// The outcome of a fragment session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragmentPlan {
    pub inputs: FragmentInputs,
    pub data_fragments: u64,
    pub redundant_fragments: u64,
    pub total_fragments: u64,
    /// Bytes of padding in the last data fragment.
    pub padding_bytes: u64,
    pub interval_seconds: u64,
    pub session_seconds: u64,
}

/// Largest fragment a session can announce. `FragSize` in FragSessionSetupReq is one byte.
///
/// Not read in the TS004 text itself (its Table 3 is an image in the copy found); the one-byte
/// width is how ChirpStack encodes it (`lrwn/src/applayer/fragmentation/v1.rs`, `frag_size: u8`
/// in a 10-byte FragSessionSetupReq: FragSession 1, NbFrag 2, FragSize 1, Control 1, Padding 1,
/// Descriptor 4).
pub const MAX_FRAGMENT_SIZE: u64 = 255;

/// Most fragments, data and redundant together, one session can number.
///
/// `Index&N` is FragIndex (2 bits) + N (14 bits) (TS004 v1.0.0 Table 13; TS004-2.0.0 Table 24,
/// bits 15:14 and 13:0), and N starts from 1 (TS004-2.0.0 §3.6), so N runs 1..=16383.
/// `NbFrag` in FragSessionSetupReq (the number of data fragments, "M is equal to the NbFrag
/// parameter", §3.4) is 2 bytes wide (ChirpStack `nb_frag: u16`), so it is the 14-bit N, not
/// NbFrag, that bounds a session.
pub const MAX_FRAGMENTS: u64 = (1 << 14) - 1;

/// The images AWS accepts: "Your firmware image must not be larger than 1 megabyte in size"
/// (AWS IoT Wireless developer guide, FUOTA overview). Read as 1,000,000 bytes, the smaller of the
/// two readings, so that an image the console calls fine is fine under either.
pub const AWS_IMAGE_LIMIT_BYTES: u64 = 1_000_000;

/// The largest firmware image one fragmentation session can carry: 16,383 fragments of 255 bytes
/// (TS004's 14-bit fragment number and one-byte FragSize, see `lorawan`). AWS's own limit is
/// lower (1 MB, which the radio planner warns about); this bound only refuses what no session
/// could ever send.
pub const MAX_FIRMWARE_BYTES: u64 = MAX_FRAGMENT_SIZE * MAX_FRAGMENTS;

/// The longest multicast session AWS accepts (`SessionTimeout` ≤ 172,800 s, botocore's model):
/// one fragment interval longer than that could never be waited for.
pub const MAX_FRAGMENT_INTERVAL_MS: u64 = 172_800 * 1000;

pub const FIRMWARE_SIZE: NumberRule = NumberRule {
    field: Field::FirmwareSize,
    what: "firmware size",
    unit: "bytes",
    min: 1,
    max: MAX_FIRMWARE_BYTES,
    why_max: "the most one LoRaWAN fragmentation session can carry (16,383 fragments of 255 bytes)",
};

pub const FRAGMENT_SIZE: NumberRule = NumberRule {
    field: Field::FragmentSize,
    what: "fragment size",
    unit: "bytes",
    min: 1,
    max: MAX_FIRMWARE_BYTES,
    why_max: "no fragment is larger than the largest image one session can carry",
};

pub const REDUNDANCY_PERCENT: NumberRule = NumberRule {
    field: Field::RedundancyPercent,
    what: "redundancy",
    unit: "%",
    min: 0,
    max: 100,
    why_max: "the service takes a percentage of the data fragments, 0 to 100",
};

pub const FRAGMENT_INTERVAL_MS: NumberRule = NumberRule {
    field: Field::FragmentInterval,
    what: "fragment interval",
    unit: "ms",
    min: 1,
    max: MAX_FRAGMENT_INTERVAL_MS,
    why_max: "one interval longer would outlast the longest multicast session AWS accepts (172,800 s)",
};

impl FragmentTexts {
    /// Checks every input; the first wrong one is reported.
    pub fn parse(&self) -> Result<FragmentInputs, ConsoleError> {
        Ok(FragmentInputs {
            firmware_bytes: FIRMWARE_SIZE.parse(&self.firmware_size)?,
            fragment_bytes: FRAGMENT_SIZE.parse(&self.fragment_size)?,
            redundancy_percent: REDUNDANCY_PERCENT.parse(&self.redundancy_percent)?,
            interval_ms: FRAGMENT_INTERVAL_MS.parse(&self.fragment_interval_ms)?,
        })
    }
}

fn too_large(field: Field) -> ConsoleError {
    ConsoleError::invalid(field, "These values give more fragments or seconds than the console can count: use smaller ones.")
}

impl FragmentInputs {
    pub fn plan(self) -> Result<FragmentPlan, ConsoleError> {
        if self.fragment_bytes == 0 {
            return Err(ConsoleError::invalid(Field::FragmentSize, "The fragment size must be at least 1."));
        }
        if self.redundancy_percent > 100 {
            return Err(ConsoleError::invalid(Field::RedundancyPercent, "The redundancy percentage must be between 0 and 100."));
        }
        let data = self.firmware_bytes.div_ceil(self.fragment_bytes);
        // u128: data × percent cannot overflow it.
        let redundant =
            u64::try_from((u128::from(data) * u128::from(self.redundancy_percent)).div_ceil(100)).map_err(|_| too_large(Field::RedundancyPercent))?;
        let total = data.checked_add(redundant).ok_or_else(|| too_large(Field::RedundancyPercent))?;
        let padding =
            u64::try_from(u128::from(data) * u128::from(self.fragment_bytes) - u128::from(self.firmware_bytes)).map_err(|_| too_large(Field::FragmentSize))?;
        let interval_seconds = self.interval_ms / 1000 + u64::from(self.interval_ms % 1000 >= 500);
        let session_seconds = total.checked_mul(interval_seconds).ok_or_else(|| too_large(Field::FragmentInterval))?;
        Ok(FragmentPlan {
            inputs: self,
            data_fragments: data,
            redundant_fragments: redundant,
            total_fragments: total,
            padding_bytes: padding,
            interval_seconds,
            session_seconds,
        })
    }
}

impl FragmentPlan {
    /// The formula with the numbers in it, one line per output.
    pub fn formula_lines(&self) -> [String; 4] {
        let i = &self.inputs;
        [
            format!("data = ⌈{} B ÷ {} B⌉ = {}", i.firmware_bytes, i.fragment_bytes, self.data_fragments),
            format!("redundant = ⌈{} × {} %⌉ = {}", self.data_fragments, i.redundancy_percent, self.redundant_fragments),
            format!(
                "total = {} + {} = {}; padding = {} × {} B − {} B = {} B",
                self.data_fragments,
                self.redundant_fragments,
                self.total_fragments,
                self.data_fragments,
                i.fragment_bytes,
                i.firmware_bytes,
                self.padding_bytes
            ),
            format!(
                "session = {} × {} s ({} ms rounded to whole seconds) = {} s",
                self.total_fragments, self.interval_seconds, i.interval_ms, self.session_seconds
            ),
        ]
    }
}

/// What the session sends, in bytes: the image, the padding of its last fragment, the redundancy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Composition {
    pub firmware_bytes: u64,
    pub padding_bytes: u64,
    pub redundant_bytes: u64,
}

impl Composition {
    pub fn total_bytes(&self) -> u128 {
        u128::from(self.firmware_bytes) + u128::from(self.padding_bytes) + u128::from(self.redundant_bytes)
    }

    /// Each part's share of the whole in thousandths, for a bar drawn to scale in a 1000-wide
    /// viewBox: whole units (finer than a pixel at the sizes the page draws it) whose text needs no
    /// float formatting. Each is rounded down, and the redundancy takes what is left, so the three
    /// fill the bar exactly.
    pub fn thousandths(&self) -> [u64; 3] {
        let total = self.total_bytes();
        if total == 0 {
            return [0; 3];
        }
        // Below 1000 each: the casts cannot truncate.
        let share = |b: u64| (u128::from(b) * 1000 / total) as u64;
        let (data, padding) = (share(self.firmware_bytes), share(self.padding_bytes));
        [data, padding, 1000 - data - padding]
    }
}

impl FragmentPlan {
    /// None when the redundant bytes do not fit in a u64.
    pub fn composition(&self) -> Option<Composition> {
        Some(Composition {
            firmware_bytes: self.inputs.firmware_bytes,
            padding_bytes: self.padding_bytes,
            redundant_bytes: self.redundant_fragments.checked_mul(self.inputs.fragment_bytes)?,
        })
    }
}

/// What a what-if change does, next to the task's own values; None when nothing was changed.
pub fn what_if_sentence(task: &FragmentPlan, what_if: &FragmentPlan) -> Option<String> {
    if task == what_if {
        return None;
    }
    let delta = |a: u64, b: u64| i128::from(b) - i128::from(a);
    Some(format!(
        "With the task's values: {} fragments over {}. With these: {} fragments ({:+}) over {} ({:+} s).",
        task.total_fragments,
        format_duration(task.session_seconds),
        what_if.total_fragments,
        delta(task.total_fragments, what_if.total_fragments),
        format_duration(what_if.session_seconds),
        delta(task.session_seconds, what_if.session_seconds),
    ))
}

/// A duration as people read it, the console's one format (session lengths, the credentials'
/// countdown): "42 s", "4 min 10 s", "1 h 02 min"; the seconds drop out once there are hours.
pub fn format_duration(seconds: u64) -> String {
    let (hours, minutes, secs) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else if minutes > 0 {
        format!("{minutes} min {secs:02} s")
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_gives_its_values_and_the_starting_ones_where_it_gave_none() {
        let full =
            crate::campaign::task::FuotaTask::from_value(serde_json::json!({"FragmentSizeBytes": 10, "RedundancyPercent": 50, "FragmentIntervalMS": 3000}))
                .unwrap();
        let texts = FragmentTexts::from_task(&full, "100");
        assert_eq!(
            (texts.firmware_size.as_str(), texts.fragment_size.as_str(), texts.redundancy_percent.as_str(), texts.fragment_interval_ms.as_str()),
            ("100", "10", "50", "3000")
        );
        // Where the old code disagreed: without RedundancyPercent the control kept the previous
        // task's value and the what-if line vanished. Both now use the starting 25 %.
        let partial = crate::campaign::task::FuotaTask::from_value(serde_json::json!({"FragmentSizeBytes": 10})).unwrap();
        let texts = FragmentTexts::from_task(&partial, "100");
        assert_eq!((texts.fragment_size.as_str(), texts.redundancy_percent.as_str(), texts.fragment_interval_ms.as_str()), ("10", "25", "1000"));
        assert!(texts.parse().and_then(FragmentInputs::plan).is_ok(), "a task missing members still has a plan to compare with");
        let none = crate::campaign::task::FuotaTask::from_value(serde_json::json!({})).unwrap();
        let start = FragmentTexts::starting();
        assert_eq!(FragmentTexts::from_task(&none, &start.firmware_size), start);
    }
    use proptest::prelude::*;

    fn plan(firmware: u64, fragment: u64, percent: u64, interval: u64) -> FragmentPlan {
        FragmentInputs { firmware_bytes: firmware, fragment_bytes: fragment, redundancy_percent: percent, interval_ms: interval }.plan().unwrap()
    }

    #[test]
    fn seed_example_100_bytes_10_byte_fragments_50_percent_is_15() {
        let p = plan(100, 10, 50, 1000);
        assert_eq!((p.data_fragments, p.redundant_fragments, p.total_fragments, p.padding_bytes), (10, 5, 15, 0));
        assert_eq!(p.session_seconds, 15);
    }

    #[test]
    fn interop_example_995_bytes_50_byte_fragments_25_percent_is_25() {
        let p = plan(995, 50, 25, 1000);
        assert_eq!((p.data_fragments, p.redundant_fragments, p.total_fragments, p.padding_bytes), (20, 5, 25, 5));
    }

    #[test]
    fn redundant_fragments_round_up() {
        // 7 × 10 % = 0.7 → 1; 7 × 0 % = 0
        assert_eq!(plan(70, 10, 10, 1000).redundant_fragments, 1);
        assert_eq!(plan(70, 10, 0, 1000).redundant_fragments, 0);
        assert_eq!(plan(70, 10, 100, 1000).redundant_fragments, 7);
    }

    #[test]
    fn interval_rounds_half_up_to_seconds() {
        assert_eq!(plan(10, 10, 0, 1499).interval_seconds, 1);
        assert_eq!(plan(10, 10, 0, 1500).interval_seconds, 2);
        assert_eq!(plan(10, 10, 0, 499).interval_seconds, 0);
        assert_eq!(plan(30, 10, 0, 2500).session_seconds, 9);
    }

    #[test]
    fn absurd_inputs_are_errors_not_overflows() {
        let huge = FragmentInputs { firmware_bytes: u64::MAX, fragment_bytes: 1, redundancy_percent: 100, interval_ms: 1000 };
        assert!(huge.plan().is_err());
        let long = FragmentInputs { firmware_bytes: u64::MAX / 2, fragment_bytes: 1, redundancy_percent: 0, interval_ms: 10_000 };
        assert!(long.plan().is_err());
        assert_eq!(plan(u64::MAX, u64::MAX, 100, 1000).total_fragments, 2);
    }

    #[test]
    fn text_inputs_are_checked_per_field() {
        let texts = |f: &str, s: &str, r: &str, i: &str| FragmentTexts {
            firmware_size: f.into(),
            fragment_size: s.into(),
            redundancy_percent: r.into(),
            fragment_interval_ms: i.into(),
        };
        assert!(texts("995", "50", "25", "1000").parse().is_ok());
        let field_of = |t: FragmentTexts| match t.parse() {
            Err(ConsoleError::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field_of(texts("", "50", "25", "1000")), Field::FirmwareSize);
        assert_eq!(field_of(texts("-5", "50", "25", "1000")), Field::FirmwareSize);
        assert_eq!(field_of(texts("1e3", "50", "25", "1000")), Field::FirmwareSize);
        assert_eq!(field_of(texts("10", "0", "25", "1000")), Field::FragmentSize);
        assert_eq!(field_of(texts("10", "5", "101", "1000")), Field::RedundancyPercent);
        assert_eq!(field_of(texts("10", "5", "1", "0")), Field::FragmentInterval);
        assert_eq!(field_of(texts("99999999999999999999999", "5", "1", "1")), Field::FirmwareSize);
    }

    #[test]
    fn formula_shows_the_numbers() {
        let lines = plan(995, 50, 25, 1000).formula_lines();
        assert_eq!(lines[0], "data = ⌈995 B ÷ 50 B⌉ = 20");
        assert_eq!(lines[1], "redundant = ⌈20 × 25 %⌉ = 5");
    }

    #[test]
    fn composition_to_scale() {
        let c = plan(995, 50, 25, 1000).composition().unwrap();
        assert_eq!((c.firmware_bytes, c.padding_bytes, c.redundant_bytes), (995, 5, 250));
        // 995 of 1,250 bytes, 5, 250: 796, 4 and 200 thousandths.
        assert_eq!(c.thousandths(), [796, 4, 200]);
        let tiny = Composition { firmware_bytes: 1, padding_bytes: 1, redundant_bytes: 3_000 };
        assert_eq!(tiny.thousandths(), [0, 0, 1000]);
    }

    #[test]
    fn what_if_shows_the_difference_from_the_task() {
        let task = plan(995, 50, 25, 1000);
        assert_eq!(what_if_sentence(&task, &task), None);
        assert_eq!(
            what_if_sentence(&task, &plan(995, 25, 25, 1000)).as_deref(),
            Some("With the task's values: 25 fragments over 25 s. With these: 50 fragments (+25) over 50 s (+25 s).")
        );
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(format_duration(25), "25 s");
        // Where the two old formats disagreed: "1 h 2 min 5 s" here, "1 h 02 min" in the countdown.
        assert_eq!(format_duration(3725), "1 h 02 min");
        assert_eq!(format_duration(3720), "1 h 02 min");
        assert_eq!(format_duration(3600), "1 h 00 min");
        assert_eq!(format_duration(3 * 3600 + 59 * 60 + 59), "3 h 59 min");
        assert_eq!(format_duration(250), "4 min 10 s");
        assert_eq!(format_duration(65), "1 min 05 s");
        assert_eq!(format_duration(60), "1 min 00 s");
        assert_eq!(format_duration(0), "0 s");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The bar's three parts fill it exactly, each within one thousandth of its share.
        #[test]
        fn thousandths_fill_the_bar(firmware in any::<u64>(), padding in any::<u64>(), redundant in any::<u64>()) {
            let c = Composition { firmware_bytes: firmware, padding_bytes: padding, redundant_bytes: redundant };
            let parts = c.thousandths();
            if c.total_bytes() == 0 {
                prop_assert_eq!(parts, [0; 3]);
            } else {
                prop_assert_eq!(parts.iter().sum::<u64>(), 1000);
                for (part, bytes) in parts.into_iter().zip([firmware, padding, redundant]) {
                    let exact = bytes as f64 / c.total_bytes() as f64 * 1000.0;
                    prop_assert!((part as f64 - exact).abs() < 2.0, "{part} for {exact}");
                }
            }
        }

        #[test]
        fn plan_never_panics_and_holds_its_invariants(
            firmware in prop_oneof![1u64..10_000_000, any::<u64>()],
            fragment in prop_oneof![1u64..256, any::<u64>()],
            percent in 0u64..=100,
            interval in prop_oneof![1u64..60_000, any::<u64>()],
        ) {
            let inputs = FragmentInputs { firmware_bytes: firmware, fragment_bytes: fragment, redundancy_percent: percent, interval_ms: interval };
            // Realistic inputs always plan; absurd ones may only fail with a typed error.
            if firmware < 10_000_000 && (1..256).contains(&fragment) && interval < 60_000 {
                prop_assert!(inputs.plan().is_ok());
            }
            if let Ok(p) = inputs.plan() {
                prop_assert!(u128::from(p.data_fragments) * u128::from(fragment) >= u128::from(firmware));
                prop_assert!(p.padding_bytes < fragment || firmware == 0);
                prop_assert_eq!(p.total_fragments, p.data_fragments + p.redundant_fragments);
                prop_assert!(p.redundant_fragments <= p.data_fragments);
                prop_assert!(u128::from(p.redundant_fragments) * 100 >= u128::from(p.data_fragments) * u128::from(percent));
            }
        }

        #[test]
        fn out_of_range_percentages_are_refused(percent in 101u64..) {
            let inputs = FragmentInputs { firmware_bytes: 10, fragment_bytes: 1, redundancy_percent: percent, interval_ms: 1 };
            prop_assert!(inputs.plan().is_err());
        }

        #[test]
        fn parsing_any_text_never_panics(a in ".*", b in ".*", c in "[0-9]{0,25}", d in "\\PC*") {
            let texts = FragmentTexts { firmware_size: a, fragment_size: b, redundancy_percent: c, fragment_interval_ms: d };
            match texts.parse() {
                // What parses is within the calculator's bounds, and plans or says why not.
                Ok(inputs) => {
                    prop_assert!(inputs.redundancy_percent <= 100);
                    if let Err(e) = inputs.plan() {
                        prop_assert!(!e.sentence().is_empty());
                    }
                }
                Err(e) => prop_assert!(e.refusal().is_some(), "a refusal names its field: {e:?}"),
            }
        }
    }
}
