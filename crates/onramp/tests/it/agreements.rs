//! Agreements with partners, the coach hours they commit, and contact persons.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_coordinator_records_an_agreement_for_a_partner_in_their_region() {
    let app = TestApp::spawn().await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let body = json!({"provider_id": gtb, "starts_on": "2027-01-01", "ends_on": "2027-12-31", "reach_target": 180,
                      "steps_target_percent": 12.5, "fte": 0.8});
    let path = format!("/api/v1/organisations/{maasland}/agreements");
    let (status, agreement) = app.send_json(&coordinator, "POST", &path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{agreement}");
    assert_eq!(agreement["esf_percent"], 80, "80% ESF by default");
    assert_eq!(agreement["partner_percent"], 20);
    assert_eq!(agreement["steps_target_percent"], 12.5);
    assert_eq!(agreement["fte"], 0.8);
    let id = agreement["id"].as_str().unwrap();

    // 350 hours at a location by default, split 100/100/100/50.
    let (_, detail) = app
        .get_json(&coordinator, &format!("/api/v1/organisations/{maasland}"))
        .await;
    let location = detail["locations"][0]["id"].as_str().unwrap();
    let (status, hours) = app
        .send_json(
            &coordinator,
            "PUT",
            &format!("/api/v1/agreements/{id}/locations/{location}"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hours[0]["total"], 350);
    assert_eq!(
        (hours[0]["individual"].clone(), hours[0]["administration"].clone()),
        (json!(100), json!(50))
    );
    let elsewhere = {
        let admin = app.api_as(ADMIN).await;
        let other = app.organisation_id("Pijnkliniek Haspengouw").await;
        let (_, d) = app.get_json(&admin, &format!("/api/v1/organisations/{other}")).await;
        d["locations"][0]["id"].as_str().unwrap().to_owned()
    };
    let (status, problem) = app
        .send_json(
            &coordinator,
            "PUT",
            &format!("/api/v1/agreements/{id}/locations/{elsewhere}"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "location_id", "invalid-reference"),
        "only the partner's own locations"
    );
    let (_, problem) = app
        .send_json(
            &coordinator,
            "PUT",
            &format!("/api/v1/agreements/{id}/locations/{location}"),
            json!({"group": -5}),
        )
        .await;
    assert!(has_error(&problem, "hours_group", "out-of-range"));

    // Others may not.
    let antwerpen = app.api_as("coordinator.antwerpen@onramp.demo").await;
    assert_eq!(
        app.send_json(&antwerpen, "POST", &path, body.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, _) = app.send_json(&coach, "POST", &path, body).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "coaches read agreements, do not make them"
    );
    assert_eq!(app.audit("agreement.create").await.len(), 1);
}

#[tokio::test]
async fn agreement_fields_are_checked() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let path = format!("/api/v1/organisations/{maasland}/agreements");
    let body = json!({"provider_id": maasland, "starts_on": "2027-12-31", "ends_on": "2027-01-01", "reach_target": -1,
                      "steps_target_percent": 120, "fte": 0.125, "esf_percent": 101});
    let (status, problem) = app.send_json(&admin, "POST", &path, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("ends_on", "range-inverted"),
        ("reach_target", "out-of-range"),
        ("steps_target_percent", "out-of-range"),
        ("fte", "invalid-number"),
        ("esf_percent", "out-of-range"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    let body = json!({"provider_id": maasland, "starts_on": "2027-01-01", "ends_on": "2027-12-31", "reach_target": 200,
                      "steps_target_percent": 15, "fte": 1});
    let (status, problem) = app.send_json(&admin, "POST", &path, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "provider_id", "invalid-reference"),
        "the provider must be a provider"
    );
}

#[tokio::test]
async fn contact_persons_are_added_and_removed() {
    let app = TestApp::spawn().await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let path = format!("/api/v1/organisations/{maasland}/contacts");
    let (status, problem) = app
        .send_json(&coordinator, "POST", &path, json!({"name": "", "email": "x"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "name", "required") && has_error(&problem, "email", "invalid-email"));
    let body = json!({"name": "Dr. Vos", "role": "Diensthoofd fysische geneeskunde", "email": "vos@maasland.demo"});
    let (status, contact) = app.send_json(&coordinator, "POST", &path, body).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = app.get_json(&coordinator, &path).await;
    assert!(list.as_array().unwrap().iter().any(|c| c["name"] == "Dr. Vos"));
    let response = coordinator
        .delete(app.url(&format!("{path}/{}", contact["id"].as_str().unwrap())))
        .header("x-requested-with", "onramp-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (_, list) = app.get_json(&coordinator, &path).await;
    assert!(!list.as_array().unwrap().iter().any(|c| c["name"] == "Dr. Vos"));
}

#[tokio::test]
async fn the_organisation_page_records_an_agreement_and_its_hours() {
    let app = TestApp::spawn().await;
    let browser = app.english_browser_as(COORDINATOR_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let html = browser
        .get(app.url(&format!("/organisations/{maasland}")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Agreements") && html.contains("Record an agreement"));
    let csrf = csrf_in(&html);
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("provider_id", gtb.clone()),
        ("starts_on", "2027-01-01".to_owned()),
        ("ends_on", "2027-12-31".to_owned()),
        ("reach_target", "200".to_owned()),
        ("steps_target_percent", "15,0".to_owned()),
        ("fte", "one".to_owned()),
        ("esf_percent", "80".to_owned()),
    ];
    let response = browser
        .post(app.url(&format!("/organisations/{maasland}/agreements")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("id=\"e-fte\""));
    form[6].1 = "1".into();
    let response = browser
        .post(app.url(&format!("/organisations/{maasland}/agreements")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let page = browser
        .get(app.url(&location))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("80% European Social Fund") && page.contains("15.0%"));
    let hours_location = page
        .split("name=\"location_id\"")
        .nth(1)
        .unwrap()
        .split("<option value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let path = location.split('?').next().unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("location_id", hours_location.as_str()),
        ("hours_individual", "120"),
        ("hours_group", "80"),
        ("hours_consultation", "100"),
        ("hours_administration", "50"),
    ];
    let response = browser
        .post(app.url(&format!("{path}/hours")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = browser.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<td>120</td><td>80</td><td>100</td><td>50</td><td>350</td>"));
}
