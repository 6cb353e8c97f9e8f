//! Residents (业主·住户) and their link to units.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How a resident is attached to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Owner,
    Tenant,
    Household,
    Agent,
    Company,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Owner,
        Relation::Tenant,
        Relation::Household,
        Relation::Agent,
        Relation::Company,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Owner => "owner",
            Relation::Tenant => "tenant",
            Relation::Household => "household",
            Relation::Agent => "agent",
            Relation::Company => "company",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Relation::Owner => "relation.owner",
            Relation::Tenant => "relation.tenant",
            Relation::Household => "relation.household",
            Relation::Agent => "relation.agent",
            Relation::Company => "relation.company",
        }
    }
}

impl FromStr for Relation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Relation::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                format!("unknown relation `{s}`: owner, tenant, household, agent or company")
            })
    }
}

/// The kind of identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdDocType {
    IdCard,
    Passport,
    HkMacauPermit,
    BusinessLicence,
    Other,
}

impl IdDocType {
    pub const ALL: [IdDocType; 5] = [
        IdDocType::IdCard,
        IdDocType::Passport,
        IdDocType::HkMacauPermit,
        IdDocType::BusinessLicence,
        IdDocType::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IdDocType::IdCard => "id_card",
            IdDocType::Passport => "passport",
            IdDocType::HkMacauPermit => "hk_macau_permit",
            IdDocType::BusinessLicence => "business_licence",
            IdDocType::Other => "other",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            IdDocType::IdCard => "id_doc.id_card",
            IdDocType::Passport => "id_doc.passport",
            IdDocType::HkMacauPermit => "id_doc.hk_macau_permit",
            IdDocType::BusinessLicence => "id_doc.business_licence",
            IdDocType::Other => "id_doc.other",
        }
    }
}

impl FromStr for IdDocType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdDocType::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| format!("unknown ID document type `{s}`"))
    }
}

/// Whether a resident owes fees: the desk checks this for release passes and complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStanding {
    Good,
    Arrears,
}

impl PaymentStanding {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStanding::Good => "good",
            PaymentStanding::Arrears => "arrears",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            PaymentStanding::Good => "standing.good",
            PaymentStanding::Arrears => "standing.arrears",
        }
    }
}

impl FromStr for PaymentStanding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "good" => Ok(PaymentStanding::Good),
            "arrears" => Ok(PaymentStanding::Arrears),
            _ => Err(format!("unknown payment standing `{s}`: good or arrears")),
        }
    }
}

/// Keeps the first and last characters of an ID number and hides the rest, so the desk
/// can compare a shown document without the number being readable on screen.
pub fn mask_id_number(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 4))
}

/// A resident as staff see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resident {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub id_doc_type: IdDocType,
    /// Masked unless the viewer's role may see full numbers.
    pub id_doc_number: String,
    pub payment_standing: PaymentStanding,
    pub move_in_date: Option<String>,
    pub units: Vec<ResidentUnit>,
}

/// One unit a resident is linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidentUnit {
    pub unit_id: String,
    pub label: String,
    pub relation: Relation,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask_id_number("110101199001011234"), "11**************34");
        assert_eq!(mask_id_number("E123"), "****");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn relation_words() {
        for r in Relation::ALL {
            assert_eq!(r.as_str().parse::<Relation>(), Ok(r));
        }
        assert!("cousin".parse::<Relation>().is_err());
    }
}
