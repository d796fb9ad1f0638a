//! Backups. SQLite: a consistent online copy with `VACUUM INTO` while the
//! server keeps running. PostgreSQL: `pg_dump` (driven by the CLI).

use crate::{on_pool, AuditVerdict, Pool, Result, Store, StoreError, SQLITE_FILE_NAME};
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the SQLite database to `dest` (which must not exist).
    pub async fn backup_sqlite(&self, dest: &Path) -> Result<()> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(StoreError::Unsupported(
                "PostgreSQL 请使用 pg_dump 备份（见 README“备份与恢复”）".to_string(),
            ));
        };
        if dest.exists() {
            return Err(StoreError::Conflict(format!(
                "备份文件 {} 已存在，请换一个文件名",
                dest.display()
            )));
        }
        let dest_text = dest
            .to_str()
            .ok_or_else(|| StoreError::Invalid("备份文件路径必须是有效的 UTF-8".to_string()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest_text)
            .execute(p)
            .await?;
        Ok(())
    }

    /// Checks the whole database file (SQLite `integrity_check`; on PostgreSQL a ping).
    pub async fn integrity_check(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let r: String = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(p)
                    .await?;
                if r != "ok" {
                    return Err(StoreError::Conflict(format!("数据库文件损坏：{r}")));
                }
            }
            Pool::Postgres(_) => {
                on_pool!(&self.pool, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }
}

/// Restores a SQLite backup into `data_dir`: the backup is checked (integrity
/// and audit chain) on a copy first, then moved into place. The server must be stopped.
pub async fn restore_sqlite(backup: &Path, data_dir: &Path, force: bool) -> Result<i64> {
    if !backup.is_file() {
        return Err(StoreError::not_found(&format!(
            "备份文件 {}",
            backup.display()
        )));
    }
    std::fs::create_dir_all(data_dir)?;
    let live = data_dir.join(SQLITE_FILE_NAME);
    if live.exists() && !force {
        return Err(StoreError::Conflict(format!(
            "数据目录中已有数据库 {}；确认要覆盖时请加 --force（请先停止服务）",
            live.display()
        )));
    }
    let staging = data_dir.join(format!("{SQLITE_FILE_NAME}.restoring"));
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(backup, &staging)?;
    let entries = {
        let store = Store::open_sqlite(&staging).await?;
        store.integrity_check().await?;
        let verdict = store.verify_audit().await?;
        // Fold the WAL back into the file before it is moved.
        if let Pool::Sqlite(p) = &store.pool {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        store.close().await;
        match verdict {
            AuditVerdict::Intact { entries } => entries,
            AuditVerdict::Broken { entry_id, reason } => {
                let _ = std::fs::remove_file(&staging);
                return Err(StoreError::Conflict(format!(
                    "备份中的审计链已损坏（条目 #{entry_id}：{reason}），未恢复"
                )));
            }
        }
    };
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data_dir.join(format!("{SQLITE_FILE_NAME}{suffix}")));
        let _ =
            std::fs::remove_file(data_dir.join(format!("{SQLITE_FILE_NAME}.restoring{suffix}")));
    }
    std::fs::rename(&staging, &live)?;
    Ok(entries)
}
