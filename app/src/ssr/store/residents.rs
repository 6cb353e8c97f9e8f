//! Residents and their units.

use super::estate::placeholders;
use super::{Store, StoreError};
use crate::domain::resident::{IdDocType, PaymentStanding, Relation, Resident, ResidentUnit};
use sqlx::AnyConnection;

/// A resident row to insert.
#[derive(Debug, Clone)]
pub struct NewResidentRow {
    pub id: String,
    pub estate_id: String,
    pub name: String,
    pub phone: String,
    pub id_doc_type: IdDocType,
    pub id_doc_number: String,
    pub payment_standing: PaymentStanding,
    pub move_in_date: Option<String>,
}

type ResidentInEstateRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);
type ResidentRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn insert_resident(
        conn: &mut AnyConnection,
        r: &NewResidentRow,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO residents (id, estate_id, name, phone, id_doc_type, id_doc_number, \
             payment_standing, move_in_date, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&r.id)
        .bind(&r.estate_id)
        .bind(&r.name)
        .bind(&r.phone)
        .bind(r.id_doc_type.as_str())
        .bind(&r.id_doc_number)
        .bind(r.payment_standing.as_str())
        .bind(&r.move_in_date)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Links a resident to a unit; linking twice is a `Duplicate`.
    #[tracing::instrument(skip_all)]
    pub async fn link_resident_unit(
        conn: &mut AnyConnection,
        resident_id: &str,
        unit_id: &str,
        relation: Relation,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO resident_units (resident_id, unit_id, relation) VALUES ($1, $2, $3)",
        )
        .bind(resident_id)
        .bind(unit_id)
        .bind(relation.as_str())
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if StoreError::is_unique_violation(&e) {
                StoreError::Duplicate("this resident's link to the unit".into())
            } else {
                StoreError::Db(e)
            }
        })?;
        Ok(())
    }

    /// Residents of an estate matching a name, phone or unit, with full ID numbers:
    /// the caller masks them for roles that may not see them.
    #[tracing::instrument(skip_all)]
    pub async fn list_residents(
        &self,
        estate_id: &str,
        query: &str,
        limit: i64,
    ) -> Result<Vec<Resident>, StoreError> {
        let pattern = format!("%{}%", query.trim().to_lowercase());
        let rows: Vec<ResidentRow> = sqlx::query_as(
            "SELECT r.id, r.name, r.phone, r.id_doc_type, r.id_doc_number, r.payment_standing, \
             r.move_in_date FROM residents r WHERE r.estate_id = $1 \
             AND (LOWER(r.name) LIKE $2 OR r.phone LIKE $2 OR EXISTS ( \
                 SELECT 1 FROM resident_units ru JOIN units u ON u.id = ru.unit_id \
                 JOIN buildings b ON b.id = u.building_id \
                 WHERE ru.resident_id = r.id AND LOWER(b.code || '-' || u.number) LIKE $2)) \
             ORDER BY r.name LIMIT $3",
        )
        .bind(estate_id)
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        self.with_units(rows).await
    }

    /// One resident by id, with the estate they belong to.
    #[tracing::instrument(skip_all)]
    pub async fn resident(&self, id: &str) -> Result<(String, Resident), StoreError> {
        let row: Option<ResidentInEstateRow> = sqlx::query_as(
            "SELECT estate_id, id, name, phone, id_doc_type, id_doc_number, payment_standing, \
                 move_in_date FROM residents WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let (estate, id, name, phone, t, n, s, m) = row.ok_or(StoreError::NotFound("resident"))?;
        let mut list = self.with_units(vec![(id, name, phone, t, n, s, m)]).await?;
        let r = list.pop().ok_or(StoreError::NotFound("resident"))?;
        Ok((estate, r))
    }

    /// Updates a resident's contact and payment standing.
    #[tracing::instrument(skip_all)]
    pub async fn update_resident_contact(
        &self,
        id: &str,
        phone: &str,
        standing: PaymentStanding,
        now: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE residents SET phone = $1, payment_standing = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(phone)
        .bind(standing.as_str())
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("resident"));
        }
        Ok(())
    }

    async fn with_units(&self, rows: Vec<ResidentRow>) -> Result<Vec<Resident>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT ru.resident_id, u.id, b.code, u.number, ru.relation FROM resident_units ru \
             JOIN units u ON u.id = ru.unit_id JOIN buildings b ON b.id = u.building_id \
             WHERE ru.resident_id IN ({}) ORDER BY b.code, u.number",
            placeholders(1, rows.len())
        );
        let mut q =
            sqlx::query_as::<_, (String, String, String, String, String)>(sqlx::AssertSqlSafe(sql));
        for r in &rows {
            q = q.bind(&r.0);
        }
        let links = q.fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, phone, t, n, s, move_in_date)| {
                let units = links
                    .iter()
                    .filter(|l| l.0 == id)
                    .map(|l| ResidentUnit {
                        unit_id: l.1.clone(),
                        label: format!("{}-{}", l.2, l.3),
                        relation: l.4.parse().unwrap_or(Relation::Household),
                    })
                    .collect();
                Resident {
                    id,
                    name,
                    phone,
                    id_doc_type: t.parse().unwrap_or(IdDocType::Other),
                    id_doc_number: n,
                    payment_standing: s.parse().unwrap_or(PaymentStanding::Good),
                    move_in_date,
                    units,
                }
            })
            .collect())
    }
}
