//! Retention (docs/retention.md): the day until which each file is kept, the files due, legal
//! holds, and the periods of sign-in sessions, attempts and tokens.

use crate::{Access, Backend, Result, StoreError, now, run};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use onramp_domain::erasure::{Basis, DEFAULT_RETENTION_YEARS, retention_date};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The PostgreSQL advisory lock the daily retention runs of all nodes take ("onramp" and 2).
const RETENTION_LOCK: i64 = 0x6f6e_7261_6d70_0002;
/// Revoked API tokens and calendar feeds are deleted this long after their revocation (the audit
/// log keeps that they were made and revoked).
pub const REVOKED_TOKENS_KEPT: Duration = Duration::days(365);

/// A file with a retention date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub participant_id: Uuid,
    pub organisation_name: String,
    /// The day the last trajectory ended (the registration day for a file without one).
    pub last_ended: NaiveDate,
    /// The file is kept up to and including this day, and anonymised after it.
    pub until: NaiveDate,
    pub hold: Option<Hold>,
}

/// A legal hold: the file is kept past its date until the hold is lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hold {
    pub reason: String,
    pub since: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    organisation_name: String,
    created_at: DateTime<Utc>,
    legal_hold_reason: Option<String>,
    legal_hold_since: Option<DateTime<Utc>>,
    last_ended: Option<NaiveDate>,
    open: i64,
    years: Option<i32>,
}

/// Every file not anonymised whose retention date is on or before `by`, soonest first: the
/// rules of `onramp_domain::erasure::retention_date` over the person's trajectories, their
/// programmes and the ESF operations that count them.
pub async fn due(conn: &mut impl Access, by: NaiveDate) -> Result<Vec<Due>> {
    let sql = "SELECT p.id, o.name AS organisation_name, p.created_at, p.legal_hold_reason, p.legal_hold_since,
                   MAX(t.ended_on) AS last_ended,
                   SUM(CASE WHEN t.id IS NOT NULL AND t.ended_on IS NULL THEN 1 ELSE 0 END) AS open,
                   MAX(g.retention_years) AS years
               FROM participants p JOIN organisations o ON o.id = p.organisation_id
               LEFT JOIN trajectories t ON t.participant_id = p.id
               LEFT JOIN programmes g ON g.id = t.programme_id
               WHERE p.anonymised_at IS NULL
               GROUP BY p.id, o.name, p.created_at, p.legal_hold_reason, p.legal_hold_since";
    let rows: Vec<Row> = run!(conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    let sql =
        "SELECT c.participant_id, o.last_payment_on FROM esf_counted c JOIN esf_operations o ON o.id = c.operation_id";
    let payments: Vec<(Uuid, Option<NaiveDate>)> = run!(conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    let mut esf: HashMap<Uuid, Vec<Option<NaiveDate>>> = HashMap::new();
    for (participant, payment) in payments {
        esf.entry(participant).or_default().push(payment);
    }
    let mut due = Vec::new();
    for row in rows.into_iter().filter(|r| r.open == 0) {
        let last_ended = row.last_ended.unwrap_or_else(|| row.created_at.date_naive());
        let basis = Basis {
            open: false,
            last_ended: Some(last_ended),
            years: row.years.unwrap_or(DEFAULT_RETENTION_YEARS),
            esf_payments: esf.remove(&row.id).unwrap_or_default(),
        };
        let Some(until) = retention_date(&basis).filter(|d| *d <= by) else {
            continue;
        };
        let hold = row
            .legal_hold_reason
            .zip(row.legal_hold_since)
            .map(|(reason, since)| Hold { reason, since });
        due.push(Due {
            participant_id: row.id,
            organisation_name: row.organisation_name,
            last_ended,
            until,
            hold,
        });
    }
    due.sort_by_key(|d| (d.until, d.participant_id));
    Ok(due)
}

/// Puts the file under a legal hold (replacing a hold's reason); `NotFound` without such a file.
pub async fn hold(tx: &mut impl Access, id: Uuid, reason: &str, by: Uuid) -> Result<Hold> {
    let since = now();
    let sql = "UPDATE participants SET legal_hold_reason = $1, legal_hold_since = $2, legal_hold_by = $3 WHERE id = $4";
    let changed = run!(tx, c => sqlx::query(sql).bind(reason).bind(since).bind(by).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(Hold {
        reason: reason.to_owned(),
        since,
    })
}

/// Lifts the file's legal hold; the hold it had (`None` when it had none).
pub async fn lift(tx: &mut impl Access, id: Uuid) -> Result<Option<Hold>> {
    let sql = "SELECT legal_hold_reason, legal_hold_since FROM participants WHERE id = $1";
    let found: Option<(Option<String>, Option<DateTime<Utc>>)> =
        run!(tx, c => sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    let Some((reason, since)) = found else {
        return Err(StoreError::NotFound);
    };
    let sql =
        "UPDATE participants SET legal_hold_reason = NULL, legal_hold_since = NULL, legal_hold_by = NULL WHERE id = $1";
    run!(tx, c => sqlx::query(sql).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(reason.zip(since).map(|(reason, since)| Hold { reason, since }))
}

/// Takes the retention run's lock for the transaction: false when another node's run holds it
/// (PostgreSQL); SQLite has one writer anyway.
pub async fn try_lock(tx: &mut impl Access) -> Result<bool> {
    match tx.backend() {
        Backend::Postgres(c) => {
            let sql = "SELECT pg_try_advisory_xact_lock($1)";
            Ok(sqlx::query_scalar::<_, bool>(sql)
                .bind(RETENTION_LOCK)
                .fetch_one(c)
                .await?)
        }
        Backend::Sqlite(_) => Ok(true),
    }
}

/// What the periods of sign-in data removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub sessions: u64,
    pub sign_in_attempts: u64,
    pub tokens: u64,
    pub calendar_feeds: u64,
}

/// Deletes expired sessions, sign-in attempts past the throttle's window, and API tokens and
/// calendar feeds revoked more than [`REVOKED_TOKENS_KEPT`] ago.
pub async fn purge_sign_in_data(tx: &mut impl Access) -> Result<Purged> {
    let before = now() - REVOKED_TOKENS_KEPT;
    let sql = "DELETE FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at <= $1";
    let tokens = run!(tx, c => sqlx::query(sql).bind(before).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "DELETE FROM calendar_feeds WHERE revoked_at IS NOT NULL AND revoked_at <= $1";
    let calendar_feeds = run!(tx, c => sqlx::query(sql).bind(before).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(Purged {
        sessions: crate::sessions::purge_expired(tx).await?,
        sign_in_attempts: crate::throttle::purge_old(tx).await?,
        tokens,
        calendar_feeds,
    })
}
