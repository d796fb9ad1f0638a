//! Annual reports of agencies that are not on the platform, imported by a
//! supervising agency into its roll-up (issue 7 §5).
//!
//! A supervisor (or an admin) of an agency uploads the report file of an
//! agency below it that does not use gongkai — text, HTML, DOCX or XLSX,
//! read by `gongkai_docs::read_any` and the report engine's reader — and
//! names that agency (a free name, optionally its code). The model is
//! stored as report-json text with the reader's and the rules' findings,
//! with the file's name and SHA-256, who and when; the file itself is not
//! kept.
//!
//! # Re-import and deletion keep history
//! One import is *current* per supervising agency, year and agency name
//! (compared by the report engine's label key, so full/half width and
//! spaces do not make a second agency). Importing the same name and year
//! again retires the current row (`replaced`) and stores version N+1;
//! deleting retires it (`deleted`). Retired rows are never changed again:
//! a roll-up someone exported last week can be traced back to the exact
//! figures it summed, which the audit log alone (hash and file name) could
//! not give.
//!
//! # Errors and the sum
//! An import whose reading or R1–R5 check gives an error (including
//! MISSING: a table or row not found) is stored and listed with its
//! findings, but is **not summed** into the roll-up: its figures are wrong
//! or incomplete by the report's own arithmetic, and adding them would make
//! the sum fail R1–R5 without saying which agency caused it. The roll-up
//! page says how many imports were left out and why; correct the file and
//! import it again. Warnings (LABEL, BLANK, AMBIGUOUS, R6, R7) do not keep
//! an import out of the sum.
//!
//! A file that cannot be read at all, or in which none of the three tables
//! is found, is refused with a Chinese message and nothing is stored.

use crate::audit::{append, AuditRecord};
use crate::stored::rejected;
use crate::{on_pool, on_tx, Result, Store, StoreError};
use gongkai_domain::{AgencyStaffView, RollupImporter};
use gongkai_report::{AnnualReport, Finding};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Largest report file accepted for import (DOCX with pictures included).
pub const MAX_REPORT_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// Longest agency name of an import.
pub const MAX_IMPORT_NAME_CHARS: usize = 100;
/// Longest agency code of an import.
pub const MAX_IMPORT_CODE_CHARS: usize = 64;

/// What a supervisor uploads.
#[derive(Debug, Clone, Copy)]
pub struct NewReportImport<'a> {
    /// The agency's name; blank: the name printed in the file's title.
    pub agency_name: &'a str,
    /// Optional code (e.g. its 统一社会信用代码 or a local code).
    pub agency_code: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// One stored import (current or retired).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedReport {
    pub id: i64,
    /// The supervising agency that imported it.
    pub supervisor_agency_id: i64,
    pub year: i32,
    pub agency_name: String,
    /// The comparison key of the name (one current import per key and year).
    pub name_key: String,
    pub agency_code: String,
    pub version: i64,
    pub file_name: String,
    pub sha256: String,
    /// The model in the report-json shape, with the findings of reading it.
    pub report_json: String,
    pub errors: i64,
    pub warnings: i64,
    pub actor_label: String,
    pub imported_at: String,
    /// `None` while current; else when it was replaced or deleted.
    pub retired_at: Option<String>,
    /// `replaced` or `deleted`.
    pub retired_why: Option<String>,
}

impl ImportedReport {
    /// The report and the findings stored with it.
    pub fn report(&self) -> Option<(AnnualReport, Vec<Finding>)> {
        gongkai_report::from_json(&self.report_json).ok()
    }

    /// Summed into the roll-up: no error in reading or R1–R5 (see the module docs).
    pub fn summed(&self) -> bool {
        self.errors == 0
    }
}

type ImportRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
);

macro_rules! select_import {
    () => {
        "SELECT id, supervisor_agency_id, year, agency_name, name_key, agency_code, version, file_name, sha256, report_json, errors, warnings, actor_label, imported_at, retired_at, retired_why FROM imported_reports"
    };
}

fn import_of_row(r: ImportRow) -> ImportedReport {
    ImportedReport {
        id: r.0,
        supervisor_agency_id: r.1,
        year: i32::try_from(r.2).unwrap_or_default(),
        agency_name: r.3,
        name_key: r.4,
        agency_code: r.5,
        version: r.6,
        file_name: r.7,
        sha256: r.8,
        report_json: r.9,
        errors: r.10,
        warnings: r.11,
        actor_label: r.12,
        imported_at: r.13,
        retired_at: r.14,
        retired_why: r.15,
    }
}

fn invalid(field: &str, message: impl std::fmt::Display) -> StoreError {
    rejected("invalid_input", format!("字段 {field}：{message}"))
}

/// The report read from an uploaded file, with its findings (reading, then
/// R1–R5 and MISSING). Refused when unreadable or when no table is found.
pub fn read_import_file(file_name: &str, bytes: &[u8]) -> Result<(AnnualReport, Vec<Finding>)> {
    if bytes.is_empty() {
        return Err(invalid("年报文件", "请选择要导入的年报文件"));
    }
    if bytes.len() > MAX_REPORT_IMPORT_BYTES {
        return Err(invalid(
            "年报文件",
            format!(
                "文件“{file_name}”过大（{} 字节），不能超过 {} MB",
                bytes.len(),
                MAX_REPORT_IMPORT_BYTES / 1024 / 1024
            ),
        ));
    }
    let doc = gongkai_docs::read_any(bytes, Some(file_name)).map_err(|e| {
        rejected(
            "unreadable_report",
            format!("字段 年报文件：无法读取“{file_name}”：{e}"),
        )
    })?;
    let out = gongkai_report::read_report(&doc);
    let r = &out.report;
    let found = r.proactive.iter().any(Option::is_some)
        || r.applications.iter().any(Option::is_some)
        || r.appeals.iter().any(Option::is_some);
    if !found {
        return Err(rejected(
            "unreadable_report",
            format!(
                "字段 年报文件：在“{file_name}”中没有找到年度报告的表格（二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况），请确认上传的是政府信息公开工作年度报告"
            ),
        ));
    }
    Ok((out.report, out.findings))
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(
            "机关名称",
            "请填写导入年报所属机关的名称（文件标题中也未能识别出机关名称）",
        ));
    }
    if name.chars().count() > MAX_IMPORT_NAME_CHARS {
        return Err(invalid(
            "机关名称",
            format!("不能超过{MAX_IMPORT_NAME_CHARS}个字符"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("机关名称", "不能含有控制字符"));
    }
    Ok(name.to_string())
}

fn check_code(code: &str) -> Result<String> {
    let code = code.trim();
    if code.chars().count() > MAX_IMPORT_CODE_CHARS {
        return Err(invalid(
            "机关代码",
            format!("不能超过{MAX_IMPORT_CODE_CHARS}个字符"),
        ));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            "机关代码",
            format!("“{code}”无效，只能使用字母、数字、“-”和“_”"),
        ));
    }
    Ok(code.to_string())
}

impl Store {
    /// Imports the report of an agency not on the platform into the roll-up
    /// of the importer's agency for `year`; a current import of the same
    /// name and year is replaced (kept as history). Refused, with nothing
    /// stored, when the file cannot be read, holds no report table, states
    /// another year, or names an agency that is on the platform.
    pub async fn import_report(
        &self,
        cap: &RollupImporter,
        year: i32,
        new: NewReportImport<'_>,
    ) -> Result<ImportedReport> {
        if !(2019..=2100).contains(&year) {
            return Err(invalid(
                "年度",
                format!("“{year}”无效，应为2019年及以后的年份"),
            ));
        }
        let file_name = new.file_name.trim();
        let file_name = if file_name.is_empty() {
            "年报文件"
        } else {
            file_name
        };
        if file_name.chars().count() > 255 {
            return Err(invalid("年报文件", "文件名不能超过255个字符"));
        }
        let (mut report, findings) = read_import_file(file_name, new.bytes)?;
        let name = if new.agency_name.trim().is_empty() {
            check_name(report.agency.as_deref().unwrap_or_default())?
        } else {
            check_name(new.agency_name)?
        };
        let code = check_code(new.agency_code)?;
        if let Some(stated) = report.year.filter(|y| *y != year) {
            return Err(invalid(
                "年报文件",
                format!("文件中的年度为{stated}年，与导入的{year}年度不符"),
            ));
        }
        let name_key = gongkai_report::normalize::key(&name);
        let on_platform: Vec<(String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT code, name FROM agencies").fetch_all(p).await)?;
        if let Some((c, n)) = on_platform.iter().find(|(c, n)| {
            gongkai_report::normalize::key(n) == name_key
                || (!code.is_empty() && c.eq_ignore_ascii_case(&code))
        }) {
            return Err(rejected(
                "agency_on_platform",
                format!(
                    "字段 机关名称：“{n}”（代码 {c}）已在平台上，其年报由平台按记录汇总，不能再导入"
                ),
            ));
        }
        report.year = Some(year);
        report.agency = Some(name.clone());
        let json = gongkai_report::to_json(&report, &findings);
        let sha = hex::encode(Sha256::digest(new.bytes));
        let errors = findings.iter().filter(|f| f.is_error()).count() as i64;
        let warnings = findings.len() as i64 - errors;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let current: Option<(i64, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id, version FROM imported_reports WHERE supervisor_agency_id = $1 AND year = $2 AND name_key = $3 AND retired_at IS NULL")
            .bind(cap.agency_id()).bind(i64::from(year)).bind(&name_key).fetch_optional(c).await)?;
        let last_version: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT MAX(version) FROM imported_reports WHERE supervisor_agency_id = $1 AND year = $2 AND name_key = $3")
            .bind(cap.agency_id()).bind(i64::from(year)).bind(&name_key).fetch_one(c).await)?;
        if let Some((old, _)) = current {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE imported_reports SET retired_at = $1, retired_why = 'replaced' WHERE id = $2")
                .bind(&now).bind(old).execute(c).await.map(|r| r.rows_affected()))?;
        }
        let version = last_version.unwrap_or(0) + 1;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO imported_reports (supervisor_agency_id, year, agency_name, name_key, agency_code, version, file_name, sha256, report_json, errors, warnings, actor_label, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
            .bind(cap.agency_id()).bind(i64::from(year)).bind(&name).bind(&name_key).bind(&code)
            .bind(version).bind(file_name).bind(&sha).bind(&json).bind(errors).bind(warnings)
            .bind(&cap.actor().label).bind(&now).fetch_one(c).await)?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: if current.is_some() {
                    "report_import.replace"
                } else {
                    "report_import.create"
                },
                object_kind: "imported_report",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "year": year, "agency_name": name, "agency_code": code, "version": version,
                    "file": file_name, "sha256": sha, "errors": errors, "warnings": warnings,
                    "replaced": current.map(|(old, _)| old),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ImportedReport {
            id,
            supervisor_agency_id: cap.agency_id(),
            year,
            agency_name: name,
            name_key,
            agency_code: code,
            version,
            file_name: file_name.to_string(),
            sha256: sha,
            report_json: json,
            errors,
            warnings,
            actor_label: cap.actor().label.clone(),
            imported_at: now,
            retired_at: None,
            retired_why: None,
        })
    }

    /// Deletes (retires) a current import of the importer's agency; the row
    /// stays as history. Not found when it is another agency's or already retired.
    pub async fn delete_report_import(&self, cap: &RollupImporter, id: i64) -> Result<()> {
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let row: Option<(i64, String, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT year, agency_name, version FROM imported_reports WHERE id = $1 AND supervisor_agency_id = $2 AND retired_at IS NULL")
            .bind(id).bind(cap.agency_id()).fetch_optional(c).await)?;
        let (year, name, version) = row.ok_or_else(|| StoreError::not_found("导入的年报"))?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE imported_reports SET retired_at = $1, retired_why = 'deleted' WHERE id = $2")
            .bind(&now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "report_import.delete",
                object_kind: "imported_report",
                object_id: id.to_string(),
                summary: serde_json::json!({ "year": year, "agency_name": name, "version": version }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// The current imports of `year` made by the viewed agency, by name.
    pub async fn report_imports(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<Vec<ImportedReport>> {
        let rows: Vec<ImportRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_import!(), " WHERE supervisor_agency_id = $1 AND year = $2 AND retired_at IS NULL ORDER BY agency_name, id"))
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(import_of_row).collect())
    }

    /// [`Store::report_imports`] of each agency of `views` at once (the
    /// roll-up), by agency id; an agency without imports is absent.
    pub async fn report_imports_of(
        &self,
        views: &[AgencyStaffView],
        year: i32,
    ) -> Result<std::collections::HashMap<i64, Vec<ImportedReport>>> {
        let rows: Vec<ImportRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_import!(), " WHERE year = $1 AND retired_at IS NULL ORDER BY agency_name, id"))
            .bind(i64::from(year)).fetch_all(p).await)?;
        let wanted: std::collections::HashSet<i64> = views.iter().map(|v| v.agency_id()).collect();
        let mut out: std::collections::HashMap<i64, Vec<ImportedReport>> = Default::default();
        for imp in rows.into_iter().map(import_of_row) {
            if wanted.contains(&imp.supervisor_agency_id) {
                out.entry(imp.supervisor_agency_id).or_default().push(imp);
            }
        }
        Ok(out)
    }

    /// Every version (current and retired) of the viewed agency's imports
    /// of `year`, newest first.
    pub async fn report_import_history(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<Vec<ImportedReport>> {
        let rows: Vec<ImportRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_import!(), " WHERE supervisor_agency_id = $1 AND year = $2 ORDER BY id DESC"))
            .bind(cap.agency_id()).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(import_of_row).collect())
    }

    /// One import (current or retired) of the viewed agency.
    pub async fn report_import(
        &self,
        cap: &AgencyStaffView,
        id: i64,
    ) -> Result<Option<ImportedReport>> {
        let row: Option<ImportRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_import!(), " WHERE id = $1 AND supervisor_agency_id = $2"))
            .bind(id).bind(cap.agency_id()).fetch_optional(p).await)?;
        Ok(row.map(import_of_row))
    }
}
