use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::agreements::{self as service, AgreementDetail};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::agreements::{AgreementFields, AgreementInput, ContactInput, LocationHours};
use onramp_store::agreements::{Agreement, CommittedHours, Contact};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct HoursView {
    pub location_id: Uuid,
    pub location_name: String,
    pub individual: i32,
    pub group: i32,
    pub consultation: i32,
    pub administration: i32,
    pub total: i32,
}

impl From<CommittedHours> for HoursView {
    fn from(h: CommittedHours) -> Self {
        HoursView {
            location_id: h.location_id,
            location_name: h.location_name,
            total: h.hours.total(),
            individual: h.hours.individual,
            group: h.hours.group,
            consultation: h.hours.consultation,
            administration: h.hours.administration,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub signed_on: Option<NaiveDate>,
    /// People to reach per year.
    pub reach_target: i32,
    /// Share of contacted people to take steps to work, in percent (15.0 by the seeds' norm).
    pub steps_target_percent: f64,
    pub fte: f64,
    pub esf_percent: i32,
    pub partner_percent: i32,
    /// The European Social Fund's amount, in cents (the cost-benefit's budget).
    pub esf_amount_cents: Option<i64>,
    /// The partner's own share, in cents.
    pub own_share_cents: Option<i64>,
    pub notes: Option<String>,
    /// Coach hours a year per location.
    pub hours: Vec<HoursView>,
}

impl AgreementView {
    fn new(a: Agreement, hours: Vec<CommittedHours>) -> Self {
        AgreementView {
            id: a.id,
            provider_id: a.provider_id,
            provider_name: a.provider_name,
            partner_id: a.partner_id,
            partner_name: a.partner_name,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            signed_on: a.signed_on,
            reach_target: a.reach_target,
            steps_target_percent: a.steps_target_permille as f64 / 10.0,
            fte: a.fte_hundredths as f64 / 100.0,
            esf_percent: a.esf_percent,
            partner_percent: 100 - a.esf_percent,
            esf_amount_cents: a.esf_amount_cents,
            own_share_cents: a.own_share_cents,
            notes: a.notes,
            hours: hours.into_iter().map(HoursView::from).collect(),
        }
    }
}

impl From<AgreementDetail> for AgreementView {
    fn from(d: AgreementDetail) -> Self {
        AgreementView::new(d.agreement, d.hours)
    }
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementBody {
    /// The provider organisation (kind `provider`).
    pub provider_id: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD
    pub ends_on: String,
    /// YYYY-MM-DD, when signed.
    pub signed_on: Option<String>,
    pub reach_target: Option<i32>,
    /// Percent, e.g. 15 or 12.5.
    pub steps_target_percent: Option<f64>,
    /// e.g. 1 or 0.8
    pub fte: Option<f64>,
    /// Default 80 (the European Social Fund); the partner pays the rest.
    pub esf_percent: Option<i32>,
    /// The European Social Fund's amount in euros with up to two decimals, e.g. 120000.5; left
    /// out: none. The cost-benefit's cost basis "budget" reads it.
    pub esf_amount: Option<f64>,
    /// The partner's own share in euros with up to two decimals.
    pub own_share: Option<f64>,
    pub notes: Option<String>,
}

impl AgreementBody {
    fn parse(&self) -> Result<AgreementInput, AppError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
        let fields = AgreementFields {
            provider_id: self.provider_id.clone(),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            signed_on: text(&self.signed_on),
            reach_target: self.reach_target.map(|n| n.to_string()).unwrap_or_default(),
            steps_target_percent: number(self.steps_target_percent),
            fte: number(self.fte),
            esf_percent: self.esf_percent.map(|n| n.to_string()).unwrap_or_default(),
            esf_amount: number(self.esf_amount),
            own_share: number(self.own_share),
            notes: text(&self.notes),
        };
        Ok(AgreementInput::parse(&fields)?)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HoursBody {
    /// Default 100.
    pub individual: Option<i32>,
    /// Default 100.
    pub group: Option<i32>,
    /// Default 100.
    pub consultation: Option<i32>,
    /// Default 50.
    pub administration: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: Uuid,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        ContactView {
            id: c.id,
            name: c.name,
            role: c.role,
            email: c.email,
            phone: c.phone,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContactBody {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A partner's agreements with the provider, newest first.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/agreements", tag = "agreements", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<AgreementView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<AgreementView>>, AppError> {
    Ok(Json(
        service::list(&state, &ctx, id)
            .await?
            .into_iter()
            .map(AgreementView::from)
            .collect(),
    ))
}

/// Records an agreement with a partner (administrators and the partner's regional coordinator).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/agreements", tag = "agreements", request_body = AgreementBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = AgreementView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AgreementBody>,
) -> Result<(StatusCode, Json<AgreementView>), AppError> {
    let input = body.parse()?;
    let agreement = service::create(&state, &ctx, id, input).await?;
    Ok((StatusCode::CREATED, Json(AgreementView::new(agreement, Vec::new()))))
}

#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "agreements", params(("id" = Uuid, Path)),
    responses((status = 200, body = AgreementView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<AgreementView>, AppError> {
    Ok(Json(service::get(&state, &ctx, id).await?.into()))
}

/// Changes an agreement.
#[utoipa::path(put, path = "/api/v1/agreements/{id}", tag = "agreements", request_body = AgreementBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = AgreementView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AgreementBody>,
) -> Result<Json<AgreementView>, AppError> {
    let input = body.parse()?;
    service::update(&state, &ctx, id, input).await?;
    Ok(Json(service::get(&state, &ctx, id).await?.into()))
}

/// Commits coach hours a year at one of the partner's locations (default 350 = 100/100/100/50).
#[utoipa::path(put, path = "/api/v1/agreements/{id}/locations/{location_id}", tag = "agreements", request_body = HoursBody,
    params(("id" = Uuid, Path), ("location_id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<HoursView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, location_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<HoursBody>,
) -> Result<Json<Vec<HoursView>>, AppError> {
    let d = onramp_domain::agreements::DEFAULT_HOURS;
    let n = |v: Option<i32>, default: i32| v.unwrap_or(default).to_string();
    let input = LocationHours::parse(
        &location_id.to_string(),
        &n(body.individual, d.individual),
        &n(body.group, d.group),
        &n(body.consultation, d.consultation),
        &n(body.administration, d.administration),
    )?;
    let hours = service::set_hours(&state, &ctx, id, input).await?;
    Ok(Json(hours.into_iter().map(HoursView::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}/contacts", tag = "agreements", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ContactView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn contacts(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<ContactView>>, AppError> {
    Ok(Json(
        service::contacts(&state, &ctx, id)
            .await?
            .into_iter()
            .map(ContactView::from)
            .collect(),
    ))
}

/// Adds a contact person to an organisation.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/contacts", tag = "agreements", request_body = ContactBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = ContactView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ContactBody>,
) -> Result<(StatusCode, Json<ContactView>), AppError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let input = ContactInput::parse(&body.name, &text(&body.role), &text(&body.email), &text(&body.phone))?;
    Ok((
        StatusCode::CREATED,
        Json(service::add_contact(&state, &ctx, id, input).await?.into()),
    ))
}

/// Removes a contact person.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/contacts/{contact_id}", tag = "agreements",
    params(("id" = Uuid, Path), ("contact_id" = Uuid, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, contact_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    service::remove_contact(&state, &ctx, id, contact_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
