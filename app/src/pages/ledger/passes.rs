//! Release passes: `/ledger/passes` writes one (ID seen, payment standing recorded, the
//! owner's confirmation by phone when someone else carries the goods) and lists them for
//! a supervisor's approval; `/ledger/pass?id=…` prints it with its code as a QR code;
//! `/ledger/gate` is where the guard scans or types the code to let the goods out, once.

use super::fields::{opt, Check, Choice, FormError, TextArea, TextField, UnitField};
use super::{new_id, of_kind, when, Waiting, WhenReady};
use crate::api::cases::unit_standing;
use crate::components::guard::RoleGuard;
use crate::components::layout::use_user;
use crate::components::stepper::Stepper;
use crate::domain::ledger::{approves, keeps_ledger, Pass, PassStatus};
use crate::domain::records::Record;
use crate::domain::resident::{IdDocType, PaymentStanding};
use crate::domain::Role;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde_json::json;

/// The gate: security patrols and the desk.
pub(super) fn guards_gate(role: Role) -> bool {
    keeps_ledger(role) || role == Role::Patrol
}

/// One item line as typed: a name, then optionally a count after a space, `×`, `*` or
/// ` x` — `Sofa 1`, `Chairs ×4`, `Boxes x 6`. A number glued to the name (`iPhone15`) is
/// part of the name; no count means one.
fn parse_item(line: &str) -> (String, u32) {
    let line = line.trim();
    let head = line.trim_end_matches(|c: char| c.is_ascii_digit());
    let count = line[head.len()..].parse::<u32>().ok();
    let spaced = head.ends_with(char::is_whitespace) || head.ends_with(['×', '*']);
    let name = head.trim_end();
    let name = name
        .strip_suffix(['×', '*'])
        .or_else(|| name.strip_suffix(" x"))
        .or_else(|| name.strip_suffix(" X"))
        .map(str::trim_end);
    match (count, name) {
        (Some(q), Some(n)) if !n.is_empty() => (n.to_string(), q),
        (Some(q), None) if spaced && !head.trim().is_empty() => (head.trim().to_string(), q),
        _ => (line.to_string(), 1),
    }
}

/// Items typed one per line.
fn parse_items(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (name, quantity) = parse_item(line);
            json!({"name": name, "quantity": quantity})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_item;

    #[test]
    fn item_lines_read_as_people_type_them() {
        let read = parse_item;
        assert_eq!(read("Sofa 1"), ("Sofa".into(), 1));
        assert_eq!(read("Chairs ×4"), ("Chairs".into(), 4));
        assert_eq!(read("Chairs×4"), ("Chairs".into(), 4));
        assert_eq!(read("Boxes x 6"), ("Boxes".into(), 6));
        assert_eq!(read("Box 2"), ("Box".into(), 2));
        assert_eq!(read("沙发 2"), ("沙发".into(), 2));
        assert_eq!(read("  TV  "), ("TV".into(), 1));
        assert_eq!(read("iPhone15"), ("iPhone15".into(), 1));
        assert_eq!(read("Xbox"), ("Xbox".into(), 1));
        assert_eq!(read("42"), ("42".into(), 1));
    }
}

#[component]
pub fn PassesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RoleGuard allow=keeps_ledger>
            <h1>{move || i18n.t("ledger.passes")}</h1>
            <WhenReady>
                <PassForm/>
                <PassList/>
            </WhenReady>
        </RoleGuard>
    }
}

#[component]
fn PassForm() -> impl IntoView {
    let i18n = use_i18n();
    let unit = RwSignal::new(String::new());
    let items = RwSignal::new(String::new());
    let bearer = RwSignal::new(String::new());
    let id_type = RwSignal::new(IdDocType::IdCard.as_str().to_string());
    let id_number = RwSignal::new(String::new());
    let id_checked = RwSignal::new(false);
    let is_owner = RwSignal::new(true);
    let owner_name = RwSignal::new(String::new());
    let owner_phone = RwSignal::new(String::new());
    let owner_note = RwSignal::new(String::new());
    let standing = RwSignal::new(PaymentStanding::Good.as_str().to_string());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    // Online, the unit's standing is read from the books; offline the desk says what the
    // resident showed. Either way what was seen is recorded on the pass.
    let looked_up = Resource::new(
        move || Some(unit.get()).filter(|u| !u.is_empty()),
        |u| async move {
            match u {
                Some(u) => unit_standing(u).await.ok(),
                None => None,
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Some(list)) = looked_up.get() {
            let arrears = list.iter().any(|s| s.standing == PaymentStanding::Arrears);
            let s = if arrears {
                PaymentStanding::Arrears
            } else {
                PaymentStanding::Good
            };
            standing.set(s.as_str().into());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let owner = is_owner.get_untracked();
        let payload = json!({
            "unit_id": unit.get_untracked(),
            "items": parse_items(&items.get_untracked()),
            "bearer_name": bearer.get_untracked(),
            "bearer_id_type": id_type.get_untracked(),
            "bearer_id_number": id_number.get_untracked(),
            "id_checked": id_checked.get_untracked(),
            "bearer_is_owner": owner,
            "owner_confirmation": (!owner).then(|| json!({
                "owner_name": owner_name.get_untracked(),
                "phone": owner_phone.get_untracked(),
                "note": owner_note.get_untracked(),
            })),
            "standing": standing.get_untracked(),
        });
        if opt(unit).is_none() {
            error.set(Some(i18n.t("pass.unit_required")));
            return;
        }
        stepper.send(
            None,
            "pass.issue",
            new_id(),
            payload,
            Vec::new(),
            move || {
                for s in [
                    unit,
                    items,
                    bearer,
                    id_number,
                    owner_name,
                    owner_phone,
                    owner_note,
                ] {
                    s.set(String::new());
                }
                id_checked.set(false);
                is_owner.set(true);
            },
        );
    };
    let id_types: Vec<(&str, &str)> = IdDocType::ALL
        .iter()
        .map(|t| (t.as_str(), t.label_key()))
        .collect();
    let standings = vec![
        ("good", PaymentStanding::Good.label_key()),
        ("arrears", PaymentStanding::Arrears.label_key()),
    ];
    view! {
        <form class="form ledger-form" data-testid="pass-form" on:submit=submit>
            <div class="row">
                <UnitField testid="pass-unit" value=unit required=true/>
                <Choice label="pass.standing" testid="pass-standing" options=standings value=standing/>
            </div>
            <Show when=move || standing.get() == "arrears">
                <p class="warning" data-testid="pass-arrears">{move || i18n.t("pass.arrears_warning")}</p>
            </Show>
            <TextArea label="pass.items" testid="pass-items" value=items max=2000/>
            <p class="hint">{move || i18n.t("pass.items_hint")}</p>
            <div class="row">
                <TextField label="pass.bearer" testid="pass-bearer" value=bearer required=true/>
                <Choice label="visit.id_type" testid="pass-id-type" options=id_types value=id_type/>
                <TextField label="visit.id_number" testid="pass-id-number" value=id_number max=40/>
            </div>
            <Check label="pass.id_checked" testid="pass-id-checked" value=id_checked/>
            <Check label="pass.bearer_is_owner" testid="pass-is-owner" value=is_owner/>
            <Show when=move || !is_owner.get()>
                <fieldset class="owner-confirmation">
                    <legend>{move || i18n.t("pass.owner_confirmation")}</legend>
                    <div class="row">
                        <TextField label="pass.owner_name" testid="pass-owner-name" value=owner_name/>
                        <TextField label="pass.owner_phone" testid="pass-owner-phone" value=owner_phone kind="tel" max=30/>
                    </div>
                    <TextField label="pass.owner_note" testid="pass-owner-note" value=owner_note max=1000/>
                </fieldset>
            </Show>
            <FormError error/>
            <button type="submit" class="primary" data-testid="pass-submit">{move || i18n.t("pass.issue")}</button>
        </form>
    }
}

#[component]
fn PassList() -> impl IntoView {
    let i18n = use_i18n();
    let role = use_user().role;
    let passes = of_kind(|r| match r {
        Record::Pass(p) => Some(p),
        _ => None,
    });
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    view! {
        <h2>{move || i18n.t("pass.list")}</h2>
        <FormError error/>
        <ul class="ledger-list" data-testid="passes">
            {move || passes.get().into_iter().take(50).map(|(p, pending)| {
                let record = StoredValue::new(Record::Pass(p.clone()));
                let id = StoredValue::new(p.id.clone());
                let issued = p.status == PassStatus::Issued;
                let open = matches!(p.status, PassStatus::Issued | PassStatus::Approved);
                let reason = RwSignal::new(String::new());
                view! {
                    <li class="ledger-item" data-testid="pass">
                        <PassLine p=p.clone() pending/>
                        <div class="inline-form">
                            <a href=format!("/ledger/pass?id={}", p.id) rel="external" data-testid="pass-print-link">{move || i18n.t("pass.print")}</a>
                            {(issued && approves(role)).then(|| view! {
                                <button type="button" class="primary" data-testid="pass-approve" on:click=move |_| {
                                    record.with_value(|r| stepper.send(Some(r), "pass.approve", id.get_value(), json!({}), Vec::new(), || ()));
                                }>{move || i18n.t("pass.approve")}</button>
                            })}
                            {open.then(|| view! {
                                <input type="text" maxlength="1000" data-testid="pass-void-reason" placeholder=move || i18n.t("pass.void_reason")
                                    prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                                <button type="button" data-testid="pass-void" on:click=move |_| {
                                    record.with_value(|r| stepper.send(Some(r), "pass.void", id.get_value(), json!({"reason": reason.get_untracked()}), Vec::new(), || ()));
                                }>{move || i18n.t("pass.void")}</button>
                            })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// One pass as a line: code, status, unit, bearer, items, who confirmed and approved.
#[component]
fn PassLine(p: Pass, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let status = p.status.label_key();
    let standing = p.standing.label_key();
    let status_class = format!("badge status-{}", p.status.as_str());
    let items = p
        .items
        .iter()
        .map(|i| format!("{} ×{}", i.name, i.quantity))
        .collect::<Vec<_>>()
        .join("、");
    view! {
        <div class="ledger-line">
            <strong class="code" data-testid="pass-code">{p.code.clone()}</strong>
            " " <span class=status_class data-testid="pass-status">{move || i18n.t(status)}</span>
            " " <span class="badge">{move || i18n.t(standing)}</span>
            <Waiting pending/>
            <div class="meta">{p.unit_label.clone()} " · " {p.bearer_name.clone()} " " {p.bearer_id_masked.clone()}</div>
            <div class="meta" data-testid="pass-items-text">{items}</div>
            {p.owner_confirmation.clone().map(|c| view! {
                <div class="meta" data-testid="pass-owner">{move || i18n.t("pass.owner_confirmed")} ": " {c.owner_name.clone()} " " {c.phone.clone()}</div>
            })}
            <div class="meta">
                {move || i18n.t("pass.issued")} " " {when(Some(p.issued.at))} " · " {p.issued.by_name.clone()}
                {p.approved.clone().map(|s| view! { " · " {move || i18n.t("pass.approved")} " " {s.by_name.clone()} })}
                {p.used.clone().map(|s| { let t = s.at; view! { " · " {move || i18n.t("pass.used")} " " {when(Some(t))} " " {s.by_name.clone()} } })}
                {p.void_reason.clone().map(|r| view! { " · " {r} })}
            </div>
        </div>
    }
}

/// The printable pass: A5-sized content with the code in large type and as a QR code.
#[component]
pub fn PassPrintPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let passes = of_kind(|r| match r {
        Record::Pass(p) => Some(p),
        _ => None,
    });
    let pass = move || {
        let id = query.with(|q| q.get("id").unwrap_or_default());
        passes.with(|l| l.iter().find(|(p, _)| p.id == id).cloned())
    };
    view! {
        <RoleGuard allow=keeps_ledger>
            <WhenReady>
                {move || match pass() {
                    None => view! { <p data-testid="pass-missing">{move || i18n.t("pass.not_found")}</p> }.into_any(),
                    Some((p, pending)) => {
                        let svg = qrcode::QrCode::new(p.code.as_bytes())
                            .map(|q| q.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).build())
                            .unwrap_or_default();
                        view! {
                            <article class="pass-print" data-testid="pass-print">
                                <h1>{move || i18n.t("pass.title")}</h1>
                                <div class="qr" inner_html=svg></div>
                                <p class="pass-code-big" data-testid="pass-print-code">{p.code.clone()}</p>
                                <PassLine p pending/>
                                <p class="signature-line">{move || i18n.t("pass.guard_signature")}</p>
                                <button type="button" class="no-print" on:click=move |_| crate::browser::print()>{move || i18n.t("pass.print")}</button>
                            </article>
                        }.into_any()
                    }
                }}
            </WhenReady>
        </RoleGuard>
    }
}

/// The gate: the guard scans (a scanner types) or types the code; the pass on the
/// device shows what may go out, and one tap marks it used.
#[component]
pub fn GatePage() -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let gate = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stepper = Stepper::new(error);
    let passes = of_kind(|r| match r {
        Record::Pass(p) => Some(p),
        _ => None,
    });
    let found = move || {
        let c = code.get().trim().to_ascii_uppercase();
        (c.len() >= 8).then(|| passes.with(|l| l.iter().find(|(p, _)| p.code == c).cloned()))
    };
    view! {
        <RoleGuard allow=guards_gate>
            <h1>{move || i18n.t("ledger.gate")}</h1>
            <WhenReady>
                <div class="form ledger-form">
                    <div class="row">
                        <TextField label="gate.code" testid="gate-code" value=code max=12/>
                        <TextField label="gate.gate" testid="gate-name" value=gate/>
                    </div>
                </div>
                <FormError error/>
                {move || match found() {
                    None => None,
                    Some(None) => Some(view! { <p class="error" data-testid="gate-unknown">{move || i18n.t("gate.unknown")}</p> }.into_any()),
                    Some(Some((p, pending))) => {
                        let usable = p.status == PassStatus::Approved;
                        let record = StoredValue::new(Record::Pass(p.clone()));
                        let id = StoredValue::new(p.id.clone());
                        let pcode = StoredValue::new(p.code.clone());
                        Some(view! {
                            <div class="card gate-pass" data-testid="gate-pass">
                                <PassLine p pending/>
                                {usable.then(|| view! {
                                    <button type="button" class="primary" data-testid="gate-let-out" on:click=move |_| {
                                        record.with_value(|r| stepper.send(Some(r), "pass.use", id.get_value(),
                                            json!({"code": pcode.get_value(), "gate": opt(gate)}), Vec::new(), || ()));
                                    }>{move || i18n.t("gate.let_out")}</button>
                                })}
                            </div>
                        }.into_any())
                    }
                }}
                // What may go out today: approved passes, so the guard knows what to expect.
                <h2>{move || i18n.t("gate.expected")}</h2>
                <ul class="ledger-list" data-testid="gate-expected">
                    {move || passes.get().into_iter()
                        .filter(|(p, _)| p.status == PassStatus::Approved)
                        .map(|(p, pending)| view! { <li class="ledger-item" data-testid="gate-expected-pass"><PassLine p pending/></li> })
                        .collect_view()}
                </ul>
            </WhenReady>
        </RoleGuard>
    }
}
