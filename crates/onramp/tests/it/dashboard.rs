//! The programme dashboard on small cohorts with known answers (in past years the demo data does
//! not reach), and who may see which scope.

use crate::participants::programme_id;
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Cohort<'a> {
    app: &'a TestApp,
    coach: Client,
    maasland: String,
    wgtw: String,
}

impl Cohort<'_> {
    /// A participant at Maasland whose trajectory started on `started`, sick since `since`;
    /// returns (participant, trajectory).
    async fn person(
        &self,
        label: &str,
        n: usize,
        started: &str,
        since: &str,
        action: Option<&str>,
    ) -> (String, String) {
        let body = json!({
            "organisation_id": self.maasland, "first_name": format!("{label}{n}"), "last_name": "Cohort",
            "birth_date": format!("1970-01-{:02}", n % 28 + 1), "health_category": "chronic_pain",
            "situation": "employed_on_sick_leave", "incapacity_since": since
        });
        let (status, p) = self
            .app
            .send_json(&self.coach, "POST", "/api/v1/participants", body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        if let Some(action) = action {
            let path = format!("/api/v1/presence-actions/{action}/participants");
            let (status, _) = self
                .app
                .send_json(&self.coach, "POST", &path, json!({"participant_id": id}))
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
        let body = json!({"programme_id": self.wgtw, "organisation_id": self.maasland, "started_on": started});
        let (status, t) = self
            .app
            .send_json(
                &self.coach,
                "POST",
                &format!("/api/v1/participants/{id}/trajectories"),
                body,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{t}");
        (id, t["id"].as_str().unwrap().to_owned())
    }

    async fn step(&self, person: &(String, String), kind: &str, on: &str) {
        let path = format!("/api/v1/participants/{}/outcomes", person.0);
        let body = json!({"trajectory_id": person.1, "kind": kind, "on": on});
        let (status, o) = self.app.send_json(&self.coach, "POST", &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
    }

    async fn dashboard(&self, client: &Client, year: i32) -> Value {
        let path = format!(
            "/api/v1/dashboard?from={year}-01-01&to={year}-12-31&organisation_id={}",
            self.maasland
        );
        let (status, d) = self.app.get_json(client, &path).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        d
    }
}

async fn cohort(app: &TestApp) -> Cohort<'_> {
    let coach = app.api_as(COACH_LIMBURG).await;
    Cohort {
        maasland: app.organisation_id("Revalidatieziekenhuis Maasland").await,
        wgtw: programme_id(app, &coach, "we-go-to-work").await,
        coach,
        app,
    }
}

#[tokio::test]
async fn nineteen_of_twenty_four_is_79_point_2_percent() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    for n in 0..24 {
        let person = c.person("Boost", n, "2021-03-01", "2021-01-15", None).await;
        if n < 19 {
            c.step(&person, "workplace_training", "2021-05-01").await;
        }
    }
    let d = c.dashboard(&c.coach, 2021).await;
    assert_eq!(d["started"], 24);
    assert_eq!(d["took_step"], 19);
    assert_eq!(d["took_step_percent"], 79.2);
    assert_eq!(d["paid_work"], 0);
    assert_eq!(d["paid_work_percent_of_steps"], 0.0);
    assert_eq!(d["contacted"], 24, "all reached individually");
    let bands = d["sickness_bands"].as_array().unwrap();
    assert_eq!(bands[0], json!({"key": "0-3", "count": 24}), "{bands:?}");
}

#[tokio::test]
async fn fifty_with_a_step_and_thirty_in_paid_work_is_100_and_60_percent() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    for n in 0..50 {
        let person = c.person("Pilot", n, "2022-02-01", "2021-09-01", None).await;
        let kind = if n < 30 { "new_employer" } else { "volunteer_work" };
        c.step(&person, kind, "2022-04-01").await;
        if n == 0 {
            // A second step of the same person counts once.
            c.step(&person, "vet_course", "2022-05-01").await;
        }
    }
    let d = c.dashboard(&c.coach, 2022).await;
    assert_eq!((d["started"].clone(), d["took_step"].clone()), (json!(50), json!(50)));
    assert_eq!(d["took_step_percent"], 100.0);
    assert_eq!(d["paid_work"], 30);
    assert_eq!(d["paid_work_percent_of_steps"], 60.0);
    let bands = d["sickness_bands"].as_array().unwrap();
    assert_eq!(
        bands[1],
        json!({"key": "4-6", "count": 50}),
        "five months at the start: {bands:?}"
    );
}

#[tokio::test]
async fn two_hundred_reached_by_one_fte_with_thirty_steps_is_15_percent() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    let admin = app.api_as(ADMIN).await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let agreement = json!({"provider_id": gtb, "starts_on": "2020-01-01", "ends_on": "2020-12-31",
                           "reach_target": 200, "steps_target_percent": 15, "fte": 1});
    let (status, a) = app
        .send_json(
            &admin,
            "POST",
            &format!("/api/v1/organisations/{}/agreements", c.maasland),
            agreement,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let action = json!({"kind": "info_point", "organisation_id": c.maasland, "on": "2020-03-02", "minutes": "180",
                        "reached": "200"});
    let (status, action) = app
        .send_json(&c.coach, "POST", "/api/v1/presence-actions", action)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{action}");
    let action = action["id"].as_str().unwrap().to_owned();
    for n in 0..30 {
        let person = c.person("Reach", n, "2020-04-01", "2019-12-01", Some(&action)).await;
        c.step(&person, "same_employer", "2020-09-01").await;
    }
    let d = c.dashboard(&c.coach, 2020).await;
    assert_eq!(d["reached_by_presence"], 200);
    assert_eq!(d["contacted"], 200, "the thirty came through the action: counted once");
    assert_eq!(d["took_step"], 30);
    assert_eq!(d["took_step_percent_of_contacted"], 15.0);
    assert_eq!(d["steps_target_percent"], 15.0);
    assert_eq!(d["fte"], 1.0);
    assert_eq!(d["reached_per_fte"], 200.0);

    // Ending some in the period shows them by situation.
    let (_, file) = app.get_json(&c.coach, "/api/v1/caseload?q=reach0&status=all").await;
    let t = file["rows"][0]["trajectory_id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .send_json(
            &c.coach,
            "POST",
            &format!("/api/v1/trajectories/{t}/exit"),
            json!({"on": "2020-10-01", "reason": "work", "situation": "in_employment"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let d = c.dashboard(&c.coach, 2020).await;
    assert_eq!(d["exits"], json!([{"key": "in_employment", "count": 1}]));
    assert_eq!(d["median_duration_months"], 6.0, "1 April to 1 October");
}

#[tokio::test]
async fn each_role_sees_the_scopes_the_policy_gives_it() {
    let app = TestApp::spawn().await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let path = format!("/api/v1/dashboard?organisation_id={maasland}");
    let funder = app.api_as(FUNDER).await;
    assert_eq!(
        app.get_json(&funder, "/api/v1/dashboard").await.0,
        StatusCode::OK,
        "funders see aggregates"
    );
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    assert_eq!(app.get_json(&coordinator, &path).await.0, StatusCode::OK);
    assert_eq!(
        app.get_json(&coordinator, "/api/v1/dashboard").await.0,
        StatusCode::FORBIDDEN,
        "a coordinator chooses their region or a partner in it"
    );
    let far = app.api_as("an.peeters@gtb.demo").await;
    assert_eq!(app.get_json(&far, &path).await.0, StatusCode::NOT_FOUND);
    let peer = app.api_as(PEER).await;
    assert_eq!(app.get_json(&peer, &path).await.0, StatusCode::FORBIDDEN);
    let (status, problem) = app
        .get_json(&funder, "/api/v1/dashboard?from=soon&to=2020-01-01&programme_id=x")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "from", "invalid-date") && has_error(&problem, "programme_id", "invalid-reference"));
    let (_, problem) = app
        .get_json(&funder, "/api/v1/dashboard?from=2021-01-01&to=2020-01-01")
        .await;
    assert!(has_error(&problem, "to", "before-start"));
}

#[tokio::test]
async fn the_dashboard_page_shows_each_figure_with_its_definition() {
    let app = TestApp::spawn().await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Steps, share of those contacted"));
    assert!(html.contains("Took a step towards work, divided by those contacted"));
    assert!(html.contains("target 15.0%"), "the demo agreement's target");
    let funder = app.english_browser_as(FUNDER).await;
    let html = funder
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Programme dashboard"));
}
