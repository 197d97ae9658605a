//! What the views ask of the campaign runner, below every view that asks it: which write view is
//! open, and what a host that allows writes gives the console. The runner's part, the task's
//! actions and the campaign's rows all import this; it imports no view.

use fuota_core::campaign::task::TaskStatus;
use fuota_core::run::actions::TaskAction;
use fuota_core::run::targets::TargetKind;
use leptos::prelude::*;

/// What a host that allows writes gives the console.
#[derive(Clone, Copy)]
pub struct WriteHost {
    /// The page's form, whose connection a new task is created through (the credentials'
    /// owner); None where only the shown task can be changed (a widget).
    pub form: Option<super::fields::QueryFields>,
    /// Opens a task by id (a task just created).
    pub open: Callback<String>,
}

/// Which write view is open: shared through context with the planner (create from the plan)
/// and the campaign's rows (remove one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunView {
    NewTask,
    Edit,
    AddTargets,
    Start,
    Delete,
    Remove { kind: TargetKind, id: String },
}

impl RunView {
    pub fn name(&self) -> &'static str {
        match self {
            RunView::NewTask => "new-task",
            RunView::Edit => "edit-task",
            RunView::AddTargets => "add-targets",
            RunView::Start => "start-task",
            RunView::Delete => "delete-task",
            RunView::Remove { .. } => "remove-target",
        }
    }
}

#[derive(Clone, Copy)]
pub struct RunControl {
    pub view: RwSignal<Option<RunView>>,
    pub create: bool,
    pub status: Signal<Option<TaskStatus>>,
}

impl RunControl {
    /// May `action` be offered now (the core's rule per status)?
    pub fn allows(&self, action: TaskAction) -> bool {
        self.status.with(|s| action.allowed(s.as_ref()))
    }
}
