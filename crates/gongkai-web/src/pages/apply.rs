//! `/apply`: the public online application form (multipart, with
//! attachments). Works without JavaScript; a form with errors comes back
//! with every field as typed and each error next to its field. CSRF: the
//! pre-session double-submit cookie that `/login` uses.

use super::portal::tree_rows;
use super::Nav;
use crate::api::public::count_intake_attempt;
use crate::auth::{ClientIp, MaybeSession};
use crate::cookies::{self, PRE_CSRF_COOKIE};
use crate::csrf;
use crate::error::{render, AppError, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::intake::{
    check_attachments, field_label, Delivery, FieldError, IdDocument, InfoForm, SubmissionDraft,
    ALLOWED_EXTENSIONS, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
use gongkai_store::{NewAttachment, NewSubmission, StoreError};
use serde::Deserialize;

/// The whole request may carry five full attachments and the text fields.
pub const APPLY_BODY_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024;
/// Longest text field accepted from the form (bytes).
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct AgencyChoice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    nav: Nav,
    form_token: String,
    agencies: Vec<AgencyChoice>,
    kinds: Vec<Choice>,
    id_types: Vec<Choice>,
    forms: Vec<Choice>,
    deliveries: Vec<Choice>,
    v: SubmissionDraft,
    errors: Vec<FieldError>,
    top_error: Option<String>,
    had_files: bool,
    max_attachments: usize,
    accept: String,
}

impl ApplyPage {
    /// The first error of a field, for display next to it.
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "apply_done.html")]
struct ApplyDonePage {
    nav: Nav,
    tracking_code: String,
    agency_name: String,
    submitted_at: String,
    attachments: usize,
}

#[derive(Deserialize)]
pub struct ApplyQuery {
    agency: Option<String>,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    current: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: value(v),
            label: label(v),
            selected: value(v) == current.trim(),
        })
        .collect()
}

/// The form token: the browser's current one when it looks sound, else a new one.
fn form_token(headers: &HeaderMap) -> String {
    cookies::get(headers, PRE_CSRF_COOKIE)
        .filter(|t| {
            (20..=128).contains(&t.len())
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or_else(gongkai_store::random_token)
}

/// What the form shows again: the input as typed and what is wrong with it.
struct Redisplay {
    agency: String,
    v: SubmissionDraft,
    errors: Vec<FieldError>,
    top_error: Option<String>,
    had_files: bool,
    status: StatusCode,
}

async fn apply_page(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&crate::auth::Session>,
    r: Redisplay,
) -> Result<Response, PageError> {
    let Redisplay {
        agency,
        v,
        errors,
        top_error,
        had_files,
        status,
    } = r;
    let rows = tree_rows(state.store().agencies().await?);
    let agencies = rows
        .into_iter()
        .map(|r| AgencyChoice {
            label: format!("{}{}", "　".repeat(r.depth), r.agency.name),
            selected: r.agency.code == agency,
            code: r.agency.code,
        })
        .collect();
    let id_type = if v.id_type.trim().is_empty() {
        IdDocument::ResidentId.name().to_string()
    } else {
        v.id_type.clone()
    };
    let token = form_token(headers);
    let page = render(&ApplyPage {
        nav: Nav::new(state, session),
        form_token: token.clone(),
        agencies,
        kinds: choices(
            &ApplicantKind::ALL,
            ApplicantKind::name,
            ApplicantKind::form_label_zh,
            &v.kind,
        ),
        id_types: choices(
            IdDocument::ALL,
            IdDocument::name,
            |t| t.label_zh().to_string(),
            &id_type,
        ),
        forms: choices(
            InfoForm::ALL,
            InfoForm::name,
            |t| t.label_zh().to_string(),
            &v.preferred_form,
        ),
        deliveries: choices(
            Delivery::ALL,
            Delivery::name,
            |t| t.label_zh().to_string(),
            &v.delivery,
        ),
        v,
        errors,
        top_error,
        had_files,
        max_attachments: MAX_ATTACHMENTS,
        accept: ALLOWED_EXTENSIONS
            .iter()
            .map(|e| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(","),
    })?;
    let cookie = cookies::set(
        PRE_CSRF_COOKIE,
        &token,
        state.config().secure_cookies,
        Some(3600),
    );
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

pub async fn apply_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    Query(q): Query<ApplyQuery>,
) -> Result<Response, PageError> {
    apply_page(
        &state,
        &headers,
        session.as_ref(),
        Redisplay {
            agency: q.agency.unwrap_or_default(),
            v: SubmissionDraft::default(),
            errors: Vec::new(),
            top_error: None,
            had_files: false,
            status: StatusCode::OK,
        },
    )
    .await
}

/// The form as posted.
#[derive(Default)]
struct Posted {
    form_token: String,
    agency: String,
    draft: SubmissionDraft,
    files: Vec<NewAttachment>,
    /// Files over the size limit (names), not kept.
    oversized: Vec<String>,
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> PageError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        PageError(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "提交的内容过大：最多{MAX_ATTACHMENTS}个附件，每个不超过10 MB；请返回删减附件后重新提交"
            ),
        ))
    } else {
        PageError(AppError::bad_request(
            "invalid_form",
            format!(
                "表单内容不完整或格式不正确，请返回检查后重新提交（{}）",
                e.body_text()
            ),
        ))
    }
}

async fn read_posted(mut mp: Multipart) -> Result<Posted, PageError> {
    let mut p = Posted::default();
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            let mut too_big = false;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                if bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                    too_big = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            if too_big {
                p.oversized.push(file_name);
            } else if !(file_name.is_empty() && bytes.is_empty()) {
                p.files.push(NewAttachment { file_name, bytes });
            }
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
                return Err(PageError(AppError::bad_request(
                    "invalid_form",
                    format!("“{}”填写的内容过长，请精简后重新提交", field_label(&name)),
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let d = &mut p.draft;
        match name.as_str() {
            "form_token" => p.form_token = text,
            "agency" => p.agency = text,
            "kind" => d.kind = text,
            "name" => d.name = text,
            "id_type" => d.id_type = text,
            "id_number" => d.id_number = text,
            "credit_code" => d.credit_code = text,
            "phone" => d.phone = text,
            "email" => d.email = text,
            "address" => d.address = text,
            "request" => d.request = text,
            "preferred_form" => d.preferred_form = text,
            "delivery" => d.delivery = text,
            _ => {}
        }
    }
    Ok(p)
}

pub async fn apply_post(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, PageError> {
    let p = read_posted(mp).await?;
    let had_files = !p.files.is_empty() || !p.oversized.is_empty();
    let cookie_token = cookies::get(&headers, PRE_CSRF_COOKIE).unwrap_or_default();
    if !csrf::tokens_match(&cookie_token, &p.form_token) {
        return apply_page(
            &state,
            &headers,
            session.as_ref(),
            Redisplay {
                agency: p.agency,
                v: p.draft,
                errors: Vec::new(),
                top_error: Some(
                    "页面已过期（或浏览器未启用 Cookie），请核对后重新提交".to_string(),
                ),
                had_files,
                status: StatusCode::FORBIDDEN,
            },
        )
        .await;
    }
    if let Err(e) = count_intake_attempt(&state, &ip).await {
        return apply_page(
            &state,
            &headers,
            session.as_ref(),
            Redisplay {
                agency: p.agency,
                v: p.draft,
                errors: Vec::new(),
                top_error: Some(e.message),
                had_files,
                status: e.status,
            },
        )
        .await;
    }
    let today = gongkai_store::now().date();
    let mut errors = Vec::new();
    let agency = if p.agency.trim().is_empty() {
        None
    } else {
        state.store().agency_by_code(p.agency.trim()).await?
    };
    if agency.is_none() {
        errors.push(FieldError {
            field: "agency",
            label: field_label("agency"),
            message: "请选择受理申请的机关".to_string(),
        });
    }
    if let Err(e) = p.draft.validate(today) {
        errors.extend(e);
    }
    for name in &p.oversized {
        errors.push(FieldError {
            field: "attachments",
            label: field_label("attachments"),
            message: format!("附件“{name}”超过每个附件10 MB的上限"),
        });
    }
    let files: Vec<(&str, &[u8])> = p
        .files
        .iter()
        .map(|f| (f.file_name.as_str(), f.bytes.as_slice()))
        .collect();
    if p.files.len() + p.oversized.len() > MAX_ATTACHMENTS {
        errors.push(FieldError {
            field: "attachments",
            label: field_label("attachments"),
            message: format!(
                "最多上传{MAX_ATTACHMENTS}个附件，本次选择了{}个",
                p.files.len() + p.oversized.len()
            ),
        });
    } else if let Err(e) = check_attachments(&files) {
        errors.extend(e);
    }
    let Some(agency) = agency.filter(|_| errors.is_empty()) else {
        return apply_page(
            &state,
            &headers,
            session.as_ref(),
            Redisplay {
                agency: p.agency,
                v: p.draft,
                errors,
                top_error: None,
                had_files,
                status: StatusCode::BAD_REQUEST,
            },
        )
        .await;
    };
    let attachments = p.files.len();
    let receipt = match state
        .store()
        .submit_online_application(
            &agency.code,
            NewSubmission {
                draft: p.draft.clone(),
                attachments: p.files,
            },
        )
        .await
    {
        Ok(r) => r,
        Err(StoreError::Rejected { message, .. }) => {
            return apply_page(
                &state,
                &headers,
                session.as_ref(),
                Redisplay {
                    agency: p.agency,
                    v: p.draft,
                    errors: Vec::new(),
                    top_error: Some(message),
                    had_files,
                    status: StatusCode::BAD_REQUEST,
                },
            )
            .await
        }
        Err(e) => return Err(e.into()),
    };
    let page = render(&ApplyDonePage {
        nav: Nav::new(&state, session.as_ref()),
        tracking_code: receipt.tracking_code,
        agency_name: agency.name,
        submitted_at: receipt
            .submitted_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
        attachments,
    })?;
    // The used token goes: submitting the same page again is refused.
    let cookie = cookies::clear(PRE_CSRF_COOKIE, state.config().secure_cookies);
    Ok((StatusCode::OK, [(header::SET_COOKIE, cookie)], page).into_response())
}

/// The fuzz target's path through this handler's input: the multipart
/// reader, then the checks `apply_post` runs before it needs the database.
#[doc(hidden)]
pub(super) async fn fuzz_input(body: &[u8]) -> bool {
    let Some(mp) = crate::fuzzing::multipart(body).await else {
        return false;
    };
    let Ok(p) = read_posted(mp).await else {
        return false;
    };
    let today = time::macros::date!(2026 - 06 - 15);
    let valid = p.draft.validate(today).is_ok();
    let files: Vec<(&str, &[u8])> = p
        .files
        .iter()
        .map(|f| (f.file_name.as_str(), f.bytes.as_slice()))
        .collect();
    valid && check_attachments(&files).is_ok()
}
