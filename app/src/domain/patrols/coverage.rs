//! What a supervisor reads off the runs: for each route and slot, was it walked on
//! time, late, or not at all; and how long each open nonconformity has waited.

use super::{Finding, Route, Run, RunStatus, Slot};
use crate::domain::Department;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    /// A run finished within the slot.
    Done,
    /// A run started in the slot but finished after it (or has not finished yet and
    /// the slot is over).
    Late,
    /// A run is under way and the slot is not over.
    InProgress,
    /// No run yet; the slot is not over.
    Due,
    /// The slot is over and no run started in it.
    Missed,
}

words!(SlotState, "coverage.state", [
    Done => "done",
    Late => "late",
    InProgress => "in_progress",
    Due => "due",
    Missed => "missed",
]);

/// How one slot of a route went, given the route's runs.
pub fn slot_state<'r>(slot: Slot, runs: impl IntoIterator<Item = &'r Run>, now: i64) -> SlotState {
    let mut state = if now >= slot.end {
        SlotState::Missed
    } else {
        SlotState::Due
    };
    for r in runs.into_iter().filter(|r| r.slot == slot) {
        let s = match (&r.finished, r.status) {
            (Some(f), _) if f.at < slot.end => SlotState::Done,
            (Some(_), _) => SlotState::Late,
            (None, RunStatus::Finished) => SlotState::Done,
            (None, _) if now >= slot.end => SlotState::Late,
            (None, _) => SlotState::InProgress,
        };
        state = best(state, s);
    }
    state
}

/// The better of two states for one slot: one good run is enough.
fn best(a: SlotState, b: SlotState) -> SlotState {
    let rank = |s: SlotState| match s {
        SlotState::Done => 4,
        SlotState::InProgress => 3,
        SlotState::Late => 2,
        SlotState::Due => 1,
        SlotState::Missed => 0,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// A route's slots within `[from, to)` and how each went; slots not yet begun, and
/// slots over before the route was made, are left out.
pub fn route_coverage(
    route: &Route,
    runs: &[&Run],
    from: i64,
    to: i64,
    now: i64,
) -> Vec<(Slot, SlotState)> {
    let made = route.versions.first().map_or(i64::MIN, |v| v.made.at);
    route
        .schedule
        .slots_between(from, to)
        .into_iter()
        .filter(|s| s.start <= now && s.end > made)
        .map(|s| {
            (
                s,
                slot_state(
                    s,
                    runs.iter().copied().filter(|r| r.route_id == route.id),
                    now,
                ),
            )
        })
        .collect()
}

/// Counts of each state, for a summary line.
pub fn tally(states: impl IntoIterator<Item = SlotState>) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for s in states {
        *out.entry(s.as_str()).or_insert(0) += 1;
    }
    out
}

/// How long a nonconformity has waited, in whole days.
pub fn age_days(f: &Finding, now: i64) -> i64 {
    (now - f.raised.at).max(0) / 86_400_000
}

/// Open nonconformities by department, oldest first within each.
pub fn open_by_department<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
) -> BTreeMap<Department, Vec<&'f Finding>> {
    let mut out: BTreeMap<Department, Vec<&Finding>> = BTreeMap::new();
    for f in findings.into_iter().filter(|f| f.is_open()) {
        out.entry(f.department).or_default().push(f);
    }
    for v in out.values_mut() {
        v.sort_by_key(|f| f.raised.at);
    }
    out
}
