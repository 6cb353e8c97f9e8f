//! "Loading" until the device has read its local store.

use crate::device;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Shows its children once the device has read its store; until then (and always on the
/// server, which has no device) "loading", so hydration starts from the same markup.
#[component]
pub fn WhenReady(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::from(device::state().status);
    // Only readiness decides: the status changes with every sync (waiting count, last
    // sync), and re-making the children then would wipe what a person is typing.
    let ready = Memo::new(move |_| status.with(|s| s.ready));
    move || {
        if ready.get() {
            children().into_any()
        } else {
            view! { <p class="loading" data-testid="device-loading">{move || i18n.t("common.loading")}</p> }
                .into_any()
        }
    }
}
