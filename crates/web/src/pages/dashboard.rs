//! The programme dashboard page: figures for a period and scope, each with its definition.

use super::form::Form;
use super::layout::{Page, PageResult, render};
use crate::download::download;
use crate::error::AppError;
use crate::exchange::report;
use crate::identity::{Ctx, PageCtx};
use crate::requests::dashboard::{DashboardQuery, PeopleQuery, people_page};
use crate::service::barrier_codes::BarrierNames;
use crate::service::dashboard::{Dashboard, Request};
use crate::service::dashboard_trend::{Previous, Trend, Unit};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use onramp_domain::identity::Role;
use onramp_domain::policy::{self, Action, DashboardScope, Decision};

type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardTemplate {
    p: Page,
    filter: Form,
    organisations: Options,
    regions: Options,
    programmes: Options,
    locations: Options,
    coaches: Options,
    d: Dashboard,
    /// The period the main figures are compared with, and each figure beside its previous value.
    previous: Previous,
    trends: Vec<Trend>,
    /// Each region's figures, when the viewer may see two or more.
    regions_side: Vec<(String, Dashboard)>,
    /// Whether the viewer may see the people behind the figures (funders see figures only).
    can_list: bool,
    /// Whether the viewer may see the presence actions and agreements behind the figures of activity.
    can_list_activities: bool,
    barrier_names: BarrierNames,
}

/// A query string of the pairs with a value.
pub(super) fn query_string(pairs: &[(&str, String)]) -> String {
    let kept: Vec<_> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// The period and scope of a dashboard as query pairs.
pub(super) fn scope_pairs(r: &Request) -> Vec<(&'static str, String)> {
    let text = |v: Option<uuid::Uuid>| v.map(|id| id.to_string()).unwrap_or_default();
    vec![
        ("from", r.from.to_string()),
        ("to", r.to.to_string()),
        ("organisation_id", text(r.organisation_id)),
        ("region_id", text(r.region_id)),
        ("programme_id", text(r.programme_id)),
        ("location_id", text(r.location_id)),
        ("coach_id", text(r.coach_id)),
    ]
}

impl DashboardTemplate {
    /// The period and scope as a query string, for the downloads.
    fn query(&self) -> String {
        query_string(&scope_pairs(&self.d.request))
    }

    fn barrier_name(&self, code: &str) -> String {
        self.barrier_names.name(self.p.lang, code)
    }

    /// A list behind a figure of activity (`presence`, `hours`), for this period and scope (the
    /// programme does not apply to either).
    fn activity_link(&self, list: &str) -> String {
        let pairs: Vec<_> = scope_pairs(&self.d.request)
            .into_iter()
            .filter(|(k, _)| *k != "programme_id")
            .collect();
        format!("/dashboard/{list}?{}", query_string(&pairs))
    }

    /// The page of the people behind a figure of this dashboard.
    fn link(&self, figure: &str, value: &str) -> String {
        let mut pairs = vec![("figure", figure.to_owned()), ("value", value.to_owned())];
        pairs.extend(scope_pairs(&self.d.request));
        format!("/dashboard/people?{}", query_string(&pairs))
    }

    /// The base a share is of, named with its count ("of 20 started"); nothing when that count is
    /// hidden as a small cell.
    fn base(&self, key: &str, figure: &str, count: &i64) -> Option<String> {
        (!self.d.is_hidden(figure)).then(|| self.p.t1(key, "count", count))
    }

    fn share(&self, value: &Option<f64>) -> String {
        value.map(|v| self.p.percent(v)).unwrap_or_else(|| "—".into())
    }

    fn written(&self, unit: Unit, value: Option<f64>) -> String {
        match (unit, value) {
            (_, None) => "—".into(),
            (Unit::Count, Some(v)) => format!("{v:.0}"),
            (Unit::Percent, Some(v)) => self.p.percent(v),
            (Unit::Decimal, Some(v)) => self.p.decimal(v, 1),
        }
    }

    /// A main figure's value in the previous period: "last year: 12,0%".
    fn previous_text(&self, key: &str) -> String {
        let Some(t) = self.trends.iter().find(|t| t.key == key) else {
            return String::new();
        };
        let label = if self.previous.year_earlier {
            "dashboard-last-year"
        } else {
            "dashboard-previous"
        };
        self.p.t1(label, "value", self.written(t.unit, t.previous))
    }

    /// "below target (15,0%)" when a main figure is below its target, else nothing.
    fn below_text(&self, key: &str) -> String {
        match self.trends.iter().find(|t| t.key == key) {
            Some(t) if t.below_target => {
                let target = self.written(t.unit, t.target);
                if key == "reached_per_fte" {
                    self.p.t1("dashboard-below-norm", "norm", target)
                } else {
                    self.p.t1("dashboard-below-target", "target", target)
                }
            }
            _ => String::new(),
        }
    }

    /// A count of a region's dashboard, or "hidden".
    fn region_count(&self, d: &Dashboard, key: &str, n: &i64) -> String {
        if d.is_hidden(key) {
            self.p.t("dashboard-hidden")
        } else {
            n.to_string()
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(mut query): Query<DashboardQuery>,
) -> PageResult {
    let organisations: Vec<_> = crate::service::organisations::list(&state, &ctx, &Default::default())
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|o| {
            policy::decide(&ctx.actor, Action::ViewDashboard(DashboardScope::partner(&o.as_ref()))) == Decision::Allow
        })
        .collect();
    let regions = crate::service::dashboard_trend::visible_regions(&state, &ctx).await?;
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
    let request = query.request()?;
    let (d, previous, trends) = crate::service::dashboard_trend::with_previous(&state, &ctx, request).await?;
    let regions_side = crate::service::dashboard_trend::regions(&state, &ctx, request)
        .await?
        .unwrap_or_default();
    let (locations, coaches) = scope_options(&state, &ctx, &request).await?;
    // Programme names are no secret: funders filter by programme too.
    let mut conn = state.db.conn().await.map_err(crate::error::AppError::from)?;
    let programmes = onramp_store::programmes::list(&mut conn)
        .await
        .map_err(crate::error::AppError::from)?
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    drop(conn);
    let filter = Form::with_values(
        scope_pairs(&request)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    );
    let template = DashboardTemplate {
        p: Page::new(&ctx, "dashboard-title", "dashboard"),
        filter,
        organisations: organisations.into_iter().map(|o| (o.id.to_string(), o.name)).collect(),
        regions: regions.into_iter().map(|r| (r.id.to_string(), r.name)).collect(),
        programmes,
        locations,
        coaches,
        can_list_activities: d.can_list_activities,
        d,
        previous,
        trends,
        regions_side,
        can_list: !policy::caseload_scope(&ctx.actor).is_empty(),
        barrier_names: crate::service::barrier_codes::names(&state).await?,
    };
    Ok(render(&template).into_response())
}

/// The locations and coaches the filter offers: the chosen partner's locations (or the chosen
/// location's partner's); the coaches the viewer may scope by (a coach: themselves; others: the
/// chosen partner's, or the chosen region's).
async fn scope_options(state: &AppState, ctx: &Ctx, request: &Request) -> Result<(Options, Options), AppError> {
    let mut conn = state.db.conn().await?;
    let partner = match (request.organisation_id, request.location_id) {
        (Some(partner), _) => Some(partner),
        (None, Some(location)) => onramp_store::locations::get(&mut conn, location)
            .await?
            .map(|l| l.organisation_id),
        (None, None) => None,
    };
    let locations = match partner {
        Some(partner) => onramp_store::locations::list_for_organisation(&mut conn, partner)
            .await?
            .into_iter()
            .map(|l| (l.id.to_string(), l.name))
            .collect(),
        None => Vec::new(),
    };
    let coaches = match (ctx.actor.role, partner, request.region_id) {
        (Role::Coach, _, _) => vec![(ctx.user.id, ctx.user.display_name.clone())],
        (Role::Administrator | Role::Coordinator, Some(partner), _) => {
            onramp_store::users::coaches_at(&mut conn, partner).await?
        }
        (Role::Administrator | Role::Coordinator, None, Some(region)) => {
            onramp_store::users::coaches_in_region(&mut conn, region).await?
        }
        _ => Vec::new(),
    };
    let coaches = coaches.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    Ok((locations, coaches))
}

/// A page of the people behind a figure, of the dashboard or of a monitoring report.
#[derive(Template)]
#[template(path = "dashboard_people.html")]
pub(super) struct PeopleTemplate {
    pub(super) p: Page,
    /// What the list is: the figure's name, and the value's when it has one.
    pub(super) heading: String,
    pub(super) from: chrono::NaiveDate,
    pub(super) to: chrono::NaiveDate,
    pub(super) rows: Vec<onramp_store::dashboard::Person>,
    /// The page the figure is on, and the key of the link's text.
    pub(super) back: String,
    pub(super) back_label: &'static str,
    /// The link to the next page of people.
    pub(super) next: Option<String>,
}

/// The heading of a figure's list, in the user's language.
fn heading(p: &Page, figure: &str, value: &str, barriers: &BarrierNames) -> String {
    let name = |key: &str| p.t(key);
    match figure {
        "started" => name("dashboard-started"),
        "contacted_individually" => name("dashboard-individual"),
        "engaged" => name("dashboard-engaged"),
        "took_step" => name("dashboard-steps"),
        "paid_work" => name("dashboard-paid"),
        "exited" if value.is_empty() => name("dashboard-exits"),
        "exited" if value == "not_recorded" => format!("{}: {}", name("dashboard-exits"), name("select-not-recorded")),
        "exited" => format!("{}: {}", name("dashboard-exits"), p.label("situation-exit", value)),
        "barrier" => format!("{}: {}", name("field-barrier"), barriers.name(p.lang, value)),
        "sickness" if value == "unknown" => format!("{}: {}", name("dashboard-sickness"), name("unknown")),
        _ => format!("{}: {value}", name("dashboard-sickness")),
    }
}

/// The participants behind one figure, as far as the viewer's caseload reaches.
pub async fn people(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<PeopleQuery>,
) -> PageResult {
    let (rows, next) = people_page(&state, &ctx, &query).await?;
    let request = query.dashboard().request()?;
    let p = Page::new(&ctx, "dashboard-people-title", "dashboard");
    let figure = query.figure.clone().unwrap_or_default();
    let value = query.value.clone().unwrap_or_default();
    let next = next.map(|cursor| {
        let mut pairs = vec![("figure", figure.clone()), ("value", value.clone())];
        pairs.extend(scope_pairs(&request));
        pairs.push(("after", cursor));
        format!("/dashboard/people?{}", query_string(&pairs))
    });
    let back = format!("/dashboard?{}", query_string(&scope_pairs(&request)));
    let template = PeopleTemplate {
        heading: heading(
            &p,
            &figure,
            &value,
            &crate::service::barrier_codes::names(&state).await?,
        ),
        p,
        from: request.from,
        to: request.to,
        rows,
        back,
        back_label: "dashboard-back",
        next,
    };
    Ok(render(&template).into_response())
}

/// The dashboard's figures as a download (`/dashboard.csv`, `/dashboard.xlsx`), same query as the page.
pub async fn export_csv(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<DashboardQuery>,
) -> PageResult {
    let lang = ctx.language;
    let request = query.request()?;
    let rows = crate::service::dashboard_report::report(&state, &ctx, request).await?;
    Ok(download(
        report::write_csv(&rows, lang),
        "text/csv; charset=utf-8",
        "onramp-dashboard.csv",
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<DashboardQuery>,
) -> PageResult {
    let lang = ctx.language;
    let request = query.request()?;
    let rows = crate::service::dashboard_report::report(&state, &ctx, request).await?;
    let bytes = report::write_xlsx(&rows, lang, "dashboard").map_err(crate::error::AppError::internal)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "onramp-dashboard.xlsx",
    ))
}
