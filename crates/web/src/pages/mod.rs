//! Server-rendered pages: semantic HTML that works without JavaScript.
//! Every state-changing form carries an anti-forgery token, checked here once
//! for all forms by the `csrf` middleware.

mod account;
mod agreements;
mod all_present;
mod audit;
mod auth;
mod barrier_codes;
mod barriers;
mod calendars;
mod caseload;
mod chart;
mod check_ins;
mod coaching;
mod consents;
mod consultations;
mod cost_benefit;
mod cost_benefit_records;
mod csrf;
mod dashboard;
mod dashboard_activities;
mod documents;
mod erasure;
mod error_summary;
mod errors;
mod esf;
mod exchange;
mod form;
mod home;
mod hours;
mod icf;
mod layout;
mod monitoring;
mod options;
mod organisations;
mod outcomes;
mod participant_file;
mod participant_summary;
mod participant_timeline;
mod participant_view;
mod participants;
mod password_reset;
mod plan_editor;
mod plan_history;
mod plan_step_forms;
mod plan_steps;
mod plans;
mod portal;
mod portal_entry;
mod portal_invite;
mod portal_plans;
mod portal_ratings;
mod portal_sessions;
mod postcodes;
mod presence;
mod privacy;
mod programmes;
mod regions;
mod retention;
mod sessions;
mod sso;
mod studies;
mod trajectories;
mod two_factor;
mod users;
mod worklist;

use crate::state::AppState;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

/// The error page of a path that does not exist for the one asking.
pub(crate) fn not_found_page(lang: onramp_domain::identity::Language) -> Response {
    let error = crate::error::AppError::NotFound;
    let failure = layout::PageFailure {
        status: error.status(),
        code: error.code(),
    };
    errors::error_page(lang, failure)
}

/// The error page for a request body over the limit, which the limit layer refuses before any
/// page runs.
pub(crate) fn too_large_page(lang: onramp_domain::identity::Language) -> Response {
    let error = crate::error::AppError::TooLarge;
    let failure = layout::PageFailure {
        status: error.status(),
        code: error.code(),
    };
    errors::error_page(lang, failure)
}

/// The staff's pages: every path the router serves to staff, the one list that the test of the
/// participants' confinement reads too (a participant's account gets 404 on each).
fn staff_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(home::show)),
        ("/worklist", get(home::list)),
        ("/account", get(account::show)),
        ("/account/preferences", post(account::preferences)),
        ("/account/password", post(account::password)),
        ("/account/digest", post(account::digest)),
        ("/account/tokens", post(account::create_token)),
        ("/account/tokens/{id}/revoke", post(account::revoke_token)),
        ("/account/two-factor", get(two_factor::show)),
        ("/account/two-factor/start", post(two_factor::start)),
        ("/account/two-factor/confirm", post(two_factor::confirm)),
        ("/account/two-factor/disable", post(two_factor::disable)),
        ("/organisations", get(organisations::list)),
        (
            "/organisations/new",
            get(organisations::new).post(organisations::create),
        ),
        ("/organisations/{id}", get(organisations::show)),
        (
            "/organisations/{id}/edit",
            get(organisations::edit).post(organisations::update),
        ),
        ("/organisations/{id}/locations", post(organisations::add_location)),
        ("/organisations/{id}/contacts", post(organisations::add_contact)),
        (
            "/organisations/{id}/contacts/{contact}/remove",
            post(organisations::remove_contact),
        ),
        ("/organisations/{id}/agreements", post(organisations::add_agreement)),
        ("/agreements/{id}", get(agreements::show).post(agreements::update)),
        ("/agreements/{id}/hours", post(agreements::set_hours)),
        ("/caseload", get(caseload::caseload)),
        ("/hours", get(hours::show).post(hours::register)),
        ("/participants/{id}/icf", get(icf::show).post(icf::add)),
        ("/participants/{id}/icf/pdf", get(documents::icf_pdf)),
        ("/trajectories/{id}/plans/{kind}", get(plans::show)),
        (
            "/trajectories/{id}/plans/{kind}/edit",
            get(plan_editor::edit).post(plan_editor::save),
        ),
        ("/trajectories/{id}/plans/{kind}/versions", get(plan_history::history)),
        ("/trajectories/{id}/plans/{kind}/comments", post(plans::comment)),
        ("/trajectories/{id}/plans/{kind}/unshare", post(plans::unshare)),
        ("/trajectories/{id}/plans/{kind}/pdf", get(documents::pdf)),
        (
            "/trajectories/{id}/plans/canvas/items/{item}/step",
            post(plans::make_step),
        ),
        ("/trajectories/{id}/plans/action/steps", post(plan_steps::add)),
        ("/trajectories/{id}/plans/action/steps/{step}", post(plan_steps::change)),
        ("/icf/categories", get(icf::categories).post(icf::add_category)),
        ("/barrier-codes", get(barrier_codes::show).post(barrier_codes::add)),
        ("/dashboard", get(dashboard::show)),
        ("/dashboard/people", get(dashboard::people)),
        ("/dashboard/presence", get(dashboard_activities::presence)),
        ("/dashboard/hours", get(dashboard_activities::hours)),
        ("/dashboard.csv", get(dashboard::export_csv)),
        ("/dashboard.xlsx", get(dashboard::export_xlsx)),
        ("/monitoring", get(monitoring::show)),
        ("/monitoring/people", get(monitoring::people)),
        ("/monitoring.csv", get(monitoring::export_csv)),
        ("/monitoring.xlsx", get(monitoring::export_xlsx)),
        ("/monitoring/recommendations", post(monitoring::add_recommendation)),
        (
            "/monitoring/recommendations/{id}",
            get(monitoring::history).post(monitoring::edit_recommendation),
        ),
        ("/consultations", get(consultations::show).post(consultations::create)),
        ("/presence", get(presence::show).post(presence::create)),
        ("/presence/kinds", post(presence::add_kind)),
        ("/presence/{id}/participants", post(presence::link)),
        ("/calendars", get(calendars::show).post(calendars::create)),
        ("/calendars/{id}/revoke", post(calendars::revoke)),
        ("/calendar/{file}", get(calendars::feed)),
        ("/studies", get(studies::list).post(studies::create)),
        ("/studies/{id}", get(studies::show).post(studies::update)),
        ("/studies/{id}/export.zip", get(studies::export)),
        ("/sessions", get(sessions::list)),
        ("/sessions/new", get(sessions::new).post(sessions::create)),
        ("/sessions/{id}", get(sessions::show)),
        ("/sessions/{id}/enrolments", post(sessions::enrol)),
        ("/sessions/{id}/attendance", post(sessions::attendance)),
        ("/sessions/{id}/attendance/all-present", post(all_present::all_present)),
        ("/sessions/{id}/invitations", post(sessions::invite)),
        ("/participants/new", get(participants::new).post(participants::create)),
        ("/participants/{id}", get(participants::show)),
        ("/participants/{id}/privacy", get(privacy::participant)),
        ("/participants/{id}/portal", get(portal_invite::show)),
        ("/participants/{id}/portal/invitations", post(portal_invite::invite)),
        ("/participants/{id}/portal/end", post(portal_invite::end)),
        ("/participants/{id}/access-export.zip", get(privacy::access_export)),
        ("/privacy", get(privacy::search)),
        (
            "/participants/{id}/edit",
            get(participants::edit).post(participants::update),
        ),
        ("/participants/{id}/consents", post(consents::add_consent)),
        (
            "/participants/{id}/consents/{consent}/withdraw",
            post(consents::withdraw_consent),
        ),
        ("/participants/{id}/trajectories", post(trajectories::start_trajectory)),
        ("/participants/{id}/contacts", post(coaching::add_contact)),
        ("/participants/{id}/outcomes", post(outcomes::add_outcome)),
        ("/participants/{id}/barriers", post(barriers::add_barrier)),
        ("/barriers/{id}/close", post(barriers::close_barrier)),
        ("/check-ins/{id}", post(check_ins::record_check_in)),
        ("/trajectories/{id}/phase", post(trajectories::change_phase)),
        ("/trajectories/{id}/handover", post(trajectories::hand_over)),
        ("/trajectories/{id}/exit", post(trajectories::exit)),
        (
            "/trajectories/{id}/leaving-situation",
            post(trajectories::leaving_situation),
        ),
        ("/import", get(exchange::show).post(exchange::upload)),
        ("/export/participants.xlsx", get(exchange::export_xlsx)),
        ("/export/{file}", get(exchange::export_csv)),
        ("/programmes", get(programmes::list)),
        ("/programmes/new", get(programmes::new).post(programmes::create)),
        ("/programmes/{id}", get(programmes::show).post(programmes::update)),
        ("/cost-benefit", get(cost_benefit::show)),
        ("/cost-benefit/parameters", post(cost_benefit::set_parameters)),
        ("/cost-benefit/scenarios", post(cost_benefit::save_scenario)),
        ("/cost-benefit/people", get(cost_benefit_records::people)),
        ("/cost-benefit/hours", get(cost_benefit_records::hours)),
        ("/cost-benefit.csv", get(cost_benefit_records::export_csv)),
        ("/cost-benefit.xlsx", get(cost_benefit_records::export_xlsx)),
        (
            "/cost-benefit/funding-case.pdf",
            get(cost_benefit_records::funding_case),
        ),
        ("/esf", get(esf::list).post(esf::create)),
        ("/esf/postcodes", get(postcodes::show).post(postcodes::upload)),
        ("/esf/{id}", get(esf::report)),
        ("/esf/{id}/edit", get(esf::edit).post(esf::update)),
        ("/esf/{id}/missing", get(esf::missing)),
        ("/esf/{id}/indicators.csv", get(esf::export_csv)),
        ("/esf/{id}/indicators.pdf", get(esf::export_pdf)),
        ("/esf/{id}/indicators.xlsx", get(esf::export_xlsx)),
        ("/regions", get(regions::list).post(regions::create)),
        ("/regions/{id}", post(regions::update)),
        ("/users", get(users::list)),
        ("/users/new", get(users::new).post(users::create)),
        ("/users/{id}", get(users::edit).post(users::update)),
        ("/users/{id}/password", post(users::reset_password)),
        ("/users/{id}/two-factor/reset", post(users::reset_two_factor)),
        ("/users/{id}/sign-on/{provider}/unbind", post(sso::unbind)),
        // Single sign-on: staff only (a participant's account never reaches these).
        ("/sign-in/oidc/{provider}", post(sso::start)),
        ("/sign-in/oidc/{provider}/callback", get(sso::callback)),
        ("/audit", get(audit::list)),
        ("/retention", get(retention::list)),
        ("/retention/{id}/hold", post(retention::hold)),
        ("/retention/{id}/lift", post(retention::lift)),
        ("/participants/{id}/anonymise", get(erasure::form).post(erasure::submit)),
    ]
}

/// What staff and participants share: signing in and out, the language, the stylesheet and script.
fn shared_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/login", get(auth::show).post(auth::submit)),
        (
            "/login/two-factor",
            get(two_factor::code_form).post(two_factor::code_submit),
        ),
        (
            "/login/forgot",
            get(password_reset::forgot_form).post(password_reset::forgot_submit),
        ),
        (
            "/password-reset/{token}",
            get(password_reset::reset_form).post(password_reset::reset_submit),
        ),
        ("/logout", post(auth::logout)),
        ("/language", post(auth::set_language)),
        ("/static/app.css", get(stylesheet)),
        ("/static/app.js", get(script)),
    ]
}

/// The participant's portal (docs/portal.md).
fn portal_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/portal", get(portal::home)),
        (
            "/portal/sign-in",
            get(portal_entry::sign_in_form).post(portal_entry::sign_in),
        ),
        (
            "/portal/invitation/{secret}",
            get(portal_entry::link_form).post(portal_entry::link_open),
        ),
        (
            "/portal/start",
            get(portal_entry::code_form).post(portal_entry::code_open),
        ),
        ("/portal/consents", get(portal::consents).post(portal::give_consent)),
        ("/portal/consents/{id}/withdraw", post(portal::withdraw_consent)),
        ("/portal/access-log", get(portal::access_log)),
        ("/portal/plans", get(portal_plans::list)),
        ("/portal/plans/{id}/{kind}", get(portal_plans::show)),
        ("/portal/plans/{id}/{kind}/comments", post(portal_plans::comment)),
        ("/portal/plans/{id}/action/steps", post(portal_plans::propose)),
        (
            "/portal/plans/{id}/action/steps/{step}/done",
            post(portal_plans::mark_done),
        ),
        ("/portal/sessions", get(portal_sessions::show)),
        // The self-ratings and the personal calendar feed.
        (
            "/portal/ratings",
            get(portal_ratings::show).post(portal_ratings::fill_in),
        ),
        ("/portal/sessions/feeds", post(portal_sessions::create_feed)),
        ("/portal/sessions/feeds/{id}/revoke", post(portal_sessions::revoke_feed)),
        ("/portal/download", get(portal::download_page)),
        ("/portal/download.zip", get(portal::download)),
        ("/portal/help", get(portal::help)),
        ("/portal/two-factor", get(two_factor::portal_show)),
        ("/portal/two-factor/start", post(two_factor::portal_start)),
        ("/portal/two-factor/confirm", post(two_factor::portal_confirm)),
        ("/portal/two-factor/disable", post(two_factor::portal_disable)),
        ("/portal/end", get(portal::end_form).post(portal::end)),
    ]
}

pub use caseload::ListEntry as CaseloadListEntry;

/// The caseload page as `onramp bench caseload` times it, its list entry written as `entry`
/// says (the router serves it with [`CaseloadListEntry::Beside`] only).
pub async fn caseload_page(
    state: &AppState,
    ctx: &crate::identity::Ctx,
    query: &crate::requests::caseload::CaseloadQuery,
    entry: CaseloadListEntry,
) -> Response {
    caseload::build(state, ctx, query, entry).await.into_response()
}

/// The paths of the staff's pages, for the confinement test.
pub fn staff_page_paths() -> Vec<&'static str> {
    staff_routes().into_iter().map(|(path, _)| path).collect()
}

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for (path, route) in staff_routes().into_iter().chain(shared_routes()).chain(portal_routes()) {
        router = router.route(path, route);
    }
    router
        .layer(axum::middleware::from_fn(csrf::csrf))
        .layer(axum::middleware::from_fn(errors::render_failures))
}

async fn stylesheet() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, include_str!("../../static/app.css")).into_response()
}

/// The pages' one script, a progressive enhancement: every page works without it.
async fn script() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, include_str!("../../static/app.js")).into_response()
}
