//! The signed-in layout: header, role navigation, sync status, language switch.

use super::feedback::ErrorBox;
use super::sync_status::SyncStatus;
use crate::domain::user::CurrentUser;
use crate::domain::{AppError, Role};
use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

/// The signed-in person and the estate the screens work in, in context below the layout.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub user: CurrentUser,
    /// The estate chosen (cookie) if it is one of the person's, else their first.
    pub estate_id: String,
}

/// The signed-in person of the current screen.
pub fn use_user() -> CurrentUser {
    expect_context::<Session>().user
}

/// The estate the screens work in.
pub fn use_estate_id() -> String {
    expect_context::<Session>().estate_id
}

/// Frames every signed-in screen, and sends strangers to sign-in. Who is signed in is
/// resolved by the server before rendering and written into the page, so hydration (and an
/// offline reload of a kept page) knows it without asking the server.
#[component]
pub fn AppLayout() -> impl IntoView {
    let session = SharedValue::new(signed_in_session).into_inner();
    match session {
        Ok(Some(s)) => {
            let u = s.user.clone();
            provide_context(s);
            view! {
                <Header user=u/>
                <main class="page"><Outlet/></main>
            }
            .into_any()
        }
        Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
        Err(e) => view! { <main class="page"><ErrorBox err=e/></main> }.into_any(),
    }
}

/// On the server, the request's user and chosen estate; in the browser (a screen reached
/// without a server render) nobody, which leads to sign-in.
fn signed_in_session() -> Result<Option<Session>, AppError> {
    #[cfg(feature = "ssr")]
    {
        let chosen = use_context::<http::request::Parts>()
            .and_then(|p| crate::cookies::from_headers(&p.headers, crate::cookies::ESTATE_COOKIE));
        Ok(crate::ssr::caller::page_user()?.map(|user| {
            let estate_id = chosen
                .filter(|e| user.in_estate(e))
                .or_else(|| user.estate_ids.first().cloned())
                .unwrap_or_default();
            Session { user, estate_id }
        }))
    }
    #[cfg(not(feature = "ssr"))]
    {
        Ok(None)
    }
}

/// One navigation entry: path, label key, who sees it, and whether the browser routes to
/// it itself (the screen reads the device's replica, so it needs no server render and
/// opens offline as it does online) rather than loading the server's page.
struct NavItem {
    path: &'static str,
    key: &'static str,
    shown: fn(Role) -> bool,
    in_app: bool,
}

const NAV: [NavItem; 15] = [
    NavItem {
        path: "/ledger",
        key: "nav.ledger",
        shown: crate::domain::ledger::keeps_ledger,
        in_app: true,
    },
    NavItem {
        path: "/ledger/gate",
        key: "nav.gate",
        shown: |r| r == Role::Patrol,
        in_app: true,
    },
    NavItem {
        path: "/patrols",
        key: "nav.patrols",
        shown: crate::domain::patrols::inspects,
        in_app: true,
    },
    NavItem {
        path: "/patrols/findings",
        key: "nav.findings",
        shown: |r| r == Role::Technician,
        in_app: true,
    },
    NavItem {
        path: "/cases",
        key: "nav.cases",
        shown: crate::domain::cases::may_create,
        in_app: true,
    },
    NavItem {
        path: "/cases/mine",
        key: "nav.my_orders",
        shown: crate::domain::cases::may_be_assigned,
        in_app: true,
    },
    NavItem {
        path: "/cases/visits",
        key: "nav.visits",
        shown: crate::domain::cases::runs_desk,
        in_app: true,
    },
    NavItem {
        path: "/supervisor/levels",
        key: "nav.levels",
        shown: crate::domain::cases::supervises,
        in_app: false,
    },
    NavItem {
        path: "/estate",
        key: "nav.estate",
        shown: Role::can_view_estate,
        in_app: false,
    },
    NavItem {
        path: "/estate/units",
        key: "nav.units",
        shown: Role::can_view_estate,
        in_app: false,
    },
    NavItem {
        path: "/estate/residents",
        key: "nav.residents",
        shown: Role::can_view_estate,
        in_app: false,
    },
    NavItem {
        path: "/estate/import",
        key: "nav.import",
        shown: Role::can_edit_estate,
        in_app: false,
    },
    NavItem {
        path: "/admin/staff",
        key: "nav.staff",
        shown: Role::can_manage_staff,
        in_app: false,
    },
    NavItem {
        path: "/supervisor/sync",
        key: "nav.sync_health",
        shown: Role::can_see_sync_health,
        in_app: false,
    },
    NavItem {
        path: "/account",
        key: "nav.account",
        shown: |_| true,
        in_app: false,
    },
];

#[component]
fn Header(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = user.role;
    let items = NAV
        .iter()
        .filter(|n| (n.shown)(role))
        .map(|n| {
            let key = n.key;
            view! { <li><NavLink href=n.path key in_app=n.in_app/></li> }
        })
        .collect_view();
    view! {
        <header class="topbar">
            <a class="brand" href=role.home_path() rel="external">{move || i18n.t("app.name")}</a>
            <nav aria-label=move || i18n.t("nav.label")>
                <ul>
                    <li><NavLink href=role.home_path() key="nav.home" in_app=false/></li>
                    {items}
                </ul>
            </nav>
            <EstateSwitch/>
            <SyncStatus/>
            <LangSwitch/>
            <span class="who" title=move || i18n.t(role.label_key())>
                {user.display_name.clone()}
            </span>
        </header>
    }
}

/// A navigation link. Screens that read the device's replica are routed in the browser:
/// a tap downloads nothing. The others load the server's page in full, which is what lets
/// the service worker serve a kept copy when the network is cut.
#[component]
fn NavLink(href: &'static str, key: &'static str, in_app: bool) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = move || (location.pathname.get() == href).then_some("page");
    let rel = (!in_app).then_some("external");
    view! {
        <a href=href rel=rel aria-current=current>{move || i18n.t(key)}</a>
    }
}

/// Switches the interface language; the choice is remembered in a cookie.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="lang-switch">
            <span class="sr-only">{move || i18n.t("common.language")}</span>
            <select
                data-testid="lang-switch"
                on:change=move |ev| {
                    if let Some(l) = Lang::from_tag(&event_target_value(&ev)) {
                        i18n.set(l);
                    }
                }
            >
                {Lang::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.code() selected=move || i18n.lang.get() == l>
                                {l.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Lets staff of several estates choose the one to work in; nothing for one estate.
#[component]
fn EstateSwitch() -> impl IntoView {
    if use_user().estate_ids.len() > 1 {
        view! { <EstateSelect/> }.into_any()
    } else {
        ().into_any()
    }
}

#[component]
fn EstateSelect() -> impl IntoView {
    let i18n = use_i18n();
    let current = StoredValue::new(use_estate_id());
    let list = Resource::new(|| (), |_| crate::api::estate::estates());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let estates = list.await.unwrap_or_default();
                view! {
                    <select class="estate-switch" data-testid="estate-switch" aria-label=move || i18n.t("nav.estate")
                        on:change=move |ev| crate::browser::choose_estate(&event_target_value(&ev))>
                        {estates.into_iter().map(|e| {
                            let selected = e.id == current.get_value();
                            view! { <option value=e.id.clone() selected=selected>{e.code.clone()} " " {e.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                }
            })}
        </Suspense>
    }
}
