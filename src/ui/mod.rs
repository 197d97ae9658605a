//! UI components: they render state and dispatch intents; the rules live in `fuota_core`.

pub mod app;
pub mod calculator;
pub mod campaign;
pub mod console_view;
pub mod controls;
pub mod devices_view;
pub mod error_view;
pub mod fields;
pub mod groups_view;
pub mod intent;
pub mod part_view;
pub mod planner;
pub mod preflight;
pub mod preflight_panel;
pub mod query_form;
pub mod reader;
pub mod rollouts;
pub mod run;
pub mod session;
pub mod task_list;
pub mod task_view;
