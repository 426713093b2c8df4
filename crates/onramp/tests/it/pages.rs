//! Pages in three languages, the stylesheet, and the OpenAPI document.

use crate::support::*;
use reqwest::StatusCode;

async fn login_page(app: &TestApp, accept_language: &str) -> String {
    let response = TestApp::client()
        .get(app.url("/login"))
        .header("accept-language", accept_language)
        .send()
        .await
        .unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_browser_language_picks_the_first_interface_language() {
    let app = TestApp::spawn().await;
    let fr = login_page(&app, "fr-BE,fr;q=0.9,en;q=0.5").await;
    assert!(fr.contains("<html lang=\"fr\">"));
    let nl = login_page(&app, "nl-BE").await;
    assert!(nl.contains("<html lang=\"nl\">"));
    let en = login_page(&app, "en-GB,en").await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Sign in"));
    let unknown = login_page(&app, "de-DE").await;
    assert!(unknown.contains("<html lang=\"nl\">"), "Dutch when nothing matches");
    assert_ne!(fr, nl);
    assert_ne!(
        fr.replace("lang=\"fr\"", ""),
        en.replace("lang=\"en\"", ""),
        "French text differs from English"
    );
}

#[tokio::test]
async fn the_language_switch_works_before_sign_in() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.url("/language"))
        .form(&[("csrf", csrf.as_str()), ("language", "en"), ("next", "/login")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = client
        .get(app.url("/login"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<html lang=\"en\">"),
        "the choice beats the browser's default"
    );
    let response = client
        .post(app.url("/language"))
        .form(&[("csrf", csrf.as_str()), ("language", "xx")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn pages_are_labelled_for_assistive_technology() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    for path in [
        "/",
        "/organisations",
        "/organisations/new",
        "/regions",
        "/users",
        "/users/new",
        "/audit",
        "/account",
    ] {
        let response = browser
            .get(app.url(path))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("<a class=\"skip-link\" href=\"#main\">"),
            "{path}: skip link"
        );
        assert!(html.contains("<main id=\"main\""), "{path}: main landmark");
        assert!(html.contains("<h1>") || html.contains("<h1 "), "{path}: a heading");
        let scripts = html.matches("<script").count();
        let served = html.matches("<script src=\"/static/").count();
        assert!(
            !html.contains("style=\"") && scripts == served,
            "{path}: no inline style or script (only the served scripts)"
        );
        // Every input other than hidden ones has a label pointing at it.
        for piece in html.split("<input ").skip(1) {
            let tag = piece.split('>').next().unwrap();
            if tag.contains("type=\"hidden\"") {
                continue;
            }
            let id = tag
                .split("id=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "{path}: input {id} has no label"
            );
        }
    }
    let css = browser.get(app.url("/static/app.css")).send().await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains(":focus-visible"));
}

#[tokio::test]
async fn unknown_pages_and_records_give_a_404_page() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    for path in [
        "/organisations/not-a-uuid",
        "/users/00000000-0000-0000-0000-000000000000",
    ] {
        let response = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

/// A failed page is rendered once, by the pages' error layer, in the language of whoever asked:
/// the handler only says what went wrong.
#[tokio::test]
async fn error_pages_speak_the_language_of_the_request() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(COACH_LIMBURG).await;
    let missing = "/participants/00000000-0000-0000-0000-000000000000";
    let page = |client: &reqwest::Client, path: &str| {
        let request = client.get(app.url(path));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let html_type = response.headers()[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html");
            (status, html_type, response.text().await.unwrap())
        }
    };
    let (status, html_type, html) = page(&browser, missing).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html_type, "an HTML page, not a bare status");
    assert!(html.contains("Deze pagina of dit gegeven bestaat niet"), "{html}");
    let (status, _, html) = page(&browser, "/participants/not-an-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Deze pagina of dit gegeven bestaat niet"));

    // The same refusals in French once the account speaks French.
    let api = app.api_as(COACH_LIMBURG).await;
    let body = serde_json::json!({"display_name": "Sofie Maes", "language": "fr"});
    let (status, answer) = app.send_json(&api, "PATCH", "/api/v1/me", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, _, html) = page(&browser, missing).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Cette page ou cette donnée"), "{html}");
    // A form without its anti-forgery token is refused by the check before any handler runs.
    let response = browser
        .post(app.url("/account/preferences"))
        .form(&[("display_name", "x"), ("language", "nl")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("autorisé à faire ceci"));
}

/// The served document is the one in `docs/openapi.json`; `UPDATE_SNAPSHOTS=1` rewrites it.
#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let app = TestApp::spawn().await;
    let response = TestApp::client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let document: serde_json::Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/sessions",
        "/api/v1/organisations/{id}",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/me/tokens",
    ] {
        assert!(document["paths"].get(path).is_some(), "{path} documented");
    }
    let pretty = serde_json::to_string_pretty(&document).unwrap() + "\n";
    let snapshot = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&snapshot, &pretty).unwrap();
    }
    let stored = std::fs::read_to_string(&snapshot).expect("docs/openapi.json exists (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(
        stored, pretty,
        "the API changed: review and run with UPDATE_SNAPSHOTS=1"
    );
}

/// A form that failed says so first: the title starts with "Error:" in the reader's language, each
/// link of the error summary names its field, the summary can take the focus, and the script that
/// moves it there is served from the site itself (the page works without it).
#[tokio::test]
async fn a_failed_form_titles_the_page_as_an_error_and_names_each_field_in_its_summary() {
    let app = TestApp::spawn().await;
    for (language, prefix, label) in [("nl", "Fout:", "Voornaam"), ("en", "Error:", "First name")] {
        // Dutch first: the English browser sets English in the account for good.
        let page = match language {
            "en" => app.english_browser_as(COACH_LIMBURG).await,
            _ => app.browser_as(COACH_LIMBURG).await,
        };
        let csrf = app.csrf(&page, "/participants/new").await;
        let response = page
            .post(app.url("/participants/new"))
            .header("accept-language", language)
            .form(&[("csrf", csrf.as_str()), ("first_name", ""), ("last_name", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("<title>{prefix} ")), "{language}: {html}");
        let summary = &html[html.find("class=\"error-summary\"").expect("a summary")..];
        let summary = &summary[..summary.find("</div>").unwrap()];
        assert!(summary.contains("tabindex=\"-1\""), "{summary}");
        let first = summary
            .find("href=\"#f-first_name\">")
            .expect("a link to the first name");
        assert!(summary[first..].contains(&format!(">{label}")), "{language}: {summary}");
    }
    let ok = app.browser_as(COACH_LIMBURG).await;
    let html = app.html(&ok, "/caseload").await;
    assert!(
        !html.contains("<title>Error:"),
        "a page without errors is titled as usual"
    );
    let script = ok.get(app.url("/static/app.js")).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.text().await.unwrap().contains(".error-summary"));
}
