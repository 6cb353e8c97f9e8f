//! `/patrols`: the patrol's day — each active route with how its current slot stands,
//! one tap to start it (or to go on with a run under way), and the way to the
//! nonconformities, coverage and routes.

use super::{findings, routes, runs};
use crate::components::guard::RoleGuard;
use crate::components::layout::use_user;
use crate::components::stepper::Stepper;
use crate::domain::patrols::coverage::slot_state;
use crate::domain::patrols::{inspects, plans, Every, Route, RunStatus};
use crate::i18n::use_i18n;
use crate::pages::ledger::fields::FormError;
use crate::pages::ledger::{new_id, Waiting, WhenReady};
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn PatrolBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=inspects>
            <h1>{move || i18n.t("patrol.title")}</h1>
            <WhenReady>
                <Board/>
            </WhenReady>
        </RoleGuard>
    }
}

/// A schedule in words: "Daily", "Weekly", "Per shift: 08:00, 20:00".
pub(super) fn schedule_words(route: &Route, i18n: crate::i18n::I18n) -> String {
    use crate::domain::patrols::schedule::clock;
    match &route.schedule.every {
        Every::Day => i18n.t("patrol.every_day"),
        Every::Week => i18n.t("patrol.every_week"),
        Every::Shift { starts } => format!(
            "{}: {}",
            i18n.t("patrol.every_shift"),
            starts
                .iter()
                .map(|m| clock(*m))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[component]
fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let me = StoredValue::new(user.id.clone());
    let planner = plans(user.role);
    let routes = routes();
    let runs = runs();
    let findings = findings();
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let now = crate::browser::now_ms();
    let open_findings = move || findings.with(|l| l.iter().filter(|(f, _)| f.is_open()).count());
    let start = move |route: Route| {
        let id = new_id();
        let go = format!("/patrols/run?id={id}");
        let payload = json!({ "route_id": route.id, "version": route.current().version });
        stepper.send(None, "run.start", id, payload, Vec::new(), move || {
            crate::browser::load_page(&go)
        });
    };
    view! {
        <nav class="subnav">
            <a href="/patrols/findings" data-testid="to-findings">
                {move || i18n.t("patrol.findings")} " (" {open_findings} ")"
            </a>
            {planner.then(|| view! {
                <a href="/patrols/coverage" data-testid="to-coverage">{move || i18n.t("patrol.coverage")}</a>
                <a href="/patrols/routes" data-testid="to-routes">{move || i18n.t("patrol.routes")}</a>
            })}
        </nav>
        <FormError error/>
        <h2>{move || i18n.t("patrol.today")}</h2>
        <ul class="ledger-list" data-testid="patrol-routes">
            {move || {
                let all_runs = runs.get();
                routes.get().into_iter().filter(|(r, _)| r.is_active()).map(|(route, pending)| {
                    let slot = route.schedule.slot_at(now);
                    let mine = all_runs.iter()
                        .find(|(x, _)| x.route_id == route.id && x.status != RunStatus::Finished
                            && me.with_value(|m| x.started.by == *m))
                        .map(|(x, _)| x.id.clone());
                    let state = slot_state(slot, all_runs.iter().filter(|(x, _)| x.route_id == route.id).map(|(x, _)| x), now);
                    let name = route.name.clone();
                    let data_name = name.clone();
                    let areas = route.current().areas.len();
                    let words = schedule_words(&route, i18n);
                    let dept = route.department.label_key();
                    let route2 = route.clone();
                    view! {
                        <li class="ledger-item" data-testid="patrol-route" data-name=data_name>
                            <div class="item-head">
                                <strong>{name}</strong>
                                <span class=format!("badge slot-{}", state.as_str()) data-testid="slot-state">{move || i18n.t(state.label_key())}</span>
                                <Waiting pending/>
                            </div>
                            <p class="muted">
                                {move || i18n.t(dept)} " · " {words} " · "
                                {areas} " " {move || i18n.t("patrol.areas")}
                            </p>
                            {match mine {
                                Some(run_id) => view! {
                                    <a class="button primary" href=format!("/patrols/run?id={run_id}") rel="external" data-testid="continue-run">
                                        {move || i18n.t("patrol.continue")}
                                    </a>
                                }.into_any(),
                                None => view! {
                                    <button type="button" class="primary" data-testid="start-run"
                                        on:click=move |_| start(route2.clone())>
                                        {move || i18n.t("patrol.start")}
                                    </button>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()
            }}
        </ul>
        <h2>{move || i18n.t("patrol.recent_runs")}</h2>
        <ul class="ledger-list" data-testid="patrol-runs">
            {move || runs.get().into_iter().take(20).map(|(r, pending)| {
                let done = r.complete_areas();
                let total = r.areas.len();
                let fails = r.failures();
                view! {
                    <li class="ledger-item" data-testid="run-row" data-status=r.status.as_str()>
                        <a href=format!("/patrols/run?id={}", r.id) rel="external">{r.route_name.clone()}</a>
                        " · " {r.started.by_name.clone()} " · "
                        <time>{move || crate::browser::format_time(r.started.at, i18n.lang.get())}</time>
                        " · " <span class="badge">{move || i18n.t(r.status.label_key())}</span>
                        " " {done} "/" {total}
                        {(fails > 0).then(|| view! { <span class="badge alert">{fails} " " {move || i18n.t("patrol.failures")}</span> })}
                        <Waiting pending/>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
