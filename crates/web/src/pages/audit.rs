//! The audit log browser (administrators and the data protection officer).

use super::form::Form;
use super::layout::{Page, PageResult, render};
use crate::identity::PageCtx;
use crate::requests::audit::AuditQuery;
use crate::service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use onramp_store::audit::Entry;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditTemplate {
    p: Page,
    entries: Vec<Entry>,
    filter: Form,
    /// Query string of the next (older) page.
    next: Option<String>,
}

impl AuditTemplate {
    /// Why participant data was read, and as whom, in words.
    fn why(&self, entry: &Entry) -> String {
        let purpose = entry.purpose.as_deref().map(|p| self.p.t(&format!("purpose-{p}")));
        let role = entry.actor_role.as_deref().map(|r| self.p.t(&format!("role-{r}")));
        [role, purpose].into_iter().flatten().collect::<Vec<_>>().join(" · ")
    }
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(query): Query<AuditQuery>) -> PageResult {
    let filter = query.filter()?;
    let entries = service::audit::list(&state, &ctx, &filter).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let values = vec![
        ("actor".to_owned(), text(&query.actor)),
        ("action".to_owned(), text(&query.action)),
        ("entity_type".to_owned(), text(&query.entity_type)),
        ("entity_id".to_owned(), text(&query.entity_id)),
        ("participant_id".to_owned(), text(&query.participant_id)),
        ("from".to_owned(), text(&query.from)),
        ("until".to_owned(), text(&query.until)),
    ];
    let next = (entries.len() as i64 == service::audit::PAGE_SIZE).then(|| {
        let mut params = values.clone();
        params.push((
            "before".into(),
            entries.last().map(|e| e.id.to_string()).unwrap_or_default(),
        ));
        serde_urlencoded::to_string(params).unwrap_or_default()
    });
    let template = AuditTemplate {
        p: Page::new(&ctx, "audit-title", "audit"),
        entries,
        filter: Form::with_values(values),
        next,
    };
    Ok(render(&template))
}
