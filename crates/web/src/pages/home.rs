//! The start page after sign-in: the worklist of those who have one (a coordinator's counted, with
//! the region's figures against their targets), then what this role can do here.

use super::layout::{Page, PageResult, render};
use super::worklist::{Group, HOME_LIMIT, LIST_LIMIT, Target, groups, targets};
use crate::identity::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use onramp_domain::identity::Role;
use onramp_domain::policy;
use onramp_domain::worklist::Kind;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    p: Page,
    groups: Vec<Group>,
    has_worklist: bool,
    counted: bool,
    targets: Vec<Target>,
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    // A researcher's home is the list of their studies, each with its download.
    if ctx.actor.role == Role::Researcher {
        return Ok(axum::response::Redirect::to("/studies").into_response());
    }
    let p = Page::new(&ctx, "home-title", "home");
    let scope = policy::worklist_scope(&ctx.actor);
    let (groups, targets) = if scope.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let list = crate::service::worklist::worklist(&state, &ctx, None, scope.counted, HOME_LIMIT).await?;
        let targets = if scope.counted {
            targets(&state, &ctx, &p).await?
        } else {
            Vec::new()
        };
        (groups(&p, &list), targets)
    };
    Ok(render(&HomeTemplate {
        has_worklist: !scope.is_empty(),
        counted: scope.counted,
        groups,
        targets,
        p,
    }))
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistTemplate {
    p: Page,
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    pub kind: Option<String>,
}

/// One kind of the worklist in full (`?kind=`), or every kind.
pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(query): Query<KindQuery>) -> PageResult {
    let kind = match query.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(kind) => Some(Kind::parse(kind).map_err(|code| crate::error::AppError::invalid("kind", code))?),
        None => None,
    };
    let list = crate::service::worklist::worklist(&state, &ctx, kind, false, LIST_LIMIT).await?;
    let p = Page::new(&ctx, "worklist-title", "home");
    Ok(render(&WorklistTemplate {
        groups: groups(&p, &list),
        p,
    }))
}
