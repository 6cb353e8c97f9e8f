//! `/cases`: the queue. Most urgent first (escalated, then the earliest open deadline),
//! with filters and full-text search over the device's replica, so it works offline.

use super::{may_use_cases, use_now, Timers, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::device;
use crate::domain::cases::{CaseFilter, CaseKind, CaseStatus};
use crate::domain::outbox::ViewCase;
use crate::domain::Department;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let estate = StoredValue::new(use_estate_id());
    let staff = user.role.is_staff();
    let cases = RwSignal::from(device::state().cases);
    let directory = RwSignal::from(device::state().directory);
    let now = use_now();
    let filter = RwSignal::new(CaseFilter {
        open_only: staff,
        limit: Some(crate::domain::cases::queue::MAX_LIMIT),
        ..CaseFilter::default()
    });
    // The local search index: each case's tokens, rebuilt when the replica changes, not
    // on every keystroke.
    let index = Memo::new(move |_| {
        cases.with(|all| {
            all.iter()
                .map(|(id, v)| (id.clone(), crate::domain::cases::search::document(&v.case)))
                .collect::<std::collections::HashMap<String, String>>()
        })
    });
    let rows = move || {
        let f = filter.get();
        let t = now.get();
        cases.with(|all| {
            let mine: Vec<&ViewCase> = all
                .values()
                .filter(|v| !staff || estate.with_value(|e| v.case.estate_id == *e))
                .collect();
            let by_id: std::collections::HashMap<&str, bool> = mine
                .iter()
                .map(|v| (v.case.id.as_str(), v.pending))
                .collect();
            index
                .with(|ix| f.apply(mine.iter().map(|v| &v.case), t, ix))
                .into_iter()
                .map(|c| ViewCase {
                    case: c.clone(),
                    pending: by_id.get(c.id.as_str()).copied().unwrap_or(false),
                })
                .collect::<Vec<_>>()
        })
    };
    let select = move |label: &'static str,
                       testid: &'static str,
                       options: Vec<(String, &'static str)>,
                       set: Box<dyn Fn(String)>| {
        view! {
            <label class="field compact">
                <span>{move || i18n.t(label)}</span>
                <select data-testid=testid on:change=move |ev| set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("common.all")}</option>
                    {options.into_iter().map(|(v, key)| view! { <option value=v>{move || i18n.t(key)}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let kinds: Vec<(String, &'static str)> = CaseKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label_key()))
        .collect();
    let statuses: Vec<(String, &'static str)> = CaseStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label_key()))
        .collect();
    let depts: Vec<(String, &'static str)> = Department::ALL
        .iter()
        .map(|d| (d.as_str().to_string(), d.label_key()))
        .collect();
    let depts = StoredValue::new(depts);
    view! {
        <RoleGuard allow=may_use_cases>
            <div class="page-head">
                <h1>{move || i18n.t("cases.title")}</h1>
                <a class="button primary" href="/cases/new" rel="external" data-testid="new-case">
                    {move || i18n.t("cases.new")}
                </a>
            </div>
            <form class="filters" on:submit=|ev| ev.prevent_default()>
                <label class="field compact grow">
                    <span>{move || i18n.t("cases.search")}</span>
                    <input type="search" data-testid="case-search" placeholder=move || i18n.t("cases.search_hint")
                        on:input=move |ev| { let q = event_target_value(&ev); filter.update(|f| f.q = q) }/>
                </label>
                {select("cases.kind", "filter-kind", kinds.clone(), Box::new(move |v| filter.update(|f| f.kind = v.parse().ok())))}
                {select("cases.status", "filter-status", statuses.clone(), Box::new(move |v| filter.update(|f| f.status = v.parse().ok())))}
                <Show when=move || staff>
                    {select("cases.department", "filter-department", depts.get_value(), Box::new(move |v| filter.update(|f| f.department = v.parse().ok())))}
                    <label class="field compact">
                        <span>{move || i18n.t("cases.building")}</span>
                        <select data-testid="filter-building" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            filter.update(|f| f.building_id = Some(v).filter(|v| !v.is_empty()));
                        }>
                            <option value="">{move || i18n.t("common.all")}</option>
                            {move || directory.with(|d| d.buildings.iter().map(|b| {
                                view! { <option value=b.id.clone()>{format!("{} {}", b.code, b.name)}</option> }
                            }).collect_view())}
                        </select>
                    </label>
                    <label class="field compact">
                        <span>{move || i18n.t("cases.assignee")}</span>
                        <select data-testid="filter-assignee" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            filter.update(|f| f.assignee_id = Some(v).filter(|v| !v.is_empty()));
                        }>
                            <option value="">{move || i18n.t("common.all")}</option>
                            {move || directory.with(|d| d.staff.iter().filter(|s| crate::domain::cases::may_be_assigned(s.role)).map(|s| {
                                view! { <option value=s.id.clone()>{s.name.clone()}</option> }
                            }).collect_view())}
                        </select>
                    </label>
                </Show>
                <label class="check">
                    <input type="checkbox" data-testid="filter-overdue"
                        on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| f.overdue = on) }/>
                    {move || i18n.t("cases.overdue_only")}
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="filter-open" prop:checked=move || filter.with(|f| f.open_only)
                        on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| f.open_only = on) }/>
                    {move || i18n.t("cases.open_only")}
                </label>
            </form>
            <WhenReady>
                {move || {
                    let list = rows();
                    if list.is_empty() {
                        view! { <p class="empty" data-testid="cases-empty">{move || i18n.t("cases.none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="case-list" data-testid="case-list">
                                {list.into_iter().map(|v| view! { <CaseRow v now/> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }}
            </WhenReady>
        </RoleGuard>
    }
}

/// One case in a list: kind, title, place, status, timers, who has it.
#[component]
pub(super) fn CaseRow(v: ViewCase, now: RwSignal<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let c = v.case;
    let href = format!("/cases/view?id={}", c.id);
    let kind = c.kind.label_key();
    let status = c.status.label_key();
    let priority = c.priority.label_key();
    let urgent = c.priority >= crate::domain::cases::Priority::High;
    let place = c.place();
    let photos = c.photos.len();
    let assignee = c.assignee.as_ref().map(|a| a.name.clone());
    let escalated = c.escalated;
    let case = StoredValue::new(c.clone());
    view! {
        <li class="case-row" data-testid="case-row" data-id=c.id.clone() data-pending=v.pending.to_string()
            data-status=c.status.as_str()>
            <a href=href rel="external">
                <span class="badge kind">{move || i18n.t(kind)}</span>
                {urgent.then(|| view! { <span class="badge priority">{move || i18n.t(priority)}</span> })}
                {escalated.then(|| view! { <span class="badge escalated" data-testid="escalated">{move || i18n.t("case.escalated")}</span> })}
                <strong class="title">{c.title.clone()}</strong>
                <span class="place">{place}</span>
                <span class="meta">
                    {assignee}
                    {(photos > 0).then(|| view! { " · " {photos} " " {move || i18n.t("cases.photo_count")} })}
                </span>
                <span class="badge status">{move || i18n.t(status)}</span>
                <span class="timers">{move || view! { <Timers timers=case.with_value(|c| c.timers(now.get()))/> }}</span>
                {v.pending.then(|| view! {
                    <span class="badge waiting" data-testid="waiting-badge">{move || i18n.t("sync.waiting_badge")}</span>
                })}
            </a>
        </li>
    }
}
