//! The page's Content-Security-Policy allows exactly the IoT Wireless hosts the endpoint resolver
//! produces (every listed region of every partition; regular, FIPS, dual-stack), plus loopback for
//! the demo: no `*.amazonaws.com` wildcard, under which anyone can own a host.

use std::collections::BTreeSet;

use fuota_core::wire::endpoint::{connect_src, known_hosts};
use serde_json::Value;

const INDEX_HTML: &str = include_str!("../../index.html");
const VECTORS: &str = include_str!("../../tests/vectors/endpoints.json");

/// The `connect-src` directive of index.html's meta policy.
fn shipped_connect_src() -> String {
    let policy = INDEX_HTML.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).expect("a CSP meta element");
    let policy = &policy[..policy.find('"').expect("the end of the policy")];
    policy.split(';').map(str::trim).find(|d| d.starts_with("connect-src ")).expect("a connect-src directive").to_owned()
}

#[test]
fn the_shipped_policy_is_the_generated_one() {
    assert_eq!(
        shipped_connect_src(),
        connect_src(),
        "index.html's connect-src differs from the resolver's hosts: run `cargo run -p fuota-core --example csp` and paste it in"
    );
}

#[test]
fn every_host_botocore_resolves_for_a_listed_region_is_allowed_and_nothing_else() {
    let allowed: BTreeSet<String> = known_hosts().into_iter().collect();
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let mut seen = 0;
    for case in vectors["cases"].as_array().unwrap() {
        let (Some("listed"), Some(url)) = (case["group"].as_str(), case["url"].as_str()) else { continue };
        let host = url.trim_start_matches("https://").trim_end_matches('/');
        assert!(allowed.contains(host), "botocore resolves {url} for {}, which the policy refuses", case["region"]);
        seen += 1;
    }
    assert!(seen >= 4 * 50, "the vectors lost their listed regions ({seen})");
    // Dual-stack hosts of the iso and eusc partitions are there too.
    for host in ["api.iotwireless.us-iso-east-1.api.aws.ic.gov", "api.iotwireless.eusc-de-east-1.api.amazonwebservices.eu"] {
        assert!(allowed.contains(host), "{host}");
    }
    let policy = connect_src();
    assert!(!policy.contains('*') || policy.matches('*').count() == 2, "wildcards only for loopback ports: {policy}");
    for foreign in ["abc123.execute-api.us-east-1.amazonaws.com", "bucket.s3.amazonaws.com", "elb.us-east-1.elb.amazonaws.com"] {
        assert!(!policy.contains(&format!("https://{foreign}")) && !allowed.contains(foreign), "{foreign}");
    }
}
