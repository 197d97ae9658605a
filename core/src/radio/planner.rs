//! The radio side of a fragment session: how long one DataFragment is on air, how often the
//! regulations let a gateway send one, whether the multicast session lasts until the last
//! fragment, and the fastest plan that is sound on all of these.
//!
//! Everything is whole-number arithmetic (microseconds, milliseconds, per mille), checked, so
//! that the same inputs give the same numbers in the browser and in the tests, and no input,
//! however absurd, panics.

use crate::input::numbers::{grouped, NumberRule};
use crate::radio::fragments::{self, format_duration, FragmentInputs, FragmentPlan, AWS_IMAGE_LIMIT_BYTES};
use crate::radio::lorawan::{self, DataRate, Modulation, Region, Warning};
use crate::radio::words::{airtime_words, megahertz};
use crate::wire::error::{ConsoleError, Field};
use crate::words::seconds_words;

// ---------------------------------------------------------------------------------------------
// Time on air

/// Bytes LoRaWAN puts around an application payload in a downlink PHYPayload: MHDR 1, FHDR 7
/// with an empty FOpts (DevAddr 4, FCtrl 1, FCnt 2), FPort 1 and MIC 4 (LoRaWAN L2 1.0.4 §4,
/// "MAC message formats"). A multicast downlink carries no FOpts.
pub const FRAME_OVERHEAD_BYTES: u64 = 13;

/// The PHYPayload of one DataFragment: the frame around the fragment and its 3-byte header.
pub fn data_fragment_phy_bytes(fragment_bytes: u64) -> Option<u64> {
    lorawan::data_fragment_bytes(fragment_bytes)?.checked_add(FRAME_OVERHEAD_BYTES)
}

/// One LoRa frame, with every setting Semtech's time-on-air formula takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoraFrame {
    pub spreading_factor: u8,
    pub bandwidth_hz: u32,
    /// 1..=4 for the coding rates 4/5..4/8.
    pub coding_rate: u8,
    pub preamble_symbols: u16,
    pub explicit_header: bool,
    pub payload_crc: bool,
    pub payload_bytes: u64,
}

impl LoraFrame {
    /// A LoRaWAN downlink: coding rate 4/5, an 8-symbol preamble, explicit header, and no payload
    /// CRC (LoRaWAN L2 1.0.4 §4.1: the PHY's CRC is only present in uplink messages; RP002 gives
    /// every LoRa data rate coding rate 4/5 and an 8-symbol preamble).
    pub fn downlink(spreading_factor: u8, bandwidth_khz: u16, payload_bytes: u64) -> Self {
        Self {
            spreading_factor,
            bandwidth_hz: u32::from(bandwidth_khz) * 1000,
            coding_rate: 1,
            preamble_symbols: 8,
            explicit_header: true,
            payload_crc: false,
            payload_bytes,
        }
    }

    /// Low-data-rate optimisation is on when a symbol lasts 16 ms or more (SX1276 datasheet
    /// §4.1.1.6; SF11 and SF12 at 125 kHz, SF12 at 250 kHz): 2^SF / BW ≥ 0.016 s.
    pub fn low_data_rate_optimize(&self) -> bool {
        let symbol_chips = 1u64 << self.spreading_factor.min(63);
        symbol_chips.saturating_mul(1000) >= 16 * u64::from(self.bandwidth_hz)
    }

    /// Time on air in whole microseconds (rounded down), by the formula of the SX1276 datasheet
    /// §4.1.1.7 and Semtech AN1200.13 ("LoRa Modem Designer's Guide"):
    ///
    /// T_sym = 2^SF / BW; T_preamble = (n_preamble + 4.25) · T_sym;
    /// n_payload = 8 + max(⌈(8·PL − 4·SF + 28 + 16·CRC − 20·IH) / (4·(SF − 2·DE))⌉ · (CR + 4), 0).
    ///
    /// Counted in quarter symbols so that the 4.25 stays whole. None for settings the formula
    /// does not cover: spreading factors outside 7..=12 (SF5 and SF6 use other terms on the SX126x,
    /// and no LoRaWAN region uses them), a zero bandwidth, a coding rate outside 1..=4.
    pub fn time_on_air_us(&self) -> Option<u64> {
        if !(7..=12).contains(&self.spreading_factor) || self.bandwidth_hz == 0 || !(1..=4).contains(&self.coding_rate) {
            return None;
        }
        let sf = i128::from(self.spreading_factor);
        let de = i128::from(self.low_data_rate_optimize());
        let ih = i128::from(!self.explicit_header);
        let crc = i128::from(self.payload_crc);
        let bits = 8 * i128::from(self.payload_bytes) - 4 * sf + 28 + 16 * crc - 20 * ih;
        let per_block = 4 * (sf - 2 * de);
        let blocks = if bits <= 0 { 0 } else { (bits + per_block - 1) / per_block };
        let payload_symbols = 8 + blocks * (i128::from(self.coding_rate) + 4);
        let quarter_symbols = 4 * i128::from(self.preamble_symbols) + 17 + 4 * payload_symbols;
        let micros = quarter_symbols * (1i128 << sf) * 1_000_000 / (4 * i128::from(self.bandwidth_hz));
        u64::try_from(micros).ok()
    }
}

/// RP002's FSK frame (the 50 kbps FSK rate): a 5-byte preamble, the 3-byte sync word 0xC194C1
/// (Regional Parameters 1.0.3revA Table 2, repeated per region), a length byte, the PHYPayload
/// and a 2-byte CRC. LoRaMac-node sends FSK so in every region (`Radio.SetTxConfig(MODEM_FSK, …,
/// 5 /*preamble*/, false /*fixLen*/, true /*crcOn*/ …)`, `sx1276.c` TimeOnAir).
pub const FSK_FRAME_OVERHEAD_BYTES: u64 = 5 + 3 + 1 + 2;

/// One FSK frame's time on air in whole microseconds (rounded down).
pub fn fsk_time_on_air_us(kbps: u16, phy_payload_bytes: u64) -> Option<u64> {
    if kbps == 0 {
        return None;
    }
    let bits = phy_payload_bytes.checked_add(FSK_FRAME_OVERHEAD_BYTES)?.checked_mul(8)?;
    Some(bits.checked_mul(1000)? / u64::from(kbps))
}

/// One downlink frame of `phy_payload_bytes` at this data rate, on air.
pub fn downlink_time_on_air_us(data_rate: &DataRate, phy_payload_bytes: u64) -> Option<u64> {
    match data_rate.modulation {
        Modulation::Lora { spreading_factor, bandwidth_khz } => LoraFrame::downlink(spreading_factor, bandwidth_khz, phy_payload_bytes).time_on_air_us(),
        Modulation::Fsk { kbps } => fsk_time_on_air_us(kbps, phy_payload_bytes),
    }
}

/// One DataFragment of `fragment_bytes` at this data rate, on air.
pub fn data_fragment_airtime_us(data_rate: &DataRate, fragment_bytes: u64) -> Option<u64> {
    downlink_time_on_air_us(data_rate, data_fragment_phy_bytes(fragment_bytes)?)
}

// ---------------------------------------------------------------------------------------------
// Duty cycle and the regions' defaults

/// A sub-band with a duty-cycle limit, in per mille of the time (10 ‰ = 1 %).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubBand {
    pub low_hz: u64,
    pub high_hz: u64,
    pub duty_cycle_per_mille: u64,
}

impl SubBand {
    /// "10 %", "1 %", "0.1 %".
    pub fn percent(&self) -> String {
        let (whole, tenths) = (self.duty_cycle_per_mille / 10, self.duty_cycle_per_mille % 10);
        if tenths == 0 {
            format!("{whole} %")
        } else {
            format!("{whole}.{tenths} %")
        }
    }
}

/// What limits how often a gateway may send in a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DutyCycleRules {
    /// Sub-bands with a duty cycle; a frequency outside all of them may not be used.
    Bands(&'static [SubBand]),
    /// No duty cycle applies; the reason, said plainly.
    None(&'static str),
}

/// A region's radio defaults and duty-cycle rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionRadio {
    pub name: &'static str,
    /// RX2's default data rate and frequency: where a Class C multicast session goes unless it is
    /// told otherwise (RP002-1.0.4, each region's "RX2 default" section).
    pub rx2_data_rate: u8,
    pub rx2_frequency_hz: u64,
    pub duty_cycle: DutyCycleRules,
}

const fn band(low_khz: u64, high_khz: u64, duty_cycle_per_mille: u64) -> SubBand {
    SubBand { low_hz: low_khz * 1000, high_hz: high_khz * 1000, duty_cycle_per_mille }
}

/// ETSI EN 300 220-2 V3.2.1 Table B.1 bands K to Q, the bands of ERC Recommendation 70-03
/// Annex 1 that RP002-1.0.4 (EU863-870) leaves to local regulation. The edges and limits are
/// the ones LoRaMac-node (`RegionEU868.h`), The Things Stack (`eu_863_870_rp2_v1_0_4.go`),
/// ChirpStack Concentratord (`etsi_en_300_220.rs`) and LoRa Basics Modem agree on; national
/// tables (Spain's CNAF UN-39, Switzerland's RIR1008-09) confirm M, N and P. 868.6–868.7,
/// 869.2–869.4 and 869.65–869.7 MHz are alarm bands, left out on purpose.
const EU868_BANDS: &[SubBand] = &[
    band(863_000, 865_000, 1),   // K: 0.1 %
    band(865_000, 868_000, 10),  // L: 1 %
    band(868_000, 868_600, 10),  // M: 1 %
    band(868_700, 869_200, 1),   // N: 0.1 %
    band(869_400, 869_650, 100), // P: 10 % (RX2 and Class B/C at 869.525 MHz)
    band(869_700, 870_000, 10),  // Q: 1 % at 25 mW
];

/// ERC Recommendation 70-03 Annex 1, 433.05–434.79 MHz: 10 %, the ETSI limit a gateway keeps
/// (The Things Stack's `eu_433_rp2_v1_0_4.go` and frequency plan `EU_433.yml`, which notes that 1 %
/// is LoRaWAN's own limit for end-devices, as LoRaMac-node applies it).
const EU433_BANDS: &[SubBand] = &[band(433_050, 434_790, 100)];

/// 779–787 MHz: 1 % (LoRaMac-node `RegionCN779.h` BAND0, The Things Stack `cn_779_787_rp2_v1_0_3.go`).
/// No regulation text was found; CN779 is in RP002 up to 1.0.3 only.
const CN779_BANDS: &[SubBand] = &[band(779_000, 787_000, 10)];

/// 864–870 MHz: 1 %, as LoRaMac-node (`RegionRU864.h`) and The Things Stack
/// (`ru_864_870_rp2_v1_0_4.go`) enforce it. Russia's GKRCh decision 18-46-03-1, as secondary
/// sources give it, allows 10 % in 868.7–869.2 MHz (where RX2's 869.1 MHz lies): the console keeps
/// the stricter limit the network stacks apply.
const RU864_BANDS: &[SubBand] = &[band(864_000, 870_000, 10)];

const FCC: &str = "the FCC's Part 15.247 rules for digital modulation in 902–928 MHz set no duty cycle";
const AS923: &str = "AS923 countries set their own rules (Japan's ARIB STD-T108 asks for listen-before-talk; The Things Stack keeps 1 % on the default channels); the console applies none, so check your country's";
const KR920: &str = "Korea requires listen-before-talk, not a duty cycle";
const IN865: &str = "India's 865–867 MHz rules set no duty cycle";
const CN470: &str = "no duty cycle is known for China's 470–510 MHz band (LoRaMac-node and The Things Stack apply none)";

/// The radio facts of the thirteen IoT Wireless regions, in the order of `lorawan::REGIONS`.
/// RX2 defaults: RP002-1.0.4 as LoRaMac-node (`Region*.h`, `*_RX_WND_2_FREQ`/`_DR`), The Things
/// Stack (`DefaultRx2Parameters`), ChirpStack (`lrwn/src/region`) and LoRa Basics Modem agree on
/// them; AS923-2/3/4 are AS923-1's 923.2 MHz less RP002's offsets (1.8, 6.6 and 5.9 MHz).
pub static REGION_RADIO: &[RegionRadio] = &[
    RegionRadio { name: "EU868", rx2_data_rate: 0, rx2_frequency_hz: 869_525_000, duty_cycle: DutyCycleRules::Bands(EU868_BANDS) },
    RegionRadio { name: "US915", rx2_data_rate: 8, rx2_frequency_hz: 923_300_000, duty_cycle: DutyCycleRules::None(FCC) },
    RegionRadio { name: "AU915", rx2_data_rate: 8, rx2_frequency_hz: 923_300_000, duty_cycle: DutyCycleRules::None(FCC) },
    RegionRadio { name: "AS923-1", rx2_data_rate: 2, rx2_frequency_hz: 923_200_000, duty_cycle: DutyCycleRules::None(AS923) },
    RegionRadio { name: "AS923-2", rx2_data_rate: 2, rx2_frequency_hz: 921_400_000, duty_cycle: DutyCycleRules::None(AS923) },
    RegionRadio { name: "AS923-3", rx2_data_rate: 2, rx2_frequency_hz: 916_600_000, duty_cycle: DutyCycleRules::None(AS923) },
    RegionRadio { name: "AS923-4", rx2_data_rate: 2, rx2_frequency_hz: 917_300_000, duty_cycle: DutyCycleRules::None(AS923) },
    RegionRadio { name: "EU433", rx2_data_rate: 0, rx2_frequency_hz: 434_665_000, duty_cycle: DutyCycleRules::Bands(EU433_BANDS) },
    // CN470's RX2 depends on the channel plan, which AWS does not document: RP002's 20 MHz plan A
    // (486.9 MHz), at DR1 as LoRaMac-node and LoRa Basics Modem have it (The Things Stack: DR0,
    // which carries no payload since RP002-1.0.1).
    RegionRadio { name: "CN470", rx2_data_rate: 1, rx2_frequency_hz: 486_900_000, duty_cycle: DutyCycleRules::None(CN470) },
    RegionRadio { name: "CN779", rx2_data_rate: 0, rx2_frequency_hz: 786_000_000, duty_cycle: DutyCycleRules::Bands(CN779_BANDS) },
    RegionRadio { name: "RU864", rx2_data_rate: 0, rx2_frequency_hz: 869_100_000, duty_cycle: DutyCycleRules::Bands(RU864_BANDS) },
    RegionRadio { name: "KR920", rx2_data_rate: 0, rx2_frequency_hz: 921_900_000, duty_cycle: DutyCycleRules::None(KR920) },
    RegionRadio { name: "IN865", rx2_data_rate: 2, rx2_frequency_hz: 866_550_000, duty_cycle: DutyCycleRules::None(IN865) },
];

/// The radio facts of a region of `lorawan::REGIONS`.
pub fn region_radio(region: &Region) -> Option<&'static RegionRadio> {
    REGION_RADIO.iter().find(|r| r.name == region.name)
}

/// The duty cycle on one frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DutyCycle {
    Limited(SubBand),
    /// The region has duty-cycle bands and the frequency is in none of them.
    OutsideBands,
    NoLimit(&'static str),
}

/// The duty cycle for a channel `half_width_hz` either side of `frequency_hz`: the whole channel
/// must lie in one band (a 125 kHz channel on 869.6 MHz reaches past 869.65 MHz into an alarm
/// band). A half width of 0 asks about the centre frequency alone.
pub fn duty_cycle(radio: &RegionRadio, frequency_hz: u64, half_width_hz: u64) -> DutyCycle {
    let (low, high) = (frequency_hz.saturating_sub(half_width_hz), frequency_hz.saturating_add(half_width_hz));
    match radio.duty_cycle {
        DutyCycleRules::None(why) => DutyCycle::NoLimit(why),
        DutyCycleRules::Bands(bands) => bands.iter().find(|b| b.low_hz <= low && high <= b.high_hz).map_or(DutyCycle::OutsideBands, |b| DutyCycle::Limited(*b)),
    }
}

/// Half the width a downlink at this data rate occupies: half the LoRa bandwidth; for RP002's FSK
/// (50 kbps, ±25 kHz deviation as LoRaMac-node's `SetTxConfig(MODEM_FSK, …, 25000, …, 50000, …)`
/// sends it) half of Carson's bandwidth 2 × (Δf + R/2) = 100 kHz.
pub fn half_width_hz(data_rate: &DataRate) -> u64 {
    match data_rate.modulation {
        Modulation::Lora { bandwidth_khz, .. } => u64::from(bandwidth_khz) * 500,
        Modulation::Fsk { kbps } => FSK_DEVIATION_HZ + u64::from(kbps) * 500,
    }
}

/// RP002's FSK frequency deviation.
const FSK_DEVIATION_HZ: u64 = 25_000;

/// The shortest time from one transmission's start to the next that a duty cycle allows:
/// T_on / duty cycle, in whole milliseconds rounded up. ETSI measures the duty cycle over an
/// hour; spacing every frame like this is what holds for any session length and leaves the
/// gateway's own share to nothing else, as LoRaMac-node's band timers do.
pub fn min_interval_ms(airtime_us: u64, duty_cycle_per_mille: u64) -> Option<u64> {
    (duty_cycle_per_mille > 0).then(|| airtime_us.div_ceil(duty_cycle_per_mille))
}

// ---------------------------------------------------------------------------------------------
// The multicast session

/// How the devices of the multicast group listen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MulticastClass {
    ClassB,
    ClassC,
}

impl MulticastClass {
    pub fn name(self) -> &'static str {
        match self {
            MulticastClass::ClassB => "ClassB",
            MulticastClass::ClassC => "ClassC",
        }
    }

    fn words(self) -> &'static str {
        match self {
            MulticastClass::ClassB => "Class B",
            MulticastClass::ClassC => "Class C",
        }
    }

    /// A session timeout of 2^N counts in this unit: seconds for Class C, beacon periods for
    /// Class B (TS005 McClassCSessionReq / McClassBSessionReq, TimeOut).
    fn timeout_unit_s(self) -> u64 {
        match self {
            MulticastClass::ClassB => BEACON_PERIOD_S,
            MulticastClass::ClassC => 1,
        }
    }
}

/// A Class B beacon period (LoRaWAN L2 1.0.4 §13 Class B, BEACON_INTERVAL 128 s).
pub const BEACON_PERIOD_S: u64 = 128;
/// One ping slot, and the slots of a beacon window: 4096 × 30 ms = 122.88 s (L2 1.0.4 §13).
pub const PING_SLOT_MS: u64 = 30;
pub const PING_SLOTS_PER_BEACON: u64 = 4096;
/// TS005's TimeOut is 4 bits: a session lasts at most 2^15 units.
pub const MAX_TIMEOUT_EXPONENT: u32 = 15;

/// The session length the devices are told: SessionTimeout rounded up to a power of two of the
/// class's unit, as the service does, and at most what TS005's 4-bit field says (2^15 units;
/// AWS accepts up to 172,800 s, more than a Class C device can be told).
pub fn effective_timeout_s(class: MulticastClass, session_timeout_s: u64) -> u64 {
    let unit = class.timeout_unit_s();
    let units = session_timeout_s.div_ceil(unit).max(1);
    let rounded = units.checked_next_power_of_two().unwrap_or(u64::MAX).min(1 << MAX_TIMEOUT_EXPONENT);
    rounded * unit
}

/// The smallest timeout TS005 can express (2^N units, N ≤ 15) that lasts `needed_s`.
pub fn covering_timeout_s(class: MulticastClass, needed_s: u64) -> Option<u64> {
    let unit = class.timeout_unit_s();
    (0..=MAX_TIMEOUT_EXPONENT).map(|n| (1u64 << n) * unit).find(|&t| t >= needed_s)
}

/// The `SessionTimeout` to enter so that the session lasts `needed_s`: the covering power of two
/// within what the service accepts (60 to 172,800 s, which it rounds up). None when no accepted
/// value lasts that long (Class C: 2^15 s; Class B: 172,800 s rounds up to 2^11 beacon periods).
pub fn advised_session_timeout_s(class: MulticastClass, needed_s: u64) -> Option<u64> {
    let advised = covering_timeout_s(class, needed_s.max(SESSION_TIMEOUT.min))?.min(SESSION_TIMEOUT.max);
    (effective_timeout_s(class, advised) >= needed_s).then_some(advised)
}

/// How far apart the fragments go out on the radio. Class C sends one every interval (rounded to
/// seconds as the service rounds it). Class B can only send in a ping slot of the group, one every
/// `PingSlotPeriod` × 30 ms, so each fragment waits for the next slot after its interval.
pub fn fragment_spacing_ms(class: MulticastClass, interval_seconds: u64, ping_slot_period: u64) -> u64 {
    let interval_ms = interval_seconds.saturating_mul(1000);
    match class {
        MulticastClass::ClassC => interval_ms,
        MulticastClass::ClassB => {
            let ping_ms = ping_slot_period.max(1).saturating_mul(PING_SLOT_MS);
            interval_ms.div_ceil(ping_ms).max(1).saturating_mul(ping_ms)
        }
    }
}

/// How long the session must last for the fragments, by ChirpStack's rule (its FUOTA flow sizes
/// the multicast timeout so): Class C one spacing per fragment plus one; Class B the beacon
/// periods the fragments take, one ping slot each, plus one period.
pub fn needed_session_s(class: MulticastClass, total_fragments: u64, spacing_ms: u64) -> Option<u64> {
    match class {
        MulticastClass::ClassC => total_fragments.checked_add(1)?.checked_mul(spacing_ms)?.checked_add(999).map(|ms| ms / 1000),
        MulticastClass::ClassB => {
            let spacing_slots = spacing_ms.div_ceil(PING_SLOT_MS).max(1);
            let periods = if spacing_slots <= PING_SLOTS_PER_BEACON {
                total_fragments.div_ceil(PING_SLOTS_PER_BEACON / spacing_slots)
            } else {
                total_fragments.checked_mul(spacing_slots.div_ceil(PING_SLOTS_PER_BEACON))?
            };
            periods.checked_add(1)?.checked_mul(BEACON_PERIOD_S)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The planner's radio inputs

/// The radio controls as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RadioTexts {
    pub data_rate: String,
    pub downlink_frequency_hz: String,
    pub multicast_class: String,
    pub session_timeout_s: String,
    pub ping_slot_period: String,
    pub device_max_fragment_bytes: String,
}

/// A session timeout to start the what-if from when no session was read: 4096 s (2^12), about
/// an hour, the demo group's.
pub const DEFAULT_SESSION_TIMEOUT_S: u64 = 4096;
/// The fastest ping slot period AWS accepts: a ping slot every 0.96 s.
pub const DEFAULT_PING_SLOT_PERIOD: u64 = 32;

impl RadioTexts {
    /// Where a region's plan starts: its RX2 defaults, Class C.
    pub fn for_region(rf_region: &str) -> Self {
        let radio = lorawan::region(rf_region).and_then(region_radio);
        Self {
            data_rate: radio.map(|r| r.rx2_data_rate.to_string()).unwrap_or_default(),
            downlink_frequency_hz: radio.map(|r| r.rx2_frequency_hz.to_string()).unwrap_or_default(),
            multicast_class: MulticastClass::ClassC.name().to_owned(),
            session_timeout_s: DEFAULT_SESSION_TIMEOUT_S.to_string(),
            ping_slot_period: DEFAULT_PING_SLOT_PERIOD.to_string(),
            device_max_fragment_bytes: String::new(),
        }
    }

    /// A multicast group's session replaces whatever it returned; the rest stays the region's.
    pub fn from_session(rf_region: &str, dl_class: Option<&str>, session: &crate::campaign::lists::MulticastSession) -> Self {
        let mut texts = Self::for_region(rf_region);
        let set = |target: &mut String, value: Option<i64>| {
            if let Some(v) = value {
                *target = v.to_string();
            }
        };
        set(&mut texts.data_rate, session.dl_dr);
        set(&mut texts.downlink_frequency_hz, session.dl_freq_hz);
        set(&mut texts.session_timeout_s, session.timeout_s);
        set(&mut texts.ping_slot_period, session.ping_slot_period);
        if let Some(class) = dl_class.filter(|c| *c == "ClassB" || *c == "ClassC") {
            texts.multicast_class = class.to_owned();
        }
        texts
    }
}

/// The radio inputs, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RadioInputs {
    pub data_rate: u8,
    pub frequency_hz: u64,
    pub class: MulticastClass,
    pub session_timeout_s: u64,
    pub ping_slot_period: u64,
    pub device_max_fragment_bytes: Option<u64>,
}

// The bounds are the service's own (botocore's model: DlDr 0..15, DlFreq 1e8..1e9,
// SessionTimeout 60..172800, PingSlotPeriod 32..4096) and TS004's one-byte FragSize.
pub const DATA_RATE: NumberRule =
    NumberRule { field: Field::DataRate, what: "data rate index", unit: "", min: 0, max: 15, why_max: "a LoRaWAN data rate index is 0 to 15" };
pub const DOWNLINK_FREQUENCY: NumberRule = NumberRule {
    field: Field::DownlinkFrequency,
    what: "downlink frequency",
    unit: "Hz",
    min: 100_000_000,
    max: 1_000_000_000,
    why_max: "the service takes 100 MHz to 1 GHz",
};
pub const SESSION_TIMEOUT: NumberRule = NumberRule {
    field: Field::SessionTimeout,
    what: "session timeout",
    unit: "s",
    min: 60,
    max: 172_800,
    why_max: "the longest multicast session the service accepts (48 h)",
};
pub const PING_SLOT_PERIOD: NumberRule = NumberRule {
    field: Field::PingSlotPeriod,
    what: "ping slot period",
    unit: "slots of 30 ms",
    min: 32,
    max: 4096,
    why_max: "one ping slot per beacon period, the service's largest value",
};
pub const DEVICE_MAX_FRAGMENT: NumberRule = NumberRule {
    field: Field::DeviceMaxFragment,
    what: "largest fragment the devices accept",
    unit: "bytes",
    min: 1,
    max: fragments::MAX_FRAGMENT_SIZE,
    why_max: "no session announces a larger fragment (TS004's FragSize is one byte)",
};

/// A ping slot period is 2^(5 + periodicity) slots, periodicity 0..=7 (TS005
/// McClassBSessionReq's 3-bit PingSlotPeriodicity; LoRaWAN L2 1.0.4 §13, pingPeriod): any other
/// number in 32..4096 has no ping slots to count.
fn ping_slot_period(text: &str) -> Result<u64, ConsoleError> {
    let period = PING_SLOT_PERIOD.parse(text)?;
    if !period.is_power_of_two() {
        return Err(ConsoleError::invalid(Field::PingSlotPeriod, "The ping slot period is a power of two: 32, 64, 128, 256, 512, 1024, 2048 or 4096 slots."));
    }
    Ok(period)
}

impl RadioTexts {
    pub fn parse(&self) -> Result<RadioInputs, ConsoleError> {
        let class = match self.multicast_class.trim() {
            "ClassB" => MulticastClass::ClassB,
            "ClassC" => MulticastClass::ClassC,
            _ => return Err(ConsoleError::invalid(Field::MulticastClass, "Choose Class B or Class C.")),
        };
        Ok(RadioInputs {
            // DATA_RATE's bound (15) fits a u8.
            data_rate: u8::try_from(DATA_RATE.parse(&self.data_rate)?).unwrap_or(u8::MAX),
            frequency_hz: DOWNLINK_FREQUENCY.parse(&self.downlink_frequency_hz)?,
            class,
            session_timeout_s: SESSION_TIMEOUT.parse(&self.session_timeout_s)?,
            ping_slot_period: ping_slot_period(&self.ping_slot_period)?,
            device_max_fragment_bytes: DEVICE_MAX_FRAGMENT.parse_optional(&self.device_max_fragment_bytes)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Assessment

/// One data rate of the fit table: does the fragment fit, how long is it on air, and how often
/// may it go out on the chosen frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateRow {
    pub data_rate: DataRate,
    pub fits: bool,
    pub airtime_us: Option<u64>,
    pub min_interval_ms: Option<u64>,
}

/// The fit table: every downlink data rate of the region for this fragment on this frequency.
pub fn rate_rows(region: &Region, fragment_bytes: u64, frequency_hz: u64) -> Vec<RateRow> {
    let radio = region_radio(region);
    lorawan::fragment_fits(region, fragment_bytes)
        .into_iter()
        .map(|fit| {
            let limit = radio.map(|r| duty_cycle(r, frequency_hz, half_width_hz(&fit.data_rate)));
            let airtime_us = data_fragment_airtime_us(&fit.data_rate, fragment_bytes);
            let min_interval_ms = match (limit, airtime_us) {
                (Some(DutyCycle::Limited(b)), Some(t)) => min_interval_ms(t, b.duty_cycle_per_mille),
                _ => None,
            };
            RateRow { data_rate: fit.data_rate, fits: fit.fits, airtime_us, min_interval_ms }
        })
        .collect()
}

/// What the radio makes of a plan at the chosen data rate, frequency and session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RadioAssessment {
    pub data_rate: Option<DataRate>,
    pub duty_cycle: Option<DutyCycle>,
    /// One DataFragment at the chosen rate.
    pub airtime_us: Option<u64>,
    pub min_interval_ms: Option<u64>,
    /// How far apart the fragments go out (see [`fragment_spacing_ms`]).
    pub spacing_ms: u64,
    /// From the first fragment to the last on the radio.
    pub radio_session_ms: Option<u64>,
    /// Every fragment's air time together.
    pub session_airtime_us: Option<u64>,
    pub needed_session_s: Option<u64>,
    pub effective_timeout_s: u64,
    /// The `SessionTimeout` that would cover the fragments ([`advised_session_timeout_s`]).
    pub covering_timeout_s: Option<u64>,
    pub warnings: Vec<Warning>,
}

impl RadioAssessment {
    /// The share of the time the session keeps the channel busy, in per mille.
    pub fn channel_per_mille(&self) -> Option<u64> {
        let airtime = self.airtime_us?;
        (self.spacing_ms > 0).then(|| (u128::from(airtime) * 1000).div_ceil(u128::from(self.spacing_ms) * 1000)).and_then(|p| u64::try_from(p).ok())
    }
}

pub fn assess(plan: &FragmentPlan, region: &'static Region, radio: &RadioInputs) -> RadioAssessment {
    let fragment = plan.inputs.fragment_bytes;
    let data_rate = region.downlink.iter().find(|d| d.index == radio.data_rate).copied();
    let width = data_rate.as_ref().map_or(0, half_width_hz);
    let limit = region_radio(region).map(|r| duty_cycle(r, radio.frequency_hz, width));
    let airtime_us = data_rate.and_then(|d| data_fragment_airtime_us(&d, fragment));
    let min_interval = match (limit, airtime_us) {
        (Some(DutyCycle::Limited(b)), Some(t)) => min_interval_ms(t, b.duty_cycle_per_mille),
        _ => None,
    };
    let spacing_ms = fragment_spacing_ms(radio.class, plan.interval_seconds, radio.ping_slot_period);
    let needed = needed_session_s(radio.class, plan.total_fragments, spacing_ms);
    let effective = effective_timeout_s(radio.class, radio.session_timeout_s);
    let covering = needed.and_then(|n| advised_session_timeout_s(radio.class, n));
    let mut warnings = Vec::new();

    match data_rate {
        None => warnings.push(Warning::DataRateNotInRegion { region: region.name, data_rate: radio.data_rate }),
        Some(d) if lorawan::data_fragment_bytes(fragment).is_none_or(|n| n > u64::from(d.max_payload)) => {
            warnings.push(Warning::FragmentTooLargeForDataRate { data_rate: d.index, fragment_bytes: fragment, max_fragment_bytes: d.max_fragment_bytes() })
        }
        Some(_) => {}
    }
    if let Some(device_max) = radio.device_max_fragment_bytes.filter(|&m| fragment > m) {
        warnings.push(Warning::FragmentTooLargeForDevice { fragment_bytes: fragment, device_max_bytes: device_max });
    }
    if limit == Some(DutyCycle::OutsideBands) {
        warnings.push(Warning::FrequencyOutsideBands { region: region.name, frequency_hz: radio.frequency_hz, half_width_hz: width });
    }
    if let (Some(d), Some(t)) = (data_rate, airtime_us) {
        if u128::from(plan.interval_seconds) * 1_000_000 < u128::from(t) {
            warnings.push(Warning::IntervalShorterThanAirtime { data_rate: d.index, airtime_us: t, interval_seconds: plan.interval_seconds });
        }
        if let (Some(DutyCycle::Limited(b)), Some(min)) = (limit, min_interval) {
            if spacing_ms < min {
                warnings.push(Warning::DutyCycle {
                    data_rate: d.index,
                    airtime_us: t,
                    frequency_hz: radio.frequency_hz,
                    duty_cycle: b.percent(),
                    min_interval_ms: min,
                    spacing_ms,
                });
            }
        }
    }
    if needed.is_none_or(|n| n > effective) {
        warnings.push(Warning::SessionTimeout {
            class: radio.class.words(),
            total_fragments: plan.total_fragments,
            needed_s: needed,
            timeout_s: effective,
            covering_timeout_s: covering,
        });
    }
    RadioAssessment {
        data_rate,
        duty_cycle: limit,
        airtime_us,
        min_interval_ms: min_interval,
        spacing_ms,
        radio_session_ms: plan.total_fragments.checked_mul(spacing_ms),
        session_airtime_us: airtime_us.and_then(|t| t.checked_mul(plan.total_fragments)),
        needed_session_s: needed,
        effective_timeout_s: effective,
        covering_timeout_s: covering,
        warnings,
    }
}

/// Every warning of a plan: TS004's limits, the region's payloads, the AWS image limit and, when
/// the radio inputs are valid, the radio's. Empty is what the console calls a sound plan.
pub fn warnings(plan: &FragmentPlan, rf_region: &str, radio: Option<&RadioInputs>) -> Vec<Warning> {
    let mut all = lorawan::warnings(plan, Some(rf_region));
    if plan.inputs.firmware_bytes > AWS_IMAGE_LIMIT_BYTES {
        all.push(Warning::ImageTooLarge { firmware_bytes: plan.inputs.firmware_bytes });
    }
    match (lorawan::region(rf_region), radio) {
        (Some(region), Some(radio)) => all.extend(assess(plan, region, radio).warnings),
        (None, _) => all.push(Warning::RegionUnknown { rf_region: rf_region.to_owned() }),
        (Some(_), None) => {}
    }
    all
}

impl RadioAssessment {
    /// When the last fragment goes out and when the multicast session ends, for a session that
    /// starts at `start_ms` (Unix milliseconds); None where the sum does not fit.
    pub fn ends(&self, start_ms: i64) -> (Option<i64>, Option<i64>) {
        let after = |ms: Option<u64>| ms.and_then(|ms| i64::try_from(ms).ok()).and_then(|ms| start_ms.checked_add(ms));
        (after(self.radio_session_ms), after(self.effective_timeout_s.checked_mul(1000)))
    }
}

// ---------------------------------------------------------------------------------------------
// The fastest sound plan

/// A plan the planner proposes: the data rate, fragment size and interval to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub data_rate: u8,
    pub plan: FragmentPlan,
    /// From the first fragment to the last on the radio.
    pub radio_session_ms: u64,
}

impl Proposal {
    /// Whether applying the proposal gains anything over the plan in use: not when that plan is
    /// already sound and at least as fast on the radio (a plan that differs only in a tie-break,
    /// or in an interval that rounds to the same seconds, is no better).
    pub fn improves_on(&self, current: &FragmentPlan, rf_region: &str, radio: &RadioInputs) -> bool {
        let Some(region) = lorawan::region(rf_region) else { return true };
        if !warnings(current, rf_region, Some(radio)).is_empty() {
            return true;
        }
        assess(current, region, radio).radio_session_ms.is_none_or(|ms| self.radio_session_ms < ms)
    }
}

impl Proposal {
    /// The proposal in words, beside the plan in use: what to change and what it gains, or that
    /// the plan in use is already as fast as any sound one.
    pub fn sentence(&self, current: &FragmentPlan, rf_region: &str, radio: &RadioInputs) -> String {
        if !self.improves_on(current, rf_region, radio) {
            return "This plan is sound and as fast as any sound one for this image, redundancy and session.".to_owned();
        }
        let region = lorawan::region(rf_region);
        let modulation =
            region.and_then(|r| r.downlink.iter().find(|d| d.index == self.data_rate)).map(|d| format!(" ({})", d.modulation.label())).unwrap_or_default();
        let now = region
            .and_then(|r| assess(current, r, radio).radio_session_ms)
            .map(|ms| format!(" This plan: {} fragments over {}.", current.total_fragments, format_duration(ms.div_ceil(1000))))
            .unwrap_or_default();
        // A higher DR index is a faster, shorter-reaching rate in every RP002 region.
        let reach = if self.data_rate > radio.data_rate {
            format!(" A faster data rate reaches less far: check that every device of the group hears DR{}.", self.data_rate)
        } else {
            String::new()
        };
        format!(
            "Fastest sound plan: DR{}{modulation}, {}-byte fragments, one every {} s: {} fragments over {} on the radio.{now}{reach}",
            self.data_rate,
            self.plan.inputs.fragment_bytes,
            self.plan.interval_seconds,
            self.plan.total_fragments,
            format_duration(self.radio_session_ms.div_ceil(1000)),
        )
    }
}

impl RadioAssessment {
    /// The planner's facts about the radio, in words: on air, the duty cycle, the session.
    pub fn sentences(&self, total_fragments: u64, class: MulticastClass) -> [String; 3] {
        let counted = |value: Option<String>| value.unwrap_or_else(|| "more than the console counts".to_owned());
        let on_air = match (self.data_rate, self.airtime_us) {
            (Some(d), Some(t)) => {
                let all = counted(self.session_airtime_us.map(airtime_words));
                let share = self.channel_per_mille().map(|p| format!(", {}.{} % of the channel while it runs", p / 10, p % 10)).unwrap_or_default();
                format!(
                    "On air: one fragment is {} at DR{} ({}); all {total_fragments} together {all}{share}.",
                    airtime_words(t),
                    d.index,
                    d.modulation.label()
                )
            }
            _ => "On air: the chosen data rate is not one of the region's.".to_owned(),
        };
        let limit = match self.duty_cycle {
            Some(DutyCycle::Limited(b)) => format!(
                "Duty cycle: {} on {}–{}{}.",
                b.percent(),
                megahertz(b.low_hz),
                megahertz(b.high_hz),
                self.min_interval_ms.map(|m| format!(", so one fragment every {} at most", seconds_words(m))).unwrap_or_default()
            ),
            Some(DutyCycle::NoLimit(why)) => format!("Duty cycle: none applies ({why})."),
            Some(DutyCycle::OutsideBands) => "Duty cycle: the channel is in none of the region's bands.".to_owned(),
            None => String::new(),
        };
        let session = format!(
            "Multicast session: {}, the devices listen for {} ({} s: the session timeout as a power of two, as the devices are told it); the fragments need {}, one every {}.",
            class.words(),
            format_duration(self.effective_timeout_s),
            self.effective_timeout_s,
            counted(self.needed_session_s.map(format_duration)),
            seconds_words(self.spacing_ms),
        );
        [on_air, limit, session]
    }
}

/// Why no plan is sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoSoundPlan {
    RegionUnknown {
        rf_region: String,
    },
    ImageTooLarge {
        firmware_bytes: u64,
    },
    FrequencyOutsideBands {
        region: &'static str,
        frequency_hz: u64,
    },
    /// Every candidate broke a rule; the warning of the fastest candidate says which.
    NothingFits {
        first: Option<Warning>,
    },
}

impl NoSoundPlan {
    pub fn sentence(&self) -> String {
        match self {
            NoSoundPlan::RegionUnknown { rf_region } => {
                format!("No plan can be proposed: the console does not know the data rates of the region {rf_region:.32}.")
            }
            NoSoundPlan::ImageTooLarge { firmware_bytes } => format!(
                "No plan is sound for this image: {} bytes is more than the {} bytes AWS accepts.",
                grouped(*firmware_bytes),
                grouped(AWS_IMAGE_LIMIT_BYTES)
            ),
            NoSoundPlan::FrequencyOutsideBands { region, frequency_hz } => {
                format!("No plan is sound on {}: it is outside every {region} band a gateway may send on.", megahertz(*frequency_hz))
            }
            NoSoundPlan::NothingFits { first } => {
                let why = first.as_ref().map(|w| format!(" The closest one fails so: {}", w.sentence())).unwrap_or_default();
                format!("No data rate and fragment size make a sound plan with this session.{why}")
            }
        }
    }
}

/// The shortest whole-second interval a fragment of `airtime_us` may use: long enough for the
/// frame itself, and for the duty cycle once the class has placed it (Class B waits for a ping slot).
fn shortest_interval_s(airtime_us: u64, min_interval_ms: Option<u64>, radio: &RadioInputs) -> u64 {
    let for_frame = airtime_us.div_ceil(1_000_000).max(1);
    let Some(min_ms) = min_interval_ms else { return for_frame };
    let for_duty = match radio.class {
        MulticastClass::ClassC => min_ms.div_ceil(1000),
        MulticastClass::ClassB => {
            // The spacing is a whole number of ping periods (at least one): find the fewest
            // periods that reach `min_ms`, then the fewest seconds that need that many.
            let ping_ms = radio.ping_slot_period.max(1).saturating_mul(PING_SLOT_MS);
            let periods = min_ms.div_ceil(ping_ms).max(1);
            if periods <= 1 {
                0
            } else {
                (periods - 1).saturating_mul(ping_ms) / 1000 + 1
            }
        }
    };
    for_frame.max(for_duty)
}

/// Across the region's data rates and the fragment sizes they carry (bounded by the devices'
/// largest fragment), the sound plan with the shortest session on the radio; on a tie, the lower
/// (farther-reaching) data rate, then fewer fragments, then the smaller fragment (less padding
/// on air). The firmware size, redundancy, frequency,
/// class and session are kept as they are.
pub fn fastest_sound_plan(inputs: FragmentInputs, rf_region: &str, radio: &RadioInputs) -> Result<Proposal, NoSoundPlan> {
    fastest_sound_plan_among(inputs, rf_region, radio, &|_| true)
}

/// [`fastest_sound_plan`] among the downlink data rates `allowed` accepts (by index): the
/// pre-flight check allows only those that reach enough of the devices.
pub fn fastest_sound_plan_among(inputs: FragmentInputs, rf_region: &str, radio: &RadioInputs, allowed: &dyn Fn(u8) -> bool) -> Result<Proposal, NoSoundPlan> {
    let Some(region) = lorawan::region(rf_region) else {
        return Err(NoSoundPlan::RegionUnknown { rf_region: rf_region.to_owned() });
    };
    if inputs.firmware_bytes > AWS_IMAGE_LIMIT_BYTES {
        return Err(NoSoundPlan::ImageTooLarge { firmware_bytes: inputs.firmware_bytes });
    }
    let centre = region_radio(region).map(|r| duty_cycle(r, radio.frequency_hz, 0));
    if centre == Some(DutyCycle::OutsideBands) {
        return Err(NoSoundPlan::FrequencyOutsideBands { region: region.name, frequency_hz: radio.frequency_hz });
    }
    let mut best: Option<Proposal> = None;
    let mut closest: Option<(u64, Warning)> = None;
    for data_rate in region.downlink.iter().filter(|d| allowed(d.index)) {
        let largest = data_rate.max_fragment_bytes().min(fragments::MAX_FRAGMENT_SIZE).min(radio.device_max_fragment_bytes.unwrap_or(u64::MAX));
        let candidate_radio = RadioInputs { data_rate: data_rate.index, ..*radio };
        let limit = region_radio(region).map(|r| duty_cycle(r, radio.frequency_hz, half_width_hz(data_rate)));
        for fragment_bytes in 1..=largest {
            let Some(airtime) = data_fragment_airtime_us(data_rate, fragment_bytes) else { continue };
            let min_ms = match limit {
                Some(DutyCycle::Limited(b)) => min_interval_ms(airtime, b.duty_cycle_per_mille),
                _ => None,
            };
            let interval_s = shortest_interval_s(airtime, min_ms, &candidate_radio);
            let Some(interval_ms) = interval_s.checked_mul(1000) else { continue };
            let Ok(plan) = (FragmentInputs { fragment_bytes, interval_ms, ..inputs }).plan() else { continue };
            let spacing = fragment_spacing_ms(radio.class, plan.interval_seconds, radio.ping_slot_period);
            let Some(session_ms) = plan.total_fragments.checked_mul(spacing) else { continue };
            // The one rule of soundness: no warning at all.
            let found = warnings(&plan, region.name, Some(&candidate_radio));
            if let Some(first) = found.into_iter().next() {
                if closest.as_ref().is_none_or(|(ms, _)| session_ms < *ms) {
                    closest = Some((session_ms, first));
                }
                continue;
            }
            let candidate = Proposal { data_rate: data_rate.index, plan, radio_session_ms: session_ms };
            let key = |p: &Proposal| (p.radio_session_ms, p.data_rate, p.plan.total_fragments, p.plan.inputs.fragment_bytes);
            if best.as_ref().is_none_or(|b| key(&candidate) < key(b)) {
                best = Some(candidate);
            }
        }
    }
    best.ok_or(NoSoundPlan::NothingFits { first: closest.map(|(_, w)| w) })
}

/// The demo group's session, for tests here and in the pre-flight: EU868, DR3 on 869.525 MHz,
/// Class C, 4096 s.
#[cfg(test)]
pub(crate) fn demo_radio() -> RadioInputs {
    RadioInputs {
        data_rate: 3,
        frequency_hz: 869_525_000,
        class: MulticastClass::ClassC,
        session_timeout_s: 4096,
        ping_slot_period: 32,
        device_max_fragment_bytes: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lora_modulation::{Bandwidth, BaseBandModulationParams, CodingRate, SpreadingFactor};
    use proptest::prelude::*;

    fn eu868() -> &'static Region {
        lorawan::region("EU868").unwrap()
    }

    fn rate(region: &str, index: u8) -> DataRate {
        *lorawan::region(region).unwrap().downlink.iter().find(|d| d.index == index).unwrap()
    }

    fn plan(firmware: u64, fragment: u64, percent: u64, interval_ms: u64) -> FragmentPlan {
        FragmentInputs { firmware_bytes: firmware, fragment_bytes: fragment, redundancy_percent: percent, interval_ms }.plan().unwrap()
    }

    fn codes(ws: &[Warning]) -> Vec<&'static str> {
        ws.iter().map(Warning::code).collect()
    }

    // --- Time on air, against an independent implementation and published values ---------------

    /// The referee: the `lora-modulation` crate (lora-rs project), a separate implementation of
    /// Semtech's formula. Its `time_on_air_us` always counts a payload CRC.
    fn referee_us(sf: u8, bandwidth_khz: u16, coding_rate: u8, preamble: u8, explicit: bool, len: u8) -> u64 {
        let sf = match sf {
            7 => SpreadingFactor::_7,
            8 => SpreadingFactor::_8,
            9 => SpreadingFactor::_9,
            10 => SpreadingFactor::_10,
            11 => SpreadingFactor::_11,
            _ => SpreadingFactor::_12,
        };
        let bw = match bandwidth_khz {
            125 => Bandwidth::_125KHz,
            250 => Bandwidth::_250KHz,
            _ => Bandwidth::_500KHz,
        };
        let cr = match coding_rate {
            1 => CodingRate::_4_5,
            2 => CodingRate::_4_6,
            3 => CodingRate::_4_7,
            _ => CodingRate::_4_8,
        };
        u64::from(BaseBandModulationParams::new(sf, bw, cr).time_on_air_us(Some(preamble), explicit, len))
    }

    fn frame(sf: u8, bandwidth_khz: u16, coding_rate: u8, preamble: u16, explicit: bool, crc: bool, len: u64) -> LoraFrame {
        LoraFrame {
            spreading_factor: sf,
            bandwidth_hz: u32::from(bandwidth_khz) * 1000,
            coding_rate,
            preamble_symbols: preamble,
            explicit_header: explicit,
            payload_crc: crc,
            payload_bytes: len,
        }
    }

    #[test]
    fn every_spreading_factor_and_bandwidth_matches_the_referee() {
        // Payloads from 8 bytes up: below that the referee rounds a non-positive numerator up to
        // one block (its div_ceil is (n − 1) / d + 1), where the datasheet's max(…, 0) gives 0.
        for sf in 7..=12u8 {
            for bw in [125u16, 250, 500] {
                for cr in 1..=4u8 {
                    for explicit in [true, false] {
                        for len in (8..=255u8).step_by(7) {
                            let ours = frame(sf, bw, cr, 8, explicit, true, u64::from(len)).time_on_air_us();
                            assert_eq!(ours, Some(referee_us(sf, bw, cr, 8, explicit, len)), "SF{sf}/{bw} CR4/{} explicit={explicit} {len} B", cr + 4);
                            // Without the CRC, 16 bits fewer: the referee's count for 2 bytes less.
                            let no_crc = frame(sf, bw, cr, 8, explicit, false, u64::from(len)).time_on_air_us();
                            assert_eq!(no_crc, Some(referee_us(sf, bw, cr, 8, explicit, len - 2)), "no CRC SF{sf}/{bw} {len} B");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn published_values() {
        // lora-modulation's README: SF9/125 kHz, CR 4/5, 8 symbols, explicit, 12 bytes: 144.384 ms.
        assert_eq!(frame(9, 125, 1, 8, true, true, 12).time_on_air_us(), Some(144_384));
        // The Things Network's airtime calculator and Semtech's LoRa Calculator: a 51-byte
        // PHYPayload with CRC at SF12/125 kHz is 2465.8 ms (low-data-rate optimisation on), at
        // SF7/125 kHz 102.7 ms.
        assert_eq!(frame(12, 125, 1, 8, true, true, 51).time_on_air_us(), Some(2_465_792));
        assert_eq!(frame(7, 125, 1, 8, true, true, 51).time_on_air_us(), Some(102_656));
        // The numbers of the duty-cycle example: a 50-byte fragment is a 66-byte PHYPayload,
        // 118 ms at SF7/125 kHz and 390 ms at SF9/125 kHz.
        assert_eq!(data_fragment_phy_bytes(50), Some(66));
        assert_eq!(data_fragment_airtime_us(&rate("EU868", 5), 50), Some(118_016));
        assert_eq!(data_fragment_airtime_us(&rate("EU868", 3), 50), Some(390_144));
        // FSK 50 kbps: (5 + 3 + 1 + 66 + 2) bytes × 8 bits / 50 kbps = 12.32 ms.
        assert_eq!(data_fragment_airtime_us(&rate("EU868", 7), 50), Some(12_320));
    }

    #[test]
    fn low_data_rate_optimisation_from_16_ms_symbols() {
        assert!(frame(11, 125, 1, 8, true, false, 10).low_data_rate_optimize());
        assert!(frame(12, 125, 1, 8, true, false, 10).low_data_rate_optimize());
        assert!(frame(12, 250, 1, 8, true, false, 10).low_data_rate_optimize());
        assert!(!frame(10, 125, 1, 8, true, false, 10).low_data_rate_optimize());
        assert!(!frame(12, 500, 1, 8, true, false, 10).low_data_rate_optimize());
    }

    #[test]
    fn settings_outside_the_formula_give_none() {
        assert_eq!(frame(4, 125, 1, 8, true, false, 10).time_on_air_us(), None);
        assert_eq!(frame(13, 125, 1, 8, true, false, 10).time_on_air_us(), None);
        assert_eq!(frame(7, 0, 1, 8, true, false, 10).time_on_air_us(), None);
        assert_eq!(frame(7, 125, 0, 8, true, false, 10).time_on_air_us(), None);
        assert_eq!(fsk_time_on_air_us(0, 10), None);
        assert_eq!(data_fragment_phy_bytes(u64::MAX), None);
    }

    // --- Duty cycle ---------------------------------------------------------------------------

    #[test]
    fn duty_cycle_minimums() {
        let eu = region_radio(eu868()).unwrap();
        assert_eq!(duty_cycle(eu, 869_525_000, 62_500), DutyCycle::Limited(band(869_400, 869_650, 100)));
        assert_eq!(duty_cycle(eu, 868_100_000, 62_500), DutyCycle::Limited(band(868_000, 868_600, 10)));
        assert_eq!(duty_cycle(eu, 868_650_000, 0), DutyCycle::OutsideBands, "an alarm band");
        assert_eq!(duty_cycle(eu, 915_000_000, 0), DutyCycle::OutsideBands);
        assert!(matches!(duty_cycle(region_radio(lorawan::region("US915").unwrap()).unwrap(), 923_300_000, 250_000), DutyCycle::NoLimit(_)));
        // 390.144 ms at 10 %: one every 3.902 s; at 1 %: 39.015 s; at 0.1 %: 390.144 s.
        // The whole channel must fit: 125 kHz on 869.6 MHz reaches 869.6625 MHz, past the 10 %
        // band's 869.65; 250 kHz (DR6) on 869.525 fits exactly; FSK takes ±50 kHz.
        assert_eq!(duty_cycle(eu, 869_600_000, 62_500), DutyCycle::OutsideBands);
        assert_eq!(duty_cycle(eu, 869_600_000, 0), DutyCycle::Limited(band(869_400, 869_650, 100)));
        assert_eq!(duty_cycle(eu, 869_525_000, half_width_hz(&rate("EU868", 6))), DutyCycle::Limited(band(869_400, 869_650, 100)));
        assert_eq!(half_width_hz(&rate("EU868", 7)), 50_000);
        assert_eq!(half_width_hz(&rate("US915", 8)), 250_000);
        let spill = RadioInputs { frequency_hz: 869_600_000, ..demo_radio() };
        assert_eq!(codes(&warnings(&plan(995, 50, 25, 4000), "EU868", Some(&spill))), ["frequency-outside-bands"]);
        assert_eq!(min_interval_ms(390_144, 100), Some(3_902));
        assert_eq!(min_interval_ms(390_144, 10), Some(39_015));
        assert_eq!(min_interval_ms(390_144, 1), Some(390_144));
        assert_eq!(min_interval_ms(118_016, 100), Some(1_181));
        assert_eq!(min_interval_ms(1, 0), None);
        let rows = rate_rows(eu868(), 50, 869_525_000);
        assert_eq!(rows.iter().map(|r| r.min_interval_ms).collect::<Vec<_>>()[3..], [Some(3_902), Some(2_156), Some(1_181), Some(591), Some(124)]);
        assert!(rate_rows(lorawan::region("US915").unwrap(), 50, 923_300_000).iter().all(|r| r.min_interval_ms.is_none() && r.airtime_us.is_some()));
        assert_eq!(band(869_400, 869_650, 100).percent(), "10 %");
        assert_eq!(band(868_700, 869_200, 1).percent(), "0.1 %");
    }

    #[test]
    fn every_region_has_its_radio_facts_and_rx2_is_a_downlink_rate_inside_its_bands() {
        assert_eq!(REGION_RADIO.len(), lorawan::REGIONS.len());
        for region in lorawan::REGIONS {
            let radio = region_radio(region).unwrap_or_else(|| panic!("{}", region.name));
            assert!(region.downlink.iter().any(|d| d.index == radio.rx2_data_rate), "{} RX2 DR{}", region.name, radio.rx2_data_rate);
            // RX2, and every downlink data rate's channel on it, inside a band.
            for d in region.downlink {
                assert!(
                    !matches!(duty_cycle(radio, radio.rx2_frequency_hz, half_width_hz(d)), DutyCycle::OutsideBands),
                    "{} RX2 at DR{}",
                    region.name,
                    d.index
                );
            }
            assert!((DOWNLINK_FREQUENCY.min..=DOWNLINK_FREQUENCY.max).contains(&radio.rx2_frequency_hz));
        }
        let texts = RadioTexts::for_region("eu868");
        assert_eq!((texts.data_rate.as_str(), texts.downlink_frequency_hz.as_str(), texts.multicast_class.as_str()), ("0", "869525000", "ClassC"));
    }

    // --- The multicast session ------------------------------------------------------------------

    #[test]
    fn timeouts_round_up_to_powers_of_two_of_the_class_unit() {
        assert_eq!(effective_timeout_s(MulticastClass::ClassC, 60), 64);
        assert_eq!(effective_timeout_s(MulticastClass::ClassC, 4096), 4096);
        assert_eq!(effective_timeout_s(MulticastClass::ClassC, 4097), 8192);
        // TS005's 4 bits: a Class C device is told at most 2^15 s.
        assert_eq!(effective_timeout_s(MulticastClass::ClassC, 172_800), 32_768);
        // Class B counts beacon periods of 128 s: 60 s is one period, 172,800 s is 1350 → 2048.
        assert_eq!(effective_timeout_s(MulticastClass::ClassB, 60), 128);
        assert_eq!(effective_timeout_s(MulticastClass::ClassB, 172_800), 2048 * 128);
        assert_eq!(covering_timeout_s(MulticastClass::ClassC, 27), Some(32));
        // What to enter: within the service's 60..=172,800 s.
        assert_eq!(advised_session_timeout_s(MulticastClass::ClassC, 27), Some(64));
        assert_eq!(advised_session_timeout_s(MulticastClass::ClassC, 32_768), Some(32_768));
        assert_eq!(advised_session_timeout_s(MulticastClass::ClassC, 32_769), None);
        // Class B: 1501 periods need 2048 = 262,144 s, reached by entering 172,800 (rounded up).
        assert_eq!(advised_session_timeout_s(MulticastClass::ClassB, 1501 * 128), Some(172_800));
        assert_eq!(advised_session_timeout_s(MulticastClass::ClassB, 2049 * 128), None);
        assert_eq!(covering_timeout_s(MulticastClass::ClassC, 32_769), None);
        assert_eq!(covering_timeout_s(MulticastClass::ClassB, 129), Some(256));
    }

    /// ChirpStack's rule as `../shared/docs/api-facts.md` gives it: the smallest 2^t (t 0..15)
    /// with, for Class C, 2^t s ≥ margin × (fragments + 1) and, for Class B, 2^t beacon periods
    /// ≥ ⌈fragments / pingNb⌉ + 1, pingNb being the ping slots a beacon period has.
    fn chirpstack_exponent(class: MulticastClass, fragments: u64, margin_s: u64, ping_nb: u64) -> Option<u32> {
        (0..=15u32).find(|&t| match class {
            MulticastClass::ClassC => (1u64 << t) >= margin_s * (fragments + 1),
            MulticastClass::ClassB => (1u64 << t) > fragments.div_ceil(ping_nb),
        })
    }

    #[test]
    fn session_timeout_coverage_matches_chirpstack() {
        for fragments in [1u64, 2, 25, 127, 128, 129, 1000, 16_383] {
            for interval_s in [1u64, 2, 4, 5, 60] {
                let spacing = fragment_spacing_ms(MulticastClass::ClassC, interval_s, 32);
                let ours = needed_session_s(MulticastClass::ClassC, fragments, spacing).and_then(|n| covering_timeout_s(MulticastClass::ClassC, n));
                let theirs = chirpstack_exponent(MulticastClass::ClassC, fragments, interval_s, 1).map(|t| 1u64 << t);
                assert_eq!(ours, theirs, "Class C {fragments} fragments every {interval_s} s");
            }
            // Class B with an interval no longer than the ping period: one fragment per ping slot.
            for periodicity in 0..=7u32 {
                let ping_slot_period = 32u64 << periodicity;
                let ping_nb = PING_SLOTS_PER_BEACON / ping_slot_period;
                let spacing = fragment_spacing_ms(MulticastClass::ClassB, 0, ping_slot_period);
                let ours = needed_session_s(MulticastClass::ClassB, fragments, spacing).and_then(|n| covering_timeout_s(MulticastClass::ClassB, n));
                let theirs = chirpstack_exponent(MulticastClass::ClassB, fragments, 0, ping_nb).map(|t| (1u64 << t) * BEACON_PERIOD_S);
                assert_eq!(ours, theirs, "Class B {fragments} fragments, pingNb {ping_nb}");
            }
        }
    }

    #[test]
    fn class_b_waits_for_ping_slots() {
        // PingSlotPeriod 32 is a slot every 0.96 s: a 1 s interval waits for the second one.
        assert_eq!(fragment_spacing_ms(MulticastClass::ClassB, 1, 32), 1_920);
        assert_eq!(fragment_spacing_ms(MulticastClass::ClassB, 0, 4096), 122_880);
        assert_eq!(fragment_spacing_ms(MulticastClass::ClassB, 200, 4096), 245_760);
        assert_eq!(fragment_spacing_ms(MulticastClass::ClassC, 3, 4096), 3_000);
        // More than one beacon window between fragments: 2 periods each.
        assert_eq!(needed_session_s(MulticastClass::ClassB, 10, 245_760), Some(21 * 128));
    }

    // --- Warnings -------------------------------------------------------------------------------

    #[test]
    fn the_demo_task_breaks_the_duty_cycle_with_the_numbers() {
        let p = plan(995, 50, 25, 1000);
        let ws = warnings(&p, "EU868", Some(&demo_radio()));
        assert_eq!(codes(&ws), ["duty-cycle"]);
        assert_eq!(
            ws[0].sentence(),
            "At DR3 a fragment is 390 ms on air; 869.525 MHz allows 10 %, so one every 3.91 s at most; this task \
             sends one every 1 s. Fragments will be delayed or dropped: use an interval of at least 4 s, or a \
             faster data rate."
        );
        // 4 s is enough.
        assert!(warnings(&plan(995, 50, 25, 4000), "EU868", Some(&demo_radio())).is_empty());
        let a = assess(&p, eu868(), &demo_radio());
        assert_eq!((a.airtime_us, a.min_interval_ms, a.spacing_ms), (Some(390_144), Some(3_902), 1_000));
        assert_eq!(a.session_airtime_us, Some(25 * 390_144));
        assert_eq!(a.needed_session_s, Some(26));
    }

    #[test]
    fn the_chosen_rate_must_carry_the_fragment() {
        // At RX2's DR0 a 50-byte fragment does not fit (48 at most), although DR3 carries it.
        let radio = RadioInputs { data_rate: 0, ..demo_radio() };
        let ws = warnings(&plan(995, 50, 25, 30_000), "EU868", Some(&radio));
        assert!(codes(&ws).contains(&"fragment-too-large-for-data-rate"), "{ws:?}");
        assert!(ws[0].sentence().contains("at most 48 bytes"), "{}", ws[0].sentence());
        assert!(lorawan::warnings(&plan(995, 50, 25, 30_000), Some("EU868")).is_empty(), "the region as a whole carries it");
        let ws = warnings(&plan(995, 50, 25, 4000), "EU868", Some(&RadioInputs { data_rate: 9, ..demo_radio() }));
        assert_eq!(codes(&ws), ["data-rate-not-in-region"]);
    }

    #[test]
    fn session_timeout_and_image_and_device_limits() {
        let short = RadioInputs { session_timeout_s: 60, ..demo_radio() };
        let ws = warnings(&plan(995, 50, 25, 4000), "EU868", Some(&short));
        assert_eq!(codes(&ws), ["session-timeout"]);
        let s = ws[0].sentence();
        assert!(s.contains("ends after 64 s") && s.contains("need 104 s") && s.contains("at least 128 s"), "{s}");
        assert_eq!(
            codes(&warnings(&plan(1_000_001, 200, 0, 4000), "EU868", Some(&RadioInputs { data_rate: 5, session_timeout_s: 172_800, ..demo_radio() }))),
            ["image-too-large"]
        );
        assert!(warnings(&plan(1_000_000, 200, 0, 4000), "EU868", Some(&RadioInputs { data_rate: 5, session_timeout_s: 172_800, ..demo_radio() })).is_empty());
        let capped = RadioInputs { device_max_fragment_bytes: Some(40), ..demo_radio() };
        assert_eq!(codes(&warnings(&plan(995, 50, 25, 4000), "EU868", Some(&capped))), ["fragment-too-large-for-device"]);
        let outside = RadioInputs { frequency_hz: 868_650_000, ..demo_radio() };
        assert_eq!(codes(&warnings(&plan(995, 50, 25, 4000), "EU868", Some(&outside))), ["frequency-outside-bands"]);
        // No duty cycle in US915, but a frame still takes its time: 0 s is too fast.
        let us = RadioInputs { data_rate: 8, frequency_hz: 923_300_000, ..demo_radio() };
        assert!(warnings(&plan(995, 40, 25, 1000), "US915", Some(&us)).is_empty());
        assert_eq!(codes(&warnings(&plan(995, 40, 25, 400), "US915", Some(&us))), ["interval-shorter-than-airtime"]);
    }

    // --- The fastest sound plan -----------------------------------------------------------------

    #[test]
    fn the_demo_proposal_is_sound_and_faster() {
        let inputs = plan(995, 50, 25, 1000).inputs;
        let p = fastest_sound_plan(inputs, "EU868", &demo_radio()).unwrap();
        assert!(warnings(&p.plan, "EU868", Some(&RadioInputs { data_rate: p.data_rate, ..demo_radio() })).is_empty());
        // At 10 % FSK sends a fragment in well under 100 ms, so one a second: 5 + 2 fragments of
        // 199 bytes (995 B in 5 with no padding; 219-byte ones would also need 5, padded).
        assert_eq!((p.data_rate, p.plan.inputs.fragment_bytes, p.plan.inputs.interval_ms, p.radio_session_ms), (7, 199, 1000, 7000));
        // Kept at DR3 by a device limit of 40 bytes, one every 4 s.
        let capped = RadioInputs { device_max_fragment_bytes: Some(40), ..demo_radio() };
        let p = fastest_sound_plan(inputs, "EU868", &capped).unwrap();
        assert!(p.plan.inputs.fragment_bytes <= 40);
    }

    #[test]
    fn no_sound_plan_says_why() {
        let big = FragmentInputs { firmware_bytes: 2_000_000, fragment_bytes: 50, redundancy_percent: 0, interval_ms: 1000 };
        assert!(matches!(fastest_sound_plan(big, "EU868", &demo_radio()), Err(NoSoundPlan::ImageTooLarge { .. })));
        let inputs = plan(995, 50, 25, 1000).inputs;
        assert!(matches!(fastest_sound_plan(inputs, "XX1", &demo_radio()), Err(NoSoundPlan::RegionUnknown { .. })));
        // Not sound either: the radio cannot be checked.
        assert_eq!(codes(&warnings(&plan(995, 50, 25, 1000), "XX1", Some(&demo_radio()))), ["region-unknown"]);
        let outside = RadioInputs { frequency_hz: 868_650_000, ..demo_radio() };
        assert!(fastest_sound_plan(inputs, "EU868", &outside).unwrap_err().sentence().contains("868.65 MHz"));
        // 1 MB at 0.1 % in 64 s: nothing fits the session.
        let tight = RadioInputs { frequency_hz: 868_900_000, session_timeout_s: 60, ..demo_radio() };
        let big_ok = FragmentInputs { firmware_bytes: 1_000_000, ..inputs };
        let e = fastest_sound_plan(big_ok, "EU868", &tight).unwrap_err();
        assert!(matches!(e, NoSoundPlan::NothingFits { first: Some(_) }), "{e:?}");
        assert!(e.sentence().contains("session"), "{}", e.sentence());
    }

    #[test]
    fn ping_slot_periods_are_powers_of_two() {
        let texts = |p: &str| RadioTexts { ping_slot_period: p.to_owned(), ..RadioTexts::for_region("EU868") };
        for ok in ["32", "64", "128", "4096", "4,096"] {
            assert!(texts(ok).parse().is_ok(), "{ok}");
        }
        for bad in ["100", "33", "4095", "16", "8192"] {
            assert!(matches!(texts(bad).parse(), Err(ConsoleError::InvalidInput { field: Field::PingSlotPeriod, .. })), "{bad}");
        }
        let unitless = RadioTexts { data_rate: "x".into(), ..RadioTexts::for_region("EU868") }.parse();
        assert!(
            matches!(&unitless, Err(ConsoleError::InvalidInput { reason, .. }) if reason == "The data rate index is a whole number: digits only, optionally grouped by thousands (250,000 or 250 000)."),
            "{unitless:?}"
        );
    }

    #[test]
    fn the_planner_says_it_in_words() {
        let current = plan(995, 50, 25, 1000);
        let p = fastest_sound_plan(current.inputs, "EU868", &demo_radio()).unwrap();
        assert_eq!(
            p.sentence(&current, "EU868", &demo_radio()),
            "Fastest sound plan: DR7 (FSK 50kbps), 199-byte fragments, one every 1 s: 7 fragments over 7 s on the radio. \
             This plan: 25 fragments over 25 s. A faster data rate reaches less far: check that every device of the group hears DR7."
        );
        let chosen = RadioInputs { data_rate: 7, ..demo_radio() };
        assert!(p.sentence(&p.plan, "EU868", &chosen).starts_with("This plan is sound"));
        let [on_air, limit, session] = assess(&current, eu868(), &demo_radio()).sentences(25, MulticastClass::ClassC);
        assert_eq!(on_air, "On air: one fragment is 390 ms at DR3 (SF9/125kHz); all 25 together 9.75 s, 39.1 % of the channel while it runs.");
        assert_eq!(limit, "Duty cycle: 10 % on 869.4 MHz–869.65 MHz, so one fragment every 3.91 s at most.");
        assert_eq!(
            session,
            "Multicast session: Class C, the devices listen for 1 h 08 min (4096 s: the session timeout as a power of two, as the devices are told it); the fragments need 26 s, one every 1 s."
        );
    }

    #[test]
    fn a_proposal_improves_only_on_a_slower_or_unsound_plan() {
        let inputs = plan(995, 50, 25, 1000).inputs;
        let p = fastest_sound_plan(inputs, "EU868", &demo_radio()).unwrap();
        let chosen = RadioInputs { data_rate: p.data_rate, ..demo_radio() };
        assert!(p.improves_on(&plan(995, 50, 25, 1000), "EU868", &demo_radio()), "the demo plan breaks the duty cycle");
        assert!(!p.improves_on(&p.plan, "EU868", &chosen));
        // 1400 ms rounds to the same 1 s; 219-byte fragments make as many fragments: no gain.
        assert!(!p.improves_on(&plan(995, 199, 25, 1400), "EU868", &chosen));
        assert!(!p.improves_on(&plan(995, 219, 25, 1000), "EU868", &chosen));
        assert!(p.improves_on(&plan(995, 199, 25, 2000), "EU868", &chosen));
    }

    #[test]
    fn words() {
        assert_eq!(megahertz(869_525_000), "869.525 MHz");
        assert_eq!(megahertz(923_300_000), "923.3 MHz");
        assert_eq!(megahertz(786_000_000), "786 MHz");
        assert_eq!(airtime_words(390_144), "390 ms");
        assert_eq!(airtime_words(2_465_792), "2.47 s");
        assert_eq!(seconds_words(3_902), "3.91 s");
        assert_eq!(seconds_words(1_181), "1.19 s");
        assert_eq!(seconds_words(1_000), "1 s");
        assert_eq!(seconds_words(600), "0.6 s");
        assert_eq!(seconds_words(39_015), "39.02 s");
        // Class B spacing against a minimum a few ms longer: the sentence tells them apart.
        assert_ne!(seconds_words(3_840), seconds_words(3_850));
        assert_eq!(airtime_words(u64::MAX), format!("{}.{:02} s", u64::MAX / 10_000 / 100, u64::MAX / 10_000 % 100));
    }

    fn any_radio() -> impl Strategy<Value = (String, RadioInputs)> {
        (0..lorawan::REGIONS.len(), 0u8..=15, any::<bool>(), 60u64..=172_800, 0u32..=7, proptest::option::of(1u64..=255), any::<bool>()).prop_map(
            |(r, dr, class_b, timeout, periodicity, device_max, rx2)| {
                let region = &lorawan::REGIONS[r];
                let radio = region_radio(region).unwrap();
                let data_rate = if rx2 { radio.rx2_data_rate } else { dr };
                let inputs = RadioInputs {
                    data_rate,
                    frequency_hz: radio.rx2_frequency_hz,
                    class: if class_b { MulticastClass::ClassB } else { MulticastClass::ClassC },
                    session_timeout_s: timeout,
                    ping_slot_period: 32 << periodicity,
                    device_max_fragment_bytes: device_max,
                };
                (region.name.to_owned(), inputs)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The proposal is sound, and never slower than the plan the user has when that one is sound.
        #[test]
        fn the_proposal_is_never_unsound_nor_worse(
            (region, radio) in any_radio(),
            firmware in 1u64..=1_200_000, fragment in 1u64..=260, percent in 0u64..=100, interval_ms in 1u64..=200_000,
        ) {
            let inputs = FragmentInputs { firmware_bytes: firmware, fragment_bytes: fragment, redundancy_percent: percent, interval_ms };
            let current = inputs.plan().ok();
            match fastest_sound_plan(inputs, &region, &radio) {
                Ok(p) => {
                    let chosen = RadioInputs { data_rate: p.data_rate, ..radio };
                    prop_assert!(warnings(&p.plan, &region, Some(&chosen)).is_empty(), "{:?}", p);
                    prop_assert_eq!(p.plan.inputs.firmware_bytes, firmware);
                    prop_assert_eq!(p.plan.inputs.redundancy_percent, percent);
                    prop_assert!(p.plan.inputs.fragment_bytes <= radio.device_max_fragment_bytes.unwrap_or(255));
                    if let Some(c) = current.filter(|c| warnings(c, &region, Some(&radio)).is_empty()) {
                        let ours = assess(&c, lorawan::region(&region).unwrap(), &radio).radio_session_ms.unwrap_or(u64::MAX);
                        prop_assert!(p.radio_session_ms <= ours, "proposal {} ms, current {} ms", p.radio_session_ms, ours);
                    }
                }
                Err(e) => {
                    prop_assert!(!e.sentence().is_empty());
                    if let Some(c) = current {
                        prop_assert!(!warnings(&c, &region, Some(&radio)).is_empty(), "a sound plan exists, the search found none: {:?}", e);
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn nothing_panics_on_any_input(
            fragment in any::<u64>(), data in any::<u64>(), redundant in any::<u64>(), interval in any::<u64>(),
            dr in any::<u8>(), freq in any::<u64>(), class_b in any::<bool>(), timeout in any::<u64>(), ping in any::<u64>(),
            region in 0..lorawan::REGIONS.len(),
        ) {
            let p = FragmentPlan {
                inputs: FragmentInputs { firmware_bytes: 1, fragment_bytes: fragment, redundancy_percent: 0, interval_ms: 1000 },
                data_fragments: data,
                redundant_fragments: redundant,
                total_fragments: data.saturating_add(redundant),
                padding_bytes: 0,
                interval_seconds: interval,
                session_seconds: 0,
            };
            let radio = RadioInputs {
                data_rate: dr, frequency_hz: freq,
                class: if class_b { MulticastClass::ClassB } else { MulticastClass::ClassC },
                session_timeout_s: timeout, ping_slot_period: ping, device_max_fragment_bytes: None,
            };
            let region = &lorawan::REGIONS[region];
            let a = assess(&p, region, &radio);
            let _ = a.channel_per_mille();
            for w in warnings(&p, region.name, Some(&radio)) {
                prop_assert!(!w.sentence().is_empty());
            }
            for row in rate_rows(region, fragment, freq) {
                prop_assert!(row.min_interval_ms.is_none() || row.airtime_us.is_some());
            }
        }

        #[test]
        fn airtime_grows_with_the_payload(dr in 0usize..8, a in 1u64..=219, b in 1u64..=219) {
            let rate = eu868().downlink[dr];
            let (small, large) = (a.min(b), a.max(b));
            prop_assert!(data_fragment_airtime_us(&rate, small) <= data_fragment_airtime_us(&rate, large));
        }
    }
}
