//! Throughput of `check` on a generated batch of text reports, next to
//! simply reading the same bytes (decoding + line splitting) in the same run.
//!
//! `cargo bench -p gongkai-report --bench check`

use criterion::{black_box, criterion_group, Criterion, Throughput};
use gongkai_report::labels::{self, FieldKind};
use gongkai_report::{read_report, read_report_text, to_text, AnnualReport, Format, Value};

/// A small deterministic generator (no dependency on rand).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as i64
    }
}

const AGENCIES: [&str; 4] = [
    "甲乙市丙丁区戊己街道办事处",
    "庚辛县人民政府",
    "壬癸市市场监督管理局",
    "子丑县寅卯镇人民政府",
];

/// One consistent report with a narrative, as plain text (tab-separated rows).
fn report_text(i: usize, rng: &mut Lcg) -> String {
    let format = if i % 4 == 3 {
        Format::F2019
    } else {
        Format::F2021
    };
    let mut r = AnnualReport::zeroed(format);
    r.year = Some(if format == Format::F2019 { 2020 } else { 2023 });
    r.agency = Some(AGENCIES[i % AGENCIES.len()].to_string());
    let blocks = labels::proactive_blocks(format);
    for ((b, _), slot) in labels::proactive_rows(format)
        .iter()
        .zip(r.proactive.iter_mut())
    {
        let vals = blocks[*b]
            .fields
            .iter()
            .map(|f| match f.kind {
                FieldKind::Count => Value::Int(rng.next(900)),
                FieldKind::Change => Value::Int(rng.next(20) - 10),
                FieldKind::Money => Value::Text(format!("{}.{}", rng.next(99), rng.next(9))),
                FieldKind::Text => Value::Text(format!("{}万元", rng.next(500))),
            })
            .collect();
        *slot = Some(vals);
    }
    let mut total = [0i64; 7];
    for idx in labels::RESULT_ROWS {
        if !labels::row_in_format(format, idx) {
            continue;
        }
        let mut row = [0i64; 7];
        for c in 0..6 {
            row[c] = if rng.next(3) == 0 { rng.next(40) } else { 0 };
            row[6] += row[c];
            total[c] += row[c];
        }
        total[6] += row[6];
        r.applications[idx] = Some(row);
    }
    let mut carried_in = [0i64; 7];
    let mut carried_out = [0i64; 7];
    for c in 0..6 {
        carried_in[c] = rng.next(3);
        carried_out[c] = rng.next(3);
        carried_in[6] += carried_in[c];
        carried_out[6] += carried_out[c];
    }
    let mut new = [0i64; 7];
    for c in 0..7 {
        new[c] = total[c] + carried_out[c] - carried_in[c];
        if new[c] < 0 {
            carried_in[c] += new[c];
            new[c] = 0;
        }
    }
    let fix = |v: &mut [i64; 7]| v[6] = v[..6].iter().sum();
    fix(&mut new);
    fix(&mut carried_in);
    r.applications[labels::ROW_NEW] = Some(new);
    r.applications[labels::ROW_CARRIED_IN] = Some(carried_in);
    r.applications[labels::ROW_TOTAL] = Some(total);
    r.applications[labels::ROW_CARRIED_OUT] = Some(carried_out);
    for b in &mut r.appeals {
        let v = [rng.next(3), rng.next(2), rng.next(2), rng.next(2), 0];
        *b = Some([v[0], v[1], v[2], v[3], v[0] + v[1] + v[2] + v[3]]);
    }
    let published = 100 + rng.next(900);
    let part = published / 5;
    r.narrative.preamble = "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自1月1日起至12月31日止。".to_string();
    r.narrative.sections[0] = format!(
        "（一）主动公开情况\n本年度在门户网站发布政府信息{published}条，其中政策文件类信息{part}条，占总数的20%。\n\
         （二）依申请公开情况\n本年度共收到政府信息公开申请{}件，结转下年度继续办理{}件。\n\
         （三）政府信息管理情况\n完善公开审核制度和发布台账，对拟公开的政府信息进行严格依法审查。\n\
         （四）平台建设情况\n优化政务公开专栏，及时更新主动公开基本目录。",
        new[6], carried_out[6]
    );
    r.narrative.sections[4] =
        "一是公开内容不够全面；二是解读形式较单一。下一步将加强培训。".to_string();
    r.narrative.sections[5] = "本年度未收取信息处理费。".to_string();
    to_text(&r)
}

fn batch(n: usize) -> Vec<Vec<u8>> {
    let mut rng = Lcg(20240601);
    (0..n)
        .map(|i| report_text(i, &mut rng).into_bytes())
        .collect()
}

fn bench(c: &mut Criterion) {
    let reports = batch(200);
    let bytes: u64 = reports.iter().map(|r| r.len() as u64).sum();
    // Sanity: every generated report reads back without errors, the same
    // through the `Doc` of `gongkai_docs::read_text` and the text path.
    for r in &reports {
        let doc = gongkai_docs::read_text(r).unwrap_or_else(|e| panic!("{e}"));
        let out = read_report(&doc);
        assert!(
            !gongkai_report::has_errors(&out.findings),
            "{:#?}",
            out.findings
        );
        let text = gongkai_docs::decode_text(r).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{:?}", read_report_text(&text)), format!("{out:?}"));
    }
    for (name, throughput) in [
        ("reports", Throughput::Elements(reports.len() as u64)),
        ("bytes", Throughput::Bytes(bytes)),
    ] {
        let mut g = c.benchmark_group(format!("check_batch_{name}"));
        g.throughput(throughput);
        g.bench_function("read_bytes_only", |b| {
            b.iter(|| {
                let mut lines = 0usize;
                for r in &reports {
                    let text = gongkai_docs::decode_text_borrowed(black_box(r)).unwrap_or_default();
                    lines += text.lines().count();
                }
                black_box(lines)
            })
        });
        // The text path: bytes → decode_text_borrowed → read_report_text.
        g.bench_function("read_and_check", |b| {
            b.iter(|| {
                let mut findings = 0usize;
                for r in &reports {
                    if let Ok(text) = gongkai_docs::decode_text_borrowed(black_box(r)) {
                        findings += read_report_text(&text).findings.len();
                    }
                }
                black_box(findings)
            })
        });
        // Through a `Doc`: bytes → gongkai_docs::read_text → read_report.
        g.bench_function("read_doc_and_check", |b| {
            b.iter(|| {
                let mut findings = 0usize;
                for r in &reports {
                    if let Ok(doc) = gongkai_docs::read_text(black_box(r)) {
                        findings += read_report(&doc).findings.len();
                    }
                }
                black_box(findings)
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
/// Profiling and regression aids, outside criterion:
/// - `GONGKAI_REPORT_PROFILE=N`: read and check the batch N times and exit
///   (a driver for `valgrind --tool=callgrind` or `perf`);
/// - `GONGKAI_REPORT_DUMP=FILE`: write the `Debug` form of every outcome
///   (the batch, the golden fixtures and the corpus when present, and the
///   files of `GONGKAI_REPORT_DUMP_DIR` if set) to FILE, to compare the
///   reader's results before and after a change;
/// - `GONGKAI_REPORT_BATCH_DIR=DIR`: write the batch to DIR, one file per
///   report.
fn aids() -> bool {
    if let Ok(n) = std::env::var("GONGKAI_REPORT_PROFILE") {
        let n: usize = n.parse().unwrap_or(1);
        let reports = batch(200);
        let mut findings = 0usize;
        for _ in 0..n {
            for r in &reports {
                if let Ok(text) = gongkai_docs::decode_text_borrowed(black_box(r)) {
                    findings += read_report_text(&text).findings.len();
                }
            }
        }
        println!("{findings} findings");
        return true;
    }
    if let Ok(dir) = std::env::var("GONGKAI_REPORT_BATCH_DIR") {
        // The generated batch as files (seeds for mutated inputs).
        for (i, r) in batch(200).iter().enumerate() {
            let f = std::path::Path::new(&dir).join(format!("batch-{i:03}.txt"));
            if let Err(e) = std::fs::write(&f, r) {
                eprintln!("{}: {e}", f.display());
            }
        }
        return true;
    }
    if let Ok(path) = std::env::var("GONGKAI_REPORT_DUMP") {
        use std::fmt::Write;
        let mut out = String::new();
        for (i, r) in batch(200).iter().enumerate() {
            if let Ok(doc) = gongkai_docs::read_text(r) {
                let via_doc = format!("{:?}", read_report(&doc));
                let _ = writeln!(out, "batch {i}: {via_doc}");
                if let Ok(text) = gongkai_docs::decode_text(r) {
                    if format!("{:?}", read_report_text(&text)) != via_doc {
                        eprintln!("batch {i}: the text path reads it differently");
                    }
                }
            }
        }
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![
            here.join("tests/fixtures"),
            here.join("../../../shared/corpus"),
            here.join("../../../shared/corpus/real"),
        ];
        // More inputs to compare (e.g. mutated fixtures), not in the repository.
        if let Ok(extra) = std::env::var("GONGKAI_REPORT_DUMP_DIR") {
            dirs.push(std::path::PathBuf::from(extra));
        }
        for dir in dirs {
            if let Ok(entries) = std::fs::read_dir(dir) {
                files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
        }
        files.sort();
        for f in files {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            let doc = match f.extension().and_then(|e| e.to_str()) {
                Some("txt") | Some("md") => gongkai_docs::read_text(&bytes),
                Some("html") | Some("htm") => gongkai_docs::read_html(&bytes),
                Some("docx") => gongkai_docs::read_docx(&bytes),
                _ => continue,
            };
            let doc = match doc {
                Ok(doc) => Some(doc),
                Err(e) => {
                    let _ = writeln!(out, "{}: {e:?}", f.display());
                    None
                }
            };
            if let Some(doc) = doc {
                let via_doc = format!("{:?}", read_report(&doc));
                let _ = writeln!(out, "{}: {via_doc}", f.display());
                let is_text = matches!(
                    f.extension().and_then(|e| e.to_str()),
                    Some("txt") | Some("md")
                );
                if let (true, Ok(text)) = (is_text, gongkai_docs::decode_text(&bytes)) {
                    if format!("{:?}", read_report_text(&text)) != via_doc {
                        eprintln!("{}: the text path reads it differently", f.display());
                    }
                }
            }
        }
        if let Err(e) = std::fs::write(&path, out) {
            eprintln!("{path}: {e}");
        }
        return true;
    }
    false
}

fn main() {
    if aids() {
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
