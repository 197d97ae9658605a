//! The service's tag rules, for CreateFuotaTask's and CreateMulticastGroup's `Tags` and for
//! TagResource / UntagResource (botocore's model: `TagKey` 1..128, `TagValue` 0..256 characters;
//! AWS's tagging guide: at most 50 tags a resource, the `aws:` prefix reserved, letters, digits,
//! spaces and `_ . : / = + - @` only). A refusal is the service's ValidationException message; the
//! caller answers it.

use serde_json::{json, Value};

/// A tag: its key and value.
pub type Tag = (String, String);

/// AWS's limit per resource (the model's `TagList` allows 200 in one request; the tagging guide
/// says 50 a resource, and TagResource answers TooManyTagsException past it).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// The pattern AWS's tagging APIs state for keys and values (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`):
/// Unicode letters, separators and numbers, and `_ . : / = + - @`.
fn allowed(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || (c.is_whitespace() && !c.is_control()) || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

fn refusal(at: &str, constraint: &str) -> String {
    format!("1 validation error detected: Value at '{at}' failed to satisfy constraint: {constraint}")
}

/// A tag key as a request names it (`at`: where, for the message): 1..128 characters of the
/// tagging pattern, not starting with `aws:` in any case.
pub fn check_key(key: &str, at: &str) -> Result<(), String> {
    if !(1..=128).contains(&key.chars().count()) {
        return Err(refusal(at, "Member must have length between 1 and 128"));
    }
    if !key.chars().all(allowed) {
        return Err(refusal(at, r"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"));
    }
    if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Err(format!("Tag keys starting with aws: are reserved for AWS use: {key:.128}"));
    }
    Ok(())
}

/// The model's `TagList` as a request carries it (`[{Key, Value}]`), each tag checked, a key at
/// most once; `member` names it in messages (`Tags`).
pub fn read_list(value: &Value, member: &str) -> Result<Vec<Tag>, String> {
    let items = value.as_array().ok_or_else(|| format!("{member} must be a list of {{Key, Value}}"))?;
    if items.len() > 200 {
        return Err(refusal(member, "Member must have length less than or equal to 200"));
    }
    let mut tags: Vec<Tag> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{}.{}.member", member.to_ascii_lowercase(), i + 1);
        let key = item.get("Key").and_then(Value::as_str).ok_or_else(|| refusal(&format!("{at}.key"), "Member must not be null"))?;
        let value = item.get("Value").and_then(Value::as_str).ok_or_else(|| refusal(&format!("{at}.value"), "Member must not be null"))?;
        check_key(key, &format!("{at}.key"))?;
        if value.chars().count() > 256 {
            return Err(refusal(&format!("{at}.value"), "Member must have length less than or equal to 256"));
        }
        if !value.chars().all(allowed) {
            return Err(refusal(&format!("{at}.value"), r"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"));
        }
        if tags.iter().any(|(k, _)| k == key) {
            return Err(format!("The tag key {key:.128} is given more than once."));
        }
        tags.push((key.to_owned(), value.to_owned()));
    }
    Ok(tags)
}

/// The tags a new resource starts with (a create's `Tags`, absent: none), within the limit per
/// resource: a create cannot make a resource AWS would refuse to tag further.
pub fn for_create(tags: Option<&Value>) -> Result<Vec<Tag>, String> {
    let tags = match tags {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(list) => read_list(list, "Tags")?,
    };
    if tags.len() > MAX_TAGS_PER_RESOURCE {
        return Err(format!("{} tags: a resource takes at most {MAX_TAGS_PER_RESOURCE}.", tags.len()));
    }
    Ok(tags)
}

/// `tags` with `new` written over them, as TagResource does: a key already there takes the new
/// value in its place, a new key goes last. None when the result would pass the limit.
pub fn merged(tags: &[Tag], new: &[Tag]) -> Option<Vec<Tag>> {
    let mut out = tags.to_vec();
    for (key, value) in new {
        match out.iter_mut().find(|(k, _)| k == key) {
            Some(tag) => tag.1.clone_from(value),
            None => out.push((key.clone(), value.clone())),
        }
    }
    (out.len() <= MAX_TAGS_PER_RESOURCE).then_some(out)
}

/// The tags as ListTagsForResource answers them.
pub fn answer(tags: &[Tag]) -> Value {
    json!({"Tags": tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>()})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_limits_are_the_services() {
        let list = |pairs: &[(&str, &str)]| json!(pairs.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>());
        let fine = read_list(&list(&[("fuota-rollout:v", "1"), ("team", ""), ("Größe", "a b/c=d+e@f.g_h-i")]), "Tags").unwrap();
        assert_eq!(fine.len(), 3);
        assert!(read_list(&list(&[(&"k".repeat(128), &"v".repeat(256))]), "Tags").is_ok(), "at the limits");
        for (bad, says) in [
            (list(&[("", "v")]), "between 1 and 128"),
            (list(&[(&"k".repeat(129), "v")]), "between 1 and 128"),
            (list(&[("k", &"v".repeat(257))]), "less than or equal to 256"),
            (list(&[("aws:created", "x")]), "reserved for AWS"),
            (list(&[("AWS:Created", "x")]), "reserved for AWS"),
            (list(&[("k", "{\"json\": 1}")]), "pattern"),
            (list(&[("k;", "v")]), "pattern"),
            (list(&[("k", "1"), ("k", "2")]), "more than once"),
            (json!([{"Key": "k"}]), "tags.1.member.value"),
            (json!({"Key": "k", "Value": "v"}), "a list"),
        ] {
            let message = read_list(&bad, "Tags").unwrap_err();
            assert!(message.contains(says), "{bad}: {message}");
        }
        let fifty_one = json!((0..51).map(|n| json!({"Key": format!("k{n}"), "Value": ""})).collect::<Vec<_>>());
        assert!(for_create(Some(&fifty_one)).unwrap_err().contains("at most 50"));
        assert_eq!(for_create(None).unwrap(), []);
    }

    #[test]
    fn tagging_again_changes_values_in_place_and_stops_at_fifty() {
        let tag = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let tags = vec![tag("a", "1"), tag("b", "2")];
        assert_eq!(merged(&tags, &[tag("b", "3"), tag("c", "4")]).unwrap(), [tag("a", "1"), tag("b", "3"), tag("c", "4")]);
        let fifty: Vec<Tag> = (0..50).map(|n| tag(&format!("k{n}"), "")).collect();
        assert!(merged(&fifty, &[tag("k0", "changed")]).is_some(), "a key already there is no new tag");
        assert!(merged(&fifty, &[tag("new", "")]).is_none());
        assert_eq!(answer(&tags), json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}));
    }
}
