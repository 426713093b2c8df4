//! Consents of a participant: give (possibly up to an end date) and withdraw.

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::consents as service;
use crate::state::AppState;
use crate::time::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::consents::{ConsentFields, ConsentInput};
use onramp_store::consents::Consent;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    pub id: Uuid,
    /// participation, share_care_team or research
    pub purpose: String,
    /// For share_care_team: the partner whose care team may see the file.
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    pub version: String,
    pub given_on: NaiveDate,
    /// The last day it holds, when given for a limited time; from the day after, it counts as
    /// withdrawn.
    pub ends_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    /// Whether it holds today: not withdrawn, and not past `ends_on`.
    pub in_force: bool,
}

impl From<Consent> for ConsentView {
    fn from(c: Consent) -> Self {
        ConsentView {
            id: c.id,
            purpose: c.purpose,
            organisation_id: c.organisation_id,
            organisation_name: c.organisation_name,
            version: c.version,
            given_on: c.given_on,
            ends_on: c.ends_on,
            withdrawn_on: c.withdrawn_on,
            in_force: onramp_domain::consents::lapse(c.withdrawn_on, c.ends_on, today()).is_none(),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ConsentBody {
    /// participation, share_care_team or research
    pub purpose: String,
    /// Required for share_care_team: the partner whose care team may see the file.
    pub organisation_id: Option<String>,
    /// The version of the consent text, e.g. "2026-01".
    pub version: String,
    /// YYYY-MM-DD
    pub given_on: String,
    /// YYYY-MM-DD, not before `given_on`: the last day the consent holds, when the person gives it
    /// for a limited time. From the day after, it counts as withdrawn. Absent: until withdrawn.
    pub ends_on: Option<String>,
}

impl ConsentBody {
    /// The body's fields as the domain parses them.
    pub fn fields(&self) -> ConsentFields<'_> {
        ConsentFields {
            purpose: &self.purpose,
            organisation: self.organisation_id.as_deref().unwrap_or(""),
            version: &self.version,
            given_on: &self.given_on,
            ends_on: self.ends_on.as_deref().unwrap_or(""),
        }
    }
}

/// Records a consent.
#[utoipa::path(post, path = "/api/v1/participants/{id}/consents", tag = "participants", request_body = ConsentBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = ConsentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ConsentBody>,
) -> Result<(StatusCode, Json<ConsentView>), AppError> {
    let input = ConsentInput::parse(body.fields(), today());
    let input = match input {
        Ok(input) => input,
        Err(errors) => {
            crate::service::participants::may_edit(&state, &ctx, id).await?;
            return Err(AppError::Invalid(errors));
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(service::add_consent(&state, &ctx, id, input).await?.into()),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WithdrawBody {
    /// YYYY-MM-DD; today when absent.
    pub on: Option<String>,
}

/// Records the withdrawal of a consent; sharing based on it stops at once.
#[utoipa::path(post, path = "/api/v1/participants/{id}/consents/{consent_id}/withdraw", tag = "participants", request_body = WithdrawBody,
    params(("id" = Uuid, Path), ("consent_id" = Uuid, Path)),
    responses(
        (status = 200, body = ConsentView),
        (status = 404, description = "No such consent, or already withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, consent_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<ConsentView>, AppError> {
    let on = match body.on.as_deref().filter(|v| !v.trim().is_empty()) {
        None => today(),
        Some(value) => onramp_domain::participants::parse_date(value).map_err(|code| AppError::invalid("on", code))?,
    };
    Ok(Json(
        service::withdraw_consent(&state, &ctx, id, consent_id, on)
            .await?
            .into(),
    ))
}
