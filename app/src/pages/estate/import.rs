//! `/estate/import`: upload a CSV of buildings, units and residents.

use crate::api::estate::ImportEstateCsv;
use crate::components::feedback::ErrorBox;
use crate::components::guard::RoleGuard;
use crate::components::layout::use_estate_id;
use crate::domain::import::{ImportReport, CSV_COLUMNS};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::html::Input;
use leptos::prelude::*;

/// The upload form, the template link and the report of the last import.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let estate_id = use_estate_id();
    let action = ServerAction::<ImportEstateCsv>::new();
    let file_input = NodeRef::<Input>::new();
    let skip_bad = RwSignal::new(false);
    let no_file = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = file_input.get() else {
            return;
        };
        let estate_id = estate_id.clone();
        leptos::task::spawn_local(async move {
            match crate::browser::chosen_file_text(&input).await {
                Some(csv) => {
                    no_file.set(false);
                    action.dispatch(ImportEstateCsv {
                        estate_id,
                        csv,
                        skip_bad_rows: skip_bad.get_untracked(),
                    });
                }
                None => no_file.set(true),
            }
        });
    };
    view! {
        <RoleGuard allow=Role::can_edit_estate>
            <h1>{move || i18n.t("nav.import")}</h1>
            <p>{move || i18n.t("import.explain")}</p>
            <p><code class="columns">{CSV_COLUMNS.join(",")}</code></p>
            <p><a class="button" href="/api/v1/import/template.csv" download="propdesk-estate-template.csv">
                {move || i18n.t("import.template")}
            </a></p>
            <form class="panel" on:submit=submit.clone()>
                <label><span>{move || i18n.t("import.file")}</span>
                    <input type="file" accept=".csv,text/csv" node_ref=file_input data-testid="import-file"/>
                </label>
                <label class="check">
                    <input type="checkbox" bind:checked=skip_bad/>
                    <span>{move || i18n.t("import.skip_bad")}</span>
                </label>
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    {move || i18n.t("import.submit")}
                </button>
                <Show when=move || no_file.get()>
                    <p class="error" role="alert">{move || i18n.t("import.no_file")}</p>
                </Show>
            </form>
            {move || action.value().get().map(|r| match r {
                Ok(report) => view! { <Report report/> }.into_any(),
                Err(e) => view! { <ErrorBox err=e/> }.into_any(),
            })}
        </RoleGuard>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let headline = if report.committed {
        "import.done"
    } else {
        "import.nothing_written"
    };
    view! {
        <section class="report" data-testid="import-report" data-committed=report.committed.to_string()>
            <h2>{move || i18n.t(headline)}</h2>
            <dl class="stats">
                <div><dt>{move || i18n.t("import.rows")}</dt><dd>{report.rows}</dd></div>
                <div><dt>{move || i18n.t("estate.buildings")}</dt><dd>{report.buildings_created}</dd></div>
                <div><dt>{move || i18n.t("estate.units")}</dt><dd>{report.units_created}</dd></div>
                <div><dt>{move || i18n.t("nav.residents")}</dt><dd>{report.residents_created}</dd></div>
                <div><dt>{move || i18n.t("import.bad_rows")}</dt><dd>{report.errors.len()}</dd></div>
            </dl>
            <ul class="row-errors">
                {report.errors.into_iter().map(|e| view! {
                    <li>{move || i18n.t("import.line")} " " {e.line} ": " {e.message.clone()}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}
