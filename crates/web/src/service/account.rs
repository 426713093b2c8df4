//! A user's own account: password, name, language, API tokens.

use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::identity::{Language, NewPassword, parse_display_name};
use onramp_domain::validation::required_text;
use onramp_store::audit::{self, Event};
use onramp_store::tokens::{self, ApiToken};
use onramp_store::{sessions, users};
use uuid::Uuid;

/// Changes the password after checking the current one; ends the user's other sessions.
pub async fn change_password(
    state: &AppState,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if current.is_empty() {
        errors.add("current_password", "required");
    }
    let new_password = errors.check("new_password", NewPassword::parse(new));
    if new_password.is_some() && new != confirm {
        errors.add("confirm_password", "password-mismatch");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut conn = state.db.conn().await?;
    let stored = users::password_hash(&mut conn, ctx.user.id).await?;
    drop(conn);
    if !super::verify_password(current.to_owned(), stored).await? {
        return Err(AppError::invalid("current_password", "wrong-password"));
    }
    let hash = super::hash_password(new.to_owned()).await?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, ctx.user.id, &hash).await?;
    sessions::delete_others(&mut tx, ctx.user.id, ctx.session_token.as_deref()).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("user.password_change", "user", ctx.user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the display name and interface language.
pub async fn set_preferences(state: &AppState, ctx: &Ctx, display_name: &str, language: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let display_name = errors.check("display_name", parse_display_name(display_name));
    let language = errors.check("language", Language::parse(language));
    let (Some(display_name), Some(language)) = (display_name, language) else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = state.db.begin().await?;
    users::set_preferences(&mut tx, ctx.user.id, &display_name, language).await?;
    let before = serde_json::json!({"display_name": ctx.user.display_name, "language": ctx.user.language});
    let after = serde_json::json!({"display_name": display_name, "language": language});
    let event = Event::new("user.preferences", "user", ctx.user.id)
        .before(&before)
        .after(&after);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_tokens(state: &AppState, ctx: &Ctx) -> Result<Vec<ApiToken>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(tokens::list_for_user(&mut conn, ctx.user.id).await?)
}

/// Creates a personal API token; the secret is returned once and never stored.
pub async fn create_token(state: &AppState, ctx: &Ctx, name: &str) -> Result<(ApiToken, String), AppError> {
    let name = required_text(name, 100).map_err(|code| AppError::invalid("name", code))?;
    let mut tx = state.db.begin().await?;
    let (token, secret) = tokens::create(&mut tx, ctx.user.id, &name).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("api_token.create", "api_token", token.id).after(&token),
    )
    .await?;
    tx.commit().await?;
    Ok((token, secret))
}

/// Revokes one of the user's own tokens; anyone else's is 404.
pub async fn revoke_token(state: &AppState, ctx: &Ctx, token_id: Uuid) -> Result<ApiToken, AppError> {
    let mut tx = state.db.begin().await?;
    let token = tokens::revoke(&mut tx, ctx.user.id, token_id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("api_token.revoke", "api_token", token.id).after(&token),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}
