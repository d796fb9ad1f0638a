//! Full-text search of published government information.
//!
//! A tantivy index with jieba segmentation (the default dictionary plus a
//! compiled-in dictionary of government terms) and, as a recall backstop,
//! character bigrams: any run of two or more Chinese characters that occurs in
//! an item is found. The engine knows nothing of HTTP or of the store; its
//! callers feed it [`SearchDoc`]s through the one [`Writer`].
//!
//! On disk an index is a root directory holding generations (`gen-000001`,
//! …) and a `CURRENT` file naming the live one. [`Writer::reindex`] (or, from
//! another process, [`SearchIndex::build_generation`]) writes a whole new
//! generation and switches `CURRENT` atomically; searches keep running on the
//! old generation until the switch. A server picks up a generation built by
//! another process with [`Writer::follow_current`].
//!
//! Each commit stores a caller-given cursor (the store's outbox id) in the
//! index, so a feeder knows where to resume: [`SearchIndex::cursor`].

mod either;
mod error;
mod facets;
mod highlight;
mod index;
mod parts;
mod query;
mod schema;
#[cfg(test)]
mod test_random;
pub mod tokenizer;
mod top;
mod writer;

pub use error::SearchError;
pub use index::SearchIndex;
pub use writer::{Op, Writer};

use serde::Serialize;
use time::Date;

/// One published item as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// The publication id (unique; an upsert replaces the item with this id).
    pub id: i64,
    pub title: String,
    /// Plain text of the body.
    pub body: String,
    /// Plain text of all attachments.
    pub attachment_text: String,
    /// 内容概述, 关键词, 主题分类, 发布机构: searchable, not shown.
    pub summary: String,
    pub keywords: Vec<String>,
    /// 文号, e.g. 鲁政办发〔2025〕3号.
    pub document_number: Option<String>,
    /// 索引号.
    pub index_number: String,
    pub agency_code: String,
    pub agency_name: String,
    /// Category path from the root of the agency's catalog, e.g.
    /// `["法定主动公开内容", "政策文件"]`. May be empty.
    pub category: Vec<String>,
    /// 发布日期.
    pub published_on: Date,
    /// 有效性 label (有效, 失效, 废止, 修订).
    pub validity: String,
}

/// A search request. `q` is free text and is never a syntax error; every
/// filter is optional. Pages count from 1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    pub q: String,
    /// Agency code.
    pub agency: Option<String>,
    /// Category path, segments joined by `/`; matches the category and
    /// everything below it.
    pub category: Option<String>,
    /// Published on or after.
    pub from: Option<Date>,
    /// Published on or before.
    pub to: Option<Date>,
    pub year: Option<i32>,
    pub validity: Option<String>,
    /// 1-based; 0 is taken as 1.
    pub page: usize,
    /// Hits per page; 0 means [`SearchQuery::DEFAULT_PER_PAGE`]; at most
    /// [`SearchQuery::MAX_PER_PAGE`].
    pub per_page: usize,
}

impl SearchQuery {
    pub const DEFAULT_PER_PAGE: usize = 20;
    pub const MAX_PER_PAGE: usize = 100;
    /// The longest query text considered (characters); the rest is ignored.
    pub const MAX_QUERY_CHARS: usize = 200;

    /// A query for `q` with no filters, first page.
    pub fn text(q: impl Into<String>) -> Self {
        SearchQuery {
            q: q.into(),
            ..Default::default()
        }
    }
    pub fn page(&self) -> usize {
        self.page.max(1)
    }
    pub fn per_page(&self) -> usize {
        match self.per_page {
            0 => Self::DEFAULT_PER_PAGE,
            n => n.min(Self::MAX_PER_PAGE),
        }
    }
}

/// One hit. `snippet` is HTML: the text is escaped and the matched words are
/// wrapped in `<mark>…</mark>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: i64,
    pub title: String,
    /// Title as HTML with the matched words marked.
    pub title_html: String,
    pub agency_code: String,
    pub agency: String,
    pub index_number: String,
    pub document_number: Option<String>,
    pub category: Vec<String>,
    pub validity: String,
    pub published_on: Date,
    pub snippet: String,
    pub score: f32,
}

/// A facet value with its number of matching items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value to filter on (agency code, category path, year, validity).
    pub value: String,
    /// What to show (agency name, last category segment, …).
    pub label: String,
    pub count: u64,
}

/// Facet counts. Each dimension is counted with every filter applied except
/// its own, so the other values of a chosen dimension stay visible.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    pub agency: Vec<FacetCount>,
    pub category: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub validity: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Number of matching items (all pages).
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

impl SearchResults {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1))
    }
}
