//! Server functions of the case screens: the device's directory, the supervisor's queue
//! and search over every case, a unit's payment standing, and the service levels.

use crate::domain::cases::{Case, CaseFilter, Directory, Policy};
use crate::domain::resident::PaymentStanding;
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// What the caller's device needs to run the case rules offline.
#[server(prefix = "/api/fn", endpoint = "case_directory", input = Json)]
pub async fn case_directory() -> Result<Directory, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        let own = (!c.user.role.is_staff()).then_some(c.user.unit_ids.as_slice());
        Ok(store_ctx()?.case_directory(&c.user.estate_ids, own).await?)
    }
    .await;
    set_status(r)
}

/// The queue over every case of the caller's estates, on the server (full-text search
/// included); staff only. The screens use it online and their replica offline.
#[server(prefix = "/api/fn", endpoint = "case_queue", input = Json)]
pub async fn case_queue(filter: CaseFilter) -> Result<Vec<Case>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.is_staff())?;
        if filter.q.chars().count() > 200 {
            return Err(AppError::Invalid {
                field: "q".into(),
                message: "at most 200 characters".into(),
            });
        }
        Ok(store_ctx()?
            .case_queue(&c.user.estate_ids, &filter, now_ms())
            .await?)
    }
    .await;
    set_status(r)
}

/// A resident of a unit as the desk sees them when judging a complaint.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Standing {
    pub name: String,
    pub relation: String,
    pub standing: PaymentStanding,
}

/// The payment standing of a unit's residents (the desk, for communicative complaints).
#[server(prefix = "/api/fn", endpoint = "unit_standing", input = Json)]
pub async fn unit_standing(unit_id: String) -> Result<Vec<Standing>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(crate::domain::cases::runs_desk)?;
        let store = store_ctx()?;
        let estate = store.unit_estate(&unit_id).await?;
        c.require_estate(&estate)?;
        Ok(store
            .unit_standing(&unit_id)
            .await?
            .into_iter()
            .map(|(name, relation, standing)| Standing {
                name,
                relation,
                standing,
            })
            .collect())
    }
    .await;
    set_status(r)
}

/// The service levels of the chosen estate.
#[server(prefix = "/api/fn", endpoint = "case_policy", input = Json)]
pub async fn case_policy(estate_id: String) -> Result<Policy, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.is_staff())?.require_estate(&estate_id)?;
        Ok(store_ctx()?.case_policy(&estate_id).await?)
    }
    .await;
    set_status(r)
}

/// Sets the estate's service levels (supervisor, manager, admin); audited.
#[server(prefix = "/api/fn", endpoint = "set_case_policy", input = Json)]
pub async fn set_case_policy(estate_id: String, policy: Policy) -> Result<(), AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(crate::domain::cases::supervises)?
            .require_estate(&estate_id)?;
        policy.validate().map_err(|e| AppError::Invalid {
            field: "policy".into(),
            message: e.to_string(),
        })?;
        let store = store_ctx()?;
        let now = now_ms();
        store
            .set_case_policy(&estate_id, &policy, &c.user.id, now)
            .await?;
        store
            .audit(
                Some(&c.user.id),
                "case_policy.set",
                "estate",
                &estate_id,
                &serde_json::to_string(&policy).unwrap_or_default(),
            )
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}
