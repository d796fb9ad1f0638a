//! Who is asking: session cookies for pages, bearer tokens for the API.

use crate::cookies::{self, SESSION_COOKIE};
use crate::error::{ApiError, AppError, PageError};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::Principal;
use std::net::SocketAddr;

/// A signed-in browser session.
#[derive(Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf_token: String,
    pub token: String,
}

async fn session_from(parts: &Parts, state: &AppState) -> Result<Option<Session>, AppError> {
    let Some(token) = cookies::get(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let info = state.store().session(&token).await?;
    Ok(info.map(|i| Session {
        principal: i.principal,
        csrf_token: i.csrf_token,
        token,
    }))
}

/// The session if there is one (public pages show the login state).
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(session_from(parts, state).await?))
    }
}

/// A staff page: without a valid session the browser goes to the login page
/// and comes back afterwards.
pub struct StaffSession(pub Session);

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_from(parts, state).await {
            Ok(Some(s)) => Ok(StaffSession(s)),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/admin");
                let target = format!("/login?next={}", url_encode(next));
                Err(Redirect::to(&target).into_response())
            }
            Err(e) => Err(PageError(e).into_response()),
        }
    }
}

/// A staff member calling the API with `Authorization: Bearer gk_…`.
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128);
        let Some(token) = token else {
            return Err(ApiError(AppError::unauthorized()));
        };
        match state.store().principal_for_token(token).await? {
            Some(p) => Ok(ApiPrincipal(p)),
            None => Err(ApiError(AppError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "访问令牌无效、已撤销，或其用户已停用",
            ))),
        }
    }
}

/// The client's address, for throttling (the socket peer; a deployment
/// behind a proxy throttles per username, which still holds).
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "local".to_string()),
        ))
    }
}

pub fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Only same-site paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/admin".to_string(),
    }
}
