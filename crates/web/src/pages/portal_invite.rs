//! The coach's side of the portal, from the participant file (docs/portal.md): the access's
//! state, inviting by e-mail or with a printed code, ending the access.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::portal_access::{self as service, Invite, Issued, PortalStatus};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "participant_portal.html")]
struct PortalTemplate {
    p: Page,
    participant_id: Uuid,
    status: PortalStatus,
    may_invite: bool,
    form: Form,
    now: DateTime<Utc>,
    site: String,
    issued_code: Option<String>,
    issued_sign_in: String,
    issued_until: String,
}

impl PortalTemplate {
    /// Whether the participant has an account, and since when or until when.
    fn account_state(&self) -> String {
        let p = &self.p;
        match &self.status.account {
            Some(a) if self.status.active => p.t2(
                "portal-staff-active",
                "since",
                p.datetime(&a.terms_accepted_at),
                "name",
                &a.sign_in,
            ),
            Some(a) => p.t1(
                "portal-staff-ended",
                "date",
                p.datetime(&a.ended_at.unwrap_or(a.terms_accepted_at)),
            ),
            None => p.t("portal-staff-no-account"),
        }
    }

    /// What became of the latest invitation.
    fn invitation_state(&self) -> Option<String> {
        let p = &self.p;
        let i = self.status.invitation.as_ref()?;
        Some(if i.used_at.is_some() {
            p.t1("portal-staff-invitation-used", "date", p.datetime(&i.created_at))
        } else if i.revoked_at.is_some() {
            p.t1("portal-staff-invitation-revoked", "date", p.datetime(&i.created_at))
        } else if i.expires_at <= self.now {
            p.t1("portal-staff-invitation-expired", "date", p.datetime(&i.expires_at))
        } else {
            let kind = p.label("portal-invitation-kind", &i.kind);
            p.t2(
                "portal-staff-invitation-open",
                "kind",
                kind,
                "date",
                p.datetime(&i.expires_at),
            )
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

struct Shown<'a> {
    form: Form,
    issued: Option<Issued>,
    notice: Option<&'a str>,
    status: StatusCode,
}

async fn page(state: &AppState, ctx: &Ctx, headers: &HeaderMap, id: Uuid, shown: Shown<'_>) -> PageResult {
    let status = service::status(state, ctx, id).await?;
    let may_invite = status.may_invite;
    let (issued_code, issued_sign_in, issued_until) = match shown.issued {
        Some(issued) => (
            issued.code,
            issued.invitation.sign_in,
            crate::i18n::date(&issued.invitation.expires_at.date_naive()),
        ),
        None => (None, String::new(), String::new()),
    };
    let html = render(&PortalTemplate {
        p: Page::new(ctx, "portal-staff-title", "caseload").with_notice(shown.notice),
        participant_id: id,
        status,
        may_invite,
        form: shown.form,
        now: onramp_store::now(),
        site: crate::ical::site_url(state, headers),
        issued_code,
        issued_sign_in,
        issued_until,
    });
    Ok((shown.status, html).into_response())
}

/// `/participants/{id}/portal`
pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let shown = Shown {
        form: Form::empty(),
        issued: None,
        notice: q.notice.as_deref(),
        status: StatusCode::OK,
    };
    page(&state, &ctx, &headers, path_id(&id)?, shown).await
}

pub async fn invite(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let how = match data.get("kind") {
        "code" => Invite::Code,
        _ => Invite::Email(data.get("email").to_owned()),
    };
    let site = crate::ical::site_url(&state, &headers);
    match service::invite(&state, &ctx, id, how, &site).await {
        Ok(issued) if issued.code.is_some() => {
            let shown = Shown {
                form: Form::empty(),
                issued: Some(issued),
                notice: Some("portal-code-made"),
                status: StatusCode::OK,
            };
            page(&state, &ctx, &headers, id, shown).await
        }
        Ok(_) => Ok(see_other(&format!("/participants/{id}/portal"), "portal-invited")),
        Err(AppError::Invalid(errors)) => {
            let shown = Shown {
                form: Form::failed(&data, &errors, ctx.language),
                issued: None,
                notice: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            page(&state, &ctx, &headers, id, shown).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn end(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    service::end(&state, &ctx, id).await?;
    Ok(see_other(&format!("/participants/{id}/portal"), "portal-ended"))
}
