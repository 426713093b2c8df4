//! Who is asking: resolves the session cookie or API token of each request
//! once, in a middleware, and offers the result to handlers as extractors.

use crate::cookies;
use crate::error::AppError;
use crate::state::AppState;
use crate::touch::{self, Touch};
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use onramp_domain::identity::Language;
use onramp_domain::policy::Actor;
use onramp_store::audit::Who;
use onramp_store::users::User;
use onramp_store::{sessions, tokens, users};
use std::net::SocketAddr;

/// A signed-in user and what the policy needs to know of them.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: User,
    pub actor: Actor,
    pub who: Who,
    pub language: Language,
    /// The session's anti-forgery token; `None` when signed in with an API token.
    pub csrf: Option<String>,
    /// The session cookie value, to end this session on sign-out.
    pub session_token: Option<String>,
    /// The session was opened by single sign-on (the provider asks its own second factor).
    pub by_single_sign_on: bool,
}

impl Ctx {
    /// The command line acts as a system administrator: whoever runs `onramp`
    /// on the server already holds the database. Its changes are audited as `cli`.
    pub fn system() -> Ctx {
        let at = onramp_store::now();
        let user = User {
            id: uuid::Uuid::nil(),
            email: "cli".into(),
            display_name: "onramp command line".into(),
            role: onramp_domain::identity::Role::Administrator,
            language: Language::En,
            active: true,
            organisations: Vec::new(),
            regions: Vec::new(),
            created_at: at,
            updated_at: at,
        };
        let actor = Actor {
            user_id: user.id,
            role: user.role,
            organisations: Vec::new(),
            regions: Vec::new(),
        };
        Ctx {
            user,
            actor,
            who: Who::cli(),
            language: Language::En,
            csrf: None,
            session_token: None,
            by_single_sign_on: false,
        }
    }
}

/// Facts about every request, signed in or not.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub language: Language,
    pub address: String,
    pub request_id: Option<String>,
    /// Path and query, to come back to after sign-in.
    pub path: String,
    pub secure_cookies: bool,
    /// What the request signs in with, as sent (valid or not).
    pub credential: Credential,
}

/// What a request signs in with. A bearer token goes first: a request sending one is judged by
/// it alone, whatever cookie comes along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    None,
    /// The session cookie, which a browser sends along whichever site made the request.
    SessionCookie,
    /// `Authorization: Bearer`, which only the holder of the token sends.
    BearerToken,
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

impl RequestInfo {
    pub fn who(&self, label: &str) -> Who {
        Who {
            user_id: None,
            label: label.to_owned(),
            address: Some(self.address.clone()),
            request_id: self.request_id.clone(),
            ..Who::default()
        }
    }
}

pub async fn load(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let info = request_info(&state, &request);
    let ctx = match resolve(&state, request.headers(), &info).await {
        Ok(ctx) => ctx,
        Err(error) => return error.into_response(),
    };
    request.extensions_mut().insert(info);
    if let Some(ctx) = ctx {
        request.extensions_mut().insert(ctx);
    }
    next.run(request).await
}

fn request_info(state: &AppState, request: &Request) -> RequestInfo {
    let headers = request.headers();
    let language = cookies::get(headers, cookies::LANGUAGE)
        .and_then(|value| Language::parse(&value).ok())
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or(Language::Nl);
    // The client as the connection's peer says, or a trusted proxy in front (docs/security.md).
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| crate::proxy::client(info.0.ip(), headers, &state.config.trusted_proxies));
    let address = client
        .as_ref()
        .map(|c| c.address.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    tracing::Span::current().record("client", address.as_str());
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let behind_tls = client.is_some_and(|c| c.behind_tls);
    let credential = if bearer(headers).is_some() {
        Credential::BearerToken
    } else if cookies::get(headers, cookies::SESSION).is_some() {
        Credential::SessionCookie
    } else {
        Credential::None
    };
    RequestInfo {
        credential,
        language,
        address,
        request_id,
        path: request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into()),
        secure_cookies: state.config.cookie_secure || behind_tls,
    }
}

async fn resolve(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    info: &RequestInfo,
) -> Result<Option<Ctx>, AppError> {
    if let Some(secret) = bearer(headers) {
        let mut conn = state.db.conn().await?;
        let Some((user_id, last_used_at)) = tokens::find_user(&mut conn, secret).await? else {
            return Ok(None);
        };
        let user = users::get(&mut conn, user_id).await?;
        drop(conn);
        if touch::due(last_used_at) {
            touch::later(state, Touch::Token(secret.to_owned()));
        }
        return Ok(user.map(|user| ctx_for(user, info, None, None)));
    }
    let Some(token) = cookies::get(headers, cookies::SESSION) else {
        return Ok(None);
    };
    let mut conn = state.db.conn().await?;
    let Some(session) = sessions::find(&mut conn, &token).await? else {
        return Ok(None);
    };
    let Some(user) = users::get(&mut conn, session.user_id).await? else {
        return Ok(None);
    };
    drop(conn);
    if session.last_seen_at <= onramp_store::now() - sessions::idle_timeout(user.role) {
        return Ok(None);
    }
    if touch::due(Some(session.last_seen_at)) {
        touch::later(state, Touch::Session(token.clone()));
    }
    let by_single_sign_on = session.signed_in_by() == sessions::SignedInBy::SingleSignOn;
    let ctx = ctx_for(user, info, Some(session.csrf_token), Some(token));
    Ok(Some(Ctx {
        by_single_sign_on,
        ..ctx
    }))
}

fn ctx_for(user: User, info: &RequestInfo, csrf: Option<String>, session_token: Option<String>) -> Ctx {
    let actor = user.actor();
    let who = Who {
        user_id: Some(user.id),
        label: user.email.clone(),
        address: Some(info.address.clone()),
        request_id: info.request_id.clone(),
        role: Some(actor.role),
        organisations: actor.organisations.clone(),
    };
    Ctx {
        language: user.language,
        user,
        actor,
        who,
        csrf,
        session_token,
        by_single_sign_on: false,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestInfo {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestInfo>()
            .cloned()
            .ok_or(AppError::internal("request info missing"))
    }
}

/// A signed-in user on a page; anyone else is sent to the sign-in page.
pub struct PageCtx(pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Ctx>() {
            Some(ctx) => Ok(PageCtx(ctx.clone())),
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!("/login?next={}", urlencode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A signed-in user on a portal page; anyone else is sent to the portal's sign-in, which brings
/// them back. (A staff account passes here and finds nothing: the portal's service answers 404.)
pub struct PortalCtx(pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for PortalCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Ctx>() {
            Some(ctx) => Ok(PortalCtx(ctx.clone())),
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/portal");
                let target = format!("/portal/sign-in?next={}", urlencode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s[2..].to_owned())
        .unwrap_or_default()
}
