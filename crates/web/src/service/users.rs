//! User accounts, managed by administrators.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::identity::{Email, Language, NewPassword, Role, check_scope, parse_display_name};
use onramp_domain::organisations::parse_id;
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event};
use onramp_store::users::{self, Filter, ListedUser, User, UserInput};
use onramp_store::{Db, sessions};
use uuid::Uuid;

/// The raw fields of a user form or API body.
#[derive(Debug, Clone, Default)]
pub struct UserFields {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub language: String,
    pub active: bool,
    pub organisations: Vec<String>,
    pub regions: Vec<String>,
}

/// Parses every field, reporting all problems at once.
pub fn parse(fields: &UserFields) -> Result<UserInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(&fields.email));
    let display_name = errors.check("display_name", parse_display_name(&fields.display_name));
    let role = errors.check("role", Role::parse_staff(&fields.role));
    let language = if fields.language.trim().is_empty() {
        Some(Language::Nl)
    } else {
        errors.check("language", Language::parse(&fields.language))
    };
    let organisations = parse_ids(&mut errors, "organisations", &fields.organisations);
    let regions = parse_ids(&mut errors, "regions", &fields.regions);
    if let Some(role) = role
        && let Err((field, code)) = check_scope(role, organisations.len(), regions.len())
        && errors.for_field(field).is_none()
    {
        errors.add(field, code);
    }
    errors.finish(|| UserInput {
        email: email.unwrap(),
        display_name: display_name.unwrap(),
        role: role.unwrap(),
        language: language.unwrap(),
        active: fields.active,
        organisations,
        regions,
    })
}

fn parse_ids(errors: &mut FieldErrors, field: &'static str, values: &[String]) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        match parse_id(value) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(code) => {
                errors.add(field, code);
                break;
            }
        }
    }
    ids
}

pub async fn list(state: &AppState, ctx: &Ctx, filter: &Filter, limit: i64) -> Result<Vec<ListedUser>, AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    let mut conn = state.db.conn().await?;
    Ok(users::list(&mut conn, filter, limit).await?)
}

pub async fn get(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<User, AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    let mut conn = state.db.conn().await?;
    staff_account(users::get(&mut conn, id).await?)
}

/// A staff account; a participant's portal account is no user to manage here (404): it is
/// opened from an invitation and ended from the participant's file.
fn staff_account(found: Option<User>) -> Result<User, AppError> {
    found.filter(|user| user.role.is_staff()).ok_or(AppError::NotFound)
}

pub async fn create(state: &AppState, ctx: &Ctx, input: UserInput, password: &str) -> Result<User, AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    let hash = parse_password(password)?;
    let hash = super::hash_password(hash).await?;
    create_with_hash(&state.db, &ctx.who, input, &hash).await
}

/// Creates an account from an already hashed password (used by the CLI and demo data too).
pub async fn create_with_hash(db: &Db, who: &audit::Who, input: UserInput, hash: &str) -> Result<User, AppError> {
    let mut tx = db.begin().await?;
    let user = users::create(&mut tx, &input, hash).await?;
    audit::record(&mut tx, who, Event::new("user.create", "user", user.id).after(&user)).await?;
    tx.commit().await?;
    Ok(user)
}

fn parse_password(password: &str) -> Result<String, AppError> {
    NewPassword::parse(password)
        .map(|p| p.expose().to_owned())
        .map_err(|code| AppError::invalid("password", code))
}

/// Updates an account. An administrator cannot lock themselves out.
pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: UserInput) -> Result<User, AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    if id == ctx.user.id {
        if input.role != Role::Administrator {
            return Err(AppError::invalid("role", "own-account"));
        }
        if !input.active {
            return Err(AppError::invalid("active", "own-account"));
        }
    }
    let mut tx = state.db.begin().await?;
    let before = staff_account(users::get(&mut tx, id).await?)?;
    let after = users::update(&mut tx, id, &input).await?;
    if !after.active {
        sessions::delete_others(&mut tx, id, None).await?;
    }
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("user.update", "user", id).before(&before).after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Sets a new password for someone else (an administrator's reset).
pub async fn reset_password(state: &AppState, ctx: &Ctx, id: Uuid, password: &str) -> Result<(), AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    let hash = super::hash_password(parse_password(password)?).await?;
    let mut tx = state.db.begin().await?;
    staff_account(users::get(&mut tx, id).await?)?;
    users::set_password(&mut tx, id, &hash).await?;
    sessions::delete_others(&mut tx, id, None).await?;
    audit::record(&mut tx, &ctx.who, Event::new("user.password_reset", "user", id)).await?;
    tx.commit().await?;
    Ok(())
}
