//! Consents on the participant file: give one, withdraw one.

use super::form::FormData;
use super::layout::{Page, PageResult, path_id, render};
use super::participant_file::{ActionForm, page_action};
use crate::error::AppError;
use crate::identity::PageCtx;
use crate::service::consents as service;
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use onramp_domain::consents::{ConsentFields, ConsentInput};
use onramp_store::consents::Consent;
use uuid::Uuid;

pub async fn add_consent(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let fields = ConsentFields {
        purpose: data.get("purpose"),
        organisation: data.get("organisation_id"),
        version: data.get("version"),
        given_on: data.get("given_on"),
        ends_on: data.get("ends_on"),
    };
    let parsed = ConsentInput::parse(fields, today());
    let result = match parsed {
        Ok(input) => service::add_consent(&state, &ctx, id, input).await,
        Err(errors) => {
            crate::service::participants::may_edit(&state, &ctx, id).await?;
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

#[derive(Template)]
#[template(path = "consent_withdraw.html")]
struct ConfirmTemplate {
    p: Page,
    participant_id: Uuid,
    consent: Consent,
}

impl ConfirmTemplate {
    /// What stops when this purpose's consent is withdrawn, in the page's language.
    fn what_stops(&self) -> String {
        self.p.t(&format!("consent-withdraw-stops-{}", self.consent.purpose))
    }
}

/// Withdrawing a consent stops things at once (taking part, sharing, research), so the button on
/// the file first shows what will stop and asks to confirm (`confirm=yes`); the file then offers
/// to record the consent again, in case it was a mistake.
pub async fn withdraw_consent(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, consent)): Path<(String, String)>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let consent = path_id(&consent)?;
    if data.get("confirm") != "yes" {
        let file = crate::service::participants::open(&state, &ctx, id).await?;
        if !file.can_edit {
            return Err(AppError::Forbidden.into());
        }
        let found = file
            .consents
            .into_iter()
            .find(|c| c.id == consent && c.withdrawn_on.is_none());
        let consent = found.ok_or(AppError::NotFound)?;
        let template = ConfirmTemplate {
            p: Page::new(&ctx, "consent-withdraw-confirm-title", "caseload"),
            participant_id: id,
            consent,
        };
        return Ok(render(&template).into_response());
    }
    service::withdraw_consent(&state, &ctx, id, consent, today()).await?;
    let to = format!("/participants/{id}?notice=consent-withdrawn&undo={consent}#consents-title");
    Ok(Redirect::to(&to).into_response())
}
