//! Store contract for disclosure applications, on SQLite always and on
//! PostgreSQL whenever GONGKAI_TEST_POSTGRES_URL is set.

use gongkai_domain::access::{application_reader_of, handler_of, staff_view_of};
use gongkai_domain::applicant::{
    credit_code_check_char, id_check_char, ApplicantDraft, ApplicantKind,
};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind, Status};
use gongkai_domain::outcome::Outcome;
use gongkai_domain::{ConsoleOperator, Principal, Role};
use gongkai_store::{
    copied_tables, ApplicationFilter, AuditVerdict, NewApplication, NewEvent, Store, StoreError,
};
use gongkai_testkit::{every_backend, seed, Seeded};
use time::macros::date;
use time::Date;

pub fn id_number() -> String {
    let first = "11010519491231002";
    format!("{first}{}", id_check_char(first.as_bytes()).unwrap())
}

pub fn credit_code() -> String {
    let first = "91350100M00010000";
    format!(
        "{first}{}",
        credit_code_check_char(first.as_bytes()).unwrap()
    )
}

fn person() -> ApplicantDraft {
    ApplicantDraft {
        kind: Some(ApplicantKind::NaturalPerson),
        name: "张三".into(),
        id_number: Some(id_number()),
        phone: Some("13812345678".into()),
        ..Default::default()
    }
}

fn new_app(received_on: Date) -> NewApplication {
    NewApplication {
        applicant: person(),
        channel: Channel::InPerson,
        received_on,
        request: "2024年本街道老旧小区改造项目的资金使用情况".into(),
    }
}

fn ev(on: Date, kind: EventKind) -> NewEvent {
    NewEvent {
        event: ApplicationEvent::new(on, kind),
        outcome: None,
        reason: None,
    }
}

fn answered(on: Date, outcome: &str) -> NewEvent {
    NewEvent {
        outcome: Some(outcome.into()),
        ..ev(on, EventKind::Answered)
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
async fn applications_lifecycle_tenancy_and_bad_input() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let calendar = s.calendar().await.unwrap();
        let tree = s.agency_tree().await.unwrap();
        let handler_p = principal(s, &seeded, "gulou", Role::Handler).await;
        let handler = handler_of(&handler_p, &tree, seeded.gulou.id).unwrap();
        let reader = handler.reader();

        // Created with its receipt and a due date 20 working days on.
        let app = s
            .create_application(&handler, &calendar, new_app(date!(2025 - 03 - 03)))
            .await
            .unwrap();
        assert_eq!(app.due_on, Some(date!(2025 - 03 - 31)), "{}", db.label);
        assert_eq!(app.tracking_code.len(), 12);
        assert_eq!(app.events.len(), 1);
        assert_eq!(
            app.applicant.id_number.as_deref(),
            Some(id_number().as_str())
        );
        assert_eq!(
            app.identity_key.as_deref(),
            Some(format!("id:{}", id_number()).as_str())
        );
        assert_eq!(
            app.status,
            Status::Overdue,
            "received in March 2025, never answered"
        );

        // Bad input: nothing stored, no audit entry.
        let before = entries(s).await;
        let rows_before = s.count_rows("applications").await.unwrap();
        let mut bad_id = new_app(date!(2025 - 03 - 03));
        bad_id.applicant.id_number = Some("110105194912310021".into());
        let e = s
            .create_application(&handler, &calendar, bad_id)
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_input");
        assert!(e.to_string().contains("applicant.id_number"), "{e}");
        assert!(e.to_string().contains("校验位"), "{e}");
        let mut future = new_app(date!(2025 - 03 - 03));
        future.received_on = date!(2999 - 01 - 01);
        let e = s
            .create_application(&handler, &calendar, future)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("received_on"), "{e}");
        let mut empty = new_app(date!(2025 - 03 - 03));
        empty.request = "  ".into();
        let e = s
            .create_application(&handler, &calendar, empty)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("request"), "{e}");

        let id = app.id;
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(date!(2025 - 02 - 01), EventKind::Answered),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_input", "answer without outcome: {e}");
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                answered(date!(2025 - 02 - 01), "disclosed"),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_event", "answer before receipt: {e}");
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                answered(date!(2025 - 03 - 20), "withheld.nope"),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "unknown_outcome", "{e}");
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(
                    date!(2025 - 03 - 20),
                    EventKind::ExtensionApproved {
                        working_days: 21,
                        approver: "李主任".into(),
                    },
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_event", "{e}");
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(
                    date!(2025 - 03 - 20),
                    EventKind::ExtensionApproved {
                        working_days: 10,
                        approver: " ".into(),
                    },
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_event", "{e}");
        assert_eq!(entries(s).await, before, "{}", db.label);
        assert_eq!(s.count_rows("applications").await.unwrap(), rows_before);
        assert_eq!(s.count_rows("application_events").await.unwrap(), 1);

        // 补正 once; the second is refused.
        let a = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(date!(2025 - 03 - 05), EventKind::CorrectionRequested),
            )
            .await
            .unwrap();
        assert_eq!(a.status, Status::AwaitingCorrection);
        assert_eq!(a.events.len(), 2);
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(date!(2025 - 03 - 06), EventKind::CorrectionRequested),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_event");
        let a = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(date!(2025 - 03 - 10), EventKind::CorrectionReceived),
            )
            .await
            .unwrap();
        // The period restarts from the corrected receipt: 2025-03-10 + 20 working days (清明 2025-04-04 off).
        assert_eq!(a.due_on, Some(date!(2025 - 04 - 08)), "{:?}", a.clock);
        let a = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                answered(date!(2025 - 04 - 01), "partly_disclosed"),
            )
            .await
            .unwrap();
        assert_eq!(a.status, Status::AnsweredOnTime);
        assert_eq!(a.outcome, Some(Outcome::parse("partly_disclosed").unwrap()));
        assert_eq!(a.events.last().unwrap().outcome, a.outcome);
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                id,
                ev(date!(2025 - 04 - 02), EventKind::Withdrawn),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_event", "nothing after the answer");
        assert_eq!(entries(s).await, before + 3);

        // Reads: the reader of gulou; sibling capabilities find nothing.
        let got = s.application(&reader, &calendar, id).await.unwrap();
        assert_eq!(got, a);
        let sib_p = principal(s, &seeded, "sibling", Role::Handler).await;
        let sib = handler_of(&sib_p, &tree, seeded.sibling.id).unwrap();
        assert!(matches!(
            s.application(&sib.reader(), &calendar, id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.add_application_event(
                &sib,
                &calendar,
                id,
                ev(date!(2025 - 04 - 02), EventKind::Withdrawn)
            )
            .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s
            .applications(&sib.reader(), &calendar, &ApplicationFilter::default())
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            s.application_agency_id(id).await.unwrap(),
            Some(seeded.gulou.id)
        );
        assert_eq!(s.application_agency_id(id + 1000).await.unwrap(), None);
        // The district supervisor reads; gulou's drafter holds no reader capability.
        let sup = principal(s, &seeded, "district", Role::Supervisor).await;
        let sup_reader = application_reader_of(&sup, &tree, seeded.gulou.id).unwrap();
        assert_eq!(
            s.application(&sup_reader, &calendar, id).await.unwrap().id,
            id
        );
        let drafter = principal(s, &seeded, "gulou", Role::Drafter).await;
        assert!(application_reader_of(&drafter, &tree, seeded.gulou.id).is_none());

        // Lists: masked, filtered by status and receipt date.
        let second = s
            .create_application(
                &handler,
                &calendar,
                NewApplication {
                    applicant: ApplicantDraft {
                        kind: Some(ApplicantKind::Commercial),
                        name: "某某科技有限公司".into(),
                        credit_code: Some(credit_code()),
                        email: Some("office@example.com".into()),
                        ..Default::default()
                    },
                    channel: Channel::Online,
                    received_on: date!(2025 - 12 - 30),
                    request: "某项目环评批复".into(),
                },
            )
            .await
            .unwrap();
        let all = s
            .applications(&reader, &calendar, &ApplicationFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        let first = all.iter().find(|x| x.id == id).unwrap();
        assert_eq!(first.applicant.phone.as_deref(), Some("138****5678"));
        assert_eq!(first.applicant.name, "张*");
        assert!(first
            .applicant
            .id_number
            .as_deref()
            .unwrap()
            .contains("****"));
        let answered_only = s
            .applications(
                &reader,
                &calendar,
                &ApplicationFilter {
                    status: Some(Status::AnsweredOnTime),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            answered_only.iter().map(|x| x.id).collect::<Vec<_>>(),
            vec![id]
        );
        let december = s
            .applications(
                &reader,
                &calendar,
                &ApplicationFilter {
                    from: Some(date!(2025 - 12 - 01)),
                    to: Some(date!(2025 - 12 - 31)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            december.iter().map(|x| x.id).collect::<Vec<_>>(),
            vec![second.id]
        );

        // Tracking: code + last four digits of the phone; no phone, no tracking.
        let t = s
            .application_by_tracking(&calendar, &a.tracking_code, "5678")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, Status::AnsweredOnTime);
        assert_eq!(t.events.len(), 4);
        let shown = serde_json::to_string(&t).unwrap();
        assert!(
            !shown.contains("张三")
                && !shown.contains("13812345678")
                && !shown.contains(&id_number()),
            "{shown}"
        );
        assert!(s
            .application_by_tracking(&calendar, &a.tracking_code, "0000")
            .await
            .unwrap()
            .is_none());
        assert!(s
            .application_by_tracking(&calendar, &a.tracking_code.to_lowercase(), "5678")
            .await
            .unwrap()
            .is_some());
        assert!(s
            .application_by_tracking(&calendar, &second.tracking_code, "")
            .await
            .unwrap()
            .is_none());

        // Records for the report: only the staff view is needed, no personal data.
        let view = staff_view_of(&drafter, &tree, seeded.gulou.id).unwrap();
        let records = s.application_records(&view, 2025).await.unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(s.application_records(&view, 2024).await.unwrap().len(), 0);

        // The console may handle any agency.
        let op = ConsoleOperator::local();
        let c = s
            .create_application(
                &op.handler_of(seeded.sibling.id),
                &calendar,
                new_app(date!(2025 - 06 - 03)),
            )
            .await
            .unwrap();
        assert_eq!(c.agency_id, seeded.sibling.id);
        assert!(matches!(
            s.verify_audit().await.unwrap(),
            AuditVerdict::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn copy_lists_the_application_tables() {
    let tables = copied_tables();
    let a = tables.iter().position(|t| *t == "applications").unwrap();
    let e = tables
        .iter()
        .position(|t| *t == "application_events")
        .unwrap();
    assert!(tables.iter().position(|t| *t == "agencies").unwrap() < a && a < e);
}

#[tokio::test]
async fn calendar_replays_imported_years_over_the_builtin_one() {
    for db in every_backend().await {
        let s = &db.store;
        let builtin = s.calendar().await.unwrap();
        assert!(builtin.covers(date!(2025 - 06 - 01)));
        assert!(!builtin.covers(date!(2031 - 06 - 01)));
        let source = "[2031]\nnotice = \"test\"\nholidays = [\"2031-01-01\"]\nworkdays = []\n";
        let op = ConsoleOperator::local();
        s.import_calendar_year(&op, 2031, source).await.unwrap();
        let cal = s.calendar().await.unwrap();
        assert!(cal.covers(date!(2031 - 06 - 01)), "{}", db.label);
        assert!(!cal.is_working_day(date!(2031 - 01 - 01)).unwrap());
        assert!(cal.covers(date!(2025 - 06 - 01)));
    }
}
