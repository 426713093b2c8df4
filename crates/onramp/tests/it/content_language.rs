//! Built-in programme content (phases, modules, competences, descriptions) and ICF titles in the
//! reader's language, on the pages and in the API; an administrator's own names as written; and
//! no internal code on screen.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Codes of the seed programmes that must never be read on a page.
const CODES: &[&str] = &[
    "action_plan",
    "steps_to_work",
    "personal_canvas",
    "module_1",
    "module_2",
    "module_3",
    "individual_coaching",
    "collective_session",
    "coping_with_stress",
    "personal_network",
];

/// What each language says for a few built-in items: handover phase, module 1, ICF d240,
/// the competence coping_with_stress, the start of We go to work's description.
struct Expected {
    language: &'static str,
    handover: &'static str,
    aftercare: &'static str,
    module_1: &'static str,
    d240: &'static str,
    coping: &'static str,
    description: &'static str,
}

const LANGUAGES: [Expected; 3] = [
    Expected {
        language: "nl",
        handover: "Overdracht naar arbeidsbemiddeling",
        aftercare: "Nazorg",
        module_1: "Module 1: infosessie",
        d240: "Omgaan met stress en andere psychische eisen",
        coping: "Omgaan met stress",
        description: "Outreach vanuit revalidatieziekenhuizen",
    },
    Expected {
        language: "fr",
        handover: "Passage à la médiation emploi",
        aftercare: "Accompagnement après",
        module_1: "Module 1 : séance d’information",
        d240: "Gérer le stress et autres exigences psychologiques",
        coping: "Gestion du stress",
        description: "Outreach depuis les hôpitaux de revalidation",
    },
    Expected {
        language: "en",
        handover: "Handover to job mediation",
        aftercare: "Aftercare",
        module_1: "Module 1: information session",
        d240: "Handling stress and other psychological demands",
        coping: "Coping with stress",
        description: "Outreach from rehabilitation hospitals",
    },
];

/// The text a reader sees: no tags, scripts or styles, entities read.
pub fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        let skip_to = ["script", "style"]
            .iter()
            .find(|tag| rest.starts_with(&format!("<{tag}")))
            .map(|tag| format!("</{tag}>"));
        let end = match skip_to {
            Some(close) => rest.find(&close).map(|i| i + close.len()),
            None => rest.find('>').map(|i| i + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
        text.push(' ');
    }
    text.push_str(rest);
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether `word` stands on its own in `text` (not inside a longer name or path).
fn has_word(text: &str, word: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

fn assert_no_codes(path: &str, html: &str) {
    let text = visible_text(html);
    for code in CODES {
        assert!(!has_word(&text, code), "{path} shows the code {code}");
    }
}

pub async fn speak(app: &TestApp, client: &Client, language: &str) {
    let (_, me) = app.get_json(client, "/api/v1/me").await;
    let body = json!({"display_name": me["display_name"], "language": language});
    let (status, answer) = app.send_json(client, "PATCH", "/api/v1/me", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn programme(app: &TestApp, client: &Client, code: &str) -> Value {
    let (status, list) = app.get_json(client, "/api/v1/programmes").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == code)
        .cloned()
        .unwrap()
}

fn step<'a>(programme: &'a Value, kind: &str, code: &str) -> &'a Value {
    programme[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("{kind} {code}"))
}

/// The title the programmes answer gives a phase or module of a programme.
fn title_of(programmes: &[Value], programme_id: &Value, kind: &str, code: &Value) -> String {
    let programme = programmes.iter().find(|g| &g["id"] == programme_id).unwrap();
    step(programme, kind, code.as_str().unwrap())["title"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn built_in_content_and_icf_titles_follow_the_readers_language() {
    let app = TestApp::spawn().await;
    let coach = app.browser_as(COACH_LIMBURG).await;
    let (_, caseload) = app.get_json(&coach, "/api/v1/caseload").await;
    let row = &caseload["rows"][0];
    let participant = row["participant_id"].as_str().unwrap().to_owned();
    for expected in &LANGUAGES {
        let language = expected.language;
        speak(&app, &coach, language).await;
        let wgtw = programme(&app, &coach, "we-go-to-work").await;
        let pages = [
            format!("/programmes/{}", wgtw["id"].as_str().unwrap()),
            "/programmes".to_owned(),
            "/caseload".to_owned(),
            format!("/participants/{participant}"),
            format!("/participants/{participant}/icf"),
            "/sessions".to_owned(),
        ];
        let mut seen = String::new();
        for path in &pages {
            let html = app.html(&coach, path).await;
            assert!(html.contains(&format!("<html lang=\"{language}\">")), "{path}");
            assert_no_codes(path, &html);
            seen.push_str(&visible_text(&html));
        }
        let programme_page = app.html(&coach, &pages[0]).await;
        for text in [
            expected.handover,
            expected.module_1,
            expected.coping,
            expected.description,
        ] {
            assert!(
                programme_page.contains(text),
                "{language}: the programme page says {text}"
            );
        }
        assert!(
            seen.contains(expected.d240),
            "{language}: the ICF page says {}",
            expected.d240
        );
        for other in LANGUAGES.iter().filter(|o| o.language != language) {
            assert!(
                !programme_page.contains(other.handover) && !programme_page.contains(other.description),
                "{language}: nothing of {}",
                other.language
            );
        }

        // The API: a stable code with the name to show beside it.
        assert_eq!(step(&wgtw, "phases", "handover")["title"], expected.handover);
        assert_eq!(step(&wgtw, "phases", "handover")["name"], "Handover to job mediation");
        assert_eq!(step(&wgtw, "modules", "module_1")["title"], expected.module_1);
        assert_eq!(
            step(&wgtw, "competences", "coping_with_stress")["title"],
            expected.coping
        );
        assert!(
            wgtw["display_description"]
                .as_str()
                .unwrap()
                .starts_with(expected.description)
        );
        let (_, programmes) = app.get_json(&coach, "/api/v1/programmes").await;
        let programmes = programmes.as_array().unwrap();
        let (_, caseload) = app.get_json(&coach, "/api/v1/caseload").await;
        for row in caseload["rows"].as_array().unwrap() {
            let title = title_of(programmes, &row["programme_id"], "phases", &row["phase"]);
            assert_eq!(row["phase_name"], title.as_str(), "{language}: {row}");
        }
        let (_, file) = app
            .get_json(&coach, &format!("/api/v1/participants/{participant}"))
            .await;
        let trajectory = &file["trajectories"][0];
        let title = title_of(programmes, &trajectory["programme_id"], "phases", &trajectory["phase"]);
        assert_eq!(trajectory["phase_name"], title.as_str());
        let (_, sessions) = app.get_json(&coach, "/api/v1/sessions").await;
        let sessions = sessions["sessions"].as_array().unwrap();
        assert!(!sessions.is_empty(), "the demo plans sessions");
        for session in sessions {
            let title = title_of(programmes, &session["programme_id"], "modules", &session["module"]);
            assert_eq!(session["module_name"], title.as_str());
        }
        let (_, categories) = app.get_json(&coach, "/api/v1/icf/categories").await;
        let d240 = categories
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "d240")
            .unwrap();
        assert_eq!(d240["title"], expected.d240);
    }
}

#[tokio::test]
async fn an_item_an_administrator_renamed_shows_its_own_name_in_every_language() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let wgtw = programme(&app, &admin, "we-go-to-work").await;
    let id = wgtw["id"].as_str().unwrap().to_owned();
    let steps = |kind: &str, renamed: (&str, &str)| -> Value {
        wgtw[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let name = if s["code"] == renamed.0 {
                    json!(renamed.1)
                } else {
                    s["name"].clone()
                };
                json!({"code": s["code"], "name": name})
            })
            .collect()
    };
    let own_phase = "Doorstroom naar bemiddeling (onze naam)";
    let own_module = "Kennismaking in de kliniek";
    let own_description = "Onze eigen beschrijving van het programma.";
    let body = json!({
        "code": wgtw["code"], "name": wgtw["name"], "description": own_description,
        "min_age": wgtw["min_age"], "max_age": wgtw["max_age"], "situations": wgtw["situations"],
        "max_duration_months": wgtw["max_duration_months"], "follow_up_months": wgtw["follow_up_months"],
        "no_contact_days": wgtw["no_contact_days"], "reports_to_esf": wgtw["reports_to_esf"],
        "phases": steps("phases", ("handover", own_phase)),
        "modules": steps("modules", ("module_1", own_module)),
        "competences": steps("competences", ("", "")),
    });
    let path = format!("/api/v1/programmes/{id}");
    let (status, saved) = app.send_json(&admin, "PUT", &path, body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let coach = app.browser_as(COACH_LIMBURG).await;
    for expected in &LANGUAGES {
        speak(&app, &coach, expected.language).await;
        let html = app.html(&coach, &format!("/programmes/{id}")).await;
        for own in [own_phase, own_module, own_description] {
            assert!(html.contains(own), "{}: {own}", expected.language);
        }
        assert!(!html.contains(expected.handover) && !html.contains(expected.module_1));
        assert!(
            html.contains(expected.aftercare),
            "the items left as shipped are still translated"
        );
        let wgtw = programme(&app, &coach, "we-go-to-work").await;
        assert_eq!(step(&wgtw, "phases", "handover")["title"], own_phase);
        assert_eq!(step(&wgtw, "modules", "module_1")["title"], own_module);
        assert_eq!(wgtw["display_description"], own_description);
        assert_eq!(step(&wgtw, "phases", "aftercare")["title"], expected.aftercare);
    }
}

/// The monitoring's chart of ICF changes names a competence, not its code (its table did already).
#[tokio::test]
async fn the_monitoring_report_names_competences() {
    let app = TestApp::spawn().await;
    let coordinator = app.browser_as(COORDINATOR_LIMBURG).await;
    speak(&app, &coordinator, "fr").await;
    let html = app.html(&coordinator, "/monitoring").await;
    assert_no_codes("/monitoring", &html);
    assert!(!html.contains(">coping_with_stress<"), "no code on the chart's axis");
    assert!(
        html.contains(">Gestion du stress</text>"),
        "the competence named on the chart"
    );
}
