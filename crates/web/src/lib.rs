//! onramp's web layer: the server-rendered pages, the JSON API under `/api/v1`
//! and its OpenAPI document. Requests are parsed into domain types here, asked
//! of the policy, then passed to the store through the `service` module.

pub mod api;
mod cookies;
pub mod download;
pub mod error;
pub mod exchange;
pub mod i18n;
mod ical;
mod identity;
pub mod mail;
mod pages;
pub mod requests;
mod security;
pub mod service;
pub mod state;
pub mod time;

#[cfg(test)]
mod layering;

use axum::Router;
use onramp_store::Db;
use std::net::SocketAddr;
use std::sync::Arc;

pub use identity::Ctx;
pub use state::{AppState, Config, DEFAULT_MEETING_URL};

/// The whole application: pages, API, health check and OpenAPI document.
pub fn app(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
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
        .layer(axum::middleware::from_fn_with_state(state.clone(), identity::load))
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

/// Serves the application on `listener` until the process is told to stop.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    spawn_housekeeping(state.db.clone());
    spawn_digest(state.clone());
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Removes expired sessions and old sign-in attempts every ten minutes.
fn spawn_housekeeping(db: Db) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            interval.tick().await;
            let result = async {
                let mut tx = db.begin().await?;
                onramp_store::sessions::purge_expired(&mut tx).await?;
                onramp_store::throttle::purge_old(&mut tx).await?;
                tx.commit().await
            }
            .await;
            if let Err(error) = result {
                tracing::warn!(%error, "housekeeping failed; will retry");
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
            if let Err(error) = service::digest::send_due(&state, now.date_naive()).await {
                tracing::warn!(?error, "the digest round failed; will retry");
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
