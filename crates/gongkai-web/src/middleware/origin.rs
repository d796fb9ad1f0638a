//! First CSRF line for cookie-authenticated requests: a state-changing
//! request whose Origin (or Referer) names another site is refused. The
//! per-session token in each form is the second line (see `csrf.rs`).

use crate::error::{AppError, PageError};
use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The JSON API authenticates with bearer tokens, never cookies.
    let api = req.uri().path().starts_with("/api/");
    if !safe && !api && !same_origin(&req) {
        return PageError(AppError::csrf()).into_response();
    }
    next.run(req).await
}

fn same_origin(req: &Request) -> bool {
    let headers = req.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match claimed {
        // Browsers send Origin on POST; a client that sends neither is not a
        // browser being tricked, and still needs the form token.
        None => true,
        Some("null") => false,
        Some(origin) => url::Url::parse(origin)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                })
            })
            .is_some_and(|authority| authority.eq_ignore_ascii_case(host)),
    }
}
