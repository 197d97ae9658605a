//! Reading a firmware image the user picked or dropped: in the browser, never uploaded.

use fuota_core::input::firmware::{FirmwareHasher, FirmwareImage};
use fuota_core::wire::error::Field;
use fuota_core::ConsoleError;
use wasm_bindgen_futures::JsFuture;

/// Images larger than this are not hashed (their size is still taken): hashing takes time.
pub const MAX_HASHED_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// How much of the image is in the page at a time.
const SLICE_BYTES: f64 = 1024.0 * 1024.0;

pub async fn read_image(file: &web_sys::File) -> Result<FirmwareImage, ConsoleError> {
    if file.size() > MAX_HASHED_BYTES {
        return Err(ConsoleError::invalid(Field::FirmwareSize, "Over 64 MiB: its size is taken, but its SHA-256 is not computed in the page."));
    }
    let unreadable = || ConsoleError::invalid(Field::FirmwareSize, "The browser could not read that file: pick it again, or type its size.");
    let mut hasher = FirmwareHasher::new(&file.name());
    // One slice's buffer, reused: the image as a whole is never in the wasm memory.
    let mut slice_bytes = Vec::new();
    let mut start = 0.0;
    while start < file.size() {
        let end = (start + SLICE_BYTES).min(file.size());
        let slice = file.slice_with_f64_and_f64(start, end).map_err(|_| unreadable())?;
        let buffer = JsFuture::from(slice.array_buffer()).await.map_err(|_| unreadable())?;
        let view = js_sys::Uint8Array::new(&buffer);
        slice_bytes.resize(view.length() as usize, 0);
        view.copy_to(&mut slice_bytes);
        hasher.update(&slice_bytes);
        start = end;
    }
    Ok(hasher.finish())
}
