//! What every page shares: its layout's data, rendering, redirects after a form, and the page
//! error that handlers return with `?` (rendered in the request's language by `errors::render`).

use crate::error::AppError;
use crate::i18n;
use crate::identity::Ctx;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use onramp_domain::FieldErrors;
use onramp_domain::identity::Language;
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::policy::{self, Menu};
use onramp_store::StoreError;

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
            "identity-unbound",
            "phase-changed",
            "handed-over",
            "exited",
            "leaving-situation-saved",
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
            "self-rating-saved",
            "portal-feed-made",
            "portal-feed-revoked",
            "plan-saved",
            "comment-added",
            "step-made",
            "plan-unshared",
            "step-saved",
            "all-present",
            "anonymised",
            "erased",
            "hold-set",
            "hold-lifted",
            "consent-given",
            "portal-welcome",
            "portal-invited",
            "portal-code-made",
            "portal-ended",
            "portal-step-done",
            "portal-step-proposed",
            "two-factor-required",
            "two-factor-off",
            "two-factor-reset",
            "two-factor-expired",
            "password-reset-done",
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

    /// A decimal number in the page's language (`1,5` in Dutch and French, `1.5` in English).
    pub fn decimal(&self, value: impl Decimal, places: usize) -> String {
        i18n::decimal(self.lang, value.get(), places)
    }

    /// A percentage with one decimal, in the page's language (`12,5%`).
    pub fn percent(&self, value: impl Decimal) -> String {
        format!("{}%", self.decimal(value, 1))
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
        crate::time::local_text(at)
    }

    pub fn current(&self, section: &str) -> bool {
        self.section == section
    }
}

/// A number a page writes with decimals, whether a template hands it over by value or by reference.
pub trait Decimal {
    fn get(&self) -> f64;
}

impl Decimal for f64 {
    fn get(&self) -> f64 {
        *self
    }
}

impl<T: Decimal + ?Sized> Decimal for &T {
    fn get(&self) -> f64 {
        (**self).get()
    }
}

/// Renders a template, or a plain error when rendering fails.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(super::error_summary::complete(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// An error a page handler returns with `?`. It becomes a bare response marked with what
/// went wrong; the pages' error layer (`errors::render`) turns that into the HTML error page in
/// the request's language, so handlers need not know the language to fail.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        PageError(error)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        PageError(error.into())
    }
}

impl From<FieldErrors> for PageError {
    fn from(errors: FieldErrors) -> Self {
        PageError(errors.into())
    }
}

/// What the error layer needs to render a failed page: its status and the error's code.
#[derive(Debug, Clone, Copy)]
pub struct PageFailure {
    pub status: StatusCode,
    pub code: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log("page failed");
        if matches!(self.0, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let failure = PageFailure {
            status: self.0.status(),
            code: self.0.code(),
        };
        let mut response = failure.status.into_response();
        if matches!(self.0, AppError::Throttled) {
            crate::error::set_retry_after(&mut response);
        }
        response.extensions_mut().insert(failure);
        response
    }
}

pub type PageResult = Result<Response, PageError>;

/// The id in a page's path; one that is not an id names no page (404).
pub fn path_id(id: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(id).map_err(|_| PageError(AppError::NotFound))
}

/// Redirects after a successful form (post/redirect/get), with a notice to show.
pub fn see_other(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}notice={notice}")).into_response()
}
