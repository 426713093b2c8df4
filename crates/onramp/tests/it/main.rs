//! The integration suite: one test binary that starts the real server on an
//! ephemeral port against a fresh database and drives it over HTTP.
//! `ONRAMP_TEST_DATABASE=postgres` runs it on PostgreSQL instead of SQLite.

mod support;

mod account;
mod agreements;
mod api_contract;
mod audit;
mod auth;
mod calendars;
mod caseload;
mod caseload_filters;
mod cli;
mod coaching;
mod consent_withdrawn;
mod content_language;
mod cost_benefit;
mod cost_benefit_budget;
mod cost_benefit_exports;
mod cost_benefit_records;
mod dashboard;
mod dashboard_counts;
mod dashboard_scopes;
mod decimals;
mod demo_reports;
mod enum_guards;
mod esf_indicators;
mod esf_intake;
mod exchange;
mod exchange_records;
mod exchange_rules;
mod form_fields;
mod funding_case;
mod group_sessions;
mod icf;
mod import_data;
mod import_limits;
mod monitoring;
mod organisations;
mod outcomes;
mod pages;
mod participants;
mod plans;
mod policy_scopes;
mod presence;
mod programmes;
mod regions;
mod request_bodies;
mod request_security;
mod research;
mod schema;
mod scoping;
mod shared_work;
mod small_cells;
mod users;
mod worklist;
