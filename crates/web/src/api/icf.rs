//! ICF categories and a participant's ICF profile (measurements and distance travelled).

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::icf::{self as service, Row};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::icf::{ICF_SYSTEM, MeasurementFields};
use onramp_domain::identity::Language;
use onramp_store::icf::{Category, Measurement};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct IcfCategoryView {
    /// The ICF code, e.g. `d845`.
    pub code: String,
    /// b (body functions), d (activities and participation) or e (environmental factors).
    pub component: String,
    /// The title in your language.
    pub title: String,
    pub title_nl: String,
    pub title_fr: String,
    pub title_en: String,
    /// `brief` for the shipped Brief ICF Core Set for vocational rehabilitation.
    pub core_set: Option<String>,
    /// The code system (FHIR): http://hl7.org/fhir/sid/icf
    pub system: String,
}

fn category_view(category: Category, language: Language) -> IcfCategoryView {
    IcfCategoryView {
        title: crate::i18n::icf_title(&category, language),
        code: category.code,
        component: category.component,
        title_nl: category.title_nl,
        title_fr: category.title_fr,
        title_en: category.title_en,
        core_set: category.core_set,
        system: ICF_SYSTEM.to_owned(),
    }
}

/// The ICF categories a measurement can rate: the Brief ICF Core Set for vocational
/// rehabilitation, and any an administrator added.
#[utoipa::path(get, path = "/api/v1/icf/categories", tag = "icf",
    responses((status = 200, body = [IcfCategoryView])))]
pub async fn categories(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<IcfCategoryView>>, AppError> {
    let list = service::categories(&state).await?;
    Ok(Json(list.into_iter().map(|c| category_view(c, ctx.language)).collect()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IcfCategoryBody {
    /// b, d or e and three to five digits, as in the ICF (e.g. `d8450`).
    pub code: String,
    pub title_nl: String,
    pub title_fr: String,
    pub title_en: String,
}

/// Adds an ICF category beyond the core set, e.g. from the Comprehensive set (administrators).
#[utoipa::path(post, path = "/api/v1/icf/categories", tag = "icf", request_body = IcfCategoryBody,
    responses(
        (status = 201, body = IcfCategoryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_category(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<IcfCategoryBody>,
) -> Result<(StatusCode, Json<IcfCategoryView>), AppError> {
    let titles = [body.title_nl.as_str(), body.title_fr.as_str(), body.title_en.as_str()];
    let category = service::add_category(&state, &ctx, &body.code, titles).await?;
    Ok((StatusCode::CREATED, Json(category_view(category, ctx.language))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementView {
    pub id: Uuid,
    pub trajectory_id: Option<Uuid>,
    pub measured_on: NaiveDate,
    /// intake, during, exit or follow_up
    pub moment: String,
    /// coach, care_partner or participant (self-rating)
    pub rater: String,
    pub note: Option<String>,
    pub recorded_by_name: Option<String>,
    /// Category code → qualifier as ICF writes it (`2`, `+3`, `8`, `9`).
    pub ratings: BTreeMap<String, String>,
    /// motivation, coping_with_stress, personal_network → 0-10.
    pub competences: BTreeMap<String, i32>,
}

impl From<Measurement> for MeasurementView {
    fn from(m: Measurement) -> Self {
        MeasurementView {
            id: m.id,
            trajectory_id: m.trajectory_id,
            measured_on: m.measured_on,
            moment: m.moment,
            rater: m.rater,
            note: m.note,
            recorded_by_name: m.recorded_by_name,
            ratings: m.ratings,
            competences: m.competences,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistanceView {
    /// A category code or a competence.
    pub code: String,
    /// `icf` or `competence`.
    pub kind: String,
    /// Whose series this is: coach, care_partner or participant (self-rating). Each rater's
    /// scores make a series of their own, never joined to another rater's.
    pub rater: String,
    /// The first and last score: ICF 0-4 for a problem or barrier, -0..-4 for a facilitator
    /// (8 and 9 are not scored); competences 0-10.
    pub first: i32,
    pub last: i32,
    /// `last - first`: for ICF a negative change is an improvement, for competences a positive one.
    pub change: i32,
    /// How many measurements scored it.
    pub measurements: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetenceView {
    pub code: String,
    /// The name in your language.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IcfProfileView {
    /// The self-rated competences the participant's programmes measure (and any measured before).
    pub competences: Vec<CompetenceView>,
    /// Oldest first.
    pub measurements: Vec<MeasurementView>,
    /// Per category and competence, and per rater, scored in two measurements or more by that
    /// rater.
    pub distance_travelled: Vec<DistanceView>,
}

fn distances(rows: &[Row], kind: &str) -> Vec<DistanceView> {
    rows.iter()
        .filter_map(|row| {
            let (change, rater) = (row.change.as_ref()?, row.rater?);
            Some(DistanceView {
                code: row.code.clone(),
                kind: kind.to_owned(),
                rater: rater.as_str().to_owned(),
                first: change.first,
                last: change.last,
                change: change.change,
                measurements: change.measurements,
            })
        })
        .collect()
}

/// A participant's ICF profile: the measurements and the distance travelled from the first to the
/// last. Reading it is audited.
#[utoipa::path(get, path = "/api/v1/participants/{id}/icf", tag = "icf", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = IcfProfileView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn profile(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<IcfProfileView>, AppError> {
    let profile = service::profile(&state, &ctx, id).await?;
    let mut distance_travelled = distances(&profile.rows, "icf");
    distance_travelled.extend(distances(&profile.competences, "competence"));
    let mut competences: Vec<CompetenceView> = Vec::new();
    for row in &profile.competences {
        if !competences.iter().any(|c| c.code == row.code) {
            competences.push(CompetenceView {
                code: row.code.clone(),
                name: profile.competence_name(ctx.language, &row.code),
            });
        }
    }
    Ok(Json(IcfProfileView {
        competences,
        measurements: profile.measurements.into_iter().map(MeasurementView::from).collect(),
        distance_travelled,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeasurementBody {
    /// One of the participant's trajectories (optional).
    pub trajectory_id: Option<String>,
    /// YYYY-MM-DD, not in the future.
    pub measured_on: String,
    /// intake, during, exit or follow_up
    pub moment: String,
    /// coach, care_partner or participant (self-rating)
    pub rater: String,
    /// Category code → qualifier: "0"-"4", "8", "9"; environmental factors also "+0"-"+4", "+8".
    /// Numbers are accepted for plain qualifiers.
    #[schema(value_type = Object)]
    pub ratings: BTreeMap<String, serde_json::Value>,
    /// motivation, coping_with_stress, personal_network → 0-10.
    #[schema(value_type = Object)]
    pub competences: BTreeMap<String, serde_json::Value>,
    pub note: Option<String>,
}

/// A JSON value as the text a form would hold.
pub(crate) fn as_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl MeasurementBody {
    pub fn fields(&self) -> MeasurementFields {
        MeasurementFields {
            trajectory_id: self.trajectory_id.clone().unwrap_or_default(),
            measured_on: self.measured_on.clone(),
            moment: self.moment.clone(),
            rater: self.rater.clone(),
            ratings: self.ratings.iter().map(|(k, v)| (k.clone(), as_text(v))).collect(),
            competences: self.competences.iter().map(|(k, v)| (k.clone(), as_text(v))).collect(),
            note: self.note.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementCreated {
    pub id: Uuid,
}

/// Records an ICF measurement. Each bad rating is named (`ratings.b130`: `invalid-qualifier`,
/// `facilitator-not-environmental`, `unknown-icf-category`); nothing is written unless all is valid.
#[utoipa::path(post, path = "/api/v1/participants/{id}/icf-measurements", tag = "icf", request_body = MeasurementBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = MeasurementCreated),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_measurement(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<MeasurementBody>,
) -> Result<(StatusCode, Json<MeasurementCreated>), AppError> {
    let id = service::add_measurement(&state, &ctx, id, &body.fields()).await?;
    Ok((StatusCode::CREATED, Json(MeasurementCreated { id })))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct IcfPdfQuery {
    /// participant (default) or physician (the occupational or advisory physician)
    pub audience: String,
    /// nl, fr or en; the participant's language when left out
    pub lang: String,
}

/// The ICF profile as a PDF, in the participant's language (or `lang`). Audited like any read.
#[utoipa::path(get, path = "/api/v1/participants/{id}/icf/pdf", tag = "icf",
    params(("id" = Uuid, Path), IcfPdfQuery),
    responses(
        (status = 200, description = "The PDF (tagged, A4)", content_type = "application/pdf"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    super::extract::ApiQuery(query): super::extract::ApiQuery<IcfPdfQuery>,
) -> Result<axum::response::Response, AppError> {
    crate::service::documents::icf_pdf(&state, &ctx, id, &query.audience, &query.lang).await
}
