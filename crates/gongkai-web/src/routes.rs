//! The one list of routes outside the OpenAPI document.
//!
//! Page routes (and the few plain ones: health, metrics, the stylesheet) are
//! added through [`Routes`], which builds the axum router *and* records each
//! (method, path) as it goes. Handlers are attached with this module's
//! [`get`]/[`post`]/[`put`], so a route cannot be served without being listed.
//! API routes are listed by the OpenAPI document they are built with
//! ([`crate::api::openapi`]). [`table`] joins both; the authorization matrix
//! test (`tests/authz_matrix.rs`) walks it, so a new route shows up there
//! without anyone remembering to add it.

use crate::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;

/// Which front a route belongs to (how a test authenticates to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Front {
    /// Server-rendered pages: session cookie, CSRF token in forms.
    Page,
    /// The JSON API: bearer tokens.
    Api,
}

/// One served (method, path template) pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteEntry {
    pub front: Front,
    pub method: Method,
    /// The axum path template, e.g. `/admin/agencies/{agency}`.
    pub path: String,
}

/// A method router that remembers which methods it answers.
pub struct Tracked {
    inner: MethodRouter<AppState>,
    methods: Vec<Method>,
}

/// `GET` (and `HEAD`) handled by `handler`.
pub fn get<H, T>(handler: H) -> Tracked
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Tracked {
        inner: axum::routing::get(handler),
        methods: vec![Method::GET],
    }
}

/// `POST` handled by `handler`.
pub fn post<H, T>(handler: H) -> Tracked
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Tracked {
        inner: axum::routing::post(handler),
        methods: vec![Method::POST],
    }
}

/// `PUT` handled by `handler`.
pub fn put<H, T>(handler: H) -> Tracked
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Tracked {
        inner: axum::routing::put(handler),
        methods: vec![Method::PUT],
    }
}

impl Tracked {
    pub fn get<H, T>(mut self, handler: H) -> Tracked
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.inner = self.inner.get(handler);
        self.methods.push(Method::GET);
        self
    }
    pub fn post<H, T>(mut self, handler: H) -> Tracked
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.inner = self.inner.post(handler);
        self.methods.push(Method::POST);
        self
    }
    pub fn put<H, T>(mut self, handler: H) -> Tracked
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.inner = self.inner.put(handler);
        self.methods.push(Method::PUT);
        self
    }
    /// Raises (or lowers) the request body limit of these methods.
    pub fn layer(mut self, limit: axum::extract::DefaultBodyLimit) -> Tracked {
        self.inner = self.inner.layer(limit);
        self
    }
}

/// A router under construction together with the list of what it serves.
pub struct Routes {
    router: Router<AppState>,
    entries: Vec<RouteEntry>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            entries: Vec::new(),
        }
    }

    /// Serves `path` with `methods` and lists each method.
    pub fn route(mut self, path: &str, methods: Tracked) -> Routes {
        for m in &methods.methods {
            self.entries.push(RouteEntry {
                front: Front::Page,
                method: m.clone(),
                path: path.to_string(),
            });
        }
        self.router = self.router.route(path, methods.inner);
        self
    }

    /// Adds another list's routes.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.entries.extend(other.entries);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn entries(&self) -> &[RouteEntry] {
        &self.entries
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Every (method, path) the application serves: the listed non-API routes
/// and every operation of the OpenAPI document, sorted.
pub fn table() -> Vec<RouteEntry> {
    let mut all: Vec<RouteEntry> = crate::plain_routes().entries().to_vec();
    for (path, item) in crate::api::openapi().paths.paths.iter() {
        let ops = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::DELETE, item.delete.is_some()),
            (Method::PATCH, item.patch.is_some()),
            (Method::HEAD, item.head.is_some()),
            (Method::OPTIONS, item.options.is_some()),
            (Method::TRACE, item.trace.is_some()),
        ];
        for (method, present) in ops {
            if present {
                all.push(RouteEntry {
                    front: Front::Api,
                    method,
                    path: path.clone(),
                });
            }
        }
    }
    all.sort();
    all.dedup();
    all
}
