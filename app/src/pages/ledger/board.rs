//! `/ledger`: the desk at a glance — who is inside, callbacks owed, keys out (overdue
//! marked), passes waiting for approval or the gate, parcels waiting, the shift — each
//! leading to its page.

use super::{of_kind, WhenReady};
use crate::components::guard::RoleGuard;
use crate::domain::ledger::{keeps_ledger, ParcelStatus, PassStatus, ShiftStatus, VisitStatus};
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn LedgerBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.title")}</h1>
            <WhenReady>
                <Board/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let now = crate::browser::now_ms();
    let inside = of_kind(|r| match r {
        Record::Visit(v) if v.status == VisitStatus::Inside => Some(v),
        _ => None,
    });
    let callbacks = of_kind(|r| match r {
        Record::Call(c) if c.owes_callback() => Some(c),
        _ => None,
    });
    let keys = of_kind(|r| match r {
        Record::Key(k) if k.is_out() => Some(k),
        _ => None,
    });
    let passes = of_kind(|r| match r {
        Record::Pass(p) if matches!(p.status, PassStatus::Issued | PassStatus::Approved) => Some(p),
        _ => None,
    });
    let parcels = of_kind(|r| match r {
        Record::Parcel(p) if p.status != ParcelStatus::HandedOver => Some(p),
        _ => None,
    });
    let shifts = of_kind(|r| match r {
        Record::Shift(s) if s.status != ShiftStatus::Ended => Some(s),
        _ => None,
    });
    let tile = move |path: &'static str,
                     key: &'static str,
                     what: &'static str,
                     testid: &'static str,
                     count: Option<Signal<usize>>,
                     alert: Signal<usize>| {
        view! {
            <li>
                <a class="tile ledger-tile" href=path rel="external" data-testid=testid>
                    <span class="tile-label">{move || i18n.t(key)}</span>
                    {count.map(|c| view! {
                        <span class="tile-figure">
                            <strong class="tile-count">{move || c.get()}</strong>
                            " " <span class="tile-what">{move || i18n.t(what)}</span>
                        </span>
                    })}
                    {move || (alert.get() > 0).then(|| view! {
                        <span class="badge overdue">{alert.get()} " " {i18n.t("ledger.overdue")}</span>
                    })}
                </a>
            </li>
        }
    };
    let zero = Signal::derive(|| 0usize);
    let n = |s: Signal<usize>| Some(s);
    view! {
        <ul class="tiles ledger-tiles">
            {tile("/ledger/visitors", "ledger.visitors", "visit.inside", "tile-visitors", n(Signal::derive(move || inside.with(Vec::len))), zero)}
            {tile("/ledger/calls", "ledger.calls", "call.callbacks", "tile-callbacks", n(Signal::derive(move || callbacks.with(Vec::len))),
                Signal::derive(move || callbacks.with(|l| l.iter().filter(|(c, _)| c.callback_due.is_some_and(|d| d < now)).count())))}
            {tile("/ledger/keys", "ledger.keys", "key.out_count", "tile-keys", n(Signal::derive(move || keys.with(Vec::len))),
                Signal::derive(move || keys.with(|l| l.iter().filter(|(k, _)| k.is_overdue(now)).count())))}
            {tile("/ledger/passes", "ledger.passes", "pass.open", "tile-passes", n(Signal::derive(move || passes.with(Vec::len))), zero)}
            {tile("/ledger/mail", "ledger.mail", "parcel.waiting", "tile-mail", n(Signal::derive(move || parcels.with(Vec::len))), zero)}
            {tile("/ledger/shift", "ledger.shift", "shift.on_duty", "tile-shift", n(Signal::derive(move || shifts.with(Vec::len))), zero)}
            {tile("/ledger/notices", "ledger.notices", "", "tile-notices", None, zero)}
            {tile("/ledger/gate", "ledger.gate", "", "tile-gate", None, zero)}
        </ul>
    }
}
