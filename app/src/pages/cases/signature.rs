//! A signature pad: a canvas the resident draws on with a finger, pen or mouse.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// The point under the pointer, in the canvas's own pixels.
fn point(canvas: &web_sys::HtmlCanvasElement, ev: &web_sys::PointerEvent) -> (f64, f64) {
    let r = canvas.get_bounding_client_rect();
    let sx = f64::from(canvas.width()) / r.width().max(1.0);
    let sy = f64::from(canvas.height()) / r.height().max(1.0);
    (
        (f64::from(ev.client_x()) - r.left()) * sx,
        (f64::from(ev.client_y()) - r.top()) * sy,
    )
}

#[component]
pub(crate) fn SignaturePad(
    canvas: NodeRef<leptos::html::Canvas>,
    drawn: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let down = StoredValue::new(false);
    let start = move |ev: web_sys::PointerEvent| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let Some(ctx) = context(&c) else { return };
        let (x, y) = point(&c, &ev);
        ctx.set_line_width(3.0);
        ctx.set_line_cap("round");
        ctx.set_stroke_style_str("#111");
        ctx.begin_path();
        ctx.move_to(x, y);
        down.set_value(true);
        ev.prevent_default();
    };
    let draw = move |ev: web_sys::PointerEvent| {
        if !down.get_value() {
            return;
        }
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let Some(ctx) = context(&c) else { return };
        let (x, y) = point(&c, &ev);
        ctx.line_to(x, y);
        ctx.stroke();
        drawn.set(true);
        ev.prevent_default();
    };
    let stop = move |_| down.set_value(false);
    let clear = move |_| {
        if let Some(c) = canvas.get_untracked() {
            if let Some(ctx) = context(&c) {
                ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
            }
        }
        drawn.set(false);
    };
    view! {
        <div class="signature-pad">
            <canvas node_ref=canvas width="600" height="200" data-testid="signature-pad"
                on:pointerdown=start on:pointermove=draw on:pointerup=stop on:pointerleave=stop></canvas>
            <button type="button" data-testid="signature-clear" on:click=clear>{move || i18n.t("cases.clear")}</button>
        </div>
    }
}
