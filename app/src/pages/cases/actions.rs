//! The steps a person may take on a case, shown by role and state. Each is checked with
//! the shared rules before it is kept (see `Stepper`), so what the server would refuse
//! is refused here at once, offline too.

use super::signature::SignaturePad;
use super::{PhotoPicker, Stepper};
use crate::api::cases::unit_standing;
use crate::components::layout::use_user;
use crate::device::{self, LocalPhoto};
use crate::domain::cases::{
    may_be_assigned, runs_desk, supervises, Case, CaseKind, CaseStatus, Cause, ComplaintNature,
    Priority, VisitMethod,
};
use crate::domain::records::Record;
use crate::domain::{Department, Role};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::{json, Value};

/// Sends one step for the case shown; the view updates itself from the device.
fn send(
    case: StoredValue<Case>,
    op: &'static str,
    payload: Value,
    photos: Vec<LocalPhoto>,
    st: Stepper,
    done: impl FnOnce() + 'static,
) {
    case.with_value(|c| {
        st.send(
            Some(&Record::Case(c.clone())),
            op,
            c.id.clone(),
            payload,
            photos,
            done,
        )
    });
}

#[component]
pub(super) fn Actions(c: Case) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let me = user.id.clone();
    let role = user.role;
    let desk = runs_desk(role);
    let mine = c.assignee.as_ref().is_some_and(|a| a.id == me) || supervises(role);
    let takes_unassigned = c.assignee.is_none()
        && may_be_assigned(role)
        && user.department.is_some()
        && user.department == c.department;
    let resident = role == Role::Resident;
    let s = c.status;
    let complaint = c.kind == CaseKind::Complaint;
    let working = matches!(
        s,
        CaseStatus::Dispatched | CaseStatus::Signed | CaseStatus::InProgress
    );
    let final_ = s.is_final();
    let error = RwSignal::new(None::<String>);
    let case = StoredValue::new(c.clone());
    let stepper = Stepper::new(error);
    provide_context(stepper);

    let mut items: Vec<AnyView> = Vec::new();
    let button = |op: &'static str, key: &'static str, testid: &'static str| {
        view! {
            <button type="button" class="primary" data-testid=testid
                on:click=move |_| send(case, op, json!({}), Vec::new(), stepper, || ())>
                {move || i18n.t(key)}
            </button>
        }
        .into_any()
    };
    if s == CaseStatus::Dispatched && (mine || takes_unassigned) && !resident {
        items.push(button("case.sign", "cases.act.sign", "act-sign"));
    }
    if s == CaseStatus::Signed && mine && !complaint {
        items.push(button("case.start", "cases.act.start", "act-start"));
    }
    if s == CaseStatus::OnHold && (desk || mine) {
        items.push(button("case.resume", "cases.act.resume", "act-resume"));
    }
    if s == CaseStatus::InProgress && mine && !complaint {
        items.push(view! { <FinishForm case error/> }.into_any());
    }
    if complaint && working && (mine || desk) {
        items.push(view! { <NotesForm case op="case.site_visit" key="cases.act.site_visit" testid="act-site-visit"/> }.into_any());
        items.push(
            view! { <NotesForm case op="case.handle" key="cases.act.handle" testid="act-handle"/> }
                .into_any(),
        );
    }
    if s == CaseStatus::Completed && (resident || desk) {
        items.push(view! { <AcceptForm case error/> }.into_any());
        items.push(view! { <ReasonForm case op="case.refuse" key="cases.act.refuse" testid="act-refuse"/> }.into_any());
    }
    if desk
        && complaint
        && !final_
        && !matches!(
            s,
            CaseStatus::ReturnVisit | CaseStatus::Resolved | CaseStatus::Completed
        )
    {
        items.push(view! { <ClassifyForm case/> }.into_any());
    }
    if desk && s == CaseStatus::Open {
        items.push(view! { <DispatchForm case op="case.dispatch" key="cases.act.dispatch" testid="act-dispatch"/> }.into_any());
    }
    if desk && working {
        items.push(view! { <DispatchForm case op="case.reassign" key="cases.act.reassign" testid="act-reassign"/> }.into_any());
    }
    if desk && s == CaseStatus::ReturnVisit {
        items.push(view! { <VisitForm case/> }.into_any());
    }
    if desk && complaint && matches!(s, CaseStatus::ReturnVisit | CaseStatus::Resolved) {
        items.push(view! { <SummaryForm case/> }.into_any());
    }
    if desk && !final_ {
        if !matches!(c.kind, CaseKind::Repair | CaseKind::Complaint) && s != CaseStatus::OnHold {
            items.push(view! { <NoteForm case op="case.close" key="cases.act.close" testid="act-close" field="note" required=false/> }.into_any());
        }
        items.push(view! { <NoteForm case op="case.reply" key="cases.act.reply" testid="act-reply" field="text" required=true/> }.into_any());
        items.push(view! { <DeferForm case/> }.into_any());
        items.push(view! { <PriorityForm case/> }.into_any());
    }
    if (desk || mine) && !final_ {
        if !c.escalated {
            items.push(view! { <ReasonForm case op="case.escalate" key="cases.act.escalate" testid="act-escalate"/> }.into_any());
        }
        if s != CaseStatus::OnHold {
            items.push(
                view! { <ReasonForm case op="case.hold" key="cases.act.hold" testid="act-hold"/> }
                    .into_any(),
            );
        }
    }
    if !final_ && (desk || (resident && s == CaseStatus::Open && c.created_by == me)) {
        items.push(view! { <ReasonForm case op="case.cancel" key="cases.act.cancel" testid="act-cancel"/> }.into_any());
    }
    if desk && final_ {
        items.push(view! { <ReasonForm case op="case.reopen" key="cases.act.reopen" testid="act-reopen"/> }.into_any());
    }
    if resident
        && c.rating.is_none()
        && matches!(
            s,
            CaseStatus::ReturnVisit | CaseStatus::Resolved | CaseStatus::Closed
        )
    {
        items.push(view! { <RateForm case/> }.into_any());
    }
    if !final_ {
        items.push(view! { <CommentForm case error/> }.into_any());
    }
    view! {
        <section class="actions no-print" data-testid="actions">
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="action-error">{e}</p> })}
            {items}
        </section>
    }
}

/// A disclosure holding one step's form.
#[component]
fn Step(key: &'static str, testid: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="step" data-testid=testid>
            <summary>{move || i18n.t(key)}</summary>
            {children()}
        </details>
    }
}

fn text_field(
    label: &'static str,
    value: RwSignal<String>,
    testid: &'static str,
    required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || i18n.t(label)}</span>
            <textarea rows="2" maxlength="1000" required=required data-testid=testid
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </label>
    }
}

fn submit_button(testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! { <button type="submit" class="primary" data-testid=testid>{move || i18n.t("common.save")}</button> }
}

#[component]
fn ReasonForm(
    case: StoredValue<Case>,
    op: &'static str,
    key: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            op,
            json!({"reason": reason.get_untracked()}),
            Vec::new(),
            st,
            move || reason.set(String::new()),
        );
    };
    view! {
        <Step key testid>
            <form class="form" on:submit=submit>
                {text_field("cases.reason", reason, "reason", true)}
                {submit_button("reason-submit")}
            </form>
        </Step>
    }
}

#[component]
fn NoteForm(
    case: StoredValue<Case>,
    op: &'static str,
    key: &'static str,
    testid: &'static str,
    field: &'static str,
    required: bool,
) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let note = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            op,
            json!({ field: note.get_untracked() }),
            Vec::new(),
            st,
            move || note.set(String::new()),
        );
    };
    view! {
        <Step key testid>
            <form class="form" on:submit=submit>
                {text_field("cases.note", note, "note", required)}
                {submit_button("note-submit")}
            </form>
        </Step>
    }
}

#[component]
fn NotesForm(
    case: StoredValue<Case>,
    op: &'static str,
    key: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let notes = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            op,
            json!({"notes": notes.get_untracked()}),
            Vec::new(),
            st,
            move || notes.set(String::new()),
        );
    };
    view! {
        <Step key testid>
            <form class="form" on:submit=submit>
                {text_field("cases.notes", notes, "notes", true)}
                {submit_button("notes-submit")}
            </form>
        </Step>
    }
}

#[component]
fn CommentForm(case: StoredValue<Case>, error: RwSignal<Option<String>>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pics = photos.get_untracked();
        let names: Vec<String> = pics.iter().map(|p| p.sha256.clone()).collect();
        send(
            case,
            "case.comment",
            json!({"text": text.get_untracked(), "photos": names}),
            pics,
            st,
            move || {
                text.set(String::new());
                photos.set(Vec::new());
            },
        );
    };
    view! {
        <form class="form comment-form" on:submit=submit data-testid="comment-form">
            <label class="field">
                <span>{move || i18n.t("cases.comment")}</span>
                <textarea rows="3" maxlength=crate::domain::cases::MAX_COMMENT_CHARS data-testid="comment-text"
                    prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <PhotoPicker photos error/>
            <button type="submit" data-testid="comment-submit">{move || i18n.t("cases.comment_submit")}</button>
        </form>
    }
}

fn options<T: Copy + 'static>(
    all: &'static [T],
    word: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    all.iter()
        .map(|v| {
            let (w, k) = (word(*v), key(*v));
            view! { <option value=w>{move || i18n.t(k)}</option> }
        })
        .collect_view()
}

#[component]
fn DispatchForm(
    case: StoredValue<Case>,
    op: &'static str,
    key: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let directory = RwSignal::from(device::state().directory);
    let start = case.with_value(|c| {
        c.department
            .or(c.complaint.as_ref().map(|k| k.department))
            .unwrap_or(Department::Engineering)
    });
    let department = RwSignal::new(start);
    let assignee = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let estate = case.with_value(|c| c.estate_id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let who = Some(assignee.get_untracked()).filter(|a| !a.is_empty());
        send(
            case,
            op,
            json!({"department": department.get_untracked().as_str(), "assignee_id": who, "note": note.get_untracked()}),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key testid>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{move || i18n.t("cases.department")}</span>
                    <select data-testid="dispatch-department" prop:value=move || department.get().as_str()
                        on:change=move |ev| { if let Ok(d) = event_target_value(&ev).parse() { department.set(d); assignee.set(String::new()) } }>
                        {options(&Department::ALL, Department::as_str, Department::label_key)}
                    </select>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.assignee")}</span>
                    <select data-testid="dispatch-assignee" on:change=move |ev| assignee.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("cases.anyone_in_department")}</option>
                        {move || {
                            let d = department.get();
                            directory.with(|dir| dir.staff.iter()
                                .filter(|s| may_be_assigned(s.role) && s.estate_ids.contains(&estate))
                                .filter(|s| s.department == Some(d) || supervises(s.role))
                                .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
                                .collect_view())
                        }}
                    </select>
                </label>
                {text_field("cases.note", note, "dispatch-note", false)}
                {submit_button("dispatch-submit")}
            </form>
        </Step>
    }
}

#[component]
fn ClassifyForm(case: StoredValue<Case>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let nature = RwSignal::new(ComplaintNature::Valid);
    let cause = RwSignal::new(Cause::ServiceQuality);
    let department = RwSignal::new(Department::CustomerService);
    let identity = RwSignal::new(false);
    let unit = case.with_value(|c| c.unit_id.clone());
    // The unit's payment standing, when online; offline the desk sees that it is unknown.
    let standing = Resource::new(
        move || unit.clone(),
        |u| async move {
            match u {
                Some(u) => unit_standing(u).await.ok(),
                None => None,
            }
        },
    );
    let seen_standing = RwSignal::new(None::<crate::domain::resident::PaymentStanding>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            "case.classify",
            json!({
                "nature": nature.get_untracked().as_str(),
                "cause": cause.get_untracked().as_str(),
                "department": department.get_untracked().as_str(),
                "identity_confirmed": identity.get_untracked(),
                "payment_standing": seen_standing.get_untracked().map(|s| s.as_str()),
            }),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key="cases.act.classify" testid="act-classify">
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{move || i18n.t("cases.nature")}</span>
                    <select data-testid="classify-nature" on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { nature.set(v) } }>
                        {options(ComplaintNature::ALL, ComplaintNature::as_str, ComplaintNature::label_key)}
                    </select>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.cause")}</span>
                    <select data-testid="classify-cause" prop:value=move || cause.get().as_str() on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { cause.set(v) } }>
                        {options(Cause::ALL, Cause::as_str, Cause::label_key)}
                    </select>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.department")}</span>
                    <select data-testid="classify-department" prop:value=move || department.get().as_str() on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { department.set(v) } }>
                        {options(&Department::ALL, Department::as_str, Department::label_key)}
                    </select>
                </label>
                <Show when=move || nature.get().is_communicative()>
                    <label class="check">
                        <input type="checkbox" data-testid="classify-identity" on:change=move |ev| identity.set(event_target_checked(&ev))/>
                        {move || i18n.t("cases.identity_confirmed")}
                    </label>
                    <div class="standing" data-testid="standing">
                        <strong>{move || i18n.t("cases.standing")}</strong> " "
                        <Suspense fallback=move || view! { <span>{move || i18n.t("common.loading")}</span> }>
                            {move || Suspend::new(async move {
                                match standing.await {
                                    Some(list) if !list.is_empty() => {
                                        let worst = if list.iter().any(|s| s.standing == crate::domain::resident::PaymentStanding::Arrears) {
                                            crate::domain::resident::PaymentStanding::Arrears
                                        } else {
                                            crate::domain::resident::PaymentStanding::Good
                                        };
                                        seen_standing.set(Some(worst));
                                        list.into_iter().map(|s| {
                                            let k = s.standing.label_key();
                                            view! { <span class=format!("standing {}", s.standing.as_str())>{s.name} " · " {move || i18n.t(k)} " "</span> }
                                        }).collect_view().into_any()
                                    }
                                    _ => view! { <span>{move || i18n.t("cases.standing_unknown")}</span> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </div>
                </Show>
                {submit_button("classify-submit")}
            </form>
        </Step>
    }
}

#[component]
fn FinishForm(case: StoredValue<Case>, error: RwSignal<Option<String>>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let notes = RwSignal::new(String::new());
    let materials = RwSignal::new(String::new());
    let fee = RwSignal::new(String::new());
    let water = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let leak = case.with_value(|c| c.leak);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // One material per line: "name, quantity, unit".
        let lines: Vec<Value> = materials
            .get_untracked()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut parts = l.split([',', '，']).map(str::trim);
                let name = parts.next().unwrap_or_default();
                let qty = parts
                    .next()
                    .and_then(|q| q.parse::<f64>().ok())
                    .unwrap_or(1.0);
                let unit = parts.next().unwrap_or_default();
                json!({"name": name, "quantity": qty, "unit": unit})
            })
            .collect();
        let fee_cents = fee
            .get_untracked()
            .trim()
            .parse::<f64>()
            .ok()
            .map(|y| (y * 100.0).round() as i64);
        let water_at = crate::browser::parse_local_datetime(&water.get_untracked());
        let pics = photos.get_untracked();
        let names: Vec<String> = pics.iter().map(|p| p.sha256.clone()).collect();
        let mut payload = json!({"notes": notes.get_untracked(), "materials": lines, "fee_cents": fee_cents, "photos": names});
        if leak {
            payload["water_test_at"] = json!(water_at);
        }
        send(case, "case.finish", payload, pics, st, || ());
    };
    view! {
        <Step key="cases.act.finish" testid="act-finish">
            <form class="form" on:submit=submit>
                {text_field("cases.work_done", notes, "finish-notes", true)}
                <label class="field">
                    <span>{move || i18n.t("cases.materials")}</span>
                    <textarea rows="2" data-testid="finish-materials" placeholder=move || i18n.t("cases.materials_hint")
                        prop:value=materials on:input=move |ev| materials.set(event_target_value(&ev))></textarea>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.fee_yuan")}</span>
                    <input type="number" min="0" step="0.01" data-testid="finish-fee" prop:value=fee on:input=move |ev| fee.set(event_target_value(&ev))/>
                </label>
                {leak.then(|| view! {
                    <label class="field">
                        <span>{move || i18n.t("cases.water_test_at")}</span>
                        <input type="datetime-local" data-testid="finish-water-test" prop:value=water on:input=move |ev| water.set(event_target_value(&ev))/>
                    </label>
                })}
                <PhotoPicker photos error/>
                {submit_button("finish-submit")}
            </form>
        </Step>
    }
}

#[component]
fn AcceptForm(case: StoredValue<Case>, error: RwSignal<Option<String>>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drawn = RwSignal::new(false);
    let on_accept = move |_| {
        if !drawn.get_untracked() {
            error.set(Some(i18n.t("cases.signature_required")));
            return;
        }
        let (Some(device), Some(el)) = (device::device(), canvas.get_untracked()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match device.prepare_signature(el).await {
                Ok(sig) => {
                    let name = sig.sha256.clone();
                    send(
                        case,
                        "case.accept",
                        json!({"signature": name}),
                        vec![sig],
                        st,
                        || (),
                    );
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <Step key="cases.act.accept" testid="act-accept">
            <p class="hint">{move || i18n.t("cases.sign_here")}</p>
            <SignaturePad canvas drawn/>
            <button type="button" class="primary" data-testid="accept-submit" on:click=on_accept>
                {move || i18n.t("cases.act.accept")}
            </button>
        </Step>
    }
}

#[component]
fn VisitForm(case: StoredValue<Case>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let method = RwSignal::new(VisitMethod::Phone);
    let satisfied = RwSignal::new(true);
    let notes = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            "case.return_visit",
            json!({"method": method.get_untracked().as_str(), "satisfied": satisfied.get_untracked(), "notes": notes.get_untracked()}),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key="cases.act.return_visit" testid="act-return-visit">
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{move || i18n.t("cases.visit_method")}</span>
                    <select data-testid="visit-method" on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { method.set(v) } }>
                        {options(VisitMethod::ALL, VisitMethod::as_str, VisitMethod::label_key)}
                    </select>
                </label>
                <label class="check">
                    <input type="radio" name="satisfied" checked data-testid="visit-satisfied" on:change=move |_| satisfied.set(true)/>
                    {move || i18n.t("cases.satisfied")}
                </label>
                <label class="check">
                    <input type="radio" name="satisfied" data-testid="visit-unsatisfied" on:change=move |_| satisfied.set(false)/>
                    {move || i18n.t("cases.not_satisfied")}
                </label>
                {text_field("cases.notes", notes, "visit-notes", false)}
                {submit_button("visit-submit")}
            </form>
        </Step>
    }
}

#[component]
fn SummaryForm(case: StoredValue<Case>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let cause = RwSignal::new(String::new());
    let lesson = RwSignal::new(String::new());
    let change = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            "case.summarize",
            json!({"cause": cause.get_untracked(), "lesson": lesson.get_untracked(), "change": change.get_untracked()}),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key="cases.act.summarize" testid="act-summarize">
            <form class="form" on:submit=submit>
                {text_field("cases.summary_cause", cause, "summary-cause", true)}
                {text_field("cases.summary_lesson", lesson, "summary-lesson", true)}
                {text_field("cases.summary_change", change, "summary-change", true)}
                {submit_button("summary-submit")}
            </form>
        </Step>
    }
}

#[component]
fn DeferForm(case: StoredValue<Case>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let when = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at = crate::browser::parse_local_datetime(&when.get_untracked());
        send(
            case,
            "case.defer",
            json!({"promised_at": at, "note": note.get_untracked()}),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key="cases.act.defer" testid="act-defer">
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{move || i18n.t("cases.promised_at")}</span>
                    <input type="datetime-local" data-testid="defer-at" prop:value=when on:input=move |ev| when.set(event_target_value(&ev))/>
                </label>
                <p class="hint">{move || i18n.t("cases.promise_default")}</p>
                {text_field("cases.note", note, "defer-note", false)}
                {submit_button("defer-submit")}
            </form>
        </Step>
    }
}

#[component]
fn PriorityForm(case: StoredValue<Case>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let current = case.with_value(|c| c.priority);
    let priority = RwSignal::new(current);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            "case.prioritize",
            json!({"priority": priority.get_untracked().as_str()}),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key="cases.act.prioritize" testid="act-prioritize">
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{move || i18n.t("cases.priority")}</span>
                    <select data-testid="priority" prop:value=move || priority.get().as_str() on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<Priority>() { priority.set(v) } }>
                        {options(Priority::ALL, Priority::as_str, Priority::label_key)}
                    </select>
                </label>
                {submit_button("priority-submit")}
            </form>
        </Step>
    }
}

#[component]
fn RateForm(case: StoredValue<Case>) -> impl IntoView {
    let st = expect_context::<Stepper>();
    let i18n = use_i18n();
    let stars = RwSignal::new(5u8);
    let comment = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            case,
            "case.rate",
            json!({"stars": stars.get_untracked(), "comment": comment.get_untracked()}),
            Vec::new(),
            st,
            || (),
        );
    };
    view! {
        <Step key="cases.act.rate" testid="act-rate">
            <form class="form" on:submit=submit>
                <div class="stars" role="radiogroup" aria-label=move || i18n.t("cases.rating")>
                    {(1..=5u8).map(|n| view! {
                        <button type="button" data-testid=format!("star-{n}")
                            class=move || { if stars.get() >= n { "star on" } else { "star" } } on:click=move |_| stars.set(n)>"★"</button>
                    }).collect_view()}
                </div>
                {text_field("cases.comment", comment, "rate-comment", false)}
                {submit_button("rate-submit")}
            </form>
        </Step>
    }
}
