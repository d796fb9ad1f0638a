//! The append-only, hash-chained audit log.
//!
//! Entry n stores `hash_n = SHA-256(hash_{n-1} ‖ "\n" ‖ canonical(entry_n))`,
//! where the canonical encoding is a JSON array of the entry's fields in a
//! fixed order. `audit_head` keeps the newest id and hash, so removing the
//! newest entries is noticed too. Appends take the head row's lock, which
//! serialises them; an append is always the last statement of its transaction.

use crate::{on_pool, on_tx, Result, Store, StoreError, Tx};
use gongkai_domain::{Actor, AgencyStaffView};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a state change records about itself.
#[derive(Debug, Clone)]
pub(crate) struct AuditRecord<'a> {
    pub actor: &'a Actor,
    pub agency_id: Option<i64>,
    pub action: &'static str,
    pub object_kind: &'static str,
    pub object_id: String,
    pub summary: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub agency_id: Option<i64>,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    fn canonical(&self) -> String {
        serde_json::json!([
            self.id,
            self.at,
            self.actor_user_id,
            self.actor_label,
            self.agency_id,
            self.action,
            self.object_kind,
            self.object_id,
            self.summary,
        ])
        .to_string()
    }

    fn expected_hash(&self, prev_hash: &str) -> String {
        chain_hash(prev_hash, &self.canonical())
    }
}

fn chain_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AuditVerdict {
    Intact { entries: i64 },
    Broken { entry_id: i64, reason: String },
}

pub(crate) async fn append(tx: &mut Tx, rec: AuditRecord<'_>) -> Result<i64> {
    let head_sql_sqlite = "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1";
    let head_sql_pg = "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1 FOR UPDATE";
    let (last_id, last_hash): (i64, String) = match tx {
        Tx::Sqlite(t, _) => sqlx::query_as(head_sql_sqlite).fetch_one(&mut **t).await?,
        Tx::Postgres(t, _) => sqlx::query_as(head_sql_pg).fetch_one(&mut **t).await?,
    };
    let mut entry = AuditEntry {
        id: last_id + 1,
        at: crate::now_text(),
        actor_user_id: rec.actor.user_id,
        actor_label: rec.actor.label.clone(),
        agency_id: rec.agency_id,
        action: rec.action.to_string(),
        object_kind: rec.object_kind.to_string(),
        object_id: rec.object_id,
        summary: rec.summary.to_string(),
        prev_hash: last_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash(&entry.prev_hash);
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (id, at, actor_user_id, actor_label, agency_id, action, object_kind, object_id, summary, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(entry.id)
        .bind(&entry.at)
        .bind(entry.actor_user_id)
        .bind(&entry.actor_label)
        .bind(entry.agency_id)
        .bind(&entry.action)
        .bind(&entry.object_kind)
        .bind(&entry.object_id)
        .bind(&entry.summary)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE singleton = 1")
        .bind(entry.id)
        .bind(&entry.hash)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(entry.id)
}

const PAGE: i64 = 1000;

impl Store {
    /// Walks the whole chain in id order and names the first entry that does not fit.
    pub async fn verify_audit(&self) -> Result<AuditVerdict> {
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut expected_id = 1_i64;
        loop {
            let page: Vec<AuditEntry> = on_pool!(&self.pool, p => sqlx::query_as(
                "SELECT id, at, actor_user_id, actor_label, agency_id, action, object_kind, object_id, summary, prev_hash, hash
                 FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2")
                .bind(expected_id)
                .bind(PAGE)
                .fetch_all(p).await)?;
            let done = (page.len() as i64) < PAGE;
            for entry in page {
                if entry.id != expected_id {
                    return Ok(AuditVerdict::Broken {
                        entry_id: expected_id,
                        reason: format!(
                            "审计条目 #{expected_id} 缺失（下一条为 #{}），日志被删除或顺序被改动",
                            entry.id
                        ),
                    });
                }
                if entry.prev_hash != prev_hash {
                    return Ok(AuditVerdict::Broken {
                        entry_id: entry.id,
                        reason: format!(
                            "审计条目 #{} 记录的前一条哈希与链上不符，前面的条目被改动、删除或插入",
                            entry.id
                        ),
                    });
                }
                if entry.expected_hash(&prev_hash) != entry.hash {
                    return Ok(AuditVerdict::Broken {
                        entry_id: entry.id,
                        reason: format!("审计条目 #{} 的内容与其哈希不符，该条目被改动", entry.id),
                    });
                }
                prev_hash = entry.hash;
                expected_id += 1;
            }
            if done {
                break;
            }
        }
        let (last_id, last_hash): (i64, String) = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1").fetch_one(p).await)?;
        let entries = expected_id - 1;
        if last_id != entries || last_hash != prev_hash {
            let first_missing = entries + 1;
            return Ok(AuditVerdict::Broken {
                entry_id: first_missing.min(last_id.max(1)),
                reason: format!(
                    "审计链尾部不完整：应有 {last_id} 条，实有 {entries} 条，自 #{first_missing} 起的条目被删除或链头被改动"
                ),
            });
        }
        Ok(AuditVerdict::Intact { entries })
    }

    /// The newest audit entries about one agency, for its staff.
    pub async fn audit_entries(
        &self,
        view: &AgencyStaffView,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let rows = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, at, actor_user_id, actor_label, agency_id, action, object_kind, object_id, summary, prev_hash, hash
             FROM audit_log WHERE agency_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(view.agency_id())
            .bind(limit.clamp(1, 500))
            .fetch_all(p).await)?;
        Ok(rows)
    }

    /// Test hook for tamper tests and the `audit verify` docs: runs raw SQL.
    /// Not reachable from the web layer.
    #[doc(hidden)]
    pub async fn execute_raw_for_tests(&self, sql: &'static str) -> Result<u64> {
        let done = on_pool!(&self.pool, p => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Invalid(format!("数据编码错误：{e}"))
    }
}
