//! Reading a firmware image the user picked or dropped: in the browser, never uploaded.

use fuota_core::error::Field;
use fuota_core::firmware::FirmwareImage;
use fuota_core::ConsoleError;
use wasm_bindgen_futures::JsFuture;

pub async fn read_image(file: &web_sys::File) -> Result<FirmwareImage, ConsoleError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ConsoleError::invalid(Field::FirmwareSize, "The browser could not read that file: pick it again, or type its size."))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok(FirmwareImage::from_bytes(&file.name(), &bytes))
}
