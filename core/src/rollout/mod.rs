//! What a staged rollout is: a fleet updated in waves of FUOTA tasks — a small canary, then larger
//! waves, each offered only when the one before it succeeded well enough, and follow-ups of the
//! devices that failed — kept in the account as tags on the tasks and groups it makes, so that
//! anyone with credentials rebuilds the same rollouts. Uses `wire`, `campaign`, `input` and `run`
//! (a wave's task is the run's task form, sent as a create is).

pub mod controls;
pub mod gate;
pub mod plan;
pub mod retry;
pub mod state;
pub mod tag_text;
pub mod tags;
pub mod wave_writes;
pub mod waves;
