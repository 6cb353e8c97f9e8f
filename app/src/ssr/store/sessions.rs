//! Server-side sessions and sign-in throttling.

use super::{Store, StoreError};
use sqlx::AnyConnection;

impl Store {
    /// Stores a new session under the hash of its token.
    #[tracing::instrument(skip_all)]
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
        user_agent: &str,
        ip: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent, ip) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .bind(user_agent)
        .bind(ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends one session (sign-out).
    #[tracing::instrument(skip_all)]
    pub async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends every session of an account (an admin's revoke, a disabled account).
    pub async fn revoke_user_sessions(&self, user_id: &str, now: i64) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::revoke_user_sessions_in(&mut conn, user_id, now).await
    }

    pub(super) async fn revoke_user_sessions_in(
        conn: &mut AnyConnection,
        user_id: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected())
    }

    /// Records one failed sign-in under each throttle key.
    #[tracing::instrument(skip_all)]
    pub async fn record_login_failure(&self, keys: &[String], now: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (id, throttle_key, at) VALUES ($1, $2, $3)")
                .bind(super::super::new_id())
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Failed sign-ins under a key since a time, and the oldest of them.
    #[tracing::instrument(skip_all)]
    pub async fn login_failures_since(
        &self,
        key: &str,
        since: i64,
    ) -> Result<(i64, Option<i64>), StoreError> {
        let row: (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_failures WHERE throttle_key = $1 AND at > $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(row)
    }

    /// Forgets an account's failures after a good sign-in.
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
