//! Participant files: intake with duplicate detection, the audited file view,
//! changes, consents, and the caseload.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::participants::ParticipantInput;
use onramp_domain::policy::{self, Action, Decision, ParticipantRef};
use onramp_domain::purposes;
use onramp_store::audit::{self, Event};
use onramp_store::coaching::{self, CoachingContact, Consultation};
use onramp_store::consents::{self, Consent};
use onramp_store::group_sessions::{self, ParticipantSession};
use onramp_store::participants::{self, Participant};
use onramp_store::trajectories::{self, Trajectory};
use onramp_store::{Access, Tx, organisations};
use uuid::Uuid;

/// What an operation does with a participant file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    View,
    /// Change the file: correct the person's data, give or withdraw a consent, end a trajectory.
    Edit,
    /// Record something new for the person: a contact, a plan, a rating, an outcome, a barrier, a
    /// phase or a handover, an enrolment, attendance, a consultation, a check-in, a trajectory.
    /// `Edit`, while the person takes part (see [`takes_part`]).
    Record,
}

/// Loads what the policy needs and asks it; a participant outside the scope does not exist.
pub async fn authorise(conn: &mut impl Access, ctx: &Ctx, id: Uuid, need: Need) -> Result<ParticipantRef, AppError> {
    let reference = participants::access_ref(conn, id).await?.ok_or(AppError::NotFound)?;
    let action = match need {
        Need::View => Action::ViewParticipant(&reference),
        Need::Edit | Need::Record => Action::EditParticipant(&reference),
    };
    require(&ctx.actor, action)?;
    if need == Need::Record {
        takes_part(conn, id).await?;
    }
    Ok(reference)
}

/// The consent to take part is the participant's: once they withdrew it (and gave none since),
/// nothing new is recorded for any of their trajectories; what stays open is ending them, and
/// correcting their data or consents. The one place this rule is kept: every recording asks
/// `authorise(.., Need::Record)`, and attendance (taken by the session's host) asks here.
pub async fn takes_part(conn: &mut impl Access, id: Uuid) -> Result<(), AppError> {
    match consents::participation_lapse(conn, id).await? {
        None => Ok(()),
        Some(lapse) => {
            let named = vec![
                ("date", crate::i18n::date(&lapse.on())),
                ("how", lapse.how().to_owned()),
            ];
            Err(onramp_domain::FieldErrors::single_with("consent", "consent-withdrawn", named).into())
        }
    }
}

/// Checks that the actor may change this file; a form that did not parse shows its errors only
/// to those who may send it.
pub async fn may_edit(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    let mut conn = state.db.conn().await?;
    authorise(&mut conn, ctx, id, Need::Edit).await?;
    Ok(())
}

fn audit_event<'a>(action: &'a str, participant_id: Uuid) -> Event<'a> {
    Event::new(action, "participant", participant_id).for_participant(participant_id)
}

/// Registers a person reached at `organisation_id`, in the intake's transaction (see
/// `service::intake`). Unless `confirmed_new`, possible duplicates stop the intake: the ones the
/// actor may see are offered to open instead.
pub(super) async fn register(
    tx: &mut Tx,
    ctx: &Ctx,
    organisation_id: Uuid,
    input: &ParticipantInput,
    confirmed_new: bool,
) -> Result<Participant, AppError> {
    let organisation = organisations::get(tx, organisation_id)
        .await?
        .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?;
    require(&ctx.actor, Action::CreateParticipant(&organisation.as_ref()))?;
    let candidates = participants::find_duplicates(tx, input).await?;
    let certain = candidates.iter().any(|c| c.same_national_register);
    if !candidates.is_empty() && (certain || !confirmed_new) {
        let mut visible = Vec::new();
        for candidate in candidates.iter() {
            let reference = participants::access_ref(tx, candidate.id).await?.unwrap_or_default();
            if policy::decide(&ctx.actor, Action::ViewParticipant(&reference)) == Decision::Allow {
                visible.push(candidate.clone());
            }
        }
        let hidden = candidates.len() - visible.len();
        return Err(AppError::Duplicates(visible, hidden));
    }
    let participant = participants::create(tx, input, organisation_id, Some(ctx.user.id)).await?;
    audit::record(
        tx,
        &ctx.who,
        audit_event("participant.create", participant.id).after(&participant),
    )
    .await?;
    Ok(participant)
}

/// Everything on a participant's page. Notes are left out for those who may not read them.
#[derive(Debug, Clone)]
pub struct ParticipantFile {
    pub participant: Participant,
    pub consents: Vec<Consent>,
    pub trajectories: Vec<Trajectory>,
    pub events: Vec<trajectories::Event>,
    /// Individual coaching contacts, newest first; their notes follow the file's notes.
    pub contacts: Vec<CoachingContact>,
    /// Case and team consultations the person was discussed in, newest first (decisions follow the notes rule).
    pub consultations: Vec<Consultation>,
    /// Steps to work and other outcomes, newest first.
    pub outcomes: Vec<onramp_store::outcomes::Outcome>,
    /// Barriers to work, newest first.
    pub barriers: Vec<onramp_store::outcomes::Barrier>,
    /// Check-ins after exit, by due date.
    pub check_ins: Vec<onramp_store::check_ins::CheckIn>,
    /// The names of the barrier codes, built-in and added.
    pub barrier_names: super::barrier_codes::BarrierNames,
    /// Group sessions the person is enrolled in, newest first, with attendance.
    pub sessions: Vec<ParticipantSession>,
    pub can_edit: bool,
    pub can_read_notes: bool,
    /// How the person's consent to take part stopped holding, withdrawn or past its end (and none
    /// holds since): nothing new is recorded from then on, only exits.
    pub participation_lapse: Option<onramp_domain::consents::Lapse>,
    /// Whether the actor may record something new: `can_edit` while the person takes part.
    pub can_record: bool,
}

/// Opens a participant file; every opening is audited.
pub async fn open(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<ParticipantFile, AppError> {
    let mut conn = state.db.conn().await?;
    let reference = authorise(&mut conn, ctx, id, Need::View).await?;
    // The read's entry is made durable while the file is read (`read_beside`).
    let purpose = purposes::of_file(&ctx.actor, &reference);
    let read = Event::read("participant.read", "participant", id, purpose).for_participant(id);
    let entry = super::audit::read_beside(state, ctx, read);
    let mut participant = participants::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let can_read_notes = policy::decide(&ctx.actor, Action::ViewParticipantNotes(&reference)) == Decision::Allow;
    let can_edit = policy::decide(&ctx.actor, Action::EditParticipant(&reference)) == Decision::Allow;
    if !can_read_notes {
        participant.record.notes = None;
    }
    let consents = consents::list_for(&mut conn, id).await?;
    let participation_lapse = consents::participation_lapse(&mut conn, id).await?;
    let trajectories = trajectories::list_for(&mut conn, id).await?;
    let events = trajectories::events_for(&mut conn, id).await?;
    let mut contacts = coaching::contacts_for(&mut conn, id).await?;
    if !can_read_notes {
        contacts.iter_mut().for_each(|c| c.notes = None);
    }
    let sessions = group_sessions::for_participant(&mut conn, id).await?;
    let outcomes = onramp_store::outcomes::for_participant(&mut conn, id).await?;
    let barriers = onramp_store::outcomes::barriers_for(&mut conn, id).await?;
    let check_ins = onramp_store::check_ins::for_participant(&mut conn, id).await?;
    let barrier_names = super::barrier_codes::names_in(&mut conn).await?;
    let mut consultations = coaching::consultations_for(&mut conn, id).await?;
    super::decisions::withhold_decisions(&mut conn, ctx, &mut consultations).await?;
    drop(conn);
    entry.written().await?;
    Ok(ParticipantFile {
        participant,
        consents,
        trajectories,
        events,
        contacts,
        consultations,
        outcomes,
        barriers,
        check_ins,
        barrier_names,
        sessions,
        can_record: can_edit && participation_lapse.is_none(),
        can_edit,
        can_read_notes,
        participation_lapse,
    })
}

pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: ParticipantInput) -> Result<Participant, AppError> {
    let mut tx = state.db.begin().await?;
    authorise(&mut tx, ctx, id, Need::Edit).await?;
    let before = participants::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let after = participants::update(&mut tx, id, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        audit_event("participant.update", id).before(&before).after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
