//! The annual report's records over JSON (issue 7 §1): Art. 20 statistics,
//! reconsideration and litigation cases, NPC/CPPCC proposals, the 信息员
//! roster and training sessions, with the same rules as the staff pages.
//!
//! Reads need staff of the agency (or supervisors and admins above it);
//! writes a records editor (approvers of the agency, admins of it or above).
//! A change to a year whose report was submitted or published is refused
//! with `409 year_locked` until an admin unlocks the year (staff page
//! 年度报告 → 解锁). Bad input: `400 invalid_input`, the message naming the
//! field; nothing is stored.

use super::lookup::{agency_and_tree, viewer};
use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::dates::parse_date;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use gongkai_domain::access::{records_editor_of, staff_view_of};
use gongkai_domain::annual::{AppealKind, AppealResult, Art20Statistics, WanYuan};
use gongkai_domain::RecordsEditor;
use gongkai_store::{
    InfoOfficer, NewAppealCase, ProposalCounts, ProposalKind, StoredAppealCase, Training,
};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::reports::parse_year;

fn invalid(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError::bad_request("invalid_input", format!("字段 {field}：{message}"))
}

/// Staff who may read but not edit are told what is missing.
async fn editor(state: &AppState, p: &ApiPrincipal, code: &str) -> Result<RecordsEditor, AppError> {
    let (agency, tree) = agency_and_tree(state, code).await?;
    records_editor_of(&p.0, &tree, agency.id).ok_or_else(|| {
        if staff_view_of(&p.0, &tree, agency.id).is_some() {
            AppError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "年报记录由本机关负责人或管理员（及上级机关管理员）录入",
            )
        } else {
            AppError::forbidden()
        }
    })
}

fn date_field(field: &str, text: &Option<String>) -> Result<Option<Date>, AppError> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| parse_date(field, t))
        .transpose()
}

// ---- statistics ----

/// Art. 20 statistics of one year (table 二 (五)(六)(八)).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct StatisticsJson {
    /// 行政许可 decisions made in the year.
    pub licensing: u32,
    /// 行政处罚 decisions.
    pub penalty: u32,
    /// 行政强制 decisions.
    pub enforcement: u32,
    /// 行政事业性收费 in 万元, an exact decimal with at most four places, e.g. `"12.5"`.
    pub administrative_fees_wan_yuan: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearStatisticsJson {
    pub year: i32,
    /// Whether the year's statistics were entered (otherwise all zero).
    pub entered: bool,
    #[serde(flatten)]
    pub statistics: StatisticsJson,
}

fn statistics_json(year: i32, s: Option<Art20Statistics>) -> YearStatisticsJson {
    let entered = s.is_some();
    let s = s.unwrap_or_default();
    YearStatisticsJson {
        year,
        entered,
        statistics: StatisticsJson {
            licensing: s.licensing,
            penalty: s.penalty,
            enforcement: s.enforcement,
            administrative_fees_wan_yuan: s.administrative_fees.to_string(),
        },
    }
}

/// The Art. 20 statistics of `year`.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/records/{year}/statistics", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度")),
    responses((status = 200, body = YearStatisticsJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn statistics_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year)): Path<(String, String)>,
) -> Result<Json<YearStatisticsJson>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let year = parse_year(&year)?;
    let s = state.store().statistics(&view, year).await?;
    Ok(Json(statistics_json(year, s)))
}

/// Enters or corrects the Art. 20 statistics of `year`.
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/records/{year}/statistics", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度")),
    request_body = StatisticsJson,
    responses((status = 200, body = YearStatisticsJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "year_locked：该年度报告已报送或已发布，须先解锁", body = ErrorBody)))]
pub async fn statistics_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<StatisticsJson>,
) -> Result<Json<YearStatisticsJson>, ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let year = parse_year(&year)?;
    let fees = body.administrative_fees_wan_yuan.trim();
    let stats = Art20Statistics {
        licensing: body.licensing,
        penalty: body.penalty,
        enforcement: body.enforcement,
        administrative_fees: if fees.is_empty() {
            WanYuan::ZERO
        } else {
            WanYuan::parse(fees).map_err(|e| invalid("administrative_fees_wan_yuan", e))?
        },
    };
    state.store().set_statistics(&cap, year, stats).await?;
    Ok(Json(statistics_json(year, Some(stats))))
}

// ---- cases ----

#[derive(Serialize, ToSchema)]
pub struct CaseJson {
    pub id: i64,
    /// `reconsideration` (行政复议), `direct_suit` (未经复议直接起诉) or
    /// `suit_after_reconsideration` (复议后起诉).
    pub kind: String,
    pub kind_label: String,
    /// Tracking code of the application the case is about.
    pub application: Option<String>,
    pub filed_on: String,
    /// `upheld` (结果维持), `corrected` (结果纠正), `other` (其他结果); absent while pending (尚未审结).
    pub result: Option<String>,
    pub result_label: Option<String>,
    pub decided_on: Option<String>,
    /// After 结果纠正 on a linked application: the reopened application's new answer deadline.
    pub reanswer_due_on: Option<String>,
    pub note: String,
}

fn case_json(c: &StoredAppealCase) -> CaseJson {
    CaseJson {
        id: c.id,
        kind: c.case.kind.id().to_string(),
        kind_label: c.case.kind_label.to_string(),
        application: c.tracking_code.clone(),
        filed_on: c.case.filed_on.clone(),
        result: c.case.result.map(|r| r.id().to_string()),
        result_label: c.case.result_label.map(str::to_string),
        decided_on: c.case.decided_on.clone(),
        reanswer_due_on: c.reanswer_due_on.clone(),
        note: c.note.clone(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CaseInJson {
    /// `reconsideration`, `direct_suit` or `suit_after_reconsideration`.
    pub kind: String,
    /// Tracking code (查询码) of the agency's application the case is about.
    pub application: Option<String>,
    /// 立案/申请日期 `YYYY-MM-DD`.
    pub filed_on: String,
    /// `upheld`, `corrected` or `other`; omit while pending.
    pub result: Option<String>,
    /// 审结日期, with `result`.
    pub decided_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionJson {
    /// `upheld`, `corrected` or `other`; `null` to clear (pending again).
    pub result: Option<String>,
    /// 审结日期 `YYYY-MM-DD`, with `result`.
    pub decided_on: Option<String>,
}

fn decision(
    result: &Option<String>,
    decided_on: &Option<String>,
) -> Result<Option<(AppealResult, Date)>, AppError> {
    let result = result.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let decided = date_field("decided_on", decided_on)?;
    match (result, decided) {
        (None, None) => Ok(None),
        (Some(r), Some(d)) => {
            let r = AppealResult::from_id(r).ok_or_else(|| {
                invalid(
                    "result",
                    format!("审理结果“{r}”无效，应为 upheld、corrected 或 other"),
                )
            })?;
            Ok(Some((r, d)))
        }
        (Some(_), None) => Err(invalid("decided_on", "填写审理结果时须填写审结日期")),
        (None, Some(_)) => Err(invalid("result", "填写审结日期时须填写审理结果")),
    }
}

/// The agency's reconsideration and litigation cases, newest filing first.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/cases", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = Vec<CaseJson>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cases_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Vec<CaseJson>>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let cases = state.store().appeal_cases(&view).await?;
    Ok(Json(cases.iter().map(case_json).collect()))
}

/// Records a case. A 结果纠正 result on a linked application reopens that
/// application for a fresh answer (20 working days from the decision).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/cases", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = CaseInJson,
    responses((status = 201, body = CaseJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "year_locked", body = ErrorBody)))]
pub async fn cases_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CaseInJson>,
) -> Result<(StatusCode, Json<CaseJson>), ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let kind = AppealKind::from_id(body.kind.trim()).ok_or_else(|| {
        invalid(
            "kind",
            format!(
                "案件类型“{}”无效，应为 reconsideration、direct_suit 或 suit_after_reconsideration",
                body.kind
            ),
        )
    })?;
    let new = NewAppealCase {
        kind,
        application: body.application.clone(),
        filed_on: parse_date("filed_on", &body.filed_on)?,
        decided: decision(&body.result, &body.decided_on)?,
        note: body.note,
    };
    let calendar = state.store().calendar().await?;
    let case = state.store().add_appeal_case(&cap, &calendar, new).await?;
    Ok((StatusCode::CREATED, Json(case_json(&case))))
}

/// Records (or clears) a case's result.
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/cases/{id}", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("id" = i64, Path, description = "案件编号")),
    request_body = DecisionJson,
    responses((status = 200, body = CaseJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "year_locked 或 case_reopened_application", body = ErrorBody)))]
pub async fn case_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<DecisionJson>,
) -> Result<Json<CaseJson>, ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::not_found())?;
    let decided = decision(&body.result, &body.decided_on)?;
    let calendar = state.store().calendar().await?;
    let case = state
        .store()
        .decide_appeal_case(&cap, &calendar, id, decided)
        .await?;
    Ok(Json(case_json(&case)))
}

// ---- proposals ----

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ProposalJson {
    /// `npc` (人大代表建议) or `cppcc` (政协委员提案).
    pub kind: String,
    #[serde(default, skip_deserializing)]
    pub kind_label: String,
    /// 承办件数.
    pub received: u32,
    /// 办结件数.
    pub handled: u32,
    /// 公开办理结果件数 (at most `handled`).
    pub results_published: u32,
}

fn proposal_json(c: &ProposalCounts) -> ProposalJson {
    ProposalJson {
        kind: c.kind.as_str().to_string(),
        kind_label: c.kind.label().to_string(),
        received: c.received,
        handled: c.handled,
        results_published: c.results_published,
    }
}

/// The NPC/CPPCC proposals handled in `year`, per kind entered.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/records/{year}/proposals", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度")),
    responses((status = 200, body = Vec<ProposalJson>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn proposals_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year)): Path<(String, String)>,
) -> Result<Json<Vec<ProposalJson>>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let year = parse_year(&year)?;
    let rows = state.store().proposals(&view, year).await?;
    Ok(Json(rows.iter().map(proposal_json).collect()))
}

/// Enters the proposals of one kind handled in `year` (replacing what was entered).
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/records/{year}/proposals", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("year" = i32, Path, description = "年度")),
    request_body = ProposalJson,
    responses((status = 200, body = Vec<ProposalJson>),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "year_locked", body = ErrorBody)))]
pub async fn proposals_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<ProposalJson>,
) -> Result<Json<Vec<ProposalJson>>, ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let year = parse_year(&year)?;
    let kind = ProposalKind::parse(body.kind.trim()).ok_or_else(|| {
        invalid(
            "kind",
            format!("类别“{}”无效，应为 npc 或 cppcc", body.kind),
        )
    })?;
    state
        .store()
        .set_proposals(
            &cap,
            year,
            ProposalCounts {
                kind,
                received: body.received,
                handled: body.handled,
                results_published: body.results_published,
            },
        )
        .await?;
    let rows = state.store().proposals(&cap.view(), year).await?;
    Ok(Json(rows.iter().map(proposal_json).collect()))
}

// ---- roster ----

#[derive(Serialize, ToSchema)]
pub struct OfficerJson {
    pub id: i64,
    pub name: String,
    /// 所在科室.
    pub unit: String,
    pub since_on: String,
    /// Absent while on the roster.
    pub left_on: Option<String>,
}

fn officer_json(o: &InfoOfficer) -> OfficerJson {
    OfficerJson {
        id: o.id,
        name: o.name.clone(),
        unit: o.unit.clone(),
        since_on: o.since_on.clone(),
        left_on: o.left_on.clone(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct OfficerInJson {
    pub name: String,
    #[serde(default)]
    pub unit: String,
    /// 任职日期 `YYYY-MM-DD`.
    pub since_on: String,
}

#[derive(Deserialize, ToSchema)]
pub struct OfficerLeftJson {
    /// 离任日期 `YYYY-MM-DD`.
    pub left_on: String,
}

/// The 信息员 roster, current first.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/roster", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = Vec<OfficerJson>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn roster_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Vec<OfficerJson>>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let rows = state.store().info_officers(&view).await?;
    Ok(Json(rows.iter().map(officer_json).collect()))
}

/// Adds a 信息员 to the roster.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/roster", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = OfficerInJson,
    responses((status = 201, body = OfficerJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn roster_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<OfficerInJson>,
) -> Result<(StatusCode, Json<OfficerJson>), ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let since = parse_date("since_on", &body.since_on)?;
    let o = state
        .store()
        .add_info_officer(&cap, &body.name, &body.unit, since)
        .await?;
    Ok((StatusCode::CREATED, Json(officer_json(&o))))
}

/// Records that a 信息员 left the roster.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/roster/{id}/left", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ("id" = i64, Path, description = "信息员编号")),
    request_body = OfficerLeftJson,
    responses((status = 204, description = "已登记离任"),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn roster_left_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path((code, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<OfficerLeftJson>,
) -> Result<StatusCode, ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::not_found())?;
    let left = parse_date("left_on", &body.left_on)?;
    state.store().info_officer_left(&cap, id, left).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- trainings ----

#[derive(Serialize, ToSchema)]
pub struct TrainingJson {
    pub id: i64,
    pub held_on: String,
    pub topic: String,
    /// 参训人次.
    pub attendances: u32,
}

fn training_json(t: &Training) -> TrainingJson {
    TrainingJson {
        id: t.id,
        held_on: t.held_on.clone(),
        topic: t.topic.clone(),
        attendances: t.attendances,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TrainingInJson {
    /// 培训日期 `YYYY-MM-DD`.
    pub held_on: String,
    pub topic: String,
    pub attendances: u32,
}

#[derive(Deserialize, IntoParams)]
pub struct TrainingsQuery {
    /// Only sessions held in this year.
    pub year: Option<String>,
}

/// Training sessions, by date (one year with `?year=`).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/trainings", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), TrainingsQuery),
    responses((status = 200, body = Vec<TrainingJson>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trainings_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    Query(q): Query<TrainingsQuery>,
) -> Result<Json<Vec<TrainingJson>>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let year = q.year.as_deref().map(parse_year).transpose()?;
    let rows = state.store().trainings(&view, year).await?;
    Ok(Json(rows.iter().map(training_json).collect()))
}

/// Records a training session.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/trainings", tag = "reports", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = TrainingInJson,
    responses((status = 201, body = TrainingJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "year_locked", body = ErrorBody)))]
pub async fn trainings_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<TrainingInJson>,
) -> Result<(StatusCode, Json<TrainingJson>), ApiError> {
    let cap = editor(&state, &p, &code).await?;
    let held = parse_date("held_on", &body.held_on)?;
    let t = state
        .store()
        .add_training(&cap, held, &body.topic, body.attendances)
        .await?;
    Ok((StatusCode::CREATED, Json(training_json(&t))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_both_result_and_date() {
        assert!(matches!(decision(&None, &None), Ok(None)));
        let ok = decision(&Some("corrected".into()), &Some("2025-03-04".into()));
        assert!(matches!(ok, Ok(Some((AppealResult::Corrected, _)))));
        let e = decision(&Some("corrected".into()), &None).err();
        assert!(e.is_some_and(|e| e.message.contains("decided_on")));
        let e = decision(&Some("won".into()), &Some("2025-03-04".into())).err();
        assert!(e.is_some_and(|e| e.message.contains("result")));
    }
}
