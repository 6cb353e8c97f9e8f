//! Estates, buildings, units and places.

use super::{Store, StoreError};
use crate::domain::estate::{Building, Estate, Place, PlaceKind, Unit, UnitInput, UnitStatus};
use sqlx::AnyConnection;

type PlaceRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
);
type UnitRow = (String, String, String, String, i64, f64, String);

/// Which units to list.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub estate_id: String,
    pub building_id: Option<String>,
    /// Matches the unit number or a resident's name.
    pub query: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// `$from, $from+1, …` placeholders for an `IN (…)` list of `n` values.
pub(super) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn map_unique(e: sqlx::Error, what: String) -> StoreError {
    if StoreError::is_unique_violation(&e) {
        StoreError::Duplicate(what)
    } else {
        StoreError::Db(e)
    }
}

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn insert_estate(
        conn: &mut AnyConnection,
        e: &Estate,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO estates (id, code, name, address, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&e.id)
        .bind(&e.code)
        .bind(&e.name)
        .bind(&e.address)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(|x| map_unique(x, format!("estate `{}`", e.code)))?;
        Ok(())
    }

    /// Adds an account to an estate's staff.
    pub async fn add_user_estate(
        conn: &mut AnyConnection,
        user_id: &str,
        estate_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_estates (user_id, estate_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(estate_id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Every estate, by name; callers filter by the caller's scope.
    #[tracing::instrument(skip_all)]
    pub async fn list_estates(&self) -> Result<Vec<Estate>, StoreError> {
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("SELECT id, code, name, address FROM estates ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name, address)| Estate {
                id,
                code,
                name,
                address,
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn insert_building(
        conn: &mut AnyConnection,
        b: &Building,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO buildings (id, estate_id, code, name, floors, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&b.id)
        .bind(&b.estate_id)
        .bind(&b.code)
        .bind(&b.name)
        .bind(b.floors)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(|x| map_unique(x, format!("building `{}`", b.code)))?;
        Ok(())
    }

    /// The buildings of an estate with their unit counts.
    #[tracing::instrument(skip_all)]
    pub async fn list_buildings(&self, estate_id: &str) -> Result<Vec<Building>, StoreError> {
        let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT b.id, b.estate_id, b.code, b.name, b.floors, \
             (SELECT COUNT(*) FROM units u WHERE u.building_id = b.id) \
             FROM buildings b WHERE b.estate_id = $1 ORDER BY b.code",
        )
        .bind(estate_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, estate_id, code, name, floors, unit_count)| Building {
                id,
                estate_id,
                code,
                name,
                floors,
                unit_count,
            })
            .collect())
    }

    /// Renames a building or corrects its number of floors.
    #[tracing::instrument(skip_all)]
    pub async fn update_building(
        &self,
        id: &str,
        name: &str,
        floors: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE buildings SET name = $1, floors = $2 WHERE id = $3")
            .bind(name)
            .bind(floors)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("building"));
        }
        Ok(())
    }

    /// The estate a place belongs to, for scope checks.
    #[tracing::instrument(skip_all)]
    pub async fn place_estate(&self, place_id: &str) -> Result<String, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT estate_id FROM places WHERE id = $1")
            .bind(place_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound("place"))
    }

    /// Renames a common area or facility or changes its category; its code stays, since
    /// printed labels carry it.
    #[tracing::instrument(skip_all)]
    pub async fn update_place(
        &self,
        id: &str,
        name: &str,
        category: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE places SET name = $1, category = $2 WHERE id = $3")
            .bind(name)
            .bind(category)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("place"));
        }
        Ok(())
    }

    /// The estate a building belongs to, for scope checks.
    #[tracing::instrument(skip_all)]
    pub async fn building_estate(&self, building_id: &str) -> Result<String, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT estate_id FROM buildings WHERE id = $1")
                .bind(building_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound("building"))
    }

    /// A building's id by its code within an estate (CSV import).
    pub async fn building_by_code(
        conn: &mut AnyConnection,
        estate_id: &str,
        code: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT id FROM buildings WHERE estate_id = $1 AND code = $2")
                .bind(estate_id)
                .bind(code)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Inserts a unit into a building of the estate.
    #[tracing::instrument(skip_all)]
    pub async fn insert_unit(
        conn: &mut AnyConnection,
        id: &str,
        estate_id: &str,
        u: &UnitInput,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO units (id, estate_id, building_id, number, floor, area_m2, status, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id)
        .bind(estate_id)
        .bind(&u.building_id)
        .bind(&u.number)
        .bind(u.floor)
        .bind(u.area_m2)
        .bind(u.status.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(|x| map_unique(x, format!("unit `{}`", u.number)))?;
        Ok(())
    }

    /// Changes a unit's number, floor, area and status.
    #[tracing::instrument(skip_all)]
    pub async fn update_unit(&self, id: &str, u: &UnitInput, now: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE units SET number = $1, floor = $2, area_m2 = $3, status = $4, updated_at = $5 \
             WHERE id = $6",
        )
        .bind(&u.number)
        .bind(u.floor)
        .bind(u.area_m2)
        .bind(u.status.as_str())
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(|x| map_unique(x, format!("unit `{}`", u.number)))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("unit"));
        }
        Ok(())
    }

    /// The estate a unit belongs to, for scope checks.
    #[tracing::instrument(skip_all)]
    pub async fn unit_estate(&self, unit_id: &str) -> Result<String, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT estate_id FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound("unit"))
    }

    /// A unit's id by building code and number (CSV import).
    pub async fn unit_by_label(
        conn: &mut AnyConnection,
        estate_id: &str,
        building_code: &str,
        number: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT u.id FROM units u JOIN buildings b ON b.id = u.building_id \
             WHERE u.estate_id = $1 AND b.code = $2 AND u.number = $3",
        )
        .bind(estate_id)
        .bind(building_code)
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Units matching a filter, by building and number, with their residents' names.
    #[tracing::instrument(skip_all)]
    pub async fn list_units(&self, f: &UnitFilter) -> Result<Vec<Unit>, StoreError> {
        let pattern = f
            .query
            .as_deref()
            .map(|q| format!("%{}%", q.trim().to_lowercase()))
            .unwrap_or_else(|| "%".into());
        let rows: Vec<UnitRow> = sqlx::query_as(
            "SELECT u.id, u.building_id, b.code, u.number, u.floor, u.area_m2, u.status \
             FROM units u JOIN buildings b ON b.id = u.building_id \
             WHERE u.estate_id = $1 AND ($2 = '' OR u.building_id = $2) \
             AND (LOWER(u.number) LIKE $3 OR LOWER(b.code || '-' || u.number) LIKE $3 \
                  OR EXISTS (SELECT 1 FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
                             WHERE ru.unit_id = u.id AND LOWER(r.name) LIKE $3)) \
             ORDER BY b.code, u.floor, u.number LIMIT $4 OFFSET $5",
        )
        .bind(&f.estate_id)
        .bind(f.building_id.as_deref().unwrap_or(""))
        .bind(&pattern)
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&self.pool)
        .await?;
        self.units_from_rows(rows).await
    }

    /// The units with these ids (a resident's own), by building and number.
    #[tracing::instrument(skip_all)]
    pub async fn units_by_ids(&self, ids: &[String]) -> Result<Vec<Unit>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT u.id, u.building_id, b.code, u.number, u.floor, u.area_m2, u.status \
             FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id IN ({}) \
             ORDER BY b.code, u.number",
            placeholders(1, ids.len())
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        self.units_from_rows(rows).await
    }

    async fn units_from_rows(&self, rows: Vec<UnitRow>) -> Result<Vec<Unit>, StoreError> {
        let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let names = self.resident_names_of_units(&ids).await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, building_id, building_code, number, floor, area_m2, status)| {
                    let residents = names
                        .iter()
                        .filter(|(u, _)| *u == id)
                        .map(|(_, n)| n.clone())
                        .collect();
                    Unit {
                        id,
                        building_id,
                        building_code,
                        number,
                        floor,
                        area_m2,
                        status: status.parse().unwrap_or(UnitStatus::Vacant),
                        residents,
                    }
                },
            )
            .collect())
    }

    async fn resident_names_of_units(
        &self,
        unit_ids: &[&str],
    ) -> Result<Vec<(String, String)>, StoreError> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT ru.unit_id, r.name FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
             WHERE ru.unit_id IN ({}) ORDER BY r.name",
            placeholders(1, unit_ids.len())
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in unit_ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn insert_place(
        conn: &mut AnyConnection,
        p: &Place,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO places (id, estate_id, building_id, kind, code, name, category, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&p.id)
        .bind(&p.estate_id)
        .bind(&p.building_id)
        .bind(match p.kind {
            PlaceKind::CommonArea => "common_area",
            PlaceKind::Facility => "facility",
        })
        .bind(&p.code)
        .bind(&p.name)
        .bind(&p.category)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(|x| map_unique(x, format!("code `{}`", p.code)))?;
        Ok(())
    }

    /// The common areas and facilities of an estate, by code.
    #[tracing::instrument(skip_all)]
    pub async fn list_places(&self, estate_id: &str) -> Result<Vec<Place>, StoreError> {
        let rows: Vec<PlaceRow> = sqlx::query_as(
            "SELECT id, estate_id, building_id, kind, code, name, category FROM places \
             WHERE estate_id = $1 ORDER BY kind, code",
        )
        .bind(estate_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, estate_id, building_id, kind, code, name, category)| Place {
                    id,
                    estate_id,
                    building_id,
                    kind: if kind == "facility" {
                        PlaceKind::Facility
                    } else {
                        PlaceKind::CommonArea
                    },
                    code,
                    name,
                    category,
                },
            )
            .collect())
    }
}
