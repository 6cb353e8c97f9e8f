//! Screens for some roles only. The server checks every call anyway; this keeps people
//! from landing on screens that would only show refusals.

use super::layout::use_user;
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Shows its children when the signed-in role passes `allow`, else a refusal (403).
#[component]
pub fn RoleGuard(allow: fn(Role) -> bool, children: ChildrenFn) -> impl IntoView {
    let user = use_user();
    if allow(user.role) {
        children().into_any()
    } else {
        forbidden_status();
        let i18n = use_i18n();
        let home = user.role.home_path();
        view! {
            <section class="forbidden" data-testid="forbidden">
                <h1>{move || i18n.t("error.forbidden")}</h1>
                <p>{move || i18n.t("guard.explain")}</p>
                <a class="button" href=home>{move || i18n.t("guard.go_home")}</a>
            </section>
        }
        .into_any()
    }
}

/// Marks the server's response as 403 when a refusal is rendered there.
fn forbidden_status() {
    #[cfg(feature = "ssr")]
    if let Some(o) = use_context::<leptos_axum::ResponseOptions>() {
        o.set_status(http::StatusCode::FORBIDDEN);
    }
}
