//! Coach hours per programme: a partner running two programmes does not count its hours in full
//! for each. Contacts count for their trajectory's programme, hours registered by hand are shared
//! out in proportion to each programme's own hours; erasing a file takes its contacts' hours out.

use crate::cost_benefit::{ago, programme, set};
use crate::participants::{programme_id, register};
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Maasland's row of the hours behind a programme's cost-benefit, as (programme, shared, total).
async fn maasland_hours(app: &TestApp, admin: &Client, programme: &str) -> (Value, Value, Value) {
    let path = format!(
        "/api/v1/cost-benefit/hours?programme_id={programme}&from={}&to={}",
        ago(1000),
        ago(0)
    );
    let (status, rows) = app.get_json(admin, &path).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organisation_name"] == "Revalidatieziekenhuis Maasland")
        .unwrap_or_else(|| panic!("Maasland in {rows}"))
        .clone();
    (
        row["programme_hours"].clone(),
        row["shared_hours"].clone(),
        row["hours"].clone(),
    )
}

/// A person at Maasland in `programme` with one contact of `minutes` yesterday.
async fn contact_in(app: &TestApp, coach: &Client, programme: &str, name: &str, minutes: i32) -> String {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(app, coach, &maasland, name, "Uren", "1975-03-03").await;
    let body = json!({"programme_id": programme, "organisation_id": maasland, "started_on": ago(30)});
    let trajectory = app.start_trajectory(coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"trajectory_id": trajectory, "on": ago(1), "minutes": minutes, "mode": "phone",
                      "topic": "Hours"});
    let (status, made) = app
        .send_json(coach, "POST", &format!("/api/v1/participants/{id}/contacts"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    id
}

#[tokio::test]
async fn a_partners_hours_are_shared_between_its_programmes() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    // CB small's setting: 600 minutes registered by hand at Maasland today, no contact yet.
    let small = programme(&app, &admin).await;
    // With no programme's own hours at the partner, the shared ten hours count in full.
    assert_eq!(
        maasland_hours(&app, &admin, &small).await,
        (json!(0.0), json!(10.0), json!(10.0))
    );

    // Two hours of contacts in CB small, six in We go to work at the same partner.
    let wgtw = programme_id(&app, &admin, "we-go-to-work").await;
    contact_in(&app, &coach, &small, "Elsa", 120).await;
    let other = contact_in(&app, &coach, &wgtw, "Frans", 360).await;
    // CB small: 120 + round(600 × 120 / 480) = 120 + 150 = 270 minutes = 4.5 hours.
    assert_eq!(
        maasland_hours(&app, &admin, &small).await,
        (json!(2.0), json!(2.5), json!(4.5))
    );
    // We go to work: 360 + round(600 × 360 / 480) = 360 + 450 = 810 minutes = 13.5 hours;
    // the two programmes together count each of the partner's 18 hours once.
    assert_eq!(
        maasland_hours(&app, &admin, &wgtw).await,
        (json!(6.0), json!(7.5), json!(13.5))
    );
    // The costs follow: 4.5 hours at € 50 is € 225, not 18 hours' € 900.
    let (status, saved) = set(&app, &admin, &small, json!({"hourly_cost": "50"})).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let path = format!(
        "/api/v1/cost-benefit?programme_id={small}&from={}&to={}",
        ago(1000),
        ago(0)
    );
    let (status, report) = app.get_json(&admin, &path).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["coach_hours"].clone(), report["costs_staff"].clone()),
        (json!(4.5), json!(22_500))
    );

    // Erasing Frans's file (registered by mistake) takes his contact's hours out of We go to
    // work; CB small then holds every tied minute and takes all the shared ones, We go to work,
    // with no hours of its own beside a programme that has some, none.
    let response = admin
        .delete(app.url(&format!("/api/v1/participants/{other}")))
        .json(&json!({"reason": "registered by mistake"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        maasland_hours(&app, &admin, &small).await,
        (json!(2.0), json!(10.0), json!(12.0))
    );
    assert_eq!(
        maasland_hours(&app, &admin, &wgtw).await,
        (json!(0.0), json!(0.0), json!(0.0))
    );
}
