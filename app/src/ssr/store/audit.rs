//! The audit trail: who changed what, kept forever.

use super::{Store, StoreError};
use sqlx::AnyConnection;

impl Store {
    /// Appends one entry to the audit trail inside the caller's transaction.
    #[tracing::instrument(skip_all)]
    pub async fn audit_in(
        conn: &mut AnyConnection,
        actor_id: Option<&str>,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor_id, action, entity, entity_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(super::super::new_id())
        .bind(super::super::now_ms())
        .bind(actor_id)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(detail)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Appends one entry to the audit trail.
    pub async fn audit(
        &self,
        actor_id: Option<&str>,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::audit_in(&mut conn, actor_id, action, entity, entity_id, detail).await
    }

    /// How many audit entries name an entity: for tests and the admin view.
    pub async fn audit_count(&self, entity: &str, entity_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND entity_id = $2")
                .bind(entity)
                .bind(entity_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }
}
