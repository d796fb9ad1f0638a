//! Test helpers: a fresh Store on SQLite and (when configured) PostgreSQL,
//! a seeded agency tree with one account per role, an in-process `TestApp`,
//! and a real headless Chromium driven through chromedriver.
//!
//! Under `CI=true` a missing PostgreSQL URL or browser fails the test instead
//! of skipping it.

pub mod app;
pub mod browser;
pub mod db;
pub mod pdf;
pub mod seed;

pub use app::{hidden_value, TestApp, TestResponse};
pub use db::{every_backend, postgres, sqlite, TestDb};
pub use seed::{seed, Seeded, TEST_PASSWORD};

/// True when running under CI, where nothing may be skipped for lack of a service.
pub fn in_ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// Announces a skipped part of a test (only outside CI).
pub fn skip(what: &str) {
    assert!(
        !in_ci(),
        "CI=true: {what} is required and may not be skipped"
    );
    eprintln!("SKIPPED: {what}");
}

/// Asserts that table 三 of the agency's computed report for each of
/// `years` (from the stored per-application summaries) equals the replay of
/// every application's history (`gongkai_domain::figures::year_figures`
/// over `application_records`), problems included.
pub async fn assert_figures_agree(
    store: &gongkai_store::Store,
    view: &gongkai_domain::AgencyStaffView,
    years: impl IntoIterator<Item = i32>,
    label: &str,
) {
    use gongkai_domain::figures::{format_for_year, year_figures, ApplicationFacts};
    for year in years {
        let records = store
            .application_records(view, year)
            .await
            .expect("application records");
        let replayed = year_figures(
            records.iter().map(|r| ApplicationFacts {
                kind: r.kind,
                events: &r.events,
                outcome: r.outcome,
            }),
            year,
        );
        let computed = store
            .compute_year_report(view, year)
            .await
            .expect("computed report");
        assert_eq!(
            computed.report.applications,
            replayed.applications_for(format_for_year(year)),
            "{label}: table 三 of {year} from the summaries differs from the replay"
        );
        assert_eq!(
            computed.problems, replayed.problems,
            "{label}: problems of {year}"
        );
    }
}

/// Asserts that the reports computed for many agencies at once (the
/// roll-up's `compute_year_reports`) equal each agency's own
/// `compute_year_report`, for each of `years`.
pub async fn assert_batch_agrees(
    store: &gongkai_store::Store,
    views: &[gongkai_domain::AgencyStaffView],
    years: impl IntoIterator<Item = i32>,
    label: &str,
) {
    for year in years {
        let batch = store
            .compute_year_reports(views, year)
            .await
            .expect("batch of reports");
        assert_eq!(batch.len(), views.len(), "{label}: {year}");
        for view in views {
            let one = store
                .compute_year_report(view, year)
                .await
                .expect("computed report");
            assert_eq!(
                batch.get(&view.agency_id()),
                Some(&one),
                "{label}: agency {} in {year}: the batch differs from the single report",
                view.agency_id()
            );
        }
    }
}
