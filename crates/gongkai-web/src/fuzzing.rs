//! Entry point of the fuzz target `web_inputs` (`fuzz/fuzz_targets/web_inputs.rs`):
//! arbitrary bytes through the very extractors the handlers use — `ValidForm`
//! (urlencoded forms), `ApiJson` (JSON bodies), `Query` (query strings) and the
//! multipart readers of the online application and the publication upload —
//! into every handler's input type, followed by the checks that need no
//! database (search parameters, publication and application drafts, attachments).
//! Not part of the public API.

use crate::api::json::ApiJson;
use crate::form::ValidForm;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Query, Request};
use axum::http::{header, Method, Uri};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::OnceLock;

/// The multipart boundary of the requests built here.
pub const BOUNDARY: &str = "gongkai-fuzz-boundary";

/// Feeds `body` to the decoder chosen by `selector`. Returns whether the
/// input was accepted (for the target's statistics; never panics).
pub fn decode(selector: u8, body: &[u8]) -> bool {
    static RUNTIME: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    let Some(rt) =
        RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().ok())
    else {
        return false;
    };
    let n = crate::pages::FUZZ_DECODERS;
    if selector < n {
        rt.block_on(crate::pages::fuzz_decode(selector, body))
    } else {
        rt.block_on(crate::api::fuzz_decode(selector - n, body))
    }
}

fn request(method: Method, content_type: &str, body: &[u8]) -> Request {
    let mut req = Request::new(Body::from(body.to_vec()));
    *req.method_mut() = method;
    if let Ok(v) = content_type.parse() {
        req.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    req
}

/// An urlencoded form body through `ValidForm`.
pub(crate) async fn form<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let req = request(Method::POST, "application/x-www-form-urlencoded", body);
    ValidForm::<T>::from_request(req, &())
        .await
        .ok()
        .map(|f| f.0)
}

/// A JSON body through `ApiJson`.
pub(crate) async fn json<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let req = request(Method::POST, "application/json", body);
    ApiJson::<T>::from_request(req, &()).await.ok().map(|j| j.0)
}

/// A query string through `Query` (bytes that cannot be a URI are refused
/// by the HTTP layer before any handler, so they are skipped here).
pub(crate) fn query<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let mut text = String::from("/?");
    text.push_str(std::str::from_utf8(body).ok()?);
    let uri: Uri = text.parse().ok()?;
    Query::<T>::try_from_uri(&uri).ok().map(|q| q.0)
}

/// A multipart body (boundary [`BOUNDARY`]) as the handlers receive it.
pub(crate) async fn multipart(body: &[u8]) -> Option<Multipart> {
    let req = request(
        Method::POST,
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        body,
    );
    Multipart::from_request(req, &()).await.ok()
}

/// Runs `f` and reports whether it produced something.
pub(crate) async fn accepted<T>(f: impl Future<Output = Option<T>>) -> bool {
    f.await.is_some()
}
