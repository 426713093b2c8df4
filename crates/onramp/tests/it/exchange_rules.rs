//! An import keeps the rules of the pages: the coach must work at the trajectory's partner, a
//! handover to job mediation says where to, nothing new after the consent to take part was
//! withdrawn, no exit before the trajectory's outcomes and no outcome after its exit, and a
//! return to a programme closes the check-ins left open after the earlier exit.

use crate::caseload::today;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";
const PARTICIPANTS: &str = include_str!("../../../../docs/import-example.csv");
const OUTCOMES: &str = include_str!("../../../../docs/import-example-outcomes.csv");
const BARRIERS: &str = include_str!("../../../../docs/import-example-barriers.csv");
const CONTACTS: &str = include_str!("../../../../docs/import-example-contacts.csv");

fn header(example: &str) -> &str {
    example.lines().next().unwrap()
}

/// Posts a CSV file to `/api/v1/imports/{kind}`.
async fn import(app: &TestApp, client: &Client, kind: &str, csv: String, dry_run: bool) -> (StatusCode, Value) {
    crate::exchange_records::import(app, client, kind, csv.into_bytes(), "text/csv", dry_run).await
}

/// The row errors of a report: (line, column, code, message).
fn errors(report: &Value) -> Vec<(u64, String, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has(report: &Value, line: u64, column: &str, code: &str) -> bool {
    errors(report)
        .iter()
        .any(|(l, c, k, _)| *l == line && c == column && k == code)
}

/// A partner of the coach's region where the coach does not work.
async fn partner_elsewhere(app: &TestApp, coach: &str) -> String {
    let sql = "SELECT o.name FROM organisations o JOIN regions r ON r.id = o.region_id
               WHERE r.code = 'limburg' AND o.id NOT IN (SELECT uo.organisation_id FROM user_organisations uo
               JOIN users u ON u.id = uo.user_id WHERE u.email = $1) ORDER BY o.name LIMIT 1";
    let mut conn = app.db.conn().await.unwrap();
    onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).bind(coach).fetch_one(c).await).unwrap()
}

/// A new person's row with a trajectory: the exit columns as given.
fn person_row(first: &str, partner: &str, coach: &str, started: &str, exit: &str) -> String {
    format!(
        ";{first};Regel;1980-02-02;;;;nl;female;isced_3_4;chronic_pain;;unemployed;;{MAASLAND};;we-go-to-work;{partner};{coach};{started};;{exit}"
    )
}

#[tokio::test]
async fn an_import_refuses_a_coach_of_another_partner_and_records_where_job_mediation_took_the_person() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let elsewhere = partner_elsewhere(&app, COACH_LIMBURG).await;
    let started = (today() - Days::new(90)).to_string();
    let ended = (today() - Days::new(10)).to_string();
    let rows = [
        person_row("Anna", &elsewhere, COACH_LIMBURG, &started, ";;;;"),
        person_row(
            "Bert",
            MAASLAND,
            "",
            &started,
            &format!("{ended};job_mediation;;VDAB;Jobhunting"),
        ),
        person_row(
            "Carla",
            MAASLAND,
            "",
            &started,
            &format!("{ended};job_mediation;;VDAB;"),
        ),
        person_row("Dirk", MAASLAND, "", &started, &format!("{ended};work;;VDAB;")),
        person_row(
            "Eva",
            MAASLAND,
            "",
            &started,
            &format!("{ended};job_mediation;;{MAASLAND};Jobs"),
        ),
        person_row("Fien", MAASLAND, "", &started, &format!("{ended};job_mediation;;;Jobs")),
    ];
    let csv = format!("{}\n{}\n", header(PARTICIPANTS), rows.join("\n"));
    let (status, report) = import(&app, &coach, "participants", csv, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(has(&report, 2, "coach", "coach-not-at-partner"), "{report}");
    let message = &errors(&report)[0].3;
    assert!(message.contains(&elsewhere), "the refusal names the partner: {message}");
    assert!(has(&report, 4, "mediation_service", "required"), "{report}");
    assert!(
        has(&report, 5, "mediation_organisation", "needs-job-mediation"),
        "{report}"
    );
    assert!(
        has(&report, 6, "mediation_organisation", "not-job-mediation"),
        "{report}"
    );
    assert!(has(&report, 7, "mediation_organisation", "required"), "{report}");
    assert!(
        errors(&report).iter().all(|(line, ..)| *line != 3),
        "Bert's row is good: {report}"
    );
    assert_eq!(errors(&report).len(), 5, "{report}");

    // Bert alone: his handover to job mediation is recorded, and the follow-up says where he went.
    let csv = format!("{}\n{}\n", header(PARTICIPANTS), rows[1]);
    let (status, report) = import(&app, &coach, "participants", csv, false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let response = coach
        .get(app.url("/api/v1/exports/participants.csv"))
        .send()
        .await
        .unwrap();
    let exported = response.text().await.unwrap();
    let line = exported.lines().find(|l| l.contains(";Bert;Regel;")).unwrap();
    let bert = line.split(';').next().unwrap().trim_start_matches('\u{feff}');
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{bert}")).await;
    let trajectory = &file["trajectories"][0];
    assert_eq!(trajectory["exit_reason"], "job_mediation", "{file}");
    assert_eq!(trajectory["mediation_organisation_name"], "VDAB", "{file}");
    assert_eq!(trajectory["mediation_service"], "Jobhunting", "{file}");
    assert!(!file["check_ins"].as_array().unwrap().is_empty(), "{file}");
    assert!(
        file["check_ins"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["mediation_organisation_name"] == "VDAB"),
        "{file}"
    );

    // The export carries it, in the columns the import reads.
    assert!(
        exported
            .lines()
            .next()
            .unwrap()
            .contains(";exit_situation;mediation_organisation;mediation_service;")
    );
    assert!(
        line.contains(&format!(";{ended};job_mediation;;VDAB;Jobhunting;")),
        "{line}"
    );
}

/// Someone registered on the page, on a trajectory started 60 days ago with an outcome 10 days ago.
async fn with_an_outcome(app: &TestApp, coach: &Client, first: &str) -> (String, String) {
    let maasland = app.organisation_id(MAASLAND).await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let id = register(app, coach, &maasland, first, "Regel", "1981-03-03").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland,
                      "started_on": (today() - Days::new(60)).to_string()});
    let t = app.start_trajectory(coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let outcome = json!({"trajectory_id": t, "kind": "volunteer_work", "on": (today() - Days::new(10)).to_string()});
    let (status, body) = app
        .send_json(coach, "POST", &format!("/api/v1/participants/{id}/outcomes"), outcome)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (id, t)
}

/// The participants export's header and the row of a trajectory, with its exit columns
/// (`ended_on` to `mediation_service`) replaced by `exit`.
async fn exported_row(app: &TestApp, coach: &Client, trajectory: &str, exit: &str) -> String {
    let response = coach
        .get(app.url("/api/v1/exports/participants.csv"))
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    let header = text.lines().next().unwrap().trim_start_matches('\u{feff}').to_owned();
    let columns: Vec<&str> = header.split(';').collect();
    let from = columns.iter().position(|c| *c == "ended_on").unwrap();
    let line = text.lines().find(|l| l.contains(trajectory)).unwrap();
    let mut cells: Vec<String> = line.split(';').map(str::to_owned).collect();
    cells.splice(from..from + 5, exit.split(';').map(str::to_owned));
    format!("{header}\n{}", cells.join(";"))
}

#[tokio::test]
async fn an_import_records_nothing_new_after_the_consent_is_withdrawn_but_still_takes_the_exit() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (id, t) = with_an_outcome(&app, &coach, "Gert").await;
    let consents = format!("/api/v1/participants/{id}/consents");
    let consent = json!({"purpose": "participation", "version": "2026-01", "given_on": "2026-01-05"});
    let (_, given) = app.send_json(&coach, "POST", &consents, consent).await;
    let withdraw = format!("{consents}/{}/withdraw", given["id"].as_str().unwrap());
    let (status, _) = app.send_json(&coach, "POST", &withdraw, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let on = today().to_string();

    for (kind, example, row) in [
        ("outcomes", OUTCOMES, format!(";{t};volunteer_work;{on};;;;")),
        ("barriers", BARRIERS, format!(";{t};pain;{on};;;")),
        ("contacts", CONTACTS, format!(";{t};{on};30;phone;;Bellen;")),
    ] {
        let csv = format!("{}\n{row}\n", header(example));
        let (status, report) = import(&app, &coach, kind, csv, true).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {report}");
        assert!(
            has(&report, 2, "trajectory_id", "consent-withdrawn"),
            "{kind}: {report}"
        );
        let message = &errors(&report)[0].3;
        let day = today().format("%d-%m-%Y").to_string();
        assert!(message.contains(&day), "{kind}: the message names the day: {message}");
    }
    // What exists already changes nothing: the export imports back without an error.
    let response = coach.get(app.url("/api/v1/exports/outcomes.csv")).send().await.unwrap();
    let outcomes = response.text().await.unwrap().trim_start_matches('\u{feff}').to_owned();
    let (status, report) = import(&app, &coach, "outcomes", outcomes, false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["outcomes_created"], 0, "{report}");

    // A handover is refused; an exit before the outcome too, for its own reason; an exit after it is taken.
    let before = (today() - Days::new(20)).to_string();
    let csv = format!(
        "{}\n",
        exported_row(&app, &coach, &t, &format!("{before};completed;;;")).await
    );
    let (status, report) = import(&app, &coach, "participants", csv, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(has(&report, 2, "ended_on", "outcome-after-exit"), "{report}");
    let csv = format!(
        "{}\n",
        exported_row(&app, &coach, &t, &format!("{on};completed;;;")).await
    );
    let exits = app.audit("trajectory.exit").await.len();
    let (status, report) = import(&app, &coach, "participants", csv, false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["trajectories_updated"], 1, "{report}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(file["trajectories"][0]["ended_on"], on.as_str(), "{file}");
    assert_eq!(
        app.audit("trajectory.exit").await.len(),
        exits + 1,
        "audited as on the page"
    );
}

#[tokio::test]
async fn an_imported_handover_must_go_to_a_coach_of_the_partner_and_an_outcome_not_after_the_exit() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, t) = with_an_outcome(&app, &coach, "Hilde").await;
    let other = "an.peeters@gtb.demo";
    let file = exported_row(&app, &coach, &t, ";;;;").await;
    let (columns, row) = file.split_once('\n').unwrap();
    let mut cells: Vec<String> = row.split(';').map(str::to_owned).collect();
    let coach_column = columns.split(';').position(|c| c == "coach").unwrap();
    cells[coach_column] = other.into();
    let csv = format!("{columns}\n{}\n", cells.join(";"));
    let (status, report) = import(&app, &coach, "participants", csv, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(has(&report, 2, "coach", "coach-not-at-partner"), "{report}");
    assert!(errors(&report)[0].3.contains(MAASLAND), "{report}");

    // Ended 5 days ago: an outcome 2 days ago belongs to a check-in.
    let exit = json!({"on": (today() - Days::new(5)).to_string(), "reason": "completed"});
    let (status, _) = app
        .send_json(&coach, "POST", &format!("/api/v1/trajectories/{t}/exit"), exit)
        .await;
    assert_eq!(status, StatusCode::OK);
    let later = (today() - Days::new(2)).to_string();
    let csv = format!("{}\n;{t};volunteer_work;{later};;;;\n", header(OUTCOMES));
    let (status, report) = import(&app, &coach, "outcomes", csv, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(has(&report, 2, "on", "after-exit"), "{report}");
}

#[tokio::test]
async fn starting_again_in_a_programme_closes_the_check_ins_left_open_after_the_earlier_exit() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let mut people = Vec::new();
    for first in ["Ines", "Jan"] {
        let id = register(&app, &coach, &maasland, first, "Terug", "1975-04-04").await;
        let body = json!({"programme_id": wgtw, "organisation_id": maasland,
                          "started_on": (today() - Days::new(400)).to_string()});
        let t = app.start_trajectory(&coach, &id, body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let exit = json!({"on": (today() - Days::new(100)).to_string(), "reason": "completed"});
        let (status, _) = app
            .send_json(&coach, "POST", &format!("/api/v1/trajectories/{t}/exit"), exit)
            .await;
        assert_eq!(status, StatusCode::OK);
        people.push((id, t));
    }
    let open = |file: &Value| {
        file["check_ins"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["done_on"].is_null())
            .count()
    };
    let (_, file) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", people[0].0))
        .await;
    assert!(open(&file) >= 2, "open check-ins after the exit: {file}");

    // Ines starts again on the page, Jan through an import.
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": today().to_string()});
    app.start_trajectory(&coach, &people[0].0, body).await;
    let file = exported_row(&app, &coach, &people[1].1, ";;;;").await;
    let (header, row) = file.split_once('\n').unwrap();
    let columns: Vec<&str> = header.split(';').collect();
    let mut cells: Vec<String> = row.split(';').map(str::to_owned).collect();
    let at = |name: &str| columns.iter().position(|c| *c == name).unwrap();
    cells[at("trajectory_id")] = String::new();
    cells[at("started_on")] = today().to_string();
    cells[at("phase")] = String::new();
    let csv = format!("{header}\n{}\n", cells.join(";"));
    let (status, report) = import(&app, &coach, "participants", csv, false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["trajectories_created"], 1, "{report}");

    for (id, old) in &people {
        let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
        assert_eq!(file["trajectories"].as_array().unwrap().len(), 2, "{file}");
        assert_eq!(open(&file), 0, "{file}");
        let old_ones: Vec<&Value> = file["check_ins"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["trajectory_id"] == old.as_str())
            .collect();
        assert!(!old_ones.is_empty());
        assert!(old_ones.iter().all(|c| c["closed_as"] == "re_entered"), "{file}");
    }
}
