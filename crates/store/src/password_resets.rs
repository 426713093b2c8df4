//! Password reset by e-mail (docs/security.md): single-use links valid 30 minutes, kept as the
//! SHA-256 of their token, and every request counted to throttle per address and per client.

use crate::tokens::{random_token, sha256_hex};
use crate::{Access, Result, now, run};
use chrono::Duration;
use uuid::Uuid;

/// How long a reset link works.
pub const VALID_FOR: Duration = Duration::minutes(30);
/// Requests counted over this window...
pub const WINDOW: Duration = Duration::minutes(15);
/// ...at most this many per e-mail address...
pub const MAX_PER_EMAIL: i64 = 3;
/// ...and this many per client address.
pub const MAX_PER_CLIENT: i64 = 20;

/// Counts a request; true when it is over either limit (and must not be answered with a mail).
pub async fn count_request(tx: &mut impl Access, email: &str, address: &str) -> Result<bool> {
    let since = now() - WINDOW;
    let sql = "SELECT COUNT(*) FROM password_reset_requests WHERE email = $1 AND at > $2";
    let by_email: i64 = run!(tx, c => sqlx::query_scalar(sql).bind(email).bind(since).fetch_one(c).await)?;
    let sql = "SELECT COUNT(*) FROM password_reset_requests WHERE address = $1 AND at > $2";
    let by_client: i64 = run!(tx, c => sqlx::query_scalar(sql).bind(address).bind(since).fetch_one(c).await)?;
    let sql = "INSERT INTO password_reset_requests (email, address, at) VALUES ($1, $2, $3)";
    run!(tx, c => sqlx::query(sql).bind(email).bind(address).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(by_email >= MAX_PER_EMAIL || by_client >= MAX_PER_CLIENT)
}

/// A new link for the user; returns the token, which is never stored.
pub async fn create(tx: &mut impl Access, user_id: Uuid) -> Result<String> {
    let token = random_token(32);
    let at = now();
    let sql = "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    run!(tx, c => sqlx::query(sql).bind(sha256_hex(&token)).bind(user_id).bind(at).bind(at + VALID_FOR)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(token)
}

/// The user of a link that is unused and unexpired.
pub async fn find(conn: &mut impl Access, token: &str) -> Result<Option<Uuid>> {
    let sql = "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    Ok(run!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(sha256_hex(token)).bind(now()).fetch_optional(c).await)?)
}

/// Spends a link: its user, or `None` when it is unknown, used or expired. One statement, so a
/// link cannot be spent twice; the user's other links are spent along with it.
pub async fn spend(tx: &mut impl Access, token: &str) -> Result<Option<Uuid>> {
    let Some(user_id) = find(tx, token).await? else {
        return Ok(None);
    };
    let sql = "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(now()).bind(sha256_hex(token)).execute(c).await.map(|r| r.rows_affected()))?;
    if done != 1 {
        return Ok(None);
    }
    let sql = "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL";
    run!(tx, c => sqlx::query(sql).bind(now()).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(Some(user_id))
}

/// Drops requests past the window and links past their time.
pub async fn purge_old(tx: &mut impl Access) -> Result<u64> {
    let sql = "DELETE FROM password_reset_requests WHERE at <= $1";
    let requests = run!(tx, c => sqlx::query(sql).bind(now() - WINDOW).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "DELETE FROM password_resets WHERE expires_at <= $1";
    let links = run!(tx, c => sqlx::query(sql).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(requests + links)
}
