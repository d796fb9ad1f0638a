//! `gongkai calendar import FILE`, and the calendar every command computes with:
//! the compiled-in years plus the years imported into the database.

use crate::StoreArgs;
use anyhow::Context;
use clap::Subcommand;
use gongkai_calendar::Calendar;
use gongkai_domain::ConsoleOperator;
use gongkai_store::{Store, SQLITE_FILE_NAME};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Import holiday and make-up working-day data (TOML in the shape of cn-workdays.toml);
    /// each year in the file adds to or replaces the compiled-in data for that year.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        /// The TOML file.
        file: PathBuf,
    },
}

pub async fn run(cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Import { store, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取日历文件 {}", file.display()))?;
            // Parse fully before storing anything: a bad file changes nothing.
            let years = Calendar::empty()
                .import_toml(&text)
                .map_err(|e| anyhow::anyhow!("日历文件 {} 有误：{e}", file.display()))?;
            let store = store.open().await?;
            let op = ConsoleOperator::local();
            for year in &years {
                store.import_calendar_year(&op, *year, &text).await?;
            }
            let list: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            println!(
                "已导入 {} 年的节假日安排；已受理申请的期限将在下次计算时按新日历重算。",
                list.join("、")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The compiled-in calendar plus imported years, replayed in import order.
pub async fn calendar_from_store(store: &Store) -> anyhow::Result<Calendar> {
    let mut calendar = Calendar::builtin();
    for (year, source) in store.calendar_years().await? {
        calendar
            .import_toml(&source)
            .map_err(|e| anyhow::anyhow!("数据库中导入的 {year} 年日历无法解析：{e}"))?;
    }
    Ok(calendar)
}

/// For commands that only compute: use the database when one is configured
/// or already exists, without creating a data directory as a side effect.
pub async fn calendar_for(args: &StoreArgs) -> anyhow::Result<Calendar> {
    let has_db = args.database_url.is_some() || args.data_dir.join(SQLITE_FILE_NAME).exists();
    if !has_db {
        return Ok(Calendar::builtin());
    }
    let store = args.open().await?;
    let calendar = calendar_from_store(&store).await;
    store.close().await;
    calendar
}
