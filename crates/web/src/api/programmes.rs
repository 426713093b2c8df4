use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use onramp_domain::identity::Language;
use onramp_domain::programmes::{ProgrammeFields, ProgrammeInput, seed_competences, step_lines};
use onramp_store::programmes::Programme;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    /// Stable: what trajectories, sessions and measurements refer to.
    pub code: String,
    /// The name as stored (what an update sends back).
    pub name: String,
    /// The name to show, in your language: a built-in step's translation for as long as it keeps
    /// its shipped name, else `name`.
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// As stored (what an update sends back).
    pub description: Option<String>,
    /// The description to show, in your language: a built-in programme's translation while it
    /// keeps its shipped description, else `description`.
    pub display_description: Option<String>,
    pub built_in: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub min_sick_months: Option<i32>,
    pub max_sick_months: Option<i32>,
    /// Situations at entry the programme is for; empty means any.
    pub situations: Vec<String>,
    pub max_duration_months: i32,
    /// Months after exit at which a follow-up check-in falls due.
    pub follow_up_months: Vec<i32>,
    /// Days without a contact after which the caseload's filter `no_contact` finds a
    /// trajectory of this programme, when the filter names no number of days.
    pub no_contact_days: i32,
    /// Years a person's file is kept after their last trajectory ended (docs/retention.md).
    pub retention_years: i32,
    /// Reports to the European Social Fund: intake asks the ESF+ characteristics and every exit
    /// schedules a check-in six months later.
    pub reports_to_esf: bool,
    /// In order.
    pub phases: Vec<StepView>,
    pub modules: Vec<StepView>,
    /// The competences participants rate themselves on (0-10) in ICF measurements.
    pub competences: Vec<StepView>,
}

impl ProgrammeView {
    /// The programme with its display texts in `language`.
    fn new(p: Programme, language: Language) -> Self {
        let display_description = crate::builtin_names::programme_description(language, &p);
        let built_in = p.built_in;
        let d = p.definition;
        let steps = |kind: &str, steps: Vec<onramp_domain::programmes::Step>| {
            steps
                .into_iter()
                .map(|s| StepView {
                    title: crate::builtin_names::step_name(language, kind, &s, built_in),
                    code: s.code,
                    name: s.name,
                })
                .collect()
        };
        ProgrammeView {
            id: p.id,
            built_in: p.built_in,
            code: d.code,
            name: d.name,
            description: d.description,
            display_description,
            min_age: d.min_age,
            max_age: d.max_age,
            min_sick_months: d.min_sick_months,
            max_sick_months: d.max_sick_months,
            situations: d.situations.iter().map(|s| s.as_str().to_owned()).collect(),
            max_duration_months: d.max_duration_months,
            follow_up_months: d.follow_up_months,
            no_contact_days: d.no_contact_days,
            retention_years: d.retention_years,
            reports_to_esf: d.reports_to_esf,
            phases: steps("phase", d.phases),
            modules: steps("module", d.modules),
            competences: steps("competence", d.competences),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgrammeStepBody {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgrammeBody {
    /// Lower-case letters, digits, dashes and underscores.
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub min_sick_months: Option<i32>,
    pub max_sick_months: Option<i32>,
    pub situations: Vec<String>,
    pub max_duration_months: Option<i32>,
    pub follow_up_months: Vec<i32>,
    /// 1 to 3650: days without a contact after which the caseload's filter `no_contact` finds a
    /// trajectory of this programme. Left out: unchanged on an update, 30 on a new programme.
    pub no_contact_days: Option<i32>,
    /// 1 to 100: years a person's file is kept after their last trajectory ended, then
    /// anonymised (docs/retention.md). Left out: unchanged on an update, 10 on a new programme.
    pub retention_years: Option<i32>,
    /// Reports to the European Social Fund (intake asks the ESF+ characteristics, exits schedule a
    /// check-in at six months). Left out: unchanged on an update, false on a new programme.
    pub reports_to_esf: Option<bool>,
    /// At least one, in order.
    pub phases: Vec<ProgrammeStepBody>,
    pub modules: Vec<ProgrammeStepBody>,
    /// The self-rated competences (0-10) measured in this programme; an empty list: none. Left
    /// out: unchanged on an update, the seeds' three (motivation, coping_with_stress,
    /// personal_network) on a new programme.
    pub competences: Option<Vec<ProgrammeStepBody>>,
}

impl ProgrammeBody {
    /// Parses the programme; `competences` left out means `kept` (the stored list on an update),
    /// or the seeds' three on a new programme.
    fn parse(&self, kept: Option<&ProgrammeInput>) -> Result<ProgrammeInput, AppError> {
        let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        let lines = |steps: &[ProgrammeStepBody]| {
            steps
                .iter()
                .map(|s| format!("{}: {}", s.code, s.name))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let fields = ProgrammeFields {
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone().unwrap_or_default(),
            min_age: number(self.min_age),
            max_age: number(self.max_age),
            min_sick_months: number(self.min_sick_months),
            max_sick_months: number(self.max_sick_months),
            situations: self.situations.clone(),
            max_duration_months: number(self.max_duration_months),
            follow_up_months: self
                .follow_up_months
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            phases: lines(&self.phases),
            modules: lines(&self.modules),
            no_contact_days: number(self.no_contact_days.or(kept.map(|k| k.no_contact_days))),
            retention_years: number(self.retention_years.or(kept.map(|k| k.retention_years))),
            reports_to_esf: self.reports_to_esf.or(kept.map(|k| k.reports_to_esf)).unwrap_or(false),
            competences: match (&self.competences, kept) {
                (Some(list), _) => lines(list),
                (None, Some(kept)) => onramp_domain::programmes::step_lines(&kept.competences),
                (None, None) => step_lines(&seed_competences()),
            },
        };
        Ok(ProgrammeInput::parse(&fields)?)
    }
}

/// All programmes, built-in ones first.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes",
    responses((status = 200, body = Vec<ProgrammeView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<ProgrammeView>>, AppError> {
    Ok(Json(
        service::programmes::list(&state, &ctx)
            .await?
            .into_iter()
            .map(|g| ProgrammeView::new(g, ctx.language))
            .collect(),
    ))
}

/// Defines a new programme (administrators).
#[utoipa::path(post, path = "/api/v1/programmes", tag = "programmes", request_body = ProgrammeBody,
    responses(
        (status = 201, body = ProgrammeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<ProgrammeBody>,
) -> Result<(StatusCode, Json<ProgrammeView>), AppError> {
    // The policy first: a refused caller learns nothing from field errors.
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::ManageProgrammes)?;
    let input = body.parse(None)?;
    Ok((
        StatusCode::CREATED,
        Json(ProgrammeView::new(
            service::programmes::create(&state, &ctx, input).await?,
            ctx.language,
        )),
    ))
}

#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "programmes", params(("id" = Uuid, Path)),
    responses((status = 200, body = ProgrammeView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ProgrammeView>, AppError> {
    let programme = service::programmes::get(&state, &ctx, id).await?;
    Ok(Json(ProgrammeView::new(programme, ctx.language)))
}

/// Changes a programme (administrators). Phases that open trajectories are in must stay.
#[utoipa::path(put, path = "/api/v1/programmes/{id}", tag = "programmes", request_body = ProgrammeBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ProgrammeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ProgrammeBody>,
) -> Result<Json<ProgrammeView>, AppError> {
    let kept = match (&body.competences, body.no_contact_days, body.retention_years) {
        (Some(_), Some(_), Some(_)) => None,
        _ => Some(service::programmes::get(&state, &ctx, id).await?.definition),
    };
    let input = body.parse(kept.as_ref())?;
    let programme = service::programmes::update(&state, &ctx, id, input).await?;
    Ok(Json(ProgrammeView::new(programme, ctx.language)))
}
