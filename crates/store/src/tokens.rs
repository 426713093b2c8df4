//! Personal API tokens for integrations (`Authorization: Bearer onr_...`).
//! Only a SHA-256 hash is stored; the token itself is shown once, at creation.

use crate::{Access, Result, StoreError, now, run};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const TOKEN_PREFIX: &str = "onr_";

/// `bytes` random bytes from the OS.
pub fn random_bytes(bytes: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system provides randomness");
    buffer
}

/// `bytes` random bytes from the OS, base64url-encoded.
pub fn random_token(bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(bytes))
}

pub fn sha256_hex(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Creates a token for `user_id`; returns the record and the secret, which is never stored.
pub async fn create(tx: &mut impl Access, user_id: Uuid, name: &str) -> Result<(ApiToken, String)> {
    let secret = format!("{TOKEN_PREFIX}{}", random_token(32));
    let token = ApiToken {
        id: Uuid::now_v7(),
        user_id,
        name: name.to_owned(),
        prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    let sql =
        "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
    run!(tx, c => sqlx::query(sql)
        .bind(token.id).bind(user_id).bind(&token.name).bind(sha256_hex(&secret))
        .bind(&token.prefix).bind(token.created_at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok((token, secret))
}

pub async fn list_for_user(conn: &mut impl Access, user_id: Uuid) -> Result<Vec<ApiToken>> {
    let sql = "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at
               FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC";
    Ok(run!(conn, c => sqlx::query_as::<_, ApiToken>(sql).bind(user_id).fetch_all(c).await)?)
}

/// Revokes one of the owner's tokens. Another user's token is `NotFound`.
pub async fn revoke(tx: &mut impl Access, user_id: Uuid, token_id: Uuid) -> Result<ApiToken> {
    let sql = "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(now()).bind(token_id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    let sql = "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1";
    Ok(run!(tx, c => sqlx::query_as::<_, ApiToken>(sql).bind(token_id).fetch_one(c).await)?)
}

/// The owner of a live token (not revoked, its owner active), and when it was last used.
pub async fn find_user(conn: &mut impl Access, secret: &str) -> Result<Option<(Uuid, Option<DateTime<Utc>>)>> {
    let sql = "SELECT t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
               WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active";
    let hash = sha256_hex(secret);
    Ok(run!(conn, c => sqlx::query_as(sql).bind(&hash).fetch_optional(c).await)?)
}

/// Records that a token was used; like a session's, at most once a minute and off the request's path.
pub async fn touch(tx: &mut impl Access, secret: &str) -> Result<()> {
    let sql = "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2";
    run!(tx, c => sqlx::query(sql).bind(now()).bind(sha256_hex(secret)).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
