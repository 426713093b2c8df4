//! Research studies and their pseudonymised export (docs/research.md), through the running
//! server: who is in it (a research consent that stands), that no direct identifier or free text
//! leaves, pseudonyms stable within a study and different across studies, no released class of
//! quasi-identifiers smaller than k, the codebook naming every file and field, the audit, and a
//! researcher who can do nothing else.

use crate::caseload::today;
use crate::group_sessions::location_of;
use crate::participants::programme_id;
use crate::support::*;
use chrono::{Datelike, Days, NaiveDate};
use onramp_domain::research::Pseudonymiser;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const RESEARCHER_ONE: &str = "an.onderzoeker@ugent.test";
const RESEARCHER_TWO: &str = "bert.onderzoeker@ugent.test";

/// One person of the cohort, with everything that must never leave in an export.
struct Person {
    id: String,
    secrets: Vec<String>,
    /// Released in the study (research consent that stands, and a class of k or more).
    released: bool,
    /// Consented to research (withdrawn or not).
    withdrawn: bool,
}

/// A national register number for a birth date before 2000 (serial `n`), with its check digits.
fn register_number(born: NaiveDate, n: u32) -> String {
    let body = u64::from((born.year() as u32 % 100) * 10_000_000 + born.month() * 100_000 + born.day() * 1000 + n);
    format!("{body:09}{:02}", 97 - body % 97)
}

struct Cohort {
    app: TestApp,
    admin: Client,
    people: Vec<Person>,
    /// The cohort's own programme.
    programme: String,
}

/// Who consents to what: `(first, gender, born, research)` where research is `Some(withdrawn)`.
fn cohort_spec() -> Vec<(&'static str, &'static str, NaiveDate, Option<bool>)> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let mut spec = Vec::new();
    // Eight women of 40-44: a class of eight, released as they are.
    for (i, first) in [
        "Wanda",
        "Xaveria",
        "Yolanthe",
        "Zoraida",
        "Quirina",
        "Ottilie",
        "Petronella",
        "Rozemarijn",
    ]
    .into_iter()
    .enumerate()
    {
        spec.push((first, "female", d(1984, 1 + i as u32, 3 + i as u32), Some(false)));
    }
    // Three men of 35-39 and two of 30-34: five only in the ten-year band 30-39.
    for (i, first) in ["Bartholomeus", "Cyriel", "Dagobert"].into_iter().enumerate() {
        spec.push((first, "male", d(1989, 2 + i as u32, 11 + i as u32), Some(false)));
    }
    for (i, first) in ["Evarist", "Fulgentius"].into_iter().enumerate() {
        spec.push((first, "male", d(1994, 3 + i as u32, 17 + i as u32), Some(false)));
    }
    // Alone in every class: withheld.
    spec.push(("Gwendolien", "non_binary", d(1970, 5, 20), Some(false)));
    // A woman of 40-44 who withdrew her consent to research, and one who never gave it.
    spec.push(("Hildegonde", "female", d(1984, 10, 21), Some(true)));
    spec.push(("Isolde", "female", d(1984, 11, 22), None));
    spec
}

async fn cohort() -> Cohort {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    // A programme of its own: the demo's participants who consent to research stay out of its studies.
    let body = json!({
        "code": "research-cohort", "name": "Research cohort", "max_duration_months": 24, "follow_up_months": [6, 12],
        "phases": [{"code": "intake", "name": "Intake"}], "modules": [{"code": "module_2", "name": "Module 2"}]
    });
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let programme = programme_id(&app, &coach, "research-cohort").await;
    let started = today() - Days::new(60);
    let mut people = Vec::new();
    for (n, (first, gender, born, research)) in cohort_spec().into_iter().enumerate() {
        let last = format!(
            "Vandeputte{}",
            [
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"
            ][n]
        );
        let email = format!("{}.{}@mail.test", first.to_lowercase(), last.to_lowercase());
        let phone = format!("04712345{n:02}");
        let register = register_number(born, 100 + n as u32);
        let notes = format!("Confides that {first} fears the night shift");
        let body = json!({
            "organisation_id": maasland, "first_name": first, "last_name": last, "birth_date": born.to_string(),
            "gender": gender, "national_register": register, "email": email, "phone": phone,
            "health_category": "chronic_pain", "situation": "employed_on_sick_leave",
            "incapacity_since": "2026-01-14", "referrer": format!("Dr. Referrer{first}"), "notes": notes,
        });
        let (status, participant) = app.send_json(&coach, "POST", "/api/v1/participants", body).await;
        assert_eq!(status, StatusCode::CREATED, "{participant}");
        let id = participant["id"].as_str().unwrap().to_owned();
        let consents = format!("/api/v1/participants/{id}/consents");
        let consent = |purpose: &str| json!({"purpose": purpose, "version": "2026-01", "given_on": "2026-01-05"});
        let (status, _) = app.send_json(&coach, "POST", &consents, consent("participation")).await;
        assert_eq!(status, StatusCode::CREATED);
        if let Some(withdrawn) = research {
            let (status, given) = app.send_json(&coach, "POST", &consents, consent("research")).await;
            assert_eq!(status, StatusCode::CREATED, "{given}");
            if withdrawn {
                let path = format!("{consents}/{}/withdraw", given["id"].as_str().unwrap());
                let (status, _) = app.send_json(&coach, "POST", &path, json!({})).await;
                assert_eq!(status, StatusCode::OK);
            }
        }
        let body = json!({"programme_id": programme, "organisation_id": maasland, "started_on": started.to_string()});
        app.start_trajectory(&coach, &id, body).await;
        people.push(Person {
            id,
            secrets: vec![
                first.into(),
                last.clone(),
                email,
                phone,
                register,
                notes,
                born.to_string(),
                format!("Referrer{first}"),
            ],
            released: research == Some(false) && gender != "non_binary",
            withdrawn: research == Some(true),
        });
    }
    let app_cohort = Cohort {
        app,
        admin,
        people,
        programme,
    };
    record_activity(&app_cohort, &coach, &maasland).await;
    app_cohort
}

/// Outcomes, barriers, an ICF measurement, a group session and an exit, each with free text that
/// must not leave.
async fn record_activity(c: &Cohort, coach: &Client, maasland: &str) {
    let app = &c.app;
    let location = location_of(app, coach, maasland).await;
    let series = json!({
        "programme_id": c.programme, "module": "module_2", "title": "Series Titelgeheim", "organisation_id": maasland,
        "location_id": location, "capacity": 8, "first_date": (today() - Days::new(7)).to_string(),
        "start_time": "10:00", "minutes": 120, "sessions": 1, "weeks_between": 1
    });
    let (status, sessions) = app.send_json(coach, "POST", "/api/v1/session-series", series).await;
    assert_eq!(status, StatusCode::CREATED, "{sessions}");
    let session = sessions[0]["id"].as_str().unwrap();
    for person in &c.people[..3] {
        let path = format!("/api/v1/sessions/{session}/enrolments");
        let (status, body) = app
            .send_json(coach, "POST", &path, json!({"participant_id": person.id}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let marks = json!({"marks": [{"participant_id": c.people[0].id, "attendance": "present"}]});
    let (status, body) = app
        .send_json(coach, "PUT", &format!("/api/v1/sessions/{session}/attendance"), marks)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let on = (today() - Days::new(10)).to_string();
    for (n, person) in c.people.iter().enumerate().take(13) {
        let (_, file) = app
            .get_json(coach, &format!("/api/v1/participants/{}", person.id))
            .await;
        let trajectory = file["trajectories"][0]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/participants/{}/outcomes", person.id);
        let outcome = json!({"trajectory_id": trajectory, "kind": "volunteer_work", "on": on,
                             "place": format!("Bakkerij Geheim{n}"), "note": format!("Outcome secret {n}")});
        let (status, body) = app.send_json(coach, "POST", &path, outcome).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let path = format!("/api/v1/participants/{}/barriers", person.id);
        let barrier = json!({"trajectory_id": trajectory, "code": "pain", "noted_on": on,
                             "note": format!("Barrier secret {n}")});
        let (status, body) = app.send_json(coach, "POST", &path, barrier).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let path = format!("/api/v1/participants/{}/icf-measurements", person.id);
        let measurement = json!({"trajectory_id": trajectory, "measured_on": on, "moment": "intake", "rater": "coach",
                                 "ratings": {"d845": "2", "e310": "+1"}, "competences": {},
                                 "note": format!("ICF secret {n}")});
        let (status, body) = app.send_json(coach, "POST", &path, measurement).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        if n < 2 {
            let exit = json!({"on": today().to_string(), "reason": "work", "situation": "in_employment",
                              "note": format!("Exit secret {n}")});
            let (status, body) = app
                .send_json(coach, "POST", &format!("/api/v1/trajectories/{trajectory}/exit"), exit)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
}

async fn add_researcher(app: &TestApp, admin: &Client, email: &str) -> String {
    let body = json!({"email": email, "display_name": format!("Researcher {email}"), "role": "researcher",
                      "language": "en", "active": true, "password": PASSWORD});
    let (status, user) = app.send_json(admin, "POST", "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    user["id"].as_str().unwrap().to_owned()
}

async fn create_study(c: &Cohort, title: &str, researcher: &str) -> String {
    let body = json!({"title": title, "starts_on": "2020-01-01", "ends_on": "2030-12-31",
                      "programme_ids": [c.programme], "researcher_ids": [researcher]});
    let (status, study) = c.app.send_json(&c.admin, "POST", "/api/v1/studies", body).await;
    assert_eq!(status, StatusCode::CREATED, "{study}");
    assert_eq!(study["k"], 5, "the default k");
    study["id"].as_str().unwrap().to_owned()
}

/// An export read by Python's own zipfile, csv and json, with the response's counts.
struct Export {
    read: Value,
    headers: reqwest::header::HeaderMap,
}

impl Export {
    fn table(&self, file: &str) -> Vec<Vec<String>> {
        serde_json::from_value(self.read["tables"][file].clone()).unwrap_or_else(|_| panic!("{file} in the export"))
    }

    /// The rows of a table as maps from its header.
    fn records(&self, file: &str) -> Vec<BTreeMap<String, String>> {
        let table = self.table(file);
        let header = table[0].clone();
        table[1..]
            .iter()
            .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
            .collect()
    }

    fn pseudonyms(&self) -> BTreeSet<String> {
        self.records("participants.csv")
            .into_iter()
            .map(|r| r["pseudonym"].clone())
            .collect()
    }

    fn count(&self, header: &str) -> usize {
        self.headers[header].to_str().unwrap().parse().unwrap()
    }
}

async fn download(app: &TestApp, client: &Client, study: &str) -> Export {
    let response = client
        .get(app.url(&format!("/api/v1/studies/{study}/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let read = tokio::task::spawn_blocking(move || read_with_python("read_research_zip.py", &bytes))
        .await
        .unwrap();
    Export { read, headers }
}

async fn study_secret(app: &TestApp, study: &str) -> Pseudonymiser {
    let mut conn = app.db.conn().await.unwrap();
    let id = uuid::Uuid::parse_str(study).unwrap();
    Pseudonymiser::new(&onramp_store::studies::secret(&mut conn, id).await.unwrap())
}

#[tokio::test]
async fn the_export_holds_the_consenting_people_pseudonymised_and_k_anonymous() {
    let c = cohort().await;
    let app = &c.app;
    let (one, two) = (
        add_researcher(app, &c.admin, RESEARCHER_ONE).await,
        add_researcher(app, &c.admin, RESEARCHER_TWO).await,
    );
    let first = create_study(&c, "Evaluation wave study", &one).await;
    let second = create_study(&c, "Another study", &two).await;
    let researcher = app.api_as(RESEARCHER_ONE).await;
    let export = download(app, &researcher, &first).await;

    // Only the people whose research consent stands, and of them those in a class of k or more.
    let names = study_secret(app, &first).await;
    let expected: BTreeSet<String> = c
        .people
        .iter()
        .filter(|p| p.released)
        .map(|p| names.participant(uuid::Uuid::parse_str(&p.id).unwrap()))
        .collect();
    assert_eq!(export.pseudonyms(), expected);
    assert_eq!(expected.len(), 13);
    assert_eq!(export.count("x-onramp-released"), 13);
    assert_eq!(export.count("x-onramp-generalised"), 5, "the men, in ten-year bands");
    assert_eq!(export.count("x-onramp-withheld"), 1, "the one non-binary person");
    let release = &export.read["datapackage"]["onramp:release"];
    assert_eq!(
        (release["k"].clone(), release["withheld"].clone()),
        (json!(5), json!(1))
    );

    // No direct identifier or free text in any cell of any file, nor anyone left out.
    let mut forbidden: Vec<String> = c.people.iter().flat_map(|p| p.secrets.clone()).collect();
    forbidden.extend(
        ["Bakkerij", "secret", "Titelgeheim", "Maasland", "sofie", "@"]
            .iter()
            .map(|s| s.to_string()),
    );
    let outsiders: Vec<String> = c
        .people
        .iter()
        .filter(|p| !p.released)
        .map(|p| names.participant(uuid::Uuid::parse_str(&p.id).unwrap()))
        .collect();
    let files = export.read["tables"].as_object().unwrap();
    let mut cells = 0;
    for (file, rows) in files {
        if file == "codebook.csv" {
            continue;
        }
        for cell in rows.as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap()) {
            let cell = cell.as_str().unwrap().to_lowercase();
            cells += 1;
            for word in forbidden.iter().chain(&outsiders) {
                assert!(
                    !cell.contains(&word.to_lowercase()),
                    "{file} holds {word:?} in {cell:?}"
                );
            }
            // Months, never days.
            assert!(
                !(cell.len() == 10 && cell.as_bytes()[4] == b'-' && cell.as_bytes()[7] == b'-'),
                "{file}: a date {cell}"
            );
        }
    }
    assert!(cells > 200, "the scan saw the export: {cells} cells");

    // No released class of quasi-identifiers smaller than k.
    let mut classes: HashMap<Vec<String>, usize> = HashMap::new();
    for r in export.records("participants.csv") {
        let key = ["age_band", "gender", "region", "health_category", "programmes"].map(|f| r[f].clone());
        *classes.entry(key.to_vec()).or_default() += 1;
    }
    assert!(classes.values().all(|&n| n >= 5), "{classes:?}");
    assert!(classes.contains_key(&vec![
        "40-44".into(),
        "female".into(),
        "limburg".into(),
        "chronic_pain".into(),
        "research-cohort".into()
    ]));
    assert!(classes.keys().any(|k| k[0] == "30-39" && k[1] == "male"), "{classes:?}");

    // What happened is there: trajectories, outcomes, barriers, ICF ratings, a session, exits,
    // the check-ins their exits scheduled.
    let count = |file: &str| export.records(file).len();
    assert_eq!(count("trajectories.csv"), 13);
    assert_eq!(count("outcomes.csv"), 13);
    assert_eq!(count("barriers.csv"), 13);
    assert_eq!(count("icf_ratings.csv"), 26);
    assert_eq!(count("exits.csv"), 2);
    assert!(count("check_ins.csv") >= 2 && count("phases.csv") >= 13);
    let sessions = export.records("sessions.csv");
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s["attendance"] == "present").count(), 1);

    // The codebook names every file and field, and every cell keeps to its field's values.
    let package = &export.read["datapackage"];
    let mut in_zip: BTreeSet<String> = export.read["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    assert!(in_zip.remove("datapackage.json"));
    let resources = package["resources"].as_array().unwrap();
    let paths: BTreeSet<String> = resources
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, in_zip);
    let codebook = export.records("codebook.csv");
    for resource in resources {
        let file = resource["path"].as_str().unwrap();
        let fields = resource["schema"]["fields"].as_array().unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(export.table(file)[0], names, "{file}: the header is the schema");
        for f in fields {
            assert!(f["type"].is_string() && (file == "codebook.csv" || f["description"].is_string()));
            if file != "codebook.csv" {
                assert!(
                    codebook
                        .iter()
                        .any(|r| r["file"] == file && r["field"] == f["name"].as_str().unwrap())
                );
            }
            let allowed: Option<Vec<String>> = serde_json::from_value(f["constraints"]["enum"].clone()).ok();
            let required = f["constraints"]["required"] == json!(true);
            for r in export.records(file) {
                let value = &r[f["name"].as_str().unwrap()];
                assert!(!required || !value.is_empty(), "{file}.{}: empty", f["name"]);
                if let Some(allowed) = &allowed
                    && !value.is_empty()
                {
                    assert!(
                        allowed.contains(value),
                        "{file}.{}: {value} not in {allowed:?}",
                        f["name"]
                    );
                }
            }
        }
    }

    // Stable within a study, across waves; different in another study.
    let again = download(app, &researcher, &first).await;
    assert_eq!(again.pseudonyms(), export.pseudonyms());
    assert_eq!(again.table("trajectories.csv"), export.table("trajectories.csv"));
    let other = download(app, &app.api_as(RESEARCHER_TWO).await, &second).await;
    assert_eq!(other.pseudonyms().len(), 13);
    assert!(other.pseudonyms().is_disjoint(&export.pseudonyms()));

    // Audited: each export with its study, who made it, and every released pseudonym.
    let entries: Vec<_> = app
        .audit("study.export")
        .await
        .into_iter()
        .filter(|e| e.entity_id.as_deref() == Some(first.as_str()))
        .collect();
    assert_eq!(entries.len(), 2 * 14, "a summary and one entry per person, twice");
    assert!(entries.iter().all(|e| e.actor_label == RESEARCHER_ONE));
    let audited: BTreeSet<String> = entries
        .iter()
        .filter(|e| e.participant_id.is_some())
        .map(|e| {
            serde_json::from_str::<Value>(e.after_json.as_deref().unwrap()).unwrap()["pseudonym"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(audited, expected);
    assert!(c.people.iter().any(|p| p.withdrawn));
}

#[tokio::test]
async fn a_researcher_downloads_their_own_studies_and_nothing_else() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let one = add_researcher(&app, &admin, RESEARCHER_ONE).await;
    add_researcher(&app, &admin, RESEARCHER_TWO).await;
    let body = json!({"title": "Wave study", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "k": 7,
                      "programme_ids": [wgtw], "researcher_ids": [one]});
    let (status, study) = app.send_json(&admin, "POST", "/api/v1/studies", body).await;
    assert_eq!(status, StatusCode::CREATED, "{study}");
    let id = study["id"].as_str().unwrap();
    let (_, file) = app.get_json(&coach, "/api/v1/caseload").await;
    let participant = file["rows"][0]["participant_id"].as_str().unwrap().to_owned();

    // The researcher on the study sees it and downloads it.
    let researcher = app.api_as(RESEARCHER_ONE).await;
    let (status, list) = app.get_json(&researcher, "/api/v1/studies").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["k"], 7);
    let response = researcher
        .get(app.url(&format!("/api/v1/studies/{id}/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Another researcher does not learn the study exists; other roles are refused; only
    // administrators change studies.
    let stranger = app.api_as(RESEARCHER_TWO).await;
    let (_, theirs) = app.get_json(&stranger, "/api/v1/studies").await;
    assert_eq!(theirs, json!([]));
    for path in [format!("/api/v1/studies/{id}"), format!("/api/v1/studies/{id}/export")] {
        let (status, problem) = app.get_json(&stranger, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {problem}");
    }
    let page = app.browser_as(RESEARCHER_TWO).await;
    let response = page
        .get(app.url(&format!("/studies/{id}/export.zip")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    for path in [format!("/api/v1/studies/{id}/export"), "/api/v1/studies".to_owned()] {
        let (status, problem) = app.get_json(&coach, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {problem}");
        assert_eq!(problem["type"], "urn:onramp:problem:not-for-your-role");
    }
    let body = json!({"title": "Mine", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "programme_ids": [wgtw]});
    let (status, problem) = app
        .send_json(&researcher, "POST", "/api/v1/studies", body.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["type"], "urn:onramp:problem:administrators-only");
    let (status, _) = app
        .send_json(&researcher, "PUT", &format!("/api/v1/studies/{id}"), body)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A researcher reaches no participant, caseload, dashboard, export or reference data.
    for path in [
        "/api/v1/caseload".to_owned(),
        format!("/api/v1/participants/{participant}"),
        format!("/api/v1/participants/{participant}/icf"),
        "/api/v1/dashboard".to_owned(),
        "/api/v1/dashboard/participants?figure=started&from=2026-01-01&to=2026-12-31".to_owned(),
        "/api/v1/exports/participants.csv".to_owned(),
        "/api/v1/exports/participants.xlsx".to_owned(),
        "/api/v1/exports/outcomes.csv".to_owned(),
        "/api/v1/check-ins/due".to_owned(),
        "/api/v1/programmes".to_owned(),
        "/api/v1/regions".to_owned(),
        "/api/v1/users".to_owned(),
        "/api/v1/audit".to_owned(),
    ] {
        let response = researcher.get(app.url(&path)).send().await.unwrap();
        let status = response.status();
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
    }
    // The group sessions' list, as for funders and care teams, holds none for them.
    let (status, sessions) = app.get_json(&researcher, "/api/v1/sessions").await;
    assert_eq!(status, StatusCode::OK);
    let (_, all) = app.get_json(&admin, "/api/v1/sessions").await;
    assert_eq!(sessions["sessions"].as_array().map(Vec::len), Some(0), "{sessions}");
    assert!(
        !all["sessions"].as_array().unwrap().is_empty(),
        "the demo has sessions: {all}"
    );
    let browser = app.browser_as(RESEARCHER_ONE).await;
    for path in [
        "/caseload".to_owned(),
        format!("/participants/{participant}"),
        format!("/participants/{participant}/icf"),
        "/dashboard".to_owned(),
        "/participants/new".to_owned(),
        "/hours".to_owned(),
        "/programmes".to_owned(),
        "/organisations/new".to_owned(),
        "/users".to_owned(),
        "/audit".to_owned(),
        "/dashboard.csv".to_owned(),
    ] {
        let response = browser.get(app.url(&path)).send().await.unwrap();
        let status = response.status();
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
    }
    // Their home is their studies, with the download.
    let response = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/studies");
    let html = browser
        .get(app.url("/studies"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Wave study") && html.contains(&format!("/studies/{id}/export.zip")));
    assert!(!html.contains("name=\"title\""), "no form for researchers");
    assert!(!html.contains("href=\"/caseload\""), "no caseload in the menu");
}

#[tokio::test]
async fn a_study_form_says_what_is_wrong_field_by_field() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let (_, me) = app.get_json(&coach, "/api/v1/me").await;
    let coach_id = me["id"].as_str().unwrap();
    let body = json!({"title": " ", "starts_on": "2026-05-01", "ends_on": "2026-01-01", "k": 1,
                      "programme_ids": [], "researcher_ids": [coach_id]});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/studies", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    for (field, code) in [
        ("title", "required"),
        ("ends_on", "before-start"),
        ("k", "out-of-range"),
        ("programme_ids", "required"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    // A coach's account is no researcher's.
    let body = json!({"title": "T", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
                      "programme_ids": [wgtw], "researcher_ids": [coach_id]});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/studies", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "researcher_ids", "not-a-researcher"), "{problem}");
    let (status, _) = app
        .send_json(
            &admin,
            "PUT",
            &format!("/api/v1/studies/{}", uuid::Uuid::now_v7()),
            json!({
            "title": "T", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "programme_ids": [wgtw]}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The page keeps what was typed and names each error; then creates and changes the study.
    let browser = app.english_browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/studies").await;
    let response = browser
        .post(app.url("/studies"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Wave one"),
            ("starts_on", "2026-13-01"),
            ("ends_on", "2026-12-31"),
            ("k", "5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Enter a date as YYYY-MM-DD.") && html.contains("value=\"Wave one\""),
        "{html}"
    );
    let response = browser
        .post(app.url("/studies"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Wave one"),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2026-12-31"),
            ("k", "6"),
            ("programme_ids", wgtw.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let path = location.split('?').next().unwrap().to_owned();
    let response = browser
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Wave one, renamed"),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2026-12-31"),
            ("k", "6"),
            ("programme_ids", wgtw.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = browser.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Wave one, renamed"));
    let changes = app.audit("study.update").await;
    assert_eq!(changes.len(), 1);
    assert!(
        !changes[0].after_json.as_deref().unwrap().contains("secret"),
        "the secret is never audited"
    );
}
