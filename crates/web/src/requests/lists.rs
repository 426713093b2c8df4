//! Filters and cursors of the administrative lists: organisations and users.

use crate::error::AppError;
use onramp_domain::identity::Role;
use onramp_domain::organisations::{OrganisationKind, parse_optional_id};
use onramp_store::organisations::Filter as OrganisationFilter;
use onramp_store::users::{Filter as UserFilter, ListedUser};
use uuid::Uuid;

/// Parses the list filters of the page and the API alike.
pub fn organisation_filter(
    q: Option<&str>,
    kind: Option<&str>,
    region: Option<&str>,
) -> Result<OrganisationFilter, AppError> {
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        Some(kind) => Some(OrganisationKind::parse(kind).map_err(|code| AppError::invalid("kind", code))?),
        None => None,
    };
    let region_id = parse_optional_id(region.unwrap_or("")).map_err(|code| AppError::invalid("region_id", code))?;
    let search = q.map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    Ok(OrganisationFilter {
        search,
        kind,
        region_id,
    })
}

/// Parses list filters of the page and the API alike.
pub fn user_filter(
    q: Option<&str>,
    role: Option<&str>,
    organisation: Option<&str>,
    after: Option<&str>,
) -> Result<UserFilter, AppError> {
    let role = match role.map(str::trim).filter(|r| !r.is_empty()) {
        Some(role) => Some(Role::parse_staff(role).map_err(|code| AppError::invalid("role", code))?),
        None => None,
    };
    let organisation_id =
        parse_optional_id(organisation.unwrap_or("")).map_err(|code| AppError::invalid("organisation_id", code))?;
    let after = match after.filter(|a| !a.is_empty()) {
        Some(cursor) => Some(decode_user_cursor(cursor).ok_or(AppError::invalid("after", "invalid-reference"))?),
        None => None,
    };
    let search = q.map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    Ok(UserFilter {
        search,
        role,
        organisation_id,
        after,
    })
}

/// A page cursor: the last row's id and sort key.
pub fn user_cursor(user: &ListedUser) -> String {
    format!("{}~{}", user.id, user.name_search)
}

fn decode_user_cursor(cursor: &str) -> Option<(String, Uuid)> {
    let (id, name) = cursor.split_once('~')?;
    Some((name.to_owned(), Uuid::parse_str(id).ok()?))
}
