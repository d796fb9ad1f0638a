//! Form extraction whose failures become a Chinese 400 page, never a bare rejection.

use crate::error::{AppError, PageError};
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct ValidForm<T>(pub T);

impl<T, S> FromRequest<S> for ValidForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(ValidForm(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(PageError(AppError::too_large()))
            }
            Err(e) => Err(PageError(AppError::bad_request(
                "invalid_form",
                format!(
                    "表单内容不完整或格式不正确，请返回检查后重新提交（{}）",
                    e.body_text()
                ),
            ))),
        }
    }
}
