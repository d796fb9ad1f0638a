//! `gongkai search reindex` while a server holds the index: the CLI writes a
//! new generation, the server's writer follows it and resumes from its
//! cursor; on SQLite and PostgreSQL.

mod common;

use common::{run, stderr, stdout};
use gongkai_domain::access::{approver_of, drafter_of, reviewer_of};
use gongkai_domain::publication::{DocumentType, PublicationDraft};
use gongkai_domain::Role;
use gongkai_search::{SearchIndex, SearchQuery};
use gongkai_store::ReviewDecision;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_builds_a_generation_that_a_running_writer_follows() {
    for (label, db) in common::backends().await {
        let url = db.database_url.clone();
        let s = &db.store;
        let seeded = gongkai_testkit::seed(s).await;
        // What `gongkai serve` holds: the index under the data dir and its writer.
        let index = SearchIndex::open(db.dir.path().join("search")).unwrap();
        let writer = index.writer().unwrap();

        let tree = s.agency_tree().await.unwrap();
        let gulou = seeded.gulou.id;
        let seeded = &seeded;
        let who = |role| async move {
            s.principal(seeded.user_id("gulou", role))
                .await
                .unwrap()
                .unwrap()
        };
        let drafter = drafter_of(&who(Role::Drafter).await, &tree, gulou).unwrap();
        let reviewer = reviewer_of(&who(Role::Reviewer).await, &tree, gulou).unwrap();
        let approver = approver_of(&who(Role::Approver).await, &tree, gulou).unwrap();
        let p = s
            .create_publication(
                &drafter,
                PublicationDraft {
                    title: "关于乡村振兴项目的公示".into(),
                    body: "<p>经核查，以下项目符合条件。</p>".into(),
                    document_type: Some(DocumentType::Other),
                    written_on: Some(gongkai_store::now().date()),
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
        let calendar = s.calendar().await.unwrap();
        s.approve_publication(&approver, &calendar, p.id)
            .await
            .unwrap();

        let out = run(
            &["search", "reindex", "--json"],
            db.dir.path(),
            url.as_deref(),
        );
        assert!(out.status.success(), "{label}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["items"], 1, "{label}: {v}");
        assert_eq!(v["generation"], "gen-000002");
        let cursor = v["cursor"].as_i64().unwrap();
        assert!(cursor >= 1);

        // The server still searches its own generation until it follows.
        assert_eq!(index.search(&SearchQuery::text("核查")).unwrap().total, 0);
        assert!(writer.follow_current().unwrap());
        assert_eq!(index.generation(), "gen-000002");
        assert_eq!(index.cursor().unwrap(), Some(cursor));
        let r = index.search(&SearchQuery::text("核查")).unwrap();
        assert_eq!(r.total, 1, "{label}");
        assert_eq!(r.hits[0].id, p.id);
        assert_eq!(r.hits[0].agency_code, "gulou");

        let human = run(&["search", "reindex"], db.dir.path(), url.as_deref());
        assert!(human.status.success(), "{label}: {}", stderr(&human));
        assert!(stdout(&human).contains("搜索索引已重建：共 1 条公开信息"));
    }
}
