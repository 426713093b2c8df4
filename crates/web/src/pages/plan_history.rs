//! A plan's history: its versions, and the comparison of two of them.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render};
use super::options::Options;
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::requests::plans::{parse_kind as plan_kind, parse_version as plan_version};
use crate::service::plans::{self as service, Comparison};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::FieldErrors;
use onramp_domain::plans::PlanKind;
use onramp_store::plans::VersionInfo;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompareParams {
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "plan_history.html")]
struct HistoryTemplate {
    p: Page,
    trajectory_id: Uuid,
    participant_id: Uuid,
    kind: String,
    kind_title: String,
    versions: Vec<VersionInfo>,
    version_options: Options,
    form: Form,
    comparison: Option<Comparison>,
}

impl HistoryTemplate {
    /// "Changed: step “Call the employer”", in the page's language.
    fn difference(&self, d: &onramp_domain::plans::Difference) -> String {
        let label = if d.what == "section" {
            self.p.label("wrap", &d.label)
        } else {
            d.label.clone()
        };
        crate::i18n::text_with(
            self.p.lang,
            "plan-difference",
            &[
                ("change", &self.p.label("plan-change", d.change)),
                ("what", &self.p.label("plan-what", d.what)),
                ("label", &label),
            ],
        )
    }

    /// A compared value as the reader says it: coded values (owner, status, levers, canvas block)
    /// in the page's language.
    fn shown(&self, field: &str, value: &str) -> String {
        let prefix = match field {
            "owner" => "step-owner",
            "status" => "step-status",
            "block" => "canvas",
            "levers" => "lever",
            "due_on" => {
                return value
                    .parse::<chrono::NaiveDate>()
                    .map(|d| self.p.date(&d))
                    .unwrap_or_else(|_| value.to_owned());
            }
            _ => return value.to_owned(),
        };
        value
            .split(", ")
            .filter(|v| !v.is_empty())
            .map(|v| self.p.label(prefix, v))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn history_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    kind: PlanKind,
    form: Form,
    comparison: Option<Comparison>,
) -> PageResult {
    let history = service::history(state, ctx, id, kind).await?;
    let versions = history.versions;
    let p = Page::new(ctx, "plan-history", "caseload");
    let version_options = versions
        .iter()
        .map(|v| {
            let label = p.t1("plan-version", "version", v.version.to_string());
            (
                v.version.to_string(),
                format!("{label} · {}", p.datetime(&v.created_at)),
            )
        })
        .collect();
    let template = HistoryTemplate {
        trajectory_id: id,
        participant_id: history.participant_id,
        kind: kind.as_str().to_owned(),
        kind_title: p.t(&format!("plan-kind-{kind}")),
        versions,
        version_options,
        form,
        comparison,
        p,
    };
    Ok(render(&template).into_response())
}

pub async fn history(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    Query(params): Query<CompareParams>,
) -> PageResult {
    let lang = ctx.language;
    let kind = plan_kind(&kind)?;
    if params.from.is_empty() && params.to.is_empty() {
        return history_page(&state, &ctx, id, kind, Form::empty(), None).await;
    }
    let values = vec![
        ("from".to_owned(), params.from.clone()),
        ("to".to_owned(), params.to.clone()),
    ];
    let mut errors = FieldErrors::new();
    let from = plan_version(&mut errors, "from", &params.from);
    let to = plan_version(&mut errors, "to", &params.to);
    let result = match (from, to) {
        (Some(from), Some(to)) => service::compare_versions(&state, &ctx, id, kind, from, to).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(comparison) => history_page(&state, &ctx, id, kind, Form::with_values(values), Some(comparison)).await,
        Err(AppError::Invalid(errors)) => {
            let data = FormData::new(values);
            let form = Form::failed(&data, &errors, lang);
            let response = history_page(&state, &ctx, id, kind, form, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
