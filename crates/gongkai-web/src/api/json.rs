//! JSON bodies whose rejections become `{"error": …}` with a Chinese message.

use crate::error::{ApiError, AppError};
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError(AppError::too_large()))
            }
            Err(e) => Err(ApiError(AppError::bad_request(
                "invalid_json",
                format!("请求内容不是有效的 JSON 或缺少必填字段：{}", e.body_text()),
            ))),
        }
    }
}
