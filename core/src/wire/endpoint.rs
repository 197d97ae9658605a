//! Endpoint resolution for IoT Wireless, following botocore's endpoint rule set for the service
//! (`iotwireless/2020-11-22/endpoint-rule-set-1.json`) and its `partitions.json` (botocore 1.43.11).

use crate::sort::sort;
use crate::wire::error::{ConsoleError, Field};

/// What the user chose: a region, FIPS / dual-stack, or a custom endpoint URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointConfig {
    pub region: String,
    pub use_fips: bool,
    pub use_dual_stack: bool,
    /// A custom endpoint (`SDK::Endpoint`): the local endpoint, or a private one.
    pub custom: Option<String>,
}

/// A partition as botocore's `partitions.json` describes it.
struct Partition {
    id: &'static str,
    /// The part of `regionRegex` before `-\w+-\d+$`.
    region_prefixes: &'static [&'static str],
    /// Regions listed by name that the pattern does not cover.
    named_regions: &'static [&'static str],
    /// Every region partitions.json lists: the hosts the page's Content-Security-Policy allows.
    regions: &'static [&'static str],
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
}

/// botocore 1.43.11 `partitions.json`; every partition supports FIPS and dual-stack.
const PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        region_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        named_regions: &["aws-global"],
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
    },
    Partition {
        id: "aws-cn",
        region_prefixes: &["cn"],
        named_regions: &["aws-cn-global"],
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
    },
    Partition {
        id: "aws-eusc",
        region_prefixes: &["eusc-de"],
        named_regions: &[],
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
    },
    Partition {
        id: "aws-iso",
        region_prefixes: &["us-iso"],
        named_regions: &["aws-iso-global"],
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
    },
    Partition {
        id: "aws-iso-b",
        region_prefixes: &["us-isob"],
        named_regions: &["aws-iso-b-global"],
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
    },
    Partition {
        id: "aws-iso-e",
        region_prefixes: &["eu-isoe"],
        named_regions: &["aws-iso-e-global"],
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
    },
    Partition {
        id: "aws-iso-f",
        region_prefixes: &["us-isof"],
        named_regions: &["aws-iso-f-global"],
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
    },
    Partition {
        id: "aws-us-gov",
        region_prefixes: &["us-gov"],
        named_regions: &["aws-us-gov-global"],
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
    },
];

/// Every host the resolver gives for a region partitions.json lists, with and without FIPS and
/// dual-stack: what the page's `connect-src` allows, and nothing else under those domains (an API
/// Gateway or S3 host under `amazonaws.com` is anyone's).
pub fn known_hosts() -> Vec<String> {
    let mut hosts: Vec<String> = PARTITIONS
        .iter()
        .flat_map(|p| p.regions.iter())
        .flat_map(|region| [(false, false), (true, false), (false, true), (true, true)].map(|(fips, dual)| (*region, fips, dual)))
        .filter_map(|(region, use_fips, use_dual_stack)| resolve(&EndpointConfig { region: region.to_owned(), use_fips, use_dual_stack, custom: None }).ok())
        .map(|url| url.trim_start_matches("https://").to_owned())
        .collect();
    sort(&mut hosts);
    hosts.dedup();
    hosts
}

/// The page's `connect-src`: itself, every known IoT Wireless host, and loopback for the local
/// endpoint of the demo. A deployment with a relay or a private endpoint adds its origin.
pub fn connect_src() -> String {
    let hosts: Vec<String> = known_hosts().into_iter().map(|h| format!("https://{h}")).collect();
    format!("connect-src 'self' {} http://127.0.0.1:* http://localhost:*", hosts.join(" "))
}

/// The regions that offer IoT Wireless (botocore's endpoints.json), for the region select.
pub const SERVICE_REGIONS: [&str; 5] = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"];

/// `\w+-\d+` after a matched prefix and its hyphen.
fn matches_word_dash_digits(rest: &str) -> bool {
    let Some((word, digits)) = rest.split_once('-') else { return false };
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn partition_of(region: &str) -> &'static Partition {
    // botocore's aws.partition: a region listed by name first, then the patterns, else `aws`.
    PARTITIONS
        .iter()
        .find(|p| p.named_regions.contains(&region))
        .or_else(|| {
            PARTITIONS.iter().find(|p| {
                p.region_prefixes.iter().any(|prefix| region.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')).is_some_and(matches_word_dash_digits))
            })
        })
        .unwrap_or(&PARTITIONS[0])
}

/// The partition id (`aws`, `aws-cn`, …) a region belongs to.
pub fn partition_id(region: &str) -> &'static str {
    partition_of(region).id
}

/// Is `region` one botocore's partitions list? Only such a region's endpoint is taken as its own
/// (and is in the page's `connect-src`): any other name, `s3` say, still resolves by the
/// partition's pattern, to `api.iotwireless.s3.amazonaws.com`, a host that is not IoT Wireless's
/// and that someone else may own (an S3 bucket named `api.iotwireless`).
pub fn is_listed_region(region: &str) -> bool {
    let region = region.trim();
    PARTITIONS.iter().any(|p| p.regions.contains(&region))
}

/// The host of an authority (`host[:port]`, `[v6][:port]`), without the port.
fn hostname(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.rsplit_once(':').map_or(authority, |(host, _)| host)
}

/// An IPv4 address as a browser's URL parser reads a host (WHATWG URL, "IPv4 parser"): one to
/// four dot-separated numbers, each decimal, `0x` hex or `0`-led octal, the last filling the
/// bytes left; so `127.1`, `0x7f000001` and `2130706433` are all 127.0.0.1. None for a name.
fn whatwg_ipv4(host: &str) -> Option<u32> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let number = |part: &str| -> Option<u64> {
        let (digits, radix) = match part.get(..2) {
            Some("0x" | "0X") => (&part[2..], 16),
            _ if part.len() > 1 && part.starts_with('0') => (&part[1..], 8),
            _ => (part, 10),
        };
        if digits.is_empty() {
            return (radix != 10).then_some(0);
        }
        if !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        // More digits than any address has: out of range (and no overflow).
        u64::from_str_radix(digits, radix).ok().filter(|n| *n <= u64::from(u32::MAX))
    };
    let numbers: Vec<u64> = parts.iter().map(|p| number(p)).collect::<Option<_>>()?;
    let (last, first) = numbers.split_last()?;
    if first.iter().any(|n| *n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let high = first.iter().enumerate().fold(0u64, |acc, (i, n)| acc | n << (8 * (3 - i)));
    u32::try_from(high | last).ok()
}

/// Is the authority's host this computer, as a browser would reach it: `localhost` and any
/// `*.localhost`, 127.0.0.0/8 (however the URL spells the address), `::1`, an IPv4-mapped
/// loopback, and the unspecified `0.0.0.0` / `::`, which reach this computer too.
pub fn is_loopback(authority: &str) -> bool {
    let host = hostname(authority.trim()).trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.is_loopback() || a.is_unspecified() || a.to_ipv4_mapped().is_some_and(|v4| matches!(v4.octets()[0], 0 | 127)));
    }
    whatwg_ipv4(&host).is_some_and(|a| matches!(a >> 24, 0 | 127))
}

/// A region goes into a host name: letters, digits and hyphens only.
pub fn validate_region(region: &str) -> Result<&str, ConsoleError> {
    let region = region.trim();
    if region.is_empty() {
        return Err(ConsoleError::invalid(Field::Region, "Choose a region, or type one under \"other\"."));
    }
    let label_ok = region.len() <= 63
        && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !label_ok {
        return Err(ConsoleError::invalid(Field::Region, "A region is lowercase letters, digits and hyphens, like eu-west-1."));
    }
    Ok(region)
}

/// A custom endpoint: `http(s)://host[:port][/base-path]`, nothing else.
pub fn validate_custom_endpoint(url: &str) -> Result<String, ConsoleError> {
    let bad = |why: &str| Err(ConsoleError::invalid(Field::Endpoint, why));
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad("An endpoint URL starts with https:// (or http:// for a local endpoint).");
    };
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return bad("An endpoint URL starts with https:// (or http:// for a local endpoint).");
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority_ok = !authority.is_empty() && authority.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    if !authority_ok {
        return bad("The endpoint's host is not valid: use a host name or address and an optional :port, no user name.");
    }
    if path.contains(['?', '#']) || path.contains(char::is_whitespace) {
        return bad("An endpoint URL has no query, fragment or spaces.");
    }
    Ok(format!("{}://{}{}", scheme.to_ascii_lowercase(), authority, path.trim_end_matches('/')))
}

/// Resolves the endpoint URL (no trailing slash) exactly as the service's rule set does.
pub fn resolve(config: &EndpointConfig) -> Result<String, ConsoleError> {
    if let Some(custom) = config.custom.as_deref().filter(|c| !c.trim().is_empty()) {
        if config.use_fips {
            return Err(ConsoleError::invalid(Field::Endpoint, "Invalid Configuration: FIPS and custom endpoint are not supported"));
        }
        if config.use_dual_stack {
            return Err(ConsoleError::invalid(Field::Endpoint, "Invalid Configuration: Dualstack and custom endpoint are not supported"));
        }
        return validate_custom_endpoint(custom);
    }
    let region = validate_region(&config.region)?;
    let p = partition_of(region);
    let url = match (config.use_fips, config.use_dual_stack) {
        (true, true) => format!("https://api.iotwireless-fips.{region}.{}", p.dual_stack_dns_suffix),
        (true, false) => format!("https://api.iotwireless-fips.{region}.{}", p.dns_suffix),
        (false, true) => format!("https://api.iotwireless.{region}.{}", p.dual_stack_dns_suffix),
        (false, false) => format!("https://api.iotwireless.{region}.{}", p.dns_suffix),
    };
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(region: &str, fips: bool, dual: bool, custom: Option<&str>) -> EndpointConfig {
        EndpointConfig { region: region.into(), use_fips: fips, use_dual_stack: dual, custom: custom.map(Into::into) }
    }

    #[test]
    fn aws_partition_default() {
        assert_eq!(resolve(&cfg("eu-west-1", false, false, None)).unwrap(), "https://api.iotwireless.eu-west-1.amazonaws.com");
    }

    #[test]
    fn partitions_by_pattern() {
        assert_eq!(partition_id("cn-north-1"), "aws-cn");
        assert_eq!(partition_id("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_id("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition_id("eusc-de-east-1"), "aws-eusc");
        assert_eq!(partition_id("mars-east-1"), "aws");
        assert_eq!(partition_id("aws-us-gov-global"), "aws-us-gov");
    }

    #[test]
    fn custom_endpoint_wins_and_rejects_fips_and_dual_stack() {
        assert_eq!(resolve(&cfg("", false, false, Some("http://127.0.0.1:8081/"))).unwrap(), "http://127.0.0.1:8081");
        assert!(resolve(&cfg("us-east-1", true, false, Some("http://x"))).is_err());
        assert!(resolve(&cfg("us-east-1", false, true, Some("http://x"))).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any region, custom endpoint and flags resolve or give a typed error; a resolved URL
        /// always names the region it was asked for, or is the custom endpoint.
        #[test]
        fn any_input_resolves_or_errs_without_panic(
            region in proptest::prop_oneof![".{0,70}", "[a-z]{2,6}(-[a-z]{2,8}){1,2}-[0-9]{1,2}"],
            custom in proptest::option::of(proptest::prop_oneof![".{0,60}", "(https?|ftp)://[a-z0-9.:@_-]{0,20}(/[a-z?#%]{0,8}){0,2}"]),
            fips in proptest::prelude::any::<bool>(),
            dual in proptest::prelude::any::<bool>(),
        ) {
            let config = EndpointConfig { region: region.clone(), use_fips: fips, use_dual_stack: dual, custom: custom.clone() };
            if let Ok(url) = resolve(&config) {
                let custom_set = custom.as_deref().is_some_and(|c| !c.trim().is_empty());
                proptest::prop_assert!(url.starts_with("https://") || url.starts_with("http://"));
                if !custom_set {
                    let named = format!(".{}.", region.trim());
                    proptest::prop_assert!(url.contains(&named), "{} does not name {}", url, named);
                    proptest::prop_assert!(!url[8..].contains(['/', '?', '#', '@']));
                }
            }
            let _ = partition_id(&region);
        }
    }

    #[test]
    fn only_regions_the_partitions_list_are_listed() {
        for region in ["eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1", " eu-west-1 "] {
            assert!(is_listed_region(region), "{region}");
        }
        for region in ["s3", "mars-east-1", "execute-api", "eu-west-1.s3", ""] {
            assert!(!is_listed_region(region), "{region}");
        }
    }

    #[test]
    fn loopback_is_told_however_a_url_spells_it() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8081",
            "127.1",
            "127.255.255.254",
            "0x7f.1",
            "0x7f000001",
            "2130706433",
            "0177.0.0.1",
            "localhost",
            "LOCALHOST:80",
            "localhost.",
            "api.localhost",
            "[::1]",
            "[::1]:8081",
            "[0:0:0:0:0:0:0:1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "0.0.0.0",
            "0",
            "[::]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "api.iotwireless.eu-west-1.amazonaws.com",
            "10.0.0.1",
            "192.168.1.1",
            "128.0.0.1",
            "1.127.0.0",
            "localhost.example.com",
            "mylocalhost",
            "[2001:db8::1]",
            "[::ffff:10.0.0.1]",
            "127.0.0.1.example.com",
            "0x7g.1",
            "256.0.0.1",
            "1.2.3.4.5",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    proptest::proptest! {
        /// The WHATWG reading of a dotted quad is the standard library's.
        #[test]
        fn a_dotted_quad_reads_as_the_standard_parser_reads_it(a in proptest::prelude::any::<u32>()) {
            let ip = std::net::Ipv4Addr::from(a);
            proptest::prop_assert_eq!(whatwg_ipv4(&ip.to_string()), Some(a));
            proptest::prop_assert_eq!(whatwg_ipv4(&a.to_string()), Some(a));
            proptest::prop_assert_eq!(whatwg_ipv4(&format!("{a:#x}")), Some(a));
            proptest::prop_assert_eq!(is_loopback(&ip.to_string()), ip.is_loopback() || ip.octets()[0] == 0);
        }
    }

    #[test]
    fn hostile_regions_and_endpoints_are_refused() {
        assert!(resolve(&cfg("evil.com/", false, false, None)).is_err());
        assert!(resolve(&cfg("", false, false, None)).is_err());
        assert!(validate_custom_endpoint("ftp://x").is_err());
        assert!(validate_custom_endpoint("https://user:pw@host").is_err());
        assert!(validate_custom_endpoint("https://host/?q").is_err());
        assert!(validate_custom_endpoint("https://").is_err());
    }
}
