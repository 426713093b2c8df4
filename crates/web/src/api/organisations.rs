use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use onramp_domain::organisations::{LocationInput, OrganisationInput};
use onramp_store::locations::Location;
use onramp_store::organisations::Organisation;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: Uuid,
    pub name: String,
    /// provider, rehabilitation_hospital, pain_clinic, university_clinic, welfare_centre,
    /// activity_centre, occupational_health_service, sickness_fund, public_employment_service, other
    pub kind: String,
    pub region_id: Option<Uuid>,
    pub region_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        OrganisationView {
            id: o.id,
            name: o.name,
            kind: o.kind.as_str().to_owned(),
            region_id: o.region_id,
            region_name: o.region_name,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
}

impl From<Location> for LocationView {
    fn from(l: Location) -> Self {
        LocationView {
            id: l.id,
            organisation_id: l.organisation_id,
            name: l.name,
            address: l.address,
            postcode: l.postcode,
            city: l.city,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDetail {
    #[serde(flatten)]
    pub organisation: OrganisationView,
    pub locations: Vec<LocationView>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrganisationBody {
    pub name: String,
    pub kind: String,
    /// Required for care partners; optional for the provider and national bodies.
    pub region_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LocationBody {
    pub name: String,
    pub address: Option<String>,
    /// Belgian postcode, four digits.
    pub postcode: Option<String>,
    pub city: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// Part of the name (accents and case ignored).
    pub q: Option<String>,
    pub kind: Option<String>,
    pub region_id: Option<String>,
}

impl OrganisationBody {
    fn parse(&self) -> Result<OrganisationInput, AppError> {
        Ok(OrganisationInput::parse(
            &self.name,
            &self.kind,
            self.region_id.as_deref().unwrap_or(""),
        )?)
    }
}

impl LocationBody {
    fn parse(&self) -> Result<LocationInput, AppError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(LocationInput::parse(
            &self.name,
            &text(&self.address),
            &text(&self.postcode),
            &text(&self.city),
        )?)
    }
}

/// The organisations the user may see: all for administrators, their regions'
/// for coordinators, their own for coaches and care teams.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(ListQuery),
    responses(
        (status = 200, body = Vec<OrganisationView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<OrganisationView>>, AppError> {
    let filter = crate::requests::lists::organisation_filter(
        query.q.as_deref(),
        query.kind.as_deref(),
        query.region_id.as_deref(),
    )?;
    let organisations = service::organisations::list(&state, &ctx, &filter).await?;
    Ok(Json(organisations.into_iter().map(OrganisationView::from).collect()))
}

/// Creates an organisation (administrators).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = OrganisationBody,
    responses(
        (status = 201, body = OrganisationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<OrganisationBody>,
) -> Result<(StatusCode, Json<OrganisationView>), AppError> {
    // The policy first: a refused caller learns nothing from field errors.
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::CreateOrganisation)?;
    let input = body.parse()?;
    Ok((
        StatusCode::CREATED,
        Json(service::organisations::create(&state, &ctx, input).await?.into()),
    ))
}

/// One organisation with its locations. Outside the user's scope: 404.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = OrganisationDetail),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<OrganisationDetail>, AppError> {
    let (organisation, locations) = service::organisations::get(&state, &ctx, id).await?;
    Ok(Json(OrganisationDetail {
        organisation: organisation.into(),
        locations: locations.into_iter().map(LocationView::from).collect(),
    }))
}

/// Changes an organisation (administrators).
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "organisations", request_body = OrganisationBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = OrganisationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OrganisationBody>,
) -> Result<Json<OrganisationView>, AppError> {
    let input = body.parse()?;
    Ok(Json(
        service::organisations::update(&state, &ctx, id, input).await?.into(),
    ))
}

/// Adds a location to an organisation (administrators).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/locations", tag = "organisations", request_body = LocationBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = LocationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_location(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<LocationBody>,
) -> Result<(StatusCode, Json<LocationView>), AppError> {
    let input = body.parse()?;
    let location = service::organisations::add_location(&state, &ctx, id, input).await?;
    Ok((StatusCode::CREATED, Json(location.into())))
}

/// Changes a location (administrators).
#[utoipa::path(put, path = "/api/v1/locations/{id}", tag = "organisations", request_body = LocationBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = LocationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_location(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<LocationBody>,
) -> Result<Json<LocationView>, AppError> {
    let input = body.parse()?;
    Ok(Json(
        service::organisations::update_location(&state, &ctx, id, input)
            .await?
            .into(),
    ))
}
