//! The case queue's filter, one definition for the server's query and the browser's
//! offline list, and its order (most urgent first).

use super::{search, Case, CaseKind, CaseStatus};
use crate::domain::Department;
use serde::{Deserialize, Serialize};

/// The most cases one queue page returns.
pub const MAX_LIMIT: u32 = 500;

/// What the queue shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub status: Option<CaseStatus>,
    pub department: Option<Department>,
    pub building_id: Option<String>,
    pub assignee_id: Option<String>,
    /// Only cases past an open deadline.
    pub overdue: bool,
    /// Leave out closed and cancelled cases.
    pub open_only: bool,
    /// Full-text query (see `search`).
    pub q: String,
    pub limit: Option<u32>,
}

impl CaseFilter {
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(100).clamp(1, MAX_LIMIT)
    }

    /// Whether a case passes, at `now`.
    pub fn matches(&self, c: &Case, now: i64) -> bool {
        self.matches_indexed(c, now, &search::query_terms(&self.q), None)
    }

    /// As `matches`, with the query parsed once and the case's search document taken
    /// from an index when there is one (the browser keeps one per replica change).
    pub fn matches_indexed(
        &self,
        c: &Case,
        now: i64,
        terms: &[Vec<String>],
        document: Option<&str>,
    ) -> bool {
        self.kind.is_none_or(|k| c.kind == k)
            && self.status.is_none_or(|s| c.status == s)
            && self.department.is_none_or(|d| c.department == Some(d))
            && self
                .building_id
                .as_ref()
                .is_none_or(|b| c.building_id.as_ref() == Some(b))
            && self
                .assignee_id
                .as_ref()
                .is_none_or(|a| c.assignee.as_ref().is_some_and(|p| &p.id == a))
            && (!self.overdue || c.is_overdue(now))
            && (!self.open_only || !c.status.is_final())
            && (terms.is_empty()
                || match document {
                    Some(d) => search::matches(d, terms),
                    None => search::matches(&search::document(c), terms),
                })
    }

    /// The browser's queue over its replica: filtered, most urgent first, limited.
    /// `index` maps case ids to their search documents.
    pub fn apply<'a>(
        &self,
        cases: impl Iterator<Item = &'a Case>,
        now: i64,
        index: &std::collections::HashMap<String, String>,
    ) -> Vec<&'a Case> {
        let terms = search::query_terms(&self.q);
        let mut out: Vec<&Case> = cases
            .filter(|c| self.matches_indexed(c, now, &terms, index.get(&c.id).map(String::as_str)))
            .collect();
        out.sort_by(|a, b| urgency_order(a, b));
        out.truncate(self.limit() as usize);
        out
    }
}

/// Orders cases for the queue: escalated first, then the earliest open deadline (so the
/// most overdue lead), then the oldest. The server's `ORDER BY` is the same.
pub fn urgency_order(a: &Case, b: &Case) -> std::cmp::Ordering {
    b.escalated
        .cmp(&a.escalated)
        .then(a.deadline().cmp(&b.deadline()))
        .then(a.created_at.cmp(&b.created_at))
        .then(a.id.cmp(&b.id))
}
