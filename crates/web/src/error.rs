//! The web layer's one error type. The API renders it as RFC 9457
//! `application/problem+json`; pages render it as an HTML page (see `pages`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onramp_domain::FieldErrors;
use onramp_domain::identity::Language;
use onramp_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub enum AppError {
    /// 401: no valid session or token.
    Unauthenticated,
    /// 403: refused, and the actor may know the record exists.
    Forbidden,
    /// 403: the policy refused, for the reason it names (`Decision::Forbidden`).
    Refused(onramp_domain::refusal::Refusal),
    /// 403: a state-changing API request with a session cookie that another site may have made.
    CrossSite,
    /// 404: no such record, or one the actor may not know of.
    NotFound,
    /// 422: input that does not parse, field by field.
    Invalid(FieldErrors),
    /// 400: a request that is malformed as a whole (code of an `error-` message).
    BadRequest(&'static str),
    /// 404: a service this deployment does not offer (code of an `error-` message), e.g. a
    /// password reset by e-mail without a public address and a mail server.
    NotOffered(&'static str),
    /// 400: a body or query that cannot be read: `malformed-body` or `malformed-query`, the field
    /// where reading stopped (empty for the whole) and what was expected there.
    Malformed {
        code: &'static str,
        field: String,
        expected: String,
    },
    /// 401 on sign-in: unknown e-mail or wrong password (not told apart).
    BadCredentials,
    /// 409: the record changed since the client read it (a plan saved on top of an older
    /// version); the fields say what.
    Conflict(FieldErrors),
    /// 409: the person may already be registered; carries the matches the actor may see
    /// and how many more exist outside their scope.
    Duplicates(Vec<onramp_store::participants::Candidate>, usize),
    /// 422 for an import run: every bad row, nothing written.
    ImportFailed(Box<crate::exchange::import_report::ImportReport>),
    /// 413: a request body larger than [`crate::security::MAX_BODY`], refused before it is read.
    TooLarge,
    /// 429: too many failed sign-ins.
    Throttled,
    /// 403: the deployment requires a second factor and this account has none yet
    /// (`--require-two-factor`): only setting it up is open.
    TwoFactorRequired,
    /// 500: our fault; the error and its sources go to the log, not to the client.
    Internal(Box<dyn std::error::Error + Send + Sync + 'static>),
}

/// Every validation code the domain and this layer produce; each has an `error-<code>` message.
pub const KNOWN_ERROR_CODES: &[&str] = &[
    "required",
    "terms-not-accepted",
    "no-mail-server",
    "not-your-partner",
    "code-unknown",
    "duplicate-id",
    "too-many-items",
    "invalid-id",
    "plan-changed",
    "not-discussed",
    "already-a-step",
    "too-long",
    "invalid-choice",
    "invalid-email",
    "invalid-reference",
    "invalid-postcode",
    "invalid-code",
    "invalid-date",
    "password-too-short",
    "password-mismatch",
    "wrong-password",
    "taken",
    "malformed-body",
    "malformed-query",
    "bad-credentials",
    "password-sign-in-off",
    "throttled",
    "csrf",
    "own-account",
    "invalid-national-register",
    "invalid-phone",
    "invalid-number",
    "out-of-range",
    "range-inverted",
    "months-not-ascending",
    "invalid-step",
    "duplicate-step",
    "date-in-future",
    "before-birth",
    "before-start",
    "phase-in-use",
    "unknown-phase",
    "not-a-coach",
    "trajectory-ended",
    "open-trajectory",
    "unknown-column",
    "missing-column",
    "not-your-organisation",
    "possible-duplicate",
    "unreadable-file",
    "empty-file",
    "file-too-large",
    "too-many-rows",
    "too-many-columns",
    "control-characters",
    "already-closed",
    "already-done",
    "contract-for-paid-work",
    "describe-other",
    "facilitator-not-environmental",
    "invalid-barrier-code",
    "invalid-icf-code",
    "invalid-qualifier",
    "invalid-time",
    "location-or-online",
    "mail-not-configured",
    "no-coach",
    "not-a-peer-expert",
    "not-a-researcher",
    "not-enrolled",
    "not-open-to-partners",
    "nothing-rated",
    "session-full",
    "session-started",
    "not-confirmed",
    "unknown-icf-category",
    "unknown-module",
    "coach-not-at-partner",
    "outcome-after-exit",
    "after-exit",
    "consent-withdrawn",
    "legal-hold",
    "already-anonymised",
    "not-job-mediation",
    "needs-job-mediation",
    "needs-exit",
    "wrong-code",
    "two-factor-on",
    "two-factor-off",
    "two-factor-not-started",
    "code-or-password",
    "password-reset-off",
];

impl AppError {
    /// An internal error from anything that can be one: an error value, or a message.
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        AppError::Internal(error.into())
    }

    /// Logs an internal error with the chain of its sources; other errors are the client's.
    pub fn log(&self, what: &str) {
        if let AppError::Internal(error) = self {
            let mut chain = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                source = cause.source();
            }
            tracing::error!(error = %chain, "{what}");
        }
    }

    /// A body or query that cannot be read at `field` (serde's path; `.` for the whole), with
    /// serde's message, whose Rust type names are said as a client knows them.
    pub fn malformed(code: &'static str, field: String, serde_message: &str) -> Self {
        let field = if field == "." { String::new() } else { field };
        AppError::Malformed {
            code,
            field,
            expected: client_words(serde_message),
        }
    }

    /// `invalid-choice` for `field`, naming the values it accepts.
    pub fn invalid_choice(field: &'static str, allowed: &[&'static str]) -> Self {
        let mut errors = FieldErrors::new();
        errors.add_choice(field, allowed);
        AppError::Invalid(errors)
    }

    pub fn invalid(field: &'static str, code: &'static str) -> Self {
        AppError::Invalid(FieldErrors::single(field, code))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Refused(_) | AppError::CrossSite | AppError::TwoFactorRequired => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound | AppError::NotOffered(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::ImportFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Duplicates(..) | AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::BadRequest(_) | AppError::Malformed { .. } => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `error-` message code describing this error as a whole.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad-credentials",
            AppError::Forbidden => "forbidden",
            AppError::Refused(why) => why.code(),
            AppError::CrossSite => "cross-site-request",
            AppError::NotFound => "not-found",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::ImportFailed(_) => "import-failed",
            AppError::Duplicates(..) => "possible-duplicate",
            AppError::BadRequest(code) | AppError::NotOffered(code) | AppError::Malformed { code, .. } => code,
            AppError::TooLarge => "body-too-large",
            AppError::Throttled => "throttled",
            AppError::TwoFactorRequired => "two-factor-required",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Taken(field) => AppError::invalid(field, "taken"),
            StoreError::BadReference(field) => AppError::invalid(field, "invalid-reference"),
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For 422: what is wrong with each field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For 409 at intake: people already registered who may be the same person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<DuplicateView>,
    /// For a failed import: the report with every bad row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<crate::exchange::import_report::ImportReport>,
    /// For 409 at intake: matches outside your scope, not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_duplicates: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateView {
    pub id: uuid::Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: chrono::NaiveDate,
    pub same_national_register: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field name as in the request body (or query): `trajectory.started_on` inside an
    /// object, `items[2].title` in a list; empty for the body as a whole.
    pub field: String,
    /// A stable code, e.g. `required`, `invalid-email`, `taken`, `malformed-body`.
    pub code: String,
    pub message: String,
    /// For `malformed-body` and `malformed-query`: what the field expects and what came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// For `invalid-choice`: the values the field accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// Serde's words for a value of the wrong kind, with Rust's type names said as JSON says them
/// (`expected i32` is `expected a whole number`).
fn client_words(message: &str) -> String {
    let words: Vec<String> = message
        .split(' ')
        .map(|word| {
            let (bare, tail) = word.split_at(word.trim_end_matches([',', '.']).len());
            let said = match bare {
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => "a whole number",
                "f32" | "f64" => "a number",
                _ => return word.to_owned(),
            };
            format!("{said}{tail}")
        })
        .collect();
    words.join(" ")
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log("request failed");
        // The API speaks English; field codes are stable for clients that translate.
        let language = Language::En;
        let status = self.status();
        let code = self.code();
        let errors = match &self {
            AppError::Invalid(errors) | AppError::Conflict(errors) => errors
                .0
                .iter()
                .map(|e| ProblemField {
                    field: e.field.to_string(),
                    code: e.code.to_owned(),
                    message: if e.allowed.is_empty() {
                        crate::i18n::field_error_text(language, e)
                    } else {
                        format!(
                            "{} ({})",
                            crate::i18n::field_error_text(language, e),
                            e.allowed.join(", ")
                        )
                    },
                    expected: None,
                    allowed: (!e.allowed.is_empty()).then(|| e.allowed.iter().map(|v| (*v).to_owned()).collect()),
                })
                .collect(),
            AppError::Malformed { code, field, expected } => vec![ProblemField {
                field: field.clone(),
                code: (*code).to_owned(),
                message: if field.is_empty() {
                    format!("The body cannot be read: {expected}.")
                } else {
                    format!("{field}: {expected}.")
                },
                expected: Some(expected.clone()),
                allowed: None,
            }],
            _ => Vec::new(),
        };
        let (duplicates, hidden_duplicates) = match &self {
            AppError::Duplicates(candidates, hidden) => (
                candidates
                    .iter()
                    .map(|c| DuplicateView {
                        id: c.id,
                        first_name: c.first_name.clone(),
                        last_name: c.last_name.clone(),
                        birth_date: c.birth_date,
                        same_national_register: c.same_national_register,
                    })
                    .collect(),
                Some(*hidden),
            ),
            _ => (Vec::new(), None),
        };
        let problem = Problem {
            kind: format!("urn:onramp:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: crate::i18n::text(language, &format!("problem-{code}")),
            errors,
            duplicates,
            hidden_duplicates,
            import: match &self {
                AppError::ImportFailed(report) => Some((**report).clone()),
                _ => None,
            },
        };
        let mut response = (status, axum::Json(problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(self, AppError::Throttled) {
            set_retry_after(&mut response);
        }
        response
    }
}

/// Tells a throttled client when to try again: when the window of counted failures has passed.
/// The API's 429 and the sign-in page's carry it alike.
pub fn set_retry_after(response: &mut Response) {
    let retry = onramp_store::throttle::WINDOW.num_seconds().to_string();
    if let Ok(value) = HeaderValue::from_str(&retry) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}
