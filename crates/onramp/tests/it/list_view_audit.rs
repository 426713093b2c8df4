//! The caseload page's list entry (docs/privacy.md): written beside the rest of the page, it
//! names exactly the people the page shows, and a page whose entry cannot be written is not
//! answered.

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

/// Makes the database refuse every new `caseload.list` entry, as a full disk would.
async fn refuse_list_entries(app: &TestApp) {
    let mut conn = app.db.write_alone().await.unwrap();
    let statements: &[&str] = if on_postgres() {
        &[
            "CREATE FUNCTION refuse_list_entries() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.action = 'caseload.list' THEN RAISE EXCEPTION 'refused by the test'; END IF;
             RETURN NEW; END $$",
            "CREATE TRIGGER refuse_list_entries BEFORE INSERT ON audit_log
             FOR EACH ROW EXECUTE FUNCTION refuse_list_entries()",
        ]
    } else {
        &["CREATE TRIGGER refuse_list_entries BEFORE INSERT ON audit_log
           WHEN NEW.action = 'caseload.list' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"]
    };
    for sql in statements {
        onramp_store::run!(&mut conn, c => sqlx::query(*sql).execute(c).await.map(|_| ())).unwrap();
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

    refuse_list_entries(&app).await;
    let response = coach.get(app.url("/caseload")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(
        !body.contains(&someone),
        "the people read for the page are not shown without their entry"
    );
    // The rest of the application still writes: a file read is audited and answered.
    let (status, _) = app
        .get_json(
            &app.api_as(COACH_LIMBURG).await,
            &format!("/api/v1/participants/{someone}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}
