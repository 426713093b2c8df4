//! Programme templates: read by everyone who runs a programme, defined by administrators.

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
use onramp_domain::participants::Situation;
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::programmes::{ProgrammeFields, ProgrammeInput};
use onramp_store::programmes::Programme;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "programmes.html")]
struct ListTemplate {
    p: Page,
    programmes: Vec<Programme>,
    can_manage: bool,
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    let programmes = super::options::programme_list(&state, &ctx).await?;
    let can_manage = policy::decide(&ctx.actor, Action::ManageProgrammes) == Decision::Allow;
    Ok(render(&ListTemplate {
        p: Page::new(&ctx, "programmes-title", "programmes"),
        programmes,
        can_manage,
    }))
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ShowTemplate {
    p: Page,
    programme: Option<Programme>,
    form: Form,
    situations: Vec<(String, String)>,
    can_manage: bool,
}

fn values(definition: &ProgrammeInput) -> Vec<(String, String)> {
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let lines = onramp_domain::programmes::step_lines;
    let mut values = vec![
        ("code".to_owned(), definition.code.clone()),
        ("name".to_owned(), definition.name.clone()),
        (
            "description".to_owned(),
            definition.description.clone().unwrap_or_default(),
        ),
        ("min_age".to_owned(), number(definition.min_age)),
        ("max_age".to_owned(), number(definition.max_age)),
        ("min_sick_months".to_owned(), number(definition.min_sick_months)),
        ("max_sick_months".to_owned(), number(definition.max_sick_months)),
        (
            "max_duration_months".to_owned(),
            definition.max_duration_months.to_string(),
        ),
        (
            "follow_up_months".to_owned(),
            definition
                .follow_up_months
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("no_contact_days".to_owned(), definition.no_contact_days.to_string()),
        ("retention_years".to_owned(), definition.retention_years.to_string()),
        (
            "reports_to_esf".to_owned(),
            if definition.reports_to_esf { "on" } else { "" }.to_owned(),
        ),
        ("phases".to_owned(), lines(&definition.phases)),
        ("modules".to_owned(), lines(&definition.modules)),
        ("competences".to_owned(), lines(&definition.competences)),
    ];
    values.extend(
        definition
            .situations
            .iter()
            .map(|s| ("situations".to_owned(), s.as_str().to_owned())),
    );
    values
}

fn fields(data: &FormData) -> ProgrammeFields {
    ProgrammeFields {
        code: data.get("code").into(),
        name: data.get("name").into(),
        description: data.get("description").into(),
        min_age: data.get("min_age").into(),
        max_age: data.get("max_age").into(),
        min_sick_months: data.get("min_sick_months").into(),
        max_sick_months: data.get("max_sick_months").into(),
        situations: data.all("situations"),
        max_duration_months: data.get("max_duration_months").into(),
        follow_up_months: data.get("follow_up_months").into(),
        no_contact_days: data.get("no_contact_days").into(),
        retention_years: data.get("retention_years").into(),
        reports_to_esf: data.checked("reports_to_esf"),
        phases: data.get("phases").into(),
        modules: data.get("modules").into(),
        competences: data.get("competences").into(),
    }
}

fn page(ctx: &Ctx, programme: Option<Programme>, form: Form, notice: Option<&str>) -> PageResult {
    let title = if programme.is_some() {
        "programme-title"
    } else {
        "programme-new-title"
    };
    let mut p = Page::new(ctx, title, "programmes").with_notice(notice);
    // Shown in the reader's language; the form's values were taken from the stored text.
    let programme = programme.map(|mut g| {
        crate::builtin_names::localise_programme(ctx.language, &mut g);
        g
    });
    if let Some(programme) = &programme {
        p.title = programme.definition.name.clone();
    }
    let situations = Situation::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), p.label("situation", s)))
        .collect();
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let can_manage = policy::decide(&ctx.actor, Action::ManageProgrammes) == Decision::Allow;
    Ok((
        status,
        render(&ShowTemplate {
            p,
            programme,
            form,
            situations,
            can_manage,
        }),
    )
        .into_response())
}

pub async fn new(PageCtx(ctx): PageCtx) -> PageResult {
    service::require(&ctx.actor, Action::ManageProgrammes)?;
    page(
        &ctx,
        None,
        Form::with_values(vec![
            ("max_duration_months".into(), "12".into()),
            (
                "no_contact_days".into(),
                onramp_domain::programmes::DEFAULT_NO_CONTACT_DAYS.to_string(),
            ),
            (
                "retention_years".into(),
                onramp_domain::programmes::DEFAULT_RETENTION_YEARS.to_string(),
            ),
            (
                "competences".into(),
                onramp_domain::programmes::step_lines(&onramp_domain::programmes::seed_competences()),
            ),
        ]),
        None,
    )
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    service::require(&ctx.actor, Action::ManageProgrammes)?;
    let result = match ProgrammeInput::parse(&fields(&data)) {
        Ok(input) => service::programmes::create(&state, &ctx, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(programme) => Ok(see_other(&format!("/programmes/{}", programme.id), "created")),
        Err(AppError::Invalid(errors)) => page(&ctx, None, Form::failed(&data, &errors, ctx.language), None),
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let programme = service::programmes::get(&state, &ctx, id).await?;
    let form = Form::with_values(values(&programme.definition));
    page(&ctx, Some(programme), form, q.notice.as_deref())
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    service::require(&ctx.actor, Action::ManageProgrammes)?;
    let result = match ProgrammeInput::parse(&fields(&data)) {
        Ok(input) => service::programmes::update(&state, &ctx, id, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/programmes/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            let programme = service::programmes::get(&state, &ctx, id).await?;
            page(&ctx, Some(programme), Form::failed(&data, &errors, ctx.language), None)
        }
        Err(error) => Err(error.into()),
    }
}
