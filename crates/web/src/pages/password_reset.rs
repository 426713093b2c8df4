//! Password reset by e-mail (docs/security.md): asking for a link, and setting a new password
//! with it.

use super::auth::anonymous;
use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::RequestInfo;
use crate::service::password_reset as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotTemplate {
    p: Page,
    form: Form,
    /// False when this deployment cannot mail links (no public URL or no mail server).
    available: bool,
    /// The request was taken: the same words whether or not the address has an account.
    sent: bool,
    failure: Option<String>,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetTemplate {
    p: Page,
    form: Form,
    action: String,
}

fn forgot_page(
    state: &AppState,
    info: &RequestInfo,
    headers: &HeaderMap,
    form: Form,
    outcome: (bool, Option<String>),
    status: StatusCode,
) -> Response {
    let available = service::available(state);
    anonymous(info, headers, "reset-title", status, |p| {
        render(&ForgotTemplate {
            p,
            form: form.clone(),
            available,
            sent: outcome.0,
            failure: outcome.1.clone(),
        })
    })
}

/// `/login/forgot`
pub async fn forgot_form(State(state): State<AppState>, info: RequestInfo, headers: HeaderMap) -> Response {
    forgot_page(&state, &info, &headers, Form::empty(), (false, None), StatusCode::OK)
}

pub async fn forgot_submit(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    data: FormData,
) -> PageResult {
    match service::request(&state, &info, data.get("email")).await {
        Ok(()) => Ok(forgot_page(
            &state,
            &info,
            &headers,
            Form::empty(),
            (true, None),
            StatusCode::OK,
        )),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, info.language);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(forgot_page(&state, &info, &headers, form, (false, None), status))
        }
        Err(AppError::Throttled) => {
            let message = crate::i18n::text(info.language, "reset-throttled");
            let status = StatusCode::TOO_MANY_REQUESTS;
            let mut response = forgot_page(&state, &info, &headers, Form::empty(), (false, Some(message)), status);
            crate::error::set_retry_after(&mut response);
            Ok(response)
        }
        Err(AppError::NotOffered(_)) => Ok(forgot_form(State(state), info, headers).await),
        Err(error) => Err(error.into()),
    }
}

fn reset_page(info: &RequestInfo, headers: &HeaderMap, token: &str, form: Form) -> Response {
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let action = format!("/password-reset/{token}");
    anonymous(info, headers, "reset-new-title", status, |p| {
        render(&ResetTemplate {
            p,
            form: form.clone(),
            action: action.clone(),
        })
    })
}

/// `/password-reset/{token}`: the mailed link. An unknown, used or expired link is 404.
pub async fn reset_form(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    if !service::is_valid(&state, &token).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(reset_page(&info, &headers, &token, Form::empty()))
}

pub async fn reset_submit(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    Path(token): Path<String>,
    data: FormData,
) -> PageResult {
    let done = service::complete(
        &state,
        &info,
        &token,
        data.get("new_password"),
        data.get("confirm_password"),
    );
    match done.await {
        Ok(()) => Ok(see_other("/login", "password-reset-done")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&FormData::new(Vec::new()), &errors, info.language);
            Ok(reset_page(&info, &headers, &token, form))
        }
        Err(error) => Err(error.into()),
    }
}
