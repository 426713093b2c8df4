//! "Mark all present" on a session's page, in two steps that need no JavaScript: the first post
//! shows who would be marked and asks to confirm; only the confirmed post marks them.

use super::form::FormData;
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::PageCtx;
use crate::service::all_present::mark_all_present;
use crate::service::group_sessions::{self as sessions, SessionDetail};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::IntoResponse;

#[derive(Template)]
#[template(path = "session_all_present.html")]
struct ConfirmTemplate {
    p: Page,
    detail: SessionDetail,
    /// The names of those who would be marked.
    names: Vec<String>,
    /// Of them, those the viewer may not see by name.
    unnamed: usize,
    when: String,
}

pub async fn all_present(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    if data.get("confirm") == "yes" {
        mark_all_present(&state, &ctx, id).await?;
        return Ok(see_other(&format!("/sessions/{id}"), "all-present"));
    }
    let detail = sessions::open(&state, &ctx, id).await?;
    if !detail.can_manage {
        return Err(AppError::Forbidden.into());
    }
    let waiting: Vec<_> = detail.unmarked().collect();
    let names: Vec<String> = waiting.iter().filter_map(|e| e.name.clone()).collect();
    let unnamed = waiting.len() - names.len();
    let mut p = Page::new(&ctx, "session-all-present-title", "sessions");
    let when = p.datetime(&detail.session.starts_at);
    p.title = format!(
        "{} · {} · {when}",
        p.t("session-all-present-title"),
        detail.session.title
    );
    let template = ConfirmTemplate {
        p,
        detail,
        names,
        unnamed,
        when,
    };
    Ok(render(&template).into_response())
}
