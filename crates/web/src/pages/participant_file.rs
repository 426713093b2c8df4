//! The participant file page and what its forms share: one view of the file, built from what the
//! service read, and the way a failed form shows the file again with its errors.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use super::options::{intake_organisations, programme_list};
use super::participant_view::{Failed, FileFacts, build};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::service::participants::{self as service};
use crate::state::AppState;
use crate::time::today;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    pub notice: Option<String>,
    /// A consent just withdrawn: the page offers to record it again (an undo on the same screen).
    pub undo: Option<String>,
}

pub async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    failed: Option<Failed>,
    notice: Option<&str>,
    undo: Option<Uuid>,
) -> PageResult {
    let file = service::open(state, ctx, id).await?;
    let programmes = programme_list(state, ctx).await?;
    let mut coaches = HashMap::new();
    let mut conn = state.db.conn().await?;
    for t in &file.trajectories {
        if let Entry::Vacant(slot) = coaches.entry(t.organisation_id) {
            let list = onramp_store::users::coaches_at(&mut conn, t.organisation_id).await?;
            slot.insert(list.into_iter().map(|(id, name)| (id.to_string(), name)).collect());
        }
    }
    let mediation_organisations = onramp_store::organisations::job_mediation(&mut conn)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    drop(conn);
    let facts = FileFacts {
        file,
        programmes,
        coaches,
        organisations: intake_organisations(state, ctx).await.unwrap_or_default(),
        mediation_organisations,
        today: today(),
        failed,
        undo,
    };
    let page = Page::new(ctx, "participant-title", "caseload").with_notice(notice);
    let view = build(page, facts);
    let status = if view.failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&view)).into_response())
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
            show_page(state, ctx, participant_id, Some(failed), None, None).await
        }
        Err(error) => Err(error.into()),
    }
}
