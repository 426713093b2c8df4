use super::account::UserView;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::users::{self, UserFields};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use onramp_store::users::ListedUser;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(default)]
pub struct UserBody {
    pub email: String,
    pub display_name: String,
    /// administrator, coordinator, coach, care_team, peer_expert, funder or researcher
    pub role: String,
    /// nl (default), fr or en
    pub language: String,
    pub active: bool,
    /// Organisation ids; required for coaches, care-team members and peer experts.
    pub organisations: Vec<String>,
    /// Region ids; required for coordinators.
    pub regions: Vec<String>,
    /// Initial password (at least 12 characters); only on creation.
    pub password: Option<String>,
}

impl Default for UserBody {
    fn default() -> Self {
        UserBody {
            email: String::new(),
            display_name: String::new(),
            role: String::new(),
            language: String::new(),
            active: true,
            organisations: Vec::new(),
            regions: Vec::new(),
            password: None,
        }
    }
}

impl UserBody {
    fn fields(&self) -> UserFields {
        UserFields {
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role.clone(),
            language: self.language.clone(),
            active: self.active,
            organisations: self.organisations.clone(),
            regions: self.regions.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PasswordResetBody {
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserSummary {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
}

impl From<ListedUser> for UserSummary {
    fn from(u: ListedUser) -> Self {
        UserSummary {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            active: u.active,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// Part of the name or e-mail.
    pub q: Option<String>,
    pub role: Option<String>,
    pub organisation_id: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 200; 50 by default.
    pub limit: Option<i64>,
}

/// User accounts by name, a page at a time (administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListQuery),
    responses(
        (status = 200, body = UserPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<UserPage>, AppError> {
    let filter = crate::requests::lists::user_filter(
        query.q.as_deref(),
        query.role.as_deref(),
        query.organisation_id.as_deref(),
        query.after.as_deref(),
    )?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid("limit", "out-of-range"));
    }
    let mut rows = users::list(&state, &ctx, &filter, limit + 1).await?;
    let next = crate::service::keep_page(&mut rows, limit).map(crate::requests::lists::user_cursor);
    Ok(Json(UserPage {
        users: rows.into_iter().map(UserSummary::from).collect(),
        next,
    }))
}

/// Creates an account (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserBody,
    responses(
        (status = 201, body = UserView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, taken e-mail, missing scope for the role", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    // The policy first: a refused caller learns nothing from field errors.
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::ManageUsers)?;
    let parsed = users::parse(&body.fields());
    let password = body.password.clone().unwrap_or_default();
    let input = match parsed {
        Ok(input) => input,
        Err(mut errors) => {
            if let Err(code) = onramp_domain::identity::NewPassword::parse(&password) {
                errors.add("password", code);
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let user = users::create(&state, &ctx, input, &password).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// One account (administrators).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = UserView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(users::get(&state, &ctx, id).await?.into()))
}

/// Changes an account's profile, role, scope or active state (administrators).
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", request_body = UserBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = UserView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<Json<UserView>, AppError> {
    let input = users::parse(&body.fields())?;
    Ok(Json(users::update(&state, &ctx, id, input).await?.into()))
}

/// Sets a new password for an account and ends its sessions (administrators).
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", request_body = PasswordResetBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Changed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PasswordResetBody>,
) -> Result<StatusCode, AppError> {
    users::reset_password(&state, &ctx, id, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
