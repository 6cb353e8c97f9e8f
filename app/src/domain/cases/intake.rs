//! Intake: opening a case, commenting, classifying a complaint, priority and promised
//! replies.

use super::policy::HOUR_MS;
use super::*;
use crate::domain::ops::Facts;

/// `case.create`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    pub kind: CaseKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    /// Which estate, for staff of several; otherwise taken from the unit or the user.
    #[serde(default)]
    pub estate_id: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub preferred_time: Option<String>,
    #[serde(default)]
    pub leak: bool,
}

/// `case.comment`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentCase {
    pub text: String,
    #[serde(default)]
    pub photos: Vec<String>,
}

/// `case.classify`'s payload: the agent's judgement of a complaint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classify {
    pub nature: ComplaintNature,
    pub cause: Cause,
    pub department: Department,
    #[serde(default)]
    pub identity_confirmed: bool,
    #[serde(default)]
    pub payment_standing: Option<PaymentStanding>,
}

/// `case.prioritize`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prioritize {
    pub priority: Priority,
}

/// `case.defer`'s payload: an answer promised by a date (the estate's default when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defer {
    #[serde(default)]
    pub promised_at: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// `case.reply`'s payload: the answer given to the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub text: String,
}

/// The longest a promise may reach: a month.
const MAX_PROMISE_MS: i64 = 30 * 24 * HOUR_MS;

/// `case.create`: a new case, open, with a `created` event and its service-level due time.
pub fn create(
    existing: Option<&Case>,
    id: &str,
    p: &CreateCase,
    actor: &Actor,
    facts: &dyn Facts,
    at: i64,
    mutation_id: &str,
) -> Result<Case, Rejection> {
    forbid_unless(may_create(actor.role), "your role may not open cases")?;
    need(
        existing.is_none(),
        RejectCode::AlreadyExists,
        "a case with this id already exists",
    )?;
    let title = text("title", &p.title, MAX_TITLE_CHARS, true)?;
    let description = text("description", &p.description, MAX_DESCRIPTION_CHARS, false)?;
    let location = optional_text("location", &p.location, MAX_LOCATION_CHARS)?;
    let preferred_time = optional_text("preferred_time", &p.preferred_time, 100)?;
    let contact_name = optional_text("contact_name", &p.contact_name, 60)?;
    let contact_phone = crate::domain::rules::phone("contact_phone", &p.contact_phone)?;
    let photos = photos(&p.photos)?;
    // Residents file through the portal; only staff may say it came otherwise.
    let channel = match (actor.role, p.channel) {
        (Role::Resident, Some(c)) if c != Channel::Portal => {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                "residents file through the portal",
            ))
        }
        (_, c) => c.unwrap_or(Channel::default_for(actor.role)),
    };
    // The estate comes from the unit when there is one; it must agree with any estate
    // named, and be in the actor's scope.
    let mut unit_label = None;
    let mut building_id = None;
    let estate_id = match &p.unit_id {
        Some(unit) => {
            let Some(fact) = facts.unit(unit) else {
                return Err(Rejection::new(
                    RejectCode::NotFound,
                    format!("unit {unit} does not exist"),
                ));
            };
            if p.estate_id.as_ref().is_some_and(|e| *e != fact.estate_id) {
                return Err(Rejection::new(
                    RejectCode::BadPayload,
                    "the unit is not in the estate named",
                ));
            }
            forbid_unless(
                actor.role.is_staff() || actor.unit_ids.contains(unit),
                "residents open cases for their own unit",
            )?;
            unit_label = Some(fact.label);
            building_id = fact.building_id;
            fact.estate_id
        }
        None => match (&p.estate_id, actor.estate_ids.as_slice()) {
            (Some(e), _) => e.clone(),
            (None, [only]) => only.clone(),
            (None, _) => {
                return Err(Rejection::new(
                    RejectCode::BadPayload,
                    "name a unit or an estate",
                ))
            }
        },
    };
    forbid_unless(
        actor.estate_ids.contains(&estate_id),
        "the estate is not in your scope",
    )?;
    need(
        p.unit_id.is_some() || location.is_some() || actor.role.is_staff(),
        RejectCode::BadPayload,
        "name your unit or where it is",
    )?;
    let priority = p.priority.unwrap_or_default();
    let policy = facts.policy(&estate_id);
    let contact = (contact_name.is_some() || contact_phone.is_some()).then(|| Contact {
        name: contact_name.unwrap_or_default(),
        phone: contact_phone.unwrap_or_default(),
    });
    Ok(Case {
        id: id.to_string(),
        estate_id,
        kind: p.kind,
        title,
        description,
        status: CaseStatus::Open,
        priority,
        channel,
        unit_id: p.unit_id.clone(),
        unit_label,
        building_id,
        location,
        contact,
        preferred_time,
        leak: p.leak,
        photos,
        created_at: at,
        created_by: actor.id.clone(),
        created_by_name: actor.name.clone(),
        created_by_role: actor.role,
        updated_at: at,
        due_at: at + policy.due_ms(p.kind, priority),
        department: None,
        assignee: None,
        escalated: false,
        hold: None,
        complaint: None,
        work: Work::default(),
        acceptance: None,
        visit_due_at: None,
        visits: Vec::new(),
        summary: None,
        promised_reply_at: None,
        replied_at: None,
        rating: None,
        closed_at: None,
        events: vec![CaseEvent {
            id: mutation_id.to_string(),
            at,
            by: actor.id.clone(),
            by_name: actor.name.clone(),
            what: EventKind::Created,
        }],
    })
}

/// `case.comment`: appends a comment to a case the actor may see, unless it is final.
pub fn comment(
    existing: Option<&Case>,
    p: &CommentCase,
    actor: &Actor,
    at: i64,
    mutation_id: &str,
) -> Result<Case, Rejection> {
    let case = seen(existing, actor)?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is closed",
    )?;
    let text = text("text", &p.text, MAX_COMMENT_CHARS, true)?;
    let photos = photos(&p.photos)?;
    let step = Step {
        actor,
        at,
        mutation_id,
    };
    Ok(step.record(case, EventKind::Comment { text, photos }, |_| {}))
}

/// `case.classify`: the desk judges a complaint's nature, cause and department. A
/// communicative complaint needs the complainant's identity confirmed.
pub fn classify(
    existing: Option<&Case>,
    p: &Classify,
    actor: &Actor,
    at: i64,
    mutation_id: &str,
) -> Result<Case, Rejection> {
    let case = seen(existing, actor)?;
    forbid_unless(runs_desk(actor.role), "only the desk classifies complaints")?;
    need(
        case.kind == CaseKind::Complaint,
        RejectCode::InvalidTransition,
        "only complaints are classified",
    )?;
    status_in(
        case,
        &[
            CaseStatus::Open,
            CaseStatus::Dispatched,
            CaseStatus::Signed,
            CaseStatus::InProgress,
        ],
        "a complaint is classified before it is handled",
    )?;
    need(
        !p.nature.is_communicative() || p.identity_confirmed,
        RejectCode::BadPayload,
        "confirm the complainant's identity for a communicative complaint",
    )?;
    let step = Step {
        actor,
        at,
        mutation_id,
    };
    let what = EventKind::Classified {
        nature: p.nature,
        cause: p.cause,
        department: p.department,
    };
    Ok(step.record(case, what, |c| {
        c.complaint = Some(Classification {
            nature: p.nature,
            cause: p.cause,
            department: p.department,
            identity_confirmed: p.identity_confirmed,
            payment_standing: p.payment_standing,
        });
        if c.department.is_none() {
            c.department = Some(p.department);
        }
    }))
}

/// `case.prioritize`: a new priority, and the due time it gives from the opening time.
pub fn prioritize(
    existing: Option<&Case>,
    p: &Prioritize,
    cx: &crate::domain::ops::Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "only the desk sets priorities")?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is closed",
    )?;
    let due_at = case.created_at
        + cx.facts
            .policy(&case.estate_id)
            .due_ms(case.kind, p.priority);
    let step = Step {
        actor: cx.actor,
        at: cx.at,
        mutation_id: cx.mutation_id,
    };
    let what = EventKind::Prioritized {
        priority: p.priority,
        due_at,
    };
    Ok(step.record(case, what, |c| {
        c.priority = p.priority;
        c.due_at = due_at;
    }))
}

/// `case.defer`: the desk cannot answer at once and promises a reply by a date.
pub fn defer(
    existing: Option<&Case>,
    p: &Defer,
    cx: &crate::domain::ops::Context<'_>,
) -> Result<Case, Rejection> {
    let case = seen(existing, cx.actor)?;
    forbid_unless(runs_desk(cx.actor.role), "only the desk promises replies")?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is closed",
    )?;
    let promised_at = p
        .promised_at
        .unwrap_or(cx.at + cx.facts.policy(&case.estate_id).reply_ms());
    need(
        promised_at > cx.at && promised_at <= cx.at + MAX_PROMISE_MS,
        RejectCode::BadPayload,
        "promised_at must be in the next 30 days",
    )?;
    let note = text("note", &p.note, MAX_NOTE_CHARS, false)?;
    let step = Step {
        actor: cx.actor,
        at: cx.at,
        mutation_id: cx.mutation_id,
    };
    Ok(
        step.record(case, EventKind::Deferred { promised_at, note }, |c| {
            c.promised_reply_at = Some(promised_at);
            c.replied_at = None;
        }),
    )
}

/// `case.reply`: the answer given; it keeps any promise made.
pub fn reply(
    existing: Option<&Case>,
    p: &Reply,
    actor: &Actor,
    at: i64,
    mutation_id: &str,
) -> Result<Case, Rejection> {
    let case = seen(existing, actor)?;
    forbid_unless(
        runs_desk(actor.role) || works_on(actor, case),
        "the desk or the assignee replies",
    )?;
    need(
        !case.status.is_final(),
        RejectCode::InvalidTransition,
        "case is closed",
    )?;
    let text = text("text", &p.text, MAX_COMMENT_CHARS, true)?;
    let step = Step {
        actor,
        at,
        mutation_id,
    };
    Ok(step.record(case, EventKind::Replied { text }, |c| {
        c.replied_at = Some(at);
    }))
}
