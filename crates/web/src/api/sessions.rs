use super::account::UserView;
use super::extract::ApiJson;
use crate::error::{AppError, Problem};
use crate::identity::{Ctx, RequestInfo};
use crate::service::auth::SignIn;
use crate::state::AppState;
use crate::{cookies, service};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(default)]
#[derive(Default)]
pub struct SignInBody {
    pub email: String,
    pub password: String,
    /// For an account with two-factor sign-in: the authenticator app's current code, or one of
    /// the recovery codes.
    pub code: String,
}

/// Signs in and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", security(()),
    request_body = SignInBody,
    responses(
        (status = 201, description = "Signed in; the `onramp_session` cookie is set", body = UserView),
        (status = 400, description = "The body cannot be read (`malformed-body`), or a staff account signs in with a password where that is switched off for staff (`password-sign-in-off`; they sign in through single sign-on, docs/security.md)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown e-mail or wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields; for an account with two-factor sign-in, `code` missing (`required`) or wrong or already used (`wrong-code`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts for this account or address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    info: RequestInfo,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<Response, AppError> {
    let (user, token) = match service::auth::sign_in(&state, &info, &body.email, &body.password, "/").await? {
        SignIn::Done(user, token) => (user, token),
        SignIn::SecondFactor(pending) => {
            let (user, token, _) = service::auth::second_factor(&state, &info, &pending, &body.code).await?;
            (user, token)
        }
    };
    let cookie = cookies::set(cookies::SESSION, &token, None, info.secure_cookies);
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        axum::Json(UserView::from(user)),
    )
        .into_response())
}

/// Signs out: ends the current session.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "sessions",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_out(State(state): State<AppState>, info: RequestInfo, ctx: Ctx) -> Result<Response, AppError> {
    service::auth::sign_out(&state, &ctx).await?;
    let cookie = cookies::clear(cookies::SESSION, info.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
