//! Notices (通知·电子信息栏): to residents — by estate, building or unit, pinned or not,
//! valid for a period — shown on the resident's home; and the internal board (vehicle
//! movements, staff whereabouts, visits) for staff. Withdrawn, never deleted.

use super::*;
use crate::domain::rules::{need, text};

/// Who reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Board {
    Residents,
    Internal,
}

words!(Board, "notice.board", [
    Residents => "residents",
    Internal => "internal",
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeCategory {
    /// Water, power, lift outages.
    Outage,
    Activity,
    /// Fee reminders.
    Fees,
    General,
    /// Internal: vehicle movements.
    Vehicle,
    /// Internal: where staff are.
    Whereabouts,
    /// Internal: visits expected.
    Visit,
}

words!(NoticeCategory, "notice.category", [
    Outage => "outage",
    Activity => "activity",
    Fees => "fees",
    General => "general",
    Vehicle => "vehicle",
    Whereabouts => "whereabouts",
    Visit => "visit",
]);

impl NoticeCategory {
    /// The categories of each board.
    pub fn for_board(board: Board) -> &'static [NoticeCategory] {
        match board {
            Board::Residents => &[
                NoticeCategory::Outage,
                NoticeCategory::Activity,
                NoticeCategory::Fees,
                NoticeCategory::General,
            ],
            Board::Internal => &[
                NoticeCategory::Vehicle,
                NoticeCategory::Whereabouts,
                NoticeCategory::Visit,
                NoticeCategory::General,
            ],
        }
    }
}

/// Which residents a notice is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum Audience {
    Estate,
    Building { building_id: String },
    Unit { unit_id: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub id: String,
    pub estate_id: String,
    pub board: Board,
    pub audience: Audience,
    pub category: NoticeCategory,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub pinned: bool,
    pub valid_from: i64,
    #[serde(default)]
    pub valid_until: Option<i64>,
    pub published: Stamp,
    #[serde(default)]
    pub withdrawn: Option<Stamp>,
    #[serde(default)]
    pub withdraw_reason: Option<String>,
}

impl Notice {
    /// Shown at `now`: published, not withdrawn, inside its period.
    pub fn is_current(&self, now: i64) -> bool {
        self.withdrawn.is_none()
            && self.valid_from <= now
            && self.valid_until.is_none_or(|u| now < u)
    }

    /// What residents of which place may read it (`None`: staff only), as the feed's
    /// resident scope: `estate:<id>`, `building:<id>` or `unit:<id>`.
    pub fn resident_scope(&self) -> Option<String> {
        (self.board == Board::Residents).then(|| match &self.audience {
            Audience::Estate => format!("estate:{}", self.estate_id),
            Audience::Building { building_id } => format!("building:{building_id}"),
            Audience::Unit { unit_id } => format!("unit:{unit_id}"),
        })
    }

    /// Whether a resident of these units (with their buildings and estates) may read it.
    pub fn reaches(&self, units: &[(String, String, String)]) -> bool {
        self.board == Board::Residents
            && units.iter().any(|(unit, building, estate)| {
                *estate == self.estate_id
                    && match &self.audience {
                        Audience::Estate => true,
                        Audience::Building { building_id } => building_id == building,
                        Audience::Unit { unit_id } => unit_id == unit,
                    }
            })
    }
}

/// `notice.publish`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishNotice {
    pub board: Board,
    pub audience: Audience,
    pub category: NoticeCategory,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub pinned: bool,
    #[serde(default)]
    pub estate_id: Option<String>,
    /// When it starts to show (now when absent).
    #[serde(default)]
    pub valid_from: Option<i64>,
    #[serde(default)]
    pub valid_until: Option<i64>,
}

/// `notice.withdraw`'s payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdraw {
    pub reason: String,
}

pub fn publish(
    existing: Option<&Notice>,
    p: &PublishNotice,
    cx: &Context<'_>,
) -> Result<Notice, Rejection> {
    require_desk(cx.actor)?;
    fresh(existing, "notice")?;
    let title = text("title", &p.title, 120, true)?;
    let body = text("body", &p.body, MAX_BODY_CHARS, true)?;
    need(
        NoticeCategory::for_board(p.board).contains(&p.category),
        RejectCode::BadPayload,
        &format!(
            "category {} is not one of the {} board's",
            p.category.as_str(),
            p.board.as_str()
        ),
    )?;
    need(
        p.board == Board::Residents || p.audience == Audience::Estate,
        RejectCode::BadPayload,
        "the internal board is for the whole estate's staff",
    )?;
    let valid_from = match p.valid_from {
        Some(t) => time("valid_from", t)?,
        None => cx.at,
    };
    if let Some(until) = p.valid_until {
        need(
            time("valid_until", until)? > valid_from,
            RejectCode::BadPayload,
            "valid_until must be after valid_from",
        )?;
    }
    let estate_id = match &p.audience {
        Audience::Estate => place(cx.actor, cx.facts, None, p.estate_id.as_deref())?.0,
        Audience::Unit { unit_id } => {
            place(cx.actor, cx.facts, Some(unit_id), p.estate_id.as_deref())?.0
        }
        Audience::Building { building_id } => {
            let estate = cx.facts.building(building_id).ok_or_else(|| {
                Rejection::new(
                    RejectCode::NotFound,
                    format!("building {building_id} does not exist"),
                )
            })?;
            need(
                p.estate_id.as_ref().is_none_or(|e| *e == estate),
                RejectCode::BadPayload,
                "the building is not in the estate named",
            )?;
            place(cx.actor, cx.facts, None, Some(&estate))?.0
        }
    };
    Ok(Notice {
        id: cx.entity_id.to_string(),
        estate_id,
        board: p.board,
        audience: p.audience.clone(),
        category: p.category,
        title,
        body,
        pinned: p.pinned,
        valid_from,
        valid_until: p.valid_until,
        published: Stamp::of(cx),
        withdrawn: None,
        withdraw_reason: None,
    })
}

pub fn withdraw(
    existing: Option<&Notice>,
    p: &Withdraw,
    cx: &Context<'_>,
) -> Result<Notice, Rejection> {
    require_desk(cx.actor)?;
    let n = seen(existing, |n: &Notice| &n.estate_id, cx.actor, "notice")?;
    let reason = text("reason", &p.reason, MAX_NOTE_CHARS, true)?;
    need(
        n.withdrawn.is_none(),
        RejectCode::InvalidTransition,
        "the notice was already withdrawn",
    )?;
    let mut next = n.clone();
    next.withdrawn = Some(Stamp::of(cx));
    next.withdraw_reason = Some(reason);
    Ok(next)
}
