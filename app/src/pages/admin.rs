//! `/admin/staff`: accounts — create staff, disable, reset passwords, end sessions.

use crate::api::admin::{
    accounts, CreateStaff, ResetPassword, RevokeSessions, SetAccountDisabled, SetStaffRole,
};
use crate::components::feedback::{ActionResult, ErrorBox};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::domain::user::{Account, NewStaff};
use crate::domain::{Department, Role};
use crate::i18n::use_i18n;
use crate::pages::estate::Loading;
use leptos::prelude::*;

/// The account list and the new-staff form.
#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateStaff>::new();
    let disable = ServerAction::<SetAccountDisabled>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let revoke = ServerAction::<RevokeSessions>::new();
    let set_role = ServerAction::<SetStaffRole>::new();
    provide_context(set_role);
    let list = Resource::new(
        move || {
            (
                create.version().get(),
                disable.version().get(),
                revoke.version().get(),
                set_role.version().get(),
            )
        },
        |_| accounts(),
    );
    let last_error = RwSignal::new(None);
    Effect::new(move |_| {
        let errs = [
            disable.value().get().and_then(|r| r.err()),
            reset.value().get().and_then(|r| r.err()),
            revoke.value().get().and_then(|r| r.err()),
            set_role.value().get().and_then(|r| r.err()),
        ];
        last_error.set(errs.into_iter().flatten().next());
    });
    let me = StoredValue::new(use_user().id);
    view! {
        <RoleGuard allow=Role::can_manage_staff>
            <h1>{move || i18n.t("nav.staff")}</h1>
            <StaffForm action=create/>
            {move || last_error.get().map(|e| view! { <ErrorBox err=e/> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) => view! {
                            <table class="grid" data-testid="account-table">
                                <thead><tr>
                                    <th>{move || i18n.t("login.username")}</th>
                                    <th>{move || i18n.t("staff.name")}</th>
                                    <th>{move || i18n.t("staff.role")}</th>
                                    <th>{move || i18n.t("staff.department")}</th>
                                    <th>{move || i18n.t("staff.sessions")}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|a| {
                                        let own = a.id == me.get_value();
                                        view! { <AccountRow a own disable reset revoke/> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </RoleGuard>
    }
}

#[component]
fn AccountRow(
    a: Account,
    own: bool,
    disable: ServerAction<SetAccountDisabled>,
    reset: ServerAction<ResetPassword>,
    revoke: ServerAction<RevokeSessions>,
) -> impl IntoView {
    let i18n = use_i18n();
    let role_key = a.role.label_key();
    let dept_key = a.department.map(|d| d.label_key());
    let new_password = RwSignal::new(String::new());
    let (id1, id2, id3) = (a.id.clone(), a.id.clone(), a.id.clone());
    let disabled = a.disabled;
    view! {
        <tr class:disabled=disabled>
            <td><code>{a.username.clone()}</code></td>
            <td>{a.display_name.clone()}
                <Show when=move || disabled><span class="badge arrears">{move || i18n.t("staff.disabled")}</span></Show>
            </td>
            <td>
                {if a.role.is_staff() && !own {
                    view! { <RoleSelect user_id=a.id.clone() role=a.role department=a.department/> }.into_any()
                } else {
                    view! { <span>{move || i18n.t(role_key)}</span> }.into_any()
                }}
            </td>
            <td>{move || dept_key.map(|k| i18n.t(k)).unwrap_or_default()}</td>
            <td>{a.active_sessions}</td>
            <td class="actions">
                <Show when=move || !own>
                    <button type="button" on:click={let id = id1.clone(); move |_| {
                        disable.dispatch(SetAccountDisabled { user_id: id.clone(), disabled: !disabled });
                    }}>
                        {move || if disabled { i18n.t("staff.enable") } else { i18n.t("staff.disable") }}
                    </button>
                </Show>
                <button type="button" on:click={let id = id2.clone(); move |_| { revoke.dispatch(RevokeSessions { user_id: id.clone() }); }}>
                    {move || i18n.t("staff.revoke")}
                </button>
                <form class="reset" on:submit={let id = id3.clone(); move |ev| {
                    ev.prevent_default();
                    reset.dispatch(ResetPassword { user_id: id.clone(), new_password: new_password.get() });
                    new_password.set(String::new());
                }}>
                    <input type="password" autocomplete="new-password" bind:value=new_password
                        placeholder=move || i18n.t("staff.new_password") aria-label=move || i18n.t("staff.new_password")/>
                    <button type="submit">{move || i18n.t("staff.reset")}</button>
                </form>
            </td>
        </tr>
    }
}

#[component]
fn StaffForm(action: ServerAction<CreateStaff>) -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("front_desk".to_string());
    let dept = RwSignal::new("customer_service".to_string());
    let result = RwSignal::new(None);
    Effect::new(move |_| result.set(action.value().get()));
    view! {
        <form class="panel" data-testid="staff-form" on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(CreateStaff { input: NewStaff {
                username: username.get(),
                display_name: name.get(),
                password: password.get(),
                role: role.get().parse().unwrap_or(Role::FrontDesk),
                department: dept.get().parse().unwrap_or(Department::CustomerService),
                estate_ids: vec![estate_id.clone()],
            }});
        }>
            <h3>{move || i18n.t("staff.add")}</h3>
            <label><span>{move || i18n.t("login.username")}</span><input bind:value=username required autocomplete="off"/></label>
            <label><span>{move || i18n.t("staff.name")}</span><input bind:value=name required/></label>
            <label><span>{move || i18n.t("login.password")}</span><input type="password" autocomplete="new-password" bind:value=password required/></label>
            <label><span>{move || i18n.t("staff.role")}</span>
                <select bind:value=role>
                    {Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| {
                        let key = r.label_key();
                        view! { <option value=r.as_str()>{move || i18n.t(key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label><span>{move || i18n.t("staff.department")}</span>
                <select bind:value=dept>
                    {Department::ALL.into_iter().map(|d| {
                        let key = d.label_key();
                        view! { <option value=d.as_str()>{move || i18n.t(key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="primary">{move || i18n.t("common.add")}</button>
            <ActionResult value=result ok_key="common.saved"/>
        </form>
    }
}

/// Changes a staff member's role on the spot.
#[component]
fn RoleSelect(user_id: String, role: Role, department: Option<Department>) -> impl IntoView {
    let i18n = use_i18n();
    let action = expect_context::<ServerAction<SetStaffRole>>();
    let department = department.unwrap_or(Department::CustomerService);
    view! {
        <select aria-label=move || i18n.t("staff.role") on:change=move |ev| {
            if let Ok(role) = event_target_value(&ev).parse::<Role>() {
                action.dispatch(SetStaffRole { user_id: user_id.clone(), role, department });
            }
        }>
            {Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| {
                let key = r.label_key();
                view! { <option value=r.as_str() selected=r == role>{move || i18n.t(key)}</option> }
            }).collect_view()}
        </select>
    }
}
