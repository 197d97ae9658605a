//! What the console reads of a campaign: the FUOTA task, its devices and their verdict, the task
//! list, multicast groups and sessions, and when a running task is read again. Uses `wire`.

pub mod descriptor;
pub mod devices;
pub mod eui;
pub mod lists;
pub mod live;
pub mod task;
