//! Proactive disclosure over JSON (issue 6 §7), with the same rules as the
//! staff pages: drafters create, edit, attach and submit; reviewers do the
//! confidentiality review (a pass with unresolved personal data needs an
//! override reason, else `409 unresolved_pii` listing the findings masked);
//! approvers publish, return, withdraw and repeal. A step out of order is
//! `409 invalid_transition`. For `/publications/{id}` the agency is the
//! publication's own, looked up in the store: a client never names it.

use super::lookup::agency_and_tree;
use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::dates::{date_text, parse_date};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongkai_domain::access::{approver_of, drafter_of, reviewer_of, staff_view_of};
use gongkai_domain::publication::{
    lateness_warning, ChannelKind, DisclosureAttribute, DocumentType, FindingSource,
    LocatedFinding, PublicationDraft, PublicationStatus, Validity,
};
use gongkai_domain::{AgencyStaffView, AgencyTree, Principal};
use gongkai_store::{
    Agency, Publication, PublicationAttachment, PublicationListItem, ReviewDecision,
};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

/// Largest attachment upload (bytes of the request body).
pub const MAX_UPLOAD_BYTES: usize = gongkai_domain::publication::MAX_ATTACHMENT_BYTES + 1024;

fn invalid(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError::bad_request("invalid_input", format!("字段 {field}：{message}"))
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn opt_date(field: &str, v: &Option<String>) -> Result<Option<Date>, AppError> {
    blank(v).map(|s| parse_date(field, &s)).transpose()
}

fn publication_not_found() -> AppError {
    AppError::new(StatusCode::NOT_FOUND, "not_found", "公开信息不存在")
}

// ---- shapes ----

#[derive(Deserialize, ToSchema)]
pub struct PublicationInJson {
    pub title: String,
    /// HTML; scripts, event handlers and unsafe markup are removed.
    pub body: String,
    /// `rule` (规章), `normative_document` (行政规范性文件) or `other`.
    pub document_type: String,
    /// Catalog key, e.g. `art20-01`.
    pub category: Option<String>,
    /// 成文日期 `YYYY-MM-DD`, not in the future.
    pub written_on: String,
    /// 文号, unique within the agency.
    pub document_number: Option<String>,
    /// 发布机构 (defaults to the agency's name).
    pub issuer: Option<String>,
    /// 联合发文单位.
    #[serde(default)]
    pub co_issuers: Vec<String>,
    /// 实施日期.
    pub effective_on: Option<String>,
    /// 废止日期 known in advance.
    pub expires_on: Option<String>,
    /// `valid` (default), `expired`, `repealed` or `amended`.
    pub validity: Option<String>,
    /// 主题分类.
    pub topic: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// 内容概述.
    pub summary: Option<String>,
    /// `proactive` (default), `on_request` or `withheld`.
    pub attribute: Option<String>,
    /// Required unless `proactive`.
    pub attribute_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedJson {
    pub id: i64,
    /// 索引号.
    pub index_number: String,
    /// Always `draft`.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct FindingJson {
    /// `body` or `attachment`.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// `id_number`, `credit_code`, `mobile` or `bank_card`.
    pub kind: String,
    pub kind_label: String,
    /// Character positions (0-based, end exclusive) in the body's or attachment's text.
    pub start: usize,
    pub end: usize,
    /// Masked value, e.g. `138****5678`.
    pub preview: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelJson {
    /// `portal`, `wechat` or `other_media`.
    pub channel: String,
    pub label: String,
    pub released_on: String,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: i64,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Text was taken for the PII scan (DOCX, XLSX, HTML, text, a PDF's text
    /// layer; not for scanned PDFs, images, .doc/.xls: check by eye).
    pub has_text: bool,
    /// What the automatic check could not cover, e.g.
    /// `PDF 无文字层（可能是扫描件），无法自动检查，请人工核对`.
    pub text_note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewJson {
    pub action: String,
    pub from: String,
    pub to: String,
    pub reason: Option<String>,
    pub actor: String,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct OverrideJson {
    pub findings: Vec<String>,
    pub reason: String,
    pub actor: String,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublicationJson {
    pub id: i64,
    /// Code of the agency.
    pub agency: String,
    pub index_number: String,
    /// `draft`, `submitted`, `reviewed`, `published`, `withdrawn` or `repealed`.
    pub status: String,
    pub status_text: String,
    /// Reason of the last return, withdrawal or repeal.
    pub status_reason: Option<String>,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    pub document_type: String,
    pub document_type_label: String,
    pub category: Option<String>,
    pub category_path: Vec<String>,
    pub issuer: String,
    pub co_issuers: Vec<String>,
    pub document_number: Option<String>,
    pub written_on: String,
    pub published_on: Option<String>,
    pub effective_on: Option<String>,
    pub expires_on: Option<String>,
    pub repealed_on: Option<String>,
    pub validity: String,
    pub validity_label: String,
    pub topic: Option<String>,
    pub keywords: Vec<String>,
    pub summary: Option<String>,
    pub attribute: String,
    pub attribute_label: String,
    pub attribute_reason: Option<String>,
    pub channels: Vec<ChannelJson>,
    pub attachments: Vec<AttachmentJson>,
    pub reviews: Vec<ReviewJson>,
    pub pii_overrides: Vec<OverrideJson>,
    /// Personal data found now in the body and attachments (masked).
    pub findings: Vec<FindingJson>,
    /// e.g. the 条例 Art. 26 lateness warning.
    pub warnings: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicationSummaryJson {
    pub id: i64,
    pub index_number: String,
    pub title: String,
    pub status: String,
    pub document_type: String,
    pub document_number: Option<String>,
    pub written_on: String,
    pub published_on: Option<String>,
    pub validity: String,
    pub updated_at: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewInJson {
    /// `pass` or `return`.
    pub decision: String,
    /// Required for `return`.
    pub reason: Option<String>,
    /// Required to pass while personal data remains.
    pub override_reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ApproveInJson {
    /// `approve` (default) or `return`.
    pub decision: Option<String>,
    /// Required for `return`.
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonInJson {
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct RepealInJson {
    /// 废止日期 (default today).
    pub repealed_on: Option<String>,
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ChannelInJson {
    /// `portal`, `wechat` or `other_media`.
    pub channel: String,
    /// `YYYY-MM-DD`, not in the future.
    pub released_on: String,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MaskedJson {
    pub publication: PublicationJson,
    /// Findings left (in attachments, or split by markup).
    pub remaining: usize,
}

#[derive(Serialize, ToSchema)]
pub struct PiiErrorDetail {
    /// `unresolved_pii`.
    pub code: String,
    pub message: String,
    pub findings: Vec<FindingJson>,
}

#[derive(Serialize, ToSchema)]
pub struct PiiErrorBody {
    pub error: PiiErrorDetail,
}

pub fn finding_json(f: &LocatedFinding) -> FindingJson {
    let (source, attachment_id, file_name) = match &f.source {
        FindingSource::Body => ("body", None, None),
        FindingSource::Attachment {
            attachment_id,
            file_name,
        } => ("attachment", Some(*attachment_id), Some(file_name.clone())),
    };
    FindingJson {
        source: source.to_string(),
        attachment_id,
        file_name,
        kind: f.finding.kind.name().to_string(),
        kind_label: f.finding.kind.label_zh().to_string(),
        start: f.finding.chars.start,
        end: f.finding.chars.end,
        preview: f.finding.preview.clone(),
    }
}

fn attachment_json(a: &PublicationAttachment) -> AttachmentJson {
    AttachmentJson {
        id: a.id,
        file_name: a.file_name.clone(),
        media_type: a.media_type.clone(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        has_text: a.has_text,
        text_note: a.text_note.clone(),
    }
}

fn publication_json(
    p: &Publication,
    agency_code: &str,
    findings: &[LocatedFinding],
    warnings: Vec<String>,
) -> PublicationJson {
    PublicationJson {
        id: p.id,
        agency: agency_code.to_string(),
        index_number: p.index_number.clone(),
        status: p.status.name().to_string(),
        status_text: p.status.label_zh().to_string(),
        status_reason: p.status_reason.clone(),
        title: p.title.clone(),
        body: p.body_html.clone(),
        document_type: p.document_type.name().to_string(),
        document_type_label: p.document_type.label_zh().to_string(),
        category: p.category.clone(),
        category_path: p.category_path.clone(),
        issuer: p.issuer.clone(),
        co_issuers: p.co_issuers.clone(),
        document_number: p.document_number.clone(),
        written_on: date_text(p.written_on),
        published_on: p.published_on.map(date_text),
        effective_on: p.effective_on.map(date_text),
        expires_on: p.expires_on.map(date_text),
        repealed_on: p.repealed_on.map(date_text),
        validity: p.validity.name().to_string(),
        validity_label: p.validity.label_zh().to_string(),
        topic: p.topic.clone(),
        keywords: p.keywords.clone(),
        summary: p.summary.clone(),
        attribute: p.attribute.name().to_string(),
        attribute_label: p.attribute.label_zh().to_string(),
        attribute_reason: p.attribute_reason.clone(),
        channels: p
            .channels
            .iter()
            .map(|c| ChannelJson {
                channel: c.channel.name().to_string(),
                label: c.channel.label_zh().to_string(),
                released_on: date_text(c.released_on),
                note: c.note.clone(),
            })
            .collect(),
        attachments: p.attachments.iter().map(attachment_json).collect(),
        reviews: p
            .reviews
            .iter()
            .map(|r| ReviewJson {
                action: r.action.name().to_string(),
                from: r.from_status.name().to_string(),
                to: r.to_status.name().to_string(),
                reason: r.reason.clone(),
                actor: r.actor_label.clone(),
                at: r.created_at.clone(),
            })
            .collect(),
        pii_overrides: p
            .overrides
            .iter()
            .map(|o| OverrideJson {
                findings: o.findings.clone(),
                reason: o.reason.clone(),
                actor: o.actor_label.clone(),
                at: o.created_at.clone(),
            })
            .collect(),
        findings: findings.iter().map(finding_json).collect(),
        warnings,
    }
}

fn summary_json(p: &PublicationListItem) -> PublicationSummaryJson {
    PublicationSummaryJson {
        id: p.id,
        index_number: p.index_number.clone(),
        title: p.title.clone(),
        status: p.status.name().to_string(),
        document_type: p.document_type.name().to_string(),
        document_number: p.document_number.clone(),
        written_on: date_text(p.written_on),
        published_on: p.published_on.map(date_text),
        validity: p.validity.name().to_string(),
        updated_at: p.updated_at.clone(),
    }
}

fn draft_of(body: PublicationInJson) -> Result<PublicationDraft, AppError> {
    let document_type: DocumentType = body
        .document_type
        .parse()
        .map_err(|e| invalid("document_type", e))?;
    let validity = blank(&body.validity)
        .map(|v| v.parse::<Validity>().map_err(|e| invalid("validity", e)))
        .transpose()?;
    let attribute = blank(&body.attribute)
        .map(|v| {
            v.parse::<DisclosureAttribute>()
                .map_err(|e| invalid("attribute", e))
        })
        .transpose()?;
    Ok(PublicationDraft {
        written_on: Some(parse_date("written_on", &body.written_on)?),
        effective_on: opt_date("effective_on", &body.effective_on)?,
        expires_on: opt_date("expires_on", &body.expires_on)?,
        document_type: Some(document_type),
        validity,
        attribute,
        title: body.title,
        body: body.body,
        category: body.category,
        issuer: body.issuer,
        co_issuers: body.co_issuers,
        document_number: body.document_number,
        topic: body.topic,
        keywords: body.keywords,
        summary: body.summary,
        attribute_reason: body.attribute_reason,
    })
}

// ---- capabilities ----

async fn tree_and_agency(
    state: &AppState,
    agency_id: i64,
) -> Result<(Agency, AgencyTree), AppError> {
    let all = state.store().agencies().await?;
    let agency = all
        .iter()
        .find(|a| a.id == agency_id)
        .cloned()
        .ok_or_else(publication_not_found)?;
    Ok((
        agency,
        AgencyTree::new(all.iter().map(|a| (a.id, a.parent_id))),
    ))
}

/// The publication's own agency (from the store) and the tree.
async fn agency_of_publication(
    state: &AppState,
    id: &str,
) -> Result<(i64, Agency, AgencyTree), AppError> {
    let id: i64 = id.trim().parse().map_err(|_| publication_not_found())?;
    let agency_id = state
        .store()
        .publication_agency_id(id)
        .await?
        .ok_or_else(publication_not_found)?;
    let (agency, tree) = tree_and_agency(state, agency_id).await?;
    Ok((id, agency, tree))
}

/// Staff of the agency who lack the role are told so (403); anyone else
/// does not learn that the item exists (404).
fn refused(p: &Principal, tree: &AgencyTree, agency: &Agency) -> AppError {
    if staff_view_of(p, tree, agency.id).is_some() {
        AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您在该机关没有进行此步骤所需的角色（信息员提交、审核人审查、负责人审批）",
        )
    } else {
        publication_not_found()
    }
}

/// The item as staff see it: findings now and the Art. 26 warning.
async fn staff_json(
    state: &AppState,
    view: &AgencyStaffView,
    agency: &Agency,
    p: &Publication,
    mut warnings: Vec<String>,
) -> Result<PublicationJson, AppError> {
    let findings = state.store().publication_findings(view, p.id).await?;
    if warnings.is_empty() {
        if let Some(published) = p.published_on {
            let calendar = state.store().calendar().await?;
            warnings.extend(lateness_warning(&calendar, p.written_on, published));
        }
    }
    if !findings.is_empty() && !p.status.is_public() {
        warnings.push(format!(
            "发现{}处个人信息，保密审查时须遮盖、退回或说明理由后通过",
            findings.len()
        ));
    }
    Ok(publication_json(p, &agency.code, &findings, warnings))
}

// ---- handlers ----

/// Creates a draft (drafters of the agency); the 索引号 comes from the agency's pattern.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/publications", tag = "publications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = PublicationInJson,
    responses((status = 201, description = "草稿已创建", body = CreatedJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "duplicate_document_number", body = ErrorBody)))]
pub async fn agency_publications_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<PublicationInJson>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let (agency, tree) = agency_and_tree(&state, &code).await?;
    let cap = drafter_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let created = state
        .store()
        .create_publication(&cap, draft_of(body)?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: created.id,
            index_number: created.index_number,
            status: created.status.name().to_string(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct StaffListQuery {
    /// Only items in this status (`draft`, `submitted`, `reviewed`, `published`, `withdrawn`, `repealed`).
    pub status: Option<String>,
}

/// The agency's publications for staff, newest change first.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/publications", tag = "publications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), StaffListQuery),
    responses((status = 200, body = Vec<PublicationSummaryJson>), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_publications_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    Query(q): Query<StaffListQuery>,
) -> Result<Json<Vec<PublicationSummaryJson>>, ApiError> {
    let (agency, tree) = agency_and_tree(&state, &code).await?;
    let view = staff_view_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let status = blank(&q.status)
        .map(|s| {
            s.parse::<PublicationStatus>()
                .map_err(|e| invalid("status", e))
        })
        .transpose()?;
    let list = state.store().staff_publications(&view, status).await?;
    Ok(Json(list.iter().map(summary_json).collect()))
}

/// One publication with its metadata, status, review trail and current PII findings (staff of the agency).
#[utoipa::path(get, path = "/api/v1/publications/{id}", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    responses((status = 200, body = PublicationJson), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn publication_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<PublicationJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let view = staff_view_of(&p.0, &tree, agency.id).ok_or_else(publication_not_found)?;
    let item = state.store().publication(&view, id).await?;
    Ok(Json(
        staff_json(&state, &view, &agency, &item, Vec::new()).await?,
    ))
}

/// Replaces a draft's metadata and body (drafters; drafts only).
#[utoipa::path(put, path = "/api/v1/publications/{id}", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    request_body = PublicationInJson,
    responses((status = 200, body = PublicationJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "not_editable、duplicate_document_number", body = ErrorBody)))]
pub async fn publication_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PublicationInJson>,
) -> Result<Json<PublicationJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = drafter_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let item = state
        .store()
        .update_publication(&cap, id, draft_of(body)?)
        .await?;
    Ok(Json(
        staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
    ))
}

/// Submits a draft for the confidentiality review (drafters).
#[utoipa::path(post, path = "/api/v1/publications/{id}/submit", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    responses((status = 200, body = PublicationJson), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition", body = ErrorBody)))]
pub async fn publication_submit_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<PublicationJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = drafter_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let item = state.store().submit_publication(&cap, id).await?;
    Ok(Json(
        staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
    ))
}

/// The confidentiality review (reviewers): pass or return. A pass while
/// personal data remains needs `override_reason`; without it the answer is
/// 409 `unresolved_pii` with every finding (position and masked preview).
#[utoipa::path(post, path = "/api/v1/publications/{id}/review", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    request_body = ReviewInJson,
    responses((status = 200, body = PublicationJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition，或 unresolved_pii（附 findings）", body = PiiErrorBody)))]
pub async fn publication_review_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewInJson>,
) -> Result<Response, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = reviewer_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let decision = match body.decision.trim() {
        "pass" => ReviewDecision::Pass {
            override_reason: body.override_reason,
        },
        "return" => ReviewDecision::Return {
            reason: body.reason.unwrap_or_default(),
        },
        other => {
            return Err(invalid("decision", format!("“{other}”无效，应为 pass 或 return")).into())
        }
    };
    match state.store().review_publication(&cap, id, decision).await {
        Ok(item) => Ok(
            Json(staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?)
                .into_response(),
        ),
        Err(gongkai_store::StoreError::Refused {
            code: "unresolved_pii",
            message,
        }) => {
            let findings = state.store().publication_findings(&cap.view(), id).await?;
            Ok((
                StatusCode::CONFLICT,
                Json(PiiErrorBody {
                    error: PiiErrorDetail {
                        code: "unresolved_pii".to_string(),
                        message,
                        findings: findings.iter().map(finding_json).collect(),
                    },
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Masks the personal data in the body in place (reviewers, while awaiting review).
#[utoipa::path(post, path = "/api/v1/publications/{id}/mask", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    responses((status = 200, body = MaskedJson), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition", body = ErrorBody)))]
pub async fn publication_mask_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<MaskedJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = reviewer_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let (item, remaining) = state.store().mask_publication_pii(&cap, id).await?;
    Ok(Json(MaskedJson {
        publication: staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
        remaining,
    }))
}

/// Approval (approvers): `approve` publishes a reviewed item today
/// (warning when later than 条例 Art. 26 allows); `return` sends it back.
#[utoipa::path(post, path = "/api/v1/publications/{id}/approve", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    request_body(content = Option<ApproveInJson>, description = "可省略（即 approve）"),
    responses((status = 200, body = PublicationJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition（未经保密审查）、not_proactive", body = ErrorBody)))]
pub async fn publication_approve_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PublicationJson>, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::too_large()
        } else {
            AppError::bad_request(
                "invalid_json",
                format!("请求内容无法读取：{}", e.body_text()),
            )
        }
    })?;
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = approver_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let body: ApproveInJson = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveInJson::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::bad_request("invalid_json", format!("请求内容不是有效的 JSON：{e}"))
        })?
    };
    match blank(&body.decision).as_deref().unwrap_or("approve") {
        "approve" => {
            let calendar = state.store().calendar().await?;
            let (item, warning) = state
                .store()
                .approve_publication(&cap, &calendar, id)
                .await?;
            Ok(Json(
                staff_json(
                    &state,
                    &cap.view(),
                    &agency,
                    &item,
                    warning.into_iter().collect(),
                )
                .await?,
            ))
        }
        "return" => {
            let item = state
                .store()
                .return_publication(&cap, id, body.reason.as_deref().unwrap_or(""))
                .await?;
            Ok(Json(
                staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
            ))
        }
        other => Err(invalid("decision", format!("“{other}”无效，应为 approve 或 return")).into()),
    }
}

/// Withdraws a published item (approvers); it leaves the portal and search.
#[utoipa::path(post, path = "/api/v1/publications/{id}/withdraw", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    request_body = ReasonInJson,
    responses((status = 200, body = PublicationJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition", body = ErrorBody)))]
pub async fn publication_withdraw_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonInJson>,
) -> Result<Json<PublicationJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = approver_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let item = state
        .store()
        .withdraw_publication(&cap, id, body.reason.as_deref().unwrap_or(""))
        .await?;
    Ok(Json(
        staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
    ))
}

/// Repeals (废止) a published item (approvers); it stays visible marked 已废止.
#[utoipa::path(post, path = "/api/v1/publications/{id}/repeal", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    request_body = RepealInJson,
    responses((status = 200, body = PublicationJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition", body = ErrorBody)))]
pub async fn publication_repeal_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RepealInJson>,
) -> Result<Json<PublicationJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = approver_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let on =
        opt_date("repealed_on", &body.repealed_on)?.unwrap_or_else(|| gongkai_store::now().date());
    let item = state
        .store()
        .repeal_publication(&cap, id, on, body.reason.as_deref())
        .await?;
    Ok(Json(
        staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
    ))
}

/// Records a release on a channel (drafters; published items).
#[utoipa::path(post, path = "/api/v1/publications/{id}/channels", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号")),
    request_body = ChannelInJson,
    responses((status = 200, body = PublicationJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "invalid_transition", body = ErrorBody)))]
pub async fn publication_channels_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChannelInJson>,
) -> Result<Json<PublicationJson>, ApiError> {
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = drafter_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let channel: ChannelKind = body.channel.parse().map_err(|e| invalid("channel", e))?;
    let on = parse_date("released_on", &body.released_on)?;
    let item = state
        .store()
        .record_channel(&cap, id, channel, on, body.note.as_deref())
        .await?;
    Ok(Json(
        staff_json(&state, &cap.view(), &agency, &item, Vec::new()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name with its extension (pdf, docx, xlsx, doc, xls, html, txt, csv, jpg, png).
    pub file_name: String,
}

/// Attaches a file to a draft (drafters). The request body is the file's
/// bytes (at most 20 MB); the content must match the extension.
#[utoipa::path(post, path = "/api/v1/publications/{id}/attachments", tag = "publications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "公开信息编号"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentJson),
              (status = 400, description = "disguised_attachment、attachment_type、attachment_too_large、invalid_attachment", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "not_editable", body = ErrorBody)))]
pub async fn publication_attachments_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<AttachmentJson>), ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "attachment_too_large",
                format!(
                    "【附件】文件过大：每个附件不超过 {} MB",
                    gongkai_domain::publication::MAX_ATTACHMENT_BYTES / (1024 * 1024)
                ),
            )
        } else {
            AppError::bad_request(
                "invalid_attachment",
                format!("【附件】上传内容无法读取：{}", e.body_text()),
            )
        }
    })?;
    let (id, agency, tree) = agency_of_publication(&state, &id).await?;
    let cap = drafter_of(&p.0, &tree, agency.id).ok_or_else(|| refused(&p.0, &tree, &agency))?;
    let info = state
        .store()
        .add_attachment(&cap, id, &q.file_name, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(attachment_json(&info))))
}

/// The fuzz target's path through the publication JSON body: decoding and
/// the draft checks that need no database.
#[doc(hidden)]
pub(super) async fn fuzz_input(body: &[u8]) -> bool {
    match crate::fuzzing::json::<PublicationInJson>(body).await {
        Some(p) => draft_of(p).is_ok(),
        None => false,
    }
}
