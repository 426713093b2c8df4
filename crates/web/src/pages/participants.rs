//! The caseload, intake, the participant file and its trajectories.

use super::{Form, FormData, OrPage, Page, PageError, PageResult, render, see_other};
use crate::AppState;
use crate::api::{CaseloadQuery, CaseloadRow, caseload_cursor};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::participants::{self as service, ParticipantFile, today};
use crate::service::trajectories::{self as trajectory_service, StartFields};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use onramp_domain::FieldErrors;
use onramp_domain::activities::{ContactFields, ContactMode};
use onramp_domain::consents::{ConsentInput, Purpose};
use onramp_domain::identity::{Language, Role};
use onramp_domain::organisations::parse_id;
use onramp_domain::participants::{
    Education, Gender, HealthCategory, ParticipantFields, ParticipantInput, SicknessAtIntake, Situation, age_on,
    is_working_age, sickness_at,
};
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::trajectories::{ExitReason, duration_status};
use onramp_store::caseload::Filter;
use onramp_store::participants::Candidate;
use onramp_store::programmes::Programme;
use onramp_store::trajectories::Trajectory;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

const PAGE_SIZE: i64 = 50;

fn options<T: std::fmt::Display>(p: &Page, prefix: &str, values: &[T]) -> Options {
    values.iter().map(|v| (v.to_string(), p.label(prefix, v))).collect()
}

fn parse_path_id(id: &str, lang: Language) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound).or_page(lang)
}

/// The programmes, with built-in phase and module names in the user's language.
pub async fn programme_list(state: &AppState, ctx: &Ctx) -> Result<Vec<Programme>, PageError> {
    let mut list = crate::service::programmes::list(state, ctx)
        .await
        .or_page(ctx.language)?;
    list.iter_mut()
        .for_each(|g| crate::i18n::localise_programme(ctx.language, g));
    Ok(list)
}

/// Organisations where the actor may register people: for a coach, the ones they work at.
async fn intake_organisations(state: &AppState, ctx: &Ctx) -> Result<Options, PageError> {
    let all = crate::service::organisations::list(state, ctx, &Default::default())
        .await
        .or_page(ctx.language)?;
    Ok(all
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::CreateParticipant(&o.as_ref())) == Decision::Allow)
        .map(|o| (o.id.to_string(), o.name))
        .collect())
}

// ----- the caseload -----

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadTemplate {
    p: Page,
    rows: Vec<CaseloadRow>,
    filter: Form,
    programmes: Options,
    organisations: Options,
    statuses: Options,
    sorts: Options,
    next: Option<String>,
    /// Check-ins after exit due within 30 days or overdue (on the first page only).
    due: Vec<onramp_store::check_ins::CheckIn>,
    today: chrono::NaiveDate,
    can_register: bool,
    is_coach: bool,
    /// (programme, phase code, phase name), to show phases by name.
    phase_names: Vec<(Uuid, String, String)>,
}

impl CaseloadTemplate {
    fn phase_name(&self, row: &CaseloadRow) -> String {
        self.phase_names
            .iter()
            .find(|(programme, code, _)| *programme == row.programme_id && *code == row.phase)
            .map(|(_, _, name)| name.clone())
            .unwrap_or_else(|| row.phase.clone())
    }
}

pub async fn caseload(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(query): Query<CaseloadQuery>,
) -> PageResult {
    let lang = ctx.language;
    let filter: Filter = query.filter().or_page(lang)?;
    let mut rows = service::caseload(&state, &ctx, &filter, PAGE_SIZE + 1)
        .await
        .or_page(lang)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut values = vec![
        ("q".to_owned(), text(&query.q)),
        ("programme_id".to_owned(), text(&query.programme_id)),
        ("organisation_id".to_owned(), text(&query.organisation_id)),
        (
            "status".to_owned(),
            query.status.clone().unwrap_or_else(|| "active".into()),
        ),
        ("sort".to_owned(), query.sort.clone().unwrap_or_else(|| "name".into())),
    ];
    if query.mine == Some(true) {
        values.push(("mine".into(), "true".into()));
    }
    let next = crate::service::keep_page(&mut rows, PAGE_SIZE).map(|r| {
        let mut params = values.clone();
        params.push(("after".into(), caseload_cursor(&r.cursor(filter.sort))));
        serde_urlencoded::to_string(params).unwrap_or_default()
    });
    let p = Page::new(&ctx, "caseload-title", "caseload");
    let all_programmes = programme_list(&state, &ctx).await?;
    let phase_names = all_programmes
        .iter()
        .flat_map(|g| {
            g.definition
                .phases
                .iter()
                .map(|s| (g.id, s.code.clone(), s.name.clone()))
        })
        .collect();
    let programmes = all_programmes
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    let organisations = crate::service::organisations::list(&state, &ctx, &Default::default())
        .await
        .map(|list| list.into_iter().map(|o| (o.id.to_string(), o.name)).collect())
        .unwrap_or_default();
    let due = if filter.after.is_none() {
        service::due_check_ins(&state, &ctx, today() + chrono::Days::new(30))
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let template = CaseloadTemplate {
        due,
        today: today(),
        statuses: options(&p, "status", &["active", "ended", "all"]),
        sorts: options(&p, "sort", &["name", "ends_by"]),
        can_register: policy::decide(&ctx.actor, Action::RegisterParticipants) == Decision::Allow,
        is_coach: ctx.actor.role == Role::Coach,
        rows: rows.into_iter().map(CaseloadRow::from).collect(),
        filter: Form::with_values(values),
        programmes,
        organisations,
        next,
        phase_names,
        p,
    };
    Ok(render(&template))
}

// ----- intake -----

#[derive(Template)]
#[template(path = "participant_form.html")]
struct ParticipantFormTemplate {
    p: Page,
    form: Form,
    choices: Choices,
    /// Intake only: where the person was reached, and a first trajectory.
    organisations: Options,
    programmes: Options,
    /// `None` for intake.
    id: Option<Uuid>,
    duplicates: Vec<Candidate>,
    hidden_duplicates: usize,
}

/// The coded choices of the participant form, labelled in the page's language.
struct Choices {
    languages: Options,
    genders: Options,
    educations: Options,
    health: Options,
    situations: Options,
}

impl Choices {
    fn new(p: &Page) -> Self {
        Choices {
            languages: options(p, "language", Language::ALL),
            genders: options(p, "gender", Gender::ALL),
            educations: options(p, "education", Education::ALL),
            health: options(p, "health", HealthCategory::ALL),
            situations: options(p, "situation", Situation::ALL),
        }
    }
}

fn participant_fields(data: &FormData) -> ParticipantFields {
    ParticipantFields {
        first_name: data.get("first_name").into(),
        last_name: data.get("last_name").into(),
        birth_date: data.get("birth_date").into(),
        national_register: data.get("national_register").into(),
        email: data.get("email").into(),
        phone: data.get("phone").into(),
        language: data.get("language").into(),
        gender: data.get("gender").into(),
        education: data.get("education").into(),
        health_category: data.get("health_category").into(),
        incapacity_since: data.get("incapacity_since").into(),
        situation: data.get("situation").into(),
        referrer: data.get("referrer").into(),
        notes: data.get("notes").into(),
    }
}

struct Extra {
    duplicates: Vec<Candidate>,
    hidden: usize,
}

async fn form_page(state: &AppState, ctx: &Ctx, form: Form, id: Option<Uuid>, extra: Extra) -> PageResult {
    let title = if id.is_some() {
        "participant-edit-title"
    } else {
        "participant-new-title"
    };
    let p = Page::new(ctx, title, "caseload");
    let (organisations, programmes) = if id.is_none() {
        let programmes = programme_list(state, ctx)
            .await?
            .into_iter()
            .map(|g| (g.id.to_string(), g.definition.name))
            .collect();
        (intake_organisations(state, ctx).await?, programmes)
    } else {
        (Vec::new(), Vec::new())
    };
    let status = if !extra.duplicates.is_empty() || extra.hidden > 0 {
        StatusCode::CONFLICT
    } else if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = ParticipantFormTemplate {
        choices: Choices::new(&p),
        form,
        organisations,
        programmes,
        id,
        duplicates: extra.duplicates,
        hidden_duplicates: extra.hidden,
        p,
    };
    Ok((status, render(&template)).into_response())
}

fn no_extra() -> Extra {
    Extra {
        duplicates: Vec::new(),
        hidden: 0,
    }
}

pub async fn new(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    if intake_organisations(&state, &ctx).await?.is_empty() {
        return Err(AppError::Forbidden).or_page(ctx.language);
    }
    let form = Form::with_values(vec![
        ("language".into(), "nl".into()),
        ("started_on".into(), today().to_string()),
        ("given_on".into(), today().to_string()),
        ("consent_version".into(), "2026-01".into()),
        ("consent_participation".into(), "on".into()),
    ]);
    form_page(&state, &ctx, form, None, no_extra()).await
}

/// Registers a person and, when a programme is chosen, starts their first trajectory
/// and records their consent to take part: one intake, several records, one page.
pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let lang = ctx.language;
    let parsed = ParticipantInput::parse(&participant_fields(&data), today());
    let organisation = parse_id(data.get("organisation_id"));
    let programme_chosen = !data.get("programme_id").is_empty();
    let consent = data.checked("consent_participation").then(|| {
        ConsentInput::parse(
            "participation",
            "",
            data.get("consent_version"),
            data.get("given_on"),
            today(),
        )
    });
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    if let Err(code) = organisation {
        errors.add("organisation_id", code);
    }
    if let Some(Err(consent_errors)) = &consent {
        for e in &consent_errors.0 {
            if e.field == "version" {
                errors.add("consent_version", e.code);
            } else {
                errors.0.push(e.clone());
            }
        }
    }
    if programme_chosen && data.get("started_on").is_empty() {
        errors.add("started_on", "required");
    }
    let (Ok(input), Ok(organisation_id)) = (parsed, organisation) else {
        return form_page(&state, &ctx, Form::failed(&data, &errors, lang), None, no_extra()).await;
    };
    if !errors.is_empty() {
        return form_page(&state, &ctx, Form::failed(&data, &errors, lang), None, no_extra()).await;
    }
    let confirmed = data.checked("confirmed_new_person");
    let participant = match service::create(&state, &ctx, organisation_id, input, confirmed).await {
        Ok(participant) => participant,
        Err(AppError::Duplicates(duplicates, hidden)) => {
            let form = Form::failed(&data, &FieldErrors::default(), lang);
            return form_page(&state, &ctx, form, None, Extra { duplicates, hidden }).await;
        }
        Err(AppError::Invalid(errors)) => {
            return form_page(&state, &ctx, Form::failed(&data, &errors, lang), None, no_extra()).await;
        }
        Err(error) => return Err(error).or_page(lang),
    };
    if let Some(Ok(consent)) = consent {
        crate::service::participants::add_consent(&state, &ctx, participant.id, consent)
            .await
            .or_page(lang)?;
    }
    if programme_chosen {
        let fields = StartFields {
            programme_id: data.get("programme_id").into(),
            organisation_id: organisation_id.to_string(),
            started_on: data.get("started_on").into(),
            ..Default::default()
        };
        if let Err(error) = trajectory_service::start(&state, &ctx, participant.id, &fields).await {
            // The person is registered; show the file with what went wrong in the start form.
            let failed = match error {
                AppError::Invalid(errors) => Failed {
                    trajectory: None,
                    action: "start",
                    form: Form::failed(&data, &errors, lang),
                },
                other => return Err(other).or_page(lang),
            };
            return show_page(&state, &ctx, participant.id, Some(failed), None).await;
        }
    }
    Ok(see_other(&format!("/participants/{}", participant.id), "created"))
}

// ----- the participant file -----

/// A form on the participant page that failed, shown again with its errors.
struct Failed {
    trajectory: Option<Uuid>,
    action: &'static str,
    form: Form,
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
    notice: Option<String>,
}

async fn show_page(state: &AppState, ctx: &Ctx, id: Uuid, failed: Option<Failed>, notice: Option<&str>) -> PageResult {
    let lang = ctx.language;
    let file = service::open(state, ctx, id).await.or_page(lang)?;
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
    let mut conn = state.db.conn().await.map_err(AppError::from).or_page(lang)?;
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
            .await
            .map_err(AppError::from)
            .or_page(lang)?
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
    let sharing_organisations = super::unique_options(
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

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    show_page(&state, &ctx, id, None, q.notice.as_deref()).await
}

pub async fn edit(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let file = service::open(&state, &ctx, id).await.or_page(ctx.language)?;
    if !file.can_edit {
        return Err(AppError::Forbidden).or_page(ctx.language);
    }
    let r = &file.participant.record;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let form = Form::with_values(vec![
        ("first_name".into(), r.first_name.clone()),
        ("last_name".into(), r.last_name.clone()),
        ("birth_date".into(), r.birth_date.to_string()),
        ("national_register".into(), text(&r.national_register)),
        ("email".into(), text(&r.email)),
        ("phone".into(), text(&r.phone)),
        ("language".into(), r.language.to_string()),
        ("gender".into(), r.gender.to_string()),
        ("education".into(), r.education.to_string()),
        ("health_category".into(), r.health_category.to_string()),
        (
            "incapacity_since".into(),
            r.incapacity_since.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("situation".into(), r.situation.to_string()),
        ("referrer".into(), text(&r.referrer)),
        ("notes".into(), text(&r.notes)),
    ]);
    form_page(&state, &ctx, form, Some(id), no_extra()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let lang = ctx.language;
    let id = parse_path_id(&id, lang)?;
    let result = match ParticipantInput::parse(&participant_fields(&data), today()) {
        Ok(input) => service::update(&state, &ctx, id, input).await,
        Err(errors) => {
            let mut conn = state.db.conn().await.map_err(AppError::from).or_page(lang)?;
            service::authorise(&mut conn, &ctx, id, service::Need::Edit)
                .await
                .or_page(lang)?;
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/participants/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &ctx, Form::failed(&data, &errors, lang), Some(id), no_extra()).await
        }
        Err(error) => Err(error).or_page(lang),
    }
}

/// Which form of the participant page an action came from.
struct ActionForm {
    participant: Uuid,
    trajectory: Option<Uuid>,
    name: &'static str,
}

/// Runs a form action of the participant page: redirect on success, the page with the form's errors on failure.
async fn page_action<T>(
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
        Err(error) => Err(error).or_page(ctx.language),
    }
}

pub async fn add_consent(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let parsed = ConsentInput::parse(
        data.get("purpose"),
        data.get("organisation_id"),
        data.get("version"),
        data.get("given_on"),
        today(),
    );
    let result = match parsed {
        Ok(input) => service::add_consent(&state, &ctx, id, input).await,
        Err(errors) => {
            let mut conn = state.db.conn().await.map_err(AppError::from).or_page(ctx.language)?;
            service::authorise(&mut conn, &ctx, id, service::Need::Edit)
                .await
                .or_page(ctx.language)?;
            Err(AppError::Invalid(errors))
        }
    };
    page_action(
        &state,
        &ctx,
        ActionForm {
            participant: id,
            trajectory: None,
            name: "consent",
        },
        &data,
        result,
        "created",
    )
    .await
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, consent)): Path<(String, String)>,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let consent = parse_path_id(&consent, ctx.language)?;
    service::withdraw_consent(&state, &ctx, id, consent, today())
        .await
        .or_page(ctx.language)?;
    Ok(see_other(&format!("/participants/{id}"), "consent-withdrawn"))
}

pub async fn start_trajectory(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let fields = StartFields {
        programme_id: data.get("programme_id").into(),
        organisation_id: data.get("organisation_id").into(),
        location_id: data.get("location_id").into(),
        coach_id: data.get("coach_id").into(),
        started_on: data.get("started_on").into(),
    };
    let result = trajectory_service::start(&state, &ctx, id, &fields).await;
    page_action(
        &state,
        &ctx,
        ActionForm {
            participant: id,
            trajectory: None,
            name: "start",
        },
        &data,
        result,
        "created",
    )
    .await
}

/// The participant a trajectory belongs to, for redirects (after the policy let the action through).
async fn participant_of(state: &AppState, ctx: &Ctx, trajectory: Uuid) -> Result<Uuid, PageError> {
    let mut conn = state.db.conn().await.map_err(AppError::from).or_page(ctx.language)?;
    let t = onramp_store::trajectories::get(&mut conn, trajectory)
        .await
        .map_err(AppError::from)
        .or_page(ctx.language)?;
    let t = t.ok_or(AppError::NotFound).or_page(ctx.language)?;
    service::authorise(&mut conn, ctx, t.participant_id, service::Need::View)
        .await
        .or_page(ctx.language)?;
    Ok(t.participant_id)
}

pub async fn change_phase(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let participant = participant_of(&state, &ctx, id).await?;
    let result =
        trajectory_service::change_phase(&state, &ctx, id, data.get("phase"), data.get("on"), data.get("note")).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "phase",
    };
    page_action(&state, &ctx, form, &data, result, "phase-changed").await
}

pub async fn hand_over(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let participant = participant_of(&state, &ctx, id).await?;
    let result =
        trajectory_service::hand_over(&state, &ctx, id, data.get("coach_id"), data.get("on"), data.get("note")).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "handover",
    };
    page_action(&state, &ctx, form, &data, result, "handed-over").await
}

pub async fn exit(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let participant = participant_of(&state, &ctx, id).await?;
    let fields = trajectory_service::ExitFields {
        on: data.get("on").into(),
        reason: data.get("reason").into(),
        situation: data.get("situation").into(),
        note: data.get("note").into(),
    };
    let result = trajectory_service::exit(&state, &ctx, id, &fields).await;
    page_action(
        &state,
        &ctx,
        ActionForm {
            participant,
            trajectory: Some(id),
            name: "exit",
        },
        &data,
        result,
        "exited",
    )
    .await
}

pub async fn add_contact(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let fields = ContactFields {
        trajectory_id: data.get("trajectory_id").into(),
        on: data.get("on").into(),
        minutes: data.get("minutes").into(),
        mode: data.get("mode").into(),
        place: data.get("place").into(),
        topic: data.get("topic").into(),
        notes: data.get("notes").into(),
        next_step: data.get("next_step").into(),
    };
    let result = crate::service::coaching::add_contact(&state, &ctx, id, &fields).await;
    let form = ActionForm {
        participant: id,
        trajectory: None,
        name: "contact",
    };
    page_action(&state, &ctx, form, &data, result, "contact-recorded").await
}

pub async fn add_outcome(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let fields = onramp_domain::outcomes::OutcomeFields {
        trajectory_id: data.get("trajectory_id").into(),
        kind: data.get("kind").into(),
        on: data.get("on").into(),
        hours_per_week: data.get("hours_per_week").into(),
        contract: data.get("contract").into(),
        place: data.get("place").into(),
        with_support: data.checked("with_support"),
        note: data.get("note").into(),
    };
    let result = trajectory_service::add_outcome(&state, &ctx, id, &fields).await;
    let form = ActionForm {
        participant: id,
        trajectory: None,
        name: "outcome",
    };
    page_action(&state, &ctx, form, &data, result, "outcome-recorded").await
}

pub async fn add_barrier(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = parse_path_id(&id, ctx.language)?;
    let fields = [
        data.get("trajectory_id"),
        data.get("code"),
        data.get("noted_on"),
        data.get("note"),
    ];
    let result = trajectory_service::add_barrier(&state, &ctx, id, fields).await;
    let form = ActionForm {
        participant: id,
        trajectory: None,
        name: "barrier",
    };
    page_action(&state, &ctx, form, &data, result, "saved").await
}

pub async fn close_barrier(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let lang = ctx.language;
    let id = parse_path_id(&id, lang)?;
    let barrier = trajectory_service::close_barrier(&state, &ctx, id, data.get("status"), "")
        .await
        .or_page(lang)?;
    Ok(see_other(&format!("/participants/{}", barrier.participant_id), "saved"))
}

pub async fn record_check_in(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let lang = ctx.language;
    let id = parse_path_id(&id, lang)?;
    let input = onramp_domain::outcomes::CheckInInput::parse(
        data.get("done_on"),
        data.checked("contact_made"),
        data.get("situation"),
        data.checked("needs_more_service"),
        data.get("note"),
        today(),
    );
    let participant = trajectory_service::check_in_participant(&state, &ctx, id)
        .await
        .or_page(lang)?;
    let result = trajectory_service::record_check_in(&state, &ctx, id, input).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "check-in",
    };
    page_action(&state, &ctx, form, &data, result, "saved").await
}

/// The start page of people who work with a caseload is the caseload.
pub fn home_redirect(ctx: &Ctx) -> Option<Redirect> {
    matches!(ctx.actor.role, Role::Coach | Role::CareTeam | Role::Coordinator).then(|| Redirect::to("/caseload"))
}
