//! The search engine as its callers use it: write through the one writer,
//! search, filter, page, reindex.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use gongkai_search::{Op, SearchDoc, SearchIndex, SearchQuery};
use time::macros::date;
use time::Date;

fn doc(id: i64, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id,
        title: title.into(),
        body: body.into(),
        attachment_text: String::new(),
        summary: String::new(),
        keywords: Vec::new(),
        document_number: None,
        index_number: format!("11370100MB2845012X/2025-{id:05}"),
        agency_code: "370100".into(),
        agency_name: "济南市人民政府办公厅".into(),
        category: vec!["法定主动公开内容".into(), "政策文件".into()],
        published_on: date!(2025 - 03 - 01),
        validity: "有效".into(),
    }
}

fn ids(index: &SearchIndex, q: &SearchQuery) -> Vec<i64> {
    let r = index.search(q).expect("search");
    r.hits.iter().map(|h| h.id).collect()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery::text(text)
}

#[test]
fn a_two_character_word_of_the_body_is_found_and_marked() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    w.upsert(doc(
        1,
        "关于开展安全检查的通知",
        "请各单位于三月底前完成自查并报送核查结果。",
    ))
    .unwrap();
    w.upsert(doc(2, "大学生活动中心开放时间", "本中心面向全体市民开放。"))
        .unwrap();
    w.upsert(doc(3, "无关", "今天天气晴朗。")).unwrap();
    assert_eq!(ids(&index, &q("核查")), vec![1]);
    assert_eq!(ids(&index, &q("自查")), vec![1]);
    // jieba cuts 大学生|活动 here; the bigram backstop still finds 生活.
    assert_eq!(ids(&index, &q("生活")), vec![2]);
    assert_eq!(ids(&index, &q("市民")), vec![2]);
    let r = index.search(&q("核查")).unwrap();
    assert!(
        r.hits[0].snippet.contains("<mark>核查</mark>"),
        "{}",
        r.hits[0].snippet
    );
    assert_eq!(r.total, 1);
}

#[test]
fn government_terms_and_multi_word_queries() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    w.upsert(doc(
        1,
        "政府信息公开指南",
        "申请人可以通过依申请公开的方式获取政府信息。",
    ))
    .unwrap();
    w.upsert(doc(
        2,
        "优化营商环境若干措施",
        "持续优化营商环境，服务市场主体。",
    ))
    .unwrap();
    w.upsert(doc(
        3,
        "乡村振兴工作要点",
        "全面推进乡村振兴，巩固拓展脱贫攻坚成果。",
    ))
    .unwrap();
    assert_eq!(ids(&index, &q("依申请公开")), vec![1]);
    assert_eq!(ids(&index, &q("信息公开")), vec![1]);
    assert_eq!(ids(&index, &q("营商环境")), vec![2]);
    assert_eq!(ids(&index, &q("乡村振兴 脱贫攻坚")), vec![3]);
    // All parts must match.
    assert!(ids(&index, &q("乡村振兴 营商环境")).is_empty());
    // Title matches rank first.
    w.upsert(doc(4, "通知", "关于营商环境的一句话。")).unwrap();
    assert_eq!(ids(&index, &q("营商环境"))[0], 2);
    // 内容概述 and 关键词 are searched too.
    let mut d = doc(5, "工作动态", "正文。");
    d.summary = "水资源保护年度总结".into();
    d.keywords = vec!["河长制".into()];
    w.upsert(d).unwrap();
    assert_eq!(ids(&index, &q("河长制")), vec![5]);
    assert_eq!(ids(&index, &q("水资源")), vec![5]);
}

#[test]
fn document_number_and_index_number_are_found_exactly() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    let mut a = doc(1, "关于印发某办法的通知", "正文。");
    a.document_number = Some("鲁政办发〔2025〕3号".into());
    let mut b = doc(2, "关于印发另一办法的通知", "正文。");
    b.document_number = Some("鲁政办发〔2025〕13号".into());
    let mut c = doc(3, "其他", "引用了鲁政办发〔2025〕3号文件的精神。");
    c.document_number = Some("鲁政字〔2024〕1号".into());
    w.apply(vec![Op::Upsert(a), Op::Upsert(b), Op::Upsert(c)], None)
        .unwrap();
    for text in [
        "鲁政办发〔2025〕3号",
        "鲁政办发[2025]3号",
        " 鲁政办发（2025）3号 ",
    ] {
        let got = ids(&index, &q(text));
        assert_eq!(got.first(), Some(&1), "{text}: {got:?}");
        assert!(!got.contains(&2), "{text}: {got:?}");
    }
    assert_eq!(ids(&index, &q("鲁政办发〔2025〕13号")).first(), Some(&2));
    let got = ids(&index, &q("11370100MB2845012X/2025-00002"));
    assert_eq!(got.first(), Some(&2), "{got:?}");
    let got = ids(&index, &q("11370100mb2845012x/2025-00003"));
    assert_eq!(got.first(), Some(&3), "{got:?}");
}

#[test]
fn filters_and_facets() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    let mut ops = Vec::new();
    for i in 1..=12i64 {
        let mut d = doc(i, &format!("环境保护通知{i}"), "关于环境保护的通知。");
        if i % 3 == 0 {
            d.agency_code = "370102".into();
            d.agency_name = "历下区人民政府".into();
        }
        if i % 2 == 0 {
            d.category = vec!["法定主动公开内容".into(), "规划计划".into()];
        }
        if i > 8 {
            d.category = vec!["政府信息公开年报".into()];
        }
        d.published_on = Date::from_ordinal_date(2023 + (i % 3) as i32, 10 + i as u16).unwrap();
        if i == 5 {
            d.validity = "废止".into();
        }
        ops.push(Op::Upsert(d));
    }
    w.apply(ops, None).unwrap();

    let all = index.search(&q("环境保护")).unwrap();
    assert_eq!(all.total, 12);
    let agency = |code: &str| {
        all.facets
            .agency
            .iter()
            .find(|f| f.value == code)
            .map(|f| (f.label.clone(), f.count))
    };
    assert_eq!(agency("370100"), Some(("济南市人民政府办公厅".into(), 8)));
    assert_eq!(agency("370102"), Some(("历下区人民政府".into(), 4)));
    let top: Vec<(String, u64)> = all
        .facets
        .category
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(
        top,
        vec![
            ("法定主动公开内容".to_string(), 8),
            ("政府信息公开年报".to_string(), 4)
        ]
    );
    let years: Vec<(String, u64)> = all
        .facets
        .year
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(
        years,
        vec![("2025".into(), 4), ("2024".into(), 4), ("2023".into(), 4)]
    );

    let mut fq = q("环境保护");
    fq.agency = Some("370102".into());
    let r = index.search(&fq).unwrap();
    assert_eq!(r.total, 4);
    assert!(r.hits.iter().all(|h| h.agency_code == "370102"));
    // The agency facet still shows the other agency; other facets narrow.
    assert_eq!(r.facets.agency.len(), 2);
    assert_eq!(r.facets.year.iter().map(|f| f.count).sum::<u64>(), 4);

    // A category matches everything below it; its facet lists the children.
    let mut fq = q("");
    fq.category = Some("法定主动公开内容".into());
    let r = index.search(&fq).unwrap();
    assert_eq!(r.total, 8);
    let children: Vec<&str> = r.facets.category.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(children, vec!["政策文件", "规划计划"]);
    fq.category = Some("法定主动公开内容/规划计划".into());
    assert_eq!(index.search(&fq).unwrap().total, 4);
    let h = &index.search(&fq).unwrap().hits[0];
    assert_eq!(h.category, vec!["法定主动公开内容", "规划计划"]);

    let mut fq = q("通知");
    fq.validity = Some("废止".into());
    assert_eq!(ids(&index, &fq), vec![5]);
    assert_eq!(index.search(&fq).unwrap().hits[0].validity, "废止");

    let mut fq = q("");
    fq.year = Some(2024);
    assert_eq!(index.search(&fq).unwrap().total, 4);

    // Date range, inclusive at both ends.
    let mut fq = q("");
    fq.from = Some(Date::from_ordinal_date(2025, 1).unwrap());
    let r = index.search(&fq).unwrap();
    assert_eq!(r.total, 4);
    assert!(r.hits.iter().all(|h| h.published_on.year() == 2025));
    let d7 = Date::from_ordinal_date(2024, 17).unwrap();
    fq.from = Some(d7);
    fq.to = Some(d7);
    assert_eq!(ids(&index, &fq), vec![7]);
    fq.from = None;
    fq.to = Some(Date::from_ordinal_date(2023, 365).unwrap());
    assert_eq!(index.search(&fq).unwrap().total, 4);

    // An item without a category is still found, under no category.
    let mut d = doc(99, "环境保护通知", "关于环境保护的通知。");
    d.category = Vec::new();
    w.upsert(d).unwrap();
    let r = index.search(&q("环境保护")).unwrap();
    assert_eq!(r.total, 13);
    assert_eq!(r.facets.category.iter().map(|f| f.count).sum::<u64>(), 12);
    let mut fq = q("");
    fq.agency = Some("370100".into());
    fq.year = Some(2025);
    let h = index.search(&fq).unwrap();
    assert!(h.hits.iter().any(|h| h.id == 99 && h.category.is_empty()));
}

#[test]
fn empty_query_lists_newest_first_with_pages() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    let ops = (1..=45i64)
        .map(|i| {
            let mut d = doc(i, "通知", "正文");
            d.published_on = Date::from_ordinal_date(2025, i as u16).unwrap();
            Op::Upsert(d)
        })
        .collect();
    w.apply(ops, None).unwrap();
    let mut sq = q("");
    sq.per_page = 20;
    let r = index.search(&sq).unwrap();
    assert_eq!((r.total, r.pages(), r.hits.len()), (45, 3, 20));
    assert_eq!(r.hits[0].id, 45);
    sq.page = 3;
    let r = index.search(&sq).unwrap();
    assert_eq!(
        r.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![5, 4, 3, 2, 1]
    );
    sq.page = 1_000_000;
    let r = index.search(&sq).unwrap();
    assert_eq!((r.total, r.hits.len()), (45, 0));
}

#[test]
fn snippets_and_titles_are_escaped() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    w.upsert(doc(
        1,
        "<script>alert(1)</script>公告",
        "A&B 公告<img src=x onerror=alert(1)>内容",
    ))
    .unwrap();
    let r = index.search(&q("公告")).unwrap();
    let h = &r.hits[0];
    assert!(!h.snippet.contains("<img"), "{}", h.snippet);
    assert!(h.snippet.contains("A&amp;B"), "{}", h.snippet);
    assert!(h.snippet.contains("&lt;img"), "{}", h.snippet);
    assert!(h.snippet.contains("<mark>公告</mark>"), "{}", h.snippet);
    assert_eq!(
        h.title_html,
        "&lt;script&gt;alert(1)&lt;/script&gt;<mark>公告</mark>"
    );
    assert_eq!(h.title, "<script>alert(1)</script>公告");
}

#[test]
fn any_query_text_is_accepted() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    w.upsert(doc(1, "通知", "正文 title AND OR")).unwrap();
    let long = "公开".repeat(5000);
    for text in [
        "",
        "   ",
        "\"",
        "(",
        ")",
        "title:通知",
        "AND",
        "NOT OR",
        "*",
        "?",
        "~2",
        "a^2",
        "[1 TO 2]",
        "\\",
        "\0",
        "😀",
        "-",
        "+通知",
        "。，、",
        "\u{3000}",
        &long,
    ] {
        let r = index.search(&q(text));
        assert!(r.is_ok(), "{text:?}: {r:?}");
    }
    assert_eq!(ids(&index, &q("  ")), vec![1]);
    assert_eq!(ids(&index, &q("Title")), vec![1]);
}

#[test]
fn upsert_replaces_and_remove_takes_out() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    w.upsert(doc(7, "旧标题", "正文")).unwrap();
    w.upsert(doc(7, "新标题", "正文")).unwrap();
    let r = index.search(&q("标题")).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].title, "新标题");
    assert!(ids(&index, &q("旧标题")).is_empty());
    w.remove(7).unwrap();
    assert!(ids(&index, &q("标题")).is_empty());
    assert_eq!(index.len(), 0);
    w.remove(7).unwrap();
}

#[test]
fn only_one_writer_at_a_time() {
    let index = SearchIndex::open_in_ram().unwrap();
    let w = index.writer().unwrap();
    assert!(index.writer().is_err());
    let clone = w.clone();
    drop(w);
    clone.upsert(doc(1, "通知", "正文")).unwrap();
    drop(clone);
    // The thread releases the index when the last handle goes.
    let mut again = None;
    for _ in 0..100 {
        if let Ok(w) = index.writer() {
            again = Some(w);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(again.is_some());
}

#[test]
fn cursor_is_kept_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.cursor().unwrap(), None);
        let w = index.writer().unwrap();
        w.apply(vec![Op::Upsert(doc(1, "通知", "正文"))], Some(41))
            .unwrap();
        // A commit without a cursor keeps the last one.
        w.upsert(doc(2, "通知", "正文")).unwrap();
        assert_eq!(index.cursor().unwrap(), Some(41));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.cursor().unwrap(), Some(41));
    assert_eq!(index.len(), 2);
    assert_eq!(index.generation(), "gen-000001");
}

#[test]
fn reindex_swaps_while_searches_continue() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let w = index.writer().unwrap();
    w.apply(
        (1..=50)
            .map(|i| Op::Upsert(doc(i, "旧的通知", "正文")))
            .collect(),
        Some(5),
    )
    .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let searchers: Vec<_> = (0..2)
        .map(|_| {
            let index = index.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let r = index.search(&q("通知")).expect("search during reindex");
                    // Either the old or the new generation, never empty.
                    assert!(r.total == 50 || r.total == 2000, "{}", r.total);
                    n += 1;
                }
                n
            })
        })
        .collect();
    let new_docs: Vec<SearchDoc> = (1..=2000).map(|i| doc(i, "新的通知", "正文")).collect();
    w.reindex(new_docs, Some(99)).unwrap();
    assert_eq!(index.generation(), "gen-000002");
    assert_eq!(index.cursor().unwrap(), Some(99));
    assert_eq!(index.search(&q("通知")).unwrap().total, 2000);
    assert!(ids(&index, &q("旧的")).is_empty());
    stop.store(true, Ordering::SeqCst);
    for s in searchers {
        assert!(s.join().expect("searcher thread") > 0);
    }
    assert!(!dir.path().join("gen-000001").exists());
    // The writer writes into the new generation.
    w.upsert(doc(3000, "另一个通知", "正文")).unwrap();
    assert_eq!(index.search(&q("通知")).unwrap().total, 2001);
}

#[test]
fn a_generation_built_by_another_process_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let w = index.writer().unwrap();
    w.apply(vec![Op::Upsert(doc(1, "旧的通知", "正文"))], Some(10))
        .unwrap();
    assert!(!w.follow_current().unwrap());
    // What `gongkai search reindex` does while the server runs.
    let name = SearchIndex::build_generation(
        dir.path(),
        vec![doc(2, "重建的通知", "正文"), doc(3, "重建的通知", "正文")],
        Some(7),
    )
    .unwrap();
    assert_eq!(name, "gen-000002");
    // Until followed, the server still searches its generation.
    assert_eq!(ids(&index, &q("通知")), vec![1]);
    assert!(w.follow_current().unwrap());
    assert_eq!(index.generation(), "gen-000002");
    assert_eq!(index.cursor().unwrap(), Some(7));
    assert_eq!(index.search(&q("通知")).unwrap().total, 2);
    w.upsert(doc(4, "之后的通知", "正文")).unwrap();
    assert_eq!(index.search(&q("通知")).unwrap().total, 3);
    assert!(!dir.path().join("gen-000001").exists());
}
