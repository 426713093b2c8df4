//! The data dictionary of a study's export: every table and field with its type, meaning and
//! allowed values, written as a Frictionless data package (`datapackage.json`, which R, Python and
//! the Frictionless tools read) and as a CSV codebook for people.

use onramp_domain::icf::{Component, Moment, Rater, qualifier_choices};
use onramp_domain::outcomes::{BarrierStatus, CheckInClosure, CheckInSituation, Contract, ExitSituation, OutcomeKind};
use onramp_domain::participants::{Education, Gender, HealthCategory, Situation};
use onramp_domain::research::{ReleaseSummary, STEPS};
use onramp_domain::sessions::Attendance;
use onramp_domain::trajectories::ExitReason;
use onramp_store::studies::Study;
use serde_json::{Value, json};

/// A Frictionless field type used in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Integer,
    Boolean,
    /// `YYYY-MM`: every date of the export is a month.
    YearMonth,
}

impl Type {
    fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Boolean => "boolean",
            Type::YearMonth => "yearmonth",
        }
    }
}

pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
    /// The values it takes; empty when open (programme-defined phases and modules, barrier codes).
    pub values: Vec<String>,
    pub required: bool,
}

pub struct Table {
    /// The resource name; the file is `NAME.csv`.
    pub name: &'static str,
    pub description: &'static str,
    pub fields: Vec<Field>,
    pub primary_key: Option<&'static str>,
    /// Each row belongs to a released person (and, for the tables per trajectory, a trajectory).
    pub belongs_to: &'static [(&'static str, &'static str)],
}

impl Table {
    pub fn file(&self) -> String {
        format!("{}.csv", self.name)
    }

    pub fn header(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

fn codes<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| as_str(*v).to_owned()).collect()
}

fn field(name: &'static str, ty: Type, description: &'static str) -> Field {
    Field {
        name,
        ty,
        description,
        values: Vec::new(),
        required: false,
    }
}

fn required(mut f: Field) -> Field {
    f.required = true;
    f
}

fn choice(name: &'static str, description: &'static str, values: Vec<String>) -> Field {
    Field {
        values,
        ..field(name, Type::String, description)
    }
}

fn yes_no(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

const PSEUDONYM: &str = "The participant's pseudonym in this study: P and 20 hex digits of HMAC-SHA256 of their record \
     under the study's secret. The same in every export of the study, different in another study.";
const TRAJECTORY: &str = "The trajectory's key in this study (T and 20 hex digits, made as the pseudonym).";

const OF_PERSON: &[(&str, &str)] = &[("pseudonym", "participants")];
const OF_TRAJECTORY: &[(&str, &str)] = &[("pseudonym", "participants"), ("trajectory", "trajectories")];

/// The tables of the export, in the order of the files. `regions` and `programmes` are the codes
/// the study's data can hold.
pub fn tables(regions: Vec<String>, programmes: Vec<String>) -> Vec<Table> {
    use Type::*;
    let qualifiers = yes_no(qualifier_choices(Component::Environment));
    vec![
        Table {
            name: "participants",
            description: "One row per released participant: characteristics at entry, coarsened. The quasi-identifiers \
                (age_band, gender, region, health_category, programmes) of every row are shared by at least k rows.",
            fields: vec![
                required(field("pseudonym", String, PSEUDONYM)),
                required(field(
                    "age_band",
                    String,
                    "Age in years at the start of their first trajectory in the study, \
                    as a band (5, 10 or 20 years wide: see generalisation). No birth date or year is given.",
                )),
                required(choice(
                    "gender",
                    "Gender as recorded at intake.",
                    codes(Gender::ALL, Gender::as_str),
                )),
                choice(
                    "region",
                    "The regional partnership of their first trajectory in the study. Empty: unknown, or \
                    left out to keep the class at k or more (generalisation 3).",
                    regions,
                ),
                required(choice(
                    "health_category",
                    "The health problem that led to inactivity, as a category.",
                    codes(HealthCategory::ALL, HealthCategory::as_str),
                )),
                required(field(
                    "programmes",
                    String,
                    "The programme codes of their trajectories in the study, sorted, \
                    joined with +.",
                )),
                required(Field {
                    values: (0..STEPS.len()).map(|l| l.to_string()).collect(),
                    ..field(
                        "generalisation",
                        Integer,
                        "How far the quasi-identifiers were coarsened to reach k: 0 \
                        five-year age bands, 1 ten-year bands, 2 twenty-year bands, 3 twenty-year bands without region.",
                    )
                }),
                required(choice(
                    "education",
                    "Highest education level at entry (ISCED bands).",
                    codes(Education::ALL, Education::as_str),
                )),
                required(choice(
                    "situation_at_entry",
                    "Labour-market situation at entry.",
                    codes(Situation::ALL, Situation::as_str),
                )),
                field(
                    "sick_since",
                    YearMonth,
                    "Month since which the person has been unfit for work, if recorded.",
                ),
            ],
            primary_key: Some("pseudonym"),
            belongs_to: &[],
        },
        Table {
            name: "trajectories",
            description: "One row per trajectory in the study's programmes overlapping its period.",
            fields: vec![
                required(field("trajectory", String, TRAJECTORY)),
                required(field("pseudonym", String, PSEUDONYM)),
                required(choice("programme", "The programme's code.", programmes.clone())),
                required(field("started", YearMonth, "Month the trajectory started.")),
                required(field(
                    "ends_by",
                    YearMonth,
                    "Month by which it ends at the latest (the programme's maximum duration).",
                )),
                required(field(
                    "phase",
                    String,
                    "The phase it is in now, or was in when it ended (codes of the programme).",
                )),
                field("ended", YearMonth, "Month it ended; empty while it runs."),
            ],
            primary_key: Some("trajectory"),
            belongs_to: OF_PERSON,
        },
        Table {
            name: "phases",
            description: "The phases each trajectory went through, from its start.",
            fields: vec![
                required(field("trajectory", String, TRAJECTORY)),
                required(field("pseudonym", String, PSEUDONYM)),
                field("phase", String, "The phase entered (codes of the programme)."),
                required(field("from", YearMonth, "Month the phase was entered.")),
            ],
            primary_key: None,
            belongs_to: OF_TRAJECTORY,
        },
        Table {
            name: "exits",
            description: "One row per ended trajectory: why it ended and the situation upon leaving (ESF+).",
            fields: vec![
                required(field("trajectory", String, TRAJECTORY)),
                required(field("pseudonym", String, PSEUDONYM)),
                required(field("ended", YearMonth, "Month it ended.")),
                required(choice(
                    "exit_reason",
                    "Why it ended.",
                    codes(ExitReason::ALL, ExitReason::as_str),
                )),
                choice(
                    "exit_situation",
                    "The ESF+ situation upon leaving, if recorded.",
                    codes(ExitSituation::ALL, ExitSituation::as_str),
                ),
            ],
            primary_key: Some("trajectory"),
            belongs_to: OF_TRAJECTORY,
        },
        Table {
            name: "outcomes",
            description: "Steps to work and outcomes recorded on the trajectories.",
            fields: vec![
                required(field("trajectory", String, TRAJECTORY)),
                required(field("pseudonym", String, PSEUDONYM)),
                required(choice(
                    "kind",
                    "The step or outcome.",
                    codes(OutcomeKind::ALL, OutcomeKind::as_str),
                )),
                required(field("month", YearMonth, "Month it happened.")),
                field(
                    "hours_per_week",
                    Integer,
                    "Hours a week, for work and training, if recorded.",
                ),
                choice(
                    "contract",
                    "The contract, for paid work.",
                    codes(Contract::ALL, Contract::as_str),
                ),
                required(field(
                    "with_support",
                    Boolean,
                    "Whether it came with support (a job coach, an adjustment).",
                )),
            ],
            primary_key: None,
            belongs_to: OF_TRAJECTORY,
        },
        Table {
            name: "barriers",
            description: "Barriers to work noted on the trajectories.",
            fields: vec![
                required(field("trajectory", String, TRAJECTORY)),
                required(field("pseudonym", String, PSEUDONYM)),
                required(field(
                    "code",
                    String,
                    "The barrier's code (built-in codes and those administrators added).",
                )),
                required(field("noted", YearMonth, "Month it was noted.")),
                required(choice(
                    "status",
                    "Whether it was resolved.",
                    codes(BarrierStatus::ALL, BarrierStatus::as_str),
                )),
                field("closed", YearMonth, "Month it was closed, if it was."),
            ],
            primary_key: None,
            belongs_to: OF_TRAJECTORY,
        },
        Table {
            name: "check_ins",
            description: "Check-ins after exit from the programme's follow-up schedule.",
            fields: vec![
                required(field("trajectory", String, TRAJECTORY)),
                required(field("pseudonym", String, PSEUDONYM)),
                required(field(
                    "months_after_exit",
                    Integer,
                    "Which check-in: months after the exit.",
                )),
                required(field("due", YearMonth, "Month it fell due.")),
                field("done", YearMonth, "Month it was done; empty while open."),
                field("contact_made", Boolean, "Whether the person was reached."),
                choice(
                    "situation",
                    "The situation found.",
                    codes(CheckInSituation::ALL, CheckInSituation::as_str),
                ),
                field(
                    "needs_more_service",
                    Boolean,
                    "Whether the person asked for more service.",
                ),
                choice(
                    "closed_as",
                    "Closed without a contact, and why.",
                    codes(CheckInClosure::ALL, CheckInClosure::as_str),
                ),
            ],
            primary_key: None,
            belongs_to: OF_TRAJECTORY,
        },
        Table {
            name: "sessions",
            description: "Group sessions of the study's programmes in its period that the participant was enrolled in.",
            fields: vec![
                required(field("pseudonym", String, PSEUDONYM)),
                required(choice(
                    "programme",
                    "The programme of the session's series.",
                    programmes,
                )),
                required(field(
                    "module",
                    String,
                    "The programme module (codes of the programme).",
                )),
                required(field("month", YearMonth, "Month of the session.")),
                required(field("minutes", Integer, "Length of the session in minutes.")),
                required(field("online", Boolean, "Whether it was held online.")),
                choice(
                    "attendance",
                    "Attendance as taken; empty when not taken.",
                    codes(Attendance::ALL, Attendance::as_str),
                ),
            ],
            primary_key: None,
            belongs_to: OF_PERSON,
        },
        Table {
            name: "icf_ratings",
            description: "ICF ratings: one row per category rated in a measurement.",
            fields: vec![
                required(field(
                    "measurement",
                    String,
                    "The measurement's key in this study (M and 20 hex digits): the \
                    ratings of one measurement share it.",
                )),
                field(
                    "trajectory",
                    String,
                    "The trajectory it was measured in, if it is one of the study's.",
                ),
                required(field("pseudonym", String, PSEUDONYM)),
                required(field("measured", YearMonth, "Month of the measurement.")),
                required(choice(
                    "moment",
                    "When in the trajectory.",
                    codes(Moment::ALL, Moment::as_str),
                )),
                required(choice("rater", "Who rated.", codes(Rater::ALL, Rater::as_str))),
                required(field("category", String, "The ICF category code (e.g. d845).")),
                required(choice(
                    "qualifier",
                    "The ICF qualifier: 0 no problem to 4 complete, 8 not specified, 9 not \
                    applicable; environmental factors +0 to +4 (+8) as facilitators.",
                    qualifiers,
                )),
            ],
            primary_key: None,
            belongs_to: &[("pseudonym", "participants")],
        },
    ]
}

/// `datapackage.json`: the Frictionless data package naming every file, with table schemas, and
/// what the k-anonymity check released.
pub fn datapackage(study: &Study, tables: &[Table], summary: &ReleaseSummary, created: &str) -> Value {
    let resources: Vec<Value> = tables
        .iter()
        .map(|t| {
            let fields: Vec<Value> = t
                .fields
                .iter()
                .map(|f| {
                    let mut constraints = serde_json::Map::new();
                    if f.required {
                        constraints.insert("required".into(), json!(true));
                    }
                    if !f.values.is_empty() {
                        constraints.insert("enum".into(), json!(f.values));
                    }
                    let mut v = json!({"name": f.name, "type": f.ty.as_str(), "description": f.description});
                    if !constraints.is_empty() {
                        v["constraints"] = Value::Object(constraints);
                    }
                    v
                })
                .collect();
            let mut schema = json!({"fields": fields, "missingValues": [""]});
            if let Some(key) = t.primary_key {
                schema["primaryKey"] = json!([key]);
            }
            let keys: Vec<Value> = t
                .belongs_to
                .iter()
                .map(|(field, resource)| {
                    let target = if *resource == "participants" {
                        "pseudonym"
                    } else {
                        "trajectory"
                    };
                    json!({"fields": [field], "reference": {"resource": resource, "fields": [target]}})
                })
                .collect();
            if !keys.is_empty() {
                schema["foreignKeys"] = json!(keys);
            }
            json!({
                "name": t.name, "path": t.file(), "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8", "description": t.description, "schema": schema,
            })
        })
        .chain(std::iter::once(json!({
            "name": "codebook", "path": "codebook.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "description": "This data dictionary as a table: one row per field of every file.",
            "schema": {"fields": [
                {"name": "file", "type": "string"}, {"name": "field", "type": "string"},
                {"name": "type", "type": "string"}, {"name": "required", "type": "boolean"},
                {"name": "description", "type": "string"}, {"name": "allowed_values", "type": "string"},
            ], "missingValues": [""]},
        })))
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": format!("onramp-study-{}", study.id),
        "title": study.title,
        "description": "Pseudonymised research export of onramp (docs/research.md). Participants with a research \
            consent that stands; no names, addresses, register numbers, e-mail, phone or free text; months instead \
            of days; age bands instead of birth dates. Pseudonymised, not anonymous: onramp holds the study's secret.",
        "created": created,
        "temporal": {"start": study.starts_on.to_string(), "end": study.ends_on.to_string()},
        "resources": resources,
        "onramp:release": {
            "k": study.k,
            "quasi_identifiers": ["age_band", "gender", "region", "health_category", "programmes"],
            "released": summary.exact + summary.generalised,
            "released_as_they_were": summary.exact,
            "generalised": summary.generalised,
            "withheld": summary.withheld,
        },
    })
}

/// The codebook as CSV: file, field, type, required, description, allowed values (`|`-separated).
pub fn codebook_csv(tables: &[Table]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(["file", "field", "type", "required", "description", "allowed_values"]);
    for t in tables {
        for f in &t.fields {
            let _ = out.write_record([
                t.file().as_str(),
                f.name,
                f.ty.as_str(),
                if f.required { "true" } else { "false" },
                f.description,
                f.values.join("|").as_str(),
            ]);
        }
    }
    out.into_inner().unwrap_or_default()
}
