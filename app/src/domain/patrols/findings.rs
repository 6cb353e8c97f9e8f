//! Nonconformities (不合格项): a failed item becomes an internal coordination sheet
//! (内部协调单) to the responsible department, with the photos and a due date; a
//! follow-up inspection (跟进复查) is due then, and its result closes the sheet or
//! opens it again with a new date.

use super::*;
use crate::domain::cases::{photos, Photo};
use crate::domain::rules::{need, optional_text, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Raised, or reopened by a failed follow-up: the department owes a fix.
    Open,
    /// The department says it is fixed; the follow-up inspection decides.
    Rectified,
    /// A follow-up found it fixed.
    Closed,
}

words!(FindingStatus, "finding.status", [
    Open => "open",
    Rectified => "rectified",
    Closed => "closed",
]);

/// The department's answer: what was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub note: String,
    #[serde(default)]
    pub photos: Vec<Photo>,
    pub stamp: Stamp,
}

/// A follow-up inspection's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub passed: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// When it failed: the new due date.
    #[serde(default)]
    pub next_due_at: Option<i64>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub estate_id: String,
    pub run_id: String,
    pub route_name: String,
    pub area_code: String,
    pub area_name: String,
    pub item_label: String,
    /// What was found, as answered: "fail", "31 °C".
    pub found: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<Photo>,
    pub department: Department,
    /// When the fix is due, and the follow-up inspection with it.
    pub due_at: i64,
    pub status: FindingStatus,
    pub raised: Stamp,
    #[serde(default)]
    pub rectifications: Vec<Rectification>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
}

impl Finding {
    pub fn is_open(&self) -> bool {
        self.status != FindingStatus::Closed
    }

    pub fn photo_names(&self) -> Vec<String> {
        self.photos
            .iter()
            .chain(self.rectifications.iter().flat_map(|r| &r.photos))
            .chain(self.follow_ups.iter().flat_map(|f| &f.photos))
            .map(|p| p.sha256.clone())
            .collect()
    }

    pub fn mark_pending(&mut self, stored: &impl Fn(&str) -> bool) {
        for p in self
            .photos
            .iter_mut()
            .chain(self.rectifications.iter_mut().flat_map(|r| &mut r.photos))
            .chain(self.follow_ups.iter_mut().flat_map(|f| &mut f.photos))
        {
            p.pending = !stored(&p.sha256);
        }
    }
}

/// `finding.raise`'s payload, sent by the device right after the failed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaiseFinding {
    #[serde(default)]
    pub estate_id: Option<String>,
    pub run_id: String,
    pub route_name: String,
    pub area_code: String,
    pub area_name: String,
    pub item_label: String,
    pub found: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    pub department: Department,
    pub due_at: i64,
}

/// `finding.rectify`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rectify {
    pub note: String,
    #[serde(default)]
    pub photos: Vec<String>,
}

/// `finding.follow_up`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFollowUp {
    pub passed: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub next_due_at: Option<i64>,
}

pub fn raise(
    existing: Option<&Finding>,
    p: &RaiseFinding,
    cx: &Context<'_>,
) -> Result<Finding, Rejection> {
    require_inspector(cx.actor)?;
    fresh(existing, "nonconformity")?;
    let due_at = time("due_at", p.due_at)?;
    need(
        due_at > cx.at,
        RejectCode::BadPayload,
        "due_at must be later than now",
    )?;
    let (estate_id, _) = place(cx.actor, cx.facts, None, p.estate_id.as_deref())?;
    Ok(Finding {
        id: cx.entity_id.to_string(),
        estate_id,
        run_id: text("run_id", &p.run_id, 64, true)?,
        route_name: text("route_name", &p.route_name, MAX_NAME_CHARS, true)?,
        area_code: text("area_code", &p.area_code, 32, true)?,
        area_name: text("area_name", &p.area_name, MAX_NAME_CHARS, true)?,
        item_label: text("item_label", &p.item_label, 200, true)?,
        found: text("found", &p.found, MAX_NOTE_CHARS, true)?,
        note: optional_text("note", &p.note, MAX_NOTE_CHARS)?,
        photos: photos(&p.photos)?,
        department: p.department,
        due_at,
        status: FindingStatus::Open,
        raised: Stamp::of(cx),
        rectifications: Vec::new(),
        follow_ups: Vec::new(),
    })
}

pub fn rectify(
    existing: Option<&Finding>,
    p: &Rectify,
    cx: &Context<'_>,
) -> Result<Finding, Rejection> {
    let f = seen(
        existing,
        |f: &Finding| &f.estate_id,
        cx.actor,
        "nonconformity",
    )?;
    forbid_unless(
        approves(cx.actor.role) || cx.actor.department == Some(f.department),
        "only the responsible department or a supervisor answers a nonconformity",
    )?;
    need(
        f.status == FindingStatus::Open,
        RejectCode::InvalidTransition,
        &format!(
            "only an open nonconformity can be rectified (this one is {})",
            f.status.as_str()
        ),
    )?;
    let mut next = f.clone();
    next.status = FindingStatus::Rectified;
    next.rectifications.push(Rectification {
        note: text("note", &p.note, MAX_NOTE_CHARS, true)?,
        photos: photos(&p.photos)?,
        stamp: Stamp::of(cx),
    });
    Ok(next)
}

pub fn follow_up(
    existing: Option<&Finding>,
    p: &RecordFollowUp,
    cx: &Context<'_>,
) -> Result<Finding, Rejection> {
    require_inspector(cx.actor)?;
    let f = seen(
        existing,
        |f: &Finding| &f.estate_id,
        cx.actor,
        "nonconformity",
    )?;
    need(
        f.is_open(),
        RejectCode::InvalidTransition,
        "the nonconformity is closed",
    )?;
    let next_due_at = match (p.passed, p.next_due_at) {
        (true, None) => None,
        (true, Some(_)) => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "next_due_at is only for a failed follow-up",
            ))
        }
        (false, None) => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "next_due_at is required when the follow-up fails",
            ))
        }
        (false, Some(t)) => {
            let t = time("next_due_at", t)?;
            need(
                t > cx.at,
                RejectCode::BadPayload,
                "next_due_at must be later than now",
            )?;
            Some(t)
        }
    };
    let mut next = f.clone();
    next.status = if p.passed {
        FindingStatus::Closed
    } else {
        FindingStatus::Open
    };
    if let Some(t) = next_due_at {
        next.due_at = t;
    }
    next.follow_ups.push(FollowUp {
        passed: p.passed,
        note: optional_text("note", &p.note, MAX_NOTE_CHARS)?,
        photos: photos(&p.photos)?,
        next_due_at,
        stamp: Stamp::of(cx),
    });
    Ok(next)
}
