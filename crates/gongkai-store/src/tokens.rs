//! Bearer tokens for the JSON API. Stored as SHA-256; shown once.

use crate::audit::{append, AuditRecord};
use crate::sessions::{random_token, token_hash};
use crate::{on_pool, on_tx, Result, Store, StoreError};
use gongkai_domain::{ConsoleOperator, Principal};

/// Prefix that makes a gongkai token recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "gk_";

impl Store {
    /// Issues a new token for a user (console only: `gongkai user token`).
    pub async fn issue_api_token(
        &self,
        op: &ConsoleOperator,
        user_id: i64,
        label: &str,
    ) -> Result<String> {
        let token = format!("{TOKEN_PREFIX}{}", random_token());
        let mut tx = self.begin().await?;
        let exists: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(user_id).fetch_optional(c).await)?;
        if exists.is_none() {
            return Err(StoreError::not_found("用户"));
        }
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO api_tokens (token_hash, user_id, label, created_at, revoked) VALUES ($1, $2, $3, $4, FALSE) RETURNING id")
            .bind(token_hash(&token)).bind(user_id).bind(label).bind(crate::now_text()).fetch_one(c).await)?;
        append(
            &mut tx,
            AuditRecord {
                actor: op.actor(),
                agency_id: None,
                action: "api_token.issue",
                object_kind: "api_token",
                object_id: id.to_string(),
                summary: serde_json::json!({"after": {"user_id": user_id, "label": label}}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The user a bearer token belongs to, unless revoked or disabled.
    pub async fn principal_for_token(&self, token: &str) -> Result<Option<Principal>> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let user_id: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked = FALSE")
            .bind(token_hash(token)).fetch_optional(p).await)?;
        match user_id {
            Some(id) => self.principal(id).await,
            None => Ok(None),
        }
    }
}
