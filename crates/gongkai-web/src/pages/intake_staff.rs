//! The office's confirmation of online submissions:
//! `/admin/agencies/{agency}/applications/pending` lists them (applicant
//! masked) with a confirm form (the confirmation date is the receipt date)
//! and a reject form (with the reason shown to the applicant). Handlers,
//! approvers and admins of the agency ([`handler_of`]); CSRF on each form.

use super::Nav;
use crate::auth::{Session, StaffSession};
use crate::csrf;
use crate::dates::{date_text, DATE_FORMAT};
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::access::{application_reader_of, handler_of};
use gongkai_domain::{AgencyHandler, AgencyTree};
use gongkai_store::{Agency, PendingSubmission};
use serde::Deserialize;
use time::Date;

/// Common reasons offered on the reject form.
pub const REJECT_REASONS: [&str; 4] = [
    "不属于本机关",
    "重复提交",
    "无法联系申请人",
    "申请内容不属于政府信息公开申请",
];

pub struct PendingRow {
    pub s: PendingSubmission,
    pub kind_label: String,
    pub id_type_label: &'static str,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "intake_pending.html")]
struct PendingPage {
    nav: Nav,
    agency: Agency,
    rows: Vec<PendingRow>,
    notice: Option<String>,
    error: Option<String>,
    csrf_token: String,
    today: String,
    reasons: Vec<&'static str>,
}

#[derive(Deserialize)]
pub struct PendingQuery {
    confirmed: Option<String>,
    due: Option<String>,
    rejected: Option<String>,
}

async fn handler_cap(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(Agency, AgencyTree, AgencyHandler), AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    let cap = handler_of(&session.principal, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok((agency, tree, cap))
}

/// Only tracking codes (letters and digits) go back into a notice.
fn code_like(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| t.to_string())
}

async fn pending_page(
    state: &AppState,
    session: &Session,
    code: &str,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (agency, _, cap) = handler_cap(state, session, code).await?;
    let list = state.store().pending_submissions(&cap).await?;
    let rows = list
        .into_iter()
        .map(|s| PendingRow {
            kind_label: s.applicant.kind.form_label_zh(),
            id_type_label: s.id_type.map(|t| t.label_zh()).unwrap_or(""),
            submitted: s
                .submitted_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
            s,
        })
        .collect();
    let page = render(&PendingPage {
        nav: Nav::new(state, Some(session)),
        agency,
        rows,
        notice,
        error,
        csrf_token: session.csrf_token.clone(),
        today: date_text(gongkai_store::now().date()),
        reasons: REJECT_REASONS.to_vec(),
    })?;
    Ok((status, page).into_response())
}

pub async fn pending_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<PendingQuery>,
) -> Result<Response, PageError> {
    let notice = match (
        q.confirmed.as_deref().and_then(code_like),
        q.due.as_deref().and_then(code_like),
        q.rejected.as_deref().and_then(code_like),
    ) {
        (Some(c), due, _) => Some(format!(
            "已确认受理查询码为 {c} 的申请，已登记为网上申请{}。",
            due.map(|d| format!("，答复期限 {d}")).unwrap_or_default()
        )),
        (None, _, Some(c)) => Some(format!("查询码为 {c} 的网上申请已作不予受理处理。")),
        _ => None,
    };
    pending_page(&state, &session, &code, notice, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    on: String,
}

fn back(code: &str, query: &str) -> Response {
    Redirect::to(&format!(
        "/admin/agencies/{}/applications/pending?{query}",
        crate::auth::url_encode(code)
    ))
    .into_response()
}

fn submission_id(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::new(StatusCode::NOT_FOUND, "not_found", "网上申请不存在"))
}

pub async fn confirm_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(form): ValidForm<ConfirmForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &form.csrf_token)?;
    let (_, _, cap) = handler_cap(&state, &session, &code).await?;
    let id = submission_id(&id)?;
    let on = match form.on.trim() {
        "" => gongkai_store::now().date(),
        text => match Date::parse(text, DATE_FORMAT) {
            Ok(d) => d,
            Err(_) => {
                return pending_page(
                    &state,
                    &session,
                    &code,
                    None,
                    Some(format!("确认日期“{text}”无效，格式应为 YYYY-MM-DD")),
                    StatusCode::BAD_REQUEST,
                )
                .await
            }
        },
    };
    let calendar = state.store().calendar().await?;
    match state
        .store()
        .confirm_submission(&cap, &calendar, id, on)
        .await
    {
        Ok(a) => Ok(back(
            &code,
            &format!(
                "confirmed={}&due={}",
                a.tracking_code,
                a.due_on.map(date_text).unwrap_or_default()
            ),
        )),
        Err(gongkai_store::StoreError::Rejected { message, .. }) => {
            pending_page(
                &state,
                &session,
                &code,
                None,
                Some(message),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

pub async fn reject_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(form): ValidForm<RejectForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &form.csrf_token)?;
    let (_, _, cap) = handler_cap(&state, &session, &code).await?;
    let id = submission_id(&id)?;
    let reason = match (form.reason.trim(), form.note.trim()) {
        ("", note) => note.to_string(),
        (r, "") => r.to_string(),
        (r, note) => format!("{r}：{note}"),
    };
    let tracking = state
        .store()
        .pending_submissions(&cap)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.tracking_code);
    match state.store().reject_submission(&cap, id, &reason).await {
        Ok(()) => Ok(back(
            &code,
            &format!("rejected={}", tracking.unwrap_or_default()),
        )),
        Err(gongkai_store::StoreError::Rejected { message, .. }) => {
            pending_page(
                &state,
                &session,
                &code,
                None,
                Some(message),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Downloads an attachment of a submission or application of the agency
/// (anyone who may read the agency's applications).
pub async fn attachment_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let store = state.store();
    let agency = store
        .agency_by_code(&code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(&code))?;
    let tree = store.agency_tree().await?;
    let cap = application_reader_of(&session.principal, &tree, agency.id)
        .ok_or_else(AppError::forbidden)?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::not_found())?;
    let file = store.attachment(&cap, id).await?;
    let disposition = format!(
        "attachment; filename=\"attachment-{}\"; filename*=UTF-8''{}",
        file.info.id,
        crate::auth::url_encode(&file.info.file_name).replace('+', "%20")
    );
    let mut res = (StatusCode::OK, file.bytes).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.info.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
