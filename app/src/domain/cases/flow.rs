//! Steps any active case may take: escalate, hold and resume, cancel; and reopening a
//! closed or cancelled one.

use super::*;
use crate::domain::ops::Context;

/// Ops whose payload is a reason (`case.escalate`, `case.hold`, `case.cancel`,
/// `case.reopen`, `case.refuse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

/// `case.resume`'s payload (nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resume {}

impl Context<'_> {
    pub(super) fn step_record(
        &self,
        case: &Case,
        what: EventKind,
        change: impl FnOnce(&mut Case),
    ) -> Case {
        Step {
            actor: self.actor,
            at: self.at,
            mutation_id: self.mutation_id,
        }
        .record(case, what, change)
    }

    pub(super) fn step_person(&self) -> Person {
        Person {
            id: self.actor.id.clone(),
            name: self.actor.name.clone(),
        }
    }
}

fn reason(p: &Reason) -> Result<String, Rejection> {
    text("reason", &p.reason, MAX_NOTE_CHARS, true)
}

/// `case.escalate`: brought to the supervisor's attention (the queue shows it first).
pub fn escalate(existing: Option<&Case>, p: &Reason, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        runs_desk(cx.actor.role) || works_on(cx.actor, case),
        "the desk or the assignee escalates",
    )?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is closed",
    )?;
    need(
        !case.escalated,
        RejectCode::InvalidTransition,
        "case is already escalated",
    )?;
    let reason = reason(p)?;
    Ok(cx.step_record(case, EventKind::Escalated { reason }, |c| {
        c.escalated = true;
    }))
}

/// `case.hold`: paused with a reason (waiting for parts, for the resident…).
pub fn hold(existing: Option<&Case>, p: &Reason, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        runs_desk(cx.actor.role) || works_on(cx.actor, case),
        "the desk or the assignee puts a case on hold",
    )?;
    need(
        !case.status.is_final() && case.status != CaseStatus::OnHold,
        RejectCode::InvalidTransition,
        &format!("a {} case cannot be put on hold", case.status.as_str()),
    )?;
    let reason = reason(p)?;
    let hold = Hold {
        reason: reason.clone(),
        resume: case.status,
    };
    Ok(cx.step_record(case, EventKind::Held { reason }, |c| {
        c.status = CaseStatus::OnHold;
        c.hold = Some(hold);
    }))
}

/// `case.resume`: back where it was before the hold.
pub fn resume(existing: Option<&Case>, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        runs_desk(cx.actor.role) || works_on(cx.actor, case),
        "the desk or the assignee resumes a case",
    )?;
    let Some(hold) = case
        .hold
        .as_ref()
        .filter(|_| case.status == CaseStatus::OnHold)
    else {
        return Err(Rejection::new(
            RejectCode::InvalidTransition,
            "case is not on hold",
        ));
    };
    let back = hold.resume;
    Ok(cx.step_record(case, EventKind::Resumed, |c| {
        c.status = back;
        c.hold = None;
    }))
}

/// `case.cancel`: withdrawn with a reason; by the desk, or by the resident who filed it
/// while nobody has taken it yet. Kept, never deleted.
pub fn cancel(existing: Option<&Case>, p: &Reason, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    let own_fresh = cx.actor.role == Role::Resident
        && case.created_by == cx.actor.id
        && case.status == CaseStatus::Open;
    forbid_unless(
        runs_desk(cx.actor.role) || own_fresh,
        "only the desk cancels, or the resident before it is dispatched",
    )?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is already closed",
    )?;
    let reason = reason(p)?;
    Ok(cx.step_record(case, EventKind::Cancelled { reason }, |c| {
        c.status = CaseStatus::Cancelled;
        c.hold = None;
        c.visit_due_at = None;
        c.closed_at = Some(cx.at);
    }))
}

/// `case.reopen`: a closed or cancelled case comes back, open, to be dispatched again.
pub fn reopen(existing: Option<&Case>, p: &Reason, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "only the desk reopens cases")?;
    need(
        case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is not closed",
    )?;
    let reason = reason(p)?;
    let due = cx.at
        + cx.facts
            .policy(&case.estate_id)
            .due_ms(case.kind, case.priority);
    Ok(cx.step_record(case, EventKind::Reopened { reason }, |c| {
        c.status = CaseStatus::Open;
        c.closed_at = None;
        c.assignee = None;
        c.acceptance = None;
        c.work = Work::default();
        c.summary = None;
        c.visit_due_at = None;
        c.due_at = due;
    }))
}
