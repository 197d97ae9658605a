//! What the runner sends and reads, through the one reader: a reviewed write (one request, or a
//! batch of associations at most `MAX_IN_FLIGHT` at once), the reads that pick its targets, and
//! the read-back of a create whose answer never arrived.

use std::collections::VecDeque;

use fuota_core::campaign::devices::device_page;
use fuota_core::campaign::lists::{multicast_group_ids_page, task_list_page, MulticastGroup};
use fuota_core::run::form::TaskSpec;
use fuota_core::run::review::created_by_name;
use fuota_core::run::targets::{Batch, TargetKind};
use fuota_core::wire::fan_out::MAX_IN_FLIGHT;
use fuota_core::wire::json::Value;
use fuota_core::wire::request::{client_request_token, PageRequest};
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;

use crate::browser::fan_out::{self, Step};
use crate::ui::reader::{FetchState, Reader, Retries};

/// What a reviewed write sends.
#[derive(Clone, Debug)]
pub enum Sendable {
    One {
        request: Request,
        /// A start's time (ms): checked again at Send, since a review left open can make it too soon.
        start_ms: Option<i64>,
        /// A create's members and token: the token is kept for the same members while the
        /// create's outcome is unknown.
        create: Option<(TaskSpec, String)>,
    },
    /// One Associate per item (id, label); DevEUIs no device has are listed, never sent.
    Batch { kind: TargetKind, task_id: String, items: Vec<(String, String)>, unknown: Vec<String> },
}

impl Sendable {
    /// Calls it takes in all.
    pub fn calls(&self) -> usize {
        match self {
            Sendable::One { .. } => 1,
            Sendable::Batch { items, .. } => items.len(),
        }
    }
}

/// 16 random bytes from the browser's `crypto.getRandomValues`: a create's idempotency token.
pub fn random_token() -> Result<String, ConsoleError> {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    match crypto.map(|c| c.get_random_values_with_u8_array(&mut bytes)) {
        Some(Ok(_)) => Ok(client_request_token(&bytes)),
        _ => Err(ConsoleError::Signing { detail: "this browser gave no random numbers (crypto.getRandomValues) for the create's idempotency token".into() }),
    }
}

/// Sends one write. Its reader is never aborted: a write once sent is not cancelled (it may
/// already have acted). Its retries are said in `progress` while they wait.
pub async fn send_write(fetch: FetchState, connection: Connection, request: &Request, progress: RwSignal<Option<String>>) -> Result<Value, ConsoleError> {
    let reader = Reader::new(fetch, connection)?.with_retries(Retries::Into(progress));
    reader.send(request).await.map(|a| a.value)
}

/// Every DevEUI → id of the account (ListWirelessDevices without a filter; GetWirelessDevice is
/// never called: it returns the device's keys).
pub async fn device_euis(fetch: FetchState, connection: Connection) -> Result<Vec<(String, String)>, ConsoleError> {
    let reader = Reader::new(fetch, connection)?;
    let mut pairs = Vec::new();
    reader
        .pages(&|p: &PageRequest| Request::list_wireless_devices_all(p), device_page, &mut |page| {
            pairs.extend(page.into_iter().filter_map(|d| Some((d.dev_eui?, d.id?))))
        })
        .await?;
    Ok(pairs)
}

/// Every multicast group of the account with its RF region (ListMulticastGroups, then
/// GetMulticastGroup for each, at most `MAX_IN_FLIGHT` at once): the groups a task can be given.
pub async fn account_groups(fetch: FetchState, connection: Connection, found: RwSignal<Vec<(String, Option<MulticastGroup>)>>) -> Result<(), ConsoleError> {
    let reader = Reader::new(fetch, connection)?;
    let mut ids: Vec<String> = Vec::new();
    reader.pages(&|p: &PageRequest| Ok(Request::list_multicast_groups(p)), multicast_group_ids_page, &mut |page| ids.extend(page)).await?;
    found.set(ids.iter().map(|id| (id.clone(), None)).collect());
    let items: VecDeque<(usize, String)> = ids.into_iter().enumerate().collect();
    fan_out::spawn(items, MAX_IN_FLIGHT, move |(i, id)| {
        let reader = reader.item();
        Box::pin(async move {
            if let Ok(group) = reader.read(Request::get_multicast_group(&id), MulticastGroup::from_value).await {
                if found
                    .try_update(|all| {
                        if let Some(slot) = all.get_mut(i) {
                            slot.1 = Some(group)
                        }
                    })
                    .is_none()
                {
                    return Step::Stop;
                }
            }
            Step::Done { throttled: reader.throttled() }
        })
    });
    Ok(())
}

/// The ids of the tasks named `name` (ListFuotaTasks to its end): what became of a create whose
/// answer never arrived.
pub async fn tasks_named(fetch: FetchState, connection: Connection, name: &str) -> Result<Vec<String>, ConsoleError> {
    let reader = Reader::new(fetch, connection)?;
    let mut ids = Vec::new();
    reader.pages(&|p| Ok(Request::list_fuota_tasks(p)), task_list_page, &mut |page| ids.extend(created_by_name(&page, name))).await?;
    Ok(ids)
}

/// Sends the waiting items of `batch`, at most `MAX_IN_FLIGHT` at once, fewer while throttled;
/// each item's answer is written into the batch in place (a batch of thousands is not copied);
/// `done` runs once when the last one ends (or at once with none waiting).
pub fn send_batch(fetch: FetchState, connection: Connection, task_id: String, batch: RwSignal<Option<Batch>>, done: impl Fn() + 'static) {
    let Some((kind, waiting)) = batch.with_untracked(|b| b.as_ref().map(|b| (b.kind, VecDeque::from(b.waiting())))) else { return };
    let done = std::rc::Rc::new(done);
    if waiting.is_empty() {
        done();
        return;
    }
    let remaining = std::rc::Rc::new(std::cell::Cell::new(waiting.len()));
    let reader = match Reader::new(fetch, connection) {
        Ok(r) => r,
        Err(e) => {
            batch.update(|b| {
                if let Some(b) = b.as_mut() {
                    for i in b.waiting() {
                        b.start(i);
                        b.finish(i, Err(e.clone()));
                    }
                }
            });
            done();
            return;
        }
    };
    fan_out::spawn(waiting, MAX_IN_FLIGHT, move |i| {
        let (reader, task_id, remaining, done) = (reader.item(), task_id.clone(), remaining.clone(), done.clone());
        Box::pin(async move {
            let started = batch.try_update(|b| b.as_mut().and_then(|b| if b.start(i) { b.items.get(i).map(|item| item.id.clone()) } else { None }));
            let gone = match started {
                Some(Some(id)) => {
                    let sent = match kind.associate_request(&task_id, &id) {
                        Ok(r) => reader.send(&r).await.map(|_| ()),
                        Err(e) => Err(e),
                    };
                    batch
                        .try_update(|b| {
                            if let Some(b) = b.as_mut() {
                                b.finish(i, sent)
                            }
                        })
                        .is_none()
                }
                // Stopped before its turn, or the view gone.
                Some(None) => false,
                None => true,
            };
            remaining.set(remaining.get().saturating_sub(1));
            if remaining.get() == 0 {
                done();
            }
            if gone {
                Step::Stop
            } else {
                Step::Done { throttled: reader.throttled() }
            }
        })
    });
}
