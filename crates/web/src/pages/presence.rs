//! Presence actions at a partner: the year's actions and reach, recording one, linking the
//! participants they brought in, and (administrators) adding kinds.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::presence::{self as service, PresenceYear};
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::organisations::{parse_id, parse_optional_id};
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::presence::PresenceFields;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    organisation_id: Option<String>,
    year: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "presence.html")]
struct PresenceTemplate {
    p: Page,
    organisations: Options,
    chosen: String,
    view: Option<PresenceYear>,
    can_record: bool,
    is_admin: bool,
    form: Form,
    kind_form: Form,
    kinds: Options,
    locations: Options,
    people: Options,
}

impl PresenceTemplate {
    fn kind_name(&self, code: &str) -> String {
        self.kinds
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
}

/// Built-in kinds in the page's language, added kinds by the name they were given.
async fn kind_options(state: &AppState, p: &Page) -> Result<Options, AppError> {
    Ok(service::kinds(state)
        .await?
        .into_iter()
        .map(|k| {
            let name = if k.built_in {
                p.label("presence-kind", &k.code)
            } else {
                k.name
            };
            (k.code, name)
        })
        .collect())
}

struct Forms {
    form: Form,
    kind_form: Form,
}

async fn page(state: &AppState, ctx: &Ctx, params: &Params, forms: Forms) -> PageResult {
    let p = Page::new(ctx, "presence-title", "hours").with_notice(params.notice.as_deref());
    let visible: Vec<_> = crate::service::organisations::list(state, ctx, &Default::default())
        .await?
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::ViewHours(&o.as_ref())) == Decision::Allow)
        .collect();
    let chosen = params
        .organisation_id
        .as_deref()
        .and_then(|c| parse_optional_id(c).ok().flatten())
        .filter(|id| visible.iter().any(|o| o.id == *id))
        .or_else(|| {
            visible
                .iter()
                .find(|o| ctx.actor.organisations.contains(&o.id) && o.kind.as_str() != "provider")
                .map(|o| o.id)
        })
        .or_else(|| visible.first().map(|o| o.id));
    let year = crate::requests::period::Year::parse(params.year.as_deref())?.0;
    let (mut view, mut can_record, mut locations, mut people) = (None, false, Vec::new(), Vec::new());
    if let Some(organisation_id) = chosen {
        view = Some(service::year(state, ctx, organisation_id, year).await?);
        can_record = visible
            .iter()
            .find(|o| o.id == organisation_id)
            .is_some_and(|o| policy::decide(&ctx.actor, Action::RegisterHours(&o.as_ref())) == Decision::Allow);
        let mut conn = state.db.conn().await?;
        locations = onramp_store::locations::list_for_organisation(&mut conn, organisation_id)
            .await?
            .into_iter()
            .map(|l| (l.id.to_string(), l.name))
            .collect();
        if can_record {
            people = super::options::caseload_people(state, ctx, Some(organisation_id)).await;
        }
    }
    let status = if forms.form.has_errors() || forms.kind_form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = PresenceTemplate {
        kinds: kind_options(state, &p).await?,
        p,
        organisations: visible.iter().map(|o| (o.id.to_string(), o.name.clone())).collect(),
        chosen: chosen.map(|c| c.to_string()).unwrap_or_default(),
        view,
        can_record,
        is_admin: policy::decide(&ctx.actor, Action::ManageReferenceData) == Decision::Allow,
        form: forms.form.prefixed("presence"),
        kind_form: forms.kind_form.prefixed("kind"),
        locations,
        people,
    };
    Ok((status, render(&template)).into_response())
}

fn new_forms() -> Forms {
    Forms {
        form: Form::with_values(vec![
            ("on".into(), today().to_string()),
            ("minutes".into(), "120".into()),
        ]),
        kind_form: Form::empty(),
    }
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(params): Query<Params>) -> PageResult {
    page(&state, &ctx, &params, new_forms()).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let fields = PresenceFields {
        kind: data.get("kind").into(),
        organisation_id: data.get("organisation_id").into(),
        location_id: data.get("location_id").into(),
        on: data.get("on").into(),
        minutes: data.get("minutes").into(),
        reached: data.get("reached").into(),
        description: data.get("description").into(),
    };
    match service::add(&state, &ctx, &fields).await {
        Ok(action) => Ok(see_other(
            &format!("/presence?organisation_id={}", action.organisation_id),
            "created",
        )),
        Err(AppError::Invalid(errors)) => {
            let params = Params {
                organisation_id: Some(fields.organisation_id.clone()),
                ..Default::default()
            };
            let forms = Forms {
                form: Form::failed(&data, &errors, ctx.language),
                ..new_forms()
            };
            page(&state, &ctx, &params, forms).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn link(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let participant = parse_id(data.get("participant_id")).map_err(|code| AppError::invalid("participant_id", code))?;
    service::link(&state, &ctx, id, participant).await?;
    Ok(see_other(
        &format!("/presence?organisation_id={}", data.get("organisation_id")),
        "saved",
    ))
}

pub async fn add_kind(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    match service::add_kind(&state, &ctx, data.get("code"), data.get("name")).await {
        Ok(_) => Ok(see_other("/presence", "created")),
        Err(AppError::Invalid(errors)) => {
            let forms = Forms {
                kind_form: Form::failed(&data, &errors, ctx.language),
                ..new_forms()
            };
            page(&state, &ctx, &Params::default(), forms).await
        }
        Err(error) => Err(error.into()),
    }
}
