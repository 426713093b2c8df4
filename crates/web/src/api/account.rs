use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use onramp_store::tokens::ApiToken;
use onramp_store::users::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// administrator, coordinator, coach, care_team, peer_expert or funder
    pub role: String,
    /// nl, fr or en
    pub language: String,
    pub active: bool,
    pub organisations: Vec<Uuid>,
    pub regions: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role.as_str().to_owned(),
            language: user.language.as_str().to_owned(),
            active: user.active,
            organisations: user.organisations,
            regions: user.regions,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenView {
    fn from(token: ApiToken) -> Self {
        TokenView {
            id: token.id,
            name: token.name,
            prefix: token.prefix,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            revoked_at: token.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: TokenView,
    /// The secret to send as `Authorization: Bearer <secret>`. Shown only now.
    pub secret: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PreferencesBody {
    pub display_name: String,
    /// nl, fr or en
    pub language: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PasswordBody {
    pub current_password: String,
    /// At least 12 characters.
    pub new_password: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TokenBody {
    /// What the token is for, e.g. "reporting export".
    pub name: String,
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses(
        (status = 200, body = UserView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(ctx: Ctx) -> Json<UserView> {
    Json(UserView::from(ctx.user))
}

/// Changes the display name and interface language.
#[utoipa::path(patch, path = "/api/v1/me", tag = "account", request_body = PreferencesBody,
    responses(
        (status = 200, body = UserView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_preferences(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<PreferencesBody>,
) -> Result<Json<UserView>, AppError> {
    service::account::set_preferences(&state, &ctx, &body.display_name, &body.language).await?;
    let mut conn = state.db.conn().await?;
    let user = onramp_store::users::get(&mut conn, ctx.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(UserView::from(user)))
}

/// Changes the password; other sessions of the user end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Current password wrong, or new one too short", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, AppError> {
    let new = &body.new_password;
    service::account::change_password(&state, &ctx, &body.current_password, new, new).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's API tokens, newest first (secrets are never shown again).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "account",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_tokens(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<TokenView>>, AppError> {
    let tokens = service::account::list_tokens(&state, &ctx).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Creates a personal API token that acts with the user's permissions.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "account", request_body = TokenBody,
    responses(
        (status = 201, body = CreatedToken),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let (token, secret) = service::account::create_token(&state, &ctx, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: token.into(),
            secret,
        }),
    ))
}

/// Revokes one of the user's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "account",
    params(("id" = Uuid, Path, description = "Token id")),
    responses(
        (status = 200, body = TokenView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<TokenView>, AppError> {
    Ok(Json(service::account::revoke_token(&state, &ctx, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DigestBody {
    /// Coaches get the daily digest of check-ins due unless they switch it off.
    pub enabled: bool,
}

/// Switches your daily digest e-mail on or off.
#[utoipa::path(put, path = "/api/v1/me/digest", tag = "account", request_body = DigestBody,
    responses((status = 204, description = "Saved"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn set_digest(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DigestBody>,
) -> Result<StatusCode, AppError> {
    crate::service::digest::set(&state, &ctx, body.enabled).await?;
    Ok(StatusCode::NO_CONTENT)
}
