//! The caseload page: one's trajectories, filtered, a page at a time, with the check-ins due.

use super::form::Form;
use super::layout::{Page, PageResult, render};
use super::options::{Options, options, programme_list};
use crate::identity::{Ctx, PageCtx};
use crate::requests::caseload::{CaseloadQuery, encode_cursor};
use crate::service::caseload::{self as service, CaseloadRow};
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Redirect;
use onramp_domain::identity::Role;
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::caseload::Filter;
use uuid::Uuid;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadTemplate {
    p: Page,
    rows: Vec<CaseloadRow>,
    filter: Form,
    programmes: Options,
    organisations: Options,
    statuses: Options,
    sorts: Options,
    next: Option<String>,
    /// Check-ins after exit due within 30 days or overdue (on the first page only).
    due: Vec<onramp_store::check_ins::CheckIn>,
    today: chrono::NaiveDate,
    can_register: bool,
    is_coach: bool,
    /// (programme, phase code, phase name), to show phases by name.
    phase_names: Vec<(Uuid, String, String)>,
}

impl CaseloadTemplate {
    fn phase_name(&self, row: &CaseloadRow) -> String {
        self.phase_names
            .iter()
            .find(|(programme, code, _)| *programme == row.programme_id && *code == row.phase)
            .map(|(_, _, name)| name.clone())
            .unwrap_or_else(|| row.phase.clone())
    }
}

pub async fn caseload(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<CaseloadQuery>,
) -> PageResult {
    let filter: Filter = query.filter()?;
    let mut rows = service::page(&state, &ctx, &filter, PAGE_SIZE + 1).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut values = vec![
        ("q".to_owned(), text(&query.q)),
        ("programme_id".to_owned(), text(&query.programme_id)),
        ("organisation_id".to_owned(), text(&query.organisation_id)),
        (
            "status".to_owned(),
            query.status.clone().unwrap_or_else(|| "active".into()),
        ),
        ("sort".to_owned(), query.sort.clone().unwrap_or_else(|| "name".into())),
    ];
    if query.mine == Some(true) {
        values.push(("mine".into(), "true".into()));
    }
    let next = crate::service::keep_page(&mut rows, PAGE_SIZE).map(|r| {
        let mut params = values.clone();
        params.push(("after".into(), encode_cursor(&r.cursor(filter.sort))));
        serde_urlencoded::to_string(params).unwrap_or_default()
    });
    let p = Page::new(&ctx, "caseload-title", "caseload");
    let all_programmes = programme_list(&state, &ctx).await?;
    let phase_names = all_programmes
        .iter()
        .flat_map(|g| {
            g.definition
                .phases
                .iter()
                .map(|s| (g.id, s.code.clone(), s.name.clone()))
        })
        .collect();
    let programmes = all_programmes
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    let organisations = crate::service::organisations::list(&state, &ctx, &Default::default())
        .await
        .map(|list| list.into_iter().map(|o| (o.id.to_string(), o.name)).collect())
        .unwrap_or_default();
    let due = if filter.after.is_none() {
        crate::service::check_ins::due_check_ins(&state, &ctx, today() + chrono::Days::new(30))
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let template = CaseloadTemplate {
        due,
        today: today(),
        statuses: options(&p, "status", &["active", "ended", "all"]),
        sorts: options(&p, "sort", &["name", "ends_by"]),
        can_register: policy::decide(&ctx.actor, Action::RegisterParticipants) == Decision::Allow,
        is_coach: ctx.actor.role == Role::Coach,
        rows: rows.into_iter().map(CaseloadRow::from).collect(),
        filter: Form::with_values(values),
        programmes,
        organisations,
        next,
        phase_names,
        p,
    };
    Ok(render(&template))
}

/// The start page of people who work with a caseload is the caseload.
pub fn home_redirect(ctx: &Ctx) -> Option<Redirect> {
    matches!(ctx.actor.role, Role::Coach | Role::CareTeam | Role::Coordinator).then(|| Redirect::to("/caseload"))
}
