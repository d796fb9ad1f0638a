//! Online intake over JSON: the public submission (no authentication,
//! rate-limited per client address through the store's counters so that
//! every node counts alike), and the office's list, confirmation and
//! rejection of submissions (staff tokens; [`handler_of`] the submission's
//! own agency, looked up in the store).

use super::applications::MaskedApplicantJson;
use super::ApiJson;
use crate::auth::{ApiPrincipal, ClientIp};
use crate::dates::{date_text, DATE_FORMAT};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gongkai_domain::access::{handler_of, staff_view_of};
use gongkai_domain::intake::SubmissionDraft;
use gongkai_domain::{AgencyHandler, AgencyTree, Principal};
use gongkai_store::{Agency, NewSubmission, PendingSubmission};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

/// Submission attempts (page and API together) per client address per hour.
pub const INTAKE_LIMIT_PER_HOUR: i64 = 20;

/// The 429 of the public intake.
pub fn rate_limited() -> AppError {
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "提交过于频繁：同一网络地址每小时最多提交20次，请稍后再试",
    )
}

/// Counts one intake attempt from `ip`; `Err(rate_limited)` past the limit.
pub async fn count_intake_attempt(state: &AppState, ip: &str) -> Result<(), AppError> {
    let ok = state
        .store()
        .rate_limit_hit(
            &format!("intake:{ip}"),
            INTAKE_LIMIT_PER_HOUR,
            time::Duration::hours(1),
        )
        .await?;
    if ok {
        Ok(())
    } else {
        Err(rate_limited())
    }
}

// ---- shapes ----

#[derive(Deserialize, ToSchema)]
pub struct PublicApplicantJson {
    /// `natural_person`, `commercial`, `research`, `public_interest`, `legal_service` or `other_organization`.
    pub kind: String,
    pub name: String,
    /// Natural persons: `resident_id` (default), `passport`, `hk_macao_permit`, `taiwan_permit` or `foreign_permanent_id`.
    pub id_type: Option<String>,
    /// Number of the identity document (natural persons; 居民身份证 with its check character).
    pub id_number: Option<String>,
    /// 统一社会信用代码 (organisations).
    pub credit_code: Option<String>,
    /// Required: `/track` asks for its last four digits.
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PublicApplicationJson {
    /// Code of the agency applied to.
    pub agency: String,
    pub applicant: PublicApplicantJson,
    /// The information sought (name, document number or other identifying description).
    pub request: String,
    /// `paper` (纸质), `electronic` (电子) or `other` (其他).
    pub preferred_form: String,
    /// `post` (邮寄), `email` (电子邮件), `pickup` (自行领取), `fax` (传真) or `online` (网上获取).
    pub delivery: String,
}

#[derive(Serialize, ToSchema)]
pub struct SubmissionCreatedJson {
    /// Keep it: with the last four digits of the phone it opens `/track`.
    pub tracking_code: String,
    /// Always `pending`: the office confirms receipt, which starts the 20 working days.
    pub status: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct SubmissionJson {
    pub id: i64,
    pub tracking_code: String,
    /// Masked (`张*`, `3708**********1234`, `138****5678`).
    pub applicant: MaskedApplicantJson,
    /// Document type of a natural person.
    pub id_type: Option<String>,
    pub request: String,
    pub preferred_form: String,
    pub delivery: String,
    pub submitted_at: String,
    pub attachments: Vec<AttachmentJson>,
}

#[derive(Deserialize, ToSchema)]
pub struct ConfirmJson {
    /// Confirmation date (`YYYY-MM-DD`, default today): the receipt date of the application.
    pub on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConfirmedJson {
    /// The application now registered.
    pub application_id: i64,
    pub tracking_code: String,
    pub received_on: String,
    /// 20 working days after `received_on`.
    pub due_on: Option<String>,
    pub status: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RejectJson {
    /// Why the submission is not accepted (e.g. 不属于本机关, 重复提交, 无法联系申请人); shown to the applicant.
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RejectedJson {
    pub id: i64,
    pub status: String,
    pub reason: String,
}

fn submission_json(s: &PendingSubmission) -> SubmissionJson {
    SubmissionJson {
        id: s.id,
        tracking_code: s.tracking_code.clone(),
        applicant: MaskedApplicantJson {
            kind: s.applicant.kind.name().to_string(),
            name: s.applicant.name.clone(),
            id_number: s.applicant.id_number.clone(),
            credit_code: s.applicant.credit_code.clone(),
            phone: s.applicant.phone.clone(),
        },
        id_type: s.id_type.map(|t| t.name().to_string()),
        request: s.request.clone(),
        preferred_form: s.preferred_form.name().to_string(),
        delivery: s.delivery.name().to_string(),
        submitted_at: s.submitted_at.clone(),
        attachments: s
            .attachments
            .iter()
            .map(|a| AttachmentJson {
                id: a.id,
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                size_bytes: a.size_bytes,
                sha256: a.sha256.clone(),
            })
            .collect(),
    }
}

fn submission_not_found() -> AppError {
    AppError::new(StatusCode::NOT_FOUND, "not_found", "网上申请不存在")
}

async fn tree_and(state: &AppState) -> Result<(Vec<Agency>, AgencyTree), AppError> {
    let all = state.store().agencies().await?;
    let tree = AgencyTree::new(all.iter().map(|a| (a.id, a.parent_id)));
    Ok((all, tree))
}

/// The handler capability over a submission's own agency: staff of that
/// agency without it get 403, anyone else 404.
async fn handler_for_submission(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<(i64, AgencyHandler), AppError> {
    let id: i64 = id.trim().parse().map_err(|_| submission_not_found())?;
    let agency_id = state
        .store()
        .submission_agency_id(id)
        .await?
        .ok_or_else(submission_not_found)?;
    let (_, tree) = tree_and(state).await?;
    match handler_of(p, &tree, agency_id) {
        Some(cap) => Ok((id, cap)),
        None if staff_view_of(p, &tree, agency_id).is_some() => Err(AppError::forbidden()),
        None => Err(submission_not_found()),
    }
}

// ---- handlers ----

/// Public online application (no authentication; at most 20 attempts per client address per hour).
/// The office confirms receipt; the application counts as received on that day (条例 Art. 31).
#[utoipa::path(post, path = "/api/v1/public/applications", tag = "intake",
    request_body = PublicApplicationJson,
    responses((status = 201, description = "已提交，等待机关确认", body = SubmissionCreatedJson),
              (status = 400, description = "invalid_input（message 指明每个字段）", body = ErrorBody),
              (status = 429, description = "rate_limited", body = ErrorBody)))]
pub async fn public_applications_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<PublicApplicationJson>,
) -> Result<(StatusCode, Json<SubmissionCreatedJson>), ApiError> {
    count_intake_attempt(&state, &ip).await?;
    let a = body.applicant;
    let draft = SubmissionDraft {
        kind: a.kind,
        name: a.name,
        id_type: a.id_type.unwrap_or_default(),
        id_number: a.id_number.unwrap_or_default(),
        credit_code: a.credit_code.unwrap_or_default(),
        phone: a.phone,
        email: a.email.unwrap_or_default(),
        address: a.address.unwrap_or_default(),
        request: body.request,
        preferred_form: body.preferred_form,
        delivery: body.delivery,
    };
    let receipt = state
        .store()
        .submit_online_application(
            &body.agency,
            NewSubmission {
                draft,
                attachments: Vec::new(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmissionCreatedJson {
            tracking_code: receipt.tracking_code,
            status: "pending".to_string(),
            message:
                "申请已提交，等待受理机关确认；确认之日为收到申请之日，机关自该日起20个工作日内答复"
                    .to_string(),
        }),
    ))
}

/// Online submissions of the agency awaiting confirmation, oldest first; applicants masked.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/submissions", tag = "intake", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = Vec<SubmissionJson>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_submissions_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Vec<SubmissionJson>>, ApiError> {
    let (all, tree) = tree_and(&state).await?;
    let agency = all
        .iter()
        .find(|a| a.code == code)
        .ok_or_else(|| AppError::agency_not_found(&code))?;
    let cap = handler_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let list = state.store().pending_submissions(&cap).await?;
    Ok(Json(list.iter().map(submission_json).collect()))
}

/// Confirms receipt of an online submission: registers the application
/// (received on the confirmation date, due 20 working days later, same tracking code).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/confirm", tag = "intake", security(("bearer" = [])),
    params(("id" = i64, Path, description = "网上申请编号")),
    request_body = ConfirmJson,
    responses((status = 201, body = ConfirmedJson),
              (status = 400, description = "invalid_input、submission_decided", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn submission_confirm_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConfirmJson>,
) -> Result<(StatusCode, Json<ConfirmedJson>), ApiError> {
    let (id, cap) = handler_for_submission(&state, &p.0, &id).await?;
    let on = match body.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => gongkai_store::now().date(),
        Some(text) => Date::parse(text, DATE_FORMAT).map_err(|_| {
            AppError::bad_request(
                "invalid_input",
                format!("字段 on（确认日期）：日期“{text}”无效，格式应为 YYYY-MM-DD"),
            )
        })?,
    };
    let calendar = state.store().calendar().await?;
    let a = state
        .store()
        .confirm_submission(&cap, &calendar, id, on)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ConfirmedJson {
            application_id: a.id,
            tracking_code: a.tracking_code,
            received_on: date_text(a.received_on),
            due_on: a.due_on.map(date_text),
            status: match serde_json::to_value(a.status) {
                Ok(serde_json::Value::String(s)) => s,
                _ => String::new(),
            },
        }),
    ))
}

/// Rejects an online submission with a reason shown to the applicant on `/track`.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/reject", tag = "intake", security(("bearer" = [])),
    params(("id" = i64, Path, description = "网上申请编号")),
    request_body = RejectJson,
    responses((status = 200, body = RejectedJson),
              (status = 400, description = "invalid_input、submission_decided", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn submission_reject_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectJson>,
) -> Result<Json<RejectedJson>, ApiError> {
    let (id, cap) = handler_for_submission(&state, &p.0, &id).await?;
    state
        .store()
        .reject_submission(&cap, id, &body.reason)
        .await?;
    Ok(Json(RejectedJson {
        id,
        status: "rejected".to_string(),
        reason: body.reason.trim().to_string(),
    }))
}
