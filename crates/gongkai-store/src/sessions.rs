//! Browser sessions, stored server-side so they survive restarts and work
//! across several nodes. The cookie holds a random token; the table holds
//! only its SHA-256.

use crate::audit::{append, AuditRecord};
use crate::{on_pool, on_tx, Result, Store};
use base64::Engine;
use gongkai_domain::Principal;
use sha2::{Digest, Sha256};

/// How long a session lasts after login.
pub const SESSION_HOURS: i64 = 12;

pub struct NewSession {
    /// The cookie value; shown once, stored only as a hash.
    pub token: String,
    pub csrf_token: String,
}

pub struct SessionInfo {
    pub principal: Principal,
    pub csrf_token: String,
}

/// 32 random bytes, URL-safe base64: session cookies, CSRF and form tokens.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Opens a session for a user who just proved their password.
    pub async fn create_session(&self, who: &Principal) -> Result<NewSession> {
        let token = random_token();
        let csrf_token = random_token();
        let now = crate::now();
        let expires = now + time::Duration::hours(SESSION_HOURS);
        let mut tx = self.begin().await?;
        // Expired sessions are swept here rather than by a separate job.
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(crate::clock::to_text(now)).execute(c).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&token)).bind(who.user_id).bind(&csrf_token)
            .bind(crate::clock::to_text(now)).bind(crate::clock::to_text(expires))
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: &who.actor(),
                agency_id: None,
                action: "session.login",
                object_kind: "user",
                object_id: who.user_id.to_string(),
                summary: serde_json::json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(NewSession { token, csrf_token })
    }

    /// The signed-in user behind a cookie token, unless expired or disabled.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>> {
        let row: Option<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT user_id, csrf_token FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash(token)).bind(crate::now_text()).fetch_optional(p).await)?;
        let Some((user_id, csrf_token)) = row else {
            return Ok(None);
        };
        Ok(self.principal(user_id).await?.map(|principal| SessionInfo {
            principal,
            csrf_token,
        }))
    }

    /// Logs out: the session row goes, with an audit entry.
    pub async fn end_session(&self, token: &str, who: &Principal) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token)).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: &who.actor(),
                agency_id: None,
                action: "session.logout",
                object_kind: "user",
                object_id: who.user_id.to_string(),
                summary: serde_json::json!({}),
            },
        )
        .await?;
        tx.commit().await
    }
}
