//! A participant's ICF profile: the distance travelled per category (a chart with its data table)
//! and the form for a new measurement; and the ICF categories (administrators add some).

use super::chart::{Point, line_chart};
use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::i18n::icf_title;
use crate::identity::{Ctx, PageCtx};
use crate::service::icf::{self as service, Profile, Row};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::FieldErrors;
use onramp_domain::icf::{Component, MeasurementFields, Moment, Rater, qualifier_choices};
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::icf::Category;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    notice: Option<String>,
}

/// One series as the page shows it: a category or competence as one rater scored it.
struct Line {
    code: String,
    title: String,
    /// Who rated it ("Coach", "Self-rating"), blank for what nobody rated yet.
    rater: String,
    values: Vec<String>,
    change: Option<String>,
    chart: String,
}

/// A category or competence the form rates.
struct Rating {
    code: String,
    title: String,
    /// The qualifier choices (value, text); none for a competence (0-10).
    choices: Options,
}

#[derive(Template)]
#[template(path = "icf.html")]
struct IcfTemplate {
    p: Page,
    participant_id: Uuid,
    participant_name: String,
    dates: Vec<String>,
    moments: Vec<String>,
    lines: Vec<Line>,
    competences: Vec<Line>,
    category_ratings: Vec<Rating>,
    competence_ratings: Vec<Rating>,
    can_edit: bool,
    form: Form,
    moment_options: Options,
    rater_options: Options,
    trajectory_options: Options,
}

/// A qualifier's meaning, in the page's language: "2 · moderate problem", "+3 · substantial facilitator".
fn choice_text(p: &Page, choice: &str) -> String {
    let key = format!("icf-qualifier-{}", choice.replace('+', "f"));
    format!("{choice} · {}", p.t(&key))
}

fn change_text(p: &Page, row: &Row) -> Option<String> {
    row.change.as_ref().map(|c| {
        let sign = if c.change > 0 { "+" } else { "" };
        p.t2(
            "icf-change",
            "change",
            format!("{sign}{}", c.change),
            "count",
            c.measurements.to_string(),
        )
    })
}

/// The lines of the table and the charts: one per series. A chart joins the measurements of its
/// own rater only, so the coach's rating and the self-rating are two lines, never one.
fn lines(p: &Page, profile: &Profile, dates: &[String]) -> (Vec<Line>, Vec<Line>) {
    let line = |row: &Row, title: String, low: i32, high: i32| {
        let rater = row.rater.map(|r| p.label("icf-rater", r.as_str())).unwrap_or_default();
        let points: Vec<Point> = dates
            .iter()
            .zip(&row.scores)
            .zip(&profile.measurements)
            .filter(|(_, m)| row.rater.is_some_and(|r| m.rater == r.as_str()))
            .map(|((label, value), _)| Point {
                label: label.clone(),
                value: *value,
            })
            .collect();
        Line {
            chart: line_chart(&format!("{} {title} ({rater})", row.code), &points, low, high),
            change: change_text(p, row),
            code: row.code.clone(),
            title,
            rater,
            values: row.values.clone(),
        }
    };
    let categories = profile
        .rows
        .iter()
        .filter_map(|row| {
            let category = profile.categories.iter().find(|c| c.code == row.code)?;
            let low = if category.component() == Component::Environment {
                -4
            } else {
                0
            };
            Some(line(row, icf_title(category, p.lang), low, 4))
        })
        .collect();
    let competences = profile
        .competences
        .iter()
        .map(|row| line(row, profile.competence_name(p.lang, &row.code), 0, 10))
        .collect();
    (categories, competences)
}

/// What the form rates: every category, and every competence of the profile (once each).
fn ratings(p: &Page, profile: &Profile) -> (Vec<Rating>, Vec<Rating>) {
    let categories = profile
        .categories
        .iter()
        .map(|category| Rating {
            code: category.code.clone(),
            title: icf_title(category, p.lang),
            choices: qualifier_choices(category.component())
                .iter()
                .map(|c| (c.to_string(), choice_text(p, c)))
                .collect(),
        })
        .collect();
    let mut competences: Vec<Rating> = Vec::new();
    for row in &profile.competences {
        if !competences.iter().any(|c| c.code == row.code) {
            competences.push(Rating {
                code: row.code.clone(),
                title: profile.competence_name(p.lang, &row.code),
                choices: Vec::new(),
            });
        }
    }
    (categories, competences)
}

async fn page(state: &AppState, ctx: &Ctx, id: Uuid, notice: Option<&str>, form: Form) -> PageResult {
    let profile = service::profile(state, ctx, id).await?;
    let p = Page::new(ctx, "icf-title", "caseload").with_notice(notice);
    let dates: Vec<String> = profile.measurements.iter().map(|m| p.date(&m.measured_on)).collect();
    let moments = profile
        .measurements
        .iter()
        .map(|m| {
            format!(
                "{} · {}",
                p.label("icf-moment", &m.moment),
                p.label("icf-rater", &m.rater)
            )
        })
        .collect();
    let (lines, competences) = lines(&p, &profile, &dates);
    let (category_ratings, competence_ratings) = ratings(&p, &profile);
    let template = IcfTemplate {
        category_ratings,
        competence_ratings,
        moment_options: Moment::ALL
            .iter()
            .map(|m| (m.as_str().to_owned(), p.label("icf-moment", m.as_str())))
            .collect(),
        rater_options: Rater::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), p.label("icf-rater", r.as_str())))
            .collect(),
        trajectory_options: profile
            .trajectories
            .iter()
            .map(|(tid, programme, started)| (tid.to_string(), format!("{programme} ({})", p.date(started))))
            .collect(),
        p,
        participant_id: id,
        participant_name: profile.participant_name.clone(),
        dates,
        moments,
        lines,
        competences,
        can_edit: profile.can_edit,
        form,
    };
    Ok(render(&template).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<Uuid>,
    Query(params): Query<Params>,
) -> PageResult {
    let today = crate::time::today().to_string();
    let form = Form::with_values(vec![("measured_on".into(), today), ("rater".into(), "coach".into())]);
    page(&state, &ctx, id, params.notice.as_deref(), form).await
}

/// The form's fields: `ratings.<code>` and `competences.<code>` name each rating.
fn fields(data: &FormData) -> MeasurementFields {
    let mut fields = MeasurementFields {
        trajectory_id: data.get("trajectory_id").to_owned(),
        measured_on: data.get("measured_on").to_owned(),
        moment: data.get("moment").to_owned(),
        rater: data.get("rater").to_owned(),
        note: data.get("note").to_owned(),
        ..Default::default()
    };
    for (name, value) in data.pairs() {
        if let Some(code) = name.strip_prefix("ratings.") {
            fields.ratings.insert(code.to_owned(), value.clone());
        } else if let Some(code) = name.strip_prefix("competences.") {
            fields.competences.insert(code.to_owned(), value.clone());
        }
    }
    fields
}

pub async fn add(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<Uuid>,
    data: FormData,
) -> PageResult {
    match service::add_measurement(&state, &ctx, id, &fields(&data)).await {
        Ok(_) => Ok(see_other(&format!("/participants/{id}/icf"), "measurement-recorded")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            let response = page(&state, &ctx, id, None, form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "icf_categories.html")]
struct CategoriesTemplate {
    p: Page,
    categories: Vec<Category>,
    can_add: bool,
    form: Form,
}

async fn categories_page(state: &AppState, ctx: &Ctx, notice: Option<&str>, form: Form) -> PageResult {
    let categories = service::categories(state).await?;
    let template = CategoriesTemplate {
        p: Page::new(ctx, "icf-categories-title", "reference").with_notice(notice),
        categories,
        can_add: policy::decide(&ctx.actor, Action::ManageReferenceData) == Decision::Allow,
        form,
    };
    Ok(render(&template).into_response())
}

pub async fn categories(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(params): Query<Params>,
) -> PageResult {
    categories_page(&state, &ctx, params.notice.as_deref(), Form::empty()).await
}

pub async fn add_category(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let titles = [data.get("title_nl"), data.get("title_fr"), data.get("title_en")];
    match service::add_category(&state, &ctx, data.get("code"), titles).await {
        Ok(_) => Ok(see_other("/icf/categories", "created")),
        Err(AppError::Invalid(errors)) => failed_category(&state, &ctx, &data, &errors).await,
        Err(error) => Err(error.into()),
    }
}

async fn failed_category(state: &AppState, ctx: &Ctx, data: &FormData, errors: &FieldErrors) -> PageResult {
    let form = Form::failed(data, errors, ctx.language);
    let response = categories_page(state, ctx, None, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
}
