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

/// The relay forwards each operation of the table with its method and path (one line of its
/// `$relay_operation` map per operation, made here from the table and compared), and nothing
/// else; its preflight allows the table's methods.
#[test]
fn the_relay_forwards_the_tables_methods_and_paths() {
    let lines: Vec<&str> = RELAY.lines().map(str::trim).filter(|l| l.starts_with("\"~^")).collect();
    for spec in TABLE {
        let mut pattern: String = spec.path.split('/').map(|part| if part.starts_with('{') { "[^/?]+" } else { part }).collect::<Vec<_>>().join("/");
        if !spec.query.is_empty() {
            pattern.push_str(r"(\?.*)?");
        }
        let line = format!("\"~^{} {pattern}$\" {};", spec.method.as_str(), spec.operation.name());
        assert!(lines.contains(&line.as_str()), "the relay does not forward {}: expected the line {line}", spec.operation.name());
    }
    let operations = lines.iter().filter(|l| l.ends_with(';') && !l.contains(" $1;")).count();
    assert_eq!(operations, TABLE.len(), "the relay forwards operations the table does not have");
    let methods: BTreeSet<&str> = TABLE.iter().map(|s| s.method.as_str()).collect();
    let preflight = RELAY.lines().find(|l| l.trim().starts_with("OPTIONS \"GET")).expect("the preflight's methods");
    for method in methods {
        assert!(preflight.contains(method), "the relay's preflight does not allow {method}");
    }
    assert!(RELAY.contains("proxy_next_upstream off;"), "a write may be retried upstream");
}

/// The relay's read location (`location ~ ^${RELAY_PATH}/(fuota-tasks|…)(/|$)`, where a
/// normalised path must fall as well) lists exactly the first path segments of the table's reads:
/// a new read under another segment would be refused by the relay, a segment no read has is a
/// door left open.
#[test]
fn the_relays_read_location_lists_the_tables_first_path_segments() {
    let prefix = "location ~ ^${RELAY_PATH}/(";
    let line = RELAY.lines().map(str::trim).find(|l| l.starts_with(prefix)).expect("the relay's read location");
    let listed: BTreeSet<&str> = line[prefix.len()..].split(')').next().unwrap_or_default().split('|').collect();
    let first_segment = |path: &'static str| path.trim_start_matches('/').split('/').next().unwrap_or_default();
    let reads: BTreeSet<&str> = TABLE.iter().filter(|s| s.method == Method::Get).map(|s| first_segment(s.path)).collect();
    assert_eq!(listed, reads, "the relay's read location and the table's read paths");
    // Writes go to the internal write location once the map above has named their operation.
    assert!(RELAY.contains("location = /relay-write {"), "the relay's write location");
}

/// The relay's README names exactly the operations it forwards (and GetWirelessDevice, which it
/// refuses on purpose).
#[test]
fn the_relay_readme_names_the_tables_operations() {
    const RELAY_README: &str = include_str!("../../relay/README.md");
    let verbs = ["Get", "List", "Create", "Update", "Delete", "Start", "Associate", "Disassociate", "Tag", "Untag"];
    let named: BTreeSet<&str> = RELAY_README
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| verbs.iter().any(|v| w.starts_with(v) && w.len() > v.len() && w[v.len()..].starts_with(|c: char| c.is_ascii_uppercase())))
        .filter(|w| *w != "GetWirelessDevice")
        .collect();
    let table: BTreeSet<&str> = TABLE.iter().map(|s| s.operation.name()).collect();
    assert_eq!(named, table);
}
