//! What a Prometheus server scrapes at `GET /metrics` (docs/operations.md, "Metrics"): requests by
//! route template and status with their durations, the database pools and the waits for them,
//! sign-ins refused and throttled, digests sent and failed, and when each background job last
//! succeeded. Served only when the operator sets `--metrics-token`, and only to a request bearing
//! it: the figures say how busy a care programme is, which is nobody else's business.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
}

/// The process's figures; one set per server process, as its pools are.
struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    sign_ins: Family<OutcomeLabels, Counter>,
    digests: Family<OutcomeLabels, Counter>,
    job_success: Family<JobLabels, Gauge<f64, AtomicU64>>,
    pool_open: Family<PoolLabels, Gauge>,
    pool_idle: Family<PoolLabels, Gauge>,
    pool_max: Family<PoolLabels, Gauge>,
    pool_acquired: Family<PoolLabels, Gauge>,
    pool_waited: Family<PoolLabels, Gauge<f64, AtomicU64>>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("onramp");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register(
        "http_requests",
        "Requests answered, by method, route template and status",
        requests.clone(),
    );
    // From 1 ms to about 16 s.
    let durations =
        Family::<RouteLabels, Histogram>::new_with_constructor(|| Histogram::new(exponential_buckets(0.001, 2.0, 15)));
    registry.register(
        "http_request_duration_seconds",
        "Time to answer a request, by route template",
        durations.clone(),
    );
    let sign_ins = Family::<OutcomeLabels, Counter>::default();
    registry.register(
        "sign_ins",
        "Sign-ins by outcome: success, failure (refused) or throttled",
        sign_ins.clone(),
    );
    let digests = Family::<OutcomeLabels, Counter>::default();
    registry.register(
        "digests",
        "Coaches' daily digests by outcome: sent or failed",
        digests.clone(),
    );
    let job_success = Family::<JobLabels, Gauge<f64, AtomicU64>>::default();
    registry.register(
        "job_last_success_timestamp_seconds",
        "When each background job last finished without an error (Unix time)",
        job_success.clone(),
    );
    let gauge = || Family::<PoolLabels, Gauge>::default();
    let (pool_open, pool_idle, pool_max, pool_acquired) = (gauge(), gauge(), gauge(), gauge());
    registry.register("db_pool_connections", "Connections open in the pool", pool_open.clone());
    registry.register(
        "db_pool_idle_connections",
        "Connections idle in the pool",
        pool_idle.clone(),
    );
    registry.register(
        "db_pool_max_connections",
        "The most connections the pool opens",
        pool_max.clone(),
    );
    registry.register(
        "db_pool_acquired",
        "Connections handed out since the start",
        pool_acquired.clone(),
    );
    let pool_waited = Family::<PoolLabels, Gauge<f64, AtomicU64>>::default();
    registry.register(
        "db_pool_wait_seconds",
        "Time spent waiting for a connection (or SQLite's writer) since the start",
        pool_waited.clone(),
    );
    Metrics {
        registry,
        requests,
        durations,
        sign_ins,
        digests,
        job_success,
        pool_open,
        pool_idle,
        pool_max,
        pool_acquired,
        pool_waited,
    }
});

/// Counts a request answered: its route template, status and duration.
pub fn request(method: &str, route: &str, status: StatusCode, seconds: f64) {
    let labels = RequestLabels {
        method: method.to_owned(),
        route: route.to_owned(),
        status: status.as_u16(),
    };
    METRICS.requests.get_or_create(&labels).inc();
    let route = RouteLabels {
        route: route.to_owned(),
    };
    METRICS.durations.get_or_create(&route).observe(seconds);
}

/// Counts a sign-in: `success`, `failure` or `throttled`.
pub fn sign_in(outcome: &'static str) {
    METRICS.sign_ins.get_or_create(&OutcomeLabels { outcome }).inc();
}

/// Counts a digest: `sent` or `failed`.
pub fn digest(outcome: &'static str) {
    METRICS.digests.get_or_create(&OutcomeLabels { outcome }).inc();
}

/// Marks a background job's round as finished without an error, now.
pub fn job_succeeded(job: &'static str) {
    let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    METRICS.job_success.get_or_create(&JobLabels { job }).set(now);
}

/// `GET /metrics`: 404 unless a token is configured; 401 without it (a bearer token, compared in
/// constant time).
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same(sent.as_bytes(), expected.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    for usage in state.db.pool_usage() {
        let labels = PoolLabels {
            pool: usage.pool.as_str(),
        };
        METRICS.pool_open.get_or_create(&labels).set(i64::from(usage.open));
        METRICS.pool_idle.get_or_create(&labels).set(i64::from(usage.idle));
        METRICS.pool_max.get_or_create(&labels).set(i64::from(usage.max));
        let (acquired, waited) = onramp_store::waits::of(usage.pool);
        METRICS
            .pool_acquired
            .get_or_create(&labels)
            .set(i64::try_from(acquired).unwrap_or(i64::MAX));
        METRICS.pool_waited.get_or_create(&labels).set(waited);
    }
    let mut text = String::new();
    if encode(&mut text, &METRICS.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], text).into_response()
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
