//! The annual report (年度报告) of government information disclosure:
//! the model of the 2021 and 2019 formats, the consistency rules, reading
//! real-world documents and laying a report out as a document.
//!
//! # Finding ids
//! Every [`Finding`] carries a rule id. Those of `report-json.md`:
//! `R1`–`R5` (errors: the table's own arithmetic and non-negative values),
//! `R6`–`R7` (warnings, against last year's report), `LABEL` (a label that
//! deviates from the standard one, also the 2021 （六）其他处理 printed as
//! one row), `BLANK` (a blank, "/" or "—" cell read as 0), `MISSING` (error:
//! a table, row or block not found) and `TEXT` (narrative against the
//! tables). The reader adds one more, a warning:
//!
//! - `AMBIGUOUS`: digits printed run together (`640020470`) that the table's
//!   own sums (R2, R3, R4) cannot split in exactly one way, for example
//!   table 二 which has no sums (there a split must only fit each column's
//!   format and keep 上一年项目数量 + 本年增/减 ≥ 0). The message gives the
//!   printed digits, how many splits fit, the candidates (table 二) and the
//!   split that was read, provisionally; a clerk should check the source. Consumers that only know the ids of `report-json.md` can treat
//!   it like any other warning.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod finding;
pub mod json;
pub mod labels;
pub mod layout;
pub mod model;
pub mod normalize;
pub mod read;
pub mod rollup;
pub mod rules;
pub mod split;

pub use finding::{has_errors, Finding, Severity};
pub use json::{from_json, from_json_value, to_json, to_json_value, JsonError, JsonReport};
pub use layout::{doc_to_text, layout, to_text};
pub use model::{AnnualReport, Format, Narrative, Value};
pub use read::{doc_from_text_lines, ReadOutcome};
pub use rollup::{rollup, rollup_refs};
pub use rules::check;

use gongkai_docs::Doc;

/// Read a document and check it: reading findings (LABEL, BLANK, AMBIGUOUS)
/// followed by the rule findings (MISSING, R1–R5, TEXT).
pub fn read_report(doc: &Doc) -> ReadOutcome {
    let mut out = read::read_doc(doc);
    let checked = check(&out.report, None);
    out.findings.extend(checked);
    out
}

/// Read plain text and check it, as [`read_report`] of the `Doc` that
/// `gongkai_docs::read_text` makes of the same text, without building that
/// `Doc` (one allocation per line fewer). Decode bytes with
/// `gongkai_docs::decode_text` first.
pub fn read_report_text(text: &str) -> ReadOutcome {
    let mut out = read::read_text(text);
    let checked = check(&out.report, None);
    out.findings.extend(checked);
    out
}

/// Read a document without running the rules.
pub fn read_only(doc: &Doc) -> ReadOutcome {
    read::read_doc(doc)
}
