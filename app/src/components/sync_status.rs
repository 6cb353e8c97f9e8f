//! The sync status on every screen: online or offline, how many records wait, when the
//! last sync went through, progress of a long push or first pull, what needs attention,
//! and "Sync now".

use crate::device;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::from(device::state().status);
    let online = RwSignal::new(true);
    Effect::new(move |_| crate::browser::watch_online(online));
    let s = move || status.get();
    view! {
        <div class="sync-status" role="status" aria-live="polite" data-testid="sync-status"
            class:offline=move || !online.get()>
            <span class="dot" aria-hidden="true"></span>
            <span data-testid="sync-online">
                {move || if online.get() { i18n.t("sync.online") } else { i18n.t("sync.offline") }}
            </span>
            <Show when=move || s().ready>
                <a href="/sync" rel="external" class="waiting" data-testid="sync-waiting"
                    data-count=move || s().waiting.to_string()>
                    {move || format!("{} {}", s().waiting, i18n.t("sync.waiting"))}
                </a>
                {move || s().progress.map(|(done, of)| view! {
                    <progress data-testid="sync-progress" max=of.to_string() value=done.to_string()></progress>
                })}
                {move || (s().attention > 0).then(|| view! {
                    <a href="/sync" rel="external" class="attention" data-testid="sync-attention">
                        {format!("{} {}", s().attention, i18n.t("sync.attention"))}
                    </a>
                })}
                <span class="last" data-testid="sync-last">
                    {move || match s().last_ok {
                        Some(t) => format!("{} {}", i18n.t("sync.last_ok"), crate::browser::format_clock(t, i18n.lang.get())),
                        None => i18n.t("sync.never"),
                    }}
                </span>
                {move || s().signed_out.then(|| view! {
                    <a href="/login" rel="external" class="attention">{i18n.t("sync.signed_out")}</a>
                })}
                {move || (s().persist_refused && s().waiting > 0).then(|| view! {
                    <span class="warn" data-testid="persist-warning" title=i18n.t("sync.persist_refused_long")>
                        {i18n.t("sync.persist_refused")}
                    </span>
                })}
                <button type="button" class="link" data-testid="sync-now" disabled=move || s().syncing
                    title=move || s().last_error.unwrap_or_default()
                    on:click=move |_| {
                        if let Some(d) = device::device() {
                            d.sync_now();
                        }
                    }>
                    {move || if s().syncing { i18n.t("sync.syncing") } else { i18n.t("sync.now") }}
                </button>
            </Show>
        </div>
    }
}
