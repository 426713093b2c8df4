//! Password reset by e-mail (docs/security.md): a single-use link valid 30 minutes, built from the
//! configured public URL (never from the request), and the same answer whether or not the
//! address has an account. Setting the new password ends every session of the account.

use crate::error::AppError;
use crate::identity::RequestInfo;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::identity::{Email, Language, NewPassword};
use onramp_store::audit::{self, Event};
use onramp_store::{password_resets, sessions, two_factor, users};

/// Whether this deployment can mail reset links: it needs a public URL and a mail server.
pub fn available(state: &AppState) -> bool {
    state.config.public_url.is_some() && state.config.mailer.is_some()
}

/// Asks for a reset link for `email`. The answer is the same whether or not an account has this
/// address (and the mail leaves after the answer, so it takes as long); requests count per
/// address and per client, known or not.
pub async fn request(state: &AppState, info: &RequestInfo, email: &str) -> Result<(), AppError> {
    let (Some(base), Some(mailer)) = (&state.config.public_url, &state.config.mailer) else {
        return Err(AppError::NotOffered("password-reset-off"));
    };
    if email.trim().is_empty() {
        return Err(AppError::invalid("email", "required"));
    }
    let email = Email::parse(email).map_err(|code| AppError::invalid("email", code))?;
    let email = email.as_str();
    let mut tx = state.db.begin().await?;
    if password_resets::count_request(&mut tx, email, &info.address).await? {
        audit::record(
            &mut tx,
            &info.who(email),
            Event::new("password_reset.throttled", "user", email),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::Throttled);
    }
    let user = users::find_by_email(&mut tx, email).await?.filter(|u| u.active);
    let Some(user) = user else {
        audit::record(
            &mut tx,
            &info.who(email),
            Event::new("password_reset.unknown", "user", email),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let token = password_resets::create(&mut tx, user.id).await?;
    audit::record(
        &mut tx,
        &info.who(email),
        Event::new("password_reset.request", "user", user.id),
    )
    .await?;
    tx.commit().await?;
    let message = reset_mail(
        &mailer.from,
        email,
        user.language,
        &format!("{base}/password-reset/{token}"),
    )?;
    let mailer = mailer.clone();
    tokio::spawn(async move {
        if let Err(error) = mailer.send(message).await {
            tracing::warn!(%error, "sending a password reset link failed");
        }
    });
    Ok(())
}

fn reset_mail(
    from: &lettre::message::Mailbox,
    to: &str,
    language: Language,
    link: &str,
) -> Result<lettre::Message, AppError> {
    use crate::i18n::text;
    let to = to.parse().map_err(|_| AppError::invalid("email", "invalid-email"))?;
    let body = format!(
        "{}\n\n{link}\n\n{}",
        text(language, "reset-mail-body"),
        text(language, "reset-mail-ignore"),
    );
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(text(language, "reset-mail-subject"))
        .body(body)
        .map_err(|e| AppError::internal(format!("building a password reset mail failed: {e}")))
}

/// Whether a link is still good (unused, unexpired), to show its form or say it is not.
pub async fn is_valid(state: &AppState, token: &str) -> Result<bool, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(password_resets::find(&mut conn, token).await?.is_some())
}

/// Sets the new password with a link: spends it (and the account's other links), ends every
/// session of the account and any sign-in waiting for a code. An unknown, used or expired link
/// is `NotFound`.
pub async fn complete(
    state: &AppState,
    info: &RequestInfo,
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let new_password = errors.check("new_password", NewPassword::parse(password));
    if new_password.is_some() && password != confirm {
        errors.add("confirm_password", "password-mismatch");
    }
    if !is_valid(state, token).await? {
        return Err(AppError::NotFound);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = super::hash_password(password.to_owned()).await?;
    let mut tx = state.db.begin().await?;
    let user_id = password_resets::spend(&mut tx, token)
        .await?
        .ok_or(AppError::NotFound)?;
    users::set_password(&mut tx, user_id, &hash).await?;
    sessions::delete_others(&mut tx, user_id, None).await?;
    two_factor::end_pending(&mut tx, user_id).await?;
    let who = onramp_store::audit::Who {
        user_id: Some(user_id),
        ..info.who("password reset link")
    };
    audit::record(&mut tx, &who, Event::new("password_reset.complete", "user", user_id)).await?;
    tx.commit().await?;
    Ok(())
}
