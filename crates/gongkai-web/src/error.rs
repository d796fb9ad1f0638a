//! Errors with stable machine codes. Pages render a Chinese error page; the
//! API answers `{"error": {"code", "message"}}`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use gongkai_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    /// Stable, machine-readable code (snake_case); never changes meaning.
    pub code: &'static str,
    /// One Chinese sentence for the person in front of the screen.
    pub message: String,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AppError {
            status,
            code,
            message: message.into(),
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthorized() -> Self {
        AppError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录，或提供有效的访问令牌",
        )
    }
    pub fn forbidden() -> Self {
        AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您没有访问该机关此项内容的权限",
        )
    }
    pub fn agency_not_found(code: &str) -> Self {
        AppError::new(
            StatusCode::NOT_FOUND,
            "agency_not_found",
            format!("找不到代码为“{code}”的机关"),
        )
    }
    pub fn not_found() -> Self {
        AppError::new(StatusCode::NOT_FOUND, "not_found", "您访问的页面不存在")
    }
    pub fn csrf() -> Self {
        AppError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "表单已过期或来源不明，请返回上一页刷新后重新提交",
        )
    }
    pub fn too_many_logins() -> Self {
        AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "login_throttled",
            "登录失败次数过多，请15分钟后再试",
        )
    }
    /// A body over the route's limit (413 `too_large`).
    pub fn too_large() -> Self {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "提交的内容过大，超过了允许的大小；请精简后重新提交",
        )
    }
    pub fn internal() -> Self {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "系统暂时无法处理您的请求，请稍后再试；如持续出现请联系管理员",
        )
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(m) => AppError::bad_request("invalid_input", m),
            StoreError::NotFound { .. } => {
                AppError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            StoreError::Conflict(m) => AppError::new(StatusCode::CONFLICT, "conflict", m),
            StoreError::Rejected { code, message } => AppError::bad_request(code, message),
            StoreError::Refused { code, message } => {
                AppError::new(StatusCode::CONFLICT, code, message)
            }
            StoreError::Forbidden => AppError::forbidden(),
            StoreError::Unsupported(m) => AppError::bad_request("unsupported", m),
            other => {
                tracing::error!(error = %other, "store error");
                AppError::internal()
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
    code: &'a str,
}

/// An error shown as an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let page = ErrorPage {
            status: e.status.as_u16(),
            message: &e.message,
            code: e.code,
        };
        match page.render() {
            Ok(html) => (e.status, Html(html)).into_response(),
            Err(_) => (e.status, e.message).into_response(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `forbidden`, `invalid_input`, `agency_not_found`.
    pub code: String,
    /// Chinese message for people.
    pub message: String,
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = ErrorBody {
            error: ErrorDetail {
                code: e.code.to_string(),
                message: e.message,
            },
        };
        (e.status, Json(body)).into_response()
    }
}

/// Renders an askama page or turns a template failure into a 500 page.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "template error");
        PageError(AppError::internal())
    })
}
