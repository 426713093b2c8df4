//! Group sessions: planning a series, enrolment with capacity and continuous intake,
//! attendance, who sees what, online rooms, and group hours.

use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use onramp_domain::policy::{self, Action, Decision, SessionRef};
use onramp_store::group_sessions::SessionCursor;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

fn today() -> NaiveDate {
    crate::caseload::today()
}

struct Setup {
    app: TestApp,
    coach: Client,
    maasland: String,
    wgtw: String,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    Setup {
        app,
        coach,
        maasland,
        wgtw,
    }
}

pub async fn location_of(app: &TestApp, client: &Client, organisation: &str) -> String {
    let (_, o) = app
        .get_json(client, &format!("/api/v1/organisations/{organisation}"))
        .await;
    o["locations"][0]["id"].as_str().unwrap().to_owned()
}

impl Setup {
    fn series(&self, location: &str, first: NaiveDate, sessions: u32, capacity: u32) -> Value {
        json!({
            "programme_id": self.wgtw, "module": "module_2", "title": "Wishes, interests and possibilities",
            "organisation_id": self.maasland, "location_id": location, "capacity": capacity,
            "first_date": first.to_string(), "start_time": "13:30", "minutes": 120,
            "sessions": sessions, "weeks_between": 1
        })
    }

    async fn plan(&self, client: &Client, body: Value) -> Vec<Value> {
        let (status, sessions) = self.app.send_json(client, "POST", "/api/v1/session-series", body).await;
        assert_eq!(status, StatusCode::CREATED, "{sessions}");
        sessions.as_array().unwrap().clone()
    }

    /// A participant followed at Maasland by the Limburg coach.
    async fn participant(&self, first: &str) -> String {
        let id = register(&self.app, &self.coach, &self.maasland, first, "Vos", "1975-03-03").await;
        let body = json!({"programme_id": self.wgtw, "organisation_id": self.maasland,
                          "started_on": (today() - Days::new(20)).to_string()});
        let (status, _) = self
            .app
            .send_json(
                &self.coach,
                "POST",
                &format!("/api/v1/participants/{id}/trajectories"),
                body,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        id
    }

    async fn enrol(&self, session: &Value, participant: &str, rest: bool) -> (StatusCode, Value) {
        let path = format!("/api/v1/sessions/{}/enrolments", session["id"].as_str().unwrap());
        let body = json!({"participant_id": participant, "rest_of_series": rest});
        self.app.send_json(&self.coach, "POST", &path, body).await
    }

    async fn detail(&self, client: &Client, session: &Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/sessions/{}", session["id"].as_str().unwrap());
        self.app.get_json(client, &path).await
    }
}

fn names(detail: &Value) -> Vec<String> {
    detail["enrolments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_full_session_refuses_and_a_refused_enrolment_writes_nothing() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let first = today() + Days::new(7);
    let sessions = s.plan(&s.coach, s.series(&location, first, 4, 2)).await;
    assert_eq!(sessions.len(), 4);
    assert_eq!(sessions[3]["position"], 4);
    assert_eq!(
        sessions[0]["coach_name"], "Sofie Maes",
        "the planning coach leads by default"
    );
    let (a, b, c) = (
        s.participant("Ann").await,
        s.participant("Bob").await,
        s.participant("Cas").await,
    );

    let (status, enrolled) = s.enrol(&sessions[1], &a, false).await;
    assert_eq!((status, enrolled["sessions"].as_u64()), (StatusCode::CREATED, Some(1)));
    let (status, enrolled) = s.enrol(&sessions[0], &b, true).await;
    assert_eq!((status, enrolled["sessions"].as_u64()), (StatusCode::CREATED, Some(4)));
    // Session 2 now holds Ann and Bob: Cas joining from session 1 on is refused as a whole.
    let (status, problem) = s.enrol(&sessions[0], &c, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "participant_id", "session-full"), "{problem}");
    let (_, first_session) = s.detail(&s.coach, &sessions[0]).await;
    assert_eq!(names(&first_session), vec!["Bob Vos"], "Cas was not left in session 1");
    // Enrolling twice changes nothing and takes no second place.
    let (status, enrolled) = s.enrol(&sessions[0], &b, false).await;
    assert_eq!((status, enrolled["sessions"].as_u64()), (StatusCode::CREATED, Some(0)));
    let (_, second) = s.detail(&s.coach, &sessions[1]).await;
    assert_eq!(second["session"]["enrolled"], 2);
    assert_eq!(s.app.audit("session.enrol").await.len(), 5);
}

#[tokio::test]
async fn attendance_is_taken_for_enrolled_people_only_and_counts_along_the_series() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let sessions = s
        .plan(&s.coach, s.series(&location, today() - Days::new(14), 3, 10))
        .await;
    let (a, b) = (s.participant("Els").await, s.participant("Dirk").await);
    assert_eq!(s.enrol(&sessions[0], &a, true).await.0, StatusCode::CREATED);
    // Dirk joins the running series at its second session (continuous intake).
    assert_eq!(s.enrol(&sessions[1], &b, true).await.0, StatusCode::CREATED);
    let mark = |session: &Value, marks: Value| {
        let path = format!("/api/v1/sessions/{}/attendance", session["id"].as_str().unwrap());
        let (app, coach) = (&s.app, &s.coach);
        async move { app.send_json(coach, "PUT", &path, json!({ "marks": marks })).await }
    };
    let (status, _) = mark(&sessions[0], json!([{"participant_id": a, "attendance": "present"}])).await;
    assert_eq!(status, StatusCode::OK);
    // Dirk is not enrolled in the first session: the whole list is refused.
    let (status, problem) = mark(
        &sessions[0],
        json!([{"participant_id": a, "attendance": "absent"}, {"participant_id": b, "attendance": "present"}]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "marks[1].participant_id", "not-enrolled"),
        "{problem}"
    );
    let (_, bad) = mark(
        &sessions[1],
        json!([{"participant_id": a, "attendance": "late"}, {"participant_id": "x", "attendance": "present"}]),
    )
    .await;
    assert!(has_error(&bad, "marks[0].attendance", "invalid-choice"), "{bad}");
    assert!(
        has_error(&bad, "marks[1].participant_id", "invalid-reference"),
        "every bad mark at once: {bad}"
    );
    let (status, detail) = mark(
        &sessions[1],
        json!([{"participant_id": a, "attendance": "present"}, {"participant_id": b, "attendance": "excused"}]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let row = |name: &str| {
        detail["enrolments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("Els Vos")["attended_in_series"],
        2,
        "present twice, the first mark kept"
    );
    assert_eq!(row("Dirk Vos")["attended_in_series"], 0);
    assert_eq!(row("Dirk Vos")["attendance"], "excused");
    // The participant's file shows the sessions with attendance.
    let (_, file) = s.app.get_json(&s.coach, &format!("/api/v1/participants/{a}")).await;
    let attended: Vec<_> = file["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["attendance"] == "present")
        .collect();
    assert_eq!(attended.len(), 2);
}

#[tokio::test]
async fn a_peer_expert_sees_only_the_sessions_they_lead_and_no_names() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let peer = s.app.api_as(PEER).await;
    let (_, me) = s.app.get_json(&peer, "/api/v1/me").await;
    let mut body = s.series(&location, today() + Days::new(3), 1, 8);
    body["peer_expert_id"] = me["id"].clone();
    let led = s.plan(&s.coach, body).await;
    let other = s
        .plan(&s.coach, s.series(&location, today() + Days::new(4), 1, 8))
        .await;
    let a = s.participant("Fien").await;
    assert_eq!(s.enrol(&led[0], &a, false).await.0, StatusCode::CREATED);

    let (status, list) = s.app.get_json(&peer, "/api/v1/sessions").await;
    assert_eq!(status, StatusCode::OK);
    let list = list["sessions"].as_array().unwrap();
    assert!(list.iter().any(|x| x["id"] == led[0]["id"]));
    assert!(
        list.iter().all(|x| x["peer_expert_id"] == me["id"]),
        "only sessions they lead"
    );
    let (status, detail) = s.detail(&peer, &led[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["session"]["enrolled"], 1);
    assert!(
        names(&detail).is_empty(),
        "a peer expert does not see participant files"
    );
    assert_eq!(s.detail(&peer, &other[0]).await.0, StatusCode::NOT_FOUND);
    // Their calendar feed carries the session they lead and not the other.
    let (status, feed) = s
        .app
        .send_json(&peer, "POST", "/api/v1/calendar-feeds", json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{feed}");
    let (_, text) = crate::calendars::fetch(feed["url"].as_str().unwrap()).await;
    let events = crate::calendars::parse_ics(&text)["events"].clone();
    let in_feed = |session: &Value| {
        let uid = format!("{}@onramp", session["id"].as_str().unwrap());
        events.as_array().unwrap().iter().any(|e| e["uid"] == uid.as_str())
    };
    assert_eq!((in_feed(&led[0]), in_feed(&other[0])), (true, false), "{events}");
    let path = format!("/api/v1/sessions/{}/attendance", led[0]["id"].as_str().unwrap());
    let (status, _) = s
        .app
        .send_json(
            &peer,
            "PUT",
            &path,
            json!({"marks": [{"participant_id": a, "attendance": "present"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A coach of another region does not see a closed series; a care-team member sees none.
    let far = s.app.api_as("an.peeters@gtb.demo").await;
    assert_eq!(s.detail(&far, &other[0]).await.0, StatusCode::NOT_FOUND);
    let care = s.app.api_as(CARE_ANTWERPEN).await;
    let (_, list) = s.app.get_json(&care, "/api/v1/sessions").await;
    assert!(list["sessions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn open_series_take_participants_of_other_partners_closed_ones_do_not() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let closed = s
        .plan(&s.coach, s.series(&location, today() + Days::new(5), 1, 8))
        .await;
    let mut body = s.series(&location, today() + Days::new(6), 1, 8);
    body["open_to_partners"] = json!(true);
    let open = s.plan(&s.coach, body).await;
    // A participant followed by a coach of Antwerpen at a partner there.
    let far = s.app.api_as("an.peeters@gtb.demo").await;
    let (_, me) = s.app.get_json(&far, "/api/v1/me").await;
    let gtb = s.app.organisation_id("GTB Vlaanderen").await;
    let partner = me["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_owned())
        .find(|o| *o != gtb)
        .unwrap();
    let id = register(&s.app, &far, &partner, "Gert", "Wuyts", "1970-01-01").await;
    let body = json!({"programme_id": s.wgtw, "organisation_id": partner, "started_on": today().to_string()});
    let (status, _) = s
        .app
        .send_json(&far, "POST", &format!("/api/v1/participants/{id}/trajectories"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let enrol = |session: &Value| {
        let path = format!("/api/v1/sessions/{}/enrolments", session["id"].as_str().unwrap());
        let (app, far, id) = (&s.app, &far, &id);
        async move { app.send_json(far, "POST", &path, json!({"participant_id": id})).await }
    };
    assert_eq!(
        enrol(&closed[0]).await.0,
        StatusCode::NOT_FOUND,
        "the closed series is not visible"
    );
    assert_eq!(enrol(&open[0]).await.0, StatusCode::CREATED);
    // The host's coach sees whom to take attendance of (the name, not the file).
    let (_, detail) = s.detail(&s.coach, &open[0]).await;
    assert_eq!(detail["session"]["enrolled"], 1);
    assert_eq!(names(&detail), ["Gert Wuyts"]);
    assert_eq!(detail["enrolments"][0]["file"], false);
    // Nobody enrols a person they do not follow.
    let own = s.participant("Hans").await;
    let path = format!("/api/v1/sessions/{}/enrolments", open[0]["id"].as_str().unwrap());
    let (status, _) = s
        .app
        .send_json(&far, "POST", &path, json!({"participant_id": own}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a participant they may enrol"
    );
}

#[tokio::test]
async fn online_sessions_get_their_own_unguessable_room() {
    let s = setup().await;
    let mut body = s.series("", today() + Days::new(2), 2, 8);
    body["online"] = json!(true);
    let sessions = s.plan(&s.coach, body).await;
    let (_, one) = s.detail(&s.coach, &sessions[0]).await;
    let (_, two) = s.detail(&s.coach, &sessions[1]).await;
    let (u1, u2) = (
        one["meeting_url"].as_str().unwrap(),
        two["meeting_url"].as_str().unwrap(),
    );
    assert!(u1.starts_with("https://meet.jit.si/onramp-"));
    assert_ne!(u1, u2);
    assert!(u1.len() > "https://meet.jit.si/onramp-".len() + 20, "{u1}");
}

#[tokio::test]
async fn planning_checks_every_field() {
    let s = setup().await;
    let body = json!({
        "programme_id": s.wgtw, "module": "canvas", "title": "", "organisation_id": s.maasland,
        "capacity": 0, "first_date": "tomorrow", "start_time": "1:30pm", "minutes": 0, "sessions": 60,
        "weeks_between": 0
    });
    let (status, problem) = s.app.send_json(&s.coach, "POST", "/api/v1/session-series", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("title", "required"),
        ("location_id", "location-or-online"),
        ("capacity", "out-of-range"),
        ("first_date", "invalid-date"),
        ("start_time", "invalid-time"),
        ("minutes", "out-of-range"),
        ("sessions", "out-of-range"),
        ("weeks_between", "out-of-range"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    let everything = "/api/v1/sessions?from=2000-01-01&to=2100-01-01";
    let (_, before) = s.app.get_json(&s.coach, everything).await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let mut body = s.series(&location, today(), 1, 8);
    body["module"] = json!("canvas");
    let (_, problem) = s.app.send_json(&s.coach, "POST", "/api/v1/session-series", body).await;
    assert!(
        has_error(&problem, "module", "unknown-module"),
        "Boost2work's canvas is not a We go to work module"
    );
    let care = s.app.api_as(CARE_ANTWERPEN).await;
    let (status, _) = s
        .app
        .send_json(
            &care,
            "POST",
            "/api/v1/session-series",
            s.series(&location, today(), 1, 8),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, after) = s.app.get_json(&s.coach, everything).await;
    assert_eq!(after, before, "nothing was planned");
}

#[tokio::test]
async fn sessions_a_coach_led_count_as_group_hours_once_held() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let (_, me) = s.app.get_json(&s.coach, "/api/v1/me").await;
    let path = format!(
        "/api/v1/organisations/{}/hours?year={}&coach_id={}",
        s.maasland,
        today().year(),
        me["id"].as_str().unwrap()
    );
    let group = |view: &Value| -> i64 {
        view["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["group"]["used_minutes"].as_i64().unwrap())
            .sum()
    };
    let (_, before) = s.app.get_json(&s.coach, &path).await;
    // Two held sessions this year (or none, in the first days of January) and two still to come.
    let first = (today() - Days::new(8)).max(NaiveDate::from_ymd_opt(today().year(), 1, 1).unwrap());
    let held = (0..2).filter(|n| first + Days::new(7 * n) <= today()).count() as i64;
    s.plan(&s.coach, s.series(&location, first, 4, 8)).await;
    let (_, after) = s.app.get_json(&s.coach, &path).await;
    assert_eq!(group(&after) - group(&before), 120 * held, "{after}");
}

#[tokio::test]
async fn the_session_pages_plan_enrol_and_take_attendance() {
    let s = setup().await;
    let a = s.participant("Ilse").await;
    let page = s.app.english_browser_as(COACH_LIMBURG).await;
    let csrf = s.app.csrf(&page, "/sessions/new").await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let today_text = today().to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("programme_id", s.wgtw.as_str()),
        ("module", "module_1"),
        ("title", "Information session"),
        ("organisation_id", s.maasland.as_str()),
        ("capacity", "12"),
        ("first_date", today_text.as_str()),
        ("start_time", "25:00"),
        ("minutes", "90"),
        ("sessions", "1"),
        ("weeks_between", "1"),
    ];
    let response = page.post(s.app.url("/sessions/new")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-start_time\"") && html.contains("id=\"e-location_id\""));
    assert!(html.contains("value=\"Information session\""));
    form.retain(|(k, _)| *k != "start_time");
    form.push(("start_time", "23:30"));
    form.push(("location_id", location.as_str()));
    let response = page.post(s.app.url("/sessions/new")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session = response.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let csrf = s.app.csrf(&page, &session).await;
    let response = page
        .post(s.app.url(&format!("{session}/enrolments")))
        .form(&[("csrf", csrf.as_str()), ("participant_id", a.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let field = format!("attendance-{a}");
    let response = page
        .post(s.app.url(&format!("{session}/attendance")))
        .form(&[("csrf", csrf.as_str()), (field.as_str(), "present")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = page
        .get(s.app.url(&format!("{session}?notice=attendance-saved")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("The attendance has been saved."));
    assert!(html.contains(&format!(
        "id=\"a-{a}-present\" name=\"attendance-{a}\" value=\"present\" checked"
    )));
    assert!(html.contains("23:30"), "shown in Brussels time");
    let list = page
        .get(s.app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Information session"));
}

/// Reads a raw message with Python's `email` package (`tests-py/read_mail.py`).
fn read_mail(raw: &str) -> Value {
    use std::io::Write;
    let (python, root) = python();
    let mut child = std::process::Command::new(&python)
        .arg(format!("{root}/tests-py/read_mail.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python");
    child.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn invitations_go_by_e_mail_in_each_persons_language_with_the_event() {
    let sink = MailSink::start();
    let app = TestApp::spawn_with_mail(&sink).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let s = Setup {
        maasland: app.organisation_id("Revalidatieziekenhuis Maasland").await,
        wgtw: programme_id(&app, &coach, "we-go-to-work").await,
        coach,
        app,
    };
    let mut body = s.series("", today() + Days::new(4), 1, 8);
    body["online"] = json!(true);
    let sessions = s.plan(&s.coach, body).await;
    let intake = json!({
        "organisation_id": s.maasland, "first_name": "Zoé", "last_name": "Lambert", "birth_date": "1980-02-02",
        "email": "zoe.lambert@example.be", "language": "fr", "health_category": "burn_out", "situation": "inactive"
    });
    let (status, zoe) = s.app.send_json(&s.coach, "POST", "/api/v1/participants", intake).await;
    assert_eq!(status, StatusCode::CREATED, "{zoe}");
    let zoe = zoe["id"].as_str().unwrap().to_owned();
    let body = json!({"programme_id": s.wgtw, "organisation_id": s.maasland, "started_on": today().to_string()});
    s.app
        .send_json(
            &s.coach,
            "POST",
            &format!("/api/v1/participants/{zoe}/trajectories"),
            body,
        )
        .await;
    let without_email = s.participant("Omer").await;
    for person in [&zoe, &without_email] {
        assert_eq!(s.enrol(&sessions[0], person, false).await.0, StatusCode::CREATED);
    }
    let path = format!("/api/v1/sessions/{}/invitations", sessions[0]["id"].as_str().unwrap());
    let peer = s.app.api_as(PEER).await;
    assert_eq!(
        s.app.send_json(&peer, "POST", &path, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, invited) = s.app.send_json(&s.coach, "POST", &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{invited}");
    assert_eq!(
        (
            invited["sent"].as_u64(),
            invited["without_email"].as_u64(),
            invited["failed"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    let audited = s.app.audit("session.invite").await;
    assert_eq!(audited.len(), 1, "the one invitation sent is audited");

    // Besides the invitation, the server's own round may have sent the coach's digest at start
    // (the demo has a check-in due today): the invitations are the mails to anyone else.
    let invitations: Vec<Value> = sink
        .messages()
        .iter()
        .map(|m| read_mail(m))
        .filter(|m| !m["to"].as_str().unwrap_or_default().contains("sofie.maes@gtb.demo"))
        .collect();
    assert_eq!(invitations.len(), 1);
    let mail = &invitations[0];
    assert_eq!(mail["to"], "Zoé Lambert <zoe.lambert@example.be>");
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .starts_with("Invitation : Wishes, interests"),
        "{mail}"
    );
    assert!(mail["text"].as_str().unwrap().contains("Bonjour Zoé"), "{mail}");
    let calendar = crate::calendars::parse_ics(mail["calendar"].as_str().unwrap());
    let event = &calendar["events"][0];
    assert_eq!(event["uid"], format!("{}@onramp", sessions[0]["id"].as_str().unwrap()));
    assert!(
        event["url"]
            .as_str()
            .unwrap()
            .starts_with("https://meet.jit.si/onramp-")
    );
    assert_eq!(s.app.audit("session.invite").await.len(), 1);
}

#[tokio::test]
async fn without_an_smtp_server_invitations_are_refused_clearly() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    let sessions = s
        .plan(&s.coach, s.series(&location, today() + Days::new(4), 1, 8))
        .await;
    let path = format!("/api/v1/sessions/{}/invitations", sessions[0]["id"].as_str().unwrap());
    let (status, problem) = s.app.send_json(&s.coach, "POST", &path, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "session", "mail-not-configured"), "{problem}");
}

#[tokio::test]
async fn the_daily_digest_is_sent_once_with_two_nodes_and_can_be_switched_off() {
    let sink = MailSink::start();
    let app = TestApp::spawn_with_mail(&sink).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Digest", "Wouters", "1971-01-01").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": "2024-01-02"});
    let t = app.start_trajectory(&coach, &id, body).await;
    let exit = json!({"on": "2025-01-06", "reason": "completed"});
    app.send_json(
        &coach,
        "POST",
        &format!("/api/v1/trajectories/{}/exit", t["id"].as_str().unwrap()),
        exit,
    )
    .await;

    // Two nodes on the same database, each running the digest round at the same moment.
    let node = || onramp_web::AppState {
        db: app.db.clone(),
        config: std::sync::Arc::new(onramp_web::Config {
            mailer: Some(
                onramp_web::mail::Mailer::new(
                    &format!("smtp://127.0.0.1:{}", sink.port),
                    "onramp <noreply@onramp.test>",
                )
                .unwrap(),
            ),
            ..onramp_web::Config::default()
        }),
    };
    let (one, two) = (node(), node());
    // The demo has a check-in due today for this coach: the server's own round may have sent
    // today's digest at start (from 07:00 in Brussels). Today's is sent here if it was not, and
    // waited for if it was; the rounds below are tomorrow's.
    if onramp_web::service::digest::send_due(&one, today()).await.unwrap() == 0 {
        for _ in 0..100 {
            if !sink.messages().is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    let before = sink.messages().len();
    assert_eq!(before, 1, "today's digest, once");
    let day = today() + Days::new(1);
    let (a, b) = tokio::join!(
        onramp_web::service::digest::send_due(&one, day),
        onramp_web::service::digest::send_due(&two, day)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one digest, from one node");
    let messages = sink.messages();
    assert_eq!(messages.len(), before + 1);
    let mail = read_mail(&messages[before]);
    assert!(mail["to"].as_str().unwrap().contains("sofie.maes@gtb.demo"), "{mail}");
    assert!(mail["text"].as_str().unwrap().contains("Digest Wouters"), "{mail}");
    // The names that left by mail are in the person's log of consultations.
    let sent = app.audit("digest.sent").await;
    assert_eq!(sent.len(), 2, "one entry per digest sent");
    assert!(sent[0].subjects.as_deref().unwrap_or("").contains(&id), "{:?}", sent[0]);
    assert_eq!(sent[0].purpose.as_deref(), Some("follow_up"));
    assert_eq!(
        onramp_web::service::digest::send_due(&one, day).await.unwrap(),
        0,
        "once a day"
    );

    let (status, _) = s_put(&app, &coach, json!({"enabled": false})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let tomorrow = day + Days::new(1);
    assert_eq!(
        onramp_web::service::digest::send_due(&one, tomorrow).await.unwrap(),
        0,
        "switched off"
    );
    let (status, _) = s_put(&app, &coach, json!({"enabled": true})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(onramp_web::service::digest::send_due(&one, tomorrow).await.unwrap(), 1);
    assert_eq!(sink.messages().len(), before + 2);
}

async fn s_put(app: &TestApp, client: &Client, body: Value) -> (StatusCode, Value) {
    app.send_json(client, "PUT", "/api/v1/me/digest", body).await
}

/// A session's start and id: the order of the lists.
type Started = (DateTime<Utc>, Uuid);

/// The sessions of a period, each as the policy sees it, read straight from the table: the oracle
/// the session lists are checked against.
async fn sessions_between(app: &TestApp, from: NaiveDate, to: NaiveDate) -> Vec<(Started, SessionRef)> {
    type Row = (
        Uuid,
        DateTime<Utc>,
        Uuid,
        Option<Uuid>,
        Option<Uuid>,
        Option<Uuid>,
        bool,
    );
    let sql = "SELECT id, starts_at, organisation_id, region_id, coach_id, peer_expert_id, open_to_partners
               FROM group_sessions WHERE on_date >= $1 AND on_date <= $2";
    let mut conn = app.db.conn().await.unwrap();
    let rows: Vec<Row> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(sql).bind(from).bind(to).fetch_all(c).await).unwrap();
    let session = |organisation_id, region_id, coach_id, peer_expert_id, open_to_partners| SessionRef {
        organisation_id,
        region_id,
        coach_id,
        peer_expert_id,
        open_to_partners,
    };
    rows.into_iter()
        .map(|(id, starts_at, organisation, region, coach, peer, open)| {
            ((starts_at, id), session(organisation, region, coach, peer, open))
        })
        .collect()
}

/// Every role's list of sessions holds exactly the sessions of the period the policy lets it see:
/// the ones they lead (as coach or as peer expert), the open ones, their partners', their region's,
/// or all of them. Each of these reaches some session that no other part of the scope reaches.
#[tokio::test]
async fn each_role_lists_exactly_the_sessions_the_policy_lets_it_see() {
    let s = setup().await;
    let antwerp_coach = s.app.api_as("an.peeters@gtb.demo").await;
    let scheldeoever = s.app.organisation_id("Revalidatieziekenhuis Scheldeoever").await;
    let location = location_of(&s.app, &antwerp_coach, &scheldeoever).await;
    // An open series in another region, and one led with a peer expert at Maasland.
    let mut open = s.series(&location, today() + Days::new(5), 2, 8);
    open["organisation_id"] = json!(scheldeoever);
    open["open_to_partners"] = json!(true);
    // Half past midnight in Brussels is the evening before in UTC: the lists order by the local day.
    open["start_time"] = json!("00:30");
    let opened = s.plan(&antwerp_coach, open).await;
    // Its date is that Brussels day, not the day before it starts on in UTC.
    let day = today() + Days::new(5);
    let listed = |from: NaiveDate| format!("/api/v1/sessions?from={from}&to={from}");
    let (_, on_its_day) = s.app.get_json(&antwerp_coach, &listed(day)).await;
    let (_, the_day_before) = s.app.get_json(&antwerp_coach, &listed(day - Days::new(1))).await;
    let holds_it = |list: &Value| {
        list["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == opened[0]["id"])
    };
    assert!(holds_it(&on_its_day) && !holds_it(&the_day_before), "{on_its_day}");
    let peer = s.app.api_as(PEER).await;
    let (_, me) = s.app.get_json(&peer, "/api/v1/me").await;
    let mut led = s.series(
        &location_of(&s.app, &s.coach, &s.maasland).await,
        today() + Days::new(6),
        2,
        8,
    );
    led["peer_expert_id"] = me["id"].clone();
    s.plan(&s.coach, led).await;
    // One at Maasland led by a coach who works elsewhere: he sees it as its leader, Maasland's
    // coach as her partner's.
    let admin = s.app.api_as(ADMIN).await;
    let mut elsewhere = s.series(
        &location_of(&s.app, &admin, &s.maasland).await,
        today() + Days::new(6),
        1,
        8,
    );
    // The same day as the peer expert's first session, late in the evening.
    elsewhere["start_time"] = json!("23:30");
    elsewhere["coach_id"] = json!(s.app.actor("an.peeters@gtb.demo").await.user_id);
    s.plan(&admin, elsewhere).await;

    let (from, to) = (today() - Days::new(400), today() + Days::new(120));
    let all = sessions_between(&s.app, from, to).await;
    assert!(all.len() < 500, "the list's limit is not reached: {}", all.len());
    let users = [
        ADMIN,
        COORDINATOR_LIMBURG,
        "coordinator.antwerpen@onramp.demo",
        COACH_LIMBURG,
        "an.peeters@gtb.demo",
        PEER,
        CARE_ANTWERPEN,
        FUNDER,
    ];
    for email in users {
        let actor = s.app.actor(email).await;
        let mut in_order: Vec<Started> = all
            .iter()
            .filter(|(_, session)| policy::decide(&actor, Action::ViewSession(session)) == Decision::Allow)
            .map(|(started, _)| *started)
            .collect();
        in_order.sort();
        let client = s.app.api_as(email).await;
        // Page after page, the API lists each session once, in order.
        let listed = listed_in_pages(&s.app, &client, (from, to, "all"), 3).await;
        let expected: Vec<String> = in_order.iter().map(|(_, id)| id.to_string()).collect();
        assert_eq!(listed, expected, "{email}");
        // "My sessions": of those, the ones the actor leads.
        let led: Vec<String> = all
            .iter()
            .filter(|(started, session)| {
                in_order.contains(started)
                    && (session.coach_id == Some(actor.user_id) || session.peer_expert_id == Some(actor.user_id))
            })
            .map(|((_, id), _)| id.to_string())
            .collect();
        let mut led = led;
        led.sort_by_key(|id| expected.iter().position(|e| e == id));
        assert_eq!(
            listed_in_pages(&s.app, &client, (from, to, "mine"), 3).await,
            led,
            "{email}'s own"
        );
        assert!(
            email == CARE_ANTWERPEN || email == FUNDER || listed.len() > 3,
            "{email} sees more than a page of sessions, so the comparison means something"
        );
        // A shorter list holds the soonest, in order, however many share their day; after a
        // session, the ones that follow it.
        let mut conn = s.app.db.conn().await.unwrap();
        let scope = policy::session_scope(&actor);
        let started = |sessions: Vec<onramp_store::group_sessions::GroupSession>| -> Vec<Started> {
            sessions.iter().map(|x| (x.starts_at, x.id)).collect()
        };
        for limit in [1, 2, 3, 5, 10] {
            let sessions = onramp_store::group_sessions::list(&mut conn, scope, actor.user_id, from, to, None, limit)
                .await
                .unwrap();
            let soonest = &in_order[..in_order.len().min(limit as usize)];
            assert_eq!(started(sessions), soonest, "{email}, the first {limit}");
        }
        for i in (0..in_order.len()).step_by(2) {
            let (starts_at, id) = in_order[i];
            let after = Some(SessionCursor { starts_at, id });
            let sessions = onramp_store::group_sessions::list(&mut conn, scope, actor.user_id, from, to, after, 3)
                .await
                .unwrap();
            let following = &in_order[i + 1..in_order.len().min(i + 4)];
            assert_eq!(started(sessions), following, "{email}, three after the {i}th");
        }
    }
}

/// The ids of every session the API lists in a period, following `next` from page to page.
async fn listed_in_pages(
    app: &TestApp,
    client: &reqwest::Client,
    (from, to, whose): (NaiveDate, NaiveDate, &str),
    limit: usize,
) -> Vec<String> {
    let mut listed = Vec::new();
    let mut after = String::new();
    loop {
        let path = format!("/api/v1/sessions?from={from}&to={to}&whose={whose}&limit={limit}&after={after}");
        let (status, page) = app.get_json(client, &path).await;
        if status == StatusCode::FORBIDDEN {
            return listed;
        }
        assert_eq!(status, StatusCode::OK, "{page}");
        let sessions = page["sessions"].as_array().unwrap();
        listed.extend(sessions.iter().map(|x| x["id"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => {
                assert_eq!(sessions.len(), limit, "only a full page has a next one");
                after = urlencode(next);
            }
            None => return listed,
        }
    }
}

/// A region's eight weeks hold thousands of sessions: the list shows them 100 to a page, with a
/// link to the next, and the API pages the same way; a cursor or page size it cannot use is refused.
#[tokio::test]
async fn the_session_list_shows_a_page_at_a_time() {
    let s = setup().await;
    let location = location_of(&s.app, &s.coach, &s.maasland).await;
    // Two series start at the same times: pages must split such ties by id, and not lose one.
    for day in [0, 0, 1, 2] {
        s.plan(&s.coach, s.series(&location, today() + Days::new(day), 40, 8))
            .await;
    }
    let (from, to) = (today(), today() + Days::new(7 * 40));
    // The coach's own sessions, as the list shows them first.
    let everything = listed_in_pages(&s.app, &s.coach, (from, to, ""), 500).await;
    assert!(everything.len() >= 160, "{}", everything.len());
    assert_eq!(listed_in_pages(&s.app, &s.coach, (from, to, ""), 3).await, everything);

    let page = s.app.english_browser_as(COACH_LIMBURG).await;
    let get = |path: String| {
        let page = page.clone();
        let url = s.app.url(&path);
        async move { page.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let ids = |html: &str| -> Vec<String> {
        html.split("<td><a href=\"/sessions/")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
            .collect()
    };
    let next_link = |html: &str| -> Option<String> {
        let end = html.find("\" rel=\"next\"")?;
        let start = html[..end].rfind("href=\"")? + "href=\"".len();
        Some(html[start..end].replace("&#38;", "&"))
    };
    let first = get(format!("/sessions?from={from}&to={to}")).await;
    assert_eq!(ids(&first), everything[..100], "the first 100, in time order");
    let mut shown = ids(&first);
    let mut next = next_link(&first);
    while let Some(link) = next {
        let page = get(link).await;
        let on_page = ids(&page);
        assert!(!on_page.is_empty() && on_page.len() <= 100, "{}", on_page.len());
        shown.extend(on_page);
        next = next_link(&page);
    }
    assert_eq!(shown, everything, "page after page, each session once, in time order");

    let (status, page) = s
        .app
        .get_json(&s.coach, &format!("/api/v1/sessions?from={from}&to={to}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["sessions"].as_array().unwrap().len(), 100, "100 by default");
    assert!(page["next"].is_string());
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("after=2026-01-01", "after"),
        ("after=yesterday~00000000-0000-0000-0000-000000000000", "after"),
    ] {
        let (status, problem) = s.app.get_json(&s.coach, &format!("/api/v1/sessions?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let code = if field == "limit" {
            "out-of-range"
        } else {
            "invalid-reference"
        };
        assert!(has_error(&problem, field, code), "{query}: {problem}");
    }
}
