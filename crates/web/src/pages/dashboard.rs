//! The programme dashboard page: figures for a period and scope, each with its definition.

use super::{Form, OrPage, Page, PageResult, render};
use crate::AppState;
use crate::api::DashboardQuery;
use crate::identity::PageCtx;
use crate::service::dashboard::{self as service, Dashboard};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use onramp_domain::identity::Role;
use onramp_domain::policy::{self, Action, Decision};

type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardTemplate {
    p: Page,
    filter: Form,
    organisations: Options,
    regions: Options,
    programmes: Options,
    d: Dashboard,
}

impl DashboardTemplate {
    fn share(&self, value: &Option<f64>) -> String {
        value.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(mut query): Query<DashboardQuery>,
) -> PageResult {
    let lang = ctx.language;
    let organisations: Vec<_> = crate::service::organisations::list(&state, &ctx, &Default::default())
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::ViewDashboard(Some(&o.as_ref()), None)) == Decision::Allow)
        .collect();
    let regions: Vec<_> = crate::service::regions::list(&state, &ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| policy::decide(&ctx.actor, Action::ViewDashboard(None, Some(r.id))) == Decision::Allow)
        .collect();
    // Those who may not see everything start with the first scope they may see.
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&query.organisation_id) && blank(&query.region_id) {
        match ctx.actor.role {
            Role::Coordinator => query.region_id = regions.first().map(|r| r.id.to_string()),
            Role::Coach | Role::CareTeam => {
                query.organisation_id = organisations
                    .iter()
                    .find(|o| o.kind.as_str() != "provider")
                    .or(organisations.first())
                    .map(|o| o.id.to_string())
            }
            _ => {}
        }
    }
    let request = query.request().or_page(lang)?;
    let d = service::figures(&state, &ctx, request).await.or_page(lang)?;
    // Programme names are no secret: funders filter by programme too.
    let mut conn = state
        .db
        .conn()
        .await
        .map_err(crate::error::AppError::from)
        .or_page(lang)?;
    let programmes = onramp_store::programmes::list(&mut conn)
        .await
        .map_err(crate::error::AppError::from)
        .or_page(lang)?
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    drop(conn);
    let text = |v: Option<uuid::Uuid>| v.map(|id| id.to_string()).unwrap_or_default();
    let filter = Form::with_values(vec![
        ("from".into(), d.from.to_string()),
        ("to".into(), d.to.to_string()),
        ("organisation_id".into(), text(d.organisation_id)),
        ("region_id".into(), text(d.region_id)),
        ("programme_id".into(), text(d.programme_id)),
    ]);
    let template = DashboardTemplate {
        p: Page::new(&ctx, "dashboard-title", "dashboard"),
        filter,
        organisations: organisations.into_iter().map(|o| (o.id.to_string(), o.name)).collect(),
        regions: regions.into_iter().map(|r| (r.id.to_string(), r.name)).collect(),
        programmes,
        d,
    };
    Ok(render(&template).into_response())
}
