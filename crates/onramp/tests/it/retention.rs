//! Retention (docs/retention.md): the programme's years after the last trajectory, the ESF rule
//! from the operation's last payment, the list of files due, legal holds, and the run that
//! anonymises exactly the files past their date and none under a hold.

use crate::caseload::today;
use crate::cli::onramp;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{Datelike, Days, NaiveDate};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const DPO: &str = "dpo@onramp.demo";

/// A programme whose files are kept `years` after the last trajectory.
async fn programme(app: &TestApp, admin: &Client, code: &str, years: i32, esf: bool) -> String {
    let body = json!({
        "code": code, "name": code, "max_duration_months": 60, "follow_up_months": [6],
        "phases": [{"code": "intake", "name": "Intake"}], "retention_years": years, "reports_to_esf": esf,
    });
    let (status, created) = app.send_json(admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["retention_years"], years);
    created["id"].as_str().unwrap().to_owned()
}

/// A person at Maasland in `programme`, started 1 200 days ago, and ended `ended_days_ago`
/// (`None`: still open).
async fn person(app: &TestApp, coach: &Client, programme: &str, last: &str, ended_days_ago: Option<u64>) -> String {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(app, coach, &maasland, "Bewaar", last, "1975-02-03").await;
    let consent = json!({"purpose": "participation", "version": "2020-01", "given_on": "2020-01-01"});
    let (status, _) = app
        .send_json(coach, "POST", &format!("/api/v1/participants/{id}/consents"), consent)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let started = (today() - Days::new(1200)).to_string();
    let body = json!({"programme_id": programme, "organisation_id": maasland, "started_on": started});
    let t = app.start_trajectory(coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    if let Some(days) = ended_days_ago {
        let on = (today() - Days::new(days)).to_string();
        let (status, body) = app
            .send_json(
                coach,
                "POST",
                &format!("/api/v1/trajectories/{t}/exit"),
                json!({"on": on, "reason": "completed", "situation": "in_employment"}),
            )
            .await;
        assert!(status.is_success(), "{body}");
    }
    id
}

async fn due(app: &TestApp, client: &Client) -> Vec<Value> {
    let (status, list) = app.get_json(client, "/api/v1/retention").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

fn entry<'a>(list: &'a [Value], id: &str) -> Option<&'a Value> {
    list.iter().find(|d| d["participant_id"] == id)
}

fn one_year_after(days_ago: u64) -> NaiveDate {
    (today() - Days::new(days_ago))
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
}

#[tokio::test]
async fn retention_anonymises_exactly_the_files_past_their_date_and_none_under_a_hold() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let dpo = app.api_as(DPO).await;
    let short = programme(&app, &admin, "retention-short", 1, false).await;
    let _ = programme_id(&app, &coach, "retention-short").await;
    let past = person(&app, &coach, &short, "Verlopen", Some(800)).await;
    let held = person(&app, &coach, &short, "Geblokkeerd", Some(800)).await;
    let soon = person(&app, &coach, &short, "Binnenkort", Some(300)).await;
    let open = person(&app, &coach, &short, "Lopend", None).await;

    let list = due(&app, &dpo).await;
    let past_entry = entry(&list, &past).expect("past due is listed");
    assert_eq!(past_entry["retention_until"], one_year_after(800).to_string());
    assert_eq!(past_entry["past_due"], true);
    let soon_entry = entry(&list, &soon).expect("due within 90 days is listed");
    assert_eq!(soon_entry["retention_until"], one_year_after(300).to_string());
    assert_eq!(soon_entry["past_due"], false);
    assert!(entry(&list, &open).is_none(), "an open trajectory has no date");
    let in_90_days = (today() + Days::new(90)).to_string();
    assert!(
        list.iter()
            .all(|d| d["retention_until"].as_str().unwrap() <= in_90_days.as_str())
    );

    // A legal hold: a reason is required, other roles are refused, and it is audited.
    let hold = format!("/api/v1/participants/{held}/legal-hold");
    let (status, problem) = app.send_json(&dpo, "PUT", &hold, json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "reason", "required"), "{problem}");
    let (status, problem) = app
        .send_json(&coach, "PUT", &hold, json!({"reason": "court case"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let unknown = format!("/api/v1/participants/{}/legal-hold", uuid::Uuid::now_v7());
    let (status, _) = app
        .send_json(&dpo, "PUT", &unknown, json!({"reason": "court case"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, set) = app
        .send_json(&dpo, "PUT", &hold, json!({"reason": "court case 2026/17"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["reason"], "court case 2026/17");
    let list = due(&app, &admin).await;
    assert_eq!(
        entry(&list, &held).unwrap()["legal_hold"]["reason"],
        "court case 2026/17"
    );
    assert_eq!(app.audit("participant.legal_hold").await.len(), 1);
    let (status, problem) = app
        .send_json(
            &dpo,
            "POST",
            &format!("/api/v1/participants/{held}/anonymisation"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a held file is kept: {problem}");

    // The dry run says what the run does: exactly the past-due files without a hold.
    let expected: BTreeSet<String> = list
        .iter()
        .filter(|d| d["past_due"] == true && d["legal_hold"].is_null())
        .map(|d| d["participant_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.contains(&past) && !expected.contains(&held) && !expected.contains(&soon));
    let (ok, out, err) = onramp(app.database_url(), &["retention", "run", "--dry-run"], "");
    assert!(ok, "{out}{err}");
    assert!(
        out.contains(&format!("would anonymise {} files", expected.len())),
        "{out}"
    );
    assert!(out.contains(&format!("{held} (legal hold)")), "{out}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{past}")).await;
    assert_eq!(
        file["participant"]["last_name"], "Verlopen",
        "a dry run changes nothing"
    );

    let run = onramp_web::service::retention::run(&app.db, today(), false)
        .await
        .unwrap();
    let anonymised: BTreeSet<String> = run.anonymised.iter().map(|id| id.to_string()).collect();
    assert_eq!(anonymised, expected);
    assert_eq!(
        run.held.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
        vec![held.clone()]
    );
    let (status, _) = app.get_json(&coach, &format!("/api/v1/participants/{past}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "anonymised");
    for kept in [&held, &soon, &open] {
        let (status, file) = app.get_json(&coach, &format!("/api/v1/participants/{kept}")).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert_eq!(file["participant"]["first_name"], "Bewaar");
    }
    let entries = app.audit("participant.anonymise").await;
    assert_eq!(entries.len(), expected.len());
    assert!(entries.iter().all(|e| e.actor_label == "retention"));
    let list = due(&app, &dpo).await;
    assert!(entry(&list, &past).is_none(), "an anonymised file is no longer due");

    // Lifted, the hold no longer keeps the file: the next run anonymises it.
    let response = coach
        .delete(app.url(&hold))
        .header("x-requested-with", "onramp-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "only the officer lifts it");
    let response = dpo
        .delete(app.url(&hold))
        .header("x-requested-with", "onramp-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.audit("participant.legal_hold_lift").await.len(), 1);
    let run = onramp_web::service::retention::run(&app.db, today(), false)
        .await
        .unwrap();
    assert_eq!(
        run.anonymised.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
        vec![held]
    );
    onramp_store::audit::seal(&app.db).await.unwrap();
    let report = onramp_store::audit::verify(&app.db, None).await.unwrap();
    assert!(report.problem.is_none(), "{:?}", report.problem);
}

#[tokio::test]
async fn an_esf_operation_keeps_its_files_five_years_from_the_end_of_the_year_of_its_last_payment() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let dpo = app.api_as(DPO).await;
    let esf = programme(&app, &admin, "retention-esf", 1, true).await;
    let year = today().year() - 6;
    let body = json!({
        "number": "ESF-RET-1", "title": "Retention", "starts_on": format!("{year}-01-01"),
        "ends_on": today().to_string(), "programme_ids": [esf],
    });
    let (status, operation) = app.send_json(&admin, "POST", "/api/v1/operations", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{operation}");
    assert!(operation["last_payment_on"].is_null());
    let id = operation["id"].as_str().unwrap();
    let counted = person(&app, &coach, &esf, "Fonds", Some(800)).await;
    // Without a last payment the operation's files are kept: no date.
    assert!(entry(&due(&app, &dpo).await, &counted).is_none());

    let mut with_payment = body.clone();
    with_payment["last_payment_on"] = json!(format!("{year}-06-30"));
    let (status, changed) = app
        .send_json(&admin, "PUT", &format!("/api/v1/operations/{id}"), with_payment)
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["last_payment_on"], format!("{year}-06-30"));
    let list = due(&app, &dpo).await;
    let found = entry(&list, &counted).expect("due now");
    assert_eq!(
        found["retention_until"],
        format!("{}-12-31", year + 5),
        "the ESF rule is the later one"
    );
    assert_eq!(found["past_due"], true);

    let mut before_start = body;
    before_start["last_payment_on"] = json!(format!("{}-12-31", year - 1));
    let (status, problem) = app
        .send_json(&admin, "PUT", &format!("/api/v1/operations/{id}"), before_start)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "last_payment_on", "range-inverted"), "{problem}");
}

#[tokio::test]
async fn the_retention_page_lists_due_files_for_the_officer_only() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let short = programme(&app, &admin, "retention-page", 1, false).await;
    let past = person(&app, &coach, &short, "Pagina", Some(800)).await;
    let browser = app.english_browser_as(DPO).await;
    let home = app.html(&browser, "/").await;
    assert!(
        home.contains("href=\"/retention\""),
        "the officer's menu links the page"
    );
    let html = app.html(&browser, "/retention").await;
    assert!(html.contains(&past), "{html}");
    assert!(html.contains("past due"));
    assert!(!html.contains("Pagina"), "the list names no one");
    let csrf = csrf_in(&html);
    let response = browser
        .post(app.url(&format!("/retention/{past}/hold")))
        .form(&[("csrf", csrf.as_str()), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = browser
        .post(app.url(&format!("/retention/{past}/hold")))
        .form(&[("csrf", csrf.as_str()), ("reason", "inspection")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.html(&browser, "/retention").await.contains("inspection"));
    for email in [COACH_LIMBURG, COORDINATOR_LIMBURG, FUNDER] {
        let other = app.browser_as(email).await;
        let home = app.html(&other, "/").await;
        assert!(!home.contains("href=\"/retention\""), "{email} has no link");
        let response = other.get(app.url("/retention")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
    }
}
