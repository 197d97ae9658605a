//! A device's link as GetWirelessDeviceStatistics reports it (no secret in that answer, unlike
//! GetWirelessDevice's): its last uplink, the uplink's data rate, and every gateway that heard it
//! with its SNR and RSSI. From it: is the device silent (it will not get its Class A setup in
//! time: McGroupSetupReq and FragSessionSetupReq go down only after an uplink), and does a
//! participating gateway of the multicast group hear it.

use crate::campaign::eui;
use crate::wire::members::{object, within};
use crate::wire::time::Timestamp;

const HOUR_MS: i64 = 3_600_000;

/// The default of `silent-after-hours`.
pub const DEFAULT_SILENT_AFTER_HOURS: u32 = 24;

/// One gateway that heard the device's last uplink.
#[derive(Clone, Debug, PartialEq)]
pub struct Heard {
    /// 16 uppercase hex digits when the EUI reads as one, else as the service wrote it.
    pub gateway_eui: String,
    pub snr_db: Option<f64>,
    pub rssi_dbm: Option<f64>,
}

/// What the service says of a device's link. `statistics: false`: the answer had no LoRaWAN
/// statistics at all (a device that never joined): everything about its reach is unknown.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceLink {
    pub statistics: bool,
    pub last_uplink: Option<Timestamp>,
    pub uplink_data_rate: Option<u8>,
    pub gateways: Vec<Heard>,
}

impl DeviceLink {
    /// Reads a GetWirelessDeviceStatistics answer, member by member as the model types them.
    pub fn from_statistics(value: serde_json::Value) -> Result<Self, String> {
        let m = object(&value)?;
        let last_uplink = match m.string("LastUplinkReceivedAt")? {
            Some(s) => Some(Timestamp::parse_iso8601(&s).ok_or_else(|| format!("LastUplinkReceivedAt is not an ISO-8601 time: {s:.64}"))?),
            None => None,
        };
        let lorawan = m.nested("LoRaWAN", "LoRaWAN.")?;
        let uplink_data_rate = within(lorawan, |l| l.integer("DataRate"))?.and_then(|d| u8::try_from(d).ok());
        let mut gateways = Vec::new();
        if let Some(l) = lorawan {
            for list in ["Gateways", "PublicGateways"] {
                for g in l.objects(list, "LoRaWAN.Gateways[].")? {
                    let raw = g.string("GatewayEui")?.unwrap_or_default();
                    gateways.push(Heard { gateway_eui: eui::normalise(&raw).unwrap_or(raw), snr_db: g.number("Snr")?, rssi_dbm: g.number("Rssi")? });
                }
            }
        }
        Ok(Self { statistics: lorawan.is_some() || last_uplink.is_some(), last_uplink, uplink_data_rate, gateways })
    }

    /// The gateway that heard it best (highest SNR).
    pub fn best(&self) -> Option<&Heard> {
        self.best_among(&[])
    }

    /// The gateway that heard it best among `participating` (EUIs; every gateway when empty):
    /// the link the margin is computed from. A multicast group that names its gateways sends only
    /// through them, so a gateway outside the list that heard the device well says nothing of how
    /// well the downlink will reach it.
    pub fn best_among(&self, participating: &[String]) -> Option<&Heard> {
        self.gateways
            .iter()
            .filter(|g| g.snr_db.is_some_and(f64::is_finite))
            .filter(|g| participating.is_empty() || participating.iter().any(|p| eui::normalise(p).is_some_and(|p| p == g.gateway_eui)))
            .max_by(|a, b| a.snr_db.partial_cmp(&b.snr_db).unwrap_or(std::cmp::Ordering::Equal))
    }

    /// No uplink within `silent_after_hours` of `now_ms` (none at all counts as silent); None for
    /// a device without statistics (unknown, not silent).
    pub fn silent(&self, now_ms: i64, silent_after_hours: u32) -> Option<bool> {
        if !self.statistics {
            return None;
        }
        Some(match self.last_uplink {
            None => true,
            Some(t) => now_ms.saturating_sub(t.epoch_millis()) > i64::from(silent_after_hours) * HOUR_MS,
        })
    }

    /// Heard by at least one of the multicast group's participating gateways (their EUIs)? None
    /// when the group names none (the service then uses the gateways that heard the devices
    /// last) or the device has no statistics.
    pub fn covered(&self, participating: &[String]) -> Option<bool> {
        if participating.is_empty() || !self.statistics {
            return None;
        }
        let wanted: Vec<String> = participating.iter().filter_map(|e| eui::normalise(e)).collect();
        Some(self.gateways.iter().any(|g| wanted.contains(&g.gateway_eui)))
    }
}

/// A GetWirelessGateway answer's `LoRaWAN.GatewayEui` (16 uppercase hex digits when it reads as
/// one, else as written); None when the answer has none.
pub fn gateway_eui(value: serde_json::Value) -> Result<Option<String>, String> {
    let m = object(&value)?;
    let raw = within(m.nested("LoRaWAN", "LoRaWAN.")?, |l| l.string("GatewayEui"))?;
    Ok(raw.map(|r| eui::normalise(&r).unwrap_or(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_796_292_000_000; // 2026-12-03T10:00:00Z

    fn link() -> DeviceLink {
        DeviceLink::from_statistics(json!({
            "WirelessDeviceId": "d1",
            "LastUplinkReceivedAt": "2026-12-03T09:00:00Z",
            "LoRaWAN": {"DevEui": "0011223344556677", "DataRate": 3, "Frequency": 868100000,
                "Gateways": [{"GatewayEui": "aa-bb-cc-dd-ee-ff-00-11", "Snr": -3.5, "Rssi": -110.0}, {"GatewayEui": "AABBCCDDEEFF0022", "Snr": 6.25, "Rssi": -80.0}]}
        }))
        .unwrap()
    }

    #[test]
    fn the_statistics_read_into_a_link_and_its_best_gateway() {
        let l = link();
        assert_eq!(l.uplink_data_rate, Some(3));
        assert_eq!(l.best().map(|g| (g.gateway_eui.as_str(), g.snr_db)), Some(("AABBCCDDEEFF0022", Some(6.25))));
        assert_eq!(l.gateways[0].gateway_eui, "AABBCCDDEEFF0011", "EUIs compared as 16 hex digits");
        // A device that never joined: only its id.
        let none = DeviceLink::from_statistics(json!({"WirelessDeviceId": "d2"})).unwrap();
        assert!(!none.statistics);
        assert_eq!((none.silent(NOW, 24), none.covered(&["AABBCCDDEEFF0011".into()])), (None, None));
        assert!(DeviceLink::from_statistics(json!({"LoRaWAN": {"Gateways": [{"Snr": "loud"}]}})).is_err());
        assert!(DeviceLink::from_statistics(json!({"LastUplinkReceivedAt": "yesterday"})).is_err());
    }

    #[test]
    fn a_gateway_answer_gives_its_eui_as_16_hex_digits() {
        assert_eq!(
            gateway_eui(json!({"Id": "gw", "LoRaWAN": {"GatewayEui": "aa:bb:cc:dd:ee:ff:00:11", "RfRegion": "EU868"}})),
            Ok(Some("AABBCCDDEEFF0011".into()))
        );
        assert_eq!(gateway_eui(json!({"Id": "gw"})), Ok(None));
        assert!(gateway_eui(json!({"LoRaWAN": {"GatewayEui": 7}})).is_err());
    }

    #[test]
    fn silent_is_no_uplink_within_the_hours_given() {
        let l = link();
        assert_eq!(l.silent(NOW, 24), Some(false));
        assert_eq!(l.silent(NOW + 23 * HOUR_MS, 24), Some(false));
        assert_eq!(l.silent(NOW + 24 * HOUR_MS, 24), Some(true));
        assert_eq!(l.silent(NOW, 0), Some(true));
        let never = DeviceLink { last_uplink: None, ..link() };
        assert_eq!(never.silent(NOW, 24_000), Some(true));
    }

    #[test]
    fn the_best_link_is_taken_among_the_groups_gateways_when_it_names_them() {
        let l = link();
        assert_eq!(l.best().map(|g| g.snr_db), Some(Some(6.25)));
        assert_eq!(l.best_among(&["aa:bb:cc:dd:ee:ff:00:11".into()]).map(|g| g.snr_db), Some(Some(-3.5)), "the weaker one, the group's");
        assert_eq!(l.best_among(&["0000000000000001".into()]), None);
    }

    #[test]
    fn covered_when_a_participating_gateway_heard_it_in_any_spelling() {
        let l = link();
        assert_eq!(l.covered(&["aa:bb:cc:dd:ee:ff:00:22".into()]), Some(true));
        assert_eq!(l.covered(&["0000000000000001".into()]), Some(false));
        assert_eq!(l.covered(&[]), None, "no list: the service picks the gateways");
    }
}
