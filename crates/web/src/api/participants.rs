use super::barriers::BarrierView;
use super::check_ins::CheckInView;
use super::consents::{ConsentBody, ConsentView};
use super::extract::{ApiJson, ApiPath};
use super::outcomes::OutcomeView;
use super::trajectories::{EventView, TrajectoryView};
use crate::builtin_names::StepNames;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::intake::{self, Intake};
use crate::service::participants::{self as service, ParticipantFile};
use crate::service::trajectories::StartFields;
use crate::state::AppState;
use crate::time::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::consents::{ConsentInput, Lapse};
use onramp_domain::esf::{Degurba, EsfFields, EsfProfile, region_of_postcode};
use onramp_domain::organisations::parse_id;
use onramp_domain::participants::{ParticipantFields, ParticipantInput, age_on, is_working_age, sickness_at};
use onramp_store::participants::Participant;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
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
    /// The characteristics at entry the ESF+ indicators need (asked where a programme reports to
    /// the ESF). Left out: not recorded.
    #[serde(flatten)]
    pub esf: EsfBody,
}

/// The ESF+ characteristics at entry. Each yes-or-no one is `yes`, `no`, `declined` (the person
/// prefers not to say) or `not_recorded` (the default).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct EsfBody {
    /// Whole months of continuous unemployment at entry, 0 to 600; only with situation `unemployed`.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 600)]
    pub unemployed_months: Option<i64>,
    /// Participant with disabilities (EECO12): yes, no, declined, not_recorded.
    pub disability: Option<String>,
    /// Third-country national (EECO13): yes, no, declined, not_recorded.
    pub third_country_national: Option<String>,
    /// Of foreign background (EECO14): yes, no, declined, not_recorded.
    pub foreign_background: Option<String>,
    /// Of a minority, including Roma (EECO15): yes, no, declined, not_recorded.
    pub minority: Option<String>,
    /// Homeless or affected by housing exclusion (EECO16): yes, no, declined, not_recorded.
    pub homeless: Option<String>,
    /// Belgian postcode of the home (4 digits): the rural area (EECO17) and the region follow.
    pub postcode: Option<String>,
}

impl EsfBody {
    pub fn fields(&self) -> EsfFields {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        EsfFields {
            unemployed_months: super::extract::number_text(self.unemployed_months),
            disability: text(&self.disability),
            third_country_national: text(&self.third_country_national),
            foreign_background: text(&self.foreign_background),
            minority: text(&self.minority),
            homeless: text(&self.homeless),
            postcode: text(&self.postcode),
        }
    }
}

/// The ESF+ characteristics as recorded, with what follows from the postcode.
#[derive(Debug, Serialize, ToSchema)]
pub struct EsfView {
    pub unemployed_months: Option<i32>,
    /// yes, no, declined or not_recorded.
    pub disability: String,
    pub third_country_national: String,
    pub foreign_background: String,
    pub minority: String,
    pub homeless: String,
    pub postcode: Option<String>,
    /// The province of the postcode as a NUTS 2 code (e.g. BE23).
    pub region: Option<String>,
    /// The degree of urbanisation of the postcode's municipality: city, town_or_suburb or rural;
    /// absent when the reference table does not list the postcode.
    pub degurba: Option<String>,
}

impl EsfView {
    pub fn of(esf: &EsfProfile, degurba: Option<Degurba>) -> EsfView {
        EsfView {
            unemployed_months: esf.unemployed_months,
            disability: esf.disability.as_str().into(),
            third_country_national: esf.third_country_national.as_str().into(),
            foreign_background: esf.foreign_background.as_str().into(),
            minority: esf.minority.as_str().into(),
            homeless: esf.homeless.as_str().into(),
            region: esf
                .postcode
                .as_deref()
                .and_then(region_of_postcode)
                .map(|(nuts, _)| nuts.to_owned()),
            postcode: esf.postcode.clone(),
            degurba: degurba.map(|d| d.as_str().to_owned()),
        }
    }
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
            esf: self.esf.fields(),
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
    /// A consent given at intake, e.g. `{"purpose": "participation", "version": "2026-01",
    /// "given_on": "2026-11-20"}`. Its field errors are named `consent.<field>`.
    pub consent: Option<ConsentBody>,
    /// A first trajectory, at the organisation where the person was reached. Its field errors are
    /// named `trajectory.<field>`.
    pub trajectory: Option<IntakeTrajectoryBody>,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct IntakeTrajectoryBody {
    pub programme_id: String,
    pub location_id: Option<String>,
    /// The responsible coach; you, when you are a coach and leave it out.
    pub coach_id: Option<String>,
    /// YYYY-MM-DD
    pub started_on: String,
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
    /// The ESF+ characteristics at entry.
    pub esf: EsfView,
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
            esf: EsfView::of(&r.esf, p.degurba),
            organisation_id: p.organisation_id,
            organisation_name: p.organisation_name,
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
    /// When the person's consent to take part stopped holding (and none holds since): the day
    /// they withdrew it or, with `participation_expired`, its last day, which has passed. From then
    /// on nothing new is recorded for them (422 `consent-withdrawn`), only exits.
    pub participation_withdrawn_on: Option<chrono::NaiveDate>,
    /// Whether `participation_withdrawn_on` is the end of a consent given for a limited time
    /// rather than a withdrawal.
    pub participation_expired: bool,
    /// Whether you may record something new: `can_edit` while the person takes part.
    pub can_record: bool,
}

impl ParticipantFileView {
    /// The file, with phases named in the reader's language.
    fn new(f: ParticipantFile, names: &StepNames) -> Self {
        let programme_of = |trajectory_id: Uuid| {
            f.trajectories
                .iter()
                .find(|t| t.id == trajectory_id)
                .map(|t| t.programme_id)
        };
        let events = f
            .events
            .into_iter()
            .map(|e| {
                let programme = programme_of(e.trajectory_id);
                EventView::named(e, programme, names)
            })
            .collect();
        ParticipantFileView {
            participant: f.participant.into(),
            consents: f.consents.into_iter().map(ConsentView::from).collect(),
            trajectories: f
                .trajectories
                .into_iter()
                .map(|t| TrajectoryView::new(t, names))
                .collect(),
            events,
            contacts: f.contacts.into_iter().map(Into::into).collect(),
            consultations: f.consultations.into_iter().map(Into::into).collect(),
            outcomes: f.outcomes.into_iter().map(Into::into).collect(),
            barriers: f.barriers.into_iter().map(Into::into).collect(),
            check_ins: f.check_ins.into_iter().map(Into::into).collect(),
            sessions: f.sessions.into_iter().map(Into::into).collect(),
            can_edit: f.can_edit,
            participation_withdrawn_on: f.participation_lapse.map(|l| l.on()),
            participation_expired: matches!(f.participation_lapse, Some(Lapse::Expired(_))),
            can_record: f.can_record,
        }
    }
}

/// Registers a person, with their consent and first trajectory when given: all of it or nothing
/// (when the trajectory cannot start, no participant and no consent are stored). Possible
/// duplicates (same national register number, or same name and birth date) give 409 with the
/// matches you may open; resend with `confirmed_new_person` when it is someone else (a same
/// national register number cannot be overridden). The file (`GET /api/v1/participants/{id}`)
/// shows the consent and trajectory.
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
    let consent = body.consent.as_ref().map(|c| ConsentInput::parse(c.fields(), today()));
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    if let Err(code) = organisation {
        errors.add("organisation_id", code);
    }
    if let Some(Err(consent_errors)) = &consent {
        for e in &consent_errors.0 {
            errors.add_named(format!("consent.{}", e.field), e.code);
        }
    }
    let (Ok(input), Ok(organisation_id)) = (parsed, organisation) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let intake = Intake {
        organisation_id,
        participant: input,
        confirmed_new: body.confirmed_new_person,
        consent: consent.and_then(Result::ok),
        trajectory: body.trajectory.map(|t| StartFields {
            programme_id: t.programme_id,
            organisation_id: String::new(),
            location_id: t.location_id.unwrap_or_default(),
            coach_id: t.coach_id.unwrap_or_default(),
            started_on: t.started_on,
        }),
    };
    let admitted = intake::intake(&state, &ctx, intake).await?;
    Ok((StatusCode::CREATED, Json(admitted.participant.into())))
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
    let file = service::open(&state, &ctx, id).await?;
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    Ok(Json(ParticipantFileView::new(file, &names)))
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
            service::may_edit(&state, &ctx, id).await?;
            return Err(AppError::Invalid(errors));
        }
    };
    Ok(Json(service::update(&state, &ctx, id, input).await?.into()))
}
