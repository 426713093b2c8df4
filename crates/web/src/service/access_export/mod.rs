//! The answer to a person's access and portability request (GDPR Art. 15 and 20): everything
//! onramp holds about them, as one ZIP of `participant.json` (machine-readable, schema in
//! docs/access-export.schema.json) and `participant.pdf` (readable, in their language). What is
//! left out, and why, is in docs/access-export.md: nothing of other participants, staff by role and
//! organisation except where the file itself names them.

mod pdf;

use super::privacy::{Consultation, log_page, record_read};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::esf::EsfProfile;
use onramp_domain::plans::PlanContent;
use onramp_domain::policy::Action;
use onramp_domain::purposes::Purpose;
use onramp_store::access_export::{self as reads, PlanOf, ReachedThrough};
use onramp_store::check_ins::CheckIn;
use onramp_store::coaching::{self, CoachingContact};
use onramp_store::consents::{self, Consent};
use onramp_store::group_sessions::{self, ParticipantSession};
use onramp_store::icf::{self, Measurement};
use onramp_store::outcomes::{self, Barrier, Outcome};
use onramp_store::participants::{self, Participant};
use onramp_store::plans::{self, Comment, VersionInfo};
use onramp_store::trajectories::{self, Trajectory};
use onramp_store::{Access, check_ins};
use serde::Serialize;
use std::io::Write;
use uuid::Uuid;
use zip::write::SimpleFileOptions;

/// The format's name and version, the JSON's first member.
pub const FORMAT: &str = "onramp-access-export/1";

/// Log entries read at a time.
const LOG_PAGE: i64 = 500;

/// Everything held about one person: `participant.json`.
#[derive(Debug, Serialize)]
pub struct AccessExport {
    pub format: &'static str,
    pub generated_at: DateTime<Utc>,
    /// Identity and the file's record, its notes included.
    pub participant: Participant,
    /// The ESF+ characteristics at entry (also within `participant`), on their own for a reader.
    pub esf_answers: EsfProfile,
    pub consents: Vec<Consent>,
    pub trajectories: Vec<TrajectoryHistory>,
    pub coaching_contacts: Vec<CoachingContact>,
    pub group_sessions: Vec<ParticipantSession>,
    pub case_consultations: Vec<CaseConsultation>,
    /// The outreach action the person came through, if any.
    pub presence_action: Option<ReachedThrough>,
    pub plans: Vec<PlanHistory>,
    pub icf_measurements: Vec<Measurement>,
    pub outcomes: Vec<Outcome>,
    pub barriers: Vec<Barrier>,
    pub check_ins: Vec<CheckIn>,
    /// Who consulted or changed the file, when and why, newest first.
    pub consultations_of_file: Vec<LogEntry>,
}

/// A trajectory with its events (start, phases, handover, exit).
#[derive(Debug, Serialize)]
pub struct TrajectoryHistory {
    #[serde(flatten)]
    pub trajectory: Trajectory,
    pub events: Vec<trajectories::Event>,
}

/// A case consultation the person was discussed in. The others discussed, the attendees and the
/// decisions (written about everyone discussed) stay out.
#[derive(Debug, Serialize)]
pub struct CaseConsultation {
    pub id: Uuid,
    pub on_date: NaiveDate,
    pub organisation_name: String,
    pub location_name: Option<String>,
    pub coach_name: String,
    pub minutes: i32,
}

/// A plan with every version and every comment.
#[derive(Debug, Serialize)]
pub struct PlanHistory {
    pub trajectory_id: Uuid,
    pub kind: String,
    pub shared_version: Option<i32>,
    /// Oldest first.
    pub versions: Vec<PlanVersion>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Serialize)]
pub struct PlanVersion {
    #[serde(flatten)]
    pub info: VersionInfo,
    pub content: PlanContent,
}

/// One consultation of the file as the person is told of it: the reader by role and
/// organisations, not by name or e-mail.
#[derive(Debug, Serialize)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub purpose: Option<String>,
    pub actor_role: Option<String>,
    pub actor_organisations: Vec<String>,
    /// A list of several people that showed this one.
    pub in_list: bool,
}

impl From<Consultation> for LogEntry {
    fn from(c: Consultation) -> Self {
        LogEntry {
            at: c.at,
            action: c.action,
            purpose: c.purpose,
            actor_role: c.actor_role,
            actor_organisations: c.organisations,
            in_list: c.in_list,
        }
    }
}

/// The ZIP for one participant, and its file name. Refused to all but administrators and the data
/// protection officer; audited as a read for an access request.
pub async fn export(state: &AppState, ctx: &Ctx, participant_id: Uuid) -> Result<(String, Vec<u8>), AppError> {
    require(&ctx.actor, Action::HandleDataRights)?;
    let mut conn = state.db.conn().await?;
    let export = gather(&mut conn, participant_id).await?;
    drop(conn);
    let bytes = tokio::task::spawn_blocking(move || archive(&export))
        .await
        .map_err(AppError::internal)??;
    record_read(
        state,
        ctx,
        "participant.access_export",
        participant_id,
        Purpose::AccessRequest,
    )
    .await?;
    Ok((format!("access-export-{participant_id}.zip"), bytes))
}

/// The ZIP the person downloads themselves in the portal (docs/portal.md), and its file name:
/// the access export without what the staff wrote for their own work (the file's notes, the
/// notes of coaching contacts). The caller has checked it is the person's own account.
pub async fn for_the_person(state: &AppState, participant_id: Uuid) -> Result<(String, Vec<u8>), AppError> {
    let mut conn = state.db.conn().await?;
    let mut export = gather(&mut conn, participant_id).await?;
    drop(conn);
    export.participant.record.notes = None;
    for contact in &mut export.coaching_contacts {
        contact.notes = None;
    }
    // The plans as the portal shows them: no version's note, only the conversation with them.
    for plan in &mut export.plans {
        for version in &mut plan.versions {
            version.info.note = None;
        }
        plan.comments.retain(|c| c.with_participant);
    }
    let bytes = tokio::task::spawn_blocking(move || archive(&export))
        .await
        .map_err(AppError::internal)??;
    Ok((format!("my-onramp-{}.zip", onramp_store::today()), bytes))
}

/// Reads everything held about the person.
pub async fn gather(conn: &mut impl Access, id: Uuid) -> Result<AccessExport, AppError> {
    let participant = participants::get(conn, id).await?.ok_or(AppError::NotFound)?;
    let mut events = trajectories::events_for(conn, id).await?;
    let trajectories = trajectories::list_for(conn, id)
        .await?
        .into_iter()
        .map(|trajectory| TrajectoryHistory {
            events: take_where(&mut events, |e| e.trajectory_id == trajectory.id),
            trajectory,
        })
        .collect();
    let case_consultations = coaching::consultations_for(conn, id)
        .await?
        .into_iter()
        .map(|k| CaseConsultation {
            id: k.id,
            on_date: k.on_date,
            organisation_name: k.organisation_name,
            location_name: k.location_name,
            coach_name: k.coach_name,
            minutes: k.minutes,
        })
        .collect();
    Ok(AccessExport {
        format: FORMAT,
        generated_at: onramp_store::now(),
        esf_answers: participant.record.esf.clone(),
        participant,
        consents: consents::list_for(conn, id).await?,
        trajectories,
        coaching_contacts: coaching::contacts_for(conn, id).await?,
        group_sessions: group_sessions::for_participant(conn, id).await?,
        case_consultations,
        presence_action: reads::reached_through(conn, id).await?,
        plans: plan_histories(conn, id).await?,
        icf_measurements: icf::measurements(conn, id).await?,
        outcomes: outcomes::for_participant(conn, id).await?,
        barriers: outcomes::barriers_for(conn, id).await?,
        check_ins: check_ins::for_participant(conn, id).await?,
        consultations_of_file: whole_log(conn, id).await?,
    })
}

/// Moves the items that match out of `all`, keeping their order.
fn take_where<T>(all: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> Vec<T> {
    let (taken, kept) = std::mem::take(all).into_iter().partition(|item| matches(item));
    *all = kept;
    taken
}

async fn plan_histories(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<PlanHistory>, AppError> {
    let mut histories = Vec::new();
    for PlanOf {
        id,
        trajectory_id,
        kind,
        version,
        shared_version,
    } in reads::plans(conn, participant_id).await?
    {
        let mut versions = Vec::new();
        for number in 1..=version {
            if let Some(v) = plans::version(conn, id, number).await? {
                versions.push(PlanVersion {
                    info: v.info,
                    content: v.content,
                });
            }
        }
        histories.push(PlanHistory {
            trajectory_id,
            kind,
            shared_version,
            versions,
            comments: plans::comments(conn, id, plans::Readers::Coaches).await?,
        });
    }
    Ok(histories)
}

/// The whole log of the file's consultations, a page at a time.
async fn whole_log(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<LogEntry>, AppError> {
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let page = log_page(conn, participant_id, before, LOG_PAGE).await?;
        let full = page.len() as i64 == LOG_PAGE;
        before = page.last().map(|c| c.id);
        all.extend(page.into_iter().map(LogEntry::from));
        if !full {
            return Ok(all);
        }
    }
}

/// The ZIP: the JSON and the PDF in the person's language.
fn archive(export: &AccessExport) -> Result<Vec<u8>, AppError> {
    let json = serde_json::to_vec_pretty(export).map_err(AppError::internal)?;
    let pdf = onramp_documents::pdf(&pdf::document(export)).map_err(AppError::internal)?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [("participant.json", &json), ("participant.pdf", &pdf)] {
        zip.start_file(name, options).map_err(AppError::internal)?;
        zip.write_all(bytes).map_err(AppError::internal)?;
    }
    Ok(zip.finish().map_err(AppError::internal)?.into_inner())
}
