//! The one `Store` over SQLite (default) and PostgreSQL.
//!
//! Every state change is one Store call that writes its audit entry in the
//! same transaction. Methods that change or read an agency's private data
//! demand a capability from `gongkai_domain::access`, which carries the agency.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod agencies;
mod applications;
pub mod audit;
mod backup;
mod bulk;
mod calendar;
mod clock;
mod copy;
mod figures;
mod imported_reports;
mod intake;
mod letters;
mod oversight;
mod password;
mod publications;
mod records;
mod sessions;
mod settings;
mod stored;
mod throttle;
mod tokens;
mod users;
mod xxgk;
mod year_inputs;
pub use year_inputs::{AgencyYear, ReportDepth};

pub use agencies::Agency;
pub use applications::MAX_REQUEST_CHARS;
pub use applications::{
    Application, ApplicationFilter, ApplicationSummary, NewApplication, NewEvent, RecordedEvent,
    StoredApplicant, TrackedApplication, TrackedEvent, Transferred, YearRecord,
};
pub use audit::{AuditEntry, AuditVerdict};
pub use backup::restore_sqlite;
pub use bulk::{BulkAgency, BulkApplication, BulkEvent, BulkPublication, BulkWritten};
pub use clock::{from_text as parse_timestamp, now, now_text, Timestamp};
pub use copy::{copied_tables, CopyReport};
pub use imported_reports::{
    read_import_file, ImportedReport, NewReportImport, MAX_IMPORT_CODE_CHARS,
    MAX_IMPORT_NAME_CHARS, MAX_REPORT_IMPORT_BYTES,
};
pub use intake::{
    public_actor, AttachmentFile, AttachmentInfo, NewAttachment, NewSubmission, PendingSubmission,
    SubmissionReceipt, SubmissionState, TrackedSubmission, MAX_REJECT_REASON_CHARS,
};
pub use letters::{LetterDocument, LetterRecord, StoredTemplate};
pub use publications::{
    ChannelRelease, IndexDocument, LedgerRow, OutboxEntry, PastPublication, PiiOverride,
    Publication, PublicationAttachment, PublicationListItem, PublicationPage, PublicationQuery,
    ReviewDecision, ReviewEntry, ScanResult, OUTBOX_REMOVED, OUTBOX_UPSERTED,
};
pub use records::{
    report_from_json, AppealCaseView, DeadlineInfo, InfoOfficer, NewAppealCase, ProposalCounts,
    ProposalKind, PublishedVersion, ReportState, StoredAppealCase, Training, YearReport,
};
pub use sessions::{random_token, NewSession, SessionInfo, SESSION_HOURS};
pub use users::{NewUser, UserSummary};
pub use xxgk::{XxgkText, MAX_XXGK_TEXT_CHARS};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("无法打开数据目录 {path}：{source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("无法连接数据库：{0}")]
    Connect(String),
    #[error("数据库升级（迁移）失败：{0}")]
    Migrate(String),
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("{what}不存在")]
    NotFound { what: String },
    #[error("{0}")]
    Conflict(String),
    /// Bad input with its own stable machine code (e.g. `invalid_event`,
    /// `unknown_outcome`); nothing was stored.
    #[error("{message}")]
    Rejected { code: &'static str, message: String },
    /// A step the current state does not allow, or a clash with stored data
    /// (HTTP 409), with its own stable machine code (e.g. `invalid_transition`,
    /// `unresolved_pii`, `duplicate_document_number`); nothing was stored.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    #[error("无权进行此操作")]
    Forbidden,
    #[error("{0}")]
    Unsupported(String),
    #[error("文件操作失败：{0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    pub(crate) fn invalid(e: impl std::fmt::Display) -> StoreError {
        StoreError::Invalid(e.to_string())
    }
    pub(crate) fn not_found(what: &str) -> StoreError {
        StoreError::NotFound {
            what: what.to_string(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a Store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Where the data lives: a PostgreSQL URL, or else a SQLite file in the data dir.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

pub const SQLITE_FILE_NAME: &str = "gongkai.sqlite3";

#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    sqlite_path: Option<PathBuf>,
    /// Write transactions committed through this store (and its clones).
    writes: Arc<AtomicU64>,
}

/// Run one expression against whichever pool or connection we hold; the
/// expression is type-checked once per backend, so SQL stays portable (`$1`).
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// An open transaction on either backend.
/// Each carries the store's count of committed writes (see
/// [`Store::committed_writes`]).
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>, Arc<AtomicU64>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>, Arc<AtomicU64>),
}

macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t, _) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t, _) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Tx {
    pub(crate) async fn commit(self) -> Result<()> {
        let writes = match self {
            Tx::Sqlite(t, writes) => {
                t.commit().await?;
                writes
            }
            Tx::Postgres(t, writes) => {
                t.commit().await?;
                writes
            }
        };
        writes.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens the store the configuration names and brings its schema up to date.
    pub async fn open(config: &StoreConfig) -> Result<Store> {
        match &config.database_url {
            Some(url) if is_postgres_url(url) => Store::connect_postgres(url).await,
            Some(url) => Err(StoreError::Connect(format!(
                "不支持的数据库地址“{}”：请使用 postgres:// 开头的 PostgreSQL 地址，或不指定以使用数据目录中的 SQLite",
                redact_url(url)
            ))),
            None => {
                std::fs::create_dir_all(&config.data_dir).map_err(|source| StoreError::DataDir {
                    path: config.data_dir.clone(),
                    source,
                })?;
                Store::open_sqlite(&config.data_dir.join(SQLITE_FILE_NAME)).await
            }
        }
    }

    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Connect(format!("SQLite 文件 {}：{e}", path.display())))?;
        SQLITE_MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))?;
        let store = Store {
            pool: Pool::Sqlite(pool),
            sqlite_path: Some(path.to_path_buf()),
            writes: Default::default(),
        };
        store.refresh_stale_figures().await?;
        Ok(store)
    }

    pub async fn connect_postgres(url: &str) -> Result<Store> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::Connect(format!("数据库地址“{}”无效：{e}", redact_url(url)))
        })?;
        Store::connect_postgres_with(options, url).await
    }

    /// Connects with explicit options (tests use a schema of their own via `search_path`).
    pub async fn connect_postgres_with(
        options: PgConnectOptions,
        url_for_messages: &str,
    ) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::Connect(format!(
                    "PostgreSQL（{}）无法连接：{e}",
                    redact_url(url_for_messages)
                ))
            })?;
        // Several stateless nodes may start at once; the migrator takes an advisory lock.
        POSTGRES_MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))?;
        let store = Store {
            pool: Pool::Postgres(pool),
            sqlite_path: None,
            writes: Default::default(),
        };
        store.refresh_stale_figures().await?;
        Ok(store)
    }

    /// How many write transactions this store (or a clone) has committed:
    /// readers that keep derived copies (the web layer's cache of public
    /// pages) drop them when it moves.
    pub fn committed_writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file, when this store runs on SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    /// A write transaction. On SQLite it starts IMMEDIATE so that concurrent
    /// writers queue on the busy timeout instead of failing on lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, self.writes.clone())
            }
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?, self.writes.clone()),
        })
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(&self.pool, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(&self.pool, p => p.close().await)
    }
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://gk:secret@localhost/gk"),
            "postgres://gk:***@localhost/gk"
        );
        assert_eq!(
            redact_url("postgres://localhost/gk"),
            "postgres://localhost/gk"
        );
    }
}
