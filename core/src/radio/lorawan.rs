//! LoRaWAN facts the fragment planner needs (TS004 fragmentation limits, RP002 regional payload sizes).
//!
//! Sources, read through the LoRa Alliance's published copies:
//! - TS004 v1.0.0, *Fragmented Data Block Transport* (<https://read.uberflip.com/i/1428356>): §3.4
//!   Tables 12–13 (DataFragment payload and `Index&N`), Appendix §6 (FEC introduction).
//! - TS004-2.0.0 (<https://read.uberflip.com/i/1464683>): §3.6 Tables 23–24 (same layout, "N … is
//!   incremented starting from 1"), Appendix A.3 (how many coded fragments its code needs).
//! - RP002-1.0.4 *Regional Parameters* for the payload table; see [`REGIONS`] for how each row was checked.
//!
//! Everything here is checked arithmetic: any input, however absurd, gives an answer or `None`.

use crate::radio::fragments::{FragmentPlan, MAX_FRAGMENTS, MAX_FRAGMENT_SIZE};

/// Command identifier of DataFragment. As ChirpStack (`fragmentation/v1.rs`, `v2.rs`) and
/// MultiTech's mDot `FragmentationSession.h` encode it; the part of TS004's command table that
/// lists it was not readable in the copy found.
pub const DATA_FRAGMENT_CID: u8 = 0x08;

/// Bytes a DataFragment adds around each fragment: the CID (1) and `Index&N` (2).
///
/// TS004 v1.0.0 Table 12 gives `Index&N` 2 bytes and the fragment `0:MaxAppPl-3` bytes, so the
/// fragment plus 3 bytes must fit the application payload.
pub const DATA_FRAGMENT_HEADER_BYTES: u64 = 3;

/// Coded fragments TS004's code needs beyond the data fragments, on average: "On average, it
/// takes M+2 coded fragments to recover the original data block" (TS004-2.0.0 Appendix A.3).
pub const TS004_AVERAGE_EXTRA_FRAGMENTS: u64 = 2;

/// Below this many data fragments TS004's code "should not be used … because the average
/// overhead is 10% in this case" (TS004-2.0.0 Appendix A.3).
pub const TS004_MIN_DATA_FRAGMENTS: u64 = 20;

/// A downlink data rate and the largest application payload it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataRate {
    /// DR index as RP002 numbers it.
    pub index: u8,
    pub modulation: Modulation,
    /// RP002's N: the FRMPayload bound with an empty FOpts, repeater-compatible table.
    pub max_payload: u16,
}

impl DataRate {
    /// The largest fragment a DataFragment at this rate carries (N − 3).
    pub fn max_fragment_bytes(&self) -> u64 {
        u64::from(self.max_payload).saturating_sub(DATA_FRAGMENT_HEADER_BYTES)
    }
}

/// An RF region as the API names it (`LoRaWAN.RfRegion`), with its downlink data rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    pub downlink: &'static [DataRate],
}

/// How a data rate modulates: LoRa with a spreading factor and bandwidth, or RP002's FSK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modulation {
    Lora { spreading_factor: u8, bandwidth_khz: u16 },
    Fsk { kbps: u16 },
}

impl Modulation {
    /// As RP002's tables write it: `SF12/125kHz`, `FSK 50kbps`.
    pub fn label(&self) -> String {
        match self {
            Modulation::Lora { spreading_factor, bandwidth_khz } => format!("SF{spreading_factor}/{bandwidth_khz}kHz"),
            Modulation::Fsk { kbps } => format!("FSK {kbps}kbps"),
        }
    }
}

const fn lora(spreading_factor: u8, bandwidth_khz: u16) -> Modulation {
    Modulation::Lora { spreading_factor, bandwidth_khz }
}

/// The one FSK data rate RP002 defines (EU868 DR7 and its kin): 50 kbps.
const FSK_50KBPS: Modulation = Modulation::Fsk { kbps: 50 };

const fn dr(index: u8, modulation: Modulation, max_payload: u16) -> DataRate {
    DataRate { index, modulation, max_payload }
}

/// EU868 DR0–DR7 (DR8–DR11 are LR-FHSS, uplink only).
const EU868_DOWNLINK: &[DataRate] = &[
    dr(0, lora(12, 125), 51),
    dr(1, lora(11, 125), 51),
    dr(2, lora(10, 125), 51),
    dr(3, lora(9, 125), 115),
    dr(4, lora(8, 125), 222),
    dr(5, lora(7, 125), 222),
    dr(6, lora(7, 250), 222),
    dr(7, FSK_50KBPS, 222),
];

/// US915 and AU915 send downlinks on DR8–DR13 only (500 kHz channels).
const US_AU_915_DOWNLINK: &[DataRate] = &[
    dr(8, lora(12, 500), 53),
    dr(9, lora(11, 500), 129),
    dr(10, lora(10, 500), 222),
    dr(11, lora(9, 500), 222),
    dr(12, lora(8, 500), 222),
    dr(13, lora(7, 500), 222),
];

/// AS923 with DownlinkDwellTime = 0. RP002 says the end-device "SHALL only enforce the maximum
/// downlink MACPayload size defined for DownlinkDwellTime = 0 … regardless of the actual
/// setting" (RP002-1.0.5 §3.10.6, after Table 73). A network that keeps the 400 ms dwell time on
/// downlinks sends less: DR0–DR1 nothing, DR2 11, DR3 53, DR4 125 (Table 73, DwellTime=1).
const AS923_DOWNLINK: &[DataRate] = &[
    dr(0, lora(12, 125), 51),
    dr(1, lora(11, 125), 51),
    dr(2, lora(10, 125), 115),
    dr(3, lora(9, 125), 115),
    dr(4, lora(8, 125), 222),
    dr(5, lora(7, 125), 222),
    dr(6, lora(7, 250), 222),
    dr(7, FSK_50KBPS, 222),
];

/// CN470 DR1–DR7. DR0 (SF12/125kHz) has no maximum payload in RP002-1.0.1 and later, so no
/// DataFragment can use it.
const CN470_DOWNLINK: &[DataRate] = &[
    dr(1, lora(11, 125), 23),
    dr(2, lora(10, 125), 86),
    // Sources disagree (TTN RP002-1.0.4: M 172 → N 164; ChirpStack RP002-1.0.2/1.0.3: 184;
    // LoRaMac-node RP002-1.0.1 repeater table: 164); not confirmed in the spec text: the smaller.
    dr(3, lora(9, 125), 164),
    dr(4, lora(8, 125), 222),
    dr(5, lora(7, 125), 222),
    dr(6, lora(7, 500), 222),
    dr(7, FSK_50KBPS, 222),
];

/// KR920 has DR0–DR5 only.
const KR920_DOWNLINK: &[DataRate] = &[
    dr(0, lora(12, 125), 51),
    dr(1, lora(11, 125), 51),
    dr(2, lora(10, 125), 51),
    dr(3, lora(9, 125), 115),
    dr(4, lora(8, 125), 222),
    dr(5, lora(7, 125), 222),
];

/// IN865: DR6 is reserved, DR7 is FSK.
const IN865_DOWNLINK: &[DataRate] = &[
    dr(0, lora(12, 125), 51),
    dr(1, lora(11, 125), 51),
    dr(2, lora(10, 125), 51),
    dr(3, lora(9, 125), 115),
    dr(4, lora(8, 125), 222),
    dr(5, lora(7, 125), 222),
    dr(7, FSK_50KBPS, 222),
];

/// Downlink data rates and payload sizes of the thirteen IoT Wireless RF regions.
///
/// Revision: RP002-1.0.4, repeater-compatible tables, column N (application payload with an
/// empty FOpts). RP002-1.0.4's own pages were not readable, so each value was taken from two
/// implementations that label their tables by RP002 revision, ChirpStack
/// (`lrwn/src/region/*.rs`, `Revision::Latest` = "RP002-1.0.2, 1.0.3, 1.0.4") and The Things
/// Stack (`pkg/band/*_rp2_v1_0_4.go`, which gives M; N = M − 8), and checked against the spec
/// text found:
/// - RP002-1.0.5 Table 73 (AS923, not repeater compatible): 51 51 115 115 then 242 with
///   DwellTime=0; the repeater table caps 242 at 222 as everywhere else;
/// - LoRaWAN Regional Parameters v1.0.3revA Table 31 (EU433): 51 51 51 115 222 222 222 222, and
///   Table 16 (US902-928, not repeater compatible): DR8 53, DR9 129.
///
/// US915/AU915 DR8 is 53 and DR9 129 from RP002-1.0.2 on; older tables (LoRaWAN 1.0.x regional
/// parameters, RP002-1.0.0/1.0.1 repeater tables) said 33 and 109. AS923-1 to AS923-4 differ in
/// frequencies only, not in data rates or sizes. EU433, CN779 and RU864 use EU868's data rates
/// and sizes (CN779 DR6 is 222 from RP002 on; some older tables said 242).
pub static REGIONS: &[Region] = &[
    Region { name: "EU868", downlink: EU868_DOWNLINK },
    Region { name: "US915", downlink: US_AU_915_DOWNLINK },
    Region { name: "AU915", downlink: US_AU_915_DOWNLINK },
    Region { name: "AS923-1", downlink: AS923_DOWNLINK },
    Region { name: "AS923-2", downlink: AS923_DOWNLINK },
    Region { name: "AS923-3", downlink: AS923_DOWNLINK },
    Region { name: "AS923-4", downlink: AS923_DOWNLINK },
    Region { name: "EU433", downlink: EU868_DOWNLINK },
    Region { name: "CN470", downlink: CN470_DOWNLINK },
    Region { name: "CN779", downlink: EU868_DOWNLINK },
    Region { name: "RU864", downlink: EU868_DOWNLINK },
    Region { name: "KR920", downlink: KR920_DOWNLINK },
    Region { name: "IN865", downlink: IN865_DOWNLINK },
];

/// The region the API calls `rf_region` (`EU868`, `AS923-1`, …), whatever its case.
pub fn region(rf_region: &str) -> Option<&'static Region> {
    let wanted = rf_region.trim();
    REGIONS.iter().find(|r| r.name.eq_ignore_ascii_case(wanted))
}

impl Region {
    /// The largest fragment any downlink data rate of the region carries.
    pub fn max_fragment_bytes(&self) -> Option<u64> {
        self.downlink.iter().map(DataRate::max_fragment_bytes).max()
    }
}

/// Whether one data rate carries the fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataRateFit {
    pub data_rate: DataRate,
    pub fits: bool,
}

/// The application payload of one DataFragment: the fragment plus its 3-byte header.
pub fn data_fragment_bytes(fragment_bytes: u64) -> Option<u64> {
    fragment_bytes.checked_add(DATA_FRAGMENT_HEADER_BYTES)
}

/// For each downlink data rate of the region: does a DataFragment of this size fit N?
pub fn fragment_fits(region: &Region, fragment_bytes: u64) -> Vec<DataRateFit> {
    let needed = data_fragment_bytes(fragment_bytes);
    region.downlink.iter().map(|&data_rate| DataRateFit { data_rate, fits: needed.is_some_and(|n| n <= u64::from(data_rate.max_payload)) }).collect()
}

/// Something in a plan LoRaWAN will not carry, with a sentence that says what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The fragment size does not fit FragSize's one byte.
    FragmentSizeLimit { fragment_bytes: u64 },
    /// More fragments than the 14-bit N can number.
    FragmentCountLimit { total_fragments: u64 },
    /// No downlink data rate of the region carries the fragment with its header.
    PayloadTooLarge { region: &'static str, fragment_bytes: u64, max_fragment_bytes: u64 },
    /// The chosen data rate does not carry the fragment (another rate of the region may).
    FragmentTooLargeForDataRate { data_rate: u8, fragment_bytes: u64, max_fragment_bytes: u64 },
    /// Larger than the devices' firmware accepts, as the user said.
    FragmentTooLargeForDevice { fragment_bytes: u64, device_max_bytes: u64 },
    /// The chosen data rate is not a downlink data rate of the region.
    DataRateNotInRegion { region: &'static str, data_rate: u8 },
    /// The frequency is in none of the region's duty-cycle bands: a gateway may not send there.
    FrequencyOutsideBands { region: &'static str, frequency_hz: u64, half_width_hz: u64 },
    /// The fragments come faster than one frame lasts.
    IntervalShorterThanAirtime { data_rate: u8, airtime_us: u64, interval_seconds: u64 },
    /// The fragments come faster than the sub-band's duty cycle lets a gateway send.
    DutyCycle { data_rate: u8, airtime_us: u64, frequency_hz: u64, duty_cycle: String, min_interval_ms: u64, spacing_ms: u64 },
    /// The multicast session ends before the last fragment.
    SessionTimeout { class: &'static str, total_fragments: u64, needed_s: Option<u64>, timeout_s: u64, covering_timeout_s: Option<u64> },
    /// Above the image size AWS accepts.
    ImageTooLarge { firmware_bytes: u64 },
    /// An RF region the console has no radio facts for: nothing of the radio can be checked.
    RegionUnknown { rf_region: String },
}

impl Warning {
    /// A stable code for tests and automation.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::FragmentSizeLimit { .. } => "fragment-size-limit",
            Warning::FragmentCountLimit { .. } => "fragment-count-limit",
            Warning::PayloadTooLarge { .. } => "payload-too-large",
            Warning::FragmentTooLargeForDataRate { .. } => "fragment-too-large-for-data-rate",
            Warning::FragmentTooLargeForDevice { .. } => "fragment-too-large-for-device",
            Warning::DataRateNotInRegion { .. } => "data-rate-not-in-region",
            Warning::FrequencyOutsideBands { .. } => "frequency-outside-bands",
            Warning::IntervalShorterThanAirtime { .. } => "interval-shorter-than-airtime",
            Warning::DutyCycle { .. } => "duty-cycle",
            Warning::SessionTimeout { .. } => "session-timeout",
            Warning::ImageTooLarge { .. } => "image-too-large",
            Warning::RegionUnknown { .. } => "region-unknown",
        }
    }

    pub fn sentence(&self) -> String {
        match self {
            Warning::FragmentSizeLimit { fragment_bytes } => format!(
                "Fragments of {fragment_bytes} bytes cannot be announced: LoRaWAN fragmentation (TS004) \
                 gives the fragment size one byte, so at most {MAX_FRAGMENT_SIZE} bytes. \
                 Use a fragment size of {MAX_FRAGMENT_SIZE} bytes or less."
            ),
            Warning::FragmentCountLimit { total_fragments } => format!(
                "This plan needs {total_fragments} fragments, but LoRaWAN fragmentation (TS004) numbers \
                 them in 14 bits, so one session carries at most {MAX_FRAGMENTS}, data and redundant \
                 together. Use a larger fragment size or less redundancy."
            ),
            Warning::PayloadTooLarge { region, fragment_bytes, max_fragment_bytes } => format!(
                "No {region} downlink data rate carries a {fragment_bytes}-byte fragment: with its \
                 {DATA_FRAGMENT_HEADER_BYTES}-byte DataFragment header it needs {} bytes, and the \
                 largest {region} downlink payload is {} bytes. Use a fragment size of at most \
                 {max_fragment_bytes} bytes.",
                u128::from(*fragment_bytes) + u128::from(DATA_FRAGMENT_HEADER_BYTES),
                u128::from(*max_fragment_bytes) + u128::from(DATA_FRAGMENT_HEADER_BYTES),
            ),
            Warning::FragmentTooLargeForDataRate { data_rate, fragment_bytes, max_fragment_bytes } => format!(
                "DR{data_rate} does not carry a {fragment_bytes}-byte fragment: with its \
                 {DATA_FRAGMENT_HEADER_BYTES}-byte header it needs {} bytes, and DR{data_rate} carries {} bytes. \
                 Use fragments of at most {max_fragment_bytes} bytes, or a faster data rate.",
                u128::from(*fragment_bytes) + u128::from(DATA_FRAGMENT_HEADER_BYTES),
                u128::from(*max_fragment_bytes) + u128::from(DATA_FRAGMENT_HEADER_BYTES),
            ),
            Warning::FragmentTooLargeForDevice { fragment_bytes, device_max_bytes } => format!(
                "The devices accept fragments of at most {device_max_bytes} bytes, and this plan sends \
                 {fragment_bytes}-byte ones. Use a fragment size of {device_max_bytes} bytes or less."
            ),
            Warning::DataRateNotInRegion { region, data_rate } => format!("DR{data_rate} is not a downlink data rate of {region}: choose one of the region's."),
            Warning::FrequencyOutsideBands { region, frequency_hz, half_width_hz } => {
                let channel = match half_width_hz {
                    0 => crate::radio::words::megahertz(*frequency_hz),
                    w => format!("A {} kHz channel on {}", w / 500, crate::radio::words::megahertz(*frequency_hz)),
                };
                format!("{channel} is not inside any {region} band a gateway may send on: check the downlink frequency.")
            }
            Warning::IntervalShorterThanAirtime { data_rate, airtime_us, interval_seconds } => format!(
                "At DR{data_rate} a fragment is {} on air, and this task sends one every {interval_seconds} s \
                 (its interval rounded to whole seconds, as the service rounds it): a gateway cannot. \
                 Use an interval of at least {} s.",
                crate::radio::words::airtime_words(*airtime_us),
                airtime_us.div_ceil(1_000_000).max(1),
            ),
            Warning::DutyCycle { data_rate, airtime_us, frequency_hz, duty_cycle, min_interval_ms, spacing_ms } => format!(
                "At DR{data_rate} a fragment is {} on air; {} allows {duty_cycle}, so one every {} at most; \
                 this task sends one every {}. Fragments will be delayed or dropped: use an interval of at \
                 least {} s, or a faster data rate.",
                crate::radio::words::airtime_words(*airtime_us),
                crate::radio::words::megahertz(*frequency_hz),
                crate::words::seconds_words(*min_interval_ms),
                crate::words::seconds_words(*spacing_ms),
                min_interval_ms.div_ceil(1000),
            ),
            Warning::SessionTimeout { class, total_fragments, needed_s, timeout_s, covering_timeout_s } => {
                let needed = needed_s.map_or_else(|| "longer than the console counts".to_owned(), |s| format!("{s} s"));
                let fix = match covering_timeout_s {
                    Some(t) => format!("Use a session timeout of at least {t} s."),
                    None => "No session timeout the service accepts covers them: send fewer or faster fragments.".to_owned(),
                };
                let margin = if *class == "Class B" { "one beacon period more than they take" } else { "one interval more than fragments" };
                format!(
                    "The {class} session ends after {timeout_s} s, but its {total_fragments} fragments need \
                     {needed} ({margin}, as ChirpStack counts): the last ones would be sent after the \
                     devices stopped listening. {fix}"
                )
            }
            Warning::RegionUnknown { rf_region } => format!(
                "The console does not know the RF region {rf_region:.32}, so it cannot check the radio: choose \
                 the region the devices use."
            ),
            Warning::ImageTooLarge { firmware_bytes } => format!(
                "This image is {} bytes; AWS accepts firmware images of at most 1 MB, read here as {} bytes. \
                 Use a smaller image or a delta update.",
                crate::input::numbers::grouped(*firmware_bytes),
                crate::input::numbers::grouped(crate::radio::fragments::AWS_IMAGE_LIMIT_BYTES),
            ),
        }
    }
}

/// What LoRaWAN will not carry in this plan; empty for a sound plan. An unknown or absent
/// region only skips the payload check.
pub fn warnings(plan: &FragmentPlan, rf_region: Option<&str>) -> Vec<Warning> {
    let fragment_bytes = plan.inputs.fragment_bytes;
    let mut found = Vec::new();
    if fragment_bytes > MAX_FRAGMENT_SIZE {
        found.push(Warning::FragmentSizeLimit { fragment_bytes });
    }
    if plan.total_fragments > MAX_FRAGMENTS {
        found.push(Warning::FragmentCountLimit { total_fragments: plan.total_fragments });
    }
    if let Some(region) = rf_region.and_then(region) {
        if let Some(max_fragment_bytes) = region.max_fragment_bytes() {
            if fragment_bytes > max_fragment_bytes {
                found.push(Warning::PayloadTooLarge { region: region.name, fragment_bytes, max_fragment_bytes });
            }
        }
    }
    found
}

/// How many lost fragments the redundancy makes up for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LossTolerance {
    pub data_fragments: u64,
    pub total_fragments: u64,
    /// With an ideal erasure code (any `data_fragments` of the total rebuild the image): the
    /// redundant fragments.
    pub lost_fragments: u64,
    /// The same, less TS004's average overhead of 2 fragments ([`TS004_AVERAGE_EXTRA_FRAGMENTS`]).
    pub typical_lost_fragments: u64,
}

impl LossTolerance {
    pub fn sentence(&self) -> String {
        let (data, total, lost) = (self.data_fragments, self.total_fragments, self.lost_fragments);
        if lost == 0 {
            return format!(
                "No redundant fragments: all {data} data fragments must arrive, and one lost fragment \
                 means the image cannot be rebuilt."
            );
        }
        let typical = match self.typical_lost_fragments {
            0 => "so count on no lost fragment at all".to_owned(),
            1 => "so count on about 1 lost fragment".to_owned(),
            n => format!("so count on about {n} lost fragments"),
        };
        let mut s = format!(
            "If any {data} of the {total} fragments rebuilt the image (an ideal erasure code), up to {lost} \
             could be lost. LoRaWAN's fragmentation code (TS004) needs slightly more than {data}: about \
             {TS004_AVERAGE_EXTRA_FRAGMENTS} more on average (TS004-2.0.0 Appendix A.3), {typical}."
        );
        if data < TS004_MIN_DATA_FRAGMENTS {
            s.push_str(&format!(
                " TS004 advises against its code below {TS004_MIN_DATA_FRAGMENTS} data fragments, where \
                 the overhead averages about 10 %."
            ));
        }
        s
    }
}

pub fn loss_tolerance(plan: &FragmentPlan) -> LossTolerance {
    LossTolerance {
        data_fragments: plan.data_fragments,
        total_fragments: plan.total_fragments,
        lost_fragments: plan.redundant_fragments,
        typical_lost_fragments: plan.redundant_fragments.saturating_sub(TS004_AVERAGE_EXTRA_FRAGMENTS),
    }
}

/// Application payload bytes the session sends: every fragment with its DataFragment header.
/// The LoRaWAN frame around each one (header, port, MIC) is not counted.
pub fn bytes_on_air(plan: &FragmentPlan) -> Option<u64> {
    plan.total_fragments.checked_mul(data_fragment_bytes(plan.inputs.fragment_bytes)?)
}

/// When the session ends if it starts at `start_epoch_millis` (Unix milliseconds).
pub fn session_end(start_epoch_millis: i64, plan: &FragmentPlan) -> Option<i64> {
    // i128 holds any start plus any duration: only the result has to fit.
    i64::try_from(i128::from(start_epoch_millis) + i128::from(plan.session_seconds) * 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::radio::fragments::FragmentInputs;
    use proptest::prelude::*;

    fn plan(firmware: u64, fragment: u64, percent: u64, interval_ms: u64) -> FragmentPlan {
        FragmentInputs { firmware_bytes: firmware, fragment_bytes: fragment, redundancy_percent: percent, interval_ms }.plan().unwrap()
    }

    /// A plan with exactly these counts, however the calculator would have reached them.
    fn plan_with(fragment_bytes: u64, data: u64, redundant: u64, session_seconds: u64) -> FragmentPlan {
        FragmentPlan {
            inputs: FragmentInputs { firmware_bytes: 1, fragment_bytes, redundancy_percent: 0, interval_ms: 1000 },
            data_fragments: data,
            redundant_fragments: redundant,
            total_fragments: data.saturating_add(redundant),
            padding_bytes: 0,
            interval_seconds: 1,
            session_seconds,
        }
    }

    fn n(region_name: &str, index: u8) -> u16 {
        region(region_name).unwrap().downlink.iter().find(|d| d.index == index).unwrap().max_payload
    }

    fn codes(ws: &[Warning]) -> Vec<&'static str> {
        ws.iter().map(Warning::code).collect()
    }

    #[test]
    fn ts004_limits() {
        assert_eq!(MAX_FRAGMENT_SIZE, u64::from(u8::MAX));
        assert_eq!(MAX_FRAGMENTS, 16383);
        assert!(MAX_FRAGMENTS < u64::from(u16::MAX), "NbFrag (16 bits) is never the binding limit");
        assert_eq!(DATA_FRAGMENT_HEADER_BYTES, 3);
        assert_eq!(DATA_FRAGMENT_CID, 0x08);
    }

    #[test]
    fn all_thirteen_regions_as_the_api_names_them() {
        let names: Vec<_> = REGIONS.iter().map(|r| r.name).collect();
        // The same names, in the same order, as the API's enum the task and group forms offer.
        assert_eq!(names, crate::wire::request::RF_REGIONS);
        for r in REGIONS {
            assert!(!r.downlink.is_empty(), "{}", r.name);
            assert!(r.downlink.windows(2).all(|w| w[0].index < w[1].index), "{} ordered by DR", r.name);
            assert!(r.downlink.iter().all(|d| (11..=222).contains(&d.max_payload)), "{} repeater-compatible N", r.name);
        }
    }

    #[test]
    fn region_names_are_read_leniently() {
        assert_eq!(region("as923-2").unwrap().name, "AS923-2");
        assert_eq!(region(" eu868 ").unwrap().name, "EU868");
        assert!(region("EU863-870").is_none());
        assert!(region("AS923").is_none());
        assert!(region("").is_none());
    }

    #[test]
    fn payload_sizes_cited_from_rp002() {
        // EU868 (and EU433, v1.0.3revA Table 31): DR0 51, DR3 115, DR5 222.
        assert_eq!((n("EU868", 0), n("EU868", 3), n("EU868", 5), n("EU868", 7)), (51, 115, 222, 222));
        assert_eq!(region("EU433").unwrap().downlink, region("EU868").unwrap().downlink);
        // US915/AU915 downlink DR8..DR13; DR8 is 53 from RP002-1.0.2 on (33 in older tables).
        assert_eq!((n("US915", 8), n("US915", 9), n("US915", 13)), (53, 129, 222));
        assert_eq!(region("US915").unwrap().downlink.iter().map(|d| d.index).collect::<Vec<_>>(), [8, 9, 10, 11, 12, 13]);
        assert_eq!(region("AU915").unwrap().downlink, region("US915").unwrap().downlink);
        assert_eq!(region("US915").unwrap().downlink[0].modulation.label(), "SF12/500kHz");
        // AS923 with DwellTime=0 (RP002-1.0.5 Table 73, repeater-capped): DR2 115.
        assert_eq!((n("AS923-1", 0), n("AS923-3", 2), n("AS923-4", 4)), (51, 115, 222));
        // CN470 has no DR0 payload; KR920 stops at DR5; IN865 skips DR6.
        assert!(region("CN470").unwrap().downlink.iter().all(|d| d.index != 0));
        assert_eq!(n("CN470", 1), 23);
        assert_eq!(region("KR920").unwrap().downlink.last().unwrap().index, 5);
        assert!(region("IN865").unwrap().downlink.iter().all(|d| d.index != 6));
    }

    #[test]
    fn a_fragment_fits_when_it_and_its_header_fit_n() {
        let eu = region("EU868").unwrap();
        let fits = |bytes| fragment_fits(eu, bytes).iter().map(|f| f.fits).collect::<Vec<_>>();
        assert_eq!(fits(48), [true; 8]); // 48 + 3 = 51
        assert_eq!(fits(49), [false, false, false, true, true, true, true, true]);
        assert_eq!(fits(219), [false, false, false, false, true, true, true, true]);
        assert_eq!(fits(220), [false; 8]);
        assert_eq!(fits(u64::MAX), [false; 8]);
        assert_eq!(fragment_fits(eu, 50)[0].data_rate.modulation.label(), "SF12/125kHz");
        assert_eq!(eu.downlink[7].modulation.label(), "FSK 50kbps");
        assert_eq!(region("US915").unwrap().max_fragment_bytes(), Some(219));
        assert_eq!(region("KR920").unwrap().downlink[0].max_fragment_bytes(), 48);
    }

    #[test]
    fn a_sound_plan_has_no_warning() {
        // The interoperability test's 995 B / 50 B / 25 %: 53 bytes fit EU868 DR3 and up.
        let p = plan(995, 50, 25, 1000);
        assert!(warnings(&p, Some("EU868")).is_empty());
        assert!(warnings(&p, Some("US915")).is_empty());
        assert!(warnings(&p, None).is_empty());
    }

    #[test]
    fn fragment_size_limit_is_255() {
        assert!(warnings(&plan(10_000, 255, 0, 1000), None).is_empty());
        let w = warnings(&plan(10_000, 256, 0, 1000), None);
        assert_eq!(codes(&w), ["fragment-size-limit"]);
        assert!(w[0].sentence().contains("at most 255 bytes"));
    }

    #[test]
    fn fragment_count_limit_is_16383_data_and_redundant_together() {
        assert!(warnings(&plan_with(50, 16_000, 383, 1), None).is_empty());
        assert_eq!(codes(&warnings(&plan_with(50, 16_000, 384, 1), None)), ["fragment-count-limit"]);
        // From the calculator: 16384 data fragments, no redundancy.
        assert_eq!(codes(&warnings(&plan(16_384, 1, 0, 1000), None)), ["fragment-count-limit"]);
        assert!(warnings(&plan(16_383, 1, 0, 1000), None).is_empty());
        let s = warnings(&plan_with(50, 20_000, 0, 1), None)[0].sentence();
        assert!(s.contains("20000 fragments") && s.contains("16383"), "{s}");
    }

    #[test]
    fn payload_too_large_only_when_no_data_rate_fits_a_known_region() {
        assert!(warnings(&plan(10_000, 219, 0, 1000), Some("EU868")).is_empty());
        let w = warnings(&plan(10_000, 220, 0, 1000), Some("eu868"));
        assert_eq!(codes(&w), ["payload-too-large"]);
        let s = w[0].sentence();
        assert!(s.contains("EU868") && s.contains("223 bytes") && s.contains("at most 219 bytes"), "{s}");
        // Unknown region: nothing to check against.
        assert!(warnings(&plan(10_000, 220, 0, 1000), Some("XX123")).is_empty());
        // CN470's fastest rates carry 222 too; a 256-byte fragment breaks both limits.
        assert_eq!(codes(&warnings(&plan(10_000, 256, 0, 1000), Some("CN470"))), ["fragment-size-limit", "payload-too-large"]);
    }

    #[test]
    fn loss_tolerance_counts_redundant_fragments() {
        let t = loss_tolerance(&plan(995, 50, 25, 1000));
        assert_eq!((t.lost_fragments, t.typical_lost_fragments), (5, 3));
        let s = t.sentence();
        assert!(s.contains("any 20 of the 25") && s.contains("up to 5") && s.contains("slightly more than 20"), "{s}");
        let small = loss_tolerance(&plan(100, 10, 50, 1000)).sentence();
        assert!(small.contains("below 20 data fragments"), "{small}");
        let none = loss_tolerance(&plan(100, 10, 0, 1000));
        assert_eq!(none.lost_fragments, 0);
        assert!(none.sentence().contains("must arrive"));
    }

    #[test]
    fn bytes_on_air_and_session_end() {
        let p = plan(995, 50, 25, 1000);
        assert_eq!(bytes_on_air(&p), Some(25 * 53));
        assert_eq!(session_end(1_700_000_000_000, &p), Some(1_700_000_025_000));
        assert_eq!(bytes_on_air(&plan_with(u64::MAX, 2, 0, 1)), None);
        assert_eq!(bytes_on_air(&plan_with(10, u64::MAX / 2, 0, 1)), None);
        assert_eq!(session_end(0, &plan_with(10, 1, 0, u64::MAX)), None);
        assert_eq!(session_end(i64::MAX, &plan_with(10, 1, 0, 1)), None);
        assert_eq!(session_end(-5_000, &plan_with(10, 1, 0, 5)), Some(0));
    }

    fn any_region_name() -> impl Strategy<Value = Option<String>> {
        prop_oneof![Just(None), (0..REGIONS.len()).prop_map(|i| Some(REGIONS[i].name.to_ascii_lowercase())), "\\PC{0,12}".prop_map(Some),]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn nothing_panics_on_any_plan(
            fragment in any::<u64>(), data in any::<u64>(), redundant in any::<u64>(),
            seconds in any::<u64>(), start in any::<i64>(), name in any_region_name()
        ) {
            let p = plan_with(fragment, data, redundant, seconds);
            let ws = warnings(&p, name.as_deref());
            for w in &ws {
                prop_assert!(!w.sentence().is_empty());
            }
            prop_assert_eq!(ws.iter().any(|w| w.code() == "fragment-size-limit"), fragment > MAX_FRAGMENT_SIZE);
            prop_assert_eq!(ws.iter().any(|w| w.code() == "fragment-count-limit"), p.total_fragments > MAX_FRAGMENTS);
            if let Some(r) = name.as_deref().and_then(region) {
                let fits_somewhere = fragment_fits(r, fragment).iter().any(|f| f.fits);
                prop_assert_eq!(ws.iter().any(|w| w.code() == "payload-too-large"), !fits_somewhere);
            }
            let t = loss_tolerance(&p);
            prop_assert!(t.typical_lost_fragments <= t.lost_fragments);
            prop_assert!(!t.sentence().is_empty());
            let exact = u128::from(p.total_fragments) * (u128::from(fragment) + 3);
            prop_assert_eq!(bytes_on_air(&p).map(u128::from), u64::try_from(exact).ok().map(u128::from));
            let end = i128::from(start) + i128::from(seconds) * 1000;
            prop_assert_eq!(session_end(start, &p).map(i128::from), i64::try_from(end).ok().map(i128::from));
        }

        #[test]
        fn calculator_plans_get_an_answer(
            firmware in any::<u64>(), fragment in any::<u64>(), percent in 0u64..=100, interval in any::<u64>(),
            name in any_region_name()
        ) {
            let inputs = FragmentInputs { firmware_bytes: firmware, fragment_bytes: fragment, redundancy_percent: percent, interval_ms: interval };
            if let Ok(p) = inputs.plan() {
                // Every plan the calculator makes gets warnings with words, a tolerance that
                // holds, and the session's end exactly when it fits in time.
                for w in warnings(&p, name.as_deref()) {
                    prop_assert!(!w.sentence().is_empty() && !w.code().is_empty());
                }
                let t = loss_tolerance(&p);
                prop_assert!(t.typical_lost_fragments <= t.lost_fragments && !t.sentence().is_empty());
                prop_assert_eq!(bytes_on_air(&p).is_some(), u128::from(p.total_fragments) * (u128::from(fragment) + 3) <= u128::from(u64::MAX));
                prop_assert_eq!(session_end(0, &p), i64::try_from(u128::from(p.session_seconds) * 1000).ok());
            }
        }

        #[test]
        fn any_text_is_a_region_or_none(text in "\\PC*") {
            if let Some(r) = region(&text) {
                prop_assert!(r.name.eq_ignore_ascii_case(text.trim()));
            }
        }
    }
}
