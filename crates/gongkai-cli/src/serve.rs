//! `gongkai serve`.

use crate::{demo, demo_records, StoreArgs};
use anyhow::Context;
use clap::Args;
use gongkai_web::{AppState, WebConfig};
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "GONGKAI_LISTEN")]
    listen: String,
    #[command(flatten)]
    store: StoreArgs,
    /// Load the demo agencies and accounts (idempotent).
    #[arg(long)]
    demo: bool,
    /// Mark cookies Secure (when served over HTTPS behind a proxy).
    #[arg(long, env = "GONGKAI_SECURE_COOKIES")]
    secure_cookies: bool,
    /// How long (milliseconds) an anonymous reader's public page may be
    /// served from this node's memory; writes through this node are seen at
    /// once, other nodes' after at most this long. 0 turns it off.
    #[arg(long, default_value_t = 1000, env = "GONGKAI_PUBLIC_CACHE_MS")]
    public_cache_ms: u64,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("无法监听地址 {}（端口可能已被占用）", args.listen))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let base = format!("http://{host}:{}", addr.port());
    if args.demo {
        demo::seed(&store, &base).await?;
        demo_records::seed(&store).await?;
    }
    let state = AppState::new(
        store.clone(),
        WebConfig {
            secure_cookies: args.secure_cookies,
            public_cache_ttl: std::time::Duration::from_millis(args.public_cache_ms),
            ..WebConfig::default()
        },
    );
    let search_dir = crate::cmd_search::index_dir(&args.store);
    let index = gongkai_search::SearchIndex::open(&search_dir)
        .with_context(|| format!("无法打开搜索索引目录 {}", search_dir.display()))?;
    state
        .enable_search(index)
        .context("无法启动搜索索引（是否已有另一个 gongkai serve 在使用同一数据目录？）")?;
    println!("gongkai 已启动：{base}/");
    println!("工作人员登录：{base}/login");
    tracing::info!(%addr, backend = ?store.backend(), "listening");
    gongkai_web::serve(listener, state, shutdown_signal()).await?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
