//! `gongkai scan [--agency CODE]`: re-scans every item already published
//! (and repealed items, which stay visible) for personal data — 身份证号,
//! 统一社会信用代码, mobile numbers, bank cards — in the body and the text of
//! attachments, and lists the findings masked. Exit status 0 when nothing is
//! found, 1 when something is (for scheduled checks).
//!
//! PDF attachments are read through their text layer (also those uploaded
//! before the platform read PDFs); scanned PDFs, images and legacy .doc/.xls
//! carry a note for the reviewer instead and cannot be checked here.

use crate::StoreArgs;
use anyhow::{Context, Result};
use clap::Args;
use gongkai_domain::ConsoleOperator;
use std::process::ExitCode;

/// 重新检查已发布信息中的个人信息（身份证号、统一社会信用代码、手机号码、银行卡号）。
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// 只检查该机关（机关代码）
    #[arg(long, value_name = "CODE")]
    pub agency: Option<String>,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: ScanArgs) -> Result<ExitCode> {
    let store = args.store.open().await?;
    let agency_id = match &args.agency {
        Some(code) => Some(
            store
                .agency_by_code(code)
                .await?
                .with_context(|| {
                    format!("找不到代码为“{code}”的机关（可用 `gongkai agency list` 查看）")
                })?
                .id,
        ),
        None => None,
    };
    let results = store
        .scan_published(&ConsoleOperator::local(), agency_id)
        .await?;
    let total: usize = results.iter().map(|r| r.findings.len()).sum();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else if results.is_empty() {
        println!("已检查全部已发布信息，未发现个人信息。");
    } else {
        for r in &results {
            println!(
                "[{}] {} 《{}》（编号 {}）：{}处",
                r.agency_code,
                r.index_number,
                r.title,
                r.publication_id,
                r.findings.len()
            );
            for f in &r.findings {
                println!("  - {}", f.describe());
            }
        }
        println!(
            "共{}条已发布信息中发现{}处个人信息，请尽快处理（撤回后遮盖，或说明公开理由）。",
            results.len(),
            total
        );
    }
    Ok(if total == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
