//! Phone calls (来电): who called, about what, who answered, what came of it, and the
//! callback owed. A call that needs work becomes a case; the call keeps its link.

use super::*;
use crate::domain::rules::{need, optional_text, text};
use crate::domain::Department;

/// What came of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Answered on the spot.
    Answered,
    /// Passed to a department.
    Referred,
    /// We owe the caller a call back.
    Callback,
}

words!(CallOutcome, "call.outcome", [
    Answered => "answered",
    Referred => "referred",
    Callback => "callback",
]);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub id: String,
    pub estate_id: String,
    pub caller: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub unit_label: Option<String>,
    pub topic: String,
    #[serde(default)]
    pub notes: String,
    pub outcome: CallOutcome,
    #[serde(default)]
    pub department: Option<Department>,
    /// Who answered, and when.
    pub answered: Stamp,
    #[serde(default)]
    pub callback_due: Option<i64>,
    #[serde(default)]
    pub called_back: Option<Stamp>,
    #[serde(default)]
    pub callback_note: Option<String>,
    /// The case the call became.
    #[serde(default)]
    pub case_id: Option<String>,
}

impl Call {
    /// A callback is owed and not yet made.
    pub fn owes_callback(&self) -> bool {
        self.outcome == CallOutcome::Callback && self.called_back.is_none()
    }
}

/// `call.log`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogCall {
    pub caller: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub estate_id: Option<String>,
    pub topic: String,
    #[serde(default)]
    pub notes: String,
    pub outcome: CallOutcome,
    #[serde(default)]
    pub department: Option<Department>,
    /// When the callback is due (required when the outcome is a callback).
    #[serde(default)]
    pub callback_due: Option<i64>,
}

/// `call.callback`'s payload: the callback made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    #[serde(default)]
    pub note: String,
}

/// `call.link_case`'s payload: the case the call became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkCase {
    pub case_id: String,
}

pub fn log(existing: Option<&Call>, p: &LogCall, cx: &Context<'_>) -> Result<Call, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "call")?;
    let caller = text("caller", &p.caller, MAX_NAME_CHARS, true)?;
    let phone = phone("phone", &p.phone)?;
    let topic = text("topic", &p.topic, MAX_NOTE_CHARS, true)?;
    let notes = text("notes", &p.notes, MAX_BODY_CHARS, false)?;
    let callback_due = match (p.outcome, p.callback_due) {
        (CallOutcome::Callback, Some(t)) => Some(time("callback_due", t)?),
        (CallOutcome::Callback, None) => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "callback_due is required when a callback is owed",
            ))
        }
        (_, Some(_)) => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "callback_due only goes with the callback outcome",
            ))
        }
        (_, None) => None,
    };
    need(
        p.outcome != CallOutcome::Referred || p.department.is_some(),
        RejectCode::BadPayload,
        "department is required when the call is referred",
    )?;
    let (estate_id, unit) = place(
        cx.actor,
        cx.facts,
        p.unit_id.as_deref(),
        p.estate_id.as_deref(),
    )?;
    Ok(Call {
        id: cx.entity_id.to_string(),
        estate_id,
        caller,
        phone,
        unit_id: p.unit_id.clone(),
        unit_label: unit.map(|u| u.label),
        topic,
        notes,
        outcome: p.outcome,
        department: p.department,
        answered: Stamp::of(cx),
        callback_due,
        called_back: None,
        callback_note: None,
        case_id: None,
    })
}

pub fn callback(
    existing: Option<&Call>,
    p: &Callback,
    cx: &Context<'_>,
) -> Result<Call, Rejection> {
    require_desk(cx.actor)?;
    let c = seen(existing, |c: &Call| &c.estate_id, cx.actor, "call")?;
    need(
        c.owes_callback(),
        RejectCode::InvalidTransition,
        if c.called_back.is_some() {
            "the caller was already called back"
        } else {
            "no callback is owed on this call"
        },
    )?;
    let note = optional_text("note", &Some(p.note.clone()), MAX_NOTE_CHARS)?;
    let mut next = c.clone();
    next.called_back = Some(Stamp::of(cx));
    next.callback_note = note;
    Ok(next)
}

pub fn link_case(
    existing: Option<&Call>,
    p: &LinkCase,
    cx: &Context<'_>,
) -> Result<Call, Rejection> {
    require_desk(cx.actor)?;
    let c = seen(existing, |c: &Call| &c.estate_id, cx.actor, "call")?;
    need(
        crate::domain::sync::is_uuid(&p.case_id),
        RejectCode::BadPayload,
        "case_id is not a UUID",
    )?;
    need(
        c.case_id.is_none(),
        RejectCode::InvalidTransition,
        "the call already became a case",
    )?;
    let mut next = c.clone();
    next.case_id = Some(p.case_id.clone());
    Ok(next)
}
