//! `/account`: who I am, language, password, sign-out.

use crate::api::auth::{ChangePassword, SignOut};
use crate::components::feedback::ActionResult;
use crate::components::layout::{use_user, LangSwitch};
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The signed-in person's own settings.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let role_key = user.role.label_key();
    let dept_key = user.department.map(|d| d.label_key());
    let change = ServerAction::<ChangePassword>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let result = RwSignal::new(None);
    Effect::new(move |_| result.set(change.value().get()));
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            crate::browser::forget_cached_pages();
            crate::browser::load_page("/login");
        }
    });
    view! {
        <h1>{move || i18n.t("nav.account")}</h1>
        <dl class="facts">
            <dt>{move || i18n.t("staff.name")}</dt><dd>{user.display_name.clone()}</dd>
            <dt>{move || i18n.t("login.username")}</dt><dd><code>{user.username.clone()}</code></dd>
            <dt>{move || i18n.t("staff.role")}</dt><dd>{move || i18n.t(role_key)}</dd>
            <dt>{move || i18n.t("staff.department")}</dt><dd>{move || dept_key.map(|k| i18n.t(k)).unwrap_or_else(|| "—".into())}</dd>
        </dl>
        <section class="panel">
            <h2>{move || i18n.t("common.language")}</h2>
            <LangSwitch/>
        </section>
        <form class="panel" on:submit=move |ev| {
            ev.prevent_default();
            change.dispatch(ChangePassword { current: current.get(), new: new.get() });
        }>
            <h2>{move || i18n.t("account.change_password")}</h2>
            <label><span>{move || i18n.t("account.current_password")}</span>
                <input type="password" autocomplete="current-password" bind:value=current required/></label>
            <label><span>{move || i18n.t("account.new_password")}</span>
                <input type="password" autocomplete="new-password" bind:value=new required minlength="8"/></label>
            <button type="submit" class="primary">{move || i18n.t("common.save")}</button>
            <ActionResult value=result ok_key="account.password_changed"/>
        </form>
        <button type="button" class="danger" data-testid="sign-out" on:click=move |_| { sign_out.dispatch(SignOut {}); }>
            {move || i18n.t("account.sign_out")}
        </button>
    }
}
