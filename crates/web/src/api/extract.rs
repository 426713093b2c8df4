//! Extractors whose rejections are problem documents, never plain text. A body or query that
//! cannot be read names the field and what was expected there (`"minutes": "60"` answers that
//! `minutes` expects a whole number).

use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
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
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(request, state).await?;
        whole_numbers_as_integers(&mut value);
        if !value.is_object() {
            tracing::debug!("a JSON body that is not an object");
            return Err(AppError::malformed("malformed-body", String::new(), "a JSON object"));
        }
        serde_path_to_error::deserialize(value).map(ApiJson).map_err(|error| {
            tracing::debug!(%error, "malformed JSON body");
            AppError::malformed("malformed-body", error.path().to_string(), &error.inner().to_string())
        })
    }
}

/// JSON (and JSON Schema's `integer`) has one kind of number: `60.0` is the whole number 60, which
/// serde would refuse for an integer field. Numbers with a fraction stay as they are.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        serde_json::Value::Object(members) => members.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// The query string, read like a body: a value of the wrong kind names its parameter.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                tracing::debug!(%error, "malformed query");
                AppError::malformed("malformed-query", error.path().to_string(), &error.inner().to_string())
            })
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        tracing::debug!(%rejection, "malformed JSON body");
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge;
        }
        let expected = match rejection {
            JsonRejection::MissingJsonContentType(_) => "a body of type application/json",
            _ => "a JSON object",
        };
        AppError::malformed("malformed-body", String::new(), expected)
    }
}

/// A malformed id in a path names no record.
impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::NotFound
    }
}

/// A whole number of a body as the domain reads it (shared with the forms, which post text):
/// absent is blank, which the domain answers with `required` where the field needs a value.
pub fn number_text(number: Option<i64>) -> String {
    number.map(|n| n.to_string()).unwrap_or_default()
}
