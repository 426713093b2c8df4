//! The monitoring report page (`/monitoring`): barriers by quarter, the ICF change of the cohort,
//! trends by month, per coach and per location, each chart beside its table, each count linked
//! to the people behind it; the coordinators' recommendations beside the evidence; downloads.

use super::chart::{bar_chart, interval_chart};
use super::dashboard::{PeopleTemplate, query_string, scope_pairs};
use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::download::{XLSX, download};
use crate::error::AppError;
use crate::exchange::table;
use crate::identity::{Ctx, PageCtx};
use crate::requests::monitoring::{MonitoringPeopleQuery, MonitoringQuery, people_page};
use crate::service::monitoring::{self as service, BarrierRow, Report, Request};
use crate::service::monitoring_tables::{Names, TABLES, table as report_table};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::identity::Role;
use onramp_domain::participants::HealthCategory;
use onramp_domain::policy::{self, Action, DashboardScope, Decision};
use onramp_store::monitoring::recommendations::Version;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

/// A comparison table: its name, heading key, first column's key and rows.
type Comparison<'a> = (
    &'static str,
    &'static str,
    &'static str,
    &'a Vec<crate::service::monitoring::UnitRow>,
);

#[derive(Template)]
#[template(path = "monitoring.html")]
struct MonitoringTemplate {
    p: Page,
    filter: Form,
    regions: Options,
    organisations: Options,
    programmes: Options,
    healths: Options,
    r: Report,
    names: Names,
    /// The form for a new recommendation (with its errors after a failed attempt).
    new_form: Form,
    /// The recommendation whose edit failed, with its form.
    failed_edit: Option<(Uuid, Form)>,
}

/// The notice of a redirect after a saved form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

fn pairs(request: &Request) -> Vec<(&'static str, String)> {
    let mut pairs = scope_pairs(&request.scope);
    pairs.push((
        "health_category",
        request.health.map(|h| h.as_str().to_owned()).unwrap_or_default(),
    ));
    pairs
}

impl MonitoringTemplate {
    fn query(&self) -> String {
        query_string(&pairs(&self.r.request))
    }

    fn barrier_name(&self, code: &str) -> String {
        self.names.barrier(self.p.lang, code)
    }

    fn item_name(&self, item: &str) -> String {
        self.names.item(self.p.lang, item)
    }

    /// The people behind one figure of this report, narrowed to a quarter or month when given.
    fn link(&self, figure: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![("figure", figure.to_owned())];
        pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        pairs.extend(pairs_of(&self.r.request));
        format!("/monitoring/people?{}", query_string(&pairs))
    }

    fn barrier_link(&self, row: &BarrierRow, part: &str) -> String {
        let within = row.quarter.clone().unwrap_or_default();
        self.link("barrier", &[("value", &row.code), ("part", part), ("within", &within)])
    }

    fn icf_link(&self, rater: &str, item: &str) -> String {
        self.link("icf", &[("rater", rater), ("value", item)])
    }

    /// The comparisons the report has: (table, heading key, rows).
    fn comparisons(&self) -> Vec<Comparison<'_>> {
        let mut list = Vec::new();
        if let Some(rows) = &self.r.per_coach {
            list.push(("coaches", "monitoring-per-coach", "monitoring-coach", rows));
        }
        if let Some(rows) = &self.r.per_location {
            list.push(("locations", "monitoring-per-location", "monitoring-location", rows));
        }
        list
    }

    fn month_link(&self, figure: &str, month: &chrono::NaiveDate) -> String {
        self.link(figure, &[("within", &month.format("%Y-%m").to_string())])
    }

    fn count(&self, n: &Option<i64>) -> String {
        n.map_or_else(|| self.p.t("dashboard-hidden"), |n| n.to_string())
    }

    fn share(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |v| self.p.percent(v))
    }

    fn days(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |v| self.p.decimal(v, 1))
    }

    fn two(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |v| self.p.decimal(v, 2))
    }

    /// The barriers over the whole period, most noted first.
    fn totals(&self) -> Vec<&BarrierRow> {
        self.r.barriers.iter().filter(|b| b.quarter.is_none()).collect()
    }

    /// Barriers noted per quarter, all codes together, as a chart.
    fn barrier_chart(&self) -> String {
        let bars: Vec<(String, Option<i64>)> = self
            .r
            .quarters
            .iter()
            .map(|q| {
                let rows: Vec<&BarrierRow> = self
                    .r
                    .barriers
                    .iter()
                    .filter(|b| b.quarter.as_ref() == Some(q))
                    .collect();
                let sum = rows.iter().map(|b| b.noted).sum::<Option<i64>>();
                (q.clone(), sum)
            })
            .collect();
        bar_chart(&self.p.t("monitoring-barriers-chart"), &bars)
    }

    /// One rater's mean changes with their intervals, as a chart (rows with an interval only).
    fn icf_chart(&self, rater: &str) -> String {
        let rows: Vec<(String, f64, f64, f64)> = self
            .r
            .icf
            .iter()
            .filter(|r| r.rater == rater)
            .filter_map(|r| {
                let name = self.names.short(self.p.lang, &r.item);
                Some((name, r.mean_change?, r.ci_low?, r.ci_high?))
            })
            .collect();
        if rows.is_empty() {
            return String::new();
        }
        let label = format!(
            "{} · {}",
            self.p.t("monitoring-icf"),
            self.p.t(&format!("icf-rater-{rater}"))
        );
        interval_chart(&label, &rows)
    }

    fn raters(&self) -> Vec<String> {
        let mut raters: Vec<String> = self.r.icf.iter().map(|r| r.rater.clone()).collect();
        raters.dedup();
        raters
    }

    fn trend_chart(&self, which: &str) -> String {
        let bars: Vec<(String, Option<i64>)> = self
            .r
            .months
            .iter()
            .map(|m| {
                let v = if which == "steps" {
                    m.first_steps
                } else {
                    m.reached_by_presence
                };
                (m.month.format("%m").to_string(), v)
            })
            .collect();
        let key = if which == "steps" {
            "monitoring-first-steps"
        } else {
            "monitoring-reached"
        };
        bar_chart(&self.p.t(key), &bars)
    }

    /// The form of a recommendation's edit: its failed form, or its current text.
    fn edit_form(&self, id: &Uuid, body: &str, code: &Option<String>, version: &i32) -> Form {
        match &self.failed_edit {
            Some((failed, form)) if failed == id => form.clone(),
            _ => Form::with_values(vec![
                ("body".into(), body.to_owned()),
                ("barrier_code".into(), code.clone().unwrap_or_default()),
                ("version".into(), version.to_string()),
            ]),
        }
        .prefixed(format!("edit-{id}"))
    }

    fn barrier_options(&self) -> Options {
        self.totals()
            .iter()
            .map(|b| (b.code.clone(), self.barrier_name(&b.code)))
            .collect()
    }
}

fn pairs_of(request: &Request) -> Vec<(&'static str, String)> {
    pairs(request)
}

/// The regions, partners and programmes the filter offers: those whose report the viewer may see.
async fn options(state: &AppState, ctx: &Ctx) -> Result<(Options, Options, Options), AppError> {
    let allowed =
        |scope: DashboardScope<'_>| policy::decide(&ctx.actor, Action::ViewMonitoring(scope)) == Decision::Allow;
    let organisations = crate::service::organisations::list(state, ctx, &Default::default())
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|o| allowed(DashboardScope::partner(&o.as_ref())))
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let regions = crate::service::regions::list(state, ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| allowed(DashboardScope::region(r.id)))
        .map(|r| (r.id.to_string(), r.name))
        .collect();
    let mut conn = state.db.conn().await?;
    let programmes = onramp_store::programmes::list(&mut conn)
        .await?
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    Ok((regions, organisations, programmes))
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    mut query: MonitoringQuery,
    notice: Option<&str>,
    new_form: Form,
    failed_edit: Option<(Uuid, Form)>,
) -> PageResult {
    let (regions, organisations, programmes) = options(state, ctx).await?;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if ctx.actor.role == Role::Coordinator && blank(&query.region_id) && blank(&query.organisation_id) {
        query.region_id = regions.first().map(|(id, _)| id.clone());
    }
    let request = query.request()?;
    let r = service::report(state, ctx, request).await?;
    let mut conn = state.db.conn().await?;
    let names = Names::load(&mut conn, ctx.language).await?;
    drop(conn);
    let p = Page::new(ctx, "monitoring-title", "monitoring").with_notice(notice);
    let healths = HealthCategory::ALL
        .iter()
        .map(|h| (h.as_str().to_owned(), p.t(&format!("health-{}", h.as_str()))))
        .collect();
    let filter = Form::with_values(pairs(&request).into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
    let failed = new_form.has_errors() || failed_edit.is_some();
    let template = MonitoringTemplate {
        p,
        filter,
        regions,
        organisations,
        programmes,
        healths,
        r,
        names,
        new_form: new_form.prefixed("new"),
        failed_edit,
    };
    let mut response = render(&template).into_response();
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<MonitoringQuery>,
    Query(notice): Query<Notice>,
) -> PageResult {
    page(&state, &ctx, query, notice.notice.as_deref(), Form::empty(), None).await
}

/// The participants behind one figure of the report, as far as the viewer's caseload reaches.
pub async fn people(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<MonitoringPeopleQuery>,
) -> PageResult {
    let (rows, next) = people_page(&state, &ctx, &query).await?;
    let (request, figure, _, _) = query.parse()?;
    let p = Page::new(&ctx, "dashboard-people-title", "monitoring");
    let report_request = query.report().request()?;
    let keep: Vec<(&str, String)> = [
        ("figure", query.figure.clone()),
        ("value", query.value.clone()),
        ("part", query.part.clone()),
        ("rater", query.rater.clone()),
        ("within", query.within.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.unwrap_or_default()))
    .collect();
    let next = next.map(|cursor| {
        let mut all = keep.clone();
        all.extend(pairs(&report_request));
        all.push(("after", cursor));
        format!("/monitoring/people?{}", query_string(&all))
    });
    let mut conn = state.db.conn().await?;
    let names = Names::load(&mut conn, ctx.language).await?;
    drop(conn);
    let heading = match &figure {
        onramp_store::monitoring::Figure::Barrier { code, .. } => {
            format!("{}: {}", p.t("monitoring-barrier"), names.barrier(p.lang, code))
        }
        onramp_store::monitoring::Figure::Icf { rater, item } => format!(
            "{}: {} ({})",
            p.t("monitoring-icf"),
            names.item(p.lang, item),
            p.t(&format!("icf-rater-{rater}"))
        ),
        onramp_store::monitoring::Figure::FirstStep => p.t("monitoring-first-steps"),
        onramp_store::monitoring::Figure::FirstPaid => p.t("monitoring-first-paid"),
    };
    let template = PeopleTemplate {
        heading,
        p,
        from: request.scope.from,
        to: request.scope.to,
        rows,
        back: format!("/monitoring?{}", query_string(&pairs(&report_request))),
        back_label: "monitoring-back",
        next,
    };
    Ok(render(&template).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TableParam {
    table: Option<String>,
}

async fn export_table(
    state: &AppState,
    ctx: &Ctx,
    query: MonitoringQuery,
    which: &str,
) -> Result<table::Table, AppError> {
    if !TABLES.contains(&which) {
        return Err(AppError::invalid_choice("table", TABLES));
    }
    let r = service::report(state, ctx, query.request()?).await?;
    let mut conn = state.db.conn().await?;
    let names = Names::load(&mut conn, ctx.language).await?;
    report_table(&r, which, &names, ctx.language).ok_or(AppError::invalid("table", "not-in-report"))
}

/// One table of the report as CSV (`/monitoring.csv?table=…`), same query as the page.
pub async fn export_csv(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<MonitoringQuery>,
    Query(param): Query<TableParam>,
) -> PageResult {
    let which = param.table.unwrap_or_default();
    let t = export_table(&state, &ctx, query, &which).await?;
    Ok(download(
        table::write_csv(&t, ctx.language),
        "text/csv; charset=utf-8",
        &format!("onramp-monitoring-{which}.csv"),
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<MonitoringQuery>,
    Query(param): Query<TableParam>,
) -> PageResult {
    let which = param.table.unwrap_or_default();
    let t = export_table(&state, &ctx, query, &which).await?;
    let bytes = table::write_xlsx(&t, ctx.language, &which).map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, &format!("onramp-monitoring-{which}.xlsx")))
}

/// The report's query a form carries in hidden fields.
fn query_of(data: &FormData) -> MonitoringQuery {
    let get = |k: &str| Some(data.get(k).to_owned()).filter(|v| !v.is_empty());
    MonitoringQuery {
        from: get("from"),
        to: get("to"),
        organisation_id: get("organisation_id"),
        region_id: get("region_id"),
        programme_id: get("programme_id"),
        location_id: get("location_id"),
        coach_id: get("coach_id"),
        health_category: get("health_category"),
    }
}

fn back(query: &MonitoringQuery) -> String {
    format!(
        "/monitoring?{}#recommendations",
        serde_urlencoded::to_string(query).unwrap_or_default()
    )
}

/// Writes a recommendation beside the report the form was on.
pub async fn add_recommendation(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let query = query_of(&data);
    let result = match query.request() {
        Ok(request) => {
            service::add_recommendation(&state, &ctx, request, data.get("body"), data.get("barrier_code")).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&back(&query), "saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, query, None, form, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// A new version of a recommendation.
pub async fn edit_recommendation(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let query = query_of(&data);
    let version = data.get("version").trim().parse::<i32>().unwrap_or(0);
    let result =
        service::edit_recommendation(&state, &ctx, id, version, data.get("body"), data.get("barrier_code")).await;
    match result {
        Ok(_) => Ok(see_other(&back(&query), "saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, query, None, Form::empty(), Some((id, form))).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "monitoring_recommendation.html")]
struct HistoryTemplate {
    p: Page,
    versions: Vec<Version>,
    back: String,
    names: Names,
}

/// Every version of a recommendation: who wrote what, when.
pub async fn history(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    let (r, versions) = service::recommendation(&state, &ctx, id).await?;
    let text = |v: Option<Uuid>| v.map(|id| id.to_string());
    let query = MonitoringQuery {
        from: Some(r.from_on.to_string()),
        to: Some(r.to_on.to_string()),
        organisation_id: text(r.organisation_id),
        region_id: text(r.region_id),
        programme_id: text(r.programme_id),
        location_id: text(r.location_id),
        ..Default::default()
    };
    let mut conn = state.db.conn().await?;
    let names = Names::load(&mut conn, ctx.language).await?;
    drop(conn);
    let template = HistoryTemplate {
        p: Page::new(&ctx, "monitoring-history-title", "monitoring"),
        versions,
        back: back(&query),
        names,
    };
    Ok(render(&template).into_response())
}

impl HistoryTemplate {
    fn barrier_name(&self, code: &str) -> String {
        self.names.barrier(self.p.lang, code)
    }
}
