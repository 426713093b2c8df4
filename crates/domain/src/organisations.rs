//! Organisations (the provider and its partners) and their locations.

use crate::identity::string_enum;
use crate::validation::{FieldErrors, optional_text, required_text};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

string_enum! {
    /// The kinds of organisation the seeds name. `Provider` runs the programme (GTB, Stebo).
    OrganisationKind {
        Provider = "provider",
        RehabilitationHospital = "rehabilitation_hospital",
        PainClinic = "pain_clinic",
        UniversityClinic = "university_clinic",
        WelfareCentre = "welfare_centre",
        ActivityCentre = "activity_centre",
        OccupationalHealthService = "occupational_health_service",
        SicknessFund = "sickness_fund",
        PublicEmploymentService = "public_employment_service",
        Other = "other",
    }
}

/// A validated new or edited organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: OrganisationKind,
    pub region_id: Option<Uuid>,
}

impl OrganisationInput {
    /// Parses the raw fields of a form or API body. A region is required for
    /// partners (steering committees are regional) but optional for a provider
    /// or a national body such as the public employment service.
    pub fn parse(name: &str, kind: &str, region: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", required_text(name, 200));
        let kind = errors.check("kind", OrganisationKind::parse(kind));
        let region_id = errors.check("region_id", parse_optional_id(region)).flatten();
        if let Some(kind) = kind
            && region_id.is_none()
            && kind.needs_region()
            && errors.for_field("region_id").is_none()
        {
            errors.add("region_id", "required");
        }
        errors.finish(|| OrganisationInput {
            name: name.unwrap(),
            kind: kind.unwrap(),
            region_id,
        })
    }
}

impl OrganisationKind {
    /// Where a handover to job mediation may go: the public employment service, or a provider
    /// with its own job mediation (the seeds' job mediator of the same team).
    pub fn mediates_jobs(self) -> bool {
        matches!(
            self,
            OrganisationKind::PublicEmploymentService | OrganisationKind::Provider
        )
    }

    /// Care partners work in one region; the provider and national bodies may span several.
    pub fn needs_region(self) -> bool {
        !matches!(
            self,
            OrganisationKind::Provider
                | OrganisationKind::PublicEmploymentService
                | OrganisationKind::SicknessFund
                | OrganisationKind::Other
        )
    }
}

/// A validated new or edited location (a site where coaches work: a campus, a centre).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationInput {
    pub name: String,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
}

impl LocationInput {
    pub fn parse(name: &str, address: &str, postcode: &str, city: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", required_text(name, 200));
        let address = errors.check("address", optional_text(address, 300)).flatten();
        let postcode = errors.check("postcode", parse_postcode(postcode)).flatten();
        let city = errors.check("city", optional_text(city, 100)).flatten();
        errors.finish(|| LocationInput {
            name: name.unwrap(),
            address,
            postcode,
            city,
        })
    }
}

/// Belgian postcodes have four digits, 1000-9999.
fn parse_postcode(input: &str) -> Result<Option<String>, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let valid = value.len() == 4 && value.chars().all(|c| c.is_ascii_digit()) && !value.starts_with('0');
    if valid {
        Ok(Some(value.to_owned()))
    } else {
        Err("invalid-postcode")
    }
}

/// An optional reference to another record, given as a UUID string.
pub fn parse_optional_id(input: &str) -> Result<Option<Uuid>, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(value).map(Some).map_err(|_| "invalid-reference")
}

/// A required reference to another record, given as a UUID string.
pub fn parse_id(input: &str) -> Result<Uuid, &'static str> {
    parse_optional_id(input)?.ok_or("required")
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrganisationRef {
    pub id: Uuid,
    pub region_id: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_needs_region_provider_does_not() {
        let errors = OrganisationInput::parse("AZ Revalidatie", "pain_clinic", "").unwrap_err();
        assert_eq!(errors.for_field("region_id").unwrap().code, "required");
        assert!(OrganisationInput::parse("GTB", "provider", "").is_ok());
    }

    #[test]
    fn all_field_errors_reported_together() {
        let errors = OrganisationInput::parse(" ", "castle", "not-a-uuid").unwrap_err();
        assert_eq!(errors.for_field("name").unwrap().code, "required");
        assert_eq!(errors.for_field("kind").unwrap().code, "invalid-choice");
        assert_eq!(errors.for_field("region_id").unwrap().code, "invalid-reference");
    }

    #[test]
    fn postcode_rules() {
        assert!(LocationInput::parse("Campus", "", "3000", "Leuven").is_ok());
        let errors = LocationInput::parse("Campus", "", "300", "").unwrap_err();
        assert_eq!(errors.for_field("postcode").unwrap().code, "invalid-postcode");
        assert!(LocationInput::parse("Campus", "", "0999", "").is_err());
    }
}
