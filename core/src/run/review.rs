//! What the user sees before a write is sent, and how it ended: the operation, the host it goes
//! to, the IAM action it needs, the exact JSON body; then succeeded, failed or unknown.

use crate::run::form::Change;
use crate::wire::connection::Connection;
use crate::wire::error::ConsoleError;
use crate::wire::operation::Operation;
use crate::wire::request::Request;

/// A write as it will be sent, for the user to confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteReview {
    pub operation: Operation,
    /// `PUT /fuota-tasks/t1`
    pub method_and_path: String,
    /// Where it goes: the service's host, or the relay's.
    pub host: String,
    pub iam_action: String,
    /// The exact JSON text that is signed and sent; empty for none.
    pub body: String,
    /// An edit's members, old → new.
    pub changes: Vec<Change>,
    /// A sentence on what the write does that cannot be undone, when there is one.
    pub caution: Option<&'static str>,
}

impl WriteReview {
    pub fn of(connection: &Connection, request: &Request, changes: Vec<Change>) -> Self {
        let prepared = connection.prepare(request);
        let caution = match request.operation {
            Operation::DeleteFuotaTask => Some("Deleting cannot be undone: the task goes to Delete_Waiting and then away."),
            Operation::StartFuotaTask => {
                Some("Once started, the task takes no more devices or groups and cannot be edited; no operation stops it, only deleting it.")
            }
            Operation::CreateFuotaTask => {
                Some("Creating a task that names a role may also need iam:PassRole on that role (not confirmed by AWS's documentation).")
            }
            _ => None,
        };
        Self {
            operation: request.operation,
            method_and_path: format!("{} {}", prepared.method.as_str(), request.path_and_query()),
            host: prepared.destination().to_owned(),
            iam_action: request.operation.iam_action(),
            body: request.body().unwrap_or_default().to_owned(),
            changes,
            caution,
        }
    }
}

/// How a write ended, as `data-outcome` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    Succeeded,
    Failed,
    /// It may have reached the service; it was not sent again. A read-back tells.
    Unknown,
}

impl WriteOutcome {
    pub fn of<T>(result: &Result<T, ConsoleError>) -> Self {
        match result {
            Ok(_) => WriteOutcome::Succeeded,
            Err(ConsoleError::OutcomeUnknown { .. }) => WriteOutcome::Unknown,
            Err(_) => WriteOutcome::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WriteOutcome::Succeeded => "succeeded",
            WriteOutcome::Failed => "failed",
            WriteOutcome::Unknown => "unknown",
        }
    }
}

/// The id CreateFuotaTask answers (`201 {Arn, Id}`).
pub fn created_task_id(answer: serde_json::Value) -> Result<String, String> {
    answer.get("Id").and_then(serde_json::Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(|| "the answer has no Id".to_owned())
}

/// What the page does after a write that did not succeed: the one rule for every write view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// A create that may have made its task: look for it by name (the task list), and offer the
    /// same create again with the same token (the service answers with the task it made, if any).
    FindCreated,
    /// A write to a task that may have acted, or that the service refused: read the task again
    /// and say what its status allows.
    ReadTaskAgain,
    /// Nothing was done and nothing is to be read (a refused input, a forgotten credential).
    Nothing,
}

impl AfterFailure {
    pub fn of(operation: Operation, error: &ConsoleError) -> Self {
        match error {
            ConsoleError::OutcomeUnknown { .. } if operation == Operation::CreateFuotaTask => AfterFailure::FindCreated,
            ConsoleError::OutcomeUnknown { .. } | ConsoleError::Service(_) if operation != Operation::CreateFuotaTask => AfterFailure::ReadTaskAgain,
            _ => AfterFailure::Nothing,
        }
    }
}

/// What the task list says of a create whose answer never arrived, looked up by the name it was
/// given: the ids of the tasks of that name (a name is not unique: several say so).
pub fn created_by_name<'a>(rows: impl IntoIterator<Item = &'a crate::campaign::lists::FuotaTaskSummary>, name: &str) -> Vec<String> {
    rows.into_iter().filter(|r| r.name.as_deref() == Some(name)).filter_map(|r| r.id.clone()).collect()
}

/// The sentence of that read-back.
pub fn read_back_sentence(name: &str, ids: &[String]) -> String {
    match ids {
        [] => format!(
            "No task named {name} is listed: the create most likely did not arrive. Send it again: it carries the same token, so the service makes at most one task."
        ),
        [id] => format!("A task named {name} exists ({id}): the create most likely arrived. Open it from the list rather than sending again."),
        many => format!(
            "{} tasks named {name} exist ({}): open the task list to see which is new. Sending again with the same token makes no further task.",
            many.len(),
            many.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::connection::ConnectionForm;
    use crate::wire::credentials::CredentialSession;

    #[test]
    fn a_review_names_the_host_the_action_and_the_exact_body() {
        let form = ConnectionForm {
            access_key_id: "ASIAEXAMPLEEXAMPLE01".into(),
            secret_access_key: "s".repeat(40).into(),
            session_token: "token".to_owned().into(),
            region: "eu-west-1".into(),
            endpoint: String::new(),
            relay: String::new(),
            ..ConnectionForm::default()
        };
        let connection = Connection::open(&form, &CredentialSession::new(), "http://127.0.0.1:8080").unwrap();
        let request = crate::run::schedule::start_request("t1", crate::wire::time::Timestamp::from_epoch_millis(0).unwrap()).unwrap();
        let review = WriteReview::of(&connection, &request, Vec::new());
        assert_eq!(review.host, "api.iotwireless.eu-west-1.amazonaws.com");
        assert_eq!(review.iam_action, "iotwireless:StartFuotaTask");
        assert_eq!(review.method_and_path, "PUT /fuota-tasks/t1");
        assert_eq!(review.body, r#"{"LoRaWAN":{"StartTime":"1970-01-01T00:00:00Z"}}"#);
        assert!(review.caution.is_some());
        let delete = crate::wire::request::Request::write(Operation::DeleteFuotaTask, &["t1"], None).unwrap();
        assert_eq!(WriteReview::of(&connection, &delete, Vec::new()).body, "");
    }

    #[test]
    fn what_follows_a_failed_write() {
        let unknown = |operation| ConsoleError::OutcomeUnknown { operation, cause: Box::new(ConsoleError::Timeout { seconds: 5 }) };
        assert_eq!(AfterFailure::of(Operation::CreateFuotaTask, &unknown(Operation::CreateFuotaTask)), AfterFailure::FindCreated);
        assert_eq!(AfterFailure::of(Operation::StartFuotaTask, &unknown(Operation::StartFuotaTask)), AfterFailure::ReadTaskAgain);
        assert_eq!(AfterFailure::of(Operation::CreateFuotaTask, &ConsoleError::Cancelled), AfterFailure::Nothing);
        assert_eq!(AfterFailure::of(Operation::DeleteFuotaTask, &ConsoleError::CredentialsForgotten), AfterFailure::Nothing);
    }

    #[test]
    fn an_unknown_create_is_found_by_its_name() {
        use crate::campaign::lists::FuotaTaskSummary;
        let row = |id: &str, name: &str| FuotaTaskSummary { id: Some(id.into()), arn: None, name: Some(name.into()) };
        let rows = [row("t1", "fw-a"), row("t2", "fw-b"), row("t3", "fw-a")];
        assert_eq!(created_by_name(&rows, "fw-b"), vec!["t2".to_owned()]);
        assert_eq!(created_by_name(&rows, "fw-a").len(), 2);
        assert!(created_by_name(&rows, "fw-c").is_empty());
        assert!(read_back_sentence("fw-b", &["t2".into()]).contains("t2"));
        assert!(read_back_sentence("fw-c", &[]).contains("same token"));
    }

    #[test]
    fn outcomes_are_named_as_the_page_says_them() {
        let unknown: Result<(), _> =
            Err(ConsoleError::OutcomeUnknown { operation: Operation::StartFuotaTask, cause: Box::new(ConsoleError::Timeout { seconds: 5 }) });
        assert_eq!(WriteOutcome::of(&unknown).as_str(), "unknown");
        assert_eq!(WriteOutcome::of(&Ok::<(), ConsoleError>(())).as_str(), "succeeded");
        assert_eq!(WriteOutcome::of(&Err::<(), _>(ConsoleError::Cancelled)).as_str(), "failed");
        assert_eq!(created_task_id(serde_json::json!({"Id": "t9", "Arn": "a"})).unwrap(), "t9");
        assert!(created_task_id(serde_json::json!({"Arn": "a"})).is_err());
    }
}
