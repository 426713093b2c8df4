//! The demo's worked cost-benefit (docs/cost-benefit.md): parameters with their sources for both
//! programmes, a coordinator's scenario for Limburg, and a cohort of We Go To Work alumni who
//! left two and a half years ago with their check-ins recorded, so that the benefits have
//! months to count. Ask the cost-benefit from three years ago to see them.

use anyhow::Result;
use chrono::{Days, NaiveDate};
use onramp_domain::consents::{ConsentInput, Purpose};
use onramp_domain::identity::Language;
use onramp_domain::outcomes::{CheckInInput, CheckInSituation, Contract, OutcomeInput, OutcomeKind};
use onramp_domain::participants::{Education, Gender, HealthCategory, ParticipantInput, Situation};
use onramp_domain::trajectories::ends_by;
use onramp_store::cost_benefit::{self as store, Setting};
use onramp_store::trajectories::{Exit, NewTrajectory};
use onramp_store::{Tx, check_ins, consents, organisations, participants, programmes, trajectories};
use std::collections::BTreeMap;
use uuid::Uuid;

/// (programme, key, value as kept, source).
const PARAMETERS: &[(&str, &str, i64, &str)] = &[
    (
        "we-go-to-work",
        "hourly_cost",
        5_800,
        "Demo: GTB's employer cost of a job coach's hour in 2026.",
    ),
    (
        "we-go-to-work",
        "direct_costs",
        1_200_000,
        "Demo: rooms, materials and travel for the group modules.",
    ),
    (
        "we-go-to-work",
        "deadweight",
        4_000,
        "Demo: people sick more than a year seldom return by themselves; 40% is a cautious guess.",
    ),
    (
        "boost2work",
        "hourly_cost",
        5_800,
        "Demo: GTB's employer cost of a job coach's hour in 2026.",
    ),
    (
        "boost2work",
        "direct_costs",
        400_000,
        "Demo: the pilot's information sessions with employers.",
    ),
];

/// Months after exit each alumnus was found in work, by index: the pattern repeats.
const IN_WORK: [&[i32]; 4] = [&[6, 12, 18, 24], &[6, 12], &[12, 18, 24], &[]];

const NAMES: &[(&str, &str)] = &[
    ("Annelies", "Claes"),
    ("Bram", "Goossens"),
    ("Carine", "Wouters"),
    ("Didier", "Lambrechts"),
    ("Eva", "Smets"),
    ("Frank", "Aerts"),
    ("Gerda", "Hendrickx"),
    ("Hans", "Vandenberghe"),
    ("Iris", "Michiels"),
    ("Jonas", "Coppens"),
    ("Karin", "Verstraeten"),
    ("Lode", "Dierckx"),
];

/// The parameters, the scenario and the alumni. `coaches` as the demo made them (each with the
/// partners they work at); the alumni go to the first coach working at a partner in `region`.
pub async fn fill(
    tx: &mut Tx,
    admin: Uuid,
    coordinator: Uuid,
    region: Uuid,
    coaches: &[(Uuid, Vec<Uuid>)],
    today: NaiveDate,
) -> Result<()> {
    for (code, key, value, source) in PARAMETERS {
        let programme = programmes::find_by_code(tx, code).await?.expect("built-in programme");
        let setting = Setting {
            key: (*key).to_owned(),
            partner_id: Uuid::nil(),
            value: Some(*value),
            source: (*source).to_owned(),
        };
        store::save(tx, programme.id, &[setting], admin).await?;
    }
    let wgtw = programmes::find_by_code(tx, "we-go-to-work")
        .await?
        .expect("built-in programme");
    let values = BTreeMap::from([("deadweight".to_owned(), 5_500)]);
    store::save_scenario(tx, wgtw.id, region, "Limburg: fewer return alone", &values, coordinator).await?;
    for (coach, works_at) in coaches {
        for partner in works_at {
            if organisations::get(tx, *partner).await?.and_then(|o| o.region_id) == Some(region) {
                return alumni(tx, &wgtw, *coach, *partner, region, today).await;
            }
        }
    }
    Ok(())
}

async fn alumni(
    tx: &mut Tx,
    programme: &programmes::Programme,
    coach: Uuid,
    partner: Uuid,
    region: Uuid,
    today: NaiveDate,
) -> Result<()> {
    let started_on = today - Days::new(1000);
    let ended_on = today - Days::new(820);
    for (i, (first, last)) in NAMES.iter().enumerate() {
        let in_work = IN_WORK[i % IN_WORK.len()];
        let input = ParticipantInput {
            first_name: (*first).to_owned(),
            last_name: (*last).to_owned(),
            birth_date: NaiveDate::from_ymd_opt(1970 + i as i32, 3, 14).expect("a date"),
            national_register: None,
            email: None,
            phone: None,
            language: Language::Nl,
            gender: if i % 2 == 0 { Gender::Female } else { Gender::Male },
            education: Education::Isced34,
            health_category: HealthCategory::ALL[i % HealthCategory::ALL.len()],
            incapacity_since: Some(started_on - Days::new(500)),
            situation: Situation::EmployedOnSickLeave,
            referrer: Some("Adviserend arts ziekenfonds".to_owned()),
            notes: None,
            esf: crate::demo_esf::profile(Situation::EmployedOnSickLeave, None, &mut |n| i % n.max(1)),
        };
        let place = Place {
            programme,
            partner,
            region,
            coach,
        };
        let (participant, trajectory) = enrol(tx, &input, &place, started_on).await?;
        let works = !in_work.is_empty();
        if works {
            let job = OutcomeInput {
                trajectory_id: trajectory.id,
                kind: OutcomeKind::NewEmployer,
                on: ended_on - Days::new(10),
                hours_per_week: Some(24),
                contract: Some(Contract::Permanent),
                place: None,
                with_support: true,
                note: None,
            };
            onramp_store::outcomes::add(tx, &job, participant.id, coach).await?;
        }
        let exit = Exit {
            on: ended_on,
            reason: if works { "work" } else { "completed" },
            situation: Some(if works { "in_employment" } else { "job_searching" }),
            note: None,
        };
        trajectories::exit(tx, trajectory.id, &exit, Some(coach)).await?;
        follow_ups(tx, participant.id, in_work, i, coach).await?;
    }
    Ok(())
}

/// Where a demo person is coached: the programme, the partner and its region, the coach.
pub(crate) struct Place<'a> {
    pub programme: &'a programmes::Programme,
    pub partner: Uuid,
    pub region: Uuid,
    pub coach: Uuid,
}

/// Registers a person at `place` with their consent to take part from `started_on`, and starts
/// their trajectory that day.
pub(crate) async fn enrol(
    tx: &mut Tx,
    input: &ParticipantInput,
    place: &Place<'_>,
    started_on: NaiveDate,
) -> Result<(participants::Participant, trajectories::Trajectory)> {
    let (programme, coach) = (place.programme, place.coach);
    let participant = participants::create(tx, input, place.partner, Some(coach)).await?;
    consent_to_take_part(tx, participant.id, started_on, coach).await?;
    let new = NewTrajectory {
        participant_id: participant.id,
        participant_name: input.name_search(),
        programme_id: programme.id,
        organisation_id: place.partner,
        region_id: Some(place.region),
        location_id: None,
        coach_id: Some(coach),
        started_on,
        ends_by: ends_by(started_on, programme.definition.max_duration_months),
        first_phase: programme.definition.phases[0].code.clone(),
    };
    let trajectory = trajectories::start(tx, &new, Some(coach)).await?;
    Ok((participant, trajectory))
}

/// Records the alumnus's check-ins: in work at the months of `in_work`, job searching at the
/// others, except that every third person was not reached at 24 months (held without contact, so
/// nothing is left due for the coach's digest).
/// The demo's consent to take part, given on the day the person starts, recorded by their coach.
pub(crate) async fn consent_to_take_part(tx: &mut Tx, participant: Uuid, on: NaiveDate, coach: Uuid) -> Result<()> {
    let consent = ConsentInput {
        purpose: Purpose::Participation,
        organisation_id: None,
        version: "2026-01".into(),
        given_on: on,
        ends_on: None,
    };
    consents::add(tx, participant, &consent, Some(coach)).await?;
    Ok(())
}

async fn follow_ups(tx: &mut Tx, participant: Uuid, in_work: &[i32], i: usize, coach: Uuid) -> Result<()> {
    for check_in in check_ins::for_participant(tx, participant).await? {
        let months = check_in.months_after_exit;
        let reached = !(months == 24 && i % 3 == 2);
        let situation = if in_work.contains(&months) {
            CheckInSituation::InEmployment
        } else {
            CheckInSituation::JobSearching
        };
        let input = CheckInInput {
            done_on: check_in.due_on,
            contact_made: reached,
            situation: reached.then_some(situation),
            needs_more_service: false,
            note: None,
        };
        check_ins::record(tx, check_in.id, &input, coach).await?;
    }
    Ok(())
}
