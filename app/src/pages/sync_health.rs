//! `/supervisor/sync`: what the server refused and which devices skipped seq numbers, so
//! supervisors can follow up with the person instead of records silently missing.

use crate::api::sync::{sync_gaps, sync_rejections};
use crate::components::feedback::ErrorBox;
use crate::components::guard::RoleGuard;
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn SyncHealthPage() -> impl IntoView {
    let i18n = use_i18n();
    let rejections = Resource::new(|| (), |_| sync_rejections());
    let gaps = Resource::new(|| (), |_| sync_gaps());
    let loading = move || view! { <p class="loading">{move || i18n.t("common.loading")}</p> };
    view! {
        <RoleGuard allow=Role::can_see_sync_health>
            <h1>{move || i18n.t("health.title")}</h1>
            <p class="lead">{move || i18n.t("health.lead")}</p>
            <h2>{move || i18n.t("health.rejections")}</h2>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match rejections.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{move || i18n.t("health.no_rejections")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="grid" data-testid="rejections">
                                    <thead><tr>
                                        <th>{move || i18n.t("health.when")}</th>
                                        <th>{move || i18n.t("health.who")}</th>
                                        <th>{move || i18n.t("health.op")}</th>
                                        <th>{move || i18n.t("health.code")}</th>
                                        <th>{move || i18n.t("health.message")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|r| {
                                            let at = r.received_at;
                                            view! {
                                                <tr>
                                                    <td>{crate::browser::format_utc(at)}</td>
                                                    <td>{r.username}</td>
                                                    <td>{r.op}</td>
                                                    <td><span class="badge">{r.code}</span></td>
                                                    <td>{r.message}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{move || i18n.t("health.gaps")}</h2>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match gaps.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{move || i18n.t("health.no_gaps")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="grid" data-testid="gaps">
                                    <thead><tr>
                                        <th>{move || i18n.t("health.when")}</th>
                                        <th>{move || i18n.t("health.who")}</th>
                                        <th>{move || i18n.t("health.device")}</th>
                                        <th>{move || i18n.t("health.missing")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|g| {
                                            let at = g.detected_at;
                                            view! {
                                                <tr>
                                                    <td>{crate::browser::format_utc(at)}</td>
                                                    <td>{g.username}</td>
                                                    <td><code>{g.device_id}</code></td>
                                                    <td>{format!("{}–{}", g.from_seq, g.to_seq)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox err=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </RoleGuard>
    }
}
