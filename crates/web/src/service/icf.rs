//! The ICF profile of a participant: measurements, and the distance travelled per category and
//! competence. Reading the profile is reading the participant file, so it is audited.

use super::participants::{Need, authorise};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use onramp_domain::FieldErrors;
use onramp_domain::icf::{
    Change, Component, MeasurementFields, MeasurementInput, Qualifier, Rater, distance_travelled, parse_category_code,
};
use onramp_domain::policy::Action;
use onramp_domain::validation::required_text;
use onramp_store::audit::{self, Event};
use onramp_store::icf::{self, Category, Measurement, NewCategory};
use onramp_store::{programmes, trajectories};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One series of the profile: an ICF category or a competence as one rater scored it. The coach's
/// rating, the care partner's and the participant's self-rating are series of their own, each with
/// its own distance travelled: one person's view is never joined to another's.
#[derive(Debug, Clone)]
pub struct Row {
    /// The category code, or the competence's code.
    pub code: String,
    /// Who rated this series; `None` for a category or competence nobody rated yet.
    pub rater: Option<Rater>,
    /// Each measurement's value as written (`2`, `+3`, `8`, a score), blank when not rated in it
    /// or when another rater made it.
    pub values: Vec<String>,
    /// Each measurement's score on one scale (`None`: not rated by this rater, not specified or
    /// not applicable).
    pub scores: Vec<Option<i32>>,
    pub change: Option<Change>,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub participant_name: String,
    pub participant_language: onramp_domain::identity::Language,
    pub participant_birth_date: chrono::NaiveDate,
    /// The participant's trajectories (id, programme, start), for linking a measurement.
    pub trajectories: Vec<(Uuid, String, chrono::NaiveDate)>,
    pub can_edit: bool,
    pub categories: Vec<Category>,
    /// The competences the participant's programmes measure, with whether the programme is built in.
    pub competence_steps: Vec<(onramp_domain::programmes::Step, bool)>,
    pub measurements: Vec<Measurement>,
    /// The series of the categories, in the categories' order: one per rater who rated the
    /// category, or one empty series for a category nobody rated.
    pub rows: Vec<Row>,
    /// The series of the competences, likewise.
    pub competences: Vec<Row>,
}

impl Profile {
    /// A competence's name in `language`.
    pub fn competence_name(&self, language: onramp_domain::identity::Language, code: &str) -> String {
        competence_name(&self.competence_steps, language, code)
    }
}

/// A competence's name in `language`, from the programmes' competences (`steps`, with whether
/// the programme is built in).
pub fn competence_name(
    steps: &[(onramp_domain::programmes::Step, bool)],
    language: onramp_domain::identity::Language,
    code: &str,
) -> String {
    match steps.iter().find(|(s, _)| s.code == code) {
        Some((step, built_in)) => crate::builtin_names::step_name(language, "competence", step, *built_in),
        // Measured under a programme that no longer asks it: the shipped name, else the code.
        None => crate::i18n::try_text(language, &format!("competence-{code}")).unwrap_or_else(|| code.to_owned()),
    }
}

/// The raters of `measurements` who rated `rated` somewhere, in the order of `Rater::ALL`; a
/// single `None` when nobody did, so that every category and competence has a row.
fn raters_of(measurements: &[Measurement], rated: impl Fn(&Measurement) -> bool) -> Vec<Option<Rater>> {
    let raters: Vec<Option<Rater>> = Rater::ALL
        .iter()
        .filter(|r| measurements.iter().any(|m| m.rater == r.as_str() && rated(m)))
        .map(|r| Some(*r))
        .collect();
    if raters.is_empty() { vec![None] } else { raters }
}

/// One rater's series over all measurements: `value` of the measurements that rater made, blank
/// in the others.
fn series(
    code: &str,
    rater: Option<Rater>,
    measurements: &[Measurement],
    value: impl Fn(&Measurement) -> Option<(String, Option<i32>)>,
) -> Row {
    let (values, scores): (Vec<String>, Vec<Option<i32>>) = measurements
        .iter()
        .map(|m| match rater {
            Some(r) if m.rater == r.as_str() => value(m).unwrap_or_default(),
            _ => (String::new(), None),
        })
        .unzip();
    Row {
        code: code.to_owned(),
        rater,
        change: distance_travelled(&scores),
        values,
        scores,
    }
}

/// Builds the series of the profile from measurements in date order: per category, and per
/// competence measured now (`competences`) or earlier, one series for each rater who rated it.
pub fn rows(categories: &[Category], competences: &[String], measurements: &[Measurement]) -> (Vec<Row>, Vec<Row>) {
    let category_rows = categories
        .iter()
        .flat_map(|category| {
            let code = category.code.as_str();
            raters_of(measurements, |m| m.ratings.contains_key(code))
                .into_iter()
                .map(move |rater| {
                    series(code, rater, measurements, |m| {
                        let value = m.ratings.get(code)?.clone();
                        let score = Qualifier::parse(&value, category.component())
                            .ok()
                            .and_then(Qualifier::score);
                        Some((value, score))
                    })
                })
        })
        .collect();
    let mut codes: Vec<&String> = competences.iter().collect();
    for code in measurements.iter().flat_map(|m| m.competences.keys()) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let competence_rows = codes
        .into_iter()
        .flat_map(|code| {
            raters_of(measurements, |m| m.competences.contains_key(code))
                .into_iter()
                .map(move |rater| {
                    series(code, rater, measurements, |m| {
                        let score = *m.competences.get(code)?;
                        Some((score.to_string(), Some(score)))
                    })
                })
        })
        .collect();
    (category_rows, competence_rows)
}

/// The categories a measurement can rate (reference data: any signed-in user).
pub async fn categories(state: &AppState) -> Result<Vec<Category>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(icf::categories(&mut conn).await?)
}

/// Adds an ICF category beyond the core set (administrators).
pub async fn add_category(state: &AppState, ctx: &Ctx, code: &str, titles: [&str; 3]) -> Result<Category, AppError> {
    require(&ctx.actor, Action::ManageReferenceData)?;
    let mut errors = FieldErrors::new();
    let parsed = errors.check("code", parse_category_code(code));
    let nl = errors.check("title_nl", required_text(titles[0], 200));
    let fr = errors.check("title_fr", required_text(titles[1], 200));
    let en = errors.check("title_en", required_text(titles[2], 200));
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (code, component) = parsed.expect("checked");
    let new = NewCategory {
        code,
        component,
        titles: [nl.expect("checked"), fr.expect("checked"), en.expect("checked")],
    };
    let mut tx = state.db.begin().await?;
    let category = icf::add_category(&mut tx, &new).await?;
    let event = Event::new("icf_category.create", "icf_category", &category.code).after(&category);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(category)
}

/// The participant's ICF profile; opening it is audited as a read of the file.
pub async fn profile(state: &AppState, ctx: &Ctx, participant_id: Uuid) -> Result<Profile, AppError> {
    let mut conn = state.db.conn().await?;
    let reference = authorise(&mut conn, ctx, participant_id, Need::View).await?;
    let can_edit = onramp_domain::policy::decide(&ctx.actor, Action::EditParticipant(&reference))
        == onramp_domain::policy::Decision::Allow;
    let participant = onramp_store::participants::get(&mut conn, participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let trajectories = trajectories::list_for(&mut conn, participant_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.programme_name, t.started_on))
        .collect();
    let categories = icf::categories(&mut conn).await?;
    let competences = programmes::competences_for(&mut conn, participant_id, None).await?;
    let measurements = icf::measurements(&mut conn, participant_id).await?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    let purpose = onramp_domain::purposes::of_file(&ctx.actor, &reference);
    let event = Event::read("icf.read", "participant", participant_id, purpose).for_participant(participant_id);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    let codes: Vec<String> = competences.iter().map(|(s, _)| s.code.clone()).collect();
    let (rows, competence_rows) = rows(&categories, &codes, &measurements);

    Ok(Profile {
        participant_name: format!("{} {}", participant.record.first_name, participant.record.last_name),
        participant_language: participant.record.language,
        participant_birth_date: participant.record.birth_date,
        trajectories,
        can_edit,
        categories,
        competence_steps: competences,
        measurements,
        rows,
        competences: competence_rows,
    })
}

/// Records a measurement; every bad rating is named (`ratings.<code>`), and nothing is written
/// unless all of it is valid.
pub async fn add_measurement(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    fields: &MeasurementFields,
) -> Result<Uuid, AppError> {
    let mut tx = state.db.begin().await?;
    authorise(&mut tx, ctx, participant_id, Need::Record).await?;
    let known: BTreeMap<String, Component> = icf::categories(&mut tx)
        .await?
        .into_iter()
        .map(|c| {
            let component = c.component();
            (c.code, component)
        })
        .collect();
    // The competences of the linked trajectory's programme; of all the participant's programmes
    // when none is linked (or the one given is not theirs, which is reported below).
    let linked = match onramp_domain::organisations::parse_optional_id(&fields.trajectory_id) {
        Ok(Some(id)) => trajectories::get(&mut tx, id)
            .await?
            .filter(|t| t.participant_id == participant_id)
            .map(|t| t.id),
        _ => None,
    };
    let competences: Vec<String> = programmes::competences_for(&mut tx, participant_id, linked)
        .await?
        .into_iter()
        .map(|(s, _)| s.code)
        .collect();
    let input = MeasurementInput::parse(fields, &known, &competences, today())?;
    if let Some(trajectory_id) = input.trajectory_id {
        trajectories::get(&mut tx, trajectory_id)
            .await?
            .filter(|t| t.participant_id == participant_id)
            .ok_or(AppError::invalid("trajectory_id", "invalid-reference"))?;
    }
    let id = icf::add_measurement(&mut tx, participant_id, &input, Some(ctx.user.id)).await?;
    audit::record(&mut tx, &ctx.who, measurement_event(id, participant_id, &input)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The audit entry of a recorded measurement: the same whoever records it (staff, or the
/// participant rating themselves in the portal).
pub(crate) fn measurement_event(id: Uuid, participant_id: Uuid, input: &MeasurementInput) -> Event<'static> {
    let mut event = Event::new("icf_measurement.create", "icf_measurement", id).for_participant(participant_id);
    let ratings: BTreeMap<&String, String> = input.ratings.iter().map(|(c, q)| (c, q.code())).collect();
    event.after = Some(
        serde_json::json!({
            "measured_on": input.measured_on, "moment": input.moment, "rater": input.rater,
            "ratings": ratings, "competences": input.competences,
        })
        .to_string(),
    );
    event
}
