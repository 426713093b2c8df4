//! The dashboard's kept counts against a recount from the records: after random sequences of
//! writes, corrections, handovers and rolled-back transactions on the demo data, for random
//! periods, every region, every programme and everything, and for partners, locations and coaches
//! (each alone and a coach within a region), the two must agree figure for figure.

use crate::support::TestDb;
use chrono::{Days, NaiveDate};
use onramp_domain::outcomes::{BarrierCode, BarrierInput, ExitSituation, OutcomeInput, OutcomeKind};
use onramp_domain::participants::{ParticipantFields, ParticipantInput};
use onramp_domain::sessions::Attendance;
use onramp_store::dashboard::counts::{self, Unit};
use onramp_store::dashboard::{self, Scope};
use onramp_store::{Db, StoreError, Tx, group_sessions, outcomes, participants, presence, trajectories};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use uuid::Uuid;

/// One write a user can make that changes a figure. Indexes pick among what the database holds.
#[derive(Debug, Clone)]
enum Op {
    Start {
        participant: usize,
        programme: usize,
        partner: usize,
        days_ago: u64,
        /// A location of the partner (or none), and a coach (or none).
        location: Option<usize>,
        coach: Option<usize>,
    },
    /// A new responsible coach: the trajectory's figures move to them.
    Handover {
        trajectory: usize,
        coach: usize,
    },
    Exit {
        trajectory: usize,
        after_days: u64,
        situation: Option<usize>,
    },
    Outcome {
        trajectory: usize,
        kind: usize,
    },
    Barrier {
        trajectory: usize,
        code: usize,
    },
    /// Attendance taken for one to three people at once (participant, attendance).
    Attend {
        session: usize,
        marks: Vec<(usize, usize)>,
    },
    /// Corrects the day the incapacity began (or clears it).
    Incapacity {
        participant: usize,
        days_before: Option<u64>,
    },
    Link {
        action: usize,
        participant: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0..10_000usize;
    prop_oneof![
        (
            (i(), i(), i(), 0..2_000u64),
            (proptest::option::of(i()), proptest::option::of(i()))
        )
            .prop_map(
                |((participant, programme, partner, days_ago), (location, coach))| Op::Start {
                    participant,
                    programme,
                    partner,
                    days_ago,
                    location,
                    coach,
                }
            ),
        (i(), i()).prop_map(|(trajectory, coach)| Op::Handover { trajectory, coach }),
        (i(), 0..900u64, proptest::option::of(i())).prop_map(|(trajectory, after_days, situation)| Op::Exit {
            trajectory,
            after_days,
            situation
        }),
        (i(), i()).prop_map(|(trajectory, kind)| Op::Outcome { trajectory, kind }),
        (i(), i()).prop_map(|(trajectory, code)| Op::Barrier { trajectory, code }),
        (i(), proptest::collection::vec((i(), i()), 1..4)).prop_map(|(session, marks)| Op::Attend { session, marks }),
        (i(), proptest::option::of(0..1_200u64)).prop_map(|(participant, days_before)| Op::Incapacity {
            participant,
            days_before
        }),
        (i(), i()).prop_map(|(action, participant)| Op::Link { action, participant }),
    ]
}

/// A sequence of writes, each committed or rolled back, and the periods to compare.
#[derive(Debug, Clone)]
struct Case {
    ops: Vec<(Op, bool)>,
    /// (days before today the period starts, its length in days).
    periods: Vec<(u64, u64)>,
    /// The partner, location and coach compared after each write (all are compared at the end).
    units: (usize, usize, usize),
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec((op(), proptest::bool::weighted(0.2)), 1..24),
        proptest::collection::vec((0..2_200u64, 0..800u64), 3),
        (0..10_000usize, 0..10_000usize, 0..10_000usize),
    )
        .prop_map(|(ops, periods, units)| Case { ops, periods, units })
}

/// What the writes choose among, read from the demo data.
pub(crate) struct World {
    pub(crate) participants: Vec<Uuid>,
    pub(crate) programmes: Vec<Uuid>,
    /// Partners with their region.
    pub(crate) partners: Vec<(Uuid, Option<Uuid>)>,
    pub(crate) regions: Vec<Uuid>,
    /// Locations with their partner.
    pub(crate) locations: Vec<(Uuid, Uuid)>,
    pub(crate) coaches: Vec<Uuid>,
    pub(crate) sessions: Vec<Uuid>,
    pub(crate) actions: Vec<Uuid>,
    pub(crate) user: Uuid,
    pub(crate) today: NaiveDate,
}

async fn ids(db: &Db, sql: &str) -> Vec<Uuid> {
    let mut conn = db.conn().await.unwrap();
    onramp_store::run!(&mut conn, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(c).await).unwrap()
}

impl World {
    pub(crate) async fn read(db: &Db) -> World {
        let mut conn = db.conn().await.unwrap();
        // Where the demo follows trajectories, with the region they count in.
        let sql = "SELECT DISTINCT organisation_id, region_id FROM trajectories ORDER BY organisation_id";
        let partners = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
        let sql = "SELECT id, organisation_id FROM locations ORDER BY id";
        let locations = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
        World {
            locations,
            coaches: ids(db, "SELECT id FROM users WHERE role = 'coach' ORDER BY id").await,
            participants: ids(db, "SELECT id FROM participants ORDER BY id").await,
            programmes: ids(db, "SELECT id FROM programmes ORDER BY id").await,
            partners,
            regions: ids(db, "SELECT id FROM regions ORDER BY id").await,
            sessions: ids(db, "SELECT id FROM group_sessions ORDER BY id").await,
            actions: ids(db, "SELECT id FROM presence_actions ORDER BY id").await,
            user: ids(db, "SELECT id FROM users ORDER BY id").await[0],
            today: onramp_web::time::today(),
        }
    }
}

pub(crate) fn pick<T: Copy>(items: &[T], i: usize) -> T {
    items[i % items.len()]
}

/// (id, participant, start) of every trajectory, in a stable order.
async fn trajectories_now(db: &Db) -> Vec<(Uuid, Uuid, NaiveDate)> {
    let mut conn = db.conn().await.unwrap();
    let sql = "SELECT id, participant_id, started_on FROM trajectories ORDER BY id";
    onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap()
}

fn a_person(since: Option<NaiveDate>, today: NaiveDate) -> ParticipantInput {
    let fields = ParticipantFields {
        first_name: "Mira".into(),
        last_name: "Counted".into(),
        birth_date: "1975-06-01".into(),
        health_category: "chronic_pain".into(),
        situation: "employed_on_sick_leave".into(),
        incapacity_since: since.map(|d| d.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    ParticipantInput::parse(&fields, today).expect("valid fields")
}

/// Makes one write in `tx`. Refusals (a second open trajectory, an exit of an ended one) are
/// errors the caller rolls back, as the application does.
async fn write(
    tx: &mut Tx,
    world: &World,
    op: &Op,
    trajectories: &[(Uuid, Uuid, NaiveDate)],
) -> Result<(), StoreError> {
    let at = |i: usize| trajectories[i % trajectories.len()];
    match op {
        Op::Start {
            participant,
            programme,
            partner,
            days_ago,
            location,
            coach,
        } => {
            let (organisation_id, region_id) = pick(&world.partners, *partner);
            let started_on = world.today - Days::new(*days_ago);
            let here: Vec<Uuid> = world
                .locations
                .iter()
                .filter(|(_, at)| *at == organisation_id)
                .map(|(id, _)| *id)
                .collect();
            let location_id = location.filter(|_| !here.is_empty()).map(|l| pick(&here, l));
            let new = trajectories::NewTrajectory {
                participant_id: pick(&world.participants, *participant),
                participant_name: "counted mira".into(),
                programme_id: pick(&world.programmes, *programme),
                organisation_id,
                region_id,
                location_id,
                coach_id: coach.map(|c| pick(&world.coaches, c)),
                started_on,
                ends_by: started_on + Days::new(365),
                first_phase: "intake".into(),
            };
            trajectories::start(tx, &new, Some(world.user)).await.map(|_| ())
        }
        Op::Handover { trajectory, coach } => {
            let (id, _, started_on) = at(*trajectory);
            let coach = pick(&world.coaches, *coach);
            trajectories::hand_over(tx, id, coach, started_on, None, Some(world.user))
                .await
                .map(|_| ())
        }
        Op::Exit {
            trajectory,
            after_days,
            situation,
        } => {
            let (id, _, started_on) = at(*trajectory);
            let exit = trajectories::Exit {
                on: started_on + Days::new(*after_days),
                reason: "completed",
                situation: situation.map(|s| pick(ExitSituation::ALL, s).as_str()),
                note: None,
            };
            trajectories::exit(tx, id, &exit, Some(world.user)).await.map(|_| ())
        }
        Op::Outcome { trajectory, kind } => outcome_at_start(tx, world, at(*trajectory), *kind).await,
        Op::Barrier { trajectory, code } => {
            let (trajectory_id, participant_id, started_on) = at(*trajectory);
            let input = BarrierInput {
                trajectory_id,
                code: pick(BarrierCode::ALL, *code).as_str().to_owned(),
                noted_on: started_on,
                note: None,
            };
            outcomes::add_barrier(tx, &input, participant_id, world.user)
                .await
                .map(|_| ())
        }
        Op::Attend { session, marks } => {
            let session = pick(&world.sessions, *session);
            let mut list = Vec::new();
            for (participant, attendance) in marks {
                let participant = pick(&world.participants, *participant);
                group_sessions::enrol(tx, session, participant, world.user).await?;
                list.push((participant, pick(Attendance::ALL, *attendance)));
            }
            match group_sessions::mark_many(tx, session, &list, world.user).await? {
                group_sessions::Marked::All => Ok(()),
                group_sessions::Marked::NotEnrolled(n) => panic!("mark {n} was enrolled just before"),
            }
        }
        Op::Incapacity {
            participant,
            days_before,
        } => {
            let since = days_before.map(|d| world.today - Days::new(d));
            let id = pick(&world.participants, *participant);
            participants::update(tx, id, &a_person(since, world.today))
                .await
                .map(|_| ())
        }
        Op::Link { action, participant } => {
            presence::link(
                tx,
                pick(&world.actions, *action),
                pick(&world.participants, *participant),
            )
            .await
        }
    }
}

/// An outcome of kind `kind` (an index) on the day the trajectory started.
pub(crate) async fn outcome_at_start(
    tx: &mut Tx,
    world: &World,
    (trajectory_id, participant_id, started_on): (Uuid, Uuid, NaiveDate),
    kind: usize,
) -> Result<(), StoreError> {
    let input = OutcomeInput {
        trajectory_id,
        kind: pick(OutcomeKind::ALL, kind),
        on: started_on,
        hours_per_week: None,
        contract: None,
        place: None,
        with_support: false,
        note: None,
    };
    outcomes::add(tx, &input, participant_id, world.user).await.map(|_| ())
}

fn everything(from: NaiveDate, to: NaiveDate) -> Scope {
    Scope::period(from, to)
}

/// Which units `compare` holds to a recount besides everything, the regions and the programmes.
enum Units {
    /// One partner, one location, one coach (alone and within each region).
    Picked(usize, usize, usize),
    /// Every partner, location and coach.
    All,
}

/// The scopes of one period to compare.
fn scopes(world: &World, scope: Scope, units: &Units) -> Vec<Scope> {
    let mut scopes = vec![scope];
    scopes.extend(world.regions.iter().map(|r| Scope {
        region_id: Some(*r),
        ..scope
    }));
    scopes.extend(world.programmes.iter().map(|p| Scope {
        programme_id: Some(*p),
        ..scope
    }));
    let (partners, locations, coaches): (Vec<Uuid>, Vec<(Uuid, Uuid)>, Vec<Uuid>) = match units {
        Units::Picked(p, l, c) => (
            vec![pick(&world.partners, *p).0],
            vec![pick(&world.locations, *l)],
            vec![pick(&world.coaches, *c)],
        ),
        Units::All => (
            world.partners.iter().map(|(id, _)| *id).collect(),
            world.locations.clone(),
            world.coaches.clone(),
        ),
    };
    for partner in partners {
        scopes.push(Scope {
            organisation_id: Some(partner),
            ..scope
        });
    }
    for (location, partner) in locations {
        scopes.push(Scope {
            organisation_id: Some(partner),
            location_id: Some(location),
            ..scope
        });
    }
    for coach in coaches {
        let alone = Scope {
            coach_id: Some(coach),
            ..scope
        };
        scopes.push(alone);
        scopes.extend(world.regions.iter().map(|r| Scope {
            region_id: Some(*r),
            ..alone
        }));
    }
    scopes
}

/// The kept counts and the recount over `periods`, for everything, each region and programme,
/// and `units`.
async fn compare(db: &Db, world: &World, periods: &[(u64, u64)], units: &Units) -> Result<(), TestCaseError> {
    let mut conn = db.conn().await.unwrap();
    for (days_ago, length) in periods {
        let from = world.today - Days::new(*days_ago);
        for scope in scopes(world, everything(from, from + Days::new(*length)), units) {
            let unit = counts::unit_of(&scope).expect("a kept unit");
            let kept = counts::tally(&mut conn, unit, scope).await.unwrap();
            let recounted = dashboard::recount(&mut conn, scope).await.unwrap();
            prop_assert_eq!(kept, recounted, "{:?}", scope);
        }
    }
    Ok(())
}

async fn run_case(db: &Db, world: &World, case: &Case) -> Result<(), TestCaseError> {
    let (p, l, c) = case.units;
    for (op, roll_back) in &case.ops {
        let trajectories = trajectories_now(db).await;
        let mut tx = db.begin().await.unwrap();
        let written = write(&mut tx, world, op, &trajectories).await;
        if written.is_ok() && !roll_back {
            tx.commit().await.unwrap();
        } else {
            drop(tx);
        }
        compare(db, world, &case.periods, &Units::Picked(p, l, c)).await?;
    }
    compare(db, world, &case.periods, &Units::All).await
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_kept_counts_equal_a_recount_after_random_writes() {
    let rt = runtime();
    let _context = rt.enter();
    let test = rt.block_on(TestDb::with_demo());
    let world = rt.block_on(World::read(&test.db));
    // Sanity: the demo gives every kind of write something to act on.
    assert!(world.participants.len() > 100 && world.sessions.len() > 10 && !world.actions.is_empty());
    assert!(world.regions.len() > 1 && world.programmes.len() > 1 && world.partners.len() > 1);
    assert!(world.locations.len() > 1 && world.coaches.len() > 1);
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |case| rt.block_on(run_case(&test.db, &world, &case)));
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // Something was counted: the comparison did not pass on two empty tallies.
    let year = everything(world.today - Days::new(365), world.today);
    let mut conn = rt.block_on(test.db.conn()).unwrap();
    let tally = rt.block_on(counts::tally(&mut conn, Unit::All, year)).unwrap();
    assert!(tally.get("started") > 50 && tally.get("took_step") > 0, "{tally:?}");
    // The units were not all empty: the coaches and locations hold some of it.
    let sql = "SELECT COUNT(DISTINCT unit) FROM dashboard_counts WHERE trajectories > 0";
    let kinds: i64 = rt
        .block_on(async { onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await) })
        .unwrap();
    assert_eq!(kinds, 4, "everything, partners, locations and coaches are counted");
}

#[test]
fn counts_lost_or_never_made_are_made_again_from_the_records() {
    let rt = runtime();
    let _context = rt.enter();
    let test = rt.block_on(TestDb::with_demo());
    let world = rt.block_on(World::read(&test.db));
    let periods = [(365, 365), (2_000, 2_100), (45, 20)];
    rt.block_on(compare(&test.db, &world, &periods, &Units::All)).unwrap();
    // As after an upgrade from before the counts: nothing counted.
    rt.block_on(async {
        let mut tx = test.db.begin().await.unwrap();
        for sql in ["DELETE FROM dashboard_counts", "DELETE FROM dashboard_facts"] {
            onramp_store::run!(&mut tx, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected())).unwrap();
        }
        tx.commit().await.unwrap();
    });
    let mut conn = rt.block_on(test.db.conn()).unwrap();
    let year = everything(world.today - Days::new(365), world.today);
    assert_eq!(
        rt.block_on(counts::tally(&mut conn, Unit::All, year))
            .unwrap()
            .get("started"),
        0
    );
    drop(conn);
    // Start-up counts them again.
    rt.block_on(test.db.migrate()).unwrap();
    rt.block_on(compare(&test.db, &world, &periods, &Units::All)).unwrap();
    let mut conn = rt.block_on(test.db.conn()).unwrap();
    assert!(
        rt.block_on(counts::tally(&mut conn, Unit::All, year))
            .unwrap()
            .get("started")
            > 50
    );
}
