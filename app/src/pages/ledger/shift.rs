//! `/ledger/shift`: the duty log and the handover. The agent on duty writes what
//! happens; to end the shift they hand over to the next agent, with every open item
//! (cases due, keys out, visitors inside, callbacks owed, passes not yet used, parcels
//! waiting) gathered from the device; the next agent signs and starts their own shift
//! carrying those items.

use super::fields::{FormError, TextArea};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::components::stepper::Stepper;
use crate::device;
use crate::domain::ledger::{keeps_ledger, OpenItem, OpenItemKind, Shift, ShiftStatus};
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::json;

/// How far ahead a case's due time makes it an open item of the handover.
const DUE_SOON_MS: i64 = 12 * 3_600_000;

#[component]
pub fn ShiftPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.shift")}</h1>
            <WhenReady>
                <ShiftDesk/>
            </WhenReady>
        </RoleGuard>
    }
}

fn shifts() -> Memo<Vec<(Shift, bool)>> {
    of_kind(|r| match r {
        Record::Shift(s) => Some(s),
        _ => None,
    })
}

/// Everything open at the desk now, as the handover lists it.
pub(super) fn open_items(estate: &str) -> Vec<OpenItem> {
    let now = crate::browser::now_ms();
    let state = device::state();
    let mut items = Vec::new();
    state.cases.with_untracked(|cases| {
        for v in cases.values() {
            let c = &v.case;
            if c.estate_id == estate && c.status.is_working() && c.deadline() < now + DUE_SOON_MS {
                items.push(OpenItem {
                    kind: OpenItemKind::Case,
                    ref_id: Some(c.id.clone()),
                    label: format!("{} {}", c.place(), c.title).trim().to_string(),
                });
            }
        }
    });
    state.ledger.with_untracked(|all| {
        for v in all.values().filter(|v| v.record.estate_id() == estate) {
            let item = |kind, label: String| OpenItem {
                kind,
                ref_id: Some(v.record.id().to_string()),
                label,
            };
            match &v.record {
                Record::Key(k) => {
                    if let Some(l) = k.current_loan() {
                        items.push(item(
                            OpenItemKind::Key,
                            format!("{} → {}", k.label, l.borrower),
                        ));
                    }
                }
                Record::Visit(vi) if vi.status == crate::domain::ledger::VisitStatus::Inside => {
                    items.push(item(OpenItemKind::Visitor, vi.name.clone()));
                }
                Record::Call(c) if c.owes_callback() => {
                    items.push(item(
                        OpenItemKind::Callback,
                        format!("{} · {}", c.caller, c.topic),
                    ));
                }
                Record::Pass(p)
                    if matches!(
                        p.status,
                        crate::domain::ledger::PassStatus::Issued
                            | crate::domain::ledger::PassStatus::Approved
                    ) =>
                {
                    items.push(item(
                        OpenItemKind::Pass,
                        format!("{} · {}", p.code, p.unit_label),
                    ));
                }
                Record::Parcel(p)
                    if p.status != crate::domain::ledger::ParcelStatus::HandedOver =>
                {
                    items.push(item(OpenItemKind::Parcel, p.recipient.clone()));
                }
                _ => {}
            }
        }
    });
    items
}

#[component]
fn ShiftDesk() -> impl IntoView {
    let i18n = use_i18n();
    let me = StoredValue::new(use_user().id);
    let shifts = shifts();
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    provide_context(stepper);
    let mine = move || {
        shifts.with(|l| {
            l.iter()
                .find(|(s, _)| {
                    s.status != ShiftStatus::Ended && me.with_value(|m| s.agent.id == *m)
                })
                .cloned()
        })
    };
    let handed_to_me = move || {
        shifts.with(|l| {
            l.iter()
                .filter(|(s, _)| {
                    s.status == ShiftStatus::HandingOver
                        && me.with_value(|m| s.handover.as_ref().is_some_and(|h| h.to.id == *m))
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let start = move |_| {
        stepper.send(None, "shift.start", new_id(), json!({}), Vec::new(), || ());
    };
    // Kept here, not in the card: the card is made again whenever the shift changes (a
    // sync confirming it), and a half-written entry must survive that.
    let entry = RwSignal::new(String::new());
    view! {
        <FormError error/>
        {move || handed_to_me().into_iter().map(|(s, pending)| view! { <TakeOverCard s pending/> }).collect_view()}
        {move || match mine() {
            Some((s, pending)) => view! { <CurrentShift s pending text=entry/> }.into_any(),
            None if handed_to_me().is_empty() => view! {
                <p class="lead">{move || i18n.t("shift.none")}</p>
                <button type="button" class="primary" data-testid="shift-start" on:click=start>{move || i18n.t("shift.start")}</button>
            }.into_any(),
            None => ().into_any(),
        }}
        <h2>{move || i18n.t("shift.past")}</h2>
        <ul class="ledger-list" data-testid="shifts-past">
            {move || shifts.get().into_iter().filter(|(s, _)| s.status == ShiftStatus::Ended).take(20).map(|(s, pending)| view! {
                <li class="ledger-item" data-testid="shift-past">
                    <strong>{s.agent.name.clone()}</strong> <Waiting pending/>
                    <div class="meta">{when(Some(s.started.at))} " → " {when(s.taken_over.as_ref().map(|t| t.at))}
                        {s.handover.as_ref().map(|h| view! { " · " {move || i18n.t("shift.handed_to")} " " {h.to.name.clone()} })}</div>
                    <details><summary>{move || i18n.t("shift.log")} " (" {s.entries.len()} ")"</summary>
                        <ul>{s.entries.iter().map(|e| view! { <li>{when(Some(e.stamp.at))} " " {e.text.clone()}</li> }).collect_view()}</ul>
                    </details>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Items(items: Vec<OpenItem>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="open-items" data-testid=testid>
            {items.into_iter().map(|i| {
                let kind = i.kind.label_key();
                view! { <li data-testid="open-item" data-kind=i.kind.as_str()><span class="badge">{move || i18n.t(kind)}</span> " " {i.label}</li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn CurrentShift(s: Shift, pending: bool, text: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let record = StoredValue::new(Record::Shift(s.clone()));
    let id = StoredValue::new(s.id.clone());
    let write = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "shift.log",
                id.get_value(),
                json!({"text": text.get_untracked()}),
                Vec::new(),
                move || text.set(String::new()),
            )
        });
    };
    let status = s.status.label_key();
    view! {
        <section class="card shift" data-testid="shift-current" data-status=s.status.as_str()>
            <h2 class="card-title">{move || i18n.t("shift.on_duty")} " · " {s.agent.name.clone()}</h2>
            <p class="meta"><span class="badge" data-testid="shift-status">{move || i18n.t(status)}</span> " "
                {move || i18n.t("shift.since")} " " {when(Some(s.started.at))} <Waiting pending/></p>
            {(!s.carried.is_empty()).then(|| view! {
                <h3>{move || i18n.t("shift.carried")}</h3>
                <Items items=s.carried.clone() testid="shift-carried"/>
            })}
            <h3>{move || i18n.t("shift.log")}</h3>
            <ol class="duty-log" data-testid="shift-log">
                {s.entries.iter().map(|e| view! { <li data-testid="shift-entry">{when(Some(e.stamp.at))} " " {e.text.clone()}</li> }).collect_view()}
            </ol>
            {(s.status == ShiftStatus::OnDuty).then(|| view! {
                <form class="form" data-testid="shift-log-form" on:submit=write>
                    <TextArea label="shift.entry" testid="shift-entry-text" value=text max=4000/>
                    <button type="submit" data-testid="shift-entry-submit">{move || i18n.t("shift.write")}</button>
                </form>
                <HandOverForm record id/>
            })}
            {s.handover.clone().map(|h| view! {
                <p class="lead" data-testid="shift-waiting-signature">{move || i18n.t("shift.waiting_for")} " " {h.to.name.clone()}</p>
                <Items items=h.open_items.clone() testid="shift-handed-items"/>
            })}
        </section>
    }
}

#[component]
fn HandOverForm(record: StoredValue<Record>, id: StoredValue<String>) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let estate = StoredValue::new(use_estate_id());
    let me = StoredValue::new(use_user().id);
    let directory = RwSignal::from(device::state().directory);
    let next = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    // Gathered when the form opens and again on submit, so nothing opened since is missed.
    let items = RwSignal::new(Vec::<OpenItem>::new());
    let gather = move || items.set(estate.with_value(|e| open_items(e)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if next.get_untracked().is_empty() {
            stepper.error.set(Some(i18n.t("shift.next_required")));
            return;
        }
        gather();
        let payload = json!({
            "to_id": next.get_untracked(),
            "notes": notes.get_untracked(),
            "open_items": items.get_untracked(),
        });
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "shift.hand_over",
                id.get_value(),
                payload,
                Vec::new(),
                || (),
            )
        });
    };
    view! {
        <details class="hand-over" on:toggle=move |_| gather()>
            <summary data-testid="shift-hand-over-open">{move || i18n.t("shift.hand_over")}</summary>
            <form class="form" data-testid="shift-hand-over-form" on:submit=submit>
                <label class="field">
                    <span>{move || i18n.t("shift.next_agent")}</span>
                    <select data-testid="shift-next" on:change=move |ev| next.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || directory.with(|d| d.staff.iter()
                            .filter(|s| keeps_ledger(s.role) && estate.with_value(|e| s.estate_ids.contains(e)) && me.with_value(|m| s.id != *m))
                            .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
                            .collect_view())}
                    </select>
                </label>
                <TextArea label="shift.notes" testid="shift-notes" value=notes max=4000/>
                <h3>{move || i18n.t("shift.open_items")} " (" <span data-testid="open-item-count">{move || items.with(Vec::len)}</span> ")"</h3>
                {move || view! { <Items items=items.get() testid="shift-open-items"/> }}
                <button type="submit" class="primary" data-testid="shift-hand-over">{move || i18n.t("shift.hand_over")}</button>
            </form>
        </details>
    }
}

/// A shift handed to this agent: read the open items, sign, and start carrying them.
#[component]
fn TakeOverCard(s: Shift, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let Some(h) = s.handover.clone() else {
        return ().into_any();
    };
    let record = StoredValue::new(Record::Shift(s.clone()));
    let id = StoredValue::new(s.id.clone());
    let carried = StoredValue::new(h.open_items.clone());
    let sign = move |_| {
        // Read now: once the take-over is kept this card is gone, and its values with it.
        let shift_id = id.get_value();
        let next = json!({"from_shift_id": shift_id.clone(), "carried": carried.get_value()});
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "shift.take_over",
                shift_id,
                json!({}),
                Vec::new(),
                move || {
                    stepper.send(None, "shift.start", new_id(), next, Vec::new(), || ());
                },
            )
        });
    };
    view! {
        <section class="card take-over" data-testid="shift-take-over-card">
            <h2>{move || i18n.t("shift.handed_by")} " " {s.agent.name.clone()} <Waiting pending/></h2>
            <p class="meta">{when(Some(h.stamp.at))}</p>
            {(!h.notes.is_empty()).then(|| view! { <p data-testid="shift-handover-notes">{h.notes.clone()}</p> })}
            <h3>{move || i18n.t("shift.open_items")}</h3>
            <Items items=h.open_items.clone() testid="shift-take-over-items"/>
            <button type="button" class="primary" data-testid="shift-take-over" on:click=sign>{move || i18n.t("shift.sign_take_over")}</button>
        </section>
    }
    .into_any()
}
