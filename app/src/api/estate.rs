//! Browsing and editing the estate: estates, buildings, units, places, CSV import.

use crate::domain::estate::{Building, Estate, Place, PlaceKind, Unit, UnitInput};
use crate::domain::import::ImportReport;
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Units per page in lists.
pub const UNIT_PAGE: i64 = 50;

/// The estates in the caller's scope (staff).
#[server(prefix = "/api/fn", endpoint = "estates", input = Json)]
pub async fn estates() -> Result<Vec<Estate>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_view_estate())?;
        let all = store_ctx()?.list_estates().await?;
        Ok(all
            .into_iter()
            .filter(|e| c.user.in_estate(&e.id))
            .collect())
    }
    .await;
    set_status(r)
}

/// Opens a new estate; admins only, and the admin joins it.
#[server(prefix = "/api/fn", endpoint = "create_estate", input = Json)]
pub async fn create_estate(
    code: String,
    name: String,
    address: String,
) -> Result<String, AppError> {
    use crate::domain::validate::{code as parse_code, required_text};
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        new_id, now_ms, store_ctx, Store, StoreError,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_create_estate())?;
        let e = Estate {
            id: new_id(),
            code: parse_code("code", &code)?,
            name: required_text("name", &name, 100)?,
            address: address.trim().chars().take(200).collect(),
        };
        let store = store_ctx()?;
        let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
        Store::insert_estate(&mut tx, &e, now_ms()).await?;
        Store::add_user_estate(&mut tx, &c.user.id, &e.id).await?;
        Store::audit_in(
            &mut tx,
            Some(&c.user.id),
            "create",
            "estate",
            &e.id,
            &e.code,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(e.id)
    }
    .await;
    set_status(r)
}

/// The buildings of an estate with their unit counts (staff of that estate).
#[server(prefix = "/api/fn", endpoint = "buildings", input = Json)]
pub async fn buildings(estate_id: String) -> Result<Vec<Building>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_view_estate())?
            .require_estate(&estate_id)?;
        Ok(store_ctx()?.list_buildings(&estate_id).await?)
    }
    .await;
    set_status(r)
}

/// Units of an estate, optionally of one building, matching a number or resident name.
#[server(prefix = "/api/fn", endpoint = "units", input = Json)]
pub async fn units(
    estate_id: String,
    building_id: Option<String>,
    query: String,
    page: i64,
) -> Result<Vec<Unit>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store::UnitFilter,
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_view_estate())?
            .require_estate(&estate_id)?;
        let filter = UnitFilter {
            estate_id,
            building_id: building_id.filter(|b| !b.is_empty()),
            query: Some(query).filter(|q| !q.trim().is_empty()),
            limit: UNIT_PAGE,
            offset: page.clamp(0, 100_000) * UNIT_PAGE,
        };
        Ok(store_ctx()?.list_units(&filter).await?)
    }
    .await;
    set_status(r)
}

/// Creates a unit (`id` empty) or changes one; editors of the unit's estate only.
#[server(prefix = "/api/fn", endpoint = "save_unit", input = Json)]
pub async fn save_unit(id: String, input: UnitInput) -> Result<String, AppError> {
    use crate::domain::validate::code;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        new_id, now_ms, store_ctx, Store,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate())?;
        let store = store_ctx()?;
        let mut input = input;
        input.number = code("number", &input.number)?;
        if !(input.area_m2.is_finite() && input.area_m2 > 0.0 && input.area_m2 < 100_000.0) {
            return Err(AppError::invalid(
                "area_m2",
                "a positive number of square metres",
            ));
        }
        if !(-10..=200).contains(&input.floor) {
            return Err(AppError::invalid("floor", "a whole number from -10 to 200"));
        }
        let estate = store.building_estate(&input.building_id).await?;
        c.require_estate(&estate)?;
        let now = now_ms();
        if id.is_empty() {
            let id = new_id();
            let mut tx = store
                .pool()
                .begin()
                .await
                .map_err(crate::ssr::StoreError::from)?;
            Store::insert_unit(&mut tx, &id, &estate, &input, now).await?;
            Store::audit_in(
                &mut tx,
                Some(&c.user.id),
                "create",
                "unit",
                &id,
                &input.number,
            )
            .await?;
            tx.commit().await.map_err(crate::ssr::StoreError::from)?;
            Ok(id)
        } else {
            if store.unit_estate(&id).await? != estate {
                return Err(AppError::invalid(
                    "building_id",
                    "a unit stays in its estate",
                ));
            }
            store.update_unit(&id, &input, now).await?;
            let detail = format!(
                "{} floor {} {} m² {}",
                input.number,
                input.floor,
                input.area_m2,
                input.status.as_str()
            );
            store
                .audit(Some(&c.user.id), "update", "unit", &id, &detail)
                .await?;
            Ok(id)
        }
    }
    .await;
    set_status(r)
}

/// Adds a building to an estate; editors of that estate only.
#[server(prefix = "/api/fn", endpoint = "create_building", input = Json)]
pub async fn create_building(
    estate_id: String,
    code: String,
    name: String,
    floors: i64,
) -> Result<String, AppError> {
    use crate::domain::validate::{code as parse_code, required_text};
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        new_id, now_ms, store_ctx, Store, StoreError,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate())?
            .require_estate(&estate_id)?;
        if !(1..=200).contains(&floors) {
            return Err(AppError::invalid("floors", "a whole number from 1 to 200"));
        }
        let b = Building {
            id: new_id(),
            estate_id,
            code: parse_code("code", &code)?,
            name: required_text("name", &name, 100)?,
            floors,
            unit_count: 0,
        };
        let store = store_ctx()?;
        let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
        Store::insert_building(&mut tx, &b, now_ms()).await?;
        Store::audit_in(
            &mut tx,
            Some(&c.user.id),
            "create",
            "building",
            &b.id,
            &b.code,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(b.id)
    }
    .await;
    set_status(r)
}

/// Renames a building or corrects its floors; editors of its estate only.
#[server(prefix = "/api/fn", endpoint = "update_building", input = Json)]
pub async fn update_building(id: String, name: String, floors: i64) -> Result<(), AppError> {
    use crate::domain::validate::required_text;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate())?;
        let store = store_ctx()?;
        c.require_estate(&store.building_estate(&id).await?)?;
        if !(1..=200).contains(&floors) {
            return Err(AppError::invalid("floors", "a whole number from 1 to 200"));
        }
        let name = required_text("name", &name, 100)?;
        store.update_building(&id, &name, floors).await?;
        let detail = format!("{name}, {floors} floors");
        store
            .audit(Some(&c.user.id), "update", "building", &id, &detail)
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}

/// Renames a common area or facility or changes its category; editors of its estate.
#[server(prefix = "/api/fn", endpoint = "update_place", input = Json)]
pub async fn update_place(id: String, name: String, category: String) -> Result<(), AppError> {
    use crate::domain::validate::required_text;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate())?;
        let store = store_ctx()?;
        c.require_estate(&store.place_estate(&id).await?)?;
        let name = required_text("name", &name, 100)?;
        let category: String = category.trim().chars().take(40).collect();
        store.update_place(&id, &name, &category).await?;
        let detail = format!("{name} ({category})");
        store
            .audit(Some(&c.user.id), "update", "place", &id, &detail)
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}

/// The common areas and facilities of an estate (staff of that estate).
#[server(prefix = "/api/fn", endpoint = "places", input = Json)]
pub async fn places(estate_id: String) -> Result<Vec<Place>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_view_estate())?
            .require_estate(&estate_id)?;
        Ok(store_ctx()?.list_places(&estate_id).await?)
    }
    .await;
    set_status(r)
}

/// Adds a common area or facility with its printable code; editors only.
#[server(prefix = "/api/fn", endpoint = "create_place", input = Json)]
pub async fn create_place(
    estate_id: String,
    kind: PlaceKind,
    code: String,
    name: String,
    category: String,
) -> Result<String, AppError> {
    use crate::domain::validate::{code as parse_code, required_text};
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        new_id, now_ms, store_ctx, Store, StoreError,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate())?
            .require_estate(&estate_id)?;
        let p = Place {
            id: new_id(),
            estate_id,
            building_id: None,
            kind,
            code: parse_code("code", &code)?,
            name: required_text("name", &name, 100)?,
            category: category.trim().chars().take(40).collect(),
        };
        let store = store_ctx()?;
        let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
        Store::insert_place(&mut tx, &p, now_ms()).await?;
        Store::audit_in(&mut tx, Some(&c.user.id), "create", "place", &p.id, &p.code).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(p.id)
    }
    .await;
    set_status(r)
}

/// Imports an estate CSV (see `domain::import`); editors of that estate only.
#[server(prefix = "/api/fn", endpoint = "import_estate_csv", input = Json)]
pub async fn import_estate_csv(
    estate_id: String,
    csv: String,
    skip_bad_rows: bool,
) -> Result<ImportReport, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        import::import_csv,
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate())?
            .require_estate(&estate_id)?;
        import_csv(
            &store_ctx()?,
            &estate_id,
            csv.as_bytes(),
            skip_bad_rows,
            Some(&c.user.id),
        )
        .await
    }
    .await;
    set_status(r)
}
