//! Case screens that read the device's view (local replica + waiting work), so they work
//! the same online and offline: the list, a new case with photos, and a case with its
//! timeline and comments. The full workflow (dispatch, work orders, return visits) builds
//! on these.

use crate::api::residents::my_units;
use crate::components::guard::RoleGuard;
use crate::components::layout::{use_estate_id, use_user};
use crate::device::{self, LocalPhoto, NewRecord};
use crate::domain::cases::{
    CaseKind, CaseStatus, EventKind, Photo, MAX_COMMENT_CHARS, MAX_DESCRIPTION_CHARS,
    MAX_LOCATION_CHARS, MAX_PHOTOS, MAX_TITLE_CHARS,
};
use crate::domain::outbox::ViewCase;
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use serde_json::json;

/// Who uses the case screens: everyone but cashiers.
fn may_use_cases(role: Role) -> bool {
    crate::domain::cases::may_create(role)
}

/// "Loading" until the device has read its store (always, on the server).
#[component]
fn WhenReady(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::from(device::state().status);
    move || {
        if status.with(|s| s.ready) {
            children().into_any()
        } else {
            view! { <p class="loading" data-testid="device-loading">{move || i18n.t("common.loading")}</p> }
                .into_any()
        }
    }
}

/// `/cases`: the cases the person may see, newest first; waiting ones marked.
#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let estate = StoredValue::new(use_estate_id());
    let staff = user.role.is_staff();
    let cases = RwSignal::from(device::state().cases);
    let rows = move || {
        let mut list: Vec<ViewCase> = cases.with(|c| {
            c.values()
                .filter(|v| !staff || estate.with_value(|e| v.case.estate_id == *e))
                .cloned()
                .collect()
        });
        list.sort_by_key(|v| std::cmp::Reverse(v.case.created_at));
        list
    };
    view! {
        <RoleGuard allow=may_use_cases>
            <div class="page-head">
                <h1>{move || i18n.t("cases.title")}</h1>
                <a class="button primary" href="/cases/new" rel="external" data-testid="new-case">
                    {move || i18n.t("cases.new")}
                </a>
            </div>
            <WhenReady>
                {move || {
                    let list = rows();
                    if list.is_empty() {
                        view! { <p class="empty">{move || i18n.t("cases.none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="case-list" data-testid="case-list">
                                {list.into_iter().map(|v| view! { <CaseRow v/> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }}
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn CaseRow(v: ViewCase) -> impl IntoView {
    let i18n = use_i18n();
    let c = v.case;
    let href = format!("/cases/view?id={}", c.id);
    let kind = c.kind.label_key();
    let status = c.status.label_key();
    let place = place_of(&c.unit_label, &c.location);
    let created = c.created_at;
    let photos = c.photos.len();
    view! {
        <li class="case-row" data-testid="case-row" data-pending=v.pending.to_string()>
            <a href=href rel="external">
                <span class="badge kind">{move || i18n.t(kind)}</span>
                <strong class="title">{c.title.clone()}</strong>
                <span class="place">{place}</span>
                <span class="meta">
                    {move || crate::browser::format_time(created, i18n.lang.get())}
                    {(photos > 0).then(|| format!(" · {photos} 📷"))}
                </span>
                <span class="badge status">{move || i18n.t(status)}</span>
                {v.pending.then(|| view! {
                    <span class="badge waiting" data-testid="waiting-badge">{move || i18n.t("sync.waiting_badge")}</span>
                })}
            </a>
        </li>
    }
}

fn place_of(unit_label: &Option<String>, location: &Option<String>) -> String {
    match (unit_label, location) {
        (Some(u), Some(l)) => format!("{u} · {l}"),
        (Some(u), None) => u.clone(),
        (None, Some(l)) => l.clone(),
        (None, None) => String::new(),
    }
}

/// A photo picker: camera or files, downscaled on the device, at most `MAX_PHOTOS`.
#[component]
fn PhotoPicker(
    photos: RwSignal<Vec<LocalPhoto>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let files = crate::browser::chosen_files(&ev);
        let Some(device) = device::device() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            for f in files {
                if photos.with_untracked(Vec::len) >= MAX_PHOTOS {
                    break;
                }
                match device.prepare_photo(f).await {
                    Ok(p) => photos.update(|list| {
                        if !list.iter().any(|x| x.sha256 == p.sha256) {
                            list.push(p);
                        }
                    }),
                    Err(e) => error.set(Some(e)),
                }
            }
            busy.set(false);
        });
    };
    view! {
        <label class="field">
            <span>{move || i18n.t("cases.photos")}</span>
            <input type="file" accept="image/jpeg,image/png,image/webp" multiple capture="environment"
                data-testid="photo-input" on:change=on_change/>
        </label>
        <p class="hint" data-testid="photo-count">
            {move || if busy.get() {
                i18n.t("cases.photos_preparing")
            } else {
                format!("{} {}", photos.with(Vec::len), i18n.t("cases.photos_ready"))
            }}
        </p>
    }
}

/// `/cases/new`: a new case, kept on the device first.
#[component]
pub fn NewCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user();
    let resident = user.role == Role::Resident;
    let estate = StoredValue::new(use_estate_id());
    let kind = RwSignal::new(CaseKind::Repair);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    // A resident's units are rendered into the page, so the form works from a kept page.
    let units = Resource::new(
        move || resident,
        |r| async move {
            if r {
                my_units().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(device) = device::device() else {
            return;
        };
        let t = title.get_untracked();
        if t.trim().is_empty() {
            error.set(Some(i18n.t("cases.title_required")));
            return;
        }
        let unit_id = Some(unit.get_untracked()).filter(|u| !u.is_empty());
        let place = Some(location.get_untracked().trim().to_string()).filter(|l| !l.is_empty());
        if resident && unit_id.is_none() && place.is_none() {
            error.set(Some(i18n.t("cases.place_required")));
            return;
        }
        let pics = photos.get_untracked();
        let record = NewRecord {
            op: "case.create",
            entity_id: uuid::Uuid::now_v7().to_string(),
            payload: json!({
                "kind": kind.get_untracked().as_str(),
                "title": t,
                "description": description.get_untracked(),
                "unit_id": unit_id,
                "location": place,
                "photos": pics.iter().map(|p| p.sha256.clone()).collect::<Vec<_>>(),
                "estate_id": (!resident).then(|| estate.get_value()),
            }),
            photos: pics,
        };
        saving.set(true);
        spawn_local(async move {
            match device.record(record).await {
                Ok(()) => crate::browser::load_page("/cases"),
                Err(e) => {
                    saving.set(false);
                    error.set(Some(format!("{}: {e}", i18n.t("sync.not_saved"))));
                }
            }
        });
    };
    view! {
        <RoleGuard allow=may_use_cases>
            <h1>{move || i18n.t("cases.new")}</h1>
            <form class="form case-form" on:submit=submit data-testid="case-form">
                <label class="field">
                    <span>{move || i18n.t("cases.kind")}</span>
                    <select data-testid="case-kind" on:change=move |ev| {
                        if let Ok(k) = event_target_value(&ev).parse::<CaseKind>() {
                            kind.set(k);
                        }
                    }>
                        {CaseKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=move || kind.get() == k>{move || i18n.t(k.label_key())}</option>
                        }).collect_view()}
                    </select>
                </label>
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
                <Show when=move || resident>
                    <label class="field">
                        <span>{move || i18n.t("cases.unit")}</span>
                        <Suspense fallback=move || view! { <span class="loading">{move || i18n.t("common.loading")}</span> }>
                            {move || Suspend::new(async move {
                                let list = units.await;
                                if let Some(first) = list.first() {
                                    if unit.get_untracked().is_empty() {
                                        unit.set(first.id.clone());
                                    }
                                }
                                view! {
                                    <select data-testid="case-unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                                        {list.into_iter().map(|u| view! {
                                            <option value=u.id.clone()>{format!("{}-{}", u.building_code, u.number)}</option>
                                        }).collect_view()}
                                        <option value="">{move || i18n.t("cases.no_unit")}</option>
                                    </select>
                                }
                            })}
                        </Suspense>
                    </label>
                </Show>
                <label class="field">
                    <span>{move || i18n.t("cases.location")}</span>
                    <input type="text" maxlength=MAX_LOCATION_CHARS data-testid="case-location"
                        placeholder=move || i18n.t("cases.location_hint")
                        prop:value=location on:input=move |ev| location.set(event_target_value(&ev))/>
                </label>
                <PhotoPicker photos error/>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="form-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="case-submit" disabled=move || saving.get()>
                    {move || i18n.t("cases.submit")}
                </button>
            </form>
        </RoleGuard>
    }
}

/// A photo from the device while it waits, else from the server.
#[component]
fn PhotoThumb(photo: Photo) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(None::<String>);
    let sha = photo.sha256.clone();
    Effect::new(move |_| {
        if let Some(d) = device::device() {
            let sha = sha.clone();
            spawn_local(async move { url.set(Some(d.photo_url(sha).await)) });
        }
    });
    let pending = photo.pending;
    view! {
        <figure class="photo" data-testid="photo" data-pending=pending.to_string()>
            {move || url.get().map(|u| view! { <img src=u alt=move || i18n.t("cases.photo") loading="lazy"/> })}
            {pending.then(|| view! { <figcaption class="badge waiting">{move || i18n.t("cases.photo_pending")}</figcaption> })}
        </figure>
    }
}

/// `/cases/view?id=…`: one case, its timeline, and a comment box. The id travels in the
/// query so one kept page serves every case offline.
#[component]
pub fn CaseViewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = move || query.with(|q| q.get("id").unwrap_or_default());
    let cases = RwSignal::from(device::state().cases);
    let found = move || cases.with(|c| c.get(&id()).cloned());
    view! {
        <RoleGuard allow=may_use_cases>
            <p><a href="/cases" rel="external">{move || i18n.t("cases.back")}</a></p>
            <WhenReady>
                {move || match found() {
                    Some(v) => view! { <CaseDetail v/> }.into_any(),
                    None => view! { <p class="empty" data-testid="case-missing">{move || i18n.t("cases.not_here")}</p> }.into_any(),
                }}
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn CaseDetail(v: ViewCase) -> impl IntoView {
    let i18n = use_i18n();
    let c = v.case;
    let kind = c.kind.label_key();
    let status = c.status.label_key();
    let closed = c.status == CaseStatus::Closed;
    let place = place_of(&c.unit_label, &c.location);
    let created = c.created_at;
    let id = c.id.clone();
    view! {
        <article class="case" data-testid="case-detail">
            <header class="case-head">
                <span class="badge kind">{move || i18n.t(kind)}</span>
                <h1 data-testid="case-title">{c.title.clone()}</h1>
                <span class="badge status" data-testid="case-status">{move || i18n.t(status)}</span>
                {v.pending.then(|| view! { <span class="badge waiting" data-testid="waiting-badge">{move || i18n.t("sync.waiting_badge")}</span> })}
            </header>
            <dl class="facts">
                <div><dt>{move || i18n.t("cases.place")}</dt><dd>{place}</dd></div>
                <div><dt>{move || i18n.t("cases.opened_by")}</dt><dd>{c.created_by_name.clone()}</dd></div>
                <div><dt>{move || i18n.t("cases.opened_at")}</dt>
                    <dd>{move || crate::browser::format_time(created, i18n.lang.get())}</dd></div>
            </dl>
            <p class="description">{c.description.clone()}</p>
            <div class="photos">{c.photos.into_iter().map(|p| view! { <PhotoThumb photo=p/> }).collect_view()}</div>
            <h2>{move || i18n.t("cases.timeline")}</h2>
            <ol class="timeline" data-testid="timeline">
                {c.events.into_iter().map(|e| {
                    let at = e.at;
                    let who = e.by_name.clone();
                    let body = match e.what {
                        EventKind::Created => view! { <span>{move || i18n.t("cases.event_created")}</span> }.into_any(),
                        EventKind::Comment { text, photos } => view! {
                            <p class="comment">{text}</p>
                            <div class="photos">{photos.into_iter().map(|p| view! { <PhotoThumb photo=p/> }).collect_view()}</div>
                        }.into_any(),
                    };
                    view! {
                        <li data-testid="event">
                            <span class="meta">{move || crate::browser::format_time(at, i18n.lang.get())} " · " {who}</span>
                            {body}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {(!closed).then(|| view! { <CommentBox case_id=id/> })}
        </article>
    }
}

#[component]
fn CommentBox(case_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<LocalPhoto>::new());
    let error = RwSignal::new(None::<String>);
    let case_id = StoredValue::new(case_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(device) = device::device() else {
            return;
        };
        let t = text.get_untracked();
        if t.trim().is_empty() {
            return;
        }
        let pics = photos.get_untracked();
        let record = NewRecord {
            op: "case.comment",
            entity_id: case_id.get_value(),
            payload: json!({"text": t, "photos": pics.iter().map(|p| p.sha256.clone()).collect::<Vec<_>>()}),
            photos: pics,
        };
        spawn_local(async move {
            match device.record(record).await {
                Ok(()) => {
                    text.set(String::new());
                    photos.set(Vec::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(format!("{}: {e}", i18n.t("sync.not_saved")))),
            }
        });
    };
    view! {
        <form class="form comment-form" on:submit=submit data-testid="comment-form">
            <label class="field">
                <span>{move || i18n.t("cases.comment")}</span>
                <textarea rows="3" maxlength=MAX_COMMENT_CHARS data-testid="comment-text"
                    prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <PhotoPicker photos error/>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" data-testid="comment-submit">{move || i18n.t("cases.comment_submit")}</button>
        </form>
    }
}
