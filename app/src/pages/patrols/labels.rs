//! `/patrols/labels?id=`: the route's QR labels as A4 sheets, to print and stick at each
//! area; the code under each QR is what a patrol types when the camera cannot read it.

use super::{query_id, routes};
use crate::components::guard::RoleGuard;
use crate::domain::patrols::{labels, plans};
use crate::i18n::use_i18n;
use crate::pages::ledger::WhenReady;
use leptos::prelude::*;

#[component]
pub fn LabelsPage() -> impl IntoView {
    view! {
        <RoleGuard allow=plans>
            <WhenReady>
                <Labels/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn Labels() -> impl IntoView {
    let i18n = use_i18n();
    let id = query_id();
    let routes = routes();
    move || {
        let id = id.get();
        match routes.with(|l| l.iter().find(|(r, _)| r.id == id).map(|(r, _)| r.clone())) {
            None => view! { <p data-testid="route-missing">{move || i18n.t("patrol.route_missing")}</p> }.into_any(),
            Some(r) => {
                let sheets = labels::sheets(&r.name, &r.current().areas);
                view! {
                    <h1 class="no-print">{move || i18n.t("patrol.labels")} ": " {r.name.clone()}</h1>
                    <p class="no-print hint">{move || i18n.t("patrol.labels_help")}</p>
                    <button type="button" class="no-print primary" on:click=move |_| crate::browser::print()>{move || i18n.t("pass.print")}</button>
                    {sheets.into_iter().map(|svg| view! { <div class="label-sheet" data-testid="label-sheet" inner_html=svg></div> }).collect_view()}
                }.into_any()
            }
        }
    }
}
