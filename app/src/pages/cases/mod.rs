//! Case screens. They read the device's view (local replica + waiting work), so they work
//! the same online and offline: the queue with filters and search, a new case, one case
//! with its timers, timeline and the steps the person may take, the technician's orders
//! and the desk's return visits. Every step is checked by the shared rules before it is
//! kept, so a refusal shows at once, offline too.

mod actions;
mod detail;
mod list;
mod new;
pub(crate) mod signature;
mod work;

pub use detail::CaseViewPage;
pub use list::CasesPage;
pub use new::NewCasePage;
pub use work::{MyOrdersPage, ReturnVisitsPage, ServiceLevelsPage};

pub(crate) use crate::components::ready::WhenReady;
pub(crate) use crate::components::stepper::Stepper;
use crate::device::{self, LocalPhoto};
use crate::domain::cases::{Photo, Timer, TimerState, MAX_PHOTOS};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The case pages the service worker keeps, so they open offline, each with the roles
/// its guard lets in.
pub const OFFLINE_PAGES: [super::OfflinePage; 6] = [
    ("/cases", may_use_cases),
    ("/cases/new", may_use_cases),
    ("/cases/view", may_use_cases),
    ("/cases/mine", crate::domain::cases::may_be_assigned),
    ("/cases/visits", crate::domain::cases::runs_desk),
    ("/sync", |_| true),
];

/// Who uses the case screens: everyone but cashiers.
fn may_use_cases(role: Role) -> bool {
    crate::domain::cases::may_create(role)
}

/// The clock the timers read, ticking each minute.
fn use_now() -> RwSignal<i64> {
    let now = RwSignal::new(crate::browser::now_ms());
    #[cfg(target_arch = "wasm32")]
    {
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(crate::browser::now_ms()),
            std::time::Duration::from_secs(60),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    now
}

/// A case's running clocks, coloured by state.
#[component]
fn Timers(timers: Vec<Timer>) -> impl IntoView {
    let i18n = use_i18n();
    timers
        .into_iter()
        .map(|t| {
            let class = format!("timer {}", t.state.as_str());
            let key = t.kind.label_key();
            let overdue = t.state == TimerState::Overdue;
            view! {
                <span class=class data-testid="timer" data-kind=format!("{:?}", t.kind).to_lowercase()
                    data-state=t.state.as_str()>
                    {move || i18n.t(key)} " "
                    {move || crate::browser::format_time(t.at, i18n.lang.get())}
                    {overdue.then(|| view! { " · " {move || i18n.t("case.timer.overdue")} })}
                </span>
            }
        })
        .collect_view()
}

/// A photo picker: camera or files, downscaled on the device, at most `MAX_PHOTOS`.
#[component]
pub(crate) fn PhotoPicker(
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

/// A photo from the device while it waits, else from the server.
#[component]
pub(crate) fn PhotoThumb(photo: Photo) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(None::<String>);
    // Offline, a photo another device took is not here until it was seen online.
    let broken = RwSignal::new(false);
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
            {move || match (url.get(), broken.get()) {
                (_, true) => Some(view! { <span class="photo-missing">{move || i18n.t("cases.photo_offline")}</span> }.into_any()),
                (Some(u), false) => Some(view! {
                    <img src=u alt=move || i18n.t("cases.photo") loading="lazy" on:error=move |_| broken.set(true)/>
                }.into_any()),
                (None, false) => None,
            }}
            {pending.then(|| view! { <figcaption class="badge waiting">{move || i18n.t("cases.photo_pending")}</figcaption> })}
        </figure>
    }
}
