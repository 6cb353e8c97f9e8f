//! `/estate/units`: find a unit by building, number or resident; editors change units;
//! the desk registers residents from their unit.

use super::Loading;
use crate::api::estate::{buildings, units, SaveUnit, UNIT_PAGE};
use crate::api::residents::{CreateResident, NewResident};
use crate::components::feedback::{close_on_success, ActionResult, ErrorBox};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::domain::estate::{Unit, UnitInput, UnitStatus};
use crate::domain::resident::{IdDocType, PaymentStanding, Relation};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The unit list with its search and forms.
#[component]
pub fn UnitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let role = use_user().role;
    let query = use_query_map();
    let building = move || query.read().get("building").unwrap_or_default();
    let text = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let save = ServerAction::<SaveUnit>::new();
    let add_resident = ServerAction::<CreateResident>::new();
    let editing = RwSignal::new(None::<Unit>);
    let resident_for = RwSignal::new(None::<Unit>);
    let e1 = estate_id.clone();
    let building_list = Resource::new(move || e1.clone(), buildings);
    let e2 = estate_id.clone();
    let list = Resource::new(
        move || {
            (
                e2.clone(),
                building(),
                text(),
                page(),
                save.version().get(),
                add_resident.version().get(),
            )
        },
        |(e, b, q, p, _, _)| units(e, Some(b), q, p),
    );
    view! {
        <RoleGuard allow=Role::can_view_estate>
            <h1>{move || i18n.t("nav.units")}</h1>
            <Form method="GET" action="">
                <div class="toolbar">
                    <label><span>{move || i18n.t("estate.building")}</span>
                        <select name="building">
                            <option value="">{move || i18n.t("common.all")}</option>
                            <Suspense>
                                {move || Suspend::new(async move {
                                    building_list.await.unwrap_or_default().into_iter().map(|b| {
                                        let selected = building() == b.id;
                                        view! { <option value=b.id.clone() selected=selected>{format!("{} {}", b.code, b.name)}</option> }
                                    }).collect_view()
                                })}
                            </Suspense>
                        </select>
                    </label>
                    <label class="grow"><span>{move || i18n.t("common.search")}</span>
                        <input type="search" name="q" value=text placeholder=move || i18n.t("estate.unit_search_hint")/>
                    </label>
                    <button type="submit">{move || i18n.t("common.search")}</button>
                    <Show when=move || role.can_edit_estate()>
                        <button type="button" on:click=move |_| editing.set(Some(blank_unit(&building())))>
                            {move || i18n.t("estate.add_unit")}
                        </button>
                    </Show>
                </div>
            </Form>
            {move || editing.get().map(|u| view! { <UnitForm unit=u action=save editing/> })}
            {move || resident_for.get().map(|u| view! { <ResidentForm unit=u action=add_resident open=resident_for/> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) => {
                            let full = rows.len() as i64 == UNIT_PAGE;
                            view! {
                                <UnitTable rows editing resident_for role/>
                                <Pager page=page() full/>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </RoleGuard>
    }
}

fn blank_unit(building_id: &str) -> Unit {
    Unit {
        id: String::new(),
        building_id: building_id.to_string(),
        building_code: String::new(),
        number: String::new(),
        floor: 1,
        area_m2: 80.0,
        status: UnitStatus::Vacant,
        residents: Vec::new(),
    }
}

#[component]
fn UnitTable(
    rows: Vec<Unit>,
    editing: RwSignal<Option<Unit>>,
    resident_for: RwSignal<Option<Unit>>,
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let can_edit = role.can_edit_estate();
    let can_register = can_edit || role == Role::FrontDesk;
    if rows.is_empty() {
        return view! { <p class="empty">{move || i18n.t("common.nothing_found")}</p> }.into_any();
    }
    view! {
        <table class="grid" data-testid="unit-table">
            <thead><tr>
                <th>{move || i18n.t("estate.unit")}</th>
                <th>{move || i18n.t("estate.floor")}</th>
                <th>{move || i18n.t("estate.area")}</th>
                <th>{move || i18n.t("estate.status")}</th>
                <th>{move || i18n.t("nav.residents")}</th>
                <th></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|u| {
                    let status = u.status.label_key();
                    let for_edit = u.clone();
                    let for_resident = u.clone();
                    view! {
                        <tr>
                            <td><strong>{format!("{}-{}", u.building_code, u.number)}</strong></td>
                            <td>{u.floor}</td>
                            <td>{format!("{:.1} m²", u.area_m2)}</td>
                            <td><span class=format!("badge {}", u.status.as_str())>{move || i18n.t(status)}</span></td>
                            <td>{u.residents.join(", ")}</td>
                            <td class="actions">
                                <Show when=move || can_edit>
                                    <button type="button" on:click={let u = for_edit.clone(); move |_| editing.set(Some(u.clone()))}>
                                        {move || i18n.t("common.edit")}
                                    </button>
                                </Show>
                                <Show when=move || can_register>
                                    <button type="button" on:click={let u = for_resident.clone(); move |_| resident_for.set(Some(u.clone()))}>
                                        {move || i18n.t("estate.add_resident")}
                                    </button>
                                </Show>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Previous/next links that keep the other query parameters.
#[component]
fn Pager(page: i64, full: bool) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let href = move |p: i64| {
        let q = query.read();
        format!(
            "?building={}&q={}&page={p}",
            q.get("building").unwrap_or_default(),
            q.get("q").unwrap_or_default()
        )
    };
    view! {
        <nav class="pager">
            <Show when=move || { page > 0 }>
                <a href=move || href(page - 1)>{move || i18n.t("common.previous")}</a>
            </Show>
            <span>{move || i18n.t("common.page")} " " {page + 1}</span>
            <Show when=move || full>
                <a href=move || href(page + 1)>{move || i18n.t("common.next")}</a>
            </Show>
        </nav>
    }
}

#[component]
fn UnitForm(
    unit: Unit,
    action: ServerAction<SaveUnit>,
    editing: RwSignal<Option<Unit>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = unit.id.clone();
    let is_new = id.is_empty();
    let building_id = unit.building_id.clone();
    let number = RwSignal::new(unit.number.clone());
    let floor = RwSignal::new(unit.floor.to_string());
    let area = RwSignal::new(unit.area_m2.to_string());
    let status = RwSignal::new(unit.status.as_str().to_string());
    let result = RwSignal::new(None);
    close_on_success(action, editing, result);
    view! {
        <form class="panel" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(SaveUnit {
                id: id.clone(),
                input: UnitInput {
                    building_id: building_id.clone(),
                    number: number.get(),
                    floor: floor.get().trim().parse().unwrap_or(i64::MIN),
                    area_m2: area.get().trim().parse().unwrap_or(f64::NAN),
                    status: status.get().parse().unwrap_or(UnitStatus::Vacant),
                },
            });
        }>
            <h3>{move || if is_new { i18n.t("estate.add_unit") } else { i18n.t("estate.edit_unit") }}</h3>
            <Show when=move || is_new && unit.building_id.is_empty()>
                <p class="hint">{move || i18n.t("estate.pick_building_first")}</p>
            </Show>
            <label><span>{move || i18n.t("estate.unit")}</span><input bind:value=number required/></label>
            <label><span>{move || i18n.t("estate.floor")}</span><input type="number" bind:value=floor/></label>
            <label><span>{move || i18n.t("estate.area")}</span><input type="number" step="0.1" bind:value=area/></label>
            <label><span>{move || i18n.t("estate.status")}</span>
                <select bind:value=status>
                    {UnitStatus::ALL.into_iter().map(|s| {
                        let key = s.label_key();
                        view! { <option value=s.as_str()>{move || i18n.t(key)}</option> }
                    }).collect_view()}
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

#[component]
fn ResidentForm(
    unit: Unit,
    action: ServerAction<CreateResident>,
    open: RwSignal<Option<Unit>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let unit_id = unit.id.clone();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let relation = RwSignal::new("owner".to_string());
    let doc_type = RwSignal::new("id_card".to_string());
    let doc_number = RwSignal::new(String::new());
    let standing = RwSignal::new("good".to_string());
    let move_in = RwSignal::new(String::new());
    let result = RwSignal::new(None);
    close_on_success(action, open, result);
    view! {
        <form class="panel" data-testid="resident-form" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(CreateResident { input: NewResident {
                unit_id: unit_id.clone(),
                relation: relation.get().parse().unwrap_or(Relation::Owner),
                name: name.get(),
                phone: phone.get(),
                id_doc_type: doc_type.get().parse().unwrap_or(IdDocType::Other),
                id_doc_number: doc_number.get(),
                payment_standing: standing.get().parse().unwrap_or(PaymentStanding::Good),
                move_in_date: Some(move_in.get()),
            }});
        }>
            <h3>{move || i18n.t("estate.add_resident")} " " {format!("{}-{}", unit.building_code, unit.number)}</h3>
            <label><span>{move || i18n.t("resident.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("resident.phone")}</span><input type="tel" bind:value=phone required/></label>
            <label><span>{move || i18n.t("resident.relation")}</span>
                <select bind:value=relation>
                    {Relation::ALL.into_iter().map(|r| {
                        let key = r.label_key();
                        view! { <option value=r.as_str()>{move || i18n.t(key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label><span>{move || i18n.t("resident.id_doc")}</span>
                <select bind:value=doc_type>
                    {IdDocType::ALL.into_iter().map(|t| {
                        let key = t.label_key();
                        view! { <option value=t.as_str()>{move || i18n.t(key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label><span>{move || i18n.t("resident.id_number")}</span><input bind:value=doc_number required autocomplete="off"/></label>
            <label><span>{move || i18n.t("resident.standing")}</span>
                <select bind:value=standing>
                    <option value="good">{move || i18n.t("standing.good")}</option>
                    <option value="arrears">{move || i18n.t("standing.arrears")}</option>
                </select>
            </label>
            <label><span>{move || i18n.t("resident.move_in")}</span><input type="date" bind:value=move_in/></label>
            <div class="buttons">
                <button type="submit" class="primary">{move || i18n.t("common.save")}</button>
                <button type="button" on:click=move |_| open.set(None)>{move || i18n.t("common.cancel")}</button>
            </div>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}
