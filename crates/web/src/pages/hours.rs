//! Coach hours at a partner against its agreements, and registering hours by hand.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::coaching::{self as service, CategoryHours, HoursView};
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Datelike;
use onramp_domain::activities::{TimeCategory, TimeEntryFields};
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::policy::{self, Action, Decision};
use serde::Deserialize;

type Options = Vec<(String, String)>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HoursParams {
    organisation_id: Option<String>,
    year: Option<String>,
    coach_id: Option<String>,
    notice: Option<String>,
}

/// One line of a location's table: a category with its figures.
struct Line {
    label: String,
    hours: CategoryHours,
    is_total: bool,
}

impl Line {
    fn remaining(&self) -> f64 {
        ((self.hours.committed - self.hours.used) * 10.0).round() / 10.0
    }

    fn over(&self) -> bool {
        self.hours.committed > 0.0 && self.hours.projected > self.hours.committed
    }
}

struct LocationTable {
    /// The table's id in the page, for links to one location (`location-<id>`, `location-none`).
    anchor: String,
    name: String,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "hours.html")]
struct HoursTemplate {
    p: Page,
    filter: Form,
    organisations: Options,
    coaches: Options,
    view: Option<HoursView>,
    tables: Vec<LocationTable>,
    entry: Form,
    can_register: bool,
    locations: Options,
    categories: Options,
}

fn tables(p: &Page, view: &HoursView) -> Vec<LocationTable> {
    view.locations
        .iter()
        .map(|l| {
            let line = |category: &str, hours: CategoryHours| Line {
                label: p.label("category", category),
                hours,
                is_total: false,
            };
            LocationTable {
                anchor: l.location_id.map_or_else(|| "none".to_owned(), |id| id.to_string()),
                name: l.location_name.clone().unwrap_or_else(|| p.t("hours-no-location")),
                lines: vec![
                    line("individual", l.individual),
                    line("group", l.group),
                    line("consultation", l.consultation),
                    line("administration", l.administration),
                    Line {
                        label: p.t("hours-total"),
                        hours: l.total,
                        is_total: true,
                    },
                ],
            }
        })
        .collect()
}

async fn hours_page(
    state: &AppState,
    ctx: &Ctx,
    params: &HoursParams,
    entry: Option<Form>,
    status: StatusCode,
) -> PageResult {
    let p = Page::new(ctx, "hours-title", "hours").with_notice(params.notice.as_deref());
    let all = crate::service::organisations::list(state, ctx, &Default::default()).await?;
    let visible: Vec<_> = all
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::ViewHours(&o.as_ref())) == Decision::Allow)
        .collect();
    let chosen = parse_optional_id(params.organisation_id.as_deref().unwrap_or_default())
        .ok()
        .flatten()
        .or_else(|| visible.first().map(|o| o.id));
    let year = crate::requests::period::Year::parse(params.year.as_deref())?.0;
    let coach_id = parse_optional_id(params.coach_id.as_deref().unwrap_or_default())
        .map_err(|code| AppError::invalid("coach_id", code))?;
    let (view, coaches, locations, can_register) = match chosen {
        Some(organisation_id) => {
            let view = service::hours_view(state, ctx, organisation_id, year, coach_id).await?;
            let mut conn = state.db.conn().await?;
            let coaches = onramp_store::users::coaches_at(&mut conn, organisation_id)
                .await?
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect();
            let locations = onramp_store::locations::list_for_organisation(&mut conn, organisation_id)
                .await?
                .into_iter()
                .map(|l| (l.id.to_string(), l.name))
                .collect();
            let organisation = visible.iter().find(|o| o.id == organisation_id);
            let can_register = organisation
                .is_some_and(|o| policy::decide(&ctx.actor, Action::RegisterHours(&o.as_ref())) == Decision::Allow);
            (Some(view), coaches, locations, can_register)
        }
        None => (None, Vec::new(), Vec::new(), false),
    };
    let filter = Form::with_values(vec![
        (
            "organisation_id".into(),
            chosen.map(|c| c.to_string()).unwrap_or_default(),
        ),
        ("year".into(), year.to_string()),
        ("coach_id".into(), coach_id.map(|c| c.to_string()).unwrap_or_default()),
    ])
    .prefixed("filter");
    let entry = entry
        .unwrap_or_else(|| {
            Form::with_values(vec![
                ("on".into(), today().to_string()),
                ("category".into(), "administration".into()),
            ])
        })
        .prefixed("entry");
    let template = HoursTemplate {
        tables: view.as_ref().map(|v| tables(&p, v)).unwrap_or_default(),
        organisations: visible.iter().map(|o| (o.id.to_string(), o.name.clone())).collect(),
        categories: TimeCategory::ALL
            .iter()
            .map(|c| (c.to_string(), p.label("category", c)))
            .collect(),
        p,
        filter,
        coaches,
        view,
        entry,
        can_register,
        locations,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(params): Query<HoursParams>,
) -> PageResult {
    hours_page(&state, &ctx, &params, None, StatusCode::OK).await
}

pub async fn register(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let fields = TimeEntryFields {
        organisation_id: data.get("organisation_id").into(),
        location_id: data.get("location_id").into(),
        on: data.get("on").into(),
        category: data.get("category").into(),
        minutes: data.get("minutes").into(),
        note: data.get("note").into(),
    };
    let params = HoursParams {
        organisation_id: Some(fields.organisation_id.clone()),
        year: Some(fields.on.get(..4).unwrap_or_default().to_owned()).filter(|y| y.parse::<i32>().is_ok()),
        ..Default::default()
    };
    match service::add_time_entry(&state, &ctx, &fields).await {
        Ok(entry) => Ok(see_other(
            &format!(
                "/hours?organisation_id={}&year={}",
                entry.organisation_id,
                entry.on_date.year()
            ),
            "hours-recorded",
        )),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            hours_page(&state, &ctx, &params, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}
