//! The worklist (issue 30): each kind of work on a coach's start page and in the API, its link
//! to the page where the work is done, gone once done; kept to each role's scope.

use crate::caseload::today;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{Days, NaiveDate};
use onramp_domain::trajectories::{DurationStatus, duration_status};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";
const OTHER_COACH: &str = "karim.elamrani@gtb.demo";

fn day(offset: i64) -> String {
    (today() + chrono::Duration::days(offset)).to_string()
}

/// Someone the Limburg coach follows at Maasland since `days_ago`: (participant, trajectory).
async fn followed(app: &TestApp, coach: &Client, last: &str, days_ago: u64) -> (String, String) {
    let maasland = app.organisation_id(MAASLAND).await;
    let id = register(app, coach, &maasland, "Werk", last, "1979-04-04").await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland,
        "started_on": (today() - Days::new(days_ago)).to_string()});
    let trajectory = app.start_trajectory(coach, &id, body).await;
    (id, trajectory["id"].as_str().unwrap().to_owned())
}

async fn worklist(app: &TestApp, client: &Client, query: &str) -> Value {
    let (status, list) = app
        .get_json(client, &format!("/api/v1/worklist?limit=200{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list
}

/// The items of a kind that name `field` = `value`.
fn items<'a>(list: &'a Value, kind: &str, field: &str, value: &str) -> Vec<&'a Value> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind && i[field] == value)
        .collect()
}

fn link<'a>(list: &'a Value, kind: &str, field: &str, value: &str) -> &'a str {
    let found = items(list, kind, field, value);
    assert!(!found.is_empty(), "{kind} {value} on the worklist: {list}");
    found[0]["link"].as_str().unwrap()
}

/// The page a link leads to (without its fragment), which must open.
async fn landing(app: &TestApp, browser: &Client, link: &str) -> String {
    let path = link.split('#').next().unwrap();
    let response = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{link}");
    response.text().await.unwrap()
}

/// Six kinds of work for the Limburg coach, each made the way a coach (or a colleague) would.
struct Work {
    step_trajectory: String,
    quiet: (String, String),
    ending: (String, String),
    exited: String,
    check_in: String,
    session: String,
    enrolled: String,
}

async fn make_work(app: &TestApp, coach: &Client) -> Work {
    let (_, step_trajectory) = followed(app, coach, "Stappenplan", 3).await;
    let plan = json!({"base_version": 0, "goals": [{"title": "Back to work", "steps": [
        {"description": "Call the employer", "owner": "participant", "due_on": day(-1)},
        {"description": "Try two mornings", "owner": "participant", "due_on": day(40)}
    ]}]});
    let path = format!("/api/v1/trajectories/{step_trajectory}/plans/action");
    let (status, saved) = app.send_json(coach, "PUT", &path, plan).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    // A colleague comments; the coach has not answered.
    let admin = app.api_as(ADMIN).await;
    let (status, comment) = app
        .send_json(
            &admin,
            "POST",
            &format!("{path}/comments"),
            json!({"body": "Has the employer been told?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    let quiet = followed(app, coach, "Stilte", 90).await;
    // We go to work lasts 24 months: 700 days in, the end is a month away.
    let ending = followed(app, coach, "Einde", 700).await;
    let (exited, left) = followed(app, coach, "Nazorg", 400).await;
    let exit = json!({"on": day(-200), "reason": "work", "situation": "in_employment"});
    let (status, body) = app
        .send_json(coach, "POST", &format!("/api/v1/trajectories/{left}/exit"), exit)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, file) = app.get_json(coach, &format!("/api/v1/participants/{exited}")).await;
    let check_in = file["check_ins"][0]["id"].as_str().unwrap().to_owned();
    // A session the coach led last week, someone enrolled and not yet marked.
    let maasland = app.organisation_id(MAASLAND).await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let coach_id = app.actor(COACH_LIMBURG).await.user_id;
    let series = json!({
        "programme_id": wgtw, "module": "module_2", "title": "Wishes and possibilities",
        "organisation_id": maasland, "online": true, "capacity": 10, "coach_id": coach_id,
        "first_date": day(-6), "start_time": "09:30", "minutes": 120, "sessions": 1, "weeks_between": 1
    });
    let (status, sessions) = app.send_json(coach, "POST", "/api/v1/session-series", series).await;
    assert_eq!(status, StatusCode::CREATED, "{sessions}");
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    let enrolled = quiet.0.clone();
    let (status, body) = app
        .send_json(
            coach,
            "POST",
            &format!("/api/v1/sessions/{session}/enrolments"),
            json!({"participant_id": enrolled, "rest_of_series": false}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    Work {
        step_trajectory,
        quiet,
        ending,
        exited,
        check_in,
        session,
        enrolled,
    }
}

#[tokio::test]
async fn a_coachs_worklist_links_each_item_to_its_work_and_drops_it_once_done() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let w = make_work(&app, &coach).await;
    let list = worklist(&app, &coach, "").await;
    let browser = app.english_browser_as(COACH_LIMBURG).await;

    // The step: the overdue one, with what it is and who does it, linked to the plan's editor.
    let steps = items(&list, "step", "trajectory_id", &w.step_trajectory);
    assert_eq!(steps.len(), 1, "the step due in 40 days is not due yet: {list}");
    assert_eq!(steps[0]["detail"], "Call the employer");
    assert_eq!(
        (steps[0]["owner"].as_str(), steps[0]["overdue"].as_bool()),
        (Some("participant"), Some(true))
    );
    let html = landing(&app, &browser, link(&list, "step", "trajectory_id", &w.step_trajectory)).await;
    assert!(
        html.contains("Call the employer") && html.contains("<form"),
        "the editor"
    );
    // The check-in six months after exit, overdue, on the file with its form.
    let html = landing(&app, &browser, link(&list, "check_in", "check_in_id", &w.check_in)).await;
    assert!(html.contains(&format!("action=\"/check-ins/{}\"", w.check_in)));
    // No contact for 90 days (the programme says 30), on the file with the contact form.
    let html = landing(&app, &browser, link(&list, "no_contact", "participant_id", &w.quiet.0)).await;
    assert!(html.contains(&format!("action=\"/participants/{}/contacts\"", w.quiet.0)));
    // Near the end, on the file where the trajectory ends.
    let ending = items(&list, "ending", "trajectory_id", &w.ending.1);
    assert_eq!(ending.len(), 1, "{list}");
    let html = landing(&app, &browser, ending[0]["link"].as_str().unwrap()).await;
    assert!(html.contains(&format!("action=\"/trajectories/{}/exit\"", w.ending.1)));
    // The session without attendance, on the session's page with the attendance form.
    let html = landing(&app, &browser, link(&list, "attendance", "session_id", &w.session)).await;
    assert!(html.contains(&format!("name=\"attendance-{}\"", w.enrolled)));
    // The comment, on the plan with its comments.
    let html = landing(
        &app,
        &browser,
        link(&list, "comment", "trajectory_id", &w.step_trajectory),
    )
    .await;
    assert!(html.contains("Has the employer been told?"));

    // The start page shows each kind, the soonest first; each kind's list shows them all, by
    // name and in words.
    let home = app.html(&browser, "/").await;
    for text in [
        "Attendance to record",
        "Action-plan steps due",
        "Plan comments waiting for an answer",
        "overdue",
    ] {
        assert!(home.contains(text), "{text} on the start page");
    }
    for (kind, text) in [
        ("step", "Werk Stappenplan: Call the employer (Participant)"),
        ("ending", "Werk Einde"),
        ("check_in", "Werk Nazorg"),
        ("no_contact", "Werk Stilte"),
        ("attendance", "Wishes and possibilities (1/1)"),
        ("comment", "Werk Stappenplan: Action plan"),
    ] {
        let html = app.html(&browser, &format!("/worklist?kind={kind}")).await;
        assert!(html.contains(text), "{text} on the list of {kind}");
    }

    // Doing the work takes each item off.
    let coach_id = app.actor(COACH_LIMBURG).await.user_id;
    let marks = json!({"marks": [{"participant_id": w.enrolled, "attendance": "present"}]});
    let (status, body) = app
        .send_json(
            &coach,
            "PUT",
            &format!("/api/v1/sessions/{}/attendance", w.session),
            marks,
        )
        .await;
    assert!(status.is_success(), "{body}");
    let done = json!({"done_on": day(0), "contact_made": true, "situation": "in_employment"});
    let (status, body) = app
        .send_json(&coach, "POST", &format!("/api/v1/check-ins/{}", w.check_in), done)
        .await;
    assert!(status.is_success(), "{body}");
    let contact =
        json!({"trajectory_id": w.quiet.1, "on": day(0), "minutes": 30, "mode": "phone", "topic": "How are you?"});
    let (status, body) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{}/contacts", w.quiet.0),
            contact,
        )
        .await;
    assert!(status.is_success(), "{body}");
    let path = format!("/api/v1/trajectories/{}/plans/action", w.step_trajectory);
    let (_, current) = app.get_json(&coach, &path).await;
    let mut goals = current["content"]["goals"].clone();
    goals[0]["steps"][0]["status"] = json!("done");
    let (status, body) = app
        .send_json(&coach, "PUT", &path, json!({"base_version": 1, "goals": goals}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .send_json(
            &coach,
            "POST",
            &format!("{path}/comments"),
            json!({"body": "Yes, on Monday."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let after = worklist(&app, &coach, "").await;
    assert!(items(&after, "attendance", "session_id", &w.session).is_empty());
    assert!(items(&after, "check_in", "check_in_id", &w.check_in).is_empty());
    assert!(items(&after, "no_contact", "participant_id", &w.quiet.0).is_empty());
    assert!(items(&after, "step", "trajectory_id", &w.step_trajectory).is_empty());
    assert!(items(&after, "comment", "trajectory_id", &w.step_trajectory).is_empty());
    assert!(
        !items(&after, "ending", "trajectory_id", &w.ending.1).is_empty(),
        "still to do"
    );
    // Still listed elsewhere: the check-in done is on the file, not on the list.
    let _ = (coach_id, &w.exited);
}

/// (trajectory, coach, region, started, ends by, ended) of every trajectory.
async fn trajectories(
    app: &TestApp,
) -> Vec<(
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
)> {
    let mut conn = app.db.conn().await.unwrap();
    let sql = "SELECT id, coach_id, region_id, started_on, ends_by, ended_on FROM trajectories";
    onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap()
}

#[tokio::test]
async fn each_role_sees_its_own_work_and_a_funder_no_names() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let w = make_work(&app, &coach).await;
    let all = trajectories(&app).await;
    let coach_id = app.actor(COACH_LIMBURG).await.user_id;
    let whose = |t: &Value| {
        all.iter()
            .find(|r| Some(r.0.to_string().as_str()) == t.as_str())
            .unwrap()
    };

    // Another coach of the same region and partners sees none of it, and only their own people.
    let other = app.api_as(OTHER_COACH).await;
    let theirs = worklist(&app, &other, "").await;
    for item in theirs["items"].as_array().unwrap() {
        if !item["trajectory_id"].is_null() {
            assert_ne!(whose(&item["trajectory_id"]).1, Some(coach_id), "{item}");
        }
        assert_ne!(item["session_id"], json!(w.session));
    }
    let mine = worklist(&app, &coach, "").await;
    for item in mine["items"].as_array().unwrap() {
        if !item["trajectory_id"].is_null() {
            assert_eq!(whose(&item["trajectory_id"]).1, Some(coach_id), "{item}");
        }
    }

    // The coordinator: their region counted; the count of trajectories near their end is what
    // the duration rule says of the region's running trajectories.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let region: Uuid = app.region_id("limburg").await.parse().unwrap();
    let counted = worklist(&app, &coordinator, "&kind=ending").await;
    assert_eq!(counted["counted"], true);
    let expected = all
        .iter()
        .filter(|r| r.2 == Some(region) && r.5.is_none())
        .filter(|r| duration_status(r.3, r.4, today()) != DurationStatus::Within)
        .count();
    assert!(expected > 0);
    assert_eq!(counted["counts"][0]["count"], json!(expected), "{counted}");
    for item in counted["items"].as_array().unwrap() {
        assert_eq!(whose(&item["trajectory_id"]).2, Some(region), "{item}");
    }
    let home = app.html(&app.english_browser_as(COORDINATOR_LIMBURG).await, "/").await;
    assert!(home.contains("To do in your region") && home.contains("href=\"/worklist?kind=step\""));
    assert!(
        home.contains("Figures against the agreements&#39; targets")
            || home.contains("Figures against the agreements' targets")
    );
    assert!(!home.contains("Werk Einde"), "counted, not named");

    // The funder: no worklist, no names; the start page leads to the figures.
    let funder = app.api_as(FUNDER).await;
    let (status, problem) = app.get_json(&funder, "/api/v1/worklist").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let page = app.html(&app.english_browser_as(FUNDER).await, "/").await;
    assert!(page.contains("href=\"/dashboard\"") && page.contains("href=\"/esf\""));
    assert!(!page.contains("Werk ") && !page.contains("Attendance to record"));

    // The peer expert: only sessions.
    let peer = app.api_as(PEER).await;
    let list = worklist(&app, &peer, "").await;
    let kinds: Vec<&str> = list["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["session", "attendance"]);

    // Bad input, said field by field.
    let (status, problem) = app.get_json(&coach, "/api/v1/worklist?kind=holiday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "kind", "invalid-choice"), "{problem}");
    let (status, problem) = app.get_json(&coach, "/api/v1/worklist?limit=0").await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && has_error(&problem, "limit", "out-of-range"));
    let response = app
        .english_browser_as(COACH_LIMBURG)
        .await
        .get(app.url("/worklist?kind=step"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Werk Stappenplan"));
}

#[tokio::test]
async fn the_coachs_worklist_reads_indexes_only() {
    if on_postgres() {
        return; // The plan is checked on SQLite, whose planner does not weigh table sizes.
    }
    let app = TestApp::spawn().await;
    let actor = app.actor(COACH_LIMBURG).await;
    let scope = onramp_domain::policy::worklist_scope(&actor).trajectories;
    let mut conn = app.db.conn().await.unwrap();
    use onramp_domain::worklist::Kind;
    for kind in [Kind::Step, Kind::CheckIn, Kind::NoContact, Kind::Ending] {
        let plan = onramp_store::worklist::explain(&mut conn, scope, &actor, kind, today())
            .await
            .unwrap();
        let text = plan.join("\n");
        assert!(text.contains("USING") && text.contains("INDEX"), "{kind}: {text}");
        assert!(
            !plan.iter().any(|l| l.starts_with("SCAN t") && !l.contains("INDEX")),
            "{kind} reads the table: {text}"
        );
    }
    let plan = onramp_store::worklist::explain_comments(&mut conn, scope, &actor)
        .await
        .unwrap();
    assert!(
        !plan.iter().any(|l| l.starts_with("SCAN") && !l.contains("INDEX")),
        "{plan:?}"
    );
}
