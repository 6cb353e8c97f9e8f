//! Patrols and inspections (巡查·督导): routes with their checklists and schedules, runs
//! walked on tablets (mostly with no signal), and the nonconformities they raise with
//! their follow-up. Like every record, they travel through the sync engine: the ops are
//! pure functions shared by the server and the browser, and nothing is deleted (a
//! route is retired, a nonconformity closed).

pub mod coverage;
mod findings;
pub mod labels;
mod routes;
mod runs;
pub mod schedule;
pub mod sheet;
pub mod shipped;
#[cfg(test)]
mod tests;

pub use findings::{
    Finding, FindingStatus, FollowUp, RaiseFinding, RecordFollowUp, Rectification, Rectify,
};
pub use routes::{
    check_areas, Area, DefineRoute, Item, ItemKind, RetireRoute, ReviseRoute, Route, RouteVersion,
    MAX_AREAS, MAX_ITEMS,
};
pub use runs::{
    Answer, AnswerItem, CheckIn, CheckInArea, CheckInMethod, FinishRun, Pause, Run, RunArea,
    RunStatus, StartRun, Value,
};
pub use schedule::{Every, Schedule, Slot};

use super::ledger::{approves, fresh, place, seen, time, Stamp};
use super::ledger::{MAX_NAME_CHARS, MAX_NOTE_CHARS};
use super::ops::{Actor, Context, Entity, RejectCode, Rejection};
use super::records::Record;
use super::rules::forbid_unless;
use super::{Department, Role};
use serde::{Deserialize, Serialize};

/// Walks routes and follows up nonconformities: patrol staff and supervisors.
pub fn inspects(role: Role) -> bool {
    matches!(
        role,
        Role::Patrol | Role::Supervisor | Role::Manager | Role::Admin
    )
}

/// Plans routes and their checklists: supervisors and those above them.
pub fn plans(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Manager | Role::Admin)
}

fn require_inspector(actor: &Actor) -> Result<(), Rejection> {
    forbid_unless(
        inspects(actor.role),
        "only patrol staff and supervisors inspect",
    )
}

fn require_planner(actor: &Actor) -> Result<(), Rejection> {
    forbid_unless(plans(actor.role), "only a supervisor plans routes")
}

/// The ops on routes, runs and nonconformities; see `docs/ops.md`.
#[derive(Debug, Clone, PartialEq)]
pub enum PatrolOp {
    RouteDefine(DefineRoute),
    RouteRevise(ReviseRoute),
    RouteRetire(RetireRoute),
    RunStart(StartRun),
    RunCheckIn(CheckInArea),
    RunAnswer(AnswerItem),
    RunPause,
    RunResume,
    RunFinish(FinishRun),
    FindingRaise(RaiseFinding),
    FindingRectify(Rectify),
    FindingFollowUp(RecordFollowUp),
}

impl PatrolOp {
    pub const NAMES: [&'static str; 12] = [
        "route.define",
        "route.revise",
        "route.retire",
        "run.start",
        "run.check_in",
        "run.answer",
        "run.pause",
        "run.resume",
        "run.finish",
        "finding.raise",
        "finding.rectify",
        "finding.follow_up",
    ];

    /// Reads a patrol op, or `None` when the name is not one.
    pub fn parse(op: &str, p: &serde_json::Value) -> Option<Result<PatrolOp, Rejection>> {
        use super::ops::read_payload as read;
        let r = (|| {
            Ok(match op {
                "route.define" => PatrolOp::RouteDefine(read(op, p)?),
                "route.revise" => PatrolOp::RouteRevise(read(op, p)?),
                "route.retire" => PatrolOp::RouteRetire(read(op, p)?),
                "run.start" => PatrolOp::RunStart(read(op, p)?),
                "run.check_in" => PatrolOp::RunCheckIn(read(op, p)?),
                "run.answer" => PatrolOp::RunAnswer(read(op, p)?),
                "run.pause" => {
                    read::<super::ops::Empty>(op, p)?;
                    PatrolOp::RunPause
                }
                "run.resume" => {
                    read::<super::ops::Empty>(op, p)?;
                    PatrolOp::RunResume
                }
                "run.finish" => PatrolOp::RunFinish(read(op, p)?),
                "finding.raise" => PatrolOp::FindingRaise(read(op, p)?),
                "finding.rectify" => PatrolOp::FindingRectify(read(op, p)?),
                "finding.follow_up" => PatrolOp::FindingFollowUp(read(op, p)?),
                _ => return Err(None),
            })
        })();
        match r {
            Ok(op) => Some(Ok(op)),
            Err(Some(rejection)) => Some(Err(rejection)),
            Err(None) => None,
        }
    }

    pub fn entity(&self) -> Entity {
        use PatrolOp::*;
        match self {
            RouteDefine(_) | RouteRevise(_) | RouteRetire(_) => Entity::Route,
            RunStart(_) | RunCheckIn(_) | RunAnswer(_) | RunPause | RunResume | RunFinish(_) => {
                Entity::Run
            }
            FindingRaise(_) | FindingRectify(_) | FindingFollowUp(_) => Entity::Finding,
        }
    }

    /// Another record the op reads: the route a run starts from.
    pub fn route_id(&self) -> Option<&str> {
        match self {
            PatrolOp::RunStart(p) => Some(&p.route_id),
            _ => None,
        }
    }

    /// Blobs the op names.
    pub fn photo_names(&self) -> Vec<String> {
        match self {
            PatrolOp::RunAnswer(p) => p.photos.clone(),
            PatrolOp::FindingRaise(p) => p.photos.clone(),
            PatrolOp::FindingRectify(p) => p.photos.clone(),
            PatrolOp::FindingFollowUp(p) => p.photos.clone(),
            _ => Vec::new(),
        }
    }
}

/// Applies a patrol op to its record (`None` when there is none yet).
pub fn apply(state: Option<&Record>, op: &PatrolOp, cx: &Context<'_>) -> Result<Record, Rejection> {
    use PatrolOp::*;
    Ok(match op {
        RouteDefine(p) => Record::Route(routes::define(typed!(state, Route), p, cx)?),
        RouteRevise(p) => Record::Route(routes::revise(typed!(state, Route), p, cx)?),
        RouteRetire(p) => Record::Route(routes::retire(typed!(state, Route), p, cx)?),
        RunStart(p) => Record::Run(runs::start(typed!(state, Run), p, cx)?),
        RunCheckIn(p) => Record::Run(runs::check_in(typed!(state, Run), p, cx)?),
        RunAnswer(p) => Record::Run(runs::answer(typed!(state, Run), p, cx)?),
        RunPause => Record::Run(runs::pause(typed!(state, Run), cx)?),
        RunResume => Record::Run(runs::resume(typed!(state, Run), cx)?),
        RunFinish(p) => Record::Run(runs::finish(typed!(state, Run), p, cx)?),
        FindingRaise(p) => Record::Finding(findings::raise(typed!(state, Finding), p, cx)?),
        FindingRectify(p) => Record::Finding(findings::rectify(typed!(state, Finding), p, cx)?),
        FindingFollowUp(p) => Record::Finding(findings::follow_up(typed!(state, Finding), p, cx)?),
    })
}
