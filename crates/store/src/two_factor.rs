//! Two-factor authentication (TOTP, RFC 6238): the user's shared secret, the last time step a
//! code was accepted for (so no code counts twice), single-use recovery codes (SHA-256 hashes)
//! and the short-lived state between the password and the code at sign-in (docs/security.md).

use crate::tokens::{random_token, sha256_hex};
use crate::{Access, Result, now, run};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How long after the password the code may be entered.
pub const PENDING_TIMEOUT: Duration = Duration::minutes(5);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Authenticator {
    pub user_id: Uuid,
    /// Base32 (RFC 4648, no padding), as authenticator apps take it.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    /// `None` until the user entered a first code: until then sign-in does not ask for one.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_step: i64,
}

impl Authenticator {
    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

pub async fn get(conn: &mut impl Access, user_id: Uuid) -> Result<Option<Authenticator>> {
    let sql = "SELECT user_id, secret, created_at, confirmed_at, last_step FROM two_factor WHERE user_id = $1";
    Ok(run!(conn, c => sqlx::query_as::<_, Authenticator>(sql).bind(user_id).fetch_optional(c).await)?)
}

/// True when sign-in asks this user for a code.
pub async fn is_enrolled(conn: &mut impl Access, user_id: Uuid) -> Result<bool> {
    Ok(get(conn, user_id).await?.is_some_and(|a| a.is_confirmed()))
}

/// Starts an enrolment with a new secret, replacing an unconfirmed one.
pub async fn start(tx: &mut impl Access, user_id: Uuid, secret: &str) -> Result<()> {
    remove(tx, user_id).await?;
    let sql = "INSERT INTO two_factor (user_id, secret, created_at, last_step) VALUES ($1, $2, $3, 0)";
    run!(tx, c => sqlx::query(sql).bind(user_id).bind(secret).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Confirms the enrolment (the first code was right, for `step`) and keeps the recovery codes'
/// hashes in place of any earlier ones.
pub async fn confirm(tx: &mut impl Access, user_id: Uuid, step: i64, recovery_hashes: &[String]) -> Result<()> {
    let sql = "UPDATE two_factor SET confirmed_at = $1, last_step = $2 WHERE user_id = $3";
    run!(tx, c => sqlx::query(sql).bind(now()).bind(step).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "DELETE FROM two_factor_recovery_codes WHERE user_id = $1";
    run!(tx, c => sqlx::query(sql).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    for hash in recovery_hashes {
        let sql = "INSERT INTO two_factor_recovery_codes (user_id, code_hash) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(user_id).bind(hash).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Takes time step `step` for the user's code: false when a code of this step or a later one was
/// already accepted (a replay). One statement, so two requests cannot both take it.
pub async fn take_step(tx: &mut impl Access, user_id: Uuid, step: i64) -> Result<bool> {
    let sql = "UPDATE two_factor SET last_step = $1 WHERE user_id = $2 AND last_step < $1";
    let done = run!(tx, c => sqlx::query(sql).bind(step).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Spends a recovery code (by its hash): false when it is unknown or spent.
pub async fn spend_recovery_code(tx: &mut impl Access, user_id: Uuid, code_hash: &str) -> Result<bool> {
    let sql = "UPDATE two_factor_recovery_codes SET used_at = $1
               WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(now()).bind(user_id).bind(code_hash)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// How many recovery codes are left.
pub async fn recovery_codes_left(conn: &mut impl Access, user_id: Uuid) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM two_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL";
    Ok(run!(conn, c => sqlx::query_scalar(sql).bind(user_id).fetch_one(c).await)?)
}

/// Turns the second factor off: the secret, the recovery codes and any sign-in waiting for a code.
pub async fn remove(tx: &mut impl Access, user_id: Uuid) -> Result<bool> {
    let sql = "DELETE FROM two_factor_recovery_codes WHERE user_id = $1";
    run!(tx, c => sqlx::query(sql).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    end_pending(tx, user_id).await?;
    let sql = "DELETE FROM two_factor WHERE user_id = $1";
    let done = run!(tx, c => sqlx::query(sql).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// Records a correct password of a user who must still enter a code; returns the cookie value.
pub async fn create_pending(tx: &mut impl Access, user_id: Uuid, next_path: &str) -> Result<String> {
    let token = random_token(32);
    let at = now();
    let sql = "INSERT INTO two_factor_pending (token_hash, user_id, next_path, created_at, expires_at)
               VALUES ($1, $2, $3, $4, $5)";
    run!(tx, c => sqlx::query(sql)
        .bind(sha256_hex(&token)).bind(user_id).bind(next_path).bind(at).bind(at + PENDING_TIMEOUT)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(token)
}

/// The user and the page to go to of a sign-in waiting for a code, if it has not expired.
pub async fn find_pending(conn: &mut impl Access, token: &str) -> Result<Option<(Uuid, String)>> {
    let sql = "SELECT user_id, next_path FROM two_factor_pending WHERE token_hash = $1 AND expires_at > $2";
    Ok(run!(conn, c => sqlx::query_as::<_, (Uuid, String)>(sql)
        .bind(sha256_hex(token)).bind(now()).fetch_optional(c).await)?)
}

/// Ends a sign-in waiting for a code, and any expired ones.
pub async fn delete_pending(tx: &mut impl Access, token: &str) -> Result<()> {
    let sql = "DELETE FROM two_factor_pending WHERE token_hash = $1 OR expires_at <= $2";
    run!(tx, c => sqlx::query(sql).bind(sha256_hex(token)).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every sign-in of the user waiting for a code (after a password reset).
pub async fn end_pending(tx: &mut impl Access, user_id: Uuid) -> Result<()> {
    let sql = "DELETE FROM two_factor_pending WHERE user_id = $1";
    run!(tx, c => sqlx::query(sql).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
