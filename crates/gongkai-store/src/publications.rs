//! Proactive disclosure (主动公开): the per-agency catalog and 索引号 pattern,
//! publications with their review trail, channels, attachments (bytes in the
//! database), PII overrides and the `outbox` the search index follows.
//!
//! Every step is one method that checks the lifecycle
//! (`gongkai_domain::publication::next_status`), writes the review trail, the
//! outbox row when the public picture changes, and the audit entry, in one
//! transaction. Writes demand the capability of the step (drafter, reviewer,
//! approver, admin for the catalog); every query is filtered by the
//! capability's agency. Public reads return only published or repealed items.

use crate::audit::{append, AuditRecord};
use crate::stored::{corrupt, date_text, opt_date, parse_date, rejected, today};
use crate::{on_pool, on_tx, Result, Store, StoreError, Tx};
use gongkai_calendar::Calendar;
use gongkai_domain::catalog::{
    apply_edit, category_path, default_catalog, validate_catalog, with_descendants, CatalogDiff,
    CatalogEdit, CatalogError, Category,
};
use gongkai_domain::publication::{
    inspect_attachment, lateness_warning, mask_body, next_status, scan_publication, AttachmentText,
    ChannelKind, DisclosureAttribute, DocumentType, IndexPattern, LocatedFinding,
    PublicationAction, PublicationDraft, PublicationMeta, PublicationStatus, Validity,
    MAX_ATTACHMENTS,
};
use gongkai_domain::{
    Actor, AgencyAdmin, AgencyStaffView, ConsoleOperator, PublicationApprover, PublicationDrafter,
    PublicationReviewer,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");
/// Longest return / withdrawal / override reason (characters).
pub const MAX_REASON_CHARS: usize = 2_000;
/// Largest page of a public list.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Outbox kinds.
pub const OUTBOX_UPSERTED: &str = "publication_upserted";
pub const OUTBOX_REMOVED: &str = "publication_removed";

// ---- shapes ----

/// One release on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelRelease {
    pub channel: ChannelKind,
    #[serde(with = "iso_date")]
    pub released_on: Date,
    pub note: Option<String>,
    pub actor_label: String,
}

/// An attachment without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationAttachment {
    pub id: i64,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Whether text could be taken for the PII scan and search (not for
    /// scanned PDFs, images, legacy Office: the reviewer checks those by eye).
    pub has_text: bool,
    /// What the automatic check could not cover (a scanned PDF, an image…),
    /// for the reviewer.
    pub text_note: Option<String>,
    pub created_at: String,
}

/// One step of the review trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewEntry {
    pub id: i64,
    pub action: PublicationAction,
    pub from_status: PublicationStatus,
    pub to_status: PublicationStatus,
    pub reason: Option<String>,
    pub actor_label: String,
    pub created_at: String,
}

/// A review passed with unresolved personal data, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PiiOverride {
    pub review_id: i64,
    /// Masked descriptions of the findings that were let through.
    pub findings: Vec<String>,
    pub reason: String,
    pub actor_label: String,
    pub created_at: String,
}

/// A publication with everything staff see. Public reads leave `reviews`
/// and `overrides` empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    pub id: i64,
    pub agency_id: i64,
    pub index_number: String,
    pub status: PublicationStatus,
    /// The reason of the last return, withdrawal or repeal.
    pub status_reason: Option<String>,
    pub title: String,
    pub body_html: String,
    pub body_text: String,
    pub document_type: DocumentType,
    /// Catalog key.
    pub category: Option<String>,
    /// Names from the root to the category.
    pub category_path: Vec<String>,
    pub issuer: String,
    pub co_issuers: Vec<String>,
    pub document_number: Option<String>,
    #[serde(with = "iso_date")]
    pub written_on: Date,
    #[serde(with = "iso_date::option")]
    pub published_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub effective_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub expires_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub repealed_on: Option<Date>,
    pub validity: Validity,
    pub topic: Option<String>,
    pub keywords: Vec<String>,
    pub summary: Option<String>,
    pub attribute: DisclosureAttribute,
    pub attribute_reason: Option<String>,
    pub channels: Vec<ChannelRelease>,
    pub attachments: Vec<PublicationAttachment>,
    pub reviews: Vec<ReviewEntry>,
    pub overrides: Vec<PiiOverride>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The review decision of a reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Pass; with unresolved PII findings only with an override reason.
    Pass { override_reason: Option<String> },
    /// Back to the drafter, with the reason.
    Return { reason: String },
}

/// A line of a list (portal, staff, ledger).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationListItem {
    pub id: i64,
    pub agency_id: i64,
    pub index_number: String,
    pub title: String,
    pub status: PublicationStatus,
    pub document_type: DocumentType,
    pub category: Option<String>,
    pub document_number: Option<String>,
    pub issuer: String,
    #[serde(with = "iso_date")]
    pub written_on: Date,
    #[serde(with = "iso_date::option")]
    pub published_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub repealed_on: Option<Date>,
    pub validity: Validity,
    pub summary: Option<String>,
    pub attribute: DisclosureAttribute,
    pub updated_at: String,
}

/// Filters of a public list. `category` includes the categories below it.
#[derive(Debug, Clone, Default)]
pub struct PublicationQuery {
    pub category: Option<String>,
    /// Year of the 发布日期.
    pub year: Option<i32>,
    pub validity: Option<Validity>,
    /// 1-based.
    pub page: u32,
    /// 1 … [`MAX_PAGE_SIZE`]; 0 means 20.
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationPage {
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<PublicationListItem>,
}

/// A line of the publication ledger (发布台账).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    #[serde(flatten)]
    pub item: PublicationListItem,
    pub channels: Vec<ChannelRelease>,
    /// Who drafted, reviewed and approved (labels).
    pub drafted_by: String,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    /// The Art. 26 warning, when published late.
    pub late: Option<String>,
}

/// One outbox row: the search index follows these in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OutboxEntry {
    pub id: i64,
    /// [`OUTBOX_UPSERTED`] or [`OUTBOX_REMOVED`].
    pub kind: String,
    pub publication_id: i64,
    pub created_at: String,
}

/// Everything the search index needs of a public (published or repealed) item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexDocument {
    pub id: i64,
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub category: Option<String>,
    pub category_path: Vec<String>,
    pub title: String,
    /// The body without tags.
    pub body_text: String,
    /// The text of every attachment that has one, one after another.
    pub attachment_text: String,
    pub document_number: Option<String>,
    pub index_number: String,
    pub issuer: String,
    pub document_type: DocumentType,
    #[serde(with = "iso_date")]
    pub written_on: Date,
    #[serde(with = "iso_date::option")]
    pub published_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub effective_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub repealed_on: Option<Date>,
    pub validity: Validity,
    pub status: PublicationStatus,
    pub topic: Option<String>,
    pub keywords: Vec<String>,
    pub summary: Option<String>,
}

/// Findings in one published item (`gongkai scan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanResult {
    pub publication_id: i64,
    pub agency_code: String,
    pub index_number: String,
    pub title: String,
    pub findings: Vec<LocatedFinding>,
}

/// An item published before it was kept on the platform
/// ([`Store::record_past_publications`]).
#[derive(Debug, Clone)]
pub struct PastPublication {
    pub draft: PublicationDraft,
    /// The day it was approved and published.
    pub published_on: Date,
    /// Its channel releases (none: on the platform's 专栏, i.e. the
    /// 政府网站, on `published_on`).
    pub channels: Vec<(ChannelKind, Date)>,
}

// ---- rows ----

#[derive(sqlx::FromRow)]
struct PublicationRow {
    id: i64,
    agency_id: i64,
    index_number: String,
    category_key: Option<String>,
    title: String,
    body_html: String,
    body_text: String,
    document_type: String,
    issuer: String,
    co_issuers: String,
    document_number: Option<String>,
    written_on: String,
    published_on: Option<String>,
    effective_on: Option<String>,
    expires_on: Option<String>,
    repealed_on: Option<String>,
    validity: String,
    topic: Option<String>,
    keywords: String,
    summary: Option<String>,
    attribute: String,
    attribute_reason: Option<String>,
    status: String,
    status_reason: Option<String>,
    created_by: String,
    created_at: String,
    updated_at: String,
}

macro_rules! select_publication {
    () => {
        "SELECT id, agency_id, index_number, category_key, title, body_html, body_text, document_type, issuer, co_issuers, document_number, written_on, published_on, effective_on, expires_on, repealed_on, validity, topic, keywords, summary, attribute, attribute_reason, status, status_reason, created_by, created_at, updated_at FROM publications"
    };
}

/// The columns of a list line (no bodies).
#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    agency_id: i64,
    index_number: String,
    category_key: Option<String>,
    title: String,
    document_type: String,
    issuer: String,
    document_number: Option<String>,
    written_on: String,
    published_on: Option<String>,
    repealed_on: Option<String>,
    validity: String,
    summary: Option<String>,
    attribute: String,
    status: String,
    updated_at: String,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    sha256: String,
    has_text: bool,
    text_note: Option<String>,
    created_at: String,
}

/// `publication_reviews` columns as read.
type ReviewRow = (i64, String, String, String, Option<String>, String, String);
/// An attachment with its bytes, as read.
type AttachmentBytesRow = (
    i64,
    String,
    String,
    i64,
    String,
    Vec<u8>,
    bool,
    Option<String>,
    String,
);

fn refused(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Refused {
        code,
        message: message.into(),
    }
}

pub(crate) fn parsed<T>(what: &str, text: &str, f: impl Fn(&str) -> Option<T>) -> Result<T> {
    f(text).ok_or_else(|| corrupt(what, text))
}

pub(crate) fn list_of(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn list_text(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn clean_reason(reason: Option<&str>) -> Option<String> {
    reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

fn check_reason(field: &str, reason: &Option<String>, required: bool) -> Result<()> {
    match reason {
        None if required => Err(rejected(
            "invalid_input",
            format!("字段 {field}：请填写理由"),
        )),
        Some(r) if r.chars().count() > MAX_REASON_CHARS => Err(rejected(
            "invalid_input",
            format!("字段 {field}：理由不超过{MAX_REASON_CHARS}个字符"),
        )),
        _ => Ok(()),
    }
}

fn meta_errors(errors: Vec<gongkai_domain::publication::FieldError>) -> StoreError {
    rejected(
        "invalid_input",
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("；"),
    )
}

fn list_item(row: &PublicationRow) -> Result<PublicationListItem> {
    Ok(PublicationListItem {
        id: row.id,
        agency_id: row.agency_id,
        index_number: row.index_number.clone(),
        title: row.title.clone(),
        status: parsed("状态", &row.status, PublicationStatus::parse)?,
        document_type: parsed("文件类型", &row.document_type, DocumentType::parse)?,
        category: row.category_key.clone(),
        document_number: row.document_number.clone(),
        issuer: row.issuer.clone(),
        written_on: parse_date(&row.written_on)?,
        published_on: opt_date(&row.published_on)?,
        repealed_on: opt_date(&row.repealed_on)?,
        validity: parsed("有效性", &row.validity, Validity::parse)?,
        summary: row.summary.clone(),
        attribute: parsed("公开属性", &row.attribute, DisclosureAttribute::parse)?,
        updated_at: row.updated_at.clone(),
    })
}

async fn push_outbox(tx: &mut Tx, kind: &str, publication_id: i64) -> Result<()> {
    let now = crate::now_text();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO outbox (kind, publication_id, created_at) VALUES ($1, $2, $3)")
        .bind(kind).bind(publication_id).bind(&now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Locks the row (first write of the transaction) and returns its status.
async fn lock_status(tx: &mut Tx, agency_id: i64, id: i64) -> Result<PublicationStatus> {
    let now = crate::now_text();
    let touched = on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET updated_at = $1 WHERE id = $2 AND agency_id = $3")
        .bind(&now).bind(id).bind(agency_id).execute(c).await.map(|r| r.rows_affected()))?;
    if touched != 1 {
        return Err(StoreError::not_found("公开信息"));
    }
    let status: String = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT status FROM publications WHERE id = $1").bind(id).fetch_one(c).await)?;
    parsed("状态", &status, PublicationStatus::parse)
}

/// One lifecycle step: checks it, sets the status and reason, writes the
/// review trail. Returns (from, to, review id).
async fn step(
    tx: &mut Tx,
    agency_id: i64,
    id: i64,
    action: PublicationAction,
    actor: &Actor,
    reason: Option<&str>,
) -> Result<(PublicationStatus, PublicationStatus, i64)> {
    let from = lock_status(tx, agency_id, id).await?;
    let to = next_status(from, action).map_err(|e| refused(e.code(), e.to_string()))?;
    let now = crate::now_text();
    on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET status = $1, status_reason = $2 WHERE id = $3")
        .bind(to.name()).bind(reason).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    let review_id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO publication_reviews (publication_id, action, from_status, to_status, reason, actor_user_id, actor_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(id).bind(action.name()).bind(from.name()).bind(to.name()).bind(reason)
        .bind(actor.user_id).bind(&actor.label).bind(&now).fetch_one(c).await)?;
    Ok((from, to, review_id))
}

pub(crate) fn catalog_of(rows: Vec<(String, Option<String>, String, i64)>) -> Vec<Category> {
    if rows.is_empty() {
        return gongkai_domain::catalog::ordered(default_catalog());
    }
    gongkai_domain::catalog::ordered(
        rows.into_iter()
            .map(|(key, parent_key, name, sort_order)| Category {
                key,
                parent_key,
                name,
                sort_order,
            })
            .collect(),
    )
}

fn catalog_rejected(e: CatalogError) -> StoreError {
    rejected("invalid_input", e.to_string())
}

/// The catalog as stored, read inside a write transaction that holds the
/// agency's row (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises
/// writers), so two edits at once apply one after the other.
async fn catalog_locked(tx: &mut Tx, agency_id: i64) -> Result<Vec<Category>> {
    if let Tx::Postgres(t, _) = tx {
        sqlx::query("SELECT id FROM agencies WHERE id = $1 FOR UPDATE")
            .bind(agency_id)
            .execute(&mut **t)
            .await?;
    }
    let rows: Vec<(String, Option<String>, String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT code, parent_code, name, sort_order FROM catalog_categories WHERE agency_id = $1")
        .bind(agency_id).fetch_all(c).await)?;
    Ok(catalog_of(rows))
}

fn audit_step<'a>(
    actor: &'a Actor,
    agency_id: i64,
    id: i64,
    action: &'static str,
    summary: serde_json::Value,
) -> AuditRecord<'a> {
    AuditRecord {
        actor,
        agency_id: Some(agency_id),
        action,
        object_kind: "publication",
        object_id: id.to_string(),
        summary,
    }
}

impl Store {
    // ---- catalog ----

    /// The agency's catalog, ordered (the default tree until an admin edits it).
    pub async fn catalog(&self, agency_id: i64) -> Result<Vec<Category>> {
        let rows: Vec<(String, Option<String>, String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT code, parent_code, name, sort_order FROM catalog_categories WHERE agency_id = $1")
            .bind(agency_id).fetch_all(p).await)?;
        Ok(catalog_of(rows))
    }

    /// How many publications (any status) are filed under each category of
    /// the agency (keys without publications are absent).
    pub async fn catalog_usage(
        &self,
        cap: &AgencyStaffView,
    ) -> Result<std::collections::BTreeMap<String, i64>> {
        let rows: Vec<(String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT category_key, COUNT(*) FROM publications WHERE agency_id = $1 AND category_key IS NOT NULL GROUP BY category_key")
            .bind(cap.agency_id()).fetch_all(p).await)?;
        Ok(rows.into_iter().collect())
    }

    /// Replaces the agency's catalog with an edited tree (renamed,
    /// reordered, added or removed categories; see
    /// [`validate_catalog`]). Removing a category that publications are
    /// filed under → `category_in_use` (409) naming each.
    pub async fn save_catalog(
        &self,
        cap: &AgencyAdmin,
        categories: Vec<Category>,
    ) -> Result<Vec<Category>> {
        let tree = validate_catalog(categories).map_err(catalog_rejected)?;
        let mut tx = self.begin().await?;
        let old = catalog_locked(&mut tx, cap.agency_id()).await?;
        Self::write_catalog(&mut tx, cap, &old, &tree, "catalog.save", None).await?;
        tx.commit().await?;
        Ok(tree)
    }

    /// One change from the catalog page (add, rename, move, remove), applied
    /// to the tree as stored now; same checks as [`Store::save_catalog`].
    pub async fn edit_catalog(
        &self,
        cap: &AgencyAdmin,
        edit: CatalogEdit,
    ) -> Result<Vec<Category>> {
        let mut tx = self.begin().await?;
        let old = catalog_locked(&mut tx, cap.agency_id()).await?;
        let (action, key) = match &edit {
            CatalogEdit::Add { .. } => ("catalog.add", None),
            CatalogEdit::Rename { key, .. } => ("catalog.rename", Some(key.clone())),
            CatalogEdit::Move { key, .. } => ("catalog.move", Some(key.clone())),
            CatalogEdit::Remove { key } => ("catalog.remove", Some(key.clone())),
        };
        let tree = apply_edit(&old, edit).map_err(catalog_rejected)?;
        Self::write_catalog(&mut tx, cap, &old, &tree, action, key).await?;
        tx.commit().await?;
        Ok(tree)
    }

    /// Stores `tree` in place of `old`: refuses removing used categories,
    /// queues public items whose category path changed for the search index,
    /// and writes the audit entry.
    async fn write_catalog(
        tx: &mut Tx,
        cap: &AgencyAdmin,
        old: &[Category],
        tree: &[Category],
        action: &'static str,
        key: Option<String>,
    ) -> Result<()> {
        let agency_id = cap.agency_id();
        let diff = CatalogDiff::between(old, tree);
        let used: Vec<(String, i64)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT category_key, COUNT(*) FROM publications WHERE agency_id = $1 AND category_key IS NOT NULL GROUP BY category_key ORDER BY category_key")
            .bind(agency_id).fetch_all(c).await)?;
        let in_use: Vec<String> = used
            .iter()
            .filter(|(k, _)| diff.removed.contains(k))
            .map(|(k, n)| {
                let name = old
                    .iter()
                    .find(|c| &c.key == k)
                    .map(|c| c.name.as_str())
                    .unwrap_or(k);
                format!("“{name}”（{k}，{n}条）")
            })
            .collect();
        if !in_use.is_empty() {
            return Err(refused(
                "category_in_use",
                format!(
                    "字段 categories：以下栏目下仍有公开信息，不能删除：{}。请先将这些信息改到其他栏目",
                    in_use.join("、")
                ),
            ));
        }
        on_tx!(tx, c => sqlx::query("DELETE FROM catalog_categories WHERE agency_id = $1")
            .bind(agency_id).execute(c).await.map(|r| r.rows_affected()))?;
        for cat in tree {
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO catalog_categories (agency_id, code, parent_code, name, sort_order) VALUES ($1, $2, $3, $4, $5)")
                .bind(agency_id).bind(&cat.key).bind(&cat.parent_key).bind(&cat.name).bind(cat.sort_order)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        // The search index keeps each item's category path: re-index the
        // public items whose path changed (renamed or moved above them).
        let changed: Vec<&str> = tree
            .iter()
            .filter(|c| category_path(old, &c.key) != category_path(tree, &c.key))
            .map(|c| c.key.as_str())
            .collect();
        if !changed.is_empty() {
            let public: Vec<(i64, String)> = on_tx!(tx, c => sqlx::query_as(
                "SELECT id, category_key FROM publications WHERE agency_id = $1 AND category_key IS NOT NULL AND status IN ('published', 'repealed') ORDER BY id")
                .bind(agency_id).fetch_all(c).await)?;
            for (id, _) in public.iter().filter(|(_, k)| changed.contains(&k.as_str())) {
                push_outbox(tx, OUTBOX_UPSERTED, *id).await?;
            }
        }
        append(
            tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(agency_id),
                action,
                object_kind: "catalog",
                object_id: key.unwrap_or_else(|| agency_id.to_string()),
                summary: serde_json::json!({
                    "categories": tree.len(),
                    "added": diff.added,
                    "removed": diff.removed,
                    "renamed": diff.renamed
                        .iter()
                        .map(|k| serde_json::json!({
                            "key": k,
                            "from": old.iter().find(|c| &c.key == k).map(|c| c.name.clone()),
                            "to": tree.iter().find(|c| &c.key == k).map(|c| c.name.clone()),
                        }))
                        .collect::<Vec<_>>(),
                    "moved": diff.moved,
                }),
            },
        )
        .await?;
        Ok(())
    }

    /// The agency's 索引号 pattern (the default until an admin sets one).
    pub async fn index_pattern(&self, agency_id: i64) -> Result<IndexPattern> {
        let text: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT index_pattern FROM publication_settings WHERE agency_id = $1")
            .bind(agency_id).fetch_optional(p).await)?;
        match text {
            Some(t) => IndexPattern::parse(&t).map_err(|e| corrupt("索引号格式", e)),
            None => Ok(IndexPattern::default()),
        }
    }

    /// The 索引号 the next publication written in `year` would get under
    /// `pattern` (for the settings page and API; nothing is reserved).
    pub async fn index_number_preview(
        &self,
        cap: &AgencyStaffView,
        pattern: &IndexPattern,
        year: i32,
    ) -> Result<String> {
        let agency = self
            .agency_by_id(cap.agency_id())
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let last: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT last_serial FROM index_counters WHERE agency_id = $1 AND year = $2")
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_optional(p).await)?;
        let next = u64::try_from(last.unwrap_or(0)).unwrap_or(0) + 1;
        Ok(pattern.format(&agency.org_code, &agency.code, year, next))
    }

    /// Sets the agency's 索引号 pattern (applies to new publications).
    pub async fn set_index_pattern(
        &self,
        cap: &AgencyAdmin,
        pattern: &str,
    ) -> Result<IndexPattern> {
        let pattern =
            IndexPattern::parse(pattern).map_err(|e| rejected("invalid_input", e.to_string()))?;
        let before = self.index_pattern(cap.agency_id()).await?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO publication_settings (agency_id, index_pattern, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (agency_id) DO UPDATE SET index_pattern = excluded.index_pattern, updated_at = excluded.updated_at")
            .bind(cap.agency_id()).bind(pattern.as_str()).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "publication.index_pattern",
                object_kind: "agency",
                object_id: cap.agency_id().to_string(),
                summary: serde_json::json!({ "from": before.as_str(), "pattern": pattern.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(pattern)
    }

    // ---- drafting ----

    async fn checked_meta(
        &self,
        agency_id: i64,
        draft: PublicationDraft,
    ) -> Result<PublicationMeta> {
        let agency = self
            .agency_by_id(agency_id)
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let meta = draft.validate(today(), &agency.name).map_err(meta_errors)?;
        if let Some(key) = &meta.category {
            let catalog = self.catalog(agency_id).await?;
            if !catalog.iter().any(|c| &c.key == key) {
                return Err(rejected(
                    "invalid_input",
                    format!("字段 category：栏目“{key}”不在本机关的目录中"),
                ));
            }
        }
        Ok(meta)
    }

    async fn check_unique_number(
        tx: &mut Tx,
        agency_id: i64,
        number: Option<&str>,
        except: i64,
    ) -> Result<()> {
        let Some(number) = number else { return Ok(()) };
        let other: Option<(i64, String)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT id, title FROM publications WHERE agency_id = $1 AND document_number = $2 AND id <> $3")
            .bind(agency_id).bind(number).bind(except).fetch_optional(c).await)?;
        match other {
            Some((_, title)) => Err(refused(
                "duplicate_document_number",
                format!("字段 document_number：文号“{number}”已被本机关的《{title}》使用"),
            )),
            None => Ok(()),
        }
    }

    /// The next 索引号 of `year` for the agency (the serial counted per year
    /// of 成文日期), skipping numbers already used (a changed pattern may
    /// collide with older ones); the counter moves in the same transaction.
    async fn next_index_number(
        tx: &mut Tx,
        agency: &crate::Agency,
        pattern: &IndexPattern,
        year: i32,
    ) -> Result<String> {
        let agency_id = agency.id;
        // The counter row is created or locked first (a no-op upsert), so
        // concurrent drafts of one agency and year wait for each other
        // instead of taking the same serial (on PostgreSQL; SQLite
        // transactions are serial).
        let mut serial: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO index_counters (agency_id, year, last_serial) VALUES ($1, $2, 0)
             ON CONFLICT (agency_id, year) DO UPDATE SET last_serial = index_counters.last_serial
             RETURNING last_serial")
            .bind(agency_id).bind(i64::from(year)).fetch_one(c).await)?;
        let index_number = loop {
            serial += 1;
            let candidate = pattern.format(
                &agency.org_code,
                &agency.code,
                year,
                u64::try_from(serial).unwrap_or(0),
            );
            let taken: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT id FROM publications WHERE agency_id = $1 AND index_number = $2")
                .bind(agency_id).bind(&candidate).fetch_optional(c).await)?;
            if taken.is_none() {
                break candidate;
            }
            if serial > 10_000_000 {
                return Err(refused(
                    "duplicate_index_number",
                    format!("索引号“{candidate}”已被使用，且无法生成新的流水号，请检查索引号格式"),
                ));
            }
        };
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO index_counters (agency_id, year, last_serial) VALUES ($1, $2, $3)
             ON CONFLICT (agency_id, year) DO UPDATE SET last_serial = excluded.last_serial")
            .bind(agency_id).bind(i64::from(year)).bind(serial)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(index_number)
    }

    /// A new draft with its 索引号 (from the agency's pattern, the serial
    /// counted per year of 成文日期). Bad input → a Chinese message naming
    /// each field; a 文号 already used by the agency → `duplicate_document_number`.
    pub async fn create_publication(
        &self,
        cap: &PublicationDrafter,
        draft: PublicationDraft,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let meta = self.checked_meta(agency_id, draft).await?;
        let agency = self
            .agency_by_id(agency_id)
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let pattern = self.index_pattern(agency_id).await?;
        let year = meta.written_on.year();
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        Self::check_unique_number(&mut tx, agency_id, meta.document_number.as_deref(), 0).await?;
        let index_number = Self::next_index_number(&mut tx, &agency, &pattern, year).await?;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO publications (agency_id, index_number, category_key, title, body_html, body_text, document_type, issuer, co_issuers, document_number, written_on, published_on, effective_on, expires_on, repealed_on, validity, topic, keywords, summary, attribute, attribute_reason, status, status_reason, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, NULL, $14, $15, $16, $17, $18, $19, 'draft', NULL, $20, $21, $21) RETURNING id")
            .bind(agency_id).bind(&index_number).bind(&meta.category).bind(&meta.title)
            .bind(&meta.body_html).bind(&meta.body_text).bind(meta.document_type.name())
            .bind(&meta.issuer).bind(list_text(&meta.co_issuers)).bind(&meta.document_number)
            .bind(date_text(meta.written_on)).bind(meta.effective_on.map(date_text))
            .bind(meta.expires_on.map(date_text)).bind(meta.validity.name()).bind(&meta.topic)
            .bind(list_text(&meta.keywords)).bind(&meta.summary).bind(meta.attribute.name())
            .bind(&meta.attribute_reason).bind(&cap.actor().label).bind(&now)
            .fetch_one(c).await)?;
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.create",
                serde_json::json!({
                    "index_number": index_number, "title": meta.title,
                    "document_number": meta.document_number, "body_cleaned": meta.body_was_cleaned,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// Replaces a draft's metadata and body (drafts only).
    pub async fn update_publication(
        &self,
        cap: &PublicationDrafter,
        id: i64,
        draft: PublicationDraft,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let meta = self.checked_meta(agency_id, draft).await?;
        let mut tx = self.begin().await?;
        let status = lock_status(&mut tx, agency_id, id).await?;
        if !status.is_editable() {
            return Err(refused(
                "not_editable",
                format!(
                    "当前状态为“{}”，只有草稿可以修改；请先退回",
                    status.label_zh()
                ),
            ));
        }
        Self::check_unique_number(&mut tx, agency_id, meta.document_number.as_deref(), id).await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET category_key = $1, title = $2, body_html = $3, body_text = $4, document_type = $5, issuer = $6, co_issuers = $7, document_number = $8, written_on = $9, effective_on = $10, expires_on = $11, validity = $12, topic = $13, keywords = $14, summary = $15, attribute = $16, attribute_reason = $17 WHERE id = $18")
            .bind(&meta.category).bind(&meta.title).bind(&meta.body_html).bind(&meta.body_text)
            .bind(meta.document_type.name()).bind(&meta.issuer).bind(list_text(&meta.co_issuers))
            .bind(&meta.document_number).bind(date_text(meta.written_on))
            .bind(meta.effective_on.map(date_text)).bind(meta.expires_on.map(date_text))
            .bind(meta.validity.name()).bind(&meta.topic).bind(list_text(&meta.keywords))
            .bind(&meta.summary).bind(meta.attribute.name()).bind(&meta.attribute_reason).bind(id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.update",
                serde_json::json!({ "title": meta.title, "document_number": meta.document_number, "body_cleaned": meta.body_was_cleaned }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// Attaches a file to a draft. The bytes are checked (size, an allowed
    /// type whose content matches its extension, ZIP limits) and their text
    /// taken for the PII gate and search.
    pub async fn add_attachment(
        &self,
        cap: &PublicationDrafter,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<PublicationAttachment> {
        let agency_id = cap.agency_id();
        let content =
            inspect_attachment(file_name, bytes).map_err(|e| rejected(e.code(), e.to_string()))?;
        let sha = hex::encode(Sha256::digest(bytes));
        let now = crate::now_text();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let name = file_name.trim().to_string();
        let mut tx = self.begin().await?;
        let status = lock_status(&mut tx, agency_id, id).await?;
        if !status.is_editable() {
            return Err(refused(
                "not_editable",
                format!("当前状态为“{}”，只有草稿可以添加附件", status.label_zh()),
            ));
        }
        let count: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM publication_attachments WHERE publication_id = $1")
            .bind(id).fetch_one(c).await)?;
        if count >= MAX_ATTACHMENTS as i64 {
            return Err(rejected(
                "invalid_attachment",
                format!("每条公开信息最多{MAX_ATTACHMENTS}个附件"),
            ));
        }
        let attachment_id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO publication_attachments (publication_id, file_name, media_type, size_bytes, sha256, content, text_content, text_note, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(id).bind(&name).bind(content.media_type).bind(size).bind(&sha)
            .bind(bytes).bind(&content.text).bind(&content.note).bind(&now).fetch_one(c).await)?;
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.attach",
                serde_json::json!({ "attachment_id": attachment_id, "file_name": name, "size": size, "sha256": sha }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(PublicationAttachment {
            id: attachment_id,
            file_name: name,
            media_type: content.media_type.to_string(),
            size_bytes: size,
            sha256: sha,
            has_text: content.text.is_some(),
            text_note: content.note,
            created_at: now,
        })
    }

    /// Removes an attachment from a draft.
    pub async fn remove_attachment(
        &self,
        cap: &PublicationDrafter,
        id: i64,
        attachment_id: i64,
    ) -> Result<()> {
        let agency_id = cap.agency_id();
        let mut tx = self.begin().await?;
        let status = lock_status(&mut tx, agency_id, id).await?;
        if !status.is_editable() {
            return Err(refused(
                "not_editable",
                format!("当前状态为“{}”，只有草稿可以删除附件", status.label_zh()),
            ));
        }
        let n = on_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM publication_attachments WHERE id = $1 AND publication_id = $2")
            .bind(attachment_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        if n != 1 {
            return Err(StoreError::not_found("附件"));
        }
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.detach",
                serde_json::json!({ "attachment_id": attachment_id }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- the review chain ----

    /// draft → submitted (for the confidentiality review).
    pub async fn submit_publication(
        &self,
        cap: &PublicationDrafter,
        id: i64,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let mut tx = self.begin().await?;
        let (from, to, _) = step(
            &mut tx,
            agency_id,
            id,
            PublicationAction::Submit,
            cap.actor(),
            None,
        )
        .await?;
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.submit",
                serde_json::json!({ "from": from.name(), "to": to.name() }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// The PII findings of a publication as it stands (body and attachments).
    pub async fn publication_findings(
        &self,
        cap: &AgencyStaffView,
        id: i64,
    ) -> Result<Vec<LocatedFinding>> {
        self.findings_in(cap.agency_id(), id, false).await
    }

    /// `reread_pdf`: take the text layer of PDF attachments stored without
    /// text (uploaded before PDFs were read) from their bytes now.
    async fn findings_in(
        &self,
        agency_id: i64,
        id: i64,
        reread_pdf: bool,
    ) -> Result<Vec<LocatedFinding>> {
        let body: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT body_text FROM publications WHERE id = $1 AND agency_id = $2")
            .bind(id).bind(agency_id).fetch_optional(p).await)?;
        let body = body.ok_or_else(|| StoreError::not_found("公开信息"))?;
        let mut texts: Vec<(i64, String, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, file_name, text_content FROM publication_attachments WHERE publication_id = $1 ORDER BY id")
            .bind(id).fetch_all(p).await)?;
        if reread_pdf {
            for (aid, name, text) in texts.iter_mut().filter(|t| t.2.is_none()) {
                let bytes: Option<Vec<u8>> = on_pool!(&self.pool, p => sqlx::query_scalar(
                    "SELECT content FROM publication_attachments WHERE id = $1 AND media_type = 'application/pdf'")
                    .bind(*aid).fetch_optional(p).await)?;
                if let Some(bytes) = bytes {
                    *text = inspect_attachment(name, &bytes).ok().and_then(|c| c.text);
                }
            }
        }
        let atts: Vec<AttachmentText<'_>> = texts
            .iter()
            .map(|(aid, name, text)| AttachmentText {
                id: *aid,
                file_name: name,
                text: text.as_deref(),
            })
            .collect();
        Ok(scan_publication(&body, &atts, today()))
    }

    /// Masks every piece of personal data in the body in place
    /// (`138****5678`) while the item awaits review. Returns the item and
    /// how many findings remain (in attachments, or split by markup).
    pub async fn mask_publication_pii(
        &self,
        cap: &PublicationReviewer,
        id: i64,
    ) -> Result<(Publication, usize)> {
        let agency_id = cap.agency_id();
        let mut tx = self.begin().await?;
        let status = lock_status(&mut tx, agency_id, id).await?;
        if status != PublicationStatus::Submitted {
            return Err(refused(
                "invalid_transition",
                format!(
                    "当前状态为“{}”，只有待保密审查的信息可以遮盖个人信息",
                    status.label_zh()
                ),
            ));
        }
        let html: String = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT body_html FROM publications WHERE id = $1").bind(id).fetch_one(c).await)?;
        let before =
            gongkai_domain::pii::scan(&gongkai_domain::publication::body_text(&html), today())
                .len();
        let (masked, remaining_body) = mask_body(&html, today());
        let text = gongkai_domain::publication::body_text(&masked);
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET body_html = $1, body_text = $2 WHERE id = $3")
            .bind(&masked).bind(&text).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            audit_step(cap.actor(), agency_id, id, "publication.mask_pii",
                serde_json::json!({ "masked": before.saturating_sub(remaining_body), "remaining_in_body": remaining_body })),
        )
        .await?;
        tx.commit().await?;
        let remaining = self.findings_in(agency_id, id, false).await?.len();
        Ok((self.publication_in(agency_id, id, true).await?, remaining))
    }

    /// The confidentiality review: pass (submitted → reviewed) or return
    /// (→ draft, with the reason). A pass while personal data remains needs
    /// an override reason, recorded with the masked findings
    /// (`unresolved_pii` otherwise).
    pub async fn review_publication(
        &self,
        cap: &PublicationReviewer,
        id: i64,
        decision: ReviewDecision,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        match decision {
            ReviewDecision::Return { reason } => {
                let reason = clean_reason(Some(&reason));
                check_reason("reason", &reason, true)?;
                let mut tx = self.begin().await?;
                let (from, to, _) = step(
                    &mut tx,
                    agency_id,
                    id,
                    PublicationAction::Return,
                    cap.actor(),
                    reason.as_deref(),
                )
                .await?;
                append(&mut tx, audit_step(cap.actor(), agency_id, id, "publication.return",
                    serde_json::json!({ "from": from.name(), "to": to.name(), "reason": reason }))).await?;
                tx.commit().await?;
            }
            ReviewDecision::Pass { override_reason } => {
                let override_reason = clean_reason(override_reason.as_deref());
                check_reason("override_reason", &override_reason, false)?;
                let findings = self.findings_in(agency_id, id, false).await?;
                let mut tx = self.begin().await?;
                let current = lock_status(&mut tx, agency_id, id).await?;
                // The step is checked first: out of order is out of order.
                next_status(current, PublicationAction::PassReview)
                    .map_err(|e| refused(e.code(), e.to_string()))?;
                if !findings.is_empty() && override_reason.is_none() {
                    let list: Vec<String> = findings.iter().map(|f| f.describe()).collect();
                    return Err(refused(
                        "unresolved_pii",
                        format!(
                            "发现{}处个人信息尚未处理：{}。请遮盖、退回修改，或填写 override_reason 说明理由后通过",
                            findings.len(),
                            list.join("；")
                        ),
                    ));
                }
                let (from, to, review_id) = step(
                    &mut tx,
                    agency_id,
                    id,
                    PublicationAction::PassReview,
                    cap.actor(),
                    override_reason.as_deref(),
                )
                .await?;
                let described: Vec<String> = findings.iter().map(|f| f.describe()).collect();
                if let (false, Some(reason)) = (findings.is_empty(), &override_reason) {
                    let now = crate::now_text();
                    on_tx!(&mut tx, c => sqlx::query(
                        "INSERT INTO pii_overrides (publication_id, review_id, findings, reason, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(id).bind(review_id).bind(list_text(&described)).bind(reason)
                        .bind(&cap.actor().label).bind(&now).execute(c).await.map(|r| r.rows_affected()))?;
                }
                append(&mut tx, audit_step(cap.actor(), agency_id, id, "publication.review",
                    serde_json::json!({
                        "from": from.name(), "to": to.name(),
                        "pii_override": (!findings.is_empty()).then(|| serde_json::json!({"reason": override_reason, "findings": described})),
                    }))).await?;
                tx.commit().await?;
            }
        }
        self.publication_in(agency_id, id, true).await
    }

    /// Approval: reviewed → published today (主动公开 items only). Returns
    /// the item and the Art. 26 warning when it is late.
    pub async fn approve_publication(
        &self,
        cap: &PublicationApprover,
        calendar: &Calendar,
        id: i64,
    ) -> Result<(Publication, Option<String>)> {
        let agency_id = cap.agency_id();
        let today = today();
        let mut tx = self.begin().await?;
        let current = lock_status(&mut tx, agency_id, id).await?;
        next_status(current, PublicationAction::Approve)
            .map_err(|e| refused(e.code(), e.to_string()))?;
        let (attribute, written_on): (String, String) = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT attribute, written_on FROM publications WHERE id = $1").bind(id).fetch_one(c).await)?;
        if attribute != DisclosureAttribute::Proactive.name() {
            return Err(refused(
                "not_proactive",
                format!(
                    "公开属性为“{}”的信息不能主动发布",
                    DisclosureAttribute::parse(&attribute)
                        .map(|a| a.label_zh())
                        .unwrap_or("未知")
                ),
            ));
        }
        let warning = lateness_warning(calendar, parse_date(&written_on)?, today);
        let (from, to, _) = step(
            &mut tx,
            agency_id,
            id,
            PublicationAction::Approve,
            cap.actor(),
            None,
        )
        .await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE publications SET published_on = $1 WHERE id = $2")
            .bind(date_text(today)).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        // Published on the platform's 专栏: released on the 政府网站 today
        // (the annual report counts 主动公开 by channel record).
        let now = crate::now_text();
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO publication_channels (publication_id, channel, released_on, note, actor_label, created_at) VALUES ($1, $2, $3, NULL, $4, $5)
             ON CONFLICT (publication_id, channel) DO NOTHING")
            .bind(id).bind(ChannelKind::Portal.name()).bind(date_text(today))
            .bind(&cap.actor().label).bind(&now).execute(c).await.map(|r| r.rows_affected()))?;
        push_outbox(&mut tx, OUTBOX_UPSERTED, id).await?;
        append(&mut tx, audit_step(cap.actor(), agency_id, id, "publication.approve",
            serde_json::json!({ "from": from.name(), "to": to.name(), "published_on": date_text(today), "late": warning }))).await?;
        tx.commit().await?;
        Ok((self.publication_in(agency_id, id, true).await?, warning))
    }

    /// The approver sends a reviewed item back to the drafter.
    pub async fn return_publication(
        &self,
        cap: &PublicationApprover,
        id: i64,
        reason: &str,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let reason = clean_reason(Some(reason));
        check_reason("reason", &reason, true)?;
        let mut tx = self.begin().await?;
        let current = lock_status(&mut tx, agency_id, id).await?;
        if current != PublicationStatus::Reviewed {
            return Err(refused(
                "invalid_transition",
                format!(
                    "当前状态为“{}”，负责人只能退回待审批发布的信息",
                    current.label_zh()
                ),
            ));
        }
        let (from, to, _) = step(
            &mut tx,
            agency_id,
            id,
            PublicationAction::Return,
            cap.actor(),
            reason.as_deref(),
        )
        .await?;
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.return",
                serde_json::json!({ "from": from.name(), "to": to.name(), "reason": reason }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// published → withdrawn (taken off the portal and out of search).
    pub async fn withdraw_publication(
        &self,
        cap: &PublicationApprover,
        id: i64,
        reason: &str,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let reason = clean_reason(Some(reason));
        check_reason("reason", &reason, true)?;
        let mut tx = self.begin().await?;
        let (from, to, _) = step(
            &mut tx,
            agency_id,
            id,
            PublicationAction::Withdraw,
            cap.actor(),
            reason.as_deref(),
        )
        .await?;
        push_outbox(&mut tx, OUTBOX_REMOVED, id).await?;
        append(
            &mut tx,
            audit_step(
                cap.actor(),
                agency_id,
                id,
                "publication.withdraw",
                serde_json::json!({ "from": from.name(), "to": to.name(), "reason": reason }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// published → repealed (废止) on `repealed_on`: stays visible, marked 已废止.
    pub async fn repeal_publication(
        &self,
        cap: &PublicationApprover,
        id: i64,
        repealed_on: Date,
        reason: Option<&str>,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let reason = clean_reason(reason);
        check_reason("reason", &reason, false)?;
        if repealed_on > today() {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 repealed_on：废止日期 {} 晚于今天",
                    date_text(repealed_on)
                ),
            ));
        }
        let mut tx = self.begin().await?;
        let current = lock_status(&mut tx, agency_id, id).await?;
        next_status(current, PublicationAction::Repeal)
            .map_err(|e| refused(e.code(), e.to_string()))?;
        let written_on: String = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT written_on FROM publications WHERE id = $1").bind(id).fetch_one(c).await)?;
        if repealed_on < parse_date(&written_on)? {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 repealed_on：废止日期 {} 早于成文日期 {written_on}",
                    date_text(repealed_on)
                ),
            ));
        }
        let (from, to, _) = step(
            &mut tx,
            agency_id,
            id,
            PublicationAction::Repeal,
            cap.actor(),
            reason.as_deref(),
        )
        .await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET repealed_on = $1, validity = $2 WHERE id = $3")
            .bind(date_text(repealed_on)).bind(Validity::Repealed.name()).bind(id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        push_outbox(&mut tx, OUTBOX_UPSERTED, id).await?;
        append(&mut tx, audit_step(cap.actor(), agency_id, id, "publication.repeal",
            serde_json::json!({ "from": from.name(), "to": to.name(), "repealed_on": date_text(repealed_on), "reason": reason }))).await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// Records that a published item went out on a channel (政府网站, 政务微信
    /// 公众号, 其他政务新媒体) on a date; one date per channel (a new record
    /// replaces the old). The search index is told (metadata changed).
    pub async fn record_channel(
        &self,
        cap: &PublicationDrafter,
        id: i64,
        channel: ChannelKind,
        released_on: Date,
        note: Option<&str>,
    ) -> Result<Publication> {
        let agency_id = cap.agency_id();
        let note = clean_reason(note);
        check_reason("note", &note, false)?;
        if released_on > today() {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 released_on：发布日期 {} 晚于今天",
                    date_text(released_on)
                ),
            ));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let status = lock_status(&mut tx, agency_id, id).await?;
        if status != PublicationStatus::Published {
            return Err(refused(
                "invalid_transition",
                format!(
                    "当前状态为“{}”，只有已发布的信息可以登记发布渠道",
                    status.label_zh()
                ),
            ));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO publication_channels (publication_id, channel, released_on, note, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (publication_id, channel) DO UPDATE SET released_on = excluded.released_on, note = excluded.note, actor_label = excluded.actor_label, created_at = excluded.created_at")
            .bind(id).bind(channel.name()).bind(date_text(released_on)).bind(&note)
            .bind(&cap.actor().label).bind(&now).execute(c).await.map(|r| r.rows_affected()))?;
        push_outbox(&mut tx, OUTBOX_UPSERTED, id).await?;
        append(&mut tx, audit_step(cap.actor(), agency_id, id, "publication.channel",
            serde_json::json!({ "channel": channel.name(), "released_on": date_text(released_on) }))).await?;
        tx.commit().await?;
        self.publication_in(agency_id, id, true).await
    }

    /// Enters items published before they were kept on the platform (a
    /// migration, the demo), each with its whole review chain, in one
    /// transaction: created as a draft by `drafter`, submitted, passed by
    /// `reviewer` (the PII gate applies: an item with unresolved personal
    /// data is refused, there is no override here), approved by `approver`
    /// on its `published_on`, and its channel releases. Every step goes
    /// through the lifecycle check and writes its review row and audit entry
    /// (marked `past: true` with the historical date), as the live steps do.
    /// Refused as a whole, naming the item, on any bad item: nothing stored.
    pub async fn record_past_publications(
        &self,
        chain: (
            &PublicationDrafter,
            &PublicationReviewer,
            &PublicationApprover,
        ),
        calendar: &Calendar,
        items: Vec<PastPublication>,
    ) -> Result<Vec<i64>> {
        let (drafter, reviewer, approver) = chain;
        let agency_id = drafter.agency_id();
        if reviewer.agency_id() != agency_id || approver.agency_id() != agency_id {
            return Err(refused("forbidden", "信息员、审核人和负责人须属于同一机关"));
        }
        let agency = self
            .agency_by_id(agency_id)
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let catalog = self.catalog(agency_id).await?;
        let pattern = self.index_pattern(agency_id).await?;
        let today = today();
        let mut checked = Vec::with_capacity(items.len());
        for (n, item) in items.into_iter().enumerate() {
            let at =
                |message: String| rejected("invalid_input", format!("第{}条：{message}", n + 1));
            let meta = item
                .draft
                .validate(today, &agency.name)
                .map_err(|errors| at(meta_errors(errors).to_string()))?;
            if let Some(key) = &meta.category {
                if !catalog.iter().any(|c| &c.key == key) {
                    return Err(at(format!("字段 category：栏目“{key}”不在本机关的目录中")));
                }
            }
            if meta.attribute != DisclosureAttribute::Proactive {
                return Err(at(format!(
                    "《{}》的公开属性为“{}”，不能主动发布",
                    meta.title,
                    meta.attribute.label_zh()
                )));
            }
            let dates = std::iter::once(("published_on", item.published_on)).chain(
                item.channels
                    .iter()
                    .map(|(_, d)| ("channels.released_on", *d)),
            );
            for (field, d) in dates {
                if d > today || d < meta.written_on {
                    return Err(at(format!(
                        "字段 {field}：《{}》的日期 {} 应在成文日期 {} 与今天之间",
                        meta.title,
                        date_text(d),
                        date_text(meta.written_on)
                    )));
                }
            }
            let findings = scan_publication(&meta.body_text, &[], today);
            if !findings.is_empty() {
                let list: Vec<String> = findings.iter().map(|f| f.describe()).collect();
                return Err(refused(
                    "unresolved_pii",
                    format!(
                        "第{}条《{}》发现个人信息尚未处理：{}",
                        n + 1,
                        meta.title,
                        list.join("；")
                    ),
                ));
            }
            let late = lateness_warning(calendar, meta.written_on, item.published_on);
            checked.push((meta, item.published_on, item.channels, late));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(checked.len());
        for (meta, published_on, channels, late) in checked {
            Self::check_unique_number(&mut tx, agency_id, meta.document_number.as_deref(), 0)
                .await?;
            let index_number =
                Self::next_index_number(&mut tx, &agency, &pattern, meta.written_on.year()).await?;
            let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
                "INSERT INTO publications (agency_id, index_number, category_key, title, body_html, body_text, document_type, issuer, co_issuers, document_number, written_on, published_on, effective_on, expires_on, repealed_on, validity, topic, keywords, summary, attribute, attribute_reason, status, status_reason, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, NULL, $14, $15, $16, $17, $18, $19, 'draft', NULL, $20, $21, $21) RETURNING id")
                .bind(agency_id).bind(&index_number).bind(&meta.category).bind(&meta.title)
                .bind(&meta.body_html).bind(&meta.body_text).bind(meta.document_type.name())
                .bind(&meta.issuer).bind(list_text(&meta.co_issuers)).bind(&meta.document_number)
                .bind(date_text(meta.written_on)).bind(meta.effective_on.map(date_text))
                .bind(meta.expires_on.map(date_text)).bind(meta.validity.name()).bind(&meta.topic)
                .bind(list_text(&meta.keywords)).bind(&meta.summary).bind(meta.attribute.name())
                .bind(&meta.attribute_reason).bind(&drafter.actor().label).bind(&now)
                .fetch_one(c).await)?;
            append(
                &mut tx,
                audit_step(
                    drafter.actor(),
                    agency_id,
                    id,
                    "publication.create",
                    serde_json::json!({
                        "index_number": index_number, "title": meta.title,
                        "document_number": meta.document_number, "past": true,
                        "written_on": date_text(meta.written_on),
                    }),
                ),
            )
            .await?;
            let steps: [(PublicationAction, &Actor, &'static str); 3] = [
                (
                    PublicationAction::Submit,
                    drafter.actor(),
                    "publication.submit",
                ),
                (
                    PublicationAction::PassReview,
                    reviewer.actor(),
                    "publication.review",
                ),
                (
                    PublicationAction::Approve,
                    approver.actor(),
                    "publication.approve",
                ),
            ];
            for (action, actor, audit_action) in steps {
                let (from, to, _) = step(&mut tx, agency_id, id, action, actor, None).await?;
                let mut summary = serde_json::json!({
                    "from": from.name(), "to": to.name(), "past": true,
                });
                if action == PublicationAction::Approve {
                    summary["published_on"] = serde_json::json!(date_text(published_on));
                    summary["late"] = serde_json::json!(late);
                }
                append(
                    &mut tx,
                    audit_step(actor, agency_id, id, audit_action, summary),
                )
                .await?;
            }
            on_tx!(&mut tx, c => sqlx::query("UPDATE publications SET published_on = $1 WHERE id = $2")
                .bind(date_text(published_on)).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
            for (channel, released_on) in &channels {
                on_tx!(&mut tx, c => sqlx::query(
                    "INSERT INTO publication_channels (publication_id, channel, released_on, note, actor_label, created_at) VALUES ($1, $2, $3, NULL, $4, $5)
                     ON CONFLICT (publication_id, channel) DO UPDATE SET released_on = excluded.released_on")
                    .bind(id).bind(channel.name()).bind(date_text(*released_on))
                    .bind(&drafter.actor().label).bind(&now).execute(c).await.map(|r| r.rows_affected()))?;
                append(&mut tx, audit_step(drafter.actor(), agency_id, id, "publication.channel",
                    serde_json::json!({ "channel": channel.name(), "released_on": date_text(*released_on), "past": true }))).await?;
            }
            push_outbox(&mut tx, OUTBOX_UPSERTED, id).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    // ---- reads ----

    async fn publication_in(&self, agency_id: i64, id: i64, staff: bool) -> Result<Publication> {
        let row: Option<PublicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_publication!(), " WHERE id = $1 AND agency_id = $2"))
            .bind(id).bind(agency_id).fetch_optional(p).await)?;
        let row = row.ok_or_else(|| StoreError::not_found("公开信息"))?;
        self.assemble(row, staff).await
    }

    async fn assemble(&self, row: PublicationRow, staff: bool) -> Result<Publication> {
        let id = row.id;
        let catalog = self.catalog(row.agency_id).await?;
        let channels: Vec<(String, String, Option<String>, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT channel, released_on, note, actor_label FROM publication_channels WHERE publication_id = $1 ORDER BY released_on, id")
            .bind(id).fetch_all(p).await)?;
        let attachments: Vec<AttachmentRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, file_name, media_type, size_bytes, sha256, (text_content IS NOT NULL) AS has_text, text_note, created_at FROM publication_attachments WHERE publication_id = $1 ORDER BY id")
            .bind(id).fetch_all(p).await)?;
        let mut reviews = Vec::new();
        let mut overrides = Vec::new();
        if staff {
            let rows: Vec<ReviewRow> = on_pool!(&self.pool, p => sqlx::query_as(
                "SELECT id, action, from_status, to_status, reason, actor_label, created_at FROM publication_reviews WHERE publication_id = $1 ORDER BY id")
                .bind(id).fetch_all(p).await)?;
            for (rid, action, from, to, reason, actor_label, created_at) in rows {
                reviews.push(ReviewEntry {
                    id: rid,
                    action: parsed("操作", &action, PublicationAction::parse)?,
                    from_status: parsed("状态", &from, PublicationStatus::parse)?,
                    to_status: parsed("状态", &to, PublicationStatus::parse)?,
                    reason,
                    actor_label,
                    created_at,
                });
            }
            let rows: Vec<(i64, String, String, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
                "SELECT review_id, findings, reason, actor_label, created_at FROM pii_overrides WHERE publication_id = $1 ORDER BY id")
                .bind(id).fetch_all(p).await)?;
            overrides = rows
                .into_iter()
                .map(
                    |(review_id, findings, reason, actor_label, created_at)| PiiOverride {
                        review_id,
                        findings: list_of(&findings),
                        reason,
                        actor_label,
                        created_at,
                    },
                )
                .collect();
        }
        Ok(Publication {
            id,
            agency_id: row.agency_id,
            status: parsed("状态", &row.status, PublicationStatus::parse)?,
            document_type: parsed("文件类型", &row.document_type, DocumentType::parse)?,
            validity: parsed("有效性", &row.validity, Validity::parse)?,
            attribute: parsed("公开属性", &row.attribute, DisclosureAttribute::parse)?,
            written_on: parse_date(&row.written_on)?,
            published_on: opt_date(&row.published_on)?,
            effective_on: opt_date(&row.effective_on)?,
            expires_on: opt_date(&row.expires_on)?,
            repealed_on: opt_date(&row.repealed_on)?,
            category_path: row
                .category_key
                .as_deref()
                .map(|k| category_path(&catalog, k))
                .unwrap_or_default(),
            co_issuers: list_of(&row.co_issuers),
            keywords: list_of(&row.keywords),
            channels: channels
                .into_iter()
                .map(|(channel, on, note, actor_label)| {
                    Ok(ChannelRelease {
                        channel: parsed("发布渠道", &channel, ChannelKind::parse)?,
                        released_on: parse_date(&on)?,
                        note,
                        actor_label,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
            attachments: attachments
                .into_iter()
                .map(|a| PublicationAttachment {
                    id: a.id,
                    file_name: a.file_name,
                    media_type: a.media_type,
                    size_bytes: a.size_bytes,
                    sha256: a.sha256,
                    has_text: a.has_text,
                    text_note: a.text_note,
                    created_at: a.created_at,
                })
                .collect(),
            reviews,
            overrides,
            index_number: row.index_number,
            status_reason: if staff { row.status_reason } else { None },
            title: row.title,
            body_html: row.body_html,
            body_text: row.body_text,
            category: row.category_key,
            issuer: row.issuer,
            document_number: row.document_number,
            topic: row.topic,
            summary: row.summary,
            attribute_reason: row.attribute_reason,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    /// One publication of the agency, with its review trail (staff).
    pub async fn publication(&self, cap: &AgencyStaffView, id: i64) -> Result<Publication> {
        self.publication_in(cap.agency_id(), id, true).await
    }

    /// The agency a publication belongs to, so that a handler can derive a
    /// capability for it (never from the client).
    pub async fn publication_agency_id(&self, id: i64) -> Result<Option<i64>> {
        let agency: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT agency_id FROM publications WHERE id = $1").bind(id).fetch_optional(p).await)?;
        Ok(agency)
    }

    /// A public item (published or repealed), without the review trail;
    /// `None` for anything else.
    pub async fn public_publication(&self, id: i64) -> Result<Option<Publication>> {
        let row: Option<PublicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_publication!(), " WHERE id = $1 AND status IN ('published', 'repealed')"))
            .bind(id).fetch_optional(p).await)?;
        match row {
            Some(row) => Ok(Some(self.assemble(row, false).await?)),
            None => Ok(None),
        }
    }

    /// An attachment of a public item with its bytes; `None` otherwise.
    pub async fn public_attachment(
        &self,
        publication_id: i64,
        attachment_id: i64,
    ) -> Result<Option<(PublicationAttachment, Vec<u8>)>> {
        let row: Option<AttachmentBytesRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT a.id, a.file_name, a.media_type, a.size_bytes, a.sha256, a.content, (a.text_content IS NOT NULL) AS has_text, a.text_note, a.created_at
             FROM publication_attachments a JOIN publications p ON p.id = a.publication_id
             WHERE a.id = $1 AND a.publication_id = $2 AND p.status IN ('published', 'repealed')")
            .bind(attachment_id).bind(publication_id).fetch_optional(p).await)?;
        Ok(row.map(
            |(
                id,
                file_name,
                media_type,
                size_bytes,
                sha256,
                content,
                has_text,
                text_note,
                created_at,
            )| {
                (
                    PublicationAttachment {
                        id,
                        file_name,
                        media_type,
                        size_bytes,
                        sha256,
                        has_text,
                        text_note,
                        created_at,
                    },
                    content,
                )
            },
        ))
    }

    /// An attachment of the agency's publication with its bytes (staff, any status).
    pub async fn publication_attachment(
        &self,
        cap: &AgencyStaffView,
        publication_id: i64,
        attachment_id: i64,
    ) -> Result<(PublicationAttachment, Vec<u8>)> {
        let row: Option<AttachmentBytesRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT a.id, a.file_name, a.media_type, a.size_bytes, a.sha256, a.content, (a.text_content IS NOT NULL) AS has_text, a.text_note, a.created_at
             FROM publication_attachments a JOIN publications p ON p.id = a.publication_id
             WHERE a.id = $1 AND a.publication_id = $2 AND p.agency_id = $3")
            .bind(attachment_id).bind(publication_id).bind(cap.agency_id()).fetch_optional(p).await)?;
        let (
            id,
            file_name,
            media_type,
            size_bytes,
            sha256,
            content,
            has_text,
            text_note,
            created_at,
        ) = row.ok_or_else(|| StoreError::not_found("附件"))?;
        Ok((
            PublicationAttachment {
                id,
                file_name,
                media_type,
                size_bytes,
                sha256,
                has_text,
                text_note,
                created_at,
            },
            content,
        ))
    }

    /// The agency's public list (法定主动公开内容): published and repealed
    /// items, newest first, filtered and paginated. Filters, count and page
    /// are done by the database (list columns only, no bodies), so a page
    /// costs the same for an agency with a hundred items or a hundred thousand.
    pub async fn public_publications(
        &self,
        agency_id: i64,
        q: &PublicationQuery,
    ) -> Result<PublicationPage> {
        let per_page = if q.per_page == 0 {
            20
        } else {
            q.per_page.min(MAX_PAGE_SIZE)
        };
        let page = q.page.max(1);
        let keys = match &q.category {
            Some(k) => Some(with_descendants(&self.catalog(agency_id).await?, k)),
            None => None,
        };
        let years = q
            .year
            .map(|y| (format!("{y:04}-01-01"), format!("{y:04}-12-31")));
        let validity = q.validity.map(|v| v.name());
        let offset = i64::from(page - 1).saturating_mul(i64::from(per_page));
        // The same WHERE for the count and the page.
        macro_rules! filtered {
            ($qb:expr) => {{
                let qb = $qb;
                qb.push(" WHERE agency_id = ").push_bind(agency_id);
                qb.push(" AND status IN ('published', 'repealed')");
                if let Some(keys) = &keys {
                    qb.push(" AND category_key IN (");
                    let mut sep = qb.separated(", ");
                    for k in keys {
                        sep.push_bind(k.as_str());
                    }
                    sep.push_unseparated(")");
                }
                if let Some((from, to)) = &years {
                    qb.push(" AND published_on >= ").push_bind(from.as_str());
                    qb.push(" AND published_on <= ").push_bind(to.as_str());
                }
                if let Some(v) = validity {
                    qb.push(" AND validity = ").push_bind(v);
                }
            }};
        }
        let total: i64 = on_pool!(&self.pool, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM publications");
            filtered!(&mut qb);
            qb.build_query_scalar::<i64>().fetch_one(p).await
        })?;
        let rows: Vec<ListRow> = on_pool!(&self.pool, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT id, agency_id, index_number, category_key, title, document_type, issuer, document_number, written_on, published_on, repealed_on, validity, summary, attribute, status, updated_at FROM publications");
            filtered!(&mut qb);
            qb.push(" ORDER BY published_on DESC, id DESC LIMIT ")
                .push_bind(i64::from(per_page))
                .push(" OFFSET ")
                .push_bind(offset);
            qb.build_query_as::<ListRow>().fetch_all(p).await
        })?;
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(PublicationListItem {
                    id: r.id,
                    agency_id: r.agency_id,
                    index_number: r.index_number,
                    title: r.title,
                    status: parsed("状态", &r.status, PublicationStatus::parse)?,
                    document_type: parsed("文件类型", &r.document_type, DocumentType::parse)?,
                    category: r.category_key,
                    document_number: r.document_number,
                    issuer: r.issuer,
                    written_on: parse_date(&r.written_on)?,
                    published_on: opt_date(&r.published_on)?,
                    repealed_on: opt_date(&r.repealed_on)?,
                    validity: parsed("有效性", &r.validity, Validity::parse)?,
                    summary: r.summary,
                    attribute: parsed("公开属性", &r.attribute, DisclosureAttribute::parse)?,
                    updated_at: r.updated_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PublicationPage {
            total,
            page,
            per_page,
            items,
        })
    }

    /// The agency's publications for staff (any status, or one), newest change first.
    pub async fn staff_publications(
        &self,
        cap: &AgencyStaffView,
        status: Option<PublicationStatus>,
    ) -> Result<Vec<PublicationListItem>> {
        let rows: Vec<PublicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_publication!(), " WHERE agency_id = $1 ORDER BY updated_at DESC, id DESC"))
            .bind(cap.agency_id()).fetch_all(p).await)?;
        rows.iter()
            .map(list_item)
            .filter(|r| match (r, status) {
                (Ok(item), Some(s)) => item.status == s,
                _ => true,
            })
            .collect()
    }

    /// The publication ledger (发布台账): every item published (or repealed,
    /// withdrawn after publication) with its channels, who drafted, reviewed
    /// and approved, and the Art. 26 warning; by 发布日期, optionally of one year.
    pub async fn publication_ledger(
        &self,
        cap: &AgencyStaffView,
        calendar: &Calendar,
        year: Option<i32>,
    ) -> Result<Vec<LedgerRow>> {
        let rows: Vec<PublicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_publication!(), " WHERE agency_id = $1 AND published_on IS NOT NULL ORDER BY published_on, id"))
            .bind(cap.agency_id()).fetch_all(p).await)?;
        let mut out = Vec::new();
        for row in rows {
            let item = list_item(&row)?;
            if year.is_some_and(|y| item.published_on.map(|d| d.year()) != Some(y)) {
                continue;
            }
            let full = self.assemble(row, true).await?;
            let last = |a: PublicationAction| {
                full.reviews
                    .iter()
                    .rev()
                    .find(|r| r.action == a)
                    .map(|r| r.actor_label.clone())
            };
            out.push(LedgerRow {
                late: item
                    .published_on
                    .and_then(|p| lateness_warning(calendar, item.written_on, p)),
                item,
                drafted_by: full.created_by.clone(),
                reviewed_by: last(PublicationAction::PassReview),
                approved_by: last(PublicationAction::Approve),
                channels: full.channels,
            });
        }
        Ok(out)
    }

    // ---- search feed ----

    /// Outbox rows after `last_id`, oldest first (at most `limit`, ≤ 1000).
    pub async fn outbox_after(&self, last_id: i64, limit: i64) -> Result<Vec<OutboxEntry>> {
        let limit = limit.clamp(1, 1000);
        let rows: Vec<OutboxEntry> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, kind, publication_id, created_at FROM outbox WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(last_id).bind(limit).fetch_all(p).await)?;
        Ok(rows)
    }

    /// What the search index needs of a public item; `None` when the item
    /// is not (or no longer) public, so the index drops it.
    pub async fn published_publication_for_index(&self, id: i64) -> Result<Option<IndexDocument>> {
        let Some(p) = self.public_publication(id).await? else {
            return Ok(None);
        };
        let agency = self
            .agency_by_id(p.agency_id)
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let texts: Vec<Option<String>> = on_pool!(&self.pool, pool => sqlx::query_scalar(
            "SELECT text_content FROM publication_attachments WHERE publication_id = $1 ORDER BY id")
            .bind(id).fetch_all(pool).await)?;
        Ok(Some(IndexDocument {
            id: p.id,
            agency_id: p.agency_id,
            agency_code: agency.code,
            agency_name: agency.name,
            category: p.category,
            category_path: p.category_path,
            title: p.title,
            body_text: p.body_text,
            attachment_text: texts.into_iter().flatten().collect::<Vec<_>>().join("\n"),
            document_number: p.document_number,
            index_number: p.index_number,
            issuer: p.issuer,
            document_type: p.document_type,
            written_on: p.written_on,
            published_on: p.published_on,
            effective_on: p.effective_on,
            repealed_on: p.repealed_on,
            validity: p.validity,
            status: p.status,
            topic: p.topic,
            keywords: p.keywords,
            summary: p.summary,
        }))
    }

    /// Ids of every public item (for a full reindex), oldest first.
    pub async fn public_publication_ids(&self) -> Result<Vec<i64>> {
        let ids: Vec<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT id FROM publications WHERE status IN ('published', 'repealed') ORDER BY id")
            .fetch_all(p).await)?;
        Ok(ids)
    }

    /// The highest outbox id (a reindex starts following from here).
    pub async fn outbox_last_id(&self) -> Result<i64> {
        let id: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT MAX(id) FROM outbox").fetch_one(p).await)?;
        Ok(id.unwrap_or(0))
    }

    // ---- console ----

    /// `gongkai scan`: re-scans every public item (of one agency, or all)
    /// and returns those with findings.
    pub async fn scan_published(
        &self,
        _op: &ConsoleOperator,
        agency_id: Option<i64>,
    ) -> Result<Vec<ScanResult>> {
        let rows: Vec<(i64, i64, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, agency_id, index_number, title FROM publications WHERE status IN ('published', 'repealed') AND ($1 IS NULL OR agency_id = $1) ORDER BY agency_id, id")
            .bind(agency_id).fetch_all(p).await)?;
        let agencies = self.agencies().await?;
        let mut out = Vec::new();
        for (id, agency, index_number, title) in rows {
            let findings = self.findings_in(agency, id, true).await?;
            if findings.is_empty() {
                continue;
            }
            out.push(ScanResult {
                publication_id: id,
                agency_code: agencies
                    .iter()
                    .find(|a| a.id == agency)
                    .map(|a| a.code.clone())
                    .unwrap_or_default(),
                index_number,
                title,
                findings,
            });
        }
        Ok(out)
    }
}
