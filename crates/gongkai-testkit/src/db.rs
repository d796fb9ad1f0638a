//! A fresh, isolated Store per test: a temp SQLite file, or a new PostgreSQL
//! schema in the database named by `GONGKAI_TEST_POSTGRES_URL`.

use gongkai_store::Store;
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection};
use std::str::FromStr;
use tempfile::TempDir;

pub struct TestDb {
    pub store: Store,
    /// "sqlite" or "postgres", for messages.
    pub label: &'static str,
    /// The data directory (SQLite lives in it; PostgreSQL tests use it for files).
    pub dir: TempDir,
    /// The PostgreSQL URL with the test's schema, for starting the binary against it.
    pub database_url: Option<String>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&gongkai_store::StoreConfig {
        data_dir: dir.path().to_path_buf(),
        database_url: None,
    })
    .await
    .expect("open sqlite store");
    TestDb {
        store,
        label: "sqlite",
        dir,
        database_url: None,
    }
}

pub fn postgres_url() -> Option<String> {
    match std::env::var("GONGKAI_TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            crate::skip("PostgreSQL tests (GONGKAI_TEST_POSTGRES_URL is not set)");
            None
        }
    }
}

/// A store in a schema of its own; the URL returned selects that schema too.
pub async fn postgres() -> Option<TestDb> {
    let base = postgres_url()?;
    let schema = format!("t_{}", hex_id());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to GONGKAI_TEST_POSTGRES_URL");
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create test schema");
    let _ = conn.close().await;
    let options = PgConnectOptions::from_str(&base)
        .expect("valid postgres url")
        .options([("search_path", schema.as_str())]);
    let store = Store::connect_postgres_with(options, &base)
        .await
        .expect("open postgres store");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Some(TestDb {
        store,
        label: "postgres",
        dir: tempfile::tempdir().expect("temp dir"),
        database_url: Some(url),
    })
}

/// SQLite always, PostgreSQL when configured.
pub async fn every_backend() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        v.push(pg);
    }
    v
}

fn hex_id() -> String {
    let bytes: [u8; 8] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TestDb {
    /// Runs one statement on the test database over a connection of its
    /// own, behind the Store's back (for tests of what the process cannot
    /// see: another node's write, a tampered row).
    pub async fn execute_behind_the_store(&self, sql: &str) {
        match &self.database_url {
            Some(url) => {
                let mut conn = sqlx::PgConnection::connect(url)
                    .await
                    .expect("connect to the test schema");
                sqlx::query(AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .expect("statement");
                let _ = conn.close().await;
            }
            None => {
                let path = self.store.sqlite_path().expect("sqlite store");
                let mut conn =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await
                        .expect("open the test database");
                sqlx::query(AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .expect("statement");
                let _ = conn.close().await;
            }
        }
    }
}
