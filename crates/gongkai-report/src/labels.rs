//! Every official label of the annual report, defined once.
//!
//! These tables drive layout (`layout.rs`), reading (`read.rs`) and checking
//! (`rules.rs`); no other module spells a label.

use crate::model::Format;

/// The six section headings (both formats).
pub const SECTION_HEADINGS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Title suffix used when laying out a report: `{agency}{year}年{TITLE_SUFFIX}`.
pub const TITLE_SUFFIX: &str = "政府信息公开工作年度报告";

/// The kind of value a field of table 二 holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A non-negative integer.
    Count,
    /// An integer that may be negative (本年增/减).
    Change,
    /// A non-negative exact decimal (万元).
    Money,
    /// Text kept as printed (采购总金额, which often carries a unit).
    Text,
}

/// One value column of a table 二 block: its JSON key and its header label.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
}

/// One row of table 二: its JSON key, its label and the block it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ProactiveRowSpec {
    pub key: &'static str,
    pub label: &'static str,
}

/// A block of table 二: caption row, header row, data rows.
#[derive(Debug, Clone, Copy)]
pub struct ProactiveBlockSpec {
    pub caption: &'static str,
    pub fields: &'static [FieldSpec],
    pub rows: &'static [ProactiveRowSpec],
}

/// Header of the first column of every table 二 block.
pub const CONTENT_HEADER: &str = "信息内容";

const fn count(key: &'static str, label: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        label,
        kind: FieldKind::Count,
    }
}

const fn row(key: &'static str, label: &'static str) -> ProactiveRowSpec {
    ProactiveRowSpec { key, label }
}

const F2021_DOCS: [FieldSpec; 3] = [
    count("issued", "本年制发件数"),
    count("repealed", "本年废止件数"),
    count("in_force", "现行有效件数"),
];
const F2021_DECISIONS: [FieldSpec; 1] = [count("decisions", "本年处理决定数量")];
const F2021_FEES: [FieldSpec; 1] = [FieldSpec {
    key: "amount_wan_yuan",
    label: "本年收费金额（单位：万元）",
    kind: FieldKind::Money,
}];

/// Table 二 of the 2021 format.
pub const PROACTIVE_2021: [ProactiveBlockSpec; 4] = [
    ProactiveBlockSpec {
        caption: "第二十条第（一）项",
        fields: &F2021_DOCS,
        rows: &[
            row("rules", "规章"),
            row("normative_documents", "行政规范性文件"),
        ],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（五）项",
        fields: &F2021_DECISIONS,
        rows: &[row("licensing", "行政许可")],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（六）项",
        fields: &F2021_DECISIONS,
        rows: &[row("penalty", "行政处罚"), row("enforcement", "行政强制")],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（八）项",
        fields: &F2021_FEES,
        rows: &[row("administrative_fees", "行政事业性收费")],
    },
];

const F2019_DOCS: [FieldSpec; 3] = [
    count("newly_made", "本年新制作数量"),
    count("newly_published", "本年新公开数量"),
    count("total_published", "对外公开总数量"),
];
const F2019_ITEMS: [FieldSpec; 3] = [
    count("previous_items", "上一年项目数量"),
    FieldSpec {
        key: "change",
        label: "本年增/减",
        kind: FieldKind::Change,
    },
    count("decisions", "处理决定数量"),
];
const F2019_FEES: [FieldSpec; 2] = [
    count("previous_items", "上一年项目数量"),
    FieldSpec {
        key: "change",
        label: "本年增/减",
        kind: FieldKind::Change,
    },
];
const F2019_PROCUREMENT: [FieldSpec; 2] = [
    count("items", "采购项目数量"),
    FieldSpec {
        key: "amount",
        label: "采购总金额",
        kind: FieldKind::Text,
    },
];

/// Table 二 of the 2019 format.
pub const PROACTIVE_2019: [ProactiveBlockSpec; 5] = [
    ProactiveBlockSpec {
        caption: "第二十条第（一）项",
        fields: &F2019_DOCS,
        rows: &[
            row("rules", "规章"),
            row("normative_documents", "规范性文件"),
        ],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（五）项",
        fields: &F2019_ITEMS,
        rows: &[
            row("licensing", "行政许可"),
            row("other_services", "其他对外管理服务事项"),
        ],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（六）项",
        fields: &F2019_ITEMS,
        rows: &[row("penalty", "行政处罚"), row("enforcement", "行政强制")],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（八）项",
        fields: &F2019_FEES,
        rows: &[row("administrative_fees", "行政事业性收费")],
    },
    ProactiveBlockSpec {
        caption: "第二十条第（九）项",
        fields: &F2019_PROCUREMENT,
        rows: &[row("procurement", "政府集中采购")],
    },
];

/// The blocks of table 二 for a format.
pub fn proactive_blocks(format: Format) -> &'static [ProactiveBlockSpec] {
    match format {
        Format::F2021 => &PROACTIVE_2021,
        Format::F2019 => &PROACTIVE_2019,
    }
}

/// [`proactive_rows`], built once per format (the reader looks rows up per
/// cell).
pub fn proactive_rows_static(format: Format) -> &'static [(usize, ProactiveRowSpec)] {
    static F2021: std::sync::OnceLock<Vec<(usize, ProactiveRowSpec)>> = std::sync::OnceLock::new();
    static F2019: std::sync::OnceLock<Vec<(usize, ProactiveRowSpec)>> = std::sync::OnceLock::new();
    match format {
        Format::F2021 => F2021.get_or_init(|| proactive_rows(format)),
        Format::F2019 => F2019.get_or_init(|| proactive_rows(format)),
    }
}

/// A flattened row of table 二: (block index, row spec).
pub fn proactive_rows(format: Format) -> Vec<(usize, ProactiveRowSpec)> {
    proactive_blocks(format)
        .iter()
        .enumerate()
        .flat_map(|(b, block)| block.rows.iter().map(move |r| (b, *r)))
        .collect()
}

// ---- table 三 ----

/// Top-left note of table 三, verbatim.
pub const APPLICATIONS_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
pub const APPLICANT_HEADER: &str = "申请人情况";
pub const NATURAL_PERSON: &str = "自然人";
pub const ORGANIZATION: &str = "法人或其他组织";
pub const TOTAL: &str = "总计";

/// The seven data columns of table 三, in JSON order.
pub const APPLICATION_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// Heading row (merged over all result rows) of table 三.
pub const RESULTS_HEADING: &str = "三、本年度办理结果";

/// Group labels of table 三 whose items carry numbers.
pub const RESULT_GROUPS: [&str; 4] = [
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
];
/// Index of （六）其他处理 in [`RESULT_GROUPS`].
pub const OTHER_GROUP: usize = 3;

/// Where a row of table 三 sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowPlace {
    /// 一、 二、 四、 rows: label spans the first columns.
    Top,
    /// （一）（二）（七）: under 三、本年度办理结果.
    Result,
    /// A numbered item under a group of [`RESULT_GROUPS`].
    Item(usize),
}

#[derive(Debug, Clone, Copy)]
pub struct ApplicationRowSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub place: RowPlace,
    /// Present in the 2019 format.
    pub in_2019: bool,
}

const fn app(
    id: &'static str,
    label: &'static str,
    place: RowPlace,
    in_2019: bool,
) -> ApplicationRowSpec {
    ApplicationRowSpec {
        id,
        label,
        place,
        in_2019,
    }
}

/// The 25 rows of table 三 (2021 format), in order, with the ids of report-json.md.
pub const APPLICATION_ROWS: [ApplicationRowSpec; 25] = [
    app(
        "new",
        "一、本年新收政府信息公开申请数量",
        RowPlace::Top,
        true,
    ),
    app(
        "carried_in",
        "二、上年结转政府信息公开申请数量",
        RowPlace::Top,
        true,
    ),
    app("disclosed", "（一）予以公开", RowPlace::Result, true),
    app(
        "partly_disclosed",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        RowPlace::Result,
        true,
    ),
    app(
        "withheld.state_secret",
        "1.属于国家秘密",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.forbidden_by_law",
        "2.其他法律行政法规禁止公开",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.three_security_one_stability",
        "3.危及“三安全一稳定”",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.third_party_rights",
        "4.保护第三方合法权益",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.internal_affairs",
        "5.属于三类内部事务信息",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.process_information",
        "6.属于四类过程性信息",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.enforcement_case_file",
        "7.属于行政执法案卷",
        RowPlace::Item(0),
        true,
    ),
    app(
        "withheld.administrative_inquiry",
        "8.属于行政查询事项",
        RowPlace::Item(0),
        true,
    ),
    app(
        "unavailable.not_held",
        "1.本机关不掌握相关政府信息",
        RowPlace::Item(1),
        true,
    ),
    app(
        "unavailable.needs_creation",
        "2.没有现成信息需要另行制作",
        RowPlace::Item(1),
        true,
    ),
    app(
        "unavailable.unclear_after_correction",
        "3.补正后申请内容仍不明确",
        RowPlace::Item(1),
        true,
    ),
    app(
        "not_processed.petition",
        "1.信访举报投诉类申请",
        RowPlace::Item(2),
        true,
    ),
    app(
        "not_processed.repeated",
        "2.重复申请",
        RowPlace::Item(2),
        true,
    ),
    app(
        "not_processed.published_material",
        "3.要求提供公开出版物",
        RowPlace::Item(2),
        true,
    ),
    app(
        "not_processed.excessive",
        "4.无正当理由大量反复申请",
        RowPlace::Item(2),
        true,
    ),
    app(
        "not_processed.reconfirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        RowPlace::Item(2),
        true,
    ),
    app(
        "other.correction_overdue",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        RowPlace::Item(3),
        false,
    ),
    app(
        "other.fee_overdue",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        RowPlace::Item(3),
        false,
    ),
    app("other.other", "3.其他", RowPlace::Item(3), true),
    app("total", "（七）总计", RowPlace::Result, true),
    app("carried_out", "四、结转下年度继续办理", RowPlace::Top, true),
];

pub const ROW_NEW: usize = 0;
pub const ROW_CARRIED_IN: usize = 1;
pub const ROW_DISCLOSED: usize = 2;
pub const ROW_PARTLY: usize = 3;
pub const ROW_OTHER_OTHER: usize = 22;
pub const ROW_TOTAL: usize = 23;
pub const ROW_CARRIED_OUT: usize = 24;
/// Result rows summed into （七）总计 (R2): （一） to （六）.
pub const RESULT_ROWS: std::ops::Range<usize> = 2..23;

/// Whether row `idx` of [`APPLICATION_ROWS`] exists in `format`.
pub fn row_in_format(format: Format, idx: usize) -> bool {
    match format {
        Format::F2021 => idx < APPLICATION_ROWS.len(),
        Format::F2019 => APPLICATION_ROWS.get(idx).is_some_and(|r| r.in_2019),
    }
}

/// The label of row `idx` as printed in `format` (the 2019 format prints
/// （六）其他处理 as one row).
pub fn row_label(format: Format, idx: usize) -> &'static str {
    if format == Format::F2019 && idx == ROW_OTHER_OTHER {
        return RESULT_GROUPS[OTHER_GROUP];
    }
    APPLICATION_ROWS.get(idx).map(|r| r.label).unwrap_or("")
}

/// A human location of row `idx`: group prefix plus label, e.g. `（三）1.属于国家秘密`.
pub fn row_location(format: Format, idx: usize) -> String {
    match APPLICATION_ROWS.get(idx).map(|r| r.place) {
        Some(RowPlace::Item(g)) if !(format == Format::F2019 && idx == ROW_OTHER_OTHER) => {
            let group = RESULT_GROUPS[g];
            let prefix: String = group.chars().take(3).collect();
            format!("{prefix}{}", row_label(format, idx))
        }
        _ => row_label(format, idx).to_string(),
    }
}

// ---- table 四 ----

pub const RECONSIDERATION: &str = "行政复议";
pub const LITIGATION: &str = "行政诉讼";

/// The three blocks of table 四: JSON key and header label.
pub const APPEAL_BLOCKS: [(&str, &str); 3] = [
    ("reconsideration", "行政复议"),
    ("direct_suit", "未经复议直接起诉"),
    ("suit_after_reconsideration", "复议后起诉"),
];

/// The five columns of each block of table 四: JSON key and header label.
pub const APPEAL_FIELDS: [(&str, &str); 5] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
];

/// Words that tell the 2019 format apart (annual-report.md).
pub const MARKERS_2019: [&str; 6] = [
    "本年新制作数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "其他对外管理服务事项",
    "第二十条第（九）项",
];
/// Words that tell the 2021 format apart.
pub const MARKERS_2021: [&str; 4] = [
    "本年制发件数",
    "现行有效件数",
    "本年收费金额",
    "申请人无正当理由逾期不补正",
];

/// Table names used in finding locations.
pub const TABLE_PROACTIVE: &str = "二";
pub const TABLE_APPLICATIONS: &str = "三";
pub const TABLE_APPEALS: &str = "四";
