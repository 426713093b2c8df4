//! The retention page: files due within 90 days and past due, with their legal holds
//! (docs/retention.md).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::retention as service;
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use onramp_domain::FieldErrors;
use onramp_domain::erasure::reason;
use onramp_store::retention::Due;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionTemplate {
    p: Page,
    due: Vec<Due>,
    today: NaiveDate,
    /// The file whose hold form failed, and its errors.
    failed: Option<(Uuid, Form)>,
}

impl RetentionTemplate {
    /// The hold form of a file: the failed one as sent, the others empty.
    fn hold_form(&self, id: &Uuid) -> Form {
        match &self.failed {
            Some((failed, form)) if failed == id => form.clone().prefixed(id.simple().to_string()),
            _ => Form::default().prefixed(id.simple().to_string()),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

async fn page(state: &AppState, ctx: &Ctx, notice: Option<&str>, failed: Option<(Uuid, Form)>) -> PageResult {
    let today = today();
    let due = service::due(state, ctx, today).await?;
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = RetentionTemplate {
        p: Page::new(ctx, "retention-title", "retention").with_notice(notice),
        due,
        today,
        failed,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<Notice>) -> PageResult {
    page(&state, &ctx, q.notice.as_deref(), None).await
}

pub async fn hold(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::ManageRetention)?;
    let result = match reason(data.get("reason")) {
        Ok(reason) => service::hold(&state, &ctx, id, &reason).await.map(|_| ()),
        Err(code) => Err(AppError::Invalid(FieldErrors::single("reason", code))),
    };
    match result {
        Ok(()) => Ok(see_other("/retention", "hold-set")),
        Err(AppError::Invalid(errors) | AppError::Conflict(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, None, Some((id, form))).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn lift(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    service::lift(&state, &ctx, id).await?;
    Ok(see_other("/retention", "hold-lifted"))
}
