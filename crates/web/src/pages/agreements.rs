//! An agreement with a partner: its figures and the coach hours per location.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::i18n;
use crate::identity::{Ctx, PageCtx};
use crate::service::agreements::{self as service, AgreementDetail};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::agreements::{AgreementFields, AgreementInput, DEFAULT_HOURS, LocationHours};
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

pub fn fields(data: &FormData) -> AgreementFields {
    AgreementFields {
        provider_id: data.get("provider_id").into(),
        starts_on: data.get("starts_on").into(),
        ends_on: data.get("ends_on").into(),
        signed_on: data.get("signed_on").into(),
        reach_target: data.get("reach_target").into(),
        steps_target_percent: data.get("steps_target_percent").into(),
        fte: data.get("fte").into(),
        esf_percent: data.get("esf_percent").into(),
        esf_amount: data.get("esf_amount").into(),
        own_share: data.get("own_share").into(),
        notes: data.get("notes").into(),
    }
}

/// A new agreement for this calendar year with the seeds' norms filled in.
pub fn new_form() -> Form {
    let year = crate::time::today().format("%Y").to_string();
    Form::with_values(vec![
        ("starts_on".into(), format!("{year}-01-01")),
        ("ends_on".into(), format!("{year}-12-31")),
        ("reach_target".into(), "200".into()),
        ("steps_target_percent".into(), "15".into()),
        ("fte".into(), "1".into()),
        ("esf_percent".into(), "80".into()),
    ])
}

fn hours_form() -> Form {
    let d = DEFAULT_HOURS;
    Form::with_values(vec![
        ("hours_individual".into(), d.individual.to_string()),
        ("hours_group".into(), d.group.to_string()),
        ("hours_consultation".into(), d.consultation.to_string()),
        ("hours_administration".into(), d.administration.to_string()),
    ])
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementTemplate {
    p: Page,
    detail: AgreementDetail,
    form: Form,
    hours_form: Form,
    providers: Options,
    locations: Options,
}

impl AgreementTemplate {
    fn percent(&self, permille: &i32) -> String {
        self.p.decimal(*permille as f64 / 10.0, 1)
    }

    fn fte(&self, hundredths: &i32) -> String {
        self.p.decimal(*hundredths as f64 / 100.0, 2)
    }

    fn euros(&self, cents: &Option<i64>) -> String {
        cents.map_or_else(
            || "—".to_owned(),
            |c| format!("€ {}", self.p.decimal(c as f64 / 100.0, 2)),
        )
    }
}

/// An amount as the form shows it back ("120000,50" in Dutch and French), empty when none.
fn amount_text(ctx: &Ctx, cents: Option<i64>) -> String {
    let text = |c: i64| onramp_domain::cost_benefit::format_value(onramp_domain::cost_benefit::Kind::Amount, c);
    cents.map_or_else(String::new, |c| match ctx.language {
        onramp_domain::identity::Language::En => text(c),
        _ => text(c).replace('.', ","),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    form: Option<Form>,
    hours_form_in: Option<Form>,
    notice: Option<&str>,
) -> PageResult {
    let detail = service::get(state, ctx, id).await?;
    let a = &detail.agreement;
    let form = form.unwrap_or_else(|| {
        Form::with_values(vec![
            ("provider_id".into(), a.provider_id.to_string()),
            ("starts_on".into(), a.starts_on.to_string()),
            ("ends_on".into(), a.ends_on.to_string()),
            (
                "signed_on".into(),
                a.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("reach_target".into(), a.reach_target.to_string()),
            (
                "steps_target_percent".into(),
                i18n::decimal(ctx.language, a.steps_target_permille as f64 / 10.0, 1),
            ),
            (
                "fte".into(),
                i18n::decimal(ctx.language, a.fte_hundredths as f64 / 100.0, 2),
            ),
            ("esf_percent".into(), a.esf_percent.to_string()),
            ("esf_amount".into(), amount_text(ctx, a.esf_amount_cents)),
            ("own_share".into(), amount_text(ctx, a.own_share_cents)),
            ("notes".into(), a.notes.clone().unwrap_or_default()),
        ])
    });
    let failed = form.has_errors() || hours_form_in.as_ref().is_some_and(Form::has_errors);
    let providers = if detail.can_manage {
        super::options::provider_options(state, ctx).await?
    } else {
        Vec::new()
    };
    let (_, locations) = crate::service::organisations::get(state, ctx, a.partner_id).await?;
    let mut p = Page::new(ctx, "agreement-title", "organisations").with_notice(notice);
    p.title = p.t1("agreement-with", "partner", &a.partner_name);
    let template = AgreementTemplate {
        locations: locations.into_iter().map(|l| (l.id.to_string(), l.name)).collect(),
        hours_form: hours_form_in.unwrap_or_else(hours_form),
        providers,
        form,
        detail,
        p,
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let id = path_id(&id)?;
    page(&state, &ctx, id, None, None, q.notice.as_deref()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let result = match AgreementInput::parse(&fields(&data)) {
        Ok(input) => service::update(&state, &ctx, id, input).await.map(|_| ()),
        Err(errors) => {
            service::get(&state, &ctx, id).await?;
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/agreements/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            page(
                &state,
                &ctx,
                id,
                Some(Form::failed(&data, &errors, ctx.language)),
                None,
                None,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn set_hours(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let parsed = LocationHours::parse(
        data.get("location_id"),
        data.get("hours_individual"),
        data.get("hours_group"),
        data.get("hours_consultation"),
        data.get("hours_administration"),
    );
    let result = match parsed {
        Ok(input) => service::set_hours(&state, &ctx, id, input).await.map(|_| ()),
        Err(errors) => {
            service::get(&state, &ctx, id).await?;
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/agreements/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            page(
                &state,
                &ctx,
                id,
                None,
                Some(Form::failed(&data, &errors, ctx.language)),
                None,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
