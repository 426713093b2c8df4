//! The access policy through HTTP: each role sees and changes only its scope.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_coordinator_sees_only_their_regions_organisations() {
    let app = TestApp::spawn().await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, list) = app.get_json(&coordinator, "/api/v1/organisations").await;
    assert_eq!(status, StatusCode::OK);
    let names = names(&list);
    assert!(names.contains(&"Revalidatieziekenhuis Maasland".to_owned()));
    assert!(names.contains(&"GTB Vlaanderen".to_owned()), "their own organisation");
    assert!(
        !names.iter().any(|n| n == "Revalidatieziekenhuis Scheldeoever"),
        "Antwerpen is not theirs"
    );
    let limburg = app.region_id("limburg").await;
    for organisation in list.as_array().unwrap() {
        let in_region = organisation["region_id"] == limburg;
        assert!(in_region || organisation["name"] == "GTB Vlaanderen", "{organisation}");
    }

    // Another region's organisation does not exist for them, in the API and on the page.
    let antwerpen = app.organisation_id("Revalidatieziekenhuis Scheldeoever").await;
    let (status, _) = app
        .get_json(&coordinator, &format!("/api/v1/organisations/{antwerpen}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let browser = app.browser_as(COORDINATOR_LIMBURG).await;
    let page = browser
        .get(app.url(&format!("/organisations/{antwerpen}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let html = browser
        .get(app.url("/organisations"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Revalidatieziekenhuis Maasland") && !html.contains("Scheldeoever"));

    // They may read their region's organisations but not change them.
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (status, _) = app
        .get_json(&coordinator, &format!("/api/v1/organisations/{maasland}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let body = json!({"name": "Renamed", "kind": "rehabilitation_hospital", "region_id": limburg});
    let (status, _) = app
        .send_json(
            &coordinator,
            "PUT",
            &format!("/api/v1/organisations/{maasland}"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send_json(&coordinator, "PUT", &format!("/api/v1/organisations/{antwerpen}"), body)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "outside the scope: not even 403");
}

#[tokio::test]
async fn coaches_and_care_teams_see_only_their_own_organisations() {
    let app = TestApp::spawn().await;
    let care = app.api_as(CARE_ANTWERPEN).await;
    let (_, list) = app.get_json(&care, "/api/v1/organisations").await;
    assert_eq!(names(&list), vec!["Revalidatieziekenhuis Scheldeoever".to_owned()]);

    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, list) = app.get_json(&coach, "/api/v1/organisations").await;
    let coach_names = names(&list);
    assert!(coach_names.len() >= 3, "{coach_names:?}");
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (status, _) = app.get_json(&coach, &format!("/api/v1/organisations/{maasland}")).await;
    let expected = if coach_names.contains(&"Revalidatieziekenhuis Maasland".to_owned()) {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    assert_eq!(status, expected);
    let ghent = app.organisation_id("Universitair Revalidatiecentrum Gent").await;
    let (status, _) = app.get_json(&coach, &format!("/api/v1/organisations/{ghent}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn funders_see_no_organisation_records() {
    let app = TestApp::spawn().await;
    let funder = app.api_as(FUNDER).await;
    let (status, _) = app.get_json(&funder, "/api/v1/organisations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get_json(&funder, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_administrators_manage_users_regions_and_read_the_audit_log() {
    let app = TestApp::spawn().await;
    for email in [COORDINATOR_LIMBURG, COACH_LIMBURG, CARE_ANTWERPEN, PEER, FUNDER] {
        let client = app.api_as(email).await;
        for path in ["/api/v1/users", "/api/v1/audit"] {
            let (status, _) = app.get_json(&client, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email} {path}");
        }
        let (status, _) = app
            .send_json(&client, "POST", "/api/v1/regions", json!({"code": "x", "name": "X"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} creates a region");
        let body = json!({"name": "X", "kind": "provider"});
        let (status, _) = app.send_json(&client, "POST", "/api/v1/organisations", body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} creates an organisation");
    }
    let browser = app.browser_as(COACH_LIMBURG).await;
    for path in ["/users", "/users/new", "/audit", "/organisations/new"] {
        let response = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn the_navigation_offers_each_role_what_it_may_use() {
    let app = TestApp::spawn().await;
    let admin = app
        .browser_as(ADMIN)
        .await
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for link in [
        "href=\"/organisations\"",
        "href=\"/users\"",
        "href=\"/audit\"",
        "href=\"/regions\"",
        "href=\"/icf/categories\"",
    ] {
        assert!(admin.contains(link), "admin sees {link}");
    }
    let coach_browser = app.browser_as(COACH_LIMBURG).await;
    let home = coach_browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK, "a coach starts on their worklist");
    assert!(home.text().await.unwrap().contains("id=\"work-step\""));
    let coach = coach_browser
        .get(app.url("/caseload"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        coach.contains("href=\"/organisations\"")
            && !coach.contains("href=\"/users\"")
            && !coach.contains("href=\"/audit\"")
            && !coach.contains("href=\"/icf/categories\""),
        "reference data is for administrators"
    );
    assert!(coach.contains("href=\"/caseload\" aria-current=\"page\""));
    let funder = app
        .browser_as(FUNDER)
        .await
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!funder.contains("href=\"/organisations\"") && funder.contains("href=\"/account\""));
    assert!(
        !funder.contains("href=\"/caseload\"") && !funder.contains("href=\"/programmes\""),
        "funders see aggregates only"
    );
    let care = app
        .browser_as(CARE_ANTWERPEN)
        .await
        .get(app.url("/caseload"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        care.contains("href=\"/hours\""),
        "the care team sees its partner's hours"
    );
}
