//! Every rollout of the region, from the account alone: ListFuotaTasks to its end, the tags of each
//! task (ListTagsForResource, at most `MAX_IN_FLIGHT` at once), and for each task that carries a
//! rollout's tags its status and start (GetFuotaTask), its devices' statuses (ListWirelessDevices
//! by task) and its multicast groups; then the core rebuilds the rollouts.
//!
//! While a wave's session waits or runs, the view is read again on its own (as a live task is),
//! and that re-read skips what cannot have changed: the tags of tasks already read, and the waves
//! whose task has ended. *Read again*, and every write of a rollout, read everything afresh.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use fuota_core::campaign::devices::device_page;
use fuota_core::campaign::lists::{multicast_group_ids_page, resource_tags, task_list_page, FuotaTaskSummary, MulticastGroup};
use fuota_core::campaign::task::{FuotaTask, TaskStatus};
use fuota_core::rollout::gate::DeviceState;
use fuota_core::rollout::state::{reconstruct, StartsAt, TaskInput};
use fuota_core::rollout::tags::is_rollout_key;
use fuota_core::wire::credentials::is_expiry_error;
use fuota_core::wire::error::{ErrorCode, KnownCode};
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::wire::request::{DeviceSource, PageRequest};
use fuota_core::wire::time::Timestamp;
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::RolloutHub;
use crate::browser::clock;
use crate::browser::fan_out::{self, Step};
use crate::ui::reader::Reader;

/// What a live re-read need not read again.
#[derive(Default)]
pub struct Cache {
    tags: HashMap<String, Vec<(String, String)>>,
    /// Waves whose task has ended: nothing of them moves any more.
    ended: HashMap<String, Read>,
}

/// One rollout task as read.
#[derive(Clone)]
struct Read {
    task: FuotaTask,
    devices: Vec<DeviceState>,
    groups: Vec<String>,
}

pub fn start(hub: RolloutHub, connection: Connection, fresh: bool) {
    let s = hub.state();
    let Ok(reader) = Reader::superseding(hub.fetch, connection.clone(), s.in_flight) else { return };
    if fresh {
        s.cache.set_value(Cache::default());
    }
    s.generation.update_value(|g| *g = g.wrapping_add(1));
    let generation = s.generation.get_value();
    s.complete.set(false);
    s.error.set(None);
    s.progress.set(Some("Listing the region's FUOTA tasks…".to_owned()));
    spawn_local(async move {
        let result = read_all(&reader, hub).await;
        let live = result.is_ok() && s.rollouts.try_with_untracked(|r| r.iter().any(|r| r.live())).unwrap_or(false);
        let _ = s.live.try_set(live);
        if live {
            read_again_later(hub, connection, generation);
        }
        let said = match result {
            Ok(said) => Some(said),
            Err(ConsoleError::Cancelled) => return,
            Err(e) if is_expiry_error(&e) && hub.renew.is_some() => {
                if let Some(renew) = hub.renew {
                    renew.run(());
                }
                return;
            }
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

    // The tags of every task not read before, through the one fan-out.
    let unread: VecDeque<(String, String)> = s.cache.with_value(|c| listed.iter().filter(|(id, _)| !c.tags.contains_key(id)).cloned().collect());
    let (to_read, done) = (unread.len(), Rc::new(Cell::new(0_usize)));
    let failed: Rc<RefCell<Option<ConsoleError>>> = Rc::default();
    let (item_reader, failure, counted) = (reader.clone(), Rc::clone(&failed), Rc::clone(&done));
    fan_out::run(unread, MAX_IN_FLIGHT, move |(id, arn): (String, String)| {
        let (reader, failure, counted) = (item_reader.item(), Rc::clone(&failure), Rc::clone(&counted));
        Box::pin(async move {
            match reader.read(Request::list_tags_for_resource(&arn), resource_tags).await {
                Ok(tags) => {
                    s.cache.update_value(|c| {
                        c.tags.insert(id, tags);
                    });
                    counted.set(counted.get() + 1);
                    let _ = s.progress.try_set(Some(format!("Read the tags of {} of {to_read} tasks…", counted.get())));
                    Step::Done { throttled: reader.throttled() }
                }
                Err(e) => {
                    failure.borrow_mut().get_or_insert(e);
                    Step::Stop
                }
            }
        })
    })
    .await;
    if let Some(e) = failed.take() {
        return Err(e);
    }
    let tagged: Vec<(String, Vec<(String, String)>)> = s.cache.with_value(|c| {
        listed.iter().filter_map(|(id, _)| Some((id.clone(), c.tags.get(id).filter(|t| t.iter().any(|(k, _)| is_rollout_key(k)))?.clone()))).collect()
    });

    // Each rollout wave's task, devices and groups; an ended wave once (it moves no more).
    let waves = tagged.len();
    let found: Rc<RefCell<HashMap<String, Read>>> = Rc::default();
    let unread: VecDeque<String> = s.cache.with_value(|c| tagged.iter().filter(|(id, _)| !c.ended.contains_key(id)).map(|(id, _)| id.clone()).collect());
    let (item_reader, failure, into) = (reader.clone(), Rc::clone(&failed), Rc::clone(&found));
    fan_out::run(unread, MAX_IN_FLIGHT, move |id: String| {
        let (reader, failure, into) = (item_reader.item(), Rc::clone(&failure), Rc::clone(&into));
        Box::pin(async move {
            match read_wave(reader.clone(), id.clone()).await {
                Ok(read) => {
                    into.borrow_mut().insert(id, read);
                    let _ = s.progress.try_set(Some(format!("Reading the rollouts' waves: {} of {waves}…", into.borrow().len())));
                    Step::Done { throttled: reader.throttled() }
                }
                Err(e) => {
                    failure.borrow_mut().get_or_insert(e);
                    Step::Stop
                }
            }
        })
    })
    .await;
    if let Some(e) = failed.take() {
        return Err(e);
    }
    let mut found = found.take();
    let mut inputs: Vec<TaskInput> = Vec::new();
    let mut tasks = HashMap::new();
    let mut groups = HashMap::new();
    for (id, tags) in tagged {
        let Some(read) = found.remove(&id).or_else(|| s.cache.with_value(|c| c.ended.get(&id).cloned())) else { continue };
        if read.task.status.as_ref().is_some_and(|t| matches!(t, TaskStatus::FuotaDone | TaskStatus::DeleteWaiting)) {
            s.cache.update_value(|c| {
                c.ended.insert(id.clone(), read.clone());
            });
        }
        let Read { task, devices, groups: task_groups } = read;
        let starts = task.start_time.map(|at| StartsAt { at, local: clock::local_time(at.epoch_millis()) });
        let status = task.status.clone().unwrap_or(TaskStatus::Unknown(String::new()));
        inputs.push(TaskInput { id: id.clone(), tags, status, starts, devices });
        tasks.insert(id.clone(), task);
        groups.insert(id, task_groups);
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

/// Arms the live re-read: after the refresh interval, while the view is open, no newer read
/// started, and the tab is seen (a hidden tab waits another interval, sending nothing).
fn read_again_later(hub: RolloutHub, connection: Connection, generation: u32) {
    let s = hub.state();
    let wait = std::time::Duration::from_millis((u64::from(hub.refresh_seconds) * 1000).min(fuota_core::campaign::live::MAX_TIMER_MS));
    set_timeout(
        move || {
            if !hub.open.try_get_untracked().unwrap_or(false) || s.generation.try_get_value() != Some(generation) {
                return;
            }
            let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
            if hidden {
                return read_again_later(hub, connection, generation);
            }
            start(hub, connection, false);
        },
        wait,
    );
}

/// Every device of a fleet's list (its group's or its device profile's), for the next wave.
pub async fn fleet_devices(reader: &Reader, source: DeviceSource) -> Result<Vec<String>, ConsoleError> {
    let mut ids = Vec::new();
    reader
        .pages(&|p: &PageRequest| Request::list_wireless_devices(&source, p), device_page, &mut |page| ids.extend(page.into_iter().filter_map(|d| d.id)))
        .await?;
    Ok(ids)
}
