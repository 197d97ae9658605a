//! Which devices a downlink data rate reaches. A device's margin at downlink data rate *d* is its
//! best uplink SNR, minus the SNR that *d*'s spreading factor needs to be demodulated, minus
//! 10·log10(BW_d / BW_up): a wider downlink channel lets in more noise than the uplink's did.
//!
//! This takes the downlink's link budget to be the uplink's: the same path, the same antennas.
//! That is conservative where gateways send with more power than the devices (27 dBm against 14
//! in EU868, for instance), which is why the threshold (`reach-margin-db`) is the user's what-if.
//! FSK data rates and devices without statistics are unknown, never counted as meeting the margin.

use crate::preflight::links::DeviceLink;
use crate::radio::fragments::FragmentInputs;
use crate::radio::lorawan::{DataRate, Modulation, Region};
use crate::radio::planner::{fastest_sound_plan_among, NoSoundPlan, Proposal, RadioInputs};

/// The SNR a LoRa demodulator needs per spreading factor (Semtech SX1276/77/78/79 datasheet, LoRa
/// demodulator SNR table; SX1261/2 datasheet for SF5), in dB.
pub fn required_snr_db(spreading_factor: u8) -> Option<f64> {
    Some(match spreading_factor {
        5 => -2.5,
        6 => -5.0,
        7 => -7.5,
        8 => -10.0,
        9 => -12.5,
        10 => -15.0,
        11 => -17.5,
        12 => -20.0,
        _ => return None,
    })
}

/// The bandwidth of an uplink data rate in a region (RP002-1.0.4's uplink data-rate tables: EU868
/// Table 14, US915 Table 30, AU915 Table 44, CN470 Table 59, AS923 Table 75, KR920 Table 90,
/// IN865 Table 104, RU864 Table 118; EU433 and CN779 as EU868). None for FSK, LR-FHSS and RFU rates.
pub fn uplink_bandwidth_khz(rf_region: &str, data_rate: u8) -> Option<u16> {
    // Compared without case and without allocating: this runs for every device at every rate.
    let r = rf_region.trim();
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(r));
    if is(&["EU868", "EU433", "CN779", "RU864", "AS923-1", "AS923-2", "AS923-3", "AS923-4"]) {
        match data_rate {
            0..=5 => Some(125),
            6 => Some(250),
            _ => None,
        }
    } else if is(&["KR920", "IN865"]) {
        (data_rate <= 5).then_some(125)
    } else if is(&["US915"]) {
        match data_rate {
            0..=3 => Some(125),
            4 => Some(500),
            _ => None,
        }
    } else if is(&["AU915", "CN470"]) {
        match data_rate {
            0..=5 => Some(125),
            6 => Some(500),
            _ => None,
        }
    } else {
        None
    }
}

/// The margin, in dB, of a link heard at `best_snr_db` on an uplink of `uplink_khz` at the downlink
/// data rate `downlink`; None for FSK.
pub fn margin_db(best_snr_db: f64, downlink: &DataRate, uplink_khz: u16) -> Option<f64> {
    let Modulation::Lora { spreading_factor, bandwidth_khz } = downlink.modulation else { return None };
    let needed = required_snr_db(spreading_factor)?;
    let wider = 10.0 * (f64::from(bandwidth_khz) / f64::from(uplink_khz)).log10();
    Some(best_snr_db - needed - wider)
}

/// A device's margin at `downlink`, its uplink data rate read in `uplink_region` (the task's RF
/// region: the devices' own, whatever region the planner is asked about), heard by the best of
/// `participating` (every gateway when empty); None when it is unknown (no statistics, no SNR, an
/// uplink data rate without a known bandwidth, an FSK downlink, none of those gateways heard it).
pub fn device_margin_db(link: &DeviceLink, uplink_region: &str, participating: &[String], downlink: &DataRate) -> Option<f64> {
    let snr = link.best_among(participating)?.snr_db?;
    let uplink = uplink_bandwidth_khz(uplink_region, link.uplink_data_rate?)?;
    margin_db(snr, downlink, uplink).filter(|m| m.is_finite())
}

/// The one rule of "margin met": a margin at least the threshold asked. (A device is *reached*
/// when, besides, it is not silent and a gateway of the group heard it: its verdict.)
pub fn meets_margin(margin_db: f64, threshold_db: f64) -> bool {
    margin_db >= threshold_db
}

/// How many of the checked devices have the margin at a downlink data rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReachCount {
    pub data_rate: u8,
    /// Devices whose margin at this rate is at least the threshold.
    pub margin_met: usize,
    /// Devices whose margin at this rate is known (the share is of these).
    pub known: usize,
}

impl ReachCount {
    /// The share with the margin among the devices with known links, 0 to 1; None when none is known.
    pub fn share(&self) -> Option<f64> {
        (self.known > 0).then(|| self.margin_met as f64 / self.known as f64)
    }
}

/// The reach of every downlink data rate of `region` over `links`, with a margin of at least
/// `threshold_db` counted as met.
pub fn reach_counts<'a>(
    links: impl IntoIterator<Item = &'a DeviceLink> + Clone,
    region: &Region,
    uplink_region: &str,
    participating: &[String],
    threshold_db: f64,
) -> Vec<ReachCount> {
    region
        .downlink
        .iter()
        .map(|d| {
            let mut count = ReachCount { data_rate: d.index, margin_met: 0, known: 0 };
            for link in links.clone() {
                if let Some(m) = device_margin_db(link, uplink_region, participating, d) {
                    count.known += 1;
                    count.margin_met += usize::from(meets_margin(m, threshold_db));
                }
            }
            count
        })
        .collect()
}

/// The rate that reaches the largest share (the fastest of equals: it sends the same devices the
/// session sooner), leaving `except` out; None when no share is known.
pub fn best_rate(counts: &[ReachCount], except: Option<u8>) -> Option<(u8, f64)> {
    counts
        .iter()
        .filter(|c| Some(c.data_rate) != except)
        .filter_map(|c| Some((c.data_rate, c.share()?)))
        .max_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)))
}

/// The 95 % interval of a share measured on a random sample: Wilson's score interval (z = 1.96),
/// which stays within 0..1 and is sound at 0 % and 100 % where the normal approximation is not.
pub fn share_interval_95(successes: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (successes.min(n) as f64, n as f64);
    let z = 1.96_f64;
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// `k` distinct indices of `0..n`, uniformly at random (a partial Fisher–Yates shuffle);
/// `random` gives numbers in [0, 1) (the browser's `Math.random`). All of them when `k >= n`.
pub fn sample_indices(n: usize, k: usize, mut random: impl FnMut() -> f64) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    let k = k.min(n);
    for i in 0..k {
        let span = n - i;
        let j = i + ((random().clamp(0.0, 1.0) * span as f64) as usize).min(span - 1);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

/// Why no plan reaches the target.
#[derive(Clone, Debug, PartialEq)]
pub enum NoReachingPlan {
    /// No data rate reaches the target share; the one that reaches most, and its share.
    NoRateReaches { target_percent: u8, best: Option<(u8, f64)> },
    /// Rates reach it, but none of them makes a sound plan (the planner's reason).
    Plan { target_percent: u8, rates: Vec<u8>, why: NoSoundPlan },
}

impl NoReachingPlan {
    pub fn sentence(&self) -> String {
        match self {
            NoReachingPlan::NoRateReaches { target_percent, best: Some((dr, share)) } => format!(
                "No downlink data rate reaches {target_percent} % of the devices with known links; DR{dr} reaches the most, {} %. Lower the target, wake the silent devices, or add a gateway near the others.",
                crate::words::whole(share * 100.0)
            ),
            NoReachingPlan::NoRateReaches { target_percent, best: None } => {
                format!("No device's link is known yet: no data rate can be said to reach {target_percent} % of them.")
            }
            NoReachingPlan::Plan { target_percent, rates, why } => format!(
                "Only {} reach {target_percent} % of the devices with known links, and none of them makes a sound plan: {}",
                rates.iter().map(|d| format!("DR{d}")).collect::<Vec<_>>().join(", "),
                why.sentence()
            ),
        }
    }
}

/// The fastest sound plan among the data rates that reach at least `target_percent` of the
/// devices with known links.
pub fn reaching_plan(
    inputs: FragmentInputs,
    rf_region: &str,
    radio: &RadioInputs,
    counts: &[ReachCount],
    target_percent: u8,
) -> Result<Proposal, NoReachingPlan> {
    let target = f64::from(target_percent.min(100)) / 100.0;
    let meets = |dr: u8| counts.iter().find(|c| c.data_rate == dr).and_then(ReachCount::share).is_some_and(|s| s >= target);
    if !counts.iter().any(|c| meets(c.data_rate)) {
        return Err(NoReachingPlan::NoRateReaches { target_percent, best: best_rate(counts, None) });
    }
    fastest_sound_plan_among(inputs, rf_region, radio, &meets).map_err(|why| NoReachingPlan::Plan {
        target_percent,
        rates: counts.iter().map(|c| c.data_rate).filter(|&d| meets(d)).collect(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::radio::lorawan;
    use crate::radio::planner::demo_radio;
    use proptest::prelude::*;

    fn rate(region: &str, index: u8) -> DataRate {
        *lorawan::region(region).unwrap().downlink.iter().find(|d| d.index == index).unwrap()
    }

    fn link(snr: f64, uplink_dr: u8) -> DeviceLink {
        DeviceLink {
            statistics: true,
            last_uplink: None,
            uplink_data_rate: Some(uplink_dr),
            gateways: vec![crate::preflight::links::Heard { gateway_eui: "A".into(), snr_db: Some(snr), rssi_dbm: None }],
        }
    }

    /// Hand-computed: margin = SNR − required(SF_d) − 10·log10(BW_d / BW_up), one decimal.
    #[test]
    fn the_margin_of_every_regions_downlink_rates_against_a_hand_computed_table() {
        let r1 = |x: f64| (x * 10.0).round() / 10.0;
        // (region, uplink DR, SNR, downlink DR, expected margin)
        let table: &[(&str, u8, f64, u8, Option<f64>)] = &[
            ("EU868", 3, -5.0, 0, Some(15.0)),  // SF12/125: −5 + 20
            ("EU868", 3, -5.0, 3, Some(7.5)),   // SF9/125: −5 + 12.5
            ("EU868", 3, -5.0, 5, Some(2.5)),   // SF7/125
            ("EU868", 3, -5.0, 6, Some(-0.5)),  // SF7/250: −5 + 7.5 − 3.0
            ("EU868", 6, -5.0, 0, Some(18.0)),  // uplink 250 kHz, downlink 125: +3.0
            ("EU868", 3, -5.0, 7, None),        // FSK: unknown
            ("EU868", 7, -5.0, 3, None),        // FSK uplink: bandwidth unknown
            ("US915", 0, -5.0, 8, Some(9.0)),   // SF12/500 from 125: −5 + 20 − 6.02
            ("US915", 0, -5.0, 13, Some(-3.5)), // SF7/500: −5 + 7.5 − 6.02
            ("US915", 4, -5.0, 13, Some(2.5)),  // uplink SF8/500: no correction
            ("AU915", 6, 0.0, 10, Some(15.0)),  // uplink 500, SF10/500
            ("AU915", 2, 0.0, 11, Some(6.5)),   // SF9/500 from 125: 12.5 − 6.02
            ("CN470", 6, 0.0, 6, Some(7.5)),    // 500 → 500
            ("CN470", 1, 0.0, 6, Some(1.5)),    // SF7/500 from 125
            ("AS923-1", 0, -10.0, 2, Some(5.0)),
            ("KR920", 5, -1.0, 1, Some(16.5)),
            ("IN865", 2, -12.0, 4, Some(-2.0)),
            ("IN865", 7, -12.0, 4, None),
        ];
        for &(region, up, snr, down, want) in table {
            let r = lorawan::region(region).unwrap();
            let got = device_margin_db(&link(snr, up), r.name, &[], &rate(region, down)).map(r1);
            assert_eq!(got, want, "{region} uplink DR{up} SNR {snr} → DR{down}");
        }
    }

    #[test]
    fn unknown_links_never_count_as_meeting_the_margin() {
        let eu = lorawan::region("EU868").unwrap();
        let never_joined = DeviceLink { statistics: false, last_uplink: None, uplink_data_rate: None, gateways: vec![] };
        let no_snr =
            DeviceLink { gateways: vec![crate::preflight::links::Heard { gateway_eui: "A".into(), snr_db: None, rssi_dbm: Some(-90.0) }], ..link(0.0, 3) };
        let links = [link(-5.0, 3), link(-15.0, 3), never_joined, no_snr];
        let counts = reach_counts(links.iter(), eu, "EU868", &[], 0.0);
        let at = |dr: u8| *counts.iter().find(|c| c.data_rate == dr).unwrap();
        assert_eq!(at(0), ReachCount { data_rate: 0, margin_met: 2, known: 2 });
        assert_eq!(at(3), ReachCount { data_rate: 3, margin_met: 1, known: 2 }); // −15 + 12.5 < 0
        assert_eq!(at(7), ReachCount { data_rate: 7, margin_met: 0, known: 0 });
        assert_eq!(at(7).share(), None);
        // A what-if margin moves the counts.
        assert_eq!(reach_counts(links.iter(), eu, "EU868", &[], 8.0).iter().find(|c| c.data_rate == 3).unwrap().margin_met, 0);
    }

    #[test]
    fn the_best_rate_is_the_fastest_of_those_that_reach_most() {
        let c = |data_rate, margin_met, known| ReachCount { data_rate, margin_met, known };
        let counts = [c(0, 10, 10), c(1, 10, 10), c(2, 9, 10), c(7, 0, 0)];
        assert_eq!(best_rate(&counts, None), Some((1, 1.0)));
        assert_eq!(best_rate(&counts, Some(1)), Some((0, 1.0)));
        assert_eq!(best_rate(&[c(7, 0, 0)], None), None);
        let why =
            NoReachingPlan::Plan { target_percent: 95, rates: vec![0, 1], why: crate::radio::planner::NoSoundPlan::RegionUnknown { rf_region: "XX".into() } };
        assert!(why.sentence().starts_with("Only DR0, DR1 reach 95 %"), "{}", why.sentence());
    }

    #[test]
    fn the_interval_of_a_sample() {
        let (lo, hi) = share_interval_95(950, 1000).unwrap();
        assert!((lo - 0.9346).abs() < 0.001 && (hi - 0.9626).abs() < 0.001, "{lo} {hi}");
        let (lo, hi) = share_interval_95(0, 1000).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.005);
        assert_eq!(share_interval_95(0, 0), None);
    }

    #[test]
    fn the_proposal_keeps_to_the_rates_that_reach_the_target() {
        let eu = lorawan::region("EU868").unwrap();
        // Most devices are weak: only the slow rates reach them.
        let links: Vec<DeviceLink> = (0..20).map(|i| link(if i < 19 { -14.0 } else { 5.0 }, 3)).collect();
        let counts = reach_counts(links.iter(), eu, "EU868", &[], 0.0);
        let inputs = FragmentInputs { firmware_bytes: 20_000, fragment_bytes: 50, redundancy_percent: 10, interval_ms: 1000 };
        let free = crate::radio::planner::fastest_sound_plan(inputs, "EU868", &demo_radio()).unwrap();
        let reaching = reaching_plan(inputs, "EU868", &demo_radio(), &counts, 95).unwrap();
        assert!(reaching.data_rate < free.data_rate, "{} vs {}", reaching.data_rate, free.data_rate);
        // −14 + 15 ≥ 0 at SF10 (DR2); SF9 (DR3) needs −12.5.
        assert!(reaching.data_rate <= 2);
        match reaching_plan(inputs, "EU868", &demo_radio(), &reach_counts(links.iter(), eu, "EU868", &[], 30.0), 95) {
            Err(e @ NoReachingPlan::NoRateReaches { .. }) => assert!(e.sentence().contains("reaches the most"), "{}", e.sentence()),
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        /// Whenever some rate meets the target, the proposal's rate meets it too.
        #[test]
        fn a_proposal_never_falls_below_a_target_some_rate_meets(snrs in proptest::collection::vec(-25.0f64..12.0, 1..40), target in 50u8..=100, threshold in -5.0f64..10.0) {
            let eu = lorawan::region("EU868").unwrap();
            let links: Vec<DeviceLink> = snrs.iter().map(|s| link(*s, 3)).collect();
            let counts = reach_counts(links.iter(), eu, "EU868", &[], threshold);
            let inputs = FragmentInputs { firmware_bytes: 5_000, fragment_bytes: 40, redundancy_percent: 10, interval_ms: 1000 };
            if let Ok(p) = reaching_plan(inputs, "EU868", &demo_radio(), &counts, target) {
                let c = counts.iter().find(|c| c.data_rate == p.data_rate).unwrap();
                prop_assert!(c.share().unwrap() >= f64::from(target) / 100.0);
            }
        }

        #[test]
        fn a_sample_is_distinct_and_in_range(n in 0usize..3000, k in 0usize..1200, seed in any::<u64>()) {
            let mut x = seed | 1;
            let s = sample_indices(n, k, || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; (x >> 11) as f64 / (1u64 << 53) as f64 });
            prop_assert_eq!(s.len(), k.min(n));
            let distinct: std::collections::HashSet<_> = s.iter().collect();
            prop_assert_eq!(distinct.len(), s.len());
            prop_assert!(s.iter().all(|&i| i < n));
        }

        #[test]
        fn the_interval_holds_the_share(k in 0usize..2000, extra in 0usize..2000) {
            let n = k + extra;
            if let Some((lo, hi)) = share_interval_95(k, n) {
                let p = k as f64 / n as f64;
                prop_assert!(lo <= p + 1e-12 && p <= hi + 1e-12 && (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
            }
        }
    }
}
