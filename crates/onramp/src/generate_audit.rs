//! The audit entries `onramp generate` writes with its records, as the application writes them:
//! a registration with the record's image, a trajectory's start, and for each coaching contact
//! the coach's read of the file (purpose `follow_up`) and the contact itself; and a caseload page
//! listing fifty people. They are written unsealed; the server's sealer (or `onramp audit seal`)
//! gives them their place in the chain. `onramp bench audit` verifies such a log.

use chrono::{DateTime, Utc};
use onramp_store::bulk::Value::{self, *};
use uuid::Uuid;

pub use onramp_store::audit::COLUMNS;

/// The coach who acts, at their partner.
#[derive(Debug, Clone, Copy)]
pub struct Coach {
    pub id: Uuid,
    pub organisation: Uuid,
}

/// What an entry is about.
struct About<'a> {
    action: &'a str,
    entity_type: &'a str,
    entity_id: Option<Uuid>,
    participant: Option<Uuid>,
}

fn row(at: DateTime<Utc>, coach: Coach, about: About<'_>, after: Option<String>, purpose: Option<&str>) -> Vec<Value> {
    vec![
        At(at),
        OptId(Some(coach.id)),
        Text("coach@onramp.generated".into()),
        Text(about.action.into()),
        Text(about.entity_type.into()),
        OptText(about.entity_id.map(|id| id.to_string())),
        OptId(about.participant),
        OptText(Some("192.0.2.10".into())),
        OptText(None),
        OptText(None),
        OptText(after),
        OptText(purpose.map(str::to_owned)),
        OptText(Some("coach".into())),
        OptText(Some(coach.organisation.to_string())),
        OptText(None),
    ]
}

/// A participant registered, with their record as the entry's image.
pub fn registered(at: DateTime<Utc>, coach: Coach, participant: Uuid, image: &serde_json::Value) -> Vec<Value> {
    let about = About {
        action: "participant.create",
        entity_type: "participant",
        entity_id: Some(participant),
        participant: Some(participant),
    };
    row(at, coach, about, Some(image.to_string()), None)
}

/// A trajectory started.
pub fn started(at: DateTime<Utc>, coach: Coach, participant: Uuid, trajectory: Uuid) -> Vec<Value> {
    let about = About {
        action: "trajectory.start",
        entity_type: "trajectory",
        entity_id: Some(trajectory),
        participant: Some(participant),
    };
    row(at, coach, about, None, None)
}

/// A coaching contact: the coach opens the file, then records the contact.
pub fn contact(
    at: DateTime<Utc>,
    coach: Coach,
    participant: Uuid,
    contact: Uuid,
    image: &serde_json::Value,
) -> [Vec<Value>; 2] {
    let read = About {
        action: "participant.read",
        entity_type: "participant",
        entity_id: Some(participant),
        participant: Some(participant),
    };
    let recorded = About {
        action: "contact.create",
        entity_type: "contact",
        entity_id: Some(contact),
        participant: Some(participant),
    };
    [
        row(at, coach, read, None, Some("follow_up")),
        row(at, coach, recorded, Some(image.to_string()), None),
    ]
}

/// A caseload page that listed these people.
pub fn caseload_page(at: DateTime<Utc>, coach: Coach, shown: &[Uuid]) -> Vec<Value> {
    let about = About {
        action: "caseload.list",
        entity_type: "participant_list",
        entity_id: None,
        participant: None,
    };
    let mut row = row(at, coach, about, None, Some("follow_up"));
    let subjects: Vec<String> = shown.iter().map(Uuid::to_string).collect();
    row[14] = OptText(Some(subjects.join(" ")));
    row
}
