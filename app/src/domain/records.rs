//! Every kind of record the change feed carries, as one type: the device's replica and
//! the server's push both hold records of any kind by id, and the rules of each op take
//! the record of their own kind out of it.

use super::cases::Case;
use super::ledger::{Call, Key, Notice, Parcel, Pass, Shift, Visit};
use super::ops::Entity;
use super::patrols::{Finding, Route, Run};
use serde::{Deserialize, Serialize};

// A case is the largest record (its timeline), the others within a factor of two: boxing
// it would add an allocation per case to save a few hundred bytes per ledger record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entity", content = "doc", rename_all = "snake_case")]
pub enum Record {
    Case(Case),
    Visit(Visit),
    Call(Call),
    Pass(Pass),
    Key(Key),
    Parcel(Parcel),
    Shift(Shift),
    Notice(Notice),
    Route(Route),
    Run(Run),
    Finding(Finding),
}

/// Runs the same expression on whichever record it is.
macro_rules! each {
    ($r:expr, $x:ident => $e:expr) => {
        match $r {
            Record::Case($x) => $e,
            Record::Visit($x) => $e,
            Record::Call($x) => $e,
            Record::Pass($x) => $e,
            Record::Key($x) => $e,
            Record::Parcel($x) => $e,
            Record::Shift($x) => $e,
            Record::Notice($x) => $e,
            Record::Route($x) => $e,
            Record::Run($x) => $e,
            Record::Finding($x) => $e,
        }
    };
}

impl Record {
    pub fn entity(&self) -> Entity {
        match self {
            Record::Case(_) => Entity::Case,
            Record::Visit(_) => Entity::Visit,
            Record::Call(_) => Entity::Call,
            Record::Pass(_) => Entity::Pass,
            Record::Key(_) => Entity::Key,
            Record::Parcel(_) => Entity::Parcel,
            Record::Shift(_) => Entity::Shift,
            Record::Notice(_) => Entity::Notice,
            Record::Route(_) => Entity::Route,
            Record::Run(_) => Entity::Run,
            Record::Finding(_) => Entity::Finding,
        }
    }

    pub fn id(&self) -> &str {
        each!(self, r => &r.id)
    }

    pub fn estate_id(&self) -> &str {
        each!(self, r => &r.estate_id)
    }

    /// The unit whose residents may read it: a case's unit, a parcel's recipient's.
    /// Visits, calls, passes and keys name units too but are for staff only.
    pub fn resident_unit(&self) -> Option<&str> {
        match self {
            Record::Case(c) => c.unit_id.as_deref(),
            Record::Parcel(p) => p.unit_id.as_deref(),
            _ => None,
        }
    }

    /// The resident who may read it as its author (cases they filed).
    pub fn owner_id(&self) -> Option<&str> {
        match self {
            Record::Case(c) => Some(&c.created_by),
            _ => None,
        }
    }

    /// Residents of a place who may read it (notices): `estate:`, `building:` or `unit:`
    /// followed by the id.
    pub fn resident_scope(&self) -> Option<String> {
        match self {
            Record::Notice(n) => n.resident_scope(),
            _ => None,
        }
    }

    /// Every blob the record names.
    pub fn photo_names(&self) -> Vec<String> {
        match self {
            Record::Case(c) => c.photo_names(),
            Record::Parcel(p) => p.signature.iter().map(|s| s.sha256.clone()).collect(),
            Record::Run(r) => r.photo_names(),
            Record::Finding(f) => f.photo_names(),
            _ => Vec::new(),
        }
    }

    /// Marks each blob it names pending or not, given whether its bytes are stored.
    pub fn mark_pending(&mut self, stored: impl Fn(&str) -> bool) {
        match self {
            Record::Case(c) => c.mark_pending(stored),
            Record::Parcel(p) => {
                if let Some(s) = &mut p.signature {
                    s.pending = !stored(&s.sha256);
                }
            }
            Record::Run(r) => r.mark_pending(&stored),
            Record::Finding(f) => f.mark_pending(&stored),
            _ => {}
        }
    }

    /// A record from the feed's `entity` and `record` fields; `None` for a kind this
    /// build does not know (a newer server), which the device skips.
    pub fn from_feed(entity: &str, doc: serde_json::Value) -> Option<Record> {
        Some(match entity {
            "case" => Record::Case(serde_json::from_value(doc).ok()?),
            "visit" => Record::Visit(serde_json::from_value(doc).ok()?),
            "call" => Record::Call(serde_json::from_value(doc).ok()?),
            "pass" => Record::Pass(serde_json::from_value(doc).ok()?),
            "key" => Record::Key(serde_json::from_value(doc).ok()?),
            "parcel" => Record::Parcel(serde_json::from_value(doc).ok()?),
            "shift" => Record::Shift(serde_json::from_value(doc).ok()?),
            "notice" => Record::Notice(serde_json::from_value(doc).ok()?),
            "route" => Record::Route(serde_json::from_value(doc).ok()?),
            "run" => Record::Run(serde_json::from_value(doc).ok()?),
            "finding" => Record::Finding(serde_json::from_value(doc).ok()?),
            _ => return None,
        })
    }

    /// The document alone, as the feed's `record` carries it.
    pub fn doc_json(&self) -> Result<String, serde_json::Error> {
        each!(self, r => serde_json::to_string(r))
    }

    /// `doc_json` as a raw JSON value, to embed in other JSON without escaping it.
    pub fn doc_raw(&self) -> Result<Box<serde_json::value::RawValue>, serde_json::Error> {
        each!(self, r => serde_json::value::to_raw_value(r))
    }

    pub fn as_case(&self) -> Option<&Case> {
        match self {
            Record::Case(c) => Some(c),
            _ => None,
        }
    }
}
