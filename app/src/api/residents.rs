//! Residents: search, create, contact and payment standing; a resident's own units.

use crate::domain::estate::Unit;
use crate::domain::resident::{IdDocType, PaymentStanding, Relation, Resident};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// What the desk fills in to register a resident of a unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewResident {
    pub unit_id: String,
    pub relation: Relation,
    pub name: String,
    pub phone: String,
    pub id_doc_type: IdDocType,
    pub id_doc_number: String,
    pub payment_standing: PaymentStanding,
    pub move_in_date: Option<String>,
}

/// Residents of an estate matching a name, phone or unit; ID numbers are masked unless the
/// caller's role may see them.
#[server(prefix = "/api/fn", endpoint = "residents", input = Json)]
pub async fn residents(estate_id: String, query: String) -> Result<Vec<Resident>, AppError> {
    use crate::domain::resident::mask_id_number;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_view_estate())?
            .require_estate(&estate_id)?;
        let mut list = store_ctx()?.list_residents(&estate_id, &query, 100).await?;
        if !c.user.role.can_see_id_numbers() {
            for r in &mut list {
                r.id_doc_number = mask_id_number(&r.id_doc_number);
            }
        }
        Ok(list)
    }
    .await;
    set_status(r)
}

/// Registers a resident of a unit; editors and the front desk of the unit's estate.
#[server(prefix = "/api/fn", endpoint = "create_resident", input = Json)]
pub async fn create_resident(input: NewResident) -> Result<String, AppError> {
    use crate::domain::validate::{required_text, Phone};
    use crate::domain::Role;
    use crate::ssr::store::NewResidentRow;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        new_id, now_ms, store_ctx, Store, StoreError,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate() || r == Role::FrontDesk)?;
        let store = store_ctx()?;
        let estate_id = store.unit_estate(&input.unit_id).await?;
        c.require_estate(&estate_id)?;
        let move_in_date = match input.move_in_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| AppError::invalid("move_in_date", "a date like 2024-05-01"))?
                    .to_string(),
            ),
        };
        let row = NewResidentRow {
            id: new_id(),
            estate_id,
            name: required_text("name", &input.name, 100)?,
            phone: Phone::parse(&input.phone)?.as_str().to_string(),
            id_doc_type: input.id_doc_type,
            id_doc_number: required_text("id_doc_number", &input.id_doc_number, 40)?,
            payment_standing: input.payment_standing,
            move_in_date,
        };
        let now = now_ms();
        let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
        Store::insert_resident(&mut tx, &row, now).await?;
        Store::link_resident_unit(&mut tx, &row.id, &input.unit_id, input.relation).await?;
        Store::audit_in(
            &mut tx,
            Some(&c.user.id),
            "create",
            "resident",
            &row.id,
            &row.name,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(row.id)
    }
    .await;
    set_status(r)
}

/// Changes a resident's phone and payment standing; editors and cashiers (standing).
#[server(prefix = "/api/fn", endpoint = "update_resident", input = Json)]
pub async fn update_resident(
    id: String,
    phone: String,
    payment_standing: PaymentStanding,
) -> Result<(), AppError> {
    use crate::domain::validate::Phone;
    use crate::domain::Role;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_edit_estate() || r == Role::Cashier || r == Role::FrontDesk)?;
        let store = store_ctx()?;
        let (estate_id, before) = store.resident(&id).await?;
        c.require_estate(&estate_id)?;
        let phone = Phone::parse(&phone)?;
        store
            .update_resident_contact(&id, phone.as_str(), payment_standing, now_ms())
            .await?;
        let detail = format!(
            "phone {} -> {}; standing {} -> {}",
            before.phone,
            phone.as_str(),
            before.payment_standing.as_str(),
            payment_standing.as_str()
        );
        store
            .audit(Some(&c.user.id), "update", "resident", &id, &detail)
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}

/// The signed-in resident's own units.
#[server(prefix = "/api/fn", endpoint = "my_units", input = Json)]
pub async fn my_units() -> Result<Vec<Unit>, AppError> {
    use crate::domain::Role;
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r == Role::Resident)?;
        Ok(store_ctx()?.units_by_ids(&c.user.unit_ids).await?)
    }
    .await;
    set_status(r)
}
