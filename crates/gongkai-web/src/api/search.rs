//! `GET /api/v1/search`: full-text search of published information (public).

use crate::error::{ApiError, AppError, ErrorBody};
use crate::search::{item_url, validity_label, SearchParams};
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use gongkai_search::{FacetCount, SearchResults};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SearchHitJson {
    pub id: i64,
    pub title: String,
    /// Name of the publishing agency.
    pub agency: String,
    pub agency_code: String,
    /// 索引号.
    pub index_number: String,
    /// 文号.
    pub document_number: Option<String>,
    /// YYYY-MM-DD.
    pub published_on: String,
    /// Category path (栏目).
    pub category: Vec<String>,
    /// `valid`, `expired`, `repealed` or `amended`.
    pub validity: String,
    /// Address of the item's page.
    pub url: String,
    /// HTML: an excerpt, escaped, with the matched words in `<mark>`.
    pub snippet: String,
}

#[derive(Serialize, ToSchema)]
pub struct FacetJson {
    /// The value to pass back as a filter.
    pub value: String,
    /// Chinese label.
    pub label: String,
    pub count: u64,
}

/// Counts per value; each dimension is counted with all filters except its own.
#[derive(Serialize, ToSchema)]
pub struct FacetsJson {
    pub agency: Vec<FacetJson>,
    pub category: Vec<FacetJson>,
    pub year: Vec<FacetJson>,
    pub validity: Vec<FacetJson>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchJson {
    /// Number of matching items (all pages).
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub pages: usize,
    pub hits: Vec<SearchHitJson>,
    pub facets: FacetsJson,
}

fn facets(v: Vec<FacetCount>) -> Vec<FacetJson> {
    v.into_iter()
        .map(|f| FacetJson {
            value: f.value,
            label: f.label,
            count: f.count,
        })
        .collect()
}

pub fn search_json(r: SearchResults) -> SearchJson {
    let pages = r.pages();
    SearchJson {
        total: r.total,
        page: r.page,
        per_page: r.per_page,
        pages,
        hits: r
            .hits
            .into_iter()
            .map(|h| SearchHitJson {
                url: item_url(&h.agency_code, h.id),
                id: h.id,
                title: h.title,
                agency: h.agency,
                agency_code: h.agency_code,
                index_number: h.index_number,
                document_number: h.document_number,
                published_on: h.published_on.to_string(),
                category: h.category,
                validity: h.validity,
                snippet: h.snippet,
            })
            .collect(),
        facets: FacetsJson {
            agency: facets(r.facets.agency),
            category: facets(r.facets.category),
            year: facets(r.facets.year),
            validity: facets(
                r.facets
                    .validity
                    .into_iter()
                    .map(|mut f| {
                        f.label = validity_label(&f.value);
                        f
                    })
                    .collect(),
            ),
        },
    }
}

/// Full-text search of published government information (public, no login).
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Hits, newest first when `q` is empty, otherwise by relevance", body = SearchJson),
        (status = 400, description = "A parameter is malformed (`invalid_date`, `invalid_date_range`, `invalid_number`, `invalid_validity`, `invalid_query`)", body = ErrorBody),
        (status = 503, description = "Search is not enabled on this server (`search_unavailable`)", body = ErrorBody)
    )
)]
pub async fn search_get(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchJson>, ApiError> {
    let Query(params) = params.map_err(|_| {
        AppError::bad_request("invalid_query", "查询参数格式不正确，请检查地址中的参数")
    })?;
    let query = params.to_query()?;
    let results = crate::search::run(state.search(), query).await?;
    Ok(Json(search_json(results)))
}
