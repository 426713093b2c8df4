//! Research studies and the rules of their pseudonymised export: who is in it, how a person is
//! named in it (a keyed hash per study), how dates and ages are coarsened, and the k-anonymity
//! check over the quasi-identifiers before anything is released.

use crate::participants::{Gender, HealthCategory, parse_date};
use crate::validation::{FieldErrors, required_text};
use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use uuid::Uuid;

/// The smallest class of people sharing their quasi-identifiers that an export releases, unless
/// a study says otherwise.
pub const DEFAULT_K: u32 = 5;
/// The bounds of a study's k: 2 (1 would check nothing) to 100.
pub const K_RANGE: (i32, i32) = (2, 100);

/// What an administrator gives for a study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyInput {
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The smallest class of equal quasi-identifiers released.
    pub k: u32,
    pub programme_ids: Vec<Uuid>,
    pub researcher_ids: Vec<Uuid>,
}

impl StudyInput {
    /// `k` empty means the default; `programmes` and `researchers` are ids (a form's checkboxes).
    pub fn parse(
        title: &str,
        starts_on: &str,
        ends_on: &str,
        k: &str,
        programmes: &[String],
        researchers: &[String],
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", required_text(title, 200));
        let starts_on = errors.check("starts_on", parse_date(starts_on));
        let ends_on = errors.check("ends_on", parse_date(ends_on));
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.add("ends_on", "before-start");
        }
        let k = if k.trim().is_empty() {
            Some(DEFAULT_K)
        } else {
            errors
                .check("k", crate::validation::whole_number(k, K_RANGE.0, K_RANGE.1))
                .map(|k| k.unsigned_abs())
        };
        let programme_ids = errors.check("programme_ids", parse_ids(programmes, true));
        let researcher_ids = errors.check("researcher_ids", parse_ids(researchers, false));
        errors.finish(|| StudyInput {
            title: title.unwrap(),
            starts_on: starts_on.unwrap(),
            ends_on: ends_on.unwrap(),
            k: k.unwrap(),
            programme_ids: programme_ids.unwrap(),
            researcher_ids: researcher_ids.unwrap(),
        })
    }
}

/// Ids from a list of choices, each once, in their order.
fn parse_ids(values: &[String], required: bool) -> Result<Vec<Uuid>, &'static str> {
    let mut ids = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let id = Uuid::parse_str(value).map_err(|_| "invalid-reference")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if required && ids.is_empty() {
        return Err("required");
    }
    Ok(ids)
}

/// Names the people and records of one study: HMAC-SHA256 of the record's id under the study's
/// secret. The same person gets the same name in every export of the study (two waves link) and
/// another name in another study (two studies do not); without the secret, which onramp keeps,
/// nobody can go from the name back to the person.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
}

impl Pseudonymiser {
    /// Length of a study's secret in bytes.
    pub const SECRET_BYTES: usize = 32;

    pub fn new(secret: &[u8]) -> Self {
        Pseudonymiser {
            mac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length"),
        }
    }

    /// A participant's pseudonym.
    pub fn participant(&self, id: Uuid) -> String {
        self.name("participant", 'P', id)
    }

    /// A trajectory's key.
    pub fn trajectory(&self, id: Uuid) -> String {
        self.name("trajectory", 'T', id)
    }

    /// An ICF measurement's key (the ratings of one measurement belong together).
    pub fn measurement(&self, id: Uuid) -> String {
        self.name("measurement", 'M', id)
    }

    /// A letter for the kind of record and 80 bits of the hash in hex: no collision is to be
    /// expected below a trillion records, and the name stays short in a statistics package.
    fn name(&self, kind: &str, letter: char, id: Uuid) -> String {
        let mut mac = self.mac.clone();
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut name = String::with_capacity(21);
        name.push(letter);
        for byte in &digest[..10] {
            name.push_str(&format!("{byte:02x}"));
        }
        name
    }
}

/// A date as its month (`2026-03`): the export never gives a day.
pub fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Age in whole years on a day.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0).unsigned_abs()
}

/// An age band of `width` years starting at a multiple of it, e.g. `25-29` or `20-39`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgeBand {
    pub from: u32,
    pub to: u32,
}

impl AgeBand {
    pub fn of(age: u32, width: u32) -> Self {
        let from = age / width * width;
        AgeBand {
            from,
            to: from + width - 1,
        }
    }
}

impl std::fmt::Display for AgeBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.from, self.to)
    }
}

/// What could single a person out when combined with what others know of them: the
/// quasi-identifiers the k-anonymity check runs over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuasiIdentifiers {
    /// Age in years at the start of their first trajectory in the study.
    pub age: u32,
    pub gender: Gender,
    /// The region code of their first trajectory in the study, if it has one.
    pub region: Option<String>,
    pub health: HealthCategory,
    /// The programme codes of their trajectories in the study, sorted, joined with `+`.
    pub programmes: String,
}

/// One step of generalisation: the width of the age band, and whether the region is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub band_width: u32,
    pub keeps_region: bool,
}

/// From exact to coarsest: 5-year bands, then 10 and 20 years, then also without the region.
/// Whoever is still in a class smaller than k after the last step is withheld.
pub const STEPS: [Step; 4] = [
    Step {
        band_width: 5,
        keeps_region: true,
    },
    Step {
        band_width: 10,
        keeps_region: true,
    },
    Step {
        band_width: 20,
        keeps_region: true,
    },
    Step {
        band_width: 20,
        keeps_region: false,
    },
];

/// How a person's quasi-identifiers are released.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Released {
    /// The step of [`STEPS`] at which their class reached k: 0 is as exact as the export gets.
    pub level: usize,
    pub age_band: AgeBand,
    /// `None` when dropped at this level, or unknown.
    pub region: Option<String>,
}

/// What the check released, generalised and withheld.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReleaseSummary {
    /// Released at the first step (5-year age band, with region).
    pub exact: usize,
    /// Released at a later step.
    pub generalised: usize,
    pub withheld: usize,
}

/// The k-anonymity check: every released combination of age band, gender, region, health category
/// and programmes is shared by at least `k` people. People are released at the first step of
/// [`STEPS`] at which their class, among those not yet released, holds `k` or more; the rest are
/// withheld. Returns, in the order given, how each person is released (`None`: withheld).
pub fn k_anonymise(people: &[QuasiIdentifiers], k: usize) -> (Vec<Option<Released>>, ReleaseSummary) {
    let mut out: Vec<Option<Released>> = vec![None; people.len()];
    let mut pending: Vec<usize> = (0..people.len()).collect();
    for (level, step) in STEPS.iter().enumerate() {
        let release = |q: &QuasiIdentifiers| Released {
            level,
            age_band: AgeBand::of(q.age, step.band_width),
            region: q.region.clone().filter(|_| step.keeps_region),
        };
        let mut classes: HashMap<(Released, Gender, HealthCategory, &str), Vec<usize>> = HashMap::new();
        for &i in &pending {
            let q = &people[i];
            classes
                .entry((release(q), q.gender, q.health, q.programmes.as_str()))
                .or_default()
                .push(i);
        }
        pending.clear();
        for ((released, ..), members) in classes {
            if members.len() >= k {
                for i in members {
                    out[i] = Some(released.clone());
                }
            } else {
                pending.extend(members);
            }
        }
        pending.sort_unstable();
    }
    let mut summary = ReleaseSummary::default();
    for released in &out {
        match released {
            Some(r) if r.level == 0 => summary.exact += 1,
            Some(_) => summary.generalised += 1,
            None => summary.withheld += 1,
        }
    }
    (out, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn person(age: u32, gender: Gender, region: &str) -> QuasiIdentifiers {
        QuasiIdentifiers {
            age,
            gender,
            region: Some(region.to_owned()),
            health: HealthCategory::ChronicPain,
            programmes: "we-go-to-work".into(),
        }
    }

    #[test]
    fn a_study_needs_a_title_a_period_and_a_programme() {
        let programme = Uuid::now_v7().to_string();
        let ok = StudyInput::parse(
            "Wave 1",
            "2026-01-01",
            "2026-12-31",
            "",
            std::slice::from_ref(&programme),
            &[],
        )
        .unwrap();
        assert_eq!(ok.k, DEFAULT_K);
        let errors = StudyInput::parse("", "2026-05-01", "2026-01-01", "1", &[], &["nope".into()]).unwrap_err();
        assert_eq!(errors.for_field("title").unwrap().code, "required");
        assert_eq!(errors.for_field("ends_on").unwrap().code, "before-start");
        assert_eq!(errors.for_field("k").unwrap().code, "out-of-range");
        assert_eq!(errors.for_field("programme_ids").unwrap().code, "required");
        assert_eq!(errors.for_field("researcher_ids").unwrap().code, "invalid-reference");
    }

    #[test]
    fn pseudonyms_are_stable_within_a_study_and_differ_across_studies() {
        let (one, two) = (Pseudonymiser::new(&[1; 32]), Pseudonymiser::new(&[2; 32]));
        let id = Uuid::now_v7();
        assert_eq!(one.participant(id), Pseudonymiser::new(&[1; 32]).participant(id));
        assert_ne!(one.participant(id), two.participant(id));
        assert_ne!(one.participant(id), one.participant(Uuid::now_v7()));
        // The kind is part of what is hashed: a trajectory with a person's id is named otherwise.
        assert_ne!(one.participant(id)[1..], one.trajectory(id)[1..]);
        let name = one.participant(id);
        assert_eq!(name.len(), 21);
        assert!(name.starts_with('P') && name[1..].chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn the_pseudonym_is_hmac_sha256_of_kind_and_id() {
        // The same HMAC computed in another way (RFC 2104 by hand over SHA-256), so the export can
        // be recomputed by anyone who holds the secret.
        use sha2::Digest;
        let key = [7u8; 32];
        let id = Uuid::from_u128(42);
        let mut inner_key = [0x36u8; 64];
        let mut outer_key = [0x5cu8; 64];
        for (i, b) in key.iter().enumerate() {
            inner_key[i] ^= b;
            outer_key[i] ^= b;
        }
        let mut message = b"participant:".to_vec();
        message.extend_from_slice(id.as_bytes());
        let inner = Sha256::new().chain_update(inner_key).chain_update(&message).finalize();
        let outer = Sha256::new().chain_update(outer_key).chain_update(inner).finalize();
        let expected: String = outer[..10].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(Pseudonymiser::new(&key).participant(id), format!("P{expected}"));
    }

    #[test]
    fn dates_become_months_and_ages_bands() {
        assert_eq!(month(date("2026-03-09")), "2026-03");
        assert_eq!(age_on(date("1980-06-15"), date("2026-06-14")), 45);
        assert_eq!(age_on(date("1980-06-15"), date("2026-06-15")), 46);
        assert_eq!(AgeBand::of(27, 5).to_string(), "25-29");
        assert_eq!(AgeBand::of(27, 10).to_string(), "20-29");
        assert_eq!(AgeBand::of(47, 20).to_string(), "40-59");
    }

    #[test]
    fn classes_of_k_are_released_as_they_are() {
        let people: Vec<_> = (0..5).map(|i| person(30 + i % 3, Gender::Female, "limburg")).collect();
        let (out, summary) = k_anonymise(&people, 5);
        assert_eq!(
            summary,
            ReleaseSummary {
                exact: 5,
                generalised: 0,
                withheld: 0
            }
        );
        assert!(out.iter().all(|r| r.as_ref().unwrap().age_band.to_string() == "30-34"));
    }

    #[test]
    fn small_classes_are_widened_then_lose_the_region_then_are_withheld() {
        let mut people = Vec::new();
        // Five women of 25-29 in Limburg: released exactly.
        people.extend((0..5).map(|_| person(27, Gender::Female, "limburg")));
        // Three of 20-24 and two of 25-29 men in Limburg: together 20-29 makes five.
        people.extend((0..3).map(|_| person(21, Gender::Male, "limburg")));
        people.extend((0..2).map(|_| person(26, Gender::Male, "limburg")));
        // Three men of 45 in Antwerpen and two in Limburg: five only without the region.
        people.extend((0..3).map(|_| person(45, Gender::Male, "antwerpen")));
        people.extend((0..2).map(|_| person(45, Gender::Male, "limburg")));
        // One non-binary person of 60: alone in every class.
        people.push(person(60, Gender::NonBinary, "limburg"));
        let (out, summary) = k_anonymise(&people, 5);
        assert_eq!(
            summary,
            ReleaseSummary {
                exact: 5,
                generalised: 10,
                withheld: 1
            }
        );
        let men_20s = out[5].as_ref().unwrap();
        assert_eq!((men_20s.level, men_20s.age_band.to_string()), (1, "20-29".into()));
        let men_45 = out[10].as_ref().unwrap();
        assert_eq!((men_45.level, men_45.region.clone()), (3, None));
        assert!(out[15].is_none());
    }

    /// Whatever the people, no released combination is shared by fewer than k of them.
    #[test]
    fn no_released_class_is_smaller_than_k() {
        let genders = [Gender::Female, Gender::Male, Gender::NonBinary, Gender::NotRecorded];
        let regions = ["antwerpen", "limburg", "oost-vlaanderen"];
        let mut seed: u64 = 2026;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for k in [2usize, 5, 11] {
            let people: Vec<_> = (0..700)
                .map(|_| QuasiIdentifiers {
                    age: 17 + next(49) as u32,
                    gender: genders[next(4) as usize],
                    region: Some(regions[next(3) as usize].to_owned()),
                    health: HealthCategory::ALL[next(3) as usize],
                    programmes: ["a", "b", "a+b"][next(3) as usize].to_owned(),
                })
                .collect();
            let (out, summary) = k_anonymise(&people, k);
            let mut classes: HashMap<(String, Option<String>, Gender, HealthCategory, String), usize> = HashMap::new();
            for (q, r) in people.iter().zip(&out) {
                if let Some(r) = r {
                    assert!(r.age_band.from <= q.age && q.age <= r.age_band.to);
                    *classes
                        .entry((
                            r.age_band.to_string(),
                            r.region.clone(),
                            q.gender,
                            q.health,
                            q.programmes.clone(),
                        ))
                        .or_default() += 1;
                }
            }
            assert!(classes.values().all(|&n| n >= k), "k = {k}: {classes:?}");
            assert_eq!(summary.exact + summary.generalised + summary.withheld, people.len());
            assert!(summary.generalised > 0, "k = {k}: {summary:?}");
        }
    }
}
