//! The dashboard by coach and by location (issue 23): the figures of that scope, who may ask for
//! which, and the lists behind its figures of activity (the presence actions behind the reach,
//! the agreements behind the coach FTE and hours).

use crate::support::*;
use chrono::NaiveDate;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use uuid::Uuid;

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";
const COACH_ANTWERPEN: &str = "an.peeters@gtb.demo";

/// The whole of the demo's time: every figure in it.
const PERIOD: &str = "from=2015-01-01&to=2035-12-31";

async fn user_id(app: &TestApp, client: &Client) -> String {
    let (_, me) = app.get_json(client, "/api/v1/me").await;
    me["id"].as_str().unwrap().to_owned()
}

/// Trajectories started in the period whose `condition` holds (over `t`), counted in the table.
async fn started_where(app: &TestApp, condition: &str, ids: &[&str]) -> i64 {
    let mut conn = app.db.conn().await.unwrap();
    let sql = format!("SELECT COUNT(*) FROM trajectories t WHERE {condition}");
    onramp_store::run!(&mut conn, c => {
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(&*sql));
        for id in ids {
            q = q.bind(id.parse::<Uuid>().unwrap());
        }
        q.fetch_one(c).await
    })
    .unwrap()
}

async fn dashboard(app: &TestApp, client: &Client, query: &str) -> (StatusCode, Value) {
    app.get_json(client, &format!("/api/v1/dashboard?{PERIOD}&{query}"))
        .await
}

async fn maasland_location(app: &TestApp, client: &Client) -> String {
    let maasland = app.organisation_id(MAASLAND).await;
    let (_, organisation) = app.get_json(client, &format!("/api/v1/organisations/{maasland}")).await;
    organisation["locations"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_dashboard_counts_one_coach_or_one_location() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let sofie = user_id(&app, &coach).await;
    let location = maasland_location(&app, &admin).await;
    let limburg = app.region_id("limburg").await;
    let maasland = app.organisation_id(MAASLAND).await;
    let everything = dashboard(&app, &admin, "").await.1["started"].as_i64().unwrap();
    let cases: [(String, &str, Vec<&str>); 4] = [
        (format!("coach_id={sofie}"), "t.coach_id = $1", vec![&sofie]),
        (format!("location_id={location}"), "t.location_id = $1", vec![&location]),
        (
            format!("coach_id={sofie}&region_id={limburg}"),
            "t.coach_id = $1 AND t.region_id = $2",
            vec![&sofie, &limburg],
        ),
        // A coach at one partner is not kept as such: it is recounted.
        (
            format!("coach_id={sofie}&organisation_id={maasland}"),
            "t.coach_id = $1 AND t.organisation_id = $2",
            vec![&sofie, &maasland],
        ),
    ];
    for (query, condition, ids) in cases {
        let (status, d) = dashboard(&app, &admin, &query).await;
        assert_eq!(status, StatusCode::OK, "{query}: {d}");
        let expected = started_where(&app, condition, &ids).await;
        assert!(expected > 0 && expected < everything, "{query}: a scope that narrows");
        assert_eq!(d["started"].as_i64(), Some(expected), "{query}");
    }
    let (_, by_coach) = dashboard(&app, &admin, &format!("coach_id={sofie}")).await;
    assert_eq!(by_coach["coach_id"], sofie.as_str(), "the answer says its scope");
    assert_eq!(
        (by_coach["fte"].as_f64(), by_coach["reached_per_fte"].clone()),
        (Some(0.0), Value::Null)
    );
    // Reached: the presence actions the coach led, at the location.
    let mut conn = app.db.conn().await.unwrap();
    let sql = "SELECT CAST(COALESCE(SUM(reached), 0) AS BIGINT) FROM presence_actions WHERE led_by = $1";
    let led: i64 = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql)
        .bind(sofie.parse::<Uuid>().unwrap()).fetch_one(c).await)
    .unwrap();
    drop(conn);
    assert!(led > 0);
    assert_eq!(by_coach["reached_by_presence"].as_i64(), Some(led));

    // The people behind a figure follow the scope too.
    let (status, people) = app
        .get_json(
            &admin,
            &format!("/api/v1/dashboard/participants?figure=started&{PERIOD}&coach_id={sofie}&limit=500"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{people}");
    let rows = people["rows"].as_array().unwrap();
    assert_eq!(rows.len() as i64, by_coach["started"].as_i64().unwrap());
    assert!(rows.iter().all(|r| r["coach_name"] == "Sofie Maes"));

    // The page offers the coaches and locations and keeps the choice.
    let browser = app.english_browser_as(ADMIN).await;
    let html = browser
        .get(app.url(&format!(
            "/dashboard?{PERIOD}&organisation_id={maasland}&coach_id={sofie}&location_id={location}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("<option value=\"{sofie}\" selected>Sofie Maes</option>")),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{location}\" selected>")));
    assert!(
        unescape(&html).contains(&format!("&coach_id={sofie}")),
        "links keep the coach"
    );
}

#[tokio::test]
async fn coordinators_scope_by_coach_within_their_region_and_coaches_only_themselves() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let sofie = user_id(&app, &coach).await;
    let other = app.api_as(COACH_ANTWERPEN).await;
    let an = user_id(&app, &other).await;
    let limburg = app.region_id("limburg").await;
    let antwerpen = app.region_id("antwerpen").await;
    let maasland = app.organisation_id(MAASLAND).await;
    let location = maasland_location(&app, &coach).await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let funder = app.api_as(FUNDER).await;
    let care = app.api_as(CARE_ANTWERPEN).await;
    let peer = app.api_as(PEER).await;
    let admin = app.api_as(ADMIN).await;
    let admin_id = user_id(&app, &admin).await;
    let cases: Vec<(&Client, String, StatusCode)> = vec![
        (
            &coordinator,
            format!("coach_id={sofie}&region_id={limburg}"),
            StatusCode::OK,
        ),
        (&coordinator, format!("location_id={location}"), StatusCode::OK),
        (&coordinator, format!("coach_id={sofie}"), StatusCode::FORBIDDEN),
        (
            &coordinator,
            format!("coach_id={an}&region_id={antwerpen}"),
            StatusCode::NOT_FOUND,
        ),
        (&coach, format!("coach_id={sofie}"), StatusCode::OK),
        (
            &coach,
            format!("coach_id={sofie}&organisation_id={maasland}"),
            StatusCode::OK,
        ),
        (&coach, format!("location_id={location}"), StatusCode::OK),
        (&coach, format!("coach_id={an}"), StatusCode::FORBIDDEN),
        (&other, format!("location_id={location}"), StatusCode::NOT_FOUND),
        (&funder, format!("coach_id={sofie}"), StatusCode::FORBIDDEN),
        (&funder, format!("location_id={location}"), StatusCode::OK),
        (&care, format!("coach_id={sofie}"), StatusCode::FORBIDDEN),
        (&peer, format!("coach_id={sofie}"), StatusCode::FORBIDDEN),
        (&admin, format!("coach_id={an}"), StatusCode::OK),
    ];
    for (client, query, expected) in cases {
        let (status, body) = dashboard(&app, client, &query).await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    // Funders see a location's figures with the small cells hidden.
    let (_, figures) = dashboard(&app, &funder, &format!("location_id={location}")).await;
    assert_eq!(figures["small_cell_threshold"].as_i64(), Some(5));
    // What does not read, or does not fit, is named.
    let elsewhere = app.organisation_id("Revalidatieziekenhuis Scheldeoever").await;
    for (query, field, code) in [
        (format!("coach_id={admin_id}"), "coach_id", "not-a-coach"),
        (format!("coach_id={}", Uuid::nil()), "coach_id", "not-a-coach"),
        ("coach_id=someone".to_owned(), "coach_id", "invalid-reference"),
        (
            format!("location_id={}", Uuid::nil()),
            "location_id",
            "invalid-reference",
        ),
        (
            format!("location_id={location}&organisation_id={elsewhere}"),
            "location_id",
            "location-elsewhere",
        ),
    ] {
        let (status, problem) = dashboard(&app, &admin, &query).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(has_error(&problem, field, code), "{query}: {problem}");
    }
}

/// The page's text with its escaped ampersands as they are meant.
fn unescape(html: &str) -> String {
    html.replace("&#38;", "&").replace("&amp;", "&")
}

/// Every page of a list behind the dashboard, as JSON rows.
async fn every_page(app: &TestApp, client: &Client, list: &str, query: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut after = String::new();
    loop {
        let path = format!("/api/v1/dashboard/{list}?{query}&limit=3{after}");
        let (status, page) = app.get_json(client, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        rows.extend(page["rows"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(cursor) => after = format!("&after={}", urlencode(cursor)),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn the_dashboard_links_to_the_presence_actions_and_agreements_behind_its_figures() {
    let app = TestApp::spawn().await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let limburg = app.region_id("limburg").await;
    let year = crate::caseload::today().format("%Y").to_string();
    let period = format!("from={year}-01-01&to={year}-12-31");
    let scope = format!("{period}&region_id={limburg}");
    let (_, d) = app.get_json(&coordinator, &format!("/api/v1/dashboard?{scope}")).await;
    let reached = d["reached_by_presence"].as_i64().unwrap();
    assert!(reached > 0);

    // The presence actions behind the reach: the same scope and period, adding up to the figure.
    let actions = every_page(&app, &coordinator, "presence-actions", &scope).await;
    let from: NaiveDate = format!("{year}-01-01").parse().unwrap();
    let total: i64 = actions.iter().map(|a| a["reached"].as_i64().unwrap()).sum();
    assert_eq!(total, reached, "the list adds up to the figure");
    let (_, first) = app
        .get_json(&coordinator, &format!("/api/v1/dashboard/presence-actions?{scope}"))
        .await;
    assert_eq!(first["reached"].as_i64(), Some(reached));
    let limburg_partners: Vec<String> = {
        let (_, orgs) = app.get_json(&coordinator, "/api/v1/organisations").await;
        orgs.as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut previous: Option<NaiveDate> = None;
    for a in &actions {
        let on: NaiveDate = a["on"].as_str().unwrap().parse().unwrap();
        assert!(
            on >= from && previous.is_none_or(|p| on <= p),
            "in the period, newest first"
        );
        assert!(limburg_partners.contains(&a["organisation_name"].as_str().unwrap().to_owned()));
        previous = Some(on);
    }

    // A coach's: the actions they led.
    let coach = app.api_as(COACH_LIMBURG).await;
    let sofie = user_id(&app, &coach).await;
    let led = every_page(&app, &coach, "presence-actions", &format!("{period}&coach_id={sofie}")).await;
    assert!(!led.is_empty() && led.iter().all(|a| a["led_by_name"] == "Sofie Maes"));

    // The agreements behind the FTE: running in the period, in the region, adding up to the FTE.
    let agreements = every_page(&app, &coordinator, "agreements", &scope).await;
    let fte: f64 = agreements.iter().map(|a| a["fte"].as_f64().unwrap()).sum();
    assert!(!agreements.is_empty());
    assert!((fte - d["fte"].as_f64().unwrap()).abs() < 0.001, "{fte} against {d}");
    for a in &agreements {
        assert!(limburg_partners.contains(&a["organisation_name"].as_str().unwrap().to_owned()));
        assert!(a["hours_link"].as_str().unwrap().starts_with(&format!(
            "/hours?organisation_id={}&year={year}",
            a["organisation_id"].as_str().unwrap()
        )));
        assert!(a["hours_a_year"].as_i64().unwrap() > 0);
    }

    // The page links both, with the same scope and period, and the lists show them.
    let browser = app.english_browser_as(COORDINATOR_LIMBURG).await;
    let html = browser
        .get(app.url(&format!("/dashboard?{scope}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let html = unescape(&html);
    for list in ["presence", "hours"] {
        let link = format!("/dashboard/{list}?from={year}-01-01&to={year}-12-31&region_id={limburg}");
        assert!(html.contains(&link), "{list}: {html}");
        let response = browser.get(app.url(&link)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("<table>") && page.contains("Back to the dashboard"),
            "{page}"
        );
    }
    let hours = browser
        .get(app.url(&format!("/dashboard/hours?{scope}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hours_link = agreements[0]["hours_link"].as_str().unwrap();
    assert!(
        unescape(&hours).contains(hours_link),
        "each agreement links its partner's hours"
    );
    let presence = browser
        .get(app.url(&format!("/dashboard/presence?{scope}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(presence.contains(&format!("{reached} people reached in all.")));

    // Funders see the figures, not the lists; nobody sees another region's.
    let funder = app.api_as(FUNDER).await;
    for list in ["presence-actions", "agreements"] {
        let path = format!("/api/v1/dashboard/{list}?{scope}");
        assert_eq!(app.get_json(&funder, &path).await.0, StatusCode::FORBIDDEN, "{list}");
        let antwerpen = app.region_id("antwerpen").await;
        let path = format!("/api/v1/dashboard/{list}?{period}&region_id={antwerpen}");
        assert_eq!(
            app.get_json(&coordinator, &path).await.0,
            StatusCode::NOT_FOUND,
            "{list}"
        );
        let path = format!("/api/v1/dashboard/{list}?{scope}&after=nonsense");
        let (status, problem) = app.get_json(&coordinator, &path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&problem, "after", "invalid-reference"), "{problem}");
    }
    let html = app
        .english_browser_as(FUNDER)
        .await
        .get(app.url(&format!("/dashboard?{scope}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("/dashboard/presence?") && !html.contains("/dashboard/hours?"));
}
