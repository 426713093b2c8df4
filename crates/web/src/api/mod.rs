//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.

mod accepts;
mod account;
mod agreements;
mod all_present;
mod audit;
mod barrier_codes;
mod barriers;
mod calendars;
mod caseload;
mod check_ins;
mod coaching;
mod consents;
mod constraints;
mod contract;
mod cost_benefit;
mod cost_benefit_records;
mod dashboard;
mod erasure;
mod esf;
mod exchange;
mod extract;
mod group_sessions;
mod icf;
mod monitoring;
mod organisations;
mod outcomes;
mod participants;
mod password_reset;
mod plan_steps;
mod plans;
mod portal;
mod portal_calendar;
mod portal_plans;
mod portal_ratings;
mod portal_views;
mod postcodes;
mod presence;
mod privacy;
mod programmes;
mod query_constraints;
mod regions;
mod sessions;
mod studies;
mod trajectories;
mod two_factor;
mod users;
mod worklist;

use crate::state::AppState;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "onramp API",
        description = "Outreach return-to-work programmes. Errors are RFC 9457 problem documents \
                       (`application/problem+json`); 422 responses list the field errors.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&Security),
    security(("session" = []), ("token" = [])),
    tags(
        (name = "sessions", description = "Signing in and out"),
        (name = "account", description = "The signed-in user's own account and API tokens"),
        (name = "regions", description = "Regional partnerships"),
        (name = "organisations", description = "The provider, partner organisations and their locations"),
        (name = "users", description = "User accounts (administrators)"),
        (name = "agreements", description = "Agreements with partners (objectives, coach hours, funding) and contact persons"),
        (name = "programmes", description = "Programme templates: target group, phases, modules, duration, follow-up"),
        (name = "participants", description = "Participant files, consents and the caseload"),
        (name = "data protection", description = "Anonymisation, erasure, retention and legal holds (administrators and the data protection officer; docs/retention.md)"),
        (name = "trajectories", description = "Trajectories: start, phases, handover, exit"),
        (name = "icf", description = "ICF categories (the Brief Core Set for vocational rehabilitation, extensible) and participants' ICF measurements with the distance travelled"),
        (name = "plans", description = "Per trajectory: the action plan, the recovery plan (WRAP) and the personal canvas, versioned, shared with the care team with the participant's consent, compared, and printed as PDF"),
        (name = "outcomes", description = "The programme dashboard: reach, steps to work, paid work, exits"),
        (name = "monitoring", description = "Monitoring reports for coordinators and the steering committee: barriers over time, the ICF change of a cohort, trends by month, per coach and per location, and the recommendations kept beside them"),
        (name = "activities", description = "Coaching contacts, group sessions with attendance, and coach hours against the agreements"),
        (name = "esf", description = "ESF operations and the ESF+ common indicators (Regulation (EU) 2021/1057, Annex I), counted from the records"),
        (name = "studies", description = "Research studies (administrators) and their pseudonymised exports (the studies' researchers)"),
        (name = "audit", description = "The audit log (administrators and the data protection officer)"),
        (name = "privacy", description = "People's data-protection rights: who consulted a file, when and why (the data protection officer and administrators)"),
        (name = "portal", description = "The participant's own onramp (docs/portal.md): for a signed-in participant, their overview, self-ratings, consents, sessions and calendar feed, who consulted their file and the download; for coaches, invitations and ending the access")
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("onr_...")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::cookies::SESSION))),
        );
    }
}

/// The served OpenAPI document: what utoipa generated from the handlers, completed by
/// [`contract::complete`].
pub fn document(generated: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut document = serde_json::to_value(generated).expect("the OpenAPI document serialises");
    contract::complete(&mut document);
    document
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sessions::sign_in))
        .routes(routes!(sessions::sign_out))
        .routes(routes!(account::me, account::set_preferences))
        .routes(routes!(account::change_password))
        .routes(routes!(account::set_digest))
        .routes(routes!(account::list_tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(two_factor::status, two_factor::start))
        .routes(routes!(two_factor::confirm))
        .routes(routes!(two_factor::disable))
        .routes(routes!(two_factor::reset))
        .routes(routes!(password_reset::request_reset))
        .routes(routes!(password_reset::complete_reset))
        .routes(routes!(regions::list, regions::create))
        .routes(routes!(regions::update))
        .routes(routes!(cost_benefit::cost_benefit))
        .routes(routes!(cost_benefit::parameters, cost_benefit::set_parameters))
        .routes(routes!(cost_benefit::save_scenario))
        .routes(routes!(cost_benefit_records::people))
        .routes(routes!(cost_benefit_records::hours))
        .routes(routes!(cost_benefit_records::export_csv))
        .routes(routes!(cost_benefit_records::export_xlsx))
        .routes(routes!(cost_benefit_records::funding_case))
        .routes(routes!(esf::list, esf::create))
        .routes(routes!(esf::show, esf::update))
        .routes(routes!(esf::indicators))
        .routes(routes!(esf::indicators_pdf))
        .routes(routes!(esf::missing))
        .routes(routes!(postcodes::show, postcodes::replace))
        .routes(routes!(organisations::list, organisations::create))
        .routes(routes!(organisations::get, organisations::update))
        .routes(routes!(organisations::add_location))
        .routes(routes!(organisations::update_location))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(users::reset_password))
        .routes(routes!(audit::list))
        .routes(routes!(agreements::list, agreements::create))
        .routes(routes!(agreements::get, agreements::update))
        .routes(routes!(agreements::set_hours))
        .routes(routes!(agreements::contacts, agreements::add_contact))
        .routes(routes!(agreements::remove_contact))
        .routes(routes!(programmes::list, programmes::create))
        .routes(routes!(programmes::get, programmes::update))
        .routes(routes!(caseload::caseload))
        .routes(routes!(worklist::worklist))
        .routes(routes!(exchange::import))
        .routes(routes!(exchange::import_outcomes))
        .routes(routes!(exchange::import_barriers))
        .routes(routes!(exchange::import_contacts))
        .routes(routes!(exchange::export_csv))
        .routes(routes!(exchange::export_outcomes_csv))
        .routes(routes!(exchange::export_barriers_csv))
        .routes(routes!(exchange::export_contacts_csv))
        .routes(routes!(exchange::export_xlsx))
        .routes(routes!(participants::create))
        .routes(routes!(participants::get, participants::update, erasure::erase))
        .routes(routes!(erasure::anonymise))
        .routes(routes!(erasure::hold, erasure::lift))
        .routes(routes!(erasure::due))
        .routes(routes!(consents::add_consent))
        .routes(routes!(consents::withdraw_consent))
        .routes(routes!(trajectories::start_trajectory))
        .routes(routes!(trajectories::change_phase))
        .routes(routes!(trajectories::hand_over))
        .routes(routes!(trajectories::exit))
        .routes(routes!(trajectories::leaving_situation))
        .routes(routes!(outcomes::add_outcome))
        .routes(routes!(barriers::add_barrier))
        .routes(routes!(barrier_codes::list, barrier_codes::add))
        .routes(routes!(barriers::close_barrier))
        .routes(routes!(check_ins::due_check_ins))
        .routes(routes!(check_ins::record_check_in))
        .routes(routes!(icf::categories, icf::add_category))
        .routes(routes!(icf::profile))
        .routes(routes!(portal::overview))
        .routes(routes!(portal::consents, portal::give_consent))
        .routes(routes!(portal::withdraw_consent))
        .routes(routes!(portal::access_log))
        .routes(routes!(portal::sessions))
        .routes(routes!(portal_plans::list))
        .routes(routes!(portal_plans::get))
        .routes(routes!(portal_plans::comment))
        .routes(routes!(portal_plans::mark_done))
        .routes(routes!(portal_plans::propose))
        .routes(routes!(portal::export))
        .routes(routes!(portal::end_own))
        .routes(routes!(portal::activate))
        .routes(routes!(portal::status, portal::end))
        .routes(routes!(portal::invite))
        // The self-ratings and the personal calendar feed.
        .routes(routes!(portal_ratings::self_ratings, portal_ratings::fill_in))
        .routes(routes!(portal_calendar::create, portal_calendar::list))
        .routes(routes!(portal_calendar::revoke))
        .routes(routes!(privacy::find))
        .routes(routes!(privacy::consultations))
        .routes(routes!(privacy::access_export))
        .routes(routes!(icf::add_measurement))
        .routes(routes!(icf::pdf))
        .routes(routes!(plans::get, plans::save))
        .routes(routes!(plans::versions))
        .routes(routes!(plans::compare))
        .routes(routes!(plans::add_comment))
        .routes(routes!(plans::unshare))
        .routes(routes!(plans::step_from_item))
        .routes(routes!(plan_steps::add))
        .routes(routes!(plan_steps::change))
        .routes(routes!(plans::pdf))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(dashboard::people))
        .routes(routes!(dashboard::regions))
        .routes(routes!(dashboard::presence_actions))
        .routes(routes!(dashboard::agreements))
        .routes(routes!(dashboard::export_csv))
        .routes(routes!(dashboard::export_xlsx))
        .routes(routes!(monitoring::barriers))
        .routes(routes!(monitoring::icf))
        .routes(routes!(monitoring::trends))
        .routes(routes!(monitoring::people))
        .routes(routes!(monitoring::recommendations, monitoring::add_recommendation))
        .routes(routes!(monitoring::recommendation, monitoring::edit_recommendation))
        .routes(routes!(monitoring::export_csv))
        .routes(routes!(monitoring::export_xlsx))
        .routes(routes!(coaching::add_contact))
        .routes(routes!(coaching::add_time_entry))
        .routes(routes!(coaching::hours))
        .routes(routes!(coaching::add_consultation))
        .routes(routes!(coaching::consultations))
        .routes(routes!(presence::kinds, presence::add_kind))
        .routes(routes!(presence::add))
        .routes(routes!(presence::link))
        .routes(routes!(presence::year))
        .routes(routes!(group_sessions::plan_series))
        .routes(routes!(group_sessions::list))
        .routes(routes!(group_sessions::get))
        .routes(routes!(group_sessions::enrol))
        .routes(routes!(group_sessions::take_attendance))
        .routes(routes!(group_sessions::invite))
        .routes(routes!(all_present::all_present))
        .routes(routes!(calendars::list, calendars::create))
        .routes(routes!(calendars::revoke))
        .routes(routes!(studies::list, studies::create))
        .routes(routes!(studies::get, studies::update))
        .routes(routes!(studies::export))
}
