//! The annual report pages (issue 7 §4).
//!
//! Staff: `/admin/agencies/{agency}/reports/{year}` shows the report
//! computed from records (tables in the official layout, findings of the
//! rules), the records entry forms, the narrative editor, the workflow
//! buttons each role may press, and the published versions. Every change is
//! a POST with the session's CSRF token to `…/reports/{year}/{action}` (or
//! `…/{action}/{id}`); the statistics import is a multipart upload.
//!
//! Public: `/{agency}/xxgk/reports` (published years) and
//! `/{agency}/xxgk/reports/{year}` (the newest published version in the
//! official layout, its versions with a line diff against the previous one,
//! a stale notice after an unlock), with downloads
//! `/{agency}/xxgk/reports/{year}.docx|.xlsx|.pdf` of that version.

use super::Nav;
use crate::auth::{MaybeSession, Session, StaffSession};
use crate::csrf;
use crate::dates::{parse_date, today};
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_docs::{Block, Doc};
use gongkai_domain::access::{admin_of, records_editor_of, report_reviewer_of, staff_view_of};
use gongkai_domain::annual::{AppealKind, AppealResult, Art20Statistics, WanYuan};
use gongkai_domain::records::{line_diff, DiffLine, ReportStatus};
use gongkai_domain::AgencyTree;
use gongkai_report::{layout, Finding, Narrative};
use gongkai_store::{
    Agency, DeadlineInfo, InfoOfficer, NewAppealCase, ProposalCounts, ProposalKind,
    PublishedVersion, StoredAppealCase, Training,
};
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A document as an HTML fragment (escaped): headings, paragraphs and
/// tables with their row and column spans, as the official layout has them.
pub fn doc_html(doc: &Doc) -> String {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 4) + 1;
                out.push_str(&format!("<h{l}>{}</h{l}>\n", escape(text)));
            }
            Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", escape(text))),
            Block::Table(t) => {
                out.push_str("<div class=\"table-wrap\"><table class=\"report\">\n");
                for row in &t.rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let mut attrs = String::new();
                        if cell.row_span > 1 {
                            attrs.push_str(&format!(" rowspan=\"{}\"", cell.row_span));
                        }
                        if cell.col_span > 1 {
                            attrs.push_str(&format!(" colspan=\"{}\"", cell.col_span));
                        }
                        out.push_str(&format!(
                            "<td{attrs}>{}</td>",
                            escape(&cell.text).replace('\n', "<br>")
                        ));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table></div>\n");
            }
        }
    }
    out
}

fn parse_count(field: &str, text: &str) -> Result<u32, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<u32>().map_err(|_| {
        AppError::bad_request("invalid_input", format!("字段 {field}：“{t}”不是非负整数"))
    })
}

struct Resolved {
    agency: Agency,
    tree: AgencyTree,
    year: i32,
}

async fn resolve(state: &AppState, code: &str, year: &str) -> Result<Resolved, AppError> {
    let agency = state
        .store()
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = state.store().agency_tree().await?;
    let year = crate::api::reports::parse_year(year)?;
    Ok(Resolved { agency, tree, year })
}

pub struct FindingRow {
    pub severity: &'static str,
    pub rule: String,
    pub location: String,
    pub message: String,
}

fn finding_rows(findings: &[Finding]) -> Vec<FindingRow> {
    findings
        .iter()
        .map(|f| FindingRow {
            severity: if f.is_error() { "错误" } else { "提示" },
            rule: f.rule.clone(),
            location: f.location.clone(),
            message: f.message.clone(),
        })
        .collect()
}

pub struct SectionEdit {
    pub index: usize,
    pub heading: &'static str,
    pub text: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

pub struct VersionRow {
    pub version: PublishedVersion,
    pub diff: Vec<DiffLine>,
}

#[derive(Template)]
#[template(path = "report_staff.html")]
struct StaffReportPage {
    nav: Nav,
    csrf_token: String,
    agency: Agency,
    year: i32,
    status_label: &'static str,
    comments: String,
    locked: bool,
    stale: bool,
    deadline: DeadlineInfo,
    notice: Option<&'static str>,
    error: Option<String>,
    is_editor: bool,
    can_edit: bool,
    can_review: bool,
    can_publish: bool,
    can_unlock: bool,
    findings: Vec<FindingRow>,
    report_html: String,
    drafted: bool,
    preamble: String,
    sections: Vec<SectionEdit>,
    licensing: String,
    penalty: String,
    enforcement: String,
    fees: String,
    cases: Vec<StoredAppealCase>,
    appeal_kinds: Vec<Choice>,
    appeal_results: Vec<Choice>,
    proposals: Vec<ProposalCounts>,
    proposal_kinds: Vec<Choice>,
    officers: Vec<InfoOfficer>,
    trainings: Vec<Training>,
    versions: Vec<VersionRow>,
    unlocks: Vec<(String, String, String)>,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "statistics" => "第二十条统计数据已保存。",
        "import" => "统计数据已导入。",
        "case" => "复议诉讼案件已保存。",
        "case_deleted" => "案件已删除。",
        "proposals" => "建议提案办理情况已保存。",
        "officer" => "信息员名册已更新。",
        "training" => "培训记录已保存。",
        "training_deleted" => "培训记录已删除。",
        "narrative" => "报告正文已保存。",
        "submit" => "年报已报送上级机关审核。",
        "return" => "年报已退回修改。",
        "accept" => "年报已审核通过，可以发布。",
        "publish" => "年报已发布。",
        "unlock" => "该年度已解锁，已发布的报告标为“待更新”。",
        _ => return None,
    })
}

fn version_rows(versions: Vec<PublishedVersion>) -> Vec<VersionRow> {
    let texts: Vec<String> = versions
        .iter()
        .map(|v| {
            gongkai_store::report_from_json(&v.report_json)
                .map(|r| gongkai_report::to_text(&r))
                .unwrap_or_default()
        })
        .collect();
    versions
        .into_iter()
        .enumerate()
        .map(|(i, version)| VersionRow {
            diff: if i == 0 {
                Vec::new()
            } else {
                line_diff(&texts[i - 1], &texts[i])
                    .into_iter()
                    .filter(|l| l.op != ' ')
                    .collect()
            },
            version,
        })
        .collect()
}

async fn staff_page(
    state: &AppState,
    session: &Session,
    code: &str,
    year: &str,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let store = state.store();
    let r = resolve(state, code, year).await?;
    let p = &session.principal;
    let view = staff_view_of(p, &r.tree, r.agency.id).ok_or_else(AppError::forbidden)?;
    let is_editor = records_editor_of(p, &r.tree, r.agency.id).is_some();
    let is_reviewer = report_reviewer_of(p, &r.tree, r.agency.id).is_some();
    let is_admin = admin_of(p, &r.tree, r.agency.id).is_some();
    let year = r.year;
    let state_row = store.report_state(&view, year).await?;
    let status = state_row.as_ref().map(|s| s.status);
    let editable = status.is_none_or(|s| s.is_editable());
    let computed = store.compute_year_report(&view, year).await?;
    let stats = store.statistics(&view, year).await?.unwrap_or_default();
    let narrative = &computed.report.narrative;
    let sections = gongkai_report::labels::SECTION_HEADINGS
        .iter()
        .enumerate()
        .map(|(index, heading)| SectionEdit {
            index,
            heading,
            text: narrative.sections[index].clone(),
        })
        .collect();
    let status_code = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = render(&StaffReportPage {
        nav: Nav::new(state, Some(session)),
        csrf_token: session.csrf_token.clone(),
        year,
        status_label: status.map(ReportStatus::label).unwrap_or("尚未开始"),
        comments: state_row
            .as_ref()
            .map(|s| s.comments.clone())
            .unwrap_or_default(),
        locked: state_row.as_ref().is_some_and(|s| s.locked),
        stale: state_row.as_ref().is_some_and(|s| s.stale),
        deadline: store.report_deadline(r.agency.id, year).await?,
        notice,
        error,
        is_editor,
        can_edit: is_editor && editable,
        can_review: is_reviewer && status == Some(ReportStatus::Submitted),
        can_publish: is_editor && status == Some(ReportStatus::Accepted),
        can_unlock: is_admin && state_row.as_ref().is_some_and(|s| s.locked),
        findings: finding_rows(&computed.findings),
        report_html: doc_html(&layout(&computed.report)),
        drafted: computed.drafted,
        preamble: narrative.preamble.clone(),
        sections,
        licensing: stats.licensing.to_string(),
        penalty: stats.penalty.to_string(),
        enforcement: stats.enforcement.to_string(),
        fees: stats.administrative_fees.to_string(),
        cases: store.appeal_cases(&view).await?,
        appeal_kinds: AppealKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.id(),
                label: k.label(),
            })
            .collect(),
        appeal_results: AppealResult::ALL
            .iter()
            .map(|k| Choice {
                value: k.id(),
                label: k.label(),
            })
            .collect(),
        proposals: store.proposals(&view, year).await?,
        proposal_kinds: ProposalKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str(),
                label: k.label(),
            })
            .collect(),
        officers: store.info_officers(&view).await?,
        trainings: store.trainings(&view, Some(year)).await?,
        versions: version_rows(store.report_versions(r.agency.id, year).await?),
        unlocks: store.report_unlocks(&view, year).await?,
        agency: r.agency,
    })?;
    Ok((status_code, page).into_response())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn staff_report_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let notice = q.notice.as_deref().and_then(notice_text);
    staff_page(&state, &session, &code, &year, notice, None).await
}

/// `/admin/agencies/{agency}/reports`: last year's report page.
pub async fn staff_reports_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    // Only a known (validated) code goes into the Location header.
    let agency = state
        .store()
        .agency_by_code(&code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(&code))?;
    let tree = state.store().agency_tree().await?;
    staff_view_of(&session.principal, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let year = today().year() - 1;
    Ok(Redirect::to(&format!("/admin/agencies/{}/reports/{year}", agency.code)).into_response())
}

fn done(code: &str, year: i32, notice: &str) -> Response {
    Redirect::to(&format!(
        "/admin/agencies/{code}/reports/{year}?notice={notice}"
    ))
    .into_response()
}

/// A store error the person can fix is shown on the page; others become an error page.
async fn or_show(
    state: &AppState,
    session: &Session,
    code: &str,
    year: &str,
    e: AppError,
) -> Result<Response, PageError> {
    if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT {
        staff_page(state, session, code, year, None, Some(e.message)).await
    } else {
        Err(PageError(e))
    }
}

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(String::as_str).unwrap_or("")
}

fn optional_date(field_label: &str, text: &str) -> Result<Option<Date>, AppError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field_label, text).map(Some)
    }
}

fn decision(f: &Fields) -> Result<Option<(AppealResult, Date)>, AppError> {
    let result = field(f, "result").trim();
    let decided = optional_date("审结日期", field(f, "decided_on"))?;
    match (result, decided) {
        ("" | "pending", None) => Ok(None),
        ("" | "pending", Some(_)) => Err(AppError::bad_request(
            "invalid_input",
            "字段 审理结果：填写了审结日期时须选择审理结果",
        )),
        (r, Some(d)) => {
            let r = AppealResult::from_id(r).ok_or_else(|| {
                AppError::bad_request("invalid_input", format!("字段 审理结果：“{r}”无效"))
            })?;
            Ok(Some((r, d)))
        }
        (_, None) => Err(AppError::bad_request(
            "invalid_input",
            "字段 审结日期：已审结的案件须填写审结日期",
        )),
    }
}

fn narrative_of(f: &Fields) -> Narrative {
    let mut n = Narrative {
        preamble: field(f, "preamble").to_string(),
        sections: Default::default(),
    };
    for (i, slot) in n.sections.iter_mut().enumerate() {
        *slot = field(f, &format!("section{i}")).to_string();
    }
    n
}

async fn act(
    state: &AppState,
    session: &Session,
    r: &Resolved,
    action: &str,
    id: Option<i64>,
    f: &Fields,
) -> Result<&'static str, AppError> {
    let store = state.store();
    let p = &session.principal;
    let year = r.year;
    let agency = r.agency.id;
    let editor = || records_editor_of(p, &r.tree, agency).ok_or_else(AppError::forbidden);
    let reviewer = || report_reviewer_of(p, &r.tree, agency).ok_or_else(AppError::forbidden);
    let id = || id.ok_or_else(AppError::not_found);
    Ok(match action {
        "statistics" => {
            let cap = editor()?;
            let fees = field(f, "fees");
            let stats = Art20Statistics {
                licensing: parse_count("行政许可", field(f, "licensing"))?,
                penalty: parse_count("行政处罚", field(f, "penalty"))?,
                enforcement: parse_count("行政强制", field(f, "enforcement"))?,
                administrative_fees: if fees.trim().is_empty() {
                    WanYuan::ZERO
                } else {
                    WanYuan::parse(fees).map_err(|e| {
                        AppError::bad_request(
                            "invalid_input",
                            format!("字段 行政事业性收费（万元）：{e}"),
                        )
                    })?
                },
            };
            store.set_statistics(&cap, year, stats).await?;
            "statistics"
        }
        "cases" => {
            let cap = editor()?;
            let kind = AppealKind::from_id(field(f, "kind")).ok_or_else(|| {
                AppError::bad_request("invalid_input", "字段 案件类型：请选择复议或诉讼类型")
            })?;
            let calendar = store.calendar().await?;
            store
                .add_appeal_case(
                    &cap,
                    &calendar,
                    NewAppealCase {
                        kind,
                        application: Some(field(f, "application").to_string()),
                        filed_on: parse_date("立案/申请日期", field(f, "filed_on"))?,
                        decided: decision(f)?,
                        note: field(f, "note").to_string(),
                    },
                )
                .await?;
            "case"
        }
        "decide" => {
            let cap = editor()?;
            let calendar = store.calendar().await?;
            store
                .decide_appeal_case(&cap, &calendar, id()?, decision(f)?)
                .await?;
            "case"
        }
        "delete-case" => {
            store.delete_appeal_case(&editor()?, id()?).await?;
            "case_deleted"
        }
        "proposals" => {
            let cap = editor()?;
            let kind = ProposalKind::parse(field(f, "kind")).ok_or_else(|| {
                AppError::bad_request(
                    "invalid_input",
                    "字段 类别：请选择人大代表建议或政协委员提案",
                )
            })?;
            store
                .set_proposals(
                    &cap,
                    year,
                    ProposalCounts {
                        kind,
                        received: parse_count("承办件数", field(f, "received"))?,
                        handled: parse_count("办结件数", field(f, "handled"))?,
                        results_published: parse_count(
                            "公开办理结果件数",
                            field(f, "results_published"),
                        )?,
                    },
                )
                .await?;
            "proposals"
        }
        "officers" => {
            let cap = editor()?;
            store
                .add_info_officer(
                    &cap,
                    field(f, "name"),
                    field(f, "unit"),
                    parse_date("任职日期", field(f, "since_on"))?,
                )
                .await?;
            "officer"
        }
        "officer-left" => {
            let cap = editor()?;
            store
                .info_officer_left(&cap, id()?, parse_date("离任日期", field(f, "left_on"))?)
                .await?;
            "officer"
        }
        "trainings" => {
            let cap = editor()?;
            store
                .add_training(
                    &cap,
                    parse_date("培训日期", field(f, "held_on"))?,
                    field(f, "topic"),
                    parse_count("参训人次", field(f, "attendances"))?,
                )
                .await?;
            "training"
        }
        "delete-training" => {
            store.delete_training(&editor()?, id()?).await?;
            "training_deleted"
        }
        "narrative" => {
            let cap = editor()?;
            let narrative = if field(f, "redraft") == "1" {
                None
            } else {
                Some(narrative_of(f))
            };
            store.save_narrative(&cap, year, narrative).await?;
            "narrative"
        }
        "submit" => {
            store.submit_report(&editor()?, year).await?;
            "submit"
        }
        "return" => {
            store
                .return_report(&reviewer()?, year, field(f, "comments"))
                .await?;
            "return"
        }
        "accept" => {
            store.accept_report(&reviewer()?, year).await?;
            "accept"
        }
        "publish" => {
            store.publish_report(&editor()?, year).await?;
            "publish"
        }
        "unlock" => {
            let cap = admin_of(p, &r.tree, agency).ok_or_else(AppError::forbidden)?;
            store.unlock_year(&cap, year, field(f, "reason")).await?;
            "unlock"
        }
        _ => return Err(AppError::not_found()),
    })
}

async fn post_action(
    state: AppState,
    session: Session,
    code: String,
    year: String,
    action: String,
    id: Option<String>,
    f: Fields,
) -> Result<Response, PageError> {
    csrf::verify(&session, field(&f, "csrf_token"))?;
    let r = resolve(&state, &code, &year).await?;
    let id = match id {
        Some(text) => Some(
            text.trim()
                .parse::<i64>()
                .map_err(|_| AppError::not_found())?,
        ),
        None => None,
    };
    match act(&state, &session, &r, &action, id, &f).await {
        Ok(notice) => Ok(done(&r.agency.code, r.year, notice)),
        Err(e) => or_show(&state, &session, &code, &year, e).await,
    }
}

pub async fn staff_action_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year, action)): Path<(String, String, String)>,
    ValidForm(f): ValidForm<Fields>,
) -> Result<Response, PageError> {
    post_action(state, session, code, year, action, None, f).await
}

pub async fn staff_item_action_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year, action, id)): Path<(String, String, String, String)>,
    ValidForm(f): ValidForm<Fields>,
) -> Result<Response, PageError> {
    post_action(state, session, code, year, action, Some(id), f).await
}

/// Largest statistics file accepted.
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// The statistics import: a multipart form with `csrf_token` and `file`.
pub async fn staff_import_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut token = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = |m: String| AppError::bad_request("invalid_form", m);
    loop {
        let next = multipart
            .next_field()
            .await
            .map_err(|e| bad(format!("上传内容无法读取：{}", e.body_text())))?;
        let Some(part) = next else { break };
        match part.name() {
            Some("csrf_token") => {
                token = part
                    .text()
                    .await
                    .map_err(|e| bad(format!("上传内容无法读取：{}", e.body_text())))?;
            }
            Some("file") => {
                let name = part.file_name().unwrap_or("统计数据").to_string();
                let bytes = part
                    .bytes()
                    .await
                    .map_err(|e| bad(format!("上传文件无法读取：{}", e.body_text())))?;
                if bytes.len() > MAX_IMPORT_BYTES {
                    return Err(PageError(bad("字段 导入文件：文件超过1MB".to_string())));
                }
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    csrf::verify(&session, &token)?;
    let r = resolve(&state, &code, &year).await?;
    let cap = records_editor_of(&session.principal, &r.tree, r.agency.id)
        .ok_or_else(AppError::forbidden)?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return or_show(
            &state,
            &session,
            &code,
            &year,
            bad("字段 导入文件：请选择 CSV 或 XLSX 文件".to_string()),
        )
        .await;
    };
    match state.store().import_statistics(&cap, &bytes, &name).await {
        Ok(_) => Ok(done(&r.agency.code, r.year, "import")),
        Err(e) => or_show(&state, &session, &code, &year, AppError::from(e)).await,
    }
}

// ---- public ----

pub struct PublishedYear {
    pub year: i32,
    pub published_on: String,
    pub versions: usize,
    pub late: bool,
    pub stale: bool,
}

#[derive(Template)]
#[template(path = "report_list.html")]
struct PublicListPage {
    nav: Nav,
    agency: Agency,
    years: Vec<PublishedYear>,
}

pub async fn public_list_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let store = state.store();
    let agency = store
        .agency_by_code(&code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(&code))?;
    let mut years = Vec::new();
    for year in store.published_years(agency.id).await? {
        let versions = store.report_versions(agency.id, year).await?;
        let Some(first) = versions.first() else {
            continue;
        };
        years.push(PublishedYear {
            year,
            published_on: versions
                .last()
                .map(|v| v.published_on.clone())
                .unwrap_or_default(),
            late: first.late,
            versions: versions.len(),
            stale: store.report_is_stale(agency.id, year).await?,
        });
    }
    Ok(render(&PublicListPage {
        nav: Nav::new(&state, session.as_ref()),
        agency,
        years,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "report_public.html")]
struct PublicReportPage {
    nav: Nav,
    agency: Agency,
    year: i32,
    current: PublishedVersion,
    stale: bool,
    deadline: DeadlineInfo,
    report_html: String,
    versions: Vec<VersionRow>,
}

fn download(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let encoded = crate::auth::url_encode(file_name);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `/{agency}/xxgk/reports/{year}` and its `.docx`, `.xlsx`, `.pdf` downloads.
pub async fn public_report_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let store = state.store();
    let agency = store
        .agency_by_code(&code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(&code))?;
    let (year_text, ext) = match file.rsplit_once('.') {
        Some((y, e)) => (y, Some(e)),
        None => (file.as_str(), None),
    };
    let year = crate::api::reports::parse_year(year_text).map_err(|_| AppError::not_found())?;
    let versions = store.report_versions(agency.id, year).await?;
    let Some(current) = versions.last().cloned() else {
        return Err(PageError(AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{}{year}年度报告尚未发布", agency.name),
        )));
    };
    let report = gongkai_store::report_from_json(&current.report_json).ok_or_else(|| {
        tracing::error!("published report unreadable");
        AppError::internal()
    })?;
    let doc = layout(&report);
    let base = format!("{}{year}年政府信息公开工作年度报告", agency.name);
    let failed = |e: gongkai_docs::DocError| {
        tracing::error!(error = %e, "report download failed");
        PageError(AppError::internal())
    };
    match ext {
        None => {}
        Some("docx") => {
            return Ok(download(
                gongkai_docs::write_docx(&doc).map_err(failed)?,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &format!("{base}.docx"),
            ))
        }
        Some("xlsx") => {
            return Ok(download(
                gongkai_docs::write_xlsx(&doc).map_err(failed)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{base}.xlsx"),
            ))
        }
        Some("pdf") => {
            let bytes = tokio::task::spawn_blocking(move || gongkai_docs::write_pdf(&doc))
                .await
                .map_err(|_| PageError(AppError::internal()))?
                .map_err(failed)?;
            return Ok(download(bytes, "application/pdf", &format!("{base}.pdf")));
        }
        Some(_) => return Err(PageError(AppError::not_found())),
    }
    Ok(render(&PublicReportPage {
        nav: Nav::new(&state, session.as_ref()),
        year,
        stale: store.report_is_stale(agency.id, year).await?,
        deadline: store.report_deadline(agency.id, year).await?,
        report_html: doc_html(&doc),
        versions: version_rows(versions),
        current,
        agency,
    })?
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_docs::{Cell, Table};

    #[test]
    fn doc_html_escapes_and_spans() {
        let doc = Doc {
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: "<b>".into(),
                },
                Block::Table(Table {
                    rows: vec![vec![Cell::spanning("a&b", 2, 3)]],
                }),
            ],
        };
        let html = doc_html(&doc);
        assert!(html.contains("<h2>&lt;b&gt;</h2>"), "{html}");
        assert!(
            html.contains("<td rowspan=\"2\" colspan=\"3\">a&amp;b</td>"),
            "{html}"
        );
    }
}
