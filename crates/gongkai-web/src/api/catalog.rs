//! The agency's catalog (政府信息公开目录) and 索引号 pattern over JSON.
//!
//! Reading: anyone who may see the agency's staff pages (its members, and
//! admins or supervisors above it) — the tree itself is public on the 专栏,
//! the per-category counts are not. Changing: admins of the agency or above.

use super::lookup::{agency_and_tree, viewer};
use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongkai_domain::access::{admin_of, staff_view_of};
use gongkai_domain::catalog::{category_path, Category};
use gongkai_domain::publication::{IndexPattern, DEFAULT_INDEX_PATTERN};
use gongkai_domain::{AgencyAdmin, AgencyStaffView};
use gongkai_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

async fn admin(state: &AppState, p: &ApiPrincipal, code: &str) -> Result<AgencyAdmin, AppError> {
    let (agency, tree) = agency_and_tree(state, code).await?;
    admin_of(&p.0, &tree, agency.id).ok_or_else(|| {
        if staff_view_of(&p.0, &tree, agency.id).is_some() {
            AppError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "只有本机关（或上级机关）的管理员可以修改信息公开目录和索引号格式",
            )
        } else {
            AppError::forbidden()
        }
    })
}

// ---- catalog ----

#[derive(Serialize, ToSchema)]
pub struct CategoryJson {
    /// Stable key (lower-case letters, digits, hyphens), used in URLs and on publications.
    pub key: String,
    /// Key of the parent; `null` for the four sub-columns of the 专栏.
    pub parent_key: Option<String>,
    pub name: String,
    /// Position among its siblings (1, 2, …).
    pub sort_order: i64,
    /// 1 for the four sub-columns, 2 below them, …
    pub depth: usize,
    /// Names from the top down to this category.
    pub path: Vec<String>,
    /// Publications (any status) filed under this category itself.
    pub publications: i64,
    /// One of the four sub-columns every 专栏 has: fixed name, top level, cannot be removed.
    pub fixed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogJson {
    /// Parents first, siblings in order.
    pub categories: Vec<CategoryJson>,
}

fn catalog_json(tree: &[Category], usage: &BTreeMap<String, i64>) -> CatalogJson {
    CatalogJson {
        categories: tree
            .iter()
            .map(|c| {
                let path = category_path(tree, &c.key);
                CategoryJson {
                    key: c.key.clone(),
                    parent_key: c.parent_key.clone(),
                    name: c.name.clone(),
                    sort_order: c.sort_order,
                    depth: path.len(),
                    path,
                    publications: usage.get(&c.key).copied().unwrap_or(0),
                    fixed: gongkai_domain::catalog::FIXED_ROOTS
                        .iter()
                        .any(|(k, _)| *k == c.key),
                }
            })
            .collect(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CategoryInJson {
    pub key: String,
    #[serde(default)]
    pub parent_key: Option<String>,
    pub name: String,
    /// Position among its siblings; when absent, the order of the list.
    #[serde(default)]
    pub sort_order: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct CatalogInJson {
    /// The whole tree. The four sub-columns (`gkzn`, `gkzd`, `fdzdgknr`,
    /// `gknb`) must stay at the top level with their names; every other
    /// category sits below `fdzdgknr`.
    pub categories: Vec<CategoryInJson>,
}

#[derive(Serialize, ToSchema)]
pub struct UsedCategoryJson {
    pub key: String,
    pub name: String,
    pub publications: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogConflictDetail {
    /// `category_in_use`.
    pub code: String,
    pub message: String,
    /// The categories the new tree would remove although publications are filed under them.
    pub categories: Vec<UsedCategoryJson>,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogConflictBody {
    pub error: CatalogConflictDetail,
}

/// The agency's catalog with the publications filed under each category
/// (staff of the agency; admins and supervisors above it).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/catalog", tag = "publications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = CatalogJson), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn catalog_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<CatalogJson>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let tree = state.store().catalog(view.agency_id()).await?;
    let usage = state.store().catalog_usage(&view).await?;
    Ok(Json(catalog_json(&tree, &usage)))
}

/// Replaces the whole catalog (admins): keys unique, names unique among
/// siblings, parents exist, no cycles, at most four levels. Removing a
/// category that publications are filed under → 409 `category_in_use`
/// listing them; nothing is stored. Public items whose category path
/// changed are re-indexed for search.
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/catalog", tag = "publications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = CatalogInJson,
    responses((status = 200, body = CatalogJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "category_in_use（附 categories）", body = CatalogConflictBody)))]
pub async fn catalog_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CatalogInJson>,
) -> Result<Response, ApiError> {
    let cap = admin(&state, &p, &code).await?;
    let categories: Vec<Category> = body
        .categories
        .into_iter()
        .enumerate()
        .map(|(i, c)| Category {
            key: c.key,
            parent_key: c.parent_key,
            name: c.name,
            sort_order: c
                .sort_order
                .unwrap_or_else(|| i64::try_from(i).unwrap_or(i64::MAX - 1) + 1),
        })
        .collect();
    let keys: Vec<String> = categories
        .iter()
        .map(|c| c.key.trim().to_string())
        .collect();
    let store = state.store();
    let before = store.catalog(cap.agency_id()).await?;
    match store.save_catalog(&cap, categories).await {
        Ok(tree) => {
            let usage = store.catalog_usage(&cap.view()).await?;
            Ok(Json(catalog_json(&tree, &usage)).into_response())
        }
        Err(StoreError::Refused {
            code: "category_in_use",
            message,
        }) => {
            let usage = store.catalog_usage(&cap.view()).await?;
            let used = usage
                .iter()
                .filter(|(k, _)| !keys.contains(k))
                .map(|(k, n)| UsedCategoryJson {
                    key: k.clone(),
                    name: before
                        .iter()
                        .find(|c| &c.key == k)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| k.clone()),
                    publications: *n,
                })
                .collect();
            Ok((
                StatusCode::CONFLICT,
                Json(CatalogConflictBody {
                    error: CatalogConflictDetail {
                        code: "category_in_use".to_string(),
                        message,
                        categories: used,
                    },
                }),
            )
                .into_response())
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

// ---- 索引号 pattern ----

#[derive(Serialize, ToSchema)]
pub struct IndexPatternJson {
    /// The pattern in force, e.g. `{机构代码}/{YYYY}-{NNNNN}`.
    pub pattern: String,
    /// The platform's default pattern.
    pub default_pattern: String,
    /// The placeholders a pattern may use.
    pub placeholders: Vec<PlaceholderJson>,
    /// The 索引号 the next item written this year would get (nothing is reserved).
    pub preview: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlaceholderJson {
    pub placeholder: String,
    pub meaning: String,
}

/// The placeholders of a 索引号 pattern, with their meaning (Chinese).
pub fn placeholders() -> Vec<PlaceholderJson> {
    [
        ("{机构代码}", "本机关的机构代码（机关信息中设置）"),
        ("{机关代码}", "本机关在本平台的代码"),
        ("{YYYY}", "成文日期的年份（四位）"),
        (
            "{NNNNN}",
            "当年流水号，N 的个数（1至10）为补零后的位数；必须有且只有一个",
        ),
    ]
    .into_iter()
    .map(|(p, m)| PlaceholderJson {
        placeholder: p.to_string(),
        meaning: m.to_string(),
    })
    .collect()
}

async fn pattern_json(
    state: &AppState,
    view: &AgencyStaffView,
    pattern: &IndexPattern,
) -> Result<IndexPatternJson, AppError> {
    let year = crate::dates::today().year();
    Ok(IndexPatternJson {
        pattern: pattern.as_str().to_string(),
        default_pattern: DEFAULT_INDEX_PATTERN.to_string(),
        placeholders: placeholders(),
        preview: state
            .store()
            .index_number_preview(view, pattern, year)
            .await?,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct IndexPatternInJson {
    /// e.g. `{机构代码}/{YYYY}-{NNNNN}`: known placeholders only, exactly one serial.
    pub pattern: String,
}

/// The agency's 索引号 pattern with a preview of the next number (staff of the agency; above).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/index-pattern", tag = "publications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = IndexPatternJson), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn index_pattern_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<IndexPatternJson>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let pattern = state.store().index_pattern(view.agency_id()).await?;
    Ok(Json(pattern_json(&state, &view, &pattern).await?))
}

/// Sets the 索引号 pattern for new items (admins). Unknown placeholders,
/// no or several serials, unbalanced braces → 400 `invalid_input` naming
/// them. Numbers already given never change; a new number that would
/// repeat an old one is skipped.
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/index-pattern", tag = "publications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = IndexPatternInJson,
    responses((status = 200, body = IndexPatternJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn index_pattern_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<IndexPatternInJson>,
) -> Result<Json<IndexPatternJson>, ApiError> {
    let cap = admin(&state, &p, &code).await?;
    let pattern = state.store().set_index_pattern(&cap, &body.pattern).await?;
    Ok(Json(pattern_json(&state, &cap.view(), &pattern).await?))
}
