//! JSON text to `serde_json::Value`: the one place the core parses JSON.
//!
//! With the `browser-json` feature on wasm32 (the page's build), the browser's own `JSON.parse`
//! reads the text and `from_js` brings the result over as a `Value`, so the wasm carries no JSON
//! parser: 5.3 KB brotli less. Everywhere else (the native tests, the local
//! endpoint) serde_json parses.
//!
//! What differs between the two, none of it in a well-formed answer:
//! - `JSON.parse` reads every number as a double: a whole number within ±2^53 arrives as an
//!   integer (`50.0` reads as 50), a larger one as a float, so an integer member over 2^53 is a
//!   type error in the page where serde_json reads it exactly;
//! - an escaped lone surrogate (`"\ud800"`) becomes U+FFFD in the page; serde_json refuses it;
//! - the page's error messages are the browser's, and Chromium's quote part of the text: callers
//!   whose text may hold a secret (a paste) drop the message; a response body is parsed as it
//!   arrived and its strings redacted once parsed, and when it does not parse, the error shown is
//!   the one for the body with its secrets already replaced (`response::read_answer`).
//!
//! What does not differ: text nested deeper than serde_json allows is refused on both, before
//! anything recurses over it, so a hostile body cannot exhaust the wasm stack.
pub use serde_json::Value;

/// serde_json's recursion limit: it reads 127 levels of arrays and objects and refuses 128.
pub const MAX_DEPTH: usize = 127;

/// Parses JSON text; the error says why (and may quote part of the text: see above).
pub fn parse(text: &str) -> Result<Value, String> {
    if nesting_depth(text) > MAX_DEPTH {
        return Err(format!("arrays and objects nested deeper than {MAX_DEPTH} levels"));
    }
    #[cfg(all(feature = "browser-json", target_arch = "wasm32"))]
    {
        // `as_string`, not `String::from`: a thrown value without a string message must not throw again.
        let parsed = js_sys::JSON::parse(text).map_err(|e| js_sys::Error::from(e).message().as_string().unwrap_or_else(|| "not JSON".to_owned()))?;
        Ok(from_js(&parsed))
    }
    #[cfg(not(all(feature = "browser-json", target_arch = "wasm32")))]
    {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// What `JSON.parse` made, as a `Value`. Walked by hand rather than through serde-wasm-bindgen:
/// serde's deserializer brings its error messages along (they format the value that did not fit,
/// floats included), and nothing can fail here, since `JSON.parse` only makes nulls, booleans,
/// numbers, strings, arrays and plain objects. Numbers as serde-wasm-bindgen brought them: a safe
/// integer (whole, within ±(2^53 − 1)) is an integer, anything else a float. The depth was
/// checked on the text before `JSON.parse` ran, so the recursion is at most `MAX_DEPTH` deep.
#[cfg(all(feature = "browser-json", target_arch = "wasm32"))]
fn from_js(value: &js_sys::wasm_bindgen::JsValue) -> Value {
    use js_sys::wasm_bindgen::JsCast;
    if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = value.as_f64() {
        if js_sys::Number::is_safe_integer(value) {
            // Exact: a safe integer fits an i64 (and, when not negative, a u64) without rounding.
            if n >= 0.0 {
                Value::from(n as u64)
            } else {
                Value::from(n as i64)
            }
        } else {
            // `JSON.parse` reads a number past a double's range (`1e400`) as Infinity, which
            // JSON has no value for: null, as serde_json's `Value` makes of it.
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
    } else if let Some(s) = value.as_string() {
        Value::String(s)
    } else if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        Value::Array(array.iter().map(|item| from_js(&item)).collect())
    } else if value.is_object() {
        let mut map = serde_json::Map::new();
        for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
            let entry: js_sys::Array = entry.unchecked_into();
            if let Some(key) = entry.get(0).as_string() {
                map.insert(key, from_js(&entry.get(1)));
            }
        }
        Value::Object(map)
    } else {
        Value::Null
    }
}

/// The deepest nesting of arrays and objects in JSON text; brackets inside strings do not count.
/// For text that is not JSON the figure is only an upper bound, which is all the guard needs.
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nested(depth: usize) -> String {
        "[".repeat(depth) + &"]".repeat(depth)
    }

    #[test]
    fn the_depth_limit_is_serde_jsons() {
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH)).is_ok());
        assert!(parse(&nested(MAX_DEPTH + 1)).unwrap_err().contains("nested deeper"));
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
        assert!(parse(&nested(200_000)).is_err());
    }

    #[test]
    fn brackets_in_strings_do_not_count() {
        assert_eq!(nesting_depth(r#"{"a": "[[[{{{", "b": ["\"]]]", {"c": 1}]}"#), 3);
        assert_eq!(nesting_depth(r#""\\" [ ]"#), 1);
        assert_eq!(nesting_depth("no json at all"), 0);
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[\\[\\]{}\"\\\\a-z ]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 64, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[\\[\\]{}\"a-z]{0,4}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn depth_of(v: &Value) -> usize {
        match v {
            Value::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
            Value::Object(members) => 1 + members.values().map(depth_of).max().unwrap_or(0),
            _ => 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn the_scanner_measures_what_the_parser_reads(v in json_value(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.unwrap();
            prop_assert_eq!(nesting_depth(&text), depth_of(&v));
            prop_assert_eq!(parse(&text).unwrap(), v);
        }

        #[test]
        fn any_text_parses_or_says_why(text in "\\PC{0,64}") {
            if let Err(why) = parse(&text) { prop_assert!(!why.is_empty()); }
        }
    }
}
