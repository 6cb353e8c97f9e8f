//! Work lists: a technician's orders on the tablet (one tap to sign, start; finish on the
//! case), the desk's return visits with the return-visit rate, and the service levels.

use super::list::CaseRow;
use super::{use_now, Stepper, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::device;
use crate::domain::cases::{
    may_be_assigned, runs_desk, supervises, urgency_order, CaseKind, CaseStatus, Policy,
};
use crate::domain::outbox::ViewCase;
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// `/cases/mine`: the orders assigned to me (or waiting for my department), most urgent
/// first, with the next step one tap away.
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let me = StoredValue::new(user.id.clone());
    let dept = user.department;
    let cases = RwSignal::from(device::state().cases);
    let now = use_now();
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let rows = move || {
        let mut list: Vec<ViewCase> = cases.with(|all| {
            all.values()
                .filter(|v| {
                    let c = &v.case;
                    let assigned = c
                        .assignee
                        .as_ref()
                        .is_some_and(|a| me.with_value(|m| a.id == *m));
                    let open_to_me = c.assignee.is_none()
                        && c.status == CaseStatus::Dispatched
                        && dept.is_some()
                        && c.department == dept;
                    (assigned || open_to_me)
                        && (c.status.is_working() || c.status == CaseStatus::OnHold)
                })
                .cloned()
                .collect()
        });
        list.sort_by(|a, b| urgency_order(&a.case, &b.case));
        list
    };
    view! {
        <RoleGuard allow=may_be_assigned>
            <h1>{move || i18n.t("cases.mine")}</h1>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="action-error">{e}</p> })}
            <WhenReady>
                {move || {
                    let list = rows();
                    if list.is_empty() {
                        return view! { <p class="empty" data-testid="orders-empty">{move || i18n.t("cases.no_orders")}</p> }.into_any();
                    }
                    view! {
                        <div class="orders" data-testid="orders">
                            {list.into_iter().map(|v| {
                                let case = StoredValue::new(v.case.clone());
                                let next = match v.case.status {
                                    CaseStatus::Dispatched => Some(("case.sign", "cases.act.sign", "order-sign")),
                                    CaseStatus::Signed if v.case.kind != CaseKind::Complaint => Some(("case.start", "cases.act.start", "order-start")),
                                    _ => None,
                                };
                                view! {
                                    <div class="order" data-testid="order">
                                        <ul class="case-list"><CaseRow v now/></ul>
                                        {next.map(|(op, key, testid)| view! {
                                            <button type="button" class="primary big" data-testid=testid on:click=move |_| {
                                                case.with_value(|c| stepper.send(Some(&Record::Case(c.clone())), op, c.id.clone(), serde_json::json!({}), Vec::new(), || ()));
                                            }>{move || i18n.t(key)}</button>
                                        })}
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
            </WhenReady>
        </RoleGuard>
    }
}

/// `/cases/visits`: return visits due (overdue first) and the return-visit rate of
/// completed work (target 100 %).
#[component]
pub fn ReturnVisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let estate = StoredValue::new(use_estate_id());
    let cases = RwSignal::from(device::state().cases);
    let now = use_now();
    let due = move || {
        let mut list: Vec<ViewCase> = cases.with(|all| {
            all.values()
                .filter(|v| {
                    v.case.status == CaseStatus::ReturnVisit
                        && estate.with_value(|e| v.case.estate_id == *e)
                })
                .cloned()
                .collect()
        });
        list.sort_by(|a, b| urgency_order(&a.case, &b.case));
        list
    };
    // Of the cases whose work was completed, how many had their return visit.
    let rate = move || {
        cases.with(|all| {
            let done: Vec<_> = all
                .values()
                .map(|v| &v.case)
                .filter(|c| estate.with_value(|e| c.estate_id == *e))
                .filter(|c| {
                    matches!(c.kind, CaseKind::Repair | CaseKind::Complaint)
                        && (c.visit_due_at.is_some() || !c.visits.is_empty())
                })
                .collect();
            let visited = done.iter().filter(|c| !c.visits.is_empty()).count();
            (visited, done.len())
        })
    };
    view! {
        <RoleGuard allow=runs_desk>
            <h1>{move || i18n.t("cases.visits")}</h1>
            <WhenReady>
                <p class="rate" data-testid="visit-rate">
                    {move || {
                        let (v, n) = rate();
                        let pct = (v * 100).checked_div(n).unwrap_or(100);
                        format!("{}: {pct}% ({v}/{n})", i18n.t("cases.visit_rate"))
                    }}
                </p>
                {move || {
                    let list = due();
                    if list.is_empty() {
                        view! { <p class="empty" data-testid="visits-empty">{move || i18n.t("cases.no_visits")}</p> }.into_any()
                    } else {
                        view! { <ul class="case-list" data-testid="visits">{list.into_iter().map(|v| view! { <CaseRow v now/> }).collect_view()}</ul> }.into_any()
                    }
                }}
            </WhenReady>
        </RoleGuard>
    }
}

/// `/supervisor/levels`: the estate's service levels — hours to due per kind and
/// priority, return-visit and reply windows.
#[component]
pub fn ServiceLevelsPage() -> impl IntoView {
    let i18n = use_i18n();
    let estate = use_estate_id();
    let est = StoredValue::new(estate.clone());
    let loaded = Resource::new(
        move || est.get_value(),
        |e| async move { crate::api::cases::case_policy(e).await },
    );
    let policy = RwSignal::new(None::<Policy>);
    let message = RwSignal::new(None::<Result<String, String>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(p) = policy.get_untracked() else {
            return;
        };
        let e = est.get_value();
        leptos::task::spawn_local(async move {
            let r = crate::api::cases::set_case_policy(e, p).await;
            message.set(Some(
                r.map(|_| i18n.t("common.saved")).map_err(|e| e.to_string()),
            ));
        });
    };
    let hours = move |kind: CaseKind,
                      field: fn(&mut crate::domain::cases::PriorityHours) -> &mut u32,
                      read: fn(&crate::domain::cases::PriorityHours) -> u32| {
        view! {
            <td><input type="number" min="1" max="2160" class="num"
                prop:value=move || policy.with(|p| p.as_ref().and_then(|p| p.due_hours.get(&kind)).map(read).unwrap_or(0))
                on:input=move |ev| {
                    let v = event_target_value(&ev).parse::<u32>().unwrap_or(0);
                    policy.update(|p| if let Some(h) = p.as_mut().and_then(|p| p.due_hours.get_mut(&kind)) { *field(h) = v });
                }/></td>
        }
    };
    let days = move |key: &'static str, field: fn(&mut Policy) -> &mut u32| {
        view! {
            <label class="field compact">
                <span>{move || i18n.t(key)}</span>
                <input type="number" min="1" max="30" class="num"
                    prop:value=move || policy.with(|p| p.clone().map(|mut p| *field(&mut p)).unwrap_or(0))
                    on:input=move |ev| {
                        let v = event_target_value(&ev).parse::<u32>().unwrap_or(0);
                        policy.update(|p| if let Some(p) = p.as_mut() { *field(p) = v });
                    }/>
            </label>
        }
    };
    view! {
        <RoleGuard allow=supervises>
            <h1>{move || i18n.t("cases.levels")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{move || i18n.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(p) => { policy.set(Some(p)); }
                        Err(e) => message.set(Some(Err(e.to_string()))),
                    }
                    view! {
                        <form class="form" on:submit=save data-testid="levels-form">
                            <table class="levels">
                                <thead><tr>
                                    <th>{move || i18n.t("cases.kind")}</th>
                                    <th>{move || i18n.t("case.priority.urgent")}</th>
                                    <th>{move || i18n.t("case.priority.high")}</th>
                                    <th>{move || i18n.t("case.priority.normal")}</th>
                                    <th>{move || i18n.t("case.priority.low")}</th>
                                </tr></thead>
                                <tbody>
                                    {CaseKind::ALL.iter().map(|k| {
                                        let k = *k;
                                        let label = k.label_key();
                                        view! { <tr>
                                            <th>{move || i18n.t(label)}</th>
                                            {hours(k, |h| &mut h.urgent, |h| h.urgent)}
                                            {hours(k, |h| &mut h.high, |h| h.high)}
                                            {hours(k, |h| &mut h.normal, |h| h.normal)}
                                            {hours(k, |h| &mut h.low, |h| h.low)}
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p class="hint">{move || i18n.t("cases.levels_hint")}</p>
                            {days("cases.visit_days", |p| &mut p.visit_days)}
                            {days("cases.leak_visit_days", |p| &mut p.leak_visit_days)}
                            {days("cases.reply_days", |p| &mut p.reply_days)}
                            <button type="submit" class="primary" data-testid="levels-save">{move || i18n.t("common.save")}</button>
                        </form>
                    }
                })}
            </Suspense>
            {move || message.get().map(|m| match m {
                Ok(t) => view! { <p class="ok" role="status">{t}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            })}
        </RoleGuard>
    }
}
