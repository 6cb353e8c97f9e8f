//! The estate CSV import: its columns and its report.

use serde::{Deserialize, Serialize};

/// The columns of the estate CSV, in order. One row is one unit, with the building it is
/// in (created on first mention) and optionally one resident of it.
pub const CSV_COLUMNS: [&str; 14] = [
    "building_code",
    "building_name",
    "building_floors",
    "unit_number",
    "floor",
    "area_m2",
    "unit_status",
    "resident_name",
    "phone",
    "relation",
    "id_doc_type",
    "id_doc_number",
    "payment_standing",
    "move_in_date",
];

/// The downloadable template: the header and two example rows.
pub fn csv_template() -> String {
    let mut s = CSV_COLUMNS.join(",");
    s.push('\n');
    s.push_str("A,Building A,18,101,1,89.5,occupied,Wang Fang,13800138000,owner,id_card,110101199001011234,good,2024-05-01\n");
    s.push_str("A,Building A,18,102,1,76.0,vacant,,,,,,,\n");
    s
}

/// One bad row, by its line number in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

/// What an import did, or would have done.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: u64,
    pub buildings_created: u64,
    pub units_created: u64,
    pub residents_created: u64,
    pub errors: Vec<RowError>,
    /// False when errors stopped the import and nothing was written.
    pub committed: bool,
}
