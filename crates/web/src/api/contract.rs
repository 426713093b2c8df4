//! What every operation of the OpenAPI document states, derived from its shape so that an
//! operation added later gets it too: a unique operation id, a description for each response,
//! and the error statuses the layers around a handler answer (the extractors, the sign-in check,
//! the cross-site check, the body limit), each with its problem document.

use serde_json::{Map, Value, json};

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// Completes the document that utoipa generated from the handlers.
pub fn complete(document: &mut Value) {
    super::constraints::apply(document);
    if let Some(schemas) = document.pointer_mut("/components/schemas") {
        drop_defaults_of_required(schemas);
    }
    bound_integers(document);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(operation) = operation.as_object_mut() {
                complete_operation(path, operation);
            }
        }
    }
}

fn complete_operation(path: &str, operation: &mut Map<String, Value>) {
    let name = operation
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    operation.insert("operationId".into(), Value::String(operation_id(path, &name)));

    // `security: [{}]` marks the few operations anyone may call (signing in).
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
    let has_body = operation.contains_key("requestBody");
    if let Some(content) = operation
        .get_mut("requestBody")
        .and_then(|body| body.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        files_are_bytes(content);
    }
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let has_path_parameters = path.contains('{');

    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    let mut add = |status: &str, wanted: bool| {
        if wanted && !responses.contains_key(status) {
            responses.insert(status.into(), problem_response(status));
        }
    };
    add("400", has_body || has_query);
    add("401", !public);
    add("403", !public);
    add("404", has_path_parameters);
    add("413", has_body);
    for (status, response) in responses.iter_mut() {
        if let Some(response) = response.as_object_mut() {
            let described = response
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.is_empty());
            if !described {
                response.insert("description".into(), Value::String(description(status).into()));
            }
        }
    }
}

/// The handler's name qualified by the words of its path that it does not already say:
/// `list` on `/api/v1/regions` is `list_regions`, `add_consent` on
/// `/api/v1/participants/{id}/consents` is `add_consent_participants`. Unique as long as no two
/// handlers of one path share a name (the validator in the test suite checks).
pub fn operation_id(path: &str, name: &str) -> String {
    let mut id = name.to_owned();
    let said = format!("_{name}_");
    let segments = path
        .trim_start_matches("/api/v1")
        .split(['/', '.'])
        .filter(|s| !s.is_empty() && !s.starts_with('{'));
    for segment in segments {
        let word: String = segment
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let singular = word.strip_suffix('s').unwrap_or(&word);
        let already = said.contains(&format!("_{word}_")) || said.contains(&format!("_{singular}_"));
        if !already {
            id.push('_');
            id.push_str(&word);
        }
    }
    id
}

/// An integer of a given size says its range (`int32` is the server's `i32`): a larger number is
/// refused as malformed, so a client must know it is out of bounds.
fn bound_integers(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let (low, high) = match object.get("format").and_then(Value::as_str) {
                Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
                Some("int64") => (i64::MIN, i64::MAX),
                _ => (0, 0),
            };
            if low != high {
                object.entry("minimum").or_insert(json!(low));
                object.entry("maximum").or_insert(json!(high));
            }
            object.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// A body in a media type other than JSON (a CSV or XLSX upload) is a file: bytes, whatever they
/// look like, not a JSON string.
fn files_are_bytes(content: &mut Map<String, Value>) {
    for (media_type, media) in content.iter_mut() {
        if media_type.contains("json") {
            continue;
        }
        if let Some(media) = media.as_object_mut() {
            media.insert("schema".into(), json!({"type": "string", "format": "binary"}));
        }
    }
}

/// A required property has no default: utoipa writes one for every field of a body read with
/// `#[serde(default)]` (`null` for a number that must be given, which its own type refuses).
fn drop_defaults_of_required(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let required: Vec<String> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                for name in &required {
                    if let Some(Value::Object(property)) = properties.get_mut(name) {
                        property.remove("default");
                    }
                }
            }
            object.values_mut().for_each(drop_defaults_of_required);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_defaults_of_required),
        _ => {}
    }
}

fn problem_response(status: &str) -> Value {
    json!({
        "description": description(status),
        "content": {
            "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } }
        }
    })
}

fn description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "204" => "Done; no content",
        "400" => {
            "The body or the query cannot be read: the problem's `errors` name the field and what \
             was expected (`malformed-body`, `malformed-query`)"
        }
        "401" => "Not signed in: no valid session cookie or API token",
        "403" => {
            "Refused: the problem's `type` names the rule (`urn:onramp:problem:not-your-organisation`, \
             `not-for-your-role`, `administrators-only`, `not-in-your-caseload`, `scope-required`; \
             `cross-site-request` for a change sent with a session cookie but neither a JSON \
             content type nor `X-Requested-With`)"
        }
        "404" => "No such record, or not one you may see",
        "409" => "Conflicts with what is stored",
        "413" => "The body is larger than the server accepts",
        "422" => "The problem's `errors` say what is wrong with each field",
        "429" => "Too many attempts; try again after `Retry-After` seconds",
        _ => "See the problem document",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_name_the_path_words_the_handler_does_not() {
        assert_eq!(operation_id("/api/v1/regions", "list"), "list_regions");
        assert_eq!(
            operation_id("/api/v1/organisations/{id}/agreements", "list"),
            "list_organisations_agreements"
        );
        assert_eq!(
            operation_id("/api/v1/participants/{id}/consents", "add_consent"),
            "add_consent_participants"
        );
        assert_eq!(
            operation_id("/api/v1/exports/dashboard.csv", "export_csv"),
            "export_csv_dashboard"
        );
        assert_eq!(operation_id("/api/v1/check-ins/due", "due_check_ins"), "due_check_ins");
    }

    #[test]
    fn every_response_is_described_and_the_surrounding_errors_are_declared() {
        let mut document = json!({"paths": {"/api/v1/things/{id}": {
            "put": {"operationId": "update", "requestBody": {}, "responses": {"200": {}}},
            "parameters": []
        }}});
        complete(&mut document);
        let operation = &document["paths"]["/api/v1/things/{id}"]["put"];
        assert_eq!(operation["operationId"], "update_things");
        for status in ["200", "400", "401", "403", "404", "413"] {
            let description = operation["responses"][status]["description"].as_str();
            assert!(description.is_some_and(|d| !d.is_empty()), "{status}");
        }
    }
}
