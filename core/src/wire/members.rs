//! Reading the members of an answer's JSON object by their model types: absent or `null` is
//! "not returned", a member of another JSON type is an error that names it, unknown members are
//! ignored.
//!
//! Written by hand rather than with serde's derive: each derived `Deserialize` is a visitor of its
//! own in the wasm (a few KB each, measured), and these few accessors serve every shape.

use serde_json::{Map, Value};

/// A JSON object of an answer; `prefix` names where it sits (`LoRaWAN.`) in error messages.
#[derive(Clone, Copy)]
pub struct Members<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
}

/// The whole answer (or a list item) as an object.
pub fn object(value: &Value) -> Result<Members<'_>, String> {
    match value {
        Value::Object(map) => Ok(Members { map, prefix: "" }),
        _ => Err("the answer is not a JSON object".to_owned()),
    }
}

impl<'a> Members<'a> {
    fn wrong(&self, name: &str, expected: &str, found: &Value) -> String {
        let mut shown = found.to_string();
        if let Some((cut, _)) = shown.char_indices().nth(64) {
            shown.truncate(cut);
            shown.push('…');
        }
        format!("{}{name} is not {expected}: {shown}", self.prefix)
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub fn string(&self, name: &str) -> Result<Option<String>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    /// An integer member. The browser's `JSON.parse` reads every number as a double: a whole one
    /// arrives as an integer, so `50` and `50.0` both read as 50; `50.5` is not an integer.
    pub fn integer(&self, name: &str) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| self.wrong(name, "an integer", v)),
        }
    }

    pub fn number(&self, name: &str) -> Result<Option<f64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.as_f64().map(Some).ok_or_else(|| self.wrong(name, "a number", v)),
        }
    }

    /// A structure member; `prefix` is its name and a dot, for the messages of its own members.
    pub fn nested(&self, name: &str, prefix: &'a str) -> Result<Option<Members<'a>>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Members { map, prefix })),
            Some(other) => Err(self.wrong(name, "a structure", other)),
        }
    }

    /// A list of structures; absent is empty. `prefix` names the list's items in messages.
    pub fn objects(&self, name: &str, prefix: &'a str) -> Result<Vec<Members<'a>>, String> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Object(map) => Ok(Members { map, prefix }),
                    other => Err(self.wrong(name, "a list of structures", other)),
                })
                .collect(),
            Some(other) => Err(self.wrong(name, "a list", other)),
        }
    }

    /// A list of strings; absent is empty.
    pub fn strings(&self, name: &str) -> Result<Vec<String>, String> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(|v| v.as_str().map(str::to_owned).ok_or_else(|| self.wrong(name, "a list of strings", v))).collect(),
            Some(other) => Err(self.wrong(name, "a list", other)),
        }
    }
}

/// A member of an optional structure: absent when the structure is.
pub fn within<'a, T>(members: Option<Members<'a>>, read: impl FnOnce(Members<'a>) -> Result<Option<T>, String>) -> Result<Option<T>, String> {
    members.map_or(Ok(None), read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_type_reads_and_a_wrong_one_is_named() {
        let v = json!({"S": "x", "I": 50, "F": 50.0, "H": 50.5, "N": null, "O": {"T": 1}, "L": ["a", "b"], "B": true});
        let m = object(&v).unwrap();
        assert_eq!(m.string("S").unwrap(), Some("x".into()));
        assert_eq!(m.string("N").unwrap(), None, "null is not returned");
        assert_eq!(m.string("Missing").unwrap(), None);
        assert_eq!(m.integer("I").unwrap(), Some(50));
        assert_eq!(m.integer("H").unwrap_err(), "H is not an integer: 50.5");
        assert_eq!(m.number("H").unwrap(), Some(50.5));
        assert_eq!(m.strings("L").unwrap(), vec!["a", "b"]);
        assert_eq!(m.string("B").unwrap_err(), "B is not a string: true");
        let o = m.nested("O", "O.").unwrap().unwrap();
        assert_eq!(o.string("T").unwrap_err(), "O.T is not a string: 1");
        assert!(m.nested("S", "S.").is_err());
        assert!(m.strings("S").is_err());
        assert_eq!(within(None, |o: Members| o.integer("T")).unwrap(), None);
        assert!(object(&json!([])).is_err());
        let long = json!({"S": "y".repeat(100)});
        assert!(object(&long).unwrap().integer("S").unwrap_err().ends_with('…'));
    }
}
