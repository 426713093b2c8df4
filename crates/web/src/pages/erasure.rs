//! The anonymisation form of a participant file: what will happen, a reason, anonymise or delete
//! as registered by mistake, a confirmation (docs/retention.md).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::erasure as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::FieldErrors;
use onramp_domain::erasure::{Treatment, reason};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "participant_anonymise.html")]
struct AnonymiseTemplate {
    p: Page,
    participant_id: Uuid,
    /// Anonymised already: only an erasure is left to do.
    anonymised: bool,
    held: bool,
    form: Form,
}

async fn page(state: &AppState, ctx: &Ctx, id: Uuid, form: Form, status: StatusCode) -> PageResult {
    let mut conn = state.db.conn().await?;
    let standing = service::authorise(&mut conn, ctx, id).await?;
    let template = AnonymiseTemplate {
        p: Page::new(ctx, "anonymise-title", "privacy"),
        participant_id: id,
        anonymised: standing.anonymised_at.is_some(),
        held: standing.legal_hold_reason.is_some(),
        form,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn form(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    let form = Form::with_values(vec![("treatment".into(), "anonymise".into())]);
    page(&state, &ctx, id, form, StatusCode::OK).await
}

/// The form's fields: the treatment, the reason and the confirmation.
fn parse(data: &FormData) -> Result<(Treatment, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let treatment = errors.check("treatment", Treatment::parse(data.get("treatment")));
    let reason = errors.check("reason", reason(data.get("reason")));
    if !data.checked("confirm") {
        errors.add("confirm", "not-confirmed");
    }
    errors.finish(|| (treatment.unwrap(), reason.unwrap()))
}

pub async fn submit(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let mut conn = state.db.conn().await?;
    service::authorise(&mut conn, &ctx, id).await?;
    drop(conn);
    let result = match parse(&data) {
        Ok((treatment, reason)) => service::treat(&state, &ctx, id, treatment, &reason)
            .await
            .map(|_| treatment),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(Treatment::Anonymise) => Ok(see_other("/retention", "anonymised")),
        Ok(Treatment::Erase) => Ok(see_other("/retention", "erased")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, id, form, StatusCode::CONFLICT).await
        }
        Err(error) => Err(error.into()),
    }
}
