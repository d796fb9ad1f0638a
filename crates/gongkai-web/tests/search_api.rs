//! Full-text search end to end in process, on every backend: an item
//! published through the store is found by `GET /api/v1/search` and the
//! `/search` page by the outbox feed alone (no manual nudge), and is gone
//! after withdrawal; bad parameters get Chinese errors. The latency (well
//! under a second: a 200 ms poll plus one commit) is measured by the search
//! benchmark, not asserted here, so that a loaded CI machine cannot fail it.

use std::time::{Duration, Instant};

use gongkai_domain::access::{approver_of, drafter_of, reviewer_of};
use gongkai_domain::publication::{DocumentType, PublicationDraft};
use gongkai_domain::Role;
use gongkai_store::ReviewDecision;
use gongkai_testkit::{every_backend, TestApp};
use time::macros::date;

/// Polls the API until `total` is `want`; fails after ten seconds.
async fn wait_for_total(app: &TestApp, path: &str, want: u64) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let r = app.get(path, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let j = r.json();
        if j["total"].as_u64() == Some(want) {
            return j;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{path}: total {} after {:?}, want {want}",
            j["total"],
            start.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_items_are_found_by_the_feed_and_withdrawn_ones_are_gone() {
    for db in every_backend().await {
        let label = db.label;
        let app = TestApp::with_search(db).await;
        let s = &app.store;
        let gulou = app.seeded.gulou.id;
        let tree = s.agency_tree().await.unwrap();
        let principal = |role| {
            let id = app.seeded.user_id("gulou", role);
            async move { s.principal(id).await.unwrap().unwrap() }
        };
        let drafter = drafter_of(&principal(Role::Drafter).await, &tree, gulou).unwrap();
        let reviewer = reviewer_of(&principal(Role::Reviewer).await, &tree, gulou).unwrap();
        let approver = approver_of(&principal(Role::Approver).await, &tree, gulou).unwrap();
        let calendar = s.calendar().await.unwrap();

        // Nothing yet: the empty index answers with zero hits.
        let j = wait_for_total(&app, "/api/v1/search?q=核查", 0).await;
        assert_eq!(j["hits"], serde_json::json!([]));

        let p = s
            .create_publication(
                &drafter,
                PublicationDraft {
                    title: "关于开展安全生产大检查的通知".into(),
                    body: "<p>各社区：请于月底前完成自查，区里将组织核查。</p>".into(),
                    document_type: Some(DocumentType::Other),
                    category: Some("art20-01".into()),
                    document_number: Some("鼓政办发〔2025〕7号".into()),
                    written_on: Some(date!(2025 - 06 - 03)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        s.submit_publication(&drafter, p.id).await.unwrap();
        s.review_publication(
            &reviewer,
            p.id,
            ReviewDecision::Pass {
                override_reason: None,
            },
        )
        .await
        .unwrap();
        // Reviewed is not public yet.
        tokio::time::sleep(Duration::from_millis(300)).await;
        wait_for_total(&app, "/api/v1/search?q=核查", 0).await;
        let (p, _) = s
            .approve_publication(&approver, &calendar, p.id)
            .await
            .unwrap();

        // Found by a two-character word of its body within a second.
        let j = wait_for_total(&app, "/api/v1/search?q=核查", 1).await;
        let hit = &j["hits"][0];
        assert_eq!(hit["id"], p.id, "{label}");
        assert_eq!(hit["title"], "关于开展安全生产大检查的通知");
        assert_eq!(hit["agency"], app.seeded.gulou.name.as_str());
        assert_eq!(hit["index_number"], p.index_number.as_str());
        assert_eq!(hit["document_number"], "鼓政办发〔2025〕7号");
        assert_eq!(
            hit["published_on"],
            p.published_on
                .map(|d| d.to_string())
                .unwrap_or_default()
                .as_str()
        );
        assert_eq!(hit["url"], format!("/gulou/xxgk/{}", p.id).as_str());
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(snippet.contains("<mark>核查</mark>"), "{snippet}");
        assert!(!snippet.contains("<p>"), "{snippet}");
        assert_eq!(j["facets"]["agency"][0]["value"], "gulou");
        assert_eq!(j["facets"]["agency"][0]["count"], 1);
        assert_eq!(j["facets"]["validity"][0]["label"], "有效");
        assert_eq!(j["facets"]["category"][0]["label"], "法定主动公开内容");

        // 文号 and 索引号 find it first, typed loosely; filters apply.
        for q in ["鼓政办发[2025]7号", p.index_number.as_str()] {
            let path = format!(
                "/api/v1/search?q={}",
                url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            );
            let j = app.get(&path, None).await.json();
            assert_eq!(j["hits"][0]["id"], p.id, "{label} {q}: {j}");
        }
        let j = app
            .get("/api/v1/search?q=核查&agency=other", None)
            .await
            .json();
        assert_eq!(j["total"], 0);
        let today = p.published_on.unwrap();
        let j = app
            .get(
                &format!("/api/v1/search?q=核查&from={today}&to={today}"),
                None,
            )
            .await
            .json();
        assert_eq!(j["total"], 1);
        let j = app
            .get("/api/v1/search?from=2000-01-01&to=2000-12-31", None)
            .await
            .json();
        assert_eq!(j["total"], 0);

        // The HTML page: escaped, highlighted, with facets; no JS needed.
        let page = app.get("/search?q=%E6%A0%B8%E6%9F%A5", None).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<mark>核查</mark>"), "{}", page.body);
        assert!(page.body.contains("共找到 1 条结果"), "{}", page.body);
        assert!(page
            .body
            .contains(&format!("href=\"/gulou/xxgk/{}\"", p.id)));
        assert!(page.body.contains("<label for=\"q\">关键词</label>"));
        assert!(page.body.contains("发布机关"));
        // A small platform lists every agency in the filter.
        let sibling = &app.seeded.sibling;
        let option = |code: &str| format!("<option value=\"{code}\"");
        assert!(page.body.contains(&option(&sibling.code)), "{label}");

        // A province's thousands are not listed: the results' agencies and
        // the selected one only.
        let op = gongkai_domain::ConsoleOperator::local();
        let many: Vec<gongkai_store::BulkAgency> = (0..301)
            .map(|i| gongkai_store::BulkAgency {
                parent_id: Some(app.seeded.province.id),
                draft: gongkai_domain::AgencyDraft {
                    code: format!("extra-{i}"),
                    kind: gongkai_domain::AgencyKind::Department,
                    name: format!("测试局{i}"),
                    short_name: String::new(),
                    org_code: String::new(),
                    office: Default::default(),
                },
            })
            .collect();
        s.bulk_add_agencies(&op, many).await.unwrap();
        let page = app.get("/search?q=%E6%A0%B8%E6%9F%A5", None).await;
        assert!(page.body.contains(&option("gulou")), "{label}");
        assert!(!page.body.contains(&option(&sibling.code)), "{label}");
        assert!(!page.body.contains(&option("extra-7")), "{label}");
        let page = app
            .get(
                &format!("/search?q=%E6%A0%B8%E6%9F%A5&agency={}", sibling.code),
                None,
            )
            .await;
        assert!(
            page.body
                .contains(&format!("{} selected>", option(&sibling.code))),
            "{label}: {}",
            page.body
        );

        // Withdrawn: gone within a second.
        s.withdraw_publication(&approver, p.id, "发布有误")
            .await
            .unwrap();
        wait_for_total(&app, "/api/v1/search?q=核查", 0).await;
        let page = app.get("/search?q=%E6%A0%B8%E6%9F%A5", None).await;
        assert!(page.body.contains("共找到 0 条结果"));
    }
}

#[tokio::test]
async fn bad_search_parameters_get_chinese_errors_naming_the_field() {
    for db in every_backend().await {
        let app = TestApp::with_search(db).await;
        for (path, code, field) in [
            (
                "/api/v1/search?from=2025-13-01",
                "invalid_date",
                "发布日期（起）",
            ),
            (
                "/api/v1/search?to=yesterday",
                "invalid_date",
                "发布日期（止）",
            ),
            (
                "/api/v1/search?from=2025-03-02&to=2025-03-01",
                "invalid_date_range",
                "发布日期（起）",
            ),
            ("/api/v1/search?page=abc", "invalid_number", "页码"),
            ("/api/v1/search?page=0", "invalid_number", "页码"),
            ("/api/v1/search?per_page=1000", "invalid_number", "每页条数"),
            (
                "/api/v1/search?validity=maybe",
                "invalid_validity",
                "有效性",
            ),
        ] {
            let r = app.get(path, None).await;
            assert_eq!(r.status, 400, "{path}: {}", r.body);
            let j = r.json();
            assert_eq!(j["error"]["code"], code, "{path}");
            assert!(
                j["error"]["message"].as_str().unwrap().contains(field),
                "{path}: {j}"
            );
        }
        // Query syntax is never an error.
        for q in ["%22", "(", "title%3A", "AND", "%5B1%20TO%202%5D", "*"] {
            let r = app.get(&format!("/api/v1/search?q={q}"), None).await;
            assert_eq!(r.status, 200, "{q}: {}", r.body);
        }
        let r = app.get("/search?from=2025-02-30", None).await;
        assert_eq!(r.status, 400);
        assert!(
            r.body.contains("发布日期（起）“2025-02-30”不是有效日期"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("value=\"2025-02-30\""),
            "the form keeps the input"
        );
    }
}

#[tokio::test]
async fn without_search_enabled_the_api_says_so() {
    let db = gongkai_testkit::sqlite().await;
    let app = TestApp::new(db).await;
    let r = app.get("/api/v1/search?q=x", None).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["error"]["code"], "search_unavailable");
}
