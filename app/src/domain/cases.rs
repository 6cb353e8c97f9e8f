//! Service cases (报修·投诉·咨询…): the record that travels through the sync engine, and
//! the pure rules of the ops that change it. The same functions run on the server (the
//! truth) and in the browser (the view with pending mutations applied on top), so both
//! always agree on what a mutation does and on why one is refused.

use super::ops::{Actor, Facts, RejectCode, Rejection};
use super::Role;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Longest title and description, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
pub const MAX_COMMENT_CHARS: usize = 2_000;
pub const MAX_LOCATION_CHARS: usize = 200;
/// The most photos one case or comment may name.
pub const MAX_PHOTOS: usize = 12;

/// What the person came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Repair,
    Complaint,
    Inquiry,
    Suggestion,
    Help,
    Praise,
}

impl CaseKind {
    pub const ALL: [CaseKind; 6] = [
        CaseKind::Repair,
        CaseKind::Complaint,
        CaseKind::Inquiry,
        CaseKind::Suggestion,
        CaseKind::Help,
        CaseKind::Praise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Repair => "repair",
            CaseKind::Complaint => "complaint",
            CaseKind::Inquiry => "inquiry",
            CaseKind::Suggestion => "suggestion",
            CaseKind::Help => "help",
            CaseKind::Praise => "praise",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CaseKind::Repair => "case.kind.repair",
            CaseKind::Complaint => "case.kind.complaint",
            CaseKind::Inquiry => "case.kind.inquiry",
            CaseKind::Suggestion => "case.kind.suggestion",
            CaseKind::Help => "case.kind.help",
            CaseKind::Praise => "case.kind.praise",
        }
    }
}

impl FromStr for CaseKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        CaseKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// Where a case stands. The full workflow (dispatch, work, acceptance, return visit)
/// grows this enum; a case made by `case.create` starts `Open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CaseStatus::Open => "case.status.open",
            CaseStatus::Closed => "case.status.closed",
        }
    }
}

/// A photo a case or comment names by content hash. `pending` is true until the bytes
/// have reached the server; the server sets it when it publishes the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub sha256: String,
    #[serde(default)]
    pub pending: bool,
}

/// What happened on a case, in order. Events are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    /// The id of the mutation that made it: one event per mutation, never two.
    pub id: String,
    /// Server time of the change (device time for a view not yet synced), ms.
    pub at: i64,
    pub by: String,
    pub by_name: String,
    #[serde(flatten)]
    pub what: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Comment {
        text: String,
        #[serde(default)]
        photos: Vec<Photo>,
    },
}

/// The whole current state of a case, as the pull feed and every screen see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub estate_id: String,
    pub kind: CaseKind,
    pub title: String,
    pub description: String,
    pub status: CaseStatus,
    pub unit_id: Option<String>,
    /// The unit as people call it (`A-1203`), fixed when the case was opened.
    #[serde(default)]
    pub unit_label: Option<String>,
    pub location: Option<String>,
    pub photos: Vec<Photo>,
    pub created_at: i64,
    pub created_by: String,
    pub created_by_name: String,
    pub created_by_role: Role,
    pub updated_at: i64,
    pub events: Vec<CaseEvent>,
}

/// `case.create`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    pub kind: CaseKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    /// Which estate, for staff of several; otherwise taken from the unit or the user.
    #[serde(default)]
    pub estate_id: Option<String>,
}

/// `case.comment`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentCase {
    pub text: String,
    #[serde(default)]
    pub photos: Vec<String>,
}

/// Who may open a case: everyone at the desk and in the field, and residents; cashiers
/// hand callers to the desk.
pub fn may_create(role: Role) -> bool {
    role != Role::Cashier
}

/// Whether the actor may see (and so comment on) this case: staff of its estate, and
/// residents of its unit or who filed it.
pub fn may_see(actor: &Actor, case: &Case) -> bool {
    if actor.role.is_staff() {
        actor.estate_ids.contains(&case.estate_id)
    } else {
        case.created_by == actor.id
            || case
                .unit_id
                .as_ref()
                .is_some_and(|u| actor.unit_ids.contains(u))
    }
}

fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, Rejection> {
    let t = value.trim();
    if required && t.is_empty() {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            format!("{field} is required"),
        ));
    }
    if t.chars().count() > max {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// Checks photo names: lowercase SHA-256 hex, no repeats, not too many.
pub fn photos(names: &[String]) -> Result<Vec<Photo>, Rejection> {
    if names.len() > MAX_PHOTOS {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            format!("at most {MAX_PHOTOS} photos"),
        ));
    }
    let mut out: Vec<Photo> = Vec::with_capacity(names.len());
    for n in names {
        if !super::blobs::is_sha256_hex(n) {
            return Err(Rejection::new(
                RejectCode::BadPayload,
                format!("photo `{n}` is not a SHA-256 hex name"),
            ));
        }
        if !out.iter().any(|p| p.sha256 == *n) {
            out.push(Photo {
                sha256: n.clone(),
                pending: true,
            });
        }
    }
    Ok(out)
}

/// `case.create`: a new case, open, with a `created` event.
pub fn create(
    existing: Option<&Case>,
    id: &str,
    p: &CreateCase,
    actor: &Actor,
    facts: &dyn Facts,
    at: i64,
    mutation_id: &str,
) -> Result<Case, Rejection> {
    if !may_create(actor.role) {
        return Err(Rejection::forbidden("your role may not open cases"));
    }
    if existing.is_some() {
        return Err(Rejection::new(
            RejectCode::AlreadyExists,
            "a case with this id already exists",
        ));
    }
    let title = text("title", &p.title, MAX_TITLE_CHARS, true)?;
    let description = text("description", &p.description, MAX_DESCRIPTION_CHARS, false)?;
    let location = match &p.location {
        Some(l) => Some(text("location", l, MAX_LOCATION_CHARS, false)?).filter(|l| !l.is_empty()),
        None => None,
    };
    let photos = photos(&p.photos)?;
    // The estate comes from the unit when there is one; it must agree with any estate
    // named, and be in the actor's scope.
    let mut unit_label = None;
    let estate_id = match &p.unit_id {
        Some(unit) => {
            let Some(fact) = facts.unit(unit) else {
                return Err(Rejection::new(
                    RejectCode::NotFound,
                    format!("unit {unit} does not exist"),
                ));
            };
            let unit_estate = fact.estate_id;
            if p.estate_id.as_ref().is_some_and(|e| *e != unit_estate) {
                return Err(Rejection::new(
                    RejectCode::BadPayload,
                    "the unit is not in the estate named",
                ));
            }
            if !actor.role.is_staff() && !actor.unit_ids.contains(unit) {
                return Err(Rejection::forbidden(
                    "residents open cases for their own unit",
                ));
            }
            unit_label = Some(fact.label);
            unit_estate
        }
        None => match (&p.estate_id, actor.estate_ids.as_slice()) {
            (Some(e), _) => e.clone(),
            (None, [only]) => only.clone(),
            (None, _) => {
                return Err(Rejection::new(
                    RejectCode::BadPayload,
                    "name a unit or an estate",
                ))
            }
        },
    };
    if !actor.estate_ids.contains(&estate_id) {
        return Err(Rejection::forbidden("the estate is not in your scope"));
    }
    if p.unit_id.is_none() && location.is_none() && !actor.role.is_staff() {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            "name your unit or where it is",
        ));
    }
    Ok(Case {
        id: id.to_string(),
        estate_id,
        kind: p.kind,
        title,
        description,
        status: CaseStatus::Open,
        unit_id: p.unit_id.clone(),
        unit_label,
        location,
        photos,
        created_at: at,
        created_by: actor.id.clone(),
        created_by_name: actor.name.clone(),
        created_by_role: actor.role,
        updated_at: at,
        events: vec![CaseEvent {
            id: mutation_id.to_string(),
            at,
            by: actor.id.clone(),
            by_name: actor.name.clone(),
            what: EventKind::Created,
        }],
    })
}

/// `case.comment`: appends a comment to a case the actor may see, unless it is closed.
pub fn comment(
    existing: Option<&Case>,
    p: &CommentCase,
    actor: &Actor,
    at: i64,
    mutation_id: &str,
) -> Result<Case, Rejection> {
    let Some(case) = existing else {
        return Err(Rejection::new(RejectCode::NotFound, "no such case"));
    };
    if !may_see(actor, case) {
        // Out of scope looks the same as absent: no probing for case ids.
        return Err(Rejection::new(RejectCode::NotFound, "no such case"));
    }
    if case.status == CaseStatus::Closed {
        return Err(Rejection::new(
            RejectCode::InvalidTransition,
            "case is closed",
        ));
    }
    let text = text("text", &p.text, MAX_COMMENT_CHARS, true)?;
    let photos = photos(&p.photos)?;
    let mut next = case.clone();
    next.updated_at = at;
    next.events.push(CaseEvent {
        id: mutation_id.to_string(),
        at,
        by: actor.id.clone(),
        by_name: actor.name.clone(),
        what: EventKind::Comment { text, photos },
    });
    Ok(next)
}

impl Case {
    /// Every photo the case names, its own and its comments'.
    pub fn photo_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.photos.iter().map(|p| p.sha256.clone()).collect();
        for e in &self.events {
            if let EventKind::Comment { photos, .. } = &e.what {
                out.extend(photos.iter().map(|p| p.sha256.clone()));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Marks each photo pending or not, given whether its bytes are stored.
    pub fn mark_pending(&mut self, stored: impl Fn(&str) -> bool) {
        for p in &mut self.photos {
            p.pending = !stored(&p.sha256);
        }
        for e in &mut self.events {
            if let EventKind::Comment { photos, .. } = &mut e.what {
                for p in photos {
                    p.pending = !stored(&p.sha256);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::{apply, Context, Op};
    use proptest::prelude::*;
    use std::collections::HashMap;

    struct Units(HashMap<String, String>);
    impl Facts for Units {
        fn unit(&self, unit_id: &str) -> Option<crate::domain::ops::UnitFact> {
            self.0.get(unit_id).map(|e| crate::domain::ops::UnitFact {
                estate_id: e.clone(),
                label: unit_id.to_uppercase(),
            })
        }
    }

    fn units() -> Units {
        Units(HashMap::from([
            ("u1".to_string(), "e1".to_string()),
            ("u2".to_string(), "e1".to_string()),
            ("u9".to_string(), "e2".to_string()),
        ]))
    }

    fn actor(role: Role) -> Actor {
        Actor {
            id: format!("{role}-id"),
            name: role.to_string(),
            role,
            estate_ids: vec!["e1".into()],
            unit_ids: if role == Role::Resident {
                vec!["u1".into()]
            } else {
                vec![]
            },
        }
    }

    /// One step of a random history.
    #[derive(Debug, Clone)]
    enum Step {
        Create {
            case: usize,
            role: Role,
            unit: Option<&'static str>,
            title: String,
        },
        Comment {
            case: usize,
            role: Role,
            text: String,
        },
        Close {
            case: usize,
        },
    }

    fn role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (
                0..4usize,
                role(),
                prop::option::of(prop::sample::select(vec!["u1", "u2", "u9", "nope"])),
                ".{0,130}"
            )
                .prop_map(|(case, role, unit, title)| Step::Create {
                    case,
                    role,
                    unit,
                    title
                }),
            (0..4usize, role(), ".{0,40}").prop_map(|(case, role, text)| Step::Comment {
                case,
                role,
                text
            }),
            (0..4usize).prop_map(|case| Step::Close { case }),
        ]
    }

    proptest! {
        /// Whatever the order of steps and whoever sends them, no history reaches a state the
        /// rules forbid: a case exists only if created by an allowed role in scope, a closed case
        /// never grows, events are never lost or duplicated, and a rejection changes nothing.
        #[test]
        fn random_histories_keep_the_rules(steps in prop::collection::vec(step(), 1..40)) {
            let facts = units();
            let mut state: HashMap<usize, Case> = HashMap::new();
            for (i, s) in steps.iter().enumerate() {
                let mutation_id = format!("m{i}");
                match s {
                    Step::Create { case, role, unit, title } => {
                        let a = actor(*role);
                        let op = Op::CaseCreate(CreateCase {
                            kind: CaseKind::Repair,
                            title: title.clone(),
                            description: String::new(),
                            unit_id: unit.map(str::to_string),
                            location: Some("lobby".into()),
                            photos: vec![],
                            estate_id: None,
                        });
                        let entity = format!("c{case}");
                        let cx = Context { mutation_id: &mutation_id, entity_id: &entity, actor: &a, facts: &facts, at: i as i64 };
                        let before = state.get(case).cloned();
                        match apply(before.as_ref(), &op, cx) {
                            Ok(c) => {
                                prop_assert!(before.is_none(), "a create over an existing case");
                                prop_assert!(*role != Role::Cashier);
                                prop_assert_eq!(&c.estate_id, "e1");
                                prop_assert!(!c.title.is_empty() && c.title.chars().count() <= MAX_TITLE_CHARS);
                                if *role == Role::Resident {
                                    // Their own unit, or a place with no unit; and they can see it.
                                    prop_assert!(c.unit_id.is_none() || c.unit_id.as_deref() == Some("u1"));
                                    prop_assert!(may_see(&a, &c));
                                }
                                prop_assert_eq!(c.events.len(), 1);
                                state.insert(*case, c);
                            }
                            Err(r) => {
                                prop_assert_eq!(state.get(case).cloned(), before);
                                prop_assert!(!r.message.is_empty());
                            }
                        }
                    }
                    Step::Comment { case, role, text } => {
                        let a = actor(*role);
                        let op = Op::CaseComment(CommentCase { text: text.clone(), photos: vec![] });
                        let entity = format!("c{case}");
                        let cx = Context { mutation_id: &mutation_id, entity_id: &entity, actor: &a, facts: &facts, at: i as i64 };
                        let before = state.get(case).cloned();
                        match apply(before.as_ref(), &op, cx) {
                            Ok(c) => {
                                let b = before.expect("a comment needs a case");
                                prop_assert_eq!(b.status, CaseStatus::Open);
                                prop_assert!(may_see(&a, &b));
                                prop_assert_eq!(c.events.len(), b.events.len() + 1);
                                prop_assert_eq!(&c.events[..b.events.len()], &b.events[..]);
                                state.insert(*case, c);
                            }
                            Err(r) => {
                                if let Some(b) = &before {
                                    if b.status == CaseStatus::Closed && may_see(&a, b) {
                                        prop_assert_eq!(r.code, RejectCode::InvalidTransition);
                                    }
                                } else {
                                    prop_assert_eq!(r.code, RejectCode::NotFound);
                                }
                            }
                        }
                    }
                    Step::Close { case } => {
                        if let Some(c) = state.get_mut(case) {
                            c.status = CaseStatus::Closed;
                        }
                    }
                }
            }
            for c in state.values() {
                let mut ids: Vec<&str> = c.events.iter().map(|e| e.id.as_str()).collect();
                ids.sort();
                ids.dedup();
                prop_assert_eq!(ids.len(), c.events.len(), "an event was applied twice");
            }
        }

        /// Arbitrary JSON never panics the parser: it is an op or a named rejection.
        #[test]
        fn any_payload_parses_or_is_rejected(op in prop::sample::select(vec!["case.create", "case.comment", "case.x", ""]),
                                             key in "[a-z_]{1,8}", val in ".{0,20}", n in any::<i64>()) {
            let payload = serde_json::json!({ key.clone(): val, "kind": "repair", "n": n });
            match Op::parse(op, &payload) {
                Ok(_) => prop_assert!(Op::NAMES.contains(&op)),
                Err(r) => prop_assert!(matches!(r.code, RejectCode::BadPayload | RejectCode::UnknownOp)),
            }
        }
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

    #[test]
    fn the_time_of_an_event_is_the_mutations() {
        let a = actor(Role::FrontDesk);
        let facts = units();
        let p = CreateCase {
            kind: CaseKind::Inquiry,
            title: " Parking ".into(),
            description: String::new(),
            unit_id: None,
            location: None,
            photos: vec![],
            estate_id: None,
        };
        let c = create(None, "c1", &p, &a, &facts, 42, "m1").expect("desk opens a case");
        assert_eq!(c.title, "Parking");
        assert_eq!((c.created_at, c.events[0].at), (42, 42));
        assert_eq!(c.estate_id, "e1");
        // A resident must say where.
        let r = create(None, "c2", &p, &actor(Role::Resident), &facts, 1, "m2").unwrap_err();
        assert_eq!(r.code, RejectCode::BadPayload);
    }
}
