//! A participant's account is confined to the portal (docs/portal.md): every path outside it
//! answers 404, as if it did not exist, before any handler runs. The policy refuses participants
//! every staff action too; this is the first wall, the policy the second.

use crate::identity::Ctx;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use onramp_domain::identity::Role;

/// Paths outside the portal that a participant uses as well: signing in and out, the language,
/// the stylesheet and script, the health check and the API's document.
pub const SHARED_PATHS: &[&str] = &[
    "/login",
    "/logout",
    "/language",
    "/static/app.css",
    "/static/app.js",
    "/healthz",
    "/api/openapi.json",
    "/api/v1/sessions",
    "/api/v1/sessions/current",
];

/// Whether a participant's account may reach `path`.
pub fn participant_may_reach(path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    under("/portal") || under("/api/v1/portal") || SHARED_PATHS.contains(&path)
}

pub async fn confine_participants(request: Request, next: Next) -> Response {
    let Some(language) = request
        .extensions()
        .get::<Ctx>()
        .filter(|ctx| ctx.user.role == Role::Participant)
        .map(|ctx| ctx.language)
    else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if path == "/" {
        return Redirect::to("/portal").into_response();
    }
    if participant_may_reach(path) {
        return next.run(request).await;
    }
    if path.starts_with("/api/") {
        crate::error::AppError::NotFound.into_response()
    } else {
        crate::pages::not_found_page(language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_and_the_shared_paths_alone() {
        for path in [
            "/portal",
            "/portal/consents",
            "/api/v1/portal/plans",
            "/logout",
            "/static/app.css",
        ] {
            assert!(participant_may_reach(path), "{path}");
        }
        for path in [
            "/",
            "/portals",
            "/portal-x",
            "/caseload",
            "/api/v1/portalx",
            "/api/v1/me",
            "/static/other",
        ] {
            assert!(!participant_may_reach(path), "{path}");
        }
    }
}
