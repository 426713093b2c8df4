//! The caseload page's list entry and a file's read entry (docs/privacy.md): written beside the
//! rest of the page, the list entry names exactly the people the page shows, and a page or a file
//! whose entry cannot be written is not answered.

use crate::support::*;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// The participants a caseload page links to: its rows and the check-ins due above them.
fn people_on(html: &str) -> BTreeSet<String> {
    html.split("href=\"/participants/")
        .skip(1)
        .map(|rest| rest.chars().take(36).collect::<String>())
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .collect()
}

/// Makes the database refuse every new entry of `action`, as a full disk would.
async fn refuse_entries(app: &TestApp, action: &str) {
    let mut conn = app.db.write_alone().await.unwrap();
    let statements = if on_postgres() {
        vec![
            format!(
                "CREATE FUNCTION refuse_entries() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.action = '{action}' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                 RETURN NEW; END $$"
            ),
            "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_log
             FOR EACH ROW EXECUTE FUNCTION refuse_entries()"
                .to_owned(),
        ]
    } else {
        vec![format!(
            "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_log
             WHEN NEW.action = '{action}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )]
    };
    for sql in statements {
        // The test's own statements.
        onramp_store::run!(&mut conn, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).execute(c).await.map(|_| ()))
            .unwrap();
    }
}

#[tokio::test]
async fn the_caseload_page_names_in_its_entry_everyone_it_shows() {
    let app = TestApp::spawn().await;
    let coach = app.browser_as(COACH_LIMBURG).await;
    let before = app.audit("caseload.list").await.len();
    let html = app.html(&coach, "/caseload").await;
    let shown = people_on(&html);
    assert!(shown.len() >= 2, "the demo coach's caseload shows people");

    let entries = app.audit("caseload.list").await;
    assert_eq!(entries.len(), before + 1, "one entry for the page");
    let entry = &entries[0];
    let named: BTreeSet<String> = entry
        .subjects
        .as_deref()
        .unwrap_or_default()
        .split(' ')
        .map(str::to_owned)
        .collect();
    assert_eq!(named, shown, "the entry names exactly the people the page shows");
    assert_eq!(entry.actor_label, COACH_LIMBURG);
}

#[tokio::test]
async fn a_caseload_page_whose_entry_cannot_be_written_is_not_answered() {
    let app = TestApp::spawn().await;
    let coach = app.browser_as(COACH_LIMBURG).await;
    let html = app.html(&coach, "/caseload").await;
    let shown = people_on(&html);
    let someone = shown.iter().next().expect("someone on the page").clone();

    refuse_entries(&app, "caseload.list").await;
    let response = coach.get(app.url("/caseload")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(
        !body.contains(&someone),
        "the people read for the page are not shown without their entry"
    );
    // The API's caseload neither.
    let api = app.api_as(COACH_LIMBURG).await;
    let response = api.get(app.url("/api/v1/caseload?limit=50")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !response.text().await.unwrap().contains(&someone),
        "no rows without their entry"
    );
    // The rest of the application still writes: a file read is audited and answered.
    let (status, _) = app.get_json(&api, &format!("/api/v1/participants/{someone}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_file_whose_read_entry_cannot_be_written_is_not_answered() {
    let app = TestApp::spawn().await;
    let api = app.api_as(COACH_LIMBURG).await;
    let coach = app.browser_as(COACH_LIMBURG).await;
    let html = app.html(&coach, "/caseload").await;
    let someone = people_on(&html).into_iter().next().expect("someone on the page");
    let path = format!("/api/v1/participants/{someone}");
    let (status, file) = app.get_json(&api, &path).await;
    assert_eq!(status, StatusCode::OK);
    let name = file["participant"]["last_name"]
        .as_str()
        .expect("a last name")
        .to_owned();
    let reads = app.audit("participant.read").await.len();

    refuse_entries(&app, "participant.read").await;
    let response = api.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !response.text().await.unwrap().contains(&name),
        "no file without its entry"
    );
    let page = coach
        .get(app.url(&format!("/participants/{someone}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!page.text().await.unwrap().contains(&name), "no page without its entry");
    assert_eq!(app.audit("participant.read").await.len(), reads, "no entry was written");
    // The caseload, whose entries still go in, is still answered.
    assert_eq!(
        coach.get(app.url("/caseload")).send().await.unwrap().status(),
        StatusCode::OK
    );
}
