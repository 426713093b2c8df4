//! The programme dashboard: live figures for a period and a scope (a partner, a region, a
//! programme, or everything), with the definitions written in docs/dashboard.md.

use super::require;
use crate::AppState;
use crate::error::AppError;
use crate::exchange::report::{ReportRow, Value};
use crate::identity::Ctx;
use chrono::NaiveDate;
use onramp_domain::outcomes::{BarrierCode, ExitSituation};
use onramp_domain::participants::sickness_at;
use onramp_domain::policy;
use onramp_domain::policy::Action;
use onramp_domain::presence::REACH_PER_FTE_NORM;
use onramp_store::audit::{self, Event};
use onramp_store::dashboard::{self, Scope};
use onramp_store::dashboard::{After, Figure, Person};
use onramp_store::{Access, organisations, programmes};
use serde::Serialize;
use uuid::Uuid;

/// The requested period and scope, checked.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Request {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
}

/// A share as a percentage with one decimal, of a count over a base; `None` over nothing.
pub fn percent(count: i64, base: i64) -> Option<f64> {
    (base > 0).then(|| (count as f64 * 1000.0 / base as f64).round() / 10.0)
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The period and scope the figures are for.
    pub request: Request,
    /// People reached by presence actions in the period.
    pub reached_by_presence: i64,
    /// People reached: by presence actions, plus those who started without coming through one.
    pub contacted: i64,
    /// Trajectories started in the period (the cohort the next figures count).
    pub started: i64,
    /// Of those started: attended at least one group session.
    pub engaged_in_modules: i64,
    /// Of those started: took at least one step towards work.
    pub took_step: i64,
    /// `took_step` as a share of those started (Boost2work's figure).
    pub took_step_percent: Option<f64>,
    /// `took_step` as a share of those contacted (GTB's figure, against the target).
    pub took_step_percent_of_contacted: Option<f64>,
    /// The agreements' target share taking steps (15% by default).
    pub steps_target_percent: Option<f64>,
    /// Of those started: in paid work.
    pub paid_work: i64,
    /// `paid_work` as a share of those who took a step.
    pub paid_work_percent_of_steps: Option<f64>,
    /// Trajectories ended in the period, by the ESF+ situation upon leaving ("not_recorded" when missing).
    pub exits: Vec<(String, i64)>,
    /// Median length in months (days ÷ 30.44, one decimal) of the trajectories that ended in the period.
    pub median_duration_months: Option<f64>,
    /// The barriers noted most often on the cohort's trajectories (at most five).
    pub top_barriers: Vec<(String, i64)>,
    /// Months of sickness when the trajectory started, in bands.
    pub sickness_bands: Vec<(String, i64)>,
    pub fte: f64,
    pub reached_per_fte: Option<f64>,
    pub reach_per_fte_norm: i64,
    pub reach_target: i64,
}

const BANDS: &[(&str, i32, i32)] = &[
    ("0-3", 0, 3),
    ("4-6", 4, 6),
    ("7-12", 7, 12),
    ("13-24", 13, 24),
    ("25+", 25, i32::MAX),
];

/// Checks the period, the references and the actor's right to the scope; gives the store's scope.
async fn authorised_scope(conn: &mut impl Access, ctx: &Ctx, request: Request) -> Result<Scope, AppError> {
    if request.to < request.from {
        return Err(AppError::invalid("to", "before-start"));
    }
    let organisation = match request.organisation_id {
        Some(id) => Some(
            organisations::get(conn, id)
                .await?
                .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?,
        ),
        None => None,
    };
    require(
        &ctx.actor,
        Action::ViewDashboard(organisation.as_ref().map(|o| o.as_ref()).as_ref(), request.region_id),
    )?;
    if let Some(programme) = request.programme_id
        && programmes::get(conn, programme).await?.is_none()
    {
        return Err(AppError::invalid("programme_id", "invalid-reference"));
    }
    Ok(Scope {
        from: request.from,
        to: request.to,
        organisation_id: request.organisation_id,
        region_id: request.region_id,
        programme_id: request.programme_id,
    })
}

pub async fn figures(state: &AppState, ctx: &Ctx, request: Request) -> Result<Dashboard, AppError> {
    let mut conn = state.db.conn().await?;
    let scope = authorised_scope(&mut conn, ctx, request).await?;
    let cohort = dashboard::cohort(&mut conn, scope).await?;
    let reached = dashboard::reached(&mut conn, scope).await?;
    let (fte_hundredths, reach_target, steps_permille) = dashboard::agreements(&mut conn, scope).await?;
    let ended = dashboard::ended(&mut conn, scope).await?;
    // By situation, in the same order on both engines.
    let mut exits = std::collections::BTreeMap::<String, i64>::new();
    for (situation, _, _) in &ended {
        *exits
            .entry(situation.clone().unwrap_or_else(|| "not_recorded".into()))
            .or_default() += 1;
    }
    let spans: Vec<(NaiveDate, NaiveDate)> = ended.iter().map(|(_, start, end)| (*start, *end)).collect();
    let mut bands: Vec<(String, i64)> = BANDS.iter().map(|(name, _, _)| (name.to_string(), 0)).collect();
    bands.push(("unknown".into(), 0));
    for (since, started) in dashboard::sickness_at_start(&mut conn, scope).await? {
        let index = match since {
            Some(since) => {
                let months = sickness_at(since, started).months;
                BANDS
                    .iter()
                    .position(|(_, low, high)| (*low..=*high).contains(&months))
                    .unwrap_or(0)
            }
            None => BANDS.len(),
        };
        bands[index].1 += 1;
    }
    let fte = fte_hundredths as f64 / 100.0;
    Ok(Dashboard {
        request,
        reached_by_presence: reached,
        contacted: reached + cohort.reached_individually,
        took_step_percent_of_contacted: percent(cohort.took_step, reached + cohort.reached_individually),
        started: cohort.started,
        engaged_in_modules: cohort.engaged,
        took_step: cohort.took_step,
        took_step_percent: percent(cohort.took_step, cohort.started),
        steps_target_percent: steps_permille.map(|p| f64::from(p) / 10.0),
        paid_work: cohort.paid_work,
        paid_work_percent_of_steps: percent(cohort.paid_work, cohort.took_step),
        exits: exits.into_iter().collect(),
        sickness_bands: bands,
        top_barriers: dashboard::top_barriers(&mut conn, scope, 5).await?,
        median_duration_months: median_months(&spans),
        fte,
        reached_per_fte: (fte > 0.0).then(|| (reached as f64 / fte * 10.0).round() / 10.0),
        reach_per_fte_norm: REACH_PER_FTE_NORM,
        reach_target,
    })
}

/// Parses which figure's people are asked for: `figure`, and `value` for an exit situation
/// (or `not_recorded`), a barrier code or a band of months of sickness (`0-3` … `25+`, `unknown`).
pub fn parse_figure(figure: &str, value: &str) -> Result<Figure, AppError> {
    let value = value.trim();
    let needs_value = |parsed: Option<Figure>| parsed.ok_or(AppError::invalid("value", "invalid-choice"));
    match figure.trim() {
        "started" => Ok(Figure::Started),
        "contacted_individually" => Ok(Figure::ContactedIndividually),
        "engaged" => Ok(Figure::Engaged),
        "took_step" => Ok(Figure::TookStep),
        "paid_work" => Ok(Figure::PaidWork),
        "exited" => needs_value(match value {
            "" => Some(Figure::Exited(None)),
            "not_recorded" => Some(Figure::Exited(Some(None))),
            situation => ExitSituation::parse(situation)
                .ok()
                .map(|s| Figure::Exited(Some(Some(s.as_str().to_owned())))),
        }),
        // Checked against the added codes by `people`.
        "barrier" => needs_value((!value.is_empty()).then(|| Figure::Barrier(value.to_owned()))),
        "sickness" => needs_value(if value == "unknown" {
            Some(Figure::Sickness(None))
        } else {
            BANDS
                .iter()
                .find(|(name, _, _)| *name == value)
                .map(|(_, low, high)| Figure::Sickness(Some((*low, *high))))
        }),
        _ => Err(AppError::invalid("figure", "invalid-choice")),
    }
}

/// The participants behind one figure, as far as the actor's caseload reaches (funders see
/// figures only). The list is audited: it ties names to health and work data.
pub async fn people(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
    figure: &Figure,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>, AppError> {
    let mut conn = state.db.conn().await?;
    let scope = authorised_scope(&mut conn, ctx, request).await?;
    if let Figure::Barrier(code) = figure
        && BarrierCode::parse(code).is_err()
        && !super::barrier_codes::names_in(&mut conn)
            .await?
            .added_codes()
            .contains(code)
    {
        return Err(AppError::invalid("value", "invalid-choice"));
    }
    if policy::caseload_scope(&ctx.actor).is_empty() {
        return Err(AppError::Forbidden);
    }
    let rows = dashboard::people(&mut conn, scope, figure, &ctx.actor, after, limit).await?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    let mut event = Event::new("dashboard.people", "dashboard", figure.key());
    event.after = Some(serde_json::json!({
        "from": request.from, "to": request.to, "organisation_id": request.organisation_id,
        "region_id": request.region_id, "programme_id": request.programme_id,
        "participants": rows.iter().map(|r| r.participant_id).collect::<Vec<_>>(),
    }));
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The median of the spans' lengths, in months of 30.44 days with one decimal.
pub fn median_months(spans: &[(NaiveDate, NaiveDate)]) -> Option<f64> {
    let mut days: Vec<i64> = spans.iter().map(|(start, end)| (*end - *start).num_days()).collect();
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let middle = days.len() / 2;
    let median = if days.len().is_multiple_of(2) {
        (days[middle - 1] + days[middle]) as f64 / 2.0
    } else {
        days[middle] as f64
    };
    Some((median / 30.44 * 10.0).round() / 10.0)
}

/// The dashboard as report rows (for CSV and XLSX), in the actor's language: the period and scope
/// first, then each figure with its definition.
pub async fn report(state: &AppState, ctx: &Ctx, request: Request) -> Result<Vec<ReportRow>, AppError> {
    let d = figures(state, ctx, request).await?;
    let lang = ctx.language;
    let t = |key: &str| crate::i18n::text(lang, key);
    let row = |figure: &str, label: String, value: Value, definition: String| ReportRow {
        figure: figure.to_owned(),
        label,
        value,
        definition,
    };
    let mut conn = state.db.conn().await?;
    let mut scope = Vec::new();
    if let Some(id) = d.request.organisation_id
        && let Some(o) = organisations::get(&mut conn, id).await?
    {
        scope.push(o.name);
    }
    if let Some(id) = d.request.region_id
        && let Some(r) = onramp_store::regions::get(&mut conn, id).await?
    {
        scope.push(r.name);
    }
    if let Some(id) = d.request.programme_id
        && let Some(mut g) = programmes::get(&mut conn, id).await?
    {
        crate::i18n::localise_programme(lang, &mut g);
        scope.push(g.definition.name);
    }
    let barrier_names = super::barrier_codes::names_in(&mut conn).await?;
    drop(conn);
    let scope = if scope.is_empty() {
        t("dashboard-scope-all")
    } else {
        scope.join(" · ")
    };
    let count = |figure: &str, key: &str, n: i64| row(figure, t(key), Value::Count(n), t(&format!("{key}-def")));
    let decimal =
        |figure: &str, key: &str, v: Option<f64>| row(figure, t(key), Value::Decimal(v), t(&format!("{key}-def")));
    let mut rows = vec![
        row(
            "from",
            t("dashboard-period-from"),
            Value::Text(d.request.from.to_string()),
            String::new(),
        ),
        row(
            "to",
            t("dashboard-period-to"),
            Value::Text(d.request.to.to_string()),
            String::new(),
        ),
        row("scope", t("dashboard-scope"), Value::Text(scope), String::new()),
        count("reached_by_presence", "dashboard-reached", d.reached_by_presence),
        count("contacted", "dashboard-contacted", d.contacted),
        count("started", "dashboard-started", d.started),
        count("engaged_in_modules", "dashboard-engaged", d.engaged_in_modules),
        count("took_step", "dashboard-steps", d.took_step),
        decimal("took_step_percent", "dashboard-steps-share", d.took_step_percent),
        decimal(
            "took_step_percent_of_contacted",
            "dashboard-steps-contacted",
            d.took_step_percent_of_contacted,
        ),
        decimal("steps_target_percent", "dashboard-target-label", d.steps_target_percent),
        count("paid_work", "dashboard-paid", d.paid_work),
        decimal(
            "paid_work_percent_of_steps",
            "dashboard-paid-share",
            d.paid_work_percent_of_steps,
        ),
        decimal("median_duration_months", "dashboard-duration", d.median_duration_months),
        decimal("fte", "dashboard-fte", Some(d.fte)),
        decimal("reached_per_fte", "dashboard-per-fte", d.reached_per_fte),
    ];
    for (situation, n) in &d.exits {
        let name = if situation == "not_recorded" {
            t("select-not-recorded")
        } else {
            t(&format!("situation-exit-{situation}"))
        };
        let label = format!("{}: {name}", t("dashboard-exits"));
        rows.push(row(
            &format!("exits:{situation}"),
            label,
            Value::Count(*n),
            t("dashboard-exits-def"),
        ));
    }
    for (band, n) in &d.sickness_bands {
        let name = if band == "unknown" { t("unknown") } else { band.clone() };
        let label = format!("{}: {name}", t("dashboard-sickness"));
        rows.push(row(
            &format!("sickness:{band}"),
            label,
            Value::Count(*n),
            t("dashboard-sickness-def"),
        ));
    }
    for (code, n) in &d.top_barriers {
        let label = format!("{}: {}", t("dashboard-barriers"), barrier_names.name(lang, code));
        rows.push(row(
            &format!("barrier:{code}"),
            label,
            Value::Count(*n),
            t("dashboard-barriers-def"),
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{median_months, percent};
    use chrono::NaiveDate;

    #[test]
    fn the_median_duration_is_in_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(median_months(&[]), None);
        let spans = [
            (d("2020-01-01"), d("2020-07-01")),
            (d("2020-01-01"), d("2021-01-01")),
            (d("2020-01-01"), d("2020-04-01")),
        ];
        assert_eq!(median_months(&spans), Some(6.0));
    }

    #[test]
    fn shares_have_one_decimal_and_none_over_nothing() {
        assert_eq!(percent(19, 24), Some(79.2));
        assert_eq!(percent(30, 50), Some(60.0));
        assert_eq!(percent(30, 200), Some(15.0));
        assert_eq!(percent(0, 0), None);
    }
}
