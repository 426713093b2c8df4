//! The participant's self-ratings in the portal (docs/portal.md): they score the competences of
//! their programme from 0 to 10, recorded as the ICF measurement staff record for a self-rating
//! (rater `participant`), and follow their own scores over time. The portal shows only their own
//! self-ratings: never a coach's or care partner's rating, and never a note.

use super::icf::{competence_name, measurement_event};
use super::portal::own;
use super::privacy::record_read;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::FieldErrors;
use onramp_domain::icf::{MeasurementFields, MeasurementInput, Moment, Rater};
use onramp_domain::identity::Language;
use onramp_domain::programmes::Step;
use onramp_domain::purposes::Purpose;
use onramp_store::audit;
use onramp_store::icf::{self, Measurement};
use onramp_store::{programmes, trajectories};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The lowest and highest score of a competence.
pub const SCALE: (i32, i32) = (0, 10);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Competence {
    pub code: String,
    /// In the person's language.
    pub name: String,
    /// True: the programme asks it now. False: scored before, no longer asked.
    pub asked: bool,
}

/// One self-rating: the day and the scores given (a competence left blank is absent).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SelfRating {
    pub measured_on: NaiveDate,
    /// Competence code → score 0-10.
    pub scores: BTreeMap<String, i32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SelfRatings {
    /// The competences asked now (in the programme's order), then those scored before.
    pub competences: Vec<Competence>,
    /// The person's own self-ratings, oldest first.
    pub ratings: Vec<SelfRating>,
}

/// What a self-rating is recorded against: the trajectory (the one open, when there is exactly
/// one), the moment and the competences to score.
struct Rating {
    trajectory: Option<Uuid>,
    moment: Moment,
    steps: Vec<(Step, bool)>,
}

async fn what_to_rate(conn: &mut impl onramp_store::Access, id: Uuid) -> Result<Rating, AppError> {
    let followed = trajectories::list_for(conn, id).await?;
    let open: Vec<Uuid> = followed.iter().filter(|t| t.ended_on.is_none()).map(|t| t.id).collect();
    let trajectory = match open.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    // Between intake and exit a self-rating is an interim one ("during"); once every programme
    // has ended it is a follow-up. Intake and exit stay the coach's measurements.
    let moment = if !followed.is_empty() && open.is_empty() {
        Moment::FollowUp
    } else {
        Moment::During
    };
    let steps = programmes::competences_for(conn, id, trajectory).await?;
    Ok(Rating {
        trajectory,
        moment,
        steps,
    })
}

/// The competences to score and the person's own self-ratings over time; audited as a read of
/// their own file.
pub async fn self_ratings(state: &AppState, ctx: &Ctx) -> Result<SelfRatings, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let rating = what_to_rate(&mut conn, id).await?;
    let measurements = icf::measurements(&mut conn, id).await?;
    drop(conn);
    record_read(state, ctx, "portal.self_ratings", id, Purpose::OwnFile).await?;
    Ok(own_only(ctx.language, &rating.steps, measurements))
}

/// Keeps the self-ratings among the measurements, and only their competences' scores.
fn own_only(language: Language, steps: &[(Step, bool)], measurements: Vec<Measurement>) -> SelfRatings {
    let ratings: Vec<SelfRating> = measurements
        .into_iter()
        .filter(|m| m.rater == Rater::Participant.as_str() && !m.competences.is_empty())
        .map(|m| SelfRating {
            measured_on: m.measured_on,
            scores: m.competences,
        })
        .collect();
    let mut competences: Vec<Competence> = steps
        .iter()
        .map(|(step, _)| Competence {
            code: step.code.clone(),
            name: competence_name(steps, language, &step.code),
            asked: true,
        })
        .collect();
    for code in ratings.iter().flat_map(|r| r.scores.keys()) {
        if !competences.iter().any(|c| &c.code == code) {
            competences.push(Competence {
                code: code.clone(),
                name: competence_name(steps, language, code),
                asked: false,
            });
        }
    }
    SelfRatings { competences, ratings }
}

/// What was recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recorded {
    pub id: Uuid,
    pub measured_on: NaiveDate,
    /// `during` while a programme is open, `follow_up` after.
    pub moment: String,
}

/// Records today's self-rating from `scores` (competence code → score as typed; blank: not
/// scored). A score outside 0-10 is named (`competences.<code>`), nothing scored names the form
/// (`competences`); nothing is written unless all of it is valid.
pub async fn fill_in(state: &AppState, ctx: &Ctx, scores: &BTreeMap<String, String>) -> Result<Recorded, AppError> {
    let id = own(state, ctx).await?;
    let mut tx = state.db.begin().await?;
    let rating = what_to_rate(&mut tx, id).await?;
    let known: Vec<String> = rating.steps.iter().map(|(s, _)| s.code.clone()).collect();
    let today = today();
    let fields = MeasurementFields {
        trajectory_id: rating.trajectory.map(|t| t.to_string()).unwrap_or_default(),
        measured_on: today.to_string(),
        moment: rating.moment.as_str().to_owned(),
        rater: Rater::Participant.as_str().to_owned(),
        competences: scores.clone(),
        ..MeasurementFields::default()
    };
    let input = MeasurementInput::parse(&fields, &BTreeMap::new(), &known, today).map_err(in_plain_words)?;
    let measurement = icf::add_measurement(&mut tx, id, &input, Some(ctx.user.id)).await?;
    audit::record(&mut tx, &ctx.who, measurement_event(measurement, id, &input)).await?;
    tx.commit().await?;
    Ok(Recorded {
        id: measurement,
        measured_on: input.measured_on,
        moment: input.moment.as_str().to_owned(),
    })
}

/// The measurement's errors as the portal words them: nothing scored names the form
/// (`competences`), and a score out of range says the range.
fn in_plain_words(errors: FieldErrors) -> AppError {
    let errors = errors
        .0
        .into_iter()
        .map(|mut error| {
            if error.field == "ratings" && error.code == "nothing-rated" {
                error.field = "competences".into();
                error.code = "nothing-scored";
            } else if error.code == "out-of-range" {
                error.code = "score-out-of-range";
            }
            error
        })
        .collect();
    AppError::Invalid(FieldErrors(errors))
}
