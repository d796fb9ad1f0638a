//! Full-text search in the web process: the one index writer, fed from the
//! store's outbox by a background task, and the request parameters shared by
//! the `/search` page and `GET /api/v1/search`.
//!
//! The feed reads outbox rows after the cursor stored in the index, looks up
//! each named item's public state (`published_publication_for_index`: a
//! public item is upserted, anything else removed) and commits the batch with
//! the last outbox id as the new cursor. It runs after every wake-up
//! ([`SearchService::changed`], called after a write) and at least every
//! [`POLL`], so an item is searchable well within a second of publishing.
//! Before each round it follows a generation built by `gongkai search
//! reindex` in another process, and resumes from that generation's cursor.

use crate::error::AppError;
use gongkai_domain::publication::Validity;
use gongkai_search::{Op, SearchDoc, SearchIndex, SearchQuery, Writer};
use gongkai_store::{IndexDocument, Store};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use time::Date;
use tokio::sync::Notify;

/// Longest wait between two looks at the outbox.
pub const POLL: Duration = Duration::from_millis(200);
/// Outbox rows handled per commit.
const BATCH: i64 = 500;

/// The search index of a running server and its feed.
pub struct SearchService {
    index: SearchIndex,
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SearchService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SearchService {
    /// Takes the index's one writer and starts the feed task (needs a tokio
    /// runtime).
    pub fn start(
        store: Store,
        index: SearchIndex,
    ) -> Result<SearchService, gongkai_search::SearchError> {
        let writer = index.writer()?;
        let wake = Arc::new(Notify::new());
        let task = tokio::spawn(feed(store, writer, wake.clone()));
        Ok(SearchService { index, wake, task })
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Tells the feed that the outbox may have grown.
    pub fn changed(&self) {
        self.wake.notify_one();
    }
}

#[derive(Debug, thiserror::Error)]
enum FeedError {
    #[error(transparent)]
    Store(#[from] gongkai_store::StoreError),
    #[error(transparent)]
    Search(#[from] gongkai_search::SearchError),
    #[error("搜索索引写入任务异常结束：{0}")]
    Join(#[from] tokio::task::JoinError),
}

async fn feed(store: Store, writer: Writer, wake: Arc<Notify>) {
    let mut cursor = match writer.index().cursor() {
        Ok(c) => c.unwrap_or(0),
        Err(e) => {
            tracing::error!(error = %e, "读取搜索索引位置失败，从头重建索引");
            0
        }
    };
    loop {
        match round(&store, &writer, &mut cursor).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "搜索索引更新失败，稍后重试"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// One round; true when more outbox rows are waiting.
async fn round(store: &Store, writer: &Writer, cursor: &mut i64) -> Result<bool, FeedError> {
    let w = writer.clone();
    if tokio::task::spawn_blocking(move || w.follow_current()).await?? {
        *cursor = writer.index().cursor()?.unwrap_or(0);
        tracing::info!(generation = %writer.index().generation(), cursor = *cursor, "已切换到重建的搜索索引");
    }
    let entries = store.outbox_after(*cursor, BATCH).await?;
    let Some(last) = entries.last().map(|e| e.id) else {
        return Ok(false);
    };
    let mut ids: Vec<i64> = Vec::new();
    for e in &entries {
        if !ids.contains(&e.publication_id) {
            ids.push(e.publication_id);
        }
    }
    let mut ops = Vec::with_capacity(ids.len());
    for id in ids {
        ops.push(match store.published_publication_for_index(id).await? {
            Some(d) => Op::Upsert(search_doc(d)),
            None => Op::Remove(id),
        });
    }
    let w = writer.clone();
    tokio::task::spawn_blocking(move || w.apply(ops, Some(last))).await??;
    *cursor = last;
    Ok(entries.len() as i64 == BATCH)
}

/// The index's view of a public item.
pub fn search_doc(d: IndexDocument) -> SearchDoc {
    let mut summary = d.summary.unwrap_or_default();
    for extra in [d.topic.unwrap_or_default(), d.issuer] {
        if !extra.is_empty() {
            summary.push(' ');
            summary.push_str(&extra);
        }
    }
    SearchDoc {
        id: d.id,
        title: d.title,
        body: d.body_text,
        attachment_text: d.attachment_text,
        summary,
        keywords: d.keywords,
        document_number: d.document_number,
        index_number: d.index_number,
        agency_code: d.agency_code,
        agency_name: d.agency_name,
        category: d.category_path,
        published_on: d.published_on.unwrap_or(d.written_on),
        validity: d.validity.name().to_string(),
    }
}

/// The search parameters as they come in a URL (all text, checked here so
/// that each mistake gets a message naming its field).
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// 关键词: free text; words separated by spaces must all occur. A 文号 or
    /// 索引号 finds its item first.
    pub q: Option<String>,
    /// Agency code (发布机关).
    pub agency: Option<String>,
    /// Category path, segments joined by `/` (栏目).
    pub category: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    pub to: Option<String>,
    /// Year of publication.
    pub year: Option<String>,
    /// `valid`, `expired`, `repealed` or `amended` (有效性).
    pub validity: Option<String>,
    /// Page, from 1.
    pub page: Option<String>,
    /// Hits per page (1–100, default 20).
    pub per_page: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_date(v: &Option<String>, field: &str) -> Result<Option<Date>, AppError> {
    let Some(s) = non_empty(v) else {
        return Ok(None);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &format).map(Some).map_err(|_| {
        AppError::bad_request(
            "invalid_date",
            format!("{field}“{s}”不是有效日期，应为 YYYY-MM-DD 格式，如 2025-03-01"),
        )
    })
}

fn parse_number(v: &Option<String>, field: &str, max: usize) -> Result<Option<usize>, AppError> {
    let Some(s) = non_empty(v) else {
        return Ok(None);
    };
    match s.parse::<usize>() {
        Ok(n) if n >= 1 && n <= max => Ok(Some(n)),
        _ => Err(AppError::bad_request(
            "invalid_number",
            format!("{field}“{s}”无效，应为 1 到 {max} 之间的整数"),
        )),
    }
}

impl SearchParams {
    /// The engine's query, or a Chinese error naming the bad field.
    pub fn to_query(&self) -> Result<SearchQuery, AppError> {
        let from = parse_date(&self.from, "发布日期（起）")?;
        let to = parse_date(&self.to, "发布日期（止）")?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(AppError::bad_request(
                    "invalid_date_range",
                    "发布日期（起）不能晚于发布日期（止）",
                ));
            }
        }
        let validity = match non_empty(&self.validity) {
            None => None,
            Some(v) => Some(
                Validity::parse(v)
                    .ok_or_else(|| {
                        AppError::bad_request(
                            "invalid_validity",
                            format!("有效性“{v}”无效，应为 有效、失效、废止 或 修订"),
                        )
                    })?
                    .name()
                    .to_string(),
            ),
        };
        Ok(SearchQuery {
            q: self.q.clone().unwrap_or_default(),
            agency: non_empty(&self.agency).map(str::to_string),
            category: non_empty(&self.category).map(str::to_string),
            from,
            to,
            year: parse_number(&self.year, "年份", 9999)?.map(|y| y as i32),
            validity,
            page: parse_number(&self.page, "页码", 1_000_000)?.unwrap_or(1),
            per_page: parse_number(&self.per_page, "每页条数", SearchQuery::MAX_PER_PAGE)?
                .unwrap_or(SearchQuery::DEFAULT_PER_PAGE),
        })
    }
}

/// The Chinese label of a validity machine name.
pub fn validity_label(name: &str) -> String {
    Validity::parse(name)
        .map(|v| v.label_zh().to_string())
        .unwrap_or_else(|| name.to_string())
}

/// The public page of an item.
pub fn item_url(agency_code: &str, id: i64) -> String {
    format!("/{agency_code}/xxgk/{id}")
}

/// Runs a search off the async threads.
pub async fn run(
    service: Option<&SearchService>,
    query: SearchQuery,
) -> Result<gongkai_search::SearchResults, AppError> {
    let Some(service) = service else {
        return Err(AppError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "全文检索服务未启用，请稍后再试或联系管理员",
        ));
    };
    let index = service.index().clone();
    match tokio::task::spawn_blocking(move || index.search(&query)).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "search failed");
            Err(AppError::internal())
        }
        Err(e) => {
            tracing::error!(error = %e, "search task failed");
            Err(AppError::internal())
        }
    }
}
