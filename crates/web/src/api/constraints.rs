//! What the API's bodies and queries accept beyond their JSON types, stated in the OpenAPI
//! document so that a client built from it (or a fuzzer) sends what the server takes: the fields
//! a body requires, the choices, the dates and ids, the ranges.
//!
//! The handlers read bodies with `#[serde(default)]`, so that every missing field is reported at
//! once, field by field; utoipa cannot see which fields the parsers then require, nor which values
//! a choice takes. They are listed here, with the domain's own values (`VALUES` of its choices).
//! What only the stored data can say (an id must name a record you may see, a date may not be in
//! the future) stays in the descriptions and is answered with 422. A test checks that every field
//! named here exists in the document, so a renamed field cannot leave a stale rule behind.

use super::query_constraints::{PAGE_SIZES, QUERY_PARAMETERS};
use onramp_domain::activities::{ContactMode, TimeCategory};
use onramp_domain::consents::Purpose;
use onramp_domain::esf::Answer;
use onramp_domain::icf::{Moment, Rater};
use onramp_domain::identity::{Language, Role};
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::outcomes::{CheckInSituation, Contract, ExitSituation, OutcomeKind};
use onramp_domain::participants::{Education, Gender, HealthCategory, Situation};
use onramp_domain::plans::{Lever, StepOwner, StepStatus};
use onramp_domain::sessions::Attendance;
use onramp_domain::trajectories::ExitReason;
use serde_json::{Map, Value, json};

pub use super::accepts::{Accepts, Need};

use Accepts::*;
use Need::{Optional, Required};

/// The fields of request bodies: (schema, field, what it accepts).
pub const BODY_FIELDS: &[(&str, &str, Accepts)] = &[
    ("AgreementBody", "provider_id", Id(Required)),
    ("AgreementBody", "starts_on", Date(Required)),
    ("AgreementBody", "ends_on", Date(Required)),
    ("AgreementBody", "signed_on", Date(Optional)),
    ("AgreementBody", "reach_target", Range(0, 100_000, Required)),
    ("AgreementBody", "esf_percent", Range(0, 100, Optional)),
    ("ContactBody", "email", Email(Optional)),
    ("EsfBody", "unemployed_months", Range(0, 600, Optional)),
    ("EsfBody", "disability", Choice(Answer::VALUES, Optional)),
    ("EsfBody", "third_country_national", Choice(Answer::VALUES, Optional)),
    ("EsfBody", "foreign_background", Choice(Answer::VALUES, Optional)),
    ("EsfBody", "minority", Choice(Answer::VALUES, Optional)),
    ("EsfBody", "homeless", Choice(Answer::VALUES, Optional)),
    ("EsfBody", "postcode", Postcode),
    ("ParticipantBody", "email", Email(Optional)),
    ("ParticipantBody", "phone", Phone),
    ("BarrierBody", "trajectory_id", Id(Required)),
    ("BarrierBody", "code", Line),
    ("BarrierBody", "noted_on", Date(Required)),
    ("BarrierCodeBody", "code", Line),
    ("BarrierCodeBody", "name", Line),
    ("CheckInBody", "done_on", Date(Required)),
    ("CheckInBody", "situation", Choice(CheckInSituation::VALUES, Optional)),
    (
        "CloseBarrierBody",
        "status",
        Choice(crate::service::barriers::CLOSED, Required),
    ),
    ("CloseBarrierBody", "on", Date(Optional)),
    ("CoachingContactBody", "trajectory_id", Id(Required)),
    ("CoachingContactBody", "on", Date(Required)),
    ("CoachingContactBody", "mode", Choice(ContactMode::VALUES, Required)),
    ("CoachingContactBody", "topic", Line),
    ("ConsentBody", "purpose", Choice(Purpose::VALUES, Required)),
    ("ConsentBody", "version", Line),
    ("ConsentBody", "given_on", Date(Required)),
    ("ConsentBody", "ends_on", Date(Optional)),
    ("ConsentBody", "organisation_id", Id(Optional)),
    ("ConsultationBody", "organisation_id", Id(Required)),
    ("ConsultationBody", "on", Date(Required)),
    ("ConsultationBody", "attendees", Line),
    ("ConsultationBody", "location_id", Id(Optional)),
    ("ContactBody", "name", Line),
    ("EnrolBody", "participant_id", Id(Required)),
    ("ExitBody", "on", Date(Required)),
    ("ExitBody", "reason", Choice(ExitReason::VALUES, Required)),
    ("ExitBody", "situation", Choice(ExitSituation::VALUES, Optional)),
    ("ExitBody", "mediation_organisation_id", Id(Optional)),
    ("FeedBody", "location_id", Id(Optional)),
    ("HandoverBody", "coach_id", Id(Required)),
    ("HandoverBody", "on", Date(Required)),
    ("IcfCategoryBody", "code", Line),
    ("IcfCategoryBody", "title_nl", Line),
    ("IcfCategoryBody", "title_fr", Line),
    ("IcfCategoryBody", "title_en", Line),
    (
        "LeavingSituationBody",
        "situation",
        Choice(ExitSituation::VALUES, Required),
    ),
    ("IntakeBody", "organisation_id", Id(Required)),
    ("IntakeTrajectoryBody", "programme_id", Id(Required)),
    ("IntakeTrajectoryBody", "started_on", Date(Required)),
    ("IntakeTrajectoryBody", "coach_id", Id(Optional)),
    ("IntakeTrajectoryBody", "location_id", Id(Optional)),
    ("LinkBody", "participant_id", Id(Required)),
    ("LocationBody", "name", Line),
    ("Mark", "participant_id", Id(Required)),
    ("Mark", "attendance", Choice(Attendance::VALUES, Required)),
    ("MeasurementBody", "measured_on", Date(Required)),
    ("MeasurementBody", "moment", Choice(Moment::VALUES, Required)),
    ("MeasurementBody", "rater", Choice(Rater::VALUES, Required)),
    ("MeasurementBody", "trajectory_id", Id(Optional)),
    ("OrganisationBody", "name", Line),
    ("OrganisationBody", "kind", Choice(OrganisationKind::VALUES, Required)),
    ("OrganisationBody", "region_id", Id(Optional)),
    ("OutcomeBody", "trajectory_id", Id(Required)),
    ("OutcomeBody", "kind", Choice(OutcomeKind::VALUES, Required)),
    ("OutcomeBody", "on", Date(Required)),
    ("OutcomeBody", "contract", Choice(Contract::VALUES, Optional)),
    ("ParticipantBody", "first_name", Line),
    ("ParticipantBody", "last_name", Line),
    ("ParticipantBody", "birth_date", BirthDate),
    (
        "ParticipantBody",
        "health_category",
        Choice(HealthCategory::VALUES, Required),
    ),
    ("ParticipantBody", "situation", Choice(Situation::VALUES, Required)),
    ("ParticipantBody", "gender", Choice(Gender::VALUES, Optional)),
    ("ParticipantBody", "education", Choice(Education::VALUES, Optional)),
    ("ParticipantBody", "language", Choice(Language::VALUES, Optional)),
    ("ParticipantBody", "incapacity_since", Date(Optional)),
    ("PasswordBody", "current_password", NotEmpty),
    ("PasswordBody", "new_password", NewPassword),
    ("PasswordResetBody", "password", NewPassword),
    ("PhaseBody", "phase", Line),
    ("PhaseBody", "on", Date(Required)),
    ("PreferencesBody", "display_name", Line),
    ("PreferencesBody", "language", Choice(Language::VALUES, Required)),
    ("PresenceBody", "kind", LineUpTo(40)),
    ("ScenarioBody", "programme_id", Id(Required)),
    ("ScenarioBody", "region_id", Id(Required)),
    ("NewRecommendation", "body", TextUpTo(10_000)),
    ("NewRecommendation", "from", Date(Optional)),
    ("NewRecommendation", "to", Date(Optional)),
    ("NewRecommendation", "barrier_code", OptionalLine(64)),
    ("EditedRecommendation", "barrier_code", OptionalLine(64)),
    ("EditedRecommendation", "body", TextUpTo(10_000)),
    ("PresenceBody", "organisation_id", Id(Required)),
    ("PresenceBody", "on", Date(Required)),
    ("PresenceBody", "location_id", Id(Optional)),
    ("PresenceKindBody", "code", Line),
    ("PresenceKindBody", "name", Line),
    ("ProgrammeBody", "code", Line),
    ("ProgrammeBody", "name", Line),
    ("ProgrammeBody", "max_duration_months", Range(1, 240, Required)),
    ("ProgrammeBody", "phases", NotEmptyList),
    ("HoursBody", "individual", Range(0, 2000, Optional)),
    ("HoursBody", "group", Range(0, 2000, Optional)),
    ("HoursBody", "consultation", Range(0, 2000, Optional)),
    ("HoursBody", "administration", Range(0, 2000, Optional)),
    ("RegionBody", "code", Code(40, "-")),
    ("RegionBody", "name", Line),
    ("SeriesBody", "programme_id", Id(Required)),
    ("SeriesBody", "module", Line),
    ("SeriesBody", "title", Line),
    ("SeriesBody", "organisation_id", Id(Required)),
    ("SeriesBody", "first_date", Date(Required)),
    ("SeriesBody", "start_time", Time),
    ("SeriesBody", "coach_id", Id(Optional)),
    ("SeriesBody", "location_id", Id(Optional)),
    ("SeriesBody", "peer_expert_id", Id(Optional)),
    ("SignInBody", "email", Line),
    ("SignInBody", "password", NotEmpty),
    ("ResetRequestBody", "email", Email(Required)),
    ("ResetBody", "token", NotEmpty),
    ("ResetBody", "new_password", NewPassword),
    ("StartBody", "programme_id", Id(Required)),
    ("StartBody", "organisation_id", Id(Required)),
    ("StartBody", "started_on", Date(Required)),
    ("StartBody", "coach_id", Id(Optional)),
    ("StartBody", "location_id", Id(Optional)),
    ("TimeEntryBody", "organisation_id", Id(Required)),
    ("TimeEntryBody", "on", Date(Required)),
    ("TimeEntryBody", "category", Choice(TimeCategory::VALUES, Required)),
    ("TimeEntryBody", "location_id", Id(Optional)),
    ("TokenBody", "name", Line),
    ("UserBody", "email", Email(Required)),
    ("UserBody", "display_name", Line),
    ("UserBody", "role", Choice(&Role::STAFF_VALUES, Required)),
    ("UserBody", "language", Choice(Language::VALUES, Optional)),
    ("WithdrawBody", "on", Date(Optional)),
    ("AgreementBody", "fte", Decimal(100.0, 0.01)),
    ("AgreementBody", "steps_target_percent", Decimal(100.0, 0.1)),
    ("AgreementBody", "esf_amount", OptionalEuros),
    ("AgreementBody", "own_share", OptionalEuros),
    ("OperationBody", "number", Code(40, "./_-")),
    ("OperationBody", "title", Line),
    ("OperationBody", "starts_on", Date(Required)),
    ("OperationBody", "ends_on", Date(Required)),
    ("OperationBody", "last_payment_on", Date(Optional)),
    ("OperationBody", "programme_ids", Ids),
    ("ProgrammeBody", "min_age", Range(0, 120, Optional)),
    ("ProgrammeBody", "max_age", Range(0, 120, Optional)),
    ("ProgrammeBody", "min_sick_months", Range(0, 600, Optional)),
    ("ProgrammeBody", "max_sick_months", Range(0, 600, Optional)),
    ("ProgrammeBody", "no_contact_days", Range(1, 3650, Optional)),
    ("ProgrammeBody", "retention_years", Range(1, 100, Optional)),
    ("ProgrammeBody", "situations", Choices(Situation::VALUES)),
    ("ProgrammeBody", "follow_up_months", Months),
    ("ProgrammeStepBody", "code", NoControl),
    ("ProgrammeStepBody", "name", NoControl),
    ("StudyBody", "title", Line),
    ("StudyBody", "starts_on", Date(Required)),
    ("StudyBody", "ends_on", Date(Required)),
    ("StudyBody", "programme_ids", Ids),
    ("StudyBody", "k", Range(2, 100, Optional)),
    ("UserBody", "password", OptionalPassword),
    (
        "GiveBody",
        "purpose",
        Choice(onramp_domain::consents::Purpose::VALUES, Required),
    ),
    ("GiveBody", "organisation_id", Id(Optional)),
    ("InviteBody", "kind", Choice(&["email", "code"], Required)),
    ("InviteBody", "email", Email(Optional)),
    ("ActivationBody", "password", NewPassword),
    ("AgreementBody", "notes", OptionalText(5000)),
    ("BarrierBody", "note", OptionalText(1000)),
    ("CheckInBody", "note", OptionalText(2000)),
    ("CoachingContactBody", "place", OptionalLine(200)),
    ("CoachingContactBody", "notes", OptionalText(10_000)),
    ("CoachingContactBody", "next_step", OptionalLine(500)),
    ("ConsultationBody", "decisions", OptionalText(10_000)),
    ("ContactBody", "role", OptionalLine(200)),
    ("ContactBody", "phone", OptionalLine(40)),
    ("ExitBody", "note", OptionalText(2000)),
    ("HandoverBody", "note", OptionalText(2000)),
    ("LocationBody", "address", OptionalLine(300)),
    ("LocationBody", "city", OptionalLine(100)),
    ("MeasurementBody", "note", OptionalText(2000)),
    ("OutcomeBody", "place", OptionalLine(200)),
    ("OutcomeBody", "note", OptionalText(2000)),
    ("ParticipantBody", "referrer", OptionalLine(200)),
    ("ParticipantBody", "notes", OptionalText(10_000)),
    ("PhaseBody", "note", OptionalText(2000)),
    ("PresenceBody", "description", OptionalLine(1000)),
    ("ProgrammeBody", "description", OptionalText(5000)),
    ("TimeEntryBody", "note", OptionalText(500)),
    ("NewStepBody", "base_version", Range(0, i32::MAX as i64, Required)),
    ("NewStepBody", "goal_title", OptionalLine(500)),
    ("NewStepBody", "description", LineUpTo(500)),
    ("ReasonBody", "reason", TextUpTo(onramp_domain::erasure::REASON_MAX)),
    ("NewStepBody", "owner", Choice(StepOwner::VALUES, Required)),
    ("NewStepBody", "due_on", Date(Optional)),
    ("NewStepBody", "status", Choice(StepStatus::VALUES, Optional)),
    ("NewStepBody", "levers", Choices(Lever::VALUES)),
    ("StepChangeBody", "base_version", Range(0, i32::MAX as i64, Required)),
    ("StepChangeBody", "description", OptionalLine(500)),
    ("StepChangeBody", "owner", Choice(StepOwner::VALUES, Optional)),
    ("StepChangeBody", "due_on", Date(Optional)),
    ("StepChangeBody", "status", Choice(StepStatus::VALUES, Optional)),
    ("StepChangeBody", "levers", Choices(Lever::VALUES)),
    ("CommentBody", "body", TextUpTo(2000)),
    ("PortalCommentBody", "body", TextUpTo(2000)),
    ("DoneBody", "base_version", Range(0, i32::MAX as i64, Required)),
    ("ProposalBody", "base_version", Range(0, i32::MAX as i64, Required)),
    ("ProposalBody", "goal_title", OptionalLine(500)),
    ("ProposalBody", "description", LineUpTo(500)),
    ("ProposalBody", "due_on", Date(Optional)),
];

// Control characters (Unicode's Cc), which one-line fields refuse (see `onramp_domain::validation`).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
// White space as Rust's `trim` removes it before a value is checked.
const SPACE: &str = r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// The JSON schema of what `accepts` takes.
fn schema_of(accepts: Accepts, description: Option<&Value>) -> Value {
    let blank = format!("^[{SPACE}]*$");
    let none = || vec![json!({"type": "string", "pattern": blank}), json!({"type": "null"})];
    let optional = |given: Value, need: Need| {
        if need == Required {
            given
        } else {
            let mut any = vec![given];
            any.extend(none());
            json!({ "anyOf": any })
        }
    };
    let mut schema = match accepts {
        Line => json!({"type": "string",
                       "pattern": format!(r"^[{SPACE}]*[^{CONTROL}]*[^{SPACE}{CONTROL}][^{CONTROL}]*[{SPACE}]*$")}),
        // The length is counted after trimming, as the parsers count it: a first and a last
        // character that are not spaces, and at most `max` in all.
        Pattern(pattern) => json!({"type": "string", "pattern": pattern}),
        SearchName => {
            json!({"type": "string", "pattern": format!("^[{SPACE}]*([^{SPACE}][\\s\\S]*[^{SPACE}])?[{SPACE}]*$")})
        }
        LineUpTo(max) => json!({"type": "string",
                                "pattern": format!(r"^[{SPACE}]*[^{SPACE}{CONTROL}]([^{CONTROL}]{{0,{}}}[^{SPACE}{CONTROL}])?[{SPACE}]*$", max.saturating_sub(2))}),
        TextUpTo(max) => json!({"type": "string",
                                "pattern": format!(r"^[{SPACE}]*[^{SPACE}\u0000-\u0008\u000b-\u001f\u007f-\u009f]([^\u0000-\u0008\u000b-\u001f\u007f-\u009f]{{0,{}}}[^{SPACE}\u0000-\u0008\u000b-\u001f\u007f-\u009f])?[{SPACE}]*$", max.saturating_sub(2))}),
        OptionalLine(max) => json!({"type": ["string", "null"],
                                    "pattern": format!(r"^[{SPACE}]*[^{CONTROL}]{{0,{max}}}[{SPACE}]*$")}),
        OptionalText(max) => json!({"type": ["string", "null"],
                                    "pattern": format!(r"^[{SPACE}]*([^\u0000-\u0008\u000b-\u001f\u007f-\u009f]|\r\n){{0,{max}}}[{SPACE}]*$")}),
        Decimal(largest, step) => json!({"type": "number", "minimum": 0, "maximum": largest, "multipleOf": step}),
        OptionalEuros => {
            json!({"type": ["number", "null"], "minimum": 0, "maximum": 1_000_000_000, "multipleOf": 0.01})
        }
        Range(low, high, Required) => json!({"type": "integer", "minimum": low, "maximum": high}),
        Range(low, high, Optional) => json!({"type": ["integer", "null"], "minimum": low, "maximum": high}),
        NotEmptyList => json!({"type": "array", "minItems": 1}),
        Ids => json!({"type": "array", "minItems": 1, "items": {"type": "string", "format": "uuid"}}),
        Choices(values) => json!({"type": ["array", "null"], "items": {"type": "string", "enum": values}}),
        Code(max, other) => json!({"type": "string",
                                   "pattern": format!(r"^[{SPACE}]*[A-Za-z0-9{other}]{{1,{max}}}[{SPACE}]*$")}),
        BirthDate => json!({"type": "string", "format": "date", "pattern": r"^(19|[2-9][0-9])[0-9]{2}-"}),
        OptionalPassword => json!({"type": ["string", "null"], "minLength": 12, "maxLength": 256}),
        Year => json!({"type": "string", "pattern": format!(r"^[{SPACE}]*((20[0-9]{{2}}|2100)[{SPACE}]*)?$")}),
        Date(need) => optional(json!({"type": "string", "format": "date"}), need),
        Id(need) => optional(json!({"type": "string", "format": "uuid"}), need),
        Choice(values, need) => optional(json!({"type": "string", "enum": values}), need),
        Time => json!({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
        Email(need) => {
            let address = format!(r"[{SPACE}]*[^@{SPACE}]+@([^\W_]|-)+(\.([^\W_]|-)+)+[{SPACE}]*");
            match need {
                Required => json!({"type": "string", "maxLength": 254, "pattern": format!("^{address}$")}),
                Optional => json!({"type": ["string", "null"], "maxLength": 254,
                                   "pattern": format!("^({address}|[{SPACE}]*)$")}),
            }
        }
        Phone => json!({"type": ["string", "null"],
                        "pattern": format!(r"^[{SPACE}]*$|^[{SPACE}]*(?=[^0-9]*([0-9][^0-9]*){{8,15}}$)[0-9 +./()-]+[{SPACE}]*$")}),
        Postcode => {
            json!({"type": ["string", "null"], "pattern": format!(r"^[{SPACE}]*([1-9][0-9]{{3}}[{SPACE}]*)?$")})
        }
        NoControl => json!({"type": "string", "pattern": format!(r"^[{SPACE}]*[^{CONTROL}]*[{SPACE}]*$")}),
        Months => json!({"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 120}}),
        NewPassword => json!({"type": "string", "minLength": 12, "maxLength": 256}),
        NotEmpty => json!({"type": "string", "minLength": 1}),
    };
    if let (Some(description), Some(object)) = (description, schema.as_object_mut()) {
        object.insert("description".into(), description.clone());
    }
    schema
}

fn required(accepts: Accepts) -> bool {
    match accepts {
        Date(need) | Id(need) | Choice(_, need) | Range(_, _, need) => need == Required,
        OptionalLine(_) | OptionalText(_) | Year | Choices(_) | OptionalPassword | Phone | Postcode | Months
        | NoControl | OptionalEuros | SearchName => false,
        Email(need) => need == Required,
        _ => true,
    }
}

/// States the constraints in the document utoipa generated.
pub fn apply(document: &mut Value) {
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (schema, field, accepts) in BODY_FIELDS {
            if let Some(object) = schemas.get_mut(*schema).and_then(|s| holding(s, field)) {
                constrain_property(object, field, *accepts);
            }
        }
    }
    drop_defaults_beside_references(document);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for parameter in parameters.iter_mut().filter(|p| p["in"] == "query") {
                constrain_parameter(path, parameter);
            }
        }
    }
}

/// The object schema that has `field` among its properties: the schema itself, or one of its
/// `allOf` parts (a body with a flattened part).
fn holding<'a>(schema: &'a mut Value, field: &str) -> Option<&'a mut Map<String, Value>> {
    if schema.pointer(&format!("/properties/{field}")).is_some() {
        return schema.as_object_mut();
    }
    schema
        .get_mut("allOf")?
        .as_array_mut()?
        .iter_mut()
        .find(|part| part.pointer(&format!("/properties/{field}")).is_some())?
        .as_object_mut()
}

/// A field the body reads as a string (`String`, not `Option`) takes no `null`.
fn refuse_null(schema: &mut Value) {
    if let Some(any) = schema.get_mut("anyOf").and_then(Value::as_array_mut) {
        any.retain(|s| s["type"] != "null");
    }
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            schema["type"] = types[0].clone();
        }
    }
}

/// A `$ref` stands for its schema: the default utoipa writes beside one (the empty body of a
/// `#[serde(default)]` struct) is no valid value of it.
fn drop_defaults_beside_references(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("$ref") {
                object.remove("default");
            }
            object.values_mut().for_each(drop_defaults_beside_references);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_defaults_beside_references),
        _ => {}
    }
}

fn constrain_property(object: &mut Map<String, Value>, field: &str, accepts: Accepts) {
    let Some(property) = object.get_mut("properties").and_then(|p| p.get_mut(field)) else {
        return;
    };
    let nullable = property["type"]
        .as_array()
        .is_some_and(|types| types.iter().any(|t| t == "null"));
    if let NotEmptyList = accepts {
        // The items keep their schema.
        property["minItems"] = json!(1);
    } else {
        *property = schema_of(accepts, property.get("description"));
    }
    if !nullable {
        refuse_null(property);
    }
    if required(accepts) {
        let list = object.entry("required").or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut()
            && !list.iter().any(|f| f == field)
        {
            list.push(json!(field));
        }
    }
}

fn constrain_parameter(path: &str, parameter: &mut Value) {
    let name = parameter["name"].as_str().unwrap_or_default().to_owned();
    if name == "limit"
        && let Some((_, largest)) = PAGE_SIZES.iter().find(|(p, _)| *p == path)
    {
        parameter["schema"] = json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": largest});
        return;
    }
    let rule = QUERY_PARAMETERS
        .iter()
        .find(|(p, n, _)| *p == Some(path) && *n == name)
        .or_else(|| QUERY_PARAMETERS.iter().find(|(p, n, _)| p.is_none() && *n == name));
    if let Some((_, _, accepts)) = rule {
        parameter["schema"] = match accepts {
            // A query's choice is not trimmed: only an empty value means "none".
            Choice(values, Optional) => {
                let mut values = values.to_vec();
                values.push("");
                json!({"type": "string", "enum": values})
            }
            other => schema_of(*other, None),
        };
        if required(*accepts) {
            parameter["required"] = json!(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_line_refuses_blanks_and_control_characters() {
        let Value::String(pattern) = schema_of(Line, None)["pattern"].clone() else {
            panic!("a pattern")
        };
        assert!(pattern.starts_with("^[") && pattern.contains(r"\u0000-\u001f"));
        let optional = schema_of(Date(Optional), None);
        assert_eq!(optional["anyOf"].as_array().unwrap().len(), 3, "a date, empty or null");
        assert_eq!(schema_of(Date(Required), None)["format"], "date");
    }

    #[test]
    fn every_field_and_page_named_here_is_in_the_document() {
        let (_, generated) = crate::api::router().split_for_parts();
        let document = serde_json::to_value(&generated).unwrap();
        let mut document = document;
        for (schema, field, _) in BODY_FIELDS {
            let found = document["components"]["schemas"]
                .get_mut(*schema)
                .and_then(|s| holding(s, field));
            assert!(found.is_some(), "{schema}.{field}");
        }
        for (path, _) in PAGE_SIZES {
            let parameters = &document["paths"][path]["get"]["parameters"];
            let named = parameters
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "limit"));
            assert!(named, "{path} takes a limit");
        }
        for (path, name, _) in QUERY_PARAMETERS {
            let taken = document["paths"].as_object().unwrap().iter().any(|(p, item)| {
                path.is_none_or(|wanted| wanted == p)
                    && item.as_object().unwrap().values().any(|operation| {
                        operation["parameters"]
                            .as_array()
                            .is_some_and(|ps| ps.iter().any(|q| q["name"] == *name))
                    })
            });
            assert!(taken, "{path:?} {name}");
        }
    }
}
