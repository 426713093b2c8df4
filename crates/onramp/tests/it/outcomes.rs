//! Steps to work and outcomes on a trajectory, with the two definitions they feed.

use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::json;

fn today() -> chrono::NaiveDate {
    crate::caseload::today()
}

/// Someone the coach registers at Maasland, on We go to work from `started`, who then leaves with
/// `exit` (scheduling the check-ins): the participant's and the trajectory's ids.
async fn exited(
    app: &TestApp,
    coach: &Client,
    (first_name, last_name, birth_date): (&str, &str, &str),
    started: &str,
    exit: serde_json::Value,
) -> (String, String) {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(app, coach, &maasland, first_name, last_name, birth_date).await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": started});
    let trajectory = app.start_trajectory(coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/trajectories/{trajectory}/exit");
    let (status, left) = app.send_json(coach, "POST", &path, exit).await;
    assert_eq!(status, StatusCode::OK, "{left}");
    (id, trajectory)
}

#[tokio::test]
async fn a_step_to_work_is_recorded_with_its_definitions_and_checked_field_by_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Tuur", "Verbeke", "1977-07-07").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let started = today() - Days::new(60);
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": started.to_string()});
    let t = app.start_trajectory(&coach, &id, body).await;
    let t = t["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/participants/{id}/outcomes");

    let volunteer = json!({"trajectory_id": t, "kind": "volunteer_work", "on": (today() - Days::new(20)).to_string(),
                           "hours_per_week": 6, "place": "Kringwinkel Hasselt"});
    let (status, step) = app.send_json(&coach, "POST", &path, volunteer).await;
    assert_eq!(status, StatusCode::CREATED, "{step}");
    assert_eq!(
        (step["step_to_work"].clone(), step["paid_work"].clone()),
        (json!(true), json!(false))
    );
    let job = json!({"trajectory_id": t, "kind": "same_employer", "on": today().to_string(), "hours_per_week": 19,
                     "contract": "permanent", "with_support": true, "place": "Stad Hasselt"});
    let (status, work) = app.send_json(&coach, "POST", &path, job).await;
    assert_eq!(status, StatusCode::CREATED, "{work}");
    assert_eq!(
        (work["step_to_work"].clone(), work["paid_work"].clone()),
        (json!(true), json!(true))
    );

    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let outcomes = file["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0]["kind"], "same_employer", "newest first");
    assert_eq!(app.audit("outcome.create").await.len(), 2);

    let bad = json!({"trajectory_id": t, "kind": "lottery", "on": (started - Days::new(1)).to_string(),
                     "hours_per_week": 80});
    let (status, problem) = app.send_json(&coach, "POST", &path, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "kind", "invalid-choice") && has_error(&problem, "hours_per_week", "out-of-range"));
    let early = json!({"trajectory_id": t, "kind": "vet_course", "on": (started - Days::new(1)).to_string()});
    let (_, problem) = app.send_json(&coach, "POST", &path, early).await;
    assert!(has_error(&problem, "on", "before-start"), "{problem}");
    let contract =
        json!({"trajectory_id": t, "kind": "vet_course", "on": today().to_string(), "contract": "permanent"});
    let (_, problem) = app.send_json(&coach, "POST", &path, contract).await;
    assert!(has_error(&problem, "contract", "contract-for-paid-work"));
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(
        file["outcomes"].as_array().unwrap().len(),
        2,
        "refused steps wrote nothing"
    );

    // The region's coordinator reads the steps but records none; a coach elsewhere sees nothing.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let step = json!({"trajectory_id": t, "kind": "vet_course", "on": today().to_string()});
    let (status, _) = app.send_json(&coordinator, "POST", &path, step.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let far = app.api_as("an.peeters@gtb.demo").await;
    let (status, _) = app.send_json(&far, "POST", &path, step).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_participant_page_records_a_step_and_shows_it_on_the_timeline() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Wout", "Lenaerts", "1981-01-01").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland,
                      "started_on": (today() - Days::new(5)).to_string()});
    let t = app.start_trajectory(&coach, &id, body).await;
    let t = t["id"].as_str().unwrap().to_owned();
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/participants/{id}");
    let csrf = app.csrf(&page, &path).await;
    let on = today().to_string();
    let response = page
        .post(app.url(&format!("{path}/outcomes")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("trajectory_id", t.as_str()),
            ("kind", ""),
            ("on", on.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("id=\"outcome-e-kind\""));
    let response = page
        .post(app.url(&format!("{path}/outcomes")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("trajectory_id", t.as_str()),
            ("kind", "workplace_training"),
            ("on", on.as_str()),
            ("place", "Garage Peeters"),
            ("with_support", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = page.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Started a workplace training (internship, on-the-job training)"));
    assert!(html.contains("Garage Peeters") && html.contains("With support"));
}

#[tokio::test]
async fn an_exit_records_the_esf_situation_upon_leaving() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Ilke", "Claes", "1986-03-03").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland,
                      "started_on": (today() - Days::new(90)).to_string()});
    let t = app.start_trajectory(&coach, &id, body).await;
    let path = format!("/api/v1/trajectories/{}/exit", t["id"].as_str().unwrap());
    let on = today().to_string();
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &path,
            json!({"on": on, "reason": "work", "situation": "retired"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "situation", "invalid-choice"));
    let (status, ended) = app
        .send_json(
            &coach,
            "POST",
            &path,
            json!({"on": on, "reason": "work", "situation": "in_employment"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert_eq!(ended["exit_situation"], "in_employment");
    assert_eq!(ended["ended_on"], on);
}

#[tokio::test]
async fn barriers_are_noted_closed_once_and_counted_on_the_dashboard() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let mut barrier_ids = Vec::new();
    // Two people who started in 2019 (before any demo data): both with pain, one also with transport.
    for (n, codes) in [(1, vec!["pain", "transport"]), (2, vec!["pain", "pain"])] {
        let id = register(&app, &coach, &maasland, &format!("Drempel{n}"), "Test", "1975-05-05").await;
        let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": "2019-03-01"});
        let t = app.start_trajectory(&coach, &id, body).await;
        for code in codes {
            let body = json!({"trajectory_id": t["id"], "code": code, "noted_on": "2019-04-01"});
            let (status, b) = app
                .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/barriers"), body)
                .await;
            assert_eq!(status, StatusCode::CREATED, "{b}");
            barrier_ids.push(b["id"].as_str().unwrap().to_owned());
        }
        let other = json!({"trajectory_id": t["id"], "code": "other", "noted_on": "2019-04-01"});
        let (status, problem) = app
            .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/barriers"), other)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&problem, "note", "describe-other"));
    }
    let path = format!("/api/v1/barriers/{}/close", barrier_ids[0]);
    let (status, closed) = app
        .send_json(&coach, "POST", &path, json!({"status": "resolved", "on": "2019-06-01"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(
        (closed["status"].clone(), closed["closed_on"].clone()),
        (json!("resolved"), json!("2019-06-01"))
    );
    let (status, problem) = app
        .send_json(&coach, "POST", &path, json!({"status": "unresolved"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "status", "already-closed"));
    let (_, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/barriers/{}/close", barrier_ids[1]),
            json!({"status": "open"}),
        )
        .await;
    assert!(has_error(&problem, "status", "invalid-choice"));
    let far = app.api_as("an.peeters@gtb.demo").await;
    let (status, _) = app
        .send_json(
            &far,
            "POST",
            &format!("/api/v1/barriers/{}/close", barrier_ids[1]),
            json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, d) = app
        .get_json(
            &coach,
            &format!("/api/v1/dashboard?from=2019-01-01&to=2019-12-31&organisation_id={maasland}"),
        )
        .await;
    assert_eq!(
        d["top_barriers"],
        json!([{"key": "pain", "count": 2}, {"key": "transport", "count": 1}]),
        "each trajectory counts once per barrier"
    );
}

#[tokio::test]
async fn check_ins_fall_due_at_the_follow_up_months_and_re_entry_starts_a_new_trajectory() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let exit = json!({"on": "2024-06-01", "reason": "work", "situation": "in_employment"});
    let (id, trajectory) = exited(&app, &coach, ("Nazorg", "Peeters", "1972-02-02"), "2023-01-02", exit).await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(
        check_in_schedule(&app, &coach, &id).await,
        vec![
            (6, "2024-12-01".to_owned()),
            (12, "2025-06-01".to_owned()),
            (18, "2025-12-01".to_owned()),
            (24, "2026-06-01".to_owned())
        ],
        "monitoring for 18 months, aftercare to 24"
    );
    assert_eq!(next_check_in(&app.db, &trajectory).await.as_deref(), Some("2024-12-01"));
    let (_, due) = app.get_json(&coach, "/api/v1/check-ins/due").await;
    let ours: Vec<_> = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["participant_id"] == id)
        .collect();
    assert_eq!(ours.len(), 4, "all four are overdue and in the coach's list");
    let first = file["check_ins"][0]["id"].as_str().unwrap().to_owned();
    let second = file["check_ins"][1]["id"].as_str().unwrap().to_owned();

    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/check-ins/{first}"),
            json!({"done_on": "2024-12-03", "contact_made": true}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "situation", "required"));
    let body = json!({"done_on": "2024-12-03", "contact_made": true, "situation": "in_employment"});
    let (status, recorded) = app
        .send_json(&coach, "POST", &format!("/api/v1/check-ins/{first}"), body.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    assert!(recorded["reentry"].is_null());
    assert_eq!(
        next_check_in(&app.db, &trajectory).await.as_deref(),
        Some("2025-06-01"),
        "the trajectory's soonest open check-in moves on"
    );
    let (status, problem) = app
        .send_json(&coach, "POST", &format!("/api/v1/check-ins/{first}"), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "done_on", "already-done"));
    let far = app.api_as("an.peeters@gtb.demo").await;
    let body = json!({"done_on": "2025-06-02", "contact_made": false});
    let (status, _) = app
        .send_json(&far, "POST", &format!("/api/v1/check-ins/{second}"), body)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // More service needed: the person re-enters as a new trajectory, in one action.
    let body = json!({"done_on": "2025-06-02", "contact_made": true, "situation": "job_searching",
                      "needs_more_service": true});
    let (status, recorded) = app
        .send_json(&coach, "POST", &format!("/api/v1/check-ins/{second}"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    assert_eq!(recorded["reentry"]["started_on"], "2025-06-02");
    assert_eq!(recorded["reentry"]["programme_id"], wgtw);
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(file["trajectories"].as_array().unwrap().len(), 2);
    let (_, due) = app.get_json(&coach, "/api/v1/check-ins/due").await;
    let left = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["participant_id"] == id)
        .count();
    assert_eq!(
        left, 0,
        "the two recorded are no longer due, the later ones closed by the re-entry"
    );
    assert_eq!(next_check_in(&app.db, &trajectory).await, None);
    assert_eq!(
        count(&app.db, STALE_NEXT_CHECK_INS).await,
        0,
        "the demo's trajectories too"
    );
}

#[tokio::test]
async fn the_caseload_lists_overdue_check_ins_and_the_file_records_one() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let exit = json!({"on": "2025-01-06", "reason": "completed"});
    let (id, _) = exited(&app, &coach, ("Opvolg", "Janssens", "1974-04-04"), "2024-01-02", exit).await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url("/caseload"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Check-ins due") && html.contains("Opvolg Janssens"));
    assert!(html.contains("overdue since 06-07-2025"), "six months after exit");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let check_in = file["check_ins"][0]["id"].as_str().unwrap().to_owned();
    let csrf = app.csrf(&page, &format!("/participants/{id}")).await;
    let response = page
        .post(app.url(&format!("/check-ins/{check_in}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("done_on", "2025-07-10"),
            ("contact_made", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "contact made: the situation is needed"
    );
    let response = page
        .post(app.url(&format!("/check-ins/{check_in}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("done_on", "2025-07-10"),
            ("contact_made", "true"),
            ("situation", "improved_situation"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = page
        .get(app.url(&format!("/participants/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("done 10-07-2025") && html.contains("Improved labour-market situation"));
}

#[tokio::test]
async fn administrators_add_barrier_codes_that_coaches_note_and_the_dashboard_counts() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let housing = json!({"code": "housing", "name": "Housing problems"});
    let (status, _) = app
        .send_json(&coach, "POST", "/api/v1/barrier-codes", housing.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reference data is for administrators");
    let (status, added) = app
        .send_json(&admin, "POST", "/api/v1/barrier-codes", housing.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    for (body, code) in [
        (housing, "taken"),
        (json!({"code": "pain", "name": "Pain again"}), "taken"),
        (json!({"code": "Pain!", "name": "x"}), "invalid-barrier-code"),
    ] {
        let (status, problem) = app.send_json(&admin, "POST", "/api/v1/barrier-codes", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&problem, "code", code), "{problem}");
    }
    let (_, list) = app.get_json(&coach, "/api/v1/barrier-codes").await;
    let list = list.as_array().unwrap();
    assert!(
        list.iter()
            .any(|c| c["code"] == "housing" && c["built_in"] == false && c["name"] == "Housing problems")
    );
    assert!(list.iter().any(|c| c["code"] == "pain" && c["built_in"] == true));

    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let id = register(&app, &coach, &maasland, "Woning", "Test", "1977-07-07").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": "2016-03-01"});
    let t = app.start_trajectory(&coach, &id, body).await;
    let path = format!("/api/v1/participants/{id}/barriers");
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &path,
            json!({"trajectory_id": t["id"], "code": "weather", "noted_on": "2016-04-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "invalid-choice"));
    let (status, b) = app
        .send_json(
            &coach,
            "POST",
            &path,
            json!({"trajectory_id": t["id"], "code": "housing", "noted_on": "2016-04-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");

    let query = format!("from=2016-01-01&to=2016-12-31&organisation_id={maasland}");
    let (_, d) = app.get_json(&coach, &format!("/api/v1/dashboard?{query}")).await;
    assert_eq!(d["top_barriers"], json!([{"key": "housing", "count": 1}]));
    let (status, people) = app
        .get_json(
            &coach,
            &format!("/api/v1/dashboard/participants?figure=barrier&value=housing&{query}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{people}");
    assert_eq!(people["rows"][0]["first_name"], "Woning");

    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url(&format!("/participants/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<td>Housing problems"),
        "the added code by its name on the file"
    );
    let html = page
        .get(app.url(&format!("/dashboard?{query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<th scope=\"row\">Housing problems</th>"),
        "and on the dashboard"
    );
}

#[tokio::test]
async fn a_reentry_never_goes_to_a_coach_who_has_left() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let admin = app.api_as(ADMIN).await;
    let exit = json!({"on": "2024-06-03", "reason": "completed"});
    let (id, _) = exited(&app, &coach, ("Terug", "Keer", "1972-02-02"), "2024-01-02", exit).await;

    // The coach leaves; an administrator records the check-in that finds more service is needed.
    let (_, me) = app.get_json(&coach, "/api/v1/me").await;
    let body = json!({"email": COACH_LIMBURG, "display_name": "Sofie Maes", "role": "coach", "language": "nl",
                      "active": false, "organisations": me["organisations"], "regions": []});
    let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    let (status, user) = app.send_json(&admin, "PUT", &path, body).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    let (_, file) = app.get_json(&admin, &format!("/api/v1/participants/{id}")).await;
    let check_in = file["check_ins"][0]["id"].as_str().unwrap().to_owned();
    let body = json!({"done_on": "2024-12-04", "contact_made": true, "situation": "job_searching",
                      "needs_more_service": true});
    let (status, recorded) = app
        .send_json(&admin, "POST", &format!("/api/v1/check-ins/{check_in}"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    assert_eq!(recorded["reentry"]["started_on"], "2024-12-04");
    let reentry = recorded["reentry"].as_object().unwrap();
    assert!(
        reentry.contains_key("coach_id") && reentry["coach_id"].is_null(),
        "not the coach who left: {recorded}"
    );
}

/// The check-ins due, as the caseload page lists them: each part of the scope walked by its
/// trajectories' soonest open check-in, up to a cut. On generated data the list is exactly what the
/// table holds for the scope: open, due by the day, soonest first, 200 at most. Then again with each
/// year's check-ins all due on its first day, so that hundreds fall on the cut's date, and with new
/// random ids, so that their order on a day is not their trajectories' order.
#[tokio::test]
async fn the_due_check_ins_are_exactly_the_open_ones_of_the_scope_soonest_first() {
    use onramp_domain::identity::Role;
    use uuid::Uuid;
    let test = TestDb::generated(3000, 11).await;
    type Open = (Uuid, chrono::NaiveDate, Uuid, Uuid, Uuid);
    let sql = "SELECT c.id, c.due_on, t.coach_id, t.organisation_id, t.region_id
               FROM check_ins c JOIN trajectories t ON t.id = c.trajectory_id WHERE c.done_on IS NULL";
    let mut conn = test.db.conn().await.unwrap();
    let mut lists = 0;
    for ties in [false, true] {
        if ties {
            let (sqlite, postgres) = (
                "UPDATE check_ins SET due_on = substr(due_on, 1, 5) || '01-01', id = randomblob(16) WHERE done_on IS NULL",
                "UPDATE check_ins SET due_on = date_trunc('year', due_on)::date, id = gen_random_uuid()
                 WHERE done_on IS NULL",
            );
            let next = "UPDATE trajectories SET next_check_in_on = (SELECT min(c.due_on) FROM check_ins c
                        WHERE c.trajectory_id = trajectories.id AND c.done_on IS NULL)";
            let mut tx = test.db.begin().await.unwrap();
            let on_new_year = match test.db.engine() {
                onramp_store::Engine::Sqlite => sqlite,
                onramp_store::Engine::Postgres => postgres,
            };
            for sql in [on_new_year, next] {
                onramp_store::run!(&mut tx, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected())).unwrap();
            }
            tx.commit().await.unwrap();
        }
        let open: Vec<Open> = onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
        for email in [
            "coach00000@onramp.generated",
            "coach00002@onramp.generated",
            "coordinator.limburg@onramp.generated",
            "admin@onramp.generated",
        ] {
            let actor = test.actor(email).await;
            let sees = |&(_, _, coach, organisation, region): &Open| match actor.role {
                Role::Coach => coach == actor.user_id || actor.organisations.contains(&organisation),
                Role::Coordinator => actor.regions.contains(&region),
                Role::Administrator => true,
                _ => unreachable!("{email}"),
            };
            // A day some visible check-in falls due on, within the first 200 (so it is listed),
            // and a month after the data.
            let mut days: Vec<chrono::NaiveDate> = open.iter().filter(|o| sees(o)).map(|o| o.1).collect();
            days.sort();
            let boundary = days.get(days.len().min(150) / 2).copied().unwrap_or_default();
            for until in [boundary, "2026-12-22".parse().unwrap()] {
                let mut expected: Vec<(chrono::NaiveDate, Uuid)> = open
                    .iter()
                    .filter(|o| o.1 <= until && sees(o))
                    .map(|o| (o.1, o.0))
                    .collect();
                expected.sort();
                expected.truncate(200);
                let listed = onramp_store::check_ins::due(&mut conn, &actor, until).await.unwrap();
                let listed: Vec<_> = listed.iter().map(|c| (c.due_on, c.id)).collect();
                assert_eq!(listed, expected, "{email} by {until}, ties: {ties}");
                lists += usize::from(!listed.is_empty());
            }
        }
    }
    assert!(lists >= 12, "most lists hold check-ins ({lists})");
}

/// Two check-ins of one trajectory recorded at the same moment: the second waits for the first,
/// and the trajectory's soonest open check-in is then the third, not one already done. Without the
/// lock, PostgreSQL's second update read the trajectory's check-ins as they were before the first.
#[tokio::test]
async fn two_check_ins_recorded_at_once_leave_the_next_one_due() {
    use onramp_domain::outcomes::CheckInInput;
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let exit = json!({"on": "2024-06-01", "reason": "completed"});
    let (id, trajectory) = exited(&app, &coach, ("Gelijk", "Tijdig", "1975-03-03"), "2023-01-02", exit).await;
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let check_in = |n: usize| {
        file["check_ins"][n]["id"]
            .as_str()
            .unwrap()
            .parse::<uuid::Uuid>()
            .unwrap()
    };
    let (first, second) = (check_in(0), check_in(1));
    let by = app.actor(COACH_LIMBURG).await.user_id;
    let input = CheckInInput {
        done_on: "2025-07-01".parse().unwrap(),
        contact_made: false,
        situation: None,
        needs_more_service: false,
        note: None,
    };

    let mut one = app.db.begin().await.unwrap();
    onramp_store::check_ins::record(&mut one, first, &input, by)
        .await
        .unwrap();
    let db = app.db.clone();
    let other = input.clone();
    let two = tokio::spawn(async move {
        let mut two = db.begin().await.unwrap();
        onramp_store::check_ins::record(&mut two, second, &other, by)
            .await
            .unwrap();
        two.commit().await.unwrap();
    });
    // Long enough for the second to reach the trajectory and wait there.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    one.commit().await.unwrap();
    two.await.unwrap();
    assert_eq!(next_check_in(&app.db, &trajectory).await.as_deref(), Some("2025-12-01"));
}
