//! The cost-benefit page of a programme: scope and period, results, scenarios, the tornado with
//! its table, the parameters with their sources and history, and the forms to set them.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::requests::cost_benefit::CostBenefitQuery;
use crate::service::cost_benefit::{self as service, Report, Settings};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::cost_benefit::{Kind, SPECS, format_value};
use onramp_domain::policy::{Action, Decision, decide, menu};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A parameter as the page shows it.
pub struct Row {
    pub key: String,
    pub label: String,
    pub value: String,
    pub source: String,
    /// The form field of its source.
    pub source_field: String,
}

/// One bar of the tornado, drawn from the middle (the central net present value).
pub struct Bar {
    pub label: String,
    pub low: String,
    pub high: String,
    pub at_low: String,
    pub at_high: String,
    pub x: i64,
    pub width: i64,
    pub y: i64,
}

#[derive(Template)]
#[template(path = "cost_benefit.html")]
struct CostBenefitTemplate {
    p: Page,
    query: CostBenefitQuery,
    programmes: Vec<(String, String)>,
    regions: Vec<(String, String)>,
    report: Option<Report>,
    rows: Vec<Row>,
    bars: Vec<Bar>,
    history: Vec<(String, String, String, String, String)>,
    form: Form,
    scenario_form: Form,
    can_set: bool,
    can_save_scenario: bool,
}

impl CostBenefitTemplate {
    pub fn euros(&self, cents: &i64) -> String {
        format!("€ {}", self.p.decimal(*cents as f64 / 100.0, 2))
    }

    pub fn maybe_euros(&self, cents: &Option<i64>) -> String {
        cents.map_or("—".to_owned(), |c| self.euros(&c))
    }

    pub fn ratio(&self, hundredths: &Option<i64>) -> String {
        hundredths.map_or("—".to_owned(), |h| self.p.decimal(h as f64 / 100.0, 2))
    }

    pub fn months(&self, months: &Option<i64>) -> String {
        months.map_or_else(|| self.p.t("cb-payback-never"), |m| m.to_string())
    }

    /// The three named scenarios in the page's language; saved ones by their name.
    pub fn scenario_label(&self, index: &usize, name: &str) -> String {
        if *index <= 3 {
            self.p.t(&format!("cb-scenario-{name}"))
        } else {
            name.to_owned()
        }
    }

    pub fn hundredths(&self, n: &i64) -> String {
        self.p.decimal(*n as f64 / 100.0, 2)
    }

    /// The people behind a figure of the report shown (`value`: a check-in's months, or "").
    pub fn people_link(&self, figure: &str, value: &str) -> String {
        let Some(r) = &self.report else {
            return String::new();
        };
        let mut link = r.request.link("/cost-benefit/people");
        link.push_str(&format!("&figure={figure}"));
        if !value.is_empty() {
            link.push_str(&format!("&value={value}"));
        }
        link
    }

    /// A table of the report as CSV; the workbook of all with `table` empty.
    pub fn download_link(&self, table: &str) -> String {
        let Some(r) = &self.report else {
            return String::new();
        };
        if table.is_empty() {
            r.request.link("/cost-benefit.xlsx")
        } else {
            format!("{}&table={table}", r.request.link("/cost-benefit.csv"))
        }
    }

    /// The printed funding case of the report shown, in the page's language.
    pub fn funding_case_link(&self) -> String {
        self.report
            .as_ref()
            .map(|r| {
                format!(
                    "{}&lang={}",
                    r.request.link("/cost-benefit/funding-case.pdf"),
                    self.p.lang.as_str()
                )
            })
            .unwrap_or_default()
    }

    /// The coach hours per partner behind the costs.
    pub fn hours_link(&self) -> String {
        self.report
            .as_ref()
            .map(|r| r.request.link("/cost-benefit/hours"))
            .unwrap_or_default()
    }
}

/// A value in the page's words: € for amounts, % for rates.
fn shown(p: &Page, kind: Kind, value: i64) -> String {
    match kind {
        Kind::Amount => format!("€ {}", p.decimal(value as f64 / 100.0, 2)),
        Kind::Percent => format!("{}%", p.decimal(value as f64 / 100.0, 2)),
        Kind::Years | Kind::CostBasis => format_value(kind, value),
    }
}

fn rows(p: &Page, settings: &Settings) -> Vec<Row> {
    let mut rows: Vec<Row> = SPECS
        .iter()
        .map(|s| Row {
            key: s.key.to_owned(),
            label: p.t(&format!("cb-param-{}", s.key.replace('_', "-"))),
            value: shown(p, s.kind, settings.parameters.get(s.key)),
            source: service::source_in(p.lang, s.key, settings.sources.get(s.key).map_or("", String::as_str)),
            source_field: format!("source.{}", s.key),
        })
        .collect();
    for (partner, value) in &settings.parameters.hourly_by_partner {
        let key = format!("hourly_cost.{partner}");
        rows.push(Row {
            label: p.t1("cb-param-partner-hourly-cost", "partner", partner),
            value: shown(p, Kind::Amount, *value),
            source: settings.sources.get(&key).cloned().unwrap_or_default(),
            source_field: format!("source.{key}"),
            key,
        });
    }
    rows
}

const BAR_HEIGHT: i64 = 24;
const CHART_WIDTH: i64 = 600;

/// The tornado's bars around the central net present value, scaled to the widest.
fn bars(p: &Page, report: &Report) -> Vec<Bar> {
    let centre = report.results.net_present_value;
    let reach = report.tornado_reach();
    let half = CHART_WIDTH / 2;
    let x = |npv: i64| half + (npv - centre) as i128 as i64 * half / reach;
    report
        .tornado
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (a, z) = (
                x(b.npv_at_low).min(x(b.npv_at_high)),
                x(b.npv_at_low).max(x(b.npv_at_high)),
            );
            let kind = onramp_domain::cost_benefit::spec(b.key).map_or(Kind::Amount, |s| s.kind);
            let euros = |c: i64| format!("€ {}", p.decimal(c as f64 / 100.0, 2));
            Bar {
                label: p.t(&format!("cb-param-{}", b.key.replace('_', "-"))),
                low: shown(p, kind, b.low),
                high: shown(p, kind, b.high),
                at_low: euros(b.npv_at_low),
                at_high: euros(b.npv_at_high),
                x: a,
                width: (z - a).max(1),
                y: i as i64 * BAR_HEIGHT,
            }
        })
        .collect()
}

fn history(p: &Page, settings: &Settings) -> Vec<(String, String, String, String, String)> {
    settings
        .history
        .iter()
        .map(|c| {
            let kind = onramp_domain::cost_benefit::spec(&c.key).map_or(Kind::Amount, |s| s.kind);
            let value = |v: Option<i64>| v.map_or("—".to_owned(), |v| shown(p, kind, v));
            (
                p.datetime(&c.changed_at),
                c.changed_by.clone().unwrap_or_default(),
                p.t(&format!("cb-param-{}", c.key.replace('_', "-"))),
                format!("{} → {}", value(c.old_value), value(c.new_value)),
                c.new_source.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The form's values: the current parameters and sources.
fn current_values(settings: &Settings) -> Vec<(String, String)> {
    let mut values = Vec::new();
    for s in SPECS {
        values.push((s.key.to_owned(), format_value(s.kind, settings.parameters.get(s.key))));
        values.push((
            format!("source.{}", s.key),
            settings.sources.get(s.key).cloned().unwrap_or_default(),
        ));
    }
    values
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    query: CostBenefitQuery,
    form: Option<Form>,
    scenario: Option<Form>,
) -> PageResult {
    if !menu(&ctx.actor).cost_benefit {
        crate::service::require(&ctx.actor, Action::SetCostBenefitParameters)?;
    }
    let p = Page::new(ctx, "cb-title", "cost-benefit");
    let mut conn = state.db.conn().await?;
    let programmes: Vec<(String, String)> = onramp_store::programmes::list(&mut conn)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    let regions: Vec<(String, String)> = onramp_store::regions::list(&mut conn)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter(|r| ctx.actor.role != onramp_domain::identity::Role::Coordinator || ctx.actor.regions.contains(&r.id))
        .map(|r| (r.id.to_string(), r.name))
        .collect();
    drop(conn);
    let chosen = query.programme_id.as_deref().is_some_and(|s| !s.is_empty());
    let (report, settings) = if chosen {
        let request = query.request()?;
        let settings = service::settings(state, ctx, request.programme_id).await?;
        (Some(service::report(state, ctx, request).await?), Some(settings))
    } else {
        (None, None)
    };
    let has_errors = form.as_ref().is_some_and(Form::has_errors) || scenario.as_ref().is_some_and(Form::has_errors);
    let rows = settings.as_ref().map(|s| rows(&p, s)).unwrap_or_default();
    let history = settings.as_ref().map(|s| history(&p, s)).unwrap_or_default();
    let form = form.unwrap_or_else(|| Form::with_values(settings.as_ref().map(current_values).unwrap_or_default()));
    let bars = report
        .as_ref()
        .filter(|r| !r.withheld)
        .map(|r| bars(&p, r))
        .unwrap_or_default();
    let can_save_scenario = match ctx.actor.role {
        onramp_domain::identity::Role::Administrator => true,
        _ => ctx
            .actor
            .regions
            .iter()
            .any(|r| decide(&ctx.actor, Action::SaveCostBenefitScenario { region_id: *r }) == Decision::Allow),
    };
    let template = CostBenefitTemplate {
        can_set: decide(&ctx.actor, Action::SetCostBenefitParameters) == Decision::Allow,
        can_save_scenario,
        p,
        query,
        programmes,
        regions,
        report,
        rows,
        bars,
        history,
        form,
        scenario_form: scenario.unwrap_or_default().prefixed("s"),
    };
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<CostBenefitQuery>,
) -> PageResult {
    page(&state, &ctx, query, None, None).await
}

/// The query the forms carry back in hidden fields.
fn query_of(data: &FormData) -> CostBenefitQuery {
    let opt = |name: &str| Some(data.get(name).to_owned()).filter(|s| !s.is_empty());
    CostBenefitQuery {
        programme_id: opt("programme_id"),
        from: opt("from"),
        to: opt("to"),
        organisation_id: None,
        region_id: opt("region_id"),
    }
}

/// The form's values and sources by key (`source.<key>` fields carry the sources).
fn split(data: &FormData) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut values = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for (name, value) in data.pairs() {
        if let Some(key) = name.strip_prefix("source.") {
            sources.insert(key.to_owned(), value.clone());
        } else if onramp_domain::cost_benefit::spec(name).is_some() || name.starts_with("hourly_cost.") {
            values.insert(name.clone(), value.clone());
        }
    }
    (values, sources)
}

fn programme_of(data: &FormData) -> Result<Uuid, AppError> {
    Uuid::parse_str(data.get("programme_id")).map_err(|_| AppError::invalid("programme_id", "invalid-id"))
}

pub async fn set_parameters(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let programme_id = programme_of(&data)?;
    let (values, sources) = split(&data);
    let query = query_of(&data);
    match service::set_parameters(&state, &ctx, programme_id, &values, &sources).await {
        Ok(_) => Ok(see_other(&back(&query), "saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, query, Some(form), None).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The page of the scope the form was sent from.
pub(super) fn back(query: &CostBenefitQuery) -> String {
    format!(
        "/cost-benefit?{}",
        serde_urlencoded::to_string(query_pairs(query)).unwrap_or_default()
    )
}

pub(super) fn query_pairs(q: &CostBenefitQuery) -> Vec<(&'static str, String)> {
    [
        ("programme_id", &q.programme_id),
        ("from", &q.from),
        ("to", &q.to),
        ("organisation_id", &q.organisation_id),
        ("region_id", &q.region_id),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
    .collect()
}

pub async fn save_scenario(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let programme_id = programme_of(&data)?;
    let query = query_of(&data);
    let region = Uuid::parse_str(data.get("scenario_region_id"))
        .map_err(|_| AppError::invalid("scenario_region_id", "invalid-id"));
    let (values, _) = split(&data);
    let result = match region {
        Ok(region) => service::save_scenario(&state, &ctx, programme_id, region, data.get("name"), &values).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&back(&query), "saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, query, None, Some(form)).await
        }
        Err(error) => Err(error.into()),
    }
}
