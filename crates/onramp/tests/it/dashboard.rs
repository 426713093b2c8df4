//! The programme dashboard on small cohorts with known answers (in past years the demo data does
//! not reach), and who may see which scope.

use crate::participants::programme_id;
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub(crate) struct Cohort<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) coach: Client,
    pub(crate) maasland: String,
    pub(crate) wgtw: String,
}

impl Cohort<'_> {
    /// A participant at Maasland whose trajectory started on `started`, sick since `since`;
    /// returns (participant, trajectory).
    pub(crate) async fn person(
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

    pub(crate) async fn step(&self, person: &(String, String), kind: &str, on: &str) {
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

pub(crate) async fn cohort(app: &TestApp) -> Cohort<'_> {
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
    let action = json!({"kind": "info_point", "organisation_id": c.maasland, "on": "2020-03-02", "minutes": 180,
                        "reached": 200});
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
    assert!(html.contains("Steps to work, share of those contacted"));
    assert!(html.contains("Took a step towards work, divided by those contacted"));
    assert!(
        html.contains("(target 15.0%)") || html.contains("below target (15.0%)"),
        "the demo agreement's target, said in words when the share is below it"
    );
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

impl Cohort<'_> {
    async fn people(&self, client: &Client, query: &str) -> (StatusCode, Value) {
        let path = format!(
            "/api/v1/dashboard/participants?from=2018-01-01&to=2018-12-31&organisation_id={}&{query}",
            self.maasland
        );
        self.app.get_json(client, &path).await
    }
}

fn first_names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn each_figure_lists_the_participants_behind_it_as_far_as_the_viewer_may_see() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    // Five people who started in 2018: three took a step, one of them into paid work; one had
    // pain noted; one left in employment; one had been sick for over two years.
    let mut people = Vec::new();
    for n in 0..5 {
        let since = if n == 4 { "2015-06-01" } else { "2018-01-01" };
        people.push(c.person("Achter", n, "2018-02-01", since, None).await);
    }
    c.step(&people[0], "new_employer", "2018-06-01").await;
    c.step(&people[1], "vet_course", "2018-06-01").await;
    c.step(&people[2], "volunteer_work", "2018-06-01").await;
    let body = json!({"trajectory_id": people[3].1, "code": "pain", "noted_on": "2018-03-01"});
    let path = format!("/api/v1/participants/{}/barriers", people[3].0);
    assert_eq!(
        app.send_json(&c.coach, "POST", &path, body).await.0,
        StatusCode::CREATED
    );
    let exit = json!({"on": "2018-10-01", "reason": "work", "situation": "in_employment"});
    let path = format!("/api/v1/trajectories/{}/exit", people[0].1);
    assert_eq!(app.send_json(&c.coach, "POST", &path, exit).await.0, StatusCode::OK);

    let expect = |query: &'static str, names: &[&str]| (query, names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    for (query, names) in [
        expect(
            "figure=started",
            &["Achter0", "Achter1", "Achter2", "Achter3", "Achter4"],
        ),
        expect("figure=took_step", &["Achter0", "Achter1", "Achter2"]),
        expect("figure=paid_work", &["Achter0"]),
        expect("figure=barrier&value=pain", &["Achter3"]),
        expect("figure=exited&value=in_employment", &["Achter0"]),
        expect("figure=exited&value=job_searching", &[]),
        expect("figure=sickness&value=25%2B", &["Achter4"]),
        expect(
            "figure=sickness&value=0-3",
            &["Achter0", "Achter1", "Achter2", "Achter3"],
        ),
        expect(
            "figure=contacted_individually",
            &["Achter0", "Achter1", "Achter2", "Achter3", "Achter4"],
        ),
    ] {
        let (status, list) = c.people(&c.coach, query).await;
        assert_eq!(status, StatusCode::OK, "{query}: {list}");
        assert_eq!(first_names(&list), names, "{query}");
    }
    let d = c.dashboard(&c.coach, 2018).await;
    assert_eq!(
        (d["started"].clone(), d["took_step"].clone()),
        (json!(5), json!(3)),
        "the lists match the figures"
    );

    // Pages of two follow on without repeats or gaps.
    let (_, first) = c.people(&c.coach, "figure=started&limit=2").await;
    let next = first["next"].as_str().expect("a next page").to_owned();
    let (_, second) = c
        .people(&c.coach, &format!("figure=started&limit=2&after={next}"))
        .await;
    let (_, third) = c
        .people(
            &c.coach,
            &format!("figure=started&limit=2&after={}", second["next"].as_str().unwrap()),
        )
        .await;
    assert!(third["next"].is_null());
    let mut all = [first_names(&first), first_names(&second), first_names(&third)].concat();
    all.sort();
    assert_eq!(all, ["Achter0", "Achter1", "Achter2", "Achter3", "Achter4"]);

    // The care team at Maasland sees only the people who consented to sharing with it.
    let care = app.api_as("psycholoog@maasland.demo").await;
    let (status, list) = c.people(&care, "figure=took_step").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(first_names(&list), Vec::<String>::new(), "no consent yet");
    let consent = json!({"purpose": "share_care_team", "version": "2026-01", "given_on": "2018-02-01",
                         "organisation_id": c.maasland});
    let path = format!("/api/v1/participants/{}/consents", people[1].0);
    assert_eq!(
        app.send_json(&c.coach, "POST", &path, consent).await.0,
        StatusCode::CREATED
    );
    assert_eq!(first_names(&c.people(&care, "figure=took_step").await.1), ["Achter1"]);

    // Funders see figures, never names; a coach elsewhere may not know the scope.
    assert_eq!(
        c.people(&app.api_as(FUNDER).await, "figure=started").await.0,
        StatusCode::FORBIDDEN
    );
    let far = app.api_as("an.peeters@gtb.demo").await;
    assert_eq!(c.people(&far, "figure=started").await.0, StatusCode::NOT_FOUND);

    // Bad input is named field by field.
    let (status, problem) = c.people(&c.coach, "figure=everyone").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "figure", "invalid-choice"), "{problem}");
    let (_, problem) = c.people(&c.coach, "figure=barrier&value=gravity").await;
    assert!(has_error(&problem, "value", "invalid-choice"), "{problem}");
    let (_, problem) = c.people(&c.coach, "figure=started&limit=0").await;
    assert!(has_error(&problem, "limit", "out-of-range"), "{problem}");

    // Every list is audited with the people it showed.
    let entries = app.audit("dashboard.people").await;
    let shown = entries
        .iter()
        .filter(|e| e.entity_id.as_deref() == Some("barrier:pain"))
        .any(|e| {
            e.subjects.as_deref().is_some_and(|shown| shown.contains(&people[3].0))
                && e.purpose.as_deref() == Some("report")
        });
    assert!(shown, "the barrier list names the participant it showed");
}

#[tokio::test]
async fn the_dashboard_page_links_each_figure_to_its_people() {
    let app = TestApp::spawn().await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    // The demo partner where this coach has people with steps over the past year.
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let from = crate::caseload::today() - chrono::Days::new(365);
    let html = page
        .get(app.url(&format!("/dashboard?organisation_id={maasland}&from={from}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = html
        .find("/dashboard/people?figure=took_step")
        .expect("a link on the steps figure");
    let end = html[start..].find('"').unwrap() + start;
    let href = html[start..end].replace("&#38;", "&").replace("&amp;", "&");
    // The link's text is the figure.
    let shown: usize = html[end..].split(['>', '<']).nth(1).unwrap().parse().expect("a count");
    assert!(shown > 0, "the demo has people with steps over the past year");
    let list = page.get(app.url(&href)).send().await.unwrap();
    assert_eq!(list.status(), StatusCode::OK, "{href}");
    let list = list.text().await.unwrap();
    assert!(list.contains("<h1>Took a step towards work</h1>"), "{list}");
    assert_eq!(
        list.matches("href=\"/participants/").count(),
        shown,
        "as many people as the figure counts (the coach sees the whole partner)"
    );
    let funder = app.english_browser_as(FUNDER).await;
    let html = funder
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("/dashboard/people"), "funders see figures only");
}

#[tokio::test]
async fn the_dashboard_exports_as_csv_and_as_an_xlsx_an_independent_reader_opens() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    for n in 0..24 {
        let person = c.person("Export", n, "2017-03-01", "2016-12-01", None).await;
        if n < 19 {
            c.step(&person, "vet_course", "2017-05-01").await;
        }
    }
    let query = format!("from=2017-01-01&to=2017-12-31&organisation_id={}", c.maasland);

    let response = c
        .coach
        .get(app.url(&format!("/api/v1/exports/dashboard.xlsx?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let book = read_with_python("read_xlsx.py", &bytes);
    let rows = book["dashboard"].as_array().expect("a sheet named dashboard");
    assert_eq!(rows[0][1], "Cijfer", "headings in the reader's language: {:?}", rows[0]);
    let value = |figure: &str| {
        rows.iter()
            .find(|r| r[0] == figure)
            .unwrap_or_else(|| panic!("no row {figure}"))[2]
            .clone()
    };
    assert_eq!(value("started"), json!(24));
    assert_eq!(value("took_step"), json!(19));
    assert_eq!(value("took_step_percent"), json!(79.2), "a number, not text");
    assert_eq!(value("paid_work_percent_of_steps").as_f64(), Some(0.0));
    assert_eq!(value("scope"), json!("Revalidatieziekenhuis Maasland"));
    assert_eq!(value("sickness:4-6"), json!(0));
    assert_eq!(value("sickness:0-3"), json!(24));

    let response = c
        .coach
        .get(app.url(&format!("/api/v1/exports/dashboard.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("took_step_percent;"))
        .expect("a row per figure");
    assert!(
        line.contains(";79,2;"),
        "Dutch by default, with a decimal comma: {line}"
    );

    let (status, problem) = app
        .get_json(&c.coach, "/api/v1/exports/dashboard.xlsx?from=2017-13-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "from", "invalid-date"));
    let far = app.api_as("an.peeters@gtb.demo").await;
    let response = far
        .get(app.url(&format!("/api/v1/exports/dashboard.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "the same policy as the dashboard"
    );

    // The page offers both downloads for the scope shown.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url(&format!("/dashboard?{query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!(
            "/dashboard.xlsx?from=2017-01-01&#38;to=2017-12-31&#38;organisation_id={}",
            c.maasland
        )),
        "{html}"
    );
    let download = page
        .get(app.url(&format!("/dashboard.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download
            .text()
            .await
            .unwrap()
            .contains("took_step_percent;Steps to work, share of those started;79.2;")
    );
}

/// Twenty started, ten took a step, five of them into paid work: 25% of all who started, 50% of
/// those who took a step. Both shares stand side by side with their bases named, for staff and
/// (no cell being small) for funders, on the page, in the API and in the downloads.
#[tokio::test]
async fn paid_work_is_shown_as_a_share_of_all_who_started_next_to_those_who_took_a_step() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    for n in 0..20 {
        let person = c.person("Whole", n, "2014-03-03", "2013-12-01", None).await;
        match n {
            0..5 => c.step(&person, "new_employer", "2014-06-02").await,
            5..10 => c.step(&person, "volunteer_work", "2014-06-02").await,
            _ => {}
        }
    }
    let query = format!("from=2014-01-01&to=2014-12-31&organisation_id={}", c.maasland);
    let funder = app.api_as(FUNDER).await;
    for client in [&c.coach, &funder] {
        let d = c.dashboard(client, 2014).await;
        assert_eq!(
            (d["started"].clone(), d["took_step"].clone(), d["paid_work"].clone()),
            (json!(20), json!(10), json!(5)),
            "{d}"
        );
        assert_eq!(d["paid_work_percent_of_steps"], 50.0, "{d}");
        assert_eq!(d["paid_work_percent_of_started"], 25.0, "{d}");
    }

    for who in [COACH_LIMBURG, FUNDER] {
        let html = app
            .english_browser_as(who)
            .await
            .get(app.url(&format!("/dashboard?{query}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let row = |label: &str| {
            let start = html.find(label).unwrap_or_else(|| panic!("{who}: no {label}"));
            html[start..start + html[start..].find("</tr>").unwrap()].to_owned()
        };
        let of_steps = row("Paid work, share of those who took a step to work");
        assert!(
            of_steps.contains("50.0%") && of_steps.contains("of 10 who took a step to work"),
            "{of_steps}"
        );
        let of_started = row("Paid work, share of all who started");
        assert!(
            of_started.contains("25.0%") && of_started.contains("of 20 started"),
            "{of_started}"
        );
    }

    let download = |format: &'static str| {
        let url = app.url(&format!("/api/v1/exports/dashboard.{format}?{query}"));
        let funder = &funder;
        async move { funder.get(url).send().await.unwrap().bytes().await.unwrap() }
    };
    let csv = String::from_utf8(download("csv").await.to_vec()).unwrap();
    let value = |figure: &str| {
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("{figure};")))
            .unwrap_or_else(|| panic!("no {figure} in {csv}"));
        line.split(';').nth(2).unwrap().replace(',', ".")
    };
    assert_eq!(value("paid_work_percent_of_started"), "25.0");
    assert_eq!(value("paid_work_percent_of_steps"), "50.0");
    let book = read_with_python("read_xlsx.py", &download("xlsx").await);
    let rows = book["dashboard"].as_array().unwrap();
    let cell = |figure: &str| rows.iter().find(|r| r[0] == figure).unwrap()[2].clone();
    assert_eq!(cell("paid_work_percent_of_started").as_f64(), Some(25.0));
    assert_eq!(cell("started"), json!(20));
    assert_eq!(cell("took_step"), json!(10));
}
