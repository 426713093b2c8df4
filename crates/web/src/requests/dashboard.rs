//! The dashboard's period and scope, and the lists of people behind its figures.

use crate::error::AppError;
use crate::identity::Ctx;
use crate::requests::period::{self, Period};
use crate::service::dashboard::{self as service, Request};
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::organisations::parse_optional_id;
use onramp_store::dashboard::{After, Figure, Person};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// YYYY-MM-DD; 1 January of this year when absent.
    pub from: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub to: Option<String>,
    /// One partner.
    pub organisation_id: Option<String>,
    /// One region.
    pub region_id: Option<String>,
    /// One programme.
    pub programme_id: Option<String>,
    /// One location (of the partner, when one is given too).
    pub location_id: Option<String>,
    /// One coach: the trajectories they are responsible for and the presence actions they led
    /// (coordinators within their region, coaches themselves only).
    pub coach_id: Option<String>,
}

impl DashboardQuery {
    /// Parses the query; every bad field is named.
    pub fn request(&self) -> Result<Request, AppError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let period = Period::parse(self.from.as_deref(), self.to.as_deref(), period::Default::YearToDate);
        let mut errors = match &period {
            Err(AppError::Invalid(errors)) => errors.clone(),
            _ => FieldErrors::new(),
        };
        let organisation_id = errors
            .check("organisation_id", parse_optional_id(&text(&self.organisation_id)))
            .flatten();
        let region_id = errors
            .check("region_id", parse_optional_id(&text(&self.region_id)))
            .flatten();
        let programme_id = errors
            .check("programme_id", parse_optional_id(&text(&self.programme_id)))
            .flatten();
        let location_id = errors
            .check("location_id", parse_optional_id(&text(&self.location_id)))
            .flatten();
        let coach_id = errors
            .check("coach_id", parse_optional_id(&text(&self.coach_id)))
            .flatten();
        match period {
            Ok(period) if errors.is_empty() => Ok(Request {
                from: period.from,
                to: period.to,
                organisation_id,
                region_id,
                programme_id,
                location_id,
                coach_id,
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// started, contacted_individually, engaged, took_step, paid_work, exited, barrier or sickness
    pub figure: Option<String>,
    /// For `exited`: an exit situation or `not_recorded` (none: all exits); for `barrier`: its code;
    /// for `sickness`: 0-3, 4-6, 7-12, 13-24, 25+ or unknown.
    pub value: Option<String>,
    /// The period and scope, as for the dashboard.
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_id: Option<String>,
    pub region_id: Option<String>,
    pub programme_id: Option<String>,
    pub location_id: Option<String>,
    pub coach_id: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 500; 100 by default.
    pub limit: Option<i64>,
}

impl PeopleQuery {
    /// The dashboard's own part of the query.
    pub fn dashboard(&self) -> DashboardQuery {
        DashboardQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
            programme_id: self.programme_id.clone(),
            location_id: self.location_id.clone(),
            coach_id: self.coach_id.clone(),
        }
    }

    /// The figure, the cursor and the page size, checked.
    pub fn parse(&self) -> Result<(Figure, Option<After>, i64), AppError> {
        let figure = service::parse_figure(
            self.figure.as_deref().unwrap_or(""),
            self.value.as_deref().unwrap_or(""),
        )?;
        let (after, limit) = page_of(self.after.as_deref(), self.limit)?;
        Ok((figure, after, limit))
    }
}

/// A people list's cursor (`<trajectory id>~<name>`, the `next` of the page before) and page
/// size (1 to 500, 100 by default), checked.
pub fn page_of(after: Option<&str>, limit: Option<i64>) -> Result<(Option<After>, i64), AppError> {
    let after = match after.filter(|a| !a.is_empty()) {
        Some(cursor) => Some(
            cursor
                .split_once('~')
                .and_then(|(id, name)| Some((name.to_owned(), Uuid::parse_str(id).ok()?)))
                .ok_or(AppError::invalid("after", "invalid-reference"))?,
        ),
        None => None,
    };
    let limit = limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::invalid("limit", "out-of-range"));
    }
    Ok((after, limit))
}

/// The `next` cursor of a page of people read one longer than asked, which it trims.
pub fn next_cursor(rows: &mut Vec<Person>, limit: i64) -> Option<String> {
    crate::service::keep_page(rows, limit).map(|r| format!("{}~{}", r.trajectory_id, r.participant_name))
}

/// Reads one page of the people behind a figure: one more than asked, to know whether a next page exists.
pub async fn people_page(
    state: &AppState,
    ctx: &Ctx,
    query: &PeopleQuery,
) -> Result<(Vec<Person>, Option<String>), AppError> {
    let request = query.dashboard().request()?;
    let (figure, after, limit) = query.parse()?;
    let mut rows = service::people(state, ctx, request, &figure, after, limit + 1).await?;
    let next = next_cursor(&mut rows, limit);
    Ok((rows, next))
}

/// The dashboard's period and scope, and a page of the records behind one of its figures of
/// activity (the presence actions, the agreements).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// The period and scope, as for the dashboard.
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_id: Option<String>,
    pub region_id: Option<String>,
    pub location_id: Option<String>,
    pub coach_id: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 500; 100 by default.
    pub limit: Option<i64>,
}

impl ActivityQuery {
    /// The dashboard's own part of the query.
    pub fn dashboard(&self) -> DashboardQuery {
        DashboardQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
            location_id: self.location_id.clone(),
            coach_id: self.coach_id.clone(),
            programme_id: None,
        }
    }

    /// The page size, checked.
    pub fn limit(&self) -> Result<i64, AppError> {
        let limit = self.limit.unwrap_or(100);
        if (1..=500).contains(&limit) {
            Ok(limit)
        } else {
            Err(AppError::invalid("limit", "out-of-range"))
        }
    }

    /// The cursor as `first~second`, each part read by `read`; none when absent.
    fn cursor<A, B>(
        &self,
        first: impl Fn(&str) -> Option<A>,
        second: impl Fn(&str) -> Option<B>,
    ) -> Result<Option<(A, B)>, AppError> {
        match self.after.as_deref().filter(|a| !a.is_empty()) {
            Some(cursor) => cursor
                .split_once('~')
                .and_then(|(a, b)| Some((first(a)?, second(b)?)))
                .map(Some)
                .ok_or(AppError::invalid("after", "invalid-reference")),
            None => Ok(None),
        }
    }

    /// Where a page of presence actions starts: after `date~id`.
    pub fn presence_after(&self) -> Result<Option<(chrono::NaiveDate, Uuid)>, AppError> {
        self.cursor(|d| d.parse().ok(), |id| Uuid::parse_str(id).ok())
    }

    /// Where a page of agreements starts: after `id~partner name`.
    pub fn agreement_after(&self) -> Result<Option<(String, Uuid)>, AppError> {
        Ok(self
            .cursor(|id| Uuid::parse_str(id).ok(), |name| Some(name.to_owned()))?
            .map(|(id, name)| (name, id)))
    }
}

/// The cursor of the page after a presence action.
pub fn presence_cursor(on: chrono::NaiveDate, id: Uuid) -> String {
    format!("{on}~{id}")
}

/// The cursor of the page after an agreement.
pub fn agreement_cursor(id: Uuid, partner: &str) -> String {
    format!("{id}~{partner}")
}
