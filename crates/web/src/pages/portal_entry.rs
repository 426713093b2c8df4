//! Getting into the portal (docs/portal.md): signing in, and opening the account from an invitation,
//! by the e-mailed link or with the printed code.

use super::auth::{form_token, safe_next, to_code_step};
use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render};
use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::service::portal_access::{self as service, Activation};
use crate::state::AppState;
use crate::{cookies, i18n};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use onramp_store::portal::{Invitation, InvitationKind};
use serde::Deserialize;

/// A page for someone not signed in, with the anonymous anti-forgery token; `true` when the
/// token is new and its cookie must be set.
pub(super) fn anonymous_page(info: &RequestInfo, headers: &HeaderMap, title: &str) -> (Page, bool) {
    let (token, is_new) = form_token(headers);
    (Page::anonymous(info.language, title, token), is_new)
}

/// Renders an anonymous page, setting the anti-forgery cookie when it is new.
fn anonymous_response(info: &RequestInfo, csrf: &str, is_new: bool, status: StatusCode, html: Response) -> Response {
    let mut response = (status, html).into_response();
    if is_new {
        let cookie = cookies::set(cookies::FORM_TOKEN, csrf, None, info.secure_cookies);
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Template)]
#[template(path = "portal_sign_in.html")]
struct SignInTemplate {
    p: Page,
    form: Form,
    next: String,
    failure: Option<String>,
    /// A form sent after the session ended, kept through the sign-in.
    kept: Option<Kept>,
}

/// A portal form sent after its session ended (docs/portal.md): where it was going and what was
/// in it (never a password nor the old anti-forgery token), carried through the sign-in as hidden
/// fields `keep.<name>` and sent on once the person is signed in again.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Kept {
    /// The form of a request to `path`, when it is a portal form that a sign-in can resume.
    pub fn of_request(path: &str, pairs: &[(String, String)]) -> Option<Kept> {
        let entry = ["/portal/sign-in", "/portal/start", "/portal/invitation/"];
        if !path.starts_with("/portal/") || entry.iter().any(|e| path.starts_with(e)) || path.contains("//") {
            return None;
        }
        let fields = pairs
            .iter()
            .filter(|(k, _)| k != "csrf" && !k.contains("password"))
            .cloned()
            .collect();
        Some(Kept {
            action: path.to_owned(),
            fields,
        })
    }

    /// The kept form as the sign-in form sent it back.
    fn of_sign_in(data: &FormData) -> Option<Kept> {
        let fields = data
            .pairs()
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("keep.")?.to_owned(), v.clone())))
            .collect::<Vec<_>>();
        Kept::of_request(data.get("resume_action"), &fields)
    }
}

/// The sign-in page in answer to a portal form sent after its session ended: what was filled in
/// waits in the page, to be sent once the person has signed in again.
pub fn resume_sign_in(info: &RequestInfo, headers: &HeaderMap, kept: Kept) -> Response {
    sign_in_page(
        info,
        headers,
        SignInState {
            kept: Some(kept),
            status: StatusCode::UNAUTHORIZED,
            ..SignInState::default()
        },
    )
}

#[derive(Template)]
#[template(path = "portal_resume.html")]
struct ResumeTemplate {
    p: Page,
    kept: Kept,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// What the sign-in page shows besides its fields.
struct SignInState<'a> {
    form: Form,
    next: &'a str,
    failure: Option<String>,
    status: StatusCode,
    notice: Option<&'a str>,
    kept: Option<Kept>,
}

impl Default for SignInState<'_> {
    fn default() -> Self {
        SignInState {
            form: Form::empty(),
            next: "",
            failure: None,
            status: StatusCode::OK,
            notice: None,
            kept: None,
        }
    }
}

fn sign_in_page(info: &RequestInfo, headers: &HeaderMap, state: SignInState) -> Response {
    let (p, is_new) = anonymous_page(info, headers, "portal-sign-in-title");
    let csrf = p.csrf.clone();
    let html = render(&SignInTemplate {
        p: p.with_notice(state.notice),
        form: state.form,
        next: portal_next(state.next),
        failure: state.failure,
        kept: state.kept,
    });
    anonymous_response(info, &csrf, is_new, state.status, html)
}

/// Where to go after signing in: a portal page, else the portal's home.
fn portal_next(next: &str) -> String {
    let next = safe_next(next);
    if next == "/portal" || next.starts_with("/portal/") || next.starts_with("/portal?") {
        next
    } else {
        "/portal".to_owned()
    }
}

/// `/portal/sign-in`
pub async fn sign_in_form(
    info: RequestInfo,
    headers: HeaderMap,
    ctx: Option<Ctx>,
    Query(query): Query<SignInQuery>,
) -> Response {
    let next = query.next.unwrap_or_default();
    if ctx.is_some() {
        return Redirect::to(&portal_next(&next)).into_response();
    }
    let state = SignInState {
        next: &next,
        notice: query.notice.as_deref(),
        ..SignInState::default()
    };
    sign_in_page(&info, &headers, state)
}

pub async fn sign_in(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    data: FormData,
) -> PageResult {
    let next = data.get("next").to_owned();
    let kept = Kept::of_sign_in(&data);
    let target = portal_next(&next);
    let signing_in = crate::service::auth::sign_in(&state, &info, data.get("email"), data.get("password"), &target);
    match signing_in.await {
        // A kept form does not survive the code step: the person fills it in again.
        Ok(crate::service::auth::SignIn::SecondFactor(pending)) => Ok(to_code_step(&info, &pending)),
        Ok(crate::service::auth::SignIn::Done(user, token)) => {
            let target = if user.role.is_staff() {
                "/".to_owned()
            } else {
                portal_next(&next)
            };
            let mut response = signed_in(&info, &user.language, &token, &target);
            if let Some(kept) = kept.filter(|_| !user.role.is_staff()) {
                resume(&state, user.language, &token, kept, &mut response).await?;
            }
            Ok(response)
        }
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, info.language);
            let state = SignInState {
                form,
                next: &next,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                kept,
                ..SignInState::default()
            };
            Ok(sign_in_page(&info, &headers, state))
        }
        Err(error @ (AppError::BadCredentials | AppError::Throttled)) => {
            let message = i18n::text(info.language, &format!("portal-problem-{}", error.code()));
            let form = Form::failed(&data, &Default::default(), info.language);
            let state = SignInState {
                form,
                next: &next,
                failure: Some(message),
                status: error.status(),
                kept,
                ..SignInState::default()
            };
            let mut response = sign_in_page(&info, &headers, state);
            if matches!(error, AppError::Throttled) {
                crate::error::set_retry_after(&mut response);
            }
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}

/// Turns the sign-in's redirect into the page that sends the kept form on, with the new session's
/// anti-forgery token (the cookies the redirect sets stay).
async fn resume(
    state: &AppState,
    language: onramp_domain::identity::Language,
    token: &str,
    kept: Kept,
    response: &mut Response,
) -> Result<(), AppError> {
    let mut conn = state.db.conn().await?;
    let session = onramp_store::sessions::find(&mut conn, token)
        .await?
        .ok_or(AppError::internal("the new session is missing"))?;
    let page = Page::anonymous(language, "portal-resume-title", session.csrf_token);
    let html = render(&ResumeTemplate { p: page, kept });
    let cookies: Vec<_> = response.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    *response = html;
    for value in cookies {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(())
}

/// A redirect that sets the new session's cookie and the account's language.
fn signed_in(info: &RequestInfo, language: &onramp_domain::identity::Language, token: &str, target: &str) -> Response {
    let session = cookies::set(cookies::SESSION, token, None, info.secure_cookies);
    let language = cookies::set(
        cookies::LANGUAGE,
        language.as_str(),
        Some(31_536_000),
        info.secure_cookies,
    );
    let mut response = Redirect::to(target).into_response();
    for value in [session, language] {
        if let Ok(value) = value.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Template)]
#[template(path = "portal_activate.html")]
struct ActivateTemplate {
    p: Page,
    form: Form,
    action: String,
    with_code: bool,
    sign_in: Option<String>,
}

fn activate_page(
    info: &RequestInfo,
    headers: &HeaderMap,
    form: Form,
    action: String,
    invitation: Option<&Invitation>,
) -> Response {
    let (p, is_new) = anonymous_page(info, headers, "portal-activate-title");
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let csrf = p.csrf.clone();
    let html = render(&ActivateTemplate {
        p,
        form,
        with_code: invitation.is_none(),
        sign_in: invitation.map(|i| i.sign_in.clone()),
        action,
    });
    anonymous_response(info, &csrf, is_new, status, html)
}

/// `/portal/invitation/{secret}`: the e-mailed link. An unknown, used, revoked or expired link is 404.
pub async fn link_form(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    Path(secret): Path<String>,
) -> PageResult {
    let invitation = service::open_invitation(&state, &secret, InvitationKind::Email).await?;
    let action = format!("/portal/invitation/{secret}");
    Ok(activate_page(&info, &headers, Form::empty(), action, Some(&invitation)))
}

pub async fn link_open(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    Path(secret): Path<String>,
    data: FormData,
) -> PageResult {
    let invitation = service::open_invitation(&state, &secret, InvitationKind::Email).await?;
    let action = format!("/portal/invitation/{secret}");
    open(&state, &info, &headers, &data, &invitation, action).await
}

/// `/portal/start`: opening the account with the printed code.
pub async fn code_form(info: RequestInfo, headers: HeaderMap) -> Response {
    activate_page(&info, &headers, Form::empty(), "/portal/start".into(), None)
}

pub async fn code_open(
    State(state): State<AppState>,
    info: RequestInfo,
    headers: HeaderMap,
    data: FormData,
) -> PageResult {
    let code = data.get("code");
    let found = if code.trim().is_empty() {
        Err(AppError::invalid("code", "required"))
    } else {
        service::open_invitation(&state, code, InvitationKind::Code)
            .await
            .map_err(|error| match error {
                AppError::NotFound => AppError::invalid("code", "code-unknown"),
                other => other,
            })
    };
    match found {
        Ok(invitation) => open(&state, &info, &headers, &data, &invitation, "/portal/start".into()).await,
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&without_passwords(&data), &errors, info.language);
            Ok(activate_page(&info, &headers, form, "/portal/start".into(), None))
        }
        Err(other) => Err(other.into()),
    }
}

async fn open(
    state: &AppState,
    info: &RequestInfo,
    headers: &HeaderMap,
    data: &FormData,
    invitation: &Invitation,
    action: String,
) -> PageResult {
    let activation = Activation {
        password: data.get("password").to_owned(),
        password_again: data.get("password_again").to_owned(),
        accept_terms: data.get("accept_terms") == "yes",
        language: Some(info.language),
    };
    match service::activate(state, info, invitation, &activation).await {
        Ok((_, token)) => Ok(signed_in(info, &info.language, &token, "/portal?notice=portal-welcome")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&without_passwords(data), &errors, info.language);
            let shown = (invitation.kind == "email").then_some(invitation);
            Ok(activate_page(info, headers, form, action, shown))
        }
        Err(other) => Err(other.into()),
    }
}

/// The form's values to show again: never the passwords.
fn without_passwords(data: &FormData) -> FormData {
    FormData::new(
        data.pairs()
            .iter()
            .filter(|(k, _)| !k.starts_with("password"))
            .cloned()
            .collect(),
    )
}
