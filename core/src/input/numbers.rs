//! Whole numbers as people type them into the console's numeric controls: one rule for every
//! control (the calculator's, the radio planner's).
//!
//! Accepted: digits, optionally grouped by thousands with one kind of separator used throughout
//! (`250,000`, `250 000`, `250_000`, `250'000`, a no-break or thin space). The grouping must be
//! regular (1–3 digits, then groups of exactly 3) so that `1,5` — a decimal comma in much of
//! Europe — is refused rather than read as 15. Refused values get a sentence that says what to
//! type, and a value above the control's bound names the bound and why it is the bound.

use crate::wire::error::{ConsoleError, Field};

/// What one numeric control accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberRule {
    pub field: Field,
    /// "firmware size", as the sentence names it.
    pub what: &'static str,
    /// "bytes", "ms", "%", "Hz", … after the number; empty for a plain count.
    pub unit: &'static str,
    pub min: u64,
    pub max: u64,
    /// Why `max` is the largest value, completing "at most {max} {unit}: …".
    pub why_max: &'static str,
}

/// The separators a person may group thousands with. One kind per number.
const GROUP_SEPARATORS: [char; 6] = [',', ' ', '_', '\'', '\u{a0}', '\u{202f}'];

/// The digits of `text` with a regular thousands grouping removed, or None when it is not a
/// plain or regularly grouped run of ASCII digits.
fn ungrouped(text: &str) -> Option<String> {
    if text.chars().all(|c| c.is_ascii_digit()) {
        return Some(text.to_owned());
    }
    let separator = text.chars().find(|c| !c.is_ascii_digit())?;
    if !GROUP_SEPARATORS.contains(&separator) {
        return None;
    }
    let groups: Vec<&str> = text.split(separator).collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    let digits_ok = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    (first_ok && rest_ok && digits_ok).then(|| groups.concat())
}

/// Writes `n` with thousands grouped by commas, as the console's sentences show large bounds.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl NumberRule {
    fn refuse(&self, reason: String) -> ConsoleError {
        ConsoleError::invalid(self.field, &reason)
    }

    /// The value typed into this control, or the sentence that says what to type instead.
    pub fn parse(&self, text: &str) -> Result<u64, ConsoleError> {
        let t = text.trim();
        let what = self.what;
        // " (bytes)" / " bytes" after a number; nothing for a unitless count such as a DR index.
        let (in_unit, of_unit, unit) = match self.unit {
            "" => (String::new(), String::new(), String::new()),
            u => (format!(" ({u})"), format!(" of {u}"), format!(" {u}")),
        };
        if t.is_empty() {
            return Err(self.refuse(format!("Enter the {what}{in_unit}.")));
        }
        let Some(digits) = ungrouped(t) else {
            return Err(self.refuse(format!("The {what} is a whole number{of_unit}: digits only, optionally grouped by thousands (250,000 or 250 000).")));
        };
        // Digits only now: a parse failure can only be a number too large for u64, which is
        // above every bound.
        match digits.parse::<u64>().ok() {
            Some(n) if n < self.min => Err(self.refuse(format!("The {what} must be at least {}.", grouped(self.min)))),
            Some(n) if n <= self.max => Ok(n),
            _ => Err(self.refuse(format!("The {what} can be at most {}{unit}: {}.", grouped(self.max), self.why_max))),
        }
    }

    /// An optional control: empty means "no value".
    pub fn parse_optional(&self, text: &str) -> Result<Option<u64>, ConsoleError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        self.parse(text).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULE: NumberRule = NumberRule {
        field: Field::FirmwareSize,
        what: "firmware size",
        unit: "bytes",
        min: 1,
        max: 4_177_665,
        why_max: "the most one fragmentation session carries",
    };

    fn reason(text: &str) -> String {
        match RULE.parse(text) {
            Err(ConsoleError::InvalidInput { field, reason }) => {
                assert_eq!(field, Field::FirmwareSize);
                reason
            }
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn grouped_numbers_as_people_write_them() {
        for text in ["250000", "250,000", "250 000", "250_000", "250'000", "250\u{a0}000", "250\u{202f}000", " 250,000 "] {
            assert_eq!(RULE.parse(text).ok(), Some(250_000), "{text:?}");
        }
        assert_eq!(RULE.parse("4,177,665").ok(), Some(4_177_665));
        assert_eq!(RULE.parse("0001").ok(), Some(1));
    }

    #[test]
    fn irregular_grouping_and_other_text_are_refused() {
        for text in ["1,5", "25,00", "2500,000", ",250", "250,", "250,000 000", "1.000", "1e3", "-5", "+5", "12a", "٣"] {
            assert!(reason(text).contains("digits only"), "{text:?}");
        }
        assert!(reason("").contains("Enter the firmware size"));
    }

    #[test]
    fn bounds_are_said_plainly() {
        assert_eq!(reason("0"), "The firmware size must be at least 1.");
        // The old parser said "must be at least 1" for a number too large for 64 bits.
        let too_large = reason("99999999999999999999");
        assert_eq!(too_large, "The firmware size can be at most 4,177,665 bytes: the most one fragmentation session carries.");
        assert_eq!(reason("4,177,666"), too_large);
    }

    #[test]
    fn optional_controls_take_empty_as_none() {
        assert_eq!(RULE.parse_optional("  ").ok(), Some(None));
        assert_eq!(RULE.parse_optional("12").ok(), Some(Some(12)));
        assert!(RULE.parse_optional("x").is_err());
    }

    #[test]
    fn grouping_for_sentences() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(4_177_665), "4,177,665");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }

    proptest! {
        #[test]
        fn every_grouping_of_a_number_reads_back(n in 1u64..=4_177_665, sep in prop::sample::select(GROUP_SEPARATORS.to_vec())) {
            let text = grouped(n).replace(',', &sep.to_string());
            prop_assert_eq!(RULE.parse(&text).ok(), Some(n));
            prop_assert_eq!(RULE.parse(&n.to_string()).ok(), Some(n));
        }

        #[test]
        fn any_text_is_a_value_in_bounds_or_a_sentence(text in "\\PC{0,24}") {
            match RULE.parse(&text) {
                Ok(n) => prop_assert!((RULE.min..=RULE.max).contains(&n)),
                Err(ConsoleError::InvalidInput { field, reason }) => {
                    prop_assert_eq!(field, Field::FirmwareSize);
                    prop_assert!(reason.starts_with("Enter") || reason.starts_with("The firmware size"));
                }
                Err(other) => prop_assert!(false, "{:?}", other),
            }
        }

        #[test]
        fn numbers_above_the_bound_name_it(n in 4_177_666u64..) {
            prop_assert!(reason(&n.to_string()).contains("at most 4,177,665"));
        }
    }
}
