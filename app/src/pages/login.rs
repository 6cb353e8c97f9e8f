//! Sign-in.

use crate::api::auth::SignIn;
use crate::components::feedback::ErrorBox;
use crate::components::layout::LangSwitch;
use crate::i18n::use_i18n;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The sign-in form; on success the browser loads the role's home afresh.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
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
                {move || action.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox err=e/> })}
                <LangSwitch/>
            </div>
        </main>
    }
}
