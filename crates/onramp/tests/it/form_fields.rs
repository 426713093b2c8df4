//! Every field of a form that records something says whether it may be left empty: "(optional)"
//! in the label of each field without `required`, no mark on required ones (GOV.UK style). Search
//! filters are optional by nature and carry no mark. The intake explains the fields that later
//! decide the programme's warnings.

use crate::content_language::{speak, visible_text};
use crate::support::*;
use reqwest::Client;
use serde_json::Value;

/// One field of a form: its tag (`input`, `select`, `textarea`), opening tag and label text.
struct Control {
    tag: &'static str,
    opening: String,
    label: String,
}

fn attribute(opening: &str, name: &str) -> Option<String> {
    let start = opening.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(opening[start..].split('"').next()?.to_owned())
}

fn has_flag(opening: &str, name: &str) -> bool {
    opening
        .split(|c: char| c.is_whitespace() || c == '>')
        .any(|word| word == name || word.starts_with(&format!("{name}=")))
}

/// The fields of the forms with `method` on a page that someone fills in: not hidden, read-only,
/// ticked or pressed, and not a choice that always holds a value (a select without an empty option).
fn controls(page: &str, method: &str) -> Vec<Control> {
    let mut found = Vec::new();
    let opening = format!("<form method=\"{method}\"");
    for form in page.split(&opening).skip(1) {
        let form = &form[..form.find("</form>").unwrap_or(form.len())];
        for tag in ["input", "select", "textarea"] {
            for piece in form.split(&format!("<{tag} ")).skip(1) {
                let opening = format!(" {}", &piece[..piece.find('>').unwrap_or(piece.len())]);
                let kind = attribute(&opening, "type").unwrap_or_default();
                let fixed = ["hidden", "checkbox", "radio", "submit", "button"].contains(&kind.as_str());
                let always_chosen = tag == "select" && !piece.contains("<option value=\"\">");
                if fixed || always_chosen || has_flag(&opening, "readonly") {
                    continue;
                }
                let id = attribute(&opening, "id").unwrap_or_else(|| panic!("a field without id: {opening}"));
                let label_at = page
                    .find(&format!("<label for=\"{id}\""))
                    .unwrap_or_else(|| panic!("no label for {id}"));
                let label = &page[label_at..];
                let label = visible_text(&label[..label.find("</label>").unwrap()]);
                found.push(Control { tag, opening, label });
            }
        }
    }
    found
}

/// Each recording form's field is marked optional exactly when it is not required; the filters
/// carry no mark. Returns how many fields were checked.
fn check_page(path: &str, page: &str, mark: &str) -> usize {
    let fields = controls(page, "post");
    for c in &fields {
        let required = has_flag(&c.opening, "required");
        let marked = c.label.contains(mark);
        assert!(
            required != marked,
            "{path}: the {} labelled {:?} is {} and {}",
            c.tag,
            c.label.trim(),
            if required { "required" } else { "optional" },
            if marked { "marked optional" } else { "not marked" }
        );
    }
    for c in controls(page, "get") {
        assert!(
            !c.label.contains(mark),
            "{path}: the filter {:?} is marked",
            c.label.trim()
        );
    }
    fields.len()
}

/// A page that must open.
async fn open(app: &TestApp, client: &Client, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.expect("page");
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
    response.text().await.expect("html")
}

async fn first(app: &TestApp, client: &Client, path: &str, pointer: &str) -> String {
    let (_, answer): (_, Value) = app.get_json(client, path).await;
    answer
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{path} {pointer}: {answer}"))
        .to_owned()
}

#[tokio::test]
async fn every_field_that_may_be_left_empty_says_so() {
    let app = TestApp::spawn().await;
    let coach = app.english_browser_as(COACH_LIMBURG).await;
    let participant = first(&app, &coach, "/api/v1/caseload", "/rows/0/participant_id").await;
    let trajectory = first(&app, &coach, "/api/v1/caseload", "/rows/0/trajectory_id").await;
    let session = first(&app, &coach, "/api/v1/sessions", "/sessions/0/id").await;
    let mut checked = 0;
    for path in [
        "/participants/new".to_owned(),
        format!("/participants/{participant}"),
        format!("/participants/{participant}/edit"),
        format!("/participants/{participant}/icf"),
        format!("/trajectories/{trajectory}/plans/action"),
        format!("/trajectories/{trajectory}/plans/action/edit"),
        format!("/trajectories/{trajectory}/plans/recovery/edit"),
        format!("/trajectories/{trajectory}/plans/canvas/edit"),
        format!("/sessions/{session}"),
        "/sessions/new".to_owned(),
        "/sessions".to_owned(),
        "/consultations".to_owned(),
        "/hours".to_owned(),
        "/presence".to_owned(),
        "/account".to_owned(),
        "/caseload".to_owned(),
    ] {
        checked += check_page(&path, &open(&app, &coach, &path).await, "(optional)");
    }
    let admin = app.english_browser_as(ADMIN).await;
    let organisation = first(&app, &admin, "/api/v1/organisations", "/0/id").await;
    for path in [
        "/programmes/new".to_owned(),
        "/users/new".to_owned(),
        "/organisations/new".to_owned(),
        format!("/organisations/{organisation}"),
        "/regions".to_owned(),
        "/icf/categories".to_owned(),
        "/barrier-codes".to_owned(),
        "/audit".to_owned(),
    ] {
        checked += check_page(&path, &open(&app, &admin, &path).await, "(optional)");
    }
    let coordinator = app.english_browser_as(COORDINATOR_LIMBURG).await;
    checked += check_page(
        "/monitoring",
        &open(&app, &coordinator, "/monitoring").await,
        "(optional)",
    );
    assert!(checked > 100, "the walk reads the forms ({checked} fields)");

    // The mark speaks the reader's language.
    for (language, mark) in [("nl", "(optioneel)"), ("fr", "(facultatif)")] {
        speak(&app, &coach, language).await;
        let page = app.html(&coach, "/participants/new").await;
        assert!(check_page("/participants/new", &page, mark) > 10, "{language}");
    }
}

/// The intake says, under each field that later decides a warning, what it is used for; a screen
/// reader reads the hint with the field.
#[tokio::test]
async fn the_intake_explains_the_fields_that_decide_warnings() {
    let app = TestApp::spawn().await;
    let coach = app.english_browser_as(COACH_LIMBURG).await;
    let page = app.html(&coach, "/participants/new").await;
    for (field, says) in [
        ("incapacity_since", "warns when it falls outside the programme's window"),
        ("birth_date", "working age"),
        ("situation", "warns when the person's is not one of them"),
        ("started_on", "maximum duration counts from this day"),
    ] {
        let at = page
            .find(&format!("id=\"f-{field}\""))
            .unwrap_or_else(|| panic!("{field}"));
        let tag = &page[page[..at].rfind('<').unwrap()..];
        let tag = &tag[..tag.find('>').unwrap()];
        let described = attribute(tag, "aria-describedby").unwrap_or_else(|| panic!("{field}: {tag}"));
        let hint_at = page
            .find(&format!("id=\"{}\"", described.split(' ').next().unwrap()))
            .unwrap();
        let hint = &page[hint_at..];
        let hint = visible_text(&hint[hint.find('>').unwrap() + 1..hint.find("</p>").unwrap()]);
        assert!(hint.contains(says), "{field}: {hint}");
    }
    speak(&app, &coach, "nl").await;
    let page = app.html(&coach, "/participants/new").await;
    assert!(page.contains("De eerste dag van de arbeidsongeschiktheid"));
}
