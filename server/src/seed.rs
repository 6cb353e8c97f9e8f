//! Demo data: one estate, three buildings, 324 units, residents, places and accounts.
//! Deterministic, so screenshots and tests see the same estate every time.

use app::domain::estate::{Building, Estate, Place, PlaceKind, UnitInput, UnitStatus};
use app::domain::resident::{IdDocType, PaymentStanding, Relation};
use app::domain::{Department, Role};
use app::ssr::store::{NewResidentRow, NewUserRow};
use app::ssr::{auth, new_id, now_ms, Store, StoreError};

/// The demo accounts, all with the password `demo`.
pub const DEMO_ACCOUNTS: [&str; 9] = [
    "desk", "desk2", "super", "tech", "patrol", "resident", "manager", "admin", "cashier",
];

/// The demo estate's code.
pub const DEMO_ESTATE: &str = "HG";

const SURNAMES: [&str; 16] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
];

/// A small deterministic generator: demo data must be the same on every machine.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

/// Loads the demo estate and accounts in one transaction.
pub async fn seed_demo(store: &Store) -> Result<(), StoreError> {
    let now = now_ms();
    let mut rng = Lcg(20261123);
    let mut tx = store.pool().begin().await?;
    let estate = Estate {
        id: new_id(),
        code: DEMO_ESTATE.into(),
        name: "和谐家园 Harmony Gardens".into(),
        address: "88 Heping Road".into(),
    };
    Store::insert_estate(&mut tx, &estate, now).await?;
    let mut resident_of_first = None;
    for (code, floors) in [("A", 20i64), ("B", 18), ("C", 16)] {
        let b = Building {
            id: new_id(),
            estate_id: estate.id.clone(),
            code: code.into(),
            name: format!("{code}栋 Building {code}"),
            floors,
            unit_count: 0,
        };
        Store::insert_building(&mut tx, &b, now).await?;
        for floor in 1..=floors {
            for n in 1..=6 {
                let status = match rng.next() % 10 {
                    0 => UnitStatus::Vacant,
                    1 => UnitStatus::Custody,
                    2 | 3 => UnitStatus::Rented,
                    _ => UnitStatus::Occupied,
                };
                let unit = UnitInput {
                    building_id: b.id.clone(),
                    number: format!("{floor}{n:02}"),
                    floor,
                    area_m2: [68.5, 89.0, 96.5, 112.0, 128.5, 143.0][n as usize - 1],
                    status,
                };
                let unit_id = new_id();
                Store::insert_unit(&mut tx, &unit_id, &estate.id, &unit, now).await?;
                if matches!(status, UnitStatus::Vacant) {
                    continue;
                }
                let name = format!(
                    "{}{}{}",
                    rng.pick(&SURNAMES),
                    rng.pick(&GIVEN),
                    rng.pick(&GIVEN)
                );
                let r = NewResidentRow {
                    id: new_id(),
                    estate_id: estate.id.clone(),
                    name,
                    phone: format!("13{:09}", rng.next() % 1_000_000_000),
                    id_doc_type: IdDocType::IdCard,
                    id_doc_number: format!("1101011980{:08}", rng.next() % 100_000_000),
                    payment_standing: if rng.next().is_multiple_of(8) {
                        PaymentStanding::Arrears
                    } else {
                        PaymentStanding::Good
                    },
                    move_in_date: Some("2023-06-01".into()),
                };
                Store::insert_resident(&mut tx, &r, now).await?;
                let relation = if status == UnitStatus::Rented {
                    Relation::Tenant
                } else {
                    Relation::Owner
                };
                Store::link_resident_unit(&mut tx, &r.id, &unit_id, relation).await?;
                if resident_of_first.is_none() && relation == Relation::Owner {
                    resident_of_first = Some((r.id.clone(), r.name.clone()));
                }
            }
        }
        for (kind, suffix, name, category) in [
            (PlaceKind::CommonArea, "LOBBY", "大堂 Lobby", "lobby"),
            (
                PlaceKind::CommonArea,
                "STAIR",
                "楼梯间 Stairwell",
                "stairwell",
            ),
            (PlaceKind::Facility, "LIFT1", "1号电梯 Lift 1", "lift"),
            (PlaceKind::Facility, "LIFT2", "2号电梯 Lift 2", "lift"),
            (PlaceKind::Facility, "FIRE", "消防栓 Fire hydrants", "fire"),
        ] {
            let p = Place {
                id: new_id(),
                estate_id: estate.id.clone(),
                building_id: Some(b.id.clone()),
                kind,
                code: format!("{code}-{suffix}"),
                name: format!("{code}栋 {name}"),
                category: category.into(),
            };
            Store::insert_place(&mut tx, &p, now).await?;
        }
    }
    for (code, name, kind, category) in [
        (
            "P-B1",
            "地下车库 Car park B1",
            PlaceKind::CommonArea,
            "car_park",
        ),
        (
            "PUMP-1",
            "生活水泵房 Water pump room",
            PlaceKind::Facility,
            "pump",
        ),
        ("SUB-1", "配电房 Substation", PlaceKind::Facility, "power"),
        ("GATE-N", "北门岗 North gate", PlaceKind::CommonArea, "gate"),
    ] {
        let p = Place {
            id: new_id(),
            estate_id: estate.id.clone(),
            building_id: None,
            kind,
            code: code.into(),
            name: name.into(),
            category: category.into(),
        };
        Store::insert_place(&mut tx, &p, now).await?;
    }
    let hash = auth::hash_password_blocking("demo".into())
        .await
        .map_err(|_| StoreError::Unsupported("password hashing failed"))?;
    let staff = [
        (
            "desk",
            "前台 林小雨 Lin Xiaoyu",
            Role::FrontDesk,
            Department::CustomerService,
        ),
        (
            "desk2",
            "前台 何佳 He Jia",
            Role::FrontDesk,
            Department::CustomerService,
        ),
        (
            "super",
            "客服主管 周敏 Zhou Min",
            Role::Supervisor,
            Department::CustomerService,
        ),
        (
            "tech",
            "维修工 陈强 Chen Qiang",
            Role::Technician,
            Department::Engineering,
        ),
        (
            "patrol",
            "巡查员 赵军 Zhao Jun",
            Role::Patrol,
            Department::Security,
        ),
        (
            "manager",
            "经理 孙丽 Sun Li",
            Role::Manager,
            Department::CustomerService,
        ),
        (
            "admin",
            "管理员 Admin",
            Role::Admin,
            Department::CustomerService,
        ),
        (
            "cashier",
            "收费员 吴艳 Wu Yan",
            Role::Cashier,
            Department::Finance,
        ),
    ];
    for (username, name, role, dept) in staff {
        let u = NewUserRow {
            id: new_id(),
            username: username.into(),
            display_name: name.into(),
            password_hash: hash.clone(),
            role,
            department: Some(dept),
            resident_id: None,
            estate_ids: vec![estate.id.clone()],
        };
        Store::insert_user(&mut tx, &u, now).await?;
    }
    let (resident_id, resident_name) =
        resident_of_first.ok_or(StoreError::NotFound("an owner-occupied demo unit"))?;
    let resident = NewUserRow {
        id: new_id(),
        username: "resident".into(),
        display_name: resident_name,
        password_hash: hash,
        role: Role::Resident,
        department: None,
        resident_id: Some(resident_id),
        estate_ids: Vec::new(),
    };
    Store::insert_user(&mut tx, &resident, now).await?;
    Store::audit_in(
        &mut tx,
        None,
        "seed_demo",
        "estate",
        &estate.id,
        "demo data",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
