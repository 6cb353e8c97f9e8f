//! Mail, parcels, newspapers and faxes (信件·包裹·报刊): logged in at the desk, the
//! resident told, handed over against a signature.

use super::*;
use crate::domain::blobs::is_sha256_hex;
use crate::domain::cases::Photo;
use crate::domain::rules::{need, optional_text, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelKind {
    Letter,
    Parcel,
    Newspaper,
    Fax,
}

words!(ParcelKind, "parcel.kind", [
    Letter => "letter",
    Parcel => "parcel",
    Newspaper => "newspaper",
    Fax => "fax",
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelStatus {
    /// At the desk; nobody told yet.
    Waiting,
    /// At the desk; the recipient was told.
    Notified,
    HandedOver,
}

words!(ParcelStatus, "parcel.status", [
    Waiting => "waiting",
    Notified => "notified",
    HandedOver => "handed_over",
]);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parcel {
    pub id: String,
    pub estate_id: String,
    pub kind: ParcelKind,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub unit_label: Option<String>,
    pub recipient: String,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub tracking_no: Option<String>,
    /// Where it waits at the desk.
    #[serde(default)]
    pub shelf: Option<String>,
    pub status: ParcelStatus,
    pub logged: Stamp,
    #[serde(default)]
    pub notified: Option<Stamp>,
    #[serde(default)]
    pub handed_over: Option<Stamp>,
    #[serde(default)]
    pub received_by: Option<String>,
    /// The receiver's drawn signature, a PNG blob.
    #[serde(default)]
    pub signature: Option<Photo>,
}

/// `parcel.log`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogParcel {
    pub kind: ParcelKind,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub estate_id: Option<String>,
    pub recipient: String,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub tracking_no: Option<String>,
    #[serde(default)]
    pub shelf: Option<String>,
}

/// `parcel.notify`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyParcel {}

/// `parcel.hand_over`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandOverParcel {
    pub received_by: String,
    /// The signature's SHA-256 (uploaded as a blob before the mutation).
    pub signature: String,
}

pub fn log(
    existing: Option<&Parcel>,
    p: &LogParcel,
    cx: &Context<'_>,
) -> Result<Parcel, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "parcel")?;
    let recipient = text("recipient", &p.recipient, MAX_NAME_CHARS, true)?;
    let carrier = optional_text("carrier", &p.carrier, MAX_NAME_CHARS)?;
    let tracking_no = optional_text("tracking_no", &p.tracking_no, MAX_NAME_CHARS)?;
    let shelf = optional_text("shelf", &p.shelf, 20)?;
    let (estate_id, unit) = place(
        cx.actor,
        cx.facts,
        p.unit_id.as_deref(),
        p.estate_id.as_deref(),
    )?;
    Ok(Parcel {
        id: cx.entity_id.to_string(),
        estate_id,
        kind: p.kind,
        unit_id: p.unit_id.clone(),
        unit_label: unit.map(|u| u.label),
        recipient,
        carrier,
        tracking_no,
        shelf,
        status: ParcelStatus::Waiting,
        logged: Stamp::of(cx),
        notified: None,
        handed_over: None,
        received_by: None,
        signature: None,
    })
}

pub fn notify(existing: Option<&Parcel>, cx: &Context<'_>) -> Result<Parcel, Rejection> {
    require_desk(cx.actor)?;
    let parcel = seen(existing, |p: &Parcel| &p.estate_id, cx.actor, "parcel")?;
    need(
        parcel.status != ParcelStatus::HandedOver,
        RejectCode::InvalidTransition,
        "it was already handed over",
    )?;
    let mut next = parcel.clone();
    next.status = ParcelStatus::Notified;
    next.notified = Some(Stamp::of(cx));
    Ok(next)
}

pub fn hand_over(
    existing: Option<&Parcel>,
    p: &HandOverParcel,
    cx: &Context<'_>,
) -> Result<Parcel, Rejection> {
    require_desk(cx.actor)?;
    let parcel = seen(existing, |p: &Parcel| &p.estate_id, cx.actor, "parcel")?;
    let received_by = text("received_by", &p.received_by, MAX_NAME_CHARS, true)?;
    need(
        is_sha256_hex(&p.signature),
        RejectCode::BadPayload,
        "signature is not a SHA-256 hex name",
    )?;
    need(
        parcel.status != ParcelStatus::HandedOver,
        RejectCode::InvalidTransition,
        "it was already handed over",
    )?;
    let mut next = parcel.clone();
    next.status = ParcelStatus::HandedOver;
    next.handed_over = Some(Stamp::of(cx));
    next.received_by = Some(received_by);
    next.signature = Some(Photo {
        sha256: p.signature.clone(),
        pending: true,
    });
    Ok(next)
}
