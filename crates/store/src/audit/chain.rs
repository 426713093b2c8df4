//! The audit chain's arithmetic (docs/audit.md): what each entry's hash covers, and the walk that
//! checks a chain entry by entry and names the first entry changed, removed or inserted. No I/O:
//! [`super::sealing`] reads and writes the entries.

use super::Entry;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::LazyLock;
use uuid::Uuid;

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash "before" the first entry.
pub const GENESIS: Hash = [0; 32];

/// An entry as the chain sees it: the entry, its place and hash (`None` until sealed), and the
/// digests of the parts anonymisation has cleared.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Link {
    #[sqlx(flatten)]
    pub entry: Entry,
    pub seq: Option<i64>,
    pub hash: Option<Vec<u8>>,
    pub before_digest: Option<Vec<u8>>,
    pub after_digest: Option<Vec<u8>>,
    pub actor_digest: Option<Vec<u8>>,
}

/// The columns of a [`Link`], for a SELECT.
pub const LINK_COLUMNS: &str = "id, seq, hash, at, actor_user_id, actor_label, action, entity_type, entity_id, \
     participant_id, address, request_id, before_json, after_json, purpose, actor_role, actor_organisations, subjects, \
     before_digest, after_digest, actor_digest";

impl Link {
    /// A row of [`LINK_COLUMNS`], its columns read by position rather than looked up by name
    /// (as `FromRow` does, 21 lookups an entry): what [`super::sealing::verify`] reads millions of.
    pub fn by_position<'r, R>(row: &'r R) -> Result<Link, sqlx::Error>
    where
        R: sqlx::Row,
        usize: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        chrono::DateTime<chrono::Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(Link {
            entry: Entry {
                id: row.try_get(0)?,
                at: row.try_get(3)?,
                actor_user_id: row.try_get(4)?,
                actor_label: row.try_get(5)?,
                action: row.try_get(6)?,
                entity_type: row.try_get(7)?,
                entity_id: row.try_get(8)?,
                participant_id: row.try_get(9)?,
                address: row.try_get(10)?,
                request_id: row.try_get(11)?,
                before_json: row.try_get(12)?,
                after_json: row.try_get(13)?,
                purpose: row.try_get(14)?,
                actor_role: row.try_get(15)?,
                actor_organisations: row.try_get(16)?,
                subjects: row.try_get(17)?,
            },
            seq: row.try_get(1)?,
            hash: row.try_get(2)?,
            before_digest: row.try_get(18)?,
            after_digest: row.try_get(19)?,
            actor_digest: row.try_get(20)?,
        })
    }
}

/// Why an entry's hash cannot be computed: a part is said to be redacted but still holds text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotCleared(pub &'static str);

fn put_text(h: &mut Sha256, text: &str) {
    h.update((text.len() as u64).to_be_bytes());
    h.update(text.as_bytes());
}

fn put_opt_text(h: &mut Sha256, text: Option<&str>) {
    match text {
        None => h.update([0]),
        Some(text) => {
            h.update([1]);
            put_text(h, text);
        }
    }
}

fn put_opt_id(h: &mut Sha256, id: Option<Uuid>) {
    match id {
        None => h.update([0]),
        Some(id) => {
            h.update([1]);
            h.update(id.as_bytes());
        }
    }
}

static NO_IMAGE: LazyLock<Hash> = LazyLock::new(|| Sha256::digest([0u8]).into());

/// The digest of a before or after image: SHA-256 of 0x01 and the JSON text; of 0x00 without one.
pub fn image_digest(json: Option<&str>) -> Hash {
    match json {
        None => *NO_IMAGE,
        Some(json) => {
            let mut h = Sha256::new();
            h.update([1]);
            h.update(json.as_bytes());
            h.finalize().into()
        }
    }
}

/// The digest of who acted, as far as it is personal: the label and the address.
pub fn actor_digest(label: &str, address: Option<&str>) -> Hash {
    let mut h = Sha256::new();
    put_text(&mut h, label);
    put_opt_text(&mut h, address);
    h.finalize().into()
}

/// A part's digest: the one kept when it was redacted (the part itself must then be cleared),
/// or the digest of what it holds.
fn part(kept: Option<&[u8]>, cleared: bool, name: &'static str, of: impl FnOnce() -> Hash) -> Result<Hash, NotCleared> {
    match kept {
        None => Ok(of()),
        Some(kept) if cleared => kept.try_into().map_err(|_| NotCleared(name)),
        Some(_) => Err(NotCleared(name)),
    }
}

impl Link {
    /// The entry's hash at place `seq` after the entry whose hash is `prev`: SHA-256 over `prev`,
    /// `seq`, the id, the time (microseconds), the actor's account, the action, the record, the
    /// participant and the request, then the digests of the actor, the before and the after images,
    /// and, when any is there, the purpose, the actor's role and organisations and a list's subjects.
    pub fn hash_at(&self, prev: &Hash, seq: i64) -> Result<Hash, NotCleared> {
        let actor = part(
            self.actor_digest.as_deref(),
            self.entry.actor_label.is_empty() && self.entry.address.is_none(),
            "actor",
            || actor_digest(&self.entry.actor_label, self.entry.address.as_deref()),
        )?;
        let before = part(
            self.before_digest.as_deref(),
            self.entry.before_json.is_none(),
            "before",
            || image_digest(self.entry.before_json.as_deref()),
        )?;
        let after = part(
            self.after_digest.as_deref(),
            self.entry.after_json.is_none(),
            "after",
            || image_digest(self.entry.after_json.as_deref()),
        )?;
        let mut h = Sha256::new();
        h.update(prev);
        h.update(seq.to_be_bytes());
        h.update(self.entry.id.to_be_bytes());
        h.update(self.entry.at.timestamp_micros().to_be_bytes());
        put_opt_id(&mut h, self.entry.actor_user_id);
        put_text(&mut h, &self.entry.action);
        put_text(&mut h, &self.entry.entity_type);
        put_opt_text(&mut h, self.entry.entity_id.as_deref());
        put_opt_id(&mut h, self.entry.participant_id);
        put_opt_text(&mut h, self.entry.request_id.as_deref());
        h.update(actor);
        h.update(before);
        h.update(after);
        // Why and as whom (migration 0049): an entry without any of them hashes as entries did
        // before, so the chains sealed earlier still verify.
        let e = &self.entry;
        let context = [&e.purpose, &e.actor_role, &e.actor_organisations, &e.subjects];
        if context.iter().any(|c| c.is_some()) {
            h.update([2]);
            for part in context {
                put_opt_text(&mut h, part.as_deref());
            }
        }
        Ok(h.finalize().into())
    }
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The hash written as [`hex`], read back.
pub fn parse_hex(text: &str) -> Option<Hash> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The entry's content or hash is not what was sealed.
    Changed { id: i64, seq: i64 },
    /// The places `from..=to` are missing: entries removed. `next_id` is the entry after the gap
    /// (none when the last entries, which a checkpoint counted, are gone).
    Removed { from: i64, to: i64, next_id: Option<i64> },
    /// The entry was put into the chain after it was sealed.
    Inserted { id: i64, seq: i64 },
    /// A part is marked as redacted but still holds text.
    NotCleared { id: i64, seq: i64, part: &'static str },
    /// The chain verifies but its entry at the checkpoint's count has another hash: rewritten.
    Checkpoint { id: i64, seq: i64 },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Changed { id, seq } => write!(
                f,
                "entry id {id} (seq {seq}) was changed: it is not what was sealed at its place"
            ),
            Problem::Removed { from, to, next_id } => {
                let places = if from == to {
                    format!("entry seq {from} was removed")
                } else {
                    format!("entries seq {from} to {to} were removed")
                };
                match next_id {
                    Some(next) => write!(f, "{places} (just before entry id {next})"),
                    None => write!(f, "{places} (the end of the chain the checkpoint counted)"),
                }
            }
            Problem::Inserted { id, seq } => write!(f, "entry id {id} (seq {seq}) was inserted"),
            Problem::NotCleared { id, seq, part } => {
                write!(
                    f,
                    "entry id {id} (seq {seq}) was changed: its {part} part is marked redacted but holds text"
                )
            }
            Problem::Checkpoint { id, seq } => write!(
                f,
                "entry id {id} (seq {seq}) has another hash than the checkpoint: the chain was rewritten up to it"
            ),
        }
    }
}

/// Where a walk stands between two entries: the place the next entry should have, and the hashes
/// and the id of the two entries before it. A walk that starts from the position another walk
/// ended at goes on exactly as that walk would have: so can ranges of the chain be walked apart
/// and joined at their seams ([`super::sealing::verify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub expected: i64,
    pub prev: Hash,
    /// The hash before `prev`: an entry that follows from it was pushed out of its place.
    pub prev_prev: Hash,
    pub prev_id: Option<i64>,
}

impl Position {
    /// Before the first entry.
    pub const START: Position = Position {
        expected: 1,
        prev: GENESIS,
        prev_prev: GENESIS,
        prev_id: None,
    };
}

/// A walk over sealed entries in order of place (then id), checking each against the one before.
#[derive(Debug, Clone)]
pub struct Walk {
    at: Position,
    /// A checkpoint kept outside the database: (count, hash).
    against: Option<(i64, Hash)>,
    pub problem: Option<Problem>,
}

impl Walk {
    pub fn new(against: Option<(i64, Hash)>) -> Walk {
        Walk::resume(Position::START, against)
    }

    /// A walk that goes on from `at`, taking the entries before it as they were found.
    pub fn resume(at: Position, against: Option<(i64, Hash)>) -> Walk {
        Walk {
            at,
            against,
            problem: None,
        }
    }

    /// Where the walk stands (after the last good entry).
    pub fn position(&self) -> Position {
        self.at
    }

    /// The entries checked so far, all of them good.
    pub fn checked(&self) -> i64 {
        self.at.expected - 1
    }

    /// The head so far: place and hash.
    pub fn head(&self) -> (i64, Hash) {
        (self.checked(), self.at.prev)
    }

    /// Checks the next entry; false (with [`Walk::problem`] set) at the first problem.
    pub fn push(&mut self, link: &Link) -> bool {
        if self.problem.is_some() {
            return false;
        }
        let Some(seq) = link.seq else { return true };
        let stored: Option<Hash> = link.hash.as_deref().and_then(|h| h.try_into().ok());
        let id = link.entry.id;
        if seq < self.at.expected {
            // A second entry at a place already taken: the one that does not follow was inserted.
            let follows = link.hash_at(&self.at.prev_prev, seq).is_ok_and(|h| Some(h) == stored);
            let inserted = match (follows, self.at.prev_id) {
                (true, Some(prev_id)) => prev_id,
                _ => id,
            };
            self.problem = Some(Problem::Inserted { id: inserted, seq });
            return false;
        }
        if seq > self.at.expected {
            self.problem = Some(Problem::Removed {
                from: self.at.expected,
                to: seq - 1,
                next_id: Some(id),
            });
            return false;
        }
        let computed = match link.hash_at(&self.at.prev, seq) {
            Ok(h) => h,
            Err(NotCleared(part)) => {
                self.problem = Some(Problem::NotCleared { id, seq, part });
                return false;
            }
        };
        if Some(computed) != stored {
            let shifted = seq > 1
                && link
                    .hash_at(&self.at.prev_prev, seq - 1)
                    .is_ok_and(|h| Some(h) == stored);
            self.problem = Some(match (shifted, self.at.prev_id) {
                // It was sealed one place earlier, after the entry before the one now before it.
                (true, Some(prev_id)) => Problem::Inserted {
                    id: prev_id,
                    seq: seq - 1,
                },
                _ => Problem::Changed { id, seq },
            });
            return false;
        }
        if let Some((count, hash)) = self.against
            && count == seq
            && hash != computed
        {
            self.problem = Some(Problem::Checkpoint { id, seq });
            return false;
        }
        self.at.prev_prev = self.at.prev;
        self.at.prev = computed;
        self.at.prev_id = Some(id);
        self.at.expected += 1;
        true
    }

    /// After the last entry: the checkpoint's entries must all have been there.
    pub fn finish(&mut self) {
        if self.problem.is_none()
            && let Some((count, _)) = self.against
            && count > self.checked()
        {
            self.problem = Some(Problem::Removed {
                from: self.checked() + 1,
                to: count,
                next_id: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(id: i64) -> Link {
        Link {
            entry: Entry {
                id,
                at: chrono::DateTime::from_timestamp_micros(1_765_000_000_123_456).unwrap(),
                actor_user_id: Some(Uuid::from_u128(7)),
                actor_label: "sofie.maes@gtb.demo".into(),
                action: "participant.update".into(),
                entity_type: "participant".into(),
                entity_id: Some("p1".into()),
                participant_id: Some(Uuid::from_u128(9)),
                address: Some("192.0.2.7".into()),
                request_id: None,
                before_json: Some(r#"{"phone":"1"}"#.into()),
                after_json: Some(r#"{"phone":"2"}"#.into()),
                purpose: None,
                actor_role: None,
                actor_organisations: None,
                subjects: None,
            },
            seq: None,
            hash: None,
            before_digest: None,
            after_digest: None,
            actor_digest: None,
        }
    }

    /// A chain of `n` entries, sealed as the sealer seals them.
    fn chain(n: i64) -> Vec<Link> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let mut l = link(seq + 100);
                prev = l.hash_at(&prev, seq).unwrap();
                l.seq = Some(seq);
                l.hash = Some(prev.to_vec());
                l
            })
            .collect()
    }

    fn walk(links: &[Link]) -> Option<Problem> {
        let mut walk = Walk::new(None);
        links.iter().all(|l| walk.push(l));
        walk.finish();
        walk.problem
    }

    #[test]
    fn every_column_and_the_place_enter_the_hash() {
        let base = link(1);
        let h = base.hash_at(&GENESIS, 1).unwrap();
        assert_ne!(h, base.hash_at(&GENESIS, 2).unwrap());
        assert_ne!(h, base.hash_at(&[1; 32], 1).unwrap());
        let changes: [fn(&mut Link); 8] = [
            |l| l.entry.actor_label.push('x'),
            |l| l.entry.address = None,
            |l| l.entry.request_id = Some(String::new()),
            |l| l.entry.entity_id = None,
            |l| l.entry.after_json = None,
            |l| l.entry.before_json = Some(r#"{"phone":"3"}"#.into()),
            |l| l.entry.at += chrono::Duration::microseconds(1),
            |l| l.entry.participant_id = None,
        ];
        for change in changes {
            let mut other = base.clone();
            change(&mut other);
            assert_ne!(h, other.hash_at(&GENESIS, 1).unwrap());
        }
    }

    #[test]
    fn a_redacted_part_keeps_the_hash_and_must_stay_empty() {
        let l = link(1);
        let h = l.hash_at(&GENESIS, 1).unwrap();
        let mut redacted = l.clone();
        redacted.before_digest = Some(image_digest(redacted.entry.before_json.take().as_deref()).to_vec());
        redacted.actor_digest =
            Some(actor_digest(&redacted.entry.actor_label, redacted.entry.address.as_deref()).to_vec());
        redacted.entry.actor_label.clear();
        redacted.entry.address = None;
        assert_eq!(redacted.hash_at(&GENESIS, 1), Ok(h));
        redacted.entry.before_json = Some("{}".into());
        assert_eq!(redacted.hash_at(&GENESIS, 1), Err(NotCleared("before")));
    }

    #[test]
    fn the_walk_names_the_first_entry_changed_removed_or_inserted() {
        assert_eq!(walk(&chain(5)), None);
        let mut changed = chain(5);
        changed[2].entry.action = "participant.read".into();
        assert_eq!(walk(&changed), Some(Problem::Changed { id: 103, seq: 3 }));
        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(
            walk(&removed),
            Some(Problem::Removed {
                from: 2,
                to: 2,
                next_id: Some(103)
            })
        );
        let mut duplicate = chain(5);
        let mut forged = link(999);
        forged.seq = Some(3);
        forged.hash = Some(vec![0; 32]);
        duplicate.insert(3, forged);
        assert_eq!(walk(&duplicate), Some(Problem::Inserted { id: 999, seq: 3 }));
        assert_eq!(parse_hex(&hex(&[0xab; 32])), Some([0xab; 32]));
        let mut against = Walk::new(Some((7, [0; 32])));
        chain(5).iter().for_each(|l| assert!(against.push(l)));
        against.finish();
        assert_eq!(
            against.problem,
            Some(Problem::Removed {
                from: 6,
                to: 7,
                next_id: None
            })
        );
    }
}
