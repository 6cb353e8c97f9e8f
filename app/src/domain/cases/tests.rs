//! Random histories over every case op: no sequence reaches a state the rules forbid,
//! a rejection changes nothing, and the browser's way of applying (the outbox view over
//! the replica) agrees with the server's (each state stored as JSON and read back).

use super::*;
use crate::domain::ops::{Context, Facts, Op, Rejection, StaffFact, UnitFact};
use crate::domain::outbox::{self, Outbox};
use crate::domain::records::Record;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// The rules as every caller runs them, over a case.
fn apply(state: Option<&Case>, op: &Op, cx: Context<'_>) -> Result<Case, Rejection> {
    let state = state.cloned().map(Record::Case);
    match crate::domain::ops::apply(state.as_ref(), op, cx)? {
        Record::Case(c) => Ok(c),
        other => panic!("a case op made a {:?}", other.entity()),
    }
}

struct World;

impl Facts for World {
    fn unit(&self, unit_id: &str) -> Option<UnitFact> {
        let estate = match unit_id {
            "u1" | "u2" => "e1",
            "u9" => "e2",
            _ => return None,
        };
        Some(UnitFact {
            estate_id: estate.into(),
            label: unit_id.to_uppercase(),
            building_id: Some("b1".into()),
        })
    }

    fn staff(&self, id: &str) -> Option<StaffFact> {
        let a = actors().into_iter().find(|a| a.id == id)?;
        a.role.is_staff().then(|| StaffFact {
            id: a.id.clone(),
            name: a.name.clone(),
            role: a.role,
            department: a.department,
            estate_ids: a.estate_ids.clone(),
        })
    }
}

fn person(id: &str, role: Role, dept: Option<Department>, units: &[&str]) -> Actor {
    Actor {
        id: id.into(),
        name: id.to_uppercase(),
        role,
        department: dept,
        estate_ids: vec!["e1".into()],
        unit_ids: units.iter().map(|u| u.to_string()).collect(),
    }
}

fn actors() -> Vec<Actor> {
    use Department::*;
    vec![
        person("res1", Role::Resident, None, &["u1"]),
        person("res2", Role::Resident, None, &["u2"]),
        person("desk", Role::FrontDesk, Some(CustomerService), &[]),
        person("sup", Role::Supervisor, Some(CustomerService), &[]),
        person("tech1", Role::Technician, Some(Engineering), &[]),
        person("tech2", Role::Technician, Some(Engineering), &[]),
        person("guard", Role::Patrol, Some(Security), &[]),
        person("cash", Role::Cashier, Some(Finance), &[]),
    ]
}

const SIG: &str = "5151515151515151515151515151515151515151515151515151515151515151";

fn payloads(op: &str) -> Vec<Value> {
    match op {
        "case.create" => vec![
            json!({"kind": "repair", "title": "Leak", "unit_id": "u1", "leak": true}),
            json!({"kind": "complaint", "title": "Noise", "unit_id": "u2"}),
            json!({"kind": "inquiry", "title": "Parking", "location": "Lobby", "priority": "high"}),
            json!({"kind": "repair", "title": "", "location": "B1"}),
        ],
        "case.comment" => vec![json!({"text": "note"}), json!({"text": " "})],
        "case.classify" => vec![
            json!({"nature": "valid", "cause": "service_quality", "department": "cleaning"}),
            json!({"nature": "venting", "cause": "service_attitude", "department": "security", "identity_confirmed": true, "payment_standing": "arrears"}),
            json!({"nature": "consulting", "cause": "equipment", "department": "engineering"}),
        ],
        "case.prioritize" => vec![json!({"priority": "urgent"}), json!({"priority": "low"})],
        "case.dispatch" | "case.reassign" => vec![
            json!({"department": "engineering", "assignee_id": "tech1"}),
            json!({"department": "engineering", "assignee_id": "tech2"}),
            json!({"department": "engineering"}),
            json!({"department": "security", "assignee_id": "guard"}),
            json!({"department": "engineering", "assignee_id": "res1"}),
        ],
        "case.sign" | "case.start" | "case.resume" => vec![json!({})],
        "case.site_visit" | "case.handle" => {
            vec![json!({"notes": "seen and fixed"}), json!({"notes": ""})]
        }
        "case.finish" => vec![
            json!({"notes": "replaced seal", "materials": [{"name": "seal", "quantity": 2, "unit": "pcs"}], "fee_cents": 5000}),
            json!({"notes": "done", "water_test_at": 5}),
            json!({"notes": "done", "fee_cents": -1}),
        ],
        "case.accept" => vec![json!({"signature": SIG}), json!({"signature": "nope"})],
        "case.refuse" | "case.escalate" | "case.hold" | "case.cancel" | "case.reopen" => {
            vec![json!({"reason": "because"}), json!({"reason": ""})]
        }
        "case.return_visit" => vec![
            json!({"method": "phone", "satisfied": true}),
            json!({"method": "door", "satisfied": false, "notes": "still drips"}),
            json!({"method": "door", "satisfied": false}),
        ],
        "case.summarize" => vec![json!({"cause": "c", "lesson": "l", "change": "x"})],
        "case.defer" => vec![json!({}), json!({"promised_at": 1})],
        "case.reply" => vec![json!({"text": "answered"})],
        "case.close" => vec![json!({"note": "answered"}), json!({})],
        "case.rate" => vec![json!({"stars": 5, "comment": "good"}), json!({"stars": 9})],
        _ => vec![json!({})],
    }
}

#[derive(Debug, Clone)]
struct Step {
    case: usize,
    actor: usize,
    op: &'static str,
    variant: usize,
    /// Take the step that moves the case on (by the person who would), instead of `op`
    /// by `actor`: random steps alone rarely get a case past dispatch.
    guided: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        0..2usize,
        0..8usize,
        prop::sample::select(Op::CASE_NAMES.to_vec()),
        0..6usize,
        prop::bool::weighted(0.6),
    )
        .prop_map(|(case, actor, op, variant, guided)| Step {
            case,
            actor,
            op,
            variant,
            guided,
        })
}

/// The op and person that move a case on from where it is.
fn guide(case: Option<&Case>, variant: usize) -> (&'static str, &'static str) {
    use CaseStatus::*;
    let Some(c) = case else {
        return (
            "case.create",
            if variant.is_multiple_of(2) {
                "res1"
            } else {
                "desk"
            },
        );
    };
    let assignee = match c.assignee.as_ref().map(|a| a.id.as_str()) {
        Some("tech2") => "tech2",
        Some("guard") => "guard",
        _ => "tech1",
    };
    let complaint = c.kind == CaseKind::Complaint;
    match c.status {
        Open if complaint && c.complaint.is_none() => ("case.classify", "desk"),
        Open if matches!(c.kind, CaseKind::Inquiry) && variant.is_multiple_of(2) => {
            ("case.close", "desk")
        }
        Open => ("case.dispatch", "desk"),
        Dispatched => ("case.sign", assignee),
        Signed if complaint => ("case.site_visit", assignee),
        Signed => ("case.start", assignee),
        InProgress if complaint => ("case.handle", assignee),
        InProgress => ("case.finish", assignee),
        Completed if variant.is_multiple_of(3) => ("case.refuse", "res1"),
        Completed => (
            "case.accept",
            if variant.is_multiple_of(2) {
                "res1"
            } else {
                "desk"
            },
        ),
        ReturnVisit if complaint && variant.is_multiple_of(2) => ("case.summarize", "sup"),
        ReturnVisit => ("case.return_visit", "desk"),
        Resolved => ("case.summarize", "desk"),
        OnHold => ("case.resume", "desk"),
        Closed if c.rating.is_none() && variant.is_multiple_of(2) => ("case.rate", "res1"),
        Closed | Cancelled => ("case.reopen", "sup"),
    }
}

/// The states a case may move between on one accepted op (besides staying put).
fn allowed(op: &str, from: CaseStatus, to: CaseStatus) -> bool {
    use CaseStatus::*;
    match op {
        "case.comment" | "case.classify" | "case.prioritize" | "case.defer" | "case.reply"
        | "case.escalate" | "case.rate" => from == to,
        "case.dispatch" => from == Open && to == Dispatched,
        "case.reassign" => matches!(from, Dispatched | Signed | InProgress) && to == Dispatched,
        "case.sign" => from == Dispatched && to == Signed,
        "case.start" => from == Signed && to == InProgress,
        "case.site_visit" => matches!(from, Dispatched | Signed | InProgress) && to == InProgress,
        "case.finish" => from == InProgress && to == Completed,
        "case.handle" => matches!(from, Dispatched | Signed | InProgress) && to == ReturnVisit,
        "case.accept" => from == Completed && to == ReturnVisit,
        "case.refuse" => from == Completed && to == InProgress,
        "case.return_visit" => from == ReturnVisit && matches!(to, Closed | Resolved | InProgress),
        "case.summarize" => matches!((from, to), (ReturnVisit, ReturnVisit) | (Resolved, Closed)),
        "case.hold" => !from.is_final() && from != OnHold && to == OnHold,
        "case.resume" => from == OnHold && to != OnHold && !to.is_final(),
        "case.cancel" => !from.is_final() && to == Cancelled,
        "case.reopen" => from.is_final() && to == Open,
        "case.close" => !from.is_final() && to == Closed,
        _ => false,
    }
}

/// What must hold of every case, whatever happened to it.
fn invariants(c: &Case) -> Result<(), TestCaseError> {
    prop_assert_eq!(c.hold.is_some(), c.status == CaseStatus::OnHold);
    if let Some(h) = &c.hold {
        prop_assert!(h.resume != CaseStatus::OnHold && !h.resume.is_final());
    }
    let mut ids: Vec<&str> = c.events.iter().map(|e| e.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    prop_assert_eq!(ids.len(), c.events.len(), "an event was applied twice");
    prop_assert_eq!(c.closed_at.is_some(), c.status.is_final());
    match c.status {
        CaseStatus::Dispatched | CaseStatus::Signed | CaseStatus::InProgress => {
            prop_assert!(c.department.is_some());
        }
        CaseStatus::Completed => {
            prop_assert!(c.work.finished_at.is_some() && c.visit_due_at.is_some());
        }
        CaseStatus::ReturnVisit => prop_assert!(c.visit_due_at.is_some()),
        _ => {}
    }
    if matches!(c.status, CaseStatus::Signed) {
        prop_assert!(c.assignee.is_some() && c.work.signed_at.is_some());
    }
    if c.kind == CaseKind::Complaint && c.department.is_some() {
        prop_assert!(c.complaint.is_some(), "a complaint dispatched unclassified");
    }
    if c.status == CaseStatus::Closed {
        match c.kind {
            CaseKind::Complaint => prop_assert!(c.summary.is_some()),
            CaseKind::Repair => {
                prop_assert!(c.acceptance.is_some());
                prop_assert!(c.visits.last().is_some_and(|v| v.satisfied));
            }
            _ => {}
        }
    }
    // Residents only ever file, comment, accept or refuse, rate, and cancel their own.
    for e in &c.events {
        if e.by.starts_with("res") {
            let allowed_for_residents = matches!(
                e.what,
                EventKind::Created
                    | EventKind::Comment { .. }
                    | EventKind::Accepted { .. }
                    | EventKind::Refused { .. }
                    | EventKind::Rated { .. }
                    | EventKind::Cancelled { .. }
            );
            prop_assert!(allowed_for_residents, "a resident did {:?}", e.what);
        }
        if e.by == "cash" {
            let comment = matches!(e.what, EventKind::Comment { .. });
            prop_assert!(comment, "a cashier did more than comment");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_op_sequences_keep_the_rules(steps in prop::collection::vec(step(), 1..80)) {
        let people = actors();
        let mut state: HashMap<usize, Case> = HashMap::new();
        // The server's way: the state is stored as JSON between mutations.
        let mut stored: HashMap<usize, String> = HashMap::new();
        for (i, s) in steps.iter().enumerate() {
            let mut s = s.clone();
            if s.guided {
                let (op, who) = guide(state.get(&s.case), s.variant);
                s.op = op;
                s.actor = people.iter().position(|a| a.id == who).expect("known person");
            }
            let list = payloads(s.op);
            let payload = list[s.variant % list.len()].clone();
            let actor = &people[s.actor];
            let mutation_id = format!("m{i:03}");
            let entity = format!("c{}", s.case);
            let at = 1_000 + i as i64 * 60_000;
            let cx = Context { mutation_id: &mutation_id, entity_id: &entity, actor, facts: &World, at };
            let before = state.get(&s.case).cloned();
            let op = Op::parse(s.op, &payload).expect("the generator sends well-formed payloads");
            let result = apply(before.as_ref(), &op, cx);
            // The browser's way: the replica (the server's stored JSON read back) with this
            // mutation waiting in the outbox shows exactly what the server ends with.
            let replica: BTreeMap<String, Record> = stored
                .iter()
                .map(|(k, d)| (format!("c{k}"), Record::Case(serde_json::from_str(d).expect("reads"))))
                .collect();
            let mut ob = Outbox::default();
            ob.record(
                mutation_id.clone(),
                s.op,
                entity.clone(),
                chrono::DateTime::from_timestamp_millis(at).expect("time").to_rfc3339(),
                payload.clone(),
            );
            let shown = outbox::view(&replica, &ob, actor, &World).get(&entity).and_then(|v| v.record.as_case().cloned());
            match &result {
                Ok(next) => prop_assert_eq!(shown.as_ref(), Some(next)),
                Err(_) => prop_assert_eq!(shown, before.clone()),
            }
            match result {
                Ok(next) => {
                    invariants(&next)?;
                    if let Some(b) = &before {
                        prop_assert!(b.status == next.status || allowed(s.op, b.status, next.status),
                            "{} took {:?} to {:?}", s.op, b.status, next.status);
                        prop_assert_eq!(&next.events[..b.events.len()], &b.events[..]);
                        prop_assert_eq!(next.events.len(), b.events.len() + 1);
                    } else {
                        prop_assert_eq!(s.op, "case.create");
                    }
                    // Stored and read back, as the server does: nothing changes.
                    let doc = serde_json::to_string(&next).expect("serializes");
                    let back: Case = serde_json::from_str(&doc).expect("reads back");
                    prop_assert_eq!(&back, &next);
                    stored.insert(s.case, doc);
                    state.insert(s.case, next);
                }
                Err(r) => prop_assert!(!r.message.is_empty()),
            }
        }
    }
}

fn run(
    state: Option<&Case>,
    actor: &str,
    op: &str,
    payload: Value,
    at: i64,
) -> Result<Case, Rejection> {
    let people = actors();
    let a = people.iter().find(|a| a.id == actor).expect("known actor");
    let op = Op::parse(op, &payload)?;
    apply(
        state,
        &op,
        Context {
            mutation_id: &format!("m{at}"),
            entity_id: "c1",
            actor: a,
            facts: &World,
            at,
        },
    )
}

#[test]
fn a_leak_from_report_to_return_visit() {
    let day = policy::DAY_MS;
    let c = run(
        None,
        "res1",
        "case.create",
        json!({"kind": "repair", "title": "Ceiling leak", "unit_id": "u1", "leak": true}),
        0,
    )
    .expect("filed");
    assert_eq!(
        (c.channel, c.due_at),
        (Channel::Portal, 48 * policy::HOUR_MS)
    );
    let c = run(
        Some(&c),
        "desk",
        "case.dispatch",
        json!({"department": "engineering", "assignee_id": "tech1"}),
        10,
    )
    .expect("dispatched");
    assert_eq!(
        run(Some(&c), "tech2", "case.sign", json!({}), 11)
            .unwrap_err()
            .code,
        RejectCode::Forbidden
    );
    let c = run(Some(&c), "tech1", "case.sign", json!({}), 20).expect("signed");
    let c = run(Some(&c), "tech1", "case.start", json!({}), 30).expect("started");
    let c = run(
        Some(&c),
        "tech1",
        "case.finish",
        json!({"notes": "sealed pipe", "water_test_at": 40}),
        50,
    )
    .expect("finished");
    assert_eq!(
        c.visit_due_at,
        Some(40 + 3 * day),
        "3 days after the water test"
    );
    assert_eq!(
        run(Some(&c), "res1", "case.close", json!({}), 55)
            .unwrap_err()
            .code,
        RejectCode::Forbidden
    );
    let c = run(
        Some(&c),
        "res1",
        "case.accept",
        json!({"signature": SIG}),
        60,
    )
    .expect("accepted");
    assert_eq!(c.status, CaseStatus::ReturnVisit);
    assert_eq!(c.timers(70)[0].kind, policy::TimerKind::Visit);
    assert!(c.is_overdue(40 + 3 * day + 1));
    let c = run(
        Some(&c),
        "desk",
        "case.return_visit",
        json!({"method": "phone", "satisfied": true}),
        80,
    )
    .expect("visited");
    assert_eq!(c.status, CaseStatus::Closed);
    let c = run(Some(&c), "res1", "case.rate", json!({"stars": 4}), 90).expect("rated");
    assert_eq!(
        run(Some(&c), "res1", "case.rate", json!({"stars": 5}), 91)
            .unwrap_err()
            .code,
        RejectCode::InvalidTransition
    );
    assert_eq!(c.events.len(), 8);
}

#[test]
fn a_complaint_needs_classification_and_summary() {
    let c = run(
        None,
        "desk",
        "case.create",
        json!({"kind": "complaint", "title": "Guard asleep", "unit_id": "u2", "channel": "phone"}),
        0,
    )
    .expect("filed");
    let e = run(
        Some(&c),
        "desk",
        "case.dispatch",
        json!({"department": "security", "assignee_id": "guard"}),
        1,
    )
    .unwrap_err();
    assert_eq!(e.code, RejectCode::InvalidTransition);
    let e = run(
        Some(&c),
        "desk",
        "case.classify",
        json!({"nature": "venting", "cause": "service_attitude", "department": "security"}),
        2,
    )
    .unwrap_err();
    assert_eq!(e.code, RejectCode::BadPayload, "identity must be confirmed");
    assert_eq!(
        run(
            Some(&c),
            "res2",
            "case.classify",
            json!({"nature": "valid", "cause": "service_attitude", "department": "security"}),
            2
        )
        .unwrap_err()
        .code,
        RejectCode::Forbidden
    );
    let c = run(
        Some(&c),
        "desk",
        "case.classify",
        json!({"nature": "valid", "cause": "service_attitude", "department": "security"}),
        3,
    )
    .expect("classified");
    let c = run(
        Some(&c),
        "desk",
        "case.dispatch",
        json!({"department": "security", "assignee_id": "guard"}),
        4,
    )
    .expect("dispatched");
    let c = run(
        Some(&c),
        "guard",
        "case.site_visit",
        json!({"notes": "talked to the post"}),
        5,
    )
    .expect("site visit");
    assert_eq!(
        run(Some(&c), "tech1", "case.handle", json!({"notes": "x"}), 6)
            .unwrap_err()
            .code,
        RejectCode::Forbidden
    );
    let c = run(
        Some(&c),
        "guard",
        "case.handle",
        json!({"notes": "retrained"}),
        7,
    )
    .expect("handled");
    assert_eq!(
        run(Some(&c), "desk", "case.close", json!({}), 8)
            .unwrap_err()
            .code,
        RejectCode::InvalidTransition
    );
    let c = run(
        Some(&c),
        "desk",
        "case.return_visit",
        json!({"method": "door", "satisfied": true}),
        9,
    )
    .expect("visited");
    assert_eq!(c.status, CaseStatus::Resolved);
    let c = run(
        Some(&c),
        "sup",
        "case.summarize",
        json!({"cause": "night shift", "lesson": "rotate", "change": "checks"}),
        10,
    )
    .expect("summary");
    assert_eq!(c.status, CaseStatus::Closed);
}

#[test]
fn hold_resumes_where_it_was_and_reopen_starts_over() {
    let c = run(
        None,
        "desk",
        "case.create",
        json!({"kind": "inquiry", "title": "Fees"}),
        0,
    )
    .expect("filed");
    let c = run(Some(&c), "desk", "case.defer", json!({}), 1).expect("deferred");
    assert_eq!(c.promised_reply_at, Some(1 + 3 * policy::DAY_MS));
    let c = run(
        Some(&c),
        "desk",
        "case.hold",
        json!({"reason": "waiting on finance"}),
        2,
    )
    .expect("held");
    assert_eq!(
        run(Some(&c), "desk", "case.close", json!({}), 3)
            .unwrap_err()
            .code,
        RejectCode::InvalidTransition
    );
    let c = run(Some(&c), "desk", "case.resume", json!({}), 4).expect("resumed");
    assert_eq!(c.status, CaseStatus::Open);
    let c = run(
        Some(&c),
        "desk",
        "case.reply",
        json!({"text": "¥2.5/m²"}),
        5,
    )
    .expect("replied");
    assert!(
        c.timers(6).is_empty()
            || c.timers(6)
                .iter()
                .all(|t| t.kind != policy::TimerKind::Promise)
    );
    let c = run(
        Some(&c),
        "desk",
        "case.close",
        json!({"note": "answered"}),
        6,
    )
    .expect("closed");
    assert_eq!(
        run(Some(&c), "res1", "case.comment", json!({"text": "x"}), 7)
            .unwrap_err()
            .code,
        RejectCode::NotFound
    );
    let c = run(
        Some(&c),
        "sup",
        "case.reopen",
        json!({"reason": "asked again"}),
        8,
    )
    .expect("reopened");
    assert_eq!((c.status, c.closed_at), (CaseStatus::Open, None));
}

#[test]
fn the_default_policy_is_valid_and_bounds_are_named() {
    assert_eq!(Policy::default().validate(), Ok(()));
    let p = Policy {
        visit_days: 0,
        ..Policy::default()
    };
    assert!(p.validate().unwrap_err().to_string().contains("visit_days"));
    let mut p = Policy::default();
    p.due_hours
        .get_mut(&CaseKind::Repair)
        .expect("repair")
        .urgent = 500;
    assert!(p.validate().is_err());
}

#[test]
fn photos_are_checked_and_deduplicated() {
    let a = "a".repeat(64);
    let p = photos(&[a.clone(), a.clone()]).expect("valid");
    assert_eq!(p.len(), 1);
    assert!(p[0].pending);
    assert_eq!(
        photos(&["../x".into()]).unwrap_err().code,
        RejectCode::BadPayload
    );
    let many: Vec<String> = (0..13).map(|i| format!("{i:064x}")).collect();
    assert_eq!(photos(&many).unwrap_err().code, RejectCode::BadPayload);
}
