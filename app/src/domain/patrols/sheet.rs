//! A route's areas written as plain lines, so a supervisor can edit a checklist in one
//! text box, offline, on any device:
//!
//! ```text
//! [B1-PUMP] Basement pump room
//! - Pumps running quietly {photo}
//! - Pressure {number MPa 0.3..0.6}
//! - Remarks {text}
//! ```
//!
//! An area starts with its code in brackets and its name; each item is a line starting
//! with `-`. Marks in braces at the end: `{photo}` (a photo when it fails), `{number
//! UNIT MIN..MAX}` (a reading; unit and bounds optional) and `{text}`.

use super::routes::{Area, Item, ItemKind};
use std::fmt::Write;

/// A line that does not read, with its number (from 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SheetError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> SheetError {
    SheetError {
        line,
        message: message.into(),
    }
}

/// Reads the lines into areas; blank lines are skipped.
pub fn parse(sheet: &str) -> Result<Vec<Area>, SheetError> {
    let mut areas: Vec<Area> = Vec::new();
    for (i, raw) in sheet.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (code, name) = rest
                .split_once(']')
                .ok_or_else(|| err(n, "an area's code needs a closing ]"))?;
            areas.push(Area {
                code: code.trim().to_string(),
                name: name.trim().to_string(),
                items: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix('-') {
            let area = areas
                .last_mut()
                .ok_or_else(|| err(n, "an item comes before any [CODE] area line"))?;
            area.items.push(item(n, rest)?);
        } else {
            return Err(err(
                n,
                "start a line with [CODE] for an area or - for an item",
            ));
        }
    }
    Ok(areas)
}

fn item(n: usize, rest: &str) -> Result<Item, SheetError> {
    let mut label = rest.trim();
    let mut kind = ItemKind::Check;
    let mut photo_on_fail = false;
    while let Some(body) = label.strip_suffix('}') {
        let open = body.rfind('{').ok_or_else(|| err(n, "a } without its {"))?;
        let mark = body[open + 1..].trim();
        label = body[..open].trim_end();
        let mut words = mark.split_whitespace();
        match words.next() {
            Some("photo") => photo_on_fail = true,
            Some("text") => kind = ItemKind::Text,
            Some("number") => {
                let mut unit = String::new();
                let (mut min, mut max) = (None, None);
                for w in words {
                    if let Some((lo, hi)) = w.split_once("..") {
                        let bound = |s: &str| -> Result<Option<f64>, SheetError> {
                            if s.is_empty() {
                                Ok(None)
                            } else {
                                s.parse()
                                    .map(Some)
                                    .map_err(|_| err(n, format!("{s} is not a number")))
                            }
                        };
                        min = bound(lo)?;
                        max = bound(hi)?;
                    } else {
                        unit = w.to_string();
                    }
                }
                kind = ItemKind::Number { unit, min, max };
            }
            _ => return Err(err(n, format!("unknown mark {{{mark}}}"))),
        }
    }
    if label.is_empty() {
        return Err(err(n, "an item needs a label"));
    }
    Ok(Item {
        label: label.to_string(),
        kind,
        photo_on_fail,
    })
}

/// Writes areas as lines that [`parse`] reads back.
pub fn print(areas: &[Area]) -> String {
    let mut out = String::new();
    for (i, a) in areas.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "[{}] {}", a.code, a.name);
        for it in &a.items {
            out.push_str("- ");
            out.push_str(&it.label);
            match &it.kind {
                ItemKind::Check => {}
                ItemKind::Text => out.push_str(" {text}"),
                ItemKind::Number { unit, min, max } => {
                    out.push_str(" {number");
                    if !unit.is_empty() {
                        let _ = write!(out, " {unit}");
                    }
                    if min.is_some() || max.is_some() {
                        let b = |v: &Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
                        let _ = write!(out, " {}..{}", b(min), b(max));
                    }
                    out.push('}');
                }
            }
            if it.photo_on_fail {
                out.push_str(" {photo}");
            }
            out.push('\n');
        }
    }
    out
}
