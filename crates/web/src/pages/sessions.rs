//! Group sessions: the list, planning a series, and one session with its enrolments and
//! the attendance list (made to be used on a phone).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::builtin_names::StepNames;
use crate::error::AppError;
use crate::i18n;
use crate::identity::{Ctx, PageCtx};
use crate::requests::period::{self, Period};
use crate::requests::sessions::{WHOSE, Whose, encode_session_cursor, parse_marks, session_cursor};
use crate::service::group_sessions::{self as service, SessionDetail};
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::identity::Role;
use onramp_domain::organisations::parse_id;
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::sessions::{Attendance, SeriesFields};
use onramp_store::group_sessions::GroupSession;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    from: Option<String>,
    to: Option<String>,
    whose: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

/// What a link to a session says: its title, its programme module and when it starts, so that a
/// list of links reads as a list of sessions.
fn session_link_text(p: &Page, names: &StepNames, s: &GroupSession) -> String {
    let module = names.module(s.programme_id, &s.module);
    let when = p.datetime(&s.starts_at);
    i18n::text_with(
        p.lang,
        "session-link",
        &[("title", &s.title), ("module", &module), ("when", &when)],
    )
}

/// Sessions on one page of the list: a region's eight weeks hold thousands.
const PAGE_SIZE: i64 = 100;

#[derive(Template)]
#[template(path = "sessions.html")]
struct ListTemplate {
    p: Page,
    filter: Form,
    sessions: Vec<GroupSession>,
    /// The query of the next page, if there is one.
    next: Option<String>,
    can_plan: bool,
    whose: Whose,
    names: StepNames,
    /// The query of the same period with every session the user may see.
    all_query: String,
    whose_options: Options,
}

impl ListTemplate {
    fn link_text(&self, s: &GroupSession) -> String {
        session_link_text(&self.p, &self.names, s)
    }
}

fn may_plan(ctx: &Ctx) -> bool {
    policy::decide(&ctx.actor, Action::PlanSessionsSomewhere) == Decision::Allow
}

pub async fn list(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Query(params): Query<ListParams>,
) -> PageResult {
    let Period { from, to } = Period::parse(
        params.from.as_deref(),
        params.to.as_deref(),
        period::Default::Next8Weeks,
    )?;
    let whose = Whose::parse(params.whose.as_deref(), ctx.actor.role)?;
    let after = session_cursor(params.after.as_deref())?;
    let page = service::list(&state, &ctx, (from, to), whose == Whose::Mine, after, PAGE_SIZE).await?;
    let period = vec![("from".to_owned(), from.to_string()), ("to".to_owned(), to.to_string())];
    let mut filter = period.clone();
    filter.push(("whose".to_owned(), whose.as_str().to_owned()));
    let next = page.next.map(|cursor| {
        let mut query = filter.clone();
        query.push(("after".into(), encode_session_cursor(&cursor)));
        serde_urlencoded::to_string(query).unwrap_or_default()
    });
    let mut all = period;
    all.push(("whose".to_owned(), "all".to_owned()));
    let p = Page::new(&ctx, "sessions-title", "sessions").with_notice(params.notice.as_deref());
    let template = ListTemplate {
        filter: Form::with_values(filter),
        sessions: page.sessions,
        next,
        can_plan: may_plan(&ctx),
        whose,
        names: crate::service::programmes::step_names(&state, &ctx).await?,
        all_query: serde_urlencoded::to_string(all).unwrap_or_default(),
        whose_options: WHOSE
            .iter()
            .map(|w| ((*w).to_owned(), p.label("sessions-whose", w)))
            .collect(),
        p,
    };
    Ok(render(&template).into_response())
}

// ----- planning a series -----

#[derive(Template)]
#[template(path = "session_new.html")]
struct NewTemplate {
    p: Page,
    form: Form,
    programmes: Options,
    modules: Options,
    organisations: Options,
    locations: Options,
    coaches: Options,
    peer_experts: Options,
}

fn series_fields(data: &FormData) -> SeriesFields {
    SeriesFields {
        programme_id: data.get("programme_id").into(),
        module: data.get("module").into(),
        title: data.get("title").into(),
        organisation_id: data.get("organisation_id").into(),
        location_id: data.get("location_id").into(),
        online: data.checked("online"),
        open_to_partners: data.checked("open_to_partners"),
        capacity: data.get("capacity").into(),
        coach_id: data.get("coach_id").into(),
        peer_expert_id: data.get("peer_expert_id").into(),
        first_date: data.get("first_date").into(),
        start_time: data.get("start_time").into(),
        minutes: data.get("minutes").into(),
        sessions: data.get("sessions").into(),
        weeks_between: data.get("weeks_between").into(),
    }
}

async fn new_page(state: &AppState, ctx: &Ctx, form: Form, status: StatusCode) -> PageResult {
    let programmes = super::options::programme_list(state, ctx).await?;
    let organisations: Vec<_> = crate::service::organisations::list(state, ctx, &Default::default())
        .await?
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::PlanSessions(&o.as_ref())) == Decision::Allow)
        .collect();
    let mut conn = state.db.conn().await?;
    let mut locations = Vec::new();
    let mut coaches = Vec::new();
    for o in &organisations {
        for l in onramp_store::locations::list_for_organisation(&mut conn, o.id).await? {
            locations.push((l.id.to_string(), format!("{} · {}", o.name, l.name)));
        }
        for (id, name) in onramp_store::users::coaches_at(&mut conn, o.id).await? {
            let option = (id.to_string(), name);
            if !coaches.contains(&option) {
                coaches.push(option);
            }
        }
    }
    let peer_experts = onramp_store::users::with_role(&mut conn, Role::PeerExpert)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let modules = programmes
        .iter()
        .flat_map(|g| {
            g.definition
                .modules
                .iter()
                .map(move |m| (m.code.clone(), format!("{}: {}", g.definition.name, m.name)))
        })
        .fold(Vec::new(), |mut list: Options, item| {
            if !list.iter().any(|(code, _)| *code == item.0) {
                list.push(item);
            }
            list
        });
    let template = NewTemplate {
        p: Page::new(ctx, "session-plan-title", "sessions"),
        form,
        programmes: programmes
            .iter()
            .map(|g| (g.id.to_string(), g.definition.name.clone()))
            .collect(),
        modules,
        organisations: organisations
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
        locations,
        coaches,
        peer_experts,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn new(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    let form = Form::with_values(vec![
        ("first_date".into(), today().to_string()),
        ("start_time".into(), "13:30".into()),
        ("minutes".into(), "120".into()),
        ("capacity".into(), "12".into()),
        ("sessions".into(), "6".into()),
        ("weeks_between".into(), "1".into()),
        (
            "coach_id".into(),
            if ctx.actor.role == Role::Coach {
                ctx.user.id.to_string()
            } else {
                String::new()
            },
        ),
    ]);
    new_page(&state, &ctx, form, StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    match service::plan_series(&state, &ctx, &series_fields(&data)).await {
        Ok(sessions) => {
            let first = sessions.first().map(|s| s.id).unwrap_or_default();
            Ok(see_other(&format!("/sessions/{first}"), "created"))
        }
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            new_page(&state, &ctx, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}

// ----- one session -----

#[derive(Template)]
#[template(path = "session.html")]
struct ShowTemplate {
    p: Page,
    detail: SessionDetail,
    candidates: Options,
    enrol_form: Form,
    attendance_error: Option<String>,
    attendance_choices: Vec<(String, String)>,
    names: StepNames,
}

impl ShowTemplate {
    fn is_marked(&self, attendance: &Option<String>, value: &str) -> bool {
        attendance.as_deref() == Some(value)
    }

    fn link_text(&self, s: &GroupSession) -> String {
        session_link_text(&self.p, &self.names, s)
    }

    /// How many "mark all present" would mark: enrolled, not marked, consent in force.
    fn unmarked(&self) -> usize {
        self.detail.unmarked().count()
    }
}

/// Participants the actor may enrol here: their active caseload (at the host, unless the series is open).
async fn candidates(state: &AppState, ctx: &Ctx, session: &GroupSession) -> Options {
    let at = (!session.open_to_partners).then_some(session.organisation_id);
    super::options::caseload_people(state, ctx, at).await
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    enrol_form: Form,
    attendance_error: Option<String>,
    notice: Option<&str>,
) -> PageResult {
    let detail = service::open(state, ctx, id).await?;
    let mut p = Page::new(ctx, "session-title", "sessions").with_notice(notice);
    p.title = format!("{} · {}", detail.session.title, p.datetime(&detail.session.starts_at));
    let status = if enrol_form.has_errors() || attendance_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = ShowTemplate {
        candidates: candidates(state, ctx, &detail.session).await,
        attendance_choices: Attendance::ALL
            .iter()
            .map(|a| (a.to_string(), p.label("attendance", a)))
            .collect(),
        p,
        detail,
        enrol_form: enrol_form.prefixed("enrol"),
        attendance_error,
        names: crate::service::programmes::step_names(state, ctx).await?,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> PageResult {
    let id = path_id(&id)?;
    show_page(&state, &ctx, id, Form::empty(), None, params.notice.as_deref()).await
}

pub async fn enrol(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let result = match parse_id(data.get("participant_id")) {
        Ok(participant) => service::enrol(&state, &ctx, id, participant, data.checked("rest_of_series")).await,
        Err(code) => Err(AppError::invalid("participant_id", code)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}"), "enrolled")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            show_page(&state, &ctx, id, form, None, None).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The attendance form sends one `attendance-<participant id>` field per enrolled person.
pub async fn attendance(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let pairs = data
        .pairs()
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("attendance-").map(|p| (p, v.as_str())));
    let result = match parse_marks(pairs) {
        Ok(marks) => service::take_attendance(&state, &ctx, id, &marks).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/sessions/{id}"), "attendance-saved")),
        Err(AppError::Invalid(errors)) => {
            let message = errors.0.first().map(|e| crate::i18n::field_error_text(ctx.language, e));
            show_page(&state, &ctx, id, Form::empty(), message, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn invite(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    match service::invite(&state, &ctx, id).await {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}"), "invitations-sent")),
        Err(AppError::Invalid(errors)) => {
            let message = errors.0.first().map(|e| crate::i18n::field_error_text(ctx.language, e));
            show_page(&state, &ctx, id, Form::empty(), message, None).await
        }
        Err(error) => Err(error.into()),
    }
}
