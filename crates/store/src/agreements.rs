//! Agreements, the hours they commit per location, and partners' contact persons.

use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::agreements::{AgreementInput, ContactInput, Hours, LocationHours};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Agreement {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub signed_on: Option<NaiveDate>,
    pub reach_target: i32,
    pub steps_target_permille: i32,
    pub fte_hundredths: i32,
    pub esf_percent: i32,
    pub esf_amount_cents: Option<i64>,
    pub own_share_cents: Option<i64>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommittedHours {
    pub location_id: Uuid,
    pub location_name: String,
    pub hours: Hours,
}

#[derive(sqlx::FromRow)]
struct HoursRow {
    location_id: Uuid,
    location_name: String,
    hours_individual: i32,
    hours_group: i32,
    hours_consultation: i32,
    hours_administration: i32,
}

const SELECT: &str = "SELECT a.id, a.provider_id, pr.name AS provider_name, a.partner_id, pa.name AS partner_name,
        a.starts_on, a.ends_on, a.signed_on, a.reach_target, a.steps_target_permille, a.fte_hundredths, a.esf_percent,
        a.esf_amount_cents, a.own_share_cents, a.notes, a.created_at, a.updated_at
    FROM agreements a JOIN organisations pr ON pr.id = a.provider_id JOIN organisations pa ON pa.id = a.partner_id";

pub async fn create(tx: &mut impl Access, partner_id: Uuid, input: &AgreementInput) -> Result<Agreement> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO agreements (id, provider_id, partner_id, starts_on, ends_on, signed_on, reach_target,
                   steps_target_permille, fte_hundredths, esf_percent, esf_amount_cents, own_share_cents, notes,
                   created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(input.provider_id).bind(partner_id).bind(input.starts_on).bind(input.ends_on).bind(input.signed_on)
        .bind(input.reach_target).bind(input.steps_target_permille).bind(input.fte_hundredths).bind(input.esf_percent)
        .bind(input.esf_amount_cents).bind(input.own_share_cents).bind(&input.notes).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("provider_id"))?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn update(tx: &mut impl Access, id: Uuid, input: &AgreementInput) -> Result<Agreement> {
    let sql = "UPDATE agreements SET provider_id = $1, starts_on = $2, ends_on = $3, signed_on = $4, reach_target = $5,
                   steps_target_permille = $6, fte_hundredths = $7, esf_percent = $8, esf_amount_cents = $9, own_share_cents = $10,
                   notes = $11, updated_at = $12
               WHERE id = $13";
    let done = run!(tx, c => sqlx::query(sql)
        .bind(input.provider_id).bind(input.starts_on).bind(input.ends_on).bind(input.signed_on).bind(input.reach_target)
        .bind(input.steps_target_permille).bind(input.fte_hundredths).bind(input.esf_percent)
        .bind(input.esf_amount_cents).bind(input.own_share_cents).bind(&input.notes).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("provider_id"))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Agreement>> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Agreement>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn list_for_partner(conn: &mut impl Access, partner_id: Uuid) -> Result<Vec<Agreement>> {
    let sql = format!("{SELECT} WHERE a.partner_id = $1 ORDER BY a.starts_on DESC, a.id");
    Ok(run!(conn, c => sqlx::query_as::<_, Agreement>(sqlx::AssertSqlSafe(&*sql)).bind(partner_id).fetch_all(c).await)?)
}

/// Sets (or replaces) the hours committed at one location.
pub async fn set_hours(tx: &mut impl Access, agreement_id: Uuid, input: &LocationHours) -> Result<()> {
    let delete = "DELETE FROM agreement_locations WHERE agreement_id = $1 AND location_id = $2";
    run!(tx, c => sqlx::query(delete).bind(agreement_id).bind(input.location_id).execute(c).await.map(|r| r.rows_affected()))?;
    let insert = "INSERT INTO agreement_locations (agreement_id, location_id, hours_individual, hours_group,
                      hours_consultation, hours_administration) VALUES ($1, $2, $3, $4, $5, $6)";
    let h = input.hours;
    run!(tx, c => sqlx::query(insert)
        .bind(agreement_id).bind(input.location_id).bind(h.individual).bind(h.group).bind(h.consultation).bind(h.administration)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("location_id"))?;
    Ok(())
}

pub async fn hours_of(conn: &mut impl Access, agreement_id: Uuid) -> Result<Vec<CommittedHours>> {
    let sql = "SELECT h.location_id, l.name AS location_name, h.hours_individual, h.hours_group, h.hours_consultation,
                      h.hours_administration
               FROM agreement_locations h JOIN locations l ON l.id = h.location_id
               WHERE h.agreement_id = $1 ORDER BY l.name";
    let rows = run!(conn, c => sqlx::query_as::<_, HoursRow>(sql).bind(agreement_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| CommittedHours {
            location_id: r.location_id,
            location_name: r.location_name,
            hours: Hours {
                individual: r.hours_individual,
                group: r.hours_group,
                consultation: r.hours_consultation,
                administration: r.hours_administration,
            },
        })
        .collect())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Contact {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub async fn add_contact(tx: &mut impl Access, organisation_id: Uuid, input: &ContactInput) -> Result<Contact> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO contacts (id, organisation_id, name, role, email, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(organisation_id).bind(&input.name).bind(&input.role).bind(&input.email).bind(&input.phone).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(Contact {
        id,
        organisation_id,
        name: input.name.clone(),
        role: input.role.clone(),
        email: input.email.clone(),
        phone: input.phone.clone(),
    })
}

pub async fn remove_contact(tx: &mut impl Access, organisation_id: Uuid, id: Uuid) -> Result<Contact> {
    let sql =
        "SELECT id, organisation_id, name, role, email, phone FROM contacts WHERE id = $1 AND organisation_id = $2";
    let contact =
        run!(tx, c => sqlx::query_as::<_, Contact>(sql).bind(id).bind(organisation_id).fetch_optional(c).await)?
            .ok_or(StoreError::NotFound)?;
    run!(tx, c => sqlx::query("DELETE FROM contacts WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(contact)
}

pub async fn contacts_of(conn: &mut impl Access, organisation_id: Uuid) -> Result<Vec<Contact>> {
    let sql = "SELECT id, organisation_id, name, role, email, phone FROM contacts WHERE organisation_id = $1 ORDER BY name, id";
    Ok(run!(conn, c => sqlx::query_as::<_, Contact>(sql).bind(organisation_id).fetch_all(c).await)?)
}
