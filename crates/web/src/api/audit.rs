use super::extract::ApiQuery;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::audit::AuditQuery;
use crate::service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use onramp_store::audit::Entry;
use serde::Serialize;
use utoipa::ToSchema;
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
    /// Why participant data was read: `follow_up`, `consultation`, `care_team`, `attendance`,
    /// `report`, `export`, `access_request`, `data_protection` (docs/privacy.md); reads only.
    pub purpose: Option<String>,
    /// The actor's role when the entry was written.
    pub actor_role: Option<String>,
    /// The actor's organisations when the entry was written.
    pub actor_organisations: Vec<Uuid>,
    /// The participants a list view showed (a list entry only).
    pub participants_shown: Vec<Uuid>,
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
            purpose: e.purpose,
            actor_role: e.actor_role,
            actor_organisations: onramp_store::audit::ids_in(e.actor_organisations.as_deref()),
            participants_shown: onramp_store::audit::ids_in(e.subjects.as_deref()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` to get older entries; absent on the last page.
    pub next: Option<i64>,
}

/// The audit log, newest first, 50 entries a page (administrators and the data protection
/// officer). With `participant_id`: who consulted that participant's file, when and why.
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
