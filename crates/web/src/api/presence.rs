//! Presence actions ("being present") and their kinds.

use super::extract::{ApiJson, ApiPath, ApiQuery, number_text};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::presence::{self as service, PresenceYear};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::organisations::parse_id;
use onramp_domain::presence::PresenceFields;
use onramp_store::presence::{PresenceAction, PresenceKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceKindView {
    pub code: String,
    /// For built-in kinds, the English name; pages show them in the user's language.
    pub name: String,
    pub built_in: bool,
}

impl From<PresenceKind> for PresenceKindView {
    fn from(k: PresenceKind) -> Self {
        PresenceKindView {
            code: k.code,
            name: k.name,
            built_in: k.built_in,
        }
    }
}

/// The kinds of presence action: the seeds' three and those administrators added.
#[utoipa::path(get, path = "/api/v1/presence-kinds", tag = "activities", responses((status = 200, body = Vec<PresenceKindView>)))]
pub async fn kinds(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<Vec<PresenceKindView>>, AppError> {
    Ok(Json(
        service::kinds(&state).await?.into_iter().map(Into::into).collect(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PresenceKindBody {
    /// Lower case letters, digits and `_`, e.g. `job_fair`.
    pub code: String,
    pub name: String,
}

/// Adds a kind of presence action (administrators).
#[utoipa::path(post, path = "/api/v1/presence-kinds", tag = "activities", request_body = PresenceKindBody,
    responses(
        (status = 201, body = PresenceKindView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_kind(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<PresenceKindBody>,
) -> Result<(StatusCode, Json<PresenceKindView>), AppError> {
    let kind = service::add_kind(&state, &ctx, &body.code, &body.name).await?;
    Ok((StatusCode::CREATED, Json(kind.into())))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PresenceBody {
    /// A presence kind's code, e.g. `info_point`.
    pub kind: String,
    pub organisation_id: String,
    pub location_id: Option<String>,
    /// YYYY-MM-DD, not in the future.
    pub on: String,
    /// Whole minutes, 1 to 600.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 600)]
    pub minutes: Option<i64>,
    /// People reached, counted without names (0 to 100 000).
    #[schema(value_type = i64, required = true, minimum = 0, maximum = 100000)]
    pub reached: Option<i64>,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceView {
    pub id: Uuid,
    pub kind: String,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub on: NaiveDate,
    pub minutes: i32,
    pub led_by: Uuid,
    pub led_by_name: String,
    pub reached: i32,
    /// People reached who became participants (linked to the action).
    pub became_participants: i64,
    pub description: Option<String>,
}

impl From<PresenceAction> for PresenceView {
    fn from(a: PresenceAction) -> Self {
        PresenceView {
            id: a.id,
            kind: a.kind,
            organisation_id: a.organisation_id,
            location_id: a.location_id,
            location_name: a.location_name,
            on: a.on_date,
            minutes: a.minutes,
            led_by: a.led_by,
            led_by_name: a.led_by_name,
            reached: a.reached,
            became_participants: a.became_participants,
            description: a.description,
        }
    }
}

/// Records a presence action you led at one of your partners; its duration counts as group hours.
#[utoipa::path(post, path = "/api/v1/presence-actions", tag = "activities", request_body = PresenceBody,
    responses(
        (status = 201, body = PresenceView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<PresenceBody>,
) -> Result<(StatusCode, Json<PresenceView>), AppError> {
    let fields = PresenceFields {
        kind: body.kind,
        organisation_id: body.organisation_id,
        location_id: body.location_id.unwrap_or_default(),
        on: body.on,
        minutes: number_text(body.minutes),
        reached: number_text(body.reached),
        description: body.description.unwrap_or_default(),
    };
    Ok((
        StatusCode::CREATED,
        Json(service::add(&state, &ctx, &fields).await?.into()),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LinkBody {
    pub participant_id: String,
}

/// Records that a participant you follow came through this action.
#[utoipa::path(post, path = "/api/v1/presence-actions/{id}/participants", tag = "activities", request_body = LinkBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Linked"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn link(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<StatusCode, AppError> {
    let participant = parse_id(&body.participant_id).map_err(|code| AppError::invalid("participant_id", code))?;
    service::link(&state, &ctx, id, participant).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The calendar year (2000-2100); this year when absent.
    pub year: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceYearView {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub year: i32,
    pub actions: Vec<PresenceView>,
    pub reached: i64,
    pub became_participants: i64,
    /// People to reach by the agreements running in the year.
    pub reach_target: i64,
    pub fte: f64,
    pub reached_per_fte: Option<f64>,
    /// The seeds' norm: 200 reached a year per coach FTE.
    pub norm_per_fte: i64,
}

impl From<PresenceYear> for PresenceYearView {
    fn from(y: PresenceYear) -> Self {
        PresenceYearView {
            organisation_id: y.organisation_id,
            organisation_name: y.organisation_name,
            year: y.year,
            actions: y.actions.into_iter().map(Into::into).collect(),
            reached: y.reached,
            became_participants: y.became_participants,
            reach_target: y.reach_target,
            fte: y.fte,
            reached_per_fte: y.reached_per_fte,
            norm_per_fte: y.norm_per_fte,
        }
    }
}

/// A partner's presence actions in a year and its reach against the agreements and the norm.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/presence", tag = "activities", params(("id" = Uuid, Path), YearQuery),
    responses(
        (status = 200, body = PresenceYearView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn year(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<PresenceYearView>, AppError> {
    let year = crate::requests::period::Year::parse(query.year.as_deref())?.0;
    Ok(Json(service::year(&state, &ctx, id, year).await?.into()))
}
