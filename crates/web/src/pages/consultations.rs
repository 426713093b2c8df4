//! Case and team consultations at a partner: the recent ones, and recording one with the
//! participants discussed.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::requests::period::{self, Period};
use crate::service::coaching as service;
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::activities::ConsultationFields;
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::coaching::Consultation;
use serde::Deserialize;

type Options = Vec<(String, String)>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    organisation_id: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ConsultationsTemplate {
    p: Page,
    organisations: Options,
    chosen: String,
    consultations: Vec<Consultation>,
    can_record: bool,
    form: Form,
    locations: Options,
    people: Options,
}

async fn page(state: &AppState, ctx: &Ctx, chosen: Option<String>, form: Form, notice: Option<&str>) -> PageResult {
    let visible: Vec<_> = crate::service::organisations::list(state, ctx, &Default::default())
        .await?
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::ViewHours(&o.as_ref())) == Decision::Allow)
        .collect();
    let chosen = chosen
        .and_then(|c| parse_optional_id(&c).ok().flatten())
        .filter(|id| visible.iter().any(|o| o.id == *id))
        .or_else(|| {
            visible
                .iter()
                .find(|o| ctx.actor.organisations.contains(&o.id) && o.kind.as_str() != "provider")
                .map(|o| o.id)
        })
        .or_else(|| visible.first().map(|o| o.id));
    let (mut consultations, mut can_record, mut locations, mut people) = (Vec::new(), false, Vec::new(), Vec::new());
    if let Some(organisation_id) = chosen {
        let period = Period::parse(None, None, period::Default::Past90Days)?;
        consultations = service::consultations_at(state, ctx, organisation_id, period.from, period.to).await?;
        let organisation = visible.iter().find(|o| o.id == organisation_id);
        can_record = organisation
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
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = ConsultationsTemplate {
        p: Page::new(ctx, "consultations-title", "hours").with_notice(notice),
        organisations: visible.iter().map(|o| (o.id.to_string(), o.name.clone())).collect(),
        chosen: chosen.map(|c| c.to_string()).unwrap_or_default(),
        consultations,
        can_record,
        form: form.prefixed("consultation"),
        locations,
        people,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(params): Query<Params>) -> PageResult {
    let form = Form::with_values(vec![
        ("on".into(), today().to_string()),
        ("minutes".into(), "60".into()),
    ]);
    page(&state, &ctx, params.organisation_id, form, params.notice.as_deref()).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let fields = ConsultationFields {
        organisation_id: data.get("organisation_id").into(),
        location_id: data.get("location_id").into(),
        on: data.get("on").into(),
        minutes: data.get("minutes").into(),
        attendees: data.get("attendees").into(),
        participant_ids: data.all("participant_ids"),
        decisions: data.get("decisions").into(),
    };
    match service::add_consultation(&state, &ctx, &fields).await {
        Ok(k) => Ok(see_other(
            &format!("/consultations?organisation_id={}", k.organisation_id),
            "created",
        )),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            page(&state, &ctx, Some(fields.organisation_id), form, None).await
        }
        Err(error) => Err(error.into()),
    }
}
