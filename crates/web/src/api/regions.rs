use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use onramp_domain::regions::RegionInput;
use onramp_store::regions::Region;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    pub id: Uuid,
    /// Short code, e.g. `limburg`.
    pub code: String,
    pub name: String,
}

impl From<Region> for RegionView {
    fn from(region: Region) -> Self {
        RegionView {
            id: region.id,
            code: region.code,
            name: region.name,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegionBody {
    /// Lower-case letters, digits and dashes.
    pub code: String,
    pub name: String,
}

/// All regions, by name.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions",
    responses(
        (status = 200, body = Vec<RegionView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<RegionView>>, AppError> {
    let regions = service::regions::list(&state, &ctx).await?;
    Ok(Json(regions.into_iter().map(RegionView::from).collect()))
}

/// Creates a region (administrators).
#[utoipa::path(post, path = "/api/v1/regions", tag = "regions", request_body = RegionBody,
    responses(
        (status = 201, body = RegionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or taken code, missing name", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<RegionBody>,
) -> Result<(StatusCode, Json<RegionView>), AppError> {
    // The policy first: a refused caller learns nothing from field errors.
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::ManageRegions)?;
    let input = RegionInput::parse(&body.code, &body.name)?;
    Ok((
        StatusCode::CREATED,
        Json(service::regions::create(&state, &ctx, input).await?.into()),
    ))
}

/// Renames a region or changes its code (administrators).
#[utoipa::path(put, path = "/api/v1/regions/{id}", tag = "regions", request_body = RegionBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = RegionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RegionBody>,
) -> Result<Json<RegionView>, AppError> {
    let input = RegionInput::parse(&body.code, &body.name)?;
    Ok(Json(service::regions::update(&state, &ctx, id, input).await?.into()))
}
