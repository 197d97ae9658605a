//! The rollout as tags: what each wave's task (and its multicast group) carries, so that anyone with
//! credentials for the account rebuilds the same rollouts from `ListFuotaTasks` and
//! `ListTagsForResource` alone — there is no other storage.
//!
//! # The tag schema (version 1)
//!
//! Every key starts with `fuota-rollout:`. A resource carries these tags, and no other key with
//! that prefix (compared without case): any other such key is damage.
//!
//! | key | on | value |
//! |---|---|---|
//! | `fuota-rollout:v` | every wave | `1`, the schema's version |
//! | `fuota-rollout:id` | every wave | the rollout's id: 1–40 of `a-z 0-9 -` |
//! | `fuota-rollout:wave` | every wave | `1`, `2`, … a planned wave (up to 20); `f1`, `f2`, … a follow-up |
//! | `fuota-rollout:after` | follow-ups | the planned wave it followed: `2` |
//! | `fuota-rollout:name` | wave 1 | the rollout's name: 1–64 tag characters |
//! | `fuota-rollout:waves` | wave 1 | the sizes, `/` between waves: a share in percent with `p` (`1p`, `0.5p`), a count (`50`), `rest` last: `1p/10p/rest` |
//! | `fuota-rollout:seed` | wave 1 | the seed, decimal u64 |
//! | `fuota-rollout:success` | wave 1 | the success threshold, whole percent 1–100 |
//! | `fuota-rollout:errors` | wave 1 | the error threshold, whole percent 1–100 (success + errors > 100) |
//! | `fuota-rollout:fleet` | wave 1 | `group:<multicast group id>`, `profile:<device profile id>` or `list` |
//! | `fuota-rollout:devices` | wave 1 | devices in the fleet when planned (a pasted list's count) |
//! | `fuota-rollout:kept-out` | wave 1 | of those, unreachable and in no wave |
//! | `fuota-rollout:delivery` | wave 1 | `group-per-wave` or `devices` |
//! | `fuota-rollout:class` | wave 1, with `group-per-wave` | `ClassB` or `ClassC` |
//! | `fuota-rollout:reason:1` … `:4` | a planned wave let through by an override | the typed reason, encoded (below), cut into values of 256 characters |
//! | `fuota-rollout:check` | every wave | 16 lowercase hex digits: FNV-1a 64 of the other `fuota-rollout:` tags |
//!
//! - Numbers are decimal without leading zeros; each value has one spelling, and a value written
//!   any other way is damage.
//! - Values keep to the characters AWS tagging takes everywhere (letters, digits, space,
//!   `_ . : / = + - @`): no JSON, no `%` (a share of 1 % is `1p`).
//! - The reason is free text, so it is encoded reversibly: a space is `_`; letters, digits and
//!   `. : / + - @` stay; any other character is `=XX` per UTF-8 byte (quoted-printable's escape):
//!   "ok, ship it" is `ok=2C_ship_it`. At most 1,016 encoded characters, in at most 4 values (a
//!   value never ends inside an `=XX`); a longer reason is refused with a sentence.
//! - The check is FNV-1a 64 over the other `fuota-rollout:` tags sorted by key, each written as the
//!   key, a tab, the value and a newline. A value changed by hand, a key dropped or a key added fails
//!   it: the record is then reported damaged, never read as another plan.
//! - A wave's multicast group carries the same tags as its task; the rollout is rebuilt from the
//!   tasks alone.
//! - At most 14 tags per resource (wave 1 with a group per wave; a later wave at most 8), well
//!   below AWS's 50, leaving room for the user's own tags.

use std::collections::BTreeMap;

use super::controls::RolloutField;
use super::gate::Gate;
use super::plan::{Delivery, DlClass, Fleet, FleetSource, Plan, ResourceId, RolloutName};
use super::tag_text::{self, decode_text, encode_text, fnv1a64, read_number, split_values, MAX_VALUE_CHARS};
use super::waves::{WaveSizes, MAX_WAVES};
use crate::sort::sort;
use crate::wire::error::ConsoleError;

/// Every rollout key starts with this.
pub const PREFIX: &str = "fuota-rollout:";
/// The schema's version, written on every wave.
pub const VERSION: &str = "1";
/// At most this many follow-up waves.
pub const MAX_FOLLOW_UPS: u32 = 999;
/// A reason is kept in at most this many values.
pub const MAX_REASON_PARTS: usize = 4;

const K_VERSION: &str = "v";
const K_ID: &str = "id";
const K_WAVE: &str = "wave";
const K_AFTER: &str = "after";
const K_NAME: &str = "name";
const K_WAVES: &str = "waves";
const K_SEED: &str = "seed";
const K_SUCCESS: &str = "success";
const K_ERRORS: &str = "errors";
const K_FLEET: &str = "fleet";
const K_DEVICES: &str = "devices";
const K_KEPT_OUT: &str = "kept-out";
const K_DELIVERY: &str = "delivery";
const K_CLASS: &str = "class";
const K_REASON: &str = "reason:";
const K_CHECK: &str = "check";
/// The plan's keys: on wave 1 only.
const PLAN_KEYS: [&str; 10] = [K_NAME, K_WAVES, K_SEED, K_SUCCESS, K_ERRORS, K_FLEET, K_DEVICES, K_KEPT_OUT, K_DELIVERY, K_CLASS];

fn key(name: &str) -> String {
    format!("{PREFIX}{name}")
}

/// Is `key` a rollout key (the prefix, in any case)?
pub fn is_rollout_key(key: &str) -> bool {
    key.get(..PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
}

/// A rollout's id: 1 to 40 of `a-z`, `0-9` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RolloutId(String);

impl RolloutId {
    pub fn parse(s: &str) -> Option<Self> {
        let ok = (1..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| RolloutId(s.to_owned()))
    }

    /// A new id from 64 random bits (the browser's: the core has no randomness): 16 hex digits.
    pub fn from_bits(bits: u64) -> Self {
        RolloutId(format!("{bits:016x}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which wave a task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaveLabel {
    /// Planned wave `n`, 1-based (1 carries the plan).
    Planned(u32),
    /// Follow-up `n`, 1-based: the devices of finished waves that can be retried.
    FollowUp(u32),
}

impl WaveLabel {
    /// As the tag holds it: `2`, `f1`.
    pub fn tag_value(self) -> String {
        match self {
            WaveLabel::Planned(n) => n.to_string(),
            WaveLabel::FollowUp(n) => format!("f{n}"),
        }
    }

    pub fn from_tag_value(s: &str) -> Option<Self> {
        let label = match s.strip_prefix('f') {
            Some(n) => WaveLabel::FollowUp(u32::try_from(read_number(n)?).ok().filter(|n| (1..=MAX_FOLLOW_UPS).contains(n))?),
            None => WaveLabel::Planned(u32::try_from(read_number(s)?).ok().filter(|n| (1..=MAX_WAVES as u32).contains(n))?),
        };
        Some(label)
    }

    /// In words: "wave 2", "follow-up 1".
    pub fn words(self) -> String {
        match self {
            WaveLabel::Planned(n) => format!("wave {n}"),
            WaveLabel::FollowUp(n) => format!("follow-up {n}"),
        }
    }
}

/// The typed reason for going on past a gate that held or halted, as kept in the tags.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OverrideReason(String);

impl OverrideReason {
    /// The reason as typed (trimmed), or why it cannot be kept: empty, or longer than
    /// [`MAX_REASON_PARTS`] tag values once encoded.
    pub fn parse(text: &str) -> Result<Self, ConsoleError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(RolloutField::Reason
                .refuse("Going on past the gate takes a reason: type why (it is kept in the next wave's tags for whoever reads the rollout)."));
        }
        let encoded = encode_text(t).chars().count();
        if encoded > MAX_REASON_PARTS * MAX_VALUE_CHARS - 2 * MAX_REASON_PARTS {
            return Err(RolloutField::Reason.refuse(format!(
                "The reason takes {encoded} characters in the tags, and they keep about {}: letters, digits, spaces and . : / + - @ take one each, other characters three or more. Shorten it.",
                MAX_REASON_PARTS * MAX_VALUE_CHARS - 2 * MAX_REASON_PARTS
            )));
        }
        Ok(OverrideReason(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What one wave's task carries: the rollout it belongs to, which wave it is, the plan on wave 1,
/// the planned wave a follow-up came after, and an override's reason on the wave it let through.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RolloutRecord {
    rollout: RolloutId,
    wave: WaveLabel,
    after: Option<u32>,
    plan: Option<Plan>,
    reason: Option<OverrideReason>,
}

impl RolloutRecord {
    /// Wave 1, which carries the plan.
    pub fn first(rollout: RolloutId, plan: Plan) -> Self {
        Self { rollout, wave: WaveLabel::Planned(1), after: None, plan: Some(plan), reason: None }
    }

    /// Planned wave `number` (2..=20), with the reason when an override let it through.
    pub fn planned(rollout: RolloutId, number: u32, reason: Option<OverrideReason>) -> Option<Self> {
        (2..=MAX_WAVES as u32).contains(&number).then_some(Self { rollout, wave: WaveLabel::Planned(number), after: None, plan: None, reason })
    }

    /// Follow-up `number` (1..=999), made after planned wave `after`.
    pub fn follow_up(rollout: RolloutId, number: u32, after: u32) -> Option<Self> {
        let ok = (1..=MAX_FOLLOW_UPS).contains(&number) && (1..=MAX_WAVES as u32).contains(&after);
        ok.then_some(Self { rollout, wave: WaveLabel::FollowUp(number), after: Some(after), plan: None, reason: None })
    }

    pub fn rollout(&self) -> &RolloutId {
        &self.rollout
    }

    pub fn wave(&self) -> WaveLabel {
        self.wave
    }

    pub fn after(&self) -> Option<u32> {
        self.after
    }

    pub fn plan(&self) -> Option<&Plan> {
        self.plan.as_ref()
    }

    pub fn reason(&self) -> Option<&OverrideReason> {
        self.reason.as_ref()
    }

    /// The tags to put on the wave's task (with CreateFuotaTask) and its group (with
    /// CreateMulticastGroup), in the schema's order, the check last.
    pub fn tags(&self) -> Vec<(String, String)> {
        let mut tags: Vec<(String, String)> = Vec::with_capacity(14);
        let mut put = |name: &str, value: String| tags.push((key(name), value));
        put(K_VERSION, VERSION.to_owned());
        put(K_ID, self.rollout.0.clone());
        put(K_WAVE, self.wave.tag_value());
        if let Some(after) = self.after {
            put(K_AFTER, after.to_string());
        }
        if let Some(plan) = &self.plan {
            put(K_NAME, plan.name.as_str().to_owned());
            put(K_WAVES, plan.sizes.tag_value());
            put(K_SEED, plan.seed.to_string());
            put(K_SUCCESS, plan.gate.success_percent().to_string());
            put(K_ERRORS, plan.gate.error_percent().to_string());
            put(
                K_FLEET,
                match plan.fleet.source() {
                    FleetSource::Group(id) => format!("group:{}", id.as_str()),
                    FleetSource::DeviceProfile(id) => format!("profile:{}", id.as_str()),
                    FleetSource::List => "list".to_owned(),
                },
            );
            put(K_DEVICES, plan.fleet.devices().to_string());
            put(K_KEPT_OUT, plan.fleet.kept_out().to_string());
            put(K_DELIVERY, plan.delivery.as_str().to_owned());
            if let Delivery::GroupPerWave(class) = plan.delivery {
                put(K_CLASS, class.as_str().to_owned());
            }
        }
        if let Some(reason) = &self.reason {
            for (i, part) in split_values(&encode_text(&reason.0)).into_iter().enumerate() {
                put(&format!("{K_REASON}{}", i + 1), part);
            }
        }
        let check = check_sum(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        tags.push((key(K_CHECK), check));
        tags
    }
}

/// The check over a resource's rollout tags (the check itself left out): FNV-1a 64 of the tags
/// sorted by key, each `key \t value \n` (neither holds a tab or a newline).
fn check_sum<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut sorted: Vec<(&str, &str)> = tags.collect();
    sort(&mut sorted);
    let mut text = String::new();
    for (k, v) in sorted {
        text.push_str(k);
        text.push('\t');
        text.push_str(v);
        text.push('\n');
    }
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// A resource whose rollout tags cannot be read as the console wrote them: what is wrong, in
/// words, and the rollout and wave they name when those can be read (to show it with its rollout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damaged {
    pub rollout: Option<RolloutId>,
    /// The wave's tag value as found, when it is tag text of a sensible length.
    pub wave: Option<String>,
    pub problems: Vec<String>,
}

/// Reads a resource's tags (all of them: tags without the prefix are the user's, and ignored).
/// `Ok(None)`: no rollout tag at all, not a rollout's resource. A record that is damaged or partial
/// — a key missing, a value edited by hand, a key too many — is reported with what is wrong, never
/// guessed.
pub fn read(tags: &[(String, String)]) -> Result<Option<RolloutRecord>, Damaged> {
    let ours: Vec<(&str, &str)> = tags.iter().filter(|(k, _)| is_rollout_key(k)).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if ours.is_empty() {
        return Ok(None);
    }
    let mut problems: Vec<String> = Vec::new();
    // Each key once, by its name after the prefix; keys of another case or unknown are damage.
    let mut values: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, v) in &ours {
        let name = k.get(PREFIX.len()..).unwrap_or("");
        let known =
            k.starts_with(PREFIX) && ([K_VERSION, K_ID, K_WAVE, K_AFTER, K_CHECK].contains(&name) || PLAN_KEYS.contains(&name) || reason_part(name).is_some());
        if !known {
            problems.push(format!("the tag {} is not one the console writes", shown(k)));
        } else if values.insert(name, v).is_some() {
            problems.push(format!("the tag {} is given twice", shown(k)));
        }
    }
    let rollout = values.get(K_ID).and_then(|v| RolloutId::parse(v));
    let wave_text = values.get(K_WAVE).filter(|v| v.len() <= 12 && tag_text::all_allowed(v)).map(|v| (*v).to_owned());
    let damaged = |problems: Vec<String>| Damaged { rollout: rollout.clone(), wave: wave_text.clone(), problems };

    match values.get(K_VERSION) {
        None => problems.push("the schema's version (fuota-rollout:v) is missing".into()),
        Some(&VERSION) => {}
        Some(v) => {
            problems.push(format!("the tags follow schema version {}, which this console does not know: a newer console wrote them", shown(v)));
            return Err(damaged(problems));
        }
    }
    match values.get(K_CHECK) {
        None => problems.push("the check (fuota-rollout:check) is missing".into()),
        Some(check) => {
            let expected = check_sum(ours.iter().filter(|(k, _)| !k.eq_ignore_ascii_case(&key(K_CHECK))).copied());
            if *check != expected {
                problems.push("the tags were changed after the console wrote them: their check (fuota-rollout:check) does not match".into());
            }
        }
    }
    if rollout.is_none() {
        problems.push(match values.get(K_ID) {
            None => "the rollout id (fuota-rollout:id) is missing".into(),
            Some(v) => format!("the rollout id \"{}\" is not one the console writes", shown(v)),
        });
    }
    let wave = match values.get(K_WAVE) {
        None => {
            problems.push("the wave (fuota-rollout:wave) is missing".into());
            None
        }
        Some(v) => {
            let w = WaveLabel::from_tag_value(v);
            if w.is_none() {
                problems.push(format!("the wave \"{}\" is not a wave number (1 to {MAX_WAVES}) or a follow-up (f1, f2, …)", shown(v)));
            }
            w
        }
    };
    // What belongs to this kind of wave, and nothing else.
    let is_first = wave == Some(WaveLabel::Planned(1));
    let is_follow_up = matches!(wave, Some(WaveLabel::FollowUp(_)));
    let reason_names: Vec<&str> = values.keys().copied().filter(|n| reason_part(n).is_some()).collect();
    if wave.is_some() && !is_first {
        for name in PLAN_KEYS.iter().filter(|n| values.contains_key(*n)) {
            problems.push(format!("fuota-rollout:{name} belongs to wave 1 only, not to {}", wave.map(WaveLabel::words).unwrap_or_default()));
        }
    }
    if !is_follow_up && values.contains_key(K_AFTER) && wave.is_some() {
        problems.push("fuota-rollout:after belongs to a follow-up only".into());
    }
    if (is_first || is_follow_up) && !reason_names.is_empty() {
        problems
            .push(format!("{} carries an override's reason, which only a planned wave after the first can", wave.map(WaveLabel::words).unwrap_or_default()));
    }
    let after = if is_follow_up {
        match values.get(K_AFTER) {
            None => {
                problems.push("the planned wave this follow-up came after (fuota-rollout:after) is missing".into());
                None
            }
            Some(v) => {
                let a = read_number(v).and_then(|n| u32::try_from(n).ok()).filter(|n| (1..=MAX_WAVES as u32).contains(n));
                if a.is_none() {
                    problems.push(format!("fuota-rollout:after \"{}\" is not a wave number", shown(v)));
                }
                a
            }
        }
    } else {
        None
    };
    let plan = if is_first { read_plan(&values, &mut problems) } else { None };
    let reason = if !is_first && !is_follow_up && !reason_names.is_empty() { read_reason(&values, &reason_names, &mut problems) } else { None };

    if !problems.is_empty() {
        return Err(damaged(problems));
    }
    let (Some(rollout), Some(wave)) = (rollout.clone(), wave) else {
        return Err(damaged(vec!["the rollout id or the wave cannot be read".into()]));
    };
    let record = RolloutRecord { rollout, wave, after, plan, reason };
    // What is read must be what would be written: anything else is not the console's record.
    let mut written = record.tags();
    sort(&mut written);
    let mut given: Vec<(String, String)> = ours.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    sort(&mut given);
    if written != given {
        return Err(damaged(vec!["the tags are not what the console writes for this wave".into()]));
    }
    Ok(Some(record))
}

/// `reason:2` → 2.
fn reason_part(name: &str) -> Option<usize> {
    let n = read_number(name.strip_prefix(K_REASON)?)?;
    usize::try_from(n).ok().filter(|n| (1..=MAX_REASON_PARTS).contains(n))
}

/// The first 40 characters of a value, for a sentence.
fn shown(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// One of wave 1's plan values: missing, or not `expected`, is a problem named.
fn plan_value<T>(
    values: &BTreeMap<&str, &str>,
    problems: &mut Vec<String>,
    name: &str,
    what: &str,
    expected: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    let Some(v) = values.get(name) else {
        problems.push(format!("wave 1 has no {what} (fuota-rollout:{name})"));
        return None;
    };
    let read = parse(v);
    if read.is_none() {
        problems.push(format!("fuota-rollout:{name} \"{}\" is not {expected}", shown(v)));
    }
    read
}

fn read_plan(values: &BTreeMap<&str, &str>, problems: &mut Vec<String>) -> Option<Plan> {
    let before = problems.len();
    let name = plan_value(values, problems, K_NAME, "name", "a rollout name", |v| RolloutName::parse(v).ok().filter(|n| n.as_str() == v));
    let sizes = plan_value(values, problems, K_WAVES, "wave sizes", "wave sizes (1p/10p/rest)", WaveSizes::from_tag_value);
    let seed = plan_value(values, problems, K_SEED, "seed", "a seed", read_number);
    let percent = |v: &str| read_number(v).and_then(|n| u8::try_from(n).ok()).filter(|n| (1..=100).contains(n));
    let success = plan_value(values, problems, K_SUCCESS, "success threshold", "a whole percent from 1 to 100", percent);
    let errors = plan_value(values, problems, K_ERRORS, "error threshold", "a whole percent from 1 to 100", percent);
    let source = plan_value(values, problems, K_FLEET, "fleet", "group:<id>, profile:<id> or list", |v| match v.split_once(':') {
        Some(("group", id)) => ResourceId::parse(id).ok().map(FleetSource::Group),
        Some(("profile", id)) => ResourceId::parse(id).ok().map(FleetSource::DeviceProfile),
        None if v == "list" => Some(FleetSource::List),
        _ => None,
    });
    let count = |v: &str| read_number(v).and_then(|n| u32::try_from(n).ok());
    let devices = plan_value(values, problems, K_DEVICES, "fleet size", "a count of devices", count);
    let kept_out = plan_value(values, problems, K_KEPT_OUT, "count of devices kept out", "a count of devices", count);
    let delivery = plan_value(values, problems, K_DELIVERY, "delivery", "group-per-wave or devices", |v| match v {
        "group-per-wave" => Some(None),
        "devices" => Some(Some(Delivery::Devices)),
        _ => None,
    });
    let delivery = match (delivery, values.get(K_CLASS)) {
        (Some(None), Some(c)) => {
            let class = DlClass::parse(c);
            if class.is_none() {
                problems.push(format!("fuota-rollout:class \"{}\" is not ClassB or ClassC", shown(c)));
            }
            class.map(Delivery::GroupPerWave)
        }
        (Some(None), None) => {
            problems.push("wave 1 delivers by group but has no class (fuota-rollout:class)".into());
            None
        }
        (Some(Some(d)), Some(_)) => {
            problems.push("fuota-rollout:class belongs to a group-per-wave delivery, not to devices".into());
            Some(d)
        }
        (Some(Some(d)), None) => Some(d),
        (None, _) => None,
    };
    let gate = match (success, errors) {
        (Some(s), Some(e)) => Gate::new(s, e).map_err(|why| problems.push(format!("the thresholds make no gate: {why}"))).ok(),
        _ => None,
    };
    let fleet = match (source, devices, kept_out) {
        (Some(source), Some(d), Some(k)) => {
            let fleet = Fleet::new(source, d, k);
            if fleet.is_none() {
                problems.push(format!("a fleet of {d} devices cannot have {k} kept out"));
            }
            fleet
        }
        _ => None,
    };
    if problems.len() > before {
        return None;
    }
    Some(Plan { name: name?, sizes: sizes?, seed: seed?, gate: gate?, fleet: fleet?, delivery: delivery? })
}

fn read_reason(values: &BTreeMap<&str, &str>, names: &[&str], problems: &mut Vec<String>) -> Option<OverrideReason> {
    let mut parts: Vec<(usize, &str)> = names.iter().filter_map(|n| Some((reason_part(n)?, *values.get(n)?))).collect();
    sort(&mut parts);
    if parts.iter().enumerate().any(|(i, (n, _))| *n != i + 1) {
        problems.push("the override's reason is missing a part (fuota-rollout:reason:1, :2, … in order)".into());
        return None;
    }
    let encoded: String = parts.iter().map(|(_, v)| *v).collect();
    let text = decode_text(&encoded).filter(|t| !t.is_empty() && t.trim() == t);
    match text.and_then(|t| OverrideReason::parse(&t).ok()) {
        Some(reason) if split_values(&encoded).len() == parts.len() => Some(reason),
        _ => {
            problems.push("the override's reason is not text the console encodes".into());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::waves::WaveSize;
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn plan() -> Plan {
        Plan {
            name: RolloutName::parse("sensors-fw-2.5").unwrap(),
            sizes: WaveSizes::parse("1%, 10%, rest").unwrap(),
            seed: 18_446_744_073_709_551_615,
            gate: Gate::default(),
            fleet: Fleet::new(FleetSource::Group(ResourceId::parse("3b1c5e8e-6f0e-4a8e-9a55-2f7d1c0d9b11").unwrap()), 1500, 3).unwrap(),
            delivery: Delivery::GroupPerWave(DlClass::ClassC),
        }
    }

    fn id() -> RolloutId {
        RolloutId::from_bits(0x00c0_ffee_0000_2026)
    }

    fn tag(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn the_first_wave_carries_the_plan_in_these_tags() {
        let tags = RolloutRecord::first(id(), plan()).tags();
        let without_check: Vec<(String, String)> = tags[..tags.len() - 1].to_vec();
        assert_eq!(
            without_check,
            vec![
                tag("fuota-rollout:v", "1"),
                tag("fuota-rollout:id", "00c0ffee00002026"),
                tag("fuota-rollout:wave", "1"),
                tag("fuota-rollout:name", "sensors-fw-2.5"),
                tag("fuota-rollout:waves", "1p/10p/rest"),
                tag("fuota-rollout:seed", "18446744073709551615"),
                tag("fuota-rollout:success", "95"),
                tag("fuota-rollout:errors", "10"),
                tag("fuota-rollout:fleet", "group:3b1c5e8e-6f0e-4a8e-9a55-2f7d1c0d9b11"),
                tag("fuota-rollout:devices", "1500"),
                tag("fuota-rollout:kept-out", "3"),
                tag("fuota-rollout:delivery", "group-per-wave"),
                tag("fuota-rollout:class", "ClassC"),
            ]
        );
        let (check_key, check) = &tags[tags.len() - 1];
        assert_eq!(check_key, "fuota-rollout:check");
        assert!(check.len() == 16 && check.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(read(&tags).unwrap(), Some(RolloutRecord::first(id(), plan())));
    }

    /// The record goes out as TagResource's body and comes back as ListTagsForResource's answer
    /// (in whatever order the service lists it): the same record.
    #[test]
    fn the_tags_written_through_tag_resource_read_back_from_list_tags() {
        use crate::wire::request::Request;
        let record = RolloutRecord::first(id(), plan());
        let request = Request::tag_resource("arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/t1", &record.tags()).unwrap();
        let mut answer: serde_json::Value = serde_json::from_str(request.body().unwrap()).unwrap();
        if let Some(tags) = answer["Tags"].as_array_mut() {
            tags.reverse();
            tags.push(serde_json::json!({"Key": "team", "Value": "field"}));
        }
        let listed = crate::campaign::lists::resource_tags(answer).unwrap();
        assert_eq!(read(&listed).unwrap(), Some(record));
    }

    #[test]
    fn later_waves_carry_their_number_a_follow_up_its_wave_and_an_override_its_reason() {
        let reason = OverrideReason::parse("Canary fine in the lab; ok'd by Anna (ticket #123), 83 % is expected").unwrap();
        let second = RolloutRecord::planned(id(), 2, Some(reason.clone())).unwrap();
        let tags = second.tags();
        assert!(tags.contains(&tag("fuota-rollout:wave", "2")));
        assert!(tags.contains(&tag("fuota-rollout:reason:1", "Canary_fine_in_the_lab=3B_ok=27d_by_Anna_=28ticket_=23123=29=2C_83_=25_is_expected")));
        assert_eq!(read(&tags).unwrap().unwrap().reason(), Some(&reason));
        let f = RolloutRecord::follow_up(id(), 1, 2).unwrap().tags();
        assert!(f.contains(&tag("fuota-rollout:wave", "f1")) && f.contains(&tag("fuota-rollout:after", "2")));
        assert_eq!(read(&f).unwrap().unwrap().after(), Some(2));
        assert!(RolloutRecord::planned(id(), 1, None).is_none() && RolloutRecord::planned(id(), 21, None).is_none());
        assert!(RolloutRecord::follow_up(id(), 0, 1).is_none() && RolloutRecord::follow_up(id(), 1, 0).is_none());
        // A long reason is cut over numbered keys, and read back whole.
        let long = OverrideReason::parse(&"Gateway 7 was down for the canary, so ".repeat(12)).unwrap();
        let tags = RolloutRecord::planned(id(), 3, Some(long.clone())).unwrap().tags();
        assert!(tags.iter().any(|(k, _)| k == "fuota-rollout:reason:2"));
        assert_eq!(read(&tags).unwrap().unwrap().reason(), Some(&long));
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(OverrideReason::parse("  ").is_err());
        let too_long = OverrideReason::parse(&"é".repeat(200)).unwrap_err();
        assert!(too_long.sentence().contains("Shorten it"), "{}", too_long.sentence());
        assert_eq!(too_long.refusal().unwrap().0, RolloutField::Reason.field());
        assert!(OverrideReason::parse(&"a".repeat(1000)).is_ok());
    }

    #[test]
    fn tags_without_the_prefix_are_not_a_rollout_and_are_ignored_beside_one() {
        assert_eq!(read(&[tag("team", "field"), tag("stage", "pilot")]), Ok(None));
        let mut tags = RolloutRecord::first(id(), plan()).tags();
        tags.insert(0, tag("team", "field"));
        assert_eq!(read(&tags).unwrap(), Some(RolloutRecord::first(id(), plan())));
    }

    #[test]
    fn each_kind_of_damage_is_named() {
        type Tags = Vec<(String, String)>;
        let good = RolloutRecord::first(id(), plan()).tags();
        let with = |f: &dyn Fn(&mut Tags)| {
            let mut t = good.clone();
            f(&mut t);
            read(&t).unwrap_err()
        };
        let edited = with(&|t| t[6].1 = "80".into());
        assert!(edited.problems.iter().any(|p| p.contains("changed after the console wrote them")), "{edited:?}");
        assert_eq!(edited.rollout, Some(id()), "still shown with its rollout");
        assert_eq!(edited.wave.as_deref(), Some("1"));
        let dropped = with(&|t| {
            t.remove(4);
        });
        assert!(dropped.problems.iter().any(|p| p.contains("no wave sizes")), "{dropped:?}");
        let junk = with(&|t| t.push(tag("fuota-rollout:note", "x")));
        assert!(junk.problems.iter().any(|p| p.contains("fuota-rollout:note is not one the console writes")), "{junk:?}");
        let cased = with(&|t| t.push(tag("Fuota-Rollout:wave", "2")));
        assert!(cased.problems.iter().any(|p| p.contains("Fuota-Rollout:wave")), "{cased:?}");
        let twice = with(&|t| t.push(tag("fuota-rollout:wave", "1")));
        assert!(twice.problems.iter().any(|p| p.contains("given twice")), "{twice:?}");
        let newer = with(&|t| t[0].1 = "2".into());
        assert!(newer.problems[0].contains("newer console"), "{newer:?}");
        let no_id = with(&|t| {
            t.remove(1);
        });
        assert_eq!(no_id.rollout, None);
        // A plan key on a later wave.
        let mut second = RolloutRecord::planned(id(), 2, None).unwrap().tags();
        second.push(tag("fuota-rollout:seed", "1"));
        let e = read(&second).unwrap_err();
        assert!(e.problems.iter().any(|p| p.contains("belongs to wave 1 only")), "{e:?}");
    }

    /// The strategy of every plan the types allow.
    pub(crate) fn any_plan() -> impl Strategy<Value = Plan> {
        let size = prop_oneof![(1u16..10_000).prop_map(WaveSize::Share), (1u32..=1_000_000).prop_map(WaveSize::Count)];
        let sizes = proptest::collection::vec(size, 0..MAX_WAVES).prop_filter_map("a plan", |mut s| {
            s.push(WaveSize::Rest);
            WaveSizes::from_sizes(s)
        });
        let source = prop_oneof![
            "[A-Za-z0-9_.:/=+@-]{1,200}".prop_map(|id| FleetSource::Group(ResourceId::parse(&id).unwrap())),
            "[A-Za-z0-9_.:/=+@-]{1,200}".prop_map(|id| FleetSource::DeviceProfile(ResourceId::parse(&id).unwrap())),
            Just(FleetSource::List),
        ];
        let delivery = prop_oneof![Just(Delivery::Devices), Just(Delivery::GroupPerWave(DlClass::ClassB)), Just(Delivery::GroupPerWave(DlClass::ClassC))];
        let name = "[A-Za-z0-9 _.:/=+@-]{1,64}".prop_filter_map("a name", |n| RolloutName::parse(&n).ok().filter(|r| r.as_str() == n));
        let gate = (1u8..=100, 1u8..=100).prop_filter_map("a gate", |(s, e)| Gate::new(s, e).ok());
        let fleet = (source, 1u32..=u32::MAX).prop_flat_map(|(source, devices)| (Just(source), Just(devices), 0..=devices));
        (name, sizes, any::<u64>(), gate, fleet, delivery).prop_map(|(name, sizes, seed, gate, (source, devices, kept_out), delivery)| Plan {
            name,
            sizes,
            seed,
            gate,
            fleet: Fleet::new(source, devices, kept_out).unwrap(),
            delivery,
        })
    }

    pub(crate) fn any_record() -> impl Strategy<Value = RolloutRecord> {
        let rollout = "[a-z0-9-]{1,40}".prop_map(|s| RolloutId::parse(&s).unwrap());
        let reason = proptest::option::of("\\PC{1,400}|[ -~]{1,1100}".prop_filter_map("a reason", |t| OverrideReason::parse(&t).ok()));
        prop_oneof![
            (rollout.clone(), any_plan()).prop_map(|(r, p)| RolloutRecord::first(r, p)),
            (rollout.clone(), 2u32..=20, reason).prop_map(|(r, n, reason)| RolloutRecord::planned(r, n, reason).unwrap()),
            (rollout, 1u32..=MAX_FOLLOW_UPS, 1u32..=20).prop_map(|(r, n, a)| RolloutRecord::follow_up(r, n, a).unwrap()),
        ]
    }

    /// A change to a valid tag set: a value changed, a key dropped, a junk key added with the
    /// prefix, or a tag of the user's own added.
    #[derive(Clone, Debug)]
    enum Mutation {
        Change(usize, String),
        Drop(usize),
        Junk(String, String),
        Users(String, String),
    }

    fn any_mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), "\\PC{0,20}|[0-9a-z/.:-]{0,12}").prop_map(|(i, v)| Mutation::Change(i, v)),
            any::<usize>().prop_map(Mutation::Drop),
            ("[a-z0-9:-]{0,12}", "[ -~]{0,12}").prop_map(|(k, v)| Mutation::Junk(format!("{PREFIX}{k}"), v)),
            ("[a-z]{1,10}", "[ -~]{0,12}").prop_map(|(k, v)| Mutation::Users(k, v)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Any record survives its tags exactly, and every tag is within AWS's limits and
        /// characters.
        #[test]
        fn any_record_survives_the_round_trip(record in any_record()) {
            let tags = record.tags();
            prop_assert!(tags.len() <= 14);
            for (k, v) in &tags {
                prop_assert!((1..=tag_text::MAX_KEY_CHARS).contains(&k.chars().count()), "{}", k);
                prop_assert!(v.chars().count() <= MAX_VALUE_CHARS, "{} is {} long", k, v.len());
                prop_assert!(tag_text::all_allowed(k) && tag_text::all_allowed(v), "{}={}", k, v);
                prop_assert!(!k.to_ascii_lowercase().starts_with("aws:"));
                prop_assert!(!v.starts_with(' ') && !v.ends_with(' '));
            }
            prop_assert_eq!(read(&tags), Ok(Some(record)));
        }

        /// Any change to a valid tag set is read as exactly the original or reported damaged:
        /// never as another record.
        #[test]
        fn a_changed_tag_set_is_the_original_or_damaged(record in any_record(), mutations in proptest::collection::vec(any_mutation(), 1..4)) {
            let mut tags = record.tags();
            for m in mutations {
                let ours: Vec<usize> = (0..tags.len()).filter(|&i| is_rollout_key(&tags[i].0)).collect();
                match m {
                    Mutation::Change(i, v) if !ours.is_empty() => tags[ours[i % ours.len()]].1 = v,
                    Mutation::Drop(i) if !ours.is_empty() => { tags.remove(ours[i % ours.len()]); }
                    Mutation::Junk(k, v) | Mutation::Users(k, v) => tags.push((k, v)),
                    _ => {}
                }
            }
            match read(&tags) {
                Ok(Some(read_back)) => prop_assert_eq!(read_back, record),
                Ok(None) => prop_assert!(tags.iter().all(|(k, _)| !is_rollout_key(k))),
                Err(damaged) => prop_assert!(!damaged.problems.is_empty()),
            }
        }

        /// Whatever tags a resource holds: no panic.
        #[test]
        fn any_tags_are_read_without_panic(tags in proptest::collection::vec(("fuota-rollout:[a-z:0-9-]{0,10}|\\PC{0,20}", "\\PC{0,40}|[0-9a-z/]{0,10}"), 0..20)) {
            if let Ok(Some(record)) = read(&tags) {
                prop_assert_eq!(read(&record.tags()), Ok(Some(record)));
            }
        }
    }
}
