//! The sync status on every screen. The connection state is shown now; the outbox count,
//! last successful sync and push progress join it with the sync engine.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Online or offline, as the browser reports it, updated on `online`/`offline` events.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let online = RwSignal::new(true);
    Effect::new(move |_| crate::browser::watch_online(online));
    view! {
        <div class="sync-status" role="status" aria-live="polite" data-testid="sync-status"
            class:offline=move || !online.get()>
            <span class="dot" aria-hidden="true"></span>
            {move || if online.get() { i18n.t("sync.online") } else { i18n.t("sync.offline") }}
        </div>
    }
}
