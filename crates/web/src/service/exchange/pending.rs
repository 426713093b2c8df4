//! What an import writes in bulk: the new people and new trajectories of its rows, checked row by
//! row, held until the end of the file (or until a row needs the database to hold them) and then
//! written with a few statements, with their audit entries in row order. Lookups of partners,
//! programmes and coaches are made once per value, and duplicates are looked for once per chunk
//! of rows. What is held is written every few thousand rows, so a large file never sits in memory.

use crate::identity::Ctx;
use chrono::NaiveDate;
use onramp_domain::outcomes::ExitSituation;
use onramp_domain::participants::ParticipantInput;
use onramp_domain::trajectories::ExitReason;
use onramp_store::audit::{self, Event};
use onramp_store::organisations::Organisation;
use onramp_store::participants::{self, Candidate, NewParticipant};
use onramp_store::programmes::Programme;
use onramp_store::trajectories::{self, Names, NewTrajectory};
use onramp_store::users::User;
use onramp_store::{StoreError, Tx, organisations, programmes, users};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A fixed-size fingerprint of a text key (the first 16 bytes of its SHA-256). A 200 000-row file
/// keeps a few keys per person for the whole run; as text they held a third of the server's memory
/// (docs/benchmarks.md, *Memory during an import*). Two keys of one file sharing a fingerprint
/// is about as likely as guessing a random 128-bit number at the first try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 16]);

impl Key {
    pub fn of(parts: &[&str]) -> Key {
        let mut hasher = Sha256::new();
        for part in parts {
            // The length first, so that ("ab", "c") and ("a", "bc") differ.
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        let mut key = [0; 16];
        key.copy_from_slice(&digest[..16]);
        Key(key)
    }

    /// A person by name and birth date, as the duplicate rules compare them.
    pub fn person(input: &ParticipantInput) -> Key {
        Key::of(&[&input.name_search(), &input.birth_date.to_string()])
    }
}

/// Partners, programmes and coaches by the text a file names them with, looked up once.
#[derive(Default)]
pub struct Lookups {
    organisations: HashMap<String, Option<Organisation>>,
    programmes: HashMap<String, Option<Programme>>,
    users: HashMap<String, Option<User>>,
    /// Names of what was found, for the trajectories written in bulk.
    pub names: Names,
}

impl Lookups {
    /// The organisation named so (or with this id); a failing database is an error, not "none".
    pub async fn organisation(&mut self, tx: &mut Tx, name: &str) -> Result<Option<Organisation>, StoreError> {
        if !self.organisations.contains_key(name) {
            let found = organisations::find(tx, name).await?;
            if let Some(o) = &found {
                self.names.organisations.insert(o.id, o.name.clone());
            }
            self.organisations.insert(name.to_owned(), found);
        }
        Ok(self.organisations[name].clone())
    }

    pub async fn programme(&mut self, tx: &mut Tx, code: &str) -> Result<Option<Programme>, StoreError> {
        if !self.programmes.contains_key(code) {
            let found = programmes::find_by_code(tx, code).await?;
            if let Some(g) = &found {
                self.names.programmes.insert(g.id, g.definition.name.clone());
            }
            self.programmes.insert(code.to_owned(), found);
        }
        Ok(self.programmes[code].clone())
    }

    pub async fn user(&mut self, tx: &mut Tx, email: &str) -> Result<Option<User>, StoreError> {
        if !self.users.contains_key(email) {
            let found = users::find_by_email(tx, email).await?;
            if let Some(u) = &found {
                self.names.coaches.insert(u.id, u.display_name.clone());
            }
            self.users.insert(email.to_owned(), found);
        }
        Ok(self.users[email].clone())
    }
}

/// An audit entry to write, in row order.
enum Entry {
    Person(usize),
    Trajectory(usize),
}

/// How a row says its trajectory ended: the day, the reason, and the ESF+ situation at exit.
#[derive(Clone)]
pub(super) struct Ended {
    pub on: NaiveDate,
    pub reason: ExitReason,
    pub situation: Option<ExitSituation>,
    /// A handover to job mediation: the receiving organisation and its service.
    pub mediation: Option<(Uuid, String)>,
}

impl Ended {
    /// The exit as the page's form gives it, for a trajectory registered before the import.
    pub fn fields(&self) -> crate::service::trajectories::ExitFields {
        let (organisation_id, service) = match &self.mediation {
            Some((id, service)) => (id.to_string(), service.clone()),
            None => Default::default(),
        };
        crate::service::trajectories::ExitFields {
            on: self.on.to_string(),
            reason: self.reason.as_str().into(),
            situation: self.situation.map(|s| s.as_str().into()).unwrap_or_default(),
            mediation_organisation_id: organisation_id,
            mediation_service: service,
            note: String::new(),
        }
    }

    pub fn exit(&self) -> trajectories::Exit<'static> {
        trajectories::Exit {
            on: self.on,
            reason: self.reason.as_str(),
            situation: self.situation.map(ExitSituation::as_str),
            note: None,
        }
    }
}

/// A trajectory to start: its id, what it starts with, and its exit if it ended.
type Start = (Uuid, NewTrajectory, Option<Ended>);

/// New people and trajectories checked and not written yet.
#[derive(Default)]
pub struct Pending {
    people: Vec<NewParticipant>,
    trajectories: Vec<Start>,
    entries: Vec<Entry>,
    /// Ever held by this import (written or not): what later rows must not register twice.
    pub people_ids: HashSet<Uuid>,
    pub trajectory_ids: HashSet<Uuid>,
    registers: HashSet<Key>,
    names: HashSet<Key>,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many people and trajectories are held, not written yet.
    pub fn held(&self) -> usize {
        self.entries.len()
    }

    /// Whether `input` would register someone this import registers already.
    pub fn holds_someone_like(&self, input: &ParticipantInput) -> bool {
        input
            .national_register
            .as_ref()
            .is_some_and(|r| self.registers.contains(&Key::of(&[r])))
            || self.names.contains(&Key::person(input))
    }

    pub fn add_person(&mut self, person: NewParticipant) {
        self.people_ids.insert(person.id);
        if let Some(register) = &person.input.national_register {
            self.registers.insert(Key::of(&[register]));
        }
        self.names.insert(Key::person(&person.input));
        self.entries.push(Entry::Person(self.people.len()));
        self.people.push(person);
    }

    /// A trajectory to start, ended already when `exit` says so.
    pub fn add_trajectory(&mut self, id: Uuid, new: NewTrajectory, exit: Option<Ended>) {
        self.trajectory_ids.insert(id);
        self.entries.push(Entry::Trajectory(self.trajectories.len()));
        self.trajectories.push((id, new, exit));
    }

    /// Writes what is held, with its audit entries in row order, and empties the buffer.
    pub async fn flush(&mut self, tx: &mut Tx, ctx: &Ctx, names: &Names) -> Result<(), StoreError> {
        if self.is_empty() {
            return Ok(());
        }
        let by = Some(ctx.user.id);
        let people = participants::create_many(tx, std::mem::take(&mut self.people), by).await?;
        let held = std::mem::take(&mut self.trajectories);
        let starts = held
            .iter()
            .map(|(id, new, exit)| (*id, new.clone(), exit.as_ref().map(Ended::exit)))
            .collect();
        let mut started = trajectories::start_many(tx, starts, names, by).await?;
        for (i, (id, _, ended)) in held.iter().enumerate() {
            if let Some((organisation_id, service)) = ended.as_ref().and_then(|e| e.mediation.as_ref()) {
                trajectories::record_mediation(tx, *id, *organisation_id, service).await?;
                started[i].mediation_organisation_id = Some(*organisation_id);
                started[i].mediation_organisation_name = names.organisations.get(organisation_id).cloned();
                started[i].mediation_service = Some(service.clone());
            }
        }
        let events = std::mem::take(&mut self.entries)
            .into_iter()
            .map(|entry| match entry {
                Entry::Person(i) => Event::new("participant.create", "participant", people[i].id)
                    .for_participant(people[i].id)
                    .after(&people[i]),
                Entry::Trajectory(i) => Event::new("trajectory.start", "trajectory", started[i].id)
                    .for_participant(started[i].participant_id)
                    .after(&started[i]),
            })
            .collect();
        audit::record_many(tx, &ctx.who, events).await
    }
}

/// Possible duplicates of each row's person among those registered before the import, looked for
/// once per chunk of rows: none for rows whose person could not be read. People this import wrote
/// already are left out: later rows find them among those it holds (`people_ids`).
pub async fn duplicates(
    tx: &mut Tx,
    inputs: &[Option<ParticipantInput>],
    written: &HashSet<Uuid>,
) -> Result<Vec<Vec<Candidate>>, StoreError> {
    let present: Vec<&ParticipantInput> = inputs.iter().flatten().collect();
    let mut found = participants::find_duplicates_many(tx, &present).await?.into_iter();
    Ok(inputs
        .iter()
        .map(|input| match input {
            Some(_) => {
                let mut candidates = found.next().unwrap_or_default();
                candidates.retain(|c| !written.contains(&c.id));
                candidates
            }
            None => Vec::new(),
        })
        .collect())
}
