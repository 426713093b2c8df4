//! Planning group sessions, enrolling participants (continuous intake), taking attendance.

use super::participants::{Need, authorise};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::identity::Role;
use onramp_domain::policy::{self, Action, Decision, ParticipantRef, SessionRef, SessionScope};
use onramp_domain::purposes::Purpose;
use onramp_domain::sessions::{Attendance, SeriesFields, SeriesInput};
use onramp_store::audit::{self, Event};
use onramp_store::group_sessions::{self, Enrolment, GroupSession, Marked, SessionCursor};
use onramp_store::{Access, organisations, participants, programmes, trajectories, users};
use serde::Serialize;
use uuid::Uuid;

async fn check_user_role(
    conn: &mut impl Access,
    id: Uuid,
    role: Role,
    field: &'static str,
    code: &'static str,
) -> Result<(), AppError> {
    match users::get(conn, id).await? {
        Some(user) if user.active && user.role == role => Ok(()),
        _ => Err(AppError::invalid(field, code)),
    }
}

fn to_utc(local: chrono::NaiveDateTime) -> Result<DateTime<Utc>, AppError> {
    onramp_domain::sessions::start_in_utc(local).ok_or(AppError::invalid("start_time", "invalid-time"))
}

/// Plans a series (or, with one session, a single session). Returns its sessions in order.
pub async fn plan_series(state: &AppState, ctx: &Ctx, fields: &SeriesFields) -> Result<Vec<GroupSession>, AppError> {
    let input = SeriesInput::parse(fields)?;
    let mut tx = state.db.begin().await?;
    let organisation = organisations::get(&mut tx, input.organisation_id)
        .await?
        .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?;
    require(&ctx.actor, Action::PlanSessions(&organisation.as_ref()))?;
    let programme = programmes::get(&mut tx, input.programme_id)
        .await?
        .ok_or(AppError::invalid("programme_id", "invalid-reference"))?;
    if !programme.definition.modules.iter().any(|m| m.code == input.module) {
        return Err(AppError::invalid("module", "unknown-module"));
    }
    super::check_location(&mut tx, input.organisation_id, input.location_id).await?;
    let coach_id = input
        .coach_id
        .or((ctx.actor.role == Role::Coach).then_some(ctx.user.id));
    if let Some(coach_id) = coach_id {
        check_user_role(&mut tx, coach_id, Role::Coach, "coach_id", "not-a-coach").await?;
    }
    if let Some(peer) = input.peer_expert_id {
        check_user_role(&mut tx, peer, Role::PeerExpert, "peer_expert_id", "not-a-peer-expert").await?;
    }
    let starts = input.starts().into_iter().map(to_utc).collect::<Result<Vec<_>, _>>()?;
    let input = SeriesInput { coach_id, ..input };
    let series_id =
        group_sessions::create_series(&mut tx, &input, organisation.region_id, &starts, ctx.user.id).await?;
    let sessions = group_sessions::in_series(&mut tx, series_id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("session_series.create", "session_series", series_id).after(&sessions),
    )
    .await?;
    tx.commit().await?;
    Ok(sessions)
}

/// One page of the sessions list, and where the next page starts (none on the last).
pub struct SessionPage {
    pub sessions: Vec<GroupSession>,
    pub next: Option<SessionCursor>,
}

/// The sessions the actor may see between two dates, `limit` at a time, after `after`; with
/// `only_led`, only those the actor leads (as coach or peer expert).
pub async fn list(
    state: &AppState,
    ctx: &Ctx,
    (from, to): (NaiveDate, NaiveDate),
    only_led: bool,
    after: Option<SessionCursor>,
    limit: i64,
) -> Result<SessionPage, AppError> {
    if to < from {
        return Err(AppError::invalid("to", "before-start"));
    }
    let mut conn = state.db.conn().await?;
    let scope = policy::session_scope(&ctx.actor);
    // Narrowing only: the sessions led by the actor, of those the policy lets them see.
    let scope = if only_led {
        SessionScope {
            all: false,
            led: scope.all || scope.led,
            open_to_partners: false,
            by_membership: false,
            by_region: false,
        }
    } else {
        scope
    };
    let mut sessions = group_sessions::list(&mut conn, scope, ctx.user.id, from, to, after, limit + 1).await?;
    let next = super::keep_page(&mut sessions, limit).map(GroupSession::cursor);
    Ok(SessionPage { sessions, next })
}

/// One enrolled person as the viewer may see them: who they are where the policy lets the viewer
/// see the enrolment (the host takes everyone's attendance), a link to the file only where it lets
/// them open it.
#[derive(Debug, Clone, Serialize)]
pub struct EnrolmentView {
    /// `None` for participants the viewer may not see.
    pub participant_id: Option<Uuid>,
    pub name: Option<String>,
    /// Whether the viewer may open the person's file (a participant of another partner on the
    /// host's list is a name only).
    pub file: bool,
    /// The person withdrew their consent to take part: no attendance is taken for them any more.
    pub consent_withdrawn: bool,
    pub attendance: Option<String>,
    pub attended_in_series: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionDetail {
    pub session: GroupSession,
    pub series: Vec<GroupSession>,
    pub enrolments: Vec<EnrolmentView>,
    pub can_manage: bool,
    /// The session has begun: invitations are no longer sent.
    pub started: bool,
    /// The video meeting address, for online sessions.
    pub meeting_url: Option<String>,
}

impl SessionDetail {
    /// Whom "mark all present" would mark: enrolled, not marked yet, consent in force.
    pub fn unmarked(&self) -> impl Iterator<Item = &EnrolmentView> {
        self.enrolments
            .iter()
            .filter(|e| e.attendance.is_none() && !e.consent_withdrawn)
    }
}

pub(super) async fn visible_session(conn: &mut impl Access, ctx: &Ctx, id: Uuid) -> Result<GroupSession, AppError> {
    let session = group_sessions::get(conn, id).await?.ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::ViewSession(&session.as_ref()))?;
    Ok(session)
}

fn enrolment_view(
    ctx: &Ctx,
    session: &SessionRef,
    e: Enrolment,
    participant: &ParticipantRef,
    withdrawn: bool,
) -> EnrolmentView {
    let allowed = |action| policy::decide(&ctx.actor, action) == Decision::Allow;
    let visible = allowed(Action::ViewEnrolment { session, participant });
    EnrolmentView {
        participant_id: visible.then_some(e.participant_id),
        name: visible.then(|| format!("{} {}", e.first_name, e.last_name)),
        file: visible && allowed(Action::ViewParticipant(participant)),
        consent_withdrawn: visible && withdrawn,
        attendance: e.attendance,
        attended_in_series: e.attended_in_series,
    }
}

pub async fn open(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<SessionDetail, AppError> {
    let mut conn = state.db.conn().await?;
    let session = visible_session(&mut conn, ctx, id).await?;
    let can_manage = policy::decide(&ctx.actor, Action::ManageSession(&session.as_ref())) == Decision::Allow;
    let list = group_sessions::enrolments(&mut conn, id).await?;
    // Whether each name may be shown: one batch of the policy's facts for everyone enrolled.
    let ids: Vec<Uuid> = list.iter().map(|e| e.participant_id).collect();
    let references = participants::access_refs(&mut conn, &ids).await?;
    let withdrawn = onramp_store::consents::participation_lapses(&mut conn, &ids).await?;
    let session_ref = session.as_ref();
    let enrolments: Vec<EnrolmentView> = list
        .into_iter()
        .map(|e| {
            let reference = references.get(&e.participant_id).cloned().unwrap_or_default();
            let gone = withdrawn.contains_key(&e.participant_id);
            enrolment_view(ctx, &session_ref, e, &reference, gone)
        })
        .collect();
    let series = group_sessions::in_series(&mut conn, session.series_id).await?;
    drop(conn);
    let named = enrolments
        .iter()
        .filter(|e| e.name.is_some())
        .filter_map(|e| e.participant_id);
    super::audit::list_view(state, ctx, "session.list", Purpose::Attendance, named).await?;
    Ok(SessionDetail {
        meeting_url: crate::ical::meeting_url(&state.config.meeting_base_url, &session),
        started: session.starts_at <= Utc::now(),
        session,
        series,
        enrolments,
        can_manage,
    })
}

/// Enrols a participant in a session and, with `rest_of_series`, in every later session of
/// its series (continuous intake: joining a running series). All or nothing.
pub async fn enrol(
    state: &AppState,
    ctx: &Ctx,
    session_id: Uuid,
    participant_id: Uuid,
    rest_of_series: bool,
) -> Result<usize, AppError> {
    let mut tx = state.db.begin().await?;
    let session = visible_session(&mut tx, ctx, session_id).await?;
    authorise(&mut tx, ctx, participant_id, Need::Record)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::invalid("participant_id", "invalid-reference"),
            other => other,
        })?;
    if !session.open_to_partners {
        let followed_at_host = trajectories::list_for(&mut tx, participant_id)
            .await?
            .iter()
            .any(|t| t.organisation_id == session.organisation_id && t.ended_on.is_none());
        if !followed_at_host {
            return Err(AppError::invalid("participant_id", "not-open-to-partners"));
        }
    }
    let targets: Vec<GroupSession> = if rest_of_series {
        group_sessions::in_series(&mut tx, session.series_id)
            .await?
            .into_iter()
            .filter(|s| s.position >= session.position)
            .collect()
    } else {
        vec![session]
    };
    let mut added = 0;
    for target in &targets {
        // Taking the session's row first makes concurrent enrolments wait their turn.
        group_sessions::lock(&mut tx, target.id).await?;
        let full = group_sessions::enrolled(&mut tx, target.id).await? >= i64::from(target.capacity);
        if group_sessions::is_enrolled(&mut tx, target.id, participant_id).await? {
            continue;
        }
        if full {
            return Err(AppError::invalid("participant_id", "session-full"));
        }
        group_sessions::enrol(&mut tx, target.id, participant_id, ctx.user.id).await?;
        let event = Event::new("session.enrol", "group_session", target.id).for_participant(participant_id);
        audit::record(&mut tx, &ctx.who, event).await?;
        added += 1;
    }
    tx.commit().await?;
    Ok(added)
}

/// Records attendance for enrolled participants, whichever partner follows them (the host takes
/// everyone's); anyone not enrolled, or who withdrew their consent to take part, refuses the
/// whole list.
pub async fn take_attendance(
    state: &AppState,
    ctx: &Ctx,
    session_id: Uuid,
    marks: &[(Uuid, Attendance)],
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let session = visible_session(&mut tx, ctx, session_id).await?;
    require(&ctx.actor, Action::ManageSession(&session.as_ref()))?;
    for (n, (participant_id, _)) in marks.iter().enumerate() {
        match super::participants::takes_part(&mut tx, *participant_id).await {
            Err(AppError::Invalid(mut errors)) => {
                errors
                    .0
                    .iter_mut()
                    .for_each(|e| e.field = format!("marks[{n}].participant_id").into());
                return Err(AppError::Invalid(errors));
            }
            other => other?,
        }
    }
    if let Marked::NotEnrolled(n) = group_sessions::mark_many(&mut tx, session_id, marks, ctx.user.id).await? {
        return Err(AppError::Invalid(onramp_domain::FieldErrors(vec![
            onramp_domain::FieldError::new(format!("marks[{n}].participant_id"), "not-enrolled"),
        ])));
    }
    let events = marks
        .iter()
        .map(|(participant_id, attendance)| {
            Event::new("session.attendance", "group_session", session_id)
                .for_participant(*participant_id)
                .after(attendance)
        })
        .collect();
    audit::record_many(&mut tx, &ctx.who, events).await?;
    tx.commit().await?;
    Ok(())
}

/// What sending the invitations of a session did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Invited {
    pub sent: usize,
    /// Enrolled people without a usable e-mail address on file.
    pub without_email: usize,
    /// Messages the mail server did not take (logged; invite them again or another way).
    pub failed: usize,
}

/// E-mails each enrolled participant an invitation in their own language, with the session as an
/// iCalendar event attached, before the session begins (`session-started` after). Those without an
/// e-mail address are counted, not failed.
pub async fn invite(state: &AppState, ctx: &Ctx, session_id: Uuid) -> Result<Invited, AppError> {
    let mut conn = state.db.conn().await?;
    let session = visible_session(&mut conn, ctx, session_id).await?;
    require(&ctx.actor, Action::ManageSession(&session.as_ref()))?;
    // An invitation to something that has begun invites nobody in time.
    if session.starts_at <= Utc::now() {
        return Err(AppError::invalid("session", "session-started"));
    }
    let mailer = state
        .config
        .mailer
        .as_ref()
        .ok_or(AppError::invalid("session", "mail-not-configured"))?;
    let mut invited = Invited {
        sent: 0,
        without_email: 0,
        failed: 0,
    };
    // The messages are built first, so no connection is held while the mail server answers.
    let mut messages = Vec::new();
    for enrolment in group_sessions::enrolments(&mut conn, session_id).await? {
        let Some(participant) = participants::get(&mut conn, enrolment.participant_id).await? else {
            continue;
        };
        let message = participant
            .record
            .email
            .as_deref()
            .and_then(|email| invitation(state, mailer, &session, &participant.record, email));
        match message {
            Some(message) => messages.push((participant.id, message)),
            None => invited.without_email += 1,
        }
    }
    drop(conn);
    let mut reached = Vec::new();
    for (participant, message) in messages {
        match mailer.send(message).await {
            Ok(()) => reached.push(participant),
            Err(error) => {
                tracing::warn!(%error, %session_id, "an invitation was not taken by the mail server");
                invited.failed += 1;
            }
        }
    }
    invited.sent = reached.len();
    // Every invitation that went out is audited, whatever happened to the others.
    let mut tx = state.db.begin().await?;
    for participant in reached {
        let event = Event::new("session.invite", "group_session", session_id).for_participant(participant);
        audit::record(&mut tx, &ctx.who, event).await?;
    }
    tx.commit().await?;
    Ok(invited)
}

fn invitation(
    state: &AppState,
    mailer: &crate::mail::Mailer,
    session: &GroupSession,
    person: &onramp_domain::participants::ParticipantInput,
    email: &str,
) -> Option<lettre::Message> {
    use crate::i18n::{text, text_with};
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
    let lang = person.language;
    let when = crate::time::local_text(&session.starts_at);
    let place = match (
        &session.location_name,
        crate::ical::meeting_url(&state.config.meeting_base_url, session),
    ) {
        (_, Some(url)) => url,
        (Some(location), None) => format!("{}, {location}", session.organisation_name),
        (None, None) => session.organisation_name.clone(),
    };
    let name = format!("{} {}", person.first_name, person.last_name);
    let body = [
        text_with(lang, "invitation-greeting", &[("name", &person.first_name)]),
        String::new(),
        text_with(
            lang,
            "invitation-text",
            &[("title", &session.title), ("when", &when), ("place", &place)],
        ),
        String::new(),
        text(lang, "invitation-closing"),
    ]
    .join("\n");
    let calendar = crate::ical::invitation(&state.config.meeting_base_url, lang, session);
    // An address that does not parse counts as no address: that person is invited another way.
    let to: Mailbox = format!("{name} <{email}>").parse().or_else(|_| email.parse()).ok()?;
    let ics = ContentType::parse("text/calendar; charset=utf-8; method=REQUEST").expect("a valid content type");
    lettre::Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(text_with(
            lang,
            "invitation-subject",
            &[("title", &session.title), ("when", &when)],
        ))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(body))
                .singlepart(Attachment::new("invitation.ics".into()).body(calendar, ics)),
        )
        .ok()
}
