//! Release passes (放行条): goods leaving the estate. The desk checks the bearer's ID,
//! records the unit's payment standing, lists the items, and — when the bearer is not
//! the owner — records the owner's confirmation by phone. A supervisor approves; the
//! gate guard scans or types the pass code to let the goods out, once.

use super::*;
use crate::domain::resident::{mask_id_number, IdDocType, PaymentStanding};
use crate::domain::rules::{need, optional_text, text};

/// The most lines one pass lists.
pub const MAX_ITEMS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassStatus {
    /// Written at the desk, waiting for a supervisor.
    Issued,
    /// Approved: the gate may let the goods out.
    Approved,
    /// The goods went out through the gate.
    Used,
    /// Cancelled before use; kept with the reason.
    Void,
}

words!(PassStatus, "pass.status", [
    Issued => "issued",
    Approved => "approved",
    Used => "used",
    Void => "void",
]);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassItem {
    pub name: String,
    pub quantity: u32,
}

/// The owner's word, taken by phone, when someone else carries the goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerConfirmation {
    pub owner_name: String,
    /// The number the desk called.
    pub phone: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pass {
    pub id: String,
    pub estate_id: String,
    /// What the gate guard scans or types: eight characters from the pass id.
    pub code: String,
    pub unit_id: String,
    pub unit_label: String,
    pub items: Vec<PassItem>,
    pub bearer_name: String,
    pub bearer_id_type: IdDocType,
    pub bearer_id_masked: String,
    pub bearer_is_owner: bool,
    #[serde(default)]
    pub owner_confirmation: Option<OwnerConfirmation>,
    /// The unit's standing as the desk saw it when writing the pass.
    pub standing: PaymentStanding,
    pub status: PassStatus,
    pub issued: Stamp,
    #[serde(default)]
    pub approved: Option<Stamp>,
    #[serde(default)]
    pub used: Option<Stamp>,
    #[serde(default)]
    pub gate: Option<String>,
    #[serde(default)]
    pub voided: Option<Stamp>,
    #[serde(default)]
    pub void_reason: Option<String>,
}

/// The code printed on a pass: the last eight hex digits of its id (the random part of
/// a UUIDv7), upper case.
pub fn pass_code(id: &str) -> String {
    let hex: String = id.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    hex[hex.len().saturating_sub(8)..].to_ascii_uppercase()
}

/// `pass.issue`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuePass {
    pub unit_id: String,
    pub items: Vec<PassItem>,
    pub bearer_name: String,
    pub bearer_id_type: IdDocType,
    pub bearer_id_number: String,
    /// The desk saw the document and it matches the bearer.
    pub id_checked: bool,
    pub bearer_is_owner: bool,
    #[serde(default)]
    pub owner_confirmation: Option<OwnerConfirmation>,
    pub standing: PaymentStanding,
}

/// `pass.use`'s payload: at which gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsePass {
    /// The code as scanned or typed; it must be this pass's.
    pub code: String,
    #[serde(default)]
    pub gate: Option<String>,
}

/// `pass.void`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoidPass {
    pub reason: String,
}

pub fn issue(existing: Option<&Pass>, p: &IssuePass, cx: &Context<'_>) -> Result<Pass, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "pass")?;
    need(
        !p.items.is_empty() && p.items.len() <= MAX_ITEMS,
        RejectCode::BadPayload,
        &format!("items must list 1 to {MAX_ITEMS} lines"),
    )?;
    let mut items = Vec::with_capacity(p.items.len());
    for i in &p.items {
        need(
            (1..=9_999).contains(&i.quantity),
            RejectCode::BadPayload,
            "each item's quantity must be between 1 and 9999",
        )?;
        items.push(PassItem {
            name: text("items.name", &i.name, MAX_NAME_CHARS, true)?,
            quantity: i.quantity,
        });
    }
    let bearer_name = text("bearer_name", &p.bearer_name, MAX_NAME_CHARS, true)?;
    let number = text("bearer_id_number", &p.bearer_id_number, 40, true)?;
    need(
        p.id_checked,
        RejectCode::BadPayload,
        "id_checked: the bearer's ID must be seen before a pass is written",
    )?;
    let owner_confirmation = match (&p.owner_confirmation, p.bearer_is_owner) {
        (_, true) => None,
        (None, false) => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "owner_confirmation is required when the bearer is not the owner",
            ))
        }
        (Some(c), false) => Some(OwnerConfirmation {
            owner_name: text(
                "owner_confirmation.owner_name",
                &c.owner_name,
                MAX_NAME_CHARS,
                true,
            )?,
            phone: phone("owner_confirmation.phone", &Some(c.phone.clone()))?.ok_or_else(|| {
                Rejection::new(
                    RejectCode::BadPayload,
                    "owner_confirmation.phone is required",
                )
            })?,
            note: text("owner_confirmation.note", &c.note, MAX_NOTE_CHARS, false)?,
        }),
    };
    let (estate_id, unit) = place(cx.actor, cx.facts, Some(&p.unit_id), None)?;
    Ok(Pass {
        id: cx.entity_id.to_string(),
        estate_id,
        code: pass_code(cx.entity_id),
        unit_id: p.unit_id.clone(),
        unit_label: unit.map(|u| u.label).unwrap_or_default(),
        items,
        bearer_name,
        bearer_id_type: p.bearer_id_type,
        bearer_id_masked: mask_id_number(&number),
        bearer_is_owner: p.bearer_is_owner,
        owner_confirmation,
        standing: p.standing,
        status: PassStatus::Issued,
        issued: Stamp::of(cx),
        approved: None,
        used: None,
        gate: None,
        voided: None,
        void_reason: None,
    })
}

pub fn approve(existing: Option<&Pass>, cx: &Context<'_>) -> Result<Pass, Rejection> {
    forbid_unless(
        approves(cx.actor.role),
        "only a supervisor approves release passes",
    )?;
    let p = seen(existing, |p: &Pass| &p.estate_id, cx.actor, "pass")?;
    need(
        p.status == PassStatus::Issued,
        RejectCode::InvalidTransition,
        &format!(
            "only an issued pass can be approved (this one is {})",
            p.status.as_str()
        ),
    )?;
    let mut next = p.clone();
    next.status = PassStatus::Approved;
    next.approved = Some(Stamp::of(cx));
    Ok(next)
}

/// The gate: security patrols and the desk.
fn guards_gate(role: Role) -> bool {
    keeps_ledger(role) || role == Role::Patrol
}

pub fn use_pass(existing: Option<&Pass>, p: &UsePass, cx: &Context<'_>) -> Result<Pass, Rejection> {
    forbid_unless(
        guards_gate(cx.actor.role),
        "only the gate or the desk marks a pass used",
    )?;
    let pass = seen(existing, |p: &Pass| &p.estate_id, cx.actor, "pass")?;
    need(
        p.code.trim().eq_ignore_ascii_case(&pass.code),
        RejectCode::BadPayload,
        "code does not match this pass",
    )?;
    let gate = optional_text("gate", &p.gate, MAX_NAME_CHARS)?;
    match pass.status {
        PassStatus::Approved => {}
        PassStatus::Used => {
            return Err(Rejection::new(
                RejectCode::InvalidTransition,
                "this pass was already used",
            ))
        }
        PassStatus::Issued => {
            return Err(Rejection::new(
                RejectCode::InvalidTransition,
                "this pass is not approved yet",
            ))
        }
        PassStatus::Void => {
            return Err(Rejection::new(
                RejectCode::InvalidTransition,
                "this pass was voided",
            ))
        }
    }
    let mut next = pass.clone();
    next.status = PassStatus::Used;
    next.used = Some(Stamp::of(cx));
    next.gate = gate;
    Ok(next)
}

pub fn void(existing: Option<&Pass>, p: &VoidPass, cx: &Context<'_>) -> Result<Pass, Rejection> {
    require_desk(cx.actor)?;
    let pass = seen(existing, |p: &Pass| &p.estate_id, cx.actor, "pass")?;
    let reason = text("reason", &p.reason, MAX_NOTE_CHARS, true)?;
    need(
        matches!(pass.status, PassStatus::Issued | PassStatus::Approved),
        RejectCode::InvalidTransition,
        &format!(
            "only an unused pass can be voided (this one is {})",
            pass.status.as_str()
        ),
    )?;
    let mut next = pass.clone();
    next.status = PassStatus::Void;
    next.voided = Some(Stamp::of(cx));
    next.void_reason = Some(reason);
    Ok(next)
}
