//! CSV import of buildings, units and residents, all or nothing unless bad rows are
//! skipped on purpose.

use super::store::{NewResidentRow, Store, StoreError};
use super::{new_id, now_ms};
use crate::domain::estate::{Building, UnitInput, UnitStatus};
use crate::domain::import::{ImportReport, RowError, CSV_COLUMNS};
use crate::domain::resident::{IdDocType, PaymentStanding, Relation};
use crate::domain::validate::{code, required_text, Phone};
use crate::domain::AppError;
use sqlx::AnyConnection;

/// The largest file accepted, so an upload cannot exhaust memory.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// One parsed row.
#[derive(Debug, Clone)]
struct Row {
    line: u64,
    building_code: String,
    building_name: String,
    building_floors: i64,
    unit: UnitInput,
    resident: Option<NewResidentRow>,
    relation: Relation,
}

fn field(rec: &csv::StringRecord, i: usize) -> &str {
    rec.get(i).unwrap_or("").trim()
}

fn parse_row(rec: &csv::StringRecord, line: u64, estate_id: &str) -> Result<Row, String> {
    let err = |e: AppError| e.to_string();
    let building_code = code("building_code", field(rec, 0)).map_err(err)?;
    let building_name = match field(rec, 1) {
        "" => building_code.clone(),
        n => required_text("building_name", n, 100).map_err(err)?,
    };
    let building_floors = match field(rec, 2) {
        "" => 1,
        f => f
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or("building_floors: a whole number from 1 to 200")?,
    };
    let number = code("unit_number", field(rec, 3)).map_err(err)?;
    let floor = field(rec, 4)
        .parse::<i64>()
        .ok()
        .filter(|n| (-10..=200).contains(n))
        .ok_or("floor: a whole number from -10 to 200")?;
    let area_m2 = field(rec, 5)
        .parse::<f64>()
        .ok()
        .filter(|a| a.is_finite() && *a > 0.0 && *a < 100_000.0)
        .ok_or("area_m2: a positive number of square metres")?;
    let status = match field(rec, 6) {
        "" => UnitStatus::Vacant,
        s => s.parse::<UnitStatus>()?,
    };
    let unit = UnitInput {
        building_id: String::new(),
        number,
        floor,
        area_m2,
        status,
    };
    let (resident, relation) = match field(rec, 7) {
        "" => (None, Relation::Owner),
        name => {
            let name = required_text("resident_name", name, 100).map_err(err)?;
            let phone = Phone::parse(field(rec, 8)).map_err(err)?;
            let relation = match field(rec, 9) {
                "" => Relation::Owner,
                r => r.parse::<Relation>()?,
            };
            let id_doc_type = match field(rec, 10) {
                "" => IdDocType::IdCard,
                t => t.parse::<IdDocType>()?,
            };
            let id_doc_number = field(rec, 11).to_string();
            if id_doc_number.chars().count() > 40 {
                return Err("id_doc_number: at most 40 characters".into());
            }
            let payment_standing = match field(rec, 12) {
                "" => PaymentStanding::Good,
                s => s.parse::<PaymentStanding>()?,
            };
            let move_in_date = match field(rec, 13) {
                "" => None,
                d => Some(
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| format!("move_in_date: `{d}` is not a date like 2024-05-01"))?
                        .to_string(),
                ),
            };
            let r = NewResidentRow {
                id: new_id(),
                estate_id: estate_id.to_string(),
                name,
                phone: phone.as_str().to_string(),
                id_doc_type,
                id_doc_number,
                payment_standing,
                move_in_date,
            };
            (Some(r), relation)
        }
    };
    Ok(Row {
        line,
        building_code,
        building_name,
        building_floors,
        unit,
        resident,
        relation,
    })
}

/// Inserts one row's building (if new), unit and resident; counts what it created.
async fn insert_row(
    conn: &mut AnyConnection,
    estate_id: &str,
    row: &mut Row,
    report: &mut ImportReport,
    now: i64,
) -> Result<(), StoreError> {
    let building_id = match Store::building_by_code(conn, estate_id, &row.building_code).await? {
        Some(id) => id,
        None => {
            let b = Building {
                id: new_id(),
                estate_id: estate_id.to_string(),
                code: row.building_code.clone(),
                name: row.building_name.clone(),
                floors: row.building_floors,
                unit_count: 0,
            };
            Store::insert_building(conn, &b, now).await?;
            report.buildings_created += 1;
            b.id
        }
    };
    row.unit.building_id = building_id;
    let unit_id = new_id();
    Store::insert_unit(conn, &unit_id, estate_id, &row.unit, now).await?;
    report.units_created += 1;
    if let Some(r) = &row.resident {
        Store::insert_resident(conn, r, now).await?;
        Store::link_resident_unit(conn, &r.id, &unit_id, row.relation).await?;
        report.residents_created += 1;
    }
    Ok(())
}

/// Imports a CSV into an estate. With errors and `skip_bad_rows` false nothing is written;
/// with `skip_bad_rows` the good rows are written and every bad one is reported.
pub async fn import_csv(
    store: &Store,
    estate_id: &str,
    data: &[u8],
    skip_bad_rows: bool,
    actor_id: Option<&str>,
) -> Result<ImportReport, AppError> {
    if data.len() > MAX_IMPORT_BYTES {
        return Err(AppError::invalid(
            "file",
            format!("larger than {} MiB", MAX_IMPORT_BYTES >> 20),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let headers = reader
        .headers()
        .map_err(|e| AppError::invalid("file", format!("not a CSV file: {e}")))?
        .clone();
    let got: Vec<&str> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .collect();
    if got != CSV_COLUMNS {
        return Err(AppError::invalid(
            "file",
            format!("line 1: the header must be: {}", CSV_COLUMNS.join(",")),
        ));
    }
    let mut report = ImportReport::default();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        report.rows += 1;
        match rec {
            Ok(rec) => match parse_row(&rec, line, estate_id) {
                Ok(row) => rows.push(row),
                Err(message) => report.errors.push(RowError { line, message }),
            },
            Err(e) => report.errors.push(RowError {
                line,
                message: format!("unreadable row: {e}"),
            }),
        }
    }
    let now = now_ms();
    let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
    for row in &mut rows {
        // A savepoint per row: on PostgreSQL a failed statement aborts the whole
        // transaction otherwise, and a bad row must not take the good ones with it.
        let mut sp = sqlx::Acquire::begin(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        match insert_row(&mut sp, estate_id, row, &mut report, now).await {
            Ok(()) => sp.commit().await.map_err(StoreError::from)?,
            Err(StoreError::Duplicate(what)) => {
                sp.rollback().await.map_err(StoreError::from)?;
                report.errors.push(RowError {
                    line: row.line,
                    message: format!("{what} already exists"),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    report.errors.sort_by_key(|e| e.line);
    if !report.errors.is_empty() && !skip_bad_rows {
        tx.rollback().await.map_err(StoreError::from)?;
        report.buildings_created = 0;
        report.units_created = 0;
        report.residents_created = 0;
        return Ok(report);
    }
    let detail = format!(
        "{} rows, {} units, {} residents, {} skipped",
        report.rows,
        report.units_created,
        report.residents_created,
        report.errors.len()
    );
    Store::audit_in(
        &mut tx,
        actor_id,
        "import_csv",
        "estate",
        estate_id,
        &detail,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    report.committed = true;
    Ok(report)
}
