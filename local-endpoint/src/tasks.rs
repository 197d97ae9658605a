//! The endpoint's sample FUOTA tasks, one in every status, and the ids that trigger each fault.

use serde_json::{json, Value};

use crate::account::{self, ACCOUNT};
use crate::campaign;

/// Ids that make the endpoint misbehave the way real networks and services do: task ids, but for
/// `fault-throttled-<any>`, a WirelessDeviceId.
pub const FAULT_IDS: &[(&str, &str)] = &[
    ("fault-throttle", "429 ThrottlingException"),
    ("fault-internal", "500 InternalServerException"),
    ("fault-denied", "403 AccessDeniedException"),
    ("fault-validation", "400 ValidationException"),
    ("fault-malformed", "200 with truncated JSON"),
    ("fault-wrong-types", "200 with members of the wrong JSON type"),
    ("fault-error-in-200", "200 whose body is an error"),
    ("fault-html", "502 HTML page from a proxy"),
    ("fault-empty", "503 with an empty body"),
    ("fault-huge", "200 with a 1 MiB body"),
    ("fault-huge-chunked", "200 with a 4 MiB body and no Content-Length (chunked)"),
    ("fault-slow", "answers after 30 s"),
    ("fault-echo", "400 whose message echoes the request's headers"),
    ("fault-echo-header", "400 whose x-amzn-RequestId echoes the session token, percent-encoded"),
    ("fault-redirect", "307 to another host (a client that follows it carries the session token there)"),
    ("fault-throttle-once-<any>", "429 the first time, then the task"),
    ("fault-unavailable-once-<any>", "503 HTML the first time, then the task"),
    ("fault-devices-throttle-once", "its device list's second page throttles once"),
    ("fault-devices-malformed", "its device list's second page is truncated JSON"),
    ("fault-devices-wrong-types", "its device list has a member of the wrong JSON type"),
    ("fault-devices-loop", "its device list's second page names the first page's token again"),
    ("fault-devices-denied", "its device list's second page is refused (AccessDeniedException)"),
    ("fault-devices-endless", "its device list never ends: every page names a new one"),
    (
        "fault-throttled-<any>",
        "a WirelessDeviceId: its first 3 AssociateWirelessDeviceWithFuotaTask calls answer 429 ThrottlingException, then it is associated",
    ),
];

/// The tasks with device-list faults: GetFuotaTask answers them, ListFuotaTasks does not list them.
pub const DEVICE_FAULT_TASKS: &[&str] = &[
    "fault-devices-throttle-once",
    "fault-devices-malformed",
    "fault-devices-wrong-types",
    "fault-devices-loop",
    "fault-devices-denied",
    "fault-devices-endless",
];

/// Every task GetFuotaTask answers from the samples: the seven of every status, the campaign's
/// (`demo-live` as it stands `elapsed` seconds after start, `demo-10k`, `demo-busy`), and the
/// device-fault tasks.
pub fn campaign_tasks(region: &str, elapsed: f64) -> Vec<Value> {
    let mut all = sample_tasks(region);
    let mut live = all.iter().find(|t| t["Id"] == "demo-in-session").cloned().unwrap_or_default();
    let clone_as = |template: &Value, id: &str, name: &str, status: &str| {
        let mut t = template.clone();
        t["Id"] = json!(id);
        t["Arn"] = json!(arn(id, region));
        t["Name"] = json!(name);
        t["Status"] = json!(status);
        t["Description"] = json!(format!("Sample task in status {status}"));
        t
    };
    let status = campaign::live_status(elapsed);
    live = clone_as(&live, "demo-live", "live-fw-2.5.0", status);
    live["Description"] = json!("Runs through a whole session in about three minutes after the endpoint starts");
    all.push(live);
    let pending = all.iter().find(|t| t["Id"] == "demo-pending").cloned().unwrap_or_default();
    all.push(clone_as(&pending, "demo-10k", "fleet-fw-4.0.0", "In_FuotaSession"));
    all.push(clone_as(&pending, "demo-busy", "busy-fw-1.0.1", "FuotaSession_Waiting"));
    for id in DEVICE_FAULT_TASKS {
        all.push(clone_as(&pending, id, id, "In_FuotaSession"));
    }
    all
}

/// Whether ListFuotaTasks lists the task (the fault tasks stay out of the campaign's list).
pub fn is_listed(task: &Value) -> bool {
    task["Id"].as_str().is_some_and(|id| !id.starts_with("fault-"))
}

fn arn(id: &str, region: &str) -> String {
    account::arn(region, "FuotaTask", id)
}

/// The sample tasks as the service would return them.
pub fn sample_tasks(region: &str) -> Vec<Value> {
    let role = format!("arn:aws:iam::{ACCOUNT}:role/IoTWirelessFuotaRole");
    let task = |id: &str, status: &str, name: &str, band: &str, start: &str, created: f64, red: u32, frag: u32, interval: u32, desc: &str| {
        json!({
            "Arn": arn(id, region),
            "Id": id,
            "Status": status,
            "Name": name,
            "Description": format!("Sample task in status {status}"),
            "LoRaWAN": {"RfRegion": band, "StartTime": start},
            "FirmwareUpdateImage": format!("s3://fuota-demo-firmware/{name}.bin"),
            "FirmwareUpdateRole": role,
            "CreatedAt": created,
            "RedundancyPercent": red,
            "FragmentSizeBytes": frag,
            "FragmentIntervalMS": interval,
            "Descriptor": desc,
        })
    };
    vec![
        task("demo-pending", "Pending", "meter-fw-3.0.0", "US915", "2026-12-01T09:00:00Z", 1.764115200123E9, 10, 200, 2000, "djMuMC4w"),
        task("demo-waiting", "FuotaSession_Waiting", "tracker-fw-1.4.2", "AU915", "2026-11-27T02:30:00Z", 1.764000000E9, 20, 100, 1500, "dHJhY2tlci0xLjQuMg=="),
        task(
            "demo-in-session",
            "In_FuotaSession",
            "sensor-fw-2.4.1",
            "EU868",
            "2026-11-26T08:00:00.250Z",
            1.7639712005E9,
            25,
            50,
            1000,
            "djIuNC4xK2J1aWxkLjc3",
        ),
        task("demo-done", "FuotaDone", "gateway-fw-5.1.0", "AS923-1", "2026-10-02T12:00:00Z", 1.759000000E9, 50, 10, 3000, "AAEC/w=="),
        task("demo-delete-waiting", "Delete_Waiting", "legacy-fw-0.9", "CN470", "2026-06-15T00:00:00Z", 1.75E9, 0, 242, 5000, "bGVnYWN5"),
        task("demo-unknown-status", "Paused_ForMaintenance", "future-fw-9.9", "IN865", "2027-01-01T00:00:00Z", 1.77E9, 30, 64, 1000, "ZnV0dXJl"),
        json!({"Arn": arn("demo-minimal", region), "Id": "demo-minimal", "Status": "Pending", "Name": "minimal"}),
    ]
}
