//! Service levels: due times per kind and priority, return-visit and reply windows (per
//! estate, with the company's standards as defaults), and the timers every case shows.

use super::{Case, CaseKind, CaseStatus, Priority};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// A timer turns "due soon" this long before it runs out.
pub const DUE_SOON_MS: i64 = 4 * HOUR_MS;

/// Hours to the due time for each priority of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityHours {
    pub low: u32,
    pub normal: u32,
    pub high: u32,
    pub urgent: u32,
}

impl PriorityHours {
    pub fn get(&self, p: Priority) -> u32 {
        match p {
            Priority::Low => self.low,
            Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }
}

/// An estate's service levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub due_hours: BTreeMap<CaseKind, PriorityHours>,
    /// Return visit after ordinary and safety repairs and handled complaints: 2 days.
    pub visit_days: u32,
    /// Return visit after the water test of a leak: 3 days.
    pub leak_visit_days: u32,
    /// A reply the desk cannot give at once is promised within 3 days.
    pub reply_days: u32,
}

/// The longest any window may be set to: 90 days.
pub const MAX_HOURS: u32 = 90 * 24;
pub const MAX_DAYS: u32 = 30;

impl Default for Policy {
    fn default() -> Self {
        let h = |low, normal, high, urgent| PriorityHours {
            low,
            normal,
            high,
            urgent,
        };
        Policy {
            due_hours: BTreeMap::from([
                (CaseKind::Repair, h(120, 48, 24, 4)),
                (CaseKind::Complaint, h(72, 72, 24, 4)),
                (CaseKind::Inquiry, h(72, 24, 8, 2)),
                (CaseKind::Suggestion, h(168, 120, 72, 24)),
                (CaseKind::Help, h(48, 24, 4, 1)),
                (CaseKind::Praise, h(168, 168, 72, 24)),
            ]),
            visit_days: 2,
            leak_visit_days: 3,
            reply_days: 3,
        }
    }
}

/// A policy value out of bounds, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{kind} {priority}: hours must be 1 to {MAX_HOURS}")]
    Hours {
        kind: &'static str,
        priority: &'static str,
    },
    #[error("{0} must be 1 to {MAX_DAYS} days")]
    Days(&'static str),
    #[error("{0}: an urgent case cannot be due later than a normal one")]
    Order(&'static str),
}

impl Policy {
    /// Every kind present, every window in bounds, more urgent never later.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for kind in CaseKind::ALL {
            let hours = self.hours(*kind);
            for p in Priority::ALL {
                let v = hours.get(*p);
                if v == 0 || v > MAX_HOURS {
                    return Err(PolicyError::Hours {
                        kind: kind.as_str(),
                        priority: p.as_str(),
                    });
                }
            }
            if !(hours.urgent <= hours.high
                && hours.high <= hours.normal
                && hours.normal <= hours.low)
            {
                return Err(PolicyError::Order(kind.as_str()));
            }
        }
        for (name, v) in [
            ("visit_days", self.visit_days),
            ("leak_visit_days", self.leak_visit_days),
            ("reply_days", self.reply_days),
        ] {
            if v == 0 || v > MAX_DAYS {
                return Err(PolicyError::Days(name));
            }
        }
        Ok(())
    }

    fn hours(&self, kind: CaseKind) -> PriorityHours {
        self.due_hours
            .get(&kind)
            .copied()
            .or_else(|| Policy::default().due_hours.get(&kind).copied())
            .unwrap_or(PriorityHours {
                low: 72,
                normal: 72,
                high: 72,
                urgent: 72,
            })
    }

    pub fn due_ms(&self, kind: CaseKind, priority: Priority) -> i64 {
        i64::from(self.hours(kind).get(priority)) * HOUR_MS
    }

    pub fn visit_ms(&self) -> i64 {
        i64::from(self.visit_days) * DAY_MS
    }

    pub fn leak_visit_ms(&self) -> i64 {
        i64::from(self.leak_visit_days) * DAY_MS
    }

    pub fn reply_ms(&self) -> i64 {
        i64::from(self.reply_days) * DAY_MS
    }
}

/// What a timer is counting to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    /// The work or answer under the service level.
    Due,
    /// The return visit.
    Visit,
    /// A reply the desk promised.
    Promise,
}

impl TimerKind {
    pub fn label_key(self) -> &'static str {
        match self {
            TimerKind::Due => "case.timer.due",
            TimerKind::Visit => "case.timer.visit",
            TimerKind::Promise => "case.timer.promise",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerState {
    OnTime,
    DueSoon,
    Overdue,
}

impl TimerState {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerState::OnTime => "on_time",
            TimerState::DueSoon => "due_soon",
            TimerState::Overdue => "overdue",
        }
    }
}

/// A running clock on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timer {
    pub kind: TimerKind,
    pub at: i64,
    pub state: TimerState,
}

impl Timer {
    fn new(kind: TimerKind, at: i64, now: i64) -> Timer {
        let state = if now > at {
            TimerState::Overdue
        } else if at - now <= DUE_SOON_MS {
            TimerState::DueSoon
        } else {
            TimerState::OnTime
        };
        Timer { kind, at, state }
    }
}

impl Case {
    /// The clocks running now: the service level while work is owed, the return visit
    /// while it is due, and an unkept promise of a reply. On hold stops the work clock.
    pub fn timers(&self, now: i64) -> Vec<Timer> {
        let mut out = Vec::new();
        if self.status.is_working() && self.due_at > 0 {
            out.push(Timer::new(TimerKind::Due, self.due_at, now));
        }
        if let (CaseStatus::ReturnVisit, Some(at)) = (self.status, self.visit_due_at) {
            out.push(Timer::new(TimerKind::Visit, at, now));
        }
        if let (Some(at), None) = (self.promised_reply_at, self.replied_at) {
            if !self.status.is_final() {
                out.push(Timer::new(TimerKind::Promise, at, now));
            }
        }
        out
    }

    /// The earliest deadline still open, which orders the supervisor's queue (most
    /// overdue first); `i64::MAX` when nothing is owed.
    pub fn deadline(&self) -> i64 {
        let mut d = i64::MAX;
        if self.status.is_working() && self.due_at > 0 {
            d = d.min(self.due_at);
        }
        if self.status == CaseStatus::ReturnVisit {
            if let Some(v) = self.visit_due_at {
                d = d.min(v);
            }
        }
        if let (Some(p), None, false) = (
            self.promised_reply_at,
            self.replied_at,
            self.status.is_final(),
        ) {
            d = d.min(p);
        }
        d
    }

    pub fn is_overdue(&self, now: i64) -> bool {
        self.deadline() < now
    }
}
