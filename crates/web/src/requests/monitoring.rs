//! The monitoring reports' period, scope and health category, and the lists of people behind
//! their figures.

use crate::error::AppError;
use crate::identity::Ctx;
use crate::requests::dashboard::DashboardQuery;
use crate::service::monitoring::{self as service, Request};
use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use onramp_domain::FieldErrors;
use onramp_domain::participants::HealthCategory;
use onramp_store::dashboard::{After, Person};
use onramp_store::monitoring::Figure;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MonitoringQuery {
    /// YYYY-MM-DD, the first day of a month; 1 January of this year when absent.
    pub from: Option<String>,
    /// YYYY-MM-DD, the last day of a month; 31 December of this year when absent. At most 60 months.
    pub to: Option<String>,
    /// One partner.
    pub organisation_id: Option<String>,
    /// One region.
    pub region_id: Option<String>,
    /// One programme.
    pub programme_id: Option<String>,
    /// One location (of the partner, when one is given too).
    pub location_id: Option<String>,
    /// One coach: the trajectories they are responsible for (coordinators within their region).
    pub coach_id: Option<String>,
    /// Only the barriers of participants of this health category: chronic_pain,
    /// physical_rehabilitation, psychological, burn_out, oncology, rheumatism, neurological, other.
    pub health_category: Option<String>,
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

impl MonitoringQuery {
    /// Parses the query; every bad field is named.
    pub fn request(&self) -> Result<Request, AppError> {
        let year = crate::time::today().year();
        let or = |v: &Option<String>, default: String| if blank(v) { Some(default) } else { v.clone() };
        let dashboard = DashboardQuery {
            from: or(&self.from, format!("{year}-01-01")),
            to: or(&self.to, format!("{year}-12-31")),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
            programme_id: self.programme_id.clone(),
            location_id: self.location_id.clone(),
            coach_id: self.coach_id.clone(),
        };
        let scope = dashboard.request();
        let health = if blank(&self.health_category) {
            Ok(None)
        } else {
            HealthCategory::parse(self.health_category.as_deref().unwrap_or_default().trim()).map(Some)
        };
        match (scope, health) {
            (Ok(scope), Ok(health)) => Ok(Request { scope, health }),
            (scope, health) => {
                let mut errors = match scope {
                    Err(AppError::Invalid(errors)) => errors,
                    Err(other) => return Err(other),
                    Ok(_) => FieldErrors::new(),
                };
                if health.is_err() {
                    errors.add("health_category", "invalid-choice");
                }
                Err(AppError::Invalid(errors))
            }
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MonitoringPeopleQuery {
    /// barrier, icf, first_step or first_paid
    pub figure: Option<String>,
    /// For `barrier`: its code; for `icf`: the category (`d240`) or competence (`motivation`).
    pub value: Option<String>,
    /// For `barrier`: noted (the default), resolved or no_step.
    pub part: Option<String>,
    /// For `icf` (required there): coach, care_partner or participant.
    pub rater: Option<String>,
    /// A quarter (`2026-Q1`) or a month (`2026-03`) of the period to narrow the list to.
    pub within: Option<String>,
    /// The period, scope and health category, as for the report.
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_id: Option<String>,
    pub region_id: Option<String>,
    pub programme_id: Option<String>,
    pub location_id: Option<String>,
    pub coach_id: Option<String>,
    pub health_category: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 500; 100 by default.
    pub limit: Option<i64>,
}

/// The first and last day of a quarter (`2026-Q1`) or a month (`2026-03`).
fn bounds(within: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, rest) = within.split_once('-')?;
    let year: i32 = year.parse().ok()?;
    let (first_month, months) = match rest.strip_prefix('Q') {
        Some(q) => (q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))? * 3 - 2, 3),
        None => (rest.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?, 1),
    };
    let from = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let to = from.checked_add_months(chrono::Months::new(months))?.pred_opt()?;
    Some((from, to))
}

impl MonitoringPeopleQuery {
    /// The report's own part of the query.
    pub fn report(&self) -> MonitoringQuery {
        MonitoringQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
            programme_id: self.programme_id.clone(),
            location_id: self.location_id.clone(),
            coach_id: self.coach_id.clone(),
            health_category: self.health_category.clone(),
        }
    }

    /// The report's request narrowed to `within`, the figure, the cursor and the page size.
    pub fn parse(&self) -> Result<(Request, Figure, Option<After>, i64), AppError> {
        let mut request = self.report().request()?;
        if let Some(within) = self.within.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            let (from, to) = bounds(within).ok_or(AppError::invalid("within", "invalid-choice"))?;
            if from < request.scope.from || to > request.scope.to {
                return Err(AppError::invalid("within", "outside-period"));
            }
            (request.scope.from, request.scope.to) = (from, to);
        }
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let figure = service::parse_figure(
            &text(&self.figure),
            &text(&self.value),
            &text(&self.part),
            &text(&self.rater),
            request.health,
        )?;
        let after = match self.after.as_deref().filter(|a| !a.is_empty()) {
            Some(cursor) => Some(
                cursor
                    .split_once('~')
                    .and_then(|(id, name)| Some((name.to_owned(), Uuid::parse_str(id).ok()?)))
                    .ok_or(AppError::invalid("after", "invalid-reference"))?,
            ),
            None => None,
        };
        let limit = self.limit.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(AppError::invalid("limit", "out-of-range"));
        }
        Ok((request, figure, after, limit))
    }
}

/// Reads one page of the people behind a figure: one more than asked, to know whether a next page exists.
pub async fn people_page(
    state: &AppState,
    ctx: &Ctx,
    query: &MonitoringPeopleQuery,
) -> Result<(Vec<Person>, Option<String>), AppError> {
    let (request, figure, after, limit) = query.parse()?;
    let mut rows = service::people(state, ctx, request, &figure, after, limit + 1).await?;
    let next =
        crate::service::keep_page(&mut rows, limit).map(|r| format!("{}~{}", r.trajectory_id, r.participant_name));
    Ok((rows, next))
}

/// A new recommendation, kept with the period and scope of its report.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewRecommendation {
    /// The report's period (whole months) and scope: a region, a programme or everything.
    pub from: Option<String>,
    pub to: Option<String>,
    pub region_id: Option<String>,
    pub programme_id: Option<String>,
    pub organisation_id: Option<String>,
    /// The recommendation, up to 10 000 characters.
    pub body: String,
    /// The barrier code it answers, if any.
    pub barrier_code: Option<String>,
}

impl NewRecommendation {
    pub fn request(&self) -> Result<Request, AppError> {
        MonitoringQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            region_id: self.region_id.clone(),
            programme_id: self.programme_id.clone(),
            organisation_id: self.organisation_id.clone(),
            ..Default::default()
        }
        .request()
    }
}

/// A new version of a recommendation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EditedRecommendation {
    /// The version edited: refused when someone changed it meanwhile.
    pub version: i32,
    pub body: String,
    pub barrier_code: Option<String>,
}
