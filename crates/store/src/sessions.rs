//! Browser sessions, kept in the database so several `onramp serve` nodes share them.
//! The cookie carries a random token; the table keeps its SHA-256 hash.

use crate::tokens::{random_token, sha256_hex};
use crate::{Access, Result, now, run};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// A staff session ends after this long without a request...
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// ...a participant's in the portal after longer: people who need breaks (docs/portal.md).
pub const PORTAL_IDLE_TIMEOUT: Duration = Duration::hours(8);
/// ...and at the latest this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// How it was opened: [`SignedInBy::as_str`].
    pub signed_in_by: String,
}

impl Session {
    pub fn signed_in_by(&self) -> SignedInBy {
        SignedInBy::parse(&self.signed_in_by)
    }
}

/// How a session was opened. A provider's sign-in is trusted to ask its own second factor, so
/// `--require-two-factor` asks none of it (docs/security.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInBy {
    /// A password, with a second factor for those who have one.
    Password,
    /// Single sign-on through an OpenID Connect provider.
    SingleSignOn,
}

impl SignedInBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SignedInBy::Password => "password",
            SignedInBy::SingleSignOn => "sso",
        }
    }

    /// Anything but single sign-on is a password: no session gets spared a second factor by mistake.
    pub fn parse(text: &str) -> SignedInBy {
        match text {
            "sso" => SignedInBy::SingleSignOn,
            _ => SignedInBy::Password,
        }
    }
}

/// Starts a session; returns the cookie value.
pub async fn create(tx: &mut impl Access, user_id: Uuid, by: SignedInBy) -> Result<String> {
    let token = random_token(32);
    let at = now();
    let sql =
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, signed_in_by)
               VALUES ($1, $2, $3, $4, $4, $5, $6)";
    run!(tx, c => sqlx::query(sql)
        .bind(sha256_hex(&token)).bind(user_id).bind(random_token(32)).bind(at).bind(at + ABSOLUTE_TIMEOUT)
        .bind(by.as_str())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(token)
}

/// How long a session of this role may stay idle.
pub fn idle_timeout(role: onramp_domain::identity::Role) -> Duration {
    if role.is_staff() {
        IDLE_TIMEOUT
    } else {
        PORTAL_IDLE_TIMEOUT
    }
}

/// The live session for a cookie value, if any (not expired, not idle longer than any role may
/// be, account active); the caller applies its role's idle time (`idle_timeout`).
pub async fn find(conn: &mut impl Access, token: &str) -> Result<Option<Session>> {
    let at = now();
    let sql = "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.signed_in_by
               FROM sessions s JOIN users u ON u.id = s.user_id
               WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active";
    let hash = sha256_hex(token);
    Ok(run!(conn, c => sqlx::query_as::<_, Session>(sql)
        .bind(&hash).bind(at).bind(at - PORTAL_IDLE_TIMEOUT)
        .fetch_optional(c).await)?)
}

/// Records activity; callers do this at most once a minute per session to spare writes, and
/// off the request's path (a request never waits for it nor fails with it).
pub async fn touch(tx: &mut impl Access, token: &str) -> Result<()> {
    let sql = "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
    run!(tx, c => sqlx::query(sql).bind(now()).bind(sha256_hex(token)).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut impl Access, token: &str) -> Result<()> {
    run!(tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256_hex(token)).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user but `keep` (after a password change, or when an account is disabled).
pub async fn delete_others(tx: &mut impl Access, user_id: Uuid, keep: Option<&str>) -> Result<()> {
    let keep_hash = keep.map(sha256_hex).unwrap_or_default();
    let sql = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
    run!(tx, c => sqlx::query(sql).bind(user_id).bind(&keep_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(tx: &mut impl Access) -> Result<u64> {
    let at = now();
    let sql = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2";
    let done = run!(tx, c => sqlx::query(sql).bind(at).bind(at - PORTAL_IDLE_TIMEOUT).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
