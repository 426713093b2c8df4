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
mod plan_editor;
mod plan_history;
mod plan_step_forms;
mod plan_steps;
mod plans;
mod postcodes;
mod presence;
mod privacy;
mod programmes;
mod regions;
mod retention;
mod sessions;
mod studies;
mod trajectories;
mod users;
mod worklist;

use crate::state::AppState;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/worklist", get(home::list))
        .route("/login", get(auth::show).post(auth::submit))
        .route("/logout", post(auth::logout))
        .route("/language", post(auth::set_language))
        .route("/account", get(account::show))
        .route("/account/preferences", post(account::preferences))
        .route("/account/password", post(account::password))
        .route("/account/digest", post(account::digest))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/organisations", get(organisations::list))
        .route(
            "/organisations/new",
            get(organisations::new).post(organisations::create),
        )
        .route("/organisations/{id}", get(organisations::show))
        .route(
            "/organisations/{id}/edit",
            get(organisations::edit).post(organisations::update),
        )
        .route("/organisations/{id}/locations", post(organisations::add_location))
        .route("/organisations/{id}/contacts", post(organisations::add_contact))
        .route(
            "/organisations/{id}/contacts/{contact}/remove",
            post(organisations::remove_contact),
        )
        .route("/organisations/{id}/agreements", post(organisations::add_agreement))
        .route("/agreements/{id}", get(agreements::show).post(agreements::update))
        .route("/agreements/{id}/hours", post(agreements::set_hours))
        .route("/caseload", get(caseload::caseload))
        .route("/hours", get(hours::show).post(hours::register))
        .route("/participants/{id}/icf", get(icf::show).post(icf::add))
        .route("/participants/{id}/icf/pdf", get(documents::icf_pdf))
        .route("/trajectories/{id}/plans/{kind}", get(plans::show))
        .route(
            "/trajectories/{id}/plans/{kind}/edit",
            get(plan_editor::edit).post(plan_editor::save),
        )
        .route("/trajectories/{id}/plans/{kind}/versions", get(plan_history::history))
        .route("/trajectories/{id}/plans/{kind}/comments", post(plans::comment))
        .route("/trajectories/{id}/plans/{kind}/unshare", post(plans::unshare))
        .route("/trajectories/{id}/plans/{kind}/pdf", get(documents::pdf))
        .route(
            "/trajectories/{id}/plans/canvas/items/{item}/step",
            post(plans::make_step),
        )
        .route("/trajectories/{id}/plans/action/steps", post(plan_steps::add))
        .route("/trajectories/{id}/plans/action/steps/{step}", post(plan_steps::change))
        .route("/icf/categories", get(icf::categories).post(icf::add_category))
        .route("/barrier-codes", get(barrier_codes::show).post(barrier_codes::add))
        .route("/dashboard", get(dashboard::show))
        .route("/dashboard/people", get(dashboard::people))
        .route("/dashboard/presence", get(dashboard_activities::presence))
        .route("/dashboard/hours", get(dashboard_activities::hours))
        .route("/dashboard.csv", get(dashboard::export_csv))
        .route("/dashboard.xlsx", get(dashboard::export_xlsx))
        .route("/monitoring", get(monitoring::show))
        .route("/monitoring/people", get(monitoring::people))
        .route("/monitoring.csv", get(monitoring::export_csv))
        .route("/monitoring.xlsx", get(monitoring::export_xlsx))
        .route("/monitoring/recommendations", post(monitoring::add_recommendation))
        .route(
            "/monitoring/recommendations/{id}",
            get(monitoring::history).post(monitoring::edit_recommendation),
        )
        .route("/consultations", get(consultations::show).post(consultations::create))
        .route("/presence", get(presence::show).post(presence::create))
        .route("/presence/kinds", post(presence::add_kind))
        .route("/presence/{id}/participants", post(presence::link))
        .route("/calendars", get(calendars::show).post(calendars::create))
        .route("/calendars/{id}/revoke", post(calendars::revoke))
        .route("/calendar/{file}", get(calendars::feed))
        .route("/studies", get(studies::list).post(studies::create))
        .route("/studies/{id}", get(studies::show).post(studies::update))
        .route("/studies/{id}/export.zip", get(studies::export))
        .route("/sessions", get(sessions::list))
        .route("/sessions/new", get(sessions::new).post(sessions::create))
        .route("/sessions/{id}", get(sessions::show))
        .route("/sessions/{id}/enrolments", post(sessions::enrol))
        .route("/sessions/{id}/attendance", post(sessions::attendance))
        .route("/sessions/{id}/attendance/all-present", post(all_present::all_present))
        .route("/sessions/{id}/invitations", post(sessions::invite))
        .route("/participants/new", get(participants::new).post(participants::create))
        .route("/participants/{id}", get(participants::show))
        .route("/participants/{id}/privacy", get(privacy::participant))
        .route("/participants/{id}/access-export.zip", get(privacy::access_export))
        .route("/privacy", get(privacy::search))
        .route(
            "/participants/{id}/edit",
            get(participants::edit).post(participants::update),
        )
        .route("/participants/{id}/consents", post(consents::add_consent))
        .route(
            "/participants/{id}/consents/{consent}/withdraw",
            post(consents::withdraw_consent),
        )
        .route("/participants/{id}/trajectories", post(trajectories::start_trajectory))
        .route("/participants/{id}/contacts", post(coaching::add_contact))
        .route("/participants/{id}/outcomes", post(outcomes::add_outcome))
        .route("/participants/{id}/barriers", post(barriers::add_barrier))
        .route("/barriers/{id}/close", post(barriers::close_barrier))
        .route("/check-ins/{id}", post(check_ins::record_check_in))
        .route("/trajectories/{id}/phase", post(trajectories::change_phase))
        .route("/trajectories/{id}/handover", post(trajectories::hand_over))
        .route("/trajectories/{id}/exit", post(trajectories::exit))
        .route(
            "/trajectories/{id}/leaving-situation",
            post(trajectories::leaving_situation),
        )
        .route("/import", get(exchange::show).post(exchange::upload))
        .route("/export/participants.xlsx", get(exchange::export_xlsx))
        .route("/export/{file}", get(exchange::export_csv))
        .route("/programmes", get(programmes::list))
        .route("/programmes/new", get(programmes::new).post(programmes::create))
        .route("/programmes/{id}", get(programmes::show).post(programmes::update))
        .route("/cost-benefit", get(cost_benefit::show))
        .route("/cost-benefit/parameters", post(cost_benefit::set_parameters))
        .route("/cost-benefit/scenarios", post(cost_benefit::save_scenario))
        .route("/cost-benefit/people", get(cost_benefit_records::people))
        .route("/cost-benefit/hours", get(cost_benefit_records::hours))
        .route("/cost-benefit.csv", get(cost_benefit_records::export_csv))
        .route("/cost-benefit.xlsx", get(cost_benefit_records::export_xlsx))
        .route(
            "/cost-benefit/funding-case.pdf",
            get(cost_benefit_records::funding_case),
        )
        .route("/esf", get(esf::list).post(esf::create))
        .route("/esf/postcodes", get(postcodes::show).post(postcodes::upload))
        .route("/esf/{id}", get(esf::report))
        .route("/esf/{id}/edit", get(esf::edit).post(esf::update))
        .route("/esf/{id}/missing", get(esf::missing))
        .route("/esf/{id}/indicators.csv", get(esf::export_csv))
        .route("/esf/{id}/indicators.pdf", get(esf::export_pdf))
        .route("/esf/{id}/indicators.xlsx", get(esf::export_xlsx))
        .route("/regions", get(regions::list).post(regions::create))
        .route("/regions/{id}", post(regions::update))
        .route("/users", get(users::list))
        .route("/users/new", get(users::new).post(users::create))
        .route("/users/{id}", get(users::edit).post(users::update))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/audit", get(audit::list))
        .route("/retention", get(retention::list))
        .route("/retention/{id}/hold", post(retention::hold))
        .route("/retention/{id}/lift", post(retention::lift))
        .route("/participants/{id}/anonymise", get(erasure::form).post(erasure::submit))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
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
