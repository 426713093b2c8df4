//! The caseload page: one's trajectories, filtered, a page at a time, with the check-ins due.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render};
use super::options::{Options, options, programme_list};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::requests::caseload::{CaseloadQuery, encode_cursor};
use crate::service::caseload::{self as service, CaseloadRow};
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::identity::Role;
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::policy::{self, Action, Decision};
use uuid::Uuid;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadTemplate {
    p: Page,
    rows: Vec<CaseloadRow>,
    filter: Form,
    programmes: Options,
    phases: Options,
    organisations: Options,
    locations: Options,
    regions: Options,
    statuses: Options,
    sorts: Options,
    next: Option<String>,
    /// Check-ins after exit due within 30 days or overdue (on the first page only).
    due: Vec<onramp_store::check_ins::CheckIn>,
    today: chrono::NaiveDate,
    can_register: bool,
    is_coach: bool,
    /// The programmes' own days for "no contact", to say what an empty number means.
    no_contact_days: String,
}

/// The query as the filter form shows it again: every field asked, with the defaults filled in.
fn form_values(query: &CaseloadQuery) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = serde_urlencoded::to_string(query)
        .ok()
        .and_then(|text| serde_urlencoded::from_str(&text).ok())
        .unwrap_or_default();
    values.retain(|(name, _)| name != "after" && name != "limit");
    for (name, default) in [("status", "active"), ("sort", "name")] {
        if !values.iter().any(|(k, v)| k == name && !v.is_empty()) {
            values.retain(|(k, _)| k != name);
            values.push((name.to_owned(), default.to_owned()));
        }
    }
    values
}

/// The link to the page after this one: the same query, every filter kept, from `cursor` on.
fn next_link(query: &CaseloadQuery, cursor: String) -> String {
    let mut next = query.clone();
    next.after = Some(cursor);
    let pairs: Vec<(String, String)> = serde_urlencoded::to_string(&next)
        .ok()
        .and_then(|text| serde_urlencoded::from_str(&text).ok())
        .unwrap_or_default();
    let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

pub async fn caseload(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<CaseloadQuery>,
) -> PageResult {
    build(&state, &ctx, &query, ListEntry::Beside).await
}

/// When a caseload page writes its one list entry. Pages write it [`ListEntry::Beside`] the
/// rest; the other two exist for `onramp bench caseload`, which compares them
/// (docs/benchmarks.md, "The audit of list views").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEntry {
    /// Made durable while the rest of the page is read and rendered (the pages' way).
    Beside,
    /// Made durable before the rest is read (pages until 2026-12-07).
    First,
    /// Not written: the benchmark's page alone, never served.
    Omitted,
}

/// The caseload page for `query`, its list entry written as `entry` says.
pub async fn build(state: &AppState, ctx: &Ctx, query: &CaseloadQuery, entry: ListEntry) -> PageResult {
    // A filter that does not read is shown in its field, with nothing listed.
    let (filter, errors) = match query.filter(today()) {
        Ok(filter) => (Some(filter), None),
        Err(AppError::Invalid(errors)) => (None, Some(errors)),
        Err(error) => return Err(error.into()),
    };
    // The people the page shows, read at once: its rows and, on a first page, the check-ins due.
    let (listed, due) = tokio::join!(
        listed(state, ctx, query, filter.as_ref()),
        due_above(state, ctx, filter.as_ref())
    );
    let listed = listed?;
    let shown_due = due.iter().map(|c| c.participant_id);
    if entry == ListEntry::First {
        service::audit_page(state, ctx, &listed.rows, PAGE_SIZE, shown_due).await?;
        return rest_of_page(state, ctx, query, errors, listed, due).await;
    }
    // The entry is made durable while the rest of the page is read and rendered; the page is
    // answered only once it is.
    let written = (entry == ListEntry::Beside)
        .then(|| service::audit_page_beside(state, ctx, &listed.rows, PAGE_SIZE, shown_due));
    let page = rest_of_page(state, ctx, query, errors, listed, due).await;
    if let Some(written) = written {
        written.written().await?;
    }
    page
}

/// One page of the caseload and the link to the next.
struct Listed {
    rows: Vec<onramp_store::caseload::Row>,
    next: Option<String>,
}

async fn listed(
    state: &AppState,
    ctx: &Ctx,
    query: &CaseloadQuery,
    filter: Option<&onramp_store::caseload::Filter>,
) -> Result<Listed, AppError> {
    let Some(filter) = filter else {
        return Ok(Listed {
            rows: Vec::new(),
            next: None,
        });
    };
    let mut rows = service::page_unaudited(state, ctx, filter, PAGE_SIZE).await?;
    let next = crate::service::keep_page(&mut rows, PAGE_SIZE)
        .map(|r| next_link(query, encode_cursor(&r.cursor(filter.sort))));
    Ok(Listed { rows, next })
}

/// The check-ins due within 30 days or overdue, above the first page only.
async fn due_above(
    state: &AppState,
    ctx: &Ctx,
    filter: Option<&onramp_store::caseload::Filter>,
) -> Vec<onramp_store::check_ins::CheckIn> {
    if filter.is_none_or(|f| f.after.is_some()) {
        return Vec::new();
    }
    crate::service::check_ins::due_check_ins_unaudited(state, ctx, today() + chrono::Days::new(30))
        .await
        .unwrap_or_default()
}

/// The filter form's choices around the listed people, rendered.
async fn rest_of_page(
    state: &AppState,
    ctx: &Ctx,
    query: &CaseloadQuery,
    errors: Option<onramp_domain::FieldErrors>,
    listed: Listed,
    due: Vec<onramp_store::check_ins::CheckIn>,
) -> PageResult {
    let p = Page::new(ctx, "caseload-title", "caseload");
    let all_programmes = programme_list(state, ctx).await?;
    // The programmes are already in the reader's language: their names are taken as they are.
    let names = crate::builtin_names::StepNames::new(ctx.language, &all_programmes);
    let phase_names: Vec<(Uuid, String, String)> = all_programmes
        .iter()
        .flat_map(|g| {
            g.definition
                .phases
                .iter()
                .map(|s| (g.id, s.code.clone(), s.name.clone()))
        })
        .collect();
    // Phases are filtered by code, which programmes may share: each code once.
    let mut phases: Options = Vec::new();
    for (_, code, name) in &phase_names {
        if !phases.iter().any(|(c, _)| c == code) {
            phases.push((code.clone(), name.clone()));
        }
    }
    let no_contact_days = all_programmes
        .iter()
        .map(|g| format!("{} {}", g.definition.name, g.definition.no_contact_days))
        .collect::<Vec<_>>()
        .join(", ");
    let programmes = all_programmes
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    let organisations: Options = crate::service::organisations::list(state, ctx, &Default::default())
        .await
        .map(|list| list.into_iter().map(|o| (o.id.to_string(), o.name)).collect())
        .unwrap_or_default();
    let locations = location_options(state, query, &organisations).await?;
    let regions = if matches!(ctx.actor.role, Role::Administrator | Role::Coordinator) {
        crate::service::regions::list(state, ctx)
            .await
            .map(|list| list.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let (form, status) = match errors {
        Some(errors) => (
            Form::failed(&FormData::new(form_values(query)), &errors, ctx.language),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        None => (Form::with_values(form_values(query)), StatusCode::OK),
    };
    let template = CaseloadTemplate {
        due,
        today: today(),
        statuses: options(&p, "status", &["active", "ended", "all"]),
        sorts: options(&p, "sort", crate::requests::caseload::SORTS),
        can_register: policy::decide(&ctx.actor, Action::RegisterParticipants) == Decision::Allow,
        is_coach: ctx.actor.role == Role::Coach,
        rows: listed.rows.into_iter().map(|r| CaseloadRow::new(r, &names)).collect(),
        filter: form,
        programmes,
        phases,
        organisations,
        locations,
        regions,
        next: listed.next,
        no_contact_days,
        p,
    };
    Ok((status, render(&template)).into_response())
}

/// The locations to choose from: the chosen partner's, or the one location asked for (a link
/// from the dashboard may name a location without its partner); only at partners one sees.
async fn location_options(
    state: &AppState,
    query: &CaseloadQuery,
    organisations: &Options,
) -> Result<Options, AppError> {
    let id = |v: &Option<String>| parse_optional_id(v.as_deref().unwrap_or_default()).ok().flatten();
    let mut conn = state.db.conn().await?;
    let locations = match (id(&query.organisation_id), id(&query.location_id)) {
        (Some(organisation), _) => onramp_store::locations::list_for_organisation(&mut conn, organisation).await?,
        (None, Some(location)) => onramp_store::locations::get(&mut conn, location)
            .await?
            .into_iter()
            .collect(),
        (None, None) => Vec::new(),
    };
    let visible = |id: Uuid| organisations.iter().any(|(o, _)| *o == id.to_string());
    Ok(locations
        .into_iter()
        .filter(|l| visible(l.organisation_id))
        .map(|l| (l.id.to_string(), l.name))
        .collect())
}
