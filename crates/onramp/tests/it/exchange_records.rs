//! The exchange format beyond people and trajectories: the situation at exit on the trajectory
//! row, and the outcomes, barriers and coaching contacts of trajectories (a CSV file each, a sheet
//! each in the workbook), in and out.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

const PARTICIPANTS: &str = include_str!("../../../../docs/import-example.csv");
const OUTCOMES: &str = include_str!("../../../../docs/import-example-outcomes.csv");
const BARRIERS: &str = include_str!("../../../../docs/import-example-barriers.csv");
const CONTACTS: &str = include_str!("../../../../docs/import-example-contacts.csv");

/// Posts a file to `/api/v1/imports/{kind}`.
pub(crate) async fn import(
    app: &TestApp,
    client: &Client,
    kind: &str,
    body: Vec<u8>,
    content_type: &str,
    dry_run: bool,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url(&format!("/api/v1/imports/{kind}?dry_run={dry_run}")))
        .header("content-type", content_type)
        .header("x-requested-with", "onramp-tests")
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

async fn export(app: &TestApp, client: &Client, file: &str) -> Vec<u8> {
    let response = client
        .get(app.url(&format!("/api/v1/exports/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{file}");
    response.bytes().await.unwrap().to_vec()
}

/// The example files, each imported as its kind (the participants first: the others refer to
/// their trajectories).
async fn import_examples(app: &TestApp, coach: &Client) {
    for (kind, file, counted, count) in [
        ("participants", PARTICIPANTS, "trajectories_created", 3),
        ("outcomes", OUTCOMES, "outcomes_created", 2),
        ("barriers", BARRIERS, "barriers_created", 2),
        ("contacts", CONTACTS, "contacts_created", 2),
    ] {
        let (status, report) = import(app, coach, kind, file.as_bytes().to_vec(), "text/csv", false).await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {report}");
        assert_eq!(report[counted], count, "{kind}: {report}");
    }
}

#[tokio::test]
async fn outcomes_barriers_and_contacts_import_from_their_files_and_export_back() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    import_examples(&app, &coach).await;

    // What the page of the file shows.
    let (_, page) = app.get_json(&coach, "/api/v1/caseload?q=exemple&status=all").await;
    let marc = page["rows"][0]["participant_id"].as_str().unwrap().to_owned();
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{marc}")).await;
    let text = file.to_string();
    assert!(
        text.contains("Geen kinderopvang op dinsdag") && text.contains("Logistiek Limburg"),
        "{file}"
    );
    assert!(text.contains("Opvolging na de intake"), "{file}");
    // Each written as the forms write it: audited, on the participant's file.
    for action in ["outcome.create", "barrier.create", "contact.create"] {
        let entries = app.audit(action).await;
        let imported: Vec<_> = entries
            .iter()
            .filter(|e| {
                e.after_json
                    .as_deref()
                    .unwrap_or("")
                    .contains("019b8000-0000-7000-8000-0000000000a")
            })
            .collect();
        assert_eq!(imported.len(), 2, "{action}");
        assert!(imported.iter().all(|e| e.participant_id.is_some()), "{action}");
    }

    // The exports carry them, and the situation at exit.
    let participants = String::from_utf8(export(&app, &coach, "participants.csv").await).unwrap();
    assert!(participants.starts_with("\u{feff}participant_id;"));
    assert!(
        participants
            .lines()
            .next()
            .unwrap()
            .ends_with(";exit_reason;exit_situation;mediation_organisation;mediation_service;unemployed_months;disability;third_country_national;foreign_background;minority;homeless;postcode")
    );
    assert!(
        participants.contains(";2026-06-30;work;in_employment;;"),
        "{participants}"
    );
    let mut first = Vec::new();
    for (kind, example) in [("outcomes", OUTCOMES), ("barriers", BARRIERS), ("contacts", CONTACTS)] {
        let bytes = export(&app, &coach, &format!("{kind}.csv")).await;
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().next(), example.lines().next(), "{kind}: the same columns");
        for line in example.lines().skip(1) {
            // The example's rows, now with their ids (and a coach where the file left it to the importer).
            let row = line.trim_start_matches(';');
            let row = match row.strip_suffix(';') {
                Some(row) if kind == "contacts" => format!("{row};sofie.maes@gtb.demo"),
                _ => row.to_owned(),
            };
            assert!(text.lines().any(|l| l.ends_with(&row)), "{kind}: {row} in\n{text}");
        }
        first.push((kind, bytes));
    }
    // Importing an export changes nothing; exporting again gives the same files.
    for (kind, bytes) in &first {
        let (status, report) = import(&app, &coach, kind, bytes.clone(), "text/csv", false).await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {report}");
        for count in [
            "outcomes_created",
            "barriers_created",
            "barriers_updated",
            "contacts_created",
        ] {
            assert_eq!(report[count], 0, "{kind} {count}: {report}");
        }
        assert_eq!(&export(&app, &coach, &format!("{kind}.csv")).await, bytes, "{kind}");
    }

    // A later file closes a barrier that was open.
    let open = String::from_utf8(first[1].1.clone()).unwrap();
    let fear = open
        .lines()
        .find(|l| l.contains("0000000000a1;fear_of_returning;"))
        .unwrap();
    let closed = format!(
        "{}\n{}resolved;2026-11-30\n",
        open.lines().next().unwrap(),
        fear.strip_suffix("open;").unwrap()
    );
    let (status, report) = import(&app, &coach, "barriers", closed.into_bytes(), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["barriers_updated"], 1, "{report}");
    assert_eq!(app.audit("barrier.close").await.len(), 1);
}

/// The trajectory of someone in another region, whose file the Limburg coach may not change.
async fn antwerp_trajectory(app: &TestApp) -> String {
    let sql = "SELECT t.id FROM trajectories t JOIN organisations o ON o.id = t.organisation_id
               JOIN regions r ON r.id = o.region_id WHERE r.code = 'antwerpen' ORDER BY t.id LIMIT 1";
    let mut conn = app.db.conn().await.unwrap();
    let id: uuid::Uuid = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await).unwrap();
    id.to_string()
}

fn errors(report: &Value) -> Vec<(String, u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn bad_rows_of_every_kind_are_reported_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    import_examples(&app, &coach).await;
    let els = "019b8000-0000-7000-8000-0000000000a1";
    let elsewhere = antwerp_trajectory(&app).await;
    let unknown = uuid::Uuid::now_v7();
    let outcomes = format!(
        "{}\n;{els};castle;2026-10-05;;;;\n;{els};new_employer;2026-06-01;20;permanent;Ergens;maybe\n;{elsewhere};volunteer_work;2026-10-01;;;;\n;{unknown};volunteer_work;2026-10-01;;;;\n;;volunteer_work;2026-10-01;;;;\n",
        OUTCOMES.lines().next().unwrap()
    );
    let count_outcomes = || count(&app.db, "SELECT COUNT(*) FROM outcomes");
    let before = count_outcomes().await;
    let (status, report) = import(
        &app,
        &coach,
        "outcomes",
        outcomes.clone().into_bytes(),
        "text/csv",
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let row = |line: u64, column: &str, code: &str| ("outcomes".to_owned(), line, column.to_owned(), code.to_owned());
    assert_eq!(
        errors(&report),
        [
            row(2, "kind", "invalid-choice"),
            row(3, "with_support", "invalid-choice"),
            row(3, "on", "before-start"),
            row(4, "trajectory_id", "invalid-reference"),
            row(5, "trajectory_id", "invalid-reference"),
            row(6, "trajectory_id", "required"),
        ]
    );
    let (status, problem) = import(&app, &coach, "outcomes", outcomes.into_bytes(), "text/csv", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["import"]["error_count"], 6);
    assert_eq!(count_outcomes().await, before, "all rows or none");

    // Barriers and contacts, with a good row first: it is not written either.
    let barriers = format!(
        "{}\n;{els};pain;2026-08-01;;open;\n;{els};other;2026-08-01;;open;\n;{els};pain;2026-08-01;;open;2026-09-01\n;{els};pain;2026-08-01;;resolved;2026-07-01\n",
        BARRIERS.lines().next().unwrap()
    );
    let before = count(&app.db, "SELECT COUNT(*) FROM barriers").await;
    let (status, problem) = import(&app, &coach, "barriers", barriers.into_bytes(), "text/csv", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = |line: u64, column: &str, code: &str| ("barriers".to_owned(), line, column.to_owned(), code.to_owned());
    assert_eq!(
        errors(&problem["import"]),
        [
            row(3, "description", "describe-other"),
            row(4, "closed_on", "closed-needs-status"),
            row(5, "closed_on", "before-start"),
        ]
    );
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM barriers").await, before);
    let contacts = format!(
        "{}\n;{els};2026-08-01;0;carrier_pigeon;;;ervaringsdeskundige@gtb.demo\n",
        CONTACTS.lines().next().unwrap()
    );
    let (_, report) = import(&app, &coach, "contacts", contacts.into_bytes(), "text/csv", true).await;
    let row = |column: &str, code: &str| ("contacts".to_owned(), 2, column.to_owned(), code.to_owned());
    assert_eq!(
        errors(&report),
        [
            row("minutes", "out-of-range"),
            row("mode", "invalid-choice"),
            row("topic", "required"),
            row("coach", "not-a-coach"),
        ]
    );

    // The situation at exit goes with an exit, and is one of the ESF+ results.
    let header = PARTICIPANTS.lines().next().unwrap().trim_start_matches('\u{feff}');
    let file = format!(
        "{header}\n;Ina;Zonderuitstroom;1980-01-01;;;;;;;chronic_pain;;inactive;;Revalidatieziekenhuis Maasland;;we-go-to-work;Revalidatieziekenhuis Maasland;;2026-01-05;;;;in_employment\n;Jo;Fout;1980-01-01;;;;;;;chronic_pain;;inactive;;Revalidatieziekenhuis Maasland;;we-go-to-work;Revalidatieziekenhuis Maasland;;2026-01-05;;2026-03-01;work;rich\n"
    );
    let (_, report) = import(&app, &coach, "participants", file.into_bytes(), "text/csv", true).await;
    assert_eq!(
        errors(&report),
        [
            (
                "participants".to_owned(),
                2,
                "exit_situation".to_owned(),
                "needs-exit".to_owned()
            ),
            (
                "participants".to_owned(),
                3,
                "exit_situation".to_owned(),
                "invalid-choice".to_owned()
            ),
        ]
    );

    // The same limits as the participants file; the same refusal of those who may not import.
    let wide = format!("trajectory_id{}\n", ";x".repeat(64));
    let (status, problem) = import(&app, &coach, "outcomes", wide.into_bytes(), "text/csv", true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "file", "too-many-columns"), "{problem}");
    let (_, report) = import(
        &app,
        &coach,
        "contacts",
        b"trajectory_id;colour\n".to_vec(),
        "text/csv",
        true,
    )
    .await;
    let missing: Vec<_> = errors(&report)
        .into_iter()
        .map(|(_, _, column, code)| (column, code))
        .collect();
    assert!(
        missing.contains(&("colour".into(), "unknown-column".into())),
        "{report}"
    );
    assert!(
        missing.contains(&("minutes".into(), "missing-column".into())),
        "{report}"
    );
    for email in [COORDINATOR_LIMBURG, CARE_ANTWERPEN, FUNDER] {
        let client = app.api_as(email).await;
        let (status, _) = import(
            &app,
            &client,
            "barriers",
            BARRIERS.as_bytes().to_vec(),
            "text/csv",
            true,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
    }
}

/// The workbook holds a sheet per kind (read here by openpyxl, not by onramp); imported into an
/// empty database with the same organisations, programmes and accounts, it gives the same data.
#[tokio::test]
async fn a_workbook_of_every_kind_round_trips_into_an_empty_database() {
    let source = TestApp::spawn().await;
    import_examples(&source, &source.api_as(COACH_LIMBURG).await).await;
    let admin = source.api_as(ADMIN).await;
    let workbook = export(&source, &admin, "participants.xlsx").await;
    let sheets = read_with_python("read_xlsx.py", &workbook);
    let names: Vec<&String> = sheets.as_object().unwrap().keys().collect();
    let mut csv = Vec::new();
    for kind in ["participants", "outcomes", "barriers", "contacts"] {
        assert!(names.iter().any(|n| *n == kind), "{names:?}");
        let file = String::from_utf8(export(&source, &admin, &format!("{kind}.csv")).await).unwrap();
        let rows = sheets[kind].as_array().unwrap();
        let header: Vec<&str> = rows[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(
            header.join(";"),
            file.lines().next().unwrap().trim_start_matches('\u{feff}'),
            "{kind}"
        );
        assert_eq!(
            rows.len(),
            file.lines().count(),
            "{kind}: the sheet has the CSV file's rows"
        );
        assert!(rows.len() > 2, "{kind}: the demo and the examples record some");
        csv.push((kind, file));
    }

    let target = TestApp::spawn_without_caseload().await;
    assert_eq!(count(&target.db, "SELECT COUNT(*) FROM participants").await, 0);
    let admin_there = target.api_as(ADMIN).await;
    let (status, report) = import(
        &target,
        &admin_there,
        "participants",
        workbook,
        onramp_web::download::XLSX,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    for (kind, counted) in [
        ("outcomes", "outcomes_created"),
        ("barriers", "barriers_created"),
        ("contacts", "contacts_created"),
    ] {
        let rows = sheets[kind].as_array().unwrap().len() - 1;
        assert_eq!(report[counted], rows, "{kind}: {report}");
    }
    for (kind, file) in &csv {
        let again = String::from_utf8(export(&target, &admin_there, &format!("{kind}.csv")).await).unwrap();
        assert!(again == *file, "{kind}: the same data, ids included");
    }
    assert_eq!(
        count(&target.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'import.run'").await,
        1
    );
}

#[tokio::test]
async fn the_import_page_takes_each_kind_and_links_each_export() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, _) = import(
        &app,
        &coach,
        "participants",
        PARTICIPANTS.as_bytes().to_vec(),
        "text/csv",
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let html = browser
        .get(app.url("/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for link in ["/export/outcomes.csv", "/export/barriers.csv", "/export/contacts.csv"] {
        assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(html.contains("<option value=\"contacts\">Coaching contacts</option>"));
    let token = html
        .split("action=\"/import?csrf=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(OUTCOMES.as_bytes().to_vec())
                .file_name("outcomes.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
        .text("kind", "outcomes");
    let response = browser
        .post(app.url(&format!("/import?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Imported.") && html.contains("2 outcomes new"), "{html}");
    let response = browser.get(app.url("/export/outcomes.csv")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains(";Bakkerij Peeters;yes"));
    let response = browser.get(app.url("/export/castles.csv")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
