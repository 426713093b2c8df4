//! Regions: listed for most roles, managed by administrators.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_five_regions_are_there_and_new_ones_are_checked() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (status, list) = app.get_json(&admin, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "antwerpen",
            "limburg",
            "oost-vlaanderen",
            "vlaams-brabant",
            "west-vlaanderen"
        ]
    );

    let (status, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/regions",
            json!({"code": "Limburg", "name": "Limburg 2"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "code", "taken"),
        "codes are unique, case-insensitively"
    );
    let (_, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/regions",
            json!({"code": "brussel hoofdstad", "name": ""}),
        )
        .await;
    assert!(has_error(&problem, "code", "invalid-code"));
    assert!(has_error(&problem, "name", "required"));

    let (status, region) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/regions",
            json!({"code": "brussel", "name": "Brussel"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = region["id"].as_str().unwrap();
    let (status, renamed) = app
        .send_json(
            &admin,
            "PUT",
            &format!("/api/v1/regions/{id}"),
            json!({"code": "brussel", "name": "Brussels Gewest"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "Brussels Gewest");
    let entries = app.audit("region.update").await;
    assert!(entries[0].before_json.as_deref().unwrap().contains("\"Brussel\""));
}

#[tokio::test]
async fn the_regions_page_creates_and_renames() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/regions").await;
    let response = browser
        .post(app.url("/regions"))
        .form(&[("csrf", csrf.as_str()), ("code", "?"), ("name", "Brussel")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("value=\"Brussel\""));
    let response = browser
        .post(app.url("/regions"))
        .form(&[("csrf", csrf.as_str()), ("code", "brussel"), ("name", "Brussel")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let limburg = app.region_id("limburg").await;
    let form = [("csrf", csrf.as_str()), ("code", "limburg"), ("name", "")];
    let response = browser
        .post(app.url(&format!("/regions/{limburg}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.text().await.unwrap().contains("<details open>"),
        "the failed rename stays open"
    );
    let coach = app.browser_as(COACH_LIMBURG).await;
    let html = coach
        .get(app.url("/regions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Brussel") && !html.contains("action=\"/regions\""),
        "coaches read, do not manage"
    );
}

/// The ids the migrations give the five provincial regions (`migrations/*/0028_regions.sql`).
fn shipped_id(n: u8) -> String {
    format!("019b7700-0000-7000-8000-00000000000{n}")
}

/// A fresh database (`onramp migrate`, nothing else) holds the five regions as reference data: an
/// administrator renames one, adds another, and gives a coordinator one.
#[tokio::test]
async fn a_fresh_database_ships_the_five_regions_that_an_administrator_changes() {
    let test_db = TestDb::new().await;
    let hash = onramp_store::passwords::hash(PASSWORD).unwrap();
    let mut tx = test_db.db.begin().await.unwrap();
    let input = onramp_store::users::UserInput {
        email: onramp_domain::identity::Email::parse("beheer@onramp.test").unwrap(),
        display_name: "Beheer".into(),
        role: onramp_domain::identity::Role::Administrator,
        language: onramp_domain::identity::Language::Nl,
        active: true,
        organisations: vec![],
        regions: vec![],
    };
    onramp_store::users::create(&mut tx, &input, &hash).await.unwrap();
    tx.commit().await.unwrap();
    let app = TestApp::spawn_on(test_db).await;
    let admin = app.api_as("beheer@onramp.test").await;

    let (status, list) = app.get_json(&admin, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::OK);
    let regions: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        regions,
        [
            ("antwerpen", "Antwerpen"),
            ("limburg", "Limburg"),
            ("oost-vlaanderen", "Oost-Vlaanderen"),
            ("vlaams-brabant", "Vlaams-Brabant"),
            ("west-vlaanderen", "West-Vlaanderen"),
        ]
    );
    let limburg = app.region_id("limburg").await;
    assert_eq!(limburg, shipped_id(2));

    let path = format!("/api/v1/regions/{limburg}");
    let body = json!({"code": "limburg", "name": "Provincie Limburg"});
    let (status, renamed) = app.send_json(&admin, "PUT", &path, body).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "Provincie Limburg");
    let body = json!({"code": "brussel", "name": "Brussel"});
    let (status, _) = app.send_json(&admin, "POST", "/api/v1/regions", body).await;
    assert_eq!(status, StatusCode::CREATED);
    let body = json!({"code": "antwerpen", "name": "Antwerpen bis"});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/regions", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "taken"), "{problem}");
    let (_, list) = app.get_json(&admin, "/api/v1/regions").await;
    assert_eq!(list.as_array().unwrap().len(), 6);

    // A coordinator needs a region: a fresh installation has one to give.
    let body = json!({"email": "coordinator@onramp.test", "display_name": "Coördinator", "role": "coordinator",
        "password": "a long enough password", "regions": [limburg]});
    let (status, user) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let browser = app.browser_as("beheer@onramp.test").await;
    let html = browser
        .get(app.url("/regions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Provincie Limburg") && html.contains("West-Vlaanderen"));
}

/// The demo and the generator use the shipped regions rather than making their own.
#[tokio::test]
async fn the_demo_and_the_generator_use_the_shipped_regions() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (_, list) = app.get_json(&admin, "/api/v1/regions").await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, (1..=5).map(shipped_id).collect::<Vec<_>>());
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (_, organisation) = app.get_json(&admin, &format!("/api/v1/organisations/{maasland}")).await;
    assert_eq!(organisation["region_id"], shipped_id(2).as_str(), "{organisation}");

    let generated = TestDb::generated(100, 7).await;
    let mut conn = generated.db.conn().await.unwrap();
    let regions = onramp_store::regions::list(&mut conn).await.unwrap();
    let ids: Vec<String> = regions.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids, (1..=5).map(shipped_id).collect::<Vec<_>>());
}
