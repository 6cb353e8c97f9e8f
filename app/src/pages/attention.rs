//! `/sync`: what the device holds — how many records wait, and the mutations the server
//! rejected, each with its message, to correct and resend or to discard explicitly.

use crate::device;
use crate::domain::outbox::{Entry, EntryState};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SyncPage() -> impl IntoView {
    let i18n = use_i18n();
    let st = device::state();
    let status = RwSignal::from(st.status);
    let attention = RwSignal::from(st.attention);
    view! {
        <h1>{move || i18n.t("sync.page_title")}</h1>
        <p class="lead" data-testid="sync-summary">
            {move || {
                let s = status.get();
                format!("{} {} · {} {}", s.waiting, i18n.t("sync.waiting"), s.attention, i18n.t("sync.attention"))
            }}
        </p>
        <button type="button" data-testid="sync-now-page" on:click=move |_| {
            if let Some(d) = device::device() {
                d.sync_now();
            }
        }>{move || i18n.t("sync.now")}</button>
        <h2>{move || i18n.t("sync.needs_attention")}</h2>
        {move || {
            let list = attention.get();
            if list.is_empty() {
                view! { <p class="empty" data-testid="attention-empty">{move || i18n.t("sync.nothing_rejected")}</p> }.into_any()
            } else {
                view! {
                    <ul class="attention" data-testid="attention-list">
                        {list.into_iter().map(|e| view! { <Rejected entry=e/> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

/// The payload field a person can correct for each op, and its label.
fn editable_field(op: &str) -> (&'static str, &'static str) {
    match op {
        "case.comment" => ("text", "cases.comment"),
        _ => ("title", "cases.case_title"),
    }
}

/// What a person calls the op.
fn op_label(op: &str) -> &'static str {
    match op {
        "case.create" => "sync.op.case_create",
        "case.comment" => "sync.op.case_comment",
        _ => "sync.op.other",
    }
}

#[component]
fn Rejected(entry: Entry) -> impl IntoView {
    let i18n = use_i18n();
    let m = entry.mutation;
    let (code, message) = match entry.state {
        EntryState::Rejected { code, message } => (code, message),
        EntryState::Waiting => (String::new(), String::new()),
    };
    let (field, field_label) = editable_field(&m.op);
    let op_key = op_label(&m.op);
    let value = RwSignal::new(
        m.payload
            .get(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
    );
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(m.id.clone());
    let payload = StoredValue::new(m.payload.clone());
    let resend = move |_| {
        let Some(d) = device::device() else { return };
        let mut p = payload.get_value();
        p[field] = serde_json::Value::String(value.get_untracked());
        spawn_local(async move {
            if let Err(e) = d.correct(id.get_value(), p).await {
                error.set(Some(e));
            }
        });
    };
    let discard = move |_| {
        let Some(d) = device::device() else { return };
        if !crate::browser::confirm(&i18n.t("sync.discard_confirm")) {
            return;
        }
        spawn_local(async move {
            if let Err(e) = d.discard(id.get_value()).await {
                error.set(Some(e));
            }
        });
    };
    view! {
        <li class="card rejected" data-testid="rejected">
            <strong>{move || i18n.t(op_key)}</strong>
            <span class="badge">{code}</span>
            <p class="error" data-testid="rejected-message">{message}</p>
            <label class="field">
                <span>{move || i18n.t(field_label)}</span>
                <input type="text" data-testid="rejected-field" prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="actions">
                <button type="button" class="primary" data-testid="resend" on:click=resend>{move || i18n.t("sync.resend")}</button>
                <button type="button" class="danger" data-testid="discard" on:click=discard>{move || i18n.t("sync.discard")}</button>
            </div>
        </li>
    }
}
