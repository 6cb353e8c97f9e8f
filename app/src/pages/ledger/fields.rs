//! Form fields the ledger's forms share: each is a label with one input bound to a signal.

use crate::components::layout::use_estate_id;
use crate::device;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A one-line text input.
#[component]
pub fn TextField(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] required: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = 60)] max: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || i18n.t(label)}</span>
            <input type=kind required=required maxlength=max data-testid=testid
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// A text area.
#[component]
pub fn TextArea(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(default = 1000)] max: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || i18n.t(label)}</span>
            <textarea rows="3" maxlength=max data-testid=testid
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </label>
    }
}

/// A choice among stable words, each shown by its translation key.
#[component]
pub fn Choice(
    label: &'static str,
    testid: &'static str,
    options: Vec<(&'static str, &'static str)>,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || i18n.t(label)}</span>
            <select data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
                {options.into_iter().map(|(v, key)| view! {
                    <option value=v selected=move || value.get() == v>{move || i18n.t(key)}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// A checkbox.
#[component]
pub fn Check(label: &'static str, testid: &'static str, value: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="check">
            <input type="checkbox" data-testid=testid prop:checked=value
                on:change=move |ev| value.set(event_target_checked(&ev))/>
            {move || i18n.t(label)}
        </label>
    }
}

/// A unit of the chosen estate, from the device's directory (works offline); empty is
/// "no unit" unless `required`.
#[component]
pub fn UnitField(
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let estate = StoredValue::new(use_estate_id());
    let directory = RwSignal::from(device::state().directory);
    view! {
        <label class="field">
            <span>{move || i18n.t("cases.unit")}</span>
            <select data-testid=testid required=required on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=move || value.get().is_empty()>
                    {move || if required { i18n.t("ledger.choose_unit") } else { i18n.t("ledger.no_unit") }}
                </option>
                {move || directory.with(|d| d.units.iter()
                    .filter(|u| estate.with_value(|e| u.estate_id == *e))
                    .map(|u| {
                        let id = u.id.clone();
                        let id2 = u.id.clone();
                        view! { <option value=id selected=move || value.get() == id2>{u.label.clone()}</option> }
                    }).collect_view())}
            </select>
        </label>
    }
}

/// A date and time (`datetime-local`), in the device's time zone.
#[component]
pub fn WhenField(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || i18n.t(label)}</span>
            <input type="datetime-local" data-testid=testid
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// The text of a field, trimmed, or `None` when blank.
pub fn opt(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty())
}

/// The error line under a form.
#[component]
pub fn FormError(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="error" role="alert" data-testid="form-error">{e}</p> })
    }
}
