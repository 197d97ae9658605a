//! The campaign of one task: its devices (from the task's own list and from each of its multicast
//! groups' lists) and its groups with their sessions, read through the one request path. The
//! rules (de-duplication, counts, verdict) are the core's; this reads and holds.

use fuota_core::campaign::devices::{device_page, DeviceRoster, Rereading};
use fuota_core::campaign::lists::{multicast_group_ids_page, MulticastGroup, MulticastSession};
use fuota_core::wire::request::DeviceSource;
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;

use super::reader::{self, FetchState, ReadSlot, Reader};

/// One multicast group of the task, as far as it has been read.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupInfo {
    pub id: String,
    pub group: Option<MulticastGroup>,
    pub session: Option<MulticastSession>,
    pub error: Option<ConsoleError>,
}

/// What the campaign sections show.
#[derive(Clone, Copy)]
pub struct CampaignState {
    /// The task whose campaign this is.
    pub task_id: RwSignal<Option<String>>,
    pub roster: RwSignal<DeviceRoster>,
    pub devices_complete: RwSignal<bool>,
    pub devices_error: RwSignal<Option<ConsoleError>>,
    pub groups: RwSignal<Vec<GroupInfo>>,
    pub groups_error: RwSignal<Option<ConsoleError>>,
    pub loading: RwSignal<bool>,
    in_flight: ReadSlot,
}

impl CampaignState {
    pub fn new() -> Self {
        Self {
            task_id: RwSignal::new(None),
            roster: RwSignal::new(DeviceRoster::default()),
            devices_complete: RwSignal::new(false),
            devices_error: RwSignal::new(None),
            groups: RwSignal::new(Vec::new()),
            groups_error: RwSignal::new(None),
            loading: RwSignal::new(false),
            in_flight: reader::read_slot(),
        }
    }

    /// Stops a read in flight.
    pub fn cancel(&self) {
        reader::cancel(self.in_flight);
    }

    /// Reads the campaign of `task_id`. A first read shows each page as it arrives; a refresh of
    /// the same task is read into the roster in place (no second roster: megabytes at 10,000
    /// devices) and shown once at the end, so that the table does not empty and refill under the
    /// user. Returns whether any request was throttled, or
    /// None when a newer read replaced this one (it then leaves everything to that one).
    pub async fn load(self, connection: Connection, task_id: String, fetch: FetchState) -> Option<bool> {
        let reader = Reader::superseding(fetch, connection, self.in_flight).ok()?;
        // `try_`: the view may be gone (a widget removed) by the time this runs.
        let refresh = self.task_id.try_get_untracked().flatten().as_deref() == Some(task_id.as_str());
        self.task_id.set(Some(task_id.clone()));
        self.loading.set(true);
        if !refresh {
            self.roster.set(DeviceRoster::default());
            self.groups.set(Vec::new());
            self.devices_complete.set(false);
        }

        // The groups first: their device lists join the task's own.
        let mut group_ids = Vec::new();
        let groups =
            reader.pages(&|p| Request::list_multicast_groups_by_fuota_task(&task_id, p), multicast_group_ids_page, &mut |ids| group_ids.extend(ids)).await;
        if matches!(groups, Err(ConsoleError::Cancelled)) {
            return None;
        }
        self.groups_error.set(groups.err());

        let mut reading = Rereading::default();
        let mut sources = vec![DeviceSource::FuotaTask(task_id.clone())];
        sources.extend(group_ids.iter().cloned().map(DeviceSource::MulticastGroup));
        let mut devices_error = None;
        for source in &sources {
            let read = reader
                .pages(&|p| Request::list_wireless_devices(source, p), device_page, &mut |page| {
                    if refresh {
                        self.roster.update_untracked(|r| r.reread(&mut reading, page));
                    } else {
                        self.roster.update(|r| r.add(page));
                    }
                })
                .await;
            if let Err(e) = read {
                devices_error = Some(e);
                break;
            }
        }
        if matches!(devices_error, Some(ConsoleError::Cancelled)) {
            return None;
        }
        if refresh {
            // A refresh cut short keeps every device, those it reached with their new state.
            if devices_error.is_none() {
                self.roster.update_untracked(|r| r.finish_rereading(reading));
            }
            self.roster.notify();
        }
        self.devices_complete.set(devices_error.is_none());
        self.devices_error.set(devices_error);

        let mut infos = Vec::new();
        for id in group_ids {
            let group = reader.read(Request::get_multicast_group(&id), MulticastGroup::from_value).await;
            let session = reader.read(Request::get_multicast_group_session(&id), MulticastSession::from_value).await;
            let error = group.as_ref().err().or(session.as_ref().err()).cloned();
            if matches!(error, Some(ConsoleError::Cancelled)) {
                return None;
            }
            infos.push(GroupInfo { id, group: group.ok(), session: session.ok(), error });
        }
        self.groups.set(infos);
        self.loading.set(false);
        Some(reader.throttled())
    }
}

impl Default for CampaignState {
    fn default() -> Self {
        Self::new()
    }
}
