//! The work: dispatch to a department and a person, sign, start, site visit, finish or
//! handle, and the resident's acceptance or refusal.

use super::*;
use crate::domain::ops::Context;

/// The most material lines on one work record.
pub const MAX_MATERIALS: usize = 40;
/// The highest fee one repair may record: ¥100,000.
pub const MAX_FEE_CENTS: i64 = 10_000_000;

/// `case.dispatch` and `case.reassign`: to a department, and to a person if known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispatch {
    pub department: Department,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// Ops that carry nothing but the step itself (`case.sign`, `case.start`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sign {}

/// `case.site_visit` and `case.handle`: what was seen or done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    pub notes: String,
}

/// A material used on a repair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub quantity: f64,
    #[serde(default)]
    pub unit: String,
}

/// `case.finish`: the technician's record of the work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    pub notes: String,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub fee_cents: Option<i64>,
    #[serde(default)]
    pub photos: Vec<String>,
    /// For a leak: when the water test was done (the finish time when absent).
    #[serde(default)]
    pub water_test_at: Option<i64>,
}

/// `case.accept`: the resident's drawn signature (a PNG blob).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    pub signature: String,
}

const ACTIVE_WORK: [CaseStatus; 3] = [
    CaseStatus::Dispatched,
    CaseStatus::Signed,
    CaseStatus::InProgress,
];

/// The person a dispatch names: staff who may take work, in the case's estate.
fn assignee(case: &Case, p: &Dispatch, cx: &Context<'_>) -> Result<Option<Person>, Rejection> {
    let Some(id) = &p.assignee_id else {
        return Ok(None);
    };
    let staff = cx
        .facts
        .staff(id)
        .filter(|s| s.estate_ids.contains(&case.estate_id))
        .ok_or_else(|| {
            Rejection::new(RejectCode::NotFound, format!("no staff member {id} here"))
        })?;
    need(
        may_be_assigned(staff.role),
        RejectCode::BadPayload,
        "that person does not take work",
    )?;
    Ok(Some(Person {
        id: id.clone(),
        name: staff.name,
    }))
}

/// `case.dispatch`: an open case goes to a department (and a person). A complaint is
/// classified first: the department head is chosen by judging it.
pub fn dispatch(
    existing: Option<&Case>,
    p: &Dispatch,
    cx: &Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "only the desk dispatches")?;
    status_in(case, &[CaseStatus::Open], "only an open case is dispatched")?;
    need(
        case.kind != CaseKind::Complaint || case.complaint.is_some(),
        RejectCode::InvalidTransition,
        "classify the complaint before dispatching it",
    )?;
    let note = text("note", &p.note, MAX_NOTE_CHARS, false)?;
    let who = assignee(case, p, cx)?;
    let what = EventKind::Dispatched {
        department: p.department,
        assignee: who.clone(),
        note,
    };
    Ok(cx.step_record(case, what, |c| {
        c.status = CaseStatus::Dispatched;
        c.department = Some(p.department);
        c.assignee = who;
    }))
}

/// `case.reassign`: work under way goes to someone else, who signs for it again.
pub fn reassign(
    existing: Option<&Case>,
    p: &Dispatch,
    cx: &Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "only the desk reassigns")?;
    status_in(case, &ACTIVE_WORK, "only dispatched work is reassigned")?;
    let note = text("note", &p.note, MAX_NOTE_CHARS, false)?;
    let who = assignee(case, p, cx)?;
    need(
        who != case.assignee || Some(p.department) != case.department,
        RejectCode::BadPayload,
        "it is already theirs",
    )?;
    let what = EventKind::Reassigned {
        department: p.department,
        assignee: who.clone(),
        note,
    };
    Ok(cx.step_record(case, what, |c| {
        c.status = CaseStatus::Dispatched;
        c.department = Some(p.department);
        c.assignee = who;
        c.work.signed_at = None;
    }))
}

/// `case.sign` (签收): the assignee takes the order; with no assignee, anyone of the
/// department takes it and becomes the assignee.
pub fn sign(existing: Option<&Case>, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    let taker = match &case.assignee {
        Some(a) => a.id == cx.actor.id,
        None => {
            may_be_assigned(cx.actor.role)
                && cx.actor.department.is_some()
                && cx.actor.department == case.department
        }
    };
    forbid_unless(taker, "the order is not yours to sign")?;
    status_in(
        case,
        &[CaseStatus::Dispatched],
        "only a dispatched order is signed",
    )?;
    let me = cx.step_person();
    Ok(cx.step_record(case, EventKind::Signed, |c| {
        c.status = CaseStatus::Signed;
        c.assignee = Some(me);
        c.work.signed_at = Some(cx.at);
    }))
}

/// `case.start`: the assignee begins.
pub fn start(existing: Option<&Case>, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(works_on(cx.actor, case), "the order is not yours")?;
    status_in(
        case,
        &[CaseStatus::Signed],
        "sign for the order before starting",
    )?;
    Ok(cx.step_record(case, EventKind::Started, |c| {
        c.status = CaseStatus::InProgress;
        c.work.started_at.get_or_insert(cx.at);
    }))
}

/// `case.site_visit`: the department head at the site of a complaint.
pub fn site_visit(existing: Option<&Case>, p: &Notes, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        works_on(cx.actor, case) || runs_desk(cx.actor.role),
        "the assignee or the desk records a site visit",
    )?;
    need(
        case.kind == CaseKind::Complaint,
        RejectCode::InvalidTransition,
        "site visits are for complaints",
    )?;
    status_in(case, &ACTIVE_WORK, "the complaint is not being handled")?;
    let notes = text("notes", &p.notes, MAX_NOTE_CHARS, true)?;
    Ok(cx.step_record(case, EventKind::SiteVisit { notes }, |c| {
        c.status = CaseStatus::InProgress;
        c.work.site_visit_at = Some(cx.at);
        c.work.started_at.get_or_insert(cx.at);
    }))
}

fn materials(list: &[Material]) -> Result<Vec<Material>, Rejection> {
    need(
        list.len() <= MAX_MATERIALS,
        RejectCode::BadPayload,
        "too many material lines",
    )?;
    list.iter()
        .map(|m| {
            let name = text("material name", &m.name, 60, true)?;
            let unit = text("material unit", &m.unit, 10, false)?;
            need(
                m.quantity.is_finite() && m.quantity > 0.0 && m.quantity <= 100_000.0,
                RejectCode::BadPayload,
                "a material quantity is a positive number",
            )?;
            Ok(Material {
                name,
                quantity: m.quantity,
                unit,
            })
        })
        .collect()
}

/// `case.finish`: the work is done and recorded; the resident accepts next, and the
/// return visit is scheduled from now, or from the water test for a leak.
pub fn finish(existing: Option<&Case>, p: &Finish, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(works_on(cx.actor, case), "the order is not yours")?;
    need(
        case.kind != CaseKind::Complaint,
        RejectCode::InvalidTransition,
        "a complaint is handled, not finished",
    )?;
    status_in(
        case,
        &[CaseStatus::InProgress],
        "start the work before finishing it",
    )?;
    let notes = text("notes", &p.notes, MAX_NOTE_CHARS, true)?;
    let materials = materials(&p.materials)?;
    need(
        p.fee_cents.is_none_or(|f| (0..=MAX_FEE_CENTS).contains(&f)),
        RejectCode::BadPayload,
        "fee_cents is between 0 and 10000000",
    )?;
    let photos = photos(&p.photos)?;
    let water_test_at = match (case.leak, p.water_test_at) {
        (false, Some(_)) => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "a water test is recorded only for a leak",
            ))
        }
        (false, None) => None,
        (true, t) => {
            let t = t.unwrap_or(cx.at);
            need(
                t >= case.created_at && t <= cx.at + 7 * 24 * policy::HOUR_MS,
                RejectCode::BadPayload,
                "water_test_at is between the opening and a week from now",
            )?;
            Some(t)
        }
    };
    let policy = cx.facts.policy(&case.estate_id);
    let visit_due_at = match water_test_at {
        Some(t) => t + policy.leak_visit_ms(),
        None => cx.at + policy.visit_ms(),
    };
    let what = EventKind::Finished {
        notes: notes.clone(),
        photos,
        fee_cents: p.fee_cents,
        visit_due_at,
    };
    Ok(cx.step_record(case, what, |c| {
        c.status = CaseStatus::Completed;
        c.work.finished_at = Some(cx.at);
        c.work.water_test_at = water_test_at;
        c.work.notes = notes;
        c.work.materials = materials;
        c.work.fee_cents = p.fee_cents;
        c.visit_due_at = Some(visit_due_at);
    }))
}

/// `case.handle`: the department head's handling of a complaint; the return visit is due.
pub fn handle(existing: Option<&Case>, p: &Notes, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        works_on(cx.actor, case) || runs_desk(cx.actor.role),
        "the assignee or the desk records the handling",
    )?;
    need(
        case.kind == CaseKind::Complaint,
        RejectCode::InvalidTransition,
        "only complaints are handled; repairs are finished",
    )?;
    status_in(
        case,
        &ACTIVE_WORK,
        "dispatch the complaint before handling it",
    )?;
    let notes = text("notes", &p.notes, MAX_NOTE_CHARS, true)?;
    let visit_due_at = cx.at + cx.facts.policy(&case.estate_id).visit_ms();
    let what = EventKind::Handled {
        notes: notes.clone(),
        visit_due_at,
    };
    Ok(cx.step_record(case, what, |c| {
        c.status = CaseStatus::ReturnVisit;
        c.work.finished_at = Some(cx.at);
        c.work.notes = notes;
        c.visit_due_at = Some(visit_due_at);
    }))
}

/// Who answers for the resident: the resident themselves, or the desk on their behalf.
fn speaks_for_resident(actor: &Actor) -> bool {
    actor.role == Role::Resident || runs_desk(actor.role)
}

/// `case.accept` (验收签字): the work is accepted with a drawn signature.
pub fn accept(existing: Option<&Case>, p: &Accept, cx: &Context<'_>) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        speaks_for_resident(cx.actor),
        "the resident or the desk accepts the work",
    )?;
    status_in(
        case,
        &[CaseStatus::Completed],
        "there is no finished work to accept",
    )?;
    let mut sig = photos(std::slice::from_ref(&p.signature))?;
    let signature = sig.remove(0);
    let by = cx.step_person();
    let what = EventKind::Accepted {
        signature: signature.clone(),
    };
    Ok(cx.step_record(case, what, |c| {
        c.status = CaseStatus::ReturnVisit;
        c.acceptance = Some(Acceptance {
            at: cx.at,
            by,
            signature,
        });
    }))
}

/// `case.refuse`: the work is not accepted; it reopens with the reason.
pub fn refuse(
    existing: Option<&Case>,
    p: &super::Reason,
    cx: &Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(
        speaks_for_resident(cx.actor),
        "the resident or the desk refuses the work",
    )?;
    status_in(
        case,
        &[CaseStatus::Completed],
        "there is no finished work to refuse",
    )?;
    let reason = text("reason", &p.reason, MAX_NOTE_CHARS, true)?;
    Ok(cx.step_record(case, EventKind::Refused { reason }, |c| {
        c.status = CaseStatus::InProgress;
        c.work.finished_at = None;
        c.visit_due_at = None;
    }))
}
