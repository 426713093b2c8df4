//! Research studies and their pseudonymised exports (docs/research.md).

use super::extract::{ApiJson, ApiPath};
use crate::download::stream_study_export;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use onramp_domain::policy::Action;
use onramp_domain::research::StudyInput;
use onramp_store::studies::Study;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct StudyView {
    pub id: Uuid,
    pub title: String,
    /// The period: trajectories overlapping it are in the study.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The smallest class of equal quasi-identifiers the export releases.
    pub k: i32,
    pub programme_ids: Vec<Uuid>,
    /// The researchers' accounts that download the export.
    pub researcher_ids: Vec<Uuid>,
    /// Where the export is downloaded.
    pub export: String,
}

impl From<Study> for StudyView {
    fn from(s: Study) -> Self {
        StudyView {
            export: format!("/api/v1/studies/{}/export", s.id),
            id: s.id,
            title: s.title,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            k: s.k,
            programme_ids: s.programme_ids,
            researcher_ids: s.researcher_ids,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StudyBody {
    pub title: String,
    /// YYYY-MM-DD.
    pub starts_on: String,
    /// YYYY-MM-DD, not before `starts_on`.
    pub ends_on: String,
    /// 2 to 100; left out: 5.
    pub k: Option<i32>,
    /// At least one programme.
    pub programme_ids: Vec<String>,
    /// Accounts with the role `researcher`.
    pub researcher_ids: Vec<String>,
}

impl StudyBody {
    fn parse(&self) -> Result<StudyInput, AppError> {
        let k = self.k.map(|k| k.to_string()).unwrap_or_default();
        Ok(StudyInput::parse(
            &self.title,
            &self.starts_on,
            &self.ends_on,
            &k,
            &self.programme_ids,
            &self.researcher_ids,
        )?)
    }
}

/// The studies you may see: all for administrators, your own for researchers.
#[utoipa::path(get, path = "/api/v1/studies", tag = "studies",
    responses(
        (status = 200, body = Vec<StudyView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<StudyView>>, AppError> {
    let studies = service::studies::list(&state, &ctx).await?;
    Ok(Json(studies.into_iter().map(StudyView::from).collect()))
}

/// Creates a study (administrators). onramp makes the study's secret for its pseudonyms.
#[utoipa::path(post, path = "/api/v1/studies", tag = "studies", request_body = StudyBody,
    responses(
        (status = 201, body = StudyView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing title or programme, a bad period or k, an account that is not a researcher", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<StudyBody>,
) -> Result<(StatusCode, Json<StudyView>), AppError> {
    // The policy first: a refused caller learns nothing from field errors.
    service::require(&ctx.actor, Action::ManageStudies)?;
    let input = body.parse()?;
    Ok((
        StatusCode::CREATED,
        Json(service::studies::create(&state, &ctx, input).await?.into()),
    ))
}

/// One study: administrators, and the researchers on it (to others it does not exist).
#[utoipa::path(get, path = "/api/v1/studies/{id}", tag = "studies",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = StudyView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<StudyView>, AppError> {
    Ok(Json(service::studies::get(&state, &ctx, id).await?.into()))
}

/// Changes a study (administrators); its secret, and so its pseudonyms, stay.
#[utoipa::path(put, path = "/api/v1/studies/{id}", tag = "studies", request_body = StudyBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = StudyView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<StudyBody>,
) -> Result<Json<StudyView>, AppError> {
    service::require(&ctx.actor, Action::ManageStudies)?;
    let input = body.parse()?;
    Ok(Json(service::studies::update(&state, &ctx, id, input).await?.into()))
}

/// The study's pseudonymised export: a ZIP of one CSV per table (participants, trajectories,
/// phases, exits, outcomes, barriers, check_ins, sessions, icf_ratings) with `datapackage.json`
/// (Frictionless) and `codebook.csv`. Only participants whose research consent stands; every
/// released combination of quasi-identifiers is shared by at least k of them. Audited.
#[utoipa::path(get, path = "/api/v1/studies/{id}/export", tag = "studies",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "ZIP archive, streamed. The headers x-onramp-released, x-onramp-generalised and x-onramp-withheld count the participants released (of whom generalised) and withheld by the k-anonymity check", content_type = "application/zip"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export(State(state): State<AppState>, ctx: Ctx, ApiPath(id): ApiPath<Uuid>) -> Result<Response, AppError> {
    stream_study_export(state, ctx, id).await
}
