use super::ApiQuery;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::{AppState, service};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_store::audit::{Entry, Filter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    /// The actor's e-mail (or what was typed at a failed sign-in, or `cli`).
    pub actor: String,
    /// e.g. `login.success`, `organisation.update`
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub address: Option<String>,
    pub request_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl From<Entry> for AuditEntryView {
    fn from(e: Entry) -> Self {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEntryView {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor: e.actor_label,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            address: e.address,
            request_id: e.request_id,
            before: json(e.before_json),
            after: json(e.after_json),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` to get older entries; absent on the last page.
    pub next: Option<i64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AuditQuery {
    /// The actor's e-mail.
    pub actor: Option<String>,
    /// An action (`login.failure`) or a family ending in a dot (`organisation.`).
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// First day, YYYY-MM-DD (Europe/Brussels).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (Europe/Brussels), inclusive.
    pub until: Option<String>,
    /// Entries older than this id.
    pub before: Option<i64>,
}

fn day_start(field: &'static str, value: Option<&str>, extra_days: i64) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| AppError::invalid(field, "invalid-date"))?;
    let date = date + chrono::Duration::days(extra_days);
    Ok(crate::pages::brussels_midnight(date))
}

impl AuditQuery {
    pub fn filter(&self) -> Result<Filter, AppError> {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Filter {
            actor: text(&self.actor).map(|a| a.to_lowercase()),
            action: text(&self.action),
            entity_type: text(&self.entity_type),
            entity_id: text(&self.entity_id),
            from: day_start("from", self.from.as_deref(), 0)?,
            until: day_start("until", self.until.as_deref(), 1)?,
            before_id: self.before,
        })
    }
}

/// The audit log, newest first, 50 entries a page (administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let entries = service::audit::list(&state, &ctx, &query.filter()?).await?;
    let next = (entries.len() as i64 == service::audit::PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(AuditPage {
        entries: entries.into_iter().map(AuditEntryView::from).collect(),
        next,
    }))
}
