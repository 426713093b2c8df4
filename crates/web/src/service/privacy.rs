//! People's data-protection rights, as the data protection officer (or an administrator) answers
//! them: finding the file a request is about, and who consulted it, when and why
//! (docs/privacy.md). Each answer is itself a read of the person's data, audited as such.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::FieldErrors;
use onramp_domain::participants::{parse_date, parse_national_register};
use onramp_domain::policy::Action;
use onramp_domain::purposes::Purpose;
use onramp_domain::validation::fold_for_search;
use onramp_store::audit::{self, Entry, Event, Filter};
use onramp_store::participants::{self, Named, RequestedBy};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// Entries on a page of the log of consultations.
pub const PAGE_SIZE: i64 = 50;

/// What a request gives to find the person by: the register number, or the birth date and a name.
#[derive(Debug, Default, Clone)]
pub struct Search {
    pub national_register: String,
    pub birth_date: String,
    pub name: String,
}

impl Search {
    pub fn is_empty(&self) -> bool {
        [&self.national_register, &self.birth_date, &self.name]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    /// The request's way of naming the person, or the fields to complete.
    pub fn parse(&self) -> Result<RequestedBy, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(number) = errors
            .check("national_register", parse_national_register(&self.national_register))
            .flatten()
        {
            return Ok(RequestedBy::Register(number));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let birth = errors.check("birth_date", parse_date(&self.birth_date));
        let name = fold_for_search(self.name.trim());
        if name.chars().count() < 2 {
            errors.add("name", "required");
        }
        match birth {
            Some(birth) if errors.is_empty() => Ok(RequestedBy::BirthAndName(birth, name)),
            _ => Err(errors),
        }
    }
}

/// The files a request names; the list is audited as the data protection officer's.
pub async fn find(state: &AppState, ctx: &Ctx, search: &Search) -> Result<Vec<Named>, AppError> {
    require(&ctx.actor, Action::HandleDataRights)?;
    let by = search.parse().map_err(AppError::Invalid)?;
    let mut conn = state.db.conn().await?;
    let found = participants::find_for_request(&mut conn, &by).await?;
    drop(conn);
    let shown = found.iter().map(|n| n.id);
    super::audit::list_view(state, ctx, "privacy.search", Purpose::DataProtection, shown).await?;
    Ok(found)
}

/// One consultation or change of a file, as the person is told of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consultation {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who: the account's e-mail (cleared when an account is anonymised).
    pub actor: String,
    pub actor_role: Option<String>,
    /// The names of the actor's organisations at the time.
    pub organisations: Vec<String>,
    /// What happened: e.g. `participant.read`, `caseload.list`, `plan.update`.
    pub action: String,
    /// Why participant data was read (reads only); see docs/privacy.md.
    pub purpose: Option<String>,
    /// Whether the entry is a list of several people that showed this one.
    pub in_list: bool,
}

/// The file a log is about, and a page of its consultations, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consultations {
    pub participant_id: Uuid,
    pub name: String,
    pub birth_date: NaiveDate,
    pub entries: Vec<Consultation>,
    /// Pass as `before` for the older entries; absent on the last page.
    pub next: Option<i64>,
}

/// Who consulted the file, when and why: the entries about the person and the list views that
/// showed them, a page at a time. Reading it is audited on the file.
pub async fn consultations(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    before: Option<i64>,
) -> Result<Consultations, AppError> {
    require(&ctx.actor, Action::HandleDataRights)?;
    let mut conn = state.db.conn().await?;
    let person = participants::get(&mut conn, participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = log_page(&mut conn, participant_id, before, PAGE_SIZE).await?;
    drop(conn);
    record_read(
        state,
        ctx,
        "privacy.consultations",
        participant_id,
        Purpose::DataProtection,
    )
    .await?;
    let next = (entries.len() as i64 == PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Consultations {
        participant_id,
        name: format!("{} {}", person.record.first_name, person.record.last_name),
        birth_date: person.record.birth_date,
        entries,
        next,
    })
}

/// Records a read of the person's file for a data-protection right, in its own transaction.
pub(crate) async fn record_read(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    participant_id: Uuid,
    purpose: Purpose,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let read = Event::read(action, "participant", participant_id, purpose).for_participant(participant_id);
    audit::record(&mut tx, &ctx.who, read).await?;
    tx.commit().await?;
    Ok(())
}

/// A page of the log of a file's consultations, newest first, with the actors' organisations
/// named: what the page and the access export (service::access_export) show.
pub(crate) async fn log_page(
    conn: &mut impl onramp_store::Access,
    participant_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Consultation>, AppError> {
    filtered_log_page(conn, &log_filter(participant_id, before, false), limit).await
}

/// The same for the person themselves in the portal: without their own use of the portal.
pub(crate) async fn log_page_for_the_person(
    conn: &mut impl onramp_store::Access,
    participant_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Consultation>, AppError> {
    filtered_log_page(conn, &log_filter(participant_id, before, true), limit).await
}

fn log_filter(participant_id: Uuid, before: Option<i64>, staff_only: bool) -> Filter {
    Filter {
        participant_id: Some(participant_id),
        before_id: before,
        staff_only,
        ..Filter::default()
    }
}

async fn filtered_log_page(
    conn: &mut impl onramp_store::Access,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Consultation>, AppError> {
    let entries = audit::list(conn, filter, limit).await?;
    let organisations = organisation_names(conn, &entries).await?;
    Ok(entries.into_iter().map(|e| consultation(e, &organisations)).collect())
}

async fn organisation_names(
    conn: &mut impl onramp_store::Access,
    entries: &[Entry],
) -> Result<HashMap<Uuid, String>, AppError> {
    let mut all: Vec<Uuid> = entries
        .iter()
        .flat_map(|e| audit::ids_in(e.actor_organisations.as_deref()))
        .collect();
    all.sort_unstable();
    all.dedup();
    Ok(onramp_store::organisations::names(conn, &all).await?)
}

fn consultation(e: Entry, names: &HashMap<Uuid, String>) -> Consultation {
    Consultation {
        organisations: audit::ids_in(e.actor_organisations.as_deref())
            .iter()
            .filter_map(|id| names.get(id).cloned())
            .collect(),
        in_list: e.subjects.is_some(),
        id: e.id,
        at: e.at,
        actor: e.actor_label,
        actor_role: e.actor_role,
        action: e.action,
        purpose: e.purpose,
    }
}
