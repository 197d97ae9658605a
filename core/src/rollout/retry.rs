//! Which failed devices another attempt can reach, and the follow-up wave made of them.
//!
//! The split is our reading of the LoRa Alliance's Fragmented Data Block Transport (TS004 v1.0.0
//! and v2.0.0) and Remote Multicast Setup (TS005), from which IoT Wireless's `FuotaDeviceStatus`
//! values take their meaning; AWS does not document it. A status is *retryable* when a new session
//! of the same plan (image, fragment size, redundancy, descriptor) can work; *not retryable* when
//! the device refused the plan itself, so the same plan will be refused again.

use std::collections::HashMap;

use super::gate::DeviceState;
use crate::campaign::devices::FuotaDeviceStatus;
use crate::sort::{sort, sort_by};

/// What a follow-up does with a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// It has the image.
    Updated,
    /// Its wave still runs: no verdict yet.
    InFlight,
    /// Another attempt can work: it goes into the follow-up.
    Retryable,
    /// The same plan cannot work: left out, with the reason (the user can add it back).
    NotRetryable,
}

/// A device's status, classified, with the reason in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    pub retry: Retry,
    pub reason: String,
}

/// Classifies a device's last status; `ended`: its wave's task has ended.
pub fn classify(status: Option<&FuotaDeviceStatus>, ended: bool) -> Classified {
    use FuotaDeviceStatus::*;
    let (retry, reason) = match status {
        Some(Successful) => (Retry::Updated, "It has the new image."),
        // TS004/TS005 setup goes down after an uplink (Class A): a device still at Initial after
        // its session never answered FragSessionSetupReq — off, out of range, or silent too long.
        // Nothing about the plan was refused: a new session can reach it.
        Some(Initial) | None if ended => {
            (Retry::Retryable, "It never answered during the session (off, out of range, or no uplink to carry the setup): a new session can reach it.")
        }
        Some(Initial) | None => (Retry::InFlight, "Its wave is still running: no answer yet."),
        // TS004 FragSessionStatusAns: fragments were still missing when the session ended (the
        // MissingFrag count). Radio loss, not a refusal: a new session, ideally with more
        // redundancy or a more robust data rate, can fill them.
        Some(MissingFrag) => (Retry::Retryable, "Too few fragments reached it (TS004 MissingFrag): a new session can, better with more redundancy or a more robust data rate."),
        // TS004 v2.0.0 FragSessionStatusAns: the rebuilt data block failed its integrity check
        // (MIC). The block was assembled wrongly (a corrupted fragment); a new session rebuilds
        // it from scratch. If it fails again, the image or its keys are at fault.
        Some(MicError) => (Retry::Retryable, "The rebuilt image failed its integrity check (TS004 MIC): a new session rebuilds it; if it fails again, check the image."),
        // TS004 FragSessionStatusAns "not enough matrix memory": the decoder ran out of RAM while
        // rebuilding. The memory it needs grows with the fragments lost, so a session that loses
        // fewer can fit — unlike Not_enough_memory, which refuses the image's size up front.
        Some(MemoryError) => (Retry::Retryable, "It ran out of memory rebuilding the image (TS004 matrix memory), which grows with the fragments lost: a new session that loses fewer can fit."),
        // TS004 v2.0.0 FragSessionSetupAns bit 4: the session counter was not above the last one
        // the device accepted, so it refused a replay. A new task is a new session with a new
        // counter. If it comes back again, the device's counter is ahead of the service's (a
        // device moved from another network server): leave it out then.
        Some(SessionCntReplay) => (Retry::Retryable, "It took the session's counter for a replay (TS004 v2 SessionCnt): a new session carries a new counter; if it comes back again, the device's counter is ahead of the service's."),
        // IoT Wireless's own status, not TS004's: the device belonged to another FUOTA task at
        // the same time. Nothing was refused; once the other task has ended, it can take this one.
        Some(DeviceExistInConflictFuotaTask) => (Retry::Retryable, "It belonged to another FUOTA task at the same time: retry once that task has ended."),
        // TS004 PackageVersionReq: the device does not run the fragmentation package (or TS005's
        // multicast setup). No session of any plan can reach it over the air.
        Some(PackageNotSupported) => (Retry::NotRetryable, "Its firmware has no FUOTA support (TS004/TS005 package): no session can update it; update it another way."),
        // TS004 FragSessionSetupAns bit 0 "encoding unsupported": it cannot decode the
        // fragmentation algorithm the service uses. The same algorithm will be refused again.
        Some(FragAlgoUnsupported) => (Retry::NotRetryable, "It cannot decode the fragmentation algorithm (TS004 encoding unsupported): the same plan will be refused again."),
        // TS004 FragSessionSetupAns bit 1 "not enough memory": the image (fragments × size,
        // padding included) does not fit its storage. The same image will not fit next time.
        Some(NotEnoughMemory) => (Retry::NotRetryable, "The image does not fit its storage (TS004 not enough memory): the same image will not fit again; send a smaller one or free storage."),
        // TS004 FragSessionSetupAns bit 2 "FragSession index not supported": the device does not
        // support the session index the service chose; a new task of the same plan is given the
        // same kind of session, so it is left out rather than refused again.
        Some(FragIndexUnsupported) => (Retry::NotRetryable, "It does not support the fragmentation session index used (TS004 FragIndex): the same plan will be refused again."),
        // TS004 FragSessionSetupAns bit 3 "wrong descriptor": it refused the file descriptor (the
        // task's Descriptor, e.g. a version it does not accept). The same descriptor is refused again.
        Some(WrongDescriptor) => (Retry::NotRetryable, "It refused the task's descriptor (TS004 wrong descriptor): the same descriptor will be refused again; check the one the firmware expects."),
        // A status the console does not know: no claim that a retry can work.
        Some(Unknown(s)) => {
            return Classified {
                retry: Retry::NotRetryable,
                reason: format!("The service reports {s}, a status the console does not know: not retried by itself; add it back if a retry can work."),
            }
        }
    };
    Classified { retry, reason: reason.to_owned() }
}

/// A device left out of a follow-up, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub device: String,
    /// The status as the service spells it ("" when none).
    pub status: String,
    pub reason: String,
}

/// A follow-up wave: exactly the devices of finished waves whose last status is retryable, and the
/// failed ones left out with their reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowUp {
    /// Sorted.
    pub devices: Vec<String>,
    /// Sorted by device.
    pub left_out: Vec<LeftOut>,
}

impl FollowUp {
    /// Of the waves in order (each: whether its task ended, its devices). A device in several
    /// waves counts by its last one; a device whose last wave still runs is in neither list.
    pub fn of<'a>(waves: impl IntoIterator<Item = (bool, &'a [DeviceState])>) -> Self {
        let mut last: HashMap<&str, (Option<&FuotaDeviceStatus>, bool)> = HashMap::new();
        for (ended, devices) in waves {
            for d in devices {
                last.insert(d.id.as_str(), (d.status.as_ref(), ended));
            }
        }
        let mut follow_up = FollowUp::default();
        for (device, (status, ended)) in last {
            if !ended {
                continue;
            }
            let c = classify(status, true);
            match c.retry {
                Retry::Retryable => follow_up.devices.push(device.to_owned()),
                Retry::NotRetryable => follow_up.left_out.push(LeftOut {
                    device: device.to_owned(),
                    status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    reason: c.reason,
                }),
                Retry::Updated | Retry::InFlight => {}
            }
        }
        sort(&mut follow_up.devices);
        sort_by(&mut follow_up.left_out, |a, b| a.device.cmp(&b.device));
        follow_up
    }

    /// The user adds a left-out device back; false when it is not left out.
    pub fn add_back(&mut self, device: &str) -> bool {
        let Some(i) = self.left_out.iter().position(|l| l.device == device) else { return false };
        self.left_out.remove(i);
        let at = self.devices.binary_search_by(|d| d.as_str().cmp(device)).unwrap_or_else(|at| at);
        self.devices.insert(at, device.to_owned());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: &str, status: Option<&str>) -> DeviceState {
        DeviceState { id: id.into(), status: status.map(FuotaDeviceStatus::parse) }
    }

    #[test]
    fn every_status_is_classified_deliberately() {
        use FuotaDeviceStatus as S;
        let expected = [
            (S::Initial, Retry::Retryable),
            (S::PackageNotSupported, Retry::NotRetryable),
            (S::FragAlgoUnsupported, Retry::NotRetryable),
            (S::NotEnoughMemory, Retry::NotRetryable),
            (S::FragIndexUnsupported, Retry::NotRetryable),
            (S::WrongDescriptor, Retry::NotRetryable),
            (S::SessionCntReplay, Retry::Retryable),
            (S::MissingFrag, Retry::Retryable),
            (S::MemoryError, Retry::Retryable),
            (S::MicError, Retry::Retryable),
            (S::Successful, Retry::Updated),
            (S::DeviceExistInConflictFuotaTask, Retry::Retryable),
        ];
        assert_eq!(expected.len(), S::KNOWN.len(), "every known status is in the table");
        let mut reasons = std::collections::HashSet::new();
        for (status, retry) in expected {
            let c = classify(Some(&status), true);
            assert_eq!(c.retry, retry, "{status:?}");
            assert!(reasons.insert(c.reason), "{status:?} has its own reason");
        }
        assert_eq!(classify(None, true).retry, Retry::Retryable, "never answered");
        assert_eq!(classify(Some(&S::Initial), false).retry, Retry::InFlight);
        assert_eq!(classify(Some(&S::MissingFrag), false).retry, Retry::Retryable, "a failure is final even while the wave runs");
        let new = classify(Some(&S::parse("Firmware_Rejected")), true);
        assert_eq!(new.retry, Retry::NotRetryable);
        assert!(new.reason.contains("Firmware_Rejected"));
    }

    #[test]
    fn a_follow_up_takes_exactly_the_retryable_devices_of_finished_waves() {
        let wave1 =
            [d("a", Some("Successful")), d("b", Some("MissingFrag")), d("c", Some("Wrong_descriptor")), d("d", Some("Initial")), d("e", Some("MICError"))];
        let f1 = [d("b", Some("Successful")), d("d", Some("MissingFrag"))];
        let wave2 = [d("x", Some("Initial")), d("y", Some("MissingFrag"))];
        // f1 ended; wave 2 still runs: its devices are in neither list.
        let mut follow_up = FollowUp::of([(true, &wave1[..]), (true, &f1[..]), (false, &wave2[..])]);
        assert_eq!(follow_up.devices, ["d", "e"]);
        assert_eq!(follow_up.left_out.len(), 1);
        assert_eq!((follow_up.left_out[0].device.as_str(), follow_up.left_out[0].status.as_str()), ("c", "Wrong_descriptor"));
        assert!(follow_up.left_out[0].reason.contains("descriptor"));
        assert!(follow_up.add_back("c"));
        assert_eq!(follow_up.devices, ["c", "d", "e"]);
        assert!(follow_up.left_out.is_empty() && !follow_up.add_back("c"));
    }
}
