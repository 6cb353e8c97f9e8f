//! Photos are downscaled on the device before they are kept: a patrol takes many, and
//! both IndexedDB and the upload on a weak signal should carry hundreds of KB, not MB.

use app::device::LocalPhoto;
use sha2::{Digest, Sha256};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The longest side of a kept photo, in pixels.
const MAX_SIDE: f64 = 1600.0;
/// JPEG quality of a kept photo.
const QUALITY: f64 = 0.82;

fn err(what: &str, e: JsValue) -> String {
    format!(
        "{what}: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    )
}

/// Decodes a picked or taken image, scales it to fit `MAX_SIDE`, encodes it as JPEG and
/// names it by its SHA-256.
pub async fn prepare(file: web_sys::File) -> Result<LocalPhoto, String> {
    let window = web_sys::window().ok_or("no window")?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(
        window
            .create_image_bitmap_with_blob(&file)
            .map_err(|e| err("not an image", e))?,
    )
    .await
    .map_err(|e| err("not an image", e))?
    .dyn_into()
    .map_err(|e| err("not an image", e))?;
    let (w, h) = (bitmap.width() as f64, bitmap.height() as f64);
    let scale = (MAX_SIDE / w.max(h)).min(1.0);
    let (tw, th) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let canvas: web_sys::HtmlCanvasElement = window
        .document()
        .ok_or("no document")?
        .create_element("canvas")
        .map_err(|e| err("canvas", e))?
        .dyn_into()
        .map_err(|e| err("canvas", e.into()))?;
    canvas.set_width(tw as u32);
    canvas.set_height(th as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(|e| err("canvas", e))?
        .ok_or("no 2d canvas")?
        .dyn_into()
        .map_err(|e| err("canvas", e.into()))?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th)
        .map_err(|e| err("draw", e))?;
    bitmap.close();
    let bytes = encode(&canvas, "image/jpeg", QUALITY).await?;
    Ok(LocalPhoto {
        sha256: hex::encode(Sha256::digest(&bytes)),
        mime: "image/jpeg".into(),
        bytes,
    })
}

/// A drawn signature, kept as PNG (sharp strokes, small files).
pub async fn signature(canvas: web_sys::HtmlCanvasElement) -> Result<LocalPhoto, String> {
    let bytes = encode(&canvas, "image/png", 1.0).await?;
    Ok(LocalPhoto {
        sha256: hex::encode(Sha256::digest(&bytes)),
        mime: "image/png".into(),
        bytes,
    })
}

/// The canvas's pixels encoded by the browser.
async fn encode(
    canvas: &web_sys::HtmlCanvasElement,
    mime: &str,
    quality: f64,
) -> Result<Vec<u8>, String> {
    let blob_promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = wasm_bindgen::closure::Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            mime,
            &JsValue::from_f64(quality),
        ) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob: web_sys::Blob = JsFuture::from(blob_promise)
        .await
        .map_err(|e| err("encode", e))?
        .dyn_into()
        .map_err(|_| "the browser could not encode the image".to_string())?;
    let buf = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| err("read", e))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// An object URL showing bytes kept on the device.
pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes).into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
