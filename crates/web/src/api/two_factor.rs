//! Two-factor sign-in of the signed-in user's account, and an administrator's reset of someone's
//! (docs/security.md).

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorView {
    /// Sign-in asks this account for a code.
    pub enabled: bool,
    /// A setup begun and not yet confirmed with a first code.
    pub setting_up: bool,
    pub recovery_codes_left: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorSetup {
    /// The shared secret in base32, to type into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://totp/...` URI (what the QR code holds).
    pub otpauth_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten single-use recovery codes, shown only now.
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CodeBody {
    /// The six digits the authenticator app shows now.
    pub code: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DisableBody {
    /// A current code of the app, or a recovery code; or else `password`.
    pub code: String,
    pub password: String,
}

/// Where the account's two-factor sign-in stands.
#[utoipa::path(get, path = "/api/v1/me/two-factor", tag = "account",
    responses(
        (status = 200, body = TwoFactorView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(State(state): State<AppState>, ctx: Ctx) -> Result<Json<TwoFactorView>, AppError> {
    let status = service::two_factor::status(&state, &ctx).await?;
    Ok(Json(TwoFactorView {
        enabled: status.enrolled,
        setting_up: status.setting_up.is_some(),
        recovery_codes_left: status.recovery_codes_left,
    }))
}

/// Begins setting up two-factor sign-in with a new secret (replacing a setup not confirmed yet);
/// it takes effect once confirmed with a first code.
#[utoipa::path(post, path = "/api/v1/me/two-factor", tag = "account",
    responses(
        (status = 201, body = TwoFactorSetup),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Two-factor sign-in is already on (`two-factor-on`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn start(State(state): State<AppState>, ctx: Ctx) -> Result<(StatusCode, Json<TwoFactorSetup>), AppError> {
    let setup = service::two_factor::start(&state, &ctx).await?;
    Ok((
        StatusCode::CREATED,
        Json(TwoFactorSetup {
            secret: setup.secret,
            otpauth_uri: setup.uri,
        }),
    ))
}

/// Confirms the setup with a first code: two-factor sign-in is on; returns the recovery codes.
#[utoipa::path(post, path = "/api/v1/me/two-factor/confirm", tag = "account", request_body = CodeBody,
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No setup begun, or a wrong code", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<CodeBody>,
) -> Result<Json<RecoveryCodes>, AppError> {
    let recovery_codes = service::two_factor::confirm(&state, &ctx, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// Turns two-factor sign-in off, with a current code (or a recovery code) or the password.
#[utoipa::path(post, path = "/api/v1/me/two-factor/disable", tag = "account", request_body = DisableBody,
    responses(
        (status = 204, description = "Off"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong code or password, or not on", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn disable(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DisableBody>,
) -> Result<StatusCode, AppError> {
    service::two_factor::disable(&state, &ctx, &body.code, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resets someone's two-factor sign-in (a lost phone): administrators; audited.
#[utoipa::path(delete, path = "/api/v1/users/{id}/two-factor", tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 204, description = "Reset (or was off)"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    service::two_factor::reset(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
