//! The programme dashboard.

use super::extract::ApiQuery;
use crate::builtin_names::StepNames;
use crate::download::{XLSX, download};
use crate::error::{AppError, Problem};
use crate::exchange::report;
use crate::identity::Ctx;
use crate::requests::dashboard::{
    ActivityQuery, DashboardQuery, PeopleQuery, agreement_cursor, people_page, presence_cursor,
};
use crate::service::dashboard::Dashboard;
use crate::service::dashboard_trend::{Previous, Trend, Unit};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct Count {
    pub key: String,
    /// `null` when hidden as a small cell (see `hidden`).
    pub count: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    /// People reached by presence actions in the period (anonymous counts); for a coach, by the
    /// actions they led.
    pub reached_by_presence: Option<i64>,
    /// Reached by presence actions, plus participants who started without coming through one.
    pub contacted: Option<i64>,
    /// Trajectories started in the period: the cohort of the next four figures.
    pub started: Option<i64>,
    /// Of the cohort: attended at least one group session.
    pub engaged_in_modules: Option<i64>,
    /// Of the cohort: took at least one step towards work (docs/outcomes.md).
    pub took_step: Option<i64>,
    /// `took_step` / `started`, in percent with one decimal.
    pub took_step_percent: Option<f64>,
    /// `took_step` / `contacted`: the figure the agreements' target is about.
    pub took_step_percent_of_contacted: Option<f64>,
    /// The agreements' target share of contacted people taking steps, in percent.
    pub steps_target_percent: Option<f64>,
    /// Of the cohort: in paid work.
    pub paid_work: Option<i64>,
    /// `paid_work` / `took_step`, in percent: of those who took a step (the base is `took_step`).
    pub paid_work_percent_of_steps: Option<f64>,
    /// `paid_work` / `started`, in percent: of all who started, step or not (the base is
    /// `started`). Shown next to `paid_work_percent_of_steps` so a quoted share of people back at
    /// work says which whole it is of.
    pub paid_work_percent_of_started: Option<f64>,
    /// Trajectories that ended in the period, by ESF+ situation upon leaving (`not_recorded` when missing).
    pub exits: Vec<Count>,
    /// The cohort by months of sickness when the trajectory started: 0-3, 4-6, 7-12, 13-24, 25+, unknown.
    pub sickness_bands: Vec<Count>,
    /// Median length, in months, of the trajectories that ended in the period.
    pub median_duration_months: Option<f64>,
    /// The barriers noted most often on the cohort's trajectories (at most five; each trajectory once per code).
    pub top_barriers: Vec<Count>,
    /// Coach FTE of the agreements running in the period. Agreements are made with partners:
    /// 0 (and no target) for a location or a coach.
    pub fte: f64,
    pub reached_per_fte: Option<f64>,
    /// The seeds' norm: 200 reached a year per coach FTE.
    pub reach_per_fte_norm: i64,
    /// People to reach by the agreements running in the period.
    pub reach_target: i64,
    /// The figures hidden as small cells for you (funders): counts of fewer people than
    /// `small_cell_threshold`, and the figures that would reveal them; they read `null`.
    /// Keys as in the exports: `started`, `exits:inactive`, `sickness:0-3`, `barrier:pain`.
    pub hidden: Vec<String>,
    /// The threshold applied, when the small-cell rule applies to you (docs/dashboard.md).
    pub small_cell_threshold: Option<i64>,
    /// The period the main figures are compared with: the same days a year earlier for a period
    /// of a year or less (`previous_year_earlier`), else the period of the same length before.
    pub previous_from: Option<NaiveDate>,
    pub previous_to: Option<NaiveDate>,
    pub previous_year_earlier: Option<bool>,
    /// The main figures, each with the previous period's value and, when it has one, its target
    /// and whether it is below it. Empty in the regions' comparison.
    pub figures: Vec<FigureTrend>,
}

/// A main figure of the dashboard beside the previous period's.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureTrend {
    /// The figure's field above: `contacted`, `took_step_percent_of_contacted`, ….
    pub key: String,
    /// count, percent or decimal.
    pub unit: String,
    /// As the field above: `null` over nothing or when hidden as a small cell.
    pub value: Option<f64>,
    /// The same figure for the previous period (`previous_from` to `previous_to`).
    pub previous: Option<f64>,
    /// For `contacted`: the agreements' people to reach, for the period's share of a year; for
    /// `took_step_percent_of_contacted`: the agreements' steps target; for `reached_per_fte`: the
    /// seeds' norm for the period's share of a year. `null` for the others, and for a location or
    /// a coach (agreements are made with partners).
    pub target: Option<f64>,
    /// Whether the figure is below its target.
    pub below_target: bool,
}

impl From<Trend> for FigureTrend {
    fn from(t: Trend) -> Self {
        let unit = match t.unit {
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::Decimal => "decimal",
        };
        FigureTrend {
            key: t.key.to_owned(),
            unit: unit.to_owned(),
            value: t.value,
            previous: t.previous,
            target: t.target,
            below_target: t.below_target,
        }
    }
}

impl DashboardView {
    /// The dashboard with its main figures beside the previous period's.
    fn with_previous((d, previous, trends): (Dashboard, Previous, Vec<Trend>)) -> Self {
        DashboardView {
            previous_from: Some(previous.from),
            previous_to: Some(previous.to),
            previous_year_earlier: Some(previous.year_earlier),
            figures: trends.into_iter().map(FigureTrend::from).collect(),
            ..d.into()
        }
    }
}

/// A count, or nothing when it is hidden.
fn shown(d: &Dashboard, key: &str, count: i64) -> Option<i64> {
    (!d.is_hidden(key)).then_some(count)
}

fn counts(d: &Dashboard, family: &str, list: &[(String, i64)]) -> Vec<Count> {
    list.iter()
        .map(|(key, count)| Count {
            key: key.clone(),
            count: (!d.is_hidden_in(family, key)).then_some(*count),
        })
        .collect()
}

impl From<Dashboard> for DashboardView {
    fn from(d: Dashboard) -> Self {
        DashboardView {
            from: d.request.from,
            to: d.request.to,
            organisation_id: d.request.organisation_id,
            region_id: d.request.region_id,
            programme_id: d.request.programme_id,
            location_id: d.request.location_id,
            coach_id: d.request.coach_id,
            reached_by_presence: shown(&d, "reached_by_presence", d.reached_by_presence),
            contacted: shown(&d, "contacted", d.contacted),
            started: shown(&d, "started", d.started),
            engaged_in_modules: shown(&d, "engaged_in_modules", d.engaged_in_modules),
            took_step: shown(&d, "took_step", d.took_step),
            took_step_percent: d.took_step_percent,
            took_step_percent_of_contacted: d.took_step_percent_of_contacted,
            steps_target_percent: d.steps_target_percent,
            paid_work: shown(&d, "paid_work", d.paid_work),
            paid_work_percent_of_steps: d.paid_work_percent_of_steps,
            paid_work_percent_of_started: d.paid_work_percent_of_started,
            exits: counts(&d, "exits", &d.exits),
            sickness_bands: counts(&d, "sickness", &d.sickness_bands),
            top_barriers: counts(&d, "barrier", &d.top_barriers),
            median_duration_months: d.median_duration_months,
            fte: d.fte,
            reached_per_fte: d.reached_per_fte,
            reach_per_fte_norm: d.reach_per_fte_norm,
            reach_target: d.reach_target,
            hidden: d.hidden.iter().cloned().collect(),
            small_cell_threshold: d.small_cell_threshold,
            previous_from: None,
            previous_to: None,
            previous_year_earlier: None,
            figures: Vec::new(),
        }
    }
}

/// The programme dashboard for a period and a scope, counted live. Coaches and care-team members
/// ask for one of their partners or its locations, and coaches for their own work (`coach_id`
/// their own); coordinators for their region, or a partner, a location or a coach within it;
/// administrators for anything; funders for anything but one coach's work. Definitions:
/// docs/dashboard.md.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "outcomes", params(DashboardQuery),
    responses(
        (status = 200, body = DashboardView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Json<DashboardView>, AppError> {
    let request = query.request()?;
    Ok(Json(DashboardView::with_previous(
        crate::service::dashboard_trend::with_previous(&state, &ctx, request).await?,
    )))
}

/// A region's figures, for comparing regions.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionFigures {
    pub region_name: String,
    /// The region's dashboard for the same period and programme (`region_id` says which).
    pub figures: DashboardView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionsComparison {
    /// One row per region whose dashboard you may see, by name; empty when you may see fewer
    /// than two.
    pub rows: Vec<RegionFigures>,
}

/// The regions side by side: the dashboard of each region you may see (funders and
/// administrators: all), for the period and programme asked (partner, location, coach and region
/// do not apply), small cells hidden as in each region's own dashboard. 403 for those who may see
/// no region's dashboard (coaches, care-team members, peer experts).
#[utoipa::path(get, path = "/api/v1/dashboard/regions", tag = "outcomes", params(DashboardQuery),
    responses(
        (status = 200, body = RegionsComparison),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn regions(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Json<RegionsComparison>, AppError> {
    let request = query.request()?;
    let rows = crate::service::dashboard_trend::regions(&state, &ctx, request)
        .await?
        .ok_or(AppError::Forbidden)?
        .into_iter()
        .map(|(region_name, d)| RegionFigures {
            region_name,
            figures: d.into(),
        })
        .collect();
    Ok(Json(RegionsComparison { rows }))
}

/// One participant behind a figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigurePerson {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub programme_name: String,
    pub organisation_name: String,
    pub coach_name: Option<String>,
    /// The phase's code in its programme (stable).
    pub phase: String,
    /// The phase's name, in your language.
    pub phase_name: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub exit_situation: Option<String>,
}

impl FigurePerson {
    /// The person, their phase named in the reader's language.
    fn new(p: onramp_store::dashboard::Person, names: &StepNames) -> Self {
        FigurePerson {
            phase_name: names.phase(p.programme_id, &p.phase),
            trajectory_id: p.trajectory_id,
            participant_id: p.participant_id,
            first_name: p.first_name,
            last_name: p.last_name,
            programme_name: p.programme_name,
            organisation_name: p.organisation_name,
            coach_name: p.coach_name,
            phase: p.phase,
            started_on: p.started_on,
            ended_on: p.ended_on,
            exit_situation: p.exit_situation,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FigurePeople {
    pub rows: Vec<FigurePerson>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

impl FigurePeople {
    /// A page of the people behind a figure (of the dashboard, the monitoring or the
    /// cost-benefit), with the cursor of the next page.
    pub fn page((rows, next): (Vec<onramp_store::dashboard::Person>, Option<String>), names: &StepNames) -> Self {
        FigurePeople {
            rows: rows.into_iter().map(|p| FigurePerson::new(p, names)).collect(),
            next,
        }
    }
}

/// The participants behind one figure of the dashboard, by name, as far as your caseload reaches
/// (funders see figures only: 403). Each list is written to the audit log.
#[utoipa::path(get, path = "/api/v1/dashboard/participants", tag = "outcomes", params(PeopleQuery),
    responses(
        (status = 200, body = FigurePeople),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> Result<Json<FigurePeople>, AppError> {
    let page = people_page(&state, &ctx, &query).await?;
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    Ok(Json(FigurePeople::page(page, &names)))
}

/// The dashboard as CSV for Belgian Excel (`;`, UTF-8 with BOM, decimal comma in Dutch and French):
/// one row per figure with a stable id, its label and definition in your language, and the value.
#[utoipa::path(get, path = "/api/v1/exports/dashboard.csv", tag = "outcomes", params(DashboardQuery),
    responses(
        (status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Response, AppError> {
    let rows = crate::service::dashboard_report::report(&state, &ctx, query.request()?).await?;
    Ok(download(
        report::write_csv(&rows, ctx.language),
        "text/csv; charset=utf-8",
        "onramp-dashboard.csv",
    ))
}

/// The dashboard as an XLSX workbook: the same rows as the CSV, with the values as numbers.
#[utoipa::path(get, path = "/api/v1/exports/dashboard.xlsx", tag = "outcomes", params(DashboardQuery),
    responses(
        (status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Response, AppError> {
    let rows = crate::service::dashboard_report::report(&state, &ctx, query.request()?).await?;
    let bytes = report::write_xlsx(&rows, ctx.language, "dashboard").map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, "onramp-dashboard.xlsx"))
}

/// One presence action behind the dashboard's reach.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceActionRow {
    pub id: Uuid,
    pub kind: String,
    pub on: NaiveDate,
    pub minutes: i32,
    /// People reached (an anonymous count).
    pub reached: i32,
    pub description: Option<String>,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub led_by_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceActions {
    /// People reached by all the actions of the scope and period: the dashboard's figure.
    pub reached: i64,
    /// Newest first.
    pub rows: Vec<PresenceActionRow>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The presence actions behind the dashboard's "reached by presence actions", for the same period
/// and scope (a coach: the actions they led), newest first. Staff and care teams, for the scopes
/// whose dashboard they see; funders see the figure only (403).
#[utoipa::path(get, path = "/api/v1/dashboard/presence-actions", tag = "outcomes", params(ActivityQuery),
    responses(
        (status = 200, body = PresenceActions),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn presence_actions(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<PresenceActions>, AppError> {
    let request = query.dashboard().request()?;
    let (after, limit) = (query.presence_after()?, query.limit()?);
    let (mut rows, reached) =
        crate::service::dashboard_activities::presence_actions(&state, &ctx, request, after, limit + 1).await?;
    let next = crate::service::keep_page(&mut rows, limit).map(|r| presence_cursor(r.on_date, r.id));
    let rows = rows
        .into_iter()
        .map(|a| PresenceActionRow {
            id: a.id,
            kind: a.kind,
            on: a.on_date,
            minutes: a.minutes,
            reached: a.reached,
            description: a.description,
            organisation_id: a.organisation_id,
            organisation_name: a.organisation_name,
            location_id: a.location_id,
            location_name: a.location_name,
            led_by_name: a.led_by_name,
        })
        .collect();
    Ok(Json(PresenceActions { reached, rows, next }))
}

/// One agreement behind the dashboard's coach FTE and hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementHours {
    pub agreement_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub fte: f64,
    pub reach_target: i32,
    /// The share of those contacted to take steps, in percent.
    pub steps_target_percent: f64,
    /// Coach hours the agreement commits a year (at the dashboard's location only, when it has one).
    pub hours_a_year: i64,
    /// The partner's hours page for the year the period ends in: hours used against these.
    pub hours_link: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementsHours {
    pub rows: Vec<AgreementHours>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The agreements behind the dashboard's coach FTE and the coach hours they commit, running in the
/// same period within the same scope (a location: those that commit hours there; a coach: those
/// of the partners they work at), by partner. Who may see them: as for the presence actions.
#[utoipa::path(get, path = "/api/v1/dashboard/agreements", tag = "outcomes", params(ActivityQuery),
    responses(
        (status = 200, body = AgreementsHours),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn agreements(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<AgreementsHours>, AppError> {
    let request = query.dashboard().request()?;
    let (after, limit) = (query.agreement_after()?, query.limit()?);
    let mut rows = crate::service::dashboard_activities::agreements(&state, &ctx, request, after, limit + 1).await?;
    let next =
        crate::service::keep_page(&mut rows, limit).map(|r| agreement_cursor(r.agreement_id, &r.organisation_name));
    let rows = rows
        .into_iter()
        .map(|a| AgreementHours {
            hours_link: crate::service::dashboard_activities::hours_link(&request, a.organisation_id),
            agreement_id: a.agreement_id,
            organisation_id: a.organisation_id,
            organisation_name: a.organisation_name,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            fte: f64::from(a.fte_hundredths) / 100.0,
            reach_target: a.reach_target,
            steps_target_percent: f64::from(a.steps_target_permille) / 10.0,
            hours_a_year: a.hours_a_year,
        })
        .collect();
    Ok(Json(AgreementsHours { rows, next }))
}
