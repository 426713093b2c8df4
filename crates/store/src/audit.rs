//! The append-only audit log: sign-ins, every change (before and after), and
//! every read of a participant file. Written in the same transaction as the
//! change it records, so there is never a change without its entry. Each entry is written
//! unsealed and then sealed into a hash chain ([`sealing`], docs/audit.md).

pub mod chain;
pub mod sealing;

pub use sealing::{Checkpoint, Part, Report, checkpoint, entries, redact, seal, verify};

use crate::{Access, Result, now, run};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// Who acts, and from where: taken from the request (or "cli" for commands).
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub address: Option<String>,
    pub request_id: Option<String>,
}

impl Who {
    pub fn cli() -> Self {
        Who {
            label: "cli".into(),
            ..Who::default()
        }
    }
}

/// One thing that happened to one record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub participant_id: Option<Uuid>,
    /// The record before and after, as JSON text: serialised once, straight from the record.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Self {
        Event {
            action,
            entity_type,
            entity_id: Some(entity_id.to_string()),
            participant_id: None,
            before: None,
            after: None,
        }
    }

    /// Ties the event to the participant whose file it concerns (the audit log filters on it).
    pub fn for_participant(mut self, participant_id: Uuid) -> Self {
        self.participant_id = Some(participant_id);
        self
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_string(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_string(value).ok();
        self
    }
}

pub async fn record(tx: &mut impl Access, who: &Who, event: Event<'_>) -> Result<()> {
    let sql = "INSERT INTO audit_log (at, actor_user_id, actor_label, action, entity_type, entity_id,
                   participant_id, address, request_id, before_json, after_json)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    let (before, after) = (event.before, event.after);
    run!(tx, c => sqlx::query(sql)
        .bind(now()).bind(who.user_id).bind(&who.label).bind(event.action).bind(event.entity_type)
        .bind(&event.entity_id).bind(event.participant_id).bind(&who.address).bind(&who.request_id)
        .bind(&before).bind(&after)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records many events at once (an import's), in their order.
pub async fn record_many(tx: &mut impl Access, who: &Who, events: Vec<Event<'_>>) -> Result<()> {
    use crate::bulk::Value::{At, OptId, OptText, Text};
    let at = now();
    let rows: Vec<_> = events
        .into_iter()
        .map(|e| {
            vec![
                At(at),
                OptId(who.user_id),
                Text(who.label.clone()),
                Text(e.action.to_owned()),
                Text(e.entity_type.to_owned()),
                OptText(e.entity_id),
                OptId(e.participant_id),
                OptText(who.address.clone()),
                OptText(who.request_id.clone()),
                OptText(e.before),
                OptText(e.after),
            ]
        })
        .collect();
    let columns = &[
        "at",
        "actor_user_id",
        "actor_label",
        "action",
        "entity_type",
        "entity_id",
        "participant_id",
        "address",
        "request_id",
        "before_json",
        "after_json",
    ];
    crate::bulk::insert(tx, "audit_log", columns, &rows).await.map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub participant_id: Option<Uuid>,
    pub address: Option<String>,
    pub request_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Filters of the audit browser; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    /// An exact action ("login.failure") or a family ("organisation.").
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Keyset pagination: entries older than this id.
    pub before_id: Option<i64>,
}

/// Newest first, at most `limit` entries.
pub async fn list(conn: &mut impl Access, filter: &Filter, limit: i64) -> Result<Vec<Entry>> {
    let sql = "SELECT id, at, actor_user_id, actor_label, action, entity_type, entity_id, participant_id,
                      address, request_id, before_json, after_json
               FROM audit_log
               WHERE ($1 IS NULL OR actor_label = $1)
                 AND ($2 IS NULL OR action = $2 OR ($3 AND action LIKE $2 || '%'))
                 AND ($4 IS NULL OR entity_type = $4)
                 AND ($5 IS NULL OR entity_id = $5)
                 AND ($6 IS NULL OR at >= $6)
                 AND ($7 IS NULL OR at < $7)
                 AND ($8 IS NULL OR id < $8)
               ORDER BY id DESC
               LIMIT $9";
    let family = filter.action.as_deref().is_some_and(|a| a.ends_with('.'));
    Ok(run!(conn, c => sqlx::query_as::<_, Entry>(sql)
        .bind(&filter.actor).bind(&filter.action).bind(family).bind(&filter.entity_type)
        .bind(&filter.entity_id).bind(filter.from).bind(filter.until).bind(filter.before_id).bind(limit)
        .fetch_all(c).await)?)
}
