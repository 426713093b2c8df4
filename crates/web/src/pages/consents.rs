//! Consents on the participant file: give one, withdraw one.

use super::form::FormData;
use super::layout::{PageResult, path_id, see_other};
use super::participant_file::{ActionForm, page_action};
use crate::error::AppError;
use crate::identity::PageCtx;
use crate::service::consents as service;
use crate::state::AppState;
use crate::time::today;
use axum::extract::{Path, State};
use onramp_domain::consents::ConsentInput;

pub async fn add_consent(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
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

pub async fn withdraw_consent(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, consent)): Path<(String, String)>,
) -> PageResult {
    let id = path_id(&id)?;
    let consent = path_id(&consent)?;
    service::withdraw_consent(&state, &ctx, id, consent, today()).await?;
    Ok(see_other(&format!("/participants/{id}"), "consent-withdrawn"))
}
