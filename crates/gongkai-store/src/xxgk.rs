//! The editable texts of an agency's 政府信息公开专栏: the 政府信息公开指南
//! (besides the Art. 12 contents the portal derives from the agency record)
//! and the 政府信息公开制度. Stored as plain text (paragraphs separated by
//! line breaks) in the `settings` table under `xxgk.{agency_id}.{kind}`, so
//! no new table is needed and `db copy` carries them.

use crate::audit::{append, AuditRecord};
use crate::{on_pool, on_tx, Result, Store, StoreError};
use gongkai_domain::AgencyAdmin;

/// Longest text of one page (characters).
pub const MAX_XXGK_TEXT_CHARS: usize = 20_000;

/// Which editable page of the 专栏.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XxgkText {
    /// 政府信息公开指南.
    Guide,
    /// 政府信息公开制度.
    System,
}

impl XxgkText {
    pub fn name(self) -> &'static str {
        match self {
            XxgkText::Guide => "guide",
            XxgkText::System => "system",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            XxgkText::Guide => "政府信息公开指南",
            XxgkText::System => "政府信息公开制度",
        }
    }
}

fn key(agency_id: i64, kind: XxgkText) -> String {
    format!("xxgk.{agency_id}.{}", kind.name())
}

impl Store {
    /// The agency's text for `kind` (empty until an admin writes one). Public.
    pub async fn xxgk_text(&self, agency_id: i64, kind: XxgkText) -> Result<String> {
        let k = key(agency_id, kind);
        let v: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT value FROM settings WHERE key = $1").bind(&k).fetch_optional(p).await)?;
        Ok(v.unwrap_or_default())
    }

    /// Replaces the agency's text for `kind` (agency admins).
    pub async fn set_xxgk_text(&self, cap: &AgencyAdmin, kind: XxgkText, text: &str) -> Result<()> {
        let text = text.replace("\r\n", "\n").trim().to_string();
        if text.chars().count() > MAX_XXGK_TEXT_CHARS {
            return Err(StoreError::Rejected {
                code: "invalid_input",
                message: format!(
                    "字段 {}：{}不超过{MAX_XXGK_TEXT_CHARS}个字符",
                    kind.name(),
                    kind.label_zh()
                ),
            });
        }
        let k = key(cap.agency_id(), kind);
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(&k).bind(&text).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "xxgk.text",
                object_kind: "agency",
                object_id: cap.agency_id().to_string(),
                summary: serde_json::json!({ "page": kind.name(), "chars": text.chars().count() }),
            },
        )
        .await?;
        tx.commit().await
    }
}
