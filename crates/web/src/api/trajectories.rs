//! Trajectories: start, change phase, hand over, exit.

use super::extract::{ApiJson, ApiPath};
use crate::builtin_names::StepNames;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::trajectories::{self as trajectory_service, StartFields, status_text};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_store::trajectories::{Event, Trajectory};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct TrajectoryView {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub started_on: NaiveDate,
    /// The programme's maximum duration after the start.
    pub ends_by: NaiveDate,
    /// within, approaching (less than 60 days, or a sixth of the maximum, left) or exceeded; absent once ended.
    pub duration_status: Option<String>,
    /// The phase's code in its programme (stable).
    pub phase: String,
    /// The phase's name, in your language.
    pub phase_name: String,
    pub phase_since: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    /// The ESF+ situation upon leaving, when recorded.
    pub exit_situation: Option<String>,
    /// After a handover to job mediation (exit reason `job_mediation`): the receiving organisation.
    pub mediation_organisation_id: Option<Uuid>,
    pub mediation_organisation_name: Option<String>,
    /// The service there.
    pub mediation_service: Option<String>,
    pub last_contact_on: Option<NaiveDate>,
}

impl TrajectoryView {
    /// The trajectory, its phase named in the reader's language.
    pub fn new(t: Trajectory, names: &StepNames) -> Self {
        TrajectoryView {
            phase_name: names.phase(t.programme_id, &t.phase),
            duration_status: status_text(t.started_on, t.ends_by, t.ended_on.is_some()),
            id: t.id,
            participant_id: t.participant_id,
            programme_id: t.programme_id,
            programme_name: t.programme_name,
            organisation_id: t.organisation_id,
            organisation_name: t.organisation_name,
            location_id: t.location_id,
            location_name: t.location_name,
            coach_id: t.coach_id,
            coach_name: t.coach_name,
            started_on: t.started_on,
            ends_by: t.ends_by,
            phase: t.phase,
            phase_since: t.phase_since,
            ended_on: t.ended_on,
            exit_reason: t.exit_reason,
            exit_situation: t.exit_situation,
            mediation_organisation_id: t.mediation_organisation_id,
            mediation_organisation_name: t.mediation_organisation_name,
            mediation_service: t.mediation_service,
            last_contact_on: t.last_contact_on,
        }
    }
}

/// A trajectory as an answer says it, its phase named in the caller's language.
pub async fn view(state: &AppState, ctx: &Ctx, t: Trajectory) -> Result<TrajectoryView, AppError> {
    let names = crate::service::programmes::step_names(state, ctx).await?;
    Ok(TrajectoryView::new(t, &names))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub trajectory_id: Uuid,
    /// start, phase, handover or exit
    pub kind: String,
    pub on: NaiveDate,
    pub from: Option<String>,
    pub to: Option<String>,
    /// For a phase change: the names of `from` and `to` in your language.
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    pub note: Option<String>,
    pub by: Option<String>,
}

impl EventView {
    /// The event; a phase change names its phases (of `programme`) in the reader's language.
    pub fn named(e: Event, programme: Option<Uuid>, names: &StepNames) -> Self {
        let name = |code: &Option<String>| match (e.kind.as_str(), programme, code) {
            ("phase", Some(programme), Some(code)) => Some(names.phase(programme, code)),
            _ => None,
        };
        let (from_name, to_name) = (name(&e.from_value), name(&e.to_value));
        EventView {
            from_name,
            to_name,
            trajectory_id: e.trajectory_id,
            kind: e.kind,
            on: e.on_date,
            from: e.from_value,
            to: e.to_value,
            note: e.note,
            by: e.by_name,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StartBody {
    pub programme_id: String,
    /// The partner organisation where the trajectory runs.
    pub organisation_id: String,
    pub location_id: Option<String>,
    /// The responsible coach; you, when you are a coach and leave it out.
    pub coach_id: Option<String>,
    /// YYYY-MM-DD
    pub started_on: String,
}

/// Starts a trajectory in a programme (re-entry after an earlier one is normal).
#[utoipa::path(post, path = "/api/v1/participants/{id}/trajectories", tag = "trajectories", request_body = StartBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = TrajectoryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn start_trajectory(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<(StatusCode, Json<TrajectoryView>), AppError> {
    let fields = StartFields {
        programme_id: body.programme_id,
        organisation_id: body.organisation_id,
        location_id: body.location_id.unwrap_or_default(),
        coach_id: body.coach_id.unwrap_or_default(),
        started_on: body.started_on,
    };
    let started = trajectory_service::start(&state, &ctx, id, &fields).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &ctx, started).await?)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PhaseBody {
    /// A phase code of the trajectory's programme.
    pub phase: String,
    /// YYYY-MM-DD
    pub on: String,
    pub note: Option<String>,
}

/// Moves a trajectory to another phase of its programme; the change is kept in its history.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/phase", tag = "trajectories", request_body = PhaseBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PhaseBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let note = body.note.unwrap_or_default();
    let changed = trajectory_service::change_phase(&state, &ctx, id, &body.phase, &body.on, &note).await?;
    Ok(Json(view(&state, &ctx, changed).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HandoverBody {
    /// The new responsible coach or job mediator: an active coach who works at the trajectory's
    /// partner (else 422 `coach-not-at-partner`, naming the partner). A handover to job mediation
    /// elsewhere is an exit with reason `job_mediation`.
    pub coach_id: String,
    /// YYYY-MM-DD
    pub on: String,
    pub note: Option<String>,
}

/// Hands a trajectory over to another coach or job mediator; the trajectory goes on.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/handover", tag = "trajectories", request_body = HandoverBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn hand_over(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<HandoverBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let note = body.note.unwrap_or_default();
    let handed = trajectory_service::hand_over(&state, &ctx, id, &body.coach_id, &body.on, &note).await?;
    Ok(Json(view(&state, &ctx, handed).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExitBody {
    /// YYYY-MM-DD
    pub on: String,
    /// completed, work, training, job_mediation (a handover to job mediation), declined, health_worsened,
    /// unreachable, moved_away, maximum_duration, other
    pub reason: String,
    /// The situation upon leaving (ESF+): job_searching, in_education, gained_qualification, in_employment,
    /// none_of_these. Optional.
    pub situation: Option<String>,
    /// For `job_mediation` (required then, ignored otherwise): the receiving organisation, the public
    /// employment service or a provider with its own job mediation.
    pub mediation_organisation_id: Option<String>,
    /// For `job_mediation` (required then, ignored otherwise): the service there, e.g. "GTB job coaching".
    pub mediation_service: Option<String>,
    pub note: Option<String>,
}

/// Ends a trajectory.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/exit", tag = "trajectories", request_body = ExitBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn exit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ExitBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let fields = trajectory_service::ExitFields {
        on: body.on,
        reason: body.reason,
        situation: body.situation.unwrap_or_default(),
        mediation_organisation_id: body.mediation_organisation_id.unwrap_or_default(),
        mediation_service: body.mediation_service.unwrap_or_default(),
        note: body.note.unwrap_or_default(),
    };
    let ended = trajectory_service::exit(&state, &ctx, id, &fields).await?;
    Ok(Json(view(&state, &ctx, ended).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LeavingSituationBody {
    /// The situation upon leaving (ESF+ EECR01-EECR04): job_searching, in_education,
    /// gained_qualification, in_employment, none_of_these.
    pub situation: String,
}

/// Records or corrects the situation upon leaving of an ended trajectory, up to four weeks after
/// its exit (422 `leaving-situation-closed` after that, `trajectory-not-ended` before the exit).
#[utoipa::path(put, path = "/api/v1/trajectories/{id}/leaving-situation", tag = "trajectories", request_body = LeavingSituationBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn leaving_situation(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<LeavingSituationBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let recorded = trajectory_service::record_leaving_situation(&state, &ctx, id, &body.situation).await?;
    Ok(Json(view(&state, &ctx, recorded).await?))
}
