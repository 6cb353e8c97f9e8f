//! Tests of the patrol rules: routes and their versions, runs walked area by area (and a
//! random walk that must keep a run's invariants), nonconformities and their follow-up,
//! schedule slots, coverage, the checklist sheet, the shipped routes, QR labels, and the
//! ops' payloads and records on the wire.

use super::coverage::{self, SlotState};
use super::schedule::{clock, parse_clock, MAX_SHIFTS};
use super::shipped::templates;
use super::*;
use super::{Schedule, Value};
use crate::domain::ops::RejectCode::{
    AlreadyExists, BadPayload, Forbidden, InvalidTransition, NotFound,
};
use crate::domain::ops::{self, Context, Facts, Op, UnitFact};
use crate::domain::records::Record;
use chrono::{DateTime, Datelike, FixedOffset, Timelike, Weekday};
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// 2026-01-01 00:00 UTC, a Thursday: times the ops name must be real ones.
const T0: i64 = 1_767_225_600_000;
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const PHOTO: &str = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
const PHOTO2: &str = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";

// ---------------------------------------------------------------- the world

/// What the rules look up besides the record: the routes the server holds.
#[derive(Default)]
struct World {
    routes: BTreeMap<String, Route>,
}

impl Facts for World {
    fn unit(&self, _unit_id: &str) -> Option<UnitFact> {
        None
    }

    fn route(&self, route_id: &str) -> Option<Route> {
        self.routes.get(route_id).cloned()
    }
}

impl World {
    /// Keeps a route as the server stores it once applied.
    fn hold(&mut self, r: &Record) {
        self.routes.insert(r.id().to_string(), as_route(r).clone());
    }

    /// Parses `op` and applies it by `by` at `at` to record `id` as it is in `state`.
    fn exec(
        &self,
        state: Option<&Record>,
        id: &str,
        by: &str,
        op: &str,
        payload: Json,
        at: i64,
    ) -> Result<Record, Rejection> {
        let actor = who(by);
        let parsed = Op::parse(op, &payload)?;
        let mutation_id = format!("{by}/{op}/{at}");
        ops::apply(
            state,
            &parsed,
            Context {
                mutation_id: &mutation_id,
                entity_id: id,
                actor: &actor,
                facts: self,
                at,
            },
        )
    }

    /// A step that must apply; what it makes must also read back from the feed unchanged.
    fn ok(
        &self,
        state: Option<&Record>,
        id: &str,
        by: &str,
        op: &str,
        payload: Json,
        at: i64,
    ) -> Record {
        let next = self
            .exec(state, id, by, op, payload.clone(), at)
            .unwrap_or_else(|e| panic!("{op} {payload} by {by} refused: {e}"));
        assert_eq!(next.id(), id, "{op}");
        let doc: Json = serde_json::from_str(&next.doc_json().expect("serializes")).expect("json");
        let back = Record::from_feed(next.entity().as_str(), doc).expect("reads back");
        assert_eq!(back, next, "{op}: the stored record reads back");
        next
    }

    /// A step that must be refused with `code`; gives the message.
    #[allow(clippy::too_many_arguments)]
    fn no(
        &self,
        state: Option<&Record>,
        id: &str,
        by: &str,
        op: &str,
        payload: Json,
        at: i64,
        code: RejectCode,
    ) -> String {
        match self.exec(state, id, by, op, payload.clone(), at) {
            Ok(r) => panic!("{op} {payload} by {by} applied: {r:?}"),
            Err(e) => {
                assert_eq!(e.code, code, "{op} {payload} by {by}: {}", e.message);
                assert!(!e.message.is_empty(), "{op}: a rejection says why");
                e.message
            }
        }
    }
}

fn person(id: &str, role: Role, department: Option<Department>, estates: &[&str]) -> Actor {
    Actor {
        id: id.to_string(),
        name: format!("Name of {id}"),
        role,
        department,
        estate_ids: estates.iter().map(|e| e.to_string()).collect(),
        unit_ids: if role == Role::Resident {
            vec!["u1".to_string()]
        } else {
            Vec::new()
        },
    }
}

fn who(id: &str) -> Actor {
    use Department::*;
    match id {
        "sup" => person(id, Role::Supervisor, Some(CustomerService), &["e1"]),
        "sup9" => person(id, Role::Supervisor, Some(CustomerService), &["e2"]),
        // A supervisor of both estates says which one a route is for.
        "sup19" => person(id, Role::Supervisor, Some(CustomerService), &["e1", "e2"]),
        "mgr" => person(id, Role::Manager, None, &["e1"]),
        "admin" => person(id, Role::Admin, None, &["e1"]),
        "guard" | "guard2" => person(id, Role::Patrol, Some(Security), &["e1"]),
        "guard9" => person(id, Role::Patrol, Some(Security), &["e2"]),
        "desk" => person(id, Role::FrontDesk, Some(CustomerService), &["e1"]),
        "tech" => person(id, Role::Technician, Some(Engineering), &["e1"]),
        "tech9" => person(id, Role::Technician, Some(Engineering), &["e2"]),
        "cleaner" => person(id, Role::Technician, Some(Cleaning), &["e1"]),
        "cash" => person(id, Role::Cashier, Some(Finance), &["e1"]),
        "res1" => person(id, Role::Resident, None, &["e1"]),
        other => panic!("unknown actor {other}"),
    }
}

fn as_route(r: &Record) -> &Route {
    match r {
        Record::Route(x) => x,
        other => panic!("expected a route, got a {}", other.entity().as_str()),
    }
}

fn as_run(r: &Record) -> &Run {
    match r {
        Record::Run(x) => x,
        other => panic!("expected a run, got a {}", other.entity().as_str()),
    }
}

fn as_finding(r: &Record) -> &Finding {
    match r {
        Record::Finding(x) => x,
        other => panic!("expected a finding, got a {}", other.entity().as_str()),
    }
}

fn with(mut v: Json, field: &str, value: Json) -> Json {
    v[field] = value;
    v
}

// ---------------------------------------------------------------- payloads

fn check(label: &str) -> Json {
    json!({"label": label, "kind": {"type": "check"}})
}

fn check_photo(label: &str) -> Json {
    json!({"label": label, "kind": {"type": "check"}, "photo_on_fail": true})
}

fn number(label: &str, unit: &str, min: Option<f64>, max: Option<f64>) -> Json {
    json!({"label": label, "kind": {"type": "number", "unit": unit, "min": min, "max": max}})
}

fn text_item(label: &str) -> Json {
    json!({"label": label, "kind": {"type": "text"}})
}

fn area(code: &str, name: &str, items: Vec<Json>) -> Json {
    json!({"code": code, "name": name, "items": items})
}

/// Two areas: LOBBY (a check that needs a photo when it fails, a plain check) and PUMP (a
/// reading within 0.3..0.6, a remark).
fn daily_areas() -> Json {
    json!([
        area(
            "lobby",
            " Lobby ",
            vec![check_photo("Floors clean"), check("Lighting working")]
        ),
        area(
            "PUMP",
            "Pump room",
            vec![
                number("Pressure", "MPa", Some(0.3), Some(0.6)),
                text_item("Remarks")
            ]
        ),
    ])
}

fn route_payload(areas: Json) -> Json {
    json!({
        "name": " Daily round ",
        "department": "engineering",
        "schedule": {"every": "day", "utc_offset_min": 480},
        "areas": areas,
    })
}

/// `n` areas of one check each, codes A0, A1, ….
fn many_areas(n: usize) -> Json {
    Json::Array(
        (0..n)
            .map(|i| area(&format!("A{i}"), "x", vec![check("c")]))
            .collect(),
    )
}

fn raise_payload(due_at: i64) -> Json {
    json!({
        "run_id": "RUN1",
        "route_name": "Daily round",
        "area_code": "LOBBY",
        "area_name": "Lobby",
        "item_label": "Floors clean",
        "found": "fail",
        "note": "water on the floor",
        "photos": [PHOTO],
        "department": "engineering",
        "due_at": due_at,
    })
}

fn answer(code: &str, item: usize, value: Json) -> Json {
    json!({"code": code, "item": item, "value": value})
}

/// A world holding route R1 of e1 (the daily areas) and R9 of e2, both defined at T0.
fn world() -> World {
    let mut w = World::default();
    let r1 = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        route_payload(daily_areas()),
        T0,
    );
    w.hold(&r1);
    let r9 = w.ok(
        None,
        "R9",
        "sup9",
        "route.define",
        route_payload(daily_areas()),
        T0,
    );
    w.hold(&r9);
    w
}

/// RUN1 on R1's first version, started by `by` at `at`.
fn start(w: &World, by: &str, at: i64) -> Record {
    w.ok(
        None,
        "RUN1",
        by,
        "run.start",
        json!({"route_id": "R1", "version": 1}),
        at,
    )
}

/// A step on RUN1 by the guard who started it.
fn step(w: &World, run: &Record, op: &str, payload: Json, at: i64) -> Record {
    w.ok(Some(run), "RUN1", "guard", op, payload, at)
}

/// A step on RUN1 by the guard that must be refused.
fn refused(w: &World, run: &Record, op: &str, payload: Json, code: RejectCode) -> String {
    w.no(Some(run), "RUN1", "guard", op, payload, T0 + DAY, code)
}

/// RUN1 started by the guard at T0 + 1h and checked in at LOBBY a minute later.
fn at_lobby(w: &World) -> Record {
    let run = start(w, "guard", T0 + HOUR);
    step(
        w,
        &run,
        "run.check_in",
        json!({"code": "LOBBY", "how": "scan"}),
        T0 + HOUR + MIN,
    )
}

// ---------------------------------------------------------------- routes

#[test]
fn a_supervisor_defines_a_route_with_its_first_version() {
    let w = World::default();
    let r = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        route_payload(daily_areas()),
        T0,
    );
    let route = as_route(&r);
    assert_eq!(route.id, "R1");
    assert_eq!(route.estate_id, "e1");
    assert_eq!(route.name, "Daily round");
    assert_eq!(route.department, Department::Engineering);
    assert_eq!(route.schedule, Schedule::daily(480));
    assert!(route.is_active());
    assert_eq!(
        (route.retired.as_ref(), route.retire_reason.as_ref()),
        (None, None)
    );
    assert_eq!(route.versions.len(), 1);
    let v = route.current();
    assert_eq!(v.version, 1);
    assert_eq!((v.made.at, v.made.by.as_str()), (T0, "sup"));
    assert_eq!(route.version(1), Some(v));
    assert_eq!(route.version(2), None);
    // Codes are kept upper-case, names trimmed, items as given.
    let codes: Vec<&str> = v.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["LOBBY", "PUMP"]);
    assert_eq!(v.areas[0].name, "Lobby");
    assert!(v.areas[0].items[0].photo_on_fail);
    assert!(!v.areas[0].items[1].photo_on_fail);
    assert_eq!(
        v.areas[1].items[0].kind,
        ItemKind::Number {
            unit: "MPa".into(),
            min: Some(0.3),
            max: Some(0.6)
        }
    );
    assert_eq!(v.areas[1].items[1].kind, ItemKind::Text);

    // Managers and admins plan too.
    for by in ["mgr", "admin"] {
        let r = w.ok(
            None,
            "R2",
            by,
            "route.define",
            route_payload(daily_areas()),
            T0,
        );
        assert_eq!(as_route(&r).versions[0].made.by, by);
    }
    // The id is taken.
    w.no(
        Some(&r),
        "R1",
        "sup",
        "route.define",
        route_payload(daily_areas()),
        T0,
        AlreadyExists,
    );
}

#[test]
fn only_planners_define_routes() {
    let w = World::default();
    for by in ["guard", "desk", "tech", "cash", "res1"] {
        let m = w.no(
            None,
            "R1",
            by,
            "route.define",
            route_payload(daily_areas()),
            T0,
            Forbidden,
        );
        assert_eq!(m, "only a supervisor plans routes", "{by}");
    }
    for role in Role::ALL {
        let planner = matches!(role, Role::Supervisor | Role::Manager | Role::Admin);
        assert_eq!(plans(role), planner, "{role:?}");
        assert_eq!(inspects(role), planner || role == Role::Patrol, "{role:?}");
    }
}

#[test]
fn route_areas_are_checked() {
    let w = World::default();
    let bad = |areas: Json, fragment: &str| {
        let m = w.no(
            None,
            "R1",
            "sup",
            "route.define",
            route_payload(areas.clone()),
            T0,
            BadPayload,
        );
        assert!(m.contains(fragment), "{areas}: {m}");
    };
    bad(json!([]), "1 to 80 areas");
    bad(many_areas(MAX_AREAS + 1), "1 to 80 areas");
    // Codes are compared upper-cased.
    bad(
        json!([
            area("lobby", "a", vec![check("c")]),
            area("LOBBY", "b", vec![check("c")])
        ]),
        "LOBBY is used twice",
    );
    bad(
        json!([
            area("b-1", "a", vec![check("c")]),
            area(" B-1 ", "b", vec![check("c")])
        ]),
        "B-1 is used twice",
    );
    for code in ["A B", "A.B", "A/B", "大堂", "A+", "#1"] {
        bad(
            json!([area(code, "a", vec![check("c")])]),
            "may hold only letters",
        );
    }
    bad(
        json!([area("  ", "a", vec![check("c")])]),
        "areas.code is required",
    );
    bad(
        json!([area(&"X".repeat(33), "a", vec![check("c")])]),
        "longer than 32",
    );
    bad(json!([area("A", "a", vec![])]), "A must list 1 to 40 items");
    bad(
        json!([area("A", "a", vec![check("c"); MAX_ITEMS + 1])]),
        "A must list 1 to 40 items",
    );
    bad(
        json!([area("A", "a", vec![number("n", "", Some(5.0), Some(1.0))])]),
        "min must not be above its max",
    );
    bad(
        json!([area("A", "a", vec![check(" ")])]),
        "items.label is required",
    );
    bad(
        json!([area("A", " ", vec![check("c")])]),
        "areas.name is required",
    );
    bad(
        json!([area("A", &"n".repeat(61), vec![check("c")])]),
        "areas.name is longer",
    );
    bad(
        json!([area(
            "A",
            "a",
            vec![number("n", &"u".repeat(13), None, None)]
        )]),
        "items.unit",
    );
    // A shape that is not an area at all.
    bad(json!([{"code": "A", "name": "a"}]), "route.define payload");
    bad(
        json!([area(
            "A",
            "a",
            vec![json!({"label": "c", "kind": {"type": "video"}})]
        )]),
        "route.define payload",
    );

    // The bounds themselves are fine.
    let r = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        route_payload(many_areas(MAX_AREAS)),
        T0,
    );
    assert_eq!(as_route(&r).current().areas.len(), MAX_AREAS);
    let edge = json!([
        area(
            &format!("b1-pump_{}", "9".repeat(24)),
            "a",
            vec![check("c"); MAX_ITEMS]
        ),
        area(
            "X",
            "b",
            vec![
                number("exact", "°C", Some(2.5), Some(2.5)),
                number("open", "", None, None)
            ]
        ),
    ]);
    let r = w.ok(None, "R2", "sup", "route.define", route_payload(edge), T0);
    let areas = &as_route(&r).current().areas;
    assert_eq!(areas[0].code, format!("B1-PUMP_{}", "9".repeat(24)));
    assert_eq!(areas[0].code.len(), 32);
    assert_eq!(areas[0].items.len(), MAX_ITEMS);
}

#[test]
fn area_codes_outside_ascii_are_refused_before_upper_casing() {
    // `ß`.to_uppercase() is "SS" and `ﬁ` is "FI": both pass the ASCII check afterwards.
    for code in ["ß", "STRAßE", "ﬁre"] {
        let e = check_areas(&[Area {
            code: code.into(),
            name: "a".into(),
            items: vec![Item {
                label: "c".into(),
                kind: ItemKind::Check,
                photo_on_fail: false,
            }],
        }])
        .expect_err(code);
        assert_eq!(e.code, BadPayload, "{code}");
    }
}

#[test]
fn route_schedules_are_checked() {
    let w = World::default();
    let define = |schedule: Json| {
        w.exec(
            None,
            "R1",
            "sup",
            "route.define",
            with(route_payload(daily_areas()), "schedule", schedule),
            T0,
        )
    };
    let bad = |schedule: Json, fragment: &str| {
        let e = define(schedule.clone()).expect_err("refused");
        assert_eq!(e.code, BadPayload, "{schedule}: {}", e.message);
        assert!(e.message.contains(fragment), "{schedule}: {}", e.message);
    };
    bad(
        json!({"every": "day", "utc_offset_min": 841}),
        "utc_offset_min",
    );
    bad(
        json!({"every": "week", "utc_offset_min": -721}),
        "utc_offset_min",
    );
    bad(
        json!({"every": "shift", "starts": [], "utc_offset_min": 480}),
        "schedule.starts",
    );
    bad(
        json!({"every": "shift", "starts": [480, 1440], "utc_offset_min": 480}),
        "schedule.starts",
    );
    bad(
        json!({
            "every": "shift",
            "starts": [0, 60, 120, 180, 240, 300, 360],
            "utc_offset_min": 480,
        }),
        "schedule.starts",
    );
    bad(json!({"every": "month", "utc_offset_min": 480}), "payload");
    bad(json!({"every": "day"}), "payload");

    let kept = |schedule: Json| {
        as_route(&define(schedule).expect("applies"))
            .schedule
            .clone()
    };
    assert_eq!(
        kept(json!({"every": "day", "utc_offset_min": -720})),
        Schedule::daily(-720)
    );
    assert_eq!(
        kept(json!({"every": "week", "utc_offset_min": 840})),
        Schedule {
            every: Every::Week,
            utc_offset_min: 840
        }
    );
    // Shift starts are kept sorted, once each; six distinct ones are the most.
    assert_eq!(
        kept(json!({"every": "shift", "starts": [1200, 480, 1200, 480], "utc_offset_min": 480})),
        Schedule {
            every: Every::Shift {
                starts: vec![480, 1200]
            },
            utc_offset_min: 480
        }
    );
    let six =
        json!({"every": "shift", "starts": [1439, 0, 300, 600, 900, 1200, 0], "utc_offset_min": 0});
    assert_eq!(
        kept(six).every,
        Every::Shift {
            starts: vec![0, 300, 600, 900, 1200, 1439]
        }
    );
    assert_eq!(MAX_SHIFTS, 6);
}

#[test]
fn routes_belong_to_an_estate_in_scope() {
    let w = World::default();
    let payload = route_payload(daily_areas());
    let m = w.no(
        None,
        "R1",
        "sup",
        "route.define",
        with(payload.clone(), "estate_id", json!("e2")),
        T0,
        Forbidden,
    );
    assert!(m.contains("not in your scope"), "{m}");
    // One with two estates names one.
    w.no(
        None,
        "R1",
        "sup19",
        "route.define",
        payload.clone(),
        T0,
        BadPayload,
    );
    let r = w.ok(
        None,
        "R1",
        "sup19",
        "route.define",
        with(payload.clone(), "estate_id", json!("e2")),
        T0,
    );
    assert_eq!(as_route(&r).estate_id, "e2");
    let r = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        with(payload, "estate_id", json!("e1")),
        T0,
    );
    assert_eq!(as_route(&r).estate_id, "e1");
}

#[test]
fn a_revision_adds_a_version_and_keeps_the_old_one() {
    let w = World::default();
    let r1 = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        route_payload(daily_areas()),
        T0,
    );
    let v1 = as_route(&r1).versions[0].clone();
    let new_areas = json!([area("roof", "Roof", vec![check("Drains clear")])]);
    let r2 = w.ok(
        Some(&r1),
        "R1",
        "mgr",
        "route.revise",
        json!({"areas": new_areas}),
        T0 + HOUR,
    );
    let route = as_route(&r2);
    assert_eq!(route.versions.len(), 2);
    assert_eq!(route.versions[0], v1, "the first version is kept as it was");
    let v2 = route.current();
    assert_eq!(v2.version, 2);
    assert_eq!((v2.made.at, v2.made.by.as_str()), (T0 + HOUR, "mgr"));
    assert_eq!(v2.areas.len(), 1);
    assert_eq!(v2.areas[0].code, "ROOF");
    assert_eq!(route.version(1), Some(&v1));
    // Without them, the name and schedule stay.
    assert_eq!(route.name, "Daily round");
    assert_eq!(route.schedule, Schedule::daily(480));

    // A third with a new name and schedule.
    let r3 = w.ok(
        Some(&r2),
        "R1",
        "sup",
        "route.revise",
        json!({
            "areas": daily_areas(),
            "name": " Night round ",
            "schedule": {"every": "shift", "starts": [1200, 480], "utc_offset_min": 480},
        }),
        T0 + 2 * HOUR,
    );
    let route = as_route(&r3);
    assert_eq!(route.current().version, 3);
    assert_eq!(route.versions[..2], as_route(&r2).versions[..]);
    assert_eq!(route.name, "Night round");
    assert_eq!(
        route.schedule.every,
        Every::Shift {
            starts: vec![480, 1200]
        }
    );

    // Who may, and what is refused.
    let revise = json!({"areas": daily_areas()});
    for by in ["guard", "desk", "tech"] {
        w.no(
            Some(&r1),
            "R1",
            by,
            "route.revise",
            revise.clone(),
            T0,
            Forbidden,
        );
    }
    w.no(
        Some(&r1),
        "R1",
        "sup9",
        "route.revise",
        revise.clone(),
        T0,
        NotFound,
    );
    w.no(None, "R1", "sup", "route.revise", revise, T0, NotFound);
    w.no(
        Some(&r1),
        "R1",
        "sup",
        "route.revise",
        json!({"areas": []}),
        T0,
        BadPayload,
    );
    w.no(
        Some(&r1),
        "R1",
        "sup",
        "route.revise",
        json!({"areas": daily_areas(), "schedule": {"every": "day", "utc_offset_min": 900}}),
        T0,
        BadPayload,
    );
    w.no(
        Some(&r1),
        "R1",
        "sup",
        "route.revise",
        json!({"areas": daily_areas(), "name": ""}),
        T0,
        BadPayload,
    );
}

#[test]
fn a_route_is_retired_once_with_a_reason() {
    let w = World::default();
    let r1 = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        route_payload(daily_areas()),
        T0,
    );
    let m = w.no(
        Some(&r1),
        "R1",
        "sup",
        "route.retire",
        json!({"reason": "   "}),
        T0,
        BadPayload,
    );
    assert!(m.contains("reason"), "{m}");
    w.no(
        Some(&r1),
        "R1",
        "sup",
        "route.retire",
        json!({}),
        T0,
        BadPayload,
    );
    w.no(
        Some(&r1),
        "R1",
        "guard",
        "route.retire",
        json!({"reason": "x"}),
        T0,
        Forbidden,
    );
    w.no(
        Some(&r1),
        "R1",
        "sup9",
        "route.retire",
        json!({"reason": "x"}),
        T0,
        NotFound,
    );

    let retired = w.ok(
        Some(&r1),
        "R1",
        "sup",
        "route.retire",
        json!({"reason": " Building sold "}),
        T0 + HOUR,
    );
    let route = as_route(&retired);
    assert!(!route.is_active());
    assert_eq!(route.retired.as_ref().map(|s| s.at), Some(T0 + HOUR));
    assert_eq!(route.retire_reason.as_deref(), Some("Building sold"));
    assert_eq!(
        route.versions,
        as_route(&r1).versions,
        "nothing else changes"
    );

    let m = w.no(
        Some(&retired),
        "R1",
        "sup",
        "route.retire",
        json!({"reason": "again"}),
        T0 + 2 * HOUR,
        InvalidTransition,
    );
    assert!(m.contains("already retired"), "{m}");
    let m = w.no(
        Some(&retired),
        "R1",
        "sup",
        "route.revise",
        json!({"areas": daily_areas()}),
        T0 + 2 * HOUR,
        InvalidTransition,
    );
    assert!(m.contains("retired"), "{m}");
}

// ---------------------------------------------------------------- runs: starting

#[test]
fn a_run_starts_from_a_route_version() {
    let w = world();
    let at = T0 + 10 * HOUR;
    let rec = start(&w, "guard", at);
    let run = as_run(&rec);
    let route = w.route("R1").expect("held");
    assert_eq!(run.id, "RUN1");
    assert_eq!(run.estate_id, "e1");
    assert_eq!(run.route_id, "R1");
    assert_eq!(run.route_name, "Daily round");
    assert_eq!(run.department, Department::Engineering);
    assert_eq!(run.version, 1);
    assert_eq!(run.slot, route.schedule.slot_at(at));
    assert!(run.slot.start <= at && at < run.slot.end);
    assert_eq!(run.status, RunStatus::InProgress);
    assert_eq!((run.started.at, run.started.by.as_str()), (at, "guard"));
    assert!(run.pauses.is_empty() && run.finished.is_none() && run.note.is_none());
    // The checklist as the version had it, nothing done yet.
    assert_eq!(run.areas.len(), 2);
    for (ra, a) in run.areas.iter().zip(&route.current().areas) {
        assert_eq!(
            (&ra.code, &ra.name, &ra.items),
            (&a.code, &a.name, &a.items)
        );
        assert!(ra.check_in.is_none() && ra.answers.is_empty());
        assert!(!ra.is_complete());
    }
    assert_eq!((run.complete_areas(), run.failures()), (0, 0));
    assert_eq!(
        run.area(" pump ").map(|a| a.name.as_str()),
        Some("Pump room")
    );
    assert!(run.area("ROOF").is_none());

    // Supervisors and managers walk routes too; the others may not.
    for by in ["sup", "mgr", "admin"] {
        start(&w, by, at);
    }
    for by in ["desk", "tech", "cash", "res1"] {
        let m = w.no(
            None,
            "RUN1",
            by,
            "run.start",
            json!({"route_id": "R1", "version": 1}),
            at,
            Forbidden,
        );
        assert_eq!(m, "only patrol staff and supervisors inspect");
    }
    // The id is taken.
    w.no(
        Some(&rec),
        "RUN1",
        "guard",
        "run.start",
        json!({"route_id": "R1", "version": 1}),
        at,
        AlreadyExists,
    );
}

#[test]
fn a_run_needs_its_route_in_sight() {
    let mut w = world();
    let try_start = |w: &World, by: &str, route: &str, version: u32, code: RejectCode| {
        w.no(
            None,
            "RUN1",
            by,
            "run.start",
            json!({"route_id": route, "version": version}),
            T0 + HOUR,
            code,
        )
    };
    assert_eq!(try_start(&w, "guard", "R404", 1, NotFound), "no such route");
    // Another estate's route looks the same as none.
    assert_eq!(try_start(&w, "guard", "R9", 1, NotFound), "no such route");
    let r9 = w.ok(
        None,
        "RUN9",
        "guard9",
        "run.start",
        json!({"route_id": "R9", "version": 1}),
        T0 + HOUR,
    );
    assert_eq!(as_run(&r9).estate_id, "e2");
    // A device that does not know the route.
    try_start(&World::default(), "guard", "R1", 1, NotFound);
    // Versions that do not exist.
    let m = try_start(&w, "guard", "R1", 2, NotFound);
    assert!(m.contains("no version 2"), "{m}");
    try_start(&w, "guard", "R1", 0, NotFound);

    // Retired: no run starts on it any more.
    let r1 = w.ok(
        None,
        "R1",
        "sup",
        "route.define",
        route_payload(daily_areas()),
        T0,
    );
    let retired = w.ok(
        Some(&r1),
        "R1",
        "sup",
        "route.retire",
        json!({"reason": "closed"}),
        T0 + MIN,
    );
    w.hold(&retired);
    let m = try_start(&w, "guard", "R1", 1, InvalidTransition);
    assert!(m.contains("retired"), "{m}");
}

#[test]
fn a_run_keeps_the_version_it_started_from() {
    let mut w = world();
    let before = start(&w, "guard", T0 + HOUR);
    let r1 = Record::Route(w.route("R1").expect("held"));
    let revised = w.ok(
        Some(&r1),
        "R1",
        "sup",
        "route.revise",
        json!({"areas": [area("roof", "Roof", vec![check("Drains clear"), check("Door locked")])]}),
        T0 + 2 * HOUR,
    );
    w.hold(&revised);

    // Started from version 1 after the revision: version 1's areas.
    let old = start(&w, "guard", T0 + 3 * HOUR);
    let old = as_run(&old);
    assert_eq!(old.version, 1);
    let codes: Vec<&str> = old.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["LOBBY", "PUMP"]);
    assert_eq!(old.areas, as_run(&before).areas);

    let new = w.ok(
        None,
        "RUN2",
        "guard",
        "run.start",
        json!({"route_id": "R1", "version": 2}),
        T0 + 3 * HOUR,
    );
    let new = as_run(&new);
    assert_eq!(new.version, 2);
    assert_eq!(new.areas.len(), 1);
    assert_eq!(new.areas[0].code, "ROOF");
    assert_eq!(new.areas[0].items.len(), 2);
}

// ---------------------------------------------------------------- runs: walking

#[test]
fn areas_are_checked_in_once_by_their_code() {
    let w = world();
    let run = start(&w, "guard", T0 + HOUR);
    let m = refused(
        &w,
        &run,
        "run.check_in",
        json!({"code": "ROOF", "how": "scan"}),
        BadPayload,
    );
    assert!(m.contains("ROOF"), "{m}");
    refused(
        &w,
        &run,
        "run.check_in",
        json!({"code": "LOBBY", "how": "nfc"}),
        BadPayload,
    );

    // The code is matched ignoring case and spaces.
    let at = T0 + HOUR + 5 * MIN;
    let run = step(
        &w,
        &run,
        "run.check_in",
        json!({"code": " lobby ", "how": "manual"}),
        at,
    );
    let lobby = as_run(&run).area("LOBBY").expect("lobby");
    let ci = lobby.check_in.as_ref().expect("checked in");
    assert_eq!(ci.how, CheckInMethod::Manual);
    assert_eq!((ci.stamp.at, ci.stamp.by.as_str()), (at, "guard"));
    assert!(as_run(&run).area("PUMP").expect("pump").check_in.is_none());

    for code in ["LOBBY", "Lobby"] {
        let m = refused(
            &w,
            &run,
            "run.check_in",
            json!({"code": code, "how": "scan"}),
            InvalidTransition,
        );
        assert!(m.contains("already checked in"), "{m}");
    }
    let run = step(
        &w,
        &run,
        "run.check_in",
        json!({"code": "pump", "how": "scan"}),
        at + MIN,
    );
    let pump = as_run(&run).area("PUMP").expect("pump");
    assert_eq!(
        pump.check_in.as_ref().map(|c| c.how),
        Some(CheckInMethod::Scan)
    );
}

#[test]
fn values_fit_their_items() {
    let item = |kind: ItemKind| Item {
        label: "i".into(),
        kind,
        photo_on_fail: false,
    };
    let check = item(ItemKind::Check);
    let pressure = item(ItemKind::Number {
        unit: "MPa".into(),
        min: Some(0.3),
        max: Some(0.6),
    });
    let level = item(ItemKind::Number {
        unit: "cm".into(),
        min: None,
        max: Some(60.0),
    });
    let remark = item(ItemKind::Text);
    let n = |value: f64| Value::Number { value };
    let t = Value::Text { text: "x".into() };

    assert_eq!(Value::Pass.fails(&check), Some(false));
    assert_eq!(Value::Fail.fails(&check), Some(true));
    assert_eq!(Value::NotApplicable.fails(&check), Some(false));
    assert_eq!(n(1.0).fails(&check), None);
    assert_eq!(t.fails(&check), None);

    for (v, fails) in [
        (0.3, false),
        (0.45, false),
        (0.6, false),
        (0.29, true),
        (0.61, true),
    ] {
        assert_eq!(n(v).fails(&pressure), Some(fails), "{v}");
    }
    assert_eq!(n(f64::NAN).fails(&pressure), Some(true));
    assert_eq!(n(f64::INFINITY).fails(&level), Some(true));
    assert_eq!(n(-1000.0).fails(&level), Some(false));
    assert_eq!(n(60.0).fails(&level), Some(false));
    assert_eq!(n(60.5).fails(&level), Some(true));
    assert_eq!(Value::NotApplicable.fails(&pressure), Some(false));
    assert_eq!(Value::Pass.fails(&pressure), None);
    assert_eq!(Value::Fail.fails(&pressure), None);
    assert_eq!(t.fails(&pressure), None);

    assert_eq!(t.fails(&remark), Some(false));
    assert_eq!(Value::NotApplicable.fails(&remark), Some(false));
    assert_eq!(Value::Pass.fails(&remark), None);
    assert_eq!(Value::Fail.fails(&remark), None);
    assert_eq!(n(1.0).fails(&remark), None);
}

#[test]
fn an_answer_needs_the_area_checked_in_and_a_fitting_value() {
    let w = world();
    let run = at_lobby(&w);
    let m = refused(
        &w,
        &run,
        "run.answer",
        answer("PUMP", 0, json!({"answer": "number", "value": 0.4})),
        InvalidTransition,
    );
    assert!(m.contains("check in at Pump room"), "{m}");
    refused(
        &w,
        &run,
        "run.answer",
        answer("ROOF", 0, json!({"answer": "pass"})),
        BadPayload,
    );
    // LOBBY has items 0 and 1.
    let m = refused(
        &w,
        &run,
        "run.answer",
        answer("LOBBY", 2, json!({"answer": "pass"})),
        BadPayload,
    );
    assert!(m.contains("item 2"), "{m}");
    for value in [
        json!({"answer": "number", "value": 1}),
        json!({"answer": "text", "text": "ok"}),
    ] {
        let m = refused(
            &w,
            &run,
            "run.answer",
            answer("LOBBY", 1, value),
            BadPayload,
        );
        assert!(m.contains("does not answer"), "{m}");
    }
    refused(
        &w,
        &run,
        "run.answer",
        answer("LOBBY", 1, json!({"answer": "maybe"})),
        BadPayload,
    );

    let run = step(
        &w,
        &run,
        "run.check_in",
        json!({"code": "PUMP", "how": "scan"}),
        T0 + 2 * HOUR,
    );
    for (item, value) in [
        (0, json!({"answer": "pass"})),
        (0, json!({"answer": "text", "text": "0.4"})),
        (1, json!({"answer": "fail"})),
        (1, json!({"answer": "number", "value": 3})),
        // A text answer says something.
        (1, json!({"answer": "text", "text": "   "})),
    ] {
        refused(
            &w,
            &run,
            "run.answer",
            answer("PUMP", item, value),
            BadPayload,
        );
    }
    // Photos are blob names.
    refused(
        &w,
        &run,
        "run.answer",
        with(
            answer("LOBBY", 1, json!({"answer": "pass"})),
            "photos",
            json!(["not-a-hash"]),
        ),
        BadPayload,
    );

    // What fits is kept, trimmed.
    let at = T0 + 3 * HOUR;
    let run = step(
        &w,
        &run,
        "run.answer",
        with(
            answer("pump", 1, json!({"answer": "text", "text": "  all quiet "})),
            "note",
            json!("  "),
        ),
        at,
    );
    let a = as_run(&run)
        .area("PUMP")
        .expect("pump")
        .answer(1)
        .expect("answered");
    assert_eq!(
        a.value,
        Value::Text {
            text: "all quiet".into()
        }
    );
    assert!(!a.failed && a.finding_id.is_none() && a.note.is_none());
    assert_eq!((a.item, a.stamp.at, a.stamp.by.as_str()), (1, at, "guard"));
}

#[test]
fn a_failed_answer_names_its_finding_and_may_need_a_photo() {
    let w = world();
    let run = at_lobby(&w);
    let fail = |item: usize| answer("LOBBY", item, json!({"answer": "fail"}));

    // Item 0 needs a photo when it fails.
    let m = refused(
        &w,
        &run,
        "run.answer",
        with(fail(0), "finding_id", json!("F1")),
        BadPayload,
    );
    assert!(m.contains("photo is required"), "{m}");
    // A failure names the finding it raises …
    let m = refused(
        &w,
        &run,
        "run.answer",
        with(fail(0), "photos", json!([PHOTO])),
        BadPayload,
    );
    assert!(m.contains("finding_id"), "{m}");
    refused(&w, &run, "run.answer", fail(1), BadPayload);
    // … and a pass names none.
    refused(
        &w,
        &run,
        "run.answer",
        with(
            answer("LOBBY", 1, json!({"answer": "pass"})),
            "finding_id",
            json!("F1"),
        ),
        BadPayload,
    );

    let run = step(
        &w,
        &run,
        "run.answer",
        with(
            with(fail(0), "photos", json!([PHOTO, PHOTO])),
            "finding_id",
            json!("F1"),
        ),
        T0 + 2 * HOUR,
    );
    let a = as_run(&run)
        .area("LOBBY")
        .expect("lobby")
        .answer(0)
        .expect("answered");
    assert!(a.failed);
    assert_eq!(a.finding_id.as_deref(), Some("F1"));
    // The same photo named twice is kept once, pending until its blob arrives.
    assert_eq!(a.photos.len(), 1);
    assert_eq!(
        (a.photos[0].sha256.as_str(), a.photos[0].pending),
        (PHOTO, true)
    );
    assert_eq!(as_run(&run).photo_names(), vec![PHOTO.to_string()]);
    // Item 1 fails without a photo.
    let run = step(
        &w,
        &run,
        "run.answer",
        with(fail(1), "finding_id", json!("F2")),
        T0 + 2 * HOUR + MIN,
    );
    assert_eq!(as_run(&run).failures(), 2);
    assert!(as_run(&run).areas[0].is_complete());
    assert_eq!(as_run(&run).complete_areas(), 1);
}

#[test]
fn a_reading_outside_its_bounds_fails() {
    let w = world();
    let run = at_lobby(&w);
    let run = step(
        &w,
        &run,
        "run.check_in",
        json!({"code": "PUMP", "how": "scan"}),
        T0 + 2 * HOUR,
    );
    let reading = |v: f64| answer("PUMP", 0, json!({"answer": "number", "value": v}));
    for v in [0.29, 0.61, -1.0, 100.0] {
        refused(&w, &run, "run.answer", reading(v), BadPayload);
        let next = step(
            &w,
            &run,
            "run.answer",
            with(reading(v), "finding_id", json!("F1")),
            T0 + 3 * HOUR,
        );
        let a = as_run(&next)
            .area("PUMP")
            .expect("pump")
            .answer(0)
            .expect("answered");
        assert!(a.failed, "{v}");
        assert_eq!(a.value, Value::Number { value: v });
    }
    for v in [0.3, 0.45, 0.6] {
        let next = step(&w, &run, "run.answer", reading(v), T0 + 3 * HOUR);
        let a = as_run(&next)
            .area("PUMP")
            .expect("pump")
            .answer(0)
            .expect("answered");
        assert!(!a.failed, "{v}");
    }
    let next = step(
        &w,
        &run,
        "run.answer",
        answer("PUMP", 0, json!({"answer": "not_applicable"})),
        T0 + 3 * HOUR,
    );
    assert_eq!(as_run(&next).failures(), 0);
}

#[test]
fn a_corrected_answer_is_added_and_the_last_one_counts() {
    let w = world();
    let run = at_lobby(&w);
    let first = step(
        &w,
        &run,
        "run.answer",
        with(
            answer("LOBBY", 1, json!({"answer": "fail"})),
            "finding_id",
            json!("F1"),
        ),
        T0 + 2 * HOUR,
    );
    assert_eq!(as_run(&first).failures(), 1);
    let second = step(
        &w,
        &first,
        "run.answer",
        with(
            answer("LOBBY", 1, json!({"answer": "pass"})),
            "note",
            json!("bulb replaced"),
        ),
        T0 + 3 * HOUR,
    );
    let lobby = as_run(&second).area("LOBBY").expect("lobby");
    assert_eq!(lobby.answers.len(), 2);
    assert_eq!(
        lobby.answers[0],
        as_run(&first).area("LOBBY").expect("lobby").answers[0],
        "the first answer is kept as given"
    );
    let counts = lobby.answer(1).expect("answered");
    assert_eq!(counts.value, Value::Pass);
    assert_eq!(counts.note.as_deref(), Some("bulb replaced"));
    assert_eq!(counts.stamp.at, T0 + 3 * HOUR);
    assert_eq!(lobby.answered(), 1, "two answers to one item");
    assert_eq!(lobby.failures(), 0);
    assert_eq!(as_run(&second).failures(), 0);
    assert!(lobby.answer(0).is_none());
}

#[test]
fn only_the_one_who_started_a_run_records_on_it() {
    let w = world();
    let run = at_lobby(&w);
    let steps = [
        ("run.check_in", json!({"code": "PUMP", "how": "scan"})),
        ("run.answer", answer("LOBBY", 1, json!({"answer": "pass"}))),
        ("run.pause", json!({})),
        ("run.finish", json!({"note": "x"})),
    ];
    for (op, payload) in &steps {
        for by in ["guard2", "sup"] {
            let m = w.no(
                Some(&run),
                "RUN1",
                by,
                op,
                payload.clone(),
                T0 + 2 * HOUR,
                Forbidden,
            );
            assert_eq!(m, "only the person who started a run records on it", "{op}");
        }
        for by in ["desk", "tech", "res1"] {
            w.no(
                Some(&run),
                "RUN1",
                by,
                op,
                payload.clone(),
                T0 + 2 * HOUR,
                Forbidden,
            );
        }
        // Another estate's patrol does not see it.
        w.no(
            Some(&run),
            "RUN1",
            "guard9",
            op,
            payload.clone(),
            T0 + 2 * HOUR,
            NotFound,
        );
        w.no(None, "RUN1", "guard", op, payload.clone(), T0, NotFound);
    }
    let paused = step(&w, &run, "run.pause", json!({}), T0 + 2 * HOUR);
    w.no(
        Some(&paused),
        "RUN1",
        "guard2",
        "run.resume",
        json!({}),
        T0 + 3 * HOUR,
        Forbidden,
    );
    w.no(
        Some(&paused),
        "RUN1",
        "guard9",
        "run.resume",
        json!({}),
        T0 + 3 * HOUR,
        NotFound,
    );
}

#[test]
fn a_paused_run_takes_nothing_but_resume() {
    let w = world();
    let run = at_lobby(&w);
    let m = refused(&w, &run, "run.resume", json!({}), InvalidTransition);
    assert!(m.contains("only a paused run"), "{m}");

    let paused = step(&w, &run, "run.pause", json!({}), T0 + 2 * HOUR);
    let r = as_run(&paused);
    assert_eq!(r.status, RunStatus::Paused);
    assert_eq!(r.pauses.len(), 1);
    assert_eq!(r.pauses[0].paused.at, T0 + 2 * HOUR);
    assert!(r.pauses[0].resumed.is_none());
    for (op, payload) in [
        ("run.check_in", json!({"code": "PUMP", "how": "scan"})),
        ("run.answer", answer("LOBBY", 1, json!({"answer": "pass"}))),
        ("run.pause", json!({})),
        ("run.finish", json!({"note": "x"})),
    ] {
        let m = refused(&w, &paused, op, payload, InvalidTransition);
        assert!(m.contains("paused"), "{op}: {m}");
    }

    let resumed = step(&w, &paused, "run.resume", json!({}), T0 + 3 * HOUR);
    let r = as_run(&resumed);
    assert_eq!(r.status, RunStatus::InProgress);
    assert_eq!(
        r.pauses[0].resumed.as_ref().map(|s| s.at),
        Some(T0 + 3 * HOUR)
    );
    refused(&w, &resumed, "run.resume", json!({}), InvalidTransition);
    // Work goes on, and a second pause is a second entry.
    let answered = step(
        &w,
        &resumed,
        "run.answer",
        answer("LOBBY", 1, json!({"answer": "pass"})),
        T0 + 4 * HOUR,
    );
    let again = step(&w, &answered, "run.pause", json!({}), T0 + 5 * HOUR);
    let r = as_run(&again);
    assert_eq!(r.pauses.len(), 2);
    assert_eq!(r.pauses[0], as_run(&resumed).pauses[0]);
    assert!(r.pauses[1].resumed.is_none());
}

#[test]
fn finishing_an_incomplete_run_needs_a_note() {
    let w = world();
    let run = at_lobby(&w);
    let m = refused(&w, &run, "run.finish", json!({}), BadPayload);
    assert!(m.contains("2 areas are not complete"), "{m}");
    refused(&w, &run, "run.finish", json!({"note": "   "}), BadPayload);
    // Checked in and every item answered at LOBBY: still PUMP to go.
    let run = step(
        &w,
        &run,
        "run.answer",
        answer("LOBBY", 0, json!({"answer": "pass"})),
        T0 + 2 * HOUR,
    );
    let run = step(
        &w,
        &run,
        "run.answer",
        answer("LOBBY", 1, json!({"answer": "not_applicable"})),
        T0 + 2 * HOUR + MIN,
    );
    assert_eq!(as_run(&run).complete_areas(), 1);
    let m = refused(&w, &run, "run.finish", json!({}), BadPayload);
    assert!(m.contains("1 areas"), "{m}");

    let done = step(
        &w,
        &run,
        "run.finish",
        json!({"note": " pump room locked "}),
        T0 + 3 * HOUR,
    );
    let r = as_run(&done);
    assert_eq!(r.status, RunStatus::Finished);
    assert_eq!(r.finished.as_ref().map(|s| s.at), Some(T0 + 3 * HOUR));
    assert_eq!(r.note.as_deref(), Some("pump room locked"));
}

#[test]
fn a_complete_run_finishes_without_a_note_and_then_takes_nothing() {
    let w = world();
    let mut run = at_lobby(&w);
    let mut at = T0 + 2 * HOUR;
    let mut next = |run: &Record, op: &str, payload: Json| {
        at += MIN;
        step(&w, run, op, payload, at)
    };
    run = next(&run, "run.check_in", json!({"code": "PUMP", "how": "scan"}));
    for (code, item, value) in [
        ("LOBBY", 0, json!({"answer": "pass"})),
        ("LOBBY", 1, json!({"answer": "pass"})),
        ("PUMP", 0, json!({"answer": "number", "value": 0.5})),
        ("PUMP", 1, json!({"answer": "text", "text": "quiet"})),
    ] {
        run = next(&run, "run.answer", answer(code, item, value));
    }
    assert_eq!(as_run(&run).complete_areas(), 2);
    let done = next(&run, "run.finish", json!({}));
    let r = as_run(&done);
    assert_eq!(r.status, RunStatus::Finished);
    assert!(r.note.is_none());
    assert!(r.finished.is_some());

    for (op, payload) in [
        ("run.check_in", json!({"code": "PUMP", "how": "scan"})),
        ("run.answer", answer("LOBBY", 1, json!({"answer": "pass"}))),
        ("run.pause", json!({})),
        ("run.resume", json!({})),
        ("run.finish", json!({"note": "again"})),
    ] {
        refused(&w, &done, op, payload, InvalidTransition);
    }
}

// ---------------------------------------------------------------- runs: a random walk

/// The codes a random walk names: the route's three areas in any case, and one that is
/// none of them.
const WALK_CODES: [&str; 5] = ["A", "b", " c ", "B", "ZZ"];

#[derive(Debug, Clone)]
enum WalkStep {
    CheckIn(usize),
    Answer {
        code: usize,
        item: usize,
        /// `None` answers what the item takes.
        value: Option<Value>,
        photo: bool,
        /// Whether to name a finding; `None` names one exactly when the answer fails.
        finding: Option<bool>,
    },
    Pause,
    Resume,
    Finish {
        note: bool,
    },
}

fn walk_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Pass),
        Just(Value::Fail),
        Just(Value::NotApplicable),
        (-4i32..16).prop_map(|v| Value::Number {
            value: f64::from(v) / 2.0
        }),
        prop_oneof![Just("done"), Just(" "), Just("")].prop_map(|t| Value::Text {
            text: t.to_string()
        }),
    ]
}

fn walk_step() -> impl Strategy<Value = WalkStep> {
    let finding = prop_oneof![3 => Just(None), 1 => any::<bool>().prop_map(Some)];
    prop_oneof![
        6 => (0..WALK_CODES.len()).prop_map(WalkStep::CheckIn),
        24 => (
            0..WALK_CODES.len(),
            0..3usize,
            prop::option::weighted(0.5, walk_value()),
            prop::bool::weighted(0.8),
            finding,
        )
            .prop_map(|(code, item, value, photo, finding)| WalkStep::Answer {
                code,
                item,
                value,
                photo,
                finding,
            }),
        1 => Just(WalkStep::Pause),
        3 => Just(WalkStep::Resume),
        1 => prop::bool::weighted(0.3).prop_map(|note| WalkStep::Finish { note }),
    ]
}

/// A world holding route RW: A (a check needing a photo on failure, a reading within
/// 0..5, a remark), B (a check), C (a reading up to 3, a check).
fn walk_world() -> World {
    let mut w = World::default();
    let areas = json!([
        area(
            "A",
            "Area A",
            vec![
                check_photo("clean"),
                number("pressure", "bar", Some(0.0), Some(5.0)),
                text_item("remarks")
            ]
        ),
        area("B", "Area B", vec![check("locked")]),
        area(
            "C",
            "Area C",
            vec![number("level", "m", None, Some(3.0)), check("dry")]
        ),
    ]);
    let r = w.ok(None, "RW", "sup", "route.define", route_payload(areas), T0);
    w.hold(&r);
    w
}

/// The area a code names, found the way a person would: trimmed, upper-cased.
fn walk_area<'r>(run: &'r Run, code: &str) -> Option<&'r RunArea> {
    let code = code.trim().to_ascii_uppercase();
    run.areas.iter().find(|a| a.code == code)
}

/// Whether an answer fails, worked out apart from the rules' own `Value::fails`.
fn walk_fails(kind: &ItemKind, value: &Value) -> Option<bool> {
    match (kind, value) {
        (_, Value::NotApplicable) => Some(false),
        (ItemKind::Check, Value::Pass) => Some(false),
        (ItemKind::Check, Value::Fail) => Some(true),
        (ItemKind::Number { min, max, .. }, Value::Number { value }) => {
            Some(min.is_some_and(|lo| *value < lo) || max.is_some_and(|hi| *value > hi))
        }
        (ItemKind::Text, Value::Text { .. }) => Some(false),
        _ => None,
    }
}

/// The op a step sends on the run as it is (the `i`th step).
fn walk_op(step: &WalkStep, i: usize, run: &Run) -> PatrolOp {
    match step {
        WalkStep::CheckIn(c) => PatrolOp::RunCheckIn(CheckInArea {
            code: WALK_CODES[*c].to_string(),
            how: CheckInMethod::Scan,
        }),
        WalkStep::Answer {
            code,
            item,
            value,
            photo,
            finding,
        } => {
            let item_kind = walk_area(run, WALK_CODES[*code])
                .and_then(|a| a.items.get(*item))
                .map(|it| &it.kind);
            // A value the item takes, failing now and then.
            let value = value.clone().unwrap_or_else(|| match item_kind {
                Some(ItemKind::Number { .. }) => Value::Number {
                    value: (i % 9) as f64 - 1.0,
                },
                Some(ItemKind::Text) => Value::Text {
                    text: "fine".into(),
                },
                _ if i.is_multiple_of(4) => Value::Fail,
                _ => Value::Pass,
            });
            let fails = item_kind
                .and_then(|k| walk_fails(k, &value))
                .unwrap_or(false);
            PatrolOp::RunAnswer(AnswerItem {
                code: WALK_CODES[*code].to_string(),
                item: *item,
                value,
                note: None,
                photos: if *photo {
                    vec![PHOTO.to_string()]
                } else {
                    Vec::new()
                },
                finding_id: finding.unwrap_or(fails).then(|| format!("F{i}")),
            })
        }
        WalkStep::Pause => PatrolOp::RunPause,
        WalkStep::Resume => PatrolOp::RunResume,
        WalkStep::Finish { note } => PatrolOp::RunFinish(FinishRun {
            note: note.then(|| "left early".to_string()),
        }),
    }
}

/// What the rules should answer to an op on the run as it is, worked out step by step.
fn walk_expected(run: &Run, op: &PatrolOp) -> Result<(), RejectCode> {
    let walking = match run.status {
        RunStatus::InProgress => Ok(()),
        RunStatus::Paused | RunStatus::Finished => Err(InvalidTransition),
    };
    match op {
        PatrolOp::RunResume if run.status == RunStatus::Paused => Ok(()),
        PatrolOp::RunResume => Err(InvalidTransition),
        PatrolOp::RunPause => walking,
        PatrolOp::RunCheckIn(p) => {
            walking?;
            let area = walk_area(run, &p.code).ok_or(BadPayload)?;
            match area.check_in {
                Some(_) => Err(InvalidTransition),
                None => Ok(()),
            }
        }
        PatrolOp::RunAnswer(p) => {
            walking?;
            let area = walk_area(run, &p.code).ok_or(BadPayload)?;
            if area.check_in.is_none() {
                return Err(InvalidTransition);
            }
            let item = area.items.get(p.item).ok_or(BadPayload)?;
            let failed = walk_fails(&item.kind, &p.value).ok_or(BadPayload)?;
            let blank = matches!(&p.value, Value::Text { text } if text.trim().is_empty());
            let no_photo = failed && item.photo_on_fail && p.photos.is_empty();
            if blank || no_photo || failed != p.finding_id.is_some() {
                return Err(BadPayload);
            }
            Ok(())
        }
        PatrolOp::RunFinish(p) => {
            walking?;
            let complete = run.areas.iter().all(|a| {
                a.check_in.is_some()
                    && (0..a.items.len()).all(|i| a.answers.iter().any(|x| x.item == i))
            });
            if complete || p.note.is_some() {
                Ok(())
            } else {
                Err(BadPayload)
            }
        }
        other => panic!("not a step of a walk: {other:?}"),
    }
}

fn answers_count(run: &Run) -> usize {
    run.areas.iter().map(|a| a.answers.len()).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any sequence of steps on a started run: each is accepted exactly when the rules
    /// say it may be; answers follow check-ins and only ever grow; a finished run takes
    /// nothing; `Paused` is exactly an open last pause; a refusal changes nothing.
    #[test]
    fn a_run_only_moves_forward(steps in prop::collection::vec(walk_step(), 1..100)) {
        let w = walk_world();
        let guard = who("guard");
        let mut state = w.ok(
            None,
            "WALK",
            "guard",
            "run.start",
            json!({"route_id": "RW", "version": 1}),
            T0,
        );
        let checklist: Vec<(String, Vec<Item>)> = as_run(&state)
            .areas
            .iter()
            .map(|a| (a.code.clone(), a.items.clone()))
            .collect();
        prop_assert_eq!(checklist.len(), 3);
        for (i, s) in steps.iter().enumerate() {
            let at = T0 + (i as i64 + 1) * MIN;
            let before = as_run(&state).clone();
            let op = walk_op(s, i, &before);
            let want = walk_expected(&before, &op);
            let mutation_id = format!("walk-{i}");
            let cx = Context {
                mutation_id: &mutation_id,
                entity_id: "WALK",
                actor: &guard,
                facts: &w,
                at,
            };
            match apply(Some(&state), &op, &cx) {
                Ok(next) => {
                    prop_assert!(
                        want.is_ok(),
                        "{:?} applied on a {:?} run; expected {:?}",
                        op,
                        before.status,
                        want
                    );
                    prop_assert!(before.status != RunStatus::Finished);
                    let after = as_run(&next);
                    prop_assert_eq!(after.areas.len(), before.areas.len());
                    for (a, b) in before.areas.iter().zip(&after.areas) {
                        prop_assert!(b.answers.starts_with(&a.answers), "earlier answers kept");
                        prop_assert!(a.check_in.is_none() || a.check_in == b.check_in);
                    }
                    let grown = answers_count(after) - answers_count(&before);
                    prop_assert_eq!(grown, usize::from(matches!(op, PatrolOp::RunAnswer(_))));
                    match &op {
                        PatrolOp::RunCheckIn(p) => {
                            let area = walk_area(after, &p.code).expect("an area");
                            prop_assert_eq!(area.check_in.as_ref().map(|c| c.stamp.at), Some(at));
                        }
                        PatrolOp::RunAnswer(p) => {
                            let area = walk_area(after, &p.code).expect("an area");
                            let last = area.answers.last().expect("an answer");
                            prop_assert_eq!(last.item, p.item);
                            let kind = &area.items[p.item].kind;
                            prop_assert_eq!(Some(last.failed), walk_fails(kind, &p.value));
                            prop_assert_eq!(area.answer(p.item), Some(last));
                        }
                        PatrolOp::RunPause => prop_assert_eq!(after.status, RunStatus::Paused),
                        PatrolOp::RunResume => prop_assert_eq!(after.status, RunStatus::InProgress),
                        PatrolOp::RunFinish(_) => {
                            prop_assert_eq!(after.status, RunStatus::Finished)
                        }
                        other => prop_assert!(false, "not a step of a walk: {:?}", other),
                    }
                    state = next;
                }
                Err(e) => {
                    prop_assert_eq!(Err(e.code), want, "{:?}: {}", op, e.message);
                    // Nothing to undo: the caller keeps the state it had.
                    prop_assert_eq!(as_run(&state), &before);
                }
            }

            let run = as_run(&state);
            for (area, (code, items)) in run.areas.iter().zip(&checklist) {
                prop_assert_eq!(&area.code, code);
                prop_assert_eq!(&area.items, items, "the checklist never changes");
                for a in &area.answers {
                    let ci = area.check_in.as_ref();
                    prop_assert!(
                        ci.is_some_and(|c| c.stamp.at < a.stamp.at),
                        "answered before checking in at {}",
                        area.code
                    );
                    prop_assert!(a.item < area.items.len());
                    prop_assert_eq!(a.failed, a.finding_id.is_some());
                }
            }
            let open_pause = run.pauses.last().is_some_and(|p| p.resumed.is_none());
            prop_assert_eq!(run.status == RunStatus::Paused, open_pause);
            prop_assert!(run.pauses.iter().rev().skip(1).all(|p| p.resumed.is_some()));
            prop_assert_eq!(run.status == RunStatus::Finished, run.finished.is_some());
            prop_assert!(run.complete_areas() <= run.areas.len());
            prop_assert!(run.failures() <= run.areas.iter().map(|a| a.items.len()).sum::<usize>());
        }
    }
}

// ---------------------------------------------------------------- findings

/// Finding `id` for `dept`, raised by the guard at `at` and due three days later.
fn raised(w: &World, id: &str, dept: &str, at: i64) -> Record {
    w.ok(
        None,
        id,
        "guard",
        "finding.raise",
        with(raise_payload(at + 3 * DAY), "department", json!(dept)),
        at,
    )
}

#[test]
fn an_inspector_raises_a_finding_due_later() {
    let w = World::default();
    let rec = raised(&w, "F1", "engineering", T0);
    let f = as_finding(&rec);
    assert_eq!(f.id, "F1");
    assert_eq!(f.estate_id, "e1");
    assert_eq!(f.status, FindingStatus::Open);
    assert!(f.is_open());
    assert_eq!(f.department, Department::Engineering);
    assert_eq!(f.due_at, T0 + 3 * DAY);
    assert_eq!((f.raised.at, f.raised.by.as_str()), (T0, "guard"));
    assert_eq!(
        (
            f.area_code.as_str(),
            f.item_label.as_str(),
            f.found.as_str()
        ),
        ("LOBBY", "Floors clean", "fail")
    );
    assert_eq!(f.note.as_deref(), Some("water on the floor"));
    assert_eq!(f.photo_names(), vec![PHOTO.to_string()]);
    assert!(f.photos[0].pending);
    assert!(f.rectifications.is_empty() && f.follow_ups.is_empty());
    w.ok(
        None,
        "F2",
        "sup",
        "finding.raise",
        raise_payload(T0 + DAY),
        T0,
    );

    for by in ["desk", "tech", "cash", "res1"] {
        let m = w.no(
            None,
            "F1",
            by,
            "finding.raise",
            raise_payload(T0 + DAY),
            T0,
            Forbidden,
        );
        assert_eq!(m, "only patrol staff and supervisors inspect");
    }
    w.no(
        Some(&rec),
        "F1",
        "guard",
        "finding.raise",
        raise_payload(T0 + DAY),
        T0,
        AlreadyExists,
    );
    // Due later than now, and a real time.
    for due in [T0, T0 - 1, T0 - DAY] {
        let m = w.no(
            None,
            "F1",
            "guard",
            "finding.raise",
            raise_payload(due),
            T0,
            BadPayload,
        );
        assert!(m.contains("later than now"), "{m}");
    }
    for due in [4_102_444_800_000, i64::MAX, 1_000] {
        let m = w.no(
            None,
            "F1",
            "guard",
            "finding.raise",
            raise_payload(due),
            T0,
            BadPayload,
        );
        assert!(m.contains("due_at is not a time"), "{m}");
    }
    // In the guard's estate only.
    w.no(
        None,
        "F1",
        "guard",
        "finding.raise",
        with(raise_payload(T0 + DAY), "estate_id", json!("e2")),
        T0,
        Forbidden,
    );
    w.no(
        None,
        "F1",
        "guard",
        "finding.raise",
        with(raise_payload(T0 + DAY), "found", json!(" ")),
        T0,
        BadPayload,
    );
}

#[test]
fn the_responsible_department_or_a_supervisor_rectifies() {
    let w = World::default();
    let f = raised(&w, "F1", "engineering", T0);
    let fix = json!({"note": " valve replaced ", "photos": [PHOTO2]});
    for by in ["cleaner", "guard", "desk", "cash"] {
        let m = w.no(
            Some(&f),
            "F1",
            by,
            "finding.rectify",
            fix.clone(),
            T0 + HOUR,
            Forbidden,
        );
        assert!(m.contains("responsible department"), "{by}: {m}");
    }
    // Residents do not see nonconformities at all, nor staff of another estate.
    for by in ["res1", "tech9"] {
        w.no(
            Some(&f),
            "F1",
            by,
            "finding.rectify",
            fix.clone(),
            T0 + HOUR,
            NotFound,
        );
    }
    w.no(
        Some(&f),
        "F1",
        "tech",
        "finding.rectify",
        json!({"note": ""}),
        T0 + HOUR,
        BadPayload,
    );
    w.no(
        None,
        "F1",
        "tech",
        "finding.rectify",
        fix.clone(),
        T0 + HOUR,
        NotFound,
    );

    let done = w.ok(
        Some(&f),
        "F1",
        "tech",
        "finding.rectify",
        fix.clone(),
        T0 + HOUR,
    );
    let d = as_finding(&done);
    assert_eq!(d.status, FindingStatus::Rectified);
    assert!(d.is_open());
    assert_eq!(d.rectifications.len(), 1);
    assert_eq!(d.rectifications[0].note, "valve replaced");
    assert_eq!(d.rectifications[0].stamp.by, "tech");
    assert_eq!(d.photo_names(), vec![PHOTO.to_string(), PHOTO2.to_string()]);
    // Only from open.
    let m = w.no(
        Some(&done),
        "F1",
        "sup",
        "finding.rectify",
        fix.clone(),
        T0 + 2 * HOUR,
        InvalidTransition,
    );
    assert!(m.contains("this one is rectified"), "{m}");
    // A supervisor answers for any department.
    let by_sup = w.ok(
        Some(&f),
        "F1",
        "sup",
        "finding.rectify",
        fix.clone(),
        T0 + HOUR,
    );
    assert_eq!(as_finding(&by_sup).status, FindingStatus::Rectified);
    // Cleaning answers its own.
    let c = raised(&w, "F2", "cleaning", T0);
    w.ok(
        Some(&c),
        "F2",
        "cleaner",
        "finding.rectify",
        fix.clone(),
        T0 + HOUR,
    );
    w.no(
        Some(&c),
        "F2",
        "tech",
        "finding.rectify",
        fix,
        T0 + HOUR,
        Forbidden,
    );
}

#[test]
fn a_follow_up_closes_or_reopens_with_a_new_date() {
    let w = World::default();
    let f = raised(&w, "F1", "engineering", T0);
    let fixed = w.ok(
        Some(&f),
        "F1",
        "tech",
        "finding.rectify",
        json!({"note": "done"}),
        T0 + HOUR,
    );
    let now = T0 + 3 * DAY;

    // Failed: open again, due at the new date.
    let new_due = now + 2 * DAY;
    let reopened = w.ok(
        Some(&fixed),
        "F1",
        "guard",
        "finding.follow_up",
        json!({
            "passed": false,
            "next_due_at": new_due,
            "note": "still leaking",
            "photos": [PHOTO2],
        }),
        now,
    );
    let r = as_finding(&reopened);
    assert_eq!(r.status, FindingStatus::Open);
    assert_eq!(r.due_at, new_due);
    assert_eq!(r.follow_ups.len(), 1);
    let fu = &r.follow_ups[0];
    assert!(!fu.passed);
    assert_eq!(fu.next_due_at, Some(new_due));
    assert_eq!(fu.note.as_deref(), Some("still leaking"));
    assert_eq!(fu.stamp.at, now);
    assert_eq!(r.rectifications, as_finding(&fixed).rectifications);
    // Open again, so the department answers again.
    let fixed2 = w.ok(
        Some(&reopened),
        "F1",
        "tech",
        "finding.rectify",
        json!({"note": "gasket replaced"}),
        now + HOUR,
    );
    assert_eq!(as_finding(&fixed2).rectifications.len(), 2);

    // Passed: closed, and the due date stays.
    let closed = w.ok(
        Some(&fixed2),
        "F1",
        "sup",
        "finding.follow_up",
        json!({"passed": true}),
        now + DAY,
    );
    let c = as_finding(&closed);
    assert_eq!(c.status, FindingStatus::Closed);
    assert!(!c.is_open());
    assert_eq!(c.due_at, new_due);
    assert_eq!(c.follow_ups.len(), 2);
    assert_eq!(c.follow_ups[1].next_due_at, None);
    for payload in [
        json!({"passed": true}),
        json!({"passed": false, "next_due_at": now + 9 * DAY}),
    ] {
        let m = w.no(
            Some(&closed),
            "F1",
            "guard",
            "finding.follow_up",
            payload,
            now + 2 * DAY,
            InvalidTransition,
        );
        assert!(m.contains("closed"), "{m}");
    }
    w.no(
        Some(&closed),
        "F1",
        "sup",
        "finding.rectify",
        json!({"note": "x"}),
        now + 2 * DAY,
        InvalidTransition,
    );

    // A follow-up may come before any rectification: open → closed.
    let direct = w.ok(
        Some(&f),
        "F1",
        "guard",
        "finding.follow_up",
        json!({"passed": true}),
        now,
    );
    assert_eq!(as_finding(&direct).status, FindingStatus::Closed);

    // What a follow-up's payload must hold.
    let bad = |payload: Json, fragment: &str| {
        let m = w.no(
            Some(&fixed),
            "F1",
            "guard",
            "finding.follow_up",
            payload,
            now,
            BadPayload,
        );
        assert!(m.contains(fragment), "{m}");
    };
    bad(
        json!({"passed": false}),
        "required when the follow-up fails",
    );
    bad(
        json!({"passed": false, "next_due_at": now}),
        "later than now",
    );
    bad(
        json!({"passed": false, "next_due_at": now - HOUR}),
        "later than now",
    );
    bad(
        json!({"passed": false, "next_due_at": 5_000_000_000_000i64}),
        "not a time",
    );
    bad(
        json!({"passed": true, "next_due_at": now + DAY}),
        "only for a failed follow-up",
    );
    for by in ["tech", "desk", "cash"] {
        w.no(
            Some(&fixed),
            "F1",
            by,
            "finding.follow_up",
            json!({"passed": true}),
            now,
            Forbidden,
        );
    }
    w.no(
        Some(&fixed),
        "F1",
        "guard9",
        "finding.follow_up",
        json!({"passed": true}),
        now,
        NotFound,
    );
}

// ---------------------------------------------------------------- schedule

/// ms since the epoch of an RFC 3339 time.
fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .timestamp_millis()
}

fn slot(start: &str, end: &str) -> Slot {
    Slot {
        start: ms(start),
        end: ms(end),
    }
}

fn shifts(starts: &[u16], utc_offset_min: i32) -> Schedule {
    Schedule {
        every: Every::Shift {
            starts: starts.to_vec(),
        },
        utc_offset_min,
    }
}

fn weekly(utc_offset_min: i32) -> Schedule {
    Schedule {
        every: Every::Week,
        utc_offset_min,
    }
}

#[test]
fn daily_slots_run_from_local_midnight() {
    assert_eq!(ms("2026-01-01T00:00:00Z"), T0);
    let china = Schedule::daily(480);
    let day = slot("2026-11-24T16:00:00Z", "2026-11-25T16:00:00Z");
    assert_eq!(china.slot_at(ms("2026-11-25T15:59:59Z")), day);
    assert_eq!(china.slot_at(ms("2026-11-25T15:59:59.999Z")), day);
    assert_eq!(china.slot_at(ms("2026-11-24T16:00:00Z")), day);
    assert_eq!(
        china.slot_at(ms("2026-11-25T16:00:00Z")),
        slot("2026-11-25T16:00:00Z", "2026-11-26T16:00:00Z")
    );
    assert_eq!(
        Schedule::daily(0).slot_at(ms("2026-11-25T23:59:59Z")),
        slot("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z")
    );
    // West of UTC: 04:59 UTC is still the day before in New York winter time.
    assert_eq!(
        Schedule::daily(-300).slot_at(ms("2026-11-25T04:59:59Z")),
        slot("2026-11-24T05:00:00Z", "2026-11-25T05:00:00Z")
    );
}

#[test]
fn weekly_slots_start_on_monday_local_midnight() {
    let china = weekly(480);
    // Wednesday 25 November 2026: the week from Monday the 23rd, Beijing time.
    let week = slot("2026-11-22T16:00:00Z", "2026-11-29T16:00:00Z");
    assert_eq!(china.slot_at(ms("2026-11-25T03:00:00Z")), week);
    // Sunday 16:00 UTC is already Monday in Beijing.
    assert_eq!(china.slot_at(ms("2026-11-22T16:00:00Z")), week);
    assert_eq!(
        china.slot_at(ms("2026-11-22T15:59:59Z")),
        slot("2026-11-15T16:00:00Z", "2026-11-22T16:00:00Z")
    );
    assert_eq!(china.slot_at(ms("2026-11-29T15:59:59Z")), week);
    assert_eq!(china.slot_at(ms("2026-11-29T16:00:00Z")).start, week.end);

    // Over a year and a half, every slot starts on a Monday at 00:00 local time.
    for off in [480, 0, -300, 840, -720] {
        let tz = FixedOffset::east_opt(off * 60).expect("an offset");
        let s = weekly(off);
        for k in 0..600 {
            let t = T0 + k * (DAY + 7 * HOUR + 13 * MIN);
            let slot = s.slot_at(t);
            assert!(slot.start <= t && t < slot.end, "{off} {t}");
            assert_eq!(slot.end - slot.start, 7 * DAY);
            let local = DateTime::from_timestamp_millis(slot.start)
                .expect("a time")
                .with_timezone(&tz);
            assert_eq!(local.weekday(), Weekday::Mon, "{off} {local}");
            assert_eq!((local.hour(), local.minute(), local.second()), (0, 0, 0));
        }
    }
}

#[test]
fn shift_slots_run_from_one_start_to_the_next() {
    let s = shifts(&[480, 1200], 480);
    // 07:30 on the 26th, Beijing time: still the night shift from 20:00 on the 25th.
    let night = slot("2026-11-25T12:00:00Z", "2026-11-26T00:00:00Z");
    assert_eq!(s.slot_at(ms("2026-11-25T23:30:00Z")), night);
    assert_eq!(s.slot_at(ms("2026-11-25T12:00:00Z")), night);
    assert_eq!(
        s.slot_at(ms("2026-11-25T16:30:00Z")),
        night,
        "past midnight"
    );
    let day = slot("2026-11-26T00:00:00Z", "2026-11-26T12:00:00Z");
    assert_eq!(s.slot_at(ms("2026-11-26T00:00:00Z")), day);
    assert_eq!(s.slot_at(ms("2026-11-26T11:59:59Z")), day);
    assert_eq!(
        s.slot_at(ms("2026-11-26T12:00:00Z")),
        slot("2026-11-26T12:00:00Z", "2026-11-27T00:00:00Z")
    );
    // One shift a day is a day from that time.
    assert_eq!(
        shifts(&[360], 0).slot_at(ms("2026-11-26T05:00:00Z")),
        slot("2026-11-25T06:00:00Z", "2026-11-26T06:00:00Z")
    );
    // Three shifts, west of UTC.
    let three = shifts(&[0, 480, 960], -300);
    assert_eq!(
        three.slot_at(ms("2026-11-26T04:59:00Z")),
        slot("2026-11-25T21:00:00Z", "2026-11-26T05:00:00Z")
    );
    assert_eq!(
        three.slot_at(ms("2026-11-26T05:00:00Z")),
        slot("2026-11-26T05:00:00Z", "2026-11-26T13:00:00Z")
    );
}

#[test]
fn slots_between_are_contiguous() {
    let from = ms("2026-11-25T03:17:00Z");
    let to = from + 9 * DAY;
    for (s, count) in [
        (Schedule::daily(480), 10),
        (weekly(480), 2),
        (shifts(&[480, 1200], 480), 19),
        (shifts(&[0, 360, 720, 1080], -300), 37),
    ] {
        let slots = s.slots_between(from, to);
        assert_eq!(slots.len(), count, "{s:?}");
        assert_eq!(slots[0], s.slot_at(from));
        assert!(slots[0].start <= from);
        for pair in slots.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{s:?}");
        }
        for x in &slots {
            assert!(x.start < x.end);
            assert_eq!(s.slot_at(x.start), *x);
            assert_eq!(s.slot_at(x.end - 1), *x);
        }
        let last = slots.last().expect("slots");
        assert!(last.start < to && to <= last.end, "{s:?}");
    }
    assert_eq!(
        Schedule::daily(480).slots_between(from, from - DAY).len(),
        0
    );
}

#[test]
fn kept_schedules_are_sorted_and_bounded() {
    let kept = shifts(&[1200, 480, 1200, 480], 480).checked().expect("ok");
    assert_eq!(kept, shifts(&[480, 1200], 480));
    assert_eq!(
        kept.checked(),
        Ok(kept.clone()),
        "checking twice changes nothing"
    );
    assert_eq!(Schedule::daily(840).checked(), Ok(Schedule::daily(840)));
    for bad in [
        Schedule::daily(841),
        weekly(-721),
        shifts(&[], 480),
        shifts(&[1440], 480),
        shifts(&[0, 1, 2, 3, 4, 5, 6], 480),
    ] {
        assert_eq!(
            bad.checked().map_err(|e| e.code),
            Err(BadPayload),
            "{bad:?}"
        );
    }
    assert!(shifts(&[0, 1, 2, 3, 4, 5, 5], 480).checked().is_ok());
}

#[test]
fn clock_times_read_back() {
    assert_eq!(clock(0), "00:00");
    assert_eq!(clock(485), "08:05");
    assert_eq!(clock(1439), "23:59");
    for m in 0..1440u16 {
        assert_eq!(parse_clock(&clock(m)), Some(m), "{m}");
    }
    assert_eq!(parse_clock(" 7:05 "), Some(425));
    for s in [
        "24:00", "12:60", "1200", "", "ab:cd", "-1:00", "12:", ":30", "1:2:3",
    ] {
        assert_eq!(parse_clock(s), None, "{s}");
    }
}

// ---------------------------------------------------------------- coverage

/// A run of R1 (daily, Beijing time) started at `start` and finished at `finished`.
fn walked(w: &World, id: &str, start: i64, finished: Option<i64>) -> Run {
    let rec = w.ok(
        None,
        id,
        "guard",
        "run.start",
        json!({"route_id": "R1", "version": 1}),
        start,
    );
    match finished {
        Some(at) => as_run(&w.ok(
            Some(&rec),
            id,
            "guard",
            "run.finish",
            json!({"note": "x"}),
            at,
        ))
        .clone(),
        None => as_run(&rec).clone(),
    }
}

#[test]
fn a_slot_is_done_late_under_way_due_or_missed() {
    let w = world();
    let t = ms("2026-11-25T03:00:00Z");
    let s = Schedule::daily(480).slot_at(t);
    let after = s.end + DAY;
    let none: [&Run; 0] = [];
    assert_eq!(coverage::slot_state(s, none, s.end - 1), SlotState::Due);
    assert_eq!(coverage::slot_state(s, none, s.end), SlotState::Missed);

    let done = walked(&w, "RA", t, Some(s.end - MIN));
    assert_eq!(done.slot, s);
    assert_eq!(coverage::slot_state(s, [&done], after), SlotState::Done);
    assert_eq!(coverage::slot_state(s, [&done], s.end - 1), SlotState::Done);

    let late = walked(&w, "RB", t, Some(s.end + HOUR));
    assert_eq!(coverage::slot_state(s, [&late], after), SlotState::Late);

    let going = walked(&w, "RC", t, None);
    assert_eq!(
        coverage::slot_state(s, [&going], s.end - 1),
        SlotState::InProgress
    );
    assert_eq!(coverage::slot_state(s, [&going], s.end), SlotState::Late);
    let paused = {
        let rec = w.ok(
            None,
            "RD",
            "guard",
            "run.start",
            json!({"route_id": "R1", "version": 1}),
            t,
        );
        as_run(&w.ok(Some(&rec), "RD", "guard", "run.pause", json!({}), t + MIN)).clone()
    };
    assert_eq!(
        coverage::slot_state(s, [&paused], t + HOUR),
        SlotState::InProgress
    );
    assert_eq!(coverage::slot_state(s, [&paused], after), SlotState::Late);

    // One run done on time is enough, whatever the others did.
    assert_eq!(
        coverage::slot_state(s, [&late, &done], after),
        SlotState::Done
    );
    assert_eq!(
        coverage::slot_state(s, [&done, &late], after),
        SlotState::Done
    );
    assert_eq!(
        coverage::slot_state(s, [&going, &late, &done], after),
        SlotState::Done
    );
    assert_eq!(
        coverage::slot_state(s, [&going, &late], s.end - 1),
        SlotState::InProgress
    );

    // A run of another slot says nothing about this one.
    let other = walked(&w, "RE", s.end + HOUR, Some(s.end + 2 * HOUR));
    assert_ne!(other.slot, s);
    assert_eq!(coverage::slot_state(s, [&other], after), SlotState::Missed);
    assert_eq!(coverage::slot_state(s, [&other], s.start), SlotState::Due);
}

#[test]
fn a_run_finished_as_the_slot_ends_is_late() {
    let w = world();
    let t = ms("2026-11-25T03:00:00Z");
    let s = Schedule::daily(480).slot_at(t);
    let run = walked(&w, "RA", t, Some(s.end));
    assert_eq!(
        coverage::slot_state(s, [&run], s.end + DAY),
        SlotState::Late
    );
}

#[test]
fn route_coverage_leaves_out_slots_not_begun() {
    let w = world();
    let route = w.route("R1").expect("held");
    let first = route.schedule.slot_at(ms("2026-11-25T03:00:00Z"));
    let from = first.start;
    let to = from + 7 * DAY;
    let done = walked(&w, "RA", first.start + HOUR, Some(first.start + 2 * HOUR));
    // The third day's run is under way; nothing was walked on the second day but a run
    // of another route.
    let going = walked(&w, "RB", first.start + 2 * DAY + HOUR, None);
    let mut elsewhere = walked(
        &w,
        "RC",
        first.start + DAY + HOUR,
        Some(first.start + DAY + 2 * HOUR),
    );
    elsewhere.route_id = "R2".into();
    let now = first.start + 2 * DAY + 3 * HOUR;

    let got = coverage::route_coverage(&route, &[&done, &going, &elsewhere], from, to, now);
    let states: Vec<SlotState> = got.iter().map(|(_, s)| *s).collect();
    assert_eq!(
        states,
        [SlotState::Done, SlotState::Missed, SlotState::InProgress]
    );
    let starts: Vec<i64> = got.iter().map(|(s, _)| s.start).collect();
    assert_eq!(starts, [from, from + DAY, from + 2 * DAY]);
    assert!(got.iter().all(|(s, _)| s.start <= now));
    let tally = coverage::tally(states);
    assert_eq!(
        tally,
        BTreeMap::from([("done", 1), ("in_progress", 1), ("missed", 1)])
    );
    // A slot that begins exactly now is shown, as due.
    let at_start = coverage::route_coverage(&route, &[], from, to, from + DAY);
    assert_eq!(
        at_start.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [SlotState::Missed, SlotState::Due]
    );
}

#[test]
fn route_coverage_leaves_out_slots_over_before_the_route_was_made() {
    let w = world();
    let mut route = w.route("R1").expect("held");
    let first = route.schedule.slot_at(ms("2026-11-25T03:00:00Z"));
    // Made in the middle of the third day: the first two days were never due.
    route.versions[0].made.at = first.start + 2 * DAY + HOUR;
    let now = first.start + 3 * DAY + HOUR;
    let got = coverage::route_coverage(&route, &[], first.start, first.start + 7 * DAY, now);
    let starts: Vec<i64> = got.iter().map(|(s, _)| s.start).collect();
    assert_eq!(starts, [first.start + 2 * DAY, first.start + 3 * DAY]);
    assert_eq!(
        got.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [SlotState::Missed, SlotState::Due]
    );
}

#[test]
fn open_findings_by_department_oldest_first() {
    let w = World::default();
    let f1 = raised(&w, "F1", "engineering", T0 + 3 * HOUR);
    let f2 = raised(&w, "F2", "engineering", T0 + HOUR);
    let f3 = raised(&w, "F3", "cleaning", T0 + 2 * HOUR);
    let f4 = {
        let f = raised(&w, "F4", "engineering", T0);
        w.ok(
            Some(&f),
            "F4",
            "guard",
            "finding.follow_up",
            json!({"passed": true}),
            T0 + HOUR,
        )
    };
    let f5 = {
        let f = raised(&w, "F5", "engineering", T0 + 2 * HOUR);
        w.ok(
            Some(&f),
            "F5",
            "tech",
            "finding.rectify",
            json!({"note": "done"}),
            T0 + 4 * HOUR,
        )
    };
    let all: Vec<&Finding> = [&f1, &f2, &f3, &f4, &f5]
        .into_iter()
        .map(as_finding)
        .collect();
    let by = coverage::open_by_department(all.iter().copied());
    let ids = |d: Department| by[&d].iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        by.keys().copied().collect::<Vec<_>>(),
        [Department::Engineering, Department::Cleaning]
    );
    assert_eq!(ids(Department::Engineering), ["F2", "F5", "F1"]);
    assert_eq!(ids(Department::Cleaning), ["F3"]);
    assert!(by.values().flatten().all(|f| f.is_open()));

    let f = as_finding(&f2);
    assert_eq!(coverage::age_days(f, f.raised.at), 0);
    assert_eq!(coverage::age_days(f, f.raised.at + 3 * DAY - 1), 2);
    assert_eq!(coverage::age_days(f, f.raised.at + 3 * DAY), 3);
    assert_eq!(
        coverage::age_days(f, f.raised.at - DAY),
        0,
        "never negative"
    );
}

// ---------------------------------------------------------------- sheet

fn it(label: &str, kind: ItemKind, photo_on_fail: bool) -> Item {
    Item {
        label: label.into(),
        kind,
        photo_on_fail,
    }
}

#[test]
fn a_sheet_reads_every_mark_and_prints_back() {
    let text = "
[B1-PUMP] Basement pump room
- Pumps running quietly {photo}
- Pressure {number MPa 0.3..0.6}
- Remarks {text}

  - Sump level {number ..60}
- Meter reading {number kWh}
- Outside air {number °C -5.5..} {photo}
- Tank level {number 10..}
[roof]   Roof and gutters
- Drains clear
";
    let areas = sheet::parse(text).expect("reads");
    let number = |unit: &str, min: Option<f64>, max: Option<f64>| ItemKind::Number {
        unit: unit.into(),
        min,
        max,
    };
    let expected = vec![
        Area {
            code: "B1-PUMP".into(),
            name: "Basement pump room".into(),
            items: vec![
                it("Pumps running quietly", ItemKind::Check, true),
                it("Pressure", number("MPa", Some(0.3), Some(0.6)), false),
                it("Remarks", ItemKind::Text, false),
                it("Sump level", number("", None, Some(60.0)), false),
                it("Meter reading", number("kWh", None, None), false),
                it("Outside air", number("°C", Some(-5.5), None), true),
                it("Tank level", number("", Some(10.0), None), false),
            ],
        },
        Area {
            code: "roof".into(),
            name: "Roof and gutters".into(),
            items: vec![it("Drains clear", ItemKind::Check, false)],
        },
    ];
    assert_eq!(areas, expected);
    let printed = sheet::print(&areas);
    assert!(
        printed.contains("- Pressure {number MPa 0.3..0.6}\n"),
        "{printed}"
    );
    assert!(
        printed.contains("- Sump level {number ..60}\n"),
        "{printed}"
    );
    assert!(
        printed.contains("- Outside air {number °C -5.5..} {photo}\n"),
        "{printed}"
    );
    assert!(
        printed.contains("\n\n[roof] Roof and gutters\n"),
        "{printed}"
    );
    assert_eq!(sheet::parse(&printed), Ok(areas.clone()));
    assert_eq!(
        sheet::print(&sheet::parse(&printed).expect("reads")),
        printed
    );
    // The marks may come in either order.
    assert_eq!(
        sheet::parse("[A] a\n- x {photo} {number bar 1..2}").expect("reads")[0].items[0],
        it("x", number("bar", Some(1.0), Some(2.0)), true)
    );
    assert_eq!(sheet::parse("  \n\n"), Ok(Vec::new()));
    assert_eq!(sheet::print(&[]), "");
}

#[test]
fn the_shipped_sheets_print_and_read_back() {
    for lang in ["zh-CN", "en"] {
        for t in templates(lang) {
            let printed = sheet::print(&t.areas);
            assert_eq!(
                sheet::parse(&printed),
                Ok(t.areas.clone()),
                "{lang} {}",
                t.key
            );
        }
    }
}

#[test]
fn sheet_errors_name_their_line() {
    let line = |text: &str| sheet::parse(text).expect_err(text);
    let e = line("- Lighting");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("before any [CODE]"), "{e}");
    let e = line("\n\n  \n- Lighting\n[A] a");
    assert_eq!(e.line, 4);
    let e = line("[A] a\n- ok\n- Lighting {video}\n- fine");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("unknown mark {video}"), "{e}");
    assert_eq!(e.to_string(), "line 3: unknown mark {video}");
    let e = line("[A] a\n- ok\n\n[B b\n- x");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("closing ]"), "{e}");
    let e = line("[A] a\nLighting");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("start a line with"), "{e}");
    let e = line("[A] a\n- x\n- Level {number 1..high}");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("high is not a number"), "{e}");
    let e = line("[A] a\n- {photo}");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("needs a label"), "{e}");
    let e = line("[A] a\n- Lighting photo}");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("without its {"), "{e}");
}

#[test]
fn a_unit_is_one_word_so_the_sheet_reads_it_back() {
    let meters = |unit: &str| {
        check_areas(&[Area {
            code: "M".into(),
            name: "Meters".into(),
            items: vec![it(
                "Energy",
                ItemKind::Number {
                    unit: unit.into(),
                    min: None,
                    max: Some(500.0),
                },
                false,
            )],
        }])
    };
    for bad in ["kW h", "a..b", "{x}"] {
        let e = meters(bad).expect_err(bad);
        assert_eq!(e.code, BadPayload, "{bad}");
        assert!(e.message.contains("items.unit"), "{e}");
    }
    let areas = meters("kWh").expect("a one-word unit is kept");
    assert_eq!(sheet::parse(&sheet::print(&areas)), Ok(areas));
}

// ---------------------------------------------------------------- shipped routes

#[test]
fn the_shipped_routes_come_in_both_languages_and_are_valid() {
    let zh = templates("zh-CN");
    let en = templates("en");
    assert_eq!((zh.len(), en.len()), (5, 5));
    let keys: Vec<&str> = zh.iter().map(|t| t.key).collect();
    assert_eq!(
        keys,
        ["daily", "security", "engineering", "cleaning", "greening"]
    );
    let area_counts: Vec<usize> = zh.iter().map(|t| t.areas.len()).collect();
    assert_eq!(area_counts, [5, 3, 3, 3, 2]);
    for (z, e) in zh.iter().zip(&en) {
        assert_eq!(z.key, e.key);
        assert_eq!(z.department, e.department, "{}", z.key);
        assert_eq!(z.schedule, e.schedule, "{}", z.key);
        assert_ne!(z.name, e.name);
        assert!(!z.name.is_ascii(), "{}", z.name);
        assert!(e.name.is_ascii(), "{}", e.name);
        for t in [z, e] {
            assert!(!t.areas.is_empty(), "{}", t.key);
            assert_eq!(check_areas(&t.areas).as_ref(), Ok(&t.areas), "{}", t.key);
            assert_eq!(t.schedule.checked().as_ref(), Ok(&t.schedule), "{}", t.key);
            assert_eq!(t.schedule.utc_offset_min, 480);
        }
        assert_eq!(z.areas.len(), e.areas.len(), "{}", z.key);
        for (za, ea) in z.areas.iter().zip(&e.areas) {
            assert_eq!(za.code, ea.code, "{}", z.key);
            assert_ne!(za.name, ea.name, "{}", za.code);
            assert_eq!(za.items.len(), ea.items.len(), "{} {}", z.key, za.code);
            for (zi, ei) in za.items.iter().zip(&ea.items) {
                assert_eq!(zi.kind, ei.kind, "{} {}", za.code, ei.label);
                assert_eq!(
                    zi.photo_on_fail, ei.photo_on_fail,
                    "{} {}",
                    za.code, ei.label
                );
            }
        }
    }
    let every: Vec<&Every> = en.iter().map(|t| &t.schedule.every).collect();
    assert_eq!(
        every,
        [
            &Every::Day,
            &Every::Shift {
                starts: vec![480, 1200]
            },
            &Every::Week,
            &Every::Day,
            &Every::Week
        ]
    );
    assert_eq!(templates("zh"), zh);
    assert_eq!(templates("fr"), en, "any other language gets English");

    // Each one defines a route as it is.
    let w = World::default();
    for t in zh.iter().chain(&en) {
        let r = w.ok(
            None,
            t.key,
            "sup",
            "route.define",
            json!({
                "name": t.name,
                "department": t.department,
                "schedule": t.schedule,
                "areas": t.areas,
            }),
            T0,
        );
        let route = as_route(&r);
        assert_eq!(route.current().areas, t.areas);
        assert_eq!(route.schedule, t.schedule);
    }
}

// ---------------------------------------------------------------- labels

fn label_area(i: usize) -> Area {
    Area {
        code: format!("A-{i:02}"),
        name: format!("Area {i}"),
        items: vec![it("x", ItemKind::Check, false)],
    }
}

#[test]
fn labels_fill_a4_sheets_of_fifteen() {
    assert_eq!(labels::PER_SHEET, 15);
    for n in [0usize, 1, 14, 15, 16, 30, 31, 80] {
        let areas: Vec<Area> = (0..n).map(label_area).collect();
        let sheets = labels::sheets("Daily round", &areas);
        assert_eq!(sheets.len(), n.div_ceil(15), "{n}");
        for (k, svg) in sheets.iter().enumerate() {
            assert!(
                svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
                "{n}"
            );
            assert!(svg.ends_with("</svg>"));
            assert_eq!(svg.matches("<svg").count(), 1);
            assert!(svg.contains(r#"width="210mm" height="297mm""#));
            let chunk = &areas[k * 15..((k + 1) * 15).min(n)];
            assert_eq!(svg.matches("data-code=\"").count(), chunk.len(), "{n} {k}");
            for a in chunk {
                let code = format!("data-code=\"{}\"", a.code);
                assert_eq!(svg.matches(&code).count(), 1, "{}", a.code);
                // The code is printed beneath for manual entry, and the name above it.
                assert!(svg.contains(&format!(">{}</text>", a.code)));
                assert!(svg.contains(&format!(">{}</text>", a.name)));
            }
            // One QR symbol per label.
            assert_eq!(
                svg.matches("<path fill=\"#000\" d=\"M").count(),
                chunk.len()
            );
        }
    }
}

#[test]
fn labels_escape_names() {
    let areas = [Area {
        code: "LOBBY".into(),
        name: "A&B <x>".into(),
        items: vec![it("x", ItemKind::Check, false)],
    }];
    let sheets = labels::sheets("\"East\" & 'West'", &areas);
    assert_eq!(sheets.len(), 1);
    let svg = &sheets[0];
    assert!(svg.contains(">A&amp;B &lt;x&gt;</text>"), "{svg}");
    assert!(!svg.contains("A&B"));
    assert!(!svg.contains("<x>"));
    assert!(svg.contains(">&quot;East&quot; &amp; &#39;West&#39;</text>"));
    assert_eq!(svg.matches("data-code=\"LOBBY\"").count(), 1);
}

// ---------------------------------------------------------------- ops and records

/// A well-formed payload for every patrol op.
fn sample(op: &str) -> Json {
    match op {
        "route.define" => route_payload(daily_areas()),
        "route.revise" => json!({"areas": daily_areas()}),
        "route.retire" => json!({"reason": "closed"}),
        "run.start" => json!({"route_id": "R1", "version": 1}),
        "run.check_in" => json!({"code": "LOBBY", "how": "scan"}),
        "run.answer" => json!({
            "code": "LOBBY",
            "item": 0,
            "value": {"answer": "fail"},
            "photos": [PHOTO],
            "finding_id": "F1",
        }),
        "run.finish" => json!({"note": "x"}),
        "finding.raise" => raise_payload(T0 + DAY),
        "finding.rectify" => json!({"note": "fixed", "photos": [PHOTO2]}),
        "finding.follow_up" => {
            json!({"passed": false, "next_due_at": T0 + 2 * DAY, "photos": [PHOTO]})
        }
        _ => json!({}),
    }
}

#[test]
fn every_patrol_op_reads_and_refuses_unknown_fields() {
    assert_eq!(PatrolOp::NAMES.len(), 12);
    for name in PatrolOp::NAMES {
        let op = Op::parse(name, &sample(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Op::Patrol(patrol) = &op else {
            panic!("{name} is not a patrol op");
        };
        let kind = name.split('.').next().expect("a kind");
        assert_eq!(op.entity().as_str(), kind, "{name}");
        assert_eq!(patrol.entity(), op.entity());
        assert_eq!(
            PatrolOp::parse(name, &sample(name)),
            Some(Ok(patrol.clone()))
        );
        assert_eq!(
            op.route_id(),
            (name == "run.start").then_some("R1"),
            "{name}"
        );
        let photos = match name {
            "run.answer" | "finding.raise" | "finding.follow_up" => vec![PHOTO.to_string()],
            "finding.rectify" => vec![PHOTO2.to_string()],
            _ => Vec::new(),
        };
        assert_eq!(op.photo_names(), photos, "{name}");

        let extra = with(sample(name), "surprise", json!(1));
        let e = Op::parse(name, &extra).expect_err(name);
        assert_eq!(e.code, BadPayload, "{name}: {}", e.message);
        assert!(e.message.contains(name), "{}", e.message);
        assert_eq!(
            Op::parse(name, &json!("x")).expect_err(name).code,
            BadPayload
        );
    }
    assert_eq!(PatrolOp::parse("case.create", &json!({})), None);
    assert_eq!(PatrolOp::parse("run.teleport", &json!({})), None);
    assert_eq!(
        Op::parse("run.teleport", &json!({}))
            .expect_err("unknown")
            .code,
        RejectCode::UnknownOp
    );
    // Unknown fields deep inside are refused too.
    let nested = [
        (
            "route.define",
            route_payload(json!([{"code": "A", "name": "a", "items": [check("c")], "floor": 1}])),
        ),
        (
            "route.define",
            route_payload(json!([area(
                "A",
                "a",
                vec![with(check("c"), "weight", json!(2))]
            )])),
        ),
        (
            "route.revise",
            json!({"areas": [area(
                "A",
                "a",
                vec![json!({"label": "n", "kind": {"type": "number", "min": 1, "step": 2}})]
            )]}),
        ),
        (
            "run.answer",
            answer(
                "PUMP",
                0,
                json!({"answer": "number", "value": 1, "unit": "MPa"}),
            ),
        ),
        (
            "run.answer",
            answer(
                "PUMP",
                1,
                json!({"answer": "text", "text": "x", "lang": "en"}),
            ),
        ),
    ];
    for (name, payload) in nested {
        let e = Op::parse(name, &payload).expect_err(name);
        assert_eq!(e.code, BadPayload, "{payload}");
    }
    // The kinds' words.
    assert_eq!(
        Op::parse("run.check_in", &json!({"code": "A", "how": "manual"})).expect("reads"),
        Op::Patrol(PatrolOp::RunCheckIn(CheckInArea {
            code: "A".into(),
            how: CheckInMethod::Manual
        }))
    );
    assert_eq!(RunStatus::Paused.as_str(), "paused");
    assert_eq!(
        FindingStatus::Rectified.label_key(),
        "finding.status.rectified"
    );
    assert_eq!("scan".parse::<CheckInMethod>(), Ok(CheckInMethod::Scan));
}

#[test]
fn unknown_fields_in_schedules_kinds_and_values_are_refused() {
    let nested = [
        // `starts` on a daily schedule: a shift schedule meant, a daily one kept.
        (
            "route.define",
            with(
                route_payload(daily_areas()),
                "schedule",
                json!({"every": "day", "starts": [480, 1200], "utc_offset_min": 480}),
            ),
        ),
        // `photo_on_fail` put inside the kind: silently not asked for.
        (
            "route.define",
            route_payload(json!([area(
                "A",
                "a",
                vec![json!({"label": "c", "kind": {"type": "check", "photo_on_fail": true}})]
            )])),
        ),
        (
            "route.revise",
            json!({"areas": [area(
                "A",
                "a",
                vec![json!({"label": "t", "kind": {"type": "text", "max": 3}})]
            )]}),
        ),
        // A remark sent with a not-applicable answer: lost.
        (
            "run.answer",
            answer(
                "PUMP",
                1,
                json!({"answer": "not_applicable", "text": "locked"}),
            ),
        ),
        (
            "run.answer",
            json!({"code": "LOBBY", "item": 1, "value": {"answer": "pass", "value": 3}}),
        ),
    ];
    let taken: Vec<String> = nested
        .iter()
        .filter(|(name, payload)| Op::parse(name, payload).map_err(|e| e.code) != Err(BadPayload))
        .map(|(name, payload)| format!("{name} {payload}"))
        .collect();
    assert!(taken.is_empty(), "taken: {taken:#?}");
}

#[test]
fn an_id_belongs_to_one_kind() {
    let w = world();
    let route = Record::Route(w.route("R1").expect("held"));
    let run = at_lobby(&w);
    let finding = raised(&w, "F1", "engineering", T0);
    for (rec, name) in [
        (&route, "run.check_in"),
        (&route, "finding.rectify"),
        (&run, "route.revise"),
        (&run, "finding.follow_up"),
        (&finding, "run.pause"),
        (&finding, "route.retire"),
    ] {
        let m = w.no(
            Some(rec),
            rec.id(),
            "sup",
            name,
            sample(name),
            T0 + HOUR,
            AlreadyExists,
        );
        assert!(
            m.contains(&format!("belongs to a {}", rec.entity().as_str())),
            "{m}"
        );
    }
}

#[test]
fn patrol_records_travel_as_json() {
    let w = world();
    // A route with a shift schedule and two versions.
    let r1 = w.ok(
        None,
        "R5",
        "sup",
        "route.define",
        with(
            route_payload(daily_areas()),
            "schedule",
            json!({"every": "shift", "starts": [1200, 480], "utc_offset_min": 480}),
        ),
        T0,
    );
    let route = w.ok(
        Some(&r1),
        "R5",
        "sup",
        "route.revise",
        json!({"areas": daily_areas()}),
        T0 + HOUR,
    );
    // A run with a check-in, answers of every kind, a pause and a finish.
    let mut run = at_lobby(&w);
    let mut at = T0 + 2 * HOUR;
    for (op, payload) in [
        ("run.check_in", json!({"code": "PUMP", "how": "manual"})),
        (
            "run.answer",
            with(
                with(
                    answer("LOBBY", 0, json!({"answer": "fail"})),
                    "photos",
                    json!([PHOTO]),
                ),
                "finding_id",
                json!("F1"),
            ),
        ),
        (
            "run.answer",
            answer("LOBBY", 1, json!({"answer": "not_applicable"})),
        ),
        (
            "run.answer",
            answer("PUMP", 0, json!({"answer": "number", "value": 0.45})),
        ),
        (
            "run.answer",
            answer("PUMP", 1, json!({"answer": "text", "text": "ok"})),
        ),
        ("run.pause", json!({})),
        ("run.resume", json!({})),
        ("run.finish", json!({})),
    ] {
        at += MIN;
        run = step(&w, &run, op, payload, at);
    }
    // A finding rectified and followed up.
    let f = raised(&w, "F1", "engineering", T0);
    let f = w.ok(
        Some(&f),
        "F1",
        "tech",
        "finding.rectify",
        json!({"note": "done", "photos": [PHOTO2]}),
        T0 + HOUR,
    );
    let finding = w.ok(
        Some(&f),
        "F1",
        "guard",
        "finding.follow_up",
        json!({"passed": false, "next_due_at": T0 + 5 * DAY}),
        T0 + DAY,
    );

    for rec in [&route, &run, &finding] {
        let kind = rec.entity().as_str();
        let whole = serde_json::to_value(rec).expect("serializes");
        assert_eq!(whole["entity"], json!(kind));
        assert_eq!(whole["doc"]["id"], json!(rec.id()));
        let back: Record = serde_json::from_value(whole.clone()).expect("reads");
        assert_eq!(&back, rec);
        assert_eq!(
            Record::from_feed(kind, whole["doc"].clone()).as_ref(),
            Some(rec)
        );
        assert_eq!(Record::from_feed("patrol", whole["doc"].clone()), None);
        assert_eq!(rec.estate_id(), "e1");
    }
    // A document read as the wrong kind is not one.
    let run_doc: Json = serde_json::from_str(&run.doc_json().expect("json")).expect("json");
    assert_eq!(Record::from_feed("route", run_doc.clone()), None);
    assert_eq!(Record::from_feed("finding", run_doc.clone()), None);

    // The shapes on the wire.
    let route_doc: Json = serde_json::from_str(&route.doc_json().expect("json")).expect("json");
    assert_eq!(
        route_doc["schedule"],
        json!({"every": "shift", "starts": [480, 1200], "utc_offset_min": 480})
    );
    assert_eq!(route_doc["versions"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        route_doc["versions"][0]["areas"][1]["items"][0]["kind"],
        json!({"type": "number", "unit": "MPa", "min": 0.3, "max": 0.6})
    );
    assert_eq!(run_doc["status"], json!("finished"));
    assert_eq!(run_doc["areas"][1]["check_in"]["how"], json!("manual"));
    assert_eq!(
        run_doc["areas"][1]["answers"][0]["value"],
        json!({"answer": "number", "value": 0.45})
    );
    assert_eq!(
        run_doc["areas"][0]["answers"][1]["value"],
        json!({"answer": "not_applicable"})
    );
    let finding_doc: Json = serde_json::from_str(&finding.doc_json().expect("json")).expect("json");
    assert_eq!(finding_doc["status"], json!("open"));
    assert_eq!(finding_doc["due_at"], json!(T0 + 5 * DAY));
    assert_eq!(
        finding.photo_names(),
        vec![PHOTO.to_string(), PHOTO2.to_string()]
    );
    assert_eq!(run.photo_names(), vec![PHOTO.to_string()]);

    // Which blobs have arrived.
    let mut marked = run.clone();
    marked.mark_pending(|h| h == PHOTO);
    assert!(!as_run(&marked).areas[0].answers[0].photos[0].pending);
    let mut marked = finding.clone();
    marked.mark_pending(|h| h == PHOTO2);
    let mf = as_finding(&marked);
    assert!(mf.photos[0].pending);
    assert!(!mf.rectifications[0].photos[0].pending);
}
