//! Signing in and out: the password, then a code for users with a second factor
//! (docs/security.md).

use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Email;
use onramp_store::audit::{self, Event};
use onramp_store::sessions::SignedInBy;
use onramp_store::users::User;
use onramp_store::{Tx, passwords, sessions, throttle, two_factor, users};
use uuid::Uuid;

/// What a right password leads to.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the user and the session cookie value.
    Done(User, String),
    /// The user must still enter a code: the cookie value of the sign-in waiting for it.
    SecondFactor(String),
}

/// Checks the credentials and starts a session, or, for a user with a second factor, a sign-in
/// waiting for the code (to go to `next` after). Unknown e-mail, wrong password and a disabled
/// account are refused alike.
pub async fn sign_in(
    state: &AppState,
    info: &RequestInfo,
    email: &str,
    password: &str,
    next: &str,
) -> Result<SignIn, AppError> {
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
    let found = users::credentials(&mut conn, &email).await?;
    let who = who_signs_in(info, found.as_ref().map(|(user, _)| user));
    let account = who.user_id;
    if throttle::is_blocked(&mut conn, &email, &info.address).await? {
        drop(conn);
        let mut tx = state.db.begin().await?;
        audit::record(&mut tx, &who, about(account, "login.throttled")).await?;
        tx.commit().await?;
        crate::metrics::sign_in("throttled");
        return Err(AppError::Throttled);
    }
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
        Some(user) if two_factor::is_enrolled(&mut tx, user.id).await? => {
            // Not counted as a success: that would forgive the failed codes before it.
            let pending = two_factor::create_pending(&mut tx, user.id, next).await?;
            audit::record(&mut tx, &who, Event::new("login.password_ok", "user", user.id)).await?;
            tx.commit().await?;
            Ok(SignIn::SecondFactor(pending))
        }
        Some(user) => {
            let event = Event::new("login.success", "user", user.id);
            let token = start_session(&mut tx, &user, who, event, SignedInBy::Password).await?;
            tx.commit().await?;
            crate::metrics::sign_in("success");
            Ok(SignIn::Done(user, token))
        }
        None => {
            throttle::record(&mut tx, &email, &info.address, false).await?;
            audit::record(&mut tx, &who, about(account, "login.failure")).await?;
            tx.commit().await?;
            crate::metrics::sign_in("failure");
            Err(AppError::BadCredentials)
        }
    }
}

/// What the audit log names instead of an e-mail address that matches no account.
pub const UNKNOWN_ACCOUNT: &str = "unknown account";

/// Who signs in, for the audit log: the account the e-mail address names, or for an address
/// that matches none, no one. What was typed is not kept (data minimisation: people type their
/// password into the e-mail field, and strangers are none of onramp's business).
fn who_signs_in(info: &RequestInfo, account: Option<&User>) -> audit::Who {
    match account {
        Some(user) => audit::Who {
            user_id: Some(user.id),
            ..info.who(&user.email)
        },
        None => info.who(UNKNOWN_ACCOUNT),
    }
}

/// A sign-in event about the account, or about no record at all.
fn about(account: Option<Uuid>, action: &str) -> Event<'_> {
    Event {
        entity_id: account.map(|id| id.to_string()),
        ..Event::new(action, "user", "")
    }
}

/// Starts a session for a user whose sign-in succeeded, however they signed in: the attempt
/// counted as a success for the throttle, the session (opened `by`), and `event` in the audit log
/// as theirs.
/// Returns the session cookie's value; the caller commits.
pub async fn start_session(
    tx: &mut Tx,
    user: &User,
    who: audit::Who,
    event: Event<'_>,
    by: SignedInBy,
) -> Result<String, AppError> {
    throttle::record(tx, &user.email, who.address.as_deref().unwrap_or_default(), true).await?;
    let token = sessions::create(tx, user.id, by).await?;
    let who = audit::Who {
        user_id: Some(user.id),
        ..who
    };
    audit::record(tx, &who, event).await?;
    Ok(token)
}

/// The code step of a sign-in waiting for one (`pending`, the cookie value): a code of the
/// authenticator app (now or one step either side, never one already used) or a recovery code.
/// Failures count with the password's, per account and per address. Returns the user, the new
/// session's cookie value and where to go; an unknown or expired `pending` is `Unauthenticated`.
pub async fn second_factor(
    state: &AppState,
    info: &RequestInfo,
    pending: &str,
    code: &str,
) -> Result<(User, String, String), AppError> {
    let mut conn = state.db.conn().await?;
    let (user_id, next) = two_factor::find_pending(&mut conn, pending)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let user = users::get(&mut conn, user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated)?;
    let authenticator = two_factor::get(&mut conn, user_id)
        .await?
        .filter(|a| a.is_confirmed())
        .ok_or(AppError::Unauthenticated)?;
    let who = audit::Who {
        user_id: Some(user.id),
        ..info.who(&user.email)
    };
    if throttle::is_blocked(&mut conn, &user.email, &info.address).await? {
        drop(conn);
        let mut tx = state.db.begin().await?;
        audit::record(&mut tx, &who, Event::new("login.throttled", "user", user.id)).await?;
        tx.commit().await?;
        crate::metrics::sign_in("throttled");
        return Err(AppError::Throttled);
    }
    drop(conn);
    if code.trim().is_empty() {
        return Err(AppError::invalid("code", "required"));
    }
    let mut tx = state.db.begin().await?;
    let Some(method) = super::two_factor::spend_code(&mut tx, &authenticator, code).await? else {
        throttle::record(&mut tx, &user.email, &info.address, false).await?;
        audit::record(&mut tx, &who, Event::new("login.code_failure", "user", user.id)).await?;
        tx.commit().await?;
        crate::metrics::sign_in("failure");
        return Err(AppError::invalid("code", "wrong-code"));
    };
    throttle::record(&mut tx, &user.email, &info.address, true).await?;
    two_factor::delete_pending(&mut tx, pending).await?;
    let token = sessions::create(&mut tx, user.id, SignedInBy::Password).await?;
    let after = serde_json::json!({ "second_factor": method });
    audit::record(
        &mut tx,
        &who,
        Event::new("login.success", "user", user.id).after(&after),
    )
    .await?;
    tx.commit().await?;
    crate::metrics::sign_in("success");
    Ok((user, token, next))
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
