//! The demo shows the funder's report and the university's study at once: an ESF operation over
//! both programmes whose indicators are counted, and a study whose researcher downloads released rows.

use crate::participants::programme_id;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

const DEMO_RESEARCHER: &str = "onderzoeker@ugent.demo";

#[tokio::test]
async fn the_demo_operation_reports_both_programmes_and_the_demo_study_exports_rows() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let programmes = [
        programme_id(&app, &admin, "we-go-to-work").await,
        programme_id(&app, &admin, "boost2work").await,
    ];

    let (status, operations) = app.get_json(&admin, "/api/v1/operations").await;
    assert_eq!(status, StatusCode::OK, "{operations}");
    let operations = operations.as_array().unwrap();
    assert_eq!(operations.len(), 1, "{operations:?}");
    let operation = &operations[0];
    let mut covered: Vec<&str> = operation["programme_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    covered.sort_unstable();
    let mut expected: Vec<&str> = programmes.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(covered, expected, "both programmes");

    let id = operation["id"].as_str().unwrap();
    let path = format!("/api/v1/operations/{id}/indicators?period=cumulative");
    let (status, report) = app.get_json(&admin, &path).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let total = |code: &str| report["indicators"][code]["total"].as_i64().unwrap();
    assert!(total("EECO01") > 100, "{report}");
    assert!(total("EECO02") + total("EECO04") + total("EECO05") > 0);
    assert!(
        total("EECO12") > 0 && total("EECO17") > 0,
        "the intake fields are filled: {report}"
    );
    assert!(total("EECR04") > 0, "some left for work: {report}");
    // The demo leaves some characteristics unrecorded on purpose, for the list of missing data;
    // the figures themselves are consistent.
    for issue in report["issues"].as_array().unwrap() {
        assert_eq!(issue["kind"], "missing_data", "{issue}");
    }
    let page = app.browser_as(ADMIN).await;
    let html = page
        .get(app.url(&format!("/esf/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("ESF-DEMO-0001") && html.contains("EECO01"));

    let researcher = app.api_as(DEMO_RESEARCHER).await;
    let (status, studies) = app.get_json(&researcher, "/api/v1/studies").await;
    assert_eq!(status, StatusCode::OK, "{studies}");
    let studies = studies.as_array().unwrap();
    assert_eq!(studies.len(), 1, "the demo researcher's study: {studies:?}");
    let study = studies[0]["id"].as_str().unwrap();
    let response = researcher
        .get(app.url(&format!("/api/v1/studies/{study}/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let released: usize = response.headers()["x-onramp-released"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    let read = tokio::task::spawn_blocking(move || read_with_python("read_research_zip.py", &bytes))
        .await
        .unwrap();
    let participants = read["tables"]["participants.csv"].as_array().unwrap();
    assert!(released > 0, "rows pass the k-anonymity check");
    assert_eq!(
        participants.len() - 1,
        released,
        "a header and one row per released person"
    );
    let trajectories: &Vec<Value> = read["tables"]["trajectories.csv"].as_array().unwrap();
    assert!(trajectories.len() > 1, "with their trajectories");
}

/// The demo's cost-benefit is a worked example: We Go To Work's alumni who left two and a half
/// years ago were in work at their check-ins (the pattern of `demo_cost_benefit`: 6, 9, 6 and 4
/// people at 6, 12, 18 and 24 months), the programme's parameters carry the demo's sources and
/// the Limburg coordinator's scenario shows beside the three named ones.
#[tokio::test]
async fn the_demo_cost_benefit_is_a_worked_example() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme_id(&app, &admin, "we-go-to-work").await;
    let limburg = app.region_id("limburg").await;
    let from = (onramp_web::time::today() - chrono::Days::new(1100)).to_string();
    let query = format!("programme_id={programme}&from={from}&region_id={limburg}");
    let (status, r) = app.get_json(&admin, &format!("/api/v1/cost-benefit?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["in_work_at_check_ins"], serde_json::json!([6, 9, 6, 4]), "{r}");
    assert!(
        r["present_value"].as_i64().unwrap() > 0 && r["costs"].as_i64().unwrap() > 0,
        "{r}"
    );
    assert!(r["break_even_price"].as_i64().unwrap() > 0);
    assert_eq!(r["parameters"]["deadweight"], 4_000);
    let names: Vec<&str> = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Limburg: fewer return alone"), "{names:?}");
    // The page shows the figures, the sources and the funding case's link.
    let browser = app.browser_as(COORDINATOR_LIMBURG).await;
    let html = app.html(&browser, &format!("/cost-benefit?{query}")).await;
    let npv = r["net_present_value"].as_i64().unwrap() as f64 / 100.0;
    let shown = format!("€ {npv:.2}").replace('.', ",");
    assert!(html.contains(&shown), "{shown} missing from the page");
    assert!(html.contains("Demo: people sick more than a year"));
    assert!(html.contains("/cost-benefit/funding-case.pdf?"));
    // The demo's agreements hold an ESF amount and an own share.
    let (_, agreements) = app
        .get_json(
            &admin,
            &format!(
                "/api/v1/organisations/{}/agreements",
                app.organisation_id("Revalidatieziekenhuis Maasland").await
            ),
        )
        .await;
    assert_eq!(agreements[0]["esf_amount_cents"], 4_800_000, "{agreements}");
}
