//! The annual report of year Y computed from an agency's records only, so
//! that its tables add up by construction (issue "annual report from records").
//!
//! - Table 二 comes from the agency's publications of the regulatory kinds
//!   ([`RegulatoryDocument`]) and its Art. 20 statistics ([`Art20Statistics`]).
//! - Table 三 comes from applications ([`crate::figures`]).
//! - Table 四 comes from reconsideration and litigation cases ([`AppealCase`]).
//! - The narrative is drafted from the same records ([`draft_narrative`]) and
//!   then edited by staff.
//!
//! # Which documents count in year Y (table 二, 第二十条第（一）项)
//! - 本年制发件数: made (成文日期) in Y.
//! - 本年废止件数: repealed (废止日期) in Y.
//! - 现行有效件数: made on or before 31 December Y and not repealed by then.
//!
//! So R7 (现行有效 last year + 本年制发 − 本年废止 = 现行有效 this year) holds by
//! construction for documents repealed after they were made. A document that
//! merely expired (失效) without a repeal is not "repealed": staff record its
//! 废止日期 if it should leave the in-force count.
//!
//! In the 2019 format (reports for 2019 and 2020): 本年新制作数量 = made in Y;
//! 本年新公开数量 = published in Y; 对外公开总数量 = published by 31 December Y
//! and not repealed by then. The item-list columns of that format (上一年项目数量,
//! 本年增/减, 政府集中采购) are not kept as records and stay zero.
//!
//! # Which cases count in year Y (table 四)
//! A case counts in Y under its result when it was decided in Y, and under
//! 尚未审结 when it was filed on or before 31 December Y and not decided by
//! then. A case pending over several year ends is reported as pending in each
//! of those years' reports, as agencies do; it is counted under its result
//! exactly once, in the year of its decision.

use gongkai_report::labels::{self, FieldKind};
use gongkai_report::{AnnualReport, Format, Narrative, Value};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

use crate::figures::{
    format_for_year, year_bounds, year_figures, ApplicationFacts, FiguresProblem, YearFigures,
};
use crate::publication::ChannelKind;

/// The two kinds of documents table 二 counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegulatoryKind {
    /// 规章
    Rule,
    /// 行政规范性文件 (2019 format: 规范性文件)
    NormativeDocument,
}

impl RegulatoryKind {
    /// The row key of table 二.
    pub fn row_key(self) -> &'static str {
        match self {
            RegulatoryKind::Rule => "rules",
            RegulatoryKind::NormativeDocument => "normative_documents",
        }
    }
}

/// What table 二 needs of one published 规章 or 行政规范性文件.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegulatoryDocument {
    pub kind: RegulatoryKind,
    /// 成文日期
    pub written_on: Date,
    /// 发布日期, once published.
    pub published_on: Option<Date>,
    /// 废止日期, once repealed.
    pub repealed_on: Option<Date>,
}

/// An amount in 万元, kept exactly as ten-thousandths of 万元 (one 元).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WanYuan(i64);

/// Why an amount in 万元 was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("金额“{0}”不是有效数字（单位：万元，最多四位小数，如 12.5 或 0.0350）")]
    Malformed(String),
    #[error("金额“{0}”不能为负数")]
    Negative(String),
    #[error("金额“{0}”超过四位小数（四位小数已精确到元）")]
    TooPrecise(String),
    #[error("金额“{0}”过大")]
    TooLarge(String),
}

impl WanYuan {
    pub const ZERO: WanYuan = WanYuan(0);

    /// From 元 (one 元 is 0.0001 万元).
    pub fn from_yuan(yuan: i64) -> WanYuan {
        WanYuan(yuan)
    }

    /// The amount in 元.
    pub fn yuan(self) -> i64 {
        self.0
    }

    /// Parse a non-negative decimal with at most four decimal places;
    /// full-width digits and a thousands separator are accepted.
    pub fn parse(text: &str) -> Result<WanYuan, AmountError> {
        let folded: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' '))
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                '－' => '-',
                _ => c,
            })
            .collect();
        if folded.starts_with('-') {
            return Err(AmountError::Negative(text.to_string()));
        }
        let (int_part, frac_part) = match folded.split_once('.') {
            Some((i, f)) => (i, f),
            None => (folded.as_str(), ""),
        };
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !digits_only(int_part)
            || !digits_only(frac_part)
        {
            return Err(AmountError::Malformed(text.to_string()));
        }
        if frac_part.len() > 4 {
            return Err(AmountError::TooPrecise(text.to_string()));
        }
        let whole: i64 = if int_part.is_empty() {
            0
        } else {
            int_part
                .parse()
                .map_err(|_| AmountError::TooLarge(text.to_string()))?
        };
        let mut frac: i64 = 0;
        for (i, c) in frac_part.chars().chain("0000".chars()).take(4).enumerate() {
            let d = i64::from(c.to_digit(10).unwrap_or(0));
            frac += d * 10i64.pow(3 - i as u32);
        }
        whole
            .checked_mul(10_000)
            .and_then(|w| w.checked_add(frac))
            .map(WanYuan)
            .ok_or_else(|| AmountError::TooLarge(text.to_string()))
    }

    pub fn checked_add(self, other: WanYuan) -> Option<WanYuan> {
        self.0.checked_add(other.0).map(WanYuan)
    }
}

impl fmt::Display for WanYuan {
    /// The shortest exact decimal: `12.5`, `0.035`, `3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let frac = self.0 % 10_000;
        if frac == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{frac:04}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// The Art. 20 statistics an agency enters (or imports) per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Art20Statistics {
    /// 行政许可 decisions made in the year.
    pub licensing: u32,
    /// 行政处罚 decisions.
    pub penalty: u32,
    /// 行政强制 decisions.
    pub enforcement: u32,
    /// 行政事业性收费 collected, in 万元.
    pub administrative_fees: WanYuan,
}

/// Reconsideration or litigation: the three blocks of table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealKind {
    /// 行政复议
    Reconsideration,
    /// 未经复议直接起诉
    DirectSuit,
    /// 复议后起诉
    SuitAfterReconsideration,
}

impl AppealKind {
    pub const ALL: [AppealKind; 3] = [
        AppealKind::Reconsideration,
        AppealKind::DirectSuit,
        AppealKind::SuitAfterReconsideration,
    ];

    /// Position in table 四 (and in [`labels::APPEAL_BLOCKS`]).
    pub fn index(self) -> usize {
        match self {
            AppealKind::Reconsideration => 0,
            AppealKind::DirectSuit => 1,
            AppealKind::SuitAfterReconsideration => 2,
        }
    }

    /// The id (the report-json key) and the official label.
    pub fn id(self) -> &'static str {
        labels::APPEAL_BLOCKS[self.index()].0
    }
    pub fn label(self) -> &'static str {
        labels::APPEAL_BLOCKS[self.index()].1
    }

    pub fn from_id(id: &str) -> Option<AppealKind> {
        AppealKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// How a decided case ended: the first three columns of a table 四 block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealResult {
    /// 结果维持
    Upheld,
    /// 结果纠正: the agency must answer the application afresh.
    Corrected,
    /// 其他结果 (withdrawn, dismissed, settled …)
    Other,
}

impl AppealResult {
    pub const ALL: [AppealResult; 3] = [
        AppealResult::Upheld,
        AppealResult::Corrected,
        AppealResult::Other,
    ];

    pub fn index(self) -> usize {
        match self {
            AppealResult::Upheld => 0,
            AppealResult::Corrected => 1,
            AppealResult::Other => 2,
        }
    }

    pub fn id(self) -> &'static str {
        labels::APPEAL_FIELDS[self.index()].0
    }
    pub fn label(self) -> &'static str {
        labels::APPEAL_FIELDS[self.index()].1
    }

    pub fn from_id(id: &str) -> Option<AppealResult> {
        AppealResult::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// A reconsideration or litigation case about a disclosure decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealCase {
    pub kind: AppealKind,
    pub filed_on: Date,
    /// Result and decision date, once decided.
    pub decided: Option<(AppealResult, Date)>,
}

/// Why a case was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppealError {
    #[error("审结日期（{decided}）不能早于立案/申请日期（{filed}）")]
    DecidedBeforeFiled { filed: Date, decided: Date },
    #[error("{field}（{date}）不能晚于今天")]
    InFuture { field: &'static str, date: Date },
}

impl AppealCase {
    /// Check the dates against each other and today.
    pub fn validate(&self, today: Date) -> Result<(), AppealError> {
        if self.filed_on > today {
            return Err(AppealError::InFuture {
                field: "立案/申请日期",
                date: self.filed_on,
            });
        }
        if let Some((_, decided)) = self.decided {
            if decided < self.filed_on {
                return Err(AppealError::DecidedBeforeFiled {
                    filed: self.filed_on,
                    decided,
                });
            }
            if decided > today {
                return Err(AppealError::InFuture {
                    field: "审结日期",
                    date: decided,
                });
            }
        }
        Ok(())
    }
}

/// Table 四 of `year`: per block 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
pub fn appeal_figures(cases: &[AppealCase], year: i32) -> [[i64; 5]; 3] {
    let mut out = [[0i64; 5]; 3];
    let Some((first, last)) = year_bounds(year) else {
        return out;
    };
    for case in cases {
        let block = &mut out[case.kind.index()];
        let column = match case.decided {
            Some((result, on)) if (first..=last).contains(&on) => Some(result.index()),
            Some((_, on)) if on > last && case.filed_on <= last => Some(3),
            None if case.filed_on <= last => Some(3),
            _ => None,
        };
        if let Some(c) = column {
            block[c] += 1;
            block[4] += 1;
        }
    }
    out
}

/// Table 二's 第二十条第（一）项 counts for one document kind of `year` in
/// `format`: the three fields of the block, in order.
pub fn document_figures(
    documents: &[RegulatoryDocument],
    kind: RegulatoryKind,
    year: i32,
    format: Format,
) -> [i64; 3] {
    let Some((first, last)) = year_bounds(year) else {
        return [0; 3];
    };
    let in_year = |d: Option<Date>| d.is_some_and(|d| (first..=last).contains(&d));
    let standing = |d: &RegulatoryDocument| d.repealed_on.is_none_or(|r| r > last);
    let mut out = [0i64; 3];
    for d in documents.iter().filter(|d| d.kind == kind) {
        match format {
            Format::F2021 => {
                out[0] += i64::from(in_year(Some(d.written_on)));
                out[1] += i64::from(in_year(d.repealed_on));
                out[2] += i64::from(d.written_on <= last && standing(d));
            }
            Format::F2019 => {
                out[0] += i64::from(in_year(Some(d.written_on)));
                out[1] += i64::from(in_year(d.published_on));
                out[2] += i64::from(d.published_on.is_some_and(|p| p <= last) && standing(d));
            }
        }
    }
    out
}

/// Everything an agency's report of one year is computed from.
#[derive(Debug, Clone, Copy)]
pub struct YearRecords<'a> {
    pub year: i32,
    pub agency_name: &'a str,
    pub applications: &'a [ApplicationFacts<'a>],
    pub documents: &'a [RegulatoryDocument],
    pub statistics: Art20Statistics,
    pub cases: &'a [AppealCase],
}

/// A report computed from records, with what the records had to work around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedReport {
    pub report: AnnualReport,
    pub problems: Vec<FiguresProblem>,
}

/// Set one table 二 value by row and field key.
fn set_proactive(report: &mut AnnualReport, row: &str, field: &str, value: Value) {
    let format = report.format;
    let Some(index) = labels::proactive_rows(format)
        .iter()
        .position(|(_, r)| r.key == row)
    else {
        return;
    };
    let Some((block, _)) = labels::proactive_rows(format).get(index).copied() else {
        return;
    };
    let Some(field_index) = labels::proactive_blocks(format)
        .get(block)
        .and_then(|b| b.fields.iter().position(|f| f.key == field))
    else {
        return;
    };
    if let Some(Some(values)) = report.proactive.get_mut(index) {
        if let Some(slot) = values.get_mut(field_index) {
            *slot = value;
        }
    }
}

/// Compute tables 二, 三 and 四 of the year's report from records; the
/// narrative is left empty (see [`draft_narrative`]).
pub fn compute_report(records: &YearRecords<'_>) -> ComputedReport {
    report_from_figures(
        year_figures(records.applications.iter().copied(), records.year),
        records.agency_name,
        records.documents,
        records.statistics,
        records.cases,
    )
}

/// [`compute_report`] with table 三 already counted (the store aggregates
/// stored per-application summaries instead of replaying histories).
pub fn report_from_figures(
    figures: YearFigures,
    agency_name: &str,
    documents: &[RegulatoryDocument],
    statistics: Art20Statistics,
    cases: &[AppealCase],
) -> ComputedReport {
    let year = figures.year;
    let mut report = figures.to_report(Some(agency_name.to_string()));
    let format = report.format;
    for kind in [RegulatoryKind::Rule, RegulatoryKind::NormativeDocument] {
        let counts = document_figures(documents, kind, year, format);
        let block = &labels::proactive_blocks(format)[0];
        for (field, n) in block.fields.iter().zip(counts) {
            set_proactive(&mut report, kind.row_key(), field.key, Value::Int(n));
        }
    }
    let s = statistics;
    for (row, n) in [
        ("licensing", s.licensing),
        ("penalty", s.penalty),
        ("enforcement", s.enforcement),
    ] {
        set_proactive(&mut report, row, "decisions", Value::Int(i64::from(n)));
    }
    if format == Format::F2021 {
        set_proactive(
            &mut report,
            "administrative_fees",
            "amount_wan_yuan",
            Value::Text(s.administrative_fees.to_string()),
        );
    }
    let appeals = appeal_figures(cases, year);
    for (slot, block) in report.appeals.iter_mut().zip(appeals) {
        *slot = Some(block);
    }
    ComputedReport {
        report,
        problems: figures.problems,
    }
}

/// What the narrative states beyond the tables.
///
/// # How 主动公开 is counted (section 一（一）)
/// An item counts in year Y on each channel it was released on in Y: the
/// dates of its channel records (政府网站, 政务微信公众号, 其他政务新媒体);
/// an item published on the platform without any channel record counts as
/// released on the 政府网站 (the platform is the portal's 政府信息公开专栏)
/// on its publication date. Withdrawn items do not count. The category
/// breakdown, with percentages of the total, is of the items on the
/// 政府网站; other channels are stated by count, as agencies' reports do
/// ("在门户网站发布信息45条，其中文件类信息18条，占总数的40%……通过政务微信
/// 公众号公开251条").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NarrativeFacts {
    /// Items released on the 政府网站 in the year, by catalog category (name, count).
    pub published_by_category: Vec<(String, u32)>,
    /// Items released in the year by channel (label, count), 政府网站 included.
    pub published_by_channel: Vec<(String, u32)>,
    /// 信息员 on the roster at year end.
    pub staff: u32,
    /// Training sessions held: (topic, attendances).
    pub trainings: Vec<(String, u32)>,
    /// 信息处理费 collected from applicants in the year, in 元
    /// ([`crate::fees::collected_in_year`]).
    pub processing_fees_yuan: i64,
    /// NPC deputies' suggestions and CPPCC proposals handled (received, results published).
    pub proposals: Option<(u32, u32)>,
}

/// Counts by name (category or channel label), in the narrative's order.
pub type NamedCounts = Vec<(String, u32)>;

/// What the 主动公开 counts need of one public item (published or repealed).
#[derive(Debug, Clone, Copy)]
pub struct PublishedItem<'a> {
    /// The catalog category's name (`None`: 未分类).
    pub category: Option<&'a str>,
    /// 发布日期 on the platform.
    pub published_on: Option<Date>,
    /// Its channel records.
    pub releases: &'a [(ChannelKind, Date)],
}

/// The narrative's 主动公开 counts of `year` (see [`NarrativeFacts`]): the
/// 政府网站 items by category (most first, then by name) and every channel's
/// count, in the order of [`ChannelKind::ALL`], channels without items left out.
pub fn published_counts(items: &[PublishedItem<'_>], year: i32) -> (NamedCounts, NamedCounts) {
    let in_year = |d: Date| d.year() == year;
    let mut by_category: Vec<(String, u32)> = Vec::new();
    let mut by_channel: Vec<(ChannelKind, u32)> =
        ChannelKind::ALL.iter().map(|k| (*k, 0)).collect();
    for item in items {
        let mut on_portal = false;
        if item.releases.is_empty() {
            on_portal = item.published_on.is_some_and(in_year);
        }
        for (kind, on) in item.releases {
            if in_year(*on) {
                if *kind == ChannelKind::Portal {
                    on_portal = true;
                } else if let Some((_, n)) = by_channel.iter_mut().find(|(k, _)| k == kind) {
                    *n += 1;
                }
            }
        }
        if on_portal {
            if let Some((_, n)) = by_channel
                .iter_mut()
                .find(|(k, _)| *k == ChannelKind::Portal)
            {
                *n += 1;
            }
            let name = item.category.unwrap_or("未分类");
            match by_category.iter_mut().find(|(c, _)| c == name) {
                Some((_, n)) => *n += 1,
                None => by_category.push((name.to_string(), 1)),
            }
        }
    }
    by_category.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let by_channel = by_channel
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.label_zh().to_string(), n))
        .collect();
    (by_category, by_channel)
}

/// A percentage with at most one decimal: `40`, `48.9`.
fn percent(part: u32, total: u64) -> String {
    if total == 0 {
        return "0".to_string();
    }
    // Exact enough: totals are far below 2^53.
    let text = format!("{:.1}", f64::from(part) * 100.0 / total as f64);
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// How a category is named in the text: "文件类" → "文件类信息".
fn category_phrase(name: &str) -> String {
    if name.ends_with('类') {
        format!("{name}信息")
    } else {
        name.to_string()
    }
}

/// Draft the six narrative sections from the computed tables and facts.
/// Every number the text states is taken from the same records, so the
/// report's TEXT checks find nothing to object to; staff then edit it.
pub fn draft_narrative(report: &AnnualReport, facts: &NarrativeFacts) -> Narrative {
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    let agency = report.agency.clone().unwrap_or_default();
    let portal_total = facts
        .published_by_category
        .iter()
        .map(|(_, n)| u64::from(*n))
        .sum::<u64>();
    let portal = ChannelKind::Portal.label_zh();
    let mut one = String::new();
    // 主动公开
    one.push_str(&format!(
        "（一）主动公开\n{year}年，{agency}在{portal}主动公开政府信息{portal_total}条"
    ));
    let listed: Vec<String> = facts
        .published_by_category
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| {
            format!(
                "{}{n}条，占总数的{}%",
                category_phrase(name),
                percent(*n, portal_total)
            )
        })
        .collect();
    if listed.is_empty() {
        one.push_str("。\n");
    } else {
        one.push_str(&format!("，其中{}。\n", listed.join("；")));
    }
    let channels: Vec<String> = facts
        .published_by_channel
        .iter()
        .filter(|(name, n)| *n > 0 && name != portal)
        .map(|(name, n)| format!("通过{name}公开信息{n}条"))
        .collect();
    if !channels.is_empty() {
        one.push_str(&format!("{}。\n", channels.join("，")));
    }
    // 依申请公开
    let row_total = |id: &str| report.application_row(id).map(|r| r[6]).unwrap_or(0);
    let new = row_total("new");
    let carried_in = row_total("carried_in");
    let answered = row_total("total");
    let carried_out = row_total("carried_out");
    one.push_str(&format!(
        "（二）依申请公开\n{year}年，本机关新收政府信息公开申请{new}件，上年结转{carried_in}件；本年度办理完结{answered}件"
    ));
    if carried_out > 0 {
        one.push_str(&format!("，结转下年度继续办理{carried_out}件"));
    }
    one.push_str("。\n");
    // 政府信息管理
    one.push_str("（三）政府信息管理\n严格执行信息发布前保密审查制度，所有主动公开信息均经保密审查后发布。\n");
    // 平台建设
    one.push_str("（四）政府信息公开平台建设\n依托政府信息公开专栏及新媒体渠道及时发布信息。\n");
    // 监督保障
    // Typed by staff, each up to u32::MAX: added in 64 bits.
    let attendances = facts
        .trainings
        .iter()
        .map(|(_, n)| u64::from(*n))
        .sum::<u64>();
    one.push_str(&format!(
        "（五）监督保障\n本机关配备信息员{}名，全年组织政务公开培训{}次，参训{}人次。\n",
        facts.staff,
        facts.trainings.len(),
        attendances
    ));
    let mut sections: [String; 6] = Default::default();
    sections[0] = one;
    sections[1] = "主动公开政府信息情况见下表。".to_string();
    sections[2] = "收到和处理政府信息公开申请情况见下表。".to_string();
    sections[3] = "政府信息公开行政复议、行政诉讼情况见下表。".to_string();
    sections[4] =
        "（请填写本年度政府信息公开工作存在的主要问题、改进措施，以及上一年度问题的整改情况。）"
            .to_string();
    let fees = WanYuan::from_yuan(facts.processing_fees_yuan);
    let mut six = if facts.processing_fees_yuan == 0 {
        "本年度未收取信息处理费。".to_string()
    } else {
        format!(
            "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度收取信息处理费{}元（{fees}万元）。",
            facts.processing_fees_yuan
        )
    };
    if let Some((received, published)) = facts.proposals {
        six.push_str(&format!(
            "\n本年度承办人大代表建议和政协委员提案{received}件，公开办理结果{published}件。"
        ));
    }
    sections[5] = six;
    Narrative {
        preamble: format!(
            "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》编制。报告所列数据统计期限为{year}年1月1日至{year}年12月31日。"
        ),
        sections,
    }
}

/// The format of year Y's report (re-exported for callers that compute reports).
pub fn report_format(year: i32) -> Format {
    format_for_year(year)
}

/// Whether a table 二 field holds money (for callers rendering edit forms).
pub fn is_money(kind: FieldKind) -> bool {
    kind == FieldKind::Money
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applicant::ApplicantKind;
    use crate::clock::{ApplicationEvent, Channel, EventKind};
    use crate::outcome::Outcome;
    use gongkai_report::{check, has_errors};
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn wan_yuan_parses_exact_decimals() {
        assert_eq!(WanYuan::parse("12.5").map(|w| w.yuan()), Ok(125_000));
        assert_eq!(WanYuan::parse("０．０３５").map(|w| w.yuan()), Ok(350));
        assert_eq!(WanYuan::parse("1,234").map(|w| w.yuan()), Ok(12_340_000));
        assert_eq!(
            WanYuan::parse(".5").map(|w| w.to_string()),
            Ok("0.5".into())
        );
        assert!(matches!(
            WanYuan::parse("-1"),
            Err(AmountError::Negative(_))
        ));
        assert!(matches!(
            WanYuan::parse("1.00001"),
            Err(AmountError::TooPrecise(_))
        ));
        assert!(matches!(
            WanYuan::parse("abc"),
            Err(AmountError::Malformed(_))
        ));
        assert!(matches!(WanYuan::parse(""), Err(AmountError::Malformed(_))));
        assert!(matches!(
            WanYuan::parse("."),
            Err(AmountError::Malformed(_))
        ));
        assert!(matches!(
            WanYuan::parse("99999999999999999999"),
            Err(AmountError::TooLarge(_))
        ));
        assert_eq!(WanYuan::from_yuan(30_000).to_string(), "3");
        assert_eq!(WanYuan::from_yuan(1).to_string(), "0.0001");
    }

    #[test]
    fn cases_count_by_decision_year_or_as_pending() {
        let cases = [
            AppealCase {
                kind: AppealKind::Reconsideration,
                filed_on: date!(2024 - 11 - 02),
                decided: Some((AppealResult::Corrected, date!(2025 - 02 - 10))),
            },
            AppealCase {
                kind: AppealKind::Reconsideration,
                filed_on: date!(2025 - 03 - 02),
                decided: None,
            },
            AppealCase {
                kind: AppealKind::DirectSuit,
                filed_on: date!(2025 - 05 - 02),
                decided: Some((AppealResult::Upheld, date!(2025 - 08 - 01))),
            },
            AppealCase {
                kind: AppealKind::SuitAfterReconsideration,
                filed_on: date!(2025 - 12 - 30),
                decided: Some((AppealResult::Other, date!(2026 - 01 - 05))),
            },
        ];
        assert_eq!(
            appeal_figures(&cases, 2024),
            [[0, 0, 0, 1, 1], [0; 5], [0; 5]]
        );
        assert_eq!(
            appeal_figures(&cases, 2025),
            [[0, 1, 0, 1, 2], [1, 0, 0, 0, 1], [0, 0, 0, 1, 1]]
        );
        assert_eq!(
            appeal_figures(&cases, 2026),
            [[0, 0, 0, 1, 1], [0; 5], [0, 0, 1, 0, 1]]
        );
    }

    #[test]
    fn appeal_dates_are_validated() {
        let case = AppealCase {
            kind: AppealKind::Reconsideration,
            filed_on: date!(2025 - 03 - 02),
            decided: Some((AppealResult::Upheld, date!(2025 - 03 - 01))),
        };
        let err = case.validate(date!(2025 - 06 - 01));
        assert!(matches!(err, Err(AppealError::DecidedBeforeFiled { .. })));
        assert!(err
            .map_err(|e| e.to_string())
            .unwrap_err()
            .contains("审结日期"));
        let future = AppealCase {
            decided: None,
            ..case
        };
        assert!(future.validate(date!(2025 - 03 - 01)).is_err());
        assert_eq!(
            AppealKind::from_id("direct_suit"),
            Some(AppealKind::DirectSuit)
        );
        assert_eq!(AppealResult::Corrected.label(), "结果纠正");
    }

    #[test]
    fn documents_follow_made_repealed_and_in_force() {
        let docs = [
            RegulatoryDocument {
                kind: RegulatoryKind::NormativeDocument,
                written_on: date!(2023 - 05 - 01),
                published_on: Some(date!(2023 - 05 - 03)),
                repealed_on: Some(date!(2025 - 06 - 30)),
            },
            RegulatoryDocument {
                kind: RegulatoryKind::NormativeDocument,
                written_on: date!(2025 - 12 - 30),
                published_on: Some(date!(2026 - 01 - 04)),
                repealed_on: None,
            },
            RegulatoryDocument {
                kind: RegulatoryKind::Rule,
                written_on: date!(2025 - 01 - 10),
                published_on: Some(date!(2025 - 01 - 12)),
                repealed_on: None,
            },
        ];
        let f = Format::F2021;
        assert_eq!(
            document_figures(&docs, RegulatoryKind::NormativeDocument, 2025, f),
            [1, 1, 1]
        );
        assert_eq!(
            document_figures(&docs, RegulatoryKind::NormativeDocument, 2024, f),
            [0, 0, 1]
        );
        assert_eq!(
            document_figures(&docs, RegulatoryKind::Rule, 2025, f),
            [1, 0, 1]
        );
        // 2019 format: made, published, published and standing.
        assert_eq!(
            document_figures(
                &docs,
                RegulatoryKind::NormativeDocument,
                2023,
                Format::F2019
            ),
            [1, 1, 1]
        );
    }

    /// The drafted text states the tables' numbers: change a table after
    /// drafting and the TEXT check notices (so the property below can fail).
    #[test]
    fn drafted_numbers_are_checked_against_the_tables() {
        let events = [ApplicationEvent::new(
            date!(2025 - 03 - 03),
            EventKind::Received {
                channel: Channel::InPerson,
            },
        )];
        let facts = [ApplicationFacts {
            kind: ApplicantKind::NaturalPerson,
            events: &events,
            outcome: None,
        }];
        let records = YearRecords {
            year: 2025,
            agency_name: "测试街道办事处",
            applications: &facts,
            documents: &[],
            statistics: Art20Statistics::default(),
            cases: &[],
        };
        let mut computed = compute_report(&records);
        computed.report.narrative = draft_narrative(
            &computed.report,
            &NarrativeFacts {
                published_by_category: vec![("工作动态".into(), 30), ("文件".into(), 10)],
                staff: 35,
                trainings: vec![("保密审查".into(), 60)],
                ..NarrativeFacts::default()
            },
        );
        let text = &computed.report.narrative.sections[0];
        assert!(text.contains("主动公开政府信息40条"), "{text}");
        assert!(text.contains("工作动态30条，占总数的75%"), "{text}");
        assert!(text.contains("结转下年度继续办理1件"), "{text}");
        assert!(check(&computed.report, None)
            .iter()
            .all(|f| f.rule != "TEXT"));
        // One more carried-out application in the table than the text says.
        let carried_out = labels::ROW_CARRIED_OUT;
        if let Some(Some(row)) = computed.report.applications.get_mut(carried_out) {
            row[0] += 1;
            row[6] += 1;
        }
        assert!(check(&computed.report, None)
            .iter()
            .any(|f| f.rule == "TEXT"));
    }

    /// Counts may be as large as their type allows (trainings' attendances
    /// are typed by staff): their totals are exact, not overflowed.
    #[test]
    fn huge_typed_counts_do_not_overflow() {
        let report = AnnualReport::zeroed(gongkai_report::Format::F2021);
        let narrative = draft_narrative(
            &report,
            &NarrativeFacts {
                published_by_category: vec![("工作动态".into(), u32::MAX), ("文件".into(), 7)],
                trainings: vec![("保密审查".into(), u32::MAX), ("公开".into(), u32::MAX)],
                ..NarrativeFacts::default()
            },
        );
        let text = narrative.sections.join("");
        let portal_total = u64::from(u32::MAX) + 7;
        assert!(
            text.contains(&format!("主动公开政府信息{portal_total}条")),
            "{text}"
        );
        assert!(
            text.contains(&(2 * u64::from(u32::MAX)).to_string()),
            "{text}"
        );
    }

    fn day(offset: u32) -> Date {
        date!(2019 - 01 - 01) + time::Duration::days(i64::from(offset))
    }

    prop_compose! {
        fn arb_document()(kind in prop::bool::ANY, written in 0u32..2500,
                          publish_lag in prop::option::of(0u32..60),
                          repeal_after in prop::option::of(1u32..1500)) -> RegulatoryDocument {
            RegulatoryDocument {
                kind: if kind { RegulatoryKind::Rule } else { RegulatoryKind::NormativeDocument },
                written_on: day(written),
                published_on: publish_lag.map(|l| day(written + l)),
                repealed_on: repeal_after.map(|r| day(written + r)),
            }
        }
    }

    prop_compose! {
        fn arb_case()(kind in 0usize..3, filed in 0u32..2500,
                      decided in prop::option::of((0usize..3, 0u32..400))) -> AppealCase {
            AppealCase {
                kind: AppealKind::ALL[kind],
                filed_on: day(filed),
                decided: decided.map(|(r, lag)| (AppealResult::ALL[r], day(filed + lag))),
            }
        }
    }

    fn application_events(received: u32, answered_after: Option<u32>) -> Vec<ApplicationEvent> {
        let mut events = vec![ApplicationEvent::new(
            day(received),
            EventKind::Received {
                channel: Channel::Online,
            },
        )];
        if let Some(lag) = answered_after {
            events.push(ApplicationEvent::new(
                day(received + lag),
                EventKind::Answered,
            ));
        }
        events
    }

    /// One agency's records for `year`: applications with histories, documents, cases.
    type AgencyRecords = (
        Vec<ApplicationDraft>,
        Vec<RegulatoryDocument>,
        Vec<AppealCase>,
        u32,
    );
    /// (received day, answered after, applicant kind index).
    type ApplicationDraft = (u32, Option<u32>, usize);

    fn arb_agency_records() -> impl Strategy<Value = AgencyRecords> {
        (
            prop::collection::vec((0u32..2500, prop::option::of(0u32..200), 0usize..6), 0..25),
            prop::collection::vec(arb_document(), 0..15),
            prop::collection::vec(arb_case(), 0..12),
            0u32..5000,
        )
    }

    fn report_of(year: i32, name: &str, a: &AgencyRecords) -> AnnualReport {
        let (apps, docs, cases, licensing) = a;
        let histories: Vec<Vec<ApplicationEvent>> = apps
            .iter()
            .map(|(r, x, _)| application_events(*r, *x))
            .collect();
        let facts: Vec<ApplicationFacts<'_>> = apps
            .iter()
            .zip(&histories)
            .map(|((_, x, k), ev)| ApplicationFacts {
                kind: ApplicantKind::ALL[*k],
                events: ev,
                outcome: x.map(|_| Outcome::Disclosed),
            })
            .collect();
        compute_report(&YearRecords {
            year,
            agency_name: name,
            applications: &facts,
            documents: docs,
            statistics: Art20Statistics {
                licensing: *licensing,
                ..Art20Statistics::default()
            },
            cases,
        })
        .report
    }

    proptest! {
        /// Issue 7: the roll-up of any agencies' computed reports is, cell by
        /// cell, the sum of their tables, and breaks none of R1–R5.
        #[test]
        fn rollup_of_random_agencies_is_the_sum_of_their_reports(
            agencies in prop::collection::vec(arb_agency_records(), 1..6),
            year in 2021i32..=2025,
        ) {
            let reports: Vec<AnnualReport> = agencies
                .iter()
                .enumerate()
                .map(|(i, a)| report_of(year, &format!("测试机关{i}"), a))
                .collect();
            let sum = gongkai_report::rollup(&reports);
            let findings = check(&sum, None);
            prop_assert!(!has_errors(&findings), "{findings:?}");
            for (row, cells) in sum.applications.iter().enumerate() {
                let cells = cells.expect("computed reports fill every row of table 三");
                for (col, cell) in cells.iter().enumerate() {
                    let expected: i64 = reports
                        .iter()
                        .map(|r| r.applications[row].expect("filled")[col])
                        .sum();
                    prop_assert_eq!(*cell, expected, "table 三 row {} column {}", row, col);
                }
            }
            for (group, cells) in sum.appeals.iter().enumerate() {
                let cells = cells.expect("computed reports fill table 四");
                for (col, cell) in cells.iter().enumerate() {
                    let expected: i64 =
                        reports.iter().map(|r| r.appeals[group].expect("filled")[col]).sum();
                    prop_assert_eq!(*cell, expected, "table 四 group {} column {}", group, col);
                }
            }
            for (row, values) in sum.proactive.iter().enumerate() {
                let Some(values) = values else { continue };
                for (col, value) in values.iter().enumerate() {
                    if let Value::Int(total) = value {
                        let expected: i64 = reports
                            .iter()
                            .filter_map(|r| r.proactive[row].as_ref()?.get(col)?.as_int())
                            .sum();
                        prop_assert_eq!(*total, expected, "table 二 row {} column {}", row, col);
                    }
                }
            }
        }
        /// R7 across consecutive years and R4 hold for any records.
        #[test]
        fn computed_tables_satisfy_the_rules(
            docs in prop::collection::vec(arb_document(), 0..40),
            cases in prop::collection::vec(arb_case(), 0..30),
            apps in prop::collection::vec((0u32..2500, prop::option::of(0u32..200), 0usize..6), 0..40),
            licensing in 0u32..5000, fee_yuan in 0i64..10_000_000,
        ) {
            let histories: Vec<Vec<ApplicationEvent>> =
                apps.iter().map(|(r, a, _)| application_events(*r, *a)).collect();
            let facts: Vec<ApplicationFacts<'_>> = apps.iter().zip(&histories).map(|((_, a, k), ev)| {
                ApplicationFacts {
                    kind: ApplicantKind::ALL[*k],
                    events: ev,
                    outcome: a.map(|_| Outcome::Disclosed),
                }
            }).collect();
            let mut previous: Option<AnnualReport> = None;
            for year in 2021..=2025 {
                let records = YearRecords {
                    year,
                    agency_name: "测试街道办事处",
                    applications: &facts,
                    documents: &docs,
                    statistics: Art20Statistics {
                        licensing,
                        administrative_fees: WanYuan::from_yuan(fee_yuan),
                        ..Art20Statistics::default()
                    },
                    cases: &cases,
                };
                let mut computed = compute_report(&records);
                let narrative = draft_narrative(&computed.report, &NarrativeFacts {
                    published_by_category: vec![("工作动态".into(), 3), ("文件".into(), 1)],
                    ..NarrativeFacts::default()
                });
                computed.report.narrative = narrative;
                let findings = check(&computed.report, previous.as_ref());
                prop_assert!(!has_errors(&findings), "{findings:?}");
                // Only the placeholder of section 五 could be questioned; no TEXT or R6/R7 warning.
                let warnings: Vec<_> = findings.iter()
                    .filter(|f| matches!(f.rule.as_str(), "R6" | "R7" | "TEXT"))
                    .collect();
                prop_assert!(warnings.is_empty(), "{warnings:?}");
                previous = Some(computed.report);
            }
        }
    }
}
