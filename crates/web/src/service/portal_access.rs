//! Opening and ending participants' portal accounts (docs/portal.md): a coach invites (an e-mailed
//! link or a printed code), the participant opens the account with a password and the portal's
//! terms, and the coach or the participant can end the access at any time.

use super::participants::{Need, authorise};
use super::{hash_password, require};
use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::identity::{Email, Language, NewPassword};
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::audit::{self, Event, Who};
use onramp_store::portal::{self, Account, Invitation, InvitationKind, Opening};
use onramp_store::{participants, sessions, users};
use uuid::Uuid;

/// The version of the portal's terms a participant agrees to when opening the account; the
/// terms themselves are the portal's help page and docs/portal.md.
pub const TERMS_VERSION: &str = "2026-12";

/// A participant's portal access as the coach sees it (the API's `PortalStatusView`).
#[derive(Debug)]
pub struct PortalStatus {
    pub account: Option<Account>,
    /// The latest invitation, open or not.
    pub invitation: Option<Invitation>,
    /// Whether the participant can sign in now.
    pub active: bool,
    /// Whether you may invite the participant or end the access.
    pub may_invite: bool,
}

/// How to invite: a link to the participant's e-mail address, or a printed code.
#[derive(Debug, Clone)]
pub enum Invite {
    Email(String),
    Code,
}

/// An invitation just made. The code (printed invitations) is shown this once; a link is only
/// e-mailed, never shown to the coach, who could otherwise open the account themselves.
#[derive(Debug)]
pub struct Issued {
    pub invitation: Invitation,
    pub code: Option<String>,
}

pub async fn status(state: &AppState, ctx: &Ctx, participant_id: Uuid) -> Result<PortalStatus, AppError> {
    let mut conn = state.db.conn().await?;
    let reference = authorise(&mut conn, ctx, participant_id, Need::View).await?;
    let account = portal::account_of_participant(&mut conn, participant_id).await?;
    let invitation = portal::latest_invitation(&mut conn, participant_id).await?;
    Ok(PortalStatus {
        may_invite: policy::decide(&ctx.actor, Action::InviteToPortal(&reference)) == Decision::Allow,
        active: account.as_ref().is_some_and(|a| a.active),
        account,
        invitation,
    })
}

/// Invites the participant, replacing any invitation still open. An e-mail invitation is sent at
/// once (refused when no mail server is configured); `site` is the address links start with.
pub async fn invite(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    how: Invite,
    site: &str,
) -> Result<Issued, AppError> {
    let mut tx = state.db.begin().await?;
    let reference = participants::access_ref(&mut tx, participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::InviteToPortal(&reference))?;
    let account = portal::account_of_participant(&mut tx, participant_id).await?;
    let (kind, sign_in, secret) = match &how {
        Invite::Email(address) => {
            let address = Email::parse(address).map_err(|code| AppError::invalid("email", code))?;
            let taken = users::find_by_email(&mut tx, address.as_str()).await?;
            if taken.is_some_and(|user| account.as_ref().is_none_or(|a| a.user_id != user.id)) {
                return Err(AppError::invalid("email", "taken"));
            }
            if state.config.mailer.is_none() {
                return Err(AppError::invalid("email", "no-mail-server"));
            }
            let secret = onramp_store::tokens::random_token(32);
            (InvitationKind::Email, address.as_str().to_owned(), secret)
        }
        Invite::Code => {
            let sign_in = match &account {
                Some(account) if !account.sign_in.contains('@') => account.sign_in.clone(),
                _ => portal::new_sign_in_name(),
            };
            (InvitationKind::Code, sign_in, portal::new_code())
        }
    };
    let stored_secret = match kind {
        InvitationKind::Email => secret.clone(),
        InvitationKind::Code => portal::normalise_code(&secret),
    };
    let invitation = portal::invite(&mut tx, participant_id, kind, &sign_in, &stored_secret, ctx.user.id).await?;
    let event = Event::new("portal.invite", "participant", participant_id)
        .for_participant(participant_id)
        .after(&invitation);
    audit::record(&mut tx, &ctx.who, event).await?;
    let person = participants::get(&mut tx, participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Committed before the mail goes: no writer waits for the mail server, and no link is mailed
    // whose invitation was not kept. A mail that fails leaves the invitation open; inviting again
    // replaces it.
    tx.commit().await?;
    if let Invite::Email(_) = how {
        let link = format!("{site}/portal/invitation/{secret}");
        send_invitation(
            state,
            &invitation,
            &person.record.first_name,
            person.record.language,
            &link,
        )
        .await?;
    }
    let code = (kind == InvitationKind::Code).then_some(secret);
    Ok(Issued { invitation, code })
}

async fn send_invitation(
    state: &AppState,
    invitation: &Invitation,
    first_name: &str,
    language: Language,
    link: &str,
) -> Result<(), AppError> {
    use crate::i18n::{date, text, text_with};
    let mailer = state
        .config
        .mailer
        .as_ref()
        .ok_or(AppError::invalid("email", "no-mail-server"))?;
    let to = invitation
        .sign_in
        .parse()
        .map_err(|_| AppError::invalid("email", "invalid-email"))?;
    let until = date(&invitation.expires_at.date_naive());
    let body = format!(
        "{}\n\n{}\n\n{link}\n\n{}",
        text_with(language, "portal-mail-greeting", &[("name", first_name)]),
        text(language, "portal-mail-body"),
        text_with(language, "portal-mail-expires", &[("date", &until)]),
    );
    let message = lettre::Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(text(language, "portal-mail-subject"))
        .body(body)
        .map_err(|e| AppError::internal(format!("building a portal invitation failed: {e}")))?;
    mailer
        .send(message)
        .await
        .map_err(|error| AppError::internal(format!("sending a portal invitation failed: {error}")))
}

/// Ends the participant's portal access (asked by the coach).
pub async fn end(state: &AppState, ctx: &Ctx, participant_id: Uuid) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let reference = participants::access_ref(&mut tx, participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::InviteToPortal(&reference))?;
    close(&mut tx, &ctx.who, participant_id, ctx.user.id).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the access of the signed-in participant themselves.
pub async fn end_own(state: &AppState, ctx: &Ctx) -> Result<(), AppError> {
    let participant_id = super::portal::own(state, ctx).await?;
    let mut tx = state.db.begin().await?;
    close(&mut tx, &ctx.who, participant_id, ctx.user.id).await?;
    tx.commit().await?;
    Ok(())
}

async fn close(tx: &mut onramp_store::Tx, who: &Who, participant_id: Uuid, by: Uuid) -> Result<(), AppError> {
    let ended = portal::end(tx, participant_id, by).await?;
    let event = Event::new("portal.end", "participant", participant_id)
        .for_participant(participant_id)
        .before(&ended);
    audit::record(tx, who, event).await?;
    Ok(())
}

/// The invitation a secret opens, if it still can: a link's token, or a code as typed.
pub async fn open_invitation(state: &AppState, secret: &str, kind: InvitationKind) -> Result<Invitation, AppError> {
    let stored = match kind {
        InvitationKind::Email => secret.trim().to_owned(),
        InvitationKind::Code => portal::normalise_code(secret),
    };
    let mut conn = state.db.conn().await?;
    let found = portal::invitation_by_secret(&mut conn, &stored).await?;
    found
        .filter(|i| i.is_open(onramp_store::now()) && i.kind == kind.as_str())
        .ok_or(AppError::NotFound)
}

/// What the participant sends to open the account.
#[derive(Debug, Clone, Default)]
pub struct Activation {
    pub password: String,
    pub password_again: String,
    pub accept_terms: bool,
    pub language: Option<Language>,
}

/// Opens the account from an open invitation and signs the participant in: returns the account
/// and the new session's cookie value.
pub async fn activate(
    state: &AppState,
    info: &RequestInfo,
    invitation: &Invitation,
    activation: &Activation,
) -> Result<(Account, String), AppError> {
    let mut errors = FieldErrors::new();
    let password = errors.check("password", NewPassword::parse(&activation.password));
    if password.is_some() && activation.password != activation.password_again {
        errors.add("password_again", "password-mismatch");
    }
    if !activation.accept_terms {
        errors.add("accept_terms", "terms-not-accepted");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password(activation.password.clone()).await?;
    let mut tx = state.db.begin().await?;
    let person = participants::get(&mut tx, invitation.participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let opening = Opening {
        invitation,
        display_name: &format!("{} {}", person.record.first_name, person.record.last_name),
        password_hash: &hash,
        language: activation.language.unwrap_or(person.record.language),
        terms_version: TERMS_VERSION,
    };
    let account = portal::open_account(&mut tx, &opening)
        .await
        .map_err(|error| match error {
            onramp_store::StoreError::NotFound => AppError::NotFound,
            other => other.into(),
        })?;
    let token = sessions::create(&mut tx, account.user_id, sessions::SignedInBy::Password).await?;
    let who = Who {
        user_id: Some(account.user_id),
        role: Some(onramp_domain::identity::Role::Participant),
        ..info.who(&account.sign_in)
    };
    // A new invitation is how a participant who lost their phone and recovery codes gets back in.
    if onramp_store::two_factor::remove(&mut tx, account.user_id).await? {
        audit::record(&mut tx, &who, Event::new("two_factor.reset", "user", account.user_id)).await?;
    }
    let event = Event::new("portal.open", "participant", account.participant_id)
        .for_participant(account.participant_id)
        .after(&account);
    audit::record(&mut tx, &who, event).await?;
    tx.commit().await?;
    Ok((account, token))
}
