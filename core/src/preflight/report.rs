//! The pre-flight report as CSV (RFC 4180): one row per device, which a spreadsheet opens with
//! its dates as dates and its numbers as numbers, and in which no text the service or a device
//! name brought can run as a formula.

use crate::preflight::links::Heard;
use crate::wire::time::Timestamp;

/// One device of the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportRow {
    pub device_id: String,
    pub name: String,
    pub dev_eui: String,
    /// The device's FUOTA status as returned, and the console's sentence for it.
    pub status: String,
    pub status_sentence: String,
    /// `reached`, `not-reached`, `unknown`.
    pub verdict: String,
    /// Why, in one sentence.
    pub reason: String,
    pub last_uplink: Option<Timestamp>,
    /// At the chosen data rate.
    pub margin_db: Option<f64>,
    pub silent: Option<bool>,
    pub covered: Option<bool>,
    /// The link as GetWirelessDeviceStatistics gave it: the uplink's data rate, the gateway that
    /// heard it best, and how many heard it.
    pub uplink_data_rate: Option<u8>,
    pub best_gateway: Option<Heard>,
    pub gateways_heard: usize,
}

pub const CSV_HEADER: [&str; 16] = [
    "device id",
    "name",
    "DevEUI",
    "FUOTA status",
    "status in words",
    "verdict",
    "why",
    "last uplink (UTC)",
    "margin (dB)",
    "silent",
    "covered",
    "uplink DR",
    "best gateway",
    "SNR (dB)",
    "RSSI (dBm)",
    "gateways heard",
];

/// One decimal, as the page shows a dB figure.
fn decibels(x: Option<f64>) -> String {
    x.filter(|m| m.is_finite()).map(crate::words::tenths).unwrap_or_default()
}

/// The characters with which a spreadsheet starts a formula, the full-width forms included (a
/// spreadsheet with East Asian input reads `＝` as `=`).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'];

/// What a spreadsheet skips before it looks for a formula: any Unicode white space (space, tab,
/// CR, LF, no-break space, …) and the invisible joiners and byte order mark a paste can carry.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Would a spreadsheet read this cell as a formula (or as the tab or carriage return OWASP also
/// lists)? A formula sign after leading white space counts too: spreadsheets trim it first.
fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['\t', '\r']) || s.trim_start_matches(is_blank).starts_with(FORMULA_STARTS)
}

/// A text field as RFC 4180 writes it (quoted when it holds a comma, a quote or a line break;
/// quotes doubled), and with a `'` before any text a spreadsheet would run as a formula (a leading
/// `=`, `+`, `-`, `@` or their full-width forms, also after leading white space; a leading tab or
/// carriage return) so that it shows it instead (OWASP, "CSV Injection"). The text itself is
/// kept whole after the `'`.
pub fn text_field(s: &str) -> String {
    let neutral = if looks_like_formula(s) { format!("'{s}") } else { s.to_owned() };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// A time as spreadsheets read a date and time without asking: `2026-12-03 10:00:00` (UTC).
fn time_field(t: Option<Timestamp>) -> String {
    t.map(|t| t.rfc3339().chars().take(19).collect::<String>().replace('T', " ")).unwrap_or_default()
}

fn flag(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// The report: a header line and one line per row, each ended by CRLF as RFC 4180 says. It starts
/// with a UTF-8 byte order mark: without it, Excel opens a double-clicked CSV in the system's
/// legacy code page and garbles every name that is not ASCII.
pub fn to_csv(rows: &[ReportRow]) -> String {
    let mut out = String::from('\u{FEFF}');
    out.push_str(&CSV_HEADER.join(","));
    out.push_str("\r\n");
    for r in rows {
        let fields = [
            text_field(&r.device_id),
            text_field(&r.name),
            text_field(&r.dev_eui),
            text_field(&r.status),
            text_field(&r.status_sentence),
            text_field(&r.verdict),
            text_field(&r.reason),
            time_field(r.last_uplink),
            // A number stays a number: a negative margin is not text to neutralise.
            decibels(r.margin_db),
            flag(r.silent).to_owned(),
            flag(r.covered).to_owned(),
            r.uplink_data_rate.map(|d| d.to_string()).unwrap_or_default(),
            r.best_gateway.as_ref().map(|g| text_field(&g.gateway_eui)).unwrap_or_default(),
            decibels(r.best_gateway.as_ref().and_then(|g| g.snr_db)),
            decibels(r.best_gateway.as_ref().and_then(|g| g.rssi_dbm)),
            r.gateways_heard.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(text_field("plain"), "plain");
        assert_eq!(text_field("a, b"), "\"a, b\"");
        assert_eq!(text_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_field("two\nlines"), "\"two\nlines\"");
        for f in ["=HYPERLINK(\"x\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", " =1+1", "\t=1", "\r\n@SUM(A1)", "\u{3000}-2", "\u{A0}+3", "\u{FEFF}=1"] {
            assert!(text_field(f).trim_start_matches('"').starts_with('\''), "{f:?}");
        }
        // The full-width forms a spreadsheet takes for the ASCII ones.
        for f in ["\u{FF1D}1+1", "\u{FF0B}1", "\u{FF0D}1", "\u{FF20}SUM(A1)", "  \u{FF1D}1"] {
            assert!(text_field(f).trim_start_matches('"').starts_with('\''), "{f:?}");
        }
        for f in ["plain", " plain", "a=b", "1-2", "'already"] {
            assert_eq!(text_field(f), f, "left as it is");
        }
        assert_eq!(text_field("=1,2"), "\"'=1,2\"");
    }

    #[test]
    fn a_report_has_its_header_dates_numbers_and_flags() {
        let row = ReportRow {
            device_id: "d-1".into(),
            name: "=cmd|' /C calc'!A0".into(),
            dev_eui: "0011223344556677".into(),
            status: "Initial".into(),
            status_sentence: "Not started, yet.".into(),
            verdict: "not-reached".into(),
            reason: "-3.0 dB of margin at DR3.".into(),
            last_uplink: Timestamp::from_epoch_millis(1_796_292_000_000),
            margin_db: Some(-3.04),
            silent: Some(false),
            covered: None,
            uplink_data_rate: None,
            best_gateway: None,
            gateways_heard: 0,
        };
        let csv = to_csv(&[row]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], format!("\u{FEFF}{}", CSV_HEADER.join(",")));
        assert_eq!(
            lines[1],
            "d-1,'=cmd|' /C calc'!A0,0011223344556677,Initial,\"Not started, yet.\",not-reached,'-3.0 dB of margin at DR3.,2026-12-03 10:00:00,-3.0,no,,,,,,0"
        );
        assert_eq!(lines[2], "");
    }

    /// A minimal RFC 4180 reader, to read back what was written.
    fn parse(csv: &str) -> Vec<Vec<String>> {
        let (mut rows, mut row, mut field, mut quoted, mut chars) = (Vec::new(), Vec::new(), String::new(), false, csv.chars().peekable());
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        rows
    }

    /// Text that starts with white space of every kind, then perhaps a formula sign, then anything.
    fn risky_text() -> impl Strategy<Value = String> {
        let blank = proptest::sample::select(vec![' ', '\t', '\r', '\n', '\u{A0}', '\u{2003}', '\u{3000}', '\u{FEFF}', '\u{200B}', '\u{0B}', '\u{85}']);
        let sign = proptest::sample::select(vec!['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', 'a', '\'', ',', '"']);
        (proptest::collection::vec(blank, 0..4), proptest::option::of(sign), "\\PC{0,12}")
            .prop_map(|(blanks, sign, rest)| blanks.into_iter().chain(sign).collect::<String>() + &rest)
    }

    proptest! {
        /// Any name reads back as itself (but for the neutralising quote) in its own cell.
        #[test]
        fn any_text_reads_back_in_its_own_cell(name in "\\PC{0,40}|[=+@,\"\\n-][ -~\\n]{0,20}") {
            let csv = to_csv(&[ReportRow { device_id: "d".into(), name: name.clone(), ..ReportRow::default() }]);
            let rows = parse(&csv);
            prop_assert_eq!(rows.len(), 2);
            prop_assert_eq!(rows[1].len(), CSV_HEADER.len());
            let cell = &rows[1][1];
            let expected = if looks_like_formula(&name) { format!("'{name}") } else { name.clone() };
            prop_assert_eq!(cell, &expected);
        }

        /// The spreadsheet's rule, as a referee of its own: whatever the text, the cell a CSV reader
        /// gets back, once its leading white space is trimmed (as a spreadsheet trims it), never
        /// starts with a formula sign, ASCII or full-width; and the text is all there after the
        /// guard's quote.
        #[test]
        fn no_cell_reads_as_a_formula(name in proptest::prop_oneof![risky_text(), "\\PC{0,30}", ".{0,30}"]) {
            let csv = to_csv(&[ReportRow { name: name.clone(), ..ReportRow::default() }]);
            let rows = parse(&csv);
            let cell = &rows[1][1];
            let invisible = ['\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];
            let trimmed = cell.trim_start_matches(|c: char| c.is_whitespace() || invisible.contains(&c));
            for sign in ['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'] {
                prop_assert!(!trimmed.starts_with(sign), "{:?} became {:?}", name, cell);
            }
            prop_assert!(!cell.starts_with(['\t', '\r']), "{:?} became {:?}", name, cell);
            prop_assert!(cell == &name || cell.strip_prefix('\'') == Some(name.as_str()), "{:?} became {:?}", name, cell);
        }
    }
}
