//! A short-lived cache of public pages for anonymous readers (microcaching).
//!
//! The public list and item pages, the agency's 信息公开 home, the portal
//! home and the search results are what the public reads most, and they are
//! the same bytes for every anonymous reader. A page a handler marks
//! [`Cacheable`] is kept for
//! [`crate::WebConfig::public_cache_ttl`] (1 s by default) and served from
//! memory meanwhile, so a burst of readers costs one render per page per
//! second instead of one per request.
//!
//! Fresh by construction on this node: an entry is tagged with the count of
//! write transactions this process had committed when its request started
//! (`Store::committed_writes`) and is never served once that count
//! has moved, so a page rendered before (or while) anything was written
//! here is not served after. Writes made by other nodes or processes (or
//! other stores in this one) are
//! visible after at most the TTL. Only anonymous `GET`s are cached (no
//! cookie, no `Authorization`), only `200` responses without `Set-Cookie`,
//! and the cache is bounded in bytes (emptied when full).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::HttpBody as _;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Response extension: this page is the same for every anonymous reader.
#[derive(Debug, Clone, Copy)]
pub struct Cacheable;

/// Largest page kept.
const MAX_ENTRY_BYTES: u64 = 4 * 1024 * 1024;
/// Largest total kept; the cache is emptied when an insert would pass it.
const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;

struct Entry {
    stored_at: Instant,
    writes: u64,
    headers: HeaderMap,
    body: Bytes,
}

/// The cache of one server process.
#[derive(Default)]
pub struct PublicCache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

impl PublicCache {
    fn get(&self, key: &str, writes: u64, ttl: Duration) -> Option<Response> {
        let entries = self.entries.lock().ok()?;
        let e = entries.map.get(key)?;
        if e.writes != writes || e.stored_at.elapsed() >= ttl {
            return None;
        }
        let mut res = Response::new(Body::from(e.body.clone()));
        *res.headers_mut() = e.headers.clone();
        Some(res)
    }

    fn put(&self, key: String, entry: Entry) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let size = entry.body.len() + key.len();
        if entries.bytes + size > MAX_TOTAL_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        entries.bytes += size;
        if let Some(old) = entries.map.insert(key, entry) {
            entries.bytes = entries.bytes.saturating_sub(old.body.len());
        }
    }
}

fn anonymous_get(req: &Request) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::COOKIE)
        && !req.headers().contains_key(header::AUTHORIZATION)
}

pub async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ttl = state.config().public_cache_ttl;
    if ttl.is_zero() || !anonymous_get(&req) {
        return next.run(req).await;
    }
    let cache = state.public_cache();
    let key = req.uri().to_string();
    let writes = state.store().committed_writes();
    if let Some(hit) = cache.get(&key, writes, ttl) {
        return hit;
    }
    let res = next.run(req).await;
    let cacheable = res.status() == StatusCode::OK
        && res.extensions().get::<Cacheable>().is_some()
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .body()
            .size_hint()
            .exact()
            .is_some_and(|n| n <= MAX_ENTRY_BYTES);
    if !cacheable {
        return res;
    }
    let (parts, body) = res.into_parts();
    // The size is known and bounded, so this only gathers what is there.
    let body = match axum::body::to_bytes(body, MAX_ENTRY_BYTES as usize).await {
        Ok(b) => b,
        Err(_) => {
            return crate::error::PageError(crate::error::AppError::internal()).into_response()
        }
    };
    cache.put(
        key,
        Entry {
            stored_at: Instant::now(),
            writes,
            headers: parts.headers.clone(),
            body: body.clone(),
        },
    );
    Response::from_parts(parts, Body::from(body))
}

/// Marks a page as the same for every anonymous reader (see the module).
pub fn cacheable(page: impl IntoResponse) -> Response {
    let mut res = page.into_response();
    res.extensions_mut().insert(Cacheable);
    res
}
