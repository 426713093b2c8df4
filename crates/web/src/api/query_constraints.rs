//! What the query parameters accept, and the page sizes of the lists, as the document states them
//! (applied by `constraints`).

use super::accepts::Accepts::{self, *};
use super::accepts::Need::*;
use crate::service::cost_benefit_records::FIGURES as PEOPLE_FIGURES;
use crate::service::cost_benefit_tables::TABLES as COST_BENEFIT_TABLES;
use crate::service::monitoring::FIGURES;
use crate::service::monitoring_tables::TABLES;
use onramp_domain::identity::{Language, Role};
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::participants::HealthCategory;

/// Query parameters, by name wherever they occur; (path, name) first where the same name means
/// different things on different paths.
pub const QUERY_PARAMETERS: &[(Option<&str>, &str, Accepts)] = &[
    (None, "from", Date(Optional)),
    (None, "to", Date(Optional)),
    (None, "until", Date(Optional)),
    (
        Some("/api/v1/caseload"),
        "status",
        Choice(crate::requests::caseload::STATUSES, Optional),
    ),
    (
        Some("/api/v1/caseload"),
        "sort",
        Choice(crate::requests::caseload::SORTS, Optional),
    ),
    (
        Some("/api/v1/organisations"),
        "kind",
        Choice(OrganisationKind::VALUES, Optional),
    ),
    (Some("/api/v1/users"), "role", Choice(&Role::STAFF_VALUES, Optional)),
    (
        Some("/api/v1/sessions"),
        "whose",
        Choice(crate::requests::sessions::WHOSE, Optional),
    ),
    (None, "audience", Choice(crate::service::documents::AUDIENCES, Optional)),
    (
        Some("/api/v1/trajectories/{id}/plans/{kind}/unshare"),
        "with",
        Choice(super::plans::UNSHARE_WITH, Optional),
    ),
    (None, "lang", Choice(Language::VALUES, Optional)),
    (None, "year", Year),
    (
        Some("/api/v1/dashboard/participants"),
        "figure",
        Choice(crate::service::dashboard::FIGURES, Required),
    ),
    (Some("/api/v1/cost-benefit"), "programme_id", Id(Required)),
    (
        Some("/api/v1/cost-benefit/funding-case.pdf"),
        "programme_id",
        Id(Required),
    ),
    (Some("/api/v1/cost-benefit/hours"), "programme_id", Id(Required)),
    (Some("/api/v1/cost-benefit/parameters"), "programme_id", Id(Required)),
    (Some("/api/v1/cost-benefit/participants"), "programme_id", Id(Required)),
    (Some("/api/v1/exports/cost-benefit.csv"), "programme_id", Id(Required)),
    (Some("/api/v1/exports/cost-benefit.xlsx"), "programme_id", Id(Required)),
    (Some("/api/v1/audit"), "participant_id", Id(Optional)),
    (Some("/api/v1/privacy/participants"), "birth_date", Date(Optional)),
    (Some("/api/v1/privacy/participants"), "name", SearchName),
    (None, "health_category", Choice(HealthCategory::VALUES, Optional)),
    (
        Some("/api/v1/monitoring/participants"),
        "figure",
        Choice(FIGURES, Required),
    ),
    (
        Some("/api/v1/exports/monitoring.csv"),
        "table",
        Choice(TABLES, Optional),
    ),
    (
        Some("/api/v1/exports/monitoring.xlsx"),
        "table",
        Choice(TABLES, Optional),
    ),
    (
        Some("/api/v1/cost-benefit/participants"),
        "figure",
        Choice(PEOPLE_FIGURES, Required),
    ),
    (
        Some("/api/v1/exports/cost-benefit.csv"),
        "table",
        Choice(COST_BENEFIT_TABLES, Optional),
    ),
    (
        Some("/api/v1/exports/cost-benefit.xlsx"),
        "table",
        Choice(COST_BENEFIT_TABLES, Optional),
    ),
    (
        Some("/api/v1/worklist"),
        "kind",
        Choice(onramp_domain::worklist::Kind::VALUES, Optional),
    ),
    (
        Some("/api/v1/monitoring/participants"),
        "rater",
        Choice(onramp_domain::icf::Rater::VALUES, Optional),
    ),
    // A quarter (`2026-Q1`) or a month (`2026-03`) of the report.
    (
        Some("/api/v1/monitoring/participants"),
        "within",
        Pattern("^([0-9]{4}-(Q[1-4]|0?[1-9]|1[0-2]))?$"),
    ),
    (
        Some("/api/v1/monitoring/participants"),
        "part",
        Choice(crate::service::monitoring::BARRIER_PARTS, Optional),
    ),
];

/// The page sizes the lists take: (path, largest).
pub const PAGE_SIZES: &[(&str, i64)] = &[
    ("/api/v1/caseload", 200),
    ("/api/v1/users", 200),
    ("/api/v1/sessions", 500),
    ("/api/v1/dashboard/participants", 500),
    ("/api/v1/dashboard/agreements", 500),
    ("/api/v1/dashboard/presence-actions", 500),
    ("/api/v1/worklist", 200),
    ("/api/v1/monitoring/participants", 500),
    ("/api/v1/cost-benefit/participants", 500),
];
