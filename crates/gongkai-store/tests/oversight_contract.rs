//! Store contract for identity hints and the oversight dashboard, on SQLite
//! always and on PostgreSQL whenever GONGKAI_TEST_POSTGRES_URL is set.

use gongkai_domain::access::handler_of;
use gongkai_domain::applicant::{id_check_char, ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind};
use gongkai_domain::identity::Hint;
use gongkai_domain::{Principal, Role};
use gongkai_store::{NewApplication, NewEvent, Store};
use gongkai_testkit::{every_backend, seed, Seeded};
use time::macros::date;
use time::Date;

fn id_number() -> String {
    let first = "11010519491231002";
    format!("{first}{}", id_check_char(first.as_bytes()).unwrap())
}

fn app(received_on: Date, phone: &str, with_id: bool, request: &str) -> NewApplication {
    NewApplication {
        applicant: ApplicantDraft {
            kind: Some(ApplicantKind::NaturalPerson),
            name: "张三".into(),
            id_number: with_id.then(id_number),
            phone: Some(phone.into()),
            ..Default::default()
        },
        channel: Channel::InPerson,
        received_on,
        request: request.into(),
    }
}

async fn principal(s: &Store, seeded: &Seeded, code: &str, role: Role) -> Principal {
    s.principal(seeded.user_id(code, role))
        .await
        .unwrap()
        .unwrap()
}

const REQUEST: &str = "本街道2024年老旧小区改造资金使用情况";

#[tokio::test]
async fn hints_follow_the_identity_within_the_agency() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let cal = s.calendar().await.unwrap();
        let tree = s.agency_tree().await.unwrap();
        let gulou = handler_of(
            &principal(s, &seeded, "gulou", Role::Handler).await,
            &tree,
            seeded.gulou.id,
        )
        .unwrap();
        let sibling = handler_of(
            &principal(s, &seeded, "sibling", Role::Handler).await,
            &tree,
            seeded.sibling.id,
        )
        .unwrap();
        let first = s
            .create_application(
                &gulou,
                &cal,
                app(date!(2025 - 03 - 03), "13812345678", true, REQUEST),
            )
            .await
            .unwrap();
        // Same ID number (other phone), similar request, two months later.
        let second = s
            .create_application(
                &gulou,
                &cal,
                app(
                    date!(2025 - 05 - 06),
                    "13900001111",
                    true,
                    &format!("申请公开{REQUEST}"),
                ),
            )
            .await
            .unwrap();
        // Same phone but no ID: another identity key.
        let third = s
            .create_application(
                &gulou,
                &cal,
                app(date!(2025 - 05 - 07), "13812345678", false, REQUEST),
            )
            .await
            .unwrap();
        // The sibling agency's application of the same person does not count here.
        s.create_application(
            &sibling,
            &cal,
            app(date!(2025 - 05 - 01), "13812345678", true, REQUEST),
        )
        .await
        .unwrap();

        let reader = gulou.reader();
        let hints = s.application_hints(&reader, second.id).await.unwrap();
        assert!(
            matches!(hints[0], Hint::Repeated { earlier_id, .. } if earlier_id == first.id),
            "{}: {hints:?}",
            db.label
        );
        assert!(hints.contains(&Hint::MonthlyCount {
            year: 2025,
            month: 5,
            ordinal: 1,
            total: 1,
            rate_yuan: 0
        }));
        let first_hints = s.application_hints(&reader, first.id).await.unwrap();
        assert!(
            first_hints.iter().all(|h| !h.is_warning()),
            "{first_hints:?}"
        );
        let third_hints = s.application_hints(&reader, third.id).await.unwrap();
        assert!(
            third_hints.iter().all(|h| !h.is_warning()),
            "{third_hints:?}"
        );
        // Another agency's reader learns nothing about gulou's application.
        assert!(s
            .application_hints(&sibling.reader(), second.id)
            .await
            .unwrap()
            .is_empty());
        let many = s
            .applications_hints(&reader, &[first.id, second.id])
            .await
            .unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(many[&second.id], hints);

        // Eleven in one month: excessive from the 11th.
        for day in 0..10 {
            s.create_application(
                &gulou,
                &cal,
                app(
                    date!(2025 - 07 - 01) + time::Duration::days(day),
                    "13812345678",
                    true,
                    &format!("第{day}项不同的信息"),
                ),
            )
            .await
            .unwrap();
        }
        let last = s
            .create_application(
                &gulou,
                &cal,
                app(
                    date!(2025 - 07 - 20),
                    "13812345678",
                    true,
                    "另一件完全不同的事项",
                ),
            )
            .await
            .unwrap();
        let hints = s.application_hints(&reader, last.id).await.unwrap();
        assert!(
            hints.contains(&Hint::Excessive {
                year: 2025,
                month: 7,
                total: 11
            }),
            "{hints:?}"
        );
    }
}

#[tokio::test]
async fn dashboard_counts_equal_a_hand_count() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let cal = s.calendar().await.unwrap();
        let tree = s.agency_tree().await.unwrap();
        let h = handler_of(
            &principal(s, &seeded, "gulou", Role::Handler).await,
            &tree,
            seeded.gulou.id,
        )
        .unwrap();
        let mk = |on| app(on, "13812345678", true, REQUEST);
        let a = s
            .create_application(&h, &cal, mk(date!(2025 - 03 - 03)))
            .await
            .unwrap();
        s.add_application_event(
            &h,
            &cal,
            a.id,
            NewEvent {
                event: ApplicationEvent::new(date!(2025 - 04 - 10), EventKind::Answered),
                outcome: Some("partly_disclosed".into()),
                reason: None,
            },
        )
        .await
        .unwrap();
        let b = s
            .create_application(&h, &cal, mk(date!(2025 - 03 - 03)))
            .await
            .unwrap();
        s.add_application_event(
            &h,
            &cal,
            b.id,
            NewEvent {
                event: ApplicationEvent::new(
                    date!(2025 - 03 - 28),
                    EventKind::ExtensionApproved {
                        working_days: 10,
                        approver: "王主任".into(),
                    },
                ),
                outcome: None,
                reason: None,
            },
        )
        .await
        .unwrap();
        s.create_application(&h, &cal, mk(date!(2025 - 06 - 02)))
            .await
            .unwrap();
        let d = s.agency_dashboard(&h.reader(), &cal, 2025).await.unwrap();
        assert_eq!(
            (d.received, d.open, d.overdue, d.closed, d.answered_late),
            (3, 2, 2, 1, 1),
            "{}",
            db.label
        );
        assert_eq!(d.by_month[3].counts, [0, 1, 0, 0, 0, 0]);
        assert_eq!(d.stalling.len(), 1);
        assert_eq!(d.stalling[0].application_id, b.id);
        assert_eq!(d.stalling[0].stall.remaining_working_days, 1);
        let other = s.agency_dashboard(&h.reader(), &cal, 2024).await.unwrap();
        assert_eq!((other.received, other.closed, other.open), (0, 0, 2));
    }
}
