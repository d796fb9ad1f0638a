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

/// Table 二 of the 2019 format run together (crawled page text): rows whose
/// only split keeps 上一年项目数量 + 本年增/减 ≥ 0 are read without a warning;
/// rows with several valid splits are read provisionally and reported
/// AMBIGUOUS with their candidates.
#[test]
fn run_together_2019_table_two_relations_and_candidates() {
    let out = read("runtogether-table2-2019.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2019);
    assert_eq!(r.year, Some(2019));
    let row = |key: &str| -> Vec<String> {
        r.proactive_row(key)
            .unwrap_or_else(|| panic!("{key}: {:#?}", out.findings))
            .iter()
            .map(Value::display)
            .collect()
    };
    assert_eq!(row("rules"), ["0", "0", "0"]);
    assert_eq!(row("normative_documents"), ["5", "5", "10"]);
    // Solved by the relation: 40-4013 is 40/-40/13 (40/-401/3 would leave
    // -361 items; 40/-4/013 has a leading zero).
    assert_eq!(row("licensing"), ["40", "-40", "13"]);
    assert_eq!(row("other_services"), ["0", "0", "0"]);
    // 9-120: 9/-12/0 would leave -3 items.
    assert_eq!(row("penalty"), ["9", "-1", "20"]);
    assert_eq!(row("enforcement"), ["3", "-3", "0"]);
    assert_eq!(row("administrative_fees"), ["12", "3"]);
    assert_eq!(row("procurement"), ["8", "240000.00元"]);
    let ambiguous: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.rule == "AMBIGUOUS")
        .map(|f| f.location.as_str())
        .collect();
    assert_eq!(
        ambiguous,
        [
            "二/第二十条第（一）项/规范性文件",
            "二/第二十条第（八）项/行政事业性收费",
            "二/第二十条第（九）项/政府集中采购",
        ],
        "{:#?}",
        out.findings
    );
    let documents = out
        .findings
        .iter()
        .find(|f| f.rule == "AMBIGUOUS")
        .map(|f| f.message.as_str())
        .unwrap_or("");
    // Every valid split is listed, the one read first.
    for candidate in [
        "（5/5/10、",
        "5/51/0",
        "55/1/0",
        "共有3种",
        "暂按5/5/10读取",
    ] {
        assert!(documents.contains(candidate), "{documents}");
    }
    // Tables 三 and 四 are split by their sums and consistent.
    assert_eq!(r.application_row("new"), Some(&[3, 0, 0, 0, 0, 1, 4]));
    assert_eq!(r.application_row("disclosed"), Some(&[2, 0, 0, 0, 0, 1, 3]));
    assert!(
        !gongkai_report::has_errors(&out.findings),
        "{:#?}",
        out.findings
    );
}

// ---------- one fixture per layout, each asserting the exact model ----------

use gongkai_report::labels;
use gongkai_report::AnnualReport;

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Read a text fixture through gongkai-docs' text reader (encoding detection).
fn read_text_fixture(name: &str) -> gongkai_report::ReadOutcome {
    let doc =
        gongkai_docs::read_text(&fixture_bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    read_report(&doc)
}

/// Table 三 of `format` with every row zero except `rows`.
fn apps(format: Format, rows: &[(&str, [i64; 7])]) -> Vec<Option<[i64; 7]>> {
    let mut r = AnnualReport::zeroed(format);
    for (id, v) in rows {
        let i = labels::APPLICATION_ROWS
            .iter()
            .position(|x| x.id == *id)
            .unwrap_or_else(|| panic!("row id {id}"));
        r.applications[i] = Some(*v);
    }
    r.applications
}

fn ints(v: &[i64]) -> Option<Vec<Value>> {
    Some(v.iter().map(|n| Value::Int(*n)).collect())
}

/// Table 二 shared by the 2021 text fixtures.
fn proactive_2021(licensing: i64) -> Vec<Option<Vec<Value>>> {
    vec![
        ints(&[0, 0, 0]),
        ints(&[3, 1, 27]),
        ints(&[licensing]),
        ints(&[42]),
        ints(&[5]),
        Some(vec![Value::Text("3.2".into())]),
    ]
}

/// Table 三 shared by the pipe, tab and traditional fixtures.
fn apps_a(extra_natural: i64) -> Vec<Option<[i64; 7]>> {
    let n = 18 + extra_natural;
    apps(
        Format::F2021,
        &[
            ("new", [n, 3, 0, 0, 1, 0, n + 4]),
            ("carried_in", [2, 0, 0, 0, 0, 0, 2]),
            ("disclosed", [9, 1, 0, 0, 0, 0, 10]),
            ("partly_disclosed", [2, 0, 0, 0, 0, 0, 2]),
            ("withheld.third_party_rights", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.process_information", [1, 1, 0, 0, 0, 0, 2]),
            ("unavailable.not_held", [3, 1, 0, 0, 1, 0, 5]),
            ("not_processed.repeated", [1, 0, 0, 0, 0, 0, 1]),
            ("other.other", [1, 0, 0, 0, 0, 0, 1]),
            ("total", [n, 3, 0, 0, 1, 0, n + 4]),
            ("carried_out", [2, 0, 0, 0, 0, 0, 2]),
        ],
    )
}

const APPEALS_A: [Option<[i64; 5]>; 3] = [
    Some([1, 0, 1, 0, 2]),
    Some([0, 1, 0, 1, 2]),
    Some([0, 0, 0, 0, 0]),
];

fn findings_of(out: &gongkai_report::ReadOutcome) -> Vec<(String, String)> {
    out.findings
        .iter()
        .map(|f| (f.rule.clone(), f.location.clone()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn pipe_separated_rows() {
    let out = read_text_fixture("pipe-2021.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2021);
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.agency.as_deref(), Some("青石县白沙镇人民政府"));
    assert_eq!(r.proactive, proactive_2021(156));
    assert_eq!(r.applications, apps_a(0));
    assert_eq!(r.appeals, APPEALS_A);
    // The narrative's percentages (64÷320 = 20% …) and counts agree.
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn tab_separated_rows_with_a_total_that_is_not_the_sum() {
    let out = read_text_fixture("tabs-2021.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2021);
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.agency.as_deref(), Some("红叶市绿洲区文化和旅游局"));
    assert_eq!(r.proactive, proactive_2021(156));
    assert_eq!(r.applications, apps_a(1));
    assert_eq!(r.appeals, APPEALS_A);
    // （七）总计 says 19 natural persons, the rows add to 18; the narrative
    // says 22 applications were received, the table 23.
    assert_eq!(
        findings_of(&out),
        pairs(&[
            ("R2", "三/（七）总计/自然人"),
            ("R2", "三/（七）总计/总计"),
            ("TEXT", "一、总体情况"),
        ]),
        "{:#?}",
        out.findings
    );
    assert!(out.findings[0].message.contains("19") && out.findings[0].message.contains("18"));
    assert!(out.findings[2].message.contains("22") && out.findings[2].message.contains("23"));
}

#[test]
fn one_cell_per_tab_indented_line() {
    let out = read_text_fixture("cells-2021.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2021);
    assert_eq!(r.year, Some(2021));
    assert_eq!(r.agency.as_deref(), Some("松涛市东湖区明月街道办事处"));
    assert_eq!(r.proactive, proactive_2021(156));
    assert_eq!(
        r.applications,
        apps(
            Format::F2021,
            &[
                ("new", [31, 4, 0, 1, 1, 0, 37]),
                ("carried_in", [2, 0, 0, 0, 0, 0, 2]),
                ("disclosed", [21, 2, 0, 1, 0, 0, 24]),
                ("partly_disclosed", [2, 0, 0, 0, 0, 0, 2]),
                ("withheld.third_party_rights", [1, 0, 0, 0, 0, 0, 1]),
                ("withheld.process_information", [1, 1, 0, 0, 0, 0, 2]),
                ("unavailable.not_held", [4, 1, 0, 0, 1, 0, 6]),
                ("not_processed.repeated", [1, 0, 0, 0, 0, 0, 1]),
                ("other.other", [1, 0, 0, 0, 0, 0, 1]),
                ("total", [31, 4, 0, 1, 1, 0, 37]),
                ("carried_out", [2, 0, 0, 0, 0, 0, 2]),
            ]
        )
    );
    assert_eq!(r.appeals, APPEALS_A);
    // （六）其他处理 printed as one row: its value goes to 3.其他, noted.
    assert_eq!(
        findings_of(&out),
        pairs(&[("LABEL", "三/（六）3.其他")]),
        "{:#?}",
        out.findings
    );
}

#[test]
fn pdftotext_layout_columns_wrapped_labels_page_footers() {
    let out = read_text_fixture("pdftotext-2021.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2021);
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.agency.as_deref(), Some("金山市银河区市场监督管理局"));
    assert_eq!(r.proactive, proactive_2021(156));
    assert_eq!(
        r.applications,
        apps(
            Format::F2021,
            &[
                ("new", [19, 4, 0, 0, 1, 0, 24]),
                ("carried_in", [2, 0, 0, 0, 0, 0, 2]),
                ("disclosed", [9, 1, 0, 0, 0, 0, 10]),
                ("partly_disclosed", [2, 0, 0, 0, 0, 0, 2]),
                ("withheld.third_party_rights", [1, 0, 0, 0, 0, 0, 1]),
                ("withheld.process_information", [1, 1, 0, 0, 0, 0, 2]),
                ("unavailable.not_held", [3, 1, 0, 0, 1, 0, 5]),
                ("not_processed.repeated", [1, 0, 0, 0, 0, 0, 1]),
                ("not_processed.reconfirmation", [0, 1, 0, 0, 0, 0, 1]),
                ("other.correction_overdue", [1, 0, 0, 0, 0, 0, 1]),
                ("other.other", [1, 0, 0, 0, 0, 0, 1]),
                ("total", [19, 4, 0, 0, 1, 0, 24]),
                ("carried_out", [2, 0, 0, 0, 0, 0, 2]),
            ]
        )
    );
    // 未经复议直接起诉 prints 总计 0 for 1 + 1 cases (R4).
    assert_eq!(
        r.appeals,
        [
            Some([1, 0, 1, 0, 2]),
            Some([0, 1, 0, 1, 0]),
            Some([0, 0, 0, 0, 0])
        ]
    );
    assert_eq!(
        findings_of(&out),
        pairs(&[("R4", "四/未经复议直接起诉/总计")]),
        "{:#?}",
        out.findings
    );
}

#[test]
fn traditional_characters_and_ocr_noise() {
    let out = read_text_fixture("traditional-ocr-2022.txt");
    let r = &out.report;
    assert_eq!(r.format, Format::F2021);
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.agency.as_deref(), Some("碧水县云山乡人民政府"));
    // 1,156 with a thousands separator; ４２ in full-width digits.
    assert_eq!(r.proactive, proactive_2021(1156));
    assert_eq!(r.applications, apps_a(0));
    assert_eq!(r.appeals, APPEALS_A);
    // Traditional characters are not deviations; OCR noise is.
    assert_eq!(
        findings_of(&out),
        pairs(&[
            ("LABEL", "三/（三）4.保护第三方合法权益"),
            ("LABEL", "三/（四）2.没有现成信息需要另行制作"),
            ("LABEL", "三/（五）5.要求行政机关确认或重新出具已获取信息"),
        ]),
        "{:#?}",
        out.findings
    );
    assert!(out.findings[0].message.contains("4.保護笫三方合法權益"));
}

#[test]
fn gbk_portal_page_with_spans_2019_format() {
    let bytes = fixture_bytes("portal-gbk-2019.html");
    // The file really is GBK (not UTF-8).
    assert!(std::str::from_utf8(&bytes).is_err());
    let doc = gongkai_docs::read_html(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let out = read_report(&doc);
    let r = &out.report;
    assert_eq!(r.format, Format::F2019);
    assert_eq!(r.year, Some(2019), "the menu's 2018年年报 is not the title");
    assert_eq!(r.agency.as_deref(), Some("星河县人民政府办公室"));
    assert_eq!(
        r.proactive,
        vec![
            ints(&[0, 0, 3]),
            ints(&[2, 2, 41]),
            ints(&[35, -2, 880]),
            ints(&[12, 0, 150]),
            ints(&[20, 1, 64]),
            ints(&[5, 0, 0]),
            ints(&[4, 0]),
            Some(vec![Value::Int(17), Value::Text("256.8万元".into())]),
        ]
    );
    assert_eq!(
        r.applications,
        apps(
            Format::F2019,
            &[
                ("new", [12, 2, 0, 0, 0, 1, 15]),
                ("carried_in", [1, 0, 0, 0, 0, 0, 1]),
                ("disclosed", [6, 1, 0, 0, 0, 0, 7]),
                ("partly_disclosed", [1, 0, 0, 0, 0, 0, 1]),
                ("withheld.state_secret", [1, 0, 0, 0, 0, 0, 1]),
                ("unavailable.not_held", [2, 1, 0, 0, 0, 1, 4]),
                ("not_processed.excessive", [1, 0, 0, 0, 0, 0, 1]),
                ("other.other", [1, 0, 0, 0, 0, 0, 1]),
                ("total", [12, 2, 0, 0, 0, 1, 15]),
                ("carried_out", [1, 0, 0, 0, 0, 0, 1]),
            ]
        )
    );
    assert_eq!(
        r.appeals,
        [
            Some([2, 0, 0, 1, 3]),
            Some([0, 0, 1, 0, 1]),
            Some([0, 0, 0, 0, 0])
        ]
    );
    // &nbsp; cells: 科研机构 and 社会公益组织 in all 23 rows, and 行政强制's
    // 处理决定数量; nothing else.
    let blank: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.rule == "BLANK")
        .map(|f| f.location.as_str())
        .collect();
    assert_eq!(blank.len(), 47, "{blank:#?}");
    assert!(blank.contains(&"二/第二十条第（六）项/行政强制/处理决定数量"));
    assert!(
        out.findings.iter().all(|f| f.rule == "BLANK"),
        "{:#?}",
        out.findings
    );
}

#[test]
fn docx_with_merged_cells_blank_and_dash_cells() {
    use gongkai_docs::{Block, Cell};
    let mut report = AnnualReport::zeroed(Format::F2021);
    report.year = Some(2024);
    report.agency = Some("云杉市海棠区教育局".to_string());
    report.proactive = proactive_2021(77);
    report.applications = apps(
        Format::F2021,
        &[
            ("new", [6, 0, 0, 0, 0, 2, 8]),
            ("disclosed", [4, 0, 0, 0, 0, 1, 5]),
            ("other.fee_overdue", [1, 0, 0, 0, 0, 0, 1]),
            ("unavailable.needs_creation", [1, 0, 0, 0, 0, 1, 2]),
            ("total", [6, 0, 0, 0, 0, 2, 8]),
        ],
    );
    report.appeals = [Some([0, 0, 0, 1, 1]), Some([0; 5]), Some([0; 5])];
    report.narrative.sections[0] = "2024年，共收到政府信息公开申请8件。".to_string();
    report.narrative.sections[4] = "公开内容仍需细化。".to_string();
    let mut doc = gongkai_report::layout(&report);
    // Like a clerk's Word table: one zero left blank, one written "—".
    let mut tables = doc.blocks.iter_mut().filter_map(|b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    });
    let _ = tables.next();
    let t3 = tables.next().unwrap_or_else(|| panic!("table 三"));
    let row = t3
        .rows
        .iter_mut()
        .find(|r| {
            r.iter()
                .any(|c| c.text == labels::APPLICATION_ROWS[1].label)
        })
        .unwrap_or_else(|| panic!("二、上年结转 row"));
    let n = row.len();
    row[n - 7] = Cell::new("");
    row[n - 1] = Cell::new("—");
    let bytes = gongkai_docs::write_docx(&doc).unwrap_or_else(|e| panic!("{e}"));
    let back = gongkai_docs::read_docx(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.tables().count(), 3);
    let out = read_report(&back);
    assert_eq!(out.report.format, Format::F2021);
    assert_eq!(out.report.year, Some(2024));
    assert_eq!(out.report.agency.as_deref(), Some("云杉市海棠区教育局"));
    assert_eq!(out.report.proactive, report.proactive);
    assert_eq!(out.report.applications, report.applications);
    assert_eq!(out.report.appeals, report.appeals);
    assert_eq!(
        findings_of(&out),
        pairs(&[
            ("BLANK", "三/二、上年结转政府信息公开申请数量/自然人"),
            ("BLANK", "三/二、上年结转政府信息公开申请数量/总计"),
        ]),
        "{:#?}",
        out.findings
    );
}

/// The text path (`read_report_text`, no `Doc`) reads every text fixture
/// exactly as `gongkai_docs::read_text` + `read_report` does.
#[test]
fn text_path_reads_as_the_doc_path() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("txt" | "md")
        ) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let doc = gongkai_docs::read_text(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let text = gongkai_docs::decode_text(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            format!("{:?}", gongkai_report::read_report_text(&text)),
            format!("{:?}", read_report(&doc)),
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 8, "{seen} text fixtures");
}
