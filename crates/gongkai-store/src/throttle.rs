//! Login throttling counters, kept in the database so that every node of a
//! cluster sees the same count. Counters are not audited state; the audit
//! log records successful logins.

use crate::{on_pool, Result, Store};

impl Store {
    pub async fn record_login_failure(&self, key: &str) -> Result<()> {
        on_pool!(&self.pool, p => sqlx::query("INSERT INTO login_failures (throttle_key, failed_at) VALUES ($1, $2)")
            .bind(key).bind(crate::now_text()).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Failures for `key` within the last `window`.
    pub async fn recent_login_failures(&self, key: &str, window: time::Duration) -> Result<i64> {
        let since = crate::clock::to_text(crate::now() - window);
        let n: i64 = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND failed_at > $2")
            .bind(key).bind(since).fetch_one(p).await)?;
        Ok(n)
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1")
            .bind(key).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
