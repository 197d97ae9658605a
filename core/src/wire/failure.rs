//! Why a request that got no answer failed, as far as a page can tell: refused by the page's own
//! Content-Security-Policy, blocked by CORS (the host answers, but not to this page), refused by
//! Chromium's local network access (a public page calling a private or loopback address), or not
//! reachable at all. The browser reports all four as the same `TypeError`; the shell gathers what
//! tells them apart (a `securitypolicyviolation` event, a `no-cors` probe, the page's origin) and
//! this decides.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::wire::error::ConsoleError;

/// What the shell saw around a failed fetch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailedFetch {
    /// The URL that was fetched.
    pub url: String,
    /// The browser's own words.
    pub detail: String,
    /// The page's `connect-src` refused that URL (a `securitypolicyviolation` for it).
    pub refused_by_policy: bool,
    /// A `no-cors` request to the same URL got an (opaque) answer: the host is up and only CORS
    /// kept the answer from the page. None: not probed, or the probe cannot tell (a cross-origin
    /// isolated page's `no-cors` requests fail for any host without a CORP header).
    pub answers_without_cors: Option<bool>,
    /// The page's own origin (`location.origin`).
    pub page_origin: String,
}

/// The host of an `http(s)://host[:port]/…` URL, without brackets for IPv6.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Loopback or private: what Chromium's local network access keeps from public pages.
fn is_local(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip == Ipv4Addr::UNSPECIFIED,
        Ok(IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback() || ip == Ipv6Addr::UNSPECIFIED || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// The error for a fetch that got no answer.
pub fn classify(failed: FailedFetch) -> ConsoleError {
    let FailedFetch { url, detail, refused_by_policy, answers_without_cors, page_origin } = failed;
    if refused_by_policy {
        ConsoleError::BlockedByPolicy { url }
    } else if answers_without_cors == Some(true) {
        ConsoleError::BlockedByCors { url }
    } else if is_local(host(&url)) && !is_local(host(&page_origin)) {
        ConsoleError::LocalNetworkBlocked { url, page_origin }
    } else {
        ConsoleError::Network { url, detail, cors_ruled_out: answers_without_cors == Some(false) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(url: &str, policy: bool, probe: Option<bool>, origin: &str) -> String {
        classify(FailedFetch {
            url: url.into(),
            detail: "TypeError: Failed to fetch".into(),
            refused_by_policy: policy,
            answers_without_cors: probe,
            page_origin: origin.into(),
        })
        .code()
        .to_owned()
    }

    #[test]
    fn each_kind_of_failure_gets_its_own_code() {
        let aws = "https://api.iotwireless.us-east-1.amazonaws.com/fuota-tasks/t";
        assert_eq!(
            failed("https://abc.execute-api.us-east-1.amazonaws.com/x", true, Some(false), "https://console.example.com"),
            "BlockedByContentSecurityPolicy"
        );
        assert_eq!(failed(aws, false, Some(true), "https://console.example.com"), "CorsBlocked");
        assert_eq!(failed(aws, false, Some(false), "https://console.example.com"), "NetworkError");
        assert_eq!(failed(aws, false, None, "https://console.example.com"), "NetworkError");
        let unprobed = classify(FailedFetch { url: aws.into(), page_origin: "https://c.example".into(), ..Default::default() });
        assert!(unprobed.sentence().contains("CORS"), "an unprobed failure still names CORS as a cause");
        let probed =
            classify(FailedFetch { url: aws.into(), answers_without_cors: Some(false), page_origin: "https://c.example".into(), ..Default::default() });
        assert!(!probed.sentence().contains("CORS"));
        // A public page calling a loopback or private relay: Chromium's local network access.
        for local in [
            "http://127.0.0.1:8081/x",
            "http://localhost:8081/x",
            "http://10.1.2.3/x",
            "http://192.168.1.9/x",
            "http://[::1]:8081/x",
            "http://[fd00::1]/x",
            "http://relay.localhost/x",
        ] {
            assert_eq!(failed(local, false, Some(false), "https://portal.example.com"), "LocalNetworkBlocked", "{local}");
        }
        // A local page calling a local endpoint is not that: it is simply not reachable.
        assert_eq!(failed("http://127.0.0.1:9/x", false, Some(false), "http://127.0.0.1:8080"), "NetworkError");
        assert_eq!(failed("http://10.0.0.5/x", false, Some(false), "http://localhost:8080"), "NetworkError");
    }

    #[test]
    fn hosts_are_read_from_every_url_shape() {
        assert_eq!(host("https://user@host.example:443/p?q"), "host.example");
        assert_eq!(host("http://[::1]:8081/x"), "::1");
        assert_eq!(host("http://127.0.0.1"), "127.0.0.1");
        assert!(!is_local("8.8.8.8") && !is_local("example.com") && is_local("LOCALHOST."));
    }
}
