//! The lists behind the dashboard's figures of activity, for its period and scope: the presence
//! actions behind "reached by presence actions", the agreements behind the coach FTE with the
//! hours they commit (each linked to its partner's hours page).

use super::dashboard::{query_string, scope_pairs};
use super::layout::{Page, PageResult, render};
use crate::identity::PageCtx;
use crate::requests::dashboard::{ActivityQuery, agreement_cursor, presence_cursor};
use crate::service::dashboard::Request;
use crate::service::dashboard_activities as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use onramp_store::dashboard::lists::{AgreementRow, PresenceRow};

/// The period and scope as a query string (the programme does not apply to these lists).
fn scope_query(request: &Request) -> String {
    let pairs: Vec<_> = scope_pairs(request)
        .into_iter()
        .filter(|(k, _)| *k != "programme_id")
        .collect();
    query_string(&pairs)
}

/// The next page's query: the same period and scope, after `cursor`.
fn next_query(request: &Request, cursor: String) -> String {
    let mut pairs: Vec<_> = scope_pairs(request)
        .into_iter()
        .filter(|(k, _)| *k != "programme_id")
        .collect();
    pairs.push(("after", cursor));
    query_string(&pairs)
}

#[derive(Template)]
#[template(path = "dashboard_presence.html")]
struct PresenceTemplate {
    p: Page,
    request: Request,
    reached: i64,
    rows: Vec<PresenceRow>,
    back: String,
    next: Option<String>,
    /// The kinds' names: the built-in ones in the page's language, added ones as they were given.
    kinds: Vec<(String, String)>,
}

impl PresenceTemplate {
    fn kind_name(&self, code: &str) -> String {
        self.kinds
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
}

/// The presence actions behind the dashboard's reach.
pub async fn presence(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<ActivityQuery>,
) -> PageResult {
    let request = query.dashboard().request()?;
    let (after, limit) = (query.presence_after()?, query.limit()?);
    let (mut rows, reached) = service::presence_actions(&state, &ctx, request, after, limit + 1).await?;
    let next =
        crate::service::keep_page(&mut rows, limit).map(|r| next_query(&request, presence_cursor(r.on_date, r.id)));
    let p = Page::new(&ctx, "dashboard-presence-title", "dashboard");
    let kinds = crate::service::presence::kinds(&state)
        .await?
        .into_iter()
        .map(|k| {
            let name = if k.built_in {
                p.label("presence-kind", &k.code)
            } else {
                k.name
            };
            (k.code, name)
        })
        .collect();
    let template = PresenceTemplate {
        p,
        kinds,
        back: scope_query(&request),
        request,
        reached,
        rows,
        next,
    };
    Ok(render(&template).into_response())
}

#[derive(Template)]
#[template(path = "dashboard_hours.html")]
struct HoursTemplate {
    p: Page,
    request: Request,
    rows: Vec<AgreementRow>,
    back: String,
    next: Option<String>,
}

impl HoursTemplate {
    fn hours_link(&self, row: &AgreementRow) -> String {
        service::hours_link(&self.request, row.organisation_id)
    }

    fn fte(&self, row: &AgreementRow) -> String {
        format!("{:.2}", f64::from(row.fte_hundredths) / 100.0)
    }

    fn target(&self, row: &AgreementRow) -> String {
        format!("{:.1}%", f64::from(row.steps_target_permille) / 10.0)
    }
}

/// The agreements behind the dashboard's coach FTE and the hours they commit.
pub async fn hours(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<ActivityQuery>,
) -> PageResult {
    let request = query.dashboard().request()?;
    let (after, limit) = (query.agreement_after()?, query.limit()?);
    let mut rows = service::agreements(&state, &ctx, request, after, limit + 1).await?;
    let next = crate::service::keep_page(&mut rows, limit)
        .map(|r| next_query(&request, agreement_cursor(r.agreement_id, &r.organisation_name)));
    let template = HoursTemplate {
        p: Page::new(&ctx, "dashboard-hours-title", "dashboard"),
        back: scope_query(&request),
        request,
        rows,
        next,
    };
    Ok(render(&template).into_response())
}
