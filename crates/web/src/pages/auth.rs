//! Sign-in, sign-out and the language switch.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::service::auth::SignIn;
use crate::state::AppState;
use crate::{cookies, service};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use onramp_domain::identity::Language;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    p: Page,
    form: Form,
    next: String,
    /// A message about the attempt as a whole (wrong password, throttled).
    failure: Option<String>,
    /// Whether staff may sign in with a password here (`--password-sign-in`).
    password: bool,
    /// The single sign-on providers: short name and button label.
    providers: Vec<(String, String)>,
    /// After sign-out, the providers' own sign-out: label and address.
    provider_sign_outs: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// Only plain paths on this site, so sign-in and the language switch cannot send anyone elsewhere:
/// one leading `/`, then visible ASCII only (no control characters, which browsers drop, so that
/// `/\t/evil.example` would become `//evil.example`; no spaces, which a path sent here carries
/// percent-encoded), never `//` nor a backslash (which browsers read as `/`). Anything else is
/// the home page.
pub(super) fn safe_next(next: &str) -> String {
    let plain =
        next.starts_with('/') && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') && !next.contains("//");
    if plain { next.to_owned() } else { "/".to_owned() }
}

/// The anonymous anti-forgery token, from its cookie or new.
pub(super) fn form_token(headers: &axum::http::HeaderMap) -> (String, bool) {
    match cookies::get(headers, cookies::FORM_TOKEN) {
        Some(token) if token.len() >= 32 => (token, false),
        _ => (onramp_store::tokens::random_token(32), true),
    }
}

/// An anonymous page with the anti-forgery cookie set when it is new.
pub(super) fn anonymous(
    info: &RequestInfo,
    headers: &axum::http::HeaderMap,
    title: &str,
    status: StatusCode,
    html: impl Fn(Page) -> Response,
) -> Response {
    let (token, is_new) = form_token(headers);
    let mut response = (status, html(Page::anonymous(info.language, title, token.clone()))).into_response();
    if is_new && let Ok(value) = cookies::set(cookies::FORM_TOKEN, &token, None, info.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[allow(clippy::too_many_arguments)]
async fn login_page(
    state: &AppState,
    info: &RequestInfo,
    headers: &axum::http::HeaderMap,
    form: Form,
    next: &str,
    failure: Option<String>,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let (token, is_new) = form_token(headers);
    let p = Page::anonymous(info.language, "login-title", token.clone()).with_notice(notice);
    let mut provider_sign_outs = Vec::new();
    if notice == Some("signed-out") {
        for provider in &state.config.sso {
            if let Some(url) = provider.end_session_url().await {
                let label = p.t1("login-provider-sign-out", "name", provider.name());
                provider_sign_outs.push((label, url));
            }
        }
    }
    let providers = state.config.sso.iter();
    let providers = providers
        .map(|provider| (provider.key().to_owned(), p.t1("login-with", "name", provider.name())))
        .collect();
    let mut response = (
        status,
        render(&LoginTemplate {
            p,
            form,
            next: safe_next(next),
            failure,
            password: state.config.password_sign_in,
            providers,
            provider_sign_outs,
        }),
    )
        .into_response();
    if is_new {
        let cookie = cookies::set(cookies::FORM_TOKEN, &token, None, info.secure_cookies);
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// After a right password: where the code step is, with the cookie of the sign-in waiting for it.
pub(super) fn to_code_step(info: &RequestInfo, pending: &str) -> Response {
    let mut response = Redirect::to("/login/two-factor").into_response();
    let cookie = cookies::set(cookies::PENDING, pending, Some(300), info.secure_cookies);
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn show(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: axum::http::HeaderMap,
    ctx: Option<Ctx>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = query.next.unwrap_or_else(|| "/".into());
    if ctx.is_some() {
        return Redirect::to(&safe_next(&next)).into_response();
    }
    login_page(
        &state,
        &info,
        &headers,
        Form::empty(),
        &next,
        None,
        StatusCode::OK,
        query.notice.as_deref(),
    )
    .await
}

/// The answer to a successful sign-in, however it was made: the session and language cookies,
/// and on to `next`.
pub(super) fn signed_in(info: &RequestInfo, user: &onramp_store::users::User, token: &str, next: &str) -> Response {
    let cookie = cookies::set(cookies::SESSION, token, None, info.secure_cookies);
    let language = cookies::set(
        cookies::LANGUAGE,
        user.language.as_str(),
        Some(31_536_000),
        info.secure_cookies,
    );
    let mut response = Redirect::to(&safe_next(next)).into_response();
    for value in [cookie, language] {
        if let Ok(value) = value.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

pub async fn submit(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: axum::http::HeaderMap,
    data: FormData,
) -> PageResult {
    let next = data.get("next").to_owned();
    if !state.config.password_sign_in {
        // Staff sign in through the provider only; the page shows no password form.
        let message = crate::i18n::text(info.language, "error-password-sign-in-off");
        let form = Form::failed(&data, &Default::default(), info.language);
        let status = StatusCode::FORBIDDEN;
        return Ok(login_page(&state, &info, &headers, form, &next, Some(message), status, None).await);
    }
    let target = safe_next(&next);
    let signing_in = service::auth::sign_in(&state, &info, data.get("email"), data.get("password"), &target);
    match signing_in.await {
        Ok(SignIn::SecondFactor(pending)) => Ok(to_code_step(&info, &pending)),
        Ok(SignIn::Done(user, token)) => Ok(signed_in(&info, &user, &token, &next)),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, info.language);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(login_page(&state, &info, &headers, form, &next, None, status, None).await)
        }
        Err(error @ (AppError::BadCredentials | AppError::Throttled)) => {
            let message = crate::i18n::text(info.language, &format!("problem-{}", error.code()));
            let form = Form::failed(&data, &Default::default(), info.language);
            let status = error.status();
            let mut response = login_page(&state, &info, &headers, form, &next, Some(message), status, None).await;
            if matches!(error, AppError::Throttled) {
                crate::error::set_retry_after(&mut response);
            }
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn logout(State(state): State<AppState>, info: RequestInfo, ctx: Option<Ctx>) -> PageResult {
    let participant = ctx.as_ref().is_some_and(|c| !c.user.role.is_staff());
    if let Some(ctx) = ctx {
        service::auth::sign_out(&state, &ctx).await?;
    }
    let page = if participant { "/portal/sign-in" } else { "/login" };
    let mut response = see_other(page, "signed-out");
    if let Ok(value) = cookies::clear(cookies::SESSION, info.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Switches the interface language: for the account when signed in, in a cookie otherwise.
pub async fn set_language(
    State(state): State<AppState>,
    info: RequestInfo,
    ctx: Option<Ctx>,
    data: FormData,
) -> PageResult {
    let language =
        Language::parse(data.get("language")).map_err(|_| AppError::invalid("language", "invalid-choice"))?;
    if let Some(ctx) = &ctx {
        service::account::set_preferences(&state, ctx, &ctx.user.display_name, language.as_str()).await?;
    }
    let back = safe_next(data.get("next"));
    let mut response = Redirect::to(&back).into_response();
    let cookie = cookies::set(
        cookies::LANGUAGE,
        language.as_str(),
        Some(31_536_000),
        info.secure_cookies,
    );
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_plain_path_on_this_site() {
        for kept in [
            "/",
            "/caseload",
            "/participants/0190?notice=saved",
            "/login?next=%2Forganisations",
        ] {
            assert_eq!(safe_next(kept), kept);
        }
        for refused in [
            "",
            "caseload",
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/\\evil.example",
            "/\\/evil.example",
            "/a//b",
            "/ /evil.example",
            "/\u{7f}/evil.example",
            "/é",
            "https://evil.example/",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(refused), "/", "{refused:?}");
        }
    }
}
