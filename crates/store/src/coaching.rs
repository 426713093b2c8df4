//! Individual coaching contacts and hand-registered hours, and the coach hours
//! they add up to per partner, location and category.

use crate::cost_benefit::Tie::Shared;
use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::activities::{CoachingContactInput, ConsultationInput, TimeEntryInput};
use onramp_domain::policy::ParticipantRef;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct CoachingContact {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub on_date: NaiveDate,
    pub minutes: i32,
    pub mode: String,
    pub place: Option<String>,
    pub topic: String,
    pub notes: Option<String>,
    pub next_step: Option<String>,
    pub created_at: DateTime<Utc>,
}

const SELECT_CONTACT: &str = "SELECT c.id, c.trajectory_id, c.participant_id, c.organisation_id, c.location_id,
        l.name AS location_name, c.coach_id, u.display_name AS coach_name, c.on_date, c.minutes, c.mode, c.place,
        c.topic, c.notes, c.next_step, c.created_at
    FROM coaching_contacts c
    JOIN users u ON u.id = c.coach_id
    LEFT JOIN locations l ON l.id = c.location_id";

/// Where a contact is counted: the trajectory's participant, partner and location, and the coach.
#[derive(Debug, Clone, Copy)]
pub struct ContactPlace {
    pub participant_id: Uuid,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub coach_id: Uuid,
}

/// Records a contact and moves the trajectory's "last contact" forward (never back).
pub async fn add_contact(
    tx: &mut impl Access,
    input: &CoachingContactInput,
    place: ContactPlace,
    by: Uuid,
) -> Result<CoachingContact> {
    let id = record_contact(tx, input, place, by).await?;
    get_contact(tx, id).await?.ok_or(StoreError::NotFound)
}

/// `add_contact` without reading the contact back (for bulk loads).
pub async fn record_contact(
    tx: &mut impl Access,
    input: &CoachingContactInput,
    place: ContactPlace,
    by: Uuid,
) -> Result<Uuid> {
    record_contact_with_id(tx, Uuid::now_v7(), input, place, by).await
}

/// [`record_contact`] with the id given (an import of another database's export keeps its ids).
pub async fn record_contact_with_id(
    tx: &mut impl Access,
    id: Uuid,
    input: &CoachingContactInput,
    place: ContactPlace,
    by: Uuid,
) -> Result<Uuid> {
    let sql =
        "INSERT INTO coaching_contacts (id, trajectory_id, participant_id, organisation_id, location_id, coach_id,
                   on_date, minutes, mode, place, topic, notes, next_step, created_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(input.trajectory_id).bind(place.participant_id).bind(place.organisation_id)
        .bind(place.location_id).bind(place.coach_id).bind(input.on).bind(input.minutes).bind(input.mode.as_str())
        .bind(&input.place).bind(&input.topic).bind(&input.notes).bind(&input.next_step).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    let tie = crate::cost_benefit::Tie::Trajectory(input.trajectory_id);
    crate::cost_benefit::add_minutes(tx, place.organisation_id, tie, input.on, input.minutes.into()).await?;
    let touch = "UPDATE trajectories SET last_contact_on = $1
                 WHERE id = $2 AND (last_contact_on IS NULL OR last_contact_on < $1)";
    run!(tx, c => sqlx::query(touch).bind(input.on).bind(input.trajectory_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

pub async fn get_contact(conn: &mut impl Access, id: Uuid) -> Result<Option<CoachingContact>> {
    let sql = format!("{SELECT_CONTACT} WHERE c.id = $1");
    Ok(
        run!(conn, c => sqlx::query_as::<_, CoachingContact>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?,
    )
}

/// The contacts of these trajectories (an export's page), in no order.
pub async fn contacts_for_trajectories(conn: &mut impl Access, ids: &[Uuid]) -> Result<Vec<CoachingContact>> {
    crate::bulk::select_in(conn, &format!("{SELECT_CONTACT} WHERE c.trajectory_id IN"), ids).await
}

/// A participant's contacts over all trajectories, newest first.
pub async fn contacts_for(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<CoachingContact>> {
    let sql = format!("{SELECT_CONTACT} WHERE c.participant_id = $1 ORDER BY c.on_date DESC, c.id DESC");
    Ok(
        run!(conn, c => sqlx::query_as::<_, CoachingContact>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct TimeEntry {
    pub id: Uuid,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub on_date: NaiveDate,
    pub category: String,
    pub minutes: i32,
    pub note: Option<String>,
}

const SELECT_ENTRY: &str = "SELECT e.id, e.coach_id, u.display_name AS coach_name, e.organisation_id,
        o.name AS organisation_name, e.location_id, l.name AS location_name, e.on_date, e.category, e.minutes, e.note
    FROM time_entries e
    JOIN users u ON u.id = e.coach_id
    JOIN organisations o ON o.id = e.organisation_id
    LEFT JOIN locations l ON l.id = e.location_id";

pub async fn add_time_entry(tx: &mut impl Access, input: &TimeEntryInput, coach_id: Uuid) -> Result<TimeEntry> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO time_entries (id, coach_id, organisation_id, location_id, on_date, category, minutes, note,
                   created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(coach_id).bind(input.organisation_id).bind(input.location_id).bind(input.on)
        .bind(input.category.as_str()).bind(input.minutes).bind(&input.note).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::cost_benefit::add_minutes(tx, input.organisation_id, Shared, input.on, input.minutes.into()).await?;
    let sql = format!("{SELECT_ENTRY} WHERE e.id = $1");
    run!(tx, c => sqlx::query_as::<_, TimeEntry>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

/// Which hours a summary counts: a period, one partner, and optionally one coach.
#[derive(Debug, Clone, Copy)]
pub struct HoursFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Uuid,
    pub coach_id: Option<Uuid>,
}

/// Minutes used at one location (or none) of a partner in one category.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct UsedMinutes {
    pub location_id: Option<Uuid>,
    pub category: String,
    pub minutes: i64,
}

/// Sums what the activities recorded (contacts, the group sessions a coach leads, presence actions, consultations) and what
/// coaches registered by hand.
pub async fn used_minutes(conn: &mut impl Access, filter: HoursFilter) -> Result<Vec<UsedMinutes>> {
    let sql = "SELECT location_id, category, SUM(minutes) AS minutes FROM (
            SELECT location_id, 'individual' AS category, minutes FROM coaching_contacts
            WHERE organisation_id = $1 AND on_date >= $2 AND on_date <= $3 AND ($4 IS NULL OR coach_id = $4)
          UNION ALL
            SELECT location_id, 'group' AS category, minutes FROM group_sessions
            WHERE organisation_id = $1 AND on_date >= $2 AND on_date <= $3 AND coach_id IS NOT NULL
              AND ($4 IS NULL OR coach_id = $4)
          UNION ALL
            SELECT location_id, 'group' AS category, minutes FROM presence_actions
            WHERE organisation_id = $1 AND on_date >= $2 AND on_date <= $3 AND ($4 IS NULL OR led_by = $4)
          UNION ALL
            SELECT location_id, 'consultation' AS category, minutes FROM consultations
            WHERE organisation_id = $1 AND on_date >= $2 AND on_date <= $3 AND ($4 IS NULL OR coach_id = $4)
          UNION ALL
            SELECT location_id, category, minutes FROM time_entries
            WHERE organisation_id = $1 AND on_date >= $2 AND on_date <= $3 AND ($4 IS NULL OR coach_id = $4)
        ) used
        GROUP BY location_id, category
        ORDER BY location_id, category";
    let rows = run!(conn, c => sqlx::query_as::<_, UsedMinutes>(sql)
        .bind(filter.organisation_id).bind(filter.from).bind(filter.to).bind(filter.coach_id)
        .fetch_all(c).await)?;
    Ok(rows)
}

/// The hand-registered entries of a partner in a period, newest first.
pub async fn time_entries(conn: &mut impl Access, filter: HoursFilter) -> Result<Vec<TimeEntry>> {
    let sql = format!(
        "{SELECT_ENTRY} WHERE e.organisation_id = $1 AND e.on_date >= $2 AND e.on_date <= $3
           AND ($4 IS NULL OR e.coach_id = $4) ORDER BY e.on_date DESC, e.id DESC"
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, TimeEntry>(sqlx::AssertSqlSafe(&*sql))
        .bind(filter.organisation_id).bind(filter.from).bind(filter.to).bind(filter.coach_id)
        .fetch_all(c).await)?,
    )
}

/// Hours an agreement commits at one location, for agreements running in a period.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Commitment {
    pub agreement_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub location_id: Uuid,
    pub location_name: String,
    pub hours_individual: i32,
    pub hours_group: i32,
    pub hours_consultation: i32,
    pub hours_administration: i32,
}

pub async fn commitments(
    conn: &mut impl Access,
    organisation_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Commitment>> {
    let sql = "SELECT a.id AS agreement_id, a.starts_on, a.ends_on, h.location_id, l.name AS location_name,
                      h.hours_individual, h.hours_group, h.hours_consultation, h.hours_administration
               FROM agreements a
               JOIN agreement_locations h ON h.agreement_id = a.id
               JOIN locations l ON l.id = h.location_id
               WHERE a.partner_id = $1 AND a.starts_on <= $3 AND a.ends_on >= $2
               ORDER BY l.name, a.starts_on";
    Ok(run!(conn, c => sqlx::query_as::<_, Commitment>(sql)
        .bind(organisation_id).bind(from).bind(to).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Consultation {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub on_date: NaiveDate,
    pub minutes: i32,
    pub attendees: String,
    pub decisions: Option<String>,
    /// How many participants were discussed.
    pub discussed: i64,
}

const SELECT_CONSULTATION: &str = "SELECT k.id, k.organisation_id, o.name AS organisation_name, k.location_id,
        l.name AS location_name, k.coach_id, u.display_name AS coach_name, k.on_date, k.minutes, k.attendees,
        k.decisions, (SELECT COUNT(*) FROM consultation_participants x WHERE x.consultation_id = k.id) AS discussed
    FROM consultations k
    JOIN organisations o ON o.id = k.organisation_id
    JOIN users u ON u.id = k.coach_id
    LEFT JOIN locations l ON l.id = k.location_id";

pub async fn add_consultation(tx: &mut impl Access, input: &ConsultationInput, coach_id: Uuid) -> Result<Consultation> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO consultations (id, organisation_id, location_id, coach_id, on_date, minutes, attendees,
                   decisions, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(input.organisation_id).bind(input.location_id).bind(coach_id).bind(input.on)
        .bind(input.minutes).bind(&input.attendees).bind(&input.decisions).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::cost_benefit::add_minutes(tx, input.organisation_id, Shared, input.on, input.minutes.into()).await?;
    let link = "INSERT INTO consultation_participants (consultation_id, participant_id) VALUES ($1, $2)";
    for participant in &input.participant_ids {
        run!(tx, c => sqlx::query(link).bind(id).bind(participant).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let sql = format!("{SELECT_CONSULTATION} WHERE k.id = $1");
    run!(tx, c => sqlx::query_as::<_, Consultation>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

/// The consultations a participant was discussed in, newest first.
pub async fn consultations_for(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Consultation>> {
    let sql = format!(
        "{SELECT_CONSULTATION} JOIN consultation_participants cp ON cp.consultation_id = k.id
         WHERE cp.participant_id = $1 ORDER BY k.on_date DESC, k.id DESC"
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, Consultation>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

/// What the policy decides a consultation's decisions on: for each of `consultation_ids`, the
/// participants discussed in it, as `participants::access_refs` loads them (a consultation that
/// discusses no one has an empty list).
pub async fn discussed_refs(
    conn: &mut impl Access,
    consultation_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<ParticipantRef>>> {
    let sql = "SELECT consultation_id, participant_id FROM consultation_participants WHERE consultation_id IN";
    let links: Vec<(Uuid, Uuid)> = crate::bulk::select_in(conn, sql, consultation_ids).await?;
    let mut people: Vec<Uuid> = links.iter().map(|&(_, participant)| participant).collect();
    people.sort_unstable();
    people.dedup();
    let refs = crate::participants::access_refs(conn, &people).await?;
    let mut discussed: HashMap<Uuid, Vec<ParticipantRef>> =
        consultation_ids.iter().map(|&id| (id, Vec::new())).collect();
    for (consultation, participant) in links {
        if let (Some(list), Some(reference)) = (discussed.get_mut(&consultation), refs.get(&participant)) {
            list.push(reference.clone());
        }
    }
    Ok(discussed)
}

/// A partner's consultations in a period, newest first.
pub async fn consultations_at(conn: &mut impl Access, filter: HoursFilter) -> Result<Vec<Consultation>> {
    let sql = format!(
        "{SELECT_CONSULTATION} WHERE k.organisation_id = $1 AND k.on_date >= $2 AND k.on_date <= $3
           AND ($4 IS NULL OR k.coach_id = $4) ORDER BY k.on_date DESC, k.id DESC LIMIT 500"
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, Consultation>(sqlx::AssertSqlSafe(&*sql))
        .bind(filter.organisation_id).bind(filter.from).bind(filter.to).bind(filter.coach_id)
        .fetch_all(c).await)?,
    )
}
