//! `onramp generate`: realistic, internally consistent data at provider or national scale, for the
//! benchmarks. Deterministic from a seed and a reference date, written with bulk inserts in large
//! transactions into SQLite or PostgreSQL.
//!
//! Proportions follow the seeds: three in four trajectories in "We go to work" (up to 24 months)
//! and one in four in Boost2work (up to 6); about one in three takes a step to work; most people
//! meet a barrier or two; coaching contacts every two to six weeks while a trajectory runs; weekly
//! group sessions at every partner, each person attending some while their trajectory runs.

use crate::bench::{FIRST, SURNAMES};
use crate::demo::{PASSWORD, account, location, organisation};
use crate::generate_audit;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Days, NaiveDate, Utc};
use onramp_domain::identity::Role;
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::participants::Situation;
use onramp_domain::regions::FLEMISH_PROVINCES;
use onramp_domain::trajectories::ends_by;
use onramp_store::bulk::{self, Value, insert};
use onramp_store::{Db, passwords, programmes, users};
use std::collections::HashMap;
use std::time::Instant;
use uuid::Uuid;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub participants: usize,
    pub partners: usize,
    pub coaches: usize,
    /// Trajectories start over this many years before the reference date.
    pub years: u64,
}

impl Scale {
    /// One provider over five years: about 60 000 participants and 2 million activities.
    pub fn provider() -> Scale {
        Scale {
            participants: 60_000,
            partners: 40,
            coaches: 60,
            years: 5,
        }
    }

    /// Everyone on long-term sickness in Belgium: 2.5 million participants, about 75 million activities.
    pub fn national() -> Scale {
        Scale {
            participants: 2_500_000,
            partners: 2_000,
            coaches: 2_500,
            years: 5,
        }
    }

    pub fn named(name: &str) -> Result<Scale> {
        match name {
            "provider" => Ok(Scale::provider()),
            "national" => Ok(Scale::national()),
            other => match other.parse::<usize>() {
                Ok(participants) if participants > 0 => Ok(Scale {
                    participants,
                    partners: (participants / 1_500).clamp(2, 2_000),
                    coaches: (participants / 1_000).clamp(1, 2_500),
                    years: 5,
                }),
                _ => bail!("--scale is provider, national or a number of participants"),
            },
        }
    }
}

/// A small, fast, deterministic generator (SplitMix64): the same seed gives the same data.
struct Dice {
    state: u64,
    /// Ids handed out so far: each next id is one millisecond later.
    minted: u64,
}

/// When the generated ids start: 2020-01-01, in milliseconds since 1970.
const FIRST_ID_MILLIS: u64 = 1_577_836_800_000;

impl Dice {
    fn new(seed: u64) -> Dice {
        Dice { state: seed, minted: 0 }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// [`Dice::pick`] for lists of words, where `pick` would need a dereference at each call.
    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len() as u64) as usize]
    }

    /// An id as the application makes them (UUID v7): ordered by when it was made, with random
    /// bits from the seed. Random (v4) ids would scatter every insert across the primary-key
    /// indexes, which the application's own writes never do.
    fn id(&mut self) -> Uuid {
        self.minted += 1;
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next().to_be_bytes());
        random[8..].copy_from_slice(&self.next().to_be_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(FIRST_ID_MILLIS + self.minted, &random).into_uuid()
    }
}

/// Names from the caseload benchmark's lists, and a few more.
const MORE_FIRST: &[&str] = &[
    "Fatima", "Luc", "Sofie", "Youssef", "Inge", "Koen", "Mireille", "Pieter",
];
const MORE_LAST: &[&str] = &["El Amrani", "Michiels", "Declercq", "Lemmens", "Desmet"];
/// The five regions shipped as reference data (the migrations), found by their codes.
const REGIONS: &[(&str, &str)] = &FLEMISH_PROVINCES;

/// The postcode of each province's chief town (all in the DEGURBA reference table): the partners
/// of a province sit there, and their participants live nearby or in its countryside.
const TOWNS: &[(&str, &str)] = &[
    ("antwerpen", "2000"),
    ("limburg", "3500"),
    ("oost-vlaanderen", "9000"),
    ("vlaams-brabant", "3000"),
    ("west-vlaanderen", "8000"),
];

fn town_of(region: &str) -> &'static str {
    TOWNS
        .iter()
        .find(|(code, _)| *code == region)
        .map_or("2000", |(_, postcode)| postcode)
}

/// What was written, for the report.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: u64,
    pub participants: u64,
    pub activities: u64,
    pub seconds: f64,
}

/// Where a generated trajectory is followed.
#[derive(Clone, Copy)]
struct Partner {
    organisation_id: Uuid,
    location_id: Uuid,
    region_id: Uuid,
    coach_id: Uuid,
    /// Where the partner is: its participants' postcodes are drawn near it.
    postcode: &'static str,
}

/// The organisations and accounts the generated people are followed by.
async fn setup(db: &Db, scale: Scale) -> Result<Vec<Partner>> {
    let hash = {
        let password = PASSWORD.to_owned();
        tokio::task::spawn_blocking(move || passwords::hash(&password)).await??
    };
    let mut tx = db.begin().await?;
    let mut region_ids = Vec::new();
    for (code, name) in REGIONS {
        region_ids.push(crate::demo::provincial_region(&mut tx, code, name).await?);
    }
    let provider = organisation(&mut tx, "Generated provider", OrganisationKind::Provider, None).await?;
    account(
        &mut tx,
        &hash,
        "admin@onramp.generated",
        "Administrator",
        Role::Administrator,
        vec![provider],
        vec![],
    )
    .await?;
    for (n, (code, _)) in REGIONS.iter().enumerate() {
        let email = format!("coordinator.{code}@onramp.generated");
        let (role, regions) = (Role::Coordinator, vec![region_ids[n]]);
        account(&mut tx, &hash, &email, "Coordinator", role, vec![], regions).await?;
    }
    let mut partners = Vec::new();
    for p in 0..scale.partners {
        let region_id = region_ids[p % region_ids.len()];
        let postcode = town_of(REGIONS[p % REGIONS.len()].0);
        let name = format!("Partner {p:04}");
        let kind = OrganisationKind::RehabilitationHospital;
        let organisation_id = organisation(&mut tx, &name, kind, Some(region_id)).await?;
        location(&mut tx, organisation_id, &format!("{name} campus"), postcode).await?;
        let location_id = onramp_store::locations::list_for_organisation(&mut tx, organisation_id)
            .await?
            .first()
            .context("a location")?
            .id;
        partners.push((organisation_id, location_id, region_id, postcode));
    }
    // Each coach works at a few partners; each partner has at least one coach.
    let mut followed = Vec::new();
    for c in 0..scale.coaches.max(1) {
        let mut at: Vec<usize> = (0..3).map(|k| (c + k * partners.len() / 3) % partners.len()).collect();
        at.sort_unstable();
        at.dedup();
        let organisations: Vec<Uuid> = at.iter().map(|&p| partners[p].0).collect();
        let email = format!("coach{c:05}@onramp.generated");
        let coach = account(
            &mut tx,
            &hash,
            &email,
            &format!("Coach {c:05}"),
            Role::Coach,
            organisations,
            vec![],
        )
        .await?;
        for &p in &at {
            let (organisation_id, location_id, region_id, postcode) = partners[p];
            followed.push(Partner {
                organisation_id,
                location_id,
                region_id,
                coach_id: coach,
                postcode,
            });
        }
    }
    tx.commit().await?;
    Ok(followed)
}

/// The rows of one generated participant: the person, consents, a trajectory with its history,
/// coaching contacts, barriers and outcomes.
#[derive(Default)]
struct Batch {
    participants: Vec<Vec<Value>>,
    name_words: Vec<Vec<Value>>,
    consents: Vec<Vec<Value>>,
    trajectories: Vec<Vec<Value>>,
    events: Vec<Vec<Value>>,
    contacts: Vec<Vec<Value>>,
    barriers: Vec<Vec<Value>>,
    outcomes: Vec<Vec<Value>>,
    enrolments: Vec<Vec<Value>>,
    measurements: Vec<Vec<Value>>,
    icf_ratings: Vec<Vec<Value>>,
    competence_ratings: Vec<Vec<Value>>,
    check_ins: Vec<Vec<Value>>,
    plans: Vec<Vec<Value>>,
    plan_versions: Vec<Vec<Value>>,
    steps_open: Vec<Vec<Value>>,
    /// The audit entries of the writes above (`generate_audit`).
    audit: Vec<Vec<Value>>,
    /// The people of the batch, for the caseload pages that list them.
    listed: Vec<(Uuid, generate_audit::Coach)>,
}

const PARTICIPANT_COLUMNS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "name_search",
    "birth_date",
    "language",
    "gender",
    "education",
    "health_category",
    "incapacity_since",
    "situation",
    "organisation_id",
    "created_by",
    "created_at",
    "updated_at",
    "unemployed_months",
    "disability",
    "third_country_national",
    "foreign_background",
    "minority",
    "homeless",
    "postcode",
];
const CONSENT_COLUMNS: &[&str] = &[
    "id",
    "participant_id",
    "purpose",
    "organisation_id",
    "version",
    "given_on",
    "recorded_by",
    "created_at",
];
const TRAJECTORY_COLUMNS: &[&str] = &[
    "id",
    "participant_id",
    "programme_id",
    "organisation_id",
    "location_id",
    "region_id",
    "coach_id",
    "participant_name",
    "started_on",
    "ends_by",
    "phase",
    "phase_since",
    "ended_on",
    "exit_reason",
    "exit_situation",
    "last_contact_on",
    "created_at",
    "updated_at",
    "next_check_in_on",
    "next_step_due_on",
];
const PLAN_COLUMNS: &[&str] = &["id", "trajectory_id", "kind", "version", "updated_at"];
const PLAN_VERSION_COLUMNS: &[&str] = &["plan_id", "version", "content", "shared", "created_by", "created_at"];
const STEP_OPEN_COLUMNS: &[&str] = &["trajectory_id", "due_on", "step_id"];

/// An action plan for a trajectory drawn up on `drawn_up` (three in five get one): a goal with two
/// to four dated steps, those due before `until` mostly done, as a coach keeps it. Adds the plan,
/// its version and its open dated steps to the batch; returns the soonest open step's date.
fn action_plan(
    dice: &mut Dice,
    batch: &mut Batch,
    (trajectory, coach): (Uuid, Uuid),
    drawn_up: NaiveDate,
    until: NaiveDate,
) -> Option<NaiveDate> {
    use Value::*;
    use onramp_domain::plans::{ActionPlan, Goal, PlanContent, Step, StepOwner, StepStatus};
    if !dice.chance(60) {
        return None;
    }
    let mut steps = Vec::new();
    for n in 0..2 + dice.below(3) {
        let due_on = drawn_up + Days::new(14 + dice.below(150));
        let status = if due_on < until && dice.chance(70) {
            StepStatus::Done
        } else {
            *dice.pick(&[StepStatus::Planned, StepStatus::Planned, StepStatus::InProgress])
        };
        steps.push(Step {
            id: format!("s{}", n + 1),
            description: (*dice.pick(&[
                "Talk to the occupational physician",
                "Visit the workplace",
                "Try two mornings a week",
                "Ask about a course",
            ]))
            .into(),
            owner: *dice.pick(&[StepOwner::Participant, StepOwner::Coach]),
            due_on: Some(due_on),
            status,
            levers: Vec::new(),
            canvas_item: None,
        });
    }
    let plan = ActionPlan {
        goals: vec![Goal {
            id: "g1".into(),
            title: "Back to work".into(),
            steps,
        }],
    };
    let open = plan.open_steps_due();
    for (step, due_on) in &open {
        batch
            .steps_open
            .push(vec![Id(trajectory), Date(*due_on), Text((*step).to_owned())]);
    }
    let next = open.iter().map(|(_, due_on)| *due_on).min();
    let content = onramp_store::plans::content_json(&PlanContent::Action(plan));
    let id = dice.id();
    batch.plans.push(vec![
        Id(id),
        Id(trajectory),
        Text("action".into()),
        Int(1),
        At(at(drawn_up)),
    ]);
    batch.plan_versions.push(vec![
        Id(id),
        Int(1),
        Text(content),
        Bool(false),
        OptId(Some(coach)),
        At(at(drawn_up)),
    ]);
    next
}
const EVENT_COLUMNS: &[&str] = &[
    "trajectory_id",
    "kind",
    "on_date",
    "from_value",
    "to_value",
    "by_user_id",
    "at",
];
const CONTACT_COLUMNS: &[&str] = &[
    "id",
    "trajectory_id",
    "participant_id",
    "organisation_id",
    "location_id",
    "coach_id",
    "on_date",
    "minutes",
    "mode",
    "topic",
    "created_by",
    "created_at",
];
const BARRIER_COLUMNS: &[&str] = &[
    "id",
    "trajectory_id",
    "participant_id",
    "code",
    "noted_on",
    "status",
    "closed_on",
    "recorded_by",
    "created_at",
];
const OUTCOME_COLUMNS: &[&str] = &[
    "id",
    "trajectory_id",
    "participant_id",
    "kind",
    "on_date",
    "hours_per_week",
    "with_support",
    "recorded_by",
    "created_at",
];

/// A programme the generator starts trajectories in: id, maximum months, phases.
struct Programme {
    id: Uuid,
    months: i32,
    /// Months after the exit at which check-ins fall due.
    follow_up_months: Vec<i32>,
    phases: Vec<String>,
    /// The module its group sessions belong to.
    module: &'static str,
}

/// Places in a group session.
const CAPACITY: u8 = 15;

/// The weekly group sessions of each partner and programme, by date, and how many are enrolled.
#[derive(Default)]
struct Sessions {
    by_partner: HashMap<(Uuid, Uuid), Vec<(NaiveDate, Uuid)>>,
    enrolled: HashMap<Uuid, u8>,
}

/// Writes a year of weekly sessions per series, enough series that each holds about ten people,
/// for every partner and programme, over the generated years.
async fn plan_sessions(
    db: &Db,
    dice: &mut Dice,
    partners: &[Partner],
    programmes: &[Programme],
    scale: Scale,
    until: NaiveDate,
) -> Result<(Sessions, u64)> {
    use Value::*;
    let organisations = partners
        .iter()
        .map(|p| p.organisation_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    // About eight sessions per person, three in four people in the first programme.
    let weekly = scale.participants as f64 * 8.0 / (organisations.max(1) as f64 * scale.years as f64 * 52.0);
    let first = until - Days::new(scale.years * 365);
    let mut sessions = Sessions::default();
    let mut series_rows = Vec::new();
    let mut session_rows = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for partner in partners.iter().filter(|p| seen.insert(p.organisation_id)) {
        for (n, programme) in programmes.iter().enumerate() {
            let share = if n == 0 { 0.75 } else { 0.25 };
            let per_week = (weekly * share / 10.0).ceil().max(1.0) as u64;
            let list = sessions
                .by_partner
                .entry((partner.organisation_id, programme.id))
                .or_default();
            for year in 0..scale.years {
                for slot in 0..per_week {
                    let series = dice.id();
                    let title = format!("{} {}", programme.module, year + 1);
                    series_rows.push(vec![
                        Id(series),
                        Id(programme.id),
                        Text(programme.module.into()),
                        Text(title),
                        Id(partner.organisation_id),
                        Bool(false),
                        OptId(Some(partner.coach_id)),
                        At(at(first)),
                    ]);
                    for week in 0..52u64 {
                        let on = first + Days::new(year * 365 + week * 7 + slot % 5);
                        let id = dice.id();
                        list.push((on, id));
                        session_rows.push(vec![
                            Id(id),
                            Id(series),
                            Int(week as i32 + 1),
                            Id(partner.organisation_id),
                            OptId(Some(partner.region_id)),
                            Bool(false),
                            At(at(on)),
                            Date(onramp_domain::sessions::local_day(at(on))),
                            Int(120),
                            OptId(Some(partner.location_id)),
                            Bool(false),
                            Int(CAPACITY as i32),
                            OptId(Some(partner.coach_id)),
                        ]);
                    }
                }
            }
            list.sort();
        }
    }
    let mut tx = db.begin_bulk().await?;
    let mut rows = insert(&mut tx, "session_series", SERIES_COLUMNS, &series_rows).await?;
    rows += insert(&mut tx, "group_sessions", SESSION_COLUMNS, &session_rows).await?;
    tx.commit().await?;
    Ok((sessions, rows))
}

const SERIES_COLUMNS: &[&str] = &[
    "id",
    "programme_id",
    "module",
    "title",
    "organisation_id",
    "open_to_partners",
    "created_by",
    "created_at",
];
const SESSION_COLUMNS: &[&str] = &[
    "id",
    "series_id",
    "position",
    "organisation_id",
    "region_id",
    "open_to_partners",
    "starts_at",
    "on_date",
    "minutes",
    "location_id",
    "online",
    "capacity",
    "coach_id",
];
const ENROLMENT_COLUMNS: &[&str] = &[
    "session_id",
    "participant_id",
    "attendance",
    "enrolled_by",
    "enrolled_at",
    "marked_by",
    "marked_at",
];

/// Enrols a participant in two to twelve of their partner's sessions while the trajectory runs
/// (never beyond a session's places), with their attendance; returns how many.
#[allow(clippy::too_many_arguments)]
fn attend(
    dice: &mut Dice,
    batch: &mut Batch,
    sessions: &mut Sessions,
    key: (Uuid, Uuid),
    participant: Uuid,
    coach: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> u64 {
    use Value::*;
    let Some(list) = sessions.by_partner.get(&key) else {
        return 0;
    };
    let start = list.partition_point(|(on, _)| *on < from);
    let end = list.partition_point(|(on, _)| *on <= to);
    if start >= end {
        return 0;
    }
    let mut chosen: Vec<usize> = (0..2 + dice.below(11))
        .map(|_| start + dice.below((end - start) as u64) as usize)
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    let mut count = 0;
    for index in chosen {
        let (on, session) = list[index];
        let taken = sessions.enrolled.entry(session).or_default();
        if *taken >= CAPACITY {
            continue;
        }
        *taken += 1;
        let attendance = match dice.below(20) {
            0..=15 => "present",
            16..=17 => "excused",
            _ => "absent",
        };
        batch.enrolments.push(vec![
            Id(session),
            Id(participant),
            OptText(Some(attendance.into())),
            OptId(Some(coach)),
            At(at(on - Days::new(7))),
            OptId(Some(coach)),
            At(at(on)),
        ]);
        count += 1;
    }
    count
}

const MEASUREMENT_COLUMNS: &[&str] = &[
    "id",
    "participant_id",
    "trajectory_id",
    "measured_on",
    "moment",
    "rater",
    "recorded_by",
    "created_at",
];
const ICF_RATING_COLUMNS: &[&str] = &["measurement_id", "category_code", "qualifier"];
const COMPETENCE_COLUMNS: &[&str] = &["measurement_id", "competence", "score"];
const CHECK_IN_COLUMNS: &[&str] = &[
    "id",
    "trajectory_id",
    "participant_id",
    "months_after_exit",
    "due_on",
    "done_on",
    "contact_made",
    "situation",
    "needs_more_service",
    "recorded_by",
];

/// The ICF brief core set the generated measurements rate (migrations/*/0014_icf.sql).
const CORE_SET: &[&str] = &[
    "b130", "b164", "b455", "d155", "d240", "d720", "d845", "d850", "d855", "e310", "e330", "e580", "e590",
];

/// An ICF measurement by the coach with a self-rating of the competences at the start, and again
/// at the exit, slightly better on average; returns how many.
fn measure(
    dice: &mut Dice,
    batch: &mut Batch,
    (participant, trajectory, coach): (Uuid, Uuid, Uuid),
    started: NaiveDate,
    ended: Option<NaiveDate>,
    last_day: NaiveDate,
) -> u64 {
    use Value::*;
    let intake = (started + Days::new(dice.below(14))).min(last_day);
    let moments = [(Some(intake), "intake", 0), (ended, "exit", 1)];
    let mut count = 0;
    for (on, moment, progress) in moments {
        let Some(on) = on else { continue };
        let measurement = dice.id();
        batch.measurements.push(vec![
            Id(measurement),
            Id(participant),
            OptId(Some(trajectory)),
            Date(on),
            Text(moment.into()),
            Text("coach".into()),
            OptId(Some(coach)),
            At(at(on)),
        ]);
        for code in CORE_SET {
            // Difficulty 0-4 (less at the exit); environmental factors as facilitators (+) or barriers.
            let level = (dice.below(5) as i64 - progress * dice.below(2) as i64).max(0);
            let qualifier = if code.starts_with('e') && dice.chance(60) {
                format!("+{level}")
            } else {
                level.to_string()
            };
            batch
                .icf_ratings
                .push(vec![Id(measurement), Text((*code).into()), Text(qualifier)]);
        }
        for competence in onramp_domain::icf::Competence::ALL {
            let score = (3 + dice.below(5) + progress as u64 * dice.below(3)).min(10) as i32;
            batch
                .competence_ratings
                .push(vec![Id(measurement), Text(competence.as_str().into()), Int(score)]);
        }
        count += 1;
    }
    count
}

/// The check-ins after an exit at the programme's follow-up months: those due by `until` mostly
/// done (with the situation found), the next one open; returns how many were done and the due
/// date of the soonest open one (the trajectory's `next_check_in_on`).
fn check_ins(
    dice: &mut Dice,
    batch: &mut Batch,
    months: &[i32],
    (participant, trajectory, coach): (Uuid, Uuid, Uuid),
    ended: NaiveDate,
    until: NaiveDate,
) -> (u64, Option<NaiveDate>) {
    use Value::*;
    let mut done = 0;
    let mut next_open = None;
    for month in months {
        let due = ended + chrono::Months::new(*month as u32);
        let done_on = (due <= until && dice.chance(85)).then(|| (due + Days::new(dice.below(21))).min(until));
        let reached = done_on.map(|_| dice.chance(80));
        let situation = reached
            .filter(|r| *r)
            .map(|_| (*dice.pick(&["in_employment", "job_searching", "in_education", "none_of_these"])).to_owned());
        batch.check_ins.push(vec![
            Id(dice.id()),
            Id(trajectory),
            Id(participant),
            Int(*month),
            Date(due),
            OptDate(done_on),
            OptBool(reached),
            OptText(situation),
            OptBool(reached.map(|_| dice.chance(10))),
            OptId(done_on.map(|_| coach)),
        ]);
        done += u64::from(done_on.is_some());
        if done_on.is_none() {
            next_open = next_open.or(Some(due));
        }
        if due > until {
            break;
        }
    }
    (done, next_open)
}

fn at(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(10, 0, 0).expect("a time").and_utc()
}

/// A first name: a few dozen common ones, as in Belgium, where the most common is about one in a hundred.
fn first_name(dice: &mut Dice) -> &'static str {
    let list = [FIRST, MORE_FIRST, EVEN_MORE_FIRST][dice.below(3) as usize];
    dice.word(list)
}

/// A surname: one in five from the most common names, the others made of syllables into tens of
/// thousands of rare ones (with particles and double names), so a search for a surname finds a
/// few dozen people at national scale, as it would in Belgium.
fn surname(dice: &mut Dice) -> String {
    if dice.chance(20) {
        let common = if dice.chance(25) { MORE_LAST } else { SURNAMES };
        return dice.word(common).to_owned();
    }
    let stem = |dice: &mut Dice| {
        let mut word = String::from(dice.word(ONSETS));
        word.push_str(dice.word(VOWELS));
        word.push_str(dice.word(CODAS));
        word.push_str(dice.word(ENDINGS));
        word
    };
    let mut name = String::new();
    if dice.chance(25) {
        name.push_str(dice.word(PARTICLES));
        name.push(' ');
    }
    name.push_str(&stem(dice));
    if dice.chance(3) {
        name.push('-');
        name.push_str(&stem(dice));
    }
    name
}

const EVEN_MORE_FIRST: &[&str] = &[
    "Amina", "Anouk", "Arne", "Axel", "Bram", "Camille", "Chloé", "Daan", "Dirk", "Elif", "Emma", "Eva", "Filip",
    "Geert", "Hanne", "Hilde", "Ilse", "Jef", "Jonas", "Julie", "Kaat", "Lars", "Laura", "Lotte", "Louis", "Lucas",
    "Mehmet", "Nathalie", "Nico", "Noor", "Olivier", "Patrick", "Rachid", "Ruben", "Sarah", "Sam", "Stijn", "Thomas",
    "Valérie", "Veerle", "Yasmine", "Zeynep",
];
const PARTICLES: &[&str] = &["Van", "De", "Van de", "Van den", "Vande", "Le", "Du", "Van der"];
const ONSETS: &[&str] = &[
    "B", "Br", "C", "Cl", "D", "Dr", "G", "Gh", "H", "K", "Kr", "L", "M", "N", "P", "R", "S", "St", "T", "V", "Vr", "W",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ae", "ee", "ie", "oo", "ou"];
const CODAS: &[&str] = &[
    "", "b", "ck", "d", "g", "k", "l", "m", "n", "nd", "r", "rt", "s", "st", "t",
];
const ENDINGS: &[&str] = &[
    "", "s", "ens", "mans", "aert", "eel", "ier", "ot", "in", "elle", "ick", "ers",
];

/// Adds one participant and everything of their trajectory to the batch; returns the activities.
fn person(
    dice: &mut Dice,
    batch: &mut Batch,
    sessions: &mut Sessions,
    partner: Partner,
    programme: &Programme,
    until: NaiveDate,
    years: u64,
) -> u64 {
    use Value::*;
    let id = dice.id();
    let first = first_name(dice);
    let last = surname(dice);
    let name_search = onramp_domain::validation::fold_for_search(&format!("{last} {first}"));
    batch
        .name_words
        .extend(onramp_store::participants::name_word_rows(id, &name_search));
    let started = until - Days::new(dice.below(years * 365));
    let born = started - Days::new(365 * (20 + dice.below(44)) + dice.below(365));
    let sick_since = started - Days::new(30 + dice.below(700));
    let created = at(started);
    let coach = partner.coach_id;
    let situation = *dice.pick(&[
        Situation::EmployedOnSickLeave,
        Situation::Unemployed,
        Situation::Inactive,
    ]);
    // The ESF+ characteristics in the demo's shares, so an operation's report has figures to show.
    let esf = crate::demo_esf::profile(situation, Some(partner.postcode), &mut |n| {
        dice.below(n as u64) as usize
    });
    batch.participants.push(vec![
        Id(id),
        Text(first.to_owned()),
        Text(last.clone()),
        Text(name_search.clone()),
        Date(born),
        Text((*dice.pick(&["nl", "nl", "nl", "fr", "en"])).into()),
        Text((*dice.pick(&["female", "male", "female", "male", "non_binary"])).into()),
        Text((*dice.pick(&["isced_0_2", "isced_3_4", "isced_3_4", "isced_5_8"])).into()),
        Text(
            (*dice.pick(&[
                "chronic_pain",
                "physical_rehabilitation",
                "psychological",
                "burn_out",
                "oncology",
                "neurological",
            ]))
            .into(),
        ),
        OptDate(Some(sick_since)),
        Text(situation.as_str().into()),
        Id(partner.organisation_id),
        OptId(Some(coach)),
        At(created),
        At(created),
        OptInt(esf.unemployed_months),
        Text(esf.disability.as_str().into()),
        Text(esf.third_country_national.as_str().into()),
        Text(esf.foreign_background.as_str().into()),
        Text(esf.minority.as_str().into()),
        Text(esf.homeless.as_str().into()),
        OptText(esf.postcode),
    ]);
    let by = generate_audit::Coach {
        id: coach,
        organisation: partner.organisation_id,
    };
    let image = serde_json::json!({"id": id, "first_name": first, "last_name": last, "birth_date": born,
        "situation": situation.as_str(), "organisation_id": partner.organisation_id});
    batch.audit.push(generate_audit::registered(created, by, id, &image));
    batch.listed.push((id, by));
    let consent = |dice: &mut Dice, purpose: &str, organisation: Option<Uuid>| {
        vec![
            Id(dice.id()),
            Id(id),
            Text(purpose.into()),
            OptId(organisation),
            Text("2026-01".into()),
            Date(started),
            OptId(Some(coach)),
            At(created),
        ]
    };
    batch.consents.push(consent(dice, "participation", None));
    if dice.chance(80) {
        batch
            .consents
            .push(consent(dice, "share_care_team", Some(partner.organisation_id)));
    }
    // How far the trajectory got, and whether it ended.
    let trajectory = dice.id();
    let deadline = ends_by(started, programme.months);
    let reached = 1 + dice.below(programme.phases.len() as u64 - 1) as usize;
    let ended_on = if deadline < until || dice.chance(20) {
        let days = (deadline.min(until) - started).num_days().max(1) as u64;
        Some(started + Days::new(days / 2 + dice.below(days / 2 + 1)))
    } else {
        None
    };
    let last_day = ended_on.unwrap_or(until);
    let span = (last_day - started).num_days().max(1) as u64;
    let phase_since = started + Days::new(span * reached as u64 / (reached as u64 + 1));
    let mut activities = 0;
    batch.events.push(vec![
        Id(trajectory),
        Text("start".into()),
        Date(started),
        OptText(None),
        OptText(Some(programme.phases[0].clone())),
        OptId(Some(coach)),
        At(created),
    ]);
    for step in 1..=reached {
        let on = started + Days::new(span * step as u64 / (reached as u64 + 1));
        batch.events.push(vec![
            Id(trajectory),
            Text("phase".into()),
            Date(on),
            OptText(Some(programme.phases[step - 1].clone())),
            OptText(Some(programme.phases[step].clone())),
            OptId(Some(coach)),
            At(at(on)),
        ]);
        activities += 1;
    }
    let key = (partner.organisation_id, programme.id);
    activities += attend(dice, batch, sessions, key, id, coach, started, last_day);
    // Coaching contacts every two to six weeks while the trajectory runs.
    let mut on = started + Days::new(dice.below(10));
    let mut last_contact = None;
    while on <= last_day {
        let contact = dice.id();
        let minutes = *dice.pick(&[30, 45, 60, 60, 90]);
        let image = serde_json::json!({"id": contact, "trajectory_id": trajectory, "on": on, "minutes": minutes});
        batch
            .audit
            .extend(generate_audit::contact(at(on), by, id, contact, &image));
        batch.contacts.push(vec![
            Id(contact),
            Id(trajectory),
            Id(id),
            Id(partner.organisation_id),
            OptId(Some(partner.location_id)),
            Id(coach),
            Date(on),
            Int(minutes),
            Text((*dice.pick(&["in_person", "in_person", "phone", "video"])).into()),
            Text(
                (*dice.pick(&[
                    "Intake",
                    "Action plan",
                    "Talk with the employer",
                    "Follow-up",
                    "Check-in",
                ]))
                .into(),
            ),
            OptId(Some(coach)),
            At(at(on)),
        ]);
        activities += 1;
        last_contact = Some(on);
        on = on + Days::new(14 + dice.below(29));
    }
    for _ in 0..dice.below(3) {
        let noted = started + Days::new(dice.below(span.min(120)));
        let closed = dice
            .chance(40)
            .then(|| (noted + Days::new(30 + dice.below(90))).min(last_day));
        batch.barriers.push(vec![
            Id(dice.id()),
            Id(trajectory),
            Id(id),
            Text(
                (*dice.pick(&[
                    "pain",
                    "fatigue",
                    "fear_of_returning",
                    "stress",
                    "financial_benefits",
                    "transport",
                ]))
                .into(),
            ),
            Date(noted),
            Text(if closed.is_some() { "resolved" } else { "open" }.into()),
            OptDate(closed),
            OptId(Some(coach)),
            At(at(noted)),
        ]);
        activities += 1;
    }
    let took_a_step = dice.chance(33);
    if took_a_step {
        for n in 0..1 + dice.below(2) {
            let on = (phase_since + Days::new(n * 60 + dice.below(30))).min(last_day);
            let kind = *dice.pick(&[
                "volunteer_work",
                "workplace_training",
                "vet_course",
                "same_employer",
                "new_employer",
            ]);
            batch.outcomes.push(vec![
                Id(dice.id()),
                Id(trajectory),
                Id(id),
                Text(kind.into()),
                Date(on),
                OptInt(Some(*dice.pick(&[8, 12, 16, 19, 24]))),
                Bool(dice.chance(50)),
                OptId(Some(coach)),
                At(at(on)),
            ]);
            activities += 1;
        }
    }
    let (exit_reason, exit_situation) = match ended_on {
        Some(_) if took_a_step => (
            Some("work"),
            Some(*dice.pick(&["in_employment", "in_education", "job_searching"])),
        ),
        Some(_) => (
            Some(*dice.pick(&[
                "completed",
                "health_worsened",
                "maximum_duration",
                "declined",
                "unreachable",
            ])),
            Some(*dice.pick(&["none_of_these", "job_searching"])),
        ),
        None => (None, None),
    };
    activities += measure(dice, batch, (id, trajectory, coach), started, ended_on, last_day);
    let mut next_check_in = None;
    if let Some(ended) = ended_on {
        let (done, next) = check_ins(
            dice,
            batch,
            &programme.follow_up_months,
            (id, trajectory, coach),
            ended,
            until,
        );
        activities += done;
        next_check_in = next;
    }
    let next_step_due = action_plan(dice, batch, (trajectory, coach), phase_since.min(last_day), until);
    if let Some(ended) = ended_on {
        batch.events.push(vec![
            Id(trajectory),
            Text("exit".into()),
            Date(ended),
            OptText(None),
            OptText(exit_reason.map(str::to_owned)),
            OptId(Some(coach)),
            At(at(ended)),
        ]);
    }
    batch.audit.push(generate_audit::started(created, by, id, trajectory));
    batch.trajectories.push(vec![
        Id(trajectory),
        Id(id),
        Id(programme.id),
        Id(partner.organisation_id),
        OptId(Some(partner.location_id)),
        OptId(Some(partner.region_id)),
        OptId(Some(coach)),
        Text(name_search),
        Date(started),
        Date(deadline),
        Text(programme.phases[reached].clone()),
        Date(phase_since),
        OptDate(ended_on),
        OptText(exit_reason.map(str::to_owned)),
        OptText(exit_situation.map(str::to_owned)),
        OptDate(last_contact),
        At(created),
        At(at(last_day)),
        OptDate(next_check_in),
        OptDate(next_step_due),
    ]);
    activities
}

/// The page cache of SQLite's writer during the load and while the indexes are built.
const BULK_CACHE_MIB: u32 = 4_096;

/// The tables each batch of people is written to. On SQLite their secondary indexes are set aside
/// while the rows go in and built again at the end (`bulk::set_aside_indexes`); a load that fails
/// half-way leaves a database to throw away, as it would anyway.
const LOADED_TABLES: &[&str] = &[
    "participants",
    "participant_name_words",
    "consents",
    "trajectories",
    "trajectory_events",
    "coaching_contacts",
    "barriers",
    "outcomes",
    "session_enrolments",
    "icf_measurements",
    "icf_ratings",
    "competence_ratings",
    "check_ins",
    "plans",
    "plan_versions",
    "action_steps_open",
    "audit_log",
];

/// Generates `scale` into an empty database; prints progress and returns what was written.
pub async fn generate(db: &Db, scale: Scale, seed: u64, until: NaiveDate) -> Result<Report> {
    {
        let mut conn = db.conn().await?;
        if users::count(&mut conn).await? > 0 {
            bail!("the database already holds data; generate into an empty one");
        }
    }
    let started = Instant::now();
    let partners = setup(db, scale).await?;
    let programmes = {
        let mut conn = db.conn().await?;
        let mut list = Vec::new();
        for code in ["we-go-to-work", "boost2work"] {
            let p = programmes::find_by_code(&mut conn, code)
                .await?
                .context("built-in programme")?;
            list.push(Programme {
                id: p.id,
                months: p.definition.max_duration_months,
                follow_up_months: p.definition.follow_up_months.clone(),
                phases: p.definition.phases.iter().map(|s| s.code.clone()).collect(),
                module: if code == "boost2work" {
                    "collective_session"
                } else {
                    "module_2"
                },
            });
        }
        list
    };
    let mut dice = Dice::new(seed);
    let mut report = Report::default();
    let (mut sessions, rows) = plan_sessions(db, &mut dice, &partners, &programmes, scale, until).await?;
    report.rows += rows;
    const PER_TRANSACTION: usize = 5_000;
    let aside = {
        let mut tx = db.begin_bulk().await?;
        let aside = bulk::set_aside_indexes(&mut tx, LOADED_TABLES).await?;
        tx.commit().await?;
        aside
    };
    let mut done = 0;
    while done < scale.participants {
        let count = PER_TRANSACTION.min(scale.participants - done);
        let mut batch = Batch::default();
        for _ in 0..count {
            let partner = *dice.pick(&partners);
            let programme = if dice.chance(25) {
                &programmes[1]
            } else {
                &programmes[0]
            };
            report.activities += person(
                &mut dice,
                &mut batch,
                &mut sessions,
                partner,
                programme,
                until,
                scale.years,
            );
        }
        let mut tx = db.begin_bulk().await?;
        // The name and scope indexes take their inserts at random places: a larger cache keeps
        // more of them in memory at national size (with 64 MiB and random ids, the load fell from
        // 52 000 to 10 000 rows/s past 400 000 people).
        tx.use_cache_of(BULK_CACHE_MIB).await?;
        report.rows += insert(&mut tx, "participants", PARTICIPANT_COLUMNS, &batch.participants).await?;
        report.rows += insert(
            &mut tx,
            "participant_name_words",
            onramp_store::participants::NAME_WORD_COLUMNS,
            &batch.name_words,
        )
        .await?;
        report.rows += insert(&mut tx, "consents", CONSENT_COLUMNS, &batch.consents).await?;
        report.rows += insert(&mut tx, "trajectories", TRAJECTORY_COLUMNS, &batch.trajectories).await?;
        report.rows += insert(&mut tx, "trajectory_events", EVENT_COLUMNS, &batch.events).await?;
        report.rows += insert(&mut tx, "coaching_contacts", CONTACT_COLUMNS, &batch.contacts).await?;
        report.rows += insert(&mut tx, "barriers", BARRIER_COLUMNS, &batch.barriers).await?;
        report.rows += insert(&mut tx, "outcomes", OUTCOME_COLUMNS, &batch.outcomes).await?;
        report.rows += insert(&mut tx, "session_enrolments", ENROLMENT_COLUMNS, &batch.enrolments).await?;
        report.rows += insert(&mut tx, "icf_measurements", MEASUREMENT_COLUMNS, &batch.measurements).await?;
        report.rows += insert(&mut tx, "icf_ratings", ICF_RATING_COLUMNS, &batch.icf_ratings).await?;
        report.rows += insert(
            &mut tx,
            "competence_ratings",
            COMPETENCE_COLUMNS,
            &batch.competence_ratings,
        )
        .await?;
        report.rows += insert(&mut tx, "check_ins", CHECK_IN_COLUMNS, &batch.check_ins).await?;
        report.rows += insert(&mut tx, "plans", PLAN_COLUMNS, &batch.plans).await?;
        report.rows += insert(&mut tx, "plan_versions", PLAN_VERSION_COLUMNS, &batch.plan_versions).await?;
        report.rows += insert(&mut tx, "action_steps_open", STEP_OPEN_COLUMNS, &batch.steps_open).await?;
        for page in batch.listed.chunks(50) {
            let shown: Vec<Uuid> = page.iter().map(|(id, _)| *id).collect();
            batch
                .audit
                .push(generate_audit::caseload_page(at(until), page[0].1, &shown));
        }
        report.rows += insert(&mut tx, "audit_log", generate_audit::COLUMNS, &batch.audit).await?;
        tx.commit().await?;
        done += count;
        report.participants = done as u64;
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "{done} participants, {} rows, {:.0} rows/s",
            report.rows,
            report.rows as f64 / seconds
        );
    }
    finish(db, aside).await?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// What follows the rows: the indexes set aside built again, the dashboard's counts and the
/// coach minutes counted, the statistics refreshed.
async fn finish(db: &Db, aside: bulk::IndexesSetAside) -> Result<()> {
    let building = Instant::now();
    let built = aside.len();
    bulk::build_indexes_again(db, aside, BULK_CACHE_MIB).await?;
    if built > 0 {
        eprintln!("built {built} indexes in {:.1} s", building.elapsed().as_secs_f64());
    }
    // Statistics first: without them PostgreSQL takes the loaded tables for small ones and scanned
    // every enrolment for each batch of the count below (40 minutes at 600 000 people, unfinished).
    db.analyze().await?;
    // The dashboard's counts, as the application keeps them with every write (here in one go).
    let counting = Instant::now();
    let counted = onramp_store::dashboard::counts::catch_up(db).await?;
    eprintln!(
        "counted {counted} trajectories for the dashboard in {:.1} s",
        counting.elapsed().as_secs_f64()
    );
    // The coach minutes per partner and day the cost-benefit reads, kept with each write in the
    // application and counted here in one go.
    let mut tx = db.begin().await?;
    onramp_store::cost_benefit::recount_minutes(&mut tx).await?;
    tx.commit().await?;
    // Fresh statistics, as PostgreSQL's autovacuum (or a periodic ANALYZE on SQLite) would keep them.
    db.analyze().await?;
    Ok(())
}

/// `onramp generate --finish`: completes a load that stopped after its rows were in (the disk
/// filled while its indexes were built, the process was stopped): builds the indexes it lacks,
/// then the counts and statistics, as [`generate`] ends.
pub async fn finish_stopped(db: &Db) -> Result<()> {
    let missing = bulk::indexes_missing(db).await?;
    eprintln!("{} indexes to build", missing.len());
    finish(db, missing).await
}
