//! onramp's web layer: the server-rendered pages, the JSON API under `/api/v1`
//! and its OpenAPI document. Requests are parsed into domain types here, asked
//! of the policy, then passed to the store through the `service` module.

pub mod api;
pub mod builtin_names;
mod confinement;
mod cookies;
pub mod download;
pub mod error;
pub mod exchange;
pub mod i18n;
mod ical;
mod identity;
pub mod mail;
mod metrics;
mod pages;
mod proxy;
pub mod requests;
mod security;
pub mod service;
pub mod sso;
pub mod state;
pub mod time;
mod touch;
mod two_factor_gate;

#[cfg(test)]
mod layering;

use axum::Router;
use onramp_store::Db;
use std::sync::Arc;

pub use confinement::participant_may_reach;
pub use identity::Ctx;
pub use pages::{CaseloadListEntry, caseload_page, staff_page_paths};
pub use state::{AppState, Config, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MEETING_URL};

/// The whole application: pages, API, health check and OpenAPI document.
pub fn app(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let api_router = api_router.layer(axum::middleware::from_fn(security::refuse_cross_site));
    let openapi = Arc::new(api::document(&openapi));
    let router = Router::new()
        .merge(pages::router())
        .merge(api_router)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", axum::routing::get(healthz))
        .route_layer(axum::middleware::from_fn(security::record_route));
    let router = security::limit_bodies(router)
        .layer(axum::middleware::from_fn(confinement::confine_participants))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            two_factor_gate::require,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), identity::load))
        // Outside the sign-in layers: a scraper shows its own token, not a user's.
        .route("/metrics", axum::routing::get(metrics::scrape))
        .with_state(state);
    security::apply(router)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::http::StatusCode {
    match state.db.ping().await {
        Ok(()) => axum::http::StatusCode::OK,
        Err(error) => {
            tracing::error!(%error, "health check: database does not answer");
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Serves the application on `listener` until the process is told to stop, then lets the
/// requests in progress finish.
///
/// HTTP/1.1 through hyper's own connection builder rather than `axum::serve`, which cannot be
/// configured: a connection that has not sent a request's headers within the configured time
/// (`Config::header_read_timeout`) is closed, so that clients sending headers slowly, or
/// keeping idle connections, cannot hold the server's connections open indefinitely.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    spawn_housekeeping(state.db.clone());
    spawn_digest(state.clone());
    spawn_audit_sealer(state.db.clone());
    spawn_retention(state.db.clone());
    let header_read_timeout = state.config.header_read_timeout;
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(remote));
            tower::ServiceExt::oneshot(router.clone(), request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A failed accept: a connection that went away before it was accepted is nothing; running out
/// of file descriptors or memory is, so wait a moment before accepting again.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed; trying again in a second");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

/// Removes expired sessions, old sign-in attempts and single sign-ons that never came back every
/// ten minutes.
fn spawn_housekeeping(db: Db) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            interval.tick().await;
            let result = async {
                let mut tx = db.begin().await?;
                onramp_store::sessions::purge_expired(&mut tx).await?;
                onramp_store::throttle::purge_old(&mut tx).await?;
                onramp_store::password_resets::purge_old(&mut tx).await?;
                onramp_store::identities::purge_expired(&mut tx).await?;
                tx.commit().await
            }
            .await;
            match result {
                Ok(()) => metrics::job_succeeded("housekeeping"),
                Err(error) => tracing::warn!(%error, "housekeeping failed; will retry"),
            }
        }
    });
}

/// Seals the audit entries committed since (every second, so an entry has its place in the chain
/// right after it commits), and logs the head of the chain at start and then once a day, so that
/// it is kept outside the database (docs/audit.md). Safe with several nodes: one seals at a time.
fn spawn_audit_sealer(db: Db) {
    tokio::spawn(async move {
        let mut seal = tokio::time::interval(std::time::Duration::from_secs(1));
        seal.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut checkpoint = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            let log = tokio::select! {
                _ = seal.tick() => false,
                _ = checkpoint.tick() => true,
            };
            // A failed seal does not skip the day's checkpoint, which only reads the head.
            match onramp_store::audit::seal(&db).await {
                Ok(_) => metrics::job_succeeded("audit_sealer"),
                Err(error) => tracing::error!(%error, "sealing the audit log failed; will retry"),
            }
            if log {
                match onramp_store::audit::checkpoint(&db).await {
                    Ok(head) => tracing::info!(
                        count = head.count, hash = %head.hash, at = %head.at,
                        "audit checkpoint (keep it: onramp audit verify --against)"
                    ),
                    Err(error) => tracing::warn!(%error, "cannot read the audit checkpoint"),
                }
            }
        }
    });
}

/// Once a day (looked at every hour, first ten minutes after start), anonymises the files past
/// their retention date and purges old sign-in data (docs/retention.md). Safe with several
/// nodes: one run at a time holds the retention lock, and a second run that day finds nothing.
fn spawn_retention(db: Db) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + std::time::Duration::from_secs(600);
        let mut hourly = tokio::time::interval_at(start, std::time::Duration::from_secs(3600));
        let mut done_on = None;
        loop {
            hourly.tick().await;
            let today = onramp_store::today();
            if done_on == Some(today) {
                continue;
            }
            match service::retention::run(&db, today, false).await {
                Ok(run) => {
                    done_on = Some(today);
                    metrics::job_succeeded("retention");
                    tracing::info!(
                        anonymised = run.anonymised.len(),
                        held = run.held.len(),
                        skipped = run.skipped,
                        sessions = run.purged.sessions,
                        sign_in_attempts = run.purged.sign_in_attempts,
                        tokens = run.purged.tokens,
                        "retention run"
                    );
                }
                Err(error) => tracing::error!(?error, "the retention run failed; will retry"),
            }
        }
    });
}

/// From 07:00 Brussels time, every quarter of an hour, sends the day's digests not yet sent
/// (safe with several nodes: each coach's digest is claimed once a day).
fn spawn_digest(state: AppState) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(900));
        loop {
            interval.tick().await;
            let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Brussels);
            if chrono::Timelike::hour(&now) < 7 {
                continue;
            }
            match service::digest::send_due(&state, now.date_naive()).await {
                Ok(_) => metrics::job_succeeded("digest"),
                Err(error) => tracing::warn!(?error, "the digest round failed; will retry"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
