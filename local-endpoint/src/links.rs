//! The sample account's radio side, what the pre-flight check reads: its gateways
//! (GetWirelessGateway) and each device's last uplink as GetWirelessDeviceStatistics reports it.
//!
//! A device's link is computed from its id (a hash), so that the 10,000 devices of `demo-10k` cost
//! nothing until one is asked for, and each answers the same every time; only the time of its last
//! uplink moves with the server's clock (the link holds its age). About 5 % of the devices never
//! joined (the answer holds only `WirelessDeviceId`), about 10 % have been silent for 2 to 10 days,
//! the others sent an uplink within the last six hours, at a data rate of their task's band, heard
//! by one to three of the band's gateways; about 10 % are heard with little margin over the LoRa
//! demodulation floor of their spreading factor. `demo-in-session`'s devices are set by hand
//! ([`IN_SESSION_CASES`]): each is a case the check must tell.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::account;
use crate::campaign;

/// A wireless gateway of the sample account.
#[derive(Debug, PartialEq)]
pub struct Gateway {
    pub id: &'static str,
    pub name: &'static str,
    /// The EUI as it was registered, hence as GetWirelessGateway writes it (one with dashes).
    pub eui: &'static str,
    pub band: &'static str,
}

/// Every gateway of the sample account, a few per band. EU868's `gw-eu868-3` and `-4` stand at
/// another site: the Class C group does not name them, and some of `demo-in-session`'s devices
/// are heard only by them.
pub const GATEWAYS: &[Gateway] = &[
    Gateway { id: "gw-eu868-1", name: "rooftop-north", eui: "58a0cbfffe802a11", band: "EU868" },
    Gateway { id: "gw-eu868-2", name: "warehouse-east", eui: "72-76-FF-00-0B-03-1F-52", band: "EU868" },
    Gateway { id: "gw-eu868-3", name: "substation-west", eui: "b827ebfffe6a4c03", band: "EU868" },
    Gateway { id: "gw-eu868-4", name: "water-tower-south", eui: "0016c001ff1a7e94", band: "EU868" },
    Gateway { id: "gw-us915-1", name: "pole-12", eui: "24e124fffef0a101", band: "US915" },
    Gateway { id: "gw-us915-2", name: "pole-27", eui: "00800000a000b3c2", band: "US915" },
    Gateway { id: "gw-us915-3", name: "depot", eui: "647fdafffe00c4d3", band: "US915" },
    Gateway { id: "gw-au915-1", name: "ridge", eui: "a840411d3e2c4150", band: "AU915" },
    Gateway { id: "gw-au915-2", name: "shed", eui: "a840411d3e2c4151", band: "AU915" },
    Gateway { id: "gw-as923-1", name: "tower-a", eui: "ac1f09fffe05b0e1", band: "AS923-1" },
    Gateway { id: "gw-as923-2", name: "tower-b", eui: "ac1f09fffe05b0e2", band: "AS923-1" },
    Gateway { id: "gw-in865-1", name: "mast-1", eui: "ac1f09fffe0a11f0", band: "IN865" },
    Gateway { id: "gw-in865-2", name: "mast-2", eui: "ac1f09fffe0a11f1", band: "IN865" },
];

/// A band's uplinks: LoRa at 125 kHz on data rates 0..=`max_dr`, on these channels.
struct Band {
    name: &'static str,
    max_dr: u8,
    /// The spreading factor of DR0 (each data rate up is one less).
    sf_at_dr0: u8,
    /// Uplink channels, Hz.
    channels: &'static [u32],
}

/// The bands of the sample tasks (RP002-1.0.4): EU868's three default channels and five more;
/// US915 and AU915 on sub-band 2 (channels 8 to 15, the one most networks use), where US915's
/// 125 kHz uplinks go from DR0 (SF10) to DR3 (SF7).
const BANDS: &[Band] = &[
    Band {
        name: "EU868",
        max_dr: 5,
        sf_at_dr0: 12,
        channels: &[868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000],
    },
    Band {
        name: "US915",
        max_dr: 3,
        sf_at_dr0: 10,
        channels: &[903_900_000, 904_100_000, 904_300_000, 904_500_000, 904_700_000, 904_900_000, 905_100_000, 905_300_000],
    },
    Band {
        name: "AU915",
        max_dr: 5,
        sf_at_dr0: 12,
        channels: &[916_800_000, 917_000_000, 917_200_000, 917_400_000, 917_600_000, 917_800_000, 918_000_000, 918_200_000],
    },
    Band {
        name: "AS923-1",
        max_dr: 5,
        sf_at_dr0: 12,
        channels: &[923_200_000, 923_400_000, 922_200_000, 922_400_000, 922_600_000, 922_800_000, 923_000_000, 922_000_000],
    },
    Band { name: "IN865", max_dr: 5, sf_at_dr0: 12, channels: &[865_062_500, 865_402_500, 865_985_000] },
];

fn band(name: &str) -> &'static Band {
    BANDS.iter().find(|b| b.name == name).unwrap_or(&BANDS[0])
}

/// The LoRa demodulation floor of a spreading factor (Semtech SX1276 datasheet): SF7 −7.5 dB down
/// to SF12 −20 dB, 2.5 dB a step.
pub fn snr_floor(spreading_factor: u8) -> f64 {
    -20.0 + 2.5 * f64::from(12u8.saturating_sub(spreading_factor))
}

/// The spreading factor of an uplink data rate in a band.
pub fn spreading_factor(band_name: &str, data_rate: u8) -> u8 {
    band(band_name).sf_at_dr0.saturating_sub(data_rate)
}

/// What a device of `demo-in-session` shows the pre-flight check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// No LoRaWAN statistics at all: the answer holds only `WirelessDeviceId`.
    NeverJoined,
    /// Its last uplink was days ago: it will not get its Class A setup in time.
    Silent,
    /// Heard within a few dB of the floor of its spreading factor (or below it).
    Weak,
    /// Heard only by gateways the multicast group does not name.
    Unheard,
}

/// `demo-in-session`'s devices (and its group's own two, 100 and 101) that are a case, by index:
/// the group's members 1 to 5 and 100 among them. The others were heard within the last hours,
/// with margin, by a gateway the Class C group names.
pub const IN_SESSION_CASES: &[(usize, Case)] = &[
    (1, Case::Weak),
    (2, Case::NeverJoined),
    (3, Case::Unheard),
    (4, Case::Silent),
    (5, Case::Weak),
    (9, Case::Silent),
    (12, Case::Weak),
    (13, Case::Unheard),
    (100, Case::Unheard),
];

/// Which gateways may hear a device.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Any of its band's.
    Any,
    /// The best one is one the Class C group names.
    Participating,
    /// Only ones the Class C group does not name.
    Elsewhere,
}

struct Traits {
    joined: bool,
    silent: bool,
    weak: bool,
    reach: Reach,
}

/// A stream of numbers drawn from a device id: FNV-1a of the id, then SplitMix64.
struct Draw(u64);

impl Draw {
    fn of(id: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in id.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Draw(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn traits(task_id: &str, n: usize, draw: &mut Draw) -> Traits {
    if task_id == "demo-in-session" {
        let case = IN_SESSION_CASES.iter().find(|(i, _)| *i == n).map(|(_, c)| *c);
        return Traits {
            joined: case != Some(Case::NeverJoined),
            silent: case == Some(Case::Silent),
            weak: case == Some(Case::Weak),
            reach: if case == Some(Case::Unheard) { Reach::Elsewhere } else { Reach::Participating },
        };
    }
    let roll = draw.below(1000);
    Traits { joined: roll >= 50, silent: roll < 150, weak: draw.below(10) == 0, reach: Reach::Any }
}

/// One gateway that heard an uplink.
#[derive(Debug, PartialEq)]
pub struct Heard {
    pub gateway: &'static Gateway,
    /// dB, in the quarter-dB steps a LoRa receiver reports.
    pub snr: f64,
    /// dBm.
    pub rssi: f64,
    /// How the answer spells the gateway's EUI (see [`spell`]).
    spelling: u64,
}

/// A device's last uplink.
#[derive(Debug, PartialEq)]
pub struct Uplink {
    /// How long before the server's now it was received.
    pub age: Duration,
    pub data_rate: u8,
    pub frequency: u32,
    pub fport: u8,
    /// One to three gateways, in no particular order.
    pub heard: Vec<Heard>,
}

fn quarter_db(x: f64) -> f64 {
    (x * 4.0).round() / 4.0
}

/// A signal heard at `snr` dB: its RSSI is near the noise floor (about −120 dBm at 125 kHz) when
/// the SNR is low, and up to −60 dBm when it is high.
fn rssi_for(snr: f64, draw: &mut Draw) -> f64 {
    (-120.0 + (snr + 20.0) * 1.5 + 12.0 * draw.unit()).clamp(-120.0, -60.0).round()
}

/// Device `n` of `task_id`'s last uplink; None when the device never joined.
pub fn uplink(task_id: &str, n: usize) -> Option<Uplink> {
    let mut draw = Draw::of(&campaign::device_id(task_id, n));
    let t = traits(task_id, n, &mut draw);
    if !t.joined {
        return None;
    }
    let band = band(campaign::band_of_roster(task_id));
    let age_ms = if t.silent { 2 * 86_400_000 + draw.below(8 * 86_400_000) } else { 20_000 + draw.below(6 * 3_600_000 - 20_000) };
    let data_rate = draw.below(u64::from(band.max_dr) + 1) as u8;
    let floor = snr_floor(band.sf_at_dr0 - data_rate);
    let margin = if t.weak { -2.0 + 3.5 * draw.unit() } else { 3.0 + 15.0 * draw.unit() };
    let best = quarter_db((floor + margin).clamp(-20.0, 10.0));
    let participating = campaign::participating_gateways(campaign::CLASS_C_GROUP);
    let of_band: Vec<&'static Gateway> = GATEWAYS.iter().filter(|g| g.band == band.name).collect();
    let named = |g: &&'static Gateway| participating.contains(&g.id);
    let (mut first_pool, mut others): (Vec<&'static Gateway>, Vec<&'static Gateway>) = match t.reach {
        Reach::Any => (of_band.clone(), Vec::new()),
        Reach::Participating => of_band.iter().copied().partition(named),
        Reach::Elsewhere => (of_band.iter().filter(|g| !named(g)).copied().collect(), Vec::new()),
    };
    let first = first_pool.remove(draw.below(first_pool.len() as u64) as usize);
    // The others that may hear it too: the band's other gateways, but for a device heard elsewhere
    // only (none of the group's gateways hears it).
    others.extend(first_pool);
    let count = match draw.below(10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let mut heard = vec![Heard { gateway: first, snr: best, rssi: rssi_for(best, &mut draw), spelling: draw.below(5) }];
    while heard.len() < count && !others.is_empty() {
        let gateway = others.remove(draw.below(others.len() as u64) as usize);
        let snr = quarter_db((best - 1.0 - 10.0 * draw.unit()).max(-20.0));
        heard.push(Heard { gateway, snr, rssi: rssi_for(snr, &mut draw), spelling: draw.below(5) });
    }
    if draw.below(2) == 0 {
        heard.reverse();
    }
    let frequency = band.channels[draw.below(band.channels.len() as u64) as usize];
    Some(Uplink { age: Duration::from_millis(age_ms), data_rate, frequency, fport: 2, heard })
}

/// 16 uppercase hex digits of an EUI written any way the model allows (`-`, `:`, spaces, either
/// case), or None.
pub fn normalise_eui(eui: &str) -> Option<String> {
    let digits: String = eui.chars().filter(|c| !matches!(c, '-' | ':' | ' ')).collect();
    (digits.len() == 16 && digits.chars().all(|c| c.is_ascii_hexdigit())).then(|| digits.to_ascii_uppercase())
}

/// An EUI as a statistics answer may write it: plain, lower case, with `-` or `:` between the bytes.
pub fn spell(eui: &str, spelling: u64) -> String {
    let upper = normalise_eui(eui).unwrap_or_else(|| eui.to_owned());
    let bytes: Vec<&str> = (0..upper.len()).step_by(2).map(|i| &upper[i..(i + 2).min(upper.len())]).collect();
    match spelling % 5 {
        0 => upper,
        1 => upper.to_ascii_lowercase(),
        2 => bytes.join("-"),
        3 => bytes.join("-").to_ascii_lowercase(),
        _ => bytes.join(":").to_ascii_lowercase(),
    }
}

/// `2026-12-03T09:14:05.318Z`.
fn iso8601_millis(t: SystemTime) -> String {
    let millis = t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    i128::try_from(millis)
        .ok()
        .and_then(|ms| time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).ok())
        .and_then(|d| d.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z")).ok())
        .unwrap_or_default()
}

/// GetWirelessDeviceStatistics' answer for a device id at the server's `now`; None when the
/// account has no such device. A `fault-throttled-*` device (one Associate knows) never joined.
pub fn statistics(id: &str, now: SystemTime) -> Option<Value> {
    let mut answer = json!({"WirelessDeviceId": id});
    let Some((task, n)) = campaign::account_device(id) else {
        return id.starts_with(campaign::THROTTLED_DEVICE_PREFIX).then_some(answer);
    };
    if let Some(up) = uplink(task, n) {
        let at = iso8601_millis(now.checked_sub(up.age).unwrap_or(SystemTime::UNIX_EPOCH));
        let gateways: Vec<Value> = up.heard.iter().map(|h| json!({"GatewayEui": spell(h.gateway.eui, h.spelling), "Snr": h.snr, "Rssi": h.rssi})).collect();
        answer["LastUplinkReceivedAt"] = json!(at);
        answer["LoRaWAN"] = json!({
            "DevEui": campaign::dev_eui(task, n),
            "FPort": up.fport,
            "DataRate": up.data_rate,
            "Frequency": up.frequency,
            "Timestamp": at,
            "Gateways": gateways,
        });
    }
    Some(answer)
}

/// The gateway GetWirelessGateway names by `identifier` of `identifier_type` (`WirelessGatewayId`
/// or `GatewayEui`; none of them has a `ThingName`).
pub fn find_gateway(identifier: &str, identifier_type: &str) -> Option<&'static Gateway> {
    match identifier_type {
        "WirelessGatewayId" => GATEWAYS.iter().find(|g| g.id == identifier),
        "GatewayEui" => {
            let wanted = normalise_eui(identifier)?;
            GATEWAYS.iter().find(|g| normalise_eui(g.eui).as_deref() == Some(wanted.as_str()))
        }
        _ => None,
    }
}

/// GetWirelessGateway's answer.
pub fn gateway_answer(gateway: &Gateway, region: &str) -> Value {
    let mut lorawan = json!({"GatewayEui": gateway.eui, "RfRegion": gateway.band});
    if matches!(gateway.band, "US915" | "AU915") {
        lorawan["SubBands"] = json!([2]);
    }
    json!({
        "Arn": account::arn(region, "WirelessGateway", gateway.id),
        "Id": gateway.id,
        "Name": gateway.name,
        "Description": format!("Sample {} gateway", gateway.band),
        "LoRaWAN": lorawan,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_task_band_is_its_tasks_rf_region_and_has_gateways() {
        let tasks = crate::tasks::campaign_tasks("us-east-1", 0.0);
        for task in campaign::DEVICE_TASKS {
            let region = tasks.iter().find(|t| t["Id"] == *task).unwrap()["LoRaWAN"]["RfRegion"].as_str().unwrap();
            assert_eq!(campaign::band_of_roster(task), region, "{task}");
            assert!(BANDS.iter().any(|b| b.name == region), "{region}");
            assert!(GATEWAYS.iter().filter(|g| g.band == region).count() >= 2, "{region}");
        }
        let ids: HashSet<&str> = GATEWAYS.iter().map(|g| g.id).collect();
        let euis: HashSet<String> = GATEWAYS.iter().map(|g| normalise_eui(g.eui).unwrap()).collect();
        assert_eq!((ids.len(), euis.len()), (GATEWAYS.len(), GATEWAYS.len()));
        assert_eq!((snr_floor(7), snr_floor(12)), (-7.5, -20.0));
        assert_eq!((spreading_factor("EU868", 5), spreading_factor("US915", 0)), (7, 10));
    }

    #[test]
    fn ten_thousand_devices_spread_like_a_real_fleet_and_answer_the_same_every_time() {
        let (mut never, mut silent, mut weak, mut spellings) = (0, 0, 0, HashSet::new());
        for n in 0..campaign::BIG_TASK_DEVICES {
            let Some(up) = uplink("demo-10k", n) else {
                never += 1;
                continue;
            };
            assert_eq!(Some(&up), uplink("demo-10k", n).as_ref(), "deterministic");
            let hours = up.age.as_secs_f64() / 3600.0;
            if hours > 24.0 {
                silent += 1;
                assert!((48.0..240.0).contains(&hours), "{hours}");
            } else {
                assert!(hours < 6.0, "{hours}");
            }
            assert!(up.data_rate <= 3, "US915 uplinks DR0 to DR3");
            assert!(BANDS[1].channels.contains(&up.frequency));
            assert!((1..=3).contains(&up.heard.len()));
            let ids: HashSet<&str> = up.heard.iter().map(|h| h.gateway.id).collect();
            assert_eq!(ids.len(), up.heard.len(), "each gateway once");
            let floor = snr_floor(spreading_factor("US915", up.data_rate));
            let best = up.heard.iter().map(|h| h.snr).fold(f64::MIN, f64::max);
            if best - floor < 2.0 {
                weak += 1;
            }
            for h in &up.heard {
                assert_eq!(h.gateway.band, "US915");
                assert!((-20.0..=10.0).contains(&h.snr) && (-120.0..=-60.0).contains(&h.rssi), "{h:?}");
                let spelled = spell(h.gateway.eui, h.spelling);
                let style = match spelled.chars().find(|c| !c.is_ascii_alphanumeric()) {
                    Some(separator) => separator,
                    None if spelled.chars().any(|c| c.is_ascii_lowercase()) => 'a',
                    None => 'A',
                };
                spellings.insert(style);
            }
        }
        let share = |k: usize| k as f64 / campaign::BIG_TASK_DEVICES as f64;
        assert!((0.04..0.06).contains(&share(never)), "never joined: {never}");
        assert!((0.08..0.12).contains(&share(silent)), "silent: {silent}");
        assert!((0.05..0.15).contains(&share(weak)), "weak: {weak}");
        assert_eq!(spellings, HashSet::from(['A', 'a', '-', ':']), "plain, lower case, dashes, colons");
    }

    #[test]
    fn demo_in_session_has_each_case_of_the_pre_flight_check() {
        let participating = campaign::participating_gateways(campaign::CLASS_C_GROUP);
        let members: Vec<usize> = campaign::group_members(campaign::CLASS_C_GROUP).iter().map(|(_, n)| *n).collect();
        let mut seen = Vec::new();
        for n in members.iter().copied().chain(0..campaign::device_count("demo-in-session")) {
            let case = IN_SESSION_CASES.iter().find(|(i, _)| *i == n).map(|(_, c)| *c);
            let Some(up) = uplink("demo-in-session", n) else {
                assert_eq!(case, Some(Case::NeverJoined), "{n}");
                seen.push((n, Case::NeverJoined));
                continue;
            };
            assert!(up.data_rate <= 5 && BANDS[0].channels.contains(&up.frequency), "EU868 DR0 to DR5");
            let silent = up.age > Duration::from_secs(2 * 86_400);
            assert_eq!(silent, case == Some(Case::Silent), "{n}");
            let covered = up.heard.iter().any(|h| participating.contains(&h.gateway.id));
            assert_eq!(!covered, case == Some(Case::Unheard), "{n}");
            let best = up.heard.iter().map(|h| h.snr).fold(f64::MIN, f64::max);
            let margin = best - snr_floor(spreading_factor("EU868", up.data_rate));
            assert_eq!(margin < 2.0, case == Some(Case::Weak), "{n}: margin {margin}");
            if let Some(c) = case {
                seen.push((n, c));
            }
        }
        for case in [Case::NeverJoined, Case::Silent, Case::Weak, Case::Unheard] {
            assert!(seen.iter().any(|(n, c)| *c == case && members.contains(n)), "a member of the group is {case:?}");
        }
        assert!(seen.iter().filter(|(_, c)| *c == Case::Weak).count() >= 3);
        assert!(members.iter().any(|n| IN_SESSION_CASES.iter().all(|(i, _)| i != n)), "and a member that is fine");
    }

    /// The fleets' devices have links as the other sample devices do (a few never joined or
    /// silent), in EU868, heard by gateways their group names: a rollout's pre-flight reads them.
    #[test]
    fn the_fleets_devices_have_links_heard_by_their_groups_gateways() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_300_000);
        for fleet in &campaign::FLEETS {
            let named = campaign::participating_gateways(fleet.group);
            let mut joined = 0;
            for n in 0..fleet.devices {
                let id = campaign::device_id(fleet.roster, n);
                let answer = statistics(&id, now).unwrap();
                assert_eq!(answer["WirelessDeviceId"], id.as_str());
                let Some(up) = uplink(fleet.roster, n) else { continue };
                joined += 1;
                assert_eq!(answer["LoRaWAN"]["DevEui"].as_str(), Some(campaign::dev_eui(fleet.roster, n).as_str()));
                assert!(up.data_rate <= 5 && BANDS[0].channels.contains(&up.frequency), "EU868");
                assert!(up.heard.iter().all(|h| named.contains(&h.gateway.id)), "{id}");
            }
            let share = joined as f64 / fleet.devices as f64;
            assert!((0.85..1.0).contains(&share), "{}: {share}", fleet.roster);
        }
    }

    #[test]
    fn statistics_answer_as_the_model_has_them() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_300_000);
        let fine = statistics("demo-in-session-dev-00000", now).unwrap();
        let lorawan = &fine["LoRaWAN"];
        assert_eq!(lorawan["DevEui"].as_str().unwrap(), campaign::dev_eui("demo-in-session", 0));
        assert_eq!(fine["LastUplinkReceivedAt"], lorawan["Timestamp"]);
        let at = time::OffsetDateTime::parse(fine["LastUplinkReceivedAt"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
        let age = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64 - at.unix_timestamp();
        assert!((0..6 * 3600).contains(&age), "{age}");
        assert!(lorawan["Gateways"].as_array().unwrap().iter().all(|g| g["Snr"].is_f64() && g["Rssi"].is_f64() && g["GatewayEui"].is_string()));
        assert_eq!(statistics("demo-in-session-dev-00002", now).unwrap(), json!({"WirelessDeviceId": "demo-in-session-dev-00002"}));
        assert_eq!(statistics("fault-throttled-x", now).unwrap(), json!({"WirelessDeviceId": "fault-throttled-x"}));
        assert!(statistics("demo-10k-dev-09999", now).is_some() && statistics("demo-10k-dev-10000", now).is_none());
        assert!(statistics("demo-in-session-dev-00100", now).is_some(), "a group-only member");
        assert!(statistics("nope", now).is_none());
    }

    #[test]
    fn gateways_are_found_by_id_or_by_eui_in_any_spelling() {
        let g = find_gateway("gw-eu868-2", "WirelessGatewayId").unwrap();
        for s in 0..5 {
            assert_eq!(find_gateway(&spell(g.eui, s), "GatewayEui").map(|f| f.id), Some("gw-eu868-2"));
        }
        assert!(find_gateway("gw-eu868-2", "ThingName").is_none() && find_gateway("gw-nope", "WirelessGatewayId").is_none());
        let answer = gateway_answer(find_gateway("gw-us915-1", "WirelessGatewayId").unwrap(), "us-east-1");
        assert_eq!(answer["LoRaWAN"], json!({"GatewayEui": "24e124fffef0a101", "RfRegion": "US915", "SubBands": [2]}));
        assert_eq!(spell("58a0cbfffe802a11", 4), "58:a0:cb:ff:fe:80:2a:11");
        assert_eq!(normalise_eui("72-76-ff-00-0b-03-1f-52").as_deref(), Some("7276FF000B031F52"));
    }
}
