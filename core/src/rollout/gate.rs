//! The gate between waves: how a wave's devices ended (the tally), the share that must end
//! `Successful` before the next wave is offered, and the share of failures that halts a rollout.
//!
//! A task reaches `FuotaDone` even when every device failed (AWS's FUOTA status page): only the
//! devices' statuses say whether a wave worked, so the gate counts devices, never task statuses.

use crate::campaign::devices::{DeviceOutcome, FuotaDeviceStatus, WirelessDevice};

/// The success threshold a new rollout starts with: 95 % of a wave's devices updated.
pub const DEFAULT_SUCCESS_PERCENT: u8 = 95;
/// The error threshold a new rollout starts with: 10 % of a wave's devices failed halts it.
pub const DEFAULT_ERROR_PERCENT: u8 = 10;

/// The two thresholds, whole percents 1..=100. Their sum is above 100, so that no wave can both
/// pass (enough devices updated) and halt (too many failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gate {
    success_percent: u8,
    error_percent: u8,
}

impl Default for Gate {
    fn default() -> Self {
        Gate { success_percent: DEFAULT_SUCCESS_PERCENT, error_percent: DEFAULT_ERROR_PERCENT }
    }
}

impl Gate {
    /// The thresholds, or the sentence that says why they make no gate.
    pub fn new(success_percent: u8, error_percent: u8) -> Result<Self, String> {
        if !(1..=100).contains(&success_percent) {
            return Err("The success threshold is a whole percent from 1 to 100.".into());
        }
        if !(1..=100).contains(&error_percent) {
            return Err("The error threshold is a whole percent from 1 to 100.".into());
        }
        if u16::from(success_percent) + u16::from(error_percent) <= 100 {
            return Err(format!(
                "An error threshold of {error_percent} % would halt a wave that the success threshold of {success_percent} % lets through: make it above {} %.",
                100 - success_percent
            ));
        }
        Ok(Gate { success_percent, error_percent })
    }

    /// The share of a wave's devices that must end `Successful` before the next wave is offered.
    pub fn success_percent(self) -> u8 {
        self.success_percent
    }

    /// The share of a wave's devices failed that halts the rollout, while it runs or after.
    pub fn error_percent(self) -> u8 {
        self.error_percent
    }

    /// Did enough of the wave's devices end updated? Never for a wave without devices.
    pub fn passes(self, tally: &Tally) -> bool {
        tally.devices > 0 && tally.succeeded as u128 * 100 >= u128::from(self.success_percent) * tally.devices as u128
    }

    /// Did so many of the wave's devices fail that the rollout halts?
    pub fn halts(self, tally: &Tally) -> bool {
        tally.devices > 0 && tally.failed as u128 * 100 >= u128::from(self.error_percent) * tally.devices as u128
    }
}

/// A device of a wave and its FUOTA status as the service lists it (None: not reported yet).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeviceState {
    pub id: String,
    pub status: Option<FuotaDeviceStatus>,
}

impl DeviceState {
    /// A listed device (ListWirelessDevices by FUOTA task); None without an id to know it by.
    pub fn of(device: &WirelessDevice) -> Option<Self> {
        let id = device.id.clone().filter(|id| !id.is_empty())?;
        Some(Self { id, status: device.fuota_status.clone() })
    }
}

/// How a wave's devices stand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub devices: usize,
    pub succeeded: usize,
    pub failed: usize,
    /// No answer yet, while the wave's task has not ended.
    pub waiting: usize,
    /// A status the console does not know: neither success nor failure is claimed.
    pub unknown: usize,
}

impl Tally {
    /// Counts one device. `ended`: its wave's task has ended (`FuotaDone`, or being deleted), so
    /// a device that never answered (`Initial`, or no status) will not now, and has failed.
    pub fn add(&mut self, status: Option<&FuotaDeviceStatus>, ended: bool) {
        self.devices += 1;
        match status.map_or(DeviceOutcome::Waiting, FuotaDeviceStatus::outcome) {
            DeviceOutcome::Succeeded => self.succeeded += 1,
            DeviceOutcome::Failed => self.failed += 1,
            DeviceOutcome::Waiting if ended => self.failed += 1,
            DeviceOutcome::Waiting => self.waiting += 1,
            DeviceOutcome::Unknown => self.unknown += 1,
        }
    }

    /// The tally of `devices`, their wave `ended` or not.
    pub fn of<'a>(devices: impl IntoIterator<Item = &'a DeviceState>, ended: bool) -> Self {
        let mut tally = Tally::default();
        for d in devices {
            tally.add(d.status.as_ref(), ended);
        }
        tally
    }

    /// The share updated, in whole percents rounded down (so that a wave shown at 95 % has
    /// passed a 95 % gate); None without devices.
    pub fn success_percent(&self) -> Option<u8> {
        floor_percent(self.succeeded, self.devices)
    }

    /// The share failed, in whole percents rounded down.
    pub fn failed_percent(&self) -> Option<u8> {
        floor_percent(self.failed, self.devices)
    }
}

fn floor_percent(part: usize, whole: usize) -> Option<u8> {
    (whole > 0).then(|| u8::try_from(part.min(whole) as u128 * 100 / whole as u128).unwrap_or(100))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tally(succeeded: usize, failed: usize, waiting: usize) -> Tally {
        Tally { devices: succeeded + failed + waiting, succeeded, failed, waiting, unknown: 0 }
    }

    #[test]
    fn the_thresholds_are_whole_percents_that_cannot_contradict() {
        assert_eq!(Gate::default(), Gate::new(95, 10).unwrap());
        assert!(Gate::new(0, 10).is_err() && Gate::new(101, 10).is_err() && Gate::new(95, 0).is_err());
        let contradiction = Gate::new(95, 5).unwrap_err();
        assert!(contradiction.contains("above 5 %"), "{contradiction}");
        assert!(Gate::new(95, 6).is_ok() && Gate::new(100, 1).is_ok() && Gate::new(1, 100).is_ok());
    }

    #[test]
    fn a_wave_passes_at_the_threshold_and_halts_at_the_error_share() {
        let gate = Gate::default();
        assert!(gate.passes(&tally(95, 5, 0)), "95 of 100 is 95 %");
        assert!(!gate.passes(&tally(94, 6, 0)));
        assert!(!gate.passes(&tally(189, 11, 0)), "94.5 % is below 95 %");
        assert_eq!(tally(189, 11, 0).success_percent(), Some(94), "shown rounded down, never as 95");
        assert!(gate.halts(&tally(80, 10, 10)), "10 % failed while it runs");
        assert!(!gate.halts(&tally(80, 9, 11)));
        assert!(!gate.passes(&Tally::default()) && !gate.halts(&Tally::default()));
        assert_eq!(Tally::default().success_percent(), None);
    }

    #[test]
    fn a_device_that_never_answered_fails_once_its_wave_ended() {
        let devices = [
            DeviceState { id: "a".into(), status: Some(FuotaDeviceStatus::Successful) },
            DeviceState { id: "b".into(), status: Some(FuotaDeviceStatus::Initial) },
            DeviceState { id: "c".into(), status: None },
            DeviceState { id: "d".into(), status: Some(FuotaDeviceStatus::MissingFrag) },
            DeviceState { id: "e".into(), status: Some(FuotaDeviceStatus::parse("Brand_New")) },
        ];
        assert_eq!(Tally::of(&devices, false), Tally { devices: 5, succeeded: 1, failed: 1, waiting: 2, unknown: 1 });
        assert_eq!(Tally::of(&devices, true), Tally { devices: 5, succeeded: 1, failed: 3, waiting: 0, unknown: 1 });
    }

    proptest! {
        /// No wave both passes and halts, whatever the thresholds and counts.
        #[test]
        fn no_wave_passes_and_halts(s in 1u8..=100, e in 1u8..=100, ok in 0usize..500, bad in 0usize..500, other in 0usize..50) {
            if let Ok(gate) = Gate::new(s, e) {
                let t = Tally { devices: ok + bad + other, succeeded: ok, failed: bad, waiting: 0, unknown: other };
                prop_assert!(!(gate.passes(&t) && gate.halts(&t)));
                if let Some(p) = t.success_percent() {
                    prop_assert_eq!(gate.passes(&t), ok * 100 >= usize::from(s) * t.devices);
                    prop_assert!(p <= 100);
                }
            }
        }
    }
}
