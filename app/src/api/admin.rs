//! Account administration: staff accounts, disabling, password resets, sessions.

use crate::domain::user::{Account, NewStaff};
use crate::domain::{AppError, Department, Role};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every account with its live session count (managers and admins).
#[server(prefix = "/api/fn", endpoint = "accounts", input = Json)]
pub async fn accounts() -> Result<Vec<Account>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_manage_staff())?;
        Ok(store_ctx()?
            .list_accounts(&c.user.estate_ids, now_ms())
            .await?)
    }
    .await;
    set_status(r)
}

/// Creates a staff account in estates of the caller's scope.
#[server(prefix = "/api/fn", endpoint = "create_staff", input = Json)]
pub async fn create_staff(input: NewStaff) -> Result<String, AppError> {
    use crate::domain::validate::{required_text, NewPassword, Username};
    use crate::ssr::store::NewUserRow;
    use crate::ssr::{
        auth,
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_manage_staff())?;
        if !input.role.is_staff() {
            return Err(AppError::invalid(
                "role",
                "residents are registered from their unit",
            ));
        }
        // Only an admin makes admins.
        if input.role == Role::Admin && c.user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let mut estate_ids = input.estate_ids.clone();
        estate_ids.sort();
        estate_ids.dedup();
        if estate_ids.is_empty() {
            return Err(AppError::invalid(
                "estate_ids",
                "choose at least one estate",
            ));
        }
        for e in &estate_ids {
            c.require_estate(e)?;
        }
        let username = Username::parse(&input.username)?;
        let password = NewPassword::parse(&input.password)?;
        let row = NewUserRow {
            id: auth::new_user_id(),
            username: username.as_str().to_string(),
            display_name: required_text("display_name", &input.display_name, 60)?,
            password_hash: auth::hash_password_blocking(password.as_str().to_string()).await?,
            role: input.role,
            department: Some(input.department),
            resident_id: None,
            estate_ids,
        };
        let store = store_ctx()?;
        store.create_user(&row).await?;
        store
            .audit(
                Some(&c.user.id),
                "create",
                "user",
                &row.id,
                &format!("{} {}", row.username, row.role),
            )
            .await?;
        Ok(row.id)
    }
    .await;
    set_status(r)
}

/// Disables (ending its sessions) or re-enables an account; not one's own.
#[server(prefix = "/api/fn", endpoint = "set_account_disabled", input = Json)]
pub async fn set_account_disabled(user_id: String, disabled: bool) -> Result<(), AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        let store = store_ctx()?;
        c.require_account(&store, &user_id).await?;
        store.set_disabled(&user_id, disabled, now_ms()).await?;
        let action = if disabled { "disable" } else { "enable" };
        store
            .audit(Some(&c.user.id), action, "user", &user_id, "")
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}

/// Gives a staff account another role and department; not one's own (no self-promotion,
/// no locking oneself out).
#[server(prefix = "/api/fn", endpoint = "set_staff_role", input = Json)]
pub async fn set_staff_role(
    user_id: String,
    role: Role,
    department: Department,
) -> Result<(), AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        let store = store_ctx()?;
        c.require_account(&store, &user_id).await?;
        if !role.is_staff() {
            return Err(AppError::invalid(
                "role",
                "residents are registered from their unit",
            ));
        }
        // Only an admin makes admins.
        if role == Role::Admin && c.user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        store
            .set_staff_role(&user_id, role, department, now_ms())
            .await?;
        let detail = format!("{} {}", role.as_str(), department.as_str());
        store
            .audit(Some(&c.user.id), "set_role", "user", &user_id, &detail)
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}

/// Sets a new password for an account and ends its sessions.
#[server(prefix = "/api/fn", endpoint = "reset_password", input = Json)]
pub async fn reset_password(user_id: String, new_password: String) -> Result<(), AppError> {
    use crate::domain::validate::NewPassword;
    use crate::ssr::{
        auth,
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        let store = store_ctx()?;
        c.require_account(&store, &user_id).await?;
        let password = NewPassword::parse(&new_password)?;
        let hash = auth::hash_password_blocking(password.as_str().to_string()).await?;
        store
            .set_password_hash(&user_id, &hash, None, now_ms())
            .await?;
        store
            .audit(Some(&c.user.id), "reset_password", "user", &user_id, "")
            .await?;
        Ok(())
    }
    .await;
    set_status(r)
}

/// Ends every session of an account (a lost tablet, a leaver).
#[server(prefix = "/api/fn", endpoint = "revoke_sessions", input = Json)]
pub async fn revoke_sessions(user_id: String) -> Result<u64, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        now_ms, store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        let store = store_ctx()?;
        c.require_account(&store, &user_id).await?;
        let n = store.revoke_user_sessions(&user_id, now_ms()).await?;
        store
            .audit(
                Some(&c.user.id),
                "revoke_sessions",
                "user",
                &user_id,
                &n.to_string(),
            )
            .await?;
        Ok(n)
    }
    .await;
    set_status(r)
}
