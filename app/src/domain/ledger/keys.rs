//! Keys (钥匙): the registry of labelled keys — owners' keys left with the desk, public
//! doors by floor, plant rooms by equipment, water-meter boxes — and every loan: who
//! borrowed it, why, until when, and when it came back. A key out cannot be lent again.

use super::*;
use crate::domain::rules::{need, optional_text, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// An owner's keys left with the desk, by kind.
    OwnerEntrance,
    OwnerInnerDoor,
    OwnerIntercom,
    OwnerMeterBox,
    OwnerMailbox,
    /// A public door, by building and floor.
    PublicDoor,
    /// A plant room, by its equipment (pumps, switchgear, lifts…).
    PlantRoom,
    /// A water-meter box in a public area.
    MeterBox,
}

words!(KeyKind, "key.kind", [
    OwnerEntrance => "owner_entrance",
    OwnerInnerDoor => "owner_inner_door",
    OwnerIntercom => "owner_intercom",
    OwnerMeterBox => "owner_meter_box",
    OwnerMailbox => "owner_mailbox",
    PublicDoor => "public_door",
    PlantRoom => "plant_room",
    MeterBox => "meter_box",
]);

impl KeyKind {
    /// An owner's key belongs to a unit.
    pub fn is_owners(self) -> bool {
        matches!(
            self,
            KeyKind::OwnerEntrance
                | KeyKind::OwnerInnerDoor
                | KeyKind::OwnerIntercom
                | KeyKind::OwnerMeterBox
                | KeyKind::OwnerMailbox
        )
    }
}

/// One loan of a key, open until it is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub borrower: String,
    #[serde(default)]
    pub borrower_phone: Option<String>,
    pub reason: String,
    pub due_at: i64,
    pub lent: Stamp,
    #[serde(default)]
    pub returned: Option<Stamp>,
    #[serde(default)]
    pub return_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    pub id: String,
    pub estate_id: String,
    pub kind: KeyKind,
    /// The number on the key's tag.
    pub label: String,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub unit_label: Option<String>,
    /// Where the lock is (building and floor, plant room) for keys not of a unit.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub floor: Option<i16>,
    #[serde(default)]
    pub equipment: Option<String>,
    /// Part of the emergency spare set, lent only in emergencies.
    #[serde(default)]
    pub spare: bool,
    pub registered: Stamp,
    /// Every loan, oldest first.
    #[serde(default)]
    pub loans: Vec<Loan>,
}

impl Key {
    /// The loan not yet returned, if the key is out.
    pub fn current_loan(&self) -> Option<&Loan> {
        self.loans.last().filter(|l| l.returned.is_none())
    }

    pub fn is_out(&self) -> bool {
        self.current_loan().is_some()
    }

    /// Out past its due time at `now`.
    pub fn is_overdue(&self, now: i64) -> bool {
        self.current_loan().is_some_and(|l| l.due_at < now)
    }

    /// Where it opens, as people say it.
    pub fn place(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.unit_label.clone());
        parts.extend(self.location.clone());
        parts.extend(self.floor.map(|f| format!("{f}F")));
        parts.extend(self.equipment.clone());
        parts.join(" · ")
    }
}

/// `key.register`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterKey {
    pub kind: KeyKind,
    pub label: String,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub estate_id: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub floor: Option<i16>,
    #[serde(default)]
    pub equipment: Option<String>,
    #[serde(default)]
    pub spare: bool,
}

/// `key.lend`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LendKey {
    pub borrower: String,
    #[serde(default)]
    pub borrower_phone: Option<String>,
    pub reason: String,
    pub due_at: i64,
}

/// `key.return`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnKey {
    #[serde(default)]
    pub note: Option<String>,
}

pub fn register(
    existing: Option<&Key>,
    p: &RegisterKey,
    cx: &Context<'_>,
) -> Result<Key, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "key")?;
    let label = text("label", &p.label, MAX_NAME_CHARS, true)?;
    let location = optional_text("location", &p.location, MAX_NAME_CHARS * 2)?;
    let equipment = optional_text("equipment", &p.equipment, MAX_NAME_CHARS)?;
    if p.kind.is_owners() {
        need(
            p.unit_id.is_some(),
            RejectCode::BadPayload,
            "unit_id is required for an owner's key",
        )?;
    } else {
        need(
            p.unit_id.is_none(),
            RejectCode::BadPayload,
            "only owners' keys belong to a unit",
        )?;
        need(
            location.is_some(),
            RejectCode::BadPayload,
            "location is required for a key not of a unit",
        )?;
    }
    need(
        p.kind != KeyKind::PublicDoor || p.floor.is_some(),
        RejectCode::BadPayload,
        "floor is required for a public door key",
    )?;
    need(
        p.kind != KeyKind::PlantRoom || equipment.is_some(),
        RejectCode::BadPayload,
        "equipment is required for a plant room key",
    )?;
    need(
        p.floor.is_none_or(|f| (-10..=200).contains(&f)),
        RejectCode::BadPayload,
        "floor must be between -10 and 200",
    )?;
    let (estate_id, unit) = place(
        cx.actor,
        cx.facts,
        p.unit_id.as_deref(),
        p.estate_id.as_deref(),
    )?;
    Ok(Key {
        id: cx.entity_id.to_string(),
        estate_id,
        kind: p.kind,
        label,
        unit_id: p.unit_id.clone(),
        unit_label: unit.map(|u| u.label),
        location,
        floor: p.floor,
        equipment,
        spare: p.spare,
        registered: Stamp::of(cx),
        loans: Vec::new(),
    })
}

pub fn lend(existing: Option<&Key>, p: &LendKey, cx: &Context<'_>) -> Result<Key, Rejection> {
    require_desk(cx.actor)?;
    let key = seen(existing, |k: &Key| &k.estate_id, cx.actor, "key")?;
    let borrower = text("borrower", &p.borrower, MAX_NAME_CHARS, true)?;
    let borrower_phone = phone("borrower_phone", &p.borrower_phone)?;
    let reason = text("reason", &p.reason, MAX_NOTE_CHARS, true)?;
    let due_at = time("due_at", p.due_at)?;
    need(
        due_at > cx.at,
        RejectCode::BadPayload,
        "due_at must be after the loan",
    )?;
    if let Some(l) = key.current_loan() {
        return Err(Rejection::new(
            RejectCode::InvalidTransition,
            format!("the key is already out with {}", l.borrower),
        ));
    }
    let mut next = key.clone();
    next.loans.push(Loan {
        borrower,
        borrower_phone,
        reason,
        due_at,
        lent: Stamp::of(cx),
        returned: None,
        return_note: None,
    });
    Ok(next)
}

pub fn give_back(
    existing: Option<&Key>,
    p: &ReturnKey,
    cx: &Context<'_>,
) -> Result<Key, Rejection> {
    require_desk(cx.actor)?;
    let key = seen(existing, |k: &Key| &k.estate_id, cx.actor, "key")?;
    let note = optional_text("note", &p.note, MAX_NOTE_CHARS)?;
    need(
        key.is_out(),
        RejectCode::InvalidTransition,
        "the key is not out",
    )?;
    let mut next = key.clone();
    if let Some(l) = next.loans.last_mut() {
        l.returned = Some(Stamp::of(cx));
        l.return_note = note;
    }
    Ok(next)
}
