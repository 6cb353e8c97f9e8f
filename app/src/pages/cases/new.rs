//! `/cases/new`: a new case, kept on the device first. The desk records who called or
//! came, how to reach them and the channel; residents file through the portal.

use super::{may_use_cases, PhotoPicker, Stepper};
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::device::{self, LocalPhoto};
use crate::domain::cases::{
    CaseKind, Channel, Priority, MAX_DESCRIPTION_CHARS, MAX_LOCATION_CHARS, MAX_TITLE_CHARS,
};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn NewCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let resident = user.role == Role::Resident;
    let estate = StoredValue::new(use_estate_id());
    let directory = RwSignal::from(device::state().directory);
    let kind = RwSignal::new(CaseKind::Repair);
    let priority = RwSignal::new(Priority::Normal);
    let channel = RwSignal::new(Channel::default_for(user.role));
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let contact_name = RwSignal::new(String::new());
    let contact_phone = RwSignal::new(String::new());
    let preferred = RwSignal::new(String::new());
    let leak = RwSignal::new(false);
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let stepper = Stepper::new(error);
    Effect::new(move |_| {
        if error.with(Option::is_some) {
            saving.set(false);
        }
    });
    // A resident's first unit is the default: most file about their home.
    Effect::new(move |_| {
        if resident && unit.get_untracked().is_empty() {
            if let Some(u) = directory.with(|d| d.units.first().map(|u| u.id.clone())) {
                unit.set(u);
            }
        }
    });
    let opt =
        |s: RwSignal<String>| Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if title.get_untracked().trim().is_empty() {
            error.set(Some(i18n.t("cases.title_required")));
            return;
        }
        let unit_id = opt(unit);
        if resident && unit_id.is_none() && opt(location).is_none() {
            error.set(Some(i18n.t("cases.place_required")));
            return;
        }
        let pics = photos.get_untracked();
        let payload = json!({
            "kind": kind.get_untracked().as_str(),
            "title": title.get_untracked(),
            "description": description.get_untracked(),
            "unit_id": unit_id,
            "location": opt(location),
            "photos": pics.iter().map(|p| p.sha256.clone()).collect::<Vec<_>>(),
            "estate_id": (!resident).then(|| estate.get_value()),
            "priority": priority.get_untracked().as_str(),
            "channel": channel.get_untracked().as_str(),
            "contact_name": opt(contact_name),
            "contact_phone": opt(contact_phone),
            "preferred_time": opt(preferred),
            "leak": leak.get_untracked(),
        });
        saving.set(true);
        stepper.send(
            None,
            "case.create",
            uuid::Uuid::now_v7().to_string(),
            payload,
            pics,
            || crate::browser::load_page("/cases"),
        );
    };
    let choice = move |label: &'static str,
                       testid: &'static str,
                       options: Vec<(&'static str, &'static str)>,
                       current: Signal<String>,
                       set: Box<dyn Fn(String)>| {
        view! {
            <label class="field">
                <span>{move || i18n.t(label)}</span>
                <select data-testid=testid on:change=move |ev| set(event_target_value(&ev))>
                    {options.into_iter().map(|(v, key)| view! {
                        <option value=v selected=move || current.get() == v>{move || i18n.t(key)}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let kinds: Vec<(&'static str, &'static str)> = CaseKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    let priorities: Vec<(&'static str, &'static str)> = Priority::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    let channels: Vec<(&str, &str)> = Channel::ALL
        .iter()
        .filter(|c| **c != Channel::Portal)
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    let priorities = StoredValue::new(priorities);
    let channels = StoredValue::new(channels);
    view! {
        <RoleGuard allow=may_use_cases>
            <h1>{move || i18n.t("cases.new")}</h1>
            <form class="form case-form" on:submit=submit data-testid="case-form">
                {choice("cases.kind", "case-kind", kinds.clone(), Signal::derive(move || kind.get().as_str().to_string()),
                    Box::new(move |v| if let Ok(k) = v.parse() { kind.set(k) }))}
                <label class="field">
                    <span>{move || i18n.t("cases.case_title")}</span>
                    <input type="text" required maxlength=MAX_TITLE_CHARS data-testid="case-title"
                        prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.description")}</span>
                    <textarea rows="4" maxlength=MAX_DESCRIPTION_CHARS data-testid="case-description"
                        prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.unit")}</span>
                    <select data-testid="case-unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                        <option value="" selected=move || unit.get().is_empty()>{move || i18n.t("cases.no_unit")}</option>
                        {move || directory.with(|d| d.units.iter()
                            .filter(|u| resident || estate.with_value(|e| u.estate_id == *e))
                            .map(|u| {
                                let id = u.id.clone();
                                let id2 = u.id.clone();
                                view! { <option value=id selected=move || unit.get() == id2>{u.label.clone()}</option> }
                            }).collect_view())}
                    </select>
                </label>
                <label class="field">
                    <span>{move || i18n.t("cases.location")}</span>
                    <input type="text" maxlength=MAX_LOCATION_CHARS data-testid="case-location"
                        placeholder=move || i18n.t("cases.location_hint")
                        prop:value=location on:input=move |ev| location.set(event_target_value(&ev))/>
                </label>
                <Show when=move || kind.get() == CaseKind::Repair>
                    <label class="check">
                        <input type="checkbox" data-testid="case-leak" prop:checked=leak
                            on:change=move |ev| leak.set(event_target_checked(&ev))/>
                        {move || i18n.t("cases.leak")}
                    </label>
                </Show>
                <label class="field">
                    <span>{move || i18n.t("cases.preferred_time")}</span>
                    <input type="text" maxlength="100" data-testid="case-preferred"
                        placeholder=move || i18n.t("cases.preferred_hint")
                        prop:value=preferred on:input=move |ev| preferred.set(event_target_value(&ev))/>
                </label>
                <Show when=move || !resident>
                    {choice("cases.priority", "case-priority", priorities.get_value(), Signal::derive(move || priority.get().as_str().to_string()),
                        Box::new(move |v| if let Ok(p) = v.parse() { priority.set(p) }))}
                    {choice("cases.channel", "case-channel", channels.get_value(), Signal::derive(move || channel.get().as_str().to_string()),
                        Box::new(move |v| if let Ok(c) = v.parse() { channel.set(c) }))}
                    <div class="row">
                        <label class="field">
                            <span>{move || i18n.t("cases.contact_name")}</span>
                            <input type="text" maxlength="60" data-testid="case-contact-name"
                                prop:value=contact_name on:input=move |ev| contact_name.set(event_target_value(&ev))/>
                        </label>
                        <label class="field">
                            <span>{move || i18n.t("cases.contact_phone")}</span>
                            <input type="tel" maxlength="30" data-testid="case-contact-phone"
                                prop:value=contact_phone on:input=move |ev| contact_phone.set(event_target_value(&ev))/>
                        </label>
                    </div>
                </Show>
                <PhotoPicker photos error/>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="form-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="case-submit" disabled=move || saving.get()>
                    {move || i18n.t("cases.submit")}
                </button>
            </form>
        </RoleGuard>
    }
}
