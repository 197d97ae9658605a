//! The rollout form's controls, and the [`Field`] each one's refusal names (the control's `name=`,
//! the automation contract's).

use crate::wire::error::{ConsoleError, Field};

/// A control of the rollout form (and the override's reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutField {
    Name,
    Waves,
    SuccessPercent,
    ErrorPercent,
    Seed,
    /// The typed reason for going on past a gate that held or halted.
    Reason,
    /// The fleet (its source, its devices): not typed here, but refused here when too small.
    Fleet,
}

impl RolloutField {
    pub const ALL: [RolloutField; 7] = [
        RolloutField::Name,
        RolloutField::Waves,
        RolloutField::SuccessPercent,
        RolloutField::ErrorPercent,
        RolloutField::Seed,
        RolloutField::Reason,
        RolloutField::Fleet,
    ];

    /// The control's own name (`name=`).
    pub fn name(self) -> &'static str {
        self.field().name()
    }

    /// The field a refusal of this control names.
    pub fn field(self) -> Field {
        match self {
            RolloutField::Name => Field::RolloutName,
            RolloutField::Waves => Field::WaveSizes,
            RolloutField::SuccessPercent => Field::SuccessThreshold,
            RolloutField::ErrorPercent => Field::ErrorThreshold,
            RolloutField::Seed => Field::RolloutSeed,
            RolloutField::Reason => Field::OverrideReason,
            RolloutField::Fleet => Field::FleetSource,
        }
    }

    /// The refusal of this control's value, with the sentence that says what to type.
    pub fn refuse(self, reason: impl Into<String>) -> ConsoleError {
        ConsoleError::InvalidInput { field: self.field(), reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_control_has_a_field_of_its_own() {
        let fields: std::collections::HashSet<&str> = RolloutField::ALL.iter().map(|f| f.field().name()).collect();
        assert_eq!(fields.len(), RolloutField::ALL.len());
        let names: std::collections::HashSet<&str> = RolloutField::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), RolloutField::ALL.len());
    }
}
