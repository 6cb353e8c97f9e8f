//! When a route is due: once a day, once a week, or once per shift, in the estate's
//! local time. A schedule cuts time into slots; each run belongs to the slot it started
//! in, and coverage compares slots with runs.

use crate::domain::ops::{RejectCode, Rejection};
use crate::domain::rules::need;
use serde::{Deserialize, Serialize};

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Every {
    Day,
    /// Monday to Sunday.
    Week,
    /// Once per shift; each shift runs from its start to the next one's.
    Shift {
        /// Minutes after local midnight, e.g. 480 for 08:00.
        starts: Vec<u16>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScheduleWire")]
pub struct Schedule {
    #[serde(flatten)]
    pub every: Every,
    /// The estate's local time, in minutes east of UTC (480 for China).
    pub utc_offset_min: i32,
}

/// A schedule as it comes in: flattened, so its fields are checked here (serde's
/// `flatten` would let an unknown field through).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleWire {
    every: EveryWord,
    #[serde(default)]
    starts: Option<Vec<u16>>,
    utc_offset_min: i32,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum EveryWord {
    Day,
    Week,
    Shift,
}

impl TryFrom<ScheduleWire> for Schedule {
    type Error = &'static str;

    fn try_from(w: ScheduleWire) -> Result<Self, Self::Error> {
        let every = match (w.every, w.starts) {
            (EveryWord::Day, None) => Every::Day,
            (EveryWord::Week, None) => Every::Week,
            (EveryWord::Shift, Some(starts)) => Every::Shift { starts },
            (EveryWord::Shift, None) => return Err("a per-shift schedule needs `starts`"),
            (_, Some(_)) => return Err("`starts` is only for a per-shift schedule"),
        };
        Ok(Schedule {
            every,
            utc_offset_min: w.utc_offset_min,
        })
    }
}

/// One period a route is due in, `[start, end)` in ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
}

/// The most shifts a day holds.
pub const MAX_SHIFTS: usize = 6;

impl Schedule {
    pub fn daily(utc_offset_min: i32) -> Schedule {
        Schedule {
            every: Every::Day,
            utc_offset_min,
        }
    }

    /// The schedule as it may be kept: shift starts sorted and within the day.
    pub fn checked(&self) -> Result<Schedule, Rejection> {
        need(
            (-720..=840).contains(&self.utc_offset_min),
            RejectCode::BadPayload,
            "schedule.utc_offset_min must be between -720 and 840",
        )?;
        let every = match &self.every {
            Every::Shift { starts } => {
                let mut s = starts.clone();
                s.sort_unstable();
                s.dedup();
                need(
                    !s.is_empty() && s.len() <= MAX_SHIFTS && s.iter().all(|m| *m < 1440),
                    RejectCode::BadPayload,
                    &format!(
                        "schedule.starts must list 1 to {MAX_SHIFTS} times of day in minutes (0 to 1439)"
                    ),
                )?;
                Every::Shift { starts: s }
            }
            e => e.clone(),
        };
        Ok(Schedule {
            every,
            utc_offset_min: self.utc_offset_min,
        })
    }

    /// The slot that holds the moment `t`.
    pub fn slot_at(&self, t: i64) -> Slot {
        let off = i64::from(self.utc_offset_min) * MINUTE;
        let local = t + off;
        let day = local.div_euclid(DAY);
        let midnight = day * DAY - off;
        match &self.every {
            Every::Day => Slot {
                start: midnight,
                end: midnight + DAY,
            },
            Every::Week => {
                // 1970-01-01 was a Thursday: day 0 is three days after a Monday.
                let since_monday = (day + 3).rem_euclid(7);
                let start = midnight - since_monday * DAY;
                Slot {
                    start,
                    end: start + 7 * DAY,
                }
            }
            Every::Shift { starts } if !starts.is_empty() => {
                let minute = (local - day * DAY) / MINUTE;
                let at = |d: i64, m: u16| midnight + d * DAY + i64::from(m) * MINUTE;
                let first = starts[0];
                let last = starts[starts.len() - 1];
                let (start, next) = match starts.iter().rposition(|s| i64::from(*s) <= minute) {
                    Some(i) => (
                        at(0, starts[i]),
                        starts.get(i + 1).map_or(at(1, first), |n| at(0, *n)),
                    ),
                    None => (at(-1, last), at(0, first)),
                };
                Slot { start, end: next }
            }
            // A kept schedule always has a shift; an empty one counts as daily.
            Every::Shift { .. } => Slot {
                start: midnight,
                end: midnight + DAY,
            },
        }
    }

    /// Every slot that overlaps `[from, to)`, in order.
    pub fn slots_between(&self, from: i64, to: i64) -> Vec<Slot> {
        let mut out = Vec::new();
        let mut s = self.slot_at(from);
        while s.start < to && out.len() < 500 {
            out.push(s);
            s = self.slot_at(s.end);
        }
        out
    }
}

/// `HH:MM` for minutes after midnight.
pub fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Minutes after midnight from `HH:MM`.
pub fn parse_clock(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}
