//! The one place where a failed page becomes the HTML error page, in the request's language.

use super::layout::{Page, PageFailure, render};
use crate::i18n;
use crate::identity::{Ctx, RequestInfo};
use askama::Template;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onramp_domain::identity::Language;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    p: Page,
    message: String,
}

/// Renders the error page for a response that a page handler (or the anti-forgery check) marked
/// as failed; headers such as `Retry-After` stay.
pub async fn render_failures(request: Request, next: Next) -> Response {
    // The account's language when signed in, else the one the request asks for.
    let signed_in = request.extensions().get::<Ctx>().map(|ctx| ctx.language);
    let asked = request.extensions().get::<RequestInfo>().map(|info| info.language);
    let lang = signed_in.or(asked).unwrap_or(Language::Nl);
    let response = next.run(request).await;
    let Some(failure) = response.extensions().get::<PageFailure>().copied() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.extensions.remove::<PageFailure>();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let page = error_page(lang, failure);
    let (page_parts, body) = page.into_parts();
    if let Some(content_type) = page_parts.headers.get(axum::http::header::CONTENT_TYPE) {
        parts
            .headers
            .insert(axum::http::header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, body)
}

/// The error page of a status, titled by the error's code.
pub fn error_page(lang: Language, failure: PageFailure) -> Response {
    let mut p = Page::anonymous(lang, &format!("problem-{}", failure.code), String::new());
    p.section = "error";
    let message = i18n::text(lang, &format!("page-error-{}", failure.status.as_u16()));
    (failure.status, render(&ErrorTemplate { p, message })).into_response()
}
