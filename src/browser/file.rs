//! Reading a firmware image the user picked or dropped: in the browser, never uploaded.

use fuota_core::error::Field;
use fuota_core::firmware::FirmwareImage;
use fuota_core::ConsoleError;
use wasm_bindgen_futures::JsFuture;

/// Images larger than this are not read into the page (their size is still taken).
pub const MAX_HASHED_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

pub async fn read_image(file: &web_sys::File) -> Result<FirmwareImage, ConsoleError> {
    if file.size() > MAX_HASHED_BYTES {
        return Err(ConsoleError::invalid(
            Field::FirmwareSize,
            "Over 64 MiB: its size is taken, but its SHA-256 is not computed in the page.",
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ConsoleError::invalid(Field::FirmwareSize, "The browser could not read that file: pick it again, or type its size."))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok(FirmwareImage::from_bytes(&file.name(), &bytes))
}
