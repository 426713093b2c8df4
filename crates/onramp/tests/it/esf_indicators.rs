//! The ESF+ indicators of a cohort whose figures are known, through the API and in the XLSX read
//! by openpyxl; the checks fire on a crafted inconsistency (a gender not recorded). The printed
//! report is read back with poppler's pdftotext, in two languages, with a funder's hidden cells.

use crate::participants::programme_id;
use crate::plans::download as fetch;
use crate::support::*;
use chrono::{Days, NaiveDate};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn ago(days: u64) -> String {
    (onramp_web::time::today() - Days::new(days)).to_string()
}

fn born(years: i32) -> String {
    let today = onramp_web::time::today();
    // Entry is about 300 days ago: born `years` and a half before it.
    NaiveDate::from_yo_opt(today.year_ce().1 as i32 - years - 1, 100)
        .unwrap()
        .to_string()
}

use chrono::Datelike;

pub(crate) async fn person(app: &TestApp, admin: &Client, org: &str, mut body: Value) -> String {
    body["organisation_id"] = json!(org);
    body["health_category"] = json!("chronic_pain");
    let (status, created) = app.send_json(admin, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn trajectory(
    app: &TestApp,
    admin: &Client,
    who: &str,
    programme: &str,
    org: &str,
    from: u64,
) -> String {
    let body = json!({"programme_id": programme, "organisation_id": org, "started_on": ago(from)});
    app.start_trajectory(admin, who, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn exit(app: &TestApp, admin: &Client, t: &str, days_ago: u64, situation: Option<&str>) {
    let body = json!({"on": ago(days_ago), "reason": "completed", "situation": situation});
    let (status, ended) = app
        .send_json(admin, "POST", &format!("/api/v1/trajectories/{t}/exit"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
}

/// Records the six-month check-in of a person's last exit.
async fn six_months(app: &TestApp, admin: &Client, who: &str, contact: bool, situation: Option<&str>) {
    let (_, file) = app.get_json(admin, &format!("/api/v1/participants/{who}")).await;
    let check_in = file["check_ins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["months_after_exit"] == 6 && c["closed_as"].is_null())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"done_on": ago(0), "contact_made": contact, "situation": situation});
    let (status, done) = app
        .send_json(admin, "POST", &format!("/api/v1/check-ins/{check_in}"), body)
        .await;
    assert!(status.is_success(), "{done}");
}

/// A programme that reports to the ESF, with a six-month check-in; returns its id.
pub(crate) async fn esf_programme(app: &TestApp, admin: &Client, code: &str) -> String {
    let body = json!({
        "code": code, "name": code, "max_duration_months": 24, "follow_up_months": [6],
        "reports_to_esf": true, "phases": [{"code": "intake", "name": "Intake"}]
    });
    let (status, _) = app.send_json(admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::CREATED);
    programme_id(app, admin, code).await
}

#[tokio::test]
async fn a_known_cohort_gives_known_indicators_on_the_api_and_in_the_workbook() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let org = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let programme = esf_programme(&app, &admin, "esf-cohort").await;
    let no = |extra: Value| {
        let mut body = json!({"disability": "no", "third_country_national": "no", "foreign_background": "no",
                              "minority": "no", "homeless": "no"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    // Ann: a woman of 40 on sick leave from her job, ISCED 3-4, in a city; in work upon leaving,
    // a better job six months later.
    let ann = person(
        &app,
        &admin,
        &org,
        no(json!({"first_name": "Ann", "last_name": "Een", "birth_date": born(40),
        "gender": "female", "situation": "employed_on_sick_leave", "education": "isced_3_4", "postcode": "9000"})),
    )
    .await;
    let t = trajectory(&app, &admin, &ann, &programme, &org, 400).await;
    exit(&app, &admin, &t, 230, Some("in_employment")).await;
    six_months(&app, &admin, &ann, true, Some("improved_situation")).await;
    // Bart: a man of 22, nine months unemployed (long-term below 25), ISCED 0-2, a disability,
    // rural; job searching upon leaving, not reached at six months.
    let bart = person(
        &app,
        &admin,
        &org,
        no(
            json!({"first_name": "Bart", "last_name": "Twee", "birth_date": born(22),
        "gender": "male", "situation": "unemployed", "unemployed_months": 9, "education": "isced_0_2",
        "disability": "yes", "postcode": "3790"}),
        ),
    )
    .await;
    let t = trajectory(&app, &admin, &bart, &programme, &org, 300).await;
    exit(&app, &admin, &t, 230, Some("job_searching")).await;
    six_months(&app, &admin, &bart, false, None).await;
    // Cleo: non-binary, 60, inactive, ISCED 5-8, a third-country national of foreign background;
    // left, came back (counted once), and left again three weeks ago with nothing recorded yet.
    let cleo = person(
        &app,
        &admin,
        &org,
        no(
            json!({"first_name": "Cleo", "last_name": "Drie", "birth_date": born(60),
        "gender": "non_binary", "situation": "inactive", "education": "isced_5_8",
        "third_country_national": "yes", "foreign_background": "yes", "postcode": "2000"}),
        ),
    )
    .await;
    let t = trajectory(&app, &admin, &cleo, &programme, &org, 300).await;
    exit(&app, &admin, &t, 250, None).await;
    let t = trajectory(&app, &admin, &cleo, &programme, &org, 240).await;
    exit(&app, &admin, &t, 21, None).await;
    // Dirk: a man of 35 on sick leave, declines to say about minority, homeless; still in.
    let dirk = person(
        &app,
        &admin,
        &org,
        no(
            json!({"first_name": "Dirk", "last_name": "Vier", "birth_date": born(35),
        "gender": "male", "situation": "employed_on_sick_leave", "education": "isced_3_4",
        "minority": "declined", "homeless": "yes", "postcode": "3500"}),
        ),
    )
    .await;
    trajectory(&app, &admin, &dirk, &programme, &org, 200).await;
    // Eva: a woman of 28, three months unemployed, a postcode the table does not know; found a job
    // just before leaving, left without a situation recorded; six-month check-in overdue.
    let eva = person(
        &app,
        &admin,
        &org,
        no(json!({"first_name": "Eva", "last_name": "Vijf", "birth_date": born(28),
        "gender": "female", "situation": "unemployed", "unemployed_months": 3, "education": "isced_3_4",
        "postcode": "9999"})),
    )
    .await;
    let t = trajectory(&app, &admin, &eva, &programme, &org, 300).await;
    let outcome = json!({"trajectory_id": t, "kind": "new_employer", "on": ago(255)});
    let (status, recorded) = app
        .send_json(&admin, "POST", &format!("/api/v1/participants/{eva}/outcomes"), outcome)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    exit(&app, &admin, &t, 250, None).await;
    // Gene: gender not recorded (the crafted inconsistency), education unknown; still in.
    let gene = person(
        &app,
        &admin,
        &org,
        json!({"first_name": "Gene", "last_name": "Zes", "birth_date": born(45),
        "situation": "inactive"}),
    )
    .await;
    trajectory(&app, &admin, &gene, &programme, &org, 100).await;

    let operation = json!({"number": "ESF-TEST/1", "title": "Cohort", "starts_on": ago(1000), "ends_on": ago(0),
                           "programme_ids": [programme]});
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/operations", operation).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    let (status, report) = app
        .get_json(&admin, &format!("/api/v1/operations/{id}/indicators?period=cumulative"))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    // women, men, non-binary, total
    let expected: [(&str, [i64; 4]); 24] = [
        ("EECO01", [2, 2, 1, 6]),
        ("EECO02", [1, 1, 0, 2]),
        ("EECO03", [0, 1, 0, 1]),
        ("EECO04", [0, 0, 1, 2]),
        ("EECO05", [1, 1, 0, 2]),
        ("EECO06", [0, 0, 0, 0]),
        ("EECO07", [1, 1, 0, 2]),
        ("EECO08", [0, 0, 1, 1]),
        ("EECO09", [0, 1, 0, 1]),
        ("EECO10", [2, 1, 0, 3]),
        ("EECO11", [0, 0, 1, 1]),
        ("EECO12", [0, 1, 0, 1]),
        ("EECO13", [0, 0, 1, 1]),
        ("EECO14", [0, 0, 1, 1]),
        ("EECO15", [0, 0, 0, 0]),
        ("EECO16", [0, 1, 0, 1]),
        ("EECO17", [0, 1, 0, 1]),
        ("EECR01", [0, 1, 0, 1]),
        ("EECR02", [0, 0, 0, 0]),
        ("EECR03", [0, 0, 0, 0]),
        ("EECR04", [2, 0, 0, 2]),
        ("EECR05", [1, 0, 0, 1]),
        ("EECR06", [1, 0, 0, 1]),
        ("not_reached", [0, 1, 0, 1]),
    ];
    for (code, [w, m, nb, total]) in expected {
        let figure = if code == "not_reached" {
            &report["not_reached"]
        } else {
            &report["indicators"][code]
        };
        assert_eq!(
            figure,
            &json!({"women": w, "men": m, "non_binary": nb, "total": total}),
            "{code}"
        );
    }
    assert_eq!(report["exact"], true);
    assert_eq!(report["declined"]["EECO15"], 1, "Dirk declined");
    assert_eq!(report["still_in"], 2);
    assert_eq!(report["pending_four_weeks"], 1, "Cleo left three weeks ago");
    assert_eq!(report["pending_six_months"], 1);
    assert_eq!(
        report["missing"], 2,
        "Eva's postcode and check-in, Gene's gender and more"
    );
    // The checks: Gene's gender makes the split fail; nothing exceeds its output.
    let issues = report["issues"].as_array().unwrap();
    let kinds: Vec<&str> = issues.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"gender_split") && kinds.contains(&"missing_data"),
        "{issues:?}"
    );
    assert!(!kinds.contains(&"exceeds_output"), "{issues:?}");
    assert!(
        issues
            .iter()
            .any(|i| i["kind"] == "gender_split" && i["details"]["code"] == "EECO01" && i["details"]["split"] == 5)
    );

    // The people to complete, each listed with what is missing; the read is on their files.
    let (status, listed) = app.get_json(&admin, &format!("/api/v1/operations/{id}/missing")).await;
    assert_eq!(status, StatusCode::OK);
    let rows = listed["participants"].as_array().unwrap();
    let of = |who: &str| {
        rows.iter()
            .find(|r| r["participant_id"] == who)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(of(&eva)["missing"], json!(["postcode", "six_month_check_in"]));
    assert_eq!(of(&cleo)["pending"], json!(["four_weeks", "six_months"]));
    assert!(of(&gene)["missing"].as_array().unwrap().contains(&json!("gender")));
    assert!(of(&ann).is_null(), "nothing to complete");
    let read = app.audit("esf.standing.view").await;
    assert!(
        read.iter()
            .any(|e| e.subjects.as_deref().is_some_and(|shown| shown.contains(&eva)))
    );

    // The workbook, read by openpyxl: one row per code, a column per gender and the total.
    let browser = app.browser_as(ADMIN).await;
    let response = browser
        .get(app.url(&format!("/esf/{id}/indicators.xlsx?period=cumulative")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let book = read_with_python("read_xlsx.py", &response.bytes().await.unwrap());
    let sheet = book["indicators"].as_array().unwrap();
    for (code, cells) in expected {
        let row = sheet.iter().find(|r| r[0] == code).unwrap_or_else(|| panic!("{code}"));
        let numbers: Vec<i64> = (2..6).map(|c| row[c].as_f64().unwrap() as i64).collect();
        assert_eq!(numbers, cells, "{code} in the workbook");
    }
    let csv = app.html(&browser, &format!("/esf/{id}/indicators.csv")).await;
    assert!(csv.starts_with('\u{feff}') && csv.contains("EECO01;"), "{csv}");
    let page = browser.get(app.url(&format!("/esf/{id}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("EECR06"));
    assert!(
        page.contains(&format!("/esf/{id}/indicators.pdf?period=cumulative")),
        "the page links the PDF"
    );

    // The printed report, in French through the API and in Dutch from the page's link.
    let (status, kind, bytes) = fetch(&app, &admin, &format!("/api/v1/operations/{id}/indicators/pdf?lang=fr")).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let text = read_report(
        &bytes,
        &expected,
        &[
            "Indicateurs FSE+",
            "Opération ESF-TEST/1 : Cohort",
            "Période rapportée : Cumulé depuis le début de l’opération",
            "EECO01 : femmes, hommes et non binaires font 5, le total est 6 (genre non enregistré).",
            "2 participants ont des données manquantes.",
            "Encore dans l’opération : 2",
            "Sortis il y a moins de quatre semaines, rien d’enregistré (en attente, pas manquant) : 1",
            "Chiffres exacts, pour l’autorité de gestion.",
        ],
    );
    assert!(!text.contains("masqué"), "exact figures hide nothing");
    let response = browser
        .get(app.url(&format!("/esf/{id}/indicators.pdf?period=cumulative&lang=nl")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    read_report(
        &response.bytes().await.unwrap(),
        &expected,
        &[
            "Operatie ESF-TEST/1: Cohort",
            "Deelnemers (totaal)",
            "Gerapporteerde periode: Cumulatief vanaf de start van de operatie",
            "EECO01: vrouwen, mannen en non-binair geven samen 5, het totaal is 6 (gender niet geregistreerd).",
            "Nog in de operatie: 2",
        ],
    );
    let (status, _, bytes) = fetch(&app, &admin, &format!("/api/v1/operations/{id}/indicators/pdf?lang=de")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        field_errors(&problem).iter().any(|(field, _)| field == "lang"),
        "{problem}"
    );
}

/// Reads the printed report: one row per code with the expected figures, and these lines in its
/// text. Returns the text.
fn read_report(bytes: &[u8], expected: &[(&str, [i64; 4])], lines: &[&str]) -> String {
    let (text, rows) = read_pdf(bytes);
    assert_eq!(rows.len(), expected.len(), "one row per code: {rows:?}");
    for (code, cells) in expected {
        let shown: Vec<String> = cells.iter().map(i64::to_string).collect();
        assert_eq!(rows.get(*code), Some(&shown), "{code} in the PDF: {text}");
    }
    for line in lines {
        assert!(text.contains(line), "{line:?} missing from: {text}");
    }
    text
}

/// A PDF as poppler's pdftotext reads it: the text with one space between words, and the table's
/// rows (in `-layout` mode a row keeps its line) as code → its last four cells.
fn read_pdf(bytes: &[u8]) -> (String, std::collections::BTreeMap<String, Vec<String>>) {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, bytes).unwrap();
    let run = |layout: bool| {
        let mut command = std::process::Command::new("pdftotext");
        if layout {
            command.arg("-layout");
        }
        let output = command
            .args([file.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils) is installed by scripts/test");
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let text = run(false).split_whitespace().collect::<Vec<_>>().join(" ");
    let rows = run(true)
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let code = *words.first()?;
            let is_code = (code.starts_with("EEC") && code.len() == 6) || code == "not_reached";
            (is_code && words.len() >= 5).then(|| {
                let cells = words[words.len() - 4..].iter().map(|w| (*w).to_owned()).collect();
                (code.to_owned(), cells)
            })
        })
        .collect();
    (text, rows)
}

#[tokio::test]
async fn funders_see_small_cells_hidden_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let wgtw = programme_id(&app, &admin, "we-go-to-work").await;
    let boost = programme_id(&app, &admin, "boost2work").await;
    let body = json!({"number": "ESF-DEMO/2", "title": "Both", "starts_on": ago(3000), "ends_on": ago(0),
                      "programme_ids": [wgtw, boost]});
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/operations", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/operations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "number", "taken"), "{problem}");
    let bad = json!({"number": "with space", "title": "", "starts_on": "2026-13-01", "ends_on": "",
                     "programme_ids": [uuid::Uuid::now_v7().to_string()]});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/operations", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("number", "invalid-operation-number"),
        ("title", "required"),
        ("starts_on", "invalid-date"),
        ("ends_on", "required"),
    ] {
        assert!(has_error(&problem, field, code), "{field}: {problem}");
    }
    let unknown = json!({"number": "X1", "title": "T", "starts_on": ago(10), "ends_on": ago(0),
                         "programme_ids": [uuid::Uuid::now_v7().to_string()]});
    let (_, problem) = app.send_json(&admin, "POST", "/api/v1/operations", unknown).await;
    assert!(has_error(&problem, "programme_ids", "invalid-reference"), "{problem}");

    let (status, problem) = app
        .get_json(&admin, &format!("/api/v1/operations/{id}/indicators?period=someday"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "period", "invalid-period"), "{problem}");

    let funder = app.api_as(FUNDER).await;
    let (status, seen) = app
        .get_json(&funder, &format!("/api/v1/operations/{id}/indicators"))
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["exact"], false);
    assert!(seen["missing"].is_null() && seen["still_in"].is_null());
    let (_, exact) = app
        .get_json(&admin, &format!("/api/v1/operations/{id}/indicators"))
        .await;
    for (code, figure) in exact["indicators"].as_object().unwrap() {
        for column in ["women", "men", "non_binary", "total"] {
            let n = figure[column].as_i64().unwrap();
            let shown = &seen["indicators"][code][column];
            if (1..5).contains(&n) {
                assert!(shown.is_null(), "{code}.{column} = {n} shown to a funder");
            } else if !shown.is_null() {
                assert_eq!(shown.as_i64(), Some(n), "{code}.{column}");
            }
        }
    }
    let (status, listed) = app.get_json(&funder, &format!("/api/v1/operations/{id}/missing")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["participants"], json!([]), "funders open no file");

    // The funder's PDF hides the same cells as the API, and says why; no counts behind the checks.
    let (status, kind, bytes) = fetch(
        &app,
        &funder,
        &format!("/api/v1/operations/{id}/indicators/pdf?lang=fr"),
    )
    .await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let (text, rows) = read_pdf(&bytes);
    let mut hidden = 0;
    for (code, figure) in seen["indicators"].as_object().unwrap() {
        let cells: Vec<String> = ["women", "men", "non_binary", "total"]
            .iter()
            .map(|column| match figure[column].as_i64() {
                Some(n) => n.to_string(),
                None => {
                    hidden += 1;
                    "masqué".to_owned()
                }
            })
            .collect();
        assert_eq!(rows.get(code), Some(&cells), "{code} in the funder's PDF");
    }
    assert!(hidden > 0, "the demo data has small cells: {seen}");
    assert!(text.contains("Les petites cellules sont masquées."), "{text}");
    assert!(!text.contains("Encore dans l’opération"), "{text}");
    let (_, _, exact) = fetch(&app, &admin, &format!("/api/v1/operations/{id}/indicators/pdf?lang=fr")).await;
    assert!(!read_pdf(&exact).1.values().flatten().any(|cell| cell == "masqué"));

    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, _) = app.get_json(&coach, "/api/v1/operations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = fetch(&app, &coach, &format!("/api/v1/operations/{id}/indicators/pdf")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let missing = uuid::Uuid::now_v7();
    let (status, _, _) = fetch(&app, &admin, &format!("/api/v1/operations/{missing}/indicators/pdf")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, _) = app
        .send_json(&coordinator, "POST", "/api/v1/operations", json!({"number": "N"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_esf_report_is_in_the_menu_of_those_who_may_read_it() {
    let app = TestApp::spawn().await;
    let link = "<a href=\"/esf\"";
    for (email, shown) in [
        (ADMIN, true),
        (COORDINATOR_LIMBURG, true),
        (FUNDER, true),
        (COACH_LIMBURG, false),
        (PEER, false),
    ] {
        let browser = app.browser_as(email).await;
        // Every page carries the menu; the account page is one every role opens.
        let html = browser
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("<nav"), "{email}");
        assert_eq!(html.contains(link), shown, "{email}");
        let status = browser.get(app.url("/esf")).send().await.unwrap().status();
        assert_eq!(status.is_success(), shown, "{email}: {status}");
    }
}

/// Outcomes after an exit are refused (they belong to check-ins), so the situation upon leaving
/// may be recorded or corrected for four weeks after the exit and then counts for EECR01-EECR04;
/// after four weeks, or before the exit, it is refused with the reason, on the API and the page.
#[tokio::test]
async fn the_situation_upon_leaving_is_recorded_within_four_weeks_of_the_exit_and_counts() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let org = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let programme = esf_programme(&app, &admin, "esf-leaving").await;
    let someone = |first: &str| {
        json!({"first_name": first, "last_name": "Leaving", "birth_date": born(40), "gender": "female",
               "situation": "inactive", "education": "isced_3_4", "postcode": "9000"})
    };
    let recent = person(&app, &admin, &org, someone("Recent")).await;
    let recent_t = trajectory(&app, &admin, &recent, &programme, &org, 100).await;
    exit(&app, &admin, &recent_t, 20, None).await;
    let late = person(&app, &admin, &org, someone("Late")).await;
    let late_t = trajectory(&app, &admin, &late, &programme, &org, 100).await;
    exit(&app, &admin, &late_t, 40, None).await;
    let open = person(&app, &admin, &org, someone("Open")).await;
    let open_t = trajectory(&app, &admin, &open, &programme, &org, 100).await;

    let operation = json!({"number": "ESF-LEAVING/1", "title": "Leaving", "starts_on": ago(1000), "ends_on": ago(0),
                           "programme_ids": [programme]});
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/operations", operation).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let report = format!("/api/v1/operations/{}/indicators", created["id"].as_str().unwrap());
    let (_, before) = app.get_json(&admin, &report).await;
    assert_eq!(before["indicators"]["EECR04"]["total"], 0, "{before}");
    assert_eq!(
        before["pending_four_weeks"], 1,
        "the one who left 20 days ago: {before}"
    );

    let put = |t: &str| format!("/api/v1/trajectories/{t}/leaving-situation");
    let (status, after) = app
        .send_json(&admin, "PUT", &put(&recent_t), json!({"situation": "in_employment"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["exit_situation"], "in_employment");
    let (_, counted) = app.get_json(&admin, &report).await;
    assert_eq!(counted["indicators"]["EECR04"]["women"], 1, "{counted}");
    assert_eq!(counted["indicators"]["EECR04"]["total"], 1, "{counted}");
    assert_eq!(counted["pending_four_weeks"], 0, "{counted}");
    // A correction within the window replaces it: one result, not two.
    let (status, _) = app
        .send_json(&admin, "PUT", &put(&recent_t), json!({"situation": "in_education"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, corrected) = app.get_json(&admin, &report).await;
    assert_eq!(corrected["indicators"]["EECR04"]["total"], 0, "{corrected}");
    assert_eq!(corrected["indicators"]["EECR02"]["total"], 1, "{corrected}");
    assert_eq!(app.audit("trajectory.leaving_situation").await.len(), 2);

    // Too late, before the exit, and not a situation: refused, nothing written.
    let (status, problem) = app
        .send_json(&admin, "PUT", &put(&late_t), json!({"situation": "in_employment"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "situation", "leaving-situation-closed"),
        "{problem}"
    );
    let closed_on = (onramp_web::time::today() - Days::new(12))
        .format("%d-%m-%Y")
        .to_string();
    assert!(message_of(&problem, "situation").contains(&closed_on), "{problem}");
    let (status, problem) = app
        .send_json(&admin, "PUT", &put(&open_t), json!({"situation": "in_employment"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "situation", "trajectory-not-ended"), "{problem}");
    let (status, problem) = app
        .send_json(&admin, "PUT", &put(&recent_t), json!({"situation": "retired"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_errors(&problem).iter().any(|(f, _)| f == "situation"),
        "{problem}"
    );
    assert_eq!(
        app.audit("trajectory.leaving_situation").await.len(),
        2,
        "nothing more written"
    );
    let (_, unchanged) = app.get_json(&admin, &report).await;
    assert_eq!(unchanged["indicators"]["EECR02"]["total"], 1, "{unchanged}");

    // The page offers the form only within the window, and says the same refusal by the field.
    let page = app.english_browser_as(ADMIN).await;
    let html = app.html(&page, &format!("/participants/{recent}")).await;
    assert!(
        html.contains(&format!("/trajectories/{recent_t}/leaving-situation")),
        "form offered"
    );
    assert!(html.contains("Situation upon leaving recorded"), "on the timeline");
    let late_page = app.html(&page, &format!("/participants/{late}")).await;
    assert!(!late_page.contains("/leaving-situation"), "no form after four weeks");
    let csrf = csrf_in(&late_page);
    let response = page
        .post(app.url(&format!("/trajectories/{late_t}/leaving-situation")))
        .form(&[("csrf", csrf.as_str()), ("situation", "in_employment")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("up to four weeks after the exit"), "{html}");
    let response = page
        .post(app.url(&format!("/trajectories/{recent_t}/leaving-situation")))
        .form(&[("csrf", csrf.as_str()), ("situation", "job_searching")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, file) = app.get_json(&admin, &format!("/api/v1/participants/{recent}")).await;
    assert_eq!(file["trajectories"][0]["exit_situation"], "job_searching", "{file}");
}

/// An operation is changed after it was made (its partners narrow whom it counts), on the API and
/// the page, audited with what it was; bad fields are refused by name, others may not change it.
#[tokio::test]
async fn an_operation_is_changed_and_its_report_follows_the_partners_it_covers() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let schelde = app.organisation_id("Revalidatieziekenhuis Scheldeoever").await;
    let programme = esf_programme(&app, &admin, "esf-partners").await;
    for (first, org) in [("Maas", &maasland), ("Schelde", &schelde)] {
        let who = person(
            &app,
            &admin,
            org,
            json!({"first_name": first, "last_name": "Partner", "birth_date": born(40), "gender": "male",
                   "situation": "inactive"}),
        )
        .await;
        trajectory(&app, &admin, &who, &programme, org, 50).await;
    }
    let operation = json!({"number": "ESF-P/1", "title": "Partners", "starts_on": ago(1000), "ends_on": ago(0),
                           "programme_ids": [programme]});
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/operations", operation).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let report = format!("/api/v1/operations/{id}/indicators");
    let (_, all) = app.get_json(&admin, &report).await;
    assert_eq!(
        all["indicators"]["EECO01"]["total"], 2,
        "no partner named: every partner"
    );

    let one = format!("/api/v1/operations/{id}");
    let narrowed = json!({"number": "ESF-P/1", "title": "Partners, Maasland", "starts_on": ago(1000),
                          "ends_on": ago(0), "programme_ids": [programme], "partner_ids": [maasland]});
    let (status, changed) = app.send_json(&admin, "PUT", &one, narrowed).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["partner_ids"], json!([maasland]));
    let (_, shown) = app.get_json(&admin, &one).await;
    assert_eq!(shown["title"], "Partners, Maasland");
    let (_, maas_only) = app.get_json(&admin, &report).await;
    assert_eq!(maas_only["indicators"]["EECO01"]["total"], 1, "{maas_only}");
    let audited = app.audit("esf_operation.update").await;
    assert_eq!(audited.len(), 1);

    let bad = json!({"number": "ESF-P/1", "title": "", "starts_on": ago(0), "ends_on": ago(10),
                     "programme_ids": [programme], "partner_ids": [uuid::Uuid::now_v7().to_string()]});
    let (status, problem) = app.send_json(&admin, "PUT", &one, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "title", "required"), "{problem}");
    assert!(has_error(&problem, "ends_on", "range-inverted"), "{problem}");
    let unknown_partner = json!({"number": "ESF-P/1", "title": "T", "starts_on": ago(1000), "ends_on": ago(0),
                                 "programme_ids": [programme], "partner_ids": [uuid::Uuid::now_v7().to_string()]});
    let (_, problem) = app.send_json(&admin, "PUT", &one, unknown_partner).await;
    assert!(has_error(&problem, "partner_ids", "invalid-reference"), "{problem}");
    let (status, _) = app
        .send_json(
            &admin,
            "PUT",
            &format!("/api/v1/operations/{}", uuid::Uuid::now_v7()),
            json!({}),
        )
        .await;
    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::UNPROCESSABLE_ENTITY);
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, _) = app.send_json(&coordinator, "PUT", &one, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit("esf_operation.update").await.len(), 1, "nothing more written");

    // The page: both partners offered, Maasland ticked; saving both widens it again.
    let page = app.english_browser_as(ADMIN).await;
    let html = app.html(&page, &format!("/esf/{id}/edit")).await;
    assert!(html.contains(&format!("value=\"{maasland}\" checked")), "{html}");
    assert!(html.contains(&format!("value=\"{schelde}\">")), "{html}");
    let csrf = csrf_in(&html);
    let (start, end, programme_s) = (ago(1000), ago(0), programme.clone());
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("number", "ESF-P/1"),
        ("title", ""),
        ("starts_on", start.as_str()),
        ("ends_on", end.as_str()),
        ("programme_ids", programme_s.as_str()),
        ("partner_ids", maasland.as_str()),
        ("partner_ids", schelde.as_str()),
    ];
    let response = page
        .post(app.url(&format!("/esf/{id}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.text().await.unwrap().contains("aria-describedby"),
        "the field says why"
    );
    form[2] = ("title", "Partners, both");
    let response = page
        .post(app.url(&format!("/esf/{id}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, both) = app.get_json(&admin, &report).await;
    assert_eq!(both["indicators"]["EECO01"]["total"], 2, "{both}");
    let coordinator_page = app.english_browser_as(COORDINATOR_LIMBURG).await;
    let response = coordinator_page
        .get(app.url(&format!("/esf/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// The caseload's filter "ESF+ data still to complete" lists the people of programmes that report
/// to the ESF with a characteristic at entry not recorded, the same people the operation's report
/// lists as missing data at entry; "prefers not to say" is an answer; completing the record takes
/// the person off the list.
#[tokio::test]
async fn the_caseload_lists_the_people_whose_esf_data_is_still_to_complete() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let org = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let programme = esf_programme(&app, &admin, "esf-complete").await;
    let body = json!({"code": "plain", "name": "Plain", "max_duration_months": 24, "follow_up_months": [6],
                      "phases": [{"code": "intake", "name": "Intake"}]});
    let (status, _) = app.send_json(&admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::CREATED);
    let plain = programme_id(&app, &admin, "plain").await;
    let complete = |first: &str| {
        json!({"first_name": first, "last_name": "Esf", "birth_date": born(40), "gender": "female",
               "situation": "inactive", "education": "isced_3_4", "postcode": "9000", "disability": "no",
               "third_country_national": "no", "foreign_background": "no", "minority": "no", "homeless": "no"})
    };
    let gaps: [(&str, &str, Value); 7] = [
        ("Gender", "gender", json!("not_recorded")),
        ("Education", "education", json!("unknown")),
        ("Situation", "situation", json!("other")),
        ("Months", "situation", json!("unemployed")),
        ("Disability", "disability", json!("not_recorded")),
        ("Postcode", "postcode", Value::Null),
        ("Declined", "minority", json!("declined")),
    ];
    let mut people = BTreeMap::new();
    for (first, field, value) in gaps.iter().cloned() {
        let mut body = complete(first);
        body[field] = value;
        let who = person(&app, &admin, &org, body).await;
        trajectory(&app, &admin, &who, &programme, &org, 50).await;
        people.insert(first, who);
    }
    let whole = person(&app, &admin, &org, complete("Whole")).await;
    trajectory(&app, &admin, &whole, &programme, &org, 50).await;
    let elsewhere = person(
        &app,
        &admin,
        &org,
        json!({"first_name": "Elsewhere", "last_name": "Esf",
        "birth_date": born(40), "situation": "other"}),
    )
    .await;
    trajectory(&app, &admin, &elsewhere, &plain, &org, 50).await;

    let listed = |programme: String| {
        let (app, admin) = (&app, &admin);
        async move {
            let path = format!("/api/v1/caseload?limit=200&esf_missing=true&programme_id={programme}");
            let (status, page) = app.get_json(admin, &path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let rows = page["rows"].as_array().unwrap().iter();
            rows.map(|r| r["participant_id"].as_str().unwrap().to_owned())
                .collect::<BTreeSet<_>>()
        }
    };
    let expected: BTreeSet<String> = people
        .iter()
        .filter(|(first, _)| **first != "Declined")
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(listed(programme.clone()).await, expected);
    assert!(
        listed(plain).await.is_empty(),
        "a programme that does not report to the ESF asks nothing"
    );

    // The same people as the report's missing data at entry (results are not the intake's).
    let operation = json!({"number": "ESF-C/1", "title": "Complete", "starts_on": ago(1000), "ends_on": ago(0),
                           "programme_ids": [programme]});
    let (_, created) = app.send_json(&admin, "POST", "/api/v1/operations", operation).await;
    let path = format!("/api/v1/operations/{}/missing", created["id"].as_str().unwrap());
    let (_, report) = app.get_json(&admin, &path).await;
    let at_entry: BTreeSet<String> = report["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["missing"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| !["exit_situation", "six_month_check_in"].contains(&m.as_str().unwrap()))
        })
        .map(|r| r["participant_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(at_entry, expected, "{report}");

    // Completing the record takes the person off the list.
    let mut body = complete("Disability");
    body["organisation_id"] = json!(org);
    body["health_category"] = json!("chronic_pain");
    let (status, saved) = app
        .send_json(
            &admin,
            "PUT",
            &format!("/api/v1/participants/{}", people["Disability"]),
            body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert!(!listed(programme.clone()).await.contains(&people["Disability"]));

    // The page offers the filter and keeps it ticked.
    let page = app.english_browser_as(ADMIN).await;
    let html = app
        .html(&page, &format!("/caseload?esf_missing=true&programme_id={programme}"))
        .await;
    assert!(html.contains("ESF+ data still to complete"), "{html}");
    assert!(html.contains("name=\"esf_missing\" value=\"true\" checked"), "{html}");
    assert!(
        html.contains("Postcode Esf") || html.contains("Esf, Postcode"),
        "{html}"
    );
    assert!(!html.contains("Whole"), "a complete record is not listed");
}
