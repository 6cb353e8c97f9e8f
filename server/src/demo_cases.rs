//! Demo cases for a fresh demo desk: one at each stage of the workflow, pushed through the
//! same sync path a device uses, so the queue, timers, return visits and timelines show
//! real records from the first start. Only `serve --demo` and `seed-demo` load them; the
//! integration tests start from the estate and accounts alone.

use app::domain::ops::Actor;
use app::domain::sync::{Mutation, PushRequest, PushStatus};
use app::ssr::{new_id, now_ms, Store, StoreError};
use serde_json::{json, Value};
use std::collections::HashMap;

const HOUR: i64 = 3_600_000;

/// One demo person on one device.
struct Device {
    actor: Actor,
    device_id: String,
    seq: u64,
}

struct Script<'a> {
    store: &'a Store,
    people: HashMap<&'static str, Device>,
    now: i64,
}

impl Script<'_> {
    /// Pushes one step by `who`, `hours_ago` before now; every step must apply.
    async fn step(
        &mut self,
        who: &str,
        op: &str,
        case: &str,
        hours_ago: i64,
        payload: Value,
    ) -> Result<(), StoreError> {
        let device = self
            .people
            .get_mut(who)
            .ok_or(StoreError::NotFound("a demo account"))?;
        device.seq += 1;
        let at = chrono::DateTime::from_timestamp_millis(self.now - hours_ago * HOUR)
            .ok_or(StoreError::Unsupported("demo time out of range"))?;
        let req = PushRequest {
            device_id: device.device_id.clone(),
            mutations: vec![Mutation {
                id: new_id(),
                seq: device.seq,
                op: op.to_string(),
                entity_id: case.to_string(),
                client_time: at.to_rfc3339(),
                payload,
            }],
        };
        let (results, _) = self.store.push(&device.actor, &req, self.now).await?;
        match results.first().map(|r| &r.status) {
            Some(PushStatus::Applied) => Ok(()),
            other => Err(StoreError::Corrupt(format!(
                "demo step {op} by {who} was not applied: {other:?}"
            ))),
        }
    }

    fn id(&self, who: &str) -> String {
        self.people
            .get(who)
            .map(|d| d.actor.id.clone())
            .unwrap_or_default()
    }
}

/// Loads the demo cases after `seed::seed_demo`.
pub async fn seed_demo_cases(store: &Store) -> Result<(), StoreError> {
    use sqlx::Row;
    let mut people = HashMap::new();
    for who in ["desk", "super", "tech", "patrol", "resident"] {
        let row = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(who)
            .fetch_one(store.pool())
            .await?;
        let id: String = row.try_get(0)?;
        let user = store
            .current_user(&id)
            .await?
            .ok_or(StoreError::NotFound("a demo account"))?;
        people.insert(
            who,
            Device {
                actor: Actor::from(&user),
                device_id: new_id(),
                seq: 0,
            },
        );
    }
    let unit = people
        .get("resident")
        .and_then(|d| d.actor.unit_ids.first().cloned())
        .ok_or(StoreError::NotFound("the demo resident's unit"))?;
    let mut s = Script {
        store,
        people,
        now: now_ms(),
    };
    let tech = s.id("tech");
    let to_tech = json!({"department": "engineering", "assignee_id": tech, "note": ""});

    // A leak from the resident portal, signed for by the technician.
    let leak = new_id();
    s.step(
        "resident",
        "case.create",
        &leak,
        30,
        json!({
            "kind": "repair", "title": "卫生间天花板漏水 Bathroom ceiling leaks",
            "description": "楼上卫生间渗水，天花板有水渍。Water stains spreading on the ceiling.",
            "unit_id": unit, "priority": "high", "leak": true,
            "preferred_time": "工作日晚上 weekday evenings",
        }),
    )
    .await?;
    s.step("desk", "case.dispatch", &leak, 29, to_tech.clone())
        .await?;
    s.step("tech", "case.sign", &leak, 28, json!({})).await?;

    // A phone complaint, classified, with a reply promised.
    let noise = new_id();
    s.step(
        "desk",
        "case.create",
        &noise,
        20,
        json!({
            "kind": "complaint", "title": "楼上夜间装修噪音 Renovation noise at night",
            "description": "晚上十点后仍在施工。Work goes on after 10 pm.",
            "unit_id": unit, "channel": "phone",
            "contact_name": "业主 Owner", "contact_phone": "138 0000 1234",
        }),
    )
    .await?;
    s.step(
        "desk",
        "case.classify",
        &noise,
        19,
        json!({
            "nature": "venting", "cause": "service_quality", "department": "customer_service",
            "identity_confirmed": true, "payment_standing": "good",
        }),
    )
    .await?;
    s.step(
        "desk",
        "case.defer",
        &noise,
        19,
        json!({"promised_at": null, "note": "需与装修单位核实 checking with the contractor"}),
    )
    .await?;

    // An urgent repair nobody has taken yet: overdue.
    let lift = new_id();
    s.step(
        "desk",
        "case.create",
        &lift,
        10,
        json!({
            "kind": "repair", "title": "2号电梯按钮失灵 Lift 2 button stuck",
            "location": "B栋 电梯厅 Building B lift lobby", "priority": "urgent",
            "channel": "visit",
        }),
    )
    .await?;

    // A patrol's finding, being worked on.
    let lights = new_id();
    s.step(
        "patrol",
        "case.create",
        &lights,
        6,
        json!({
            "kind": "repair", "title": "地下车库照明损坏 Garage lights out",
            "location": "B1 车库 C区 Garage zone C",
        }),
    )
    .await?;
    s.step("desk", "case.dispatch", &lights, 5, to_tech.clone())
        .await?;
    s.step("tech", "case.sign", &lights, 5, json!({})).await?;
    s.step("tech", "case.start", &lights, 4, json!({})).await?;

    // Work done and accepted: the return visit is due.
    let tap = new_id();
    s.step(
        "desk",
        "case.create",
        &tap,
        48,
        json!({
            "kind": "repair", "title": "厨房水龙头滴水 Kitchen tap drips",
            "unit_id": unit, "channel": "phone",
        }),
    )
    .await?;
    s.step("desk", "case.dispatch", &tap, 47, to_tech.clone())
        .await?;
    s.step("tech", "case.sign", &tap, 46, json!({})).await?;
    s.step("tech", "case.start", &tap, 42, json!({})).await?;
    s.step(
        "tech",
        "case.finish",
        &tap,
        41,
        json!({
            "notes": "更换阀芯 replaced the cartridge",
            "materials": [{"name": "阀芯 cartridge", "quantity": 1.0, "unit": "个"}],
            "fee_cents": 3500,
        }),
    )
    .await?;
    s.step(
        "desk",
        "case.accept",
        &tap,
        40,
        json!({"signature": "0".repeat(64)}),
    )
    .await?;

    // An inquiry answered at the desk.
    let fee = new_id();
    s.step(
        "desk",
        "case.create",
        &fee,
        5,
        json!({
            "kind": "inquiry", "title": "物业费缴费方式 How to pay the service fee",
            "channel": "visit",
        }),
    )
    .await?;
    s.step(
        "desk",
        "case.close",
        &fee,
        5,
        json!({"note": "可在前台或线上缴纳 at the desk or online"}),
    )
    .await?;

    // A whole repair: visited back and rated.
    let card = new_id();
    s.step(
        "resident",
        "case.create",
        &card,
        120,
        json!({
            "kind": "repair", "title": "门禁卡失效 Access card stopped working",
            "unit_id": unit,
        }),
    )
    .await?;
    s.step("desk", "case.dispatch", &card, 119, to_tech).await?;
    s.step("tech", "case.sign", &card, 118, json!({})).await?;
    s.step("tech", "case.start", &card, 117, json!({})).await?;
    s.step(
        "tech",
        "case.finish",
        &card,
        116,
        json!({"notes": "重新写卡 card re-encoded"}),
    )
    .await?;
    s.step(
        "resident",
        "case.accept",
        &card,
        115,
        json!({"signature": "1".repeat(64)}),
    )
    .await?;
    s.step(
        "super",
        "case.return_visit",
        &card,
        70,
        json!({"method": "phone", "satisfied": true, "notes": "已正常使用 works fine"}),
    )
    .await?;
    s.step(
        "resident",
        "case.rate",
        &card,
        69,
        json!({"stars": 5, "comment": "处理很快 quick"}),
    )
    .await?;
    Ok(())
}
