//! Reading and writing the few cookies onramp uses.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const SESSION: &str = "onramp_session";
/// Anti-forgery token for forms shown before sign-in (the sign-in form itself).
pub const FORM_TOKEN: &str = "onramp_form";
pub const LANGUAGE: &str = "onramp_lang";
/// A sign-in between the password and the second factor's code (docs/security.md).
pub const PENDING: &str = "onramp_pending";
/// The `state` of a single sign-on this browser started: the callback must come back to the
/// same browser (no sign-in into someone else's account by a link).
pub const SSO_STATE: &str = "onramp_sso";

pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site; `Secure` behind TLS.
pub fn set(name: &str, value: &str, max_age_seconds: Option<i64>, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_seconds {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", Some(0), secure)
}
