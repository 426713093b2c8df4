//! onramp's storage: one code base over SQLite (embedded default) and PostgreSQL.
//!
//! Each query is written once and compiled for both engines by the [`run!`]
//! macro; where the dialects differ, both variants sit side by side in the same
//! function. SQL lives in this crate only.

pub mod access_export;
pub mod agreements;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod calendar_feeds;
pub mod caseload;
pub mod check_ins;
pub mod coaching;
pub mod consents;
pub mod cost_benefit;
pub mod dashboard;
mod db;
pub mod digests;
pub mod erasure;
pub mod error;
pub mod esf;
pub mod esf_kept;
pub mod group_commit;
pub mod group_sessions;
pub mod icf;
pub mod identities;
pub mod locations;
pub mod monitoring;
pub mod organisations;
pub mod outcomes;
pub mod participants;
pub mod password_resets;
pub mod passwords;
pub mod plans;
pub mod portal;
pub mod presence;
pub mod programmes;
pub mod regions;
pub mod research;
pub mod retention;
mod scope;
pub mod sessions;
pub mod studies;
pub mod throttle;
pub mod tokens;
pub mod trajectories;
pub mod two_factor;
pub mod users;
pub mod worklist;

pub(crate) use db::lock_row;
pub use db::{
    Access, Backend, Conn, DEFAULT_READER_CACHE_MIB, Db, Durability, Engine, Pool, PoolUsage, Settings, Tx, now, today,
    waits,
};
pub use error::StoreError;
pub(crate) use error::decode;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
