//! User accounts, their roles and their scope (organisations, regions).

use crate::{Access, Result, StoreError, decode, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::identity::{Email, Language, Role};
use onramp_domain::validation::fold_for_search;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub language: Language,
    pub active: bool,
    pub organisations: Vec<Uuid>,
    pub regions: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// The user as the policy sees them.
    pub fn actor(&self) -> onramp_domain::policy::Actor {
        onramp_domain::policy::Actor {
            user_id: self.id,
            role: self.role,
            organisations: self.organisations.clone(),
            regions: self.regions.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    language: String,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    /// The user, or `Corrupt` for a role or language no enum knows (never a guessed role).
    fn into_user(self, organisations: Vec<Uuid>, regions: Vec<Uuid>) -> Result<User> {
        Ok(User {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            role: decode("users.role", &self.role, Role::parse)?,
            language: decode("users.language", &self.language, Language::parse)?,
            active: self.active,
            organisations,
            regions,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const COLUMNS: &str = "id, email, display_name, role, language, active, created_at, updated_at";

/// A validated account to create or the new state of one to update.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub language: Language,
    pub active: bool,
    pub organisations: Vec<Uuid>,
    pub regions: Vec<Uuid>,
}

pub async fn create(tx: &mut impl Access, input: &UserInput, password_hash: &str) -> Result<User> {
    let id = Uuid::now_v7();
    let at = now();
    let sql = "INSERT INTO users (id, email, display_name, name_search, password_hash, role, language, active,
                                  created_at, updated_at, password_changed_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(input.email.as_str()).bind(&input.display_name).bind(fold_for_search(&input.display_name))
        .bind(password_hash).bind(input.role.as_str()).bind(input.language.as_str()).bind(input.active).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("email"))?;
    set_scope(tx, id, &input.organisations, &input.regions).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Replaces profile, role and scope (not the password).
pub async fn update(tx: &mut impl Access, id: Uuid, input: &UserInput) -> Result<User> {
    let sql = "UPDATE users SET email = $1, display_name = $2, name_search = $3, role = $4, language = $5,
                                active = $6, updated_at = $7
               WHERE id = $8";
    let done = run!(tx, c => sqlx::query(sql)
        .bind(input.email.as_str()).bind(&input.display_name).bind(fold_for_search(&input.display_name))
        .bind(input.role.as_str()).bind(input.language.as_str()).bind(input.active).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("email"))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    set_scope(tx, id, &input.organisations, &input.regions).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

async fn set_scope(tx: &mut impl Access, id: Uuid, organisations: &[Uuid], regions: &[Uuid]) -> Result<()> {
    run!(tx, c => sqlx::query("DELETE FROM user_organisations WHERE user_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    run!(tx, c => sqlx::query("DELETE FROM user_regions WHERE user_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    for organisation in organisations {
        let sql = "INSERT INTO user_organisations (user_id, organisation_id) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(id).bind(organisation).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("organisations"))?;
    }
    for region in regions {
        let sql = "INSERT INTO user_regions (user_id, region_id) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(id).bind(region).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("regions"))?;
    }
    Ok(())
}

pub async fn set_password(tx: &mut impl Access, id: Uuid, password_hash: &str) -> Result<()> {
    let at = now();
    let sql = "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3";
    run!(tx, c => sqlx::query(sql).bind(password_hash).bind(at).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_preferences(tx: &mut impl Access, id: Uuid, display_name: &str, language: Language) -> Result<()> {
    let sql = "UPDATE users SET display_name = $1, name_search = $2, language = $3, updated_at = $4 WHERE id = $5";
    run!(tx, c => sqlx::query(sql)
        .bind(display_name).bind(fold_for_search(display_name)).bind(language.as_str()).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let Some(row) =
        run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?
    else {
        return Ok(None);
    };
    let (organisations, regions) = scope_of(conn, id).await?;
    Ok(Some(row.into_user(organisations, regions)?))
}

async fn scope_of(conn: &mut impl Access, id: Uuid) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    let sql = "SELECT organisation_id FROM user_organisations WHERE user_id = $1 ORDER BY organisation_id";
    let organisations = run!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(id).fetch_all(c).await)?;
    let sql = "SELECT region_id FROM user_regions WHERE user_id = $1 ORDER BY region_id";
    let regions = run!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(id).fetch_all(c).await)?;
    Ok((organisations, regions))
}

/// The account and stored password hash for a sign-in, active or not.
pub async fn credentials(conn: &mut impl Access, email: &str) -> Result<Option<(User, String)>> {
    let sql = "SELECT id, password_hash FROM users WHERE email = $1";
    let found: Option<(Uuid, String)> = run!(conn, c => sqlx::query_as(sql).bind(email).fetch_optional(c).await)?;
    let Some((id, hash)) = found else {
        return Ok(None);
    };
    Ok(get(conn, id).await?.map(|user| (user, hash)))
}

pub async fn password_hash(conn: &mut impl Access, id: Uuid) -> Result<String> {
    let sql = "SELECT password_hash FROM users WHERE id = $1";
    run!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(id).fetch_optional(c).await)?.ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub search: Option<String>,
    pub role: Option<Role>,
    pub organisation_id: Option<Uuid>,
    /// Keyset pagination: users after this (name_search, id).
    pub after: Option<(String, Uuid)>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub name_search: String,
    pub role: String,
    pub active: bool,
}

/// Users by name, `limit` at a time.
pub async fn list(conn: &mut impl Access, filter: &Filter, limit: i64) -> Result<Vec<ListedUser>> {
    // Staff accounts only: participants' portal accounts are managed from their files.
    let sql = "SELECT id, email, display_name, name_search, role, active FROM users u
               WHERE u.role <> 'participant'
                 AND ($1 IS NULL OR u.name_search LIKE $1 OR u.email LIKE $1)
                 AND ($2 IS NULL OR u.role = $2)
                 AND ($3 IS NULL OR u.id IN (SELECT user_id FROM user_organisations WHERE organisation_id = $3))
                 AND ($4 IS NULL OR u.name_search > $4 OR (u.name_search = $4 AND u.id > $5))
               ORDER BY u.name_search, u.id
               LIMIT $6";
    let pattern = filter
        .search
        .as_deref()
        .map(|s| format!("%{}%", fold_for_search(s).replace(['%', '_'], "")));
    let role = filter.role.map(|r| r.as_str());
    let (after_name, after_id) = match &filter.after {
        Some((name, id)) => (Some(name.clone()), Some(*id)),
        None => (None, None),
    };
    Ok(run!(conn, c => sqlx::query_as::<_, ListedUser>(sql)
        .bind(&pattern).bind(role).bind(filter.organisation_id).bind(&after_name).bind(after_id).bind(limit)
        .fetch_all(c).await)?)
}

pub async fn count(conn: &mut impl Access) -> Result<i64> {
    Ok(run!(conn, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(c).await)?)
}

/// Active coaches working at an organisation: who a trajectory there can be handed over to.
pub async fn coaches_at(conn: &mut impl Access, organisation_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    let sql = "SELECT u.id, u.display_name FROM users u
               JOIN user_organisations m ON m.user_id = u.id
               WHERE m.organisation_id = $1 AND u.role = 'coach' AND u.active
               ORDER BY u.name_search, u.id";
    Ok(run!(conn, c => sqlx::query_as::<_, (Uuid, String)>(sql).bind(organisation_id).fetch_all(c).await)?)
}

/// Active coaches working at an organisation of a region, by name (at most 500).
pub async fn coaches_in_region(conn: &mut impl Access, region_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    let sql = "SELECT u.id, u.display_name FROM users u
               WHERE u.role = 'coach' AND u.active AND EXISTS (SELECT 1 FROM user_organisations m
                   JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = u.id AND o.region_id = $1)
               ORDER BY u.name_search, u.id LIMIT 500";
    Ok(run!(conn, c => sqlx::query_as::<_, (Uuid, String)>(sql).bind(region_id).fetch_all(c).await)?)
}

/// Active users with one role, by name (for choosing e.g. a peer expert).
pub async fn with_role(conn: &mut impl Access, role: Role) -> Result<Vec<(Uuid, String)>> {
    let sql = "SELECT id, display_name FROM users WHERE role = $1 AND active ORDER BY name_search, id LIMIT 500";
    Ok(run!(conn, c => sqlx::query_as::<_, (Uuid, String)>(sql).bind(role.as_str()).fetch_all(c).await)?)
}

pub async fn find_by_email(conn: &mut impl Access, email: &str) -> Result<Option<User>> {
    let sql = "SELECT id FROM users WHERE email = $1";
    let email = email.trim().to_lowercase();
    let id: Option<Uuid> = run!(conn, c => sqlx::query_scalar(sql).bind(&email).fetch_optional(c).await)?;
    match id {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_role_is_an_error_not_the_role_that_sees_least() {
        let row = |role: &str, language: &str| Row {
            id: Uuid::now_v7(),
            email: "a@example.org".into(),
            display_name: "A".into(),
            role: role.into(),
            language: language.into(),
            active: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let user = row("coach", "fr").into_user(vec![], vec![]).unwrap();
        assert_eq!((user.role, user.language), (Role::Coach, Language::Fr));
        let error = row("superuser", "fr").into_user(vec![], vec![]).unwrap_err();
        assert!(matches!(
            error,
            StoreError::Corrupt {
                column: "users.role",
                ..
            }
        ));
        let error = row("coach", "de").into_user(vec![], vec![]).unwrap_err();
        assert!(matches!(
            error,
            StoreError::Corrupt {
                column: "users.language",
                ..
            }
        ));
    }
}
