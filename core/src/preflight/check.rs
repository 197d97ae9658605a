//! One pre-flight check of a task: which devices are read (all, or a random sample above 1,000),
//! what each read gave, and what follows for each device and for the campaign — its margin at the
//! chosen data rate, silent, covered, its verdict; the counts, the findings worst first with what
//! to do, and the report (CSV and JSON). The time, the chosen data rate and the user's what-if
//! values are inputs: the page only reads and renders.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::campaign::devices::WirelessDevice;
use crate::preflight::links::{DeviceLink, DEFAULT_SILENT_AFTER_HOURS};
use crate::preflight::reach::{best_rate, device_margin_db, meets_margin, reach_counts, sample_indices, share_interval_95, ReachCount};
use crate::preflight::report::ReportRow;
use crate::radio::fragments::FragmentPlan;
use crate::radio::lorawan::Region;
use crate::sort::sort_by_cached_key;
use crate::wire::error::{ConsoleError, Field};
use crate::words::{tenths, whole};

/// Above this many devices the user may check a random sample of this many instead: 1,000 reads
/// take seconds, 10,000 take minutes and as many API calls, and a sample of 1,000 already pins a
/// share down to about ±3 points (Wilson's 95 % interval at 50 %).
pub const SAMPLE_SIZE: usize = 1000;

/// The default of `reach-target-percent`.
pub const DEFAULT_TARGET_PERCENT: u8 = 95;

/// `reach-margin-db` is a what-if between these bounds: beyond ±30 dB no LoRa link budget
/// difference between a gateway and a device is plausible (27 dBm against 14 dBm is 13 dB).
const MARGIN_BOUND_DB: f64 = 30.0;

/// The user's what-if values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub silent_after_hours: u32,
    /// A device meets the margin at a data rate when its margin there is at least this.
    pub margin_db: f64,
    pub target_percent: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Self { silent_after_hours: DEFAULT_SILENT_AFTER_HOURS, margin_db: 0.0, target_percent: DEFAULT_TARGET_PERCENT }
    }
}

/// The three controls as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsTexts {
    pub silent_after_hours: String,
    pub margin_db: String,
    pub target_percent: String,
}

impl Default for SettingsTexts {
    fn default() -> Self {
        let d = Settings::default();
        Self { silent_after_hours: d.silent_after_hours.to_string(), margin_db: "0".into(), target_percent: d.target_percent.to_string() }
    }
}

impl SettingsTexts {
    /// The values, or the first control's sentence that says what to type.
    pub fn parse(&self) -> Result<Settings, ConsoleError> {
        let hours = crate::input::numbers::NumberRule {
            field: Field::SilentAfterHours,
            what: "time after which a device counts as silent",
            unit: "hours",
            min: 1,
            max: 24 * 365,
            why_max: "a year",
        }
        .parse(&self.silent_after_hours)?;
        let target =
            crate::input::numbers::NumberRule { field: Field::ReachTargetPercent, what: "reach target", unit: "%", min: 1, max: 100, why_max: "every device" }
                .parse(&self.target_percent)?;
        Ok(Settings { silent_after_hours: hours as u32, margin_db: parse_margin(&self.margin_db)?, target_percent: target as u8 })
    }
}

/// A signed decimal number of dB: `3`, `-2.5`, `+6`, with a typographic minus (U+2212) too; a
/// decimal comma is refused rather than guessed. Read from its digits as integers: `str::parse::<f64>`
/// would bring the whole of the standard library's float parser (about 6 KB of wasm) for one control.
fn parse_margin(text: &str) -> Result<f64, ConsoleError> {
    let t = text.trim().replace('\u{2212}', "-");
    let refuse = |why: &str| ConsoleError::invalid(Field::ReachMarginDb, why);
    if t.is_empty() {
        return Err(refuse("Enter the margin a device needs to count as reached, in dB (0 is the uplink's own link budget)."));
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (whole, fraction) = body.split_once('.').map_or((body, ""), |(w, f)| (w, f));
    let digits = |d: &str| !d.is_empty() && d.len() <= 3 && d.chars().all(|c| c.is_ascii_digit());
    let number = |d: &str| d.parse::<u32>().map(f64::from).unwrap_or(f64::INFINITY);
    let well_formed = digits(whole) && (fraction.is_empty() && !body.ends_with('.') || digits(fraction));
    if !well_formed {
        return Err(refuse("The margin is a number of dB with a point for decimals (at most 3): 3, -2.5 or +6."));
    }
    let value = sign * (number(whole) + if fraction.is_empty() { 0.0 } else { number(fraction) / 10f64.powi(fraction.len() as i32) });
    if value.abs() <= MARGIN_BOUND_DB {
        Ok(value)
    } else {
        Err(refuse("The margin can be from −30 to 30 dB: no gateway outsends a device by more."))
    }
}

/// What one device's read gave.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkRead {
    Link(DeviceLink),
    /// The read failed for good: the error's code (its sentence carries no secret, but the code
    /// is enough to list and to export).
    Failed {
        code: String,
    },
}

/// One check: the devices chosen and what their reads gave so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Check {
    /// The ids of the devices read, in the order they are read.
    pub chosen: Vec<String>,
    /// How many devices the task has (the chosen ones are all of them, or a sample).
    pub total_devices: usize,
    pub sampled: bool,
    reads: HashMap<String, LinkRead>,
}

impl Check {
    /// A check of `ids` (the task's devices, each once); `sample`: above [`SAMPLE_SIZE`] devices,
    /// read a random [`SAMPLE_SIZE`] of them (a partial Fisher–Yates over `random`).
    pub fn new(ids: Vec<String>, sample: bool, random: impl FnMut() -> f64) -> Self {
        let total_devices = ids.len();
        let sampled = sample && total_devices > SAMPLE_SIZE;
        let chosen = if sampled { sample_indices(total_devices, SAMPLE_SIZE, random).into_iter().filter_map(|i| ids.get(i).cloned()).collect() } else { ids };
        Self { chosen, total_devices, sampled, reads: HashMap::new() }
    }

    pub fn record(&mut self, id: String, read: LinkRead) {
        self.reads.insert(id, read);
    }

    pub fn read(&self, id: &str) -> Option<&LinkRead> {
        self.reads.get(id)
    }

    /// The devices read whose verdict is *not reached* under `ctx`: what a rollout keeps out of
    /// its waves (a device whose reach is unknown is not kept out: nothing says it cannot hear).
    pub fn not_reached(&self, ctx: &Context) -> Vec<String> {
        self.chosen.iter().filter(|id| self.read(id).is_some_and(|r| assess(r, ctx).verdict == Verdict::NotReached)).cloned().collect()
    }

    pub fn checked(&self) -> usize {
        self.reads.len()
    }

    /// Reads that came back with the device's statistics.
    pub fn succeeded(&self) -> usize {
        self.reads.values().filter(|r| matches!(r, LinkRead::Link(_))).count()
    }

    /// Every chosen device is read.
    pub fn complete(&self) -> bool {
        !self.chosen.is_empty() && self.chosen.iter().all(|id| self.reads.contains_key(id))
    }

    fn links(&self) -> impl Iterator<Item = &DeviceLink> + Clone {
        self.reads.values().filter_map(|r| match r {
            LinkRead::Link(l) => Some(l),
            LinkRead::Failed { .. } => None,
        })
    }

    /// Margin met and known per downlink data rate of the context's region, at its threshold.
    pub fn reach(&self, ctx: &Context) -> Vec<ReachCount> {
        reach_counts(self.links(), ctx.region, ctx.uplink_region, ctx.participating, ctx.settings.margin_db)
    }
}

/// Which gateways decide whether a device is covered, from the task's multicast groups (each
/// group's id, and its `ParticipatingGateways` list when it could be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Every group names its gateways: these ids (each once). A device counts as covered when
    /// any of them heard it, pooled over the groups: the console does not know which group
    /// a device of several groups will be served by.
    Judged(Vec<String>),
    /// No group, or a group that names none: the service sends through the gateways that heard
    /// each device last, so coverage cannot be judged.
    NoneNamed,
    /// A group could not be read (its id).
    GroupUnread(String),
}

impl Coverage {
    pub fn of(groups: &[(String, Option<Vec<String>>)]) -> Self {
        let mut ids: Vec<String> = Vec::new();
        for (group, gateways) in groups {
            match gateways {
                None => return Coverage::GroupUnread(group.clone()),
                Some(list) if list.is_empty() => return Coverage::NoneNamed,
                Some(list) => {
                    for id in list {
                        if !ids.contains(id) {
                            ids.push(id.clone());
                        }
                    }
                }
            }
        }
        if ids.is_empty() {
            Coverage::NoneNamed
        } else {
            Coverage::Judged(ids)
        }
    }

    /// Why coverage is not judged, when it is not.
    pub fn note(&self) -> Option<String> {
        match self {
            Coverage::Judged(_) => None,
            Coverage::NoneNamed => Some(
                "Coverage is not judged: the task's multicast group names no participating gateways, so the service sends through those that heard each device last. Margins are taken from every gateway that heard a device.".to_owned(),
            ),
            Coverage::GroupUnread(group) => Some(format!(
                "Coverage is not judged: multicast group {group:.64} could not be read. Fetch the task again, then check again."
            )),
        }
    }
}

/// What a device's verdict is judged against.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The downlink's region: the planner's (a what-if may change it).
    pub region: &'a Region,
    /// The devices' own RF region (the task's), in which their uplink data rates are read.
    pub uplink_region: &'a str,
    /// The chosen downlink data rate's index; None when the planner's value is not one.
    pub data_rate: Option<u8>,
    /// The EUIs of the multicast group's participating gateways; empty when it names none.
    pub participating: &'a [String],
    pub now_ms: i64,
    pub settings: Settings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Reached,
    NotReached,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reached => "reached",
            Verdict::NotReached => "not-reached",
            Verdict::Unknown => "unknown",
        }
    }
}

/// One device's outcome of the check.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// At the chosen data rate; None when unknown.
    pub margin_db: Option<f64>,
    /// The margin is at least the threshold (None when the margin is unknown): what the
    /// `margin-met` count and the fit table count.
    pub margin_met: Option<bool>,
    pub silent: Option<bool>,
    pub covered: Option<bool>,
    /// Reached: margin at least the threshold, not silent, not left uncovered. Not reached: any
    /// of the three says no. Unknown otherwise.
    pub verdict: Verdict,
    /// Why, in one sentence.
    pub reason: String,
}

pub fn assess(read: &LinkRead, ctx: &Context) -> Assessment {
    let link = match read {
        LinkRead::Link(l) => l,
        LinkRead::Failed { code } => {
            return Assessment {
                margin_db: None,
                margin_met: None,
                silent: None,
                covered: None,
                verdict: Verdict::Unknown,
                reason: format!("Its statistics could not be read ({code})."),
            }
        }
    };
    let downlink = ctx.data_rate.and_then(|d| ctx.region.downlink.iter().find(|r| r.index == d));
    let margin_db = downlink.and_then(|d| device_margin_db(link, ctx.uplink_region, ctx.participating, d));
    let silent = link.silent(ctx.now_ms, ctx.settings.silent_after_hours);
    let covered = link.covered(ctx.participating);
    let threshold = ctx.settings.margin_db;
    let dr = ctx.data_rate.map_or_else(|| "the chosen data rate".to_owned(), |d| format!("DR{d}"));
    let (verdict, reason) = if !link.statistics {
        (Verdict::Unknown, "No statistics: the device has not joined, so it cannot take part.".to_owned())
    } else if silent == Some(true) {
        (Verdict::NotReached, format!("No uplink in the last {} h: it will not get its Class A setup in time.", ctx.settings.silent_after_hours))
    } else if covered == Some(false) {
        (Verdict::NotReached, "None of the group's participating gateways heard it.".to_owned())
    } else {
        match margin_db {
            Some(m) if meets_margin(m, threshold) => (Verdict::Reached, format!("{} dB of margin at {dr}.", tenths(m))),
            Some(m) => (
                Verdict::NotReached,
                format!("{} dB of margin at {dr}, below the {} dB asked: a slower data rate would reach it.", tenths(m), tenths(threshold)),
            ),
            None => (Verdict::Unknown, format!("Its margin at {dr} is unknown (no SNR, an unknown uplink data rate, or an FSK rate).")),
        }
    };
    let margin_met = margin_db.map(|m| meets_margin(m, threshold));
    Assessment { margin_db, margin_met, silent, covered, verdict, reason }
}

/// The devices view's pre-flight filter (`device-preflight`): each lists what the count (or the
/// finding) of the same name counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceFilter {
    #[default]
    All,
    /// The verdict: will be reached.
    Reached,
    MarginMet,
    BelowMargin,
    Silent,
    NotCovered,
    MarginUnknown,
}

impl DeviceFilter {
    pub const ALL: [DeviceFilter; 7] = [
        DeviceFilter::All,
        DeviceFilter::BelowMargin,
        DeviceFilter::Silent,
        DeviceFilter::NotCovered,
        DeviceFilter::MarginUnknown,
        DeviceFilter::MarginMet,
        DeviceFilter::Reached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceFilter::All => "all",
            DeviceFilter::Reached => "reached",
            DeviceFilter::MarginMet => "margin-met",
            DeviceFilter::BelowMargin => "below-margin",
            DeviceFilter::Silent => "silent",
            DeviceFilter::NotCovered => "not-covered",
            DeviceFilter::MarginUnknown => "margin-unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeviceFilter::All => "All",
            DeviceFilter::Reached => "Will be reached",
            DeviceFilter::MarginMet => "Margin met",
            DeviceFilter::BelowMargin => "Below the margin",
            DeviceFilter::Silent => "Silent",
            DeviceFilter::NotCovered => "Not covered",
            DeviceFilter::MarginUnknown => "Margin unknown",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|f| f.as_str() == s).unwrap_or_default()
    }

    /// Does a device with this assessment (None: not checked) pass the filter?
    pub fn admits(self, a: Option<&Assessment>) -> bool {
        match (self, a) {
            (DeviceFilter::All, _) => true,
            (_, None) => false,
            // As the counts and findings of the same name count them.
            (DeviceFilter::Reached, Some(a)) => a.verdict == Verdict::Reached,
            (DeviceFilter::MarginMet, Some(a)) => a.margin_met == Some(true),
            (DeviceFilter::BelowMargin, Some(a)) => a.margin_met == Some(false),
            (DeviceFilter::Silent, Some(a)) => a.silent == Some(true),
            (DeviceFilter::NotCovered, Some(a)) => a.covered == Some(false),
            (DeviceFilter::MarginUnknown, Some(a)) => a.margin_met.is_none(),
        }
    }
}

/// A device's link in a few words, as its row shows it: "heard 3 h ago · DR3 up · best
/// AABBCCDDEEFF0011 at -3.5 dB SNR, -110 dBm · 2 gateways" (the age by the service's `now_ms`).
pub fn link_words(read: &LinkRead, now_ms: i64) -> String {
    let LinkRead::Link(link) = read else { return String::new() };
    if !link.statistics {
        return String::new();
    }
    let mut words = Vec::new();
    if let Some(at) = link.last_uplink {
        let minutes = now_ms.saturating_sub(at.epoch_millis()).max(0) / 60_000;
        words.push(match minutes {
            0..=59 => format!("heard {minutes} min ago"),
            60..=2879 => format!("heard {} h ago", minutes / 60),
            _ => format!("heard {} d ago", minutes / 1440),
        });
    }
    if let Some(dr) = link.uplink_data_rate {
        words.push(format!("DR{dr} up"));
    }
    if let Some(best) = link.best() {
        let snr = best.snr_db.map(|s| format!(" at {} dB SNR", tenths(s))).unwrap_or_default();
        let rssi = best.rssi_dbm.map(|r| format!(", {} dBm", whole(r))).unwrap_or_default();
        words.push(format!("best {}{snr}{rssi}", best.gateway_eui));
    }
    match link.gateways.len() {
        0 => words.push("no gateway heard it".to_owned()),
        1 => words.push("1 gateway".to_owned()),
        n => words.push(format!("{n} gateways")),
    }
    words.join(" · ")
}

/// The counts the page shows and exports. One word for one thing: *margin met* is the margin
/// alone (the fit table's figure for the chosen rate); *reached* is the verdict (the margin met,
/// not silent, and heard by a gateway of the group), the devices that will take part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub devices: usize,
    pub checked: usize,
    pub silent: usize,
    /// At the chosen data rate, by margin alone.
    pub margin_met: usize,
    /// Checked devices whose verdict is "reached": the headline's number.
    pub reached: usize,
    pub not_covered: usize,
    /// Checked devices whose margin at the chosen data rate is unknown.
    pub margin_unknown: usize,
}

impl Counts {
    /// The names of `[data-preflight-count]` (and the JSON report's `counts`), with the values.
    pub fn named(&self) -> [(&'static str, usize); 7] {
        [
            ("devices", self.devices),
            ("checked", self.checked),
            ("silent", self.silent),
            ("margin-met", self.margin_met),
            ("reached", self.reached),
            ("not-covered", self.not_covered),
            ("margin-unknown", self.margin_unknown),
        ]
    }
}

/// What keeps devices from the update, named as the count and the filter that list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    Silent,
    BelowMargin,
    NotCovered,
    MarginUnknown,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Silent => "silent",
            FindingKind::BelowMargin => "below-margin",
            FindingKind::NotCovered => "not-covered",
            FindingKind::MarginUnknown => "margin-unknown",
        }
    }
}

/// One thing that keeps devices from the update, with what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub count: usize,
    pub sentence: String,
}

/// The check's summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub counts: Counts,
    /// The headline: how many have the margin at the chosen data rate (with the interval for a
    /// sample), and how many of them will be reached (`counts.reached`).
    pub headline: String,
    /// Largest first; none with a count of 0.
    pub findings: Vec<Finding>,
    /// A sample was read, not every device.
    pub sampled: bool,
}

/// `count` of `of` as a whole percent; "—" when `of` is 0.
fn percent(count: usize, of: usize) -> String {
    if of == 0 {
        "—".to_owned()
    } else {
        format!("{} %", whole(100.0 * count as f64 / of as f64))
    }
}

/// A rate's margin met as the fit table shows it: "15 of 16 (94 %)", and for a sample its 95 %
/// interval for all the devices.
pub fn reach_words(c: &ReachCount, sampled: bool) -> String {
    if c.known == 0 {
        return "unknown".to_owned();
    }
    format!("{} of {} ({}{})", c.margin_met, c.known, percent(c.margin_met, c.known), interval_words(c.margin_met, c.known, sampled))
}

/// For a sample, ", 95 % interval a–b % of all devices" (Wilson's); "" for a full check.
fn interval_words(count: usize, of: usize, sampled: bool) -> String {
    match share_interval_95(count, of) {
        Some((low, high)) if sampled => format!(", 95 % interval {}–{} % of all devices", whole(100.0 * low), whole(100.0 * high)),
        _ => String::new(),
    }
}

/// "" for a full check; for a sample, " (x % of the sample, 95 % interval a–b % of all devices)".
fn share_words(count: usize, of: usize, sampled: bool) -> String {
    if sampled && of > 0 {
        format!(" ({} of the sample{})", percent(count, of), interval_words(count, of, sampled))
    } else {
        String::new()
    }
}

fn devices_word(n: usize) -> String {
    if n == 1 {
        "1 device".to_owned()
    } else {
        format!("{n} devices")
    }
}

pub fn summarise(check: &Check, ctx: &Context) -> Summary {
    let mut counts = Counts { devices: check.total_devices, checked: check.checked(), ..Counts::default() };
    // Below the margin; with statistics (silence is known); with coverage known: the
    // denominators of the shares.
    let (mut below, mut with_statistics, mut coverage_known) = (0, 0, 0);
    for read in check.reads.values() {
        let a = assess(read, ctx);
        counts.silent += usize::from(a.silent == Some(true));
        counts.not_covered += usize::from(a.covered == Some(false));
        with_statistics += usize::from(a.silent.is_some());
        coverage_known += usize::from(a.covered.is_some());
        counts.reached += usize::from(a.verdict == Verdict::Reached);
        match a.margin_met {
            Some(true) => counts.margin_met += 1,
            Some(false) => below += 1,
            None => counts.margin_unknown += 1,
        }
    }
    let known = counts.margin_met + below;
    let dr = ctx.data_rate.map_or_else(|| "the chosen data rate".to_owned(), |d| format!("DR{d}"));
    let sampled = check.sampled;
    let hours = ctx.settings.silent_after_hours;
    // The margin alone first (the fit table's figure); then how many of those are also heard
    // lately and by the group's gateways: the devices that will be reached (the `reached` count).
    let headline = format!(
        "{} of the {} {} with a known link {} the margin at {dr}{}; {} of them will be reached: heard in the last {hours} h{}.",
        counts.margin_met,
        known,
        if sampled { "sampled devices" } else { "checked devices" },
        if counts.margin_met == 1 { "has" } else { "have" },
        share_words(counts.margin_met, known, sampled),
        counts.reached,
        if ctx.participating.is_empty() { "" } else { " and by a gateway of the group" },
    );
    // A slower rate to name in the below-margin finding: the fastest of those that reach the
    // most, and only when it reaches more than the chosen one.
    let reach = check.reach(ctx);
    let chosen_share = reach.iter().find(|c| Some(c.data_rate) == ctx.data_rate).and_then(ReachCount::share);
    let better = best_rate(&reach, ctx.data_rate).filter(|(_, share)| chosen_share.is_none_or(|c| *share > c));
    let better_words = match better {
        Some((d, _)) => {
            let c = reach.iter().find(|c| c.data_rate == d).copied().unwrap_or(ReachCount { data_rate: d, margin_met: 0, known: 0 });
            format!("lower the data rate (DR{d} reaches {}{})", percent(c.margin_met, c.known), interval_words(c.margin_met, c.known, sampled))
        }
        None => "no other data rate reaches more of them".to_owned(),
    };
    let findings = [
        Finding {
            kind: FindingKind::Silent,
            count: counts.silent,
            sentence: format!(
                "{} sent no uplink in the last {hours} h{}: the session's Class A setup goes down only after an uplink, so they will miss it. Wake them (a button, a reboot, a scheduled report) before the start.",
                devices_word(counts.silent),
                share_words(counts.silent, with_statistics, sampled),
            ),
        },
        Finding {
            kind: FindingKind::BelowMargin,
            count: below,
            sentence: format!(
                "{} {} less than {} dB of margin at {dr}{}: {better_words}, or add a gateway near them.",
                devices_word(below),
                if below == 1 { "has" } else { "have" },
                tenths(ctx.settings.margin_db),
                share_words(below, known, sampled),
            ),
        },
        Finding {
            kind: FindingKind::NotCovered,
            count: counts.not_covered,
            sentence: format!(
                "{} {} heard by none of the multicast group's participating gateways{}: add a gateway that hears them to the group, or leave its list empty so that the service picks.",
                devices_word(counts.not_covered),
                if counts.not_covered == 1 { "is" } else { "are" },
                share_words(counts.not_covered, coverage_known, sampled),
            ),
        },
        Finding {
            kind: FindingKind::MarginUnknown,
            count: counts.margin_unknown,
            sentence: format!(
                "{} {} no link the console can judge at {dr} (never joined, no SNR reported, not heard by the group's gateways, or the read failed): their margin is unknown, and they are not counted as reached; look at them in the AWS console.",
                devices_word(counts.margin_unknown),
                if counts.margin_unknown == 1 { "has" } else { "have" },
            ),
        },
    ];
    // Worst first: the finding that keeps the most devices from the update (ties in the order
    // above, the sort being stable).
    let mut ordered: Vec<Finding> = findings.into_iter().filter(|f| f.count > 0).collect();
    sort_by_cached_key(&mut ordered, |f| std::cmp::Reverse(f.count));
    Summary { counts, headline, findings: ordered, sampled }
}

/// The report's rows: every checked device, in the task's order.
pub fn report_rows(devices: &[WirelessDevice], check: &Check, ctx: &Context) -> Vec<ReportRow> {
    devices
        .iter()
        .filter_map(|d| {
            let id = d.id.as_deref()?;
            let read = check.read(id)?;
            let a = assess(read, ctx);
            let link = match read {
                LinkRead::Link(l) => Some(l),
                LinkRead::Failed { .. } => None,
            };
            Some(ReportRow {
                device_id: id.to_owned(),
                name: d.name.clone().unwrap_or_default(),
                dev_eui: d.dev_eui.clone().unwrap_or_default(),
                status: d.status_text().to_owned(),
                status_sentence: d.fuota_status.as_ref().map(|s| s.sentence()).unwrap_or_default(),
                verdict: a.verdict.as_str().to_owned(),
                reason: a.reason,
                last_uplink: link.and_then(|l| l.last_uplink),
                margin_db: a.margin_db,
                silent: a.silent,
                covered: a.covered,
                uplink_data_rate: link.and_then(|l| l.uplink_data_rate),
                best_gateway: link.and_then(DeviceLink::best).cloned(),
                gateways_heard: link.map_or(0, |l| l.gateways.len()),
            })
        })
        .collect()
}

/// The task the report is of.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportTask {
    pub id: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub rf_region: String,
}

/// The report as JSON text: the task, when it was made, the plan and the summary at the top, then
/// one object per device (written in that order: serde_json's maps sort their keys). It is built
/// from the task, the plan, the check and the devices' public fields only: the credentials are
/// nowhere in reach.
pub fn report_json(
    task: &ReportTask,
    plan: Option<&FragmentPlan>,
    ctx: &Context,
    check: &Check,
    summary: &Summary,
    rows: &[ReportRow],
    generated_ms: i64,
) -> String {
    let plan = plan.map(|p| {
        json!({
            "firmwareBytes": p.inputs.firmware_bytes,
            "fragmentBytes": p.inputs.fragment_bytes,
            "redundancyPercent": p.inputs.redundancy_percent,
            "intervalMs": p.inputs.interval_ms,
            "dataFragments": p.data_fragments,
            "totalFragments": p.total_fragments,
            "sessionSeconds": p.session_seconds,
            "dataRate": ctx.data_rate,
        })
    });
    let counts: serde_json::Map<String, Value> = summary.counts.named().iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
    let stamp = |ms: i64| crate::wire::time::Timestamp::from_epoch_millis(ms).map(|t| t.rfc3339());
    let generated = stamp(generated_ms);
    // The share with the margin among the devices with a known margin, with its interval for a sample.
    let known = check.reach(ctx).iter().find(|c| Some(c.data_rate) == ctx.data_rate).map_or(0, |c| c.known);
    let interval = if check.sampled { share_interval_95(summary.counts.margin_met, known).map(|(lo, hi)| [lo, hi]) } else { None };
    let summary = json!({
        "counts": counts,
        "complete": check.complete(),
        // When silence was judged: the check's time, not the export's.
        "judgedAt": stamp(ctx.now_ms),
        "knownAtDataRate": known,
        "marginMetShare": (known > 0).then(|| summary.counts.margin_met as f64 / known as f64),
        "marginMetInterval95": interval,
        "dataRate": ctx.data_rate,
        "sampled": summary.sampled,
        "silentAfterHours": ctx.settings.silent_after_hours,
        "reachMarginDb": ctx.settings.margin_db,
        "reachTargetPercent": ctx.settings.target_percent,
        "headline": summary.headline,
        "findings": summary.findings.iter().map(|f| json!({"finding": f.kind.as_str(), "count": f.count, "sentence": f.sentence})).collect::<Vec<_>>(),
    });
    let devices: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "deviceId": r.device_id,
                "name": r.name,
                "devEui": r.dev_eui,
                "status": r.status,
                "statusSentence": r.status_sentence,
                "verdict": r.verdict,
                "reason": r.reason,
                "lastUplink": r.last_uplink.map(|t| t.rfc3339()),
                // One decimal, as the page shows it.
                "marginDb": r.margin_db.map(|m| (m * 10.0).round() / 10.0),
                "silent": r.silent,
                "covered": r.covered,
                "uplinkDataRate": r.uplink_data_rate,
                "bestGateway": r.best_gateway.as_ref().map(|g| json!({"gatewayEui": g.gateway_eui, "snrDb": g.snr_db, "rssiDbm": g.rssi_dbm})),
                "gatewaysHeard": r.gateways_heard,
            })
        })
        .collect();
    let text = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".to_owned());
    let task = json!({"id": task.id, "name": task.name, "status": task.status, "rfRegion": task.rf_region});
    format!(
        "{{\n\"task\": {},\n\"generatedAt\": {},\n\"plan\": {},\n\"summary\": {},\n\"devices\": {}\n}}\n",
        text(&task),
        text(&json!(generated)),
        text(&json!(plan)),
        text(&summary),
        text(&Value::Array(devices)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::links::Heard;
    use crate::radio::lorawan::region;
    use crate::wire::time::Timestamp;
    use proptest::prelude::*;

    const NOW: i64 = 1_796_000_000_000;
    const HOUR: i64 = 3_600_000;

    fn link(snr: f64, uplink_dr: u8, hours_ago: i64, gateway: &str) -> LinkRead {
        LinkRead::Link(DeviceLink {
            statistics: true,
            last_uplink: Timestamp::from_epoch_millis(NOW - hours_ago * HOUR),
            uplink_data_rate: Some(uplink_dr),
            gateways: vec![Heard { gateway_eui: gateway.into(), snr_db: Some(snr), rssi_dbm: Some(-110.0) }],
        })
    }

    fn ctx(dr: u8, participating: &[String]) -> Context<'_> {
        Context { region: region("EU868").unwrap(), uplink_region: "EU868", data_rate: Some(dr), participating, now_ms: NOW, settings: Settings::default() }
    }

    fn check(reads: Vec<(&str, LinkRead)>) -> Check {
        let mut c = Check::new(reads.iter().map(|(id, _)| (*id).to_owned()).collect(), false, || 0.5);
        for (id, r) in reads {
            c.record(id.to_owned(), r);
        }
        c
    }

    #[test]
    fn settings_read_as_typed_and_refuse_with_the_control_named() {
        let t = |h: &str, m: &str, p: &str| SettingsTexts { silent_after_hours: h.into(), margin_db: m.into(), target_percent: p.into() }.parse();
        assert_eq!(t("24", "0", "95").unwrap(), Settings::default());
        assert_eq!(t("48", "\u{2212}2.5", "80").unwrap().margin_db, -2.5);
        assert_eq!(t("48", "+6", "80").unwrap().margin_db, 6.0);
        assert_eq!(t("48", "-0.25", "80").unwrap().margin_db, -0.25);
        assert_eq!(t("48", "30", "80").unwrap().margin_db, 30.0);
        assert_eq!(t("48", " 12.5 ", "80").unwrap().margin_db, 12.5);
        for (texts, field) in [
            (("0", "0", "95"), Field::SilentAfterHours),
            (("24", "1,5", "95"), Field::ReachMarginDb),
            (("24", "31", "95"), Field::ReachMarginDb),
            (("24", "-", "95"), Field::ReachMarginDb),
            (("24", "1.", "95"), Field::ReachMarginDb),
            (("24", ".5", "95"), Field::ReachMarginDb),
            (("24", "1.2345", "95"), Field::ReachMarginDb),
            (("24", "--1", "95"), Field::ReachMarginDb),
            (("24", "1e1", "95"), Field::ReachMarginDb),
            (("24", "99999999999", "95"), Field::ReachMarginDb),
            (("24", "0", "101"), Field::ReachTargetPercent),
            (("24", "0", ""), Field::ReachTargetPercent),
        ] {
            match t(texts.0, texts.1, texts.2) {
                Err(ConsoleError::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{texts:?}"),
                other => panic!("{texts:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_sample_is_taken_only_above_a_thousand_devices_and_holds_a_thousand_distinct_ones() {
        let ids = |n: usize| (0..n).map(|i| format!("d{i}")).collect::<Vec<_>>();
        let small = Check::new(ids(1000), true, || 0.3);
        assert!(!small.sampled && small.chosen.len() == 1000);
        let mut x = 0.1_f64;
        let big = Check::new(ids(10_000), true, move || {
            x = (x * 9301.0 + 0.49297).fract();
            x
        });
        assert!(big.sampled && big.chosen.len() == SAMPLE_SIZE && big.total_devices == 10_000);
        let distinct: std::collections::HashSet<_> = big.chosen.iter().collect();
        assert_eq!(distinct.len(), SAMPLE_SIZE);
        assert!(!Check::new(ids(10_000), false, || 0.3).sampled);
    }

    #[test]
    fn each_case_gets_its_verdict_and_the_counts_follow() {
        let gw = vec!["00000000000000AA".to_owned()];
        // EU868 DR3 is SF9/125 kHz: needs −12.5 dB.
        let c = check(vec![
            ("fine", link(0.0, 5, 1, "00000000000000AA")),      // margin 12.5
            ("weak", link(-15.0, 5, 1, "00000000000000AA")),    // margin −2.5
            ("silent", link(5.0, 5, 30, "00000000000000AA")),   // silent, margin 17.5
            ("elsewhere", link(5.0, 5, 1, "00000000000000BB")), // not covered: no margin through the group's gateways
            ("never", LinkRead::Link(DeviceLink { statistics: false, last_uplink: None, uplink_data_rate: None, gateways: vec![] })),
            ("failed", LinkRead::Failed { code: "AccessDeniedException".into() }),
        ]);
        let cx = ctx(3, &gw);
        let verdict = |id: &str| assess(c.read(id).unwrap(), &cx).verdict;
        let kept_out = c.not_reached(&cx);
        assert!(kept_out.iter().all(|id| verdict(id) == Verdict::NotReached) && !kept_out.is_empty(), "{kept_out:?}");
        assert_eq!(kept_out.len(), c.chosen.iter().filter(|id| verdict(id) == Verdict::NotReached).count());
        assert_eq!(verdict("fine"), Verdict::Reached);
        assert_eq!(verdict("weak"), Verdict::NotReached);
        assert_eq!(verdict("silent"), Verdict::NotReached);
        assert_eq!(verdict("elsewhere"), Verdict::NotReached);
        assert_eq!(verdict("never"), Verdict::Unknown);
        assert_eq!(verdict("failed"), Verdict::Unknown);
        assert_eq!(assess(c.read("weak").unwrap(), &cx).margin_db, Some(-2.5));
        let s = summarise(&c, &cx);
        assert_eq!(s.counts, Counts { devices: 6, checked: 6, silent: 1, margin_met: 2, reached: 1, not_covered: 1, margin_unknown: 3 });
        assert!(s.headline.starts_with("2 of the 3 checked devices with a known link have the margin at DR3; 1 of them will be reached"), "{}", s.headline);
        // The fit table's figure for the chosen rate is the margin-met count.
        assert_eq!(c.reach(&cx).iter().find(|r| r.data_rate == 3).unwrap().margin_met, s.counts.margin_met);
        // Heard well by a gateway the group does not send through: its margin is not that link's.
        assert_eq!(assess(c.read("elsewhere").unwrap(), &ctx(3, &[])).margin_db, Some(17.5));
        assert_eq!(s.findings[0].kind, FindingKind::MarginUnknown, "worst first: {:?}", s.findings);
        assert!(s.findings.windows(2).all(|w| w[0].count >= w[1].count));
        let below = s.findings.iter().find(|f| f.kind == FindingKind::BelowMargin).unwrap();
        assert!(below.sentence.contains("DR2 reaches 100 %"), "{}", below.sentence);
        // A lower threshold reaches the weak one too.
        let lenient = Context { settings: Settings { margin_db: -3.0, ..Settings::default() }, ..cx };
        assert_eq!(summarise(&c, &lenient).counts.margin_met, 3);
        assert_eq!(summarise(&c, &lenient).counts.reached, 2, "the weak one will be reached too");
        // Without participating gateways, coverage is unknown, never "not covered".
        assert_eq!(summarise(&c, &ctx(3, &[])).counts.not_covered, 0);
        assert!(c.complete());
        // The filter lists exactly what the counts count.
        let admitted = |f: DeviceFilter| {
            ["fine", "weak", "silent", "elsewhere", "never", "failed"].iter().filter(|id| f.admits(Some(&assess(c.read(id).unwrap(), &cx)))).count()
        };
        assert_eq!((admitted(DeviceFilter::Silent), admitted(DeviceFilter::NotCovered), admitted(DeviceFilter::MarginUnknown)), (1, 1, 3));
        assert_eq!((admitted(DeviceFilter::MarginMet), admitted(DeviceFilter::BelowMargin)), (s.counts.margin_met, 1));
        assert_eq!(admitted(DeviceFilter::Reached), s.counts.reached);
        assert_eq!(admitted(DeviceFilter::All), 6);
        assert!(!DeviceFilter::Reached.admits(None) && DeviceFilter::All.admits(None));
        assert_eq!(DeviceFilter::parse("not-covered"), DeviceFilter::NotCovered);
        // Each count and finding has the filter of its name (but the totals), and no name means two things.
        let filters: Vec<&str> = DeviceFilter::ALL.iter().map(|f| f.as_str()).collect();
        for (name, _) in s.counts.named().into_iter().filter(|(n, _)| !["devices", "checked"].contains(n)) {
            assert!(filters.contains(&name), "no filter {name}");
        }
        for kind in [FindingKind::Silent, FindingKind::BelowMargin, FindingKind::NotCovered, FindingKind::MarginUnknown] {
            assert!(filters.contains(&kind.as_str()), "no filter {}", kind.as_str());
        }
        assert!(!filters.contains(&Verdict::NotReached.as_str()) && !filters.contains(&Verdict::Unknown.as_str()), "a verdict's word for a margin's count");
    }

    #[test]
    fn coverage_is_judged_only_when_every_group_names_its_gateways() {
        let g = |id: &str, list: Option<&[&str]>| (id.to_owned(), list.map(|l| l.iter().map(|s| (*s).to_owned()).collect()));
        assert_eq!(
            Coverage::of(&[g("a", Some(&["gw1", "gw2"])), g("b", Some(&["gw2", "gw3"]))]),
            Coverage::Judged(vec!["gw1".into(), "gw2".into(), "gw3".into()])
        );
        assert_eq!(Coverage::of(&[g("a", Some(&["gw1"])), g("b", Some(&[]))]), Coverage::NoneNamed);
        assert_eq!(Coverage::of(&[]), Coverage::NoneNamed);
        assert_eq!(Coverage::of(&[g("a", None)]), Coverage::GroupUnread("a".into()));
        assert!(Coverage::of(&[g("a", None)]).note().unwrap().contains("could not be read"));
    }

    #[test]
    fn the_report_has_every_checked_device_and_no_secret_shaped_member() {
        let c = check(vec![("a", link(0.0, 5, 1, "00000000000000AA")), ("b", LinkRead::Failed { code: "ThrottlingException".into() })]);
        let devices = vec![
            WirelessDevice { id: Some("a".into()), name: Some("=cmd|' /C calc'!A0".into()), ..Default::default() },
            WirelessDevice { id: Some("b".into()), ..Default::default() },
            WirelessDevice { id: Some("not-checked".into()), ..Default::default() },
        ];
        let cx = ctx(3, &[]);
        let rows = report_rows(&devices, &c, &cx);
        assert_eq!(rows.len(), 2);
        let s = summarise(&c, &cx);
        let text = report_json(&ReportTask { id: "t".into(), ..Default::default() }, None, &cx, &c, &s, &rows, NOW);
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["summary"]["counts"]["checked"], 2);
        // The report's `reached` is its devices' verdict, and the margin has its own word.
        let verdict_reached = json["devices"].as_array().unwrap().iter().filter(|d| d["verdict"] == "reached").count();
        assert_eq!(json["summary"]["counts"]["reached"], verdict_reached);
        assert_eq!(json["summary"]["counts"]["margin-met"], 1);
        assert_eq!(json["summary"]["marginMetShare"], 1.0);
        assert!(json["summary"].get("reachedShare").is_none());
        assert_eq!(json["devices"][0]["marginDb"], 12.5);
        assert_eq!(json["devices"][1]["verdict"], "unknown");
        assert_eq!(json["devices"][0]["bestGateway"]["gatewayEui"], "00000000000000AA");
        assert_eq!(json["devices"][0]["gatewaysHeard"], 1);
        assert_eq!(link_words(c.read("a").unwrap(), NOW), "heard 1 h ago · DR5 up · best 00000000000000AA at 0.0 dB SNR, -110 dBm · 1 gateway");
        assert_eq!(link_words(c.read("a").unwrap(), NOW + 72 * HOUR), "heard 3 d ago · DR5 up · best 00000000000000AA at 0.0 dB SNR, -110 dBm · 1 gateway");
        assert_eq!(link_words(c.read("b").unwrap(), NOW), "");
        let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap();
        assert!(at("task") < at("plan") && at("plan") < at("summary") && at("summary") < at("devices"), "the summary before the devices");
        let csv = crate::preflight::report::to_csv(&rows);
        assert!(csv.contains("\"'=cmd|' /C calc'!A0\"") || csv.contains("'=cmd|' /C calc'!A0"), "{csv}");
    }

    proptest! {
        #[test]
        fn the_margin_reads_as_the_standard_parser_does(whole in 0u32..40, fraction in proptest::option::of("[0-9]{1,3}"), negative in any::<bool>()) {
            let text = format!("{}{whole}{}", if negative { "-" } else { "" }, fraction.as_ref().map(|f| format!(".{f}")).unwrap_or_default());
            let want: f64 = text.parse().unwrap();
            match parse_margin(&text) {
                Ok(v) => prop_assert!((v - want).abs() < 1e-9, "{text}: {v}"),
                Err(_) => prop_assert!(want.abs() > MARGIN_BOUND_DB, "{text} refused"),
            }
        }

        #[test]
        fn any_text_is_a_margin_or_a_sentence(text in "\\PC{0,12}") {
            let _ = parse_margin(&text);
        }

        #[test]
        fn counts_add_up_for_any_links_and_settings(
            links in proptest::collection::vec((-25.0f64..15.0, 0u8..8, 0i64..400, any::<bool>(), any::<bool>()), 0..60),
            margin in -30.0f64..30.0, hours in 1u32..200, dr in 0u8..9,
        ) {
            let gw = vec!["00000000000000AA".to_owned()];
            let reads: Vec<(String, LinkRead)> = links.iter().enumerate().map(|(i, (snr, up, ago, failed, heard))| {
                let read = if *failed { LinkRead::Failed { code: "X".into() } } else { link(*snr, *up, *ago, if *heard { "00000000000000AA" } else { "00000000000000BB" }) };
                (format!("d{i}"), read)
            }).collect();
            let mut c = Check::new(reads.iter().map(|(id, _)| id.clone()).collect(), false, || 0.5);
            for (id, r) in reads { c.record(id, r); }
            let cx = Context { region: region("EU868").unwrap(), uplink_region: "EU868", data_rate: Some(dr), participating: &gw, now_ms: NOW, settings: Settings { margin_db: margin, silent_after_hours: hours, target_percent: 95 } };
            let s = summarise(&c, &cx);
            prop_assert_eq!(s.counts.checked, links.len());
            prop_assert!(s.counts.margin_met + s.counts.margin_unknown <= s.counts.checked);
            prop_assert!(s.counts.reached <= s.counts.margin_met, "reached is the margin met and more");
            prop_assert!(s.counts.silent <= s.counts.checked && s.counts.not_covered <= s.counts.checked);
            let reach = c.reach(&cx);
            let at = reach.iter().find(|r| r.data_rate == dr).map_or(0, |r| r.margin_met);
            prop_assert_eq!(at, s.counts.margin_met);
            // One word, one number: the headline's "will be reached", the `reached` count, the
            // `reached` filter and the report's verdicts are the same devices.
            let will_be = format!("; {} of them will be reached", s.counts.reached);
            prop_assert!(s.headline.contains(&will_be), "{}", s.headline);
            let verdicts = c.chosen.iter().filter(|id| assess(c.read(id).unwrap(), &cx).verdict == Verdict::Reached).count();
            let filtered = c.chosen.iter().filter(|id| DeviceFilter::Reached.admits(Some(&assess(c.read(id).unwrap(), &cx)))).count();
            prop_assert_eq!((verdicts, filtered), (s.counts.reached, s.counts.reached));
            let below = s.findings.iter().find(|f| f.kind == FindingKind::BelowMargin).map_or(0, |f| f.count);
            let below_filtered = c.chosen.iter().filter(|id| DeviceFilter::BelowMargin.admits(Some(&assess(c.read(id).unwrap(), &cx)))).count();
            prop_assert_eq!(below, below_filtered);
            prop_assert!(s.findings.windows(2).all(|w| w[0].count >= w[1].count));
        }
    }
}
