//! The screen for paths that lead nowhere.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// 404, with a way home.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(o) = use_context::<leptos_axum::ResponseOptions>() {
        o.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <main class="page narrow">
            <h1>{move || i18n.t("error.page_not_found")}</h1>
            <a class="button" href="/">{move || i18n.t("guard.go_home")}</a>
        </main>
    }
}
