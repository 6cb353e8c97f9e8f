//! Sign-in.

use crate::api::auth::SignIn;
use crate::components::feedback::ErrorBox;
use crate::components::layout::LangSwitch;
use crate::domain::AppError;
use crate::i18n::use_i18n;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Where a sign-in posted without the app's script lands when it fails: the form again,
/// with the error's code (and the wait, when throttled) in the address.
pub fn failed_path(e: &AppError) -> String {
    match e {
        AppError::Throttled { retry_after_secs } => {
            format!("/login?failed=throttled&retry={retry_after_secs}")
        }
        _ => format!("/login?failed={}", e.code()),
    }
}

/// The error a `failed_path` address names; an unknown code reads as a server error.
pub fn failed_error(code: &str, retry: Option<&str>) -> AppError {
    match code {
        "bad_credentials" => AppError::BadCredentials,
        "account_disabled" => AppError::AccountDisabled,
        "throttled" => AppError::Throttled {
            retry_after_secs: retry.and_then(|r| r.parse().ok()).unwrap_or(0),
        },
        "invalid" => AppError::invalid("username", "required"),
        _ => AppError::Internal,
    }
}

/// The sign-in form; on success the browser loads the role's home afresh.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    // Set when the form was posted before the script loaded and the server sent it back.
    let failed_before = move || {
        query.with(|q| {
            q.get("failed")
                .map(|code| failed_error(&code, q.get("retry").as_deref()))
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            // Pages kept for offline use belong to whoever was signed in before.
            crate::browser::forget_cached_pages();
            crate::browser::load_page(user.role.home_path());
        }
    });
    view! {
        <main class="login">
            <div class="login-card">
                <h1>{move || i18n.t("app.name")}</h1>
                <p class="tagline">{move || i18n.t("login.tagline")}</p>
                <ActionForm action=action>
                    <label>
                        <span>{move || i18n.t("login.username")}</span>
                        <input name="username" autocomplete="username" required autocapitalize="none"/>
                    </label>
                    <label>
                        <span>{move || i18n.t("login.password")}</span>
                        <input name="password" type="password" autocomplete="current-password" required/>
                    </label>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        {move || i18n.t("login.submit")}
                    </button>
                </ActionForm>
                {move || {
                    action
                        .value()
                        .get()
                        .map(|r| r.err())
                        .unwrap_or_else(failed_before)
                        .map(|e| view! { <ErrorBox err=e/> })
                }}
                <LangSwitch/>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_sign_in_survives_the_trip_through_the_address() {
        for e in [
            AppError::BadCredentials,
            AppError::AccountDisabled,
            AppError::Throttled {
                retry_after_secs: 840,
            },
            AppError::Internal,
        ] {
            let path = failed_path(&e);
            let query = path.split_once('?').unwrap().1;
            let get = |k: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                    .map(str::to_string)
            };
            assert_eq!(
                failed_error(&get("failed").unwrap(), get("retry").as_deref()),
                e
            );
        }
        assert_eq!(failed_error("made-up", None), AppError::Internal);
    }
}
