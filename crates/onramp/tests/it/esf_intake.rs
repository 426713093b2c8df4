//! ESF+ intake: the characteristics the indicators need, asked where a programme reports to the ESF,
//! with "prefers not to say" apart from "not recorded", and the postcode's region and rural area.

use crate::participants::programme_id;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn intake_records_the_esf_characteristics_and_derives_the_area() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "organisation_id": maasland, "first_name": "Ilse", "last_name": "Landelijk", "birth_date": "1999-02-03",
        "health_category": "psychological", "situation": "unemployed", "unemployed_months": 9,
        "disability": "declined", "third_country_national": "no", "minority": "yes", "postcode": "3790"
    });
    let (status, created) = app.send_json(&coach, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let esf = &file["participant"]["esf"];
    assert_eq!(esf["unemployed_months"], 9);
    assert_eq!(esf["disability"], "declined", "an answer");
    assert_eq!(esf["foreign_background"], "not_recorded", "a gap");
    assert_eq!(esf["minority"], "yes");
    assert_eq!(esf["postcode"], "3790");
    assert_eq!(esf["region"], "BE22", "Limburg");
    assert_eq!(esf["degurba"], "rural", "Voeren, from the reference table");

    // A postcode the table does not list: the region follows, the rural area stays unknown.
    let change = json!({
        "first_name": "Ilse", "last_name": "Landelijk", "birth_date": "1999-02-03",
        "health_category": "psychological", "situation": "unemployed", "postcode": "9999", "homeless": "no"
    });
    let (status, _) = app
        .send_json(&coach, "PUT", &format!("/api/v1/participants/{id}"), change)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let esf = &file["participant"]["esf"];
    assert_eq!(esf["region"], "BE23");
    assert!(esf["degurba"].is_null());
    assert!(esf["unemployed_months"].is_null(), "left out: not recorded");
    assert_eq!(esf["homeless"], "no");
}

#[tokio::test]
async fn bad_esf_values_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "organisation_id": maasland, "first_name": "Bo", "last_name": "Fout", "birth_date": "1980-02-03",
        "health_category": "oncology", "situation": "employed_on_sick_leave", "unemployed_months": 4,
        "disability": "maybe", "postcode": "12", "homeless": "sometimes"
    });
    let (status, problem) = app.send_json(&coach, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("unemployed_months", "only-when-unemployed"),
        ("disability", "invalid-choice"),
        ("homeless", "invalid-choice"),
        ("postcode", "invalid-postcode"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    let months = json!({
        "organisation_id": maasland, "first_name": "Bo", "last_name": "Fout", "birth_date": "1980-02-03",
        "health_category": "oncology", "situation": "unemployed", "unemployed_months": 601
    });
    let (_, problem) = app.send_json(&coach, "POST", "/api/v1/participants", months).await;
    assert!(has_error(&problem, "unemployed_months", "out-of-range"), "{problem}");
    assert!(app.audit("participant.create").await.is_empty(), "nothing written");

    // On the form: the ESF fieldset is there (the built-in programmes report to the ESF), and a
    // bad postcode is named next to its field.
    let browser = app.browser_as(COACH_LIMBURG).await;
    let csrf = app.csrf(&browser, "/participants/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("organisation_id", maasland.as_str()),
        ("first_name", "Bo"),
        ("last_name", "Fout"),
        ("birth_date", "1980-02-03"),
        ("health_category", "oncology"),
        ("situation", "inactive"),
        ("postcode", "abcd"),
        ("disability", "declined"),
    ];
    let response = browser
        .post(app.url("/participants/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-postcode\""), "the postcode's error");
    assert!(
        html.contains("<option value=\"declined\" selected>"),
        "the answer is kept"
    );
}

#[tokio::test]
async fn an_esf_programme_schedules_a_check_in_six_months_after_exit() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let body = json!({
        "code": "esf-yearly", "name": "ESF yearly follow-up", "max_duration_months": 9, "follow_up_months": [12],
        "reports_to_esf": true, "phases": [{"code": "intake", "name": "Intake"}]
    });
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["reports_to_esf"], true);
    assert_eq!(created["follow_up_months"], json!([12]), "the programme's own months");
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let person = crate::participants::register(&app, &coach, &maasland, "Esra", "Zesmaand", "1984-04-04").await;
    let programme = programme_id(&app, &coach, "esf-yearly").await;
    let on = onramp_web::time::today().to_string();
    let t = app
        .start_trajectory(
            &coach,
            &person,
            json!({"programme_id": programme, "organisation_id": maasland, "started_on": on}),
        )
        .await;
    let path = format!("/api/v1/trajectories/{}/exit", t["id"].as_str().unwrap());
    let (status, ended) = app
        .send_json(&coach, "POST", &path, json!({"on": on, "reason": "work"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    let months: Vec<i64> = check_in_schedule(&app, &coach, &person)
        .await
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    assert_eq!(months, [6, 12], "six months for the ESF, twelve for the programme");
}
