//! Agencies: public reads, and changes under an admin capability.

use crate::audit::{append, AuditRecord};
use crate::{on_pool, on_tx, Result, Store, StoreError};
use gongkai_domain::agency::{AgencyDraft, AgencyKind, AgencyTree, OfficeContact};
use gongkai_domain::{AgencyAdmin, ConsoleOperator};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    pub id: i64,
    pub code: String,
    pub parent_id: Option<i64>,
    pub kind: AgencyKind,
    pub name: String,
    pub short_name: String,
    pub org_code: String,
    pub office: OfficeContact,
    pub sort_order: i64,
    pub created_at: String,
}

#[derive(sqlx::FromRow)]
struct AgencyRow {
    id: i64,
    code: String,
    parent_id: Option<i64>,
    kind: String,
    name: String,
    short_name: String,
    org_code: String,
    office_address: String,
    office_hours: String,
    office_phone: String,
    office_fax: String,
    office_email: String,
    sort_order: i64,
    created_at: String,
}

impl AgencyRow {
    fn into_agency(self) -> Agency {
        Agency {
            id: self.id,
            code: self.code,
            parent_id: self.parent_id,
            // Rows are only written from validated kinds; an unknown value
            // (hand-edited database) shows as a department rather than failing.
            kind: AgencyKind::parse(&self.kind).unwrap_or(AgencyKind::Department),
            name: self.name,
            short_name: self.short_name,
            org_code: self.org_code,
            office: OfficeContact {
                address: self.office_address,
                hours: self.office_hours,
                phone: self.office_phone,
                fax: self.office_fax,
                email: self.office_email,
            },
            sort_order: self.sort_order,
            created_at: self.created_at,
        }
    }
}

macro_rules! select_agency {
    () => {
        "SELECT id, code, parent_id, kind, name, short_name, org_code, office_address, office_hours, office_phone, office_fax, office_email, sort_order, created_at FROM agencies"
    };
}

fn summary_of(d: &AgencyDraft, parent_id: Option<i64>) -> serde_json::Value {
    serde_json::json!({
        "code": d.code, "kind": d.kind.as_str(), "name": d.name, "short_name": d.short_name,
        "org_code": d.org_code, "parent_id": parent_id, "office": d.office,
    })
}

impl Store {
    /// Every agency, parents before children, siblings by sort order then name.
    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        let rows: Vec<AgencyRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_agency!(), " ORDER BY sort_order, id")).fetch_all(p).await)?;
        Ok(rows.into_iter().map(AgencyRow::into_agency).collect())
    }

    /// Every agency as [`Store::agencies`] when there are at most `n`
    /// (`None` on a larger platform: a province's thousands are not listed).
    pub async fn agencies_at_most(&self, n: usize) -> Result<Option<Vec<Agency>>> {
        // Whether there is an (n+1)th agency, by the primary key: without
        // sorting a province's thousands on every call.
        let skip = i64::try_from(n).unwrap_or(i64::MAX);
        let beyond: Option<(i64,)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id FROM agencies ORDER BY id LIMIT 1 OFFSET $1").bind(skip).fetch_optional(p).await)?;
        if beyond.is_some() {
            return Ok(None);
        }
        self.agencies().await.map(Some)
    }

    pub async fn agency_by_code(&self, code: &str) -> Result<Option<Agency>> {
        let row: Option<AgencyRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_agency!(), " WHERE code = $1")).bind(code).fetch_optional(p).await)?;
        Ok(row.map(AgencyRow::into_agency))
    }

    pub async fn agency_by_id(&self, id: i64) -> Result<Option<Agency>> {
        let row: Option<AgencyRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_agency!(), " WHERE id = $1")).bind(id).fetch_optional(p).await)?;
        Ok(row.map(AgencyRow::into_agency))
    }

    pub async fn agency_tree(&self) -> Result<AgencyTree> {
        let links: Vec<(i64, Option<i64>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, parent_id FROM agencies").fetch_all(p).await)?;
        Ok(AgencyTree::new(links))
    }

    /// A top-level agency (a province's platform root); only from the console.
    pub async fn create_root_agency(
        &self,
        op: &ConsoleOperator,
        draft: AgencyDraft,
    ) -> Result<Agency> {
        self.insert_agency(op.actor(), None, draft).await
    }

    /// An agency below the one the admin capability covers.
    pub async fn create_child_agency(
        &self,
        parent: &AgencyAdmin,
        draft: AgencyDraft,
    ) -> Result<Agency> {
        self.insert_agency(parent.actor(), Some(parent.agency_id()), draft)
            .await
    }

    async fn insert_agency(
        &self,
        actor: &gongkai_domain::Actor,
        parent_id: Option<i64>,
        draft: AgencyDraft,
    ) -> Result<Agency> {
        let d = draft.validated().map_err(StoreError::invalid)?;
        let mut tx = self.begin().await?;
        let taken: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM agencies WHERE code = $1")
            .bind(&d.code).fetch_optional(c).await)?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "机构代码“{}”已被使用",
                d.code
            )));
        }
        let now = crate::now_text();
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO agencies (code, parent_id, kind, name, short_name, org_code, office_address, office_hours, office_phone, office_fax, office_email, sort_order, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12) RETURNING id")
            .bind(&d.code).bind(parent_id).bind(d.kind.as_str()).bind(&d.name).bind(&d.short_name)
            .bind(&d.org_code).bind(&d.office.address).bind(&d.office.hours).bind(&d.office.phone)
            .bind(&d.office.fax).bind(&d.office.email).bind(&now)
            .fetch_one(c).await)?;
        append(
            &mut tx,
            AuditRecord {
                actor,
                agency_id: Some(id),
                action: "agency.create",
                object_kind: "agency",
                object_id: id.to_string(),
                summary: serde_json::json!({ "after": summary_of(&d, parent_id) }),
            },
        )
        .await?;
        tx.commit().await?;
        self.agency_by_id(id)
            .await?
            .ok_or_else(|| StoreError::not_found("机构"))
    }

    /// Changes names, organisation code and office contacts; the code (used
    /// in URLs and 索引号) and the place in the tree stay as they are.
    pub async fn update_agency(&self, cap: &AgencyAdmin, draft: AgencyDraft) -> Result<Agency> {
        let before = self
            .agency_by_id(cap.agency_id())
            .await?
            .ok_or_else(|| StoreError::not_found("机构"))?;
        let d = AgencyDraft {
            code: before.code.clone(),
            ..draft
        }
        .validated()
        .map_err(StoreError::invalid)?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE agencies SET kind = $1, name = $2, short_name = $3, org_code = $4, office_address = $5,
             office_hours = $6, office_phone = $7, office_fax = $8, office_email = $9 WHERE id = $10")
            .bind(d.kind.as_str()).bind(&d.name).bind(&d.short_name).bind(&d.org_code)
            .bind(&d.office.address).bind(&d.office.hours).bind(&d.office.phone).bind(&d.office.fax)
            .bind(&d.office.email).bind(cap.agency_id())
            .execute(c).await.map(|r| r.rows_affected()))?;
        let before_draft = AgencyDraft {
            code: before.code.clone(),
            kind: before.kind,
            name: before.name.clone(),
            short_name: before.short_name.clone(),
            org_code: before.org_code.clone(),
            office: before.office.clone(),
        };
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "agency.update",
                object_kind: "agency",
                object_id: cap.agency_id().to_string(),
                summary: serde_json::json!({
                    "before": summary_of(&before_draft, before.parent_id),
                    "after": summary_of(&d, before.parent_id),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.agency_by_id(cap.agency_id())
            .await?
            .ok_or_else(|| StoreError::not_found("机构"))
    }
}
