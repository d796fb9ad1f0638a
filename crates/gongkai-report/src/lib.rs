//! The annual report (年度报告) of government information disclosure:
//! the model of the 2021 and 2019 formats, the consistency rules, reading
//! real-world documents and laying a report out as a document.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod finding;
pub mod json;
pub mod labels;
pub mod layout;
pub mod model;
pub mod normalize;
pub mod read;
pub mod rules;
pub mod split;

pub use finding::{has_errors, Finding, Severity};
pub use json::{from_json, from_json_value, to_json, to_json_value, JsonError, JsonReport};
pub use layout::{doc_to_text, layout, to_text};
pub use model::{AnnualReport, Format, Narrative, Value};
pub use read::{doc_from_text_lines, ReadOutcome};
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

/// Read a document without running the rules.
pub fn read_only(doc: &Doc) -> ReadOutcome {
    read::read_doc(doc)
}
