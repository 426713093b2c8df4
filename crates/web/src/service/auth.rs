//! Signing in and out.

use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Email;
use onramp_store::audit::{self, Event};
use onramp_store::users::User;
use onramp_store::{Tx, passwords, sessions, throttle, users};

/// Checks the credentials and starts a session; returns the user and the session cookie value.
/// Unknown e-mail, wrong password and a disabled account are refused alike.
pub async fn sign_in(
    state: &AppState,
    info: &RequestInfo,
    email: &str,
    password: &str,
) -> Result<(User, String), AppError> {
    let mut errors = FieldErrors::new();
    if email.trim().is_empty() {
        errors.add("email", "required");
    }
    if password.is_empty() {
        errors.add("password", "required");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let email = Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let mut conn = state.db.conn().await?;
    let who = info.who(&email);
    if throttle::is_blocked(&mut conn, &email, &info.address).await? {
        drop(conn);
        let mut tx = state.db.begin().await?;
        audit::record(&mut tx, &who, Event::new("login.throttled", "user", &email)).await?;
        tx.commit().await?;
        crate::metrics::sign_in("throttled");
        return Err(AppError::Throttled);
    }
    let found = users::credentials(&mut conn, &email).await?;
    drop(conn);
    let (user, hash) = match found {
        Some((user, hash)) if user.active => (Some(user), hash),
        _ => (None, passwords::decoy_hash().to_owned()),
    };
    let matches = super::verify_password(password.to_owned(), hash).await?;
    let mut tx = state.db.begin().await?;
    match user.filter(|_| matches) {
        Some(user) if user.role.is_staff() && !state.config.password_sign_in => {
            drop(tx);
            Err(AppError::BadRequest("password-sign-in-off"))
        }
        Some(user) => {
            let token = start_session(&mut tx, &user, who, Event::new("login.success", "user", user.id)).await?;
            tx.commit().await?;
            crate::metrics::sign_in("success");
            Ok((user, token))
        }
        None => {
            throttle::record(&mut tx, &email, &info.address, false).await?;
            audit::record(&mut tx, &who, Event::new("login.failure", "user", &email)).await?;
            tx.commit().await?;
            crate::metrics::sign_in("failure");
            Err(AppError::BadCredentials)
        }
    }
}

/// Starts a session for a user whose sign-in succeeded, however they signed in: the attempt
/// counted as a success for the throttle, the session, and `event` in the audit log as theirs.
/// Returns the session cookie's value; the caller commits.
pub async fn start_session(tx: &mut Tx, user: &User, who: audit::Who, event: Event<'_>) -> Result<String, AppError> {
    throttle::record(tx, &user.email, who.address.as_deref().unwrap_or_default(), true).await?;
    let token = sessions::create(tx, user.id).await?;
    let who = audit::Who {
        user_id: Some(user.id),
        ..who
    };
    audit::record(tx, &who, event).await?;
    Ok(token)
}

pub async fn sign_out(state: &AppState, ctx: &Ctx) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if let Some(token) = &ctx.session_token {
        sessions::delete(&mut tx, token).await?;
    }
    audit::record(&mut tx, &ctx.who, Event::new("logout", "user", ctx.user.id)).await?;
    tx.commit().await?;
    Ok(())
}
