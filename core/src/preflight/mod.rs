//! Will the campaign reach its devices? The pre-flight check's rules: each device's link as
//! GetWirelessDeviceStatistics reports it (silent, covered by the multicast group's gateways), its
//! margin at each downlink data rate, the share reached with its 95 % interval, and the report to
//! share. Uses `wire`, `campaign`, `radio`, and `input` for the what-if controls (one number rule
//! for every control).

pub mod check;
pub mod links;
pub mod reach;
pub mod report;
