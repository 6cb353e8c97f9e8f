//! The duty log and the shift handover (值班记录·交接班). Each shift writes what
//! happened. It ends only when the next agent signs the handover, which lists what is
//! still open (cases due, keys out, visitors inside, callbacks owed); the next shift
//! starts carrying those items.

use super::*;
use crate::domain::cases::Person;
use crate::domain::rules::{need, text};

/// The most open items one handover carries.
pub const MAX_OPEN_ITEMS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    OnDuty,
    /// Handed over, waiting for the next agent to sign.
    HandingOver,
    /// The next agent signed: the shift is over.
    Ended,
}

words!(ShiftStatus, "shift.status", [
    OnDuty => "on_duty",
    HandingOver => "handing_over",
    Ended => "ended",
]);

/// What an open item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenItemKind {
    Case,
    Key,
    Visitor,
    Callback,
    Pass,
    Parcel,
    Other,
}

words!(OpenItemKind, "shift.item", [
    Case => "case",
    Key => "key",
    Visitor => "visitor",
    Callback => "callback",
    Pass => "pass",
    Parcel => "parcel",
    Other => "other",
]);

/// Something the next shift must follow up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenItem {
    pub kind: OpenItemKind,
    /// The record it is about, if any.
    #[serde(default)]
    pub ref_id: Option<String>,
    pub label: String,
}

/// One line of the duty log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub text: String,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub to: Person,
    #[serde(default)]
    pub notes: String,
    pub open_items: Vec<OpenItem>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub id: String,
    pub estate_id: String,
    pub agent: Person,
    pub started: Stamp,
    pub status: ShiftStatus,
    /// Open items the previous shift handed to this one.
    #[serde(default)]
    pub carried: Vec<OpenItem>,
    #[serde(default)]
    pub from_shift_id: Option<String>,
    #[serde(default)]
    pub entries: Vec<LogEntry>,
    #[serde(default)]
    pub handover: Option<Handover>,
    /// The next agent's signature on the handover.
    #[serde(default)]
    pub taken_over: Option<Stamp>,
}

/// `shift.start`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartShift {
    #[serde(default)]
    pub estate_id: Option<String>,
    /// The shift taken over, whose open items this one carries.
    #[serde(default)]
    pub from_shift_id: Option<String>,
    #[serde(default)]
    pub carried: Vec<OpenItem>,
}

/// `shift.log`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftLog {
    pub text: String,
}

/// `shift.hand_over`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandOverShift {
    /// The next agent, who must sign.
    pub to_id: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub open_items: Vec<OpenItem>,
}

/// `shift.take_over`'s payload: the next agent's signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeOver {}

fn items(field: &str, list: &[OpenItem]) -> Result<Vec<OpenItem>, Rejection> {
    need(
        list.len() <= MAX_OPEN_ITEMS,
        RejectCode::BadPayload,
        &format!("{field} holds at most {MAX_OPEN_ITEMS} items"),
    )?;
    list.iter()
        .map(|i| {
            Ok(OpenItem {
                kind: i.kind,
                ref_id: i.ref_id.clone(),
                label: text(&format!("{field}.label"), &i.label, MAX_NOTE_CHARS, true)?,
            })
        })
        .collect()
}

/// The agent of the shift, or a supervisor acting for them.
fn own<'s>(existing: Option<&'s Shift>, cx: &Context<'_>) -> Result<&'s Shift, Rejection> {
    require_desk(cx.actor)?;
    let s = seen(existing, |s: &Shift| &s.estate_id, cx.actor, "shift")?;
    forbid_unless(
        s.agent.id == cx.actor.id || approves(cx.actor.role),
        "only the agent on duty writes this shift",
    )?;
    Ok(s)
}

pub fn start(
    existing: Option<&Shift>,
    p: &StartShift,
    cx: &Context<'_>,
) -> Result<Shift, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "shift")?;
    let carried = items("carried", &p.carried)?;
    let (estate_id, _) = place(cx.actor, cx.facts, None, p.estate_id.as_deref())?;
    Ok(Shift {
        id: cx.entity_id.to_string(),
        estate_id,
        agent: Person {
            id: cx.actor.id.clone(),
            name: cx.actor.name.clone(),
        },
        started: Stamp::of(cx),
        status: ShiftStatus::OnDuty,
        carried,
        from_shift_id: p.from_shift_id.clone(),
        entries: Vec::new(),
        handover: None,
        taken_over: None,
    })
}

pub fn write(existing: Option<&Shift>, p: &ShiftLog, cx: &Context<'_>) -> Result<Shift, Rejection> {
    let s = own(existing, cx)?;
    let text = text("text", &p.text, MAX_BODY_CHARS, true)?;
    need(
        s.status != ShiftStatus::Ended,
        RejectCode::InvalidTransition,
        "the shift has ended",
    )?;
    let mut next = s.clone();
    next.entries.push(LogEntry {
        text,
        stamp: Stamp::of(cx),
    });
    Ok(next)
}

pub fn hand_over(
    existing: Option<&Shift>,
    p: &HandOverShift,
    cx: &Context<'_>,
) -> Result<Shift, Rejection> {
    let s = own(existing, cx)?;
    let notes = text("notes", &p.notes, MAX_BODY_CHARS, false)?;
    let open_items = items("open_items", &p.open_items)?;
    need(
        s.status == ShiftStatus::OnDuty,
        RejectCode::InvalidTransition,
        &format!(
            "only a shift on duty is handed over (this one is {})",
            s.status.as_str()
        ),
    )?;
    need(
        p.to_id != s.agent.id,
        RejectCode::BadPayload,
        "to_id: the next agent must be someone else",
    )?;
    let next_agent = cx
        .facts
        .staff(&p.to_id)
        .filter(|st| keeps_ledger(st.role) && st.estate_ids.contains(&s.estate_id))
        .ok_or_else(|| {
            Rejection::new(
                RejectCode::NotFound,
                "to_id: no desk agent of this estate has that id",
            )
        })?;
    let mut next = s.clone();
    next.status = ShiftStatus::HandingOver;
    next.handover = Some(Handover {
        to: Person {
            id: next_agent.id,
            name: next_agent.name,
        },
        notes,
        open_items,
        stamp: Stamp::of(cx),
    });
    Ok(next)
}

pub fn take_over(existing: Option<&Shift>, cx: &Context<'_>) -> Result<Shift, Rejection> {
    require_desk(cx.actor)?;
    let s = seen(existing, |s: &Shift| &s.estate_id, cx.actor, "shift")?;
    let Some(h) = s
        .handover
        .as_ref()
        .filter(|_| s.status == ShiftStatus::HandingOver)
    else {
        return Err(Rejection::new(
            RejectCode::InvalidTransition,
            format!("the shift is not handed over (it is {})", s.status.as_str()),
        ));
    };
    forbid_unless(
        h.to.id == cx.actor.id,
        "only the agent it was handed to signs the handover",
    )?;
    let mut next = s.clone();
    next.status = ShiftStatus::Ended;
    next.taken_over = Some(Stamp::of(cx));
    Ok(next)
}
