//! `/patrols/findings`: nonconformities as coordination sheets — open ones by
//! responsible department, oldest first with their age and due date; the department
//! answers with what it did, and the follow-up inspection closes the sheet or opens it
//! again with a new date. Closed sheets stay listed below.

use super::findings;
use crate::components::guard::RoleGuard;
use crate::components::layout::use_user;
use crate::components::stepper::Stepper;
use crate::device::LocalPhoto;
use crate::domain::ledger::approves;
use crate::domain::patrols::coverage::{age_days, open_by_department};
use crate::domain::patrols::{inspects, Finding, FindingStatus};
use crate::domain::records::Record;
use crate::domain::Role;
use crate::i18n::use_i18n;
use crate::pages::cases::{PhotoPicker, PhotoThumb};
use crate::pages::ledger::fields::{FormError, TextArea, WhenField};
use crate::pages::ledger::{when, Waiting, WhenReady};
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn FindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=Role::is_staff>
            <h1>{move || i18n.t("patrol.findings")}</h1>
            <WhenReady>
                <Sheets/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn Sheets() -> impl IntoView {
    let i18n = use_i18n();
    let findings = findings();
    let now = crate::browser::now_ms();
    let error = RwSignal::new(None::<String>);
    provide_context(Stepper::new(error));
    view! {
        <FormError error/>
        {move || {
            let all = findings.get();
            let pending: std::collections::HashSet<String> =
                all.iter().filter(|(_, p)| *p).map(|(f, _)| f.id.clone()).collect();
            let groups = open_by_department(all.iter().map(|(f, _)| f));
            let open: Vec<_> = groups.into_iter().map(|(dept, list)| {
                let n = list.len();
                view! {
                    <section class="dept-group" data-testid="dept-group" data-department=dept.as_str()>
                        <h2>{move || i18n.t(dept.label_key())} " (" {n} ")"</h2>
                        <ul class="ledger-list">
                            {list.into_iter().map(|f| {
                                let p = pending.contains(&f.id);
                                view! { <Sheet f=f.clone() pending=p now/> }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            }).collect_view();
            let closed: Vec<_> = all.iter().filter(|(f, _)| !f.is_open()).cloned().collect();
            view! {
                {if all.iter().any(|(f, _)| f.is_open()) {
                    open.into_any()
                } else {
                    view! { <p class="muted" data-testid="no-findings">{move || i18n.t("patrol.no_open_findings")}</p> }.into_any()
                }}
                <details class="closed-findings">
                    <summary>{move || i18n.t("patrol.closed_findings")} " (" {closed.len()} ")"</summary>
                    <ul class="ledger-list" data-testid="closed-findings">
                        {closed.into_iter().map(|(f, p)| view! { <Sheet f pending=p now/> }).collect_view()}
                    </ul>
                </details>
            }
        }}
    }
}

#[component]
fn Sheet(f: Finding, pending: bool, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let overdue = f.is_open() && f.due_at < now;
    let age = age_days(&f, now);
    let may_fix = f.status == FindingStatus::Open
        && (approves(user.role) || user.department == Some(f.department));
    let may_follow = f.is_open() && inspects(user.role);
    let status = f.status;
    let record = StoredValue::new(f.clone());
    view! {
        <li class="ledger-item finding" id=f.id.clone() data-testid="finding" data-status=status.as_str()>
            <div class="item-head">
                <strong>{f.area_name.clone()} " · " {f.item_label.clone()}</strong>
                <span class="badge" data-testid="finding-status">{move || i18n.t(status.label_key())}</span>
                {overdue.then(|| view! { <span class="badge alert" data-testid="finding-overdue">{move || i18n.t("ledger.overdue")}</span> })}
                <Waiting pending/>
            </div>
            <p>
                {move || i18n.t("patrol.found")} " " <strong>{f.found.clone()}</strong> " · "
                {f.route_name.clone()} " · " {f.raised.by_name.clone()} " " {when(Some(f.raised.at))}
            </p>
            <p class="muted">
                {move || i18n.t(f.department.label_key())} " · "
                {move || i18n.t("patrol.due")} " " {when(Some(f.due_at))} " · "
                {move || i18n.t("patrol.age")} " " <span data-testid="finding-age">{age}</span> " " {move || i18n.t("patrol.days")}
            </p>
            {f.note.clone().map(|n| view! { <p class="note">{n}</p> })}
            <div class="photos">{f.photos.iter().cloned().map(|photo| view! { <PhotoThumb photo/> }).collect_view()}</div>
            <ol class="timeline">
                {f.rectifications.iter().map(|r| view! {
                    <li data-testid="rectification">{move || i18n.t("patrol.rectified_by")} " " {r.stamp.by_name.clone()} " " {when(Some(r.stamp.at))}": " {r.note.clone()}
                        <div class="photos">{r.photos.iter().cloned().map(|photo| view! { <PhotoThumb photo/> }).collect_view()}</div>
                    </li>
                }).collect_view()}
                {f.follow_ups.iter().map(|u| {
                    let key = if u.passed { "patrol.follow_up_passed" } else { "patrol.follow_up_failed" };
                    view! {
                        <li data-testid="follow-up" data-passed=u.passed.to_string()>{move || i18n.t(key)} " · " {u.stamp.by_name.clone()} " " {when(Some(u.stamp.at))}
                            {u.note.clone().map(|n| view! { ": " {n} })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {may_fix.then(|| view! { <RectifyForm f=record/> })}
            {may_follow.then(|| view! { <FollowUpForm f=record/> })}
        </li>
    }
}

#[component]
fn RectifyForm(f: StoredValue<Finding>) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let note = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let local = photos.get_untracked();
        let names: Vec<String> = local.iter().map(|p| p.sha256.clone()).collect();
        let (rec, id) = f.with_value(|f| (Record::Finding(f.clone()), f.id.clone()));
        stepper.send(
            Some(&rec),
            "finding.rectify",
            id,
            json!({ "note": note.get_untracked(), "photos": names }),
            local,
            || {},
        );
    };
    let error = stepper.error;
    view! {
        <details class="step">
            <summary data-testid="rectify-open">{move || i18n.t("patrol.rectify")}</summary>
            <form class="form" data-testid="rectify-form" on:submit=submit>
                <TextArea label="patrol.rectify_note" testid="rectify-note" value=note/>
                <PhotoPicker photos error/>
                <button type="submit" class="primary" data-testid="rectify-submit">{move || i18n.t("patrol.rectify")}</button>
            </form>
        </details>
    }
}

#[component]
fn FollowUpForm(f: StoredValue<Finding>) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let note = RwSignal::new(String::new());
    let next = RwSignal::new(String::new());
    let send = move |passed: bool| {
        let next_due = if passed {
            None
        } else {
            match crate::browser::parse_local_datetime(&next.get_untracked()) {
                Some(t) => Some(t),
                None => {
                    stepper.error.set(Some(i18n.t("patrol.next_due_needed")));
                    return;
                }
            }
        };
        let n = Some(note.get_untracked().trim().to_string()).filter(|x| !x.is_empty());
        let (rec, id) = f.with_value(|f| (Record::Finding(f.clone()), f.id.clone()));
        stepper.send(
            Some(&rec),
            "finding.follow_up",
            id,
            json!({ "passed": passed, "note": n, "next_due_at": next_due }),
            Vec::new(),
            || {},
        );
    };
    view! {
        <details class="step">
            <summary data-testid="follow-up-open">{move || i18n.t("patrol.follow_up")}</summary>
            <form class="form" data-testid="follow-up-form" on:submit=|ev| ev.prevent_default()>
                <TextArea label="patrol.follow_up_note" testid="follow-up-note" value=note/>
                <WhenField label="patrol.next_due" testid="follow-up-next" value=next/>
                <div class="row">
                    <button type="button" class="primary" data-testid="follow-up-pass" on:click=move |_| send(true)>{move || i18n.t("patrol.follow_up_pass")}</button>
                    <button type="button" class="danger" data-testid="follow-up-fail" on:click=move |_| send(false)>{move || i18n.t("patrol.follow_up_fail")}</button>
                </div>
            </form>
        </details>
    }
}
