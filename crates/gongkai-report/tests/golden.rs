//! Golden fixtures written by the team (invented agencies and numbers), one per layout.

use gongkai_report::{doc_from_text_lines, read_report, Format, Value};

fn read(name: &str) -> gongkai_report::ReadOutcome {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(path).unwrap_or_default();
    read_report(&doc_from_text_lines(&text))
}

fn rules(out: &gongkai_report::ReadOutcome) -> Vec<&str> {
    out.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn markdown_split_tables_full_width_separators_blank() {
    let out = read("markdown-2021.md");
    let r = &out.report;
    assert_eq!(r.format, Format::F2021);
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.agency.as_deref(), Some("甲乙市丙丁区"));
    assert_eq!(
        r.proactive_value("normative_documents", "issued"),
        Some(&Value::Int(12))
    );
    assert_eq!(
        r.proactive_value("normative_documents", "in_force"),
        Some(&Value::Int(1024))
    );
    assert_eq!(
        r.proactive_value("licensing", "decisions"),
        Some(&Value::Int(2345))
    );
    assert_eq!(
        r.proactive_value("enforcement", "decisions"),
        Some(&Value::Int(0))
    );
    assert_eq!(
        r.proactive_value("administrative_fees", "amount_wan_yuan"),
        Some(&Value::Text("12.3456".into()))
    );
    assert_eq!(
        r.application_row("unavailable.not_held"),
        Some(&[4, 0, 0, 0, 0, 0, 4])
    );
    assert_eq!(r.application_row("total"), Some(&[11, 1, 0, 0, 0, 0, 12]));
    assert_eq!(r.appeals[0], Some([1, 0, 0, 1, 2]));
    assert_eq!(r.appeals[1], Some([0, 0, 0, 1, 1]));
    let rs = rules(&out);
    assert!(rs.contains(&"BLANK"), "{rs:?}");
    assert!(
        !gongkai_report::has_errors(&out.findings),
        "{:#?}",
        out.findings
    );
}

#[test]
fn run_together_2019_split_by_sums() {
    let out = read("runtogether-2019.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2019);
    assert_eq!(r.year, Some(2020));
    assert_eq!(r.application_row("new"), Some(&[4, 0, 0, 0, 0, 1, 5]));
    assert_eq!(r.application_row("total"), Some(&[3, 0, 0, 0, 0, 1, 4]));
    assert_eq!(
        r.application_row("unavailable.not_held"),
        Some(&[1, 0, 0, 0, 0, 0, 1])
    );
    assert_eq!(r.appeals[2], Some([0, 0, 0, 0, 0]));
    // Table 二 has no sums: the split is a guess, reported as ambiguous.
    assert!(rules(&out).contains(&"AMBIGUOUS"));
    // R1 holds (5+0 = 4+1); R2 breaks in the 其他 and 总计 columns (（七） says 1 and 4, rows add to 0 and 3).
    let mut errors: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.rule.as_str())
        .collect();
    errors.dedup();
    assert_eq!(errors, ["R2"], "{:#?}", out.findings);
}
