//! What a request asks, parsed once for the pages and the API alike: list filters and their
//! cursors, periods, years. A bad field becomes a field error that both show.

pub mod audit;
pub mod caseload;
pub mod cost_benefit;
pub mod dashboard;
pub mod esf;
pub mod lists;
pub mod monitoring;
pub mod period;
pub mod plans;
pub mod sessions;
