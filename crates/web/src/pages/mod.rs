//! Server-rendered pages: semantic HTML that works without JavaScript.
//! Every state-changing form carries an anti-forgery token, checked here once
//! for all forms by the `csrf` middleware.

mod account;
mod agreements;
mod audit;
mod auth;
mod barrier_codes;
mod calendars;
mod chart;
mod consultations;
mod dashboard;
mod exchange;
mod form;
mod home;
mod hours;
mod icf;
mod organisations;
mod participants;
mod plans;
mod presence;
mod programmes;
mod regions;
mod sessions;
mod users;

use crate::error::AppError;
use crate::identity::{Ctx, RequestInfo};
use crate::{AppState, cookies, i18n};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Brussels;
use onramp_domain::identity::Language;
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::policy::{self, Menu};

pub use form::{Form, FormData};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(auth::show).post(auth::submit))
        .route("/logout", post(auth::logout))
        .route("/language", post(auth::set_language))
        .route("/account", get(account::show))
        .route("/account/preferences", post(account::preferences))
        .route("/account/password", post(account::password))
        .route("/account/digest", post(account::digest))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/organisations", get(organisations::list))
        .route(
            "/organisations/new",
            get(organisations::new).post(organisations::create),
        )
        .route("/organisations/{id}", get(organisations::show))
        .route(
            "/organisations/{id}/edit",
            get(organisations::edit).post(organisations::update),
        )
        .route("/organisations/{id}/locations", post(organisations::add_location))
        .route("/organisations/{id}/contacts", post(organisations::add_contact))
        .route(
            "/organisations/{id}/contacts/{contact}/remove",
            post(organisations::remove_contact),
        )
        .route("/organisations/{id}/agreements", post(organisations::add_agreement))
        .route("/agreements/{id}", get(agreements::show).post(agreements::update))
        .route("/agreements/{id}/hours", post(agreements::set_hours))
        .route("/caseload", get(participants::caseload))
        .route("/hours", get(hours::show).post(hours::register))
        .route("/participants/{id}/icf", get(icf::show).post(icf::add))
        .route("/participants/{id}/icf/pdf", get(plans::icf_pdf))
        .route("/trajectories/{id}/plans/{kind}", get(plans::show))
        .route(
            "/trajectories/{id}/plans/{kind}/edit",
            get(plans::edit).post(plans::save),
        )
        .route("/trajectories/{id}/plans/{kind}/versions", get(plans::history))
        .route("/trajectories/{id}/plans/{kind}/comments", post(plans::comment))
        .route("/trajectories/{id}/plans/{kind}/unshare", post(plans::unshare))
        .route("/trajectories/{id}/plans/{kind}/pdf", get(plans::pdf))
        .route(
            "/trajectories/{id}/plans/canvas/items/{item}/step",
            post(plans::make_step),
        )
        .route("/icf/categories", get(icf::categories).post(icf::add_category))
        .route("/barrier-codes", get(barrier_codes::show).post(barrier_codes::add))
        .route("/dashboard", get(dashboard::show))
        .route("/dashboard/people", get(dashboard::people))
        .route("/dashboard.csv", get(dashboard::export_csv))
        .route("/dashboard.xlsx", get(dashboard::export_xlsx))
        .route("/consultations", get(consultations::show).post(consultations::create))
        .route("/presence", get(presence::show).post(presence::create))
        .route("/presence/kinds", post(presence::add_kind))
        .route("/presence/{id}/participants", post(presence::link))
        .route("/calendars", get(calendars::show).post(calendars::create))
        .route("/calendars/{id}/revoke", post(calendars::revoke))
        .route("/calendar/{file}", get(calendars::feed))
        .route("/sessions", get(sessions::list))
        .route("/sessions/new", get(sessions::new).post(sessions::create))
        .route("/sessions/{id}", get(sessions::show))
        .route("/sessions/{id}/enrolments", post(sessions::enrol))
        .route("/sessions/{id}/attendance", post(sessions::attendance))
        .route("/sessions/{id}/invitations", post(sessions::invite))
        .route("/participants/new", get(participants::new).post(participants::create))
        .route("/participants/{id}", get(participants::show))
        .route(
            "/participants/{id}/edit",
            get(participants::edit).post(participants::update),
        )
        .route("/participants/{id}/consents", post(participants::add_consent))
        .route(
            "/participants/{id}/consents/{consent}/withdraw",
            post(participants::withdraw_consent),
        )
        .route("/participants/{id}/trajectories", post(participants::start_trajectory))
        .route("/participants/{id}/contacts", post(participants::add_contact))
        .route("/participants/{id}/outcomes", post(participants::add_outcome))
        .route("/participants/{id}/barriers", post(participants::add_barrier))
        .route("/barriers/{id}/close", post(participants::close_barrier))
        .route("/check-ins/{id}", post(participants::record_check_in))
        .route("/trajectories/{id}/phase", post(participants::change_phase))
        .route("/trajectories/{id}/handover", post(participants::hand_over))
        .route("/trajectories/{id}/exit", post(participants::exit))
        .route("/import", get(exchange::show).post(exchange::upload))
        .route("/export/participants.csv", get(exchange::export_csv))
        .route("/export/participants.xlsx", get(exchange::export_xlsx))
        .route("/programmes", get(programmes::list))
        .route("/programmes/new", get(programmes::new).post(programmes::create))
        .route("/programmes/{id}", get(programmes::show).post(programmes::update))
        .route("/regions", get(regions::list).post(regions::create))
        .route("/regions/{id}", post(regions::update))
        .route("/users", get(users::list))
        .route("/users/new", get(users::new).post(users::create))
        .route("/users/{id}", get(users::edit).post(users::update))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/audit", get(audit::list))
        .route("/static/app.css", get(stylesheet))
        .layer(axum::middleware::from_fn(csrf))
}

async fn stylesheet() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, include_str!("../../static/app.css")).into_response()
}

/// What every page's layout needs: language, the user and their menu, the anti-forgery token.
pub struct Page {
    pub lang: Language,
    pub title: String,
    pub user_name: Option<String>,
    pub role: Option<String>,
    pub menu: Option<Menu>,
    pub csrf: String,
    /// The section of the navigation this page belongs to.
    pub section: &'static str,
    /// A confirmation to show once, e.g. after saving.
    pub notice: Option<String>,
}

impl Page {
    pub fn new(ctx: &Ctx, title_key: &str, section: &'static str) -> Page {
        let lang = ctx.language;
        Page {
            lang,
            title: i18n::text(lang, title_key),
            user_name: Some(ctx.user.display_name.clone()),
            role: Some(i18n::text(lang, &format!("role-{}", ctx.user.role))),
            menu: Some(policy::menu(&ctx.actor)),
            csrf: ctx.csrf.clone().unwrap_or_default(),
            section,
            notice: None,
        }
    }

    pub fn anonymous(lang: Language, title_key: &str, csrf: String) -> Page {
        Page {
            lang,
            title: i18n::text(lang, title_key),
            user_name: None,
            role: None,
            menu: None,
            csrf,
            section: "",
            notice: None,
        }
    }

    /// Shows the confirmation named by `?notice=` (only known ones).
    pub fn with_notice(mut self, notice: Option<&str>) -> Page {
        const KNOWN: &[&str] = &[
            "saved",
            "created",
            "password-changed",
            "token-revoked",
            "signed-out",
            "phase-changed",
            "handed-over",
            "exited",
            "consent-withdrawn",
            "contact-recorded",
            "hours-recorded",
            "enrolled",
            "attendance-saved",
            "feed-revoked",
            "invitations-sent",
            "outcome-recorded",
            "digest-saved",
            "measurement-recorded",
            "plan-saved",
            "comment-added",
            "step-made",
            "plan-unshared",
        ];
        self.notice = notice
            .filter(|n| KNOWN.contains(n))
            .map(|n| i18n::text(self.lang, &format!("notice-{n}")));
        self
    }

    pub fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key)
    }

    pub fn t2(
        &self,
        key: &str,
        a: &'static str,
        a_value: impl std::fmt::Display,
        b: &'static str,
        b_value: impl std::fmt::Display,
    ) -> String {
        i18n::text_with(self.lang, key, &[(a, &a_value.to_string()), (b, &b_value.to_string())])
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        i18n::text_with(self.lang, key, &[(name, &value.to_string())])
    }

    /// The label of a coded value: `label("gender", "female")` reads message `gender-female`.
    pub fn label(&self, prefix: &str, value: impl std::fmt::Display) -> String {
        self.t(&format!("{prefix}-{value}"))
    }

    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        crate::i18n::date(date)
    }

    /// The name of an organisation kind in the page's language.
    pub fn kind(&self, kind: &OrganisationKind) -> String {
        self.t(&format!("kind-{kind}"))
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    /// A time as people in Belgium read it.
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        at.with_timezone(&Brussels).format("%d-%m-%Y %H:%M").to_string()
    }

    pub fn current(&self, section: &str) -> bool {
        self.section == section
    }
}

/// Midnight in Brussels at the start of `date`, in UTC.
pub fn brussels_midnight(date: NaiveDate) -> Option<DateTime<Utc>> {
    let naive = date.and_hms_opt(0, 0, 0)?;
    Brussels
        .from_local_datetime(&naive)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// Renders a template, or a plain error when rendering fails.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    p: Page,
    message: String,
}

/// An error shown as a page, in the user's language.
pub struct PageError {
    error: AppError,
    lang: Language,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self.error {
            tracing::error!(%detail, "page failed");
        }
        if matches!(self.error, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = self.error.status();
        let mut p = Page::anonymous(self.lang, &format!("problem-{}", self.error.code()), String::new());
        p.section = "error";
        let message = i18n::text(self.lang, &format!("page-error-{}", status.as_u16()));
        (status, render(&ErrorTemplate { p, message })).into_response()
    }
}

pub trait OrPage<T> {
    fn or_page(self, lang: Language) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, lang: Language) -> Result<T, PageError> {
        self.map_err(|error| PageError { error, lang })
    }
}

pub type PageResult = Result<Response, PageError>;

/// Refuses a state-changing form whose anti-forgery token does not match the
/// session's (or, before sign-in, the form cookie's). Passes the parsed form on.
async fn csrf(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if is_multipart(&request) {
        return csrf_multipart(request, next).await;
    }
    let (mut parts, body) = request.into_parts();
    let lang = parts
        .extensions
        .get::<RequestInfo>()
        .map(|i| i.language)
        .unwrap_or(Language::Nl);
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return PageError {
            error: AppError::BadRequest("malformed-body"),
            lang,
        }
        .into_response();
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let expected = match parts.extensions.get::<Ctx>() {
        Some(ctx) => ctx.csrf.clone(),
        None => cookies::get(&parts.headers, cookies::FORM_TOKEN),
    };
    let valid = expected.is_some_and(|expected| !sent.is_empty() && constant_time_eq(sent, &expected));
    if !valid {
        tracing::warn!(path = %parts.uri.path(), "form refused: anti-forgery token missing or wrong");
        return PageError {
            error: AppError::Forbidden,
            lang,
        }
        .into_response();
    }
    parts.extensions.insert(FormData::new(pairs));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// File uploads carry the token in the form's action URL, so the body streams on untouched.
async fn csrf_multipart(request: Request, next: Next) -> Response {
    let sent = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
        .unwrap_or_default();
    let expected = request.extensions().get::<Ctx>().and_then(|c| c.csrf.clone());
    if !expected.is_some_and(|e| !sent.is_empty() && constant_time_eq(&sent, &e)) {
        let lang = request
            .extensions()
            .get::<RequestInfo>()
            .map(|i| i.language)
            .unwrap_or(Language::Nl);
        tracing::warn!(path = %request.uri().path(), "upload refused: anti-forgery token missing or wrong");
        return PageError {
            error: AppError::Forbidden,
            lang,
        }
        .into_response();
    }
    next.run(request).await
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Options without repeats, in the order they first came.
pub fn unique_options(items: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = Vec::new();
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
    list
}

/// People with an active trajectory a form may offer: a coach's own caseload (an administrator's
/// whole one), at one partner or anywhere; at most 300, by name.
pub async fn caseload_people(
    state: &crate::AppState,
    ctx: &crate::identity::Ctx,
    organisation_id: Option<uuid::Uuid>,
) -> Vec<(String, String)> {
    use onramp_domain::identity::Role;
    if policy::decide(&ctx.actor, policy::Action::PickParticipants) != policy::Decision::Allow {
        return Vec::new();
    }
    let filter = onramp_store::caseload::Filter {
        status: onramp_store::caseload::Status::Active,
        mine: ctx.actor.role == Role::Coach,
        organisation_id,
        ..Default::default()
    };
    let rows = crate::service::participants::caseload(state, ctx, &filter, 300)
        .await
        .unwrap_or_default();
    unique_options(rows.into_iter().map(|r| {
        (
            r.participant_id.to_string(),
            format!("{} {}", r.first_name, r.last_name),
        )
    }))
}

/// Redirects after a successful form (post/redirect/get), with a notice to show.
pub fn see_other(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}notice={notice}")).into_response()
}
