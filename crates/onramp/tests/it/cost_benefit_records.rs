//! Every figure of the cost-benefit opens the participants and hours behind it: the cohort, its
//! steps, paid work and the people in work at each check-in (audited, one entry per person),
//! and the coach hours per partner with their cost; only for readers who see exact figures.

use crate::cost_benefit::{ago, programme, set};
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::json;

fn scope(programme: &str) -> String {
    format!("programme_id={programme}&from={}&to={}", ago(1000), ago(0))
}

/// The first names behind a figure, sorted.
async fn names(app: &TestApp, client: &Client, programme: &str, figure: &str) -> Vec<String> {
    let path = format!("/api/v1/cost-benefit/participants?{}&{figure}", scope(programme));
    let (status, people) = app.get_json(client, &path).await;
    assert_eq!(status, StatusCode::OK, "{figure}: {people}");
    let mut names: Vec<String> = people["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn each_figure_opens_the_people_and_hours_behind_it() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme(&app, &admin).await;
    set(&app, &admin, &programme, json!({"hourly_cost": "50"})).await;
    // Ann was in work at all four check-ins, Bart at 6 and 12; Cleo and Dirk took no step.
    assert_eq!(
        names(&app, &admin, &programme, "figure=started").await,
        ["Ann", "Bart", "Cleo", "Dirk"]
    );
    assert_eq!(
        names(&app, &admin, &programme, "figure=took_step").await,
        ["Ann", "Bart"]
    );
    assert_eq!(
        names(&app, &admin, &programme, "figure=paid_work").await,
        ["Ann", "Bart"]
    );
    assert_eq!(
        names(&app, &admin, &programme, "figure=in_work&value=12").await,
        ["Ann", "Bart"]
    );
    assert_eq!(
        names(&app, &admin, &programme, "figure=in_work&value=18").await,
        ["Ann"]
    );
    // Each list is audited once, with the people it showed (4 + 2 + 2 + 2 + 1) and its purpose.
    let entries = app.audit("cost_benefit.people").await;
    assert_eq!(entries.len(), 5);
    let shown: Vec<usize> = entries
        .iter()
        .map(|e| e.subjects.as_deref().unwrap_or("").split(' ').count())
        .collect();
    assert_eq!(shown, [1, 2, 2, 2, 4], "newest first");
    assert!(entries.iter().all(|e| e.purpose.as_deref() == Some("report")));
    assert!(entries[0].after_json.as_deref().unwrap_or("").contains("in_work:18"));
    // A month that is not a check-in, and a figure that is not one, are named.
    let bad = format!(
        "/api/v1/cost-benefit/participants?{}&figure=in_work&value=7",
        scope(&programme)
    );
    let (status, problem) = app.get_json(&admin, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "value", "invalid-choice"), "{problem}");
    let bad = format!("/api/v1/cost-benefit/participants?{}&figure=costs", scope(&programme));
    assert_eq!(app.get_json(&admin, &bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // The hours: ten at Maasland at € 50.
    let (status, hours) = app
        .get_json(&admin, &format!("/api/v1/cost-benefit/hours?{}", scope(&programme)))
        .await;
    assert_eq!(status, StatusCode::OK, "{hours}");
    let maasland = hours
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["organisation_name"] == "Revalidatieziekenhuis Maasland")
        .expect("Maasland's hours");
    assert_eq!(
        (maasland["hours"].clone(), maasland["staff_cost"].clone()),
        (json!(10.0), json!(50_000))
    );
    let link = maasland["hours_links"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    assert!(link.starts_with("/hours?organisation_id="), "{link}");

    // The page links each figure to its list, and the list names the people.
    let browser = app.browser_as(ADMIN).await;
    let page = app
        .html(&browser, &format!("/cost-benefit?{}", scope(&programme)))
        .await;
    let in_work = format!(
        "/cost-benefit/people?{}&#38;figure=in_work&#38;value=18",
        scope(&programme).replace('&', "&#38;")
    );
    assert!(page.contains(&in_work), "{page}");
    assert!(page.contains("/cost-benefit/hours?"));
    let list = app
        .html(
            &browser,
            &format!("/cost-benefit/people?{}&figure=in_work&value=18", scope(&programme)),
        )
        .await;
    assert!(list.contains("Kosten, Ann") && !list.contains("Kosten, Bart"), "{list}");
    let hours_page = app
        .html(&browser, &format!("/cost-benefit/hours?{}", scope(&programme)))
        .await;
    assert!(hours_page.contains("Revalidatieziekenhuis Maasland"), "{hours_page}");
    assert!(hours_page.contains("€ 500,00"));
}

#[tokio::test]
async fn only_readers_of_exact_figures_open_the_records() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = programme(&app, &admin).await;
    let limburg = app.region_id("limburg").await;
    let antwerpen = app.region_id("antwerpen").await;
    let people = |region: &str| {
        format!(
            "/api/v1/cost-benefit/participants?{}&region_id={region}&figure=started",
            scope(&programme)
        )
    };
    // The region's coordinator opens their region's people; another region's is not theirs.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, rows) = app.get_json(&coordinator, &people(&limburg)).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    assert_eq!(rows["rows"].as_array().unwrap().len(), 4);
    assert_eq!(
        app.get_json(&coordinator, &people(&antwerpen)).await.0,
        StatusCode::NOT_FOUND
    );
    // A funder sees figures only: no people, no hours, and the page has no links to them.
    let funder = app.api_as(FUNDER).await;
    let (status, problem) = app.get_json(&funder, &people(&limburg)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let hours = format!("/api/v1/cost-benefit/hours?{}", scope(&programme));
    assert_eq!(app.get_json(&funder, &hours).await.0, StatusCode::FORBIDDEN);
    let browser = app.browser_as(FUNDER).await;
    let page = app
        .html(&browser, &format!("/cost-benefit?{}", scope(&programme)))
        .await;
    assert!(!page.contains("/cost-benefit/people") && !page.contains("/cost-benefit/hours"));
    let response = browser
        .get(app.url(&format!("/cost-benefit/people?{}&figure=started", scope(&programme))))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // A coach is refused.
    let coach = app.api_as(COACH_LIMBURG).await;
    assert_eq!(app.get_json(&coach, &people(&limburg)).await.0, StatusCode::FORBIDDEN);
    // Nothing refused was audited.
    let audited: Vec<String> = app
        .audit("cost_benefit.people")
        .await
        .iter()
        .map(|e| e.subjects.clone().unwrap_or_default())
        .collect();
    assert_eq!(audited.len(), 1, "the coordinator's one list");
    assert_eq!(audited[0].split(' ').count(), 4, "of four");
}
