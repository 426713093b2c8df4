//! The anti-forgery check of every state-changing form, done here once for all forms.

use super::form::FormData;
use super::layout::PageError;
use crate::cookies;
use crate::error::AppError;
use crate::identity::Ctx;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses a state-changing form whose anti-forgery token does not match the
/// session's (or, before sign-in, the form cookie's). Passes the parsed form on.
pub async fn csrf(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if is_multipart(&request) {
        return csrf_multipart(request, next).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return PageError(AppError::BadRequest("malformed-body")).into_response();
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let expected = match parts.extensions.get::<Ctx>() {
        Some(ctx) => ctx.csrf.clone(),
        None => cookies::get(&parts.headers, cookies::FORM_TOKEN),
    };
    let valid = expected.is_some_and(|expected| !sent.is_empty() && constant_time_eq(sent, &expected));
    if !valid {
        // A portal form sent after its session ended keeps its content through a new sign-in.
        if parts.extensions.get::<Ctx>().is_none()
            && let Some(kept) = super::portal_entry::Kept::of_request(parts.uri.path(), &pairs)
            && let Some(info) = parts.extensions.get::<crate::identity::RequestInfo>()
        {
            return super::portal_entry::resume_sign_in(info, &parts.headers, kept);
        }
        tracing::warn!(path = %parts.uri.path(), "form refused: anti-forgery token missing or wrong");
        return PageError(AppError::Forbidden).into_response();
    }
    parts.extensions.insert(FormData::new(pairs));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// File uploads carry the token in the form's action URL, so the body streams on untouched.
async fn csrf_multipart(request: Request, next: Next) -> Response {
    let sent = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
        .unwrap_or_default();
    let expected = request.extensions().get::<Ctx>().and_then(|c| c.csrf.clone());
    if !expected.is_some_and(|e| !sent.is_empty() && constant_time_eq(&sent, &e)) {
        tracing::warn!(path = %request.uri().path(), "upload refused: anti-forgery token missing or wrong");
        return PageError(AppError::Forbidden).into_response();
    }
    next.run(request).await
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
