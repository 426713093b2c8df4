//! The social cost-benefit of a programme for a scope and period (docs/cost-benefit.md): the
//! parameters an administrator sets, the scenarios coordinators save for their region, and the
//! model's results with its sensitivity.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::cost_benefit::{self as model, Bar, Inputs, Parameters, Results, SPECS};
use onramp_domain::disclosure::Cells;
use onramp_domain::identity::Language;
use onramp_domain::policy::{self, Action, DashboardScope, Decision, decide};
use onramp_domain::{FieldErrors, cost_benefit::CHECK_IN_MONTHS};
use onramp_store::audit::{self, Event};
use onramp_store::cost_benefit::{self as store, Change, Saved, Scenario, Setting};
use onramp_store::dashboard::Scope;
use onramp_store::{Access, organisations, programmes};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A programme, a period and optionally a partner or a region.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Request {
    pub programme_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
}

impl Request {
    /// The request as a query's pairs, for links to the records and downloads.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("programme_id", self.programme_id.to_string()),
            ("from", self.from.to_string()),
            ("to", self.to.to_string()),
        ];
        pairs.extend(self.organisation_id.map(|o| ("organisation_id", o.to_string())));
        pairs.extend(self.region_id.map(|r| ("region_id", r.to_string())));
        pairs
    }

    /// `path?` and the request as a query.
    pub fn link(&self, path: &str) -> String {
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
        )
    }
}

/// The results under one set of parameters.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub name: String,
    pub parameters: Parameters,
    pub results: Results,
}

/// Everything the page, the API and the downloads show.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub request: Request,
    pub programme_name: String,
    pub parameters: Parameters,
    /// Each key's source text (the default's where none is saved).
    pub sources: BTreeMap<String, String>,
    pub inputs: Inputs,
    pub results: Results,
    pub tornado: Vec<Bar>,
    /// Cautious, central and hopeful, then the saved scenarios of the scope's region(s).
    pub scenarios: Vec<Outcome>,
    /// Funders only: the figures are withheld because a count behind them is a small cell.
    pub withheld: bool,
    pub small_cell_threshold: Option<i64>,
    /// Whether the reader may open the participants and hours behind the figures.
    pub records: bool,
}

impl Report {
    /// How far the widest bar of the tornado reaches from the central net present value (at
    /// least a cent), to scale a chart of it.
    pub fn tornado_reach(&self) -> i64 {
        let centre = self.results.net_present_value;
        self.tornado
            .iter()
            .flat_map(|b| [(b.npv_at_low - centre).abs(), (b.npv_at_high - centre).abs()])
            .max()
            .unwrap_or(0)
            .max(1)
    }
}

/// Checks the scope against the policy (`ViewCostBenefit`, or `ViewCostBenefitRecords` for the
/// participants and hours behind the figures) and gives the store's scope; with `records` false
/// it also says whether the reader may open those records.
pub(crate) async fn checked(
    conn: &mut impl Access,
    ctx: &Ctx,
    request: &Request,
    records: bool,
) -> Result<(Scope, bool), AppError> {
    if request.to < request.from {
        return Err(AppError::invalid("to", "before-start"));
    }
    if programmes::get(conn, request.programme_id).await?.is_none() {
        return Err(AppError::invalid("programme_id", "invalid-reference"));
    }
    let organisation = match request.organisation_id {
        Some(id) => Some(
            organisations::get(conn, id)
                .await?
                .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?
                .as_ref(),
        ),
        None => None,
    };
    let scope = DashboardScope {
        organisation: organisation.as_ref(),
        region_id: request.region_id,
        location: false,
        coach_id: None,
    };
    let sees_records = decide(&ctx.actor, Action::ViewCostBenefitRecords(scope)) == Decision::Allow;
    require(
        &ctx.actor,
        if records {
            Action::ViewCostBenefitRecords(scope)
        } else {
            Action::ViewCostBenefit(scope)
        },
    )?;
    let mut scope = Scope::period(request.from, request.to);
    scope.programme_id = Some(request.programme_id);
    scope.organisation_id = request.organisation_id;
    scope.region_id = request.region_id;
    Ok((scope, sees_records))
}

/// A parameter's source as a reader sees it: a default source in the reader's language, an
/// administrator's own text as written.
pub fn source_in(language: Language, key: &str, text: &str) -> String {
    match onramp_domain::cost_benefit::spec(key) {
        Some(spec) if spec.source == text => {
            crate::i18n::text(language, &format!("cb-source-{}", key.replace('_', "-")))
        }
        _ => text.to_owned(),
    }
}

/// The sources of the saved parameters, and the defaults' for the rest.
fn sources(saved: &[Saved]) -> BTreeMap<String, String> {
    let mut sources: BTreeMap<String, String> = SPECS.iter().map(|s| (s.key.to_owned(), s.source.to_owned())).collect();
    for row in saved {
        let key = if row.partner_id.is_nil() {
            row.key.clone()
        } else {
            format!("hourly_cost.{}", row.partner_id)
        };
        sources.insert(key, row.source.clone());
    }
    sources
}

pub async fn report(state: &AppState, ctx: &Ctx, request: Request) -> Result<Report, AppError> {
    let mut conn = state.db.conn().await?;
    let (scope, records) = checked(&mut conn, ctx, &request, false).await?;
    let programme = programmes::get(&mut conn, request.programme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let saved = store::saved(&mut conn, request.programme_id).await?;
    let parameters = store::parameters_of(&saved);
    let inputs = store::inputs(&mut conn, scope).await?;
    let regions = store::scenarios(&mut conn, request.programme_id, request.region_id).await?;
    let mut scenarios: Vec<Outcome> = model::scenarios(&parameters, &inputs)
        .into_iter()
        .map(|(name, p)| outcome(name.to_owned(), p, &inputs))
        .collect();
    scenarios.extend(
        regions
            .iter()
            .map(|s| outcome(s.name.clone(), s.apply(&parameters), &inputs)),
    );
    let mut report = Report {
        request,
        programme_name: programme.definition.name,
        results: model::compute(&parameters, &inputs),
        tornado: model::tornado(&parameters, &inputs),
        sources: sources(&saved),
        parameters,
        inputs,
        scenarios,
        withheld: false,
        small_cell_threshold: None,
        records,
    };
    if !policy::sees_exact_figures(&ctx.actor) {
        report.small_cell_threshold = Some(state.config.small_cell_threshold);
        report.withheld = has_small_cell(&report.inputs, state.config.small_cell_threshold);
    }
    Ok(report)
}

fn outcome(name: String, parameters: Parameters, inputs: &Inputs) -> Outcome {
    Outcome {
        name,
        results: model::compute(&parameters, inputs),
        parameters,
    }
}

/// Whether a count the figures are made of is a small cell, or would reveal one (the small-cell
/// rule of docs/dashboard.md): then every money figure is withheld, since each is a count times
/// known parameters.
fn has_small_cell(inputs: &Inputs, threshold: i64) -> bool {
    let mut cells = Cells::new();
    cells
        .count("started", inputs.participants)
        .count("took_step", inputs.took_step)
        .count("paid_work", inputs.paid_work)
        .nested("started", "took_step")
        .nested("took_step", "paid_work");
    for (months, n) in CHECK_IN_MONTHS.iter().zip(inputs.in_work) {
        let key = format!("in_work:{months}");
        cells.count(&key, n).nested("started", &key);
    }
    !cells.suppress(threshold).is_empty()
}

/// The saved parameters and their history, for those who see some cost-benefit.
pub struct Settings {
    pub saved: Vec<Saved>,
    pub parameters: Parameters,
    pub sources: BTreeMap<String, String>,
    pub history: Vec<Change>,
    pub scenarios: Vec<Scenario>,
}

pub async fn settings(state: &AppState, ctx: &Ctx, programme_id: Uuid) -> Result<Settings, AppError> {
    if !policy::menu(&ctx.actor).cost_benefit {
        require(&ctx.actor, Action::SetCostBenefitParameters)?;
    }
    let mut conn = state.db.conn().await?;
    if programmes::get(&mut conn, programme_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let saved = store::saved(&mut conn, programme_id).await?;
    // A coordinator sees their regions' scenarios; administrators and funders all.
    let mut scenarios = store::scenarios(&mut conn, programme_id, None).await?;
    if ctx.actor.role == onramp_domain::identity::Role::Coordinator {
        scenarios.retain(|s| ctx.actor.regions.contains(&s.region_id));
    }
    Ok(Settings {
        parameters: store::parameters_of(&saved),
        sources: sources(&saved),
        history: store::history(&mut conn, programme_id, 200).await?,
        scenarios,
        saved,
    })
}

/// Parses values (`key` → text as a form writes it) and sources over the programme's current
/// parameters; every bad field is named.
fn parse(
    current: &Parameters,
    values: &BTreeMap<String, String>,
    sources: &BTreeMap<String, String>,
) -> Result<(Parameters, BTreeMap<String, String>), AppError> {
    let mut errors = FieldErrors::new();
    for key in values.keys().chain(sources.keys()) {
        if model::spec(key).is_none() && !key.starts_with("hourly_cost.") {
            errors.add_named(key.clone(), "unknown-field");
        }
    }
    for (key, text) in sources {
        if text.chars().count() > 1000 {
            errors.add_named(format!("source.{key}"), "too-long");
        }
    }
    let parsed = model::parse_parameters(values, current);
    match parsed {
        Ok(p) if errors.is_empty() => Ok((p, sources.clone())),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(mut more) => {
            errors.0.append(&mut more.0);
            Err(AppError::Invalid(errors))
        }
    }
}

/// Sets a programme's parameters (administrators); returns how many changed. Each change is
/// kept in the history with its source.
pub async fn set_parameters(
    state: &AppState,
    ctx: &Ctx,
    programme_id: Uuid,
    values: &BTreeMap<String, String>,
    new_sources: &BTreeMap<String, String>,
) -> Result<usize, AppError> {
    require(&ctx.actor, Action::SetCostBenefitParameters)?;
    let mut tx = state.db.begin().await?;
    if programmes::get(&mut tx, programme_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let saved = store::saved(&mut tx, programme_id).await?;
    let current = store::parameters_of(&saved);
    let (next, new_sources) = parse(&current, values, new_sources)?;
    let old_sources = sources(&saved);
    let source_of = |key: &str| {
        new_sources
            .get(key)
            .filter(|s| !s.trim().is_empty())
            .or(old_sources.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let mut settings: Vec<Setting> = SPECS
        .iter()
        .map(|spec| Setting {
            key: spec.key.to_owned(),
            partner_id: Uuid::nil(),
            value: Some(next.get(spec.key)),
            source: source_of(spec.key),
        })
        .collect();
    let partners: std::collections::BTreeSet<Uuid> = current
        .hourly_by_partner
        .keys()
        .chain(next.hourly_by_partner.keys())
        .copied()
        .collect();
    for partner in partners {
        if organisations::get(&mut tx, partner).await?.is_none() {
            return Err(AppError::Invalid(FieldErrors(vec![onramp_domain::FieldError::new(
                format!("hourly_cost.{partner}"),
                "invalid-reference",
            )])));
        }
        settings.push(Setting {
            key: "hourly_cost".to_owned(),
            partner_id: partner,
            value: next.hourly_by_partner.get(&partner).copied(),
            source: source_of(&format!("hourly_cost.{partner}")),
        });
    }
    // Unchanged defaults are not written: a programme follows the documented defaults until set.
    settings.retain(|s| {
        let spec = model::spec(&s.key);
        let is_default = s.partner_id.is_nil()
            && spec.is_some_and(|d| Some(d.default) == s.value && d.source == s.source)
            && !saved.iter().any(|r| r.key == s.key && r.partner_id.is_nil());
        !is_default
    });
    let changed = store::save(&mut tx, programme_id, &settings, ctx.user.id).await?;
    let event = Event::new("cost_benefit.parameters", "programme", programme_id);
    audit::record(&mut tx, &ctx.who, event.after(&next)).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Saves a named scenario for a region (administrators, the region's coordinator).
pub async fn save_scenario(
    state: &AppState,
    ctx: &Ctx,
    programme_id: Uuid,
    region_id: Uuid,
    name: &str,
    values: &BTreeMap<String, String>,
) -> Result<Uuid, AppError> {
    require(&ctx.actor, Action::SaveCostBenefitScenario { region_id })?;
    let name = onramp_domain::validation::required_text(name, 100);
    let mut tx = state.db.begin().await?;
    if programmes::get(&mut tx, programme_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if onramp_store::regions::get(&mut tx, region_id).await?.is_none() {
        return Err(AppError::invalid("region_id", "invalid-reference"));
    }
    let current = store::parameters(&mut tx, programme_id).await?;
    let parsed = parse(&current, values, &BTreeMap::new());
    let (name, next) = match (name, parsed) {
        (Ok(name), Ok((next, _))) => (name, next),
        (name, parsed) => {
            let mut errors = FieldErrors::new();
            if let Err(code) = name {
                errors.add("name", code);
            }
            if let Err(AppError::Invalid(mut more)) = parsed {
                errors.0.append(&mut more.0);
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let differing: BTreeMap<String, i64> = SPECS
        .iter()
        .filter(|s| next.get(s.key) != current.get(s.key))
        .map(|s| (s.key.to_owned(), next.get(s.key)))
        .collect();
    let id = store::save_scenario(&mut tx, programme_id, region_id, &name, &differing, ctx.user.id).await?;
    let event = Event::new("cost_benefit.scenario", "programme", programme_id);
    audit::record(&mut tx, &ctx.who, event.after(&differing)).await?;
    tx.commit().await?;
    Ok(id)
}
