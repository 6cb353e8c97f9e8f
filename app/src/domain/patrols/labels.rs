//! Printable QR labels for a route's areas: A4 sheets of 3 × 5 labels, as SVG in
//! millimetres, so that the printer's scale is the only thing to get right. Each label
//! carries the area's code as its QR content and in print beneath, for manual entry.

use super::routes::Area;
use std::fmt::Write;

const COLUMNS: usize = 3;
const ROWS: usize = 5;
pub const PER_SHEET: usize = COLUMNS * ROWS;
const PAGE_W: f64 = 210.0;
const PAGE_H: f64 = 297.0;
const MARGIN: f64 = 10.0;
const QR_MM: f64 = 34.0;

/// One A4 sheet per 15 areas, each an SVG document.
pub fn sheets(route_name: &str, areas: &[Area]) -> Vec<String> {
    areas
        .chunks(PER_SHEET)
        .map(|chunk| sheet(route_name, chunk))
        .collect()
}

fn sheet(route_name: &str, areas: &[Area]) -> String {
    let cell_w = (PAGE_W - 2.0 * MARGIN) / COLUMNS as f64;
    let cell_h = (PAGE_H - 2.0 * MARGIN) / ROWS as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}mm" height="{PAGE_H}mm" viewBox="0 0 {PAGE_W} {PAGE_H}" font-family="sans-serif">"#
    );
    for (i, area) in areas.iter().enumerate() {
        let x = MARGIN + (i % COLUMNS) as f64 * cell_w;
        let y = MARGIN + (i / COLUMNS) as f64 * cell_h;
        let _ = write!(
            svg,
            r##"<g class="label" data-code="{code}"><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="none" stroke="#999" stroke-width="0.2" stroke-dasharray="1,1"/>"##,
            code = escape(&area.code),
            w = cell_w,
            h = cell_h,
        );
        qr(&mut svg, &area.code, x + (cell_w - QR_MM) / 2.0, y + 4.0);
        let cx = x + cell_w / 2.0;
        let _ = write!(
            svg,
            r##"<text x="{cx:.2}" y="{ty:.2}" font-size="4.2" font-weight="bold" text-anchor="middle">{name}</text><text x="{cx:.2}" y="{cy:.2}" font-size="5" font-family="monospace" text-anchor="middle">{code}</text><text x="{cx:.2}" y="{ry:.2}" font-size="2.8" fill="#555" text-anchor="middle">{route}</text></g>"##,
            ty = y + QR_MM + 9.5,
            cy = y + QR_MM + 15.0,
            ry = y + QR_MM + 19.5,
            name = escape(&area.name),
            code = escape(&area.code),
            route = escape(route_name),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Draws the code's QR symbol as one path of dark modules, `QR_MM` wide at (x, y).
fn qr(svg: &mut String, content: &str, x: f64, y: f64) {
    let Ok(code) = qrcode::QrCode::new(content.as_bytes()) else {
        return;
    };
    let n = code.width();
    // Four modules of quiet zone on each side, as scanners expect.
    let module = QR_MM / (n + 8) as f64;
    let colors = code.to_colors();
    let _ = write!(svg, r##"<path fill="#000" d=""##);
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let mx = x + (i % n + 4) as f64 * module;
            let my = y + (i / n + 4) as f64 * module;
            let _ = write!(
                svg,
                "M{mx:.3} {my:.3}h{module:.3}v{module:.3}h-{module:.3}z"
            );
        }
    }
    svg.push_str(r#""/>"#);
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
