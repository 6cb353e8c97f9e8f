//! `/ledger/notices`: notices to residents (by estate, building or unit; pinned; for a
//! period) and the internal board. Withdrawn notices stay listed with who withdrew them.
//! Residents read theirs on their home screen, offline too.

use super::fields::{opt, Check, Choice, FormError, TextArea, TextField, UnitField, WhenField};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::layout::use_estate_id;
use crate::components::stepper::Stepper;
use crate::device;
use crate::domain::ledger::{keeps_ledger, Audience, Board, Notice, NoticeCategory};
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn NoticesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.notices")}</h1>
            <WhenReady>
                <PublishForm/>
                <NoticeList/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn PublishForm() -> impl IntoView {
    let i18n = use_i18n();
    let estate = StoredValue::new(use_estate_id());
    let directory = RwSignal::from(device::state().directory);
    let board = RwSignal::new(Board::Residents.as_str().to_string());
    let scope = RwSignal::new("estate".to_string());
    let building = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let category = RwSignal::new(NoticeCategory::General.as_str().to_string());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let pinned = RwSignal::new(false);
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let audience = match (
            board.get_untracked().as_str(),
            scope.get_untracked().as_str(),
        ) {
            ("internal", _) | (_, "estate") => json!({"scope": "estate"}),
            (_, "building") => {
                json!({"scope": "building", "building_id": building.get_untracked()})
            }
            _ => json!({"scope": "unit", "unit_id": unit.get_untracked()}),
        };
        let payload = json!({
            "board": board.get_untracked(),
            "audience": audience,
            "category": category.get_untracked(),
            "title": title.get_untracked(),
            "body": body.get_untracked(),
            "pinned": pinned.get_untracked(),
            "estate_id": estate.get_value(),
            "valid_from": opt(from).and_then(|v| crate::browser::parse_local_datetime(&v)),
            "valid_until": opt(until).and_then(|v| crate::browser::parse_local_datetime(&v)),
        });
        stepper.send(
            None,
            "notice.publish",
            new_id(),
            payload,
            Vec::new(),
            move || {
                for s in [title, body, from, until] {
                    s.set(String::new());
                }
                pinned.set(false);
            },
        );
    };
    let boards: Vec<(&str, &str)> = Board::ALL
        .iter()
        .map(|b| (b.as_str(), b.label_key()))
        .collect();
    let scopes = vec![
        ("estate", "notice.scope.estate"),
        ("building", "notice.scope.building"),
        ("unit", "notice.scope.unit"),
    ];
    // The categories follow the board chosen.
    Effect::new(move |_| {
        let b: Board = board.get().parse().unwrap_or(Board::Residents);
        let allowed = NoticeCategory::for_board(b);
        if !category.with_untracked(|c| allowed.iter().any(|a| a.as_str() == c)) {
            category.set(allowed[0].as_str().into());
        }
    });
    view! {
        <form class="form ledger-form" data-testid="notice-form" on:submit=submit>
            <div class="row">
                <Choice label="notice.board_label" testid="notice-board" options=boards value=board/>
                <label class="field">
                    <span>{move || i18n.t("notice.category_label")}</span>
                    <select data-testid="notice-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        {move || {
                            let b: Board = board.get().parse().unwrap_or(Board::Residents);
                            NoticeCategory::for_board(b).iter().map(|c| {
                                let v = c.as_str();
                                let key = c.label_key();
                                view! { <option value=v selected=move || category.get() == v>{move || i18n.t(key)}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
            </div>
            <Show when=move || board.get() == "residents">
                <div class="row">
                    <Choice label="notice.scope_label" testid="notice-scope" options=scopes.clone() value=scope/>
                    <Show when=move || scope.get() == "building">
                        <label class="field">
                            <span>{move || i18n.t("notice.building")}</span>
                            <select data-testid="notice-building" on:change=move |ev| building.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {move || directory.with(|d| d.buildings.iter()
                                    .filter(|b| estate.with_value(|e| b.estate_id == *e))
                                    .map(|b| view! { <option value=b.id.clone()>{format!("{} {}", b.code, b.name)}</option> })
                                    .collect_view())}
                            </select>
                        </label>
                    </Show>
                    <Show when=move || scope.get() == "unit">
                        <UnitField testid="notice-unit" value=unit/>
                    </Show>
                </div>
            </Show>
            <TextField label="notice.title" testid="notice-title" value=title required=true max=120/>
            <TextArea label="notice.body" testid="notice-body" value=body max=4000/>
            <div class="row">
                <WhenField label="notice.valid_from" testid="notice-from" value=from/>
                <WhenField label="notice.valid_until" testid="notice-until" value=until/>
            </div>
            <Check label="notice.pinned" testid="notice-pinned" value=pinned/>
            <FormError error/>
            <button type="submit" class="primary" data-testid="notice-submit">{move || i18n.t("notice.publish")}</button>
        </form>
    }
}

fn notices() -> Memo<Vec<(Notice, bool)>> {
    of_kind(|r| match r {
        Record::Notice(n) => Some(n),
        _ => None,
    })
}

/// Pinned first, then newest.
fn in_order(mut list: Vec<(Notice, bool)>) -> Vec<(Notice, bool)> {
    list.sort_by_key(|(n, _)| std::cmp::Reverse((n.pinned, n.valid_from)));
    list
}

#[component]
fn NoticeList() -> impl IntoView {
    let i18n = use_i18n();
    let notices = notices();
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    view! {
        <FormError error/>
        {Board::ALL.iter().map(|b| {
            let board = *b;
            let key = board.label_key();
            view! {
                <h2>{move || i18n.t(key)}</h2>
                <ul class="ledger-list" data-testid=format!("notices-{}", board.as_str())>
                    {move || in_order(notices.get()).into_iter().filter(|(n, _)| n.board == board).map(|(n, pending)| {
                        let record = StoredValue::new(Record::Notice(n.clone()));
                        let id = StoredValue::new(n.id.clone());
                        let reason = RwSignal::new(String::new());
                        let live = n.withdrawn.is_none();
                        view! {
                            <li class="ledger-item" data-testid="notice">
                                <NoticeCard n pending/>
                                {live.then(|| view! {
                                    <div class="inline-form">
                                        <input type="text" maxlength="1000" data-testid="notice-withdraw-reason" placeholder=move || i18n.t("notice.withdraw_reason")
                                            prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                                        <button type="button" data-testid="notice-withdraw" on:click=move |_| {
                                            record.with_value(|r| stepper.send(Some(r), "notice.withdraw", id.get_value(), json!({"reason": reason.get_untracked()}), Vec::new(), || ()));
                                        }>{move || i18n.t("notice.withdraw")}</button>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        }).collect_view()}
    }
}

#[component]
fn NoticeCard(n: Notice, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let category = n.category.label_key();
    let audience = match &n.audience {
        Audience::Estate => "notice.scope.estate",
        Audience::Building { .. } => "notice.scope.building",
        Audience::Unit { .. } => "notice.scope.unit",
    };
    view! {
        <article class="notice" data-testid="notice-card" data-pinned=n.pinned.to_string()>
            <h3>
                {n.pinned.then(|| view! { <span class="badge pinned">{move || i18n.t("notice.pinned_badge")}</span> " " })}
                <span data-testid="notice-title-text">{n.title.clone()}</span>
            </h3>
            <p class="meta">
                <span class="badge">{move || i18n.t(category)}</span> " "
                <span class="badge">{move || i18n.t(audience)}</span> " "
                {when(Some(n.valid_from))}
                {n.valid_until.map(|u| view! { " → " {when(Some(u))} })}
                {n.withdrawn.as_ref().map(|w| { let by = w.by_name.clone(); view! { " · " <span class="badge" data-testid="notice-withdrawn">{move || i18n.t("notice.withdrawn")}</span> " " {by} } })}
                <Waiting pending/>
            </p>
            <p class="notice-body">{n.body.clone()}</p>
        </article>
    }
}

/// The notices a resident may read now, on their home screen (from the device, offline
/// too): pinned first.
#[component]
pub fn ResidentNotices() -> impl IntoView {
    let i18n = use_i18n();
    let ledger = RwSignal::from(device::state().ledger);
    let now = crate::browser::now_ms();
    let current = move || {
        let list: Vec<(Notice, bool)> = ledger.with(|all| {
            all.values()
                .filter_map(|v| match &v.record {
                    Record::Notice(n) if n.board == Board::Residents && n.is_current(now) => {
                        Some((n.clone(), v.pending))
                    }
                    _ => None,
                })
                .collect()
        });
        in_order(list)
    };
    view! {
        <h2>{move || i18n.t("notice.for_you")}</h2>
        <ul class="ledger-list" data-testid="resident-notices">
            {move || {
                let list = current();
                if list.is_empty() {
                    view! { <li class="hint">{move || i18n.t("notice.none")}</li> }.into_any()
                } else {
                    list.into_iter().map(|(n, pending)| view! { <li class="ledger-item"><NoticeCard n pending/></li> }).collect_view().into_any()
                }
            }}
        </ul>
    }
}
