//! A simulation of many devices syncing through the real store (a real SQLite file, and
//! PostgreSQL when set): random offline spans, dropped acknowledgements, resends, replays
//! of old batches, interleaving across devices, and pushes arriving together (applied
//! by the writer as one group). Whatever happens on the way, the
//! server's records equal applying every mutation exactly once, in each device's seq
//! order, with the same pure rules.

use crate::helpers::{postgres_base_url, Db, TestApp};
use app::domain::cases::Case;
use app::domain::ops::{self, Actor, Facts, Op};
use app::domain::sync::{Mutation, PushRequest, PushStatus};
use app::ssr::Store;
use proptest::prelude::*;
use serde_json::json;
use std::collections::{HashMap, HashSet, VecDeque};

/// What a device's person does, decided up front.
#[derive(Debug, Clone)]
enum Act {
    /// Opens a new case.
    Create,
    /// Comments on the n-th case made so far by anyone (wrapping), or on a case of its own.
    Comment(usize),
}

/// What the network does next.
#[derive(Debug, Clone)]
enum Net {
    /// The device pushes up to `k` waiting mutations; the answer may be lost.
    Push {
        device: usize,
        k: usize,
        ack_lost: bool,
    },
    /// An old batch of the device arrives again (a retry that had in fact got through).
    Replay { device: usize },
}

#[derive(Debug, Clone)]
struct Plan {
    acts: Vec<Vec<Act>>,
    net: Vec<Net>,
    /// How many of the next network events arrive at once (cycled): pushes that reach
    /// the server together are applied as one group (`store::commit`), and the outcome
    /// must be that of applying them one after the other.
    bursts: Vec<usize>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (2usize..5)
        .prop_flat_map(|devices| {
            let act = prop_oneof![2 => Just(Act::Create), 3 => (0usize..50).prop_map(Act::Comment)];
            let acts = prop::collection::vec(prop::collection::vec(act, 1..12), devices);
            let net = prop::collection::vec(
                prop_oneof![
                    4 => (0..devices, 1usize..6, prop::bool::weighted(0.3))
                        .prop_map(|(device, k, ack_lost)| Net::Push { device, k, ack_lost }),
                    1 => (0..devices).prop_map(|device| Net::Replay { device }),
                ],
                0..40,
            );
            let bursts = prop::collection::vec(1usize..5, 1..8);
            (acts, net, bursts)
        })
        .prop_map(|(acts, net, bursts)| Plan { acts, net, bursts })
}

struct UnitFacts(HashMap<String, ops::UnitFact>);
impl Facts for UnitFacts {
    fn unit(&self, unit_id: &str) -> Option<ops::UnitFact> {
        self.0.get(unit_id).cloned()
    }
}

/// Turns a plan's acts into each device's mutations, seq 1, 2, 3 …
fn mutations(plan: &Plan, unit: &str) -> Vec<Vec<Mutation>> {
    let mut all_cases: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for acts in &plan.acts {
        let mut own = Vec::new();
        for (i, act) in acts.iter().enumerate() {
            let seq = i as u64 + 1;
            let m = match act {
                Act::Create => {
                    let id = uuid::Uuid::now_v7().to_string();
                    all_cases.push(id.clone());
                    Mutation {
                        id: uuid::Uuid::now_v7().to_string(),
                        seq,
                        op: "case.create".into(),
                        entity_id: id,
                        client_time: format!("2026-11-20T08:{:02}:00+08:00", i % 60),
                        payload: json!({"kind": "repair", "title": format!("case {seq}"), "unit_id": unit}),
                    }
                }
                Act::Comment(n) => {
                    // Mostly cases already made (maybe on another device, maybe not synced yet);
                    // sometimes one that does not exist at all.
                    let target = if all_cases.is_empty() || *n == 49 {
                        uuid::Uuid::now_v7().to_string()
                    } else {
                        all_cases[n % all_cases.len()].clone()
                    };
                    Mutation {
                        id: uuid::Uuid::now_v7().to_string(),
                        seq,
                        op: "case.comment".into(),
                        entity_id: target,
                        client_time: format!("2026-11-20T09:{:02}:00+08:00", i % 60),
                        payload: json!({"text": format!("note {seq}")}),
                    }
                }
            };
            own.push(m);
        }
        out.push(own);
    }
    out
}

/// Runs one plan against the store and checks the outcome against the pure rules.
async fn run(
    store: &Store,
    actor: &Actor,
    unit: &str,
    unit_label: &(String, String),
    estate: &str,
    plan: Plan,
) -> Result<(), TestCaseError> {
    let muts = mutations(&plan, unit);
    let devices: Vec<String> = muts
        .iter()
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let mut outbox: Vec<VecDeque<Mutation>> =
        muts.iter().map(|m| m.iter().cloned().collect()).collect();
    let mut sent: Vec<Vec<Vec<Mutation>>> = vec![Vec::new(); devices.len()];
    // The first final answer (applied or rejected) of each mutation, in server order.
    let mut decided: Vec<(Mutation, usize, PushStatus)> = Vec::new();
    let mut answered: HashMap<String, PushStatus> = HashMap::new();

    let mut events = plan.net.clone();
    // Finally every device comes back online and empties its outbox.
    for d in 0..devices.len() {
        events.push(Net::Push {
            device: d,
            k: usize::MAX,
            ack_lost: false,
        });
    }
    let mut events = events.into_iter().peekable();
    let mut bursts = plan.bursts.iter().cycle();
    while events.peek().is_some() {
        let size = bursts.next().copied().unwrap_or(1);
        // This burst's pushes, each as its device would send it now.
        let mut pushes: Vec<(usize, Vec<Mutation>, bool)> = Vec::new();
        for ev in events.by_ref().take(size) {
            let (device, batch, ack_lost) = match ev {
                Net::Push {
                    device,
                    k,
                    ack_lost,
                } => {
                    let batch: Vec<Mutation> = outbox[device].iter().take(k).cloned().collect();
                    (device, batch, ack_lost)
                }
                Net::Replay { device } => match sent[device].first() {
                    Some(b) => (device, b.clone(), false),
                    None => continue,
                },
            };
            if !batch.is_empty() {
                pushes.push((device, batch, ack_lost));
            }
        }
        // Sent together: they queue for the writer in this order, which is the order the
        // server decides them in.
        let requests: Vec<PushRequest> = pushes
            .iter()
            .map(|(device, batch, _)| PushRequest {
                device_id: devices[*device].clone(),
                mutations: batch.clone(),
            })
            .collect();
        let now = chrono::Utc::now().timestamp_millis();
        let answers =
            futures::future::join_all(requests.iter().map(|req| store.push(actor, req, now))).await;
        for ((device, batch, ack_lost), answer) in pushes.into_iter().zip(answers) {
            let (results, _) = answer.expect("push");
            prop_assert_eq!(results.len(), batch.len());
            for (m, r) in batch.iter().zip(&results) {
                prop_assert_eq!(&r.id, &m.id);
                match (&r.status, answered.get(&m.id)) {
                    (PushStatus::Applied, Some(_)) => {
                        return Err(TestCaseError::fail(format!(
                            "mutation {} applied twice",
                            m.id
                        )));
                    }
                    (PushStatus::Duplicate, prev) => {
                        prop_assert!(
                            matches!(prev, Some(PushStatus::Applied)),
                            "duplicate of something never applied"
                        );
                    }
                    (PushStatus::Rejected { .. }, Some(prev)) => prop_assert_eq!(prev, &r.status),
                    (status, None) => {
                        answered.insert(m.id.clone(), status.clone());
                        decided.push((m.clone(), device, status.clone()));
                    }
                }
            }
            sent[device].push(batch.clone());
            if !ack_lost {
                // The device forgets what the server answered; the rest stays in the outbox.
                let done: HashSet<&str> = batch.iter().map(|m| m.id.as_str()).collect();
                outbox[device].retain(|m| !done.contains(m.id.as_str()));
            }
        }
    }

    // Nothing left behind, nothing lost.
    for (d, o) in outbox.iter().enumerate() {
        prop_assert!(o.is_empty(), "device {} still has {} waiting", d, o.len());
    }
    let total: usize = muts.iter().map(Vec::len).sum();
    prop_assert_eq!(
        decided.len(),
        total,
        "every mutation got exactly one final answer"
    );

    // Each device's mutations were decided in seq order.
    let mut last_seq = vec![0u64; devices.len()];
    for (m, d, _) in &decided {
        prop_assert!(
            m.seq > last_seq[*d],
            "device {} seq {} decided after {}",
            d,
            m.seq,
            last_seq[*d]
        );
        last_seq[*d] = m.seq;
    }

    // The oracle: the pure rules over the decided order give the same answers and records.
    let facts = UnitFacts(HashMap::from([(
        unit.to_string(),
        ops::UnitFact {
            estate_id: estate.to_string(),
            label: unit_label.0.clone(),
            building_id: Some(unit_label.1.clone()),
        },
    )]));
    let mut expected: HashMap<String, Case> = HashMap::new();
    for (m, _, status) in &decided {
        let op = Op::parse(&m.op, &m.payload);
        let at = chrono::DateTime::parse_from_rfc3339(&m.client_time)
            .expect("time")
            .timestamp_millis();
        let out = op.and_then(|op| {
            ops::apply(
                expected
                    .get(&m.entity_id)
                    .cloned()
                    .map(app::domain::records::Record::Case)
                    .as_ref(),
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
        match (out, status) {
            (Ok(app::domain::records::Record::Case(case)), PushStatus::Applied) => {
                expected.insert(case.id.clone(), case);
            }
            (Err(r), PushStatus::Rejected { code, .. }) => {
                prop_assert_eq!(r.code.as_str(), code.as_str())
            }
            (out, status) => {
                return Err(TestCaseError::fail(format!(
                    "server said {status:?}, the rules say {out:?}"
                )));
            }
        }
    }
    for (id, case) in &expected {
        let stored = store
            .case_doc(id)
            .await
            .expect("read case")
            .expect("case stored");
        prop_assert_eq!(&stored, case);
    }
    Ok(())
}

fn simulate(db: Db, cases: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let app = rt.block_on(TestApp::spawn(db));
    let (actor, unit, unit_label, estate) = rt.block_on(async {
        use sqlx::Row;
        let row = sqlx::query("SELECT id FROM users WHERE username = 'desk'")
            .fetch_one(app.store.pool())
            .await
            .expect("desk");
        let id: String = row.try_get(0).expect("id");
        let user = app
            .store
            .current_user(&id)
            .await
            .expect("user")
            .expect("desk user");
        let unit = crate::sync::resident_unit(&app).await;
        let row = sqlx::query(
            "SELECT b.code || '-' || u.number, u.building_id FROM units u \
             JOIN buildings b ON b.id = u.building_id WHERE u.id = $1",
        )
        .bind(&unit)
        .fetch_one(app.store.pool())
        .await
        .expect("unit label");
        let label: (String, String) = (
            row.try_get(0).expect("label"),
            row.try_get(1).expect("building"),
        );
        let estate = user.estate_ids[0].clone();
        (Actor::from(&user), unit, label, estate)
    });
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&plan(), |p| {
        rt.block_on(run(&app.store, &actor, &unit, &unit_label, &estate, p))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn devices_with_lost_acks_and_replays_converge_on_sqlite() {
    simulate(Db::Sqlite, 48);
}

#[test]
fn devices_with_lost_acks_and_replays_converge_on_postgres() {
    if postgres_base_url().is_none() {
        eprintln!("PROPDESK_TEST_POSTGRES_URL not set: PostgreSQL simulation skipped");
        return;
    }
    simulate(Db::Postgres, 24);
}
