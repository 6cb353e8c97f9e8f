//! A patrol run (巡查记录): one walk of a route, on a tablet, mostly offline. It keeps
//! the route's areas and checklist as they were when it started, each check-in with
//! its time and how it was made, every answer (a corrected answer is added, never
//! overwritten), the pauses, and the end.

use super::routes::{Area, Item, ItemKind, Route};
use super::schedule::Slot;
use super::*;
use crate::domain::cases::{photos, Photo};
use crate::domain::rules::{need, optional_text, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    InProgress,
    Paused,
    Finished,
}

words!(RunStatus, "run.status", [
    InProgress => "in_progress",
    Paused => "paused",
    Finished => "finished",
]);

/// How the patrol proved they were at the area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInMethod {
    /// The camera read the area's QR label.
    Scan,
    /// The code printed under the label, typed.
    Manual,
}

words!(CheckInMethod, "run.check_in", [
    Scan => "scan",
    Manual => "manual",
]);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub how: CheckInMethod,
    pub stamp: Stamp,
}

/// An answer to one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case", try_from = "ValueWire")]
pub enum Value {
    Pass,
    Fail,
    NotApplicable,
    Number { value: f64 },
    Text { text: String },
}

/// An answer as it comes in; a field another kind of answer has is refused, not
/// dropped.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueWire {
    answer: ValueWord,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ValueWord {
    Pass,
    Fail,
    NotApplicable,
    Number,
    Text,
}

impl TryFrom<ValueWire> for Value {
    type Error = &'static str;

    fn try_from(w: ValueWire) -> Result<Self, Self::Error> {
        match (w.answer, w.value, w.text) {
            (ValueWord::Pass, None, None) => Ok(Value::Pass),
            (ValueWord::Fail, None, None) => Ok(Value::Fail),
            (ValueWord::NotApplicable, None, None) => Ok(Value::NotApplicable),
            (ValueWord::Number, Some(value), None) => Ok(Value::Number { value }),
            (ValueWord::Text, None, Some(text)) => Ok(Value::Text { text }),
            (ValueWord::Number, None, _) => Err("a number answer needs `value`"),
            (ValueWord::Text, _, None) => Err("a text answer needs `text`"),
            _ => Err("`value` is only for a number answer and `text` only for a text answer"),
        }
    }
}

impl Value {
    /// Whether this answer to `item` is a nonconformity; `None` when the answer does
    /// not fit the item.
    pub fn fails(&self, item: &Item) -> Option<bool> {
        match (&item.kind, self) {
            (ItemKind::Check, Value::Pass | Value::NotApplicable) => Some(false),
            (ItemKind::Check, Value::Fail) => Some(true),
            (ItemKind::Number { min, max, .. }, Value::Number { value }) => Some(
                !value.is_finite()
                    || min.is_some_and(|lo| *value < lo)
                    || max.is_some_and(|hi| *value > hi),
            ),
            (ItemKind::Number { .. } | ItemKind::Text, Value::NotApplicable) => Some(false),
            (ItemKind::Text, Value::Text { .. }) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The item's place in its area's list.
    pub item: usize,
    pub value: Value,
    pub failed: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// The nonconformity a failed answer raised.
    #[serde(default)]
    pub finding_id: Option<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunArea {
    pub code: String,
    pub name: String,
    pub items: Vec<Item>,
    #[serde(default)]
    pub check_in: Option<CheckIn>,
    /// Every answer given, in order; the last one per item counts.
    #[serde(default)]
    pub answers: Vec<Answer>,
}

impl RunArea {
    fn from_area(a: &Area) -> RunArea {
        RunArea {
            code: a.code.clone(),
            name: a.name.clone(),
            items: a.items.clone(),
            check_in: None,
            answers: Vec::new(),
        }
    }

    /// The answer that counts for an item.
    pub fn answer(&self, item: usize) -> Option<&Answer> {
        self.answers.iter().rev().find(|a| a.item == item)
    }

    pub fn answered(&self) -> usize {
        (0..self.items.len())
            .filter(|i| self.answer(*i).is_some())
            .count()
    }

    /// Checked in and every item answered.
    pub fn is_complete(&self) -> bool {
        self.check_in.is_some() && self.answered() == self.items.len()
    }

    pub fn failures(&self) -> usize {
        (0..self.items.len())
            .filter(|i| self.answer(*i).is_some_and(|a| a.failed))
            .count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub paused: Stamp,
    #[serde(default)]
    pub resumed: Option<Stamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub id: String,
    pub estate_id: String,
    pub route_id: String,
    pub route_name: String,
    pub department: Department,
    /// The route's version this run was made with.
    pub version: u32,
    /// The schedule slot it started in.
    pub slot: Slot,
    pub status: RunStatus,
    pub started: Stamp,
    pub areas: Vec<RunArea>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub finished: Option<Stamp>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Run {
    pub fn area(&self, code: &str) -> Option<&RunArea> {
        self.areas
            .iter()
            .find(|a| a.code.eq_ignore_ascii_case(code.trim()))
    }

    pub fn complete_areas(&self) -> usize {
        self.areas.iter().filter(|a| a.is_complete()).count()
    }

    pub fn failures(&self) -> usize {
        self.areas.iter().map(RunArea::failures).sum()
    }

    pub fn photo_names(&self) -> Vec<String> {
        self.areas
            .iter()
            .flat_map(|a| &a.answers)
            .flat_map(|a| &a.photos)
            .map(|p| p.sha256.clone())
            .collect()
    }

    pub fn mark_pending(&mut self, stored: &impl Fn(&str) -> bool) {
        for p in self
            .areas
            .iter_mut()
            .flat_map(|a| &mut a.answers)
            .flat_map(|a| &mut a.photos)
        {
            p.pending = !stored(&p.sha256);
        }
    }
}

/// `run.start`'s payload: the route, and the version the device showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRun {
    pub route_id: String,
    pub version: u32,
}

/// `run.check_in`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInArea {
    pub code: String,
    pub how: CheckInMethod,
}

/// `run.answer`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerItem {
    pub code: String,
    pub item: usize,
    pub value: Value,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    /// The id of the nonconformity the device raises for a failed answer.
    #[serde(default)]
    pub finding_id: Option<String>,
}

/// `run.finish`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishRun {
    #[serde(default)]
    pub note: Option<String>,
}

pub fn start(existing: Option<&Run>, p: &StartRun, cx: &Context<'_>) -> Result<Run, Rejection> {
    require_inspector(cx.actor)?;
    fresh(existing, "run")?;
    let route: Route = cx
        .facts
        .route(&p.route_id)
        .filter(|r| cx.actor.estate_ids.contains(&r.estate_id))
        .ok_or_else(|| Rejection::new(RejectCode::NotFound, "no such route"))?;
    need(
        route.is_active(),
        RejectCode::InvalidTransition,
        "the route is retired",
    )?;
    let version = route.version(p.version).ok_or_else(|| {
        Rejection::new(
            RejectCode::NotFound,
            format!("the route has no version {}", p.version),
        )
    })?;
    Ok(Run {
        id: cx.entity_id.to_string(),
        estate_id: route.estate_id.clone(),
        route_id: route.id.clone(),
        route_name: route.name.clone(),
        department: route.department,
        version: version.version,
        slot: route.schedule.slot_at(cx.at),
        status: RunStatus::InProgress,
        started: Stamp::of(cx),
        areas: version.areas.iter().map(RunArea::from_area).collect(),
        pauses: Vec::new(),
        finished: None,
        note: None,
    })
}

/// The run, if the actor is the one who walks it and it is under way.
fn walking<'r>(existing: Option<&'r Run>, cx: &Context<'_>) -> Result<&'r Run, Rejection> {
    require_inspector(cx.actor)?;
    let run = seen(existing, |r: &Run| &r.estate_id, cx.actor, "run")?;
    forbid_unless(
        run.started.by == cx.actor.id,
        "only the person who started a run records on it",
    )?;
    match run.status {
        RunStatus::InProgress => Ok(run),
        RunStatus::Paused => Err(Rejection::new(
            RejectCode::InvalidTransition,
            "the run is paused: resume it first",
        )),
        RunStatus::Finished => Err(Rejection::new(
            RejectCode::InvalidTransition,
            "the run is finished",
        )),
    }
}

fn area_index(run: &Run, code: &str) -> Result<usize, Rejection> {
    run.areas
        .iter()
        .position(|a| a.code.eq_ignore_ascii_case(code.trim()))
        .ok_or_else(|| {
            Rejection::new(
                RejectCode::BadPayload,
                format!("code {} is not an area of this route", code.trim()),
            )
        })
}

pub fn check_in(
    existing: Option<&Run>,
    p: &CheckInArea,
    cx: &Context<'_>,
) -> Result<Run, Rejection> {
    let run = walking(existing, cx)?;
    let i = area_index(run, &p.code)?;
    need(
        run.areas[i].check_in.is_none(),
        RejectCode::InvalidTransition,
        &format!("already checked in at {}", run.areas[i].name),
    )?;
    let mut next = run.clone();
    next.areas[i].check_in = Some(CheckIn {
        how: p.how,
        stamp: Stamp::of(cx),
    });
    Ok(next)
}

pub fn answer(existing: Option<&Run>, p: &AnswerItem, cx: &Context<'_>) -> Result<Run, Rejection> {
    let run = walking(existing, cx)?;
    let i = area_index(run, &p.code)?;
    let area = &run.areas[i];
    need(
        area.check_in.is_some(),
        RejectCode::InvalidTransition,
        &format!("check in at {} before answering its items", area.name),
    )?;
    let item = area.items.get(p.item).ok_or_else(|| {
        Rejection::new(
            RejectCode::BadPayload,
            format!("item {} is not on {}'s checklist", p.item, area.name),
        )
    })?;
    let failed = p.value.fails(item).ok_or_else(|| {
        Rejection::new(
            RejectCode::BadPayload,
            format!("value does not answer \"{}\"", item.label),
        )
    })?;
    let value = match &p.value {
        Value::Text { text: t } => Value::Text {
            text: text("value.text", t, MAX_NOTE_CHARS, true)?,
        },
        v => v.clone(),
    };
    let photos = photos(&p.photos)?;
    need(
        !(failed && item.photo_on_fail && photos.is_empty()),
        RejectCode::BadPayload,
        &format!("a photo is required when \"{}\" fails", item.label),
    )?;
    need(
        failed == p.finding_id.is_some(),
        RejectCode::BadPayload,
        "finding_id names the nonconformity a failed answer raises, and only then",
    )?;
    let mut next = run.clone();
    next.areas[i].answers.push(Answer {
        item: p.item,
        value,
        failed,
        note: optional_text("note", &p.note, MAX_NOTE_CHARS)?,
        photos,
        finding_id: p.finding_id.clone(),
        stamp: Stamp::of(cx),
    });
    Ok(next)
}

pub fn pause(existing: Option<&Run>, cx: &Context<'_>) -> Result<Run, Rejection> {
    let run = walking(existing, cx)?;
    let mut next = run.clone();
    next.status = RunStatus::Paused;
    next.pauses.push(Pause {
        paused: Stamp::of(cx),
        resumed: None,
    });
    Ok(next)
}

pub fn resume(existing: Option<&Run>, cx: &Context<'_>) -> Result<Run, Rejection> {
    require_inspector(cx.actor)?;
    let run = seen(existing, |r: &Run| &r.estate_id, cx.actor, "run")?;
    forbid_unless(
        run.started.by == cx.actor.id,
        "only the person who started a run records on it",
    )?;
    need(
        run.status == RunStatus::Paused,
        RejectCode::InvalidTransition,
        "only a paused run can be resumed",
    )?;
    let mut next = run.clone();
    next.status = RunStatus::InProgress;
    if let Some(p) = next.pauses.last_mut() {
        p.resumed = Some(Stamp::of(cx));
    }
    Ok(next)
}

pub fn finish(existing: Option<&Run>, p: &FinishRun, cx: &Context<'_>) -> Result<Run, Rejection> {
    let run = walking(existing, cx)?;
    let note = optional_text("note", &p.note, MAX_NOTE_CHARS)?;
    let left = run.areas.len() - run.complete_areas();
    need(
        left == 0 || note.is_some(),
        RejectCode::BadPayload,
        &format!("{left} areas are not complete: say why in the note"),
    )?;
    let mut next = run.clone();
    next.status = RunStatus::Finished;
    next.finished = Some(Stamp::of(cx));
    next.note = note;
    Ok(next)
}
