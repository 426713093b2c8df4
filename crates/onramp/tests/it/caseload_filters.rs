//! The caseload's action-plan steps due, its filter "no contact for N days" and its next page,
//! which keeps every filter (issue 23).

use crate::caseload::today;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{Days, NaiveDate};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";

/// A participant of the Limburg coach with a trajectory started `days_ago` at Maasland (at
/// `location` when given); returns (participant, trajectory).
async fn followed(
    app: &TestApp,
    coach: &Client,
    last: &str,
    days_ago: u64,
    location: Option<&str>,
) -> (String, String) {
    let maasland = app.organisation_id(MAASLAND).await;
    let id = register(app, coach, &maasland, "Stap", last, "1980-05-05").await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let mut body = json!({"programme_id": wgtw, "organisation_id": maasland,
        "started_on": (today() - Days::new(days_ago)).to_string()});
    if let Some(location) = location {
        body["location_id"] = json!(location);
    }
    let trajectory = app.start_trajectory(coach, &id, body).await;
    (id, trajectory["id"].as_str().unwrap().to_owned())
}

fn day(offset: i64) -> String {
    (today() + chrono::Duration::days(offset)).to_string()
}

/// The caseload row of a trajectory, from the API's list with `query`.
async fn row(app: &TestApp, client: &Client, query: &str, trajectory: &str) -> Option<Value> {
    let (status, page) = app
        .get_json(client, &format!("/api/v1/caseload?limit=200&{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["trajectory_id"] == trajectory)
        .cloned()
}

/// Every trajectory the caseload lists for `query`, across its pages.
async fn listed(app: &TestApp, client: &Client, query: &str) -> BTreeSet<Uuid> {
    let mut ids = BTreeSet::new();
    let mut after = String::new();
    loop {
        let path = format!("/api/v1/caseload?limit=200&{query}{after}");
        let (status, page) = app.get_json(client, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        for r in page["rows"].as_array().unwrap() {
            assert!(
                ids.insert(r["trajectory_id"].as_str().unwrap().parse().unwrap()),
                "listed twice"
            );
        }
        match page["next"].as_str() {
            Some(cursor) => after = format!("&after={}", urlencode(cursor)),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn action_plan_steps_due_show_on_the_caseload_and_filter_it() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, t) = followed(&app, &coach, "Stappenplan", 40, None).await;
    let plan = json!({"base_version": 0, "goals": [{"title": "Back to work", "steps": [
        {"description": "Call the employer", "owner": "participant", "due_on": day(-2)},
        {"description": "Visit the workplace", "owner": "coach", "due_on": day(3), "status": "in_progress"},
        {"description": "Try two mornings", "owner": "participant", "due_on": day(30)},
        {"description": "Ask the doctor", "owner": "participant", "due_on": day(-5), "status": "done"},
        {"description": "Undated", "owner": "participant"}
    ]}]});
    let path = format!("/api/v1/trajectories/{t}/plans/action");
    let (status, saved) = app.send_json(&coach, "PUT", &path, plan).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    // Due: the overdue step and the one due in three days; not the one in a month, nor the done one.
    let r = row(&app, &coach, "", &t).await.expect("on the caseload");
    assert_eq!(
        (r["steps_due"].as_i64(), r["steps_overdue"].as_i64()),
        (Some(2), Some(1))
    );
    assert!(row(&app, &coach, "steps_due=true", &t).await.is_some());

    // The filter keeps exactly the trajectories with an open step due within seven days.
    let scope = listed(&app, &coach, "status=all").await;
    let mut conn = app.db.conn().await.unwrap();
    let sql = "SELECT DISTINCT trajectory_id FROM action_steps_open WHERE due_on <= $1";
    let due: Vec<Uuid> = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql)
        .bind(today() + Days::new(7)).fetch_all(c).await)
    .unwrap();
    drop(conn);
    let expected: BTreeSet<Uuid> = due.into_iter().filter(|id| scope.contains(id)).collect();
    assert!(!expected.is_empty());
    assert_eq!(listed(&app, &coach, "status=all&steps_due=true").await, expected);

    // The page shows the count, the overdue ones marked, linked to the plan.
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let html = browser
        .get(app.url("/caseload?q=stappenplan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Action-plan steps due"), "the column");
    assert!(
        html.contains(&format!(
            "<a href=\"/trajectories/{t}/plans/action\">2 due</a> <strong class=\"warning\">1 overdue</strong>"
        )),
        "{html}"
    );
    assert!(html.contains("name=\"steps_due\""), "the filter is on the form");

    // The next version: the late step done, the other moved on. Nothing falls due any more.
    let (_, current) = app.get_json(&coach, &path).await;
    let mut goals = current["content"]["goals"].clone();
    for step in goals[0]["steps"].as_array_mut().unwrap() {
        match step["description"].as_str().unwrap() {
            "Call the employer" => step["status"] = json!("done"),
            "Visit the workplace" => step["due_on"] = json!(day(20)),
            _ => {}
        }
    }
    let (status, saved) = app
        .send_json(&coach, "PUT", &path, json!({"base_version": 1, "goals": goals}))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let r = row(&app, &coach, "", &t).await.unwrap();
    assert_eq!(
        (r["steps_due"].as_i64(), r["steps_overdue"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(row(&app, &coach, "steps_due=true", &t).await.is_none());
    assert_eq!(
        count(&app.db, STALE_NEXT_STEPS).await,
        0,
        "the soonest open step is kept on each trajectory"
    );
}

/// Records a coaching contact as the application does (the contact moves "last contact").
async fn contact(app: &TestApp, participant: &str, trajectory: &str, on: NaiveDate) {
    use onramp_domain::activities::{CoachingContactInput, ContactMode};
    let coach = app.actor(COACH_LIMBURG).await.user_id;
    let input = CoachingContactInput {
        trajectory_id: trajectory.parse().unwrap(),
        on,
        minutes: 45,
        mode: ContactMode::InPerson,
        place: None,
        topic: "Work".into(),
        notes: None,
        next_step: None,
    };
    let place = onramp_store::coaching::ContactPlace {
        participant_id: participant.parse().unwrap(),
        organisation_id: app.organisation_id(MAASLAND).await.parse().unwrap(),
        location_id: None,
        coach_id: coach,
    };
    let mut tx = app.db.begin().await.unwrap();
    onramp_store::coaching::record_contact(&mut tx, &input, place, coach)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// (trajectory, programme, last contact or start) of every trajectory.
async fn quiet_since(app: &TestApp) -> Vec<(Uuid, Uuid, NaiveDate)> {
    let mut conn = app.db.conn().await.unwrap();
    let sql = "SELECT id, programme_id, COALESCE(last_contact_on, started_on) FROM trajectories";
    onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap()
}

#[tokio::test]
async fn no_contact_for_n_days_keeps_those_without_a_contact_since() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    // Forty days in, no contact yet; then a contact a week ago for a second person.
    let (_, silent) = followed(&app, &coach, "Stilte", 40, None).await;
    let (spoken_to, spoken) = followed(&app, &coach, "Gesprek", 40, None).await;
    contact(&app, &spoken_to, &spoken, today() - Days::new(7)).await;
    assert!(row(&app, &coach, "no_contact_days=30", &silent).await.is_some());
    assert!(row(&app, &coach, "no_contact_days=30", &spoken).await.is_none());
    assert!(row(&app, &coach, "no_contact_days=5", &spoken).await.is_some());

    let scope = listed(&app, &coach, "status=all").await;
    let all = quiet_since(&app).await;
    let keep = |cutoff: &dyn Fn(Uuid) -> Option<NaiveDate>| -> BTreeSet<Uuid> {
        all.iter()
            .filter(|(id, programme, since)| scope.contains(id) && cutoff(*programme).is_some_and(|c| *since <= c))
            .map(|(id, _, _)| *id)
            .collect()
    };
    for days in [1, 14, 30, 90, 400] {
        let expected = keep(&|_| Some(today() - Days::new(days)));
        assert_eq!(
            listed(&app, &coach, &format!("status=all&no_contact_days={days}")).await,
            expected,
            "{days} days"
        );
    }

    // Without a number: each programme's own setting (30 days, 14 for Boost2work), which
    // administrators change where programmes are edited.
    let wgtw: Uuid = programme_id(&app, &coach, "we-go-to-work").await.parse().unwrap();
    let boost: Uuid = programme_id(&app, &coach, "boost2work").await.parse().unwrap();
    let admin = app.api_as(ADMIN).await;
    let (_, programme) = app.get_json(&admin, &format!("/api/v1/programmes/{boost}")).await;
    assert_eq!((programme["no_contact_days"].as_i64()), Some(14));
    let by_setting = |wgtw_days: u64, boost_days: u64| {
        keep(&move |p| {
            let days = if p == wgtw {
                wgtw_days
            } else if p == boost {
                boost_days
            } else {
                return None;
            };
            Some(today() - Days::new(days))
        })
    };
    let expected = by_setting(30, 14);
    assert_ne!(expected, by_setting(30, 30), "the settings make a difference here");
    assert_eq!(listed(&app, &coach, "status=all&no_contact=true").await, expected);
    let (status, saved) = app
        .send_json(&admin, "PUT", &format!("/api/v1/programmes/{wgtw}"), {
            let (_, w) = app.get_json(&admin, &format!("/api/v1/programmes/{wgtw}")).await;
            let mut w = w;
            w["no_contact_days"] = json!(60);
            w
        })
        .await;
    assert_eq!(
        (status, saved["no_contact_days"].as_i64()),
        (StatusCode::OK, Some(60)),
        "{saved}"
    );
    assert_eq!(
        listed(&app, &coach, "status=all&no_contact=true").await,
        by_setting(60, 14)
    );
    // An update that leaves the setting out keeps it.
    let (_, w) = app.get_json(&admin, &format!("/api/v1/programmes/{wgtw}")).await;
    let mut without = w.clone();
    without.as_object_mut().unwrap().remove("no_contact_days");
    let (status, saved) = app
        .send_json(&admin, "PUT", &format!("/api/v1/programmes/{wgtw}"), without)
        .await;
    assert_eq!((status, saved["no_contact_days"].as_i64()), (StatusCode::OK, Some(60)));
    let mut bad = w;
    bad["no_contact_days"] = json!(0);
    let (status, problem) = app
        .send_json(&admin, "PUT", &format!("/api/v1/programmes/{wgtw}"), bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "no_contact_days", "out-of-range"), "{problem}");

    // A number of days that does not read is named, in the API and on the page.
    for (value, code) in [
        ("0", "out-of-range"),
        ("3651", "out-of-range"),
        ("a week", "invalid-number"),
    ] {
        let (status, problem) = app
            .get_json(
                &coach,
                &format!("/api/v1/caseload?no_contact_days={}", urlencode(value)),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{value}");
        assert!(has_error(&problem, "no_contact_days", code), "{value}: {problem}");
    }
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let response = browser
        .get(app.url("/caseload?no_contact=true&no_contact_days=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-no_contact_days\""), "the error sits at its field");
    assert!(html.contains("aria-invalid=\"true\""));
    let html = browser
        .get(app.url("/caseload"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("name=\"no_contact_days\"") && html.contains("Boost2work 14"),
        "{html}"
    );
}

/// The href of the page's rel="next" link, unescaped.
fn next_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn the_next_page_keeps_every_filter() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let (_, organisation) = app.get_json(&coach, &format!("/api/v1/organisations/{maasland}")).await;
    let location = organisation["locations"][0]["id"].as_str().unwrap().to_owned();
    let location_name = organisation["locations"][0]["name"].as_str().unwrap().to_owned();
    // More than a page (50) in the first phase at one location, long without contact.
    for i in 0..52 {
        followed(&app, &coach, &format!("Bladzijde{i:02}"), 60, Some(&location)).await;
    }
    let region = app.region_id("limburg").await;
    let coordinator = app.english_browser_as(COORDINATOR_LIMBURG).await;
    let query = format!(
        "phase=contact&location_id={location}&region_id={region}&organisation_id={maasland}&no_contact_days=45&status=active&sort=name"
    );
    let html = coordinator
        .get(app.url(&format!("/caseload?{query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let next = next_link(&html).expect("a next page");
    for kept in [
        "phase=contact".to_owned(),
        format!("location_id={location}"),
        format!("region_id={region}"),
        format!("organisation_id={maasland}"),
        "no_contact_days=45".to_owned(),
        "status=active".to_owned(),
        "sort=name".to_owned(),
        "after=".to_owned(),
    ] {
        assert!(next.contains(&kept), "{kept} kept in {next}");
    }
    // The second page holds only what the filters keep.
    let response = coordinator.get(app.url(&next)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let body = &html[html.find("<tbody>").expect("rows")..html.find("</tbody>").unwrap()];
    let rows = body.matches("<tr>").count();
    assert!(rows >= 2, "{body}");
    assert_eq!(
        body.matches(&format!(" · {location_name}</td>")).count(),
        rows,
        "{body}"
    );
    // The filters show as chosen on the form of the next page too.
    assert!(
        html.contains(&format!("<option value=\"{location}\" selected>")),
        "location kept on the form"
    );
    assert!(
        html.contains(&format!("<option value=\"{region}\" selected>")),
        "region kept on the form"
    );
    assert!(
        html.contains("<option value=\"contact\" selected>"),
        "phase kept on the form"
    );
    assert!(html.contains("value=\"45\""), "days kept on the form");
}

/// The migration's statements that fill the open steps from the stored plans (0027), run again
/// on the demo's plans, give what the application keeps with each version.
#[tokio::test]
async fn the_migration_fills_the_open_steps_as_the_application_keeps_them() {
    let test = TestDb::with_demo().await;
    let engine = if on_postgres() { "postgres" } else { "sqlite" };
    let file = format!(
        "{}/../../migrations/{engine}/0027_caseload_steps_and_dashboard_scopes.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(file).unwrap();
    let statement = |starts: &str| {
        let from = text.find(starts).unwrap_or_else(|| panic!("{starts}"));
        text[from..from + text[from..].find(';').unwrap()].to_owned()
    };
    let fill = statement("INSERT INTO action_steps_open");
    let next = statement("UPDATE trajectories");
    let read = "SELECT trajectory_id, due_on, step_id FROM action_steps_open ORDER BY trajectory_id, due_on, step_id";
    let dates = "SELECT id, next_step_due_on FROM trajectories WHERE next_step_due_on IS NOT NULL ORDER BY id";
    let mut conn = test.db.conn().await.unwrap();
    let kept: Vec<(Uuid, NaiveDate, String)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(read).fetch_all(c).await).unwrap();
    let kept_dates: Vec<(Uuid, NaiveDate)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(dates).fetch_all(c).await).unwrap();
    drop(conn);
    assert!(
        kept.len() > 10,
        "the demo's plans have open dated steps: {}",
        kept.len()
    );
    let mut tx = test.db.begin().await.unwrap();
    for sql in [
        "DELETE FROM action_steps_open",
        "UPDATE trajectories SET next_step_due_on = NULL",
        &fill,
        &next,
    ] {
        onramp_store::run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|r| r.rows_affected()))
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut conn = test.db.conn().await.unwrap();
    let filled: Vec<(Uuid, NaiveDate, String)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(read).fetch_all(c).await).unwrap();
    let filled_dates: Vec<(Uuid, NaiveDate)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(dates).fetch_all(c).await).unwrap();
    assert_eq!(filled, kept);
    assert_eq!(filled_dates, kept_dates);
}

/// With "steps due", a first page walks the scope's partial index of trajectories with an open
/// dated step (migration 0027), after `ANALYZE` on generated data, where three in five have a plan:
/// not the whole scope's names, nor the steps table.
#[tokio::test]
async fn the_steps_due_filter_walks_its_partial_index_after_analyze() {
    use onramp_store::caseload::{self, Filter, Status, StepsDue};
    let test = TestDb::generated(3000, 7).await;
    let mut conn = test.db.conn().await.unwrap();
    let today = today();
    for (email, index) in [
        ("coach00000@onramp.generated", "trajectories_coach_steps_due"),
        ("coordinator.limburg@onramp.generated", "trajectories_region_steps_due"),
    ] {
        let actor = test.actor(email).await;
        for status in [Status::Active, Status::All] {
            let filter = Filter {
                status,
                steps: Some(StepsDue {
                    today,
                    due_by: today + Days::new(7),
                }),
                steps_due: true,
                ..Filter::default()
            };
            let plan = caseload::plan(&mut conn, &actor, &filter, 51).await.unwrap().join("\n");
            assert!(plan.contains(index), "{email}, {status:?}: walks {index}\n{plan}");
            let rows = caseload::page(&mut conn, &actor, &filter, 50).await.unwrap();
            assert!(!rows.is_empty(), "{email}: generated plans fall due");
            assert!(rows.iter().all(|r| r.steps_due > 0), "{email}");
        }
    }
}
