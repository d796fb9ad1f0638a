//! Imported reports of agencies not on the platform, over JSON (issue 7 §5).
//!
//! `POST /api/v1/agencies/{agency}/reports/{year}/imports` (multipart:
//! `file`, `agency_name`, optional `agency_code`) imports a report file into
//! `{agency}`'s roll-up — supervisors and admins of `{agency}` or above; the
//! same agency name and year again replaces it (the old version is kept).
//! `GET` lists the current imports (staff of `{agency}`), `DELETE …/{id}`
//! deletes one. The rules are the roll-up page's (`pages::rollup`): an
//! import with errors is stored and listed but not summed.

use crate::auth::ApiPrincipal;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::pages::rollup::{agency_year_tree, delete_import, import, read_import_form};
use crate::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gongkai_domain::access::staff_view_of;
use gongkai_store::ImportedReport;
use serde::Serialize;
use utoipa::ToSchema;

/// One finding of an imported report.
#[derive(Serialize, ToSchema)]
pub struct ImportFindingJson {
    /// `R1`…`R7`, `LABEL`, `BLANK`, `MISSING`, `TEXT`, `AMBIGUOUS`.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    pub location: String,
    pub message: String,
}

/// An imported report.
#[derive(Serialize, ToSchema)]
pub struct ImportJson {
    pub id: i64,
    pub year: i32,
    /// The agency the report belongs to (not on the platform).
    pub agency_name: String,
    pub agency_code: String,
    /// 1 for the first import of this name and year, N+1 for each re-import.
    pub version: i64,
    pub file_name: String,
    /// SHA-256 of the uploaded file.
    pub sha256: String,
    /// Counted in the roll-up's sum: false when the report has errors.
    pub summed: bool,
    pub errors: i64,
    pub warnings: i64,
    pub findings: Vec<ImportFindingJson>,
    pub imported_by: String,
    pub imported_at: String,
    /// The report as read, in the report-json shape.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

fn import_json(i: &ImportedReport) -> ImportJson {
    let report: serde_json::Value =
        serde_json::from_str(&i.report_json).unwrap_or(serde_json::Value::Null);
    let findings = i
        .report()
        .map(|(_, f)| f)
        .unwrap_or_default()
        .into_iter()
        .map(|f| ImportFindingJson {
            severity: if f.is_error() { "error" } else { "warning" }.to_string(),
            rule: f.rule,
            location: f.location,
            message: f.message,
        })
        .collect();
    ImportJson {
        id: i.id,
        year: i.year,
        agency_name: i.agency_name.clone(),
        agency_code: i.agency_code.clone(),
        version: i.version,
        file_name: i.file_name.clone(),
        sha256: i.sha256.clone(),
        summed: i.summed(),
        errors: i.errors,
        warnings: i.warnings,
        findings,
        imported_by: i.actor_label.clone(),
        imported_at: i.imported_at.clone(),
        report,
    }
}

/// The multipart upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// The report file: DOCX, XLSX, HTML or plain text, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The agency's name; blank: the name in the file's title.
    agency_name: Option<String>,
    /// Optional code of the agency.
    agency_code: Option<String>,
}

/// Imports the annual report of an agency that is not on the platform into
/// the roll-up of `{agency}` for `{year}`.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/reports/{year}/imports", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "导入所在的机关（上级机关）代码"), ("year" = i32, Path, description = "年度")),
    request_body(content = inline(ImportUpload), content_type = "multipart/form-data"),
    responses((status = 201, body = ImportJson),
              (status = 400, description = "invalid_input、invalid_form、unreadable_report、agency_on_platform", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, description = "file_too_large", body = ErrorBody)))]
pub async fn report_imports_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ImportJson>), ApiError> {
    let form = read_import_form(multipart).await?;
    let (_, imported) = import(&state, &p.0, &code, &year, &form).await?;
    Ok((StatusCode::CREATED, Json(import_json(&imported))))
}

/// The current imports of `{agency}` for `{year}`.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/reports/{year}/imports", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度")),
    responses((status = 200, body = Vec<ImportJson>),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report_imports_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year)): Path<(String, String)>,
) -> Result<Json<Vec<ImportJson>>, ApiError> {
    let store = state.store();
    let (agency, year, tree) = agency_year_tree(&state, &code, &year).await?;
    let view = staff_view_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let list = store.report_imports(&view, year).await?;
    Ok(Json(list.iter().map(import_json).collect()))
}

/// Deletes an import (it stays in the history, audited).
#[utoipa::path(delete, path = "/api/v1/agencies/{agency}/reports/{year}/imports/{id}", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度"), ("id" = i64, Path, description = "导入编号")),
    responses((status = 204, description = "已删除"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, description = "agency_not_found、import_not_found", body = ErrorBody)))]
pub async fn report_import_delete(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    delete_import(&state, &p.0, &code, &year, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
