//! `/ledger/keys`: the key registry and its loans. Keys out are listed first, overdue
//! ones marked; each key lends and returns with a logged reason and shows its history;
//! the spare set shows which kinds have an emergency spare.

use super::fields::{opt, Check, Choice, FormError, TextField, UnitField, WhenField};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::stepper::Stepper;
use crate::domain::ledger::{keeps_ledger, Key, KeyKind};
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn KeysPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.keys")}</h1>
            <WhenReady>
                <KeyList/>
                <SpareSets/>
                <RegisterForm/>
            </WhenReady>
        </RoleGuard>
    }
}

fn keys() -> Memo<Vec<(Key, bool)>> {
    of_kind(|r| match r {
        Record::Key(k) => Some(k),
        _ => None,
    })
}

#[component]
fn RegisterForm() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(KeyKind::OwnerEntrance.as_str().to_string());
    let label = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let floor = RwSignal::new(String::new());
    let equipment = RwSignal::new(String::new());
    let spare = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let owners = move || kind.with(|k| k.starts_with("owner_"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let floor_no = match opt(floor).map(|f| f.parse::<i16>()) {
            Some(Ok(f)) => Some(f),
            Some(Err(_)) => {
                error.set(Some(i18n.t("key.floor_number")));
                return;
            }
            None => None,
        };
        let owner = owners();
        let payload = json!({
            "kind": kind.get_untracked(),
            "label": label.get_untracked(),
            "unit_id": if owner { opt(unit) } else { None },
            "location": if owner { None } else { opt(location) },
            "floor": if owner { None } else { floor_no },
            "equipment": if owner { None } else { opt(equipment) },
            "spare": spare.get_untracked(),
        });
        stepper.send(
            None,
            "key.register",
            new_id(),
            payload,
            Vec::new(),
            move || {
                for s in [label, unit, location, floor, equipment] {
                    s.set(String::new());
                }
                spare.set(false);
            },
        );
    };
    let kinds: Vec<(&str, &str)> = KeyKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    view! {
        <h2>{move || i18n.t("key.register")}</h2>
        <form class="form ledger-form" data-testid="key-form" on:submit=submit>
            <div class="row">
                <Choice label="key.kind_label" testid="key-kind" options=kinds value=kind/>
                <TextField label="key.label" testid="key-label" value=label required=true/>
            </div>
            <Show when=owners fallback=move || view! {
                <div class="row">
                    <TextField label="key.location" testid="key-location" value=location max=120/>
                    <TextField label="key.floor" testid="key-floor" value=floor kind="number" max=4/>
                    <TextField label="key.equipment" testid="key-equipment" value=equipment/>
                </div>
            }>
                <UnitField testid="key-unit" value=unit required=true/>
            </Show>
            <Check label="key.spare" testid="key-spare" value=spare/>
            <FormError error/>
            <button type="submit" class="primary" data-testid="key-submit">{move || i18n.t("key.register")}</button>
        </form>
    }
}

#[component]
fn KeyList() -> impl IntoView {
    let i18n = use_i18n();
    let keys = keys();
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    provide_context(stepper);
    let now = crate::browser::now_ms();
    let sorted = move || {
        let mut l = keys.get();
        // Out first (overdue before the rest), then by label.
        l.sort_by(|(a, _), (b, _)| {
            (!a.is_overdue(now), !a.is_out(), &a.label).cmp(&(
                !b.is_overdue(now),
                !b.is_out(),
                &b.label,
            ))
        });
        l
    };
    view! {
        <p class="lead">
            {move || i18n.t("key.out_count")} " "
            <strong data-testid="keys-out">{move || keys.with(|l| l.iter().filter(|(k, _)| k.is_out()).count())}</strong>
            " · " {move || i18n.t("ledger.overdue")} " "
            <strong data-testid="keys-overdue">{move || keys.with(|l| l.iter().filter(|(k, _)| k.is_overdue(now)).count())}</strong>
        </p>
        <FormError error/>
        <ul class="ledger-list" data-testid="keys">
            {move || sorted().into_iter().map(|(k, pending)| view! { <KeyItem k pending now/> }).collect_view()}
        </ul>
    }
}

#[component]
fn KeyItem(k: Key, pending: bool, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let kind = k.kind.label_key();
    let overdue = k.is_overdue(now);
    let out = k.current_loan().cloned();
    let record = StoredValue::new(Record::Key(k.clone()));
    let id = StoredValue::new(k.id.clone());
    let borrower = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let lend = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(due_at) = crate::browser::parse_local_datetime(&due.get_untracked()) else {
            stepper.error.set(Some(i18n.t("key.due_required")));
            return;
        };
        let payload = json!({
            "borrower": borrower.get_untracked(),
            "borrower_phone": opt(phone),
            "reason": reason.get_untracked(),
            "due_at": due_at,
        });
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "key.lend",
                id.get_value(),
                payload,
                Vec::new(),
                || (),
            )
        });
    };
    let give_back = move |_| {
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "key.return",
                id.get_value(),
                json!({}),
                Vec::new(),
                || (),
            )
        });
    };
    let history = k.loans.clone();
    view! {
        <li class=if overdue { "ledger-item overdue" } else { "ledger-item" } data-testid="key" data-label=k.label.clone()
            data-out=k.is_out().to_string() data-overdue=overdue.to_string()>
            <div class="ledger-line">
                <strong>{k.label.clone()}</strong>
                " " <span class="badge">{move || i18n.t(kind)}</span>
                {k.spare.then(|| view! { " " <span class="badge">{move || i18n.t("key.spare_badge")}</span> })}
                {overdue.then(|| view! { " " <span class="badge overdue" data-testid="key-overdue">{move || i18n.t("ledger.overdue")}</span> })}
                <Waiting pending/>
                <div class="meta">{k.place()}</div>
                {out.clone().map(|l| view! {
                    <div class="meta" data-testid="key-loan">
                        {move || i18n.t("key.out_with")} " " {l.borrower.clone()} " · " {l.reason.clone()}
                        " · " {move || i18n.t("key.due")} " " {when(Some(l.due_at))}
                    </div>
                })}
            </div>
            {match out {
                Some(_) => view! {
                    <button type="button" class="primary" data-testid="key-return" on:click=give_back>{move || i18n.t("key.return")}</button>
                }.into_any(),
                None => view! {
                    <details class="lend">
                        <summary data-testid="key-lend-open">{move || i18n.t("key.lend")}</summary>
                        <form class="form" data-testid="key-lend-form" on:submit=lend>
                            <div class="row">
                                <TextField label="key.borrower" testid="key-borrower" value=borrower required=true/>
                                <TextField label="cases.contact_phone" testid="key-borrower-phone" value=phone kind="tel" max=30/>
                            </div>
                            <TextField label="key.reason" testid="key-reason" value=reason required=true max=1000/>
                            <WhenField label="key.due" testid="key-due" value=due/>
                            <button type="submit" data-testid="key-lend">{move || i18n.t("key.lend")}</button>
                        </form>
                    </details>
                }.into_any(),
            }}
            {(!history.is_empty()).then(|| view! {
                <details class="history">
                    <summary data-testid="key-history-open">{move || i18n.t("key.history")} " (" {history.len()} ")"</summary>
                    <ol data-testid="key-history">
                        {history.iter().map(|l| {
                            let late = l.returned.as_ref().map_or(now, |r| r.at) > l.due_at;
                            view! {
                                <li data-testid="key-history-row" data-late=late.to_string()>
                                    {l.borrower.clone()} " · " {l.reason.clone()} " · " {when(Some(l.lent.at))}
                                    " → " {l.returned.as_ref().map(|r| r.at).map(|t| view! { {when(Some(t))} })}
                                    {late.then(|| view! { " " <span class="badge overdue">{move || i18n.t("key.returned_late")}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </details>
            })}
        </li>
    }
}

/// Which kinds of key have an emergency spare registered.
#[component]
fn SpareSets() -> impl IntoView {
    let i18n = use_i18n();
    let keys = keys();
    view! {
        <details class="spares">
            <summary>{move || i18n.t("key.spare_sets")}</summary>
            <ul class="spare-sets" data-testid="spare-sets">
                {KeyKind::ALL.iter().map(|kind| {
                    let kind = *kind;
                    let key = kind.label_key();
                    let has = move || keys.with(|l| l.iter().any(|(k, _)| k.kind == kind && k.spare));
                    view! {
                        <li>
                            {move || i18n.t(key)} ": "
                            {move || if has() { i18n.t("key.spare_yes") } else { i18n.t("key.spare_missing") }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}
