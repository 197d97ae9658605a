//! The one way the page and the widget send a request: a `Reader` owns its AbortController (a
//! newer read in the same slot aborts it; a write's is never aborted), the send options (the clock
//! correction learned for its host), hears every progress (a clock correction is kept for later
//! requests; retries are shown where asked) and notes whether the service throttled it, for the
//! fan-out that paces itself by it. `FetchState` is what every reader of one console shares: the
//! clock correction, its notice, and the progress line of the task's read.

use std::cell::Cell;
use std::rc::Rc;

use fuota_core::wire::clock::ClockCorrection;
use fuota_core::wire::json::Value;
use fuota_core::wire::pages::Page;
use fuota_core::wire::request::PageRequest;
use fuota_core::wire::response::JsonAnswer;
use fuota_core::wire::retry::{Progress, RetryReason};
use fuota_core::{Connection, ConsoleError, Request};
use leptos::prelude::*;
use web_sys::AbortController;

use crate::browser::request::{self, SendOptions};

/// What every request of one console (the page's, or one widget's) shares.
#[derive(Clone, Copy)]
pub struct FetchState {
    /// Learned from a clock-skew answer, kept for every later request to the same host.
    clock: RwSignal<ClockCorrection>,
    pub clock_notice: RwSignal<Option<String>>,
    /// "throttled (…), retrying in 0.4 s, attempt 2 of 3" while the task's read waits to retry.
    pub progress: RwSignal<Option<String>>,
    /// The task's read in flight: a new submit supersedes it.
    in_flight: ReadSlot,
}

impl FetchState {
    pub fn new() -> Self {
        Self { clock: RwSignal::new(ClockCorrection::default()), clock_notice: RwSignal::new(None), progress: RwSignal::new(None), in_flight: read_slot() }
    }

    /// Begins the task's read, aborting the one in flight. Call it synchronously in the action so
    /// that a new submit supersedes the previous one at once; the connection may come later.
    pub fn begin(&self) -> Result<Started, ConsoleError> {
        let started = begin(self.in_flight)?;
        self.progress.set(None);
        Ok(started)
    }

    /// How a request through `connection` is sent: with the clock correction learned so far from
    /// its destination (none when it was learned from another host).
    pub fn options(&self, connection: &Connection) -> SendOptions {
        let offset = self.clock.try_with_untracked(|c| c.offset_for(connection.destination())).unwrap_or(0);
        SendOptions { clock_offset_ms: offset, ..SendOptions::default() }
    }

    /// The service's time now, as best known: the browser's clock corrected by what the service
    /// said of it (the start-time rule and "silent since" are the service's time).
    pub fn now_ms(&self, connection: Signal<Option<Connection>>) -> i64 {
        let offset = connection.with_untracked(|c| c.as_ref().map(|c| self.options(c).clock_offset_ms)).unwrap_or(0);
        crate::browser::clock::now_millis() as i64 + offset
    }

    /// A clock correction is kept for every later request to its host, and said once.
    fn hear(&self, progress: &Progress) {
        if let Progress::ClockCorrected { host, offset_ms } = progress {
            let _ = self.clock.try_set(ClockCorrection::learned(host, *offset_ms));
            let _ = self.clock_notice.try_set(Some(progress.sentence()));
        }
    }

    /// Cancels the task's read in flight.
    pub fn cancel(&self) {
        cancel(self.in_flight);
    }
}

impl Default for FetchState {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a view keeps the controller of its read in flight, so that its next read supersedes it.
pub type ReadSlot = StoredValue<Option<AbortController>, LocalStorage>;

pub fn read_slot() -> ReadSlot {
    StoredValue::new_local(None)
}

/// Aborts the read in `slot`, if any (a view closing, *Stop*, *Forget*).
pub fn cancel(slot: ReadSlot) {
    slot.try_with_value(|c| c.as_ref().map(AbortController::abort));
}

/// A read begun in a slot (the read it replaced aborted), waiting for its connection.
#[derive(Clone)]
pub struct Started(AbortController);

/// Begins a read in `slot`, aborting the one it replaces.
pub fn begin(slot: ReadSlot) -> Result<Started, ConsoleError> {
    let controller = AbortController::new().map_err(|_| no_controller())?;
    slot.try_update_value(|current| {
        if let Some(previous) = current.replace(controller.clone()) {
            previous.abort();
        }
    });
    Ok(Started(controller))
}

impl Started {
    pub fn reader(self, fetch: FetchState, connection: Connection) -> Reader {
        Reader { connection: Rc::new(connection), controller: self.0, fetch, retries: Retries::Quiet, throttled: Rc::default() }
    }
}

/// Where the retries of a request are told, besides the clock corrections every reader keeps.
#[derive(Clone, Copy)]
pub enum Retries {
    /// Not shown: a fan-out's items, a campaign's reads (each has its own place for errors).
    Quiet,
    /// In the fetch's progress line (the page's task read).
    Shown,
    /// In this signal while the wait lasts (a write's own line).
    Into(RwSignal<Option<String>>),
}

/// One read (or write, or fan-out of reads) through one connection.
#[derive(Clone)]
pub struct Reader {
    connection: Rc<Connection>,
    controller: AbortController,
    fetch: FetchState,
    retries: Retries,
    throttled: Rc<Cell<bool>>,
}

fn no_controller() -> ConsoleError {
    ConsoleError::Network { url: String::new(), detail: "this browser has no AbortController".into(), cors_ruled_out: false }
}

impl Reader {
    /// A request of its own: a write (never aborted: once sent it may have acted), or a read no
    /// other read replaces.
    pub fn new(fetch: FetchState, connection: Connection) -> Result<Self, ConsoleError> {
        let controller = AbortController::new().map_err(|_| no_controller())?;
        Ok(Self { connection: Rc::new(connection), controller, fetch, retries: Retries::Quiet, throttled: Rc::default() })
    }

    /// A read that replaces the one in `slot`, aborting it: each view reads one thing at a time.
    pub fn superseding(fetch: FetchState, connection: Connection, slot: ReadSlot) -> Result<Self, ConsoleError> {
        Ok(begin(slot)?.reader(fetch, connection))
    }

    pub fn with_retries(mut self, retries: Retries) -> Self {
        self.retries = retries;
        self
    }

    /// One item of a fan-out: the same controller (a *Stop* ends them all), its own note of
    /// throttling.
    pub fn item(&self) -> Self {
        Self { throttled: Rc::default(), ..self.clone() }
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Did the service throttle any of this reader's requests (even if a retry went through)?
    pub fn throttled(&self) -> bool {
        self.throttled.get()
    }

    pub fn abort(&self) {
        self.controller.abort();
    }

    fn hear(&self, p: Progress) {
        if let Progress::Retrying { reason, .. } = &p {
            if *reason == RetryReason::Throttled {
                self.throttled.set(true);
            }
            match self.retries {
                Retries::Quiet => {}
                Retries::Shown => {
                    let _ = self.fetch.progress.try_set(Some(p.sentence()));
                }
                Retries::Into(line) => {
                    let _ = line.try_set(Some(p.sentence()));
                }
            }
        }
        self.fetch.hear(&p);
    }

    /// Sends `request` (retries, clock correction, timeout: `browser::request::send`).
    pub async fn send(&self, request: &Request) -> Result<JsonAnswer, ConsoleError> {
        let options = self.fetch.options(&self.connection);
        let answer = request::send(&self.connection, request, &self.controller, options, &|p| self.hear(p)).await;
        if let Retries::Into(line) = self.retries {
            let _ = line.try_set(None);
        }
        answer
    }

    /// Sends a request that may not have been built, and types its answer.
    pub async fn read<T>(&self, request: Result<Request, ConsoleError>, parse: impl FnOnce(Value) -> Result<T, String>) -> Result<T, ConsoleError> {
        self.send(&request?).await?.parse(parse).map(|a| a.value)
    }

    /// Every page of a list (`browser::request::read_pages`), each page's items handed to
    /// `on_page` as it arrives.
    pub async fn pages<T>(
        &self,
        request_for: &dyn Fn(&PageRequest) -> Result<Request, ConsoleError>,
        parse: fn(Value) -> Result<Page<T>, String>,
        on_page: &mut dyn FnMut(Vec<T>),
    ) -> Result<u32, ConsoleError> {
        let options = self.fetch.options(&self.connection);
        request::read_pages(&self.connection, request_for, parse, &self.controller, options, on_page, &|p| self.hear(p)).await
    }
}
