//! `--require-two-factor` (docs/security.md): a signed-in staff member whose role reads
//! participant data and who has no second factor yet reaches nothing but its setup, signing out
//! and the language switch. API tokens are not affected: a request with one passes. Nor is a
//! session opened by single sign-on: the organisation's provider is trusted to ask its own.

use crate::error::AppError;
use crate::identity::{Credential, Ctx, RequestInfo};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The setup page, where the gate sends a browser.
pub const SETUP_PAGE: &str = "/account/two-factor";

/// What stays open before enrolment.
fn open_before_enrolment(path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    under(SETUP_PAGE)
        || under("/api/v1/me/two-factor")
        || under("/static")
        || [
            "/logout",
            "/language",
            "/healthz",
            "/api/openapi.json",
            "/api/v1/sessions/current",
        ]
        .contains(&path)
}

pub async fn require(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.config.require_two_factor || open_before_enrolment(request.uri().path()) {
        return next.run(request).await;
    }
    let by_session = request
        .extensions()
        .get::<RequestInfo>()
        .is_some_and(|info| info.credential == Credential::SessionCookie);
    let Some(user_id) = request
        .extensions()
        .get::<Ctx>()
        .filter(|ctx| by_session && !ctx.by_single_sign_on && ctx.user.role.needs_second_factor())
        .map(|ctx| ctx.user.id)
    else {
        return next.run(request).await;
    };
    let enrolled = async {
        let mut conn = state.db.conn().await?;
        onramp_store::two_factor::is_enrolled(&mut conn, user_id).await
    }
    .await;
    match enrolled {
        Ok(true) => next.run(request).await,
        Ok(false) if request.uri().path().starts_with("/api/") => AppError::TwoFactorRequired.into_response(),
        Ok(false) => Redirect::to(&format!("{SETUP_PAGE}?notice=two-factor-required")).into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::open_before_enrolment;

    #[test]
    fn only_the_setup_and_leaving_stay_open() {
        for open in [
            "/account/two-factor",
            "/account/two-factor/confirm",
            "/logout",
            "/static/app.css",
        ] {
            assert!(open_before_enrolment(open), "{open}");
        }
        for closed in [
            "/",
            "/caseload",
            "/account",
            "/account/two-factorx",
            "/api/v1/participants",
        ] {
            assert!(!open_before_enrolment(closed), "{closed}");
        }
    }
}
