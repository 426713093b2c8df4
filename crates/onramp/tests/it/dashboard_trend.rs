//! The dashboard beside the previous period: each main figure with last year's value, flagged in
//! words when below its target; regions side by side for funders; the phase named in the lists of
//! people; no repository path on screen.

use crate::dashboard::{Cohort, cohort};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn figure<'a>(d: &'a Value, key: &str) -> &'a Value {
    d["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no figure {key} in {d}"))
}

fn region_row<'a>(rows: &'a [Value], region: &str) -> &'a Value {
    rows.iter()
        .find(|row| row["figures"]["region_id"] == region)
        .unwrap_or_else(|| panic!("no row of region {region}"))
}

/// A partner (not the provider) of a region.
async fn partner_in(app: &TestApp, region: &str) -> String {
    let region: uuid::Uuid = app.region_id(region).await.parse().unwrap();
    let sql = "SELECT id FROM organisations WHERE region_id = $1 AND kind <> 'provider' ORDER BY name LIMIT 1";
    let mut conn = app.db.conn().await.unwrap();
    let id: uuid::Uuid =
        onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).bind(region).fetch_one(c).await).unwrap();
    id.to_string()
}

#[tokio::test]
async fn a_figure_below_its_target_says_so_beside_last_years_value() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    let admin = app.api_as(ADMIN).await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let agreement = json!({"provider_id": gtb, "starts_on": "2020-01-01", "ends_on": "2021-12-31",
                           "reach_target": 100, "steps_target_percent": 15, "fte": 1});
    let path = format!("/api/v1/organisations/{}/agreements", c.maasland);
    let (status, a) = app.send_json(&admin, "POST", &path, agreement).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    // 2020: 50 reached, 10 took a step (20%); 2021: 100 reached, 5 took a step (5%).
    for (year, reached, steps) in [(2020, 50, 10), (2021, 100, 5)] {
        let action = json!({"kind": "info_point", "organisation_id": c.maasland, "on": format!("{year}-03-02"),
                            "minutes": 120, "reached": reached});
        let (status, action) = app
            .send_json(&c.coach, "POST", "/api/v1/presence-actions", action)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{action}");
        let action = action["id"].as_str().unwrap().to_owned();
        for n in 0..steps {
            let person = c
                .person(
                    &format!("Trend{year}x"),
                    n,
                    &format!("{year}-04-01"),
                    &format!("{}-12-01", year - 1),
                    Some(&action),
                )
                .await;
            c.step(&person, "vet_course", &format!("{year}-09-01")).await;
        }
    }
    let query = format!("from=2021-01-01&to=2021-12-31&organisation_id={}", c.maasland);
    let (status, d) = app.get_json(&c.coach, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["previous_from"], "2020-01-01");
    assert_eq!(d["previous_to"], "2020-12-31");
    assert_eq!(d["previous_year_earlier"], true);
    let share = figure(&d, "took_step_percent_of_contacted");
    assert_eq!(
        share,
        &json!({"key": "took_step_percent_of_contacted", "unit": "percent", "value": 5.0, "previous": 20.0,
                "target": 15.0, "below_target": true})
    );
    let took = figure(&d, "took_step");
    assert_eq!((&took["value"], &took["previous"]), (&json!(5.0), &json!(10.0)));
    assert_eq!(
        took["below_target"], false,
        "a count without a target is never below it"
    );
    let contacted = figure(&d, "contacted");
    assert_eq!(
        (&contacted["value"], &contacted["target"], &contacted["below_target"]),
        (&json!(100.0), &json!(100.0), &json!(false)),
        "the year's people to reach, reached"
    );
    // Last year, 20% was above the same target.
    let last = format!("from=2020-01-01&to=2020-12-31&organisation_id={}", c.maasland);
    let (_, before) = app.get_json(&c.coach, &format!("/api/v1/dashboard?{last}")).await;
    assert_eq!(figure(&before, "took_step_percent_of_contacted")["below_target"], false);
    assert_eq!(figure(&before, "took_step")["previous"], 0.0);

    // The page says it in words, not by colour alone, with last year's value beside each figure.
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let html = app.html(&browser, &format!("/dashboard?{query}")).await;
    assert!(html.contains("below target (15.0%)"), "the flag in words");
    assert!(html.contains("last year: 20.0%"), "last year's share");
    assert!(html.contains("last year: 10)"), "last year's count of steps");
    let html = app.html(&browser, &format!("/dashboard?{last}")).await;
    assert!(!html.contains("below target (15.0%)"), "20% is not below 15%");
    assert!(html.contains("target 15.0%"));
}

#[tokio::test]
async fn a_funder_compares_the_regions_with_small_cells_hidden() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    // Two people in Limburg in 2019: a small cell for a funder; six in Antwerp.
    for n in 0..2 {
        c.person("Regions", n, "2019-05-01", "2019-01-01", None).await;
    }
    let antwerp = Cohort {
        coach: app.api_as(ADMIN).await,
        maasland: partner_in(&app, "antwerpen").await,
        ..cohort(&app).await
    };
    for n in 0..6 {
        antwerp.person("Antwerp", n, "2019-05-01", "2019-01-01", None).await;
    }
    let query = "from=2019-01-01&to=2019-12-31";
    let funder = app.api_as(FUNDER).await;
    let (status, r) = app
        .get_json(&funder, &format!("/api/v1/dashboard/regions?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let rows = r["rows"].as_array().unwrap();
    assert!(rows.len() >= 5, "every Flemish province: {r}");
    let limburg = app.region_id("limburg").await;
    let row = rows
        .iter()
        .find(|row| row["figures"]["region_id"] == limburg.as_str())
        .expect("Limburg's row");
    assert_eq!(row["region_name"], "Limburg");
    assert_eq!(row["figures"]["started"], Value::Null, "two people: hidden");
    assert!(row["figures"]["hidden"].as_array().unwrap().contains(&json!("started")));
    // Antwerp's six would give Limburg's two away by subtraction from the total beside them
    // (the only other region with starts): hidden with them.
    let antwerp = region_row(rows, &app.region_id("antwerpen").await);
    assert_eq!(antwerp["figures"]["started"], Value::Null, "{antwerp}");
    let (_, total) = app.get_json(&funder, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(total["started"], 8, "the total, eight people, is shown");
    // Staff see exact figures; a coordinator has one region: nothing to compare.
    let admin = app.api_as(ADMIN).await;
    let (_, exact) = app
        .get_json(&admin, &format!("/api/v1/dashboard/regions?{query}"))
        .await;
    let row = exact["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["figures"]["region_id"] == limburg.as_str())
        .unwrap();
    assert_eq!(row["figures"]["started"], 2);
    assert_eq!(
        region_row(exact["rows"].as_array().unwrap(), &app.region_id("antwerpen").await)["figures"]["started"],
        6
    );
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, none) = app
        .get_json(&coordinator, &format!("/api/v1/dashboard/regions?{query}"))
        .await;
    assert_eq!((status, &none["rows"]), (StatusCode::OK, &json!([])));
    let peer = app.api_as(PEER).await;
    let (status, _) = app.get_json(&peer, &format!("/api/v1/dashboard/regions?{query}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The funder's dashboard page holds the table, one row per region, "hidden" in the small cells.
    let browser = app.english_browser_as(FUNDER).await;
    let html = app.html(&browser, &format!("/dashboard?{query}")).await;
    let table = html
        .split("<table id=\"regions\">")
        .nth(1)
        .expect("the regions side by side")
        .split("</table>")
        .next()
        .unwrap();
    assert!(table.contains("<th scope=\"row\">Limburg</th><td class=\"number\">"));
    assert!(table.contains("hidden"));
    assert!(table.matches("<th scope=\"row\">").count() >= 5);
    let html = app
        .html(
            &app.english_browser_as(COORDINATOR_LIMBURG).await,
            &format!("/dashboard?{query}"),
        )
        .await;
    assert!(!html.contains("id=\"regions\""), "one region: nothing side by side");
}

#[tokio::test]
async fn no_repository_path_is_shown_on_the_dashboard_or_the_cost_benefit() {
    let app = TestApp::spawn().await;
    for language in ["nl", "fr", "en"] {
        let client = app.browser_as(ADMIN).await;
        let (_, me) = app.get_json(&client, "/api/v1/me").await;
        let body = json!({"display_name": me["display_name"], "language": language});
        app.send_json(&client, "PATCH", "/api/v1/me", body).await;
        for path in ["/dashboard", "/cost-benefit", "/monitoring", "/studies", "/"] {
            let html = app.html(&client, path).await;
            let text = html.split("<main").nth(1).unwrap_or(&html);
            assert!(
                !text.contains("docs/") && !text.contains(".md<") && !text.contains(".md "),
                "{language} {path} shows a repository path"
            );
        }
    }
}

#[tokio::test]
async fn the_people_behind_a_figure_have_their_phase_named() {
    let app = TestApp::spawn().await;
    let c = cohort(&app).await;
    c.person("Phase", 0, "2019-05-01", "2019-01-01", None).await;
    let (_, programmes) = app.get_json(&c.coach, "/api/v1/programmes").await;
    let wgtw = programmes
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == c.wgtw.as_str())
        .unwrap()
        .clone();
    for (who, client) in [("nl", &c.coach), ("en", &app.english_browser_as(COACH_LIMBURG).await)] {
        let (_, wgtw) = app
            .get_json(client, &format!("/api/v1/programmes/{}", wgtw["id"].as_str().unwrap()))
            .await;
        let query = format!(
            "figure=started&from=2019-01-01&to=2019-12-31&organisation_id={}",
            c.maasland
        );
        let (status, people) = app
            .get_json(client, &format!("/api/v1/dashboard/participants?{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{people}");
        let row = &people["rows"][0];
        let phase = wgtw["phases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == row["phase"])
            .unwrap();
        assert_eq!(row["phase_name"], phase["title"], "{who}: {row}");
        assert_ne!(row["phase_name"], row["phase"]);
    }
}
