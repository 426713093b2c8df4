//! Anonymising a participant (identifiers and free text gone, coded facts kept so that every
//! figure stays the same) and erasing a file registered by mistake (every row gone), each in the
//! caller's transaction together with the redaction of the audit log's images of the person
//! (docs/retention.md, docs/audit.md).

use crate::audit::{self, Part};
use crate::cost_benefit::Tie;
use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::erasure::{plan_without_text, scrub, surrogate_birth_date};
use onramp_domain::plans::PlanContent;
use serde::Serialize;
use uuid::Uuid;

/// Where a file stands before it is anonymised or erased.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Standing {
    pub anonymised_at: Option<DateTime<Utc>>,
    pub legal_hold_reason: Option<String>,
}

/// The file's standing; `None` when there is no such participant.
pub async fn standing(conn: &mut impl Access, id: Uuid) -> Result<Option<Standing>> {
    let sql = "SELECT anonymised_at, legal_hold_reason FROM participants WHERE id = $1";
    Ok(run!(conn, c => sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
}

/// What an anonymisation or an erasure did, for its audit entry and the command's report:
/// counts and ids only, nothing that identifies the person.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Done {
    pub participant_id: Uuid,
    pub at: Option<DateTime<Utc>>,
    pub trajectories: usize,
    /// Audit entries whose before/after images were redacted.
    pub redacted_entries: usize,
}

/// The identifiers of a person, as text elsewhere may repeat them.
#[derive(sqlx::FromRow)]
struct Identifiers {
    first_name: String,
    last_name: String,
    birth_date: NaiveDate,
    national_register: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

impl Identifiers {
    fn words(&self) -> Vec<String> {
        let full = format!("{} {}", self.first_name, self.last_name);
        let mut words = vec![full, self.first_name.clone(), self.last_name.clone()];
        words.extend(
            [&self.national_register, &self.email, &self.phone]
                .into_iter()
                .flatten()
                .cloned(),
        );
        words
    }
}

async fn identifiers(tx: &mut impl Access, id: Uuid) -> Result<Identifiers> {
    let sql =
        "SELECT first_name, last_name, birth_date, national_register, email, phone FROM participants WHERE id = $1";
    let found: Option<Identifiers> = run!(tx, c => sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    found.ok_or(StoreError::NotFound)
}

async fn exec(tx: &mut impl Access, sql: &'static str, id: Uuid) -> Result<u64> {
    Ok(run!(tx, c => sqlx::query(sql).bind(id).execute(c).await.map(|r| r.rows_affected()))?)
}

/// The trajectories of the person, `$1`, for the statements below.
const TRAJECTORIES: &str = "(SELECT id FROM trajectories WHERE participant_id = $1)";

/// Anonymises the participant: names, register number, e-mail, phone, referrer and every free
/// text about them removed; the birth date replaced by one in the same year that gives the same
/// age on each trajectory's start; coded facts and dates kept (docs/retention.md lists them).
/// The counts are refreshed through the path every write takes, and find nothing to change.
pub async fn anonymise(tx: &mut impl Access, id: Uuid, reason: &str) -> Result<Done> {
    crate::lock_row(tx, "participants", id).await?;
    let person = identifiers(tx, id).await?;
    let consultations = consultation_ids(tx, id).await?;
    let sql = "SELECT started_on FROM trajectories WHERE participant_id = $1";
    let starts: Vec<NaiveDate> = run!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_all(c).await)?;
    let birth = surrogate_birth_date(person.birth_date, &starts);
    let at = now();
    let sql = "UPDATE participants SET first_name = '', last_name = '', name_search = '', birth_date = $1,
                   national_register = NULL, email = NULL, phone = NULL, referrer = NULL, notes = NULL,
                   updated_at = $2, anonymised_at = $2, anonymisation_reason = $3
               WHERE id = $4";
    run!(tx, c => sqlx::query(sql).bind(birth).bind(at).bind(reason).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    exec(tx, "DELETE FROM participant_name_words WHERE participant_id = $1", id).await?;
    crate::portal::forget(tx, id).await?;
    let statements = [
        "UPDATE trajectories SET participant_name = '', mediation_service = NULL WHERE participant_id = $1",
        "UPDATE coaching_contacts SET place = NULL, topic = '', notes = NULL, next_step = NULL WHERE participant_id = $1",
        "UPDATE outcomes SET place = NULL, note = NULL WHERE participant_id = $1",
        "UPDATE barriers SET note = NULL WHERE participant_id = $1",
        "UPDATE check_ins SET note = NULL WHERE participant_id = $1",
        "UPDATE icf_measurements SET note = NULL WHERE participant_id = $1",
    ];
    for sql in statements {
        exec(tx, sql, id).await?;
    }
    let sql = format!("UPDATE trajectory_events SET note = NULL WHERE trajectory_id IN {TRAJECTORIES}");
    run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    plans_without_text(tx, id).await?;
    consultations_without(tx, id, &person, false).await?;
    crate::dashboard::counts::refresh(tx, id).await?;
    let redacted = redact_audit(tx, id, &person, &consultations).await?;
    Ok(Done {
        participant_id: id,
        at: Some(at),
        trajectories: starts.len(),
        redacted_entries: redacted,
    })
}

/// Every version of the person's plans without its free text, their comments and notes empty.
async fn plans_without_text(tx: &mut impl Access, id: Uuid) -> Result<()> {
    let plans = format!("(SELECT id FROM plans WHERE trajectory_id IN {TRAJECTORIES})");
    let sql = format!("SELECT plan_id, version, content FROM plan_versions WHERE plan_id IN {plans}");
    let versions: Vec<(Uuid, i32, String)> =
        run!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_all(c).await)?;
    for (plan_id, version, content) in versions {
        let content: PlanContent = serde_json::from_str(&content).map_err(|_| StoreError::Corrupt {
            column: "plan_versions.content",
            value: format!("plan {plan_id} version {version}"),
        })?;
        let bare = crate::plans::content_json(&plan_without_text(&content));
        let sql = "UPDATE plan_versions SET content = $1, note = NULL WHERE plan_id = $2 AND version = $3";
        run!(tx, c => sqlx::query(sql).bind(&bare).bind(plan_id).bind(version)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    let sql = format!("UPDATE plan_comments SET body = '' WHERE plan_id IN {plans}");
    run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The consultations the person was discussed in: one about them alone loses its attendees and
/// decisions; one about others too keeps its text without the person's identifiers. When
/// `leaving` (an erasure), the person's link goes, and a consultation left about nobody and
/// linked to no plan goes with its minutes.
async fn consultations_without(tx: &mut impl Access, id: Uuid, person: &Identifiers, leaving: bool) -> Result<()> {
    let sql = "SELECT k.id, k.organisation_id, k.on_date, k.minutes, k.attendees, k.decisions,
                   (SELECT COUNT(*) FROM consultation_participants x WHERE x.consultation_id = k.id) AS discussed,
                   (SELECT COUNT(*) FROM plan_versions v WHERE v.consultation_id = k.id) AS in_plans
               FROM consultations k JOIN consultation_participants cp ON cp.consultation_id = k.id
               WHERE cp.participant_id = $1";
    type Row = (Uuid, Uuid, NaiveDate, i32, String, Option<String>, i64, i64);
    let rows: Vec<Row> = run!(tx, c => sqlx::query_as(sql).bind(id).fetch_all(c).await)?;
    if leaving {
        exec(
            tx,
            "DELETE FROM consultation_participants WHERE participant_id = $1",
            id,
        )
        .await?;
    }
    let words = person.words();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    for (consultation, organisation, on, minutes, attendees, decisions, discussed, in_plans) in rows {
        if leaving && discussed == 1 && in_plans == 0 {
            crate::cost_benefit::add_minutes(tx, organisation, Tie::Shared, on, -i64::from(minutes)).await?;
            exec(tx, "DELETE FROM consultations WHERE id = $1", consultation).await?;
            continue;
        }
        let (attendees, decisions) = if discussed == 1 {
            (String::new(), None)
        } else {
            (scrub(&attendees, &words), decisions.map(|d| scrub(&d, &words)))
        };
        let sql = "UPDATE consultations SET attendees = $1, decisions = $2 WHERE id = $3";
        run!(tx, c => sqlx::query(sql).bind(&attendees).bind(&decisions).bind(consultation)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Deletes the participant and every row about them (a file registered by mistake): their
/// trajectories and all that hangs on them, taken out of the counts first; other people's
/// records stay (a consultation about several people loses only this one).
pub async fn erase(tx: &mut impl Access, id: Uuid) -> Result<Done> {
    crate::lock_row(tx, "participants", id).await?;
    let person = identifiers(tx, id).await?;
    let consultations = consultation_ids(tx, id).await?;
    let sql = "SELECT COUNT(*) FROM trajectories WHERE participant_id = $1";
    let trajectories: i64 = run!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_one(c).await)?;
    crate::dashboard::counts::forget(tx, id).await?;
    let sql = "SELECT c.organisation_id, t.programme_id, c.on_date, SUM(c.minutes)
               FROM coaching_contacts c JOIN trajectories t ON t.id = c.trajectory_id WHERE c.participant_id = $1
               GROUP BY c.organisation_id, t.programme_id, c.on_date";
    let minutes: Vec<(Uuid, Uuid, NaiveDate, i64)> = run!(tx, c => sqlx::query_as(sql).bind(id).fetch_all(c).await)?;
    for (organisation, programme, on, used) in minutes {
        crate::cost_benefit::add_minutes(tx, organisation, Tie::Programme(programme), on, -used).await?;
    }
    let sql = "SELECT session_id FROM session_enrolments WHERE participant_id = $1";
    let sessions: Vec<Uuid> = run!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_all(c).await)?;
    exec(tx, "DELETE FROM session_enrolments WHERE participant_id = $1", id).await?;
    for session in sessions {
        crate::group_sessions::keep_unmarked(tx, session).await?;
    }
    let measurements = "(SELECT id FROM icf_measurements WHERE participant_id = $1)";
    let plans = format!("(SELECT id FROM plans WHERE trajectory_id IN {TRAJECTORIES})");
    let statements = [
        format!("DELETE FROM icf_ratings WHERE measurement_id IN {measurements}"),
        format!("DELETE FROM competence_ratings WHERE measurement_id IN {measurements}"),
        "DELETE FROM icf_measurements WHERE participant_id = $1".to_owned(),
        format!("DELETE FROM plan_comments WHERE plan_id IN {plans}"),
        format!("DELETE FROM plan_versions WHERE plan_id IN {plans}"),
        format!("DELETE FROM action_steps_open WHERE trajectory_id IN {TRAJECTORIES}"),
        format!("DELETE FROM plans WHERE trajectory_id IN {TRAJECTORIES}"),
        "DELETE FROM coaching_contacts WHERE participant_id = $1".to_owned(),
        "DELETE FROM barriers WHERE participant_id = $1".to_owned(),
        "DELETE FROM outcomes WHERE participant_id = $1".to_owned(),
        "DELETE FROM check_ins WHERE participant_id = $1".to_owned(),
        "DELETE FROM consents WHERE participant_id = $1".to_owned(),
        format!("DELETE FROM trajectory_events WHERE trajectory_id IN {TRAJECTORIES}"),
        "DELETE FROM trajectories WHERE participant_id = $1".to_owned(),
        "DELETE FROM participant_name_words WHERE participant_id = $1".to_owned(),
    ];
    for sql in &statements {
        run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    // After their plans, so that a consultation only their plans referred to goes too.
    consultations_without(tx, id, &person, true).await?;
    // Without trajectories the person counts in no operation: their kept rows go, the cells follow.
    crate::esf_kept::refresh(tx, &[id]).await?;
    crate::portal::forget(tx, id).await?;
    exec(tx, "DELETE FROM participants WHERE id = $1", id).await?;
    let redacted = redact_audit(tx, id, &person, &consultations).await?;
    Ok(Done {
        participant_id: id,
        at: Some(now()),
        trajectories: usize::try_from(trajectories).unwrap_or(0),
        redacted_entries: redacted,
    })
}

/// The consultations the person was discussed in (their records' text names them).
async fn consultation_ids(tx: &mut impl Access, id: Uuid) -> Result<Vec<String>> {
    let sql = "SELECT consultation_id FROM consultation_participants WHERE participant_id = $1";
    let ids: Vec<Uuid> = run!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_all(c).await)?;
    Ok(ids.iter().map(Uuid::to_string).collect())
}

/// Redacts the before/after images of every audit entry about the person: those filed under
/// them, the list views that showed them, those of the consultations they were discussed in,
/// and any whose images name them (their id, register number, e-mail or phone), through the one
/// path the append-only triggers allow. Returns how many entries it redacted.
async fn redact_audit(tx: &mut impl Access, id: Uuid, person: &Identifiers, consultations: &[String]) -> Result<usize> {
    // Entries without images (most reads) have nothing to redact.
    let sql = "SELECT id FROM audit_log WHERE (before_json IS NOT NULL OR after_json IS NOT NULL)
                 AND (participant_id = $1 OR id IN (SELECT entry_id FROM audit_subjects WHERE participant_id = $1))";
    let mut ids: Vec<i64> = run!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_all(c).await)?;
    let sql = "SELECT id FROM audit_log WHERE entity_type = 'consultation' AND entity_id = $1
                 AND (before_json IS NOT NULL OR after_json IS NOT NULL)";
    for consultation in consultations {
        let found: Vec<i64> = run!(tx, c => sqlx::query_scalar(sql).bind(consultation).fetch_all(c).await)?;
        ids.extend(found);
    }
    let mut needles = vec![id.to_string()];
    needles.extend(
        [&person.national_register, &person.email, &person.phone]
            .into_iter()
            .flatten()
            .filter(|v| v.len() >= 5)
            .cloned(),
    );
    let sql = "SELECT id FROM audit_log WHERE (before_json IS NOT NULL AND before_json LIKE $1)
                                           OR (after_json IS NOT NULL AND after_json LIKE $1)";
    for needle in needles {
        // LIKE's wildcards in the needle also match themselves: at worst a few more entries.
        let pattern = format!("%{needle}%");
        let found: Vec<i64> = run!(tx, c => sqlx::query_scalar(sql).bind(&pattern).fetch_all(c).await)?;
        ids.extend(found);
    }
    ids.sort_unstable();
    ids.dedup();
    for entry in &ids {
        audit::redact(tx, *entry, &[Part::Before, Part::After]).await?;
    }
    Ok(ids.len())
}
