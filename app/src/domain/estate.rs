//! The estate: estates, buildings, units, common areas and facilities.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A residential or office estate (小区·项目).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    pub id: String,
    pub code: String,
    pub name: String,
    pub address: String,
}

/// A building (楼栋) of an estate, with counts for the overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Building {
    pub id: String,
    pub estate_id: String,
    pub code: String,
    pub name: String,
    pub floors: i64,
    pub unit_count: i64,
}

/// How a unit is occupied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Occupied,
    Rented,
    Vacant,
    Custody,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 4] = [
        UnitStatus::Occupied,
        UnitStatus::Rented,
        UnitStatus::Vacant,
        UnitStatus::Custody,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::Occupied => "occupied",
            UnitStatus::Rented => "rented",
            UnitStatus::Vacant => "vacant",
            UnitStatus::Custody => "custody",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            UnitStatus::Occupied => "unit_status.occupied",
            UnitStatus::Rented => "unit_status.rented",
            UnitStatus::Vacant => "unit_status.vacant",
            UnitStatus::Custody => "unit_status.custody",
        }
    }
}

impl FromStr for UnitStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                format!("unknown unit status `{s}`: occupied, rented, vacant or custody")
            })
    }
}

/// A unit (房屋·单元) in a building.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: String,
    pub building_id: String,
    pub building_code: String,
    pub number: String,
    pub floor: i64,
    pub area_m2: f64,
    pub status: UnitStatus,
    /// Names of the residents linked to the unit, for lists.
    pub residents: Vec<String>,
}

/// What kind of place a common area or facility is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    CommonArea,
    Facility,
}

/// A common area (公共区域) or facility (设施设备) with its printable code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: String,
    pub estate_id: String,
    pub building_id: Option<String>,
    pub kind: PlaceKind,
    pub code: String,
    pub name: String,
    /// For facilities: lift, pump, lighting, fire, meter…; for areas: lobby, stairwell…
    pub category: String,
}

/// What a new or edited unit carries from a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitInput {
    pub building_id: String,
    pub number: String,
    pub floor: i64,
    pub area_m2: f64,
    pub status: UnitStatus,
}
