//! Staff accounts and their roles per agency.

use crate::audit::{append, AuditRecord};
use crate::{on_pool, on_tx, password, Result, Store, StoreError};
use gongkai_domain::user::{validate_display_name, validate_password, validate_username};
use gongkai_domain::{AgencyAdmin, AgencyStaffView, ConsoleOperator, Grant, Principal, Role};
use serde::Serialize;

/// A new account, before validation.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// A user as an agency's staff pages show them, with the roles held there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    pub roles: Vec<Role>,
    pub created_at: String,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    disabled: bool,
}

impl Store {
    /// Creates an account holding `role` in the capability's agency.
    pub async fn create_user(
        &self,
        cap: &AgencyAdmin,
        new: NewUser,
        role: Role,
    ) -> Result<UserSummary> {
        let username = new.username.trim().to_string();
        let display_name = new.display_name.trim().to_string();
        validate_username(&username).map_err(StoreError::invalid)?;
        validate_display_name(&display_name).map_err(StoreError::invalid)?;
        validate_password(&username, &new.password).map_err(StoreError::invalid)?;
        let hash = password::hash(new.password).await?;
        let mut tx = self.begin().await?;
        let taken: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(&username).fetch_optional(c).await)?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("用户名“{username}”已被使用")));
        }
        let now = crate::now_text();
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, disabled, created_at) VALUES ($1, $2, $3, FALSE, $4) RETURNING id")
            .bind(&username).bind(&display_name).bind(&hash).bind(&now).fetch_one(c).await)?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)")
            .bind(id).bind(cap.agency_id()).bind(role.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "user.create",
                object_kind: "user",
                object_id: id.to_string(),
                summary: serde_json::json!({"after": {"username": username, "display_name": display_name, "role": role.as_str()}}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(UserSummary {
            id,
            username,
            display_name,
            disabled: false,
            roles: vec![role],
            created_at: now,
        })
    }

    /// Gives an existing account (named by username) a role in the capability's agency.
    pub async fn grant_role(&self, cap: &AgencyAdmin, username: &str, role: Role) -> Result<()> {
        let mut tx = self.begin().await?;
        let user_id: i64 =
            on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username.trim()).fetch_optional(c).await)?
            .ok_or_else(|| StoreError::not_found(&format!("用户“{}”", username.trim())))?;
        let held: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT user_id FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3")
            .bind(user_id).bind(cap.agency_id()).bind(role.as_str()).fetch_optional(c).await)?;
        if held.is_some() {
            return Err(StoreError::Conflict(format!(
                "该用户已是本机关的{}",
                role.label()
            )));
        }
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)")
            .bind(user_id).bind(cap.agency_id()).bind(role.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "user.grant_role",
                object_kind: "user",
                object_id: user_id.to_string(),
                summary: serde_json::json!({"after": {"role": role.as_str()}}),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Takes a role in the capability's agency away from a user.
    pub async fn revoke_role(&self, cap: &AgencyAdmin, user_id: i64, role: Role) -> Result<()> {
        let mut tx = self.begin().await?;
        let removed = on_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3")
            .bind(user_id).bind(cap.agency_id()).bind(role.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
        if removed == 0 {
            return Err(StoreError::not_found("该用户在本机关的此角色"));
        }
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "user.revoke_role",
                object_kind: "user",
                object_id: user_id.to_string(),
                summary: serde_json::json!({"before": {"role": role.as_str()}}),
            },
        )
        .await?;
        tx.commit().await
    }

    /// True when the user holds some role in the capability's agency: the
    /// admin's reach over an account is through its roles there.
    async fn is_member(&self, cap_agency: i64, user_id: i64) -> Result<bool> {
        let found: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT user_id FROM user_roles WHERE user_id = $1 AND agency_id = $2 LIMIT 1")
            .bind(user_id).bind(cap_agency).fetch_optional(p).await)?;
        Ok(found.is_some())
    }

    /// Sets a new password for a member of the capability's agency.
    pub async fn set_password(
        &self,
        cap: &AgencyAdmin,
        user_id: i64,
        new_password: String,
    ) -> Result<()> {
        if !self.is_member(cap.agency_id(), user_id).await? {
            return Err(StoreError::not_found("本机关的该用户"));
        }
        self.write_password(cap.actor(), Some(cap.agency_id()), user_id, new_password)
            .await
    }

    /// A user changes their own password, proving the old one.
    pub async fn change_own_password(
        &self,
        who: &Principal,
        old: String,
        new_password: String,
    ) -> Result<()> {
        let stored: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE id = $1").bind(who.user_id).fetch_optional(p).await)?;
        if !password::verify(old, stored).await {
            return Err(StoreError::Invalid("原密码不正确".to_string()));
        }
        self.write_password(&who.actor(), None, who.user_id, new_password)
            .await
    }

    /// The console sets any user's password (`gongkai user passwd`).
    pub async fn set_password_by_username(
        &self,
        op: &ConsoleOperator,
        username: &str,
        new_password: String,
    ) -> Result<()> {
        let id: i64 = on_pool!(&self.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username.trim()).fetch_optional(p).await)?
            .ok_or_else(|| StoreError::not_found(&format!("用户“{}”", username.trim())))?;
        self.write_password(op.actor(), None, id, new_password)
            .await
    }

    async fn write_password(
        &self,
        actor: &gongkai_domain::Actor,
        agency_id: Option<i64>,
        user_id: i64,
        new_password: String,
    ) -> Result<()> {
        let username: String = on_pool!(&self.pool, p => sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
            .bind(user_id).fetch_optional(p).await)?
            .ok_or_else(|| StoreError::not_found("用户"))?;
        validate_password(&username, &new_password).map_err(StoreError::invalid)?;
        let hash = password::hash(new_password).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
        // A new password ends every open session of that account.
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor,
                agency_id,
                action: "user.set_password",
                object_kind: "user",
                object_id: user_id.to_string(),
                summary: serde_json::json!({"after": {"password": "（已更改）"}}),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Disables or re-enables a member of the capability's agency.
    pub async fn set_user_disabled(
        &self,
        cap: &AgencyAdmin,
        user_id: i64,
        disabled: bool,
    ) -> Result<()> {
        if !self.is_member(cap.agency_id(), user_id).await? {
            return Err(StoreError::not_found("本机关的该用户"));
        }
        if cap.actor().user_id == Some(user_id) && disabled {
            return Err(StoreError::Invalid("不能停用自己的账号".to_string()));
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
        if disabled {
            on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
        }
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                object_kind: "user",
                object_id: user_id.to_string(),
                summary: serde_json::json!({"after": {"disabled": disabled}}),
            },
        )
        .await?;
        tx.commit().await
    }

    /// The accounts holding any role in the agency, with those roles.
    pub async fn users_of_agency(&self, view: &AgencyStaffView) -> Result<Vec<UserSummary>> {
        let rows: Vec<(i64, String, String, bool, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.disabled, u.created_at, r.role
             FROM users u JOIN user_roles r ON r.user_id = u.id
             WHERE r.agency_id = $1 ORDER BY u.id, r.role").bind(view.agency_id()).fetch_all(p).await)?;
        let mut out: Vec<UserSummary> = Vec::new();
        for (id, username, display_name, disabled, created_at, role) in rows {
            let Some(role) = Role::parse(&role) else {
                continue;
            };
            match out.last_mut() {
                Some(last) if last.id == id => last.roles.push(role),
                _ => out.push(UserSummary {
                    id,
                    username,
                    display_name,
                    disabled,
                    roles: vec![role],
                    created_at,
                }),
            }
        }
        for u in &mut out {
            u.roles.sort();
        }
        Ok(out)
    }

    /// Checks a username and password; `None` for a wrong pair or a disabled account.
    pub async fn authenticate(
        &self,
        username: &str,
        password_text: &str,
    ) -> Result<Option<Principal>> {
        let row: Option<(i64, String, bool)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, password_hash, disabled FROM users WHERE username = $1")
            .bind(username.trim()).fetch_optional(p).await)?;
        let (id, hash, disabled) = match row {
            Some((id, hash, disabled)) => (Some(id), Some(hash), disabled),
            None => (None, None, false),
        };
        let ok = password::verify(password_text.to_string(), hash).await;
        match (ok, id, disabled) {
            (true, Some(id), false) => self.principal(id).await,
            _ => Ok(None),
        }
    }

    /// A user with every role they hold; `None` when missing or disabled.
    pub async fn principal(&self, user_id: i64) -> Result<Option<Principal>> {
        let row: Option<UserRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, username, display_name, disabled FROM users WHERE id = $1")
            .bind(user_id).fetch_optional(p).await)?;
        let Some(row) = row.filter(|r| !r.disabled) else {
            return Ok(None);
        };
        let grants: Vec<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT agency_id, role FROM user_roles WHERE user_id = $1 ORDER BY agency_id, role")
            .bind(user_id).fetch_all(p).await)?;
        Ok(Some(Principal {
            user_id: row.id,
            username: row.username,
            display_name: row.display_name,
            grants: grants
                .into_iter()
                .filter_map(|(agency_id, role)| {
                    Role::parse(&role).map(|role| Grant { agency_id, role })
                })
                .collect(),
        }))
    }

    /// The id of some enabled user holding `role` in the agency (console use).
    pub async fn user_with_role(
        &self,
        _op: &ConsoleOperator,
        agency_id: i64,
        role: Role,
    ) -> Result<Option<i64>> {
        let id: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
             WHERE r.agency_id = $1 AND r.role = $2 AND u.disabled = FALSE ORDER BY u.id LIMIT 1")
            .bind(agency_id).bind(role.as_str()).fetch_optional(p).await)?;
        Ok(id)
    }

    pub async fn user_id_by_username(&self, username: &str) -> Result<Option<i64>> {
        let id: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username.trim()).fetch_optional(p).await)?;
        Ok(id)
    }

    pub async fn user_count(&self) -> Result<i64> {
        let n: i64 = on_pool!(&self.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await)?;
        Ok(n)
    }
}
