//! Patrol screens, built for a tablet in a stairwell with no signal: every screen reads
//! the device's view and keeps each step on the device first. The board lists today's
//! routes, a run is walked area by area, nonconformities are answered and followed up,
//! and supervisors see coverage, plan routes and print QR labels.

mod board;
mod coverage;
mod findings;
mod labels;
mod routes;
mod run;

pub use board::PatrolBoardPage;
pub use coverage::CoveragePage;
pub use findings::FindingsPage;
pub use labels::LabelsPage;
pub use routes::RoutesPage;
pub use run::RunPage;

use crate::domain::patrols::{inspects, plans, Finding, Route, Run};
use crate::domain::records::Record;
use crate::domain::Role;
use crate::pages::ledger::of_kind;
use leptos::prelude::*;

/// The patrol pages the service worker keeps, so they open offline, each with the roles
/// its guard lets in.
pub const OFFLINE_PAGES: [super::OfflinePage; 6] = [
    ("/patrols", inspects),
    ("/patrols/run", Role::is_staff),
    ("/patrols/findings", Role::is_staff),
    ("/patrols/coverage", plans),
    ("/patrols/routes", plans),
    ("/patrols/labels", plans),
];

fn routes() -> Memo<Vec<(Route, bool)>> {
    of_kind(|r| match r {
        Record::Route(x) => Some(x),
        _ => None,
    })
}

fn runs() -> Memo<Vec<(Run, bool)>> {
    of_kind(|r| match r {
        Record::Run(x) => Some(x),
        _ => None,
    })
}

fn findings() -> Memo<Vec<(Finding, bool)>> {
    of_kind(|r| match r {
        Record::Finding(x) => Some(x),
        _ => None,
    })
}

/// The `id` of the page's query.
fn query_id() -> Memo<String> {
    let q = leptos_router::hooks::use_query_map();
    Memo::new(move |_| q.with(|q| q.get("id").unwrap_or_default()))
}
