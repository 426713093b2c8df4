//! Individual coaching contacts, hand-registered hours, and the hours view that
//! compares what was used with what a partner's agreements commit.

use super::decisions::withhold_decisions;
use super::participants::{Need, authorise};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::activities::{
    CoachingContactInput, ConsultationFields, ConsultationInput, ContactFields, TimeCategory, TimeEntryFields,
    TimeEntryInput, project_to_year_end,
};
use onramp_domain::identity::Role;
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event};
use onramp_store::coaching::{self, CoachingContact, Consultation, ContactPlace, HoursFilter, TimeEntry};
use onramp_store::{locations, organisations, trajectories, users};
use serde::Serialize;
use uuid::Uuid;

/// Records an individual coaching contact on one of the participant's trajectories.
/// The coach is the one who records it, or the trajectory's coach when an administrator does.
pub async fn add_contact(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    fields: &ContactFields,
) -> Result<CoachingContact, AppError> {
    let parsed = CoachingContactInput::parse(fields, today());
    let mut tx = state.db.begin().await?;
    authorise(&mut tx, ctx, participant_id, Need::Record).await?;
    let input = parsed?;
    let trajectory = trajectories::get(&mut tx, input.trajectory_id)
        .await?
        .filter(|t| t.participant_id == participant_id)
        .ok_or(AppError::invalid("trajectory_id", "invalid-reference"))?;
    let coach_id = if ctx.actor.role == Role::Coach {
        ctx.user.id
    } else {
        trajectory
            .coach_id
            .ok_or(AppError::invalid("trajectory_id", "no-coach"))?
    };
    let place = ContactPlace {
        participant_id,
        organisation_id: trajectory.organisation_id,
        location_id: trajectory.location_id,
        coach_id,
    };
    let contact = coaching::add_contact(&mut tx, &input, place, ctx.user.id).await?;
    let event = Event::new("contact.create", "coaching_contact", contact.id).for_participant(participant_id);
    audit::record(&mut tx, &ctx.who, event.after(&contact)).await?;
    tx.commit().await?;
    Ok(contact)
}

/// Registers hours by hand for the signed-in coach.
pub async fn add_time_entry(state: &AppState, ctx: &Ctx, fields: &TimeEntryFields) -> Result<TimeEntry, AppError> {
    let input = TimeEntryInput::parse(fields, today())?;
    let mut tx = state.db.begin().await?;
    let organisation = organisations::get(&mut tx, input.organisation_id)
        .await?
        .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?;
    require(&ctx.actor, Action::RegisterHours(&organisation.as_ref()))?;
    super::check_location(&mut tx, input.organisation_id, input.location_id).await?;
    let entry = coaching::add_time_entry(&mut tx, &input, ctx.user.id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("hours.create", "time_entry", entry.id).after(&entry),
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}

/// Records a case and team consultation at a partner, with the participants discussed (people
/// the coach follows). It counts as consultation hours and appears on each participant's timeline.
pub async fn add_consultation(
    state: &AppState,
    ctx: &Ctx,
    fields: &ConsultationFields,
) -> Result<Consultation, AppError> {
    let input = ConsultationInput::parse(fields, today())?;
    let mut tx = state.db.begin().await?;
    let organisation = organisations::get(&mut tx, input.organisation_id)
        .await?
        .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?;
    require(&ctx.actor, Action::RegisterHours(&organisation.as_ref()))?;
    super::check_location(&mut tx, input.organisation_id, input.location_id).await?;
    for participant in &input.participant_ids {
        // Only people the coach may change the file of; others do not exist for them.
        match authorise(&mut tx, ctx, *participant, Need::Record).await {
            Err(AppError::NotFound | AppError::Forbidden | AppError::Refused(_)) => {
                return Err(AppError::invalid("participant_ids", "invalid-reference"));
            }
            other => other?,
        };
    }
    let consultation = coaching::add_consultation(&mut tx, &input, ctx.user.id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("consultation.create", "consultation", consultation.id).after(&consultation),
    )
    .await?;
    for participant in &input.participant_ids {
        let event = Event::new("consultation.discuss", "consultation", consultation.id).for_participant(*participant);
        audit::record(&mut tx, &ctx.who, event).await?;
    }
    tx.commit().await?;
    Ok(consultation)
}

/// A partner's consultations in a period; their decisions as `withhold_decisions` lets the actor read them.
pub async fn consultations_at(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Consultation>, AppError> {
    let mut conn = state.db.conn().await?;
    let organisation = organisations::get(&mut conn, organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::ViewHours(&organisation.as_ref()))?;
    let filter = HoursFilter {
        from,
        to,
        organisation_id,
        coach_id: None,
    };
    let mut list = coaching::consultations_at(&mut conn, filter).await?;
    withhold_decisions(&mut conn, ctx, &mut list).await?;
    Ok(list)
}

/// Hours in one category: committed by the agreements, used so far, and the pace projected to the year end.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct CategoryHours {
    pub committed: f64,
    pub used: f64,
    pub projected: f64,
    /// `used` exactly, before rounding to tenths of an hour.
    pub used_minutes: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LocationHours {
    /// `None` for hours registered without a location.
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub individual: CategoryHours,
    pub group: CategoryHours,
    pub consultation: CategoryHours,
    pub administration: CategoryHours,
    pub total: CategoryHours,
}

impl LocationHours {
    fn new(location_id: Option<Uuid>, location_name: Option<String>) -> Self {
        LocationHours {
            location_id,
            location_name,
            individual: CategoryHours::default(),
            group: CategoryHours::default(),
            consultation: CategoryHours::default(),
            administration: CategoryHours::default(),
            total: CategoryHours::default(),
        }
    }

    fn category(&mut self, category: TimeCategory) -> &mut CategoryHours {
        match category {
            TimeCategory::Individual => &mut self.individual,
            TimeCategory::Group => &mut self.group,
            TimeCategory::Consultation => &mut self.consultation,
            TimeCategory::Administration => &mut self.administration,
        }
    }
}

/// The hours view of one partner and year, for all its coaches or one.
#[derive(Debug, Clone, Serialize)]
pub struct HoursView {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub year: i32,
    pub coach_id: Option<Uuid>,
    /// Days of the year counted so far (the whole year once it is over).
    pub through: NaiveDate,
    pub locations: Vec<LocationHours>,
    pub entries: Vec<TimeEntry>,
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

/// The share of an agreement's yearly hours that falls in `year` (agreements may start mid-year).
fn share_in_year(starts_on: NaiveDate, ends_on: NaiveDate, year: i32) -> f64 {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let from = starts_on.max(first);
    let to = ends_on.min(last);
    if to < from {
        return 0.0;
    }
    ((to - from).num_days() + 1) as f64 / ((last - first).num_days() + 1) as f64
}

pub async fn hours_view(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: Uuid,
    year: i32,
    coach_id: Option<Uuid>,
) -> Result<HoursView, AppError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "out-of-range"));
    }
    let mut conn = state.db.conn().await?;
    let organisation = organisations::get(&mut conn, organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::ViewHours(&organisation.as_ref()))?;
    if let Some(coach_id) = coach_id
        && users::get(&mut conn, coach_id).await?.is_none()
    {
        return Err(AppError::invalid("coach_id", "invalid-reference"));
    }
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let today = today();
    // Planned group sessions count once they have taken place.
    let through = today.min(to);
    let filter = HoursFilter {
        from,
        to: through,
        organisation_id,
        coach_id,
    };
    let mut locations: Vec<LocationHours> = Vec::new();
    for c in coaching::commitments(&mut conn, organisation_id, from, to).await? {
        let share = share_in_year(c.starts_on, c.ends_on, year);
        let row = location_row(&mut locations, Some(c.location_id), Some(c.location_name));
        row.individual.committed += c.hours_individual as f64 * share;
        row.group.committed += c.hours_group as f64 * share;
        row.consultation.committed += c.hours_consultation as f64 * share;
        row.administration.committed += c.hours_administration as f64 * share;
    }
    // The partner's location names, read once for all the rows.
    let names: std::collections::HashMap<Uuid, String> = locations::list_for_organisation(&mut conn, organisation_id)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    for used in coaching::used_minutes(&mut conn, filter).await? {
        let Ok(category) = TimeCategory::parse(&used.category) else {
            continue;
        };
        let name = used.location_id.and_then(|id| names.get(&id).cloned());
        let row = location_row(&mut locations, used.location_id, name);
        let cell = row.category(category);
        cell.used = hours(used.minutes);
        cell.used_minutes = used.minutes;
        cell.projected = hours(project_to_year_end(used.minutes, year, today));
    }
    for row in &mut locations {
        let cells = [row.individual, row.group, row.consultation, row.administration];
        row.total = CategoryHours {
            committed: cells.iter().map(|c| c.committed).sum(),
            used: cells.iter().map(|c| c.used).sum(),
            projected: cells.iter().map(|c| c.projected).sum(),
            used_minutes: cells.iter().map(|c| c.used_minutes).sum(),
        };
        for cell in [
            &mut row.individual,
            &mut row.group,
            &mut row.consultation,
            &mut row.administration,
        ] {
            cell.committed = cell.committed.round();
        }
        row.total.committed = row.total.committed.round();
        row.total.used = (row.total.used * 10.0).round() / 10.0;
        row.total.projected = (row.total.projected * 10.0).round() / 10.0;
    }
    let entries = coaching::time_entries(&mut conn, filter).await?;
    Ok(HoursView {
        organisation_id,
        organisation_name: organisation.name,
        year,
        coach_id,
        through,
        locations,
        entries,
    })
}

fn location_row(rows: &mut Vec<LocationHours>, id: Option<Uuid>, name: Option<String>) -> &mut LocationHours {
    let index = match rows.iter().position(|r| r.location_id == id) {
        Some(index) => index,
        None => {
            rows.push(LocationHours::new(id, name));
            rows.len() - 1
        }
    };
    &mut rows[index]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_agreement_counts_for_the_part_of_the_year_it_runs() {
        assert_eq!(share_in_year(date("2026-01-01"), date("2026-12-31"), 2026), 1.0);
        assert_eq!(share_in_year(date("2025-01-01"), date("2025-12-31"), 2026), 0.0);
        let half = share_in_year(date("2026-07-02"), date("2027-07-01"), 2026);
        assert!((half - 183.0 / 365.0).abs() < 1e-9);
    }

    #[test]
    fn minutes_show_as_hours_with_one_decimal() {
        assert_eq!(hours(90), 1.5);
        assert_eq!(hours(100), 1.7);
        assert_eq!(hours(0), 0.0);
    }
}
