//! What a tag may hold: the characters and limits AWS tagging accepts everywhere, the reversible
//! encoding of free text into those characters, and the check sum that seals a tag set.

/// The model's `TagKey` (1..128) and `TagValue` (0..256), in characters: the limits the request
/// builders check (`wire::request`), one place for both.
pub const MAX_KEY_CHARS: usize = crate::wire::request::MAX_TAG_KEY_CHARS;
pub const MAX_VALUE_CHARS: usize = crate::wire::request::MAX_TAG_VALUE_CHARS;
/// AWS's limit of tags per resource (the model's `TagList` says 200; the tagging guide, 50).
pub const MAX_TAGS_PER_RESOURCE: usize = crate::wire::request::MAX_TAGS_PER_RESOURCE;

/// A character every AWS service takes in a tag: letters, digits, space and `_ . : / = + - @`.
/// Only ASCII letters and digits here: some services are stricter than `\p{L}`, and the tags must
/// survive any of them.
pub fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// Is every character of `s` [`allowed`]?
pub fn all_allowed(s: &str) -> bool {
    s.chars().all(allowed)
}

/// Characters free text keeps as they are: `allowed` without space, `_` and `=`, which the
/// encoding uses.
fn kept(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '/' | '+' | '-' | '@')
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Free text in tag characters, reversibly: a space becomes `_`; letters, digits and `. : / + - @`
/// stay; every other character (`_` and `=` included) becomes `=XX` for each of its UTF-8 bytes,
/// in uppercase hex — quoted-printable's escape (RFC 2045, section 6.7). "ok, ship it" is
/// `ok=2C_ship_it`. The result has no space, so no service can trim it.
pub fn encode_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' {
            out.push('_');
        } else if kept(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push('=');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
        }
    }
    out
}

/// The text [`encode_text`] made, or None when `encoded` is not exactly what it would make (an
/// escape where none was needed, lowercase hex, bytes that are not UTF-8, a stray character).
pub fn decode_text(encoded: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut chars = encoded.chars();
    while let Some(c) = chars.next() {
        match c {
            '_' => bytes.push(b' '),
            '=' => {
                let hi = chars.next().and_then(|h| HEX.iter().position(|&x| x as char == h))?;
                let lo = chars.next().and_then(|l| HEX.iter().position(|&x| x as char == l))?;
                bytes.push((hi * 16 + lo) as u8);
            }
            c if kept(c) => bytes.push(c as u8),
            _ => return None,
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    (encode_text(&text) == encoded).then_some(text)
}

/// Encoded text cut into tag values of at most [`MAX_VALUE_CHARS`], never inside an `=XX`.
pub fn split_values(encoded: &str) -> Vec<String> {
    let chars: Vec<char> = encoded.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + MAX_VALUE_CHARS).min(chars.len());
        if end < chars.len() {
            // An escape is three characters starting with `=`: step back to before it.
            if chars[end - 1] == '=' {
                end -= 1;
            } else if chars[end - 2] == '=' {
                end -= 2;
            }
        }
        parts.push(chars[start..end].iter().collect());
        start = end;
    }
    parts
}

/// FNV-1a, 64 bits (Fowler, Noll and Vo; the parameters of the IETF draft
/// draft-eastlake-fnv: offset basis 0xcbf29ce484222325, prime 0x100000001b3): for each byte,
/// xor it in, then multiply by the prime. A seal against hand edits and accidents, not against
/// forgery: whoever may tag a task may also delete it.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// A whole number as written in a tag: decimal digits, no sign, no leading zero (so that each
/// number has one spelling).
pub fn read_number(value: &str) -> Option<u64> {
    let canonical = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) && (value == "0" || !value.starts_with('0'));
    canonical.then(|| value.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fnv1a64_gives_the_published_answers() {
        // The FNV test vectors (Landon Curt Noll's test suite): "", "a", "foobar".
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn text_is_encoded_readably_and_back() {
        assert_eq!(encode_text("ok, ship it"), "ok=2C_ship_it");
        assert_eq!(encode_text("a_b=c 100%"), "a=5Fb=3Dc_100=25");
        assert_eq!(encode_text("été"), "=C3=A9t=C3=A9");
        assert_eq!(decode_text("ok=2C_ship_it").as_deref(), Some("ok, ship it"));
        // Not what the encoder makes: refused, never read as something else.
        for odd in ["ok=2c", "a=41", "x y", "=C3", "=ZZ", "a%b", "=FF"] {
            assert_eq!(decode_text(odd), None, "{odd}");
        }
    }

    #[test]
    fn numbers_have_one_spelling() {
        assert_eq!(read_number("0"), Some(0));
        assert_eq!(read_number("18446744073709551615"), Some(u64::MAX));
        for odd in ["", "01", "+1", "1.0", " 1", "18446744073709551616", "1e3"] {
            assert_eq!(read_number(odd), None, "{odd}");
        }
    }

    proptest! {
        /// Any text survives the encoding, in allowed characters only, and the cut into values.
        #[test]
        fn any_text_round_trips(text in "\\PC{0,300}|[ -~]{0,300}") {
            let encoded = encode_text(&text);
            prop_assert!(all_allowed(&encoded) && !encoded.contains(' '));
            prop_assert_eq!(decode_text(&encoded), Some(text));
            let parts = split_values(&encoded);
            prop_assert!(parts.iter().all(|p| !p.is_empty() && p.chars().count() <= MAX_VALUE_CHARS));
            prop_assert_eq!(parts.concat(), encoded.clone());
            // Each part decodes on its own boundary: no escape is cut.
            prop_assert!(parts.iter().all(|p| !p.ends_with('=') && p.chars().rev().nth(1) != Some('=')));
        }

        #[test]
        fn any_string_decodes_or_is_refused_without_panic(s in "\\PC{0,60}") {
            if let Some(text) = decode_text(&s) {
                prop_assert_eq!(encode_text(&text), s.clone());
            }
            let _ = read_number(&s);
        }
    }
}
