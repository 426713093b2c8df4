//! Agreements between the provider and a partner: period, objectives as
//! numbers, coach hours per location and their split, FTE and funding split.
//! Later reports measure against them.

use crate::organisations::{parse_id, parse_optional_id};
use crate::participants::{parse_date, parse_optional_date};
use crate::validation::{FieldErrors, optional_multiline, optional_text, required_text};
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

/// The seeds' norm for one location: 350 hours a year.
pub const DEFAULT_HOURS: Hours = Hours {
    individual: 100,
    group: 100,
    consultation: 100,
    administration: 50,
};

/// Coach hours a year at one location, by category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hours {
    /// Individual coaching.
    pub individual: i32,
    /// Group information and activation.
    pub group: i32,
    /// Case and team consultations.
    pub consultation: i32,
    /// Administration and preparation.
    pub administration: i32,
}

impl Hours {
    pub fn total(&self) -> i32 {
        self.individual + self.group + self.consultation + self.administration
    }

    pub fn parse(
        individual: &str,
        group: &str,
        consultation: &str,
        administration: &str,
    ) -> Result<Hours, FieldErrors> {
        let mut errors = FieldErrors::new();
        let individual = errors.check("hours_individual", hours(individual));
        let group = errors.check("hours_group", hours(group));
        let consultation = errors.check("hours_consultation", hours(consultation));
        let administration = errors.check("hours_administration", hours(administration));
        errors.finish(|| Hours {
            individual: individual.unwrap(),
            group: group.unwrap(),
            consultation: consultation.unwrap(),
            administration: administration.unwrap(),
        })
    }
}

fn hours(input: &str) -> Result<i32, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Err("required");
    }
    let number: i32 = value.parse().map_err(|_| "invalid-number")?;
    if (0..=2000).contains(&number) {
        Ok(number)
    } else {
        Err("out-of-range")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementInput {
    pub provider_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub signed_on: Option<NaiveDate>,
    /// People to reach per year.
    pub reach_target: i32,
    /// Share of contacted people taking steps to work, in tenths of a percent (150 = 15.0%).
    pub steps_target_permille: i32,
    /// Coach FTE behind the agreement, in hundredths (100 = 1.00 FTE).
    pub fte_hundredths: i32,
    /// European Social Fund share of the funding; the partner pays the rest.
    pub esf_percent: i32,
    /// The European Social Fund's amount and the partner's own share, in cents; the
    /// cost-benefit's cost basis "budget" reads them (docs/cost-benefit.md).
    pub esf_amount_cents: Option<i64>,
    pub own_share_cents: Option<i64>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AgreementFields {
    pub provider_id: String,
    pub starts_on: String,
    pub ends_on: String,
    pub signed_on: String,
    pub reach_target: String,
    /// A percentage with an optional decimal: "15" or "15.5" (comma accepted).
    pub steps_target_percent: String,
    /// FTE with up to two decimals: "1" or "0.8".
    pub fte: String,
    pub esf_percent: String,
    /// Euros with up to two decimals ("125000" or "125000,50"), no thousands separator; empty: none.
    pub esf_amount: String,
    pub own_share: String,
    pub notes: String,
}

impl AgreementInput {
    pub fn parse(fields: &AgreementFields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let provider_id = errors.check("provider_id", parse_id(&fields.provider_id));
        let starts_on = errors.check("starts_on", parse_date(&fields.starts_on));
        let ends_on = errors.check("ends_on", parse_date(&fields.ends_on));
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.add("ends_on", "range-inverted");
        }
        let signed_on = errors
            .check("signed_on", parse_optional_date(&fields.signed_on))
            .flatten();
        let reach_target = errors.check("reach_target", whole(&fields.reach_target, 0, 100_000));
        let steps = errors.check(
            "steps_target_percent",
            decimal(&fields.steps_target_percent, 1, 0, 1000),
        );
        let fte = errors.check("fte", decimal(&fields.fte, 2, 0, 10_000));
        let esf = if fields.esf_percent.trim().is_empty() {
            Some(80)
        } else {
            errors.check("esf_percent", whole(&fields.esf_percent, 0, 100))
        };
        let esf_amount_cents = errors.check("esf_amount", amount(&fields.esf_amount)).flatten();
        let own_share_cents = errors.check("own_share", amount(&fields.own_share)).flatten();
        let notes = errors.check("notes", optional_multiline(&fields.notes, 5000)).flatten();
        errors.finish(|| AgreementInput {
            provider_id: provider_id.unwrap(),
            starts_on: starts_on.unwrap(),
            ends_on: ends_on.unwrap(),
            signed_on,
            reach_target: reach_target.unwrap(),
            steps_target_permille: steps.unwrap(),
            fte_hundredths: fte.unwrap(),
            esf_percent: esf.unwrap(),
            esf_amount_cents,
            own_share_cents,
            notes,
        })
    }
}

/// An optional amount in euros with up to two decimals, in cents (the cost-benefit's reading).
fn amount(input: &str) -> Result<Option<i64>, &'static str> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    crate::cost_benefit::parse_value(crate::cost_benefit::Kind::Amount, input).map(Some)
}

fn whole(input: &str, min: i32, max: i32) -> Result<i32, &'static str> {
    decimal(input, 0, min, max)
}

/// "15,5" with 1 decimal → 155; rejects more decimals than allowed.
fn decimal(input: &str, decimals: u32, min: i32, max: i32) -> Result<i32, &'static str> {
    let value = input.trim().replace(',', ".");
    if value.is_empty() {
        return Err("required");
    }
    let (whole, fraction) = value.split_once('.').unwrap_or((&value, ""));
    if fraction.len() > decimals as usize || whole.is_empty() {
        return Err("invalid-number");
    }
    let whole: i32 = whole.parse().map_err(|_| "invalid-number")?;
    let mut fraction_value: i32 = 0;
    if !fraction.is_empty() {
        fraction_value = fraction.parse().map_err(|_| "invalid-number")?;
        fraction_value *= 10i32.pow(decimals - fraction.len() as u32);
    }
    if whole < 0 {
        return Err("out-of-range");
    }
    let scaled = whole
        .checked_mul(10i32.pow(decimals))
        .and_then(|w| w.checked_add(fraction_value))
        .ok_or("out-of-range")?;
    if (min..=max).contains(&scaled) {
        Ok(scaled)
    } else {
        Err("out-of-range")
    }
}

/// A contact person at a partner organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactInput {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ContactInput {
    pub fn parse(name: &str, role: &str, email: &str, phone: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", required_text(name, 200));
        let role = errors.check("role", optional_text(role, 200)).flatten();
        let email = if email.trim().is_empty() {
            None
        } else {
            errors.check(
                "email",
                crate::identity::Email::parse(email).map(|e| e.as_str().to_owned()),
            )
        };
        let phone = errors.check("phone", optional_text(phone, 40)).flatten();
        errors.finish(|| ContactInput {
            name: name.unwrap(),
            role,
            email,
            phone,
        })
    }
}

/// Hours at one location of the partner, as an agreement commits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationHours {
    pub location_id: Uuid,
    pub hours: Hours,
}

impl LocationHours {
    pub fn parse(
        location: &str,
        individual: &str,
        group: &str,
        consultation: &str,
        administration: &str,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let location_id = errors.check(
            "location_id",
            parse_optional_id(location).and_then(|l| l.ok_or("required")),
        );
        let hours = match Hours::parse(individual, group, consultation, administration) {
            Ok(hours) => Some(hours),
            Err(more) => {
                errors.0.extend(more.0);
                None
            }
        };
        errors.finish(|| LocationHours {
            location_id: location_id.unwrap(),
            hours: hours.unwrap(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AgreementFields {
        AgreementFields {
            provider_id: Uuid::nil().to_string(),
            starts_on: "2026-01-01".into(),
            ends_on: "2026-12-31".into(),
            reach_target: "200".into(),
            steps_target_percent: "15".into(),
            fte: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_follow_the_seeds() {
        let agreement = AgreementInput::parse(&fields()).unwrap();
        assert_eq!(agreement.esf_percent, 80, "80% ESF, 20% the partner");
        assert_eq!(agreement.steps_target_permille, 150);
        assert_eq!(agreement.fte_hundredths, 100);
        assert_eq!(DEFAULT_HOURS.total(), 350);
    }

    #[test]
    fn numbers_are_read_as_people_write_them() {
        let agreement = AgreementInput::parse(&AgreementFields {
            steps_target_percent: "12,5".into(),
            fte: "0.8".into(),
            ..fields()
        })
        .unwrap();
        assert_eq!((agreement.steps_target_permille, agreement.fte_hundredths), (125, 80));
        let errors = AgreementInput::parse(&AgreementFields {
            steps_target_percent: "150".into(),
            fte: "0.125".into(),
            esf_percent: "120".into(),
            ends_on: "2025-12-31".into(),
            ..fields()
        })
        .unwrap_err();
        for (field, code) in [
            ("steps_target_percent", "out-of-range"),
            ("fte", "invalid-number"),
            ("esf_percent", "out-of-range"),
            ("ends_on", "range-inverted"),
        ] {
            assert_eq!(errors.for_field(field).map(|e| e.code), Some(code), "{field}");
        }
    }

    #[test]
    fn amounts_are_euros_with_cents() {
        let agreement = AgreementInput::parse(&AgreementFields {
            esf_amount: "120000,50".into(),
            own_share: " 30000 ".into(),
            ..fields()
        })
        .unwrap();
        assert_eq!(
            (agreement.esf_amount_cents, agreement.own_share_cents),
            (Some(12_000_050), Some(3_000_000))
        );
        assert_eq!(AgreementInput::parse(&fields()).unwrap().esf_amount_cents, None);
        let errors = AgreementInput::parse(&AgreementFields {
            esf_amount: "12.345".into(),
            own_share: "-5".into(),
            ..fields()
        })
        .unwrap_err();
        for (field, code) in [("esf_amount", "invalid-number"), ("own_share", "out-of-range")] {
            assert_eq!(errors.for_field(field).map(|e| e.code), Some(code), "{field}");
        }
    }

    #[test]
    fn hours_are_checked_per_category() {
        let errors = Hours::parse("100", "-1", "x", "").unwrap_err();
        assert_eq!(errors.for_field("hours_group").unwrap().code, "out-of-range");
        assert_eq!(errors.for_field("hours_consultation").unwrap().code, "invalid-number");
        assert_eq!(errors.for_field("hours_administration").unwrap().code, "required");
    }
}
