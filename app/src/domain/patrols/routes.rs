//! Routes (巡查路线): an ordered list of areas, each with its checklist, and a schedule.
//! A route is its own template: every revision is a new version kept beside the old
//! ones, so a run always shows the checklist it was made with.

use super::schedule::Schedule;
use super::*;
use crate::domain::rules::{need, text};

/// The most areas one route lists, and items one area's checklist holds.
pub const MAX_AREAS: usize = 80;
pub const MAX_ITEMS: usize = 40;
/// An area's code, as printed in its QR label.
pub const MAX_CODE_CHARS: usize = 32;

/// What answers an item takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "KindWire")]
pub enum ItemKind {
    /// Pass, fail or not applicable.
    Check,
    /// A reading (meter, temperature); outside its bounds it fails.
    Number {
        #[serde(default)]
        unit: String,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    /// A written answer; never fails.
    Text,
}

/// An item kind as it comes in; a field another kind has is refused, not dropped
/// (`deny_unknown_fields` does not reach a tagged enum's unit variants).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindWire {
    #[serde(rename = "type")]
    kind: KindWord,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindWord {
    Check,
    Number,
    Text,
}

impl TryFrom<KindWire> for ItemKind {
    type Error = &'static str;

    fn try_from(w: KindWire) -> Result<Self, Self::Error> {
        let plain = w.unit.is_none() && w.min.is_none() && w.max.is_none();
        match w.kind {
            KindWord::Check if plain => Ok(ItemKind::Check),
            KindWord::Text if plain => Ok(ItemKind::Text),
            KindWord::Number => Ok(ItemKind::Number {
                unit: w.unit.unwrap_or_default(),
                min: w.min,
                max: w.max,
            }),
            _ => Err("`unit`, `min` and `max` are only for a number item"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    /// A failed answer must carry a photo.
    #[serde(default)]
    pub photo_on_fail: bool,
}

/// An area or facility on the route, with the code its label carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub items: Vec<Item>,
}

/// One version of a route's areas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteVersion {
    pub version: u32,
    pub areas: Vec<Area>,
    pub made: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub id: String,
    pub estate_id: String,
    pub name: String,
    /// The department whose work the route inspects; findings go to it by default.
    pub department: Department,
    pub schedule: Schedule,
    /// Every version, oldest first; the last is current.
    pub versions: Vec<RouteVersion>,
    #[serde(default)]
    pub retired: Option<Stamp>,
    #[serde(default)]
    pub retire_reason: Option<String>,
}

impl Route {
    pub fn current(&self) -> &RouteVersion {
        // A route is made with one version and only ever gains more.
        &self.versions[self.versions.len() - 1]
    }

    pub fn version(&self, v: u32) -> Option<&RouteVersion> {
        self.versions.iter().find(|x| x.version == v)
    }

    pub fn is_active(&self) -> bool {
        self.retired.is_none()
    }
}

/// `route.define`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefineRoute {
    #[serde(default)]
    pub estate_id: Option<String>,
    pub name: String,
    pub department: Department,
    pub schedule: Schedule,
    pub areas: Vec<Area>,
}

/// `route.revise`'s payload: the areas as they are to be from now on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviseRoute {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
    pub areas: Vec<Area>,
}

/// `route.retire`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetireRoute {
    pub reason: String,
}

/// Areas as they may be kept: names and labels trimmed and bounded, codes unique.
pub fn check_areas(areas: &[Area]) -> Result<Vec<Area>, Rejection> {
    need(
        !areas.is_empty() && areas.len() <= MAX_AREAS,
        RejectCode::BadPayload,
        &format!("areas must list 1 to {MAX_AREAS} areas"),
    )?;
    let mut out: Vec<Area> = Vec::with_capacity(areas.len());
    for a in areas {
        // Checked before upper-casing: only ASCII keeps its length when upper-cased.
        let code = text("areas.code", &a.code, MAX_CODE_CHARS, true)?;
        need(
            code.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            RejectCode::BadPayload,
            "areas.code may hold only letters, digits, - and _",
        )?;
        let code = code.to_ascii_uppercase();
        need(
            !out.iter().any(|o| o.code == code),
            RejectCode::BadPayload,
            &format!("area code {code} is used twice"),
        )?;
        need(
            !a.items.is_empty() && a.items.len() <= MAX_ITEMS,
            RejectCode::BadPayload,
            &format!("area {code} must list 1 to {MAX_ITEMS} items"),
        )?;
        let mut items = Vec::with_capacity(a.items.len());
        for i in &a.items {
            let kind = match &i.kind {
                ItemKind::Number { unit, min, max } => {
                    need(
                        min.is_none_or(f64::is_finite)
                            && max.is_none_or(f64::is_finite)
                            && !matches!((min, max), (Some(lo), Some(hi)) if lo > hi),
                        RejectCode::BadPayload,
                        "a number item's min must not be above its max",
                    )?;
                    let unit = text("items.unit", unit, 12, false)?;
                    // The sheet writes a unit as one word before the bounds.
                    need(
                        !unit.contains(char::is_whitespace)
                            && !unit.contains("..")
                            && !unit.contains(['{', '}']),
                        RejectCode::BadPayload,
                        "items.unit must be one word, without .. or braces",
                    )?;
                    ItemKind::Number {
                        unit,
                        min: *min,
                        max: *max,
                    }
                }
                k => k.clone(),
            };
            items.push(Item {
                label: text("items.label", &i.label, MAX_NOTE_CHARS.min(200), true)?,
                kind,
                photo_on_fail: i.photo_on_fail,
            });
        }
        out.push(Area {
            code,
            name: text("areas.name", &a.name, MAX_NAME_CHARS, true)?,
            items,
        });
    }
    Ok(out)
}

pub fn define(
    existing: Option<&Route>,
    p: &DefineRoute,
    cx: &Context<'_>,
) -> Result<Route, Rejection> {
    require_planner(cx.actor)?;
    fresh(existing, "route")?;
    let name = text("name", &p.name, MAX_NAME_CHARS, true)?;
    let schedule = p.schedule.checked()?;
    let areas = check_areas(&p.areas)?;
    let (estate_id, _) = place(cx.actor, cx.facts, None, p.estate_id.as_deref())?;
    Ok(Route {
        id: cx.entity_id.to_string(),
        estate_id,
        name,
        department: p.department,
        schedule,
        versions: vec![RouteVersion {
            version: 1,
            areas,
            made: Stamp::of(cx),
        }],
        retired: None,
        retire_reason: None,
    })
}

pub fn revise(
    existing: Option<&Route>,
    p: &ReviseRoute,
    cx: &Context<'_>,
) -> Result<Route, Rejection> {
    require_planner(cx.actor)?;
    let r = seen(existing, |r: &Route| &r.estate_id, cx.actor, "route")?;
    need(
        r.is_active(),
        RejectCode::InvalidTransition,
        "a retired route cannot be revised",
    )?;
    let areas = check_areas(&p.areas)?;
    let mut next = r.clone();
    if let Some(n) = &p.name {
        next.name = text("name", n, MAX_NAME_CHARS, true)?;
    }
    if let Some(s) = &p.schedule {
        next.schedule = s.checked()?;
    }
    next.versions.push(RouteVersion {
        version: r.current().version + 1,
        areas,
        made: Stamp::of(cx),
    });
    Ok(next)
}

pub fn retire(
    existing: Option<&Route>,
    p: &RetireRoute,
    cx: &Context<'_>,
) -> Result<Route, Rejection> {
    require_planner(cx.actor)?;
    let r = seen(existing, |r: &Route| &r.estate_id, cx.actor, "route")?;
    need(
        r.is_active(),
        RejectCode::InvalidTransition,
        "the route is already retired",
    )?;
    let mut next = r.clone();
    next.retired = Some(Stamp::of(cx));
    next.retire_reason = Some(text("reason", &p.reason, MAX_NOTE_CHARS, true)?);
    Ok(next)
}
