//! What every request shares: the database and the server's settings.

use crate::mail;
use onramp_store::Db;
use std::sync::Arc;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure`: set when onramp is served over TLS (directly or behind a proxy).
    pub cookie_secure: bool,
    /// The video meeting service online sessions link to (a self-hosted Jitsi Meet, say);
    /// each online session gets its own unguessable room under it.
    pub meeting_base_url: String,
    /// Outgoing e-mail (session invitations); `None` when no SMTP server is configured.
    pub mailer: Option<mail::Mailer>,
    /// Figures shown outside the care relationship (funders) hide counts of fewer people than
    /// this, and the figures that would reveal them (`onramp_domain::disclosure`).
    pub small_cell_threshold: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cookie_secure: false,
            meeting_base_url: DEFAULT_MEETING_URL.into(),
            mailer: None,
            small_cell_threshold: onramp_domain::disclosure::DEFAULT_THRESHOLD,
        }
    }
}

/// Jitsi Meet's public service; deployments set their own with `--meeting-url`.
pub const DEFAULT_MEETING_URL: &str = "https://meet.jit.si";

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}
