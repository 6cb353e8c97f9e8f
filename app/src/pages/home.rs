//! Each role's home screen.

use crate::api::estate::buildings;
use crate::api::residents::my_units;
use crate::components::feedback::ErrorBox;
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `/`: sends the person to their role's home.
#[component]
pub fn RootRedirect() -> impl IntoView {
    view! { <Redirect path=use_user().role.home_path()/> }
}

/// A shortcut on a home screen.
struct Tile {
    path: &'static str,
    key: &'static str,
    shown: fn(Role) -> bool,
}

const TILES: [Tile; 9] = [
    Tile {
        path: "/ledger",
        key: "ledger.title",
        shown: crate::domain::ledger::keeps_ledger,
    },
    Tile {
        path: "/ledger/gate",
        key: "ledger.gate",
        shown: |r| r == Role::Patrol,
    },
    Tile {
        path: "/patrols",
        key: "home.tile.patrols",
        shown: crate::domain::patrols::inspects,
    },
    Tile {
        path: "/patrols/findings",
        key: "nav.findings",
        shown: |r| r == Role::Technician,
    },
    Tile {
        path: "/estate/units",
        key: "home.tile.units",
        shown: Role::can_view_estate,
    },
    Tile {
        path: "/estate/residents",
        key: "home.tile.residents",
        shown: Role::can_view_estate,
    },
    Tile {
        path: "/estate",
        key: "home.tile.estate",
        shown: Role::can_view_estate,
    },
    Tile {
        path: "/estate/import",
        key: "home.tile.import",
        shown: Role::can_edit_estate,
    },
    Tile {
        path: "/admin/staff",
        key: "home.tile.staff",
        shown: Role::can_manage_staff,
    },
];

/// The home of a staff role: who is on duty, the estate at a glance, shortcuts.
#[component]
pub fn StaffHome() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let role = user.role;
    let name = user.display_name.clone();
    let estate_id = use_estate_id();
    let summary = Resource::new(move || estate_id.clone(), buildings);
    view! {
        <RoleGuard allow=Role::is_staff>
            <h1 data-testid="home-title">{move || i18n.t(role.label_key())}</h1>
            <p class="lead">{move || i18n.t("home.greeting")} " " {name.clone()}</p>
            <Show when=move || role.can_view_estate()>
                <EstateSummary summary/>
            </Show>
            <ul class="tiles">
                {TILES
                    .iter()
                    .filter(|t| (t.shown)(role))
                    .map(|t| {
                        let key = t.key;
                        view! { <li><a class="tile" href=t.path rel="external">{move || i18n.t(key)}</a></li> }
                    })
                    .collect_view()}
            </ul>
        </RoleGuard>
    }
}

type BuildingsResource =
    Resource<Result<Vec<crate::domain::estate::Building>, crate::domain::AppError>>;

/// Buildings and units of the estate, counted.
#[component]
fn EstateSummary(summary: BuildingsResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{move || i18n.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(list) => {
                        let units: i64 = list.iter().map(|b| b.unit_count).sum();
                        view! {
                            <dl class="stats">
                                <div><dt>{move || i18n.t("estate.buildings")}</dt><dd>{list.len()}</dd></div>
                                <div><dt>{move || i18n.t("estate.units")}</dt><dd>{units}</dd></div>
                            </dl>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A resident's home: their units; their cases and notices join with those features.
#[component]
pub fn ResidentHome() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let units = Resource::new(|| (), |_| my_units());
    view! {
        <RoleGuard allow=|r| r == Role::Resident>
            <h1 data-testid="home-title">{move || i18n.t("home.resident_title")}</h1>
            <p class="lead">{move || i18n.t("home.greeting")} " " {user.display_name.clone()}</p>
            <crate::pages::ledger::ResidentNotices/>
            <h2>{move || i18n.t("home.my_units")}</h2>
            <Suspense fallback=move || view! { <p class="loading">{move || i18n.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match units.await {
                        Ok(list) => view! {
                            <ul class="cards">
                                {list.into_iter().map(|u| {
                                    let status = u.status.label_key();
                                    view! {
                                        <li class="card">
                                            <strong>{format!("{}-{}", u.building_code, u.number)}</strong>
                                            <span>{format!("{} m²", u.area_m2)}</span>
                                            <span class="badge">{move || i18n.t(status)}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </RoleGuard>
    }
}
