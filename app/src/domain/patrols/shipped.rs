//! The routes the product ships with, in Chinese and English: the daily building
//! inspection and the four department supervision rounds. A supervisor starts a route
//! from one and edits it to fit the estate.

use super::routes::Area;
use super::schedule::{Every, Schedule};
use super::sheet;
use crate::domain::Department;

/// A shipped route, in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub key: &'static str,
    pub name: &'static str,
    pub department: Department,
    pub schedule: Schedule,
    pub areas: Vec<Area>,
}

struct Text {
    key: &'static str,
    department: Department,
    every: fn() -> Every,
    zh: (&'static str, &'static str),
    en: (&'static str, &'static str),
}

const CHINA: i32 = 480;

const TEMPLATES: [Text; 5] = [
    Text {
        key: "daily",
        department: Department::CustomerService,
        every: || Every::Day,
        zh: (
            "日常巡查",
            "[LOBBY] 大堂
- 地面、墙面清洁无污渍 {photo}
- 公告栏内容整齐、无过期通知
- 照明正常 {photo}
[LIFT] 电梯
- 电梯运行正常、无异响 {photo}
- 轿厢清洁、年检标志在有效期内
[STAIR] 消防楼梯
- 防火门关闭、闭门器完好 {photo}
- 楼梯间无杂物堆放 {photo}
- 应急照明正常
[GARAGE] 地下车库
- 车位线、指示牌清晰
- 排水沟通畅、无积水 {photo}
- 集水井水位 {number cm ..60}
[GATE] 大门岗
- 安防巡逻记录已填写
- 备注 {text}",
        ),
        en: (
            "Daily building inspection",
            "[LOBBY] Lobby
- Floors and walls clean {photo}
- Bulletin board tidy, no expired notices
- Lighting working {photo}
[LIFT] Lifts
- Lift runs smoothly, no unusual noise {photo}
- Car clean, inspection certificate valid
[STAIR] Fire stairs
- Fire doors closed, closers intact {photo}
- No clutter in the stairwell {photo}
- Emergency lighting working
[GARAGE] Underground garage
- Bay lines and signs legible
- Drains clear, no standing water {photo}
- Sump water level {number cm ..60}
[GATE] Main gate
- Security patrol log filled in
- Remarks {text}",
        ),
    },
    Text {
        key: "security",
        department: Department::Security,
        every: || Every::Shift {
            starts: vec![480, 1200],
        },
        zh: (
            "安防督导",
            "[POST-GATE] 大门岗
- 着装整齐、佩戴工牌 {photo}
- 岗位有人值守
- 无睡岗、脱岗 {photo}
- 来访登记完整
[POST-CCTV] 监控中心
- 值班人员在岗、未睡岗 {photo}
- 监控画面全部正常
- 值班记录已填写
[POST-GARAGE] 车库岗
- 着装整齐、佩戴工牌
- 车辆出入登记完整",
        ),
        en: (
            "Security supervision round",
            "[POST-GATE] Main gate post
- Uniform neat, badge worn {photo}
- Post manned
- Nobody asleep or away from post {photo}
- Visitor register complete
[POST-CCTV] Control room
- Operator at post and awake {photo}
- All camera feeds working
- Duty log written
[POST-GARAGE] Garage post
- Uniform neat, badge worn
- Vehicle log complete",
        ),
    },
    Text {
        key: "engineering",
        department: Department::Engineering,
        every: || Every::Week,
        zh: (
            "工程督导",
            "[PUMP] 水泵房
- 水泵运行正常 {photo}
- 出水压力 {number MPa 0.3..0.6}
- 保养记录按时填写
[POWER] 配电房
- 设备运行正常、无异味 {photo}
- 室温 {number °C ..35}
- 巡检记录按时填写
[LIFT-ROOM] 电梯机房
- 维保按计划完成
- 机房整洁、无杂物 {photo}",
        ),
        en: (
            "Engineering supervision round",
            "[PUMP] Pump room
- Pumps running normally {photo}
- Outlet pressure {number MPa 0.3..0.6}
- Maintenance log up to date
[POWER] Switch room
- Equipment running, no burning smell {photo}
- Room temperature {number °C ..35}
- Inspection log up to date
[LIFT-ROOM] Lift machine room
- Maintenance done on schedule
- Room tidy, nothing stored {photo}",
        ),
    },
    Text {
        key: "cleaning",
        department: Department::Cleaning,
        every: || Every::Day,
        zh: (
            "保洁督导",
            "[CLEAN-LOBBY] 大堂及门厅
- 按保洁流程作业
- 地面无水渍、无垃圾 {photo}
[CLEAN-STAIR] 楼道
- 扶手、台阶清洁 {photo}
- 无异味
[CLEAN-BINS] 垃圾收集点
- 垃圾桶已清运、桶身清洁 {photo}
- 分类标识清晰",
        ),
        en: (
            "Cleaning supervision round",
            "[CLEAN-LOBBY] Lobby and entrance
- Cleaning process followed
- No water marks or litter on the floor {photo}
[CLEAN-STAIR] Corridors and stairs
- Handrails and steps clean {photo}
- No odour
[CLEAN-BINS] Bin area
- Bins emptied and clean {photo}
- Sorting signs legible",
        ),
    },
    Text {
        key: "greening",
        department: Department::Greening,
        every: || Every::Week,
        zh: (
            "绿化督导",
            "[GARDEN-N] 北区花园
- 草坪修剪整齐 {photo}
- 植物浇水充足、无枯死 {photo}
- 无病虫害
[GARDEN-S] 南区花园
- 绿篱修剪整齐 {photo}
- 园路无落叶堆积",
        ),
        en: (
            "Greening supervision round",
            "[GARDEN-N] North garden
- Lawn mowed evenly {photo}
- Plants watered, none dead {photo}
- No pests or disease
[GARDEN-S] South garden
- Hedges trimmed {photo}
- Paths clear of leaves",
        ),
    },
];

/// The shipped routes in a language (`zh…` gives Chinese, anything else English).
pub fn templates(lang: &str) -> Vec<Template> {
    TEMPLATES
        .iter()
        .map(|t| {
            let (name, lines) = if lang.starts_with("zh") { t.zh } else { t.en };
            Template {
                key: t.key,
                name,
                department: t.department,
                schedule: Schedule {
                    every: (t.every)(),
                    utc_offset_min: CHINA,
                },
                // The texts are this file's own and a test reads every one.
                areas: sheet::parse(lines).unwrap_or_default(),
            }
        })
        .collect()
}
