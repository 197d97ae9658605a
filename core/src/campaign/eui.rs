//! 64-bit EUIs (a device's DevEUI, a gateway's GatewayEui) as people and the API write them: the
//! model allows `-`, `:` or spaces between the bytes and either case. Compared as 16 uppercase
//! hex digits.

/// `00-80-00-00-0a-00-01-2f` → `008000000A00012F`; None when it is not 8 bytes of hex.
pub fn normalise(text: &str) -> Option<String> {
    let t = text.trim();
    let mut digits = String::with_capacity(16);
    for c in t.chars() {
        match c {
            '-' | ':' | ' ' => continue,
            c if c.is_ascii_hexdigit() && digits.len() < 16 => digits.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    (digits.len() == 16).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_spelling_of_one_eui_is_the_same() {
        for s in ["008000000a00012f", "00-80-00-00-0A-00-01-2F", "00:80:00:00:0a:00:01:2f", " 00 80 00 00 0a 00 01 2f "] {
            assert_eq!(normalise(s).as_deref(), Some("008000000A00012F"), "{s}");
        }
        for s in ["", "008000000a00012", "008000000a00012f0", "g08000000a00012f", "1ffd32c8-8130-4194-96df-622f072a315f"] {
            assert_eq!(normalise(s), None, "{s}");
        }
    }

    proptest! {
        #[test]
        fn any_eight_bytes_written_any_way_normalise_to_their_hex(bytes in proptest::array::uniform8(any::<u8>()), sep in prop_oneof![Just(""), Just("-"), Just(":"), Just(" ")], lower in any::<bool>()) {
            let parts: Vec<String> = bytes.iter().map(|b| if lower { format!("{b:02x}") } else { format!("{b:02X}") }).collect();
            prop_assert_eq!(normalise(&parts.join(sep)), Some(hex::encode_upper(bytes)));
        }
    }
}
