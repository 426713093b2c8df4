//! Intake (a person, their consent and a first trajectory at once), and changing a participant's details.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use super::options::{Options, intake_organisations, options, programme_list};
use super::participant_file::{Notice, show_page};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::intake::{self as intake_service, Intake};
use crate::service::participants as service;
use crate::service::trajectories::StartFields;
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::FieldErrors;
use onramp_domain::consents::{ConsentFields, ConsentInput};
use onramp_domain::esf::{Answer, EsfFields, FIELDS};
use onramp_domain::identity::Language;
use onramp_domain::organisations::parse_id;
use onramp_domain::participants::{Education, Gender, HealthCategory, ParticipantFields, ParticipantInput, Situation};
use onramp_store::participants::Candidate;
use uuid::Uuid;

// ----- the caseload -----

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
    /// Ask the ESF+ characteristics: some programme reports to the ESF.
    esf: bool,
}

/// The coded choices of the participant form, labelled in the page's language.
struct Choices {
    languages: Options,
    genders: Options,
    educations: Options,
    health: Options,
    situations: Options,
    /// yes, no, declined; the empty choice is "not recorded".
    answers: Options,
}

impl Choices {
    fn new(p: &Page) -> Self {
        Choices {
            languages: options(p, "language", Language::ALL),
            genders: options(p, "gender", Gender::ALL),
            educations: options(p, "education", Education::ALL),
            health: options(p, "health", HealthCategory::ALL),
            situations: options(p, "situation", Situation::ALL),
            answers: options(p, "esf-answer", &[Answer::Yes, Answer::No, Answer::Declined]),
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
        esf: EsfFields::read(|name| data.get(name)),
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
    let list = programme_list(state, ctx).await?;
    // The ESF+ characteristics are asked where some programme reports to the ESF.
    let esf = list.iter().any(|g| g.definition.reports_to_esf);
    let (organisations, programmes) = if id.is_none() {
        let programmes = list
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
        esf,
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
        return Err(AppError::Forbidden.into());
    }
    let form = Form::with_values(vec![
        ("language".into(), "nl".into()),
        ("started_on".into(), today().to_string()),
        ("given_on".into(), today().to_string()),
        ("consent_version".into(), "2026-01".into()),
    ]);
    form_page(&state, &ctx, form, None, no_extra()).await
}

/// Registers a person and, when a programme is chosen, starts their first trajectory
/// and records their consent to take part: one intake, several records, one page, one transaction.
pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let lang = ctx.language;
    let parsed = ParticipantInput::parse(&participant_fields(&data), today());
    let organisation = parse_id(data.get("organisation_id"));
    let programme_chosen = !data.get("programme_id").is_empty();
    let consent = data.checked("consent_participation").then(|| {
        let fields = ConsentFields {
            purpose: "participation",
            version: data.get("consent_version"),
            given_on: data.get("given_on"),
            ..ConsentFields::default()
        };
        ConsentInput::parse(fields, today())
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
    // The consent to take part is the consent to a trajectory: recorded only with its start.
    if data.checked("consent_participation") && !programme_chosen {
        errors.add("consent_participation", "consent-needs-trajectory");
    }
    let (Ok(input), Ok(organisation_id)) = (parsed, organisation) else {
        return form_page(&state, &ctx, Form::failed(&data, &errors, lang), None, no_extra()).await;
    };
    if !errors.is_empty() {
        return form_page(&state, &ctx, Form::failed(&data, &errors, lang), None, no_extra()).await;
    }
    let intake = Intake {
        organisation_id,
        participant: input,
        confirmed_new: data.checked("confirmed_new_person"),
        consent: consent.and_then(Result::ok),
        trajectory: programme_chosen.then(|| StartFields {
            programme_id: data.get("programme_id").into(),
            started_on: data.get("started_on").into(),
            ..Default::default()
        }),
    };
    // One transaction: when the trajectory cannot start, nothing is registered and the form says why.
    match intake_service::intake(&state, &ctx, intake).await {
        Ok(admitted) => Ok(see_other(
            &format!("/participants/{}", admitted.participant.id),
            "created",
        )),
        Err(AppError::Duplicates(duplicates, hidden)) => {
            let form = Form::failed(&data, &FieldErrors::default(), lang);
            form_page(&state, &ctx, form, None, Extra { duplicates, hidden }).await
        }
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &on_the_form(errors), lang);
            form_page(&state, &ctx, form, None, no_extra()).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The intake's field errors under the names of the form's fields: the consent's version is
/// `consent_version`; the others lose the name of their part (`trajectory.started_on` is `started_on`).
fn on_the_form(errors: FieldErrors) -> FieldErrors {
    let mut named = FieldErrors::new();
    for e in errors.0 {
        let field = match e.field.as_ref() {
            "consent.version" => "consent_version",
            field => field
                .strip_prefix("consent.")
                .or_else(|| field.strip_prefix("trajectory."))
                .unwrap_or(field),
        };
        named.add_named(field.to_owned(), e.code);
    }
    named
}

// ----- the participant file -----

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let id = path_id(&id)?;
    let undo = q.undo.as_deref().and_then(|u| Uuid::parse_str(u).ok());
    show_page(&state, &ctx, id, None, q.notice.as_deref(), undo).await
}

pub async fn edit(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    let file = service::open(&state, &ctx, id).await?;
    if !file.can_edit {
        return Err(AppError::Forbidden.into());
    }
    let r = &file.participant.record;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let esf = r.esf.fields();
    let mut values = vec![
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
    ];
    values.extend(
        FIELDS
            .iter()
            .zip(esf.values())
            .map(|(name, value)| ((*name).to_owned(), value.to_owned())),
    );
    let form = Form::with_values(values);
    form_page(&state, &ctx, form, Some(id), no_extra()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let lang = ctx.language;
    let id = path_id(&id)?;
    let result = match ParticipantInput::parse(&participant_fields(&data), today()) {
        Ok(input) => service::update(&state, &ctx, id, input).await,
        Err(errors) => {
            crate::service::participants::may_edit(&state, &ctx, id).await?;
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/participants/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &ctx, Form::failed(&data, &errors, lang), Some(id), no_extra()).await
        }
        Err(error) => Err(error.into()),
    }
}
