//! Visitors (来访): who came, why, who was told, when they came and left, the temporary
//! pass they carried — and who was turned away, with the reason.

use super::*;
use crate::domain::resident::{mask_id_number, IdDocType};
use crate::domain::rules::{need, optional_text, text};

/// Who the visitor is to the estate; it decides how the desk receives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorCategory {
    /// Inspecting leaders: the manager is told at once.
    Vip,
    /// Government, the developer, the press.
    Important,
    Ordinary,
    /// Job applicants and door-to-door services (couriers, repairs).
    Service,
    /// The company's own staff from elsewhere.
    Staff,
}

words!(VisitorCategory, "visit.category", [
    Vip => "vip",
    Important => "important",
    Ordinary => "ordinary",
    Service => "service",
    Staff => "staff",
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Inside,
    Left,
    /// Turned away at the desk (salesmen, troublemakers): never inside.
    Refused,
}

words!(VisitStatus, "visit.status", [
    Inside => "inside",
    Left => "left",
    Refused => "refused",
]);

/// A visit, from arrival (or refusal) to leaving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: String,
    pub estate_id: String,
    pub category: VisitorCategory,
    pub name: String,
    pub purpose: String,
    #[serde(default)]
    pub id_doc_type: Option<IdDocType>,
    /// Only the ends of the number are kept.
    #[serde(default)]
    pub id_doc_masked: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub unit_label: Option<String>,
    /// The person or department told of the visit.
    #[serde(default)]
    pub host: Option<String>,
    pub party_size: u8,
    /// The temporary pass handed over.
    #[serde(default)]
    pub pass_no: Option<String>,
    pub status: VisitStatus,
    #[serde(default)]
    pub refused_reason: Option<String>,
    pub arrived: Stamp,
    #[serde(default)]
    pub left: Option<Stamp>,
}

/// `visit.arrive`'s payload: a visitor at the desk, let in or (with a reason) refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArriveVisit {
    pub category: VisitorCategory,
    pub name: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub id_doc_type: Option<IdDocType>,
    /// The number as typed; the rules keep only its ends.
    #[serde(default)]
    pub id_doc_number: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub estate_id: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub party_size: Option<u8>,
    #[serde(default)]
    pub pass_no: Option<String>,
    /// Present when the visitor is turned away.
    #[serde(default)]
    pub refused_reason: Option<String>,
}

/// `visit.leave`'s payload (the pass comes back with them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveVisit {}

pub fn arrive(
    existing: Option<&Visit>,
    p: &ArriveVisit,
    cx: &Context<'_>,
) -> Result<Visit, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "visit")?;
    let name = text("name", &p.name, MAX_NAME_CHARS, true)?;
    let refused_reason = optional_text("refused_reason", &p.refused_reason, MAX_NOTE_CHARS)?;
    // Someone let in must say why they came; a refusal's reason says it instead.
    let purpose = text(
        "purpose",
        &p.purpose,
        MAX_NOTE_CHARS,
        refused_reason.is_none(),
    )?;
    let host = optional_text("host", &p.host, MAX_NAME_CHARS)?;
    let pass_no = optional_text("pass_no", &p.pass_no, 20)?;
    let number = optional_text("id_doc_number", &p.id_doc_number, 40)?;
    need(
        number.is_none() || p.id_doc_type.is_some(),
        RejectCode::BadPayload,
        "id_doc_type is required with id_doc_number",
    )?;
    let party_size = p.party_size.unwrap_or(1);
    need(
        (1..=50).contains(&party_size),
        RejectCode::BadPayload,
        "party_size must be between 1 and 50",
    )?;
    let (estate_id, unit) = place(
        cx.actor,
        cx.facts,
        p.unit_id.as_deref(),
        p.estate_id.as_deref(),
    )?;
    let status = if refused_reason.is_some() {
        need(
            pass_no.is_none(),
            RejectCode::BadPayload,
            "a refused visitor gets no pass",
        )?;
        VisitStatus::Refused
    } else {
        VisitStatus::Inside
    };
    Ok(Visit {
        id: cx.entity_id.to_string(),
        estate_id,
        category: p.category,
        name,
        purpose,
        id_doc_type: p.id_doc_type,
        id_doc_masked: number.as_deref().map(mask_id_number),
        unit_id: p.unit_id.clone(),
        unit_label: unit.map(|u| u.label),
        host,
        party_size,
        pass_no,
        status,
        refused_reason,
        arrived: Stamp::of(cx),
        left: None,
    })
}

pub fn leave(
    existing: Option<&Visit>,
    _p: &LeaveVisit,
    cx: &Context<'_>,
) -> Result<Visit, Rejection> {
    require_desk(cx.actor)?;
    let v = seen(existing, |v: &Visit| &v.estate_id, cx.actor, "visit")?;
    need(
        v.status == VisitStatus::Inside,
        RejectCode::InvalidTransition,
        &format!(
            "only a visitor inside can leave (this one is {})",
            v.status.as_str()
        ),
    )?;
    let mut next = v.clone();
    next.status = VisitStatus::Left;
    next.left = Some(Stamp::of(cx));
    Ok(next)
}
