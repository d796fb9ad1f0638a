//! Installation-wide settings (key → value).

use crate::audit::{append, AuditRecord};
use crate::{on_pool, on_tx, Result, Store};
use gongkai_domain::ConsoleOperator;

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let v: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key).fetch_optional(p).await)?;
        Ok(v)
    }

    pub async fn set_setting(&self, op: &ConsoleOperator, key: &str, value: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let before: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key).fetch_optional(c).await)?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key).bind(value).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: op.actor(),
                agency_id: None,
                action: "setting.set",
                object_kind: "setting",
                object_id: key.to_string(),
                summary: serde_json::json!({"before": before, "after": value}),
            },
        )
        .await?;
        tx.commit().await
    }
}
