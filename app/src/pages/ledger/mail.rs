//! `/ledger/mail`: letters, parcels, newspapers and faxes logged in at the desk, the
//! recipient told, and handed over against the receiver's signature.

use super::fields::{opt, Choice, FormError, TextField, UnitField};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::components::guard::RoleGuard;
use crate::components::stepper::Stepper;
use crate::device;
use crate::domain::ledger::{keeps_ledger, Parcel, ParcelKind, ParcelStatus};
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use crate::pages::cases::signature::SignaturePad;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn MailPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.mail")}</h1>
            <WhenReady>
                <LogForm/>
                <ParcelLists/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn LogForm() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(ParcelKind::Parcel.as_str().to_string());
    let unit = RwSignal::new(String::new());
    let recipient = RwSignal::new(String::new());
    let carrier = RwSignal::new(String::new());
    let tracking = RwSignal::new(String::new());
    let shelf = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let payload = json!({
            "kind": kind.get_untracked(),
            "unit_id": opt(unit),
            "recipient": recipient.get_untracked(),
            "carrier": opt(carrier),
            "tracking_no": opt(tracking),
            "shelf": opt(shelf),
        });
        stepper.send(
            None,
            "parcel.log",
            new_id(),
            payload,
            Vec::new(),
            move || {
                for s in [unit, recipient, carrier, tracking, shelf] {
                    s.set(String::new());
                }
            },
        );
    };
    let kinds: Vec<(&str, &str)> = ParcelKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    view! {
        <form class="form ledger-form" data-testid="parcel-form" on:submit=submit>
            <div class="row">
                <Choice label="parcel.kind_label" testid="parcel-kind" options=kinds value=kind/>
                <UnitField testid="parcel-unit" value=unit/>
                <TextField label="parcel.recipient" testid="parcel-recipient" value=recipient required=true/>
            </div>
            <div class="row">
                <TextField label="parcel.carrier" testid="parcel-carrier" value=carrier/>
                <TextField label="parcel.tracking" testid="parcel-tracking" value=tracking/>
                <TextField label="parcel.shelf" testid="parcel-shelf" value=shelf max=20/>
            </div>
            <FormError error/>
            <button type="submit" class="primary" data-testid="parcel-submit">{move || i18n.t("parcel.log")}</button>
        </form>
    }
}

#[component]
fn ParcelLists() -> impl IntoView {
    let i18n = use_i18n();
    let parcels = of_kind(|r| match r {
        Record::Parcel(p) => Some(p),
        _ => None,
    });
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    provide_context(stepper);
    view! {
        <FormError error/>
        <h2>{move || i18n.t("parcel.waiting")}</h2>
        <ul class="ledger-list" data-testid="parcels-waiting">
            {move || parcels.get().into_iter()
                .filter(|(p, _)| p.status != ParcelStatus::HandedOver)
                .map(|(p, pending)| view! { <li class="ledger-item" data-testid="parcel"><ParcelLine p=p.clone() pending/><HandOver p/></li> })
                .collect_view()}
        </ul>
        <h2>{move || i18n.t("parcel.handed")}</h2>
        <ul class="ledger-list" data-testid="parcels-done">
            {move || parcels.get().into_iter()
                .filter(|(p, _)| p.status == ParcelStatus::HandedOver)
                .take(50)
                .map(|(p, pending)| view! { <li class="ledger-item" data-testid="parcel-done"><ParcelLine p pending/></li> })
                .collect_view()}
        </ul>
    }
}

#[component]
pub(super) fn ParcelLine(p: Parcel, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kind = p.kind.label_key();
    let status = p.status.label_key();
    let status_class = format!("badge status-{}", p.status.as_str());
    view! {
        <div class="ledger-line">
            <strong data-testid="parcel-recipient-text">{p.recipient.clone()}</strong>
            " " <span class="badge">{move || i18n.t(kind)}</span>
            " " <span class=status_class data-testid="parcel-status">{move || i18n.t(status)}</span>
            <Waiting pending/>
            <div class="meta">
                {p.unit_label.clone()}
                {p.carrier.clone().map(|c| view! { " · " {c} })}
                {p.tracking_no.clone().map(|c| view! { " · " {c} })}
                {p.shelf.clone().map(|c| view! { " · " {move || i18n.t("parcel.shelf")} " " {c} })}
                " · " {when(Some(p.logged.at))}
            </div>
            {p.received_by.clone().map(|r| view! {
                <div class="meta" data-testid="parcel-received-by">{move || i18n.t("parcel.received_by")} " " {r.clone()}
                    " · " {when(p.handed_over.as_ref().map(|s| s.at))}
                    {p.signature.as_ref().filter(|s| s.pending).map(|_| view! { " " <span class="badge waiting">{move || i18n.t("cases.photo_pending")}</span> })}
                </div>
            })}
        </div>
    }
}

#[component]
fn HandOver(p: Parcel) -> impl IntoView {
    let i18n = use_i18n();
    let stepper = expect_context::<Stepper>();
    let record = StoredValue::new(Record::Parcel(p.clone()));
    let id = StoredValue::new(p.id.clone());
    let notified = p.status == ParcelStatus::Notified;
    let receiver = RwSignal::new(p.recipient.clone());
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drawn = RwSignal::new(false);
    let notify = move |_| {
        record.with_value(|r| {
            stepper.send(
                Some(r),
                "parcel.notify",
                id.get_value(),
                json!({}),
                Vec::new(),
                || (),
            )
        });
    };
    let hand_over = move |_| {
        if !drawn.get_untracked() {
            stepper.error.set(Some(i18n.t("cases.signature_required")));
            return;
        }
        let (Some(device), Some(el)) = (device::device(), canvas.get_untracked()) else {
            return;
        };
        // Read before waiting for the image: the row may be re-made meanwhile.
        let (current, parcel_id, name) =
            (record.get_value(), id.get_value(), receiver.get_untracked());
        leptos::task::spawn_local(async move {
            match device.prepare_signature(el).await {
                Ok(sig) => {
                    let payload = json!({"received_by": name, "signature": sig.sha256.clone()});
                    stepper.send(
                        Some(&current),
                        "parcel.hand_over",
                        parcel_id,
                        payload,
                        vec![sig],
                        || (),
                    );
                }
                Err(e) => stepper.error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="inline-form">
            {(!notified).then(|| view! {
                <button type="button" data-testid="parcel-notify" on:click=notify>{move || i18n.t("parcel.notify")}</button>
            })}
            <details class="hand-over">
                <summary data-testid="parcel-hand-over-open">{move || i18n.t("parcel.hand_over")}</summary>
                <TextField label="parcel.received_by" testid="parcel-receiver" value=receiver/>
                <SignaturePad canvas drawn/>
                <button type="button" class="primary" data-testid="parcel-hand-over" on:click=hand_over>{move || i18n.t("parcel.hand_over")}</button>
            </details>
        </div>
    }
}
