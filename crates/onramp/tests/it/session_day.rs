//! A coach's sessions (issue 30): "my sessions" first and the others behind a filter, links that
//! say which session (title, module and date), invitations only before a session begins, and "mark all present" after a
//! confirmation, touching only those not marked yet.

use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{Days, NaiveDate};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";
const OTHER_COACH: &str = "karim.elamrani@gtb.demo";

fn today() -> NaiveDate {
    crate::caseload::today()
}

/// Plans a one-session series at Maasland on `day`, led by `coach_id`; returns the session.
async fn session(app: &TestApp, client: &Client, title: &str, day: NaiveDate, coach_id: &str) -> Value {
    let body = json!({
        "programme_id": programme_id(app, client, "we-go-to-work").await, "module": "module_2", "title": title,
        "organisation_id": app.organisation_id(MAASLAND).await, "online": true, "capacity": 10,
        "coach_id": coach_id, "first_date": day.to_string(), "start_time": "09:30", "minutes": 120,
        "sessions": 1, "weeks_between": 1
    });
    let (status, sessions) = app.send_json(client, "POST", "/api/v1/session-series", body).await;
    assert_eq!(status, StatusCode::CREATED, "{sessions}");
    sessions[0].clone()
}

fn ids(list: &Value) -> Vec<String> {
    list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_sessions_list_shows_my_sessions_and_the_others_behind_a_filter() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let admin = app.api_as(ADMIN).await;
    let me = app.actor(COACH_LIMBURG).await.user_id.to_string();
    let colleague = app.actor(OTHER_COACH).await.user_id.to_string();
    let day = today() + Days::new(3);
    let mine = session(&app, &coach, "Wishes and possibilities", day, &me).await;
    let theirs = session(&app, &admin, "Strengths at work", day, &colleague).await;
    let (mine, theirs) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    let period = format!("from={day}&to={day}");

    let (status, list) = app.get_json(&coach, &format!("/api/v1/sessions?{period}")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(ids(&list), [mine], "a coach's own sessions by default");
    let (_, list) = app
        .get_json(&coach, &format!("/api/v1/sessions?{period}&whose=all"))
        .await;
    assert!(ids(&list).contains(&theirs.to_owned()) && ids(&list).contains(&mine.to_owned()));
    let (_, list) = app
        .get_json(&coach, &format!("/api/v1/sessions?{period}&whose=mine"))
        .await;
    assert_eq!(ids(&list), [mine]);
    let (status, problem) = app
        .get_json(&coach, &format!("/api/v1/sessions?{period}&whose=theirs"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "whose", "invalid-choice"), "{problem}");
    // An administrator leads none: everything by default.
    let (_, list) = app.get_json(&admin, &format!("/api/v1/sessions?{period}")).await;
    assert!(ids(&list).contains(&theirs.to_owned()) && ids(&list).contains(&mine.to_owned()));

    // The page: its own first, the others one link away; each link says which session.
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let html = app.html(&browser, &format!("/sessions?{period}")).await;
    let when = format!("{}", day.format("%d-%m-%Y"));
    let module = "Module 2: group sessions on wishes, interests and possibilities";
    let link = format!("<a href=\"/sessions/{mine}\">Wishes and possibilities ({module}), ");
    assert!(html.contains(&link), "{html}");
    let text = html.split(&link).nth(1).unwrap().split("</a>").next().unwrap();
    assert!(text.contains(&when) && text.contains("09:30"), "{text}");
    assert!(!html.contains(theirs), "not among my sessions");
    assert!(
        html.contains("whose=all\">Show all sessions you may see in this period</a>"),
        "{html}"
    );
    let html = app.html(&browser, &format!("/sessions?{period}&whose=all")).await;
    let link = format!("<a href=\"/sessions/{theirs}\">Strengths at work ({module}), ");
    assert!(html.contains(&link), "{html}");
    assert!(html.contains("</a> <span class=\"hint\">(session 1 of 1)</span>"));
    assert!(html.contains("<option value=\"all\" selected>All sessions I may see</option>"));
    for vague in [">Open<", ">View<", ">open<", ">view<"] {
        assert!(!html.contains(vague), "{vague}");
    }
    let empty = today() + Days::new(40);
    let html = app.html(&browser, &format!("/sessions?from={empty}&to={empty}")).await;
    assert!(html.contains("You lead no sessions in this period."));
}

#[tokio::test]
async fn invitations_are_offered_and_sent_only_before_a_session_begins() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let me = app.actor(COACH_LIMBURG).await.user_id.to_string();
    let maasland = app.organisation_id(MAASLAND).await;
    let person = register(&app, &coach, &maasland, "Ines", "Uitnodiging", "1980-05-05").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": today().to_string()});
    app.start_trajectory(&coach, &person, body).await;
    let past = session(&app, &coach, "Yesterday's session", today() - Days::new(1), &me).await;
    let ahead = session(&app, &coach, "Next week's session", today() + Days::new(7), &me).await;
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    for s in [&past, &ahead] {
        let path = format!("/api/v1/sessions/{}/enrolments", s["id"].as_str().unwrap());
        let (status, body) = app
            .send_json(&coach, "POST", &path, json!({"participant_id": person}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (past, ahead) = (past["id"].as_str().unwrap(), ahead["id"].as_str().unwrap());
    let invite = |id: &str| format!("action=\"/sessions/{id}/invitations\"");
    assert!(
        !app.html(&browser, &format!("/sessions/{past}"))
            .await
            .contains(&invite(past))
    );
    assert!(
        app.html(&browser, &format!("/sessions/{ahead}"))
            .await
            .contains(&invite(ahead))
    );

    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/sessions/{past}/invitations"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "session", "session-started"), "{problem}");
    assert!(message_of(&problem, "session").contains("already begun"), "{problem}");
    let (_, detail) = app.get_json(&coach, &format!("/api/v1/sessions/{past}")).await;
    assert_eq!(
        (detail["started"].as_bool(), detail["can_manage"].as_bool()),
        (Some(true), Some(true))
    );
    // The page's form, sent anyway for a session that has begun, is refused in words.
    let csrf = csrf_in(&app.html(&browser, &format!("/sessions/{past}")).await);
    let response = browser
        .post(app.url(&format!("/sessions/{past}/invitations")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This session has already begun")
    );
    assert!(app.audit("session.invite").await.is_empty());
}

async fn attendance(app: &TestApp, client: &Client, session: &str) -> Vec<(String, Value)> {
    let (status, detail) = app.get_json(client, &format!("/api/v1/sessions/{session}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let mut marks: Vec<(String, Value)> = detail["enrolments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_owned(), e["attendance"].clone()))
        .collect();
    marks.sort_by(|a, b| a.0.cmp(&b.0));
    marks
}

async fn attendance_on_worklist(app: &TestApp, client: &Client, session: &str) -> bool {
    let (status, list) = app.get_json(client, "/api/v1/worklist?limit=200").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == "attendance" && i["session_id"] == session)
}

#[tokio::test]
async fn mark_all_present_asks_first_and_marks_only_those_not_marked_yet() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let me = app.actor(COACH_LIMBURG).await.user_id.to_string();
    let maasland = app.organisation_id(MAASLAND).await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let held = session(&app, &coach, "Wishes and possibilities", today() - Days::new(2), &me).await;
    let held = held["id"].as_str().unwrap().to_owned();
    let mut people = Vec::new();
    for first in ["Anna", "Bert", "Cleo"] {
        let id = register(&app, &coach, &maasland, first, "Aanwezig", "1981-01-01").await;
        let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": today().to_string()});
        app.start_trajectory(&coach, &id, body).await;
        let path = format!("/api/v1/sessions/{held}/enrolments");
        let (status, _) = app
            .send_json(&coach, "POST", &path, json!({"participant_id": id}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        people.push(id);
    }
    // Anna was marked absent already; Bert and Cleo are not marked.
    let marks = json!({"marks": [{"participant_id": people[0], "attendance": "absent"}]});
    let path = format!("/api/v1/sessions/{held}/attendance");
    assert_eq!(app.send_json(&coach, "PUT", &path, marks).await.0, StatusCode::OK);
    assert!(attendance_on_worklist(&app, &coach, &held).await);
    let before = attendance(&app, &coach, &held).await;

    // The page: large choices, and the action that asks first.
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let page = format!("/sessions/{held}");
    let html = app.html(&browser, &page).await;
    assert!(html.contains(&format!(
        "<label class=\"choice\" for=\"a-{}-present\"><input type=\"radio\"",
        people[1]
    )));
    assert!(html.contains("Mark all 2 not yet marked present"), "{html}");
    let csrf = csrf_in(&html);
    let all_present = format!("{page}/attendance/all-present");
    let response = browser
        .post(app.url(&all_present))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "a first post only asks");
    let confirm = response.text().await.unwrap();
    assert!(confirm.contains("<h1>Mark everyone present?</h1>"), "{confirm}");
    assert!(confirm.contains("<li>Bert Aanwezig</li>") && confirm.contains("<li>Cleo Aanwezig</li>"));
    assert!(!confirm.contains("Anna Aanwezig"), "Anna is marked already");
    assert!(confirm.contains("name=\"confirm\" value=\"yes\""));
    assert_eq!(attendance(&app, &coach, &held).await, before, "nothing changed yet");
    assert!(app.audit("session.attendance").await.len() == 1);

    // The API asks too: without `confirm: true` nothing is written.
    let api = format!("/api/v1/sessions/{held}/attendance/all-present");
    let (status, problem) = app.send_json(&coach, "POST", &api, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "confirm", "not-confirmed"), "{problem}");
    let peer = app.api_as(PEER).await;
    let (status, _) = app.send_json(&peer, "POST", &api, json!({"confirm": true})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a peer expert who does not lead it");
    assert_eq!(attendance(&app, &coach, &held).await, before);

    let response = browser
        .post(app.url(&all_present))
        .form(&[("csrf", csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let expected: Vec<(String, Value)> = [("Anna", "absent"), ("Bert", "present"), ("Cleo", "present")]
        .iter()
        .map(|(n, a)| (format!("{n} Aanwezig"), json!(a)))
        .collect();
    assert_eq!(attendance(&app, &coach, &held).await, expected, "Anna keeps her mark");
    assert_eq!(
        app.audit("session.attendance").await.len(),
        3,
        "one more per person marked"
    );
    assert!(
        !attendance_on_worklist(&app, &coach, &held).await,
        "the worklist item is gone"
    );
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let html = app.html(&browser, &location).await;
    assert!(html.contains("Everyone without attendance is now marked present."));
    assert!(!html.contains("not yet marked present"), "nothing left to mark");
    // Again, with nothing left: nobody is marked, nothing changes.
    let (status, again) = app.send_json(&coach, "POST", &api, json!({"confirm": true})).await;
    assert_eq!((status, again["marked"].as_u64()), (StatusCode::OK, Some(0)), "{again}");
    assert_eq!(attendance(&app, &coach, &held).await, expected);
}
