//! Participants' portal accounts and their invitations (docs/portal.md). An account is a user of
//! role `participant` linked to exactly one participant; an invitation is a single-use secret whose
//! SHA-256 is kept, sent as a link or printed as a code.

use crate::tokens::sha256_hex;
use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, Duration, Utc};
use onramp_domain::identity::{Language, Role};
use onramp_domain::validation::fold_for_search;
use serde::Serialize;
use uuid::Uuid;

/// How long an e-mailed link stays valid...
pub const LINK_VALID_FOR: Duration = Duration::days(7);
/// ...and a printed code, handed over in person and typed in later.
pub const CODE_VALID_FOR: Duration = Duration::days(30);

/// The letters of a printed code: no 0/O, 1/I/L or 5/S to confuse, so it reads aloud and types
/// easily. Twelve of these 29 are 58 bits, beyond guessing at the sign-in throttle's pace.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRTUVWXYZ2346789";
const CODE_LENGTH: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationKind {
    Email,
    Code,
}

impl InvitationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationKind::Email => "email",
            InvitationKind::Code => "code",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Invitation {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub kind: String,
    /// What the account will sign in with: the e-mail address the link went to, or the sign-in
    /// name printed beside the code.
    pub sign_in: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Invitation {
    /// Whether it can still open an account.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && self.expires_at > at
    }
}

/// A participant's portal account, as the staff and the portal see it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Account {
    pub user_id: Uuid,
    pub participant_id: Uuid,
    /// What the participant signs in with: their e-mail address, or the sign-in name printed
    /// with a code.
    pub sign_in: String,
    pub active: bool,
    pub terms_version: String,
    pub terms_accepted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

const INVITATION: &str =
    "SELECT id, participant_id, kind, sign_in, created_by, created_at, expires_at, used_at, revoked_at
                          FROM portal_invitations";
const ACCOUNT: &str = "SELECT a.user_id, a.participant_id, u.email AS sign_in, u.active, a.terms_version,
                              a.terms_accepted_at, a.created_at, a.ended_at
                       FROM portal_accounts a JOIN users u ON u.id = a.user_id";

/// A new printed code, grouped in fours for reading: `ABCD-EFGH-JKMN`.
pub fn new_code() -> String {
    // Bytes past the last whole multiple of the alphabet are drawn again, so every letter is
    // equally likely.
    let limit = 256 - 256 % CODE_ALPHABET.len();
    let mut letters = Vec::with_capacity(CODE_LENGTH);
    while letters.len() < CODE_LENGTH {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("the operating system provides randomness");
        if (byte[0] as usize) < limit {
            letters.push(CODE_ALPHABET[byte[0] as usize % CODE_ALPHABET.len()] as char);
        }
    }
    letters
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A sign-in name for someone invited with a printed code (who has no e-mail address to sign in
/// with): `p-` and ten letters of the code alphabet, lower case.
pub fn new_sign_in_name() -> String {
    let letters = new_code().replace('-', "").to_lowercase();
    format!("p-{}-{}", &letters[..5], &letters[5..10])
}

/// A code as typed: case, spaces and dashes do not matter.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Invites the participant: revokes the invitations still open and stores the new one, whose
/// `secret` (a link's token or a normalised code) only its hash keeps.
pub async fn invite(
    tx: &mut impl Access,
    participant_id: Uuid,
    kind: InvitationKind,
    sign_in: &str,
    secret: &str,
    by: Uuid,
) -> Result<Invitation> {
    let at = now();
    revoke_open(tx, participant_id).await?;
    let valid_for = match kind {
        InvitationKind::Email => LINK_VALID_FOR,
        InvitationKind::Code => CODE_VALID_FOR,
    };
    let id = Uuid::now_v7();
    let sql = "INSERT INTO portal_invitations (id, participant_id, secret_hash, kind, sign_in, created_by, created_at,
                                               expires_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(participant_id).bind(sha256_hex(secret)).bind(kind.as_str()).bind(sign_in).bind(by)
        .bind(at).bind(at + valid_for)
        .execute(c).await.map(|r| r.rows_affected()))?;
    invitation(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Revokes the participant's invitations still open (a newer one replaces them; ending access
/// ends them too).
pub async fn revoke_open(tx: &mut impl Access, participant_id: Uuid) -> Result<u64> {
    let sql = "UPDATE portal_invitations SET revoked_at = $1
               WHERE participant_id = $2 AND used_at IS NULL AND revoked_at IS NULL";
    Ok(run!(tx, c => sqlx::query(sql).bind(now()).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?)
}

async fn invitation(conn: &mut impl Access, id: Uuid) -> Result<Option<Invitation>> {
    let sql = format!("{INVITATION} WHERE id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

/// The invitation a secret belongs to, open or not.
pub async fn invitation_by_secret(conn: &mut impl Access, secret: &str) -> Result<Option<Invitation>> {
    let sql = format!("{INVITATION} WHERE secret_hash = $1");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(&*sql)).bind(sha256_hex(secret)).fetch_optional(c).await)?,
    )
}

/// The participant's latest invitation, if any.
pub async fn latest_invitation(conn: &mut impl Access, participant_id: Uuid) -> Result<Option<Invitation>> {
    let sql = format!("{INVITATION} WHERE participant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_optional(c).await)?,
    )
}

pub async fn account_of_participant(conn: &mut impl Access, participant_id: Uuid) -> Result<Option<Account>> {
    let sql = format!("{ACCOUNT} WHERE a.participant_id = $1");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_optional(c).await)?,
    )
}

pub async fn account_of_user(conn: &mut impl Access, user_id: Uuid) -> Result<Option<Account>> {
    let sql = format!("{ACCOUNT} WHERE a.user_id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(&*sql)).bind(user_id).fetch_optional(c).await)?)
}

/// What opening an account needs, checked by the caller.
pub struct Opening<'a> {
    pub invitation: &'a Invitation,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub language: Language,
    pub terms_version: &'a str,
}

/// Uses the invitation and opens the participant's account: a new user of role `participant`,
/// or the earlier account again (active, with the new password and sign-in name). The invitation
/// is claimed first, so two uses of one secret cannot both open an account.
pub async fn open_account(tx: &mut impl Access, opening: &Opening<'_>) -> Result<Account> {
    let at = now();
    let claim = "UPDATE portal_invitations SET used_at = $1
                 WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1";
    let claimed = run!(tx, c => sqlx::query(claim).bind(at).bind(opening.invitation.id).execute(c).await.map(|r| r.rows_affected()))?;
    if claimed == 0 {
        return Err(StoreError::NotFound);
    }
    let participant_id = opening.invitation.participant_id;
    let user_id = match account_of_participant(tx, participant_id).await? {
        Some(earlier) => {
            reopen(tx, earlier.user_id, opening).await?;
            earlier.user_id
        }
        None => create(tx, participant_id, opening).await?,
    };
    account_of_user(tx, user_id).await?.ok_or(StoreError::NotFound)
}

async fn create(tx: &mut impl Access, participant_id: Uuid, opening: &Opening<'_>) -> Result<Uuid> {
    let at = now();
    let id = Uuid::now_v7();
    let sql = "INSERT INTO users (id, email, display_name, name_search, password_hash, role, language, active,
                                  created_at, updated_at, password_changed_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8, $8)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(&opening.invitation.sign_in).bind(opening.display_name).bind(fold_for_search(opening.display_name))
        .bind(opening.password_hash).bind(Role::Participant.as_str()).bind(opening.language.as_str()).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("email"))?;
    let sql = "INSERT INTO portal_accounts (user_id, participant_id, terms_version, terms_accepted_at, created_at)
               VALUES ($1, $2, $3, $4, $4)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(participant_id).bind(opening.terms_version).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

async fn reopen(tx: &mut impl Access, user_id: Uuid, opening: &Opening<'_>) -> Result<()> {
    let at = now();
    let sql = "UPDATE users SET email = $1, password_hash = $2, language = $3, active = TRUE, updated_at = $4,
                                password_changed_at = $4
               WHERE id = $5";
    run!(tx, c => sqlx::query(sql)
        .bind(&opening.invitation.sign_in).bind(opening.password_hash).bind(opening.language.as_str()).bind(at).bind(user_id)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("email"))?;
    let sql = "UPDATE portal_accounts SET terms_version = $1, terms_accepted_at = $2, ended_at = NULL, ended_by = NULL
               WHERE user_id = $3";
    run!(tx, c => sqlx::query(sql)
        .bind(opening.terms_version).bind(at).bind(user_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends the participant's portal access: the account can no longer sign in, its sessions and
/// tokens end, open invitations are revoked. Returns the account as it was, if there was one.
pub async fn end(tx: &mut impl Access, participant_id: Uuid, by: Uuid) -> Result<Option<Account>> {
    revoke_open(tx, participant_id).await?;
    let Some(account) = account_of_participant(tx, participant_id).await? else {
        return Ok(None);
    };
    let at = now();
    run!(tx, c => sqlx::query("UPDATE users SET active = FALSE, updated_at = $1 WHERE id = $2")
        .bind(at).bind(account.user_id).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "UPDATE portal_accounts SET ended_at = COALESCE(ended_at, $1), ended_by = COALESCE(ended_by, $2)
               WHERE user_id = $3";
    run!(tx, c => sqlx::query(sql).bind(at).bind(by).bind(account.user_id).execute(c).await.map(|r| r.rows_affected()))?;
    crate::sessions::delete_others(tx, account.user_id, None).await?;
    run!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(at).bind(account.user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(Some(account))
}

/// Forgets the participant's portal when their file is anonymised or erased (docs/retention.md):
/// the invitations and the link to the file go; the account stays as a row the audit log's
/// entries point at, without the person's name or sign-in, and can no longer sign in.
pub async fn forget(tx: &mut impl Access, participant_id: Uuid) -> Result<()> {
    let at = now();
    run!(tx, c => sqlx::query("DELETE FROM portal_invitations WHERE participant_id = $1")
        .bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
    let Some(account) = account_of_participant(tx, participant_id).await? else {
        return Ok(());
    };
    let user = account.user_id;
    let sql = "UPDATE users SET email = $1, display_name = '', name_search = '', active = FALSE, updated_at = $2
               WHERE id = $3";
    run!(tx, c => sqlx::query(sql).bind(format!("forgotten-{user}")).bind(at).bind(user)
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::sessions::delete_others(tx, user, None).await?;
    run!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(at).bind(user).execute(c).await.map(|r| r.rows_affected()))?;
    run!(tx, c => sqlx::query("DELETE FROM portal_accounts WHERE user_id = $1")
        .bind(user).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_easily_and_type_loosely() {
        let code = new_code();
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(code.matches('-').count(), 2, "{code}");
        assert!(
            code.chars().all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8))),
            "{code}"
        );
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed), code.replace('-', ""));
        assert_ne!(new_code(), code, "two codes differ");
    }
}
