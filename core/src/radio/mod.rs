//! What the fragment plan means on the air: fragment arithmetic, the regional tables (data rates,
//! payload limits, duty cycle), time on air, the multicast session and the planner. Uses `campaign`
//! (a session's values), `input` (numbers as typed) and `wire` (errors).

pub mod fragments;
pub mod lorawan;
pub mod planner;
pub mod words;
