//! Regional partnerships.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::regions::RegionInput;
use onramp_store::regions::Region;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsTemplate {
    p: Page,
    regions: Vec<Region>,
    form: Form,
    /// The region whose rename failed, with its form.
    failed_edit: Option<(Uuid, Form)>,
    can_manage: bool,
}

impl RegionsTemplate {
    fn edit_form(&self, id: &Uuid, region: &Region) -> Form {
        match &self.failed_edit {
            Some((failed, form)) if failed == id => form.clone(),
            _ => Form::with_values(vec![
                ("code".into(), region.code.clone()),
                ("name".into(), region.name.clone()),
            ]),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    form: Form,
    failed_edit: Option<(Uuid, Form)>,
    notice: Option<&str>,
) -> PageResult {
    let regions = service::regions::list(state, ctx).await?;
    let status = if form.has_errors() || failed_edit.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = RegionsTemplate {
        p: Page::new(ctx, "regions-title", "regions").with_notice(notice),
        regions,
        form,
        failed_edit,
        can_manage: policy::decide(&ctx.actor, Action::ManageRegions) == Decision::Allow,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<Notice>) -> PageResult {
    page(&state, &ctx, Form::empty(), None, q.notice.as_deref()).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    service::require(&ctx.actor, Action::ManageRegions)?;
    let result = match RegionInput::parse(data.get("code"), data.get("name")) {
        Ok(input) => service::regions::create(&state, &ctx, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other("/regions", "created")),
        Err(AppError::Invalid(errors)) => {
            page(&state, &ctx, Form::failed(&data, &errors, ctx.language), None, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    service::require(&ctx.actor, Action::ManageRegions)?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let result = match RegionInput::parse(data.get("code"), data.get("name")) {
        Ok(input) => service::regions::update(&state, &ctx, id, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other("/regions", "saved")),
        Err(AppError::Invalid(errors)) => {
            let failed = Some((id, Form::failed(&data, &errors, ctx.language)));
            page(&state, &ctx, Form::empty(), failed, None).await
        }
        Err(error) => Err(error.into()),
    }
}
