//! Calendar years imported at run time (`gongkai calendar import`); they
//! add to or correct the years compiled into gongkai-calendar.

use crate::audit::{append, AuditRecord};
use crate::{on_pool, on_tx, Result, Store, StoreError};
use gongkai_calendar::Calendar;
use gongkai_domain::ConsoleOperator;

impl Store {
    /// Stores one year's source text (TOML in the shape of cn-workdays.toml), replacing any earlier import.
    pub async fn import_calendar_year(
        &self,
        op: &ConsoleOperator,
        year: i32,
        source: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT source FROM calendar_years WHERE year = $1")
            .bind(i64::from(year)).fetch_optional(c).await)?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO calendar_years (year, source, imported_at) VALUES ($1, $2, $3)
             ON CONFLICT (year) DO UPDATE SET source = excluded.source, imported_at = excluded.imported_at")
            .bind(i64::from(year)).bind(source).bind(crate::now_text()).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: op.actor(),
                agency_id: None,
                action: "calendar.import",
                object_kind: "calendar_year",
                object_id: year.to_string(),
                summary: serde_json::json!({"replaced": before.is_some()}),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Imported years and their source text, in import order (a later import overrides).
    pub async fn calendar_years(&self) -> Result<Vec<(i64, String)>> {
        let rows: Vec<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT year, source FROM calendar_years ORDER BY imported_at, year").fetch_all(p).await)?;
        Ok(rows)
    }

    /// The working-day calendar in force: the compiled-in years, then every
    /// imported year replayed in import order (a later import overrides).
    pub async fn calendar(&self) -> Result<Calendar> {
        let mut calendar = Calendar::builtin();
        for (year, source) in self.calendar_years().await? {
            calendar.import_toml(&source).map_err(|e| {
                StoreError::Conflict(format!("数据库中导入的 {year} 年日历无法解析：{e}"))
            })?;
        }
        Ok(calendar)
    }
}
