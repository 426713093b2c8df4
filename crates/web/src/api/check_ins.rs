//! Check-ins after exit: what falls due, and recording one.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::trajectories::TrajectoryView;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::check_ins as service;
use crate::service::check_ins as trajectory_service;
use crate::state::AppState;
use crate::time::today;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub programme_name: String,
    pub months_after_exit: i32,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub contact_made: Option<bool>,
    /// in_employment, improved_situation, in_education, job_searching, none_of_these
    pub situation: Option<String>,
    pub needs_more_service: Option<bool>,
    pub note: Option<String>,
    /// Closed without being held, and why: `re_entered` (the person came back as a new
    /// trajectory, which has its own schedule); `done_on` is then the day it closed.
    pub closed_as: Option<String>,
    /// Where the person went when the trajectory ended with a handover to job mediation: the
    /// receiving organisation and its service (the follow-up continues there).
    pub mediation_organisation_name: Option<String>,
    pub mediation_service: Option<String>,
}

impl From<onramp_store::check_ins::CheckIn> for CheckInView {
    fn from(c: onramp_store::check_ins::CheckIn) -> Self {
        CheckInView {
            id: c.id,
            trajectory_id: c.trajectory_id,
            participant_id: c.participant_id,
            participant_name: c.participant_name,
            programme_name: c.programme_name,
            months_after_exit: c.months_after_exit,
            due_on: c.due_on,
            done_on: c.done_on,
            contact_made: c.contact_made,
            situation: c.situation,
            needs_more_service: c.needs_more_service,
            note: c.note,
            closed_as: c.closed_as,
            mediation_organisation_name: c.mediation_organisation_name,
            mediation_service: c.mediation_service,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// YYYY-MM-DD; 30 days from today when absent. Overdue check-ins are always included.
    pub until: Option<String>,
}

/// Check-ins after exit that are due (or overdue) in your caseload, soonest first.
#[utoipa::path(get, path = "/api/v1/check-ins/due", tag = "trajectories", params(DueQuery),
    responses(
        (status = 200, body = Vec<CheckInView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn due_check_ins(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DueQuery>,
) -> Result<Json<Vec<CheckInView>>, AppError> {
    let until = match query.until.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(u) => onramp_domain::participants::parse_date(u).map_err(|code| AppError::invalid("until", code))?,
        None => today() + chrono::Days::new(30),
    };
    let list = service::due_check_ins(&state, &ctx, until).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CheckInBody {
    /// YYYY-MM-DD, not in the future.
    pub done_on: String,
    pub contact_made: bool,
    /// Required when contact was made: in_employment, improved_situation, in_education, job_searching,
    /// none_of_these.
    pub situation: Option<String>,
    /// The person needs more service: they re-enter at once as a new trajectory.
    pub needs_more_service: bool,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInRecorded {
    pub check_in: CheckInView,
    /// The new trajectory when more service was needed.
    pub reentry: Option<TrajectoryView>,
}

/// Records a check-in after exit; with `needs_more_service` the person re-enters as a new trajectory.
#[utoipa::path(post, path = "/api/v1/check-ins/{id}", tag = "trajectories", request_body = CheckInBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CheckInRecorded),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CheckInBody>,
) -> Result<Json<CheckInRecorded>, AppError> {
    let input = onramp_domain::outcomes::CheckInInput::parse(
        &body.done_on,
        body.contact_made,
        body.situation.as_deref().unwrap_or_default(),
        body.needs_more_service,
        body.note.as_deref().unwrap_or_default(),
        today(),
    );
    let (check_in, reentry) = trajectory_service::record_check_in(&state, &ctx, id, input).await?;
    let reentry = match reentry {
        Some(t) => Some(super::trajectories::view(&state, &ctx, t).await?),
        None => None,
    };
    Ok(Json(CheckInRecorded {
        check_in: check_in.into(),
        reentry,
    }))
}
