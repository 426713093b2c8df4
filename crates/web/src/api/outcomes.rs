//! Steps to work and other outcomes.

use super::extract::{ApiJson, ApiPath, number_text};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::outcomes as trajectory_service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OutcomeBody {
    /// One of the participant's trajectories.
    pub trajectory_id: String,
    /// vet_course, workplace_training, volunteer_work, same_employer, new_employer, self_employment,
    /// job_retained or qualification
    pub kind: String,
    /// YYYY-MM-DD, not in the future and not before the trajectory started.
    pub on: String,
    /// 1 to 60.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 60)]
    pub hours_per_week: Option<i64>,
    /// For paid work: permanent, fixed_term, temporary, sheltered or none.
    pub contract: Option<String>,
    /// The employer, school or organisation.
    pub place: Option<String>,
    /// With support (a job coach at work, adjustments, supported employment).
    pub with_support: bool,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub kind: String,
    /// Counts as "took a step towards work" (see docs/outcomes.md).
    pub step_to_work: bool,
    /// Counts as "in paid work".
    pub paid_work: bool,
    pub on: NaiveDate,
    pub hours_per_week: Option<i32>,
    pub contract: Option<String>,
    pub place: Option<String>,
    pub with_support: bool,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
}

impl From<onramp_store::outcomes::Outcome> for OutcomeView {
    fn from(o: onramp_store::outcomes::Outcome) -> Self {
        let kind = onramp_domain::outcomes::OutcomeKind::parse(&o.kind).ok();
        OutcomeView {
            step_to_work: kind.is_some_and(|k| k.is_step_to_work()),
            paid_work: kind.is_some_and(|k| k.is_paid_work()),
            id: o.id,
            trajectory_id: o.trajectory_id,
            kind: o.kind,
            on: o.on_date,
            hours_per_week: o.hours_per_week,
            contract: o.contract,
            place: o.place,
            with_support: o.with_support,
            note: o.note,
            recorded_by: o.recorded_by_name,
        }
    }
}

/// Records a step to work or another outcome on one of the participant's trajectories.
#[utoipa::path(post, path = "/api/v1/participants/{id}/outcomes", tag = "trajectories", request_body = OutcomeBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = OutcomeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OutcomeBody>,
) -> Result<(StatusCode, Json<OutcomeView>), AppError> {
    let fields = onramp_domain::outcomes::OutcomeFields {
        trajectory_id: body.trajectory_id,
        kind: body.kind,
        on: body.on,
        hours_per_week: number_text(body.hours_per_week),
        contract: body.contract.unwrap_or_default(),
        place: body.place.unwrap_or_default(),
        with_support: body.with_support,
        note: body.note.unwrap_or_default(),
    };
    let outcome = trajectory_service::add_outcome(&state, &ctx, id, &fields).await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}
