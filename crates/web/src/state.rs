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
    /// How long a connection may take to send a request's headers (and, between requests, to
    /// start the next one) before the server closes it, so that slow clients cannot hold
    /// connections open.
    pub header_read_timeout: std::time::Duration,
    /// The networks of the reverse proxies in front of onramp: only a request from one of them
    /// may name the client (`X-Forwarded-For`) and its scheme (`X-Forwarded-Proto`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The bearer token a Prometheus server scrapes `/metrics` with; without it there is no
    /// `/metrics` (docs/operations.md).
    pub metrics_token: Option<String>,
    /// The OpenID Connect providers staff may sign in with, each under its own short name
    /// (docs/security.md "Single sign-on"); one today, and none unless configured.
    pub sso: Vec<crate::sso::Provider>,
    /// Whether staff may sign in with a password (`--password-sign-in off` leaves single sign-on
    /// alone); the participants' portal is not affected.
    pub password_sign_in: bool,
    /// Staff who can read participant data must enrol a second factor before anything else
    /// (`--require-two-factor`, docs/security.md).
    pub require_two_factor: bool,
    /// Where users reach onramp, without a trailing `/`: links in e-mail start with it. Without
    /// it, there is no password reset by e-mail.
    pub public_url: Option<String>,
}

impl Config {
    /// The single sign-on provider of this short name.
    pub fn sso_provider(&self, key: &str) -> Option<&crate::sso::Provider> {
        self.sso.iter().find(|p| p.key() == key)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cookie_secure: false,
            meeting_base_url: DEFAULT_MEETING_URL.into(),
            mailer: None,
            small_cell_threshold: onramp_domain::disclosure::DEFAULT_THRESHOLD,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            sso: Vec::new(),
            password_sign_in: true,
            require_two_factor: false,
            public_url: None,
        }
    }
}

/// The public URL as configured: an absolute `http(s)://` URL, kept without its trailing `/`;
/// an empty value is none.
pub fn public_url(value: Option<&str>) -> Result<Option<String>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("the public URL must start with https:// or http://")?;
    if rest.is_empty() || rest.starts_with('/') || value.contains(['?', '#', ' ']) {
        return Err("the public URL must be like https://onramp.example.org".into());
    }
    Ok(Some(value.trim_end_matches('/').to_owned()))
}

/// The time a client has to send a request's headers, unless the operator chooses another
/// (`--header-read-timeout`).
pub const DEFAULT_HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Jitsi Meet's public service; deployments set their own with `--meeting-url`.
pub const DEFAULT_MEETING_URL: &str = "https://meet.jit.si";

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}
