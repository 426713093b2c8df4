//! Recording a coaching contact from the participant file.

use super::form::FormData;
use super::layout::{PageResult, path_id};
use super::participant_file::{ActionForm, page_action};
use crate::identity::PageCtx;
use crate::state::AppState;
use axum::extract::{Path, State};
use onramp_domain::activities::ContactFields;

pub async fn add_contact(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
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
