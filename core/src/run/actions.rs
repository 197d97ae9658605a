//! Which writes each status of a task allows (AWS IoT Wireless developer guide, "FUOTA task
//! status"): only a Pending task can be edited, given or lose devices or groups, or started; any
//! task but one already being deleted can be deleted. There is no operation that stops a task.

use crate::campaign::task::{FuotaTask, TaskStatus};
use crate::wire::operation::Operation;

/// A write the console offers on a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskAction {
    Edit,
    AddTargets,
    RemoveTarget,
    Start,
    Delete,
}

impl TaskAction {
    pub const ALL: [TaskAction; 5] = [TaskAction::Edit, TaskAction::AddTargets, TaskAction::RemoveTarget, TaskAction::Start, TaskAction::Delete];

    /// May this action be asked of a task in `status`? A status the console does not know (or
    /// none) allows only delete: the service decides, and a refusal says why.
    pub fn allowed(self, status: Option<&TaskStatus>) -> bool {
        match status {
            Some(TaskStatus::Pending) => true,
            Some(TaskStatus::DeleteWaiting) => false,
            _ => self == TaskAction::Delete,
        }
    }

    /// The action a write operation belongs to.
    pub fn of(operation: Operation) -> Option<Self> {
        Some(match operation {
            Operation::UpdateFuotaTask => TaskAction::Edit,
            Operation::AssociateMulticastGroupWithFuotaTask | Operation::AssociateWirelessDeviceWithFuotaTask => TaskAction::AddTargets,
            Operation::DisassociateMulticastGroupFromFuotaTask | Operation::DisassociateWirelessDeviceFromFuotaTask => TaskAction::RemoveTarget,
            Operation::StartFuotaTask => TaskAction::Start,
            Operation::DeleteFuotaTask => TaskAction::Delete,
            _ => return None,
        })
    }
}

/// What a task in `status` still takes, for the page beside its actions and after a
/// ConflictException ("The task is Waiting for its session (FuotaSession_Waiting): …").
pub fn status_rule(status: Option<&TaskStatus>) -> String {
    let named = |s: &TaskStatus| format!("{} ({})", s.label(), s.as_str());
    match status {
        Some(TaskStatus::Pending) => {
            "The task is Pending: it can be edited, given devices or multicast groups, started or deleted.".to_owned()
        }
        Some(TaskStatus::DeleteWaiting) => {
            format!("The task is {}: it is being deleted, and nothing more can be done with it.", named(&TaskStatus::DeleteWaiting))
        }
        Some(s) => format!(
            "The task is {}: only a Pending task can be edited, given or lose devices or groups, or started; it can still be deleted (no operation stops a task).",
            named(s)
        ),
        None => "The service did not say the task's status: only deleting is offered; the service decides the rest.".to_owned(),
    }
}

/// What a deletion is confirmed with: the task's name typed again, or its id when it has no name.
pub fn delete_confirmation(task: Option<&FuotaTask>) -> String {
    task.and_then(|t| t.name.clone().filter(|n| !n.is_empty()).or_else(|| t.id.clone())).unwrap_or_default()
}

/// Does `typed` confirm the deletion of `task`? Surrounding spaces are forgiven, nothing else.
pub fn delete_confirmed(task: Option<&FuotaTask>, typed: &str) -> bool {
    let want = delete_confirmation(task);
    !want.is_empty() && typed.trim() == want
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deletion_is_confirmed_by_the_name_or_else_the_id() {
        let named = FuotaTask::from_value(serde_json::json!({"Id": "t1", "Name": "fw-2"})).unwrap();
        assert!(delete_confirmed(Some(&named), " fw-2 "));
        assert!(!delete_confirmed(Some(&named), "t1"));
        assert!(!delete_confirmed(Some(&named), "FW-2"));
        let unnamed = FuotaTask::from_value(serde_json::json!({"Id": "t1", "Name": ""})).unwrap();
        assert!(delete_confirmed(Some(&unnamed), "t1"));
        assert!(!delete_confirmed(None, ""), "no task, nothing to confirm");
    }

    #[test]
    fn only_pending_takes_changes_and_any_task_but_one_being_deleted_can_go() {
        for action in TaskAction::ALL {
            assert!(action.allowed(Some(&TaskStatus::Pending)));
            assert!(!action.allowed(Some(&TaskStatus::DeleteWaiting)));
            for s in [TaskStatus::FuotaSessionWaiting, TaskStatus::InFuotaSession, TaskStatus::FuotaDone, TaskStatus::Unknown("New".into())] {
                assert_eq!(action.allowed(Some(&s)), action == TaskAction::Delete, "{action:?} {s:?}");
            }
        }
        assert!(status_rule(Some(&TaskStatus::FuotaSessionWaiting)).contains("FuotaSession_Waiting"));
    }

    /// Every write on a FUOTA task but its create is one of the task's actions; the writes on
    /// multicast groups and tags (a rollout's) are not task actions.
    #[test]
    fn every_write_on_a_task_but_create_belongs_to_an_action() {
        use crate::wire::operation::{Idempotency, Resource, TABLE};
        for spec in TABLE.iter().filter(|s| s.idempotency == Idempotency::Write) {
            assert_eq!(TaskAction::of(spec.operation).is_some(), spec.resource == Resource::FuotaTask, "{:?}", spec.operation);
        }
        assert_eq!(TaskAction::of(Operation::CreateFuotaTask), None);
        assert_eq!(TaskAction::of(Operation::DeleteMulticastGroup), None);
    }
}
