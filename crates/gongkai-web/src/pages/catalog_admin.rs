//! `/admin/agencies/{agency}/catalog`: the agency admin edits the catalog
//! (政府信息公开目录) one step at a time — add a category under a parent,
//! rename, move up or down, delete (refused, with the reason, while
//! publications are filed under it or it has children) — and the 索引号
//! pattern (`/admin/agencies/{agency}/index-pattern`, with a preview of the
//! next number). Admins of the agency or above only (AgencyAdmin).

use super::xxgk::public_agency;
use super::Nav;
use crate::api::catalog::{placeholders, PlaceholderJson};
use crate::auth::{Session, StaffSession};
use crate::csrf;
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::access::admin_of;
use gongkai_domain::catalog::{
    category_path, CatalogEdit, Category, FIXED_ROOTS, MAX_DEPTH, MAX_KEY_LEN, MAX_NAME_CHARS,
    STATUTORY_KEY,
};
use gongkai_domain::publication::{IndexPattern, DEFAULT_INDEX_PATTERN};
use gongkai_domain::AgencyAdmin;
use gongkai_store::{Agency, StoreError};
use serde::Deserialize;
use std::collections::BTreeMap;

pub struct Row {
    pub key: String,
    pub name: String,
    /// 0 for the four sub-columns.
    pub indent: usize,
    pub publications: i64,
    pub fixed: bool,
    pub first: bool,
    pub last: bool,
    /// Why deleting is refused (shown beside the button).
    pub why_not_delete: Option<String>,
}

pub struct ParentOption {
    pub key: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "catalog_admin.html")]
struct CatalogPage {
    nav: Nav,
    agency: Agency,
    csrf_token: String,
    notice: Option<&'static str>,
    error: Option<String>,
    rows: Vec<Row>,
    parents: Vec<ParentOption>,
    add_parent: String,
    add_name: String,
    add_key: String,
    max_depth: usize,
    max_name: usize,
    max_key: usize,
    pattern: String,
    pattern_input: String,
    pattern_preview: Option<String>,
    preview: String,
    default_pattern: &'static str,
    placeholders: Vec<PlaceholderJson>,
}

/// What the form sent back, kept when the page is shown again with an error.
#[derive(Default)]
struct Kept {
    add_parent: Option<String>,
    add_name: String,
    add_key: String,
    pattern_input: Option<String>,
    pattern_preview: Option<String>,
}

fn rows(tree: &[Category], usage: &BTreeMap<String, i64>) -> Vec<Row> {
    tree.iter()
        .map(|c| {
            let siblings: Vec<&Category> = tree
                .iter()
                .filter(|o| o.parent_key == c.parent_key)
                .collect();
            let position = siblings.iter().position(|o| o.key == c.key).unwrap_or(0);
            let publications = usage.get(&c.key).copied().unwrap_or(0);
            let fixed = FIXED_ROOTS.iter().any(|(k, _)| *k == c.key);
            let children = tree
                .iter()
                .filter(|o| o.parent_key.as_deref() == Some(c.key.as_str()))
                .count();
            let why_not_delete = if fixed {
                None
            } else if publications > 0 {
                Some(format!("其下有{publications}条公开信息，不能删除"))
            } else if children > 0 {
                Some(format!("其下有{children}个下级栏目，不能删除"))
            } else {
                None
            };
            Row {
                key: c.key.clone(),
                name: c.name.clone(),
                indent: category_path(tree, &c.key).len().saturating_sub(1),
                publications,
                fixed,
                first: position == 0,
                last: position + 1 == siblings.len(),
                why_not_delete,
            }
        })
        .collect()
}

/// Categories a new one may go under: 法定主动公开内容 and its subtree,
/// above the deepest level.
fn parents(tree: &[Category]) -> Vec<ParentOption> {
    tree.iter()
        .filter_map(|c| {
            let path = category_path(tree, &c.key);
            let under_statutory = c.key == STATUTORY_KEY
                || gongkai_domain::catalog::with_descendants(tree, STATUTORY_KEY).contains(&c.key);
            (under_statutory && path.len() < MAX_DEPTH).then(|| ParentOption {
                key: c.key.clone(),
                label: path.join(" › "),
            })
        })
        .collect()
}

/// The message without its API field prefix (`字段 categories[3].name：`).
fn plain(message: &str) -> String {
    match message.strip_prefix("字段 ") {
        Some(rest) => match rest.split_once('：') {
            Some((field, text)) if field.starts_with("index_pattern") => {
                format!("【索引号格式】{text}")
            }
            Some((_, text)) => text.to_string(),
            None => message.to_string(),
        },
        None => message.to_string(),
    }
}

async fn admin_cap(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(Agency, AgencyAdmin), AppError> {
    let agency = public_agency(state, code).await?;
    let tree = state.store().agency_tree().await?;
    let cap = admin_of(&session.principal, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok((agency, cap))
}

async fn page(
    state: &AppState,
    session: &Session,
    agency: Agency,
    cap: &AgencyAdmin,
    notice: Option<&'static str>,
    error: Option<String>,
    kept: Kept,
) -> Result<CatalogPage, AppError> {
    let store = state.store();
    let tree = store.catalog(agency.id).await?;
    let usage = store.catalog_usage(&cap.view()).await?;
    let pattern = store.index_pattern(agency.id).await?;
    let year = crate::dates::today().year();
    let preview = store
        .index_number_preview(&cap.view(), &pattern, year)
        .await?;
    Ok(CatalogPage {
        nav: Nav::new(state, Some(session)),
        csrf_token: session.csrf_token.clone(),
        notice,
        error,
        rows: rows(&tree, &usage),
        parents: parents(&tree),
        add_parent: kept.add_parent.unwrap_or_else(|| STATUTORY_KEY.to_string()),
        add_name: kept.add_name,
        add_key: kept.add_key,
        max_depth: MAX_DEPTH,
        max_name: MAX_NAME_CHARS,
        max_key: MAX_KEY_LEN,
        pattern_input: kept
            .pattern_input
            .unwrap_or_else(|| pattern.as_str().to_string()),
        pattern: pattern.as_str().to_string(),
        pattern_preview: kept.pattern_preview,
        preview,
        default_pattern: DEFAULT_INDEX_PATTERN,
        placeholders: placeholders(),
        agency,
    })
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "added" => "已新增栏目。",
        "renamed" => "已改名。",
        "moved" => "已调整顺序。",
        "deleted" => "已删除栏目。",
        "pattern" => "已保存索引号格式，今后新建的信息按新格式编号。",
        _ => return None,
    })
}

pub async fn catalog_admin_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let notice = notice_text(q.notice.as_deref());
    let p = page(
        &state,
        &session,
        agency,
        &cap,
        notice,
        None,
        Kept::default(),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

#[derive(Deserialize)]
pub struct CatalogForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    op: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_key: String,
    #[serde(default)]
    new_key: String,
}

pub async fn catalog_admin_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<CatalogForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let (edit, done) = match f.op.as_str() {
        "add" => (
            CatalogEdit::Add {
                parent_key: f.parent_key.clone(),
                key: Some(f.new_key.clone()),
                name: f.name.clone(),
            },
            "added",
        ),
        "rename" => (
            CatalogEdit::Rename {
                key: f.key.clone(),
                name: f.name.clone(),
            },
            "renamed",
        ),
        "up" | "down" => (
            CatalogEdit::Move {
                key: f.key.clone(),
                up: f.op == "up",
            },
            "moved",
        ),
        "delete" => (CatalogEdit::Remove { key: f.key.clone() }, "deleted"),
        other => {
            return Err(AppError::bad_request(
                "invalid_input",
                format!("未知的操作“{other}”，应为新增、改名、上移、下移或删除"),
            )
            .into())
        }
    };
    match state.store().edit_catalog(&cap, edit).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/admin/agencies/{code}/catalog?notice={done}")).into_response(),
        ),
        Err(StoreError::Rejected { message, .. }) => {
            refused_page(
                &state,
                &session,
                agency,
                &cap,
                StatusCode::BAD_REQUEST,
                &message,
                &f,
            )
            .await
        }
        Err(StoreError::Refused { message, .. }) => {
            refused_page(
                &state,
                &session,
                agency,
                &cap,
                StatusCode::CONFLICT,
                &message,
                &f,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused_page(
    state: &AppState,
    session: &Session,
    agency: Agency,
    cap: &AgencyAdmin,
    status: StatusCode,
    message: &str,
    f: &CatalogForm,
) -> Result<Response, PageError> {
    let kept = if f.op == "add" {
        Kept {
            add_parent: Some(f.parent_key.clone()),
            add_name: f.name.clone(),
            add_key: f.new_key.clone(),
            ..Kept::default()
        }
    } else {
        Kept::default()
    };
    let p = page(
        state,
        session,
        agency,
        cap,
        None,
        Some(plain(message)),
        kept,
    )
    .await?;
    Ok((status, render(&p)?).into_response())
}

#[derive(Deserialize)]
pub struct PatternForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    pattern: String,
    #[serde(default)]
    action: String,
}

pub async fn index_pattern_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<PatternForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let store = state.store();
    let message = if f.action == "preview" {
        match IndexPattern::parse(&f.pattern) {
            Ok(pattern) => {
                let year = crate::dates::today().year();
                let pv = store
                    .index_number_preview(&cap.view(), &pattern, year)
                    .await?;
                let kept = Kept {
                    pattern_input: Some(f.pattern.clone()),
                    pattern_preview: Some(pv),
                    ..Kept::default()
                };
                let p = page(&state, &session, agency, &cap, None, None, kept).await?;
                return Ok(render(&p)?.into_response());
            }
            Err(e) => e.to_string(),
        }
    } else {
        match store.set_index_pattern(&cap, &f.pattern).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/admin/agencies/{code}/catalog?notice=pattern#pattern-h"
                ))
                .into_response())
            }
            Err(StoreError::Rejected { message, .. }) => message,
            Err(e) => return Err(e.into()),
        }
    };
    let kept = Kept {
        pattern_input: Some(f.pattern.clone()),
        ..Kept::default()
    };
    let p = page(
        &state,
        &session,
        agency,
        &cap,
        None,
        Some(plain(&message)),
        kept,
    )
    .await?;
    Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
}
