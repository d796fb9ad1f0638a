//! `gongkai demo --scale province`, scaled down (50 agencies, 2,000 items,
//! 1,000 applications), on SQLite and PostgreSQL: the tree, the items and
//! the applications are stored through the bulk Store methods with one
//! audit entry per batch (the chain stays intact), the items are searchable,
//! the annual report computes from the generated applications, and a second
//! run into the same data is refused.

mod common;

use common::{run, stderr, stdout};
use gongkai_domain::{AgencyKind, ConsoleOperator};
use gongkai_search::{SearchIndex, SearchQuery};
use gongkai_store::{AuditVerdict, PublicationQuery};
use std::collections::HashSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaled_down_province_on_every_backend() {
    for (label, db) in common::backends().await {
        let url = db.database_url.clone();
        let args = [
            "demo",
            "--scale",
            "province",
            "--agencies",
            "50",
            "--publications",
            "2000",
            "--applications",
            "1000",
            "--batch",
            "300",
            "--json",
        ];
        let out = run(&args, db.dir.path(), url.as_deref());
        assert!(out.status.success(), "{label}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(v["agencies"], 50, "{label}: {v}");
        assert_eq!(v["publications"]["rows"], 2000, "{label}: {v}");
        assert_eq!(v["applications"]["rows"], 1000, "{label}: {v}");
        assert_eq!(v["index"]["items"], 2000, "{label}: {v}");
        assert!(v["publications"]["rows_per_second"].as_f64().unwrap() > 0.0);

        let s = &db.store;
        // The tree: one province, cities, districts and leaves below them.
        let agencies = s.agencies().await.unwrap();
        assert_eq!(agencies.len(), 50, "{label}");
        let root = s.agency_by_code("demo-province").await.unwrap().unwrap();
        assert_eq!(root.kind, AgencyKind::Province);
        assert!(root.name.ends_with("省人民政府"), "{}", root.name);
        let kinds: HashSet<AgencyKind> = agencies.iter().map(|a| a.kind).collect();
        for k in [
            AgencyKind::City,
            AgencyKind::District,
            AgencyKind::Department,
        ] {
            assert!(kinds.contains(&k), "{label}: no {k:?} in {kinds:?}");
        }
        let names: HashSet<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names.len(), 50, "{label}: agency names repeat");

        // The province's public list, newest first, paged by the database.
        let page = s
            .public_publications(root.id, &PublicationQuery::default())
            .await
            .unwrap();
        assert!(page.total > 100, "{label}: {}", page.total);
        assert_eq!(page.items.len(), 20);
        assert!(page
            .items
            .windows(2)
            .all(|w| w[0].published_on >= w[1].published_on));
        let titles: HashSet<&str> = page.items.iter().map(|i| i.title.as_str()).collect();
        assert!(titles.len() >= 18, "{label}: titles repeat: {titles:?}");
        let item = s
            .public_publication(page.items[0].id)
            .await
            .unwrap()
            .unwrap();
        assert!(item.body_text.chars().count() > 100, "{label}");
        assert!(
            item.index_number.contains("DEMO00"),
            "{}",
            item.index_number
        );

        // One audit entry per batch, and the chain is intact.
        let verdict = s.verify_audit().await.unwrap();
        let AuditVerdict::Intact { entries } = verdict else {
            panic!("{label}: {verdict:?}");
        };
        // agencies: 4 levels; items: 2000/300 → 7; applications: 1000/300 → 4.
        assert!(
            (10..=20).contains(&entries),
            "{label}: {entries} audit entries"
        );

        // The annual report of the last full year, from the generated applications.
        let year = gongkai_store::now().date().year() - 1;
        let view = ConsoleOperator::local().records_editor_of(root.id).view();
        let records = s.application_records(&view, year).await.unwrap();
        assert!(records.len() > 100, "{label}: {}", records.len());
        let outcomes: HashSet<String> = records
            .iter()
            .filter_map(|r| r.outcome.map(|o| o.category_zh().to_string()))
            .collect();
        assert!(outcomes.len() >= 4, "{label}: outcomes {outcomes:?}");
        let report = s.compute_year_report(&view, year).await.unwrap();
        assert!(report.findings.iter().all(|f| f.rule != "R1"), "{label}");
        // The bulk writer stores the same per-application summaries as the API.
        gongkai_testkit::assert_figures_agree(s, &view, year - 4..=year + 1, label).await;

        // Indexed for search: a common word in many items, a topic in fewer.
        let index = SearchIndex::open(db.dir.path().join("search")).unwrap();
        assert_eq!(index.len(), 2000, "{label}");
        let common_hits = index.search(&SearchQuery::text("通知")).unwrap().total;
        let topic_hits = index.search(&SearchQuery::text("湿地保护")).unwrap().total;
        assert!(common_hits > 200, "{label}: 通知 {common_hits}");
        assert!(
            topic_hits < common_hits,
            "{label}: {topic_hits} vs {common_hits}"
        );

        // A second run into the same data is refused, nothing added.
        let again = run(&args, db.dir.path(), url.as_deref());
        assert!(!again.status.success(), "{label}");
        assert!(
            stderr(&again).contains("已有生成的演示省份"),
            "{label}: {}",
            stderr(&again)
        );
        assert_eq!(s.agencies().await.unwrap().len(), 50);
    }
}
