use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::participants::{self as service, ParticipantFile, today};
use crate::service::trajectories::{self as trajectory_service, StartFields};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::consents::ConsentInput;
use onramp_domain::organisations::{parse_id, parse_optional_id};
use onramp_domain::participants::{ParticipantFields, ParticipantInput, age_on, is_working_age, sickness_at};
use onramp_domain::trajectories::duration_status;
use onramp_store::caseload::{Cursor, Filter, Row, Sort, Status};
use onramp_store::consents::Consent;
use onramp_store::participants::Participant;
use onramp_store::trajectories::{Event, Trajectory};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ParticipantBody {
    pub first_name: String,
    pub last_name: String,
    /// YYYY-MM-DD
    pub birth_date: String,
    /// Belgian national register number (11 digits; dots and dashes allowed). Optional.
    pub national_register: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// nl (default), fr or en
    pub language: Option<String>,
    /// female, male, non_binary, not_recorded (default)
    pub gender: Option<String>,
    /// isced_0_2, isced_3_4, isced_5_8, unknown (default)
    pub education: Option<String>,
    /// chronic_pain, physical_rehabilitation, psychological, burn_out, oncology, rheumatism, neurological, other
    pub health_category: String,
    /// YYYY-MM-DD: the day the incapacity for work began.
    pub incapacity_since: Option<String>,
    /// employed_on_sick_leave, unemployed, inactive, other
    pub situation: String,
    /// The referring organisation or person (toeleider).
    pub referrer: Option<String>,
    /// Sensitive free text; only coaches who follow the person and administrators read it.
    pub notes: Option<String>,
}

impl ParticipantBody {
    pub fn fields(&self) -> ParticipantFields {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        ParticipantFields {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            birth_date: self.birth_date.clone(),
            national_register: text(&self.national_register),
            email: text(&self.email),
            phone: text(&self.phone),
            language: text(&self.language),
            gender: text(&self.gender),
            education: text(&self.education),
            health_category: self.health_category.clone(),
            incapacity_since: text(&self.incapacity_since),
            situation: self.situation.clone(),
            referrer: text(&self.referrer),
            notes: text(&self.notes),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IntakeBody {
    #[serde(flatten)]
    pub participant: ParticipantBody,
    /// The partner organisation where the person was reached.
    pub organisation_id: String,
    /// Set after checking the possible duplicates a 409 listed: this is another person.
    pub confirmed_new_person: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SicknessView {
    pub months: i32,
    /// One or two whole months of sickness: the window in which motivation is highest.
    pub in_early_window: bool,
    /// Four months or more: after this only 40% return to work.
    pub past_four_months: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub age: i32,
    /// 17 to 65: outside it intake warns but does not block.
    pub working_age: bool,
    pub national_register: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub gender: String,
    pub education: String,
    pub health_category: String,
    pub incapacity_since: Option<NaiveDate>,
    /// Months of sickness on the day of registration.
    pub sickness_at_intake: Option<SicknessView>,
    pub situation: String,
    pub referrer: Option<String>,
    /// Absent when you may not read the notes.
    pub notes: Option<String>,
    pub organisation_id: Uuid,
    pub organisation_name: String,
}

impl From<Participant> for ParticipantView {
    fn from(p: Participant) -> Self {
        let r = p.record;
        let today = today();
        let registered = p.created_at.with_timezone(&chrono_tz::Europe::Brussels).date_naive();
        ParticipantView {
            id: p.id,
            age: age_on(r.birth_date, today),
            working_age: is_working_age(r.birth_date, today),
            sickness_at_intake: r.incapacity_since.map(|since| {
                let s = sickness_at(since, registered);
                SicknessView {
                    months: s.months,
                    in_early_window: s.in_early_window,
                    past_four_months: s.past_four_months,
                }
            }),
            first_name: r.first_name,
            last_name: r.last_name,
            birth_date: r.birth_date,
            national_register: r.national_register,
            email: r.email,
            phone: r.phone,
            language: r.language.as_str().into(),
            gender: r.gender.as_str().into(),
            education: r.education.as_str().into(),
            health_category: r.health_category.as_str().into(),
            incapacity_since: r.incapacity_since,
            situation: r.situation.as_str().into(),
            referrer: r.referrer,
            notes: r.notes,
            organisation_id: p.organisation_id,
            organisation_name: p.organisation_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    pub id: Uuid,
    /// participation, share_care_team or research
    pub purpose: String,
    /// For share_care_team: the partner whose care team may see the file.
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    pub version: String,
    pub given_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
}

impl From<Consent> for ConsentView {
    fn from(c: Consent) -> Self {
        ConsentView {
            id: c.id,
            purpose: c.purpose,
            organisation_id: c.organisation_id,
            organisation_name: c.organisation_name,
            version: c.version,
            given_on: c.given_on,
            withdrawn_on: c.withdrawn_on,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrajectoryView {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub started_on: NaiveDate,
    /// The programme's maximum duration after the start.
    pub ends_by: NaiveDate,
    /// within, approaching (less than 60 days, or a sixth of the maximum, left) or exceeded; absent once ended.
    pub duration_status: Option<String>,
    pub phase: String,
    pub phase_since: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    /// The ESF+ situation upon leaving, when recorded.
    pub exit_situation: Option<String>,
    pub last_contact_on: Option<NaiveDate>,
}

pub fn status_text(started_on: NaiveDate, ends_by: NaiveDate, ended: bool) -> Option<String> {
    if ended {
        return None;
    }
    let status = duration_status(started_on, ends_by, today());
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
}

impl From<Trajectory> for TrajectoryView {
    fn from(t: Trajectory) -> Self {
        TrajectoryView {
            duration_status: status_text(t.started_on, t.ends_by, t.ended_on.is_some()),
            id: t.id,
            participant_id: t.participant_id,
            programme_id: t.programme_id,
            programme_name: t.programme_name,
            organisation_id: t.organisation_id,
            organisation_name: t.organisation_name,
            location_id: t.location_id,
            location_name: t.location_name,
            coach_id: t.coach_id,
            coach_name: t.coach_name,
            started_on: t.started_on,
            ends_by: t.ends_by,
            phase: t.phase,
            phase_since: t.phase_since,
            ended_on: t.ended_on,
            exit_reason: t.exit_reason,
            exit_situation: t.exit_situation,
            last_contact_on: t.last_contact_on,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub trajectory_id: Uuid,
    /// start, phase, handover or exit
    pub kind: String,
    pub on: NaiveDate,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: Option<String>,
    pub by: Option<String>,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        EventView {
            trajectory_id: e.trajectory_id,
            kind: e.kind,
            on: e.on_date,
            from: e.from_value,
            to: e.to_value,
            note: e.note,
            by: e.by_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantFileView {
    pub participant: ParticipantView,
    pub consents: Vec<ConsentView>,
    /// Newest first.
    pub trajectories: Vec<TrajectoryView>,
    /// The timeline, newest first.
    pub events: Vec<EventView>,
    /// Individual coaching contacts, newest first.
    pub contacts: Vec<super::coaching::CoachingContactView>,
    /// Case and team consultations the person was discussed in, newest first.
    pub consultations: Vec<super::coaching::ConsultationView>,
    /// Steps to work and other outcomes, newest first.
    pub outcomes: Vec<OutcomeView>,
    /// Barriers to work, newest first.
    pub barriers: Vec<BarrierView>,
    /// Check-ins after exit, by due date.
    pub check_ins: Vec<CheckInView>,
    /// Group sessions the person is enrolled in, newest first.
    pub sessions: Vec<super::group_sessions::ParticipantSessionView>,
    pub can_edit: bool,
}

impl From<ParticipantFile> for ParticipantFileView {
    fn from(f: ParticipantFile) -> Self {
        ParticipantFileView {
            participant: f.participant.into(),
            consents: f.consents.into_iter().map(ConsentView::from).collect(),
            trajectories: f.trajectories.into_iter().map(TrajectoryView::from).collect(),
            events: f.events.into_iter().map(EventView::from).collect(),
            contacts: f.contacts.into_iter().map(Into::into).collect(),
            consultations: f.consultations.into_iter().map(Into::into).collect(),
            outcomes: f.outcomes.into_iter().map(Into::into).collect(),
            barriers: f.barriers.into_iter().map(Into::into).collect(),
            check_ins: f.check_ins.into_iter().map(Into::into).collect(),
            sessions: f.sessions.into_iter().map(Into::into).collect(),
            can_edit: f.can_edit,
        }
    }
}

/// Registers a person. Possible duplicates (same national register number, or same name
/// and birth date) give 409 with the matches you may open; resend with
/// `confirmed_new_person` when it is someone else (a same national register number cannot be overridden).
#[utoipa::path(post, path = "/api/v1/participants", tag = "participants", request_body = IntakeBody,
    responses(
        (status = 201, body = ParticipantView),
        (status = 403, description = "You do not work at this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Possible duplicates", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<(StatusCode, Json<ParticipantView>), AppError> {
    let parsed = ParticipantInput::parse(&body.participant.fields(), today());
    let organisation = parse_id(&body.organisation_id);
    let (input, organisation_id) = match (parsed, organisation) {
        (Ok(input), Ok(id)) => (input, id),
        (parsed, organisation) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(code) = organisation {
                errors.add("organisation_id", code);
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let participant = service::create(&state, &ctx, organisation_id, input, body.confirmed_new_person).await?;
    Ok((StatusCode::CREATED, Json(participant.into())))
}

/// A participant file: identity, consents, trajectories and timeline. Every read is audited.
#[utoipa::path(get, path = "/api/v1/participants/{id}", tag = "participants", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ParticipantFileView),
        (status = 404, description = "No such participant, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ParticipantFileView>, AppError> {
    Ok(Json(service::open(&state, &ctx, id).await?.into()))
}

/// Changes a participant's record (coaches who follow them, administrators).
#[utoipa::path(put, path = "/api/v1/participants/{id}", tag = "participants", request_body = ParticipantBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ParticipantView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ParticipantBody>,
) -> Result<Json<ParticipantView>, AppError> {
    let input = ParticipantInput::parse(&body.fields(), today());
    let input = match input {
        Ok(input) => input,
        Err(errors) => {
            // Check access first, so a stranger learns nothing from field errors.
            let mut conn = state.db.conn().await?;
            service::authorise(&mut conn, &ctx, id, service::Need::Edit).await?;
            return Err(AppError::Invalid(errors));
        }
    };
    Ok(Json(service::update(&state, &ctx, id, input).await?.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ConsentBody {
    /// participation, share_care_team or research
    pub purpose: String,
    /// Required for share_care_team: the partner whose care team may see the file.
    pub organisation_id: Option<String>,
    /// The version of the consent text, e.g. "2026-01".
    pub version: String,
    /// YYYY-MM-DD
    pub given_on: String,
}

/// Records a consent.
#[utoipa::path(post, path = "/api/v1/participants/{id}/consents", tag = "participants", request_body = ConsentBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = ConsentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ConsentBody>,
) -> Result<(StatusCode, Json<ConsentView>), AppError> {
    let organisation = body.organisation_id.clone().unwrap_or_default();
    let input = ConsentInput::parse(&body.purpose, &organisation, &body.version, &body.given_on, today());
    let input = match input {
        Ok(input) => input,
        Err(errors) => {
            let mut conn = state.db.conn().await?;
            service::authorise(&mut conn, &ctx, id, service::Need::Edit).await?;
            return Err(AppError::Invalid(errors));
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(service::add_consent(&state, &ctx, id, input).await?.into()),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WithdrawBody {
    /// YYYY-MM-DD; today when absent.
    pub on: Option<String>,
}

/// Records the withdrawal of a consent; sharing based on it stops at once.
#[utoipa::path(post, path = "/api/v1/participants/{id}/consents/{consent_id}/withdraw", tag = "participants", request_body = WithdrawBody,
    params(("id" = Uuid, Path), ("consent_id" = Uuid, Path)),
    responses(
        (status = 200, body = ConsentView),
        (status = 404, description = "No such consent, or already withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, consent_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<ConsentView>, AppError> {
    let on = match body.on.as_deref().filter(|v| !v.trim().is_empty()) {
        None => today(),
        Some(value) => onramp_domain::participants::parse_date(value).map_err(|code| AppError::invalid("on", code))?,
    };
    Ok(Json(
        service::withdraw_consent(&state, &ctx, id, consent_id, on)
            .await?
            .into(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StartBody {
    pub programme_id: String,
    /// The partner organisation where the trajectory runs.
    pub organisation_id: String,
    pub location_id: Option<String>,
    /// The responsible coach; you, when you are a coach and leave it out.
    pub coach_id: Option<String>,
    /// YYYY-MM-DD
    pub started_on: String,
}

/// Starts a trajectory in a programme (re-entry after an earlier one is normal).
#[utoipa::path(post, path = "/api/v1/participants/{id}/trajectories", tag = "trajectories", request_body = StartBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = TrajectoryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn start_trajectory(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<(StatusCode, Json<TrajectoryView>), AppError> {
    let fields = StartFields {
        programme_id: body.programme_id,
        organisation_id: body.organisation_id,
        location_id: body.location_id.unwrap_or_default(),
        coach_id: body.coach_id.unwrap_or_default(),
        started_on: body.started_on,
    };
    Ok((
        StatusCode::CREATED,
        Json(trajectory_service::start(&state, &ctx, id, &fields).await?.into()),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PhaseBody {
    /// A phase code of the trajectory's programme.
    pub phase: String,
    /// YYYY-MM-DD
    pub on: String,
    pub note: Option<String>,
}

/// Moves a trajectory to another phase of its programme; the change is kept in its history.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/phase", tag = "trajectories", request_body = PhaseBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_phase(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PhaseBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let note = body.note.unwrap_or_default();
    Ok(Json(
        trajectory_service::change_phase(&state, &ctx, id, &body.phase, &body.on, &note)
            .await?
            .into(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HandoverBody {
    /// The new responsible coach or job mediator.
    pub coach_id: String,
    /// YYYY-MM-DD
    pub on: String,
    pub note: Option<String>,
}

/// Hands a trajectory over to another coach or job mediator; the trajectory goes on.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/handover", tag = "trajectories", request_body = HandoverBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn hand_over(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<HandoverBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let note = body.note.unwrap_or_default();
    Ok(Json(
        trajectory_service::hand_over(&state, &ctx, id, &body.coach_id, &body.on, &note)
            .await?
            .into(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExitBody {
    /// YYYY-MM-DD
    pub on: String,
    /// completed, work, training, declined, health_worsened, unreachable, moved_away, maximum_duration, other
    pub reason: String,
    /// The situation upon leaving (ESF+): job_searching, in_education, gained_qualification, in_employment,
    /// none_of_these. Optional.
    pub situation: Option<String>,
    pub note: Option<String>,
}

/// Ends a trajectory.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/exit", tag = "trajectories", request_body = ExitBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoryView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn exit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ExitBody>,
) -> Result<Json<TrajectoryView>, AppError> {
    let fields = trajectory_service::ExitFields {
        on: body.on,
        reason: body.reason,
        situation: body.situation.unwrap_or_default(),
        note: body.note.unwrap_or_default(),
    };
    Ok(Json(trajectory_service::exit(&state, &ctx, id, &fields).await?.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CaseloadQuery {
    /// active (default), ended or all
    pub status: Option<String>,
    /// name (default) or ends_by
    pub sort: Option<String>,
    /// Only trajectories you are the responsible coach of.
    pub mine: Option<bool>,
    /// Words that start a word of the name (last or first name, either order; accents and case ignored).
    pub q: Option<String>,
    pub programme_id: Option<String>,
    pub phase: Option<String>,
    pub organisation_id: Option<String>,
    pub location_id: Option<String>,
    pub region_id: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 200; 50 by default.
    pub limit: Option<i64>,
}

impl CaseloadQuery {
    pub fn filter(&self) -> Result<Filter, AppError> {
        let id = |field: &'static str, v: &Option<String>| {
            parse_optional_id(v.as_deref().unwrap_or("")).map_err(|code| AppError::invalid(field, code))
        };
        let status = match self.status.as_deref().unwrap_or("active") {
            "active" | "" => Status::Active,
            "ended" => Status::Ended,
            "all" => Status::All,
            _ => return Err(AppError::invalid("status", "invalid-choice")),
        };
        let sort = match self.sort.as_deref().unwrap_or("name") {
            "name" | "" => Sort::Name,
            "ends_by" => Sort::EndsBy,
            _ => return Err(AppError::invalid("sort", "invalid-choice")),
        };
        let after = match self.after.as_deref().filter(|a| !a.is_empty()) {
            Some(cursor) => Some(decode_cursor(cursor, sort).ok_or(AppError::invalid("after", "invalid-reference"))?),
            None => None,
        };
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Filter {
            status,
            sort,
            mine: self.mine.unwrap_or(false),
            search: text(&self.q),
            programme_id: id("programme_id", &self.programme_id)?,
            phase: text(&self.phase),
            organisation_id: id("organisation_id", &self.organisation_id)?,
            location_id: id("location_id", &self.location_id)?,
            region_id: id("region_id", &self.region_id)?,
            after,
        })
    }
}

pub fn encode_cursor(cursor: &Cursor) -> String {
    match cursor {
        Cursor::Name(name, id) => format!("{id}~{name}"),
        Cursor::EndsBy(date, id) => format!("{id}~{date}"),
    }
}

fn decode_cursor(cursor: &str, sort: Sort) -> Option<Cursor> {
    let (id, key) = cursor.split_once('~')?;
    let id = Uuid::parse_str(id).ok()?;
    match sort {
        Sort::Name => Some(Cursor::Name(key.to_owned(), id)),
        Sort::EndsBy => NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .ok()
            .map(|d| Cursor::EndsBy(d, id)),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadRow {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub phase: String,
    pub phase_since: NaiveDate,
    pub started_on: NaiveDate,
    /// Whole days in the trajectory so far (to its end when ended).
    pub days_in_trajectory: i64,
    /// The next thing that falls due: for now the programme's maximum end date.
    pub ends_by: NaiveDate,
    pub duration_status: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub coach_name: Option<String>,
    pub organisation_name: String,
    pub location_name: Option<String>,
}

impl From<Row> for CaseloadRow {
    fn from(r: Row) -> Self {
        let until = r.ended_on.unwrap_or_else(today);
        CaseloadRow {
            days_in_trajectory: (until - r.started_on).num_days().max(0),
            duration_status: status_text(r.started_on, r.ends_by, r.ended_on.is_some()),
            trajectory_id: r.trajectory_id,
            participant_id: r.participant_id,
            first_name: r.first_name,
            last_name: r.last_name,
            programme_id: r.programme_id,
            programme_name: r.programme_name,
            phase: r.phase,
            phase_since: r.phase_since,
            started_on: r.started_on,
            ends_by: r.ends_by,
            ended_on: r.ended_on,
            last_contact_on: r.last_contact_on,
            coach_name: r.coach_name,
            organisation_name: r.organisation_name,
            location_name: r.location_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadPage {
    pub rows: Vec<CaseloadRow>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The caseload: trajectories you may see (coaches: theirs and their organisations';
/// coordinators: their regions'; care teams: their organisation's, with consent to share).
#[utoipa::path(get, path = "/api/v1/caseload", tag = "participants", params(CaseloadQuery),
    responses(
        (status = 200, body = CaseloadPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn caseload(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<CaseloadQuery>,
) -> Result<Json<CaseloadPage>, AppError> {
    let filter = query.filter()?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid("limit", "out-of-range"));
    }
    let mut rows = service::caseload(&state, &ctx, &filter, limit + 1).await?;
    let next = crate::service::keep_page(&mut rows, limit).map(|r| encode_cursor(&r.cursor(filter.sort)));
    Ok(Json(CaseloadPage {
        rows: rows.into_iter().map(CaseloadRow::from).collect(),
        next,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OutcomeBody {
    /// One of the participant's trajectories.
    pub trajectory_id: String,
    /// vet_course, workplace_training, volunteer_work, same_employer, new_employer, self_employment,
    /// job_retained or qualification
    pub kind: String,
    /// YYYY-MM-DD, not in the future and not before the trajectory started.
    pub on: String,
    /// 1 to 60.
    pub hours_per_week: Option<String>,
    /// For paid work: permanent, fixed_term, temporary, sheltered or none.
    pub contract: Option<String>,
    /// The employer, school or organisation.
    pub place: Option<String>,
    /// With support (a job coach at work, adjustments, supported employment).
    pub with_support: bool,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub kind: String,
    /// Counts as "took a step towards work" (see docs/outcomes.md).
    pub step_to_work: bool,
    /// Counts as "in paid work".
    pub paid_work: bool,
    pub on: NaiveDate,
    pub hours_per_week: Option<i32>,
    pub contract: Option<String>,
    pub place: Option<String>,
    pub with_support: bool,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
}

impl From<onramp_store::outcomes::Outcome> for OutcomeView {
    fn from(o: onramp_store::outcomes::Outcome) -> Self {
        let kind = onramp_domain::outcomes::OutcomeKind::parse(&o.kind).ok();
        OutcomeView {
            step_to_work: kind.is_some_and(|k| k.is_step_to_work()),
            paid_work: kind.is_some_and(|k| k.is_paid_work()),
            id: o.id,
            trajectory_id: o.trajectory_id,
            kind: o.kind,
            on: o.on_date,
            hours_per_week: o.hours_per_week,
            contract: o.contract,
            place: o.place,
            with_support: o.with_support,
            note: o.note,
            recorded_by: o.recorded_by_name,
        }
    }
}

/// Records a step to work or another outcome on one of the participant's trajectories.
#[utoipa::path(post, path = "/api/v1/participants/{id}/outcomes", tag = "trajectories", request_body = OutcomeBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = OutcomeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OutcomeBody>,
) -> Result<(StatusCode, Json<OutcomeView>), AppError> {
    let fields = onramp_domain::outcomes::OutcomeFields {
        trajectory_id: body.trajectory_id,
        kind: body.kind,
        on: body.on,
        hours_per_week: body.hours_per_week.unwrap_or_default(),
        contract: body.contract.unwrap_or_default(),
        place: body.place.unwrap_or_default(),
        with_support: body.with_support,
        note: body.note.unwrap_or_default(),
    };
    let outcome = trajectory_service::add_outcome(&state, &ctx, id, &fields).await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BarrierBody {
    pub trajectory_id: String,
    /// pain, fatigue, concentration_memory, fear_of_returning, stress, financial_benefits, transport,
    /// care_duties, employer_attitude, no_adjusted_jobs, e310_family, e330_people_in_authority,
    /// e580_health_services, e590_labour_services, other (describe it in `note`), or a code an
    /// administrator added (GET /api/v1/barrier-codes)
    pub code: String,
    /// YYYY-MM-DD, not in the future.
    pub noted_on: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BarrierView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub code: String,
    pub noted_on: NaiveDate,
    /// open, resolved or unresolved
    pub status: String,
    pub closed_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl From<onramp_store::outcomes::Barrier> for BarrierView {
    fn from(b: onramp_store::outcomes::Barrier) -> Self {
        BarrierView {
            id: b.id,
            trajectory_id: b.trajectory_id,
            code: b.code,
            noted_on: b.noted_on,
            status: b.status,
            closed_on: b.closed_on,
            note: b.note,
        }
    }
}

/// Notes a barrier to work on one of the participant's trajectories.
#[utoipa::path(post, path = "/api/v1/participants/{id}/barriers", tag = "trajectories", request_body = BarrierBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = BarrierView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_barrier(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BarrierBody>,
) -> Result<(StatusCode, Json<BarrierView>), AppError> {
    let note = body.note.unwrap_or_default();
    let fields = [
        body.trajectory_id.as_str(),
        body.code.as_str(),
        body.noted_on.as_str(),
        note.as_str(),
    ];
    let barrier = trajectory_service::add_barrier(&state, &ctx, id, fields).await?;
    Ok((StatusCode::CREATED, Json(barrier.into())))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CloseBarrierBody {
    /// resolved or unresolved
    pub status: String,
    /// YYYY-MM-DD; today when absent.
    pub on: Option<String>,
}

/// Closes an open barrier as resolved or unresolved.
#[utoipa::path(post, path = "/api/v1/barriers/{id}/close", tag = "trajectories", request_body = CloseBarrierBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = BarrierView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close_barrier(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CloseBarrierBody>,
) -> Result<Json<BarrierView>, AppError> {
    let on = body.on.unwrap_or_default();
    Ok(Json(
        trajectory_service::close_barrier(&state, &ctx, id, &body.status, &on)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub programme_name: String,
    pub months_after_exit: i32,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub contact_made: Option<bool>,
    /// in_employment, improved_situation, in_education, job_searching, none_of_these
    pub situation: Option<String>,
    pub needs_more_service: Option<bool>,
    pub note: Option<String>,
}

impl From<onramp_store::check_ins::CheckIn> for CheckInView {
    fn from(c: onramp_store::check_ins::CheckIn) -> Self {
        CheckInView {
            id: c.id,
            trajectory_id: c.trajectory_id,
            participant_id: c.participant_id,
            participant_name: c.participant_name,
            programme_name: c.programme_name,
            months_after_exit: c.months_after_exit,
            due_on: c.due_on,
            done_on: c.done_on,
            contact_made: c.contact_made,
            situation: c.situation,
            needs_more_service: c.needs_more_service,
            note: c.note,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// YYYY-MM-DD; 30 days from today when absent. Overdue check-ins are always included.
    pub until: Option<String>,
}

/// Check-ins after exit that are due (or overdue) in your caseload, soonest first.
#[utoipa::path(get, path = "/api/v1/check-ins/due", tag = "trajectories", params(DueQuery),
    responses(
        (status = 200, body = Vec<CheckInView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn due_check_ins(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DueQuery>,
) -> Result<Json<Vec<CheckInView>>, AppError> {
    let until = match query.until.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(u) => onramp_domain::participants::parse_date(u).map_err(|code| AppError::invalid("until", code))?,
        None => today() + chrono::Days::new(30),
    };
    let list = service::due_check_ins(&state, &ctx, until).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CheckInBody {
    /// YYYY-MM-DD, not in the future.
    pub done_on: String,
    pub contact_made: bool,
    /// Required when contact was made: in_employment, improved_situation, in_education, job_searching,
    /// none_of_these.
    pub situation: Option<String>,
    /// The person needs more service: they re-enter at once as a new trajectory.
    pub needs_more_service: bool,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInRecorded {
    pub check_in: CheckInView,
    /// The new trajectory when more service was needed.
    pub reentry: Option<TrajectoryView>,
}

/// Records a check-in after exit; with `needs_more_service` the person re-enters as a new trajectory.
#[utoipa::path(post, path = "/api/v1/check-ins/{id}", tag = "trajectories", request_body = CheckInBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CheckInRecorded),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CheckInBody>,
) -> Result<Json<CheckInRecorded>, AppError> {
    let input = onramp_domain::outcomes::CheckInInput::parse(
        &body.done_on,
        body.contact_made,
        body.situation.as_deref().unwrap_or_default(),
        body.needs_more_service,
        body.note.as_deref().unwrap_or_default(),
        today(),
    );
    let (check_in, reentry) = trajectory_service::record_check_in(&state, &ctx, id, input).await?;
    Ok(Json(CheckInRecorded {
        check_in: check_in.into(),
        reentry: reentry.map(Into::into),
    }))
}
