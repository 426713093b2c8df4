//! Group sessions: planning series, enrolment with continuous intake, attendance.

use super::extract::{ApiJson, ApiPath, ApiQuery, number_text};
use crate::builtin_names::StepNames;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::period::{self, Period};
use crate::requests::sessions::{Whose, encode_session_cursor, parse_marks, session_cursor};
use crate::service::group_sessions::{self as service, EnrolmentView};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use onramp_domain::organisations::parse_id;
use onramp_domain::sessions::SeriesFields;
use onramp_store::group_sessions::{GroupSession, ParticipantSession};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SeriesBody {
    pub programme_id: String,
    /// A module code of the programme, e.g. `module_2` or `collective_session`.
    pub module: String,
    pub title: String,
    /// The partner hosting the sessions.
    pub organisation_id: String,
    /// One of the host's locations; may be absent for online sessions.
    pub location_id: Option<String>,
    /// Online sessions get a link to their own video meeting room.
    pub online: bool,
    /// Participants of other partners may join.
    pub open_to_partners: bool,
    /// Places per session, 1 to 200.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 200)]
    pub capacity: Option<i64>,
    /// The leading coach; you, when you are a coach and leave it out.
    pub coach_id: Option<String>,
    pub peer_expert_id: Option<String>,
    /// YYYY-MM-DD
    pub first_date: String,
    /// HH:MM, Brussels time.
    pub start_time: String,
    /// Duration of each session in minutes, 1 to 600.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 600)]
    pub minutes: Option<i64>,
    /// How many sessions, 1 (a single session) to 52.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 52)]
    pub sessions: Option<i64>,
    /// Weeks between sessions, 1 to 8.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 8)]
    pub weeks_between: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub series_id: Uuid,
    /// 1-based place in the series.
    pub position: i32,
    pub series_size: i64,
    pub programme_id: Uuid,
    pub programme_name: String,
    /// The module's code in its programme (stable).
    pub module: String,
    /// The module's name, in your language.
    pub module_name: String,
    pub title: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub open_to_partners: bool,
    pub starts_at: DateTime<Utc>,
    pub minutes: i32,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub online: bool,
    pub capacity: i32,
    pub enrolled: i64,
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub peer_expert_id: Option<Uuid>,
    pub peer_expert_name: Option<String>,
}

impl SessionView {
    /// The session, its module named in the reader's language.
    fn new(s: GroupSession, names: &StepNames) -> Self {
        SessionView {
            module_name: names.module(s.programme_id, &s.module),
            id: s.id,
            series_id: s.series_id,
            position: s.position,
            series_size: s.series_size,
            programme_id: s.programme_id,
            programme_name: s.programme_name,
            module: s.module,
            title: s.title,
            organisation_id: s.organisation_id,
            organisation_name: s.organisation_name,
            open_to_partners: s.open_to_partners,
            starts_at: s.starts_at,
            minutes: s.minutes,
            location_id: s.location_id,
            location_name: s.location_name,
            online: s.online,
            capacity: s.capacity,
            enrolled: s.enrolled,
            coach_id: s.coach_id,
            coach_name: s.coach_name,
            peer_expert_id: s.peer_expert_id,
            peer_expert_name: s.peer_expert_name,
        }
    }
}

impl SeriesBody {
    fn fields(self) -> SeriesFields {
        SeriesFields {
            programme_id: self.programme_id,
            module: self.module,
            title: self.title,
            organisation_id: self.organisation_id,
            location_id: self.location_id.unwrap_or_default(),
            online: self.online,
            open_to_partners: self.open_to_partners,
            capacity: number_text(self.capacity),
            coach_id: self.coach_id.unwrap_or_default(),
            peer_expert_id: self.peer_expert_id.unwrap_or_default(),
            first_date: self.first_date,
            start_time: self.start_time,
            minutes: number_text(self.minutes),
            sessions: number_text(self.sessions),
            weeks_between: number_text(self.weeks_between),
        }
    }
}

/// Plans a series of group sessions (one session for a single one), weekly or every few weeks.
#[utoipa::path(post, path = "/api/v1/session-series", tag = "activities", request_body = SeriesBody,
    responses(
        (status = 201, description = "The sessions of the series, in order", body = Vec<SessionView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn plan_series(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<SeriesBody>,
) -> Result<(StatusCode, Json<Vec<SessionView>>), AppError> {
    let sessions = service::plan_series(&state, &ctx, &body.fields()).await?;
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    let views = sessions.into_iter().map(|s| SessionView::new(s, &names)).collect();
    Ok((StatusCode::CREATED, Json(views)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SessionsQuery {
    /// YYYY-MM-DD; today when absent.
    pub from: Option<String>,
    /// YYYY-MM-DD; eight weeks after `from` when absent.
    pub to: Option<String>,
    /// `mine`: the sessions you lead (as coach or peer expert); `all`: every session you may see.
    /// When absent, `mine` for coaches and peer experts, `all` for the other roles (who lead none).
    pub whose: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 500; 100 by default.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The group sessions in a period, in time order, a page at a time: by default those you lead
/// (coaches and peer experts), with `whose=all` every session you may see.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "activities", params(SessionsQuery),
    responses(
        (status = 200, body = SessionList),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<SessionsQuery>,
) -> Result<Json<SessionList>, AppError> {
    let period = Period::parse(query.from.as_deref(), query.to.as_deref(), period::Default::Next8Weeks)?;
    let after = session_cursor(query.after.as_deref())?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::invalid("limit", "out-of-range"));
    }
    let whose = Whose::parse(query.whose.as_deref(), ctx.actor.role)?;
    let only_led = whose == Whose::Mine;
    let page = service::list(&state, &ctx, (period.from, period.to), only_led, after, limit).await?;
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    Ok(Json(SessionList {
        sessions: page.sessions.into_iter().map(|s| SessionView::new(s, &names)).collect(),
        next: page.next.as_ref().map(encode_session_cursor),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentBody {
    /// Absent for participants you may not see (you see that a place is taken, not by whom).
    /// Who manages the session sees everyone enrolled, to take their attendance.
    pub participant_id: Option<Uuid>,
    pub name: Option<String>,
    /// Whether you may open the person's file (the host sees another partner's participant by
    /// name only).
    pub file: bool,
    /// The person withdrew their consent to take part: their attendance is no longer taken.
    pub consent_withdrawn: bool,
    /// present, excused, absent, or absent when not yet taken.
    pub attendance: Option<String>,
    /// Sessions of the series attended so far, this one included: how far along each person is.
    pub attended_in_series: i64,
}

impl From<EnrolmentView> for EnrolmentBody {
    fn from(e: EnrolmentView) -> Self {
        EnrolmentBody {
            participant_id: e.participant_id,
            name: e.name,
            file: e.file,
            consent_withdrawn: e.consent_withdrawn,
            attendance: e.attendance,
            attended_in_series: e.attended_in_series,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDetailView {
    pub session: SessionView,
    /// The link to the session's video meeting, for online sessions.
    pub meeting_url: Option<String>,
    /// All sessions of the series, in order.
    pub series: Vec<SessionView>,
    pub enrolments: Vec<EnrolmentBody>,
    /// Whether you may take attendance.
    pub can_manage: bool,
    /// The session has begun: invitations are refused (`session-started`).
    pub started: bool,
}

impl SessionDetailView {
    /// One session as [`get`] and [`take_attendance`] answer it.
    pub(super) async fn open(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Self, AppError> {
        let d = service::open(state, ctx, id).await?;
        let names = crate::service::programmes::step_names(state, ctx).await?;
        Ok(SessionDetailView {
            session: SessionView::new(d.session, &names),
            meeting_url: d.meeting_url,
            series: d.series.into_iter().map(|s| SessionView::new(s, &names)).collect(),
            enrolments: d.enrolments.into_iter().map(Into::into).collect(),
            can_manage: d.can_manage,
            started: d.started,
        })
    }
}

/// One session with its enrolments and attendance.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "activities", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = SessionDetailView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SessionDetailView>, AppError> {
    Ok(Json(SessionDetailView::open(&state, &ctx, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EnrolBody {
    pub participant_id: String,
    /// Also enrol in every later session of the series (joining a running series).
    pub rest_of_series: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Enrolled {
    /// Sessions the participant was newly enrolled in.
    pub sessions: usize,
}

/// Enrols a participant you follow. A full session refuses with 422 (`session-full`) and nothing is written.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/enrolments", tag = "activities", request_body = EnrolBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = Enrolled),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enrol(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<EnrolBody>,
) -> Result<(StatusCode, Json<Enrolled>), AppError> {
    let participant_id = parse_id(&body.participant_id).map_err(|code| AppError::invalid("participant_id", code))?;
    let sessions = service::enrol(&state, &ctx, id, participant_id, body.rest_of_series).await?;
    Ok((StatusCode::CREATED, Json(Enrolled { sessions })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Mark {
    pub participant_id: String,
    /// present, excused or absent
    pub attendance: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AttendanceBody {
    pub marks: Vec<Mark>,
}

/// Takes attendance. A participant who is not enrolled refuses the whole list (422 `not-enrolled`).
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", tag = "activities", request_body = AttendanceBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = SessionDetailView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn take_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> Result<Json<SessionDetailView>, AppError> {
    let marks = parse_marks(
        body.marks
            .iter()
            .map(|m| (m.participant_id.as_str(), m.attendance.as_str())),
    )?;
    service::take_attendance(&state, &ctx, id, &marks).await?;
    Ok(Json(SessionDetailView::open(&state, &ctx, id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantSessionView {
    pub session_id: Uuid,
    pub title: String,
    pub position: i32,
    pub starts_at: DateTime<Utc>,
    pub attendance: Option<String>,
}

impl From<ParticipantSession> for ParticipantSessionView {
    fn from(s: ParticipantSession) -> Self {
        ParticipantSessionView {
            session_id: s.session_id,
            title: s.title,
            position: s.position,
            starts_at: s.starts_at,
            attendance: s.attendance,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitedView {
    pub sent: usize,
    /// Enrolled people without a usable e-mail address on file: invite them another way.
    pub without_email: usize,
    /// Invitations the mail server did not take.
    pub failed: usize,
}

/// E-mails every enrolled participant an invitation in their own language with the session attached
/// as an iCalendar event, before the session begins: 422 `session-started` once it has, and
/// `mail-not-configured` when the server has no SMTP server.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/invitations", tag = "activities", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = InvitedView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InvitedView>, AppError> {
    let invited = service::invite(&state, &ctx, id).await?;
    Ok(Json(InvitedView {
        sent: invited.sent,
        without_email: invited.without_email,
        failed: invited.failed,
    }))
}
