//! `/admin/agencies/{agency}/letter-templates`: an agency's letter settings
//! and templates (AgencyAdmin). Each letter kind shows whether the agency
//! has its own template; editing one checks it against sample data (Chinese
//! errors with the line), previews it, saves it or restores the default.

use super::Nav;
use crate::auth::{Session, StaffSession};
use crate::csrf;
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_docs::Block;
use gongkai_domain::access::admin_of;
use gongkai_domain::letters::{check_template, LetterKind, LetterSettings};
use gongkai_domain::AgencyAdmin;
use gongkai_store::{Agency, StoreError};
use serde::Deserialize;

pub struct KindRow {
    pub key: String,
    pub label: String,
    pub own: bool,
    pub updated: String,
}

pub struct PreviewBlock {
    pub heading: bool,
    pub text: String,
}

pub struct Editor {
    pub key: String,
    pub label: String,
    pub body: String,
    pub own: bool,
    pub preview: Vec<PreviewBlock>,
}

#[derive(Template)]
#[template(path = "letter_templates.html")]
struct TemplatesPage {
    nav: Nav,
    agency: Agency,
    settings: LetterSettings,
    effective: LetterSettings,
    kinds: Vec<KindRow>,
    editor: Option<Editor>,
    notice: Option<&'static str>,
    error: Option<String>,
    csrf_token: String,
}

async fn admin_cap(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(Agency, AgencyAdmin), AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    let cap = admin_of(&session.principal, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok((agency, cap))
}

fn preview_of(kind: LetterKind, body: &str) -> Result<Vec<PreviewBlock>, String> {
    check_template(kind, body)
        .map(|doc| {
            doc.blocks
                .into_iter()
                .filter_map(|b| match b {
                    Block::Heading { text, .. } => Some(PreviewBlock {
                        heading: true,
                        text,
                    }),
                    Block::Paragraph(text) => Some(PreviewBlock {
                        heading: false,
                        text,
                    }),
                    Block::Table(_) => None,
                })
                .collect()
        })
        .map_err(|e| e.to_string())
}

fn unknown_kind(key: &str) -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("没有“{key}”这种文书"),
    )
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    session: &Session,
    agency: Agency,
    cap: &AgencyAdmin,
    key: Option<&str>,
    draft: Option<String>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let store = state.store();
    let own = store.letter_templates(&cap.view()).await?;
    let settings = store.letter_settings(&cap.view()).await?;
    let kinds = LetterKind::all()
        .into_iter()
        .map(|k| {
            let stored = own.iter().find(|t| t.key == k.key());
            KindRow {
                key: k.key(),
                label: k.label(),
                own: stored.is_some(),
                updated: stored
                    .map(|t| format!("{}（{}）", t.updated_at, t.updated_by))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let editor = match key {
        None => None,
        Some(key) => {
            let kind = LetterKind::parse_key(key).ok_or_else(|| unknown_kind(key))?;
            let stored = own.iter().find(|t| t.key == kind.key());
            let body = draft
                .clone()
                .or_else(|| stored.map(|t| t.body.clone()))
                .unwrap_or_else(|| kind.default_template());
            // The preview only for a template that renders; its error is shown instead.
            let preview = if error.is_some() {
                Vec::new()
            } else {
                preview_of(kind, &body).unwrap_or_default()
            };
            Some(Editor {
                key: kind.key(),
                label: kind.label(),
                own: stored.is_some(),
                body,
                preview,
            })
        }
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let html = render(&TemplatesPage {
        nav: Nav::new(state, Some(session)),
        effective: settings.or_defaults(&agency.short_name),
        settings,
        agency,
        kinds,
        editor,
        notice,
        error,
        csrf_token: session.csrf_token.clone(),
    })?;
    Ok((status, html).into_response())
}

#[derive(Deserialize)]
pub struct TemplatesQuery {
    key: Option<String>,
    notice: Option<String>,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "模板已保存，今后生成的该类文书使用本机关模板。",
        "reset" => "已恢复为系统默认模板。",
        "settings" => "文书设置已保存。",
        _ => return None,
    })
}

pub async fn letter_templates_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<TemplatesQuery>,
) -> Result<Response, PageError> {
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let notice = q.notice.as_deref().and_then(notice_text);
    page(
        &state,
        &session,
        agency,
        &cap,
        q.key.as_deref().filter(|k| !k.is_empty()),
        None,
        notice,
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    abbreviation: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    reconsideration_body: String,
    #[serde(default)]
    court: String,
}

pub async fn letter_settings_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<SettingsForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let settings = LetterSettings {
        abbreviation: f.abbreviation,
        contact_person: f.contact_person,
        reconsideration_body: f.reconsideration_body,
        court: f.court,
    };
    match state.store().save_letter_settings(&cap, settings).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/agencies/{code}/letter-templates?notice=settings"
        ))
        .into_response()),
        Err(StoreError::Rejected { message, .. }) => {
            page(
                &state,
                &session,
                agency,
                &cap,
                None,
                None,
                None,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    body: String,
    /// `preview` or `save`.
    #[serde(default)]
    action: String,
}

pub async fn letter_template_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, key)): Path<(String, String)>,
    ValidForm(f): ValidForm<TemplateForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let kind = LetterKind::parse_key(&key).ok_or_else(|| unknown_kind(&key))?;
    let body = f.body.replace("\r\n", "\n");
    if f.action == "preview" {
        let error = preview_of(kind, &body)
            .err()
            .map(|e| format!("{}模板有误：{e}", kind.label()));
        return page(
            &state,
            &session,
            agency,
            &cap,
            Some(&key),
            Some(body),
            None,
            error,
        )
        .await;
    }
    match state.store().save_letter_template(&cap, kind, &body).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/agencies/{code}/letter-templates?key={}&notice=saved",
            crate::auth::url_encode(&kind.key())
        ))
        .into_response()),
        Err(StoreError::Rejected { message, .. }) => {
            page(
                &state,
                &session,
                agency,
                &cap,
                Some(&key),
                Some(body),
                None,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn letter_template_reset_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, key)): Path<(String, String)>,
    ValidForm(f): ValidForm<CsrfForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    let kind = LetterKind::parse_key(&key).ok_or_else(|| unknown_kind(&key))?;
    match state.store().reset_letter_template(&cap, kind).await {
        Ok(()) | Err(StoreError::NotFound { .. }) => Ok(Redirect::to(&format!(
            "/admin/agencies/{code}/letter-templates?key={}&notice=reset",
            crate::auth::url_encode(&kind.key())
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
