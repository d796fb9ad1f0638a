//! `gongkai db copy`: move an installation from SQLite to PostgreSQL.
//!
//! Tables are copied in dependency order inside one PostgreSQL transaction,
//! column by column as the target's schema types them; identity sequences
//! are moved past the copied ids; the audit chain is verified on the target.

use crate::{on_pool, AuditVerdict, Pool, Result, Store, StoreError};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// Every table of the schema, parents before children; `true` when the table has an identity id.
/// A new migration adds its tables here (the contract test checks the list is complete).
pub(crate) const COPY_TABLES: &[(&str, bool)] = &[
    ("agencies", true),
    ("users", true),
    ("user_roles", false),
    ("sessions", false),
    ("api_tokens", true),
    ("login_failures", true),
    ("settings", false),
    ("calendar_years", false),
    ("applications", true),
    ("application_events", true),
    ("art20_statistics", false),
    ("appeal_cases", true),
    ("npc_proposals", false),
    ("info_officers", true),
    ("trainings", true),
    ("annual_reports", false),
    ("annual_report_versions", true),
    ("report_unlocks", true),
    ("imported_reports", true),
    ("letter_settings", false),
    ("letter_templates", false),
    ("letter_serials", false),
    ("letters", false),
    ("online_submissions", true),
    ("application_attachments", true),
    ("rate_limit_hits", true),
    ("catalog_categories", true),
    ("publication_settings", false),
    ("index_counters", false),
    ("publications", true),
    ("publication_channels", true),
    ("publication_attachments", true),
    ("publication_reviews", true),
    ("pii_overrides", true),
    ("outbox", true),
    ("audit_log", false),
    ("audit_head", false),
];

#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    pub tables: Vec<(String, u64)>,
    pub audit_entries: i64,
}

enum Value {
    Int(Option<i64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl Store {
    /// Names of the application tables in this store's schema (for the completeness check).
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let names: Vec<String> = match &self.pool {
            Pool::Sqlite(p) => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name")
                .fetch_all(p).await?,
            Pool::Postgres(p) => sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' ORDER BY table_name")
                .fetch_all(p).await?,
        };
        Ok(names)
    }

    /// Copies everything from this (SQLite) store into an empty PostgreSQL store.
    pub async fn copy_to(&self, target: &Store) -> Result<CopyReport> {
        let (Pool::Sqlite(src), Pool::Postgres(dst)) = (&self.pool, &target.pool) else {
            return Err(StoreError::Unsupported(
                "只支持从 SQLite 复制到 PostgreSQL".to_string(),
            ));
        };
        for t in ["agencies", "users", "audit_log"] {
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
                .fetch_one(dst)
                .await?;
            if n > 0 {
                return Err(StoreError::Conflict(format!(
                    "目标数据库不是空的（{t} 表已有 {n} 行）；请使用新建的空数据库"
                )));
            }
        }
        let source_verdict = self.verify_audit().await?;
        if let AuditVerdict::Broken { entry_id, reason } = source_verdict {
            return Err(StoreError::Conflict(format!(
                "源数据库的审计链已损坏（条目 #{entry_id}：{reason}），已停止复制"
            )));
        }
        let mut tx = dst.begin().await?;
        let mut report = CopyReport {
            tables: Vec::new(),
            audit_entries: 0,
        };
        for &(table, has_identity) in COPY_TABLES {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position")
                .bind(table)
                .fetch_all(&mut *tx)
                .await?;
            if columns.is_empty() {
                return Err(StoreError::Conflict(format!("目标数据库缺少表 {table}")));
            }
            let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
            let select = format!("SELECT {} FROM {table} ORDER BY 1", names.join(", "));
            let rows = sqlx::query(AssertSqlSafe(select)).fetch_all(src).await?;
            // The target's singleton head row is replaced by the source's.
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await?;
            let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
            let insert = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                placeholders.join(", ")
            );
            let mut copied = 0_u64;
            for row in &rows {
                let mut values = Vec::with_capacity(columns.len());
                for (i, (_, ty)) in columns.iter().enumerate() {
                    values.push(match ty.as_str() {
                        "bigint" | "integer" | "smallint" => Value::Int(row.try_get(i)?),
                        "boolean" => Value::Bool(row.try_get(i)?),
                        "bytea" => Value::Bytes(row.try_get(i)?),
                        _ => Value::Text(row.try_get(i)?),
                    });
                }
                let mut q = sqlx::query(AssertSqlSafe(insert.clone()));
                for v in values {
                    q = match v {
                        Value::Int(x) => q.bind(x),
                        Value::Bool(x) => q.bind(x),
                        Value::Text(x) => q.bind(x),
                        Value::Bytes(x) => q.bind(x),
                    };
                }
                q.execute(&mut *tx).await?;
                copied += 1;
            }
            if has_identity {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )))
                .execute(&mut *tx)
                .await?;
            }
            report.tables.push((table.to_string(), copied));
        }
        tx.commit().await?;
        match target.verify_audit().await? {
            AuditVerdict::Intact { entries } => report.audit_entries = entries,
            AuditVerdict::Broken { entry_id, reason } => {
                return Err(StoreError::Conflict(format!(
                    "复制后目标数据库的审计链校验失败（条目 #{entry_id}：{reason}）"
                )))
            }
        }
        Ok(report)
    }

    /// Row count of one table of the schema (for copy checks and tests).
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        if !COPY_TABLES.iter().any(|(t, _)| *t == table) {
            return Err(StoreError::Invalid(format!("未知的表：{table}")));
        }
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 =
            on_pool!(&self.pool, p => sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(p).await)?;
        Ok(n)
    }
}

/// Tables the copy knows, for the contract test that keeps the list complete.
pub fn copied_tables() -> Vec<&'static str> {
    COPY_TABLES.iter().map(|(t, _)| *t).collect()
}
