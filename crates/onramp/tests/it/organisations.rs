//! Organisations and locations: created and changed by administrators, from the API and the web forms.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn api_creates_and_updates_an_organisation_with_audit() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let limburg = app.region_id("limburg").await;
    let body = json!({"name": "  Pijnkliniek Bilzen ", "kind": "pain_clinic", "region_id": limburg});
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/organisations", body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["name"], "Pijnkliniek Bilzen");
    assert_eq!(created["region_name"], "Limburg");
    let id = created["id"].as_str().unwrap().to_owned();

    let body = json!({"name": "Pijnkliniek Bilzen-Munsterbilzen", "kind": "pain_clinic", "region_id": limburg});
    let (status, updated) = app
        .send_json(&admin, "PUT", &format!("/api/v1/organisations/{id}"), body)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["name"], "Pijnkliniek Bilzen-Munsterbilzen");

    let entries = app.audit("organisation.update").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_label, ADMIN);
    assert_eq!(entries[0].entity_id.as_deref(), Some(id.as_str()));
    assert!(
        entries[0]
            .before_json
            .as_deref()
            .unwrap()
            .contains("\"Pijnkliniek Bilzen\"")
    );
    assert!(entries[0].after_json.as_deref().unwrap().contains("Munsterbilzen"));
    assert_eq!(app.audit("organisation.create").await.len(), 1);

    // Search folds case and accents.
    let (_, list) = app.get_json(&admin, "/api/v1/organisations?q=BILZEN").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, list) = app
        .get_json(
            &admin,
            &format!("/api/v1/organisations?kind=pain_clinic&region_id={limburg}"),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn api_reports_every_bad_field_of_an_organisation() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (status, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/organisations",
            json!({"name": " ", "kind": "castle", "region_id": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "name", "required"));
    assert!(has_error(&problem, "kind", "invalid-choice"));
    assert!(has_error(&problem, "region_id", "invalid-reference"));

    let (_, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/organisations",
            json!({"name": "A clinic", "kind": "pain_clinic"}),
        )
        .await;
    assert!(
        has_error(&problem, "region_id", "required"),
        "care partners need a region"
    );

    let unknown_region = uuid::Uuid::now_v7().to_string();
    let body = json!({"name": "A clinic", "kind": "pain_clinic", "region_id": unknown_region});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/organisations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "region_id", "invalid-reference"));

    let long = "x".repeat(201);
    let (_, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/organisations",
            json!({"name": long, "kind": "provider"}),
        )
        .await;
    assert!(has_error(&problem, "name", "too-long"));

    let (status, _) = app.get_json(&admin, "/api/v1/organisations?kind=castle").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.get_json(&admin, "/api/v1/organisations/not-a-uuid").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get_json(&admin, &format!("/api/v1/organisations/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn locations_are_added_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let id = app.organisation_id("Pijnkliniek Haspengouw").await;
    let body = json!({"name": "Campus Zuid", "postcode": "380", "address": "Stationsstraat 1"});
    let (status, problem) = app
        .send_json(&admin, "POST", &format!("/api/v1/organisations/{id}/locations"), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "postcode", "invalid-postcode"));

    let body = json!({"name": "Campus Zuid", "postcode": "3800", "city": "Sint-Truiden"});
    let (status, location) = app
        .send_json(&admin, "POST", &format!("/api/v1/organisations/{id}/locations"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let location_id = location["id"].as_str().unwrap();
    let (_, detail) = app.get_json(&admin, &format!("/api/v1/organisations/{id}")).await;
    assert!(
        detail["locations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "Campus Zuid")
    );

    let body = json!({"name": "Campus Zuid (nieuw)", "postcode": "3800"});
    let (status, updated) = app
        .send_json(&admin, "PUT", &format!("/api/v1/locations/{location_id}"), body)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["name"], "Campus Zuid (nieuw)");
    assert_eq!(app.audit("location.update").await.len(), 1);

    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, _) = app
        .send_json(
            &coordinator,
            "POST",
            &format!("/api/v1/organisations/{id}/locations"),
            json!({"name": "X"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_organisation_form_shows_errors_per_field_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/organisations/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Dagcentrum Zonnebloem"),
        ("kind", "activity_centre"),
        ("region_id", ""),
    ];
    let response = browser
        .post(app.url("/organisations/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("value=\"Dagcentrum Zonnebloem\""), "typed name kept");
    assert!(
        html.contains("<option value=\"activity_centre\" selected>"),
        "chosen kind kept"
    );
    assert!(html.contains("id=\"e-region_id\""), "error next to the region field");
    assert!(html.contains("aria-describedby=\"e-region_id\""));
    assert!(
        html.contains("href=\"#f-region_id\""),
        "error summary links to the field"
    );

    let region = app.region_id("west-vlaanderen").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Dagcentrum Zonnebloem"),
        ("kind", "activity_centre"),
        ("region_id", &region),
    ];
    let response = browser
        .post(app.url("/organisations/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/organisations/") && location.ends_with("?notice=created"));
    let html = browser
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h1>Dagcentrum Zonnebloem</h1>"));
    assert!(html.contains("role=\"status\""), "confirmation shown");

    // A location with a bad postcode is refused on the organisation page.
    let path = location.split('?').next().unwrap().to_owned();
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Hoofdgebouw"),
        ("postcode", "ABCD"),
        ("address", ""),
        ("city", ""),
    ];
    let response = browser
        .post(app.url(&format!("{path}/locations")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Hoofdgebouw"),
        ("postcode", "8000"),
        ("address", ""),
        ("city", "Brugge"),
    ];
    let response = browser
        .post(app.url(&format!("{path}/locations")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = browser.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Hoofdgebouw"));
}

#[tokio::test]
async fn the_edit_form_changes_an_organisation() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let id = app.organisation_id("Dagcentrum De Brug").await;
    let edit = format!("/organisations/{id}/edit");
    let html = browser.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("value=\"Dagcentrum De Brug\""));
    let csrf = csrf_in(&html);
    let region = app.region_id("antwerpen").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Dagcentrum De Brug Mechelen"),
        ("kind", "activity_centre"),
        ("region_id", &region),
    ];
    let response = browser.post(app.url(&edit)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let coordinator = app.browser_as(COORDINATOR_LIMBURG).await;
    assert_eq!(
        coordinator.get(app.url(&edit)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
