//! Table 三 from the stored per-application summaries equals the replay of
//! every history: after random histories written through the Store (events,
//! answers of every outcome, withdrawals, transfers), and after summaries
//! are lost and rebuilt when the store opens (rows from before migration
//! 0011, here with histories the API would refuse, so that the problems
//! path runs too). On SQLite always and on PostgreSQL whenever
//! GONGKAI_TEST_POSTGRES_URL is set.

use gongkai_domain::applicant::{ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind};
use gongkai_domain::outcome::Outcome;
use gongkai_domain::ConsoleOperator;
use gongkai_store::{NewApplication, NewEvent, Store};
use gongkai_testkit::{assert_batch_agrees, assert_figures_agree, every_backend, seed};
use time::macros::date;
use time::Duration;

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn event_kind(rng: &mut Rng) -> EventKind {
    match rng.below(8) {
        0 => EventKind::CorrectionRequested,
        1 => EventKind::CorrectionReceived,
        2 => EventKind::CorrectionExpired,
        3 => EventKind::Withdrawn,
        4 => EventKind::ExtensionApproved {
            working_days: 20,
            approver: "王局长".into(),
        },
        _ => EventKind::Answered,
    }
}

async fn stale_everything(s: &Store) {
    match s.backend() {
        gongkai_store::Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&format!(
                "sqlite://{}",
                s.sqlite_path().unwrap().display()
            ))
            .await
            .unwrap();
            sqlx::query("UPDATE applications SET figures_stale = 1, figures_received_on = NULL, figures_closed_on = NULL, figures_outcome = NULL, figures_flagged = 0")
                .execute(&pool).await.unwrap();
            // Records the API would refuse: answers without an outcome, and
            // withdrawals with one.
            sqlx::query("UPDATE applications SET outcome = NULL WHERE id IN (SELECT application_id FROM application_events WHERE kind = 'answered' ORDER BY application_id LIMIT 3)")
                .execute(&pool).await.unwrap();
            sqlx::query("UPDATE applications SET outcome = $1 WHERE id IN (SELECT application_id FROM application_events WHERE kind = 'withdrawn' ORDER BY application_id LIMIT 3)")
                .bind(Outcome::ALL[0].id())
                .execute(&pool).await.unwrap();
            pool.close().await;
        }
        // The same SQL; the reopening is shown on SQLite.
        gongkai_store::Backend::Postgres => {}
    }
}

#[tokio::test]
async fn summaries_give_the_replayed_table_three() {
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let calendar = s.calendar().await.unwrap();
        let op = ConsoleOperator::local();
        let handler = op.handler_of(seeded.gulou.id);
        let view = op.records_editor_of(seeded.gulou.id).view();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut written = 0;
        for n in 0..80 {
            let received_on = date!(2022 - 01 - 03) + Duration::days(rng.below(1400) as i64);
            let kind = ApplicantKind::ALL[rng.below(6) as usize];
            let app = s
                .create_application(
                    &handler,
                    &calendar,
                    NewApplication {
                        applicant: ApplicantDraft {
                            kind: Some(kind),
                            name: format!("申请人{n}"),
                            phone: Some("13812345678".into()),
                            ..Default::default()
                        },
                        channel: Channel::Online,
                        received_on,
                        request: "某项目的审批文件".into(),
                    },
                )
                .await
                .unwrap();
            let mut on = received_on;
            for _ in 0..rng.below(4) {
                on += Duration::days(rng.below(60) as i64);
                let event = event_kind(&mut rng);
                let outcome = matches!(event, EventKind::Answered)
                    .then(|| Outcome::ALL[rng.below(Outcome::ALL.len() as u64) as usize].id());
                // Histories the clock refuses (an answer after the end, …) are simply not written.
                if s.add_application_event(
                    &handler,
                    &calendar,
                    app.id,
                    NewEvent {
                        event: ApplicationEvent::new(on, event),
                        outcome: outcome.map(str::to_string),
                        reason: None,
                    },
                )
                .await
                .is_ok()
                {
                    written += 1;
                }
            }
            if rng.below(10) == 0 {
                let _ = s
                    .transfer_application(
                        &handler,
                        &calendar,
                        app.id,
                        &seeded.sibling.code,
                        on + Duration::days(3),
                        None,
                    )
                    .await;
            }
        }
        assert!(written > 40, "{label}: only {written} events written");
        assert_figures_agree(s, &view, 2021..=2026, label).await;
        let sibling = op.records_editor_of(seeded.sibling.id).view();
        assert_figures_agree(s, &sibling, 2021..=2026, label).await;
        let root = op.records_editor_of(seeded.district.id).view();
        assert_batch_agrees(
            s,
            &[view.clone(), sibling.clone(), root],
            2021..=2026,
            label,
        )
        .await;

        // Lost summaries (rows from before the migration) are rebuilt when
        // the store opens, with the same figures.
        if let Some(path) = s.sqlite_path() {
            let path = path.to_path_buf();
            stale_everything(s).await;
            let reopened = Store::open_sqlite(&path).await.unwrap();
            assert_figures_agree(&reopened, &view, 2021..=2026, label).await;
            let problems = reopened
                .compute_year_report(&view, 2026)
                .await
                .unwrap()
                .problems;
            assert!(problems.len() >= 2, "{label}: {problems:?}");
            reopened.close().await;
        }
    }
}
