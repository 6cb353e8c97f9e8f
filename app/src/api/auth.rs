//! Sign-in, sign-out, the current user and password change.

use crate::domain::user::CurrentUser;
use crate::domain::AppError;
use leptos::prelude::*;

/// Signs in with a username and password and sets the session cookie.
///
/// The sign-in form also works before the app's script has loaded: the browser then posts
/// it as a plain form, and the answer is a redirect to the role's home, or back to the
/// form with the error's code (`/login?failed=…`), which the form shows.
#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::ssr::{auth, caller::set_status, store_ctx};
    let parts = use_context::<http::request::Parts>();
    let plain_form = parts.as_ref().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    let r = async {
        let store = store_ctx()?;
        let parts = parts.as_ref().ok_or(AppError::Internal)?;
        let ip = crate::ssr::caller::client_ip(parts);
        let ua = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let signed = auth::sign_in(&store, &username, &password, &ip, ua).await?;
        let opts = expect_context::<leptos_axum::ResponseOptions>();
        if let Ok(v) = auth::session_cookie(
            &signed.token,
            use_context::<auth::CookiePolicy>().is_some_and(|p| p.secure),
        )
        .parse()
        {
            opts.append_header(http::header::SET_COOKIE, v);
        }
        Ok(signed.user)
    }
    .await;
    if plain_form {
        // A redirect needs a 3xx status: the error travels in the address instead.
        match &r {
            Ok(user) => leptos_axum::redirect(user.role.home_path()),
            Err(e) => leptos_axum::redirect(&crate::pages::login::failed_path(e)),
        }
        return r;
    }
    set_status(r)
}

/// Signs out: ends the session on the server and clears the cookie.
#[server(prefix = "/api/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{auth, caller::server_fn_optional_caller, now_ms, store_ctx};
    if let Some(c) = server_fn_optional_caller().await? {
        store_ctx()?.revoke_session(&c.token_hash, now_ms()).await?;
    }
    let opts = expect_context::<leptos_axum::ResponseOptions>();
    if let Ok(v) = auth::clear_session_cookie().parse() {
        opts.append_header(http::header::SET_COOKIE, v);
    }
    Ok(())
}

/// Changes the caller's own password; their other sessions end.
#[server(prefix = "/api/fn", endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    use crate::ssr::{
        auth,
        caller::{server_fn_caller, set_status},
        store_ctx,
    };
    let r = async {
        let c = server_fn_caller().await?;
        auth::change_password(&store_ctx()?, &c.user.id, &c.token_hash, &current, &new).await
    }
    .await;
    set_status(r)
}
