//! The participant's own onramp (docs/portal.md): what a signed-in participant reads and does
//! about themselves. Every operation starts from `own`, which finds the person the account is and
//! asks the policy; nobody else (staff included) finds anything here. Every read of the file is
//! audited with the purpose `own_file`.

use super::privacy::{Consultation, log_page_for_the_person, record_read};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::consents::{ConsentInput, Purpose as ConsentPurpose};
use onramp_domain::policy::{Action, Actor, PortalRef};
use onramp_domain::purposes::Purpose;
use onramp_store::consents::{self, Consent};
use onramp_store::{group_sessions, participants, portal, trajectories};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// How many entries of the access log a page shows.
pub const LOG_PAGE_SIZE: i64 = 25;

/// The participant the signed-in account is, while its access lasts; 404 for every other account.
pub async fn own(state: &AppState, ctx: &Ctx) -> Result<Uuid, AppError> {
    let mut conn = state.db.conn().await?;
    own_of(&mut conn, &ctx.actor).await
}

/// The same for an actor outside a request: the owner of a calendar feed.
pub async fn own_of(conn: &mut impl onramp_store::Access, actor: &Actor) -> Result<Uuid, AppError> {
    let account = portal::account_of_user(conn, actor.user_id).await?;
    let portal = PortalRef {
        account_user: account.as_ref().filter(|a| a.active).map(|a| a.user_id),
    };
    require(actor, Action::UsePortal(&portal))?;
    account.map(|a| a.participant_id).ok_or(AppError::NotFound)
}

/// Where the person stands, for the portal's home page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    pub first_name: String,
    /// The programmes the person follows, with their coach, open ones first.
    pub programmes: Vec<Followed>,
    /// Group sessions still to come.
    pub upcoming_sessions: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Followed {
    pub programme: String,
    pub organisation: String,
    pub coach: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

pub async fn overview(state: &AppState, ctx: &Ctx) -> Result<Overview, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let person = participants::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let mut followed = trajectories::list_for(&mut conn, id).await?;
    followed.sort_by_key(|t| (t.ended_on.is_some(), std::cmp::Reverse(t.started_on)));
    let now = onramp_store::now();
    let upcoming = group_sessions::for_participant(&mut conn, id)
        .await?
        .iter()
        .filter(|s| s.starts_at > now)
        .count();
    drop(conn);
    record_read(state, ctx, "portal.overview", id, Purpose::OwnFile).await?;
    Ok(Overview {
        first_name: person.record.first_name,
        programmes: followed
            .into_iter()
            .map(|t| Followed {
                programme: t.programme_name,
                organisation: t.organisation_name,
                coach: t.coach_name,
                started_on: t.started_on,
                ended_on: t.ended_on,
            })
            .collect(),
        upcoming_sessions: upcoming,
    })
}

/// The person's consents, each with its dates, and what they may give again.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnConsents {
    #[schema(value_type = Vec<Object>)]
    pub consents: Vec<Consent>,
    /// The partners following the person, whose care team they may allow to read their file.
    pub partners: Vec<Partner>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
}

pub async fn consents(state: &AppState, ctx: &Ctx) -> Result<OwnConsents, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let consents = consents::list_for(&mut conn, id).await?;
    let partners = partners_of(&mut conn, id).await?;
    drop(conn);
    record_read(state, ctx, "portal.consents", id, Purpose::OwnFile).await?;
    Ok(OwnConsents { consents, partners })
}

async fn partners_of(conn: &mut impl onramp_store::Access, id: Uuid) -> Result<Vec<Partner>, AppError> {
    let mut partners: Vec<Partner> = trajectories::list_for(conn, id)
        .await?
        .into_iter()
        .map(|t| Partner {
            id: t.organisation_id,
            name: t.organisation_name,
        })
        .collect();
    partners.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    partners.dedup_by_key(|p| p.id);
    Ok(partners)
}

/// The version of the consent texts a participant agrees to in the portal.
pub const CONSENT_VERSION: &str = "portal-2026-12";

/// Gives a consent from the portal, from today. Sharing with a care team names one of the
/// partners following the person.
pub async fn give_consent(state: &AppState, ctx: &Ctx, purpose: &str, organisation: &str) -> Result<Consent, AppError> {
    let id = own(state, ctx).await?;
    let today = onramp_store::today();
    let fields = onramp_domain::consents::ConsentFields {
        purpose,
        organisation,
        version: CONSENT_VERSION,
        given_on: &today.to_string(),
        ends_on: "",
    };
    let input = ConsentInput::parse(fields, today)?;
    let mut tx = state.db.begin().await?;
    if input.purpose == ConsentPurpose::ShareCareTeam {
        let partners = partners_of(&mut tx, id).await?;
        if !partners.iter().any(|p| Some(p.id) == input.organisation_id) {
            return Err(AppError::invalid("organisation_id", "not-your-partner"));
        }
    }
    let consent = super::consents::give_unchecked(&mut tx, ctx, id, &input).await?;
    tx.commit().await?;
    Ok(consent)
}

/// Withdraws one of the person's own consents, from today: it takes effect at once.
pub async fn withdraw_consent(state: &AppState, ctx: &Ctx, consent_id: Uuid) -> Result<Consent, AppError> {
    let id = own(state, ctx).await?;
    let mut tx = state.db.begin().await?;
    let consent = consents::get(&mut tx, consent_id).await?;
    if consent.is_none_or(|c| c.participant_id != id) {
        return Err(AppError::NotFound);
    }
    let consent = super::consents::withdraw_unchecked(&mut tx, ctx, id, consent_id, onramp_store::today()).await?;
    tx.commit().await?;
    Ok(consent)
}

/// One consultation or change of the file as the person is told of it: when, the organisation
/// and role of who did it, and why; never the staff member's name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogEntry {
    pub at: DateTime<Utc>,
    pub organisations: Vec<String>,
    pub role: Option<String>,
    /// Why the file was read (reads only), as in docs/privacy.md.
    pub purpose: Option<String>,
    /// `read` (the file was opened), `list` (a list showed the person) or `change`.
    pub kind: String,
    /// What happened, e.g. `participant.read`.
    pub action: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLog {
    pub entries: Vec<AccessLogEntry>,
    /// Pass as `before` for older entries; absent on the last page.
    pub next: Option<i64>,
}

/// Who consulted the person's file, when and why, newest first; their own use of the portal
/// is left out.
pub async fn access_log(state: &AppState, ctx: &Ctx, before: Option<i64>) -> Result<AccessLog, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let entries = log_page_for_the_person(&mut conn, id, before, LOG_PAGE_SIZE).await?;
    drop(conn);
    record_read(state, ctx, "portal.access_log", id, Purpose::OwnFile).await?;
    let next = (entries.len() as i64 == LOG_PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(AccessLog {
        entries: entries.into_iter().map(told).collect(),
        next,
    })
}

fn told(entry: Consultation) -> AccessLogEntry {
    let kind = match (entry.in_list, entry.purpose.is_some()) {
        (true, _) => "list",
        (false, true) => "read",
        (false, false) => "change",
    };
    AccessLogEntry {
        at: entry.at,
        organisations: entry.organisations,
        role: entry.actor_role,
        purpose: entry.purpose,
        kind: kind.to_owned(),
        action: entry.action,
    }
}

/// The person's group sessions, upcoming first (soonest first), then those past (latest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnSession {
    pub session_id: Uuid,
    pub title: String,
    pub position: i32,
    pub on_date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub upcoming: bool,
    /// `present`, `excused`, `absent` once taken; none before.
    pub attendance: Option<String>,
    /// Where it is held: the organisation and its location.
    pub place: Option<String>,
    /// The online room to join, for an upcoming session held online.
    pub online_link: Option<String>,
}

pub async fn sessions(state: &AppState, ctx: &Ctx) -> Result<Vec<OwnSession>, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let found = group_sessions::for_participant(&mut conn, id).await?;
    let ids: Vec<Uuid> = found.iter().map(|s| s.session_id).collect();
    let details = group_sessions::get_many(&mut conn, &ids).await?;
    let now = onramp_store::now();
    let mut sessions = Vec::with_capacity(found.len());
    for s in found {
        let upcoming = s.starts_at > now;
        let held = details.iter().find(|d| d.id == s.session_id);
        let place = held.map(|h| match &h.location_name {
            Some(location) => format!("{} · {location}", h.organisation_name),
            None => h.organisation_name.clone(),
        });
        let online_link = held
            .filter(|h| upcoming && h.online)
            .and_then(|h| crate::ical::meeting_url(&state.config.meeting_base_url, h));
        sessions.push(OwnSession {
            upcoming,
            session_id: s.session_id,
            title: s.title,
            position: s.position,
            on_date: s.on_date,
            starts_at: s.starts_at,
            attendance: s.attendance,
            place,
            online_link,
        });
    }
    drop(conn);
    record_read(state, ctx, "portal.sessions", id, Purpose::OwnFile).await?;
    sessions.sort_by(|a, b| {
        b.upcoming.cmp(&a.upcoming).then(if a.upcoming {
            a.starts_at.cmp(&b.starts_at)
        } else {
            b.starts_at.cmp(&a.starts_at)
        })
    });
    Ok(sessions)
}

/// Everything held about the person that is theirs to read, as a ZIP (docs/portal.md): the
/// access export without the staff's own notes and decisions.
pub async fn export(state: &AppState, ctx: &Ctx) -> Result<(String, Vec<u8>), AppError> {
    let id = own(state, ctx).await?;
    let (name, bytes) = super::access_export::for_the_person(state, id).await?;
    record_read(state, ctx, "portal.export", id, Purpose::AccessRequest).await?;
    Ok((name, bytes))
}
