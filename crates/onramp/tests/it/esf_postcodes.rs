//! The reference table of postcodes and rural areas: an administrator sees which participants'
//! postcodes it lacks and replaces it from a CSV file (API and page); a bad file changes nothing
//! and names each bad row; a good one changes the rural area (EECO17) of the ESF+ report at once.

use crate::esf_indicators::{esf_programme, person, trajectory};
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const TABLE: &str = "/api/v1/reference/postcodes";

async fn put_csv(app: &TestApp, client: &Client, body: &str) -> (StatusCode, Value) {
    let response = client
        .put(app.url(TABLE))
        .header("content-type", "text/csv")
        .header("x-requested-with", "fetch")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

async fn eeco17(app: &TestApp, admin: &Client, operation: &str) -> (i64, i64) {
    let (status, report) = app
        .get_json(admin, &format!("/api/v1/operations/{operation}/indicators"))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let total = report["indicators"]["EECO17"]["total"].as_i64().unwrap();
    (total, report["missing"].as_i64().unwrap())
}

#[tokio::test]
async fn the_postcode_table_is_replaced_from_a_file_and_the_rural_area_follows() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let org = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let programme = esf_programme(&app, &admin, "esf-postcodes").await;
    let body = json!({"first_name": "Lien", "last_name": "Postcode", "birth_date": "1980-04-02", "gender": "female",
                      "education": "isced_3_4", "situation": "inactive", "disability": "no",
                      "third_country_national": "no", "foreign_background": "no", "minority": "no",
                      "homeless": "no", "postcode": "3798"});
    let lien = person(&app, &admin, &org, body).await;
    trajectory(&app, &admin, &lien, &programme, &org, 30).await;
    let today = onramp_web::time::today();
    let operation = json!({"number": "ESF-PC/1", "title": "Postcodes", "starts_on": (today - Days::new(400)).to_string(),
                           "ends_on": today.to_string(), "programme_ids": [programme]});
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/operations", operation).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let operation = created["id"].as_str().unwrap().to_owned();

    // 3798 is not in the table shipped with onramp: Lien's rural area is unknown, so missing.
    let (status, before) = app.get_json(&admin, TABLE).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert!(before["postcodes"].as_i64().unwrap() > 10);
    assert_eq!(before["unknown"], json!([{"postcode": "3798", "participants": 1}]));
    assert_eq!(eeco17(&app, &admin, &operation).await, (0, 1));

    // A file with bad rows changes nothing and names each.
    let bad = "postcode,municipality,degurba\n9000,Gent,1\n900,,4\n9000,Gent,1\n";
    let (status, problem) = put_csv(&app, &admin, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "rows.2.postcode", "invalid-postcode"), "{problem}");
    assert!(has_error(&problem, "rows.2.municipality", "required"), "{problem}");
    assert!(has_error(&problem, "rows.2.degurba", "invalid-degurba"), "{problem}");
    assert!(
        has_error(&problem, "rows.3.postcode", "duplicate-postcode"),
        "{problem}"
    );
    assert!(!has_error(&problem, "rows.1.postcode", "invalid-postcode"));
    let (status, problem) = put_csv(&app, &admin, "postcode;municipality\n9000;Gent\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "columns.degurba", "missing-column"), "{problem}");
    let (status, problem) = put_csv(&app, &admin, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "columns.postcode", "missing-column"), "{problem}");
    let (_, same) = app.get_json(&admin, TABLE).await;
    assert_eq!(same, before, "nothing changed");

    // Others may not read or replace the table.
    for who in [COACH_LIMBURG, COORDINATOR_LIMBURG, FUNDER] {
        let client = app.api_as(who).await;
        assert_eq!(app.get_json(&client, TABLE).await.0, StatusCode::FORBIDDEN, "{who}");
        let good = "postcode,municipality,degurba\n3798,Voeren,3\n";
        assert_eq!(put_csv(&app, &client, good).await.0, StatusCode::FORBIDDEN, "{who}");
    }

    // A complete table (semicolons, a byte-order mark, columns in another order) replaces it.
    let good = "\u{feff}degurba;postcode;municipality\n3;3798;Voeren (Sint-Pieters-Voeren)\n1;9000;Gent\n\n";
    let (status, after) = put_csv(&app, &admin, good).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["postcodes"], 2, "{after}");
    let unknown: Vec<&str> = after["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["postcode"].as_str().unwrap())
        .collect();
    assert!(!unknown.contains(&"3798") && !unknown.contains(&"9000"), "{after}");
    assert!(
        unknown.len() > 1,
        "the caseload's other postcodes are no longer listed: {after}"
    );
    let (_, file) = app.get_json(&admin, &format!("/api/v1/participants/{lien}")).await;
    assert_eq!(file["participant"]["esf"]["degurba"], "rural", "{file}");
    assert_eq!(
        eeco17(&app, &admin, &operation).await,
        (1, 0),
        "the report follows at once"
    );
    let entries = app.audit("postcode_degurba.replace").await;
    assert_eq!(entries.len(), 1, "one audited replacement, none for the refusals");
}

#[tokio::test]
async fn the_postcode_page_lists_what_is_unknown_and_loads_a_file() {
    let app = TestApp::spawn().await;
    let browser = app.english_browser_as(ADMIN).await;
    let html = app.html(&browser, "/esf").await;
    assert!(
        html.contains("href=\"/esf/postcodes\""),
        "linked from the operations page"
    );
    let html = app.html(&browser, "/esf/postcodes").await;
    assert!(html.contains("Postcodes and rural areas"), "{html}");
    let token = csrf_in(&html);
    let form = |csv: &str| {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("postcodes.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
    };
    let url = app.url(&format!("/esf/postcodes?csrf={token}"));
    let refused = browser
        .post(&url)
        .multipart(form("postcode,municipality,degurba\n9000,Gent,7\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("The file was not loaded; nothing changed"), "{html}");
    assert!(
        html.contains("Row 1, degurba: Enter the degree of urbanisation as 1"),
        "{html}"
    );
    let loaded = browser
        .post(&url)
        .multipart(form("postcode,municipality,degurba\n9000,Gent,1\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(loaded.status(), StatusCode::OK);
    let html = loaded.text().await.unwrap();
    assert!(html.contains("it now lists 1 postcodes"), "{html}");
    let coach = app.english_browser_as(COACH_LIMBURG).await;
    let response = coach.get(app.url("/esf/postcodes")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
