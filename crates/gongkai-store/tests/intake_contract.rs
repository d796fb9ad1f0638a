//! Store contract for online intake, on SQLite always and on PostgreSQL
//! whenever GONGKAI_TEST_POSTGRES_URL is set: submit → pending → confirm
//! (application received on the confirmation date, same tracking code,
//! attachments moved) or reject; tracking; tenancy; nothing stored on bad input.

use gongkai_domain::access::handler_of;
use gongkai_domain::applicant::id_check_char;
use gongkai_domain::clock::{Channel, Status};
use gongkai_domain::intake::SubmissionDraft;
use gongkai_domain::{Principal, Role};
use gongkai_store::{
    AuditVerdict, NewAttachment, NewSubmission, Store, StoreError, TrackedSubmission,
};
use gongkai_testkit::{every_backend, seed, Seeded};

fn id_number() -> String {
    let first = "11010519491231002";
    format!("{first}{}", id_check_char(first.as_bytes()).unwrap())
}

fn draft() -> SubmissionDraft {
    SubmissionDraft {
        kind: "natural_person".into(),
        name: "张三".into(),
        id_type: "resident_id".into(),
        id_number: id_number(),
        phone: "13812345678".into(),
        email: "zs@example.com".into(),
        request: "2024年本街道老旧小区改造资金使用情况".into(),
        preferred_form: "electronic".into(),
        delivery: "email".into(),
        ..Default::default()
    }
}

fn pdf() -> NewAttachment {
    NewAttachment {
        file_name: "身份证明.pdf".into(),
        bytes: b"%PDF-1.4\n% test\n".to_vec(),
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
        StoreError::Rejected { code, .. } => code,
        StoreError::NotFound { .. } => "not_found",
        _ => "other",
    }
}

#[tokio::test]
async fn submit_confirm_reject_track_and_tenancy() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let calendar = s.calendar().await.unwrap();
        let tree = s.agency_tree().await.unwrap();
        let handler = handler_of(
            &principal(s, &seeded, "gulou", Role::Handler).await,
            &tree,
            seeded.gulou.id,
        )
        .unwrap();
        let other = handler_of(
            &principal(s, &seeded, "sibling", Role::Handler).await,
            &tree,
            seeded.sibling.id,
        )
        .unwrap();

        // Bad input: every field named, nothing stored, no audit entry.
        let before = entries(s).await;
        let mut bad = draft();
        bad.id_number = format!(
            "{}{}",
            &id_number()[..17],
            if id_number().ends_with('0') { '1' } else { '0' }
        );
        bad.phone = String::new();
        let err = s
            .submit_online_application(
                "gulou",
                NewSubmission {
                    draft: bad,
                    attachments: vec![NewAttachment {
                        file_name: "伪装.docx".into(),
                        bytes: b"not a zip".to_vec(),
                    }],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&err), "invalid_input", "{}", db.label);
        let msg = err.to_string();
        for field in ["id_number", "phone", "attachments"] {
            assert!(msg.contains(&format!("字段 {field}")), "{msg}");
        }
        assert!(msg.contains("校验位"), "{msg}");
        assert_eq!(s.count_rows("online_submissions").await.unwrap(), 0);
        assert_eq!(s.count_rows("application_attachments").await.unwrap(), 0);
        assert_eq!(entries(s).await, before);
        let unknown = s
            .submit_online_application(
                "nowhere",
                NewSubmission {
                    draft: draft(),
                    attachments: vec![],
                },
            )
            .await
            .unwrap_err();
        assert!(unknown.to_string().contains("agency"), "{unknown}");

        // Submitted: pending, visible to the agency's handler only, masked.
        let receipt = s
            .submit_online_application(
                "gulou",
                NewSubmission {
                    draft: draft(),
                    attachments: vec![pdf()],
                },
            )
            .await
            .unwrap();
        assert_eq!(receipt.tracking_code.len(), 12);
        assert_eq!(entries(s).await, before + 1);
        let pending = s.pending_submissions(&handler).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].applicant.name, "张*");
        assert_eq!(pending[0].applicant.phone.as_deref(), Some("138****5678"));
        assert_eq!(pending[0].attachments.len(), 1);
        assert_eq!(pending[0].attachments[0].content_type, "application/pdf");
        assert!(s.pending_submissions(&other).await.unwrap().is_empty());

        // Tracking: right digits find it, wrong ones look like an unknown code.
        match s
            .track(&calendar, &receipt.tracking_code.to_lowercase(), "5678")
            .await
            .unwrap()
        {
            Some(TrackedSubmission::Pending { agency_id, .. }) => {
                assert_eq!(agency_id, seeded.gulou.id)
            }
            other => panic!("{other:?}"),
        }
        assert!(s
            .track(&calendar, &receipt.tracking_code, "1234")
            .await
            .unwrap()
            .is_none());
        assert!(s
            .track(&calendar, "ABCDEFGHJKLM", "5678")
            .await
            .unwrap()
            .is_none());

        // Another agency's handler can neither confirm nor reject it.
        let today = gongkai_store::now().date();
        let e = s
            .confirm_submission(&other, &calendar, receipt.id, today)
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "not_found");
        let e = s
            .reject_submission(&other, receipt.id, "不属于本机关")
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "not_found");
        // A confirmation date in the future is refused.
        let e = s
            .confirm_submission(&handler, &calendar, receipt.id, today.next_day().unwrap())
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_input");
        assert_eq!(s.count_rows("applications").await.unwrap(), 0);

        // Confirmed today: received online today, due 20 working days on.
        let app = s
            .confirm_submission(&handler, &calendar, receipt.id, today)
            .await
            .unwrap();
        assert_eq!(app.tracking_code, receipt.tracking_code);
        assert_eq!(app.channel, Channel::Online);
        assert_eq!(app.received_on, today);
        assert_eq!(
            app.due_on,
            Some(calendar.add_working_days(today, 20).unwrap()),
            "{}",
            db.label
        );
        assert_eq!(app.status, Status::OnTime);
        assert_eq!(
            app.applicant.id_number.as_deref(),
            Some(id_number().as_str())
        );
        let files = s
            .application_attachments(&handler.reader(), app.id)
            .await
            .unwrap();
        assert_eq!(files.len(), 1);
        let file = s.attachment(&handler.reader(), files[0].id).await.unwrap();
        assert_eq!(file.bytes, pdf().bytes);
        assert!(s.attachment(&other.reader(), files[0].id).await.is_err());
        assert!(s.pending_submissions(&handler).await.unwrap().is_empty());
        let e = s
            .confirm_submission(&handler, &calendar, receipt.id, today)
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "submission_decided");
        match s
            .track(&calendar, &receipt.tracking_code, "5678")
            .await
            .unwrap()
        {
            Some(TrackedSubmission::Application(t)) => {
                assert_eq!(t.due_on, app.due_on);
                assert_eq!(t.events.len(), 1);
            }
            other => panic!("{other:?}"),
        }

        // Rejected with a reason, shown on tracking.
        let second = s
            .submit_online_application(
                "gulou",
                NewSubmission {
                    draft: draft(),
                    attachments: vec![],
                },
            )
            .await
            .unwrap();
        assert_ne!(second.tracking_code, receipt.tracking_code);
        let e = s
            .reject_submission(&handler, second.id, "  ")
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_input");
        s.reject_submission(&handler, second.id, "重复提交")
            .await
            .unwrap();
        match s
            .track(&calendar, &second.tracking_code, "5678")
            .await
            .unwrap()
        {
            Some(TrackedSubmission::Rejected { reason, .. }) => assert_eq!(reason, "重复提交"),
            other => panic!("{other:?}"),
        }
        let e = s
            .confirm_submission(&handler, &calendar, second.id, today)
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "submission_decided");
        assert_eq!(s.count_rows("applications").await.unwrap(), 1);
        assert_eq!(entries(s).await, before + 4);
    }
}

#[tokio::test]
async fn rate_limit_counts_per_key() {
    for db in every_backend().await {
        let s = &db.store;
        let window = time::Duration::minutes(60);
        for _ in 0..3 {
            assert!(s.rate_limit_hit("apply:1.2.3.4", 3, window).await.unwrap());
        }
        assert!(!s.rate_limit_hit("apply:1.2.3.4", 3, window).await.unwrap());
        assert!(s.rate_limited("apply:1.2.3.4", 3, window).await.unwrap());
        assert!(s.rate_limit_hit("apply:5.6.7.8", 3, window).await.unwrap());
        assert!(!s.rate_limited("apply:5.6.7.8", 3, window).await.unwrap());
    }
}

/// `gongkai db copy` carries submissions and their attachment bytes (BYTEA)
/// from SQLite to PostgreSQL, and the copy still confirms.
#[tokio::test]
async fn copy_to_postgres_keeps_attachment_bytes() {
    let Some(pg) = gongkai_testkit::postgres().await else {
        return;
    };
    let src = gongkai_testkit::sqlite().await;
    let seeded = seed(&src.store).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let mut pdf_bytes = b"%PDF-1.4\n".to_vec();
    pdf_bytes.extend_from_slice(&bytes);
    let receipt = src
        .store
        .submit_online_application(
            "gulou",
            NewSubmission {
                draft: draft(),
                attachments: vec![NewAttachment {
                    file_name: "二进制.pdf".into(),
                    bytes: pdf_bytes.clone(),
                }],
            },
        )
        .await
        .unwrap();
    src.store.copy_to(&pg.store).await.unwrap();
    for t in ["online_submissions", "application_attachments"] {
        assert_eq!(pg.store.count_rows(t).await.unwrap(), 1, "{t}");
    }
    let tree = pg.store.agency_tree().await.unwrap();
    let handler = handler_of(
        &principal(&pg.store, &seeded, "gulou", Role::Handler).await,
        &tree,
        seeded.gulou.id,
    )
    .unwrap();
    let pending = pg.store.pending_submissions(&handler).await.unwrap();
    assert_eq!(pending[0].tracking_code, receipt.tracking_code);
    let file = pg
        .store
        .attachment(&handler.reader(), pending[0].attachments[0].id)
        .await
        .unwrap();
    assert_eq!(file.bytes, pdf_bytes);
    let calendar = pg.store.calendar().await.unwrap();
    let app = pg
        .store
        .confirm_submission(&handler, &calendar, receipt.id, gongkai_store::now().date())
        .await
        .unwrap();
    assert_eq!(app.tracking_code, receipt.tracking_code);
    entries(&pg.store).await;
}
