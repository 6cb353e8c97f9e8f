//! `/patrols/routes`: the supervisor's routes — each with its schedule, version and
//! labels; a new route starts from a shipped template or from nothing, its checklist
//! written as lines (see `domain::patrols::sheet`); a revision is a new version, and a
//! route is retired, never deleted.

use super::board::schedule_words;
use super::routes;
use crate::components::guard::RoleGuard;
use crate::components::stepper::Stepper;
use crate::domain::patrols::schedule::{clock, parse_clock};
use crate::domain::patrols::{plans, sheet, shipped, Every, Route, Schedule};
use crate::domain::records::Record;
use crate::domain::Department;
use crate::i18n::use_i18n;
use crate::pages::ledger::fields::{Choice, FormError, TextField};
use crate::pages::ledger::{new_id, Waiting, WhenReady};
use leptos::prelude::*;
use serde_json::json;

/// China's offset, the company's estates' local time, for new routes.
const DEFAULT_OFFSET_MIN: i32 = 480;

#[component]
pub fn RoutesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=plans>
            <h1>{move || i18n.t("patrol.routes")}</h1>
            <WhenReady>
                <RouteList/>
                <DefineForm/>
            </WhenReady>
        </RoleGuard>
    }
}

/// The schedule a form describes: `day`, `week`, or `shift` with times like `08:00, 20:00`.
fn schedule_of(every: &str, starts: &str, offset: i32) -> Option<Schedule> {
    let every = match every {
        "day" => Every::Day,
        "week" => Every::Week,
        _ => Every::Shift {
            starts: starts
                .split([',', ' ', '，'])
                .filter(|s| !s.trim().is_empty())
                .map(parse_clock)
                .collect::<Option<Vec<u16>>>()?,
        },
    };
    Some(Schedule {
        every,
        utc_offset_min: offset,
    })
}

fn every_word(s: &Schedule) -> (&'static str, String) {
    match &s.every {
        Every::Day => ("day", String::new()),
        Every::Week => ("week", String::new()),
        Every::Shift { starts } => (
            "shift",
            starts
                .iter()
                .map(|m| clock(*m))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

#[component]
fn ScheduleFields(every: RwSignal<String>, starts: RwSignal<String>) -> impl IntoView {
    let options = vec![
        ("day", "patrol.every_day"),
        ("week", "patrol.every_week"),
        ("shift", "patrol.every_shift"),
    ];
    view! {
        <Choice label="patrol.schedule" testid="route-every" options value=every/>
        <Show when=move || every.get() == "shift">
            <TextField label="patrol.shift_starts" testid="route-starts" value=starts/>
        </Show>
    }
}

#[component]
fn DefineForm() -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let department = RwSignal::new(Department::CustomerService.as_str().to_string());
    let every = RwSignal::new("day".to_string());
    let starts = RwSignal::new("08:00, 20:00".to_string());
    let lines = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let estate = StoredValue::new(crate::components::layout::use_estate_id());
    // Choosing a shipped template fills the form in the person's language.
    Effect::new(move |_| {
        let key = template.get();
        let lang = i18n.lang.get_untracked().code();
        if let Some(t) = shipped::templates(lang).into_iter().find(|t| t.key == key) {
            name.set(t.name.to_string());
            department.set(t.department.as_str().to_string());
            let (e, s) = every_word(&t.schedule);
            every.set(e.to_string());
            if !s.is_empty() {
                starts.set(s);
            }
            lines.set(sheet::print(&t.areas));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let areas = match sheet::parse(&lines.get_untracked()) {
            Ok(a) => a,
            Err(e) => {
                error.set(Some(format!("{}: {e}", i18n.t("patrol.sheet_error"))));
                return;
            }
        };
        let Some(schedule) = schedule_of(
            &every.get_untracked(),
            &starts.get_untracked(),
            DEFAULT_OFFSET_MIN,
        ) else {
            error.set(Some(i18n.t("patrol.bad_times")));
            return;
        };
        let payload = json!({
            "estate_id": estate.get_value(),
            "name": name.get_untracked(),
            "department": department.get_untracked(),
            "schedule": schedule,
            "areas": areas,
        });
        stepper.send(
            None,
            "route.define",
            new_id(),
            payload,
            Vec::new(),
            move || {
                name.set(String::new());
                lines.set(String::new());
                template.set(String::new());
            },
        );
    };
    let lang = i18n.lang.get_untracked();
    let templates: Vec<(&'static str, &'static str)> = shipped::templates(lang.code())
        .into_iter()
        .map(|t| (t.key, t.name))
        .collect();
    let departments: Vec<(&str, &str)> = Department::ALL
        .iter()
        .map(|d| (d.as_str(), d.label_key()))
        .collect();
    view! {
        <h2>{move || i18n.t("patrol.new_route")}</h2>
        <form class="form ledger-form" data-testid="route-form" on:submit=submit>
            <label class="field">
                <span>{move || i18n.t("patrol.from_template")}</span>
                <select data-testid="route-template" on:change=move |ev| template.set(event_target_value(&ev))>
                    <option value="" selected=move || template.get().is_empty()>{move || i18n.t("patrol.blank_route")}</option>
                    {templates.into_iter().map(|(k, n)| view! { <option value=k selected=move || template.get() == k>{n}</option> }).collect_view()}
                </select>
            </label>
            <div class="row">
                <TextField label="patrol.route_name" testid="route-name" value=name required=true/>
                <Choice label="patrol.department" testid="route-department" options=departments value=department/>
                <ScheduleFields every starts/>
            </div>
            <label class="field">
                <span>{move || i18n.t("patrol.checklist")}</span>
                <textarea rows="14" class="sheet" data-testid="route-sheet" required
                    placeholder="[LOBBY] Lobby\n- Floor clean {photo}\n- Temperature {number °C 16..28}"
                    prop:value=lines on:input=move |ev| lines.set(event_target_value(&ev))></textarea>
            </label>
            <p class="hint">{move || i18n.t("patrol.sheet_help")}</p>
            <FormError error/>
            <button type="submit" class="primary" data-testid="route-submit">{move || i18n.t("patrol.define")}</button>
        </form>
    }
}

#[component]
fn RouteList() -> impl IntoView {
    let i18n = use_i18n();
    let routes = routes();
    let error = RwSignal::new(None::<String>);
    provide_context(Stepper::new(error));
    view! {
        <FormError error/>
        <ul class="ledger-list" data-testid="routes">
            {move || routes.get().into_iter().map(|(r, pending)| view! { <RouteItem r pending/> }).collect_view()}
        </ul>
        {move || routes.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t("patrol.no_routes")}</p> })}
    }
}

#[component]
fn RouteItem(r: Route, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let words = schedule_words(&r, i18n);
    let v = r.current().version;
    let areas = r.current().areas.len();
    let items: usize = r.current().areas.iter().map(|a| a.items.len()).sum();
    let active = r.is_active();
    let lines = RwSignal::new(sheet::print(&r.current().areas));
    let (e, s) = every_word(&r.schedule);
    let every = RwSignal::new(e.to_string());
    let starts = RwSignal::new(if s.is_empty() {
        "08:00, 20:00".to_string()
    } else {
        s
    });
    let reason = RwSignal::new(String::new());
    let offset = r.schedule.utc_offset_min;
    let record = StoredValue::new(Record::Route(r.clone()));
    let id = StoredValue::new(r.id.clone());
    let revise = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let areas = match sheet::parse(&lines.get_untracked()) {
            Ok(a) => a,
            Err(e) => {
                stepper
                    .error
                    .set(Some(format!("{}: {e}", i18n.t("patrol.sheet_error"))));
                return;
            }
        };
        let Some(schedule) = schedule_of(&every.get_untracked(), &starts.get_untracked(), offset)
        else {
            stepper.error.set(Some(i18n.t("patrol.bad_times")));
            return;
        };
        record.with_value(|rec| {
            stepper.send(
                Some(rec),
                "route.revise",
                id.get_value(),
                json!({ "areas": areas, "schedule": schedule }),
                Vec::new(),
                || {},
            )
        });
    };
    let retire = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        record.with_value(|rec| {
            stepper.send(
                Some(rec),
                "route.retire",
                id.get_value(),
                json!({ "reason": reason.get_untracked() }),
                Vec::new(),
                || {},
            )
        });
    };
    view! {
        <li class="ledger-item" data-testid="route" data-name=r.name.clone() data-version=v>
            <div class="item-head">
                <strong>{r.name.clone()}</strong>
                <span class="badge">{move || i18n.t("patrol.version")} " " {v}</span>
                {(!active).then(|| view! { <span class="badge">{move || i18n.t("patrol.retired")}</span> })}
                <Waiting pending/>
            </div>
            <p class="muted">
                {move || i18n.t(r.department.label_key())} " · " {words} " · "
                {areas} " " {move || i18n.t("patrol.areas")} " · " {items} " " {move || i18n.t("patrol.items")}
            </p>
            <a class="button" href=format!("/patrols/labels?id={}", r.id) rel="external" data-testid="route-labels">{move || i18n.t("patrol.labels")}</a>
            {active.then(|| view! {
                <details class="step">
                    <summary data-testid="route-revise-open">{move || i18n.t("patrol.revise")}</summary>
                    <form class="form" data-testid="route-revise-form" on:submit=revise>
                        <ScheduleFields every starts/>
                        <textarea rows="12" class="sheet" data-testid="route-revise-sheet"
                            prop:value=lines on:input=move |ev| lines.set(event_target_value(&ev))></textarea>
                        <button type="submit" class="primary" data-testid="route-revise-submit">{move || i18n.t("patrol.save_version")}</button>
                    </form>
                </details>
                <details class="step">
                    <summary>{move || i18n.t("patrol.retire")}</summary>
                    <form class="form" on:submit=retire>
                        <TextField label="patrol.retire_reason" testid="route-retire-reason" value=reason required=true/>
                        <button type="submit" class="danger">{move || i18n.t("patrol.retire")}</button>
                    </form>
                </details>
            })}
        </li>
    }
}
