//! `/ledger/visitors`: a visitor at the desk — let in with a temporary pass, or turned
//! away with the reason — and who is inside now, to sign out when they leave.

use super::fields::{opt, Choice, FormError, TextField, UnitField};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::stepper::Stepper;
use crate::domain::ledger::{keeps_ledger, Visit, VisitStatus, VisitorCategory};
use crate::domain::records::Record;
use crate::domain::resident::IdDocType;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn VisitorsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.visitors")}</h1>
            <WhenReady>
                <VisitForm/>
                <VisitLists/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn VisitForm() -> impl IntoView {
    let i18n = use_i18n();
    let category = RwSignal::new(VisitorCategory::Ordinary.as_str().to_string());
    let name = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let id_type = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());
    let party = RwSignal::new("1".to_string());
    let pass_no = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let clear = move || {
        for s in [name, purpose, id_number, unit, host, pass_no, reason] {
            s.set(String::new());
        }
        party.set("1".into());
    };
    let record = move |refused: bool| {
        let id_doc_type = opt(id_type);
        let payload = json!({
            "category": category.get_untracked(),
            "name": name.get_untracked(),
            "purpose": purpose.get_untracked(),
            "id_doc_type": id_doc_type,
            "id_doc_number": opt(id_number).filter(|_| id_doc_type.is_some()),
            "unit_id": opt(unit),
            "host": opt(host),
            "party_size": party.get_untracked().trim().parse::<u8>().unwrap_or(1),
            "pass_no": if refused { None } else { opt(pass_no) },
            "refused_reason": if refused { Some(reason.get_untracked()) } else { None },
        });
        stepper.send(None, "visit.arrive", new_id(), payload, Vec::new(), clear);
    };
    let categories: Vec<(&str, &str)> = VisitorCategory::ALL
        .iter()
        .map(|c| (c.as_str(), c.label_key()))
        .collect();
    let mut id_types: Vec<(&str, &str)> = vec![("", "ledger.no_id")];
    id_types.extend(IdDocType::ALL.iter().map(|t| (t.as_str(), t.label_key())));
    view! {
        <form class="form ledger-form" data-testid="visit-form"
            on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); record(false) }>
            <div class="row">
                <Choice label="visit.category_label" testid="visit-category" options=categories value=category/>
                <TextField label="visit.name" testid="visit-name" value=name required=true/>
            </div>
            <TextField label="visit.purpose" testid="visit-purpose" value=purpose max=1000/>
            <div class="row">
                <Choice label="visit.id_type" testid="visit-id-type" options=id_types value=id_type/>
                <TextField label="visit.id_number" testid="visit-id-number" value=id_number max=40/>
            </div>
            <div class="row">
                <UnitField testid="visit-unit" value=unit/>
                <TextField label="visit.host" testid="visit-host" value=host/>
            </div>
            <div class="row">
                <TextField label="visit.party_size" testid="visit-party" value=party kind="number" max=2/>
                <TextField label="visit.pass_no" testid="visit-pass" value=pass_no max=20/>
            </div>
            <FormError error/>
            <div class="actions">
                <button type="submit" class="primary" data-testid="visit-submit">{move || i18n.t("visit.let_in")}</button>
            </div>
            <details class="refuse">
                <summary>{move || i18n.t("visit.refuse")}</summary>
                <TextField label="visit.refused_reason" testid="visit-refuse-reason" value=reason max=1000/>
                <button type="button" data-testid="visit-refuse" on:click=move |_| record(true)>
                    {move || i18n.t("visit.refuse")}
                </button>
            </details>
        </form>
    }
}

#[component]
fn VisitLists() -> impl IntoView {
    let i18n = use_i18n();
    let visits = of_kind(|r| match r {
        Record::Visit(v) => Some(v),
        _ => None,
    });
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let inside = move || {
        visits.with(|l| {
            l.iter()
                .filter(|(v, _)| v.status == VisitStatus::Inside)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <h2>{move || i18n.t("visit.inside")} " " <span class="count" data-testid="inside-count">{move || inside().len()}</span></h2>
        <FormError error/>
        <ul class="ledger-list" data-testid="visitors-inside">
            {move || inside().into_iter().map(|(v, pending)| {
                let record = Record::Visit(v.clone());
                let id = v.id.clone();
                view! {
                    <li class="ledger-item" data-testid="visitor">
                        <VisitLine v=v.clone() pending/>
                        <button type="button" data-testid="visit-leave" on:click=move |_| {
                            stepper.send(Some(&record), "visit.leave", id.clone(), json!({}), Vec::new(), || ());
                        }>{move || i18n.t("visit.leave")}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h2>{move || i18n.t("visit.recent")}</h2>
        <ul class="ledger-list" data-testid="visitors-recent">
            {move || visits.get().into_iter()
                .filter(|(v, _)| v.status != VisitStatus::Inside)
                .take(50)
                .map(|(v, pending)| view! { <li class="ledger-item" data-testid="visitor-done"><VisitLine v pending/></li> })
                .collect_view()}
        </ul>
    }
}

/// One visit as a line: who, why, where to, pass, times.
#[component]
fn VisitLine(v: Visit, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let category = v.category.label_key();
    let status = v.status.label_key();
    let status_class = format!("badge status-{}", v.status.as_str());
    view! {
        <div class="ledger-line">
            <strong data-testid="visitor-name">{v.name.clone()}</strong>
            " " <span class="badge">{move || i18n.t(category)}</span>
            " " <span class=status_class data-testid="visitor-status">{move || i18n.t(status)}</span>
            <Waiting pending/>
            <div class="meta">
                {v.purpose.clone()}
                {v.unit_label.clone().map(|u| view! { " · " {u} })}
                {v.host.clone().map(|h| view! { " · " {move || i18n.t("visit.host")} ": " {h} })}
                {v.pass_no.clone().map(|p| view! { " · " {move || i18n.t("visit.pass_no")} " " {p} })}
                {v.id_doc_masked.clone().map(|n| view! { " · " <span data-testid="visitor-id">{n}</span> })}
                {(v.party_size > 1).then(|| format!(" · ×{}", v.party_size))}
            </div>
            <div class="meta">
                {move || i18n.t("visit.in")} " " {when(Some(v.arrived.at))}
                {v.left.as_ref().map(|l| { let t = l.at; view! { " · " {move || i18n.t("visit.out")} " " {when(Some(t))} } })}
                {v.refused_reason.clone().map(|r| view! { " · " {r} })}
                " · " {v.arrived.by_name.clone()}
            </div>
        </div>
    }
}
