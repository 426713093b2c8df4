//! The monitoring reports for coordinators and the steering committee (docs/monitoring.md):
//! barriers by quarter, the ICF change of a cohort by rater, steps to work and reach by month,
//! the same per coach and per location, each from the counts kept with every write; funders see
//! them with small cells hidden. The people behind each figure are listed and audited as the
//! dashboard's are.

use super::dashboard::{Request as Scope, ScopeAction, checked_for};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::disclosure::Cells;
use onramp_domain::icf::Rater;
use onramp_domain::monitoring::{BarrierCell, mean_change, whole_months};
use onramp_domain::participants::HealthCategory;
use onramp_domain::policy;
use onramp_store::audit::{self, Event};
use onramp_store::dashboard::counts::unit_of;
use onramp_store::dashboard::{After, Person};
use onramp_store::monitoring::recommendations::{self, Kept, Recommendation};
use onramp_store::monitoring::summary::{self, quarters_of};
use onramp_store::monitoring::{self as store, Figure, PerUnit};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The longest period a report covers, in months.
pub const MAX_MONTHS: u32 = 60;

/// A report's period (whole months) and scope, and the health category its barriers are of.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Request {
    pub scope: Scope,
    pub health: Option<HealthCategory>,
}

/// One barrier code in a quarter (`quarter` none: the whole period). `None` counts are hidden.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BarrierRow {
    pub quarter: Option<String>,
    pub code: String,
    pub noted: Option<i64>,
    pub resolved: Option<i64>,
    pub resolved_percent: Option<f64>,
    pub median_days_to_resolve: Option<f64>,
    pub no_step: Option<i64>,
    pub no_step_percent: Option<f64>,
}

/// The mean change of one category or competence as one rater scored it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IcfRow {
    pub rater: String,
    /// An ICF category code (`d240`) or a competence (`motivation`).
    pub item: String,
    pub n: Option<i64>,
    pub mean_change: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthRow {
    pub month: NaiveDate,
    pub reached_by_presence: Option<i64>,
    pub started: Option<i64>,
    pub first_steps: Option<i64>,
    pub first_paid_work: Option<i64>,
}

/// One coach or location over the period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: Uuid,
    pub name: String,
    pub started: Option<i64>,
    pub first_steps: Option<i64>,
    pub barriers_noted: Option<i64>,
    pub resolved_percent: Option<f64>,
    pub median_days_to_resolve: Option<f64>,
    pub no_step_percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub request: Request,
    pub quarters: Vec<String>,
    /// Per quarter and code, then per code over the whole period (`quarter` none), most noted first.
    pub barriers: Vec<BarrierRow>,
    pub icf: Vec<IcfRow>,
    pub months: Vec<MonthRow>,
    /// `None` where the comparison does not apply (a coach's or a location's own report; coaches
    /// at a partner are not kept apart; funders do not compare coaches).
    pub per_coach: Option<Vec<UnitRow>>,
    pub per_location: Option<Vec<UnitRow>>,
    pub recommendations: Vec<Recommendation>,
    /// Whether the viewer may write recommendations here.
    #[serde(skip)]
    pub can_write: bool,
    /// Whether the viewer may see the people behind the figures (funders see figures only).
    #[serde(skip)]
    pub can_list: bool,
    /// The threshold applied, when small cells were hidden.
    pub small_cell_threshold: Option<i64>,
}

/// Checks a period of whole months, and not too long.
fn check_period(scope: &Scope) -> Result<(), AppError> {
    if scope.to < scope.from {
        return Err(AppError::invalid("to", "before-start"));
    }
    if !whole_months(scope.from, scope.to) {
        return Err(if scope.from.format("%d").to_string() != "01" {
            AppError::invalid("from", "not-first-of-month")
        } else {
            AppError::invalid("to", "not-end-of-month")
        });
    }
    let limit = scope.from.checked_add_months(chrono::Months::new(MAX_MONTHS));
    if limit.is_none_or(|limit| scope.to >= limit) {
        return Err(AppError::invalid("to", "period-too-long"));
    }
    Ok(())
}

/// The store's scope for a report, after the policy allowed `action` on it.
pub(super) async fn allowed(
    conn: &mut impl onramp_store::Access,
    ctx: &Ctx,
    request: &Request,
    action: ScopeAction,
) -> Result<onramp_store::dashboard::Scope, AppError> {
    check_period(&request.scope)?;
    if let Some(region) = request.scope.region_id
        && onramp_store::regions::get(conn, region).await?.is_none()
    {
        return Err(AppError::invalid("region_id", "invalid-reference"));
    }
    let scope = checked_for(conn, ctx, request.scope, action).await?.scope;
    if unit_of(&scope).is_none() {
        return Err(AppError::invalid("coach_id", "coach-at-partner"));
    }
    Ok(scope)
}

/// Hides small cells when the viewer sees figures only.
struct Disclosure {
    cells: Cells,
}

impl Disclosure {
    fn count(&self, key: &str, n: i64) -> Option<i64> {
        (!self.cells.is_hidden(key)).then_some(n)
    }

    fn share(&self, keys: &[&str], value: Option<f64>) -> Option<f64> {
        self.cells.share(keys, value)
    }
}

fn disclose(mut cells: Cells, threshold: Option<i64>) -> Disclosure {
    if let Some(t) = threshold {
        cells.suppress(t);
    }
    Disclosure { cells }
}

/// The barrier cells as rows: each quarter's, then the whole period's, most noted first.
fn barrier_rows(cells: &BTreeMap<(String, String), BarrierCell>, threshold: Option<i64>) -> Vec<BarrierRow> {
    let mut totals: BTreeMap<String, BarrierCell> = BTreeMap::new();
    for ((_, code), cell) in cells {
        totals.entry(code.clone()).or_default().add(cell);
    }
    let mut order: Vec<(&String, i64)> = totals.iter().map(|(c, t)| (c, t.noted)).collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let key = |q: &str, code: &str, part: &str| format!("{q}:{code}:{part}");
    let mut all = Cells::new();
    let mut add = |q: &str, code: &str, cell: &BarrierCell| {
        all.count(&key(q, code, "noted"), cell.noted)
            .count(&key(q, code, "resolved"), cell.resolved)
            .count(&key(q, code, "no_step"), cell.no_step)
            .nested(&key(q, code, "noted"), &key(q, code, "resolved"))
            .nested(&key(q, code, "noted"), &key(q, code, "no_step"));
    };
    for ((q, code), cell) in cells {
        add(q, code, cell);
    }
    for (code, total) in &totals {
        add("total", code, total);
    }
    for code in totals.keys() {
        let quarters: Vec<&String> = cells.keys().filter(|(_, c)| c == code).map(|(q, _)| q).collect();
        for part in ["noted", "resolved", "no_step"] {
            let parts: Vec<String> = quarters.iter().map(|q| key(q, code, part)).collect();
            all.partition(Some(&key("total", code, part)), &parts);
        }
    }
    let shown = disclose(all, threshold);
    let row = |q: Option<&String>, code: &str, cell: &BarrierCell| {
        let q_key = q.map_or("total", |q| q.as_str());
        let (noted, resolved, no_step) = (
            key(q_key, code, "noted"),
            key(q_key, code, "resolved"),
            key(q_key, code, "no_step"),
        );
        BarrierRow {
            quarter: q.cloned(),
            code: code.to_owned(),
            noted: shown.count(&noted, cell.noted),
            resolved: shown.count(&resolved, cell.resolved),
            resolved_percent: shown.share(&[&noted, &resolved], cell.resolved_percent()),
            median_days_to_resolve: shown.share(&[&resolved], cell.median_days()),
            no_step: shown.count(&no_step, cell.no_step),
            no_step_percent: shown.share(&[&noted, &no_step], cell.no_step_percent()),
        }
    };
    let mut rows = Vec::new();
    for ((q, code), cell) in cells {
        rows.push((q.clone(), row(Some(q), code, cell)));
    }
    // Quarters in order, each quarter's codes most noted first; then the totals.
    let rank: BTreeMap<&String, usize> = order.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| rank[&a.1.code].cmp(&rank[&b.1.code])));
    let mut rows: Vec<BarrierRow> = rows.into_iter().map(|(_, r)| r).collect();
    rows.extend(order.iter().map(|(code, _)| row(None, code, &totals[*code])));
    rows
}

fn icf_rows(rows: &[store::Row<NaiveDate>], threshold: Option<i64>) -> Vec<IcfRow> {
    summary::icf_changes(rows)
        .into_iter()
        .filter_map(|((rater, item), changes)| {
            let m = mean_change(&changes)?;
            let hidden = threshold.is_some_and(|t| m.n < t);
            Some(IcfRow {
                rater,
                item,
                n: (!hidden).then_some(m.n),
                mean_change: (!hidden).then_some(m.mean),
                ci_low: m.ci_low.filter(|_| !hidden),
                ci_high: m.ci_high.filter(|_| !hidden),
            })
        })
        .collect()
}

/// The months of the period, oldest first.
fn months_of(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut on = from;
    while on <= to {
        months.push(on);
        match on.checked_add_months(chrono::Months::new(1)) {
            Some(next) => on = next,
            None => break,
        }
    }
    months
}

fn small(threshold: Option<i64>, n: i64) -> Option<i64> {
    (!threshold.is_some_and(|t| n > 0 && n < t)).then_some(n)
}

fn month_rows(
    rows: &[store::Row<NaiveDate>],
    reach: &BTreeMap<NaiveDate, i64>,
    scope: &onramp_store::dashboard::Scope,
    threshold: Option<i64>,
) -> Vec<MonthRow> {
    let (started, steps, paid) = (
        summary::by_month(rows, "start"),
        summary::by_month(rows, "step"),
        summary::by_month(rows, "paid"),
    );
    let get = |m: &BTreeMap<NaiveDate, i64>, on: &NaiveDate| small(threshold, m.get(on).copied().unwrap_or(0));
    months_of(scope.from, scope.to)
        .iter()
        .map(|on| MonthRow {
            month: *on,
            reached_by_presence: get(reach, on),
            started: get(&started, on),
            first_steps: get(&steps, on),
            first_paid_work: get(&paid, on),
        })
        .collect()
}

async fn unit_rows(
    conn: &mut impl onramp_store::Access,
    per: PerUnit,
    scope: &onramp_store::dashboard::Scope,
    health: Option<&str>,
    threshold: Option<i64>,
) -> Result<Vec<UnitRow>, AppError> {
    let rows = store::per_unit(conn, per, scope).await?;
    let mut ids: Vec<Uuid> = rows.iter().map(|(id, _, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = store::unit_names(conn, per, &ids).await?;
    let barriers = summary::barriers_by_unit(&rows, health);
    // Each unit's rows and barriers, gathered once.
    let mut by_unit: BTreeMap<Uuid, Vec<store::Row<Uuid>>> = BTreeMap::new();
    for row in rows {
        by_unit.entry(row.0).or_default().push(row);
    }
    let mut cells: BTreeMap<Uuid, BarrierCell> = BTreeMap::new();
    for ((unit, _), cell) in &barriers {
        cells.entry(*unit).or_default().add(cell);
    }
    let mut list: Vec<UnitRow> = by_unit
        .iter()
        .map(|(id, mine)| {
            let cell = cells.remove(id).unwrap_or_default();
            let hide_parts = threshold.is_some_and(|t| {
                [
                    cell.noted,
                    cell.resolved,
                    cell.noted - cell.resolved,
                    cell.no_step,
                    cell.noted - cell.no_step,
                ]
                .iter()
                .any(|n| *n > 0 && *n < t)
            });
            UnitRow {
                id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                started: small(threshold, summary::total(mine, "start")),
                first_steps: small(threshold, summary::total(mine, "step")),
                barriers_noted: small(threshold, cell.noted),
                resolved_percent: cell.resolved_percent().filter(|_| !hide_parts),
                median_days_to_resolve: cell.median_days().filter(|_| !hide_parts),
                no_step_percent: cell.no_step_percent().filter(|_| !hide_parts),
            }
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(list)
}

/// The recommendations' period and scope for a report.
pub fn kept(request: &Request) -> Kept {
    let s = &request.scope;
    Kept {
        from: s.from,
        to: s.to,
        organisation_id: s.organisation_id,
        region_id: s.region_id,
        programme_id: s.programme_id,
        location_id: s.location_id,
    }
}

/// The recommendations kept with a report, for whoever may see it, without counting the report.
pub async fn kept_with(state: &AppState, ctx: &Ctx, request: Request) -> Result<Vec<Recommendation>, AppError> {
    let mut conn = state.db.conn().await?;
    allowed(&mut conn, ctx, &request, ScopeAction::Monitoring).await?;
    Ok(recommendations::within(&mut conn, &kept(&request)).await?)
}

/// The report for a period and scope.
pub async fn report(state: &AppState, ctx: &Ctx, request: Request) -> Result<Report, AppError> {
    let mut conn = state.db.conn().await?;
    let scope = allowed(&mut conn, ctx, &request, ScopeAction::Monitoring).await?;
    let threshold = (!policy::sees_exact_figures(&ctx.actor)).then_some(state.config.small_cell_threshold);
    let unit = unit_of(&scope).ok_or(AppError::NotFound)?;
    let rows = store::months(&mut conn, unit, &scope).await?;
    let health = request.health.map(|h| h.as_str());
    let reach = store::reach_by_month(&mut conn, &scope).await?;
    let own_report = scope.location_id.is_some() || scope.coach_id.is_some();
    let per_coach = if own_report || scope.organisation_id.is_some() || threshold.is_some() {
        None
    } else {
        Some(unit_rows(&mut conn, PerUnit::Coach, &scope, health, threshold).await?)
    };
    let per_location = if own_report {
        None
    } else {
        Some(unit_rows(&mut conn, PerUnit::Location, &scope, health, threshold).await?)
    };
    let recommendations = recommendations::within(&mut conn, &kept(&request)).await?;
    // Recommendations are kept with a region's, a partner's, a programme's or everything's report.
    let own_scope = request.scope.location_id.is_some() || request.scope.coach_id.is_some();
    let can_write = !own_scope
        && checked_for(&mut conn, ctx, request.scope, ScopeAction::Recommendations)
            .await
            .is_ok();
    Ok(Report {
        quarters: quarters_of(scope.from, scope.to),
        barriers: barrier_rows(&summary::barriers_by_quarter(&rows, health), threshold),
        icf: icf_rows(&rows, threshold),
        months: month_rows(&rows, &reach, &scope, threshold),
        per_coach,
        per_location,
        recommendations,
        can_write,
        can_list: threshold.is_none() && !policy::caseload_scope(&ctx.actor).is_empty(),
        small_cell_threshold: threshold,
        request,
    })
}

/// The figures whose people can be listed.
pub const FIGURES: &[&str] = &["barrier", "icf", "first_step", "first_paid"];
pub const BARRIER_PARTS: &[&str] = &["noted", "resolved", "no_step"];

/// Parses which figure's people are asked for: `barrier` (with its code as `value` and `part`),
/// `icf` (with `rater` and the category or competence as `value`), `first_step`, `first_paid`.
pub fn parse_figure(
    figure: &str,
    value: &str,
    part: &str,
    rater: &str,
    health: Option<HealthCategory>,
) -> Result<Figure, AppError> {
    let value = value.trim();
    match figure.trim() {
        "barrier" => {
            if value.is_empty() {
                return Err(AppError::invalid("value", "required"));
            }
            let part = match part.trim() {
                "" | "noted" => store::BarrierPart::Noted,
                "resolved" => store::BarrierPart::Resolved,
                "no_step" => store::BarrierPart::NoStep,
                _ => return Err(AppError::invalid_choice("part", BARRIER_PARTS)),
            };
            Ok(Figure::Barrier {
                code: value.to_owned(),
                health: health.map(|h| h.as_str()),
                part,
            })
        }
        "icf" => {
            // Which rater's series is asked only for `icf`: required there, said in its description.
            if rater.trim().is_empty() {
                return Err(AppError::invalid("rater", "required"));
            }
            let rater = Rater::parse(rater.trim()).map_err(|_| AppError::invalid_choice("rater", Rater::VALUES))?;
            let known = onramp_domain::icf::parse_category_code(value).is_ok()
                || onramp_domain::icf::Competence::parse(value).is_ok();
            if !known {
                return Err(AppError::invalid("value", "invalid-choice"));
            }
            Ok(Figure::Icf {
                rater: rater.as_str(),
                item: value.to_owned(),
            })
        }
        "first_step" => Ok(Figure::FirstStep),
        "first_paid" => Ok(Figure::FirstPaid),
        _ => Err(AppError::invalid_choice("figure", FIGURES)),
    }
}

/// The participants behind one figure, as far as the viewer's caseload reaches (funders see
/// figures only: 403). Each list is written to the audit log (`monitoring.people`).
pub async fn people(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
    figure: &Figure,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>, AppError> {
    let mut conn = state.db.conn().await?;
    let scope = allowed(&mut conn, ctx, &request, ScopeAction::Monitoring).await?;
    if !policy::sees_exact_figures(&ctx.actor) || policy::caseload_scope(&ctx.actor).is_empty() {
        return Err(AppError::Refused(onramp_domain::refusal::Refusal::NotForYourRole));
    }
    let rows = store::people(&mut conn, scope, figure, &ctx.actor, after, limit).await?;
    drop(conn);
    let event = Event::new("monitoring.people", "monitoring", figure.key());
    let health = serde_json::json!(request.health.map(|h| h.as_str()));
    super::dashboard::audit_people(
        state,
        ctx,
        event,
        &request.scope,
        Some(("health_category", health)),
        &rows,
    )
    .await?;
    Ok(rows)
}

/// The largest recommendation, in characters.
pub const MAX_BODY: usize = 10_000;

/// Checks a recommendation's text field by field.
fn text(body: &str, barrier_code: &str) -> Result<recommendations::Text, AppError> {
    let body = body.trim();
    let mut errors = onramp_domain::FieldErrors::new();
    if body.is_empty() {
        errors.add("body", "required");
    } else if body.chars().count() > MAX_BODY {
        errors.add("body", "too-long");
    } else if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add("body", "control-characters");
    }
    let code = barrier_code.trim();
    if code.chars().count() > 64 || code.chars().any(char::is_control) {
        errors.add("barrier_code", "invalid-choice");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(recommendations::Text {
        barrier_code: (!code.is_empty()).then(|| code.to_owned()),
        body: body.to_owned(),
    })
}

/// Writes a recommendation beside the report of a period and scope (a region, a programme or
/// everything; not one partner, location or coach), audited.
pub async fn add_recommendation(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
    body: &str,
    barrier_code: &str,
) -> Result<Recommendation, AppError> {
    let text = text(body, barrier_code)?;
    let mut tx = state.db.begin().await?;
    if request.scope.location_id.is_some() || request.scope.coach_id.is_some() {
        return Err(AppError::invalid("location_id", "recommendation-scope"));
    }
    allowed(&mut tx, ctx, &request, ScopeAction::Recommendations).await?;
    let added = recommendations::add(&mut tx, &kept(&request), &text, ctx.user.id).await?;
    let event = Event::new("recommendation.create", "recommendation", added.id);
    audit::record(&mut tx, &ctx.who, event.after(&added)).await?;
    tx.commit().await?;
    Ok(added)
}

/// The scope a recommendation was kept with, as a report request.
fn request_of(r: &Recommendation) -> Request {
    Request {
        scope: Scope {
            from: r.from_on,
            to: r.to_on,
            organisation_id: r.organisation_id,
            region_id: r.region_id,
            programme_id: r.programme_id,
            location_id: r.location_id,
            coach_id: None,
        },
        health: None,
    }
}

/// A new version of a recommendation; `version` is the one the writer edited (a stale one is
/// refused: someone else changed it in the meantime).
pub async fn edit_recommendation(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    version: i32,
    body: &str,
    barrier_code: &str,
) -> Result<Recommendation, AppError> {
    let text = text(body, barrier_code)?;
    let mut tx = state.db.begin().await?;
    let before = recommendations::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    allowed(&mut tx, ctx, &request_of(&before), ScopeAction::Recommendations).await?;
    if before.version != version {
        return Err(AppError::invalid("version", "edited-meanwhile"));
    }
    let after = recommendations::edit(&mut tx, id, version, &text, ctx.user.id)
        .await
        .map_err(|e| match e {
            onramp_store::StoreError::NotFound => AppError::invalid("version", "edited-meanwhile"),
            other => other.into(),
        })?;
    let event = Event::new("recommendation.edit", "recommendation", id);
    audit::record(&mut tx, &ctx.who, event.before(&before).after(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

/// A recommendation with its versions, for those who see its report.
pub async fn recommendation(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
) -> Result<(Recommendation, Vec<recommendations::Version>), AppError> {
    let mut conn = state.db.conn().await?;
    let found = recommendations::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    allowed(&mut conn, ctx, &request_of(&found), ScopeAction::Monitoring).await?;
    let versions = recommendations::versions(&mut conn, id).await?;
    Ok((found, versions))
}
