//! The task's `Descriptor`: base64 metadata about the file, shown as hex and, when printable, text.

use aws_smithy_types::base64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Descriptor {
    Decoded {
        base64: String,
        hex: String,
        text: Option<String>,
    },
    /// Not valid base64: shown as it came, with a note, never an error.
    Undecodable {
        raw: String,
    },
}

impl Descriptor {
    pub fn from_base64(raw: &str) -> Self {
        match base64::decode(raw) {
            Ok(bytes) => Descriptor::Decoded { base64: raw.to_owned(), hex: hex::encode(&bytes), text: printable_text(&bytes) },
            Err(_) => Descriptor::Undecodable { raw: raw.to_owned() },
        }
    }

    pub fn raw(&self) -> &str {
        match self {
            Descriptor::Decoded { base64, .. } => base64,
            Descriptor::Undecodable { raw } => raw,
        }
    }
}

/// UTF-8 with no control characters but ordinary white space.
fn printable_text(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let printable = !text.is_empty() && text.chars().all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    printable.then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_descriptor_shows_text_and_hex() {
        assert_eq!(
            Descriptor::from_base64("djEuMi4z"),
            Descriptor::Decoded { base64: "djEuMi4z".into(), hex: "76312e322e33".into(), text: Some("v1.2.3".into()) }
        );
    }

    #[test]
    fn binary_descriptor_shows_hex_only() {
        assert_eq!(Descriptor::from_base64("AAEC/w=="), Descriptor::Decoded { base64: "AAEC/w==".into(), hex: "000102ff".into(), text: None });
    }

    #[test]
    fn bad_base64_is_kept_raw() {
        assert_eq!(Descriptor::from_base64("not base64!"), Descriptor::Undecodable { raw: "not base64!".into() });
    }
}
