//! Security headers, request ids, limits and tracing for every response; the API's refusal of
//! requests that another site may have made.

use crate::error::AppError;
use crate::identity::{Credential, RequestInfo};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onramp_domain::identity::Language;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

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
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        // One line per request at info: its span (method, route, request id, client), status, duration.
        .layer(
            TraceLayer::new_for_http().make_span_with(MakeSpan).on_response(
                DefaultOnResponse::new()
                    .level(Level::INFO)
                    .latency_unit(LatencyUnit::Millis),
            ),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Bounds every request body by [`MAX_BODY`] (axum's smaller default is lifted: this is the one
/// bound). Applied inside the identity layer, so that a refusal speaks the user's language.
pub fn limit_bodies<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::from_fn(explain_too_large))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// A body over [`MAX_BODY`] is refused in plain text, by the limit layer when the request says
/// its length and by the extractor reading it otherwise. Either way the client is told the limit
/// as every other refusal is told: a problem document from the API, the error page elsewhere.
async fn explain_too_large(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    // The account's language when signed in, else the one the request asks for.
    let signed_in = request
        .extensions()
        .get::<crate::identity::Ctx>()
        .map(|ctx| ctx.language);
    let asked = request.extensions().get::<RequestInfo>().map(|info| info.language);
    let language = signed_in.or(asked).unwrap_or(Language::Nl);
    let response = next.run(request).await;
    let explained = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json") || v.starts_with("text/html"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || explained {
        return response;
    }
    if api {
        AppError::TooLarge.into_response()
    } else {
        crate::pages::too_large_page(language)
    }
}

/// Refuses a state-changing API request made with the session cookie that another site may have
/// made. A browser sends the cookie along with requests other sites make (a form posting
/// `text/plain`, a `fetch` without a body), but it sends neither a JSON content type nor
/// `X-Requested-With` to another site without asking first (CORS), which onramp never allows.
/// So such a request must carry one of them, and must not say it comes from another site
/// (`Sec-Fetch-Site`, `Origin`). Browsers do not send bearer tokens on their own: requests with
/// one, and requests with no credential at all, are not concerned.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if let Err(reason) = same_site(&request) {
        tracing::warn!(path = %request.uri().path(), reason, "API request refused: it may come from another site");
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

fn same_site(request: &Request) -> Result<(), &'static str> {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let by_cookie = request
        .extensions()
        .get::<RequestInfo>()
        .is_none_or(|info| info.credential == Credential::SessionCookie);
    if !by_cookie {
        return Ok(());
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return Err("Sec-Fetch-Site names another site");
    }
    if let Some(origin) = headers.get(header::ORIGIN)
        && !origin.to_str().is_ok_and(|origin| is_this_site(origin, headers))
    {
        return Err("Origin names another site");
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json);
    let requested_with = headers.get("x-requested-with").is_some_and(|v| !v.is_empty());
    if json || requested_with {
        Ok(())
    } else {
        Err("neither a JSON content type nor X-Requested-With")
    }
}

/// `application/json` or `application/<something>+json`, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Whether an `Origin` (`https://host[:port]`, or `null`) names the host the request was sent to:
/// its `Host`, or the `X-Forwarded-Host` a proxy in front passes on (a header no other site can
/// make a browser send).
fn is_this_site(origin: &str, headers: &HeaderMap) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return false,
    };
    let plain = |authority: &str| {
        let authority = authority.trim().trim_end_matches('/').to_ascii_lowercase();
        match authority.strip_suffix(default_port) {
            Some(host) => host.to_owned(),
            None => authority,
        }
    };
    let origin = plain(authority);
    [header::HOST, HeaderName::from_static("x-forwarded-host")]
        .iter()
        .filter_map(|name| headers.get(name)?.to_str().ok())
        .filter_map(|hosts| hosts.split(',').next())
        .any(|host| plain(host) == origin)
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
        // The route and the client are recorded once known: the route template after routing
        // (`record_route`; never the path, which holds ids and a calendar feed's secret), the
        // client in `identity::load` (a trusted proxy may name it).
        tracing::info_span!("request", method = %request.method(), route = tracing::field::Empty, request_id = %id,
            client = tracing::field::Empty)
    }
}

/// Records the route template of a matched request in its span (`route=/api/v1/participants/{id}`),
/// and counts the request with its status and duration (`crate::metrics`).
pub async fn record_route(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|route| route.as_str().to_owned());
    if let Some(route) = &route {
        tracing::Span::current().record("route", route.as_str());
    }
    let response = next.run(request).await;
    if let Some(route) = route {
        crate::metrics::request(
            method.as_str(),
            &route,
            response.status(),
            started.elapsed().as_secs_f64(),
        );
    }
    response
}

#[cfg(test)]
mod cross_site_tests {
    use super::{is_json, is_this_site};
    use axum::http::HeaderMap;

    fn host(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", value.parse().unwrap());
        headers
    }

    #[test]
    fn json_content_types() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/problem+json",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/json",
            "",
        ] {
            assert!(!is_json(other), "{other}");
        }
    }

    #[test]
    fn an_origin_is_this_site_when_it_names_the_host() {
        assert!(is_this_site("https://onramp.example", &host("onramp.example")));
        assert!(is_this_site("https://onramp.example", &host("onramp.example:443")));
        assert!(is_this_site("http://127.0.0.1:8080", &host("127.0.0.1:8080")));
        assert!(!is_this_site("http://127.0.0.1:8081", &host("127.0.0.1:8080")));
        assert!(!is_this_site("https://evil.example", &host("onramp.example")));
        assert!(!is_this_site(
            "https://onramp.example.evil.example",
            &host("onramp.example")
        ));
        assert!(!is_this_site("null", &host("onramp.example")));
        let mut proxied = host("127.0.0.1:8080");
        proxied.insert("x-forwarded-host", "onramp.example".parse().unwrap());
        assert!(is_this_site("https://onramp.example", &proxied));
    }
}
