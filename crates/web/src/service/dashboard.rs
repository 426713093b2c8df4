//! The programme dashboard: live figures for a period and a scope (a partner, a region, a
//! location, a coach, a programme, or everything), with the definitions written in
//! docs/dashboard.md.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::disclosure::Cells;
use onramp_domain::identity::Role;
use onramp_domain::outcomes::{BarrierCode, ExitSituation};
use onramp_domain::participants::SICKNESS_BANDS;
use onramp_domain::policy;
use onramp_domain::policy::Action;
use onramp_domain::presence::REACH_PER_FTE_NORM;
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Event};
use onramp_store::dashboard::{self, Scope};
use onramp_store::dashboard::{After, Figure, Person};
use onramp_store::{Access, organisations, programmes, users};
use serde::Serialize;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The requested period and scope, checked.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Request {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    /// A location (of the partner, when one is chosen too).
    pub location_id: Option<Uuid>,
    /// A coach: the trajectories they are responsible for, the presence actions they led.
    pub coach_id: Option<Uuid>,
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
    /// `paid_work` as a share of all who started, step or not: the two shares side by side say
    /// which "100%" a quoted rate of return to work is of.
    pub paid_work_percent_of_started: Option<f64>,
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
    /// Whether the agreements' figures (FTE, target) apply: not to a location or a coach, since
    /// agreements are made with partners.
    pub agreements_apply: bool,
    /// Whether the viewer may list the presence actions and agreements behind the figures of
    /// activity (`Action::ViewDashboardActivities`; not funders).
    #[serde(skip)]
    pub can_list_activities: bool,
    /// The figures hidden as small cells (`started`, `exits:inactive`, `barrier:pain`, …); their
    /// counts read 0 and their shares nothing. Empty for those who see exact figures.
    pub hidden: BTreeSet<String>,
    /// The threshold applied, when figures were hidden by the small-cell rule.
    pub small_cell_threshold: Option<i64>,
}

impl Dashboard {
    /// Whether a figure is hidden: `is_hidden("started")`, or in a family `is_hidden_in("exits", key)`.
    pub fn is_hidden(&self, key: &str) -> bool {
        self.hidden.contains(key)
    }

    pub fn is_hidden_in(&self, family: &str, key: &str) -> bool {
        self.hidden.contains(&format!("{family}:{key}"))
    }

    /// Hides the small cells and what would reveal them (`onramp_domain::disclosure`).
    fn hide_small_cells(&mut self, threshold: i64) {
        let list_keys = |family: &str, list: &[(String, i64)]| -> Vec<String> {
            list.iter().map(|(key, _)| format!("{family}:{key}")).collect()
        };
        let mut cells = Cells::new();
        cells
            .count("reached_by_presence", self.reached_by_presence)
            .count("contacted", self.contacted)
            .count("started", self.started)
            .count("engaged_in_modules", self.engaged_in_modules)
            .count("took_step", self.took_step)
            .count("paid_work", self.paid_work)
            .count("exited", self.exits.iter().map(|(_, n)| n).sum())
            .nested("contacted", "reached_by_presence")
            .nested("started", "engaged_in_modules")
            .nested("started", "took_step")
            .nested("took_step", "paid_work")
            .nested("started", "paid_work");
        for (family, list) in [
            ("exits", &self.exits),
            ("sickness", &self.sickness_bands),
            ("barrier", &self.top_barriers),
        ] {
            for (key, n) in list.iter() {
                cells.count(&format!("{family}:{key}"), *n);
            }
        }
        cells
            .partition(Some("exited"), &list_keys("exits", &self.exits))
            .partition(Some("started"), &list_keys("sickness", &self.sickness_bands));
        let hidden = cells.suppress(threshold).clone();
        self.took_step_percent = cells.share(&["took_step", "started"], self.took_step_percent);
        self.took_step_percent_of_contacted =
            cells.share(&["took_step", "contacted"], self.took_step_percent_of_contacted);
        self.paid_work_percent_of_steps = cells.share(&["paid_work", "took_step"], self.paid_work_percent_of_steps);
        self.paid_work_percent_of_started = cells.share(&["paid_work", "started"], self.paid_work_percent_of_started);
        self.median_duration_months = cells.share(&["exited"], self.median_duration_months);
        self.reached_per_fte = cells.share(&["reached_by_presence"], self.reached_per_fte);
        for (key, count) in [
            ("reached_by_presence", &mut self.reached_by_presence),
            ("contacted", &mut self.contacted),
            ("started", &mut self.started),
            ("engaged_in_modules", &mut self.engaged_in_modules),
            ("took_step", &mut self.took_step),
            ("paid_work", &mut self.paid_work),
        ] {
            if hidden.contains(key) {
                *count = 0;
            }
        }
        for (family, list) in [
            ("exits", &mut self.exits),
            ("sickness", &mut self.sickness_bands),
            ("barrier", &mut self.top_barriers),
        ] {
            for (key, n) in list.iter_mut() {
                if hidden.contains(&format!("{family}:{key}")) {
                    *n = 0;
                }
            }
        }
        self.hidden = hidden;
        self.small_cell_threshold = Some(threshold);
    }
}

/// Checks the period, the references and the actor's right to the scope; gives the store's scope.
async fn authorised_scope(conn: &mut impl Access, ctx: &Ctx, request: Request) -> Result<Scope, AppError> {
    Ok(checked_scope(conn, ctx, request, false).await?.scope)
}

/// A scope the policy allowed, and whether the lists behind its figures of activity are allowed too.
pub(crate) struct Checked {
    pub(crate) scope: Scope,
    pub(crate) lists_activities: bool,
}

/// [`authorised_scope`]; with `activities`, for the lists behind the figures of activity
/// (`Action::ViewDashboardActivities`) rather than the figures.
pub(crate) async fn checked_scope(
    conn: &mut impl Access,
    ctx: &Ctx,
    request: Request,
    activities: bool,
) -> Result<Checked, AppError> {
    let action = if activities {
        ScopeAction::DashboardActivities
    } else {
        ScopeAction::Dashboard
    };
    checked_for(conn, ctx, request, action).await
}

/// An action on a dashboard's scope: the dashboard's figures or lists, a monitoring report, its
/// recommendations.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ScopeAction {
    Dashboard,
    DashboardActivities,
    Monitoring,
    Recommendations,
}

impl ScopeAction {
    fn on(self, scope: policy::DashboardScope<'_>) -> Action<'_> {
        match self {
            ScopeAction::Dashboard => Action::ViewDashboard(scope),
            ScopeAction::DashboardActivities => Action::ViewDashboardActivities(scope),
            ScopeAction::Monitoring => Action::ViewMonitoring(scope),
            ScopeAction::Recommendations => Action::WriteRecommendations(scope),
        }
    }
}

/// Checks the period, the references and the actor's right to `action` on the scope; gives the
/// store's scope, and whether the lists behind the dashboard's figures of activity are allowed.
pub(crate) async fn checked_for(
    conn: &mut impl Access,
    ctx: &Ctx,
    request: Request,
    action: ScopeAction,
) -> Result<Checked, AppError> {
    if request.to < request.from {
        return Err(AppError::invalid("to", "before-start"));
    }
    // A location stands for its partner in the policy; a partner chosen with it must be its own.
    let location = match request.location_id {
        Some(id) => Some(
            onramp_store::locations::get(conn, id)
                .await?
                .ok_or(AppError::invalid("location_id", "invalid-reference"))?,
        ),
        None => None,
    };
    if let (Some(location), Some(organisation)) = (&location, request.organisation_id)
        && location.organisation_id != organisation
    {
        return Err(AppError::invalid("location_id", "location-elsewhere"));
    }
    let organisation_id = request.organisation_id.or(location.as_ref().map(|l| l.organisation_id));
    let organisation = match organisation_id {
        Some(id) => Some(
            organisations::get(conn, id)
                .await?
                .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?,
        ),
        None => None,
    };
    let organisation = organisation.as_ref().map(|o| o.as_ref());
    let scope = policy::DashboardScope {
        organisation: organisation.as_ref(),
        region_id: request.region_id,
        location: location.is_some(),
        coach_id: request.coach_id,
    };
    let lists = Action::ViewDashboardActivities(scope);
    require(&ctx.actor, action.on(scope))?;
    let lists_activities = policy::decide(&ctx.actor, lists) == policy::Decision::Allow;
    if let Some(coach) = request.coach_id
        && users::get(conn, coach).await?.is_none_or(|u| u.role != Role::Coach)
    {
        return Err(AppError::invalid("coach_id", "not-a-coach"));
    }
    if let Some(programme) = request.programme_id
        && programmes::get(conn, programme).await?.is_none()
    {
        return Err(AppError::invalid("programme_id", "invalid-reference"));
    }
    let scope = Scope {
        from: request.from,
        to: request.to,
        organisation_id,
        region_id: request.region_id,
        programme_id: request.programme_id,
        location_id: request.location_id,
        coach_id: request.coach_id,
    };
    Ok(Checked {
        scope,
        lists_activities,
    })
}

pub async fn figures(state: &AppState, ctx: &Ctx, request: Request) -> Result<Dashboard, AppError> {
    let mut conn = state.db.conn().await?;
    let Checked {
        scope,
        lists_activities,
    } = checked_scope(&mut conn, ctx, request, false).await?;
    let tally = dashboard::tally(&mut conn, scope).await?;
    let reached = dashboard::reached(&mut conn, scope).await?;
    let (fte_hundredths, reach_target, steps_permille) = dashboard::agreements(&mut conn, scope).await?;
    let started = tally.get("started");
    let individually = tally.get("reached_individually");
    let took_step = tally.get("took_step");
    let paid_work = tally.get("paid_work");
    let bands = SICKNESS_BANDS
        .iter()
        .map(|(name, _, _)| *name)
        .chain(["unknown"])
        .map(|name| (name.to_owned(), tally.get(&format!("sickness:{name}"))))
        .collect();
    let mut top_barriers: Vec<(String, i64)> = tally.by("barrier").map(|(code, n)| (code.to_owned(), n)).collect();
    top_barriers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top_barriers.truncate(5);
    let durations: Vec<(i64, i64)> = tally
        .by("duration")
        .filter_map(|(days, n)| Some((days.parse().ok()?, n)))
        .collect();
    let fte = fte_hundredths as f64 / 100.0;
    Ok(Dashboard {
        request,
        reached_by_presence: reached,
        contacted: reached + individually,
        took_step_percent_of_contacted: percent(took_step, reached + individually),
        started,
        engaged_in_modules: tally.get("engaged"),
        took_step,
        took_step_percent: percent(took_step, started),
        steps_target_percent: steps_permille.map(|p| f64::from(p) / 10.0),
        paid_work,
        paid_work_percent_of_steps: percent(paid_work, took_step),
        paid_work_percent_of_started: percent(paid_work, started),
        exits: tally
            .by("exited")
            .map(|(situation, n)| (situation.to_owned(), n))
            .collect(),
        sickness_bands: bands,
        top_barriers,
        median_duration_months: median_months(durations),
        fte,
        reached_per_fte: (fte > 0.0).then(|| (reached as f64 / fte * 10.0).round() / 10.0),
        reach_per_fte_norm: REACH_PER_FTE_NORM,
        reach_target,
        agreements_apply: dashboard::agreements_apply(&scope),
        can_list_activities: lists_activities,
        hidden: BTreeSet::new(),
        small_cell_threshold: None,
    })
    .map(|mut d| {
        if !policy::sees_exact_figures(&ctx.actor) {
            d.hide_small_cells(state.config.small_cell_threshold);
        }
        d
    })
}

/// The figures whose people can be listed.
pub const FIGURES: &[&str] = &[
    "started",
    "contacted_individually",
    "engaged",
    "took_step",
    "paid_work",
    "exited",
    "barrier",
    "sickness",
];

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
            SICKNESS_BANDS
                .iter()
                .find(|(name, _, _)| *name == value)
                .map(|(_, low, high)| Figure::Sickness(Some((*low, *high))))
        }),
        _ => Err(AppError::invalid_choice("figure", FIGURES)),
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
    let rows = people_in(&mut conn, ctx, scope, figure, after, limit).await?;
    drop(conn);
    audit_people(
        state,
        ctx,
        Event::new("dashboard.people", "dashboard", figure.key()),
        &request,
        None,
        &rows,
    )
    .await?;
    Ok(rows)
}

/// Writes a list of people behind a figure to the audit log: the period and scope asked for,
/// anything more the list was narrowed by, and the participants shown.
pub(crate) async fn audit_people(
    state: &AppState,
    ctx: &Ctx,
    mut event: Event<'_>,
    request: &Request,
    narrowed: Option<(&str, serde_json::Value)>,
    rows: &[Person],
) -> Result<(), AppError> {
    let mut after = serde_json::json!({
        "from": request.from, "to": request.to, "organisation_id": request.organisation_id,
        "region_id": request.region_id, "programme_id": request.programme_id,
        "location_id": request.location_id, "coach_id": request.coach_id,
    });
    if let Some((key, value)) = narrowed {
        after[key] = value;
    }
    event.after = Some(after.to_string());
    event.purpose = Some(Purpose::Report);
    event.subjects = rows.iter().map(|r| r.participant_id).collect();
    let mut tx = state.db.begin().await?;
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The trajectories behind a figure in a checked scope that the reader's caseload reaches; those
/// with no caseload at all (funders) are refused.
pub(crate) async fn people_in(
    conn: &mut impl onramp_store::Access,
    ctx: &Ctx,
    scope: onramp_store::dashboard::Scope,
    figure: &Figure,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>, AppError> {
    if policy::caseload_scope(&ctx.actor).is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(dashboard::people(conn, scope, figure, &ctx.actor, after, limit).await?)
}

/// The median of trajectory lengths given as (days, how many), in months of 30.44 days with one
/// decimal.
pub fn median_months(mut durations: Vec<(i64, i64)>) -> Option<f64> {
    durations.retain(|(_, n)| *n > 0);
    durations.sort_unstable();
    let total: i64 = durations.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The length at a 0-based position of the sorted lengths.
    let at = |position: i64| {
        let mut seen = 0;
        durations
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen > position
            })
            .map_or(0, |(days, _)| *days)
    };
    let median = if total % 2 == 0 {
        (at(total / 2 - 1) + at(total / 2)) as f64 / 2.0
    } else {
        at(total / 2) as f64
    };
    Some((median / 30.44 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::{median_months, percent};

    #[test]
    fn the_median_duration_is_in_months() {
        assert_eq!(median_months(vec![]), None);
        assert_eq!(median_months(vec![(182, 1), (366, 1), (91, 1)]), Some(6.0));
        // Counted: 91, 182, 182, 366 → (182 + 182) / 2 days.
        assert_eq!(median_months(vec![(366, 1), (182, 2), (91, 1)]), Some(6.0));
        // Even: the mean of the two middle lengths, 91 and 366 days.
        assert_eq!(median_months(vec![(91, 1), (366, 1)]), Some(7.5));
        assert_eq!(
            median_months(vec![(91, 0)]),
            None,
            "lengths of nothing count for nothing"
        );
    }

    #[test]
    fn shares_have_one_decimal_and_none_over_nothing() {
        assert_eq!(percent(19, 24), Some(79.2));
        assert_eq!(percent(30, 50), Some(60.0));
        assert_eq!(percent(30, 200), Some(15.0));
        assert_eq!(percent(0, 0), None);
    }
}
