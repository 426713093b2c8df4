//! Marking sessions and API tokens as used ("last seen"), best-effort and off the request's path.
//!
//! It is a write, and SQLite has one writer, which an import may hold for a while: a request
//! neither waits for the write nor fails with it. The write is skipped when the writer stays busy
//! for [`WAIT`] (or, on PostgreSQL, a row lock does), given up after [`LIMIT`], and a failure is
//! logged; a later request tries again, and a session stays alive for two hours without one.

use crate::state::AppState;
use chrono::{DateTime, Utc};
use onramp_store::{sessions, tokens};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Sessions and API tokens are marked as used at most once a minute, to spare the database a write
/// per request.
const INTERVAL: chrono::Duration = chrono::Duration::seconds(60);

/// How long the write waits for the writer (or a row lock) before it is skipped...
const WAIT: Duration = Duration::from_secs(1);
/// ...and how long it may take in all before it is given up.
const LIMIT: Duration = Duration::from_secs(5);
/// After a write, requests that read the old time before it was committed do not write again.
const JUST_WRITTEN: Duration = Duration::from_secs(2);

/// A session (by its cookie value) or an API token (by its secret) to mark as used.
pub enum Touch {
    Session(String),
    Token(String),
}

impl Touch {
    fn what(&self) -> &'static str {
        match self {
            Touch::Session(_) => "session",
            Touch::Token(_) => "API token",
        }
    }

    /// The key in [`PENDING`]: a hash, so that no secret stays in memory after its request.
    fn key(&self) -> String {
        match self {
            Touch::Session(token) => tokens::sha256_hex(&format!("session {token}")),
            Touch::Token(secret) => tokens::sha256_hex(&format!("token {secret}")),
        }
    }
}

/// Whether a session or token last marked as used at `last` is due to be marked again.
pub fn due(last: Option<DateTime<Utc>>) -> bool {
    last.is_none_or(|at| onramp_store::now() - at > INTERVAL)
}

/// The writes this process has under way, or made a moment ago, and until when they count as
/// such: one write per session or token at a time, however many requests it makes meanwhile.
static PENDING: LazyLock<Mutex<HashMap<String, Instant>>> = LazyLock::new(Default::default);

/// Marks a session or token as used, beside the request (see the module's comment).
pub fn later(state: &AppState, touch: Touch) {
    let key = touch.key();
    let now = Instant::now();
    let first = PENDING.lock().is_ok_and(|mut pending| {
        pending.retain(|_, until| *until > now);
        if pending.contains_key(&key) {
            return false;
        }
        pending.insert(key.clone(), now + LIMIT);
        true
    });
    if !first {
        return;
    }
    let guard = Pending { key, written: false };
    let db = state.db.clone();
    tokio::spawn(async move {
        // The whole guard moves into the task, to end the entry when the write is over.
        let mut guard = guard;
        let write = async {
            let Some(mut tx) = db.begin_within(WAIT).await? else {
                return Ok(false);
            };
            match &touch {
                Touch::Session(token) => sessions::touch(&mut tx, token).await?,
                Touch::Token(secret) => tokens::touch(&mut tx, secret).await?,
            }
            tx.commit().await.map(|()| true)
        };
        let what = touch.what();
        match tokio::time::timeout(LIMIT, write).await {
            Ok(Ok(true)) => guard.written = true,
            Ok(Ok(false)) => tracing::debug!("the writer is busy: the {what} is marked as used another time"),
            Ok(Err(error)) => tracing::warn!(%error, "marking the {what} as used failed; the request went on"),
            Err(_) => tracing::warn!("marking the {what} as used took too long; given up"),
        }
    });
}

/// Ends a write's entry in [`PENDING`] however the write ended: kept a moment when written, gone
/// otherwise, so that the next request tries again.
struct Pending {
    key: String,
    written: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock() {
            if self.written {
                pending.insert(std::mem::take(&mut self.key), Instant::now() + JUST_WRITTEN);
            } else {
                pending.remove(&self.key);
            }
        }
    }
}
