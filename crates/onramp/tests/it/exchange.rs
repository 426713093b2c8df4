//! Import from CSV and XLSX with a dry run; export that re-imports to the same data.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

const EXAMPLE: &str = include_str!("../../../../docs/import-example.csv");

async fn import(
    app: &TestApp,
    client: &Client,
    body: Vec<u8>,
    content_type: &str,
    dry_run: bool,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url(&format!("/api/v1/imports/participants?dry_run={dry_run}")))
        .header("content-type", content_type)
        // A client signed in by cookie says so (docs/import.md); a token needs no such header.
        .header("x-requested-with", "onramp-tests")
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

async fn participant_count(app: &TestApp) -> i64 {
    let mut conn = app.db.conn().await.unwrap();
    onramp_store::participants::count(&mut conn).await.unwrap()
}

/// The example file with a few broken rows added.
fn broken() -> String {
    let mut file = EXAMPLE.to_owned();
    file.push_str(
        ";;Zonder Voornaam;1980-01-01;;;;;;;chronic_pain;;inactive;;Revalidatieziekenhuis Maasland;;;;;;;;\n",
    );
    file.push_str(";Datum;Fout;12/01/1980;;;;;;;chronic_pain;;inactive;;Revalidatieziekenhuis Maasland;;;;;;;;\n");
    file.push_str(";Onbekend;Programma;1980-01-01;;;;;;;chronic_pain;;inactive;;Revalidatieziekenhuis Maasland;;castle;Revalidatieziekenhuis Maasland;;2026-01-01;;;\n");
    file.push_str(
        ";Elders;Geregistreerd;1980-01-01;;;;;;;chronic_pain;;inactive;;Revalidatieziekenhuis Scheldeoever;;;;;;;;\n",
    );
    file
}

#[tokio::test]
async fn a_dry_run_lists_every_bad_row_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let before = participant_count(&app).await;
    let (status, report) = import(&app, &coach, broken().into_bytes(), "text/csv", true).await;
    assert_eq!(status, StatusCode::OK);
    let errors: Vec<(u64, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (5, "first_name", "required"),
            (6, "birth_date", "invalid-date"),
            (7, "programme", "invalid-reference"),
            (8, "reached_at", "not-your-organisation"),
        ]
    );
    assert_eq!(report["committed"], false);
    assert_eq!(participant_count(&app).await, before, "a dry run writes nothing");

    // The real run of the same file writes nothing either: all rows or none.
    let (status, problem) = import(&app, &coach, broken().into_bytes(), "text/csv", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["import"]["errors"].as_array().unwrap().len(), 4);
    assert_eq!(participant_count(&app).await, before);
}

#[tokio::test]
async fn the_example_file_imports_and_exports_back_to_the_same_data() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let before = participant_count(&app).await;
    let (status, report) = import(&app, &coach, EXAMPLE.as_bytes().to_vec(), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(
        (
            report["participants_created"].clone(),
            report["trajectories_created"].clone()
        ),
        (2.into(), 3.into())
    );
    assert_eq!(
        participant_count(&app).await,
        before + 2,
        "Marc's two rows are one person with two trajectories"
    );
    let (_, page) = app.get_json(&coach, "/api/v1/caseload?q=exemple&status=all").await;
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|r| r["ended_on"] == "2026-06-30"));

    // Someone registered without a trajectory yet is exported too, as a row without a programme.
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    crate::participants::register(&app, &coach, &maasland, "Vera", "Zonder", "1990-10-10").await;

    // Export, re-import: nothing changes; export again: the same file.
    let first = coach
        .get(app.url("/api/v1/exports/participants.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["content-type"], "text/csv; charset=utf-8");
    let first = first.bytes().await.unwrap().to_vec();
    assert!(first.starts_with("\u{feff}participant_id;first_name".as_bytes()));
    let text = String::from_utf8(first.clone()).unwrap();
    let vera = text
        .lines()
        .find(|l| l.contains(";Vera;Zonder;"))
        .expect("the person without a trajectory");
    assert!(
        !vera.contains("we-go-to-work") && !vera.contains("boost2work"),
        "{vera}"
    );
    let (status, report) = import(&app, &coach, first.clone(), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    for count in [
        "participants_created",
        "participants_updated",
        "trajectories_created",
        "trajectories_updated",
    ] {
        assert_eq!(report[count], 0, "{count}: re-importing an export changes nothing");
    }
    let second = coach
        .get(app.url("/api/v1/exports/participants.csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(first, second);
    // Each export reads each file once, however many trajectories the person has.
    let mut people: Vec<&str> = text.lines().skip(1).filter_map(|l| l.split(';').next()).collect();
    people.sort_unstable();
    people.dedup();
    assert!(people.len() < text.lines().count() - 1, "someone has two trajectories");
    let read = exported_reads(&app).await;
    let twice: Vec<String> = people.iter().flat_map(|id| [id.to_string(), id.to_string()]).collect();
    assert_eq!(read, twice, "an export is a read of each file, once per export");
}

#[tokio::test]
async fn a_large_export_streams_every_row_once_page_after_page() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    // 2 500 people with a trajectory each: the export reads 1 000 lines a page.
    let mut file = String::from(
        "first_name;last_name;birth_date;health_category;situation;reached_at;programme;partner;started_on\n",
    );
    for n in 0..2_500 {
        file.push_str(&format!(
            "Lid{n:04};Stroom;1970-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland;we-go-to-work;Revalidatieziekenhuis Maasland;2026-01-05\n"
        ));
    }
    let (status, report) = import(&app, &coach, file.into_bytes(), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["participants_created"], 2_500);

    let response = coach
        .get(app.url("/api/v1/exports/participants.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("content-length").is_none(),
        "the file is streamed, not built whole first"
    );
    let text = response.text().await.unwrap();
    assert_eq!(text.matches("participant_id;first_name").count(), 1, "one header");
    let mut imported: Vec<&str> = text.lines().filter(|l| l.contains(";Stroom;")).collect();
    assert_eq!(imported.len(), 2_500, "every imported person, across three pages");
    imported.sort_unstable();
    imported.dedup();
    assert_eq!(imported.len(), 2_500, "no line twice at the pages' seams");
    let ids: std::collections::BTreeSet<&str> = text.lines().skip(1).filter_map(|l| l.split(';').next()).collect();
    let mut audited = exported_reads(&app).await;
    assert_eq!(audited.len(), ids.len(), "one audited read per person exported");
    audited.dedup();
    assert_eq!(audited, ids.iter().map(|id| id.to_string()).collect::<Vec<_>>());
}

/// Every file the exports read, by id (sorted), however many there are.
async fn exported_reads(app: &TestApp) -> Vec<String> {
    let mut conn = app.db.conn().await.unwrap();
    let sql = "SELECT entity_id FROM audit_log WHERE action = 'participant.export'";
    let mut ids: Vec<String> = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).fetch_all(c).await).unwrap();
    // Sorted here, byte by byte, whatever the database's collation.
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn xlsx_exports_open_and_import() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let response = coach
        .get(app.url("/api/v1/exports/participants.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    let (header, rows) = onramp_web::exchange::read_all(onramp_web::download::XLSX, bytes.clone().into())
        .await
        .expect("a real XLSX workbook");
    assert_eq!(header.names()[0], "participant_id");
    let (_, caseload) = app.get_json(&coach, "/api/v1/caseload?status=all&limit=200").await;
    assert_eq!(
        rows.len(),
        caseload["rows"].as_array().unwrap().len(),
        "one row per trajectory"
    );
    let (status, report) = import(&app, &coach, bytes, onramp_web::download::XLSX, true).await;
    assert_eq!(status, StatusCode::OK);
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    let (status, problem) = import(
        &app,
        &coach,
        b"PK\x03\x04 not really".to_vec(),
        "application/octet-stream",
        true,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "file", "unreadable-file"));
}

#[tokio::test]
async fn only_coaches_and_administrators_import() {
    let app = TestApp::spawn().await;
    for email in [COORDINATOR_LIMBURG, CARE_ANTWERPEN, FUNDER] {
        let client = app.api_as(email).await;
        let (status, _) = import(&app, &client, EXAMPLE.as_bytes().to_vec(), "text/csv", true).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        // Asked before the file is read: nobody else makes the server check one.
        let (status, _) = import(
            &app,
            &client,
            b"PK\x03\x04 no".to_vec(),
            onramp_web::download::XLSX,
            true,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
    }
}

#[tokio::test]
async fn the_import_page_uploads_a_file_with_its_token() {
    let app = TestApp::spawn().await;
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let html = browser
        .get(app.url("/import"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = html
        .split("action=\"/import?csrf=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let form = || {
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(broken().into_bytes())
                    .file_name("people.csv")
                    .mime_str("text/csv")
                    .unwrap(),
            )
            .text("dry_run", "on")
    };
    let refused = browser.post(app.url("/import")).multipart(form()).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "no token, no upload");
    let response = browser
        .post(app.url(&format!("/import?csrf={token}")))
        .header("accept-language", "en")
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("4 problems found; nothing was written."), "{html}");
    assert!(html.contains("<td>6</td><td><code>birth_date</code></td>"));
}

/// A row of the exchange format for a Bulk born 1981-02-03 reached at Maasland; with a programme,
/// a trajectory there from 2026-02-01, ended when `ended` is a date.
fn bulk_row(id: &str, first: &str, register: &str, trajectory: &str, programme: bool, ended: &str) -> String {
    let (programme, partner, start) = if programme {
        ("we-go-to-work", "Revalidatieziekenhuis Maasland", "2026-02-01")
    } else {
        ("", "", "")
    };
    let exit = if ended.is_empty() { "" } else { "completed" };
    format!(
        "{id};{first};Bulk;1981-02-03;{register};;;nl;female;isced_3_4;chronic_pain;2026-01-01;inactive;;\
         Revalidatieziekenhuis Maasland;{trajectory};{programme};{partner};;{start};;{ended};{exit}"
    )
}

/// An ended trajectory in a file starts its follow-up as an exit on the page does: the programme's
/// check-ins after exit, whether the trajectory is new (written in bulk with its person) or was
/// imported open before and is ended by a later file (row by row); the due ones are in the coach's
/// list.
#[tokio::test]
async fn an_imported_exit_schedules_the_check_ins_after_exit() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let header = EXAMPLE.lines().next().unwrap().trim_start_matches('\u{feff}');
    let file = |rows: &[String]| format!("{header}\n{}\n", rows.join("\n")).into_bytes();
    let id = || uuid::Uuid::now_v7().to_string();
    let (fien, fien_trajectory, gert, gert_trajectory) = (id(), id(), id(), id());
    let rows = [
        bulk_row(&fien, "Fien", "", &fien_trajectory, true, "2026-05-31"),
        bulk_row(&gert, "Gert", "", &gert_trajectory, true, ""),
    ];
    let (status, report) = import(&app, &coach, file(&rows), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let we_go_to_work = |dates: [&str; 4]| {
        [6, 12, 18, 24]
            .into_iter()
            .zip(dates.map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        check_in_schedule(&app, &coach, &fien).await,
        we_go_to_work(["2026-11-30", "2027-05-31", "2027-11-30", "2028-05-31"])
    );
    assert_eq!(
        check_in_schedule(&app, &coach, &gert).await,
        vec![],
        "an open trajectory has none"
    );

    let rows = [bulk_row(&gert, "Gert", "", &gert_trajectory, true, "2026-04-30")];
    let (status, report) = import(&app, &coach, file(&rows), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["trajectories_updated"], 1, "{report}");
    assert_eq!(
        check_in_schedule(&app, &coach, &gert).await,
        we_go_to_work(["2026-10-30", "2027-04-30", "2027-10-30", "2028-04-30"])
    );

    assert_eq!(
        next_check_in(&app.db, &fien_trajectory).await.as_deref(),
        Some("2026-11-30")
    );
    assert_eq!(
        next_check_in(&app.db, &gert_trajectory).await.as_deref(),
        Some("2026-10-30")
    );
    assert_eq!(count(&app.db, STALE_NEXT_CHECK_INS).await, 0);
    let (_, due) = app.get_json(&coach, "/api/v1/check-ins/due?until=2026-12-31").await;
    let listed = |trajectory: &str| {
        due.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["trajectory_id"] == trajectory)
            .map(|c| c["due_on"].as_str().unwrap().to_owned())
            .next()
    };
    assert_eq!(listed(&fien_trajectory).as_deref(), Some("2026-11-30"), "{due}");
    assert_eq!(listed(&gert_trajectory).as_deref(), Some("2026-10-30"), "{due}");
}

/// A file of new people is written in bulk at the end. What an earlier row holds back still counts
/// for the later rows: the same register number twice, a trajectory id given twice (the second row
/// ends it), someone registered before whose record a row changes. And it is audited row by row
/// and counted on the dashboard like people registered one by one.
#[tokio::test]
async fn rows_of_new_people_see_what_earlier_rows_of_the_file_hold() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let admin = app.api_as(ADMIN).await;
    let header = EXAMPLE.lines().next().unwrap().trim_start_matches('\u{feff}');
    let file = |rows: &[String]| format!("{header}\n{}\n", rows.join("\n")).into_bytes();
    let first_error = |problem: &Value| {
        let errors = problem["import"]["errors"].as_array().unwrap().clone();
        (errors.len(), errors[0]["line"].clone(), errors[0]["code"].clone())
    };

    // The same register number (85.07.30-033.28) on two people's rows.
    let rows = [
        bulk_row("", "Ann", "85073003328", "", true, ""),
        bulk_row("", "Bea", "85073003328", "", true, ""),
    ];
    let (status, problem) = import(&app, &coach, file(&rows), "text/csv", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(first_error(&problem), (1, 3.into(), "possible-duplicate".into()));

    // A trajectory id on two rows of one new person: the first starts it, the second ends it.
    let started = app.audit("trajectory.start").await.len();
    let dashboard = "/api/v1/dashboard?from=2026-02-01&to=2026-02-01";
    let (_, before) = app.get_json(&admin, dashboard).await;
    let id = uuid::Uuid::now_v7().to_string();
    let rows = [
        bulk_row("", "Cor", "", &id, true, ""),
        bulk_row("", "Cor", "", &id, true, "2026-05-31"),
        bulk_row("", "Dirk", "", "", true, ""),
    ];
    let (status, report) = import(&app, &coach, file(&rows), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let counts = ["participants_created", "trajectories_created", "trajectories_updated"].map(|k| report[k].clone());
    assert_eq!(counts, [Value::from(2), Value::from(2), Value::from(1)]);
    let (_, page) = app.get_json(&coach, "/api/v1/caseload?q=bulk&status=all").await;
    let people = page["rows"].as_array().unwrap();
    assert!(
        people
            .iter()
            .any(|r| r["trajectory_id"] == id.as_str() && r["ended_on"] == "2026-05-31"),
        "{page}"
    );
    // Each new person and trajectory audited.
    let created = app.audit("participant.create").await;
    assert!(created.iter().any(|e| {
        e.after_json
            .as_deref()
            .unwrap_or("")
            .contains("\"first_name\":\"Dirk\"")
    }));
    assert_eq!(app.audit("trajectory.start").await.len(), started + 2);
    // The dashboard over everything (the kept counts) counts them.
    let (_, after) = app.get_json(&admin, dashboard).await;
    assert_eq!(
        after["started"].as_i64().unwrap(),
        before["started"].as_i64().unwrap() + 2
    );

    // A row that renames someone registered (Dirk becomes Eva), then a new Eva Bulk with the same
    // birth date: a duplicate of the changed record.
    let dirk = people
        .iter()
        .find(|r| r["first_name"] == "Dirk")
        .and_then(|r| r["participant_id"].as_str())
        .expect("Dirk in the caseload")
        .to_owned();
    let rows = [
        bulk_row(&dirk, "Eva", "", "", false, ""),
        bulk_row("", "Eva", "", "", true, ""),
    ];
    let (status, problem) = import(&app, &coach, file(&rows), "text/csv", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(first_error(&problem), (1, 3.into(), "possible-duplicate".into()));
}
