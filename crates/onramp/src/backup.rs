//! `onramp backup PATH` and `onramp restore PATH` (docs/operations.md). SQLite is copied with
//! `VACUUM INTO`, PostgreSQL with its own `pg_dump` (custom format) and `pg_restore`; a restore
//! goes only into an empty database, and then checks what it brought back.

use anyhow::{Context, Result, anyhow, bail};
use onramp_store::backup as store;
use onramp_store::error::redact_url;
use onramp_store::{Db, Settings};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The first bytes of each engine's backup file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_ARCHIVE_MAGIC: &[u8] = b"PGDMP";

/// Writes a consistent copy of the database at `url` to `to` while the server goes on. The copy
/// is first written next to `to` and renamed when complete, so a file at `to` is always whole.
pub async fn backup(url: &str, settings: Settings, to: &Path) -> Result<()> {
    if to.exists() {
        bail!("{} already exists: a backup never overwrites a file", to.display());
    }
    let partial = partial_of(to);
    remove_if_present(&partial)?;
    let db = if let Some(file) = store::sqlite_file(url) {
        if !file.exists() {
            bail!("there is no database at {}", file.display());
        }
        let db = open(url, settings).await?;
        store::sqlite_copy(&db, &partial)
            .await
            .with_context(|| format!("cannot write the copy to {}", partial.display()))?;
        db
    } else if is_postgres(url) {
        let db = open(url, settings).await?;
        pg_dump(&db, url, &partial).await?;
        db
    } else {
        bail!("a backup needs a SQLite file (sqlite:PATH) or a PostgreSQL database (postgres://...)");
    };
    db.close().await;
    std::fs::rename(&partial, to).with_context(|| format!("cannot rename the copy to {}", to.display()))?;
    let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup of {} written to {} ({size} bytes)",
        redact_url(url),
        to.display()
    );
    Ok(())
}

/// Brings the backup `from` back into the empty database at `url`, then checks it; fails (after
/// restoring) when a check fails.
pub async fn restore(url: &str, settings: Settings, from: &Path) -> Result<()> {
    let magic = read_magic(from)?;
    let db = if let Some(file) = store::sqlite_file(url) {
        if !magic.starts_with(SQLITE_MAGIC) {
            bail!("{} is not a SQLite backup{}", from.display(), other_engine_hint(&magic));
        }
        refuse_if_not_empty(store::sqlite_file_objects(&file).await?, url)?;
        copy_sqlite_file(from, &file)?;
        open(url, settings).await?
    } else if is_postgres(url) {
        if !magic.starts_with(PG_ARCHIVE_MAGIC) {
            bail!(
                "{} is not a PostgreSQL backup (pg_dump's custom format)",
                from.display()
            );
        }
        let db = open(url, settings).await?;
        refuse_if_not_empty(store::postgres_tables(&db).await?, url)?;
        pg_restore(url, from).await?;
        db
    } else {
        bail!("a restore needs a SQLite file (sqlite:PATH) or a PostgreSQL database (postgres://...)");
    };
    println!("restored {} into {}", from.display(), redact_url(url));
    let passed = check(&db).await;
    db.close().await;
    if !passed? {
        bail!("the restored database failed a check (above): do not serve from it");
    }
    Ok(())
}

/// The checks after a restore, each printed as one line; whether all passed.
async fn check(db: &Db) -> Result<bool> {
    let mut passed = true;
    if matches!(db, Db::Sqlite { .. }) {
        let problems = store::sqlite_integrity(db).await?;
        if problems.is_empty() {
            println!("integrity check: ok");
        } else {
            passed = false;
            println!("integrity check: FAILED\n  {}", problems.join("\n  "));
        }
    }
    passed &= check_migrations(db).await?;
    store::analyze(db)
        .await
        .context("cannot refresh the planner's statistics")?;
    // The audit chain must verify (`onramp audit verify`).
    passed &= crate::audit::check(db, None).await?;
    Ok(passed)
}

/// The migrations must be this build's: pending ones (a backup of an earlier version) are
/// applied, as `serve` would; unknown or changed ones (a newer or another build) fail.
async fn check_migrations(db: &Db) -> Result<bool> {
    let mut state = store::migrations(db).await?;
    if !state.unknown.is_empty() || !state.changed.is_empty() {
        println!(
            "migrations: FAILED: unknown to this onramp {:?}, changed {:?}: restore with the onramp version that made the backup",
            state.unknown, state.changed
        );
        return Ok(false);
    }
    if !state.pending.is_empty() {
        let pending = state.pending.len();
        db.migrate().await.context("cannot apply the pending migrations")?;
        println!("migrations: {pending} of this onramp applied now (the backup came from an earlier version)");
        state = store::migrations(db).await?;
    }
    println!(
        "migrations: {} applied, current: {}",
        state.current,
        if state.is_current() { "yes" } else { "NO" }
    );
    Ok(state.is_current())
}

async fn open(url: &str, settings: Settings) -> Result<Db> {
    Db::connect_set(url, settings)
        .await
        .with_context(|| format!("cannot open the database {}", redact_url(url)))
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

fn refuse_if_not_empty(objects: i64, url: &str) -> Result<()> {
    if objects > 0 {
        bail!(
            "the database {} is not empty (it holds {objects} tables or other objects): a restore goes only into an \
             empty database; name a new SQLite file, or create an empty PostgreSQL database (createdb)",
            redact_url(url)
        );
    }
    Ok(())
}

/// The first bytes of a backup file, which say which engine wrote it.
fn read_magic(from: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(from).with_context(|| format!("cannot read the backup {}", from.display()))?;
    let mut magic = vec![0; SQLITE_MAGIC.len()];
    let read = file.read(&mut magic)?;
    magic.truncate(read);
    Ok(magic)
}

fn other_engine_hint(magic: &[u8]) -> &'static str {
    if magic.starts_with(PG_ARCHIVE_MAGIC) {
        " (it is a PostgreSQL archive: restore it into a postgres:// database)"
    } else {
        ""
    }
}

/// `to` with `.partial` added: where a copy is written until it is complete.
fn partial_of(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Puts the backup file in the place of an empty (or absent) SQLite database: the empty file and
/// its write-ahead log go, the copy is written beside it, flushed to disk and renamed into place.
fn copy_sqlite_file(from: &Path, to: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = to.as_os_str().to_owned();
        name.push(suffix);
        remove_if_present(Path::new(&name))?;
    }
    let partial = partial_of(to);
    std::fs::copy(from, &partial).with_context(|| format!("cannot copy the backup to {}", partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, to).with_context(|| format!("cannot rename the copy to {}", to.display()))?;
    Ok(())
}

/// Runs `pg_dump` in custom format into `to`, after checking that it can read this server.
async fn pg_dump(db: &Db, url: &str, to: &Path) -> Result<()> {
    let server = store::postgres_major(db).await?;
    let client = tool_major("pg_dump")?;
    if client < server {
        bail!(
            "pg_dump {client} cannot copy a PostgreSQL {server} server: install the client tools of version {server} \
             or later (Debian: postgresql-client-{server})"
        );
    }
    let (url, password) = without_password(url);
    let mut command = Command::new("pg_dump");
    command
        .args(["--format=custom", "--no-password", "--file"])
        .arg(to)
        .arg("--dbname")
        .arg(url);
    run_tool(command, password, "pg_dump").await
}

/// Runs `pg_restore` into the empty database at `url`, all of it in one transaction.
async fn pg_restore(url: &str, from: &Path) -> Result<()> {
    let (url, password) = without_password(url);
    let mut command = Command::new("pg_restore");
    command
        .args([
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--no-password",
        ])
        .arg("--dbname")
        .arg(url)
        .arg(from);
    run_tool(command, password, "pg_restore").await
}

async fn run_tool(mut command: Command, password: Option<String>, name: &'static str) -> Result<()> {
    if let Some(password) = password {
        // Not on the command line, where every user of the machine could read it.
        command.env("PGPASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await?
        .map_err(|e| missing_tool(name, e))?;
    if !output.status.success() {
        bail!("{name} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

/// The major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.4` → 15).
fn tool_major(name: &'static str) -> Result<i32> {
    let output = Command::new(name)
        .arg("--version")
        .output()
        .map_err(|e| missing_tool(name, e))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_once(") ")
        .and_then(|(_, version)| version.split(['.', ' ']).next())
        .and_then(|major| major.trim().parse().ok())
        .ok_or_else(|| anyhow!("cannot read the version of {name} from {text:?}"))
}

fn missing_tool(name: &str, error: std::io::Error) -> anyhow::Error {
    anyhow!(
        "cannot run {name} ({error}): install PostgreSQL's client tools of the server's major version or later \
         (Debian: postgresql-client-15 for PostgreSQL 15)"
    )
}

/// A `postgres://user:password@host/db` URL without its password, and the password (decoded):
/// the tools get it through their environment instead of their arguments.
fn without_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = rest[..at].split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}://{user}{}", &rest[at..]),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_is_decoded() {
        let (url, password) = without_password("postgres://onramp:p%40ss:w@db.example:5432/onramp?sslmode=require");
        assert_eq!(url, "postgres://onramp@db.example:5432/onramp?sslmode=require");
        assert_eq!(password.as_deref(), Some("p@ss:w"));
        let (url, password) = without_password("postgres://postgres@127.0.0.1:5432/onramp");
        assert_eq!(
            (url.as_str(), password),
            ("postgres://postgres@127.0.0.1:5432/onramp", None)
        );
    }

    #[test]
    fn a_partial_copy_sits_beside_the_file() {
        assert_eq!(
            partial_of(Path::new("/b/onramp.db")),
            PathBuf::from("/b/onramp.db.partial")
        );
    }
}
