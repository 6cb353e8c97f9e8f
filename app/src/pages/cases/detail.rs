//! `/cases/view?id=…`: one case — its facts, timers, work record, timeline, and the steps
//! the person may take. The id travels in the query so one kept page serves every case
//! offline. Printing gives the work order or complaint record on one A4 page.

use super::actions::Actions;
use super::{may_use_cases, use_now, PhotoThumb, Timers, WhenReady};
use crate::components::guard::RoleGuard;
use crate::device;
use crate::domain::cases::{Case, CaseKind, EventKind};
use crate::domain::outbox::ViewCase;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CaseViewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = move || query.with(|q| q.get("id").unwrap_or_default());
    let cases = RwSignal::from(device::state().cases);
    let found = Memo::new(move |_| cases.with(|c| c.get(&id()).cloned()));
    view! {
        <RoleGuard allow=may_use_cases>
            <p class="no-print"><a href="/cases" rel="external">{move || i18n.t("cases.back")}</a></p>
            <WhenReady>
                {move || match found.get() {
                    Some(v) => view! { <CaseDetail v/> }.into_any(),
                    None => view! { <p class="empty" data-testid="case-missing">{move || i18n.t("cases.not_here")}</p> }.into_any(),
                }}
            </WhenReady>
        </RoleGuard>
    }
}

fn money(cents: i64) -> String {
    format!("¥{}.{:02}", cents / 100, cents % 100)
}

#[component]
fn CaseDetail(v: ViewCase) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let c = v.case;
    let kind = c.kind.label_key();
    let status = c.status.label_key();
    let priority = c.priority.label_key();
    let channel = c.channel.label_key();
    let created = c.created_at;
    let record_key = if c.kind == CaseKind::Complaint {
        "cases.print_complaint"
    } else {
        "cases.print_order"
    };
    let case = StoredValue::new(c.clone());
    let fact = |key: &'static str, value: String| {
        (!value.is_empty())
            .then(|| view! { <div><dt>{move || i18n.t(key)}</dt><dd>{value}</dd></div> })
    };
    let department = c.department.map(|d| d.label_key());
    let complaint = c.complaint.clone();
    view! {
        <article class="case" data-testid="case-detail" data-status=c.status.as_str()>
            <p class="print-only print-title">{move || i18n.t(record_key)}</p>
            <header class="case-head">
                <span class="badge kind">{move || i18n.t(kind)}</span>
                <h1 data-testid="case-title">{c.title.clone()}</h1>
                <span class="badge status" data-testid="case-status">{move || i18n.t(status)}</span>
                {c.escalated.then(|| view! { <span class="badge escalated">{move || i18n.t("case.escalated")}</span> })}
                {v.pending.then(|| view! { <span class="badge waiting" data-testid="waiting-badge">{move || i18n.t("sync.waiting_badge")}</span> })}
                <button type="button" class="no-print" data-testid="print" on:click=|_| crate::browser::print()>
                    {move || i18n.t("cases.print")}
                </button>
            </header>
            <div class="timers" data-testid="timers">
                {move || view! { <Timers timers=case.with_value(|c| c.timers(now.get()))/> }}
            </div>
            <dl class="facts">
                {fact("cases.place", c.place())}
                <div><dt>{move || i18n.t("cases.priority")}</dt><dd>{move || i18n.t(priority)}</dd></div>
                <div><dt>{move || i18n.t("cases.channel")}</dt><dd>{move || i18n.t(channel)}</dd></div>
                {fact("cases.opened_by", c.created_by_name.clone())}
                <div><dt>{move || i18n.t("cases.opened_at")}</dt>
                    <dd>{move || crate::browser::format_time(created, i18n.lang.get())}</dd></div>
                {fact("cases.contact", c.contact.as_ref().map(|k| format!("{} {}", k.name, k.phone).trim().to_string()).unwrap_or_default())}
                {fact("cases.preferred_time", c.preferred_time.clone().unwrap_or_default())}
                {department.map(|d| view! { <div><dt>{move || i18n.t("cases.department")}</dt><dd data-testid="case-department">{move || i18n.t(d)}</dd></div> })}
                {fact("cases.assignee", c.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_default())}
                {c.leak.then(|| view! { <div><dt>{move || i18n.t("cases.leak")}</dt><dd>"✓"</dd></div> })}
                {complaint.map(|k| {
                    let (n, ca) = (k.nature.label_key(), k.cause.label_key());
                    let standing = k.payment_standing.map(|s| s.label_key());
                    view! {
                        <div><dt>{move || i18n.t("cases.nature")}</dt><dd data-testid="case-nature">{move || i18n.t(n)}</dd></div>
                        <div><dt>{move || i18n.t("cases.cause")}</dt><dd>{move || i18n.t(ca)}</dd></div>
                        {standing.map(|s| view! { <div><dt>{move || i18n.t("cases.standing")}</dt><dd>{move || i18n.t(s)}</dd></div> })}
                    }
                })}
            </dl>
            <p class="description">{c.description.clone()}</p>
            <div class="photos">{c.photos.clone().into_iter().map(|p| view! { <PhotoThumb photo=p/> }).collect_view()}</div>
            <WorkRecord c=c.clone()/>
            <Actions c=c.clone()/>
            <h2>{move || i18n.t("cases.timeline")}</h2>
            <ol class="timeline" data-testid="timeline">
                {c.events.into_iter().map(|e| {
                    let at = e.at;
                    let who = e.by_name.clone();
                    let headline = e.what.label_key();
                    let kind_attr = headline.trim_start_matches("case.event.").to_string();
                    view! {
                        <li data-testid="event" data-kind=kind_attr>
                            <span class="meta">{move || crate::browser::format_time(at, i18n.lang.get())} " · " {who}</span>
                            <strong>{move || i18n.t(headline)}</strong>
                            <EventBody what=e.what/>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div class="print-only signatures">
                <p>{move || i18n.t("cases.print_sign_tech")} "：________________"</p>
                <p>{move || i18n.t("cases.print_sign_resident")} "：________________"</p>
            </div>
        </article>
    }
}

/// The work as recorded: times, notes, materials, fee, acceptance, visits, summary,
/// rating. Shown (and printed) once there is any.
#[component]
fn WorkRecord(c: Case) -> impl IntoView {
    let i18n = use_i18n();
    let w = c.work.clone();
    let any = w.signed_at.is_some()
        || w.finished_at.is_some()
        || !c.visits.is_empty()
        || c.summary.is_some()
        || c.rating.is_some();
    let time = move |key: &'static str, at: Option<i64>| {
        at.map(|t| view! { <div><dt>{move || i18n.t(key)}</dt><dd>{move || crate::browser::format_time(t, i18n.lang.get())}</dd></div> })
    };
    any.then(|| view! {
        <section class="work" data-testid="work-record">
            <h2>{move || i18n.t("cases.work_record")}</h2>
            <dl class="facts">
                {time("cases.signed_at", w.signed_at)}
                {time("cases.started_at", w.started_at)}
                {time("cases.site_visit_at", w.site_visit_at)}
                {time("cases.finished_at", w.finished_at)}
                {time("cases.water_test_at", w.water_test_at)}
                {time("cases.visit_due", c.visit_due_at)}
                {w.fee_cents.map(|f| view! { <div><dt>{move || i18n.t("cases.fee")}</dt><dd data-testid="case-fee">{money(f)}</dd></div> })}
                {c.acceptance.clone().map(|a| view! {
                    <div><dt>{move || i18n.t("cases.accepted_by")}</dt><dd>{a.by.name.clone()}</dd></div>
                    <div class="signature"><dt>{move || i18n.t("cases.signature")}</dt><dd><PhotoThumb photo=a.signature/></dd></div>
                })}
                {c.rating.clone().map(|r| view! {
                    <div><dt>{move || i18n.t("cases.rating")}</dt><dd data-testid="case-rating">{"★".repeat(r.stars as usize)} " " {r.comment}</dd></div>
                })}
            </dl>
            {(!w.notes.is_empty()).then(|| view! { <p class="notes">{w.notes.clone()}</p> })}
            {(!w.materials.is_empty()).then(|| view! {
                <table class="materials">
                    <thead><tr><th>{move || i18n.t("cases.material")}</th><th>{move || i18n.t("cases.quantity")}</th></tr></thead>
                    <tbody>{w.materials.clone().into_iter().map(|m| view! { <tr><td>{m.name}</td><td>{format!("{} {}", m.quantity, m.unit)}</td></tr> }).collect_view()}</tbody>
                </table>
            })}
            {c.summary.clone().map(|s| view! {
                <dl class="facts summary" data-testid="case-summary">
                    <div><dt>{move || i18n.t("cases.summary_cause")}</dt><dd>{s.cause}</dd></div>
                    <div><dt>{move || i18n.t("cases.summary_lesson")}</dt><dd>{s.lesson}</dd></div>
                    <div><dt>{move || i18n.t("cases.summary_change")}</dt><dd>{s.change}</dd></div>
                </dl>
            })}
        </section>
    })
}

/// What an event says beyond its headline.
#[component]
fn EventBody(what: EventKind) -> impl IntoView {
    let i18n = use_i18n();
    let text = |t: String| (!t.is_empty()).then(|| view! { <p class="comment">{t}</p> });
    match what {
        EventKind::Comment { text: t, photos } => view! {
            <p class="comment">{t}</p>
            <div class="photos">{photos.into_iter().map(|p| view! { <PhotoThumb photo=p/> }).collect_view()}</div>
        }
        .into_any(),
        EventKind::Classified { nature, cause, department } => {
            let (n, c, d) = (nature.label_key(), cause.label_key(), department.label_key());
            view! { <p>{move || format!("{} · {} · {}", i18n.t(n), i18n.t(c), i18n.t(d))}</p> }.into_any()
        }
        EventKind::Prioritized { priority, .. } => {
            let p = priority.label_key();
            view! { <p>{move || i18n.t(p)}</p> }.into_any()
        }
        EventKind::Dispatched { department, assignee, note } | EventKind::Reassigned { department, assignee, note } => {
            let d = department.label_key();
            let who = assignee.map(|a| a.name).unwrap_or_default();
            view! { <p>{move || i18n.t(d)} " " {who.clone()}</p> {text(note)} }.into_any()
        }
        EventKind::SiteVisit { notes } | EventKind::Handled { notes, .. } => text(notes).into_any(),
        EventKind::Finished { notes, photos, fee_cents, .. } => view! {
            {text(notes)}
            {fee_cents.map(|f| view! { <p>{move || i18n.t("cases.fee")} " " {money(f)}</p> })}
            <div class="photos">{photos.into_iter().map(|p| view! { <PhotoThumb photo=p/> }).collect_view()}</div>
        }
        .into_any(),
        EventKind::Accepted { signature } => view! { <PhotoThumb photo=signature/> }.into_any(),
        EventKind::Visited { method, satisfied, notes } => {
            let m = method.label_key();
            let verdict = if satisfied { "cases.satisfied" } else { "cases.not_satisfied" };
            view! { <p>{move || format!("{} · {}", i18n.t(m), i18n.t(verdict))}</p> {text(notes)} }.into_any()
        }
        EventKind::Summarized { cause, lesson, change } => text(format!("{cause} / {lesson} / {change}")).into_any(),
        EventKind::Deferred { promised_at, note } => view! {
            <p>{move || crate::browser::format_time(promised_at, i18n.lang.get())}</p> {text(note)}
        }
        .into_any(),
        EventKind::Replied { text: t } => text(t).into_any(),
        EventKind::Refused { reason }
        | EventKind::Escalated { reason }
        | EventKind::Held { reason }
        | EventKind::Cancelled { reason }
        | EventKind::Reopened { reason } => text(reason).into_any(),
        EventKind::Closed { note } => text(note).into_any(),
        EventKind::Rated { stars, comment } => view! { <p>{"★".repeat(stars as usize)} " " {comment}</p> }.into_any(),
        EventKind::Created | EventKind::Signed | EventKind::Started | EventKind::Resumed => ().into_any(),
    }
}
