//! The estate screens: overview, units, residents, import.

mod import;
mod overview;
mod residents;
mod units;

pub use import::ImportPage;
pub use overview::EstatePage;
pub use residents::ResidentsPage;
pub use units::UnitsPage;

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The "loading…" line shown while a list arrives.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading">{move || i18n.t("common.loading")}</p> }
}
