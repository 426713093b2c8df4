//! The start page after sign-in: what this role can do here.

use super::layout::{Page, render};
use crate::identity::PageCtx;
use askama::Template;
use axum::response::Response;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    p: Page,
}

pub async fn show(PageCtx(ctx): PageCtx) -> Response {
    if let Some(redirect) = super::caseload::home_redirect(&ctx) {
        return axum::response::IntoResponse::into_response(redirect);
    }
    // A researcher's home is the list of their studies, each with its download.
    if ctx.actor.role == onramp_domain::identity::Role::Researcher {
        return axum::response::IntoResponse::into_response(axum::response::Redirect::to("/studies"));
    }
    render(&HomeTemplate {
        p: Page::new(&ctx, "home-title", "home"),
    })
}
