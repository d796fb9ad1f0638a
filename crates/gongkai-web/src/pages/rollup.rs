//! The supervisors' roll-up of year Y (issue 7 §5):
//! `/admin/agencies/{agency}/reports/{year}/rollup` lists every agency
//! below `{agency}` with the status of its report (not started / draft /
//! submitted / returned / accepted / published / published late) and its
//! findings, sums their reports — the newest published version where there
//! is one, else the report computed so far from records; each agency's
//! findings include R6/R7 against its published report of Y−1 — and checks the
//! sum with R1–R5. `…/rollup.xlsx` exports the same as a workbook.
//!
//! Who: anyone with the staff view of `{agency}` (its members, supervisors
//! and admins above); each agency below is read with the viewer's own staff
//! view of it, so an agency the viewer may not see is left out.

use super::reports::doc_html;
use super::Nav;
use crate::auth::StaffSession;
use crate::error::{render, AppError, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_docs::{Block, Cell, Doc, Table};
use gongkai_domain::access::staff_view_of;
use gongkai_domain::records::ReportStatus;
use gongkai_domain::Principal;
use gongkai_report::{check, layout, rollup, AnnualReport};
use gongkai_store::Agency;

pub struct RollupRow {
    pub agency: Agency,
    pub status: &'static str,
    pub published_on: String,
    pub errors: usize,
    pub warnings: usize,
    /// The figures are the published version's (else computed so far).
    pub from_published: bool,
}

pub struct SumFinding {
    pub rule: String,
    pub location: String,
    pub message: String,
}

struct Rollup {
    agency: Agency,
    year: i32,
    rows: Vec<RollupRow>,
    sum: AnnualReport,
    sum_findings: Vec<SumFinding>,
}

async fn build(
    state: &AppState,
    p: &Principal,
    code: &str,
    year: &str,
) -> Result<Rollup, AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let year = crate::api::reports::parse_year(year)?;
    let tree = store.agency_tree().await?;
    staff_view_of(p, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let below: Vec<i64> = tree
        .descendants_of(agency.id)
        .into_iter()
        .filter(|id| *id != agency.id)
        .collect();
    let mut rows = Vec::new();
    let mut reports = Vec::new();
    for a in super::portal::tree_rows(store.agencies().await?)
        .into_iter()
        .map(|r| r.agency)
        .filter(|a| below.contains(&a.id))
    {
        let Some(view) = staff_view_of(p, &tree, a.id) else {
            continue;
        };
        let versions = store.report_versions(a.id, year).await?;
        // Findings against last year's published report too (R6 carry-over, R7).
        let previous = store
            .latest_version(a.id, year - 1)
            .await?
            .and_then(|v| gongkai_store::report_from_json(&v.report_json));
        let (status, published_on, report, findings) = match (versions.first(), versions.last()) {
            (Some(first), Some(last)) => {
                let report = gongkai_store::report_from_json(&last.report_json);
                let findings = report
                    .as_ref()
                    .map(|r| check(r, previous.as_ref()))
                    .unwrap_or_default();
                (
                    if first.late {
                        "逾期发布"
                    } else {
                        "已发布"
                    },
                    last.published_on.clone(),
                    report,
                    findings,
                )
            }
            _ => {
                let status = match store.report_state(&view, year).await? {
                    None => "未开始",
                    Some(s) => match s.status {
                        ReportStatus::Draft => "草稿",
                        ReportStatus::Submitted => "已报送",
                        ReportStatus::Returned => "已退回",
                        ReportStatus::Accepted => "已审核待发布",
                        ReportStatus::Published => "已发布",
                    },
                };
                let computed = store.compute_year_report(&view, year).await?;
                (
                    status,
                    String::new(),
                    Some(computed.report),
                    computed.findings,
                )
            }
        };
        let from_published = !versions.is_empty();
        rows.push(RollupRow {
            agency: a,
            status,
            published_on,
            errors: findings.iter().filter(|f| f.is_error()).count(),
            warnings: findings.iter().filter(|f| !f.is_error()).count(),
            from_published,
        });
        if let Some(r) = report {
            reports.push(r);
        }
    }
    let mut sum = rollup(&reports);
    sum.year = Some(year);
    sum.agency = Some(format!("{}所属机关汇总", agency.name));
    let sum_findings = check(&sum, None)
        .into_iter()
        .filter(|f| {
            matches!(
                f.rule.as_str(),
                "R1" | "R2" | "R3" | "R4" | "R5" | "MISSING"
            )
        })
        .map(|f| SumFinding {
            rule: f.rule,
            location: f.location,
            message: f.message,
        })
        .collect();
    Ok(Rollup {
        agency,
        year,
        rows,
        sum,
        sum_findings,
    })
}

/// The tables of the sum only (no narrative headings).
fn tables_only(sum: &AnnualReport) -> Doc {
    Doc {
        blocks: layout(sum)
            .blocks
            .into_iter()
            .filter(|b| !matches!(b, Block::Paragraph(_)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "report_rollup.html")]
struct RollupPage {
    nav: Nav,
    agency: Agency,
    year: i32,
    rows: Vec<RollupRow>,
    sum_findings: Vec<SumFinding>,
    sum_html: String,
}

pub async fn rollup_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let r = build(&state, &session.principal, &code, &year).await?;
    Ok(render(&RollupPage {
        nav: Nav::new(&state, Some(&session)),
        sum_html: doc_html(&tables_only(&r.sum)),
        agency: r.agency,
        year: r.year,
        rows: r.rows,
        sum_findings: r.sum_findings,
    })?
    .into_response())
}

pub async fn rollup_xlsx_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let r = build(&state, &session.principal, &code, &year).await?;
    let mut status = vec![vec![
        Cell::new("机关"),
        Cell::new("年报状态"),
        Cell::new("发布日期"),
        Cell::new("错误"),
        Cell::new("提示"),
    ]];
    for row in &r.rows {
        status.push(vec![
            Cell::new(row.agency.name.clone()),
            Cell::new(row.status),
            Cell::new(row.published_on.clone()),
            Cell::new(row.errors.to_string()),
            Cell::new(row.warnings.to_string()),
        ]);
    }
    let mut doc = Doc {
        blocks: vec![
            Block::Heading {
                level: 1,
                text: format!(
                    "{}所属机关{}年政府信息公开工作年度报告汇总",
                    r.agency.name, r.year
                ),
            },
            Block::Table(Table { rows: status }),
        ],
    };
    doc.blocks.extend(tables_only(&r.sum).blocks);
    let bytes = gongkai_docs::write_xlsx(&doc).map_err(|e| {
        tracing::error!(error = %e, "roll-up export failed");
        AppError::internal()
    })?;
    let name = crate::auth::url_encode(&format!("{}{}年年报汇总.xlsx", r.agency.name, r.year));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{name}"),
            ),
        ],
        bytes,
    )
        .into_response())
}
