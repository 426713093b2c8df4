//! The append-only audit log: sign-ins, every change (before and after), and
//! every read of a participant file. Written in the same transaction as the
//! change it records, so there is never a change without its entry. Each entry is written
//! unsealed and then sealed into a hash chain ([`sealing`], docs/audit.md).

pub mod chain;
pub mod sealing;

pub use sealing::{Checkpoint, Part, Report, checkpoint, entries, redact, seal, verify};

use crate::{Access, Db, Engine, Result, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::identity::Role;
use onramp_domain::purposes::Purpose;
use serde::Serialize;
use uuid::Uuid;

/// Who acts, and from where: taken from the request (or "cli" for commands).
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub address: Option<String>,
    pub request_id: Option<String>,
    /// The actor's role and organisations as they are now: each entry keeps them as they were.
    pub role: Option<Role>,
    pub organisations: Vec<Uuid>,
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
    /// Why participant data was read (docs/privacy.md "Purposes"); reads only.
    pub purpose: Option<Purpose>,
    /// The participants a list view showed: one entry for the page, found per participant
    /// through `audit_subjects`.
    pub subjects: Vec<Uuid>,
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
            purpose: None,
            subjects: Vec::new(),
        }
    }

    /// A read of participant data, for a purpose.
    pub fn read(action: &'a str, entity_type: &'a str, entity_id: impl ToString, purpose: Purpose) -> Self {
        Event {
            purpose: Some(purpose),
            ..Event::new(action, entity_type, entity_id)
        }
    }

    /// A list view that showed these participants (their names, at least), for a purpose.
    pub fn list(action: &'a str, purpose: Purpose, subjects: Vec<Uuid>) -> Self {
        Event {
            action,
            entity_type: "participant_list",
            entity_id: None,
            participant_id: None,
            before: None,
            after: None,
            purpose: Some(purpose),
            subjects,
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

/// Records an entry that goes with no other write (a list view's), durably: as one statement
/// of its own (without the round trips of `BEGIN`, a savepoint and `COMMIT`), or on SQLite,
/// while others write, in their group commit, to share its sync.
pub async fn record_alone(db: &Db, who: &Who, event: Event<'_>) -> Result<()> {
    if db.engine() == Engine::Sqlite && !db.writer_idle() {
        let mut tx = db.begin().await?;
        record(&mut tx, who, event).await?;
        return tx.commit().await;
    }
    let mut conn = db.write_alone().await?;
    record(&mut conn, who, event).await
}

pub async fn record(tx: &mut impl Access, who: &Who, event: Event<'_>) -> Result<()> {
    let sql = "INSERT INTO audit_log (at, actor_user_id, actor_label, action, entity_type, entity_id,
                   participant_id, address, request_id, before_json, after_json,
                   purpose, actor_role, actor_organisations, subjects)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    let (before, after) = (event.before, event.after);
    let purpose = event.purpose.map(Purpose::as_str);
    let (role, organisations) = (who.role.map(Role::as_str), id_list(&who.organisations));
    let subjects = id_list(&event.subjects);
    run!(tx, c => sqlx::query(sql)
        .bind(now()).bind(who.user_id).bind(&who.label).bind(event.action).bind(event.entity_type)
        .bind(&event.entity_id).bind(event.participant_id).bind(&who.address).bind(&who.request_id)
        .bind(&before).bind(&after).bind(purpose).bind(role).bind(&organisations).bind(&subjects)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The columns an entry is written with, in the order `record_many` and `onramp generate` give them.
pub const COLUMNS: &[&str] = &[
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
    "purpose",
    "actor_role",
    "actor_organisations",
    "subjects",
];

/// The ids of a column that lists them (separated by spaces): the actor's organisations, a
/// list's subjects.
pub fn ids_in(list: Option<&str>) -> Vec<Uuid> {
    list.unwrap_or_default()
        .split(' ')
        .filter_map(|id| id.parse().ok())
        .collect()
}

/// Ids as a column holds them: separated by spaces; none as NULL.
fn id_list(ids: &[Uuid]) -> Option<String> {
    (!ids.is_empty()).then(|| ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(" "))
}

/// The index rows of list entries (`audit_subjects`): one per participant each showed, written
/// by the sealer as it seals them, so a list view costs its reader one row.
pub(crate) fn subject_rows(entries: &[(i64, Option<&str>)]) -> Vec<Vec<crate::bulk::Value>> {
    use crate::bulk::Value::{BigInt, Id};
    let mut rows = Vec::new();
    for (entry_id, subjects) in entries {
        let mut ids = ids_in(*subjects);
        ids.sort_unstable();
        ids.dedup();
        rows.extend(ids.into_iter().map(|p| vec![Id(p), BigInt(*entry_id)]));
    }
    rows
}

/// Records many events at once (an import's), in their order.
pub async fn record_many(tx: &mut impl Access, who: &Who, events: Vec<Event<'_>>) -> Result<()> {
    use crate::bulk::Value::{At, OptId, OptText, Text};
    let at = now();
    let (role, organisations) = (who.role.map(|r| r.as_str().to_owned()), id_list(&who.organisations));
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
                OptText(e.purpose.map(|p| p.as_str().to_owned())),
                OptText(role.clone()),
                OptText(organisations.clone()),
                OptText(id_list(&e.subjects)),
            ]
        })
        .collect();
    crate::bulk::insert(tx, "audit_log", COLUMNS, &rows).await.map(|_| ())
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
    pub purpose: Option<String>,
    pub actor_role: Option<String>,
    /// Space-separated ids.
    pub actor_organisations: Option<String>,
    /// A list view's participants, space-separated ids.
    pub subjects: Option<String>,
}

/// The columns of an [`Entry`], for a SELECT.
pub const ENTRY_COLUMNS: &str = "id, at, actor_user_id, actor_label, action, entity_type, entity_id, participant_id, \
     address, request_id, before_json, after_json, purpose, actor_role, actor_organisations, subjects";

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
    /// Entries about this participant: their own and the list views that showed them.
    pub participant_id: Option<Uuid>,
    /// Keyset pagination: entries older than this id.
    pub before_id: Option<i64>,
    /// Leaves out what participants did themselves (in the portal): what a person is told of
    /// who consulted their file.
    pub staff_only: bool,
}

/// Newest first, at most `limit` entries.
pub async fn list(conn: &mut impl Access, filter: &Filter, limit: i64) -> Result<Vec<Entry>> {
    // One participant's entries come from three places: the entries about them, the sealed list
    // views that showed them (`audit_subjects`), and the list views not sealed yet (a second's
    // worth, through the index of unsealed entries).
    let about = if filter.participant_id.is_some() {
        "id IN (SELECT id FROM audit_log WHERE participant_id = $10
                UNION ALL SELECT entry_id FROM audit_subjects WHERE participant_id = $10
                UNION ALL SELECT id FROM audit_log WHERE seq IS NULL AND subjects LIKE $11)"
    } else {
        "$10 IS NULL AND $11 IS NULL"
    };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS}
         FROM audit_log
         WHERE ($1 IS NULL OR actor_label = $1)
           AND ($2 IS NULL OR action = $2 OR ($3 AND action LIKE $2 || '%'))
           AND ($4 IS NULL OR entity_type = $4)
           AND ($5 IS NULL OR entity_id = $5)
           AND ($6 IS NULL OR at >= $6)
           AND ($7 IS NULL OR at < $7)
           AND ($8 IS NULL OR id < $8)
           AND (NOT $12 OR actor_role IS NULL OR actor_role <> 'participant')
           AND {about}
         ORDER BY id DESC
         LIMIT $9"
    );
    let family = filter.action.as_deref().is_some_and(|a| a.ends_with('.'));
    Ok(run!(conn, c => sqlx::query_as::<_, Entry>(sqlx::AssertSqlSafe(&*sql))
        .bind(&filter.actor).bind(&filter.action).bind(family).bind(&filter.entity_type)
        .bind(&filter.entity_id).bind(filter.from).bind(filter.until).bind(filter.before_id).bind(limit)
        .bind(filter.participant_id).bind(filter.participant_id.map(|p| format!("%{p}%"))).bind(filter.staff_only)
        .fetch_all(c).await)?)
}
