//! The firmware image the user picked: its size and SHA-256, computed where it is (the browser).

use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareImage {
    pub name: String,
    pub size_bytes: u64,
    pub sha256_hex: String,
}

impl FirmwareImage {
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Self {
        Self { name: name.to_owned(), size_bytes: bytes.len() as u64, sha256_hex: hex::encode(Sha256::digest(bytes)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_the_standard_sha256() {
        let image = FirmwareImage::from_bytes("fw.bin", b"abc");
        assert_eq!(image.size_bytes, 3);
        assert_eq!(image.sha256_hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
