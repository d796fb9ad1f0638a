//! `gongkai search reindex`: rebuilds the full-text index from the database.
//! Safe while `gongkai serve` runs: a new index generation is written next to
//! the live one and made current atomically; the server switches to it within
//! a second and replays whatever was published meanwhile.

use crate::StoreArgs;
use clap::{Args, Subcommand};
use gongkai_search::SearchIndex;
use gongkai_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum SearchCommand {
    /// Rebuild the index from every public item (while the server serves).
    Reindex(ReindexArgs),
}

#[derive(Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Where the search index lives: `search/` in the data directory.
pub fn index_dir(store: &StoreArgs) -> PathBuf {
    store.data_dir.join("search")
}

pub async fn run(c: SearchCommand) -> anyhow::Result<ExitCode> {
    match c {
        SearchCommand::Reindex(a) => reindex(a).await,
    }
}

async fn reindex(a: ReindexArgs) -> anyhow::Result<ExitCode> {
    let store = a.store.open().await?;
    let dir = index_dir(&a.store);
    let (count, generation, cursor) = rebuild_index(&store, &a.store, |_| {}).await?;
    store.close().await;
    if a.json {
        println!(
            "{}",
            serde_json::json!({
                "items": count,
                "generation": generation,
                "cursor": cursor,
                "dir": dir.display().to_string(),
            })
        );
    } else {
        println!(
            "搜索索引已重建：共 {count} 条公开信息，新索引 {generation}（{}）。运行中的服务会在 1 秒内切换到新索引。",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Items read from the database per query during a rebuild.
const REINDEX_PAGE: i64 = 1_000;

/// Writes a new index generation from every public item and makes it
/// current; returns the number of items, the generation and the outbox
/// cursor it starts from. `progress` is told of every page sent.
pub async fn rebuild_index(
    store: &Store,
    args: &StoreArgs,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<(usize, String, i64)> {
    let dir = index_dir(args);
    // The cursor is read before the items, so whatever changes while they
    // are read is replayed by the server from the outbox.
    let cursor = store.outbox_last_id().await?;
    let (tx, rx) = std::sync::mpsc::sync_channel(2 * REINDEX_PAGE as usize);
    let build_dir = dir.clone();
    let builder = tokio::task::spawn_blocking(move || {
        SearchIndex::build_generation(&build_dir, rx, Some(cursor))
    });
    let mut count = 0usize;
    let mut after = 0i64;
    // Pages of items (a few queries per page, not several per item).
    'pages: loop {
        let page = store
            .public_index_documents_after(after, REINDEX_PAGE)
            .await?;
        let Some(last) = page.last().map(|d| d.id) else {
            break;
        };
        after = last;
        let n = page.len();
        for d in page {
            let doc = gongkai_web::search::search_doc(d);
            if tokio::task::block_in_place(|| tx.send(doc).is_err()) {
                break 'pages;
            }
        }
        count += n;
        progress(n as u64);
    }
    drop(tx);
    let generation = builder.await??;
    Ok((count, generation, cursor))
}
