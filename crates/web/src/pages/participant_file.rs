//! The participant file page and what its forms share: one view of the file, built from what the
//! service read, and the way a failed form shows the file again with its errors.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use super::options::{Options, intake_organisations, options, programme_list};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::service::participants::{self as service, ParticipantFile};
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::activities::ContactMode;
use onramp_domain::consents::Purpose;
use onramp_domain::participants::{SicknessAtIntake, age_on, is_working_age, sickness_at};
use onramp_domain::trajectories::{ExitReason, duration_status};
use onramp_store::trajectories::Trajectory;
use serde::Deserialize;
use uuid::Uuid;

/// A form on the participant page that failed, shown again with its errors.
pub struct Failed {
    pub trajectory: Option<Uuid>,
    pub action: &'static str,
    pub form: Form,
}

/// One trajectory on the participant page, with what its forms need.
struct TrajectoryCard {
    t: Trajectory,
    phase_name: String,
    phases: Options,
    coaches: Options,
    status: Option<String>,
    warnings: Vec<String>,
}

impl TrajectoryCard {
    fn phase_options(&self) -> &Options {
        &self.phases
    }

    fn coach_options(&self) -> &Options {
        &self.coaches
    }
}

struct TimelineEntry {
    on: chrono::NaiveDate,
    text: String,
    note: Option<String>,
    by: Option<String>,
}

#[derive(Template)]
#[template(path = "participant.html")]
struct ShowTemplate {
    p: Page,
    file: ParticipantFile,
    age: i32,
    working_age: bool,
    sickness: Option<SicknessAtIntake>,
    cards: Vec<TrajectoryCard>,
    timeline: Vec<TimelineEntry>,
    programmes: Options,
    organisations: Options,
    purposes: Options,
    exit_reasons: Options,
    sharing_organisations: Options,
    failed: Option<Failed>,
    today: String,
    /// The trajectory a new contact goes to by default: the newest open one.
    open_trajectory: String,
    contact_trajectories: Options,
    contact_modes: Options,
    outcome_kinds: Options,
    contracts: Options,
    exit_situations: Options,
    barrier_codes: Options,
    check_in_situations: Options,
}

impl ShowTemplate {
    /// A barrier code's name: built-in ones in the page's language, added ones as written.
    fn barrier_name(&self, code: &str) -> String {
        self.barrier_codes
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    /// The participant-wide form of `action`, with its errors if it just failed.
    fn form_for(&self, action: &str) -> Form {
        self.failed_or_new(None, action)
    }

    /// The form of `action` on one trajectory, with its errors if it just failed.
    fn trajectory_form(&self, trajectory: &Uuid, action: &str) -> Form {
        self.failed_or_new(Some(*trajectory), action)
    }

    fn failed_or_new(&self, trajectory: Option<Uuid>, action: &str) -> Form {
        // Several forms share field names on this page; each gets its own ids.
        let prefix = match trajectory {
            Some(id) => format!("{action}-{}", id.simple()),
            None => action.to_owned(),
        };
        let form = match &self.failed {
            Some(f) if f.action == action && f.trajectory == trajectory => f.form.clone(),
            _ => Form::with_values(vec![
                ("on".into(), self.today.clone()),
                ("given_on".into(), self.today.clone()),
                ("started_on".into(), self.today.clone()),
                ("mode".into(), "in_person".into()),
                ("trajectory_id".into(), self.open_trajectory.clone()),
                ("noted_on".into(), self.today.clone()),
                ("done_on".into(), self.today.clone()),
            ]),
        };
        form.prefixed(prefix)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    pub notice: Option<String>,
}

pub async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    failed: Option<Failed>,
    notice: Option<&str>,
) -> PageResult {
    let file = service::open(state, ctx, id).await?;
    let mut p = Page::new(ctx, "participant-title", "caseload").with_notice(notice);
    p.title = format!(
        "{} {}",
        file.participant.record.first_name, file.participant.record.last_name
    );
    let programmes = programme_list(state, ctx).await?;
    let today_date = today();
    let record = &file.participant.record;
    let registered = file
        .participant
        .created_at
        .with_timezone(&chrono_tz::Europe::Brussels)
        .date_naive();
    let mut cards = Vec::new();
    let mut conn = state.db.conn().await?;
    for t in &file.trajectories {
        let programme = programmes.iter().find(|g| g.id == t.programme_id);
        let phases = programme
            .map(|g| {
                g.definition
                    .phases
                    .iter()
                    .map(|s| (s.code.clone(), s.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let coaches = onramp_store::users::coaches_at(&mut conn, t.organisation_id)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect();
        let warnings = programme
            .filter(|_| t.ended_on.is_none())
            .map(|g| {
                g.definition.eligibility_warnings(
                    record.birth_date,
                    record.incapacity_since,
                    record.situation,
                    t.started_on,
                )
            })
            .unwrap_or_default()
            .into_iter()
            .map(|w| p.label("eligibility", w))
            .collect();
        let status = (t.ended_on.is_none()).then(|| {
            let status = duration_status(t.started_on, t.ends_by, today_date);
            serde_json::to_value(status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        });
        cards.push(TrajectoryCard {
            phase_name: programme
                .map(|g| g.phase_name(&t.phase))
                .unwrap_or_else(|| t.phase.clone()),
            phases,
            coaches,
            status,
            warnings,
            t: t.clone(),
        });
    }
    drop(conn);
    let mut timeline = file
        .events
        .iter()
        .map(|e| {
            let trajectory = file.trajectories.iter().find(|t| t.id == e.trajectory_id);
            let programme = trajectory.and_then(|t| programmes.iter().find(|g| g.id == t.programme_id));
            let phase = |code: &Option<String>| {
                let code = code.clone().unwrap_or_default();
                programme.map(|g| g.phase_name(&code)).unwrap_or(code)
            };
            let programme_name = trajectory.map(|t| t.programme_name.clone()).unwrap_or_default();
            let text = match e.kind.as_str() {
                "start" => p.t1("timeline-start", "programme", &programme_name),
                "phase" => p.t2("timeline-phase", "from", phase(&e.from_value), "to", phase(&e.to_value)),
                "handover" => p.t1("timeline-handover", "programme", &programme_name),
                "exit" => p.t1(
                    "timeline-exit",
                    "reason",
                    p.label("exit", e.to_value.clone().unwrap_or_default()),
                ),
                other => other.to_owned(),
            };
            TimelineEntry {
                on: e.on_date,
                text,
                note: e.note.clone(),
                by: e.by_name.clone(),
            }
        })
        .chain(file.contacts.iter().map(|c| TimelineEntry {
            on: c.on_date,
            text: p.t2(
                "timeline-contact",
                "mode",
                p.label("contact-mode", &c.mode),
                "topic",
                &c.topic,
            ),
            note: c.next_step.clone(),
            by: Some(c.coach_name.clone()),
        }))
        .chain(file.outcomes.iter().map(|o| TimelineEntry {
            on: o.on_date,
            text: p.t1("timeline-outcome", "kind", p.label("outcome", &o.kind)),
            note: o.place.clone(),
            by: o.recorded_by_name.clone(),
        }))
        .chain(file.barriers.iter().map(|b| TimelineEntry {
            on: b.noted_on,
            text: p.t1("timeline-barrier", "barrier", file.barrier_names.name(p.lang, &b.code)),
            note: b.note.clone(),
            by: None,
        }))
        .chain(file.consultations.iter().map(|k| TimelineEntry {
            on: k.on_date,
            text: p.t1("timeline-consultation", "attendees", &k.attendees),
            note: k.decisions.clone(),
            by: Some(k.coach_name.clone()),
        }))
        .chain(file.sessions.iter().map(|s| {
            TimelineEntry {
                on: s.on_date,
                text: p.t2(
                    "timeline-session",
                    "title",
                    &s.title,
                    "attendance",
                    s.attendance
                        .as_deref()
                        .map(|a| p.label("attendance", a))
                        .unwrap_or_else(|| p.t("session-not-taken")),
                ),
                note: None,
                by: None,
            }
        }))
        .collect::<Vec<_>>();
    // Newest first; on one day, the order of recording.
    timeline.sort_by_key(|e| std::cmp::Reverse(e.on));
    let organisations = intake_organisations(state, ctx).await.unwrap_or_default();
    let sharing_organisations = super::options::unique_options(
        file.trajectories
            .iter()
            .map(|t| (t.organisation_id.to_string(), t.organisation_name.clone()))
            .chain(std::iter::once((
                file.participant.organisation_id.to_string(),
                file.participant.organisation_name.clone(),
            ))),
    );
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = ShowTemplate {
        age: age_on(record.birth_date, today_date),
        working_age: is_working_age(record.birth_date, today_date),
        sickness: record.incapacity_since.map(|since| sickness_at(since, registered)),
        programmes: programmes
            .iter()
            .map(|g| (g.id.to_string(), g.definition.name.clone()))
            .collect(),
        purposes: options(&p, "purpose", Purpose::ALL),
        exit_reasons: options(&p, "exit", ExitReason::ALL),
        organisations,
        sharing_organisations,
        cards,
        timeline,
        failed,
        today: today_date.to_string(),
        open_trajectory: file
            .trajectories
            .iter()
            .find(|t| t.ended_on.is_none())
            .map(|t| t.id.to_string())
            .unwrap_or_default(),
        contact_trajectories: file
            .trajectories
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    format!("{} · {}", t.programme_name, p.date(&t.started_on)),
                )
            })
            .collect(),
        contact_modes: options(&p, "contact-mode", ContactMode::ALL),
        outcome_kinds: options(&p, "outcome", onramp_domain::outcomes::OutcomeKind::ALL),
        contracts: options(&p, "contract", onramp_domain::outcomes::Contract::ALL),
        exit_situations: options(&p, "situation-exit", onramp_domain::outcomes::ExitSituation::ALL),
        barrier_codes: file
            .barrier_names
            .all(p.lang)
            .into_iter()
            .map(|(code, name, _)| (code, name))
            .collect(),
        check_in_situations: options(&p, "check-in-situation", onramp_domain::outcomes::CheckInSituation::ALL),
        file,
        p,
    };
    Ok((status, render(&template)).into_response())
}

/// Which form of the participant page an action came from.
pub struct ActionForm {
    pub participant: Uuid,
    pub trajectory: Option<Uuid>,
    pub name: &'static str,
}

/// Runs a form action of the participant page: redirect on success, the page with the form's errors on failure.
pub async fn page_action<T>(
    state: &AppState,
    ctx: &Ctx,
    form: ActionForm,
    data: &FormData,
    result: Result<T, AppError>,
    notice: &str,
) -> PageResult {
    let participant_id = form.participant;
    match result {
        Ok(_) => Ok(see_other(&format!("/participants/{participant_id}"), notice)),
        Err(AppError::Invalid(errors)) => {
            let failed = Failed {
                trajectory: form.trajectory,
                action: form.name,
                form: Form::failed(data, &errors, ctx.language),
            };
            show_page(state, ctx, participant_id, Some(failed), None).await
        }
        Err(error) => Err(error.into()),
    }
}
