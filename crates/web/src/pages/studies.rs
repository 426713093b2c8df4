//! Research studies: administrators create and change them; a researcher's home lists their
//! studies with the download of each export.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service;
use crate::service::studies::Choices;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::research::{DEFAULT_K, StudyInput};
use onramp_store::studies::Study;
use serde::Deserialize;
use uuid::Uuid;

/// A study as its row shows it.
struct Listed {
    study: Study,
    programmes: String,
}

#[derive(Template)]
#[template(path = "studies.html")]
struct StudiesTemplate {
    p: Page,
    studies: Vec<Listed>,
    can_manage: bool,
    form: Form,
    programmes: Vec<(String, String)>,
    researchers: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "study.html")]
struct StudyTemplate {
    p: Page,
    study: Listed,
    researchers_named: Vec<String>,
    can_manage: bool,
    form: Form,
    programmes: Vec<(String, String)>,
    researchers: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

fn can_manage(ctx: &Ctx) -> bool {
    policy::decide(&ctx.actor, Action::ManageStudies) == Decision::Allow
}

/// The form's choices, for administrators (others get none and see no form).
async fn choices(state: &AppState, ctx: &Ctx) -> Result<Choices, AppError> {
    if can_manage(ctx) {
        service::studies::choices(state, ctx).await
    } else {
        Ok(Choices {
            programmes: Vec::new(),
            researchers: Vec::new(),
        })
    }
}

fn options(items: &[(Uuid, String)]) -> Vec<(String, String)> {
    items.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()
}

fn listed(study: Study, choices: &Choices, all_programmes: &[(Uuid, String)]) -> Listed {
    let source = if choices.programmes.is_empty() {
        all_programmes
    } else {
        &choices.programmes
    };
    let programmes = study
        .programme_ids
        .iter()
        .map(|id| {
            source
                .iter()
                .find(|(p, _)| p == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| id.to_string())
        })
        .collect::<Vec<_>>()
        .join(", ");
    Listed { study, programmes }
}

/// The programmes' names, which researchers (who may not read the programme templates) see on
/// their studies too.
async fn programme_names(state: &AppState) -> Result<Vec<(Uuid, String)>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(onramp_store::programmes::list(&mut conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.definition.name))
        .collect())
}

fn form_of(study: &Study) -> Form {
    let mut values = vec![
        ("title".to_owned(), study.title.clone()),
        ("starts_on".to_owned(), study.starts_on.to_string()),
        ("ends_on".to_owned(), study.ends_on.to_string()),
        ("k".to_owned(), study.k.to_string()),
    ];
    values.extend(
        study
            .programme_ids
            .iter()
            .map(|id| ("programme_ids".to_owned(), id.to_string())),
    );
    values.extend(
        study
            .researcher_ids
            .iter()
            .map(|id| ("researcher_ids".to_owned(), id.to_string())),
    );
    Form::with_values(values)
}

async fn list_page(state: &AppState, ctx: &Ctx, form: Form, notice: Option<&str>) -> PageResult {
    let studies = service::studies::list(state, ctx).await?;
    let choices = choices(state, ctx).await?;
    let names = programme_names(state).await?;
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = StudiesTemplate {
        p: Page::new(ctx, "studies-title", "studies").with_notice(notice),
        studies: studies.into_iter().map(|s| listed(s, &choices, &names)).collect(),
        can_manage: can_manage(ctx),
        form,
        programmes: options(&choices.programmes),
        researchers: options(&choices.researchers),
    };
    Ok((status, render(&template)).into_response())
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<Notice>) -> PageResult {
    let form = Form::with_values(vec![("k".into(), DEFAULT_K.to_string())]);
    list_page(&state, &ctx, form, q.notice.as_deref()).await
}

fn parse(data: &FormData) -> Result<StudyInput, AppError> {
    Ok(StudyInput::parse(
        data.get("title"),
        data.get("starts_on"),
        data.get("ends_on"),
        data.get("k"),
        &data.all("programme_ids"),
        &data.all("researcher_ids"),
    )?)
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    service::require(&ctx.actor, Action::ManageStudies)?;
    let result = match parse(&data) {
        Ok(input) => service::studies::create(&state, &ctx, input).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(study) => Ok(see_other(&format!("/studies/{}", study.id), "created")),
        Err(AppError::Invalid(errors)) => {
            list_page(&state, &ctx, Form::failed(&data, &errors, ctx.language), None).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn study_page(state: &AppState, ctx: &Ctx, id: Uuid, form: Option<Form>, notice: Option<&str>) -> PageResult {
    let study = service::studies::get(state, ctx, id).await?;
    let choices = choices(state, ctx).await?;
    let names = programme_names(state).await?;
    let researchers_named = study
        .researcher_ids
        .iter()
        .map(|id| {
            choices
                .researchers
                .iter()
                .find(|(r, _)| r == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| id.to_string())
        })
        .collect();
    let status = if form.as_ref().is_some_and(Form::has_errors) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = StudyTemplate {
        p: Page::new(ctx, "study-title", "studies").with_notice(notice),
        form: form.unwrap_or_else(|| form_of(&study)),
        study: listed(study, &choices, &names),
        researchers_named,
        can_manage: can_manage(ctx),
        programmes: options(&choices.programmes),
        researchers: options(&choices.researchers),
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    study_page(&state, &ctx, path_id(&id)?, None, q.notice.as_deref()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    service::require(&ctx.actor, Action::ManageStudies)?;
    let id = path_id(&id)?;
    let result = match parse(&data) {
        Ok(input) => service::studies::update(&state, &ctx, id, input).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/studies/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            study_page(&state, &ctx, id, Some(form), None).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The export's download, the same as the API's.
pub async fn export(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    let response: Response = crate::download::stream_study_export(state, ctx, id).await?;
    Ok(response)
}
