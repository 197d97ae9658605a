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

/// The items still to start and the rule of how many may be in flight, shared by the workers.
type Shared<T> = Rc<RefCell<(VecDeque<T>, FanOut)>>;
/// What each item is given to: its request, as a future that says how it went.
type Each<T> = Rc<dyn Fn(T) -> Pin<Box<dyn Future<Output = Step>>>>;

/// Runs `each` for every item, at most `max` at a time, in the background.
pub fn spawn<T: 'static>(items: VecDeque<T>, max: usize, each: impl Fn(T) -> Pin<Box<dyn Future<Output = Step>>> + 'static) {
    let state: Shared<T> = Rc::new(RefCell::new((items, FanOut::new(max))));
    let each: Each<T> = Rc::new(each);
    for _ in 0..max.max(1) {
        spawn_local(worker(Rc::clone(&state), Rc::clone(&each)));
    }
}

/// Runs `each` for every item, at most `max` at a time, and ends when the last one has ended
/// (or a `Stop` has ended the fan-out and the calls in flight with it have ended): for a caller
/// that goes on only after all of them, as a wave's next step does.
pub async fn run<T: 'static>(items: VecDeque<T>, max: usize, each: impl Fn(T) -> Pin<Box<dyn Future<Output = Step>>> + 'static) {
    let state: Shared<T> = Rc::new(RefCell::new((items, FanOut::new(max))));
    let each: Each<T> = Rc::new(each);
    futures::future::join_all((0..max.max(1)).map(|_| worker(Rc::clone(&state), Rc::clone(&each)))).await;
}

/// One worker: takes the next item while the rule allows one more in flight, until none is left.
async fn worker<T>(state: Shared<T>, each: Each<T>) {
    loop {
        let next = {
            let (items, fan_out) = &mut *state.borrow_mut();
            if items.is_empty() {
                return;
            }
            fan_out.may_start().then(|| {
                fan_out.started();
                items.pop_front()
            })
        };
        let Some(item) = next.flatten() else {
            clock::sleep_ms(WAIT_MS).await;
            continue;
        };
        let step = each(item).await;
        let (items, fan_out) = &mut *state.borrow_mut();
        match step {
            Step::Done { throttled } => fan_out.finished(throttled),
            Step::Stop => {
                items.clear();
                return;
            }
        }
    }
}
