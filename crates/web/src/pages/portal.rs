//! The participant's own pages (docs/portal.md): short pages with one task each, in plain
//! language. A visitor who is not signed in is sent to the portal's sign-in; a staff account finds
//! nothing here (404, from `service::portal::own`).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PortalCtx, RequestInfo};
use crate::service::portal::{self as service, AccessLog, Overview, OwnConsents};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct HomeTemplate {
    p: Page,
    overview: Overview,
}

/// `/portal`: where the person stands and what they can do here.
pub async fn home(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let overview = service::overview(&state, &ctx).await?;
    Ok(render(&HomeTemplate {
        p: Page::new(&ctx, "portal-home-title", "portal-home").with_notice(q.notice.as_deref()),
        overview,
    }))
}

#[derive(Template)]
#[template(path = "portal_consents.html")]
struct ConsentsTemplate {
    p: Page,
    own: OwnConsents,
    form: Form,
    purposes: &'static [&'static str],
}

async fn consents_page(state: &AppState, ctx: &Ctx, form: Form, notice: Option<&str>) -> PageResult {
    let own = service::consents(state, ctx).await?;
    let status = if form.has_errors() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = render(&ConsentsTemplate {
        p: Page::new(ctx, "portal-consents-title", "portal-consents").with_notice(notice),
        own,
        form,
        purposes: onramp_domain::consents::Purpose::VALUES,
    });
    Ok(axum::response::IntoResponse::into_response((status, page)))
}

/// `/portal/consents`: each purpose with its dates; give or withdraw.
pub async fn consents(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    consents_page(&state, &ctx, Form::empty(), q.notice.as_deref()).await
}

pub async fn give_consent(State(state): State<AppState>, PortalCtx(ctx): PortalCtx, data: FormData) -> PageResult {
    match service::give_consent(&state, &ctx, data.get("purpose"), data.get("organisation_id")).await {
        Ok(_) => Ok(see_other("/portal/consents", "consent-given")),
        Err(AppError::Invalid(errors)) => {
            consents_page(&state, &ctx, Form::failed(&data, &errors, ctx.language), None).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Path(id): Path<String>,
) -> PageResult {
    service::withdraw_consent(&state, &ctx, path_id(&id)?).await?;
    Ok(see_other("/portal/consents", "consent-withdrawn"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogQuery {
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "portal_access_log.html")]
struct AccessLogTemplate {
    p: Page,
    log: AccessLog,
}

/// `/portal/access-log`: who consulted the file, when and why.
pub async fn access_log(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Query(q): Query<LogQuery>,
) -> PageResult {
    let log = service::access_log(&state, &ctx, q.before).await?;
    Ok(render(&AccessLogTemplate {
        p: Page::new(&ctx, "portal-access-log-title", "portal-access-log"),
        log,
    }))
}

#[derive(Template)]
#[template(path = "portal_download.html")]
struct DownloadTemplate {
    p: Page,
}

/// `/portal/download`: what the download holds, and the button.
pub async fn download_page(State(state): State<AppState>, PortalCtx(ctx): PortalCtx) -> PageResult {
    service::own(&state, &ctx).await?;
    Ok(render(&DownloadTemplate {
        p: Page::new(&ctx, "portal-download-title", "portal-download"),
    }))
}

/// `/portal/download.zip`: everything held about the person that is theirs to read.
pub async fn download(State(state): State<AppState>, PortalCtx(ctx): PortalCtx) -> PageResult {
    let (filename, bytes) = service::export(&state, &ctx).await?;
    Ok(crate::download::download(bytes, "application/zip", &filename))
}

#[derive(Template)]
#[template(path = "portal_help.html")]
struct HelpTemplate {
    p: Page,
}

/// `/portal/help`: what the portal is, who sees what, the terms; open to everyone.
pub async fn help(info: RequestInfo, headers: axum::http::HeaderMap, ctx: Option<Ctx>) -> PageResult {
    let p = match &ctx {
        Some(ctx) if ctx.user.role == onramp_domain::identity::Role::Participant => {
            Page::new(ctx, "portal-help-title", "portal-help")
        }
        _ => super::portal_entry::anonymous_page(&info, &headers, "portal-help-title").0,
    };
    Ok(render(&HelpTemplate { p }))
}

#[derive(Template)]
#[template(path = "portal_end.html")]
struct EndTemplate {
    p: Page,
}

/// `/portal/end`: the participant ends their own access, after confirming.
pub async fn end_form(State(state): State<AppState>, PortalCtx(ctx): PortalCtx) -> PageResult {
    service::own(&state, &ctx).await?;
    Ok(render(&EndTemplate {
        p: Page::new(&ctx, "portal-end-title", "portal-help"),
    }))
}

pub async fn end(State(state): State<AppState>, info: RequestInfo, PortalCtx(ctx): PortalCtx) -> PageResult {
    crate::service::portal_access::end_own(&state, &ctx).await?;
    let mut response = see_other("/portal/sign-in", "portal-ended");
    if let Ok(value) = crate::cookies::clear(crate::cookies::SESSION, info.secure_cookies).parse() {
        response.headers_mut().append(axum::http::header::SET_COOKIE, value);
    }
    Ok(response)
}
