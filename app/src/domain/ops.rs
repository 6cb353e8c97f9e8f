//! The ops a mutation may carry, and `apply`: the one pure function that decides what a
//! mutation does to a record. The server runs it inside the push transaction; the
//! browser runs it over its local replica to show pending work at once.
//!
//! Every op is documented in `docs/ops.md` (payload, who may send it, rejection codes).

use super::cases::{self, Case};
use super::ledger::{self, LedgerOp};
use super::patrols::{self, PatrolOp, Route};
use super::records::Record;
use super::user::CurrentUser;
use super::{Department, Role};
use serde::{Deserialize, Serialize};

/// Who sends a mutation, as the rules need to know them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub department: Option<Department>,
    pub estate_ids: Vec<String>,
    pub unit_ids: Vec<String>,
}

impl From<&CurrentUser> for Actor {
    fn from(u: &CurrentUser) -> Self {
        Actor {
            id: u.id.clone(),
            name: u.display_name.clone(),
            role: u.role,
            department: u.department,
            estate_ids: u.estate_ids.clone(),
            unit_ids: u.unit_ids.clone(),
        }
    }
}

/// A unit as the rules need to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFact {
    pub estate_id: String,
    /// What people call it: building code and number, e.g. `A-1203`.
    pub label: String,
    #[serde(default)]
    pub building_id: Option<String>,
}

/// A staff member as the rules need to know them (to assign work).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffFact {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub department: Option<Department>,
    pub estate_ids: Vec<String>,
}

/// What the rules need to look up outside the record itself.
pub trait Facts {
    /// A unit, or `None` when no such unit exists (or the device does not know it).
    fn unit(&self, unit_id: &str) -> Option<UnitFact>;

    /// A staff member, or `None` when unknown (or not active).
    fn staff(&self, _user_id: &str) -> Option<StaffFact> {
        None
    }

    /// The estate a building belongs to, or `None` when unknown.
    fn building(&self, _building_id: &str) -> Option<String> {
        None
    }

    /// A patrol route, or `None` when unknown.
    fn route(&self, _route_id: &str) -> Option<Route> {
        None
    }

    /// The estate's service levels; the company's standards unless the estate set its own.
    fn policy(&self, _estate_id: &str) -> cases::Policy {
        cases::Policy::default()
    }
}

/// The stable words of a rejection, as `code` in push results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The op is not one the server knows.
    UnknownOp,
    /// The payload does not have the op's shape, or a field is out of bounds.
    BadPayload,
    /// The user's role or scope does not allow it.
    Forbidden,
    /// The record (or a record it names) does not exist or is out of the user's sight.
    NotFound,
    /// A create names an id that is taken.
    AlreadyExists,
    /// The record's state does not allow this step.
    InvalidTransition,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::UnknownOp => "unknown_op",
            RejectCode::BadPayload => "bad_payload",
            RejectCode::Forbidden => "forbidden",
            RejectCode::NotFound => "not_found",
            RejectCode::AlreadyExists => "already_exists",
            RejectCode::InvalidTransition => "invalid_transition",
        }
    }

    pub const ALL: [RejectCode; 6] = [
        RejectCode::UnknownOp,
        RejectCode::BadPayload,
        RejectCode::Forbidden,
        RejectCode::NotFound,
        RejectCode::AlreadyExists,
        RejectCode::InvalidTransition,
    ];
}

/// Why a mutation can never apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}: {message}", code.as_str())]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Rejection::new(RejectCode::Forbidden, message)
    }
}

/// A mutation's op with its payload parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Case(CaseOp),
    Ledger(LedgerOp),
    Patrol(PatrolOp),
}

/// The ops on a case; see `docs/ops.md`.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseOp {
    Create(cases::CreateCase),
    Comment(cases::CommentCase),
    Classify(cases::Classify),
    Prioritize(cases::Prioritize),
    Dispatch(cases::Dispatch),
    Reassign(cases::Dispatch),
    Sign(cases::Sign),
    Start(cases::Sign),
    SiteVisit(cases::Notes),
    Finish(cases::Finish),
    Handle(cases::Notes),
    Accept(cases::Accept),
    Refuse(cases::Reason),
    ReturnVisit(cases::RecordVisit),
    Summarize(cases::Summarize),
    Defer(cases::Defer),
    Reply(cases::Reply),
    Escalate(cases::Reason),
    Hold(cases::Reason),
    Resume(cases::Resume),
    Cancel(cases::Reason),
    Reopen(cases::Reason),
    Close(cases::CloseCase),
    Rate(cases::RateCase),
}

/// The kinds of record the change feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    Case,
    Visit,
    Call,
    Pass,
    Key,
    Parcel,
    Shift,
    Notice,
    Route,
    Run,
    Finding,
}

impl Entity {
    pub const ALL: [Entity; 11] = [
        Entity::Case,
        Entity::Visit,
        Entity::Call,
        Entity::Pass,
        Entity::Key,
        Entity::Parcel,
        Entity::Shift,
        Entity::Notice,
        Entity::Route,
        Entity::Run,
        Entity::Finding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Case => "case",
            Entity::Visit => "visit",
            Entity::Call => "call",
            Entity::Pass => "pass",
            Entity::Key => "key",
            Entity::Parcel => "parcel",
            Entity::Shift => "shift",
            Entity::Notice => "notice",
            Entity::Route => "route",
            Entity::Run => "run",
            Entity::Finding => "finding",
        }
    }
}

impl Op {
    /// The case op names this build understands (the ledger's are `LedgerOp::NAMES`).
    pub const CASE_NAMES: [&'static str; 24] = [
        "case.create",
        "case.comment",
        "case.classify",
        "case.prioritize",
        "case.dispatch",
        "case.reassign",
        "case.sign",
        "case.start",
        "case.site_visit",
        "case.finish",
        "case.handle",
        "case.accept",
        "case.refuse",
        "case.return_visit",
        "case.summarize",
        "case.defer",
        "case.reply",
        "case.escalate",
        "case.hold",
        "case.resume",
        "case.cancel",
        "case.reopen",
        "case.close",
        "case.rate",
    ];

    /// Reads an op name and its payload; a wrong shape is `bad_payload` naming the field.
    pub fn parse(op: &str, payload: &serde_json::Value) -> Result<Op, Rejection> {
        use crate::domain::ops::read_payload as read;
        let p = payload;
        if let Some(ledger) = LedgerOp::parse(op, p) {
            return ledger.map(Op::Ledger);
        }
        if let Some(patrol) = PatrolOp::parse(op, p) {
            return patrol.map(Op::Patrol);
        }
        let case = match op {
            "case.create" => CaseOp::Create(read(op, p)?),
            "case.comment" => CaseOp::Comment(read(op, p)?),
            "case.classify" => CaseOp::Classify(read(op, p)?),
            "case.prioritize" => CaseOp::Prioritize(read(op, p)?),
            "case.dispatch" => CaseOp::Dispatch(read(op, p)?),
            "case.reassign" => CaseOp::Reassign(read(op, p)?),
            "case.sign" => CaseOp::Sign(read(op, p)?),
            "case.start" => CaseOp::Start(read(op, p)?),
            "case.site_visit" => CaseOp::SiteVisit(read(op, p)?),
            "case.finish" => CaseOp::Finish(read(op, p)?),
            "case.handle" => CaseOp::Handle(read(op, p)?),
            "case.accept" => CaseOp::Accept(read(op, p)?),
            "case.refuse" => CaseOp::Refuse(read(op, p)?),
            "case.return_visit" => CaseOp::ReturnVisit(read(op, p)?),
            "case.summarize" => CaseOp::Summarize(read(op, p)?),
            "case.defer" => CaseOp::Defer(read(op, p)?),
            "case.reply" => CaseOp::Reply(read(op, p)?),
            "case.escalate" => CaseOp::Escalate(read(op, p)?),
            "case.hold" => CaseOp::Hold(read(op, p)?),
            "case.resume" => CaseOp::Resume(read(op, p)?),
            "case.cancel" => CaseOp::Cancel(read(op, p)?),
            "case.reopen" => CaseOp::Reopen(read(op, p)?),
            "case.close" => CaseOp::Close(read(op, p)?),
            "case.rate" => CaseOp::Rate(read(op, p)?),
            other => {
                return Err(Rejection::new(
                    RejectCode::UnknownOp,
                    format!("unknown op `{other}`"),
                ))
            }
        };
        Ok(Op::Case(case))
    }

    /// The record kind the op changes.
    pub fn entity(&self) -> Entity {
        match self {
            Op::Case(_) => Entity::Case,
            Op::Ledger(op) => op.entity(),
            Op::Patrol(op) => op.entity(),
        }
    }

    /// Blobs the op names, to show as pending until they arrive.
    pub fn photo_names(&self) -> Vec<String> {
        match self {
            Op::Case(CaseOp::Create(p)) => p.photos.clone(),
            Op::Case(CaseOp::Comment(p)) => p.photos.clone(),
            Op::Case(CaseOp::Finish(p)) => p.photos.clone(),
            Op::Case(CaseOp::Accept(p)) => vec![p.signature.clone()],
            Op::Case(_) => Vec::new(),
            Op::Ledger(op) => op.photo_names(),
            Op::Patrol(op) => op.photo_names(),
        }
    }

    /// The unit a create names, to look up before applying.
    pub fn unit_id(&self) -> Option<&str> {
        match self {
            Op::Case(CaseOp::Create(p)) => p.unit_id.as_deref(),
            Op::Ledger(op) => op.unit_id(),
            _ => None,
        }
    }

    /// The building an op names, to look up before applying.
    pub fn building_id(&self) -> Option<&str> {
        match self {
            Op::Ledger(op) => op.building_id(),
            Op::Case(_) | Op::Patrol(_) => None,
        }
    }

    /// The route an op reads besides its own record.
    pub fn route_id(&self) -> Option<&str> {
        match self {
            Op::Patrol(op) => op.route_id(),
            _ => None,
        }
    }

    /// The staff member an op names, to look up before applying.
    pub fn staff_id(&self) -> Option<&str> {
        match self {
            Op::Case(CaseOp::Dispatch(p) | CaseOp::Reassign(p)) => p.assignee_id.as_deref(),
            Op::Ledger(op) => op.staff_id(),
            _ => None,
        }
    }
}

/// The payload of an op with no fields: still an object, so that a later field can be
/// added, and nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Empty {}

/// Reads an op's payload into its type; a wrong shape is `bad_payload` naming the field.
pub(crate) fn read_payload<T: serde::de::DeserializeOwned>(
    op: &str,
    payload: &serde_json::Value,
) -> Result<T, Rejection> {
    T::deserialize(payload)
        .map_err(|e| Rejection::new(RejectCode::BadPayload, format!("{op} payload: {e}")))
}

/// One mutation, ready to apply: the entity it is about, when, and by whom.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub mutation_id: &'a str,
    pub entity_id: &'a str,
    pub actor: &'a Actor,
    pub facts: &'a dyn Facts,
    /// When the change counts as made, ms since the epoch.
    pub at: i64,
}

/// Applies an op to the current state of its record (`None` when there is none yet)
/// and returns the new state, or why it can never apply.
pub fn apply(state: Option<&Record>, op: &Op, cx: Context<'_>) -> Result<Record, Rejection> {
    match op {
        Op::Case(op) => apply_case(typed!(state, Case), op, cx).map(Record::Case),
        Op::Ledger(op) => ledger::apply(state, op, &cx),
        Op::Patrol(op) => patrols::apply(state, op, &cx),
    }
}

/// Applies a case op to the case (`None` when there is none yet).
pub fn apply_case(state: Option<&Case>, op: &CaseOp, cx: Context<'_>) -> Result<Case, Rejection> {
    let (a, at, m) = (cx.actor, cx.at, cx.mutation_id);
    let s = state;
    match op {
        CaseOp::Create(p) => cases::create(s, cx.entity_id, p, a, cx.facts, at, m),
        CaseOp::Comment(p) => cases::comment(s, p, a, at, m),
        CaseOp::Classify(p) => cases::classify(s, p, a, at, m),
        CaseOp::Prioritize(p) => cases::prioritize(s, p, &cx),
        CaseOp::Dispatch(p) => cases::dispatch(s, p, &cx),
        CaseOp::Reassign(p) => cases::reassign(s, p, &cx),
        CaseOp::Sign(_) => cases::sign(s, &cx),
        CaseOp::Start(_) => cases::start(s, &cx),
        CaseOp::SiteVisit(p) => cases::site_visit(s, p, &cx),
        CaseOp::Finish(p) => cases::finish(s, p, &cx),
        CaseOp::Handle(p) => cases::handle(s, p, &cx),
        CaseOp::Accept(p) => cases::accept(s, p, &cx),
        CaseOp::Refuse(p) => cases::refuse(s, p, &cx),
        CaseOp::ReturnVisit(p) => cases::return_visit(s, p, &cx),
        CaseOp::Summarize(p) => cases::summarize(s, p, &cx),
        CaseOp::Defer(p) => cases::defer(s, p, &cx),
        CaseOp::Reply(p) => cases::reply(s, p, a, at, m),
        CaseOp::Escalate(p) => cases::escalate(s, p, &cx),
        CaseOp::Hold(p) => cases::hold(s, p, &cx),
        CaseOp::Resume(_) => cases::resume(s, &cx),
        CaseOp::Cancel(p) => cases::cancel(s, p, &cx),
        CaseOp::Reopen(p) => cases::reopen(s, p, &cx),
        CaseOp::Close(p) => cases::close(s, p, &cx),
        CaseOp::Rate(p) => cases::rate(s, p, &cx),
    }
}
