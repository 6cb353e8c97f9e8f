//! Service cases (报修·投诉·咨询…): the record that travels through the sync engine, and
//! the pure rules of the ops that change it. The same functions run on the server (the
//! truth) and in the browser (the view with pending mutations applied on top), so both
//! always agree on what a mutation does and on why one is refused.
//!
//! The workflow, by kind (every step is an op and an event on the timeline):
//! - repair: open → dispatched → signed → in progress → completed (work done) → the
//!   resident accepts with a signature → return visit → closed. Refusal or an unhappy
//!   return visit reopens the work.
//! - complaint: open → classified → dispatched to a department head → site visit →
//!   handled → return visit → resolved → summary → closed.
//! - inquiry, suggestion, help, praise: answered and closed by the desk (dispatch allowed).
//! - any active case: hold/resume, escalate, reassign, cancel; closed or cancelled cases
//!   can be reopened. Nothing is ever deleted.

mod closing;
pub mod directory;
mod flow;
mod intake;
pub mod policy;
pub mod queue;
pub mod search;
#[cfg(test)]
mod tests;
mod work;

pub use closing::{CloseCase, RateCase, RecordVisit, Summarize};
pub use directory::Directory;
pub use flow::{Reason, Resume};
pub use intake::{Classify, CommentCase, CreateCase, Defer, Prioritize, Reply};
pub use policy::{Policy, PriorityHours, Timer, TimerKind, TimerState};
pub use queue::{urgency_order, CaseFilter};
pub use work::{Accept, Dispatch, Finish, Material, Notes, Sign};

use super::ops::{Actor, RejectCode, Rejection};
use super::resident::PaymentStanding;
use super::{Department, Role};
use serde::{Deserialize, Serialize};

/// Longest title and description, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
pub const MAX_COMMENT_CHARS: usize = 2_000;
pub const MAX_LOCATION_CHARS: usize = 200;
/// Reasons, notes and short answers.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// The most photos one case or comment may name.
pub const MAX_PHOTOS: usize = 12;

/// What the person came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Repair,
    Complaint,
    Inquiry,
    Suggestion,
    Help,
    Praise,
}

words!(CaseKind, "case.kind", [
    Repair => "repair",
    Complaint => "complaint",
    Inquiry => "inquiry",
    Suggestion => "suggestion",
    Help => "help",
    Praise => "praise",
]);

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Recorded, not yet sent to anyone.
    Open,
    /// Sent to a department (and perhaps a person), not yet signed for.
    Dispatched,
    /// The assignee signed for it (签收).
    Signed,
    /// Work or handling under way.
    InProgress,
    /// The technician finished; waiting for the resident to accept (验收).
    Completed,
    /// Accepted or handled; the return visit (回访) is due.
    ReturnVisit,
    /// A complaint whose return visit went well; its summary closes it.
    Resolved,
    /// Paused with a reason; resumes where it was.
    OnHold,
    Closed,
    Cancelled,
}

words!(CaseStatus, "case.status", [
    Open => "open",
    Dispatched => "dispatched",
    Signed => "signed",
    InProgress => "in_progress",
    Completed => "completed",
    ReturnVisit => "return_visit",
    Resolved => "resolved",
    OnHold => "on_hold",
    Closed => "closed",
    Cancelled => "cancelled",
]);

impl CaseStatus {
    /// Closed and cancelled cases take no step but `reopen`.
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Closed | CaseStatus::Cancelled)
    }

    /// Someone still owes work on it (the service-level timer runs).
    pub fn is_working(self) -> bool {
        matches!(
            self,
            CaseStatus::Open | CaseStatus::Dispatched | CaseStatus::Signed | CaseStatus::InProgress
        )
    }
}

/// How urgent, which sets the due time.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

words!(Priority, "case.priority", [
    Low => "low",
    Normal => "normal",
    High => "high",
    Urgent => "urgent",
]);

/// How the case reached the desk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At the front desk in person.
    #[default]
    Visit,
    Phone,
    /// The resident's own screens.
    Portal,
    /// Reported by a technician at work.
    Technician,
    /// Found on a patrol.
    Patrol,
}

words!(Channel, "case.channel", [
    Visit => "visit",
    Phone => "phone",
    Portal => "portal",
    Technician => "technician",
    Patrol => "patrol",
]);

impl Channel {
    /// The channel a role files through when it does not say.
    pub fn default_for(role: Role) -> Channel {
        match role {
            Role::Resident => Channel::Portal,
            Role::Technician => Channel::Technician,
            Role::Patrol => Channel::Patrol,
            _ => Channel::Visit,
        }
    }
}

/// What a complaint is, as the agent judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintNature {
    /// 有效投诉: dereliction or violation by the management company.
    Valid,
    /// 沟通性投诉 — 求助: the person needs help.
    HelpSeeking,
    /// 沟通性投诉 — 咨询: the person wants to know something.
    Consulting,
    /// 沟通性投诉 — 发泄: the person needs to be heard.
    Venting,
}

words!(ComplaintNature, "case.nature", [
    Valid => "valid",
    HelpSeeking => "help_seeking",
    Consulting => "consulting",
    Venting => "venting",
]);

impl ComplaintNature {
    /// Communicative complaints: the desk confirms identity and checks payment standing.
    pub fn is_communicative(self) -> bool {
        self != ComplaintNature::Valid
    }
}

/// The cause category of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Equipment,
    ServiceAttitude,
    ServiceQuality,
    Emergency,
}

words!(Cause, "case.cause", [
    Equipment => "equipment",
    ServiceAttitude => "service_attitude",
    ServiceQuality => "service_quality",
    Emergency => "emergency",
]);

/// How a return visit was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitMethod {
    Phone,
    Door,
}

words!(VisitMethod, "case.visit_method", [
    Phone => "phone",
    Door => "door",
]);

/// A photo a case or comment names by content hash. `pending` is true until the bytes
/// have reached the server; the server sets it when it publishes the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub sha256: String,
    #[serde(default)]
    pub pending: bool,
}

/// A person named on a case, with the name they had then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// Who to call back about the case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

/// The agent's judgement of a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub nature: ComplaintNature,
    pub cause: Cause,
    pub department: Department,
    /// The complainant's identity was checked (required for communicative complaints).
    pub identity_confirmed: bool,
    /// The payment standing the agent saw when classifying, if they could see it.
    pub payment_standing: Option<PaymentStanding>,
}

/// The work record of a case, filled in as the technician goes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Work {
    pub signed_at: Option<i64>,
    pub started_at: Option<i64>,
    pub site_visit_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub water_test_at: Option<i64>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub materials: Vec<Material>,
    /// The agreed fee of a paid repair, in cents (分); billed from the case.
    pub fee_cents: Option<i64>,
}

/// The resident's acceptance of the work, signed on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub at: i64,
    pub by: Person,
    /// The drawn signature, a PNG blob.
    pub signature: Photo,
}

/// One return visit (回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnVisit {
    pub at: i64,
    pub by: Person,
    pub method: VisitMethod,
    pub satisfied: bool,
    pub notes: String,
}

/// What a complaint taught: required before a complaint closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub cause: String,
    pub lesson: String,
    pub change: String,
}

/// The resident's rating of how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub stars: u8,
    pub comment: String,
    pub at: i64,
}

/// Why a case is on hold and where it resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub reason: String,
    pub resume: CaseStatus,
}

/// What happened on a case, in order. Events are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    /// The id of the mutation that made it: one event per mutation, never two.
    pub id: String,
    /// Server time of the change (device time for a view not yet synced), ms.
    pub at: i64,
    pub by: String,
    pub by_name: String,
    #[serde(flatten)]
    pub what: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Comment {
        text: String,
        #[serde(default)]
        photos: Vec<Photo>,
    },
    Classified {
        nature: ComplaintNature,
        cause: Cause,
        department: Department,
    },
    Prioritized {
        priority: Priority,
        due_at: i64,
    },
    Dispatched {
        department: Department,
        assignee: Option<Person>,
        note: String,
    },
    Reassigned {
        department: Department,
        assignee: Option<Person>,
        note: String,
    },
    Signed,
    Started,
    SiteVisit {
        notes: String,
    },
    Finished {
        notes: String,
        #[serde(default)]
        photos: Vec<Photo>,
        fee_cents: Option<i64>,
        visit_due_at: i64,
    },
    Handled {
        notes: String,
        visit_due_at: i64,
    },
    Accepted {
        signature: Photo,
    },
    Refused {
        reason: String,
    },
    Visited {
        method: VisitMethod,
        satisfied: bool,
        notes: String,
    },
    Summarized {
        cause: String,
        lesson: String,
        change: String,
    },
    Deferred {
        promised_at: i64,
        note: String,
    },
    Replied {
        text: String,
    },
    Escalated {
        reason: String,
    },
    Held {
        reason: String,
    },
    Resumed,
    Cancelled {
        reason: String,
    },
    Reopened {
        reason: String,
    },
    Closed {
        note: String,
    },
    Rated {
        stars: u8,
        comment: String,
    },
}

impl EventKind {
    /// The translation key of the event's headline.
    pub fn label_key(&self) -> &'static str {
        match self {
            EventKind::Created => "case.event.created",
            EventKind::Comment { .. } => "case.event.comment",
            EventKind::Classified { .. } => "case.event.classified",
            EventKind::Prioritized { .. } => "case.event.prioritized",
            EventKind::Dispatched { .. } => "case.event.dispatched",
            EventKind::Reassigned { .. } => "case.event.reassigned",
            EventKind::Signed => "case.event.signed",
            EventKind::Started => "case.event.started",
            EventKind::SiteVisit { .. } => "case.event.site_visit",
            EventKind::Finished { .. } => "case.event.finished",
            EventKind::Handled { .. } => "case.event.handled",
            EventKind::Accepted { .. } => "case.event.accepted",
            EventKind::Refused { .. } => "case.event.refused",
            EventKind::Visited { .. } => "case.event.visited",
            EventKind::Summarized { .. } => "case.event.summarized",
            EventKind::Deferred { .. } => "case.event.deferred",
            EventKind::Replied { .. } => "case.event.replied",
            EventKind::Escalated { .. } => "case.event.escalated",
            EventKind::Held { .. } => "case.event.held",
            EventKind::Resumed => "case.event.resumed",
            EventKind::Cancelled { .. } => "case.event.cancelled",
            EventKind::Reopened { .. } => "case.event.reopened",
            EventKind::Closed { .. } => "case.event.closed",
            EventKind::Rated { .. } => "case.event.rated",
        }
    }

    fn photos(&self) -> Vec<&Photo> {
        match self {
            EventKind::Comment { photos, .. } | EventKind::Finished { photos, .. } => {
                photos.iter().collect()
            }
            EventKind::Accepted { signature } => vec![signature],
            _ => Vec::new(),
        }
    }

    fn photos_mut(&mut self) -> Vec<&mut Photo> {
        match self {
            EventKind::Comment { photos, .. } | EventKind::Finished { photos, .. } => {
                photos.iter_mut().collect()
            }
            EventKind::Accepted { signature } => vec![signature],
            _ => Vec::new(),
        }
    }
}

/// The whole current state of a case, as the pull feed and every screen see it. Fields
/// added after the first release default, so records written before still read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub estate_id: String,
    pub kind: CaseKind,
    pub title: String,
    pub description: String,
    pub status: CaseStatus,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub channel: Channel,
    pub unit_id: Option<String>,
    /// The unit as people call it (`A-1203`), fixed when the case was opened.
    #[serde(default)]
    pub unit_label: Option<String>,
    #[serde(default)]
    pub building_id: Option<String>,
    /// A common area or facility, or a note on where in the unit.
    pub location: Option<String>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub preferred_time: Option<String>,
    /// A leak: the return visit follows the water test.
    #[serde(default)]
    pub leak: bool,
    pub photos: Vec<Photo>,
    pub created_at: i64,
    pub created_by: String,
    pub created_by_name: String,
    pub created_by_role: Role,
    pub updated_at: i64,
    /// When the work or answer is due under the estate's service levels.
    #[serde(default)]
    pub due_at: i64,
    #[serde(default)]
    pub department: Option<Department>,
    #[serde(default)]
    pub assignee: Option<Person>,
    #[serde(default)]
    pub escalated: bool,
    /// Present exactly when the status is `on_hold`.
    #[serde(default)]
    pub hold: Option<Hold>,
    #[serde(default)]
    pub complaint: Option<Classification>,
    #[serde(default)]
    pub work: Work,
    #[serde(default)]
    pub acceptance: Option<Acceptance>,
    /// When the pending return visit is due.
    #[serde(default)]
    pub visit_due_at: Option<i64>,
    #[serde(default)]
    pub visits: Vec<ReturnVisit>,
    #[serde(default)]
    pub summary: Option<Summary>,
    /// A reply the desk promised by this time (3 days by default).
    #[serde(default)]
    pub promised_reply_at: Option<i64>,
    #[serde(default)]
    pub replied_at: Option<i64>,
    #[serde(default)]
    pub rating: Option<Rating>,
    #[serde(default)]
    pub closed_at: Option<i64>,
    pub events: Vec<CaseEvent>,
}

/// Whether the actor may see (and so comment on) this case: staff of its estate, and
/// residents of its unit or who filed it.
pub fn may_see(actor: &Actor, case: &Case) -> bool {
    if actor.role.is_staff() {
        actor.estate_ids.contains(&case.estate_id)
    } else {
        case.created_by == actor.id
            || case
                .unit_id
                .as_ref()
                .is_some_and(|u| actor.unit_ids.contains(u))
    }
}

/// Who may open a case: everyone at the desk and in the field, and residents; cashiers
/// hand callers to the desk.
pub fn may_create(role: Role) -> bool {
    role != Role::Cashier
}

/// Runs the desk: classifies, dispatches, makes return visits, closes.
pub fn runs_desk(role: Role) -> bool {
    matches!(
        role,
        Role::FrontDesk | Role::Supervisor | Role::Manager | Role::Admin
    )
}

/// Supervises: may act for any assignee.
pub fn supervises(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Manager | Role::Admin)
}

/// May be given work: staff who are neither cashiers nor admins.
pub fn may_be_assigned(role: Role) -> bool {
    role.is_staff() && !matches!(role, Role::Cashier | Role::Admin)
}

/// The assignee, or a supervisor acting for them.
fn works_on(actor: &Actor, case: &Case) -> bool {
    supervises(actor.role) || case.assignee.as_ref().is_some_and(|a| a.id == actor.id)
}

/// The case, if it exists and the actor may see it. Out of scope looks the same as
/// absent: no probing for case ids.
fn seen<'c>(existing: Option<&'c Case>, actor: &Actor) -> Result<&'c Case, Rejection> {
    existing
        .filter(|c| may_see(actor, c))
        .ok_or_else(|| Rejection::new(RejectCode::NotFound, "no such case"))
}

pub(crate) use crate::domain::rules::{forbid_unless, need, optional_text, text};

fn status_in(case: &Case, allowed: &[CaseStatus], message: &str) -> Result<(), Rejection> {
    need(
        allowed.contains(&case.status),
        RejectCode::InvalidTransition,
        &format!("{message} (the case is {})", case.status.as_str()),
    )
}

/// Checks photo names: lowercase SHA-256 hex, no repeats, not too many.
pub fn photos(names: &[String]) -> Result<Vec<Photo>, Rejection> {
    if names.len() > MAX_PHOTOS {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            format!("at most {MAX_PHOTOS} photos"),
        ));
    }
    let mut out: Vec<Photo> = Vec::with_capacity(names.len());
    for n in names {
        if !super::blobs::is_sha256_hex(n) {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                format!("photo `{n}` is not a SHA-256 hex name"),
            ));
        }
        if !out.iter().any(|p| p.sha256 == *n) {
            out.push(Photo {
                sha256: n.clone(),
                pending: true,
            });
        }
    }
    Ok(out)
}

/// One accepted step: the next state with its event appended.
struct Step<'a> {
    actor: &'a Actor,
    at: i64,
    mutation_id: &'a str,
}

impl Step<'_> {
    fn record(&self, case: &Case, what: EventKind, change: impl FnOnce(&mut Case)) -> Case {
        let mut next = case.clone();
        change(&mut next);
        next.updated_at = next.updated_at.max(self.at);
        next.events.push(CaseEvent {
            id: self.mutation_id.to_string(),
            at: self.at,
            by: self.actor.id.clone(),
            by_name: self.actor.name.clone(),
            what,
        });
        next
    }
}

impl Case {
    /// Every photo the case names: its own, its comments', the work's, the signature.
    pub fn photo_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.photos.iter().map(|p| p.sha256.clone()).collect();
        for e in &self.events {
            out.extend(e.what.photos().into_iter().map(|p| p.sha256.clone()));
        }
        out.sort();
        out.dedup();
        out
    }

    /// Marks each photo pending or not, given whether its bytes are stored.
    pub fn mark_pending(&mut self, stored: impl Fn(&str) -> bool) {
        for p in &mut self.photos {
            p.pending = !stored(&p.sha256);
        }
        if let Some(a) = &mut self.acceptance {
            a.signature.pending = !stored(&a.signature.sha256);
        }
        for e in &mut self.events {
            for p in e.what.photos_mut() {
                p.pending = !stored(&p.sha256);
            }
        }
    }

    /// Where the case is, as people say it: the unit, the place, or both.
    pub fn place(&self) -> String {
        match (&self.unit_label, &self.location) {
            (Some(u), Some(l)) => format!("{u} · {l}"),
            (Some(u), None) => u.clone(),
            (None, Some(l)) => l.clone(),
            (None, None) => String::new(),
        }
    }
}

pub use closing::{close, rate, return_visit, summarize};
pub use flow::{cancel, escalate, hold, reopen, resume};
pub use intake::{classify, comment, create, defer, prioritize, reply};
pub use work::{accept, dispatch, finish, handle, reassign, refuse, sign, site_visit, start};
