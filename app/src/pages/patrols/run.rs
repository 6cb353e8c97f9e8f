//! `/patrols/run?id=`: one run. The patrol who walks it checks in at each area (the
//! camera reads the QR label where the browser can, the printed code can always be
//! typed), answers its checklist, and records a failed item as a nonconformity with
//! photos; they can pause and come back after a reload, offline. Anyone else — and the
//! patrol once it is finished — sees the full record: times, answers, photos.

use super::{query_id, runs};
use crate::components::guard::RoleGuard;
use crate::components::layout::use_user;
use crate::components::stepper::Stepper;
use crate::device::LocalPhoto;
use crate::domain::patrols::{CheckInMethod, Item, ItemKind, Run, RunArea, RunStatus, Value};
use crate::domain::records::Record;
use crate::domain::{Department, Role};
use crate::i18n::{use_i18n, I18n};
use crate::pages::cases::{PhotoPicker, PhotoThumb};
use crate::pages::ledger::fields::{FormError, TextArea};
use crate::pages::ledger::{new_id, when, Waiting, WhenReady};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

/// How long a department has to fix a nonconformity unless the patrol says otherwise.
const FIX_WITHIN_MS: i64 = 2 * 24 * 3_600_000;

#[component]
pub fn RunPage() -> impl IntoView {
    view! {
        <RoleGuard allow=Role::is_staff>
            <WhenReady>
                <RunScreen/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn RunScreen() -> impl IntoView {
    let i18n = use_i18n();
    let id = query_id();
    let runs = runs();
    let run = Memo::new(move |_| {
        let id = id.get();
        runs.with(|l| l.iter().find(|(r, _)| r.id == id).cloned())
    });
    let me = use_user().id;
    let walking = {
        let me = me.clone();
        Memo::new(move |_| {
            run.with(|r| {
                r.as_ref()
                    .is_some_and(|(r, _)| r.started.by == me && r.status != RunStatus::Finished)
            })
        })
    };
    let selected = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    provide_context(stepper);
    move || match run.get() {
        None => view! { <p data-testid="run-missing">{move || i18n.t("patrol.run_missing")}</p> }
            .into_any(),
        Some((r, pending)) => {
            let done = r.complete_areas();
            let total = r.areas.len();
            let status = r.status;
            view! {
                <h1>{r.route_name.clone()}</h1>
                <p class="lead" data-testid="run-head">
                    <span class="badge" data-testid="run-status" data-status=status.as_str()>{move || i18n.t(status.label_key())}</span>
                    " " {move || i18n.t("patrol.version")} " " {r.version} " · "
                    {r.started.by_name.clone()} " · " {when(Some(r.started.at))}
                    {r.finished.as_ref().map(|f| view! { " → " {when(Some(f.at))} })}
                    " · " <strong data-testid="run-progress">{done} "/" {total}</strong> " " {move || i18n.t("patrol.areas_done")}
                    <Waiting pending/>
                </p>
                {r.note.clone().map(|n| view! { <p class="note" data-testid="run-note">{n}</p> })}
                <FormError error/>
                {walking.get().then(|| view! { <Controls run=r.clone() selected/> })}
                <ol class="areas" data-testid="areas">
                    {r.areas.iter().map(|a| view! { <AreaCard run=r.clone() area=a.clone() selected walking=walking.get()/> }).collect_view()}
                </ol>
                {(walking.get() && status == RunStatus::InProgress).then(|| view! { <FinishForm run=r.clone()/> })}
            }.into_any()
        }
    }
}

/// Check-in, pause or resume, finish.
#[component]
fn Controls(run: Run, selected: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let code = RwSignal::new(String::new());
    let record = StoredValue::new(Record::Run(run.clone()));
    let id = StoredValue::new(run.id.clone());
    // Also called after the camera's picture is read, when this row may be gone.
    let check_in = move |c: String, how: CheckInMethod| {
        let c = c.trim().to_uppercase();
        let shown = c.clone();
        let Some(entity) = id.try_get_value() else {
            return;
        };
        record.try_with_value(|r| {
            stepper.send(
                Some(r),
                "run.check_in",
                entity,
                json!({ "code": c, "how": how.as_str() }),
                Vec::new(),
                move || {
                    code.set(String::new());
                    selected.set(Some(shown));
                },
            )
        });
    };
    let on_scan = move |ev: leptos::ev::Event| {
        let Some(file) = crate::browser::chosen_files(&ev).into_iter().next() else {
            return;
        };
        spawn_local(async move {
            match crate::browser::read_qr(file).await {
                Some(c) => check_in(c, CheckInMethod::Scan),
                None => stepper.error.set(Some(i18n.t("patrol.no_qr"))),
            }
        });
    };
    let paused = run.status == RunStatus::Paused;
    let simple = |op: &'static str| {
        move |_| {
            record.with_value(|r| {
                stepper.send(Some(r), op, id.get_value(), json!({}), Vec::new(), || {})
            })
        }
    };
    view! {
        <section class="run-controls">
            {if paused {
                view! {
                    <p class="warning">{move || i18n.t("patrol.paused_explain")}</p>
                    <button type="button" class="primary" data-testid="resume-run" on:click=simple("run.resume")>{move || i18n.t("patrol.resume")}</button>
                }.into_any()
            } else {
                view! {
                    <form class="form checkin" data-testid="checkin-form" on:submit=move |ev| {
                        ev.prevent_default();
                        check_in(code.get_untracked(), CheckInMethod::Manual);
                    }>
                        <label class="field">
                            <span>{move || i18n.t("patrol.area_code")}</span>
                            <input type="text" autocomplete="off" autocapitalize="characters" required maxlength="32"
                                data-testid="checkin-code" prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                        </label>
                        <button type="submit" class="primary" data-testid="checkin-submit">{move || i18n.t("patrol.check_in")}</button>
                        {crate::browser::can_scan_qr().then(|| view! {
                            <label class="button">
                                {move || i18n.t("patrol.scan")}
                                <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                                    data-testid="checkin-scan" on:change=on_scan/>
                            </label>
                        })}
                    </form>
                    <div class="row">
                        <button type="button" data-testid="pause-run" on:click=simple("run.pause")>{move || i18n.t("patrol.pause")}</button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The end of the run, under its areas: what is left, and why.
#[component]
fn FinishForm(run: Run) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let note = RwSignal::new(String::new());
    let left = run.areas.len() - run.complete_areas();
    let record = StoredValue::new(Record::Run(run));
    let finish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = note.get_untracked();
        let n = Some(n.trim().to_string()).filter(|x| !x.is_empty());
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "run.finish",
                r.id().to_string(),
                json!({ "note": n }),
                Vec::new(),
                || {},
            )
        });
    };
    view! {
        <form class="form finish" data-testid="finish-form" on:submit=finish>
            {(left > 0).then(|| view! {
                <p class="warning" data-testid="incomplete-warning">{left} " " {move || i18n.t("patrol.incomplete_explain")}</p>
            })}
            <TextArea label="patrol.finish_note" testid="finish-note" value=note/>
            <button type="submit" class="primary" data-testid="finish-run">{move || i18n.t("patrol.finish")}</button>
        </form>
    }
}

#[component]
fn AreaCard(
    run: Run,
    area: RunArea,
    selected: RwSignal<Option<String>>,
    walking: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = area.code.clone();
    let code2 = code.clone();
    let complete = area.is_complete();
    let checked = area.check_in.clone();
    let state = if complete {
        "complete"
    } else if checked.is_some() {
        "checked_in"
    } else {
        "not_visited"
    };
    let answered = area.answered();
    let total = area.items.len();
    let fails = area.failures();
    let run2 = run.clone();
    let area2 = area.clone();
    view! {
        <li class=format!("area area-{state}") data-testid="area" data-code=code.clone() data-state=state>
            <button type="button" class="area-head" data-testid="area-head" on:click=move |_| selected.set(Some(code2.clone()))>
                <strong>{area.name.clone()}</strong>
                <code>{code.clone()}</code>
                <span class="badge">{move || i18n.t(match state {
                    "complete" => "patrol.area.complete",
                    "checked_in" => "patrol.area.checked_in",
                    _ => "patrol.area.not_visited",
                })}</span>
                " " {answered} "/" {total}
                {(fails > 0).then(|| view! { <span class="badge alert">{fails} " " {move || i18n.t("patrol.failures")}</span> })}
            </button>
            {checked.map(|c| view! {
                <p class="muted">{move || i18n.t("patrol.checked_in_at")} " " {when(Some(c.stamp.at))} " · " {move || i18n.t(c.how.label_key())}</p>
            })}
            {move || {
                let show = !walking
                    || selected.with(|s| s.as_deref() == Some(area2.code.as_str()))
                    || (selected.with(Option::is_none) && area2.check_in.is_some() && !area2.is_complete());
                show.then(|| view! { <Items run=run2.clone() area=area2.clone() walking/> })
            }}
        </li>
    }
}

/// An area's checklist: answers to give while walking, or the record of them.
#[component]
fn Items(run: Run, area: RunArea, walking: bool) -> impl IntoView {
    let can_answer = walking && run.status == RunStatus::InProgress && area.check_in.is_some();
    let failing = RwSignal::new(None::<(usize, Value)>);
    let run = StoredValue::new(run);
    let area = StoredValue::new(area);
    let items: Vec<(usize, Item)> =
        area.with_value(|a| a.items.iter().cloned().enumerate().collect());
    view! {
        <ul class="items" data-testid="items">
            {items.into_iter().map(|(i, item)| {
                let answer = area.with_value(|a| a.answer(i).cloned());
                let answered = answer.is_some().to_string();
                let failed = answer.as_ref().is_some_and(|a| a.failed).to_string();
                view! {
                    <li class="item" data-testid="item" data-index=i data-answered=answered data-failed=failed>
                        <span class="item-label">{item.label.clone()}</span>
                        {answer.map(|a| view! { <AnswerShown a/> })}
                        {can_answer.then(|| view! { <AnswerControls run area index=i item=item.clone() failing/> })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || failing.get().map(|(i, value)| view! { <FailForm run area index=i value failing/> })}
    }
}

/// A given answer, with its photos and note.
#[component]
fn AnswerShown(a: crate::domain::patrols::Answer) -> impl IntoView {
    let i18n = use_i18n();
    let text = value_words(&a.value, i18n);
    view! {
        <span class=if a.failed { "badge alert" } else { "badge ok" } data-testid="answer">{text}</span>
        <time class="muted">{move || crate::browser::format_clock(a.stamp.at, i18n.lang.get())}</time>
        {a.note.clone().map(|n| view! { <p class="note">{n}</p> })}
        {(!a.photos.is_empty()).then(|| view! {
            <div class="photos">{a.photos.iter().cloned().map(|photo| view! { <PhotoThumb photo/> }).collect_view()}</div>
        })}
        {a.finding_id.clone().map(|f| view! {
            <a href=format!("/patrols/findings#{f}") rel="external" data-testid="finding-link">{move || i18n.t("patrol.nonconformity")}</a>
        })}
    }
}

/// An answer as words in the person's language.
fn value_words(v: &Value, i18n: I18n) -> String {
    match v {
        Value::Pass => i18n.t("patrol.answer.pass"),
        Value::Fail => i18n.t("patrol.answer.fail"),
        Value::NotApplicable => i18n.t("patrol.answer.na"),
        Value::Number { value } => value.to_string(),
        Value::Text { text } => text.clone(),
    }
}

#[component]
fn AnswerControls(
    run: StoredValue<Run>,
    area: StoredValue<RunArea>,
    index: usize,
    item: Item,
    failing: RwSignal<Option<(usize, Value)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let input = RwSignal::new(String::new());
    let item = StoredValue::new(item);
    let give = move |value: Value| {
        if item.with_value(|it| value.fails(it)) == Some(true) {
            failing.set(Some((index, value)));
            return;
        }
        let (rec, id) = run.with_value(|r| (Record::Run(r.clone()), r.id.clone()));
        let code = area.with_value(|a| a.code.clone());
        stepper.send(
            Some(&rec),
            "run.answer",
            id,
            json!({ "code": code, "item": index, "value": value }),
            Vec::new(),
            move || input.set(String::new()),
        );
    };
    let kind = item.with_value(|i| i.kind.clone());
    match kind {
        ItemKind::Check => view! {
            <span class="answer-buttons">
                <button type="button" class="ok" data-testid="answer-pass" on:click=move |_| give(Value::Pass)>{move || i18n.t("patrol.answer.pass")}</button>
                <button type="button" data-testid="answer-na" on:click=move |_| give(Value::NotApplicable)>{move || i18n.t("patrol.answer.na")}</button>
                <button type="button" class="danger" data-testid="answer-fail" on:click=move |_| give(Value::Fail)>{move || i18n.t("patrol.answer.fail")}</button>
            </span>
        }.into_any(),
        ItemKind::Number { unit, min, max } => {
            let bounds = match (min, max) {
                (Some(a), Some(b)) => format!("{a}–{b} {unit}"),
                (None, Some(b)) => format!("≤ {b} {unit}"),
                (Some(a), None) => format!("≥ {a} {unit}"),
                (None, None) => unit.clone(),
            };
            view! {
                <form class="answer-form" on:submit=move |ev| {
                    ev.prevent_default();
                    match input.get_untracked().trim().replace(',', ".").parse::<f64>() {
                        Ok(v) if v.is_finite() => give(Value::Number { value: v }),
                        _ => stepper.error.set(Some(i18n.t("patrol.not_a_number"))),
                    }
                }>
                    <input type="text" inputmode="decimal" required data-testid="answer-number" placeholder=bounds
                        prop:value=input on:input=move |ev| input.set(event_target_value(&ev))/>
                    <button type="submit" data-testid="answer-save">{move || i18n.t("patrol.save")}</button>
                </form>
            }.into_any()
        }
        ItemKind::Text => view! {
            <form class="answer-form" on:submit=move |ev| {
                ev.prevent_default();
                give(Value::Text { text: input.get_untracked() });
            }>
                <input type="text" required maxlength="1000" data-testid="answer-text"
                    prop:value=input on:input=move |ev| input.set(event_target_value(&ev))/>
                <button type="submit" data-testid="answer-save">{move || i18n.t("patrol.save")}</button>
            </form>
        }.into_any(),
    }
}

/// A failed item: what was found, photos, and the sheet to the responsible department.
#[component]
fn FailForm(
    run: StoredValue<Run>,
    area: StoredValue<RunArea>,
    index: usize,
    value: Value,
    failing: RwSignal<Option<(usize, Value)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let note = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let department = RwSignal::new(run.with_value(|r| r.department.as_str().to_string()));
    let (label, photo_needed) = area.with_value(|a| {
        a.items
            .get(index)
            .map(|i| (i.label.clone(), i.photo_on_fail))
            .unwrap_or_default()
    });
    let found = match &value {
        Value::Number { value: v } => {
            match area.with_value(|a| a.items.get(index).map(|i| i.kind.clone())) {
                Some(ItemKind::Number { unit, .. }) => format!("{v} {unit}").trim().to_string(),
                _ => v.to_string(),
            }
        }
        v => value_words(v, i18n),
    };
    let value = StoredValue::new(value);
    let (label2, found2) = (label.clone(), found.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(dept) = department.get_untracked().parse::<Department>().ok() else {
            return;
        };
        let local = photos.get_untracked();
        let names: Vec<String> = local.iter().map(|p| p.sha256.clone()).collect();
        let n = Some(note.get_untracked().trim().to_string()).filter(|x| !x.is_empty());
        let finding_id = new_id();
        let (rec, run_id, route_name, estate) = run.with_value(|r| {
            (
                Record::Run(r.clone()),
                r.id.clone(),
                r.route_name.clone(),
                r.estate_id.clone(),
            )
        });
        let (code, area_name) = area.with_value(|a| (a.code.clone(), a.name.clone()));
        let answer = json!({
            "code": code, "item": index, "value": value.get_value(),
            "note": n, "photos": names, "finding_id": finding_id,
        });
        let raise = json!({
            "estate_id": estate, "run_id": run_id, "route_name": route_name,
            "area_code": code, "area_name": area_name, "item_label": label2,
            "found": found2, "note": n, "photos": names,
            "department": dept, "due_at": crate::browser::now_ms() + FIX_WITHIN_MS,
        });
        let again = local.clone();
        // The answer first: it names the sheet the next step raises.
        stepper.send(Some(&rec), "run.answer", run_id, answer, local, move || {
            stepper.send(None, "finding.raise", finding_id, raise, again, move || {
                failing.set(None)
            });
        });
    };
    let error = stepper.error;
    let departments: Vec<(&str, &str)> = Department::ALL
        .iter()
        .map(|d| (d.as_str(), d.label_key()))
        .collect();
    view! {
        <form class="form fail-form" data-testid="fail-form" on:submit=submit>
            <h3>{move || i18n.t("patrol.nonconformity")} ": " {label}</h3>
            <p>{move || i18n.t("patrol.found")} " " <strong>{found}</strong></p>
            {photo_needed.then(|| view! { <p class="hint">{move || i18n.t("patrol.photo_required")}</p> })}
            <PhotoPicker photos error/>
            <TextArea label="patrol.fail_note" testid="fail-note" value=note/>
            <crate::pages::ledger::fields::Choice label="patrol.department" testid="fail-department" options=departments value=department/>
            <div class="row">
                <button type="submit" class="primary" data-testid="fail-submit">{move || i18n.t("patrol.record_failure")}</button>
                <button type="button" data-testid="fail-cancel" on:click=move |_| failing.set(None)>{move || i18n.t("patrol.cancel")}</button>
            </div>
        </form>
    }
}
