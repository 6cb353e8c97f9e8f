//! `/patrols/coverage`: for the supervisor, how each route was covered today and this
//! week — each slot done, late, under way, still due or missed — and every run of the
//! week, each opening its full record.

use super::{routes, runs};
use crate::components::guard::RoleGuard;
use crate::domain::patrols::coverage::{route_coverage, tally, SlotState};
use crate::domain::patrols::{plans, Every, Schedule};
use crate::i18n::use_i18n;
use crate::pages::ledger::{Waiting, WhenReady};
use leptos::prelude::*;

#[component]
pub fn CoveragePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=plans>
            <h1>{move || i18n.t("patrol.coverage")}</h1>
            <WhenReady>
                <Coverage/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn Coverage() -> impl IntoView {
    let i18n = use_i18n();
    let routes = routes();
    let runs = runs();
    let now = crate::browser::now_ms();
    // Each period in the route's own local time.
    let period = move |every: Every, s: &Schedule| {
        Schedule {
            every,
            utc_offset_min: s.utc_offset_min,
        }
        .slot_at(now)
    };
    let table = move |week: bool| {
        let all_runs = runs.get();
        let run_refs: Vec<_> = all_runs.iter().map(|(r, _)| r).collect();
        let mut states = Vec::new();
        let rows = routes.get().into_iter().filter(|(r, _)| r.is_active()).map(|(route, _)| {
            let p = period(if week { Every::Week } else { Every::Day }, &route.schedule);
            let slots = route_coverage(&route, &run_refs, p.start, p.end, now);
            states.extend(slots.iter().map(|(_, s)| *s));
            view! {
                <tr data-testid="coverage-row" data-route=route.name.clone()>
                    <th>{route.name.clone()}</th>
                    <td>
                        {slots.into_iter().map(|(slot, state)| view! {
                            <span class=format!("badge slot-{}", state.as_str()) data-testid="coverage-slot" data-state=state.as_str()
                                title=move || crate::browser::format_time(slot.start, i18n.lang.get())>
                                {move || crate::browser::format_clock(slot.start, i18n.lang.get())} " "
                                {move || i18n.t(state.label_key())}
                            </span>
                        }).collect_view()}
                    </td>
                </tr>
            }
        }).collect_view();
        let counts = tally(states);
        view! {
            <p class="lead" data-testid=if week { "coverage-week" } else { "coverage-today" }>
                {SlotState::ALL.iter().map(|s| {
                    let n = counts.get(s.as_str()).copied().unwrap_or(0);
                    view! { <span class=format!("badge slot-{}", s.as_str()) data-state=s.as_str()>{move || i18n.t(s.label_key())} " " {n}</span> " " }
                }).collect_view()}
            </p>
            <table class="coverage"><tbody>{rows}</tbody></table>
        }
    };
    view! {
        <h2>{move || i18n.t("patrol.today")}</h2>
        {move || table(false)}
        <h2>{move || i18n.t("patrol.this_week")}</h2>
        {move || table(true)}
        <h2>{move || i18n.t("patrol.runs_last_7_days")}</h2>
        <ul class="ledger-list" data-testid="week-runs">
            {move || runs.get().into_iter().filter(|(r, _)| r.started.at >= now - 7 * 86_400_000).map(|(r, pending)| {
                let fails = r.failures();
                view! {
                    <li class="ledger-item" data-testid="week-run">
                        <a href=format!("/patrols/run?id={}", r.id) rel="external" data-testid="open-run">{r.route_name.clone()}</a>
                        " · " {r.started.by_name.clone()} " · "
                        {move || crate::browser::format_time(r.started.at, i18n.lang.get())}
                        " · " <span class="badge">{move || i18n.t(r.status.label_key())}</span>
                        " " {r.complete_areas()} "/" {r.areas.len()}
                        {(fails > 0).then(|| view! { <span class="badge alert">{fails} " " {move || i18n.t("patrol.failures")}</span> })}
                        <Waiting pending/>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
