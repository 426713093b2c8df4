//! Anonymisation, erasure, legal holds and the files due for retention (administrators and the
//! data protection officer; docs/retention.md).

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::{erasure as service, retention};
use crate::state::AppState;
use crate::time::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::erasure::{Treatment, parse_reason};
use onramp_store::erasure::Done;
use onramp_store::retention::{Due, Hold};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why a file is anonymised, erased or held.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReasonBody {
    /// Required, at most 500 characters. Kept in the audit log (and, for an anonymisation, on the
    /// file): write it without identifying data, e.g. "request of the person, 2026-12-01".
    pub reason: String,
}

/// What an anonymisation or an erasure did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TreatmentView {
    pub participant_id: Uuid,
    /// anonymised or erased
    pub outcome: String,
    pub at: Option<DateTime<Utc>>,
    /// The person's trajectories: kept without free text (anonymised) or deleted (erased).
    pub trajectories: usize,
    /// Audit entries whose before/after images of the person were redacted.
    pub redacted_entries: usize,
}

impl TreatmentView {
    fn new(done: Done, treatment: Treatment) -> Self {
        TreatmentView {
            participant_id: done.participant_id,
            outcome: match treatment {
                Treatment::Anonymise => "anonymised",
                Treatment::Erase => "erased",
            }
            .to_owned(),
            at: done.at,
            trajectories: done.trajectories,
            redacted_entries: done.redacted_entries,
        }
    }
}

async fn treat(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    body: &ReasonBody,
    treatment: Treatment,
) -> Result<TreatmentView, AppError> {
    // Refused roles and unknown files first: field errors only for those who may send the request.
    let mut conn = state.db.conn().await?;
    service::authorise(&mut conn, ctx, id).await?;
    drop(conn);
    let reason = parse_reason(&body.reason)?;
    let done = service::treat(state, ctx, id, treatment, &reason).await?;
    Ok(TreatmentView::new(done, treatment))
}

/// Anonymises a participant: names, register number, contact data and every free text about
/// them removed, coded facts kept, so that every figure stays the same; the audit log's images
/// of the person are redacted in the same step. The file can no longer be opened (404).
#[utoipa::path(post, path = "/api/v1/participants/{id}/anonymisation", tag = "data protection",
    request_body = ReasonBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = TreatmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Under a legal hold, or anonymised already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn anonymise(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<TreatmentView>, AppError> {
    Ok(Json(treat(&state, &ctx, id, &body, Treatment::Anonymise).await?))
}

/// Deletes a file registered by mistake, with every record of the person, in one transaction;
/// the reason comes in the body (not the query: addresses end up in logs).
#[utoipa::path(delete, path = "/api/v1/participants/{id}", tag = "data protection",
    request_body = ReasonBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = TreatmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Under a legal hold", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn erase(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<TreatmentView>, AppError> {
    Ok(Json(treat(&state, &ctx, id, &body, Treatment::Erase).await?))
}

/// A legal hold on a file.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldView {
    pub reason: String,
    pub since: DateTime<Utc>,
}

impl From<Hold> for HoldView {
    fn from(h: Hold) -> Self {
        HoldView {
            reason: h.reason,
            since: h.since,
        }
    }
}

/// A file whose retention date falls within 90 days, or has passed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueView {
    pub participant_id: Uuid,
    /// Where the person was registered.
    pub organisation_name: String,
    /// The day the last trajectory ended (the registration day for a file without one).
    pub last_ended: NaiveDate,
    /// Kept up to and including this day; the daily run anonymises it after.
    pub retention_until: NaiveDate,
    pub past_due: bool,
    pub legal_hold: Option<HoldView>,
}

/// The files due for anonymisation within 90 days, and those past due (kept by a legal hold, or
/// waiting for tonight's run), soonest first. No names: the list is about dates.
#[utoipa::path(get, path = "/api/v1/retention", tag = "data protection",
    responses(
        (status = 200, body = Vec<DueView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn due(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<DueView>>, AppError> {
    let today = today();
    let due = retention::due(&state, &ctx, today).await?;
    Ok(Json(due.into_iter().map(|d| view(d, today)).collect()))
}

fn view(d: Due, today: NaiveDate) -> DueView {
    DueView {
        participant_id: d.participant_id,
        organisation_name: d.organisation_name,
        last_ended: d.last_ended,
        retention_until: d.until,
        past_due: d.until < today,
        legal_hold: d.hold.map(HoldView::from),
    }
}

/// Puts a file under a legal hold (or changes the hold's reason): it is kept past its retention
/// date until the hold is lifted, and cannot be anonymised or erased meanwhile.
#[utoipa::path(put, path = "/api/v1/participants/{id}/legal-hold", tag = "data protection",
    request_body = ReasonBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = HoldView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Anonymised already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn hold(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<HoldView>, AppError> {
    let mut conn = state.db.conn().await?;
    service::authorise(&mut conn, &ctx, id).await?;
    drop(conn);
    let reason = parse_reason(&body.reason)?;
    Ok(Json(retention::hold(&state, &ctx, id, &reason).await?.into()))
}

/// Lifts a file's legal hold; 204 also when it had none.
#[utoipa::path(delete, path = "/api/v1/participants/{id}/legal-hold", tag = "data protection",
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Lifted"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn lift(State(state): State<AppState>, ctx: Ctx, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, AppError> {
    retention::lift(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
