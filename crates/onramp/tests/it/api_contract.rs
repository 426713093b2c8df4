//! The API as a newcomer meets it with only `/api/openapi.json`: a document that an independent
//! validator accepts, a client that a generator of another language makes from it and that works,
//! numbers that are JSON numbers, and errors that say what to change.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn document(app: &TestApp) -> Value {
    let response = TestApp::client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Every operation of the document, as (method, path, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                all.push((method.clone(), path.clone(), operation.clone()));
            }
        }
    }
    all
}

/// openapi-spec-validator found 273 errors: 243 responses without a description and 30 operation
/// ids used more than once.
#[tokio::test]
async fn an_independent_validator_finds_the_document_valid_openapi_3_1() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let report = read_with_python("validate_openapi.py", document.to_string().as_bytes());
    assert_eq!(report["version"], "3.1.0");
    assert_eq!(report["errors"], json!([]), "{report:#}");
    // What the layers around every handler may answer is declared on every operation.
    for (method, path, operation) in operations(&document) {
        let responses = operation["responses"].as_object().unwrap();
        let public = operation["security"] == json!([{}]);
        let mut expected = Vec::new();
        if !public {
            expected.extend(["401", "403"]);
        }
        if operation.get("requestBody").is_some() {
            expected.extend(["400", "413"]);
        }
        if path.contains('{') {
            expected.push("404");
        }
        for status in expected {
            assert!(responses.contains_key(status), "{method} {path} declares {status}");
        }
    }
}

/// openapi-python-client refused the document and generated nothing.
#[tokio::test]
async fn a_client_generated_in_python_signs_in_lists_the_caseload_registers_and_reads_an_error() {
    let app = TestApp::spawn().await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let base = app.base.clone();
    let seen = tokio::task::spawn_blocking(move || {
        run_python("generated_client.py", &[&base, COACH_LIMBURG, PASSWORD, &maasland], b"")
    })
    .await
    .unwrap();
    assert_eq!(seen["generator_warnings"], json!([]), "{seen:#}");
    assert_eq!(seen["sign_in_status"], 201, "{seen:#}");
    assert_eq!(seen["signed_in_as"], COACH_LIMBURG);
    assert_eq!(seen["token_status"], 201);
    assert_eq!(seen["caseload_status"], 200);
    assert!(seen["caseload_rows"].as_u64().unwrap() > 0, "{seen:#}");
    assert_eq!(seen["register_status"], 201, "{seen:#}");
    assert_eq!(seen["registered_name"], "Generated Client");
    // The person is there, as the server tells a client of its own.
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = seen["registered_id"].as_str().unwrap();
    let (status, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["participant"]["last_name"], "Client");
    // The error reads as a problem document, field by field.
    assert_eq!(seen["error_status"], 422);
    assert_eq!(seen["error_type"], "urn:onramp:problem:invalid");
    let fields = seen["error_fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["field"] == "incapacity_since" && f["code"] == "before-birth"),
        "{seen:#}"
    );
    // The document names the choices: the generated client refuses an unknown one itself.
    assert_eq!(seen["client_refused_choice"], true, "{seen:#}");
}

/// `"minutes": 60` answered 400 `malformed-body` without naming the field; whole numbers were
/// strings in some bodies and numbers in others.
#[tokio::test]
async fn whole_numbers_are_json_numbers_and_a_value_of_the_wrong_kind_names_its_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let today = crate::caseload::today().to_string();
    let action = json!({"kind": "info_point", "organisation_id": maasland, "on": today, "minutes": 60, "reached": 12});
    let (status, created) = app
        .send_json(&coach, "POST", "/api/v1/presence-actions", action.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        (created["minutes"].clone(), created["reached"].clone()),
        (json!(60), json!(12))
    );

    // JSON has one kind of number: 60.0 is the whole number 60; 12.5 people are not.
    let mut as_float = action.clone();
    as_float["minutes"] = json!(60.0);
    let (status, created) = app
        .send_json(&coach, "POST", "/api/v1/presence-actions", as_float.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    as_float["reached"] = json!(12.5);
    let (status, problem) = app
        .send_json(&coach, "POST", "/api/v1/presence-actions", as_float)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "reached", "{problem}");

    let mut as_text = action.clone();
    as_text["minutes"] = json!("60");
    let (status, problem) = app.send_json(&coach, "POST", "/api/v1/presence-actions", as_text).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:malformed-body");
    assert_eq!(problem["errors"][0]["field"], "minutes", "{problem}");
    let expected = problem["errors"][0]["expected"].as_str().unwrap();
    assert!(expected.contains("a whole number"), "{expected}");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("minutes: ")
    );

    // Inside a nested object the path names the member.
    let intake = json!({"organisation_id": maasland, "first_name": "Nested", "last_name": "Path",
        "birth_date": "1980-01-01", "health_category": "chronic_pain", "situation": "inactive",
        "trajectory": {"programme_id": 7, "started_on": today}});
    let (status, problem) = app.send_json(&coach, "POST", "/api/v1/participants", intake).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "trajectory.programme_id", "{problem}");

    // A query parameter of the wrong kind is named too.
    let (status, problem) = app.get_json(&coach, "/api/v1/sessions?limit=many").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:malformed-query");
    assert_eq!(problem["errors"][0]["field"], "limit", "{problem}");

    // The document says so: no whole number of a request body is text.
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    for (schema, field) in [
        ("PresenceBody", "minutes"),
        ("PresenceBody", "reached"),
        ("CoachingContactBody", "minutes"),
        ("TimeEntryBody", "minutes"),
        ("ConsultationBody", "minutes"),
        ("OutcomeBody", "hours_per_week"),
        ("SeriesBody", "capacity"),
        ("SeriesBody", "minutes"),
        ("SeriesBody", "sessions"),
        ("SeriesBody", "weeks_between"),
    ] {
        let kind = &schemas[schema]["properties"][field]["type"];
        assert!(
            kind == "integer" || kind.as_array().is_some_and(|k| k.contains(&json!("integer"))),
            "{schema}.{field}: {kind}"
        );
    }
}

/// `invalid-choice` said "Choose one of the options" without the options.
#[tokio::test]
async fn an_invalid_choice_lists_the_values_the_field_accepts() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, problem) = app.get_json(&coach, "/api/v1/caseload?status=open").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "status");
    assert_eq!(problem["errors"][0]["allowed"], json!(["active", "ended", "all"]));
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("active, ended, all"),
        "{problem}"
    );

    // A choice of the domain (every `string_enum!`) names its values too.
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let intake = json!({"organisation_id": maasland, "first_name": "Choice", "last_name": "Less",
        "birth_date": "1980-01-01", "health_category": "chronic_pain", "situation": "inactive", "gender": "x"});
    let (status, problem) = app.send_json(&coach, "POST", "/api/v1/participants", intake).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let gender = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "gender")
        .expect("gender is named");
    assert_eq!(gender["code"], "invalid-choice");
    assert_eq!(
        gender["allowed"],
        json!(["female", "male", "non_binary", "not_recorded"])
    );
}

/// A 403 said "forbidden" whatever the rule that refused.
#[tokio::test]
async fn a_refusal_names_the_rule_that_refused_in_the_api_and_on_pages() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let care = app.api_as(CARE_ANTWERPEN).await;
    let elsewhere = app.organisation_id("Activiteitencentrum Vlasland").await;
    let intake = json!({"organisation_id": elsewhere, "first_name": "Not", "last_name": "Here",
        "birth_date": "1980-01-01", "health_category": "chronic_pain", "situation": "inactive"});
    let (status, problem) = app
        .send_json(&coach, "POST", "/api/v1/participants", intake.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:not-your-organisation");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("organisations you work at"),
        "{problem}"
    );

    let (status, problem) = app.send_json(&care, "POST", "/api/v1/participants", intake).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:not-for-your-role");

    // The audit log is for administrators and the data protection officer.
    let (status, problem) = app.get_json(&coach, "/api/v1/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:not-for-your-role");
    let (status, problem) = app.get_json(&coach, "/api/v1/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:administrators-only");

    // The page says it in the person's language (Dutch, then English once they chose it).
    let dutch = app.browser_as(COACH_LIMBURG).await;
    let response = dutch.get(app.url("/users")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Alleen beheerders mogen dit doen.")
    );
    let english = app.english_browser_as(COACH_LIMBURG).await;
    let response = english.get(app.url("/users")).send().await.unwrap();
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Only administrators may do this.")
    );
}

/// The refused real run carries the report as its `import` member: the very body of the dry run,
/// one schema (`ImportReport`) for a client to read both with.
#[tokio::test]
async fn a_refused_import_carries_the_dry_run_report_unchanged() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let file = "first_name;last_name;birth_date;health_category;situation;reached_at\n\
                Zonder;Datum;01/02/1980;chronic_pain;inactive;Revalidatieziekenhuis Maasland\n";
    let mut bodies = Vec::new();
    for dry_run in [true, false] {
        let response = coach
            .post(app.url(&format!("/api/v1/imports/participants?dry_run={dry_run}")))
            .header("content-type", "text/csv")
            .header("x-requested-with", "onramp-tests")
            .body(file)
            .send()
            .await
            .unwrap();
        bodies.push(status_and_json(response).await);
    }
    let (dry_status, report) = &bodies[0];
    let (real_status, problem) = &bodies[1];
    assert_eq!(*dry_status, StatusCode::OK, "{report}");
    assert_eq!(*real_status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:import-failed");
    assert_eq!(&problem["import"], report);
    assert!(report["error_count"].as_u64().unwrap() > 0, "{report}");
    // The document says both are an ImportReport.
    let document = document(&app).await;
    let operation = &document["paths"]["/api/v1/imports/participants"]["post"];
    let dry = &operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(dry, "#/components/schemas/ImportReport");
    let import = &document["components"]["schemas"]["Problem"]["properties"]["import"];
    assert!(
        import.to_string().contains("#/components/schemas/ImportReport"),
        "{import}"
    );
}
