//! The parts of a plan's address and query.

use crate::error::AppError;
use onramp_domain::plans::PlanKind;

/// The `{kind}` of a plan path: `action`, `recovery` or `canvas`; anything else names no plan.
pub fn parse_kind(kind: &str) -> Result<PlanKind, AppError> {
    PlanKind::parse(kind).map_err(|_| AppError::NotFound)
}

/// Parses a version number of the compare query, naming the field when it is not one.
pub fn parse_version(errors: &mut onramp_domain::FieldErrors, field: &'static str, input: &str) -> Option<i32> {
    errors.check(field, onramp_domain::validation::whole_number(input, 1, i32::MAX))
}
