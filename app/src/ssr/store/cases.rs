//! Cases beyond the sync feed: the queue and full-text search the supervisor's screens
//! read, the search index the push keeps, and each estate's service levels.

use super::bulk::{select_in, to_json, Arg, Col, Script};
use super::sync::params;
use super::{Backend, Store, StoreError};
use crate::domain::cases::{search, Case, CaseFilter, Policy};
use crate::domain::ops::StaffFact;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// The columns (and their source) of a staff member's fact, one row per estate; a query
/// appends `AND u.id …`.
pub(super) const STAFF_COLUMNS: &str =
    "u.id, u.display_name, u.role, u.department, ue.estate_id FROM users u \
     JOIN user_estates ue ON ue.user_id = u.id WHERE u.disabled = 0";

/// Adds one row of `STAFF_COLUMNS` (starting at column `at`) to the facts.
pub(super) fn add_staff_row(
    out: &mut HashMap<String, StaffFact>,
    r: &sqlx::any::AnyRow,
    at: usize,
) -> Result<(), StoreError> {
    let id: String = r.try_get(at)?;
    let estate: String = r.try_get(at + 4)?;
    if let Some(s) = out.get_mut(&id) {
        s.estate_ids.push(estate);
        return Ok(());
    }
    let role: String = r.try_get(at + 2)?;
    let Ok(role) = role.parse() else {
        return Ok(());
    };
    out.insert(
        id.clone(),
        StaffFact {
            id,
            name: r.try_get(at + 1)?,
            role,
            department: r
                .try_get::<Option<String>, _>(at + 3)?
                .and_then(|d| d.parse().ok()),
            estate_ids: vec![estate],
        },
    );
    Ok(())
}

/// Staff members with their estates; disabled accounts are left out.
pub(super) async fn staff_facts(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<HashMap<String, StaffFact>, StoreError> {
    let mut out: HashMap<String, StaffFact> = HashMap::new();
    for r in select_in(conn, &format!("SELECT {STAFF_COLUMNS} AND u.id"), ids).await? {
        add_staff_row(&mut out, &r, 0)?;
    }
    Ok(out)
}

/// The service levels the estates set; estates absent use the defaults.
pub(super) async fn policies(
    conn: &mut AnyConnection,
    estates: &[String],
) -> Result<HashMap<String, Policy>, StoreError> {
    let mut keys = estates.to_vec();
    keys.sort();
    keys.dedup();
    let mut out = HashMap::new();
    for r in select_in(
        conn,
        "SELECT estate_id, doc FROM case_policies WHERE estate_id",
        &keys,
    )
    .await?
    {
        let doc: String = r.try_get(1)?;
        let p: Policy =
            serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        out.insert(r.try_get::<String, _>(0)?, p);
    }
    Ok(out)
}

/// Adds to `script` the query rows of these cases (in the push's transaction): the
/// `cases` row the queue and filters read, and the search text (FTS5 on SQLite, the
/// `search_doc` column and its generated `tsvector` on PostgreSQL). One statement per kind
/// of row for the whole batch.
pub(super) fn write_cases(script: &mut Script, cases: &[&Case]) -> Result<(), StoreError> {
    if cases.is_empty() {
        return Ok(());
    }
    let postgres = script.postgres();
    let mut cols = vec![
        ("id", Col::Text),
        ("estate_id", Col::Text),
        ("unit_id", Col::Text),
        ("kind", Col::Text),
        ("status", Col::Text),
        ("title", Col::Text),
        ("created_by", Col::Text),
        ("created_at", Col::Int),
        ("updated_at", Col::Int),
        ("priority", Col::Text),
        ("department", Col::Text),
        ("assignee_id", Col::Text),
        ("building_id", Col::Text),
        ("escalated", Col::Int),
        ("deadline", Col::Int),
    ];
    let mut update = "status = excluded.status, title = excluded.title, \
         updated_at = excluded.updated_at, priority = excluded.priority, \
         department = excluded.department, assignee_id = excluded.assignee_id, \
         escalated = excluded.escalated, deadline = excluded.deadline"
        .to_string();
    if postgres {
        cols.push(("search_doc", Col::Text));
        update.push_str(", search_doc = excluded.search_doc");
    }
    // The search text is a column on PostgreSQL only; SQLite's statement has no 16th
    // column and never reads it.
    let rows: Vec<_> = cases
        .iter()
        .map(|case| {
            (
                case.id.as_str(),
                case.estate_id.as_str(),
                case.unit_id.as_deref(),
                case.kind.as_str(),
                case.status.as_str(),
                case.title.as_str(),
                case.created_by.as_str(),
                case.created_at,
                case.updated_at,
                case.priority.as_str(),
                case.department.map(|d| d.as_str()),
                case.assignee.as_ref().map(|a| a.id.as_str()),
                case.building_id.as_deref(),
                i64::from(case.escalated),
                case.deadline(),
                postgres.then(|| search::document(case)),
            )
        })
        .collect();
    script.insert(
        "cases",
        &cols,
        &format!("ON CONFLICT (id) DO UPDATE SET {update}"),
        rows,
    )?;
    if postgres {
        return Ok(());
    }
    // The FTS row shares the case row's rowid, which an upsert keeps; the old row goes
    // first (an FTS5 table has no upsert).
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    script.add(
        format!(
            "DELETE FROM cases_fts WHERE rowid IN (SELECT rowid FROM cases WHERE id IN {})",
            script.keys(0)
        ),
        vec![Arg::Text(to_json(&ids)?)],
    );
    let docs: Vec<(&str, String)> = cases
        .iter()
        .map(|c| (c.id.as_str(), search::document(c)))
        .collect();
    script.add(
        "INSERT INTO cases_fts (rowid, body) \
         SELECT c.rowid, r.value ->> 1 FROM jsonb_each(#0) AS r \
         JOIN cases c ON c.id = r.value ->> 0",
        vec![Arg::Text(to_json(&docs)?)],
    );
    Ok(())
}

impl Store {
    /// The queue of the estates: filtered, most urgent first (escalated, then the
    /// earliest open deadline, then the oldest), at most `filter.limit()` cases.
    pub async fn case_queue(
        &self,
        estates: &[String],
        filter: &CaseFilter,
        now: i64,
    ) -> Result<Vec<Case>, StoreError> {
        if estates.is_empty() {
            return Ok(Vec::new());
        }
        let mut binds: Vec<String> = estates.to_vec();
        // The page of ids is chosen on `cases` alone, in the order of the `cases_queue`
        // index, and only its 50-odd documents are read from `records`: joining first read
        // every matching document before sorting (tens of thousands on a common word).
        let mut sql = format!(
            "SELECT c.id, c.escalated, c.deadline, c.created_at FROM cases c \
             WHERE c.estate_id IN ({})",
            params(1, estates.len())
        );
        let mut push = |sql: &mut String, clause: &str, v: String| {
            binds.push(v);
            sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
        };
        if let Some(k) = filter.kind {
            push(&mut sql, " AND c.kind = ?", k.as_str().into());
        }
        if let Some(s) = filter.status {
            push(&mut sql, " AND c.status = ?", s.as_str().into());
        }
        if let Some(d) = filter.department {
            push(&mut sql, " AND c.department = ?", d.as_str().into());
        }
        if let Some(b) = &filter.building_id {
            push(&mut sql, " AND c.building_id = ?", b.clone());
        }
        if let Some(a) = &filter.assignee_id {
            push(&mut sql, " AND c.assignee_id = ?", a.clone());
        }
        if filter.open_only {
            sql.push_str(" AND c.status NOT IN ('closed', 'cancelled')");
        }
        let terms = search::query_terms(&filter.q);
        if !terms.is_empty() {
            match self.backend {
                // `+c.rowid`: the matches filter a walk of the queue index in order
                // (stopping after a page) instead of driving rowid lookups of every match
                // and a sort; at 200,000 cases a common word went from ~110 ms to ~9 ms,
                // and a word found nowhere costs one walk of the index (~20 ms).
                Backend::Sqlite => push(
                    &mut sql,
                    " AND +c.rowid IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)",
                    search::fts5_query(&terms),
                ),
                Backend::Postgres => push(
                    &mut sql,
                    " AND c.search_tsv @@ to_tsquery('simple', ?)",
                    search::tsquery(&terms),
                ),
            }
        }
        let mut q_now = None;
        if filter.overdue {
            q_now = Some(binds.len() + 1);
            sql.push_str(&format!(" AND c.deadline < ${}", binds.len() + 1));
        }
        // `c` is `cases` inside and the page outside, so one ORDER BY reads for both.
        const ORDER: &str = "c.escalated DESC, c.deadline ASC, c.created_at ASC, c.id ASC";
        let sql = format!(
            "SELECT r.doc FROM ({sql} ORDER BY {ORDER} LIMIT {limit}) c \
             JOIN records r ON r.entity = 'case' AND r.entity_id = c.id ORDER BY {ORDER}",
            limit = filter.limit()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        if q_now.is_some() {
            q = q.bind(now);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let doc: String = r.try_get(0)?;
                serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// The estate's service levels (the defaults until it sets its own).
    pub async fn case_policy(&self, estate_id: &str) -> Result<Policy, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(policies(&mut conn, &[estate_id.to_string()])
            .await?
            .remove(estate_id)
            .unwrap_or_default())
    }

    /// Sets the estate's service levels (validated by the caller). Applies to cases opened
    /// or re-prioritised from now on; due times already given stand.
    pub async fn set_case_policy(
        &self,
        estate_id: &str,
        policy: &Policy,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let doc = serde_json::to_string(policy).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO case_policies (estate_id, doc, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (estate_id) DO UPDATE SET doc = excluded.doc, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(estate_id)
        .bind(doc)
        .bind(by)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The directory for devices: units (all of the estates for staff, `own_units` for a
    /// resident), buildings and staff (staff only), and the estates' service levels.
    pub async fn case_directory(
        &self,
        estates: &[String],
        own_units: Option<&[String]>,
    ) -> Result<crate::domain::cases::Directory, StoreError> {
        use crate::domain::cases::directory::{BuildingEntry, Directory, UnitEntry};
        let mut conn = self.pool.acquire().await?;
        let unit_rows = match own_units {
            Some(ids) => select_in(
                &mut conn,
                "SELECT u.id, b.code || '-' || u.number, u.estate_id, u.building_id FROM units u \
                     JOIN buildings b ON b.id = u.building_id WHERE u.id",
                ids,
            )
            .await?,
            None => select_in(
                &mut conn,
                "SELECT u.id, b.code || '-' || u.number, u.estate_id, u.building_id FROM units u \
                     JOIN buildings b ON b.id = u.building_id WHERE u.estate_id",
                estates,
            )
            .await?,
        };
        let mut units = unit_rows
            .iter()
            .map(|r| {
                Ok(UnitEntry {
                    id: r.try_get(0)?,
                    label: r.try_get(1)?,
                    estate_id: r.try_get(2)?,
                    building_id: r.try_get(3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        units.sort_by(|a, b| a.label.cmp(&b.label));
        let mut dir = Directory {
            units,
            policies: policies(&mut conn, estates).await?.into_iter().collect(),
            ..Directory::default()
        };
        if own_units.is_none() {
            for r in select_in(
                &mut conn,
                "SELECT id, code, name, estate_id FROM buildings WHERE estate_id",
                estates,
            )
            .await?
            {
                dir.buildings.push(BuildingEntry {
                    id: r.try_get(0)?,
                    code: r.try_get(1)?,
                    name: r.try_get(2)?,
                    estate_id: r.try_get(3)?,
                });
            }
            dir.buildings.sort_by(|a, b| a.code.cmp(&b.code));
            let ids: Vec<String> = select_in(
                &mut conn,
                "SELECT DISTINCT ue.user_id FROM user_estates ue JOIN users u ON u.id = ue.user_id \
                 WHERE u.role <> 'resident' AND u.disabled = 0 AND ue.estate_id",
                estates,
            )
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
            let mut staff: Vec<StaffFact> =
                staff_facts(&mut conn, &ids).await?.into_values().collect();
            staff.sort_by(|a, b| a.name.cmp(&b.name));
            dir.staff = staff;
        }
        Ok(dir)
    }

    /// The payment standing of the residents of a unit, for the desk judging a complaint.
    pub async fn unit_standing(
        &self,
        unit_id: &str,
    ) -> Result<Vec<(String, String, crate::domain::resident::PaymentStanding)>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.name, ru.relation, r.payment_standing FROM resident_units ru \
             JOIN residents r ON r.id = ru.resident_id WHERE ru.unit_id = $1 ORDER BY r.name",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let standing: String = r.try_get(2)?;
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    standing.parse().map_err(StoreError::Corrupt)?,
                ))
            })
            .collect()
    }
}
