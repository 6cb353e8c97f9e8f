//! The ops a mutation may carry, and `apply`: the one pure function that decides what a
//! mutation does to a record. The server runs it inside the push transaction; the
//! browser runs it over its local replica to show pending work at once.
//!
//! Every op is documented in `docs/ops.md` (payload, who may send it, rejection codes).

use super::cases::{self, Case, CommentCase, CreateCase};
use super::user::CurrentUser;
use super::Role;
use serde::{Deserialize, Serialize};

/// Who sends a mutation, as the rules need to know them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub estate_ids: Vec<String>,
    pub unit_ids: Vec<String>,
}

impl From<&CurrentUser> for Actor {
    fn from(u: &CurrentUser) -> Self {
        Actor {
            id: u.id.clone(),
            name: u.display_name.clone(),
            role: u.role,
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
}

/// What the rules need to look up outside the record itself.
pub trait Facts {
    /// A unit, or `None` when no such unit exists (or the device does not know it).
    fn unit(&self, unit_id: &str) -> Option<UnitFact>;
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
    CaseCreate(CreateCase),
    CaseComment(CommentCase),
}

/// The kinds of record the change feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Case,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Case => "case",
        }
    }
}

impl Op {
    /// The op names this build understands.
    pub const NAMES: [&'static str; 2] = ["case.create", "case.comment"];

    /// Reads an op name and its payload; a wrong shape is `bad_payload` naming the field.
    pub fn parse(op: &str, payload: &serde_json::Value) -> Result<Op, Rejection> {
        fn read<T: serde::de::DeserializeOwned>(
            op: &str,
            payload: &serde_json::Value,
        ) -> Result<T, Rejection> {
            T::deserialize(payload)
                .map_err(|e| Rejection::new(RejectCode::BadPayload, format!("{op} payload: {e}")))
        }
        match op {
            "case.create" => read(op, payload).map(Op::CaseCreate),
            "case.comment" => read(op, payload).map(Op::CaseComment),
            other => Err(Rejection::new(
                RejectCode::UnknownOp,
                format!("unknown op `{other}`"),
            )),
        }
    }

    /// The record kind the op changes.
    pub fn entity(&self) -> Entity {
        match self {
            Op::CaseCreate(_) | Op::CaseComment(_) => Entity::Case,
        }
    }

    /// Blobs the op names, to show as pending until they arrive.
    pub fn photo_names(&self) -> &[String] {
        match self {
            Op::CaseCreate(p) => &p.photos,
            Op::CaseComment(p) => &p.photos,
        }
    }
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
pub fn apply(state: Option<&Case>, op: &Op, cx: Context<'_>) -> Result<Case, Rejection> {
    match op {
        Op::CaseCreate(p) => cases::create(
            state,
            cx.entity_id,
            p,
            cx.actor,
            cx.facts,
            cx.at,
            cx.mutation_id,
        ),
        Op::CaseComment(p) => cases::comment(state, p, cx.actor, cx.at, cx.mutation_id),
    }
}
