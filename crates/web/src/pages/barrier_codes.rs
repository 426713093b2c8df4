//! The barrier codes page: the built-in codes and those administrators added, with a form to add one.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::barrier_codes as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::policy::{self, Action, Decision};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "barrier_codes.html")]
struct BarrierCodesTemplate {
    p: Page,
    codes: Vec<(String, String, bool)>,
    can_add: bool,
    form: Form,
}

async fn page(state: &AppState, ctx: &Ctx, notice: Option<&str>, form: Form) -> PageResult {
    let names = service::names(state).await?;
    let template = BarrierCodesTemplate {
        p: Page::new(ctx, "barrier-codes-title", "reference").with_notice(notice),
        codes: names.all(ctx.language),
        can_add: policy::decide(&ctx.actor, Action::ManageReferenceData) == Decision::Allow,
        form,
    };
    Ok(render(&template).into_response())
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(params): Query<Params>) -> PageResult {
    page(&state, &ctx, params.notice.as_deref(), Form::empty()).await
}

pub async fn add(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    match service::add(&state, &ctx, data.get("code"), data.get("name")).await {
        Ok(_) => Ok(see_other("/barrier-codes", "created")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            let response = page(&state, &ctx, None, form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
