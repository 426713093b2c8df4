//! The records behind the dashboard's figures of activity, for a scope and period: the presence
//! actions behind "reached by presence actions", and the agreements behind the coach FTE and the
//! hours they commit. A page at a time, in a stable order.

use super::Scope;
use crate::{Access, Result, run};
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

/// One presence action in a scope.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct PresenceRow {
    pub id: Uuid,
    pub kind: String,
    pub on_date: NaiveDate,
    pub minutes: i32,
    pub reached: i32,
    pub description: Option<String>,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub led_by_name: String,
}

/// Where a page of presence actions stopped: the day and id of its last row.
pub type PresenceAfter = (NaiveDate, Uuid);

/// The scope's presence actions in its period ($1 to $6: from, to, partner, region, location,
/// leader), newest first, `limit` at most after `after`.
pub async fn presence_actions(
    conn: &mut impl Access,
    scope: Scope,
    after: Option<PresenceAfter>,
    limit: i64,
) -> Result<Vec<PresenceRow>> {
    // Without a cursor its parameters are still bound, and only tested for NULL.
    let cursor = if after.is_some() {
        "(a.on_date, a.id) < ($7, $8)"
    } else {
        "$7 IS NULL AND $8 IS NULL"
    };
    let sql = format!(
        "SELECT a.id, a.kind, a.on_date, a.minutes, a.reached, a.description, a.organisation_id,
                o.name AS organisation_name, a.location_id, l.name AS location_name, u.display_name AS led_by_name
         FROM presence_actions a
         JOIN organisations o ON o.id = a.organisation_id
         LEFT JOIN locations l ON l.id = a.location_id
         JOIN users u ON u.id = a.led_by
         WHERE a.on_date >= $1 AND a.on_date <= $2
           AND ($3 IS NULL OR a.organisation_id = $3) AND ($4 IS NULL OR o.region_id = $4)
           AND ($5 IS NULL OR a.location_id = $5) AND ($6 IS NULL OR a.led_by = $6) AND {cursor}
         ORDER BY a.on_date DESC, a.id DESC LIMIT $9"
    );
    let (after_on, after_id) = after.map_or((None, None), |(on, id)| (Some(on), Some(id)));
    Ok(
        run!(conn, c => sqlx::query_as::<_, PresenceRow>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .bind(scope.location_id).bind(scope.coach_id).bind(after_on).bind(after_id).bind(limit)
        .fetch_all(c).await)?,
    )
}

/// One agreement running in a scope's period, with the coach hours it commits a year (at the
/// scope's location only, when it has one).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct AgreementRow {
    pub agreement_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub fte_hundredths: i32,
    pub reach_target: i32,
    pub steps_target_permille: i32,
    pub hours_a_year: i64,
}

/// Where a page of agreements stopped: the partner's name and the agreement's id.
pub type AgreementAfter = (String, Uuid);

/// The agreements running in the scope's period: with its partner, at its location, or with the
/// partners its coach works at ($1 to $6 as for the presence actions), by partner name.
pub async fn agreements(
    conn: &mut impl Access,
    scope: Scope,
    after: Option<AgreementAfter>,
    limit: i64,
) -> Result<Vec<AgreementRow>> {
    let cursor = if after.is_some() {
        "(o.name, a.id) > ($7, $8)"
    } else {
        "$7 IS NULL AND $8 IS NULL"
    };
    let sql = format!(
        "SELECT a.id AS agreement_id, a.partner_id AS organisation_id, o.name AS organisation_name, a.starts_on,
                a.ends_on, a.fte_hundredths, a.reach_target, a.steps_target_permille,
                CAST(COALESCE((SELECT SUM(h.hours_individual + h.hours_group + h.hours_consultation
                                          + h.hours_administration)
                               FROM agreement_locations h
                               WHERE h.agreement_id = a.id AND ($5 IS NULL OR h.location_id = $5)), 0) AS BIGINT)
                    AS hours_a_year
         FROM agreements a
         JOIN organisations o ON o.id = a.partner_id
         WHERE a.starts_on <= $2 AND a.ends_on >= $1
           AND ($3 IS NULL OR a.partner_id = $3) AND ($4 IS NULL OR o.region_id = $4)
           AND ($5 IS NULL OR EXISTS (SELECT 1 FROM agreement_locations h
                                      WHERE h.agreement_id = a.id AND h.location_id = $5))
           AND ($6 IS NULL OR a.partner_id IN (SELECT m.organisation_id FROM user_organisations m
                                               WHERE m.user_id = $6))
           AND {cursor}
         ORDER BY o.name, a.id LIMIT $9"
    );
    let (after_name, after_id) = after.map_or((None, None), |(name, id)| (Some(name), Some(id)));
    Ok(
        run!(conn, c => sqlx::query_as::<_, AgreementRow>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .bind(scope.location_id).bind(scope.coach_id).bind(&after_name).bind(after_id).bind(limit)
        .fetch_all(c).await)?,
    )
}
