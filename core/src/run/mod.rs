//! What the console writes to run a campaign: the new task's form and its requests, the devices or
//! groups it is given and their batch, its start time, which action each status allows, and the
//! review of every write before it is sent. Uses `wire`, `campaign`, `radio` and `input`.

pub mod actions;
pub mod flow;
pub mod form;
pub mod review;
pub mod schedule;
pub mod targets;
