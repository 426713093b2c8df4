//! Two-factor authentication (docs/security.md): setting it up and turning it off on the account,
//! and the code step of signing in.

use super::auth::{anonymous, safe_next};
use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{PageCtx, PortalCtx, RequestInfo};
use crate::service::two_factor::{self as service, Status};
use crate::state::AppState;
use crate::{cookies, i18n};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Where the setup is shown: the staff's account, or the participant's portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Account,
    Portal,
}

impl Place {
    fn base(self) -> &'static str {
        match self {
            Place::Account => "/account/two-factor",
            Place::Portal => "/portal/two-factor",
        }
    }
}

/// What the setup shows, in either layout.
struct View {
    status: Status,
    /// The QR code of the setup under way, as inline SVG.
    qr: Option<String>,
    form: Form,
    /// Recovery codes just made: shown this once.
    recovery_codes: Vec<String>,
    /// Where its forms go.
    base: &'static str,
    portal: bool,
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct SetupTemplate {
    p: Page,
    v: View,
}

#[derive(Template)]
#[template(path = "portal_two_factor.html")]
struct PortalSetupTemplate {
    p: Page,
    v: View,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

async fn setup_page(
    state: &AppState,
    ctx: &crate::Ctx,
    place: Place,
    form: Form,
    recovery_codes: Vec<String>,
    notice: Option<&str>,
) -> PageResult {
    let status = service::status(state, ctx).await?;
    let p = match place {
        Place::Account => Page::new(ctx, "two-factor-title", "account"),
        Place::Portal => Page::new(ctx, "two-factor-title", "portal-two-factor"),
    }
    .with_notice(notice);
    let qr = match &status.setting_up {
        Some(setup) => Some(setup.qr_svg(&p.t("two-factor-qr-alt"))?),
        None => None,
    };
    let code = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let v = View {
        status,
        qr,
        form,
        recovery_codes,
        base: place.base(),
        portal: place == Place::Portal,
    };
    let html = match place {
        Place::Account => render(&SetupTemplate { p, v }),
        Place::Portal => render(&PortalSetupTemplate { p, v }),
    };
    Ok((code, html).into_response())
}

/// The form's errors, without echoing a code or password.
fn failed(errors: &onramp_domain::FieldErrors, ctx: &crate::Ctx) -> Form {
    Form::failed(&FormData::new(Vec::new()), errors, ctx.language)
}

async fn start_in(state: &AppState, ctx: &crate::Ctx, place: Place) -> PageResult {
    match service::start(state, ctx).await {
        Ok(_) => Ok(Redirect::to(place.base()).into_response()),
        Err(AppError::Invalid(errors)) => setup_page(state, ctx, place, failed(&errors, ctx), Vec::new(), None).await,
        Err(error) => Err(error.into()),
    }
}

async fn confirm_in(state: &AppState, ctx: &crate::Ctx, place: Place, data: &FormData) -> PageResult {
    match service::confirm(state, ctx, data.get("code")).await {
        Ok(codes) => setup_page(state, ctx, place, Form::empty(), codes, None).await,
        Err(AppError::Invalid(errors)) => setup_page(state, ctx, place, failed(&errors, ctx), Vec::new(), None).await,
        Err(error) => Err(error.into()),
    }
}

async fn disable_in(state: &AppState, ctx: &crate::Ctx, place: Place, data: &FormData) -> PageResult {
    match service::disable(state, ctx, data.get("code"), data.get("password")).await {
        Ok(()) => Ok(see_other(place.base(), "two-factor-off")),
        Err(AppError::Invalid(errors)) => setup_page(state, ctx, place, failed(&errors, ctx), Vec::new(), None).await,
        Err(error) => Err(error.into()),
    }
}

/// `/account/two-factor`
pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<Notice>) -> PageResult {
    setup_page(
        &state,
        &ctx,
        Place::Account,
        Form::empty(),
        Vec::new(),
        q.notice.as_deref(),
    )
    .await
}

pub async fn start(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    start_in(&state, &ctx, Place::Account).await
}

pub async fn confirm(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    confirm_in(&state, &ctx, Place::Account, &data).await
}

pub async fn disable(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    disable_in(&state, &ctx, Place::Account, &data).await
}

/// `/portal/two-factor`: a participant turns it on for themselves (docs/portal.md).
pub async fn portal_show(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Query(q): Query<Notice>,
) -> PageResult {
    setup_page(
        &state,
        &ctx,
        Place::Portal,
        Form::empty(),
        Vec::new(),
        q.notice.as_deref(),
    )
    .await
}

pub async fn portal_start(State(state): State<AppState>, PortalCtx(ctx): PortalCtx) -> PageResult {
    start_in(&state, &ctx, Place::Portal).await
}

pub async fn portal_confirm(State(state): State<AppState>, PortalCtx(ctx): PortalCtx, data: FormData) -> PageResult {
    confirm_in(&state, &ctx, Place::Portal, &data).await
}

pub async fn portal_disable(State(state): State<AppState>, PortalCtx(ctx): PortalCtx, data: FormData) -> PageResult {
    disable_in(&state, &ctx, Place::Portal, &data).await
}

#[derive(Template)]
#[template(path = "two_factor_sign_in.html")]
struct CodeTemplate {
    p: Page,
    form: Form,
    failure: Option<String>,
}

fn code_page(
    info: &RequestInfo,
    headers: &HeaderMap,
    form: Form,
    failure: Option<String>,
    status: StatusCode,
) -> Response {
    anonymous(info, headers, "two-factor-sign-in-title", status, |p| {
        render(&CodeTemplate {
            p,
            form: form.clone(),
            failure: failure.clone(),
        })
    })
}

/// `/login/two-factor`: without a sign-in waiting for a code, back to the sign-in page.
pub async fn code_form(State(state): State<AppState>, info: RequestInfo, headers: HeaderMap) -> PageResult {
    let Some(pending) = cookies::get(&headers, cookies::PENDING) else {
        return Ok(see_other("/login", "two-factor-expired"));
    };
    let mut conn = state.db.conn().await.map_err(AppError::from)?;
    if onramp_store::two_factor::find_pending(&mut conn, &pending)
        .await
        .map_err(AppError::from)?
        .is_none()
    {
        return Ok(see_other("/login", "two-factor-expired"));
    }
    Ok(code_page(&info, &headers, Form::empty(), None, StatusCode::OK))
}

pub async fn code_submit(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    data: FormData,
) -> PageResult {
    let pending = cookies::get(&headers, cookies::PENDING).unwrap_or_default();
    match crate::service::auth::second_factor(&state, &info, &pending, data.get("code")).await {
        Ok((user, token, next)) => {
            // A staff member who signed in on the portal's page goes to the staff's pages.
            let next = if user.role.is_staff() && next.starts_with("/portal") {
                "/".to_owned()
            } else {
                safe_next(&next)
            };
            let mut response = Redirect::to(&next).into_response();
            let set = [
                cookies::set(cookies::SESSION, &token, None, info.secure_cookies),
                cookies::set(
                    cookies::LANGUAGE,
                    user.language.as_str(),
                    Some(31_536_000),
                    info.secure_cookies,
                ),
                cookies::clear(cookies::PENDING, info.secure_cookies),
            ];
            for value in set {
                if let Ok(value) = value.parse() {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            Ok(response)
        }
        Err(AppError::Unauthenticated) => Ok(see_other("/login", "two-factor-expired")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&FormData::new(Vec::new()), &errors, info.language);
            Ok(code_page(&info, &headers, form, None, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(AppError::Throttled) => {
            let message = i18n::text(info.language, "problem-throttled");
            let mut response = code_page(
                &info,
                &headers,
                Form::empty(),
                Some(message),
                StatusCode::TOO_MANY_REQUESTS,
            );
            crate::error::set_retry_after(&mut response);
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}
