//! The front-desk ledger's screens. Like the case screens they read the device's view
//! (replica + waiting work) and keep every step on the device first, so the desk keeps
//! working when the network drops: visitors, calls, release passes and the gate, keys,
//! mail, the duty log with its handover, and notices.

mod board;
mod calls;
pub(crate) mod fields;
mod keys;
mod mail;
mod notices;
mod passes;
mod shift;
mod visitors;

pub use board::LedgerBoardPage;
pub use calls::CallsPage;
pub use keys::KeysPage;
pub use mail::MailPage;
pub use notices::{NoticesPage, ResidentNotices};
pub use passes::{GatePage, PassPrintPage, PassesPage};
pub use shift::ShiftPage;
pub use visitors::VisitorsPage;

use crate::components::layout::use_estate_id;
pub(crate) use crate::components::ready::WhenReady;
use crate::device;
use crate::domain::ledger::keeps_ledger;
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The ledger pages the service worker keeps, so they open offline, each with the roles
/// its guard lets in.
pub const OFFLINE_PAGES: [super::OfflinePage; 10] = [
    ("/ledger", keeps_ledger),
    ("/ledger/visitors", keeps_ledger),
    ("/ledger/calls", keeps_ledger),
    ("/ledger/passes", keeps_ledger),
    ("/ledger/pass", keeps_ledger),
    ("/ledger/gate", passes::guards_gate),
    ("/ledger/keys", keeps_ledger),
    ("/ledger/mail", keeps_ledger),
    ("/ledger/shift", keeps_ledger),
    ("/ledger/notices", keeps_ledger),
];

/// The records of one kind in the chosen estate, newest first, each with whether some
/// change to it still waits for the server.
pub(crate) fn of_kind<T: Clone + PartialEq + Send + Sync + 'static>(
    pick: fn(&Record) -> Option<&T>,
) -> Memo<Vec<(T, bool)>> {
    let estate = use_estate_id();
    let ledger = RwSignal::from(device::state().ledger);
    Memo::new(move |_| {
        ledger.with(|all| {
            let mut list: Vec<(T, bool)> = all
                .values()
                .rev()
                .filter(|v| v.record.estate_id() == estate)
                .filter_map(|v| pick(&v.record).map(|r| (r.clone(), v.pending)))
                .collect();
            list.shrink_to_fit();
            list
        })
    })
}

/// "Waiting to sync" on a record not yet confirmed by the server.
#[component]
pub(crate) fn Waiting(pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    pending.then(|| {
        view! { <span class="badge waiting" data-testid="waiting-badge">{move || i18n.t("sync.waiting_badge")}</span> }
    })
}

/// A time in the person's language, or nothing.
pub(crate) fn when(ms: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    ms.map(|t| view! { <time>{move || crate::browser::format_time(t, i18n.lang.get())}</time> })
}

/// A fresh record id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
