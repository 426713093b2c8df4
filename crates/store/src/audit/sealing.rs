//! Sealing, verifying and redacting the audit chain (docs/audit.md). Entries are written unsealed;
//! [`seal`] gives the committed ones their place (`seq`) and `hash`, in id order, one sealer at a
//! time; [`verify`] walks the chain; [`redact`] clears a part of an entry and keeps its digest.

use super::chain::{self, GENESIS, Hash, LINK_COLUMNS, Link, NotCleared, Position, Walk, hex};
use crate::{Access, Backend, Db, Result, StoreError, run};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

/// Entries sealed per transaction: a few milliseconds of SQLite's one writer.
const SEAL_BATCH: i64 = 2_000;
/// The PostgreSQL advisory lock the sealers of all nodes take turns with ("onramp" and 1).
const SEAL_LOCK: i64 = 0x6f6e_7261_6d70_0001;

/// The head of the chain, to be kept outside the database: how many entries are sealed, the last
/// one's hash, and when this was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub count: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
}

impl Checkpoint {
    /// The count and hash, when the hash is one.
    pub fn head(&self) -> Option<(i64, Hash)> {
        chain::parse_hex(&self.hash).map(|hash| (self.count, hash))
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The sealed entries checked and found good (all of them when there is no problem).
    pub checked: i64,
    /// Entries not sealed yet: outside the chain until the sealer comes by.
    pub unsealed: i64,
    /// The first problem, if any.
    pub problem: Option<chain::Problem>,
    /// The head of the good part of the chain.
    pub head: Checkpoint,
}

fn no_entry_sealable(link: &Link, NotCleared(part): NotCleared) -> StoreError {
    StoreError::Corrupt {
        column: "audit_log",
        value: format!(
            "entry {} cannot be sealed: its {part} part is marked redacted but holds text",
            link.entry.id
        ),
    }
}

/// The last sealed entry's place and hash; (0, [`GENESIS`]) before the first.
async fn head(on: &mut impl Access) -> Result<(i64, Hash)> {
    let sql = "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1";
    let row: Option<(i64, Vec<u8>)> = run!(on, c => sqlx::query_as(sql).fetch_optional(c).await)?;
    Ok(match row {
        None => (0, GENESIS),
        Some((seq, hash)) => (
            seq,
            hash.try_into().map_err(|_| StoreError::Corrupt {
                column: "audit_log.hash",
                value: format!("the hash at seq {seq} is not 32 bytes"),
            })?,
        ),
    })
}

/// Whether any entry waits for its place.
async fn any_unsealed(db: &Db) -> Result<bool> {
    let mut conn = db.conn().await?;
    let sql = "SELECT id FROM audit_log WHERE seq IS NULL LIMIT 1";
    let row: Option<i64> = run!(&mut conn, c => sqlx::query_scalar(sql).fetch_optional(c).await)?;
    Ok(row.is_some())
}

/// Gives every committed, unsealed entry its place after the head, in id order; how many it
/// sealed. On PostgreSQL one sealer works at a time (an advisory lock): another node's sealer
/// that finds it taken returns at once, leaving the work to the one that holds it.
pub async fn seal(db: &Db) -> Result<u64> {
    let mut sealed = 0;
    while any_unsealed(db).await? {
        let mut tx = db.begin().await?;
        if let Backend::Postgres(c) = tx.backend() {
            let sql = "SELECT pg_try_advisory_xact_lock($1)";
            if !sqlx::query_scalar::<_, bool>(sql).bind(SEAL_LOCK).fetch_one(c).await? {
                return Ok(sealed);
            }
        }
        let (mut seq, mut prev) = head(&mut tx).await?;
        let sql = format!("SELECT {LINK_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1");
        let links: Vec<Link> =
            run!(&mut tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(SEAL_BATCH).fetch_all(c).await)?;
        if links.is_empty() {
            return Ok(sealed);
        }
        let (mut ids, mut seqs, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
        for link in &links {
            seq += 1;
            prev = link.hash_at(&prev, seq).map_err(|e| no_entry_sealable(link, e))?;
            ids.push(link.entry.id);
            seqs.push(seq);
            hashes.push(prev.to_vec());
        }
        let updated = match tx.backend() {
            Backend::Postgres(c) => {
                let sql = "UPDATE audit_log AS a SET seq = v.seq, hash = v.hash
                           FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BYTEA[]) AS v(id, seq, hash)
                           WHERE a.id = v.id AND a.seq IS NULL";
                sqlx::query(sql)
                    .bind(&ids)
                    .bind(&seqs)
                    .bind(&hashes)
                    .execute(c)
                    .await?
                    .rows_affected()
            }
            Backend::Sqlite(c) => {
                let mut updated = 0;
                for ((id, seq), hash) in ids.iter().zip(&seqs).zip(&hashes) {
                    let sql = "UPDATE audit_log SET seq = ?, hash = ? WHERE id = ? AND seq IS NULL";
                    updated += sqlx::query(sql)
                        .bind(seq)
                        .bind(hash)
                        .bind(id)
                        .execute(&mut *c)
                        .await?
                        .rows_affected();
                }
                updated
            }
        };
        if updated != ids.len() as u64 {
            return Err(StoreError::Corrupt {
                column: "audit_log.seq",
                value: format!("sealing found {updated} of {} entries still unsealed", ids.len()),
            });
        }
        let lists: Vec<_> = links
            .iter()
            .filter(|l| l.entry.subjects.is_some())
            .map(|l| (l.entry.id, l.entry.subjects.as_deref()))
            .collect();
        let rows = super::subject_rows(&lists);
        crate::bulk::insert(&mut tx, "audit_subjects", &["participant_id", "entry_id"], &rows).await?;
        tx.commit().await?;
        sealed += updated;
    }
    Ok(sealed)
}

/// The head of the sealed chain, now.
pub async fn checkpoint(db: &Db) -> Result<Checkpoint> {
    let mut conn = db.conn().await?;
    let (count, hash) = head(&mut conn).await?;
    Ok(Checkpoint {
        count,
        hash: hex(&hash),
        at: crate::now(),
    })
}

/// The most ranges [`verify`] walks at once: each holds a connection of the pool (SQLite's
/// readers are eight).
const MAX_RANGES: usize = 8;

/// Walks the whole sealed chain in order and checks every entry (and, given a checkpoint kept
/// outside the database, that the chain still holds it); stops at the first problem. The chain
/// is cut into as many ranges of places as the machine has cores, walked at once (see
/// [`verify_in`]).
pub async fn verify(db: &Db, against: Option<&Checkpoint>) -> Result<Report> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    verify_in(db, against, cores.min(MAX_RANGES)).await
}

/// [`verify`], the chain cut into `ranges` ranges of places, each walked on its own connection
/// and task. Every entry holds its own hash and its predecessor's is stored on the entry before,
/// so a range can be checked without the ranges before it: its walk starts from the hashes
/// stored on the two entries before its first place. Afterwards the ranges are joined in order:
/// a range counts only when it started exactly where the range before it ended (the entries
/// before it are then the ones that range found good, and its walk is the one a single walk
/// would have made). At the first seam that does not join (entries removed or inserted around
/// it), one walk goes on from where the good ranges ended, to the first problem. So the problem
/// named is the one a single walk from the start names, whatever the number of ranges.
pub async fn verify_in(db: &Db, against: Option<&Checkpoint>, ranges: usize) -> Result<Report> {
    let against = against.and_then(Checkpoint::head);
    let starts = range_starts(last_place(db).await?, ranges);
    let mut walks = Vec::with_capacity(starts.len());
    for (i, &from) in starts.iter().enumerate() {
        let until = starts.get(i + 1).copied();
        let db = db.clone();
        walks.push(tokio::spawn(async move {
            let start = match i {
                0 => Some(Position::START),
                _ => position_before(&db, from).await?,
            };
            let Some(start) = start else {
                return Ok::<_, StoreError>(None);
            };
            let from = (i > 0).then_some(from);
            Ok(Some((start, walk(&db, start, from, until, against).await?)))
        }));
    }
    let mut joined: Option<Walk> = None;
    for (i, handle) in walks.into_iter().enumerate() {
        let ranged = handle
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
        let at = joined.as_ref().map_or(Position::START, Walk::position);
        match ranged {
            Some((start, walked)) if start == at => {
                let problem = walked.problem.is_some();
                joined = Some(walked);
                if problem {
                    break;
                }
            }
            _ => {
                // The seam does not join: one walk on from the last good entry.
                joined = Some(walk(db, at, Some(starts[i]), None, against).await?);
                break;
            }
        }
    }
    let mut walk = joined.unwrap_or_else(|| Walk::new(against));
    walk.finish();
    let mut conn = db.conn().await?;
    let sql = "SELECT COUNT(*) FROM audit_log WHERE seq IS NULL";
    let unsealed: i64 = run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await)?;
    let (count, hash) = walk.head();
    Ok(Report {
        checked: walk.checked(),
        unsealed,
        problem: walk.problem,
        head: Checkpoint {
            count,
            hash: hex(&hash),
            at: crate::now(),
        },
    })
}

/// The first place of each of (at most) `ranges` ranges of about equal length that cut the places
/// 1 to `last`. The first range also takes any place below 1 and the last any place above `last`
/// (an entry sealed meanwhile), so that every sealed entry is in one.
pub fn range_starts(last: i64, ranges: usize) -> Vec<i64> {
    let ranges = i64::try_from(ranges.max(1)).unwrap_or(1);
    let length = ((last + ranges - 1) / ranges).max(1);
    let mut starts = vec![1];
    while let Some(next) = starts.last().map(|s| s + length)
        && next <= last
    {
        starts.push(next);
    }
    starts
}

/// The highest place taken (0 when nothing is sealed).
async fn last_place(db: &Db) -> Result<i64> {
    let mut conn = db.conn().await?;
    let sql = "SELECT MAX(seq) FROM audit_log";
    let last: Option<i64> = run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await)?;
    Ok(last.unwrap_or(0))
}

/// Where a walk of the places from `from` on starts, from what the two entries before it store:
/// `None` unless there is exactly one entry at each of those places (then the range before
/// cannot have ended there and the seam will not join anyway).
async fn position_before(db: &Db, from: i64) -> Result<Option<Position>> {
    let mut conn = db.conn().await?;
    let sql = "SELECT seq, id, hash FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq";
    let rows: Vec<(i64, i64, Option<Vec<u8>>)> =
        run!(&mut conn, c => sqlx::query_as(sql).bind(from - 2).bind(from).fetch_all(c).await)?;
    let hash = |row: &(i64, i64, Option<Vec<u8>>)| row.2.as_deref().and_then(|h| Hash::try_from(h).ok());
    let places: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let expected: Vec<i64> = (from - 2..from).filter(|&p| p >= 1).collect();
    if places != expected {
        return Ok(None);
    }
    let (Some(last), before) = (rows.last(), rows.len().checked_sub(2).map(|i| &rows[i])) else {
        return Ok(None);
    };
    let prev_prev = match before {
        None => Some(GENESIS),
        Some(row) => hash(row),
    };
    Ok(hash(last).zip(prev_prev).map(|(prev, prev_prev)| Position {
        expected: from,
        prev,
        prev_prev,
        prev_id: Some(last.1),
    }))
}

/// Walks the sealed entries at places `from..until` (unbounded where `None`) in order, starting
/// at `start`, up to the first problem.
async fn walk(
    db: &Db,
    start: Position,
    from: Option<i64>,
    until: Option<i64>,
    against: Option<(i64, Hash)>,
) -> Result<Walk> {
    let mut walk = Walk::resume(start, against);
    let mut conn = db.conn().await?;
    // One query, its rows streamed: the engine reads on while the entries are hashed.
    let sql = format!("SELECT {LINK_COLUMNS} FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq");
    let (from, to) = (from.unwrap_or(i64::MIN), until.map_or(i64::MAX, |u| u - 1));
    run!(&mut conn, c => {
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(from).bind(to).fetch(c);
        while let Some(row) = rows.try_next().await? {
            if !walk.push(&Link::by_position(&row)?) {
                break;
            }
        }
    });
    Ok(walk)
}

/// How many entries the log holds, sealed or not.
pub async fn entries(db: &Db) -> Result<i64> {
    let mut conn = db.conn().await?;
    let sql = "SELECT COUNT(*) FROM audit_log";
    Ok(run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await)?)
}

/// One entry as the chain sees it (tests and tools that look at a single entry).
pub async fn link(on: &mut impl Access, id: i64) -> Result<Option<Link>> {
    let sql = format!("SELECT {LINK_COLUMNS} FROM audit_log WHERE id = $1");
    Ok(run!(on, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)?)
}

/// The parts of an entry that anonymisation may clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The record before the change (`before_json`).
    Before,
    /// The record after the change (`after_json`).
    After,
    /// Who acted, when that is a person to forget: the label (made empty) and the address.
    Actor,
}

/// Clears `parts` of the entry `id`, keeping each part's digest so that the chain still verifies:
/// the one change besides sealing that the append-only triggers allow. A part cleared before
/// stays as it is. False when there is no such entry.
pub async fn redact(tx: &mut impl Access, id: i64, parts: &[Part]) -> Result<bool> {
    let Some(mut link) = link(tx, id).await? else {
        return Ok(false);
    };
    for part in parts {
        match part {
            Part::Before if link.before_digest.is_none() => {
                link.before_digest = Some(chain::image_digest(link.entry.before_json.take().as_deref()).to_vec());
            }
            Part::After if link.after_digest.is_none() => {
                link.after_digest = Some(chain::image_digest(link.entry.after_json.take().as_deref()).to_vec());
            }
            Part::Actor if link.actor_digest.is_none() => {
                let digest = chain::actor_digest(&link.entry.actor_label, link.entry.address.as_deref());
                link.actor_digest = Some(digest.to_vec());
                link.entry.actor_label.clear();
                link.entry.address = None;
            }
            _ => {}
        }
    }
    let sql = "UPDATE audit_log SET before_json = $1, before_digest = $2, after_json = $3, after_digest = $4,
                   actor_label = $5, address = $6, actor_digest = $7
               WHERE id = $8";
    run!(tx, c => sqlx::query(sql)
        .bind(&link.entry.before_json).bind(&link.before_digest).bind(&link.entry.after_json).bind(&link.after_digest)
        .bind(&link.entry.actor_label).bind(&link.entry.address).bind(&link.actor_digest).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(true)
}
