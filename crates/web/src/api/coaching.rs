//! Individual coaching contacts and coach hours.

use super::extract::{ApiJson, ApiPath, ApiQuery, number_text};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::period::{self, Period};
use crate::service::coaching::{self as service, CategoryHours, HoursView, LocationHours};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::activities::{ContactFields, TimeEntryFields};
use onramp_domain::organisations::parse_optional_id;
use onramp_store::coaching::{CoachingContact, TimeEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CoachingContactBody {
    /// One of the participant's trajectories.
    pub trajectory_id: String,
    /// YYYY-MM-DD, not in the future.
    pub on: String,
    /// Duration in whole minutes, 1 to 600.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 600)]
    pub minutes: Option<i64>,
    /// in_person, phone, video or home_visit
    pub mode: String,
    pub place: Option<String>,
    pub topic: String,
    /// Sensitive free text; read only by those who may read the participant's notes.
    pub notes: Option<String>,
    pub next_step: Option<String>,
}

impl CoachingContactBody {
    fn fields(self) -> ContactFields {
        ContactFields {
            trajectory_id: self.trajectory_id,
            on: self.on,
            minutes: number_text(self.minutes),
            mode: self.mode,
            place: self.place.unwrap_or_default(),
            topic: self.topic,
            notes: self.notes.unwrap_or_default(),
            next_step: self.next_step.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoachingContactView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub on: NaiveDate,
    pub minutes: i32,
    pub mode: String,
    pub place: Option<String>,
    pub topic: String,
    /// Absent when you may not read the participant's notes.
    pub notes: Option<String>,
    pub next_step: Option<String>,
}

impl From<CoachingContact> for CoachingContactView {
    fn from(c: CoachingContact) -> Self {
        CoachingContactView {
            id: c.id,
            trajectory_id: c.trajectory_id,
            participant_id: c.participant_id,
            coach_id: c.coach_id,
            coach_name: c.coach_name,
            location_id: c.location_id,
            location_name: c.location_name,
            on: c.on_date,
            minutes: c.minutes,
            mode: c.mode,
            place: c.place,
            topic: c.topic,
            notes: c.notes,
            next_step: c.next_step,
        }
    }
}

/// Records an individual coaching contact; it moves the trajectory's last contact and counts as
/// individual coaching hours at the trajectory's partner and location.
#[utoipa::path(post, path = "/api/v1/participants/{id}/contacts", tag = "activities", request_body = CoachingContactBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = CoachingContactView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CoachingContactBody>,
) -> Result<(StatusCode, Json<CoachingContactView>), AppError> {
    let contact = service::add_contact(&state, &ctx, id, &body.fields()).await?;
    Ok((StatusCode::CREATED, Json(contact.into())))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TimeEntryBody {
    /// The partner the hours were worked for.
    pub organisation_id: String,
    pub location_id: Option<String>,
    /// YYYY-MM-DD, not in the future.
    pub on: String,
    /// individual, group, consultation or administration
    pub category: String,
    /// Whole minutes, 1 to 600.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 600)]
    pub minutes: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimeEntryView {
    pub id: Uuid,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub on: NaiveDate,
    pub category: String,
    pub minutes: i32,
    pub note: Option<String>,
}

impl From<TimeEntry> for TimeEntryView {
    fn from(e: TimeEntry) -> Self {
        TimeEntryView {
            id: e.id,
            coach_id: e.coach_id,
            coach_name: e.coach_name,
            organisation_id: e.organisation_id,
            location_id: e.location_id,
            location_name: e.location_name,
            on: e.on_date,
            category: e.category,
            minutes: e.minutes,
            note: e.note,
        }
    }
}

/// Registers hours by hand for the signed-in coach (work that no activity records).
#[utoipa::path(post, path = "/api/v1/hours", tag = "activities", request_body = TimeEntryBody,
    responses(
        (status = 201, body = TimeEntryView),
        (status = 403, description = "Only the partner's coaches register hours there", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_time_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<TimeEntryBody>,
) -> Result<(StatusCode, Json<TimeEntryView>), AppError> {
    let fields = TimeEntryFields {
        organisation_id: body.organisation_id,
        location_id: body.location_id.unwrap_or_default(),
        on: body.on,
        category: body.category,
        minutes: number_text(body.minutes),
        note: body.note.unwrap_or_default(),
    };
    let entry = service::add_time_entry(&state, &ctx, &fields).await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct HoursQuery {
    /// The calendar year (2000-2100); this year when absent.
    pub year: Option<String>,
    /// Only this coach's hours.
    pub coach_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryHoursView {
    /// Hours the running agreements commit in this year (pro rata for agreements that start or end in it).
    pub committed: f64,
    pub used: f64,
    /// `used` extended at the same pace to the year end.
    pub projected: f64,
    /// `used` in minutes, exactly.
    pub used_minutes: i64,
}

impl From<CategoryHours> for CategoryHoursView {
    fn from(c: CategoryHours) -> Self {
        CategoryHoursView {
            committed: c.committed,
            used: c.used,
            projected: c.projected,
            used_minutes: c.used_minutes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationHoursView {
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub individual: CategoryHoursView,
    pub group: CategoryHoursView,
    pub consultation: CategoryHoursView,
    pub administration: CategoryHoursView,
    pub total: CategoryHoursView,
}

impl From<LocationHours> for LocationHoursView {
    fn from(l: LocationHours) -> Self {
        LocationHoursView {
            location_id: l.location_id,
            location_name: l.location_name,
            individual: l.individual.into(),
            group: l.group.into(),
            consultation: l.consultation.into(),
            administration: l.administration.into(),
            total: l.total.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HoursViewBody {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub year: i32,
    pub coach_id: Option<Uuid>,
    /// The last day counted.
    pub through: NaiveDate,
    pub locations: Vec<LocationHoursView>,
    /// The hours registered by hand in the year, newest first.
    pub entries: Vec<TimeEntryView>,
}

impl From<HoursView> for HoursViewBody {
    fn from(v: HoursView) -> Self {
        HoursViewBody {
            organisation_id: v.organisation_id,
            organisation_name: v.organisation_name,
            year: v.year,
            coach_id: v.coach_id,
            through: v.through,
            locations: v.locations.into_iter().map(Into::into).collect(),
            entries: v.entries.into_iter().map(Into::into).collect(),
        }
    }
}

/// The coach hours used at a partner in a year, per location and category, against what its
/// agreements commit (default 350 h = 100 individual, 100 group, 100 consultations, 50 administration).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/hours", tag = "activities",
    params(("id" = Uuid, Path), HoursQuery),
    responses(
        (status = 200, body = HoursViewBody),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn hours(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<HoursQuery>,
) -> Result<Json<HoursViewBody>, AppError> {
    let coach_id = parse_optional_id(query.coach_id.as_deref().unwrap_or_default())
        .map_err(|code| AppError::invalid("coach_id", code))?;
    let year = crate::requests::period::Year::parse(query.year.as_deref())?.0;
    Ok(Json(
        service::hours_view(&state, &ctx, id, year, coach_id).await?.into(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ConsultationBody {
    /// The partner whose care team took part.
    pub organisation_id: String,
    pub location_id: Option<String>,
    /// YYYY-MM-DD, not in the future.
    pub on: String,
    /// Whole minutes, 1 to 600.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 600)]
    pub minutes: Option<i64>,
    /// Who took part (names and functions).
    pub attendees: String,
    /// The participants discussed: people you follow.
    pub participant_ids: Vec<String>,
    /// Sensitive: read only by those who may read the participants' notes.
    pub decisions: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub on: NaiveDate,
    pub minutes: i32,
    pub attendees: String,
    /// Absent when you may not read them.
    pub decisions: Option<String>,
    /// How many participants were discussed.
    pub discussed: i64,
}

impl From<onramp_store::coaching::Consultation> for ConsultationView {
    fn from(k: onramp_store::coaching::Consultation) -> Self {
        ConsultationView {
            id: k.id,
            organisation_id: k.organisation_id,
            organisation_name: k.organisation_name,
            location_id: k.location_id,
            location_name: k.location_name,
            coach_id: k.coach_id,
            coach_name: k.coach_name,
            on: k.on_date,
            minutes: k.minutes,
            attendees: k.attendees,
            decisions: k.decisions,
            discussed: k.discussed,
        }
    }
}

/// Records a case and team consultation with a partner's care team. It counts as consultation hours
/// and appears on the timeline of each participant discussed.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "activities", request_body = ConsultationBody,
    responses(
        (status = 201, body = ConsultationView),
        (status = 403, description = "Only the partner's coaches record consultations there", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_consultation(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<ConsultationBody>,
) -> Result<(StatusCode, Json<ConsultationView>), AppError> {
    let fields = onramp_domain::activities::ConsultationFields {
        organisation_id: body.organisation_id,
        location_id: body.location_id.unwrap_or_default(),
        on: body.on,
        minutes: number_text(body.minutes),
        attendees: body.attendees,
        participant_ids: body.participant_ids,
        decisions: body.decisions.unwrap_or_default(),
    };
    let consultation = service::add_consultation(&state, &ctx, &fields).await?;
    Ok((StatusCode::CREATED, Json(consultation.into())))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// YYYY-MM-DD; 90 days ago when absent.
    pub from: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub to: Option<String>,
}

/// A partner's case and team consultations in a period, newest first.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/consultations", tag = "activities",
    params(("id" = Uuid, Path), PeriodQuery),
    responses(
        (status = 200, body = Vec<ConsultationView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn consultations(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<ConsultationView>>, AppError> {
    let period = Period::parse(query.from.as_deref(), query.to.as_deref(), period::Default::Past90Days)?;
    let list = service::consultations_at(&state, &ctx, id, period.from, period.to).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}
