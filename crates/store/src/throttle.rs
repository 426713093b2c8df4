//! Sign-in throttling per account and per network address, in the database so
//! that it holds across several nodes.

use crate::{Access, Result, now, run};
use chrono::Duration;

/// Failures counted over this window.
pub const WINDOW: Duration = Duration::minutes(15);
/// At most this many failed sign-ins per account in the window...
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// ...and per address (one address may serve a whole hospital behind NAT).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

pub async fn record(tx: &mut impl Access, email: &str, address: &str, succeeded: bool) -> Result<()> {
    let sql = "INSERT INTO login_attempts (email, address, succeeded, at) VALUES ($1, $2, $3, $4)";
    run!(tx, c => sqlx::query(sql).bind(email).bind(address).bind(succeeded).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// True when sign-in must be refused for now. Failures count from the last success of the account.
pub async fn is_blocked(conn: &mut impl Access, email: &str, address: &str) -> Result<bool> {
    let since = now() - WINDOW;
    let account_sql = "SELECT COUNT(*) FROM login_attempts a
         WHERE a.email = $1 AND a.at > $2 AND NOT a.succeeded
           AND a.at > COALESCE((SELECT MAX(s.at) FROM login_attempts s WHERE s.email = $1 AND s.succeeded), $2)";
    let account: i64 = run!(conn, c => sqlx::query_scalar(account_sql).bind(email).bind(since).fetch_one(c).await)?;
    if account >= MAX_FAILURES_PER_ACCOUNT {
        return Ok(true);
    }
    is_address_blocked(conn, address).await
}

/// True when the address failed too often for now, whatever the accounts (single sign-on, where
/// the account is known only once the provider answered).
pub async fn is_address_blocked(conn: &mut impl Access, address: &str) -> Result<bool> {
    let address_sql = "SELECT COUNT(*) FROM login_attempts WHERE address = $1 AND at > $2 AND NOT succeeded";
    let by_address: i64 =
        run!(conn, c => sqlx::query_scalar(address_sql).bind(address).bind(now() - WINDOW).fetch_one(c).await)?;
    Ok(by_address >= MAX_FAILURES_PER_ADDRESS)
}

/// Drops attempts older than the window; they no longer count.
pub async fn purge_old(tx: &mut impl Access) -> Result<u64> {
    let sql = "DELETE FROM login_attempts WHERE at <= $1";
    let done = run!(tx, c => sqlx::query(sql).bind(now() - WINDOW).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
