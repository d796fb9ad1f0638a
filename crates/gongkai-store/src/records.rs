//! The records behind an agency's annual report (issue 7) and the report's
//! workflow: Art. 20 statistics, reconsideration and litigation cases,
//! NPC/CPPCC proposals, the 信息员 roster, training sessions; the year's
//! report computed from them, its narrative, submission, review,
//! publication as immutable versions, and the lock of a published year.
//!
//! Writes demand a [`RecordsEditor`] (approvers of the agency, admins of it or
//! above), review a [`ReportReviewer`] (supervisors above), unlocking an
//! [`AgencyAdmin`]; reads an [`AgencyStaffView`]. Published versions are
//! public and read by agency.
//!
//! # The lock
//! Submitting year Y's report locks the year (so that what the supervisor
//! accepts is what gets published); returning it unlocks it, publishing
//! keeps it locked. While locked, a change to a statistics row, proposal row or
//! training of Y, or to a case that counts in Y (filed on or before 31
//! December Y and not decided before 1 January Y), is refused with
//! `year_locked` until an admin unlocks Y with a reason. The unlock is
//! audited, puts the report back to draft and, when a version was already
//! published, flags it as stale until the next publication (version N+1).
//! Applications (table 三) are not locked: an application registered late
//! with a receipt date in Y changes the next computation of Y.
//!
//! # 纠正 reopens the application
//! A 结果纠正 decision on a case linked to an answered (or deemed
//! abandoned) application reopens that application in the same transaction:
//! a `reopened` event dated on the decision joins its history (audited as
//! `application.reopen`), its status is open again and its new due date is
//! 20 working days from the day after the decision (条例 Art. 33, counted on
//! the platform calendar). It is in the handler's queue and is answered
//! through the normal answer path. The case shows the new deadline as
//! "重新答复期限". A case linked to a still open application reopens
//! nothing (its period still runs). Once a case has reopened its
//! application, its result can no longer be changed or the case deleted
//! (`case_reopened_application`). Table 三 counts the application once, in
//! the year of its first answer; the fresh answer is not counted again.

use crate::audit::{append, AuditRecord};
use crate::stored::{date_text, parse_date, rejected, today};
use crate::year_inputs::{of_agency, Scope};
use crate::{on_pool, on_tx, Result, Store, StoreError, Tx};
use gongkai_calendar::Calendar;
use gongkai_domain::annual::{
    draft_narrative, report_from_figures, AppealCase, AppealKind, AppealResult, Art20Statistics,
    NamedCounts, NarrativeFacts, RegulatoryDocument,
};
use gongkai_domain::figures::FiguresProblem;
use gongkai_domain::records::{file_rows, report_deadline, statistics_from_rows, ReportStatus};
use gongkai_domain::{AgencyAdmin, AgencyKind, AgencyStaffView, RecordsEditor, ReportReviewer};
use gongkai_report::{check, has_errors, AnnualReport, Finding, Narrative};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

/// Longest free text (topics, names, notes, comments, narrative sections).
pub const MAX_TEXT_CHARS: usize = 20_000;

fn invalid(field: &str, message: impl std::fmt::Display) -> StoreError {
    rejected("invalid_input", format!("字段 {field}：{message}"))
}

pub(crate) fn check_year(year: i32) -> Result<()> {
    if (2019..=2100).contains(&year) {
        Ok(())
    } else {
        Err(invalid(
            "年度",
            format!("“{year}”无效，应为2019年及以后的年份"),
        ))
    }
}

fn check_text(field: &str, text: &str, required: bool, max: usize) -> Result<String> {
    let t = text.trim();
    if required && t.is_empty() {
        return Err(invalid(field, "不能为空"));
    }
    if t.chars().count() > max {
        return Err(invalid(field, format!("不能超过{max}个字符")));
    }
    Ok(t.to_string())
}

fn not_future(field: &str, d: Date) -> Result<()> {
    if d > today() {
        return Err(invalid(
            field,
            format!("日期 {} 晚于今天（{}）", date_text(d), date_text(today())),
        ));
    }
    Ok(())
}

/// NPC deputies' suggestions or CPPCC members' proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// 人大代表建议
    Npc,
    /// 政协委员提案
    Cppcc,
}

impl ProposalKind {
    pub const ALL: [ProposalKind; 2] = [ProposalKind::Npc, ProposalKind::Cppcc];
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalKind::Npc => "npc",
            ProposalKind::Cppcc => "cppcc",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ProposalKind::Npc => "人大代表建议",
            ProposalKind::Cppcc => "政协委员提案",
        }
    }
    pub fn parse(s: &str) -> Option<ProposalKind> {
        ProposalKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Proposals of one kind handled in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProposalCounts {
    pub kind: ProposalKind,
    pub received: u32,
    pub handled: u32,
    pub results_published: u32,
}

/// A reconsideration or litigation case as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppealCase {
    pub kind: AppealKind,
    /// Tracking code (查询码) of the application the case is about, if any.
    pub application: Option<String>,
    pub filed_on: Date,
    pub decided: Option<(AppealResult, Date)>,
    pub note: String,
}

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAppealCase {
    pub id: i64,
    pub case: AppealCaseView,
    pub application_id: Option<i64>,
    pub tracking_code: Option<String>,
    /// After 结果纠正 on a linked application: answer afresh by this date.
    pub reanswer_due_on: Option<String>,
    pub note: String,
}

/// The case's facts as plain values (for pages and JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealCaseView {
    pub kind: AppealKind,
    pub kind_label: &'static str,
    pub filed_on: String,
    pub result: Option<AppealResult>,
    pub result_label: Option<&'static str>,
    pub decided_on: Option<String>,
}

/// A 信息员 on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfoOfficer {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub since_on: String,
    pub left_on: Option<String>,
}

/// A training session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Training {
    pub id: i64,
    pub held_on: String,
    pub topic: String,
    pub attendances: u32,
}

/// The workflow state of a year's report (`None` from the store: not started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportState {
    pub status: ReportStatus,
    /// The staff's narrative; `None` while the drafted one is used.
    pub narrative: Option<Narrative>,
    /// The supervisor's comments when returned.
    pub comments: String,
    pub locked: bool,
    /// Unlocked after publication: the published version may be outdated.
    pub stale: bool,
    pub updated_at: String,
}

/// A year's report computed from records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearReport {
    pub report: AnnualReport,
    pub findings: Vec<Finding>,
    pub problems: Vec<FiguresProblem>,
    /// The narrative is the drafted one (no staff edits saved).
    pub drafted: bool,
}

impl YearReport {
    /// The report-json text of this report and its findings, with one key
    /// added after `findings`: `narrative` (`preamble` and the six
    /// `sections`), so that a published version holds its whole text.
    pub fn to_json(&self) -> String {
        let tables = gongkai_report::to_json(&self.report, &self.findings);
        let n = &self.report.narrative;
        let narrative = serde_json::to_string_pretty(
            &serde_json::json!({ "preamble": n.preamble, "sections": n.sections }),
        )
        .unwrap_or_else(|_| "null".to_string())
        .replace('\n', "\n  ");
        match tables.trim_end().strip_suffix('}') {
            Some(body) => format!("{},\n  \"narrative\": {narrative}\n}}", body.trim_end()),
            None => tables,
        }
    }
}

/// A published (or computed) report-json text back into the report with its
/// narrative.
pub fn report_from_json(text: &str) -> Option<AnnualReport> {
    let (mut report, _) = gongkai_report::from_json(text).ok()?;
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if let Some(n) = value.get("narrative") {
        report.narrative = narrative_from_json(&n.to_string()).ok()?;
    }
    Some(report)
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedVersion {
    pub version: i64,
    pub report_json: String,
    pub sha256: String,
    pub published_on: String,
    pub late: bool,
    pub actor_label: String,
    pub published_at: String,
}

/// Deadline and lateness of a year's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineInfo {
    pub deadline: String,
    /// First published after the deadline.
    pub published_late: bool,
    /// Not yet published and the deadline has passed.
    pub overdue: bool,
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn narrative_json(n: &Narrative) -> String {
    serde_json::json!({ "preamble": n.preamble, "sections": n.sections }).to_string()
}

pub(crate) fn narrative_from_json(text: &str) -> Result<Narrative> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| StoreError::Conflict(format!("数据库中的年报正文无法读取：{e}")))?;
    let mut n = Narrative {
        preamble: v
            .get("preamble")
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_string(),
        sections: Default::default(),
    };
    if let Some(sections) = v.get("sections").and_then(|s| s.as_array()) {
        for (slot, s) in n.sections.iter_mut().zip(sections) {
            *slot = s.as_str().unwrap_or_default().to_string();
        }
    }
    Ok(n)
}

fn case_years(filed_on: Date, decided: Option<(AppealResult, Date)>) -> (i32, i32) {
    (
        filed_on.year(),
        decided.map(|(_, d)| d.year()).unwrap_or(i32::MAX),
    )
}

/// Refuse when any of `years` (an inclusive range) is locked.
fn refuse_locked(locked: &[i32], first: i32, last: i32) -> Result<()> {
    if let Some(y) = locked.iter().find(|y| (first..=last).contains(*y)) {
        return Err(StoreError::Refused {
            code: "year_locked",
            message: format!(
                "{y}年度报告已报送上级或已发布，该年度的记录已锁定；如需更改，请等待上级退回，或由机关管理员填写理由解锁该年度后再改（已发布的报告解锁后将标为“待更新”）"
            ),
        });
    }
    Ok(())
}

fn reopened_refusal() -> StoreError {
    StoreError::Refused {
        code: "case_reopened_application",
        message: "该案件的“结果纠正”已使关联申请重新办理，案件结果不能再更改或删除；如确有错误，请在申请的办理记录中说明"
            .to_string(),
    }
}

async fn locked_years(tx: &mut Tx, agency_id: i64) -> Result<Vec<i32>> {
    let years: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT year FROM annual_reports WHERE agency_id = $1 AND locked = 1")
        .bind(agency_id).fetch_all(c).await)?;
    Ok(years.into_iter().map(|y| y as i32).collect())
}

/// A case as [`select_case`] reads it; the owning agency last.
pub(crate) type CaseRow = (
    i64,
    String,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    i64,
);

macro_rules! select_case {
    () => {
        "SELECT c.id, c.kind, c.application_id, c.filed_on, c.result, c.decided_on, c.reanswer_due_on, c.note, a.tracking_code, c.agency_id FROM appeal_cases c LEFT JOIN applications a ON a.id = c.application_id"
    };
}
pub(crate) use select_case;

pub(crate) fn case_of_row(row: CaseRow) -> Result<(StoredAppealCase, AppealCase)> {
    let (id, kind, application_id, filed_on, result, decided_on, reanswer, note, tracking, _) = row;
    let corrupt = |what: &str| StoreError::Conflict(format!("数据库中的案件{what}无法读取"));
    let kind = AppealKind::from_id(&kind).ok_or_else(|| corrupt("类型"))?;
    let filed = parse_date(&filed_on)?;
    let decided = match (result.as_deref(), decided_on.as_deref()) {
        (Some(r), Some(d)) => Some((
            AppealResult::from_id(r).ok_or_else(|| corrupt("结果"))?,
            parse_date(d)?,
        )),
        _ => None,
    };
    let stored = StoredAppealCase {
        id,
        case: AppealCaseView {
            kind,
            kind_label: kind.label(),
            filed_on,
            result: decided.map(|(r, _)| r),
            result_label: decided.map(|(r, _)| r.label()),
            decided_on: decided.map(|(_, d)| date_text(d)),
        },
        application_id,
        tracking_code: tracking,
        reanswer_due_on: reanswer,
        note,
    };
    Ok((
        stored,
        AppealCase {
            kind,
            filed_on: filed,
            decided,
        },
    ))
}

impl Store {
    pub(crate) async fn agency_kind_name(&self, agency_id: i64) -> Result<(AgencyKind, String)> {
        let row: Option<(String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT kind, name FROM agencies WHERE id = $1").bind(agency_id).fetch_optional(p).await)?;
        let (kind, name) = row.ok_or_else(|| StoreError::not_found("机关"))?;
        Ok((
            AgencyKind::parse(&kind).unwrap_or(AgencyKind::Department),
            name,
        ))
    }

    // ---- Art. 20 statistics ----

    /// The statistics of `year`, if entered.
    pub async fn statistics(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<Option<Art20Statistics>> {
        let row: Option<(i64, i64, i64, i64)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT licensing, penalty, enforcement, fees_yuan FROM art20_statistics WHERE agency_id = $1 AND year = $2")
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_optional(p).await)?;
        Ok(row.map(crate::year_inputs::statistics_of_row))
    }

    async fn put_statistics(
        tx: &mut Tx,
        agency_id: i64,
        year: i32,
        s: &Art20Statistics,
        now: &str,
    ) -> Result<()> {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO art20_statistics (agency_id, year, licensing, penalty, enforcement, fees_yuan, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (agency_id, year) DO UPDATE SET licensing = $3, penalty = $4, enforcement = $5, fees_yuan = $6, updated_at = $7")
            .bind(agency_id).bind(i64::from(year)).bind(i64::from(s.licensing)).bind(i64::from(s.penalty))
            .bind(i64::from(s.enforcement)).bind(s.administrative_fees.yuan()).bind(now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Enters (or corrects) the statistics of `year`.
    pub async fn set_statistics(
        &self,
        cap: &RecordsEditor,
        year: i32,
        stats: Art20Statistics,
    ) -> Result<()> {
        check_year(year)?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let locked = locked_years(&mut tx, cap.agency_id()).await?;
        refuse_locked(&locked, year, year)?;
        Store::put_statistics(&mut tx, cap.agency_id(), year, &stats, &now).await?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "statistics.set",
                object_kind: "art20_statistics",
                object_id: year.to_string(),
                summary: serde_json::json!({
                    "year": year, "licensing": stats.licensing, "penalty": stats.penalty,
                    "enforcement": stats.enforcement, "fees_wan_yuan": stats.administrative_fees.to_string(),
                }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Imports statistics from a CSV or XLSX file with a header row (年度,
    /// 行政许可, 行政处罚, 行政强制, 行政事业性收费（万元）), one row per year.
    /// A bad row is refused with its line and column; nothing is stored on
    /// any error. Returns the years imported.
    pub async fn import_statistics(
        &self,
        cap: &RecordsEditor,
        bytes: &[u8],
        file_name: &str,
    ) -> Result<Vec<i32>> {
        let parsed = file_rows(bytes, file_name)
            .and_then(|rows| statistics_from_rows(&rows))
            .map_err(|e| rejected("invalid_import", format!("导入文件“{file_name}”：{e}")))?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let locked = locked_years(&mut tx, cap.agency_id()).await?;
        for (year, _) in &parsed {
            refuse_locked(&locked, *year, *year)?;
        }
        for (year, stats) in &parsed {
            Store::put_statistics(&mut tx, cap.agency_id(), *year, stats, &now).await?;
        }
        let years: Vec<i32> = parsed.iter().map(|(y, _)| *y).collect();
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "statistics.import",
                object_kind: "art20_statistics",
                object_id: years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
                summary: serde_json::json!({ "file": file_name, "years": years }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(years)
    }

    // ---- appeal cases ----

    /// The agency's cases, newest filing first.
    pub async fn appeal_cases(&self, cap: &AgencyStaffView) -> Result<Vec<StoredAppealCase>> {
        Ok(self
            .appeal_cases_of(cap.agency_id())
            .await?
            .into_iter()
            .map(|(s, _)| s)
            .collect())
    }

    async fn appeal_cases_of(&self, agency_id: i64) -> Result<Vec<(StoredAppealCase, AppealCase)>> {
        let rows: Vec<CaseRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_case!(), " WHERE c.agency_id = $1 ORDER BY c.filed_on DESC, c.id DESC"))
            .bind(agency_id).fetch_all(p).await)?;
        rows.into_iter().map(case_of_row).collect()
    }

    async fn validate_case(
        &self,
        tx: &mut Tx,
        agency_id: i64,
        new: &NewAppealCase,
    ) -> Result<(Option<i64>, String)> {
        let case = AppealCase {
            kind: new.kind,
            filed_on: new.filed_on,
            decided: new.decided,
        };
        case.validate(today())
            .map_err(|e| rejected("invalid_input", e.to_string()))?;
        let note = check_text("备注", &new.note, false, MAX_TEXT_CHARS)?;
        let application_id = match new.application.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => {
                let code = code.to_ascii_uppercase();
                let id: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
                    "SELECT id FROM applications WHERE tracking_code = $1 AND agency_id = $2")
                    .bind(&code).bind(agency_id).fetch_optional(c).await)?;
                Some(id.ok_or_else(|| {
                    invalid("关联申请", format!("查询码“{code}”不是本机关的申请"))
                })?)
            }
            _ => None,
        };
        Ok((application_id, note))
    }

    /// A 结果纠正 on a linked application reopens it (see the module
    /// documentation); returns the new answer deadline, if it was reopened.
    async fn reopen_for_case(
        tx: &mut Tx,
        cap: &RecordsEditor,
        calendar: &Calendar,
        case_id: i64,
        kind: AppealKind,
        application_id: Option<i64>,
        decided: Option<(AppealResult, Date)>,
    ) -> Result<Option<String>> {
        let (Some(application_id), Some((AppealResult::Corrected, decided_on))) =
            (application_id, decided)
        else {
            return Ok(None);
        };
        let reason = format!(
            "{}案件（编号{case_id}）{}，{}决定重新办理",
            kind.label(),
            AppealResult::Corrected.label(),
            date_text(decided_on)
        );
        let due = crate::applications::reopen_in_tx(
            tx,
            cap.agency_id(),
            application_id,
            decided_on,
            calendar,
            cap.actor(),
            &reason,
        )
        .await?;
        Ok(due.map(date_text))
    }

    /// Records a case. A 结果纠正 decision on a linked application sets the
    /// re-answer deadline (see the module documentation).
    pub async fn add_appeal_case(
        &self,
        cap: &RecordsEditor,
        calendar: &Calendar,
        new: NewAppealCase,
    ) -> Result<StoredAppealCase> {
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let (application_id, note) = self.validate_case(&mut tx, cap.agency_id(), &new).await?;
        let (first, last) = case_years(new.filed_on, new.decided);
        refuse_locked(&locked_years(&mut tx, cap.agency_id()).await?, first, last)?;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO appeal_cases (agency_id, kind, application_id, filed_on, result, decided_on, reanswer_due_on, note, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8) RETURNING id")
            .bind(cap.agency_id()).bind(new.kind.id()).bind(application_id)
            .bind(date_text(new.filed_on)).bind(new.decided.map(|(r, _)| r.id()))
            .bind(new.decided.map(|(_, d)| date_text(d))).bind(&note).bind(&now)
            .fetch_one(c).await)?;
        let reanswer = Self::reopen_for_case(
            &mut tx,
            cap,
            calendar,
            id,
            new.kind,
            application_id,
            new.decided,
        )
        .await?;
        if reanswer.is_some() {
            on_tx!(&mut tx, c => sqlx::query("UPDATE appeal_cases SET reanswer_due_on = $1 WHERE id = $2")
                .bind(&reanswer).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        }
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "appeal_case.create",
                object_kind: "appeal_case",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "kind": new.kind.id(), "application_id": application_id,
                    "filed_on": date_text(new.filed_on),
                    "result": new.decided.map(|(r, _)| r.id()),
                    "decided_on": new.decided.map(|(_, d)| date_text(d)),
                    "reanswer_due_on": reanswer,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.appeal_case(cap.agency_id(), id).await
    }

    async fn appeal_case(&self, agency_id: i64, id: i64) -> Result<StoredAppealCase> {
        let row: Option<CaseRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_case!(), " WHERE c.agency_id = $1 AND c.id = $2"))
            .bind(agency_id).bind(id).fetch_optional(p).await)?;
        Ok(case_of_row(row.ok_or_else(|| StoreError::not_found("案件"))?)?.0)
    }

    /// Records (or clears, with `None`) a case's decision.
    pub async fn decide_appeal_case(
        &self,
        cap: &RecordsEditor,
        calendar: &Calendar,
        id: i64,
        decided: Option<(AppealResult, Date)>,
    ) -> Result<StoredAppealCase> {
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let row: Option<CaseRow> = on_tx!(&mut tx, c => sqlx::query_as(
            concat!(select_case!(), " WHERE c.agency_id = $1 AND c.id = $2"))
            .bind(cap.agency_id()).bind(id).fetch_optional(c).await)?;
        let (old, old_case) = case_of_row(row.ok_or_else(|| StoreError::not_found("案件"))?)?;
        let new = NewAppealCase {
            kind: old_case.kind,
            application: old.tracking_code.clone(),
            filed_on: old_case.filed_on,
            decided,
            note: old.note.clone(),
        };
        let (application_id, _) = self.validate_case(&mut tx, cap.agency_id(), &new).await?;
        let locked = locked_years(&mut tx, cap.agency_id()).await?;
        let (a, b) = case_years(old_case.filed_on, old_case.decided);
        refuse_locked(&locked, a, b)?;
        let (a, b) = case_years(new.filed_on, decided);
        refuse_locked(&locked, a, b)?;
        let reanswer = if old.reanswer_due_on.is_some() {
            if decided != old_case.decided {
                return Err(reopened_refusal());
            }
            old.reanswer_due_on.clone()
        } else {
            Self::reopen_for_case(
                &mut tx,
                cap,
                calendar,
                id,
                old_case.kind,
                application_id,
                decided,
            )
            .await?
        };
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE appeal_cases SET result = $1, decided_on = $2, reanswer_due_on = $3, updated_at = $4 WHERE id = $5 AND agency_id = $6")
            .bind(decided.map(|(r, _)| r.id())).bind(decided.map(|(_, d)| date_text(d)))
            .bind(&reanswer).bind(&now).bind(id).bind(cap.agency_id())
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "appeal_case.decide",
                object_kind: "appeal_case",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "result": decided.map(|(r, _)| r.id()),
                    "decided_on": decided.map(|(_, d)| date_text(d)),
                    "reanswer_due_on": reanswer,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.appeal_case(cap.agency_id(), id).await
    }

    /// Deletes a case entered by mistake.
    pub async fn delete_appeal_case(&self, cap: &RecordsEditor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let row: Option<CaseRow> = on_tx!(&mut tx, c => sqlx::query_as(
            concat!(select_case!(), " WHERE c.agency_id = $1 AND c.id = $2"))
            .bind(cap.agency_id()).bind(id).fetch_optional(c).await)?;
        let (stored, case) = case_of_row(row.ok_or_else(|| StoreError::not_found("案件"))?)?;
        if stored.reanswer_due_on.is_some() {
            return Err(reopened_refusal());
        }
        let (a, b) = case_years(case.filed_on, case.decided);
        refuse_locked(&locked_years(&mut tx, cap.agency_id()).await?, a, b)?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM appeal_cases WHERE id = $1 AND agency_id = $2")
            .bind(id).bind(cap.agency_id()).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "appeal_case.delete",
                object_kind: "appeal_case",
                object_id: id.to_string(),
                summary: serde_json::json!({ "kind": case.kind.id(), "filed_on": date_text(case.filed_on) }),
            },
        )
        .await?;
        tx.commit().await
    }

    // ---- proposals ----

    /// Proposals handled in `year`, per kind entered.
    pub async fn proposals(&self, cap: &AgencyStaffView, year: i32) -> Result<Vec<ProposalCounts>> {
        self.proposals_of(cap.agency_id(), year).await
    }

    async fn proposals_of(&self, agency_id: i64, year: i32) -> Result<Vec<ProposalCounts>> {
        let all = self.proposals_in(Scope::Agency(agency_id), year).await?;
        Ok(of_agency(all, agency_id))
    }

    /// Enters the proposals of one kind handled in `year`.
    pub async fn set_proposals(
        &self,
        cap: &RecordsEditor,
        year: i32,
        counts: ProposalCounts,
    ) -> Result<()> {
        check_year(year)?;
        if counts.results_published > counts.handled {
            return Err(invalid(
                "公开办理结果件数",
                format!(
                    "公开办理结果{}件不能多于办理{}件",
                    counts.results_published, counts.handled
                ),
            ));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        refuse_locked(&locked_years(&mut tx, cap.agency_id()).await?, year, year)?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO npc_proposals (agency_id, year, kind, received, handled, results_published, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (agency_id, year, kind) DO UPDATE SET received = $4, handled = $5, results_published = $6, updated_at = $7")
            .bind(cap.agency_id()).bind(i64::from(year)).bind(counts.kind.as_str())
            .bind(i64::from(counts.received)).bind(i64::from(counts.handled))
            .bind(i64::from(counts.results_published)).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "proposals.set",
                object_kind: "npc_proposals",
                object_id: format!("{year}/{}", counts.kind.as_str()),
                summary: serde_json::to_value(counts).unwrap_or_default(),
            },
        )
        .await?;
        tx.commit().await
    }

    // ---- roster ----

    /// The 信息员 roster, current first.
    pub async fn info_officers(&self, cap: &AgencyStaffView) -> Result<Vec<InfoOfficer>> {
        self.info_officers_of(cap.agency_id()).await
    }

    async fn info_officers_of(&self, agency_id: i64) -> Result<Vec<InfoOfficer>> {
        let all = self.info_officers_in(Scope::Agency(agency_id)).await?;
        Ok(of_agency(all, agency_id))
    }

    /// Adds a 信息员 to the roster.
    pub async fn add_info_officer(
        &self,
        cap: &RecordsEditor,
        name: &str,
        unit: &str,
        since_on: Date,
    ) -> Result<InfoOfficer> {
        let name = check_text("姓名", name, true, 50)?;
        let unit = check_text("所在科室", unit, false, 100)?;
        not_future("任职日期", since_on)?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO info_officers (agency_id, name, unit, since_on, left_on, created_at) VALUES ($1, $2, $3, $4, NULL, $5) RETURNING id")
            .bind(cap.agency_id()).bind(&name).bind(&unit).bind(date_text(since_on)).bind(&now)
            .fetch_one(c).await)?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "info_officer.create",
                object_kind: "info_officer",
                object_id: id.to_string(),
                summary: serde_json::json!({ "name": name, "unit": unit, "since_on": date_text(since_on) }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(InfoOfficer {
            id,
            name,
            unit,
            since_on: date_text(since_on),
            left_on: None,
        })
    }

    /// Marks a 信息员 as having left the roster on `left_on`.
    pub async fn info_officer_left(
        &self,
        cap: &RecordsEditor,
        id: i64,
        left_on: Date,
    ) -> Result<()> {
        not_future("离任日期", left_on)?;
        let mut tx = self.begin().await?;
        let since: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT since_on FROM info_officers WHERE id = $1 AND agency_id = $2 AND left_on IS NULL")
            .bind(id).bind(cap.agency_id()).fetch_optional(c).await)?;
        let since = since.ok_or_else(|| StoreError::not_found("在任信息员"))?;
        if parse_date(&since)? > left_on {
            return Err(invalid("离任日期", format!("不能早于任职日期 {since}")));
        }
        let left = date_text(left_on);
        on_tx!(&mut tx, c => sqlx::query("UPDATE info_officers SET left_on = $1 WHERE id = $2 AND agency_id = $3")
            .bind(&left).bind(id).bind(cap.agency_id()).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "info_officer.leave",
                object_kind: "info_officer",
                object_id: id.to_string(),
                summary: serde_json::json!({ "left_on": left }),
            },
        )
        .await?;
        tx.commit().await
    }

    // ---- training ----

    /// Training sessions of `year` (all years with `None`), by date.
    pub async fn trainings(
        &self,
        cap: &AgencyStaffView,
        year: Option<i32>,
    ) -> Result<Vec<Training>> {
        self.trainings_of(cap.agency_id(), year).await
    }

    async fn trainings_of(&self, agency_id: i64, year: Option<i32>) -> Result<Vec<Training>> {
        let (from, to) = match year {
            Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
            None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
        };
        let rows: Vec<(i64, String, String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, held_on, topic, attendances FROM trainings WHERE agency_id = $1 AND held_on >= $2 AND held_on <= $3 ORDER BY held_on, id")
            .bind(agency_id).bind(&from).bind(&to).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, held_on, topic, n)| Training {
                id,
                held_on,
                topic,
                attendances: u32::try_from(n).unwrap_or(0),
            })
            .collect())
    }

    /// Records a training session.
    pub async fn add_training(
        &self,
        cap: &RecordsEditor,
        held_on: Date,
        topic: &str,
        attendances: u32,
    ) -> Result<Training> {
        let topic = check_text("培训主题", topic, true, 200)?;
        not_future("培训日期", held_on)?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        refuse_locked(
            &locked_years(&mut tx, cap.agency_id()).await?,
            held_on.year(),
            held_on.year(),
        )?;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO trainings (agency_id, held_on, topic, attendances, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(cap.agency_id()).bind(date_text(held_on)).bind(&topic).bind(i64::from(attendances)).bind(&now)
            .fetch_one(c).await)?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "training.create",
                object_kind: "training",
                object_id: id.to_string(),
                summary: serde_json::json!({ "held_on": date_text(held_on), "topic": topic, "attendances": attendances }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Training {
            id,
            held_on: date_text(held_on),
            topic,
            attendances,
        })
    }

    /// Deletes a training session entered by mistake.
    pub async fn delete_training(&self, cap: &RecordsEditor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let held: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT held_on FROM trainings WHERE id = $1 AND agency_id = $2")
            .bind(id).bind(cap.agency_id()).fetch_optional(c).await)?;
        let held = parse_date(&held.ok_or_else(|| StoreError::not_found("培训记录"))?)?;
        refuse_locked(
            &locked_years(&mut tx, cap.agency_id()).await?,
            held.year(),
            held.year(),
        )?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM trainings WHERE id = $1 AND agency_id = $2")
            .bind(id).bind(cap.agency_id()).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "training.delete",
                object_kind: "training",
                object_id: id.to_string(),
                summary: serde_json::json!({ "held_on": date_text(held) }),
            },
        )
        .await?;
        tx.commit().await
    }

    // ---- computation ----

    /// The 规章 and 行政规范性文件 among the agency's publications that were
    /// published (still public or since repealed), with their 成文, 发布 and
    /// 废止 dates: the rows table 二 (一) is counted from
    /// (`gongkai_domain::annual::document_figures`). A withdrawn item is not counted.
    pub async fn regulatory_documents(
        &self,
        cap: &AgencyStaffView,
    ) -> Result<Vec<RegulatoryDocument>> {
        self.regulatory_documents_of(cap.agency_id()).await
    }

    async fn regulatory_documents_of(&self, agency_id: i64) -> Result<Vec<RegulatoryDocument>> {
        let all = self
            .regulatory_documents_in(Scope::Agency(agency_id))
            .await?;
        Ok(of_agency(all, agency_id))
    }

    // ---- workflow ----

    async fn report_state_of(&self, agency_id: i64, year: i32) -> Result<Option<ReportState>> {
        let row: Option<(String, Option<String>, String, i64, i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT status, narrative, comments, locked, stale, updated_at FROM annual_reports WHERE agency_id = $1 AND year = $2")
            .bind(agency_id).bind(i64::from(year)).fetch_optional(p).await)?;
        row.map(state_of_row).transpose()
    }

    /// Where the year's report stands (`None`: not started).
    pub async fn report_state(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<Option<ReportState>> {
        self.report_state_of(cap.agency_id(), year).await
    }

    /// Whether the published report of the year is flagged stale (public).
    pub async fn report_is_stale(&self, agency_id: i64, year: i32) -> Result<bool> {
        Ok(self
            .report_state_of(agency_id, year)
            .await?
            .is_some_and(|s| s.stale))
    }

    /// The status within the transaction (`None`: not started), row-locked on PostgreSQL.
    async fn status_in_tx(tx: &mut Tx, agency_id: i64, year: i32) -> Result<Option<ReportStatus>> {
        let status: Option<String> = match tx {
            Tx::Sqlite(t, _) => {
                sqlx::query_scalar(
                    "SELECT status FROM annual_reports WHERE agency_id = $1 AND year = $2",
                )
                .bind(agency_id)
                .bind(i64::from(year))
                .fetch_optional(&mut **t)
                .await?
            }
            Tx::Postgres(t, _) => sqlx::query_scalar(
                "SELECT status FROM annual_reports WHERE agency_id = $1 AND year = $2 FOR UPDATE",
            )
            .bind(agency_id)
            .bind(i64::from(year))
            .fetch_optional(&mut **t)
            .await?,
        };
        status
            .map(|s| {
                ReportStatus::parse(&s)
                    .ok_or_else(|| StoreError::Conflict(format!("数据库中的年报状态“{s}”无法读取")))
            })
            .transpose()
    }

    async fn ensure_report_row(tx: &mut Tx, agency_id: i64, year: i32, now: &str) -> Result<()> {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO annual_reports (agency_id, year, status, narrative, comments, locked, stale, updated_at) VALUES ($1, $2, 'draft', NULL, '', 0, 0, $3)
             ON CONFLICT (agency_id, year) DO NOTHING")
            .bind(agency_id).bind(i64::from(year)).bind(now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    async fn set_status(
        tx: &mut Tx,
        agency_id: i64,
        year: i32,
        status: ReportStatus,
        now: &str,
    ) -> Result<()> {
        on_tx!(tx, c => sqlx::query(
            "UPDATE annual_reports SET status = $1, updated_at = $2 WHERE agency_id = $3 AND year = $4")
            .bind(status.as_str()).bind(now).bind(agency_id).bind(i64::from(year))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    fn wrong_status(status: Option<ReportStatus>, action: &str) -> StoreError {
        let label = status.map(ReportStatus::label).unwrap_or("尚未开始");
        rejected(
            "report_state",
            format!("年报当前状态为“{label}”，不能{action}"),
        )
    }

    /// Saves the staff's narrative (`None` goes back to the drafted one).
    /// Only a draft or a returned report is edited.
    pub async fn save_narrative(
        &self,
        cap: &RecordsEditor,
        year: i32,
        narrative: Option<Narrative>,
    ) -> Result<()> {
        check_year(year)?;
        let narrative = match narrative {
            Some(n) => {
                // Browsers send CRLF from text areas; trailing blank lines are dropped.
                let tidy = |t: &str| t.replace("\r\n", "\n").trim_end().to_string();
                let mut clean = Narrative {
                    preamble: check_text("前言", &tidy(&n.preamble), false, MAX_TEXT_CHARS)?,
                    sections: Default::default(),
                };
                for (i, (slot, text)) in
                    clean.sections.iter_mut().zip(n.sections.iter()).enumerate()
                {
                    *slot = check_text(
                        gongkai_report::labels::SECTION_HEADINGS[i],
                        &tidy(text),
                        false,
                        MAX_TEXT_CHARS,
                    )?;
                }
                Some(clean)
            }
            None => None,
        };
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let status = Store::status_in_tx(&mut tx, cap.agency_id(), year).await?;
        if status.is_some_and(|s| !s.is_editable()) {
            return Err(Store::wrong_status(status, "修改正文"));
        }
        Store::ensure_report_row(&mut tx, cap.agency_id(), year, &now).await?;
        let text = narrative.as_ref().map(narrative_json);
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE annual_reports SET narrative = $1, updated_at = $2 WHERE agency_id = $3 AND year = $4")
            .bind(&text).bind(&now).bind(cap.agency_id()).bind(i64::from(year))
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report.narrative",
                object_kind: "annual_report",
                object_id: year.to_string(),
                summary: serde_json::json!({
                    "year": year, "drafted": text.is_none(),
                    "sha256": text.as_deref().map(sha256_hex),
                }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Submits the report to the supervising agency. Refused while the
    /// computed report breaks any of R1–R5.
    pub async fn submit_report(&self, cap: &RecordsEditor, year: i32) -> Result<()> {
        let computed = self.compute_year_report(&cap.view(), year).await?;
        if has_errors(&computed.findings) {
            let first = computed
                .findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| format!("{}（{}）", f.message, f.location))
                .unwrap_or_default();
            return Err(rejected(
                "report_has_errors",
                format!("年报存在勾稽关系错误，不能报送：{first}"),
            ));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let status = Store::status_in_tx(&mut tx, cap.agency_id(), year).await?;
        if status.is_some_and(|s| !s.is_editable()) {
            return Err(Store::wrong_status(status, "报送"));
        }
        Store::ensure_report_row(&mut tx, cap.agency_id(), year, &now).await?;
        Store::set_status(
            &mut tx,
            cap.agency_id(),
            year,
            ReportStatus::Submitted,
            &now,
        )
        .await?;
        // What the supervisor reviews is what gets published: the year's
        // records stay locked from submission (until returned or unlocked).
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE annual_reports SET locked = 1 WHERE agency_id = $1 AND year = $2")
            .bind(cap.agency_id()).bind(i64::from(year))
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report.submit",
                object_kind: "annual_report",
                object_id: year.to_string(),
                summary: serde_json::json!({ "year": year }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Returns a submitted report with comments (required).
    pub async fn return_report(
        &self,
        cap: &ReportReviewer,
        year: i32,
        comments: &str,
    ) -> Result<()> {
        let comments = check_text("退回意见", comments, true, MAX_TEXT_CHARS)?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let status = Store::status_in_tx(&mut tx, cap.agency_id(), year).await?;
        if status != Some(ReportStatus::Submitted) {
            return Err(Store::wrong_status(status, "退回"));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE annual_reports SET status = 'returned', comments = $1, locked = 0, updated_at = $2 WHERE agency_id = $3 AND year = $4")
            .bind(&comments).bind(&now).bind(cap.agency_id()).bind(i64::from(year))
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report.return",
                object_kind: "annual_report",
                object_id: year.to_string(),
                summary: serde_json::json!({ "year": year, "comments": comments }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Accepts a submitted report; the agency may then publish it.
    pub async fn accept_report(&self, cap: &ReportReviewer, year: i32) -> Result<()> {
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let status = Store::status_in_tx(&mut tx, cap.agency_id(), year).await?;
        if status != Some(ReportStatus::Submitted) {
            return Err(Store::wrong_status(status, "审核通过"));
        }
        Store::set_status(&mut tx, cap.agency_id(), year, ReportStatus::Accepted, &now).await?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report.accept",
                object_kind: "annual_report",
                object_id: year.to_string(),
                summary: serde_json::json!({ "year": year }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Publishes an accepted report as version N+1: the report-json text and
    /// its SHA-256 are stored and never changed; the year is locked.
    pub async fn publish_report(&self, cap: &RecordsEditor, year: i32) -> Result<PublishedVersion> {
        let computed = self.compute_year_report(&cap.view(), year).await?;
        let json = computed.to_json();
        let sha = sha256_hex(&json);
        let (kind, _) = self.agency_kind_name(cap.agency_id()).await?;
        let today = today();
        let late = report_deadline(kind, year).is_some_and(|d| today > d);
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let status = Store::status_in_tx(&mut tx, cap.agency_id(), year).await?;
        if status != Some(ReportStatus::Accepted) {
            return Err(Store::wrong_status(
                status,
                "发布（须先报送上级并经审核通过）",
            ));
        }
        let last: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT MAX(version) FROM annual_report_versions WHERE agency_id = $1 AND year = $2")
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_one(c).await)?;
        let version = last.unwrap_or(0) + 1;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO annual_report_versions (agency_id, year, version, report_json, sha256, published_on, late, actor_label, published_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(cap.agency_id()).bind(i64::from(year)).bind(version).bind(&json).bind(&sha)
            .bind(date_text(today)).bind(i64::from(late)).bind(&cap.actor().label).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE annual_reports SET status = 'published', locked = 1, stale = 0, comments = '', updated_at = $1 WHERE agency_id = $2 AND year = $3")
            .bind(&now).bind(cap.agency_id()).bind(i64::from(year))
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report.publish",
                object_kind: "annual_report",
                object_id: year.to_string(),
                summary: serde_json::json!({ "year": year, "version": version, "sha256": sha, "late": late }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(PublishedVersion {
            version,
            report_json: json,
            sha256: sha,
            published_on: date_text(today),
            late,
            actor_label: cap.actor().label.clone(),
            published_at: now,
        })
    }

    /// Unlocks a published year with a reason: its records may change again,
    /// the report goes back to draft and the published version is flagged stale.
    pub async fn unlock_year(&self, cap: &AgencyAdmin, year: i32, reason: &str) -> Result<()> {
        let reason = check_text("解锁理由", reason, true, 2_000)?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let locked: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT locked FROM annual_reports WHERE agency_id = $1 AND year = $2")
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_optional(c).await)?;
        if locked != Some(1) {
            return Err(rejected(
                "report_state",
                format!("{year}年度没有被锁定，无需解锁"),
            ));
        }
        let published: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM annual_report_versions WHERE agency_id = $1 AND year = $2")
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_one(c).await)?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE annual_reports SET status = 'draft', locked = 0, stale = $1, updated_at = $2 WHERE agency_id = $3 AND year = $4")
            .bind(i64::from(published > 0)).bind(&now).bind(cap.agency_id()).bind(i64::from(year))
            .execute(c).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO report_unlocks (agency_id, year, reason, actor_label, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(cap.agency_id()).bind(i64::from(year)).bind(&reason).bind(&cap.actor().label).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report.unlock",
                object_kind: "annual_report",
                object_id: year.to_string(),
                summary: serde_json::json!({ "year": year, "reason": reason }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Unlocks of a year: (reason, who, when), newest first.
    pub async fn report_unlocks(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<Vec<(String, String, String)>> {
        let rows: Vec<(String, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT reason, actor_label, at FROM report_unlocks WHERE agency_id = $1 AND year = $2 ORDER BY id DESC")
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(rows)
    }

    // ---- published versions (public) ----

    /// Every published version of the year, oldest first.
    pub async fn report_versions(
        &self,
        agency_id: i64,
        year: i32,
    ) -> Result<Vec<PublishedVersion>> {
        let rows: Vec<(i64, String, String, String, i64, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT version, report_json, sha256, published_on, late, actor_label, published_at FROM annual_report_versions WHERE agency_id = $1 AND year = $2 ORDER BY version")
            .bind(agency_id).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(
                |(version, report_json, sha256, published_on, late, actor_label, published_at)| {
                    PublishedVersion {
                        version,
                        report_json,
                        sha256,
                        published_on,
                        late: late != 0,
                        actor_label,
                        published_at,
                    }
                },
            )
            .collect())
    }

    /// The newest published version of the year.
    pub async fn latest_version(
        &self,
        agency_id: i64,
        year: i32,
    ) -> Result<Option<PublishedVersion>> {
        Ok(self.report_versions(agency_id, year).await?.pop())
    }

    /// Years with a published report, newest first.
    pub async fn published_years(&self, agency_id: i64) -> Result<Vec<i32>> {
        let years: Vec<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT DISTINCT year FROM annual_report_versions WHERE agency_id = $1 ORDER BY year DESC")
            .bind(agency_id).fetch_all(p).await)?;
        Ok(years.into_iter().map(|y| y as i32).collect())
    }

    /// The deadline of the year's report and whether it was met.
    pub async fn report_deadline(&self, agency_id: i64, year: i32) -> Result<DeadlineInfo> {
        let (kind, _) = self.agency_kind_name(agency_id).await?;
        let deadline = report_deadline(kind, year);
        let first = self
            .report_versions(agency_id, year)
            .await?
            .into_iter()
            .next();
        Ok(DeadlineInfo {
            deadline: deadline.map(date_text).unwrap_or_default(),
            published_late: first.as_ref().is_some_and(|v| v.late),
            overdue: first.is_none() && deadline.is_some_and(|d| today() > d),
        })
    }
}

/// A report state from its row (status, narrative, comments, locked, stale, updated_at).
pub(crate) fn state_of_row(
    (status, narrative, comments, locked, stale, updated_at): (
        String,
        Option<String>,
        String,
        i64,
        i64,
        String,
    ),
) -> Result<ReportState> {
    Ok(ReportState {
        status: ReportStatus::parse(&status)
            .ok_or_else(|| StoreError::Conflict(format!("数据库中的年报状态“{status}”无法读取")))?,
        narrative: narrative.as_deref().map(narrative_from_json).transpose()?,
        comments,
        locked: locked != 0,
        stale: stale != 0,
        updated_at,
    })
}

/// What one agency's computed report of a year is assembled from (loaded
/// for one agency by `Store::compute_year_report`, for many at once by
/// `Store::compute_year_reports`).
pub(crate) struct ReportInputs<'a> {
    pub agency_name: &'a str,
    pub figures: gongkai_domain::figures::YearFigures,
    pub documents: &'a [RegulatoryDocument],
    pub statistics: Art20Statistics,
    pub cases: &'a [AppealCase],
    /// The staff's narrative, when saved.
    pub saved: Option<Narrative>,
    /// What the drafted narrative states (needed when none is saved).
    pub narrative_facts: Option<NarrativeFacts>,
    /// Last year's published report (R6/R7).
    pub previous: Option<&'a AnnualReport>,
}

/// The report from its inputs: tables from records, the saved or drafted
/// narrative, the findings of the rules.
pub(crate) fn assemble(inputs: ReportInputs<'_>) -> YearReport {
    let mut computed = report_from_figures(
        inputs.figures,
        inputs.agency_name,
        inputs.documents,
        inputs.statistics,
        inputs.cases,
    );
    let drafted = inputs.saved.is_none();
    computed.report.narrative = match inputs.saved {
        Some(n) => n,
        None => draft_narrative(
            &computed.report,
            &inputs.narrative_facts.unwrap_or_default(),
        ),
    };
    let findings = check(&computed.report, inputs.previous);
    YearReport {
        report: computed.report,
        findings,
        problems: computed.problems,
        drafted,
    }
}

/// The drafted narrative's facts from the agency's roster, trainings,
/// proposals, published counts and fees of `year`.
pub(crate) fn narrative_facts(
    year: i32,
    officers: &[InfoOfficer],
    trainings: Vec<Training>,
    proposals: &[ProposalCounts],
    published: (NamedCounts, NamedCounts),
    fees_yuan: u64,
) -> Result<NarrativeFacts> {
    let last_day = Date::from_calendar_date(year, time::Month::December, 31)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let staff = officers
        .iter()
        .filter(|o| {
            parse_date(&o.since_on).is_ok_and(|d| d <= last_day)
                && o.left_on
                    .as_deref()
                    .is_none_or(|l| parse_date(l).is_ok_and(|d| d > last_day))
        })
        .count();
    let (published_by_category, published_by_channel) = published;
    Ok(NarrativeFacts {
        published_by_category,
        published_by_channel,
        staff: u32::try_from(staff).unwrap_or(u32::MAX),
        trainings: trainings
            .into_iter()
            .map(|t| (t.topic, t.attendances))
            .collect(),
        proposals: (!proposals.is_empty()).then(|| {
            (
                // Counts typed by staff: saturate rather than overflow.
                proposals
                    .iter()
                    .fold(0u32, |n, p| n.saturating_add(p.received)),
                proposals
                    .iter()
                    .fold(0u32, |n, p| n.saturating_add(p.results_published)),
            )
        }),
        processing_fees_yuan: i64::try_from(fees_yuan).unwrap_or(i64::MAX),
    })
}
