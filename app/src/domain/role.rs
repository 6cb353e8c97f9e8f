//! Roles and departments, and what each role may do.
//!
//! The server checks these on every request; the UI only uses them to hide what a role
//! cannot use.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a signed-in person is to the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FrontDesk,
    Supervisor,
    Manager,
    Technician,
    Patrol,
    Cashier,
    Admin,
    Resident,
}

impl Role {
    /// Every role, staff first.
    pub const ALL: [Role; 8] = [
        Role::FrontDesk,
        Role::Supervisor,
        Role::Manager,
        Role::Technician,
        Role::Patrol,
        Role::Cashier,
        Role::Admin,
        Role::Resident,
    ];

    /// The stable word used in the database, the API and CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FrontDesk => "front_desk",
            Role::Supervisor => "supervisor",
            Role::Manager => "manager",
            Role::Technician => "technician",
            Role::Patrol => "patrol",
            Role::Cashier => "cashier",
            Role::Admin => "admin",
            Role::Resident => "resident",
        }
    }

    /// The translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::FrontDesk => "role.front_desk",
            Role::Supervisor => "role.supervisor",
            Role::Manager => "role.manager",
            Role::Technician => "role.technician",
            Role::Patrol => "role.patrol",
            Role::Cashier => "role.cashier",
            Role::Admin => "role.admin",
            Role::Resident => "role.resident",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }

    /// Browse the estate: buildings, units, areas, facilities, residents.
    pub fn can_view_estate(self) -> bool {
        self.is_staff()
    }

    /// Create and edit buildings, units, areas, facilities and residents; import CSV.
    pub fn can_edit_estate(self) -> bool {
        matches!(self, Role::Supervisor | Role::Manager | Role::Admin)
    }

    /// Create staff accounts, disable them, reset passwords, revoke sessions.
    pub fn can_manage_staff(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }

    /// Open a new estate (the admin who opens it joins it).
    pub fn can_create_estate(self) -> bool {
        self == Role::Admin
    }

    /// See a resident's full ID document number rather than the masked one.
    pub fn can_see_id_numbers(self) -> bool {
        matches!(self, Role::Supervisor | Role::Manager | Role::Admin)
    }

    /// Read the sync health of the estate: rejected mutations and devices' seq gaps.
    pub fn can_see_sync_health(self) -> bool {
        matches!(self, Role::Supervisor | Role::Manager | Role::Admin)
    }

    /// The path of this role's home screen.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::FrontDesk => "/desk",
            Role::Supervisor | Role::Manager => "/supervisor",
            Role::Technician => "/tech",
            Role::Patrol => "/patrol",
            Role::Cashier => "/cashier",
            Role::Admin => "/admin",
            Role::Resident => "/resident",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no known role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// The departments of a property-management company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    CustomerService,
    Engineering,
    Security,
    Cleaning,
    Greening,
    Finance,
}

impl Department {
    pub const ALL: [Department; 6] = [
        Department::CustomerService,
        Department::Engineering,
        Department::Security,
        Department::Cleaning,
        Department::Greening,
        Department::Finance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Department::CustomerService => "customer_service",
            Department::Engineering => "engineering",
            Department::Security => "security",
            Department::Cleaning => "cleaning",
            Department::Greening => "greening",
            Department::Finance => "finance",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Department::CustomerService => "dept.customer_service",
            Department::Engineering => "dept.engineering",
            Department::Security => "dept.security",
            Department::Cleaning => "dept.cleaning",
            Department::Greening => "dept.greening",
            Department::Finance => "dept.finance",
        }
    }
}

/// A word that names no known department.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown department `{0}`")]
pub struct UnknownDepartment(pub String);

impl FromStr for Department {
    type Err = UnknownDepartment;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Department::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| UnknownDepartment(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_words_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("janitor".parse::<Role>().is_err());
    }

    #[test]
    fn department_words_round_trip() {
        for d in Department::ALL {
            assert_eq!(d.as_str().parse::<Department>(), Ok(d));
        }
    }

    #[test]
    fn residents_have_no_staff_powers() {
        let r = Role::Resident;
        assert!(!r.is_staff() && !r.can_view_estate() && !r.can_edit_estate());
        assert!(!r.can_manage_staff() && !r.can_see_id_numbers());
    }
}
