//! The firmware image the user picked: its size and SHA-256, computed where it is (the browser).

use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareImage {
    pub name: String,
    pub size_bytes: u64,
    pub sha256_hex: String,
}

#[cfg(test)]
impl FirmwareImage {
    /// The image of bytes held whole (the page reads files slice by slice; the tests have bytes).
    fn from_bytes(name: &str, bytes: &[u8]) -> Self {
        let mut hasher = FirmwareHasher::new(name);
        hasher.update(bytes);
        hasher.finish()
    }
}

/// The image read slice by slice: the page never holds more of it than one slice, so a large
/// image does not grow the wasm memory for good (it never shrinks).
pub struct FirmwareHasher {
    name: String,
    size_bytes: u64,
    sha256: Sha256,
}

impl FirmwareHasher {
    pub fn new(name: &str) -> Self {
        Self { name: name.to_owned(), size_bytes: 0, sha256: Sha256::new() }
    }

    pub fn update(&mut self, slice: &[u8]) {
        self.size_bytes += slice.len() as u64;
        self.sha256.update(slice);
    }

    pub fn finish(self) -> FirmwareImage {
        FirmwareImage { name: self.name, size_bytes: self.size_bytes, sha256_hex: hex::encode(self.sha256.finalize()) }
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

    proptest::proptest! {
        /// However the image is cut into slices, the size and digest are the whole image's.
        #[test]
        fn slices_give_the_digest_of_the_whole(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000), cut in 1usize..700) {
            let mut hasher = FirmwareHasher::new("fw.bin");
            for slice in bytes.chunks(cut) {
                hasher.update(slice);
            }
            proptest::prop_assert_eq!(hasher.finish(), FirmwareImage { name: "fw.bin".into(), size_bytes: bytes.len() as u64, sha256_hex: hex::encode(Sha256::digest(&bytes)) });
        }
    }
}
