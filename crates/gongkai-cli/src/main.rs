//! The `gongkai` binary: a thin layer of subcommands over the crates.

mod admin;
mod cmd_calendar;
mod cmd_deadline;
mod cmd_report;
mod cmd_scan;
mod cmd_search;
mod demo;
mod demo_records;
mod demo_scale;
mod demo_scale_text;
mod serve;

use clap::{Args, Parser, Subcommand};
use gongkai_store::{Store, StoreConfig};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "gongkai", version, about = "gongkai 政府信息公开平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives.
#[derive(Args, Clone, Debug)]
pub struct StoreArgs {
    /// Data directory (SQLite database and files).
    #[arg(long, default_value = "./gongkai-data", env = "GONGKAI_DATA_DIR")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); without it, SQLite in the data directory is used.
    #[arg(long, env = "GONGKAI_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl StoreArgs {
    pub fn config(&self) -> StoreConfig {
        StoreConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone().filter(|u| !u.trim().is_empty()),
        }
    }

    pub async fn open(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.config()).await?)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(serve::ServeArgs),
    /// Staff accounts.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Agencies.
    #[command(subcommand)]
    Agency(admin::AgencyCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// Back up the database.
    Backup(admin::BackupArgs),
    /// Restore a backup.
    Restore(admin::RestoreArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(admin::DbCommand),
    /// Statutory deadline of a disclosure application (答复期限).
    Deadline {
        #[command(flatten)]
        args: cmd_deadline::DeadlineArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Information processing fee (信息处理费).
    Fee(cmd_deadline::FeeArgs),
    /// Annual reports (年度报告): check and convert.
    Report(cmd_report::ReportArgs),
    /// Working-day calendar data.
    #[command(subcommand)]
    Calendar(cmd_calendar::CalendarCommand),
    /// Re-scan published items for personal data (个人信息检查).
    Scan(cmd_scan::ScanArgs),
    /// The full-text search index.
    #[command(subcommand)]
    Search(cmd_search::SearchCommand),
    /// Generated data at scale for load tests (`--scale province`).
    Demo(demo_scale::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = !matches!(cli.command, Command::Serve(_));
    init_tracing(quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(a) => serve::run(a).await,
            Command::User(c) => admin::user(c).await,
            Command::Agency(c) => admin::agency(c).await,
            Command::Audit(c) => admin::audit(c).await,
            Command::Backup(a) => admin::backup(a).await,
            Command::Restore(a) => admin::restore(a).await,
            Command::Db(c) => admin::db(c).await,
            Command::Deadline { args, store } => {
                let calendar = cmd_calendar::calendar_for(&store).await?;
                cmd_deadline::run_deadline(&args, &calendar).map(|()| ExitCode::SUCCESS)
            }
            Command::Fee(a) => cmd_deadline::run_fee(&a).map(|()| ExitCode::SUCCESS),
            Command::Calendar(c) => cmd_calendar::run(c).await,
            Command::Report(a) => cmd_report::run(&a),
            Command::Scan(a) => cmd_scan::run(a).await,
            Command::Search(c) => cmd_search::run(c).await,
            Command::Demo(a) => demo_scale::run(a).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GONGKAI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A random password that is easy to read aloud (no 0/O, 1/l).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..14)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}
