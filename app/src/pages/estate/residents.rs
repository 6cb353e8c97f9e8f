//! `/estate/residents`: find residents by name, phone or unit; see ID (masked unless the
//! role may see it) and payment standing; the desk, cashiers and editors update contact
//! and standing.

use super::Loading;
use crate::api::residents::{residents, UpdateResident};
use crate::components::feedback::{close_on_success, ActionResult, ErrorBox};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::domain::resident::{PaymentStanding, Resident};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The resident list with search.
#[component]
pub fn ResidentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let role = use_user().role;
    let query = use_query_map();
    let text = move || query.read().get("q").unwrap_or_default();
    let update = ServerAction::<UpdateResident>::new();
    let editing = RwSignal::new(None::<Resident>);
    let list = Resource::new(
        move || (estate_id.clone(), text(), update.version().get()),
        |(e, q, _)| residents(e, q),
    );
    let can_update = role.can_edit_estate() || matches!(role, Role::Cashier | Role::FrontDesk);
    view! {
        <RoleGuard allow=Role::can_view_estate>
            <h1>{move || i18n.t("nav.residents")}</h1>
            <Form method="GET" action="">
                <div class="toolbar">
                    <label class="grow"><span>{move || i18n.t("common.search")}</span>
                        <input type="search" name="q" value=text placeholder=move || i18n.t("resident.search_hint")/>
                    </label>
                    <button type="submit">{move || i18n.t("common.search")}</button>
                </div>
            </Form>
            {move || editing.get().map(|r| view! { <ContactForm resident=r action=update editing/> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">{move || i18n.t("common.nothing_found")}</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="grid" data-testid="resident-table">
                                <thead><tr>
                                    <th>{move || i18n.t("resident.name")}</th>
                                    <th>{move || i18n.t("resident.phone")}</th>
                                    <th>{move || i18n.t("resident.units")}</th>
                                    <th>{move || i18n.t("resident.id_doc")}</th>
                                    <th>{move || i18n.t("resident.standing")}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! { <ResidentRow r editing can_update/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </RoleGuard>
    }
}

#[component]
fn ResidentRow(
    r: Resident,
    editing: RwSignal<Option<Resident>>,
    can_update: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let doc_key = r.id_doc_type.label_key();
    let standing_key = r.payment_standing.label_key();
    let standing_class = format!("badge {}", r.payment_standing.as_str());
    let units = r
        .units
        .iter()
        .map(|u| {
            let key = u.relation.label_key();
            let label = u.label.clone();
            view! { <span class="unit-chip">{label} " · " {move || i18n.t(key)}</span> }
        })
        .collect_view();
    let for_edit = r.clone();
    view! {
        <tr>
            <td><strong>{r.name.clone()}</strong></td>
            <td>{r.phone.clone()}</td>
            <td>{units}</td>
            <td>{move || i18n.t(doc_key)} " " <code data-testid="id-number">{r.id_doc_number.clone()}</code></td>
            <td><span class=standing_class>{move || i18n.t(standing_key)}</span></td>
            <td class="actions">
                <Show when=move || can_update>
                    <button type="button" on:click={let r = for_edit.clone(); move |_| editing.set(Some(r.clone()))}>
                        {move || i18n.t("common.edit")}
                    </button>
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn ContactForm(
    resident: Resident,
    action: ServerAction<UpdateResident>,
    editing: RwSignal<Option<Resident>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = resident.id.clone();
    let phone = RwSignal::new(resident.phone.clone());
    let standing = RwSignal::new(resident.payment_standing.as_str().to_string());
    let result = RwSignal::new(None);
    close_on_success(action, editing, result);
    view! {
        <form class="panel" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(UpdateResident {
                id: id.clone(),
                phone: phone.get(),
                payment_standing: standing.get().parse().unwrap_or(PaymentStanding::Good),
            });
        }>
            <h3>{resident.name.clone()}</h3>
            <label><span>{move || i18n.t("resident.phone")}</span><input type="tel" bind:value=phone required/></label>
            <label><span>{move || i18n.t("resident.standing")}</span>
                <select bind:value=standing>
                    <option value="good">{move || i18n.t("standing.good")}</option>
                    <option value="arrears">{move || i18n.t("standing.arrears")}</option>
                </select>
            </label>
            <div class="buttons">
                <button type="submit" class="primary">{move || i18n.t("common.save")}</button>
                <button type="button" on:click=move |_| editing.set(None)>{move || i18n.t("common.cancel")}</button>
            </div>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}
