//! The supervisors' roll-up of year Y (issue 7 §5):
//! `/admin/agencies/{agency}/reports/{year}/rollup` lists every agency
//! below `{agency}` with the status of its report (not started / draft /
//! submitted / returned / accepted / published / published late) and its
//! findings, sums their reports — the newest published version where there
//! is one, else the report computed so far from records — and checks the
//! sum with R1–R5. Each agency's findings include R6/R7 against its report
//! of Y−1; the R6 carry-over chain (二 this year = 四 last year, total
//! column) is shown per agency and for the sum. Three inline SVG charts:
//! applications by outcome category (table 三 of the sum), new applications
//! by agency (top 20 + 其他), and new and carried-over applications over
//! the last up to five years that have data. `…/rollup.xlsx` exports the
//! same as a workbook.
//!
//! # Imported reports
//! Reports of agencies that are not on the platform, imported by a
//! supervisor or admin of `{agency}` (or of an agency below it, for its own
//! roll-up) with `POST …/rollup/imports`, join the list marked 「导入」 with
//! their findings. An import with an error (R1–R5, MISSING) is listed but
//! not summed (see `gongkai_store::ImportedReport::summed`); R6 for an
//! import compares it with the same agency name's import of Y−1.
//!
//! Who: anyone with the staff view of `{agency}` (its members, supervisors
//! and admins above); each agency below is read with the viewer's own staff
//! view of it, so an agency the viewer may not see is left out.

use super::reports::doc_html;
use super::Nav;
use crate::auth::StaffSession;
use crate::charts::{self, Bar};
use crate::csrf;
use crate::error::{render, AppError, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_docs::{Block, Cell, Doc, Table};
use gongkai_domain::access::{rollup_importer_of, staff_view_of};
use gongkai_domain::oversight::outcome_categories;
use gongkai_domain::records::ReportStatus;
use gongkai_domain::{AgencyStaffView, AgencyTree, Principal};
use gongkai_report::labels::{self, RowPlace};
use gongkai_report::{check, rollup_refs, AnnualReport, Finding};
use gongkai_store::{Agency, ImportedReport, NewReportImport, ReportDepth};
use serde::Deserialize;
use std::collections::HashMap;

/// Largest import request body (the file plus the form fields).
pub const IMPORT_BODY_LIMIT: usize = gongkai_store::MAX_REPORT_IMPORT_BYTES + 64 * 1024;

pub struct FindingView {
    pub rule: String,
    pub error: bool,
    pub location: String,
    pub message: String,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> FindingView {
        FindingView {
            rule: f.rule.clone(),
            error: f.is_error(),
            location: f.location.clone(),
            message: f.message.clone(),
        }
    }
}

/// An imported report's provenance.
pub struct ImportInfo {
    pub id: i64,
    pub version: i64,
    pub file_name: String,
    pub sha256: String,
    pub imported_at: String,
    pub actor_label: String,
    /// The supervising agency that imported it.
    pub owner_code: String,
    pub owner_name: String,
    pub agency_code: String,
    /// The viewer may delete it.
    pub can_delete: bool,
}

/// The R6 carry-over check of one agency (total column shown; all seven
/// columns compared).
pub struct Chain {
    /// 二、上年结转 this year (total column).
    pub carried_in: Option<i64>,
    /// 四、结转下年度继续办理 of last year's report (total column).
    pub last_carried_out: Option<i64>,
    /// `Some(true)`: equal in every column; `None`: no report of last year.
    pub ok: Option<bool>,
}

impl Chain {
    fn of(this: Option<&AnnualReport>, last: Option<&AnnualReport>) -> Chain {
        let cin = this.and_then(|r| r.applications[labels::ROW_CARRIED_IN]);
        let cout = last.and_then(|r| r.applications[labels::ROW_CARRIED_OUT]);
        Chain {
            carried_in: cin.map(|c| c[6]),
            last_carried_out: cout.map(|c| c[6]),
            ok: match (cin, cout) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            },
        }
    }

    pub fn verdict(&self) -> &'static str {
        match self.ok {
            Some(true) => "一致",
            Some(false) => "不一致（R6）",
            None => "无上年数据",
        }
    }

    pub fn cell(v: &Option<i64>) -> String {
        v.map(|n| n.to_string()).unwrap_or_else(|| "—".to_string())
    }
}

pub struct RollupRow {
    pub name: String,
    /// The agency's staff report page (agencies on the platform).
    pub href: Option<String>,
    pub imported: Option<ImportInfo>,
    pub status: &'static str,
    pub published_on: String,
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<FindingView>,
    /// Where the summed figures come from.
    pub source: &'static str,
    /// Counted in the sum (an import with errors is not).
    pub summed: bool,
    /// 一、本年新收 (total column).
    pub new_applications: i64,
    pub chain: Chain,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Platform(i64),
    Imported(String),
}

struct Entry {
    key: Key,
    row: RollupRow,
    report: Option<AnnualReport>,
}

fn total(r: &AnnualReport, row: usize) -> i64 {
    r.applications
        .get(row)
        .copied()
        .flatten()
        .map(|c| c[6])
        .unwrap_or(0)
}

/// Every agency (and import) of the roll-up of `agency` for `year`, with the
/// report its figures come from. `last` (the entries of `year − 1`) gives
/// the R6 chain and, for imports, the previous import for R6/R7.
/// Who rolls up what: the viewer, the tree, the agency of the roll-up and
/// every agency on the platform.
struct RollupScope<'a> {
    p: &'a Principal,
    tree: &'a AgencyTree,
    agency: &'a Agency,
    all: &'a [Agency],
}

async fn entries(
    state: &AppState,
    scope: &RollupScope<'_>,
    year: i32,
    last: Option<&[Entry]>,
    depth: ReportDepth,
) -> Result<Vec<Entry>, AppError> {
    let RollupScope {
        p,
        tree,
        agency,
        all,
    } = *scope;
    let store = state.store();
    let subtree = tree.descendants_of(agency.id);
    let last_by_key: HashMap<&Key, &AnnualReport> = last
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((&e.key, e.report.as_ref()?)))
        .collect();
    let previous_of = |key: &Key| -> Option<&AnnualReport> { last_by_key.get(key).copied() };
    // Each agency below is read with the viewer's own staff view of it, all
    // at once (a few queries per year, not some twenty per agency).
    let below: Vec<(&Agency, AgencyStaffView)> = all
        .iter()
        .filter(|a| a.id != agency.id && subtree.contains(&a.id))
        .filter_map(|a| Some((a, staff_view_of(p, tree, a.id)?)))
        .collect();
    let views: Vec<AgencyStaffView> = below.iter().map(|(_, v)| v.clone()).collect();
    let mut overview = store.year_overview(&views, year, depth).await?;
    let mut out = Vec::new();
    for (a, _) in &below {
        let Some(o) = overview.remove(&a.id) else {
            continue;
        };
        let (status, published_on, report, findings) = match (o.versions.first(), o.versions.last())
        {
            (Some(first), Some(latest)) => {
                let report = gongkai_store::report_from_json(&latest.report_json);
                // Findings against last year's published report (R6, R7).
                let findings = match (&report, depth) {
                    (Some(r), ReportDepth::Full) => check(r, o.previous.as_ref()),
                    _ => Vec::new(),
                };
                (
                    if first.late {
                        "逾期发布"
                    } else {
                        "已发布"
                    },
                    latest.published_on.clone(),
                    report,
                    findings,
                )
            }
            _ => {
                let status = match &o.state {
                    None => "未开始",
                    Some(s) => match s.status {
                        ReportStatus::Draft => "草稿",
                        ReportStatus::Submitted => "已报送",
                        ReportStatus::Returned => "已退回",
                        ReportStatus::Accepted => "已审核待发布",
                        ReportStatus::Published => "已发布",
                    },
                };
                // The store computes every agency with nothing published.
                let computed = o.computed.ok_or_else(AppError::internal)?;
                (
                    status,
                    String::new(),
                    Some(computed.report),
                    computed.findings,
                )
            }
        };
        let key = Key::Platform(a.id);
        out.push(Entry {
            row: RollupRow {
                name: a.name.clone(),
                href: Some(format!("/admin/agencies/{}/reports/{year}", a.code)),
                imported: None,
                status,
                published_on,
                errors: findings.iter().filter(|f| f.is_error()).count(),
                warnings: findings.iter().filter(|f| !f.is_error()).count(),
                findings: findings.iter().map(FindingView::from).collect(),
                source: if o.versions.is_empty() {
                    "按记录计算的草稿"
                } else {
                    "已发布版本"
                },
                summed: report.is_some(),
                new_applications: report
                    .as_ref()
                    .map(|r| total(r, labels::ROW_NEW))
                    .unwrap_or(0),
                chain: Chain::of(report.as_ref(), previous_of(&key)),
            },
            key,
            report,
        });
    }
    // Imports made by the agency itself or by an agency below it.
    let owners: Vec<(&Agency, AgencyStaffView)> = all
        .iter()
        .filter(|a| subtree.contains(&a.id))
        .filter_map(|a| Some((a, staff_view_of(p, tree, a.id)?)))
        .collect();
    let owner_views: Vec<AgencyStaffView> = owners.iter().map(|(_, v)| v.clone()).collect();
    let mut imports = store.report_imports_of(&owner_views, year).await?;
    for (owner, _) in &owners {
        let can_delete = rollup_importer_of(p, tree, owner.id).is_some();
        for imp in imports.remove(&owner.id).unwrap_or_default() {
            out.push(import_entry(imp, owner, can_delete, &previous_of));
        }
    }
    Ok(out)
}

fn import_entry<'a>(
    imp: ImportedReport,
    owner: &Agency,
    can_delete: bool,
    previous_of: &dyn Fn(&Key) -> Option<&'a AnnualReport>,
) -> Entry {
    let key = Key::Imported(imp.name_key.clone());
    let previous = previous_of(&key);
    let (report, mut findings) = match imp.report() {
        Some((r, f)) => (Some(r), f),
        None => (
            None,
            vec![Finding::error(
                "MISSING",
                "导入的年报",
                "数据库中保存的年报数据无法读取，请重新导入",
            )],
        ),
    };
    // R6/R7 against the same agency's import of last year.
    if let (Some(r), Some(prev)) = (report.as_ref(), previous) {
        findings.extend(
            check(r, Some(prev))
                .into_iter()
                .filter(|f| f.rule == "R6" || f.rule == "R7"),
        );
    }
    let summed = imp.summed() && report.is_some();
    Entry {
        row: RollupRow {
            name: imp.agency_name.clone(),
            href: None,
            status: "导入",
            published_on: String::new(),
            errors: findings.iter().filter(|f| f.is_error()).count(),
            warnings: findings.iter().filter(|f| !f.is_error()).count(),
            findings: findings.iter().map(FindingView::from).collect(),
            source: if summed {
                "导入的年报"
            } else {
                "导入的年报（有错误，未计入汇总）"
            },
            summed,
            new_applications: report
                .as_ref()
                .map(|r| total(r, labels::ROW_NEW))
                .unwrap_or(0),
            chain: Chain::of(report.as_ref(), previous),
            imported: Some(ImportInfo {
                id: imp.id,
                version: imp.version,
                file_name: imp.file_name,
                sha256: imp.sha256,
                imported_at: imp.imported_at,
                actor_label: imp.actor_label,
                owner_code: owner.code.clone(),
                owner_name: owner.name.clone(),
                agency_code: imp.agency_code,
                can_delete,
            }),
        },
        key,
        report,
    }
}

/// The sum of the summed entries, named and dated.
fn sum_of(entries: &[Entry], agency: &Agency, year: i32) -> AnnualReport {
    let reports: Vec<&AnnualReport> = entries
        .iter()
        .filter(|e| e.row.summed)
        .filter_map(|e| e.report.as_ref())
        .collect();
    let mut sum = rollup_refs(&reports);
    sum.year = Some(year);
    sum.agency = Some(format!("{}所属机关汇总", agency.name));
    sum
}

/// The chart's point of a year with data (new or carried-over
/// applications, an import or a published report).
fn year_point(year: i32, sum: &AnnualReport, entries: &[Entry]) -> Option<YearPoint> {
    let point = YearPoint {
        year,
        new: total(sum, labels::ROW_NEW),
        carried_in: total(sum, labels::ROW_CARRIED_IN),
    };
    let has_data = point.new > 0
        || point.carried_in > 0
        || entries
            .iter()
            .any(|x| x.row.imported.is_some() || !x.row.published_on.is_empty());
    has_data.then_some(point)
}

/// A year of the year-over-year chart.
pub struct YearPoint {
    pub year: i32,
    pub new: i64,
    pub carried_in: i64,
}

struct Rollup {
    agency: Agency,
    year: i32,
    rows: Vec<RollupRow>,
    sum: AnnualReport,
    sum_findings: Vec<FindingView>,
    sum_chain: Chain,
    by_outcome: Vec<Bar>,
    by_agency: Vec<Bar>,
    years: Vec<YearPoint>,
    can_import: bool,
}

impl Rollup {
    fn left_out(&self) -> usize {
        self.rows.iter().filter(|r| !r.summed).count()
    }
}

/// Applications by the six decision categories of table 三 (total column).
fn outcome_bars(sum: &AnnualReport) -> Vec<Bar> {
    let mut counts = [0i64; 6];
    for (i, spec) in labels::APPLICATION_ROWS.iter().enumerate() {
        let category = match spec.place {
            RowPlace::Result if i == labels::ROW_DISCLOSED => 0,
            RowPlace::Result if i == labels::ROW_PARTLY => 1,
            RowPlace::Item(g) => 2 + g,
            _ => continue,
        };
        if let (Some(slot), Some(row)) = (
            counts.get_mut(category),
            sum.applications.get(i).copied().flatten(),
        ) {
            *slot = slot.saturating_add(row[6]);
        }
    }
    outcome_categories()
        .iter()
        .zip(counts)
        .map(|(label, n)| Bar::new(*label, n))
        .collect()
}

/// The agency and year a roll-up path names, and the tree the capability
/// checks need (404 `agency_not_found`, 400 on a bad year).
pub(crate) async fn agency_year_tree(
    state: &AppState,
    code: &str,
    year: &str,
) -> Result<(Agency, i32, AgencyTree), AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let year = crate::api::reports::parse_year(year)?;
    let tree = store.agency_tree().await?;
    Ok((agency, year, tree))
}

async fn build(
    state: &AppState,
    p: &Principal,
    code: &str,
    year: &str,
) -> Result<Rollup, AppError> {
    let store = state.store();
    let (agency, year, tree) = agency_year_tree(state, code, year).await?;
    staff_view_of(p, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let all: Vec<Agency> = super::portal::tree_rows(store.agencies().await?)
        .into_iter()
        .map(|r| r.agency)
        .collect();
    let scope = RollupScope {
        p,
        tree: &tree,
        agency: &agency,
        all: &all,
    };
    // Up to four earlier years, oldest first, for the chain and the chart;
    // only the year before is kept (its entries give the next year's
    // chain), so at most two years of entries are in memory.
    let first = (year - 4).max(2019);
    let mut years = Vec::new();
    let mut last: Option<(Vec<Entry>, AnnualReport)> = None;
    for y in first..year {
        let e = entries(
            state,
            &scope,
            y,
            last.as_ref().map(|(e, _)| e.as_slice()),
            ReportDepth::Tables,
        )
        .await?;
        let s = sum_of(&e, &agency, y);
        years.extend(year_point(y, &s, &e));
        last = Some((e, s));
    }
    let current = entries(
        state,
        &scope,
        year,
        last.as_ref().map(|(e, _)| e.as_slice()),
        ReportDepth::Full,
    )
    .await?;
    let sum = sum_of(&current, &agency, year);
    years.extend(year_point(year, &sum, &current));
    let last_sum = last.map(|(_, s)| s);
    let sum_findings = check(&sum, None)
        .iter()
        .filter(|f| {
            matches!(
                f.rule.as_str(),
                "R1" | "R2" | "R3" | "R4" | "R5" | "MISSING"
            )
        })
        .map(FindingView::from)
        .collect();
    let sum_chain = Chain::of(Some(&sum), last_sum.as_ref());
    let by_agency = charts::top_n(
        current
            .iter()
            .filter(|e| e.row.summed)
            .map(|e| Bar::new(e.row.name.clone(), e.row.new_applications))
            .collect(),
        20,
        "其他",
    );
    Ok(Rollup {
        can_import: rollup_importer_of(p, &tree, agency.id).is_some(),
        by_outcome: outcome_bars(&sum),
        by_agency,
        years,
        rows: current.into_iter().map(|e| e.row).collect(),
        sum,
        sum_findings,
        sum_chain,
        agency,
        year,
    })
}

/// The tables of the sum only (no narrative headings).
fn tables_only(sum: &AnnualReport) -> Doc {
    Doc {
        blocks: gongkai_report::layout(sum)
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
    left_out: usize,
    sum_findings: Vec<FindingView>,
    sum_chain: Chain,
    sum_html: String,
    by_outcome: Vec<Bar>,
    by_agency: Vec<Bar>,
    years: Vec<YearPoint>,
    outcome_svg: String,
    agency_svg: String,
    years_svg: String,
    can_import: bool,
    notice: Option<&'static str>,
    error: Option<String>,
    form_name: String,
    form_code: String,
    max_mb: usize,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn page(
    state: &AppState,
    session: &crate::auth::Session,
    r: Rollup,
    notice: Option<&'static str>,
    error: Option<String>,
    form: (String, String),
) -> RollupPage {
    let outcome_svg = charts::bar_chart(
        "chart-outcome",
        &format!("{}年申请办理结果（按类别）", r.year),
        "汇总表三“本年度办理结果”各类别的总计件数",
        &r.by_outcome,
        "件",
        "本年度没有办结的申请",
    );
    let agency_svg = charts::bar_chart(
        "chart-agency",
        &format!("{}年各机关本年新收申请数量", r.year),
        "各机关表三“本年新收政府信息公开申请数量”总计，从多到少，最多列出20个机关，其余合为“其他”",
        &r.by_agency,
        "件",
        "本年度各机关均未收到申请",
    );
    let years_svg = charts::grouped_columns(
        "chart-years",
        "近年申请数量",
        "各年度汇总表三“本年新收”与“上年结转”的总计件数（最近五年中有数据的年度）",
        &["本年新收", "上年结转"],
        &r.years
            .iter()
            .map(|y| (format!("{}年", y.year), vec![y.new, y.carried_in]))
            .collect::<Vec<_>>(),
        "件",
        "近五年没有申请数据",
    );
    RollupPage {
        nav: Nav::new(state, Some(session)),
        sum_html: doc_html(&tables_only(&r.sum)),
        left_out: r.left_out(),
        agency: r.agency,
        year: r.year,
        rows: r.rows,
        sum_findings: r.sum_findings,
        sum_chain: r.sum_chain,
        by_outcome: r.by_outcome,
        by_agency: r.by_agency,
        years: r.years,
        outcome_svg,
        agency_svg,
        years_svg,
        can_import: r.can_import,
        notice,
        error,
        form_name: form.0,
        form_code: form.1,
        max_mb: gongkai_store::MAX_REPORT_IMPORT_BYTES / 1024 / 1024,
    }
}

pub async fn rollup_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let r = build(&state, &session.principal, &code, &year).await?;
    let notice = match q.notice.as_deref() {
        Some("imported") => Some("年报已导入，并按检查结果计入汇总。"),
        Some("deleted") => Some("导入的年报已删除（历史版本保留）。"),
        _ => None,
    };
    Ok(render(&page(&state, &session, r, notice, None, Default::default()))?.into_response())
}

/// The import form: `csrf_token`, `agency_name`, `agency_code`, `file`.
pub struct ImportForm {
    pub csrf_token: String,
    pub agency_name: String,
    pub agency_code: String,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads the multipart import form (page and API).
pub async fn read_import_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ImportForm, AppError> {
    let bad = |m: String| {
        AppError::bad_request(
            "invalid_form",
            format!("字段 年报文件：上传内容无法读取（{m}）"),
        )
    };
    let too_large = || {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!(
                "字段 年报文件：上传内容过大，年报文件不能超过 {} MB",
                gongkai_store::MAX_REPORT_IMPORT_BYTES / 1024 / 1024
            ),
        )
    };
    let mut m = multipart.map_err(|e| bad(e.body_text()))?;
    let mut form = ImportForm {
        csrf_token: String::new(),
        agency_name: String::new(),
        agency_code: String::new(),
        file: None,
    };
    loop {
        let next = m.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                bad(e.body_text())
            }
        })?;
        let Some(field) = next else { break };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    bad(e.body_text())
                }
            })?;
            form.file = Some((file_name, bytes.to_vec()));
        } else {
            let text = field.text().await.map_err(|e| bad(e.body_text()))?;
            match name.as_str() {
                "csrf_token" => form.csrf_token = text,
                "agency_name" => form.agency_name = text,
                "agency_code" => form.agency_code = text,
                _ => {}
            }
        }
    }
    Ok(form)
}

/// Imports the uploaded report into `{agency}`'s roll-up (supervisors and
/// admins of it or above). Returns the stored import.
pub async fn import(
    state: &AppState,
    p: &Principal,
    code: &str,
    year: &str,
    form: &ImportForm,
) -> Result<(Agency, ImportedReport), AppError> {
    let store = state.store();
    let (agency, year, tree) = agency_year_tree(state, code, year).await?;
    let cap = rollup_importer_of(p, &tree, agency.id).ok_or_else(|| {
        if staff_view_of(p, &tree, agency.id).is_some() {
            AppError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "只有本机关或上级机关的政务公开监督人员、管理员可以导入下级机关的年报",
            )
        } else {
            AppError::forbidden()
        }
    })?;
    let (file_name, bytes) = form
        .file
        .as_ref()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .unwrap_or(("", &[]));
    let imported = store
        .import_report(
            &cap,
            year,
            NewReportImport {
                agency_name: &form.agency_name,
                agency_code: &form.agency_code,
                file_name,
                bytes,
            },
        )
        .await?;
    Ok((agency, imported))
}

/// Deletes (retires) an import of `{agency}`.
pub async fn delete_import(
    state: &AppState,
    p: &Principal,
    code: &str,
    year: &str,
    id: &str,
) -> Result<Agency, AppError> {
    let store = state.store();
    let (agency, year, tree) = agency_year_tree(state, code, year).await?;
    let cap = rollup_importer_of(p, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let not_found = || {
        AppError::new(
            StatusCode::NOT_FOUND,
            "import_not_found",
            format!("找不到编号为“{id}”的导入年报"),
        )
    };
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    let imp = store
        .report_import(&cap.view(), id)
        .await?
        .filter(|i| i.year == year && i.retired_at.is_none())
        .ok_or_else(not_found)?;
    store.delete_report_import(&cap, imp.id).await?;
    Ok(agency)
}

pub async fn import_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let form = read_import_form(multipart).await?;
    csrf::verify(&session, &form.csrf_token)?;
    match import(&state, &session.principal, &code, &year, &form).await {
        Ok((agency, imp)) => Ok(Redirect::to(&format!(
            "/admin/agencies/{}/reports/{}/rollup?notice=imported#import-{}",
            agency.code, imp.year, imp.id
        ))
        .into_response()),
        Err(e)
            if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::PAYLOAD_TOO_LARGE =>
        {
            let r = build(&state, &session.principal, &code, &year).await?;
            let status = e.status;
            let html = render(&page(
                &state,
                &session,
                r,
                None,
                Some(e.message),
                (form.agency_name, form.agency_code),
            ))?;
            Ok((status, html).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf_token: String,
}

pub async fn import_delete_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, year, id)): Path<(String, String, String)>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let agency = delete_import(&state, &session.principal, &code, &year, &id).await?;
    Ok(Redirect::to(&format!(
        "/admin/agencies/{}/reports/{}/rollup?notice=deleted",
        agency.code,
        year.trim()
    ))
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
        Cell::new("类型"),
        Cell::new("年报状态"),
        Cell::new("发布日期"),
        Cell::new("汇总所用数据"),
        Cell::new("计入汇总"),
        Cell::new("本年新收申请"),
        Cell::new("上年结转（本年表三第二项）"),
        Cell::new("上年结转下年度（上年表三第四项）"),
        Cell::new("结转核对（R6）"),
        Cell::new("错误"),
        Cell::new("提示"),
        Cell::new("导入文件"),
        Cell::new("文件SHA-256"),
    ]];
    let mut findings = vec![vec![
        Cell::new("机关"),
        Cell::new("规则"),
        Cell::new("级别"),
        Cell::new("位置"),
        Cell::new("说明"),
    ]];
    for row in &r.rows {
        status.push(vec![
            Cell::new(row.name.clone()),
            Cell::new(if row.imported.is_some() {
                "导入（不在平台上的机关）"
            } else {
                "平台机关"
            }),
            Cell::new(row.status),
            Cell::new(row.published_on.clone()),
            Cell::new(row.source),
            Cell::new(if row.summed { "是" } else { "否" }),
            Cell::new(row.new_applications.to_string()),
            Cell::new(Chain::cell(&row.chain.carried_in)),
            Cell::new(Chain::cell(&row.chain.last_carried_out)),
            Cell::new(row.chain.verdict()),
            Cell::new(row.errors.to_string()),
            Cell::new(row.warnings.to_string()),
            Cell::new(
                row.imported
                    .as_ref()
                    .map(|i| i.file_name.clone())
                    .unwrap_or_default(),
            ),
            Cell::new(
                row.imported
                    .as_ref()
                    .map(|i| i.sha256.clone())
                    .unwrap_or_default(),
            ),
        ]);
        for f in &row.findings {
            findings.push(vec![
                Cell::new(row.name.clone()),
                Cell::new(f.rule.clone()),
                Cell::new(if f.error { "错误" } else { "提示" }),
                Cell::new(f.location.clone()),
                Cell::new(f.message.clone()),
            ]);
        }
    }
    status.push(vec![
        Cell::new("合计（汇总表）"),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(total(&r.sum, labels::ROW_NEW).to_string()),
        Cell::new(Chain::cell(&r.sum_chain.carried_in)),
        Cell::new(Chain::cell(&r.sum_chain.last_carried_out)),
        Cell::new(r.sum_chain.verdict()),
        Cell::new(r.sum_findings.len().to_string()),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
    ]);
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
    doc.blocks.push(Block::Heading {
        level: 2,
        text: "各机关年报检查结果".to_string(),
    });
    doc.blocks.push(Block::Table(Table { rows: findings }));
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
