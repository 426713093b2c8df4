//! The cost-benefit of a small programme computed by hand, through the API on both engines;
//! one parameter changed moves it as the formula says; bad parameters refused field by field on
//! the page and as problem+json; who may see and set what.

use crate::participants::programme_id;
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub(crate) fn ago(days: u64) -> String {
    (onramp_web::time::today() - Days::new(days)).to_string()
}

async fn person(app: &TestApp, admin: &Client, org: &str, name: &str) -> String {
    let body = json!({"organisation_id": org, "first_name": name, "last_name": "Kosten",
                      "birth_date": "1980-05-05", "health_category": "chronic_pain",
                      "situation": "employed_on_sick_leave"});
    let (status, created) = app.send_json(admin, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// Records the check-in `months` after exit of a person's trajectory.
async fn check_in(app: &TestApp, admin: &Client, who: &str, months: i64, situation: &str) {
    let (_, file) = app.get_json(admin, &format!("/api/v1/participants/{who}")).await;
    let id = file["check_ins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["months_after_exit"] == months)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"done_on": ago(0), "contact_made": true, "situation": situation});
    let (status, done) = app
        .send_json(admin, "POST", &format!("/api/v1/check-ins/{id}"), body)
        .await;
    assert!(status.is_success(), "{done}");
}

/// Four people who left 800 days ago: Ann in work at all four check-ins, Bart at 6 and 12 (job
/// searching at 18, 24 not recorded), Cleo and Dirk took no step and were not followed up.
pub(crate) async fn programme(app: &TestApp, admin: &Client) -> String {
    let org = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "code": "cb-small", "name": "CB small", "max_duration_months": 36, "follow_up_months": [6, 12, 18, 24],
        "phases": [{"code": "intake", "name": "Intake"}]
    });
    let (status, created) = app.send_json(admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let programme = programme_id(app, admin, "cb-small").await;
    for (name, job, in_work) in [
        ("Ann", true, 4),
        ("Bart", true, 2),
        ("Cleo", false, 0),
        ("Dirk", false, 0),
    ] {
        let who = person(app, admin, &org, name).await;
        let body = json!({"programme_id": programme, "organisation_id": org, "started_on": ago(900)});
        let t = app.start_trajectory(admin, &who, body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        if job {
            let body = json!({"trajectory_id": t, "kind": "new_employer", "on": ago(820), "with_support": true});
            let (status, made) = app
                .send_json(admin, "POST", &format!("/api/v1/participants/{who}/outcomes"), body)
                .await;
            assert_eq!(status, StatusCode::CREATED, "{made}");
        }
        let body =
            json!({"on": ago(800), "reason": "completed", "situation": if job { Some("in_employment") } else { None }});
        let (status, ended) = app
            .send_json(admin, "POST", &format!("/api/v1/trajectories/{t}/exit"), body)
            .await;
        assert_eq!(status, StatusCode::OK, "{ended}");
        for (i, months) in [6, 12, 18, 24].into_iter().enumerate() {
            if i < in_work {
                check_in(app, admin, &who, months, "in_employment").await;
            } else if name == "Bart" && months == 18 {
                check_in(app, admin, &who, months, "job_searching").await;
            }
        }
    }
    // Ten coach hours at the partner today.
    let coach = app.api_as(COACH_LIMBURG).await;
    let body = json!({"organisation_id": org, "on": ago(0), "category": "administration", "minutes": 600});
    let (status, entry) = app.send_json(&coach, "POST", "/api/v1/hours", body).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    programme
}

pub(crate) async fn set(app: &TestApp, admin: &Client, programme: &str, values: Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/cost-benefit/parameters?programme_id={programme}");
    app.send_json(
        admin,
        "PUT",
        &path,
        json!({"values": values, "sources": {"deadweight": "Test: half"}}),
    )
    .await
}

pub(crate) async fn figures(app: &TestApp, client: &Client, programme: &str) -> (StatusCode, Value) {
    let path = format!(
        "/api/v1/cost-benefit?programme_id={programme}&from={}&to={}",
        ago(1000),
        ago(0)
    );
    app.get_json(client, &path).await
}

#[tokio::test]
async fn a_small_programme_computed_by_hand_to_the_cent() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme(&app, &admin).await;
    let (status, settings) = set(
        &app,
        &admin,
        &programme,
        json!({"hourly_cost": "50", "overhead_rate": "10", "direct_costs": "200", "benefits_per_month": "600",
               "contributions_per_month": "400", "deadweight": "50", "drop_off": "50", "discount_rate": "10",
               "horizon_years": "3"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let (status, r) = figures(&app, &admin, &programme).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    // Costs: 10 h × €50 = €500, overheads 10% = €50, direct €200: €750 = 75,000 cents.
    assert_eq!(r["costs"], 75_000, "{r}");
    assert_eq!(
        (
            r["participants"].clone(),
            r["took_step"].clone(),
            r["paid_work"].clone()
        ),
        (json!(4), json!(2), json!(2))
    );
    assert_eq!(r["in_work_at_check_ins"], json!([2, 2, 1, 1]));
    // 16 check-ins scheduled, 7 recorded (Ann 4, Bart 3).
    assert_eq!(r["check_ins_recorded_percent"], 43.75);
    // Year 1: 6 × (2 + 2) = 24 months × €1,000 × (1 − 50%) = €12,000 / 1.1 = 1,090,909 cents;
    // year 2: 6 × (1 + 1) = 12 months → €6,000 / 1.21 = 495,868; year 3: 12 × (1 − 50%) drop-off
    // = 6 months → €3,000 / 1.331 = 225,394. PV 1,812,171.
    assert_eq!(r["present_value"], 1_812_171);
    assert_eq!(r["net_present_value"], 1_812_171 - 75_000);
    // 1,812,171 / 75,000 = 24.16; 1,812,171 / 4 participants = 453,042 (rounded down);
    // ceil(12 × 75,000 / 1,090,909) = 1 month.
    assert_eq!(r["ratio"], 24.16);
    assert_eq!(r["break_even_price"], 453_042);
    assert_eq!(r["payback_months"], 1);
    assert_eq!(r["parameters"]["deadweight"], 5_000);
    assert_eq!(r["parameters"]["discount_rate"], 1_000);
    // Deadweight 75%: (1 − 75%) / (1 − 50%) halves each year's value: 600,000 / 1.1 = 545,455;
    // 300,000 / 1.21 = 247,934; 150,000 / 1.331 = 112,697. The costs stay.
    let (status, _) = set(&app, &admin, &programme, json!({"deadweight": "75"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = figures(&app, &admin, &programme).await;
    assert_eq!(after["present_value"], 545_455 + 247_934 + 112_697);
    assert_eq!(after["costs"], 75_000);
    // The history keeps both changes of the deadweight, the latest first.
    let (_, settings) = app
        .get_json(
            &admin,
            &format!("/api/v1/cost-benefit/parameters?programme_id={programme}"),
        )
        .await;
    let changes: Vec<&Value> = settings["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "deadweight")
        .collect();
    assert_eq!(changes[0]["old_value"], 5_000);
    assert_eq!(changes[0]["new_value"], 7_500);
    assert_eq!(changes[1]["old_value"], Value::Null);
}

#[tokio::test]
async fn bad_parameters_are_refused_field_by_field() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme_id(&app, &admin, "boost2work").await;
    let (status, problem) = set(
        &app,
        &admin,
        &programme,
        json!({"deadweight": "120", "discount_rate": "abc", "horizon_years": "0", "colour": "red"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "deadweight", "out-of-range"), "{problem}");
    assert!(has_error(&problem, "discount_rate", "invalid-number"), "{problem}");
    assert!(has_error(&problem, "horizon_years", "out-of-range"), "{problem}");
    assert!(has_error(&problem, "colour", "unknown-field"), "{problem}");
    let (status, problem) = app.get_json(&admin, "/api/v1/cost-benefit").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "programme_id", "required"), "{problem}");
    // The page: the form comes back with each field's error.
    let browser = app.browser_as(ADMIN).await;
    let page = format!("/cost-benefit?programme_id={programme}");
    let csrf = app.csrf(&browser, &page).await;
    let response = browser
        .post(app.url("/cost-benefit/parameters"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("programme_id", programme.as_str()),
            ("deadweight", "101"),
            ("discount_rate", "3.5"),
            ("horizon_years", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-deadweight\""), "{html}");
    assert!(html.contains("id=\"e-horizon_years\""));
    assert!(!html.contains("id=\"e-discount_rate\""));
}

#[tokio::test]
async fn who_may_see_and_set_the_cost_benefit() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme_id(&app, &admin, "boost2work").await;
    let limburg = app.region_id("limburg").await;
    let antwerpen = app.region_id("antwerpen").await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    // A coordinator may not set the programme's parameters, but saves a scenario for their region.
    let (status, _) = set(&app, &coordinator, &programme, json!({"deadweight": "60"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let scenario = |region: &str| json!({"programme_id": programme, "region_id": region, "name": "Fewer return alone", "values": {"deadweight": "60"}});
    let (status, made) = app
        .send_json(
            &coordinator,
            "POST",
            "/api/v1/cost-benefit/scenarios",
            scenario(&limburg),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, _) = app
        .send_json(
            &coordinator,
            "POST",
            "/api/v1/cost-benefit/scenarios",
            scenario(&antwerpen),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let region_path = |r: &str| format!("/api/v1/cost-benefit?programme_id={programme}&region_id={r}");
    let (status, r) = app.get_json(&coordinator, &region_path(&limburg)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let names: Vec<&str> = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cautious", "central", "hopeful", "Fewer return alone"]);
    let (status, _) = app.get_json(&coordinator, &region_path(&antwerpen)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A funder sees the figures of everything, withheld while the cohort is a small cell.
    let funder = app.api_as(FUNDER).await;
    let (status, r) = app
        .get_json(&funder, &format!("/api/v1/cost-benefit?programme_id={programme}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["small_cell_threshold"], 5);
    let (status, _) = set(&app, &funder, &programme, json!({"deadweight": "60"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A coach is refused, on the API and the page.
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, problem) = app
        .get_json(&coach, &format!("/api/v1/cost-benefit?programme_id={programme}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let browser = app.browser_as(COACH_LIMBURG).await;
    let response = browser.get(app.url("/cost-benefit")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Administrators and coordinators have it in the menu, coaches not.
    let admin_page = app
        .browser_as(ADMIN)
        .await
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(admin_page.contains("href=\"/cost-benefit\""));
    let coach_page = browser.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!coach_page.contains("href=\"/cost-benefit\""));
}
