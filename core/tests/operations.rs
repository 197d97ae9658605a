//! The operation table is the one list of what the console calls: the README's IAM actions (what a
//! role needs) and the relay's allow-list are checked against it here; the local endpoint's routes
//! are checked in its own tests.

use std::collections::BTreeSet;

use fuota_core::wire::operation::{Method, TABLE};

const README: &str = include_str!("../../README.md");
const RELAY: &str = include_str!("../../relay/nginx.conf.template");

/// Every `iotwireless:Action` the README names is an operation the console calls, and every one
/// it calls is named: a role made from the README is exactly enough.
#[test]
fn the_readme_lists_the_iam_actions_of_the_table() {
    let named: BTreeSet<&str> = README
        .match_indices("iotwireless:")
        .map(|(at, prefix)| {
            let rest = &README[at + prefix.len()..];
            &rest[..rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len())]
        })
        .collect();
    let table: BTreeSet<&str> = TABLE.iter().map(|s| s.operation.name()).collect();
    assert_eq!(named, table);
}

/// The relay forwards the table's methods, and each of the table's paths falls under one of its
/// forwarded prefixes; it forwards nothing under /wireless-devices/{Id} (GetWirelessDevice).
#[test]
fn the_relay_forwards_the_tables_methods_and_paths() {
    let methods: BTreeSet<&str> = TABLE.iter().map(|s| s.method.as_str()).collect();
    assert_eq!(methods, BTreeSet::from([Method::Get.as_str()]), "the table has writes: the relay must forward them");
    assert!(RELAY.contains("if ($request_method != GET)"), "the relay forwards GET only");
    assert!(RELAY.contains(r#"OPTIONS "GET, OPTIONS";"#), "its preflight allows the table's methods");
    let forwarded = [
        r"(/fuota-tasks(?:[/?].*)?)$",
        r"(/wireless-devices(?:\?.*)?)$",
        r"(/multicast-groups/[^/?]+(?:/session)?(?:\?.*)?)$",
    ];
    for pattern in forwarded {
        assert!(RELAY.contains(pattern), "the relay's allow-list changed: {pattern}");
    }
    for spec in TABLE {
        let path = spec.path.replace("{Id}", "x");
        let covered = path.starts_with("/fuota-tasks")
            || path == "/wireless-devices"
            || path == "/multicast-groups/x"
            || path == "/multicast-groups/x/session";
        assert!(covered, "{} is not forwarded by the relay", spec.path);
    }
}

/// The relay's README names exactly the operations it forwards (and GetWirelessDevice, which it
/// refuses on purpose).
#[test]
fn the_relay_readme_names_the_tables_operations() {
    const RELAY_README: &str = include_str!("../../relay/README.md");
    let verbs = ["Get", "List", "Create", "Update", "Delete", "Start", "Associate", "Disassociate"];
    let named: BTreeSet<&str> = RELAY_README
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| verbs.iter().any(|v| w.starts_with(v) && w.len() > v.len() && w[v.len()..].starts_with(|c: char| c.is_ascii_uppercase())))
        .filter(|w| *w != "GetWirelessDevice")
        .collect();
    let table: BTreeSet<&str> = TABLE.iter().map(|s| s.operation.name()).collect();
    assert_eq!(named, table);
}
