//! The calendar feeds page, and the public feed address itself (the secret is the key).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::ical::feed_url;
use crate::identity::{Ctx, PageCtx};
use crate::service::calendars as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::calendar_feeds::CalendarFeed;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "calendars.html")]
struct CalendarsTemplate {
    p: Page,
    feeds: Vec<CalendarFeed>,
    locations: Options,
    form: Form,
    new_url: Option<String>,
}

/// Locations whose calendar the actor may subscribe to.
async fn locations(state: &AppState, ctx: &Ctx) -> Result<Options, AppError> {
    let organisations = crate::service::organisations::list(state, ctx, &Default::default())
        .await
        .unwrap_or_default();
    let mut conn = state.db.conn().await?;
    let mut options = Vec::new();
    for o in organisations {
        if policy::decide(&ctx.actor, Action::SubscribeLocation(&o.as_ref())) != Decision::Allow {
            continue;
        }
        for l in onramp_store::locations::list_for_organisation(&mut conn, o.id).await? {
            options.push((l.id.to_string(), format!("{} · {}", o.name, l.name)));
        }
    }
    Ok(options)
}

async fn page(state: &AppState, ctx: &Ctx, form: Form, new_url: Option<String>, notice: Option<&str>) -> PageResult {
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = CalendarsTemplate {
        p: Page::new(ctx, "calendars-title", "sessions").with_notice(notice),
        feeds: service::list(state, ctx).await?,
        locations: locations(state, ctx).await?,
        form: form.prefixed("feed"),
        new_url,
    };
    Ok((status, render(&template)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<Notice>) -> PageResult {
    page(&state, &ctx, Form::empty(), None, q.notice.as_deref()).await
}

pub async fn create(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    headers: HeaderMap,
    data: FormData,
) -> PageResult {
    let result = match parse_optional_id(data.get("location_id")) {
        Ok(location) => service::create(&state, &ctx, location).await,
        Err(code) => Err(AppError::invalid("location_id", code)),
    };
    match result {
        Ok((_, secret)) => {
            let url = feed_url(&state, &headers, &secret);
            page(&state, &ctx, Form::empty(), Some(url), Some("created")).await
        }
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, form, None, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn revoke(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    service::revoke(&state, &ctx, id).await?;
    Ok(see_other("/calendars", "feed-revoked"))
}

/// `GET /calendar/{secret}.ics`: no session needed; an unknown or revoked secret is 404.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    match service::render(&state, secret).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => error.into_response(),
    }
}
