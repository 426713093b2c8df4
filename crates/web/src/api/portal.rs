//! The participant's portal as JSON (docs/portal.md), for a signed-in participant: their own
//! overview, consents, sessions, who consulted their file and the download. Every other account
//! gets 404 here. And the coach's side: the access's state, invitations, ending it.

use super::consents::ConsentView;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::portal_views::{IssuedView, PortalStatusView};
use crate::cookies;
use crate::error::{AppError, Problem};
use crate::identity::{Ctx, RequestInfo};
use crate::service::portal::{self as service, AccessLog, Overview, OwnSession, Partner};
use crate::service::portal_access::{self as access, Invite};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onramp_store::portal::InvitationKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Where the person stands: their programmes and coaches, and how many sessions are to come.
#[utoipa::path(get, path = "/api/v1/portal", tag = "portal",
    responses(
        (status = 200, body = Overview),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a participant's portal account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Overview>, AppError> {
    Ok(Json(service::overview(&state, &ctx).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortalConsents {
    pub consents: Vec<ConsentView>,
    /// The partners following the person: the ones whose care team they may allow to read their file.
    pub partners: Vec<Partner>,
}

/// The person's consents, each purpose with its dates.
#[utoipa::path(get, path = "/api/v1/portal/consents", tag = "portal",
    responses(
        (status = 200, body = PortalConsents),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn consents(State(state): State<AppState>, ctx: Ctx) -> Result<Json<PortalConsents>, AppError> {
    let own = service::consents(&state, &ctx).await?;
    Ok(Json(PortalConsents {
        consents: own.consents.into_iter().map(Into::into).collect(),
        partners: own.partners,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GiveBody {
    /// participation, share_care_team or research
    pub purpose: String,
    /// For share_care_team: one of the partners following the person.
    pub organisation_id: Option<String>,
}

/// Gives a consent, from today.
#[utoipa::path(post, path = "/api/v1/portal/consents", tag = "portal", request_body = GiveBody,
    responses(
        (status = 201, body = ConsentView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn give_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<GiveBody>,
) -> Result<(StatusCode, Json<ConsentView>), AppError> {
    let organisation = body.organisation_id.as_deref().unwrap_or("");
    let consent = service::give_consent(&state, &ctx, &body.purpose, organisation).await?;
    Ok((StatusCode::CREATED, Json(consent.into())))
}

/// Withdraws one of the person's consents, from today: it takes effect at once.
#[utoipa::path(post, path = "/api/v1/portal/consents/{id}/withdraw", tag = "portal",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ConsentView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such consent of yours, or already withdrawn", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ConsentView>, AppError> {
    Ok(Json(service::withdraw_consent(&state, &ctx, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// The `next` of the previous page.
    pub before: Option<i64>,
}

/// Who consulted the person's file, when and why (the role and organisation, never the name),
/// newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/portal/access-log", tag = "portal", params(LogQuery),
    responses(
        (status = 200, body = AccessLog),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn access_log(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<Json<AccessLog>, AppError> {
    Ok(Json(service::access_log(&state, &ctx, query.before).await?))
}

/// The person's group sessions: upcoming (soonest first), then past (latest first).
#[utoipa::path(get, path = "/api/v1/portal/sessions", tag = "portal",
    responses(
        (status = 200, body = Vec<OwnSession>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sessions(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<OwnSession>>, AppError> {
    Ok(Json(service::sessions(&state, &ctx).await?))
}

/// Everything held about the person that is theirs to read: a ZIP of `participant.json` and
/// `participant.pdf` (the access export without the staff's working notes).
#[utoipa::path(get, path = "/api/v1/portal/export", tag = "portal",
    responses(
        (status = 200, description = "The ZIP", content_type = "application/zip"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (filename, bytes) = service::export(&state, &ctx).await?;
    Ok(crate::download::download(bytes, "application/zip", &filename))
}

/// Ends the person's own access to the portal (their programme goes on).
#[utoipa::path(delete, path = "/api/v1/portal/access", tag = "portal",
    responses(
        (status = 204, description = "Ended; the session is closed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn end_own(State(state): State<AppState>, info: RequestInfo, ctx: Ctx) -> Result<Response, AppError> {
    access::end_own(&state, &ctx).await?;
    let cookie = cookies::clear(cookies::SESSION, info.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActivationBody {
    /// The printed code (`ABCD-EFGH-JKMN`; case, spaces and dashes do not matter), or
    pub code: Option<String>,
    /// the secret of the e-mailed link (its last path segment).
    pub link: Option<String>,
    /// At least 12 characters.
    pub password: String,
    /// Must be true: the participant agrees to the portal's terms.
    pub accept_terms: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Activated {
    pub participant_id: Uuid,
    /// What the account signs in with from now on.
    pub sign_in: String,
}

/// Opens the participant's account from an invitation and signs them in (sets the session cookie).
#[utoipa::path(post, path = "/api/v1/portal/activation", tag = "portal", security(()), request_body = ActivationBody,
    responses(
        (status = 201, description = "Opened; the `onramp_session` cookie is set", body = Activated),
        (status = 404, description = "No open invitation with this code or link", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn activate(
    State(state): State<AppState>,
    info: RequestInfo,
    ApiJson(body): ApiJson<ActivationBody>,
) -> Result<Response, AppError> {
    let given = |v: &Option<String>| v.as_deref().filter(|v| !v.trim().is_empty()).map(str::to_owned);
    let (secret, kind) = match (given(&body.code), given(&body.link)) {
        (Some(code), _) => (code, InvitationKind::Code),
        (None, Some(link)) => (link, InvitationKind::Email),
        (None, None) => return Err(AppError::invalid("code", "required")),
    };
    let invitation = access::open_invitation(&state, &secret, kind).await?;
    let activation = access::Activation {
        password_again: body.password.clone(),
        password: body.password,
        accept_terms: body.accept_terms,
        language: None,
    };
    let (account, token) = access::activate(&state, &info, &invitation, &activation).await?;
    let cookie = cookies::set(cookies::SESSION, &token, None, info.secure_cookies);
    let activated = Activated {
        participant_id: account.participant_id,
        sign_in: account.sign_in,
    };
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(activated)).into_response())
}

/// A participant's portal access, for their coach.
#[utoipa::path(get, path = "/api/v1/participants/{id}/portal", tag = "portal", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = PortalStatusView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<PortalStatusView>, AppError> {
    Ok(Json(access::status(&state, &ctx, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InviteBody {
    /// email (a link sent to `email`, valid 7 days) or code (a printed code, valid 30 days)
    pub kind: String,
    /// For email: the participant's address, which becomes their sign-in name.
    pub email: Option<String>,
}

/// Invites the participant to the portal, replacing any open invitation. A code is returned this
/// once; a link is only e-mailed.
#[utoipa::path(post, path = "/api/v1/participants/{id}/portal/invitations", tag = "portal",
    params(("id" = Uuid, Path)), request_body = InviteBody,
    responses(
        (status = 201, body = IssuedView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<(StatusCode, Json<IssuedView>), AppError> {
    let how = match body.kind.trim() {
        "code" => Invite::Code,
        "email" => Invite::Email(body.email.unwrap_or_default()),
        _ => return Err(AppError::invalid_choice("kind", &["email", "code"])),
    };
    let site = crate::ical::site_url(&state, &headers);
    Ok((
        StatusCode::CREATED,
        Json(access::invite(&state, &ctx, id, how, &site).await?.into()),
    ))
}

/// Ends the participant's portal access: they can no longer sign in; open invitations stop.
#[utoipa::path(delete, path = "/api/v1/participants/{id}/portal", tag = "portal", params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Ended"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn end(State(state): State<AppState>, ctx: Ctx, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, AppError> {
    access::end(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
