//! Every rollout of the region, from the account alone: ListFuotaTasks to its end, the tags of each
//! task (ListTagsForResource, at most `MAX_IN_FLIGHT` at once), and for each task that carries a
//! rollout's tags its status and start (GetFuotaTask), its devices' statuses (ListWirelessDevices
//! by task) and its multicast groups; then the core rebuilds the rollouts.

use std::collections::HashMap;

use fuota_core::campaign::devices::device_page;
use fuota_core::campaign::lists::{multicast_group_ids_page, resource_tags, task_list_page, FuotaTaskSummary, MulticastGroup};
use fuota_core::campaign::task::{FuotaTask, TaskStatus};
use fuota_core::rollout::gate::DeviceState;
use fuota_core::rollout::state::{reconstruct, StartsAt, TaskInput};
use fuota_core::rollout::tags::is_rollout_key;
use fuota_core::wire::error::{ErrorCode, KnownCode};
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::wire::request::{DeviceSource, PageRequest};
use fuota_core::wire::time::Timestamp;
use fuota_core::{Connection, ConsoleError, Request};
use futures::future::join_all;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::RolloutHub;
use crate::browser::clock;
use crate::ui::reader::Reader;

/// One rollout task as read.
struct Read {
    task: FuotaTask,
    devices: Vec<DeviceState>,
    groups: Vec<String>,
}

pub fn start(hub: RolloutHub, connection: Connection) {
    let s = hub.state();
    let Ok(reader) = Reader::superseding(hub.fetch, connection, s.in_flight) else { return };
    s.complete.set(false);
    s.error.set(None);
    s.progress.set(Some("Listing the region's FUOTA tasks…".to_owned()));
    spawn_local(async move {
        let result = read_all(&reader, hub).await;
        let said = match result {
            Ok(said) => Some(said),
            Err(ConsoleError::Cancelled) => return,
            Err(e) => {
                let _ = s.error.try_set(Some(e));
                None
            }
        };
        let _ = s.progress.try_set(said);
        let _ = s.complete.try_set(true);
    });
}

/// Reads them all; says what was read.
async fn read_all(reader: &Reader, hub: RolloutHub) -> Result<String, ConsoleError> {
    let s = hub.state();
    let mut summaries: Vec<FuotaTaskSummary> = Vec::new();
    reader.pages(&|p| Ok(Request::list_fuota_tasks(p)), task_list_page, &mut |page| summaries.extend(page)).await?;
    let listed: Vec<(String, String)> = summaries.into_iter().filter_map(|t| Some((t.id?, t.arn?))).collect();
    let total = listed.len();
    let mut tagged: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (i, chunk) in listed.chunks(MAX_IN_FLIGHT).enumerate() {
        let answers = join_all(chunk.iter().map(|(_, arn)| tags_of(reader.item(), arn.clone()))).await;
        for ((id, _), tags) in chunk.iter().zip(answers) {
            let tags = tags?;
            if tags.iter().any(|(k, _)| is_rollout_key(k)) {
                tagged.push((id.clone(), tags));
            }
        }
        let _ = s.progress.try_set(Some(format!("Read the tags of {} of {total} tasks…", (i * MAX_IN_FLIGHT + chunk.len()).min(total))));
    }
    let mut inputs: Vec<TaskInput> = Vec::new();
    let mut tasks = HashMap::new();
    let mut groups = HashMap::new();
    let waves = tagged.len();
    for (i, chunk) in tagged.chunks(MAX_IN_FLIGHT).enumerate() {
        let _ = s.progress.try_set(Some(format!("Reading the rollouts' waves: {} of {waves}…", i * MAX_IN_FLIGHT)));
        let answers = join_all(chunk.iter().map(|(id, _)| read_wave(reader.item(), id.clone()))).await;
        for ((id, tags), read) in chunk.iter().zip(answers) {
            let Read { task, devices, groups: task_groups } = read?;
            let starts = task.start_time.map(|at| StartsAt { at, local: clock::local_time(at.epoch_millis()) });
            let status = task.status.clone().unwrap_or(TaskStatus::Unknown(String::new()));
            inputs.push(TaskInput { id: id.clone(), tags: tags.clone(), status, starts, devices });
            tasks.insert(id.clone(), task);
            groups.insert(id.clone(), task_groups);
        }
    }
    // The service's time (the browser's clock corrected by what the service said of it) says
    // whether a wave's start has passed.
    let now = Timestamp::from_epoch_millis(hub.fetch.now_ms(hub.connection.into()));
    let rollouts = now.map(|now| reconstruct(&inputs, now)).unwrap_or_default();
    let _ = s.tasks.try_set(tasks);
    let _ = s.groups.try_set(groups);
    let _ = s.rollouts.try_set(rollouts);
    Ok(format!("Read the tags of {total} tasks: {waves} are rollout waves, read with their devices at {}.", clock::local_time(clock::now_millis() as i64)))
}

async fn tags_of(reader: Reader, arn: String) -> Result<Vec<(String, String)>, ConsoleError> {
    reader.read(Request::list_tags_for_resource(&arn), resource_tags).await
}

/// A wave's task, its devices and its groups.
async fn read_wave(reader: Reader, id: String) -> Result<Read, ConsoleError> {
    let task = reader.read(Request::get_fuota_task(&id), FuotaTask::from_value).await?;
    let mut devices = Vec::new();
    let source = DeviceSource::FuotaTask(id.clone());
    reader
        .pages(&|p: &PageRequest| Request::list_wireless_devices(&source, p), device_page, &mut |page| devices.extend(page.iter().filter_map(DeviceState::of)))
        .await?;
    let mut listed = Vec::new();
    reader.pages(&|p: &PageRequest| Request::list_multicast_groups_by_fuota_task(&id, p), multicast_group_ids_page, &mut |page| listed.extend(page)).await?;
    // A deleted group may still be listed with its task: only a group that is still there can
    // be cleaned up.
    let mut groups = Vec::new();
    for group in listed {
        match reader.read(Request::get_multicast_group(&group), MulticastGroup::from_value).await {
            Ok(_) => groups.push(group),
            Err(ConsoleError::Service(e)) if e.code == ErrorCode::Known(KnownCode::ResourceNotFoundException) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Read { task, devices, groups })
}

/// Every device of a fleet's list (its group's or its device profile's), for the next wave.
pub async fn fleet_devices(reader: &Reader, source: DeviceSource) -> Result<Vec<String>, ConsoleError> {
    let mut ids = Vec::new();
    reader
        .pages(&|p: &PageRequest| Request::list_wireless_devices(&source, p), device_page, &mut |page| ids.extend(page.into_iter().filter_map(|d| d.id)))
        .await?;
    Ok(ids)
}
