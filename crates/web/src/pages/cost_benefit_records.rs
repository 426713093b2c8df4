//! The participants and hours behind the cost-benefit's figures: the dashboard's list of people
//! (`/cost-benefit/people`) and the coach hours per partner (`/cost-benefit/hours`); the tables
//! as downloads (`/cost-benefit.csv?table=`, `/cost-benefit.xlsx`).

use super::dashboard::PeopleTemplate;
use super::layout::{Page, PageResult, render};
use crate::identity::PageCtx;
use crate::requests::cost_benefit::{
    CostBenefitQuery, DownloadQuery, PeopleQuery, csv_download, pdf_download, people_page, xlsx_download,
};
use crate::service::cost_benefit::Request;
use crate::service::cost_benefit_records::{self as service, PartnerHours};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;

/// The heading of a figure's list, in the reader's language.
fn heading(p: &Page, figure: &str, value: &str) -> String {
    match figure {
        "took_step" => p.t("cb-took-step"),
        "paid_work" => p.t("cb-paid-work"),
        "in_work" => p.t1("cb-in-work-at", "months", value),
        _ => p.t("cb-participants"),
    }
}

pub async fn people(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<PeopleQuery>,
) -> PageResult {
    let (rows, next) = people_page(&state, &ctx, &query).await?;
    let request = query.scope().request()?;
    let p = Page::new(&ctx, "dashboard-people-title", "cost-benefit");
    let figure = query.figure.clone().unwrap_or_default();
    let value = query.value.clone().unwrap_or_default();
    let next = next.map(|cursor| {
        let extra = serde_urlencoded::to_string([("figure", &figure), ("value", &value), ("after", &cursor)]);
        format!("{}&{}", request.link("/cost-benefit/people"), extra.unwrap_or_default())
    });
    let template = PeopleTemplate {
        heading: heading(&p, &figure, &value),
        p,
        from: request.from,
        to: request.to,
        rows,
        back: request.link("/cost-benefit"),
        back_label: "cb-back",
        next,
    };
    Ok(render(&template).into_response())
}

#[derive(Template)]
#[template(path = "cost_benefit_hours.html")]
struct HoursTemplate {
    p: Page,
    request: Request,
    rows: Vec<PartnerHours>,
    back: String,
}

impl HoursTemplate {
    fn euros(&self, cents: &i64) -> String {
        format!("€ {}", self.p.decimal(*cents as f64 / 100.0, 2))
    }

    fn hours(&self, hundredths: &i64) -> String {
        self.p.decimal(*hundredths as f64 / 100.0, 2)
    }
}

pub async fn hours(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<CostBenefitQuery>,
) -> PageResult {
    let request = query.request()?;
    let rows = service::hours(&state, &ctx, request).await?;
    let template = HoursTemplate {
        p: Page::new(&ctx, "cb-hours-title", "cost-benefit"),
        back: request.link("/cost-benefit"),
        request,
        rows,
    };
    Ok(render(&template).into_response())
}

pub async fn export_csv(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<DownloadQuery>,
) -> PageResult {
    Ok(csv_download(&state, &ctx, &query).await?)
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<DownloadQuery>,
) -> PageResult {
    Ok(xlsx_download(&state, &ctx, &query).await?)
}

pub async fn funding_case(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<DownloadQuery>,
) -> PageResult {
    Ok(pdf_download(&state, &ctx, &query).await?)
}
