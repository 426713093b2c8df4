//! A study's pseudonymised export (docs/research.md): a ZIP of one CSV per table with its
//! codebook (`datapackage.json`, `codebook.csv`).
//!
//! [`prepare`] decides everything before a byte goes out: the policy, who is in the study (a
//! research consent that stands), their pseudonyms and the k-anonymity check, and the audit entry
//! with every released pseudonym. [`write`] then streams the files, a slice of people at a time,
//! so the server holds the people of the study (for the k-anonymity check) but never its rows.

pub mod codebook;

use super::studies;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use codebook::Table;
use onramp_domain::participants::{Gender, HealthCategory};
use onramp_domain::research::{Pseudonymiser, QuasiIdentifiers, ReleaseSummary, Released, age_on, k_anonymise, month};
use onramp_store::audit::{self, Event};
use onramp_store::research::{self as reads, SubjectTrajectory};
use onramp_store::studies::Study;
use onramp_store::{Db, regions};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex};
use uuid::Uuid;
use zip::write::SimpleFileOptions;

/// People per slice of the detail tables.
const SLICE: usize = 500;

/// One released person with their trajectories in the study.
struct Person {
    id: Uuid,
    pseudonym: String,
    released: Released,
    trajectories: Vec<SubjectTrajectory>,
}

/// An export decided and audited, ready to be written.
pub struct Prepared {
    pub study: Study,
    pub summary: ReleaseSummary,
    names: Pseudonymiser,
    /// Ordered by pseudonym: the order of rows says nothing about when people were registered.
    people: Vec<Person>,
    tables: Vec<Table>,
}

impl Prepared {
    pub fn released(&self) -> usize {
        self.people.len()
    }

    pub fn filename(&self) -> String {
        format!("onramp-study-{}.zip", self.study.id)
    }
}

/// Checks the policy, selects and pseudonymises the study's people, runs the k-anonymity check and
/// audits the export (its study, every released pseudonym, who made it) before anything is sent.
pub async fn prepare(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Prepared, AppError> {
    let study = studies::get(state, ctx, id).await?;
    let prepared = plan(&state.db, study).await?;
    let mut tx = state.db.begin().await?;
    let summary = &prepared.summary;
    let totals = serde_json::json!({
        "k": prepared.study.k,
        "released": prepared.people.len(),
        "generalised": summary.generalised,
        "withheld": summary.withheld,
    });
    let mut events = vec![Event::new("study.export", "study", id).after(&totals)];
    events.extend(prepared.people.iter().map(|p| {
        Event::new("study.export", "study", id)
            .for_participant(p.id)
            .after(&serde_json::json!({ "pseudonym": p.pseudonym }))
    }));
    audit::record_many(&mut tx, &ctx.who, events).await?;
    tx.commit().await?;
    Ok(prepared)
}

/// Who is in the study and how they are released (no policy, no audit: [`prepare`] and the
/// benchmark).
pub async fn plan(db: &Db, study: Study) -> Result<Prepared, AppError> {
    let mut conn = db.conn().await?;
    let names = Pseudonymiser::new(&onramp_store::studies::secret(&mut conn, study.id).await?);
    let rows = reads::trajectories(&mut conn, &study).await?;
    let region_codes = regions::list(&mut conn).await?.into_iter().map(|r| r.code).collect();
    let programme_codes = onramp_store::programmes::list(&mut conn)
        .await?
        .into_iter()
        .filter(|p| study.programme_ids.contains(&p.id))
        .map(|p| p.definition.code)
        .collect();
    drop(conn);
    // The rows come by person and start: each person's first trajectory comes first.
    let mut grouped: Vec<Vec<SubjectTrajectory>> = Vec::new();
    for row in rows {
        match grouped.last_mut() {
            Some(last) if last[0].participant_id == row.participant_id => last.push(row),
            _ => grouped.push(vec![row]),
        }
    }
    let quasi: Vec<QuasiIdentifiers> = grouped.iter().map(|ts| quasi_identifiers(ts)).collect();
    let k = usize::try_from(study.k).unwrap_or(usize::MAX);
    let (released, summary) = k_anonymise(&quasi, k);
    let mut people: Vec<Person> = grouped
        .into_iter()
        .zip(released)
        .filter_map(|(trajectories, released)| {
            let id = trajectories[0].participant_id;
            released.map(|released| Person {
                id,
                pseudonym: names.participant(id),
                released,
                trajectories,
            })
        })
        .collect();
    people.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
    Ok(Prepared {
        tables: codebook::tables(region_codes, programme_codes),
        study,
        summary,
        names,
        people,
    })
}

fn quasi_identifiers(trajectories: &[SubjectTrajectory]) -> QuasiIdentifiers {
    let first = &trajectories[0];
    let mut programmes: Vec<&str> = trajectories.iter().map(|t| t.programme.as_str()).collect();
    programmes.sort_unstable();
    programmes.dedup();
    QuasiIdentifiers {
        age: age_on(first.birth_date, first.started_on),
        // The columns are guarded (migration 0025): a code no enum knows cannot be stored.
        gender: Gender::parse(&first.gender).unwrap_or(Gender::NotRecorded),
        region: first.region.clone(),
        health: HealthCategory::parse(&first.health_category).unwrap_or(HealthCategory::Other),
        programmes: programmes.join("+"),
    }
}

/// The ZIP's bytes as they are written, taken out after each slice.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn take(&self) -> Vec<u8> {
        self.0.lock().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default()
    }
}

/// Counts of what [`write`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub rows: usize,
    pub bytes: usize,
}

/// The pieces of a ZIP on their way to the client; an error cuts the download short.
pub type Pieces = tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>;

/// Writes the export as a ZIP, sending each piece as it is ready (a slice of people at a time);
/// the bounded channel makes the writer wait for the client, and it stops when the client has
/// gone away.
pub async fn write(db: &Db, prepared: &Prepared, created: &str, out: &Pieces) -> Result<Written, AppError> {
    let sink = Sink::default();
    let mut zip = zip::ZipWriter::new_stream(sink.clone());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut written = Written::default();
    let package = codebook::datapackage(&prepared.study, &prepared.tables, &prepared.summary, created);
    zip.start_file("datapackage.json", options)
        .map_err(AppError::internal)?;
    zip.write_all(&serde_json::to_vec_pretty(&package).map_err(AppError::internal)?)
        .map_err(AppError::internal)?;
    zip.start_file("codebook.csv", options).map_err(AppError::internal)?;
    zip.write_all(&codebook::codebook_csv(&prepared.tables))
        .map_err(AppError::internal)?;
    for table in &prepared.tables {
        zip.start_file(table.file(), options).map_err(AppError::internal)?;
        zip.write_all(&csv_lines(&[table.header().iter().map(|h| (*h).to_owned()).collect()]))
            .map_err(AppError::internal)?;
        for slice in prepared.people.chunks(SLICE) {
            let rows = rows(db, prepared, table.name, slice).await?;
            written.rows += rows.len();
            zip.write_all(&csv_lines(&rows)).map_err(AppError::internal)?;
            let bytes = sink.take();
            written.bytes += bytes.len();
            if !bytes.is_empty() && out.send(Ok(bytes)).await.is_err() {
                return Ok(written);
            }
        }
    }
    zip.finish().map_err(AppError::internal)?;
    let bytes = sink.take();
    written.bytes += bytes.len();
    let _ = out.send(Ok(bytes)).await;
    Ok(written)
}

/// Rows as CSV: comma-separated, quoted where needed, UTF-8 without a byte-order mark (what R,
/// SPSS, Stata and the Frictionless tools read by default).
fn csv_lines(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let _ = out.write_record(row);
    }
    out.into_inner().unwrap_or_default()
}

fn opt_month(date: Option<NaiveDate>) -> String {
    date.map(month).unwrap_or_default()
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The rows of one table for a slice of people, sorted (the slice is in pseudonym order).
async fn rows(db: &Db, prepared: &Prepared, table: &str, people: &[Person]) -> Result<Vec<Vec<String>>, AppError> {
    let names = &prepared.names;
    let study = &prepared.study;
    // Each included trajectory, with the pseudonym of its person.
    let owner: HashMap<Uuid, &str> = people
        .iter()
        .flat_map(|p| p.trajectories.iter().map(|t| (t.trajectory_id, p.pseudonym.as_str())))
        .collect();
    let trajectory_ids: Vec<Uuid> = owner.keys().copied().collect();
    let key = |id: Uuid| names.trajectory(id);
    let mut conn = db.conn().await?;
    let mut rows: Vec<Vec<String>> = match table {
        "participants" => people.iter().map(participant_row).collect(),
        "trajectories" => people
            .iter()
            .flat_map(|p| p.trajectories.iter().map(move |t| (p, t)))
            .map(|(p, t)| {
                vec![
                    key(t.trajectory_id),
                    p.pseudonym.clone(),
                    t.programme.clone(),
                    month(t.started_on),
                    month(t.ends_by),
                    t.phase.clone(),
                    opt_month(t.ended_on),
                ]
            })
            .collect(),
        "exits" => people
            .iter()
            .flat_map(|p| p.trajectories.iter().map(move |t| (p, t)))
            .filter_map(|(p, t)| {
                Some(vec![
                    key(t.trajectory_id),
                    p.pseudonym.clone(),
                    month(t.ended_on?),
                    t.exit_reason.clone()?,
                    t.exit_situation.clone().unwrap_or_default(),
                ])
            })
            .collect(),
        "phases" => {
            let mut found: Vec<_> = reads::phases(&mut conn, &trajectory_ids)
                .await?
                .into_iter()
                .map(|e| (key(e.trajectory_id), e))
                .collect();
            // In the order they happened, which months alone do not tell.
            found.sort_by(|(a, e), (b, f)| (a, e.on_date, e.id).cmp(&(b, f.on_date, f.id)));
            let rows = found
                .into_iter()
                .map(|(key, e)| {
                    let owner = owner.get(&e.trajectory_id).copied().unwrap_or_default();
                    vec![key, owner.to_owned(), opt(e.phase), month(e.on_date)]
                })
                .collect();
            return Ok(rows);
        }
        "outcomes" => reads::outcomes(&mut conn, &trajectory_ids)
            .await?
            .into_iter()
            .map(|o| {
                let owner = owner.get(&o.trajectory_id).copied().unwrap_or_default();
                vec![
                    key(o.trajectory_id),
                    owner.to_owned(),
                    o.kind,
                    month(o.on_date),
                    opt(o.hours_per_week),
                    opt(o.contract),
                    o.with_support.to_string(),
                ]
            })
            .collect(),
        "barriers" => reads::barriers(&mut conn, &trajectory_ids)
            .await?
            .into_iter()
            .map(|b| {
                let owner = owner.get(&b.trajectory_id).copied().unwrap_or_default();
                vec![
                    key(b.trajectory_id),
                    owner.to_owned(),
                    b.code,
                    month(b.noted_on),
                    b.status,
                    opt_month(b.closed_on),
                ]
            })
            .collect(),
        "check_ins" => reads::check_ins(&mut conn, &trajectory_ids)
            .await?
            .into_iter()
            .map(|c| {
                let owner = owner.get(&c.trajectory_id).copied().unwrap_or_default();
                vec![
                    key(c.trajectory_id),
                    owner.to_owned(),
                    c.months_after_exit.to_string(),
                    month(c.due_on),
                    opt_month(c.done_on),
                    opt(c.contact_made),
                    opt(c.situation),
                    opt(c.needs_more_service),
                    opt(c.closed_as),
                ]
            })
            .collect(),
        "sessions" => {
            let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
            let pseudonyms: HashMap<Uuid, &str> = people.iter().map(|p| (p.id, p.pseudonym.as_str())).collect();
            reads::enrolments(&mut conn, &ids)
                .await?
                .into_iter()
                .filter(|e| {
                    study.programme_ids.contains(&e.programme_id)
                        && (study.starts_on..=study.ends_on).contains(&e.on_date)
                })
                .map(|e| {
                    vec![
                        pseudonyms
                            .get(&e.participant_id)
                            .copied()
                            .unwrap_or_default()
                            .to_owned(),
                        e.programme,
                        e.module,
                        month(e.on_date),
                        e.minutes.to_string(),
                        e.online.to_string(),
                        opt(e.attendance),
                    ]
                })
                .collect()
        }
        "icf_ratings" => {
            let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
            let pseudonyms: HashMap<Uuid, &str> = people.iter().map(|p| (p.id, p.pseudonym.as_str())).collect();
            let included: HashSet<Uuid> = trajectory_ids.iter().copied().collect();
            reads::icf_ratings(&mut conn, &ids)
                .await?
                .into_iter()
                // Measurements of the study's trajectories, and those outside any trajectory taken
                // in the study's period.
                .filter(|r| match r.trajectory_id {
                    Some(t) => included.contains(&t),
                    None => (study.starts_on..=study.ends_on).contains(&r.measured_on),
                })
                .map(|r| {
                    vec![
                        names.measurement(r.measurement_id),
                        r.trajectory_id.map(key).unwrap_or_default(),
                        pseudonyms
                            .get(&r.participant_id)
                            .copied()
                            .unwrap_or_default()
                            .to_owned(),
                        month(r.measured_on),
                        r.moment,
                        r.rater,
                        r.category_code,
                        r.qualifier,
                    ]
                })
                .collect()
        }
        other => return Err(AppError::internal(format!("no table {other}"))),
    };
    // Keys, then months: the rows of one person and trajectory stay together, in time order.
    rows.sort();
    Ok(rows)
}

fn participant_row(p: &Person) -> Vec<String> {
    let first = &p.trajectories[0];
    let mut programmes: Vec<&str> = p.trajectories.iter().map(|t| t.programme.as_str()).collect();
    programmes.sort_unstable();
    programmes.dedup();
    vec![
        p.pseudonym.clone(),
        p.released.age_band.to_string(),
        first.gender.clone(),
        p.released.region.clone().unwrap_or_default(),
        first.health_category.clone(),
        programmes.join("+"),
        p.released.level.to_string(),
        first.education.clone(),
        first.situation.clone(),
        opt_month(first.incapacity_since),
    ]
}
