//! The web front end: the public portal, staff pages and the JSON API.
//! Handlers are thin: they resolve the agency, obtain a capability from the
//! pure permission checks, and call the Store with it.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod auth;
pub mod charts;
pub mod cookies;
pub mod csrf;
mod dates;
pub mod error;
pub mod form;
#[doc(hidden)]
pub mod fuzzing;
pub mod middleware;
pub mod pages;
pub mod routes;
pub mod search;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use gongkai_store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Platform name shown in the header.
    pub site_name: String,
    /// How long an anonymous reader's public page may be served from
    /// memory (`middleware::public_cache`); zero turns the cache off.
    pub public_cache_ttl: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            site_name: "政府信息公开平台".to_string(),
            public_cache_ttl: std::time::Duration::from_secs(1),
        }
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    store: Store,
    config: WebConfig,
    metrics: Option<PrometheusHandle>,
    search: OnceLock<search::SearchService>,
    public_cache: middleware::public_cache::PublicCache,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState(Arc::new(Inner {
            store,
            config,
            metrics: metrics_handle(),
            search: OnceLock::new(),
            public_cache: Default::default(),
        }))
    }
    pub fn store(&self) -> &Store {
        &self.0.store
    }
    pub(crate) fn public_cache(&self) -> &middleware::public_cache::PublicCache {
        &self.0.public_cache
    }
    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }
    /// Turns on full-text search over `index` (takes its writer and starts
    /// the outbox feed; needs a tokio runtime). Once per state.
    pub fn enable_search(
        &self,
        index: gongkai_search::SearchIndex,
    ) -> Result<(), gongkai_search::SearchError> {
        let service = search::SearchService::start(self.0.store.clone(), index)?;
        let _ = self.0.search.set(service);
        Ok(())
    }
    /// The search service, when enabled.
    pub fn search(&self) -> Option<&search::SearchService> {
        self.0.search.get()
    }
    /// Tells the search feed that published information changed (it also
    /// polls, so this only makes it faster).
    pub fn search_changed(&self) {
        if let Some(s) = self.search() {
            s.changed();
        }
    }
}

/// The process-wide Prometheus recorder (installed once, shared by every router).
fn metrics_handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .clone()
}

/// Every route outside the OpenAPI document: the pages and the plain
/// endpoints, built and listed together (see [`routes`]).
pub fn plain_routes() -> routes::Routes {
    use routes::get;
    pages::routes()
        .route("/api/v1/openapi.json", get(api::openapi_json_get))
        .route("/healthz", get(healthz_get))
        .route("/metrics", get(metrics_get))
        .route("/static/gongkai.css", get(static_css_get))
}

pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .merge(plain_routes().into_router())
        .merge(api_router)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::public_cache::serve,
        ))
        .layer(axum::middleware::from_fn(middleware::origin::check))
        .layer(axum::middleware::from_fn(middleware::metrics::record))
        .layer(axum::middleware::from_fn(middleware::security_headers::add))
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        error::ApiError(error::AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "接口不存在",
        ))
        .into_response()
    } else {
        error::PageError(error::AppError::not_found()).into_response()
    }
}

async fn method_not_allowed(uri: axum::http::Uri) -> axum::response::Response {
    let e = error::AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "该地址不支持这种请求方式；如果是提交表单时登录已过期，请返回原页面重新提交",
    );
    if uri.path().starts_with("/api/") {
        error::ApiError(e).into_response()
    } else {
        error::PageError(e).into_response()
    }
}

async fn healthz_get(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl IntoResponse {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn metrics_get(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl IntoResponse {
    let body = state
        .0
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}

async fn static_css_get() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/gongkai.css"),
    )
}

/// How long a client may take to send a request's headers. A slow client
/// (slowloris) is disconnected after this, so it cannot hold connections open.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a request body may stall between two pieces (a slow upload
/// that keeps sending is not cut; one that stops is).
pub const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves until `shutdown` resolves; in-flight requests finish first.
/// HTTP/1.1 with keep-alive; each request's headers must arrive within
/// [`HEADER_READ_TIMEOUT`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(
        listener,
        state,
        shutdown,
        HEADER_READ_TIMEOUT,
        BODY_IDLE_TIMEOUT,
    )
    .await
}

/// [`serve`] with other timeouts (tests).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    header_read_timeout: std::time::Duration,
    body_idle_timeout: std::time::Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let app = router(state).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        body_idle_timeout,
    ));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small responses go out at once (no Nagle delay).
        let _ = io.set_nodelay(true);
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
