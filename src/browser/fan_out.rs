//! One fan-out of requests: at most N in flight, fewer while the service throttles (the rule is the
//! core's `FanOut`); every per-item fan-out of the console goes through here.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use fuota_core::wire::fan_out::FanOut;
use leptos::task::spawn_local;

use super::clock;

/// How one item's request went.
pub enum Step {
    /// It ended (well or not); `throttled`: the service throttled it on the way.
    Done { throttled: bool },
    /// The fan-out is over (cancelled, or its view is gone): start nothing more.
    Stop,
}

/// While the limit is reached, a worker looks again this often.
const WAIT_MS: u64 = 50;

/// One item's request, not started yet: what `each` makes of the item, called when a worker
/// takes it.
type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = Step>>>>;
/// The requests still to start and the rule of how many may be in flight, shared by the workers.
/// Items are made into jobs first, so that the workers are compiled once for every kind of item
/// (a device id, a task, a wave's call), not once per kind.
type Shared = Rc<RefCell<(VecDeque<Job>, FanOut)>>;

fn shared<T: 'static>(items: VecDeque<T>, max: usize, each: impl Fn(T) -> Pin<Box<dyn Future<Output = Step>>> + 'static) -> Shared {
    let each = Rc::new(each);
    let jobs = items
        .into_iter()
        .map(|item| {
            let each = Rc::clone(&each);
            Box::new(move || each(item)) as Job
        })
        .collect();
    Rc::new(RefCell::new((jobs, FanOut::new(max))))
}

/// Runs `each` for every item, at most `max` at a time, in the background.
pub fn spawn<T: 'static>(items: VecDeque<T>, max: usize, each: impl Fn(T) -> Pin<Box<dyn Future<Output = Step>>> + 'static) {
    let state = shared(items, max, each);
    for _ in 0..max.max(1) {
        spawn_local(worker(Rc::clone(&state)));
    }
}

/// Runs `each` for every item, at most `max` at a time, and ends when the last one has ended
/// (or a `Stop` has ended the fan-out and the calls in flight with it have ended): for a caller
/// that goes on only after all of them, as a wave's next step does.
pub async fn run<T: 'static>(items: VecDeque<T>, max: usize, each: impl Fn(T) -> Pin<Box<dyn Future<Output = Step>>> + 'static) {
    let state = shared(items, max, each);
    futures::future::join_all((0..max.max(1)).map(|_| worker(Rc::clone(&state)))).await;
}

/// One worker: takes the next item while the rule allows one more in flight, until none is left.
async fn worker(state: Shared) {
    loop {
        let next = {
            let (jobs, fan_out) = &mut *state.borrow_mut();
            if jobs.is_empty() {
                return;
            }
            fan_out.may_start().then(|| {
                fan_out.started();
                jobs.pop_front()
            })
        };
        let Some(job) = next.flatten() else {
            clock::sleep_ms(WAIT_MS).await;
            continue;
        };
        let step = job().await;
        let (jobs, fan_out) = &mut *state.borrow_mut();
        match step {
            Step::Done { throttled } => fan_out.finished(throttled),
            Step::Stop => {
                jobs.clear();
                return;
            }
        }
    }
}
