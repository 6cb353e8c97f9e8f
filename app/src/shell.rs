//! The HTML document and the route table.

use crate::components::layout::AppLayout;
use crate::i18n::{initial_lang, I18n};
use crate::pages::{
    account, admin, attention, cases, estate, home, ledger, login, not_found::NotFound, patrols,
    sync_health,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Holds forms submitted before the app has started and replays them once it has
/// (`browser::mark_hydrated` calls back into it).
const EARLY_SCRIPT: &str = include_str!("js/early.js");

/// The whole HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <script inner_html=EARLY_SCRIPT></script>
                <AutoReload options=options.clone()/>
                // The build's names carry a content hash (cargo-leptos `hash-files`), so the
                // browser may keep these files until the next release.
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: translation layer, head tags and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n {
        lang: RwSignal::new(initial_lang()),
    };
    provide_context(i18n);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| crate::browser::reconcile_lang(i18n));

    view! {
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <Link rel="icon" href="/icons/icon.svg"/>
        <Meta name="theme-color" content="#0f5c4c"/>
        <Title text=move || i18n.t("app.name")/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=login::LoginPage/>
                // Async: the server waits for the session and the screen's data before answering,
                // so redirects and 403s carry real status codes, and the page the service
                // worker keeps for offline use is complete.
                <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=home::RootRedirect/>
                    <Route path=path!("/desk") view=home::StaffHome/>
                    <Route path=path!("/supervisor") view=home::StaffHome/>
                    <Route path=path!("/tech") view=home::StaffHome/>
                    <Route path=path!("/patrol") view=home::StaffHome/>
                    <Route path=path!("/cashier") view=home::StaffHome/>
                    <Route path=path!("/admin") view=home::StaffHome/>
                    <Route path=path!("/resident") view=home::ResidentHome/>
                    <Route path=path!("/estate") view=estate::EstatePage/>
                    <Route path=path!("/estate/units") view=estate::UnitsPage/>
                    <Route path=path!("/estate/residents") view=estate::ResidentsPage/>
                    <Route path=path!("/estate/import") view=estate::ImportPage/>
                    <Route path=path!("/admin/staff") view=admin::StaffPage/>
                    <Route path=path!("/account") view=account::AccountPage/>
                    <Route path=path!("/cases") view=cases::CasesPage/>
                    <Route path=path!("/cases/new") view=cases::NewCasePage/>
                    <Route path=path!("/cases/view") view=cases::CaseViewPage/>
                    <Route path=path!("/cases/mine") view=cases::MyOrdersPage/>
                    <Route path=path!("/cases/visits") view=cases::ReturnVisitsPage/>
                    <Route path=path!("/supervisor/levels") view=cases::ServiceLevelsPage/>
                    <Route path=path!("/ledger") view=ledger::LedgerBoardPage/>
                    <Route path=path!("/ledger/visitors") view=ledger::VisitorsPage/>
                    <Route path=path!("/ledger/calls") view=ledger::CallsPage/>
                    <Route path=path!("/ledger/passes") view=ledger::PassesPage/>
                    <Route path=path!("/ledger/pass") view=ledger::PassPrintPage/>
                    <Route path=path!("/ledger/gate") view=ledger::GatePage/>
                    <Route path=path!("/ledger/keys") view=ledger::KeysPage/>
                    <Route path=path!("/ledger/mail") view=ledger::MailPage/>
                    <Route path=path!("/ledger/shift") view=ledger::ShiftPage/>
                    <Route path=path!("/ledger/notices") view=ledger::NoticesPage/>
                    <Route path=path!("/patrols") view=patrols::PatrolBoardPage/>
                    <Route path=path!("/patrols/run") view=patrols::RunPage/>
                    <Route path=path!("/patrols/findings") view=patrols::FindingsPage/>
                    <Route path=path!("/patrols/coverage") view=patrols::CoveragePage/>
                    <Route path=path!("/patrols/routes") view=patrols::RoutesPage/>
                    <Route path=path!("/patrols/labels") view=patrols::LabelsPage/>
                    <Route path=path!("/sync") view=attention::SyncPage/>
                    <Route path=path!("/supervisor/sync") view=sync_health::SyncHealthPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
