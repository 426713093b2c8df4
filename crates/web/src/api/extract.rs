//! Extractors whose rejections are problem documents, never plain text.

use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;

/// A JSON body, which must be an object: serde would otherwise read an array as a struct's fields
/// in order (`[7, 8, 9, 10]` as four hours), and a scalar as nothing at all.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state).await?;
        if !value.is_object() {
            tracing::debug!("a JSON body that is not an object");
            return Err(AppError::BadRequest("malformed-body"));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|error| {
            tracing::debug!(%error, "malformed JSON body");
            AppError::BadRequest("malformed-body")
        })
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        tracing::debug!(%rejection, "malformed JSON body");
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge;
        }
        AppError::BadRequest("malformed-body")
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        tracing::debug!(%rejection, "malformed query");
        AppError::BadRequest("malformed-query")
    }
}

/// A malformed id in a path names no record.
impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::NotFound
    }
}
