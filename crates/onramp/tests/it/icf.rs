//! The ICF profile: the shipped core set, administrators' categories, measurements with every bad
//! qualifier named, the distance travelled computed exactly, and who may read it.

use crate::participants::register;
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const BRIEF_SET: [&str; 13] = [
    "b130", "b164", "b455", "d155", "d240", "d720", "d845", "d850", "d855", "e310", "e330", "e580", "e590",
];

async fn measure(app: &TestApp, coach: &Client, id: &str, body: Value) -> (StatusCode, Value) {
    app.send_json(
        coach,
        "POST",
        &format!("/api/v1/participants/{id}/icf-measurements"),
        body,
    )
    .await
}

async fn participant(app: &TestApp, coach: &Client, first: &str) -> String {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    register(app, coach, &maasland, first, "Gemeten", "1980-02-02").await
}

#[tokio::test]
async fn the_brief_core_set_ships_and_administrators_add_categories() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, list) = app.get_json(&coach, "/api/v1/icf/categories").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, BRIEF_SET);
    let d845 = &list[6];
    assert_eq!(d845["title_en"], "Acquiring, keeping and terminating a job");
    assert_eq!(
        d845["title"], "Werk verkrijgen, behouden en beëindigen",
        "Dutch by default"
    );
    assert_eq!(d845["system"], "http://hl7.org/fhir/sid/icf");

    let new = json!({"code": "D8450", "title_nl": "Werk zoeken", "title_fr": "Chercher un emploi",
                     "title_en": "Seeking employment"});
    let (status, _) = app
        .send_json(&coach, "POST", "/api/v1/icf/categories", new.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "coaches do not change reference data");
    let admin = app.api_as(ADMIN).await;
    let (status, added) = app
        .send_json(&admin, "POST", "/api/v1/icf/categories", new.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(
        (added["code"].as_str(), added["component"].as_str()),
        (Some("d8450"), Some("d"))
    );
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/icf/categories", new).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "taken"), "{problem}");
    let bad = json!({"code": "s750", "title_nl": "", "title_fr": "x", "title_en": "x"});
    let (_, problem) = app.send_json(&admin, "POST", "/api/v1/icf/categories", bad).await;
    assert!(has_error(&problem, "code", "invalid-icf-code") && has_error(&problem, "title_nl", "required"));
    let (_, list) = app.get_json(&coach, "/api/v1/icf/categories").await;
    assert_eq!(
        list.as_array().unwrap().len(),
        14,
        "the new category can be rated from now on"
    );
}

#[tokio::test]
async fn measurements_give_the_distance_travelled_exactly() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = participant(&app, &coach, "Groei").await;
    let first = json!({"measured_on": "2026-09-15", "moment": "intake", "rater": "coach",
        "ratings": {"b130": "3", "d845": 4, "e310": "+1", "e330": "2"},
        "competences": {"motivation": 4, "coping_with_stress": "3"}});
    assert_eq!(measure(&app, &coach, &id, first).await.0, StatusCode::CREATED);
    let second = json!({"measured_on": "2026-10-15", "moment": "during", "rater": "participant",
        "ratings": {"b130": "8", "d845": "3"}, "competences": {"motivation": 6}});
    assert_eq!(measure(&app, &coach, &id, second).await.0, StatusCode::CREATED);
    let third = json!({"measured_on": "2026-11-15", "moment": "exit", "rater": "coach",
        "ratings": {"b130": "1", "d845": "2", "e310": "+3", "e330": "+2"}, "competences": {"motivation": "8"}});
    assert_eq!(measure(&app, &coach, &id, third).await.0, StatusCode::CREATED);

    let (status, profile) = app.get_json(&coach, &format!("/api/v1/participants/{id}/icf")).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["measurements"].as_array().unwrap().len(), 3);
    assert_eq!(profile["measurements"][0]["ratings"]["e310"], "+1");
    // The coach's series; the participant's self-rating (the second measurement) is a series of
    // its own, never joined to the coach's.
    let change = |code: &str| {
        let d = profile["distance_travelled"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code && d["rater"] == "coach")
            .cloned();
        d.map(|d| {
            (
                d["first"].as_i64().unwrap(),
                d["last"].as_i64().unwrap(),
                d["change"].as_i64().unwrap(),
                d["measurements"].as_i64().unwrap(),
            )
        })
    };
    assert_eq!(change("b130"), Some((3, 1, -2, 2)), "8 (not specified) is not scored");
    assert_eq!(
        change("d845"),
        Some((4, 2, -2, 2)),
        "the self-rating in between is not the coach's"
    );
    assert_eq!(change("e310"), Some((-1, -3, -2, 2)), "a growing facilitator");
    assert_eq!(
        change("e330"),
        Some((2, -2, -4, 2)),
        "a barrier of 2 became a facilitator of +2"
    );
    assert_eq!(change("motivation"), Some((4, 8, 4, 2)));
    assert!(
        profile["distance_travelled"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rater"] == "coach"),
        "the participant rated once: no distance of their own yet"
    );
    assert_eq!(change("coping_with_stress"), None, "rated once: no change to speak of");
    assert_eq!(change("d850"), None);
}

#[tokio::test]
async fn the_coachs_rating_and_the_self_rating_are_series_apart() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = participant(&app, &coach, "Twee").await;
    // Interleaved: the coach sees stress handled better, the participant feels it growing.
    for (on, rater, d240, motivation) in [
        ("2026-09-01", "coach", "3", 5),
        ("2026-09-02", "participant", "1", 8),
        ("2026-11-01", "coach", "1", 6),
        ("2026-11-02", "participant", "3", 4),
    ] {
        let body = json!({"measured_on": on, "moment": "during", "rater": rater,
            "ratings": {"d240": d240}, "competences": {"motivation": motivation}});
        assert_eq!(measure(&app, &coach, &id, body).await.0, StatusCode::CREATED);
    }
    let (_, profile) = app.get_json(&coach, &format!("/api/v1/participants/{id}/icf")).await;
    let mut series: Vec<(String, String, i64, i64, i64)> = profile["distance_travelled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["rater"].as_str().unwrap().to_owned(),
                d["first"].as_i64().unwrap(),
                d["last"].as_i64().unwrap(),
                d["measurements"].as_i64().unwrap(),
            )
        })
        .collect();
    series.sort();
    let own = |code: &str, rater: &str, first, last| (code.to_owned(), rater.to_owned(), first, last, 2);
    assert_eq!(
        series,
        [
            own("d240", "coach", 3, 1),
            own("d240", "participant", 1, 3),
            own("motivation", "coach", 5, 6),
            own("motivation", "participant", 8, 4),
        ]
    );
    // The page: a table row and a chart per rater, each chart with its own two points.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url(&format!("/participants/{id}/icf")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Handling stress and other psychological demands <span class=\"rater\">(Coach)</span>"));
    assert!(html.contains(
        "Handling stress and other psychological demands <span class=\"rater\">(Participant (self-rating))</span>"
    ));
    let charts: Vec<&str> = html.split("<figure>").skip(1).collect();
    assert_eq!(charts.len(), 4, "two raters, two rows each");
    for chart in charts {
        assert_eq!(chart.matches("<circle").count(), 2, "{chart}");
        assert_eq!(chart.matches(r#"class="series""#).count(), 1);
    }
    assert!(
        html.contains("d240 Handling stress and other psychological demands (Participant (self-rating))</figcaption>")
    );
}

#[tokio::test]
async fn a_bad_qualifier_is_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = participant(&app, &coach, "Fout").await;
    let body = json!({"measured_on": "2026-10-01", "moment": "intake", "rater": "coach",
        "ratings": {"b130": 5, "d845": "2", "b455": "+1", "x123": "1"}, "competences": {"motivation": 11}});
    let (status, problem) = measure(&app, &coach, &id, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "ratings.b130", "invalid-qualifier"), "{problem}");
    assert!(
        has_error(&problem, "ratings.b455", "facilitator-not-environmental"),
        "{problem}"
    );
    assert!(has_error(&problem, "ratings.x123", "unknown-icf-category"), "{problem}");
    assert!(
        has_error(&problem, "competences.motivation", "out-of-range"),
        "{problem}"
    );
    let message = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "ratings.b455")
        .unwrap();
    assert!(
        message["message"].as_str().unwrap().contains("+0"),
        "a message that says what is allowed"
    );
    let (_, problem) = measure(
        &app,
        &coach,
        &id,
        json!({"measured_on": (crate::caseload::today() + chrono::Days::new(1)).to_string(), "moment": "soon",
        "rater": "coach"}),
    )
    .await;
    assert!(has_error(&problem, "measured_on", "date-in-future"), "{problem}");
    assert!(has_error(&problem, "moment", "invalid-choice"));
    let (_, problem) = measure(
        &app,
        &coach,
        &id,
        json!({"measured_on": "2026-10-01", "moment": "intake",
        "rater": "coach", "ratings": {"b130": ""}}),
    )
    .await;
    assert!(has_error(&problem, "ratings", "nothing-rated"), "{problem}");
    let (_, profile) = app.get_json(&coach, &format!("/api/v1/participants/{id}/icf")).await;
    assert_eq!(profile["measurements"], json!([]), "nothing half-written");
}

#[tokio::test]
async fn the_profile_follows_the_file_s_access_rules_and_is_audited() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = participant(&app, &coach, "Privé").await;
    let body = json!({"measured_on": "2026-10-01", "moment": "intake", "rater": "coach", "ratings": {"d240": "3"}});
    assert_eq!(measure(&app, &coach, &id, body.clone()).await.0, StatusCode::CREATED);
    let path = format!("/api/v1/participants/{id}/icf");
    let care = app.api_as("psycholoog@maasland.demo").await;
    assert_eq!(
        app.get_json(&care, &path).await.0,
        StatusCode::NOT_FOUND,
        "no consent to share"
    );
    assert_eq!(measure(&app, &care, &id, body.clone()).await.0, StatusCode::NOT_FOUND);
    let far = app.api_as("an.peeters@gtb.demo").await;
    assert_eq!(app.get_json(&far, &path).await.0, StatusCode::NOT_FOUND);
    let funder = app.api_as(FUNDER).await;
    assert_eq!(app.get_json(&funder, &path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_json(&coach, &path).await.0, StatusCode::OK);
    let reads = app.audit("icf.read").await;
    assert!(
        reads
            .iter()
            .any(|e| e.participant_id.map(|p| p.to_string()) == Some(id.clone()))
    );
    let writes = app.audit("icf_measurement.create").await;
    assert!(
        writes
            .iter()
            .any(|e| e.after_json.as_deref().is_some_and(|a| a.contains("\"d240\":\"3\"")))
    );
}

#[tokio::test]
async fn the_page_charts_each_category_with_a_table_and_names_bad_input() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = participant(&app, &coach, "Grafiek").await;
    for (on, q) in [("2026-09-01", "3"), ("2026-11-01", "1")] {
        let body = json!({"measured_on": on, "moment": "during", "rater": "coach", "ratings": {"d845": q}});
        assert_eq!(measure(&app, &coach, &id, body).await.0, StatusCode::CREATED);
    }
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/participants/{id}/icf");
    let html = page.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<svg class=\"chart\""), "a chart");
    assert!(html.contains("aria-label=\"d845 Acquiring, keeping and terminating a job (Coach)\""));
    assert!(html.contains("-2 over 2 measurements"), "the change in the table");
    assert_eq!(
        html.matches("<figure>").count(),
        1,
        "only categories rated twice get a chart"
    );

    let csrf = app.csrf(&page, &path).await;
    let response = page
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("measured_on", "2026-11-20"),
            ("moment", "exit"),
            ("rater", "coach"),
            ("ratings.b130", "+2"),
            ("ratings.d845", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Only environmental factors can be facilitators"),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    let response = page
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("measured_on", "2026-11-20"),
            ("moment", "exit"),
            ("rater", "coach"),
            ("ratings.d845", "0"),
            ("competences.motivation", "9"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let html = page.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("The measurement is recorded."));
    assert!(html.contains("-3 over 3 measurements"));
}

#[tokio::test]
async fn each_programme_chooses_the_competences_it_measures() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, programmes) = app.get_json(&admin, "/api/v1/programmes").await;
    let boost = programmes
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "boost2work")
        .unwrap()
        .clone();
    let codes = |g: &Value| -> Vec<String> {
        g["competences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        codes(&boost),
        ["motivation", "coping_with_stress", "personal_network"],
        "the seeds' three"
    );

    let mut changed = boost.clone();
    changed["competences"] = json!([{"code": "self_confidence", "name": "Zelfvertrouwen"},
                                    {"code": "motivation", "name": "Motivation"}]);
    let path = format!("/api/v1/programmes/{}", boost["id"].as_str().unwrap());
    let (status, updated) = app.send_json(&admin, "PUT", &path, changed).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(codes(&updated), ["self_confidence", "motivation"]);
    let mut unchanged = updated.clone();
    unchanged.as_object_mut().unwrap().remove("competences");
    unchanged["description"] = json!("Short, intensive coaching.");
    let (status, updated) = app.send_json(&admin, "PUT", &path, unchanged).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(
        codes(&updated),
        ["self_confidence", "motivation"],
        "left out: kept as they were"
    );

    let id = participant(&app, &coach, "Boost").await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({"programme_id": boost["id"], "organisation_id": maasland,
                      "started_on": crate::caseload::today().to_string()});
    app.start_trajectory(&coach, &id, body).await;
    let (status, problem) = measure(
        &app,
        &coach,
        &id,
        json!({"measured_on": "2026-10-01", "moment": "intake",
        "rater": "participant", "competences": {"self_confidence": 4, "coping_with_stress": 5}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "competences.coping_with_stress", "invalid-choice"),
        "{problem}"
    );
    assert!(!has_error(&problem, "competences.self_confidence", "invalid-choice"));
    let (status, _) = measure(
        &app,
        &coach,
        &id,
        json!({"measured_on": "2026-10-01", "moment": "intake",
        "rater": "participant", "competences": {"self_confidence": 4, "motivation": 6}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, profile) = app.get_json(&coach, &format!("/api/v1/participants/{id}/icf")).await;
    assert_eq!(
        profile["competences"],
        json!([{"code": "self_confidence", "name": "Zelfvertrouwen"}, {"code": "motivation", "name": "Motivatie"}]),
        "an administrator's name as written; a shipped name translated"
    );
    assert_eq!(
        profile["measurements"][0]["competences"],
        json!({"motivation": 6, "self_confidence": 4})
    );
}
