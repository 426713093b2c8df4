//! `/portal/ratings`: the participant scores the competences of their programme from 0 to 10 and
//! sees their own scores over time, as a chart with the same figures in a table under it.

use super::chart::{Series, lines_chart};
use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PortalCtx};
use crate::service::portal_ratings::{self as service, Competence, SCALE, SelfRatings};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How many self-ratings the chart shows (the latest); the table shows them all.
const CHART_POINTS: usize = 10;

/// The form's fields for the scores: `competences.<code>`.
const PREFIX: &str = "competences.";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// One row of the table: a day and its score per column ("—" when not scored).
struct TableRow {
    date: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "portal_ratings.html")]
struct RatingsTemplate {
    p: Page,
    /// The competences to score now.
    asked: Vec<Competence>,
    /// The competences scored at least once: the table's columns and the chart's lines.
    columns: Vec<Competence>,
    rows: Vec<TableRow>,
    chart: Option<String>,
    form: Form,
}

fn chart(p: &Page, columns: &[Competence], own: &SelfRatings) -> Option<String> {
    let shown = &own.ratings[own.ratings.len().saturating_sub(CHART_POINTS)..];
    if shown.is_empty() {
        return None;
    }
    let labels: Vec<String> = shown
        .iter()
        .map(|r| r.measured_on.format("%d/%m").to_string())
        .collect();
    let series: Vec<Series> = columns
        .iter()
        .map(|c| Series {
            name: c.name.clone(),
            values: shown.iter().map(|r| r.scores.get(&c.code).copied()).collect(),
        })
        .collect();
    let title = p.t("portal-ratings-chart-title");
    let desc = p.t("portal-ratings-chart-desc");
    Some(lines_chart(
        "progress", &title, &desc, &labels, &series, SCALE.0, SCALE.1,
    ))
}

async fn page(state: &AppState, ctx: &Ctx, form: Form, notice: Option<&str>) -> PageResult {
    let own = service::self_ratings(state, ctx).await?;
    let p = Page::new(ctx, "portal-ratings-title", "portal-ratings").with_notice(notice);
    let columns: Vec<Competence> = own
        .competences
        .iter()
        .filter(|c| own.ratings.iter().any(|r| r.scores.contains_key(&c.code)))
        .cloned()
        .collect();
    let rows = own
        .ratings
        .iter()
        .rev()
        .map(|r| TableRow {
            date: p.date(&r.measured_on),
            cells: columns
                .iter()
                .map(|c| r.scores.get(&c.code).map_or("—".to_owned(), i32::to_string))
                .collect(),
        })
        .collect();
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = RatingsTemplate {
        chart: chart(&p, &columns, &own),
        asked: own.competences.iter().filter(|c| c.asked).cloned().collect(),
        columns,
        rows,
        form,
        p,
    };
    Ok((status, render(&template)).into_response())
}

/// `GET /portal/ratings`: the form and the progress so far.
pub async fn show(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    page(&state, &ctx, Form::empty(), q.notice.as_deref()).await
}

/// `POST /portal/ratings`: records today's scores; errors are shown at their fields, with what
/// was typed kept.
pub async fn fill_in(State(state): State<AppState>, PortalCtx(ctx): PortalCtx, data: FormData) -> PageResult {
    let scores: BTreeMap<String, String> = data
        .pairs()
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix(PREFIX)?.to_owned(), value.clone())))
        .collect();
    match service::fill_in(&state, &ctx, &scores).await {
        Ok(_) => Ok(see_other("/portal/ratings", "self-rating-saved")),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, Form::failed(&data, &errors, ctx.language), None).await,
        Err(other) => Err(other.into()),
    }
}
