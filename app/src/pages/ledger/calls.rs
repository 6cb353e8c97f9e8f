//! `/ledger/calls`: a phone call logged as it is answered — who, which unit, about
//! what, what came of it — the callbacks owed, and one tap to turn a call into a case.

use super::fields::{opt, Choice, FormError, TextArea, TextField, UnitField, WhenField};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::layout::use_estate_id;
use crate::components::stepper::Stepper;
use crate::domain::cases::CaseKind;
use crate::domain::ledger::{keeps_ledger, Call, CallOutcome};
use crate::domain::records::Record;
use crate::domain::Department;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn CallsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.calls")}</h1>
            <WhenReady>
                <CallForm/>
                <CallLists/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn CallForm() -> impl IntoView {
    let i18n = use_i18n();
    let caller = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let topic = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let outcome = RwSignal::new(CallOutcome::Answered.as_str().to_string());
    let department = RwSignal::new(Department::Engineering.as_str().to_string());
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let out = outcome.get_untracked();
        let callback_due = if out == "callback" {
            match crate::browser::parse_local_datetime(&due.get_untracked()) {
                Some(t) => Some(t),
                None => {
                    error.set(Some(i18n.t("call.due_required")));
                    return;
                }
            }
        } else {
            None
        };
        let payload = json!({
            "caller": caller.get_untracked(),
            "phone": opt(phone),
            "unit_id": opt(unit),
            "topic": topic.get_untracked(),
            "notes": notes.get_untracked(),
            "outcome": out,
            "department": (out == "referred").then(|| department.get_untracked()),
            "callback_due": callback_due,
        });
        stepper.send(None, "call.log", new_id(), payload, Vec::new(), move || {
            for s in [caller, phone, unit, topic, notes, due] {
                s.set(String::new());
            }
        });
    };
    let outcomes: Vec<(&str, &str)> = CallOutcome::ALL
        .iter()
        .map(|o| (o.as_str(), o.label_key()))
        .collect();
    let departments: Vec<(&str, &str)> = Department::ALL
        .iter()
        .map(|d| (d.as_str(), d.label_key()))
        .collect();
    view! {
        <form class="form ledger-form" data-testid="call-form" on:submit=submit>
            <div class="row">
                <TextField label="call.caller" testid="call-caller" value=caller required=true/>
                <TextField label="cases.contact_phone" testid="call-phone" value=phone kind="tel" max=30/>
                <UnitField testid="call-unit" value=unit/>
            </div>
            <TextField label="call.topic" testid="call-topic" value=topic required=true max=1000/>
            <TextArea label="call.notes" testid="call-notes" value=notes max=4000/>
            <div class="row">
                <Choice label="call.outcome_label" testid="call-outcome" options=outcomes value=outcome/>
                <Show when=move || outcome.get() == "referred">
                    <Choice label="cases.department" testid="call-department" options=departments.clone() value=department/>
                </Show>
                <Show when=move || outcome.get() == "callback">
                    <WhenField label="call.callback_due" testid="call-due" value=due/>
                </Show>
            </div>
            <FormError error/>
            <button type="submit" class="primary" data-testid="call-submit">{move || i18n.t("call.log")}</button>
        </form>
    }
}

#[component]
fn CallLists() -> impl IntoView {
    let i18n = use_i18n();
    let calls = of_kind(|r| match r {
        Record::Call(c) => Some(c),
        _ => None,
    });
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    provide_context(stepper);
    let owed = move || {
        let mut l: Vec<(Call, bool)> = calls.with(|l| {
            l.iter()
                .filter(|(c, _)| c.owes_callback())
                .cloned()
                .collect()
        });
        l.sort_by_key(|(c, _)| c.callback_due);
        l
    };
    view! {
        <FormError error/>
        <h2>{move || i18n.t("call.callbacks")}</h2>
        <ul class="ledger-list" data-testid="callbacks">
            {move || owed().into_iter().map(|(c, pending)| view! {
                <li class="ledger-item" data-testid="callback"><CallLine c=c.clone() pending/><CallbackForm c/></li>
            }).collect_view()}
        </ul>
        <h2>{move || i18n.t("call.recent")}</h2>
        <ul class="ledger-list" data-testid="calls">
            {move || calls.get().into_iter().take(50).map(|(c, pending)| view! {
                <li class="ledger-item" data-testid="call"><CallLine c=c.clone() pending/><MakeCase c/></li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn CallLine(c: Call, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = c.outcome.label_key();
    let now = crate::browser::now_ms();
    let late = c.owes_callback() && c.callback_due.is_some_and(|d| d < now);
    view! {
        <div class="ledger-line">
            <strong data-testid="call-topic-text">{c.topic.clone()}</strong>
            " " <span class="badge">{move || i18n.t(outcome)}</span>
            {late.then(|| view! { " " <span class="badge overdue">{move || i18n.t("ledger.overdue")}</span> })}
            <Waiting pending/>
            <div class="meta">
                {c.caller.clone()}
                {c.phone.clone().map(|p| view! { " · " {p} })}
                {c.unit_label.clone().map(|u| view! { " · " {u} })}
                " · " {when(Some(c.answered.at))} " · " {c.answered.by_name.clone()}
            </div>
            {c.callback_due.map(|d| view! { <div class="meta">{move || i18n.t("call.callback_due")} " " {when(Some(d))}</div> })}
            {c.called_back.as_ref().map(|s| { let t = s.at; view! { <div class="meta">{move || i18n.t("call.called_back")} " " {when(Some(t))}</div> } })}
            {c.case_id.clone().map(|id| view! {
                <a href=format!("/cases/view?id={id}") rel="external" data-testid="call-case-link">{move || i18n.t("call.open_case")}</a>
            })}
        </div>
    }
}

#[component]
fn CallbackForm(c: Call) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let note = RwSignal::new(String::new());
    let record = Record::Call(c.clone());
    let id = c.id.clone();
    view! {
        <div class="inline-form">
            <input type="text" maxlength="1000" data-testid="callback-note" placeholder=move || i18n.t("call.callback_note")
                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
            <button type="button" data-testid="callback-done" on:click=move |_| {
                stepper.send(Some(&record), "call.callback", id.clone(), json!({"note": note.get_untracked()}), Vec::new(), || ());
            }>{move || i18n.t("call.called_back")}</button>
        </div>
    }
}

/// Turns the call into a case: the case is filed with the call's words and caller, and
/// the call keeps the link. Both wait on the device together when offline.
#[component]
fn MakeCase(c: Call) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let estate = StoredValue::new(use_estate_id());
    let kind = RwSignal::new(CaseKind::Repair.as_str().to_string());
    if c.case_id.is_some() {
        return ().into_any();
    }
    let call = StoredValue::new(c);
    let on_click = move |_| {
        let c = call.get_value();
        let case_id = new_id();
        let payload = json!({
            "kind": kind.get_untracked(),
            "title": c.topic.chars().take(120).collect::<String>(),
            "description": c.notes,
            "unit_id": c.unit_id,
            "estate_id": estate.get_value(),
            "channel": "phone",
            "contact_name": c.caller,
            "contact_phone": c.phone,
        });
        // Read before the first step: the row may be re-made before the second is sent.
        let link = json!({"case_id": case_id.clone()});
        let call_record = Record::Call(c.clone());
        let call_id = c.id.clone();
        stepper.send(
            None,
            "case.create",
            case_id,
            payload,
            Vec::new(),
            move || {
                stepper.send(
                    Some(&call_record),
                    "call.link_case",
                    call_id,
                    link,
                    Vec::new(),
                    || (),
                );
            },
        );
    };
    let kinds: Vec<(&str, &str)> = CaseKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    view! {
        <div class="inline-form">
            <select data-testid="call-case-kind" aria-label=move || i18n.t("cases.kind")
                on:change=move |ev| kind.set(event_target_value(&ev))>
                {kinds.into_iter().map(|(v, key)| view! { <option value=v selected=move || kind.get() == v>{move || i18n.t(key)}</option> }).collect_view()}
            </select>
            <button type="button" data-testid="call-to-case" on:click=on_click>{move || i18n.t("call.to_case")}</button>
        </div>
    }
    .into_any()
}
