//! One write flow, whatever it writes: reviewed → confirmed → sending → ended, over one request or
//! a sequence of them, bound to the principal and the task it was reviewed for.
//!
//! A review shows who will sign (the access key id, masked) and which task it acts on. *Send* is
//! refused when either changed since: credentials are swapped in place by the next submit, so a
//! review made with a sandbox key would otherwise be signed with the production key pasted after
//! it; and a review left open while another task is opened would act on the old task while the
//! page shows the new one. Time and the browser are inputs; views only render the state.

use crate::run::review::{WriteOutcome, WriteReview};
use crate::wire::error::ConsoleError;

/// How a key id is shown: its first and last four characters (`ASIA…WXYZ`), enough to tell a
/// sandbox key from a production one without putting the whole id on screen.
pub fn mask_key_id(key_id: &str) -> String {
    let chars: Vec<char> = key_id.chars().collect();
    if chars.len() <= 8 {
        return "…".repeat(usize::from(!chars.is_empty()));
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// The task a write acts on, as the review showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundTask {
    pub id: String,
    pub name: Option<String>,
}

impl BoundTask {
    /// "sensor-fw (t-123)", or the id alone.
    pub fn shown(&self) -> String {
        match &self.name {
            Some(name) if !name.is_empty() => format!("{name} ({})", self.id),
            _ => self.id.clone(),
        }
    }
}

/// Who and what a write was reviewed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The access key id the review would have been signed with.
    pub key_id: String,
    /// The shown task the write acts on; None for a create (it makes its own task).
    pub task: Option<BoundTask>,
}

/// What the page holds at *Send*: the key id its connection would sign with now (Err when the
/// credentials were forgotten), and the task it shows.
pub struct Now<'a> {
    pub key_id: Result<&'a str, ConsoleError>,
    pub shown_task_id: Option<&'a str>,
}

impl Binding {
    pub fn principal_shown(&self) -> String {
        mask_key_id(&self.key_id)
    }

    /// May a write reviewed for this binding be sent now? Refused (`ReviewStale`, or the
    /// credentials' own error) when the signer or the shown task changed; a create is bound to no
    /// task, so opening another task leaves it valid.
    pub fn check(&self, now: Now<'_>) -> Result<(), ConsoleError> {
        let key_id = now.key_id?;
        if key_id != self.key_id {
            return Err(ConsoleError::ReviewStale {
                why: format!(
                    "The credentials changed since this write was reviewed: it was reviewed for {}, and the page now signs as {}.",
                    mask_key_id(&self.key_id),
                    mask_key_id(key_id)
                ),
            });
        }
        if let Some(task) = &self.task {
            if now.shown_task_id != Some(task.id.as_str()) {
                return Err(ConsoleError::ReviewStale {
                    why: format!("This write was reviewed for task {}, which is no longer the task shown.", task.shown()),
                });
            }
        }
        Ok(())
    }

    /// Should an open review close because the page shows another task (or none)?
    pub fn outlived_by(&self, shown_task_id: Option<&str>) -> bool {
        self.task.as_ref().is_some_and(|t| shown_task_id != Some(t.id.as_str()))
    }
}

/// A write as reviewed: what the user saw, who and what it is bound to, and what will be sent
/// (`S`: one request, a batch, a sequence — the caller's).
#[derive(Clone, Debug)]
pub struct Reviewed<S> {
    pub review: WriteReview,
    pub binding: Binding,
    pub send: S,
    /// Calls it takes in all (a batch's items, a sequence's steps), for *n of m*.
    pub calls: usize,
}

/// Where a write flow is.
#[derive(Clone, Debug)]
pub enum Flow<S> {
    /// The form is shown; nothing is reviewed.
    Editing,
    /// The review is shown; nothing was sent.
    Reviewing(Reviewed<S>),
    /// *Send* was pressed: calls are going out. `done` of the reviewed `calls` have ended.
    Sending { reviewed: Reviewed<S>, done: usize },
    /// It ended. A write whose outcome is unknown keeps its review, so that the same request (a
    /// create with the same token) can be sent again on the user's word, never silently.
    Ended { outcome: WriteOutcome, kept: Option<Reviewed<S>> },
}

impl<S: Clone> Flow<S> {
    pub fn reviewing(&self) -> Option<&Reviewed<S>> {
        match self {
            Flow::Reviewing(r) => Some(r),
            _ => None,
        }
    }

    pub fn is_sending(&self) -> bool {
        matches!(self, Flow::Sending { .. })
    }

    /// The review on screen: shown while reviewing and while it is being sent.
    pub fn shown(&self) -> Option<&Reviewed<S>> {
        match self {
            Flow::Reviewing(r) | Flow::Sending { reviewed: r, .. } => Some(r),
            _ => None,
        }
    }

    /// *Send*: from a review, after the binding's check, to sending; returns what to send. Any
    /// other state sends nothing (a second click while sending is not a second write).
    pub fn confirm(&mut self, now: Now<'_>) -> Result<Reviewed<S>, ConsoleError> {
        let Flow::Reviewing(reviewed) = self else { return Err(ConsoleError::Cancelled) };
        if let Err(e) = reviewed.binding.check(now) {
            *self = Flow::Editing;
            return Err(e);
        }
        let reviewed = reviewed.clone();
        *self = Flow::Sending { reviewed: reviewed.clone(), done: 0 };
        Ok(reviewed)
    }

    /// One more call ended.
    pub fn advance(&mut self) {
        if let Flow::Sending { done, reviewed } = self {
            *done = (*done + 1).min(reviewed.calls);
        }
    }

    /// The write ended: an unknown outcome keeps what was sent, for an identical resend.
    pub fn end(&mut self, outcome: WriteOutcome) {
        let kept = match std::mem::replace(self, Flow::Editing) {
            Flow::Sending { reviewed, .. } | Flow::Reviewing(reviewed) if outcome == WriteOutcome::Unknown => Some(reviewed),
            _ => None,
        };
        *self = Flow::Ended { outcome, kept };
    }

    /// *Back*, or the view closed: to the form. Not while sending: a write once sent is not
    /// withdrawn (it may already have acted).
    pub fn back(&mut self) {
        if !self.is_sending() {
            *self = match std::mem::replace(self, Flow::Editing) {
                // An unknown create stays remembered for its token (see `CreateToken`).
                Flow::Ended { outcome: WriteOutcome::Unknown, kept } => Flow::Ended { outcome: WriteOutcome::Unknown, kept },
                _ => Flow::Editing,
            };
        }
    }

    /// The review closes when its task is no longer shown (a create's stays).
    pub fn close_if_outlived(&mut self, shown_task_id: Option<&str>) -> bool {
        match self {
            Flow::Reviewing(r) if r.binding.outlived_by(shown_task_id) => {
                *self = Flow::Editing;
                true
            }
            _ => false,
        }
    }
}

/// A create's idempotency token across reviews: the same create reviewed again after an unknown
/// outcome (Back → Review, the members unchanged) keeps its token, so that the service answers with
/// the task it may already have made instead of making a second; any change to the members, or a
/// known outcome, gets a new token (the same token with other members would be refused). `M`: the
/// create's members (the checked form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateToken<M> {
    /// The token of the last create sent while its outcome is unknown, with the members it carried.
    unsure: Option<(M, String)>,
}

impl<M> Default for CreateToken<M> {
    fn default() -> Self {
        Self { unsure: None }
    }
}

impl<M: PartialEq + Clone> CreateToken<M> {
    /// The token for a create of `members`; `fresh` makes a new one.
    pub fn for_members(&self, members: &M, fresh: impl FnOnce() -> Result<String, ConsoleError>) -> Result<String, ConsoleError> {
        match &self.unsure {
            Some((sent, token)) if sent == members => Ok(token.clone()),
            _ => fresh(),
        }
    }

    /// A create of `members` with `token` ended: remembered while its outcome is unknown.
    pub fn ended(&mut self, members: &M, token: &str, outcome: WriteOutcome) {
        self.unsure = (outcome == WriteOutcome::Unknown).then(|| (members.clone(), token.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::operation::Operation;

    fn review() -> WriteReview {
        WriteReview {
            operation: Operation::StartFuotaTask,
            method_and_path: "PUT /fuota-tasks/t1".into(),
            host: "h".into(),
            iam_action: "iotwireless:StartFuotaTask".into(),
            body: String::new(),
            changes: Vec::new(),
            caution: None,
        }
    }

    fn bound(task: Option<&str>) -> Reviewed<()> {
        Reviewed {
            review: review(),
            binding: Binding { key_id: "ASIASANDBOXKEY000001".into(), task: task.map(|id| BoundTask { id: id.into(), name: Some("fw".into()) }) },
            send: (),
            calls: 3,
        }
    }

    fn now<'a>(key: &'a str, task: Option<&'a str>) -> Now<'a> {
        Now { key_id: Ok(key), shown_task_id: task }
    }

    #[test]
    fn key_ids_are_masked_to_their_ends() {
        assert_eq!(mask_key_id("ASIAEXAMPLEEXAMWXYZ"), "ASIA…WXYZ");
        assert_eq!(mask_key_id("short"), "…");
        assert_eq!(mask_key_id(""), "");
        assert_eq!(mask_key_id("ÄSIAEXAMPLEÜXAMWXYZ"), "ÄSIA…WXYZ", "by characters, never inside one");
    }

    #[test]
    fn send_is_refused_after_new_credentials_and_the_review_goes() {
        let mut flow = Flow::Reviewing(bound(Some("t1")));
        let e = flow.confirm(now("ASIAPRODUCTIONKEY001", Some("t1"))).unwrap_err();
        assert_eq!(e.code(), "ReviewStale");
        assert!(e.sentence().contains("ASIA…0001") && e.sentence().contains("Nothing was sent"), "{}", e.sentence());
        assert!(matches!(flow, Flow::Editing), "the stale review is closed");
    }

    #[test]
    fn send_is_refused_when_another_task_is_shown() {
        let mut flow = Flow::Reviewing(bound(Some("t1")));
        assert_eq!(flow.confirm(now("ASIASANDBOXKEY000001", Some("t2"))).unwrap_err().code(), "ReviewStale");
        let mut flow = Flow::Reviewing(bound(Some("t1")));
        assert_eq!(flow.confirm(now("ASIASANDBOXKEY000001", None)).unwrap_err().code(), "ReviewStale");
    }

    #[test]
    fn forgotten_credentials_refuse_with_their_own_error() {
        let mut flow = Flow::Reviewing(bound(Some("t1")));
        let e = flow.confirm(Now { key_id: Err(ConsoleError::CredentialsForgotten), shown_task_id: Some("t1") }).unwrap_err();
        assert_eq!(e.code(), "CredentialsForgotten");
    }

    #[test]
    fn a_create_is_bound_to_its_signer_only() {
        let mut flow = Flow::Reviewing(bound(None));
        assert!(!flow.close_if_outlived(Some("t9")));
        assert!(flow.confirm(now("ASIASANDBOXKEY000001", Some("t9"))).is_ok());
    }

    #[test]
    fn a_review_closes_when_its_task_goes() {
        let mut flow = Flow::Reviewing(bound(Some("t1")));
        assert!(!flow.close_if_outlived(Some("t1")));
        assert!(flow.close_if_outlived(Some("t2")));
        assert!(matches!(flow, Flow::Editing));
    }

    #[test]
    fn one_send_per_review_and_progress_is_bounded() {
        let mut flow = Flow::Reviewing(bound(Some("t1")));
        assert!(flow.confirm(now("ASIASANDBOXKEY000001", Some("t1"))).is_ok());
        assert!(flow.confirm(now("ASIASANDBOXKEY000001", Some("t1"))).is_err(), "a second click sends nothing");
        for _ in 0..5 {
            flow.advance();
        }
        assert!(matches!(flow, Flow::Sending { done: 3, .. }));
        flow.back();
        assert!(flow.is_sending(), "a write once sent is not withdrawn");
        flow.end(WriteOutcome::Succeeded);
        assert!(matches!(flow, Flow::Ended { outcome: WriteOutcome::Succeeded, kept: None }));
    }

    #[test]
    fn an_unknown_outcome_keeps_its_review_for_an_identical_resend() {
        let mut flow = Flow::Reviewing(bound(None));
        flow.confirm(now("ASIASANDBOXKEY000001", None)).unwrap();
        flow.end(WriteOutcome::Unknown);
        assert!(matches!(&flow, Flow::Ended { outcome: WriteOutcome::Unknown, kept: Some(_) }));
        flow.back();
        assert!(matches!(&flow, Flow::Ended { kept: Some(_), .. }));
    }

    #[test]
    fn a_create_keeps_its_token_only_while_unsure_and_unchanged() {
        let mut token = CreateToken::<String>::default();
        let mut minted = 0;
        let mut fresh = || {
            minted += 1;
            Ok(format!("tok-{minted}"))
        };
        let (a, b) = (r#"{"Name":"a"}"#.to_owned(), r#"{"Name":"b"}"#.to_owned());
        let first = token.for_members(&a, &mut fresh).unwrap();
        token.ended(&a, &first, WriteOutcome::Unknown);
        assert_eq!(token.for_members(&a, &mut fresh).unwrap(), first, "Back → Review → Send: the same create");
        assert_ne!(token.for_members(&b, &mut fresh).unwrap(), first, "another body, another token");
        token.ended(&a, &first, WriteOutcome::Failed);
        assert_ne!(token.for_members(&a, &mut fresh).unwrap(), first, "refused: a new create");
        token.ended(&a, &first, WriteOutcome::Succeeded);
        assert_ne!(token.for_members(&a, &mut fresh).unwrap(), first, "made: a new create is a new task");
    }
}
