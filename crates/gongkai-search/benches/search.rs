//! Search latency over ~100k generated items: common and rare words, two
//! words, filters, the empty query (newest first) and 文号 lookup.
//!
//! `cargo bench -p gongkai-search --bench search`
//! (`GONGKAI_BENCH_DOCS=20000` for a smaller index.)

use std::time::Instant;

use criterion::{black_box, criterion_group, Criterion};
use gongkai_search::{Op, SearchDoc, SearchIndex, SearchQuery};
use time::Date;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

const COMMON: [&str; 24] = [
    "通知", "工作", "推进", "加强", "落实", "管理", "服务", "建设", "发展", "单位", "有关", "要求",
    "政府", "部门", "做好", "开展", "完善", "制度", "实施", "机制", "保障", "提升", "组织", "情况",
];
const TERMS: [&str; 16] = [
    "营商环境",
    "乡村振兴",
    "政务公开",
    "行政复议",
    "依申请公开",
    "安全生产",
    "社会救助",
    "耕地保护",
    "垃圾分类",
    "养老服务",
    "公共资源交易",
    "统计公报",
    "招商引资",
    "疫情防控",
    "河长制",
    "数字政府",
];
/// Appears in about one item in a thousand.
const RARE: &str = "宅基地审批";
const AGENCIES: [(&str, &str); 8] = [
    ("370100", "济南市人民政府办公厅"),
    ("370102", "历下区人民政府"),
    ("370103", "市中区人民政府"),
    ("370104", "槐荫区人民政府"),
    ("370105", "天桥区人民政府"),
    ("370112", "历城区人民政府"),
    ("370113", "长清区人民政府"),
    ("370114", "章丘区人民政府"),
];
const CATEGORIES: [&str; 5] = ["政策文件", "规划计划", "财政信息", "人事信息", "政务动态"];

fn generate(n: usize) -> Vec<SearchDoc> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let mut body = String::new();
            for s in 0..12 {
                for _ in 0..6 {
                    body.push_str(COMMON[rng.next(COMMON.len())]);
                }
                body.push_str(TERMS[rng.next(TERMS.len())]);
                if s == 5 && rng.next(1000) == 0 {
                    body.push_str(RARE);
                }
                body.push('。');
            }
            let (code, name) = AGENCIES[rng.next(AGENCIES.len())];
            let year = 2019 + rng.next(7) as i32;
            SearchDoc {
                id: i as i64 + 1,
                title: format!(
                    "关于{}{}的通知",
                    TERMS[rng.next(TERMS.len())],
                    COMMON[rng.next(COMMON.len())]
                ),
                body,
                attachment_text: String::new(),
                summary: String::new(),
                keywords: Vec::new(),
                document_number: Some(format!("济政办发〔{year}〕{}号", i + 1)),
                index_number: format!("{code}/{year}-{:05}", i + 1),
                agency_code: code.into(),
                agency_name: name.into(),
                category: vec![
                    "法定主动公开内容".into(),
                    CATEGORIES[rng.next(CATEGORIES.len())].into(),
                ],
                published_on: Date::from_ordinal_date(year, 1 + rng.next(365) as u16)
                    .unwrap_or(Date::MIN),
                validity: if rng.next(10) == 0 {
                    "失效"
                } else {
                    "有效"
                }
                .into(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("GONGKAI_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let docs = generate(n);
    let some_number = docs[docs.len() / 2]
        .document_number
        .clone()
        .unwrap_or_default();
    let bytes: usize = docs.iter().map(|d| d.body.len() + d.title.len()).sum();
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    let writer = index.writer().expect("writer");
    let t = Instant::now();
    writer.reindex(docs, Some(0)).expect("reindex");
    let build = t.elapsed();
    eprintln!(
        "indexed {n} items ({:.1} MiB of text) in {:.1} s",
        bytes as f64 / 1048576.0,
        build.as_secs_f64()
    );
    let t = Instant::now();
    writer
        .apply(
            vec![Op::Upsert(SearchDoc {
                id: 1,
                title: "更新后的通知".into(),
                ..generate(1).remove(0)
            })],
            None,
        )
        .expect("upsert");
    eprintln!(
        "one upsert, committed and visible: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let mut g = c.benchmark_group("search");
    let mut case = |name: &str, q: SearchQuery| {
        let r = index.search(&q).expect("search");
        eprintln!("{name}: {} hits", r.total);
        g.bench_function(name, |b| {
            b.iter(|| black_box(index.search(&q).expect("search")))
        });
    };
    case("common_word", SearchQuery::text("通知"));
    case("term", SearchQuery::text("营商环境"));
    case("rare_word", SearchQuery::text(RARE));
    case("two_words", SearchQuery::text("乡村振兴 安全生产"));
    case(
        "term_agency_year",
        SearchQuery {
            agency: Some("370102".into()),
            year: Some(2024),
            ..SearchQuery::text("营商环境")
        },
    );
    case(
        "term_date_range_page5",
        SearchQuery {
            from: Date::from_ordinal_date(2022, 1).ok(),
            to: Date::from_ordinal_date(2023, 365).ok(),
            page: 5,
            ..SearchQuery::text("政务公开")
        },
    );
    case(
        "empty_query_category",
        SearchQuery {
            category: Some("法定主动公开内容/政策文件".into()),
            ..SearchQuery::default()
        },
    );
    // Typed with ASCII brackets, as people do.
    case(
        "document_number",
        SearchQuery::text(some_number.replace('〔', "[").replace('〕', "]")),
    );
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
