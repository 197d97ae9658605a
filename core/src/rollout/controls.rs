//! The rollout form's controls, and the [`Field`] each one's refusal names.
//!
//! `Field` (in `wire::error`) has no rollout controls yet: until it does, each control borrows the
//! closest existing field, a different one per control so that a page can still mark the right
//! control. [`RolloutField::name`] is the name the control should get once `Field` has its own.

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

    /// The control's own name (`name=`), for the `Field` variant it should have.
    pub fn name(self) -> &'static str {
        match self {
            RolloutField::Name => "rollout-name",
            RolloutField::Waves => "rollout-waves",
            RolloutField::SuccessPercent => "rollout-success-percent",
            RolloutField::ErrorPercent => "rollout-error-percent",
            RolloutField::Seed => "rollout-seed",
            RolloutField::Reason => "rollout-reason",
            RolloutField::Fleet => "rollout-fleet",
        }
    }

    /// The existing field it stands in for (see the module's note): the nearest in meaning.
    pub fn field(self) -> Field {
        match self {
            RolloutField::Name => Field::NewTaskName,
            RolloutField::Waves => Field::TargetIds,
            RolloutField::SuccessPercent => Field::ReachTargetPercent,
            RolloutField::ErrorPercent => Field::ReachMarginDb,
            RolloutField::Seed => Field::NewTaskTags,
            RolloutField::Reason => Field::ConfirmName,
            RolloutField::Fleet => Field::WirelessDeviceId,
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
    fn each_control_borrows_a_field_of_its_own() {
        let fields: std::collections::HashSet<&str> = RolloutField::ALL.iter().map(|f| f.field().name()).collect();
        assert_eq!(fields.len(), RolloutField::ALL.len());
        let names: std::collections::HashSet<&str> = RolloutField::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), RolloutField::ALL.len());
    }
}
