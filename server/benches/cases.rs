//! The cases bench: `scripts/bench` (or `cargo bench -p server --bench cases`).
//!
//! On a fresh SQLite file in a temporary folder:
//! (1) seeds BENCH_CASES cases through `Store::push` — the path a device's sync takes,
//!     minus HTTP — so the queue columns (status, priority, department, assignee,
//!     deadline, escalated…) and the search index are written exactly as the server
//!     writes them. The cases spread over two years of the demo estate: repairs,
//!     complaints, inquiries and the rest, titles in Chinese and English, most old ones
//!     dispatched, worked and closed by the demo staff and a few more technicians, recent
//!     ones still in flight, and a backlog of stuck, held, cancelled and escalated ones;
//! (2) times `Store::case_queue`, BENCH_REPS times each: the supervisor's queue (open,
//!     50, most urgent first), the overdue filter, department + status, and full-text
//!     searches (a two-character Chinese term, an English word, a unit label): p50/p95 in
//!     ms.
//!
//! The same runs on PostgreSQL when PROPDESK_TEST_POSTGRES_URL is set, on a database made
//! for the run and dropped after it.
//!
//! Sizes from the environment: BENCH_CASES (default 200000), BENCH_PG_CASES (BENCH_CASES),
//! BENCH_REPS (200), BENCH_BATCH (500 mutations per push). BENCH_KEEP_DB=1 keeps the
//! SQLite file and the PostgreSQL database (both printed) to look at query plans after;
//! drop the database by hand then.

use app::domain::cases::CaseFilter;
use app::domain::cases::CaseStatus;
use app::domain::ops::Actor;
use app::domain::sync::{Mutation, PushRequest, PushStatus};
use app::domain::{Department, Role};
use app::ssr::store::{Backend, NewUserRow};
use app::ssr::{new_id, now_ms, Store};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;
mod common;

use common::{env, ms, percentile};
use std::time::{Duration, Instant};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// The history the cases spread over: long enough that most are closed, as in a real
/// estate's database, while the last weeks' are still being worked.
const SPAN: i64 = 730 * DAY;

/// `s` padded to `width` terminal columns: a CJK character takes two, which `{:<w}`
/// does not know.
fn pad(s: &str, width: usize) -> String {
    let cols: usize = s
        .chars()
        .map(|c| if c as u32 >= 0x2E80 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

/// SplitMix64: the seeded data must be the same on every run and machine, so figures
/// compare between runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo).max(1) as u64) as i64
    }
}

/// What a case is about: its kind, who works it, a title and the resident's words.
struct Topic {
    kind: &'static str,
    department: Department,
    title: &'static str,
    words: &'static str,
    leak: bool,
}

const fn topic(
    kind: &'static str,
    department: Department,
    title: &'static str,
    words: &'static str,
    leak: bool,
) -> Topic {
    Topic {
        kind,
        department,
        title,
        words,
        leak,
    }
}

use Department::{Cleaning, CustomerService, Engineering, Greening, Security};

const TOPICS: &[Topic] = &[
    topic(
        "repair",
        Engineering,
        "卫生间漏水 Bathroom leak",
        "卫生间天花板漏水，可能是楼上水管破裂。Water dripping from the bathroom ceiling.",
        true,
    ),
    topic(
        "repair",
        Engineering,
        "厨房水管漏水 Kitchen pipe leaking",
        "水槽下面一直滴水，地板湿了。The pipe under the sink leaks.",
        true,
    ),
    topic(
        "repair",
        Engineering,
        "空调冷凝水漏水 AC drain leak",
        "空调外机冷凝水滴到阳台。The AC drain drips onto the balcony.",
        true,
    ),
    topic(
        "repair",
        Engineering,
        "墙面渗水 Wall seepage",
        "下雨后外墙渗水，墙皮脱落。Rain seeps through the outer wall.",
        true,
    ),
    topic(
        "repair",
        Engineering,
        "电梯故障 Lift out of order",
        "电梯停在十二楼不动，按钮没有反应。The lift is stuck and the buttons do nothing.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "电梯异响 Lift making noise",
        "电梯运行时有很大的异响。The lift grinds loudly between floors.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "门锁损坏 Door lock broken",
        "入户门锁打不开，钥匙转不动。The front door lock is jammed.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "楼道灯不亮 Corridor light out",
        "楼道声控灯坏了，晚上很黑。The corridor light does not come on.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "下水道堵塞 Drain blocked",
        "厨房下水道堵塞，水下不去。The kitchen drain is blocked.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "窗户关不上 Window will not close",
        "卧室窗户合页坏了，关不上。The bedroom window hinge is broken.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "热水器不出热水 No hot water",
        "热水器打不着火，没有热水。The water heater will not light.",
        false,
    ),
    topic(
        "repair",
        Engineering,
        "对讲机坏了 Intercom broken",
        "可视对讲没有声音。The door intercom has no sound.",
        false,
    ),
    topic(
        "repair",
        Cleaning,
        "楼道地面油污 Greasy corridor floor",
        "电梯口地面有油污，很滑。The floor by the lift is greasy and slippery.",
        false,
    ),
    topic(
        "repair",
        Greening,
        "树枝挡住窗户 Branches against the window",
        "楼下的树枝长到窗边了。Branches scrape the window.",
        false,
    ),
    topic(
        "repair",
        Greening,
        "草坪积水 Lawn flooded",
        "雨后草坪积水不退。The lawn stays flooded after rain.",
        false,
    ),
    topic(
        "repair",
        Security,
        "门禁卡失灵 Access card not working",
        "单元门禁刷卡没反应。The entrance reader ignores the card.",
        false,
    ),
    topic(
        "complaint",
        CustomerService,
        "楼上噪音扰民 Noise from upstairs",
        "楼上每天晚上十一点以后还有噪音。Loud noise upstairs after 11 pm every night.",
        false,
    ),
    topic(
        "complaint",
        Security,
        "装修噪音 Renovation noise",
        "邻居周末早上七点装修，噪音很大。Renovation noise at 7 am on weekends.",
        false,
    ),
    topic(
        "complaint",
        Security,
        "停车位被占 Parking space taken",
        "我的停车位又被别人的车占了。Someone parks in my space again.",
        false,
    ),
    topic(
        "complaint",
        Security,
        "保安态度差 Rude guard",
        "北门保安说话态度很差。The guard at the north gate was rude.",
        false,
    ),
    topic(
        "complaint",
        Engineering,
        "电梯经常停运 Lift keeps breaking down",
        "这个月电梯已经停了三次。The lift stopped three times this month.",
        false,
    ),
    topic(
        "complaint",
        Cleaning,
        "垃圾清运不及时 Rubbish not collected",
        "垃圾桶满了两天没人清。The bins have been full for two days.",
        false,
    ),
    topic(
        "complaint",
        Engineering,
        "维修不及时 Repair took too long",
        "报修漏水一周了还没人来。Reported a leak a week ago, nobody came.",
        false,
    ),
    topic(
        "complaint",
        CustomerService,
        "宠物狗噪音 Barking dog",
        "隔壁的狗一直叫。The neighbour's dog barks all day.",
        false,
    ),
    topic(
        "inquiry",
        CustomerService,
        "停车费怎么交 Paying the parking fee",
        "想问一下停车费在哪里交。Where do I pay the parking fee?",
        false,
    ),
    topic(
        "inquiry",
        CustomerService,
        "物业费发票 Property fee invoice",
        "需要开物业费发票。I need an invoice for the property fee.",
        false,
    ),
    topic(
        "inquiry",
        CustomerService,
        "门禁卡办理 New access card",
        "家里老人需要办一张门禁卡。A new access card for my parents.",
        false,
    ),
    topic(
        "inquiry",
        CustomerService,
        "快递代收 Parcel collection",
        "快递可以放在前台吗？Can the desk keep a parcel?",
        false,
    ),
    topic(
        "inquiry",
        CustomerService,
        "装修申请 Renovation permit",
        "装修需要提交什么材料？What does a renovation permit need?",
        false,
    ),
    topic(
        "help",
        Security,
        "钥匙锁在家里 Locked out",
        "钥匙锁在家里了，需要帮忙。Locked out, keys inside.",
        false,
    ),
    topic(
        "help",
        Engineering,
        "搬家需要电梯 Lift for moving day",
        "周六搬家，需要预留电梯。Moving on Saturday, please reserve the lift.",
        false,
    ),
    topic(
        "help",
        CustomerService,
        "老人需要帮助 Elderly resident needs help",
        "独居老人摔倒了，请派人看看。An elderly neighbour fell.",
        false,
    ),
    topic(
        "help",
        Security,
        "车辆被刮 Car scratched in the car park",
        "车停在地库被刮了，想查监控。My car was scratched in the car park.",
        false,
    ),
    topic(
        "suggestion",
        CustomerService,
        "增加充电桩 More EV chargers",
        "建议地库增加充电桩。Please add EV chargers in the car park.",
        false,
    ),
    topic(
        "suggestion",
        Greening,
        "修剪绿化 Trim the hedges",
        "小区绿化该修剪了。The hedges need trimming.",
        false,
    ),
    topic(
        "suggestion",
        Security,
        "增加停车位 More parking",
        "建议规划更多访客停车位。More visitor parking, please.",
        false,
    ),
    topic(
        "praise",
        Engineering,
        "感谢维修师傅 Thanks to the technician",
        "维修师傅很专业，谢谢！The technician was great.",
        false,
    ),
    topic(
        "praise",
        Cleaning,
        "保洁阿姨很负责 The cleaner did a great job",
        "楼道打扫得很干净。The stairwell is spotless.",
        false,
    ),
];

/// How often each kind is opened, in percent: mostly repairs, as at a real desk.
const KINDS: &[(&str, u32)] = &[
    ("repair", 45),
    ("complaint", 15),
    ("inquiry", 20),
    ("help", 8),
    ("suggestion", 7),
    ("praise", 5),
];

const EXTRA: &[&str] = &[
    "上午在家 home in the morning",
    "下午三点以后方便 after 3 pm",
    "请先打电话 please call first",
    "已经第二次报了 second report",
    "家里有老人 elderly at home",
    "",
    "",
];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"];

/// Staff the bench adds to the demo's, so dispatches spread over technicians and
/// departments as they do in an estate with a real maintenance team.
const MORE_STAFF: &[(&str, &str, Role, Department)] = &[
    (
        "tech2",
        "维修工 王磊 Wang Lei",
        Role::Technician,
        Engineering,
    ),
    ("tech3", "电工 刘洋 Liu Yang", Role::Technician, Engineering),
    (
        "tech4",
        "水暖工 张勇 Zhang Yong",
        Role::Technician,
        Engineering,
    ),
    (
        "tech5",
        "电梯工 黄涛 Huang Tao",
        Role::Technician,
        Engineering,
    ),
    ("clean1", "保洁 李娟 Li Juan", Role::Technician, Cleaning),
    ("clean2", "保洁 赵艳 Zhao Yan", Role::Technician, Cleaning),
    ("green1", "绿化 孙杰 Sun Jie", Role::Technician, Greening),
    ("guard1", "保安 马军 Ma Jun", Role::Patrol, Security),
];

/// Who pushes: one device each, its seq rising over the whole seeding.
struct Person {
    actor: Actor,
    device: String,
    seq: u64,
}

const DESK: usize = 0;
const PATROL: usize = 1;

/// One mutation of a case's history, before it is given a seq.
struct Step {
    who: usize,
    /// Pushes go phase by phase (patrol's creates, the desk's triage, the staff's work,
    /// the desk's closing), so each case's steps reach the store in order.
    phase: u8,
    op: &'static str,
    payload: Value,
    at: i64,
}

/// A case's history as it is built: the steps and the clock.
struct Path {
    steps: Vec<Step>,
    at: i64,
    worked: bool,
}

impl Path {
    /// The next step, `lo..hi` ms after the previous one.
    fn then(
        &mut self,
        rng: &mut Rng,
        who: usize,
        op: &'static str,
        payload: Value,
        lo: i64,
        hi: i64,
    ) {
        self.at += rng.between(lo, hi);
        let phase = if who == DESK {
            if self.worked {
                3
            } else {
                1
            }
        } else {
            self.worked = true;
            2
        };
        self.steps.push(Step {
            who,
            phase,
            op,
            payload,
            at: self.at,
        });
    }
}

struct Planner {
    rng: Rng,
    units: Vec<(String, String)>,
    /// Who may be dispatched work, by department.
    teams: Vec<(Department, Vec<usize>)>,
    people_ids: Vec<String>,
    now: i64,
    n: usize,
}

impl Planner {
    fn team(&self, d: Department) -> &[usize] {
        self.teams
            .iter()
            .find(|(t, _)| *t == d)
            .map(|(_, m)| m.as_slice())
            .expect("every department that takes work has a team")
    }

    /// Dispatch to the topic's department, to a named person four times in five (else
    /// the department's first taker signs), then the worker's steps.
    fn dispatch(&mut self, path: &mut Path, d: Department) -> usize {
        let team = self.team(d).to_vec();
        let worker = *self.rng.pick(&team);
        let named = self.rng.chance(0.8);
        let assignee = named.then(|| self.people_ids[worker].clone());
        path.then(
            &mut self.rng,
            DESK,
            "case.dispatch",
            json!({"department": d.as_str(), "assignee_id": assignee, "note": ""}),
            5 * MINUTE,
            90 * MINUTE,
        );
        path.then(
            &mut self.rng,
            worker,
            "case.sign",
            json!({}),
            5 * MINUTE,
            2 * HOUR,
        );
        worker
    }

    /// The case `i` of `n`: its id and its history up to now.
    fn plan(&mut self, i: usize) -> (String, Vec<Step>) {
        let id = new_id();
        let rng = &mut self.rng;
        // Opened in order over the span, like the real feed: older cases first.
        let t0 =
            (self.now - SPAN + (i as i64) * SPAN / self.n as i64 + rng.between(0, 10 * MINUTE))
                .min(self.now - MINUTE);
        let mut roll = rng.below(100) as u32;
        let kind = KINDS
            .iter()
            .find(|(_, w)| {
                let hit = roll < *w;
                roll = roll.saturating_sub(*w);
                hit
            })
            .map_or("repair", |(k, _)| *k);
        let topics: Vec<&Topic> = TOPICS.iter().filter(|t| t.kind == kind).collect();
        let topic = *rng.pick(&topics);
        let creator = if rng.chance(0.15) { PATROL } else { DESK };
        let unit = if (creator == PATROL && rng.chance(0.5)) || rng.chance(0.04) {
            None
        } else {
            Some(rng.pick(&self.units).clone())
        };
        let place = unit
            .as_ref()
            .map_or("地下车库 B1 car park", |(_, label)| label);
        let description = format!("{} {} {}", place, topic.words, rng.pick(EXTRA));
        let priority = *rng.pick(&[
            "low", "normal", "normal", "normal", "normal", "high", "high", "urgent",
        ]);
        let (contact_name, contact_phone) = if creator == DESK && rng.chance(0.6) {
            (
                Some(format!(
                    "{}{}{}",
                    rng.pick(SURNAMES),
                    rng.pick(GIVEN),
                    rng.pick(GIVEN)
                )),
                Some(format!("13{:09}", rng.next() % 1_000_000_000)),
            )
        } else {
            (None, None)
        };
        let channel = (creator == DESK).then(|| *rng.pick(&["visit", "phone", "phone"]));
        let create = json!({
            "kind": kind,
            "title": topic.title,
            "description": description,
            "unit_id": unit.as_ref().map(|(id, _)| id),
            "location": if unit.is_none() { Some(place) } else { None },
            "photos": [],
            "priority": priority,
            "channel": channel,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "leak": topic.leak,
        });
        let mut path = Path {
            steps: vec![Step {
                who: creator,
                phase: if creator == PATROL { 0 } else { 1 },
                op: "case.create",
                payload: create,
                at: t0,
            }],
            at: t0,
            worked: false,
        };

        // Triage by the desk.
        if rng.chance(0.03) {
            path.then(
                rng,
                DESK,
                "case.escalate",
                json!({"reason": "住户多次来电 repeated calls"}),
                5 * MINUTE,
                HOUR,
            );
        }
        if rng.chance(0.15) {
            let p = *rng.pick(&["low", "normal", "high", "urgent"]);
            path.then(
                rng,
                DESK,
                "case.prioritize",
                json!({"priority": p}),
                5 * MINUTE,
                HOUR,
            );
        }
        if rng.chance(0.1) {
            path.then(
                rng,
                DESK,
                "case.comment",
                json!({"text": "已电话联系住户 called the resident"}),
                5 * MINUTE,
                3 * HOUR,
            );
        }
        let unhappy = self.rng.chance(0.01);
        // Help goes out to a department two times in five; the rest the desk answers.
        let worked = kind == "repair" || (kind == "help" && self.rng.chance(0.4));
        match kind {
            "complaint" => {
                let rng = &mut self.rng;
                let nature = *rng.pick(&["valid", "help_seeking", "consulting", "venting"]);
                let cause = *rng.pick(&[
                    "equipment",
                    "service_attitude",
                    "service_quality",
                    "emergency",
                ]);
                path.then(
                    rng,
                    DESK,
                    "case.classify",
                    json!({"nature": nature, "cause": cause, "department": topic.department.as_str(),
                           "identity_confirmed": true, "payment_standing": null}),
                    5 * MINUTE,
                    HOUR,
                );
                let worker = self.dispatch(&mut path, topic.department);
                let rng = &mut self.rng;
                if rng.chance(0.3) {
                    path.then(
                        rng,
                        worker,
                        "case.site_visit",
                        json!({"notes": "现场查看 visited the site"}),
                        30 * MINUTE,
                        6 * HOUR,
                    );
                }
                path.then(
                    rng,
                    worker,
                    "case.handle",
                    json!({"notes": "已与双方沟通 spoke to both sides"}),
                    HOUR,
                    2 * DAY,
                );
                path.then(
                    rng,
                    DESK,
                    "case.return_visit",
                    json!({"method": "phone", "satisfied": true, "notes": ""}),
                    DAY,
                    3 * DAY,
                );
                path.then(
                    rng,
                    DESK,
                    "case.summarize",
                    json!({"cause": "沟通不足 poor communication", "lesson": "及时回复 reply sooner",
                           "change": "每周巡查 weekly checks"}),
                    HOUR,
                    DAY,
                );
            }
            _ if worked => {
                let worker = self.dispatch(&mut path, topic.department);
                let rng = &mut self.rng;
                path.then(rng, worker, "case.start", json!({}), 10 * MINUTE, 4 * HOUR);
                let fee = rng.between(0, 20_000);
                path.then(
                    rng,
                    worker,
                    "case.finish",
                    json!({"notes": "已更换配件 replaced the part",
                           "materials": [{"name": "密封圈 seal", "quantity": 2, "unit": "个"}],
                           "fee_cents": fee, "photos": [], "water_test_at": null}),
                    30 * MINUTE,
                    5 * HOUR,
                );
                let signature = {
                    use sha2::Digest;
                    hex::encode(sha2::Sha256::digest(id.as_bytes()))
                };
                path.then(
                    rng,
                    DESK,
                    "case.accept",
                    json!({"signature": signature}),
                    10 * MINUTE,
                    10 * HOUR,
                );
                let visit = if unhappy {
                    json!({"method": "door", "satisfied": false, "notes": "还在漏 still leaking"})
                } else {
                    json!({"method": *rng.pick(&["phone", "door"]), "satisfied": true, "notes": ""})
                };
                path.then(rng, DESK, "case.return_visit", visit, DAY, 3 * DAY);
            }
            _ => {
                let rng = &mut self.rng;
                if rng.chance(0.25) {
                    path.then(
                        rng,
                        DESK,
                        "case.defer",
                        json!({"promised_at": null, "note": "需要核实 checking"}),
                        5 * MINUTE,
                        HOUR,
                    );
                    path.then(
                        rng,
                        DESK,
                        "case.reply",
                        json!({"text": "已答复 answered"}),
                        2 * HOUR,
                        3 * DAY,
                    );
                }
                path.then(
                    rng,
                    DESK,
                    "case.close",
                    json!({"note": ""}),
                    10 * MINUTE,
                    3 * DAY,
                );
            }
        }

        // The backlog: some cases are left where they were, cancelled or put on hold.
        let rng = &mut self.rng;
        let len = path.steps.len();
        let fate = rng.below(100);
        if fate < 6 && len > 1 {
            path.steps.truncate(1 + rng.below(len - 1));
            path.at = path.steps.last().map_or(t0, |s| s.at);
            path.worked = path.steps.iter().any(|s| s.phase == 2);
            match fate {
                0..=1 => {}
                2..=4 => path.then(
                    rng,
                    DESK,
                    "case.cancel",
                    json!({"reason": "住户撤回 withdrawn"}),
                    HOUR,
                    2 * DAY,
                ),
                _ => path.then(
                    rng,
                    DESK,
                    "case.hold",
                    json!({"reason": "等配件 waiting for parts"}),
                    HOUR,
                    2 * DAY,
                ),
            }
        }
        // What has not happened yet by now stays undone: recent cases are in flight.
        path.steps.retain(|s| s.at <= self.now);
        (id, path.steps)
    }
}

fn client_time(at: i64) -> String {
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    chrono::DateTime::from_timestamp_millis(at)
        .expect("a time in range")
        .with_timezone(&tz)
        .to_rfc3339()
}

/// What the timings need to know of the seeded estate.
struct Seeded {
    estate: String,
    unit_label: String,
    cases: usize,
    mutations: usize,
    secs: f64,
}

async fn seed(store: &Store, n: usize, batch: usize) -> Seeded {
    server::seed::seed_demo(store).await.expect("seed demo");
    let estate: String = sqlx::query("SELECT id FROM estates")
        .fetch_one(store.pool())
        .await
        .expect("estate")
        .try_get(0)
        .expect("estate id");
    for (username, name, role, department) in MORE_STAFF {
        store
            .create_user(&NewUserRow {
                id: new_id(),
                username: (*username).into(),
                display_name: (*name).into(),
                // Never signs in: the bench pushes as them directly.
                password_hash: "!".into(),
                role: *role,
                department: Some(*department),
                resident_id: None,
                estate_ids: vec![estate.clone()],
            })
            .await
            .expect("bench staff");
    }
    let mut people = Vec::new();
    let mut usernames = vec!["desk", "patrol", "super", "tech"];
    usernames.extend(MORE_STAFF.iter().map(|s| s.0));
    for username in &usernames {
        let id: String = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(store.pool())
            .await
            .expect("staff row")
            .try_get(0)
            .expect("staff id");
        let user = store
            .current_user(&id)
            .await
            .expect("user")
            .expect("staff account");
        people.push(Person {
            actor: Actor::from(&user),
            device: new_id(),
            seq: 0,
        });
    }
    let teams = [CustomerService, Engineering, Security, Cleaning, Greening]
        .into_iter()
        .map(|d| {
            let members = (0..people.len())
                .filter(|&i| {
                    i != DESK
                        && people[i].actor.department == Some(d)
                        && !matches!(people[i].actor.role, Role::FrontDesk)
                })
                .collect();
            (d, members)
        })
        .collect();
    let units: Vec<(String, String)> = sqlx::query(
        "SELECT u.id, b.code || '-' || u.number FROM units u JOIN buildings b ON b.id = u.building_id \
         ORDER BY b.code, u.floor, u.number",
    )
    .fetch_all(store.pool())
    .await
    .expect("units")
    .iter()
    .map(|r| (r.try_get(0).expect("unit id"), r.try_get(1).expect("label")))
    .collect();
    // A unit from the middle of the list: its label is the unit search's term.
    let unit_label = units[units.len() / 2].1.clone();
    let mut planner = Planner {
        rng: Rng(20_261_123),
        units,
        teams,
        people_ids: people.iter().map(|p| p.actor.id.clone()).collect(),
        now: now_ms(),
        n,
    };

    let postgres = store.backend() == Backend::Postgres;
    let mut vacuumed_at = 0;
    let start = Instant::now();
    let mut mutations = 0;
    // Rounds of `batch` cases: each round's steps go out grouped by phase and person, so
    // a case's dispatch reaches the store before its technician signs for it.
    for round in (0..n).step_by(batch) {
        let mut groups: BTreeMap<(u8, usize), Vec<(String, Step)>> = BTreeMap::new();
        for i in round..(round + batch).min(n) {
            let (id, steps) = planner.plan(i);
            for s in steps {
                groups
                    .entry((s.phase, s.who))
                    .or_default()
                    .push((id.clone(), s));
            }
        }
        for ((_, who), steps) in groups {
            for chunk in steps.chunks(batch) {
                let person = &mut people[who];
                let muts: Vec<Mutation> = chunk
                    .iter()
                    .map(|(id, s)| {
                        person.seq += 1;
                        Mutation {
                            id: new_id(),
                            seq: person.seq,
                            op: s.op.into(),
                            entity_id: id.clone(),
                            client_time: client_time(s.at),
                            payload: s.payload.clone(),
                        }
                    })
                    .collect();
                let req = PushRequest {
                    device_id: person.device.clone(),
                    mutations: muts,
                };
                let (results, _) = store
                    .push(&person.actor, &req, now_ms())
                    .await
                    .expect("push");
                for (r, m) in results.iter().zip(&req.mutations) {
                    // A rejection is a bug in the generator: the data would not be what it claims.
                    if let PushStatus::Rejected { code, message } = &r.status {
                        panic!(
                            "seeding: {} by {} rejected: {code}: {message}",
                            m.op, person.actor.name
                        );
                    }
                }
                mutations += req.mutations.len();
            }
        }
        // PostgreSQL plans from table statistics, and a prepared statement keeps its plan
        // until they change: without any, the push's dedupe lookup seq-scans the growing
        // mutation log and seeding turns quadratic. And every upsert leaves a dead row
        // version behind, which bloats `cases` and its search index until vacuumed.
        // Autovacuum analyzes a table once it grows by 10 % and vacuums it soon after; the
        // bench does both at that pace, since autovacuum is off on some machines (the
        // test server's) and lags a bulk load on others. The time counts as seeding.
        let done = (round + batch).min(n);
        if postgres && (done == n || done >= vacuumed_at + (vacuumed_at / 10).max(1000)) {
            sqlx::query("VACUUM ANALYZE")
                .execute(store.pool())
                .await
                .expect("vacuum analyze");
            vacuumed_at = done;
        }
    }
    Seeded {
        estate,
        unit_label,
        cases: n,
        mutations,
        secs: start.elapsed().as_secs_f64(),
    }
}

/// One timed query: its name, p50, p95 and the rows it returned.
struct Timing {
    name: String,
    p50: Duration,
    p95: Duration,
    rows: usize,
}

async fn time(store: &Store, estate: &str, name: &str, filter: CaseFilter, reps: usize) -> Timing {
    let estates = vec![estate.to_string()];
    // A few untimed runs first: the first reads fill the page cache and the pool, which a
    // server that has been up for a while has already done.
    for _ in 0..3 {
        store
            .case_queue(&estates, &filter, now_ms())
            .await
            .expect("queue");
    }
    let mut lat = Vec::with_capacity(reps);
    let mut rows = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let got = store
            .case_queue(&estates, &filter, now_ms())
            .await
            .expect("queue");
        lat.push(t.elapsed());
        rows = got.len();
    }
    lat.sort();
    Timing {
        name: name.into(),
        p50: percentile(&lat, 0.50),
        p95: percentile(&lat, 0.95),
        rows,
    }
}

/// Seeds `n` cases into `store` and times the queries; prints as it goes.
async fn run(label: &str, store: &Store, n: usize, reps: usize, batch: usize) -> Vec<Timing> {
    let s = seed(store, n, batch).await;
    println!(
        "-- {label}: {} cases seeded in {:.1} s: {:.0} cases/s ({} mutations, {:.0} mutations/s, pushes of up to {batch})",
        s.cases,
        s.secs,
        s.cases as f64 / s.secs,
        s.mutations,
        s.mutations as f64 / s.secs
    );
    let by_status: Vec<String> =
        sqlx::query("SELECT status, COUNT(*) FROM cases GROUP BY status ORDER BY status")
            .fetch_all(store.pool())
            .await
            .expect("status counts")
            .iter()
            .map(|r| {
                let status: String = r.try_get(0).expect("status");
                let count: i64 = r.try_get(1).expect("count");
                format!("{status} {count}")
            })
            .collect();
    let overdue: i64 = sqlx::query("SELECT COUNT(*) FROM cases WHERE deadline < $1")
        .bind(now_ms())
        .fetch_one(store.pool())
        .await
        .expect("overdue count")
        .try_get(0)
        .expect("count");
    println!("   by status: {}; overdue {overdue}", by_status.join(", "));
    if store.backend() == Backend::Postgres {
        let autovacuum: String =
            sqlx::query("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")
                .fetch_one(store.pool())
                .await
                .expect("autovacuum setting")
                .try_get(0)
                .expect("setting");
        println!("   VACUUM ANALYZE after each 10 % of growth, as autovacuum would (autovacuum is {autovacuum} here)");
    }

    let queue = CaseFilter {
        open_only: true,
        limit: Some(50),
        ..CaseFilter::default()
    };
    let search = |q: &str| CaseFilter {
        q: q.into(),
        limit: Some(50),
        ..CaseFilter::default()
    };
    let queries: Vec<(String, CaseFilter)> = vec![
        ("queue (open, 50)".into(), queue.clone()),
        (
            "overdue (open, 50)".into(),
            CaseFilter {
                overdue: true,
                ..queue.clone()
            },
        ),
        (
            "engineering + in_progress".into(),
            CaseFilter {
                department: Some(Engineering),
                status: Some(CaseStatus::InProgress),
                ..queue.clone()
            },
        ),
        ("search 漏水".into(), search("漏水")),
        ("search leak".into(), search("leak")),
        (format!("search {}", s.unit_label), search(&s.unit_label)),
        (
            "search 漏水 (open)".into(),
            CaseFilter {
                q: "漏水".into(),
                ..queue.clone()
            },
        ),
    ];
    let mut out = Vec::new();
    for (name, filter) in queries {
        let t = time(store, &s.estate, &name, filter, reps).await;
        println!(
            "   {} p50 {:>8.2} ms  p95 {:>8.2} ms  ({} rows)",
            pad(&t.name, 28),
            ms(t.p50),
            ms(t.p95),
            t.rows
        );
        out.push(t);
    }
    out
}

/// A database of its own on the PostgreSQL server at `base`, and the URL to it.
async fn fresh_postgres(base: &str) -> (String, String) {
    use sqlx::Connection;
    let name = format!("propdesk_bench_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create bench database");
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("database URL with a database name");
    (name.clone(), format!("{prefix}/{name}"))
}

async fn drop_postgres(base: &str, name: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await
    .expect("drop bench database");
}

fn main() {
    let n = env("BENCH_CASES", 200_000).max(1);
    let pg_n = env("BENCH_PG_CASES", n).max(1);
    let reps = env("BENCH_REPS", 200).max(1);
    let batch = env("BENCH_BATCH", 500).clamp(1, 1000);
    let keep = std::env::var("BENCH_KEEP_DB").is_ok_and(|v| v == "1");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "propdesk cases bench: {} cores, {reps} runs per query",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    rt.block_on(async {
        let mut table = Vec::new();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.db");
        let store = Store::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("sqlite store");
        let timings = run("SQLite", &store, n, reps, batch).await;
        table.push((format!("sqlite, {n} cases"), timings));
        // Closing checkpoints the WAL into the file, so its size is the whole database.
        store.pool().close().await;
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!("   database file {:.0} MB", size as f64 / 1e6);
        if keep {
            println!("   kept {}", dir.keep().display());
        }

        match std::env::var("PROPDESK_TEST_POSTGRES_URL") {
            Ok(base) if !base.is_empty() => {
                let (name, url) = fresh_postgres(&base).await;
                let store = Store::connect(&url).await.expect("postgres store");
                table.push((
                    format!("postgres, {pg_n} cases"),
                    run(&format!("PostgreSQL ({name})"), &store, pg_n, reps, batch).await,
                ));
                store.pool().close().await;
                if keep {
                    println!("   kept {url}");
                } else {
                    drop_postgres(&base, &name).await;
                }
            }
            _ => println!("-- PostgreSQL skipped: PROPDESK_TEST_POSTGRES_URL not set"),
        }

        println!("-- summary (p50 / p95 of Store::case_queue, {reps} runs each)");
        for (backend, timings) in &table {
            println!("{backend}");
            for t in timings {
                println!(
                    "  {} p50 {:>7.2} ms  p95 {:>7.2} ms  ({} rows)",
                    pad(&t.name, 28),
                    ms(t.p50),
                    ms(t.p95),
                    t.rows
                );
            }
        }
    });
}
