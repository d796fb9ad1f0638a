//! The annual report over JSON (issue 7 §4).
//!
//! `GET /api/v1/agencies/{agency}/reports/{year}` is public (no token) once
//! the year's report is published and then answers the newest published
//! version exactly as stored; before that it answers staff of the agency
//! (and supervisors and admins above) with the report computed so far from
//! the records, and anyone else with 401/403.

use crate::auth::ApiPrincipal;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_domain::access::staff_view_of;
use gongkai_store::Agency;

/// The year of a path segment (2019–2100).
pub fn parse_year(text: &str) -> Result<i32, AppError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2019..=2100).contains(y))
        .ok_or_else(|| {
            AppError::bad_request(
                "invalid_input",
                format!("字段 year：年度“{text}”无效，应为2019年及以后的年份"),
            )
        })
}

async fn agency(state: &AppState, code: &str) -> Result<Agency, AppError> {
    state
        .store()
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))
}

fn json_response(text: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

/// The annual report of `year` in the report-json shape: the newest
/// published version (public), or before publication the report computed
/// from the agency's records so far (staff only).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/reports/{year}", tag = "reports", security((), ("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度")),
    responses((status = 200, description = "年报 JSON（report-json 格式）；已发布时为最新发布版本，未发布时为按记录计算的草稿", body = Object),
              (status = 400, body = ErrorBody), (status = 401, description = "未发布且未提供令牌", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_report_get(
    State(state): State<AppState>,
    principal: Result<ApiPrincipal, ApiError>,
    Path((code, year)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let agency = agency(&state, &code).await?;
    let year = parse_year(&year)?;
    if let Some(v) = state.store().latest_version(agency.id, year).await? {
        return Ok(json_response(v.report_json));
    }
    let p = principal?;
    let tree = state.store().agency_tree().await?;
    let view = staff_view_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let computed = state.store().compute_year_report(&view, year).await?;
    Ok(json_response(computed.to_json()))
}
