//! Login and logout, with throttling and a pre-session CSRF token.

use super::Nav;
use crate::auth::{safe_next, ClientIp, MaybeSession};
use crate::cookies::{self, PRE_CSRF_COOKIE, SESSION_COOKIE};
use crate::csrf;
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Failures allowed per username, and per client address, in the window.
const MAX_FAILURES_PER_USER: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 20;
const WINDOW_MINUTES: i64 = 15;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    next: String,
    form_token: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

pub async fn login_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    if session.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let error = q.expired.map(|_| "登录已过期，请重新登录".to_string());
    login_page(
        &state,
        safe_next(q.next.as_deref()),
        String::new(),
        error,
        StatusCode::OK,
    )
}

fn login_page(
    state: &AppState,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let form_token = gongkai_store::random_token();
    let page = render(&LoginPage {
        nav: Nav::new(state, None),
        next,
        form_token: form_token.clone(),
        username,
        error,
    })?;
    let cookie = cookies::set(
        PRE_CSRF_COOKIE,
        &form_token,
        state.config().secure_cookies,
        Some(3600),
    );
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    form_token: String,
}

pub async fn login_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ValidForm(form): ValidForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(Some(&form.next));
    let cookie_token = cookies::get(&headers, PRE_CSRF_COOKIE).unwrap_or_default();
    if !csrf::tokens_match(&cookie_token, &form.form_token) {
        return login_page(
            &state,
            next,
            form.username,
            Some("页面已过期，请重新输入后登录".to_string()),
            StatusCode::FORBIDDEN,
        );
    }
    let username = form.username.trim().to_string();
    if username.is_empty() || form.password.is_empty() {
        return login_page(
            &state,
            next,
            username,
            Some("请输入用户名和密码".to_string()),
            StatusCode::BAD_REQUEST,
        );
    }
    let store = state.store();
    let user_key = format!("user:{}", username.to_lowercase());
    let ip_key = format!("ip:{ip}");
    let window = time::Duration::minutes(WINDOW_MINUTES);
    if store.recent_login_failures(&user_key, window).await? >= MAX_FAILURES_PER_USER
        || store.recent_login_failures(&ip_key, window).await? >= MAX_FAILURES_PER_IP
    {
        let e = AppError::too_many_logins();
        return login_page(&state, next, username, Some(e.message), e.status);
    }
    let Some(principal) = store.authenticate(&username, &form.password).await? else {
        store.record_login_failure(&user_key).await?;
        store.record_login_failure(&ip_key).await?;
        return login_page(
            &state,
            next,
            username,
            Some("用户名或密码不正确，或账号已停用".to_string()),
            StatusCode::UNAUTHORIZED,
        );
    };
    store.clear_login_failures(&user_key).await?;
    let session = store.create_session(&principal).await?;
    let secure = state.config().secure_cookies;
    let max_age = gongkai_store::SESSION_HOURS * 3600;
    Ok((
        AppendHeaders([
            (
                header::SET_COOKIE,
                cookies::set(SESSION_COOKIE, &session.token, secure, Some(max_age)),
            ),
            (header::SET_COOKIE, cookies::clear(PRE_CSRF_COOKIE, secure)),
        ]),
        Redirect::to(&next),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn logout_post(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    ValidForm(form): ValidForm<LogoutForm>,
) -> Result<Response, PageError> {
    let secure = state.config().secure_cookies;
    if let Some(s) = session {
        csrf::verify(&s, &form.csrf_token)?;
        state.store().end_session(&s.token, &s.principal).await?;
    }
    Ok((
        [(header::SET_COOKIE, cookies::clear(SESSION_COOKIE, secure))],
        Redirect::to("/login"),
    )
        .into_response())
}
