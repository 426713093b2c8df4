//! Signing staff in through an OpenID Connect provider (docs/security.md "Single sign-on").
//! Only to an account an administrator created: matched by the provider's subject, or the first
//! time by the provider's verified e-mail address, then bound to that subject. Roles and scopes
//! stay in onramp.

use super::require;
use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::sso::{Identity, Provider, SsoError};
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event};
use onramp_store::identities::{self, Pending};
use onramp_store::sessions::SignedInBy;
use onramp_store::tokens::random_token;
use onramp_store::users::{self, User};
use onramp_store::{Tx, throttle};
use serde_json::json;
use uuid::Uuid;

/// Why a sign-in through a provider was refused; each has its page (`sso-failed-<code>`).
#[derive(Debug)]
pub enum Failure {
    /// 404: no provider of that name.
    NoProvider,
    /// 429: too many failed sign-ins from this address.
    Throttled,
    /// 429: too many sign-ins under way (started, not back) from this address, or in all.
    TooMany,
    /// 400: what came back does not belong to a sign-in started here: missing, unknown, used or
    /// expired `state`, a `nonce` or code that does not check out, or the provider's own refusal.
    Invalid,
    /// 403: the provider vouched for someone who has no account here.
    NoAccount,
    /// 403: the provider's e-mail address is not verified, and no account is bound to them yet.
    Unverified,
    /// 503: the provider could not be reached.
    Unavailable,
    Internal(AppError),
}

impl Failure {
    pub fn code(&self) -> &'static str {
        match self {
            Failure::NoProvider => "no-provider",
            Failure::Throttled => "throttled",
            Failure::TooMany => "too-many",
            Failure::Invalid => "invalid",
            Failure::NoAccount => "no-account",
            Failure::Unverified => "unverified",
            Failure::Unavailable => "unavailable",
            Failure::Internal(_) => "internal",
        }
    }
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        Failure::Internal(error)
    }
}

impl From<onramp_store::StoreError> for Failure {
    fn from(error: onramp_store::StoreError) -> Self {
        Failure::Internal(error.into())
    }
}

fn provider<'a>(state: &'a AppState, key: &str) -> Result<&'a Provider, Failure> {
    state.config.sso_provider(key).ok_or(Failure::NoProvider)
}

/// Starts a sign-in: keeps its `state`, `nonce` and PKCE verifier (only the state's hash) and
/// returns the provider's address to send the browser to, and the state for the browser's cookie.
/// Anyone may start one, so their number is bounded (`identities::MAX_PENDING_PER_ADDRESS`); a
/// refusal is not audited, which would only move the flood into the audit log.
pub async fn begin(state: &AppState, info: &RequestInfo, key: &str, next: &str) -> Result<(String, String), Failure> {
    let provider = provider(state, key)?;
    let pending = Pending {
        provider: key.to_owned(),
        nonce: random_token(32),
        pkce_verifier: random_token(48),
        next_path: next.to_owned(),
    };
    let secret = random_token(32);
    let url = provider
        .authorize_url(&secret, &pending.nonce, &pending.pkce_verifier)
        .await
        .map_err(|error| unavailable(provider, &error))?;
    let mut tx = state.db.begin().await?;
    if !identities::start(&mut tx, &secret, &info.address, &pending).await? {
        drop(tx);
        tracing::warn!(address = info.address, "too many single sign-ons under way; refused");
        crate::metrics::sign_in("throttled");
        return Err(Failure::TooMany);
    }
    tx.commit().await?;
    Ok((url, secret))
}

fn unavailable(provider: &Provider, error: &SsoError) -> Failure {
    tracing::warn!(issuer = provider.issuer(), %error, "single sign-on failed");
    match error {
        SsoError::Unavailable(_) => Failure::Unavailable,
        SsoError::Refused(_) => Failure::Invalid,
    }
}

/// What the provider sends the browser back with.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Callback {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    /// The state this browser's cookie holds (not from the query).
    #[serde(skip)]
    pub browser_state: Option<String>,
}

impl Callback {
    /// Whether the answer is for the sign-in this browser started (its cookie holds the state).
    pub fn is_for_this_browser(&self) -> bool {
        self.browser_state.is_some() && self.browser_state == self.state
    }
}

/// Finishes a sign-in the provider sent back: the state taken (single use), the code exchanged,
/// the ID token verified, the account found (and bound the first time), the session started.
/// Returns the user, the session cookie's value and where to go next.
pub async fn complete(
    state: &AppState,
    info: &RequestInfo,
    key: &str,
    callback: &Callback,
) -> Result<(User, String, String), Failure> {
    let provider = provider(state, key)?;
    let label = format!("sso:{key}");
    let mut conn = state.db.conn().await?;
    if throttle::is_address_blocked(&mut conn, &info.address).await? {
        drop(conn);
        let mut tx = state.db.begin().await?;
        audit::record(
            &mut tx,
            &info.who(&label),
            Event::new("login.throttled", "user", &label),
        )
        .await?;
        tx.commit().await?;
        crate::metrics::sign_in("throttled");
        return Err(Failure::Throttled);
    }
    drop(conn);
    let mut tx = state.db.begin().await?;
    let pending = match callback.state.as_deref() {
        Some(secret) if !secret.is_empty() => identities::take(&mut tx, secret).await?,
        _ => None,
    };
    // The state is spent whatever happens next.
    tx.commit().await?;
    let same_browser = callback.is_for_this_browser();
    let outcome = match pending.filter(|p| p.provider == key) {
        None => Err((Failure::Invalid, "state")),
        Some(_) if !same_browser => Err((Failure::Invalid, "state-of-another-browser")),
        Some(_) if callback.error.is_some() => Err((Failure::Invalid, "provider-error")),
        Some(pending) => match callback.code.as_deref().filter(|c| !c.is_empty()) {
            None => Err((Failure::Invalid, "code")),
            Some(code) => match provider.verify(code, &pending.pkce_verifier, &pending.nonce).await {
                Ok(identity) => Ok((identity, pending.next_path)),
                Err(error) => Err((unavailable(provider, &error), "id-token")),
            },
        },
    };
    let (identity, next) = match outcome {
        Ok(found) => found,
        Err((failure, reason)) => return Err(refuse(state, info, &label, failure, reason, None).await),
    };
    let mut tx = state.db.begin().await?;
    let user = match account_for(&mut tx, provider, &identity).await? {
        Ok(user) => user,
        Err((failure, account)) => {
            drop(tx);
            let reason = failure.code();
            return Err(refuse(state, info, &label, failure, reason, account).await);
        }
    };
    let who = info.who(&user.email);
    let event = Event::new("login.success", "user", user.id).after(&json!({"method": "oidc", "provider": key}));
    let token = super::auth::start_session(&mut tx, &user, who, event, SignedInBy::SingleSignOn).await?;
    tx.commit().await?;
    crate::metrics::sign_in("success");
    Ok((user, token, next))
}

/// The account the identity signs in to: the one bound to its subject, or the first time the
/// active staff account of its verified e-mail address that is bound to nobody at this issuer
/// yet, which is bound now (audited). A refusal names the account the identity points at, if any.
async fn account_for(
    tx: &mut Tx,
    provider: &Provider,
    identity: &Identity,
) -> Result<Result<User, (Failure, Option<Uuid>)>, AppError> {
    let usable = |user: &User| user.active && user.role.is_staff();
    if let Some(id) = identities::bound_user(tx, provider.issuer(), &identity.subject).await? {
        let user = users::get(tx, id).await?.filter(usable);
        return Ok(user.ok_or((Failure::NoAccount, Some(id))));
    }
    let email = identity.email.as_deref().filter(|_| identity.email_verified);
    let Some(email) = email else {
        return Ok(Err((Failure::Unverified, None)));
    };
    let user = match users::find_by_email(tx, email).await? {
        Some(user) if usable(&user) => user,
        other => return Ok(Err((Failure::NoAccount, other.map(|u| u.id)))),
    };
    if identities::is_bound(tx, user.id, provider.issuer()).await? {
        // Bound to someone else at this provider: an e-mail address does not move an account.
        return Ok(Err((Failure::NoAccount, Some(user.id))));
    }
    identities::bind(tx, user.id, provider.issuer(), &identity.subject).await?;
    let who = audit::Who {
        user_id: Some(user.id),
        label: user.email.clone(),
        ..audit::Who::default()
    };
    let bound = json!({"issuer": provider.issuer(), "subject": identity.subject});
    audit::record(
        tx,
        &who,
        Event::new("user.identity_bound", "user", user.id).after(&bound),
    )
    .await?;
    Ok(Ok(user))
}

/// Records a refused sign-in (audit and throttle alike) and gives the failure back. The audit
/// entry names the `account` the provider's identity points at, if any, and keeps nothing of an
/// identity that matches no account (data minimisation: strangers are none of onramp's business).
async fn refuse(
    state: &AppState,
    info: &RequestInfo,
    label: &str,
    failure: Failure,
    reason: &str,
    account: Option<Uuid>,
) -> Failure {
    let detail = json!({"method": "oidc", "reason": reason});
    // A provider out of reach, or a person who cancelled at the provider, is no attempt to guess
    // anything: it is not counted against the address (which password sign-in shares).
    let counts = !matches!(failure, Failure::Unavailable) && reason != "provider-error";
    let recorded = async {
        let mut tx = state.db.begin().await?;
        if counts {
            throttle::record(&mut tx, label, &info.address, false).await?;
        }
        let event = Event::new(
            "login.failure",
            "user",
            account.map_or(label.to_owned(), |id| id.to_string()),
        );
        let who = audit::Who {
            user_id: account,
            ..info.who(label)
        };
        audit::record(&mut tx, &who, event.after(&detail)).await?;
        tx.commit().await?;
        Ok::<(), AppError>(())
    };
    if let Err(error) = recorded.await {
        return Failure::Internal(error);
    }
    crate::metrics::sign_in("failure");
    failure
}

/// The providers, and for each whether the account is bound to someone there.
pub async fn bindings(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Vec<(String, String, bool)>, AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    let mut conn = state.db.conn().await?;
    let mut found = Vec::new();
    for provider in &state.config.sso {
        let bound = identities::is_bound(&mut conn, id, provider.issuer()).await?;
        found.push((provider.key().to_owned(), provider.name().to_owned(), bound));
    }
    Ok(found)
}

/// Unbinds a staff account from a provider (an administrator's act, audited): its next sign-in
/// there is matched by verified e-mail address again.
pub async fn unbind(state: &AppState, ctx: &Ctx, id: Uuid, key: &str) -> Result<(), AppError> {
    require(&ctx.actor, Action::ManageUsers)?;
    let provider = state.config.sso_provider(key).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    users::get(&mut tx, id)
        .await?
        .filter(|u| u.role.is_staff())
        .ok_or(AppError::NotFound)?;
    if identities::unbind(&mut tx, id, provider.issuer()).await? {
        let detail = json!({"issuer": provider.issuer()});
        audit::record(
            &mut tx,
            &ctx.who,
            Event::new("user.identity_unbound", "user", id).before(&detail),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
