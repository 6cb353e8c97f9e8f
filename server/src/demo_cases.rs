//! Demo cases for a fresh demo desk: one at each stage of the workflow, pushed through the
//! same sync path a device uses, so the queue, timers, return visits and timelines show
//! real records from the first start; and a morning's ledger (keys with one overdue, a
//! visitor inside, a callback owed, a pass to approve, a parcel, notices); the shipped patrol routes with yesterday's
//! daily inspection and the nonconformity it raised. Only `serve --demo` and `seed-demo` load them; the
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
    ledger(&mut s, &unit).await?;
    patrols(&mut s).await?;
    Ok(())
}

/// The shipped routes, and yesterday's daily inspection with one nonconformity open.
async fn patrols(s: &mut Script<'_>) -> Result<(), StoreError> {
    use app::domain::patrols::{shipped, ItemKind};
    let mut daily = None;
    for t in shipped::templates("en") {
        let id = new_id();
        s.step(
            "super",
            "route.define",
            &id,
            72,
            json!({"name": t.name, "department": t.department, "schedule": t.schedule, "areas": t.areas}),
        )
        .await?;
        if t.key == "daily" {
            daily = Some((id, t.areas));
        }
    }
    let Some((route, areas)) = daily else {
        return Ok(());
    };
    let run = new_id();
    let ago = 20;
    s.step(
        "patrol",
        "run.start",
        &run,
        ago,
        json!({"route_id": route, "version": 1}),
    )
    .await?;
    for area in &areas {
        s.step(
            "patrol",
            "run.check_in",
            &run,
            ago,
            json!({"code": area.code, "how": "manual"}),
        )
        .await?;
        for (i, item) in area.items.iter().enumerate() {
            // The stairwell's emergency light is out: the one nonconformity.
            let fails = area.code == "STAIR"
                && matches!(item.kind, ItemKind::Check)
                && !item.photo_on_fail
                && i == 2;
            let finding = new_id();
            let value = match (&item.kind, fails) {
                (ItemKind::Check, true) => json!({"answer": "fail"}),
                (ItemKind::Check, false) => json!({"answer": "pass"}),
                (ItemKind::Number { .. }, _) => json!({"answer": "number", "value": 25}),
                (ItemKind::Text, _) => json!({"answer": "text", "text": "All quiet 一切正常"}),
            };
            s.step(
                "patrol",
                "run.answer",
                &run,
                ago,
                json!({"code": area.code, "item": i, "value": value,
                       "note": fails.then_some("3F 应急灯不亮 3F emergency light out"),
                       "finding_id": fails.then_some(&finding)}),
            )
            .await?;
            if fails {
                s.step(
                    "patrol",
                    "finding.raise",
                    &finding,
                    ago,
                    json!({"run_id": run, "route_name": "Daily building inspection", "area_code": area.code,
                           "area_name": area.name, "item_label": item.label, "found": "Fail",
                           "note": "3F 应急灯不亮 3F emergency light out", "department": "engineering",
                           "due_at": s.now + 28 * HOUR}),
                )
                .await?;
            }
        }
    }
    s.step("patrol", "run.finish", &run, ago - 1, json!({}))
        .await?;
    Ok(())
}

/// The ledger of a morning at the demo desk.
async fn ledger(s: &mut Script<'_>, unit: &str) -> Result<(), StoreError> {
    let keys = [
        json!({"kind": "owner_entrance", "label": "K-OWN-001", "unit_id": unit, "spare": false}),
        json!({"kind": "public_door", "label": "P-B1-01", "location": "A栋 地下一层 B1 corridor", "floor": -1, "spare": false}),
        json!({"kind": "plant_room", "label": "E-PUMP-1", "location": "水泵房 pump room", "equipment": "生活水泵 water pumps", "spare": true}),
        json!({"kind": "meter_box", "label": "M-A-03", "location": "A栋 3F 水表井 meter shaft", "floor": 3, "spare": false}),
    ];
    let mut ids = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        let id = new_id();
        s.step("desk", "key.register", &id, 48 - i as i64, k)
            .await?;
        ids.push(id);
    }
    // The basement door key went out for a job and is overdue.
    let due = s.now - 2 * HOUR;
    s.step(
        "desk",
        "key.lend",
        &ids[1],
        5,
        json!({"borrower": "维修工 陈强 Chen Qiang", "reason": "地下室排水沟清理 clearing the basement drain", "due_at": due}),
    )
    .await?;

    let visit = new_id();
    s.step(
        "desk",
        "visit.arrive",
        &visit,
        1,
        json!({"category": "service", "name": "装修监理 Renovation inspector", "purpose": "检查装修 checking a renovation",
               "unit_id": unit, "host": "工程部 engineering", "pass_no": "T-07"}),
    )
    .await?;
    let call = new_id();
    s.step(
        "desk",
        "call.log",
        &call,
        2,
        json!({"caller": "李先生 Mr Li", "phone": "139 0000 2222", "topic": "停车费发票 parking fee invoice",
               "outcome": "callback", "callback_due": s.now + 3 * HOUR}),
    )
    .await?;
    let pass = new_id();
    s.step(
        "desk",
        "pass.issue",
        &pass,
        1,
        json!({"unit_id": unit, "items": [{"name": "书柜 bookcase", "quantity": 1}, {"name": "纸箱 boxes", "quantity": 6}],
               "bearer_name": "搬家公司 Movers", "bearer_id_type": "id_card", "bearer_id_number": "110101198001015678",
               "id_checked": true, "bearer_is_owner": false,
               "owner_confirmation": {"owner_name": "业主 owner", "phone": "138 0000 1111", "note": "电话确认 confirmed by phone"},
               "standing": "good"}),
    )
    .await?;
    let parcel = new_id();
    s.step(
        "desk",
        "parcel.log",
        &parcel,
        3,
        json!({"kind": "parcel", "unit_id": unit, "recipient": "业主 owner", "carrier": "顺丰 SF Express", "shelf": "B2"}),
    )
    .await?;
    let notice = new_id();
    s.step(
        "desk",
        "notice.publish",
        &notice,
        24,
        json!({"board": "residents", "audience": {"scope": "estate"}, "category": "outage", "pinned": true,
               "title": "周五上午停水 Water off Friday morning",
               "body": "因管道检修，周五 9:00–12:00 全小区停水。Pipe work: water is off estate-wide on Friday 9:00–12:00.",
               "valid_until": s.now + 5 * 24 * HOUR}),
    )
    .await?;
    let board = new_id();
    s.step(
        "desk",
        "notice.publish",
        &board,
        2,
        json!({"board": "internal", "audience": {"scope": "estate"}, "category": "vehicle",
               "title": "14:00 家具车进场 furniture truck at 14:00",
               "body": "2号门进，B栋卸货。Gate 2, unloading at building B."}),
    )
    .await?;
    Ok(())
}
