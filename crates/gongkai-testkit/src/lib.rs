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
