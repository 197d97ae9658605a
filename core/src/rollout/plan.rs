//! A rollout's plan and its form: the name, the wave sizes, the seed, the gate's thresholds, where
//! the fleet comes from and how each wave is delivered. Every part of a [`Plan`] is checked when it
//! is made, so that any plan can be written into tags.

use std::collections::HashSet;

use super::controls::RolloutField;
use super::gate::{Gate, DEFAULT_ERROR_PERCENT, DEFAULT_SUCCESS_PERCENT};
use super::tag_text;
use super::waves::{self, Assignment, WaveSizes, DEFAULT_WAVES};
use crate::input::numbers::NumberRule;
use crate::run::targets::{parse_targets, TargetKind, TargetList};
use crate::wire::error::ConsoleError;
use crate::wire::request::DeviceSource;

/// A rollout's name: 1 to 64 of the characters tags take (letters, digits, space, `_ . : / = + -
/// @`), without spaces at either end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RolloutName(String);

pub const MAX_NAME_CHARS: usize = 64;

impl RolloutName {
    /// The name as typed (trimmed), or the sentence that says what a name may hold.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("Name the rollout, for example sensors-fw-2.5 (it is kept in the first wave's tags).".into());
        }
        if t.chars().count() > MAX_NAME_CHARS {
            return Err(format!("A rollout's name is at most {MAX_NAME_CHARS} characters."));
        }
        if let Some(c) = t.chars().find(|c| !tag_text::allowed(*c)) {
            return Err(format!("A rollout's name is kept in a tag, which takes letters A-Z, digits, spaces and _ . : / = + - @ only, not \"{c}\"."));
        }
        Ok(RolloutName(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of a multicast group or device profile the fleet comes from: 1 to 200 tag characters
/// without space (IoT Wireless ids are UUIDs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceId(String);

pub const MAX_RESOURCE_ID_CHARS: usize = 200;

impl ResourceId {
    pub fn parse(text: &str) -> Result<Self, String> {
        let ok = (1..=MAX_RESOURCE_ID_CHARS).contains(&text.chars().count()) && text.chars().all(|c| c != ' ' && tag_text::allowed(c));
        if !ok {
            return Err(format!(
                "\"{}\" cannot be kept in a tag: an id of 1 to {MAX_RESOURCE_ID_CHARS} letters, digits and _ . : / = + - @.",
                text.chars().take(40).collect::<String>()
            ));
        }
        Ok(ResourceId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the fleet's devices come from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FleetSource {
    /// The devices of a multicast group.
    Group(ResourceId),
    /// The devices of a device profile.
    DeviceProfile(ResourceId),
    /// A pasted list (its count is the fleet's size: the list itself is in no tag).
    List,
}

impl FleetSource {
    /// The list its devices are read from now; None for a pasted list (its ids are in no tag:
    /// the user pastes them again).
    pub fn devices(&self) -> Option<DeviceSource> {
        match self {
            FleetSource::Group(id) => Some(DeviceSource::MulticastGroup(id.as_str().to_owned())),
            FleetSource::DeviceProfile(id) => Some(DeviceSource::DeviceProfile(id.as_str().to_owned())),
            FleetSource::List => None,
        }
    }
}

/// The fleet as the form chose it: a list to read, or ids and DevEUIs pasted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FleetChoice {
    Read(FleetSource),
    Pasted(TargetList),
}

/// Reads the form's `fleet-kind` (`group`, `device-profile`, `devices`) and `fleet-source`.
pub fn fleet_choice(kind: &str, text: &str) -> Result<FleetChoice, ConsoleError> {
    let id = |what: &str| ResourceId::parse(text.trim()).map_err(|why| RolloutField::Fleet.refuse(format!("Enter the {what}'s id: {why}")));
    match kind {
        "group" => Ok(FleetChoice::Read(FleetSource::Group(id("multicast group")?))),
        "device-profile" => Ok(FleetChoice::Read(FleetSource::DeviceProfile(id("device profile")?))),
        _ => {
            let list = parse_targets(TargetKind::Devices, text).map_err(|e| RolloutField::Fleet.refuse(e.sentence()))?;
            if list.is_empty() {
                return Err(RolloutField::Fleet.refuse("Paste the fleet's wireless device ids or DevEUIs, one per line or comma-separated."));
            }
            Ok(FleetChoice::Pasted(list))
        }
    }
}

/// The fleet when the plan was made: its source, its size, and how many of its devices the
/// pre-flight found unreachable and kept out of every wave.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fleet {
    source: FleetSource,
    devices: u32,
    kept_out: u32,
}

impl Fleet {
    /// None when more are kept out than there are devices, or there are none.
    pub fn new(source: FleetSource, devices: u32, kept_out: u32) -> Option<Self> {
        (devices >= 1 && kept_out <= devices).then_some(Fleet { source, devices, kept_out })
    }

    pub fn source(&self) -> &FleetSource {
        &self.source
    }

    /// Devices in the fleet, kept out included.
    pub fn devices(&self) -> u32 {
        self.devices
    }

    pub fn kept_out(&self) -> u32 {
        self.kept_out
    }

    /// Devices the waves share.
    pub fn eligible(&self) -> u32 {
        self.devices - self.kept_out
    }
}

/// The multicast class of the groups each wave gets (the model's `DlClass`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DlClass {
    ClassB,
    ClassC,
}

impl DlClass {
    pub fn as_str(self) -> &'static str {
        match self {
            DlClass::ClassB => "ClassB",
            DlClass::ClassC => "ClassC",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ClassB" => Some(DlClass::ClassB),
            "ClassC" => Some(DlClass::ClassC),
            _ => None,
        }
    }
}

/// How each wave's task is given its devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// A multicast group of its own per wave, of this class (a device holds at most four groups:
    /// a wave's group is deleted once the wave is done).
    GroupPerWave(DlClass),
    /// The devices themselves, one by one.
    Devices,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::GroupPerWave(_) => "group-per-wave",
            Delivery::Devices => "devices",
        }
    }
}

/// A rollout's plan, as its first wave carries it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plan {
    pub name: RolloutName,
    pub sizes: WaveSizes,
    /// Shown in decimal: the same seed and fleet give the same waves.
    pub seed: u64,
    pub gate: Gate,
    pub fleet: Fleet,
    pub delivery: Delivery,
}

impl Plan {
    /// The devices of planned wave `number` (1-based) now: the fleet as it is now (`fleet`,
    /// `unreachable`), without the devices the rollout's tasks already have (`taken`); the wave
    /// keeps its planned size and the last wave takes the rest (see [`waves::wave_devices`]).
    pub fn wave_devices(&self, number: u32, fleet: &[String], unreachable: &[String], taken: &HashSet<String>) -> Result<Vec<String>, ConsoleError> {
        let index = (number as usize).checked_sub(1).ok_or_else(|| RolloutField::Fleet.refuse("Waves are numbered from 1."))?;
        waves::wave_devices(fleet, unreachable, &self.sizes, self.seed, self.fleet.eligible() as usize, index, taken)
            .map_err(|why| RolloutField::Fleet.refuse(why))
    }
}

/// The rollout form as typed: text per control, nothing checked yet. The delivery is a choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolloutForm {
    pub name: String,
    pub waves: String,
    pub success_percent: String,
    pub error_percent: String,
    /// Decimal, as shown.
    pub seed: String,
    pub delivery: Delivery,
}

impl RolloutForm {
    /// A new form with the defaults (`1%, 10%, rest`, 95 %, 10 %, a group per wave in class C)
    /// and `seed` (the browser's random number: the core has none).
    pub fn new(seed: u64) -> Self {
        Self {
            name: String::new(),
            waves: DEFAULT_WAVES.to_owned(),
            success_percent: DEFAULT_SUCCESS_PERCENT.to_string(),
            error_percent: DEFAULT_ERROR_PERCENT.to_string(),
            seed: seed.to_string(),
            delivery: Delivery::GroupPerWave(DlClass::ClassC),
        }
    }

    /// The form's text controls in the order the page shows them, each with its label.
    pub const TEXT_CONTROLS: [(RolloutField, &'static str); 5] = [
        (RolloutField::Name, "Name"),
        (RolloutField::Waves, "Waves (shares or counts, in order: 1%, 10%, rest)"),
        (RolloutField::SuccessPercent, "Success threshold (%): share updated before the next wave"),
        (RolloutField::ErrorPercent, "Error threshold (%): share failed that halts a wave"),
        (RolloutField::Seed, "Seed (the same seed and fleet give the same waves)"),
    ];

    /// Every control checked, the first problem reported on its control; then the waves cut from
    /// the fleet (`fleet`: its device ids, `unreachable`: those the pre-flight could not reach).
    /// Gives the plan and its waves, or the refusal (a fleet too small for the waves is refused on
    /// the waves).
    pub fn check(&self, source: FleetSource, fleet: &[String], unreachable: &[String]) -> Result<(Plan, Assignment), ConsoleError> {
        let name = RolloutName::parse(&self.name).map_err(|why| RolloutField::Name.refuse(why))?;
        let sizes = WaveSizes::parse(&self.waves).map_err(|why| RolloutField::Waves.refuse(why))?;
        let success = percent(&self.success_percent, RolloutField::SuccessPercent, "success threshold")?;
        let error = percent(&self.error_percent, RolloutField::ErrorPercent, "error threshold")?;
        let gate = Gate::new(success, error).map_err(|why| RolloutField::ErrorPercent.refuse(why))?;
        let seed = NumberRule { field: RolloutField::Seed.field(), what: "seed", unit: "", min: 0, max: u64::MAX, why_max: "the largest 64-bit number" }
            .parse(&self.seed)?;
        let assignment = waves::assign(fleet, unreachable, &sizes, seed).map_err(|why| RolloutField::Waves.refuse(why))?;
        let too_many = || RolloutField::Fleet.refuse(format!("A rollout's fleet is at most {} devices.", u32::MAX));
        let devices = u32::try_from(assignment.fleet_size()).map_err(|_| too_many())?;
        let kept_out = u32::try_from(assignment.kept_out.len()).map_err(|_| too_many())?;
        let fleet = Fleet::new(source, devices, kept_out)
            .ok_or_else(|| RolloutField::Fleet.refuse("The fleet has no devices: choose a group, a device profile or paste device ids."))?;
        Ok((Plan { name, sizes, seed, gate, fleet, delivery: self.delivery }, assignment))
    }
}

/// A whole percent 1..=100, typed with or without its `%`.
fn percent(text: &str, field: RolloutField, what: &'static str) -> Result<u8, ConsoleError> {
    let t = text.trim();
    let t = t.strip_suffix('%').map_or(t, str::trim_end);
    let rule = NumberRule { field: field.field(), what, unit: "%", min: 1, max: 100, why_max: "a share of a wave's devices" };
    rule.parse(t).map(|n| n as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fleet(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("d{i:04}")).collect()
    }

    fn form() -> RolloutForm {
        RolloutForm { name: "sensors-fw-2.5".into(), ..RolloutForm::new(12_345) }
    }

    #[test]
    fn a_new_form_has_the_defaults_and_checks_into_a_plan() {
        let (plan, assignment) = form().check(FleetSource::List, &fleet(150), &["d0007".to_owned()]).unwrap();
        assert_eq!(plan.sizes.text(), "1%, 10%, rest");
        assert_eq!((plan.gate.success_percent(), plan.gate.error_percent()), (95, 10));
        assert_eq!(plan.seed, 12_345);
        assert_eq!((plan.fleet.devices(), plan.fleet.kept_out(), plan.fleet.eligible()), (150, 1, 149));
        assert_eq!(assignment.waves.iter().map(Vec::len).collect::<Vec<_>>(), [2, 15, 132]);
        assert_eq!(plan.delivery, Delivery::GroupPerWave(DlClass::ClassC));
        // The plan gives each wave's devices again, from the fleet and what earlier waves took.
        let taken: HashSet<String> = assignment.waves[0].iter().cloned().collect();
        assert_eq!(plan.wave_devices(2, &fleet(150), &["d0007".to_owned()], &taken).unwrap(), assignment.waves[1]);
        assert!(plan.wave_devices(0, &fleet(150), &[], &taken).is_err());
    }

    #[test]
    fn each_control_is_refused_on_its_field_with_the_reason() {
        let cases: Vec<(RolloutForm, RolloutField, &str)> = vec![
            (RolloutForm { name: "  ".into(), ..form() }, RolloutField::Name, "Name the rollout"),
            (RolloutForm { name: "fw, v2".into(), ..form() }, RolloutField::Name, "not \",\""),
            (RolloutForm { name: "n".repeat(65), ..form() }, RolloutField::Name, "at most 64"),
            (RolloutForm { waves: "10%, rest, 5".into(), ..form() }, RolloutField::Waves, "last wave"),
            (RolloutForm { success_percent: "0".into(), ..form() }, RolloutField::SuccessPercent, "at least 1"),
            (RolloutForm { success_percent: "95.5".into(), ..form() }, RolloutField::SuccessPercent, "whole number"),
            (RolloutForm { error_percent: "101 %".into(), ..form() }, RolloutField::ErrorPercent, "at most 100"),
            (RolloutForm { error_percent: "5".into(), ..form() }, RolloutField::ErrorPercent, "above 5 %"),
            (RolloutForm { seed: "-1".into(), ..form() }, RolloutField::Seed, "whole number"),
            (RolloutForm { seed: "18446744073709551616".into(), ..form() }, RolloutField::Seed, "at most"),
            (RolloutForm { waves: "5, 50, rest".into(), ..form() }, RolloutField::Waves, "too few"),
        ];
        for (f, field, words) in cases {
            match f.check(FleetSource::List, &fleet(40), &[]) {
                Err(ConsoleError::InvalidInput { field: got, reason }) => {
                    assert_eq!(got, field.field(), "{reason}");
                    assert!(reason.contains(words), "{reason:?} should say {words:?}");
                }
                other => panic!("{field:?}: {other:?}"),
            }
        }
        assert!(matches!(form().check(FleetSource::List, &[], &[]), Err(ConsoleError::InvalidInput { .. })));
        // A percent may be typed with its sign; the seed with grouping.
        let f = RolloutForm { success_percent: "90 %".into(), error_percent: "20%".into(), seed: "18,446,744,073,709,551,615".into(), ..form() };
        let (plan, _) = f.check(FleetSource::List, &fleet(40), &[]).unwrap();
        assert_eq!((plan.gate.success_percent(), plan.gate.error_percent(), plan.seed), (90, 20, u64::MAX));
    }

    #[test]
    fn ids_that_a_tag_cannot_hold_are_refused() {
        assert!(ResourceId::parse("3b1c5e8e-6f0e-4a8e-9a55-2f7d1c0d9b11").is_ok());
        assert!(ResourceId::parse("").is_err() && ResourceId::parse("a b").is_err() && ResourceId::parse("a,b").is_err());
        assert!(ResourceId::parse(&"a".repeat(201)).is_err());
        assert!(Fleet::new(FleetSource::List, 3, 4).is_none() && Fleet::new(FleetSource::List, 0, 0).is_none());
    }

    proptest! {
        /// Whatever is typed into the form: no panic; what passes is a plan whose name and waves
        /// are kept in tag characters.
        #[test]
        fn any_form_is_checked_without_panic(name in "\\PC{0,80}", waves in "\\PC{0,30}", s in "\\PC{0,6}", e in "\\PC{0,6}", seed in "\\PC{0,25}") {
            let f = RolloutForm { name, waves, success_percent: s, error_percent: e, seed, delivery: Delivery::Devices };
            if let Ok((plan, a)) = f.check(FleetSource::List, &fleet(60), &[]) {
                prop_assert!(tag_text::all_allowed(plan.name.as_str()));
                prop_assert_eq!(a.waves.len(), plan.sizes.len());
            }
        }
    }
}
