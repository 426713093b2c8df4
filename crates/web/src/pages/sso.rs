//! Signing staff in through an OpenID Connect provider: the button's form sends the browser to
//! the provider, which sends it back to the callback (docs/security.md "Single sign-on").

use super::auth::{safe_next, signed_in};
use super::form::FormData;
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::cookies;
use crate::identity::{PageCtx, RequestInfo};
use crate::service::sso::{self, Callback, Failure};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};

#[derive(Template)]
#[template(path = "sso_failed.html")]
struct FailedTemplate {
    p: Page,
    message: String,
}

/// The page of a refused sign-in: what went wrong, in words, and the way back to sign-in.
fn failed(info: &RequestInfo, failure: Failure) -> PageResult {
    let status = match failure {
        Failure::NoProvider => StatusCode::NOT_FOUND,
        Failure::Throttled | Failure::TooMany => StatusCode::TOO_MANY_REQUESTS,
        Failure::Invalid => StatusCode::BAD_REQUEST,
        Failure::NoAccount | Failure::Unverified => StatusCode::FORBIDDEN,
        Failure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Failure::Internal(error) => return Err(error.into()),
    };
    let code = failure.code();
    let p = Page::anonymous(info.language, "sso-failed-title", String::new());
    let message = p.t(&format!("sso-failed-{code}"));
    let mut response = (status, render(&FailedTemplate { p, message })).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        crate::error::set_retry_after(&mut response);
    }
    Ok(response)
}

/// The sign-in button: to the provider, with a new `state`, `nonce` and PKCE challenge.
pub async fn start(
    State(state): State<AppState>,
    info: RequestInfo,
    Path(provider): Path<String>,
    data: FormData,
) -> PageResult {
    let next = safe_next(data.get("next"));
    match sso::begin(&state, &info, &provider, &next).await {
        Ok((url, secret)) => {
            let mut response = Redirect::to(&url).into_response();
            let cookie = cookies::set(cookies::SSO_STATE, &secret, Some(600), info.secure_cookies);
            if let Ok(value) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(failure) => failed(&info, failure),
    }
}

/// Where the provider sends the browser back.
pub async fn callback(
    State(state): State<AppState>,
    info: RequestInfo,
    Path(provider): Path<String>,
    headers: HeaderMap,
    Query(mut query): Query<Callback>,
) -> PageResult {
    query.browser_state = cookies::get(&headers, cookies::SSO_STATE);
    // This browser's sign-in is over (its state spent) only when the answer is for it: a forged
    // or foreign answer leaves the sign-in it has under way alone.
    let finished = query.is_for_this_browser();
    let mut response = match sso::complete(&state, &info, &provider, &query).await {
        Ok((user, token, next)) => signed_in(&info, &user, &token, &next),
        Err(failure) => failed(&info, failure)?,
    };
    if finished && let Ok(value) = cookies::clear(cookies::SSO_STATE, info.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// An administrator unbinds an account from a provider (the user's page).
pub async fn unbind(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, provider)): Path<(String, String)>,
) -> PageResult {
    let id = path_id(&id)?;
    sso::unbind(&state, &ctx, id, &provider).await?;
    Ok(see_other(&format!("/users/{id}"), "identity-unbound"))
}
