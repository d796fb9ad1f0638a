//! `gongkai report check|convert` through the real binary: exit codes,
//! JSON shape, R6/R7 with --previous, and converted files read back by
//! real libraries (gongkai-docs' DOCX and calamine XLSX readers, pdftotext).

use gongkai_docs::{Block, Doc};
use gongkai_report::{labels, to_text, AnnualReport, Format, Value};
use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot start gongkai: {e}"))
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn set(r: &mut AnnualReport, id: &str, v: [i64; 7]) {
    let i = labels::APPLICATION_ROWS
        .iter()
        .position(|x| x.id == id)
        .unwrap_or_else(|| panic!("row {id}"));
    r.applications[i] = Some(v);
}

/// An invented, consistent 2021-format report.
fn sample() -> AnnualReport {
    let mut r = AnnualReport::zeroed(Format::F2021);
    r.year = Some(2023);
    r.agency = Some("甲乙县丙丁局".to_string());
    r.proactive[0] = Some(vec![Value::Int(2), Value::Int(0), Value::Int(15)]);
    r.proactive[1] = Some(vec![Value::Int(7), Value::Int(3), Value::Int(64)]);
    r.proactive[2] = Some(vec![Value::Int(1234)]);
    r.proactive[3] = Some(vec![Value::Int(87)]);
    r.proactive[5] = Some(vec![Value::Text("12.5".to_string())]);
    set(&mut r, "new", [5, 1, 0, 0, 0, 0, 6]);
    set(&mut r, "carried_in", [1, 0, 0, 0, 0, 0, 1]);
    set(&mut r, "disclosed", [3, 0, 0, 0, 0, 0, 3]);
    set(&mut r, "unavailable.not_held", [2, 1, 0, 0, 0, 0, 3]);
    set(&mut r, "total", [5, 1, 0, 0, 0, 0, 6]);
    set(&mut r, "carried_out", [1, 0, 0, 0, 0, 0, 1]);
    r.appeals[0] = Some([1, 0, 0, 1, 2]);
    r
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

#[test]
fn check_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "good.txt", &to_text(&sample()));
    let mut bad_report = sample();
    set(&mut bad_report, "total", [5, 1, 0, 0, 0, 0, 7]);
    let bad = write(dir.path(), "bad.txt", &to_text(&bad_report));

    let o = gongkai(&["report", "check", s(&good)]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("2021年格式"), "{}", show(&o));
    assert!(stdout.contains("甲乙县丙丁局"), "{}", show(&o));

    let o = gongkai(&["report", "check", s(&bad)]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("[错误 R3]"), "{}", show(&o));
    assert!(stdout.contains("[错误 R2]"), "{}", show(&o));

    let missing = dir.path().join("no-such-report.txt");
    let o = gongkai(&["report", "check", s(&missing)]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("无法读取"),
        "{}",
        show(&o)
    );
    // A batch with an unreadable file exits 2 even when another has errors.
    let o = gongkai(&["report", "check", s(&good), s(&bad), s(&missing)]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("共 3 个文件"),
        "{}",
        show(&o)
    );
    // A golden fixture of gongkai-report (markdown tables, blanks): warnings only.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../gongkai-report/tests/fixtures/markdown-2021.md");
    let o = gongkai(&["report", "check", s(&fixture)]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("[警告 BLANK]"),
        "{}",
        show(&o)
    );
}

#[test]
fn check_json_array_in_report_json_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "good.txt", &to_text(&sample()));
    let mut bad_report = sample();
    bad_report.appeals[0] = Some([1, 0, 0, 1, 3]);
    let bad = write(dir.path(), "bad.txt", &to_text(&bad_report));
    let o = gongkai(&["report", "check", s(&good), s(&bad), "--json"]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let v: J = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}\n{}", show(&o)));
    let items = v.as_array().unwrap_or_else(|| panic!("not an array: {v}"));
    assert_eq!(items.len(), 2);
    for it in items {
        assert_eq!(it["format"], "2021");
        assert_eq!(it["year"], 2023);
        assert_eq!(it["agency"], "甲乙县丙丁局");
        assert_eq!(it["proactive"]["rules"]["issued"], 2);
        assert_eq!(it["proactive"]["rules"]["in_force"], 15);
        assert_eq!(it["proactive"]["licensing"]["decisions"], 1234);
        assert_eq!(
            it["proactive"]["administrative_fees"]["amount_wan_yuan"],
            "12.5"
        );
        assert_eq!(
            it["applications"]["columns"],
            serde_json::json!([
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
                "总计"
            ])
        );
        let rows = it["applications"]["rows"]
            .as_object()
            .unwrap_or_else(|| panic!("rows: {it}"));
        assert_eq!(rows.len(), 25);
        assert_eq!(rows["new"], serde_json::json!([5, 1, 0, 0, 0, 0, 6]));
        assert_eq!(
            rows["unavailable.not_held"],
            serde_json::json!([2, 1, 0, 0, 0, 0, 3])
        );
        for key in [
            "reconsideration",
            "direct_suit",
            "suit_after_reconsideration",
        ] {
            let b = &it["appeals"][key];
            for f in ["upheld", "corrected", "other", "pending", "total"] {
                assert!(b[f].is_i64(), "{key}.{f}: {it}");
            }
        }
        assert!(it["findings"].is_array());
    }
    assert_eq!(items[0]["findings"], serde_json::json!([]));
    let f = &items[1]["findings"][0];
    assert_eq!(f["rule"], "R4");
    assert_eq!(f["severity"], "error");
    assert!(f["location"].as_str().is_some_and(|l| l.starts_with('四')));
    assert!(f["message"].as_str().is_some_and(|m| m.contains('3')));

    // One file: the object itself.
    let o = gongkai(&["report", "check", s(&good), "--json"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let v: J = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}\n{}", show(&o)));
    assert_eq!(v["format"], "2021");
}

#[test]
fn check_previous_gives_r6_r7_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = write(dir.path(), "2023.txt", &to_text(&sample()));
    let mut last = sample();
    last.year = Some(2022);
    // Last year carried 2 over (this year says 1 came in); 规章 in force were
    // 14 (14 + 2 − 0 = 16, this year says 15).
    set(&mut last, "carried_out", [2, 0, 0, 0, 0, 0, 2]);
    set(&mut last, "new", [6, 1, 0, 0, 0, 0, 7]);
    last.proactive[0] = Some(vec![Value::Int(1), Value::Int(0), Value::Int(14)]);
    // 行政规范性文件 agree: 60 + 7 − 3 = 64.
    last.proactive[1] = Some(vec![Value::Int(5), Value::Int(1), Value::Int(60)]);
    let prev = write(dir.path(), "2022.txt", &to_text(&last));
    let o = gongkai(&["report", "check", s(&now), "--previous", s(&prev), "--json"]);
    assert_eq!(code(&o), 0, "warnings only: {}", show(&o));
    let v: J = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}\n{}", show(&o)));
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["rule"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(rules, ["R6", "R6", "R7"], "{v}");
    let msgs = v["findings"].to_string();
    assert!(msgs.contains("16"), "{msgs}");
    // The same previous report matching: no findings.
    let same = write(dir.path(), "same.txt", &to_text(&sample()));
    let mut consistent = sample();
    consistent.year = Some(2024);
    set(&mut consistent, "carried_in", [1, 0, 0, 0, 0, 0, 1]);
    let next = write(dir.path(), "2024.txt", &to_text(&consistent));
    let o = gongkai(&["report", "check", s(&next), "--previous", s(&same)]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("R6"),
        "{}",
        show(&o)
    );
    // An unreadable previous report: exit 2.
    let o = gongkai(&[
        "report",
        "check",
        s(&now),
        "--previous",
        s(&dir.path().join("nope.txt")),
    ]);
    assert_eq!(code(&o), 2, "{}", show(&o));
}

/// All text of a Doc's tables, one string per table.
fn table_texts(doc: &Doc) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(
                t.rows
                    .iter()
                    .flat_map(|r| r.iter().map(|c| c.text.clone()))
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            _ => None,
        })
        .collect()
}

/// The three tables of a laid-out report (二 with its four blocks, 三, 四).
fn assert_tables(what: &str, tables: &[String]) {
    assert_eq!(tables.len(), 3, "{what}: {tables:#?}");
    for caption in [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ] {
        assert!(tables[0].contains(caption), "{what}: {}", tables[0]);
    }
    assert!(tables[0].contains("本年制发件数"), "{what}");
    assert!(tables[0].contains("1234"), "{what}");
    assert!(tables[0].contains("12.5"), "{what}");
    assert!(tables[1].contains("本年新收政府信息公开申请数量"), "{what}");
    assert!(tables[1].contains("本机关不掌握相关政府信息"), "{what}");
    assert!(tables[1].contains("结转下年度继续办理"), "{what}");
    assert!(tables[2].contains("行政复议"), "{what}");
    assert!(tables[2].contains("复议后起诉"), "{what}");
}

fn convert(input: &Path, to: &str, out: &Path) {
    let o = gongkai(&["report", "convert", s(input), "--to", to, "-o", s(out)]);
    assert_eq!(code(&o), 0, "convert --to {to}: {}", show(&o));
    assert!(out.is_file(), "{to}: no output file");
}

#[test]
fn convert_writes_files_real_readers_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "in.txt", &to_text(&sample()));

    let docx = dir.path().join("out.docx");
    convert(&input, "docx", &docx);
    let bytes = std::fs::read(&docx).expect("docx");
    assert!(bytes.starts_with(b"PK"));
    let doc = gongkai_docs::read_docx(&bytes).unwrap_or_else(|e| panic!("read_docx: {e}"));
    assert_tables("docx", &table_texts(&doc));
    let back = gongkai_report::read_report(&doc);
    assert_eq!(back.report.applications, sample().applications, "docx");

    let xlsx = dir.path().join("out.xlsx");
    convert(&input, "xlsx", &xlsx);
    let bytes = std::fs::read(&xlsx).expect("xlsx");
    let doc = gongkai_docs::read_xlsx(&bytes).unwrap_or_else(|e| panic!("read_xlsx: {e}"));
    assert_tables("xlsx", &table_texts(&doc));

    let html = dir.path().join("out.html");
    convert(&input, "html", &html);
    let bytes = std::fs::read(&html).expect("html");
    assert!(String::from_utf8_lossy(&bytes).contains("<table"));
    let doc = gongkai_docs::read_html(&bytes).unwrap_or_else(|e| panic!("read_html: {e}"));
    assert_tables("html", &table_texts(&doc));

    let json = dir.path().join("out.json");
    convert(&input, "json", &json);
    let text = std::fs::read_to_string(&json).expect("json");
    let (r, findings) =
        gongkai_report::from_json(&text).unwrap_or_else(|e| panic!("from_json: {e}"));
    assert_eq!(r.applications, sample().applications);
    assert_eq!(r.proactive, sample().proactive);
    assert!(findings.is_empty(), "{findings:?}");
    // JSON converts back to the other formats.
    let again = dir.path().join("again.txt");
    convert(&json, "text", &again);
    assert_eq!(
        std::fs::read_to_string(&again).expect("text"),
        to_text(&sample())
    );

    let pdf = dir.path().join("out.pdf");
    convert(&input, "pdf", &pdf);
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF"));
    match Command::new("pdftotext")
        .args(["-layout", s(&pdf), "-"])
        .output()
    {
        Ok(o) => {
            assert!(o.status.success(), "pdftotext: {}", show(&o));
            let text = String::from_utf8_lossy(&o.stdout);
            let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            for needle in [
                "主动公开政府信息情况",
                "第二十条第（八）项",
                "予以公开",
                "本机关不掌握相关政府信息",
                "行政复议",
                "1234",
                "甲乙县丙丁局",
            ] {
                assert!(
                    squeezed.contains(needle),
                    "PDF text lacks {needle}:\n{text}"
                );
            }
        }
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("pdftotext is required under CI: {e}");
            }
            eprintln!("pdftotext not available ({e}); PDF text not checked");
        }
    }

    // Binary formats need -o.
    let o = gongkai(&["report", "convert", s(&input), "--to", "docx"]);
    assert_ne!(code(&o), 0, "{}", show(&o));
}
