//! `gongkai scan` over a store with one published item carrying personal
//! data (let through by an audited override), on SQLite and PostgreSQL.

mod common;

use common::{run, stderr, stdout};
use gongkai_domain::access::{approver_of, drafter_of, reviewer_of};
use gongkai_domain::publication::{DocumentType, PublicationDraft};
use gongkai_domain::Role;
use gongkai_store::ReviewDecision;

#[tokio::test]
async fn scan_lists_masked_findings_of_published_items() {
    for (label, db) in common::backends().await {
        let url = db.database_url.clone();
        let s = &db.store;
        let seeded = gongkai_testkit::seed(s).await;
        let clean = run(&["scan"], db.dir.path(), url.as_deref());
        assert!(clean.status.success(), "{label}: {}", stderr(&clean));
        assert!(stdout(&clean).contains("未发现个人信息"));

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
                    title: "低保对象公示".into(),
                    body: "<p>公示名单见附件。</p>".into(),
                    document_type: Some(DocumentType::Other),
                    written_on: Some(gongkai_store::now().date()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        s.add_attachment(&drafter, p.id, "名单.txt", "王五 13712345678\n".as_bytes())
            .await
            .unwrap();
        s.submit_publication(&drafter, p.id).await.unwrap();
        s.review_publication(
            &reviewer,
            p.id,
            ReviewDecision::Pass {
                override_reason: Some("公示需要".into()),
            },
        )
        .await
        .unwrap();
        let calendar = s.calendar().await.unwrap();
        s.approve_publication(&approver, &calendar, p.id)
            .await
            .unwrap();

        let found = run(&["scan"], db.dir.path(), url.as_deref());
        assert_eq!(found.status.code(), Some(1), "{label}: {}", stderr(&found));
        let text = stdout(&found);
        assert!(text.contains("低保对象公示"), "{text}");
        assert!(
            text.contains("附件“名单.txt”") && text.contains("137****5678"),
            "{text}"
        );
        assert!(!text.contains("13712345678"), "{text}");
        let json = run(
            &["scan", "--agency", "gulou", "--json"],
            db.dir.path(),
            url.as_deref(),
        );
        let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
        assert_eq!(v[0]["findings"][0]["preview"], "137****5678");
        let other = run(
            &["scan", "--agency", "sibling"],
            db.dir.path(),
            url.as_deref(),
        );
        assert!(other.status.success(), "{label}: {}", stderr(&other));
        let missing = run(&["scan", "--agency", "nope"], db.dir.path(), url.as_deref());
        assert!(!missing.status.success());
        assert!(stderr(&missing).contains("找不到代码为“nope”的机关"));
    }
}
