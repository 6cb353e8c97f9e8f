//! What a device needs to know besides the cases themselves, to run the rules offline
//! and fill the forms: units with their labels, buildings, staff who take work, and each
//! estate's service levels. The server sends it; the device keeps the last copy.

use super::Policy;
use crate::domain::ops::{Facts, StaffFact, UnitFact};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitEntry {
    pub id: String,
    /// `A-1203`.
    pub label: String,
    pub estate_id: String,
    pub building_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingEntry {
    pub id: String,
    pub code: String,
    pub name: String,
    pub estate_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub units: Vec<UnitEntry>,
    pub buildings: Vec<BuildingEntry>,
    /// Staff of the person's estates (empty for residents).
    pub staff: Vec<StaffFact>,
    pub policies: BTreeMap<String, Policy>,
}

impl Directory {
    pub fn staff_name(&self, id: &str) -> Option<&str> {
        self.staff
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
    }
}

impl Facts for Directory {
    fn unit(&self, unit_id: &str) -> Option<UnitFact> {
        self.units
            .iter()
            .find(|u| u.id == unit_id)
            .map(|u| UnitFact {
                estate_id: u.estate_id.clone(),
                label: u.label.clone(),
                building_id: Some(u.building_id.clone()),
            })
    }

    fn staff(&self, user_id: &str) -> Option<StaffFact> {
        self.staff.iter().find(|s| s.id == user_id).cloned()
    }

    fn building(&self, building_id: &str) -> Option<String> {
        self.buildings
            .iter()
            .find(|b| b.id == building_id)
            .map(|b| b.estate_id.clone())
    }

    fn policy(&self, estate_id: &str) -> Policy {
        self.policies.get(estate_id).cloned().unwrap_or_default()
    }
}
