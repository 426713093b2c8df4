//! The agreements' ESF and own-share amounts: entered in euros with cents on the form and the
//! API, refused field by field, shown on the agreement, and read by the cost-benefit when its
//! cost basis is "budget" (pro rata by the days of the agreement in the period) or "both".

use crate::cost_benefit::{ago, figures, programme, set};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_budget_cost_basis_reads_the_agreements_amounts() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme(&app, &admin).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    // Hours: 10 h × €50 + 10% = €550; with the basis "budget" the agreements replace them.
    let values = json!({"hourly_cost": "50", "overhead_rate": "10", "direct_costs": "0", "cost_basis": "budget"});
    let (status, settings) = set(&app, &admin, &programme, values).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let half = format!(
        "/api/v1/cost-benefit?programme_id={programme}&from={}&to={}",
        ago(1000),
        ago(500)
    );
    // What the demo's own agreements already bring to the whole period and to its first half.
    let (_, before) = figures(&app, &admin, &programme).await;
    let (_, before_half) = app.get_json(&admin, &half).await;
    let budget = |r: &serde_json::Value| r["costs_budget"].as_i64().unwrap();
    // An agreement over exactly the period the figures ask for (1,001 days).
    let body = json!({"provider_id": gtb, "starts_on": ago(1000), "ends_on": ago(0), "reach_target": 20,
                      "steps_target_percent": 15, "fte": 0.5, "esf_amount": 8000.5, "own_share": 2000});
    let path = format!("/api/v1/organisations/{maasland}/agreements");
    let (status, agreement) = app.send_json(&admin, "POST", &path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{agreement}");
    assert_eq!(
        (
            agreement["esf_amount_cents"].clone(),
            agreement["own_share_cents"].clone()
        ),
        (json!(800_050), json!(200_000))
    );
    let id = agreement["id"].as_str().unwrap().to_owned();
    let (status, r) = figures(&app, &admin, &programme).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(budget(&r) - budget(&before), 1_000_050, "{r}");
    assert_eq!(
        (r["costs_staff"].clone(), r["costs"].clone()),
        (json!(0), json!(budget(&r)))
    );
    // "both" adds them to the hours: 50,000 + 5,000.
    set(&app, &admin, &programme, json!({"cost_basis": "both"})).await;
    let (_, both) = figures(&app, &admin, &programme).await;
    assert_eq!(both["costs"], 55_000 + budget(&r), "{both}");
    // Half the agreement's period: 501 of its 1,001 days, rounded down:
    // 1,000,050 × 501 / 1,001 = 500,524.5 → 500,524.
    let (_, r) = app.get_json(&admin, &half).await;
    assert_eq!(budget(&r) - budget(&before_half), 500_524, "{r}");

    // A change through the API keeps the cents; a bad amount is named.
    let update = json!({"provider_id": gtb, "starts_on": ago(1000), "ends_on": ago(0), "reach_target": 20,
                        "steps_target_percent": 15, "fte": 0.5, "esf_amount": 9000, "own_share": 1000.25});
    let (status, changed) = app
        .send_json(&admin, "PUT", &format!("/api/v1/agreements/{id}"), update)
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["own_share_cents"], 100_025);
    let bad = json!({"provider_id": gtb, "starts_on": ago(1000), "ends_on": ago(0), "reach_target": 20,
                     "steps_target_percent": 15, "fte": 0.5, "esf_amount": -1, "own_share": 10.125});
    let (status, problem) = app
        .send_json(&admin, "PUT", &format!("/api/v1/agreements/{id}"), bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "esf_amount", "out-of-range"), "{problem}");
    assert!(has_error(&problem, "own_share", "invalid-number"), "{problem}");
    let (_, r) = figures(&app, &admin, &programme).await;
    assert_eq!(
        budget(&r) - budget(&before),
        1_000_025,
        "the refused change kept nothing"
    );
}

#[tokio::test]
async fn the_agreement_form_takes_the_amounts_in_euros() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let body = json!({"provider_id": gtb, "starts_on": "2027-01-01", "ends_on": "2027-12-31", "reach_target": 20,
                      "steps_target_percent": 15, "fte": 1});
    let path = format!("/api/v1/organisations/{maasland}/agreements");
    let (_, agreement) = app.send_json(&admin, "POST", &path, body).await;
    assert_eq!(
        agreement["esf_amount_cents"],
        serde_json::Value::Null,
        "none unless given"
    );
    let id = agreement["id"].as_str().unwrap();
    let browser = app.browser_as(ADMIN).await;
    let page = format!("/agreements/{id}");
    let form = |esf: &'static str, own: &'static str, csrf: String| {
        vec![
            ("csrf", csrf),
            ("provider_id", gtb.clone()),
            ("starts_on", "2027-01-01".to_owned()),
            ("ends_on", "2027-12-31".to_owned()),
            ("reach_target", "20".to_owned()),
            ("steps_target_percent", "15".to_owned()),
            ("fte", "1".to_owned()),
            ("esf_percent", "80".to_owned()),
            ("esf_amount", esf.to_owned()),
            ("own_share", own.to_owned()),
        ]
    };
    let csrf = app.csrf(&browser, &page).await;
    let response = browser
        .post(app.url(&page))
        .form(&form("12,345", "abc", csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-esf_amount\""), "{html}");
    assert!(html.contains("id=\"e-own_share\""));
    let csrf = app.csrf(&browser, &page).await;
    let response = browser
        .post(app.url(&page))
        .form(&form("120000,50", "30000", csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, saved) = app.get_json(&admin, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(
        (saved["esf_amount_cents"].clone(), saved["own_share_cents"].clone()),
        (json!(12_000_050), json!(3_000_000))
    );
    // The agreement's page shows them, and the form gives them back as typed in Dutch.
    let html = app.html(&browser, &page).await;
    assert!(html.contains("€ 120000,50"), "{html}");
    assert!(html.contains("value=\"120000,50\""));
}
