//! Single sign-on (docs/security.md): accounts bound to a person at an OpenID Connect provider,
//! and the sign-ins sent to a provider that have not come back yet.

use crate::tokens::sha256_hex;
use crate::{Access, Result, now, run};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// A sign-in sent to a provider must come back within this time.
pub const PENDING_LIFETIME: Duration = Duration::minutes(10);
/// At most this many sign-ins under way per client address (one address may serve a whole
/// hospital behind NAT, but a sign-in that came back is no longer under way)...
pub const MAX_PENDING_PER_ADDRESS: i64 = 30;
/// ...and in all, so that anyone starting sign-ins cannot fill the table.
pub const MAX_PENDING: i64 = 10_000;

/// What onramp keeps of a sign-in sent to a provider, to check what comes back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
}

/// Keeps a sign-in sent to a provider from `address` under the hash of its `state`, unless
/// [`MAX_PENDING_PER_ADDRESS`] or [`MAX_PENDING`] are under way already; drops those that expired
/// first. Whether it was kept.
pub async fn start(tx: &mut impl Access, state: &str, address: &str, pending: &Pending) -> Result<bool> {
    let at = now();
    purge_expired(tx).await?;
    let sql = "SELECT COUNT(*) FROM oidc_pending_logins WHERE address = $1";
    let from_address: i64 = run!(tx, c => sqlx::query_scalar(sql).bind(address).fetch_one(c).await)?;
    let sql = "SELECT COUNT(*) FROM oidc_pending_logins";
    let all: i64 = run!(tx, c => sqlx::query_scalar(sql).fetch_one(c).await)?;
    if from_address >= MAX_PENDING_PER_ADDRESS || all >= MAX_PENDING {
        return Ok(false);
    }
    let sql = "INSERT INTO oidc_pending_logins
                   (state_hash, provider, nonce, pkce_verifier, next_path, created_at, address)
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    run!(tx, c => sqlx::query(sql)
        .bind(sha256_hex(state)).bind(&pending.provider).bind(&pending.nonce).bind(&pending.pkce_verifier)
        .bind(&pending.next_path).bind(at).bind(address)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(true)
}

/// Drops the sign-ins that did not come back in time; how many.
pub async fn purge_expired(tx: &mut impl Access) -> Result<u64> {
    let sql = "DELETE FROM oidc_pending_logins WHERE created_at <= $1";
    let done =
        run!(tx, c => sqlx::query(sql).bind(now() - PENDING_LIFETIME).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Takes the sign-in a `state` names, once: it is gone afterwards, whatever the outcome.
/// `None` when the state is unknown, used already, or older than [`PENDING_LIFETIME`].
pub async fn take(tx: &mut impl Access, state: &str) -> Result<Option<Pending>> {
    let hash = sha256_hex(state);
    let sql = "DELETE FROM oidc_pending_logins WHERE state_hash = $1
               RETURNING provider, nonce, pkce_verifier, next_path, created_at";
    let row: Option<(String, String, String, String, DateTime<Utc>)> =
        run!(tx, c => sqlx::query_as(sql).bind(&hash).fetch_optional(c).await)?;
    Ok(row
        .filter(|row| row.4 > now() - PENDING_LIFETIME)
        .map(|(provider, nonce, pkce_verifier, next_path, _)| Pending {
            provider,
            nonce,
            pkce_verifier,
            next_path,
        }))
}

/// The account bound to this subject of this issuer.
pub async fn bound_user(conn: &mut impl Access, issuer: &str, subject: &str) -> Result<Option<Uuid>> {
    let sql = "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2";
    Ok(run!(conn, c => sqlx::query_scalar(sql).bind(issuer).bind(subject).fetch_optional(c).await)?)
}

/// Whether the account is bound to someone at this issuer already.
pub async fn is_bound(conn: &mut impl Access, user_id: Uuid, issuer: &str) -> Result<bool> {
    let sql = "SELECT COUNT(*) FROM user_identities WHERE user_id = $1 AND issuer = $2";
    let n: i64 = run!(conn, c => sqlx::query_scalar(sql).bind(user_id).bind(issuer).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Binds the account to the subject of the issuer.
pub async fn bind(tx: &mut impl Access, user_id: Uuid, issuer: &str, subject: &str) -> Result<()> {
    let sql = "INSERT INTO user_identities (user_id, issuer, subject, bound_at) VALUES ($1, $2, $3, $4)";
    run!(tx, c => sqlx::query(sql).bind(user_id).bind(issuer).bind(subject).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Unbinds the account from the issuer; whether it was bound.
pub async fn unbind(tx: &mut impl Access, user_id: Uuid, issuer: &str) -> Result<bool> {
    let sql = "DELETE FROM user_identities WHERE user_id = $1 AND issuer = $2";
    let done = run!(tx, c => sqlx::query(sql).bind(user_id).bind(issuer).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done > 0)
}
