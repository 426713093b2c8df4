//! The monitoring reports on a cohort with known answers (2018, before any demo data): barriers
//! by quarter with the share resolved, the median days and those without a step; the ICF change
//! of the cohort per rater with its n and 95% interval; trends by month; who may see what; bad
//! queries; the downloads read back by an independent reader.

use crate::participants::programme_id;
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const YEAR: &str = "from=2018-01-01&to=2018-12-31";

struct Cohort<'a> {
    app: &'a TestApp,
    coach: Client,
    maasland: String,
    wgtw: String,
}

impl Cohort<'_> {
    async fn new(app: &TestApp) -> Cohort<'_> {
        let coach = app.api_as(COACH_LIMBURG).await;
        Cohort {
            maasland: app.organisation_id("Revalidatieziekenhuis Maasland").await,
            wgtw: programme_id(app, &coach, "we-go-to-work").await,
            coach,
            app,
        }
    }

    /// A participant of `health` whose trajectory started on `started`: (participant, trajectory).
    async fn person(&self, n: usize, health: &str, started: &str) -> (String, String) {
        let body = json!({
            "organisation_id": self.maasland, "first_name": format!("Monitor{n}"), "last_name": "Cohort",
            "birth_date": "1971-03-03", "health_category": health, "situation": "employed_on_sick_leave"
        });
        let (status, p) = self
            .app
            .send_json(&self.coach, "POST", "/api/v1/participants", body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        let body = json!({"programme_id": self.wgtw, "organisation_id": self.maasland, "started_on": started});
        let t = self.app.start_trajectory(&self.coach, &id, body).await;
        (id, t["id"].as_str().unwrap().to_owned())
    }

    /// Notes a barrier, and closes it when `closed` is given (status, day).
    async fn barrier(&self, who: &(String, String), code: &str, noted: &str, closed: Option<(&str, &str)>) {
        let body = json!({"trajectory_id": who.1, "code": code, "noted_on": noted});
        let path = format!("/api/v1/participants/{}/barriers", who.0);
        let (status, b) = self.app.send_json(&self.coach, "POST", &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        if let Some((status_to, on)) = closed {
            let path = format!("/api/v1/barriers/{}/close", b["id"].as_str().unwrap());
            let (status, c) = self
                .app
                .send_json(&self.coach, "POST", &path, json!({"status": status_to, "on": on}))
                .await;
            assert_eq!(status, StatusCode::OK, "{c}");
        }
    }

    async fn step(&self, who: &(String, String), kind: &str, on: &str) {
        let path = format!("/api/v1/participants/{}/outcomes", who.0);
        let body = json!({"trajectory_id": who.1, "kind": kind, "on": on});
        let (status, o) = self.app.send_json(&self.coach, "POST", &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
    }

    async fn measure(&self, who: &(String, String), on: &str, rater: &str, ratings: Value, competences: Value) {
        let body = json!({"trajectory_id": who.1, "measured_on": on, "moment": "during", "rater": rater,
                          "ratings": ratings, "competences": competences});
        let path = format!("/api/v1/participants/{}/icf-measurements", who.0);
        let (status, m) = self.app.send_json(&self.coach, "POST", &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
    }

    /// The cohort of the module's comments: four people, six barriers, two steps, ICF series.
    async fn build(&self) -> Vec<(String, String)> {
        let p1 = self.person(1, "chronic_pain", "2018-01-10").await;
        let p2 = self.person(2, "chronic_pain", "2018-02-01").await;
        let p3 = self.person(3, "burn_out", "2018-04-05").await;
        let p4 = self.person(4, "burn_out", "2018-05-01").await;
        // Q1: pain twice (resolved after 30 and 40 days), transport once (still open).
        self.barrier(&p1, "pain", "2018-02-01", Some(("resolved", "2018-03-03")))
            .await;
        self.barrier(&p1, "transport", "2018-02-15", None).await;
        self.barrier(&p2, "pain", "2018-03-10", Some(("resolved", "2018-04-19")))
            .await;
        // Q2: pain resolved after 50 days; transport closed unresolved. Q4: pain again, open.
        self.barrier(&p3, "pain", "2018-05-01", Some(("resolved", "2018-06-20")))
            .await;
        self.barrier(&p4, "transport", "2018-05-02", Some(("unresolved", "2018-07-01")))
            .await;
        self.barrier(&p3, "pain", "2018-11-01", None).await;
        // Steps: p1 in March, p4 paid work in August; p2 and p3 none.
        self.step(&p1, "vet_course", "2018-03-01").await;
        self.step(&p4, "new_employer", "2018-08-01").await;
        // The coach's d240: 3→1 (p1), 2→1 (p2), 3→(8 not scored)→2 (p3), 2 once (p4: no change).
        self.measure(&p1, "2018-01-15", "coach", json!({"d240": "3", "b130": "2"}), json!({}))
            .await;
        self.measure(&p1, "2018-06-15", "coach", json!({"d240": "1", "b130": "2"}), json!({}))
            .await;
        self.measure(&p2, "2018-02-05", "coach", json!({"d240": "2"}), json!({}))
            .await;
        self.measure(&p2, "2018-07-01", "coach", json!({"d240": "1"}), json!({}))
            .await;
        self.measure(&p3, "2018-04-10", "coach", json!({"d240": "3"}), json!({}))
            .await;
        self.measure(&p3, "2018-05-10", "coach", json!({"d240": "8"}), json!({}))
            .await;
        self.measure(&p3, "2018-09-10", "coach", json!({"d240": "2"}), json!({}))
            .await;
        self.measure(&p4, "2018-05-05", "coach", json!({"d240": "2"}), json!({}))
            .await;
        // Self-ratings, a series apart: motivation 4→7 (p2) and 5→6 (p4); d240 3→3 (p2).
        self.measure(
            &p2,
            "2018-02-06",
            "participant",
            json!({"d240": "3"}),
            json!({"motivation": 4}),
        )
        .await;
        self.measure(
            &p2,
            "2018-07-02",
            "participant",
            json!({"d240": "3"}),
            json!({"motivation": 7}),
        )
        .await;
        self.measure(&p4, "2018-05-06", "participant", json!({}), json!({"motivation": 5}))
            .await;
        self.measure(&p4, "2018-09-06", "participant", json!({}), json!({"motivation": 6}))
            .await;
        vec![p1, p2, p3, p4]
    }
}

/// The JSON of a GET that must succeed.
async fn ok(app: &TestApp, client: &Client, path: &str) -> Value {
    let (status, body) = app.get_json(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The first names of a list of people.
fn first_names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort_unstable();
    names
}

fn row<'a>(rows: &'a Value, quarter: Value, code: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["quarter"] == quarter && r["code"] == code)
        .unwrap_or_else(|| panic!("no row {quarter} {code} in {rows}"))
}

/// (noted, resolved, resolved %, median days, no step, no step %) of a row.
fn figures(r: &Value) -> Value {
    json!([
        r["noted"],
        r["resolved"],
        r["resolved_percent"],
        r["median_days_to_resolve"],
        r["no_step"],
        r["no_step_percent"]
    ])
}

#[tokio::test]
async fn the_barrier_trend_of_a_known_cohort() {
    let app = TestApp::spawn().await;
    let c = Cohort::new(&app).await;
    c.build().await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let region = app.region_id("limburg").await;
    let path = format!(
        "/api/v1/monitoring/barriers?{YEAR}&region_id={region}&programme_id={}",
        c.wgtw
    );
    let b = ok(&app, &coordinator, &path).await;
    assert_eq!(b["quarters"], json!(["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"]));
    let rows = &b["rows"];
    // Q1: pain noted twice, both resolved (30 and 40 days: median 35), one without a step (p2).
    assert_eq!(
        figures(row(rows, json!("2018-Q1"), "pain")),
        json!([2, 2, 100.0, 35.0, 1, 50.0])
    );
    assert_eq!(
        figures(row(rows, json!("2018-Q1"), "transport")),
        json!([1, 0, 0.0, null, 0, 0.0])
    );
    assert_eq!(
        figures(row(rows, json!("2018-Q2"), "pain")),
        json!([1, 1, 100.0, 50.0, 1, 100.0])
    );
    // Closed unresolved: not resolved, no days to resolve; p4 took a step.
    assert_eq!(
        figures(row(rows, json!("2018-Q2"), "transport")),
        json!([1, 0, 0.0, null, 0, 0.0])
    );
    assert_eq!(
        figures(row(rows, json!("2018-Q4"), "pain")),
        json!([1, 0, 0.0, null, 1, 100.0])
    );
    // The whole year: pain 4 noted, 3 resolved (30, 40, 50 days), 3 of them without a step.
    assert_eq!(
        figures(row(rows, Value::Null, "pain")),
        json!([4, 3, 75.0, 40.0, 3, 75.0])
    );
    assert_eq!(
        figures(row(rows, Value::Null, "transport")),
        json!([2, 0, 0.0, null, 0, 0.0])
    );
    assert_eq!(
        rows.as_array().unwrap().len(),
        7,
        "no Q3 rows: nothing noted then: {rows}"
    );

    // One health category: the burn-out participants' barriers only.
    let b = ok(&app, &coordinator, &format!("{path}&health_category=burn_out")).await;
    assert_eq!(
        figures(row(&b["rows"], Value::Null, "pain")),
        json!([2, 1, 50.0, 50.0, 2, 100.0])
    );
    assert!(
        b["rows"].as_array().unwrap().iter().all(|r| r["quarter"] != "2018-Q1"),
        "{b}"
    );

    // A quarter only: the same counts as the quarter's rows of the year.
    let (_, q2) = app
        .get_json(
            &coordinator,
            &format!("/api/v1/monitoring/barriers?from=2018-04-01&to=2018-06-30&region_id={region}"),
        )
        .await;
    assert_eq!(
        figures(row(&q2["rows"], Value::Null, "pain")),
        json!([1, 1, 100.0, 50.0, 1, 100.0])
    );

    // A barrier resolved later changes the figures at once (counts kept with the write).
    let p = c.person(5, "oncology", "2018-11-05").await;
    c.barrier(&p, "pain", "2018-11-06", Some(("resolved", "2018-11-16")))
        .await;
    let (_, b) = app.get_json(&coordinator, &path).await;
    assert_eq!(
        figures(row(&b["rows"], json!("2018-Q4"), "pain")),
        json!([2, 1, 50.0, 10.0, 2, 100.0])
    );

    // Each figure links to its rows: the people behind Q1's pain without a step, audited.
    let people = format!(
        "/api/v1/monitoring/participants?{YEAR}&region_id={region}&figure=barrier&value=pain&part=no_step&within=2018-Q1"
    );
    let list = ok(&app, &coordinator, &people).await;
    assert_eq!(first_names(&list), ["Monitor2"]);
    let resolved = people.replace("no_step", "resolved").replace("Q1", "Q2");
    assert_eq!(first_names(&ok(&app, &coordinator, &resolved).await), ["Monitor3"]);
    let audit = app.audit("monitoring.people").await;
    assert_eq!(audit.len(), 2, "each list is audited");
}

#[tokio::test]
async fn the_icf_change_of_a_known_cohort_by_rater() {
    let app = TestApp::spawn().await;
    let c = Cohort::new(&app).await;
    c.build().await;
    let admin = app.api_as(ADMIN).await;
    let icf = ok(
        &app,
        &admin,
        &format!("/api/v1/monitoring/icf?{YEAR}&organisation_id={}", c.maasland),
    )
    .await;
    let find = |rater: &str, item: &str| {
        icf["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rater"] == rater && r["item"] == item)
            .map(|r| json!([r["n"], r["mean_change"], r["ci_low"], r["ci_high"]]))
    };
    // The coach's d240: -2, -1, -1 (the 8 is not scored; p4 rated once): mean -1.33, sd 0.577,
    // t(2) = 4.303: half width 4.303 × 0.577 / √3 = 1.434.
    assert_eq!(find("coach", "d240"), Some(json!([3, -1.33, -2.77, 0.1])));
    assert_eq!(
        find("coach", "b130"),
        Some(json!([1, 0.0, null, null])),
        "one change: no interval"
    );
    // Self-ratings apart: motivation +3 and +1: mean 2, sd √2, t(1) = 12.706: 2 ± 12.706.
    assert_eq!(find("participant", "motivation"), Some(json!([2, 2.0, -10.71, 14.71])));
    assert_eq!(find("participant", "d240"), Some(json!([1, 0.0, null, null])));
    assert_eq!(icf["rows"].as_array().unwrap().len(), 4, "{icf}");

    // The cohort is those started in the period: from May on only p4, who has no coach change.
    let (_, later) = app
        .get_json(
            &admin,
            &format!(
                "/api/v1/monitoring/icf?from=2018-05-01&to=2018-12-31&organisation_id={}",
                c.maasland
            ),
        )
        .await;
    assert_eq!(
        later["rows"],
        json!([{"rater": "participant", "item": "motivation", "n": 1, "mean_change": 1.0, "ci_low": null, "ci_high": null}])
    );

    // The people behind the coach's d240 change: the three with a change, not p4.
    let path = format!(
        "/api/v1/monitoring/participants?{YEAR}&organisation_id={}&figure=icf&rater=coach&value=d240",
        c.maasland
    );
    let list = ok(&app, &admin, &path).await;
    assert_eq!(first_names(&list), ["Monitor1", "Monitor2", "Monitor3"]);
}

#[tokio::test]
async fn steps_and_starts_by_month() {
    let app = TestApp::spawn().await;
    let c = Cohort::new(&app).await;
    c.build().await;
    let admin = app.api_as(ADMIN).await;
    let t = ok(
        &app,
        &admin,
        &format!("/api/v1/monitoring/trends?{YEAR}&organisation_id={}", c.maasland),
    )
    .await;
    let months = t["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let column = |key: &str| months.iter().map(|m| m[key].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(column("started"), [1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(column("first_steps"), [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(column("first_paid_work"), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // A partner's report compares its locations, not coaches (coaches are not kept per partner).
    assert!(t["per_coach"].is_null() && t["per_location"].is_array(), "{t}");
    // A region's report compares coaches: Sofie's four trajectories, two first steps, six barriers.
    let region = app.region_id("limburg").await;
    let (_, t) = app
        .get_json(&admin, &format!("/api/v1/monitoring/trends?{YEAR}&region_id={region}"))
        .await;
    let sofie = t["per_coach"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Sofie Maes")
        .cloned();
    let sofie = sofie.unwrap_or_else(|| panic!("{t}"));
    assert_eq!(
        json!([
            sofie["started"],
            sofie["first_steps"],
            sofie["barriers_noted"],
            sofie["resolved_percent"]
        ]),
        json!([4, 2, 6, 50.0])
    );
}

#[tokio::test]
async fn who_may_see_the_reports() {
    let app = TestApp::spawn().await;
    let c = Cohort::new(&app).await;
    c.build().await;
    let limburg = app.region_id("limburg").await;
    let antwerpen = app.region_id("antwerpen").await;
    let report = |scope: &str| format!("/api/v1/monitoring/barriers?{YEAR}&{scope}");
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    assert_eq!(
        app.get_json(&coordinator, &report(&format!("region_id={limburg}")))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.get_json(&coordinator, &report(&format!("region_id={antwerpen}")))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "another region is not theirs"
    );
    assert_eq!(
        app.get_json(&coordinator, &report("")).await.0,
        StatusCode::FORBIDDEN,
        "everything needs a region"
    );
    // Coaches and care teams run the work: they have the dashboard, not the steering's reports.
    for who in [COACH_LIMBURG, CARE_ANTWERPEN, PEER] {
        let client = app.api_as(who).await;
        let (status, problem) = app
            .get_json(&client, &report(&format!("organisation_id={}", c.maasland)))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {problem}");
    }
    // Funders see figures with small cells hidden, never the people, never one coach's work.
    let funder = app.api_as(FUNDER).await;
    let (status, b) = app.get_json(&funder, &report(&format!("region_id={limburg}"))).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["small_cell_threshold"], 5);
    let pain = row(&b["rows"], Value::Null, "pain");
    assert_eq!(
        figures(pain),
        json!([null, null, null, null, null, null]),
        "4 is a small cell: {b}"
    );
    let (_, icf) = app
        .get_json(&funder, &format!("/api/v1/monitoring/icf?{YEAR}&region_id={limburg}"))
        .await;
    assert!(
        icf["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["n"].is_null() && r["mean_change"].is_null()),
        "{icf}"
    );
    let (_, t) = app
        .get_json(
            &funder,
            &format!("/api/v1/monitoring/trends?{YEAR}&region_id={limburg}"),
        )
        .await;
    assert!(t["per_coach"].is_null(), "{t}");
    assert!(
        t["months"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["started"].is_null() || m["started"] == 0),
        "{t}"
    );
    let people = format!("/api/v1/monitoring/participants?{YEAR}&region_id={limburg}&figure=barrier&value=pain");
    assert_eq!(app.get_json(&funder, &people).await.0, StatusCode::FORBIDDEN);
    let sofie = app.actor(COACH_LIMBURG).await.user_id;
    let coach_scope = report(&format!("region_id={limburg}&coach_id={sofie}"));
    assert_eq!(app.get_json(&funder, &coach_scope).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get_json(&coordinator, &coach_scope).await.0, StatusCode::OK);
}

#[tokio::test]
async fn bad_queries_are_named_field_by_field() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let cases = [
        ("from=2018-01-02&to=2018-03-31", "from", "not-first-of-month"),
        ("from=2018-01-01&to=2018-03-30", "to", "not-end-of-month"),
        ("from=2018-04-01&to=2018-03-31", "to", "before-start"),
        ("from=2010-01-01&to=2018-12-31", "to", "period-too-long"),
        ("from=2018-13-01", "from", "invalid-date"),
        ("region_id=nope", "region_id", "invalid-reference"),
        ("health_category=flu", "health_category", "invalid-choice"),
        (
            "region_id=00000000-0000-0000-0000-000000000001",
            "region_id",
            "invalid-reference",
        ),
    ];
    for (query, field, code) in cases {
        let (status, problem) = app
            .get_json(&admin, &format!("/api/v1/monitoring/barriers?{query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {problem}");
        assert!(has_error(&problem, field, code), "{query}: {problem}");
    }
    let people = [
        ("figure=nope", "figure", "invalid-choice"),
        ("figure=barrier", "value", "required"),
        ("figure=barrier&value=pain&part=half", "part", "invalid-choice"),
        ("figure=icf&value=d240&rater=nurse", "rater", "invalid-choice"),
        ("figure=icf&value=x1&rater=coach", "value", "invalid-choice"),
        ("figure=first_step&within=2017-Q4", "within", "outside-period"),
        ("figure=first_step&within=2018-Q5", "within", "invalid-choice"),
        ("figure=first_step&limit=0", "limit", "out-of-range"),
    ];
    for (query, field, code) in people {
        let path = format!("/api/v1/monitoring/participants?{YEAR}&{query}");
        let (status, problem) = app.get_json(&admin, &path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {problem}");
        assert!(has_error(&problem, field, code), "{query}: {problem}");
    }
    let response = admin
        .get(app.url(&format!("/api/v1/exports/monitoring.csv?{YEAR}&table=nope")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn recommendations_are_kept_with_their_report_and_versioned() {
    let app = TestApp::spawn().await;
    let limburg = app.region_id("limburg").await;
    let antwerpen = app.region_id("antwerpen").await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let body = json!({"from": "2018-01-01", "to": "2018-03-31", "region_id": limburg, "barrier_code": "pain",
                      "body": "Pain is the first barrier: ask the pain clinics for a joint group module."});
    let (status, r) = app
        .send_json(&coordinator, "POST", "/api/v1/monitoring/recommendations", body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(
        (r["version"].clone(), r["written_by_name"].is_string()),
        (json!(1), true)
    );
    let id = r["id"].as_str().unwrap().to_owned();
    // Another region's report is not theirs; coaches and funders do not write.
    let elsewhere = json!({"from": "2018-01-01", "to": "2018-03-31", "region_id": antwerpen, "body": "x"});
    assert_eq!(
        app.send_json(&coordinator, "POST", "/api/v1/monitoring/recommendations", elsewhere)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    for who in [FUNDER, COACH_LIMBURG] {
        let client = app.api_as(who).await;
        let (status, _) = app
            .send_json(&client, "POST", "/api/v1/monitoring/recommendations", body.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    // Bad input, field by field; nothing written.
    let bad = json!({"from": "2018-01-05", "to": "2018-03-31", "region_id": limburg, "body": "  "});
    let (status, problem) = app
        .send_json(&coordinator, "POST", "/api/v1/monitoring/recommendations", bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "from", "not-first-of-month") || has_error(&problem, "body", "required"),
        "{problem}"
    );
    // An edit is a new version; an edit of a stale version is refused.
    let path = format!("/api/v1/monitoring/recommendations/{id}");
    let edit = json!({"version": 1, "body": "Ask the pain clinics and the mutualities.", "barrier_code": "pain"});
    let (status, r2) = app.send_json(&coordinator, "PUT", &path, edit.clone()).await;
    assert_eq!(status, StatusCode::OK, "{r2}");
    assert_eq!(r2["version"], 2);
    let (status, problem) = app.send_json(&coordinator, "PUT", &path, edit).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "version", "edited-meanwhile"), "{problem}");
    let history = ok(&app, &coordinator, &path).await;
    let bodies: Vec<&str> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            body["body"].as_str().unwrap(),
            "Ask the pain clinics and the mutualities."
        ]
    );
    // The year's report of the region shows its quarter's recommendation; another scope's does not.
    let (_, list) = app
        .get_json(
            &coordinator,
            &format!("/api/v1/monitoring/recommendations?{YEAR}&region_id={limburg}"),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["version"], 2);
    let wgtw = programme_id(&app, &coordinator, "we-go-to-work").await;
    let (_, other) = app
        .get_json(
            &coordinator,
            &format!("/api/v1/monitoring/recommendations?{YEAR}&region_id={limburg}&programme_id={wgtw}"),
        )
        .await;
    assert_eq!(other, json!([]));
    let funder = app.api_as(FUNDER).await;
    let (status, _) = app.get_json(&funder, &path).await;
    assert_eq!(status, StatusCode::OK, "funders read the advice beside the figures");
    assert_eq!(app.audit("recommendation.edit").await.len(), 1);
}

#[tokio::test]
async fn every_table_downloads_as_csv_and_xlsx() {
    let app = TestApp::spawn().await;
    let c = Cohort::new(&app).await;
    c.build().await;
    let region = app.region_id("limburg").await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    for table in ["barriers", "icf", "trends", "coaches", "locations"] {
        let url = app.url(&format!(
            "/api/v1/exports/monitoring.xlsx?{YEAR}&region_id={region}&table={table}"
        ));
        let response = coordinator.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{table}");
        let bytes = response.bytes().await.unwrap();
        let book = read_with_python("read_xlsx.py", &bytes);
        let sheet = book[table].clone();
        let rows = sheet.as_array().unwrap();
        // Maasland's trajectories have no location: that table has its headings only.
        let expected = if table == "locations" { 1 } else { 2 };
        assert!(rows.len() >= expected, "{table}: {sheet}");
        if table == "barriers" {
            let pain = rows
                .iter()
                .find(|r| r[0] == "2018-Q1" && r[2] == 2)
                .unwrap_or_else(|| panic!("{sheet}"));
            assert_eq!(pain[4], 100.0, "numbers stay numbers: {sheet}");
            assert_eq!(pain[5], 35.0);
        }
        if table == "icf" {
            assert!(rows.iter().any(|r| r[2] == 3 && r[3] == -1.33), "{sheet}");
        }
    }
    let url = app.url(&format!(
        "/api/v1/exports/monitoring.csv?{YEAR}&region_id={region}&table=barriers"
    ));
    let csv = coordinator.get(url).send().await.unwrap().text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "{csv}");
    assert!(
        csv.contains("2018-Q1;") && csv.contains(";35,0;"),
        "Dutch decimal comma: {csv}"
    );
}

#[tokio::test]
async fn the_page_shows_each_chart_with_its_table_and_keeps_recommendations() {
    let app = TestApp::spawn().await;
    let c = Cohort::new(&app).await;
    c.build().await;
    let region = app.region_id("limburg").await;
    let coordinator = app.browser_as(COORDINATOR_LIMBURG).await;
    let page = format!("/monitoring?{YEAR}&region_id={region}");
    let response = coordinator.get(app.url(&page)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    // Charts are SVG with a label, each beside a table; no script needed.
    assert!(html.matches("<svg class=\"chart\"").count() >= 4, "{html}");
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=\"/static/app.js\" defer>").count(),
        "works without JavaScript: no script but the pages' one progressive enhancement"
    );
    assert!(
        html.contains("2018-Q1") && html.contains("Monitoringrapport"),
        "Dutch by default"
    );
    // Each count links to its rows (the people page), audited when opened.
    let link =
        format!("/monitoring/people?figure=barrier&value=pain&part=noted&within=2018-Q1&{YEAR}&region_id={region}");
    assert!(html.contains(&link.replace('&', "&#38;")), "{html}");
    let people = coordinator.get(app.url(&link)).send().await.unwrap();
    assert_eq!(people.status(), StatusCode::OK);
    let list = people.text().await.unwrap();
    assert!(
        list.contains("Monitor1") && list.contains("Monitor2") && !list.contains("Monitor3"),
        "{list}"
    );
    assert!(
        list.contains("/monitoring?from=2018-01-01"),
        "back to the report: {list}"
    );

    // A recommendation through the form; an empty one is refused field by field.
    let csrf = csrf_in(&html);
    let form = |body: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("from", "2018-01-01".to_owned()),
            ("to", "2018-12-31".to_owned()),
            ("region_id", region.clone()),
            ("body", body.to_owned()),
            ("barrier_code", "pain".to_owned()),
        ]
    };
    let refused = coordinator
        .post(app.url("/monitoring/recommendations"))
        .form(&form("  "))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("error-summary") && refused.contains("aria-invalid=\"true\""),
        "{refused}"
    );
    let saved = coordinator
        .post(app.url("/monitoring/recommendations"))
        .form(&form("Een gezamenlijke pijnmodule met de pijnklinieken."))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let html = coordinator
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Een gezamenlijke pijnmodule met de pijnklinieken."),
        "{html}"
    );
    assert!(html.contains("versie 1"), "{html}");

    // The menu offers the report to coordinators and funders, not to coaches; the page says so too.
    let other = coordinator
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(other.contains("href=\"/monitoring\""), "{other}");
    let coach = app.browser_as(COACH_LIMBURG).await;
    let other = coach
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        other.contains("href=\"/dashboard\"") && !other.contains("href=\"/monitoring\""),
        "{other}"
    );
    assert_eq!(
        coach.get(app.url("/monitoring")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // In English and French too.
    let english = app.english_browser_as(ADMIN).await;
    let html = english.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Barriers over time") && html.contains("Share resolved"),
        "{html}"
    );
    let funder = app.browser_as(FUNDER).await;
    let html = funder.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("id=\"small-cells\"") && !html.contains("/monitoring/people?"),
        "{html}"
    );
}

/// The kept counts of generated data (written as bare rows, then counted at start-up) against the
/// barriers read from the records: per code, noted, resolved and the median days to resolve.
#[tokio::test]
async fn the_kept_counts_equal_the_records_on_generated_data() {
    use std::collections::BTreeMap;
    let app = TestApp::spawn_on(TestDb::generated(400, 7).await).await;
    let admin = app.api_as("admin@onramp.generated").await;
    let (from, to) = ("2024-01-01", "2026-12-31");
    let b = ok(
        &app,
        &admin,
        &format!("/api/v1/monitoring/barriers?from={from}&to={to}"),
    )
    .await;
    let scope = onramp_store::dashboard::Scope::period(from.parse().unwrap(), to.parse().unwrap());
    let mut conn = app.db.conn().await.unwrap();
    let records = onramp_store::monitoring::barriers_from_records(&mut conn, &scope)
        .await
        .unwrap();
    assert!(records.len() > 50, "generated data has barriers: {}", records.len());
    let mut expected: BTreeMap<String, (i64, i64, Vec<i64>)> = BTreeMap::new();
    for (code, _, noted, status, closed) in records {
        let e = expected.entry(code).or_default();
        e.0 += 1;
        if let (true, Some(closed)) = (status == "resolved", closed) {
            e.1 += 1;
            e.2.push((closed - noted).num_days());
        }
    }
    let totals: Vec<&Value> = b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["quarter"].is_null())
        .collect();
    assert_eq!(totals.len(), expected.len(), "{b}");
    for (code, (noted, resolved, mut days)) in expected {
        let row = totals.iter().find(|r| r["code"] == code.as_str()).unwrap();
        days.sort_unstable();
        let median = match days.len() {
            0 => None,
            n if n % 2 == 1 => Some(days[n / 2] as f64),
            n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
        };
        assert_eq!(
            json!([row["noted"], row["resolved"], row["median_days_to_resolve"]]),
            json!([noted, resolved, median]),
            "{code}"
        );
    }
}
