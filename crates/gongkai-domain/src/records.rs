//! Records behind the annual report and its workflow (issue 7): the
//! publication deadline, the workflow states, importing Art. 20 statistics
//! from CSV/XLSX, and the line diff shown between published versions.
//!
//! # Deadline (条例 Art. 49)
//! A people's government of county level and above (省, 市, 区县 — the
//! [`AgencyKind`]s `province`, `city`, `district`) publishes its own report by
//! **31 March** of Y+1; every other agency (departments, 街道, 乡镇) by
//! **31 January** of Y+1. A report first published after its deadline is
//! "published late".
//!
//! # Workflow
//! `draft` → `submitted` (to the supervising agency) → `returned` (with
//! comments; back to editing) or `accepted` → `published`. Publication locks
//! the year's records; an admin's unlock (with a reason) puts the report back
//! to `draft` and marks the published version stale until it is republished.

use crate::agency::AgencyKind;
use crate::annual::{Art20Statistics, WanYuan};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The last day to publish the report of `year`.
pub fn report_deadline(kind: AgencyKind, year: i32) -> Option<Date> {
    let (month, day) = match kind {
        AgencyKind::Province | AgencyKind::City | AgencyKind::District => (Month::March, 31),
        AgencyKind::Subdistrict | AgencyKind::Town | AgencyKind::Department => (Month::January, 31),
    };
    Date::from_calendar_date(year.checked_add(1)?, month, day).ok()
}

/// Where a year's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Published,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Accepted,
        ReportStatus::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Published => "published",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Draft => "草稿",
            ReportStatus::Submitted => "已报送上级",
            ReportStatus::Returned => "已退回修改",
            ReportStatus::Accepted => "上级已审核通过",
            ReportStatus::Published => "已发布",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The narrative may be edited (and records of the year changed).
    pub fn is_editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }
}

/// A bad line of an imported statistics file; nothing is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("文件无法读取：{0}")]
    Unreadable(String),
    #[error("文件没有内容：第一行应为表头（年度、行政许可、行政处罚、行政强制、行政事业性收费（万元））")]
    Empty,
    #[error("第{line}行（表头）缺少“{column}”列；表头应为：年度、行政许可、行政处罚、行政强制、行政事业性收费（万元）")]
    MissingColumn { line: usize, column: &'static str },
    #[error("第{line}行第{column}列（{header}）：{message}")]
    Cell {
        line: usize,
        column: usize,
        header: &'static str,
        message: String,
    },
    #[error("第{line}行：{year}年度在第{first}行已经出现过")]
    DuplicateYear {
        line: usize,
        year: i32,
        first: usize,
    },
    #[error("文件中没有数据行（表头之后至少要有一行）")]
    NoRows,
}

/// The columns of a statistics file, with the words that recognise them.
const COLUMNS: [(&str, &[&str]); 5] = [
    ("年度", &["年度", "年份", "year"]),
    ("行政许可", &["许可", "licensing"]),
    ("行政处罚", &["处罚", "penalty"]),
    ("行政强制", &["强制", "enforcement"]),
    ("行政事业性收费（万元）", &["收费", "fee"]),
];

/// Split CSV text into rows of cells (RFC 4180 quoting; `,`, `，` or tab).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            ',' | '，' | '\t' => row.push(std::mem::take(&mut cell)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Rows of a CSV (any common Chinese encoding) or XLSX file.
pub fn file_rows(bytes: &[u8], file_name: &str) -> Result<Vec<Vec<String>>, ImportError> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        let doc =
            gongkai_docs::read_xlsx(bytes).map_err(|e| ImportError::Unreadable(e.to_string()))?;
        let table = doc.tables().next().ok_or(ImportError::Empty)?;
        return Ok(table
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.clone()).collect())
            .collect());
    }
    let text =
        gongkai_docs::decode_text(bytes).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    Ok(csv_rows(&text))
}

fn count_cell(text: &str) -> Result<u32, String> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<u32>()
        .map_err(|_| format!("“{}”不是非负整数", text.trim()))
}

/// Art. 20 statistics per year from rows with a header row first. Blank
/// rows are skipped; a blank count is 0. Line numbers count from 1.
pub fn statistics_from_rows(
    rows: &[Vec<String>],
) -> Result<Vec<(i32, Art20Statistics)>, ImportError> {
    let mut lines = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    let (header_line, header) = lines.next().ok_or(ImportError::Empty)?;
    let mut positions = [0usize; 5];
    for (slot, (name, words)) in positions.iter_mut().zip(COLUMNS) {
        *slot = header
            .iter()
            .position(|h| {
                let h = h.trim().to_lowercase();
                words.iter().any(|w| h.contains(w))
            })
            .ok_or(ImportError::MissingColumn {
                line: header_line,
                column: name,
            })?;
    }
    let mut out: Vec<(i32, Art20Statistics)> = Vec::new();
    let mut first_line_of: Vec<(i32, usize)> = Vec::new();
    for (line, row) in lines {
        let cell = |i: usize| row.get(positions[i]).map(String::as_str).unwrap_or("");
        let err = |i: usize, message: String| ImportError::Cell {
            line,
            column: positions[i] + 1,
            header: COLUMNS[i].0,
            message,
        };
        let year_text = cell(0).trim().trim_end_matches('年');
        let year: i32 = year_text
            .parse()
            .ok()
            .filter(|y| (2019..=2100).contains(y))
            .ok_or_else(|| err(0, format!("“{}”不是2019年及以后的年份", cell(0).trim())))?;
        if let Some((_, first)) = first_line_of.iter().find(|(y, _)| *y == year) {
            return Err(ImportError::DuplicateYear {
                line,
                year,
                first: *first,
            });
        }
        let licensing = count_cell(cell(1)).map_err(|m| err(1, m))?;
        let penalty = count_cell(cell(2)).map_err(|m| err(2, m))?;
        let enforcement = count_cell(cell(3)).map_err(|m| err(3, m))?;
        let fee_text = cell(4);
        let administrative_fees = if fee_text.trim().is_empty() {
            WanYuan::ZERO
        } else {
            WanYuan::parse(fee_text).map_err(|e| err(4, e.to_string()))?
        };
        first_line_of.push((year, line));
        out.push((
            year,
            Art20Statistics {
                licensing,
                penalty,
                enforcement,
                administrative_fees,
            },
        ));
    }
    if out.is_empty() {
        return Err(ImportError::NoRows);
    }
    Ok(out)
}

/// One line of a diff between two versions' text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    /// ' ' unchanged, '-' only in the older, '+' only in the newer version.
    pub op: char,
    pub text: String,
}

/// A line diff (longest common subsequence) of `old` against `new`.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let line = |op: char, text: &str| DiffLine {
        op,
        text: text.to_string(),
    };
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(line(' ', a[i]));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(line('-', a[i]));
            i += 1;
        } else {
            out.push(line('+', b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|t| line('-', t)));
    out.extend(b[j..].iter().map(|t| line('+', t)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn deadlines_by_kind() {
        assert_eq!(
            report_deadline(AgencyKind::Subdistrict, 2021),
            Some(date!(2022 - 01 - 31))
        );
        assert_eq!(
            report_deadline(AgencyKind::District, 2021),
            Some(date!(2022 - 03 - 31))
        );
        assert_eq!(
            report_deadline(AgencyKind::Department, 2025),
            Some(date!(2026 - 01 - 31))
        );
    }

    #[test]
    fn statistics_import_names_line_and_column() {
        let text = "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n2021,12,3,0,1.5\n\n2022,\"1,200\",x,0,0\n";
        let err = statistics_from_rows(&csv_rows(text)).unwrap_err();
        assert_eq!(err.to_string(), "第4行第3列（行政处罚）：“x”不是非负整数");
        let ok = statistics_from_rows(&csv_rows(
            "\u{feff}年份，许可，处罚，强制，收费\r\n2021年,12,3,,0.035\r\n",
        ))
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].0, 2021);
        assert_eq!(ok[0].1.licensing, 12);
        assert_eq!(ok[0].1.enforcement, 0);
        assert_eq!(ok[0].1.administrative_fees.yuan(), 350);
        let missing = statistics_from_rows(&csv_rows("年度,行政许可\n2021,1\n")).unwrap_err();
        assert!(missing.to_string().contains("行政处罚"), "{missing}");
        let dup = statistics_from_rows(&csv_rows(
            "年度,行政许可,行政处罚,行政强制,收费\n2021,1,1,1,1\n2021,1,1,1,1\n",
        ))
        .unwrap_err();
        assert!(dup.to_string().starts_with("第3行"), "{dup}");
        let fee = statistics_from_rows(&csv_rows(
            "年度,行政许可,行政处罚,行政强制,收费\n2021,1,1,1,-1\n",
        ))
        .unwrap_err();
        assert!(fee.to_string().starts_with("第2行第5列"), "{fee}");
        assert_eq!(statistics_from_rows(&[]).unwrap_err(), ImportError::Empty);
    }

    #[test]
    fn diff_marks_changed_lines() {
        let d = line_diff("a\nb\nc\n", "a\nx\nc\nd\n");
        let ops: String = d.iter().map(|l| l.op).collect();
        assert_eq!(ops, " -+ +");
        assert!(line_diff("same\n", "same\n").iter().all(|l| l.op == ' '));
    }
}
