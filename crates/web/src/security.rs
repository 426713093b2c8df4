//! Security headers, request ids, limits and tracing for every response.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// No inline script or style: everything comes from `/static`.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

type Header = SetResponseHeaderLayer<HeaderValue>;

/// The largest request body: room for an import of some 100 000 rows. Forms read far less.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Wraps the application in the layers every response passes through.
/// The last layer added runs first on the way in.
pub fn apply(router: Router) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    router
        .layer(Header::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(Header::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(Header::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Participant pages, their PDFs, exports and API answers hold health data: no browser or
        // proxy keeps a copy. Responses that choose their own caching (the stylesheet) keep it.
        .layer(Header::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(Header::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(MakeSpan))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// A tracing span per request, carrying its request id.
#[derive(Clone, Copy)]
pub struct MakeSpan;

impl<B> tower_http::trace::MakeSpan<B> for MakeSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> tracing::Span {
        let id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), path = %loggable_path(request.uri().path()), request_id = %id)
    }
}

/// The path as logs may keep it: a calendar feed's address is its secret, so it is cut off.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/calendar/") {
        "/calendar/…"
    } else {
        path
    }
}

#[cfg(test)]
mod log_tests {
    use super::loggable_path;

    #[test]
    fn feed_secrets_stay_out_of_the_log() {
        assert_eq!(loggable_path("/calendar/abc123.ics"), "/calendar/…");
        assert_eq!(loggable_path("/calendars"), "/calendars");
        assert_eq!(loggable_path("/caseload"), "/caseload");
    }
}
