//! The daily digest's recipients and the claim that makes one node send it.

use crate::{Access, Result, decode, run};
use chrono::NaiveDate;
use onramp_domain::identity::Language;
use uuid::Uuid;

/// An active coach who wants the digest.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub language: Language,
}

/// Coaches who want the digest and have not had (or been claimed for) one on `on`.
pub async fn recipients(conn: &mut impl Access, on: NaiveDate) -> Result<Vec<Recipient>> {
    let sql = "SELECT id, email, display_name, language FROM users u
               WHERE role = 'coach' AND active AND digest
                 AND NOT EXISTS (SELECT 1 FROM digests_sent d WHERE d.user_id = u.id AND d.on_date = $1)
               ORDER BY id";
    let rows: Vec<(Uuid, String, String, String)> = run!(conn, c => sqlx::query_as(sql).bind(on).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(id, email, display_name, language)| {
            Ok(Recipient {
                id,
                email,
                display_name,
                language: decode("users.language", &language, Language::parse)?,
            })
        })
        .collect()
}

pub async fn enabled(conn: &mut impl Access, user_id: Uuid) -> Result<bool> {
    let sql = "SELECT digest FROM users WHERE id = $1";
    Ok(run!(conn, c => sqlx::query_scalar::<_, bool>(sql).bind(user_id).fetch_one(c).await)?)
}

pub async fn set_enabled(tx: &mut impl Access, user_id: Uuid, on: bool) -> Result<()> {
    let sql = "UPDATE users SET digest = $1 WHERE id = $2";
    run!(tx, c => sqlx::query(sql).bind(on).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Claims the digest of `user_id` for `on`: true for the one caller that gets it.
pub async fn claim(conn: &mut impl Access, user_id: Uuid, on: NaiveDate) -> Result<bool> {
    let sql = "INSERT INTO digests_sent (user_id, on_date) VALUES ($1, $2) ON CONFLICT (user_id, on_date) DO NOTHING";
    let n = run!(conn, c => sqlx::query(sql).bind(user_id).bind(on).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Gives a claim back after a failed send, so that a later round retries.
pub async fn release(conn: &mut impl Access, user_id: Uuid, on: NaiveDate) -> Result<()> {
    let sql = "DELETE FROM digests_sent WHERE user_id = $1 AND on_date = $2";
    run!(conn, c => sqlx::query(sql).bind(user_id).bind(on).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
