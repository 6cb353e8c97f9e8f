//! The device's side of the sync contract, as pure data: the outbox (mutations waiting
//! for the server, and those it rejected) and the view the screens read — the local
//! replica with every waiting mutation applied on top by the same rules the server uses.
//! The browser keeps both in IndexedDB; this module decides what they mean.

use super::cases::Case;
use super::ops::{self, Actor, Facts, Op, Rejection};
use super::records::Record;
use super::sync::{Mutation, PushResult, PushStatus, MAX_MUTATIONS_PER_PUSH};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a recorded mutation stands on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EntryState {
    /// Not yet answered by the server: pushed again until it is.
    Waiting,
    /// The server can never apply it: shown under "needs attention" until the person
    /// corrects it (a new mutation) or discards it.
    Rejected { code: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub mutation: Mutation,
    pub state: EntryState,
}

/// A device's outbox, ordered by `seq`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    /// The last seq handed out; never reused, even after entries leave.
    pub last_seq: u64,
    pub entries: BTreeMap<u64, Entry>,
}

impl Outbox {
    /// Records a new mutation with the next seq and returns it (to be stored durably
    /// before it is shown as saved).
    pub fn record(
        &mut self,
        id: String,
        op: &str,
        entity_id: String,
        client_time: String,
        payload: serde_json::Value,
    ) -> Mutation {
        self.last_seq += 1;
        let m = Mutation {
            id,
            seq: self.last_seq,
            op: op.to_string(),
            entity_id,
            client_time,
            payload,
        };
        self.entries.insert(
            m.seq,
            Entry {
                mutation: m.clone(),
                state: EntryState::Waiting,
            },
        );
        m
    }

    /// How many mutations wait for the server.
    pub fn waiting(&self) -> usize {
        self.entries
            .values()
            .filter(|e| e.state == EntryState::Waiting)
            .count()
    }

    /// Rejected mutations, oldest first.
    pub fn needs_attention(&self) -> Vec<&Entry> {
        self.entries
            .values()
            .filter(|e| e.state != EntryState::Waiting)
            .collect()
    }

    /// The next push: waiting mutations in seq order, at most `max` (capped by the
    /// contract's limit).
    pub fn next_batch(&self, max: usize) -> Vec<Mutation> {
        self.entries
            .values()
            .filter(|e| e.state == EntryState::Waiting)
            .take(max.min(MAX_MUTATIONS_PER_PUSH))
            .map(|e| e.mutation.clone())
            .collect()
    }

    /// Takes the server's answers: `applied` and `duplicate` leave the outbox,
    /// `rejected` moves to "needs attention". Answers for unknown ids are ignored (a
    /// second tab may have handled them). Returns how many left.
    pub fn acknowledge(&mut self, results: &[PushResult]) -> usize {
        let mut gone = 0;
        for r in results {
            let Some(seq) = self
                .entries
                .iter()
                .find(|(_, e)| e.mutation.id == r.id)
                .map(|(s, _)| *s)
            else {
                continue;
            };
            match &r.status {
                PushStatus::Applied | PushStatus::Duplicate => {
                    self.entries.remove(&seq);
                    gone += 1;
                }
                PushStatus::Rejected { code, message } => {
                    if let Some(e) = self.entries.get_mut(&seq) {
                        e.state = EntryState::Rejected {
                            code: code.clone(),
                            message: message.clone(),
                        };
                    }
                }
            }
        }
        gone
    }

    /// Drops a rejected mutation on the person's explicit word. Waiting ones cannot be
    /// discarded: they may already be applied on the server.
    pub fn discard(&mut self, mutation_id: &str) -> bool {
        let found = self
            .entries
            .iter()
            .find(|(_, e)| e.mutation.id == mutation_id && e.state != EntryState::Waiting)
            .map(|(s, _)| *s);
        match found {
            Some(seq) => self.entries.remove(&seq).is_some(),
            None => false,
        }
    }

    /// Resends a rejected mutation with a corrected payload: the server keeps the old id
    /// rejected forever, so the correction is a new mutation (new id, next seq) and the
    /// rejected one leaves. Returns the new mutation, or `None` if `mutation_id` is not a
    /// rejected entry.
    pub fn correct(
        &mut self,
        mutation_id: &str,
        new_id: String,
        client_time: String,
        payload: serde_json::Value,
    ) -> Option<Mutation> {
        let old = self
            .entries
            .values()
            .find(|e| e.mutation.id == mutation_id && e.state != EntryState::Waiting)?
            .mutation
            .clone();
        self.discard(mutation_id);
        Some(self.record(new_id, &old.op, old.entity_id, client_time, payload))
    }
}

/// A record as a screen shows it: the replica's state with waiting mutations on top.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewRecord {
    pub record: Record,
    /// Some change to it is still waiting for the server.
    pub pending: bool,
}

/// A case as a screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewCase {
    pub case: Case,
    /// Some change to it is still waiting for the server.
    pub pending: bool,
}

/// When the device made a mutation, which is when its rules run locally.
fn made_at(m: &Mutation) -> i64 {
    chrono::DateTime::parse_from_rfc3339(&m.client_time)
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// The device's facts together with the records it holds: a run starts from a route
/// the device has (pending or synced), as the server reads it from its records.
pub struct RecordFacts<'a> {
    pub base: &'a dyn Facts,
    pub records: &'a BTreeMap<String, ViewRecord>,
}

impl Facts for RecordFacts<'_> {
    fn unit(&self, unit_id: &str) -> Option<ops::UnitFact> {
        self.base.unit(unit_id)
    }

    fn staff(&self, user_id: &str) -> Option<ops::StaffFact> {
        self.base.staff(user_id)
    }

    fn building(&self, building_id: &str) -> Option<String> {
        self.base.building(building_id)
    }

    fn policy(&self, estate_id: &str) -> crate::domain::cases::Policy {
        self.base.policy(estate_id)
    }

    fn route(&self, route_id: &str) -> Option<crate::domain::patrols::Route> {
        match self.records.get(route_id).map(|v| &v.record) {
            Some(Record::Route(r)) => Some(r.clone()),
            _ => self.base.route(route_id),
        }
    }
}

/// The screens' view: every record of the replica, plus what the outbox's waiting
/// mutations make of them (a waiting create shows the new record at once). A waiting
/// mutation the rules refuse locally is left out of the view; the server will answer it.
pub fn view(
    replica: &BTreeMap<String, Record>,
    outbox: &Outbox,
    actor: &Actor,
    facts: &dyn Facts,
) -> BTreeMap<String, ViewRecord> {
    let mut out: BTreeMap<String, ViewRecord> = replica
        .iter()
        .map(|(id, r)| {
            (
                id.clone(),
                ViewRecord {
                    record: r.clone(),
                    pending: false,
                },
            )
        })
        .collect();
    for e in outbox.entries.values() {
        if e.state != EntryState::Waiting {
            continue;
        }
        let m = &e.mutation;
        let at = made_at(m);
        let facts = RecordFacts {
            base: facts,
            records: &out,
        };
        let next = Op::parse(&m.op, &m.payload).and_then(|op| {
            ops::apply(
                out.get(&m.entity_id).map(|v| &v.record),
                &op,
                ops::Context {
                    mutation_id: &m.id,
                    entity_id: &m.entity_id,
                    actor,
                    facts: &facts,
                    at,
                },
            )
        });
        if let Ok(record) = next {
            out.insert(
                record.id().to_string(),
                ViewRecord {
                    record,
                    pending: true,
                },
            );
        }
    }
    out
}

/// The cases of a view, for the case screens; the rest stays for the ledger's.
pub fn split(
    view: BTreeMap<String, ViewRecord>,
) -> (BTreeMap<String, ViewCase>, BTreeMap<String, ViewRecord>) {
    let mut cases = BTreeMap::new();
    let mut rest = BTreeMap::new();
    for (id, v) in view {
        match v.record {
            Record::Case(case) => {
                cases.insert(
                    id,
                    ViewCase {
                        case,
                        pending: v.pending,
                    },
                );
            }
            record => {
                rest.insert(
                    id,
                    ViewRecord {
                        record,
                        pending: v.pending,
                    },
                );
            }
        }
    }
    (cases, rest)
}

/// Whether a mutation the device holds would be refused by the rules as they stand now:
/// lets a form say why at once, offline, instead of after the next sync.
pub fn check(
    current: Option<&Record>,
    m: &Mutation,
    actor: &Actor,
    facts: &dyn Facts,
) -> Result<(), Rejection> {
    let op = Op::parse(&m.op, &m.payload)?;
    ops::apply(
        current,
        &op,
        ops::Context {
            mutation_id: &m.id,
            entity_id: &m.entity_id,
            actor,
            facts,
            at: made_at(m),
        },
    )
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use serde_json::json;

    struct NoUnits;
    impl Facts for NoUnits {
        fn unit(&self, _: &str) -> Option<crate::domain::ops::UnitFact> {
            None
        }
    }

    fn desk() -> Actor {
        Actor {
            id: "desk".into(),
            name: "Desk".into(),
            role: Role::FrontDesk,
            department: None,
            estate_ids: vec!["e1".into()],
            unit_ids: vec![],
        }
    }

    const T: &str = "2026-11-23T10:00:00+08:00";

    fn record_create(o: &mut Outbox, n: u32) -> Mutation {
        o.record(
            format!("m{n}"),
            "case.create",
            format!("c{n}"),
            T.into(),
            json!({"kind": "inquiry", "title": format!("case {n}"), "location": "lobby"}),
        )
    }

    #[test]
    fn waiting_work_shows_at_once_and_leaves_only_when_answered() {
        let mut o = Outbox::default();
        let a = record_create(&mut o, 1);
        let b = o.record(
            "m2".into(),
            "case.comment",
            "c1".into(),
            T.into(),
            json!({"text": "hi"}),
        );
        assert_eq!((a.seq, b.seq), (1, 2));
        assert_eq!(o.waiting(), 2);

        let (v, rest) = split(view(&BTreeMap::new(), &o, &desk(), &NoUnits));
        let c1 = v.get("c1").expect("the waiting case shows");
        assert!(c1.pending);
        assert_eq!(c1.case.events.len(), 2);
        assert!(rest.is_empty());

        // The answer to the first only is lost: both are sent again, in order.
        assert_eq!(
            o.next_batch(10).iter().map(|m| m.seq).collect::<Vec<_>>(),
            [1, 2]
        );
        let gone = o.acknowledge(&[
            PushResult {
                id: "m1".into(),
                status: PushStatus::Duplicate,
            },
            PushResult {
                id: "m2".into(),
                status: PushStatus::Rejected {
                    code: "invalid_transition".into(),
                    message: "case is closed".into(),
                },
            },
        ]);
        assert_eq!(gone, 1);
        assert_eq!(o.waiting(), 0);
        assert_eq!(o.needs_attention().len(), 1);
        assert!(
            o.next_batch(10).is_empty(),
            "a rejected mutation is not pushed again"
        );
    }

    #[test]
    fn rejected_work_is_corrected_as_a_new_mutation_or_discarded_explicitly() {
        let mut o = Outbox::default();
        record_create(&mut o, 1);
        record_create(&mut o, 2);
        assert!(!o.discard("m1"), "waiting work cannot be discarded");
        o.acknowledge(&[PushResult {
            id: "m1".into(),
            status: PushStatus::Rejected {
                code: "bad_payload".into(),
                message: "title is required".into(),
            },
        }]);
        let fixed = o
            .correct(
                "m1",
                "m3".into(),
                T.into(),
                json!({"kind": "inquiry", "title": "fixed", "location": "gate"}),
            )
            .expect("correctable");
        assert_eq!((fixed.seq, fixed.entity_id.as_str()), (3, "c1"));
        assert_eq!(
            o.next_batch(10)
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            ["m2", "m3"]
        );
        assert!(o.needs_attention().is_empty());
        o.acknowledge(&[PushResult {
            id: "m2".into(),
            status: PushStatus::Rejected {
                code: "forbidden".into(),
                message: "no".into(),
            },
        }]);
        assert!(o.discard("m2"));
        assert_eq!(o.entries.len(), 1);
        // Seq numbers are never reused.
        assert_eq!(record_create(&mut o, 4).seq, 4);
    }

    #[test]
    fn batches_respect_the_contract_limit() {
        let mut o = Outbox::default();
        for n in 0..1_005 {
            record_create(&mut o, n);
        }
        assert_eq!(o.next_batch(5_000).len(), MAX_MUTATIONS_PER_PUSH);
        assert_eq!(o.next_batch(20).len(), 20);
    }

    #[test]
    fn local_checks_use_the_servers_rules() {
        let mut o = Outbox::default();
        let m = o.record(
            "m1".into(),
            "case.comment",
            "nope".into(),
            T.into(),
            json!({"text": "x"}),
        );
        let r = check(None, &m, &desk(), &NoUnits).unwrap_err();
        assert_eq!(r.code, crate::domain::ops::RejectCode::NotFound);
    }
}
