//! Sign-in, sign-out and the language switch.

use super::form::{Form, FormData};
use super::layout::{Page, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
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
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// Only paths on this site: never `//host` or `https://...`, so sign-in cannot redirect elsewhere.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The anonymous anti-forgery token, from its cookie or new.
fn form_token(headers: &axum::http::HeaderMap) -> (String, bool) {
    match cookies::get(headers, cookies::FORM_TOKEN) {
        Some(token) if token.len() >= 32 => (token, false),
        _ => (onramp_store::tokens::random_token(32), true),
    }
}

fn login_page(
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
    let mut response = (
        status,
        render(&LoginTemplate {
            p,
            form,
            next: safe_next(next),
            failure,
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

pub async fn show(
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
        &info,
        &headers,
        Form::empty(),
        &next,
        None,
        StatusCode::OK,
        query.notice.as_deref(),
    )
}

pub async fn submit(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: axum::http::HeaderMap,
    data: FormData,
) -> Response {
    let next = data.get("next").to_owned();
    match service::auth::sign_in(&state, &info, data.get("email"), data.get("password")).await {
        Ok((user, token)) => {
            let cookie = cookies::set(cookies::SESSION, &token, None, info.secure_cookies);
            let language = cookies::set(
                cookies::LANGUAGE,
                user.language.as_str(),
                Some(31_536_000),
                info.secure_cookies,
            );
            let mut response = Redirect::to(&safe_next(&next)).into_response();
            for value in [cookie, language] {
                if let Ok(value) = value.parse() {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, info.language);
            login_page(
                &info,
                &headers,
                form,
                &next,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
        }
        Err(error @ (AppError::BadCredentials | AppError::Throttled)) => {
            let message = crate::i18n::text(info.language, &format!("problem-{}", error.code()));
            let form = Form::failed(&data, &Default::default(), info.language);
            login_page(&info, &headers, form, &next, Some(message), error.status(), None)
        }
        Err(error) => super::layout::PageError(error).into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, info: RequestInfo, ctx: Option<Ctx>) -> Response {
    if let Some(ctx) = ctx
        && let Err(error) = service::auth::sign_out(&state, &ctx).await
    {
        return super::layout::PageError(error).into_response();
    }
    let mut response = see_other("/login", "signed-out");
    if let Ok(value) = cookies::clear(cookies::SESSION, info.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Switches the interface language: for the account when signed in, in a cookie otherwise.
pub async fn set_language(
    State(state): State<AppState>,
    info: RequestInfo,
    ctx: Option<Ctx>,
    data: FormData,
) -> Response {
    let Ok(language) = Language::parse(data.get("language")) else {
        return super::layout::PageError(AppError::invalid("language", "invalid-choice")).into_response();
    };
    if let Some(ctx) = &ctx
        && let Err(error) =
            service::account::set_preferences(&state, ctx, &ctx.user.display_name, language.as_str()).await
    {
        return super::layout::PageError(error).into_response();
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
    response
}
