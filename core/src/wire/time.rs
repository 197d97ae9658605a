//! Points in time as the API writes them (ISO-8601 strings, epoch seconds) and the console shows
//! them (RFC 3339 in UTC): one type for every timestamp of the console.

use aws_smithy_types::date_time::{DateTime, Format};

/// A point in time, to the millisecond, between the years 1 and 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    epoch_millis: i64,
}

const MIN_MILLIS: i64 = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MILLIS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

impl Timestamp {
    pub fn from_epoch_millis(epoch_millis: i64) -> Option<Self> {
        (MIN_MILLIS..=MAX_MILLIS).contains(&epoch_millis).then_some(Self { epoch_millis })
    }

    /// rest-json's body timestamp: epoch seconds, possibly fractional (`1.700000000123E9`).
    pub fn from_epoch_seconds(seconds: f64) -> Option<Self> {
        let millis = (seconds * 1000.0).round();
        if !millis.is_finite() || millis < MIN_MILLIS as f64 || millis > MAX_MILLIS as f64 {
            return None;
        }
        Self::from_epoch_millis(millis as i64)
    }

    /// ISO-8601 / RFC 3339, as `timestampFormat: iso8601` members carry it: the console's one
    /// timestamp parser (task, multicast session, device uplink, pasted and widget expirations).
    /// `Z` or an offset such as `+00:00` (the AWS CLI writes those), and a space for the `T`, which
    /// RFC 3339 (section 5.6) allows and Python's `str(datetime)` and the devices' uplink time use.
    pub fn parse_iso8601(s: &str) -> Option<Self> {
        let s = s.trim();
        let with_t;
        let s = match s.as_bytes().get(10) {
            Some(b' ') if s.is_char_boundary(10) && s.is_char_boundary(11) => {
                with_t = format!("{}T{}", &s[..10], &s[11..]);
                with_t.as_str()
            }
            _ => s,
        };
        let dt = DateTime::from_str(s, Format::DateTimeWithOffset).ok()?;
        let millis = dt.secs().checked_mul(1000)?.checked_add(i64::from(dt.subsec_nanos() / 1_000_000))?;
        Self::from_epoch_millis(millis)
    }

    pub fn epoch_millis(self) -> i64 {
        self.epoch_millis
    }

    /// RFC 3339 in UTC; milliseconds, when there are any, in three digits as `Date.toISOString()` writes them.
    pub fn rfc3339(self) -> String {
        let secs = self.epoch_millis.div_euclid(1000);
        let millis = self.epoch_millis.rem_euclid(1000);
        let whole = DateTime::from_secs(secs).fmt(Format::DateTime).unwrap_or_else(|_| format!("{} ms since 1970", self.epoch_millis));
        match (millis, whole.strip_suffix('Z')) {
            (0, _) | (_, None) => whole,
            (ms, Some(base)) => format!("{base}.{ms:03}Z"),
        }
    }
}
