//! Data protection (the data protection officer and administrators): finding the file a request
//! is about, and who consulted it, when and why (docs/privacy.md).

use super::extract::{ApiPath, ApiQuery};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::privacy::{self as service, Consultations, Search};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use onramp_store::participants::Named;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchQuery {
    /// The national register number (11 digits; dots, dashes and spaces are ignored).
    pub national_register: Option<String>,
    /// With `name`, when there is no register number: YYYY-MM-DD.
    pub birth_date: Option<String>,
    /// Any part of the name (at least two letters), with `birth_date`.
    pub name: Option<String>,
}

/// A file a request may be about.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct NamedView {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: chrono::NaiveDate,
    /// The partner that registered the person.
    pub organisation_name: String,
}

/// The files a data-subject request names: by national register number, or by date of birth and
/// name (at most 20); without either, none. The list is audited with the purpose `data_protection`.
#[utoipa::path(get, path = "/api/v1/privacy/participants", tag = "privacy", params(SearchQuery),
    responses(
        (status = 200, body = [NamedView]),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<NamedView>>, AppError> {
    let search = Search {
        national_register: q.national_register.unwrap_or_default(),
        birth_date: q.birth_date.unwrap_or_default(),
        name: q.name.unwrap_or_default(),
    };
    // A search names someone by the register number, or by both the birth date and a name: short
    // of that it finds nobody (the page asks for what is missing).
    if !search.birth_date.trim().is_empty() {
        onramp_domain::participants::parse_date(&search.birth_date)
            .map_err(|code| AppError::invalid("birth_date", code))?;
    }
    // A name given is two characters or more, as the document says, whatever else is given.
    let name = search.name.trim();
    if !name.is_empty() && name.chars().count() < 2 {
        return Err(AppError::invalid("name", "required"));
    }
    let names_someone = !search.national_register.trim().is_empty()
        || (!search.birth_date.trim().is_empty() && !search.name.trim().is_empty());
    if !names_someone {
        return Ok(Json(Vec::new()));
    }
    let found = service::find(&state, &ctx, &search).await?;
    Ok(Json(found.into_iter().map(view).collect()))
}

fn view(n: Named) -> NamedView {
    NamedView {
        id: n.id,
        first_name: n.first_name,
        last_name: n.last_name,
        birth_date: n.birth_date,
        organisation_name: n.organisation_name,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct LogQuery {
    /// Entries older than this id (the `next` of the page before).
    pub before: Option<i64>,
}

/// Who consulted a participant's file, when and why: every read, every list view that showed
/// them and every change, newest first, 50 a page. Reading it is itself audited on the file.
#[utoipa::path(get, path = "/api/v1/participants/{id}/consultations", tag = "privacy",
    params(("id" = Uuid, Path), LogQuery),
    responses(
        (status = 200, body = Consultations),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn consultations(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<Consultations>, AppError> {
    Ok(Json(service::consultations(&state, &ctx, id, q.before).await?))
}

/// Everything onramp holds about a participant, for an access or portability request (GDPR
/// Art. 15 and 20): a ZIP of `participant.json` (schema: docs/access-export.schema.json) and
/// `participant.pdf` in the person's language. Audited with the purpose `access_request`.
#[utoipa::path(get, path = "/api/v1/participants/{id}/access-export", tag = "privacy",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The ZIP (participant.json and participant.pdf)", content_type = "application/zip"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn access_export(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::response::Response, AppError> {
    let (filename, bytes) = crate::service::access_export::export(&state, &ctx, id).await?;
    Ok(crate::download::download(bytes, "application/zip", &filename))
}
