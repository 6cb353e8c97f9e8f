//! Closing the loop: return visits, the complaint summary, closing, and the resident's
//! rating.

use super::*;
use crate::domain::ops::Context;

/// `case.return_visit`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordVisit {
    pub method: VisitMethod,
    pub satisfied: bool,
    #[serde(default)]
    pub notes: String,
}

/// `case.summarize`'s payload: cause, lesson, what changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summarize {
    pub cause: String,
    pub lesson: String,
    pub change: String,
}

/// `case.close`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseCase {
    #[serde(default)]
    pub note: String,
}

/// `case.rate`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateCase {
    pub stars: u8,
    #[serde(default)]
    pub comment: String,
}

/// `case.return_visit` (回访): satisfied closes a repair and resolves a complaint (which
/// closes at once if its summary is written); not satisfied reopens the work.
pub fn return_visit(
    existing: Option<&Case>,
    p: &RecordVisit,
    cx: &Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "the desk makes return visits")?;
    status_in(case, &[CaseStatus::ReturnVisit], "no return visit is due")?;
    let notes = text("notes", &p.notes, MAX_NOTE_CHARS, !p.satisfied)?;
    let visit = ReturnVisit {
        at: cx.at,
        by: cx.step_person(),
        method: p.method,
        satisfied: p.satisfied,
        notes: notes.clone(),
    };
    let what = EventKind::Visited {
        method: p.method,
        satisfied: p.satisfied,
        notes,
    };
    Ok(cx.step_record(case, what, |c| {
        c.visits.push(visit);
        c.visit_due_at = None;
        c.status = match (p.satisfied, c.kind) {
            (false, _) => CaseStatus::InProgress,
            (true, CaseKind::Complaint) if c.summary.is_none() => CaseStatus::Resolved,
            (true, _) => CaseStatus::Closed,
        };
        if c.status == CaseStatus::Closed {
            c.closed_at = Some(cx.at);
        } else if !p.satisfied {
            c.work.finished_at = None;
        }
    }))
}

/// `case.summarize`: the lesson of a handled complaint; closes it once resolved.
pub fn summarize(
    existing: Option<&Case>,
    p: &Summarize,
    cx: &Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "the desk writes the summary")?;
    need(
        case.kind == CaseKind::Complaint,
        RejectCode::InvalidTransition,
        "only complaints are summarized",
    )?;
    status_in(
        case,
        &[CaseStatus::ReturnVisit, CaseStatus::Resolved],
        "a complaint is summarized after it is handled",
    )?;
    let summary = Summary {
        cause: text("cause", &p.cause, MAX_NOTE_CHARS, true)?,
        lesson: text("lesson", &p.lesson, MAX_NOTE_CHARS, true)?,
        change: text("change", &p.change, MAX_NOTE_CHARS, true)?,
    };
    let what = EventKind::Summarized {
        cause: summary.cause.clone(),
        lesson: summary.lesson.clone(),
        change: summary.change.clone(),
    };
    Ok(cx.step_record(case, what, |c| {
        c.summary = Some(summary);
        if c.status == CaseStatus::Resolved {
            c.status = CaseStatus::Closed;
            c.closed_at = Some(cx.at);
        }
    }))
}

/// `case.close`: the desk closes an answered inquiry, suggestion, help request or praise.
/// Repairs close through acceptance and the return visit; complaints through the
/// summary.
pub fn close(existing: Option<&Case>, p: &CloseCase, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "only the desk closes cases")?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is already closed",
    )?;
    match case.kind {
        CaseKind::Repair => {
            return Err(Rejection::new(
                RejectCode::InvalidTransition,
                "a repair closes with the resident's acceptance and the return visit",
            ))
        }
        CaseKind::Complaint => need(
            case.status == CaseStatus::Resolved && case.summary.is_some(),
            RejectCode::InvalidTransition,
            "a complaint closes after its return visit and summary",
        )?,
        _ => need(
            case.status != CaseStatus::OnHold,
            RejectCode::InvalidTransition,
            "resume the case before closing it",
        )?,
    }
    let note = text("note", &p.note, MAX_NOTE_CHARS, false)?;
    Ok(cx.step_record(case, EventKind::Closed { note }, |c| {
        c.status = CaseStatus::Closed;
        c.closed_at = Some(cx.at);
        c.visit_due_at = None;
    }))
}

/// `case.rate`: the resident rates the service once the work is done, once.
pub fn rate(existing: Option<&Case>, p: &RateCase, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        cx.actor.role == Role::Resident,
        "residents rate their cases",
    )?;
    status_in(
        case,
        &[
            CaseStatus::ReturnVisit,
            CaseStatus::Resolved,
            CaseStatus::Closed,
        ],
        "rate the case once the work is done",
    )?;
    need(
        case.rating.is_none(),
        RejectCode::InvalidTransition,
        "the case is already rated",
    )?;
    need(
        (1..=5).contains(&p.stars),
        RejectCode::BadPayload,
        "stars is 1 to 5",
    )?;
    let comment = text("comment", &p.comment, MAX_NOTE_CHARS, false)?;
    let rating = Rating {
        stars: p.stars,
        comment: comment.clone(),
        at: cx.at,
    };
    // A rating is the one step a closed case still takes: it adds, never reopens.
    let mut next = cx.step_record(
        case,
        EventKind::Rated {
            stars: p.stars,
            comment,
        },
        |c| {
            c.rating = Some(rating);
        },
    );
    next.updated_at = next.updated_at.max(cx.at);
    Ok(next)
}
