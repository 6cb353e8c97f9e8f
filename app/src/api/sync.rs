//! Sync health for supervisors: mutations the server rejected and devices' seq gaps.

use crate::domain::sync::{RejectedMutation, SeqGap};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The newest rejected mutations of the caller's estates (supervisor, manager, admin).
#[server(prefix = "/api/fn", endpoint = "sync_rejections", input = Json)]
pub async fn sync_rejections() -> Result<Vec<RejectedMutation>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_see_sync_health())?;
        Ok(store_ctx()?.rejections(&c.user.estate_ids, 200).await?)
    }
    .await;
    set_status(r)
}

/// Seq numbers devices of the caller's estates never sent.
#[server(prefix = "/api/fn", endpoint = "sync_gaps", input = Json)]
pub async fn sync_gaps() -> Result<Vec<SeqGap>, AppError> {
    use crate::ssr::{
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        c.require(|r| r.can_see_sync_health())?;
        Ok(store_ctx()?.seq_gaps(&c.user.estate_ids).await?)
    }
    .await;
    set_status(r)
}
