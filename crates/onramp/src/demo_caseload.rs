//! Demo participants: a few hundred people over both programmes, in every
//! phase, some with an ended trajectory and a re-entry. Deterministic.

use anyhow::Result;
use chrono::{Days, NaiveDate};
use onramp_domain::activities::{CoachingContactInput, ConsultationInput, ContactMode, TimeCategory, TimeEntryInput};
use onramp_domain::consents::{ConsentInput, Purpose};
use onramp_domain::identity::Language;
use onramp_domain::outcomes::{BarrierCode, BarrierInput, Contract, ExitSituation, OutcomeInput, OutcomeKind};
use onramp_domain::participants::{Education, Gender, HealthCategory, ParticipantInput, Situation};
use onramp_domain::trajectories::{ExitReason, ends_by};
use onramp_store::coaching::{self, ContactPlace};
use onramp_store::trajectories::NewTrajectory;
use onramp_store::{Tx, consents, locations, organisations, participants, programmes, trajectories};
use uuid::Uuid;

const FIRST: &[&str] = &[
    "Anke",
    "Bart",
    "Chantal",
    "Dirk",
    "Els",
    "Filip",
    "Griet",
    "Hakim",
    "Ine",
    "Jan",
    "Katrien",
    "Luc",
    "Marie",
    "Nadia",
    "Olivier",
    "Patricia",
    "Quentin",
    "Rita",
    "Stijn",
    "Tine",
    "Umut",
    "Veerle",
    "Wim",
    "Yasmina",
    "Zoë",
    "Amélie",
    "Benoît",
    "Céline",
    "Dries",
    "Eline",
    "Frédéric",
    "Gökhan",
    "Hilde",
    "Ilse",
    "Jeroen",
    "Karima",
];
const LAST: &[&str] = &[
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Vermeulen",
    "Van Damme",
    "Aerts",
    "Hermans",
    "Michiels",
    "Lemmens",
    "Bogaert",
    "Yilmaz",
    "El Idrissi",
    "Verhoeven",
    "Coppens",
    "Desmet",
    "Leclercq",
    "Van den Broeck",
    "Hendrickx",
    "Smets",
];

/// A small deterministic generator, so every demo database is the same.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub async fn fill(tx: &mut Tx, coaches: &[(Uuid, Vec<Uuid>)], today: NaiveDate) -> Result<()> {
    let wgtw = programmes::find_by_code(tx, "we-go-to-work")
        .await?
        .expect("built-in programme");
    let boost = programmes::find_by_code(tx, "boost2work")
        .await?
        .expect("built-in programme");
    let mut dice = Dice(2026);
    for n in 0..320 {
        let (coach, works_at) = dice.pick(coaches).clone();
        let Some(&organisation_id) = works_at.get(dice.below(works_at.len().max(1))) else {
            continue;
        };
        let region_id = organisations::get(tx, organisation_id).await?.and_then(|o| o.region_id);
        // The location whose agreement hours the coaching counts against.
        let location = locations::list_for_organisation(tx, organisation_id).await?;
        let location_id = location.first().map(|l| l.id);
        let near = location.first().and_then(|l| l.postcode.clone());
        let boost2work = n % 4 == 0;
        let programme = if boost2work { &boost } else { &wgtw };
        let started_on = today
            - Days::new(if boost2work {
                10 + dice.below(200)
            } else {
                10 + dice.below(800)
            } as u64);
        let sick_days = if boost2work {
            35 + dice.below(250)
        } else {
            120 + dice.below(1500)
        };
        let situation = if boost2work {
            Situation::EmployedOnSickLeave
        } else {
            *dice.pick(&[
                Situation::Inactive,
                Situation::EmployedOnSickLeave,
                Situation::Unemployed,
            ])
        };
        let esf = crate::demo_esf::profile(situation, near.as_deref(), &mut |n| dice.below(n));
        let input = ParticipantInput {
            first_name: dice.pick(FIRST).to_string(),
            last_name: dice.pick(LAST).to_string(),
            birth_date: NaiveDate::from_ymd_opt(
                1962 + dice.below(42) as i32,
                1 + dice.below(12) as u32,
                1 + dice.below(28) as u32,
            )
            .expect("valid date"),
            national_register: None,
            email: None,
            phone: None,
            language: if n % 7 == 0 { Language::Fr } else { Language::Nl },
            gender: *dice.pick(&[
                Gender::Female,
                Gender::Female,
                Gender::Male,
                Gender::Male,
                Gender::NonBinary,
            ]),
            education: *dice.pick(&[
                Education::Isced02,
                Education::Isced34,
                Education::Isced34,
                Education::Isced58,
            ]),
            health_category: *dice.pick(HealthCategory::ALL),
            incapacity_since: Some(started_on - Days::new(sick_days as u64)),
            situation,
            referrer: Some(
                dice.pick(&[
                    "Pijnkliniek",
                    "Arbeidsgeneesheer",
                    "Adviserend arts ziekenfonds",
                    "Sociale dienst",
                    "Eigen initiatief",
                ])
                .to_string(),
            ),
            notes: None,
            esf,
        };
        let participant = participants::create(tx, &input, organisation_id, Some(coach)).await?;
        let consent = ConsentInput {
            purpose: Purpose::Participation,
            organisation_id: None,
            version: "2026-01".into(),
            given_on: started_on,
            ends_on: None,
        };
        consents::add(tx, participant.id, &consent, Some(coach)).await?;
        if n % 5 != 0 {
            let share = ConsentInput {
                purpose: Purpose::ShareCareTeam,
                organisation_id: Some(organisation_id),
                ..consent.clone()
            };
            consents::add(tx, participant.id, &share, Some(coach)).await?;
        }
        // Two in three agree to the university's evaluation (the demo study, `demo_esf::study`).
        if n % 3 != 0 {
            let research = ConsentInput {
                purpose: Purpose::Research,
                ..consent
            };
            consents::add(tx, participant.id, &research, Some(coach)).await?;
        }
        let new = NewTrajectory {
            participant_id: participant.id,
            participant_name: input.name_search(),
            programme_id: programme.id,
            organisation_id,
            region_id,
            location_id,
            coach_id: Some(coach),
            started_on,
            ends_by: ends_by(started_on, programme.definition.max_duration_months),
            first_phase: programme.definition.phases[0].code.clone(),
        };
        let trajectory = trajectories::start(tx, &new, Some(coach)).await?;
        // Walk through the phases up to a point, as the time since the start allows.
        let phases = &programme.definition.phases;
        let reached = phases_reached(boost2work, dice.below(100), phases.len());
        let days = (today - started_on).num_days().max(1) as u64;
        let mut steps_on = None;
        for (step, phase) in phases.iter().enumerate().skip(1).take(reached) {
            let on = started_on + Days::new(days * step as u64 / (reached as u64 + 1));
            trajectories::change_phase(tx, trajectory.id, &phase.code, on, None, Some(coach)).await?;
            if phase.code == "steps_to_work" {
                steps_on = Some(on);
            }
        }
        // Most people meet a barrier or two; some are resolved along the way.
        for _ in 0..dice.below(3) {
            let code = *dice.pick(&[
                BarrierCode::Pain,
                BarrierCode::Pain,
                BarrierCode::Fatigue,
                BarrierCode::FearOfReturning,
                BarrierCode::Stress,
                BarrierCode::FinancialBenefits,
                BarrierCode::EmployerAttitude,
                BarrierCode::NoAdjustedJobs,
                BarrierCode::Transport,
            ]);
            let noted_on = started_on + Days::new(dice.below(days.min(90) as usize) as u64);
            let input = BarrierInput {
                trajectory_id: trajectory.id,
                code: code.as_str().to_owned(),
                noted_on,
                note: None,
            };
            let barrier = onramp_store::outcomes::add_barrier(tx, &input, participant.id, coach).await?;
            if dice.below(3) == 0 {
                let closed_on = (noted_on + Days::new(30)).min(today);
                onramp_store::outcomes::close_barrier(tx, barrier.id, "resolved", closed_on).await?;
            }
        }
        // Two in three have an ICF profile: an intake measurement, then one or two more as time
        // allows, mostly showing growth.
        if n % 3 != 0 {
            icf_measurements(tx, &mut dice, participant.id, trajectory.id, started_on, today, coach).await?;
        }
        // Those past the first phase have plans: an action plan revised once, and a personal canvas
        // (Boost2work) or a recovery plan (We go to work's module 3).
        if reached >= 2 {
            let reviewed_on = started_on + Days::new(days * 2 / 3);
            plans(
                tx,
                &mut dice,
                trajectory.id,
                boost2work,
                coach,
                steps_on.is_some(),
                reviewed_on,
            )
            .await?;
        }
        // Those who reached "steps to work" took one: volunteer work, a training or a job.
        if let Some(on) = steps_on {
            let kind = *dice.pick(if boost2work { BOOST_STEPS } else { WGTW_STEPS });
            let input = OutcomeInput {
                trajectory_id: trajectory.id,
                kind,
                on,
                hours_per_week: Some(*dice.pick(&[8, 12, 16, 19, 24])),
                contract: kind.is_paid_work().then_some(Contract::FixedTerm),
                place: None,
                with_support: dice.below(2) == 0,
                note: None,
            };
            onramp_store::outcomes::add(tx, &input, participant.id, coach).await?;
        }
        // Some ended (not before their step to work: an exit comes after the trajectory's
        // outcomes); a few of those came back for a second trajectory.
        let ended_on = (n % 9 == 0).then(|| {
            (today - Days::new(dice.below(days.min(60) as usize) as u64))
                .max(steps_on.unwrap_or(started_on).max(started_on))
        });
        let place = ContactPlace {
            participant_id: participant.id,
            organisation_id,
            location_id,
            coach_id: coach,
        };
        contacts(
            tx,
            &mut dice,
            trajectory.id,
            place,
            started_on,
            ended_on.unwrap_or(today),
        )
        .await?;
        if let Some(ended_on) = ended_on {
            let reason = *dice.pick(&[
                ExitReason::Work,
                ExitReason::Training,
                ExitReason::Completed,
                ExitReason::HealthWorsened,
            ]);
            let situation = match reason {
                ExitReason::Work => ExitSituation::InEmployment,
                ExitReason::Training => ExitSituation::InEducation,
                ExitReason::Completed => ExitSituation::JobSearching,
                _ => ExitSituation::NoneOfThese,
            };
            let exit = trajectories::Exit {
                on: ended_on,
                reason: reason.as_str(),
                situation: Some(situation.as_str()),
                note: None,
            };
            trajectories::exit(tx, trajectory.id, &exit, Some(coach)).await?;
            if n % 18 == 0 && programme.id == wgtw.id {
                let again = NewTrajectory {
                    programme_id: boost.id,
                    started_on: today,
                    ends_by: ends_by(today, 6),
                    first_phase: boost.definition.phases[0].code.clone(),
                    ..new
                };
                trajectories::start(tx, &again, Some(coach)).await?;
            }
        }
    }
    Ok(())
}

/// How far a trajectory walks through its programme's phases, from a roll of 0 to 99: as many
/// reach "steps to work" as the seeds report taking a step (Boost2work's pilots: 80% of those who
/// started, counting the returners who start again today; We go to work: enough for the
/// partners' 15% of those contacted, given the demo's presence actions).
fn phases_reached(boost2work: bool, roll: usize, phases: usize) -> usize {
    let (share, steps_at) = if boost2work { (88, 3) } else { (60, 4) };
    let beyond = phases - steps_at;
    if roll < share {
        steps_at + roll % beyond
    } else {
        roll % steps_at
    }
}

/// The step a participant took: Boost2work's evaluation found about 60% of those reactivated back
/// at work (five paid kinds in eight); We go to work's steps are more often a course or training.
const BOOST_STEPS: &[OutcomeKind] = &[
    OutcomeKind::SameEmployer,
    OutcomeKind::NewEmployer,
    OutcomeKind::SameEmployer,
    OutcomeKind::WorkplaceTraining,
    OutcomeKind::NewEmployer,
    OutcomeKind::VolunteerWork,
    OutcomeKind::SameEmployer,
    OutcomeKind::VetCourse,
];
const WGTW_STEPS: &[OutcomeKind] = &[
    OutcomeKind::VolunteerWork,
    OutcomeKind::WorkplaceTraining,
    OutcomeKind::VetCourse,
    OutcomeKind::SameEmployer,
    OutcomeKind::NewEmployer,
];

const TOPICS: &[(&str, &str)] = &[
    ("Kennismaking en verwachtingen", "Afspraak voor de infosessie"),
    ("Wensen, interesses en mogelijkheden", "Module 2 bijwonen"),
    (
        "Herstel- en werkactieplan bijsturen",
        "Plan bespreken met de behandelend arts",
    ),
    (
        "Gesprek met de werkgever voorbereiden",
        "Contact opnemen met de werkgever",
    ),
    ("Vrijwilligerswerk verkennen", "Bezoek aan de organisatie"),
    ("Omgaan met pijn en vermoeidheid op het werk", "Dagindeling uitproberen"),
];

/// Coaching contacts every three to six weeks over the last year of the trajectory.
async fn contacts(
    tx: &mut Tx,
    dice: &mut Dice,
    trajectory_id: Uuid,
    place: ContactPlace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<()> {
    let mut on = (from + Days::new(7)).max(to - Days::new(365));
    while on <= to {
        let (topic, next_step) = *dice.pick(TOPICS);
        let input = CoachingContactInput {
            trajectory_id,
            on,
            minutes: *dice.pick(&[30, 45, 60, 60, 90]),
            mode: *dice.pick(&[
                ContactMode::InPerson,
                ContactMode::InPerson,
                ContactMode::Phone,
                ContactMode::Video,
            ]),
            place: None,
            topic: topic.into(),
            notes: None,
            next_step: Some(next_step.into()),
        };
        coaching::record_contact(tx, &input, place, place.coach_id).await?;
        on = on + Days::new(21 + dice.below(22) as u64);
    }
    Ok(())
}

/// This year's work of each coach at each partner besides contacts and sessions: every four
/// weeks administration registered by hand and a presence action (an information point, a group
/// information session or storytelling), and, two weeks later, a case and team consultation
/// with the partner's care team about a few of the people the coach follows there.
/// Demo ICF measurements of the Brief Core Set and the competences, a few months apart.
async fn icf_measurements(
    tx: &mut Tx,
    dice: &mut Dice,
    participant_id: Uuid,
    trajectory_id: Uuid,
    started_on: NaiveDate,
    today: NaiveDate,
    coach: Uuid,
) -> Result<()> {
    use onramp_domain::icf::{Competence, MeasurementInput, Moment, Qualifier, Rater};
    let days = (today - started_on).num_days().max(0) as u64;
    let count = 1 + (days / 90).min(2) as usize;
    let codes = ["b130", "b164", "b455", "d155", "d240", "d720", "d845", "d850", "d855"];
    let mut problems: Vec<u8> = codes.iter().map(|_| 1 + dice.below(4) as u8).collect();
    let mut family = dice.below(3) as i32 - 1;
    let mut motivation = 2 + dice.below(5) as u8;
    for step in 0..count {
        let measured_on = started_on + Days::new(7 + step as u64 * days.saturating_sub(14) / count as u64);
        let mut ratings = std::collections::BTreeMap::new();
        for (code, problem) in codes.iter().zip(&problems) {
            ratings.insert(code.to_string(), Qualifier::Problem(*problem));
        }
        let environment = if family < 0 {
            Qualifier::Facilitator((-family) as u8)
        } else {
            Qualifier::Problem(family as u8)
        };
        ratings.insert("e310".into(), environment);
        let mut competences = std::collections::BTreeMap::new();
        competences.insert(Competence::Motivation.as_str().to_owned(), motivation);
        competences.insert(
            Competence::CopingWithStress.as_str().to_owned(),
            3 + dice.below(5) as u8,
        );
        let input = MeasurementInput {
            trajectory_id: Some(trajectory_id),
            measured_on: measured_on.min(today),
            moment: if step == 0 { Moment::Intake } else { Moment::During },
            rater: if step == 1 { Rater::Participant } else { Rater::Coach },
            ratings,
            competences,
            note: None,
        };
        onramp_store::icf::add_measurement(tx, participant_id, &input, Some(coach)).await?;
        for problem in problems.iter_mut() {
            if dice.below(3) != 0 {
                *problem = problem.saturating_sub(1);
            }
        }
        family = (family - 1).max(-3);
        motivation = (motivation + dice.below(3) as u8).min(10);
    }
    Ok(())
}

/// Demo plans of one trajectory: an action plan written at intake and revised later (shared with
/// the care team), and a canvas with an item made into a step, or a WRAP recovery plan.
async fn plans(
    tx: &mut Tx,
    dice: &mut Dice,
    trajectory_id: Uuid,
    boost2work: bool,
    coach: Uuid,
    took_a_step: bool,
    reviewed_on: NaiveDate,
) -> Result<()> {
    use onramp_domain::plans::{
        ActionPlan, Canvas, CanvasBlock, CanvasItem, Goal, Lever, PlanContent, RecoveryPlan, Step, StepOwner,
        StepStatus, WrapSection,
    };
    use onramp_store::plans::{VersionMeta, save};
    // A goal's title and its steps: what, who, and the lever it uses.
    type DemoGoal = (&'static str, [(&'static str, StepOwner, Option<Lever>); 3]);
    let goals: [DemoGoal; 3] = [
        (
            "Back to my own job, part time at first",
            [
                (
                    "Talk to the occupational physician about a phased return",
                    StepOwner::Participant,
                    None,
                ),
                (
                    "Ask for a workstation without heavy lifting",
                    StepOwner::Employer,
                    Some(Lever::ReasonableAdjustment),
                ),
                ("Visit the workplace together with the coach", StepOwner::Coach, None),
            ],
        ),
        (
            "Find out which work suits me now",
            [
                (
                    "Take part in the group sessions on wishes and interests",
                    StepOwner::Participant,
                    None,
                ),
                (
                    "Try volunteer work two mornings a week",
                    StepOwner::Participant,
                    Some(Lever::LearningOpportunity),
                ),
                (
                    "Discuss a growth job with the job mediator",
                    StepOwner::Coach,
                    Some(Lever::GrowthJob),
                ),
            ],
        ),
        (
            "Keep my energy up during the week",
            [
                (
                    "Plan rest moments between tasks",
                    StepOwner::Participant,
                    Some(Lever::JobCrafting),
                ),
                (
                    "Follow the pain education of the rehabilitation team",
                    StepOwner::CarePartner,
                    None,
                ),
                ("Agree a fixed weekly call with the coach", StepOwner::Coach, None),
            ],
        ),
    ];
    let first = dice.below(goals.len());
    let chosen = [first, (first + 1) % goals.len()];
    let mut plan = ActionPlan {
        goals: chosen
            .iter()
            .enumerate()
            .map(|(g, &k)| Goal {
                id: format!("g{g}"),
                title: goals[k].0.into(),
                steps: goals[k]
                    .1
                    .iter()
                    .enumerate()
                    .map(|(s, (text, owner, lever))| Step {
                        id: format!("g{g}s{s}"),
                        description: (*text).into(),
                        owner: *owner,
                        due_on: Some(reviewed_on + Days::new(30 * (s as u64 + 1))),
                        status: StepStatus::Planned,
                        levers: lever.iter().copied().collect(),
                        canvas_item: None,
                    })
                    .collect(),
            })
            .collect(),
    };
    let intake = VersionMeta {
        note: Some("Drawn up at the start of the action plan phase".into()),
        ..VersionMeta::default()
    };
    save(tx, trajectory_id, 0, &PlanContent::Action(plan.clone()), &intake, coach).await?;
    for step in plan.goals.iter_mut().flat_map(|g| g.steps.iter_mut()) {
        step.status = match dice.below(4) {
            0 => StepStatus::Planned,
            1 => StepStatus::InProgress,
            _ if took_a_step => StepStatus::Done,
            _ => StepStatus::InProgress,
        };
    }
    let review = VersionMeta {
        shared: true,
        note: Some("Reviewed with the participant; shared with the care team".into()),
        ..VersionMeta::default()
    };
    if boost2work {
        let items = [
            (CanvasBlock::WhoIAm, "Patient, precise, good with people"),
            (CanvasBlock::WhatIDo, "Cook for groups"),
            (CanvasBlock::WhoIHelp, "Elderly people who live alone"),
            (CanvasBlock::HowIHelp, "A warm meal and a chat"),
            (CanvasBlock::WhoHelpsMe, "My sister and my former colleague"),
            (CanvasBlock::WhatIGet, "A reason to get up, contact with others"),
            (CanvasBlock::WhatIGive, "Energy in the mornings"),
        ];
        let mut canvas = Canvas {
            items: items
                .iter()
                .enumerate()
                .map(|(n, (block, text))| CanvasItem {
                    id: format!("c{n}"),
                    block: *block,
                    text: (*text).into(),
                    step: None,
                })
                .collect(),
        };
        save(
            tx,
            trajectory_id,
            0,
            &PlanContent::Canvas(canvas.clone()),
            &intake,
            coach,
        )
        .await?;
        // "Cook for groups" became a step towards the first goal.
        canvas.items[1].step = Some("canvas1".into());
        plan.goals[0].steps.push(Step {
            id: "canvas1".into(),
            description: "Cook for groups".into(),
            owner: StepOwner::Participant,
            due_on: Some(reviewed_on + Days::new(45)),
            status: StepStatus::InProgress,
            levers: vec![Lever::LearningOpportunity],
            canvas_item: Some("c1".into()),
        });
        save(tx, trajectory_id, 1, &PlanContent::Canvas(canvas), &review, coach).await?;
    } else if dice.below(2) == 0 {
        let sections = [
            (
                WrapSection::WellnessToolbox,
                "Walking the dog\nCalling my sister\nMusic",
            ),
            (
                WrapSection::EveryDay,
                "Get up before eight\nA short walk\nOne task in the house",
            ),
            (WrapSection::Triggers, "Deadlines\nNoise in open-plan offices"),
            (WrapSection::EarlyWarningSigns, "Sleeping badly\nSkipping meals"),
            (
                WrapSection::EarlyWarningPlan,
                "Call the coach\nCut the day into small parts",
            ),
            (WrapSection::CrisisSupporters, "My sister (0470 00 00 00)\nMy GP"),
        ];
        let recovery = RecoveryPlan {
            sections: sections.iter().map(|(s, t)| (*s, (*t).to_owned())).collect(),
        };
        save(tx, trajectory_id, 0, &PlanContent::Recovery(recovery), &review, coach).await?;
    }
    save(tx, trajectory_id, 1, &PlanContent::Action(plan), &review, coach).await?;
    Ok(())
}

/// Whether the trajectory ran on `day` (its first and last day included).
fn ran_on(trajectory: &trajectories::Trajectory, day: NaiveDate) -> bool {
    trajectory.started_on <= day && trajectory.ended_on.is_none_or(|ended| day <= ended)
}

/// Someone who took part in a module 3 session worked on their recovery plan there: a new version
/// of the plan of the trajectory (of `theirs`) that ran that day names the session, as a coach
/// records it on the plan's edit page.
async fn cite_in_recovery_plan(
    tx: &mut Tx,
    theirs: &[trajectories::Trajectory],
    session: &onramp_store::group_sessions::GroupSession,
    coach: Uuid,
) -> Result<()> {
    use onramp_domain::plans::PlanKind;
    use onramp_store::plans;
    for trajectory in theirs.iter().filter(|t| ran_on(t, session.on_date)) {
        let Some(plan) = plans::get(tx, trajectory.id, PlanKind::Recovery).await? else {
            continue;
        };
        let current = plans::version(tx, plan.id, plan.version)
            .await?
            .expect("a plan's latest version");
        let meta = plans::VersionMeta {
            shared: true,
            group_session_id: Some(session.id),
            note: Some("Worked out in the module 3 group session".into()),
            ..plans::VersionMeta::default()
        };
        plans::save(tx, trajectory.id, plan.version, &current.content, &meta, coach).await?;
    }
    Ok(())
}

pub async fn hours(tx: &mut Tx, coaches: &[(Uuid, Vec<Uuid>)], today: NaiveDate) -> Result<()> {
    let start = NaiveDate::from_ymd_opt(today.format("%Y").to_string().parse()?, 1, 6).expect("a date");
    for (coach, works_at) in coaches {
        for (nth, &organisation_id) in works_at.iter().enumerate() {
            let location_id = locations::list_for_organisation(tx, organisation_id)
                .await?
                .first()
                .map(|l| l.id);
            let people = trajectories::open_for_coach_at(tx, *coach, organisation_id, 3).await?;
            let mut on = start;
            let mut fortnight = 0;
            while on <= today {
                if fortnight % 2 == 0 {
                    let input = TimeEntryInput {
                        organisation_id,
                        location_id,
                        on,
                        category: TimeCategory::Administration,
                        minutes: 180,
                        note: Some("Registratie en rapportage".into()),
                    };
                    coaching::add_time_entry(tx, &input, *coach).await?;
                }
                // A presence action every four weeks at the coach's first partner, reaching a few,
                // so that the steps taken land near the agreements' 15% of those contacted.
                if fortnight % 2 == 0 && nth == 0 {
                    let kind = ["info_point", "info_session", "storytelling_tv"][fortnight % 3];
                    let action = onramp_domain::presence::PresenceActionInput {
                        kind: kind.into(),
                        organisation_id,
                        location_id,
                        on,
                        minutes: 120,
                        reached: 4 + (fortnight as i32 * 3) % 5,
                        description: None,
                    };
                    onramp_store::presence::add(tx, &action, *coach).await?;
                }
                if fortnight % 2 == 1 {
                    let input = ConsultationInput {
                        organisation_id,
                        location_id,
                        on,
                        minutes: 90,
                        attendees: "Behandelend arts, ergotherapeut, psycholoog".into(),
                        participant_ids: people.clone(),
                        decisions: Some("Stappen naar werk bespreken in het volgende gesprek.".into()),
                    };
                    coaching::add_consultation(tx, &input, *coach).await?;
                }
                on = on + Days::new(14);
                fortnight += 1;
            }
        }
    }
    Ok(())
}

/// Each coach's group sessions at their first partner: a We go to work module 2 series every
/// quarter over the past year, with attendance, a module 3 session six weeks ago whose participants'
/// recovery plans name it, and an information session every two weeks from this week (every other
/// coach's online). The demo peer expert co-leads the first coach's.
pub async fn sessions(tx: &mut Tx, coaches: &[(Uuid, Vec<Uuid>)], peer_expert: Uuid, today: NaiveDate) -> Result<()> {
    use chrono::NaiveTime;
    use onramp_domain::sessions::{Attendance, SeriesInput};
    use onramp_store::group_sessions;
    let wgtw = programmes::find_by_code(tx, "we-go-to-work")
        .await?
        .expect("built-in programme");
    let mut dice = Dice(4242);
    for (n, (coach, works_at)) in coaches.iter().enumerate() {
        let Some(&organisation_id) = works_at.first() else {
            continue;
        };
        let region_id = organisations::get(tx, organisation_id).await?.and_then(|o| o.region_id);
        let location_id = locations::list_for_organisation(tx, organisation_id)
            .await?
            .first()
            .map(|l| l.id);
        let people = trajectories::open_for_coach_at(tx, *coach, organisation_id, 8).await?;
        // Their trajectories: nobody attends a session outside them.
        let mut followed = Vec::new();
        for &person in &people {
            followed.push((person, trajectories::list_for(tx, person).await?));
        }
        // A module 2 series every quarter over the past year, a module 3 session, then information
        // sessions ahead.
        // The last series' sixth session was three days ago, its attendance not taken yet: the
        // coach's worklist asks for it.
        let past = [350, 260, 170, 38].map(|days| {
            (
                "module_2",
                "Wensen, interesses en mogelijkheden",
                today - Days::new(days),
                6,
                1,
                false,
            )
        });
        // Six weeks ago, a module 3 session where people worked on their recovery plans.
        let recovery = (
            "module_3",
            "Herstelplan: mijn welzijn in eigen handen",
            today - Days::new(42),
            1,
            1,
            false,
        );
        let ahead = (
            "module_1",
            "Infosessie: terug aan het werk",
            today + Days::new(2),
            4,
            2,
            n % 2 == 1,
        );
        for (module, title, first, count, weeks, online) in past.into_iter().chain([recovery, ahead]) {
            let input = SeriesInput {
                programme_id: wgtw.id,
                module: module.into(),
                title: title.into(),
                organisation_id,
                location_id,
                online,
                open_to_partners: module == "module_1",
                capacity: 12,
                coach_id: Some(*coach),
                peer_expert_id: (n == 0).then_some(peer_expert),
                first_date: first,
                start_time: NaiveTime::from_hms_opt(13, 30, 0).expect("a time"),
                minutes: 120,
                sessions: count,
                weeks_between: weeks,
            };
            let starts: Vec<_> = input
                .starts()
                .into_iter()
                .map(|local| onramp_domain::sessions::start_in_utc(local).expect("13:30 exists every day"))
                .collect();
            let series = group_sessions::create_series(tx, &input, region_id, &starts, *coach).await?;
            for session in group_sessions::in_series(tx, series).await? {
                for (person, theirs) in &followed {
                    let person = *person;
                    if !theirs.iter().any(|t| ran_on(t, session.on_date)) {
                        continue;
                    }
                    group_sessions::enrol(tx, session.id, person, *coach).await?;
                    if session.on_date < today - Days::new(3) {
                        let attendance = *dice.pick(&[
                            Attendance::Present,
                            Attendance::Present,
                            Attendance::Present,
                            Attendance::Excused,
                            Attendance::Absent,
                        ]);
                        group_sessions::mark(tx, session.id, person, attendance, *coach).await?;
                        if module == "module_3" && attendance == Attendance::Present {
                            cite_in_recovery_plan(tx, theirs, &session, *coach).await?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
