//! Signed-in people and staff accounts.

use super::{Department, Role};
use serde::{Deserialize, Serialize};

/// The person behind the current session, as the app needs to know them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<Department>,
    /// Estates a staff member works in; for a resident, the estates of their units.
    pub estate_ids: Vec<String>,
    /// Units a resident belongs to; empty for staff.
    pub unit_ids: Vec<String>,
}

impl CurrentUser {
    /// Whether this user's scope includes the estate.
    pub fn in_estate(&self, estate_id: &str) -> bool {
        self.estate_ids.iter().any(|e| e == estate_id)
    }
}

/// A staff or resident account as the admin screens list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<Department>,
    pub disabled: bool,
    pub active_sessions: i64,
}

/// What the admin fills in to create a staff account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub department: Department,
    pub estate_ids: Vec<String>,
}
