//! The front-desk ledger (前台台账): everything the desk records besides cases —
//! visitors, phone calls, release passes, keys, mail, the duty log with its handover,
//! and notices. Each record travels through the sync engine like a case: its ops are
//! pure functions shared by the server and the browser, every step keeps who and when,
//! and nothing is ever deleted (a notice is withdrawn, a pass voided, a key returned).

mod calls;
mod keys;
mod notices;
mod parcels;
mod passes;
mod shifts;
#[cfg(test)]
mod tests;
mod visitors;

pub use calls::{Call, CallOutcome, Callback, LinkCase, LogCall};
pub use keys::{Key, KeyKind, LendKey, Loan, RegisterKey, ReturnKey};
pub use notices::{Audience, Board, Notice, NoticeCategory, PublishNotice, Withdraw};
pub use parcels::{HandOverParcel, LogParcel, NotifyParcel, Parcel, ParcelKind, ParcelStatus};
pub use passes::{IssuePass, OwnerConfirmation, Pass, PassItem, PassStatus, UsePass, VoidPass};
pub use shifts::{
    HandOverShift, OpenItem, OpenItemKind, Shift, ShiftLog, ShiftStatus, StartShift, TakeOver,
};
pub use visitors::{ArriveVisit, LeaveVisit, Visit, VisitStatus, VisitorCategory};

use super::ops::{Actor, Context, Facts, RejectCode, Rejection, UnitFact};
use super::rules::{forbid_unless, phone};
use super::Role;
use serde::{Deserialize, Serialize};

/// Names, phone numbers, labels.
pub const MAX_NAME_CHARS: usize = 60;
/// Purposes, reasons, topics, notes.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// A notice's or a log entry's body.
pub const MAX_BODY_CHARS: usize = 4_000;

/// Who did a step and when, with the name they had then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: i64,
    pub by: String,
    pub by_name: String,
    /// The mutation that made the step, so one step is never counted twice.
    pub mutation_id: String,
}

impl Stamp {
    pub fn of(cx: &Context<'_>) -> Stamp {
        Stamp {
            at: cx.at,
            by: cx.actor.id.clone(),
            by_name: cx.actor.name.clone(),
            mutation_id: cx.mutation_id.to_string(),
        }
    }
}

/// Keeps the ledger: the desk and those who run it.
pub fn keeps_ledger(role: Role) -> bool {
    matches!(
        role,
        Role::FrontDesk | Role::Supervisor | Role::Manager | Role::Admin
    )
}

/// Approves what leaves the estate and speaks for it: supervisors and managers.
pub fn approves(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Manager | Role::Admin)
}

fn require_desk(actor: &Actor) -> Result<(), Rejection> {
    forbid_unless(
        keeps_ledger(actor.role),
        "only the front desk keeps the ledger",
    )
}

/// The record the op is about, if the actor may see it (staff of its estate).
/// Out of scope looks the same as absent.
pub(crate) fn seen<'r, T>(
    existing: Option<&'r T>,
    estate_of: impl Fn(&T) -> &str,
    actor: &Actor,
    what: &str,
) -> Result<&'r T, Rejection> {
    existing
        .filter(|r| actor.role.is_staff() && actor.estate_ids.iter().any(|e| e == estate_of(r)))
        .ok_or_else(|| Rejection::new(RejectCode::NotFound, format!("no such {what}")))
}

pub(crate) fn fresh<T>(existing: Option<&T>, what: &str) -> Result<(), Rejection> {
    match existing {
        None => Ok(()),
        Some(_) => Err(Rejection::new(
            RejectCode::AlreadyExists,
            format!("a {what} with this id already exists"),
        )),
    }
}

/// Where a new record belongs: the unit's estate when a unit is named (it must exist
/// and agree with any estate named), else the estate named, else the actor's only one;
/// always one in the actor's scope.
pub(crate) fn place(
    actor: &Actor,
    facts: &dyn Facts,
    unit_id: Option<&str>,
    estate_id: Option<&str>,
) -> Result<(String, Option<UnitFact>), Rejection> {
    let (estate, unit) = match unit_id {
        Some(u) => {
            let fact = facts.unit(u).ok_or_else(|| {
                Rejection::new(RejectCode::NotFound, format!("unit {u} does not exist"))
            })?;
            if estate_id.is_some_and(|e| e != fact.estate_id) {
                return Err(Rejection::new(
                    RejectCode::BadPayload,
                    "the unit is not in the estate named",
                ));
            }
            (fact.estate_id.clone(), Some(fact))
        }
        None => match (estate_id, actor.estate_ids.as_slice()) {
            (Some(e), _) => (e.to_string(), None),
            (None, [only]) => (only.clone(), None),
            (None, _) => {
                return Err(Rejection::new(
                    RejectCode::BadPayload,
                    "name a unit or an estate",
                ))
            }
        },
    };
    forbid_unless(
        actor.estate_ids.contains(&estate),
        "the estate is not in your scope",
    )?;
    Ok((estate, unit))
}

/// A time the op names must be a real one (after 2000, before 2100), in ms.
pub(crate) fn time(field: &str, ms: i64) -> Result<i64, Rejection> {
    const Y2000: i64 = 946_684_800_000;
    const Y2100: i64 = 4_102_444_800_000;
    if (Y2000..Y2100).contains(&ms) {
        Ok(ms)
    } else {
        Err(Rejection::new(
            RejectCode::BadPayload,
            format!("{field} is not a time in ms since 1970"),
        ))
    }
}

/// The ops on ledger records; see `docs/ops.md`.
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerOp {
    VisitArrive(ArriveVisit),
    VisitLeave(LeaveVisit),
    CallLog(LogCall),
    CallCallback(Callback),
    CallLinkCase(LinkCase),
    PassIssue(IssuePass),
    PassApprove,
    PassUse(UsePass),
    PassVoid(VoidPass),
    KeyRegister(RegisterKey),
    KeyLend(LendKey),
    KeyReturn(ReturnKey),
    ParcelLog(LogParcel),
    ParcelNotify(NotifyParcel),
    ParcelHandOver(HandOverParcel),
    ShiftStart(StartShift),
    ShiftLog(ShiftLog),
    ShiftHandOver(HandOverShift),
    ShiftTakeOver(TakeOver),
    NoticePublish(PublishNotice),
    NoticeWithdraw(Withdraw),
}

impl LedgerOp {
    pub const NAMES: [&'static str; 21] = [
        "visit.arrive",
        "visit.leave",
        "call.log",
        "call.callback",
        "call.link_case",
        "pass.issue",
        "pass.approve",
        "pass.use",
        "pass.void",
        "key.register",
        "key.lend",
        "key.return",
        "parcel.log",
        "parcel.notify",
        "parcel.hand_over",
        "shift.start",
        "shift.log",
        "shift.hand_over",
        "shift.take_over",
        "notice.publish",
        "notice.withdraw",
    ];

    /// Reads a ledger op, or `None` when the name is not one.
    pub fn parse(op: &str, p: &serde_json::Value) -> Option<Result<LedgerOp, Rejection>> {
        use super::ops::read_payload as read;
        let r = (|| {
            Ok(match op {
                "visit.arrive" => LedgerOp::VisitArrive(read(op, p)?),
                "visit.leave" => LedgerOp::VisitLeave(read(op, p)?),
                "call.log" => LedgerOp::CallLog(read(op, p)?),
                "call.callback" => LedgerOp::CallCallback(read(op, p)?),
                "call.link_case" => LedgerOp::CallLinkCase(read(op, p)?),
                "pass.issue" => LedgerOp::PassIssue(read(op, p)?),
                "pass.approve" => {
                    read::<super::ops::Empty>(op, p)?;
                    LedgerOp::PassApprove
                }
                "pass.use" => LedgerOp::PassUse(read(op, p)?),
                "pass.void" => LedgerOp::PassVoid(read(op, p)?),
                "key.register" => LedgerOp::KeyRegister(read(op, p)?),
                "key.lend" => LedgerOp::KeyLend(read(op, p)?),
                "key.return" => LedgerOp::KeyReturn(read(op, p)?),
                "parcel.log" => LedgerOp::ParcelLog(read(op, p)?),
                "parcel.notify" => LedgerOp::ParcelNotify(read(op, p)?),
                "parcel.hand_over" => LedgerOp::ParcelHandOver(read(op, p)?),
                "shift.start" => LedgerOp::ShiftStart(read(op, p)?),
                "shift.log" => LedgerOp::ShiftLog(read(op, p)?),
                "shift.hand_over" => LedgerOp::ShiftHandOver(read(op, p)?),
                "shift.take_over" => LedgerOp::ShiftTakeOver(read(op, p)?),
                "notice.publish" => LedgerOp::NoticePublish(read(op, p)?),
                "notice.withdraw" => LedgerOp::NoticeWithdraw(read(op, p)?),
                _ => return Err(None),
            })
        })();
        match r {
            Ok(op) => Some(Ok(op)),
            Err(Some(rejection)) => Some(Err(rejection)),
            Err(None) => None,
        }
    }

    /// The record kind the op changes.
    pub fn entity(&self) -> super::ops::Entity {
        use super::ops::Entity;
        use LedgerOp::*;
        match self {
            VisitArrive(_) | VisitLeave(_) => Entity::Visit,
            CallLog(_) | CallCallback(_) | CallLinkCase(_) => Entity::Call,
            PassIssue(_) | PassApprove | PassUse(_) | PassVoid(_) => Entity::Pass,
            KeyRegister(_) | KeyLend(_) | KeyReturn(_) => Entity::Key,
            ParcelLog(_) | ParcelNotify(_) | ParcelHandOver(_) => Entity::Parcel,
            ShiftStart(_) | ShiftLog(_) | ShiftHandOver(_) | ShiftTakeOver(_) => Entity::Shift,
            NoticePublish(_) | NoticeWithdraw(_) => Entity::Notice,
        }
    }

    /// The unit the op names, to look up before applying.
    pub fn unit_id(&self) -> Option<&str> {
        use LedgerOp::*;
        match self {
            VisitArrive(p) => p.unit_id.as_deref(),
            CallLog(p) => p.unit_id.as_deref(),
            PassIssue(p) => Some(&p.unit_id),
            KeyRegister(p) => p.unit_id.as_deref(),
            ParcelLog(p) => p.unit_id.as_deref(),
            NoticePublish(PublishNotice {
                audience: Audience::Unit { unit_id },
                ..
            }) => Some(unit_id),
            _ => None,
        }
    }

    /// The building the op names, to look up before applying.
    pub fn building_id(&self) -> Option<&str> {
        match self {
            LedgerOp::NoticePublish(PublishNotice {
                audience: Audience::Building { building_id },
                ..
            }) => Some(building_id),
            _ => None,
        }
    }

    /// The staff member the op names.
    pub fn staff_id(&self) -> Option<&str> {
        match self {
            LedgerOp::ShiftHandOver(p) => Some(&p.to_id),
            _ => None,
        }
    }

    /// Blobs the op names.
    pub fn photo_names(&self) -> Vec<String> {
        match self {
            LedgerOp::ParcelHandOver(p) => vec![p.signature.clone()],
            _ => Vec::new(),
        }
    }
}

/// Applies a ledger op to its record (`None` when there is none yet).
pub fn apply(
    state: Option<&super::records::Record>,
    op: &LedgerOp,
    cx: &Context<'_>,
) -> Result<super::records::Record, Rejection> {
    use super::records::Record;
    use LedgerOp::*;
    Ok(match op {
        VisitArrive(p) => Record::Visit(visitors::arrive(typed!(state, Visit), p, cx)?),
        VisitLeave(p) => Record::Visit(visitors::leave(typed!(state, Visit), p, cx)?),
        CallLog(p) => Record::Call(calls::log(typed!(state, Call), p, cx)?),
        CallCallback(p) => Record::Call(calls::callback(typed!(state, Call), p, cx)?),
        CallLinkCase(p) => Record::Call(calls::link_case(typed!(state, Call), p, cx)?),
        PassIssue(p) => Record::Pass(passes::issue(typed!(state, Pass), p, cx)?),
        PassApprove => Record::Pass(passes::approve(typed!(state, Pass), cx)?),
        PassUse(p) => Record::Pass(passes::use_pass(typed!(state, Pass), p, cx)?),
        PassVoid(p) => Record::Pass(passes::void(typed!(state, Pass), p, cx)?),
        KeyRegister(p) => Record::Key(keys::register(typed!(state, Key), p, cx)?),
        KeyLend(p) => Record::Key(keys::lend(typed!(state, Key), p, cx)?),
        KeyReturn(p) => Record::Key(keys::give_back(typed!(state, Key), p, cx)?),
        ParcelLog(p) => Record::Parcel(parcels::log(typed!(state, Parcel), p, cx)?),
        ParcelNotify(_) => Record::Parcel(parcels::notify(typed!(state, Parcel), cx)?),
        ParcelHandOver(p) => Record::Parcel(parcels::hand_over(typed!(state, Parcel), p, cx)?),
        ShiftStart(p) => Record::Shift(shifts::start(typed!(state, Shift), p, cx)?),
        ShiftLog(p) => Record::Shift(shifts::write(typed!(state, Shift), p, cx)?),
        ShiftHandOver(p) => Record::Shift(shifts::hand_over(typed!(state, Shift), p, cx)?),
        ShiftTakeOver(_) => Record::Shift(shifts::take_over(typed!(state, Shift), cx)?),
        NoticePublish(p) => Record::Notice(notices::publish(typed!(state, Notice), p, cx)?),
        NoticeWithdraw(p) => Record::Notice(notices::withdraw(typed!(state, Notice), p, cx)?),
    })
}
