//! Accounts: staff and residents who sign in.

use super::{Store, StoreError};
use crate::domain::user::{Account, CurrentUser};
use crate::domain::{Department, Role};
use sqlx::AnyConnection;

/// A new account row; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub department: Option<Department>,
    pub resident_id: Option<String>,
    pub estate_ids: Vec<String>,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub id: String,
    pub password_hash: String,
    pub disabled: bool,
}

/// An account with one of its estates (none for residents), as `person` reads it.
type PersonRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

type AccountRow = (String, String, String, String, Option<String>, i64, i64);

fn account_from_row(r: AccountRow) -> Option<Account> {
    Some(Account {
        id: r.0,
        username: r.1,
        display_name: r.2,
        role: r.3.parse().ok()?,
        department: r.4.and_then(|d| d.parse().ok()),
        disabled: r.5 != 0,
        active_sessions: r.6,
    })
}

impl Store {
    /// Inserts an account and its estates; a taken username is `Duplicate`.
    #[tracing::instrument(skip_all)]
    pub async fn insert_user(
        conn: &mut AnyConnection,
        u: &NewUserRow,
        now: i64,
    ) -> Result<(), StoreError> {
        let res = sqlx::query(
            "INSERT INTO users (id, username, display_name, password_hash, role, department, \
             resident_id, disabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)",
        )
        .bind(&u.id)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(u.role.as_str())
        .bind(u.department.map(|d| d.as_str()))
        .bind(&u.resident_id)
        .bind(now)
        .execute(&mut *conn)
        .await;
        match res {
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Duplicate(format!("username `{}`", u.username)))
            }
            other => other?,
        };
        for estate in &u.estate_ids {
            sqlx::query("INSERT INTO user_estates (user_id, estate_id) VALUES ($1, $2)")
                .bind(&u.id)
                .bind(estate)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Creates an account outside any other transaction.
    pub async fn create_user(&self, u: &NewUserRow) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Self::insert_user(&mut tx, u, super::super::now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account behind a username, for sign-in.
    #[tracing::instrument(skip_all)]
    pub async fn login_record(&self, username: &str) -> Result<Option<LoginRecord>, StoreError> {
        let row: Option<(String, String, i64)> =
            sqlx::query_as("SELECT id, password_hash, disabled FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id, password_hash, disabled)| LoginRecord {
            id,
            password_hash,
            disabled: disabled != 0,
        }))
    }

    /// The password hash of an account, for a password change.
    #[tracing::instrument(skip_all)]
    pub async fn password_hash(&self, user_id: &str) -> Result<String, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound("account"))
    }

    /// Loads the signed-in person with their estates and units; `None` if the account is
    /// gone or disabled.
    #[tracing::instrument(skip_all)]
    pub async fn current_user(&self, user_id: &str) -> Result<Option<CurrentUser>, StoreError> {
        let rows: Vec<PersonRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role, u.department, u.resident_id, \
             ue.estate_id FROM users u LEFT JOIN user_estates ue ON ue.user_id = u.id \
             WHERE u.id = $1 AND u.disabled = 0 ORDER BY ue.estate_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        self.person(rows).await
    }

    /// The person of an account's rows (one per staff estate): their estates are those
    /// rows' for staff, and come from the units they live in for residents.
    async fn person(&self, rows: Vec<PersonRow>) -> Result<Option<CurrentUser>, StoreError> {
        let Some((id, username, display_name, role, department, resident_id, _)) =
            rows.first().cloned()
        else {
            return Ok(None);
        };
        let Ok(role) = role.parse::<Role>() else {
            tracing::error!(user_id = id, role, "account with an unknown role");
            return Ok(None);
        };
        let (estate_ids, unit_ids) = match &resident_id {
            Some(rid) => self.resident_units(rid).await?,
            None => (rows.into_iter().filter_map(|r| r.6).collect(), Vec::new()),
        };
        Ok(Some(CurrentUser {
            id,
            username,
            display_name,
            role,
            department: department.and_then(|d| d.parse().ok()),
            estate_ids,
            unit_ids,
        }))
    }

    /// A resident's estates and units, from the units they live in.
    async fn resident_units(
        &self,
        resident_id: &str,
    ) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.id, u.estate_id FROM resident_units ru \
             JOIN units u ON u.id = ru.unit_id WHERE ru.resident_id = $1 ORDER BY u.id",
        )
        .bind(resident_id)
        .fetch_all(&self.pool)
        .await?;
        let mut estates: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        estates.sort();
        estates.dedup();
        Ok((estates, rows.into_iter().map(|r| r.0).collect()))
    }

    /// The person a live session belongs to, with their estates and units; `None` if the
    /// session is unknown, expired or revoked, or the account is disabled or gone. Every
    /// API request pays for this, so staff take one query (session, account and estates
    /// joined) and residents two.
    #[tracing::instrument(skip_all)]
    pub async fn session_caller(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<CurrentUser>, StoreError> {
        let rows: Vec<PersonRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role, u.department, u.resident_id, \
             ue.estate_id FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN user_estates ue ON ue.user_id = u.id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
             AND u.disabled = 0 ORDER BY ue.estate_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        self.person(rows).await
    }

    /// The accounts of the given estates (staff who work there, residents of its units),
    /// staff first, with their live session counts.
    #[tracing::instrument(skip_all)]
    pub async fn list_accounts(
        &self,
        estate_ids: &[String],
        now: i64,
    ) -> Result<Vec<Account>, StoreError> {
        if estate_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = super::estate::placeholders(2, estate_ids.len());
        let sql = format!(
            "SELECT u.id, u.username, u.display_name, u.role, u.department, u.disabled, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id \
              AND s.revoked_at IS NULL AND s.expires_at > $1) \
             FROM users u WHERE EXISTS (SELECT 1 FROM user_estates ue \
                 WHERE ue.user_id = u.id AND ue.estate_id IN ({list})) \
             OR EXISTS (SELECT 1 FROM resident_units ru JOIN units un ON un.id = ru.unit_id \
                 WHERE ru.resident_id = u.resident_id AND un.estate_id IN ({list})) \
             ORDER BY CASE WHEN u.role = 'resident' THEN 1 ELSE 0 END, u.username"
        );
        let mut q = sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(sql)).bind(now);
        for e in estate_ids {
            q = q.bind(e);
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().filter_map(account_from_row).collect())
    }

    /// An account's role and the estates it belongs to (staff: where they work; residents:
    /// where their units are), for checking who may administer it.
    #[tracing::instrument(skip_all)]
    pub async fn account_scope(&self, user_id: &str) -> Result<(Role, Vec<String>), StoreError> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT role, resident_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        let (role, resident_id) = row.ok_or(StoreError::NotFound("account"))?;
        let role: Role = role.parse().map_err(|_| StoreError::NotFound("account"))?;
        let estates: Vec<(String,)> = match resident_id {
            Some(rid) => sqlx::query_as(
                "SELECT DISTINCT un.estate_id FROM resident_units ru JOIN units un ON un.id = ru.unit_id \
                 WHERE ru.resident_id = $1",
            )
            .bind(rid)
            .fetch_all(&self.pool)
            .await?,
            None => sqlx::query_as("SELECT estate_id FROM user_estates WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?,
        };
        Ok((role, estates.into_iter().map(|e| e.0).collect()))
    }

    /// Disables or enables an account; disabling also ends its sessions.
    #[tracing::instrument(skip_all)]
    pub async fn set_disabled(
        &self,
        user_id: &str,
        disabled: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("account"));
        }
        if disabled {
            Self::revoke_user_sessions_in(&mut tx, user_id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes a staff account's role and department; resident accounts keep theirs.
    #[tracing::instrument(skip_all)]
    pub async fn set_staff_role(
        &self,
        user_id: &str,
        role: Role,
        department: Department,
        now: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE users SET role = $1, department = $2, updated_at = $3 \
             WHERE id = $4 AND role <> 'resident'",
        )
        .bind(role.as_str())
        .bind(department.as_str())
        .bind(now)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("staff account"));
        }
        Ok(())
    }

    /// Replaces an account's password hash and ends its other sessions.
    #[tracing::instrument(skip_all)]
    pub async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        keep_session: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done =
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("account"));
        }
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL \
             AND token_hash <> $3",
        )
        .bind(now)
        .bind(user_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many accounts exist: an empty database gets no demo accounts by surprise.
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
