//! Small cells: a funder sees counts of fewer than five people, and the counts that would reveal
//! them, hidden, on the page, in the API and in the exports; the programme's staff see them exactly.

use crate::dashboard::cohort;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn count_of(list: &Value, key: &str) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {list}"))["count"]
        .clone()
}

#[tokio::test]
async fn one_person_started_on_one_day_is_hidden_from_a_funder_with_their_barrier_and_sickness() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    let person = c.person("Single", 1, "2019-06-03", "2019-02-01", None).await;
    let body = json!({"trajectory_id": person.1, "code": "pain", "noted_on": "2019-06-03"});
    let path = format!("/api/v1/participants/{}/barriers", person.0);
    assert_eq!(
        app.send_json(&c.coach, "POST", &path, body).await.0,
        StatusCode::CREATED
    );
    let query = format!("from=2019-06-03&to=2019-06-03&organisation_id={}", c.maasland);

    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, exact) = app.get_json(&coordinator, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{exact}");
    assert_eq!(exact["started"], 1, "staff keep exact figures");
    assert_eq!(count_of(&exact["sickness_bands"], "4-6"), 1);
    assert_eq!(count_of(&exact["top_barriers"], "pain"), 1);
    assert_eq!(exact["hidden"], json!([]));
    assert_eq!(exact["small_cell_threshold"], Value::Null);

    let funder = app.api_as(FUNDER).await;
    let (status, d) = app.get_json(&funder, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["started"], Value::Null, "one person is that person's data: {d}");
    assert_eq!(d["contacted"], Value::Null);
    assert_eq!(count_of(&d["sickness_bands"], "4-6"), Value::Null);
    assert_eq!(count_of(&d["sickness_bands"], "0-3"), 0, "nobody is nobody's data");
    assert_eq!(count_of(&d["top_barriers"], "pain"), Value::Null);
    assert_eq!(
        d["took_step_percent"],
        Value::Null,
        "a share over a hidden count is hidden"
    );
    assert_eq!(d["small_cell_threshold"], 5);
    let hidden: Vec<&str> = d["hidden"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    for key in ["started", "contacted", "sickness:4-6", "barrier:pain"] {
        assert!(hidden.contains(&key), "{key} in {hidden:?}");
    }
    assert!(
        !d.to_string().contains(":1,") && !d.to_string().contains(":1}"),
        "no count of one: {d}"
    );

    // The exports hide the same cells.
    let csv = funder
        .get(app.url(&format!("/api/v1/exports/dashboard.csv?{query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let started = csv.lines().find(|l| l.starts_with("started;")).expect("a started row");
    assert!(started.contains("verborgen") || started.contains("hidden"), "{started}");
    let bytes = funder
        .get(app.url(&format!("/api/v1/exports/dashboard.xlsx?{query}")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let book = read_with_python("read_xlsx.py", &bytes);
    let rows = book["dashboard"].as_array().unwrap();
    let value = |figure: &str| rows.iter().find(|r| r[0] == figure).unwrap()[2].clone();
    assert!(value("started").is_string(), "not a number: {:?}", value("started"));
    assert!(value("barrier:pain").is_string());
    assert_eq!(value("sickness:0-3"), json!(0));

    // And the page says why.
    let page = |client: reqwest::Client| {
        let url = app.url(&format!("/dashboard?{query}"));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(app.browser_as(FUNDER).await).await;
    assert!(html.contains("id=\"small-cells\""), "the rule is explained");
    let html = page(app.browser_as(COORDINATOR_LIMBURG).await).await;
    assert!(!html.contains("id=\"small-cells\""));
}

#[tokio::test]
async fn a_count_that_differs_by_one_from_the_count_it_is_part_of_is_hidden_too() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    // Seven started, six took a step into paid work: "one started and took no step" is one person.
    for n in 0..7 {
        let person = c.person("Nested", n, "2016-04-04", "2016-01-10", None).await;
        if n < 6 {
            c.step(&person, "new_employer", "2016-05-02").await;
        }
    }
    let query = format!("from=2016-01-01&to=2016-12-31&organisation_id={}", c.maasland);
    let (_, exact) = app.get_json(&c.coach, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(
        (exact["started"].clone(), exact["took_step"].clone()),
        (json!(7), json!(6))
    );
    assert_eq!(exact["paid_work"], 6);

    let funder = app.api_as(FUNDER).await;
    let (_, d) = app.get_json(&funder, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(d["started"], 7, "seven people are not a small cell");
    assert_eq!(d["took_step"], Value::Null, "7 - 6 would name one person: {d}");
    assert_eq!(d["paid_work"], Value::Null, "nor may 7 - paid work: {d}");
    assert_eq!(d["took_step_percent"], Value::Null);
    assert_eq!(d["paid_work_percent_of_steps"], Value::Null);
    assert_eq!(
        d["paid_work_percent_of_started"],
        Value::Null,
        "6 of 7 would name the one not in paid work"
    );
    assert_eq!(exact["paid_work_percent_of_started"], 85.7);
}
