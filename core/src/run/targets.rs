//! The devices or multicast groups a task is given: the list as pasted, DevEUIs mapped to device
//! ids, and the batch of Associate calls (one per item) with each item's outcome, a stop and a
//! retry of the failed ones.

use std::collections::{HashMap, HashSet};

use crate::campaign::eui;
use crate::wire::error::{ConsoleError, Field};
use crate::wire::operation::Operation;
use crate::wire::pages::MAX_ITEMS;
use crate::wire::request::{validate_label, Request};

/// What a task is given: wireless devices or multicast groups, never both (the service's rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    Devices,
    Groups,
}

impl TargetKind {
    pub fn parse(s: &str) -> Self {
        if s == "groups" {
            TargetKind::Groups
        } else {
            TargetKind::Devices
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Devices => "devices",
            TargetKind::Groups => "groups",
        }
    }

    pub fn associate(self) -> Operation {
        match self {
            TargetKind::Devices => Operation::AssociateWirelessDeviceWithFuotaTask,
            TargetKind::Groups => Operation::AssociateMulticastGroupWithFuotaTask,
        }
    }

    pub fn disassociate(self) -> Operation {
        match self {
            TargetKind::Devices => Operation::DisassociateWirelessDeviceFromFuotaTask,
            TargetKind::Groups => Operation::DisassociateMulticastGroupFromFuotaTask,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            TargetKind::Devices => "wireless device",
            TargetKind::Groups => "multicast group",
        }
    }

    /// Associate `id` with `task_id`.
    pub fn associate_request(self, task_id: &str, id: &str) -> Result<Request, ConsoleError> {
        let member = match self {
            TargetKind::Devices => "WirelessDeviceId",
            TargetKind::Groups => "MulticastGroupId",
        };
        Request::write(self.associate(), &[task_id], Some(&serde_json::json!({ member: id })))
    }

    /// Disassociate `id` from `task_id`.
    pub fn disassociate_request(self, task_id: &str, id: &str) -> Result<Request, ConsoleError> {
        Request::write(self.disassociate(), &[task_id, id], None)
    }
}

/// Refuses adding `kind` to a task that already has the other kind: the service would answer
/// ConflictException; the console says why before sending.
pub fn check_not_both(kind: TargetKind, has_devices: bool, has_groups: bool) -> Result<(), ConsoleError> {
    let (other, has_other) = match kind {
        TargetKind::Devices => ("multicast groups", has_groups),
        TargetKind::Groups => ("wireless devices", has_devices),
    };
    if has_other {
        return Err(ConsoleError::InvalidInput {
            field: Field::TargetIds,
            reason: format!("This task already has {other}: a FUOTA task takes devices or multicast groups, not both. Remove them first, or add {other}."),
        });
    }
    Ok(())
}

/// The list as pasted: ids, and DevEUIs still to be mapped to ids. In the order given, each once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetList {
    pub ids: Vec<String>,
    /// Normalised: 16 uppercase hex digits.
    pub dev_euis: Vec<String>,
}

impl TargetList {
    pub fn len(&self) -> usize {
        self.ids.len() + self.dev_euis.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads ids pasted one per line or separated by commas or semicolons. For devices, an item that
/// is 8 bytes of hex (any case, `-`, `:` or spaces between bytes) is a DevEUI; anything else is a
/// wireless device id (a UUID in IoT Wireless, which is never 16 hex digits).
pub fn parse_targets(kind: TargetKind, text: &str) -> Result<TargetList, ConsoleError> {
    let mut list = TargetList::default();
    let mut seen = HashSet::new();
    for item in text.split(['\n', ',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
        let eui = (kind == TargetKind::Devices).then(|| eui::normalise(item)).flatten();
        let key = match eui {
            Some(eui) => {
                if seen.insert(format!("eui:{eui}")) {
                    list.dev_euis.push(eui);
                }
                continue;
            }
            None => validate_label(item, Field::TargetIds, kind.noun())?.to_owned(),
        };
        if seen.insert(format!("id:{key}")) {
            list.ids.push(key);
        }
        if list.len() > MAX_ITEMS {
            break;
        }
    }
    if list.is_empty() {
        let what = match kind {
            TargetKind::Devices => "wireless device ids or DevEUIs",
            TargetKind::Groups => "multicast group ids",
        };
        return Err(ConsoleError::InvalidInput { field: Field::TargetIds, reason: format!("Enter {what}, one per line or separated by commas.") });
    }
    if list.len() > MAX_ITEMS {
        return Err(ConsoleError::InvalidInput { field: Field::TargetIds, reason: format!("At most {MAX_ITEMS} items at a time.") });
    }
    Ok(list)
}

/// Maps the list's DevEUIs to device ids through `known` (each device's DevEUI and id, from
/// ListWirelessDevices: GetWirelessDevice is never called, it returns the device's keys). Gives
/// the items to send (id and the label the user typed) and the DevEUIs no device has.
pub fn resolve<'a>(list: &TargetList, known: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Vec<(String, String)>, Vec<String>) {
    let wanted: HashSet<&str> = list.dev_euis.iter().map(String::as_str).collect();
    let mut found: HashMap<String, String> = HashMap::new();
    for (dev_eui, id) in known {
        if let Some(eui) = eui::normalise(dev_eui).filter(|e| wanted.contains(e.as_str())) {
            found.entry(eui).or_insert_with(|| id.to_owned());
        }
    }
    let mut items: Vec<(String, String)> = list.ids.iter().map(|id| (id.clone(), id.clone())).collect();
    let mut unknown = Vec::new();
    for eui in &list.dev_euis {
        match found.get(eui) {
            Some(id) if !items.iter().any(|(i, _)| i == id) => items.push((id.clone(), format!("{eui} ({id})"))),
            Some(_) => {}
            None => unknown.push(eui.clone()),
        }
    }
    (items, unknown)
}

/// Where one item of a batch is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemState {
    Waiting,
    Sending,
    Done,
    Failed { code: String, sentence: String, retryable: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchItem {
    /// What is sent.
    pub id: String,
    /// What the user typed (a DevEUI shows with the id it maps to).
    pub label: String,
    pub state: ItemState,
}

/// One Associate call per item; the fan-out sends them (at most 4 in flight, fewer while
/// throttled) and reports each outcome here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub kind: TargetKind,
    pub items: Vec<BatchItem>,
    stopped: bool,
}

/// How far a batch is: complete when `done + failed == total`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub done: usize,
    pub failed: usize,
    pub sending: usize,
    pub total: usize,
}

impl Batch {
    /// `items` to send; `unknown_euis` fail at once (no device has them; retrying cannot help).
    pub fn new(kind: TargetKind, items: Vec<(String, String)>, unknown_euis: &[String]) -> Self {
        let mut all: Vec<BatchItem> = items.into_iter().map(|(id, label)| BatchItem { id, label, state: ItemState::Waiting }).collect();
        all.extend(unknown_euis.iter().map(|eui| BatchItem {
            id: String::new(),
            label: eui.clone(),
            state: ItemState::Failed {
                code: "DevEuiNotFound".into(),
                sentence: format!("No wireless device of this account and region has DevEUI {eui}: check it, or add the device to IoT Wireless first."),
                retryable: false,
            },
        }));
        Self { kind, items: all, stopped: false }
    }

    /// The items waiting to be sent, in order.
    pub fn waiting(&self) -> Vec<usize> {
        (0..self.items.len()).filter(|&i| self.items[i].state == ItemState::Waiting).collect()
    }

    /// Marks item `i` as being sent; false once the batch is stopped (send nothing more).
    pub fn start(&mut self, i: usize) -> bool {
        match self.items.get_mut(i) {
            Some(item) if !self.stopped && item.state == ItemState::Waiting => {
                item.state = ItemState::Sending;
                true
            }
            _ => false,
        }
    }

    /// Records how item `i`'s call ended. 204 is done, and so is a device or group the task
    /// already has (the service answers 204 again).
    pub fn finish(&mut self, i: usize, result: Result<(), ConsoleError>) {
        let Some(item) = self.items.get_mut(i) else { return };
        item.state = match result {
            Ok(()) => ItemState::Done,
            Err(e) => ItemState::Failed {
                code: e.code().to_owned(),
                sentence: e.sentence(),
                // The service refused before acting (a conflict, a missing device) or the outcome
                // is unknown: either way sending it again is safe (an associate is left as it is).
                retryable: true,
            },
        };
    }

    /// Stop: what was not sent yet fails as "not sent", to be retried later.
    pub fn stop(&mut self) {
        self.stopped = true;
        for item in &mut self.items {
            if item.state == ItemState::Waiting {
                item.state = ItemState::Failed { code: "NotSent".into(), sentence: "Not sent: the batch was stopped.".into(), retryable: true };
            }
        }
    }

    /// Puts the failed items that may be sent again back in the queue; gives how many.
    pub fn retry_failed(&mut self) -> usize {
        self.stopped = false;
        let mut n = 0;
        for item in &mut self.items {
            if matches!(item.state, ItemState::Failed { retryable: true, .. }) {
                item.state = ItemState::Waiting;
                n += 1;
            }
        }
        n
    }

    pub fn counts(&self) -> BatchCounts {
        let mut c = BatchCounts { total: self.items.len(), ..BatchCounts::default() };
        for item in &self.items {
            match item.state {
                ItemState::Done => c.done += 1,
                ItemState::Failed { .. } => c.failed += 1,
                ItemState::Sending => c.sending += 1,
                ItemState::Waiting => {}
            }
        }
        c
    }

    pub fn complete(&self) -> bool {
        let c = self.counts();
        c.done + c.failed == c.total
    }

    /// The batch's one result, once complete: succeeded when every item is done; unknown when
    /// the only failures are unknown outcomes; else failed, with the first failure's code.
    pub fn outcome(&self) -> (super::review::WriteOutcome, Option<String>) {
        use super::review::WriteOutcome;
        let codes: Vec<&str> = self
            .items
            .iter()
            .filter_map(|i| match &i.state {
                ItemState::Failed { code, .. } => Some(code.as_str()),
                _ => None,
            })
            .collect();
        match codes.first() {
            None => (WriteOutcome::Succeeded, None),
            Some(_) if codes.iter().all(|c| *c == "OutcomeUnknown") => (WriteOutcome::Unknown, None),
            Some(first) => (WriteOutcome::Failed, Some((*first).to_owned())),
        }
    }
}

/// May a multicast group of `group_region` be given to a task of `task_region`? The service
/// refuses a group of another RF region; while either region is not known yet, the group is
/// offered and the service decides.
pub fn group_fits_task(group_region: Option<&str>, task_region: Option<&str>) -> bool {
    match (group_region, task_region) {
        (Some(theirs), Some(ours)) => theirs == ours,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_another_region_are_not_offered() {
        assert!(group_fits_task(Some("EU868"), Some("EU868")));
        assert!(!group_fits_task(Some("US915"), Some("EU868")));
        assert!(group_fits_task(None, Some("EU868")), "not read yet: offered");
        assert!(group_fits_task(Some("US915"), None));
    }
    use crate::wire::error::{ErrorCode, KnownCode, ServiceError};
    use proptest::prelude::*;

    #[test]
    fn devices_are_ids_or_dev_euis_one_per_line_or_comma_separated() {
        let text = "1ffd32c8-8130-4194-96df-622f072a315f, 00-80-00-00-0a-00-01-2f\n\n008000000A00012F;demo-dev-1\n 1ffd32c8-8130-4194-96df-622f072a315f ";
        let list = parse_targets(TargetKind::Devices, text).unwrap();
        assert_eq!(list.ids, vec!["1ffd32c8-8130-4194-96df-622f072a315f", "demo-dev-1"]);
        assert_eq!(list.dev_euis, vec!["008000000A00012F"]);
        // For groups, nothing is a DevEUI.
        let groups = parse_targets(TargetKind::Groups, "008000000a00012f").unwrap();
        assert_eq!(groups.ids, vec!["008000000a00012f"]);
        assert!(parse_targets(TargetKind::Devices, " ,\n").is_err());
        assert!(parse_targets(TargetKind::Devices, "..").is_err());
    }

    #[test]
    fn dev_euis_map_to_ids_and_the_unknown_are_named() {
        let list = parse_targets(TargetKind::Devices, "d-1\n0080-0000-0a00-012f\nFFFFFFFFFFFFFFFF\n00:00:00:00:00:00:00:01").unwrap();
        let known = [("008000000a00012f", "d-9"), ("0000000000000001", "d-1")];
        let (items, unknown) = resolve(&list, known);
        assert_eq!(items, vec![("d-1".to_owned(), "d-1".to_owned()), ("d-9".to_owned(), "008000000A00012F (d-9)".to_owned())]);
        assert_eq!(unknown, vec!["FFFFFFFFFFFFFFFF"]);
    }

    #[test]
    fn not_both_devices_and_groups() {
        assert!(check_not_both(TargetKind::Groups, true, false).is_err());
        assert!(check_not_both(TargetKind::Devices, false, true).is_err());
        assert!(check_not_both(TargetKind::Devices, true, false).is_ok());
    }

    #[test]
    fn a_batch_counts_stops_and_retries_the_failed() {
        let items = (0..5).map(|i| (format!("d{i}"), format!("d{i}"))).collect();
        let mut batch = Batch::new(TargetKind::Devices, items, &["FFFFFFFFFFFFFFFF".to_owned()]);
        assert_eq!(batch.counts(), BatchCounts { done: 0, failed: 1, sending: 0, total: 6 });
        assert!(batch.start(0) && batch.start(1));
        batch.finish(0, Ok(()));
        let throttled = ConsoleError::Service(ServiceError::for_test(
            Operation::AssociateWirelessDeviceWithFuotaTask,
            ErrorCode::Known(KnownCode::ThrottlingException),
            429,
        ));
        batch.finish(1, Err(throttled));
        batch.stop();
        assert!(!batch.start(2), "nothing is sent after Stop");
        assert!(batch.complete());
        assert_eq!(batch.counts(), BatchCounts { done: 1, failed: 5, sending: 0, total: 6 });
        assert_eq!(batch.outcome(), (super::super::review::WriteOutcome::Failed, Some("ThrottlingException".to_owned())));
        // The unknown DevEUI is not retried; the throttled and the unsent are.
        assert_eq!(batch.retry_failed(), 4);
        assert_eq!(batch.waiting(), vec![1, 2, 3, 4]);
        for i in batch.waiting() {
            assert!(batch.start(i));
            batch.finish(i, Ok(()));
        }
        assert_eq!(batch.counts(), BatchCounts { done: 5, failed: 1, sending: 0, total: 6 });
    }

    #[test]
    fn each_item_is_one_associate_and_a_removal_names_it_in_the_path() {
        let r = TargetKind::Groups.associate_request("t1", "mcg-1").unwrap();
        assert_eq!((r.path_and_query().as_str(), r.body()), ("/fuota-tasks/t1/multicast-group", Some(r#"{"MulticastGroupId":"mcg-1"}"#)));
        let r = TargetKind::Devices.associate_request("t1", "d 1").unwrap();
        assert_eq!((r.path_and_query().as_str(), r.body()), ("/fuota-tasks/t1/wireless-device", Some(r#"{"WirelessDeviceId":"d 1"}"#)));
        let r = TargetKind::Devices.disassociate_request("t1", "d 1").unwrap();
        assert_eq!(r.path_and_query(), "/fuota-tasks/t1/wireless-devices/d%201");
    }

    proptest! {
        /// Whatever is pasted: no panic, every item once, and ids never contain a separator.
        #[test]
        fn any_paste_is_read_without_panic_and_without_duplicates(text in "[ -~\\n]{0,300}") {
            if let Ok(list) = parse_targets(TargetKind::Devices, &text) {
                let ids: HashSet<_> = list.ids.iter().collect();
                prop_assert_eq!(ids.len(), list.ids.len());
                prop_assert!(list.ids.iter().all(|i| !i.contains([',', '\n', ';'])));
            }
        }

        /// A batch always ends complete once every item is started and finished, whatever the outcomes.
        #[test]
        fn every_batch_completes(outcomes in proptest::collection::vec(any::<bool>(), 0..40), stop_at in 0usize..50) {
            let items = (0..outcomes.len()).map(|i| (format!("d{i}"), format!("d{i}"))).collect();
            let mut batch = Batch::new(TargetKind::Devices, items, &[]);
            for (n, i) in batch.waiting().into_iter().enumerate() {
                if n == stop_at { batch.stop(); }
                if batch.start(i) {
                    batch.finish(i, if outcomes[i] { Ok(()) } else { Err(ConsoleError::Cancelled) });
                }
            }
            if !batch.complete() { batch.stop(); }
            prop_assert!(batch.complete());
            let c = batch.counts();
            prop_assert_eq!(c.done + c.failed, outcomes.len());
        }
    }
}
