//! `/estate`: buildings, common areas and facilities; editors add them.

use super::Loading;
use crate::api::estate::{
    buildings, places, CreateBuilding, CreateEstate, CreatePlace, UpdateBuilding, UpdatePlace,
};
use crate::components::feedback::{close_on_success, ActionResult, ErrorBox};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::domain::estate::{Building, Place, PlaceKind};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The estate overview.
#[component]
pub fn EstatePage() -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let role = use_user().role;
    let can_edit = role.can_edit_estate();
    let can_open_estate = role.can_create_estate();
    let add_building = ServerAction::<CreateBuilding>::new();
    let add_place = ServerAction::<CreatePlace>::new();
    let edit_building = ServerAction::<UpdateBuilding>::new();
    let edit_place = ServerAction::<UpdatePlace>::new();
    let editing_building = RwSignal::new(None::<Building>);
    let editing_place = RwSignal::new(None::<Place>);
    let e1 = estate_id.clone();
    let list = Resource::new(
        move || {
            (
                e1.clone(),
                add_building.version().get(),
                edit_building.version().get(),
            )
        },
        |(e, _, _)| buildings(e),
    );
    let place_list = Resource::new(
        move || {
            (
                estate_id.clone(),
                add_place.version().get(),
                edit_place.version().get(),
            )
        },
        |(e, _, _)| places(e),
    );
    view! {
        <RoleGuard allow=Role::can_view_estate>
            <h1>{move || i18n.t("nav.estate")}</h1>
            <h2>{move || i18n.t("estate.buildings")}</h2>
            {move || editing_building.get().map(|b| view! { <BuildingEdit b action=edit_building open=editing_building/> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) => view! {
                            <table class="grid">
                                <thead><tr>
                                    <th>{move || i18n.t("estate.code")}</th>
                                    <th>{move || i18n.t("estate.name")}</th>
                                    <th>{move || i18n.t("estate.floors")}</th>
                                    <th>{move || i18n.t("estate.units")}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|b| {
                                        let for_edit = b.clone();
                                        view! {
                                            <tr>
                                                <td><a href=format!("/estate/units?building={}", b.id)>{b.code.clone()}</a></td>
                                                <td>{b.name.clone()}</td>
                                                <td>{b.floors}</td>
                                                <td>{b.unit_count}</td>
                                                <td class="actions">
                                                    <Show when=move || can_edit>
                                                        <button type="button" on:click={let b = for_edit.clone(); move |_| editing_building.set(Some(b.clone()))}>
                                                            {move || i18n.t("common.edit")}
                                                        </button>
                                                    </Show>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <Show when=move || can_edit>
                <BuildingForm action=add_building/>
            </Show>
            <h2>{move || i18n.t("estate.places")}</h2>
            {move || editing_place.get().map(|p| view! { <PlaceEdit p action=edit_place open=editing_place/> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match place_list.await {
                        Ok(rows) => view! {
                            <table class="grid">
                                <thead><tr>
                                    <th>{move || i18n.t("estate.kind")}</th>
                                    <th>{move || i18n.t("estate.code")}</th>
                                    <th>{move || i18n.t("estate.name")}</th>
                                    <th>{move || i18n.t("estate.category")}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|p| {
                                        let kind = match p.kind {
                                            PlaceKind::CommonArea => "estate.common_area",
                                            PlaceKind::Facility => "estate.facility",
                                        };
                                        let for_edit = p.clone();
                                        view! {
                                            <tr>
                                                <td>{move || i18n.t(kind)}</td>
                                                <td><code>{p.code.clone()}</code></td>
                                                <td>{p.name.clone()}</td>
                                                <td>{p.category.clone()}</td>
                                                <td class="actions">
                                                    <Show when=move || can_edit>
                                                        <button type="button" on:click={let p = for_edit.clone(); move |_| editing_place.set(Some(p.clone()))}>
                                                            {move || i18n.t("common.edit")}
                                                        </button>
                                                    </Show>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <Show when=move || can_edit>
                <PlaceForm action=add_place/>
            </Show>
            <Show when=move || can_open_estate>
                <EstateForm/>
            </Show>
        </RoleGuard>
    }
}

#[component]
fn BuildingForm(action: ServerAction<CreateBuilding>) -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let floors = RwSignal::new("18".to_string());
    let result = RwSignal::new(None);
    Effect::new(move |_| result.set(action.value().get()));
    view! {
        <form class="inline-form" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(CreateBuilding {
                estate_id: estate_id.clone(),
                code: code.get(),
                name: name.get(),
                floors: floors.get().trim().parse().unwrap_or(0),
            });
        }>
            <h3>{move || i18n.t("estate.add_building")}</h3>
            <label><span>{move || i18n.t("estate.code")}</span><input bind:value=code required/></label>
            <label><span>{move || i18n.t("estate.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("estate.floors")}</span><input type="number" min="1" max="200" bind:value=floors/></label>
            <button type="submit" class="primary">{move || i18n.t("common.add")}</button>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}

#[component]
fn PlaceForm(action: ServerAction<CreatePlace>) -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let kind = RwSignal::new("facility".to_string());
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let result = RwSignal::new(None);
    Effect::new(move |_| result.set(action.value().get()));
    view! {
        <form class="inline-form" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(CreatePlace {
                estate_id: estate_id.clone(),
                kind: if kind.get() == "facility" { PlaceKind::Facility } else { PlaceKind::CommonArea },
                code: code.get(),
                name: name.get(),
                category: category.get(),
            });
        }>
            <h3>{move || i18n.t("estate.add_place")}</h3>
            <label><span>{move || i18n.t("estate.kind")}</span>
                <select bind:value=kind>
                    <option value="facility">{move || i18n.t("estate.facility")}</option>
                    <option value="common_area">{move || i18n.t("estate.common_area")}</option>
                </select>
            </label>
            <label><span>{move || i18n.t("estate.code")}</span><input bind:value=code required/></label>
            <label><span>{move || i18n.t("estate.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("estate.category")}</span><input bind:value=category/></label>
            <button type="submit" class="primary">{move || i18n.t("common.add")}</button>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}

/// Opens another estate (admins); the estate switch in the header then offers it.
#[component]
fn EstateForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateEstate>::new();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let result = RwSignal::new(None);
    Effect::new(move |_| result.set(action.value().get()));
    view! {
        <h2>{move || i18n.t("estate.estates")}</h2>
        <form class="inline-form" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(CreateEstate { code: code.get(), name: name.get(), address: address.get() });
        }>
            <h3>{move || i18n.t("estate.add_estate")}</h3>
            <label><span>{move || i18n.t("estate.code")}</span><input bind:value=code required/></label>
            <label><span>{move || i18n.t("estate.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("estate.address")}</span><input bind:value=address/></label>
            <button type="submit" class="primary">{move || i18n.t("common.add")}</button>
            <ActionResult value=result ok_key="estate.estate_created"/>
        </form>
    }
}

#[component]
fn BuildingEdit(
    b: Building,
    action: ServerAction<UpdateBuilding>,
    open: RwSignal<Option<Building>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(b.name.clone());
    let floors = RwSignal::new(b.floors.to_string());
    let result = RwSignal::new(None);
    close_on_success(action, open, result);
    let id = b.id.clone();
    view! {
        <form class="panel" data-testid="building-edit" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(UpdateBuilding { id: id.clone(), name: name.get(), floors: floors.get().trim().parse().unwrap_or(0) });
        }>
            <h3>{move || i18n.t("common.edit")} " " {b.code.clone()}</h3>
            <label><span>{move || i18n.t("estate.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("estate.floors")}</span><input type="number" min="1" max="200" bind:value=floors/></label>
            <div class="buttons">
                <button type="submit" class="primary">{move || i18n.t("common.save")}</button>
                <button type="button" on:click=move |_| open.set(None)>{move || i18n.t("common.cancel")}</button>
            </div>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}

#[component]
fn PlaceEdit(
    p: Place,
    action: ServerAction<UpdatePlace>,
    open: RwSignal<Option<Place>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(p.name.clone());
    let category = RwSignal::new(p.category.clone());
    let result = RwSignal::new(None);
    close_on_success(action, open, result);
    let id = p.id.clone();
    view! {
        <form class="panel" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(UpdatePlace { id: id.clone(), name: name.get(), category: category.get() });
        }>
            <h3>{move || i18n.t("common.edit")} " " <code>{p.code.clone()}</code></h3>
            <label><span>{move || i18n.t("estate.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("estate.category")}</span><input bind:value=category/></label>
            <div class="buttons">
                <button type="submit" class="primary">{move || i18n.t("common.save")}</button>
                <button type="button" on:click=move |_| open.set(None)>{move || i18n.t("common.cancel")}</button>
            </div>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}
