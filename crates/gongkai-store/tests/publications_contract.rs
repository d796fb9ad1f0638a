//! Store contract for proactive disclosure (issue 6), on SQLite always and on
//! PostgreSQL whenever GONGKAI_TEST_POSTGRES_URL is set: catalog, 索引号,
//! the review chain with the PII gate, attachments, outbox, public lists,
//! ledger, tenancy, and bad input leaving nothing behind.

use gongkai_domain::access::{admin_of, approver_of, drafter_of, reviewer_of, staff_view_of};
use gongkai_domain::annual::{document_figures, report_format, RegulatoryKind};
use gongkai_domain::catalog::{default_catalog, CatalogEdit, Category};
use gongkai_domain::pii::expected_id_check;
use gongkai_domain::publication::{
    ChannelKind, DocumentType, PublicationDraft, PublicationStatus, Validity,
};
use gongkai_domain::{ConsoleOperator, Principal, Role};
use gongkai_store::{
    AuditVerdict, PublicationQuery, ReviewDecision, Store, StoreError, OUTBOX_REMOVED,
    OUTBOX_UPSERTED,
};
use gongkai_testkit::{every_backend, seed, Seeded};
use time::macros::date;

fn id_number() -> String {
    let first = "37080219900101123";
    format!("{first}{}", expected_id_check(first).unwrap())
}

fn draft(title: &str, number: Option<&str>) -> PublicationDraft {
    PublicationDraft {
        title: title.into(),
        body: "<p>各社区：现将有关事项通知如下。</p>".into(),
        document_type: Some(DocumentType::NormativeDocument),
        category: Some("art20-01".into()),
        document_number: number.map(Into::into),
        written_on: Some(date!(2025 - 06 - 03)),
        keywords: vec!["老旧小区".into()],
        summary: Some("老旧小区改造实施办法".into()),
        ..Default::default()
    }
}

async fn principal(s: &Store, seeded: &Seeded, code: &str, role: Role) -> Principal {
    s.principal(seeded.user_id(code, role))
        .await
        .unwrap()
        .unwrap()
}

async fn entries(store: &Store) -> i64 {
    match store.verify_audit().await.unwrap() {
        AuditVerdict::Intact { entries } => entries,
        AuditVerdict::Broken { entry_id, reason } => panic!("broken at #{entry_id}: {reason}"),
    }
}

fn code_of(e: &StoreError) -> &'static str {
    match e {
        StoreError::Rejected { code, .. } | StoreError::Refused { code, .. } => code,
        StoreError::NotFound { .. } => "not_found",
        _ => "other",
    }
}

#[tokio::test]
async fn publications_review_chain_gate_outbox_and_tenancy() {
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let gulou = seeded.gulou.id;
        let drafter = drafter_of(
            &principal(s, &seeded, "gulou", Role::Drafter).await,
            &tree,
            gulou,
        )
        .unwrap();
        let reviewer = reviewer_of(
            &principal(s, &seeded, "gulou", Role::Reviewer).await,
            &tree,
            gulou,
        )
        .unwrap();
        let approver = approver_of(
            &principal(s, &seeded, "gulou", Role::Approver).await,
            &tree,
            gulou,
        )
        .unwrap();
        let view = drafter.view();
        let calendar = s.calendar().await.unwrap();

        // The default catalog until an admin edits it.
        let catalog = s.catalog(gulou).await.unwrap();
        assert_eq!(catalog.len(), 19, "{label}");
        assert_eq!(catalog[2].name, "法定主动公开内容");

        // Created as a draft with the default 索引号 pattern.
        let p = s
            .create_publication(
                &drafter,
                draft("关于印发实施办法的通知", Some("鼓政发[2025]3号")),
            )
            .await
            .unwrap();
        assert_eq!(p.status, PublicationStatus::Draft);
        assert_eq!(
            p.index_number,
            format!("{}/2025-00001", seeded.gulou.org_code),
            "{label}"
        );
        assert_eq!(p.document_number.as_deref(), Some("鼓政发〔2025〕3号"));
        assert_eq!(
            p.category_path,
            vec!["法定主动公开内容", "行政法规、规章和规范性文件"]
        );
        assert_eq!(p.issuer, seeded.gulou.name);

        // Bad input and a duplicate 文号: nothing stored, no audit entry.
        let before = entries(s).await;
        let rows = s.count_rows("publications").await.unwrap();
        let mut bad = draft("", None);
        bad.written_on = Some(date!(2999 - 01 - 01));
        let e = s.create_publication(&drafter, bad).await.unwrap_err();
        assert_eq!(code_of(&e), "invalid_input");
        assert!(
            e.to_string().contains("字段 title") && e.to_string().contains("字段 written_on"),
            "{e}"
        );
        let mut bad = draft("栏目不存在", None);
        bad.category = Some("nope".into());
        let e = s.create_publication(&drafter, bad).await.unwrap_err();
        assert!(e.to_string().contains("字段 category"), "{e}");
        let e = s
            .create_publication(&drafter, draft("另一个通知", Some("鼓政发〔2025〕3号")))
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "duplicate_document_number", "{label}");
        assert!(e.to_string().contains("文号“鼓政发〔2025〕3号”已被"), "{e}");
        assert_eq!(entries(s).await, before);
        assert_eq!(s.count_rows("publications").await.unwrap(), rows);

        // Out of order: no approval or review of a draft.
        let e = s
            .approve_publication(&approver, &calendar, p.id)
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_transition");
        let e = s
            .review_publication(
                &reviewer,
                p.id,
                ReviewDecision::Pass {
                    override_reason: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_transition");

        // A body with personal data and an attachment.
        let mut with_pii = draft("关于印发实施办法的通知", Some("鼓政发〔2025〕3号"));
        with_pii.body = format!(
            "<p>联系人张三，电话13812345678，身份证号{}。</p><script>alert(1)</script>",
            id_number()
        );
        let p = s
            .update_publication(&drafter, p.id, with_pii)
            .await
            .unwrap();
        assert!(!p.body_html.contains("script"), "{}", p.body_html);
        let att = s
            .add_attachment(&drafter, p.id, "名单.txt", "李四 13900001111\n".as_bytes())
            .await
            .unwrap();
        assert!(att.has_text);
        let e = s
            .add_attachment(&drafter, p.id, "伪装.docx", b"not a zip at all")
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "disguised_attachment", "{e}");
        s.submit_publication(&drafter, p.id).await.unwrap();
        let e = s
            .add_attachment(&drafter, p.id, "晚了.txt", b"x")
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "not_editable");

        let findings = s.publication_findings(&view, p.id).await.unwrap();
        assert_eq!(findings.len(), 3, "{label}: {findings:?}");
        let e = s
            .review_publication(
                &reviewer,
                p.id,
                ReviewDecision::Pass {
                    override_reason: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "unresolved_pii");
        assert!(e.to_string().contains("138****5678"), "{e}");
        assert!(!e.to_string().contains("13812345678"), "{e}");
        // Mask the body: the attachment's finding remains.
        let (masked, remaining) = s.mask_publication_pii(&reviewer, p.id).await.unwrap();
        assert_eq!(remaining, 1);
        assert!(
            masked.body_html.contains("138****5678"),
            "{}",
            masked.body_html
        );
        assert!(!masked.body_text.contains(&id_number()));
        // An approver cannot pass a review; the reviewer overrides with a reason.
        let p = s
            .review_publication(
                &reviewer,
                p.id,
                ReviewDecision::Pass {
                    override_reason: Some("附件为公示名单，经本人同意公开".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(p.status, PublicationStatus::Reviewed);
        assert_eq!(p.overrides.len(), 1);
        assert!(
            p.overrides[0].findings[0].contains("139****1111"),
            "{:?}",
            p.overrides
        );
        assert_eq!(s.count_rows("pii_overrides").await.unwrap(), 1);

        // Nothing in the outbox until published.
        assert!(s.outbox_after(0, 100).await.unwrap().is_empty());
        assert!(s
            .published_publication_for_index(p.id)
            .await
            .unwrap()
            .is_none());
        let (p, late) = s
            .approve_publication(&approver, &calendar, p.id)
            .await
            .unwrap();
        assert_eq!(p.status, PublicationStatus::Published);
        assert!(p.published_on.is_some());
        assert!(late.is_some(), "written 2025-06-03, published much later");
        let out = s.outbox_after(0, 100).await.unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].kind.as_str(), out[0].publication_id),
            (OUTBOX_UPSERTED, p.id)
        );
        let doc = s
            .published_publication_for_index(p.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doc.agency_code, "gulou");
        assert!(doc.body_text.contains("联系人张三"));
        assert!(doc.attachment_text.contains("李四"));
        assert_eq!(doc.index_number, p.index_number);
        assert_eq!(doc.category_path.len(), 2);

        // Public reads: no review trail.
        let public = s.public_publication(p.id).await.unwrap().unwrap();
        assert!(public.reviews.is_empty() && public.overrides.is_empty());
        assert_eq!(public.reviews.len(), 0);
        let (info, bytes) = s.public_attachment(p.id, att.id).await.unwrap().unwrap();
        assert_eq!(info.file_name, "名单.txt");
        assert_eq!(bytes, "李四 13900001111\n".as_bytes());

        // Channels.
        let p = s
            .record_channel(
                &drafter,
                p.id,
                ChannelKind::Wechat,
                crate_today(),
                Some("鼓楼发布"),
            )
            .await
            .unwrap();
        // The approval released it on the 政府网站; the 微信 release is added.
        let channels: Vec<ChannelKind> = p.channels.iter().map(|c| c.channel).collect();
        assert_eq!(channels, vec![ChannelKind::Portal, ChannelKind::Wechat]);
        assert_eq!(s.outbox_after(out[0].id, 100).await.unwrap().len(), 1);

        // A second item, returned then withdrawn after publication.
        let q = s
            .create_publication(&drafter, draft("第二条", None))
            .await
            .unwrap();
        assert!(q.index_number.ends_with("2025-00002"), "{}", q.index_number);
        s.submit_publication(&drafter, q.id).await.unwrap();
        let e = s
            .review_publication(
                &reviewer,
                q.id,
                ReviewDecision::Return { reason: " ".into() },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("字段 reason"), "{e}");
        let q = s
            .review_publication(
                &reviewer,
                q.id,
                ReviewDecision::Return {
                    reason: "请补充附件".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(q.status, PublicationStatus::Draft);
        assert_eq!(q.status_reason.as_deref(), Some("请补充附件"));
        s.submit_publication(&drafter, q.id).await.unwrap();
        s.review_publication(
            &reviewer,
            q.id,
            ReviewDecision::Pass {
                override_reason: None,
            },
        )
        .await
        .unwrap();
        s.approve_publication(&approver, &calendar, q.id)
            .await
            .unwrap();
        let q = s
            .withdraw_publication(&approver, q.id, "内容有误")
            .await
            .unwrap();
        assert_eq!(q.status, PublicationStatus::Withdrawn);
        assert!(s.public_publication(q.id).await.unwrap().is_none());
        assert!(s
            .published_publication_for_index(q.id)
            .await
            .unwrap()
            .is_none());
        let last = s.outbox_after(0, 100).await.unwrap().pop().unwrap();
        assert_eq!(
            (last.kind.as_str(), last.publication_id),
            (OUTBOX_REMOVED, q.id)
        );

        // Repeal: stays public, marked 废止.
        let p = s
            .repeal_publication(&approver, p.id, crate_today(), Some("已被新办法替代"))
            .await
            .unwrap();
        assert_eq!(p.status, PublicationStatus::Repealed);
        assert_eq!(p.validity, Validity::Repealed);
        let doc = s
            .published_publication_for_index(p.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doc.validity, Validity::Repealed);
        let e = s
            .withdraw_publication(&approver, p.id, "x")
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_transition");

        // Lists, ledger and table 二 counts.
        let page = s
            .public_publications(
                gulou,
                &PublicationQuery {
                    category: Some("fdzdgknr".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 1, "{label}");
        let page = s
            .public_publications(
                gulou,
                &PublicationQuery {
                    validity: Some(Validity::Valid),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 0);
        let page = s
            .public_publications(
                gulou,
                &PublicationQuery {
                    category: Some("gknb".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 0);
        let ledger = s.publication_ledger(&view, &calendar, None).await.unwrap();
        assert_eq!(ledger.len(), 2);
        assert!(ledger[0]
            .reviewed_by
            .as_deref()
            .unwrap()
            .contains("gulou-reviewer"));
        assert!(ledger[0].approved_by.is_some());
        // Table 二 (一): the store gives the rows, the domain counts them
        // (made in Y, repealed in Y, in force on 31 December).
        let docs = s.regulatory_documents(&view).await.unwrap();
        assert_eq!(docs.len(), 1, "{label}: withdrawn items do not count");
        let this_year = crate_today().year();
        let made_this_year = i64::from(this_year == 2025);
        assert_eq!(
            document_figures(
                &docs,
                RegulatoryKind::NormativeDocument,
                this_year,
                report_format(this_year)
            ),
            [made_this_year, 1, 0],
            "{label}: repealed this year"
        );
        if this_year > 2025 {
            assert_eq!(
                document_figures(
                    &docs,
                    RegulatoryKind::NormativeDocument,
                    2025,
                    report_format(2025)
                ),
                [1, 0, 1],
                "{label}: made in 2025, in force at its end"
            );
        }
        assert_eq!(
            document_figures(
                &docs,
                RegulatoryKind::Rule,
                this_year,
                report_format(this_year)
            ),
            [0, 0, 0]
        );

        // Tenancy: the sibling's staff do not find gulou's items.
        let stree = s.agency_tree().await.unwrap();
        let other = drafter_of(
            &principal(s, &seeded, "sibling", Role::Drafter).await,
            &stree,
            seeded.sibling.id,
        )
        .unwrap();
        let e = s.submit_publication(&other, q.id).await.unwrap_err();
        assert_eq!(code_of(&e), "not_found");
        let sv = staff_view_of(
            &principal(s, &seeded, "sibling", Role::Reviewer).await,
            &stree,
            seeded.sibling.id,
        )
        .unwrap();
        assert!(s.publication(&sv, p.id).await.is_err());
        assert_eq!(s.publication_agency_id(p.id).await.unwrap(), Some(gulou));

        // Catalog editing: a used category cannot go; renaming is fine.
        let admin = admin_of(
            &principal(s, &seeded, "gulou", Role::Admin).await,
            &stree,
            gulou,
        )
        .unwrap();
        let without: Vec<Category> = default_catalog()
            .into_iter()
            .filter(|c| c.key != "art20-01")
            .collect();
        let e = s.save_catalog(&admin, without).await.unwrap_err();
        assert_eq!(code_of(&e), "category_in_use", "{e}");
        assert!(e.to_string().contains("art20-01"), "{e}");
        assert_eq!(s.catalog(gulou).await.unwrap().len(), 19, "nothing stored");
        let queued_before = s.outbox_last_id().await.unwrap();
        let mut renamed = default_catalog();
        renamed[4].name = "规章和规范性文件".into();
        s.save_catalog(&admin, renamed).await.unwrap();
        let catalog = s.catalog(gulou).await.unwrap();
        assert_eq!(
            catalog.iter().find(|c| c.key == "art20-01").unwrap().name,
            "规章和规范性文件"
        );
        // The repealed (still public) item filed there is re-indexed under its new path.
        let queued = s.outbox_after(queued_before, 10).await.unwrap();
        assert!(
            queued
                .iter()
                .any(|o| o.publication_id == p.id && o.kind == OUTBOX_UPSERTED),
            "{label}: {queued:?}"
        );
        let doc = s
            .published_publication_for_index(p.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doc.category_path[1], "规章和规范性文件");
        // The four sub-columns keep their names.
        let mut bad = default_catalog();
        bad[0].name = "本机关信息公开指南".into();
        let e = s.save_catalog(&admin, bad).await.unwrap_err();
        assert_eq!(code_of(&e), "invalid_input", "{e}");
        // Step by step, as on the page: add, move, rename, remove; each audited.
        let t = s
            .edit_catalog(
                &admin,
                CatalogEdit::Add {
                    parent_key: "art20-07".into(),
                    key: None,
                    name: "部门预算".into(),
                },
            )
            .await
            .unwrap();
        assert!(t.iter().any(|c| c.key == "c001" && c.name == "部门预算"));
        let e = s
            .edit_catalog(
                &admin,
                CatalogEdit::Remove {
                    key: "art20-07".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("下级栏目"), "{e}");
        let e = s
            .edit_catalog(
                &admin,
                CatalogEdit::Remove {
                    key: "art20-01".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "category_in_use", "{e}");
        s.edit_catalog(&admin, CatalogEdit::Remove { key: "c001".into() })
            .await
            .unwrap();
        let audit = s.audit_entries(&admin.view(), 5).await.unwrap();
        assert_eq!(audit[0].action, "catalog.remove", "{label}");
        assert_eq!(audit[0].object_id, "c001");
        assert!(audit[0].summary.contains("c001"), "{}", audit[0].summary);
        assert_eq!(audit[1].action, "catalog.add");
        assert_eq!(audit[2].action, "catalog.save");
        assert!(
            audit[2].summary.contains("规章和规范性文件"),
            "{}",
            audit[2].summary
        );
        s.set_index_pattern(&admin, "{机关代码}-{YYYY}-{NNN}")
            .await
            .unwrap();
        let r = s
            .create_publication(&drafter, draft("第三条", None))
            .await
            .unwrap();
        assert_eq!(r.index_number, "gulou-2025-003");
        let e = s.set_index_pattern(&admin, "{YYYY}").await.unwrap_err();
        assert!(e.to_string().contains("index_pattern"), "{e}");
        let e = s
            .set_index_pattern(&admin, "{机构代码}-{YYYY}-{序号}-{NNN}")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("{序号}"), "{e}");
        assert_eq!(
            s.index_pattern(gulou).await.unwrap().as_str(),
            "{机关代码}-{YYYY}-{NNN}",
            "nothing stored"
        );
        let preview = s
            .index_number_preview(&admin.view(), &s.index_pattern(gulou).await.unwrap(), 2025)
            .await
            .unwrap();
        assert_eq!(preview, "gulou-2025-004");

        // The console re-scan lists the published item with the attachment finding.
        let scanned = s
            .scan_published(&ConsoleOperator::local(), None)
            .await
            .unwrap();
        assert_eq!(scanned.len(), 1, "{label}");
        assert_eq!(scanned[0].findings[0].finding.preview, "139****1111");
        assert!(s
            .scan_published(&ConsoleOperator::local(), Some(seeded.sibling.id))
            .await
            .unwrap()
            .is_empty());

        assert!(entries(s).await > before);
    }
}

fn crate_today() -> time::Date {
    gongkai_store::now().date()
}

/// `gongkai db copy` carries publications, attachment bytes (BLOB → BYTEA)
/// and the outbox across.
#[tokio::test]
async fn publications_survive_the_copy_to_postgres() {
    let Some(pg) = gongkai_testkit::postgres().await else {
        return;
    };
    let src = gongkai_testkit::sqlite().await;
    let s = &src.store;
    let seeded = seed(s).await;
    let tree = s.agency_tree().await.unwrap();
    let gulou = seeded.gulou.id;
    let drafter = drafter_of(
        &principal(s, &seeded, "gulou", Role::Drafter).await,
        &tree,
        gulou,
    )
    .unwrap();
    let reviewer = reviewer_of(
        &principal(s, &seeded, "gulou", Role::Reviewer).await,
        &tree,
        gulou,
    )
    .unwrap();
    let approver = approver_of(
        &principal(s, &seeded, "gulou", Role::Approver).await,
        &tree,
        gulou,
    )
    .unwrap();
    let calendar = s.calendar().await.unwrap();
    let p = s
        .create_publication(&drafter, draft("复制测试", Some("鼓政发〔2025〕9号")))
        .await
        .unwrap();
    let bytes = gongkai_testkit::pdf::pdf_with_lines(&["copy test"]);
    let att = s
        .add_attachment(&drafter, p.id, "a.pdf", &bytes)
        .await
        .unwrap();
    assert!(att.has_text);
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
    s.approve_publication(&approver, &calendar, p.id)
        .await
        .unwrap();
    s.copy_to(&pg.store).await.unwrap();
    let (_, copied) = pg
        .store
        .public_attachment(p.id, att.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copied, bytes);
    assert_eq!(pg.store.outbox_after(0, 10).await.unwrap().len(), 1);
    let doc = pg
        .store
        .published_publication_for_index(p.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.document_number.as_deref(), Some("鼓政发〔2025〕9号"));
}

/// A PDF's text layer goes through the PII gate, search and `gongkai scan`
/// (also for PDFs stored before the platform read them); a scan without a
/// text layer is taken with a note for the reviewer; a damaged one is refused.
#[tokio::test]
async fn pdf_attachments_feed_the_pii_gate() {
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let gulou = seeded.gulou.id;
        let drafter = drafter_of(
            &principal(s, &seeded, "gulou", Role::Drafter).await,
            &tree,
            gulou,
        )
        .unwrap();
        let reviewer = reviewer_of(
            &principal(s, &seeded, "gulou", Role::Reviewer).await,
            &tree,
            gulou,
        )
        .unwrap();
        let approver = approver_of(
            &principal(s, &seeded, "gulou", Role::Approver).await,
            &tree,
            gulou,
        )
        .unwrap();
        let p = s
            .create_publication(&drafter, draft("名单公示", None))
            .await
            .unwrap();
        let pdf =
            gongkai_testkit::pdf::pdf_with_lines(&["Zhang San", &format!("ID {}", id_number())]);
        let att = s
            .add_attachment(&drafter, p.id, "名单.pdf", &pdf)
            .await
            .unwrap();
        assert!(att.has_text, "{label}");
        assert_eq!(att.text_note, None);
        let scan = s
            .add_attachment(
                &drafter,
                p.id,
                "扫描件.pdf",
                &gongkai_testkit::pdf::pdf_with_lines(&[]),
            )
            .await
            .unwrap();
        assert!(!scan.has_text);
        assert!(
            scan.text_note.as_deref().unwrap_or("").contains("无文字层"),
            "{scan:?}"
        );
        let e = s
            .add_attachment(&drafter, p.id, "坏.pdf", b"%PDF-1.7\n1 0 obj <<")
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_attachment", "{e}");
        assert!(e.to_string().contains("PDF"), "{e}");

        let findings = s.publication_findings(&drafter.view(), p.id).await.unwrap();
        assert_eq!(findings.len(), 1, "{label}: {findings:?}");
        let f = findings[0].describe();
        assert!(f.starts_with("附件“名单.pdf”"), "{f}");
        assert!(f.contains("3708**********"), "{f}");
        // The staff view carries the note.
        let staff = s.publication(&drafter.view(), p.id).await.unwrap();
        assert!(staff.attachments.iter().any(|a| a.text_note.is_some()));

        s.submit_publication(&drafter, p.id).await.unwrap();
        let e = s
            .review_publication(
                &reviewer,
                p.id,
                ReviewDecision::Pass {
                    override_reason: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "unresolved_pii", "{e}");
        s.review_publication(
            &reviewer,
            p.id,
            ReviewDecision::Pass {
                override_reason: Some("公示名单依法须公开，已征得本人同意".into()),
            },
        )
        .await
        .unwrap();
        let calendar = s.calendar().await.unwrap();
        s.approve_publication(&approver, &calendar, p.id)
            .await
            .unwrap();
        let doc = s
            .published_publication_for_index(p.id)
            .await
            .unwrap()
            .unwrap();
        assert!(doc.attachment_text.contains("Zhang San"), "{label}");

        // A PDF stored before PDFs were read (no text): the console re-scan
        // reads its text layer now.
        s.execute_raw_for_tests("UPDATE publication_attachments SET text_content = NULL")
            .await
            .unwrap();
        let scanned = s
            .scan_published(&ConsoleOperator::local(), None)
            .await
            .unwrap();
        assert_eq!(scanned.len(), 1, "{label}");
        assert!(scanned[0].findings[0]
            .describe()
            .starts_with("附件“名单.pdf”"));
    }
}

/// Concurrent drafts of one agency and year each get their own 索引号
/// (regression: on PostgreSQL two transactions read the same counter and the
/// second insert failed on the unique index with a 500; found by the SIGKILL
/// durability test).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_drafts_get_distinct_index_numbers() {
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let gulou = seeded.gulou.id;
        let drafter = drafter_of(
            &principal(s, &seeded, "gulou", Role::Drafter).await,
            &tree,
            gulou,
        )
        .unwrap();
        let before = entries(s).await;
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let (s, drafter) = (s.clone(), drafter.clone());
                tokio::spawn(async move {
                    s.create_publication(&drafter, draft(&format!("并发草稿{i}"), None))
                        .await
                })
            })
            .collect();
        let mut numbers = std::collections::BTreeSet::new();
        for t in tasks {
            let p = t
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("{label}: concurrent draft refused: {e}"));
            assert!(
                numbers.insert(p.index_number.clone()),
                "{label}: {}",
                p.index_number
            );
        }
        assert_eq!(numbers.len(), 8, "{label}");
        assert_eq!(
            entries(s).await,
            before + 8,
            "{label}: one audit entry each"
        );
    }
}
