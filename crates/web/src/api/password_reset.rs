//! Password reset by e-mail (docs/security.md).

use super::extract::ApiJson;
use crate::error::{AppError, Problem};
use crate::identity::RequestInfo;
use crate::service;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResetRequestBody {
    pub email: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResetBody {
    /// The token of the mailed link (the last part of its path).
    pub token: String,
    /// At least 12 characters.
    pub new_password: String,
}

/// Asks for a password reset link by e-mail. The answer is the same whether or not an account
/// has the address.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "sessions", security(()), request_body = ResetRequestBody,
    responses(
        (status = 202, description = "If an account has this address, a link is on its way"),
        (status = 404, description = "Reset by e-mail is not offered here: no public address or mail server (`password-reset-off`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this address or from this client", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_reset(
    State(state): State<AppState>,
    info: RequestInfo,
    ApiJson(body): ApiJson<ResetRequestBody>,
) -> Result<StatusCode, AppError> {
    service::password_reset::request(&state, &info, &body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with the mailed link's token; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/password-resets/complete", tag = "sessions", security(()), request_body = ResetBody,
    responses(
        (status = 204, description = "The password is changed"),
        (status = 404, description = "Unknown, used or expired link", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn complete_reset(
    State(state): State<AppState>,
    info: RequestInfo,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<StatusCode, AppError> {
    let password = &body.new_password;
    service::password_reset::complete(&state, &info, &body.token, password, password).await?;
    Ok(StatusCode::NO_CONTENT)
}
