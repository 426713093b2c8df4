//! The SQL scopes of the lists of people and sessions against `policy::decide`, for every account of
//! every role, on the demo data (with consents, withdrawals and registrations added) and on
//! generated data: each row a list returns is one the policy allows, and every record the policy
//! allows is returned. The sample is every record of the database, so it holds records outside
//! each scope. The lists: the caseload, the check-ins due, the people behind the dashboard's
//! figures, the group sessions, and the export's people without a trajectory.

use crate::participants::register;
use crate::support::*;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::identity::Role;
use onramp_domain::organisations::OrganisationRef;
use onramp_domain::policy::{self, Action, Actor, Decision, FollowedAt, ParticipantRef, SessionRef, TrajectoryRef};
use onramp_store::Db;
use onramp_store::caseload::{self, Filter, Sort, Status};
use onramp_store::dashboard::{self, Figure};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// A session's start and id: the order of the session lists.
type Started = (DateTime<Utc>, Uuid);

/// Every record the lists show, as the policy sees it, read straight from the tables.
struct Facts {
    trajectories: HashMap<Uuid, TrajectoryRef>,
    /// People registered without a trajectory yet.
    unplaced: HashMap<Uuid, ParticipantRef>,
    /// Open check-ins: due date, id, trajectory.
    check_ins: Vec<(NaiveDate, Uuid, Uuid)>,
    sessions: Vec<(Started, SessionRef)>,
}

async fn facts(db: &Db) -> Facts {
    let mut conn = db.conn().await.unwrap();
    // A consent holds until withdrawn, and through its last day.
    let sql = "SELECT participant_id, organisation_id FROM consents
               WHERE purpose = 'share_care_team' AND withdrawn_on IS NULL AND organisation_id IS NOT NULL
                 AND (ends_on IS NULL OR ends_on >= $1)";
    let today = onramp_web::time::today();
    let consents: Vec<(Uuid, Uuid)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(sql).bind(today).fetch_all(c).await).unwrap();
    let mut shared: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (participant, organisation) in consents {
        shared.entry(participant).or_default().push(organisation);
    }
    let shared_with = |participant: &Uuid| shared.get(participant).cloned().unwrap_or_default();

    let sql = "SELECT id, participant_id, organisation_id, region_id, coach_id FROM trajectories";
    type TrajectoryRow = (Uuid, Uuid, Uuid, Option<Uuid>, Option<Uuid>);
    let rows: Vec<TrajectoryRow> = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
    let trajectories = rows
        .into_iter()
        .map(|(id, participant, organisation_id, region_id, coach_id)| {
            let at = FollowedAt {
                organisation_id,
                region_id,
                coach_id,
            };
            let shared_with = shared_with(&participant);
            (id, TrajectoryRef { at, shared_with })
        })
        .collect();

    let sql = "SELECT p.id, p.organisation_id, o.region_id, p.created_by FROM participants p
               JOIN organisations o ON o.id = p.organisation_id
               WHERE NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.participant_id = p.id)";
    type PersonRow = (Uuid, Uuid, Option<Uuid>, Option<Uuid>);
    let rows: Vec<PersonRow> = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
    let unplaced = rows
        .into_iter()
        .map(|(id, organisation, region_id, created_by)| {
            let reference = ParticipantRef {
                registered_at: Some(OrganisationRef {
                    id: organisation,
                    region_id,
                }),
                registered_by: created_by,
                followed: Vec::new(),
                shared_with: shared_with(&id),
            };
            (id, reference)
        })
        .collect();

    let sql = "SELECT due_on, id, trajectory_id FROM check_ins WHERE done_on IS NULL";
    let check_ins = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();

    let sql = "SELECT id, starts_at, organisation_id, region_id, coach_id, peer_expert_id, open_to_partners
               FROM group_sessions";
    type SessionRow = (
        Uuid,
        DateTime<Utc>,
        Uuid,
        Option<Uuid>,
        Option<Uuid>,
        Option<Uuid>,
        bool,
    );
    let rows: Vec<SessionRow> = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
    let sessions = rows
        .into_iter()
        .map(
            |(id, starts_at, organisation_id, region_id, coach_id, peer_expert_id, open)| {
                let session = SessionRef {
                    organisation_id,
                    region_id,
                    coach_id,
                    peer_expert_id,
                    open_to_partners: open,
                };
                ((starts_at, id), session)
            },
        )
        .collect();
    Facts {
        trajectories,
        unplaced,
        check_ins,
        sessions,
    }
}

/// Every account's actor, as the server builds it at sign-in.
async fn actors(db: &Db) -> Vec<(String, Actor)> {
    let mut conn = db.conn().await.unwrap();
    let sql = "SELECT email FROM users ORDER BY email";
    let emails: Vec<String> = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).fetch_all(c).await).unwrap();
    let mut actors = Vec::new();
    for email in emails {
        let user = onramp_store::users::find_by_email(&mut conn, &email)
            .await
            .unwrap()
            .unwrap();
        actors.push((email, user.actor()));
    }
    actors
}

/// How often, over all accounts, a list held a record and left one out: the comparison means
/// something only if both happen.
#[derive(Debug, Default)]
struct Coverage {
    listed: HashMap<&'static str, usize>,
    left_out: HashMap<&'static str, usize>,
}

impl Coverage {
    fn count(&mut self, list: &'static str, listed: usize, sample: usize) {
        *self.listed.entry(list).or_default() += listed;
        *self.left_out.entry(list).or_default() += sample - listed;
    }
}

fn allowed(actor: &Actor, action: Action<'_>) -> bool {
    policy::decide(actor, action) == Decision::Allow
}

/// The period every list is asked for: all the data.
const FROM: &str = "2000-01-01";
const TO: &str = "2100-12-31";

/// Checks every list for every account of the database.
async fn check_every_list(db: &Db, label: &str) -> Coverage {
    let facts = facts(db).await;
    let actors = actors(db).await;
    let roles: BTreeSet<Role> = actors.iter().map(|(_, a)| a.role).collect();
    assert_eq!(roles.len(), Role::ALL.len(), "{label}: an account of every role");
    let mut coverage = Coverage::default();
    let mut conn = db.conn().await.unwrap();
    let (from, to): (NaiveDate, NaiveDate) = (FROM.parse().unwrap(), TO.parse().unwrap());
    for (email, actor) in &actors {
        let who = format!("{label}, {email}");

        // The caseload, page after page.
        let expected: BTreeSet<Uuid> = facts
            .trajectories
            .iter()
            .filter(|(_, t)| allowed(actor, Action::ViewTrajectory(t)))
            .map(|(id, _)| *id)
            .collect();
        let mut filter = Filter {
            status: Status::All,
            ..Filter::default()
        };
        let mut listed = Vec::new();
        loop {
            let page = caseload::page(&mut conn, actor, &filter, 500).await.unwrap();
            listed.extend(page.iter().map(|r| r.trajectory_id));
            match page.last() {
                Some(last) if page.len() == 500 => filter.after = Some(last.cursor(Sort::Name)),
                _ => break,
            }
        }
        let set: BTreeSet<Uuid> = listed.iter().copied().collect();
        assert_eq!(
            set.len(),
            listed.len(),
            "{who}: the caseload lists each trajectory once"
        );
        assert_eq!(set, expected, "{who}: the caseload is what ViewTrajectory allows");
        coverage.count("caseload", listed.len(), facts.trajectories.len());

        // The people behind the dashboard's figures, over all the data: each figure's trajectories
        // (the administrator's list, checked against the table for `started`) as far as
        // ViewTrajectory allows.
        let scope = dashboard::Scope::period(from, to);
        for figure in [
            Figure::Started,
            Figure::ContactedIndividually,
            Figure::Engaged,
            Figure::TookStep,
            Figure::PaidWork,
            Figure::Exited(None),
        ] {
            let people = figure_people(&mut conn, scope, &figure, actor).await;
            let everyone = figure_people(&mut conn, scope, &figure, &administrator()).await;
            if figure == Figure::Started {
                let all: BTreeSet<Uuid> = facts.trajectories.keys().copied().collect();
                assert_eq!(everyone, all, "{label}: every trajectory started in the period");
            }
            let expected: BTreeSet<Uuid> = everyone
                .iter()
                .filter(|id| allowed(actor, Action::ViewTrajectory(&facts.trajectories[*id])))
                .copied()
                .collect();
            assert_eq!(people, expected, "{who}: the people of {figure:?}");
            coverage.count("figure people", people.len(), everyone.len());
        }

        // The check-ins due: exactly the open ones FollowUpCheckIns allows, soonest first, 200 at
        // most; once by a day that leaves fewer than 200, so that none is cut off.
        let mut open: Vec<(NaiveDate, Uuid)> = facts
            .check_ins
            .iter()
            .filter(|(_, _, t)| allowed(actor, Action::FollowUpCheckIns(&facts.trajectories[t])))
            .map(|&(due, id, _)| (due, id))
            .collect();
        open.sort();
        let some_day = open.get(open.len().min(150) / 2).map_or(from, |(due, _)| *due);
        for until in [some_day, to] {
            let mut expected: Vec<(NaiveDate, Uuid)> = open.iter().filter(|(due, _)| *due <= until).copied().collect();
            expected.truncate(200);
            let due = onramp_store::check_ins::due(&mut conn, actor, until).await.unwrap();
            let due: Vec<(NaiveDate, Uuid)> = due.iter().map(|c| (c.due_on, c.id)).collect();
            assert_eq!(due, expected, "{who}: the check-ins due by {until}");
            if until == some_day {
                let sample = facts.check_ins.iter().filter(|(d, _, _)| *d <= until).count();
                coverage.count("check-ins due", due.len(), sample);
            }
        }

        // The group sessions, in time order.
        let mut expected: Vec<Started> = facts
            .sessions
            .iter()
            .filter(|(_, s)| allowed(actor, Action::ViewSession(s)))
            .map(|(started, _)| *started)
            .collect();
        expected.sort();
        let scope = policy::session_scope(actor);
        let sessions = onramp_store::group_sessions::list(&mut conn, scope, actor.user_id, from, to, None, 1_000_000)
            .await
            .unwrap();
        let sessions: Vec<Started> = sessions.iter().map(|s| (s.starts_at, s.id)).collect();
        assert_eq!(sessions, expected, "{who}: the sessions are what ViewSession allows");
        coverage.count("sessions", sessions.len(), facts.sessions.len());

        // The export's people without a trajectory: their registration as ViewParticipant sees it.
        let expected: BTreeSet<Uuid> = facts
            .unplaced
            .iter()
            .filter(|(_, p)| allowed(actor, Action::ViewParticipant(p)))
            .map(|(id, _)| *id)
            .collect();
        let listed = onramp_store::participants::without_trajectory(&mut conn, actor)
            .await
            .unwrap();
        let set: BTreeSet<Uuid> = listed.iter().copied().collect();
        assert_eq!(set.len(), listed.len(), "{who}: each person once");
        assert_eq!(set, expected, "{who}: the people without a trajectory");
        coverage.count("without trajectory", listed.len(), facts.unplaced.len());
    }
    coverage
}

/// An administrator's actor: every trajectory, the oracle of a figure's people.
fn administrator() -> Actor {
    Actor {
        user_id: Uuid::nil(),
        role: Role::Administrator,
        organisations: Vec::new(),
        regions: Vec::new(),
    }
}

/// The trajectories behind a figure that the actor may see, page after page.
async fn figure_people(
    conn: &mut impl onramp_store::Access,
    scope: dashboard::Scope,
    figure: &Figure,
    actor: &Actor,
) -> BTreeSet<Uuid> {
    let mut found = Vec::new();
    let mut after = None;
    loop {
        let page = dashboard::people(&mut *conn, scope, figure, actor, after.clone(), 500)
            .await
            .unwrap();
        found.extend(page.iter().map(|p| p.trajectory_id));
        match page.last() {
            Some(last) if page.len() == 500 => after = Some((last.participant_name.clone(), last.trajectory_id)),
            _ => break,
        }
    }
    let set: BTreeSet<Uuid> = found.iter().copied().collect();
    assert_eq!(set.len(), found.len(), "a figure lists each trajectory once");
    set
}

fn assert_covered(coverage: &Coverage, label: &str, lists: &[&str]) {
    for list in lists {
        let (listed, left_out) = (coverage.listed[list], coverage.left_out[list]);
        assert!(
            listed > 0 && left_out > 0,
            "{label}, {list}: {listed} listed, {left_out} left out"
        );
    }
}

/// The demo data, with consents to share with care teams (some with the partner that follows the
/// person, some with another, some withdrawn, some given up to a day that passed or up to today)
/// and people registered without a trajectory, among them two whose registering coach no longer
/// works at the partner that registered them.
#[tokio::test]
async fn every_role_lists_exactly_what_the_policy_allows_on_the_demo_data() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let before = facts(&app.db).await;
    let mut organisations: Vec<Uuid> = before.trajectories.values().map(|t| t.at.organisation_id).collect();
    organisations.sort();
    organisations.dedup();
    let mut participants: Vec<(Uuid, Uuid)> = {
        let mut conn = app.db.conn().await.unwrap();
        let sql = "SELECT participant_id, organisation_id FROM trajectories ORDER BY participant_id, id";
        onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap()
    };
    participants.dedup_by_key(|(p, _)| *p);
    for (n, (participant, followed_at)) in participants.iter().step_by(7).take(40).enumerate() {
        // Even ones share with the partner that follows them, odd ones with another.
        let with = if n % 2 == 0 {
            *followed_at
        } else {
            organisations[(n + 1) % organisations.len()]
        };
        let mut consent = json!({"purpose": "share_care_team", "version": "2026-01", "given_on": "2026-01-05",
                                 "organisation_id": with});
        // Some given up to an end: passed (as withdrawn), or today (still holding).
        let today = onramp_web::time::today();
        match n % 5 {
            2 => consent["ends_on"] = json!((today - chrono::Days::new(1)).to_string()),
            3 => consent["ends_on"] = json!(today.to_string()),
            _ => {}
        }
        let path = format!("/api/v1/participants/{participant}/consents");
        let (status, given) = app.send_json(&admin, "POST", &path, consent).await;
        assert_eq!(status, StatusCode::CREATED, "{given}");
        if n % 5 == 4 {
            let path = format!("{path}/{}/withdraw", given["id"].as_str().unwrap());
            assert_eq!(app.send_json(&admin, "POST", &path, json!({})).await.0, StatusCode::OK);
        }
    }
    // People registered without a trajectory: by coaches at their partners, by the administrator.
    let coach = app.actor(COACH_LIMBURG).await;
    let other_coach = app.actor("an.peeters@gtb.demo").await;
    let scheldeoever: Uuid = app
        .organisation_id("Revalidatieziekenhuis Scheldeoever")
        .await
        .parse()
        .unwrap();
    let mut registered = Vec::new();
    for (n, (email, at)) in [
        (COACH_LIMBURG, coach.organisations[0]),
        (COACH_LIMBURG, *coach.organisations.last().unwrap()),
        ("an.peeters@gtb.demo", other_coach.organisations[0]),
        ("an.peeters@gtb.demo", *other_coach.organisations.last().unwrap()),
        (ADMIN, scheldeoever),
        (ADMIN, organisations[0]),
    ]
    .into_iter()
    .enumerate()
    {
        let client = app.api_as(email).await;
        let last = format!("Zonder{n}");
        let id = register(&app, &client, &at.to_string(), "Nog", &last, "1980-02-03").await;
        registered.push(id.parse::<Uuid>().unwrap());
    }
    // The administrator's Scheldeoever person shares with Scheldeoever's care team.
    let consent = json!({"purpose": "share_care_team", "version": "2026-01", "given_on": "2026-01-05",
                         "organisation_id": scheldeoever});
    let path = format!("/api/v1/participants/{}/consents", registered[4]);
    assert_eq!(
        app.send_json(&admin, "POST", &path, consent).await.0,
        StatusCode::CREATED
    );
    // Two registrations move to a partner where their coach does not work (as when a coach
    // leaves a partner): the coach who registered them still follows them.
    let elsewhere = |actor: &Actor| {
        *organisations
            .iter()
            .find(|o| !actor.organisations.contains(o))
            .expect("a partner where the coach does not work")
    };
    let mut tx = app.db.begin().await.unwrap();
    for (person, to) in [
        (registered[0], elsewhere(&coach)),
        (registered[2], elsewhere(&other_coach)),
    ] {
        let sql = "UPDATE participants SET organisation_id = $1 WHERE id = $2";
        onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(to).bind(person).execute(c).await.map(|r| r.rows_affected()))
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut conn = app.db.conn().await.unwrap();
    let theirs = onramp_store::participants::without_trajectory(&mut conn, &coach)
        .await
        .unwrap();
    assert!(
        theirs.contains(&registered[0]),
        "the registering coach follows the person at a partner of which they are no member"
    );
    drop(conn);

    let coverage = check_every_list(&app.db, "demo").await;
    assert_covered(
        &coverage,
        "demo",
        &[
            "caseload",
            "figure people",
            "check-ins due",
            "sessions",
            "without trajectory",
        ],
    );
}

/// Generated data, with a care-team member, a peer expert who leads a partner's sessions and a
/// funder added to its accounts.
#[tokio::test]
async fn every_role_lists_exactly_what_the_policy_allows_on_generated_data() {
    let test = TestDb::generated(6000, 17).await;
    let mut tx = test.db.begin().await.unwrap();
    let sql = "SELECT id FROM organisations WHERE kind = 'rehabilitation_hospital' ORDER BY name";
    let partners: Vec<Uuid> = onramp_store::run!(&mut tx, c => sqlx::query_scalar(sql).fetch_all(c).await).unwrap();
    let hash = onramp_store::passwords::hash(PASSWORD).unwrap();
    let mut peer = None;
    for (email, role, organisations) in [
        ("care@onramp.generated", Role::CareTeam, vec![partners[0]]),
        ("peer@onramp.generated", Role::PeerExpert, vec![partners[1]]),
        ("funder@onramp.generated", Role::Funder, vec![]),
        ("researcher@onramp.generated", Role::Researcher, vec![]),
        ("dpo@onramp.generated", Role::DataProtectionOfficer, vec![]),
    ] {
        let input = onramp_store::users::UserInput {
            email: onramp_domain::identity::Email::parse(email).unwrap(),
            display_name: email.to_owned(),
            role,
            language: onramp_domain::identity::Language::Nl,
            active: true,
            organisations,
            regions: Vec::new(),
        };
        let user = onramp_store::users::create(&mut tx, &input, &hash).await.unwrap();
        if role == Role::PeerExpert {
            peer = Some(user.id);
        }
    }
    // The peer expert leads the sessions of one partner, another partner's coach leads them.
    let sql = "UPDATE group_sessions SET peer_expert_id = $1 WHERE organisation_id = $2";
    let (peer, at) = (peer.unwrap(), partners[2 % partners.len()]);
    onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(peer).bind(at).execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
    // A participant's portal account, opened from an invitation: it lists nobody, itself included.
    let sql = "SELECT id FROM participants ORDER BY id LIMIT 1";
    let person: Uuid = onramp_store::run!(&mut tx, c => sqlx::query_scalar(sql).fetch_one(c).await).unwrap();
    let kind = onramp_store::portal::InvitationKind::Email;
    let sign_in = "participant@onramp.generated";
    let invitation = onramp_store::portal::invite(&mut tx, person, kind, sign_in, "a secret", peer)
        .await
        .unwrap();
    let opening = onramp_store::portal::Opening {
        invitation: &invitation,
        display_name: "A participant",
        password_hash: &hash,
        language: onramp_domain::identity::Language::Nl,
        terms_version: "test",
    };
    onramp_store::portal::open_account(&mut tx, &opening).await.unwrap();
    tx.commit().await.unwrap();

    let coverage = check_every_list(&test.db, "generated").await;
    assert_covered(
        &coverage,
        "generated",
        &["caseload", "figure people", "check-ins due", "sessions"],
    );
}
